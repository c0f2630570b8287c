//! A YAML reader that builds the same spanned tree as the JSON reader.
//!
//! # Which parser, and why
//!
//! Events come from `granit-parser` (pure Rust, byte offsets on every event, comment
//! events, explicit tag positions, built-in nesting limits). The tree, the YAML 1.2 core
//! schema typing, anchors and aliases, duplicate keys and error recovery are ours.
//!
//! We measured the two candidates the ecosystem notes name, `tree-sitter-yaml` 0.7.2 (on
//! `tree-sitter` 0.25) and `granit-parser` 2.1 (a fork of `saphyr-parser`, also measured),
//! on the 262 `.yaml`/`.yml` files of the real-world corpus (1.3 MB) and on an 8 MB block
//! YAML rendering of a generated 10,000-state machine (release build, parse plus full
//! walk of the tree or event stream):
//!
//! | | corpus | 8 MB file | 100k-deep nesting |
//! |---|---|---|---|
//! | tree-sitter-yaml | 155 ms/MB | wrong: one `ERROR` over the whole file | block nesting **aborts the process** (C assertion in the scanner's state serialisation) |
//! | saphyr-parser 0.3 | 24 ms/MB, rejects 4 valid files | 18 ms/MB | flow: error; block: 16 s, no limit |
//! | granit-parser 2.1 | 31 ms/MB, rejects 1 valid file | 24 ms/MB | error at its nesting limit, fast |
//!
//! (Measured on a shared 2-core machine; under heavier load all figures grew about 2x,
//! and tree-sitter stayed about 5x slower than granit on the corpus even with one parser
//! reused for every file.)
//!
//! tree-sitter-yaml's external scanner keeps rows and columns in 16-bit integers, so any
//! document longer than 32,768 lines parses as a single error (upstream issues #23 and
//! #49, still open), and deep indentation overflows a fixed 1 KiB state buffer and aborts
//! (an abort cannot be caught). Its tolerance was its selling point, but it also flags
//! three valid corpus templates (JSON-style flow mappings indented less than their key,
//! which PyYAML and CloudFormation accept). granit-parser stops at the first error, so we
//! recover ourselves: when a parse fails, the offending part of the text (from the error
//! to the end of its line, or an unterminated quoted scalar) is blanked out with spaces
//! (byte offsets unchanged) and the text is parsed again, a bounded number of times. A
//! half-typed line therefore costs one error and the rest of the document is still read.
//!
//! # What is produced
//!
//! - Plain scalars are typed by the YAML 1.2 core schema: `null`/`~`/empty, booleans,
//!   decimal, `0o` and `0x` integers, floats. `.inf` and `.nan` cannot be JSON numbers:
//!   they become [`Value::Invalid`] with an error. A plain scalar that is exactly one
//!   `${...}` placeholder becomes [`Value::Placeholder`], as in the JSON reader.
//! - Local tags such as CloudFormation's `!Ref`, `!Sub`, `!GetAtt` become
//!   [`Value::Tagged`]; the core tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
//!   `!!map`, `!!seq`) are resolved; `!` forces a string.
//! - An alias yields a copy of its anchor's value (the copy's inner ranges point at the
//!   anchored text). Copies are limited to [`ALIAS_BUDGET`] nodes per document, and to
//!   some MiB of text ([`alias_text_budget_mib`]), so an alias bomb costs an error, not
//!   the machine.
//! - Ranges: a scalar's range is its text (quotes included; for a block scalar, from the
//!   `|` or `>` header to its last non-blank character); a tagged value's range starts at
//!   the tag; a block collection ends at its last child, a flow one at its bracket.
//! - Only the first document of a stream is read; a second `---` document gets an
//!   [`SyntaxErrorKind::Extension`] error.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, Span, StructureStyle, Tag};

use super::json::parse_number;
use super::keys::{KeyIndex, truncate};
use super::text::TextRange;
use super::tree::{
    Comment, Document, MAX_DEPTH, Member, Node, SourceKind, SyntaxError, SyntaxErrorKind, Tagged,
    Value,
};

/// How deep the YAML parser itself may nest before it stops with an error (and the
/// rest of the document is lost). Well above [`MAX_DEPTH`], so that a value nested
/// deeper than the tree takes is skipped on its own, as in JSON, and the fields after
/// it are still read (`End: true` after a deep `Result`). The parser keeps its nesting
/// on the heap, not the stack.
const PARSER_NESTING_LIMIT: usize = 16 * 1024;

/// Most nodes that aliases may copy into one document.
pub const ALIAS_BUDGET: usize = 100_000;

/// Most text (the bytes of the scalars, keys and tags) that aliases may copy into a
/// document of `len` bytes, in MiB: sixteen times the document, at least 4 MiB and at
/// most 64 MiB. Counting nodes is not enough: a 1 MB scalar aliased 5,000 times stays
/// far under [`ALIAS_BUDGET`] and copies 5 GB (every reader of the tree, the JSON
/// conversion, the size rules, a run, walks or copies each of them).
pub fn alias_text_budget_mib(len: usize) -> usize {
    len.saturating_mul(16).div_ceil(1 << 20).clamp(4, 64)
}

/// Most parse attempts (the first plus recoveries) for one text.
const MAX_ATTEMPTS: usize = 24;

/// Reads `text` as YAML. Never fails: see the module documentation. Merge keys
/// (`<<: *base`) are applied, as the tools that deploy the file read it.
pub fn parse(text: &str) -> Document<'_> {
    parse_with(text, true)
}

/// [`parse`] with merge keys left as written (a `<<` member holding the alias), for
/// what rewrites the text itself (the formatter).
pub fn parse_as_written(text: &str) -> Document<'_> {
    parse_with(text, false)
}

fn parse_with(text: &str, merge: bool) -> Document<'_> {
    // Bytes parsed over all attempts are bounded to keep recovery on big files cheap.
    let max_attempts = ((64usize << 20) / text.len().max(1)).clamp(1, MAX_ATTEMPTS);
    let mut scan_errors: Vec<SyntaxError> = Vec::new();
    let mut masked: Option<Vec<u8>> = None;
    let mut attempt = 0;
    let mut deep_error: Option<SyntaxError> = None;
    let mut lenient: Vec<Lenient> = Vec::new();
    loop {
        attempt += 1;
        let mut builder = Builder::new(text, &lenient);
        builder.merge = merge;
        let failure = match &masked {
            // Masking replaces bytes of whole characters by ASCII spaces, so the buffer is
            // still UTF-8; on the off chance it is not, fall back to the original.
            Some(buf) => builder.run(std::str::from_utf8(buf).unwrap_or(text)),
            None => builder.run(text),
        };
        let Some(failure) = failure else {
            return builder.finish(scan_errors, deep_error);
        };
        if deep_error.is_some() {
            // The text after a too-deep point was blanked out by us: later errors are ours.
            builder.close_all();
            return builder.finish(scan_errors, deep_error);
        }
        let flow_start = builder.stack.iter().find(|f| f.flow).map(|f| f.start);
        let plan = plan_recovery(
            text,
            masked.as_deref(),
            &failure,
            builder.last_end,
            flow_start,
        );
        let new_lenient = plan.lenient;
        let mask = if let Some(l) = &new_lenient {
            // Read by us, and a mistake all the same (an unquoted JSONata expression).
            if !plan.error.message.is_empty() {
                scan_errors.push(plan.error);
            }
            if attempt >= max_attempts {
                scan_errors.push(SyntaxError {
                    range: TextRange::from_usize(l.start, l.start + 1),
                    kind: SyntaxErrorKind::Invalid,
                    message: "this quoted string is indented less than YAML allows".to_string(),
                });
            }
            plan.mask.filter(|_| attempt < max_attempts)
        } else if let Some(inner) = plan
            .too_deep
            .then(|| flow_start.and_then(|s| deep_flow_mask(text.as_bytes(), s)))
            .flatten()
        {
            // A flow collection nested deeper than the parser goes: blank out its levels
            // past the tree's limit, which the tree reports as a value not analysed, and
            // read on after it (`End: true` after a deep `Result`), as in JSON.
            Some(inner)
        } else if plan.too_deep {
            // The parser can stop before emitting the events that lead there (it looks
            // ahead for keys): cut the text at that point and read what comes before it.
            deep_error = Some(plan.error);
            Some(failure.pos.min(text.len())..text.len())
        } else {
            if !scan_errors
                .iter()
                .any(|e| e.range == plan.error.range && e.message == plan.error.message)
            {
                scan_errors.push(plan.error);
            }
            plan.mask.filter(|_| attempt < max_attempts)
        };
        let Some(mask) = mask else {
            builder.close_all();
            return builder.finish(scan_errors, deep_error);
        };
        if let Some(l) = new_lenient {
            let at = lenient.partition_point(|x| x.start < l.start);
            lenient.insert(at, l);
        }
        let buf = masked.get_or_insert_with(|| text.as_bytes().to_vec());
        for b in &mut buf[mask] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
}

/// In the flow collection that opens at `start`, the collection opened
/// `MAX_DEPTH + 1` levels inside it, whole: blanked out, it leaves a collection deeper
/// than the tree takes (which reports it) and shallow enough for the parser. `None` when
/// the collection is not that deep or not closed.
fn deep_flow_mask(bytes: &[u8], start: usize) -> Option<std::ops::Range<usize>> {
    let mut depth = 0usize;
    let mut cut = None;
    // The last byte that was not a space: a quote opens a quoted scalar only where a
    // value begins (`[it's]` is a plain scalar).
    let mut before = b'[';
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth == MAX_DEPTH + 2 {
                    cut = Some(i);
                }
            }
            b']' | b'}' => {
                if depth == MAX_DEPTH + 2
                    && let Some(c) = cut
                {
                    return Some(c..i + 1);
                }
                depth = depth.checked_sub(1).filter(|d| *d > 0)?;
            }
            // A comment, to the end of its line: a `#` after a space.
            b'#' if i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'"' | b'\'' if matches!(before, b'[' | b'{' | b',' | b':') => {
                // To the closing quote: `\"` escapes in double quotes, `''` in single.
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b && !(b == b'\'' && bytes.get(i + 1) == Some(&b'\'')) {
                        break;
                    }
                    i += match (b, bytes[i]) {
                        (b'"', b'\\') | (b'\'', b'\'') => 2,
                        _ => 1,
                    };
                }
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            before = b;
        }
        i += 1;
    }
    None
}

