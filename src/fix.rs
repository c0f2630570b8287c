//! Applying fixes: choosing non-overlapping edits, re-linting until nothing more can be
//! fixed, unified diffs, and atomic writes. The same [`Fix`](crate::diagnostics::Fix)
//! edits serve the editor's quick fixes.

use std::io::Write;
use std::path::Path;

use crate::diagnostics::{Applicability, Diagnostic, Edit, apply_edits};
use crate::syntax::{SourceKind, SyntaxErrorKind, TextRange};

/// How many lint-and-fix rounds at most (a fix may enable another, and a fix that
/// changes which states are reachable may settle the choice of the next one: a chain
/// of 1,500 misspelt names took 40 rounds). Only a safety net against fixes that never
/// settle: fixing stops when no fix applies, and [`Outcome::capped`] says when it
/// stopped here instead.
pub const MAX_PASSES: usize = 1000;

/// The edits of the fixes to apply: for each diagnostic its first fix that `unsafe_fixes`
/// allows, all edits of a fix or none, skipping fixes that overlap one already taken.
pub fn select_edits(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<Edit> {
    select_fixes(diagnostics, unsafe_fixes).0
}

/// The first fix of `d` that `unsafe_fixes` allows.
fn chosen(d: &Diagnostic, unsafe_fixes: bool) -> Option<&crate::diagnostics::Fix> {
    d.fixes.iter().find(|f| match f.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    })
}

/// [`select_edits`], and how many fixes they are (a rename of a state and of its
/// references is one fix of several edits).
fn select_fixes(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> (Vec<Edit>, usize) {
    // The ranges taken, by start (taken ranges never overlap, so they are ordered by
    // end too): a fix is checked against its neighbours only, not against every fix
    // taken before it (100,000 fixes took seconds).
    let mut taken: std::collections::BTreeMap<(u32, u32, usize), Edit> = Default::default();
    let mut fixes = 0;
    // One finding made several times at one place (text that YAML aliases read
    // again, checked once for each reader) whose fixes edit the same text in different
    // ways: no fix is right for every reader, so none is applied.
    type Place<'d> = (&'d str, TextRange, Option<TextRange>);
    let place = |d: &Diagnostic, fix: &crate::diagnostics::Fix| -> Place<'static> {
        (d.code, d.range, fix.edits.first().map(|e| e.range))
    };
    let mut at: std::collections::HashMap<Place<'_>, &crate::diagnostics::Fix> = Default::default();
    let mut disputed: std::collections::HashSet<Place<'_>> = Default::default();
    for d in diagnostics {
        let Some(fix) = chosen(d, unsafe_fixes) else {
            continue;
        };
        let key = place(d, fix);
        match at.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(fix);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                if o.get().edits != fix.edits {
                    disputed.insert(key);
                }
            }
        }
    }
    for d in diagnostics {
        let Some(fix) = chosen(d, unsafe_fixes) else {
            continue;
        };
        if disputed.contains(&place(d, fix)) {
            continue;
        }
        let conflict = |e: &Edit, t: &Edit| {
            // Two insertions at one point, or ranges that share a byte, conflict.
            (e.range.start < t.range.end && t.range.start < e.range.end)
                || e.range.start == t.range.start
                || (e.range.is_empty() && t.range.contains(e.range.start))
                || (t.range.is_empty() && e.range.contains(t.range.start))
        };
        let overlaps = fix.edits.iter().any(|e| {
            // Of the ranges starting before this one, only the last can reach it.
            let before = taken.range(..(e.range.start, 0, 0)).next_back();
            let from = taken.range((e.range.start, 0, 0)..);
            before.is_some_and(|(_, t)| conflict(e, t))
                || from
                    .take_while(|(_, t)| t.range.start <= e.range.end)
                    .any(|(_, t)| conflict(e, t))
        });
        if !overlaps {
            for e in &fix.edits {
                let key = (e.range.start, e.range.end, taken.len());
                taken.insert(key, e.clone());
            }
            fixes += 1;
        }
    }
    (taken.into_values().collect(), fixes)
}

/// One round of fixing: the text before, and the edits applied to it.
#[derive(Debug, Clone)]
pub struct Pass {
    pub before: String,
    pub edits: Vec<Edit>,
    /// The fixes these edits make (identical fixes of several findings count once).
    pub fixes: usize,
}

