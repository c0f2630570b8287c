//! Source maps from a text built out of pieces of an outer file (a definition held in a
//! JSON string, a YAML block scalar, the parts of an `Fn::Join`) back to the outer file.
//!
//! Every byte of the inner text knows the outer range of the characters it came from,
//! so a diagnostic found in the inner text can point at the exact line and column of the
//! outer file, through escapes (`\"`, `\u00e9`), YAML line folding and block-scalar
//! indentation.

use crate::syntax::{Node, TextRange};

/// How the outer text writes the characters of one piece; decides how a fix's
/// replacement text must be escaped to go back into the outer file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A JSON string or a YAML double-quoted scalar: `\` escapes.
    DoubleQuoted,
    /// A YAML single-quoted scalar: `''` stands for `'`.
    SingleQuoted,
    /// A YAML literal or folded block scalar.
    Block,
    /// A YAML plain scalar.
    Plain,
    /// Text that does not appear in the outer file (a substituted value, a `Fn::Join`
    /// delimiter, a `${...}` token standing for an intrinsic): never edited.
    Synthetic,
}

/// Runs of inner bytes and the outer text they came from: a copied run maps byte for
/// byte (an ASCII character written as itself), any other run maps each of its bytes
/// to the whole outer range (an escape such as `\u00e9`, a non-ASCII character, a
/// folded line break, a substituted value). A few numbers per run instead of two per
/// byte: a 12 MB definition in a `DefinitionString` is mostly copied runs.
#[derive(Clone, Debug, Default)]
struct Runs {
    /// `(inner start, outer start, outer end, copied)`, sorted by inner start; a run
    /// ends where the next begins (the last at `len`).
    runs: Vec<(u32, u32, u32, bool)>,
    /// Inner length.
    len: u32,
}

impl Runs {
    /// Appends `len` inner bytes that come from `outer` (as long as `len` when
    /// `copied`).
    fn push(&mut self, len: u32, outer: (u32, u32), copied: bool) {
        if len == 0 {
            return;
        }
        match self.runs.last_mut() {
            // A copy that continues the previous one.
            Some(last) if copied && last.3 && last.2 == outer.0 => last.2 = outer.1,
            // More bytes of the same character or replacement.
            Some(last) if !copied && !last.3 && (last.1, last.2) == outer => {}
            _ => self.runs.push((self.len, outer.0, outer.1, copied)),
        }
        self.len += len;
    }

    /// The run holding inner offset `inner` (the last one past the end).
    fn find(&self, inner: u32) -> Option<(u32, u32, u32, bool)> {
        let i = self.runs.partition_point(|r| r.0 <= inner);
        self.runs.get(i.checked_sub(1)?).copied()
    }

    /// The outer offset where the character holding inner byte `inner` starts.
    fn start(&self, inner: u32) -> Option<u32> {
        (inner < self.len).then_some(())?;
        let (i, o, _, copied) = self.find(inner)?;
        Some(if copied { o + (inner - i) } else { o })
    }

    /// The outer offset where the character holding inner byte `inner` ends.
    fn end(&self, inner: u32) -> Option<u32> {
        (inner < self.len).then_some(())?;
        let (i, o, e, copied) = self.find(inner)?;
        Some(if copied { o + (inner - i) + 1 } else { e })
    }

    /// Appends the runs of `other` that cover its inner `range`.
    fn extend_from(&mut self, other: &Runs, range: std::ops::Range<u32>) {
        let first = other
            .runs
            .partition_point(|r| r.0 <= range.start)
            .saturating_sub(1);
        // Reserve exactly: growing by doubling would leave up to half of a large map
        // (millions of escapes in a big DefinitionString) allocated for nothing.
        let last = other.runs.partition_point(|r| r.0 < range.end);
        self.runs.reserve(last.saturating_sub(first));
        for (k, &(i, o, e, copied)) in other.runs.iter().enumerate().skip(first) {
            let next = other.runs.get(k + 1).map_or(other.len, |r| r.0);
            let (s, t) = (i.max(range.start), next.min(range.end));
            if s >= range.end {
                break;
            }
            if s >= t {
                continue;
            }
            if copied {
                self.push(t - s, (o + (s - i), o + (t - i)), true);
            } else {
                self.push(t - s, (o, e), false);
            }
        }
    }
}

/// Inner byte offset → outer byte range of the character it came from.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    runs: Runs,
    /// `(inner start, style)`, sorted by inner start.
    styles: Vec<(u32, Style)>,
    /// Outer offset that the end of the inner text maps to.
    end: u32,
    /// Inner ranges read from an `Fn::Sub` template string, sorted.
    sub: Vec<(u32, u32)>,
    /// `(inner start, layout)` of each slice of a block scalar, sorted by inner start.
    blocks: Vec<(u32, Block)>,
}

