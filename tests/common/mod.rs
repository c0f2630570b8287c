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
