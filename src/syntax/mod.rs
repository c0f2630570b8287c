//! Source text to a spanned tree. Readers never fail: they return a [`Document`] (a tree
//! plus errors) and recover, so a half-typed document is still analysed. Nothing in this
//! module knows ASL, LSP or terminals.

pub mod edit;
pub mod json;
mod keys;
pub mod text;
pub mod tree;
pub mod yaml;
pub mod yaml11;

use std::borrow::Cow;

pub use text::{LineCol, LineIndex, TextRange, Utf16Position};
pub use tree::{
    Comment, Document, MAX_DEPTH, Member, Node, PathStep, SourceKind, SyntaxError, SyntaxErrorKind,
    Tagged, Value,
};

/// Reads `text` with the reader for `kind`.
pub fn parse(text: &str, kind: SourceKind) -> Document<'_> {
    match kind {
        SourceKind::Json => json::parse(text),
        SourceKind::Yaml => yaml::parse(text),
    }
}

/// Chooses a reader from a file name (`.json`, `.json5`, `.asl` → JSON; `.yaml`, `.yml` →
/// YAML), falling back to the content: text whose first non-blank character is `{` or
/// `[` is JSON, anything else YAML.
pub fn detect_kind(path: Option<&str>, text: &str) -> SourceKind {
    if let Some(path) = path {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") || lower.ends_with(".json5") || lower.ends_with(".asl") {
            return SourceKind::Json;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return SourceKind::Yaml;
        }
    }
    match after_json_comments(text.trim_start_matches('\u{feff}'))
        .as_bytes()
        .first()
    {
        Some(b'{') | Some(b'[') => SourceKind::Json,
        None => SourceKind::Json,
        _ => SourceKind::Yaml,
    }
}

/// `text` past its leading whitespace and `//` or `/* */` comments: JSON with comments
/// (JSON5, or a slip reported as ASL003) is still JSON. YAML has neither form.
fn after_json_comments(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after
                .find('\n')
                .map_or("", |i| &after[i + 1..])
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .find("*/")
                .map_or("", |i| &after[i + 2..])
                .trim_start();
        } else {
            return rest;
        }
    }
}

/// Text decoded from raw file bytes, with the encoding problem if there was one.
pub struct Decoded<'b> {
    pub text: Cow<'b, str>,
    /// Set when the bytes were not UTF-8 text. `text` then holds a lossy decoding
    /// (invalid sequences as U+FFFD) that must never be written back to the file.
    pub error: Option<SyntaxError>,
    /// True when the bytes look like a binary file (a NUL byte in the first 8 KiB); such a
    /// file is reported, not analysed.
    pub binary: bool,
}

/// The byte order of UTF-16 text (as Windows PowerShell 5 writes files by default):
/// a UTF-16 byte order mark, or ASCII text with a NUL byte beside every character.
fn utf16(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xFE, ..] => return Some("little-endian"),
        [0xFE, 0xFF, ..] => return Some("big-endian"),
        _ => {}
    }
    let pairs: Vec<&[u8]> = head.chunks_exact(2).take(32).collect();
    if pairs.len() < 2 {
        return None;
    }
    let ascii = |b: u8| b != 0 && b.is_ascii();
    if pairs.iter().all(|p| ascii(p[0]) && p[1] == 0) {
        Some("little-endian")
    } else if pairs.iter().all(|p| p[0] == 0 && ascii(p[1])) {
        Some("big-endian")
    } else {
        None
    }
}

