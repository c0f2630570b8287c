//! Output formats for `asl-lint check`. Each format is one file; all take the same
//! reports and return the text to print. Line and column are computed here, at the edge.

mod concise;
mod full;
pub mod github;
mod gitlab;
mod json;
mod junit;
pub mod sarif;

use clap::ValueEnum;

use crate::diagnostics::{Applicability, Diagnostic, Severity};
use crate::syntax::text::any_byte;
pub(crate) use crate::syntax::text::printable;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help (for people).
    Full,
    /// One line per diagnostic: `path:line:col: CODE [severity] message`.
    Concise,
    /// One JSON array of diagnostics (a stable contract for other tools).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// GitLab Code Quality report (the merge request widget).
    Gitlab,
    /// JUnit XML (Jenkins, GitLab and Azure test reports).
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

pub(crate) use crate::files::repository_root;

/// `path` (as shown: relative to the current folder, or absolute) relative to the
/// repository root ([`repository_root`]), with `/` separators: what code scanning,
/// annotations and Code Quality widgets resolve. `None` when the path is outside the
/// repository, or there is none (the path is then reported as shown).
pub(crate) fn repository_path(path: &str) -> Option<String> {
    if path == "-" || path.starts_with('<') {
        return None;
    }
    let root = repository_root()?;
    // Links resolved, as the root's are (`GITHUB_WORKSPACE` may be reached through a
    // symbolic link, as `/tmp` is on macOS), also for a file not on disk.
    let full = crate::files::resolved(std::path::Path::new(path))?;
    let relative = full.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// One linted file, as the renderers see it.
#[derive(Debug)]
pub struct FileReport {
    /// The path as shown to the user.
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A source to show in snippets: each ASCII control character but tab, line feed and
/// carriage return replaced by `?`, byte for byte, so that ranges still fit.
pub(crate) fn printable_source(s: &str) -> std::borrow::Cow<'_, str> {
    let shown = |b: u8| b >= 0x20 && b != 0x7f || matches!(b, b'\t' | b'\n' | b'\r');
    if !any_byte(s, |b| !shown(b)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let bytes: Vec<u8> = s.bytes().map(|b| if shown(b) { b } else { b'?' }).collect();
    // Only ASCII bytes were replaced, by an ASCII byte: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| s.to_string()))
}

pub fn render(format: Format, files: &[FileReport], color: bool) -> String {
    let mut out = Vec::new();
    let _ = write(format, files, &[], color, Some(Severity::Error), &mut out);
    // Everything written is UTF-8 (the sources are `str`s); stay safe all the same.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the output to `out` as it is produced: no format
/// holds the whole text, so thousands of diagnostics cost no extra copy of it (a SARIF
/// log of 10,000 results once took three times the file size in `Value`s).
///
/// `fail_on` is the severity from which a diagnostic fails the run (`--fail-on`;
/// `None`: never): JUnit reports only those as failed test cases.
/// Writes the report of `files` in `format`. `errors` (files that could not be read,
/// fixes that could not be written; also printed to standard error) are part of the
/// reports CI systems keep: SARIF's invocation and a JUnit test case in error.
pub fn write(
    format: Format,
    files: &[FileReport],
    errors: &[String],
    color: bool,
    fail_on: Option<Severity>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Full => full::write(files, errors, color, out),
        Format::Json => json::write(files, out),
        Format::Concise => concise::write(files, errors, color, out),
        Format::Sarif => sarif::write(files, errors, out),
        Format::Github => github::write(files, errors, out),
        Format::Gitlab => gitlab::write(files, out),
        Format::Junit => junit::write(files, errors, fail_on, out),
    }
}

/// "3 errors, 1 warning in 2 files" or "All checks passed", and how many paths could
/// not be checked (`errors`, told on standard error), so that a run failing on them
/// does not read as passed.
pub(crate) fn summary(files: &[FileReport], errors: &[String]) -> String {
    let text = findings_summary(files);
    match errors.len() {
        0 => text,
        1 => format!("{text}\n1 path could not be checked (see the error below)."),
        n => format!("{text}\n{n} paths could not be checked (see the errors below)."),
    }
}

fn findings_summary(files: &[FileReport]) -> String {
    let count = |s: Severity| {
        files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let with_problems = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    if e + w + i == 0 {
        let n = files.len();
        return format!(
            "All checks passed ({n} file{}).",
            if n == 1 { "" } else { "s" }
        );
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if e > 0 {
        parts.push(plural(e, "error"));
    }
    if w > 0 {
        parts.push(plural(w, "warning"));
    }
    if i > 0 {
        parts.push(plural(i, "info"));
    }
    let found = format!(
        "Found {} in {}.",
        parts.join(", "),
        plural(with_problems, "file")
    );
    match fixable(files) {
        (0, 0) => found,
        (0, u) => format!("{found}\n{u} fixable with `--unsafe-fixes`."),
        (n, 0) => format!("{found}\n{n} fixable with `--fix`."),
        (n, u) => format!("{found}\n{n} fixable with `--fix` ({u} more with `--unsafe-fixes`)."),
    }
}

/// How many diagnostics `--fix` would fix (they have a safe fix), and how many more
/// only `--unsafe-fixes` would.
fn fixable(files: &[FileReport]) -> (usize, usize) {
    let mut counts = (0, 0);
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        if d.fixes
            .iter()
            .any(|f| f.applicability == Applicability::Safe)
        {
            counts.0 += 1;
        } else if d
            .fixes
            .iter()
            .any(|f| f.applicability == Applicability::Unsafe)
        {
            counts.1 += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::{printable, printable_source};

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable("a\tb £"), "a\tb £");
        assert_eq!(printable("x\u{1b}[2J\ny"), "x\\u001b[2J\\ny");
        // A C1 control (UTF-8 0xC2 0x85) beside a character with the same lead byte.
        assert_eq!(printable("£\u{85}"), "£\\u0085");
        assert_eq!(printable_source("a\u{7}b\r\n\t"), "a?b\r\n\t");
        assert!(matches!(
            printable_source("{\n}"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
