//! Inputs the fuzzer (`fuzz/`) once crashed on, replayed through the fuzz target's own
//! checks: `crash-*` through `asl_lint::fuzz::check_input` (target `lint`: every range
//! slices the text at character boundaries, every fix applies and the result lints
//! again, and the renderers run), `sim-crash-*` through `check_simulation` and
//! `jsonata-crash-*` through `check_jsonata` (no panic). A new crash goes into
//! tests/data/fuzz/ with a name that says what it was.

use std::path::Path;

#[test]
fn inputs_that_once_crashed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let check: fn(&[u8]) = if name.starts_with("crash-") {
            asl_lint::fuzz::check_input
        } else if name.starts_with("sim-crash-") {
            asl_lint::fuzz::check_simulation
        } else if name.starts_with("jsonata-crash-") {
            asl_lint::fuzz::check_jsonata
        } else {
            continue;
        };
        check(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count >= 1);
}
