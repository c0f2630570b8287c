//! A JSON pretty-printer that keeps everything the author wrote: key order, duplicate
//! keys, comments, trailing commas, `${...}` placeholders, number spellings and string
//! escapes. It re-lays the tokens out: objects one member per line, short arrays of
//! scalars on one line, comments where they were (at the end of a line or on their own
//! line), single blank lines between members kept. Text that does not read as JSON is
//! not formatted (`None`), so a half-typed document is never mangled.

use crate::syntax::{self, SourceKind, SyntaxErrorKind, TextRange};

#[derive(Clone, Debug)]
pub struct FormatOptions {
    /// One level of indentation, e.g. two spaces or a tab.
    pub indent: String,
    /// Arrays of scalars are kept on one line when it stays within this width.
    pub max_width: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            indent: "  ".to_string(),
            max_width: 100,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Scalar,
    LineComment,
    BlockComment,
}

struct Token<'s> {
    kind: Tok,
    text: &'s str,
    /// Newlines between the previous token and this one.
    newlines_before: usize,
}

fn lex(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut newlines = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b'\n' => {
                newlines += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'{' | b'[' => {
                i += 1;
                Tok::Open(b)
            }
            b'}' | b']' => {
                i += 1;
                Tok::Close(b)
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                while i > start && bytes[i - 1] == b'\r' {
                    i -= 1;
                }
                Tok::LineComment
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |j| i + 2 + j + 2);
                Tok::BlockComment
            }
            b'"' | b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                Tok::Scalar
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                i = text[i..].find('}').map_or(bytes.len(), |j| i + j + 1);
                Tok::Scalar
            }
            _ => {
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'{'
                            | b'}'
                            | b'['
                            | b']'
                            | b','
                            | b':'
                            | b'"'
                    )
                {
                    i += 1;
                }
                Tok::Scalar
            }
        };
        out.push(Token {
            kind,
            text: &text[start..i],
            newlines_before: newlines,
        });
        newlines = 0;
    }
    out
}

/// Formats a JSON document; `None` when it has errors that make the layout uncertain
/// (anything but the accepted extensions and duplicate keys) or is not JSON.
pub fn format_json(text: &str, options: &FormatOptions) -> Option<String> {
    let doc = syntax::parse(text, SourceKind::Json);
    let fatal = doc.errors.iter().any(|e| {
        !matches!(
            e.kind,
            SyntaxErrorKind::Extension | SyntaxErrorKind::DuplicateKey { .. }
        )
    });
    if fatal || doc.root.is_none() {
        return None;
    }
    let tokens = lex(text);
    let mut p = Printer {
        out: String::with_capacity(text.len() + text.len() / 4),
        depth: 0,
        newline: false,
        options,
    };
    if text.starts_with('\u{feff}') {
        p.out.push('\u{feff}');
    }
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        match t.kind {
            Tok::Open(open) => {
                p.token(t);
                let close = if open == b'{' { b'}' } else { b']' };
                if tokens.get(i + 1).map(|n| n.kind) == Some(Tok::Close(close)) {
                    p.out.push(close as char);
                    i += 2;
                    continue;
                }
                if open == b'['
                    && let Some((end, width)) = inline_array(&tokens, i)
                    && p.column() + width <= options.max_width
                {
                    for item in &tokens[i + 1..end] {
                        match item.kind {
                            Tok::Comma => p.out.push_str(", "),
                            _ => p.out.push_str(item.text),
                        }
                    }
                    p.out.push(']');
                    i = end + 1;
                    continue;
                }
                p.depth += 1;
                p.newline = true;
            }
            Tok::Close(_) => {
                p.depth = p.depth.saturating_sub(1);
                p.newline = true;
                p.token(t);
            }
            Tok::Comma => {
                p.out.push(',');
                p.newline = true;
            }
            Tok::Colon => p.out.push_str(": "),
            Tok::Scalar => p.token(t),
            Tok::LineComment | Tok::BlockComment => {
                let at_start = p.out.trim_start_matches('\u{feff}').is_empty();
                if t.newlines_before == 0 && !at_start {
                    // A comment at the end of a line stays there.
                    p.out.push(' ');
                    p.out.push_str(t.text);
                } else {
                    p.newline = !at_start;
                    p.token(t);
                }
                let next_on_new_line = tokens.get(i + 1).is_none_or(|n| n.newlines_before > 0);
                if t.kind == Tok::LineComment || next_on_new_line {
                    p.newline = true;
                } else {
                    p.out.push(' ');
                }
            }
        }
        i += 1;
    }
    let mut out = p.out;
    while out.ends_with([' ', '\n']) {
        out.pop();
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

/// When the array opened at `open` holds only scalars (no comments, no nesting): the
/// index of its `]` and its one-line width.
fn inline_array(tokens: &[Token<'_>], open: usize) -> Option<(usize, usize)> {
    let mut width = 2;
    for (j, t) in tokens.iter().enumerate().skip(open + 1) {
        match t.kind {
            Tok::Close(b']') => return Some((j, width)),
            Tok::Scalar => width += t.text.chars().count(),
            Tok::Comma => width += 2,
            _ => return None,
        }
    }
    None
}

struct Printer<'o> {
    out: String,
    depth: usize,
    /// A line break is due before the next token.
    newline: bool,
    options: &'o FormatOptions,
}

impl Printer<'_> {
    fn token(&mut self, t: &Token<'_>) {
        if self.newline {
            let after_separator = self.out.ends_with(',') || self.out.ends_with("*/");
            self.out.push('\n');
            if t.newlines_before >= 2 && after_separator {
                self.out.push('\n');
            }
            for _ in 0..self.depth {
                self.out.push_str(&self.options.indent);
            }
            self.newline = false;
        }
        self.out.push_str(t.text);
    }

    fn column(&self) -> usize {
        let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out[line_start..].chars().count()
    }
}

