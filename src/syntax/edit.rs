//! Edits that keep a document's layout: add a member to an object (last, or before
//! another), remove one, put an element first in an array, remove one or move one.
//! Quick fixes are built from them.
//!
//! Each function returns one replacement of a byte range and writes the new text in
//! the style of its surroundings. A JSON object, or a YAML flow mapping, written on
//! one line stays on one line. A multi-line one gets new lines at its members'
//! indentation. A YAML block mapping gets `key: value` lines, with block collections
//! under them. A function returns `None` for a layout it does not handle, and the
//! caller then offers no fix. Nothing here knows ASL.

use serde_json::Value as Json;

use super::{Node, SourceKind, TextRange};

/// One replacement: `range` of the source becomes `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub text: String,
}

impl TextEdit {
    fn new(start: usize, end: usize, text: String) -> TextEdit {
        TextEdit {
            range: TextRange::from_usize(start, end),
            text,
        }
    }
}

/// Indentation step used when the document gives none to copy.
const DEFAULT_STEP: usize = 2;

/// Adds `key: value` after the last member of `object`.
pub fn append_member(source: &str, object: &Node<'_>, key: &str, value: &Json) -> Option<TextEdit> {
    let members = object.as_object()?;
    let start = object.range.start as usize;
    if opens_flow(source, object, b'{') {
        let close = closing_bracket(source, object, b'}')?;
        let raw_key = key;
        let key = json_string(key);
        let Some(last) = members.last() else {
            return Some(TextEdit::new(
                start + 1,
                close,
                format!("{key}: {}", compact(value)),
            ));
        };
        let first = members[0].key_range.start as usize;
        let end = last.value.range.end as usize;
        let text = if source.get(start + 1..first)?.contains('\n') {
            let indent = indentation_before(source, first)?;
            let step = step_from(indent, outer_indentation(source, start, close));
            format!(",\n{indent}{key}: {}", pretty(value, indent, &step))
        } else if !source[first..].starts_with(['"', '\'']) {
            // A YAML flow mapping with plain keys: write the new member the same way.
            format!(", {}: {}", yaml_key(raw_key), yaml_flow(value))
        } else {
            format!(", {key}: {}", compact(value))
        };
        return Some(TextEdit::new(end, end, text));
    }
    // A YAML block mapping: a new line at the column of the first key.
    let first = members.first()?;
    let column = column_of(source, first.key_range.start as usize);
    let last = members.iter().max_by_key(|m| m.value.range.end)?;
    let end = past_kept_lines(source, &last.value);
    let (at, lead) = after_line(source, end);
    // At the end of a file without a final line break, the new lines end as it did.
    let tail = if lead.is_empty() { "\n" } else { "" };
    let text = format!(
        "{lead}{}{}:{}{tail}",
        " ".repeat(column),
        yaml_key(key),
        yaml_after_key(value, column, YamlStyle::of(source))
    );
    Some(TextEdit::new(at, at, text))
}

/// Adds `key: value` before the member at `index` of `object`, on its own line when
/// the members are on lines of their own.
pub fn insert_member(
    source: &str,
    object: &Node<'_>,
    index: usize,
    key: &str,
    value: &Json,
) -> Option<TextEdit> {
    let members = object.as_object()?;
    let at = members.get(index)?.key_range.start as usize;
    let start = object.range.start as usize;
    if opens_flow(source, object, b'{') {
        let close = closing_bracket(source, object, b'}')?;
        let text = if source
            .get(start + 1..members[0].key_range.start as usize)?
            .contains('\n')
        {
            let indent = indentation_before(source, at)?;
            let step = step_from(indent, outer_indentation(source, start, close));
            format!(
                "{}: {},\n{indent}",
                json_string(key),
                pretty(value, indent, &step)
            )
        } else if !source[at..].starts_with(['"', '\'']) {
            format!("{}: {}, ", yaml_key(key), yaml_flow(value))
        } else {
            format!("{}: {}, ", json_string(key), compact(value))
        };
        return Some(TextEdit::new(at, at, text));
    }
    // A YAML block mapping: the new key where the old one was, the old one on the next
    // line at the same column (after a `- ` too).
    let column = column_of(source, at);
    let text = format!(
        "{}:{}\n{}",
        yaml_key(key),
        yaml_after_key(value, column, YamlStyle::of(source)),
        " ".repeat(column)
    );
    Some(TextEdit::new(at, at, text))
}