/// What a failed attempt reported, in byte offsets of the text.
struct Failure {
    kind: ErrorKind,
    pos: usize,
    info: String,
}

struct Recovery {
    error: SyntaxError,
    /// Bytes to blank out before the next attempt, if one can make progress.
    mask: Option<std::ops::Range<usize>>,
    too_deep: bool,
    /// A quoted scalar that is complete but indented less than YAML allows (PyYAML and
    /// CloudFormation accept it): read by us, blanked out for the parser, no error.
    lenient: Option<Lenient>,
}

/// A quoted scalar decoded by us, to stand in for the blank left in its place.
#[derive(Clone)]
struct Lenient {
    start: usize,
    end: usize,
    value: String,
}

fn line_bounds(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let start = bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut end = bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| pos + i);
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    (start, end)
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

/// Decides the error to report and what to blank out for the next attempt.
fn plan_recovery(
    text: &str,
    masked: Option<&[u8]>,
    f: &Failure,
    last_end: usize,
    flow_start: Option<usize>,
) -> Recovery {
    let bytes = text.as_bytes();
    let current = masked.unwrap_or(bytes);
    let pos = f.pos.min(bytes.len());
    let error = |range: TextRange, kind: SyntaxErrorKind, message: String| SyntaxError {
        range,
        kind,
        message,
    };
    if matches!(f.kind, ErrorKind::RecursionLimitExceeded) {
        return Recovery {
            error: error(
                TextRange::from_usize(pos, (pos + 1).min(bytes.len())),
                SyntaxErrorKind::TooDeep,
                format!(
                    "nesting deeper than {MAX_DEPTH} levels: the rest of the document is not analysed"
                ),
            ),
            mask: None,
            too_deep: true,
            lenient: None,
        };
    }
    let quoted = matches!(
        f.kind,
        ErrorKind::UnclosedQuotedScalar
            | ErrorKind::InvalidQuotedScalarIndent
            | ErrorKind::DocumentIndicatorInQuotedScalar
            | ErrorKind::InvalidFlowScalarIndent
    );
    if quoted {
        // The error is reported where the scanner gave up, often lines later; blame the
        // opening quote, which follows the last complete event.
        let from = last_end.min(pos);
        if let Some(q) = current[from..pos]
            .iter()
            .position(|&b| b == b'"' || b == b'\'')
            .map(|i| from + i)
        {
            if let Some(close) = closing_quote(text, q)
                && matches!(
                    f.kind,
                    ErrorKind::InvalidQuotedScalarIndent | ErrorKind::InvalidFlowScalarIndent
                )
            {
                return Recovery {
                    error: error(
                        TextRange::empty(q as u32),
                        SyntaxErrorKind::Invalid,
                        String::new(),
                    ),
                    mask: Some(q..close + 1),
                    too_deep: false,
                    lenient: Some(Lenient {
                        start: q,
                        end: close + 1,
                        value: decode_quoted(&text[q..close + 1]),
                    }),
                };
            }
            let (_, end) = line_bounds(text, q);
            let quote = bytes[q] as char;
            return Recovery {
                error: error(
                    TextRange::from_usize(q, end.max(q + 1)),
                    SyntaxErrorKind::Invalid,
                    format!("unterminated quoted string: expected a closing `{quote}`"),
                ),
                mask: Some(q..end.max(q + 1)),
                too_deep: false,
                lenient: None,
            };
        }
    }
    if matches!(
        f.kind,
        ErrorKind::UnclosedFlowCollection { .. }
            | ErrorKind::UnexpectedEofFlowSequence
            | ErrorKind::UnexpectedEofFlowMapping
    ) {
        // Reported at the end of the text or at the opening bracket: nothing to blank out
        // that would help; the partial tree keeps the items read so far.
        let at = flow_start.unwrap_or(pos).min(bytes.len());
        let (open, close) = if bytes.get(at) == Some(&b'{') {
            ('{', '}')
        } else {
            ('[', ']')
        };
        return Recovery {
            error: error(
                TextRange::from_usize(at, (at + 1).min(bytes.len())),
                SyntaxErrorKind::Invalid,
                format!("this `{open}` is never closed: expected a matching `{close}`"),
            ),
            mask: None,
            too_deep: false,
            lenient: None,
        };
    }
    let (line_start, line_end) = line_bounds(text, pos);
    // A plain scalar at the end of its line, then a line indented with tabs: the
    // scanner reports the scalar (as if it went on), but the tabs are the mistake. Blame
    // them, and leave the tabbed line out instead of the value before it.
    if matches!(f.kind, ErrorKind::TabInPlainScalar)
        && let Some(next) = text.get(line_end..).and_then(|rest| {
            let start = line_end + rest.find('\n')? + 1;
            let (_, end) = line_bounds(text, start);
            let indent = bytes[start..end]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            bytes[start..start + indent]
                .contains(&b'\t')
                .then_some((start, start + indent, end))
        })
    {
        let (start, indent_end, end) = next;
        return Recovery {
            error: error(
                TextRange::from_usize(start, indent_end),
                SyntaxErrorKind::Invalid,
                "tab characters are not allowed in YAML indentation; use spaces".to_string(),
            ),
            mask: (!is_blank(&current[start..end])).then_some(start..end),
            too_deep: false,
            lenient: None,
        };
    }
    // `Output: {% $states.input %}`: a JSONata expression left unquoted, read by YAML as
    // a flow mapping. Read it as the string it was meant to be, and say to quote it.
    if let Some(open) = flow_start
        && let Some(o) = text
            .get(open.max(line_start)..(pos + 1).min(line_end))
            .and_then(|before| before.rfind("{%"))
            .map(|o| open.max(line_start) + o)
        && let Some(close) = text[o + 2..line_end].find("%}").map(|c| o + 2 + c + 2)
    {
        return Recovery {
            error: error(
                TextRange::from_usize(o, close),
                SyntaxErrorKind::Invalid,
                "a JSONata expression must be quoted in YAML: `{` starts a mapping here; write \"{% ... %}\"".to_string(),
            ),
            mask: Some(o..close),
            too_deep: false,
            lenient: Some(Lenient {
                start: o,
                end: close,
                value: text[o..close].to_string(),
            }),
        };
    }
    if let Some(open) = flow_start {
        // A line indented no deeper than the line of an open flow collection's bracket
        // means the collection was left unclosed: blank it out so the rest can be read.
        let (open_line, _) = line_bounds(text, open);
        let indent = |from: usize| bytes[from..].iter().take_while(|&&b| b == b' ').count();
        if line_start > open && indent(line_start) <= indent(open_line) {
            let (open, close) = if bytes[open] == b'{' {
                ('{', '}')
            } else {
                ('[', ']')
            };
            let at = flow_start.unwrap_or(open_line);
            return Recovery {
                error: error(
                    TextRange::from_usize(at, at + 1),
                    SyntaxErrorKind::Invalid,
                    format!("this `{open}` is never closed: expected a matching `{close}`"),
                ),
                mask: Some(at..line_start),
                too_deep: false,
                lenient: None,
            };
        }
    }
    // The error range: the word at the error position (empty at the end of a line).
    let mut word_end = pos;
    while word_end < line_end && !bytes[word_end].is_ascii_whitespace() {
        word_end += 1;
    }
    if word_end == pos && pos < line_end {
        word_end = pos + text[pos..].chars().next().map_or(1, char::len_utf8);
    }
    let message = describe(f);
    let mask = if pos < line_end && !is_blank(&current[pos..line_end]) {
        Some(pos..line_end)
    } else if !is_blank(&current[line_start..line_end]) {
        Some(line_start..line_end)
    } else {
        None
    };
    Recovery {
        error: error(
            TextRange::from_usize(pos, word_end),
            SyntaxErrorKind::Invalid,
            message,
        ),
        mask,
        too_deep: false,
        lenient: None,
    }
}

/// A clear message for a parser error.
fn describe(f: &Failure) -> String {
    use ErrorKind as K;
    match &f.kind {
        K::SimpleKeyExpected => {
            "expected `key: value`: this line has no `:` after its key".to_string()
        }
        K::MappingValueNotAllowed => {
            "unexpected `:` here: quote a value that contains `: `, or check the indentation"
                .to_string()
        }
        K::ExpectedBlockMappingKey => {
            "expected a `key: value` entry at this indentation".to_string()
        }
        K::ExpectedBlockSequenceEntry => {
            "expected a `- ` sequence item at this indentation".to_string()
        }
        K::BlockSequenceEntryNotAllowed => {
            "a `- ` sequence item is not allowed here: check the indentation".to_string()
        }
        K::UnexpectedEofFlowSequence | K::ExpectedFlowSequenceSeparator => {
            "expected `,` or `]` in this flow sequence".to_string()
        }
        K::UnexpectedEofFlowMapping
        | K::UnexpectedEofImplicitFlowMapping
        | K::ExpectedFlowMappingSeparator => "expected `,` or `}` in this flow mapping".to_string(),
        K::UnclosedFlowCollection { .. } => {
            "unclosed flow collection: expected `]` or `}`".to_string()
        }
        K::TabInIndentation
        | K::TabInBlockIndentation
        | K::TabNotAllowed
        | K::TabAtBlockScalarStart => {
            "tab characters are not allowed in YAML indentation; use spaces".to_string()
        }
        K::UnknownQuotedScalarEscape
        | K::InvalidQuotedScalarHexEscape
        | K::InvalidUnicodeEscape
        | K::InvalidLowSurrogate
        | K::InvalidLowSurrogateHexEscape
        | K::MissingLowSurrogate
        | K::UnpairedLowSurrogate => {
            format!("invalid escape in a double-quoted string ({})", f.info)
        }
        K::UnclosedQuotedScalar | K::InvalidQuotedScalarIndent => {
            "unterminated or badly indented quoted string".to_string()
        }
        K::CommentNotSeparated => "a `#` comment must be preceded by a space".to_string(),
        _ => format!("invalid YAML: {}", f.info),
    }
}

