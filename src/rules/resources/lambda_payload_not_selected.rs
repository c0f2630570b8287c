use crate::diagnostics::Label;
use crate::model::{QueryLanguage, StateType};
use crate::rules::paths::{
    jsonata_input_reads, leading_reads_under, passes_input_on, path_of, receivers, result_location,
};
use crate::rules::resources::{integration_resource, reader_fix, result_reads};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that reads a field of a Lambda function's output straight after a
    /// Task that calls the function through the optimized integration
    /// (`arn:aws:states:::lambda:invoke`) and leaves the response wrapped: no
    /// `ResultSelector` or `OutputPath` (JSONPath), no `Output` (JSONata). The read
    /// counts when it names a field under where the result was put (the `ResultPath`,
    /// `$` when absent) that the response does not have. The state after the Task is
    /// looked at, with the reads it surely makes (see ASL506), and, past a Choice, a
    /// Wait or a Pass state that hands its input on unchanged, the states after it. A
    /// `ResultSelector` of the Task that picks such a field (`"$.agent"` for
    /// `"$.Payload.agent"`) is reported too.
    ///
    /// ## Why is this bad?
    /// `lambda:invoke` returns the Lambda `Invoke` response, `{"ExecutedVersion",
    /// "LogResult", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"}`
    /// (`LogResult`, the tail of the function's log, only when the request sets
    /// `"LogType": "Tail"`), and the function's own output is inside `Payload`. A
    /// Choice that tests `$.valid` after it finds no such field and the execution fails
    /// with `States.Runtime` (JSONata: `States.QueryEvaluationError`). The legacy form
    /// (the function ARN as `Resource`) returns the output unwrapped, which is why
    /// definitions moved to `lambda:invoke` break this way.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check email", "States": {
    ///   "Check email": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "check-email", "Payload.$": "$"},
    ///     "ResultPath": "$.emailCheck", "Next": "Email valid?"},
    ///   "Email valid?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.emailCheck.valid", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead (unwrap the response on the Task):
    /// ```json
    /// {"StartAt": "Check email", "States": {
    ///   "Check email": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "check-email", "Payload.$": "$"},
    ///     "ResultSelector": {"valid.$": "$.Payload.valid"},
    ///     "ResultPath": "$.emailCheck", "Next": "Email valid?"},
    ///   "Email valid?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.emailCheck.valid", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// ## Fix
    /// Rewrites the read to go through `Payload` (`$.emailCheck.Payload.valid`), when
    /// every way into the reading state brings the response (none from a cached result
    /// or a catcher). Unsafe:
    /// unwrapping the response on the Task, as above, may suit the rest of the workflow
    /// better.
    pub static RULE = {
        code: "ASL410",
        name: "lambda-payload-not-selected",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

use crate::model::results::LAMBDA_INVOKE as RESPONSE;

/// A read of a field of the function's output where the wrapped response is: a
/// field the response lacks and that is no misspelling of one of its fields
/// (`$.payload` is ASL416's).
fn wrapped_read(field: &str) -> bool {
    !RESPONSE.contains(&field)
        && crate::rules::did_you_mean(field, RESPONSE.iter().copied()).is_none()
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Task) {
            continue;
        }
        let Some((resource, _, arn)) = integration_resource(state) else {
            continue;
        };
        if arn.resource != "lambda:invoke" {
            continue;
        }
        // The Task's own ResultSelector reads the wrapped response itself:
        // `{"agent.$": "$.agent"}` for `$.Payload.agent`.
        if state.query_language == QueryLanguage::JsonPath
            && state.field("ResultSelector").is_some()
        {
            for read in result_reads(ctx, state) {
                if !wrapped_read(read.field) || !read.shown.starts_with('$') {
                    continue;
                }
                let fixed = format!("$.Payload{}", &read.shown[1..]);
                let fix = reader_fix(ctx.source, read.range, &read.shown, &fixed);
                let d = sink.report(
                    read.range,
                    format!(
                        "{} reads \"{}\", but the lambda:invoke response it selects from has the function's output in Payload, at \"{fixed}\"",
                        read.who, read.shown
                    ),
                );
                d.labels.push(Label {
                    range: resource.range,
                    message: "returns {ExecutedVersion, Payload, StatusCode, ...}".into(),
                });
                d.help = Some(format!("select \"{fixed}\""));
                d.fixes.extend(fix);
            }
            continue;
        }
        for target in receivers(machine, state) {
            // Where the wrapped response lands in the next state's input, and the reads there.
            let found = match (state.query_language, target.query_language) {
                (QueryLanguage::JsonPath, QueryLanguage::JsonPath) => {
                    let Some(at) = result_location(state) else {
                        continue;
                    };
                    // Reads that index or wildcard (`$.r.items[0]`) and IsPresent tests
                    // name the field as surely.
                    leading_reads_under(target, &at).into_iter().find_map(
                        |(range, path, rest, whole)| {
                            let field = rest.first()?;
                            if !wrapped_read(field) {
                                return None;
                            }
                            let fixed = if whole {
                                path_of(&[at.as_slice(), &["Payload"], &rest].concat())
                            } else {
                                // The names up to the result as written, then the rest.
                                let head = path_of(&at);
                                let tail = path.strip_prefix(head.as_str())?;
                                tail.starts_with(['.', '['])
                                    .then(|| format!("{head}.Payload{tail}"))?
                            };
                            Some((range, path.to_string(), fixed))
                        },
                    )
                }
                (QueryLanguage::JsonAta, QueryLanguage::JsonAta) => {
                    // With JSONPath's ResultPath/ResultSelector/OutputPath left on it, the
                    // Task is invalid (ASL111), and where its result goes is what that
                    // field meant: ASL111's fix turns it into an Output, so do not guess.
                    let jsonpath_output = ["ResultPath", "ResultSelector", "OutputPath"]
                        .iter()
                        .any(|f| state.field(f).is_some());
                    if state.field("Output").is_some() || jsonpath_output {
                        continue;
                    }
                    jsonata_input_reads(target)
                        .into_iter()
                        .find_map(|(range, expression)| {
                            let rest = expression.strip_prefix("$states.input.")?;
                            let field = rest.split('.').next()?;
                            wrapped_read(field).then(|| {
                                (
                                    range,
                                    expression.to_string(),
                                    format!("$states.input.Payload.{rest}"),
                                )
                            })
                        })
                }
                _ => None,
            };
            let Some((range, read, fixed)) = found else {
                continue;
            };
            // Rewritten only where every way in brings this response: another state
            // leading there (a cached result, the execution input) has no Payload.
            let fix = only_fed_by(ctx.graphs, target, state, machine.scope(target.id.scope))
                .then(|| reader_fix(ctx.source, range, &read, &fixed))
                .flatten();
            let d = sink.report(
                range,
                format!(
                    "\"{}\" reads \"{read}\", but \"{}\" leaves the lambda:invoke response wrapped: the function's output is in Payload, at \"{fixed}\"",
                    target.name, state.name
                ),
            );
            d.labels.push(Label {
                range: resource.range,
                message: "returns {ExecutedVersion, Payload, StatusCode, ...}".into(),
            });
            d.help = Some(match state.query_language {
                QueryLanguage::JsonPath => format!(
                    "read \"{fixed}\", or unwrap the response on \"{}\" with a ResultSelector that picks fields of $.Payload",
                    state.name
                ),
                QueryLanguage::JsonAta => format!(
                    "read \"{fixed}\", or give \"{}\" the Output \"{{% $states.result.Payload %}}\"",
                    state.name
                ),
            });
            d.fixes.extend(fix);
        }
    }
}