/// An inner text with its source map.
#[derive(Clone, Debug, Default)]
pub struct Embedded {
    pub text: String,
    pub map: SourceMap,
    /// Names whose value is computed at deploy time (an intrinsic in an `Fn::Sub`
    /// variable map): known placeholders, not unresolved ones.
    pub computed: Vec<String>,
}

impl Embedded {
    pub fn new() -> Self {
        Self::default()
    }

    fn set_style(&mut self, style: Style) {
        let at = self.text.len() as u32;
        if self.map.styles.last().map(|s| s.1) != Some(style) {
            if self.map.styles.last().map(|s| s.0) == Some(at) {
                self.map.styles.pop();
            }
            self.map.styles.push((at, style));
        }
    }

    /// Appends text that is not in the outer file; every byte maps to `outer`.
    pub fn push_synthetic(&mut self, text: &str, outer: TextRange) {
        self.set_style(Style::Synthetic);
        self.text.push_str(text);
        self.map
            .runs
            .push(text.len() as u32, (outer.start, outer.end), false);
        self.map.end = outer.end;
    }

    /// Appends a slice of a decoded scalar, `scalar.decoded[range]`.
    pub fn push_decoded(&mut self, scalar: &ScalarMap<'_>, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.set_style(scalar.style);
        if let Some(block) = scalar.block {
            self.map.blocks.push((self.text.len() as u32, block));
        }
        self.text.push_str(&scalar.decoded[range.clone()]);
        let (s, e) = (range.start as u32, range.end as u32);
        self.map.runs.extend_from(&scalar.runs, s..e);
        if let Some(end) = scalar.runs.end(e - 1) {
            self.map.end = end;
        }
    }

    /// Marks the text appended since inner offset `from` as read from an `Fn::Sub`
    /// template string.
    pub fn mark_sub(&mut self, from: usize) {
        if from < self.text.len() {
            self.map.sub.push((from as u32, self.text.len() as u32));
        }
    }

    /// Appends the whole of a decoded scalar.
    pub fn push_scalar(&mut self, scalar: &ScalarMap<'_>) {
        self.push_decoded(scalar, 0..scalar.decoded.len());
    }
}

impl SourceMap {
    /// The outer offset of inner offset `inner` (the end of the text maps to the end of
    /// the last piece).
    pub fn offset(&self, inner: u32) -> u32 {
        self.runs.start(inner).unwrap_or(self.end)
    }

    /// The outer range covering the characters of inner `range`.
    pub fn range(&self, range: TextRange) -> TextRange {
        let start = self.offset(range.start);
        if range.is_empty() {
            return TextRange::empty(start);
        }
        let last = (range.end - 1).min(self.runs.len.saturating_sub(1));
        let end = self.runs.end(last).unwrap_or(self.end).max(start);
        TextRange::new(start, end)
    }

    /// True when inner offset `inner` was read from an `Fn::Sub` template string, where
    /// `${` starts a substitution ([`crate::embed::template::escape_sub`]).
    pub fn in_sub(&self, inner: u32) -> bool {
        let i = self.sub.partition_point(|r| r.0 <= inner);
        i > 0 && inner < self.sub[i - 1].1
    }

    /// The style of the piece holding inner offset `inner`.
    pub fn style_at(&self, inner: u32) -> Style {
        match self.styles.binary_search_by_key(&inner, |s| s.0) {
            Ok(i) => self.styles[i].1,
            Err(0) => Style::Synthetic,
            Err(i) => self.styles[i - 1].1,
        }
    }

