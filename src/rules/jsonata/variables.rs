//! Workflow variables (`Assign`): where each state assigns and reads them, and which
//! variables are assigned on some or on every path from `StartAt` to each state. Shared
//! by the variable rules ASL604-ASL608.
//!
//! The analysis is a forward data-flow over each scope's graph. A state's reads (in its
//! `Arguments`, `Parameters`, `Output`, `Assign`, Choice conditions, ...) all see the
//! variables as they were when the state was entered: a state's own `Assign` is visible
//! from the next state on. Each edge adds the `Assign` that runs when it is taken: the
//! state's `Assign` for `Next` and `Default`; for a Choice rule, the state's `Assign`
//! and the rule's own (AWS's guide: a Choice state's `Assign` applies whichever rule
//! matches; a rule's value wins for a name both set); the catcher's for a `Catch`. A Parallel branch or an inline Map processor starts with
//! what its parent state saw on entry; a Distributed Map's child workflow starts with
//! nothing. Variables assigned inside a branch or processor never leave it.

use rustc_hash::FxHashMap as HashMap;

use crate::expr::jsonata::{builtin, exists_when_true, variable_refs};
use crate::expr::jsonpath::Root;
use crate::graph::Graphs;
use crate::model::{QueryLanguage, ScopeId, ScopeKind, State, StateMachine, TransitionKind};
use crate::rules::jsonata::{source_range, state_expressions};
use crate::rules::paths::{dollar_paths, path_fields, payload_templates, template_members};
use crate::syntax::{Member, Node, TextRange, string_source_offset};

/// Which `Assign` of a state a variable comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    /// The state's own `Assign` (on success; in a Choice state, whichever way it goes).
    State,
    /// `Catch[i].Assign`.
    Catch(usize),
    /// `Choices[i].Assign`.
    Choice(usize),
}

/// One key of an `Assign` object.
pub(crate) struct Assignment<'a, 's> {
    /// The variable name (a JSONPath key without its `.$` suffix).
    pub name: &'a str,
    pub member: &'a Member<'s>,
    pub origin: Origin,
}

/// One `$name` read.
pub(crate) struct Read {
    pub name: String,
    /// The `$name` characters in the source.
    pub range: TextRange,
    /// A JSONata name that is also a built-in function (`$count`, `$string`): a
    /// function value unless some `Assign` sets a variable of that name.
    pub builtin: bool,
    /// The read is a JSONata `$exists($name)` test, false for an unset variable, or is
    /// evaluated only when such a test came out true (`$exists($v) ? $v : 0`,
    /// `$exists($v) and $v > 1`): it cannot fail for an unset variable. Also a JSONPath
    /// `ResultPath` naming the variable, which writes (ASL301 reports it).
    pub guarded: bool,
    /// An earlier read of the same name in the same expression or path string: the
    /// rules that report reads report the first one only.
    pub repeat: bool,
}

/// The keys of every `Assign` of `state`, in source order.
pub(crate) fn assignments<'a, 's>(state: &State<'a, 's>) -> Vec<Assignment<'a, 's>> {
    let mut out = Vec::new();
    let jsonpath = state.query_language == QueryLanguage::JsonPath;
    let mut add = |node: Option<&'a Node<'s>>, origin| {
        for m in node.and_then(Node::as_object).unwrap_or(&[]) {
            let key: &'a str = &m.key;
            let name = if jsonpath {
                key.strip_suffix(".$").unwrap_or(key)
            } else {
                key
            };
            out.push(Assignment {
                name,
                member: m,
                origin,
            });
        }
    };
    add(state.field("Assign").map(|m| &m.value), Origin::State);
    for (i, r) in state.choices.iter().enumerate() {
        add(r.node.get("Assign"), Origin::Choice(i));
    }
    for (i, c) in state.catchers.iter().enumerate() {
        add(c.node.get("Assign"), Origin::Catch(i));
    }
    out
}

