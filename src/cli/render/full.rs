use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};

use super::FileReport;
use crate::diagnostics::Severity;
use crate::rules;

/// Source snippets rendered with codespan-reporting, then a summary line.
pub fn render(files: &[FileReport], color: bool) -> String {
    let mut store = SimpleFiles::new();
    let config = Config::default();
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let id = store.add(file.path.as_str(), file.text.as_str());
        for d in &file.diagnostics {
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let mut labels = vec![CsLabel::primary(id, clamp(d.range.as_usize(), &file.text))];
            for l in &d.labels {
                labels.push(
                    CsLabel::secondary(id, clamp(l.range.as_usize(), &file.text))
                        .with_message(l.message.clone()),
                );
            }
            let mut notes = Vec::new();
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            if let Some(meta) = rules::find(d.code).map(|r| &r.meta) {
                notes.push(format!(
                    "rule: {} ({}); see `asl-lint rule {}`",
                    meta.name, d.code, d.code
                ));
            }
            let diagnostic = CsDiagnostic::new(severity)
                .with_code(d.code)
                .with_message(d.message.clone())
                .with_labels(labels)
                .with_notes(notes);
            let _ = term::emit_to_write_style(&mut buffer, &config, &store, &diagnostic);
        }
    }
    let mut out = String::from_utf8_lossy(buffer.as_slice()).into_owned();
    out.push_str(&super::summary(files));
    out.push('\n');
    out
}

/// Keeps a range inside the text and on character boundaries (codespan panics otherwise).
fn clamp(range: std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(range.start);
    let end = fix(range.end).max(start);
    start..end
}
