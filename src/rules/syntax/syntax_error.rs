use crate::diagnostics::{Applicability, Fix};
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
    ///
    /// ## Fix
    /// Two members with nothing between them get the missing `,`, and an object or
    /// array left open before the closer of the one around it (`[{"A": 1]`) gets its
    /// `}` or `]` (safe: no other insertion there makes the text valid JSON). Other
    /// syntax errors have no fix.
    pub static RULE = {
        code: "ASL001",
        name: "syntax-error",
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
        fix: Sometimes,
        check: check,
    }
}

/// The reader's message for two members with no `,` between them, at the end of the
/// first one's value.
const MISSING_COMMA: &str = "expected `,` between object members";
/// The start of its message for an object (array) left open where the array (object)
/// around it closes, at the end of its last member.
const MISSING_BRACE: &str = "expected `}` before `]`";
const MISSING_BRACKET: &str = "expected `]` before `}`";

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for e in &ctx.document.errors {
        if e.kind != SyntaxErrorKind::Invalid {
            continue;
        }
        let d = sink.report(e.range, e.message.clone());
        // Not after a value that is itself broken (an unterminated string ends where
        // its line does: a `,` there would go into it).
        let after_error = ctx.document.errors.iter().any(|o| {
            !std::ptr::eq(o, e) && o.range.start < e.range.start && o.range.end >= e.range.start
        });
        if !e.range.is_empty() || after_error {
            continue;
        }
        let insert = if e.message == MISSING_COMMA {
            ","
        } else if e.message.starts_with(MISSING_BRACE) {
            "}"
        } else if e.message.starts_with(MISSING_BRACKET) {
            "]"
        } else {
            continue;
        };
        d.fixes.push(Fix::replace(
            format!("Insert `{insert}`"),
            Applicability::Safe,
            e.range,
            insert,
        ));
    }
}
