//! Runs over ../shared/corpus/real (skipped when absent): every file is processed
//! without a panic or a hang; in every CloudFormation/SAM/Serverless file with a
//! definition, the definitions are found and every diagnostic lies inside the property
//! holding its definition, and each character of a flattened DefinitionString maps back
//! to the same character in the template; the defective samples are reported.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use asl_lint::embed::{self, template};
use asl_lint::lint::{LintOptions, lint_bytes};
use asl_lint::syntax::{self, SourceKind, TextRange};

fn corpus() -> Option<PathBuf> {
    common::shared("corpus/real/MANIFEST.tsv").and_then(|m| m.parent().map(Path::to_path_buf))
}

struct Row {
    path: String,
    repo: String,
    original: String,
    format: String,
    notes: String,
    n_definitions: usize,
}

fn manifest(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (p, f, n, d) = (
        col("local_path"),
        col("format"),
        col("notes"),
        col("n_definitions"),
    );
    let (r, o) = (col("repo"), col("original_path"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            Row {
                path: cells[p].to_string(),
                repo: cells[r].to_string(),
                original: cells[o].to_string(),
                format: cells[f].to_string(),
                notes: cells[n].to_string(),
                n_definitions: cells[d].parse().unwrap_or(0),
            }
        })
        .collect()
}

/// Checks the templates of the given formats; returns (files, definitions, diagnostics).
fn check_templates(dir: &Path, formats: &[&str]) -> (usize, usize, usize) {
    let (mut files, mut defs_seen, mut diags_seen) = (0, 0, 0);
    for row in manifest(dir)
        .iter()
        .filter(|r| formats.contains(&r.format.as_str()))
    {
        let bytes = std::fs::read(dir.join(&row.path)).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let kind = syntax::detect_kind(Some(&row.path), &text);
        let doc = syntax::parse(&text, kind);
        let Some(root) = doc.root.as_ref() else {
            continue;
        };
        // Files of format `yaml` include plain definitions (not templates) too.
        let plain_definition = root.get("StartAt").is_some() || root.get("States").is_some();
        let defs = template::find(root).unwrap_or_default();
        if row.n_definitions > 0 && !row.notes.contains("DefinitionUri") && !plain_definition {
            assert!(!defs.is_empty(), "{}: no definition found", row.path);
        }
        files += 1;
        defs_seen += defs.len();
        // Each character of a flattened string maps back to itself (or its escape).
        for d in &defs {
            if let template::Body::Text(node) = &d.body {
                let Ok(e) = template::flatten(&text, node, &d.substitutions) else {
                    continue;
                };
                for (i, c) in e.text.char_indices() {
                    if !c.is_ascii_alphanumeric() {
                        continue;
                    }
                    let r = e.map.range(TextRange::from_usize(i, i + 1));
                    let outer = &text[r.as_usize()];
                    assert!(
                        outer == c.to_string()
                            || outer.starts_with('$')
                            || outer.starts_with('{')
                            || outer.starts_with('\\')
                            || r.len() > 1,
                        "{}: inner {c:?} at {i} maps to {outer:?}",
                        row.path
                    );
                }
            }
        }
        let linted = lint_bytes(&bytes, Some(&row.path), &LintOptions::default());
        if plain_definition {
            // Linted above without a panic; its diagnostics are the rules' business.
            continue;
        }
        let ranges: Vec<TextRange> = defs.iter().map(|d| d.property.range()).collect();
        for diag in &linted.diagnostics {
            diags_seen += 1;
            // ASL807 judges `DefinitionSubstitutions` too, beside the definition.
            if diag.code.starts_with("ASL0") || ["ASL804", "ASL805", "ASL807"].contains(&diag.code)
            {
                continue;
            }
            assert!(
                ranges
                    .iter()
                    .any(|r| r.start <= diag.range.start && diag.range.end <= r.end),
                "{}: {} at {:?} is outside every definition",
                row.path,
                diag.code,
                diag.range
            );
        }
    }
    (files, defs_seen, diags_seen)
}

#[test]
fn json_templates_in_the_corpus() {
    let Some(dir) = corpus() else { return };
    let (files, defs, diags) = check_templates(&dir, &["cfn-json"]);
    println!("cfn-json: {files} files, {defs} definitions, {diags} diagnostics");
    assert!(
        files >= 60 && defs >= 50,
        "{files} files, {defs} definitions"
    );
}

#[test]
fn yaml_templates_in_the_corpus() {
    let Some(dir) = corpus() else { return };
    let (files, defs, diags) = check_templates(&dir, &["cfn-yaml", "yaml"]);
    println!("cfn-yaml: {files} files, {defs} definitions, {diags} diagnostics");
    assert!(files >= 200, "{files} files");
}

