//! Suppression directives: `# asl-lint: ignore[ASL201]` comments (YAML, or JSON5-style
//! comments) and, for JSON, which has no comments, the same directive inside a state's
//! `Comment` field.
//!
//! - `asl-lint: ignore[CODES]` in a comment at the end of a line suppresses those codes
//!   on that line; on a line of its own, on the next line.
//! - `asl-lint: ignore-file[CODES]` anywhere suppresses them in the whole file.
//! - In a `Comment` field, `asl-lint: ignore[CODES]` suppresses them inside the object
//!   holding the field (a state, with its name; or the whole definition at the top level).
//! - Without `[CODES]` every code is suppressed.
//!
//! A directive that suppressed nothing is reported (ASL804, info), and so is a code that
//! names no rule (ASL805, warning).

use crate::diagnostics::Diagnostic;
use crate::lint::LintOptions;
use crate::rules;
use crate::syntax::{Comment, LineIndex, Node, TextRange, Value, string_source_offset};

/// Where a directive applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Diagnostics starting on this 0-based line.
    Line(usize),
    /// Diagnostics starting inside this range.
    Range(TextRange),
    /// The whole file.
    File,
}

/// One code named by a directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub range: TextRange,
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Where the directive is written.
    pub range: TextRange,
    pub scope: Scope,
    /// The codes; empty means every code.
    pub codes: Vec<Code>,
    /// For a directive without codes: whether it suppressed something.
    pub used: bool,
}

const MARKER: &str = "asl-lint:";

/// A directive read from text: file-wide or not, the codes with their byte offsets, and
/// the span of the directive.
type Parsed = (bool, Vec<(String, usize)>, std::ops::Range<usize>);

/// Parses the directive in `text` (a comment's text or a `Comment` value), returning
/// whether it is file-wide and the codes with their byte offsets in `text`.
fn parse(text: &str) -> Option<Parsed> {
    let at = text.find(MARKER)?;
    let rest_start = at + MARKER.len();
    let rest = &text[rest_start..];
    let trimmed = rest.trim_start();
    let mut pos = rest_start + (rest.len() - trimmed.len());
    let file = if trimmed.starts_with("ignore-file") {
        pos += "ignore-file".len();
        true
    } else if trimmed.starts_with("ignore") {
        pos += "ignore".len();
        false
    } else {
        return None;
    };
    let mut codes = Vec::new();
    let mut end = pos;
    if text[pos..].starts_with('[') {
        let close = text[pos..].find(']').map(|i| pos + i);
        let body_end = close.unwrap_or(text.len());
        let mut offset = pos + 1;
        for part in text[pos + 1..body_end].split(',') {
            let lead = part.len() - part.trim_start().len();
            let code = part.trim();
            if !code.is_empty() {
                codes.push((code.to_string(), offset + lead));
            }
            offset += part.len() + 1;
        }
        end = close.map_or(text.len(), |c| c + 1);
    }
    Some((file, codes, at..end))
}

/// Directives written in comments.
pub fn from_comments(source: &str, comments: &[Comment<'_>]) -> Vec<Directive> {
    if comments.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(source);
    let mut out = Vec::new();
    for c in comments {
        let Some((file, codes, span)) = parse(c.text) else {
            continue;
        };
        // The comment text starts after its marker (`#`, `//`); find it in the source.
        let raw = &source[c.range.as_usize()];
        let text_start = c.range.start + raw.find(c.text).unwrap_or(0) as u32;
        let line = index.line_of(c.range.start);
        let line_start = index.line_start(line) as usize;
        let own_line = source[line_start..c.range.start as usize].trim().is_empty();
        let scope = if file {
            Scope::File
        } else if own_line {
            Scope::Line(line + 1)
        } else {
            Scope::Line(line)
        };
        out.push(Directive {
            range: TextRange::new(text_start + span.start as u32, text_start + span.end as u32),
            scope,
            codes: codes
                .into_iter()
                .map(|(code, at)| Code {
                    range: TextRange::from_usize(
                        text_start as usize + at,
                        text_start as usize + at + code.len(),
                    ),
                    code,
                    used: false,
                })
                .collect(),
            used: false,
        });
    }
    out
}

/// False when `source` cannot hold a directive in any string: it has neither the
/// marker nor a backslash (an escape such as `\u0061` could spell the marker in a
/// decoded string). Lets a large file skip the walk of [`from_comment_fields`].
pub fn may_have_directive(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), MARKER.as_bytes()).is_some()
        || memchr::memchr(b'\\', source.as_bytes()).is_some()
}

/// Directives written in `Comment` fields of a definition tree. `map` turns ranges of
/// `source` into ranges of the file being reported (identity for a standalone file).
pub fn from_comment_fields(
    source: &str,
    root: &Node<'_>,
    map: &dyn Fn(TextRange) -> TextRange,
) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut stack = vec![(root, root.range)];
    while let Some((node, enclosing)) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    if m.key == "Comment"
                        && let Some(text) = m.value.as_str()
                        && let Some((file, codes, span)) = parse(text)
                    {
                        let at = |decoded: usize| string_source_offset(source, &m.value, decoded);
                        out.push(Directive {
                            range: map(TextRange::new(at(span.start), at(span.end))),
                            scope: if file {
                                Scope::File
                            } else {
                                Scope::Range(map(enclosing))
                            },
                            codes: codes
                                .into_iter()
                                .map(|(code, s)| Code {
                                    range: map(TextRange::new(at(s), at(s + code.len()))),
                                    code,
                                    used: false,
                                })
                                .collect(),
                            used: false,
                        });
                    }
                    if matches!(m.value.value, Value::Object(_) | Value::Array(_)) {
                        stack.push((&m.value, m.range()));
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    stack.push((item, item.range));
                }
            }
            _ => {}
        }
    }
    out
}

