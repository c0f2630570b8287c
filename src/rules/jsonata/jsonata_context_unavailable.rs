use crate::diagnostics::{Applicability, Fix};
use crate::expr::jsonata::{ContextUse, StatesField, context_uses, states_refs};
use crate::model::StateType;
use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports JSONata expressions that read what is not there: `$states.result` outside
    /// the `Output` and `Assign` of a Task, Parallel or Map state; `$states.errorOutput`
    /// outside a catcher's `Output` and `Assign`; unknown `$states` fields; and `$$`, a
    /// bare `$` or a bare field name (`{% phone %}`, `{% $count(items) %}`) at the top
    /// level of an expression (Step Functions gives JSONata no context value: use
    /// `$states.input` and `$states.context`).
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition: the value does not exist at that point (the
    /// task has not run yet when its `Arguments` are evaluated; only a catcher sees the
    /// error). A bare field name is refused with `UNSUPPORTED_JSONATA_EXPRESSION:
    /// Reference to 'phone' at the top level is not supported`; JSONata's own examples
    /// read fields this way, so it is the usual slip when moving one into a workflow.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"Payload": "{% $states.result %}"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "work", "Payload": "{% $states.input %}"}, "Output": "{% $states.result.Payload %}", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A bare field name at the top level is read from the state input (`{% phone %}`
    /// becomes `{% $states.input.phone %}`), and `states` without its `$` becomes
    /// `$states`. Unsafe: the field may have been meant as a variable (`$phone`).
    pub static RULE = {
        code: "ASL602",
        name: "jsonata-context-unavailable",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        let has_result = matches!(
            state.kind,
            Some(StateType::Task | StateType::Parallel | StateType::Map)
        );
        for e in state_expressions(state) {
            let Ok(tree) = &e.parsed.result else { continue };
            let result_ok = has_result && matches!(e.field.as_str(), "Output" | "Assign");
            let error_ok = matches!(e.field.as_str(), "Catch.Output" | "Catch.Assign");
            for r in states_refs(tree) {
                let problem = match &r.field {
                    // A catcher sees the error, not a result.
                    StatesField::Result if error_ok => Some(format!(
                        "$states.result is not available in '{}' of \"{}\": a catcher has no result, it reads the error as $states.errorOutput",
                        e.field, state.name
                    )),
                    StatesField::Result if !result_ok => Some(format!(
                        "$states.result is not available in '{}' of \"{}\": only in the Output and Assign of a Task, Parallel or Map state",
                        e.field, state.name
                    )),
                    StatesField::ErrorOutput if !error_ok => Some(format!(
                        "$states.errorOutput is not available in '{}' of \"{}\": only in a catcher's Output and Assign",
                        e.field, state.name
                    )),
                    StatesField::Other(name) => Some(format!(
                        "$states has no field \"{name}\" (it has input, context, result and errorOutput)"
                    )),
                    _ => None,
                };
                if let Some(message) = problem {
                    sink.report(source_range(ctx.source, &e, r.span), message);
                }
            }
            for (use_, span) in context_uses(tree) {
                let message = match use_ {
                    ContextUse::DoubleDollar => format!(
                        "`$$` cannot be used in the JSONata of \"{}\": use $states.context",
                        state.name
                    ),
                    ContextUse::Dollar => format!(
                        "`$` at the top level of a JSONata expression in \"{}\" has no value: use $states.input",
                        state.name
                    ),
                    ContextUse::Field(name) => {
                        if !matches!(name.as_str(), "*" | "**" | "%") {
                            report_bare_field(ctx.source, sink, &e, &name, span, state.name);
                        }
                        continue;
                    }
                };
                sink.report(source_range(ctx.source, &e, span), message);
            }
        }
    }
}

