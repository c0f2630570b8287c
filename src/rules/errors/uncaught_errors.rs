use petgraph::graph::NodeIndex;

use crate::model::{StateId, StateMachine, StateType, TransitionKind};
use crate::rules::jsonata::variables::is_distributed_processor;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// In a state machine that handles errors somewhere (it has at least one `Catch`), reports
    /// each Task, Parallel and Map state whose failure would end the execution: it has no
    /// catcher for `States.ALL` or `States.TaskFailed`, and neither has any Parallel or Map
    /// state around it. In a Distributed Map, a failed child execution ends nothing when
    /// the Map tolerates failures (`ToleratedFailureCount`, `ToleratedFailurePercentage`)
    /// or catches `States.ExceedToleratedFailureThreshold`: its states are not reported.
    ///
    /// A state that catches some errors by name is reported with the names it catches.
    ///
    /// This is information, not a mistake: some failures are meant to end the execution.
    /// State machines without any `Catch` are not reported, nor are states from which
    /// every way on ends in a Fail state (an error handler, a compensation step): the
    /// execution fails whether they do or not. Nor is a Parallel or Map state with no
    /// Task inside whose catchers name every error its Fail states raise: nothing else
    /// there can be caught (a Choice without a match, or a failing path, is
    /// `States.Runtime`, which no catcher handles). Switch the rule off with
    /// `--ignore ASL505`.
    ///
    /// ## Why is this bad?
    /// When most failures are routed to a fallback, the one state without a catcher is
    /// usually an oversight: its failure skips the cleanup or notification the others get.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "B"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}, "F": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "B"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}
    /// ```
    pub static RULE = {
        code: "ASL505",
        name: "uncaught-errors",
        severity: Info,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// True when a catcher of the state names one of `errors`.
fn catches(machine: &StateMachine<'_, '_>, id: StateId, errors: &[&str]) -> bool {
    machine.state(id).catchers.iter().any(|c| {
        c.node
            .get("ErrorEquals")
            .and_then(|n| n.as_array())
            .is_some_and(|names| {
                names
                    .iter()
                    .any(|n| n.as_str().is_some_and(|name| errors.contains(&name)))
            })
    })
}

/// True when the state has a catcher for every error a task raises.
fn catches_all(machine: &StateMachine<'_, '_>, id: StateId) -> bool {
    catches(machine, id, &["States.ALL", "States.TaskFailed"])
}

/// The errors a Parallel or Map state can raise when no Task runs inside it: the
/// errors its Fail states name, and `States.QueryEvaluationError` where a JSONata
/// state evaluates expressions. Nothing else a Pass, Wait or Choice state does can be
/// caught: Step Functions reports a Choice without a match, a path or an intrinsic
/// function that fails as `States.Runtime`, which no catcher handles. `None` when
/// something inside can raise any error: a Task, a Map that reads or writes items
/// (`ItemReader`, `ResultWriter`), a Distributed Map, a Fail state whose error is
/// computed or missing, a state of unknown type.
fn raised_without_tasks<'a>(
    machine: &StateMachine<'a, '_>,
    id: StateId,
) -> Option<std::collections::BTreeSet<&'a str>> {
    let mut raised = std::collections::BTreeSet::new();
    let mut scopes = machine.state(id).children.clone();
    while let Some(scope) = scopes.pop() {
        if is_distributed_processor(machine, scope) {
            return None;
        }
        for state in &machine.scope(scope).states {
            match state.kind? {
                StateType::Task => return None,
                StateType::Fail => {
                    let error = state.field("Error")?.value.as_str()?;
                    if state.field("ErrorPath").is_some() || error.starts_with("{%") {
                        return None;
                    }
                    raised.insert(error);
                    continue;
                }
                StateType::Map
                    if state.field("ItemReader").is_some()
                        || state.field("ResultWriter").is_some() =>
                {
                    return None;
                }
                StateType::Map | StateType::Parallel => scopes.extend(&state.children),
                _ => {}
            }
            if state.query_language == crate::model::QueryLanguage::JsonAta
                && has_expression(state.node)
            {
                raised.insert("States.QueryEvaluationError");
            }
        }
    }
    Some(raised)
}

