//! The state graph: one petgraph graph per scope (top level, each Parallel branch, each
//! Map processor), nodes in the same order as the scope's states, edges labelled by kind
//! (Next, Default, Choice rule, Catch). Transitions whose target is not a state of the
//! same scope have no edge; the rules report them.
//!
//! Reachability is graph reachability from `StartAt`: an island of states that point at
//! each other is unreachable.

pub mod draw;
pub mod svg;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};

use crate::model::{ScopeId, StateMachine, TransitionKind};

/// The graph of one scope.
#[derive(Debug)]
pub struct ScopeGraph {
    pub scope: ScopeId,
    /// Node weight: index of the state in its scope. `NodeIndex::new(i)` is state `i`.
    pub graph: DiGraph<usize, TransitionKind>,
    /// The node `StartAt` names, when it names a state of this scope.
    pub start: Option<NodeIndex>,
    /// `reachable[i]`: state `i` can be reached from `StartAt`.
    pub reachable: Vec<bool>,
    /// `can_finish[i]`: from state `i` some terminal state (Succeed, Fail, `End: true`)
    /// can be reached.
    pub can_finish: Vec<bool>,
}

impl ScopeGraph {
    pub fn build(machine: &StateMachine<'_, '_>, scope: ScopeId) -> ScopeGraph {
        let s = machine.scope(scope);
        let n = s.states.len();
        let mut graph = DiGraph::with_capacity(n, n + n / 2);
        for i in 0..n {
            graph.add_node(i);
        }
        // A state hidden by a later one of the same name (ASL002) is not in the graph: it
        // has no edges and does not end the scope.
        for (i, state) in s.states.iter().enumerate() {
            if s.is_shadowed(i) {
                continue;
            }
            for t in state.transitions() {
                if let Some(j) = s.state_index(t.target) {
                    graph.add_edge(NodeIndex::new(i), NodeIndex::new(j), t.kind);
                }
            }
        }
        let start = s
            .start_at_name()
            .and_then(|name| s.state_index(name))
            .map(NodeIndex::new);
        let mut reachable = vec![false; n];
        if let Some(start) = start {
            let mut dfs = Dfs::new(&graph, start);
            while let Some(nx) = dfs.next(&graph) {
                reachable[nx.index()] = true;
            }
        }
        // Reverse search from every terminal state.
        let mut can_finish = vec![false; n];
        let reversed = Reversed(&graph);
        let mut dfs = Dfs::empty(reversed);
        for (i, state) in s.states.iter().enumerate() {
            if state.is_terminal() && !can_finish[i] && !s.is_shadowed(i) {
                dfs.move_to(NodeIndex::new(i));
                while let Some(nx) = dfs.next(reversed) {
                    can_finish[nx.index()] = true;
                }
            }
        }
        ScopeGraph {
            scope,
            graph,
            start,
            reachable,
            can_finish,
        }
    }

    /// States with an edge into state `i`.
    pub fn predecessors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
            .map(|n| n.index())
    }

    /// States that state `i` has an edge to.
    pub fn successors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
            .map(|n| n.index())
    }
}

/// The graphs of every scope of a state machine, indexed by scope id.
#[derive(Debug)]
pub struct Graphs {
    pub scopes: Vec<ScopeGraph>,
}

impl Graphs {
    pub fn build(machine: &StateMachine<'_, '_>) -> Graphs {
        Graphs {
            scopes: (0..machine.scopes.len())
                .map(|id| ScopeGraph::build(machine, id))
                .collect(),
        }
    }

    pub fn scope(&self, id: ScopeId) -> &ScopeGraph {
        &self.scopes[id]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::json;

    #[test]
    fn island_of_states_is_unreachable_and_loops_without_exit_cannot_finish() {
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Succeed"},
            "C": {"Type": "Pass", "Next": "D"},
            "D": {"Type": "Pass", "Next": "C"}
        }}"#;
        let doc = json::parse(text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let graphs = Graphs::build(&machine);
        let g = graphs.scope(0);
        assert_eq!(g.reachable, vec![true, true, false, false]);
        assert_eq!(g.can_finish, vec![true, true, false, false]);
        assert_eq!(g.predecessors(1).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn catch_edges_count_for_reachability_inside_a_map() {
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "T", "States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}]},
                "Handle": {"Type": "Fail"}}}}}}"#;
        let doc = json::parse(text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        assert_eq!(machine.scopes.len(), 2);
        let graphs = Graphs::build(&machine);
        assert_eq!(graphs.scope(1).reachable, vec![true, true]);
    }
}
