//! JUnit XML, the test report that Jenkins, GitLab (`artifacts: reports: junit:`),
//! Azure Pipelines and CircleCI read: one `<testsuite>` per file, one `<testcase>` per
//! diagnostic, failed (its `type` the severity) when the diagnostic fails the run
//! (`--fail-on`) and passed with the finding as its output otherwise, and one passing
//! test case for a file without problems, so that a fixed file shows as fixed.

use std::io::Write;

use super::FileReport;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules;
use crate::syntax::LineIndex;

/// `errors` (files that could not be read, fixes that could not be written) are test
/// cases in error, in a suite of their own, so that the report fails as the run does.
pub fn write(
    files: &[FileReport],
    errors: &[String],
    fail_on: Option<Severity>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let fails = |d: &&Diagnostic| fail_on.is_some_and(|t| d.severity >= t);
    let total: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    let failures: usize = files
        .iter()
        .map(|f| f.diagnostics.iter().filter(fails).count())
        .sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="asl-lint" tests="{}" failures="{failures}" errors="{}">"#,
        total + errors.len(),
        errors.len()
    )?;
    if !errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="asl-lint" tests="{0}" failures="0" errors="{0}">"#,
            errors.len()
        )?;
        for e in errors {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="asl-lint">"#,
                attr(e)
            )?;
            writeln!(
                out,
                r#"      <error message="{}" type="error">{}</error>"#,
                attr(e),
                text(e)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    for file in files {
        let path = attr(&file.path);
        let n = file.diagnostics.len();
        let failed = file.diagnostics.iter().filter(fails).count();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{failed}">"#,
            n.max(1)
        )?;
        if n == 0 {
            writeln!(
                out,
                r#"    <testcase name="no problems" classname="{path}"/>"#
            )?;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let at = index.line_col(&file.text, d.range.start);
            let rule = rules::find(d.code).map_or("", |r| r.meta.name);
            writeln!(
                out,
                r#"    <testcase name="{} {rule} at {}:{}" classname="{path}">"#,
                d.code, at.line, at.column
            )?;
            let mut body = super::concise::line(&file.path, at, d);
            if let Some(help) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            if fails(&d) {
                writeln!(
                    out,
                    r#"      <failure message="{}" type="{}">{}</failure>"#,
                    attr(&d.message),
                    d.severity.as_str(),
                    text(&body)
                )?;
            } else {
                writeln!(out, r#"      <system-out>{}</system-out>"#, text(&body))?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Element content: the five XML escapes, and characters XML 1.0 cannot hold at all
/// (control characters other than tab and line breaks, which a state name may
/// contain) replaced by U+FFFD.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value: as [`text`], with tabs and line breaks as character
/// references (a parser would turn them into spaces).
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' if attribute => out.push_str(&format!("&#{};", c as u32)),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attr, text};

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            text("a<b & \"c\" 'd'>\u{1}\te\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\te\n"
        );
        assert_eq!(attr("a\tb\nc"), "a&#9;b&#10;c");
    }
}