/// Whether every way into `target` comes from `task`'s `Next`, directly or through
/// states that hand their input on (see [`passes_input_on`]): not the scope's start,
/// nor a catcher, nor another state's output. False without the state graph.
fn only_fed_by(
    graphs: Option<&crate::graph::Graphs>,
    target: &crate::model::State<'_, '_>,
    task: &crate::model::State<'_, '_>,
    scope: &crate::model::Scope<'_, '_>,
) -> bool {
    use crate::model::TransitionKind;
    use petgraph::visit::EdgeRef;
    let Some(graph) = graphs.map(|g| g.scope(target.id.scope)) else {
        return false;
    };
    let mut seen = vec![false; scope.states.len()];
    let mut stack = vec![target.id.index];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let node = petgraph::graph::NodeIndex::new(i);
        let mut incoming = graph
            .graph
            .edges_directed(node, petgraph::Direction::Incoming)
            .peekable();
        if graph.start == Some(node) || incoming.peek().is_none() {
            return false;
        }
        for e in incoming {
            if matches!(e.weight(), TransitionKind::Catch(_)) {
                return false;
            }
            let from = e.source().index();
            if from == task.id.index && task.id.scope == target.id.scope {
                continue;
            }
            if !passes_input_on(&scope.states[from]) {
                return false;
            }
            stack.push(from);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(task: &str, next: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "Check email", "States": {{"Check email": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f", "Payload.$": "$"}}{task}, "Next": "Next"}}, "Next": {next}}}}}"#
        );
        located_messages(&text, "ASL410")
    }

    const CHOICE: &str = r#"{"Type": "Choice", "Choices": [{"Variable": "$.emailCheck.valid", "BooleanEquals": true, "Next": "Next"}], "Default": "Next"}"#;

    #[test]
    fn no_rewrite_where_another_way_in_has_no_payload() {
        // "Use" is reached from the Lambda call and from a cached result.
        let text = r#"{"StartAt": "C", "States": {
  "C": {"Type": "Choice", "Choices": [{"Variable": "$.fast", "BooleanEquals": true, "Next": "Cached"}], "Default": "Call"},
  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "Next": "Use"},
  "Cached": {"Type": "Pass", "Result": {"value": 1}, "Next": "Use"},
  "Use": {"Type": "Choice", "Choices": [{"Variable": "$.value", "NumericEquals": 1, "Next": "Done"}], "Default": "Done"},
  "Done": {"Type": "Succeed"}}}"#;
        let fixes = crate::rules::each_fix(text, crate::syntax::SourceKind::Json, "ASL410");
        assert_eq!(fixes, vec![Vec::new()]);
        // Through a Wait that hands its input on, from the call alone: rewritten.
        let text = r#"{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "Next": "W"},
  "W": {"Type": "Wait", "Seconds": 1, "Next": "Use"},
  "Use": {"Type": "Choice", "Choices": [{"Variable": "$.value", "NumericEquals": 1, "Next": "Done"}], "Default": "Done"},
  "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::fixed_text(text, crate::syntax::SourceKind::Json, "ASL410"),
            text.replace("\"$.value\"", "\"$.Payload.value\"")
        );
    }

    #[test]
    fn reads_of_the_function_output_outside_payload() {
        assert_eq!(
            run(r#", "ResultPath": "$.emailCheck""#, CHOICE),
            [
                "\"$.emailCheck.valid\": \"Next\" reads \"$.emailCheck.valid\", but \"Check email\" leaves the lambda:invoke response wrapped: the function's output is in Payload, at \"$.emailCheck.Payload.valid\""
            ]
        );
        let pass =
            r#"{"Type": "Pass", "Parameters": {"student.$": "$.student.name"}, "End": true}"#;
        assert_eq!(
            run("", pass),
            [
                "\"$.student.name\": \"Next\" reads \"$.student.name\", but \"Check email\" leaves the lambda:invoke response wrapped: the function's output is in Payload, at \"$.Payload.student.name\""
            ]
        );
    }

    /// A read that indexes, and an IsPresent test (always false when wrapped), name
    /// the field as surely; the path is rewritten where it is written.
    #[test]
    fn indexed_reads_and_is_present_tests() {
        let choice = r#"{"Type": "Choice", "Choices": [{"Variable": "$.emailCheck['items'][0]", "IsPresent": true, "Next": "Next"}], "Default": "Next"}"#;
        assert_eq!(
            run(r#", "ResultPath": "$.emailCheck""#, choice),
            [
                "\"$.emailCheck['items'][0]\": \"Next\" reads \"$.emailCheck['items'][0]\", but \"Check email\" leaves the lambda:invoke response wrapped: the function's output is in Payload, at \"$.emailCheck.Payload['items'][0]\""
            ]
        );
    }

    #[test]
    fn a_result_selector_that_misses_payload() {
        let task = r#", "ResultSelector": {"agent.$": "$.agent", "code.$": "$.StatusCode", "ok.$": "$.Payload.ok"}, "ResultPath": "$.emailCheck""#;
        assert_eq!(
            run(task, CHOICE),
            [
                "\"$.agent\": the ResultSelector of \"Check email\" reads \"$.agent\", but the lambda:invoke response it selects from has the function's output in Payload, at \"$.Payload.agent\""
            ]
        );
    }

    #[test]
    fn unwrapped_results_and_reads_elsewhere_pass() {
        for task in [
            r#", "ResultPath": "$.emailCheck", "ResultSelector": {"valid.$": "$.Payload.valid"}"#,
            r#", "OutputPath": "$.Payload""#,
            r#", "ResultPath": null"#,
            r#", "ResultPath": "$.other""#,
        ] {
            assert!(run(task, CHOICE).is_empty(), "{task}");
        }
        let reads_payload = r#"{"Type": "Choice", "Choices": [{"Variable": "$.emailCheck.Payload.valid", "BooleanEquals": true, "Next": "Next"}], "Default": "Next"}"#;
        assert!(run(r#", "ResultPath": "$.emailCheck""#, reads_payload).is_empty());
        let status = r#"{"Type": "Choice", "Choices": [{"Variable": "$.StatusCode", "NumericEquals": 200, "Next": "Next"}], "Default": "Next"}"#;
        assert!(run("", status).is_empty());
        // With `LogType: Tail` the Invoke response carries the log's tail beside Payload.
        let log = status
            .replace("$.StatusCode", "$.LogResult")
            .replace(r#""NumericEquals": 200"#, r#""IsPresent": true"#);
        assert!(run("", &log).is_empty());
        // The callback pattern returns what SendTaskSuccess sends: nothing is wrapped.
        let callback = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}, "Next": "P"}, "P": {"Type": "Pass", "Parameters": {"v.$": "$.valid"}, "End": true}}}"#;
        assert!(located_messages(callback, "ASL410").is_empty());
    }

    #[test]
    fn jsonata_reads_outside_payload() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"}, "Next": "P"}, "P": {"Type": "Pass", "Output": {"valid": "{% $states.input.valid %}"}, "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL410"),
            [
                "\"{% $states.input.valid %}\": \"P\" reads \"$states.input.valid\", but \"T\" leaves the lambda:invoke response wrapped: the function's output is in Payload, at \"$states.input.Payload.valid\""
            ]
        );
        let unwrapped = text.replace(
            r#""Next": "P"}"#,
            r#""Output": "{% $states.result.Payload %}", "Next": "P"}"#,
        );
        assert!(located_messages(&unwrapped, "ASL410").is_empty());
        // A ResultPath left from JSONPath: ASL111's fix makes it an Output that puts the
        // result there, so the read may be right; no report (and no clashing fix).
        let migrating = text.replace(
            r#""Next": "P"}"#,
            r#""ResultPath": "$.valid", "Next": "P"}"#,
        );
        assert!(located_messages(&migrating, "ASL410").is_empty());
    }
}
