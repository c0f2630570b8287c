use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports arrays and objects nested more than 256 levels deep. The deeper part is
    /// not analysed.
    ///
    /// ## Why is this bad?
    /// No real state machine nests that deep (AWS rejects deeply nested definitions with
    /// `TOO_DEEPLY_NESTED`); such a file is generated or corrupt.
    ///
    /// ## Example
    /// A `Parameters` value of 300 nested arrays `[[[[...]]]]`.
    ///
    /// Use instead: flatten the data, or pass it in the execution input.
    pub static RULE = {
        code: "ASL005",
        name: "nesting-too-deep",
        severity: Error,
        aws_code: Some("TOO_DEEPLY_NESTED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_errors(ctx, sink, |k| matches!(k, SyntaxErrorKind::TooDeep));
}
