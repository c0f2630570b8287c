use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a field of the other query language: `Arguments`, `Output`, `Condition` or `Items` in a
/// JSONPath state, or `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`, `OutputPath`,
/// `*Path` fields and JSONPath Choice rules in a JSONata state.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition ("The QueryLanguage is set to 'JSONPath', but field
/// 'Output' is only supported for the 'JSONata' QueryLanguage"). Usually the state (or the
/// state machine) lacks `"QueryLanguage": "JSONata"`, or was half converted.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"x": 1}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"x": 1}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL111",
        name: "wrong-query-language-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::WrongQueryLanguage);
}
