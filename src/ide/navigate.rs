//! State names as symbols: which name is at an offset, where it is defined and used, and
//! how to rename it. A name resolves in one scope (the top level, a branch, an item
//! processor): transitions and `StartAt` only ever name states of their own scope.
//! Where no state name is at the offset, the same requests answer for the workflow
//! variable there ([`super::variables`]).

use crate::diagnostics::Edit;
use crate::embed::sourcemap::Style;
use crate::model::{ScopeId, StateMachine};
use crate::syntax::{Node, SourceKind, TextRange, Value};

use super::variables::{rename_variable, variable_at, variable_occurrences};
use super::{in_string_at, unquoted, with_machine_at};
use crate::syntax::edit::string_like;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// The state's key in `States`.
    Declaration,
    /// The scope's `StartAt`.
    StartAt,
    /// A `Next`, `Default`, Choice rule `Next` or Catch `Next`.
    Transition,
}

/// One occurrence of a state name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRef {
    pub scope: ScopeId,
    pub name: String,
    /// The whole token (with its quotes).
    pub range: TextRange,
    pub kind: RefKind,
}

/// The state name under `offset`, if any.
pub fn name_at(machine: &StateMachine<'_, '_>, offset: u32) -> Option<NameRef> {
    for scope in &machine.scopes {
        if let Some(m) = scope.start_at
            && let Some(name) = m.value.as_str()
            && m.value.range.touches(offset)
        {
            return Some(NameRef {
                scope: scope.id,
                name: name.to_string(),
                range: m.value.range,
                kind: RefKind::StartAt,
            });
        }
        for state in &scope.states {
            if !state.member.range().touches(offset) {
                continue;
            }
            if state.name_range.touches(offset) {
                return Some(NameRef {
                    scope: scope.id,
                    name: state.name.to_string(),
                    range: state.name_range,
                    kind: RefKind::Declaration,
                });
            }
            for t in state.transitions() {
                if t.range().touches(offset) {
                    return Some(NameRef {
                        scope: scope.id,
                        name: t.target.to_string(),
                        range: t.range(),
                        kind: RefKind::Transition,
                    });
                }
            }
        }
    }
    None
}

/// Every occurrence of `name` in `scope`, in document order.
pub fn occurrences(machine: &StateMachine<'_, '_>, scope: ScopeId, name: &str) -> Vec<NameRef> {
    let s = machine.scope(scope);
    let mut out = Vec::new();
    let mut push = |range, kind| {
        out.push(NameRef {
            scope,
            name: name.to_string(),
            range,
            kind,
        })
    };
    if let Some(m) = s.start_at
        && m.value.as_str() == Some(name)
    {
        push(m.value.range, RefKind::StartAt);
    }
    for state in &s.states {
        if state.name == name {
            push(state.name_range, RefKind::Declaration);
        }
        for t in state.transitions() {
            if t.target == name {
                push(t.range(), RefKind::Transition);
            }
        }
    }
    out.sort_by_key(|r| (r.range.start, r.range.end));
    // A YAML alias copies its anchor's ranges: a rule written once and used twice
    // (`Choices: [*r]`) is one place in the text, named once.
    out.dedup_by_key(|r| r.range);
    out
}

/// The key of the state named at `offset` (in the scope the name resolves in).
pub fn definition(text: &str, kind: SourceKind, offset: u32) -> Option<TextRange> {
    if let Some(e) = in_string_at(text, kind, offset) {
        return definition(&e.inner.text, e.kind, e.offset).map(|r| e.range(r));
    }
    with_machine_at(text, kind, offset, |_, machine| {
        let at = name_at(machine, offset)?;
        let state = machine.scope(at.scope).state(&at.name)?;
        Some(state.name_range)
    })
}

/// Where the `${Name}` placeholder at `offset` in a template's definition gets its
/// value: the `DefinitionSubstitutions` entry of that state machine, else the variable
/// of the `Fn::Sub` [text, map] holding it, else (in an `Fn::Sub`) the template's
/// parameter or resource (`${Fn.Arn}`: the resource `Fn`). `None` for a `${!Name}`
/// (literal text) or a name the template does not give.
pub fn placeholder_definition(text: &str, kind: SourceKind, offset: u32) -> Option<TextRange> {
    placeholder_source(text, kind, offset).map(|s| s.key)
}

/// Where a template's `${Name}` gets its value ([`placeholder_source`]).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PlaceholderSource {
    /// The `${Name}` token.
    pub token: TextRange,
    /// [`placeholder_definition`]'s key.
    pub key: TextRange,
    /// The whole entry (key and value), to show as written; `None` for a parameter or
    /// resource of the template, whose key is all there is to show.
    pub entry: Option<TextRange>,
    /// Where that is, for a hover: the state machine resource whose substitutions or
    /// `Fn::Sub` give the value, or the template's parameter or resource.
    pub place: String,
}

/// The `${Name}` token at `offset` and where [`placeholder_definition`] finds its value.
pub(crate) fn placeholder_source(
    text: &str,
    kind: SourceKind,
    offset: u32,
) -> Option<PlaceholderSource> {
    if !super::may_be_template(text) {
        return None;
    }
    let (token, name) = placeholder_name_at(text, offset)?;
    let name = name.as_str();
    let doc = crate::syntax::parse(text, kind);
    let root = doc.root.as_ref()?;
    let definitions = crate::embed::template::find(root)?;
    use crate::embed::template::Body;
    let definition = definitions.iter().find(|d| match d.body {
        Body::Inline(n) | Body::Text(n) => n.range.touches(offset),
        _ => false,
    })?;
    let source = |m: &crate::syntax::Member<'_>, place: String| PlaceholderSource {
        token,
        key: m.key_range,
        entry: Some(m.range()),
        place,
    };
    if let Some(m) = definition.substitution_node.and_then(|n| n.member(name)) {
        let place = format!("the `DefinitionSubstitutions` of `{}`", definition.name);
        return Some(source(m, place));
    }
    let Body::Text(node) = definition.body else {
        return None;
    };
    // `Fn::Sub: [text, {Name: value}]` (or `!Sub [text, map]`).
    let sub = match &node.value {
        Value::Tagged(t) if t.tag == "!Sub" => Some(&t.node),
        _ => node.get("Fn::Sub"),
    }?;
    if let Some(m) = sub
        .as_array()
        .and_then(|a| a.get(1))
        .and_then(|vars| vars.member(name))
    {
        let place = format!("the `Fn::Sub` variables of `{}`", definition.name);
        return Some(source(m, place));
    }
    let id = name.split_once('.').map_or(name, |(id, _)| id);
    [("Parameters", "parameter"), ("Resources", "resource")]
        .iter()
        .find_map(|(section, what)| {
            let m = root.get(section)?.member(id)?;
            Some(PlaceholderSource {
                entry: None,
                place: format!("the template's {what} `{id}`"),
                ..source(m, String::new())
            })
        })
}

/// The `${Name}` token at `offset` (the cursor inside it or at its end) and its name;
/// none for a `${!Name}` (literal text) or an empty name.
pub fn placeholder_name_at(text: &str, offset: u32) -> Option<(TextRange, String)> {
    let token = placeholder_at(text, offset)?;
    let name = text[token.start as usize + 2..token.end as usize - 1].trim();
    (!name.is_empty() && !name.starts_with('!')).then(|| (token, name.to_string()))
}

/// Where the template's state machine `machine` (its logical id) gives `${name}` its
/// value in its `DefinitionSubstitutions`: the entry's key, and the entry as written
/// (see [`as_written`]). For a definition file that the template names.
pub fn substitution_entry(
    text: &str,
    kind: SourceKind,
    machine: &str,
    name: &str,
) -> Option<(TextRange, String)> {
    if !super::may_be_template(text) {
        return None;
    }
    let doc = crate::syntax::parse(text, kind);
    let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
    let definition = definitions.iter().find(|d| d.name == machine)?;
    let entry = definition.substitution_node?.member(name)?;
    Some((entry.key_range, as_written(&text[entry.range().as_usize()])))
}

/// A substitution entry as written, for a hover: its first line (of a long one),
/// without what follows, at most 200 characters.
pub(crate) fn as_written(entry: &str) -> String {
    let first = entry.lines().next().unwrap_or_default().trim_end();
    first.chars().take(200).collect()
}

