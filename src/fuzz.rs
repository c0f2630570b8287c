//! What the fuzz target (`fuzz/fuzz_targets/lint.rs`) does with each input, here so
//! that `tests/fuzz_regressions.rs` replays a saved crash exactly as the fuzzer ran it.

use crate::cli::render::{self, FileReport, Format};
use crate::syntax::LineIndex;
use crate::{LintOptions, lint_bytes};

/// How many fixed texts of one input are linted again.
const MAX_RELINTS: usize = 8;

/// Arbitrary bytes through the whole pipeline (decode, JSON or YAML reader, model,
/// graphs, every rule, every fix) and, for half the inputs, every renderer (for half,
/// the SVG state graph too). The first byte picks the path the file name would pick,
/// so one corpus exercises both readers.
/// Panics when a diagnostic's range does not slice the text at character boundaries.
pub fn check_input(data: &[u8]) {
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
    let mut relints = 0;
    for d in &linted.diagnostics {
        // Every range slices the text the diagnostics refer to at char boundaries.
        assert!(linted.text.get(d.range.as_usize()).is_some(), "{d:?}");
        index.line_col(&linted.text, d.range.start);
        index.utf16_position(&linted.text, d.range.end);
        for l in &d.labels {
            assert!(linted.text.get(l.range.as_usize()).is_some(), "{d:?}");
        }
        for f in &d.fixes {
            let (fixed, _) = crate::diagnostics::apply_edits(&linted.text, &f.edits);
            // Reading each fixed text again costs a whole lint; a few per input are
            // enough, or an input with thousands of fixes takes minutes.
            if relints < MAX_RELINTS {
                relints += 1;
                let _ = lint_bytes(fixed.as_bytes(), Some(path), &LintOptions::default());
            }
        }
    }
    if selector & 0x40 != 0 {
        // The state graph, as the editor's graph view draws it.
        let document = crate::syntax::parse(&linted.text, linted.kind);
        let _ = crate::graph::draw::draw_document(
            &linted.text,
            &document,
            None,
            crate::graph::draw::Format::Svg,
        );
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
}
