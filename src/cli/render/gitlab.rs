//! GitLab Code Quality report (`artifacts: reports: codequality:`): one JSON array of
//! issues, which GitLab shows in the merge request widget and the diff.
//!
//! GitLab tells issues apart by `fingerprint`: it compares the merge request's
//! report with the target branch's and lists the new and the resolved ones. So the
//! fingerprint must stay the same when lines move above the issue, and differ
//! between two issues of one file. It hashes the path, the code, the message (which
//! names the state or field) and, for messages repeated in one file, the
//! occurrence's rank; never a line number.

use serde::Serialize;

use super::FileReport;
use crate::diagnostics::Severity;
use crate::syntax::LineIndex;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's scale is info, minor, major, critical, blocker. An error is what AWS
/// rejects or what fails at run time: `major`; `critical` and `blocker` are left
/// for security findings.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn write(files: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // GitLab matches paths from the project root: `./a` is `a`.
    let paths: Vec<String> = files
        .iter()
        .map(|f| {
            super::repository_path(&f.path)
                .unwrap_or_else(|| f.path.trim_start_matches("./").to_string())
        })
        .collect();
    let mut issues = Vec::new();
    for (file, path) in files.iter().zip(&paths) {
        if file.diagnostics.is_empty() {
            continue;
        }
        let path = path.as_str();
        let index = LineIndex::new(&file.text);
        let mut seen = rustc_hash::FxHashMap::<(&str, &str), u32>::default();
        for d in &file.diagnostics {
            let rank = seen.entry((d.code, d.message.as_str())).or_insert(0);
            *rank += 1;
            let begin = index.line_col(&file.text, d.range.start).line;
            let end = index.line_col(&file.text, d.range.end).line.max(begin);
            issues.push(Issue {
                description: format!("{}: {}", d.code, d.message),
                check_name: d.code,
                fingerprint: fingerprint(&[path, d.code, &d.message, &rank.to_string()]),
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines { begin, end },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(std::io::Error::from)?; // keeps an I/O error's kind (a closed pipe)
    out.write_all(b"\n")
}

/// 32 hex digits: two 64-bit FNV-1a hashes of the parts (each followed by a 0 byte,
/// so that `["ab", "c"]` and `["a", "bc"]` differ), from two offset bases. FNV is
/// written out here because it must give the same digits on every platform and
/// release, which the standard library's hasher does not promise.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x6c62_272e_07bb_0142;
    for part in parts {
        for &byte in part.as_bytes().iter().chain(&[0]) {
            a = (a ^ u64::from(byte)).wrapping_mul(PRIME);
            b = (b ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_are_fixed_and_separate_their_parts() {
        // FNV-1a 64 of one 0 byte (the separator after an empty part), a published value.
        assert_eq!(&fingerprint(&[""])[..16], "af63bd4c8601b7df");
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x", "y"]).len(), 32);
    }
}
