//! 7xx: best practice (warnings and information, each can be switched off by code).
pub mod busy_loop;
pub mod callback_without_timeout;
pub mod choice_on_fixed_value;
pub mod choice_rule_never_matches;
pub mod choice_with_one_target;
pub mod choice_without_default;
pub mod deprecated_map_field;
pub mod duplicate_choice_rule;
pub mod hard_coded_secret;
pub mod inline_map_concurrency_limit;
pub mod lambda_without_retry;
pub mod loop_without_exit;
pub mod state_name_whitespace;
pub mod stuck_loop;
pub mod timeout_beyond_machine_timeout;

use petgraph::algo::kosaraju_scc;

use crate::graph::ScopeGraph;
use crate::model::{Scope, State, StateType};
use crate::rules::LintContext;
use crate::rules::graph::has_unknown_transition;

/// The loops of a scope: each strongly connected component of reachable states that
/// holds a cycle (two or more states, or one state that transitions to itself), with
/// its states in document order. Nothing for a scope with a transition only known at
/// deploy time. (Kosaraju's algorithm: petgraph's runs on explicit stacks, while its
/// Tarjan recurses once per state and overflows the stack on a 100,000-state chain.)
pub(crate) fn loops(scope: &Scope<'_, '_>, graph: &ScopeGraph) -> Vec<Vec<usize>> {
    if has_unknown_transition(scope) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for component in kosaraju_scc(&graph.graph) {
        let mut states: Vec<usize> = component.iter().map(|n| n.index()).collect();
        if !states.iter().all(|&i| graph.reachable[i]) {
            continue;
        }
        let cyclic = states.len() > 1 || graph.successors(states[0]).any(|j| j == states[0]);
        if cyclic {
            states.sort_unstable();
            out.push(states);
        }
    }
    out.sort();
    out
}

/// Every loop of every scope of the document ([`loops`]), with its scope and graph.
pub(crate) fn all_loops<'a, 's>(
    ctx: &LintContext<'a, 's>,
) -> Vec<(&'a Scope<'a, 's>, &'a ScopeGraph, Vec<usize>)> {
    let (Some(machine), Some(graphs)) = (ctx.machine, ctx.graphs) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for scope in &machine.scopes {
        let graph = graphs.scope(scope.id);
        out.extend(loops(scope, graph).into_iter().map(|l| (scope, graph, l)));
    }
    out
}

/// State names for a message: `"A" -> "B" -> "C"` in document order, at most 5.
pub(crate) fn names(scope: &Scope<'_, '_>, states: &[usize]) -> String {
    let mut list: Vec<String> = states
        .iter()
        .take(5)
        .map(|&i| format!("\"{}\"", scope.states[i].name))
        .collect();
    if states.len() > 5 {
        list.push(format!("and {} more", states.len() - 5));
    }
    list.join(", ")
}

/// The `Resource` string of a Task state.
pub(crate) fn resource<'a>(state: &State<'a, '_>) -> Option<&'a str> {
    crate::rules::resources::resource_string(state).map(|(_, s)| s)
}

/// A Pass or Choice state that passes its input on unchanged and assigns nothing.
pub(crate) fn changes_nothing(state: &State<'_, '_>) -> bool {
    const CHANGES: [&str; 7] = [
        "Assign",
        "Parameters",
        "Result",
        "Output",
        "InputPath",
        "OutputPath",
        "ResultPath",
    ];
    matches!(state.kind, Some(StateType::Pass | StateType::Choice))
        && !CHANGES.iter().any(|k| state.field(k).is_some())
        && !state.choices.iter().any(|r| r.node.get("Assign").is_some())
}
