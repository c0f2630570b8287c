//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
//! diagnostic, which GitHub shows as an annotation on the line in the pull request.

use super::FileReport;
use crate::diagnostics::Severity;
use crate::rules;
use crate::syntax::LineIndex;

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // Other control characters (from a state name) would reach the CI log raw: an
    // escape sequence there can forge or hide lines.
    super::printable(&s).into_owned()
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Each diagnostic as an annotation, and each path that could not be checked as an
/// error annotation of the run (no file to place it on), so the failed step says why.
pub fn write(
    files: &[FileReport],
    errors: &[String],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for e in errors {
        writeln!(out, "::error title=asl-lint::{}", escape_data(e))?;
    }
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        // Annotations are placed by the path from the repository root.
        let shown = super::repository_path(&file.path).unwrap_or_else(|| file.path.clone());
        for d in &file.diagnostics {
            let start = index.line_col(&file.text, d.range.start);
            let end = index.line_col(&file.text, d.range.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = match rules::find(d.code) {
                Some(r) => format!("{} ({})", d.code, r.meta.name),
                None => d.code.to_string(),
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&shown),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&title),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(escape_data("50% done\nnext\r"), "50%25 done%0Anext%0D");
        assert_eq!(escape_data("a\u{1b}]0;x\u{0}"), "a\\u001b]0;x\\u0000");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