/// The `${...}` token around `offset` on its line (the cursor inside it or at its end,
/// or on the quote just before or after it).
fn placeholder_at(text: &str, offset: u32) -> Option<TextRange> {
    let at = (offset as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    // On the quote that closes `"${Name}"`: the token that ends just before it, as an
    // editor puts the cursor there at the end of the value.
    if text[at..].starts_with(['"', '\'']) && text[..at].ends_with('}') {
        return placeholder_at(text, offset - 1);
    }
    // Just after the `}` of an unquoted `${Name}` that ends its line (YAML's
    // `Resource: ${FnArn}`): the same place, where an editor puts the cursor at the end
    // of the value; there is no quote to stand on.
    if text[..at].ends_with('}') && text[at..line_end].trim().is_empty() {
        return placeholder_at(text, offset - 1);
    }
    // The `${` before the cursor on its line, with no `}` between, and its `}`; or the
    // token under the cursor's `$` or `{`, or just after the quote under it.
    let before = text[line_start..at]
        .rfind("${")
        .map(|i| line_start + i)
        .filter(|&open| !text[open..at].contains('}'));
    let open = match before {
        Some(open) => open,
        None => {
            let rest = &text[at..line_end];
            let quotes = rest.len() - rest.trim_start_matches(['"', '\'']).len();
            if rest[quotes.min(1)..].starts_with("${") {
                at + quotes.min(1)
            } else if rest.starts_with('{') && text[..at].ends_with('$') {
                at - 1
            } else {
                return None;
            }
        }
    };
    let close = text[open..line_end].find('}').map(|i| open + i)?;
    (close >= at).then(|| TextRange::from_usize(open, close + 1))
}

/// The `Assign` keys that may define the variable used at `offset` (`$name` inside a
/// string): those of states in the scope of the use and the scopes around it, since
/// variables assigned outside a Parallel or Map are visible inside it.
pub fn variable_definitions(text: &str, kind: SourceKind, offset: u32) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let at = (offset as usize).min(bytes.len());
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = at;
    while start > 0 && ident(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < bytes.len() && ident(bytes[end]) {
        end += 1;
    }
    if start == 0 || bytes[start - 1] != b'$' || start == end {
        return Vec::new();
    }
    let name = &text[start..end];
    if name == "states" {
        return Vec::new();
    }
    if let Some(e) = in_string_at(text, kind, offset) {
        return variable_definitions(&e.inner.text, e.kind, e.offset)
            .into_iter()
            .map(|r| e.range(r))
            .collect();
    }
    with_machine_at(text, kind, offset, |_, machine| {
        // The innermost state around the use.
        let user = super::state_around(machine, offset)?;
        let scopes: Vec<ScopeId> = machine.ancestors(user.id.scope).collect();
        let mut out = Vec::new();
        for scope in scopes {
            for state in &machine.scope(scope).states {
                let Some(assign) = state.field("Assign").and_then(|m| m.value.as_object()) else {
                    continue;
                };
                for m in assign {
                    if m.key.strip_suffix(".$").unwrap_or(&m.key) == name {
                        out.push(m.key_range);
                    }
                }
            }
        }
        out.sort();
        Some(out)
    })
    .unwrap_or_default()
}

/// Every occurrence of the state name or variable at `offset`; without the
/// declaration(s) (state keys, `Assign` keys) unless `include_declaration`.
pub fn references(
    text: &str,
    kind: SourceKind,
    offset: u32,
    include_declaration: bool,
) -> Vec<TextRange> {
    references_through(text, kind, offset, include_declaration, &[])
}

/// [`references`] in a definition file that templates reference, with their
/// `DefinitionSubstitutions` (see [`highlights_through`]).
pub fn references_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    include_declaration: bool,
    substitutions: &[crate::embed::template::Substitutions],
) -> Vec<TextRange> {
    highlights_through(text, kind, offset, substitutions)
        .into_iter()
        .filter(|&(_, declaration)| include_declaration || !declaration)
        .map(|(r, _)| r)
        .collect()
}

/// The occurrences of the state name or variable at `offset` in the definition around
/// it, in document order, each marked `true` where it is defined (a state's key, an
/// `Assign` key) and `false` where it is used. In a template, a `${Name}` transition
/// whose `DefinitionSubstitutions` value is the state's name is one of its uses.
pub fn highlights(text: &str, kind: SourceKind, offset: u32) -> Vec<(TextRange, bool)> {
    highlights_through(text, kind, offset, &[])
}

/// [`highlights`] in a definition file that templates reference (`DefinitionUri`): a
/// `${Name}` transition whose value in one of their `substitutions` is the state's name
/// is one of its uses.
pub fn highlights_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[crate::embed::template::Substitutions],
) -> Vec<(TextRange, bool)> {
    if let Some(e) = in_string_at(text, kind, offset) {
        return highlights(&e.inner.text, e.kind, e.offset)
            .into_iter()
            .map(|(r, w)| (e.range(r), w))
            .collect();
    }
    // A template's `DefinitionSubstitutions` key: it is defined there and used by each
    // `${Name}` of the definition written in the template.
    if let Some(uses) = substitution_uses(text, kind, offset) {
        let mut found: Vec<(TextRange, bool)> = std::iter::once((uses.key, true))
            .chain(uses.uses.into_iter().map(|r| (r, false)))
            .collect();
        found.sort_by_key(|(r, _)| (r.start, r.end));
        return found;
    }
    super::with_named_machine_at(text, kind, offset, |machine_name, _, machine| {
        if let Some(at) =
            name_at(machine, offset).or_else(|| placeholder_target_at(machine, offset))
        {
            let substitutions = substitutions_here(text, kind, machine_name, substitutions);
            let at = through_placeholder(machine, at, &substitutions);
            let mut found: Vec<(TextRange, bool)> = occurrences(machine, at.scope, &at.name)
                .into_iter()
                .map(|r| (r.range, r.kind == RefKind::Declaration))
                .chain(
                    placeholders_reaching(machine, &at, &substitutions)
                        .into_iter()
                        .map(|(range, _)| (range, false)),
                )
                .collect();
            found.sort_by_key(|(r, _)| (r.start, r.end));
            found.dedup_by_key(|(r, _)| *r);
            return Some(found);
        }
        let (domain, name) = variable_at(text, machine, offset)?;
        Some(
            variable_occurrences(text, machine, domain, &name)
                .into_iter()
                .map(|o| (o.range, o.write))
                .collect(),
        )
    })
    .unwrap_or_default()
}

/// A template's `DefinitionSubstitutions` entry and where its name is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubstitutionUses {
    /// The entry's name (`Name` of `${Name}`).
    pub name: String,
    /// The entry's key.
    pub key: TextRange,
    /// Each `${Name}` token of the state machine's definition written in the template
    /// (`Definition`, `DefinitionString`), in document order.
    pub uses: Vec<TextRange>,
    /// The file the definition is read from (`DefinitionUri`, a local
    /// `DefinitionS3Location`), as written: its tokens are found there
    /// ([`placeholder_uses`]).
    pub file: Option<String>,
}

/// The `DefinitionSubstitutions` key at `offset` in a template, and the `${Name}` tokens
/// that its state machine's definition fills in from it.
pub fn substitution_uses(text: &str, kind: SourceKind, offset: u32) -> Option<SubstitutionUses> {
    if !super::may_be_template(text) {
        return None;
    }
    let doc = crate::syntax::parse(text, kind);
    let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
    use crate::embed::template::Body;
    definitions.iter().find_map(|d| {
        let entry = d
            .substitution_node?
            .as_object()?
            .iter()
            .find(|m| m.key_range.touches(offset))?;
        let (uses, file) = match &d.body {
            Body::Inline(node) | Body::Text(node) => (tokens_in(text, node, &entry.key), None),
            Body::File { uri, .. } => (Vec::new(), Some(uri.clone())),
            _ => (Vec::new(), None),
        };
        Some(SubstitutionUses {
            name: entry.key.to_string(),
            key: entry.key_range,
            uses,
            file,
        })
    })
}

/// Each `${name}` token in the definition file `text`, in document order: the uses of a
/// `DefinitionSubstitutions` entry of a template that names the file.
pub fn placeholder_uses(text: &str, kind: SourceKind, name: &str) -> Vec<TextRange> {
    let doc = crate::syntax::parse(text, kind);
    doc.root
        .as_ref()
        .map(|root| tokens_in(text, root, name))
        .unwrap_or_default()
}

