//! Byte ranges and line/column conversion.
//!
//! Everything inside asl-lint talks in byte offsets ([`TextRange`]); line and column are
//! computed only at the edges (terminal rendering, JSON output, LSP) through [`LineIndex`].

use std::fmt;

/// A half-open byte range `start..end` into a source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub const fn new(start: u32, end: u32) -> Self {
        TextRange { start, end }
    }
    pub fn from_usize(start: usize, end: usize) -> Self {
        TextRange::new(start as u32, end as u32)
    }
    pub const fn empty(at: u32) -> Self {
        TextRange::new(at, at)
    }
    pub fn len(&self) -> u32 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
    /// Like `contains`, but also true at `end` (useful for cursors).
    pub fn touches(&self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn cover(&self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn as_usize(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// 1-based line and column, column counted in Unicode scalar values (what people and
/// most CI tools expect).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// 0-based line and UTF-16 code-unit column, as the Language Server Protocol counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utf16Position {
    pub line: u32,
    pub character: u32,
}

/// Maps byte offsets to lines and columns. Build once per text; every lookup is a
/// binary search plus a scan of one line.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line. Lines end at `\n`; a `\r` before it is part
    /// of the line's terminator and never counted as a column. A `\r` alone ends a
    /// line too, as in LSP and YAML (old Mac files).
    line_starts: Vec<u32>,
    /// Some line ends at a lone `\r`: edits then rebuild the index (whether a `\r`
    /// ends a line depends on the byte after it, which an edit may change).
    lone_cr: bool,
    /// `None` when the whole text is ASCII (columns are byte offsets everywhere);
    /// otherwise `ascii[i]`: line `i` is pure ASCII. This keeps lookups O(1) on the
    /// one huge line of a minified definition.
    ascii: Option<Vec<bool>>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0u32);
        push_line_starts(bytes, &mut line_starts);
        // Nearly every definition is ASCII: one fast pass answers for all lines.
        let mut index = LineIndex {
            line_starts,
            lone_cr: has_lone_cr(bytes),
            ascii: None,
            len: text.len() as u32,
        };
        if !text.is_ascii() {
            index.ascii = Some(index.ascii_table(bytes));
        }
        index
    }

    /// Updates the index after `old` (a byte range of the previous text) was replaced by
    /// `inserted_len` bytes; `text` is the new text. Only the line starts inside the
    /// edit are rescanned; those after it move by the size difference. Gives the same
    /// index as [`LineIndex::new`] on `text`.
    pub fn edit(&mut self, text: &str, old: TextRange, inserted_len: u32) {
        let old_len = self.len;
        let start = old.start.min(old_len);
        let end = old.end.clamp(start, old_len);
        let new_len = text.len() as u32;
        let inserted_end = start + inserted_len;
        if u64::from(new_len) + u64::from(end - start)
            != u64::from(old_len) + u64::from(inserted_len)
            || inserted_end > new_len
            || self.lone_cr
            || has_lone_cr(text.as_bytes())
        {
            // The arguments do not describe the edit that produced `text`.
            *self = LineIndex::new(text);
            return;
        }
        let bytes = text.as_bytes();
        // Lines starting at or before `start` keep their start; those started by a
        // newline inside the replaced bytes go; later ones shift.
        let first_after_start = self.line_starts.partition_point(|&p| p <= start);
        let first_after_end = self.line_starts.partition_point(|&p| p <= end);
        let mut fresh = Vec::new();
        push_line_starts(&bytes[start as usize..inserted_end as usize], &mut fresh);
        for p in &mut fresh {
            *p += start;
        }
        let added = fresh.len();
        let removed = first_after_end - first_after_start;
        self.line_starts
            .splice(first_after_start..first_after_end, fresh);
        let shift_from = first_after_start + added;
        for p in &mut self.line_starts[shift_from..] {
            *p = (*p - end) + inserted_end;
        }
        self.len = new_len;
        // The lines whose bytes changed: the one holding `start` up to the one holding the
        // end of the inserted text.
        let first_line = first_after_start - 1;
        let last_line = shift_from - 1;
        let inserted_ascii = bytes[start as usize..inserted_end as usize].is_ascii();
        if self.ascii.is_none() {
            if !inserted_ascii {
                self.ascii = Some(self.ascii_table(bytes));
            }
        } else {
            let fresh: Vec<bool> = (first_line..=last_line)
                .map(|l| self.line_bytes(bytes, l).is_ascii())
                .collect();
            if let Some(table) = &mut self.ascii {
                table.splice(first_line..first_line + removed + 1, fresh);
                if table.iter().all(|&a| a) {
                    self.ascii = None;
                }
            }
        }
        debug_assert_eq!(
            self.ascii.as_ref().map_or(self.line_starts.len(), Vec::len),
            self.line_starts.len()
        );
    }

    /// The bytes of line `line`, terminator included.
    fn line_bytes<'t>(&self, bytes: &'t [u8], line: usize) -> &'t [u8] {
        let start = self.line_starts[line] as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(bytes.len(), |&n| n as usize);
        &bytes[start..end]
    }

    fn ascii_table(&self, bytes: &[u8]) -> Vec<bool> {
        (0..self.line_starts.len())
            .map(|l| self.line_bytes(bytes, l).is_ascii())
            .collect()
    }

    fn line_is_ascii(&self, line: usize) -> bool {
        self.ascii.as_ref().is_none_or(|a| a[line])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing `offset` (offsets past the end clamp to the last line).
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset at which 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of 0-based `line` without its terminator.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.line_start(line);
        let has_terminator = line + 1 < self.line_starts.len();
        let mut end = if has_terminator {
            self.line_starts[line + 1] - 1
        } else {
            self.len
        };
        // A `\r` right before the `\n` is part of the terminator.
        let bytes = text.as_bytes();
        if has_terminator && end > start && bytes.get(end as usize - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// 1-based line and column (in characters) of a byte offset. An offset inside a
    /// multi-byte character is moved back to that character's start.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset.min(self.len) as usize);
        let line = self.line_of(offset as u32);
        let mut start = self.line_starts[line] as usize;
        // A byte order mark is no column: editors do not show it.
        if start == 0 && text.starts_with('\u{feff}') {
            start = 3.min(offset);
        }
        let column = if self.line_is_ascii(line) {
            (offset - start) as u32 + 1
        } else {
            text[start..offset].chars().count() as u32 + 1
        };
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// LSP position (0-based line, UTF-16 column) of a byte offset.
    pub fn utf16_position(&self, text: &str, offset: u32) -> Utf16Position {
        let offset = clamp_to_char_boundary(text, offset.min(self.len) as usize);
        let line = self.line_of(offset as u32);
        let start = self.line_starts[line] as usize;
        let character = if self.line_is_ascii(line) {
            (offset - start) as u32
        } else {
            text[start..offset].encode_utf16().count() as u32
        };
        Utf16Position {
            line: line as u32,
            character,
        }
    }

    /// Byte offset of an LSP position. Positions past the end of a line clamp to the line
    /// end; positions past the last line clamp to the end of the text.
    pub fn offset_of_utf16(&self, text: &str, pos: Utf16Position) -> u32 {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let line_text = &text[range.as_usize()];
        let mut units = 0u32;
        for (i, ch) in line_text.char_indices() {
            if units >= pos.character {
                return range.start + i as u32;
            }
            units += ch.len_utf16() as u32;
        }
        range.end
    }

    /// Byte offset of a 1-based line and character column.
    pub fn offset_of_line_col(&self, text: &str, lc: LineCol) -> u32 {
        let line = lc.line.saturating_sub(1) as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let line_text = &text[range.as_usize()];
        match line_text
            .char_indices()
            .nth(lc.column.saturating_sub(1) as usize)
        {
            Some((i, _)) => range.start + i as u32,
            None => range.end,
        }
    }
}

/// Appends the offset after every `\n` in `bytes`. Eight bytes are tested at a time:
/// lines are short (~40 bytes in pretty-printed JSON), so a word scan beats calling
/// a search routine once per line.
/// Whether a `\r` of `bytes` is not followed by `\n` (CRLF files have none; the
/// search stops at each `\r`, so it costs little where there are none).
fn has_lone_cr(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

fn push_line_starts(bytes: &[u8], out: &mut Vec<u32>) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut pos = 0usize;
    while pos + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[pos..pos + 8].try_into().expect("8 bytes"));
        let x = w ^ NL;
        // The top bit of each byte of `mask` is set exactly where `x` has a zero byte
        // (no carries cross bytes: each byte of `(x & LOW7) + LOW7` stays below 0x100).
        let mut mask = !(((x & LOW7) + LOW7) | x | LOW7);
        while mask != 0 {
            out.push((pos + (mask.trailing_zeros() / 8) as usize) as u32 + 1);
            mask &= mask - 1;
        }
        pos += 8;
    }
    for (i, &b) in bytes[pos..].iter().enumerate() {
        if b == b'\n' {
            out.push((pos + i) as u32 + 1);
        }
    }
    if has_lone_cr(bytes) {
        let lone = memchr::memchr_iter(b'\r', bytes)
            .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| i as u32 + 1);
        let from = out.partition_point(|&p| p == 0);
        out.extend(lone);
        out[from..].sort_unstable();
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `new` (whose lines end in `\n`) with the line endings of `text`: `\r\n` when its
/// first line ends so (a Windows file stays one), else as it is.
pub fn line_endings_of(text: &str, new: &str) -> String {
    with_line_endings(ends_lines_with_crlf(text), new)
}