/// Every workflow variable that `state` reads (not those of its nested states), in
/// source order. JSONata names bound inside the expression (`:=`, function
/// parameters) and `$states` are not variables.
pub(crate) fn reads(source: &str, state: &State<'_, '_>) -> Vec<Read> {
    let mut out = Vec::new();
    match state.query_language {
        QueryLanguage::JsonAta => {
            for e in state_expressions(state) {
                let Ok(tree) = &e.parsed.result else { continue };
                let refs: Vec<_> = variable_refs(tree)
                    .into_iter()
                    .filter(|r| !r.bound_locally && r.name != "states")
                    .collect();
                // The first read of a name that a test does not guard stands for the
                // others.
                let mut seen: Vec<&str> = Vec::new();
                for r in &refs {
                    let repeat = !r.guarded && seen.contains(&r.name.as_str());
                    if !r.guarded && !repeat {
                        seen.push(&r.name);
                    }
                    out.push(Read {
                        range: source_range(source, &e, r.span),
                        builtin: builtin(&r.name).is_some(),
                        guarded: r.guarded,
                        repeat,
                        name: r.name.clone(),
                    });
                }
            }
        }
        QueryLanguage::JsonPath => {
            // Each string, and whether it is a `ResultPath`, which writes: a variable
            // there is ASL301's mistake, counted as a use of the name (ASL607) but not
            // as a read of an unset one (ASL605).
            let mut strings: Vec<(&Node<'_>, bool)> = Vec::new();
            for (m, _) in path_fields(state) {
                strings.push((&m.value, m.key == "ResultPath"));
            }
            for (_, template) in payload_templates(state) {
                for m in template_members(template) {
                    if m.key.ends_with(".$") {
                        strings.push((&m.value, false));
                    }
                }
            }
            for key in ["ErrorPath", "CausePath"] {
                if let Some(m) = state.field(key) {
                    strings.push((&m.value, false));
                }
            }
            for (node, written) in strings {
                let Some(text) = node.as_str() else { continue };
                if !may_name_variable(text) {
                    continue;
                }
                let mut seen: Vec<String> = Vec::new();
                for path in dollar_paths(text) {
                    if let Root::Variable(name) = &path.root {
                        let start =
                            string_source_offset(source, node, path.root_span.start as usize);
                        let end = string_source_offset(source, node, path.root_span.end as usize);
                        let repeat = seen.contains(name);
                        if !repeat {
                            seen.push(name.clone());
                        }
                        out.push(Read {
                            name: name.clone(),
                            range: TextRange::new(start, end.max(start + 1)),
                            builtin: false,
                            guarded: written,
                            repeat,
                        });
                    }
                }
            }
        }
    }
    out.sort_by_key(|r| r.range.start);
    out
}

/// False when no `$` in `text` can start a variable name: every `$` is followed by `.`,
/// `[`, `$` (the context object `$$`) or nothing. Most path values (`$.id`,
/// `$$.Map.Item.Value`, `States.Format('{}', $.a)`) are skipped without being parsed.
fn may_name_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes)
        .any(|i| !matches!(bytes.get(i + 1), None | Some(b'.' | b'[' | b'$')))
}

/// False when no `$` anywhere in a source text is followed by what could begin a
/// variable name (a letter, digit, `_` or any non-ASCII character): `$.id`, `"$"`,
/// `$$.Execution` and `${Placeholder}` cannot.
fn may_start_name_anywhere(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| {
        bytes
            .get(i + 1)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
    })
}

/// A set of variables, by index into [`Analysis::names`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VarSet(Vec<u64>);

