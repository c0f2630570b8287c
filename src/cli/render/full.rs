use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor};

use super::FileReport;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules;
use crate::syntax::LineIndex;

/// One file for codespan-reporting, with our [`LineIndex`] (memchr-based) instead of
/// `SimpleFile`'s line table, which took ~75M instructions to build for a 12 MB file.
/// Lines are counted exactly as `SimpleFile` counts them.
struct OneFile<'t> {
    name: &'t str,
    source: &'t str,
    lines: LineIndex,
}

impl OneFile<'_> {
    fn line_start(&self, line: usize) -> Result<usize, FilesError> {
        let count = self.lines.line_count();
        match line.cmp(&count) {
            std::cmp::Ordering::Less => Ok(self.lines.line_start(line) as usize),
            std::cmp::Ordering::Equal => Ok(self.source.len()),
            std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge {
                given: line,
                max: count - 1,
            }),
        }
    }
}

impl<'a> Files<'a> for OneFile<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.source)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.lines.line_of(byte_index.min(u32::MAX as usize) as u32))
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        Ok(self.line_start(line_index)?..self.line_start(line_index + 1)?)
    }
}

/// Source snippets rendered with codespan-reporting, then a summary line.
pub fn write(
    files: &[FileReport],
    errors: &[String],
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let config = Config::default();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let shown = super::printable_source(&file.text);
        let name = super::printable(&file.path);
        let store = OneFile {
            name: &name,
            source: &shown,
            lines: LineIndex::new(&file.text),
        };
        // Each diagnostic renders on its own, so a file with thousands of them is
        // rendered on all cores in chunks, a batch of chunks at a time, each batch
        // written in order before the next is rendered.
        for batch in file.diagnostics.chunks(CHUNK * BATCH) {
            let chunks: Vec<Vec<u8>> = batch
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut buffer = if color {
                        termcolor::Buffer::ansi()
                    } else {
                        termcolor::Buffer::no_color()
                    };
                    for d in chunk {
                        emit(&mut buffer, &config, &store, file, d);
                    }
                    buffer.into_inner()
                })
                .collect();
            for chunk in chunks {
                out.write_all(&chunk)?;
            }
        }
    }
    out.write_all(super::summary(files, errors).as_bytes())?;
    out.write_all(b"\n")
}

/// Diagnostics rendered per parallel task.
const CHUNK: usize = 64;

/// Chunks rendered before their text is written out (bounds the memory held): two per
/// core of a two-core machine keeps both busy; more only holds more rendered text (32
/// held 1.4 MB more at the peak of a 17,000-finding file, for no gain in time).
const BATCH: usize = 4;

/// Renders one diagnostic with its snippet, notes, help and rule line.
fn emit(
    buffer: &mut termcolor::Buffer,
    config: &Config,
    store: &OneFile<'_>,
    file: &FileReport,
    d: &Diagnostic,
) {
    let id = ();
    let index = &store.lines;
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels = vec![CsLabel::primary(id, clamp(d.range.as_usize(), &file.text))];
    for l in &d.labels {
        labels.push(
            CsLabel::secondary(id, clamp(l.range.as_usize(), &file.text))
                .with_message(super::printable(&l.message).into_owned()),
        );
    }
    let mut notes = Vec::new();
    // A snippet prints whole lines: on a minified definition that is the whole
    // file for every diagnostic. Name the positions instead.
    let too_long = std::iter::once(d.range)
        .chain(d.labels.iter().map(|l| l.range))
        .any(|r| line_is_too_long(index, &file.text, r));
    if too_long {
        labels.clear();
        let at = |r: crate::syntax::TextRange| {
            let lc = index.line_col(&file.text, r.start);
            format!("{}:{}:{}", super::printable(&file.path), lc.line, lc.column)
        };
        notes.push(format!("at {} (the line is too long to show)", at(d.range)));
        for l in &d.labels {
            notes.push(format!("{}: {}", l.message, at(l.range)));
        }
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", super::printable(help)));
    }
    if let Some(meta) = rules::find(d.code).map(|r| &r.meta) {
        notes.push(format!(
            "rule: {} ({}); see `asl-lint rule {}`",
            meta.name, d.code, d.code
        ));
    }
    let diagnostic = CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(super::printable(&d.message).into_owned())
        .with_labels(labels)
        .with_notes(notes);
    let _ = term::emit_to_write_style(buffer, config, store, &diagnostic);
}

/// Lines longer than this (in bytes) are not shown in snippets.
const MAX_SNIPPET_LINE: u32 = 400;

/// True when `range` starts or ends on a line longer than [`MAX_SNIPPET_LINE`].
fn line_is_too_long(index: &LineIndex, text: &str, range: crate::syntax::TextRange) -> bool {
    [range.start, range.end].iter().any(|&offset| {
        let line = index.line_of(offset);
        index.line_range(line, text).len() > MAX_SNIPPET_LINE
    })
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
