//! Completion candidates for a position: fields allowed for the state's type and query
//! language, `Type` values, state names for transitions, snippets for whole states,
//! service integration ARNs, error names, intrinsic functions, JSONata functions and
//! variables.

use crate::model::context::{Below, CONTEXT_OBJECT, context_field};
use crate::model::{QueryLanguage, StateMachine, StateType};
use crate::syntax::{PathStep, SourceKind, TextRange, Value};

use super::catalog::{self, Field, Shape};
use super::input_fields::{PathTarget, known_input, members_below, path_target, result_of};
use super::{Container, Cursor, Slot, locate, with_machine_at};
use crate::syntax::edit::string_like;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    StateType,
    State,
    Snippet,
    Arn,
    Value,
    Function,
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text that replaces `range`; an LSP snippet when `snippet`.
    pub insert: String,
    pub snippet: bool,
    pub range: TextRange,
    /// What the client matches the typed text against (it includes the opening quote
    /// when the replaced token has one).
    pub filter: String,
}

/// Completion candidates at `offset`.
pub fn completions(text: &str, kind: SourceKind, offset: u32) -> Vec<Completion> {
    // (Before the string case: a word alone under `Definition:` reads as a string.)
    if let Some(items) = first_key_items(text, kind, offset) {
        return items;
    }
    // In a definition written as a string (`DefinitionString`): completed in its text,
    // each item's range and text mapped back into the template (escaped as the string
    // is written). An item that cannot be written there exactly is left out.
    if let Some(e) = super::in_string_at(text, kind, offset) {
        let inner = &e.inner;
        return completions(&inner.text, e.kind, e.offset)
            .into_iter()
            .filter_map(|c| {
                let (range, insert) = inner.map.edit(&inner.text, text, c.range, &c.insert)?;
                let style = inner.map.style_at(c.range.start);
                let filter = crate::embed::sourcemap::escape(&c.filter, style)?;
                Some(Completion {
                    range,
                    insert,
                    filter,
                    ..c
                })
            })
            .collect();
    }
    // A plain YAML value that ends in `:` at the cursor (`Resource: arn:`, each `:` of an
    // ARN being typed fires a request) reads as a mapping, not as the value: completed
    // in the text with those colons made letters (same length, so ranges hold), the
    // value then spans what is typed, as a quoted one does.
    if let Some(mended) = mend_plain_colon_value(text, kind, offset) {
        return completions(&mended, kind, offset);
    }
    // A key being typed alone on its line (`"`, `""`, `"Com`) can make the parser drop
    // the members after it; they are read from the text with that line blank, so they
    // are neither offered again nor contradicted (`Next` beside `End`).
    let below: Vec<String> = blank_key_line(text, kind, offset)
        .and_then(|blank| {
            with_machine_at(&blank, kind, offset, |root, machine| {
                let cursor = locate(&blank, kind, root, machine, offset)?;
                matches!(cursor.slot, Slot::Key { .. })
                    .then(|| existing_keys(&blank, machine, &cursor, None, offset))
            })
        })
        .unwrap_or_default();
    with_machine_at(text, kind, offset, |root, machine| {
        let cursor = locate(text, kind, root, machine, offset)?;
        Some(complete(text, kind, machine, &cursor, offset, &below))
    })
    .unwrap_or_default()
}

/// The fields of a state machine at a first key being typed (or none yet) in a YAML
/// definition not begun: an empty document, or a template's empty `Definition:`. There
/// is no machine yet to find the cursor in, so a definition typed from scratch had no
/// answers until its `StartAt` was written.
fn first_key_items(text: &str, kind: SourceKind, offset: u32) -> Option<Vec<Completion>> {
    if kind != SourceKind::Yaml {
        return None;
    }
    let at = (offset as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let typed = &text[line_start..at];
    let word = typed.trim_start_matches(' ');
    if !word.bytes().all(super::is_word_byte) || !text[at..line_end].trim().is_empty() {
        return None;
    }
    let indent = typed.len() - word.len();
    // Nothing but blank and comment lines.
    let blank = |s: &str| {
        s.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#')
        })
    };
    let empty = if super::may_be_template(text) {
        // (The line above must end the property's key, or no parse is needed.)
        let above = text[..line_start].trim_end();
        let key = above.get(above.len().saturating_sub("definition:".len())..);
        if !key.is_some_and(|k| k.eq_ignore_ascii_case("definition:")) {
            return None;
        }
        let doc = crate::syntax::parse(text, kind);
        let definitions = crate::embed::template::find(doc.root.as_ref()?)?;
        definitions.iter().any(|d| {
            let p = d.property;
            let key_start = p.key_range.start as usize;
            let key_column = key_start - text[..key_start].rfind('\n').map_or(0, |i| i + 1);
            let after_key = text.get(p.key_range.end as usize..line_start);
            p.key.eq_ignore_ascii_case("definition")
                && matches!(p.value.value, Value::Null | Value::String(_))
                && after_key.is_some_and(|g| g.trim() == ":")
                && indent > key_column
        })
    } else {
        blank(&text[..line_start]) && blank(&text[line_end..])
    };
    if !empty {
        return None;
    }
    let ctx = Ctx {
        text,
        kind,
        range: TextRange::new(offset - word.len() as u32, offset),
        quote: None,
    };
    Some(
        catalog::MACHINE_FIELDS
            .iter()
            .filter(|f| f.name != "ProcessorConfig")
            .map(|f| field_item(&ctx, f, false))
            .collect(),
    )
}

