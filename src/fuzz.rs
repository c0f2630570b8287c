//! What the fuzz target (`fuzz/fuzz_targets/lint.rs`) does with each input, here so
//! that `tests/fuzz_regressions.rs` replays a saved crash exactly as the fuzzer ran it.

use crate::cli::render::{self, FileReport, Format};
use crate::syntax::LineIndex;
use crate::{LintOptions, lint_bytes};

/// How many fixed texts of one input are linted again.
const MAX_RELINTS: usize = 8;

/// At how many offsets of one input the editor's requests are made.
const EDITOR_OFFSETS: usize = 6;

/// Arbitrary bytes through the whole pipeline (decode, JSON or YAML reader, model,
/// graphs, every rule, every fix) and, for half the inputs, every renderer (for half,
/// the SVG state graph too). The first byte picks the path the file name would pick,
/// so one corpus exercises both readers; inputs read by content are read as Terraform
/// too.
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
    if selector % 3 == 2 {
        // The same bytes as a Terraform file: the HCL scanner and what it finds.
        let tf = lint_bytes(bytes, Some("fuzz.tf"), &LintOptions::default());
        for d in &tf.diagnostics {
            assert!(tf.text.get(d.range.as_usize()).is_some(), "{d:?}");
        }
    }
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
    if selector & 0x20 != 0 && linted.text.len() <= 1 << 14 {
        // The editor's requests at a few places, as someone typing would make them.
        let len = linted.text.len();
        for i in 0..EDITOR_OFFSETS {
            let mut offset = len * i / EDITOR_OFFSETS.max(1);
            while !linted.text.is_char_boundary(offset) {
                offset -= 1;
            }
            check_editor(&linted.text, linted.kind, offset as u32);
        }
        check_document_editor(&linted.text, linted.kind);
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

/// The editor's whole-document requests: semantic tokens must slice the text, in
/// order and without overlaps; inlay hints sit between characters.
pub fn check_document_editor(text: &str, kind: crate::syntax::SourceKind) {
    let mut last_end = 0;
    for t in crate::ide::semantic_tokens(text, kind) {
        assert!(
            text.get(t.range.as_usize()).is_some() && !t.range.is_empty(),
            "semantic token {t:?} does not slice the text"
        );
        assert!(t.range.start >= last_end, "semantic token {t:?} overlaps");
        last_end = t.range.end;
    }
    for h in crate::ide::inlay_hints(text, kind) {
        assert!(
            text.is_char_boundary(h.offset as usize),
            "inlay hint {h:?} is not at a character boundary"
        );
    }
}

/// Every editor request at `offset` of `text` (hover, completion, definition,
/// references, highlights, rename, signature help, selection ranges, call hierarchy): no panic, and
/// every range it answers slices `text` at character boundaries. A rename that succeeds
/// leaves a document that reads without new syntax errors and whose names and
/// variables still resolve (no more ASL201-ASL204, ASL207 or ASL605 than before: a
/// transition into another scope may become one to no state).
pub fn check_editor(text: &str, kind: crate::syntax::SourceKind, offset: u32) {
    use crate::ide;
    let valid = |r: crate::syntax::TextRange, what: &str| {
        assert!(
            text.get(r.as_usize()).is_some(),
            "{what} at {offset}: {r:?} does not slice the text"
        );
    };
    let diagnostics = crate::lint::lint_text(text, kind, &LintOptions::default());
    if let Some(h) = ide::hover(text, kind, offset, &diagnostics) {
        valid(h.range, "hover");
    }
    for c in ide::completions(text, kind, offset) {
        valid(c.range, "completion");
    }
    if let Some(r) = ide::placeholder_definition(text, kind, offset) {
        valid(r, "placeholder definition");
    }
    if let Some(r) = ide::definition(text, kind, offset) {
        valid(r, "definition");
    }
    for r in ide::variable_definitions(text, kind, offset) {
        valid(r, "variable definition");
    }
    for r in ide::references(text, kind, offset, true) {
        valid(r, "references");
    }
    for (r, _) in ide::highlights(text, kind, offset) {
        valid(r, "highlight");
    }
    for r in ide::selection_ranges(text, kind, offset) {
        valid(r, "selection range");
    }
    if let Some(s) = ide::signature_help(text, kind, offset) {
        for &(a, b) in &s.parameters {
            assert!(s.label.get(a as usize..b as usize).is_some(), "{s:?}");
        }
    }
    if let Some((r, _)) = ide::prepare_rename(text, kind, offset) {
        valid(r, "prepare rename");
    }
    // Linked editing: places that all spell the same name, so typing keeps them alike.
    if let Some(ranges) = ide::linked_editing(text, kind, offset) {
        for &r in &ranges {
            valid(r, "linked editing");
        }
        let first = &text[ranges[0].as_usize()];
        assert!(
            ranges.iter().all(|r| &text[r.as_usize()] == first),
            "linked editing at {offset}: {ranges:?} spell different names"
        );
    }
    // "Simulate from": only the name of a state that starts an execution.
    let _ = ide::start_state_at(text, kind, offset);
    if let Some(item) = ide::prepare_call_hierarchy(text, kind, offset) {
        valid(item.range, "call hierarchy item");
        valid(item.selection, "call hierarchy item");
        // The client asks for calls at the item's selection.
        let at = item.selection.start;
        for c in ide::incoming_calls(text, kind, at)
            .into_iter()
            .chain(ide::outgoing_calls(text, kind, at))
        {
            valid(c.state.range, "call hierarchy call");
            valid(c.state.selection, "call hierarchy call");
            for &r in &c.from {
                valid(r, "call hierarchy call");
            }
        }
    }
    if let Ok(edits) = ide::rename(text, kind, offset, "Renamed_1") {
        for e in &edits {
            valid(e.range, "rename");
        }
        let (renamed, _) = crate::diagnostics::apply_edits(text, &edits);
        let after = crate::lint::lint_text(&renamed, kind, &LintOptions::default());
        // A document already broken may recover differently once text before the
        // break moves (YAML limits implicit keys to 1024 characters), so its syntax
        // errors are not compared; the transitions are.
        let broken = diagnostics.iter().any(|d| d.code == "ASL001");
        let resolve: &[&str] = if broken {
            &["ASL201", "ASL202", "ASL203", "ASL204", "ASL207", "ASL605"]
        } else {
            &[
                "ASL001", "ASL201", "ASL202", "ASL203", "ASL204", "ASL207", "ASL605",
            ]
        };
        let count = |ds: &[crate::diagnostics::Diagnostic]| {
            ds.iter().filter(|d| resolve.contains(&d.code)).count()
        };
        assert!(
            count(&after) <= count(&diagnostics),
            "rename at {offset} broke the document:\n{renamed}\n{:?}",
            after
                .iter()
                .filter(|d| resolve.contains(&d.code))
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
    }
}

/// The input every fuzzed simulation runs on.
const SIMULATION_INPUT: &str = r#"{"order": {"id": 7, "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 0}]}, "ok": true, "name": "Ann"}"#;

/// Arbitrary bytes as a definition (the first byte picks JSON or YAML), simulated on a
/// small input with no mocks (so every Task fails, and Retry and Catch run), at most
/// 2,000 history events. A definition `check` rejects is refused; any other must run to
/// an end without a panic (which the simulator would report as an internal error).
pub fn check_simulation(data: &[u8]) {
    use crate::simulate::{SimulationError, SimulationOptions, simulate};
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // Bit 1 of the selector starts at another top-level state (so states run without
    // the variables and input shapes the earlier ones would have made).
    let start_at = (selector & 2 != 0)
        .then(|| serde_json::from_str::<serde_json::Value>(text).ok())
        .flatten()
        .and_then(|v| {
            let states = v.get("States")?.as_object()?;
            let pick = usize::from(selector >> 2) % states.len().max(1);
            states.keys().nth(pick).cloned()
        });
    let opts = SimulationOptions {
        input: serde_json::from_str(SIMULATION_INPUT).expect("valid input"),
        max_events: Some(2_000),
        history: selector & 1 == 0,
        start_time_ms: Some(1_700_000_000_000),
        start_at,
        ..Default::default()
    };
    match simulate(text, &opts) {
        // The trace is read from the history: it must cope with any of it.
        Ok(exec) => drop(crate::simulate::cli::text_report(&exec)),
        Err(SimulationError::Definition(errors)) => assert!(
            !errors.iter().any(|e| e.contains("internal error")),
            "{errors:?}"
        ),
        Err(SimulationError::Options(_)) => {}
    }
}

/// Arbitrary bytes as a JSONata expression, parsed, checked and evaluated against a
/// small document with `$states` bound as in a state: an answer or a JSONata error,
/// never a panic (which evaluation reports as an internal error).
pub fn check_jsonata(data: &[u8]) {
    use crate::expr::jsonata;
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(node) = jsonata::parse(expr) else {
        return;
    };
    if jsonata::check(&node).is_err() {
        return;
    }
    let input: serde_json::Value = serde_json::from_str(SIMULATION_INPUT).expect("valid input");
    let mut bindings = serde_json::Map::new();
    bindings.insert(
        "states".into(),
        serde_json::json!({"input": input, "context": {"Execution": {"Id": "x"}}}),
    );
    let options = jsonata::EvalOptions {
        now_millis: Some(1_700_000_000_000),
        random_seed: Some(0),
        ..Default::default()
    };
    if let Err(e) = jsonata::evaluate(&node, Some(&input), &bindings, &options) {
        assert!(!e.message.contains("internal error"), "{expr:?}: {e}");
    }
}
