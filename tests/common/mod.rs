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

/// The files of `corpus/extracted/` (its `INDEX.tsv`) pulled out of templates only:
/// CloudFormation and SAM templates, Serverless Framework files; not those found as
/// definition files of their own (`json`, `yaml`). Their CloudFormation intrinsics
/// (`{"Fn::GetAtt": ...}`, `{"Ref": ...}`, which the extraction left in place) were
/// resolved by the template they came from: ASL811, which reports an intrinsic in a
/// definition that no template processes, does not apply to them.
#[allow(dead_code)] // not every test file that shares this module reads the corpus
pub fn extracted_from_templates(extracted: &Path) -> std::collections::HashSet<String> {
    let index = std::fs::read_to_string(extracted.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file, format) = (column("file"), column("container_format"));
    let mut standalone = std::collections::HashSet::new();
    let mut templated = std::collections::HashSet::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if matches!(cols[format], "json" | "yaml") {
            standalone.insert(cols[file].to_string());
        } else {
            templated.insert(cols[file].to_string());
        }
    }
    // A definition also found as a file of its own keeps the rule.
    templated.retain(|f| !standalone.contains(f));
    templated
}