#[derive(Debug)]
pub struct Outcome {
    /// The fixed text (equal to the input when nothing was fixed).
    pub text: String,
    /// Number of fixes applied over all passes (identical fixes of several findings
    /// count once).
    pub applied: usize,
    /// Diagnostics of the fixed text.
    pub diagnostics: Vec<Diagnostic>,
    pub passes: Vec<Pass>,
    /// Fixing stopped at [`MAX_PASSES`] with fixes still to apply.
    pub capped: bool,
}

/// Whether `text` reads as `kind` without a syntax error (the accepted extensions and
/// duplicate keys aside). Fixes are placed by the tree the reader recovered; in text
/// that does not read, that tree may not be what the author meant.
pub fn reads(text: &str, kind: SourceKind) -> bool {
    reads_without(&crate::syntax::parse(text, kind).errors)
}

/// How many of the errors reading `text` stop it from reading (see [`reads_without`]).
fn unreadable_errors(text: &str, kind: SourceKind) -> usize {
    let errors = crate::syntax::parse(text, kind).errors;
    errors
        .iter()
        .filter(|e| !reads_without(std::slice::from_ref(e)))
        .count()
}

/// True when none of a parse's `errors` makes the text unreadable (see [`reads`]).
pub fn reads_without(errors: &[crate::syntax::SyntaxError]) -> bool {
    errors.iter().all(|e| {
        !matches!(
            e.kind,
            SyntaxErrorKind::Invalid | SyntaxErrorKind::Encoding | SyntaxErrorKind::TooDeep
        )
    })
}

/// Fixes `text` with `lint` (which lints a text) until no fix applies or
/// [`MAX_PASSES`] is reached. `diagnostics` are those of `text`. With a `kind` (JSON or
/// YAML; `None` for a file of another language, such as Terraform), text that does not
/// read gets only the fixes of its syntax errors (ASL001, such as a missing `,`), a
/// round kept only when it leaves fewer of them, and a round of fixes whose result
/// would not read is dropped.
pub fn fix_text(
    text: &str,
    kind: Option<SourceKind>,
    diagnostics: Vec<Diagnostic>,
    unsafe_fixes: bool,
    lint: &dyn Fn(&str) -> Vec<Diagnostic>,
) -> Outcome {
    let mut current = text.to_string();
    let mut diags = diagnostics;
    let mut applied = 0;
    let mut passes = Vec::new();
    // Syntax errors that stop the text from reading (0 for a Terraform file, whose
    // definitions are checked where they are read).
    let broken = |t: &str| kind.map_or(0, |k| unreadable_errors(t, k));
    let mut errors = broken(text);
    for _ in 0..MAX_PASSES {
        // Text that does not read is fixed only by the fixes of its syntax errors (a
        // missing `,`), and only as far as each round leaves fewer of them.
        let (mut edits, fixes) = if errors == 0 {
            select_fixes(&diags, unsafe_fixes)
        } else {
            let syntax: Vec<Diagnostic> = diags
                .iter()
                .filter(|d| d.code == "ASL001")
                .cloned()
                .collect();
            select_fixes(&syntax, unsafe_fixes)
        };
        if edits.is_empty() {
            break;
        }
        // Lines a fix adds end as the file's lines do (a Windows file stays CRLF).
        let crlf = crate::syntax::text::ends_lines_with_crlf(&current);
        for e in &mut edits {
            e.replacement = crate::syntax::text::with_line_endings(crlf, &e.replacement);
        }
        let (next, n) = apply_edits(&current, &edits);
        if n == 0 || next == current {
            break;
        }
        // Fixes that undo each other (one rule's fix makes the finding another rule's
        // fix reverts) bring back a text already seen: the passes since then fixed
        // nothing, so they are dropped and fixing stops at that text.
        if let Some(k) = passes.iter().position(|p: &Pass| p.before == next) {
            passes.truncate(k + 1);
            current = passes.pop().map_or(current, |p| p.before);
            applied = passes.iter().map(|p| p.fixes).sum();
            diags = lint(&current);
            break;
        }
        let left = broken(&next);
        if left > 0 && left >= errors {
            break;
        }
        errors = left;
        applied += fixes;
        passes.push(Pass {
            before: std::mem::replace(&mut current, next),
            edits,
            fixes,
        });
        diags = lint(&current);
    }
    // Every round but a stopping one adds a pass: all of them ran, and fixes remain.
    let capped = passes.len() == MAX_PASSES && !select_fixes(&diags, unsafe_fixes).0.is_empty();
    Outcome {
        text: current,
        applied,
        diagnostics: diags,
        passes,
        capped,
    }
}

