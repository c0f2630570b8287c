//! The real-world corpus in ../shared/corpus (skipped with a message when absent).
//!
//! - `extracted/`: every definition must lint; the ones from deployed samples and
//!   applications that both peer validators accept must have no error (see
//!   ../shared/corpus/README.md, "Which definitions must be clean"), except those listed
//!   in [`KNOWN_INVALID`] with the AWS rule they break.
//! - `real/`: every file of every format (JSON, JSON5, YAML, templates, Terraform) goes
//!   through the whole pipeline without a panic or a hang.
//!
//! Run with `--nocapture` to see the figures.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use asl_lint::lint::LintedFile;
use asl_lint::{LintOptions, Severity, lint_bytes};
use rayon::prelude::*;

/// Definitions from deployed samples that both peers accept but AWS rejects, with the
/// rule they break. (File name in extracted/, code we report, why AWS rejects it.)
/// Add an entry only with evidence.
const KNOWN_INVALID: &[(&str, &str, &str)] = &[
    // step-functions-workflows-collection `word-filtering-script-generator`: listed in
    // shared/corpus/README.md as a known defect. `arn:aws:states:us-east-1:<account>:aws-sdk:...`
    // — the AWS SDK integration form takes no region or account (INVALID_RESOURCE).
    (
        "1d6218a69ba63a2d.asl.json",
        "ASL405",
        "aws-sdk integration ARN with a region and account (INVALID_RESOURCE)",
    ),
    // step-functions-workflows-collection `script-generator`: the same defect.
    (
        "f07d7410fe8c3cc6.asl.json",
        "ASL405",
        "aws-sdk integration ARN with a region and account (INVALID_RESOURCE)",
    ),
];

/// Repositories whose definitions are deployed samples or applications.
const DEPLOYED_REPOS: &[&str] = &[
    "aws-samples__",
    "aws-solutions__",
    "awslabs__amazon-s3-find-and-forget",
    "awslabs__aws-deployment-framework",
    "awslabs__aws-serverless-data-lake-framework",
    "nasa__",
    "NASA-IMPACT__",
    "datamasque__",
    "alexcasalboni__",
    "aws__aws-sam-cli-app-templates",
    "terraform-aws-modules__",
];

fn is_deployed(source: &str) -> bool {
    DEPLOYED_REPOS.iter().any(|r| source.starts_with(r))
        // The toolkit's starter templates (not its tests).
        || source.starts_with("aws__aws-toolkit-vscode/packages__toolkit__templates__")
}

/// The shared data folder, when its corpus is there.
fn shared_dir() -> Option<PathBuf> {
    common::shared("corpus").and_then(|c| c.parent().map(Path::to_path_buf))
}

fn lint_path(path: &Path) -> LintedFile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lint_bytes(&bytes, path.to_str(), &LintOptions::default())
}

struct Peers {
    asl_validator: String,
    service_errors: u64,
}

impl Peers {
    fn both_accept(&self) -> bool {
        self.asl_validator == "valid" && self.service_errors == 0
    }
}

fn read_index(dir: &Path) -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let file_col = header.iter().position(|h| *h == "file").unwrap();
    let source_col = header
        .iter()
        .position(|h| *h == "source_local_path")
        .unwrap();
    let mut index: HashMap<String, Vec<String>> = HashMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        index
            .entry(cols[file_col].to_string())
            .or_default()
            .push(cols[source_col].to_string());
    }
    index
}

fn read_peers(dir: &Path) -> HashMap<String, Peers> {
    let text = std::fs::read_to_string(dir.join("peer_verdicts.json")).expect("verdicts");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                Peers {
                    asl_validator: v["asl_validator"].as_str().unwrap_or("").to_string(),
                    service_errors: v["asl_service_errors"].as_u64().unwrap_or(0),
                },
            )
        })
        .collect()
}

/// The definitions in extracted/, in name order.
fn extracted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".asl.json"))
        .collect();
    files.sort();
    files
}

