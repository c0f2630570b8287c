//! Editor analyses over the pure core: what is at a position, where a state is defined
//! and used, rename edits, completion candidates, hover text, outline, folding and
//! formatting. Everything here talks in byte offsets and [`TextRange`]s and knows no LSP
//! type; `src/lsp` converts. Every function parses the text it is given, so it always
//! answers for exactly that text (the readers recover, so half-typed text works too).

pub mod catalog;
mod complete;
mod format;
mod format_yaml;
mod hierarchy;
mod hints;
mod hover;
mod input_fields;
mod lens;
mod navigate;
mod outline;
mod signature;
pub mod terraform;
mod tokens;
mod variables;

pub use complete::{Completion, CompletionKind, completions, plain_insert};
pub use format::{FormatOptions, edits_within, format_json};
pub use format_yaml::{format_yaml, range_edits as yaml_range_edits};
pub use hierarchy::{
    Call, incoming_calls, incoming_calls_through, outgoing_calls, outgoing_calls_through,
    prepare_call_hierarchy, prepare_call_hierarchy_through,
};
pub use hints::{InlayHint, inlay_hints};
pub use hover::{GivenValue, HoverInfo, hover, hover_given};
pub use lens::{MachineLens, StartState, machine_lenses, start_state_at};
pub use navigate::{
    NameRef, RefKind, SubstitutionUses, definition, definition_files, highlights,
    highlights_through, linked_editing, linked_editing_through, name_at, occurrences,
    placeholder_definition, placeholder_name_at, placeholder_uses, prepare_rename, references,
    references_through, rename, rename_blocked_by_substitutions, rename_refusal,
    substitution_entry, substitution_uses, variable_definitions,
};
pub use outline::{Symbol, SymbolKind, document_symbols, folding_ranges, selection_ranges};
pub use signature::{SignatureInfo, signature_help};
pub use tokens::{SemanticToken, TokenKind, semantic_tokens};

use crate::model::{StateId, StateMachine};
use crate::syntax::{Node, PathStep, SourceKind, TextRange, Value};

/// What kind of object the cursor is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// A state machine object: the top level, a branch, an item processor.
    Machine(crate::model::ScopeId),
    /// The `States` object of a scope.
    States(crate::model::ScopeId),
    State(StateId),
    Retrier(StateId),
    Catcher(StateId),
    /// A Choice rule (`nested` inside And/Or/Not).
    ChoiceRule {
        state: StateId,
        nested: bool,
    },
    /// The `ProcessorConfig` of an item processor.
    ProcessorConfig(crate::model::ScopeId),
    /// Any other object (inside Parameters, ItemReader, ...), or none.
    Other,
}

/// Where in its container the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// On a key, or where a key would go. `range` is the token to replace (possibly
    /// empty); `has_colon` when a `:` already follows it.
    Key {
        range: TextRange,
        current: Option<String>,
        has_colon: bool,
    },
    /// On the value of `key` (or an item of an array value of `key`).
    Value {
        key: String,
        range: TextRange,
        in_array: bool,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Cursor {
    pub container: Container,
    pub slot: Slot,
}

fn ptr_eq(a: &Node<'_>, b: &Node<'_>) -> bool {
    std::ptr::eq(a, b)
}

/// The `ProcessorConfig` value of an item processor scope.
pub(crate) fn processor_config<'a, 's>(
    scope: &crate::model::Scope<'a, 's>,
) -> Option<&'a Node<'s>> {
    if !matches!(scope.kind, crate::model::ScopeKind::Processor { .. }) {
        return None;
    }
    let members = scope.node.as_object()?;
    members
        .iter()
        .find(|m| m.key == "ProcessorConfig")
        .map(|m| &m.value)
}

/// Classifies an object node of the tree through the model.
fn classify(machine: &StateMachine<'_, '_>, node: &Node<'_>, stack: &[&Node<'_>]) -> Container {
    for scope in &machine.scopes {
        if ptr_eq(scope.node, node) {
            return Container::Machine(scope.id);
        }
        if scope.states_member.is_some_and(|m| ptr_eq(&m.value, node)) {
            return Container::States(scope.id);
        }
        if processor_config(scope).is_some_and(|n| ptr_eq(n, node)) {
            return Container::ProcessorConfig(scope.id);
        }
    }
    for state in machine.all_states() {
        if !state.node.range.touches(node.range.start) || !state.node.range.touches(node.range.end)
        {
            continue;
        }
        if ptr_eq(state.node, node) {
            return Container::State(state.id);
        }
        if state.retriers.iter().any(|r| ptr_eq(r.node, node)) {
            return Container::Retrier(state.id);
        }
        if state.catchers.iter().any(|c| ptr_eq(c.node, node)) {
            return Container::Catcher(state.id);
        }
        if state.choices.iter().any(|c| ptr_eq(c.node, node)) {
            return Container::ChoiceRule {
                state: state.id,
                nested: false,
            };
        }
        if state
            .choices
            .iter()
            .any(|c| stack.iter().any(|n| ptr_eq(c.node, n)))
        {
            return Container::ChoiceRule {
                state: state.id,
                nested: true,
            };
        }
    }
    Container::Other
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$')
}

