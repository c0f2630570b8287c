use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid JSON or YAML: a missing comma or colon, an
    /// unterminated string, an unexpected character.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the whole definition (`INVALID_JSON_DESCRIPTION`). asl-lint
    /// recovers after the error and still analyses the rest, but what follows the error
    /// may be read differently from what you meant.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass" "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL001",
        name: "syntax-error",
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_errors(ctx, sink, |k| matches!(k, SyntaxErrorKind::Invalid));
}