/// Removes the member at `index` of `object`, with its separator (a comma, or its
/// lines in a YAML block mapping). `None` for the only member of a block mapping,
/// which would leave its key without a value.
pub fn remove_member(source: &str, object: &Node<'_>, index: usize) -> Option<TextEdit> {
    let members = object.as_object()?;
    let member = members.get(index)?;
    let key_start = member.key_range.start as usize;
    if opens_flow(source, object, b'{') {
        let edit = if members.len() == 1 {
            let close = closing_bracket(source, object, b'}')?;
            TextEdit::new(object.range.start as usize + 1, close, String::new())
        } else if let Some(next) = members.get(index + 1) {
            // A member that ends a wrapped line (`"Type": "Succeed", "End": true,` then
            // the next key on its own line) goes up to its comma, so the next line stays
            // where it is, and with the spaces before its key, so the line does not end
            // in them. (A removal of the member before it, which ends at the key,
            // overlaps it there: a fix removing both merges the two.)
            let after =
                source.get(member.value.range.end as usize..next.key_range.start as usize)?;
            match after.find(',') {
                Some(comma)
                    if index > 0
                        && indentation_before(source, key_start).is_none()
                        && after[comma + 1..].contains('\n')
                        && !after[..comma].contains(['\n', '/', '#']) =>
                {
                    let spaces = source[..key_start].len()
                        - source[..key_start].trim_end_matches([' ', '\t']).len();
                    TextEdit::new(
                        key_start - spaces,
                        member.value.range.end as usize + comma + 1,
                        String::new(),
                    )
                }
                _ => TextEdit::new(key_start, next.key_range.start as usize, String::new()),
            }
        } else {
            let previous = &members[index - 1];
            TextEdit::new(
                previous.value.range.end as usize,
                member.value.range.end as usize,
                String::new(),
            )
        };
        return Some(edit);
    }
    if members.len() == 1 {
        return None;
    }
    // Whole lines when the key starts its line; otherwise (`- Key: value`, the first
    // member of a sequence item) from the key to the next key, so the dash stays.
    let own_line = indentation_before(source, key_start).is_some();
    let start = if own_line {
        line_start(source, key_start)
    } else {
        key_start
    };
    // Comment lines before the next key stay: they are usually about that key.
    let end = match members.get(index + 1) {
        _ if own_line => after_line(source, member.value.range.end as usize).0,
        Some(next) => next.key_range.start as usize,
        None => return None,
    };
    Some(TextEdit::new(start, end, String::new()))
}

/// Puts `value` before the first element of `array`.
pub fn prepend_element(source: &str, array: &Node<'_>, value: &Json) -> Option<TextEdit> {
    let elements = array.as_array()?;
    let start = array.range.start as usize;
    if opens_flow(source, array, b'[') {
        let close = closing_bracket(source, array, b']')?;
        let Some(first) = elements.first() else {
            return Some(TextEdit::new(start + 1, close, compact(value)));
        };
        let at = first.range.start as usize;
        let text = if source.get(start + 1..at)?.contains('\n') {
            let indent = indentation_before(source, at)?;
            let step = step_from(indent, outer_indentation(source, start, close));
            format!("{},\n{indent}", pretty(value, indent, &step))
        } else {
            format!("{}, ", compact(value))
        };
        return Some(TextEdit::new(at, at, text));
    }
    // A YAML block sequence: a new `- ` entry on the line before the first one.
    let first = elements.first()?;
    let (line, _) = entry_lines(source, first)?;
    let dash = source[line..].find('-')?;
    // The entry laid out as the first one is (`-  X` keeps its two spaces).
    let after = &source[line + dash + 1..];
    let gap = (after.len() - after.trim_start_matches(' ').len()).max(1);
    let style = YamlStyle {
        gap,
        ..YamlStyle::of(source)
    };
    let text = format!(
        "{}-{}{}\n",
        " ".repeat(dash),
        " ".repeat(gap),
        yaml_entry(value, dash + 1 + gap, style)
    );
    Some(TextEdit::new(line, line, text))
}