/// The edits that turn `old` into `new` (a formatting of it) restricted to `range` of
/// `old`: the changed lines that overlap it (where lines were joined or split, the part
/// of the new text that lays out each old line's tokens), each as the range of `old` it
/// replaces and its new text. Range formatting formats the whole document and keeps
/// these, so a selection is laid out exactly as the whole document would be.
pub fn edits_within(old: &str, new: &str, range: TextRange) -> Vec<(TextRange, String)> {
    // Many changes far apart make the smallest diff slow to find: past the deadline the
    // edits are still right, only maybe larger.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(200);
    let diff = similar::TextDiff::configure()
        .deadline(deadline)
        .diff_lines(old, new);
    let old_lines: Vec<&str> = diff.old_slices().to_vec();
    let new_lines: Vec<&str> = diff.new_slices().to_vec();
    // Byte offset of each old line's start (and of the end).
    let mut starts = Vec::with_capacity(old_lines.len() + 1);
    let mut at = 0;
    for l in &old_lines {
        starts.push(at);
        at += l.len();
    }
    starts.push(at);
    let mut edits = Vec::new();
    for op in diff.ops() {
        if op.tag() == similar::DiffTag::Equal {
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        // Lines changed one for one (re-indented, re-spaced) are edits of their own, so
        // a selection gets its own lines only.
        let pieces: Vec<(std::ops::Range<usize>, String)> = if o.len() == n.len() {
            o.clone()
                .zip(n.clone())
                .map(|(a, b)| (a..a + 1, new_lines[b].to_string()))
                .collect()
        } else {
            // Lines joined or split: each old line gets the part of the new text that
            // lays out its own tokens, so a selection of one state does not reach
            // its neighbours on the lines around.
            let new_text = new_lines[n].concat();
            match split_by_tokens(&old_lines[o.clone()], &new_text) {
                Some(parts) => o.clone().zip(parts).map(|(a, t)| (a..a + 1, t)).collect(),
                None => vec![(o, new_text)],
            }
        };
        for (o, text) in pieces {
            let replaced = TextRange::from_usize(starts[o.start], starts[o.end]);
            // An empty selection (a cursor) stands for its line.
            let end = range.end.max(range.start + 1);
            let overlaps = replaced.start < end && range.start < replaced.end
                || replaced.is_empty() && range.touches(replaced.start);
            if overlaps && old[replaced.as_usize()] != text {
                edits.push((replaced, text));
            }
        }
    }
    edits
}

/// `new` cut into one part for each of `old_lines`, where formatting changed only the
/// whitespace between tokens: each part holds the same non-space characters as its
/// old line, with the spaces before them on their line and the line break after them
/// (an old line that formatting removes gets an empty part). `None` when the two do
/// not hold the same non-space characters.
fn split_by_tokens(old_lines: &[&str], new: &str) -> Option<Vec<String>> {
    let tokens = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    if tokens(&old_lines.concat()) != tokens(new) {
        return None;
    }
    let mut parts = Vec::with_capacity(old_lines.len());
    let mut rest = new;
    for (i, line) in old_lines.iter().enumerate() {
        if i + 1 == old_lines.len() {
            parts.push(rest.to_string());
            break;
        }
        // Past as many non-space characters as the old line has, then its spaces up to
        // and with one line break (not into the next token).
        let mut count = line.chars().filter(|c| !c.is_whitespace()).count();
        let mut cut = 0;
        for (at, c) in rest.char_indices() {
            if count == 0 {
                break;
            }
            cut = at + c.len_utf8();
            if !c.is_whitespace() {
                count -= 1;
            }
        }
        if count > 0 {
            cut = rest.len();
        }
        // Up to the next line break, if one comes before the next token: the spaces
        // that indent a token belong to the part that holds it.
        let spaces = rest[cut..].len() - rest[cut..].trim_start().len();
        if let Some(nl) = rest[cut..cut + spaces].find('\n') {
            cut += nl + 1;
        }
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selected_line_that_formatting_splits_does_not_reach_its_neighbours() {
        let old = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n    \"B\": {\"Type\": \"Pass\", \"Next\": \"C\"},\n    \"C\": {\"Type\": \"Succeed\"}\n  }\n}\n";
        let new = format_json(old, &FormatOptions::default()).unwrap();
        let a = old.find("    \"A\"").unwrap();
        let line_end = a + old[a..].find('\n').unwrap();
        let edits = edits_within(old, &new, TextRange::from_usize(a, line_end));
        let mut out = old.to_string();
        for (r, t) in edits.iter().rev() {
            out.replace_range(r.as_usize(), t);
        }
        assert_eq!(
            out,
            "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"B\"\n    },\n    \"B\": {\"Type\": \"Pass\", \"Next\": \"C\"},\n    \"C\": {\"Type\": \"Succeed\"}\n  }\n}\n"
        );
        // All the parts together are the whole formatting.
        let all = edits_within(old, &new, TextRange::from_usize(0, old.len()));
        let mut out = old.to_string();
        for (r, t) in all.iter().rev() {
            out.replace_range(r.as_usize(), t);
        }
        assert_eq!(out, new);
    }

    #[test]
    fn range_formatting_keeps_the_changed_lines_that_overlap_the_selection() {
        let old = "{\"StartAt\": \"A\",\n\"States\": {\n\"A\": {\"Type\": \"Pass\",\n\"End\": true},\n\"B\": {\"Type\": \"Succeed\"}}}\n";
        let new = format_json(old, &FormatOptions::default()).unwrap();
        let all = edits_within(old, &new, TextRange::from_usize(0, old.len()));
        let apply = |edits: &[(TextRange, String)]| {
            let mut out = old.to_string();
            for (r, t) in edits.iter().rev() {
                out.replace_range(r.as_usize(), t);
            }
            out
        };
        assert_eq!(apply(&all), new);
        // A cursor at the start of the "B" line: only the hunk around it.
        let b = old.find("\"B\"").unwrap();
        assert_eq!(&old[b - 1..b], "\n");
        let some = edits_within(old, &new, TextRange::from_usize(b, b));
        assert_eq!(some.len(), 1);
        assert!(some[0].0.start as usize <= b && b < some[0].0.end as usize);
        // Nothing to change, nothing returned.
        assert!(edits_within(&new, &new, TextRange::from_usize(0, new.len())).is_empty());
    }

    fn fmt(text: &str) -> Option<String> {
        format_json(text, &FormatOptions::default())
    }

    #[test]
    fn lays_out_objects_and_keeps_order_and_comments() {
        let text = "{\"StartAt\":\"B\", // first B\n\"States\":{\"B\":{\"Type\":\"Task\",\"Retry\":[{\"ErrorEquals\":[\"States.ALL\",\"X\"]}],\n\n\n/* the end */ \"End\":true,\"Parameters\":{}, \"Items\": [1e3, ${N}]}}}\n";
        let expected = r#"{
  "StartAt": "B", // first B
  "States": {
    "B": {
      "Type": "Task",
      "Retry": [
        {
          "ErrorEquals": ["States.ALL", "X"]
        }
      ],

      /* the end */ "End": true,
      "Parameters": {},
      "Items": [1e3, ${N}]
    }
  }
}
"#;
        assert_eq!(fmt(text).unwrap(), expected);
        // Formatting is idempotent.
        assert_eq!(fmt(expected).unwrap(), expected);
    }

    #[test]
    fn uses_the_indent_asked_for_and_declines_broken_text() {
        let options = FormatOptions {
            indent: "\t".to_string(),
            max_width: 10,
        };
        assert_eq!(
            format_json("{\"a\": [\"long one\", 2]}", &options).unwrap(),
            "{\n\t\"a\": [\n\t\t\"long one\",\n\t\t2\n\t]\n}"
        );
        assert_eq!(fmt("{\"a\": "), None);
        assert_eq!(fmt("{\"a\" 1}"), None);
        assert_eq!(fmt(""), None);
        assert_eq!(
            fmt("{\"s\": \"x\\\"y\"}").unwrap(),
            "{\n  \"s\": \"x\\\"y\"\n}"
        );
    }
}