/// Finds where the cursor is. `None` when the document has no object root.
pub(crate) fn locate(
    text: &str,
    kind: SourceKind,
    root: &Node<'_>,
    machine: &StateMachine<'_, '_>,
    offset: u32,
) -> Option<Cursor> {
    if kind == SourceKind::Yaml
        && let Some(cursor) = yaml_block_start(text, root, machine, offset)
    {
        return Some(cursor);
    }
    let steps = root.find_at(offset);
    // The nodes from the root down, and the key under which each was reached.
    let mut stack: Vec<&Node<'_>> = vec![root];
    let mut keys: Vec<Option<&str>> = vec![None];
    let mut on_key = None;
    for step in &steps {
        match step {
            PathStep::Member(m) => {
                stack.push(&m.value);
                keys.push(Some(&m.key));
            }
            PathStep::Index(_, n) => {
                stack.push(n);
                keys.push(None);
            }
            PathStep::Key(m) => on_key = Some(*m),
        }
    }
    let innermost_object = |upto: usize| -> usize {
        (0..upto)
            .rev()
            .find(|&i| matches!(stack[i].value, Value::Object(_)))
            .unwrap_or(0)
    };
    if let Some(m) = on_key {
        let ci = stack.len() - 1;
        return Some(Cursor {
            container: classify(machine, stack[ci], &stack[..ci]),
            slot: Slot::Key {
                range: m.key_range,
                current: Some(m.key.to_string()),
                has_colon: colon_follows(text, m.key_range.end),
            },
        });
    }
    let last = stack.len() - 1;
    let node = stack[last];
    let scalar = !matches!(node.value, Value::Object(_) | Value::Array(_));
    if scalar && last > 0 && !node.range.is_empty() {
        // On a value: the member's value itself, or an item of an array value.
        let (key_index, in_array) = if keys[last].is_some() {
            (last, false)
        } else {
            (last - 1, true)
        };
        if let Some(key) = keys[key_index] {
            let ci = innermost_object(key_index);
            return Some(Cursor {
                container: classify(machine, stack[ci], &stack[..ci]),
                slot: Slot::Value {
                    key: key.to_string(),
                    range: node.range,
                    in_array,
                },
            });
        }
    }
    // Between tokens, or on a half-typed word the reader could not place: read the text.
    let ci = if matches!(node.value, Value::Object(_)) {
        last
    } else {
        innermost_object(last)
    };
    let mut container = classify(machine, stack[ci], &stack[..ci]);
    let (token, before) = token_around(text, offset);
    let bytes = text.as_bytes();
    // A YAML block mapping ends at its last value, so a cursor after it (at the end of
    // a line, on a blank line) is outside it: its indentation says which it belongs to.
    if kind == SourceKind::Yaml {
        let column = match before {
            Some(i) if bytes[i] == b':' => Some(key_column(text, i)),
            // A key typed at the start of a line (or of the document).
            _ if before.is_none_or(|i| bytes[i] == b'\n') => {
                Some(token.start as usize - line_start(text, token.start as usize))
            }
            _ => None,
        };
        if let Some(column) = column
            && let Some((node, ancestors)) = yaml_block_at(text, root, offset, column)
        {
            container = classify(machine, node, &ancestors);
        }
    }
    match before {
        Some(i) if bytes[i] == b':' => {
            let key = key_before(text, i)?;
            Some(Cursor {
                container,
                slot: Slot::Value {
                    key,
                    range: token,
                    in_array: false,
                },
            })
        }
        Some(i) if bytes[i] == b'[' || (bytes[i] == b',' && in_array_at(text, i)) => {
            // An array item: find the key of the array.
            let open = array_open_before(text, i)?;
            let key = key_before(text, prev_significant(text, open)?)?;
            Some(Cursor {
                container,
                slot: Slot::Value {
                    key,
                    range: token,
                    in_array: true,
                },
            })
        }
        Some(i) if bytes[i] == b'{' || bytes[i] == b',' || bytes[i] == b'\n' => Some(Cursor {
            container,
            slot: Slot::Key {
                range: token,
                current: None,
                has_colon: colon_follows(text, token.end),
            },
        }),
        None if kind == SourceKind::Yaml => Some(Cursor {
            container,
            slot: Slot::Key {
                range: token,
                current: None,
                has_colon: colon_follows(text, token.end),
            },
        }),
        _ => None,
    }
}