#[test]
fn every_corpus_file_is_processed_without_a_panic_or_a_hang() {
    let Some(dir) = corpus() else { return };
    let mut n = 0;
    let started = Instant::now();
    for row in manifest(&dir) {
        let bytes = std::fs::read(dir.join(&row.path)).unwrap();
        // A hang would keep this test from finishing; speed is measured by benchmarks.
        let _ = lint_bytes(&bytes, Some(&row.path), &LintOptions::default());
        n += 1;
    }
    println!("{n} files in {:?}", started.elapsed());
    assert!(n > 1000);
}

fn lint_corpus_file(dir: &Path, suffix: &str) -> Vec<&'static str> {
    let row = manifest(dir)
        .into_iter()
        .find(|r| r.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} not in the corpus"));
    let bytes = std::fs::read(dir.join(&row.path)).unwrap();
    lint_bytes(&bytes, Some(&row.path), &LintOptions::default())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn known_defects_are_reported_and_unquoted_placeholders_are_not() {
    let Some(dir) = corpus() else { return };
    let codes = lint_corpus_file(
        &dir,
        "sfn-iot-data-analytics-dataset__statemachine__statemachine.asl.json",
    );
    assert!(codes.contains(&"ASL001"), "{codes:?}");
    for row in manifest(&dir)
        .iter()
        .filter(|r| r.notes.contains("unquoted-placeholder"))
    {
        let bytes = std::fs::read(dir.join(&row.path)).unwrap();
        let out = lint_bytes(&bytes, Some(&row.path), &LintOptions::default());
        assert!(
            !out.diagnostics.iter().any(|d| d.code == "ASL001"),
            "{}: {:?}",
            row.path,
            out.diagnostics
        );
    }
    let _ = (embed::PlaceholderMode::Unknown, SourceKind::Json);
}

/// Rebuilds a repository's folder layout (the corpus flattens paths) so that
/// DefinitionUri paths resolve.
#[test]
fn yaml_missing_definition_uri_is_reported() {
    let Some(dir) = corpus() else { return };
    let repo = "aws-samples__step-functions-workflows-collection";
    let tmp = tempfile::tempdir().unwrap();
    for name in [
        "account-vending-machine__template.yaml",
        "account-vending-machine__statemachine__statemachine.asl.json",
    ] {
        let target = tmp.path().join(name.replace("__", "/"));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(dir.join(repo).join(name), &target).unwrap();
    }
    let template = tmp.path().join("account-vending-machine/template.yaml");
    let out = lint_bytes(
        &std::fs::read(&template).unwrap(),
        Some(template.to_str().unwrap()),
        &LintOptions::default(),
    );
    assert!(
        out.diagnostics.iter().any(|d| d.code == "ASL802"),
        "{:?}",
        out.diagnostics
    );
}

/// `--unsafe-fixes` on a copy of every file of the corpus, definitions and templates
/// in JSON and YAML: each round changes only the bytes of its edits, the file written
/// is the fixed text, no fix breaks the syntax, and no file ends with more errors than
/// it had (ASL605 aside: ASL304's `.$` makes a literal read its variable).
#[test]
fn fixes_keep_every_byte_outside_their_edits() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (mut files, mut edits) = (0, 0);
    let errors = |ds: &[asl_lint::Diagnostic]| {
        ds.iter()
            .filter(|d| d.severity == asl_lint::Severity::Error && d.code != "ASL605")
            .count()
    };
    for row in manifest(&dir).iter() {
        let bytes = std::fs::read(dir.join(&row.path)).unwrap();
        let linted = lint_bytes(&bytes, Some(&row.path), &LintOptions::default());
        if !linted.text_is_exact {
            continue;
        }
        let kind = linted.kind;
        let relint = |t: &str| asl_lint::lint::lint_text(t, kind, &LintOptions::default());
        let before = errors(&linted.diagnostics);
        let out = asl_lint::fix::fix_text(&linted.text, None, linted.diagnostics, true, &relint);
        if out.applied > 0 {
            let after = relint(&out.text);
            assert!(
                errors(&after) <= before
                    && !after
                        .iter()
                        .any(|d| d.code == "ASL001" || d.code == "ASL003"),
                "{}: {before} errors before the fixes, then {:?}\n{}",
                row.path,
                after
                    .iter()
                    .filter(|d| d.severity == asl_lint::Severity::Error)
                    .map(|d| (d.code, &d.message))
                    .collect::<Vec<_>>(),
                out.text
            );
        }
        for pass in &out.passes {
            let (after, _) = asl_lint::diagnostics::apply_edits(&pass.before, &pass.edits);
            // Walk the gaps between edits: they must be byte-identical in `after`.
            let (mut old_at, mut new_at) = (0usize, 0usize);
            for e in &pass.edits {
                let gap = &pass.before.as_bytes()[old_at..e.range.start as usize];
                assert_eq!(
                    &after.as_bytes()[new_at..new_at + gap.len()],
                    gap,
                    "{}",
                    row.path
                );
                new_at += gap.len() + e.replacement.len();
                old_at = e.range.end as usize;
            }
            assert_eq!(
                &after.as_bytes()[new_at..],
                &pass.before.as_bytes()[old_at..],
                "{}",
                row.path
            );
            edits += pass.edits.len();
        }
        if out.applied > 0 {
            files += 1;
            let copy = tmp.path().join(row.path.replace('/', "__"));
            std::fs::write(&copy, &bytes).unwrap();
            asl_lint::fix::write_atomic(&copy, out.text.as_bytes()).unwrap();
            assert_eq!(std::fs::read_to_string(&copy).unwrap(), out.text);
        }
    }
    println!("fixed {files} files with {edits} edits");
}