/// Each `${name}` token in the string values at or below `node` (as written in
/// `text`), in document order; not `${!name}`, which is literal text.
fn tokens_in(text: &str, node: &Node<'_>, name: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    for n in node.descendants(usize::MAX) {
        if !matches!(n.value, Value::String(_) | Value::Placeholder(_)) {
            continue;
        }
        let Some(written) = text.get(n.range.as_usize()) else {
            continue;
        };
        let mut from = 0;
        while let Some(open) = written[from..].find("${").map(|i| from + i) {
            let Some(close) = written[open..].find('}').map(|i| open + i) else {
                break;
            };
            if written[open + 2..close].trim() == name {
                let start = n.range.start as usize + open;
                out.push(TextRange::from_usize(start, start + close + 1 - open));
            }
            from = close + 1;
        }
    }
    out.sort_by_key(|r| (r.start, r.end));
    // A YAML alias copies its anchor's ranges: one place in the text.
    out.dedup();
    out
}

/// The substitutions that fill the `${Name}` tokens of a definition: the template's
/// own, for its state machine `machine_name` written in it, else `given` (those of the
/// templates that name the file).
pub(super) fn substitutions_here<'g>(
    text: &str,
    kind: SourceKind,
    machine_name: Option<&str>,
    given: &'g [crate::embed::template::Substitutions],
) -> std::borrow::Cow<'g, [crate::embed::template::Substitutions]> {
    match machine_name.and_then(|name| template_substitutions(text, kind, name)) {
        Some(own) => std::borrow::Cow::Owned(vec![own]),
        None => std::borrow::Cow::Borrowed(given),
    }
}

/// The `DefinitionSubstitutions` of the template's state machine `name`.
fn template_substitutions(
    text: &str,
    kind: SourceKind,
    name: &str,
) -> Option<crate::embed::template::Substitutions> {
    let doc = crate::syntax::parse(text, kind);
    let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
    definitions
        .into_iter()
        .find(|d| d.name == name)
        .map(|d| d.substitutions)
}

/// The state a `${Name}` transition at `at` reaches, when `substitutions` give its
/// value and a state of the scope has that name; else `at` itself.
pub(super) fn through_placeholder(
    machine: &StateMachine<'_, '_>,
    at: NameRef,
    substitutions: &[crate::embed::template::Substitutions],
) -> NameRef {
    let Some(key) = placeholder_key(&at.name) else {
        return at;
    };
    let scope = machine.scope(at.scope);
    let reached = substitutions
        .iter()
        .filter_map(|subs| subs.get(key)?.as_deref())
        .find(|value| scope.state(value).is_some());
    match reached {
        Some(value) => NameRef {
            name: value.to_string(),
            ..at
        },
        None => at,
    }
}

/// `Name` of a `${Name}` token.
fn placeholder_key(token: &str) -> Option<&str> {
    token.strip_prefix("${")?.strip_suffix('}')
}

/// The range of the name to rename (inside its quotes) and the current name, when the
/// offset is on a state name that names an existing state.
pub fn prepare_rename(text: &str, kind: SourceKind, offset: u32) -> Option<(TextRange, String)> {
    if let Some(e) = in_string_at(text, kind, offset) {
        return prepare_rename(&e.inner.text, e.kind, e.offset).map(|(r, n)| (e.range(r), n));
    }
    with_machine_at(text, kind, offset, |_, machine| {
        if let Some(at) = name_at(machine, offset) {
            machine.scope(at.scope).state(&at.name)?;
            return Some((unquoted(text, at.range), at.name));
        }
        let (domain, name) = variable_at(text, machine, offset)?;
        let at = variable_occurrences(text, machine, domain, &name)
            .into_iter()
            .find(|o| o.range.touches(offset))?;
        Some((at.range, name))
    })
}

/// The places that spell the name at `offset` (a state's key and the `StartAt`, `Next`,
/// `Default` and catcher `Next` values that name it; a variable's `Assign` key and its
/// reads), for an editor to change together as the user types (LSP linked editing).
/// None unless every place spells it the same way (no escapes, no `$` prefix) and the
/// cursor is in one of them; a name with no other place to edit gives none either, and
/// so does a state that a template's `${Name}` reaches (the token is spelled otherwise).
pub fn linked_editing(text: &str, kind: SourceKind, offset: u32) -> Option<Vec<TextRange>> {
    linked_editing_through(text, kind, offset, &[])
}

/// [`linked_editing`] in a definition file that templates reference, with their
/// `DefinitionSubstitutions`: none for a state that one of the file's `${Name}`
/// reaches, as [`rename_blocked_by_substitutions`] refuses to rename it.
pub fn linked_editing_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[crate::embed::template::Substitutions],
) -> Option<Vec<TextRange>> {
    let ranges: Vec<TextRange> = highlights_through(text, kind, offset, substitutions)
        .into_iter()
        .map(|(r, _)| unquoted(text, r))
        .collect();
    let spelled = |r: &TextRange| text.get(r.as_usize());
    let first = spelled(ranges.first()?)?;
    let same = ranges.iter().all(|r| spelled(r) == Some(first));
    let at = ranges.iter().any(|r| r.start <= offset && offset <= r.end);
    (same && at && ranges.len() > 1 && !first.is_empty()).then_some(ranges)
}

/// The edits that rename the state at `offset` to `new_name`: its key and every
/// reference in its scope. Refuses names that are empty, too long or already taken.
pub fn rename(
    text: &str,
    kind: SourceKind,
    offset: u32,
    new_name: &str,
) -> Result<Vec<Edit>, String> {
    if let Some(e) = in_string_at(text, kind, offset) {
        // Each edit of the inner text goes back into the string, escaped; a name
        // written across a fold or a substituted piece cannot be renamed.
        let edits = rename(&e.inner.text, e.kind, e.offset, new_name)?;
        // A name the template's substitutions filled in (`"Next": "${Go}"`, `Go: B`):
        // the edit would overwrite the placeholder, cutting the substitution.
        // (The token's quotes are written; the name inside them was filled in.)
        if let Some(filled) = edits.iter().find(|edit| {
            (edit.range.start..edit.range.end)
                .any(|at| e.inner.map.style_at(at) == Style::Synthetic)
        }) {
            let written = &text[e.range(filled.range).as_usize()];
            let placeholder = written
                .find("${")
                .and_then(|i| Some(&written[i..i + written[i..].find('}')? + 1]))
                .unwrap_or(written);
            let name = e.inner.text[filled.range.as_usize()].trim_matches(['"', '\'']);
            return Err(reached_through(name, placeholder, "the template sets"));
        }
        return edits
            .into_iter()
            .map(|edit| {
                let map = &e.inner.map;
                map.edit(&e.inner.text, text, edit.range, &edit.replacement)
                    .map(|(range, replacement)| Edit {
                        range,
                        // A new name in an `Fn::Sub` template is literal text there.
                        replacement: if map.in_sub(edit.range.start) {
                            crate::embed::template::escape_sub(&replacement)
                        } else {
                            replacement
                        },
                    })
                    .ok_or_else(|| {
                        "this state name cannot be renamed inside the definition string".to_string()
                    })
            })
            .collect();
    }
    let result = with_machine_at(text, kind, offset, |_, machine| {
        let Some(at) = name_at(machine, offset) else {
            return Some(match variable_at(text, machine, offset) {
                Some((domain, name)) => rename_variable(text, machine, domain, &name, new_name),
                None => Err("there is no state or variable name here".to_string()),
            });
        };
        if machine.scope(at.scope).state(&at.name).is_none() {
            return Some(Err(format!("no state is named \"{}\"", at.name)));
        }
        if new_name == at.name {
            return Some(Ok(Vec::new()));
        }
        if new_name.is_empty() {
            return Some(Err("a state name cannot be empty".to_string()));
        }
        if new_name.chars().count() > 80 {
            return Some(Err("state names are limited to 80 characters".to_string()));
        }
        // What ASL109 and ASL713 would report on the renamed state.
        if new_name.chars().any(char::is_control) {
            return Some(Err(
                "a state name cannot hold control characters (tabs, line breaks)".to_string(),
            ));
        }
        if new_name.trim() != new_name {
            return Some(Err(
                "a state name should not start or end with white space".to_string()
            ));
        }
        if let Some(placeholder) = placeholder_naming(text, kind, offset, machine, &at) {
            return Some(Err(reached_through(
                &at.name,
                &placeholder,
                "the template sets",
            )));
        }
        if !machine.states_named(new_name).is_empty() {
            return Some(Err(format!(
                "a state named \"{new_name}\" already exists; names must be unique across the state machine"
            )));
        }
        let found = occurrences(machine, at.scope, &at.name);
        // A YAML alias (`Next: *first`) takes the new name from its anchor (`&first A`):
        // it is left as written when the anchored value is renamed too.
        let (aliases, names): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|r| kind == SourceKind::Yaml && text[r.range.as_usize()].starts_with('*'));
        for alias in &aliases {
            let anchor = format!("&{}", &text[alias.range.as_usize()][1..]);
            let renamed = names.iter().any(|r| {
                text[..r.range.start as usize]
                    .trim_end_matches([' ', '\t'])
                    .ends_with(&anchor)
            });
            if !renamed {
                return Some(Err(format!(
                    "\"{}\" is also written through the alias {} here, whose anchor is not a reference to the state: rename it by hand",
                    at.name,
                    &text[alias.range.as_usize()]
                )));
            }
        }
        Some(Ok(names
            .into_iter()
            .map(|r| Edit {
                range: r.range,
                replacement: string_like(kind, &text[r.range.as_usize()], new_name),
            })
            .collect()))
    });
    result.unwrap_or_else(|| Err("the document is not a state machine".to_string()))
}

