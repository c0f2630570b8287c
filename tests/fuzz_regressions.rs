//! Inputs the fuzzer (`fuzz/`, target `lint`) once crashed on, replayed through the
//! fuzz target's own checks (`asl_lint::fuzz::check_input`): every range slices the
//! text at character boundaries, every fix applies and the result lints again, and the
//! renderers run. A new crash found by `cargo fuzz run lint` goes into tests/data/fuzz/
//! with a name that says what it was.

use std::path::Path;

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
            asl_lint::fuzz::check_input(&std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    assert!(count >= 1);
}
