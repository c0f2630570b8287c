//! A recovering JSON reader that keeps the byte range of every key and value.
//!
//! It never fails: it returns a [`Document`] with whatever it could read and a list of
//! errors, so that a half-typed definition is still analysed. Beyond strict JSON it
//! accepts, each with an [`SyntaxErrorKind::Extension`] error, `//` and `/* */`
//! comments, trailing commas, single-quoted strings and unquoted keys; and without any
//! error an unquoted `${...}` template placeholder where a value belongs. Duplicate keys
//! are kept and reported. Nesting deeper than [`MAX_DEPTH`] is skipped, not recursed.

use std::borrow::Cow;

use super::keys::{KeyIndex, truncate};
use super::text::TextRange;
use super::tree::{
    Comment, Document, MAX_DEPTH, Member, Node, SourceKind, SyntaxError, SyntaxErrorKind, Value,
};

/// Reads `text` as JSON.
pub fn parse(text: &str) -> Document<'_> {
    let doc = parse_closing(text, None);
    // A `}` missing in the middle (an object being typed) shows only at the end, where
    // the text runs out with objects open. When the indentation says where it belongs,
    // the text is read again with the object closed there, so that the states and keys
    // after it keep their places (one error instead of a tree turned inside out).
    if !ended_open(&doc) {
        return doc;
    }
    match outdented_key(text.as_bytes()) {
        Some(at) => {
            let again = parse_closing(text, Some(at));
            if ended_open(&again) { doc } else { again }
        }
        None => doc,
    }
}

/// Whether the text ended inside objects or arrays.
fn ended_open(doc: &Document<'_>) -> bool {
    doc.errors
        .iter()
        .any(|e| e.message.starts_with("unterminated "))
}

/// Reads `text`; with `close = Some((key, object))`, the object that opens at `object`
/// ends before the key at `key` (a `}` missing there, reported at the key).
fn parse_closing(text: &str, close: Option<(usize, usize)>) -> Document<'_> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        errors: Vec::new(),
        comments: Vec::new(),
        member_bufs: Vec::new(),
        item_bufs: Vec::new(),
        eof_reported: false,
        close,
        closed_before: None,
        open_objects: 0,
        open_arrays: 0,
    };
    if text.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]) {
        // UTF-8 byte order mark at the start: tolerated silently.
        p.pos = 3;
    }
    p.skip_trivia();
    let root = if p.at_end() {
        p.error(
            TextRange::empty(p.pos as u32),
            SyntaxErrorKind::Invalid,
            "the document is empty: expected a JSON object".to_string(),
        );
        None
    } else {
        let node = p.value(0);
        p.skip_trivia();
        if !p.at_end() {
            let start = p.pos;
            p.error(
                TextRange::from_usize(start, text.len()),
                SyntaxErrorKind::Invalid,
                "unexpected content after the end of the JSON document".to_string(),
            );
        }
        Some(node)
    };
    Document {
        kind: SourceKind::Json,
        root,
        errors: p.errors,
        comments: p.comments,
        shared: Vec::new(),
    }
}

struct Parser<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    errors: Vec<SyntaxError>,
    comments: Vec<Comment<'s>>,
    /// Reused buffers that objects and arrays are read into; each is then copied into
    /// a vector of exactly its length. Growing the tree's own vectors left on average
    /// half of them unused (a 12 MB definition took 27 MB more than needed).
    member_bufs: Vec<Vec<Member<'s>>>,
    item_bufs: Vec<Vec<Node<'s>>>,
    /// The text ended inside objects or arrays and that was reported (once).
    eof_reported: bool,
    /// `(key, object)`: the object opening at `object` is closed before the key at
    /// `key`, where its `}` is missing (see [`parse`]).
    close: Option<(usize, usize)>,
    /// Set when that object was closed: the key where it was, for the enclosing object
    /// (no `,` is expected there either).
    closed_before: Option<usize>,
    /// How many objects and arrays are open around the value being read: a `]` met in
    /// an object inside an array closes that array (the object's `}` is missing), and a
    /// `}` met in an array inside an object closes that object.
    open_objects: usize,
    open_arrays: usize,
}

