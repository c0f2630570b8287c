//! The outline (document symbols, nested for Parallel branches and Map processors) and
//! folding ranges.

use crate::model::{ScopeId, ScopeKind, StateMachine, StateType};
use crate::syntax::{self, LineIndex, SourceKind, TextRange, Value};

use super::with_machine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A state, with its type when known.
    State(Option<StateType>),
    /// A Parallel branch.
    Branch,
    /// A Map item processor.
    Processor,
    /// A state machine definition in a template.
    Definition,
    /// The local file a state machine definition is read from, where it is named.
    File,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole definition.
    pub range: TextRange,
    /// The part to select (the state's key).
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The states of the top level, each with its nested scopes and their states. In a
/// template: one symbol per state machine definition (named by its resource), holding
/// its states; one whose definition is a local file (`DefinitionUri`) names the file in
/// its detail and holds nothing (its states are in that file).
pub fn document_symbols(text: &str, kind: SourceKind) -> Vec<Symbol> {
    if super::may_be_template(text)
        && let Some(symbols) = template_symbols(text, kind)
    {
        return symbols;
    }
    with_machine(text, kind, |_, machine| Some(scope_symbols(machine, 0, 0))).unwrap_or_default()
}

fn template_symbols(text: &str, kind: SourceKind) -> Option<Vec<Symbol>> {
    use crate::embed::template::{self, Body};
    let doc = syntax::parse(text, kind);
    let definitions = template::find(doc.root.as_ref()?)?;
    let mut out = Vec::new();
    for d in &definitions {
        let mut detail = d.property.key.to_string();
        let children = match d.body {
            Body::Inline(node) => StateMachine::build(node)
                .map(|m| scope_symbols(&m, 0, 0))
                .unwrap_or_default(),
            Body::Text(node) => match template::flatten(text, node, &d.substitutions) {
                Ok(inner) => {
                    let inner_kind = syntax::detect_kind(None, &inner.text);
                    let map = |r: TextRange| inner.map.range(r);
                    document_symbols(&inner.text, inner_kind)
                        .into_iter()
                        .map(|s| map_symbol(s, &map))
                        .collect()
                }
                Err(_) => Vec::new(),
            },
            Body::File { ref uri, .. } => {
                detail = format!("{detail}: {uri}");
                Vec::new()
            }
            _ => continue,
        };
        out.push(Symbol {
            name: d.name.clone(),
            detail: Some(detail),
            kind: SymbolKind::Definition,
            range: d.property.range(),
            selection: d.property.key_range,
            children,
        });
    }
    Some(out)
}

fn map_symbol(s: Symbol, map: &impl Fn(TextRange) -> TextRange) -> Symbol {
    Symbol {
        range: map(s.range),
        selection: map(s.selection),
        children: s.children.into_iter().map(|c| map_symbol(c, map)).collect(),
        ..s
    }
}

/// Nested scopes are at most as deep as the tree, which the reader bounds.
pub(super) fn scope_symbols(
    machine: &StateMachine<'_, '_>,
    scope: ScopeId,
    depth: usize,
) -> Vec<Symbol> {
    if depth > syntax::MAX_DEPTH {
        return Vec::new();
    }
    machine
        .scope(scope)
        .states
        .iter()
        .map(|state| {
            let children = state
                .children
                .iter()
                .map(|&child| {
                    let s = machine.scope(child);
                    let (name, kind) = match s.kind {
                        ScopeKind::Branch { index, .. } => {
                            (format!("Branch {}", index + 1), SymbolKind::Branch)
                        }
                        _ => ("ItemProcessor".to_string(), SymbolKind::Processor),
                    };
                    Symbol {
                        name,
                        detail: s.start_at_name().map(|n| format!("starts at {n}")),
                        kind,
                        range: s.node.range,
                        selection: s.start_at.map_or(s.node.range, |m| m.key_range),
                        children: scope_symbols(machine, child, depth + 1),
                    }
                })
                .collect();
            state_symbol(state, children)
        })
        .collect()
}