/// Decodes file bytes as UTF-8 without ever failing.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    let head = &bytes[..bytes.len().min(8192)];
    // Not text this reader takes: reported, not analysed.
    let unreadable = |message: String| Decoded {
        text: Cow::Borrowed(""),
        error: Some(SyntaxError {
            range: TextRange::empty(0),
            kind: SyntaxErrorKind::Encoding,
            message,
        }),
        binary: true,
    };
    // UTF-32's byte order marks begin as UTF-16's do.
    let utf32 = match head {
        [0xFF, 0xFE, 0, 0, ..] => Some("little-endian"),
        [0, 0, 0xFE, 0xFF, ..] => Some("big-endian"),
        _ => None,
    };
    if let Some(order) = utf32 {
        return unreadable(format!(
            "this file is UTF-32 ({order}) text; JSON and YAML definitions must be UTF-8: save it as UTF-8"
        ));
    }
    if let Some(order) = utf16(head) {
        return unreadable(format!(
            "this file is UTF-16 ({order}) text; JSON and YAML definitions must be UTF-8: save it as UTF-8"
        ));
    }
    if let Some(nul) = head.iter().position(|&b| b == 0) {
        return unreadable(format!(
            "this is a binary file (NUL byte at offset {nul}), not JSON or YAML text"
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            error: None,
            binary: false,
        },
        Err(e) => {
            let at = e.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes);
            let bad = bytes[at];
            Decoded {
                text: lossy,
                error: Some(SyntaxError {
                    // `at` is the same offset in the lossy text: everything before it is
                    // unchanged, and there the bad bytes became one U+FFFD (3 bytes). The
                    // range covers that character so that it is never empty on screen.
                    range: TextRange::from_usize(at, at + '\u{FFFD}'.len_utf8()),
                    kind: SyntaxErrorKind::Encoding,
                    message: format!(
                        "invalid UTF-8 (byte 0x{bad:02X} at offset {at}); the file must be UTF-8 text"
                    ),
                }),
                binary: false,
            }
        }
    }
}

/// Maps an offset inside the decoded text of a string node to a byte offset in the
/// source, so that a diagnostic can point at one character inside a string value even
/// when escapes come before it. `decoded` is a byte offset into `node.as_str()`.
pub fn string_source_offset(source: &str, node: &Node<'_>, decoded: usize) -> u32 {
    let raw = &source[node.range.as_usize()];
    let Some(value) = node.as_str() else {
        return node.range.start;
    };
    let quote = raw.as_bytes().first().copied();
    match quote {
        // Every escape is longer than what it stands for: a body as long as the value
        // has none, and offsets map one to one (an editor asks for every token of a
        // long path: walking each time would be quadratic).
        Some(b'"') | Some(b'\'') if raw.len() == value.len() + 2 => {
            node.range.start + 1 + decoded.min(value.len()) as u32
        }
        Some(b'"') | Some(b'\'') if raw.len() >= 2 => {
            // Walk the raw text and the decoded text together.
            let body_start = node.range.start as usize + 1;
            let body = &raw[1..];
            let mut src = 0usize;
            let mut dec = 0usize;
            let bytes = body.as_bytes();
            while dec < decoded && src < bytes.len() {
                if matches!(bytes[src], b' ' | b'\t' | b'\r' | b'\n') {
                    // White space: where it holds a line break (a YAML quoted scalar
                    // over several lines), it is folded: one break reads as a space,
                    // more as one line break fewer, and the spaces around go.
                    let run = bytes[src..]
                        .iter()
                        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        .map_or(bytes.len(), |n| src + n);
                    let breaks = bytes[src..run].iter().filter(|&&b| b == b'\n').count()
                        + bytes[src..run]
                            .windows(2)
                            .filter(|w| w[0] == b'\r' && w[1] != b'\n')
                            .count()
                        + usize::from(bytes[run - 1] == b'\r');
                    if breaks > 0 {
                        src = run;
                        dec += if breaks == 1 { 1 } else { breaks - 1 };
                        continue;
                    }
                    // Spaces on one line are themselves: the whole run at once (a step
                    // a space would scan a long run again and again), up to `decoded`.
                    let step = (run - src).min(decoded - dec);
                    src += step;
                    dec += step;
                } else if bytes[src] == b'\\'
                    && quote == Some(b'"')
                    && matches!(bytes.get(src + 1), Some(b'\n' | b'\r'))
                {
                    // An escaped line break: nothing, nor the indentation after it.
                    src += 1;
                    while src < bytes.len() && matches!(bytes[src], b' ' | b'\t' | b'\r' | b'\n') {
                        let newline = bytes[src] == b'\n';
                        src += 1;
                        if newline {
                            break;
                        }
                    }
                    while src < bytes.len() && matches!(bytes[src], b' ' | b'\t') {
                        src += 1;
                    }
                } else if bytes[src] == b'\\' && quote == Some(b'"') {
                    let esc_len = match bytes.get(src + 1) {
                        Some(b'u') => {
                            // A surrogate pair is 12 raw bytes for one 4-byte char.
                            let hex = body
                                .get(src + 2..src + 6)
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            match hex {
                                Some(h)
                                    if (0xD800..0xDC00).contains(&h)
                                        && body[src + 6..].starts_with("\\u") =>
                                {
                                    12
                                }
                                _ => 6,
                            }
                        }
                        Some(_) => 2,
                        None => 1,
                    };
                    let ch_len = value
                        .get(dec..)
                        .and_then(|v| v.chars().next())
                        .map_or(1, char::len_utf8);
                    // An invalid escape (`\u00` then a multi-byte character) may end
                    // inside a character: go on from the next one.
                    src = (src + esc_len).min(bytes.len());
                    while !body.is_char_boundary(src) {
                        src += 1;
                    }
                    dec += ch_len;
                } else if quote == Some(b'\'')
                    && bytes[src] == b'\''
                    && bytes.get(src + 1) == Some(&b'\'')
                {
                    // YAML single-quoted: '' stands for '
                    src += 2;
                    dec += 1;
                } else {
                    let ch_len = body[src..].chars().next().map_or(1, char::len_utf8);
                    src += ch_len;
                    dec += ch_len;
                }
            }
            (body_start + src).min(node.range.end as usize) as u32
        }
        _ => {
            // Unquoted (YAML plain scalars): the decoded text is the source itself when
            // the lengths agree.
            if raw.len() == value.len() {
                node.range.start + decoded.min(value.len()) as u32
            } else {
                node.range.start + unquoted_source_offset(raw, value, decoded) as u32
            }
        }
    }
}