/// Whether the first line of `text` ends in `\r\n`: the line endings fixes write there.
/// It looks at the whole text when it has one line only, so a caller with many edits
/// asks once (100,000 fixes of a one-line 4 MB file took 26 s when each asked).
pub fn ends_lines_with_crlf(text: &str) -> bool {
    memchr::memchr(b'\n', text.as_bytes()).is_some_and(|i| text[..i].ends_with('\r'))
}

/// `new` (whose lines end in `\n`) with `\r\n` line endings when `crlf`.
pub fn with_line_endings(crlf: bool, new: &str) -> String {
    if !crlf || !new.contains('\n') {
        return new.to_string();
    }
    new.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Text for a terminal: control characters (an escape sequence, a bell, a line break
/// in a state name) written as JSON writes them (`\u001b`, `\n`), so that a definition cannot move the cursor,
/// retitle the window or add a line to the output. Tabs stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    // Control characters are the ASCII ones and U+0080-U+009F, whose UTF-8 starts with
    // 0xC2: text without those bytes (every message, nearly) needs no decoding.
    if !any_byte(s, |b| b < 0x20 && b != b'\t' || b == 0x7f || b == 0xc2)
        || !s.chars().any(|c| c.is_control() && c != '\t')
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\t' {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `c` as a JSON string writes it: `\n`, `\r`, `\t`, or `\u001b`.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
}

/// `s` in double quotes as a JSON string would write it, with every character one
/// cannot see written as an escape too (`"B\u200b"`): for messages about such names.
pub fn quoted_visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' ' => out.push(' '),
            _ if c.is_control() || c.is_whitespace() || is_invisible(c) => push_escape(&mut out, c),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that take no room on screen: zero-width spaces and joiners, direction
/// marks and embeddings, the word joiner and invisible operators, the byte order mark,
/// the soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
    )
}