    /// Maps an edit of the inner text to an edit of the outer text, when that can be
    /// done exactly: the characters of the range must be written one after the other in
    /// one piece of the outer file (escapes are fine, and so is the indentation of the
    /// lines of a literal block scalar; a fold or a substituted value inside it is
    /// not), and the replacement must be writable in that piece's style, into which it
    /// is escaped. Returns `None` otherwise.
    ///
    /// In a literal block scalar a position at the start of a line maps to the end of
    /// the block's indentation on that line, and each line the replacement starts is
    /// written at the block's indentation.
    pub fn edit(
        &self,
        inner_text: &str,
        outer_text: &str,
        range: TextRange,
        replacement: &str,
    ) -> Option<(TextRange, String)> {
        let style = self.style_at(range.start);
        if style == Style::Synthetic {
            return None;
        }
        let (s, e) = (range.start as usize, range.end as usize);
        if e > self.runs.len as usize || s > e || !inner_text.is_char_boundary(s) {
            return None;
        }
        let literal = match style {
            Style::Block => self.block_at(range.start).filter(|b| b.literal),
            _ => None,
        };
        // The outer offset of the start of a line of a literal block at inner `at`:
        // after the line's indentation, when that is only spaces.
        let line_start = |at: usize| -> Option<u32> {
            literal?;
            let after_break = at > 0 && inner_text.as_bytes()[at - 1] == b'\n';
            if !after_break || at >= self.runs.len as usize || self.style_at(at as u32) != style {
                return None;
            }
            let (o, content) = (self.runs.end(at as u32 - 1)?, self.runs.start(at as u32)?);
            outer_text
                .get(o as usize..content as usize)?
                .bytes()
                .all(|b| b == b' ')
                .then_some(content)
        };
        // Where the character at inner `at` starts, when the folded line break before it
        // (read as one space, or as one line break for an empty line) is followed by
        // indentation or further breaks that the reader passed over: only white space
        // lies between the two characters (YAML folding; a literal block keeps its line
        // breaks and has `line_start`).
        let fold_end = |at: usize| -> Option<u32> {
            if literal.is_some() || at == 0 || at >= self.runs.len as usize {
                return None;
            }
            if self.style_at(at as u32) != style || self.style_at(at as u32 - 1) != style {
                return None;
            }
            let (o, content) = (self.runs.end(at as u32 - 1)?, self.runs.start(at as u32)?);
            let gap = outer_text.get(o as usize..content as usize)?;
            let folded = matches!(inner_text.as_bytes()[at - 1], b' ' | b'\n');
            (folded
                && !gap.is_empty()
                && gap
                    .bytes()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')))
            .then_some(content)
        };
        let outer = if s == e {
            // An insertion goes right after the previous character of the same piece
            // (after the indentation at the start of a line of a literal block).
            if s == 0 || self.style_at(range.start - 1) != style {
                return None;
            }
            match line_start(s) {
                Some(o) => TextRange::empty(o),
                None => TextRange::empty(self.runs.end(s as u32 - 1)?),
            }
        } else {
            if self.style_at(range.end - 1) != style {
                return None;
            }
            // Consecutive characters must be adjacent in the outer text, but for the
            // indentation of a line of a literal block.
            for (i, _) in inner_text.get(s..e)?.char_indices().skip(1) {
                let at = s + i;
                if self.runs.start(at as u32) != self.runs.end(at as u32 - 1)
                    && line_start(at).is_none()
                    && fold_end(at).is_none()
                {
                    return None;
                }
            }
            let outer = self.range(range);
            // An edit that ends at the start of a line ends after its indentation, so
            // that what follows keeps its column (in a literal block) or joins the
            // line the edit starts on (after a folded line break).
            match line_start(e).or_else(|| fold_end(e)) {
                Some(end) => TextRange::new(outer.start, end),
                None => outer,
            }
        };
        outer_text.get(outer.as_usize())?;
        let escaped = match (style, literal) {
            // Lines of a literal block scalar are written at the block's indentation.
            (Style::Block, Some(block)) if replacement.contains('\n') => {
                let indent = " ".repeat(block.indent as usize);
                // What follows the edit on its last line: nothing on an empty line.
                let rest_empty = inner_text[e..].starts_with(['\n', '\r']) || e == inner_text.len();
                let mut lines = replacement.split('\n');
                let mut out = lines.next().unwrap_or_default().to_string();
                let mut lines = lines.peekable();
                while let Some(line) = lines.next() {
                    out.push('\n');
                    // No indentation on a line left empty: no trailing spaces.
                    let empty = line.is_empty() && (lines.peek().is_some() || rest_empty);
                    if !empty {
                        out.push_str(&indent);
                    }
                    out.push_str(line);
                }
                out
            }
            (Style::Block, None) if replacement.contains('\n') => return None,
            _ => escape(replacement, style)?,
        };
        // Text put at the start of an empty line of a literal block (which has no
        // indentation) is written at the block's indentation.
        let escaped = match literal {
            Some(block) if !escaped.is_empty() && !escaped.starts_with('\n') => {
                let line = outer_text[..outer.start as usize]
                    .rfind('\n')
                    .map_or(0, |n| n + 1);
                let before = &outer_text[line..outer.start as usize];
                let missing = (block.indent as usize).saturating_sub(before.len());
                if s > 0
                    && inner_text.as_bytes()[s - 1] == b'\n'
                    && before.bytes().all(|b| b == b' ')
                    && missing > 0
                {
                    format!("{}{escaped}", " ".repeat(missing))
                } else {
                    escaped
                }
            }
            _ => escaped,
        };
        Some((outer, escaped))
    }

    /// The layout of the block scalar holding inner offset `at`.
    fn block_at(&self, at: u32) -> Option<Block> {
        let i = self.blocks.partition_point(|b| b.0 <= at);
        Some(self.blocks.get(i.checked_sub(1)?)?.1)
    }
}

/// Writes `text` so that it reads back as `text` inside a piece of `style`.
pub(crate) fn escape(text: &str, style: Style) -> Option<String> {
    match style {
        Style::Synthetic => None,
        Style::DoubleQuoted => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            Some(out)
        }
        Style::SingleQuoted => (!text.contains('\n')).then(|| text.replace('\'', "''")),
        Style::Block => (!text.contains('\n')).then(|| text.to_string()),
        Style::Plain => (!text.contains('\n')
            && !text.contains(": ")
            && !text.contains(" #")
            && !text.contains('\t'))
        .then(|| text.to_string()),
    }
}