/// [`string_source_offset`] for a YAML block scalar (`|`, `>`) or a plain scalar over
/// several lines, whose text is its lines without their indentation, joined by line
/// breaks (literal) or spaces (folded). The two are walked together: equal bytes match,
/// a line break matches a decoded line break or space, and the indentation and extra
/// line breaks of the source are skipped. Where they stop agreeing, the offset reached
/// is the answer.
fn unquoted_source_offset(raw: &str, value: &str, decoded: usize) -> usize {
    let src_bytes = raw.as_bytes();
    let dec_bytes = value.as_bytes();
    // A block scalar's text starts on the line after its header (`>-`, `|2`, ...).
    let mut src = if raw.starts_with(['|', '>']) {
        raw.find('\n').map_or(raw.len(), |i| i + 1)
    } else {
        0
    };
    let mut dec = 0;
    while dec < decoded.min(dec_bytes.len()) && src < src_bytes.len() {
        let (c, d) = (src_bytes[src], dec_bytes[dec]);
        if c == d || (c == b'\n' && d == b' ') {
            src += 1;
            dec += 1;
        } else if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            src += 1;
        } else {
            break;
        }
    }
    // At a line's start, the character is after the indentation.
    while src < src_bytes.len()
        && src_bytes[src] == b' '
        && dec_bytes.get(dec).is_some_and(|&d| d != b' ')
    {
        src += 1;
    }
    let mut src = src.min(raw.len());
    while !raw.is_char_boundary(src) {
        src -= 1;
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_block_and_multi_line_plain_scalars() {
        for (text, needle) in [
            ("a: >-\n  {% $x +\n     $sums($y) %}\n", "$sums"),
            ("a: |\n  first\n    more é\n  $last\n", "$last"),
            ("a: |\n  first\n    more é\n  $last\n", "é"),
            ("a: >\n  one\n\n  two $here\n", "$here"),
            ("a: plain\n  continued $there\n", "$there"),
        ] {
            let doc = parse(text, SourceKind::Yaml);
            let node = doc.root.as_ref().unwrap().get("a").unwrap();
            let value = node.as_str().unwrap();
            let at = value.find(needle).unwrap();
            let offset = string_source_offset(text, node, at) as usize;
            assert_eq!(&text[offset..offset + needle.len()], needle, "{text:?}");
        }
    }

    #[test]
    fn decode_reports_invalid_utf8_and_binary() {
        let d = decode(b"{\"a\": \"\xff\"}");
        let e = d.error.unwrap();
        assert_eq!(e.range, TextRange::new(7, 10));
        assert_eq!(&d.text[e.range.as_usize()], "\u{FFFD}");
        assert_eq!(
            e.message,
            "invalid UTF-8 (byte 0xFF at offset 7); the file must be UTF-8 text"
        );
        let d = decode(b"\x7fELF\x00\x01");
        assert!(d.binary);
        // UTF-16 (PowerShell 5's default): said so, with what to do.
        for bytes in [
            &b"\xff\xfe{\x00}\x00"[..],
            b"{\x00\"\x00a\x00",
            b"\x00{\x00\"\x00a",
        ] {
            let d = decode(bytes);
            assert!(d.binary);
            assert!(
                d.error
                    .unwrap()
                    .message
                    .starts_with("this file is UTF-16 ("),
                "{bytes:?}"
            );
        }
        let d = decode(b"\xff\xfe\x00\x00{\x00\x00\x00");
        assert_eq!(
            d.error.unwrap().message,
            "this file is UTF-32 (little-endian) text; JSON and YAML definitions must be UTF-8: save it as UTF-8"
        );
        assert!(decode(b"{}").error.is_none());
    }

    #[test]
    fn string_offsets_through_escapes() {
        let text = r#"{"k": "a\"b\u00e9c$"}"#;
        let doc = json::parse(text);
        let node = doc.root.as_ref().unwrap().get("k").unwrap();
        let value = node.as_str().unwrap();
        let dollar = value.find('$').unwrap();
        let off = string_source_offset(text, node, dollar) as usize;
        assert_eq!(&text[off..off + 1], "$");
        let c = value.find('c').unwrap();
        let off = string_source_offset(text, node, c) as usize;
        assert_eq!(&text[off..off + 1], "c");
    }

    #[test]
    fn offsets_inside_multi_line_quoted_yaml_scalars() {
        // A quoted scalar folds its line breaks (and the spaces around them) into a
        // space, or into one line break fewer; an escaped line break is nothing. The
        // carets used to land left by the indentation of the line.
        for (text, needle) in [
            ("a: \"{% $x \n    + ) %}\"\n", ")"),
            ("a: \"{% $x.\\\n    b + ) %}\"\n", ")"),
            ("a: '{% $x   \n    + ; %}'\n", ";"),
            ("a: \"one\n\n    two $here é\"\n", "$here"),
            ("a: \"x\\\"\r\n    \\u00e9 $y\"\n", "$y"),
        ] {
            let doc = yaml::parse(text);
            let node = doc.root.as_ref().unwrap().get("a").unwrap();
            let value = node.as_str().unwrap();
            let at = value.find(needle).unwrap();
            let off = string_source_offset(text, node, at) as usize;
            assert_eq!(
                &text[off..off + needle.len()],
                needle,
                "{text:?} ({value:?})"
            );
        }
    }

    #[test]
    fn kinds_from_names_and_content() {
        assert_eq!(detect_kind(Some("a.asl.yaml"), "{}"), SourceKind::Yaml);
        assert_eq!(detect_kind(Some("a.asl.json"), "x: 1"), SourceKind::Json);
        assert_eq!(detect_kind(None, "  {\"a\":1}"), SourceKind::Json);
        assert_eq!(detect_kind(None, "StartAt: A"), SourceKind::Yaml);
        // Comments before JSON (JSON5, or ASL003's slip) do not make it YAML.
        assert_eq!(detect_kind(None, "// flow\n{\"a\": 1}"), SourceKind::Json);
        assert_eq!(
            detect_kind(None, "\u{feff}/* a\n b */ // c\n ["),
            SourceKind::Json
        );
        assert_eq!(detect_kind(None, "# flow\nStartAt: A"), SourceKind::Yaml);
        assert_eq!(detect_kind(None, "// only a comment"), SourceKind::Json);
    }
}
