//! Helpers shared by the integration tests (each test file that needs them says
//! `mod common;`).

use std::path::{Path, PathBuf};

/// `sub` inside the shared data folder (`../shared` beside the checkout, or two levels
/// up from a git worktree, or `$ASL_LINT_SHARED`), when it exists. When it does not,
/// prints why the caller skips and returns `None`, so a plain clone still passes.
pub fn shared(sub: &str) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("ASL_LINT_SHARED").map(PathBuf::from),
        Some(manifest.join("../shared")),
        Some(manifest.join("../../shared")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .map(|p| p.join(sub))
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("SKIPPED: ../shared/{sub} is absent (set ASL_LINT_SHARED to its parent)");
    }
    found
}

/// Every `.yaml` / `.yml` file under `dir`, sorted.
#[allow(dead_code)] // not every test file that shares this module lists YAML files
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extensions(dir, &["yaml", "yml"])
}

/// Every file under `dir` whose extension is one of `extensions`, sorted.
#[allow(dead_code)] // not every test file that shares this module lists files
pub fn files_with_extensions(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
