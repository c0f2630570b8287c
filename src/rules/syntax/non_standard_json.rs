use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports JSON5-style extensions in a JSON definition: comments, trailing commas,
    /// single-quoted strings and unquoted keys.
    ///
    /// ## Why is this bad?
    /// Step Functions parses definitions as strict JSON and rejects these
    /// (`INVALID_JSON_DESCRIPTION`). asl-lint reads them so that the rest of the file is
    /// still checked.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,},}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL003",
        name: "non-standard-json",
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_errors(ctx, sink, |k| matches!(k, SyntaxErrorKind::Extension));
}
