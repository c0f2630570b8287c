//! The rules over the shared corpus (skipped when ../shared is absent):
//! - deployed samples that both peers accept produce no error, except the published
//!   defects the corpus notes list (they must be reported);
//! - agreement with the peers' own fixtures is measured and printed, with the classes of
//!   disagreement where AWS behaviour makes asl-lint right.

use std::collections::HashMap;
mod common;

use std::path::Path;

use asl_lint::{LintOptions, Severity, lint_bytes};

fn shared() -> Option<std::path::PathBuf> {
    common::shared("corpus")
}

/// Test suites of other tools (often invalid on purpose), not deployed definitions.
const NOT_DEPLOYED: &[&str] = &[
    "localstack__",
    "ChristopheBougere__",
    "awslabs__statelint",
    "wmfs__",
    "taro-kayo__",
    "aws-cloudformation__cfn-lint",
    "IQper__",
    "fadams__",
];

/// Published samples with defects AWS rejects (corpus README): each must be reported.
const KNOWN_DEFECTS: &[(&str, &str)] = &[
    ("script-generator__", "ASL405"),
    ("word-filtering-script-generator__", "ASL405"),
];
// tts-converter (also listed by the README) has the defect only in a CloudFormation
// template whose Resource values are intrinsics (`!Sub` with `${AWS::Region}`); its
// extracted definitions are clean: `known_defect_in_a_template_is_reported` below.

fn errors(path: &Path) -> Vec<(&'static str, String)> {
    let bytes = std::fs::read(path).expect("readable");
    lint_bytes(&bytes, path.to_str(), &LintOptions::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code, d.message))
        .collect()
}

#[test]
fn known_defect_in_a_template_is_reported() {
    let Some(corpus) = shared() else { return };
    let path = corpus
        .join("real/aws-samples__step-functions-workflows-collection/tts-converter__template.yaml");
    let errs = errors(&path);
    // Three Tasks: `!Sub arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:aws-sdk:...`.
    assert_eq!(
        errs.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        ["ASL405", "ASL405", "ASL405"],
        "{errs:?}"
    );
    assert!(
        errs[0].1.contains("\"${AWS::Region}:${AWS::AccountId}\""),
        "{errs:?}"
    );
}

#[test]
fn deployed_samples_have_no_false_errors() {
    let Some(corpus) = shared() else { return };
    let ex = corpus.join("extracted");
    let index = std::fs::read_to_string(ex.join("INDEX.tsv")).expect("index");
    let verdicts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ex.join("peer_verdicts.json")).unwrap())
            .unwrap();
    let from_templates = common::extracted_from_templates(&ex);
    let mut false_errors = Vec::new();
    let mut defects_found = HashMap::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, source) = (cols[0], cols[1]);
        let v = &verdicts[file];
        let both_accept = v["asl_validator"] == "valid" && v["asl_service_errors"] == 0;
        if !both_accept || NOT_DEPLOYED.iter().any(|p| source.starts_with(p)) {
            continue;
        }
        let mut errs = errors(&ex.join(file));
        // Pulled out of a template, which resolved its intrinsics (see
        // `common::extracted_from_templates`): ASL811 is not its.
        if from_templates.contains(file) {
            errs.retain(|(code, _)| *code != "ASL811");
        }
        if let Some((_, code)) = KNOWN_DEFECTS.iter().find(|(p, _)| source.contains(p)) {
            assert!(
                errs.iter().any(|(c, _)| c == code),
                "{source}: {code} not reported"
            );
            defects_found.insert(*code, true);
            assert!(errs.iter().all(|(c, _)| c == code), "{source}: {errs:?}");
            continue;
        }
        if !errs.is_empty() {
            false_errors.push(format!("{source}: {errs:?}"));
        }
    }
    assert!(false_errors.is_empty(), "{}", false_errors.join("\n"));
    assert!(defects_found.contains_key("ASL405"));
}