/// Whether a string under `node` is a JSONata expression (`{% ... %}`), outside the
/// states of a nested Parallel or Map (their own).
fn has_expression(node: &crate::syntax::Node<'_>) -> bool {
    use crate::syntax::Value;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::String(s) if s.trim_start().starts_with("{%") => return true,
            Value::Object(members) => stack.extend(
                members
                    .iter()
                    .filter(|m| !matches!(&*m.key, "Branches" | "ItemProcessor" | "Iterator"))
                    .map(|m| &m.value),
            ),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// True when the Distributed Map `map` tolerates failed children (a
/// `ToleratedFailure*` field other than a literal 0) or catches the error its Map Run
/// fails with when they are more than it tolerates.
fn handles_child_failure(machine: &StateMachine<'_, '_>, map: StateId) -> bool {
    let state = machine.state(map);
    let tolerates = [
        "ToleratedFailureCount",
        "ToleratedFailurePercentage",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
    ]
    .iter()
    .filter_map(|f| state.field(f))
    .any(|m| m.value.as_f64() != Some(0.0));
    tolerates || catches(machine, map, &["States.ExceedToleratedFailureThreshold"])
}

/// Per scope, per state: whether every way on from it (not through a catcher) ends in
/// a Fail state (and one does). A state with no way on, or in a loop with no exit, is
/// not: what it was meant to do is unknown.
fn bound_to_fail(ctx: &LintContext<'_, '_>, machine: &StateMachine<'_, '_>) -> Vec<Vec<bool>> {
    use petgraph::visit::{EdgeFiltered, Reversed, Walker};
    let Some(graphs) = ctx.graphs else {
        return Vec::new();
    };
    graphs
        .scopes
        .iter()
        .map(|g| {
            let states = &machine.scope(g.scope).states;
            let normal = EdgeFiltered::from_fn(&g.graph, |e| {
                !matches!(e.weight(), TransitionKind::Catch(_))
            });
            let mut can_succeed = vec![false; states.len()];
            for (i, state) in states.iter().enumerate() {
                if state.is_terminal() && state.kind != Some(StateType::Fail) && !can_succeed[i] {
                    let dfs = petgraph::visit::Dfs::new(Reversed(&normal), NodeIndex::new(i));
                    for nx in dfs.iter(Reversed(&normal)) {
                        can_succeed[nx.index()] = true;
                    }
                }
            }
            (0..states.len())
                .map(|i| g.can_finish[i] && !can_succeed[i])
                .collect()
        })
        .collect()
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    if !machine.all_states().any(|s| !s.catchers.is_empty()) {
        return;
    }
    let bound_to_fail = bound_to_fail(ctx, machine);
    for state in machine.all_states() {
        if !state.kind.is_some_and(|k| k.can_catch()) || catches_all(machine, state.id) {
            continue;
        }
        // Every way on ends in a Fail state: the execution fails either way.
        if bound_to_fail
            .get(state.id.scope)
            .and_then(|scope| scope.get(state.id.index))
            == Some(&true)
        {
            continue;
        }
        // A Parallel or Map with no Task inside raises only the errors of its Fail
        // states (the either-or pattern): when its catchers name them all, nothing
        // else can end the execution there.
        if matches!(state.kind, Some(StateType::Parallel | StateType::Map))
            && raised_without_tasks(machine, state.id)
                .is_some_and(|raised| raised.iter().all(|e| catches(machine, state.id, &[e])))
        {
            continue;
        }
        // A catcher on an enclosing Parallel or Map handles the failure of its branch;
        // a Distributed Map may tolerate a failed child, or catch the failure of its
        // Map Run (`States.ExceedToleratedFailureThreshold`).
        let covered = machine.ancestors(state.id.scope).any(|scope| {
            let Some(parent) = machine.scope(scope).parent() else {
                return false;
            };
            catches_all(machine, parent)
                || is_distributed_processor(machine, scope)
                    && handles_child_failure(machine, parent)
        });
        if covered {
            continue;
        }
        // A state with catchers for some errors: the message names them, so it does
        // not read as "no Catch at all".
        // Each name once, though two catchers name it (a set: a state with 50,000
        // catchers took seconds to compare each name with those before it).
        let mut seen = std::collections::HashSet::new();
        let caught: Vec<&str> = state
            .catchers
            .iter()
            .filter_map(|c| c.node.get("ErrorEquals")?.as_array())
            .flatten()
            .filter_map(|n| n.as_str())
            .filter(|name| seen.insert(*name))
            .collect();
        let message = if caught.is_empty() {
            format!(
                "a failure of \"{}\" ends the execution: no catcher handles it",
                state.name
            )
        } else {
            format!(
                "\"{}\" catches only {}: any other failure ends the execution",
                state.name,
                listed(&caught)
            )
        };
        sink.report(state.name_range, message).help = Some(
            "add a Catch for States.ALL (or States.TaskFailed) if it should be handled".into(),
        );
    }
}

/// Error names a message lists, at most: the rest are counted.
const LISTED_NAMES: usize = 10;

/// `A, B, C`; past [`LISTED_NAMES`], the first of them and `and N more`.
fn listed(names: &[&str]) -> String {
    if names.len() <= LISTED_NAMES {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..LISTED_NAMES].join(", "),
        names.len() - LISTED_NAMES
    )
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn a_distributed_map_that_tolerates_or_catches_failed_children() {
        let text = |map_fields: &str| {
            format!(
                r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {map_fields}, "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}, "StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}, "End": true}}, "F": {{"Type": "Fail"}}}}}}"#
            )
        };
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let catch = r#""Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "F"}]"#;
        for fields in [
            catch.to_string(),
            format!(r#""ToleratedFailurePercentagePath": "$.p", {catch}"#),
            format!(r#""ToleratedFailureCount": 3, {catch}"#),
        ] {
            // The Map's own failures (its ItemReader's, say) are another matter.
            let d = lint_text(&text(&fields), SourceKind::Json, &opts);
            let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(
                messages,
                [
                    "\"M\" catches only States.ExceedToleratedFailureThreshold: any other failure ends the execution"
                ],
                "{fields}"
            );
        }
        // No tolerance, and a catcher for another error: the Map Run fails at the first
        // failed child, and that ends the execution.
        let other = r#""ToleratedFailureCount": 0, "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "F"}]"#;
        let d = lint_text(&text(other), SourceKind::Json, &opts);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"M\" catches only States.Timeout: any other failure ends the execution",
                "a failure of \"T\" ends the execution: no catcher handles it"
            ]
        );
    }

    #[test]
    fn enclosing_catcher_covers_branch_states() {
        let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "U"}, "U": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}, "F": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"U\"");
        assert_eq!(
            d[0].message,
            "a failure of \"U\" ends the execution: no catcher handles it"
        );
    }

    /// An error handler or compensation step whose every way on ends in a Fail state
    /// fails the execution whether or not it fails itself: not reported. One from which
    /// the workflow can still succeed is.
    #[test]
    fn states_bound_to_fail_are_not_reported() {
        let text = r#"{"StartAt": "Charge", "States": {
  "Charge": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], "Next": "Ship"},
  "Ship": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], "End": true},
  "Refund": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["Retryable"], "Next": "Retry later"}], "Next": "Notify"},
  "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "Is it urgent"},
  "Is it urgent": {"Type": "Choice", "Choices": [{"Variable": "$.urgent", "BooleanEquals": true, "Next": "Failed"}], "Default": "Failed"},
  "Failed": {"Type": "Fail"},
  "Retry later": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let found: Vec<&str> = lint_text(text, SourceKind::Json, &opts)
            .iter()
            .map(|d| &text[d.range.as_usize()])
            .collect();
        assert_eq!(found, ["\"Retry later\""]);
    }

    #[test]
    fn a_state_that_catches_some_errors_by_name() {
        let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.Timeout", "Busy"], "Next": "F"}, {"ErrorEquals": ["Gone", "Busy"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"T\"");
        assert_eq!(
            d[0].message,
            "\"T\" catches only States.Timeout, Busy, Gone: any other failure ends the execution"
        );
    }

    #[test]
    fn many_names_are_counted_past_the_first_ten() {
        let catchers: Vec<String> = (0..25)
            .map(|i| format!(r#"{{"ErrorEquals": ["E{i}", "E0"], "Next": "F"}}"#))
            .collect();
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{}], "End": true}}, "F": {{"Type": "Fail"}}}}}}"#,
            catchers.join(", ")
        );
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let d = lint_text(&text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "\"T\" catches only E0, E1, E2, E3, E4, E5, E6, E7, E8, E9 and 15 more: any other failure ends the execution"
        );
        // Ten names are listed whole.
        assert_eq!(super::listed(&["A"; 10]), ["A"; 10].join(", "));
    }

    /// A Parallel with no Task inside (the either-or pattern) raises only its Fail
    /// states' errors: when its catchers name them all it is not reported. A Fail
    /// error left out, a Task in a branch, or a JSONata branch (which can raise
    /// States.QueryEvaluationError) is.
    #[test]
    fn a_parallel_without_tasks_raises_only_its_fail_errors() {
        let text = |extra_branch: &str, ql: &str| {
            format!(
                r#"{{{ql}"StartAt": "Race", "States": {{"Race": {{"Type": "Parallel", "Branches": [
                {{"StartAt": "W1", "States": {{"W1": {{"Type": "Wait", "Seconds": 5, "Next": "Done1"}}, "Done1": {{"Type": "Fail", "Error": "Process1Done"}}}}}},
                {{"StartAt": "W2", "States": {{"W2": {{"Type": "Wait", "Seconds": 60, "Next": "Late"}}, "Late": {{"Type": "Fail", "Error": "RanOutOfTime"}}}}}}{extra_branch}],
                "Catch": [{{"ErrorEquals": ["Process1Done"], "Next": "OK"}}, {{"ErrorEquals": ["RanOutOfTime"], "Next": "TooLate"}}], "End": true}},
                "OK": {{"Type": "Succeed"}}, "TooLate": {{"Type": "Succeed"}}}}}}"#
            )
        };
        let opts = LintOptions {
            select: vec!["ASL505".into()],
            ..Default::default()
        };
        let found = |text: &str| -> Vec<String> {
            lint_text(text, SourceKind::Json, &opts)
                .iter()
                .map(|d| d.message.clone())
                .collect()
        };
        assert_eq!(found(&text("", "")), Vec::<String>::new());
        let reported = [
            "\"Race\" catches only Process1Done, RanOutOfTime: any other failure ends the execution",
        ];
        for (extra, ql) in [
            (
                r#", {"StartAt": "X", "States": {"X": {"Type": "Fail", "Error": "Other"}}}"#,
                "",
            ),
            (
                r#", {"StartAt": "X", "States": {"X": {"Type": "Fail", "ErrorPath": "$.e"}}}"#,
                "",
            ),
            (
                r#", {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#,
                "",
            ),
            (
                r#", {"StartAt": "X", "States": {"X": {"Type": "Pass", "Output": "{% $states.input.a %}", "Next": "Y"}, "Y": {"Type": "Fail", "Error": "Process1Done"}}}"#,
                r#""QueryLanguage": "JSONata", "#,
            ),
        ] {
            let text = text(extra, ql);
            let mut got = found(&text);
            got.retain(|m| m.starts_with("\"Race\""));
            assert_eq!(got, reported, "{extra}{ql}");
        }
    }
}
