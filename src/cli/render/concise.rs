use super::FileReport;
use crate::syntax::LineIndex;

/// One line per diagnostic, `path:line:column: CODE [severity] message`, then the summary.
pub fn write(files: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let at = index.line_col(&file.text, d.range.start);
            writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                file.path,
                at.line,
                at.column,
                d.code,
                d.severity.as_str(),
                d.message
            )?;
        }
    }
    writeln!(out, "{}", super::summary(files))
}