/// Removes the element at `index` of `array`, with its separator (a comma, or its
/// lines in a YAML block sequence). `None` for the only element of a block sequence,
/// which would leave its key without a value, and for entries whose `- ` does not
/// start their line.
pub fn remove_element(source: &str, array: &Node<'_>, index: usize) -> Option<TextEdit> {
    let elements = array.as_array()?;
    let element = elements.get(index)?;
    if opens_flow(source, array, b'[') {
        let edit = if elements.len() == 1 {
            let close = closing_bracket(source, array, b']')?;
            TextEdit::new(array.range.start as usize + 1, close, String::new())
        } else if let Some(next) = elements.get(index + 1) {
            TextEdit::new(
                element.range.start as usize,
                next.range.start as usize,
                String::new(),
            )
        } else {
            TextEdit::new(
                elements[index - 1].range.end as usize,
                element.range.end as usize,
                String::new(),
            )
        };
        return Some(edit);
    }
    if elements.len() == 1 {
        return None;
    }
    let (start, end) = entry_lines(source, element)?;
    Some(TextEdit::new(start, end, String::new()))
}

/// Removes every element of `array` but the one at `keep`. In a YAML block sequence
/// each other entry goes with its lines, so the comments of the kept entry (at the end
/// of its line, or on lines of their own) stay; in a flow collection everything from
/// the first element to the last becomes the kept element as written. `None` when the
/// array has no other element, for a flow collection with a comment between its
/// elements (it would be lost), and for entries whose `- ` does not start their line.
pub fn keep_only_element(source: &str, array: &Node<'_>, keep: usize) -> Option<Vec<TextEdit>> {
    let elements = array.as_array()?;
    let kept = elements.get(keep)?;
    if elements.len() < 2 {
        return None;
    }
    if opens_flow(source, array, b'[') {
        let gaps = elements
            .windows(2)
            .map(|w| source.get(w[0].range.end as usize..w[1].range.start as usize))
            .collect::<Option<Vec<_>>>()?;
        if gaps.iter().any(|g| g.contains(['#', '/'])) {
            return None;
        }
        let (first, last) = (&elements[0], &elements[elements.len() - 1]);
        let written = source.get(kept.range.as_usize())?.to_string();
        return Some(vec![TextEdit::new(
            first.range.start as usize,
            last.range.end as usize,
            written,
        )]);
    }
    let mut edits: Vec<TextEdit> = Vec::new();
    for (i, element) in elements.iter().enumerate() {
        if i == keep {
            continue;
        }
        let (start, end) = entry_lines(source, element)?;
        // Entries one after the other go in one edit.
        match edits.last_mut() {
            Some(last) if last.range.end as usize == start => {
                last.range = TextRange::from_usize(last.range.start as usize, end);
            }
            _ => edits.push(TextEdit::new(start, end, String::new())),
        }
    }
    Some(edits)
}

/// Moves the element at `from` of `array` to position `to`, as `Vec::remove(from)`
/// then `insert(to)` would: after the element now at `to` when moving down, before it
/// when moving up. Each element keeps its text, and the separator written between
/// elements is reused. In a YAML block sequence the comment lines right above an entry
/// move with it.
pub fn move_element(source: &str, array: &Node<'_>, from: usize, to: usize) -> Option<TextEdit> {
    let elements = array.as_array()?;
    let (moved, target) = (elements.get(from)?, elements.get(to)?);
    if from == to {
        return None;
    }
    let text = |a: u32, b: u32| source.get(a as usize..b as usize);
    if opens_flow(source, array, b'[') {
        let (start, end, replacement) = if from < to {
            let next = &elements[from + 1];
            let replacement = [
                text(next.range.start, target.range.end)?,
                text(moved.range.end, next.range.start)?,
                text(moved.range.start, moved.range.end)?,
            ]
            .concat();
            (moved.range.start, target.range.end, replacement)
        } else {
            let previous = &elements[from - 1];
            let replacement = [
                text(moved.range.start, moved.range.end)?,
                text(previous.range.end, moved.range.start)?,
                text(target.range.start, previous.range.end)?,
            ]
            .concat();
            (target.range.start, moved.range.end, replacement)
        };
        return Some(TextEdit::new(start as usize, end as usize, replacement));
    }
    let block = |element: &Node<'_>| -> Option<(usize, usize, &'static str)> {
        let (start, _) = entry_lines(source, element)?;
        let (end, lead) = after_line(source, element.range.end as usize);
        Some((comments_above(source, start), end, lead))
    };
    let (m_start, m_end, m_lead) = block(moved)?;
    let (t_start, t_end, t_lead) = block(target)?;
    let moved_text = source.get(m_start..m_end)?;
    let edit = if from < to {
        let rest = source.get(m_end..t_end)?;
        TextEdit::new(m_start, t_end, format!("{rest}{t_lead}{moved_text}"))
    } else {
        let rest = source.get(t_start..m_start)?;
        TextEdit::new(t_start, m_end, format!("{moved_text}{m_lead}{rest}"))
    };
    Some(edit)
}

