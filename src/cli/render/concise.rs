use super::FileReport;
use crate::diagnostics::Diagnostic;
use crate::syntax::{LineCol, LineIndex};

/// `path:line:column: CODE [severity] message`: one diagnostic on one line (also the
/// text of a JUnit failure).
pub(super) fn line(path: &str, at: LineCol, d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {} [{}] {}",
        super::printable(path),
        at.line,
        at.column,
        d.code,
        d.severity.as_str(),
        super::printable(&d.message)
    )
}

/// One line per diagnostic, `path:line:column: CODE [severity] message`, then the summary.
pub fn write(files: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let at = index.line_col(&file.text, d.range.start);
            writeln!(out, "{}", line(&file.path, at, d))?;
        }
    }
    writeln!(out, "{}", super::summary(files))
}