impl VarSet {
    fn empty(n: usize) -> VarSet {
        VarSet(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> VarSet {
        let mut s = VarSet(vec![u64::MAX; n.div_ceil(64)]);
        if !n.is_multiple_of(64)
            && let Some(last) = s.0.last_mut()
        {
            *last = (1u64 << (n % 64)) - 1;
        }
        s
    }
    pub fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn insert_all(&mut self, indices: &[usize]) {
        for &i in indices {
            self.insert(i);
        }
    }
    fn union_with(&mut self, other: &VarSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
    fn intersect_with(&mut self, other: &VarSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }
}

/// What is known at the entry of one reachable state.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Assigned on every path from the top-level `StartAt`.
    pub must: VarSet,
    /// Assigned on at least one path.
    pub may: VarSet,
}

/// The result of the analysis for a whole state machine.
pub(crate) struct Analysis<'a, 's> {
    /// Every variable name assigned anywhere.
    pub names: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
    /// `assigned[scope]`: the assignments of the states of that scope.
    pub assigned: Vec<Vec<(usize, Assignment<'a, 's>)>>,
    /// `entry[scope][state]`: `None` when the state cannot be reached.
    pub entry: Vec<Vec<Option<Entry>>>,
    /// `first[scope]`: the scope's `StartAt` state and what it sees when the scope
    /// starts (before any way back to it): `None` for a scope that does not start.
    pub first: Vec<Option<(usize, Entry)>>,
}

impl<'a, 's> Analysis<'a, 's> {
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// True when state `index` of `scope` is its scope's `StartAt` and variable `v` is
    /// not assigned on its first arrival: only a way back to the state assigns it, so
    /// a read there fails the first time, every time.
    pub fn unassigned_on_first_arrival(&self, scope: usize, index: usize, v: usize) -> bool {
        self.first[scope]
            .as_ref()
            .is_some_and(|(start, e)| *start == index && !e.may.contains(v))
    }

    pub fn build(machine: &StateMachine<'a, 's>, graphs: &Graphs) -> Analysis<'a, 's> {
        let mut names = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::default();
        let mut assigned = Vec::with_capacity(machine.scopes.len());
        for scope in &machine.scopes {
            let mut list = Vec::new();
            for (i, state) in scope.states.iter().enumerate() {
                for a in assignments(state) {
                    index.entry(a.name).or_insert_with(|| {
                        names.push(a.name);
                        names.len() - 1
                    });
                    list.push((i, a));
                }
            }
            assigned.push(list);
        }
        let n = names.len();
        let mut entry: Vec<Vec<Option<Entry>>> = Vec::with_capacity(machine.scopes.len());
        let mut first: Vec<Option<(usize, Entry)>> = Vec::with_capacity(machine.scopes.len());
        for scope in &machine.scopes {
            let graph = graphs.scope(scope.id);
            let count = scope.states.len();
            // What the scope starts with.
            let start_entry = match scope.kind {
                ScopeKind::Root => Some(Entry {
                    must: VarSet::empty(n),
                    may: VarSet::empty(n),
                }),
                ScopeKind::Branch { parent, .. } | ScopeKind::Processor { parent, .. } => {
                    if is_distributed_processor(machine, scope.id) {
                        entry[parent.scope][parent.index].as_ref().map(|_| Entry {
                            must: VarSet::empty(n),
                            may: VarSet::empty(n),
                        })
                    } else {
                        entry[parent.scope][parent.index].clone()
                    }
                }
            };
            let (Some(start), Some(start_entry)) = (graph.start, start_entry) else {
                entry.push(vec![None; count]);
                first.push(None);
                continue;
            };
            // The first run of a branch or iteration is the first run of the state
            // around it, when that is its scope's StartAt: what that run saw.
            let first_entry = match scope.kind {
                ScopeKind::Branch { parent, .. } | ScopeKind::Processor { parent, .. }
                    if !is_distributed_processor(machine, scope.id) =>
                {
                    match &first[parent.scope] {
                        Some((s, e)) if *s == parent.index => e.clone(),
                        _ => start_entry.clone(),
                    }
                }
                _ => start_entry.clone(),
            };
            first.push(Some((start.index(), first_entry)));
            // What each edge kind of each state adds, as lists of indices: a state
            // assigns a few names, and a dense set per state (states × names bits)
            // was a fifth of the peak memory when each state assigns a name of its own.
            let mut gen_state: Vec<Vec<usize>> = vec![Vec::new(); count];
            let mut gen_other: HashMap<(usize, Origin), Vec<usize>> = HashMap::default();
            for (i, a) in &assigned[scope.id] {
                let v = index[a.name];
                match a.origin {
                    Origin::State => gen_state[*i].push(v),
                    o => gen_other.entry((*i, o)).or_default().push(v),
                }
            }
            // A Choice state's own `Assign` runs with the matching rule's too.
            for ((i, origin), set) in gen_other.iter_mut() {
                if matches!(origin, Origin::Choice(_)) {
                    set.extend_from_slice(&gen_state[*i]);
                }
            }
            // A JSONata rule whose Condition holds only when `$exists($v)` does shows
            // `$v` set on its way (not assigned there: only `must` takes it).
            let mut tested: HashMap<(usize, usize), Vec<usize>> = HashMap::default();
            for (i, state) in scope.states.iter().enumerate() {
                if state.query_language != QueryLanguage::JsonAta {
                    continue;
                }
                for (r, rule) in state.choices.iter().enumerate() {
                    let Some(expr) = rule
                        .node
                        .get("Condition")
                        .and_then(Node::as_str)
                        .and_then(|c| c.trim().strip_prefix("{%"))
                        .and_then(|c| c.strip_suffix("%}"))
                    else {
                        continue;
                    };
                    let Ok(tree) = crate::expr::jsonata::parse(expr) else {
                        continue;
                    };
                    for name in exists_when_true(&tree) {
                        if let Some(&v) = index.get(name) {
                            tested.entry((i, r)).or_default().push(v);
                        }
                    }
                }
            }
            let gen_of = |i: usize, kind: TransitionKind| -> &[usize] {
                match kind {
                    TransitionKind::Next | TransitionKind::Default => &gen_state[i],
                    TransitionKind::Choice(r) => gen_other
                        .get(&(i, Origin::Choice(r)))
                        .unwrap_or(&gen_state[i]),
                    TransitionKind::Catch(c) => gen_other
                        .get(&(i, Origin::Catch(c)))
                        .map_or(&[], Vec::as_slice),
                }
            };
            let mut must: Vec<VarSet> = vec![VarSet::full(n); count];
            let mut may: Vec<VarSet> = vec![VarSet::empty(n); count];
            must[start.index()] = start_entry.must.clone();
            may[start.index()] = start_entry.may.clone();
            // Round-robin to the fixed point: `must` only shrinks, `may` only grows.
            let order: Vec<usize> = (0..count).filter(|&i| graph.reachable[i]).collect();
            let mut changed = true;
            while changed {
                changed = false;
                for &t in &order {
                    let is_start = t == start.index();
                    let mut new_must = if is_start {
                        start_entry.must.clone()
                    } else {
                        VarSet::full(n)
                    };
                    let mut new_may = if is_start {
                        start_entry.may.clone()
                    } else {
                        VarSet::empty(n)
                    };
                    for e in graph.graph.edges_directed(
                        petgraph::graph::NodeIndex::new(t),
                        petgraph::Direction::Incoming,
                    ) {
                        use petgraph::visit::EdgeRef;
                        let p = e.source().index();
                        if !graph.reachable[p] {
                            continue;
                        }
                        let g = gen_of(p, *e.weight());
                        let mut m = must[p].clone();
                        m.insert_all(g);
                        if let TransitionKind::Choice(r) = *e.weight()
                            && let Some(t) = tested.get(&(p, r))
                        {
                            m.insert_all(t);
                        }
                        new_must.intersect_with(&m);
                        new_may.union_with(&may[p]);
                        new_may.insert_all(g);
                    }
                    if new_must != must[t] {
                        must[t] = new_must;
                        changed = true;
                    }
                    if new_may != may[t] {
                        may[t] = new_may;
                        changed = true;
                    }
                }
            }
            // Moved, not copied: a copy of both sets doubled the peak memory.
            entry.push(
                must.into_iter()
                    .zip(may)
                    .enumerate()
                    .map(|(i, (must, may))| graph.reachable[i].then_some(Entry { must, may }))
                    .collect(),
            );
        }
        Analysis {
            names,
            index,
            assigned,
            entry,
            first,
        }
    }
}

/// The variable analysis and the reads of every state, computed once per lint (see
/// [`crate::rules::LintContext::variables`]) and shared by the variable rules.
pub(crate) struct Variables<'a, 's> {
    pub analysis: Analysis<'a, 's>,
    /// `reads[scope][state]`: what [`reads`] returns for that state.
    pub reads: Vec<Vec<Vec<Read>>>,
}

impl<'a, 's> Variables<'a, 's> {
    pub fn build(source: &str, machine: &StateMachine<'a, 's>, graphs: &Graphs) -> Self {
        // Most JSONPath definitions read no variable: when no `$` of the definition's
        // text can start a name (and no escape could spell one), no state has reads to
        // find. Only its own text: a template holds many definitions.
        let text = source.get(machine.root.range.as_usize()).unwrap_or(source);
        let none = !may_start_name_anywhere(text)
            && memchr::memchr(b'\\', text.as_bytes()).is_none()
            && machine
                .all_states()
                .all(|s| s.query_language == QueryLanguage::JsonPath);
        Variables {
            analysis: Analysis::build(machine, graphs),
            reads: machine
                .scopes
                .iter()
                .map(|scope| {
                    scope
                        .states
                        .iter()
                        .map(|s| if none { Vec::new() } else { reads(source, s) })
                        .collect()
                })
                .collect(),
        }
    }
}

/// True when `scope` is the item processor of a Distributed Map.
pub(crate) fn is_distributed_processor(machine: &StateMachine<'_, '_>, scope: ScopeId) -> bool {
    let s = machine.scope(scope);
    matches!(s.kind, ScopeKind::Processor { .. })
        && s.node
            .get("ProcessorConfig")
            .and_then(|c| c.get("Mode"))
            .and_then(Node::as_str)
            == Some("DISTRIBUTED")
}

/// The scopes whose variables `scope` can see: itself and its ancestors up to the first
/// Distributed Map boundary.
pub(crate) fn visible_scopes(machine: &StateMachine<'_, '_>, scope: ScopeId) -> Vec<ScopeId> {
    let mut out = Vec::new();
    for s in machine.ancestors(scope) {
        out.push(s);
        if is_distributed_processor(machine, s) {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{may_name_variable, may_start_name_anywhere};

    #[test]
    fn the_prefilter_keeps_every_string_that_can_read_a_variable() {
        for text in [
            "$x",
            "$_x.a",
            "$var[0]",
            "States.Format('{}', $name)",
            "States.Array($.a, $b)",
            "$$x",
        ] {
            assert!(may_name_variable(text), "{text}");
        }
        for text in [
            "$",
            "$.a",
            "$[0]",
            "$$.Map.Item.Value",
            "States.Format('item {} of {}', $.id, $.total)",
            "plain",
        ] {
            assert!(!may_name_variable(text), "{text}");
        }
        // The same question about a whole source text, where a string's end is a quote.
        for text in [r#"{"a.$": "$x"}"#, "a: $_x", r#"["$é"]"#, "$1"] {
            assert!(may_start_name_anywhere(text), "{text}");
        }
        for text in [
            r#"{"OutputPath": "$", "p.$": "$.a", "c.$": "$$.Task.Token", "s": "${Name}"}"#,
            "a: $",
        ] {
            assert!(!may_start_name_anywhere(text), "{text}");
        }
    }

    /// The per-edge assignments are kept as lists of names and the entry sets are
    /// moved out of the fixed point: in a chain where state i assigns `v<i>`, state i
    /// sees exactly the earlier names, on every path.
    #[test]
    fn a_chain_of_distinct_names_sees_the_earlier_ones() {
        use crate::graph::Graphs;
        use crate::model::StateMachine;
        let n = 150;
        let states: Vec<String> = (0..n)
            .map(|i| {
                let next = match i + 1 < n {
                    true => format!(r#""Next": "S{}""#, i + 1),
                    false => r#""End": true"#.to_string(),
                };
                format!(r#""S{i}": {{"Type": "Pass", "Assign": {{"v{i}": {i}}}, {next}}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"StartAt": "S0", "States": {{{}}}}}"#,
            states.join(", ")
        );
        let doc = crate::syntax::json::parse(&text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let graphs = Graphs::build(&machine);
        let analysis = super::Analysis::build(&machine, &graphs);
        assert_eq!(analysis.names.len(), n);
        for i in 0..n {
            let entry = analysis.entry[0][i].as_ref().unwrap();
            for j in 0..n {
                let v = analysis.index_of(&format!("v{j}")).unwrap();
                assert_eq!(entry.may.contains(v), j < i, "S{i} v{j}");
                assert_eq!(entry.must.contains(v), j < i, "S{i} v{j}");
            }
        }
    }

    /// A catcher's and a Choice rule's `Assign` apply on their own edge only; the
    /// Choice state's own `Assign` applies on every edge out of it.
    #[test]
    fn catch_and_choice_assignments_follow_their_edges() {
        use crate::graph::Graphs;
        use crate::model::StateMachine;
        let text = r#"{"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Assign": {"ok": 1}, "Next": "C",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"err": 1}, "Next": "C"}]},
            "C": {"Type": "Choice", "Assign": {"both": 1}, "Default": "D",
                  "Choices": [{"Variable": "$.x", "IsPresent": true, "Assign": {"rule": 1}, "Next": "E"}]},
            "D": {"Type": "Succeed"},
            "E": {"Type": "Succeed"}}}"#;
        let doc = crate::syntax::json::parse(text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let graphs = Graphs::build(&machine);
        let analysis = super::Analysis::build(&machine, &graphs);
        let sets = |state: usize| {
            let entry = analysis.entry[0][state].as_ref().unwrap();
            let names = |f: &dyn Fn(usize) -> bool| {
                let mut v: Vec<&str> = (0..analysis.names.len())
                    .filter(|&i| f(i))
                    .map(|i| analysis.names[i])
                    .collect();
                v.sort();
                v
            };
            (
                names(&|i| entry.must.contains(i)),
                names(&|i| entry.may.contains(i)),
            )
        };
        assert_eq!(sets(1), (vec![], vec!["err", "ok"]));
        assert_eq!(sets(2), (vec!["both"], vec!["both", "err", "ok"]));
        assert_eq!(
            sets(3),
            (vec!["both", "rule"], vec!["both", "err", "ok", "rule"])
        );
    }

    #[test]
    fn a_machine_without_variables_reads_none() {
        // A read is still found where one `$` can start a name.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "OutputPath": "$", "Parameters": {"x.$": "$.a", "y.$": "$b"}, "End": true}}}"#;
        let d = crate::lint::lint_text(text, crate::syntax::SourceKind::Json, &Default::default());
        assert!(d.iter().any(|d| d.code == "ASL605"), "{d:?}");
        // And through an escape, which the text scan cannot see.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"y.$": "\u0024b"}, "End": true}}}"#;
        let d = crate::lint::lint_text(text, crate::syntax::SourceKind::Json, &Default::default());
        assert!(d.iter().any(|d| d.code == "ASL605"), "{d:?}");
    }

    /// A variable written as a `ResultPath` (state or catcher) is no read: ASL301 alone
    /// says a ResultPath cannot name one.
    #[test]
    fn a_result_path_naming_a_variable_is_no_read() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "ResultPath": "$states", "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$err", "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}}}"#;
        let d = crate::lint::lint_text(text, crate::syntax::SourceKind::Json, &Default::default());
        let codes: Vec<&str> = d
            .iter()
            .map(|d| d.code)
            .filter(|c| c.starts_with("ASL3") || c.starts_with("ASL6"))
            .collect();
        assert_eq!(codes, ["ASL301", "ASL301"], "{d:?}");
    }
}

#[cfg(test)]
mod binding_tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    /// `($n := $n + 1; $n)` reads the workflow variable `n` before binding its own.
    #[test]
    fn a_read_before_a_local_binding_is_a_workflow_variable() {
        let codes = |assign: &str| {
            let text = format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{
                "A": {{"Type": "Pass", "Assign": {assign}, "Next": "B"}},
                "B": {{"Type": "Pass", "Output": "{{% ($n := $n + 1; $n) %}}", "End": true}}}}}}"#
            );
            let options = LintOptions {
                select: vec!["ASL605".into(), "ASL607".into()],
                ..Default::default()
            };
            lint_text(&text, SourceKind::Json, &options)
                .into_iter()
                .map(|d| (d.code, d.message))
                .collect::<Vec<_>>()
        };
        // Assigned and read: neither unused nor undefined.
        assert_eq!(codes(r#"{"n": 5}"#), []);
        // Not assigned: the read is of an undefined variable.
        assert_eq!(
            codes(r#"{"m": 5}"#),
            [
                (
                    "ASL607",
                    "variable `$m` is assigned in \"A\" but never read".to_string()
                ),
                (
                    "ASL605",
                    "variable `$n` is read in \"B\" but no `Assign` sets it".to_string()
                )
            ]
        );
    }
}