/// The start of the run of comment-only lines that ends at `line` (a line start), or
/// `line` when the line above is not a comment.
fn comments_above(source: &str, mut line: usize) -> usize {
    while line > 0 {
        let above = line_start(source, line - 1);
        if !source[above..line].trim_start().starts_with('#') {
            break;
        }
        line = above;
    }
    line
}

/// The lines of a block sequence entry: from the start of the line of its `- ` to
/// after its last line. `None` unless only spaces come before the dash, and only
/// spaces between it and the element.
fn entry_lines(source: &str, element: &Node<'_>) -> Option<(usize, usize)> {
    let at = element.range.start as usize;
    let line = line_start(source, at);
    let before = source.get(line..at)?;
    let dash = before.find('-')?;
    let is_entry_prefix = before[..dash].bytes().all(|b| b == b' ')
        && before[dash + 1..].bytes().all(|b| b == b' ')
        && dash + 1 < before.len();
    is_entry_prefix.then(|| (line, after_line(source, element.range.end as usize).0))
}

/// True when the collection is written in flow style (JSON, or YAML `{...}`/`[...]`).
fn opens_flow(source: &str, node: &Node<'_>, open: u8) -> bool {
    source.as_bytes().get(node.range.start as usize) == Some(&open)
}

/// Offset of the closing bracket of a flow collection.
fn closing_bracket(source: &str, node: &Node<'_>, close: u8) -> Option<usize> {
    let end = node.range.end as usize;
    (end > node.range.start as usize && source.as_bytes().get(end - 1) == Some(&close))
        .then_some(end - 1)
}

fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The whitespace between the start of the line and `at`, when there is nothing else.
fn indentation_before(source: &str, at: usize) -> Option<&str> {
    let before = &source[line_start(source, at)..at];
    before
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some(before)
}

fn indentation_of_line(source: &str, at: usize) -> &str {
    let line = &source[line_start(source, at)..];
    let width = line
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    &line[..width]
}

/// The indentation of a flow collection itself: that of its closing bracket when the
/// bracket starts its line, else that of the line it opens on.
fn outer_indentation(source: &str, open: usize, close: usize) -> &str {
    indentation_before(source, close).unwrap_or_else(|| indentation_of_line(source, open))
}

fn column_of(source: &str, at: usize) -> usize {
    source[line_start(source, at)..at].chars().count()
}

/// The indentation step between a container's line and its members.
fn step_from(inner: &str, outer: &str) -> String {
    match inner.strip_prefix(outer) {
        Some(step) if !step.is_empty() => step.to_string(),
        _ if inner.contains('\t') => "\t".to_string(),
        _ => " ".repeat(DEFAULT_STEP),
    }
}

/// The offset just after the line holding `at` (after its newline), and the text to
/// put first when the source ends without one.
/// Where the text of block node `value` ends, for a line added after it: its end,
/// or, when it ends with a block scalar that keeps its final line breaks (`|+`, `>+`),
/// past the blank lines that follow, which are part of that scalar's value.
fn past_kept_lines(source: &str, value: &Node<'_>) -> usize {
    let mut last = value;
    loop {
        let next = match &last.value {
            crate::syntax::Value::Object(m) => {
                m.iter().max_by_key(|m| m.value.range.end).map(|m| &m.value)
            }
            crate::syntax::Value::Array(a) => a.iter().max_by_key(|n| n.range.end),
            _ => None,
        };
        match next {
            Some(n) => last = n,
            None => break,
        }
    }
    let end = value.range.end as usize;
    let text = source.get(last.range.start as usize..).unwrap_or("");
    let header = text.split('\n').next().unwrap_or("");
    let keeps =
        text.starts_with(['|', '>']) && header.split('#').next().unwrap_or("").contains('+');
    if !keeps {
        return end;
    }
    // Past the end of the scalar's last line, then every blank line after it.
    let mut at = source[end..]
        .find('\n')
        .map_or(source.len(), |i| end + i + 1);
    while at < source.len() {
        let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i + 1);
        if !source[at..line_end].trim().is_empty() {
            break;
        }
        at = line_end;
    }
    // The newline before the first line that is not blank (the line is added after it).
    at.saturating_sub(1).max(end)
}

