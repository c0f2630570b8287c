use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Parses every `{% ... %}` JSONata expression of JSONata states and reports syntax
    /// errors at the character, with the JSONata error code (`S0202`, ...). An empty
    /// expression `{% %}` is an error too.
    ///
    /// ## Why is this bad?
    /// Step Functions parses JSONata when the state machine is created and rejects the
    /// definition.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% ($states.input.a + 1 %}", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% ($states.input.a + 1) %}", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL601",
        name: "jsonata-syntax-error",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        for e in state_expressions(state) {
            if let Err(err) = &e.parsed.result {
                sink.report(
                    source_range(ctx.source, &e, err.span),
                    format!(
                        "JSONata syntax error in '{}' of \"{}\": {} ({})",
                        e.field, state.name, err.message, err.code
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn error_points_at_the_character() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"x": "{% 1 + %}"}, "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL601".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1, "{d:?}");
        let at = d[0].range.start as usize;
        assert_eq!(&text[at..at + 2], "%}", "{d:?}");
        assert!(
            d[0].message
                .starts_with("JSONata syntax error in 'Output' of \"A\": "),
            "{}",
            d[0].message
        );
    }
}
