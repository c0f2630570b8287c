//! Drawings of a definition's state graph: Graphviz DOT, a Mermaid flowchart, or SVG
//! laid out here ([`super::svg`]). States are nodes; edges are labelled by kind (Next,
//! Default, Choice rule, Catch); Parallel branches and Map processors are drawn inside
//! their parent; unreachable states are dashed and marked; terminal states stand out.
//! No I/O: the CLI (`asl-lint graph`) and the language server both call this.

use crate::embed::{self, template};
use crate::graph::Graphs;
use crate::model::{ScopeId, ScopeKind, StateMachine, StateType, TransitionKind};
use crate::syntax::{self, Document, Node, Value};

/// An execution drawn over the graph (a simulator run): how each state it entered
/// ended, and the transitions it took. States are named, as names are unique in a
/// definition that runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOverlay {
    pub states: std::collections::HashMap<String, Visit>,
    /// (from, to) state names, and whether the transition was a catcher's.
    pub taken: std::collections::HashSet<(String, String, bool)>,
}

/// How a state ended in a run; for a state entered several times, the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visit {
    Succeeded,
    /// It failed and a catcher took the error.
    Caught,
    Failed,
}

impl RunOverlay {
    /// Records how a state ended (keeping the worst of several visits).
    pub fn visit(&mut self, state: &str, how: Visit) {
        let v = self.states.entry(state.to_string()).or_insert(how);
        *v = (*v).max(how);
    }

    fn status(&self, state: &str) -> Option<Visit> {
        self.states.get(state).copied()
    }

    /// Whether the run went along the edge (a Catch edge only when a catcher sent it).
    pub(super) fn took(&self, from: &str, to: &str, kind: EdgeKind) -> bool {
        let caught = kind == EdgeKind::Catch;
        self.taken
            .contains(&(from.to_string(), to.to_string(), caught))
    }

    /// [`RunOverlay::took`] for an edge of `machine`'s drawing.
    fn took_edge(&self, machine: &StateMachine<'_, '_>, e: &Edge) -> bool {
        let name = |(scope, index): (ScopeId, usize)| machine.scope(scope).states[index].name;
        self.took(name(e.from), name(e.to), e.kind)
    }
}

/// What to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Dot,
    Mermaid,
    Svg,
}

/// The names of the state machines of a template that can be drawn (their logical
/// ids); empty when the document is a definition itself.
pub fn definitions(document: &Document<'_>) -> Vec<String> {
    let Some(defs) = document.root.as_ref().and_then(template::find) else {
        return Vec::new();
    };
    defs.iter()
        .filter(|d| matches!(d.body, template::Body::Inline(_) | template::Body::Text(_)))
        .map(|d| d.name.clone())
        .collect()
}

