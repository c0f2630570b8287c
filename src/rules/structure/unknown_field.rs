use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a field that the object it is in does not have: a state field that its type does not
/// support (`Retry` on a Pass state, `TimeoutSeconds` on a Map state), a misspelled field, a
/// field in a retrier, catcher, Choice rule, branch or item processor that ASL does not define.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED: Field 'X' is not
/// supported`). A misspelled optional field would otherwise be silently ignored by readers.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "TimeoutSeconds": 10, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL110",
        name: "unknown-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::UnknownField);
}
