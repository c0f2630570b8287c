//! The typed state machine, built from a syntax tree.
//!
//! The model borrows the tree: every state, field and transition keeps the node it came
//! from, so a rule can point at the exact key or value. Nested scopes (each Parallel
//! branch, each Map processor) are kept in one arena, `StateMachine::scopes`; scope 0 is
//! the top level. Unknown fields stay available through [`State::members`].
//! Building never fails: whatever is missing or malformed is simply absent from the
//! model, and the rules report it.

pub mod context;
pub mod results;
mod state;

use rustc_hash::FxHashMap as HashMap;

use crate::syntax::{Member, Node, TextRange};

pub use state::{
    Catcher, ChoiceRule, NOT_DATA_FIELDS, Retrier, State, StateType, Transition, TransitionKind,
};

/// The longest a Standard execution runs on AWS: one year (365 days), in seconds. A
/// wait or timeout beyond it never ends on its own terms.
pub const STANDARD_MAX_SECONDS: u64 = 365 * 24 * 60 * 60;

/// `QueryLanguage`, resolved per state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    JsonAta,
}

impl QueryLanguage {
    pub fn parse(s: &str) -> Option<QueryLanguage> {
        match s {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::JsonAta),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::JsonAta => "JSONata",
        }
    }
}

pub type ScopeId = usize;

/// Identifies a state: its scope and its position in that scope's `states`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId {
    pub scope: ScopeId,
    pub index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The top-level state machine.
    Root,
    /// `Branches[index]` of a Parallel state.
    Branch { parent: StateId, index: usize },
    /// The `ItemProcessor` (or legacy `Iterator`) of a Map state.
    Processor {
        parent: StateId,
        legacy_iterator: bool,
    },
}

/// One set of states with its own `StartAt`: the top level, a branch or a processor.
#[derive(Debug)]
pub struct Scope<'a, 's> {
    pub id: ScopeId,
    pub kind: ScopeKind,
    /// The object holding `StartAt` and `States`.
    pub node: &'a Node<'s>,
    pub start_at: Option<&'a Member<'s>>,
    /// The `States` member, whatever its value.
    pub states_member: Option<&'a Member<'s>>,
    pub states: Vec<State<'a, 's>>,
    /// State name to index in `states`: with duplicate keys the last state of that name,
    /// the one JSON readers (and ASL002) keep.
    index: HashMap<&'a str, usize>,
}

impl<'a, 's> Scope<'a, 's> {
    pub fn state(&self, name: &str) -> Option<&State<'a, 's>> {
        self.index.get(name).map(|&i| &self.states[i])
    }

    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// State `i` is hidden by a later state of the same name (a duplicate key: ASL002).
    pub fn is_shadowed(&self, i: usize) -> bool {
        self.state_index(self.states[i].name) != Some(i)
    }

    /// The `StartAt` value when it is a string.
    pub fn start_at_name(&self) -> Option<&'a str> {
        self.start_at.and_then(|m| m.value.as_str())
    }

    /// The parent state (Parallel or Map) of a nested scope.
    pub fn parent(&self) -> Option<StateId> {
        match self.kind {
            ScopeKind::Root => None,
            ScopeKind::Branch { parent, .. } | ScopeKind::Processor { parent, .. } => Some(parent),
        }
    }

    /// A short description for messages: "the top level", "branch 2 of \"Fan out\"", ...
    pub fn describe(&self, machine: &StateMachine<'a, 's>) -> String {
        match self.kind {
            ScopeKind::Root => "the top level".to_string(),
            ScopeKind::Branch { parent, index } => {
                format!("branch {} of \"{}\"", index + 1, machine.state(parent).name)
            }
            ScopeKind::Processor { parent, .. } => {
                format!("the item processor of \"{}\"", machine.state(parent).name)
            }
        }
    }
}