/// A tag on a node, decoded.
struct TagInfo<'s> {
    text: Cow<'s, str>,
    range: TextRange,
    kind: TagKind,
}

#[derive(Clone, PartialEq)]
enum TagKind {
    /// `!!str`, `!!int`, ... (`tag:yaml.org,2002:` tags).
    Core(String),
    /// `!` alone: the node is a string.
    NonSpecific,
    /// Any other tag, kept as [`Value::Tagged`].
    Local,
}

struct KeySlot<'s> {
    /// `None` when the key was not a scalar (an error was recorded; the member is dropped).
    key: Option<Cow<'s, str>>,
    range: TextRange,
}

enum FrameKind<'s> {
    Seq(Vec<Node<'s>>),
    Map {
        members: Vec<Member<'s>>,
        key: Option<KeySlot<'s>>,
        /// Keys seen so far, for duplicate detection.
        index: KeyIndex<'s>,
    },
}

struct Frame<'s> {
    start: usize,
    flow: bool,
    anchor: usize,
    tag: Option<TagInfo<'s>>,
    kind: FrameKind<'s>,
}

struct Anchored<'s> {
    node: Node<'s>,
    size: usize,
    height: usize,
    /// Bytes of text in it (see [`measure`]).
    text: usize,
}

/// YAML merge keys (`<<: *defaults`, or a list of aliases): the members of the merged
/// mappings that the mapping does not set itself take the place of the `<<` entry, the
/// first merged mapping winning over later ones, as the Serverless Framework's and
/// most YAML loaders read them. A quoted `"<<"` is an ordinary key, and a `<<` whose
/// value is no mapping (nor list of them) is kept as written.
fn merge_keys<'s>(text: &str, members: Vec<Member<'s>>) -> Vec<Member<'s>> {
    let is_merge = |m: &Member<'_>| m.key == "<<" && text.get(m.key_range.as_usize()) == Some("<<");
    if !members.iter().any(is_merge) {
        return members;
    }
    let mut seen: std::collections::HashSet<Cow<'s, str>> = members
        .iter()
        .filter(|m| !is_merge(m))
        .map(|m| m.key.clone())
        .collect();
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        if !is_merge(&m) {
            out.push(m);
            continue;
        }
        let mappings = match &m.value.value {
            Value::Object(_) => vec![m.value],
            Value::Array(items) if items.iter().all(|i| matches!(i.value, Value::Object(_))) => {
                match m.value.value {
                    Value::Array(items) => items,
                    _ => Vec::new(),
                }
            }
            _ => {
                out.push(m);
                continue;
            }
        };
        for mapping in mappings {
            if let Value::Object(merged) = mapping.value {
                for member in merged {
                    if seen.insert(member.key.clone()) {
                        out.push(member);
                    }
                }
            }
        }
    }
    out
}

struct Builder<'s, 'l> {
    text: &'s str,
    /// Quoted scalars read by us (see [`Lenient`]), in source order, and the next one.
    lenient: &'l [Lenient],
    next_lenient: usize,
    stack: Vec<Frame<'s>>,
    root: Option<Node<'s>>,
    errors: Vec<SyntaxError>,
    comments: Vec<Comment<'s>>,
    anchors: HashMap<usize, Anchored<'s>>,
    alias_budget: usize,
    /// Bytes of text that aliases may still copy, of [`alias_text_budget_mib`].
    alias_text: usize,
    /// The error of the first alias refused for the budgets above, and how many were
    /// refused: one error says it for all (a bomb has thousands of aliases).
    refused: Option<(usize, usize)>,
    /// Nesting level inside a collection skipped for being too deep, and where it began.
    skip: usize,
    skip_start: usize,
    documents: usize,
    /// End of the last non-comment event.
    last_end: usize,
    /// Apply merge keys (see [`merge_keys`]).
    merge: bool,
    /// The text of anchored nodes that an alias copied (see [`Document::shared`]).
    shared: Vec<TextRange>,
}

impl<'s, 'l> Builder<'s, 'l> {
    fn new(text: &'s str, lenient: &'l [Lenient]) -> Builder<'s, 'l> {
        Builder {
            merge: true,
            text,
            lenient,
            next_lenient: 0,
            stack: Vec::new(),
            root: None,
            errors: Vec::new(),
            comments: Vec::new(),
            anchors: HashMap::new(),
            alias_budget: ALIAS_BUDGET,
            alias_text: alias_text_budget_mib(text.len()) << 20,
            refused: None,
            skip: 0,
            skip_start: 0,
            documents: 0,
            last_end: 0,
            shared: Vec::new(),
        }
    }

    fn error(&mut self, range: TextRange, kind: SyntaxErrorKind, message: String) {
        self.errors.push(SyntaxError {
            range,
            kind,
            message,
        });
    }

    /// Feeds the events of `src` (the text, or a copy with parts blanked out: the same
    /// byte offsets) until the end, a second document, or a parse error.
    fn run(&mut self, src: &str) -> Option<Failure> {
        let options = granit_parser::options! {
            flow_nesting_limit: PARSER_NESTING_LIMIT,
            block_nesting_limit: PARSER_NESTING_LIMIT,
            emit_unresolved_aliases: true,
        };
        for item in Parser::new_from_str_with_options(src, options) {
            match item {
                Ok((event, span)) => {
                    if !self.event(event, span) {
                        return None;
                    }
                }
                Err(e) => return Some(self.failure(&e)),
            }
        }
        None
    }

    fn failure(&self, e: &ScanError) -> Failure {
        let pos = e
            .marker()
            .byte_offset()
            .unwrap_or(self.text.len())
            .min(self.text.len());
        Failure {
            kind: e.kind().clone(),
            pos,
            info: e.info(),
        }
    }

    fn offsets(&self, span: &Span) -> (usize, usize) {
        let len = self.text.len();
        let start = span.start.byte_offset().unwrap_or(self.last_end).min(len);
        let end = span.end.byte_offset().unwrap_or(start).clamp(start, len);
        (start, end)
    }

    /// Handles one event; false to stop reading.
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        let (start, end) = self.offsets(&span);
        if let Event::Comment(..) = event {
            if self.text.as_bytes().get(start) == Some(&b'#') {
                self.comments.push(Comment {
                    text: &self.text[start + 1..end],
                    range: TextRange::from_usize(start, end),
                });
            }
            return true;
        }
        let prev_end = self.last_end;
        self.last_end = self.last_end.max(end);
        if self.skip > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skip += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.skip -= 1;
                    if self.skip == 0 {
                        let node =
                            Node::new(TextRange::from_usize(self.skip_start, end), Value::Invalid);
                        self.push_value(node, false);
                    }
                }
                _ => {}
            }
            return true;
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(..) => {
                self.documents += 1;
                // A `---` with nothing after it (some generators end files so) starts
                // an empty document: nothing is lost by not reading it.
                let empty_rest = self.text.get(end..).unwrap_or_default().lines().all(|l| {
                    let l = l.trim();
                    l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
                });
                if self.documents > 1 && empty_rest {
                    return false;
                }
                if self.documents > 1 {
                    let range = TextRange::from_usize(start, end.max(start));
                    // After a `...` document end, a document starts without a `---`.
                    let written = if self.text.get(start..).is_some_and(|t| t.starts_with("---")) {
                        "this `---` starts another"
                    } else {
                        "the text after the `...` that ends the first is another"
                    };
                    self.error(
                        range,
                        SyntaxErrorKind::Extension,
                        format!("only the first YAML document of a file is analysed; {written}"),
                    );
                    return false;
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| self.tag_info(&t, span.tag_start.as_ref()));
                self.scalar(value, style, anchor, tag, start, end, prev_end);
            }
            Event::SequenceStart(style, anchor, tag) => {
                let tag = tag.map(|t| self.tag_info(&t, span.tag_start.as_ref()));
                self.open(start, style, anchor, tag, FrameKind::Seq(Vec::new()));
            }
            Event::MappingStart(style, anchor, tag) => {
                let tag = tag.map(|t| self.tag_info(&t, span.tag_start.as_ref()));
                let kind = FrameKind::Map {
                    members: Vec::new(),
                    key: None,
                    index: KeyIndex::default(),
                };
                self.open(start, style, anchor, tag, kind);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(end),
            Event::Alias(id) => self.alias(id, start, end),
            Event::UnresolvedAlias(name) => {
                let range = TextRange::from_usize(start, end);
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!("unknown alias `*{name}`: no anchor `&{name}` is defined before it"),
                );
                self.push_value(Node::new(range, Value::Invalid), false);
            }
            _ => {}
        }
        true
    }
}

