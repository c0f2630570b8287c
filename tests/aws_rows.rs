//! One probe per row of section (b) "Merged table of checks" of ../shared/docs/checks.md:
//! "every row that AWS rejects is an error in asl-lint; every valid row is silent".
//!
//! `tests/data/aws_rows/probes.json` holds one entry per row: the probe id of the table,
//! the AWS verdict of its AWS column (`E` rejects, `W` warning only, `OK` accepts, `?`
//! unverified), a minimal valid machine with exactly that one defect (`definition`, or raw
//! `text` where the defect is in the JSON itself), and `expect`: the exact set of codes
//! asl-lint reports on it (`note` says why for warnings on valid rows and for `?` rows).
//! Spans and messages are pinned by the rule fixtures, not here.
//!
//! Rows where asl-lint knowingly differs from the AWS column are listed in [`KNOWN_GAPS`]
//! (an `E` row without an error) and [`ERRORS_ON_VALID_ROWS`] (an error on an `OK`/`W`
//! row) with the reason; the test checks that they still differ, so a fix must remove them.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use asl_lint::syntax::SourceKind;
use asl_lint::{LintOptions, Severity, lint_text};

/// `E` rows that asl-lint does not report as an error, with the reason.
const KNOWN_GAPS: &[(&str, &str)] = &[
    (
        "task_arn_substitution",
        "a `${...}` placeholder is replaced (DefinitionSubstitutions, Fn::Sub, CDK, Terraform) \
         before AWS sees the definition; asl-lint lints the source, where an error would hit \
         every SAM/CDK template, so it reports ASL801 (info) and skips the ARN checks",
    ),
    (
        "map_inline_itemreader",
        "the AWS basis is inferred and unverified; ASL119 warns that ItemReader does nothing \
         on an inline Map rather than risk a false error",
    ),
    (
        "map_inline_tolerated",
        "the AWS basis is inferred and unverified; ASL119 warns that ToleratedFailureCount does \
         nothing on an inline Map rather than risk a false error",
    ),
];

/// `OK` and `W` rows that asl-lint reports as an error, with the reason it is right.
const ERRORS_ON_VALID_ROWS: &[(&str, &str)] = &[
    (
        "pass_nopath_field",
        "TimeoutSeconds must be a positive integer (the AWS docs; the row itself notes the type \
         error): the string \"$.t\" fails schema validation, NO_PATH is AWS's extra warning, \
         which ASL305 gives too",
    ),
    (
        "var_use_before_assign",
        "AWS validation does not track variables, but reading $x before any state assigned it \
         fails the execution at run time when the state is reached: ASL605 reports it",
    ),
];

struct Probe {
    id: String,
    aws: String,
    expect: BTreeSet<String>,
    text: String,
}

fn probes() -> Vec<Probe> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws_rows/probes.json");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("probes.json")).unwrap();
    data.as_array()
        .expect("an array of probes")
        .iter()
        .map(|p| {
            let text = match (p.get("text"), p.get("definition")) {
                (Some(t), None) => t.as_str().expect("text is a string").to_string(),
                (None, Some(d)) => serde_json::to_string_pretty(d).unwrap() + "\n",
                _ => panic!("{p}: needs exactly one of text and definition"),
            };
            Probe {
                id: p["id"].as_str().unwrap().to_string(),
                aws: p["aws"].as_str().unwrap().to_string(),
                expect: p["expect"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
                text,
            }
        })
        .collect()
}

fn listed<'a>(list: &'a [(&str, &str)], id: &str) -> Option<&'a str> {
    list.iter().find(|(p, _)| *p == id).map(|(_, why)| *why)
}