/// A `${Name}` placeholder that a transition of the name's scope uses and that the
/// template's `DefinitionSubstitutions` resolve to the name: renaming the state alone
/// would leave that transition naming the old name.
fn placeholder_naming(
    text: &str,
    kind: SourceKind,
    offset: u32,
    machine: &StateMachine<'_, '_>,
    at: &NameRef,
) -> Option<String> {
    if !super::may_be_template(text) {
        return None;
    }
    let doc = crate::syntax::parse(text, kind);
    let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
    let definition = definitions.iter().find(
        |d| matches!(d.body, crate::embed::template::Body::Inline(n) if n.range.touches(offset)),
    )?;
    placeholder_reaching(machine, at, std::slice::from_ref(&definition.substitutions))
}

/// The first `${Name}` transition target (`StartAt`, `Next`, `Default`, a catcher's
/// `Next`, quoted or a plain YAML placeholder) in the scope of `at` whose value in one
/// of `substitutions` is the state's name.
fn placeholder_reaching(
    machine: &StateMachine<'_, '_>,
    at: &NameRef,
    substitutions: &[crate::embed::template::Substitutions],
) -> Option<String> {
    placeholders_reaching(machine, at, substitutions)
        .into_iter()
        .next()
        .map(|(_, token)| token)
}

/// The `${Name}` transition targets of `scope` (`StartAt`, `Next`, `Default`, a Choice
/// rule's or a catcher's `Next`; quoted or a plain YAML placeholder): the range of each
/// value (with its quotes) and the token.
pub(super) fn placeholder_targets(
    machine: &StateMachine<'_, '_>,
    scope: ScopeId,
) -> Vec<(TextRange, String)> {
    let text_of = |node: &Node<'_>| match &node.value {
        Value::String(s) | Value::Placeholder(s) if placeholder_key(s).is_some() => {
            Some((node.range, s.to_string()))
        }
        _ => None,
    };
    let scope = machine.scope(scope);
    scope
        .start_at
        .and_then(|m| text_of(&m.value))
        .into_iter()
        .chain(scope.states.iter().flat_map(|s| {
            let members = s
                .next
                .into_iter()
                .chain(s.choices.iter().filter_map(|r| r.next))
                .chain(s.default)
                .chain(s.catchers.iter().filter_map(|c| c.next));
            members
                .filter_map(|m| text_of(&m.value))
                .collect::<Vec<_>>()
        }))
        .collect()
}

/// The `${Name}` transition target at `offset` (a plain YAML placeholder is no state
/// name to [`name_at`]).
pub(super) fn placeholder_target_at(
    machine: &StateMachine<'_, '_>,
    offset: u32,
) -> Option<NameRef> {
    machine.scopes.iter().find_map(|scope| {
        placeholder_targets(machine, scope.id)
            .into_iter()
            .find(|(range, _)| range.touches(offset))
            .map(|(range, name)| NameRef {
                scope: scope.id,
                name,
                range,
                kind: RefKind::Transition,
            })
    })
}

/// Every `${Name}` transition target in the scope of `at` (as [`placeholder_reaching`]
/// finds them) whose value in one of `substitutions` is the state's name: the range of
/// the value (with its quotes) and the token, in document order.
pub(super) fn placeholders_reaching(
    machine: &StateMachine<'_, '_>,
    at: &NameRef,
    substitutions: &[crate::embed::template::Substitutions],
) -> Vec<(TextRange, String)> {
    if substitutions.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(TextRange, String)> = placeholder_targets(machine, at.scope)
        .into_iter()
        .filter(|(_, target)| {
            placeholder_key(target).is_some_and(|key| {
                substitutions.iter().any(|subs| {
                    subs.get(key)
                        .is_some_and(|v| v.as_deref() == Some(&at.name))
                })
            })
        })
        .collect();
    out.sort_by_key(|(r, _)| (r.start, r.end));
    // A YAML alias copies its anchor's range: one place in the text.
    out.dedup_by_key(|(r, _)| *r);
    out
}

/// Why the state at `offset` cannot be renamed in this document (a `${Name}` of its
/// template reaches it), for an editor to say before it asks for the new name.
pub fn rename_refusal(text: &str, kind: SourceKind, offset: u32) -> Option<String> {
    // Any name that passes the checks on names: the refusal does not depend on it.
    match rename(text, kind, offset, "asl-lint rename probe") {
        Err(why) if why.contains(REACHED_THROUGH) => Some(why),
        _ => None,
    }
}

/// For a file that templates reference (`DefinitionUri`), with their
/// `DefinitionSubstitutions`: why the state at `offset` cannot be renamed in the file
/// alone, when a `${Name}` transition reaches it through a substitution's value.
pub fn rename_blocked_by_substitutions(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[crate::embed::template::Substitutions],
) -> Option<String> {
    if substitutions.is_empty() {
        return None;
    }
    with_machine_at(text, kind, offset, |_, machine| {
        let at = name_at(machine, offset)?;
        machine.scope(at.scope).state(&at.name)?;
        let placeholder = placeholder_reaching(machine, &at, substitutions)?;
        Some(reached_through(
            &at.name,
            &placeholder,
            "the template's DefinitionSubstitutions set",
        ))
    })
}

/// What every refusal to rename a state that a `${Name}` transition reaches says.
const REACHED_THROUGH: &str = "is also reached through the placeholder";

/// Why the state `name` is not renamed: the transition `placeholder` reaches it, with
/// the value `setter` gives it.
fn reached_through(name: &str, placeholder: &str, setter: &str) -> String {
    format!(
        "\"{name}\" {REACHED_THROUGH} {placeholder}, whose value {setter}: rename it there too, by hand"
    )
}

