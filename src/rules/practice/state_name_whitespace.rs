use crate::diagnostics::{Applicability, Edit, Fix};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::edit::string_like;

declare_rule! {
    /// ## What it does
    /// Reports a state name that begins or ends with whitespace or an invisible
    /// character (a zero-width space, a byte-order mark).
    ///
    /// ## Why is this bad?
    /// AWS accepts the name, but nobody sees the space: a `Next` typed as the name
    /// looks, without the space, names no state; the console and the execution history
    /// show two states that look the same; and tools that match states by name (mock
    /// configs, CloudWatch dashboards, test assertions) miss it.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Open case ", "States": {"Open case ": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Open case", "States": {"Open case": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Renames the state to its name without the leading and trailing whitespace and
    /// invisible characters, together with the `StartAt`, `Next`, `Default` and Catch
    /// `Next` that name it (unsafe: whatever else names the state, such as a mock
    /// config, a dashboard or a test, must be renamed too). Not offered when a state of
    /// the new name already exists.
    pub static RULE = {
        code: "ASL713",
        name: "state-name-whitespace",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// Whitespace, or a character that shows as nothing.
fn invisible(c: char) -> bool {
    c.is_whitespace() || crate::syntax::text::is_invisible(c)
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for scope in &machine.scopes {
        for state in &scope.states {
            let name = state.name;
            let trimmed = name.trim_matches(invisible);
            if trimmed.len() == name.len() || trimmed.is_empty() {
                continue;
            }
            let place = match (name.starts_with(invisible), name.ends_with(invisible)) {
                (true, true) => "begins and ends",
                (true, false) => "begins",
                _ => "ends",
            };
            let d = sink.report(
                state.name_range,
                format!(
                    "state name {} {place} with whitespace or an invisible character",
                    crate::syntax::text::quoted_visible(name)
                ),
            );
            d.help = Some(format!("rename it \"{trimmed}\""));
            if !ctx.fixes || !machine.states_named(trimmed).is_empty() {
                continue;
            }
            // The key and every reference in its scope, each token rewritten in its
            // style (quotes kept; a name written with escapes is written out).
            let mut ranges = vec![state.name_range];
            if let Some(m) = scope.start_at.filter(|m| m.value.as_str() == Some(name)) {
                ranges.push(m.value.range);
            }
            for other in &scope.states {
                for t in other.transitions() {
                    if t.target == name {
                        ranges.push(t.member.value.range);
                    }
                }
            }
            let edits: Option<Vec<Edit>> = ranges
                .iter()
                .map(|&r| {
                    let original = ctx.source.get(r.as_usize())?;
                    Some(Edit {
                        range: r,
                        replacement: string_like(ctx.document.kind, original, trimmed),
                    })
                })
                .collect();
            if let Some(mut edits) = edits {
                edits.sort_by_key(|e| e.range.start);
                d.fixes.push(Fix {
                    title: format!("Rename to \"{trimmed}\""),
                    applicability: Applicability::Unsafe,
                    edits,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;
    use crate::rules::{each_fix, located_messages};
    use crate::syntax::SourceKind;

    #[test]
    fn leading_and_trailing_whitespace_is_reported_at_the_name() {
        let text = r#"{"StartAt": " A", "States": {" A": {"Type": "Pass", "Next": "B\u200b"}, "B\u200b": {"Type": "Pass", "Next": "C\t "}, "C\t ": {"Type": "Succeed"}}}"#;
        assert_eq!(
            located_messages(text, "ASL713"),
            vec![
                "\" A\": state name \" A\" begins with whitespace or an invisible character",
                "\"B\\u200b\": state name \"B\\u200b\" ends with whitespace or an invisible character",
                "\"C\\t \": state name \"C\\t \" ends with whitespace or an invisible character",
            ]
        );
        let clean = r#"{"StartAt": "A b", "States": {"A b": {"Type": "Succeed"}}}"#;
        assert_eq!(located_messages(clean, "ASL713"), Vec::<String>::new());
    }

    #[test]
    fn the_fix_renames_the_state_and_its_references() {
        let text = r#"{"StartAt": "Open ", "States": {"Open ": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Open "}], "Default": "Done"}, "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(
            each_fix(text, SourceKind::Json, "ASL713"),
            vec![vec![(
                Applicability::Unsafe,
                "Rename to \"Open\"".to_string(),
                text.replace("Open ", "Open")
            )]]
        );
        // A name written with escapes is written out.
        let escaped =
            r#"{"StartAt": "\u5904A\u0020", "States": {"\u5904A\u0020": {"Type": "Succeed"}}}"#;
        assert_eq!(
            each_fix(escaped, SourceKind::Json, "ASL713"),
            vec![vec![(
                Applicability::Unsafe,
                "Rename to \"处A\"".to_string(),
                r#"{"StartAt": "处A", "States": {"处A": {"Type": "Succeed"}}}"#.to_string()
            )]]
        );
        // A trimmed name that is taken: no fix.
        let taken = r#"{"StartAt": "A ", "States": {"A ": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Succeed"}}}"#;
        assert_eq!(each_fix(taken, SourceKind::Json, "ASL713"), vec![vec![]]);
    }

    #[test]
    fn yaml_quoted_names_keep_their_quotes() {
        let text = "StartAt: 'Open '\nStates:\n  'Open ':\n    Type: Succeed\n";
        assert_eq!(
            each_fix(text, SourceKind::Yaml, "ASL713"),
            vec![vec![(
                Applicability::Unsafe,
                "Rename to \"Open\"".to_string(),
                "StartAt: 'Open'\nStates:\n  'Open':\n    Type: Succeed\n".to_string()
            )]]
        );
    }
}
