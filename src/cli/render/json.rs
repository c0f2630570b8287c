use serde::Serialize;

use super::FileReport;
use crate::diagnostics::Applicability;
use crate::rules;
use crate::syntax::LineIndex;

/// One element of the array, fields in output order. Serialized straight to text,
/// without a `serde_json::Value` per diagnostic in between.
#[derive(Serialize)]
struct Item<'a> {
    path: &'a str,
    code: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    start: Position,
    end: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// The fix `check --fix` (safe) or `--unsafe-fixes` would apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixItem<'a>>,
}

#[derive(Serialize)]
struct FixItem<'a> {
    message: &'a str,
    applicability: &'a str,
    edits: Vec<EditItem<'a>>,
}

/// Replace the text from `start` to `end` (exclusive) with `content`.
#[derive(Serialize)]
struct EditItem<'a> {
    start: Position,
    end: Position,
    content: &'a str,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

/// One JSON array, one object per diagnostic:
/// `{"path", "code", "rule", "severity", "message", "start": {"line", "column"},
/// "end": {"line", "column"}}` with 1-based lines and columns (columns in characters),
/// plus `"aws_code"` when the rule has one, `"help"` when the diagnostic has one, and
/// `"fix": {"message", "applicability": "safe"|"unsafe", "edits": [{"start", "end",
/// "content"}]}` for its first fix.
pub fn write(files: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut items = Vec::new();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let meta = rules::find(d.code).map(|r| &r.meta);
            items.push(Item {
                path: &file.path,
                code: d.code,
                rule: meta.map_or("", |m| m.name),
                severity: d.severity.as_str(),
                message: &d.message,
                start: position(&index, &file.text, d.range.start),
                end: position(&index, &file.text, d.range.end),
                aws_code: meta.and_then(|m| m.aws_code),
                help: d.help.as_deref(),
                fix: d
                    .fixes
                    .iter()
                    .find(|f| f.applicability != Applicability::DisplayOnly)
                    .map(|f| FixItem {
                        message: &f.title,
                        applicability: match f.applicability {
                            Applicability::Safe => "safe",
                            _ => "unsafe",
                        },
                        edits: f
                            .edits
                            .iter()
                            .map(|e| EditItem {
                                start: position(&index, &file.text, e.range.start),
                                end: position(&index, &file.text, e.range.end),
                                content: &e.replacement,
                            })
                            .collect(),
                    }),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items).map_err(std::io::Error::from)?; // keeps an I/O error's kind (a closed pipe)
    out.write_all(b"\n")
}

/// 1-based line and character column of a byte offset.
fn position(index: &LineIndex, text: &str, offset: u32) -> Position {
    let lc = index.line_col(text, offset);
    Position {
        line: lc.line,
        column: lc.column,
    }
}