/// A word typed where a YAML block collection starts, which the reader cannot place
/// yet: the first item of a sequence (`Retry:\n  - |`, `ErrorEquals:\n  - |`) or the
/// first key of a mapping (a new state's body, `X:\n    |`). The key that owns the
/// collection is the nearest line above that is less indented (a sequence may also
/// stand at its key's column); what it names decides the slot. `None` elsewhere, and
/// for keys whose value no item completes.
fn yaml_block_start(
    text: &str,
    root: &Node<'_>,
    machine: &StateMachine<'_, '_>,
    offset: u32,
) -> Option<Cursor> {
    let (token, _) = token_around(text, offset);
    let start = line_start(text, token.start as usize);
    let lead = &text[start..token.start as usize];
    let rest = text[token.end as usize..].split('\n').next().unwrap_or("");
    if !rest.trim().is_empty() {
        return None;
    }
    let indent = column_of(lead);
    let dash = match lead[indent..].strip_prefix('-') {
        Some(after) if after.starts_with(' ') && after.trim().is_empty() => true,
        None if lead[indent..].is_empty() => false,
        _ => return None,
    };
    // The lines above, nearest first, blank lines and comments left out.
    let mut above = text[..start]
        .rsplit('\n')
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let owner = if dash {
        // Past the earlier items of the sequence and what they hold.
        above.find(|l| {
            let c = column_of(l);
            c < indent || (c == indent && !l[c..].starts_with('-'))
        })?
    } else {
        above.next().filter(|l| column_of(l) < indent)?
    };
    let owner = owner.trim_end_matches([' ', '\t', '\r']);
    if !owner.ends_with(':') {
        return None;
    }
    // `owner` is a slice of `text`: the offset of its colon.
    let colon = owner.as_ptr() as usize - text.as_ptr() as usize + owner.len() - 1;
    let key = key_before(text, colon)?;
    let (node, ancestors) = yaml_block_at(text, root, offset, key_column(text, colon))?;
    let parent = classify(machine, node, &ancestors);
    let key_slot = |container| {
        Some(Cursor {
            container,
            slot: Slot::Key {
                range: token,
                current: None,
                has_colon: false,
            },
        })
    };
    match (parent, key.as_str(), dash) {
        (Container::State(id), "Retry", true) => key_slot(Container::Retrier(id)),
        (Container::State(id), "Catch", true) => key_slot(Container::Catcher(id)),
        (Container::State(state), "Choices", true) => key_slot(Container::ChoiceRule {
            state,
            nested: false,
        }),
        (Container::ChoiceRule { state, .. }, "And" | "Or", true)
        | (Container::ChoiceRule { state, .. }, "Not", false) => key_slot(Container::ChoiceRule {
            state,
            nested: true,
        }),
        (Container::Machine(scope), "States", false) => key_slot(Container::States(scope)),
        (Container::States(scope), name, false) => {
            let state = machine
                .scope(scope)
                .states
                .iter()
                .find(|s| s.name == name)?;
            key_slot(Container::State(state.id))
        }
        (Container::Other, ..) | (_, _, false) => None,
        (container, _, true) => Some(Cursor {
            container,
            slot: Slot::Value {
                key,
                range: token,
                in_array: true,
            },
        }),
    }
}

/// The indentation of a line (its leading spaces).
fn column_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The byte offset where the line holding `i` starts.
fn line_start(text: &str, i: usize) -> usize {
    let before = &text.as_bytes()[..i.min(text.len())];
    before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1)
}