/// A file's text with some byte ranges replaced (placeholder tokens by their values),
/// mapped back to the file by segments: text copied from the file maps byte for byte,
/// a replacement maps to the whole range it replaced. Two numbers per piece instead of
/// two per byte, so a large referenced file costs little.
#[derive(Clone, Debug, Default)]
pub struct SpliceMap {
    /// `(inner start, outer start, outer end, copied)`, sorted by inner start; a copied
    /// piece is as long inside as outside.
    pieces: Vec<(u32, u32, u32, bool)>,
    inner_len: u32,
    outer_len: u32,
}

/// A file's text with splices applied, and the map back to the file.
#[derive(Clone, Debug, Default)]
pub struct Spliced {
    pub text: String,
    pub map: SpliceMap,
}

impl Spliced {
    /// Applies `splices` (outer range, replacement), which must be sorted and must not
    /// overlap, to `outer`.
    pub fn new(outer: &str, splices: &[(TextRange, String)]) -> Spliced {
        let extra: usize = splices.iter().map(|(_, t)| t.len()).sum();
        let mut text = String::with_capacity(outer.len() + extra);
        let mut pieces = Vec::with_capacity(splices.len() * 2 + 1);
        let mut at = 0usize;
        for (range, replacement) in splices {
            let (s, e) = (range.start as usize, range.end as usize);
            if s < at || e > outer.len() {
                continue;
            }
            if s > at {
                pieces.push((text.len() as u32, at as u32, s as u32, true));
                text.push_str(&outer[at..s]);
            }
            pieces.push((text.len() as u32, s as u32, e as u32, false));
            text.push_str(replacement);
            at = e;
        }
        if at < outer.len() {
            pieces.push((text.len() as u32, at as u32, outer.len() as u32, true));
            text.push_str(&outer[at..]);
        }
        let map = SpliceMap {
            pieces,
            inner_len: text.len() as u32,
            outer_len: outer.len() as u32,
        };
        Spliced { text, map }
    }
}

impl SpliceMap {
    /// The piece holding inner offset `inner` (the last one at the end of the text).
    fn piece(&self, inner: u32) -> Option<(u32, u32, u32, bool)> {
        let i = self.pieces.partition_point(|p| p.0 <= inner);
        self.pieces.get(i.checked_sub(1)?).copied()
    }

    /// The outer offset where the character at inner offset `inner` starts.
    fn start(&self, inner: u32) -> u32 {
        if inner >= self.inner_len {
            return self.outer_len;
        }
        match self.piece(inner) {
            Some((i, o, _, true)) => o + (inner - i),
            Some((_, o, _, false)) => o,
            None => inner,
        }
    }

    /// The outer offset where the character at inner offset `inner` ends.
    fn end(&self, inner: u32) -> u32 {
        match self.piece(inner) {
            Some((i, o, _, true)) => o + (inner - i) + 1,
            Some((_, _, e, false)) => e,
            None => inner + 1,
        }
    }

    /// The outer range of inner `range`: a range inside a replacement covers the whole
    /// placeholder it replaced.
    pub fn range(&self, range: TextRange) -> TextRange {
        let start = self.start(range.start);
        if range.is_empty() {
            return TextRange::empty(start);
        }
        let end = self.end(range.end - 1).min(self.outer_len).max(start);
        TextRange::new(start, end)
    }

    /// The outer range of an edit of inner `range`, when the range lies in text copied
    /// from the file (an edit that touches a replacement cannot be written back).
    pub fn edit_range(&self, range: TextRange) -> Option<TextRange> {
        let (i, o, e, copied) = self.piece(range.start)?;
        let len = e - o;
        (copied && range.end <= i + len)
            .then(|| TextRange::new(o + (range.start - i), o + (range.end - i)))
    }
}

/// A string node's decoded value with, for each decoded byte, the outer range of the
/// raw characters that produced it.
#[derive(Debug)]
pub struct ScalarMap<'a> {
    pub decoded: &'a str,
    pub style: Style,
    runs: Runs,
    /// For a block scalar: its indentation (spaces before the content of each line)
    /// and whether it is literal (`|`, line breaks kept as written).
    block: Option<Block>,
}

/// The layout of a YAML block scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    indent: u32,
    literal: bool,
}