/// A state as a symbol: its name, its type as the detail, the whole member as its
/// range and its key to select.
pub(super) fn state_symbol(state: &crate::model::State<'_, '_>, children: Vec<Symbol>) -> Symbol {
    Symbol {
        name: state.name.to_string(),
        detail: state
            .type_member()
            .and_then(|m| m.value.as_str())
            .map(str::to_string),
        kind: SymbolKind::State(state.kind),
        range: state.member.range(),
        selection: state.name_range,
        children,
    }
}

/// The ranges "expand selection" steps through at `offset`, innermost first: a
/// string's text without its quotes, the value, its `"key": value` member, the object
/// or array holding it, and so on out to the whole document. Keys count as values.
pub fn selection_ranges(text: &str, kind: SourceKind, offset: u32) -> Vec<TextRange> {
    let doc = syntax::parse(text, kind);
    let mut outer_first: Vec<TextRange> = Vec::new();
    let push = |r: TextRange, out: &mut Vec<TextRange>| {
        if out.last() != Some(&r) {
            out.push(r);
        }
    };
    let inside = |r: TextRange| r.start <= offset && offset <= r.end;
    let mut node = match doc.root.as_ref() {
        Some(root) if inside(root.range) => root,
        _ => return Vec::new(),
    };
    if inside(TextRange::new(0, text.len() as u32)) {
        push(TextRange::new(0, text.len() as u32), &mut outer_first);
    }
    loop {
        push(node.range, &mut outer_first);
        let next = match &node.value {
            Value::Object(members) => {
                let Some(m) = members.iter().find(|m| inside(m.range())) else {
                    break;
                };
                push(m.range(), &mut outer_first);
                if inside(m.key_range) {
                    push(m.key_range, &mut outer_first);
                    push_unquoted(text, m.key_range, &mut outer_first);
                    break;
                }
                &m.value
            }
            Value::Array(items) => match items.iter().find(|n| inside(n.range)) {
                Some(n) => n,
                None => break,
            },
            Value::Tagged(t) if inside(t.node.range) => &t.node,
            Value::String(_) => {
                push_unquoted(text, node.range, &mut outer_first);
                break;
            }
            _ => break,
        };
        node = next;
    }
    outer_first.reverse();
    outer_first
}

/// The text of a quoted string or key without its quotes.
fn push_unquoted(text: &str, range: TextRange, out: &mut Vec<TextRange>) {
    let bytes = text.as_bytes();
    let (s, e) = (range.start as usize, range.end as usize);
    if e >= s + 2 && matches!(bytes.get(s), Some(b'"' | b'\'')) && bytes.get(e - 1) == bytes.get(s)
    {
        out.push(TextRange::new(range.start + 1, range.end - 1));
    }
}