/// The local files that a template's state machines are read from (SAM `DefinitionUri`,
/// a CloudFormation `DefinitionS3Location` path): the path's text (inside its quotes)
/// and the path as written, relative to the template's folder.
pub fn definition_files(text: &str, kind: SourceKind) -> Vec<(TextRange, String)> {
    if !super::may_be_template(text) {
        return Vec::new();
    }
    let doc = crate::syntax::parse(text, kind);
    let Some(definitions) = doc.root.as_ref().and_then(crate::embed::template::find) else {
        return Vec::new();
    };
    definitions
        .iter()
        .filter_map(|d| match &d.body {
            crate::embed::template::Body::File { uri, node } => {
                Some((unquoted(text, node.range), uri.clone()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::apply_edits;

    const TEXT: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Parallel", "Next": "B", "Branches": [
    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}}]},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "A"}], "Default": "B"}}}"#;

    fn at(needle: &str, nth: usize) -> u32 {
        TEXT.match_indices(needle).nth(nth).unwrap().0 as u32 + 1
    }

    #[test]
    fn linked_editing_covers_a_state_name_where_it_is_spelled_alike() {
        let spelled = |text: &str, ranges: Option<Vec<TextRange>>| -> Vec<String> {
            ranges
                .unwrap_or_default()
                .iter()
                .map(|r| format!("{}:{}", r.start, &text[r.as_usize()]))
                .collect()
        };
        // The top-level B: its key, the Parallel's Next and the Choice's Default (the
        // branch's own B is another state).
        let key = TEXT.rfind("\"B\": {\"Type\": \"Choice\"").unwrap() as u32 + 1;
        let got = spelled(TEXT, linked_editing(TEXT, SourceKind::Json, key));
        let starts: Vec<String> = [
            TEXT.find("\"Next\": \"B\"").unwrap() + 9,
            key as usize,
            TEXT.rfind("\"B\"}}}").unwrap() + 1,
        ]
        .iter()
        .map(|i| format!("{i}:B"))
        .collect();
        assert_eq!(got, starts);
        // YAML, plain and quoted: the inside of each.
        let yaml =
            "StartAt: Go\nStates:\n  Go: {Type: Pass, Next: \"Done\"}\n  'Done': {Type: Succeed}\n";
        let got = spelled(
            yaml,
            linked_editing(
                yaml,
                SourceKind::Yaml,
                yaml.find("Done").unwrap() as u32 + 1,
            ),
        );
        assert_eq!(
            got.iter()
                .map(|s| s.split(':').nth(1).unwrap())
                .collect::<Vec<_>>(),
            ["Done", "Done"]
        );
        // Spelled differently (an escape) or alone: none.
        let escaped = r#"{"StartAt": "\u0041", "States": {"A": {"Type": "Succeed"}}}"#;
        assert_eq!(
            linked_editing(
                escaped,
                SourceKind::Json,
                escaped.find("\"A\"").unwrap() as u32 + 1
            ),
            None
        );
        let alone =
            r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "Z": {"Type": "Succeed"}}}"#;
        assert_eq!(
            linked_editing(
                alone,
                SourceKind::Json,
                alone.find("\"Z\"").unwrap() as u32 + 1
            ),
            None
        );
        // Not on a name.
        assert_eq!(linked_editing(TEXT, SourceKind::Json, 2), None);
    }

    #[test]
    fn names_resolve_in_their_own_scope() {
        // "Next": "B" of the Parallel state is the top-level B (the last state).
        let def = definition(TEXT, SourceKind::Json, at("\"B\"", 0)).unwrap();
        assert_eq!(
            def.start as usize,
            TEXT.rfind("\"B\": {\"Type\": \"Choice\"").unwrap()
        );
        // StartAt "B" inside the branch is the branch's B.
        let def = definition(TEXT, SourceKind::Json, at("\"B\"", 1)).unwrap();
        assert_eq!(
            def.start as usize,
            TEXT.find("\"B\": {\"Type\": \"Pass\"").unwrap()
        );
        // Unknown names have no definition.
        assert_eq!(definition(TEXT, SourceKind::Json, 0), None);
    }

    #[test]
    fn variables_resolve_to_their_assign_keys_in_enclosing_scopes() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"total": 1, "other": 2}, "Next": "M"},
  "M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "I", "States": {
    "I": {"Type": "Pass", "Assign": {"inner": 3}, "Output": "{% $total + $inner + $states.input %}", "End": true}}}},
  "Z": {"Type": "Pass", "Output": "{% $inner %}", "End": true}}}"#;
        let use_total = text.find("$total").unwrap() as u32 + 2;
        let defs = variable_definitions(text, SourceKind::Json, use_total);
        assert_eq!(defs.len(), 1);
        assert_eq!(&text[defs[0].as_usize()], "\"total\"");
        let use_inner = text.find("$inner").unwrap() as u32 + 3;
        assert_eq!(
            variable_definitions(text, SourceKind::Json, use_inner).len(),
            1
        );
        // The top level cannot see a variable assigned inside the Map.
        let outer_inner = text.rfind("$inner").unwrap() as u32 + 3;
        assert_eq!(
            variable_definitions(text, SourceKind::Json, outer_inner),
            vec![]
        );
        let states = text.find("$states").unwrap() as u32 + 2;
        assert_eq!(variable_definitions(text, SourceKind::Json, states), vec![]);
    }

    #[test]
    fn references_of_a_top_level_state() {
        let on_key = TEXT.rfind("\"B\": {\"Type\": \"Choice\"").unwrap() as u32 + 1;
        let refs = references(TEXT, SourceKind::Json, on_key, true);
        let starts: Vec<usize> = refs.iter().map(|r| r.start as usize).collect();
        assert_eq!(
            starts,
            vec![
                TEXT.find("\"Next\": \"B\"").unwrap() + 8,
                TEXT.rfind("\"B\": {\"Type\": \"Choice\"").unwrap(),
                TEXT.rfind("\"Default\": \"B\"").unwrap() + 11,
            ]
        );
        assert_eq!(references(TEXT, SourceKind::Json, on_key, false).len(), 2);
    }

    #[test]
    fn rename_edits_key_and_references_only_in_scope() {
        let (range, name) = prepare_rename(TEXT, SourceKind::Json, at("\"B\"", 0)).unwrap();
        assert_eq!(name, "B");
        assert_eq!(&TEXT[range.as_usize()], "B");
        let edits = rename(TEXT, SourceKind::Json, at("\"B\"", 0), "Decide \"now\"").unwrap();
        assert_eq!(edits.len(), 3);
        let (out, n) = apply_edits(TEXT, &edits);
        assert_eq!(n, 3);
        assert!(out.contains(r#""Next": "Decide \"now\"", "Branches""#));
        assert!(out.contains(r#"{"StartAt": "B", "States": {"B": {"Type": "Pass""#));
        assert!(out.contains(r#""Default": "Decide \"now\"""#));
        assert_eq!(
            rename(TEXT, SourceKind::Json, at("\"B\"", 0), "C").unwrap_err(),
            "a state named \"C\" already exists; names must be unique across the state machine"
        );
        assert!(rename(TEXT, SourceKind::Json, at("\"B\"", 0), "").is_err());
        // Names that ASL109 or ASL713 would report are refused.
        assert_eq!(
            rename(TEXT, SourceKind::Json, at("\"B\"", 0), "Decide\tnow").unwrap_err(),
            "a state name cannot hold control characters (tabs, line breaks)"
        );
        assert_eq!(
            rename(TEXT, SourceKind::Json, at("\"B\"", 0), " Decide").unwrap_err(),
            "a state name should not start or end with white space"
        );
        assert!(prepare_rename(TEXT, SourceKind::Json, 3).is_none());
    }

    /// A YAML alias takes the new name from its anchor, so it stays as written; an alias
    /// whose anchor is not renamed with the state is refused.
    #[test]
    fn rename_keeps_yaml_aliases_of_renamed_anchors() {
        let text = "StartAt: &first A\nStates:\n  A: {Type: Pass, Next: B}\n  B:\n    Type: Choice\n    Choices: [{Variable: $.x, IsPresent: true, Next: *first}]\n    Default: C\n  C: {Type: Succeed}\n";
        let key = |text: &str| text.find("  A:").unwrap() as u32 + 2;
        let edits = rename(text, SourceKind::Yaml, key(text), "Alpha").unwrap();
        let (out, n) = apply_edits(text, &edits);
        assert_eq!(n, 2);
        assert_eq!(
            out,
            text.replace("&first A", "&first Alpha")
                .replace("  A: {", "  Alpha: {")
        );
        let text = "Comment: &c A\nStartAt: A\nStates:\n  A: {Type: Pass, Next: B}\n  B: {Type: Pass, Next: *c}\n";
        // A rule anchored in one Choice and aliased in another is one place in the text.
        let shared = "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Choices:\n      - &r {Variable: $.x, IsPresent: true, Next: B}\n    Default: C\n  C:\n    Type: Choice\n    Choices: [*r]\n    Default: B\n  B: {Type: Succeed}\n";
        let b = shared.find("  B:").unwrap() as u32 + 2;
        let edits = rename(shared, SourceKind::Yaml, b, "Bee").unwrap();
        let (out, n) = apply_edits(shared, &edits);
        assert_eq!(n, 3);
        assert_eq!(
            out,
            shared
                .replace("Next: B}", "Next: Bee}")
                .replace("Default: B\n", "Default: Bee\n")
                .replace("  B: {", "  Bee: {")
        );
        let edits = rename(text, SourceKind::Yaml, key(text), "Alpha");
        assert_eq!(
            edits.unwrap_err(),
            "\"A\" is also written through the alias *c here, whose anchor is not a reference to the state: rename it by hand"
        );
    }

    /// In an `Fn::Sub` template `${` starts a substitution: a new name holding it is
    /// written `${!`, which CloudFormation reads back as `${`. A DefinitionString that
    /// is no `Fn::Sub` keeps it as it is.
    #[test]
    fn rename_in_a_sub_template_escapes_the_new_name() {
        let template = |value: &str| {
            format!(
                "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: {value}\n        {{\"StartAt\": \"A\", \"States\": {{\n          \"A\": {{\"Type\": \"Pass\", \"Next\": \"Ende\"}},\n          \"Ende\": {{\"Type\": \"Succeed\"}}}}}}\n"
            )
        };
        for (value, written) in [("!Sub |", "\"Cost ${!x}\""), ("|", "\"Cost ${x}\"")] {
            let text = template(value);
            let off = text.rfind("\"Ende\"").unwrap() as u32 + 2;
            let edits = rename(&text, SourceKind::Yaml, off, "Cost ${x}").unwrap();
            assert_eq!(edits.len(), 2, "{value}");
            for e in &edits {
                assert_eq!(e.replacement, written, "{value}");
                assert_eq!(&text[e.range.as_usize()], "\"Ende\"");
            }
        }
    }

    #[test]
    fn each_definition_of_a_template_is_its_own_namespace() {
        // Two Serverless state machines with the same state names.
        let text = "service: shop\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines:\n    one:\n      definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n    two:\n      definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n";
        let second = text.match_indices("StartAt: A").nth(1).unwrap().0 as u32 + 9;
        let key = text.match_indices("A:").nth(1).unwrap().0 as u32;
        assert_eq!(
            definition(text, SourceKind::Yaml, second),
            Some(TextRange::new(key, key + 1))
        );
        let edits = rename(text, SourceKind::Yaml, second, "Start").unwrap();
        let (out, n) = apply_edits(text, &edits);
        assert_eq!(n, 2);
        assert_eq!(
            out,
            text.replacen("StartAt: A", "StartAt: Start", 2)
                .replacen("StartAt: Start", "StartAt: A", 1)
                .replacen("          A:", "          Start:", 2)
                .replacen("          Start:", "          A:", 1)
        );
        // Outside every definition: nothing.
        assert_eq!(definition(text, SourceKind::Yaml, 3), None);
    }

    const VARS: &str = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"total": 1, "count": 2}, "Next": "M"},
  "M": {"Type": "Map", "Items": "{% $states.input.items %}", "Next": "D", "ItemProcessor": {"StartAt": "I", "States": {
    "I": {"Type": "Pass", "Output": "{% $total + $count($states.input) + ($x := 2; $x) %}", "End": true}}}},
  "D": {"Type": "Map", "End": true, "Items": "{% [$total] %}", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "J", "States": {
    "J": {"Type": "Pass", "Assign": {"total": 0}, "Output": "{% $total %}", "End": true}}}}}}"#;

    fn nth(text: &str, needle: &str, n: usize) -> u32 {
        text.match_indices(needle).nth(n).unwrap().0 as u32
    }

    #[test]
    fn variables_are_symbols_of_their_domain() {
        // From the read inside the inline Map: the top-level key and both reads
        // outside the Distributed Map; the child workflow's `total` is another one.
        let read = nth(VARS, "$total", 0) + 3;
        let refs = references(VARS, SourceKind::Json, read, true);
        let texts: Vec<(u32, &str)> = refs
            .iter()
            .map(|r| (r.start, &VARS[r.as_usize()]))
            .collect();
        assert_eq!(
            texts,
            vec![
                (nth(VARS, "\"total\"", 0) + 1, "total"),
                (nth(VARS, "$total", 0) + 1, "total"),
                (nth(VARS, "$total", 1) + 1, "total"),
            ]
        );
        assert_eq!(references(VARS, SourceKind::Json, read, false).len(), 2);
        let inner = highlights(VARS, SourceKind::Json, nth(VARS, "$total", 2) + 1);
        assert_eq!(
            inner,
            vec![
                (
                    TextRange::new(nth(VARS, "\"total\"", 1) + 1, nth(VARS, "\"total\"", 1) + 6),
                    true
                ),
                (
                    TextRange::new(nth(VARS, "$total", 2) + 1, nth(VARS, "$total", 2) + 6),
                    false
                ),
            ]
        );
        // `count` is assigned, so `$count(...)` is a call of the variable's namesake
        // function only by name: the key is the one occurrence a highlight finds.
        let count = highlights(VARS, SourceKind::Json, nth(VARS, "\"count\"", 0) + 2);
        assert_eq!(count.len(), 1);
        // Names bound inside an expression and `$states` are not workflow variables.
        assert!(references(VARS, SourceKind::Json, nth(VARS, "$x", 1) + 1, true).is_empty());
        assert!(references(VARS, SourceKind::Json, nth(VARS, "$states", 0) + 2, true).is_empty());
    }

    #[test]
    fn renaming_a_variable_edits_its_domain_only() {
        let at = nth(VARS, "\"total\"", 0) + 2;
        let (range, name) = prepare_rename(VARS, SourceKind::Json, at).unwrap();
        assert_eq!((&VARS[range.as_usize()], name.as_str()), ("total", "total"));
        let edits = rename(VARS, SourceKind::Json, at, "sum_so_far").unwrap();
        let (out, n) = apply_edits(VARS, &edits);
        assert_eq!(n, 3);
        assert!(out.contains(r#""Assign": {"sum_so_far": 1, "count": 2}"#));
        assert!(out.contains("{% $sum_so_far + $count($states.input)"));
        assert!(out.contains(r#""Items": "{% [$sum_so_far] %}""#));
        assert!(out.contains(r#""Assign": {"total": 0}, "Output": "{% $total %}""#));
        // Typed with the `$` of a read, the name is the same.
        assert_eq!(
            rename(VARS, SourceKind::Json, at, "$sum_so_far").unwrap(),
            edits
        );
        for (new, error) in [
            ("count", "$count is already used where $total is visible"),
            ("x", "$x is already used where $total is visible"),
            (
                "sum",
                "$sum is a JSONata function; a variable of that name would hide it",
            ),
            ("2x", "\"2x\" cannot name a variable: "),
            ("states", "\"states\" cannot name a variable: "),
        ] {
            let e = rename(VARS, SourceKind::Json, at, new).unwrap_err();
            assert!(e.starts_with(error), "{new}: {e}");
        }
    }

    #[test]
    fn jsonpath_variables_rename_in_keys_paths_and_intrinsics() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Assign:\n      user.$: $.user\n    Next: B\n  B:\n    Type: Pass\n    Parameters:\n      name.$: $user.name\n      greeting.$: States.Format('Hi {}', $user.name)\n    End: true\n";
        let at = nth(text, "$user", 0) + 2;
        let (range, name) = prepare_rename(text, SourceKind::Yaml, at).unwrap();
        assert_eq!((&text[range.as_usize()], name.as_str()), ("user", "user"));
        let edits = rename(text, SourceKind::Yaml, at, "customer").unwrap();
        let (out, n) = apply_edits(text, &edits);
        assert_eq!(n, 3);
        assert_eq!(
            out,
            text.replace("user.$: $.user", "customer.$: $.user")
                .replace("$user.name", "$customer.name")
        );
    }

    #[test]
    fn template_definition_files_are_links() {
        let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: \"statemachine/flow.asl.json\"\n  Remote:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: s3://bucket/flow.asl.json\n";
        let links = definition_files(text, SourceKind::Yaml);
        assert_eq!(links.len(), 1);
        assert_eq!(&text[links[0].0.as_usize()], "statemachine/flow.asl.json");
        assert_eq!(links[0].1, "statemachine/flow.asl.json");
        assert!(definition_files(r#"{"StartAt": "A", "States": {}}"#, SourceKind::Json).is_empty());
    }

    #[test]
    fn a_state_reached_through_a_placeholder_is_not_renamed_half_way() {
        let text = r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {"M": {"Type": "AWS::Serverless::StateMachine", "Properties": {
  "DefinitionSubstitutions": {"Target": "Finish"},
  "Definition": {"StartAt": "Pause", "States": {
    "Pause": {"Type": "Wait", "Seconds": 5, "Next": "${Target}"},
    "Finish": {"Type": "Succeed"}}}}}}}"#;
        let at = text.find("\"Finish\": {").unwrap() as u32 + 2;
        assert_eq!(
            rename(text, SourceKind::Json, at, "Done").unwrap_err(),
            "\"Finish\" is also reached through the placeholder ${Target}, whose value the template sets: rename it there too, by hand"
        );
        let pause = text.find("\"Pause\": {").unwrap() as u32 + 2;
        assert_eq!(
            rename(text, SourceKind::Json, pause, "Hold").unwrap().len(),
            2
        );
        // A plain YAML placeholder too.
        let yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        After: Wait\n      Definition:\n        StartAt: Go\n        States:\n          Go:\n            Type: Pass\n            Next: ${After}\n          Wait:\n            Type: Succeed\n";
        let at = yaml.find("Wait:\n").unwrap() as u32 + 1;
        assert!(
            rename(yaml, SourceKind::Yaml, at, "Pause")
                .unwrap_err()
                .contains("placeholder ${After}")
        );
    }

    /// A `${Name}` leads to where the template gives its value.
    #[test]
    fn placeholders_lead_to_their_values() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        FnArn: !GetAtt Fn.Arn\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Task, Resource: \"${FnArn}\", Comment: \"${!Literal}\", End: true}\n";
        fn on(text: &str, token: &str) -> Option<String> {
            let at = text.find(token).unwrap() as u32 + 3;
            placeholder_definition(text, SourceKind::Yaml, at)
                .map(|r| text[r.as_usize()].to_string())
        }
        assert_eq!(on(sam, "${FnArn}").as_deref(), Some("FnArn"));
        assert_eq!(on(sam, "${!Literal}"), None);
        let outside = sam.find("Type: Task").unwrap() as u32;
        assert_eq!(placeholder_definition(sam, SourceKind::Yaml, outside), None);
        // An `Fn::Sub` [text, map]: its variable; else a resource of the template.
        let sub = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub\n        - '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"${Stage} ${Queue.Arn}\", \"End\": true}}}'\n        - Stage: prod\n";
        assert_eq!(on(sub, "${Stage}").as_deref(), Some("Stage"));
        assert_eq!(on(sub, "${Queue.Arn}").as_deref(), Some("Queue"));
    }

    /// An editor is told before it asks for the new name.
    #[test]
    fn a_refused_rename_is_refused_up_front() {
        let yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        After: Wait\n      Definition:\n        StartAt: Go\n        States:\n          Go:\n            Type: Pass\n            Next: ${After}\n          Wait:\n            Type: Succeed\n";
        let wait = yaml.find("Wait:\n").unwrap() as u32 + 1;
        assert!(
            rename_refusal(yaml, SourceKind::Yaml, wait)
                .is_some_and(|why| why.contains("placeholder ${After}"))
        );
        let go = yaml.find("Go:\n").unwrap() as u32 + 1;
        assert_eq!(rename_refusal(yaml, SourceKind::Yaml, go), None);
    }

    /// In a DefinitionString the substitutions are filled in before the names are
    /// read: a name that came from one is not renamed over its placeholder.
    #[test]
    fn a_definition_string_is_not_renamed_over_a_placeholder() {
        let text = r#"{"Resources":{"SM":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"DefinitionSubstitutions":{"Go":"B"},
"DefinitionString":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"${Go}\"},\"B\":{\"Type\":\"Pass\",\"End\":true}}}"}}}}"#;
        let at = text.find(r#"\"B\":{"#).unwrap() as u32 + 2;
        assert_eq!(
            rename(text, SourceKind::Json, at, "Zed").unwrap_err(),
            "\"B\" is also reached through the placeholder ${Go}, whose value the template sets: rename it there too, by hand"
        );
        let a = text.find(r#"\"A\":{"#).unwrap() as u32 + 2;
        assert_eq!(rename(text, SourceKind::Json, a, "Start").unwrap().len(), 2);
        let found: Vec<&str> = references(text, SourceKind::Json, at, true)
            .iter()
            .map(|r| &text[r.as_usize()])
            .collect();
        // The filled-in text names the state where the placeholder is written.
        assert_eq!(found, [r#"\"${Go}\""#, r#"\"B\""#]);
    }

    /// In a file a template references, the template's substitutions decide.
    #[test]
    fn a_referenced_file_is_not_renamed_past_a_substitution() {
        let text = r#"{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "Next": "${After}"}, "Wait": {"Type": "Succeed"}}}"#;
        let at = text.find("\"Wait\"").unwrap() as u32 + 2;
        let subs: crate::embed::template::Substitutions =
            [("After".to_string(), Some("Wait".to_string()))].into();
        assert_eq!(
            rename_blocked_by_substitutions(
                text,
                SourceKind::Json,
                at,
                std::slice::from_ref(&subs)
            )
            .as_deref(),
            Some(
                "\"Wait\" is also reached through the placeholder ${After}, whose value the template's DefinitionSubstitutions set: rename it there too, by hand"
            )
        );
        let go = text.find("\"Go\": {").unwrap() as u32 + 2;
        assert_eq!(
            rename_blocked_by_substitutions(text, SourceKind::Json, go, &[subs]),
            None
        );
        assert_eq!(
            rename_blocked_by_substitutions(text, SourceKind::Json, at, &[]),
            None
        );
    }

    /// A state reached through a `${Name}` transition is used there: its references
    /// and highlights hold the token, wherever the transition is (`StartAt`, `Next`, a
    /// Choice `Default`, a catcher's `Next`), and the token leads to the same ones.
    #[test]
    fn placeholders_are_uses_of_the_state_they_reach() {
        let yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        First: Check\n        Then: Finish\n        Other: Finish\n        Oops: Finish\n      Definition:\n        StartAt: ${First}\n        States:\n          Check:\n            Type: Choice\n            Choices:\n              - Variable: $.ok\n                BooleanEquals: true\n                Next: \"${Then}\"\n            Default: ${Other}\n          Work:\n            Type: Task\n            Resource: arn:aws:states:::lambda:invoke\n            Catch:\n              - ErrorEquals: [States.ALL]\n                Next: ${Oops}\n            End: true\n          Finish:\n            Type: Succeed\n";
        let texts = |found: Vec<TextRange>| -> Vec<&str> {
            found.iter().map(|r| &yaml[r.as_usize()]).collect()
        };
        let finish = yaml.find("Finish:\n            Type").unwrap() as u32 + 1;
        assert_eq!(
            texts(references(yaml, SourceKind::Yaml, finish, true)),
            ["\"${Then}\"", "${Other}", "${Oops}", "Finish"]
        );
        assert_eq!(
            texts(references(yaml, SourceKind::Yaml, finish, false)),
            ["\"${Then}\"", "${Other}", "${Oops}"]
        );
        let check = yaml.find("Check:\n").unwrap() as u32 + 1;
        assert_eq!(
            highlights(yaml, SourceKind::Yaml, check),
            vec![
                (
                    TextRange::from_usize(
                        yaml.find("${First}").unwrap(),
                        yaml.find("${First}").unwrap() + 8
                    ),
                    false
                ),
                (TextRange::new(check - 1, check + 4), true),
            ]
        );
        // From the token: the state it reaches.
        let token = yaml.find("${Other}").unwrap() as u32 + 3;
        assert_eq!(
            texts(references(yaml, SourceKind::Yaml, token, true)),
            ["\"${Then}\"", "${Other}", "${Oops}", "Finish"]
        );
        // The state is not spelled alike everywhere: no linked editing.
        assert_eq!(linked_editing(yaml, SourceKind::Yaml, finish), None);
        // A state no placeholder reaches keeps its own.
        let work = yaml.find("Work:\n").unwrap() as u32 + 1;
        assert_eq!(
            texts(references(yaml, SourceKind::Yaml, work, true)),
            ["Work"]
        );
    }

    /// In a definition file, the substitutions of the templates that name it decide.
    #[test]
    fn a_referenced_file_counts_the_placeholders_its_templates_fill() {
        let text = r#"{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "Next": "${NextStep}"}, "Finish": {"Type": "Succeed"}}}"#;
        let finish = text.find("\"Finish\"").unwrap() as u32 + 2;
        let subs: crate::embed::template::Substitutions =
            [("NextStep".to_string(), Some("Finish".to_string()))].into();
        let token = text.find("\"${NextStep}\"").unwrap() as u32;
        let key = text.find("\"Finish\"").unwrap() as u32;
        assert_eq!(
            highlights_through(text, SourceKind::Json, finish, std::slice::from_ref(&subs)),
            vec![
                (TextRange::new(token, token + 13), false),
                (TextRange::new(key, key + 8), true),
            ]
        );
        assert_eq!(
            references_through(
                text,
                SourceKind::Json,
                token + 3,
                false,
                std::slice::from_ref(&subs)
            ),
            vec![TextRange::new(token, token + 13)]
        );
        // Without its template, the file cannot tell.
        assert_eq!(
            references(text, SourceKind::Json, finish, true),
            vec![TextRange::new(key, key + 8)]
        );
        // Typing a new name in the key alone would cut the way through the placeholder.
        let go = text.find("\"Go\": {").unwrap() as u32 + 2;
        assert_eq!(
            linked_editing_through(text, SourceKind::Json, go, std::slice::from_ref(&subs))
                .map(|r| r.len()),
            Some(2)
        );
        let with_next = text.replace(
            r#""Type": "Succeed""#,
            r#""Type": "Pass", "Next": "Finish""#,
        );
        let finish_key = with_next.find("\"Finish\": {").unwrap() as u32 + 2;
        assert!(linked_editing(&with_next, SourceKind::Json, finish_key).is_some());
        assert_eq!(
            linked_editing_through(
                &with_next,
                SourceKind::Json,
                finish_key,
                std::slice::from_ref(&subs)
            ),
            None
        );
        // A value that is no state of the scope (an intrinsic, a typo) reaches nothing.
        let unknown: crate::embed::template::Substitutions =
            [("NextStep".to_string(), None)].into();
        assert_eq!(
            references_through(text, SourceKind::Json, token + 3, true, &[unknown]),
            vec![TextRange::new(token, token + 13)]
        );
    }

    /// An unquoted `${Name}` at the end of its line (YAML) is found from just after its
    /// `}`, as a quoted one is from its closing quote; not from further on.
    #[test]
    fn an_unquoted_placeholder_is_found_from_the_end_of_its_line() {
        for text in [
            "Resource: ${WorkFunctionArn}\nNext: B\n",
            "Resource: ${WorkFunctionArn}  \r\nNext: B\n",
            "Resource: ${WorkFunctionArn}",
        ] {
            let end = text.find('}').unwrap() as u32 + 1;
            let found = Some((TextRange::new(10, end), "WorkFunctionArn".to_string()));
            assert_eq!(placeholder_name_at(text, end - 1), found, "{text:?}");
            assert_eq!(placeholder_name_at(text, end), found, "{text:?}");
        }
        // Past the trailing spaces, on the next line: not on the token.
        let spaced = "Resource: ${WorkFunctionArn}  \nNext: B\n";
        let end = spaced.find('}').unwrap() as u32 + 1;
        assert_eq!(placeholder_name_at(spaced, end + 1), None);
        let next = spaced.find("Next").unwrap() as u32;
        assert_eq!(placeholder_name_at(spaced, next), None);
        // Followed by more on the line: the cursor after `}` is on what follows.
        let more = "Resource: ${WorkFunctionArn}-v2\n";
        let end = more.find('}').unwrap() as u32 + 1;
        assert_eq!(placeholder_name_at(more, end), None);
        // A brace that closes no token ends no placeholder.
        assert_eq!(placeholder_name_at("A: {B: c}\n", 9), None);
    }

    /// A template's entry for a `${Name}` of a file it names, by state machine.
    #[test]
    fn a_template_gives_the_entry_of_a_file_placeholder() {
        let file = r#"{"Comment": "${!Literal} ${ }", "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${Then}"}}}"#;
        let at = file.find("${Then}").unwrap();
        assert_eq!(
            placeholder_name_at(file, at as u32 + 6),
            Some((TextRange::from_usize(at, at + 7), "Then".to_string()))
        );
        // From the quote before it to its `}`: where an editor puts the cursor on a
        // double click or at the start of the value.
        for offset in [at - 1, at, at + 1, at + 2] {
            assert_eq!(
                placeholder_name_at(file, offset as u32),
                Some((TextRange::from_usize(at, at + 7), "Then".to_string())),
                "{offset}"
            );
        }
        // On the closing quote too, but not past it.
        assert_eq!(
            placeholder_name_at(file, at as u32 + 7),
            Some((TextRange::from_usize(at, at + 7), "Then".to_string()))
        );
        assert_eq!(placeholder_name_at(file, at as u32 + 8), None);
        let yaml = "Next: '${Then}' # then\n";
        let quote = yaml.find("' #").unwrap() as u32;
        assert_eq!(
            placeholder_name_at(yaml, quote),
            Some((TextRange::new(7, 14), "Then".to_string()))
        );
        assert_eq!(placeholder_name_at(yaml, quote + 1), None);
        // Of two tokens side by side, the one under the cursor.
        let two = "\"${A}${Bee}\"";
        assert_eq!(
            placeholder_name_at(two, 4).map(|t| t.1),
            Some("A".to_string())
        );
        assert_eq!(
            placeholder_name_at(two, 5).map(|t| t.1),
            Some("Bee".to_string())
        );
        assert_eq!(
            placeholder_name_at(two, 11).map(|t| t.1),
            Some("Bee".to_string())
        );
        assert_eq!(
            placeholder_name_at(file, file.find("${!").unwrap() as u32 + 3),
            None
        );
        assert_eq!(
            placeholder_name_at(file, file.find("${ }").unwrap() as u32 + 2),
            None
        );
        let template = "Resources:\n  One:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: a.asl.json\n      DefinitionSubstitutions:\n        Then: B\n  Two:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: a.asl.json\n      DefinitionSubstitutions:\n        Then: !Ref Next  # from a parameter\n";
        let (key, written) = substitution_entry(template, SourceKind::Yaml, "Two", "Then").unwrap();
        assert_eq!(key.start as usize, template.rfind("Then:").unwrap());
        assert_eq!(&template[key.as_usize()], "Then");
        assert_eq!(written, "Then: !Ref Next");
        assert_eq!(
            substitution_entry(template, SourceKind::Yaml, "One", "Then").map(|(_, w)| w),
            Some("Then: B".to_string())
        );
        assert_eq!(
            substitution_entry(template, SourceKind::Yaml, "One", "Else"),
            None
        );
        assert_eq!(
            substitution_entry(template, SourceKind::Yaml, "Three", "Then"),
            None
        );
    }

    /// From a `DefinitionSubstitutions` key: the key and each `${Name}` of its state
    /// machine's definition, not a literal `${!Name}` nor another machine's token.
    #[test]
    fn a_substitution_key_leads_to_its_placeholders() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Cases:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        WorkOnCaseArn: !GetAtt WorkOnCase.Arn\n        Other: x\n      Definition:\n        StartAt: Work\n        States:\n          Work:\n            Type: Task\n            Resource: ${WorkOnCaseArn}\n            Parameters:\n              FunctionName: \"${WorkOnCaseArn}:$LATEST\"\n              Note: \"${!WorkOnCaseArn}\"\n            End: true\n  Second:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        WorkOnCaseArn: y\n      Definition:\n        StartAt: W\n        States:\n          W: {Type: Task, Resource: \"${WorkOnCaseArn}\", End: true}\n";
        let key = sam.find("WorkOnCaseArn: !GetAtt").unwrap();
        let first = sam.find("${WorkOnCaseArn}").unwrap();
        let second = sam.find("${WorkOnCaseArn}:$LATEST").unwrap();
        let token = |at: usize| TextRange::from_usize(at, at + 16);
        let key_range = TextRange::from_usize(key, key + 13);
        for offset in [key, key + 5, key + 13] {
            assert_eq!(
                highlights(sam, SourceKind::Yaml, offset as u32),
                vec![
                    (key_range, true),
                    (token(first), false),
                    (token(second), false)
                ],
                "{offset}"
            );
        }
        assert_eq!(
            references(sam, SourceKind::Yaml, key as u32 + 3, false),
            vec![token(first), token(second)]
        );
        assert_eq!(
            references(sam, SourceKind::Yaml, key as u32 + 3, true),
            vec![key_range, token(first), token(second)]
        );
        // The second machine's key: its own token only.
        let other_key = sam.rfind("WorkOnCaseArn: y").unwrap();
        let other_use = sam.rfind("${WorkOnCaseArn}").unwrap();
        assert_eq!(
            references(sam, SourceKind::Yaml, other_key as u32, true),
            vec![
                TextRange::from_usize(other_key, other_key + 13),
                token(other_use)
            ]
        );
        // An entry no token uses: the key alone.
        let unused = sam.find("Other: x").unwrap();
        assert_eq!(
            highlights(sam, SourceKind::Yaml, unused as u32 + 1),
            vec![(TextRange::from_usize(unused, unused + 5), true)]
        );
        // A template whose definition is a file: the file is named for its uses.
        let uri = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        NextStep: Finish\n";
        let at = uri.find("NextStep").unwrap();
        assert_eq!(
            substitution_uses(uri, SourceKind::Yaml, at as u32 + 2),
            Some(SubstitutionUses {
                name: "NextStep".to_string(),
                key: TextRange::from_usize(at, at + 8),
                uses: Vec::new(),
                file: Some("sm/flow.asl.json".to_string()),
            })
        );
        let file = r#"{"Comment": "${NextStep} ${!NextStep}", "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${ NextStep }"}, "Finish": {"Type": "Succeed"}}}"#;
        let comment = file.find("${NextStep}").unwrap();
        let next = file.find("${ NextStep }").unwrap();
        assert_eq!(
            placeholder_uses(file, SourceKind::Json, "NextStep"),
            vec![
                TextRange::from_usize(comment, comment + 11),
                TextRange::from_usize(next, next + 13)
            ]
        );
    }
}
