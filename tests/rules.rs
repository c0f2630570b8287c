//! Rule fixtures and rule documentation examples.
//!
//! `tests/fixtures/<CODE>/<name>.asl.json` holds one definition per file:
//! - `invalid-*` must report at least one diagnostic with the folder's code;
//! - `valid-*` must not report the folder's code, nor any error.
//!
//! Every fixture's exact diagnostics (span as line:col-line:col, code, severity,
//! message, help and labels) and its `full` rendering are pinned by an insta snapshot
//! in `tests/snapshots/`. Review a changed snapshot line by line before accepting it.
//!
//! YAML fixtures (`*.asl.yaml`) have a JSON twin of the same name; `yaml_fixtures`
//! checks that both report the same diagnostics on the same tokens.

use std::path::{Path, PathBuf};

use asl_lint::cli::render::{self, FileReport, Format};
use asl_lint::lint::{LintedFile, lint_bytes};
use asl_lint::rules::RULES;
use asl_lint::syntax::{LineIndex, SourceKind};
use asl_lint::{Diagnostic, LintOptions, Severity, lint_text};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn lint_file(path: &Path) -> LintedFile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lint_bytes(&bytes, path.to_str(), &LintOptions::default())
}

/// One line per diagnostic: `line:col-line:col CODE severity: message`, then indented
/// labels and help.
fn compact(text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let pos = |offset| {
        let lc = index.line_col(text, offset);
        format!("{}:{}", lc.line, lc.column)
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}-{} {} {}: {}\n",
            pos(d.range.start),
            pos(d.range.end),
            d.code,
            d.severity.as_str(),
            d.message
        ));
        for l in &d.labels {
            out.push_str(&format!(
                "    label {}-{}: {}\n",
                pos(l.range.start),
                pos(l.range.end),
                l.message
            ));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("    help: {help}\n"));
        }
        for f in &d.fixes {
            let edits: Vec<String> = f
                .edits
                .iter()
                .map(|e| {
                    format!(
                        "{}-{} {:?}",
                        pos(e.range.start),
                        pos(e.range.end),
                        e.replacement
                    )
                })
                .collect();
            out.push_str(&format!(
                "    fix ({:?}): {} [{}]\n",
                f.applicability,
                f.title,
                edits.join(", ")
            ));
        }
    }
    out
}

/// The folder name of a fixture is the rule code it is about.
fn fixture_code(path: &Path) -> String {
    path.parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .expect("fixture in a code folder")
        .to_string()
}

fn check_expectation(path: &Path, diagnostics: &[Diagnostic]) {
    let code = fixture_code(path);
    assert!(
        asl_lint::rules::find(&code).is_some(),
        "{}: folder {code} is not a rule code",
        path.display()
    );
    let name = path.file_name().unwrap().to_str().unwrap();
    let with_code = diagnostics.iter().filter(|d| d.code == code).count();
    if name.starts_with("invalid-") {
        assert!(
            with_code > 0,
            "{}: expected {code}, got {diagnostics:#?}",
            path.display()
        );
    } else if name.starts_with("valid-") {
        assert_eq!(
            with_code,
            0,
            "{}: must not report {code}: {diagnostics:#?}",
            path.display()
        );
        assert!(
            diagnostics.iter().all(|d| d.severity < Severity::Error),
            "{}: a valid fixture reports errors: {diagnostics:#?}",
            path.display()
        );
    } else {
        panic!(
            "{}: fixture names start with valid- or invalid-",
            path.display()
        );
    }
}

#[test]
fn json_fixtures() {
    insta::glob!("fixtures/ASL*/*.asl.json", |path| {
        let linted = lint_file(path);
        check_expectation(path, &linted.diagnostics);
        let shown = path
            .strip_prefix(fixtures_dir())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let full = render::render(
            Format::Full,
            &[FileReport {
                path: shown,
                text: linted.text.clone(),
                diagnostics: linted.diagnostics.clone(),
            }],
            false,
        );
        let snapshot = format!(
            "{}--- full ---\n{}",
            compact(&linted.text, &linted.diagnostics),
            full
        );
        insta::assert_snapshot!(snapshot);
    });
}