impl<'s> Builder<'s, '_> {
    /// The tag as written (`!Sub`, `!!str`, `!<tag:x>`) with its range.
    fn tag_info(&self, tag: &Tag, tag_start: Option<&granit_parser::Marker>) -> TagInfo<'s> {
        let kind = if tag.handle() == "tag:yaml.org,2002:" {
            TagKind::Core(tag.suffix().to_string())
        } else if (tag.handle() == "!" && tag.suffix().is_empty())
            || (tag.handle().is_empty() && tag.suffix() == "!")
        {
            TagKind::NonSpecific
        } else {
            TagKind::Local
        };
        let bytes = self.text.as_bytes();
        match tag_start
            .and_then(|m| m.byte_offset())
            .filter(|&s| bytes.get(s) == Some(&b'!'))
        {
            Some(start) => {
                let mut end = start + 1;
                if bytes.get(end) == Some(&b'<') {
                    while end < bytes.len()
                        && bytes[end] != b'>'
                        && !bytes[end].is_ascii_whitespace()
                    {
                        end += 1;
                    }
                    end = (end + 1).min(bytes.len());
                } else {
                    while end < bytes.len()
                        && !bytes[end].is_ascii_whitespace()
                        && !matches!(bytes[end], b',' | b'[' | b']' | b'{' | b'}')
                    {
                        end += 1;
                    }
                }
                // Stop at a character boundary (tags are ASCII or %-escaped in practice).
                while !self.text.is_char_boundary(end) {
                    end += 1;
                }
                TagInfo {
                    text: Cow::Borrowed(&self.text[start..end]),
                    range: TextRange::from_usize(start, end),
                    kind,
                }
            }
            None => TagInfo {
                text: Cow::Owned(tag.original()),
                range: TextRange::empty(self.last_end as u32),
                kind,
            },
        }
    }

    /// Text of a scalar with the lifetime of the source: borrowed when the source holds
    /// it verbatim.
    fn cow(
        &self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        start: usize,
        end: usize,
    ) -> Cow<'s, str> {
        let raw = &self.text[start..end];
        let inner = match style {
            ScalarStyle::Plain => Some(raw),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 => {
                raw.get(1..raw.len() - 1)
            }
            _ => None,
        };
        match inner {
            Some(inner) if inner == value => Cow::Borrowed(inner),
            _ => Cow::Owned(value.into_owned()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<TagInfo<'s>>,
        mut start: usize,
        mut end: usize,
        prev_end: usize,
    ) {
        let mut value = value;
        let mut style = style;
        // The parser places a block scalar's text by its indentation indicator, which
        // can fall inside a character when the lines are not indented as it says
        // (`>4` over a line with no spaces): keep the range on character boundaries.
        while start > 0 && !self.text.is_char_boundary(start) {
            start -= 1;
        }
        end = end.clamp(start, self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        if let Some(l) = self.lenient.get(self.next_lenient)
            && prev_end <= l.start
            && (start >= l.start || (start == end && style == ScalarStyle::Plain))
        {
            // The blank where we read a quoted scalar ourselves.
            self.next_lenient += 1;
            value = Cow::Owned(l.value.clone());
            style = ScalarStyle::DoubleQuoted;
            (start, end) = (l.start, l.end);
        }
        let bytes = self.text.as_bytes();
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // The event starts at the content; the node starts at the `|` or `>` header.
            let from = tag
                .as_ref()
                .map_or(prev_end, |t| t.range.end as usize)
                .min(start);
            if let Some(h) = bytes[from..start]
                .iter()
                .position(|&b| b == b'|' || b == b'>')
            {
                start = from + h;
            }
            while end > start + 1 && bytes[end - 1].is_ascii_whitespace() {
                end -= 1;
            }
        }
        let range = TextRange::from_usize(start, end);
        let text = self.cow(value, style, start, end);
        // A scalar where a key is expected is a key: keep its text, untyped.
        if let Some(Frame {
            kind: FrameKind::Map {
                key: key @ None, ..
            },
            ..
        }) = self.stack.last_mut()
        {
            *key = Some(KeySlot {
                key: Some(text),
                range,
            });
            return;
        }
        let node = match tag {
            None if style == ScalarStyle::Plain => self.plain(text, range),
            None => Node::new(range, Value::String(text)),
            Some(tag) => match tag.kind.clone() {
                TagKind::NonSpecific => Node::new(tag.range.cover(range), Value::String(text)),
                TagKind::Core(suffix) => {
                    let value = self.core_tagged(&suffix, text, range);
                    Node::new(tag.range.cover(range), value)
                }
                TagKind::Local => {
                    let inner = if style == ScalarStyle::Plain {
                        self.plain(text, range)
                    } else {
                        Node::new(range, Value::String(text))
                    };
                    tagged(tag, inner)
                }
            },
        };
        if anchor != 0 {
            self.remember(anchor, &node);
        }
        self.push_value(node, true);
    }

    /// A plain scalar typed by the YAML 1.2 core schema.
    fn plain(&mut self, text: Cow<'s, str>, range: TextRange) -> Node<'s> {
        let value = match resolve_plain(&text) {
            Ok(Some(v)) => v,
            Ok(None) if is_placeholder(&text) => Value::Placeholder(text),
            Ok(None) => Value::String(text),
            Err(message) => {
                self.error(range, SyntaxErrorKind::Invalid, message);
                Value::Invalid
            }
        };
        Node::new(range, value)
    }

    /// A scalar with an explicit `!!` core tag.
    fn core_tagged(&mut self, suffix: &str, text: Cow<'s, str>, range: TextRange) -> Value<'s> {
        let resolved = match suffix {
            "null" => Some(Value::Null),
            "bool" => match &*text {
                "true" | "True" | "TRUE" => Some(Value::Bool(true)),
                "false" | "False" | "FALSE" => Some(Value::Bool(false)),
                _ => None,
            },
            "int" => match resolve_plain(&text) {
                Ok(Some(Value::Number(n))) if n.is_i64() || n.is_u64() => Some(Value::Number(n)),
                _ => None,
            },
            "float" => match resolve_plain(&text) {
                Ok(Some(Value::Number(n))) => n
                    .as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                Err(message) => {
                    self.error(range, SyntaxErrorKind::Invalid, message);
                    return Value::Invalid;
                }
                _ => None,
            },
            _ => return Value::String(text),
        };
        match resolved {
            Some(v) => v,
            None => {
                self.error(
                    range,
                    SyntaxErrorKind::Invalid,
                    format!(
                        "`{}` is not a valid `!!{suffix}` value",
                        truncate(&text, 40)
                    ),
                );
                Value::Invalid
            }
        }
    }

    fn open(
        &mut self,
        start: usize,
        style: StructureStyle,
        anchor: usize,
        tag: Option<TagInfo<'s>>,
        kind: FrameKind<'s>,
    ) {
        if self.stack.len() >= MAX_DEPTH {
            self.error(
                TextRange::from_usize(start, (start + 1).min(self.text.len())),
                SyntaxErrorKind::TooDeep,
                format!("nesting deeper than {MAX_DEPTH} levels: this value is not analysed"),
            );
            self.skip = 1;
            self.skip_start = start;
            return;
        }
        self.stack.push(Frame {
            start,
            flow: style == StructureStyle::Flow,
            anchor,
            tag,
            kind,
        });
    }

    /// Ends the innermost collection at `end` (used for flow collections; a block
    /// collection ends at its last child).
    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let mut last = frame.start;
        let value = match frame.kind {
            FrameKind::Seq(items) => {
                if let Some(item) = items.last() {
                    last = item.range.end as usize;
                }
                Value::Array(items)
            }
            FrameKind::Map {
                mut members, key, ..
            } => {
                if let Some(slot) = key {
                    // A key whose value never came (the parse stopped): keep it.
                    if let Some(key) = slot.key {
                        let value = Node::new(TextRange::empty(slot.range.end), Value::Invalid);
                        members.push(Member {
                            key,
                            key_range: slot.range,
                            value,
                        });
                    }
                }
                if let Some(m) = members.last() {
                    last = m.value.range.end.max(m.key_range.end) as usize;
                }
                Value::Object(if self.merge {
                    merge_keys(self.text, members)
                } else {
                    members
                })
            }
        };
        let end = if frame.flow { end.max(last) } else { last };
        let node = Node::new(
            TextRange::from_usize(frame.start, end.max(frame.start)),
            value,
        );
        let node = match frame.tag {
            None => node,
            Some(tag) => match tag.kind {
                TagKind::Local => tagged(tag, node),
                _ => Node::new(tag.range.cover(node.range), node.value),
            },
        };
        if frame.anchor != 0 {
            self.remember(frame.anchor, &node);
        }
        self.push_value(node, false);
    }

    fn remember(&mut self, anchor: usize, node: &Node<'s>) {
        let (size, height, text) = measure(node);
        self.anchors.insert(
            anchor,
            Anchored {
                node: node.clone(),
                size,
                height,
                text,
            },
        );
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) {
        let range = TextRange::from_usize(start, end);
        let name = &self.text[start..end];
        let value = match self.anchors.get(&id) {
            None => {
                let message = format!("alias `{name}` refers to a collection that contains it");
                self.error(range, SyntaxErrorKind::Invalid, message);
                Value::Invalid
            }
            Some(a) if a.size > self.alias_budget || a.text > self.alias_text => {
                match &mut self.refused {
                    Some((_, count)) => *count += 1,
                    None => {
                        let limit = if a.size > self.alias_budget {
                            format!("{ALIAS_BUDGET} nodes")
                        } else {
                            format!("{} MiB of text", alias_text_budget_mib(self.text.len()))
                        };
                        let message = format!(
                            "alias `{name}` is not expanded: aliases in this document would copy more than {limit}"
                        );
                        self.refused = Some((self.errors.len(), 1));
                        self.error(range, SyntaxErrorKind::Invalid, message);
                    }
                }
                Value::Invalid
            }
            Some(a) if self.stack.len() + a.height > MAX_DEPTH + 1 => {
                let message = format!(
                    "alias `{name}` would nest deeper than {MAX_DEPTH} levels: it is not analysed"
                );
                self.error(range, SyntaxErrorKind::TooDeep, message);
                Value::Invalid
            }
            Some(a) => {
                self.alias_budget -= a.size;
                self.alias_text -= a.text;
                self.shared.push(shared_text(self.text, &a.node));
                a.node.value.clone()
            }
        };
        self.push_value(Node::new(range, value), false);
    }

    /// Adds a finished node to the innermost collection (or makes it the root).
    /// `scalar` says whether it came from a scalar event (which sets keys itself).
    fn push_value(&mut self, node: Node<'s>, scalar: bool) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { key, .. } if key.is_none() => {
                // A collection or alias used as a key.
                let text = match (&node.value, scalar) {
                    (Value::String(s), _) => Some(s.clone()),
                    _ => None,
                };
                let range = node.range;
                *key = Some(KeySlot {
                    key: text.clone(),
                    range,
                });
                if text.is_none() {
                    self.error(
                        range,
                        SyntaxErrorKind::Invalid,
                        "a mapping key must be a string; this entry is ignored".to_string(),
                    );
                }
            }
            FrameKind::Map { .. } => self.add_member(node),
        }
    }

    fn add_member(&mut self, value: Node<'s>) {
        let Some(Frame {
            kind:
                FrameKind::Map {
                    members,
                    key,
                    index,
                },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let Some(KeySlot {
            key: Some(key),
            range,
        }) = key.take()
        else {
            return;
        };
        let first = index.first_of(members, &key, range);
        let message = first.map(|_| format!("duplicate key \"{}\"", truncate(&key, 60)));
        members.push(Member {
            key,
            key_range: range,
            value,
        });
        if let (Some(first), Some(message)) = (first, message) {
            self.error(range, SyntaxErrorKind::DuplicateKey { first }, message);
        }
    }

    /// Closes every open collection after the parse stopped early.
    fn close_all(&mut self) {
        if self.skip > 0 {
            self.skip = 0;
            let node = Node::new(
                TextRange::from_usize(self.skip_start, self.last_end),
                Value::Invalid,
            );
            self.push_value(node, false);
        }
        while let Some(frame) = self.stack.last() {
            // An unclosed flow collection ends where reading stopped.
            let end = if frame.flow { self.last_end } else { 0 };
            self.close(end);
        }
    }

    fn finish(
        mut self,
        scan_errors: Vec<SyntaxError>,
        deep_error: Option<SyntaxError>,
    ) -> Document<'s> {
        self.close_all();
        if let Some((first, count)) = self.refused
            && count > 1
        {
            let more = count - 1;
            let aliases = if more == 1 { "alias" } else { "aliases" };
            self.errors[first].message +=
                &format!("; {more} more {aliases} after it are not expanded either");
        }
        let mut errors = scan_errors;
        if let Some(deep) = deep_error {
            // The parser gave up past its own limit and the rest of the text was cut:
            // say so where the tree first went too deep, or where the parser stopped.
            match self
                .errors
                .iter_mut()
                .find(|e| e.kind == SyntaxErrorKind::TooDeep)
            {
                Some(first) => first.message = deep.message,
                None => errors.push(deep),
            }
        }
        errors.append(&mut self.errors);
        errors.sort_by_key(|e| (e.range.start, e.range.end));
        let root = match self.root {
            // An empty document (`---` alone) reads as an empty null scalar.
            Some(Node {
                value: Value::Null,
                range,
            }) if range.is_empty() => None,
            other => other,
        };
        if root.is_none() && errors.is_empty() {
            errors.push(SyntaxError {
                range: TextRange::empty(0),
                kind: SyntaxErrorKind::Invalid,
                message: "the document is empty: expected a YAML mapping".to_string(),
            });
        }
        let mut shared = self.shared;
        shared.sort_by_key(|r| (r.start, r.end));
        shared.dedup();
        Document {
            kind: SourceKind::Yaml,
            root,
            errors,
            comments: self.comments,
            shared,
        }
    }
}

