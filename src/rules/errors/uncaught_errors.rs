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
    /// execution fails whether they do or not. Switch the rule off with
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
}