/// The column of the key on the line of the `:` at `colon`, after the indentation and
/// any `- ` of a sequence item.
fn key_column(text: &str, colon: usize) -> usize {
    let start = line_start(text, colon);
    let line = &text.as_bytes()[start..colon];
    let mut i = 0;
    loop {
        while i < line.len() && line[i] == b' ' {
            i += 1;
        }
        if i + 1 < line.len() && line[i] == b'-' && line[i + 1] == b' ' {
            i += 1;
            continue;
        }
        return i;
    }
}

/// The YAML block mapping whose keys stand at `column` and that is the last to start
/// before `offset`, with its ancestors from the root: where a key typed at that column
/// would go.
fn yaml_block_at<'a, 's>(
    text: &str,
    root: &'a Node<'s>,
    offset: u32,
    column: usize,
) -> Option<(&'a Node<'s>, Vec<&'a Node<'s>>)> {
    let mut best: Option<(&'a Node<'s>, Vec<&'a Node<'s>>)> = None;
    let mut path: Vec<&'a Node<'s>> = Vec::new();
    fn walk<'a, 's>(
        text: &str,
        node: &'a Node<'s>,
        offset: u32,
        column: usize,
        path: &mut Vec<&'a Node<'s>>,
        best: &mut Option<(&'a Node<'s>, Vec<&'a Node<'s>>)>,
    ) {
        if node.range.start > offset {
            return;
        }
        match &node.value {
            Value::Object(members) => {
                if let Some(first) = members.first() {
                    let at = first.key_range.start as usize;
                    if at - line_start(text, at) == column
                        && best
                            .as_ref()
                            .is_none_or(|(b, _)| b.range.start <= node.range.start)
                    {
                        *best = Some((node, path.clone()));
                    }
                }
                path.push(node);
                for m in members {
                    walk(text, &m.value, offset, column, path, best);
                }
                path.pop();
            }
            Value::Array(items) => {
                path.push(node);
                for item in items {
                    walk(text, item, offset, column, path, best);
                }
                path.pop();
            }
            _ => {}
        }
    }
    walk(text, root, offset, column, &mut path, &mut best);
    best
}

/// The word (with an opening quote) around `offset`, and the index of the first
/// significant byte before it (`\n` counts as significant when only blanks precede the
/// word on its line, which is where YAML keys start).
fn token_around(text: &str, offset: u32) -> (TextRange, Option<usize>) {
    let bytes = text.as_bytes();
    let offset = (offset as usize).min(bytes.len());
    let mut start = offset;
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut quoted = None;
    if start > 0 && matches!(bytes[start - 1], b'"' | b'\'') {
        start -= 1;
        quoted = Some(bytes[start]);
    }
    let mut end = offset;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    if let Some(q) = quoted
        && bytes.get(end) == Some(&q)
    {
        end += 1;
    }
    let mut i = start;
    let mut before = None;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b' ' | b'\t' | b'\r' => continue,
            b'\n' => {
                // JSON treats a newline as blank; a YAML key starts a line.
                before = Some(i);
                let mut j = i;
                let mut found = None;
                while j > 0 {
                    j -= 1;
                    if !matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                        found = Some(j);
                        break;
                    }
                }
                if let Some(j) = found
                    && matches!(bytes[j], b'{' | b',' | b':' | b'[')
                {
                    before = Some(j);
                }
                break;
            }
            _ => {
                before = Some(i);
                break;
            }
        }
    }
    (TextRange::from_usize(start, end), before)
}

fn prev_significant(text: &str, before: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = before;
    while i > 0 {
        i -= 1;
        if !bytes[i].is_ascii_whitespace() {
            return Some(i);
        }
    }
    None
}

/// The key whose `:` is at `colon`: a quoted string or a bare word before it.
fn key_before(text: &str, colon: usize) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let end = prev_significant(text, colon)?;
    if matches!(bytes[end], b'"' | b'\'') {
        let q = bytes[end];
        let start = text[..end].rfind(q as char)?;
        return Some(text[start + 1..end].to_string());
    }
    let mut start = end + 1;
    while start > 0 && !matches!(bytes[start - 1], b' ' | b'\t' | b'\n' | b'{' | b',' | b'-') {
        start -= 1;
    }
    Some(text[start..=end].to_string())
}

/// True when the comma at `i` separates items of an array (the nearest unclosed bracket
/// before it is `[`).
fn in_array_at(text: &str, i: usize) -> bool {
    array_open_before(text, i).is_some()
}