/// The text an edit must not touch to leave an anchored `node` as its aliases read it:
/// its range, and for a block collection (which ends at its last child) the rest of
/// that line too, where a member added to it would be inserted.
fn shared_text(text: &str, node: &Node<'_>) -> TextRange {
    let range = node.range;
    let block = matches!(node.value, Value::Object(_) | Value::Array(_))
        && !text[..range.end as usize].ends_with([']', '}']);
    if !block {
        return range;
    }
    let rest = &text[range.end as usize..];
    let line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    TextRange::new(range.start, range.end + line as u32)
}

fn tagged<'s>(tag: TagInfo<'s>, node: Node<'s>) -> Node<'s> {
    let range = tag.range.cover(node.range);
    Node::new(
        range,
        Value::Tagged(Box::new(Tagged {
            tag: tag.text,
            tag_range: tag.range,
            node,
        })),
    )
}

/// Number of nodes and height of a tree, without recursion.
/// A node's size in nodes, its height, and the bytes of text in it: its strings,
/// placeholders, keys and tags (what a copy of it repeats).
fn measure(node: &Node<'_>) -> (usize, usize, usize) {
    let mut size = 0;
    let mut height = 0;
    let mut text = 0;
    let mut stack = vec![(node, 1usize)];
    while let Some((n, depth)) = stack.pop() {
        size += 1;
        height = height.max(depth);
        match &n.value {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(members) => {
                for m in members {
                    text += m.key.len();
                    stack.push((&m.value, depth + 1));
                }
            }
            Value::Tagged(t) => {
                text += t.tag.len();
                stack.push((&t.node, depth));
            }
            Value::String(s) | Value::Placeholder(s) => text += s.len(),
            _ => {}
        }
    }
    (size, height, text)
}

fn is_placeholder(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}') && s[2..].find('}') == Some(s.len() - 3)
}

/// Types a plain scalar by the YAML 1.2 core schema: `Ok(None)` for a string, `Err` for
/// a value that is a YAML number but cannot be a JSON number.
fn resolve_plain(s: &str) -> Result<Option<Value<'static>>, String> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Some(Value::Null)),
        "true" | "True" | "TRUE" => return Ok(Some(Value::Bool(true))),
        "false" | "False" | "FALSE" => return Ok(Some(Value::Bool(false))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" => {
            return Err(format!(
                "`{s}` is a YAML infinity, which JSON cannot represent; quote it to make a string"
            ));
        }
        ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "`{s}` is a YAML not-a-number, which JSON cannot represent; quote it to make a string"
            ));
        }
        _ => {}
    }
    let b = s.as_bytes();
    let first = b[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Ok(None);
    }
    let out_of_range = || format!("number `{}` is out of range", truncate(s, 40));
    if let Some(digits) = s.strip_prefix("0o") {
        if !digits.is_empty() && digits.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return u64::from_str_radix(digits, 8)
                .map(|v| Some(Value::Number(v.into())))
                .map_err(|_| out_of_range());
        }
        return Ok(None);
    }
    if let Some(digits) = s.strip_prefix("0x") {
        if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return u64::from_str_radix(digits, 16)
                .map(|v| Some(Value::Number(v.into())))
                .map_err(|_| out_of_range());
        }
        return Ok(None);
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let mut i = usize::from(matches!(first, b'-' | b'+'));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut is_int = true;
    if b.get(i) == Some(&b'.') {
        is_int = false;
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return Ok(None);
        }
    } else if int_digits == 0 {
        return Ok(None);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        is_int = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return Ok(None);
        }
    }
    if i != b.len() {
        return Ok(None);
    }
    let unsigned = s.strip_prefix('+').unwrap_or(s);
    if is_int {
        // Integers keep 64-bit precision when they fit (leading zeros are decimal).
        let trimmed = unsigned.trim_start_matches(['-']).trim_start_matches('0');
        let canonical = match (unsigned.starts_with('-'), trimmed.is_empty()) {
            (_, true) => "0".to_string(),
            (true, false) => format!("-{trimmed}"),
            (false, false) => trimmed.to_string(),
        };
        return parse_number(&canonical)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(out_of_range);
    }
    let f: f64 = unsigned.parse().map_err(|_| out_of_range())?;
    serde_json::Number::from_f64(f)
        .map(|n| Some(Value::Number(n)))
        .ok_or_else(out_of_range)
}