#[test]
fn agreement_with_peer_fixtures() {
    let Some(corpus) = shared() else { return };
    let fx = corpus.join("fixtures");
    let manifest = std::fs::read_to_string(fx.join("MANIFEST.tsv")).expect("manifest");
    let (mut agree, mut total, mut uri_resources, mut variables) = (0, 0, 0, 0);
    let (mut integration_requests, mut context_paths, mut credentials) = (0, 0, 0);
    let mut intrinsics = 0;
    let mut other = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, expected) = (cols[0], cols[4]);
        total += 1;
        let errs = errors(&fx.join(path));
        let ours = if errs.is_empty() { "valid" } else { "invalid" };
        if ours == expected {
            agree += 1;
        } else if expected == "valid" && errs.iter().all(|(c, _)| *c == "ASL401") {
            // AWS requires an ARN (INVALID_RESOURCE); statelint accepts any URI such as "a:b".
            uri_resources += 1;
        } else if expected == "valid" && errs.iter().all(|(c, _)| *c == "ASL408") {
            // A service integration without the request field its API requires (a
            // `lambda:invoke` Task with no FunctionName): AWS checks optimized-integration
            // requests (SCHEMA_VALIDATION_FAILED), and the call fails on every run anyway;
            // statelint does not look at Parameters.
            integration_requests += 1;
            other.push(format!(
                "{path} (expected {expected}, integration request): {errs:?}"
            ));
        } else if expected == "valid" && errs.iter().all(|(c, _)| *c == "ASL604" || *c == "ASL605")
        {
            // ASL604: AWS variable names are identifiers (no `-`), which the peers do not
            // check. ASL605: the definition deploys, but reading a variable that no path
            // assigns fails every run (States.Runtime), so asl-lint reports it.
            variables += 1;
            other.push(format!("{path} (expected {expected}, variables): {errs:?}"));
        } else if expected == "valid"
            && errs.iter().any(|(c, _)| *c == "ASL112")
            && errs.iter().all(|(c, m)| {
                *c == "ASL401" || (*c == "ASL110" || *c == "ASL112") && m.contains("Credentials")
            })
        {
            // The spec makes `Credentials` a payload template; AWS takes only `RoleArn`
            // (or `RoleArn.$`) there and refuses `{}` or any other field when the state
            // machine is created (localstack's AWS-validated test_invalid_credentials_field).
            credentials += 1;
            other.push(format!(
                "{path} (expected {expected}, credentials): {errs:?}"
            ));
        } else if expected == "valid"
            && errs.iter().any(|(c, _)| *c == "ASL307")
            && errs.iter().all(|(c, _)| *c == "ASL307" || *c == "ASL401")
        {
            // ASL307: a context path such as `$$.z` or `$$.mapItems` names no field of the
            // Context object. Step Functions deploys it (statelint checks only the path
            // syntax), then every run fails with States.Runtime when the path is read.
            context_paths += 1;
            other.push(format!(
                "{path} (expected {expected}, context path): {errs:?}"
            ));
        } else if expected == "valid" && errs.iter().all(|(c, _)| *c == "ASL811") {
            // ASL811: a CloudFormation intrinsic (`{"Fn::GetAtt": ...}`) in a file of its
            // own. The peer accepts it as a template would hold it; nothing resolves it
            // in a file, and Step Functions gets an object where the Resource ARN belongs.
            intrinsics += 1;
            other.push(format!(
                "{path} (expected {expected}, intrinsics in a file): {errs:?}"
            ));
        } else {
            other.push(format!("{path} (expected {expected}): {errs:?}"));
        }
    }
    let pct = 100.0 * agree as f64 / total as f64;
    let justified =
        uri_resources + variables + integration_requests + context_paths + credentials + intrinsics;
    let pct_adj = 100.0 * (agree + justified) as f64 / total as f64;
    eprintln!(
        "fixture agreement: {agree}/{total} = {pct:.1}% ({pct_adj:.1}% counting the {uri_resources} non-ARN Resource fixtures AWS rejects, the {variables} variable misuses, the {integration_requests} integration requests without a required field, the {context_paths} context paths that name no Context object field, the {credentials} Credentials without RoleArn and the {intrinsics} definition files with CloudFormation intrinsics)"
    );
    for o in &other {
        eprintln!("  disagree: {o}");
    }
    // A floor that catches regressions; the figure itself is printed above.
    assert!(pct_adj >= 85.0, "agreement fell to {pct_adj:.1}%");
}

/// Every fix, unsafe ones included, applied to every extracted definition: no fix may
/// break the syntax, and none may leave a definition with more errors than it had.
/// (An unsafe fix is a guess, so warnings may move: ASL304's `.$` makes a literal that
/// names a variable read it, which ASL605 then reports on AWS's own "literals" test
/// definitions.)
#[test]
fn fixes_never_add_errors_on_the_corpus() {
    let Some(dir) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("extracted"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".asl.json"))
        .collect();
    files.sort();
    let options = LintOptions::default();
    let (mut fixed_files, mut applied) = (0, 0);
    for path in &files {
        let linted = lint_bytes(&std::fs::read(path).unwrap(), path.to_str(), &options);
        if linted.diagnostics.iter().all(|d| d.fixes.is_empty()) {
            continue;
        }
        let kind = linted.kind;
        let lint = |text: &str| asl_lint::lint_text(text, kind, &options);
        let errors = |ds: &[asl_lint::Diagnostic]| {
            ds.iter()
                .filter(|d| d.severity == Severity::Error && d.code != "ASL605")
                .count()
        };
        let before = errors(&linted.diagnostics);
        let outcome =
            asl_lint::fix::fix_text(&linted.text, None, linted.diagnostics.clone(), true, &lint);
        let after = lint(&outcome.text);
        assert!(
            !after
                .iter()
                .any(|d| matches!(d.code, "ASL001" | "ASL002" | "ASL003"))
                || linted
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.code, "ASL001" | "ASL002")),
            "{}: a fix broke the syntax\n{}",
            path.display(),
            outcome.text
        );
        assert!(
            errors(&after) <= before,
            "{}: {} errors before the fixes, {} after: {:?}\n{}",
            path.display(),
            before,
            errors(&after),
            after
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect::<Vec<_>>(),
            outcome.text
        );
        fixed_files += 1;
        applied += outcome.applied;
    }
    eprintln!(
        "{applied} fixes applied in {fixed_files} of {} definitions",
        files.len()
    );
    assert!(
        fixed_files > 150 && applied > 250,
        "{fixed_files} files, {applied} fixes"
    );
}