/// In a laid-out document, the first key that begins its line no deeper than the line
/// its object opened on (`(key start, object start)`): where a `}` is likely missing.
/// At the same depth counts when the `{` follows a key on its line (the key is then a
/// sibling of that member); a `{` that begins its line (a root's), and a document laid
/// out without indentation, have members at their own depth. Only read when the text
/// ended with objects left open.
fn outdented_key(bytes: &[u8]) -> Option<(usize, usize)> {
    // Open objects (`Some((start, line indentation, begins its line))`) and arrays.
    let mut open: Vec<Option<(usize, usize, bool)>> = Vec::new();
    let mut line_start = 0;
    let mut first = None; // the first non-blank byte of the current line
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || b == b'\r' {
            line_start = i + 1;
            first = None;
            i += 1;
            continue;
        }
        if matches!(b, b' ' | b'\t') {
            i += 1;
            continue;
        }
        let begins_line = first.is_none();
        if begins_line {
            first = Some(i);
        }
        let indent = first.unwrap_or(i) - line_start;
        match b {
            b'{' => open.push(Some((i, indent, begins_line))),
            b'[' => open.push(None),
            b'}' | b']' => {
                open.pop();
            }
            b'"' | b'\'' => {
                if begins_line
                    && let Some(Some((object, object_indent, opens_line))) = open.last().copied()
                {
                    let outdented = indent < object_indent
                        || (indent == object_indent && object_indent > 0 && !opens_line);
                    if outdented {
                        return Some((i, object));
                    }
                }
                // Past the string (a line break ends an unterminated one).
                i += 1;
                while i < bytes.len() && bytes[i] != b && !matches!(bytes[i], b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset where the line holding `at` begins.
fn line_start(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1)
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'{' | b'}'
            | b'['
            | b']'
            | b','
            | b':'
            | b'"'
            | b'\''
            | b' '
            | b'\t'
            | b'\n'
            | b'\r'
            | b'/'
    )
}

impl<'s> Parser<'s> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&mut self, range: TextRange, kind: SyntaxErrorKind, message: String) {
        self.errors.push(SyntaxError {
            range,
            kind,
            message,
        });
    }

    /// Skips white space and comments (recording the comments).
    #[inline]
    fn skip_trivia(&mut self) {
        // Most calls stand right before a token: answer those without a call.
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' && b != b'/' => {}
            None => {}
            _ => self.skip_trivia_slow(),
        }
    }

    fn skip_trivia_slow(&mut self) {
        loop {
            self.pos = skip_whitespace(self.bytes, self.pos);
            if self.peek() != Some(b'/') {
                return;
            }
            let start = self.pos;
            match self.bytes.get(self.pos + 1) {
                Some(b'/') => {
                    // A line ends at LF, CR LF or a lone CR (as the line index counts).
                    let end = memchr::memchr2(b'\n', b'\r', &self.bytes[start..])
                        .map_or(self.bytes.len(), |i| start + i);
                    self.comments.push(Comment {
                        text: &self.text[start + 2..end],
                        range: TextRange::from_usize(start, end),
                    });
                    self.pos = end;
                    self.error(
                        TextRange::from_usize(start, end),
                        SyntaxErrorKind::Extension,
                        "comments are not allowed in JSON".to_string(),
                    );
                }
                Some(b'*') => {
                    let body = start + 2;
                    let (end, text_end) = match memchr::memmem::find(&self.bytes[body..], b"*/") {
                        Some(i) => (body + i + 2, body + i),
                        None => {
                            self.error(
                                TextRange::from_usize(start, self.bytes.len()),
                                SyntaxErrorKind::Invalid,
                                "unterminated block comment: expected `*/`".to_string(),
                            );
                            (self.bytes.len(), self.bytes.len())
                        }
                    };
                    self.comments.push(Comment {
                        text: &self.text[body..text_end],
                        range: TextRange::from_usize(start, end),
                    });
                    self.pos = end;
                    self.error(
                        TextRange::from_usize(start, end),
                        SyntaxErrorKind::Extension,
                        "comments are not allowed in JSON".to_string(),
                    );
                }
                _ => return,
            }
        }
    }

    /// Reads one value. `depth` is the number of enclosing arrays and objects.
    fn value(&mut self, depth: usize) -> Node<'s> {
        self.skip_trivia();
        let start = self.pos;
        let Some(b) = self.peek() else {
            self.error(
                TextRange::empty(start as u32),
                SyntaxErrorKind::Invalid,
                "unexpected end of file: expected a value".to_string(),
            );
            return Node::new(TextRange::empty(start as u32), Value::Invalid);
        };
        match b {
            b'{' | b'[' if depth >= MAX_DEPTH => {
                self.skip_nested();
                let range = TextRange::from_usize(start, self.pos);
                self.error(
                    TextRange::from_usize(start, start + 1),
                    SyntaxErrorKind::TooDeep,
                    format!("nesting deeper than {MAX_DEPTH} levels: this value is not analysed"),
                );
                Node::new(range, Value::Invalid)
            }
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' | b'\'' => {
                let (s, range) = self.string();
                Node::new(range, Value::String(s))
            }
            b'-' | b'0'..=b'9' | b'+' | b'.' => self.number(),
            b'$' if self.bytes.get(self.pos + 1) == Some(&b'{') => self.placeholder(),
            b'}' | b']' | b',' | b':' => {
                self.error(
                    TextRange::from_usize(start, start + 1),
                    SyntaxErrorKind::Invalid,
                    format!("expected a value, found `{}`", b as char),
                );
                Node::new(TextRange::empty(start as u32), Value::Invalid)
            }
            _ => self.word(),
        }
    }

    /// A bare word: `true`, `false`, `null`, or something invalid.
    fn word(&mut self) -> Node<'s> {
        let start = self.pos;
        // Consume up to the next delimiter, at least one character.
        let ch_len = self.text[start..].chars().next().map_or(1, char::len_utf8);
        self.pos += ch_len;
        while let Some(b) = self.peek() {
            if is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        let word = &self.text[start..self.pos];
        let range = TextRange::from_usize(start, self.pos);
        match word {
            "true" => Node::new(range, Value::Bool(true)),
            "false" => Node::new(range, Value::Bool(false)),
            "null" => Node::new(range, Value::Null),
            "True" | "False" | "None" | "NULL" | "TRUE" | "FALSE" | "Null" => {
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!(
                        "`{word}` is not a JSON value; write `{}`",
                        word.to_ascii_lowercase().replace("none", "null")
                    ),
                );
                Node::new(range, Value::Invalid)
            }
            "NaN" | "Infinity" => {
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!("`{word}` is not a JSON number"),
                );
                Node::new(range, Value::Invalid)
            }
            _ => {
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!("expected a value, found `{}`", truncate(word, 40)),
                );
                Node::new(range, Value::Invalid)
            }
        }
    }

    fn placeholder(&mut self) -> Node<'s> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'\n' => {
                    self.pos -= 1;
                    break;
                }
                _ => {}
            }
        }
        let range = TextRange::from_usize(start, self.pos);
        if depth != 0 {
            self.error(
                range,
                SyntaxErrorKind::Invalid,
                "unterminated `${` placeholder: expected `}`".to_string(),
            );
        }
        Node::new(
            range,
            Value::Placeholder(Cow::Borrowed(&self.text[start..self.pos])),
        )
    }

    fn number(&mut self) -> Node<'s> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        // A number glued to letters (`12abc`) is one bad token.
        while let Some(b) = self.peek() {
            if is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        let range = TextRange::from_usize(start, self.pos);
        if !is_json_number(raw) {
            self.error(
                range,
                SyntaxErrorKind::Invalid,
                format!("`{}` is not a valid JSON number", truncate(raw, 40)),
            );
            return Node::new(range, Value::Invalid);
        }
        match parse_number(raw) {
            Some(n) => Node::new(range, Value::Number(n)),
            None => {
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!("number `{}` is out of range", truncate(raw, 40)),
                );
                Node::new(range, Value::Invalid)
            }
        }
    }

    /// Reads a string starting at the opening quote. Returns the decoded text and the
    /// range including the quotes. An unterminated string ends at the end of its line.
    fn string(&mut self) -> (Cow<'s, str>, TextRange) {
        let start = self.pos;
        let quote = self.bytes[start];
        if quote == b'\'' {
            self.error(
                TextRange::from_usize(start, start + 1),
                SyntaxErrorKind::Extension,
                "single-quoted strings are not allowed in JSON; use double quotes".to_string(),
            );
        }
        self.pos += 1;
        let content_start = self.pos;
        // Fast path: no escapes and no control characters.
        self.pos = find_string_special(self.bytes, self.pos, quote);
        if self.peek() == Some(quote) {
            let s = &self.text[content_start..self.pos];
            self.pos += 1;
            return (Cow::Borrowed(s), TextRange::from_usize(start, self.pos));
        }
        let mut out = String::from(&self.text[content_start..self.pos]);
        loop {
            let Some(b) = self.peek() else {
                self.error(
                    TextRange::from_usize(start, self.pos),
                    SyntaxErrorKind::Invalid,
                    "unterminated string: expected a closing `\"`".to_string(),
                );
                return (Cow::Owned(out), TextRange::from_usize(start, self.pos));
            };
            if b == quote {
                self.pos += 1;
                return (Cow::Owned(out), TextRange::from_usize(start, self.pos));
            }
            if (b == b'\n' || b == b'\r') && self.closes_on_next_line(quote) {
                // A line break typed inside a string that the next line closes (`"Ne` /
                // `xt": ...`, as an `Fn::Join` on "\n" makes): one error, and the string
                // goes on, instead of a cascade of errors over the next line.
                let len = if self.bytes[self.pos..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                self.error(
                    TextRange::from_usize(self.pos, self.pos + len),
                    SyntaxErrorKind::Invalid,
                    "a line break inside a JSON string must be written `\\n`".to_string(),
                );
                out.push_str(&self.text[self.pos..self.pos + len]);
                self.pos += len;
                continue;
            }
            if b == b'\n' || b == b'\r' {
                self.error(
                    TextRange::from_usize(start, self.pos),
                    SyntaxErrorKind::Invalid,
                    "unterminated string: expected a closing `\"` before the end of the line"
                        .to_string(),
                );
                return (Cow::Owned(out), TextRange::from_usize(start, self.pos));
            }
            if b < 0x20 {
                self.error(
                    TextRange::from_usize(self.pos, self.pos + 1),
                    SyntaxErrorKind::Invalid,
                    format!("control character U+{b:04X} must be escaped in a JSON string"),
                );
                out.push(b as char);
                self.pos += 1;
                continue;
            }
            if b == b'\\' {
                self.escape(&mut out, quote);
                continue;
            }
            // Copy a run of ordinary characters.
            let run_start = self.pos;
            self.pos = find_string_special(self.bytes, self.pos, quote);
            out.push_str(&self.text[run_start..self.pos]);
        }
    }

    /// At a line break inside a string: whether the next line has the closing quote,
    /// followed by what follows a string (`:`, `,`, `}`, `]`, or the end of the line).
    /// A quote followed by anything else opens the next string: the break ended an
    /// unterminated one.
    fn closes_on_next_line(&self, quote: u8) -> bool {
        let mut i = self.pos;
        if self.bytes[i..].starts_with(b"\r\n") {
            i += 2;
        } else {
            i += 1;
        }
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\n' | b'\r' => return false,
                b'\\' => i += 2,
                _ if b == quote => {
                    let rest = &self.bytes[i + 1..];
                    let after = rest.iter().find(|&&c| c != b' ' && c != b'\t');
                    return matches!(
                        after,
                        None | Some(b':' | b',' | b'}' | b']' | b'\n' | b'\r')
                    );
                }
                _ => i += 1,
            }
        }
        false
    }

    fn escape(&mut self, out: &mut String, quote: u8) {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else { return };
        self.pos += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'\'' => {
                // JSON5 has `\'`; in JSON it is needed only inside a single-quoted
                // string, which is already reported.
                if quote == b'"' {
                    self.error(
                        TextRange::from_usize(start, self.pos),
                        SyntaxErrorKind::Extension,
                        "`\\'` is not a JSON escape; write `'`".to_string(),
                    );
                }
                out.push('\'');
            }
            b'u' => {
                let Some(first) = self.hex4() else {
                    self.error(
                        TextRange::from_usize(start, self.pos),
                        SyntaxErrorKind::Invalid,
                        "invalid unicode escape: expected `\\u` and four hex digits".to_string(),
                    );
                    return;
                };
                if (0xD800..0xDC00).contains(&first) {
                    if self.bytes[self.pos..].starts_with(b"\\u") {
                        let save = self.pos;
                        self.pos += 2;
                        if let Some(second) = self.hex4()
                            && (0xDC00..0xE000).contains(&second)
                        {
                            let cp = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                            return;
                        }
                        self.pos = save;
                    }
                    self.error(
                        TextRange::from_usize(start, self.pos),
                        SyntaxErrorKind::Invalid,
                        "lone surrogate in unicode escape".to_string(),
                    );
                    out.push('\u{FFFD}');
                } else if (0xDC00..0xE000).contains(&first) {
                    self.error(
                        TextRange::from_usize(start, self.pos),
                        SyntaxErrorKind::Invalid,
                        "lone surrogate in unicode escape".to_string(),
                    );
                    out.push('\u{FFFD}');
                } else {
                    out.push(char::from_u32(first).unwrap_or('\u{FFFD}'));
                }
            }
            _ => {
                // Step back over a multi-byte character so the error covers it whole.
                self.pos -= 1;
                let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                self.pos += ch.len_utf8();
                self.error(
                    TextRange::from_usize(start, self.pos),
                    SyntaxErrorKind::Invalid,
                    format!("invalid escape `\\{ch}` in a JSON string"),
                );
                out.push(ch);
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16)?;
        }
        self.pos += 4;
        Some(v)
    }

    /// The text ended inside the object or array opened at `start`, `depth` levels
    /// deep. Reported once, at the innermost opener (nearest to where typing stopped),
    /// saying how many enclosing ones are left open too, rather than once per level.
    fn unterminated(&mut self, start: usize, what: &str, close: char, depth: usize) {
        if std::mem::replace(&mut self.eof_reported, true) {
            return;
        }
        let mut message = format!("unterminated {what}: expected `{close}`");
        match depth {
            0 => {}
            1 => message.push_str(" (and 1 enclosing object or array left open)"),
            n => message.push_str(&format!(" (and {n} enclosing objects or arrays left open)")),
        }
        self.error(
            TextRange::from_usize(start, start + 1),
            SyntaxErrorKind::Invalid,
            message,
        );
        // A `}` missing in the middle shows only at the end: the indentation says where.
        if let Some((key, object)) = outdented_key(self.bytes) {
            self.missing_brace(key, object, "? The");
        }
    }

    /// Reports the `}` of the object opening at `object` as missing before the key at
    /// `key`: a guess (`lead` "? The") when the text is read as it is, a statement
    /// (": the") when it is read with the object closed there.
    fn missing_brace(&mut self, key: usize, object: usize, lead: &str) {
        let line = memchr::memchr_iter(b'\n', &self.bytes[..object]).count() + 1;
        let column = object - line_start(self.bytes, object) + 1;
        self.error(
            TextRange::from_usize(key, key + 1),
            SyntaxErrorKind::Invalid,
            format!(
                "expected `}}` before this key{lead} object opened at line {line}, column {column} is not closed, and this key is indented as a member of an object around it"
            ),
        );
    }

    /// Whether the object that opened at `start` ends here, before a key, for its
    /// missing `}` (see [`parse`]); the first time, that is reported at the key.
    fn closes_here(&mut self, start: usize) -> bool {
        let Some((key, object)) = self.close else {
            return false;
        };
        if object != start || self.pos != key {
            return false;
        }
        self.close = None;
        self.closed_before = Some(key);
        self.missing_brace(key, object, ": the");
        true
    }

    /// Reports the closer `close` of the container opened at `start` as missing at `at`,
    /// before the closer `found` of a container around it.
    fn unclosed(&mut self, start: usize, at: usize, close: char, found: char) {
        let what = if close == '}' { "object" } else { "array" };
        let line = memchr::memchr_iter(b'\n', &self.bytes[..start]).count() + 1;
        let column = start - line_start(self.bytes, start) + 1;
        self.error(
            TextRange::from_usize(at, at),
            SyntaxErrorKind::Invalid,
            format!(
                "expected `{close}` before `{found}`: the {what} opened at line {line}, column {column} is not closed"
            ),
        );
    }

    fn object(&mut self, depth: usize) -> Node<'s> {
        self.open_objects += 1;
        let node = self.object_members(depth);
        self.open_objects -= 1;
        node
    }

    fn object_members(&mut self, depth: usize) -> Node<'s> {
        let start = self.pos;
        self.pos += 1; // `{`
        let mut members: Vec<Member<'s>> = self.member_bufs.pop().unwrap_or_default();
        let mut seen = KeyIndex::default();
        // Closed for its missing `}` (see [`parse`]): it ends with its last member.
        let mut cut = false;
        loop {
            self.skip_trivia();
            if self.closes_here(start) {
                cut = true;
                break;
            }
            let Some(b) = self.peek() else {
                self.unterminated(start, "object", '}', depth);
                break;
            };
            if b == b'}' {
                self.pos += 1;
                break;
            }
            if b == b']' && self.open_arrays > 0 {
                // `[{"a": 1, ]`: the `]` is the array's; this object's `}` is missing.
                let at = members
                    .last()
                    .map_or(start + 1, |m| m.value.range.end as usize);
                self.unclosed(start, at, '}', ']');
                cut = true;
                break;
            }
            if b == b']' {
                self.error(
                    TextRange::from_usize(self.pos, self.pos + 1),
                    SyntaxErrorKind::Invalid,
                    "expected `}` to close the object, found `]`".to_string(),
                );
                self.pos += 1;
                break;
            }
            // Key.
            let (key, key_range) = match b {
                b'"' | b'\'' => self.string(),
                b',' => {
                    self.error(
                        TextRange::from_usize(self.pos, self.pos + 1),
                        SyntaxErrorKind::Invalid,
                        "expected a key, found `,`".to_string(),
                    );
                    self.pos += 1;
                    continue;
                }
                _ if is_identifier_start(b) => {
                    let s = self.pos;
                    while let Some(c) = self.peek() {
                        if is_delimiter(c) {
                            break;
                        }
                        self.pos += 1;
                    }
                    let range = TextRange::from_usize(s, self.pos);
                    self.error(
                        range,
                        SyntaxErrorKind::Extension,
                        "object keys must be double-quoted strings in JSON".to_string(),
                    );
                    (Cow::Borrowed(&self.text[s..self.pos]), range)
                }
                _ => {
                    // Not a key: read it as a value to skip it, then look for the next member.
                    let bad = self.value(depth + 1);
                    if !matches!(bad.value, Value::Invalid) || !bad.range.is_empty() {
                        self.error(
                            bad.range,
                            SyntaxErrorKind::Invalid,
                            "expected a key (a double-quoted string)".to_string(),
                        );
                    }
                    if bad.range.is_empty() {
                        self.pos += 1;
                    }
                    continue;
                }
            };
            // Colon.
            self.skip_trivia();
            if self.peek() == Some(b':') {
                self.pos += 1;
            } else {
                let at = self.pos;
                self.error(
                    TextRange::from_usize(key_range.end as usize, key_range.end as usize),
                    SyntaxErrorKind::Invalid,
                    format!("expected `:` after the key \"{}\"", truncate(&key, 40)),
                );
                // `"key" }` or `"key", ...`: a key with no value.
                if matches!(self.peek(), None | Some(b'}' | b',')) {
                    let node = Node::new(TextRange::empty(at as u32), Value::Invalid);
                    self.push_member(&mut members, &mut seen, key, key_range, node);
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                    continue;
                }
            }
            let value = self.value(depth + 1);
            if value.range.is_empty()
                && matches!(value.value, Value::Invalid)
                && self.peek().is_some_and(|b| b == b':')
            {
                // Stray colon: skip it.
                self.pos += 1;
            }
            self.push_member(&mut members, &mut seen, key, key_range, value);
            // Separator.
            self.skip_trivia();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_trivia();
                    if self.peek() == Some(b'}') {
                        self.error(
                            TextRange::from_usize(comma, comma + 1),
                            SyntaxErrorKind::Extension,
                            "trailing comma before `}` is not allowed in JSON".to_string(),
                        );
                    }
                }
                Some(b'}') | None => {}
                // The array's `]`: the next round reports this object's `}` missing.
                Some(b']') if self.open_arrays > 0 => {}
                Some(b'"') if self.closes_here(start) => {
                    cut = true;
                    break;
                }
                // The member before was an object closed here for its missing `}`: its
                // comma is missing too, and that is one slip, reported once.
                Some(b'"') if self.closed_before == Some(self.pos) => {}
                // `"{% $f("a") %}"`: a JSONata expression cut short by a `"` of its own.
                Some(_) if self.reread_jsonata(&mut members) => {
                    self.skip_trivia();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                }
                Some(b'"') => {
                    let at = members
                        .last()
                        .map_or(self.pos, |m| m.value.range.end as usize);
                    self.error(
                        TextRange::from_usize(at, at),
                        SyntaxErrorKind::Invalid,
                        "expected `,` between object members".to_string(),
                    );
                }
                Some(b) => {
                    let at = self.pos;
                    let found = self.text[at..].chars().next().unwrap_or(b as char);
                    self.error(
                        TextRange::from_usize(at, at + found.len_utf8()),
                        SyntaxErrorKind::Invalid,
                        format!("expected `,` or `}}` after an object member, found `{found}`"),
                    );
                    if b == b':' {
                        // `"k": "v": "w"`: skip the colon and the extra value.
                        self.pos += 1;
                        let _ = self.value(depth + 1);
                    } else if b == b']' {
                        // A stray `]`, reported once: a `,` after it separates members.
                        self.pos += 1;
                        self.skip_trivia();
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                        }
                    }
                    // Otherwise the next loop iteration reads it as a key or skips it.
                }
            }
        }
        let end = match (cut, members.last()) {
            (true, Some(m)) => m.value.range.end as usize,
            (true, None) => start + 1,
            (false, _) => self.pos,
        };
        let mut exact = Vec::with_capacity(members.len());
        exact.append(&mut members);
        self.member_bufs.push(members);
        Node::new(TextRange::from_usize(start, end), Value::Object(exact))
    }

    /// When the last member's value is a string that opens a JSONata expression
    /// (`{%`) and a `"` of the expression ended it, and its `%}"` comes later on the
    /// line: the value becomes the whole text to there (its quotes unescaped, reported
    /// once at the value), and reading goes on after it.
    fn reread_jsonata(&mut self, members: &mut [Member<'s>]) -> bool {
        let Some(last) = members.last_mut() else {
            return false;
        };
        let start = last.value.range.start as usize;
        let Value::String(s) = &last.value.value else {
            return false;
        };
        if !s.trim_start().starts_with("{%") || s.trim_end().ends_with("%}") {
            return false;
        }
        if self.bytes.get(start) != Some(&b'"') {
            return false;
        }
        let line_end = memchr::memchr(b'\n', &self.bytes[self.pos..])
            .map_or(self.bytes.len(), |i| self.pos + i);
        let Some(close) = memchr::memmem::find(&self.bytes[self.pos..line_end], b"%}\"")
            .map(|i| self.pos + i + 2)
        else {
            return false;
        };
        let range = TextRange::from_usize(start, close + 1);
        last.value = Node::new(
            range,
            Value::String(Cow::Borrowed(&self.text[start + 1..close])),
        );
        self.error(
            range,
            SyntaxErrorKind::Invalid,
            "this JSONata expression holds a `\"` that ends the string: write `\\\"`, or quote JSONata strings with `'`".to_string(),
        );
        self.pos = close + 1;
        true
    }

    fn push_member(
        &mut self,
        members: &mut Vec<Member<'s>>,
        seen: &mut KeyIndex<'s>,
        key: Cow<'s, str>,
        key_range: TextRange,
        value: Node<'s>,
    ) {
        let first = seen.first_of(members, &key, key_range);
        if let Some(first) = first {
            self.error(
                key_range,
                SyntaxErrorKind::DuplicateKey { first },
                format!("duplicate key \"{}\"", truncate(&key, 60)),
            );
        }
        members.push(Member {
            key,
            key_range,
            value,
        });
    }

    fn array(&mut self, depth: usize) -> Node<'s> {
        self.open_arrays += 1;
        let node = self.array_items(depth);
        self.open_arrays -= 1;
        node
    }

    fn array_items(&mut self, depth: usize) -> Node<'s> {
        let start = self.pos;
        self.pos += 1; // `[`
        let mut items: Vec<Node<'s>> = self.item_bufs.pop().unwrap_or_default();
        // Closed for its missing `]` where a `}` of an object around it came.
        let mut cut = false;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => {
                    self.unterminated(start, "array", ']', depth);
                    break;
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                Some(b'}') if self.open_objects > 0 => {
                    let at = items.last().map_or(start + 1, |i| i.range.end as usize);
                    self.unclosed(start, at, ']', '}');
                    cut = true;
                    break;
                }
                Some(b'}') => {
                    self.error(
                        TextRange::from_usize(self.pos, self.pos + 1),
                        SyntaxErrorKind::Invalid,
                        "expected `]` to close the array, found `}`".to_string(),
                    );
                    self.pos += 1;
                    break;
                }
                Some(b',') => {
                    self.error(
                        TextRange::from_usize(self.pos, self.pos + 1),
                        SyntaxErrorKind::Invalid,
                        "expected a value, found `,`".to_string(),
                    );
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let item = self.value(depth + 1);
            let stuck = item.range.is_empty();
            items.push(item);
            self.skip_trivia();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_trivia();
                    if self.peek() == Some(b']') {
                        self.error(
                            TextRange::from_usize(comma, comma + 1),
                            SyntaxErrorKind::Extension,
                            "trailing comma before `]` is not allowed in JSON".to_string(),
                        );
                    }
                }
                Some(b']') | None => {}
                // The object's `}`: the next round reports this array's `]` missing.
                Some(b'}') if self.open_objects > 0 => {}
                Some(b) => {
                    let at = self.pos;
                    self.error(
                        TextRange::from_usize(at, at),
                        SyntaxErrorKind::Invalid,
                        "expected `,` or `]` after an array element".to_string(),
                    );
                    if stuck || b == b':' {
                        self.pos += 1;
                    }
                }
            }
        }
        let end = match (cut, items.last()) {
            (true, Some(i)) => i.range.end as usize,
            (true, None) => start + 1,
            (false, _) => self.pos,
        };
        let mut exact = Vec::with_capacity(items.len());
        exact.append(&mut items);
        self.item_bufs.push(items);
        Node::new(TextRange::from_usize(start, end), Value::Array(exact))
    }

    /// Skips a whole nested value starting at `{` or `[` without recursion.
    fn skip_nested(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                    if depth == 0 {
                        return;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\\' {
                            self.pos += 1;
                        } else if c == b'"' || c == b'\n' {
                            break;
                        }
                    }
                    self.pos = self.pos.min(self.bytes.len());
                }
                _ => self.pos += 1,
            }
        }
    }
}