/// `text` with the colons that end a plain YAML value at `offset` (`Key: arn:aws:::`,
/// nothing after it on the line) made `x`, when there are such.
fn mend_plain_colon_value(text: &str, kind: SourceKind, offset: u32) -> Option<String> {
    if kind != SourceKind::Yaml {
        return None;
    }
    let at = (offset as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if !text[at..line_end].trim().is_empty() {
        return None;
    }
    let before = &text[line_start..at];
    let value = &before[before.find(": ")? + 2..];
    let value = value.trim_start();
    let word = value.trim_end_matches(':');
    let plain = !word.is_empty()
        && !word.starts_with(['"', '\'', '{', '[', '&', '*', '!', '|', '>', '#'])
        && !value.contains(char::is_whitespace);
    if !plain || word.len() == value.len() {
        return None;
    }
    let colons = at - (value.len() - word.len());
    let mut mended = String::with_capacity(text.len());
    mended.push_str(&text[..colons]);
    mended.extend(std::iter::repeat_n('x', at - colons));
    mended.push_str(&text[at..]);
    Some(mended)
}

/// `text` with the JSON line at `offset` blanked (same length, so offsets hold) when
/// all it holds is a key being typed: a quote, then a word, then maybe its closing
/// quote.
fn blank_key_line(text: &str, kind: SourceKind, offset: u32) -> Option<String> {
    if kind != SourceKind::Json {
        return None;
    }
    let at = (offset as usize).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[start..end].trim();
    let word = line.strip_prefix('"')?;
    let word = word.strip_suffix('"').unwrap_or(word);
    if !word.bytes().all(super::is_word_byte) {
        return None;
    }
    let mut blank = String::with_capacity(text.len());
    blank.push_str(&text[..start]);
    blank.extend(
        text[start..end]
            .chars()
            .map(|c| if c == '\r' { c } else { ' ' }),
    );
    blank.push_str(&text[end..]);
    Some(blank)
}

/// The text of `c` for a client that inserts it as it is (no snippets, or a plain
/// item): the snippet syntax removed, and each line after the first indented from
/// where the item starts, as an editor indents a snippet. That is the line's
/// indentation, or in YAML the column of a key after `- `, so that what the item
/// opens nests under it; a tab is two spaces.
pub fn plain_insert(text: &str, kind: SourceKind, c: &Completion) -> String {
    let plain = if c.snippet {
        snippet_to_plain(&c.insert)
    } else {
        c.insert.clone()
    };
    if !plain.contains('\n') {
        return plain;
    }
    let start = (c.range.start as usize).min(text.len());
    let prefix = &text[super::line_start(text, start)..start];
    let base = match kind {
        SourceKind::Yaml if prefix.bytes().all(|b| b == b' ' || b == b'-') => {
            " ".repeat(prefix.len())
        }
        _ => prefix[..prefix.len() - prefix.trim_start_matches([' ', '\t']).len()].to_string(),
    };
    plain
        .replace('\t', "  ")
        .replace('\n', &format!("\n{base}"))
}

/// Removes snippet syntax: `${1:default}` → `default`, `${1|a,b|}` → `a`, `$1` → ``,
/// `\$` → `$`.
fn snippet_to_plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                match chars.next() {
                    Some(':') => {
                        let mut depth = 0;
                        for n in chars.by_ref() {
                            match n {
                                '}' if depth == 0 => break,
                                '{' => depth += 1,
                                '}' => depth -= 1,
                                _ => {}
                            }
                            if n != '$' {
                                out.push(n);
                            }
                        }
                    }
                    Some('|') => {
                        let mut first = true;
                        for n in chars.by_ref() {
                            match n {
                                '}' => break,
                                ',' | '|' => first = false,
                                _ if first => out.push(n),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

struct Ctx<'t> {
    text: &'t str,
    kind: SourceKind,
    range: TextRange,
    /// The replaced token starts with a quote.
    quote: Option<char>,
}

impl Ctx<'_> {
    fn filter(&self, label: &str) -> String {
        match self.quote {
            Some(q) => format!("{q}{label}{q}"),
            None => label.to_string(),
        }
    }

    /// A string value, quoted as the document needs.
    fn string(&self, value: &str) -> String {
        let original = &self.text[self.range.as_usize()];
        match (self.kind, self.quote) {
            (SourceKind::Yaml, None) => string_like(self.kind, "", value),
            _ => string_like(self.kind, original, value),
        }
    }

    fn item(&self, label: &str, kind: CompletionKind, insert: String, snippet: bool) -> Completion {
        Completion {
            label: label.to_string(),
            kind,
            detail: None,
            documentation: None,
            insert,
            snippet,
            range: self.range,
            filter: self.filter(label),
        }
    }
}

fn complete(
    text: &str,
    kind: SourceKind,
    machine: &StateMachine<'_, '_>,
    cursor: &Cursor,
    offset: u32,
    below: &[String],
) -> Vec<Completion> {
    match &cursor.slot {
        Slot::Key {
            range,
            current,
            has_colon,
        } => {
            let range = &unterminated_word(text, *range, offset);
            let ctx = Ctx {
                text,
                kind,
                range: *range,
                quote: text[range.as_usize()]
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\''),
            };
            let mut existing = existing_keys(text, machine, cursor, current.as_deref(), offset);
            existing.extend(
                below
                    .iter()
                    .filter(|k| !existing.contains(k))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            let mut items = key_completions(&ctx, machine, cursor, &existing, *has_colon);
            // A member written before another one in JSON needs a comma after it, or
            // accepting the completion breaks the document.
            let next = text[range.end as usize..]
                .bytes()
                .find(|b| !b.is_ascii_whitespace());
            if kind == SourceKind::Json && !*has_colon && next == Some(b'"') {
                for item in &mut items {
                    item.insert.push(',');
                }
            }
            items
        }
        Slot::Value { key, range, .. } => {
            let range = &unterminated_word(text, *range, offset);
            let ctx = Ctx {
                text,
                kind,
                range: *range,
                quote: text[range.as_usize()]
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\''),
            };
            let mut items = value_completions(&ctx, machine, cursor, key, offset);
            // `Type:` with nothing after the colon: YAML needs a space before the value
            // (`Type:Pass` is one plain string).
            if kind == SourceKind::Yaml
                && range.start > 0
                && text.as_bytes()[range.start as usize - 1] == b':'
            {
                for item in &mut items {
                    item.insert.insert(0, ' ');
                }
            }
            items
        }
    }
}

/// A string the author is typing, whose closing quote is not there yet (`"Ta,`, or a
/// key `"},` after a lone quote): the reader runs it to the end of the line, but the
/// completion replaces only the quote, everything typed up to the cursor (`:`, spaces
/// and non-ASCII letters included: `"arn:aws:states:::lam`, `"Fin `, `"Ét`) and the
/// word the cursor is in, not the comma, brace or whatever follows.
fn unterminated_word(text: &str, range: TextRange, offset: u32) -> TextRange {
    let bytes = text.as_bytes();
    let token = &bytes[range.as_usize()];
    let closed = token.len() >= 2 && token.last() == Some(&b'"');
    if token.first() != Some(&b'"') || closed {
        return range;
    }
    let mut end = (offset as usize).clamp(range.start as usize + 1, range.end as usize);
    // The rest of the word under the cursor; a byte of a non-ASCII letter is part of it
    // (so the range never ends inside a character).
    while end < range.end as usize && (super::is_word_byte(bytes[end]) || !bytes[end].is_ascii()) {
        end += 1;
    }
    TextRange::from_usize(range.start as usize, end)
}

/// The keys already present in the container (so they are not offered again).
fn existing_keys(
    text: &str,
    machine: &StateMachine<'_, '_>,
    cursor: &Cursor,
    current: Option<&str>,
    offset: u32,
) -> Vec<String> {
    // A retrier, catcher or Choice rule: the innermost object at the cursor inside the
    // state's Retry, Catch or Choices (a rule nested in And/Or/Not is its own).
    let within = |id: crate::model::StateId, field: &str| {
        let value = &machine.state(id).field(field)?.value;
        let mut object = None;
        for step in value.find_at(offset) {
            let at = match step {
                PathStep::Member(m) => &m.value,
                PathStep::Index(_, n) => n,
                PathStep::Key(_) => break,
            };
            if at.as_object().is_some() {
                object = Some(at);
            }
        }
        // A YAML block mapping ends at its last value: on a line after it, the cursor
        // is in the last one before it whose keys stand at its column.
        object.or_else(|| {
            let column = |at: u32| at as usize - super::line_start(text, at as usize);
            let mut best: Option<&crate::syntax::Node<'_>> = None;
            let mut stack = vec![value];
            while let Some(n) = stack.pop() {
                match &n.value {
                    crate::syntax::Value::Object(members) => {
                        if let Some(first) = members.first()
                            && n.range.end <= offset
                            && column(first.key_range.start) == column(offset)
                            && text
                                .get(n.range.end as usize..offset as usize)
                                .is_some_and(|gap| gap.trim().is_empty())
                            && best.is_none_or(|b| b.range.start < n.range.start)
                        {
                            best = Some(n);
                        }
                        stack.extend(members.iter().map(|m| &m.value));
                    }
                    crate::syntax::Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
            best
        })
    };
    let node = match cursor.container {
        Container::State(id) => Some(machine.state(id).node),
        Container::Machine(scope) => Some(machine.scope(scope).node),
        Container::Retrier(id) => within(id, "Retry"),
        Container::Catcher(id) => within(id, "Catch"),
        Container::ChoiceRule { state, .. } => within(state, "Choices"),
        Container::ProcessorConfig(scope) => super::processor_config(machine.scope(scope)),
        _ => None,
    };
    node.and_then(|n| n.as_object())
        .unwrap_or(&[])
        .iter()
        .map(|m| m.key.to_string())
        .filter(|k| Some(k.as_str()) != current)
        .collect()
}

fn key_completions(
    ctx: &Ctx<'_>,
    machine: &StateMachine<'_, '_>,
    cursor: &Cursor,
    existing: &[String],
    has_colon: bool,
) -> Vec<Completion> {
    let field_items = |fields: &[Field], ql: QueryLanguage, filter: &dyn Fn(&Field) -> bool| {
        fields
            .iter()
            .filter(|f| f.only.is_none_or(|only| only == ql))
            .filter(|f| filter(f))
            .filter(|f| !existing.iter().any(|e| e == f.name))
            .map(|f| field_item(ctx, f, has_colon))
            .collect::<Vec<_>>()
    };
    match cursor.container {
        Container::State(id) => {
            let state = machine.state(id);
            let ql = state.query_language;
            // None that excludes a field the state has (`Next` and `End`, `Seconds` and
            // `TimestampPath`, ...).
            let excluded = |name: &str| {
                catalog::EXCLUSIVE_STATE_FIELDS.iter().any(|group| {
                    group.contains(&name)
                        && existing
                            .iter()
                            .any(|e| e != name && group.contains(&e.as_str()))
                })
            };
            field_items(catalog::STATE_FIELDS, ql, &|f| {
                state.kind.is_none_or(|t| f.types.contains(t)) && !excluded(f.name)
            })
        }
        Container::Machine(scope) => {
            let top = scope == 0;
            let processor = matches!(
                machine.scope(scope).kind,
                crate::model::ScopeKind::Processor { .. }
            );
            field_items(
                catalog::MACHINE_FIELDS,
                machine.query_language,
                &|f| match f.name {
                    "QueryLanguage" | "TimeoutSeconds" | "Version" => top,
                    "ProcessorConfig" => processor,
                    _ => true,
                },
            )
        }
        Container::Retrier(id) => field_items(
            catalog::RETRIER_FIELDS,
            machine.state(id).query_language,
            &|_| true,
        ),
        Container::Catcher(id) => field_items(
            catalog::CATCHER_FIELDS,
            machine.state(id).query_language,
            &|_| true,
        ),
        Container::ChoiceRule { state, nested } => {
            // A rule tests one thing: with a comparison (or And, Or, Not, Condition)
            // written, no other is offered.
            let tests =
                |name: &str| !matches!(name, "Next" | "Variable" | "Assign" | "Output" | "Comment");
            let tested = existing
                .iter()
                .any(|e| tests(e) && catalog::CHOICE_RULE_FIELDS.iter().any(|f| f.name == e));
            field_items(
                catalog::CHOICE_RULE_FIELDS,
                machine.state(state).query_language,
                &|f| {
                    let outer_only = nested && matches!(f.name, "Next" | "Assign" | "Output");
                    let second_test = tested && tests(f.name);
                    !outer_only && !second_test
                },
            )
        }
        Container::ProcessorConfig(_) => field_items(
            catalog::PROCESSOR_CONFIG_FIELDS,
            machine.query_language,
            &|_| true,
        ),
        Container::States(_) if !has_colon => state_snippets(ctx, machine.query_language),
        _ => request_field_items(ctx, machine, has_colon),
    }
}

/// The request fields of the optimized integration whose Parameters (Arguments in
/// JSONata) the cursor is directly in, the required ones first; none already there.
fn request_field_items(
    ctx: &Ctx<'_>,
    machine: &StateMachine<'_, '_>,
    has_colon: bool,
) -> Vec<Completion> {
    use crate::rules::resources::{
        integration_request, missing_integration_parameter::required_fields,
        unknown_integration_field::request_fields,
    };
    let offset = ctx.range.start;
    // A YAML block mapping ends at its last value: a key typed on a line after it
    // belongs to it when it stands at the column of its keys.
    let column = |at: u32| at as usize - super::line_start(ctx.text, at as usize);
    // The request the cursor is directly in: in it (or, in YAML, on a line after it at
    // its keys' column), and in no object or array inside it.
    let found = machine.all_states().find_map(|state| {
        let (action, field, members) = integration_request(state)?;
        let request = &state.field(field)?.value;
        let nested = members.iter().any(|m| {
            matches!(
                m.value.value,
                crate::syntax::Value::Object(_) | crate::syntax::Value::Array(_)
            ) && m.value.range.start < offset
                && offset < m.value.range.end
        });
        let in_yaml_block = ctx.kind == SourceKind::Yaml
            && members
                .first()
                .is_some_and(|m| column(m.key_range.start) == column(offset))
            && request.range.end <= offset
            && ctx
                .text
                .get(request.range.end as usize..offset as usize)
                .is_some_and(|gap| {
                    gap.lines()
                        .skip(1)
                        .all(|l| l.trim().is_empty() || super::column_of(l) >= column(offset))
                });
        ((request.range.touches(offset) || in_yaml_block) && !nested).then_some((action, members))
    });
    let Some((action, members)) = found else {
        return Vec::new();
    };
    let Some(fields) = request_fields(action) else {
        return Vec::new();
    };
    let required = required_fields(action);
    let present = |name: &str| {
        members.iter().any(|m| {
            m.key.strip_suffix(".$").unwrap_or(&m.key) == name && !m.key_range.touches(offset)
        })
    };
    let json = ctx.kind == SourceKind::Json;
    let mut names: Vec<&str> = fields.iter().copied().filter(|f| !present(f)).collect();
    names.sort_by_key(|f| !required.contains(f));
    names
        .into_iter()
        .map(|name| {
            let key = if json || ctx.quote.is_some() {
                ctx.string(name)
            } else {
                name.to_string()
            };
            let (insert, snippet) = match (has_colon, json) {
                (true, _) => (key, false),
                (false, true) => (format!("{}: \"$1\"", snippet_escape(&key)), true),
                (false, false) => (format!("{}: $1", snippet_escape(&key)), true),
            };
            let need = if required.contains(&name) {
                "required"
            } else {
                "optional"
            };
            Completion {
                detail: Some(format!("{action} request field ({need})")),
                ..ctx.item(name, CompletionKind::Field, insert, snippet)
            }
        })
        .collect()
}

fn field_item(ctx: &Ctx<'_>, f: &Field, has_colon: bool) -> Completion {
    let json = ctx.kind == SourceKind::Json;
    let key = if json || ctx.quote.is_some() {
        ctx.string(f.name)
    } else {
        f.name.to_string()
    };
    let (insert, snippet) = if has_colon {
        (key, false)
    } else {
        let value = match (f.name, f.shape, json) {
            ("Type", _, _) => {
                let choices: Vec<&str> = StateType::ALL.iter().map(|t| t.as_str()).collect();
                let c = format!("${{1|{}|}}", choices.join(","));
                if json { format!("\"{c}\"") } else { c }
            }
            ("QueryLanguage", _, true) => "\"${1|JSONata,JSONPath|}\"".to_string(),
            ("QueryLanguage", _, false) => "${1|JSONata,JSONPath|}".to_string(),
            ("End", _, _) => "true".to_string(),
            (_, Shape::String | Shape::Any, true) => "\"$1\"".to_string(),
            // A first value the field accepts (most must be at least 1).
            ("TimeoutSeconds" | "MaxDelaySeconds", Shape::Number, _) => "${1:60}".to_string(),
            ("HeartbeatSeconds", Shape::Number, _) => "${1:30}".to_string(),
            ("MaxAttempts", Shape::Number, _) => "${1:3}".to_string(),
            ("BackoffRate", Shape::Number, _) => "${1:2}".to_string(),
            ("IntervalSeconds" | "Seconds" | "MaxItemsPerBatch", Shape::Number, _) => {
                "${1:1}".to_string()
            }
            (_, Shape::Number, _) => "${1:0}".to_string(),
            (_, Shape::Bool, _) => "${1:true}".to_string(),
            (_, Shape::Object, true) => "{$1}".to_string(),
            (_, Shape::Array, true) => "[$1]".to_string(),
            (_, Shape::String | Shape::Any, false) => "$1".to_string(),
            (_, Shape::Object, false) => "\n  $1".to_string(),
            (_, Shape::Array, false) => "\n  - $1".to_string(),
        };
        // A block value starts on the next line: no space at the end of this one.
        let gap = if value.starts_with('\n') { "" } else { " " };
        (format!("{}:{gap}{value}", snippet_escape(&key)), true)
    };
    let mut doc = f.doc.to_string();
    if let Some(only) = f.only {
        doc.push_str(&format!("\n\n{} states only.", only.as_str()));
    }
    Completion {
        detail: Some(f.types.describe()),
        documentation: Some(doc),
        ..ctx.item(f.name, CompletionKind::Field, insert, snippet)
    }
}

fn snippet_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// Whole states, one snippet per type.
fn state_snippets(ctx: &Ctx<'_>, ql: QueryLanguage) -> Vec<Completion> {
    let jsonata = ql == QueryLanguage::JsonAta;
    StateType::ALL
        .iter()
        .map(|&t| {
            // (field, JSON value) after Type.
            let body: Vec<(&str, &str)> = match t {
                StateType::Task if jsonata => vec![
                    ("Resource", "\"${2:arn:aws:states:::lambda:invoke}\""),
                    ("Arguments", "{\n\t\t\"FunctionName\": \"${3:arn}\",\n\t\t\"Payload\": \"{% \\$states.input %}\"\n\t}"),
                    ("Next", "\"$4\""),
                ],
                StateType::Task => vec![
                    ("Resource", "\"${2:arn:aws:states:::lambda:invoke}\""),
                    ("Parameters", "{\n\t\t\"FunctionName\": \"${3:arn}\",\n\t\t\"Payload.\\$\": \"\\$\"\n\t}"),
                    ("Next", "\"$4\""),
                ],
                StateType::Pass => vec![("Next", "\"$2\"")],
                StateType::Choice if jsonata => vec![
                    ("Choices", "[\n\t\t{\n\t\t\t\"Condition\": \"{% ${2:true} %}\",\n\t\t\t\"Next\": \"$3\"\n\t\t}\n\t]"),
                    ("Default", "\"$4\""),
                ],
                StateType::Choice => vec![
                    ("Choices", "[\n\t\t{\n\t\t\t\"Variable\": \"${2:\\$.value}\",\n\t\t\t\"StringEquals\": \"$3\",\n\t\t\t\"Next\": \"$4\"\n\t\t}\n\t]"),
                    ("Default", "\"$5\""),
                ],
                StateType::Wait => vec![("Seconds", "${2:10}"), ("Next", "\"$3\"")],
                StateType::Succeed => vec![],
                StateType::Fail => vec![("Error", "\"${2:Error}\""), ("Cause", "\"$3\"")],
                StateType::Parallel => vec![
                    ("Branches", "[\n\t\t{\n\t\t\t\"StartAt\": \"${2:First}\",\n\t\t\t\"States\": {\n\t\t\t\t\"${2:First}\": {\n\t\t\t\t\t\"Type\": \"Pass\",\n\t\t\t\t\t\"End\": true\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]"),
                    ("Next", "\"$3\""),
                ],
                StateType::Map => vec![
                    ("ItemProcessor", "{\n\t\t\"StartAt\": \"${2:Process}\",\n\t\t\"States\": {\n\t\t\t\"${2:Process}\": {\n\t\t\t\t\"Type\": \"Pass\",\n\t\t\t\t\"End\": true\n\t\t\t}\n\t\t}\n\t}"),
                    ("Next", "\"$3\""),
                ],
            };
            let insert = match ctx.kind {
                SourceKind::Json => {
                    let mut s = format!("\"${{1:{}}}\": {{\n\t\"Type\": \"{}\"", t.as_str(), t.as_str());
                    for (k, v) in &body {
                        s.push_str(&format!(",\n\t\"{k}\": {v}"));
                    }
                    s.push_str("\n}");
                    s
                }
                // Spaces, not tabs: YAML rejects a tab in indentation, and some clients
                // (Neovim, Helix) insert a snippet as it is.
                SourceKind::Yaml => {
                    let mut s = format!("${{1:{}}}:\n  Type: {}", t.as_str(), t.as_str());
                    for (k, v) in &body {
                        s.push_str(&format!("\n  {k}: {}", json_value_to_yaml_snippet(v)));
                    }
                    s
                }
            };
            Completion {
                detail: Some(format!("{} state", t.as_str())),
                documentation: Some(catalog::state_type_doc(t).to_string()),
                ..ctx.item(&format!("{} state", t.as_str()), CompletionKind::Snippet, insert, true)
            }
        })
        .collect()
}

/// YAML accepts JSON flow values; a multi-line one is kept on one line there, one
/// space between its parts (`{ "FunctionName": "arn", "Payload.$": "$" }`).
fn json_value_to_yaml_snippet(v: &str) -> String {
    v.split(['\n', '\t'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_completions(
    ctx: &Ctx<'_>,
    machine: &StateMachine<'_, '_>,
    cursor: &Cursor,
    key: &str,
    offset: u32,
) -> Vec<Completion> {
    let scope = match cursor.container {
        Container::Machine(s) | Container::States(s) | Container::ProcessorConfig(s) => Some(s),
        Container::State(id) | Container::Retrier(id) | Container::Catcher(id) => Some(id.scope),
        Container::ChoiceRule { state, .. } => Some(state.scope),
        Container::Other => None,
    };
    let is_transition = match cursor.container {
        Container::Machine(_) => key == "StartAt",
        Container::State(_) => key == "Next" || key == "Default",
        Container::Catcher(_) | Container::ChoiceRule { nested: false, .. } => key == "Next",
        _ => false,
    };
    if is_transition && let Some(scope) = scope {
        return machine
            .scope(scope)
            .states
            .iter()
            .map(|s| Completion {
                detail: s
                    .type_member()
                    .and_then(|m| m.value.as_str())
                    .map(|t| format!("{t} state")),
                ..ctx.item(s.name, CompletionKind::State, ctx.string(s.name), false)
            })
            .collect();
    }
    let in_state = matches!(cursor.container, Container::State(_));
    match key {
        "Type" if in_state => StateType::ALL
            .iter()
            .map(|t| Completion {
                documentation: Some(catalog::state_type_doc(*t).to_string()),
                ..ctx.item(
                    t.as_str(),
                    CompletionKind::StateType,
                    ctx.string(t.as_str()),
                    false,
                )
            })
            .collect(),
        "QueryLanguage" => ["JSONata", "JSONPath"]
            .iter()
            .map(|v| ctx.item(v, CompletionKind::Value, ctx.string(v), false))
            .collect(),
        "Resource" if in_state => catalog::resource_arns()
            .into_iter()
            .map(|(arn, doc)| Completion {
                detail: Some(doc),
                ..ctx.item(&arn, CompletionKind::Arn, ctx.string(&arn), false)
            })
            .collect(),
        "ErrorEquals" => {
            use crate::rules::errors::unmatchable_error_name::unmatchable;
            use crate::rules::practice::lambda_without_retry::{
                TRANSIENT_LAMBDA_ERRORS, invokes_lambda,
            };
            let listed = listed_errors(machine, offset);
            let state = match cursor.container {
                Container::Retrier(id) | Container::Catcher(id) => Some(machine.state(id)),
                _ => None,
            };
            // Only the names that can match in this state (what ASL503 does not
            // report).
            // A Parallel raises a Distributed Map's errors only from a Map in a branch.
            let holds_map = |s: &crate::model::State<'_, '_>| {
                let mut scopes = s.children.clone();
                while let Some(scope) = scopes.pop() {
                    for inner in &machine.scope(scope).states {
                        if inner.kind == Some(StateType::Map) {
                            return true;
                        }
                        scopes.extend(&inner.children);
                    }
                }
                false
            };
            let can_match = |name: &str| {
                state.is_none_or(|s| {
                    unmatchable(s, name).is_none()
                        && !(s.kind == Some(StateType::Parallel)
                            && crate::rules::errors::unmatchable_error_name::MAP_ONLY
                                .contains(&name)
                            && !holds_map(s))
                })
            };
            // A Lambda task: the transient Lambda errors ASL704 asks to retry.
            let lambda = state.is_some_and(|s| {
                s.kind == Some(StateType::Task)
                    && s.field("Resource")
                        .and_then(|m| m.value.as_str())
                        .is_some_and(invokes_lambda)
            });
            let lambda_names = TRANSIENT_LAMBDA_ERRORS
                .iter()
                .filter(|_| lambda)
                .map(|name| (*name, "A transient Lambda service error, worth retrying"));
            catalog::ERROR_NAMES
                .iter()
                .copied()
                .filter(|(name, _)| can_match(name))
                .chain(lambda_names)
                .filter(|(name, _)| !listed.contains(name))
                .map(|(name, doc)| Completion {
                    detail: Some(doc.to_string()),
                    ..ctx.item(name, CompletionKind::Value, ctx.string(name), false)
                })
                .collect()
        }
        // `End` takes only `true` (`false` is what leaving it out means).
        "End" if in_state => {
            vec![ctx.item("true", CompletionKind::Value, "true".to_string(), false)]
        }
        "Mode" | "ExecutionType" if matches!(cursor.container, Container::ProcessorConfig(_)) => {
            let values = if key == "Mode" {
                ["INLINE", "DISTRIBUTED"]
            } else {
                ["STANDARD", "EXPRESS"]
            };
            values
                .iter()
                .map(|v| ctx.item(v, CompletionKind::Value, ctx.string(v), false))
                .collect()
        }
        "JitterStrategy" => ["FULL", "NONE"]
            .iter()
            .map(|v| ctx.item(v, CompletionKind::Value, ctx.string(v), false))
            .collect(),
        _ => expression_completions(ctx, machine, key, offset),
    }
}

/// The error names already in the `ErrorEquals` list around `offset`, but the one
/// being typed there.
fn listed_errors<'m>(machine: &'m StateMachine<'_, '_>, offset: u32) -> Vec<&'m str> {
    let inside = |r: crate::syntax::TextRange| r.start <= offset && offset <= r.end;
    machine
        .all_states()
        .flat_map(|s| {
            let retried = s.retriers.iter().map(|r| r.error_equals);
            retried.chain(s.catchers.iter().map(|c| c.error_equals))
        })
        .flatten()
        .filter(|m| inside(m.value.range))
        .flat_map(|m| m.value.as_array().unwrap_or_default())
        .filter(|n| !inside(n.range))
        .filter_map(|n| n.as_str())
        .collect()
}

/// Inside a string: intrinsic functions after `States.`, JSONata functions and variables
/// after `$` inside `{% %}`.
fn expression_completions(
    ctx: &Ctx<'_>,
    machine: &StateMachine<'_, '_>,
    key: &str,
    offset: u32,
) -> Vec<Completion> {
    let token = &ctx.text[ctx.range.as_usize()];
    // Inside quotes, or a YAML plain scalar (`Variable: $.status`).
    let body_start = match ctx.quote {
        Some(_) => ctx.range.start as usize + 1,
        None if ctx.kind == SourceKind::Yaml => ctx.range.start as usize,
        None => return Vec::new(),
    };
    let cursor = (offset as usize).clamp(body_start, ctx.range.end as usize);
    let before = &ctx.text[body_start..cursor];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.' || c == '$' || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let mut word_end = cursor;
    let bytes = ctx.text.as_bytes();
    while word_end < ctx.range.end as usize
        && (bytes[word_end].is_ascii_alphanumeric() || matches!(bytes[word_end], b'.' | b'_'))
    {
        word_end += 1;
    }
    let range = TextRange::from_usize(body_start + word_start, word_end);
    // The call the word names is written already: the item completes the name only.
    let called = bytes.get(word_end) == Some(&b'(');
    // Right after the `(` or a `,` of a call, outside a quoted literal: an argument.
    let head = before[..word_start].trim_end();
    let at_argument = word.is_empty()
        && head.ends_with(['(', ','])
        && head.matches('\'').count().is_multiple_of(2);
    let jsonata = token
        .get(body_start - ctx.range.start as usize..)
        .is_some_and(|t| t.trim_start().starts_with("{%"));
    // `{% %}` in a JSONPath state is plain text to Step Functions (ASL611): nothing
    // to complete in it.
    if jsonata && query_language_at(machine, offset) == QueryLanguage::JsonPath {
        return Vec::new();
    }
    let item = |label: &str, kind, detail: &str, insert: String, snippet| Completion {
        label: label.to_string(),
        kind,
        detail: Some(detail.to_string()),
        documentation: None,
        insert,
        snippet,
        range,
        filter: label.to_string(),
    };
    if let Some(dot) = word.rfind('.').filter(|_| word.starts_with('$')) {
        let seg_start = body_start + word_start + dot + 1;
        let mut seg_end = cursor;
        while seg_end < ctx.range.end as usize
            && (bytes[seg_end].is_ascii_alphanumeric() || bytes[seg_end] == b'_')
        {
            seg_end += 1;
        }
        let range = TextRange::from_usize(seg_start, seg_end);
        let path = &word[..dot];
        let mut members: Vec<(String, String)> = member_completions(path, jsonata)
            .into_iter()
            .filter(|(n, _)| available_here(machine, offset, path, n))
            .map(|(n, d)| (n.to_string(), d.to_string()))
            .collect();
        if members.is_empty() {
            members = input_completions(machine, offset, path, jsonata);
        }
        return members
            .into_iter()
            .map(|(name, detail)| Completion {
                insert: name.clone(),
                filter: name.clone(),
                label: name,
                kind: CompletionKind::Field,
                detail: Some(detail),
                documentation: None,
                snippet: false,
                range,
            })
            .collect();
    }
    if jsonata && (word.starts_with('$') || at_argument) {
        let mut out: Vec<Completion> = catalog::JSONATA_FUNCTIONS
            .iter()
            .map(|(name, sig)| {
                let insert = if name.starts_with("$states") {
                    "\\$states".to_string()
                } else if called {
                    format!("\\{name}")
                } else {
                    format!("\\{name}($1)")
                };
                item(name, CompletionKind::Function, sig, insert, true)
            })
            .collect();
        out.extend(variables_in_scope(machine, offset).into_iter().map(|v| {
            let v = format!("${v}");
            let detail = "variable (Assign)";
            let insert = format!("\\{v}");
            item(&v, CompletionKind::Variable, detail, insert, true)
        }));
        return out;
    }
    // A JSONPath `.$` field can read variables too.
    if !jsonata && key.ends_with(".$") && word.starts_with('$') && !word.starts_with("$.") {
        return variables_in_scope(machine, offset)
            .into_iter()
            .map(|v| {
                let v = format!("${v}");
                let insert = format!("\\{v}");
                item(
                    &v,
                    CompletionKind::Variable,
                    "variable (Assign)",
                    insert,
                    true,
                )
            })
            .collect();
    }
    // Intrinsics: after `States`; in a `.$` field also while `States.` is typed, at the
    // start of an empty value and at an argument of a call.
    let blank_path_field = key.ends_with(".$") && word.is_empty() && before.trim().is_empty();
    let path_field =
        key.ends_with(".$") && ((!word.is_empty() && "States.".starts_with(word)) || at_argument);
    if !jsonata && (word.starts_with("States") || blank_path_field || path_field) {
        return catalog::INTRINSICS
            .iter()
            .map(|f| {
                let insert = if called {
                    f.name.to_string()
                } else if f.name == "States.UUID" {
                    "States.UUID()".to_string()
                } else {
                    format!("{}($1)", f.name)
                };
                Completion {
                    documentation: Some(f.doc.to_string()),
                    ..item(f.name, CompletionKind::Function, f.signature, insert, true)
                }
            })
            .collect();
    }
    Vec::new()
}

/// The query language of the innermost state at `offset` (the machine's outside
/// any state).
fn query_language_at(machine: &StateMachine<'_, '_>, offset: u32) -> QueryLanguage {
    machine
        .all_states()
        .filter(|s| s.node.range.touches(offset))
        .min_by_key(|s| s.node.range.end - s.node.range.start)
        .map_or(machine.query_language, |s| s.query_language)
}

/// False for a member that the state and field at `offset` cannot read, as ASL602 and
/// ASL307 judge it: `$states.result` outside the Output and Assign of a Task, Parallel
/// or Map state, `$states.errorOutput` outside a catcher, `$$.Map` outside a Map
/// state's ItemSelector (or Parameters).
fn available_here(machine: &StateMachine<'_, '_>, offset: u32, path: &str, member: &str) -> bool {
    let wanted = match (path, member) {
        ("$states", "result" | "errorOutput") | ("$$", "Map") => member,
        _ => return true,
    };
    // The innermost state around the cursor, and its field there.
    let Some(state) = crate::ide::state_around(machine, offset) else {
        return true;
    };
    let Some(members) = state.node.as_object() else {
        return true;
    };
    let Some(field) = members.iter().find(|m| m.range().touches(offset)) else {
        return true;
    };
    let field = field.key.as_ref();
    match wanted {
        "result" => {
            matches!(
                state.kind,
                Some(StateType::Task | StateType::Parallel | StateType::Map)
            ) && matches!(field, "Output" | "Assign")
        }
        "errorOutput" => field == "Catch",
        _ => state.kind == Some(StateType::Map) && matches!(field, "ItemSelector" | "Parameters"),
    }
}

/// The members of what `path` (the text before a `.`) names, each with one line about
/// it: the fields of the Context object after `$$` (JSONPath) or `$states.context`
/// (JSONata), and the parts of `$states`.
fn member_completions(path: &str, jsonata: bool) -> Vec<(&'static str, &'static str)> {
    let context_fields = |below: &str| {
        if !below.is_empty() && !below.starts_with('.') {
            return Vec::new();
        }
        let names: Vec<&str> = below.split('.').filter(|n| !n.is_empty()).collect();
        let fields = match names.is_empty() {
            true => Some(CONTEXT_OBJECT),
            false => context_field(&names).and_then(|f| match &f.below {
                Below::Fields(fields) => Some(*fields),
                _ => None,
            }),
        };
        fields
            .unwrap_or_default()
            .iter()
            .map(|f| (f.name, f.doc))
            .collect()
    };
    if jsonata {
        if path == "$states" {
            return catalog::STATES_MEMBERS.to_vec();
        }
        if let Some(below) = path.strip_prefix("$states.context") {
            return context_fields(below);
        }
    } else if let Some(below) = path.strip_prefix("$$") {
        return context_fields(below);
    }
    Vec::new()
}

/// The fields known in the input of the state around `offset` one level below `path`
/// (`$.a` in JSONPath, `$states.input.a` in JSONata): see [`known_input`]. In a JSONPath
/// state, what a path reads is what its `InputPath` selects (except in `InputPath`,
/// `ResultPath` and `OutputPath`). A `ResultSelector` (and `$states.result` in
/// JSONata) reads what the state's integration returned: its fields when their shape
/// is known ([`result_of`]).
fn input_completions(
    machine: &StateMachine<'_, '_>,
    offset: u32,
    path: &str,
    jsonata: bool,
) -> Vec<(String, String)> {
    match path_target(machine, offset, path, jsonata) {
        Some(PathTarget::Result { state }) => {
            let action = state.field("Resource").and_then(|m| m.value.as_str());
            result_of(state)
                .unwrap_or_default()
                .iter()
                .map(|f| {
                    let detail = format!("returned by {}", action.unwrap_or("the task"));
                    (f.to_string(), detail)
                })
                .collect()
        }
        Some(PathTarget::Input { state, names }) => {
            members_below(&known_input(machine, state, offset), &names)
        }
        None => Vec::new(),
    }
}

/// The variables a read at `offset` can see: those assigned on some path from
/// `StartAt` to the state around the offset, by the states before it in its scope and,
/// for a Parallel branch or inline Map processor, before the parent state (the data
/// flow of the variable rules). A state's own `Assign` is visible only from the next
/// state on. In a state no path reaches, every name assigned in the scopes it can see.
fn variables_in_scope<'a>(machine: &StateMachine<'a, '_>, offset: u32) -> Vec<&'a str> {
    use crate::rules::jsonata::variables::{Analysis, visible_scopes};
    let Some(user) = super::state_around(machine, offset) else {
        return Vec::new();
    };
    let graphs = crate::graph::Graphs::build(machine);
    let analysis = Analysis::build(machine, &graphs);
    let entry = analysis
        .entry
        .get(user.id.scope)
        .and_then(|s| s.get(user.id.index))
        .and_then(Option::as_ref);
    match entry {
        Some(e) => analysis
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| e.may.contains(*i))
            .map(|(_, n)| *n)
            .collect(),
        None => {
            let mut out: Vec<&'a str> = Vec::new();
            for scope in visible_scopes(machine, user.id.scope) {
                for (_, a) in &analysis.assigned[scope] {
                    if !out.contains(&a.name) {
                        out.push(a.name);
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> (String, u32) {
        let offset = text.find('|').unwrap() as u32;
        (text.replacen('|', "", 1), offset)
    }

    fn labels(items: &[Completion]) -> Vec<&str> {
        items.iter().map(|c| c.label.as_str()).collect()
    }

    /// A YAML file that is no state machine (a `serverless.yml` without Step
    /// Functions, a Kubernetes `template.yaml`) is offered no definition fields; a
    /// definition being typed, with one key or an ASL key among others, still is.
    #[test]
    fn files_that_are_no_state_machine_get_no_fields() {
        for text in [
            "service: x\nprovider:\n  name: aws\nfunctions:\n  hello:\n    handler: h.main\n|",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n|",
        ] {
            let (text, off) = at(text);
            assert_eq!(
                labels(&completions(&text, SourceKind::Yaml, off)),
                Vec::<&str>::new()
            );
        }
        for text in [
            "Comment: x\n|",
            "Comment: x\nVersion: '1.0'\n|",
            // Keys misspelt: still a definition being written.
            "startAt: A\nstates:\n  A:\n    Type: Pass\n|",
        ] {
            let (text, off) = at(text);
            let items = completions(&text, SourceKind::Yaml, off);
            assert!(
                labels(&items).contains(&"StartAt"),
                "{text}: {:?}",
                labels(&items)
            );
        }
    }

    /// Every comparison operator is offered in a Choice rule, and no key the rule has;
    /// a state with `Next` is not offered `End`; numbers start at a value they accept.
    #[test]
    fn choice_rules_next_and_end_and_number_defaults() {
        let (text, off) = at(
            "{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", \"Next\": \"D\", |\n}], \"Default\": \"D\"}, \"D\": {\"Type\": \"Succeed\"}}}",
        );
        let items = completions(&text, SourceKind::Json, off);
        let offered = labels(&items);
        let mut operators = Vec::new();
        for kind in ["String", "Numeric", "Timestamp"] {
            for op in [
                "Equals",
                "LessThan",
                "GreaterThan",
                "LessThanEquals",
                "GreaterThanEquals",
            ] {
                operators.push(format!("{kind}{op}"));
                operators.push(format!("{kind}{op}Path"));
            }
        }
        operators.extend(["StringMatches", "BooleanEquals", "BooleanEqualsPath"].map(String::from));
        let missing: Vec<&String> = operators
            .iter()
            .filter(|o| !offered.contains(&o.as_str()))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert!(
            !offered.contains(&"Variable") && !offered.contains(&"Next"),
            "{offered:?}"
        );
        // With a comparison written, none other; in YAML, on the line after the rule.
        for (text, kind) in [
            (
                "{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", \"StringEquals\": \"a\", |\n}], \"Default\": \"D\"}, \"D\": {\"Type\": \"Succeed\"}}}",
                SourceKind::Json,
            ),
            (
                "StartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.x\n        StringEquals: a\n        |\n    Default: D\n  D:\n    Type: Succeed\n",
                SourceKind::Yaml,
            ),
        ] {
            let (text, off) = at(text);
            let items = completions(&text, kind, off);
            assert_eq!(labels(&items), ["Next", "Assign", "Comment"], "{kind:?}");
        }

        let (text, off) = at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", \"Next\": \"B\", |\n}, \"B\": {\"Type\": \"Succeed\"}}}",
        );
        let items = completions(&text, SourceKind::Json, off);
        assert!(!labels(&items).contains(&"End"));
        let timeout = items.iter().find(|c| c.label == "TimeoutSeconds").unwrap();
        assert_eq!(timeout.insert, "\"TimeoutSeconds\": ${1:60}");
        let heartbeat = items
            .iter()
            .find(|c| c.label == "HeartbeatSeconds")
            .unwrap();
        assert_eq!(heartbeat.insert, "\"HeartbeatSeconds\": ${1:30}");
    }

    /// A member completed before another one ends with a comma: the document stays JSON.
    #[test]
    fn a_json_member_before_another_gets_its_comma() {
        let (text, off) = at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\",\n \"|\"\n \"End\": true}}}",
        );
        let items = completions(&text, SourceKind::Json, off);
        let retry = items.iter().find(|c| c.label == "Retry").unwrap();
        assert_eq!(retry.insert, "\"Retry\": [$1],");
        let mut edited = text.clone();
        edited.replace_range(retry.range.as_usize(), &retry.insert.replace("$1", ""));
        assert!(
            serde_json::from_str::<serde_json::Value>(&edited).is_ok(),
            "{edited}"
        );
        // At the end of the object: no comma.
        let (text, off) =
            at("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\", \"|\"\n}}}");
        let items = completions(&text, SourceKind::Json, off);
        assert!(items.iter().all(|c| !c.insert.ends_with(',')));
    }

    /// Inside a `DefinitionString` (a YAML block, a JSON string): items are found in
    /// the definition and written back as the template holds it.
    #[test]
    fn completion_inside_a_definition_string() {
        // (`at` marks the cursor with the first `|`: here the block's indicator.)
        let marked = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\"StartAt\": \"Open\", \"States\": {\n          \"Open\": {\"Type\": \"Pass\", \"Next\": \"^\"},\n          \"Close\": {\"Type\": \"Succeed\"}}}\n";
        let off = marked.find('^').unwrap() as u32;
        let text = marked.replacen('^', "", 1);
        let items = completions(&text, SourceKind::Yaml, off);
        let close = items.iter().find(|c| c.label == "Close").unwrap();
        assert_eq!(&text[close.range.as_usize()], "\"\"");
        assert_eq!(close.insert, "\"Close\"");

        let (text, off) = at(
            r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"Open\", \"States\": {\"Open\": {\"Type\": \"Pass\", \"Next\": \"|\"}, \"Close\": {\"Type\": \"Succeed\"}}}"}}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        let close = items.iter().find(|c| c.label == "Close").unwrap();
        assert_eq!(&text[close.range.as_usize()], r#"\"\""#);
        assert_eq!(close.insert, r#"\"Close\""#);
        assert_eq!(close.filter, r#"\"Close\""#);
    }

    #[test]
    fn fields_follow_the_state_type_and_query_language() {
        let (text, off) =
            at("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", |\n}}}");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items),
            [
                "Comment",
                "QueryLanguage",
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Assign",
                "Seconds",
                "SecondsPath",
                "Timestamp",
                "TimestampPath"
            ]
        );
        let next = &items[2];
        assert_eq!(next.insert, "\"Next\": \"$1\"");
        assert!(next.snippet);
        assert_eq!(next.range, TextRange::empty(off));

        let (text, off) = at(
            "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Re|\n}}}",
        );
        let items = completions(&text, SourceKind::Json, off);
        let l = labels(&items);
        assert!(l.contains(&"Resource") && l.contains(&"Arguments") && l.contains(&"Retry"));
        assert!(!l.contains(&"Parameters") && !l.contains(&"Type"), "{l:?}");
        let res = items.iter().find(|c| c.label == "Resource").unwrap();
        assert_eq!(res.filter, "\"Resource\"");
        assert_eq!(&text[res.range.as_usize()], "\"Re");
    }

    #[test]
    fn values_types_states_arns_and_errors() {
        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "|", "Next": "B"}, "B": {"Type": "Succeed"}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items),
            [
                "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"
            ]
        );
        assert_eq!(items[0].insert, "\"Task\"");
        assert_eq!(&text[items[0].range.as_usize()], "\"\"");

        // `End` takes `true`, unquoted, in JSON and YAML.
        let (text, off) = at(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": |}}}"#);
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["true"]);
        assert_eq!(items[0].insert, "true");
        assert_eq!(items[0].range, TextRange::empty(off));
        let (text, off) = at("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: |\n");
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items), ["true"]);
        assert_eq!(items[0].insert, "true");

        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "|"}, "B": {"Type": "Succeed"}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["A", "B"]);
        assert_eq!(items[1].detail.as_deref(), Some("Succeed state"));

        let (text, off) = at(r#"{"StartAt": "|", "States": {"A": {"Type": "Pass", "End": true}}}"#);
        assert_eq!(labels(&completions(&text, SourceKind::Json, off)), ["A"]);

        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:|", "End": true}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(items[0].label, "arn:aws:states:::lambda:invoke");
        assert_eq!(items[0].insert, "\"arn:aws:states:::lambda:invoke\"");
        // A plain YAML ARN ending in `:` at the cursor (it reads as a mapping) spans
        // what is typed, in a definition file and in a template.
        let task =
            "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: {arn}|\n    End: true\n";
        for arn in ["arn:", "arn:aws:states:::", "arn:aws:states:::sq"] {
            let (text, off) = at(&task.replace("{arn}", arn));
            let items = completions(&text, SourceKind::Yaml, off);
            assert_eq!(items[0].label, "arn:aws:states:::lambda:invoke", "{arn}");
            assert_eq!(items[0].insert, "arn:aws:states:::lambda:invoke");
            assert_eq!(&text[items[0].range.as_usize()], arn);
            let sam = format!(
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n{}",
                text.lines()
                    .map(|l| format!("        {l}\n"))
                    .collect::<String>()
            );
            let off = off + sam.find("        StartAt").unwrap() as u32 + 8 * 5;
            let items = completions(&sam, SourceKind::Yaml, off);
            assert_eq!(&sam[items[0].range.as_usize()], arn);
        }
        // Every optimized API, with only the patterns it takes.
        let arns = labels(&items);
        assert!(arns.contains(&"arn:aws:states:::athena:getQueryResults"));
        assert!(!arns.contains(&"arn:aws:states:::athena:getQueryResults.sync"));
        assert!(arns.contains(&"arn:aws:states:::emr-serverless:startJobRun.sync"));
        assert!(!arns.contains(&"arn:aws:states:::eks:runJob.waitForTaskToken"));

        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "End": true, "Catch": [{"ErrorEquals": ["|"], "Next": "A"}]}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(items[0].label, "States.ALL");
        // A new last state of a template's inline YAML definition (after the block
        // mapping's end), but not a new property beside `Definition`.
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n          |\n      Name: m\n";
        let (text, off) = at(sam);
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items)[..2], ["Task state", "Pass state"]);
        let (text, off) = at(&sam.replace("          |\n", "      |\n"));
        let items = completions(&text, SourceKind::Yaml, off);
        assert!(!labels(&items).contains(&"Task state"));
        // The names the list holds already are not offered again.
        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "End": true, "Retry": [{"ErrorEquals": ["States.ALL", "States.Timeout", "|"]}]}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        let offered = labels(&items);
        assert!(!offered.contains(&"States.ALL") && !offered.contains(&"States.Timeout"));
        assert!(offered.contains(&"States.TaskFailed"), "{offered:?}");
    }

    /// In the last node of a template's inline YAML definition, where a new last state
    /// or field is typed, the items are those of the same text in a definition file:
    /// an empty value (`Next: `), a half-typed key, whatever follows the definition.
    #[test]
    fn completion_at_the_end_of_a_template_definition() {
        let head = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n";
        let after = [
            "",
            "\n",
            "\n      Type: STANDARD\n",
            "\n  Other:\n    Type: AWS::SNS::Topic\n",
        ];
        let cases: [(&str, &[&str]); 5] = [
            ("            Type: Pass\n            Next: |", &["A"]),
            (
                "            Type: Choice\n            Choices: []\n            Default: |",
                &["A"],
            ),
            (
                "            Type: |",
                &[
                    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
                ],
            ),
            (
                "            Type: Pass\n            Ne|",
                &["Comment", "QueryLanguage", "Next", "End"],
            ),
            (
                "            Type: Pass\n            End: true\n          |",
                &["Task state", "Pass state"],
            ),
        ];
        for (state, expected) in cases {
            for tail in after {
                let (text, off) = at(&format!("{head}{state}{tail}"));
                let items = completions(&text, SourceKind::Yaml, off);
                assert_eq!(labels(&items)[..expected.len()], *expected, "{text}");
                // The same as in a definition file.
                let file = &text[text.find("        StartAt").unwrap()..];
                let file_items = completions(
                    file,
                    SourceKind::Yaml,
                    off - (text.len() - file.len()) as u32,
                );
                assert_eq!(labels(&items), labels(&file_items), "{text}");
            }
        }
        // A definition typed from scratch: the top-level fields, in a template's empty
        // `Definition:` as in an empty definition file.
        let empty = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        {word}|\n";
        let top = [
            "StartAt",
            "States",
            "Comment",
            "QueryLanguage",
            "TimeoutSeconds",
            "Version",
        ];
        for word in ["", "St"] {
            let (text, off) = at(&empty.replace("{word}", word));
            let items = completions(&text, SourceKind::Yaml, off);
            assert_eq!(labels(&items), top, "{text}");
            assert_eq!(&text[items[0].range.as_usize()], word);
            assert_eq!(items[0].insert, "StartAt: $1");
            let (text, off) = at(&format!("# new\n{word}|\n"));
            assert_eq!(labels(&completions(&text, SourceKind::Yaml, off)), top);
        }
        // Not beside the empty `Definition:`; in a file that holds more, those of its
        // machine (without the fields it has).
        let (text, off) = at(&empty.replace("  {word}", ""));
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
        let (text, off) = at("Comment: x\nSt|\n");
        assert!(!labels(&completions(&text, SourceKind::Yaml, off)).contains(&"Comment"));
        // Not past the definition: a property beside it, or a line of the next one.
        let (text, off) = at(&format!(
            "{head}            Type: Pass\n            Next: A\n      Ty|\n"
        ));
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
        let (text, off) = at(&format!(
            "{head}            Type: Pass\n            Next: A\n      Type: STANDARD\n      Tags:\n        Ke|\n"
        ));
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
    }

    /// ErrorEquals offers only the names that can match in the state (none ASL503
    /// reports), and on a Lambda task the transient Lambda errors ASL704 asks for.
    #[test]
    fn error_names_that_can_match_there() {
        let names = |state: &str| {
            let (text, off) = at(&format!(
                r#"{{"StartAt": "A", "States": {{"A": {{{state}, "Retry": [{{"ErrorEquals": ["|"]}}], "End": true}}}}}}"#
            ));
            let items = completions(&text, SourceKind::Json, off);
            labels(&items)
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
        };
        let lambda = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}"#;
        assert_eq!(
            names(lambda),
            [
                "States.ALL",
                "States.TaskFailed",
                "States.Permissions",
                "States.DataLimitExceeded",
                "Lambda.ServiceException",
                "Lambda.AWSLambdaException",
                "Lambda.SdkClientException",
                "Lambda.TooManyRequestsException"
            ]
        );
        // A timeout makes States.Timeout possible; a heartbeat both.
        let timed = names(&format!(r#"{lambda}, "TimeoutSeconds": 5"#));
        assert!(timed.contains(&"States.Timeout".to_string()), "{timed:?}");
        assert!(
            !timed.contains(&"States.HeartbeatTimeout".to_string()),
            "{timed:?}"
        );
        // A JSONata Task can fail an expression; no Lambda names elsewhere.
        assert_eq!(
            names(
                r#""Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::sqs:sendMessage", "HeartbeatSeconds": 5"#
            ),
            [
                "States.ALL",
                "States.TaskFailed",
                "States.Timeout",
                "States.HeartbeatTimeout",
                "States.Permissions",
                "States.DataLimitExceeded",
                "States.QueryEvaluationError"
            ]
        );
        // A Map: its own Distributed Map errors, never States.BranchFailed.
        assert_eq!(
            names(
                r#""Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
            ),
            [
                "States.ALL",
                "States.TaskFailed",
                "States.Timeout",
                "States.HeartbeatTimeout",
                "States.Permissions",
                "States.DataLimitExceeded",
                "States.QueryEvaluationError",
                "States.ExceedToleratedFailureThreshold",
                "States.ItemReaderFailed",
                "States.ResultWriterFailed"
            ]
        );
        // A Parallel: the Map's errors only when a branch holds a Map.
        let parallel = |inner: &str| {
            names(&format!(
                r#""Type": "Parallel", "Branches": [{{"StartAt": "P", "States": {{"P": {inner}}}}}]"#
            ))
        };
        let plain = parallel(r#"{"Type": "Pass", "End": true}"#);
        assert!(
            !plain.iter().any(|n| n == "States.ItemReaderFailed"),
            "{plain:?}"
        );
        let mapping = parallel(
            r#"{"Type": "Map", "ItemProcessor": {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}, "End": true}"#,
        );
        assert!(
            mapping.iter().any(|n| n == "States.ItemReaderFailed"),
            "{mapping:?}"
        );
    }

    #[test]
    fn state_snippets_and_intrinsics() {
        let (text, off) = at("{\"StartAt\": \"A\", \"States\": {\n  |\n}}");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(items.len(), 8);
        assert_eq!(items[0].label, "Task state");
        assert!(
            items[0]
                .insert
                .starts_with("\"${1:Task}\": {\n\t\"Type\": \"Task\",\n\t\"Resource\"")
        );

        let (text, off) = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "States.Fo|"}, "End": true}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        let f = items.iter().find(|c| c.label == "States.Format").unwrap();
        assert_eq!(f.insert, "States.Format($1)");
        assert_eq!(&text[f.range.as_usize()], "States.Fo");

        // An empty string offers intrinsics only in a `.$` field.
        let doc = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "C", "Parameters": {"x.$": "P"}, "End": true}}}"#;
        let (text, off) = at(&doc.replace("\"C\"", "\"|\"").replace("\"P\"", "\"\""));
        assert_eq!(completions(&text, SourceKind::Json, off), vec![]);
        let (text, off) = at(&doc.replace("\"C\"", "\"\"").replace("\"P\"", "\"|\""));
        assert_eq!(
            completions(&text, SourceKind::Json, off).len(),
            catalog::INTRINSICS.len()
        );

        let (text, off) = at(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"total": 1}, "Next": "B"}, "B": {"Type": "Pass", "Output": "{% $to| %}", "End": true}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        let v = items.iter().find(|c| c.label == "$total").unwrap();
        assert_eq!(v.kind, CompletionKind::Variable);
        assert_eq!(&text[v.range.as_usize()], "$to");
        assert!(items.iter().any(|c| c.label == "$uppercase"));
    }

    /// Function names complete while they are typed and at an argument of a call; on a
    /// call already written, only the name is replaced.
    #[test]
    fn functions_while_typing_at_arguments_and_onto_a_call() {
        let path = |value: &str| {
            at(&format!(
                "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Parameters:\n      v.$: {value}\n    End: true\n"
            ))
        };
        for typed in ["S", "Sta"] {
            let (text, off) = path(&format!("{typed}|"));
            let items = completions(&text, SourceKind::Yaml, off);
            assert_eq!(items.len(), catalog::INTRINSICS.len(), "{typed}");
            assert_eq!(&text[items[0].range.as_usize()], typed);
            assert_eq!(items[0].insert, "States.Format($1)");
        }
        // Not in a field that is no path, nor for another word.
        let (text, off) =
            at("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: Sta|\n    End: true\n");
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
        let (text, off) = path("Sx|");
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
        let (text, off) = path("\"States.Format('{}', |)\"");
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(items.len(), catalog::INTRINSICS.len());
        assert_eq!(items[0].range, TextRange::empty(off));
        // Inside a quoted literal argument: nothing.
        let (text, off) = path("\"States.Format('{}|', $.a)\"");
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
        let (text, off) = path("\"States.Fo|rmat('x {}', $.a)\"");
        let items = completions(&text, SourceKind::Yaml, off);
        let f = items.iter().find(|c| c.label == "States.Format").unwrap();
        assert_eq!(&text[f.range.as_usize()], "States.Format");
        assert_eq!(f.insert, "States.Format");

        let jsonata = |expr: &str| {
            at(&format!(
                "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: '{{% {expr} %}}'\n    End: true\n"
            ))
        };
        let (text, off) = jsonata("$uppercase(|)");
        let items = completions(&text, SourceKind::Yaml, off);
        let upper = items.iter().find(|c| c.label == "$uppercase").unwrap();
        assert_eq!(upper.insert, "\\$uppercase($1)");
        assert_eq!(upper.range, TextRange::empty(off));
        let (text, off) = jsonata("$upp|ercase($states.input)");
        let items = completions(&text, SourceKind::Yaml, off);
        let upper = items.iter().find(|c| c.label == "$uppercase").unwrap();
        assert_eq!(upper.insert, "\\$uppercase");
        assert_eq!(&text[upper.range.as_usize()], "$uppercase");
    }

    /// After a `.`: the fields of the Context object and the parts of `$states`, each
    /// replacing only the name being typed.
    #[test]
    fn context_and_states_members() {
        let pass = |params: &str| {
            at(&format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Parameters": {{"x.$": "{params}"}}, "End": true}}}}}}"#
            ))
        };
        let (text, off) = pass("$$.|");
        let items = completions(&text, SourceKind::Json, off);
        // `$$.Map` is only set in a Map state's ItemSelector (ASL307).
        assert_eq!(
            labels(&items),
            ["Execution", "State", "StateMachine", "Task"]
        );
        assert_eq!(items[0].range, TextRange::new(off, off));
        let (text, off) = at(
            r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemSelector": {"i.$": "$$.|"}, "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "Parameters": {"x.$": "$$.Map"}, "End": true}}}, "End": true}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items),
            ["Execution", "State", "StateMachine", "Task", "Map"]
        );
        let inner = text.find("$$.Map\"").unwrap() as u32 + 3;
        let items = completions(&text, SourceKind::Json, inner);
        assert!(!labels(&items).contains(&"Map"), "{items:?}");
        let (text, off) = pass("$$.Execution.St|");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items),
            [
                "Id",
                "Input",
                "Name",
                "RoleArn",
                "StartTime",
                "RedriveCount",
                "RedriveTime"
            ]
        );
        assert_eq!(&text[items[0].range.as_usize()], "St");
        assert!(
            items[4]
                .detail
                .as_deref()
                .unwrap()
                .starts_with("When the execution started")
        );
        // Inside an intrinsic function's arguments too; nothing below a single value.
        let (text, off) = pass("States.Format('{}', $$.State.|)");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["EnteredTime", "Name", "RetryCount"]);
        let (text, off) = pass("$$.State.Name.|");
        assert!(completions(&text, SourceKind::Json, off).is_empty());

        let jsonata = |expr: &str| {
            at(&format!(
                "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: \"{{% {expr} %}}\"\n    End: true\n"
            ))
        };
        // A Pass state has no result, and its Output is no catcher's (ASL602).
        let (text, off) = jsonata("$states.|");
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items), ["input", "context"]);
        let (text, off) = at(
            "QueryLanguage: JSONata\nStartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Output: \"{% $states.| %}\"\n    Catch:\n      - ErrorEquals: [States.ALL]\n        Output: \"{% $states.e %}\"\n        Next: F\n    End: true\n  F:\n    Type: Fail\n",
        );
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items), ["input", "result", "context"]);
        let catch = text.find("$states.e").unwrap() as u32 + 8;
        let items = completions(&text, SourceKind::Yaml, catch);
        assert_eq!(labels(&items), ["input", "errorOutput", "context"]);
        let (text, off) = jsonata("$states.context.Map.Item.|");
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items), ["Index", "Value", "Key", "Source"]);
        // YAML plain scalars complete too.
        let (text, off) = at(
            "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Choices:\n      - Variable: $$.State.|\n        IsPresent: true\n        Next: B\n    Default: B\n  B:\n    Type: Pass\n    Parameters:\n      x.$: States.Fo\n    End: true\n",
        );
        let items = completions(&text, SourceKind::Yaml, off);
        assert_eq!(labels(&items), ["EnteredTime", "Name", "RetryCount"]);
        let off = text.find("States.Fo").unwrap() as u32 + 9;
        let items = completions(&text, SourceKind::Yaml, off);
        let f = items.iter().find(|c| c.label == "States.Format").unwrap();
        assert_eq!(&text[f.range.as_usize()], "States.Fo");
        // `$$` means nothing in JSONata.
        let (text, off) = jsonata("$$.|");
        assert!(completions(&text, SourceKind::Yaml, off).is_empty());
    }

    /// After `$.` and `$states.input.`: the fields earlier states put in the input and
    /// the fields read along the way, below what is typed, after `InputPath`.
    #[test]
    fn input_fields_after_a_dot() {
        let doc = |read: &str, extra: &str| {
            at(&format!(
                r#"{{"StartAt": "Defaults", "States": {{
                "Defaults": {{"Type": "Pass", "Result": {{"plan": {{"tier": "basic"}}}}, "ResultPath": "$.defaults", "Next": "Use"}},
                "Use": {{"Type": "Pass"{extra}, "Parameters": {{"email.$": "$.email", "x.$": "{read}"}}, "End": true}}}}}}"#
            ))
        };
        let (text, off) = doc("$.|", "");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["defaults", "email"]);
        assert_eq!(items[0].detail.as_deref(), Some("set by \"Defaults\""));
        assert_eq!(items[1].detail.as_deref(), Some("read by \"Use\""));
        let (text, off) = doc("$.defaults.plan.ti|", "");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["tier"]);
        assert_eq!(&text[items[0].range.as_usize()], "ti");
        // Below an InputPath, a path reads what it selects.
        let (text, off) = doc("$.|", r#", "InputPath": "$.defaults""#);
        assert_eq!(labels(&completions(&text, SourceKind::Json, off)), ["plan"]);
        // A plain YAML path being typed is not offered as a field read (`o` of `$.o`).
        let (text, off) = at(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {ok: true}\n    Next: C\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.o|\n        IsPresent: true\n        Next: D\n    Default: D\n  D:\n    Type: Succeed\n",
        );
        assert_eq!(labels(&completions(&text, SourceKind::Yaml, off)), ["ok"]);

        let (text, off) = at(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"agent": {"name": "n"}}, "Next": "B"}, "B": {"Type": "Pass", "Output": "{% $states.input.agent.| %}", "End": true}}}"#,
        );
        assert_eq!(labels(&completions(&text, SourceKind::Json, off)), ["name"]);

        // What an integration returns: after the task, in its ResultSelector, and as
        // `$states.result`.
        let lambda = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}"#;
        let (text, off) = at(&format!(
            r#"{{"StartAt": "A", "States": {{"A": {{{lambda}, "ResultPath": "$.check", "Next": "B"}}, "B": {{"Type": "Pass", "Parameters": {{"x.$": "$.check.|"}}, "End": true}}}}}}"#
        ));
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items),
            [
                "ExecutedVersion",
                "LogResult",
                "Payload",
                "SdkHttpMetadata",
                "SdkResponseMetadata",
                "StatusCode"
            ]
        );
        let (text, off) = at(&format!(
            r#"{{"StartAt": "A", "States": {{"A": {{{lambda}, "ResultSelector": {{"x.$": "$.|"}}, "End": true}}}}}}"#
        ));
        let items = completions(&text, SourceKind::Json, off);
        let payload = items.iter().find(|i| i.label == "Payload").unwrap();
        assert_eq!(
            payload.detail.as_deref(),
            Some("returned by arn:aws:states:::lambda:invoke")
        );
        let (text, off) = at(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Arguments": {}, "Output": "{% $states.result.| %}", "End": true}}}"#,
        );
        assert_eq!(
            labels(&completions(&text, SourceKind::Json, off)),
            ["ResponseBody", "Headers", "StatusCode", "StatusText"]
        );
    }

    fn variable_labels(text: &str, kind: SourceKind) -> Vec<String> {
        let (text, off) = at(text);
        completions(&text, kind, off)
            .into_iter()
            .filter(|c| c.kind == CompletionKind::Variable)
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn variables_follow_paths_and_scopes() {
        // `late` is assigned after the cursor's state, `own` by the state itself, `inner`
        // inside the branch: none is visible at B. `a` is (A precedes B), and `p` from the
        // Parallel's parent scope is visible inside its branch.
        let doc = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"a": 1}, "Next": "P"},
  "P": {"Type": "Parallel", "Assign": {"p": 2}, "Next": "Z", "Branches": [{"StartAt": "B", "States": {
    "B": {"Type": "Pass", "Assign": {"own": 3}, "Output": "{% CURSOR %}", "Next": "C"},
    "C": {"Type": "Pass", "Assign": {"inner": 4}, "End": true}}}]},
  "Z": {"Type": "Pass", "Assign": {"late": 5}, "Output": "{% OTHER %}", "End": true}}}"#;
        let b = doc.replace("CURSOR", "$|").replace("OTHER", "1");
        assert_eq!(variable_labels(&b, SourceKind::Json), ["$a"]);
        // At Z: `a` and `p` (the Parallel's own Assign), not the branch's.
        let z = doc.replace("CURSOR", "1").replace("OTHER", "$|");
        assert_eq!(variable_labels(&z, SourceKind::Json), ["$a", "$p"]);
        // A JSONPath `.$` field reads variables too; YAML works the same.
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Assign:\n      n: 1\n    Next: B\n  B:\n    Type: Pass\n    Parameters:\n      x.$: \"$|\"\n    End: true\n";
        assert_eq!(variable_labels(yaml, SourceKind::Yaml), ["$n"]);
    }

    /// A YAML mapping ends at its last value: after it, the indentation of the cursor
    /// (or of the key before the colon) says which mapping is completed.
    #[test]
    fn yaml_completes_by_indentation_after_the_last_value() {
        let complete = |t: &str| {
            let (text, off) = at(t);
            completions(&text, SourceKind::Yaml, off)
        };
        let state_c = "  C:\n    Type: Succeed\n";
        // An empty Next as the state's last field, another state after it.
        let items = complete(&format!(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: |\n{state_c}"
        ));
        assert_eq!(labels(&items), ["A", "C"]);
        // A new line at the fields' indentation, before the next state and at the end.
        for after in [state_c, ""] {
            let items = complete(&format!(
                "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n    |\n{after}"
            ));
            assert!(labels(&items).contains(&"Comment"), "{items:?}");
            assert!(labels(&items).contains(&"InputPath"), "{items:?}");
            assert!(!labels(&items).contains(&"Pass state"), "{items:?}");
        }
        // At the states' indentation: a new state.
        let items = complete("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n  |\n");
        assert!(labels(&items).contains(&"Pass state"), "{items:?}");
        // No space after the colon: the value brings one.
        let items = complete("StartAt: A\nStates:\n  A:\n    Type:|\n    End: true\n");
        let pass = items.iter().find(|c| c.label == "Pass").unwrap();
        assert_eq!(pass.insert, " Pass");
        let items = complete("StartAt: A\nStates:\n  A:\n    Type: |\n    End: true\n");
        assert_eq!(
            items.iter().find(|c| c.label == "Pass").unwrap().insert,
            "Pass"
        );
    }

    /// A Wait state sets one of its four waits, a Task one of each timeout pair: once
    /// one is there, the others are not offered.
    #[test]
    fn fields_excluded_by_one_already_set_are_not_offered() {
        let (text, off) =
            at("StartAt: W\nStates:\n  W:\n    Type: Wait\n    Seconds: 5\n    End: true\n    |\n");
        assert_eq!(
            labels(&completions(&text, SourceKind::Yaml, off)),
            [
                "Comment",
                "QueryLanguage",
                "InputPath",
                "OutputPath",
                "Assign"
            ]
        );
        let (text, off) = at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", \"TimeoutSecondsPath\": \"$.t\", \"End\": true, |\n}}}",
        );
        let items = completions(&text, SourceKind::Json, off);
        let l = labels(&items);
        assert!(
            !l.contains(&"TimeoutSeconds") && !l.contains(&"Next"),
            "{l:?}"
        );
        assert!(l.contains(&"HeartbeatSeconds") && l.contains(&"HeartbeatSecondsPath"));
    }

    /// Where a YAML block collection starts and the reader has no node yet: a new
    /// state's first key, the first key of a Retry, Catch or Choices item, and an item
    /// of a block ErrorEquals complete as their flow forms do.
    #[test]
    fn yaml_completes_the_first_entry_of_a_block() {
        let complete = |t: &str| {
            let (text, off) = at(t);
            let items = completions(&text, SourceKind::Yaml, off);
            (text, off, items)
        };
        let task = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    End: true\n";
        // A new state's body: the fields of a state of any type, Type first.
        for typed in ["", "T"] {
            let (text, off, items) = complete(&format!(
                "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: X\n  X:\n    {typed}|\n"
            ));
            let (_, _, flow) =
                complete("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: X\n  X: {|}\n");
            assert_eq!(labels(&items), labels(&flow), "{typed:?}");
            assert_eq!(items[0].label, "Type");
            assert_eq!(
                items[0].range,
                TextRange::new(off - typed.len() as u32, off),
                "{text}"
            );
        }
        // The first key of a retrier (`E` typed or not), a catcher, a Choice rule.
        let retrier = [
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ];
        for typed in ["", "E"] {
            let (_, off, items) = complete(&format!("{task}    Retry:\n      - {typed}|\n"));
            assert_eq!(labels(&items), retrier, "{typed:?}");
            assert_eq!(
                items[0].range,
                TextRange::new(off - typed.len() as u32, off)
            );
        }
        let (_, _, items) = complete(&format!("{task}    Catch:\n      - |\n"));
        assert_eq!(labels(&items)[..3], ["ErrorEquals", "Next", "ResultPath"]);
        let (_, _, items) = complete(
            "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Choices:\n      - |\n    Default: A\n",
        );
        assert!(labels(&items).contains(&"Variable") && labels(&items).contains(&"Next"));
        assert!(labels(&items).contains(&"StringEquals"));
        // Inside And: a nested rule, which has no Next.
        let (_, _, items) = complete(
            "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Choices:\n      - Next: A\n        And:\n          - |\n    Default: A\n",
        );
        assert!(labels(&items).contains(&"Variable") && !labels(&items).contains(&"Next"));
        // An item of a block ErrorEquals: the error names, as in `[|]`.
        let (text, off, items) = complete(&format!(
            "{task}    Retry:\n      - ErrorEquals:\n          - |\n"
        ));
        assert_eq!(items[0].label, "States.ALL");
        assert_eq!(items[0].insert, "States.ALL");
        assert_eq!(items[0].range, TextRange::empty(off));
        let flow = completions(
            &text.replace("ErrorEquals:\n          - \n", "ErrorEquals: []\n"),
            SourceKind::Yaml,
            text.find("ErrorEquals").unwrap() as u32 + 14,
        );
        assert_eq!(labels(&items), labels(&flow));
        let (_, off, items) = complete(&format!(
            "{task}    Retry:\n      - ErrorEquals:\n          - States.ALL\n          - States.T|\n"
        ));
        let failed = items
            .iter()
            .find(|c| c.label == "States.TaskFailed")
            .unwrap();
        assert_eq!(failed.range, TextRange::new(off - 8, off));
        // The first state of an empty States: whole states.
        let (_, _, items) = complete("StartAt: A\nStates:\n  |\n");
        assert_eq!(items[0].label, "Task state");
        // A multi-line JSON value is one flow line in YAML, one space apart.
        assert!(
            items[0].insert.contains(
                "\n  Parameters: { \"FunctionName\": \"${3:arn}\", \"Payload.\\$\": \"\\$\" }\n"
            ),
            "{}",
            items[0].insert
        );
        // No tab anywhere: YAML does not allow one in indentation.
        assert!(items.iter().all(|c| !c.insert.contains('\t')), "{items:?}");
        // Not where a value is meant: a multi-line Comment stays a value.
        let (_, _, items) = complete(&format!("{task}    Comment:\n      Hello|\n"));
        assert!(items.is_empty(), "{items:?}");
    }

    #[test]
    fn snippets_become_plain_text() {
        assert_eq!(snippet_to_plain("\"Next\": \"$1\""), "\"Next\": \"\"");
        assert_eq!(
            snippet_to_plain("\"${1:Task}\": {\"Type\": \"${2|A,B|}\"}"),
            "\"Task\": {\"Type\": \"A\"}"
        );
        assert_eq!(snippet_to_plain("\\$uppercase($1)"), "$uppercase()");
        assert_eq!(snippet_to_plain("${1:0}"), "0");
    }

    /// Without snippets, a multi-line item carries the full indentation of its lines,
    /// so what it opens nests under the key it inserts.
    #[test]
    fn plain_text_items_are_indented_for_their_line() {
        let (text, off) = at(
            "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Next: B\n    |\n  B:\n    Type: Succeed\n",
        );
        let items = completions(&text, SourceKind::Yaml, off);
        let plain = |label: &str| {
            let c = items.iter().find(|c| c.label == label).unwrap();
            plain_insert(&text, SourceKind::Yaml, c)
        };
        assert_eq!(plain("Retry"), "Retry:\n      - ");
        assert_eq!(plain("Parameters"), "Parameters:\n      ");
        assert_eq!(plain("Comment"), "Comment: ");
        // The first key of a sequence item: below the key, not the dash.
        let (text, off) = at(
            "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    End: true\n    Catch:\n      - |\n",
        );
        let items = completions(&text, SourceKind::Yaml, off);
        let e = items.iter().find(|c| c.label == "ErrorEquals").unwrap();
        assert_eq!(
            plain_insert(&text, SourceKind::Yaml, e),
            "ErrorEquals:\n          - "
        );
        // A whole state: tabs become spaces, below the state's name.
        let (text, off) = at("StartAt: A\nStates:\n  A:\n    Type: Succeed\n  |\n");
        let items = completions(&text, SourceKind::Yaml, off);
        let wait = items.iter().find(|c| c.label == "Wait state").unwrap();
        assert_eq!(
            plain_insert(&text, SourceKind::Yaml, wait),
            "Wait:\n    Type: Wait\n    Seconds: 10\n    Next: \"\""
        );
        // JSON: the line's indentation.
        let (text, off) = at("{\"StartAt\": \"A\", \"States\": {\n    |\n}}");
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            plain_insert(&text, SourceKind::Json, &items[5]),
            "\"Fail\": {\n      \"Type\": \"Fail\",\n      \"Error\": \"Error\",\n      \"Cause\": \"\"\n    }"
        );
    }

    /// In an optimized integration's Parameters: its request fields, the required ones
    /// first, none already written; nothing inside a field's own value.
    #[test]
    fn request_fields_of_the_integration() {
        let (text, off) = at(
            r#"{"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": {"TableName": "t", |}, "End": true}}}"#,
        );
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(
            labels(&items)[..3],
            ["Key", "AttributesToGet", "ConsistentRead"]
        );
        assert!(!labels(&items).contains(&"TableName"));
        assert_eq!(items[0].insert, "\"Key\": \"$1\"");
        assert_eq!(
            items[0].detail.as_deref(),
            Some("dynamodb:getItem request field (required)")
        );
        let (text, off) = at(
            r#"{"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": {"Key": {|}}, "End": true}}}"#,
        );
        assert!(completions(&text, SourceKind::Json, off).is_empty());
        // YAML: on the line after the last field, at the fields' column; a key half
        // typed; at the state's column, the state's fields instead.
        let yaml = |line: &str| {
            at(&format!(
                "StartAt: G\nStates:\n  G:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    Parameters:\n      QueueUrl: q\n{line}\n    End: true\n"
            ))
        };
        for line in ["      |", "      Mes|"] {
            let (text, off) = yaml(line);
            let items = completions(&text, SourceKind::Yaml, off);
            assert_eq!(labels(&items)[0], "MessageBody", "{line}");
            assert_eq!(items[0].insert, "MessageBody: $1");
            assert!(!labels(&items).contains(&"QueueUrl"));
        }
        let (text, off) = yaml("    |");
        assert!(labels(&completions(&text, SourceKind::Yaml, off)).contains(&"ResultPath"));
        // Parameters as the state's last field: the line after it is past the state too.
        let (text, off) = at(
            "StartAt: G\nStates:\n  G:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    End: true\n    Parameters:\n      QueueUrl: q\n      |\n",
        );
        assert_eq!(
            labels(&completions(&text, SourceKind::Yaml, off))[0],
            "MessageBody"
        );
    }

    /// ProcessorConfig: its two keys, and the values each takes.
    #[test]
    fn processor_config_keys_and_values() {
        let doc = r#"{"StartAt": "W", "States": {"W": {"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {|}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}}}}"#;
        let (text, off) = at(doc);
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["Mode", "ExecutionType"]);
        assert_eq!(items[0].insert, "\"Mode\": \"$1\"");
        let (text, off) = at(&doc.replace('|', "\"Mode\": \"DISTRIBUTED\", |"));
        assert_eq!(
            labels(&completions(&text, SourceKind::Json, off)),
            ["ExecutionType"]
        );
        let (text, off) = at(&doc.replace('|', "\"Mode\": \"|\""));
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["INLINE", "DISTRIBUTED"]);
        assert_eq!(&text[items[0].range.as_usize()], "\"\"");
        let (text, off) = at(&doc.replace('|', "\"ExecutionType\": |"));
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(labels(&items), ["STANDARD", "EXPRESS"]);
        assert_eq!(items[1].insert, "\"EXPRESS\"");
    }

    /// `{% %}` in a JSONPath state is text: no JSONata functions or members there.
    #[test]
    fn no_jsonata_in_a_jsonpath_state() {
        let doc = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "{% $n| %}"}, "End": true}}}"#;
        let (text, off) = at(doc);
        assert!(completions(&text, SourceKind::Json, off).is_empty());
        let (text, off) = at(&doc.replace("$n|", "$states.|"));
        assert!(completions(&text, SourceKind::Json, off).is_empty());
        // The same in a JSONata state offers them.
        let (text, off) = at(&doc
            .replace("\"Pass\",", "\"Pass\", \"QueryLanguage\": \"JSONata\",")
            .replace("Parameters", "Output")
            .replace("x.$", "x"));
        let items = completions(&text, SourceKind::Json, off);
        assert!(labels(&items).contains(&"$now"), "{items:?}");
    }

    /// A key typed alone on its line (`"`, `""`) above other fields: those are not
    /// offered again, nor what conflicts with them, as on a blank line.
    #[test]
    fn a_half_typed_key_keeps_the_fields_below() {
        let blank = "{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 5,\n  |\n  \"End\": true}}}";
        let expected = [
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "Assign",
        ];
        let (text, off) = at(blank);
        assert_eq!(labels(&completions(&text, SourceKind::Json, off)), expected);
        for typed in ["\"|", "\"|\"", "\"Co|\""] {
            let (text, off) = at(&blank.replace('|', typed));
            let items = completions(&text, SourceKind::Json, off);
            assert_eq!(labels(&items), expected, "{typed}");
        }
        // The item still replaces the quotes typed, and gets its comma.
        let (text, off) = at(&blank.replace('|', "\"|\""));
        let items = completions(&text, SourceKind::Json, off);
        assert_eq!(&text[items[0].range.as_usize()], "\"\"");
        assert_eq!(items[0].insert, "\"Comment\": \"$1\",");
    }

    /// A value whose closing quote is not typed yet: the completion replaces the quote
    /// and the word, and keeps the comma after it.
    #[test]
    fn an_unterminated_string_keeps_what_follows() {
        let (text, off) =
            at("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pa|,\n \"End\": true}}}");
        let items = completions(&text, SourceKind::Json, off);
        let pass = items.iter().find(|c| c.label == "Pass").unwrap();
        assert_eq!(&text[pass.range.as_usize()], "\"Pa");
        assert_eq!(pass.insert, "\"Pass\"");
    }

    /// An unterminated string is replaced from its quote through the cursor, whatever
    /// was typed: colons, spaces and non-ASCII letters do not end it.
    #[test]
    fn an_unterminated_string_is_replaced_up_to_the_cursor() {
        let cases = [
            (
                "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lam|",
                "arn:aws:states:::lambda:invoke",
                "\"arn:aws:states:::lam",
            ),
            (
                "{\"StartAt\": \"Étape\", \"States\": {\"Étape\": {\"Type\": \"Pass\", \"End\": true}, \"B\": {\"Type\": \"Pass\", \"Next\": \"Ét|",
                "Étape",
                "\"Ét",
            ),
            (
                "{\"StartAt\": \"Fin X\", \"States\": {\"Fin X\": {\"Type\": \"Pass\", \"End\": true}, \"B\": {\"Type\": \"Pass\", \"Next\": \"Fin |",
                "Fin X",
                "\"Fin ",
            ),
            // The rest of the word under the cursor goes too, not the comma after it.
            (
                "{\"StartAt\": \"Étape\", \"States\": {\"Étape\": {\"Type\": \"Pass\", \"End\": true}, \"B\": {\"Type\": \"Pass\", \"Next\": \"É|tap,\n \"Comment\": \"x\"}}}",
                "Étape",
                "\"Étap",
            ),
        ];
        for (typed, label, replaced) in cases {
            let (text, off) = at(typed);
            let items = completions(&text, SourceKind::Json, off);
            let item = items.iter().find(|c| c.label == label).unwrap();
            assert_eq!(&text[item.range.as_usize()], replaced, "{typed}");
            assert_eq!(item.insert, format!("\"{label}\""));
        }
        // A key: the state snippets replace the key begun with `"Ét`.
        let (text, off) = at("{\"StartAt\": \"A\", \"States\": {\"Ét|");
        let items = completions(&text, SourceKind::Json, off);
        assert!(!items.is_empty());
        for item in &items {
            assert_eq!(item.range, TextRange::new(off - 4, off), "{}", item.label);
        }
    }

    /// A key begun with a lone quote before the object's `}`: the item replaces only
    /// the quote, so the brace and the comma stay and the document is JSON again.
    #[test]
    fn an_unterminated_key_keeps_the_closing_brace() {
        let (text, off) = at(
            "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n    \"B\": {\"Type\": \"Succeed\", \"|},\n    \"C\": {\"Type\": \"Succeed\"}\n  }\n}\n",
        );
        let items = completions(&text, SourceKind::Json, off);
        let comment = items.iter().find(|c| c.label == "Comment").unwrap();
        assert_eq!(comment.range, TextRange::new(off - 1, off));
        assert_eq!(comment.insert, "\"Comment\": \"$1\"");
        assert!(items.iter().all(|c| c.range == comment.range));
        let mut edited = text.clone();
        edited.replace_range(comment.range.as_usize(), &comment.insert.replace("$1", ""));
        assert!(
            edited.contains("\"B\": {\"Type\": \"Succeed\", \"Comment\": \"\"},\n"),
            "{edited}"
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&edited).is_ok(),
            "{edited}"
        );
    }

    #[test]
    fn half_typed_documents_still_complete() {
        for text in [
            "{",
            "{\"StartAt\": ",
            "{\"States\": {\"A\": {\"Type\": \"",
            "{\"States\": {\"A\": {",
            "\"",
            "",
        ] {
            for off in 0..=text.len() as u32 {
                let _ = completions(text, SourceKind::Json, off);
            }
        }
        let (text, off) =
            at("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": |");
        assert_eq!(labels(&completions(&text, SourceKind::Json, off)), ["A"]);
    }
}