/// The templates whose `DefinitionUri` file is in the corpus, rebuilt in their
/// repositories' folder layout: every referenced file is linted as its template deploys
/// it (no panic, ranges inside the file, no ASL801 for a name the template gives), and
/// `asl-lint check` over the whole tree reports no diagnostic twice.
#[test]
fn definition_uri_files_are_linted_with_their_templates() {
    let Some(dir) = corpus() else { return };
    let rows = manifest(&dir);
    let by_path: std::collections::HashMap<&str, &Row> =
        rows.iter().map(|r| (r.path.as_str(), r)).collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut templates = Vec::new();
    for row in &rows {
        // `DefinitionUri=<uri>; DefinitionUri-resolved=<local path>` pairs.
        let notes: Vec<&str> = row.notes.split(';').map(str::trim).collect();
        let pairs: Vec<(&str, &Row)> = notes
            .windows(2)
            .filter_map(|w| {
                let uri = w[0].strip_prefix("DefinitionUri=")?;
                let resolved = w[1].strip_prefix("DefinitionUri-resolved=")?;
                Some((uri, *by_path.get(resolved)?))
            })
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let template = tmp.path().join(&row.repo).join(&row.original);
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        std::fs::copy(dir.join(&row.path), &template).unwrap();
        let mut placed = Vec::new();
        for (uri, target) in pairs {
            let at = template.parent().unwrap().join(uri);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::copy(dir.join(&target.path), &at).unwrap();
            placed.push(uri.to_string());
        }
        templates.push((template, placed));
    }
    let (mut linted, mut diagnostics) = (0, 0);
    for (template, placed) in &templates {
        let shown = template.to_str().unwrap();
        let out = lint_bytes(
            &std::fs::read(template).unwrap(),
            Some(shown),
            &LintOptions::default(),
        );
        // The files placed are found (others the corpus lacks are ASL802).
        for uri in placed {
            let missing = format!("names `{uri}`,");
            assert!(
                !out.diagnostics.iter().any(|d| d.message.contains(&missing)),
                "{shown}: {:?}",
                out.diagnostics
            );
        }
        for reference in &out.references {
            let file = asl_lint::lint::lint_referenced_file(
                std::slice::from_ref(reference),
                &LintOptions::default(),
                &embed::Environment::default(),
            )
            .unwrap();
            linted += 1;
            for d in &file.diagnostics {
                diagnostics += 1;
                assert!(
                    file.text.get(d.range.as_usize()).is_some(),
                    "{}: {} at {:?}",
                    reference.path.display(),
                    d.code,
                    d.range
                );
                if d.code == "ASL801" {
                    let token = &file.text[d.range.as_usize()];
                    let name = token.trim_start_matches("${").trim_end_matches('}');
                    assert!(
                        !reference.substitutions.contains_key(name),
                        "{}: {token} is given by the template",
                        reference.path.display()
                    );
                }
            }
        }
    }
    println!(
        "{} templates, {linted} referenced files, {diagnostics} diagnostics",
        templates.len()
    );
    assert!(
        templates.len() >= 80 && linted >= templates.len(),
        "{} templates, {linted} files",
        templates.len()
    );

    // The whole tree through the command line: referenced files are linted once.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut seen = std::collections::HashSet::new();
    for i in &items {
        let key = (
            i["path"].to_string(),
            i["code"].to_string(),
            i["start"].to_string(),
            i["message"].to_string(),
        );
        assert!(seen.insert(key), "reported twice: {i}");
    }
}