/// Index of the first byte at or after `pos` that is not JSON white space. Runs of
/// spaces (indentation) are skipped eight bytes at a time.
fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    loop {
        // Count leading spaces a word at a time: the lowest non-zero byte of `w ^ SPACES`
        // is the first byte that is not a space.
        while pos + 8 <= bytes.len() {
            let w = u64::from_le_bytes(bytes[pos..pos + 8].try_into().expect("8 bytes"));
            let x = w ^ SPACES;
            if x != 0 {
                pos += (x.trailing_zeros() / 8) as usize;
                break;
            }
            pos += 8;
        }
        match bytes.get(pos) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => pos += 1,
            _ => return pos,
        }
    }
}

/// Index of the first byte at or after `pos` that ends the plain part of a string: the
/// closing `quote`, a backslash or a control character (or the end). Eight bytes are
/// tested at a time with the classic "has a zero byte" bit trick.
fn find_string_special(bytes: &[u8], mut pos: usize, quote: u8) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let q = LO * quote as u64;
    let bs = LO * b'\\' as u64;
    while pos + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[pos..pos + 8].try_into().expect("8 bytes"));
        // A byte below 0x20 borrows in `w - 0x20..` and has its top bit clear; bytes of
        // 0x80 and above never flag because of `!w`. Both tricks can flag a byte only
        // above (after, in little-endian order) a byte that really matches, so the
        // lowest flag is exact.
        let special = has_zero(w ^ q) | has_zero(w ^ bs) | (w.wrapping_sub(LO * 0x20) & !w & HI);
        if special != 0 {
            return pos + (special.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if b == quote || b == b'\\' || b < 0x20 {
            break;
        }
        pos += 1;
    }
    pos
}

fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

/// Strict JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

/// Parses a number already checked by [`is_json_number`]: integers stay integers when
/// they fit in 64 bits, everything else becomes a finite f64.
pub(crate) fn parse_number(raw: &str) -> Option<serde_json::Number> {
    let is_int = !raw.contains(['.', 'e', 'E']);
    // `-0` is the float negative zero, as serde_json (and JavaScript) read it.
    if is_int && !raw.starts_with("-0") {
        if let Ok(v) = raw.parse::<i64>() {
            return Some(v.into());
        }
        if let Ok(v) = raw.parse::<u64>() {
            return Some(v.into());
        }
    }
    let f: f64 = raw.parse().ok()?;
    serde_json::Number::from_f64(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(String, String)> {
        parse(text)
            .errors
            .iter()
            .map(|e| (format!("{:?}", e.range), e.message.clone()))
            .collect()
    }

    #[test]
    fn reads_values_with_ranges() {
        let text = r#"{"a": [1, -2.5e3, true, null], "b\n": "x\u00e9y"}"#;
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let root = doc.root.unwrap();
        let a = root.member("a").unwrap();
        assert_eq!(&text[a.key_range.as_usize()], "\"a\"");
        assert_eq!(&text[a.value.range.as_usize()], "[1, -2.5e3, true, null]");
        let b = root.get("b\n").unwrap();
        assert_eq!(b.as_str(), Some("xéy"));
        assert_eq!(&text[b.range.as_usize()], "\"x\\u00e9y\"");
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": [1, -2500.0, true, null], "b\n": "xéy"})
        );
    }

    /// A `}` missing in the middle of a laid-out document (an object being typed): the
    /// object is closed where the indentation says, before the key indented as a
    /// member of an outer object, and that is the one error; what follows keeps its
    /// place in the tree.
    #[test]
    fn a_missing_brace_is_placed_by_the_indentation() {
        let text = "{\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"B\"\n    ,\n    \"B\": {\n      \"Type\": \"Succeed\"\n    }\n  }\n}\n";
        let found = errors(text);
        let b = text.find("\"B\": {").unwrap();
        assert_eq!(
            found,
            vec![(
                format!("{b}..{}", b + 1),
                "expected `}` before this key: the object opened at line 3, column 10 is not closed, and this key is indented as a member of an object around it".to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        let states = root.member("States").unwrap();
        let a = states.value.member("A").unwrap();
        assert_eq!(
            &text[a.value.range.as_usize()],
            "{\n      \"Type\": \"Pass\",\n      \"Next\": \"B\""
        );
        assert_eq!(
            states
                .value
                .member("B")
                .unwrap()
                .value
                .get("Type")
                .unwrap()
                .as_str(),
            Some("Succeed")
        );
        // Without the comma as well: still one error, at the key.
        let text = "{\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"\n    \"B\": {\"Type\": \"Succeed\"}\n  }\n}\n";
        let b = text.find("\"B\": {").unwrap();
        assert_eq!(
            errors(text).iter().map(|e| e.0.clone()).collect::<Vec<_>>(),
            vec![format!("{b}..{}", b + 1)]
        );
        assert!(
            parse(text)
                .root
                .unwrap()
                .member("States")
                .unwrap()
                .value
                .member("B")
                .is_some()
        );
        // Keys at the depth of a root `{` on a line of its own are no sign of anything.
        let text =
            "{\n\"StartAt\": \"A\",\n\"States\": {\n\"A\": {\"Type\": \"Pass\", \"End\": true}}\n";
        assert_eq!(
            errors(text),
            vec![(
                "0..1".to_string(),
                "unterminated object: expected `}`".to_string()
            )]
        );
    }

    /// A line comment ends at a lone CR too (files saved with old Mac line ends):
    /// it used to run to the end of the file, hiding every member after it.
    #[test]
    fn line_comment_ends_at_a_lone_cr() {
        let text = "{\"a\": 1, // note\r\"b\": 2}";
        let doc = parse(text);
        let root = doc.root.unwrap();
        assert_eq!(root.to_json(), serde_json::json!({"a": 1, "b": 2}));
        let ranges: Vec<&str> = doc
            .comments
            .iter()
            .map(|c| &text[c.range.as_usize()])
            .collect();
        assert_eq!(ranges, ["// note"]);
    }

    #[test]
    fn escaped_single_quote_is_an_extension_in_double_quotes_only() {
        let doc = parse(r#"["a\'b", 'c\'d']"#);
        let kinds: Vec<_> = doc
            .errors
            .iter()
            .map(|e| (e.kind.clone(), e.range, e.message.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    SyntaxErrorKind::Extension,
                    TextRange::new(3, 5),
                    "`\\'` is not a JSON escape; write `'`"
                ),
                (
                    SyntaxErrorKind::Extension,
                    TextRange::new(9, 10),
                    "single-quoted strings are not allowed in JSON; use double quotes"
                ),
            ]
        );
        assert_eq!(
            doc.root.unwrap().to_json(),
            serde_json::json!(["a'b", "c'd"])
        );
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for raw in [
            "0",
            "-0",
            "-0.0",
            "12",
            "-12",
            "18446744073709551615",
            "1e2",
            "-1.5E-3",
        ] {
            let doc = parse(raw);
            assert!(doc.errors.is_empty(), "{raw}");
            let ours = doc.root.unwrap().to_json();
            let theirs: serde_json::Value = serde_json::from_str(raw).unwrap();
            assert_eq!(ours, theirs, "{raw}");
        }
    }

    #[test]
    fn records_duplicate_keys_with_first_occurrence() {
        let text = r#"{"A": 1, "B": 2, "A": 3}"#;
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(
            doc.errors[0].kind,
            SyntaxErrorKind::DuplicateKey {
                first: TextRange::new(1, 4)
            }
        );
        assert_eq!(doc.errors[0].range, TextRange::new(17, 20));
        assert_eq!(doc.root.unwrap().get("A").unwrap().as_f64(), Some(3.0));
    }

    #[test]
    fn duplicate_keys_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {{\"x\": 1, \"x\": 2}}, "));
        }
        text.push_str("\"k3\": 0}");
        let doc = parse(&text);
        let dups = doc
            .errors
            .iter()
            .filter(|e| matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
            .count();
        assert_eq!(dups, 41);
    }

    #[test]
    fn accepts_json5_extensions_with_errors() {
        let text = "{\n // note\n \"a\": 1, /* x */ \"b\": [1,2,],\n}";
        let doc = parse(text);
        assert_eq!(doc.comments.len(), 2);
        assert_eq!(doc.comments[0].text, " note");
        assert!(
            doc.errors
                .iter()
                .all(|e| e.kind == SyntaxErrorKind::Extension)
        );
        assert_eq!(doc.errors.len(), 4);
        assert_eq!(
            doc.root.unwrap().to_json(),
            serde_json::json!({"a": 1, "b": [1, 2]})
        );
    }

    #[test]
    fn recovers_from_missing_comma_and_keeps_going() {
        let text = r#"{"a": 1 "b": 2, "c": }"#;
        assert_eq!(
            errors(text),
            vec![
                (
                    "7..7".to_string(),
                    "expected `,` between object members".to_string()
                ),
                (
                    "21..22".to_string(),
                    "expected a value, found `}`".to_string()
                ),
            ]
        );
        let root = parse(text).root.unwrap();
        assert_eq!(root.get("b").unwrap().as_f64(), Some(2.0));
        assert!(root.get("c").is_some());
    }

    #[test]
    fn a_line_break_inside_a_string_the_next_line_closes_is_one_error() {
        // A key split over two lines (an `Fn::Join` on "\n" cutting a definition).
        let text = "{\"a\": {\"Ne\nxt\": \"B\"}, \"c\": 1}";
        assert_eq!(
            errors(text),
            [(
                "10..11".to_string(),
                "a line break inside a JSON string must be written `\\n`".to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        assert_eq!(
            root.get("a").unwrap().get("Ne\nxt").unwrap().as_str(),
            Some("B")
        );
        assert_eq!(root.get("c").unwrap().as_f64(), Some(1.0));
        // A quote on the next line that opens a key: the break ended an unterminated
        // string, and the next member is read as it is.
        let text = "{\"a\": \"x,\r\n\"b\": 2}";
        assert_eq!(
            errors(text),
            [
                (
                    "6..9".to_string(),
                    "unterminated string: expected a closing `\"` before the end of the line"
                        .to_string()
                ),
                (
                    "9..9".to_string(),
                    "expected `,` between object members".to_string()
                )
            ]
        );
        assert_eq!(
            parse(text).root.unwrap().get("b").unwrap().as_f64(),
            Some(2.0)
        );
    }

    #[test]
    fn a_closer_missing_before_an_outer_closer_is_reported_once() {
        // A branch's `}` missing before the `]` of Branches: the `]` closes the array
        // and the rest of the document keeps its shape.
        let text = "{\"B\": [{\"S\": {\"A\": 1}\n], \"Next\": \"X\"}";
        assert_eq!(
            errors(text),
            vec![(
                "21..21".to_string(),
                "expected `}` before `]`: the object opened at line 1, column 8 is not closed"
                    .to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        assert_eq!(root.get("Next").unwrap().as_str(), Some("X"));
        let branches = root.get("B").unwrap();
        assert_eq!(
            &text[branches.range.start as usize..branches.range.end as usize],
            "[{\"S\": {\"A\": 1}\n]"
        );
        // An array's `]` missing before the `}` of its object.
        let text = "{\"E\": [\"a\", \"b\"}";
        assert_eq!(
            errors(text),
            vec![(
                "15..15".to_string(),
                "expected `]` before `}`: the array opened at line 1, column 7 is not closed"
                    .to_string()
            )]
        );
        // With no array around, a `]` in an object is skipped and the members after it
        // are read.
        let text = "{\"a\": 1], \"b\": 2}";
        assert_eq!(
            errors(text),
            vec![(
                "7..8".to_string(),
                "expected `,` or `}` after an object member, found `]`".to_string()
            )]
        );
        assert!(parse(text).root.unwrap().get("b").is_some());
    }

    #[test]
    fn a_jsonata_expression_cut_short_by_its_own_quote_is_read_whole() {
        let text = r#"{"Output": "{% $f("a") %}", "Next": "B"}"#;
        assert_eq!(
            errors(text),
            vec![(
                "11..26".to_string(),
                "this JSONata expression holds a `\"` that ends the string: write `\\\"`, or quote JSONata strings with `'`".to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        assert_eq!(
            root.get("Output").unwrap().as_str(),
            Some(r#"{% $f("a") %}"#)
        );
        assert_eq!(root.get("Next").unwrap().as_str(), Some("B"));
        // Other strings are not guessed at.
        let other = errors(r#"{"C": "say "hi"", "N": 1}"#);
        assert!(
            other.iter().all(|(_, m)| !m.contains("JSONata")),
            "{other:?}"
        );
    }

    #[test]
    fn the_published_sample_defect() {
        // from a published sample: a key and a colon too many
        let text = r#"{"Parameters": {"Messages": "Messages.$": "$.Messages"}, "Next": "X"}"#;
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        assert_eq!(
            doc.errors[0].message,
            "expected `,` or `}` after an object member, found `:`"
        );
        assert_eq!(doc.root.unwrap().get("Next").unwrap().as_str(), Some("X"));
    }

    #[test]
    fn half_typed_document_still_yields_a_tree() {
        let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Ne";
        let doc = parse(text);
        assert!(!doc.errors.is_empty());
        let root = doc.root.unwrap();
        let a = root.get("States").unwrap().get("A").unwrap();
        assert_eq!(a.get("Type").unwrap().as_str(), Some("Pass"));
    }

    #[test]
    fn unquoted_placeholders_are_values() {
        let text = r#"{"TimeoutSeconds": ${Timeout}, "X": "${Y}"}"#;
        let doc = parse(text);
        assert!(doc.errors.is_empty());
        let root = doc.root.unwrap();
        assert_eq!(
            root.get("TimeoutSeconds").unwrap().value,
            Value::Placeholder("${Timeout}".into())
        );
    }

    #[test]
    fn text_ending_inside_containers_is_reported_once_at_the_innermost() {
        assert_eq!(
            errors(r#"{"a": [1, {"b": 2"#),
            vec![(
                "10..11".to_string(),
                "unterminated object: expected `}` (and 2 enclosing objects or arrays left open)"
                    .to_string()
            )]
        );
        assert_eq!(
            errors("[1, 2"),
            vec![(
                "0..1".to_string(),
                "unterminated array: expected `]`".to_string()
            )]
        );
        // 100,000 levels: one report, not one per level.
        let deep = "[".repeat(100_000);
        let doc = parse(&deep);
        assert_eq!(doc.errors.len(), 2, "{:?}", doc.errors.last());
    }

    #[test]
    fn deep_nesting_is_skipped_not_recursed() {
        let depth = 100_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let doc = parse(&text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].kind, SyntaxErrorKind::TooDeep);
        let unterminated = "{\"a\":".repeat(depth);
        let doc = parse(&unterminated);
        assert!(
            doc.errors
                .iter()
                .any(|e| e.kind == SyntaxErrorKind::TooDeep)
        );
    }

    #[test]
    fn empty_and_garbage_inputs() {
        assert_eq!(
            errors(""),
            vec![(
                "0..0".to_string(),
                "the document is empty: expected a JSON object".to_string()
            )]
        );
        assert_eq!(
            errors("{} x"),
            vec![(
                "3..4".to_string(),
                "unexpected content after the end of the JSON document".to_string()
            )]
        );
        assert_eq!(
            errors("True"),
            vec![(
                "0..4".to_string(),
                "`True` is not a JSON value; write `true`".to_string()
            )]
        );
        assert_eq!(
            errors("01"),
            vec![(
                "0..2".to_string(),
                "`01` is not a valid JSON number".to_string()
            )]
        );
        assert_eq!(
            errors("\"a\\qb\""),
            vec![(
                "2..4".to_string(),
                "invalid escape `\\q` in a JSON string".to_string()
            )]
        );
    }

    #[test]
    fn word_scanners_agree_with_byte_scanners() {
        let samples: Vec<Vec<u8>> = vec![
            b"          x".to_vec(),
            b"\n        \t  \r\n  y".to_vec(),
            b"abcdefgh\"".to_vec(),
            b"abc\\defghijkl\"".to_vec(),
            b"abcdefghij\x01k".to_vec(),
            "caf\u{e9} na\u{ef}ve \u{1F600}\"".as_bytes().to_vec(),
            b"no terminator at all".to_vec(),
        ];
        for bytes in &samples {
            for start in 0..bytes.len() {
                let ws = bytes[start..]
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
                assert_eq!(
                    skip_whitespace(bytes, start),
                    ws.map_or(bytes.len(), |i| start + i)
                );
                for quote in [b'"', b'\''] {
                    let sp = bytes[start..]
                        .iter()
                        .position(|&b| b == quote || b == b'\\' || b < 0x20);
                    assert_eq!(
                        find_string_special(bytes, start, quote),
                        sp.map_or(bytes.len(), |i| start + i)
                    );
                }
            }
        }
    }
}