/// The whole state machine.
#[derive(Debug)]
pub struct StateMachine<'a, 's> {
    /// The document's root object.
    pub root: &'a Node<'s>,
    /// The top-level `QueryLanguage` (JSONPath when absent or invalid).
    pub query_language: QueryLanguage,
    /// All scopes; `scopes[0]` is the top level.
    pub scopes: Vec<Scope<'a, 's>>,
    /// Every state name in every scope, for cross-scope checks (duplicates, transitions
    /// that cross a Parallel/Map boundary).
    names: HashMap<&'a str, Vec<StateId>>,
}

impl<'a, 's> StateMachine<'a, 's> {
    /// Builds the model from a document root. Returns `None` when the root is not an
    /// object (nothing of a state machine to model).
    pub fn build(root: &'a Node<'s>) -> Option<StateMachine<'a, 's>> {
        root.as_object()?;
        let query_language = root
            .get("QueryLanguage")
            .and_then(Node::as_str)
            .and_then(QueryLanguage::parse)
            .unwrap_or_default();
        let mut machine = StateMachine {
            root,
            query_language,
            scopes: Vec::new(),
            names: HashMap::default(),
        };
        machine.add_scope(root, ScopeKind::Root);
        Some(machine)
    }

    fn add_scope(&mut self, node: &'a Node<'s>, kind: ScopeKind) -> ScopeId {
        let id = self.scopes.len();
        let states_member = node.member("States");
        self.scopes.push(Scope {
            id,
            kind,
            node,
            start_at: node.member("StartAt"),
            states_member,
            states: Vec::new(),
            index: HashMap::default(),
        });
        let Some(members) = states_member.and_then(|m| m.value.as_object()) else {
            return id;
        };
        let mut states = Vec::with_capacity(members.len());
        let mut index = HashMap::with_capacity_and_hasher(members.len(), Default::default());
        for (i, member) in members.iter().enumerate() {
            let state_id = StateId {
                scope: id,
                index: i,
            };
            let state = State::build(state_id, member, self.query_language);
            index.insert(state.name, i);
            self.names.entry(state.name).or_default().push(state_id);
            states.push(state);
        }
        // Children are added after this scope's states are in place, so that state ids
        // stay stable and scopes come in document order, parents first.
        let mut pending: Vec<(usize, Vec<(&'a Node<'s>, ScopeKind)>)> = Vec::new();
        for (i, state) in states.iter().enumerate() {
            let children = state.child_scope_nodes();
            if !children.is_empty() {
                pending.push((i, children));
            }
        }
        self.scopes[id].states = states;
        self.scopes[id].index = index;
        for (i, children) in pending {
            for (child, kind) in children {
                let child_id = self.add_scope(child, kind);
                self.scopes[id].states[i].children.push(child_id);
            }
        }
        id
    }

    pub fn root_scope(&self) -> &Scope<'a, 's> {
        &self.scopes[0]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a, 's> {
        &self.scopes[id]
    }

    pub fn state(&self, id: StateId) -> &State<'a, 's> {
        &self.scopes[id.scope].states[id.index]
    }

    /// Every state in every scope, parents before their nested states' scopes.
    pub fn all_states(&self) -> impl Iterator<Item = &State<'a, 's>> {
        self.scopes.iter().flat_map(|s| s.states.iter())
    }

    /// Every state named `name`, in any scope.
    pub fn states_named(&self, name: &str) -> &[StateId] {
        self.names.get(name).map_or(&[], Vec::as_slice)
    }

    /// The chain of scopes from `scope` up to the top level (inclusive).
    pub fn ancestors(&self, scope: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        let mut next = Some(scope);
        std::iter::from_fn(move || {
            let current = next?;
            next = self.scopes[current].parent().map(|p| p.scope);
            Some(current)
        })
    }

    /// The top-level member `key`.
    pub fn field(&self, key: &str) -> Option<&'a Member<'s>> {
        self.root.member(key)
    }

    /// The range of a state's name, or of the scope's `States` key / object when the
    /// scope has no states.
    pub fn scope_anchor(&self, scope: ScopeId) -> TextRange {
        let s = &self.scopes[scope];
        s.states_member.map_or(s.node.range, |m| m.key_range)
    }
}