/// The offset of the quote closing the quoted scalar that opens at `open`.
fn closing_quote(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Decodes a quoted scalar (quotes included): escapes, `''`, and line folding (a line
/// break between text becomes a space, each empty line a `\n`).
fn decode_quoted(raw: &str) -> String {
    let double = raw.starts_with('"');
    let body = &raw[1..raw.len().saturating_sub(1).max(1)];
    let mut out = String::with_capacity(body.len());
    // Length of `out` that trailing-blank trimming must not cut into (escaped blanks).
    let mut keep = 0;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if double => {
                let Some(e) = chars.next() else { break };
                let simple = match e {
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'e' => Some('\u{1b}'),
                    ' ' => Some(' '),
                    '"' => Some('"'),
                    '/' => Some('/'),
                    '\\' => Some('\\'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    out.push(ch);
                } else if let Some(n) = match e {
                    'x' => Some(2),
                    'u' => Some(4),
                    'U' => Some(8),
                    _ => None,
                } {
                    let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                    out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                } else if e == '\n' || e == '\r' {
                    // An escaped line break joins the lines without a space.
                    if e == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                }
                keep = out.len();
            }
            '\'' if !double => {
                chars.next();
                out.push('\'');
                keep = out.len();
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                let trimmed = out.trim_end_matches([' ', '\t']).len().max(keep);
                out.truncate(trimmed);
                let mut breaks = 0;
                loop {
                    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                    match chars.peek() {
                        Some('\n') | Some('\r') => {
                            if chars.next() == Some('\r') && chars.peek() == Some(&'\n') {
                                chars.next();
                            }
                            breaks += 1;
                        }
                        _ => break,
                    }
                }
                if breaks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str, range: TextRange) -> &str {
        &text[range.as_usize()]
    }

    fn ok(text: &str) -> Node<'_> {
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        doc.root.unwrap()
    }

    fn errors(text: &str) -> Vec<(String, String)> {
        parse(text)
            .errors
            .iter()
            .map(|e| (at(text, e.range).to_string(), e.message.clone()))
            .collect()
    }

    #[test]
    fn a_block_scalar_indented_less_than_its_indicator_says_does_not_split_a_character() {
        // Found by the property test: `>4` over a line of no spaces, ending in a
        // character of three bytes.
        let doc = parse(">4\n\u{1}\u{1}\u{1}\u{FFFD}");
        assert!(!doc.errors.is_empty());
        let doc = parse("a: |2\néé\n");
        assert!(doc.root.is_some() || !doc.errors.is_empty());
    }

    /// A line indented with tabs after a plain scalar: the tabs are blamed, once, and
    /// the value before them is kept.
    #[test]
    fn tabs_after_a_plain_scalar_are_blamed_not_the_scalar() {
        let text = "A:\n  Resource: ${FnArn}\n\t\tNext: B\nB: 1\n";
        assert_eq!(
            errors(text),
            [(
                "\t\t".to_string(),
                "tab characters are not allowed in YAML indentation; use spaces".to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        let a = root.get("A").unwrap();
        assert!(matches!(
            &a.get("Resource").unwrap().value,
            Value::Placeholder(p) if p == "${FnArn}"
        ));
        assert!(root.get("B").is_some());
    }

    #[test]
    fn an_unquoted_jsonata_expression_is_read_as_its_string() {
        let text = "A:\n  Output: {% $states.input %}\n  Assign: {x: {% $a %}, y: 2}\n  Next: B\n";
        let message = "a JSONata expression must be quoted in YAML: `{` starts a mapping here; write \"{% ... %}\"";
        assert_eq!(
            errors(text),
            vec![
                ("{% $states.input %}".to_string(), message.to_string()),
                ("{% $a %}".to_string(), message.to_string()),
            ]
        );
        let root = parse(text).root.unwrap();
        let a = root.get("A").unwrap();
        assert_eq!(
            a.get("Output").unwrap().as_str(),
            Some("{% $states.input %}")
        );
        let assign = a.get("Assign").unwrap();
        assert_eq!(assign.get("x").unwrap().as_str(), Some("{% $a %}"));
        assert!(assign.get("y").is_some());
        assert_eq!(a.get("Next").unwrap().as_str(), Some("B"));
    }

    #[test]
    fn keys_and_values_with_ranges() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: \"B\"\n    Count: 3\n";
        let root = ok(text);
        assert_eq!(root.range, TextRange::new(0, 65));
        let start = root.member("StartAt").unwrap();
        assert_eq!(start.key_range, TextRange::new(0, 7));
        assert_eq!(start.value.range, TextRange::new(9, 10));
        let states = root.get("States").unwrap();
        assert_eq!(
            at(text, states.range),
            "A:\n    Type: Pass\n    Next: \"B\"\n    Count: 3"
        );
        let a = states.member("A").unwrap();
        assert_eq!(at(text, a.key_range), "A");
        let next = a.value.get("Next").unwrap();
        assert_eq!(at(text, next.range), "\"B\"");
        assert_eq!(next.as_str(), Some("B"));
        assert!(matches!(next.value, Value::String(Cow::Borrowed(_))));
        let count = a.value.member("Count").unwrap();
        assert_eq!(at(text, count.key_range), "Count");
        assert_eq!(count.value.value, Value::Number(3.into()));
        assert_eq!(
            root.to_json(),
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "Count": 3}}})
        );
    }

    #[test]
    fn sequences_of_maps_and_flow_collections() {
        let text = "Retry:\n  - ErrorEquals: [States.ALL, 'X']\n    MaxAttempts: 2\n  - {ErrorEquals: [A], Rate: 1.5}\nE: []\n";
        let root = ok(text);
        let retry = root.get("Retry").unwrap();
        let items = retry.as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(at(text, retry.range), &text[9..text.find("\nE:").unwrap()]);
        assert_eq!(
            at(text, items[0].range),
            "ErrorEquals: [States.ALL, 'X']\n    MaxAttempts: 2"
        );
        let eq = items[0].get("ErrorEquals").unwrap();
        assert_eq!(at(text, eq.range), "[States.ALL, 'X']");
        assert_eq!(at(text, eq.as_array().unwrap()[1].range), "'X'");
        assert_eq!(at(text, items[1].range), "{ErrorEquals: [A], Rate: 1.5}");
        assert_eq!(at(text, root.get("E").unwrap().range), "[]");
        assert_eq!(
            root.to_json(),
            json!({"Retry": [{"ErrorEquals": ["States.ALL", "X"], "MaxAttempts": 2}, {"ErrorEquals": ["A"], "Rate": 1.5}], "E": []})
        );
    }

    #[test]
    fn cloudformation_tags() {
        let text = "A: !Ref Foo\nB: !Sub 'arn:${AWS::Region}'\nC: !GetAtt [Fn, Arn]\nD: !Join ['', [a, !Ref B]]\nE: !If\n  - Cond\n  - 1\n  - !Ref AWS::NoValue\nF: !GetAZs ''\nG: !Select [0, !GetAZs '']\n";
        let root = ok(text);
        let a = root.get("A").unwrap();
        assert_eq!(at(text, a.range), "!Ref Foo");
        let Value::Tagged(t) = &a.value else {
            panic!("{a:?}")
        };
        assert_eq!(t.tag, "!Ref");
        assert_eq!(at(text, t.tag_range), "!Ref");
        assert_eq!(at(text, t.node.range), "Foo");
        assert_eq!(t.node.as_str(), Some("Foo"));
        let c = root.get("C").unwrap();
        let Value::Tagged(t) = &c.value else { panic!() };
        assert_eq!(at(text, t.node.range), "[Fn, Arn]");
        let e = root.get("E").unwrap();
        assert_eq!(
            at(text, e.range),
            "!If\n  - Cond\n  - 1\n  - !Ref AWS::NoValue"
        );
        assert!(e.is_unknown());
        assert_eq!(
            root.to_json(),
            json!({
                "A": {"Ref": "Foo"},
                "B": {"Fn::Sub": "arn:${AWS::Region}"},
                "C": {"Fn::GetAtt": ["Fn", "Arn"]},
                "D": {"Fn::Join": ["", ["a", {"Ref": "B"}]]},
                "E": {"Fn::If": ["Cond", 1, {"Ref": "AWS::NoValue"}]},
                "F": {"Fn::GetAZs": ""},
                "G": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            })
        );
    }

    #[test]
    fn core_tags_are_resolved() {
        let text = "a: !!str 12\nb: !!int \"7\"\nc: !!float 1\nd: ! true\ne: !!bool yes\nf: !!map {x: 1}\n";
        let doc = parse(text);
        let root = doc.root.unwrap();
        assert_eq!(at(text, root.get("a").unwrap().range), "!!str 12");
        assert_eq!(
            root.to_json(),
            json!({"a": "12", "b": 7, "c": 1.0, "d": "true", "e": null, "f": {"x": 1}})
        );
        assert_eq!(
            errors(text),
            vec![(
                "yes".to_string(),
                "`yes` is not a valid `!!bool` value".to_string()
            )]
        );
    }

    #[test]
    fn core_schema_scalars() {
        let cases: &[(&str, serde_json::Value)] = &[
            ("~", json!(null)),
            ("null", json!(null)),
            ("NULL", json!(null)),
            ("True", json!(true)),
            ("FALSE", json!(false)),
            ("yes", json!("yes")),
            ("12", json!(12)),
            ("-12", json!(-12)),
            ("+12", json!(12)),
            ("007", json!(7)),
            ("0o17", json!(15)),
            ("0x1F", json!(31)),
            ("1.5", json!(1.5)),
            ("-.5", json!(-0.5)),
            ("1.", json!(1.0)),
            ("1e3", json!(1000.0)),
            ("18446744073709551615", json!(18446744073709551615u64)),
            ("1.2.3", json!("1.2.3")),
            ("0x", json!("0x")),
            ("12abc", json!("12abc")),
            ("-x", json!("-x")),
            ("2024-01-01", json!("2024-01-01")),
            ("${Timeout}", json!("${Timeout}")),
        ];
        for (src, want) in cases {
            let text = format!("v: {src}\n");
            let root = ok(&text);
            assert_eq!(&root.get("v").unwrap().to_json(), want, "{src}");
        }
        let root = ok("a: ${Timeout}\nb: '${Timeout}'\nc: ${A}-${B}\n");
        assert_eq!(
            root.get("a").unwrap().value,
            Value::Placeholder("${Timeout}".into())
        );
        assert_eq!(
            root.get("b").unwrap().value,
            Value::String("${Timeout}".into())
        );
        assert_eq!(
            root.get("c").unwrap().value,
            Value::String("${A}-${B}".into())
        );
        assert_eq!(
            errors("a: .inf\nb: -.Inf\nc: .nan\n"),
            vec![
                (".inf".to_string(), "`.inf` is a YAML infinity, which JSON cannot represent; quote it to make a string".to_string()),
                ("-.Inf".to_string(), "`-.Inf` is a YAML infinity, which JSON cannot represent; quote it to make a string".to_string()),
                (".nan".to_string(), "`.nan` is a YAML not-a-number, which JSON cannot represent; quote it to make a string".to_string()),
            ]
        );
        assert_eq!(
            parse("a: .inf").root.unwrap().get("a").unwrap().value,
            Value::Invalid
        );
        assert_eq!(
            errors("a: 1e999"),
            vec![(
                "1e999".to_string(),
                "number `1e999` is out of range".to_string()
            )]
        );
    }

    #[test]
    fn merge_keys_bring_in_the_members_not_set() {
        let text = "base: &b\n  Type: Task\n  Next: X\nother: &o\n  Comment: c\n  Type: Pass\nA:\n  <<: [*b, *o]\n  Next: Y\nB:\n  \"<<\": *b\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let a = doc.root.as_ref().unwrap().get("A").unwrap();
        let keys: Vec<&str> = a.as_object().unwrap().iter().map(|m| &*m.key).collect();
        assert_eq!(keys, ["Type", "Comment", "Next"]);
        // Own keys win, then the first merged mapping; merged members keep the anchor's ranges.
        assert_eq!(a.get("Next").unwrap().as_str(), Some("Y"));
        assert_eq!(a.get("Type").unwrap().as_str(), Some("Task"));
        let ty = a
            .as_object()
            .unwrap()
            .iter()
            .find(|m| m.key == "Type")
            .unwrap();
        assert_eq!(&text[ty.key_range.as_usize()], "Type");
        assert!(ty.key_range.start < 20);
        // A quoted "<<" is an ordinary key; the formatter's reading keeps `<<` as written.
        let b = doc.root.as_ref().unwrap().get("B").unwrap();
        assert!(b.get("<<").is_some());
        let written = parse_as_written(text);
        assert!(
            written
                .root
                .as_ref()
                .unwrap()
                .get("A")
                .unwrap()
                .get("<<")
                .is_some()
        );
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "base: &b {Type: Pass, Next: X}\ns: &s hello\nA: *b\nB: *s\nC: [*s, *b]\n";
        let root = ok(text);
        let a = root.get("A").unwrap();
        assert_eq!(at(text, a.range), "*b");
        assert_eq!(a.to_json(), json!({"Type": "Pass", "Next": "X"}));
        assert_eq!(
            at(text, root.get("base").unwrap().range),
            "{Type: Pass, Next: X}"
        );
        assert_eq!(root.get("B").unwrap().as_str(), Some("hello"));
        assert_eq!(
            root.get("C").unwrap().to_json(),
            json!(["hello", {"Type": "Pass", "Next": "X"}])
        );
        assert_eq!(
            errors("a: *nope\n"),
            vec![(
                "*nope".to_string(),
                "unknown alias `*nope`: no anchor `&nope` is defined before it".to_string()
            )]
        );
        assert_eq!(
            errors("a: &r [1, *r]\n"),
            vec![(
                "*r".to_string(),
                "alias `*r` refers to a collection that contains it".to_string()
            )]
        );
    }

    #[test]
    fn alias_bombs_are_cut_off() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        let start = std::time::Instant::now();
        let doc = parse(&text);
        assert!(start.elapsed().as_secs() < 5);
        let cut: Vec<_> = doc
            .errors
            .iter()
            .filter(|e| e.message.contains("not expanded"))
            .collect();
        assert_eq!(cut.len(), 1);
        assert_eq!(
            cut[0].message,
            format!(
                "alias `*a3` is not expanded: aliases in this document would copy more than {ALIAS_BUDGET} nodes; 28 more aliases after it are not expanded either"
            )
        );
        let a2 = doc.root.as_ref().unwrap().get("a2").unwrap();
        assert_eq!(measure(a2).0, 1 + 10 + 100 + 1000);
    }

    #[test]
    fn the_text_aliases_copy_is_bounded_by_the_document_size() {
        assert_eq!(alias_text_budget_mib(0), 4);
        assert_eq!(alias_text_budget_mib(300_000), 5);
        assert_eq!(alias_text_budget_mib(1_078_966), 17);
        assert_eq!(alias_text_budget_mib(10 << 20), 64);
        assert_eq!(alias_text_budget_mib(usize::MAX), 64);
        // A 100 KB scalar aliased 60 times: 60 nodes, far under the node limit, but
        // 6 MB of copies. The document gets 4 MiB: 41 copies fit, the 19 after not.
        let big = "x".repeat(100_000);
        let mut text = format!("Big: &b \"{big}\"\nCopies:\n");
        for i in 0..60 {
            text.push_str(&format!("  k{i}: *b\n"));
        }
        let doc = parse(&text);
        let message = "alias `*b` is not expanded: aliases in this document would copy more than 4 MiB of text; 18 more aliases after it are not expanded either";
        let refused: Vec<(&str, &str)> = doc
            .errors
            .iter()
            .map(|e| (at(&text, e.range), e.message.as_str()))
            .collect();
        // One error says it for all 19: a bomb has thousands.
        assert_eq!(refused, vec![("*b", message)]);
        let first = doc.errors[0].range.start as usize;
        assert!(text[..first].ends_with("\n  k41: "));
        let copies = doc.root.as_ref().unwrap().get("Copies").unwrap();
        assert!(matches!(copies.get("k41").unwrap().value, Value::Invalid));
        // What the copies hold: 41 values, and the keys k0..k59 (170 bytes).
        assert_eq!(measure(copies), (61, 2, 41 * 100_000 + 170));

        // A copy of copies counts what they hold: `*f` would repeat 3 MB, and 1.2 MB
        // are left.
        let mut text = format!("Big: &b \"{big}\"\nThirty: &f\n");
        for i in 0..30 {
            text.push_str(&format!("  k{i}: *b\n"));
        }
        text.push_str("Again: *f\n");
        assert_eq!(
            errors(&text),
            vec![(
                "*f".to_string(),
                "alias `*f` is not expanded: aliases in this document would copy more than 4 MiB of text".to_string()
            )]
        );
    }

    #[test]
    fn block_scalars() {
        let text = "a: |\n  line 1\n  line 2\n\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\nd: |2-\n    indented\ne: >\n  x\n";
        let root = ok(text);
        let a = root.get("a").unwrap();
        assert_eq!(a.as_str(), Some("line 1\nline 2\n"));
        assert_eq!(at(text, a.range), "|\n  line 1\n  line 2");
        let b = root.get("b").unwrap();
        assert_eq!(b.as_str(), Some("folded text\npara"));
        assert_eq!(at(text, b.range), ">-\n  folded\n  text\n\n  para");
        assert_eq!(root.get("c").unwrap().as_str(), Some("keep\n\n"));
        assert_eq!(root.get("d").unwrap().as_str(), Some("  indented"));
        assert_eq!(root.get("e").unwrap().as_str(), Some("x\n"));
        let tagged = "D: !Sub |\n  {\"a\": \"${X}\"}\n";
        let root = ok(tagged);
        let d = root.get("D").unwrap();
        assert_eq!(at(tagged, d.range), "!Sub |\n  {\"a\": \"${X}\"}");
        let Value::Tagged(t) = &d.value else { panic!() };
        assert_eq!(at(tagged, t.node.range), "|\n  {\"a\": \"${X}\"}");
        assert_eq!(t.node.as_str(), Some("{\"a\": \"${X}\"}\n"));
    }

    #[test]
    fn quoted_scalars_and_multiline_plain() {
        let text = "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\\"q\\\"\"\nc: plain\n  continued\n  here\nd: \"two\n  lines\"\n";
        let root = ok(text);
        assert_eq!(root.get("a").unwrap().as_str(), Some("it's"));
        assert_eq!(at(text, root.get("a").unwrap().range), "'it''s'");
        assert_eq!(root.get("b").unwrap().as_str(), Some("tab\there é A \"q\""));
        let c = root.get("c").unwrap();
        assert_eq!(c.as_str(), Some("plain continued here"));
        assert_eq!(at(text, c.range), "plain\n  continued\n  here");
        assert_eq!(root.get("d").unwrap().as_str(), Some("two lines"));
        let k = ok("'quoted key': 1\n\"k\\n\": 2\n");
        let m = &k.as_object().unwrap()[0];
        assert_eq!(m.key, "quoted key");
        assert_eq!(at("'quoted key': 1\n", m.key_range), "'quoted key'");
        assert_eq!(k.as_object().unwrap()[1].key, "k\n");
    }

    #[test]
    fn under_indented_quoted_scalars_are_accepted() {
        // YAML wants continuation lines indented deeper than the key; PyYAML and
        // CloudFormation accept this, and real templates rely on it.
        let text = "Outputs:\n  M:\n    Value: \"{\n      \\\"input\\\": \\\"x\\\"\n    }\"\n  N: 'a\n\n  b'\n";
        let root = ok(text);
        let m = root
            .get("Outputs")
            .unwrap()
            .get("M")
            .unwrap()
            .get("Value")
            .unwrap();
        assert_eq!(m.as_str(), Some("{ \"input\": \"x\" }"));
        assert_eq!(
            at(text, m.range),
            "\"{\n      \\\"input\\\": \\\"x\\\"\n    }\""
        );
        assert_eq!(
            root.get("Outputs").unwrap().get("N").unwrap().as_str(),
            Some("a\nb")
        );
        assert_eq!(
            decode_quoted("\"a \\\n   b\\t\n  c\\x41\\u00e9\""),
            "a b\t cAé"
        );
        assert_eq!(decode_quoted("'it''s\n\n\n x'"), "it's\n\nx");
    }

    #[test]
    fn comments_are_collected() {
        let text = "# head\nStartAt: A # asl-lint: ignore[ASL201]\nStates: {} #tail";
        let doc = parse(text);
        assert!(doc.errors.is_empty());
        let got: Vec<_> = doc
            .comments
            .iter()
            .map(|c| (c.text, at(text, c.range)))
            .collect();
        assert_eq!(
            got,
            vec![
                (" head", "# head"),
                (" asl-lint: ignore[ASL201]", "# asl-lint: ignore[ASL201]"),
                ("tail", "#tail")
            ]
        );
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let text = "A: 1\nB: 2\nA: 3\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(
            doc.errors[0].kind,
            SyntaxErrorKind::DuplicateKey {
                first: TextRange::new(0, 1)
            }
        );
        assert_eq!(doc.errors[0].range, TextRange::new(10, 11));
        assert_eq!(doc.errors[0].message, "duplicate key \"A\"");
        assert_eq!(doc.root.unwrap().get("A").unwrap().as_f64(), Some(3.0));
        let mut big = String::new();
        for i in 0..40 {
            big.push_str(&format!("k{i}: {{x: 1, x: 2}}\n"));
        }
        big.push_str("k3: 0\n");
        let doc = parse(&big);
        let dups = doc
            .errors
            .iter()
            .filter(|e| matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
            .count();
        assert_eq!(dups, 41);
    }

    #[test]
    fn half_typed_key_keeps_the_rest() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Ne\n  B:\n    Type: Succeed\n";
        let doc = parse(text);
        assert_eq!(
            doc.errors
                .iter()
                .map(|e| (at(text, e.range), e.message.as_str()))
                .collect::<Vec<_>>(),
            vec![(
                "Ne",
                "expected `key: value`: this line has no `:` after its key"
            )]
        );
        let root = doc.root.unwrap();
        assert_eq!(
            root.to_json(),
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}})
        );
    }

    #[test]
    fn half_typed_inputs() {
        // Unterminated quote: blamed on the quote, the rest is read.
        let text = "A:\n  Next: \"B\nC: 1\n";
        assert_eq!(
            errors(text),
            vec![(
                "\"B".to_string(),
                "unterminated quoted string: expected a closing `\"`".to_string()
            )]
        );
        let root = parse(text).root.unwrap();
        assert_eq!(root.to_json(), json!({"A": {"Next": null}, "C": 1}));
        // Unclosed flow collection followed by a dedent.
        let text = "a: [1, 2\nb: 3\n";
        assert_eq!(
            errors(text),
            vec![(
                "[".to_string(),
                "this `[` is never closed: expected a matching `]`".to_string()
            )]
        );
        assert_eq!(
            parse(text).root.unwrap().to_json(),
            json!({"a": null, "b": 3})
        );
        // Unclosed at the end: the items read so far stay.
        let text = "a: {x: 1, y: [1, 2";
        assert_eq!(
            errors(text),
            vec![(
                "{".to_string(),
                "this `{` is never closed: expected a matching `}`".to_string()
            )]
        );
        assert_eq!(
            parse(text).root.unwrap().to_json(),
            json!({"a": {"x": 1, "y": [1]}})
        );
        // A key typed, value not yet.
        let root = ok("A:\n  Type:\n");
        assert_eq!(root.to_json(), json!({"A": {"Type": null}}));
        // Two colons.
        let text = "a: b: c\nd: 1\n";
        assert_eq!(
            errors(text),
            vec![(
                ":".to_string(),
                "unexpected `:` here: quote a value that contains `: `, or check the indentation"
                    .to_string()
            )]
        );
        assert_eq!(
            parse(text).root.unwrap().to_json(),
            json!({"a": "b", "d": 1})
        );
        // Wrong indentation in the middle.
        let text = "a:\n  x: 1\n y: 2\nb: 3\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        assert_eq!(doc.root.unwrap().get("b").unwrap().as_f64(), Some(3.0));
        // A tab in indentation.
        let doc = parse("a:\n\tb: 1\nc: 2\n");
        assert!(!doc.errors.is_empty());
        assert_eq!(doc.root.unwrap().get("c").unwrap().as_f64(), Some(2.0));
        // Every prefix of a real document parses without panicking and keeps its first key.
        let full = "StartAt: A # c\nStates:\n  A:\n    Type: Task\n    Resource: !Sub 'arn:${X}'\n    Parameters: {\"a.$\": \"$.b\", c: [1, 2]}\n    Retry:\n      - ErrorEquals: [States.ALL]\n    Next: B\n  B:\n    Type: Succeed\n";
        for end in (1..=full.len()).filter(|&e| full.is_char_boundary(e)) {
            let doc = parse(&full[..end]);
            if end > 8 {
                assert!(
                    doc.root.as_ref().and_then(|r| r.get("StartAt")).is_some(),
                    "{:?}",
                    &full[..end]
                );
            }
        }
    }

    #[test]
    fn deep_nesting_never_overflows() {
        let n = 100_000;
        for text in [
            format!("{}{}", "[".repeat(n), "]".repeat(n)),
            "[".repeat(n),
            "{a: ".repeat(n),
            format!("{}x\n", "- ".repeat(n)),
            format!("a:\n{}x\n", "- ".repeat(n)),
        ] {
            let doc = parse(&text);
            assert!(
                doc.errors
                    .iter()
                    .any(|e| e.kind == SyntaxErrorKind::TooDeep),
                "{:?}",
                &doc.errors[..1]
            );
            assert!(doc.root.is_some(), "{:?} {:?}", &text[..10], doc.errors);
        }
        // Past the parser's own limit in block nesting, the rest of the text is lost, and
        // the error says so.
        let text = format!("a:\n{}x\nb: 1\n", "- ".repeat(n));
        let doc = parse(&text);
        let deep: Vec<_> = doc
            .errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::TooDeep)
            .map(|e| &e.message[..])
            .collect();
        assert_eq!(
            deep,
            [format!(
                "nesting deeper than {MAX_DEPTH} levels: the rest of the document is not analysed"
            )]
        );
        // Block mappings: each level one more space.
        let depth = 2000;
        let text: String = (0..depth)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let doc = parse(&text);
        let deep: Vec<_> = doc
            .errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::TooDeep)
            .collect();
        assert_eq!(deep.len(), 1, "{:?}", doc.errors);
        assert_eq!(
            deep[0].message,
            format!("nesting deeper than {MAX_DEPTH} levels: this value is not analysed")
        );
        // The fields after a value nested too deep are still read (a Pass state's
        // `End` after a deep `Result`), also past the parser's own limit, with quoted
        // brackets in the way.
        for (n, inner) in [
            (1000, ""),
            (100_000, ""),
            (100_000, "'a]''b', \"c\\\"]\", it's, "),
            (100_000, "a#b, # ]] }\n  "),
        ] {
            let text = format!(
                "A:\n  Result: {}{inner}{}\n  End: true\n",
                "[".repeat(n),
                "]".repeat(n)
            );
            let doc = parse(&text);
            let a = doc.root.as_ref().unwrap().get("A").unwrap();
            assert!(a.get("End").is_some(), "{:?}", doc.errors);
            // Reported once, at the first value past the limit: the root and `A` take
            // two levels, so the 255th bracket (after `A:\n  Result: `).
            let deep = doc.errors.iter().map(|e| (e.range, &e.message[..]));
            let message =
                format!("nesting deeper than {MAX_DEPTH} levels: this value is not analysed");
            assert_eq!(
                deep.collect::<Vec<_>>(),
                [(TextRange::from_usize(13 + 254, 13 + 255), &message[..])],
            );
        }
        // Within the limit: fine.
        let ok_depth = MAX_DEPTH - 1;
        let text = format!("{}{}", "[".repeat(ok_depth), "]".repeat(ok_depth));
        assert!(parse(&text).errors.is_empty());
    }

    #[test]
    fn empty_scalar_bom_and_documents() {
        assert_eq!(
            errors(""),
            vec![(
                String::new(),
                "the document is empty: expected a YAML mapping".to_string()
            )]
        );
        let doc = parse("# only a comment\n");
        assert!(doc.root.is_none());
        assert_eq!(doc.comments.len(), 1);
        let root = ok("just a scalar");
        assert_eq!(root.value, Value::String("just a scalar".into()));
        assert_eq!(root.range, TextRange::new(0, 13));
        assert_eq!(ok("42").value, Value::Number(42.into()));
        let text = "\u{feff}StartAt: A\n";
        let root = ok(text);
        assert_eq!(
            at(text, root.member("StartAt").unwrap().key_range),
            "StartAt"
        );
        let text = "---\na: 1\n---\nb: 2\n";
        let doc = parse(text);
        assert_eq!(doc.root.unwrap().to_json(), json!({"a": 1}));
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].kind, SyntaxErrorKind::Extension);
        assert_eq!(at(text, doc.errors[0].range), "---");
        assert_eq!(
            doc.errors[0].message,
            "only the first YAML document of a file is analysed; this `---` starts another"
        );
        assert_eq!(ok("a: 1\n...\n").to_json(), json!({"a": 1}));
        // A document after a `...` end marker starts without a `---`.
        let doc = parse("a: 1\n...\nb: [\n");
        assert_eq!(
            doc.errors[0].message,
            "only the first YAML document of a file is analysed; the text after the `...` that ends the first is another"
        );
        // An empty document after the first is no loss: not reported.
        assert_eq!(ok("a: 1\n---\n").to_json(), json!({"a": 1}));
        assert_eq!(ok("a: 1\n--- # end\n\n").to_json(), json!({"a": 1}));
    }

    #[test]
    fn non_string_keys() {
        let root = ok("1: a\ntrue: b\nnull: c\n");
        assert_eq!(root.to_json(), json!({"1": "a", "true": "b", "null": "c"}));
        let text = "? [a, b]\n: 1\nc: 2\n";
        assert_eq!(
            errors(text),
            vec![(
                "[a, b]".to_string(),
                "a mapping key must be a string; this entry is ignored".to_string()
            )]
        );
        assert_eq!(parse(text).root.unwrap().to_json(), json!({"c": 2}));
    }

    /// Renders a JSON value as YAML, in block or flow style.
    fn render(v: &serde_json::Value, block: bool, indent: usize, out: &mut String) {
        use serde_json::Value as J;
        fn scalar(v: &serde_json::Value) -> String {
            match v {
                J::String(s) if is_plain_safe(s) => s.clone(),
                other => other.to_string(),
            }
        }
        fn is_plain_safe(s: &str) -> bool {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && matches!(resolve_plain(s), Ok(None))
        }
        let pad = " ".repeat(indent);
        match v {
            J::Array(items) if block && !items.is_empty() => {
                for item in items {
                    out.push_str(&pad);
                    out.push('-');
                    if matches!(item, J::Array(a) if !a.is_empty())
                        || matches!(item, J::Object(o) if !o.is_empty())
                    {
                        out.push('\n');
                        render(item, true, indent + 2, out);
                    } else {
                        out.push(' ');
                        render(item, false, 0, out);
                        out.push('\n');
                    }
                }
            }
            J::Object(map) if block && !map.is_empty() => {
                for (k, item) in map {
                    out.push_str(&pad);
                    out.push_str(&scalar(&J::String(k.clone())));
                    out.push(':');
                    if matches!(item, J::Array(a) if !a.is_empty())
                        || matches!(item, J::Object(o) if !o.is_empty())
                    {
                        out.push('\n');
                        render(item, true, indent + 2, out);
                    } else {
                        out.push(' ');
                        render(item, false, 0, out);
                        out.push('\n');
                    }
                }
            }
            J::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    render(item, false, 0, out);
                }
                out.push(']');
            }
            J::Object(map) => {
                out.push('{');
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&scalar(&J::String(k.clone())));
                    out.push_str(": ");
                    render(item, false, 0, out);
                }
                out.push('}');
            }
            other => out.push_str(&scalar(other)),
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
            "[a-zA-Z_][a-zA-Z0-9_]{0,8}".prop_map(serde_json::Value::String),
            "\\PC{0,12}".prop_map(serde_json::Value::String),
            prop_oneof![
                Just("true"),
                Just("null"),
                Just("12"),
                Just("- x"),
                Just("a: b"),
                Just("#c"),
                Just("")
            ]
            .prop_map(|s| serde_json::Value::String(s.to_string())),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-zA-Z][a-zA-Z0-9.$]{0,6}|\\PC{0,6}", inner), 0..5)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        #[test]
        fn rendered_json_values_read_back(v in json_value(), block in proptest::bool::ANY) {
            let mut text = String::new();
            render(&v, block, 0, &mut text);
            let doc = parse(&text);
            proptest::prop_assert!(doc.errors.is_empty(), "{:?}\n{}", doc.errors, text);
            let got = doc.root.map(|r| r.to_json());
            proptest::prop_assert_eq!(got.as_ref(), Some(&v), "{}", text);
        }
    }
}
