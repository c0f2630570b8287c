use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a state that sets `"QueryLanguage": "JSONPath"` in a state machine whose top-level
/// `QueryLanguage` is JSONata. (A JSONPath state machine may have JSONata states, not the
/// reverse; states of a Distributed Map's child workflow may choose.)
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition ("'QueryLanguage' can not be 'JSONPath' if set to
/// 'JSONata' for whole state machine").
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL117",
        name: "query-language-conflict",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::QueryLanguageConflict);
}
