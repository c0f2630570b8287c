use serde_json::{Value, json};

use super::FileReport;
use crate::rules;
use crate::syntax::LineIndex;

/// One JSON array, one object per diagnostic:
/// `{"path", "code", "rule", "severity", "message", "start": {"line", "column"},
/// "end": {"line", "column"}}` with 1-based lines and columns (columns in characters),
/// plus `"aws_code"` when the rule has one.
pub fn render(files: &[FileReport]) -> String {
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
            let mut item = json!({
                "path": file.path,
                "code": d.code,
                "rule": meta.map_or("", |m| m.name),
                "severity": d.severity.as_str(),
                "message": d.message,
                "start": {"line": start.line, "column": start.column},
                "end": {"line": end.line, "column": end.column},
            });
            if let Some(aws) = meta.and_then(|m| m.aws_code) {
                item["aws_code"] = Value::String(aws.to_string());
            }
            items.push(item);
        }
    }
    let mut s =
        serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
