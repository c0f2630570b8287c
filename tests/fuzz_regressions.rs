//! Inputs the fuzzer (`fuzz/`, target `lint`) once crashed on, replayed with the same
//! checks as the fuzz target: every range slices the text at character boundaries,
//! every fix applies and the result lints again, and every renderer runs. A new crash
//! found by `cargo fuzz run lint` goes into tests/data/fuzz/ with a name that says what
//! it was.

use std::path::Path;

use asl_lint::cli::render::{self, FileReport, Format};
use asl_lint::syntax::LineIndex;
use asl_lint::{LintOptions, lint_bytes};

/// What the fuzz target does with one input (its first byte picks the reader).
fn replay(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = match selector % 3 {
        0 => "fuzz.asl.json",
        1 => "fuzz.asl.yaml",
        _ => "fuzz",
    };
    let linted = lint_bytes(bytes, Some(path), &LintOptions::default());
    let index = LineIndex::new(&linted.text);
    for d in &linted.diagnostics {
        assert!(linted.text.get(d.range.as_usize()).is_some(), "{d:?}");
        index.line_col(&linted.text, d.range.start);
        index.utf16_position(&linted.text, d.range.end);
        for l in &d.labels {
            assert!(linted.text.get(l.range.as_usize()).is_some(), "{d:?}");
        }
        for f in &d.fixes {
            let (fixed, _) = asl_lint::diagnostics::apply_edits(&linted.text, &f.edits);
            let _ = lint_bytes(fixed.as_bytes(), Some(path), &LintOptions::default());
        }
    }
    let files = [FileReport {
        path: path.to_string(),
        text: linted.text,
        diagnostics: linted.diagnostics,
    }];
    for format in [Format::Full, Format::Concise, Format::Json] {
        let _ = render::render(format, &files, false);
    }
}

#[test]
fn inputs_that_once_crashed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("crash-"))
        {
            replay(&std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    assert!(count >= 1);
}