/// Folding ranges as 0-based (start line, end line): every object and array that spans
/// lines, ending on the line before its closing bracket when that bracket starts a line,
/// and every run of two or more comment lines.
pub fn folding_ranges(text: &str, kind: SourceKind) -> Vec<(u32, u32)> {
    let doc = syntax::parse(text, kind);
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    // (where the fold starts, node): a member's fold starts at its key, which in YAML is
    // on the line before the value.
    let mut stack: Vec<(u32, &syntax::Node<'_>)> =
        doc.root.iter().map(|n| (n.range.start, n)).collect();
    while let Some((start, node)) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                stack.extend(members.iter().map(|m| (m.key_range.start, &m.value)))
            }
            Value::Array(items) => stack.extend(items.iter().map(|n| (n.range.start, n))),
            Value::Tagged(t) => stack.push((start, &t.node)),
            _ => continue,
        }
        // A YAML document's block mapping has no line of its own to fold from: folding
        // its first line would hide its sibling keys.
        let block_root = kind == SourceKind::Yaml
            && doc.root.as_ref().is_some_and(|r| std::ptr::eq(r, node))
            && !text[node.range.as_usize()].starts_with(['{', '[']);
        let range = TextRange::new(start.min(node.range.start), node.range.end);
        if let Some(r) = fold(text, &lines, range, kind).filter(|_| !block_root) {
            out.push(r);
        }
    }
    // Consecutive comment lines.
    let mut run: Option<(u32, u32)> = None;
    for c in &doc.comments {
        let (s, e) = (
            lines.line_of(c.range.start) as u32,
            lines.line_of(c.range.end.saturating_sub(1).max(c.range.start)) as u32,
        );
        run = match run {
            Some((rs, re)) if s == re + 1 => Some((rs, e)),
            Some((rs, re)) => {
                if re > rs {
                    out.push((rs, re));
                }
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((rs, re)) = run
        && re > rs
    {
        out.push((rs, re));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn fold(text: &str, lines: &LineIndex, range: TextRange, kind: SourceKind) -> Option<(u32, u32)> {
    if range.is_empty() {
        return None;
    }
    let start = lines.line_of(range.start);
    let last = range.end - 1;
    let mut end = lines.line_of(last);
    if kind == SourceKind::Json {
        let line_start = lines.line_start(end) as usize;
        let closes = matches!(text.as_bytes().get(last as usize), Some(b'}' | b']'));
        if closes && text[line_start..last as usize].trim().is_empty() && end > start {
            end -= 1;
        }
    }
    (end > start).then_some((start as u32, end as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_nest_branches_and_processors() {
        let text = r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Next": "M", "Branches": [
    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}}]},
  "M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}}"#;
        let symbols = document_symbols(text, SourceKind::Json);
        assert_eq!(symbols.len(), 2);
        assert_eq!(symbols[0].name, "P");
        assert_eq!(symbols[0].detail.as_deref(), Some("Parallel"));
        assert_eq!(
            symbols[0].kind,
            SymbolKind::State(Some(StateType::Parallel))
        );
        assert_eq!(&text[symbols[0].selection.as_usize()], "\"P\"");
        assert_eq!(symbols[0].children[0].name, "Branch 1");
        assert_eq!(symbols[0].children[0].children[0].name, "B1");
        assert_eq!(symbols[1].children[0].name, "ItemProcessor");
        assert_eq!(symbols[1].children[0].children[0].name, "I");
        assert!(text[symbols[1].range.as_usize()].starts_with("\"M\": {"));
        assert!(text[symbols[1].range.as_usize()].ends_with("}}}}"));
    }

    /// A state machine whose definition is another file is in the outline, naming the
    /// file; one stored in S3 is not.
    #[test]
    fn a_definition_in_another_file_is_named_in_the_outline() {
        let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Inline:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  FromFile:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n  Stored:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: s3://bucket/flow.asl.json\n";
        let symbols = document_symbols(text, SourceKind::Yaml);
        let shown: Vec<(&str, Option<&str>, usize)> = symbols
            .iter()
            .map(|s| (s.name.as_str(), s.detail.as_deref(), s.children.len()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Inline", Some("Definition"), 1),
                ("FromFile", Some("DefinitionUri: sm/flow.asl.json"), 0),
            ]
        );
        let file = &symbols[1];
        assert_eq!(file.kind, SymbolKind::Definition);
        assert_eq!(
            &text[file.range.as_usize()],
            "DefinitionUri: sm/flow.asl.json"
        );
        assert_eq!(&text[file.selection.as_usize()], "DefinitionUri");
    }

    #[test]
    fn folds_multi_line_objects_and_comment_runs() {
        let text = "{\n  // one\n  // two\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Succeed\"}\n  }\n}\n";
        assert_eq!(
            folding_ranges(text, SourceKind::Json),
            vec![(0, 6), (1, 2), (4, 5)]
        );
        // YAML: each key's block folds from the key's line; the document's own mapping
        // does not (folding its first line would hide the keys after it). A flow
        // mapping at the top folds as in JSON.
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n";
        assert_eq!(folding_ranges(yaml, SourceKind::Yaml), vec![(1, 4), (2, 4)]);
        let flow = "{StartAt: A,\n States: {A: {Type: Succeed}}\n}\n";
        assert_eq!(folding_ranges(flow, SourceKind::Yaml), vec![(0, 2)]);
    }
}