fn errors_of(f: &LintedFile) -> Vec<&asl_lint::Diagnostic> {
    f.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn extracted_definitions() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus/extracted");
    let index = read_index(&dir);
    let peers = read_peers(&dir);
    let files = extracted_files(&dir);
    assert!(files.len() > 900, "only {} definitions", files.len());

    // Definitions pulled out of templates: their intrinsics were resolved there (see
    // `common::extracted_from_templates`), so ASL811 is not theirs.
    let from_templates = common::extracted_from_templates(&dir);
    let template_options = LintOptions {
        ignore: vec!["ASL811".to_string()],
        ..LintOptions::default()
    };
    let results: Vec<(String, LintedFile)> = files
        .par_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let linted = if from_templates.contains(&name) {
                let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                lint_bytes(&bytes, p.to_str(), &template_options)
            } else {
                lint_path(p)
            };
            (name, linted)
        })
        .collect();

    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut clean, mut with_errors) = (0, 0);
    let (mut deployed_accepted, mut peers_reject_we_are_clean) = (0, 0);
    let mut failures = Vec::new();
    let mut allow_used = vec![false; KNOWN_INVALID.len()];
    for (name, linted) in &results {
        let errors = errors_of(linted);
        if linted.diagnostics.is_empty() {
            clean += 1;
        }
        if !errors.is_empty() {
            with_errors += 1;
        }
        let codes: std::collections::BTreeSet<&str> =
            linted.diagnostics.iter().map(|d| d.code).collect();
        for c in codes {
            *by_code.entry(c).or_default() += 1;
        }
        let sources = index.get(name).map(Vec::as_slice).unwrap_or(&[]);
        let verdict = peers.get(name);
        if verdict.is_some_and(|v| !v.both_accept()) && errors.is_empty() {
            peers_reject_we_are_clean += 1;
        }
        if !(sources.iter().any(|s| is_deployed(s)) && verdict.is_some_and(Peers::both_accept)) {
            continue;
        }
        deployed_accepted += 1;
        for d in errors {
            let allowed = KNOWN_INVALID
                .iter()
                .position(|(f, code, _)| f == name && *code == d.code);
            if let Some(i) = allowed {
                allow_used[i] = true;
                continue;
            }
            let lc = asl_lint::syntax::LineIndex::new(&linted.text)
                .line_col(&linted.text, d.range.start);
            failures.push(format!(
                "{name}:{}:{} {} {} (from {})",
                lc.line, lc.column, d.code, d.message, sources[0]
            ));
        }
    }
    println!(
        "corpus/extracted: {} definitions, {clean} without diagnostics, {with_errors} with errors",
        results.len()
    );
    println!("  files per code: {by_code:?}");
    println!(
        "  deployed samples both peers accept: {deployed_accepted}; failures: {}",
        failures.len()
    );
    println!("  peers reject but we report no error: {peers_reject_we_are_clean}");
    assert!(deployed_accepted > 150, "{deployed_accepted}");
    assert!(
        failures.is_empty(),
        "errors on deployed definitions both peers accept:\n{}",
        failures.join("\n")
    );
    for (i, used) in allow_used.iter().enumerate() {
        assert!(
            used,
            "KNOWN_INVALID entry {:?} no longer reports: remove it",
            KNOWN_INVALID[i]
        );
    }
}

/// Published samples with known defects (../shared/corpus/README.md) are reported.
#[test]
fn known_defects_are_reported() {
    let Some(shared) = shared_dir() else { return };
    let corpus = shared.join("corpus");
    let cases = [
        (
            "real/aws-samples__step-functions-workflows-collection/sfn-iot-data-analytics-dataset__statemachine__statemachine.asl.json",
            "ASL001",
            "expected `,` or `}` after an object member, found `:`",
        ),
        (
            // `"QueryLanguage": "JSONata"` inside States, where a state belongs.
            "extracted/e18435236e1d2ecb.asl.json",
            "ASL103",
            "\"QueryLanguage\" is a field of the state machine, written inside \"States\" where each member is a state: Step Functions does not read it there",
        ),
    ];
    for (path, code, message) in cases {
        let linted = lint_path(&corpus.join(path));
        assert!(
            linted
                .diagnostics
                .iter()
                .any(|d| d.code == code && d.message == message),
            "{path}: {:?}",
            linted.diagnostics
        );
    }
    // Unquoted `${...}` numbers are placeholders, not errors.
    for path in [
        "extracted/a5e228c8d1a88c67.asl.json", // aws-lambda-power-tuning
        "extracted/1939a2b965adeae0.asl.json", // data-lake framework stage-glue
    ] {
        let linted = lint_path(&corpus.join(path));
        assert!(
            errors_of(&linted).is_empty(),
            "{path}: {:?}",
            linted.diagnostics
        );
    }
}