/// A unified diff of `old` and `new` with `path` in the headers (empty when equal).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = if path.starts_with('/') {
        (path.to_string(), path.to_string())
    } else {
        (format!("a/{path}"), format!("b/{path}"))
    };
    // Many fixes far apart make the minimal diff slow to find (60,000 in a 1 MB file
    // took 23 s): past the deadline the diff is still right, only maybe not minimal.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    similar::TextDiff::configure()
        .deadline(deadline)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

/// Replaces the file at `path` with `contents` atomically: writes a temporary file in
/// the same folder, keeps the permissions (and, on Unix, the owner when allowed), then
/// renames it over the original, so a reader never sees a half-written file and a
/// failure leaves the original intact. A symbolic link stays one: its target is
/// replaced. A file with several hard links is written in place, so that all its
/// names see the fixes.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link {
        std::fs::canonicalize(path)?
    } else {
        path.to_path_buf()
    };
    let path = target.as_path();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".to_string());
    let original = std::fs::metadata(path).ok();
    let permissions = original.as_ref().map(std::fs::Metadata::permissions);
    // Writing beside the file and renaming would replace a file its owner made
    // read-only (the folder being writable): refuse, as a plain write would.
    if permissions
        .as_ref()
        .is_some_and(std::fs::Permissions::readonly)
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only; not fixed",
        ));
    }
    // A file with other hard links is written in place: a new file renamed over it
    // would leave the other names with the old text.
    #[cfg(unix)]
    if original.as_ref().is_some_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.nlink() > 1
    }) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)?;
        file.write_all(contents)?;
        return file.sync_all();
    }
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.asl-lint-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        if let Some(p) = permissions {
            std::fs::set_permissions(&tmp, p)?;
        }
        #[cfg(unix)]
        if let Some(m) = &original {
            use std::os::unix::fs::MetadataExt;
            // Only a privileged user may give a file away; others keep their own.
            let _ = std::os::unix::fs::chown(&tmp, Some(m.uid()), Some(m.gid()));
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Fix, Severity};
    use crate::syntax::TextRange;

    fn diag_with(fix: Fix) -> Diagnostic {
        Diagnostic::new("ASL201", Severity::Error, TextRange::new(0, 1), "m").with_fix(fix)
    }

    fn fix(start: u32, end: u32, rep: &str, applicability: Applicability) -> Fix {
        Fix {
            title: "t".into(),
            applicability,
            edits: vec![Edit {
                range: TextRange::new(start, end),
                replacement: rep.into(),
            }],
        }
    }

    /// A toy linter: the first `x` has a safe fix to `to`.
    fn replacing_x_by(to: &'static str) -> impl Fn(&str) -> Vec<Diagnostic> {
        move |t: &str| {
            t.find('x')
                .map(|i| {
                    vec![diag_with(fix(
                        i as u32,
                        i as u32 + 1,
                        to,
                        Applicability::Safe,
                    ))]
                })
                .unwrap_or_default()
        }
    }

    #[test]
    fn a_fix_of_several_edits_is_one_problem_fixed() {
        // A rename: the state's key and the two transitions that name it.
        let mut rename = fix(0, 1, "B", Applicability::Safe);
        rename.edits.push(Edit {
            range: TextRange::new(2, 3),
            replacement: "B".into(),
        });
        rename.edits.push(Edit {
            range: TextRange::new(4, 5),
            replacement: "B".into(),
        });
        let lint = |t: &str| -> Vec<Diagnostic> {
            if t.starts_with('A') {
                vec![diag_with(rename.clone())]
            } else {
                Vec::new()
            }
        };
        let out = fix_text("A A A", None, lint("A A A"), false, &lint);
        assert_eq!((out.text.as_str(), out.applied), ("B B B", 1));
    }

    #[test]
    fn safe_only_unless_asked_and_no_overlaps() {
        let diags = vec![
            diag_with(fix(0, 2, "A", Applicability::Safe)),
            diag_with(fix(1, 3, "B", Applicability::Safe)),
            diag_with(fix(5, 6, "C", Applicability::Unsafe)),
        ];
        let safe = select_edits(&diags, false);
        assert_eq!(safe.len(), 1);
        assert_eq!(safe[0].replacement, "A");
        let all = select_edits(&diags, true);
        let reps: Vec<&str> = all.iter().map(|e| e.replacement.as_str()).collect();
        assert_eq!(reps, vec!["A", "C"]);
    }

    #[test]
    fn one_finding_at_one_place_with_fixes_that_disagree_gets_none() {
        // Two readers of one aliased text, each wanting a different name there.
        let diags = vec![
            diag_with(fix(0, 1, "A", Applicability::Safe)),
            diag_with(fix(0, 1, "B", Applicability::Safe)),
            diag_with(fix(5, 6, "C", Applicability::Safe)),
        ];
        let (edits, fixes) = select_fixes(&diags, false);
        let reps: Vec<&str> = edits.iter().map(|e| e.replacement.as_str()).collect();
        assert_eq!((reps, fixes), (vec!["C"], 1));
        // Readers that agree get the fix once.
        let diags = vec![
            diag_with(fix(0, 1, "A", Applicability::Safe)),
            diag_with(fix(0, 1, "A", Applicability::Safe)),
        ];
        let (edits, fixes) = select_fixes(&diags, false);
        assert_eq!((edits.len(), fixes), (1, 1));
    }

    #[test]
    fn conflicts_are_found_among_many_fixes_taken() {
        // Every kind of conflict, each against a neighbour among many fixes taken.
        let mut diags: Vec<Diagnostic> = (0..100)
            .map(|i| diag_with(fix(i * 10, i * 10 + 2, "x", Applicability::Safe)))
            .collect();
        for (start, end) in [(501, 503), (499, 501), (500, 500), (501, 501), (495, 505)] {
            diags.push(diag_with(fix(start, end, "no", Applicability::Safe)));
        }
        // Touching ranges and insertions outside them do not conflict.
        for (start, end) in [(502, 505), (505, 505), (508, 510)] {
            diags.push(diag_with(fix(start, end, "yes", Applicability::Safe)));
        }
        let taken = select_edits(&diags, false);
        let ranges: Vec<(u32, u32, &str)> = taken
            .iter()
            .filter(|e| e.replacement != "x")
            .map(|e| (e.range.start, e.range.end, e.replacement.as_str()))
            .collect();
        assert_eq!(
            ranges,
            [(502, 505, "yes"), (505, 505, "yes"), (508, 510, "yes")]
        );
        assert_eq!(taken.len(), 103);
        assert!(
            taken
                .windows(2)
                .all(|w| w[0].range.start <= w[1].range.start)
        );
    }

    #[test]
    fn fixing_loops_until_clean() {
        // Every `x` has a safe fix to `y`, one per pass.
        let lint = replacing_x_by("y");
        let out = fix_text("axbxc", None, lint("axbxc"), false, &lint);
        assert_eq!(out.text, "aybyc");
        assert_eq!(out.applied, 2);
        assert_eq!(out.passes.len(), 2);
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn fixing_stops_at_the_pass_limit_and_says_so() {
        // Every text gets one more `y`: fixes that never settle.
        let lint = |t: &str| -> Vec<Diagnostic> {
            let end = t.len() as u32;
            vec![diag_with(fix(end, end, "y", Applicability::Safe))]
        };
        let out = fix_text("a", None, lint("a"), false, &lint);
        assert_eq!(
            (out.text.len(), out.applied, out.passes.len(), out.capped),
            (MAX_PASSES + 1, MAX_PASSES, MAX_PASSES, true)
        );
        // A run that ends by itself is not capped.
        let lint = replacing_x_by("y");
        let out = fix_text("axbxc", None, lint("axbxc"), false, &lint);
        assert!(!out.capped);
    }

    #[test]
    fn fixes_that_undo_each_other_fix_nothing() {
        // `x` becomes `y` and `y` becomes `x`: two rules at odds (ASL411 once offered a
        // partition change that made a region mismatch, whose fix changed it back).
        let toggle = |t: &str| -> Vec<Diagnostic> {
            t.find(['x', 'y'])
                .map(|i| {
                    let to = if &t[i..=i] == "x" { "y" } else { "x" };
                    vec![diag_with(fix(
                        i as u32,
                        i as u32 + 1,
                        to,
                        Applicability::Safe,
                    ))]
                })
                .unwrap_or_default()
        };
        let out = fix_text("axb", None, toggle("axb"), false, &toggle);
        assert_eq!(
            (out.text.as_str(), out.applied, out.passes.len()),
            ("axb", 0, 0)
        );
        assert_eq!(out.diagnostics.len(), 1);
        // A fix that holds, then a pair at odds: the first one counts, the rest is undone.
        let lint = |t: &str| -> Vec<Diagnostic> {
            if let Some(i) = t.find('z') {
                return vec![diag_with(fix(
                    i as u32,
                    i as u32 + 1,
                    "x",
                    Applicability::Safe,
                ))];
            }
            toggle(t)
        };
        let out = fix_text("azb", None, lint("azb"), false, &lint);
        assert_eq!(
            (out.text.as_str(), out.applied, out.passes.len()),
            ("axb", 1, 1)
        );
    }

    #[test]
    fn text_that_does_not_read_is_not_fixed() {
        let fixing = replacing_x_by;
        // Valid JSON: fixed, as long as the result stays valid.
        let lint = fixing("1");
        let text = r#"["a", "x"]"#;
        let out = fix_text(text, Some(SourceKind::Json), lint(text), false, &lint);
        assert_eq!(out.text, r#"["a", "1"]"#);
        // A fix that would break the JSON: that round is dropped.
        let lint = fixing("\"");
        let out = fix_text(text, Some(SourceKind::Json), lint(text), false, &lint);
        assert_eq!((out.text.as_str(), out.applied), (text, 0));
        // Text with a syntax error already: left alone.
        let lint = fixing("1");
        let broken = r#"["x", {]"#;
        let out = fix_text(broken, Some(SourceKind::Json), lint(broken), false, &lint);
        assert_eq!((out.text.as_str(), out.applied), (broken, 0));
        // Without a kind (Terraform), no reading is asked for.
        let out = fix_text(broken, None, lint(broken), false, &lint);
        assert_eq!(out.text, r#"["1", {]"#);
    }

    #[test]
    fn lines_a_fix_adds_keep_the_files_line_endings() {
        let lint = replacing_x_by("y\n z\n");
        let out = fix_text("a\r\nx\r\n", None, lint("a\r\nx\r\n"), false, &lint);
        assert_eq!(out.text, "a\r\ny\r\n z\r\n\r\n");
        let out = fix_text("a\nx\n", None, lint("a\nx\n"), false, &lint);
        assert_eq!(out.text, "a\ny\n z\n\n");
    }

    #[test]
    fn diff_and_atomic_write() {
        let d = unified_diff("m.asl.json", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            d,
            "--- a/m.asl.json\n+++ b/m.asl.json\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(unified_diff("x", "same", "same"), "");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new contents").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new contents");
        // No temporary file left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Through a symbolic link: the link stays, its target gets the contents.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&p, &link).unwrap();
            write_atomic(&link, b"via link").unwrap();
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(std::fs::read(&p).unwrap(), b"via link");
            // Through a hard link: every name sees the new text.
            let other = dir.path().join("hard.json");
            std::fs::hard_link(&p, &other).unwrap();
            write_atomic(&p, b"both").unwrap();
            assert_eq!(std::fs::read(&other).unwrap(), b"both");
            std::fs::remove_file(&other).unwrap();
            write_atomic(&p, b"via link").unwrap();
        }
        // A read-only file is left as it is.
        let mut readonly = std::fs::metadata(&p).unwrap().permissions();
        readonly.set_readonly(true);
        std::fs::set_permissions(&p, readonly).unwrap();
        let e = write_atomic(&p, b"changed").unwrap_err();
        assert_eq!(e.to_string(), "the file is read-only; not fixed");
        assert_eq!(std::fs::read(&p).unwrap(), b"via link");
    }
}