/// Draws the definition in `document` (or the chosen one of a template).
pub fn draw_document(
    text: &str,
    document: &Document<'_>,
    wanted: Option<&str>,
    format: Format,
) -> Result<String, String> {
    let root = document
        .root
        .as_ref()
        .ok_or("no definition could be read")?;
    let Some(defs) = template::find(root) else {
        if wanted.is_some() {
            return Err("--definition applies to templates only".into());
        }
        // Nothing to draw in a file the reader could not read: say where it failed.
        return draw_root(root, format).map_err(|e| match document.errors.first() {
            Some(first) => {
                let at = syntax::LineIndex::new(text).line_col(text, first.range.start);
                format!(
                    "{e}: the file has errors, the first at {}:{}: {}",
                    at.line, at.column, first.message
                )
            }
            None => e,
        });
    };
    let drawable: Vec<&template::Definition<'_, '_>> = defs
        .iter()
        .filter(|d| matches!(d.body, template::Body::Inline(_) | template::Body::Text(_)))
        .collect();
    let names = || {
        drawable
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let def = match wanted {
        Some(w) => drawable
            .iter()
            .find(|d| d.name == w)
            .ok_or_else(|| format!("no state machine `{w}` here (found: {})", names()))?,
        None if drawable.len() > 1 => {
            return Err(format!(
                "{} state machines here; choose one with --definition ({})",
                drawable.len(),
                names()
            ));
        }
        None => drawable
            .first()
            .ok_or("no state machine definition in this template")?,
    };
    match &def.body {
        template::Body::Inline(node) => draw_root(node, format),
        template::Body::Text(node) => {
            let embedded = template::flatten(text, node, &def.substitutions)?;
            let inner = syntax::parse(&embedded.text, syntax::detect_kind(None, &embedded.text));
            let mut root = inner
                .root
                .clone()
                .ok_or("the definition string could not be read")?;
            embed::resolve_tree(
                &mut root,
                &Default::default(),
                embed::PlaceholderMode::Unknown,
            );
            draw_root(&root, format)
        }
        _ => unreachable!("filtered above"),
    }
}

fn draw_root(root: &Node<'_>, format: Format) -> Result<String, String> {
    draw_run(root, format, None)
}

/// Draws the definition `root` with a run over it (or none).
pub fn draw_run(
    root: &Node<'_>,
    format: Format,
    run: Option<&RunOverlay>,
) -> Result<String, String> {
    let machine = StateMachine::build(root)
        .ok_or("the definition is not an object (a mapping) with StartAt and States")?;
    if machine.root_scope().states.is_empty() {
        return Err("the definition has no states".into());
    }
    let graphs = Graphs::build(&machine);
    Ok(match format {
        Format::Mermaid => mermaid_run(&machine, &graphs, run),
        Format::Dot => dot_run(&machine, &graphs, run),
        Format::Svg => super::svg::svg_run(&machine, &graphs, run),
    })
}

/// Fill colours of visited states (DOT and Mermaid; the SVG has them in its style).
fn visit_fill(v: Visit) -> &'static str {
    match v {
        Visit::Succeeded => "#dff3e4",
        Visit::Caught => "#fdf0d5",
        Visit::Failed => "#fbdcd9",
    }
}

/// The colour of a transition a run took.
const TAKEN: &str = "#2e8b57";

fn node_id(scope: ScopeId, index: usize) -> String {
    format!("s{scope}_{index}")
}

pub(super) fn scope_title(machine: &StateMachine<'_, '_>, scope: ScopeId) -> String {
    let s = machine.scope(scope);
    match s.kind {
        ScopeKind::Root => String::new(),
        ScopeKind::Branch { parent, index } => {
            format!("{}: branch {}", machine.state(parent).name, index + 1)
        }
        ScopeKind::Processor { parent, .. } => {
            format!("{}: item processor", machine.state(parent).name)
        }
    }
}

/// One edge between two states, each given by its scope and its index there.
pub(super) struct Edge {
    pub from: (ScopeId, usize),
    pub to: (ScopeId, usize),
    /// The whole label (DOT and Mermaid lay out any length).
    pub label: String,
    /// The label cut to [`LABEL_CHARS`] for the SVG layout, which places labels in a
    /// fixed room (a Choice condition loses the head of its path first).
    pub short: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EdgeKind {
    Next,
    Default,
    Choice,
    Catch,
    /// From a Parallel or Map state to the start of its branch or processor.
    Nested,
}

/// Every edge, in scope and state order.
/// Edge labels longer than this are cut, with an ellipsis.
const LABEL_CHARS: usize = 36;

fn short(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        return s.to_string();
    }
    let cut: String = s.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A Choice rule's condition in a few words: `$.age >= 18`, `$.email is present`,
/// `not $.banned == true`, `all of 2`, or the text of a JSONata `Condition`.
fn condition(rule: &Node<'_>, room: usize) -> Option<String> {
    if let Some(c) = rule.get("Condition").and_then(Node::as_str) {
        let inner = c
            .trim()
            .trim_start_matches("{%")
            .trim_end_matches("%}")
            .trim();
        return Some(inner.to_string());
    }
    for (key, word, join) in [("And", "all", " and "), ("Or", "any", " or ")] {
        if let Some(items) = rule.get(key).and_then(Node::as_array) {
            // Without a limit (DOT, Mermaid) the conditions themselves; in the SVG's
            // room, how many.
            if room == usize::MAX {
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|i| condition(i, room).map(|c| format!("({c})")))
                    .collect();
                if let Some(parts) = parts.filter(|p| !p.is_empty()) {
                    return Some(parts.join(join));
                }
            }
            return Some(format!("{word} of {}", items.len()));
        }
    }
    if let Some(inner) = rule.get("Not") {
        return condition(inner, room).map(|c| format!("not {c}"));
    }
    let variable = rule.get("Variable").and_then(Node::as_str)?;
    let (op, value) = rule.as_object()?.iter().find_map(|m| {
        let base = m.key.strip_suffix("Path").unwrap_or(&m.key);
        let op = match base {
            "IsPresent" | "IsNull" | "IsString" | "IsNumeric" | "IsBoolean" | "IsTimestamp" => {
                let what = match base {
                    "IsPresent" => "present",
                    "IsNull" => "null",
                    "IsString" => "a string",
                    "IsNumeric" => "a number",
                    "IsBoolean" => "a boolean",
                    _ => "a timestamp",
                };
                let not = if m.value.value == Value::Bool(false) {
                    "not "
                } else {
                    ""
                };
                return Some((format!("is {not}{what}"), None));
            }
            "StringMatches" => "matches",
            b if b.ends_with("GreaterThanEquals") => ">=",
            b if b.ends_with("LessThanEquals") => "<=",
            b if b.ends_with("GreaterThan") => ">",
            b if b.ends_with("LessThan") => "<",
            b if b.ends_with("Equals") => "==",
            _ => return None,
        };
        let value = match &m.value.value {
            Value::String(s) if m.key.ends_with("Path") => s.to_string(),
            _ => m.value.to_json().to_string(),
        };
        Some((op.to_string(), Some(value)))
    })?;
    let rest = match value {
        Some(v) => format!("{op} {v}"),
        None => op,
    };
    // A long path loses its head first: the field and the test are what tell edges
    // apart (`…Status == "SUCCEEDED"`).
    let room = room.saturating_sub(rest.chars().count() + 1);
    let variable = if variable.chars().count() > room {
        let tail = variable
            .rfind(['.', '['])
            .map_or(variable, |i| &variable[i..]);
        format!("…{}", tail.trim_start_matches('.'))
    } else {
        variable.to_string()
    };
    Some(format!("{variable} {rest}"))
}