/// Every rule code from ASL001 to the last 2xx rule has at least one invalid fixture,
/// but ASL123 and ASL124, whose invalid definitions hold over 1 MB and 256 KiB (their
/// tests build them), and ASL006, which only YAML has (a YAML fixture needs a JSON twin
/// reporting the same; its tests are in its file).
#[test]
fn every_core_rule_has_an_invalid_fixture() {
    let mut missing = Vec::new();
    for rule in RULES {
        let code = rule.meta.code;
        if code > "ASL299" || matches!(code, "ASL006" | "ASL123" | "ASL124") {
            continue;
        }
        let dir = fixtures_dir().join(code);
        let has_invalid = std::fs::read_dir(&dir).is_ok_and(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with("invalid-") && n.ends_with(".asl.json")
            })
        });
        if !has_invalid {
            missing.push(code);
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

/// The docs' examples: blocks under "## Example" trigger the rule, blocks under "Use
/// instead" do not, nor any error or warning of another rule.
#[test]
fn rule_doc_examples() {
    // Rules whose example cannot be a text block (bytes, 300 levels of nesting, over
    // 1 MB or 256 KiB of data, a template naming a file that does not exist on disk, a
    // Terraform file and the definition file it reads).
    const WITHOUT_EXAMPLES: &[&str] = &["ASL004", "ASL005", "ASL123", "ASL124", "ASL802", "ASL806"];
    let mut failures = Vec::new();
    for rule in RULES {
        let m = &rule.meta;
        let (bad, good) = m.doc_examples();
        if WITHOUT_EXAMPLES.contains(&m.code) {
            assert!(
                bad.is_empty() && good.is_empty(),
                "{} has examples now: test them",
                m.code
            );
            continue;
        }
        if bad.is_empty() || good.is_empty() {
            failures.push(format!(
                "{}: needs an Example and a Use instead block",
                m.code
            ));
        }
        for (i, text) in bad.iter().enumerate() {
            let kind = if text.trim_start().starts_with('{') {
                SourceKind::Json
            } else {
                SourceKind::Yaml
            };
            let got = lint_text(text, kind, &LintOptions::default());
            if !got.iter().any(|d| d.code == m.code) {
                failures.push(format!(
                    "{}: Example {} does not trigger it: {:?}",
                    m.code,
                    i + 1,
                    got.iter().map(|d| (d.code, &d.message)).collect::<Vec<_>>()
                ));
            }
        }
        for (i, text) in good.iter().enumerate() {
            let kind = if text.trim_start().starts_with('{') {
                SourceKind::Json
            } else {
                SourceKind::Yaml
            };
            let got = lint_text(text, kind, &LintOptions::default());
            if let Some(d) = got.iter().find(|d| d.code == m.code) {
                failures.push(format!(
                    "{}: Use instead {} triggers it: {}",
                    m.code,
                    i + 1,
                    d.message
                ));
            }
            // What the docs recommend deploys and draws no other warning: no error or
            // warning of any rule (infos, such as ASL704's advice, may remain).
            for d in got.iter().filter(|d| d.severity >= Severity::Warning) {
                failures.push(format!(
                    "{}: Use instead {} has a{} {}: {} {}",
                    m.code,
                    i + 1,
                    if d.severity == Severity::Error {
                        "n"
                    } else {
                        ""
                    },
                    d.severity.as_str(),
                    d.code,
                    d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A `--select` of one code runs only that rule: each invalid fixture still reports its
/// code, and nothing else.
#[test]
fn select_runs_only_the_selected_rule() {
    insta::glob!("fixtures/ASL*/invalid-*.asl.json", |path| {
        let code = fixture_code(path);
        let bytes = std::fs::read(path).unwrap();
        let options = LintOptions {
            select: vec![code.clone()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        let linted = lint_bytes(&bytes, path.to_str(), &options);
        assert!(!linted.diagnostics.is_empty(), "{}", path.display());
        assert!(
            linted.diagnostics.iter().all(|d| d.code == code),
            "{}: {:?}",
            path.display(),
            linted.diagnostics
        );
        let ignored = lint_bytes(
            &bytes,
            path.to_str(),
            &LintOptions {
                select: Vec::new(),
                ignore: vec![code.clone()],
                skip_fixes: false,
                fix_kinds_only: false,
            },
        );
        assert!(ignored.diagnostics.iter().all(|d| d.code != code));
    });
}

/// The text a diagnostic points at, with quotes removed so that JSON `"B"` and YAML `B`
/// compare equal.
fn pointed_text(text: &str, d: &Diagnostic) -> String {
    text.get(d.range.as_usize())
        .unwrap_or("")
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

/// YAML fixtures report what their JSON twins report, on the same tokens.
/// Enable after the YAML reader is merged.
#[test]
fn yaml_fixtures() {
    let mut count = 0;
    for dir in std::fs::read_dir(fixtures_dir()).unwrap() {
        let dir = dir.unwrap().path();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().to_string();
            let Some(stem) = name.strip_suffix(".asl.yaml") else {
                continue;
            };
            count += 1;
            let twin = PathBuf::from(format!("{stem}.asl.json"));
            let yaml = lint_file(&path);
            let json = lint_file(&twin);
            assert_eq!(yaml.kind, SourceKind::Yaml);
            check_expectation(&path, &yaml.diagnostics);
            let summarize = |f: &LintedFile| {
                f.diagnostics
                    .iter()
                    .map(|d| (d.code, d.message.clone(), pointed_text(&f.text, d)))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                summarize(&yaml),
                summarize(&json),
                "{} and its JSON twin disagree",
                path.display()
            );
        }
    }
    assert!(count >= 5, "only {count} YAML fixtures");
}

/// Every invalid fixture whose rule offers a fix, fixed with all its fixes (unsafe ones
/// too) until none applies: the result reads without syntax errors and the rule reports
/// less than before. For the rules whose fixes add or remove fields, the fixed text is a
/// snapshot, in JSON and YAML.
#[test]
fn fixes_repair_their_fixtures() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .flat_map(|dir| std::fs::read_dir(dir.unwrap().path()).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("invalid-")
                && (name.ends_with(".asl.json") || name.ends_with(".asl.yaml"))
        })
        .collect();
    paths.sort();
    let mut fixed = Vec::new();
    for path in &paths {
        let code = fixture_code(path);
        let options = LintOptions {
            select: vec![code.clone()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        let linted = lint_bytes(&std::fs::read(path).unwrap(), path.to_str(), &options);
        // Fixes only offered in the editor are not applied here.
        let applicable = |f: &asl_lint::diagnostics::Fix| {
            f.applicability != asl_lint::diagnostics::Applicability::DisplayOnly
        };
        if linted
            .diagnostics
            .iter()
            .all(|d| !d.fixes.iter().any(applicable))
        {
            continue;
        }
        let kind = linted.kind;
        let lint = |text: &str| lint_text(text, kind, &options);
        let outcome =
            asl_lint::fix::fix_text(&linted.text, None, linted.diagnostics.clone(), true, &lint);
        assert!(outcome.applied > 0, "{}: no fix applied", path.display());
        let syntax: Vec<_> = lint_text(&outcome.text, kind, &LintOptions::default())
            .into_iter()
            .filter(|d| matches!(d.code, "ASL001" | "ASL002" | "ASL003"))
            .collect();
        assert!(
            syntax.is_empty(),
            "{}: {syntax:?}\n{}",
            path.display(),
            outcome.text
        );
        assert!(
            outcome.diagnostics.len() < linted.diagnostics.len(),
            "{}: {} still reports {:?}",
            path.display(),
            code,
            outcome.diagnostics
        );
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if [
            "ASL003", "ASL101", "ASL105", "ASL111", "ASL106", "ASL107", "ASL113", "ASL115",
            "ASL302", "ASL305", "ASL306", "ASL403", "ASL404", "ASL501", "ASL502", "ASL410",
            "ASL504", "ASL506", "ASL507", "ASL603", "ASL704", "ASL411", "ASL609", "ASL412",
            "ASL304",
        ]
        .contains(&code.as_str())
        {
            insta::assert_snapshot!(format!("fixed@{code}__{name}"), outcome.text);
        }
        fixed.push(format!("{code}/{name}"));
    }
    eprintln!("{} fixtures fixed", fixed.len());
    assert!(fixed.len() >= 36, "fixtures fixed: {fixed:?}");
}
