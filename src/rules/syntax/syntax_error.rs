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
    /// `}` or `]` (safe: no other insertion there makes the text valid JSON), and a
    /// JSONata expression left unquoted in YAML (`Output: {% $x %}`) gets its quotes, and
    /// one whose own `"` ends its JSON string gets them escaped.
    /// Other syntax errors have no fix.
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
/// The JSON reader's message for `"{% $f("a") %}"`, read as the string meant.
const QUOTES_IN_JSONATA: &str = "this JSONata expression holds a `\"`";
/// The YAML reader's message for `Output: {% ... %}`, read as the string meant.
const UNQUOTED_JSONATA: &str = "a JSONata expression must be quoted in YAML";

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
        if e.message.starts_with(UNQUOTED_JSONATA)
            && let Some(written) = ctx.source.get(e.range.as_usize())
        {
            let quoted = format!("\"{}\"", written.replace('\\', "\\\\").replace('"', "\\\""));
            d.fixes.push(Fix::replace(
                "Quote the expression",
                Applicability::Safe,
                e.range,
                quoted,
            ));
            continue;
        }
        if e.message.starts_with(QUOTES_IN_JSONATA)
            && let Some(written) = ctx.source.get(e.range.as_usize())
            && written.len() >= 2
        {
            let inner = &written[1..written.len() - 1];
            let mut escaped = String::with_capacity(written.len() + 8);
            let mut backslashes = 0usize;
            for c in inner.chars() {
                if c == '"' && backslashes.is_multiple_of(2) {
                    escaped.push('\\');
                }
                backslashes = if c == '\\' { backslashes + 1 } else { 0 };
                escaped.push(c);
            }
            d.fixes.push(Fix::replace(
                "Escape the quotes",
                Applicability::Safe,
                e.range,
                format!("\"{escaped}\""),
            ));
            continue;
        }
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

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;
    use crate::syntax::SourceKind;

    #[test]
    fn an_unquoted_jsonata_expression_in_yaml_is_quoted() {
        let text = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: {% $join([\"a\", $states.input.b]) %}\n    End: true\n";
        let fixes = crate::rules::each_fix(text, SourceKind::Yaml, "ASL001");
        assert_eq!(fixes.len(), 1);
        let (applicability, title, fixed) = &fixes[0][0];
        assert_eq!(
            (*applicability, title.as_str()),
            (Applicability::Safe, "Quote the expression")
        );
        assert!(
            fixed.contains("    Output: \"{% $join([\\\"a\\\", $states.input.b]) %}\"\n"),
            "{fixed}"
        );
        // The fixed text reads, with the expression as written.
        let doc = crate::syntax::parse(fixed, SourceKind::Yaml);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    }

    #[test]
    fn quotes_inside_a_jsonata_expression_are_escaped() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $join(["a", "b"], "-") %}", "End": true}}}"#;
        let fixes = crate::rules::each_fix(text, SourceKind::Json, "ASL001");
        assert_eq!(fixes.len(), 1);
        let (applicability, title, fixed) = &fixes[0][0];
        assert_eq!(
            (*applicability, title.as_str()),
            (Applicability::Safe, "Escape the quotes")
        );
        assert!(
            fixed.contains(r#""Output": "{% $join([\"a\", \"b\"], \"-\") %}", "End""#),
            "{fixed}"
        );
        let doc = crate::syntax::parse(fixed, SourceKind::Json);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    }
}