pub(super) fn edges(machine: &StateMachine<'_, '_>) -> Vec<Edge> {
    transitions(machine).0
}

/// A transition to a name that is no state of its scope (ASL201-ASL204, ASL207): drawn
/// by DOT and Mermaid as an edge to a red placeholder.
pub(super) struct Dangling {
    pub from: (ScopeId, usize),
    pub target: String,
    pub label: String,
    pub kind: EdgeKind,
    /// The target is a state of another scope (ASL207), not no state at all.
    pub elsewhere: bool,
}

impl Dangling {
    /// What the placeholder says: "no state" or "in another scope".
    fn what(&self) -> &'static str {
        if self.elsewhere {
            "in another scope"
        } else {
            "no state"
        }
    }
}

/// Every edge, in scope and state order, and the transitions that lead nowhere.
fn transitions(machine: &StateMachine<'_, '_>) -> (Vec<Edge>, Vec<Dangling>) {
    let mut out = Vec::new();
    let mut dangling = Vec::new();
    for scope in &machine.scopes {
        for (i, state) in scope.states.iter().enumerate() {
            for t in state.transitions() {
                let j = scope.state_index(t.target);
                let (kind, label, cut) = match t.kind {
                    TransitionKind::Next => (EdgeKind::Next, String::new(), String::new()),
                    TransitionKind::Default => (
                        EdgeKind::Default,
                        "Default".to_string(),
                        "Default".to_string(),
                    ),
                    TransitionKind::Choice(k) => {
                        let rule = state.choices[k].node;
                        let numbered = || format!("rule {}", k + 1);
                        (
                            EdgeKind::Choice,
                            condition(rule, usize::MAX).unwrap_or_else(numbered),
                            condition(rule, LABEL_CHARS).map_or_else(numbered, |c| short(&c)),
                        )
                    }
                    TransitionKind::Catch(k) => {
                        let errors = state.catchers[k]
                            .error_equals
                            .and_then(|m| m.value.as_array())
                            .map(|a| {
                                a.iter()
                                    .filter_map(Node::as_str)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_default();
                        let label = format!("Catch {errors}").trim().to_string();
                        let cut = short(&label);
                        (EdgeKind::Catch, label, cut)
                    }
                };
                let Some(j) = j else {
                    dangling.push(Dangling {
                        from: (scope.id, i),
                        target: t.target.to_string(),
                        label,
                        kind,
                        elsewhere: !machine.states_named(t.target).is_empty(),
                    });
                    continue;
                };
                out.push(Edge {
                    from: (scope.id, i),
                    to: (scope.id, j),
                    label,
                    short: cut,
                    kind,
                });
            }
            for &child in &state.children {
                let c = machine.scope(child);
                if let Some(start) = c.start_at_name().and_then(|n| c.state_index(n)) {
                    let label = match c.kind {
                        ScopeKind::Branch { index, .. } => format!("branch {}", index + 1),
                        _ => "items".to_string(),
                    };
                    out.push(Edge {
                        from: (scope.id, i),
                        to: (child, start),
                        short: label.clone(),
                        label,
                        kind: EdgeKind::Nested,
                    });
                }
            }
        }
    }
    (out, dangling)
}

/// Text inside a DOT label's quotes. Graphviz decodes HTML entities in labels
/// (`&amp;`, `&lt;`, `&#38;`, `&copy;`): every `&` is written `&amp;` so that a name
/// holding `&amp;` shows as written. A backslash starts an escape (`\n`, `\N`).
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            // Graphviz takes no control character (a NUL ends the file for it).
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A state's name, its type as written, and whether it ends its scope.
pub(super) fn state_label<'a>(
    machine: &'a StateMachine<'_, '_>,
    scope: ScopeId,
    index: usize,
) -> (&'a str, &'a str, bool) {
    let state = &machine.scope(scope).states[index];
    let ty = state
        .kind
        .map(StateType::as_str)
        .or_else(|| state.type_member().and_then(|m| m.value.as_str()))
        .unwrap_or("?");
    (state.name, ty, state.is_terminal())
}

/// Graphviz DOT.
pub fn dot(machine: &StateMachine<'_, '_>, graphs: &Graphs) -> String {
    dot_run(machine, graphs, None)
}

fn dot_run(machine: &StateMachine<'_, '_>, graphs: &Graphs, run: Option<&RunOverlay>) -> String {
    let mut out = String::from(
        "digraph asl {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    // Emit scopes depth-first so that child clusters sit inside their parent's cluster.
    fn emit(
        machine: &StateMachine<'_, '_>,
        graphs: &Graphs,
        run: Option<&RunOverlay>,
        scope: ScopeId,
        depth: usize,
        out: &mut String,
    ) {
        let pad = "  ".repeat(depth + 1);
        let s = machine.scope(scope);
        let g = graphs.scope(scope);
        for (i, state) in s.states.iter().enumerate() {
            let (name, ty, terminal) = state_label(machine, scope, i);
            let mut attrs = vec![format!(
                "label=\"{}\\n{}\"",
                dot_escape(name),
                dot_escape(ty)
            )];
            if terminal {
                attrs.push("peripheries=2".into());
            }
            if !g.reachable.get(i).copied().unwrap_or(true) && g.start.is_some() {
                attrs.push("style=\"rounded,dashed\"".into());
                attrs.push("color=red".into());
                attrs.push("xlabel=\"unreachable\"".into());
            }
            if s.start_at_name() == Some(state.name) {
                attrs.push("penwidth=2".into());
            }
            if let Some(v) = run.and_then(|r| r.status(state.name)) {
                attrs.push("style=\"rounded,filled\"".into());
                attrs.push(format!("fillcolor=\"{}\"", visit_fill(v)));
            }
            out.push_str(&format!(
                "{pad}{} [{}];\n",
                node_id(scope, i),
                attrs.join(", ")
            ));
            for &child in &state.children {
                out.push_str(&format!(
                    "{pad}subgraph cluster_{child} {{\n{pad}  label=\"{}\";\n{pad}  style=rounded;\n",
                    dot_escape(&scope_title(machine, child))
                ));
                emit(machine, graphs, run, child, depth + 1, out);
                out.push_str(&format!("{pad}}}\n"));
            }
        }
    }
    emit(machine, graphs, run, 0, 0, &mut out);
    if let Some(start) = graphs.scope(0).start {
        out.push_str("  __start [shape=point, width=0.15, label=\"\"];\n");
        out.push_str(&format!("  __start -> {};\n", node_id(0, start.index())));
    }
    let (edges, missing) = transitions(machine);
    for e in edges {
        let mut attrs = Vec::new();
        if !e.label.is_empty() {
            attrs.push(format!("label=\"{}\"", dot_escape(&e.label)));
        }
        match e.kind {
            EdgeKind::Next | EdgeKind::Choice => {}
            EdgeKind::Default => attrs.push("style=dashed".into()),
            EdgeKind::Catch => {
                attrs.push("style=dotted".into());
                attrs.push("color=red".into());
            }
            EdgeKind::Nested => {
                attrs.push("style=dashed".into());
                attrs.push("arrowhead=empty".into());
            }
        }
        if run.is_some_and(|r| r.took_edge(machine, &e)) {
            attrs.retain(|a| !a.starts_with("color="));
            attrs.push(format!("color=\"{TAKEN}\""));
            attrs.push("penwidth=2.5".into());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!(
            "  {} -> {}{attrs};\n",
            node_id(e.from.0, e.from.1),
            node_id(e.to.0, e.to.1)
        ));
    }
    // What `check` reports as a transition to no state, drawn as one.
    for (k, d) in missing.iter().enumerate() {
        out.push_str(&format!(
            "  missing_{k} [label=\"{}\\n{}\", style=dashed, color=red, fontcolor=red];\n",
            d.what(),
            dot_escape(&d.target)
        ));
        // A catcher's edge is dotted whatever its target, as the others are.
        let dotted = if d.kind == EdgeKind::Catch {
            ", style=dotted"
        } else {
            ""
        };
        let label = if d.label.is_empty() {
            format!(" [color=red{dotted}]")
        } else {
            format!(" [label=\"{}\", color=red{dotted}]", dot_escape(&d.label))
        };
        out.push_str(&format!(
            "  {} -> missing_{k}{label};\n",
            node_id(d.from.0, d.from.1)
        ));
    }
    out.push_str("}\n");
    out
}

/// Text inside a Mermaid label's quotes: every character Mermaid would read as markup
/// written as an entity code (`#35;` for `#` itself, so that `#lt;` in a state name
/// stays text; `` ` `` starts a Markdown string, `%%` a comment or a directive, `&` an
/// HTML entity).
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' | '"' | '<' | '>' | '&' | '`' | '%' => out.push_str(&format!("#{};", c as u32)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid flowchart.
pub fn mermaid(machine: &StateMachine<'_, '_>, graphs: &Graphs) -> String {
    mermaid_run(machine, graphs, None)
}

fn mermaid_run(
    machine: &StateMachine<'_, '_>,
    graphs: &Graphs,
    run: Option<&RunOverlay>,
) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut unreachable = Vec::new();
    let mut terminal = Vec::new();
    fn emit(
        machine: &StateMachine<'_, '_>,
        graphs: &Graphs,
        scope: ScopeId,
        depth: usize,
        out: &mut String,
        unreachable: &mut Vec<String>,
        terminal: &mut Vec<String>,
    ) {
        let pad = "  ".repeat(depth + 1);
        let s = machine.scope(scope);
        let g = graphs.scope(scope);
        for (i, state) in s.states.iter().enumerate() {
            let (name, ty, is_terminal) = state_label(machine, scope, i);
            let id = node_id(scope, i);
            out.push_str(&format!(
                "{pad}{id}[\"{}<br/><i>{}</i>\"]\n",
                mermaid_escape(name),
                mermaid_escape(ty)
            ));
            if !g.reachable.get(i).copied().unwrap_or(true) && g.start.is_some() {
                unreachable.push(id.clone());
            }
            if is_terminal {
                terminal.push(id);
            }
            for &child in &state.children {
                out.push_str(&format!(
                    "{pad}subgraph c{child} [\"{}\"]\n",
                    mermaid_escape(&scope_title(machine, child))
                ));
                emit(
                    machine,
                    graphs,
                    child,
                    depth + 1,
                    out,
                    unreachable,
                    terminal,
                );
                out.push_str(&format!("{pad}end\n"));
            }
        }
    }
    emit(
        machine,
        graphs,
        0,
        0,
        &mut out,
        &mut unreachable,
        &mut terminal,
    );
    // Mermaid styles a link by its number, in the order the links are written.
    let mut links = 0usize;
    let mut taken = Vec::new();
    // Catch edges, and edges to no state, are red, as in the DOT drawing.
    let mut red = Vec::new();
    if let Some(start) = graphs.scope(0).start {
        out.push_str("  start((start))\n");
        out.push_str(&format!("  start --> {}\n", node_id(0, start.index())));
        links += 1;
    }
    let (edges, missing) = transitions(machine);
    for e in edges {
        if run.is_some_and(|r| r.took_edge(machine, &e)) {
            taken.push(links.to_string());
        }
        if e.kind == EdgeKind::Catch {
            red.push(links.to_string());
        }
        links += 1;
        let label = mermaid_escape(&e.label);
        let arrow = match (e.kind, label.is_empty()) {
            (EdgeKind::Next, true) => " --> ".to_string(),
            (EdgeKind::Next | EdgeKind::Choice, _) => format!(" -- \"{label}\" --> "),
            (EdgeKind::Default | EdgeKind::Catch | EdgeKind::Nested, true) => " -.-> ".into(),
            (EdgeKind::Default | EdgeKind::Catch | EdgeKind::Nested, false) => {
                format!(" -. \"{label}\" .-> ")
            }
        };
        out.push_str(&format!(
            "  {}{arrow}{}\n",
            node_id(e.from.0, e.from.1),
            node_id(e.to.0, e.to.1)
        ));
    }
    // What `check` reports as a transition to no state, drawn as one (in red, as the
    // DOT drawing has it).
    for (k, d) in missing.iter().enumerate() {
        red.push(links.to_string());
        links += 1;
        let label = mermaid_escape(&d.label);
        let arrow = if label.is_empty() {
            " -.-> ".to_string()
        } else {
            format!(" -. \"{label}\" .-> ")
        };
        out.push_str(&format!(
            "  missing_{k}[\"{}: {}\"]\n  {}{arrow}missing_{k}\n",
            d.what(),
            mermaid_escape(&d.target),
            node_id(d.from.0, d.from.1)
        ));
    }
    if !red.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#c00,color:#c00\n",
            red.join(",")
        ));
    }
    out.push_str("  classDef unreachable stroke:#c00,stroke-dasharray:5 5\n");
    if !missing.is_empty() {
        out.push_str("  classDef missing stroke:#c00,color:#c00,stroke-dasharray:5 5\n");
        let ids: Vec<String> = (0..missing.len()).map(|k| format!("missing_{k}")).collect();
        out.push_str(&format!("  class {} missing\n", ids.join(",")));
    }
    out.push_str("  classDef terminal stroke-width:3px\n");
    if !terminal.is_empty() {
        out.push_str(&format!("  class {} terminal\n", terminal.join(",")));
    }
    if !unreachable.is_empty() {
        out.push_str(&format!("  class {} unreachable\n", unreachable.join(",")));
    }
    if let Some(run) = run {
        for (v, class) in [
            (Visit::Succeeded, "ran"),
            (Visit::Caught, "caught"),
            (Visit::Failed, "failed"),
        ] {
            let ids: Vec<String> = machine
                .scopes
                .iter()
                .flat_map(|s| {
                    s.states
                        .iter()
                        .enumerate()
                        .map(move |(i, st)| (s.id, i, st))
                })
                .filter(|(_, _, st)| run.status(st.name) == Some(v))
                .map(|(scope, i, _)| node_id(scope, i))
                .collect();
            if !ids.is_empty() {
                out.push_str(&format!("  classDef {class} fill:{}\n", visit_fill(v)));
                out.push_str(&format!("  class {} {class}\n", ids.join(",")));
            }
        }
        if !taken.is_empty() {
            out.push_str(&format!(
                "  linkStyle {} stroke:{TAKEN},stroke-width:3px\n",
                taken.join(",")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::json;

    fn drawn(text: &str, how: fn(&StateMachine<'_, '_>, &Graphs) -> String) -> String {
        let doc = json::parse(text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let graphs = Graphs::build(&machine);
        how(&machine, &graphs)
    }

    /// A transition to a state of another scope is not drawn as one to no state; a
    /// catcher's edge to no state is red in Mermaid and dotted in DOT, as other catch
    /// edges are.
    #[test]
    fn edges_to_no_state_and_to_another_scope() {
        let text = r#"{"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "Done", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gone"}],
                  "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "Done"}}}]},
            "Done": {"Type": "Succeed"}}}"#;
        let m = drawn(text, mermaid);
        assert!(
            m.contains(
                "  missing_0[\"no state: Gone\"]\n  s0_0 -. \"Catch States.ALL\" .-> missing_0\n"
            ),
            "{m}"
        );
        assert!(
            m.contains("  missing_1[\"in another scope: Done\"]\n  s1_0 -.-> missing_1\n"),
            "{m}"
        );
        // Links: start, P -> Done, P -> branch, then the two to no state.
        assert!(
            m.contains("  linkStyle 3,4 stroke:#c00,color:#c00\n"),
            "{m}"
        );
        let d = drawn(text, dot);
        assert!(
            d.contains(
                "  s0_0 -> missing_0 [label=\"Catch States.ALL\", color=red, style=dotted];\n"
            ),
            "{d}"
        );
        assert!(
            d.contains("  missing_1 [label=\"in another scope\\nDone\", style=dashed, color=red, fontcolor=red];\n"),
            "{d}"
        );
    }

    /// Names Mermaid would read as markup stay text; DOT gets no control character.
    #[test]
    fn names_are_text_in_mermaid_and_dot() {
        let text = r#"{"StartAt": "`tick", "States": {"`tick": {"Type": "Pass", "Next": "Price #lt; 10 %%{init} & co"}, "Price #lt; 10 %%{init} & co": {"Type": "Pass", "Next": "nul\u0000x"}, "nul\u0000x": {"Type": "Succeed"}}}"#;
        let m = drawn(text, mermaid);
        assert!(m.contains("#96;tick"), "{m}");
        assert!(m.contains("Price #35;lt; 10 #37;#37;{init} #38; co"), "{m}");
        assert!(
            !m.contains('`') && !m.contains("%%") && !m.contains('\0'),
            "{m}"
        );
        let d = drawn(text, dot);
        assert!(!d.contains('\0'), "{d}");
    }

    /// Graphviz decodes HTML entities in labels: a `&` is written `&amp;`, so that
    /// `&amp;` and `&#38;` in a name or a Choice value show as written.
    #[test]
    fn ampersands_are_text_in_dot() {
        let text = r#"{"StartAt": "R&D", "States": {"R&D": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEquals": "<b>&amp;&#38;", "Next": "E"}], "Default": "E"}, "E": {"Type": "Succeed"}}}"#;
        let d = drawn(text, dot);
        assert!(d.contains("label=\"R&amp;D\\nChoice\""), "{d}");
        assert!(
            d.contains("label=\"$.s == \\\"<b>&amp;amp;&amp;#38;\\\"\""),
            "{d}"
        );
        assert_eq!(d.matches('&').count(), d.matches("&amp;").count(), "{d}");
    }

    /// DOT and Mermaid show whole labels (an `And` as its conditions); only the SVG
    /// layout cuts them.
    #[test]
    fn labels_are_whole_outside_the_svg() {
        let and = r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Not": {"Variable": "$.b", "IsPresent": true}}], "Next": "E"}], "Default": "E"}, "E": {"Type": "Succeed"}}}"#;
        assert!(drawn(and, dot).contains("($.a > 1) and (not $.b is present)"));
        let doc = json::parse(and);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        assert_eq!(edges(&machine)[0].short, "all of 2");
        let text = r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.order.payment.authorization.status", "StringEquals": "FAILED", "Next": "T"}], "Default": "T"}, "T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException", "States.Timeout"], "Next": "E"}], "End": true}, "E": {"Type": "Fail"}}}"#;
        for out in [drawn(text, dot), drawn(text, mermaid)] {
            assert!(
                out.contains("$.order.payment.authorization.status == #34;FAILED#34;")
                    || out.contains(r#"$.order.payment.authorization.status == \"FAILED\""#),
                "{out}"
            );
            assert!(
                out.contains("Catch DynamoDB.ConditionalCheckFailedException, States.Timeout"),
                "{out}"
            );
        }
        let doc = json::parse(text);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let cut: Vec<String> = edges(&machine).into_iter().map(|e| e.short).collect();
        assert!(
            cut.iter().all(|l| l.chars().count() <= LABEL_CHARS),
            "{cut:?}"
        );
        assert!(
            cut.contains(&"…status == \"FAILED\"".to_string()),
            "{cut:?}"
        );
    }
}
