//! 0xx: reading the document (JSON/YAML syntax, encoding, duplicate keys).
pub mod ambiguous_yaml_scalar;
pub mod duplicate_key;
pub mod invalid_encoding;
pub mod nesting_too_deep;
pub mod non_standard_json;
pub mod syntax_error;

use crate::rules::{LintContext, Sink};
use crate::syntax::SyntaxErrorKind;

/// Reports the reader's errors of one kind.
pub(super) fn report_errors(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    wanted: fn(&SyntaxErrorKind) -> bool,
) {
    for e in ctx.document.errors.iter().filter(|e| wanted(&e.kind)) {
        sink.report(e.range, e.message.clone());
    }
}
