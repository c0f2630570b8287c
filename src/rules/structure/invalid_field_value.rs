use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a value that is not one of the allowed ones (`JitterStrategy`, `QueryLanguage`,
/// `ProcessorConfig.Mode`, `ReaderConfig.InputType`, ...) or not of the required form: an
/// RFC 3339 timestamp with a time zone (Wait `Timestamp`, `Timestamp*` comparisons), a
/// `{% ... %}` JSONata expression (a JSONata `Condition` or `Items` given as plain text), a
/// path that starts with `$`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. A timestamp without a time zone is a frequent
/// surprise: RFC 3339 requires one.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "2026-01-31 09:00", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "2026-01-31T09:00:00Z", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL115",
        name: "invalid-field-value",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::InvalidValue);
}
