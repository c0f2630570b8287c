//! A YAML layout normaliser that keeps everything the author wrote: key order, comments,
//! anchors and aliases, tags (`!Ref`, `!Sub`, ...), quoting, block scalars and flow
//! collections. Only whitespace at the start and end of lines and blank lines change:
//!
//! - Every line on which an entry of a block mapping or block sequence starts gets the
//!   indentation of its collection: 0 for the top level, one `indent` step deeper than
//!   the collection holding it otherwise. Sequences under a mapping key are indented one
//!   step too (`Key:\n  - a`), whatever style the document used.
//! - A collection that starts on the line of its parent entry (`- Variable: $.x` puts a
//!   mapping inside a sequence item) keeps its place on that line; its following entries
//!   line up under its first key, as YAML requires. What follows a `- ` on its line is
//!   never touched.
//! - Every other line moves by the same amount as the entry line that owns it: the body of
//!   a `|` or `>` block scalar, the continuation lines of a multi-line plain or quoted
//!   scalar, a value written on the line after its key, and the inside of a flow
//!   collection (`{...}`, `[...]`) spanning several lines, whose own layout is kept.
//! - A comment on its own line takes the indentation of the collection it sits in by its
//!   column (the deepest open collection at or left of it).
//! - Trailing whitespace is removed (except inside block scalars, where it is content),
//!   runs of blank lines become one (except inside scalars, where they are content), blank
//!   lines at the start and end go, and the text ends with a single line break.
//!
//! Text with syntax errors is not formatted (`None`), so a half-typed document is never
//! mangled. The result is read again and compared with the original (same structure,
//! keys in order, scalar values, tags and comments); if anything differs, the answer is
//! `None` too.

use crate::syntax::{self, Node, SyntaxErrorKind, Value};

/// Formats a YAML document with `indent` spaces per level; `None` when it has syntax
/// errors, is empty, or could not be laid out without changing what it means.
pub fn format_yaml(text: &str, indent: usize) -> Option<String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let doc = syntax::yaml::parse_as_written(body);
    if !acceptable(&doc) {
        return None;
    }
    let root = doc.root.as_ref()?;
    let mut layout = Layout::new(body, indent.max(1), &doc.comments);
    layout.node(
        root,
        Parent {
            coll: None,
            column: None,
        },
    );
    let out = layout.render();
    if !reads_as(&doc, &syntax::yaml::parse_as_written(&out)) {
        return None;
    }
    Some(format!("{bom}{out}"))
}

/// The edits of `formatted` (the whole of `text` formatted by [`format_yaml`]) that
/// range formatting applies for a selection of `text`. Indentation carries meaning in
/// YAML: re-indenting the selected lines alone can move them out of the collection their
/// siblings stay in. So the selection grows to the smallest collection or entry around
/// it whose edits, applied alone, leave the document meaning what it meant (at the
/// largest, the whole document, which [`format_yaml`] has already checked).
pub fn range_edits(
    text: &str,
    formatted: &str,
    range: syntax::TextRange,
) -> Vec<(syntax::TextRange, String)> {
    let edits = super::edits_within(text, formatted, range);
    if edits.is_empty() {
        return edits;
    }
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let doc = syntax::yaml::parse_as_written(&text[body_start..]);
    let keeps_meaning = |edits: &[(syntax::TextRange, String)]| {
        let edited = apply(text, edits);
        let edited = edited.strip_prefix('\u{feff}').unwrap_or(&edited);
        reads_as(&doc, &syntax::yaml::parse_as_written(edited))
    };
    if keeps_meaning(&edits) {
        return edits;
    }
    let mut around = Vec::new();
    if let Some(root) = doc.root.as_ref() {
        let shifted = syntax::TextRange::new(
            range.start.saturating_sub(body_start as u32),
            range.end.saturating_sub(body_start as u32),
        );
        enclosing(root, shifted, &mut around);
    }
    around.sort_by_key(|r| r.len());
    for r in around {
        let r = syntax::TextRange::new(r.start + body_start as u32, r.end + body_start as u32);
        let edits = super::edits_within(text, formatted, r);
        if keeps_meaning(&edits) {
            return edits;
        }
    }
    super::edits_within(
        text,
        formatted,
        syntax::TextRange::from_usize(0, text.len()),
    )
}

