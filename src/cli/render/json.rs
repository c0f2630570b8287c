use serde::Serialize;

use super::FileReport;
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
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

/// One JSON array, one object per diagnostic:
/// `{"path", "code", "rule", "severity", "message", "start": {"line", "column"},
/// "end": {"line", "column"}}` with 1-based lines and columns (columns in characters),
/// plus `"aws_code"` when the rule has one.
pub fn write(files: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut items = Vec::new();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let start = index.line_col(&file.text, d.range.start);
            let end = index.line_col(&file.text, d.range.end);
            let meta = rules::find(d.code).map(|r| &r.meta);
            items.push(Item {
                path: &file.path,
                code: d.code,
                rule: meta.map_or("", |m| m.name),
                severity: d.severity.as_str(),
                message: &d.message,
                start: Position {
                    line: start.line,
                    column: start.column,
                },
                end: Position {
                    line: end.line,
                    column: end.column,
                },
                aws_code: meta.and_then(|m| m.aws_code),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