/// Every file of ../shared/corpus/real, whatever its format, is linted without a panic
/// and finishes (a watchdog names a file that hangs).
#[test]
fn real_files_never_panic() {
    let Some(shared) = shared_dir() else { return };
    let root = shared.join("corpus/real");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 1000, "only {} files", files.len());

    let (tx, rx) = mpsc::channel::<(PathBuf, Result<LintedFile, String>)>();
    let total = files.len();
    std::thread::spawn(move || {
        files.into_par_iter().for_each_with(tx, |tx, p| {
            let bytes = std::fs::read(&p).unwrap();
            let name = p.to_string_lossy().to_string();
            let result = std::panic::catch_unwind(|| {
                lint_bytes(&bytes, Some(&name), &LintOptions::default())
            })
            .map_err(|e| {
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
            let _ = tx.send((p, result));
        });
    });
    let mut panics = Vec::new();
    let mut by_ext: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for _ in 0..total {
        let (path, result) = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("a file is still being linted after 5 minutes: a hang");
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_string())
            .unwrap_or_default();
        let entry = by_ext.entry(ext).or_default();
        entry.0 += 1;
        match result {
            Ok(linted) => {
                if !errors_of(&linted).is_empty() {
                    entry.1 += 1;
                }
                for d in &linted.diagnostics {
                    assert!(
                        d.range.end as usize <= linted.text.len(),
                        "{}: {d:?}",
                        path.display()
                    );
                }
            }
            Err(message) => panics.push(format!("{}: {message}", path.display())),
        }
    }
    println!("corpus/real: {total} files; (files, with errors) per extension: {by_ext:?}");
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
}

/// Errors per code.
fn error_counts(diagnostics: &[asl_lint::Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        *counts.entry(d.code).or_default() += 1;
    }
    counts
}

/// Applying the fixes to every extracted definition (what `check --fix` and
/// `--unsafe-fixes` do) never adds an error: one rule's fix must not break what
/// another reads. The one exception is an unsafe fix that makes literal text an
/// expression (ASL304, adding `.$`): the expression may then read a variable no
/// `Assign` sets (ASL605), which is the text's meaning made visible, not a broken fix.
#[test]
fn fixes_add_no_errors() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus/extracted");
    let files = extracted_files(&dir);
    let opts = LintOptions::default();
    let results: Vec<(bool, Vec<String>)> = files
        .par_iter()
        .map(|p| {
            let linted = lint_path(p);
            let before = error_counts(&linted.diagnostics);
            let lint = |t: &str| asl_lint::lint_text(t, linted.kind, &opts);
            let mut problems = Vec::new();
            let mut fixed = false;
            for unsafe_fixes in [false, true] {
                let outcome = asl_lint::fix::fix_text(
                    &linted.text,
                    None,
                    linted.diagnostics.clone(),
                    unsafe_fixes,
                    &lint,
                );
                fixed |= outcome.applied > 0;
                for (code, n) in error_counts(&outcome.diagnostics) {
                    let allowed = unsafe_fixes && code == "ASL605";
                    if n > before.get(code).copied().unwrap_or(0) && !allowed {
                        problems.push(format!(
                            "{}: {code} {} -> {n} after {} fixes",
                            p.display(),
                            before.get(code).copied().unwrap_or(0),
                            if unsafe_fixes { "unsafe" } else { "safe" }
                        ));
                    }
                }
            }
            (fixed, problems)
        })
        .collect();
    let changed = results.iter().filter(|r| r.0).count();
    let problems: Vec<String> = results.into_iter().flat_map(|r| r.1).collect();
    println!(
        "fixes: {} definitions, {changed} changed by safe or unsafe fixes",
        files.len()
    );
    assert!(changed > 100, "only {changed} definitions had fixes");
    assert!(
        problems.is_empty(),
        "fixes added errors:\n{}",
        problems.join("\n")
    );
}