/// The ranges of the collections and entries of `node` that hold all of `range`.
fn enclosing(node: &Node<'_>, range: syntax::TextRange, out: &mut Vec<syntax::TextRange>) {
    let holds = |r: syntax::TextRange| r.start <= range.start && range.end <= r.end;
    match &node.value {
        Value::Object(members) => {
            if holds(node.range) {
                out.push(node.range);
            }
            for m in members {
                if holds(m.range()) {
                    out.push(m.range());
                    enclosing(&m.value, range, out);
                }
            }
        }
        Value::Array(items) => {
            if holds(node.range) {
                out.push(node.range);
            }
            for item in items {
                if holds(item.range) {
                    enclosing(item, range, out);
                }
            }
        }
        Value::Tagged(t) => enclosing(&t.node, range, out),
        _ => {}
    }
}

fn apply(text: &str, edits: &[(syntax::TextRange, String)]) -> String {
    let mut out = text.to_string();
    for (r, t) in edits.iter().rev() {
        out.replace_range(r.as_usize(), t);
    }
    out
}

/// Whether `b` reads as `a` does: no new errors, the same tree and the same comments.
fn reads_as(a: &syntax::Document<'_>, b: &syntax::Document<'_>) -> bool {
    let same_comments = a
        .comments
        .iter()
        .map(|c| c.text.trim_end())
        .eq(b.comments.iter().map(|c| c.text.trim_end()));
    match (a.root.as_ref(), b.root.as_ref()) {
        (Some(x), Some(y)) => acceptable(b) && same_comments && same_tree(x, y),
        _ => false,
    }
}

/// No errors but duplicate keys (which the linter reports, and which layout cannot change).
fn acceptable(doc: &syntax::Document<'_>) -> bool {
    doc.errors
        .iter()
        .all(|e| matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
}

/// Same values, keys in the same order, same tags; ranges are ignored.
fn same_tree(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) | (Value::Invalid, Value::Invalid) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) | (Value::Placeholder(x), Value::Placeholder(y)) => {
            x == y
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_tree(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(a, b)| a.key == b.key && same_tree(&a.value, &b.value))
        }
        (Value::Tagged(x), Value::Tagged(y)) => x.tag == y.tag && same_tree(&x.node, &y.node),
        _ => false,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    /// Indentation from the layout, trailing whitespace removed; blank lines collapse.
    Plain,
    /// Inside a `|` or `>` scalar: moved, the rest kept byte for byte. A line of at most
    /// `content_indent` spaces is an empty line of the scalar and is written empty
    /// (`None` when the header gives the indentation: such lines are moved as they are).
    BlockBody { content_indent: Option<usize> },
    /// A continuation line of a multi-line plain or quoted scalar: moved, trailing
    /// whitespace removed (folding drops it), blank lines kept as they are content.
    ScalarContinuation,
    /// A blank line after a `|+` or `>+` scalar: content, kept.
    KeptBlank,
}

/// A block collection: the column of its entries before and after.
struct Coll {
    old: usize,
    new: usize,
    parent: Option<usize>,
}

#[derive(Clone, Copy)]
struct Parent {
    /// The collection holding the node.
    coll: Option<usize>,
    /// Its new column, `None` at the top level.
    column: Option<usize>,
}

struct Layout<'t> {
    text: &'t str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    indent: usize,
    /// Lines where an entry of a block collection starts: how far they move.
    entry_delta: Vec<Option<isize>>,
    /// The collection whose entry starts on the line.
    entry_coll: Vec<Option<usize>>,
    /// The line whose move a line follows (the entry line of the innermost entry over it).
    owner: Vec<Option<usize>>,
    kind: Vec<LineKind>,
    /// Lines inside a flow collection that spans lines (after its first line).
    in_flow: Vec<bool>,
    colls: Vec<Coll>,
    /// Start offsets of comments, sorted.
    comments: Vec<usize>,
}

