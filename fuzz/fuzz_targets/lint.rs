//! Arbitrary bytes through the whole pipeline (decode, JSON or YAML reader, model,
//! graphs, every rule) and every renderer. The first byte picks the path the file name
//! would pick, so one corpus exercises both readers.
#![no_main]

use asl_lint::cli::render::{self, FileReport, Format};
use asl_lint::syntax::LineIndex;
use asl_lint::{LintOptions, lint_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = match selector % 3 {
        0 => "fuzz.asl.json",
        1 => "fuzz.asl.yaml",
        _ => "fuzz", // by content
    };
    let linted = lint_bytes(bytes, Some(path), &LintOptions::default());
    let index = LineIndex::new(&linted.text);
    for d in &linted.diagnostics {
        // Every range slices the text the diagnostics refer to at char boundaries.
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
    if selector & 0x80 != 0 {
        let files = [FileReport {
            path: path.to_string(),
            text: linted.text,
            diagnostics: linted.diagnostics,
        }];
        for format in [Format::Full, Format::Concise, Format::Json] {
            let _ = render::render(format, &files, false);
        }
    }
});