#[test]
fn every_row_gets_the_aws_verdict() {
    let probes = probes();
    let ids: BTreeSet<&str> = probes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), probes.len(), "a probe id is used twice");
    let mut failures = Vec::new();
    let (mut errors_on_e, mut silent_ok) = (0, 0);
    for probe in &probes {
        let diagnostics = lint_text(&probe.text, SourceKind::Json, &LintOptions::default());
        let codes: BTreeSet<String> = diagnostics.iter().map(|d| d.code.to_string()).collect();
        let error_codes: BTreeSet<&str> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect();
        let mut fail = |why: String| failures.push(format!("{} ({}): {why}", probe.id, probe.aws));
        if codes != probe.expect {
            let got: Vec<String> = diagnostics
                .iter()
                .map(|d| format!("{} {}: {}", d.code, d.severity.as_str(), d.message))
                .collect();
            fail(format!("expected {:?}, got {got:#?}", probe.expect));
            continue;
        }
        match probe.aws.as_str() {
            "E" => match (error_codes.is_empty(), listed(KNOWN_GAPS, &probe.id)) {
                (false, None) => errors_on_e += 1,
                (true, Some(_)) => {}
                (true, None) => fail("AWS rejects it but asl-lint reports no error".into()),
                (false, Some(_)) => fail("reported now: remove it from KNOWN_GAPS".into()),
            },
            "OK" | "W" => match (
                error_codes.is_empty(),
                listed(ERRORS_ON_VALID_ROWS, &probe.id),
            ) {
                (true, None) => {
                    if probe.aws == "W" {
                        let warns = diagnostics.iter().any(|d| d.severity == Severity::Warning);
                        if !warns {
                            fail("AWS warns but asl-lint reports no warning".into());
                        }
                    } else if probe.expect.is_empty() {
                        silent_ok += 1;
                    }
                }
                (false, Some(_)) => {}
                (false, None) => fail(format!("AWS accepts it; errors {error_codes:?}")),
                (true, Some(_)) => fail("no error now: remove it from ERRORS_ON_VALID_ROWS".into()),
            },
            "?" => {}
            other => fail(format!("unknown AWS verdict {other}")),
        }
    }
    for (id, _) in KNOWN_GAPS.iter().chain(ERRORS_ON_VALID_ROWS) {
        if !probes.iter().any(|p| p.id == *id) {
            failures.push(format!("{id}: listed but no such probe"));
        }
    }
    let count = |v: &str| probes.iter().filter(|p| p.aws == v).count();
    eprintln!(
        "{} probes: {} E rows ({errors_on_e} reported as errors, {} known gaps), {} OK rows \
         ({silent_ok} silent), {} W rows, {} unverified",
        probes.len(),
        count("E"),
        KNOWN_GAPS.len(),
        count("OK"),
        count("W"),
        count("?"),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn checks_md() -> Option<PathBuf> {
    common::shared("docs/checks.md")
}

/// The probe ids and AWS verdicts of section (b): the last backticked name of each
/// table row's first column, and the first word of its AWS column.
fn section_b_rows(md: &str) -> BTreeMap<String, String> {
    let start = md.find("\n## (b)").expect("section (b)");
    let body = &md[start + 1..];
    let end = body[1..].find("\n## ").map_or(body.len(), |i| i + 1);
    let mut rows = BTreeMap::new();
    for line in body[..end].lines().filter(|l| l.starts_with('|')) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let first = cols[1];
        let Some(close) = first.rfind('`') else {
            continue;
        };
        let Some(open) = first[..close].rfind('`') else {
            continue;
        };
        let id = &first[open + 1..close];
        // Probe ids are snake_case; the capability table names fields and ARNs instead.
        if !id.contains('_')
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            continue;
        }
        let aws = cols[6].split_whitespace().next().unwrap_or("");
        rows.insert(id.to_string(), aws.to_string());
    }
    rows
}

#[test]
fn table_covers_every_row_of_checks_md() {
    let Some(path) = checks_md() else { return };
    let rows = section_b_rows(&std::fs::read_to_string(&path).unwrap());
    assert!(rows.len() > 200, "parsed only {} rows", rows.len());
    let ours: BTreeMap<String, String> = probes().into_iter().map(|p| (p.id, p.aws)).collect();
    let missing: Vec<_> = rows.keys().filter(|id| !ours.contains_key(*id)).collect();
    let extra: Vec<_> = ours.keys().filter(|id| !rows.contains_key(*id)).collect();
    let verdicts: Vec<_> = rows
        .iter()
        .filter(|(id, aws)| ours.get(*id).is_some_and(|o| o != *aws))
        .collect();
    assert!(
        missing.is_empty(),
        "rows of checks.md without a probe: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "probes that checks.md does not list: {extra:?}"
    );
    assert!(
        verdicts.is_empty(),
        "AWS verdict differs from checks.md: {verdicts:?}"
    );
}
