use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports a file that is not UTF-8 text: invalid byte sequences, or a binary file.
    ///
    /// ## Why is this bad?
    /// Step Functions definitions are UTF-8 JSON. A stray byte from another encoding
    /// turns into a replacement character or makes the upload fail.
    ///
    /// ## Example
    /// A file saved as Latin-1 with `"Comment": "café"` has the byte `0xE9` where UTF-8
    /// needs two bytes.
    ///
    /// Use instead: save the file as UTF-8.
    pub static RULE = {
        code: "ASL004",
        name: "invalid-encoding",
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_errors(ctx, sink, |k| matches!(k, SyntaxErrorKind::Encoding));
}