impl<'t> Layout<'t> {
    fn new(text: &'t str, indent: usize, comments: &[syntax::Comment<'_>]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < text.len()),
        );
        let n = starts.len();
        let mut comments: Vec<usize> = comments.iter().map(|c| c.range.start as usize).collect();
        comments.sort_unstable();
        Layout {
            text,
            starts,
            indent,
            entry_delta: vec![None; n],
            entry_coll: vec![None; n],
            owner: vec![None; n],
            kind: vec![LineKind::Plain; n],
            in_flow: vec![false; n],
            colls: Vec::new(),
            comments,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The line's text without its line break.
    fn line(&self, line: usize) -> &'t str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let s = &self.text[start..end.max(start)];
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s)
    }

    fn column(&self, offset: usize) -> usize {
        offset - self.starts[self.line_of(offset)]
    }

    /// True when only spaces come before `offset` on its line.
    fn first_on_line(&self, offset: usize) -> bool {
        let start = self.starts[self.line_of(offset)];
        self.text.as_bytes()[start..offset]
            .iter()
            .all(|&b| b == b' ')
    }

    /// Where an entry whose key (or dash) is at `offset` starts: before the anchors and
    /// tags written in front of it on the same line.
    fn entry_start(&self, offset: usize) -> usize {
        let start = self.starts[self.line_of(offset)];
        let mut at = offset;
        for (pos, token) in tokens(self.text, start, offset).into_iter().rev() {
            if token.starts_with('&') || token.starts_with('!') {
                at = pos;
            } else {
                break;
            }
        }
        at
    }

    /// The `-` of the sequence item whose value starts at `offset`: the last `-` before
    /// it, with only anchors, tags, blank lines and comments between.
    fn dash_of(&self, offset: usize) -> Option<usize> {
        let mut line = self.line_of(offset);
        let mut end = offset;
        loop {
            let start = self.starts[line];
            // A comment ends the useful part of the line.
            let first_comment = self.comments.partition_point(|&c| c < start);
            if let Some(&c) = self.comments.get(first_comment).filter(|&&c| c < end) {
                end = c;
            }
            for (pos, token) in tokens(self.text, start, end).into_iter().rev() {
                if token == "-" {
                    return Some(pos);
                }
                if !(token.starts_with('&') || token.starts_with('!')) {
                    return None;
                }
            }
            if line == 0 {
                return None;
            }
            line -= 1;
            end = self.starts[line] + self.line(line).len();
        }
    }

    fn node(&mut self, node: &Node<'_>, parent: Parent) {
        let at = node.range.start as usize;
        let first = self.text.as_bytes().get(at).copied();
        if first == Some(b'*') {
            // An alias: its value is a copy whose ranges point at the anchored text.
            return;
        }
        match &node.value {
            Value::Tagged(t) => self.node(&t.node, parent),
            Value::Object(members) => {
                if first == Some(b'{')
                    && members
                        .first()
                        .is_none_or(|m| m.key_range.start > node.range.start)
                {
                    return self.flow(node);
                }
                let entries: Vec<(usize, usize, &Node<'_>)> = members
                    .iter()
                    .map(|m| {
                        let end = m.key_range.end.max(m.value.range.end) as usize;
                        (m.key_range.start as usize, end, &m.value)
                    })
                    .collect();
                self.block(&entries, parent);
            }
            Value::Array(items) => {
                if first == Some(b'[')
                    && items
                        .first()
                        .is_none_or(|i| i.range.start > node.range.start)
                {
                    return self.flow(node);
                }
                let mut entries = Vec::with_capacity(items.len());
                for item in items {
                    let Some(dash) = self.dash_of(item.range.start as usize) else {
                        // Not laid out as expected: leave the lines where they are.
                        return;
                    };
                    entries.push((dash, item.range.end as usize, item));
                }
                self.block(&entries, parent);
            }
            _ => self.scalar(node),
        }
    }

    /// Lays out a block collection whose entries start at the given offsets.
    fn block(&mut self, entries: &[(usize, usize, &Node<'_>)], parent: Parent) {
        let Some(&(first, ..)) = entries.first() else {
            return;
        };
        let first = self.entry_start(first);
        let old = self.column(first);
        let new = if self.first_on_line(first) {
            parent.column.map_or(0, |c| c + self.indent)
        } else {
            // Compact (`- key: value`): it stays where its line puts it.
            let delta = self.entry_delta[self.line_of(first)].unwrap_or(0);
            old.saturating_add_signed(delta)
        };
        let coll = self.colls.len();
        self.colls.push(Coll {
            old,
            new,
            parent: parent.coll,
        });
        for &(offset, end, value) in entries {
            let start = self.entry_start(offset);
            let line = self.line_of(start);
            if self.first_on_line(start) {
                self.entry_delta[line] = Some(new as isize - self.column(start) as isize);
                self.entry_coll[line] = Some(coll);
            }
            let last = self.line_of(end.max(start));
            for owner in &mut self.owner[line..=last] {
                *owner = Some(line);
            }
            self.node(
                value,
                Parent {
                    coll: Some(coll),
                    column: Some(new),
                },
            );
        }
    }

    fn flow(&mut self, node: &Node<'_>) {
        let first = self.line_of(node.range.start as usize);
        let last = self.line_of(node.range.end as usize);
        for line in first + 1..=last {
            self.in_flow[line] = true;
        }
        // Only the scalars inside matter: their continuation lines keep blank lines.
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if self.text.as_bytes().get(n.range.start as usize) == Some(&b'*') {
                continue;
            }
            match &n.value {
                Value::Tagged(t) => stack.push(&t.node),
                Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
                Value::Array(items) => stack.extend(items),
                _ => self.scalar(n),
            }
        }
    }

    fn scalar(&mut self, node: &Node<'_>) {
        let start = node.range.start as usize;
        let first = self.line_of(start);
        let last = self.line_of(node.range.end as usize);
        if first == last {
            return;
        }
        let bytes = self.text.as_bytes();
        if matches!(bytes[start], b'|' | b'>') {
            let header_end = self.starts[first] + self.line(first).len();
            let header = self.text[start + 1..header_end]
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            let content_indent = if header.bytes().any(|b| b.is_ascii_digit()) {
                None
            } else {
                (first + 1..=last)
                    .map(|l| self.line(l))
                    .find(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start_matches(' ').len())
            };
            for line in first + 1..=last {
                self.kind[line] = LineKind::BlockBody { content_indent };
            }
            if header.contains('+') {
                for line in last + 1..self.starts.len() {
                    if !self.line(line).trim().is_empty() {
                        break;
                    }
                    self.kind[line] = LineKind::KeptBlank;
                }
            }
        } else {
            for line in first + 1..=last {
                self.kind[line] = LineKind::ScalarContinuation;
            }
        }
    }

    /// How far each line moves.
    fn deltas(&self) -> Vec<isize> {
        let mut deltas = vec![0isize; self.starts.len()];
        for line in 0..self.starts.len() {
            deltas[line] = match (self.entry_delta[line], self.owner[line]) {
                (Some(d), _) => d,
                (None, Some(owner)) if owner < line => deltas[owner],
                _ => 0,
            };
        }
        deltas
    }

    /// The indentation of an own-line comment at `column` between entry lines `before`
    /// and `after`: that of the deepest collection open there at or left of it.
    fn comment_indent(&self, column: usize, before: Option<usize>, after: Option<usize>) -> usize {
        let mut best: Option<&Coll> = None;
        let mut leftmost: Option<&Coll> = None;
        // The entry after first: on a tie, a comment goes with what it introduces.
        for line in [after, before].into_iter().flatten() {
            let mut coll = self.entry_coll[line];
            while let Some(i) = coll {
                let c = &self.colls[i];
                if c.old <= column && best.is_none_or(|b| c.old > b.old) {
                    best = Some(c);
                }
                if leftmost.is_none_or(|l| c.old < l.old) {
                    leftmost = Some(c);
                }
                coll = c.parent;
            }
        }
        best.or(leftmost).map_or(column, |c| c.new)
    }

    fn render(&self) -> String {
        let eol = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let deltas = self.deltas();
        let n = self.starts.len();
        let mut next_entry = vec![None; n + 1];
        for line in (0..n).rev() {
            next_entry[line] = if self.entry_coll[line].is_some() {
                Some(line)
            } else {
                next_entry[line + 1]
            };
        }
        // Each output line, and whether it is a blank line that may be dropped.
        let mut lines: Vec<(String, bool)> = Vec::with_capacity(n);
        let mut previous_entry = None;
        for line in 0..n {
            let text = self.line(line);
            let spaces = text.len() - text.trim_start_matches(' ').len();
            let moved = |rest: &str| {
                let column = spaces.saturating_add_signed(deltas[line]);
                format!("{}{rest}", " ".repeat(column))
            };
            let blank = text.trim().is_empty();
            let out = match self.kind[line] {
                LineKind::BlockBody { content_indent } => {
                    if text.bytes().all(|b| b == b' ')
                        && content_indent.is_some_and(|c| spaces <= c)
                    {
                        (String::new(), false)
                    } else {
                        (moved(&text[spaces..]), false)
                    }
                }
                LineKind::ScalarContinuation if blank => (String::new(), false),
                LineKind::ScalarContinuation => (moved(text[spaces..].trim_end()), false),
                LineKind::KeptBlank => (String::new(), false),
                LineKind::Plain if blank => (String::new(), true),
                LineKind::Plain => {
                    let rest = text[spaces..].trim_end();
                    let is_comment = self
                        .comments
                        .binary_search(&(self.starts[line] + spaces))
                        .is_ok();
                    if is_comment && !self.in_flow[line] && self.entry_coll[line].is_none() {
                        let column = self.comment_indent(spaces, previous_entry, next_entry[line]);
                        (format!("{}{rest}", " ".repeat(column)), false)
                    } else {
                        (moved(rest), false)
                    }
                }
            };
            if self.entry_coll[line].is_some() {
                previous_entry = Some(line);
            }
            if out.1 && lines.last().is_none_or(|l| l.1) {
                continue;
            }
            lines.push(out);
        }
        while lines.last().is_some_and(|l| l.1) {
            lines.pop();
        }
        let mut out = String::with_capacity(self.text.len() + 16);
        for (line, _) in &lines {
            out.push_str(line);
            out.push_str(eol);
        }
        out
    }
}

/// The whitespace-separated tokens of `text[start..end]` with their offsets.
fn tokens(text: &str, start: usize, end: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = start;
    for token in text[start..end].split([' ', '\t']) {
        if !token.is_empty() {
            out.push((at, token));
        }
        at += token.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Re-indenting only the selected line of a mapping would move it out of the mapping
    /// its siblings stay in: the edits cover the whole mapping instead. A selection whose
    /// lines can move alone gets its lines only.
    #[test]
    fn range_formatting_keeps_a_mapping_together() {
        let text = "StartAt: A\nStates:\n  A:\n      Type: Pass\n      Result: 1\n      End: true\n  B:\n     Type: Succeed\n";
        let formatted = format_yaml(text, 2).unwrap();
        let line = |n: usize| {
            let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
            let len = text.split_inclusive('\n').nth(n).unwrap().len();
            syntax::TextRange::from_usize(start, start + len)
        };
        let edits = range_edits(text, &formatted, line(3));
        assert_eq!(
            apply(text, &edits),
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: 1\n    End: true\n  B:\n     Type: Succeed\n"
        );
        // `Type: Succeed` is B's only entry: it moves alone.
        let edits = range_edits(text, &formatted, line(7));
        assert_eq!(edits.len(), 1);
        assert_eq!(
            apply(text, &edits),
            "StartAt: A\nStates:\n  A:\n      Type: Pass\n      Result: 1\n      End: true\n  B:\n    Type: Succeed\n"
        );
    }

    /// Formats with two spaces and checks that formatting the result changes nothing.
    fn fmt(text: &str) -> Option<String> {
        let out = format_yaml(text, 2)?;
        assert_eq!(
            format_yaml(&out, 2).as_deref(),
            Some(&*out),
            "not idempotent"
        );
        Some(out)
    }

    #[test]
    fn re_indents_mappings_and_sequences_and_keeps_comments() {
        let text = "\n\n# A machine   \nComment:   demo  \nStartAt: Choose\nStates:\n    Choose:\n         Type: Choice   # the only choice\n         Choices:\n         # first rule\n         - Variable: $.x\n           NumericEquals: 1\n           Next: Done\n\n\n\n         -   Not:\n               Variable: $.y\n               IsPresent: true\n             Next: Done\n         Default: Done\n    # before Done\n    Done:\n        Type: Pass\n        End: true\n        # about Done, at its end\n# the end\n\n\n";
        let expected = "# A machine\nComment:   demo\nStartAt: Choose\nStates:\n  Choose:\n    Type: Choice   # the only choice\n    Choices:\n      # first rule\n      - Variable: $.x\n        NumericEquals: 1\n        Next: Done\n\n      -   Not:\n            Variable: $.y\n            IsPresent: true\n          Next: Done\n    Default: Done\n  # before Done\n  Done:\n    Type: Pass\n    End: true\n    # about Done, at its end\n# the end\n";
        assert_eq!(fmt(text).unwrap(), expected);
    }

    #[test]
    fn merge_keys_are_kept_as_written() {
        // The tree applies `<<: *base`; the layout must still write the `<<` entry
        // itself, once, and not the members it brings in.
        let text = "Base: &base\n    Type: Task\n    Resource: arn:aws:lambda:us-east-1:123456789012:function:f\nStates:\n    A:\n        <<: *base\n        End: true\n";
        let expected = "Base: &base\n  Type: Task\n  Resource: arn:aws:lambda:us-east-1:123456789012:function:f\nStates:\n  A:\n    <<: *base\n    End: true\n";
        assert_eq!(fmt(text).as_deref(), Some(expected));
    }

    #[test]
    fn uses_the_indent_asked_for() {
        let text = "States:\n  A:\n    Type: Pass\n    Items:\n    - a\n    - - b\n      - c\n    End: true\n";
        let expected = "States:\n    A:\n        Type: Pass\n        Items:\n            - a\n            - - b\n              - c\n        End: true\n";
        assert_eq!(format_yaml(text, 4).unwrap(), expected);
        assert_eq!(format_yaml(expected, 4).unwrap(), expected);
        // Back to two spaces, sequences still one level under their key.
        assert_eq!(
            fmt(expected).unwrap(),
            "States:\n  A:\n    Type: Pass\n    Items:\n      - a\n      - - b\n        - c\n    End: true\n"
        );
    }

    #[test]
    fn block_scalars_move_with_their_key_and_keep_their_content() {
        let text = "A:\n      Lit: |\n         line one\n           indented   \n\n         line three\n      Fold: >-\n         folded\n         text\n      Kept: |+\n        x\n\n\n      Explicit: |2\n          two extra\n      Spaces: |\n        a\n          \n        b\n";
        let expected = "A:\n  Lit: |\n     line one\n       indented   \n\n     line three\n  Fold: >-\n     folded\n     text\n  Kept: |+\n    x\n\n\n  Explicit: |2\n      two extra\n  Spaces: |\n    a\n      \n    b\n";
        assert_eq!(fmt(text).unwrap(), expected);
        let before = syntax::parse(text, syntax::SourceKind::Yaml);
        let after = syntax::parse(expected, syntax::SourceKind::Yaml);
        assert_eq!(
            after
                .root
                .unwrap()
                .get("A")
                .unwrap()
                .get("Spaces")
                .unwrap()
                .as_str(),
            Some("a\n  \nb\n")
        );
        assert_eq!(
            before
                .root
                .unwrap()
                .get("A")
                .unwrap()
                .get("Kept")
                .unwrap()
                .as_str(),
            Some("x\n\n\n")
        );
    }

    #[test]
    fn multi_line_flow_scalars_keep_their_line_breaks() {
        let text = "A:\n    Quoted: \"a long\n      quoted\n\n      value\"   \n    Plain: plain\n       continued\n";
        let expected =
            "A:\n  Quoted: \"a long\n    quoted\n\n    value\"\n  Plain: plain\n     continued\n";
        assert_eq!(fmt(text).unwrap(), expected);
    }

    #[test]
    fn keeps_anchors_aliases_and_tags() {
        let text = "Resources:\n   Machine:\n      Type: AWS::StepFunctions::StateMachine\n      Properties:\n         RoleArn: !GetAtt Role.Arn\n         Name: !Sub '${AWS::StackName}-flow'\n         Tags: &tags\n         - Key: team\n           Value: !Ref Team\n         Other: *tags\n         Joined: !Join\n           - ''\n           - - !Ref A\n             - \"/*\"\n";
        let expected = "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !GetAtt Role.Arn\n      Name: !Sub '${AWS::StackName}-flow'\n      Tags: &tags\n        - Key: team\n          Value: !Ref Team\n      Other: *tags\n      Joined: !Join\n        - ''\n        - - !Ref A\n          - \"/*\"\n";
        assert_eq!(fmt(text).unwrap(), expected);
    }

    #[test]
    fn flow_collections_move_as_a_whole() {
        let text = "States:\n    A:\n        Parameters: {\"a\": 1,   \n            \"b\": [1,\n              2]}\n        Next: B\n";
        let expected = "States:\n  A:\n    Parameters: {\"a\": 1,\n        \"b\": [1,\n          2]}\n    Next: B\n";
        assert_eq!(fmt(text).unwrap(), expected);
        // A document written as JSON is only trimmed.
        assert_eq!(
            fmt("{\"a\": [1,   \n     2]}").unwrap(),
            "{\"a\": [1,\n     2]}\n"
        );
    }

    #[test]
    fn keeps_document_markers_and_items_on_their_own_line() {
        let text = "%YAML 1.2\n--- # the machine\nStates:\n   A:\n      Items:\n      -\n         Name: x\n      - # second\n         Name: y\n      - &item\n            Name: z\n...\n";
        let expected = "%YAML 1.2\n--- # the machine\nStates:\n  A:\n    Items:\n      -\n        Name: x\n      - # second\n        Name: y\n      - &item\n        Name: z\n...\n";
        assert_eq!(fmt(text).unwrap(), expected);
    }

    #[test]
    fn keeps_line_endings_and_byte_order_mark() {
        assert_eq!(
            fmt("\u{feff}a:\r\n    b: 1  \r\n").unwrap(),
            "\u{feff}a:\r\n  b: 1\r\n"
        );
    }

    #[test]
    fn declines_broken_or_unsafe_text() {
        // Half-typed: an unclosed flow mapping, a bad indentation.
        assert_eq!(fmt("StartAt: A\nStates:\n   A: {Type: Pass\n"), None);
        assert_eq!(fmt("a:\n  b: 1\n c: 2\n"), None);
        assert_eq!(fmt(""), None);
        assert_eq!(fmt("# only a comment\n"), None);
        // A second document is not read, so it cannot be checked.
        assert_eq!(fmt("a: 1\n---\nb: 2\n"), None);
        // Trimming the spaces after an escaped space would escape the line break
        // instead: the check after layout notices the changed value and declines.
        assert_eq!(fmt("a: \"x\\   \n  y\"\n"), None);
        assert_eq!(fmt("a: |\n  x").unwrap(), "a: |\n  x\n");
    }
}
