use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that is not an object, or has no `Type`.
    ///
    /// ## Why is this bad?
    /// The `Type` decides what a state does (Task, Pass, Choice, Wait, Succeed, Fail,
    /// Parallel, Map); Step Functions rejects a state without one.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL103",
        name: "missing-state-type",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

/// The fields of the state machine itself, sometimes written inside `States`.
const TOP_LEVEL_FIELDS: &[&str] = &[
    "QueryLanguage",
    "Comment",
    "StartAt",
    "TimeoutSeconds",
    "Version",
];

/// True for an empty (null) state whose next line the reader could not read (a
/// tab-indented body): the syntax error says what is wrong, not "must be an object".
fn read_badly(ctx: &LintContext<'_, '_>, state: &crate::model::State<'_, '_>) -> bool {
    if !matches!(state.node.value, crate::syntax::Value::Null) {
        return false;
    }
    let from = state.name_range.start as usize;
    let after = state.node.range.end as usize;
    let next_line_end = ctx.source[after.min(ctx.source.len())..]
        .match_indices('\n')
        .nth(1)
        .map_or(ctx.source.len(), |(i, _)| after + i);
    ctx.document
        .errors
        .iter()
        .any(|e| (from..=next_line_end).contains(&(e.range.start as usize)))
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.node.as_object().is_none() {
            if !state.node.is_unknown() && !read_badly(ctx, state) {
                // `"QueryLanguage": "JSONata"` one level too deep: it is not read there.
                let message = match TOP_LEVEL_FIELDS.contains(&state.name) {
                    true => format!(
                        "\"{}\" is a field of the state machine, written inside \"States\" where each member is a state: Step Functions does not read it there",
                        state.name
                    ),
                    false => format!(
                        "state \"{}\" must be an object, not {}",
                        state.name,
                        state.node.kind_name()
                    ),
                };
                let d = sink.report(state.node.range, message);
                if TOP_LEVEL_FIELDS.contains(&state.name) {
                    d.help = Some(format!(
                        "move \"{}\" out of \"States\" to the top level",
                        state.name
                    ));
                }
            }
        } else if state.type_member().is_none() {
            sink.report(
                state.name_range,
                format!("state \"{}\" has no Type", state.name),
            )
            .help = Some(
                "add \"Type\": one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map"
                    .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    /// A tab-indented state body: the reader's errors, not "must be an object"; an
    /// empty state that reads fine is still reported.
    #[test]
    fn a_state_the_reader_could_not_read_is_not_also_not_an_object() {
        let options = crate::LintOptions {
            select: vec!["ASL001".into(), "ASL103".into()],
            ..crate::LintOptions::default()
        };
        let codes = |text: &str| -> Vec<&'static str> {
            crate::lint_text(text, crate::syntax::SourceKind::Yaml, &options)
                .iter()
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(
            codes("StartAt: P\nStates:\n  P:\n\tType: Pass\n\tEnd: true\n"),
            ["ASL001", "ASL001"]
        );
        assert_eq!(
            codes("StartAt: P\nStates:\n  P:\n  Q: {Type: Succeed}\n"),
            ["ASL103"]
        );
    }

    /// `"QueryLanguage": "JSONata"` one level too deep (a published sample has it):
    /// one finding that says where it belongs, no "not reachable", and none of ASL111
    /// for the JSONata fields it explains.
    #[test]
    fn a_top_level_field_inside_states() {
        let text = r#"{"StartAt": "A", "States": {"QueryLanguage": "JSONata", "A": {"Type": "Pass", "Output": "{% $states.input %}", "Next": "B"}, "B": {"Type": "Pass", "Arguments": {"a": 1}, "End": true}}}"#;
        let options = crate::LintOptions::default();
        let found = crate::lint_text(text, crate::syntax::SourceKind::Json, &options);
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ASL103"]);
        assert_eq!(
            found[0].message,
            "\"QueryLanguage\" is a field of the state machine, written inside \"States\" where each member is a state: Step Functions does not read it there"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("move \"QueryLanguage\" out of \"States\" to the top level")
        );
        // Written there as JSONPath, it explains nothing: the JSONata field is reported,
        // with where the field belongs in the help, and no conversion.
        let text = text.replace(
            "\"QueryLanguage\": \"JSONata\"",
            "\"QueryLanguage\": \"JSONPath\"",
        );
        let found = crate::lint_text(&text, crate::syntax::SourceKind::Json, &options);
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ASL103", "ASL111", "ASL111"]);
        assert!(
            found[1]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("move it to the top level"))
        );
        assert!(found[1].fixes.is_empty());
    }
}