/// The indentation of a block scalar whose text after the header line is `body` and
/// whose value is `decoded`: the spaces before the first line with content, less the
/// spaces that line keeps in the value (a more-indented first line under an explicit
/// indentation indicator such as `|2`).
fn block_indent(body: &str, decoded: &str) -> u32 {
    let lead = |line: &str| line.bytes().take_while(|&b| b == b' ').count();
    let content = |line: &&str| !line.trim().is_empty();
    let raw = body.split('\n').find(content).map_or(0, lead);
    let kept = decoded.split('\n').find(content).map_or(0, lead);
    raw.saturating_sub(kept) as u32
}

impl<'a> ScalarMap<'a> {
    /// Aligns the decoded value of a string node with its raw text in `source`. Works
    /// for JSON strings and every YAML scalar style; returns `None` for non-strings.
    pub fn new(source: &str, node: &'a Node<'_>) -> Option<ScalarMap<'a>> {
        let decoded = node.as_str()?;
        let raw_range = node.range.as_usize();
        let raw = source.get(raw_range.clone())?;
        let base = node.range.start;
        let bytes = raw.as_bytes();
        let (style, mut p) = match bytes.first() {
            Some(b'"') => (Style::DoubleQuoted, 1usize),
            Some(b'\'') => (Style::SingleQuoted, 1),
            Some(b'|') | Some(b'>') => (Style::Block, raw.find('\n').map_or(raw.len(), |i| i + 1)),
            _ => (Style::Plain, 0),
        };
        let block = (style == Style::Block).then(|| Block {
            indent: block_indent(&raw[p..], decoded),
            literal: bytes[0] == b'|',
        });
        let indent = block.map_or(0, |b| b.indent as usize);
        let mut runs = Runs::default();
        let n = bytes.len();
        let dec = decoded.as_bytes();
        // A byte that starts an escape in this style: never part of a plain copy.
        let special = match style {
            Style::DoubleQuoted => b'\\',
            Style::SingleQuoted => b'\'',
            _ => 0x80,
        };
        let mut d = 0usize;
        while d < dec.len() {
            // A line of a block scalar starts with the block's indentation, which is
            // not part of the value: skip it, so that spaces the value keeps at the
            // start of a line map to the spaces after the indentation.
            if block.is_some() && p < n && bytes[p - 1] == b'\n' {
                let skip = bytes[p..n.min(p + indent)]
                    .iter()
                    .take_while(|&&b| b == b' ')
                    .count();
                p += skip;
            }
            // Fast path: ASCII written as itself, the usual case, as one copied run.
            let (d0, p0) = (d, p);
            while d < dec.len() && p < n {
                let b = bytes[p];
                if b != dec[d] || b >= 0x80 || b == special {
                    break;
                }
                d += 1;
                p += 1;
                if b == b'\n' && block.is_some() {
                    break;
                }
            }
            if d > d0 {
                runs.push((d - d0) as u32, (base + p0 as u32, base + p as u32), true);
                continue;
            }
            let c = decoded[d..]
                .chars()
                .next()
                .expect("d is a character boundary");
            d += c.len_utf8();
            let clen = c.len_utf8();
            let (s, e) = loop {
                if p >= n {
                    break (n, n);
                }
                let r = bytes[p];
                if style == Style::DoubleQuoted && r == b'\\' {
                    match bytes.get(p + 1) {
                        // An escaped line break produces nothing: skip it and the
                        // indentation of the next line.
                        Some(b'\n') | Some(b'\r') => {
                            p += 1;
                            while p < n && matches!(bytes[p], b'\r' | b'\n' | b' ' | b'\t') {
                                p += 1;
                            }
                            continue;
                        }
                        Some(b'u') => {
                            let hex = raw
                                .get(p + 2..p + 6)
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            let len = match hex {
                                Some(h)
                                    if (0xD800..0xDC00).contains(&h)
                                        && raw.get(p + 6..p + 8) == Some("\\u") =>
                                {
                                    12
                                }
                                _ => 6,
                            };
                            let e = (p + len).min(n);
                            let s = p;
                            p = e;
                            break (s, e);
                        }
                        Some(b'U') => {
                            let (s, e) = (p, (p + 10).min(n));
                            p = e;
                            break (s, e);
                        }
                        Some(b'x') => {
                            let (s, e) = (p, (p + 4).min(n));
                            p = e;
                            break (s, e);
                        }
                        _ => {
                            let (s, e) = (p, (p + 2).min(n));
                            p = e;
                            break (s, e);
                        }
                    }
                }
                if style == Style::SingleQuoted
                    && r == b'\''
                    && bytes.get(p + 1) == Some(&b'\'')
                    && c == '\''
                {
                    let s = p;
                    p += 2;
                    break (s, p);
                }
                let rc = raw[p..].chars().next().unwrap_or(' ');
                if rc == c {
                    let s = p;
                    p += rc.len_utf8();
                    break (s, p);
                }
                if r == b'\r' && c == '\n' && bytes.get(p + 1) == Some(&b'\n') {
                    // A CRLF line break read as one line break.
                    let s = p;
                    p += 2;
                    break (s, p);
                }
                if matches!(r, b' ' | b'\t' | b'\r' | b'\n') {
                    if c == ' ' || c == '\n' {
                        // A folded line break or a line break of a block scalar.
                        let s = p;
                        p += 1;
                        break (s, p);
                    }
                    // Indentation, or the rest of a folded break.
                    p += 1;
                    continue;
                }
                // Anything else: take one raw character for this decoded one.
                let s = p;
                p += rc.len_utf8();
                break (s, p);
            };
            // Escapes are measured in bytes (`\u` + 4, `\x` + 2, a backslash + 1); in a
            // malformed escape such as `\ud83` followed by a multi-byte character the
            // count can end inside that character. Round up to the character's end.
            let e = ceil_char_boundary(raw, e);
            p = p.max(e);
            let (os, oe) = (base + s as u32, base + e as u32);
            // One ASCII byte written as itself is a copy; anything else maps every
            // byte of the character to its whole raw range.
            let copied = clen == 1 && oe == os + 1 && bytes[s] == c as u8;
            runs.push(clen as u32, (os, oe), copied);
        }
        Some(ScalarMap {
            decoded,
            style,
            runs,
            block,
        })
    }

    /// The outer range of decoded bytes `range`.
    pub fn outer(&self, range: std::ops::Range<usize>) -> TextRange {
        let len = self.runs.len as usize;
        if len == 0 {
            return TextRange::empty(0);
        }
        let s = self
            .runs
            .start(range.start.min(len - 1) as u32)
            .unwrap_or(0);
        if range.is_empty() {
            return TextRange::empty(s);
        }
        let e = self
            .runs
            .end((range.end - 1).min(len - 1) as u32)
            .unwrap_or(s);
        TextRange::new(s, e.max(s))
    }
}