/// A field name read at the top level of an expression, with a fix that reads it from
/// the state input instead.
fn report_bare_field(
    source: &str,
    sink: &mut Sink<'_>,
    e: &crate::rules::jsonata::Expr<'_, '_>,
    name: &str,
    span: TextRange,
    state: &str,
) {
    let range = source_range(source, e, span);
    let written = source.get(range.as_usize());
    // `states.input.order`: the `$` of `$states` forgotten.
    if name == "states" {
        let d = sink.report(
            range,
            format!(
                "`states` at the top level of a JSONata expression in \"{state}\" reads a field of nothing: Step Functions' own values are $states"
            ),
        );
        d.help = Some("write $states (with the `$`)".to_string());
        if written == Some(name) {
            d.fixes.push(Fix::replace(
                "Write $states".to_string(),
                Applicability::Unsafe,
                TextRange::new(range.start, range.start),
                "$",
            ));
        }
        return;
    }
    // `$states.input.a..c`: JSONPath's descent, which is JSONata's range operator.
    if source
        .get(..range.start as usize)
        .is_some_and(|before| before.ends_with(".."))
    {
        let d = sink.report(
            range,
            format!(
                "`..{name}` in a JSONata expression in \"{state}\" is not a descent: `..` is JSONata's range operator (`[1..5]`), and `{name}` after it reads a field of nothing"
            ),
        );
        d.help = Some(format!(
            "write `.**.{name}` to look for `{name}` at any depth, or `.{name}` for one level"
        ));
        return;
    }
    // `States.Format(...)`: an intrinsic function of JSONPath states.
    let after = source.get(range.end as usize..).unwrap_or("");
    if name == "States"
        && let Some(call) = after.strip_prefix('.')
        && let Some(open) = call.find('(')
        && call[..open].bytes().all(|b| b.is_ascii_alphanumeric())
        && open > 0
    {
        let function = &call[..open];
        let d = sink.report(
            range,
            format!(
                "`States.{function}` in a JSONata expression in \"{state}\": intrinsic functions belong to JSONPath states, JSONata has its own functions"
            ),
        );
        d.help = Some(
            "use JSONata: `&` or $string() to build text, $join(), $split(), $count(), $uuid(), $hash(), $parse(), ..."
                .to_string(),
        );
        return;
    }
    let d = sink.report(
        range,
        format!(
            "`{name}` at the top level of a JSONata expression in \"{state}\" reads a field of nothing: Step Functions gives JSONata no input document"
        ),
    );
    d.help = Some(format!(
        "read the state input with $states.input.{name}, or a variable with ${name}"
    ));
    if written == Some(name) || written == Some(&format!("`{name}`")) {
        d.fixes.push(Fix::replace(
            format!("Read `{name}` from $states.input"),
            Applicability::Unsafe,
            TextRange::new(range.start, range.start),
            "$states.input.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(state: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {state}, "F": {{"Type": "Fail"}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL602".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    /// The definition with `state` as "A", after the first ASL602 fix.
    fn fixed_by_first(state: &str) -> String {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {state}, "F": {{"Type": "Fail"}}}}}}"#
        );
        let fixes = crate::rules::located_fixes(&text, SourceKind::Json, "ASL602");
        fixes[0].2.clone().expect("a fix")
    }

    #[test]
    fn bare_field_names_at_the_top_level() {
        let state = r#"{"Type": "Pass", "Output": {"a": "{% phone %}", "b": "{% $count(items) & Account.Order[0].Product %}",
            "c": "{% $states.input.(phone) %}", "d": "{% $states.input.items[price > 5].name %}",
            "e": "{% $map($states.input.xs, function($x) { $x.name }) %}", "f": "{% ($n := 1; $n) %}"}, "End": true}"#;
        let why = |n: &str| {
            format!(
                "`{n}` at the top level of a JSONata expression in \"A\" reads a field of nothing: Step Functions gives JSONata no input document"
            )
        };
        assert_eq!(
            run(state),
            vec![
                ("phone".to_string(), why("phone")),
                ("items".to_string(), why("items")),
                ("Account".to_string(), why("Account")),
            ]
        );
        let fixed = fixed_by_first(state);
        assert!(
            fixed.contains(r#""a": "{% $states.input.phone %}""#),
            "{fixed}"
        );
    }

    #[test]
    fn states_without_its_dollar_is_named() {
        let state = r#"{"Type": "Pass", "Output": "{% states.input.order %}", "End": true}"#;
        assert_eq!(
            run(state),
            vec![(
                "states".to_string(),
                "`states` at the top level of a JSONata expression in \"A\" reads a field of nothing: Step Functions' own values are $states".to_string()
            )]
        );
        let fixed = fixed_by_first(state);
        assert!(
            fixed.contains(r#""Output": "{% $states.input.order %}""#),
            "{fixed}"
        );
    }

    #[test]
    fn a_catcher_reads_the_error_not_a_result() {
        let state = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.result %}", "Next": "F"}], "End": true}"#;
        assert_eq!(
            run(state),
            vec![(
                "$states.result".to_string(),
                "$states.result is not available in 'Catch.Output' of \"A\": a catcher has no result, it reads the error as $states.errorOutput".to_string()
            )]
        );
    }

    #[test]
    fn a_jsonpath_descent_is_named_as_one() {
        let state = r#"{"Type": "Pass", "Output": "{% $states.input.a..c %}", "End": true}"#;
        assert_eq!(
            run(state),
            vec![(
                "c".to_string(),
                "`..c` in a JSONata expression in \"A\" is not a descent: `..` is JSONata's range operator (`[1..5]`), and `c` after it reads a field of nothing".to_string()
            )]
        );
    }

    #[test]
    fn an_intrinsic_function_is_named_as_one() {
        let state = r#"{"Type": "Pass", "Output": "{% States.Format('a{}', 1) %}", "End": true}"#;
        assert_eq!(
            run(state),
            vec![(
                "States".to_string(),
                "`States.Format` in a JSONata expression in \"A\": intrinsic functions belong to JSONPath states, JSONata has its own functions".to_string()
            )]
        );
    }

    #[test]
    fn text_fields_stay_text_and_payload_keys_are_data() {
        // AWS leaves error names and CSV column names alone, and evaluates a payload
        // field that happens to be called Comment (validate-state-machine-definition).
        let state = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"Comment": "{% phone %}"}},
            "Retry": [{"ErrorEquals": ["{% phone %}"], "Comment": "{% note %}"}],
            "Catch": [{"ErrorEquals": ["{% other %}"], "Next": "F"}], "End": true}"#;
        let found: Vec<String> = run(state).into_iter().map(|(at, _)| at).collect();
        assert_eq!(found, ["phone"]);
        let map = r#"{"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["{% phone %}"]},
            "Arguments": {"Bucket": "b", "Key": "k"}},
            "ItemBatcher": {"BatchInput": {"Comment": "{% batch %}"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#;
        let found: Vec<String> = run(map).into_iter().map(|(at, _)| at).collect();
        assert_eq!(found, ["batch"]);
    }

    #[test]
    fn result_and_error_output_placement() {
        assert_eq!(
            run(
                r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Output": "{% $states.result %}", "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "F"}], "End": true}"#
            ),
            vec![]
        );
        assert_eq!(
            run(r#"{"Type": "Pass", "Output": "{% $states.errorOutput %}", "End": true}"#),
            vec![("$states.errorOutput".to_string(), "$states.errorOutput is not available in 'Output' of \"A\": only in a catcher's Output and Assign".to_string())]
        );
        assert_eq!(
            run(r#"{"Type": "Pass", "Output": "{% $$.Execution.Id %}", "End": true}"#),
            vec![(
                "$$".to_string(),
                "`$$` cannot be used in the JSONata of \"A\": use $states.context".to_string()
            )]
        );
    }
}
