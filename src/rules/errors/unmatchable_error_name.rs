use crate::model::{QueryLanguage, State, StateType};
use crate::rules::errors::{UNCATCHABLE, handler_lists};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports error names in the `ErrorEquals` of a retrier or catcher that can never
    /// match there: `States.Runtime` anywhere, names Step Functions never raises
    /// (`States.NoChoiceMatched`, `States.BranchFailed`, ...),
    /// `States.QueryEvaluationError` on a JSONPath Task, and `States.Timeout` or
    /// `States.HeartbeatTimeout` on a Task without the `TimeoutSeconds` or
    /// `HeartbeatSeconds` that raises it. In detail:
    /// - `States.Runtime`, anywhere;
    /// - the names the specification gives failures that Step Functions reports as
    ///   `States.Runtime` (`States.NoChoiceMatched`, `States.IntrinsicFailure`,
    ///   `States.ParameterPathFailure`, `States.ResultPathMatchFailure`), and
    ///   `States.BranchFailed` (a Parallel state fails with its branch's own error);
    /// - `States.QueryEvaluationError` on a JSONPath Task, which evaluates no JSONata;
    /// - the Distributed Map's own errors (`States.ItemReaderFailed`,
    ///   `States.ResultWriterFailed`, `States.ExceedToleratedFailureThreshold`) on a
    ///   Task, which holds no Map (a Task that starts another state machine is left
    ///   alone);
    /// - `States.Timeout` on a Task without `TimeoutSeconds` or `HeartbeatSeconds` (nor
    ///   their `Path` forms), and `States.HeartbeatTimeout` on one without
    ///   `HeartbeatSeconds`. Tasks that run a job (`.sync`) are left alone.
    ///
    /// ## Why is this bad?
    /// `States.Runtime` ends the execution: Step Functions never retries or catches it,
    /// not even with `States.ALL` (executions recorded on AWS show this); the spec
    /// names are never raised under that name. (`States.DataLimitExceeded` is not
    /// reported: recorded executions show a Task's too-large result caught by a catcher
    /// naming it.) A Task times out only after its own `TimeoutSeconds`, which is
    /// 99999999 seconds when absent, longer than any execution may run, or when it
    /// misses a heartbeat it was given `HeartbeatSeconds` for; a Lambda function that
    /// runs out of time fails with Lambda's own error instead. Either way the retrier
    /// or catcher suggests a protection that does not exist: fix the cause (a path that
    /// does not exist, a payload over 256 KiB), or give the Task the timeout it was
    /// meant to have.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.Runtime"]}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.TaskFailed"]}], "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL503",
        name: "unmatchable-error-name",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// Which timeouts a Task can raise: (`States.Timeout`, `States.HeartbeatTimeout`).
/// Both for any other state (a Map or Parallel passes on the errors of its states)
/// and for a Task running a job, whose own limits are not read here.
fn timeouts(state: &State<'_, '_>) -> (bool, bool) {
    let job = state
        .field("Resource")
        .and_then(|m| m.value.as_str())
        .is_none_or(|r| r.contains(".sync") || r.starts_with("${") || r.starts_with("{%"));
    if state.kind != Some(StateType::Task) || job {
        return (true, true);
    }
    let has = |key: &str| state.field(key).is_some();
    let heartbeat = has("HeartbeatSeconds") || has("HeartbeatSecondsPath");
    (
        heartbeat || has("TimeoutSeconds") || has("TimeoutSecondsPath"),
        heartbeat,
    )
}

/// What happens instead of an error the specification names but Step Functions never
/// raises.
fn spec_only(name: &str, kind: Option<StateType>) -> Option<&'static str> {
    Some(match name {
        "States.NoChoiceMatched"
        | "States.IntrinsicFailure"
        | "States.ParameterPathFailure"
        | "States.ResultPathMatchFailure" => {
            "Step Functions reports this failure as States.Runtime, which always ends the execution"
        }
        "States.BranchFailed" if kind == Some(StateType::Map) => {
            "a Map state whose iteration fails fails with that iteration's own error"
        }
        "States.BranchFailed" => {
            "a Parallel state whose branch fails fails with that branch's own error"
        }
        _ => return None,
    })
}

