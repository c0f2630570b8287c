use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state machine, Parallel branch or Map processor in which no terminal
    /// state (Succeed, Fail, or `"End": true`) can be reached from `StartAt`: every path
    /// loops forever.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_END_STATE: Workflow has no
    /// terminal state`). Even where it would not, the execution could only end by
    /// failing or timing out.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL206",
        name: "no-terminal-state",
        severity: Error,
        aws_code: Some("MISSING_END_STATE"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let (Some(machine), Some(graphs)) = (ctx.machine, ctx.graphs) else {
        return;
    };
    'scopes: for scope in &machine.scopes {
        let graph = graphs.scope(scope.id);
        let Some(start) = graph.start else { continue };
        if graph.can_finish[start.index()] || super::has_unknown_transition(scope) {
            continue;
        }
        // Only judge a scope whose reachable states are complete: a missing target or a
        // state without a type is reported by its own rule and would make every path
        // look endless here.
        for (i, state) in scope.states.iter().enumerate() {
            if !graph.reachable[i] {
                continue;
            }
            let Some(kind) = state.kind else {
                continue 'scopes;
            };
            if kind.needs_next_or_end() && state.next.is_none() && state.end.is_none() {
                continue 'scopes;
            }
            if kind == StateType::Choice && state.choices.is_empty() {
                continue 'scopes;
            }
            if state
                .transitions()
                .iter()
                .any(|t| scope.state_index(t.target).is_none())
            {
                continue 'scopes;
            }
        }
        let at = scope.start_at.map_or(scope.node.range, |m| m.value.range);
        let what = super::super::structure::missing_start_at::capitalize(&scope.describe(machine));
        let d = sink.report(
            at,
            format!("{what} never ends: no terminal state can be reached from StartAt"),
        );
        d.help = Some(
            "give some state \"End\": true, or lead a path to a Succeed or Fail state".to_string(),
        );
    }
}