fn code_matches(directive_code: &str, diagnostic_code: &str) -> bool {
    directive_code.eq_ignore_ascii_case(diagnostic_code)
        || rules::find(diagnostic_code).is_some_and(|r| r.meta.name == directive_code)
}

/// Removes suppressed diagnostics, then reports unused directives (ASL804) and unknown
/// codes (ASL805) when those rules are enabled.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    directives: &mut [Directive],
    source: &str,
    options: &LintOptions,
) {
    if directives.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    diagnostics.retain(|d| {
        let line = index.line_of(d.range.start);
        let mut suppressed = false;
        for dir in directives.iter_mut() {
            let applies = match &dir.scope {
                Scope::Line(l) => *l == line,
                Scope::Range(r) => r.touches(d.range.start),
                Scope::File => true,
            };
            if !applies {
                continue;
            }
            if dir.codes.is_empty() {
                dir.used = true;
                suppressed = true;
            }
            for c in dir.codes.iter_mut() {
                if code_matches(&c.code, d.code) {
                    c.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    let meta = |code: &str| &rules::find(code).expect("registered").meta;
    let unused = meta("ASL804");
    let unknown = meta("ASL805");
    for dir in directives.iter() {
        if dir.codes.is_empty() {
            if !dir.used && options.is_enabled(unused) {
                diagnostics.push(Diagnostic::new(
                    unused.code,
                    unused.severity,
                    dir.range,
                    "this suppression suppresses nothing",
                ));
            }
            continue;
        }
        for c in &dir.codes {
            match rules::find(&c.code) {
                None => {
                    if options.is_enabled(unknown) {
                        let mut d = Diagnostic::new(
                            unknown.code,
                            unknown.severity,
                            c.range,
                            format!("`{}` is not a rule code or name", c.code),
                        );
                        let names = rules::RULES.iter().map(|r| r.meta.code);
                        if let Some(best) = rules::did_you_mean(&c.code, names) {
                            d.help = Some(format!("did you mean `{best}`?"));
                        }
                        diagnostics.push(d);
                    }
                }
                Some(rule) if !c.used && options.is_enabled(&rule.meta) => {
                    if options.is_enabled(unused) {
                        diagnostics.push(Diagnostic::new(
                            unused.code,
                            unused.severity,
                            c.range,
                            format!(
                                "unused suppression: no `{}` diagnostic here",
                                rule.meta.code
                            ),
                        ));
                    }
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let (file, codes, span) = parse(" asl-lint: ignore[ASL201, ASL205] why").unwrap();
        assert!(!file);
        assert_eq!(
            codes,
            vec![("ASL201".to_string(), 18), ("ASL205".to_string(), 26)]
        );
        assert_eq!(span, 1..33);
        let (file, codes, _) = parse("asl-lint: ignore-file").unwrap();
        assert!(file && codes.is_empty());
        assert!(parse("asl-lint: nothing").is_none());
        assert!(parse("ignore[ASL201]").is_none());
    }

    #[test]
    fn comment_field_suppresses_inside_its_state_and_reports_unused_and_unknown() {
        let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Bx", "Comment": "asl-lint: ignore[ASL201, ASL2O1]"},
  "B": {"Type": "Pass", "End": true, "Comment": "asl-lint: ignore[unreachable-state, ASL106]"}
}}"#;
        let out = crate::lint::lint_text(
            text,
            crate::syntax::SourceKind::Json,
            &LintOptions::default(),
        );
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|d| (d.code, &text[d.range.as_usize()]))
            .collect();
        assert_eq!(
            got,
            vec![("ASL805", "ASL2O1"), ("ASL804", "ASL106")],
            "{out:#?}"
        );
        assert_eq!(out[0].help.as_deref(), Some("did you mean `ASL201`?"));
        assert_eq!(
            out[1].message,
            "unused suppression: no `ASL106` diagnostic here"
        );
    }

    #[test]
    fn comment_lines_scope() {
        let text = "a: 1 # asl-lint: ignore[ASL201]\n# asl-lint: ignore\nb: 2\n";
        let comments = vec![
            Comment {
                text: " asl-lint: ignore[ASL201]",
                range: TextRange::new(5, 31),
            },
            Comment {
                text: " asl-lint: ignore",
                range: TextRange::new(32, 50),
            },
        ];
        let dirs = from_comments(text, &comments);
        assert_eq!(dirs[0].scope, Scope::Line(0));
        assert_eq!(&text[dirs[0].codes[0].range.as_usize()], "ASL201");
        assert_eq!(&text[dirs[0].range.as_usize()], "asl-lint: ignore[ASL201]");
        assert_eq!(dirs[1].scope, Scope::Line(2));
    }
}
