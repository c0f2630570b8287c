use crate::expr::jsonata::{BinOp, Kind, Node};
use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::TextRange;

declare_rule! {
    /// ## What it does
    /// Parses every `{% ... %}` JSONata expression of JSONata states and reports syntax
    /// errors at the character, with the JSONata error code (`S0202`, ...), an empty
    /// `{% %}` too, and the operators `??` and `?:` of JSONata 2.1 (Step Functions
    /// implements JSONata 2.0.6).
    ///
    /// ## Why is this bad?
    /// Step Functions parses JSONata when the state machine is created and rejects the
    /// definition with `INVALID_JSONATA_EXPRESSION` and the parser's message (`Expected
    /// "]", got ","`).
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
        aws_code: Some("INVALID_JSONATA_EXPRESSION"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        for e in state_expressions(state) {
            if let Ok(root) = &e.parsed.result {
                for (op, span) in newer_operators(root, e.parsed.template.inner) {
                    let d = sink.report(
                        source_range(ctx.source, &e, span),
                        format!(
                            "JSONata syntax error in '{}' of \"{}\": `{}` is an operator of JSONata 2.1, and Step Functions runs JSONata 2.0.6",
                            e.field,
                            state.name,
                            op.symbol()
                        ),
                    );
                    d.help = Some(match op {
                        BinOp::Coalesce => "write `$exists(a) ? a : b` for `a ?? b`".into(),
                        _ => "write `a ? a : b` for `a ?: b`".into(),
                    });
                }
            }
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

/// The `??` and `?:` operators of an expression (JSONata 2.1; Step Functions
/// implements 2.0.6, whose parser takes them for a misplaced `?`), with the range of the
/// operator itself.
fn newer_operators(root: &Node, text: &str) -> Vec<(BinOp, TextRange)> {
    let mut out = Vec::new();
    root.walk(|n| {
        if let Kind::Binary { op, lhs, rhs } = &n.kind
            && matches!(op, BinOp::Coalesce | BinOp::Elvis)
        {
            let (from, to) = (lhs.span.end as usize, rhs.span.start as usize);
            let span = text
                .get(from..to)
                .and_then(|between| between.find(op.symbol()))
                .map_or(n.span, |at| {
                    TextRange::from_usize(from + at, from + at + op.symbol().len())
                });
            out.push((*op, span));
        }
    });
    out
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

    #[test]
    fn operators_of_jsonata_2_1() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"v": "{% $states.input.x ?? 'none' %}", "w": "{% $states.input.y ?: 'empty' %}", "t": "{% $states.input.z ? 1 : 2 %}"}, "End": true}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL601"),
            [
                "??: JSONata syntax error in 'Output' of \"A\": `??` is an operator of JSONata 2.1, and Step Functions runs JSONata 2.0.6",
                "?:: JSONata syntax error in 'Output' of \"A\": `?:` is an operator of JSONata 2.1, and Step Functions runs JSONata 2.0.6",
            ]
        );
    }
}
