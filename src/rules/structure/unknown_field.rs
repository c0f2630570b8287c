use crate::diagnostics::{Applicability, Fix};
use crate::rules::{LintContext, Sink, declare_rule, plain_key, report_schema_then};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a field that the object it is in does not have: a state field that its
    /// type does not support (`Retry` on a Pass state, `TimeoutSeconds` on a Map
    /// state), a misspelled field, a field in a retrier, catcher, Choice rule, branch
    /// or item processor that ASL does not define.
    ///
    /// A misspelled field gets a did-you-mean: the closest field that this very object
    /// allows (for its `Type` and `QueryLanguage`) and does not have yet. A field that
    /// no object of its kind allows gets no suggestion (`Resourc` on a Pass state is
    /// not turned into `Resource`).
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED: Field 'X' is
    /// not supported`). A misspelled optional field would otherwise be silently ignored
    /// by readers.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "TimeoutSeconds": 10, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Renames the key to the did-you-mean field (unsafe: a guess, applied only with
    /// `--unsafe-fixes`). A field without a did-you-mean, or a key written with an
    /// escape (`"Comn\u0065nt"`), gets no fix.
    pub static RULE = {
        code: "ASL110",
        name: "unknown-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema_then(ctx, sink, Category::UnknownField, |d, f| {
        if let Some(s) = &f.suggestion
            && let Some(name) = plain_key(ctx.source, f.range)
        {
            // A guess at what was meant: only on request.
            d.fixes.push(Fix::replace(
                format!("Rename to \"{s}\""),
                Applicability::Unsafe,
                name,
                s.clone(),
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn fixes(text: &str, kind: SourceKind) -> Vec<(Applicability, String, String)> {
        let options = LintOptions {
            select: vec!["ASL110".into()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        lint_text(text, kind, &options)
            .iter()
            .flat_map(|d| d.fixes.iter())
            .flat_map(|f| {
                f.edits.iter().map(|e| {
                    (
                        f.applicability,
                        text[e.range.as_usize()].to_string(),
                        e.replacement.clone(),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn did_you_mean_renames_the_key_as_an_unsafe_fix() {
        let json =
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comnent": "c", "End": true}}}"#;
        assert_eq!(
            fixes(json, SourceKind::Json),
            vec![(Applicability::Unsafe, "Comnent".into(), "Comment".into())]
        );
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comnent: c\n    End: true\n";
        assert_eq!(
            fixes(yaml, SourceKind::Yaml),
            vec![(Applicability::Unsafe, "Comnent".into(), "Comment".into())]
        );
    }

    #[test]
    fn no_fix_without_a_suggestion_or_for_an_escaped_key() {
        // `Resource` is not a Pass field: no suggestion, no fix.
        let json =
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Resourc": "x", "End": true}}}"#;
        assert!(fixes(json, SourceKind::Json).is_empty());
        // A key written with an escape is left alone.
        let escaped = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comn\u0065nt": "c", "Commment": "d", "End": true}}}"#;
        assert_eq!(
            fixes(escaped, SourceKind::Json),
            vec![(Applicability::Unsafe, "Commment".into(), "Comment".into())]
        );
    }
}
