use crate::diagnostics::{Applicability, Fix};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{SourceKind, SyntaxErrorKind, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports JSON5-style extensions in a JSON definition (not in a `*.json5` file):
    /// comments, trailing commas, single-quoted strings and unquoted keys; and in YAML, a
    /// second document (`---`) after the definition. A file named `*.json5` is JSON5 by
    /// name, and it is turned into JSON before it is deployed.
    ///
    /// ## Why is this bad?
    /// Step Functions parses definitions as strict JSON and rejects these
    /// (`INVALID_JSON_DESCRIPTION`). asl-lint reads them so that the rest of the file is
    /// still checked. A YAML file holds one definition: the tools that deploy it read
    /// the first document only, or refuse the file.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,},}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Safe: removes a trailing comma, puts double quotes around a bare key, rewrites a
    /// single-quoted string with double quotes (escaping the `"` inside it), and writes
    /// `\'` as `'`. Unsafe: removes a comment (with its line when the comment is
    /// alone on it), because that deletes text someone wrote.
    pub static RULE = {
        code: "ASL003",
        name: "non-standard-json",
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for e in &ctx.document.errors {
        if e.kind != SyntaxErrorKind::Extension {
            continue;
        }
        let d = sink.report(e.range, e.message.clone());
        // The fixes rewrite JSON5 into JSON; YAML's extension (a second document) has
        // none.
        if ctx.document.kind != SourceKind::Json {
            continue;
        }
        if let Some(fix) = fix_for(ctx.source, e.range) {
            d.fixes.push(fix);
        }
    }
}

/// The fix for the extension at `range`, told apart by the text there: the reader
/// reports a comment as the whole comment, a trailing comma as the comma, a
/// single-quoted string as its opening quote, `\'` as itself, and a bare key as the key.
fn fix_for(source: &str, range: TextRange) -> Option<Fix> {
    let text = source.get(range.as_usize())?;
    let safe = |title: &str, range: TextRange, replacement: String| {
        Some(Fix::replace(title, Applicability::Safe, range, replacement))
    };
    if text.starts_with("//") || text.starts_with("/*") {
        return Some(Fix::replace(
            "Remove the comment",
            Applicability::Unsafe,
            comment_removal(source, range),
            "",
        ));
    }
    match text {
        "," => safe("Remove the trailing comma", range, String::new()),
        "\\'" => safe("Write `'`", range, "'".into()),
        "'" => {
            let (end, quoted) = double_quoted(source, range.start as usize)?;
            safe(
                "Use double quotes",
                TextRange::from_usize(range.start as usize, end),
                quoted,
            )
        }
        key if !key.contains(['"', '\\']) && !key.contains(char::is_control) => {
            safe("Quote the key", range, format!("\"{key}\""))
        }
        _ => None,
    }
}

/// What removing the comment at `range` takes away: its whole line (end of line
/// included) when nothing else is on it; the comment and the blanks after it when it
/// starts its line; else the comment and the blanks before it.
fn comment_removal(source: &str, range: TextRange) -> TextRange {
    let (start, end) = (range.start as usize, range.end as usize);
    let bytes = source.as_bytes();
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let mut before = start;
    while before > 0 && blank(&bytes[before - 1]) {
        before -= 1;
    }
    let mut after = end;
    while after < bytes.len() && blank(&bytes[after]) {
        after += 1;
    }
    let line_starts = before == 0 || bytes[before - 1] == b'\n';
    let rest = &bytes[after..];
    let line_ends = rest.is_empty() || rest[0] == b'\n' || rest.starts_with(b"\r\n");
    if line_starts && line_ends && !rest.is_empty() {
        let newline = if rest[0] == b'\n' { 1 } else { 2 };
        TextRange::from_usize(before, after + newline)
    } else if line_starts && line_ends {
        TextRange::from_usize(before, after)
    } else if line_starts {
        // Text follows on the comment's (last) line: it keeps the line's indentation.
        TextRange::from_usize(start, after)
    } else {
        TextRange::from_usize(before, end)
    }
}

/// The single-quoted string that starts at `open`, written with double quotes, and
/// the offset after its closing quote. Escapes are kept, except `\'`, which JSON does
/// not have; a `"` inside gets a backslash. `None` when the string is not closed on
/// its line (the reader has reported that as a syntax error).
fn double_quoted(source: &str, open: usize) -> Option<(usize, String)> {
    let mut out = String::from("\"");
    let mut chars = source.get(open + 1..)?.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                out.push('"');
                return Some((open + 1 + i + 1, out));
            }
            '\\' => match chars.next()? {
                (_, '\'') => out.push('\''),
                (_, escaped) => {
                    out.push('\\');
                    out.push(escaped);
                }
            },
            '"' => out.push_str("\\\""),
            '\n' | '\r' => return None,
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;
    use crate::rules::each_fix;
    use crate::syntax::SourceKind;

    /// Each diagnostic's fix, applied alone: (applicability, the fixed text).
    fn fixed(text: &str) -> Vec<(Applicability, String)> {
        each_fix(text, SourceKind::Json, "ASL003")
            .into_iter()
            .map(|mut fixes| {
                let (applicability, _, fixed) = fixes.remove(0);
                (applicability, fixed)
            })
            .collect()
    }

    #[test]
    fn a_second_yaml_document_has_no_fix() {
        let text = "StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n---\nStartAt: B\n";
        let fixes = each_fix(text, SourceKind::Yaml, "ASL003");
        assert_eq!(fixes.len(), 1, "one diagnostic");
        assert!(fixes[0].is_empty(), "{fixes:?}");
    }

    #[test]
    fn trailing_commas_and_bare_keys_are_safe_fixes() {
        assert_eq!(
            fixed(r#"{"a": [1, 2,], b: true}"#),
            vec![
                (Applicability::Safe, r#"{"a": [1, 2], b: true}"#.to_string()),
                (
                    Applicability::Safe,
                    r#"{"a": [1, 2,], "b": true}"#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn single_quoted_strings_get_double_quotes() {
        assert_eq!(
            fixed(r#"{"a": 'say "hi"\n', "b": "it\'s"}"#),
            vec![
                (
                    Applicability::Safe,
                    r#"{"a": "say \"hi\"\n", "b": "it\'s"}"#.to_string()
                ),
                (
                    Applicability::Safe,
                    r#"{"a": 'say "hi"\n', "b": "it's"}"#.to_string()
                ),
            ]
        );
        assert_eq!(
            fixed(r#"{'it\'s': 1}"#),
            vec![(Applicability::Safe, r#"{"it's": 1}"#.to_string())]
        );
    }

    #[test]
    fn comments_are_removed_with_their_line_only_as_unsafe_fixes() {
        let text = "{\n  // alone\n  \"a\": 1, /* after */\n  \"b\": 2\n}";
        assert_eq!(
            fixed(text),
            vec![
                (
                    Applicability::Unsafe,
                    "{\n  \"a\": 1, /* after */\n  \"b\": 2\n}".to_string()
                ),
                (
                    Applicability::Unsafe,
                    "{\n  // alone\n  \"a\": 1,\n  \"b\": 2\n}".to_string()
                ),
            ]
        );
        // A comment that starts a line, with a member after it on its last line.
        let text = "{\n  \"a\": 1,\n  /* one\n     two */ \"b\": 2\n}";
        assert_eq!(fixed(text)[0].1, "{\n  \"a\": 1,\n  \"b\": 2\n}");
    }
}
