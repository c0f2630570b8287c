//! `asl-lint graph FILE --format dot|mermaid|svg`: the state graph for docs and
//! reviews. States are nodes; edges are labelled by kind (Next, Default, Choice rule,
//! Catch); Parallel branches and Map processors are clusters (subgraphs) inside their
//! parent's; unreachable states are dashed and marked; terminal states are doubled.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use clap::ValueEnum;

use super::EXIT_USAGE;
use crate::embed::{self, template};
use crate::graph::Graphs;
use crate::model::{ScopeId, ScopeKind, StateMachine, StateType, TransitionKind};
use crate::syntax::{self, Document, Node};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// SVG drawn by Graphviz `dot` (must be installed).
    Svg,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// A definition, or a template holding definitions.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// In a template with several state machines, the one to draw (its logical id, or
    /// `stateMachines.NAME` for the Serverless Framework).
    #[arg(long)]
    pub definition: Option<String>,
}

pub fn run(args: &GraphArgs) -> ExitCode {
    match render(args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn render(args: &GraphArgs) -> Result<Vec<u8>, String> {
    let shown = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let decoded = syntax::decode(&bytes);
    if decoded.binary {
        return Err(format!("{shown}: a binary file, not a definition"));
    }
    let text = decoded.text;
    let kind = syntax::detect_kind(Some(&shown), &text);
    let document = syntax::parse(&text, kind);
    let drawn = draw_document(&text, &document, args.definition.as_deref(), args.format)
        .map_err(|e| format!("{shown}: {e}"))?;
    match args.format {
        GraphFormat::Dot | GraphFormat::Mermaid => Ok(drawn.into_bytes()),
        GraphFormat::Svg => run_dot(&drawn),
    }
}

/// Draws the definition in `document` (or the chosen one of a template).
pub fn draw_document(
    text: &str,
    document: &Document<'_>,
    wanted: Option<&str>,
    format: GraphFormat,
) -> Result<String, String> {
    let root = document
        .root
        .as_ref()
        .ok_or("no definition could be read")?;
    let Some(defs) = template::find(root) else {
        if wanted.is_some() {
            return Err("--definition applies to templates only".into());
        }
        return draw_root(root, format);
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

fn draw_root(root: &Node<'_>, format: GraphFormat) -> Result<String, String> {
    let machine = StateMachine::build(root).ok_or("the definition is not a JSON object")?;
    if machine.root_scope().states.is_empty() {
        return Err("the definition has no states".into());
    }
    let graphs = Graphs::build(&machine);
    Ok(match format {
        GraphFormat::Mermaid => mermaid(&machine, &graphs),
        GraphFormat::Dot | GraphFormat::Svg => dot(&machine, &graphs),
    })
}

fn node_id(scope: ScopeId, index: usize) -> String {
    format!("s{scope}_{index}")
}

fn scope_title(machine: &StateMachine<'_, '_>, scope: ScopeId) -> String {
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

struct Edge {
    from: String,
    to: String,
    label: String,
    kind: EdgeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    Next,
    Default,
    Choice,
    Catch,
    /// From a Parallel or Map state to the start of its branch or processor.
    Nested,
}

/// Every edge, in scope and state order.
fn edges(machine: &StateMachine<'_, '_>) -> Vec<Edge> {
    let mut out = Vec::new();
    for scope in &machine.scopes {
        for (i, state) in scope.states.iter().enumerate() {
            for t in state.transitions() {
                let Some(j) = scope.state_index(t.target) else {
                    continue;
                };
                let (kind, label) = match t.kind {
                    TransitionKind::Next => (EdgeKind::Next, String::new()),
                    TransitionKind::Default => (EdgeKind::Default, "Default".to_string()),
                    TransitionKind::Choice(k) => (EdgeKind::Choice, format!("rule {}", k + 1)),
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
                        (
                            EdgeKind::Catch,
                            format!("Catch {errors}").trim().to_string(),
                        )
                    }
                };
                out.push(Edge {
                    from: node_id(scope.id, i),
                    to: node_id(scope.id, j),
                    label,
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
                        from: node_id(scope.id, i),
                        to: node_id(child, start),
                        label,
                        kind: EdgeKind::Nested,
                    });
                }
            }
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A state's name, its type as written, and whether it ends its scope.
fn state_label<'a>(
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
    let mut out = String::from(
        "digraph asl {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    // Emit scopes depth-first so that child clusters sit inside their parent's cluster.
    fn emit(
        machine: &StateMachine<'_, '_>,
        graphs: &Graphs,
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
                emit(machine, graphs, child, depth + 1, out);
                out.push_str(&format!("{pad}}}\n"));
            }
        }
    }
    emit(machine, graphs, 0, 0, &mut out);
    if let Some(start) = graphs.scope(0).start {
        out.push_str("  __start [shape=point, width=0.15, label=\"\"];\n");
        out.push_str(&format!("  __start -> {};\n", node_id(0, start.index())));
    }
    for e in edges(machine) {
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
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!("  {} -> {}{attrs};\n", e.from, e.to));
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// A Mermaid flowchart.
pub fn mermaid(machine: &StateMachine<'_, '_>, graphs: &Graphs) -> String {
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
    if let Some(start) = graphs.scope(0).start {
        out.push_str("  start((start))\n");
        out.push_str(&format!("  start --> {}\n", node_id(0, start.index())));
    }
    for e in edges(machine) {
        let label = mermaid_escape(&e.label);
        let arrow = match (e.kind, label.is_empty()) {
            (EdgeKind::Next, true) => " --> ".to_string(),
            (EdgeKind::Next | EdgeKind::Choice, _) => format!(" -- \"{label}\" --> "),
            (EdgeKind::Default | EdgeKind::Catch | EdgeKind::Nested, true) => " -.-> ".into(),
            (EdgeKind::Default | EdgeKind::Catch | EdgeKind::Nested, false) => {
                format!(" -. \"{label}\" .-> ")
            }
        };
        out.push_str(&format!("  {}{arrow}{}\n", e.from, e.to));
    }
    out.push_str("  classDef unreachable stroke:#c00,stroke-dasharray:5 5\n");
    out.push_str("  classDef terminal stroke-width:3px\n");
    if !terminal.is_empty() {
        out.push_str(&format!("  class {} terminal\n", terminal.join(",")));
    }
    if !unreachable.is_empty() {
        out.push_str(&format!("  class {} unreachable\n", unreachable.join(",")));
    }
    out
}

/// Renders DOT to SVG with Graphviz.
fn run_dot(source: &str) -> Result<Vec<u8>, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "--format svg needs Graphviz `dot`, which is not installed (or not on PATH); use --format dot or mermaid".to_string()
            }
            _ => format!("cannot run Graphviz `dot`: {e}"),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .map_err(|e| format!("cannot write to Graphviz `dot`: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz `dot` failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "Graphviz `dot` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