/// Why an error name in `state`'s `ErrorEquals` can never match there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmatchable {
    /// A name the specification gives but Step Functions never raises: what happens
    /// instead.
    SpecOnly(&'static str),
    /// `States.QueryEvaluationError` on a JSONPath Task.
    QueryEvaluation,
    /// An error that always ends the execution (`States.Runtime`).
    Uncatchable,
    /// `States.Timeout` on a Task with no timeout.
    Timeout,
    /// `States.HeartbeatTimeout` on a Task with no heartbeat.
    Heartbeat,
    /// An error only a Distributed Map raises, on a Task (which holds no Map).
    MapOnly,
}

/// The errors only a (Distributed) Map state raises.
pub(crate) const MAP_ONLY: &[&str] = &[
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
];

/// Why `name` can never match in a retrier or catcher of `state`, or `None` when it
/// can (shared with completion, which offers only names that can match).
pub fn unmatchable(state: &State<'_, '_>, name: &str) -> Option<Unmatchable> {
    if let Some(instead) = spec_only(name, state.kind) {
        return Some(Unmatchable::SpecOnly(instead));
    }
    if name == "States.QueryEvaluationError"
        && state.kind == Some(StateType::Task)
        && state.query_language == QueryLanguage::JsonPath
    {
        return Some(Unmatchable::QueryEvaluation);
    }
    if UNCATCHABLE.contains(&name) {
        return Some(Unmatchable::Uncatchable);
    }
    // A Task holds no Map (a Parallel may, in a branch); one that starts another state
    // machine is left alone, as what that one's Map raises is not read here.
    if MAP_ONLY.contains(&name)
        && state.kind == Some(StateType::Task)
        && state
            .field("Resource")
            .and_then(|m| m.value.as_str())
            .is_some_and(|r| !r.contains("states:startExecution") && !r.starts_with("${"))
    {
        return Some(Unmatchable::MapOnly);
    }
    let (timeout, heartbeat) = timeouts(state);
    match name {
        "States.Timeout" if !timeout => Some(Unmatchable::Timeout),
        "States.HeartbeatTimeout" if !heartbeat => Some(Unmatchable::Heartbeat),
        _ => None,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for list in handler_lists(state) {
            let verb = if list.field == "Retry" {
                "retries"
            } else {
                "catches"
            };
            for (_, names) in &list.entries {
                for n in names.iter() {
                    let Some(name) = n.as_str() else { continue };
                    match unmatchable(state, name) {
                        None => {}
                        Some(Unmatchable::SpecOnly(instead)) => {
                            sink.report(n.range, format!("{name} never happens: {instead}"))
                                .help =
                                Some("name the error that does happen, or remove the name".into());
                        }
                        Some(Unmatchable::QueryEvaluation) => {
                            sink.report(
                                n.range,
                                format!(
                                    "States.QueryEvaluationError never happens in \"{}\": it is a JSONPath state, and only JSONata expressions raise it",
                                    state.name
                                ),
                            );
                        }
                        Some(Unmatchable::Uncatchable) => {
                            sink.report(
                                n.range,
                                format!(
                                    "{name} always ends the execution: Step Functions never {verb} it"
                                ),
                            );
                        }
                        Some(Unmatchable::MapOnly) => {
                            sink.report(
                                n.range,
                                format!(
                                    "{name} never happens in \"{}\": only a Distributed Map state raises it, and a Task holds none",
                                    state.name
                                ),
                            )
                            .help = Some("name the error the Task raises, or remove the name".into());
                        }
                        Some(Unmatchable::Timeout) => {
                            sink.report(
                                n.range,
                                format!(
                                    "States.Timeout never happens in \"{}\": it has no TimeoutSeconds or HeartbeatSeconds",
                                    state.name
                                ),
                            )
                            .help = Some(
                                "set TimeoutSeconds (or HeartbeatSeconds) on the Task; a Lambda function that runs out of time fails with Lambda's error, not States.Timeout".into(),
                            );
                        }
                        Some(Unmatchable::Heartbeat) => {
                            sink.report(
                                n.range,
                                format!(
                                    "States.HeartbeatTimeout never happens in \"{}\": it has no HeartbeatSeconds",
                                    state.name
                                ),
                            )
                            .help = Some(
                                "set HeartbeatSeconds on the Task for its worker to report progress within".into(),
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn messages(text: &str) -> Vec<(String, String)> {
        let opts = LintOptions {
            select: vec!["ASL503".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    fn task(fields: &str) -> String {
        format!(
            r#"{{"StartAt": "Work", "States": {{"Work": {{"Type": "Task", {fields}, "Retry": [{{"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout", "Lambda.Unknown"]}}], "End": true}}}}}}"#
        )
    }

    #[test]
    fn timeouts_a_task_cannot_raise() {
        let lambda =
            r#""Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}"#;
        assert_eq!(
            messages(&task(lambda)),
            [
                (
                    "\"States.Timeout\"".to_string(),
                    "States.Timeout never happens in \"Work\": it has no TimeoutSeconds or HeartbeatSeconds".to_string()
                ),
                (
                    "\"States.HeartbeatTimeout\"".to_string(),
                    "States.HeartbeatTimeout never happens in \"Work\": it has no HeartbeatSeconds".to_string()
                ),
            ]
        );
        let with_timeout = format!("{lambda}, \"TimeoutSeconds\": 30");
        assert_eq!(messages(&task(&with_timeout)).len(), 1);
        for fields in [
            format!("{lambda}, \"HeartbeatSeconds\": 30"),
            format!("{lambda}, \"HeartbeatSecondsPath\": \"$.hb\""),
            r#""Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "j"}"#.to_string(),
        ] {
            assert!(messages(&task(&fields)).is_empty(), "{fields}");
        }
        // A Parallel or Map passes on the timeouts of its states.
        let parallel = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 5, "End": true}}}], "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}"#;
        assert!(messages(parallel).is_empty());
    }

    #[test]
    fn branch_failed_on_a_map_speaks_of_iterations() {
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Pass", "End": true}}}, "Catch": [{"ErrorEquals": ["States.BranchFailed"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}"#;
        assert_eq!(
            messages(text)[0].1,
            "States.BranchFailed never happens: a Map state whose iteration fails fails with that iteration's own error"
        );
    }

    #[test]
    fn names_step_functions_never_raises() {
        let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": [{"ErrorEquals": ["States.ParameterPathFailure", "States.QueryEvaluationError"]}], "End": true}}}], "Catch": [{"ErrorEquals": ["States.BranchFailed", "States.NoChoiceMatched", "States.QueryEvaluationError"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}"#;
        assert_eq!(
            messages(text),
            [
                (
                    "\"States.ParameterPathFailure\"".to_string(),
                    "States.ParameterPathFailure never happens: Step Functions reports this failure as States.Runtime, which always ends the execution".to_string()
                ),
                (
                    "\"States.QueryEvaluationError\"".to_string(),
                    "States.QueryEvaluationError never happens in \"T\": it is a JSONPath state, and only JSONata expressions raise it".to_string()
                ),
                (
                    "\"States.BranchFailed\"".to_string(),
                    "States.BranchFailed never happens: a Parallel state whose branch fails fails with that branch's own error".to_string()
                ),
                (
                    "\"States.NoChoiceMatched\"".to_string(),
                    "States.NoChoiceMatched never happens: Step Functions reports this failure as States.Runtime, which always ends the execution".to_string()
                ),
            ]
        );
        // A JSONata Task, and a Parallel whose branches may hold JSONata states, can.
        let jsonata = text
            .replace(
                r#""Type": "Task","#,
                r#""Type": "Task", "QueryLanguage": "JSONata","#,
            )
            .replace(r#""Parameters""#, r#""Arguments""#);
        assert_eq!(messages(&jsonata).len(), 3);
    }

    #[test]
    fn map_errors_on_a_task() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ItemReaderFailed", "States.TaskFailed"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL503".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"States.ItemReaderFailed\"");
        assert_eq!(
            d[0].message,
            "States.ItemReaderFailed never happens in \"A\": only a Distributed Map state raises it, and a Task holds none"
        );
        // A Task that runs another state machine, and a Parallel (whose branches may
        // hold a Map), are left alone.
        let child = text.replace("sqs:sendMessage", "states:startExecution.sync:2");
        assert!(lint_text(&child, SourceKind::Json, &opts).is_empty());
    }

    #[test]
    fn runtime_in_catch() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL503".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"States.Runtime\"");
        assert_eq!(
            d[0].message,
            "States.Runtime always ends the execution: Step Functions never catches it"
        );
        // Recorded on AWS: a Task's too-large result is caught by a catcher naming
        // States.DataLimitExceeded (conformance case
        // states_errors__service_task_lambada_data_limit_exceeded_on_large_utf8_response).
        let caught = text.replace("States.Runtime", "States.DataLimitExceeded");
        assert!(lint_text(&caught, SourceKind::Json, &opts).is_empty());
    }
}
