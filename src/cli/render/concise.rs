use super::FileReport;
use crate::diagnostics::{Diagnostic, Severity};
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
/// With `color`, the location is bold and the code and severity take the severity's
/// colour (as in the `full` format).
pub fn write(
    files: &[FileReport],
    errors: &[String],
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let at = index.line_col(&file.text, d.range.start);
            if color {
                let tint = match d.severity {
                    Severity::Error => "\x1b[1;31m",
                    Severity::Warning => "\x1b[1;33m",
                    Severity::Info => "\x1b[1;32m",
                };
                writeln!(
                    out,
                    "\x1b[1m{}:{}:{}:\x1b[0m {tint}{} [{}]\x1b[0m {}",
                    super::printable(&file.path),
                    at.line,
                    at.column,
                    d.code,
                    d.severity.as_str(),
                    super::printable(&d.message)
                )?;
            } else {
                writeln!(out, "{}", line(&file.path, at, d))?;
            }
        }
    }
    writeln!(out, "{}", super::summary(files, errors))
}