/// Whether a byte of `s` is `wanted`: tested a block at a time without stopping inside
/// one, which the compiler turns into vector instructions (the whole source of a large
/// definition is looked at this way before it is shown).
pub(crate) fn any_byte(s: &str, wanted: impl Fn(u8) -> bool) -> bool {
    s.as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |found, &b| found | wanted(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // Old Mac files; LSP and YAML count a `\r` alone as a line end.
        let text = "a\rbc\r\nd\re";
        let index = LineIndex::new(text);
        let at = |o: u32| {
            let lc = index.line_col(text, o);
            (lc.line, lc.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (2, 1));
        assert_eq!(at(6), (3, 1));
        assert_eq!(at(8), (4, 1));
        // Edits rebuild it: a `\n` typed after a lone `\r` makes one line end of two.
        let mut edited = LineIndex::new(text);
        let new_text = "a\r\nbc\r\nd\re";
        edited.edit(new_text, TextRange::new(2, 2), 1);
        assert_eq!(edited.line_col(new_text, 3).line, 2);
        assert_eq!(edited.line_col(new_text, 9).line, 4);
    }

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let text = "\u{feff}{\"a\": 1}\nb";
        let index = LineIndex::new(text);
        let at = |needle: &str| index.line_col(text, text.find(needle).unwrap() as u32);
        assert_eq!(at("{"), LineCol { line: 1, column: 1 });
        assert_eq!(at("\"a"), LineCol { line: 1, column: 2 });
        assert_eq!(at("b"), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_col_counts_characters_and_utf16_units() {
        let text = "ab\r\nä😀x\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 3 });
        assert_eq!(
            idx.utf16_position(text, x),
            Utf16Position {
                line: 1,
                character: 3
            }
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Position {
                    line: 1,
                    character: 3
                }
            ),
            x
        );
        assert_eq!(idx.line_range(0, text), TextRange::new(0, 2));
        assert_eq!(
            idx.offset_of_line_col(text, LineCol { line: 3, column: 2 }),
            13
        );
        // a `\r` at the very end ends the line, as in LSP
        let cr = "a\r";
        let idx = LineIndex::new(cr);
        assert_eq!(idx.line_range(0, cr), TextRange::new(0, 1));
        assert_eq!(
            idx.offset_of_line_col(cr, LineCol { line: 2, column: 1 }),
            2
        );
        let idx = LineIndex::new(text);
        // past the end clamps
        assert_eq!(idx.line_col(text, 999), LineCol { line: 3, column: 5 });
    }

    /// Applies `edit` to the text and to an index of it; the index must equal a fresh one.
    fn check_edit(text: &mut String, index: &mut LineIndex, start: usize, end: usize, ins: &str) {
        text.replace_range(start..end, ins);
        index.edit(text, TextRange::from_usize(start, end), ins.len() as u32);
        let fresh = LineIndex::new(text);
        assert_eq!(
            index.line_starts, fresh.line_starts,
            "starts after {start}..{end} <- {ins:?}"
        );
        assert_eq!(
            index.ascii, fresh.ascii,
            "ascii after {start}..{end} <- {ins:?}"
        );
        assert_eq!(index.len, fresh.len);
    }

    #[test]
    fn edit_matches_a_fresh_index() {
        let mut text = String::from("{\n  \"a\": 1,\n  \"b\": \"ä\"\n}\n");
        let mut index = LineIndex::new(&text);
        // Insert a line break, join lines, replace a non-ASCII line by ASCII (the table
        // goes away), bring non-ASCII back, edit at both ends, replace everything.
        check_edit(&mut text, &mut index, 5, 5, "\n");
        check_edit(&mut text, &mut index, 1, 3, "");
        let a = text.find('ä').unwrap();
        check_edit(&mut text, &mut index, a, a + 2, "x");
        assert!(index.ascii.is_none());
        check_edit(&mut text, &mut index, 0, 0, "😀\n\n");
        assert!(index.ascii.is_some());
        let len = text.len();
        check_edit(&mut text, &mut index, len, len, "\r\nend");
        check_edit(&mut text, &mut index, 0, 4, "");
        assert!(index.ascii.is_none());
        let len = text.len();
        check_edit(&mut text, &mut index, 0, len, "new\ntext\n");
        // Pseudo-random edits over a longer text with some non-ASCII characters.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let pieces = [
            "",
            "\n",
            "ab",
            "\n\n",
            "ö",
            "x\ny",
            "\"k\": [1,\n2]",
            "😀\n",
        ];
        text = "line one\nline two\n".repeat(20);
        index = LineIndex::new(&text);
        for _ in 0..500 {
            let mut start = next(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + next(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let ins = pieces[next(pieces.len())];
            check_edit(&mut text, &mut index, start, end, ins);
        }
    }

    #[test]
    fn word_scan_finds_every_newline() {
        // Newlines at every position of an 8-byte word, next to bytes that differ from
        // `\n` by one bit (0x0b, 0x8a), and in the tail after the last full word.
        let text = "a\n\x0b\n\u{8a}\n\n\nabcdefgh\nijklmno\n\npq\n\n\u{e9}\nxyz\n";
        let expected: Vec<u32> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .collect();
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_starts, expected);
        assert_eq!(idx.ascii.as_ref().map(|a| a.len()), Some(expected.len()));
        let ascii = LineIndex::new("a\nb\n");
        assert!(ascii.ascii.is_none());
        assert_eq!(ascii.line_starts, vec![0, 2, 4]);
    }
}