/// `i`, or the end of the character of `text` that byte `i` falls inside.
fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::json;

    #[test]
    fn malformed_escapes_before_multibyte_characters_stay_on_boundaries() {
        // Found by the fuzzer: a four-digit `\u` escape cut short by a multi-byte
        // character (here U+FFFD), and a backslash before `é`.
        for text in ["{\"k\": \"a \\ud83\u{FFFD}b\"}", "{\"k\": \"a \\\u{e9}b\"}"] {
            let doc = json::parse(text);
            let node = doc.root.as_ref().unwrap().get("k").unwrap();
            let scalar = ScalarMap::new(text, node).unwrap();
            for i in 0..scalar.decoded.len() {
                let r = scalar.outer(i..i + 1).as_usize();
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
        }
    }

    #[test]
    fn json_string_escapes_map_back_to_raw_characters() {
        let text = r#"{"k": "{\"StartAt\": \"A\u00e9\", \"x\": 1}"}"#;
        let doc = json::parse(text);
        let node = doc.root.as_ref().unwrap().get("k").unwrap();
        let scalar = ScalarMap::new(text, node).unwrap();
        assert_eq!(scalar.decoded, "{\"StartAt\": \"Aé\", \"x\": 1}");
        let mut e = Embedded::new();
        e.push_scalar(&scalar);
        // "StartAt" with its quotes is `\"StartAt\"` in the outer text.
        let inner = e.text.find("\"StartAt\"").unwrap() as u32;
        let r = e.map.range(TextRange::new(inner, inner + 9));
        assert_eq!(&text[r.as_usize()], r#"\"StartAt\""#);
        let eacute = e.text.find('é').unwrap() as u32;
        let r = e.map.range(TextRange::new(eacute, eacute + 2));
        assert_eq!(&text[r.as_usize()], r"\u00e9");
        let x = e.text.find('x').unwrap() as u32;
        assert_eq!(&text[e.map.offset(x) as usize..][..1], "x");
        // An edit maps to the escaped characters, and its replacement is escaped.
        let one = e.text.find('1').unwrap() as u32;
        let (range, rep) = e
            .map
            .edit(&e.text, text, TextRange::new(one, one + 1), "\"two\"")
            .unwrap();
        assert_eq!(&text[range.as_usize()], "1");
        assert_eq!(rep, r#"\"two\""#);
        let (range, rep) = e
            .map
            .edit(&e.text, text, TextRange::new(inner, inner + 9), "\"Go\"")
            .unwrap();
        assert_eq!(&text[range.as_usize()], r#"\"StartAt\""#);
        assert_eq!(rep, r#"\"Go\""#);
        let (range, _) = e
            .map
            .edit(&e.text, text, TextRange::new(eacute, eacute + 2), "e")
            .unwrap();
        assert_eq!(&text[range.as_usize()], r"\u00e9");
    }

    proptest::proptest! {
        /// Every character of a JSON string, written with any mix of plain characters
        /// and escapes, maps to exactly the raw text that encodes it, through the
        /// scalar map and through an embedded text's map (pushed in two slices).
        #[test]
        fn every_character_maps_to_the_raw_text_that_encodes_it(
            chars in proptest::collection::vec(
                (proptest::char::any(), 0u8..4),
                0..40,
            )
        ) {
            let mut raw = String::from("\"");
            let mut value = String::new();
            for (c, how) in &chars {
                value.push(*c);
                match (c, how) {
                    ('"', _) => raw.push_str("\\\""),
                    ('\\', _) => raw.push_str("\\\\"),
                    (c, _) if (*c as u32) < 0x20 => raw.push_str(&format!("\\u{:04x}", *c as u32)),
                    (c, 0) if (*c as u32) < 0x10000 => raw.push_str(&format!("\\u{:04x}", *c as u32)),
                    (c, 1) if *c == '/' => raw.push_str("\\/"),
                    (c, _) => raw.push(*c),
                }
            }
            raw.push('"');
            let text = format!("{{\"k\": {raw}}}");
            let doc = json::parse(&text);
            let node = doc.root.as_ref().unwrap().get("k").unwrap();
            let scalar = ScalarMap::new(&text, node).unwrap();
            proptest::prop_assert_eq!(scalar.decoded, value.as_str());
            let cut = value.char_indices().nth(chars.len() / 2).map_or(value.len(), |(i, _)| i);
            let mut e = Embedded::new();
            e.push_decoded(&scalar, 0..cut);
            e.push_decoded(&scalar, cut..value.len());
            for (i, c) in value.char_indices() {
                let r = scalar.outer(i..i + c.len_utf8());
                let slice = &text[r.as_usize()];
                let back: String = serde_json::from_str(&format!("\"{slice}\"")).unwrap();
                proptest::prop_assert_eq!(back, c.to_string());
                let inner = TextRange::from_usize(i, i + c.len_utf8());
                proptest::prop_assert_eq!(e.map.range(inner), r);
                proptest::prop_assert_eq!(e.map.offset(i as u32), r.start);
            }
            // A range over several characters covers their raw text, end to end.
            if !value.is_empty() {
                let r = scalar.outer(0..value.len());
                let back: String =
                    serde_json::from_str(&format!("\"{}\"", &text[r.as_usize()])).unwrap();
                proptest::prop_assert_eq!(back, value);
            }
        }
    }

    #[test]
    fn synthetic_pieces_are_never_edited() {
        let mut e = Embedded::new();
        e.push_synthetic("abc", TextRange::new(10, 20));
        assert_eq!(e.map.range(TextRange::new(1, 2)), TextRange::new(10, 20));
        assert!(
            e.map
                .edit(&e.text, &" ".repeat(30), TextRange::new(0, 1), "x")
                .is_none()
        );
        assert_eq!(escape("a'b", Style::SingleQuoted).as_deref(), Some("a''b"));
        assert_eq!(escape("a\nb", Style::Block), None);
    }
}

#[cfg(test)]
mod yaml_scalar_tests {
    //! The aligner on YAML scalar styles, with nodes built by hand (decoded values as
    //! a YAML reader produces them), so it is tested without the reader.
    use super::*;
    use crate::syntax::Value;

    fn node(text: &str, raw: &str, decoded: &str) -> Node<'static> {
        let start = text.find(raw).unwrap();
        Node::new(
            TextRange::from_usize(start, start + raw.len()),
            Value::String(decoded.to_string().into()),
        )
    }

    /// For each decoded character of `probe`, the outer text it maps to must be `probe`.
    fn check(text: &str, n: &Node<'_>, probes: &[&str]) {
        let s = ScalarMap::new(text, n).unwrap();
        for p in probes {
            let i = s.decoded.find(p).unwrap();
            let r = s.outer(i..i + p.len());
            assert_eq!(&text[r.as_usize()], *p, "probe {p}");
        }
    }

    #[test]
    fn literal_block_scalar() {
        let text = "DefinitionString: !Sub |\n  {\n    \"StartAt\": \"A\",\n    \"States\": {}\n  }\nNext: 1\n";
        let raw = "|\n  {\n    \"StartAt\": \"A\",\n    \"States\": {}\n  }\n";
        let n = node(text, raw, "{\n  \"StartAt\": \"A\",\n  \"States\": {}\n}\n");
        check(text, &n, &["\"StartAt\"", "\"A\"", "\"States\": {}", "}"]);
    }

    #[test]
    fn spaces_a_block_line_keeps_map_after_the_indentation() {
        // The value's own spaces at the start of a line are the ones after the block's
        // indentation: they used to be matched with the indentation itself.
        let text = "k: |\n  {\n     \"a\": 1,\n     \"b\": 2\n  }\nn: 1\n";
        let raw = "|\n  {\n     \"a\": 1,\n     \"b\": 2\n  }\n";
        let decoded = "{\n   \"a\": 1,\n   \"b\": 2\n}\n";
        let n = node(text, raw, decoded);
        let scalar = ScalarMap::new(text, &n).unwrap();
        let mut e = Embedded::new();
        e.push_scalar(&scalar);
        let b = e.text.find("   \"b\"").unwrap();
        let r = scalar.outer(b..b + 3);
        assert_eq!(r.start as usize, text.find("     \"b\"").unwrap() + 2);
        // Removing a line through the spaces before the next line's content.
        let a = e.text.find("\"a\"").unwrap();
        let (range, rep) = e
            .map
            .edit(&e.text, text, TextRange::from_usize(a, b + 3), "")
            .unwrap();
        assert_eq!(&text[range.as_usize()], "\"a\": 1,\n     ");
        assert_eq!(rep, "");
        // Removing whole lines: from after the indentation to after the next one's.
        let line = e.text.find("   \"a\"").unwrap();
        let (range, _) = e
            .map
            .edit(&e.text, text, TextRange::from_usize(line, b), "")
            .unwrap();
        assert_eq!(&text[range.as_usize()], "   \"a\": 1,\n  ");
        let mut fixed = text.to_string();
        fixed.replace_range(range.as_usize(), "");
        assert_eq!(fixed, "k: |\n  {\n     \"b\": 2\n  }\nn: 1\n");
        // A new line, inserted at the start of a line, is written at the indentation.
        let (range, rep) = e
            .map
            .edit(
                &e.text,
                text,
                TextRange::from_usize(line, line),
                "   \"c\": 3,\n",
            )
            .unwrap();
        let mut fixed = text.to_string();
        fixed.replace_range(range.as_usize(), &rep);
        assert_eq!(
            fixed,
            "k: |\n  {\n     \"c\": 3,\n     \"a\": 1,\n     \"b\": 2\n  }\nn: 1\n"
        );
        // And a replacement holding a line break ends at the indentation of the next.
        let (range, rep) = e
            .map
            .edit(
                &e.text,
                text,
                TextRange::from_usize(a, a + 7),
                "\"a\":\n     1,",
            )
            .unwrap();
        let mut fixed = text.to_string();
        fixed.replace_range(range.as_usize(), &rep);
        assert_eq!(
            fixed,
            "k: |\n  {\n     \"a\":\n       1,\n     \"b\": 2\n  }\nn: 1\n"
        );
    }

    #[test]
    fn literal_block_scalar_with_crlf_and_keep_indicator() {
        let text = "k: |-\r\n  {\"a\":\r\n   \"b\"}\r\n";
        let raw = "|-\r\n  {\"a\":\r\n   \"b\"}";
        let n = node(text, raw, "{\"a\":\n \"b\"}");
        check(text, &n, &["{\"a\":", "\"b\"}"]);
    }

    #[test]
    fn folded_and_plain_multiline() {
        let text = "k: >\n  {\"StartAt\":\n  \"A\"}\n";
        let raw = ">\n  {\"StartAt\":\n  \"A\"}\n";
        let n = node(text, raw, "{\"StartAt\": \"A\"}\n");
        check(text, &n, &["{\"StartAt\":", "\"A\"}"]);
        let text = "k: {\"x\":\n    1}\n";
        let raw = "{\"x\":\n    1}";
        let n = node(text, raw, "{\"x\": 1}");
        check(text, &n, &["{\"x\":", "1}"]);
    }

    #[test]
    fn yaml_double_and_single_quoted() {
        let text = "k: \"{\\\"A\\\": \\u00e9,\\\n    \\\"B\\\": 2}\"\n";
        let raw = &text[3..text.len() - 1];
        let n = node(text, raw, "{\"A\": é,\"B\": 2}");
        let s = ScalarMap::new(text, &n).unwrap();
        let i = s.decoded.find("2").unwrap();
        assert_eq!(&text[s.outer(i..i + 1).as_usize()], "2");
        let i = s.decoded.find('é').unwrap();
        assert_eq!(&text[s.outer(i..i + 2).as_usize()], "\\u00e9");
        let text = "k: '{''a'': 1}'\n";
        let n = node(text, "'{''a'': 1}'", "{'a': 1}");
        let s = ScalarMap::new(text, &n).unwrap();
        assert_eq!(&text[s.outer(4..5).as_usize()], ":");
        assert_eq!(&text[s.outer(1..2).as_usize()], "''");
    }
}