/// The unclosed `[` enclosing position `i`, when the nearest unclosed bracket is one.
fn array_open_before(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut j = i + 1;
    let mut in_string = false;
    // Scan back at most a few KiB: enough for any array of error names.
    let limit = i.saturating_sub(4096);
    while j > limit {
        j -= 1;
        let b = bytes[j];
        if b == b'"' && (j == 0 || bytes[j - 1] != b'\\') {
            in_string = !in_string;
            continue;
        }
        if in_string {
            continue;
        }
        match b {
            b']' | b'}' => depth += 1,
            b'[' if depth == 0 => return Some(j),
            b'{' if depth == 0 => return None,
            b'[' | b'{' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn colon_follows(text: &str, end: u32) -> bool {
    text[(end as usize).min(text.len())..]
        .trim_start_matches([' ', '\t'])
        .starts_with(':')
}

/// The innermost state whose text holds `offset`.
pub(crate) fn state_around<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    offset: u32,
) -> Option<&'m crate::model::State<'a, 's>> {
    machine
        .all_states()
        .filter(|s| s.node.range.contains(offset))
        .min_by_key(|s| s.node.range.len())
}

/// The range of a quoted token without its quotes (a plain YAML scalar as it is).
pub(crate) fn unquoted(text: &str, range: TextRange) -> TextRange {
    match text.get(range.as_usize()).map(str::as_bytes) {
        Some([q @ (b'"' | b'\''), .., last]) if last == q && range.len() >= 2 => {
            TextRange::new(range.start + 1, range.end - 1)
        }
        _ => range,
    }
}

/// Maps a range of a definition's own text to the text it was found in.
pub(crate) type RangeMap<'m> = &'m dyn Fn(TextRange) -> TextRange;

/// Calls `f` with each state machine of `text` (the definition, or each one a template
/// holds, written as an object or as a string), the text its ranges refer to, and the
/// map from those ranges to ranges of `text`.
pub(crate) fn each_machine(
    text: &str,
    kind: SourceKind,
    f: &mut dyn FnMut(&str, &StateMachine<'_, '_>, RangeMap<'_>),
) {
    use crate::embed::template::{self, Body};
    let doc = crate::syntax::parse(text, kind);
    let Some(root) = doc.root.as_ref() else {
        return;
    };
    let same = |r: TextRange| r;
    let Some(definitions) = may_be_template(text)
        .then(|| template::find(root))
        .flatten()
    else {
        if let Some(machine) = StateMachine::build(root) {
            f(text, &machine, &same);
        }
        return;
    };
    for d in &definitions {
        match d.body {
            Body::Inline(node) => {
                if let Some(machine) = StateMachine::build(node) {
                    f(text, &machine, &same);
                }
            }
            Body::Text(node) => {
                let Ok(inner) = template::flatten(text, node, &d.substitutions) else {
                    continue;
                };
                let inner_kind = crate::syntax::detect_kind(None, &inner.text);
                let inner_doc = crate::syntax::parse(&inner.text, inner_kind);
                if let Some(machine) = inner_doc.root.as_ref().and_then(StateMachine::build) {
                    f(&inner.text, &machine, &|r| inner.map.range(r));
                }
            }
            _ => {}
        }
    }
}

/// Parses `text` and builds the model; calls `f` with both (the model borrows the tree).
pub(crate) fn with_machine<R>(
    text: &str,
    kind: SourceKind,
    f: impl FnOnce(&Node<'_>, &StateMachine<'_, '_>) -> Option<R>,
) -> Option<R> {
    let doc = crate::syntax::parse(text, kind);
    let root = doc.root.as_ref()?;
    let machine = StateMachine::build(root)?;
    f(root, &machine)
}

/// [`with_machine`] for a request at `offset`: in a CloudFormation/SAM/Serverless
/// template, the model is that of the definition written as an object around `offset`
/// (its nodes carry template offsets, so answers need no mapping).
pub(crate) fn with_machine_at<R>(
    text: &str,
    kind: SourceKind,
    offset: u32,
    f: impl FnOnce(&Node<'_>, &StateMachine<'_, '_>) -> Option<R>,
) -> Option<R> {
    with_named_machine_at(text, kind, offset, |_, node, machine| f(node, machine))
}

/// [`with_machine_at`] that also names the template's state machine (its logical id;
/// `None` in a definition file).
pub(crate) fn with_named_machine_at<R>(
    text: &str,
    kind: SourceKind,
    offset: u32,
    f: impl FnOnce(Option<&str>, &Node<'_>, &StateMachine<'_, '_>) -> Option<R>,
) -> Option<R> {
    let doc = crate::syntax::parse(text, kind);
    let root = doc.root.as_ref()?;
    if may_be_template(text)
        && let Some(definitions) = crate::embed::template::find(root)
    {
        let (name, node) = definitions.iter().find_map(|d| match d.body {
            crate::embed::template::Body::Inline(node) if holds(text, d.property, node, offset) => {
                Some((d.name.as_str(), node))
            }
            _ => None,
        })?;
        let machine = StateMachine::build(node)?;
        return f(Some(name), node, &machine);
    }
    if !may_be_definition(root) {
        return None;
    }
    let machine = StateMachine::build(root)?;
    f(None, root, &machine)
}

/// Whether `root` may be a state machine definition, possibly being typed (with its
/// keys misspelt, `startAt`): not a file of another kind that editors hand to the
/// server by its name, a `serverless.yml` without Step Functions (`service:`) or a
/// Kubernetes `template.yaml` (`apiVersion:` and `kind:`).
fn may_be_definition(root: &Node<'_>) -> bool {
    let has = |key: &str| root.get(key).is_some();
    !(has("service") || has("apiVersion") && has("kind"))
}

/// Whether `offset` is in the inline definition `node` of `property`: within it, or
/// after a YAML block one where only what is being typed at its end lies between: the
/// rest of its last line blank (`Next: |`), then lines that are blank or indented
/// deeper than the property (a new last state or field, a half-typed key the parser
/// left out). A block mapping ends at its last child, so without this the last node,
/// where a new state is typed, had no answers.
fn holds(text: &str, property: &crate::syntax::Member<'_>, node: &Node<'_>, offset: u32) -> bool {
    if node.range.touches(offset) {
        return true;
    }
    let (end, at) = (node.range.end as usize, offset as usize);
    let Some(gap) = text.get(end..at).filter(|_| end < at) else {
        return false;
    };
    // After a flow collection (`{...}`, `[...]`) the text on its line is not in it.
    let flow = text[..end].ends_with(['}', ']']);
    let key_start = property.key_range.start as usize;
    let key_line = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let key_column = key_start - key_line;
    let mut lines = gap.split('\n');
    // (The mapping of a last key with no value yet ends at the key, before its colon.)
    let rest_of_last = lines.next().unwrap_or_default().trim_start();
    let rest_of_last = rest_of_last.strip_prefix(':').unwrap_or(rest_of_last);
    if !rest_of_last.trim().is_empty() || flow && !gap.contains('\n') {
        return false;
    }
    let mut lines = lines.peekable();
    while let Some(line) = lines.next() {
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        // The cursor's line counts up to the cursor: blank there, by the cursor's column.
        let last = lines.peek().is_none();
        let blank = content.trim().is_empty();
        if (last || !blank) && indent <= key_column {
            return false;
        }
    }
    true
}

/// False when `text` cannot be a template (it has none of the keys that mark one), so
/// plain definitions skip the template search.
pub(crate) fn may_be_template(text: &str) -> bool {
    [
        "Resources",
        "stepFunctions",
        "AWSTemplateFormatVersion",
        "Transform",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// A definition written as a string in a template (`DefinitionString`, `Fn::Sub`,
/// `Fn::Join`): its text, with a map back to the template.
pub(crate) struct InString {
    pub inner: crate::embed::sourcemap::Embedded,
    pub kind: SourceKind,
    /// The request's offset in the inner text.
    pub offset: u32,
}

impl InString {
    pub fn range(&self, r: TextRange) -> TextRange {
        self.inner.map.range(r)
    }
}

/// The definition string of a template that holds `offset`, if any.
pub(crate) fn in_string_at(text: &str, kind: SourceKind, offset: u32) -> Option<InString> {
    if !may_be_template(text) {
        return None;
    }
    let doc = crate::syntax::parse(text, kind);
    let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
    definitions.iter().find_map(|d| {
        let crate::embed::template::Body::Text(node) = d.body else {
            return None;
        };
        if !node.range.touches(offset) {
            return None;
        }
        let inner = crate::embed::template::flatten(text, node, &d.substitutions).ok()?;
        let inner_offset = inner_offset(&inner, offset);
        Some(InString {
            kind: crate::syntax::detect_kind(None, &inner.text),
            inner,
            offset: inner_offset,
        })
    })
}

/// The inner offset whose character the outer `offset` is in (the last one that starts
/// at or before it; outer offsets grow with inner ones).
fn inner_offset(e: &crate::embed::sourcemap::Embedded, offset: u32) -> u32 {
    let len = e.text.len() as u32;
    let (mut lo, mut hi) = (0u32, len + 1);
    // First inner offset that maps after `offset`.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if e.map.offset(mid) <= offset && mid < len {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut i = lo.saturating_sub(1) as usize;
    if lo == len && e.map.offset(len) <= offset {
        i = len as usize;
    }
    while i > 0 && !e.text.is_char_boundary(i) {
        i -= 1;
    }
    i as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor_at(text: &str, marker: &str) -> (Option<Cursor>, u32) {
        let offset = text.find(marker).unwrap() as u32;
        let text = text.replacen(marker, "", 1);
        let c = with_machine(&text, SourceKind::Json, |root, m| {
            Some(locate(&text, SourceKind::Json, root, m, offset))
        })
        .flatten();
        (c, offset)
    }

    #[test]
    fn cursor_on_keys_values_and_gaps() {
        let (c, _) = cursor_at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Ne|xt": "B"}}}"#,
            "|",
        );
        let c = c.unwrap();
        assert!(matches!(
            c.container,
            Container::State(StateId { scope: 0, index: 0 })
        ));
        assert_eq!(
            c.slot,
            Slot::Key {
                range: TextRange::new(50, 56),
                current: Some("Next".into()),
                has_colon: true
            }
        );

        let (c, _) = cursor_at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "|B"}}}"#,
            "|",
        );
        assert_eq!(
            c.unwrap().slot,
            Slot::Value {
                key: "Next".into(),
                range: TextRange::new(58, 61),
                in_array: false
            }
        );

        // A value not typed yet.
        let (c, off) = cursor_at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": |\n}}}",
            "|",
        );
        assert_eq!(
            c.unwrap().slot,
            Slot::Value {
                key: "Next".into(),
                range: TextRange::empty(off),
                in_array: false
            }
        );

        // A key being typed on its own line.
        let (c, off) = cursor_at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\",\n  \"Res|\n}}}",
            "|",
        );
        let c = c.unwrap();
        assert!(matches!(c.container, Container::State(_)));
        assert_eq!(
            c.slot,
            Slot::Key {
                range: TextRange::new(off - 4, off),
                current: Some("Res".into()),
                has_colon: false
            }
        );

        // An item of ErrorEquals inside a catcher.
        let (c, _) = cursor_at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Catch": [{"ErrorEquals": ["States.|"]}]}}}"#,
            "|",
        );
        let c = c.unwrap();
        assert!(matches!(c.container, Container::Catcher(_)));
        assert!(
            matches!(c.slot, Slot::Value { ref key, in_array: true, .. } if key == "ErrorEquals")
        );
    }

    #[test]
    fn every_offset_of_odd_documents_is_answered_without_panic() {
        let texts = [
            "{\"StartAt\": \"Ä😀\", \"States\": {\"Ä😀\": {\"Type\": \"Pass\", \"Next\": \"Ä😀\"}}}",
            "{\"States\": {\"A\": {\"Type\": \"Task\", \"Catch\": [{\"ErrorEquals\": [\"",
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Choice\", \"Choices\": [{\"Not\": {\"",
            "{\"a\": [1, 2, {\"b\": ${X}}], // c\n \"States\": []}",
            "[]",
            "\"",
            ":",
            "{,:}",
        ];
        for text in texts {
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let offset = offset as u32;
                let _ = completions(text, SourceKind::Json, offset);
                let _ = hover(text, SourceKind::Json, offset, &[]);
                let _ = definition(text, SourceKind::Json, offset);
                let _ = references(text, SourceKind::Json, offset, true);
                let _ = prepare_rename(text, SourceKind::Json, offset);
                let _ = rename(text, SourceKind::Json, offset, "X");
            }
            let _ = document_symbols(text, SourceKind::Json);
            let _ = folding_ranges(text, SourceKind::Json);
            let _ = format_json(text, &FormatOptions::default());
        }
    }
}