fn after_line(source: &str, at: usize) -> (usize, &'static str) {
    match source[at..].find('\n') {
        Some(i) => (at + i + 1, ""),
        None => (source.len(), "\n"),
    }
}

/// `s` as a string scalar of a `kind` document, in the style of `original`, the token
/// it replaces (quotes included): JSON strings are double-quoted; in YAML a
/// single-quoted token stays single-quoted, a double-quoted one double-quoted, and a
/// plain one plain when `s` reads back the same unquoted (double-quoted otherwise).
pub fn string_like(kind: SourceKind, original: &str, s: &str) -> String {
    match kind {
        SourceKind::Json => json_string(s),
        SourceKind::Yaml => match original.as_bytes().first() {
            Some(b'"') => json_string(s),
            Some(b'\'') => format!("'{}'", s.replace('\'', "''")),
            _ if plain_is_safe(s) => s.to_string(),
            _ => json_string(s),
        },
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// JSON on one line, with a space after each `:` and `,` as in most hand-written
/// definitions.
fn compact(value: &Json) -> String {
    // Room for a typical fix's value at once: growing by reallocation frees a page
    // at each step, which the allocator returns to the system at once (see main.rs).
    let mut out = String::with_capacity(256);
    write_compact(&mut out, value);
    out
}

fn write_compact(out: &mut String, value: &Json) {
    match value {
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(out, item);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_string(out, k);
                out.push_str(": ");
                write_compact(out, v);
            }
            out.push('}');
        }
        Json::String(s) => write_json_string(out, s),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A JSON string literal (quotes and escapes), written without a detour through
/// serde for the common case of plain text.
fn write_json_string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&json_string(s));
    }
}

/// JSON over several lines: nested levels one `step` deeper, the closing bracket at
/// `indent`.
fn pretty(value: &Json, indent: &str, step: &str) -> String {
    // As in `compact`.
    let mut out = String::with_capacity(256);
    let mut line = String::from(indent);
    write_pretty(&mut out, value, &mut line, step);
    out
}

/// Writes `value`; `indent` is the current line's indentation (restored on return).
fn write_pretty(out: &mut String, value: &Json, indent: &mut String, step: &str) {
    let outer = indent.len();
    match value {
        Json::Array(items) if !items.is_empty() => {
            indent.push_str(step);
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                out.push_str(indent);
                write_pretty(out, item, indent, step);
            }
            indent.truncate(outer);
            out.push('\n');
            out.push_str(indent);
            out.push(']');
        }
        Json::Object(members) if !members.is_empty() => {
            indent.push_str(step);
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                out.push_str(indent);
                write_json_string(out, k);
                out.push_str(": ");
                write_pretty(out, v, indent, step);
            }
            indent.truncate(outer);
            out.push('\n');
            out.push_str(indent);
            out.push('}');
        }
        other => write_compact(out, other),
    }
}

/// What follows `key:` in a block mapping whose keys are at `column`.
/// How a YAML file lays out its blocks, for text added to it: the indentation step
/// of its nested mappings, and whether a sequence under a key starts at the key's
/// column (`Catch:` then `- ErrorEquals:`, as PyYAML and yq write) or one step in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct YamlStyle {
    step: usize,
    indentless: bool,
    /// Spaces after the `-` of a sequence entry (`-  ErrorEquals:` has 2).
    gap: usize,
}

