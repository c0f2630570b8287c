use crate::diagnostics::Label;
use crate::model::{QueryLanguage, State, StateType};
use crate::rules::paths::{
    Placed, field_suggestion, is_expression, jsonata_reads_under, missing_field, missing_name,
    path_of, placed_value, plain_names, reads_under, receivers, selected_result_location,
};
use crate::rules::{LintContext, Sink, declare_rule, has_unknown};
use crate::syntax::Value;

declare_rule! {
    /// ## What it does
    /// Reports a state that reads a field that the state before it cannot have
    /// produced, because what that state places at its `ResultPath` (`$` when absent,
    /// replacing the whole input) has known fields: a Pass state's fixed `Result`, the
    /// object a Pass state's `Parameters` build, the object a Task, Map or Parallel
    /// state's `ResultSelector` builds, or the object a JSONata `Output` gives (their
    /// keys are known; what a `.$` key or a `{% %}` value holds is not, so reads below
    /// one are not judged). The next state reads a path under that place that the value
    /// does not have; so does the state's own `OutputPath`, and the states after one
    /// with an `OutputPath` are not judged. Only the reads the next state surely makes
    /// (see ASL506; in JSONata, a field whose whole expression is `$states.input.a.b`),
    /// or, past a Choice, a Wait or a Pass state that hands its input on unchanged (or
    /// a state with `"ResultPath": null`), the states after it.
    ///
    /// ## Why is this bad?
    /// The path matches nothing and the next state fails with `States.Runtime` (in
    /// JSONata, the field gives nothing and the state fails with
    /// `States.QueryEvaluationError`). It happens when a Pass state that stood in for a
    /// Task keeps a `Result` of another shape, when a `Result` or `Parameters` without a
    /// `ResultPath` replaces an input whose fields later states still expect, when a
    /// `ResultSelector` added to pick a Lambda function's `Payload` leaves the next
    /// state reading `$.Payload`, and when a JSONata `Output` keeps some fields and the
    /// next state reads one it dropped.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Default plan", "States": {
    ///   "Default plan": {"Type": "Pass", "Result": {"plan": "basic"}, "Next": "Send welcome"},
    ///   "Send welcome": {"Type": "Pass", "Parameters": {"email.$": "$.email", "plan.$": "$.plan"}, "End": true}}}
    /// ```
    ///
    /// Use instead (keep the input, add the result beside it):
    /// ```json
    /// {"StartAt": "Default plan", "States": {
    ///   "Default plan": {"Type": "Pass", "Result": {"plan": "basic"}, "ResultPath": "$.defaults", "Next": "Send welcome"},
    ///   "Send welcome": {"Type": "Pass", "Parameters": {"email.$": "$.email", "plan.$": "$.defaults.plan"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// When the field read is a near miss of one the value has at that place
    /// (`$.emial` where the `Result` has `email`), replaces the name in the path with
    /// that field (unsafe: a guess). Offered only when the string is the path itself,
    /// written as dotted names (`"$.emial"`, `"{% $states.input.emial %}"`): not for a
    /// path inside an intrinsic function or a longer expression, nor for a state's own
    /// `OutputPath`.
    pub static RULE = {
        code: "ASL309",
        name: "static-result-field-missing",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// What `state` places, and where in its output.
fn placed<'a, 's>(state: &State<'a, 's>) -> Option<(Placed<'a, 's>, Vec<&'a str>)> {
    if state.query_language == QueryLanguage::JsonAta {
        return jsonata_output(state).map(|p| (p, Vec::new()));
    }
    Some((placed_value(state)?, selected_result_location(state)?))
}

/// A JSONPath state's own `OutputPath` reading, under where the state placed a value of
/// known fields, a field that value lacks: `(range, path, missing, what)`.
fn own_output_path_read<'a, 's>(
    state: &State<'a, 's>,
) -> Option<(crate::syntax::TextRange, &'a str, &'a str, Placed<'a, 's>)> {
    if state.query_language != QueryLanguage::JsonPath {
        return None;
    }
    let output_path = &state.field("OutputPath")?.value;
    let path = output_path.as_str()?;
    let read = plain_names(path)?;
    let at = match state.field("ResultPath") {
        None => Vec::new(),
        Some(m) => plain_names(m.value.as_str()?)?,
    };
    if read.len() < at.len() || read[..at.len()] != *at {
        return None;
    }
    let what = placed_value(state)?;
    let missing = missing_name(&what, &read[at.len()..], false)?;
    Some((output_path.range, path, missing, what))
}

/// What the `Output` of a JSONata state gives, when its fields are known: an object
/// written out (its `{% %}` values unknown), or a fixed scalar.
fn jsonata_output<'a, 's>(state: &State<'a, 's>) -> Option<Placed<'a, 's>> {
    if !matches!(
        state.kind?,
        StateType::Pass | StateType::Task | StateType::Map | StateType::Parallel | StateType::Wait
    ) {
        return None;
    }
    let node = &state.field("Output")?.value;
    let what = match &node.value {
        Value::Object(_) => Placed::Output(node),
        Value::String(s) if is_expression(s) => return None,
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => Placed::Fixed(node),
        _ => return None,
    };
    (!has_unknown(node)).then_some(what)
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if let Some((range, path, missing, what)) = own_output_path_read(state) {
            let described = match what {
                Placed::Fixed(_) => "its fixed Result".to_string(),
                Placed::Built(_, key) => format!("the object built by its {key}"),
                Placed::Output(_) => "its Output".to_string(),
            };
            let d = sink.report(
                range,
                format!(
                    "the OutputPath of \"{}\" reads \"{path}\", but {described} has no field \"{missing}\"",
                    state.name
                ),
            );
            d.labels.push(Label {
                range: what.node().range,
                message: "the value placed there".into(),
            });
            d.help = Some("select a field the value has, or remove the OutputPath".into());
        }
        let Some((what, at)) = placed(state) else {
            continue;
        };
        for target in receivers(machine, state) {
            let jsonata = target.query_language == QueryLanguage::JsonAta;
            let reads = match jsonata {
                false => reads_under(target, &at),
                true => jsonata_reads_under(target, &at),
            };
            // Every read of a missing field, each path once.
            let mut seen = std::collections::HashSet::new();
            let found = reads.into_iter().filter_map(|(range, path, rest)| {
                Some((range, path, missing_field(&what, &rest, jsonata)?, rest))
            });
            for (range, path, gap, rest) in found {
                if !seen.insert(path) {
                    continue;
                }
                let missing = gap.name;
                let place = if at.is_empty() {
                    "as its whole output".to_string()
                } else {
                    format!("at {}", path_of(&at))
                };
                let (value, described, label) = match what {
                    Placed::Fixed(n) => {
                        (n, "its fixed Result".to_string(), "the value placed there")
                    }
                    Placed::Built(n, key) => (
                        n,
                        format!("the object built by its {key}"),
                        "the object placed there",
                    ),
                    Placed::Output(n) => (n, String::new(), "the object placed there"),
                };
                let message = if state.query_language == QueryLanguage::JsonAta {
                    format!(
                        "\"{}\" reads \"{path}\", but the Output of \"{}\" has no field \"{missing}\"",
                        target.name, state.name
                    )
                } else {
                    format!(
                        "\"{}\" reads \"{path}\", but \"{}\" puts {described} {place}, which has no field \"{missing}\"",
                        target.name, state.name
                    )
                };
                let d = sink.report(range, message);
                d.labels.push(Label {
                    range: value.range,
                    message: label.into(),
                });
                let add_to = match what {
                    _ if state.query_language == QueryLanguage::JsonAta => "Output",
                    Placed::Fixed(_) => "Result",
                    Placed::Built(_, key) => key,
                    Placed::Output(_) => "Output",
                };
                let mut names = at.clone();
                names.extend(&rest);
                let root = if jsonata { "$states.input" } else { "$" };
                let at_name = at.len() + gap.index;
                if let Some((help, fix)) =
                    field_suggestion(ctx, range, root, &names, at_name, &gap.siblings)
                {
                    d.help = Some(help);
                    d.fixes.extend(fix);
                    continue;
                }
                d.help = Some(if state.query_language == QueryLanguage::JsonAta {
                    format!(
                        "add the field to the Output of \"{}\" (e.g. from $states.input), or read a field it has",
                        state.name
                    )
                } else if at.is_empty() {
                    format!(
                        "give \"{}\" a ResultPath (e.g. \"$.result\") to keep its input, or add the field to its {add_to}",
                        state.name
                    )
                } else {
                    format!("add the field to the {add_to}, or read a field it has")
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(pass: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Result": {{"plan": {{"name": "basic"}}}}{pass}, "Next": "N"}}, "N": {{"Type": "Pass", "Parameters": {{"x.$": "{read}"}}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL309")
    }

    #[test]
    fn reads_the_fixed_result_does_not_have() {
        assert_eq!(
            run("", "$.email"),
            [
                "\"$.email\": \"N\" reads \"$.email\", but \"P\" puts its fixed Result as its whole output, which has no field \"email\""
            ]
        );
        assert_eq!(
            run(r#", "ResultPath": "$.defaults""#, "$.defaults.plan.tier"),
            [
                "\"$.defaults.plan.tier\": \"N\" reads \"$.defaults.plan.tier\", but \"P\" puts its fixed Result at $.defaults, which has no field \"tier\""
            ]
        );
    }

    /// Each missing field read is reported, each path once.
    #[test]
    fn every_missing_field_read_is_reported() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"x": 1}, "Next": "J"}, "J": {"Type": "Pass", "Output": {"y": "{% $states.input.y %}", "z": "{% $states.input.z %}", "again": "{% $states.input.y %}", "x": "{% $states.input.x %}"}, "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL309"),
            [
                "\"{% $states.input.y %}\": \"J\" reads \"$states.input.y\", but the Output of \"P\" has no field \"y\"",
                "\"{% $states.input.z %}\": \"J\" reads \"$states.input.z\", but the Output of \"P\" has no field \"z\"",
            ]
        );
    }

    fn built(state: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {state}, "N": {{"Type": "Pass", "Parameters": {{"x.$": "{read}"}}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL309")
    }

    #[test]
    fn objects_built_by_parameters_and_result_selectors() {
        let pass = r#"{"Type": "Pass", "Parameters": {"orderId.$": "$.id", "totals": {"net.$": "$.net", "currency": "EUR"}}, "Next": "N"}"#;
        assert_eq!(
            built(pass, "$.customer"),
            [
                "\"$.customer\": \"N\" reads \"$.customer\", but \"P\" puts the object built by its Parameters as its whole output, which has no field \"customer\""
            ]
        );
        assert_eq!(
            built(pass, "$.totals.gross"),
            [
                "\"$.totals.gross\": \"N\" reads \"$.totals.gross\", but \"P\" puts the object built by its Parameters as its whole output, which has no field \"gross\""
            ]
        );
        // Fields it builds, and anything below a `.$` field (unknown until run time).
        assert!(built(pass, "$.orderId").is_empty());
        assert!(built(pass, "$.orderId.anything").is_empty());
        assert!(built(pass, "$.totals.net").is_empty());

        let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"order.$": "$.Payload"}, "ResultPath": "$.checked", "Next": "N"}"#;
        assert_eq!(
            built(task, "$.checked.Payload.ok"),
            [
                "\"$.checked.Payload.ok\": \"N\" reads \"$.checked.Payload.ok\", but \"P\" puts the object built by its ResultSelector at $.checked, which has no field \"Payload\""
            ]
        );
        assert!(built(task, "$.checked.order.ok").is_empty());
        assert!(built(task, "$.other").is_empty());
        // A Task's Parameters are its request, not its output.
        let request = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Next": "N"}"#;
        assert!(built(request, "$.customer").is_empty());
    }

    /// The output reaches the states after a Choice, a Wait or an empty Pass as it is:
    /// their reads are judged too, and each target of the Choice.
    #[test]
    fn reads_past_states_that_pass_the_input_on() {
        let text = |between: &str| {
            format!(
                r#"{{"StartAt": "P", "States": {{
                "P": {{"Type": "Pass", "Result": {{"plan": "basic"}}, "Next": "C"}},
                "C": {between},
                "W": {{"Type": "Wait", "Seconds": 1, "Next": "N"}},
                "N": {{"Type": "Pass", "Parameters": {{"x.$": "$.email"}}, "End": true}},
                "M": {{"Type": "Pass", "Parameters": {{"y.$": "$.phone"}}, "End": true}}}}}}"#
            )
        };
        let choice = r#"{"Type": "Choice", "Choices": [{"Variable": "$.plan", "StringEquals": "basic", "Next": "W"}], "Default": "M"}"#;
        let found = located_messages(&text(choice), "ASL309");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("\"$.email\": \"N\" reads \"$.email\", but \"P\""));
        assert!(found[1].starts_with("\"$.phone\": \"M\" reads \"$.phone\", but \"P\""));
        // A Choice that reshapes its output hands on something else.
        let reshaping = choice.replace(
            r#""Default": "M""#,
            r#""Default": "M", "OutputPath": "$.plan""#,
        );
        assert!(located_messages(&text(&reshaping), "ASL309").is_empty());
    }

    #[test]
    fn fields_it_has_or_other_places_pass() {
        assert!(run("", "$.plan.name").is_empty());
        assert!(run("", "$").is_empty());
        assert!(run(r#", "ResultPath": "$.defaults""#, "$.email").is_empty());
        assert!(run(r#", "ResultPath": null"#, "$.email").is_empty());
        assert!(run(r#", "OutputPath": "$.plan""#, "$.email").is_empty());
        assert!(run("", "$.plan[0]").is_empty());
    }

    #[test]
    fn own_output_path_and_reads_past_a_discarded_result() {
        assert_eq!(
            run(r#", "OutputPath": "$.tier""#, "$"),
            [
                "\"$.tier\": the OutputPath of \"P\" reads \"$.tier\", but its fixed Result has no field \"tier\""
            ]
        );
        assert_eq!(
            run(
                r#", "ResultPath": "$.r", "OutputPath": "$.r.plan.tier""#,
                "$"
            ),
            [
                "\"$.r.plan.tier\": the OutputPath of \"P\" reads \"$.r.plan.tier\", but its fixed Result has no field \"tier\""
            ]
        );
        assert!(run(r#", "ResultPath": "$.r", "OutputPath": "$.other""#, "$").is_empty());
        assert!(run(r#", "OutputPath": "$.plan""#, "$").is_empty());
        // A Task that discards its result hands its input on.
        let text = r#"{"StartAt": "P", "States": {
          "P": {"Type": "Pass", "Result": {"a": 1}, "Next": "T"},
          "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$.a"}, "ResultSelector": {"id.$": "$.MessageId"}, "ResultPath": null, "Next": "N"},
          "N": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL309"),
            [
                "\"$.id\": \"N\" reads \"$.id\", but \"P\" puts its fixed Result as its whole output, which has no field \"id\""
            ]
        );
    }

    /// A misspelled field gets a did-you-mean, and a fix where the string is the path.
    #[test]
    fn misspelt_fields() {
        use crate::rules::located_fixes;
        use crate::syntax::SourceKind;
        let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"email": "a@b.c"}, "Next": "N"}, "N": {"Type": "Pass", "Parameters": {"to.$": "$.emial"}, "End": true}}}"#;
        let fixed = located_fixes(text, SourceKind::Json, "ASL309");
        assert_eq!(
            fixed[0].2.as_deref(),
            Some(text.replace("$.emial", "$.email").as_str())
        );
        let yaml = "StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result:\n      email: a@b.c\n    Next: N\n  N:\n    Type: Pass\n    Parameters:\n      to.$: $.Email\n    End: true\n";
        let fixed = located_fixes(yaml, SourceKind::Yaml, "ASL309");
        assert_eq!(
            fixed[0].2.as_deref(),
            Some(yaml.replace("$.Email", "$.email").as_str())
        );
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"agent": {"name": "x"}}, "Next": "N"}, "N": {"Type": "Pass", "Output": "{% $states.input.agent.nmae %}", "End": true}}}"#;
        let fixed = located_fixes(jsonata, SourceKind::Json, "ASL309");
        assert_eq!(
            fixed[0].2.as_deref(),
            Some(jsonata.replace("agent.nmae", "agent.name").as_str())
        );
    }

    /// A JSONata state `P` (given as its fields) before a JSONata Pass state whose
    /// Output reads `read`.
    fn jsonata(fields: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{{fields}, "Next": "N"}}, "N": {{"Type": "Pass", "Output": {{"x": "{{% {read} %}}"}}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL309")
    }

    #[test]
    fn jsonata_output_objects() {
        let task = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"}, "Output": {"agent": "{% $states.result.Payload %}", "team": {"name": "support"}, "tags": [{"k": 1}]}"#;
        assert_eq!(
            jsonata(task, "$states.input.ticketId"),
            [
                "\"{% $states.input.ticketId %}\": \"N\" reads \"$states.input.ticketId\", but the Output of \"P\" has no field \"ticketId\""
            ]
        );
        assert_eq!(
            jsonata(task, "$states.input.team.lead"),
            [
                "\"{% $states.input.team.lead %}\": \"N\" reads \"$states.input.team.lead\", but the Output of \"P\" has no field \"lead\""
            ]
        );
        // Fields it has; below a computed value; into an array (JSONata reads each
        // item's field); an expression that does more than read.
        assert!(jsonata(task, "$states.input.team.name").is_empty());
        assert!(jsonata(task, "$states.input.agent.name").is_empty());
        assert!(jsonata(task, "$states.input.tags.k").is_empty());
        assert!(jsonata(task, "$states.input.ticketId ? 1 : 2").is_empty());
        // A fixed scalar has no fields; an Output computed whole, or none, is unknown.
        let fixed = r#""Type": "Pass", "Output": "done""#;
        assert_eq!(
            jsonata(fixed, "$states.input.x"),
            [
                "\"{% $states.input.x %}\": \"N\" reads \"$states.input.x\", but the Output of \"P\" has no field \"x\""
            ]
        );
        assert!(
            jsonata(
                r#""Type": "Pass", "Output": "{% {'a': 1} %}""#,
                "$states.input.x"
            )
            .is_empty()
        );
        assert!(jsonata(r#""Type": "Pass""#, "$states.input.x").is_empty());
        // Each language reads the other's output.
        let mixed = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"plan": "basic"}, "Next": "N"}, "N": {"Type": "Pass", "Parameters": {"e.$": "$.email"}, "Next": "M"}, "M": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.f %}", "End": true}}}"#;
        assert_eq!(
            located_messages(mixed, "ASL309"),
            [
                "\"$.email\": \"N\" reads \"$.email\", but the Output of \"P\" has no field \"email\"",
                "\"{% $states.input.f %}\": \"M\" reads \"$states.input.f\", but \"N\" puts the object built by its Parameters as its whole output, which has no field \"f\""
            ]
        );
    }
}
