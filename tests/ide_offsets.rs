//! Every editor request (hover, completion, definition, references, highlights, rename,
//! signature help, selection ranges) at many offsets of every rule fixture and example,
//! through `asl_lint::fuzz::check_editor`: no panic, every range slices the text, and a
//! rename never leaves a name or variable that no longer resolves.

use std::path::{Path, PathBuf};

use asl_lint::syntax::SourceKind;

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("tests/fixtures"), root.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Offsets to try: every `STRIDE`th byte, and the bytes around the characters where
/// requests matter most (quotes, `$`, `(`, `,`, `:`).
fn offsets(text: &str) -> Vec<u32> {
    const STRIDE: usize = 17;
    let mut out: Vec<u32> = (0..=text.len())
        .filter(|&i| {
            i % STRIDE == 0
                || text
                    .as_bytes()
                    .get(i.wrapping_sub(1))
                    .is_some_and(|b| b"\"$(,:".contains(b))
        })
        .filter(|&i| text.is_char_boundary(i))
        .map(|i| i as u32)
        .collect();
    out.dedup();
    out
}

#[test]
fn editor_requests_at_many_offsets_of_every_fixture() {
    let mut requests = 0;
    for path in files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the invalid-encoding fixtures
        };
        let kind = if path.extension().is_some_and(|e| e == "json") {
            SourceKind::Json
        } else {
            SourceKind::Yaml
        };
        asl_lint::fuzz::check_document_editor(&text, kind);
        for offset in offsets(&text) {
            asl_lint::fuzz::check_editor(&text, kind, offset);
            requests += 1;
        }
    }
    eprintln!("{requests} offsets");
    assert!(requests > 10_000, "{requests}");
}