impl YamlStyle {
    /// The style of `source`, from its first `key:` lines with a block under them
    /// (2 spaces, indented sequences when it has none).
    fn of(source: &str) -> YamlStyle {
        let mut step = None;
        let mut indentless = None;
        let mut gap = None;
        // The first lines tell; a huge file is not read to its end for each fix.
        let mut lines = source
            .lines()
            .take(2000)
            .map(|l| (l.len() - l.trim_start_matches(' ').len(), l.trim()))
            .filter(|(_, t)| !t.is_empty() && !t.starts_with('#'))
            .peekable();
        while let Some((indent, text)) = lines.next() {
            if gap.is_none()
                && let Some(after) = text.strip_prefix('-')
            {
                let spaces = after.len() - after.trim_start_matches(' ').len();
                if spaces > 0 && !after.trim_start().is_empty() {
                    gap = Some(spaces);
                }
            }
            if step.is_some() && indentless.is_some() && gap.is_some() {
                break;
            }
            let Some(&(next_indent, next)) = lines.peek() else {
                break;
            };
            // `key:` (or `- key:`) that opens a block on the next line.
            if !text.ends_with(':') {
                continue;
            }
            let column = match text.strip_prefix('-') {
                Some(after) if after.starts_with(' ') => {
                    indent + 1 + after.len() - after.trim_start_matches(' ').len()
                }
                _ => indent,
            };
            if next.starts_with("- ") || next.starts_with("-  ") {
                if next_indent == column {
                    indentless.get_or_insert(true);
                } else if next_indent > column {
                    indentless.get_or_insert(false);
                }
            } else if next_indent > column {
                step.get_or_insert(next_indent - column);
            }
        }
        YamlStyle {
            step: step.filter(|s| (1..=8).contains(s)).unwrap_or(DEFAULT_STEP),
            indentless: indentless.unwrap_or(false),
            gap: gap.filter(|g| (1..=8).contains(g)).unwrap_or(1),
        }
    }
}

fn yaml_after_key(value: &Json, column: usize, style: YamlStyle) -> String {
    let inner = column + style.step;
    match value {
        Json::Array(items) if !items.is_empty() => {
            let dash = if style.indentless { column } else { inner };
            items
                .iter()
                .map(|v| {
                    format!(
                        "\n{}-{}{}",
                        " ".repeat(dash),
                        " ".repeat(style.gap),
                        yaml_entry(v, dash + 1 + style.gap, style)
                    )
                })
                .collect()
        }
        Json::Object(members) if !members.is_empty() => members
            .iter()
            .map(|(k, v)| {
                format!(
                    "\n{}{}:{}",
                    " ".repeat(inner),
                    yaml_key(k),
                    yaml_after_key(v, inner, style)
                )
            })
            .collect(),
        other => format!(" {}", yaml_scalar(other)),
    }
}

/// A value in YAML flow style, plain where that reads back the same.
fn yaml_flow(value: &Json) -> String {
    match value {
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(yaml_flow).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_flow(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        other => yaml_scalar(other),
    }
}

/// A sequence entry after its `- `; an object's later keys line up at `column`.
fn yaml_entry(value: &Json, column: usize, style: YamlStyle) -> String {
    match value {
        Json::Object(members) if !members.is_empty() => {
            let lines: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}:{}", yaml_key(k), yaml_after_key(v, column, style)))
                .collect();
            lines.join(&format!("\n{}", " ".repeat(column)))
        }
        Json::Array(_) => compact(value),
        other => yaml_scalar(other),
    }
}

fn yaml_key(key: &str) -> String {
    if plain_is_safe(key) {
        key.to_string()
    } else {
        json_string(key)
    }
}

fn yaml_scalar(value: &Json) -> String {
    match value {
        Json::String(s) if plain_is_safe(s) => s.clone(),
        Json::String(s) => json_string(s),
        Json::Array(_) | Json::Object(_) => compact(value),
        other => other.to_string(),
    }
}

/// True when `s` reads back as the same string written plain (unquoted) in YAML, in
/// block and flow context alike. Conservative: anything that could be read as
/// another type, or that holds an indicator, is quoted.
fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || first.is_ascii_digit()
        || first.is_whitespace()
        || first == '+'
        || first == '.'
        || first == '~'
        || s.ends_with(':')
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| c.is_control() || ",[]{}".contains(c))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | ".inf" | ".nan"
    )
}

#[cfg(test)]
mod tests;
