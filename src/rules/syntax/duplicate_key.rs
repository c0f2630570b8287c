use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same object, such as two states with the
    /// same name or two `Next` fields in one state.
    ///
    /// ## Why is this bad?
    /// JSON readers silently keep only the last value, so one of the two is ignored: a
    /// whole state can disappear without any error at deploy time.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL002",
        name: "duplicate-key",
        severity: Error,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for e in &ctx.document.errors {
        if let SyntaxErrorKind::DuplicateKey { first } = e.kind {
            sink.report(
                e.range,
                format!("{}; only the last one takes effect", e.message),
            )
            .labels
            .push(crate::diagnostics::Label {
                range: first,
                message: "first defined here".to_string(),
            });
        }
    }
}
