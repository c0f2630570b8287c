//! The CI-facing side of `asl-lint check`: templates, config files, output formats
//! (SARIF validated against the SARIF 2.1.0 schema), fixes and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const CFN: &str = "tests/fixtures/ci/cfn-template.json";
const SAM: &str = "tests/fixtures/ci/sam/template.json";

fn json_items(o: &Output) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&stdout(o))
        .expect("json output")
        .as_array()
        .unwrap()
        .clone()
}

/// (path, code, message) of each diagnostic.
fn path_code_messages(items: &[serde_json::Value]) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    items
        .iter()
        .map(|i| (text(&i["path"]), text(&i["code"]), text(&i["message"])))
        .collect()
}

/// (code, line, column, end line, end column) of each diagnostic.
fn positions(items: &[serde_json::Value]) -> Vec<(String, u64, u64, u64, u64)> {
    items
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["start"]["line"].as_u64().unwrap(),
                i["start"]["column"].as_u64().unwrap(),
                i["end"]["line"].as_u64().unwrap(),
                i["end"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn template_diagnostics_are_at_exact_positions_in_the_template() {
    let o = run(&["check", CFN, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let items = json_items(&o);
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(CFN)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // What each diagnostic points at, read back from the template through line/column.
    let pointed: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            let line = lines[i["start"]["line"].as_u64().unwrap() as usize - 1];
            let (s, e) = (
                i["start"]["column"].as_u64().unwrap() as usize - 1,
                i["end"]["column"].as_u64().unwrap() as usize - 1,
            );
            let chars: Vec<char> = line.chars().collect();
            (
                i["code"].as_str().unwrap().to_string(),
                chars[s..e.max(s)].iter().collect(),
            )
        })
        .collect();
    let expect = |c: &str, t: &str| (c.to_string(), t.to_string());
    assert_eq!(
        pointed,
        vec![
            // `${ValidateArn}` is an Fn::Sub variable whose value is an intrinsic: known
            // but computed, so not reported as unresolved.
            expect("ASL201", r#"\"Chrage\""#),
            // The typo cuts off "Charge" (reported), and "Done" only through it.
            expect("ASL205", r#"\"Charge\""#),
            // The DefinitionString that is not valid JSON: at the missing comma.
            expect("ASL001", ""),
            // `"B": 1` is no state: ASL103 says so (it is not also "unreachable").
            expect("ASL103", "1"),
        ]
    );
    assert_eq!(positions(&items)[2], ("ASL001".to_string(), 18, 94, 18, 94));
    // `${Then}` had a literal value in the Fn::Sub map: substituted, so "Charge"
    // leads to "Done" and nothing is said about `${Then}`.
    assert!(!stdout(&o).contains("${Then}"));
}

#[test]
fn sam_definition_uri_substitutions_and_comment_suppressions() {
    let o = run(&["check", SAM, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let items = json_items(&o);
    assert_eq!(
        positions(&items),
        vec![
            ("ASL802".to_string(), 10, 39, 10, 68),
            ("ASL205".to_string(), 22, 13, 22, 20),
        ]
    );
    assert_eq!(
        items[0]["message"],
        "DefinitionUri of \"Missing\" names `statemachines/good.asl.json`, which does not exist"
    );
    // The full format shows the did-you-mean, relative to the template's folder.
    let o = run(&["check", SAM, "--color", "never"]);
    assert!(
        stdout(&o).contains("help: did you mean `statemachine/good.asl.json`?"),
        "{}",
        stdout(&o)
    );
}

fn sarif_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The published schema's `language` patterns (of `run` and `toolComponent`) have a
    // stray `]` ("...-[a-zA-Z]{2}]?$"), which is not a valid regular expression; drop
    // that one character so the schema compiles. We never emit `language`.
    fn patch(v: &mut serde_json::Value, fixed: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *x = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}?$".into();
                        *fixed += 1;
                    } else {
                        patch(x, fixed);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| patch(x, fixed)),
            _ => {}
        }
    }
    let mut fixed = 0;
    patch(&mut schema, &mut fixed);
    assert_eq!(fixed, 2);
    schema
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let o = run(&[
        "check",
        CFN,
        SAM,
        "examples/order-with-mistakes.asl.json",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let schema = sarif_schema();
    let validator = jsonschema::options()
        .should_validate_formats(false)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema really checks: a result without a message is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));

    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), asl_lint::rules::RULES.len());
    let r201 = rules.iter().find(|r| r["id"] == "ASL201").unwrap();
    assert_eq!(r201["name"], "unknown-next-state");
    // No links while asl-lint has no public repository: they would lead nowhere.
    assert_eq!(env!("CARGO_PKG_REPOSITORY"), "");
    assert_eq!(r201.get("helpUri"), None);
    assert_eq!(run0["tool"]["driver"].get("informationUri"), None);
    // Each result's ruleIndex points at its rule.
    for r in run0["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    // Rule indexes move when rules are added: checked above, left out of the snapshot.
    let mut results = run0["results"].clone();
    for r in results.as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("ruleIndex");
    }
    insta::assert_json_snapshot!("sarif_results", results);
}

#[test]
fn github_annotations() {
    let o = run(&["check", CFN, SAM, "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("github_annotations", stdout(&o));
    for line in stdout(&o).lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        // The message part holds no raw line break and no unescaped `%`.
        let msg = line.splitn(3, "::").nth(2).unwrap();
        assert!(!msg.contains('\n'));
    }
}

#[test]
fn gitlab_code_quality_report() {
    let o = run(&["check", CFN, SAM, "--format", "gitlab"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("gitlab_code_quality", stdout(&o));
    let issues = json_items(&o);
    // GitLab keeps one issue per fingerprint: all differ, even for one message
    // reported twice in a file.
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len());

    // Lines added above a problem move it but keep its fingerprint, so GitLab does
    // not list it as resolved and found again; one message reported twice (two
    // states going nowhere) gets two fingerprints.
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Nowhere"},
  "B": {"Type": "Pass", "Next": "Nowhere"}}}"#;
    let issues = |text: &str| {
        std::fs::write(dir.path().join("m.asl.json"), text).unwrap();
        let o = bin()
            .current_dir(dir.path())
            .args([
                "check",
                "m.asl.json",
                "--format",
                "gitlab",
                "--select",
                "ASL201",
            ])
            .output()
            .unwrap();
        json_items(&o)
            .iter()
            .map(|i| {
                (
                    i["fingerprint"].as_str().unwrap().to_string(),
                    i["location"]["lines"]["begin"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = issues(text);
    let after = issues(&format!("\n\n{text}"));
    assert_eq!(before.iter().map(|i| i.1).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(after.iter().map(|i| i.1).collect::<Vec<_>>(), [4, 5]);
    assert_ne!(before[0].0, before[1].0);
    assert_eq!(
        before.iter().map(|i| &i.0).collect::<Vec<_>>(),
        after.iter().map(|i| &i.0).collect::<Vec<_>>()
    );
}

#[test]
fn reports_carry_the_files_that_could_not_be_read() {
    // The run exits 2; the reports CI keeps must not read as a pass.
    let junit = run(&["check", "missing.asl.json", "--format", "junit"]);
    assert_eq!(junit.status.code(), Some(2));
    let xml = stdout(&junit);
    assert!(
        xml.contains(r#"<testsuites name="asl-lint" tests="1" failures="0" errors="1">"#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<error message="missing.asl.json: no such file or directory" type="error">"#
        ),
        "{xml}"
    );
    let sarif = run(&[
        "check",
        "missing.asl.json",
        "examples/support-ticket.asl.json",
        "--format",
        "sarif",
    ]);
    assert_eq!(sarif.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"],
        serde_json::json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": "missing.asl.json: no such file or directory"}}
            ]
        }])
    );
    let validator = jsonschema::options()
        .should_validate_formats(false)
        .build(&sarif_schema())
        .expect("schema compiles");
    assert!(validator.is_valid(&log));
}

#[test]
fn junit_report() {
    let o = run(&[
        "check",
        CFN,
        "examples/support-ticket.asl.json",
        "--format",
        "junit",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    insta::assert_snapshot!("junit", xml);
    // A file without problems is one passing test case; each diagnostic a failing one.
    let count = |s: &str| xml.matches(s).count();
    assert_eq!(count("<testsuite "), 2);
    assert_eq!(count("<failure "), 4);
    assert_eq!(
        count(r#"<testcase name="no problems" classname="examples/support-ticket.asl.json"/>"#),
        1
    );
    assert!(xml.contains(r#"<testsuites name="asl-lint" tests="5" failures="4" errors="0">"#));
    // What does not fail the run fails no test: with --fail-on never the problems are
    // passed test cases that carry the finding as their output.
    let o = run(&["check", CFN, "--format", "junit", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let xml = stdout(&o);
    assert!(
        xml.contains(r#"<testsuites name="asl-lint" tests="4" failures="0" errors="0">"#),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 0);
    assert_eq!(xml.matches("<system-out>").count(), 4);
}

#[test]
fn statistics_count_codes() {
    let o = run(&["check", CFN, SAM, "--statistics"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "2  ASL205  error    unreachable-state\n\
         1  ASL001  error    syntax-error\n\
         1  ASL103  error    missing-state-type\n\
         1  ASL201  error    unknown-next-state\n\
         1  ASL802  error    missing-definition-file\n\
         Found 6 errors in 2 files.\n\
         1 fixable with `--unsafe-fixes`.\n"
    );
    let o = run(&["check", CFN, "--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Most frequent first, ties by code.
    assert_eq!(
        v,
        serde_json::json!([
            {"code": "ASL001", "name": "syntax-error", "severity": "error", "count": 1},
            {"code": "ASL103", "name": "missing-state-type", "severity": "error", "count": 1},
            {"code": "ASL201", "name": "unknown-next-state", "severity": "error", "count": 1},
            {"code": "ASL205", "name": "unreachable-state", "severity": "error", "count": 1}
        ])
    );
}

/// The severity shown is the one in force after `[severity]`, as in every other format;
/// a rule configured apart in two folders has a row per severity, the higher first.
#[test]
fn statistics_show_the_severity_in_force() {
    let machine = r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "B"}]}, "B": {"Type": "Succeed"}, "Z": {"Type": "Succeed"}}}"#;
    let dir = temp_project(&[
        (
            "asl-lint.toml",
            "[severity]\nASL205 = \"warning\"\nASL703 = \"error\"\n",
        ),
        ("a.asl.json", machine),
        ("b.asl.json", machine),
        ("other/asl-lint.toml", ""),
        ("other/c.asl.json", machine),
    ]);
    let o = run_in(dir.path(), &["check", "--statistics", "."]);
    assert_eq!(
        stdout(&o),
        "2  ASL205  warning  unreachable-state\n\
         2  ASL703  error    choice-without-default\n\
         1  ASL205  error    unreachable-state\n\
         1  ASL703  info     choice-without-default\n\
         Found 3 errors, 2 warnings, 1 info in 3 files.\n"
    );
    assert_eq!(o.status.code(), Some(1));
    let o = run_in(
        dir.path(),
        &["check", "--statistics", "--format", "json", "a.asl.json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"code": "ASL205", "name": "unreachable-state", "severity": "warning", "count": 1},
            {"code": "ASL703", "name": "choice-without-default", "severity": "error", "count": 1}
        ])
    );
}

fn temp_project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

const BROKEN: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Bx"},
  "B": {"Type": "Succeed"}
}}
"#;

#[test]
fn config_files_select_ignore_severity_and_errors() {
    let dir = temp_project(&[
        ("sfn/a.asl.json", BROKEN),
        ("legacy/b.asl.json", BROKEN),
        (
            "asl-lint.toml",
            "[per-file-ignores]\n\"legacy/**\" = [\"ASL2\"]\n\n[severity]\nASL205 = \"warning\"\n",
        ),
    ]);
    let o = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "sfn/a.asl.json:2:33: ASL201 [error] Next names \"Bx\", which is not a state of the top level\n\
         sfn/a.asl.json:3:3: ASL205 [warning] state \"B\" is not reachable from StartAt\n\
         Found 1 error, 1 warning in 1 file.\n\
         1 fixable with `--unsafe-fixes`.\n"
    );
    // --ignore on the command line adds to the file's.
    let o = run_in(dir.path(), &["check", ".", "--ignore", "ASL201"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // An unknown key is an error with its position; exit 2.
    std::fs::write(
        dir.path().join("sfn/.asl-lint.toml"),
        "ignore = []\nselect_all = true\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(".asl-lint.toml:2:1: unknown field `select_all`"),
        "{err}"
    );
    // --config overrides the files found by walking up.
    std::fs::write(dir.path().join("strict.toml"), "select = [\"ASL205\"]\n").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--config",
            "strict.toml",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches("ASL205").count(), 2);
    assert!(!stdout(&o).contains("ASL201"));
    let o = run_in(dir.path(), &["check", ".", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fix_diff_and_unsafe_fixes() {
    let dir = temp_project(&[("m.asl.json", BROKEN)]);
    let path = dir.path().join("m.asl.json");
    // --diff shows the unsafe did-you-mean fix only with --unsafe-fixes, and writes nothing.
    let o = run_in(dir.path(), &["check", "m.asl.json", "--diff"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
    let o = run_in(
        dir.path(),
        &["check", "m.asl.json", "--diff", "--unsafe-fixes"],
    );
    assert_eq!(o.status.code(), Some(1));
    // As many problems as `--unsafe-fixes` then says it fixed.
    assert!(
        stderr(&o).contains("Would fix 2 problems in 1 file."),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stdout(&o),
        "--- a/m.asl.json\n+++ b/m.asl.json\n@@ -1,4 +1,4 @@\n {\"StartAt\": \"A\", \"States\": {\n-  \"A\": {\"Type\": \"Pass\", \"Next\": \"Bx\"},\n+  \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n   \"B\": {\"Type\": \"Succeed\"}\n }}\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BROKEN);
    // A run told never to fail does not fail on pending fixes either.
    for never in [&["--exit-zero"][..], &["--fail-on", "never"]] {
        let mut args = vec!["check", "m.asl.json", "--diff", "--unsafe-fixes"];
        args.extend_from_slice(never);
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{never:?}");
        assert!(stdout(&o).starts_with("--- a/m.asl.json"));
    }
    // --unsafe-fixes writes; the file is then clean.
    let o = run_in(dir.path(), &["check", "m.asl.json", "--unsafe-fixes"]);
    // (The unreachable "B" is fixed with the name: two problems.)
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stderr(&o).contains("Fixed 2 problems in 1 file."));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        BROKEN.replace("\"Bx\"", "\"B\"")
    );
}

/// A file with a syntax error is not fixed: its reader recovered a tree the fixes
/// would be placed by (here `B`'s `Next` is lost after the unclosed `{`), and nothing of
/// it is counted as fixable.
#[test]
fn text_with_a_syntax_error_is_not_fixed() {
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: {draft\n    Next: B\n  B:\n    Type: Succeed\n";
    let dir = temp_project(&[("m.asl.yaml", text)]);
    let o = run_in(dir.path(), &["check", "m.asl.yaml", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("ASL001"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("Fixed"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.asl.yaml")).unwrap(),
        text
    );
    let o = run_in(dir.path(), &["check", "m.asl.yaml"]);
    assert!(!stderr(&o).contains("fixable"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("fixable"), "{}", stdout(&o));
}

/// The same inside a template: a definition string that does not read (a raw line
/// break in a JSON string) gets no fixes, though the template around it reads.
#[test]
fn a_definition_string_with_a_syntax_error_is_not_fixed() {
    let text = "Resources:\n  SM:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: |\n        {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"x\n        y\", \"Next\": \"B\"},\n         \"B\": {\"Type\": \"Succeed\"}}}\n";
    let dir = temp_project(&[("template.yaml", text)]);
    let o = run_in(dir.path(), &["check", "template.yaml", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o)
            .contains("error[ASL001]: a line break inside a JSON string must be written `\\n`"),
        "{}",
        stdout(&o)
    );
    assert!(!stderr(&o).contains("Fixed"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("template.yaml")).unwrap(),
        text
    );
    let o = run_in(dir.path(), &["check", "template.yaml"]);
    assert!(!stdout(&o).contains("fixable"), "{}", stdout(&o));
}

/// `--fix` alone applies safe fixes (ASL709's key renames) and leaves unsafe ones, in a
/// definition file and in a definition inline in a SAM template.
#[test]
fn fix_applies_safe_fixes_only() {
    let legacy = "StartAt: M\nStates:\n  M:\n    Type: Map\n    Parameters:\n      v.$: $$.Map.Item.Value\n    Iterator:\n      StartAt: P\n      States:\n        P: {Type: Pass, Next: Px}\n        Px: {Type: Succeed}\n    Next: Donex\n  Done: {Type: Succeed}\n";
    let sam = format!(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Enrol:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n{}",
        legacy
            .lines()
            .map(|l| format!("        {l}\n"))
            .collect::<String>()
    );
    let dir = temp_project(&[("m.asl.yaml", legacy), ("template.yaml", &sam)]);
    let o = run_in(dir.path(), &["check", ".", "--fix", "--format", "concise"]);
    // The unknown Next "Donex" (an unsafe did-you-mean) is left, so the run still fails.
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("Fixed 4 problems in 2 files."),
        "{}",
        stderr(&o)
    );
    let renamed = legacy
        .replace("Parameters:", "ItemSelector:")
        .replace("Iterator:", "ItemProcessor:");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.asl.yaml")).unwrap(),
        renamed
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("template.yaml")).unwrap(),
        sam.replace("Parameters:", "ItemSelector:")
            .replace("Iterator:", "ItemProcessor:")
    );
    assert!(!stdout(&o).contains("ASL709"), "{}", stdout(&o));
    assert_eq!(stdout(&o).matches("ASL201").count(), 2, "{}", stdout(&o));
}

#[test]
fn fixes_inside_a_template_string_are_escaped_for_it() {
    let dir = temp_project(&[(
        "template.json",
        r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bx\"}, \"B\": {\"Type\": \"Succeed\"}}}"
}}}}
"#,
    )]);
    let o = run_in(dir.path(), &["check", ".", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let fixed = std::fs::read_to_string(dir.path().join("template.json")).unwrap();
    assert!(fixed.contains(r#"\"Next\": \"B\"}"#), "{fixed}");
}

#[test]
fn files_that_are_not_utf8_are_never_written() {
    let mut bytes = BROKEN.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\n");
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("m.asl.json");
    std::fs::write(&path, &bytes).unwrap();
    let o = run_in(dir.path(), &["check", "m.asl.json", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        run(&["check", CFN, "--select", "ASL9Q"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["check", "no/such/file.json"]).status.code(), Some(2));
    assert_eq!(
        run(&["check", CFN, "--fail-on", "never"]).status.code(),
        Some(0)
    );
}

#[test]
fn config_schema_accepts_what_the_reader_accepts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/asl-lint.config.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = r#"
select = ["ASL", "unknown-next-state"]
ignore = ["ASL801"]
include = ["infra/**/*.sfn.json"]
exclude = ["cdk.out/**"]
workflow-type = "express"
[per-file-ignores]
"tests/**" = ["ASL2"]
[severity]
ASL205 = "warning"
[placeholders]
mode = "literal"
values = { Environment = "prod", Timeout = 30 }
"#;
    assert!(asl_lint::config::Config::parse(good, Path::new("asl-lint.toml")).is_ok());
    let as_json =
        |t: &str| serde_json::to_value(toml::from_str::<toml::Value>(t).unwrap()).unwrap();
    assert!(validator.is_valid(&as_json(good)));
    for bad in [
        "selct = [\"ASL\"]",
        "[placeholders]\nmode = \"maybe\"",
        "[severity]\nASL205 = \"fatal\"",
        "workflow-type = \"fast\"",
    ] {
        assert!(!validator.is_valid(&as_json(bad)), "{bad}");
        assert!(
            asl_lint::config::Config::parse(bad, Path::new("asl-lint.toml")).is_err(),
            "{bad}"
        );
    }
}

const SAM_URI: &str = "tests/fixtures/ci/sam-uri";
const ORDERS: &str = "tests/fixtures/ci/sam-uri/statemachine/orders.asl.json";

/// A SAM template's `DefinitionUri` file is linted with its `DefinitionSubstitutions`
/// and its `Type: EXPRESS`, and reported under its own path at its own positions.
#[test]
fn definition_uri_files_are_linted_as_the_template_deploys_them() {
    let template = "tests/fixtures/ci/sam-uri/template.yaml";
    let expected = vec![
        // `${Then}` is "Ship": the unknown target is shown at the placeholder.
        ("ASL201".to_string(), 6, 60, 6, 69),
        ("ASL704".to_string(), 7, 5, 7, 14),
        // The template says EXPRESS.
        ("ASL407".to_string(), 7, 76, 7, 93),
        // `ChargeArn` (an intrinsic) and `Delay` are known; `Region` is not given.
        // `${Region}` is not among the substitutions: nothing fills it.
        ("ASL806".to_string(), 9, 38, 9, 47),
    ];
    // The same report whether the walk finds both files, or both, or only the template,
    // or only the file are named: the referenced file is linted once, with the
    // substitutions (alone, as the template of its project deploys it).
    for args in [
        vec![SAM_URI],
        vec![ORDERS, template],
        vec![template, ORDERS],
        vec![template],
        vec![ORDERS],
    ] {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args.iter().copied());
        let o = run(&all);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let items = json_items(&o);
        assert_eq!(positions(&items), expected, "{args:?}");
        assert!(items.iter().all(|i| i["path"] == ORDERS), "{items:?}");
    }

    // github and sarif name the referenced file, with the same positions.
    let o = run(&["check", "--format", "github", SAM_URI]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().map(|l| l.split("::").nth(1).unwrap()).collect();
    assert_eq!(
        lines,
        vec![
            "error file=tests/fixtures/ci/sam-uri/statemachine/orders.asl.json,line=6,col=60,endLine=6,endColumn=69,title=ASL201 (unknown-next-state)",
            "notice file=tests/fixtures/ci/sam-uri/statemachine/orders.asl.json,line=7,col=5,endLine=7,endColumn=14,title=ASL704 (lambda-without-retry)",
            "error file=tests/fixtures/ci/sam-uri/statemachine/orders.asl.json,line=7,col=76,endLine=7,endColumn=93,title=ASL407 (express-unsupported-pattern)",
            "error file=tests/fixtures/ci/sam-uri/statemachine/orders.asl.json,line=9,col=38,endLine=9,endColumn=47,title=ASL806 (unfilled-placeholder)",
        ]
    );
    let o = run(&["check", "--format", "sarif", SAM_URI]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let regions: Vec<(String, String, u64, u64)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        vec![
            ("ASL201".to_string(), ORDERS.to_string(), 6, 60),
            ("ASL704".to_string(), ORDERS.to_string(), 7, 5),
            ("ASL407".to_string(), ORDERS.to_string(), 7, 76),
            ("ASL806".to_string(), ORDERS.to_string(), 9, 38),
        ]
    );
    // The full format shows the placeholder line of the referenced file.
    let o = run(&["check", "--color", "never", SAM_URI]);
    assert!(
        stdout(&o).contains(
            "6 │     \"Pause\": {\"Type\": \"Wait\", \"Seconds\": ${Delay}, \"Next\": \"${Then}\"},"
        ),
        "{}",
        stdout(&o)
    );
}

/// A temporary folder holding the SAM template of `SAM_URI` and an empty
/// `statemachine/` folder for the file it references.
fn sam_uri_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("statemachine")).unwrap();
    std::fs::copy(
        Path::new(SAM_URI).join("template.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    dir
}

/// `exclude` in asl-lint.toml covers the files templates reference too: an excluded
/// `DefinitionUri` file is not linted for the template, unless it is named itself.
#[test]
fn excluded_referenced_files_are_not_linted() {
    let dir = sam_uri_copy();
    let root = dir.path();
    std::fs::copy(ORDERS, root.join("statemachine/orders.asl.json")).unwrap();
    std::fs::write(
        root.join("asl-lint.toml"),
        "exclude = [\"statemachine/**\"]\n",
    )
    .unwrap();
    let template = root.join("template.yaml");
    let orders = root.join("statemachine/orders.asl.json");
    // The walk and the template alone: nothing is linted in the excluded file.
    for args in [
        vec![root.to_str().unwrap()],
        vec![template.to_str().unwrap()],
    ] {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args.iter().copied());
        let o = run(&all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(json_items(&o), Vec::<serde_json::Value>::new(), "{args:?}");
    }
    // Named with its template, it is linted as the template deploys it.
    let o = run(&[
        "check",
        "--format",
        "json",
        template.to_str().unwrap(),
        orders.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let codes: Vec<String> = json_items(&o)
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, vec!["ASL201", "ASL704", "ASL407", "ASL806"]);
}

/// A referenced file that is not UTF-8 is reported (ASL004) as the same file alone is.
#[test]
fn referenced_files_that_are_not_utf8_are_reported() {
    let dir = sam_uri_copy();
    let root = dir.path();
    let orders = root.join("statemachine/orders.asl.json");
    std::fs::write(
        &orders,
        b"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Comment\": \"caf\xe9\", \"End\": true}}}",
    )
    .unwrap();
    let shown = |o: &Output| -> Vec<(String, u64, u64, String)> {
        json_items(o)
            .iter()
            .map(|i| {
                (
                    i["code"].as_str().unwrap().to_string(),
                    i["start"]["line"].as_u64().unwrap(),
                    i["start"]["column"].as_u64().unwrap(),
                    i["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let through_template = run(&[
        "check",
        "--format",
        "json",
        root.join("template.yaml").to_str().unwrap(),
    ]);
    let alone = run(&["check", "--format", "json", orders.to_str().unwrap()]);
    assert_eq!(through_template.status.code(), Some(1));
    assert_eq!(
        shown(&through_template),
        vec![(
            "ASL004".to_string(),
            1,
            66,
            "invalid UTF-8 (byte 0xE9 at offset 65); the file must be UTF-8 text".to_string()
        )]
    );
    assert_eq!(shown(&through_template), shown(&alone));
}

/// A file referenced by two state machines is linted with each one's substitutions;
/// fixes apply to it (checked against both), and never inside a spliced value.
#[test]
fn referenced_files_shared_and_fixed() {
    let dir = temp_project(&[
        (
            "template.yaml",
            "Resources:\n  A:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/m.asl.json\n      DefinitionSubstitutions:\n        Then: Done\n  B:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      StateMachineType: EXPRESS\n      DefinitionS3Location: ./sm/m.asl.json\n      DefinitionSubstitutions:\n        Then: Dne\n",
        ),
        (
            "sm/m.asl.json",
            "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"Bx\"},\n  \"B\": {\"Type\": \"Pass\", \"Next\": \"${Then}\"},\n  \"Done\": {\"Type\": \"Succeed\"}}}\n",
        ),
    ]);
    // Only the did-you-mean for `Bx` is fixable: `Dne` comes from B's substitutions.
    let o = run_in(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(
        stdout(&o),
        "sm/m.asl.json:2:33: ASL201 [error] Next names \"Bx\", which is not a state of the top level\n\
         sm/m.asl.json:3:3: ASL205 [error] state \"B\" is not reachable from StartAt\n\
         sm/m.asl.json:3:33: ASL201 [error] Next names \"Dne\", which is not a state of the top level (as \"B\" in template.yaml deploys it)\n\
         sm/m.asl.json:4:3: ASL205 [error] state \"Done\" is not reachable from StartAt (as \"B\" in template.yaml deploys it)\n\
         Found 4 errors in 1 file.\n\
         1 fixable with `--unsafe-fixes`.\n"
    );
    let o = run_in(
        dir.path(),
        &["check", "--unsafe-fixes", "--format", "concise", "."],
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    // `Dne` comes from B's substitutions: not fixable in the file, still reported.
    assert_eq!(
        stdout(&o),
        "sm/m.asl.json:3:33: ASL201 [error] Next names \"Dne\", which is not a state of the top level (as \"B\" in template.yaml deploys it)\n\
         sm/m.asl.json:4:3: ASL205 [error] state \"Done\" is not reachable from StartAt (as \"B\" in template.yaml deploys it)\n\
         Found 2 errors in 1 file.\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sm/m.asl.json")).unwrap(),
        "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n  \"B\": {\"Type\": \"Pass\", \"Next\": \"${Then}\"},\n  \"Done\": {\"Type\": \"Succeed\"}}}\n"
    );
}

/// `workflow-type = "express"` in asl-lint.toml makes standalone definitions Express;
/// a template's own type wins for its definitions.
#[test]
fn config_workflow_type_for_standalone_files() {
    let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true}}}"#;
    let template = format!(
        "{{\"Resources\": {{\"M\": {{\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {{\"StateMachineType\": \"STANDARD\", \"Definition\": {def}}}}}}}}}"
    );
    let dir = temp_project(&[
        ("asl-lint.toml", "workflow-type = \"express\"\n"),
        ("m.asl.json", def),
        ("template.json", &template),
    ]);
    let o = run_in(
        dir.path(),
        &["check", "--format", "concise", "--select", "ASL407", "."],
    );
    assert_eq!(
        stdout(&o),
        "m.asl.json:1:92: ASL407 [error] \"A\" waits for a job to finish (.sync), which an Express workflow does not support: Express workflows call services with request-response only\n\
         Found 1 error in 1 file.\n"
    );
    std::fs::write(dir.path().join("asl-lint.toml"), "").unwrap();
    let o = run_in(dir.path(), &["check", "--select", "ASL407", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

const TERRAFORM: &str = "tests/fixtures/ci/terraform";

/// A Terraform file's state machines: a heredoc and a `jsonencode` object are linted
/// where they are written; a file
/// read by `templatefile` (or through a `template_file` data source) is linted with the
/// variables given and the resource's `type`, under its own path; a missing file and
/// a definition Terraform computes are reported at the `definition`.
#[test]
fn terraform_definitions_are_linted_where_they_are() {
    let o = run(&["check", "--format", "json", TERRAFORM]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let items = json_items(&o);
    let found: Vec<(String, String, u64, u64, u64, u64)> = items
        .iter()
        .zip(positions(&items))
        .map(|(i, (code, l, c, el, ec))| {
            let path = i["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (file, code, l, c, el, ec)
        })
        .collect();
    let at = |f: &str, c: &str, l, col, el, ec| (f.to_string(), c.to_string(), l, col, el, ec);
    assert_eq!(
        found,
        vec![
            // The heredoc: positions in main.tf; `${...}` there is Terraform's to fill.
            at("main.tf", "ASL201", 19, 56, 19, 61),
            at("main.tf", "ASL205", 20, 9, 20, 15),
            at("main.tf", "ASL803", 41, 16, 41, 30),
            // jsonencode: read as the JSON it encodes; `var.timeout` is unknown.
            at("main.tf", "ASL114", 53, 73, 53, 75),
            at("main.tf", "ASL107", 56, 36, 56, 39),
            at("main.tf", "ASL802", 63, 21, 63, 49),
            // `Region` and `Seconds` come from the data source's vars; `Alias` does not,
            // so Terraform would refuse to render the template.
            at("legacy.asl.json", "ASL704", 5, 5, 5, 13),
            at("legacy.asl.json", "ASL806", 5, 99, 5, 107),
            // `Then = "Shipp"` names no state; `type = "EXPRESS"` forbids `.sync`.
            at("orders.asl.json", "ASL201", 5, 68, 5, 77),
            at("orders.asl.json", "ASL205", 6, 5, 6, 11),
            at("orders.asl.json", "ASL407", 6, 71, 6, 76),
        ]
    );
    assert_eq!(
        items[2]["message"],
        "the definition of \"aws_sfn_state_machine.computed\" is `var.definition`, which asl-lint does not evaluate; it was not checked"
    );
    assert_eq!(
        items[5]["message"],
        "the definition of \"aws_sfn_state_machine.gone\" names `statemachine/gone.asl.json`, which does not exist"
    );
    // A fix in the heredoc edits the .tf file in place.
    let o = run(&[
        "check",
        "--diff",
        "--unsafe-fixes",
        "--select",
        "ASL201",
        &format!("{TERRAFORM}/main.tf"),
    ]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "-        \"Wait\": {\"Type\": \"Wait\", \"Seconds\": 5, \"Next\": \"Dne\"},\n+        \"Wait\": {\"Type\": \"Wait\", \"Seconds\": 5, \"Next\": \"Done\"},"
        ),
        "{out}"
    );
    // In a jsonencode object a fix would write JSON into HCL: none is offered.
    let o = run(&[
        "check",
        "--diff",
        "--unsafe-fixes",
        "--select",
        "ASL107",
        &format!("{TERRAFORM}/main.tf"),
    ]);
    assert_eq!(stdout(&o), "", "{}", stderr(&o));
    // `--diff` fails only when there is something to change.
    assert_eq!(o.status.code(), Some(0));
    // simulate refuses a state machine Terraform would not render, at the token.
    let o = run(&[
        "simulate",
        &format!("{TERRAFORM}/main.tf"),
        "--definition",
        "legacy",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "{TERRAFORM}/statemachine/legacy.asl.json:5:99: ASL806 `Alias` is not a variable of the template: Terraform refuses to render the definition of \"aws_sfn_state_machine.legacy\" (vars map does not contain key \"Alias\")\nerror: the definition has errors; fix them before simulating\n"
        )
    );
}

/// A Serverless Framework `definition: ${file(path)}` is linted as the file it names,
/// at the file's positions; its Serverless variables are unknown values (ASL801); a
/// path that names no file is ASL802 in serverless.yml.
#[test]
fn serverless_file_definitions_are_linted() {
    let dir = "tests/fixtures/ci/serverless-file";
    let o = run(&[
        "check",
        "--format",
        "json",
        &format!("{dir}/serverless.yml"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let items = json_items(&o);
    let found = path_code_messages(&items);
    let enrol = format!("{dir}/statemachines/enrol.asl.yaml");
    let serverless = format!("{dir}/serverless.yml");
    assert_eq!(
        found,
        vec![
            (
                serverless,
                "ASL802".to_string(),
                "definition of \"stateMachines.cancel\" names `./statemachines/cancel.asl.yaml`, which does not exist".to_string()
            ),
            (
                enrol.clone(),
                "ASL203".to_string(),
                "Default names \"Cancel\", which is not a state of the top level".to_string()
            ),
            (
                enrol.clone(),
                "ASL801".to_string(),
                "`${self:custom.enrolmentsTable}` is not resolved here: its value is only known at deploy time, so checks that need it are skipped".to_string()
            ),
            (
                enrol,
                "ASL205".to_string(),
                "state \"Cancelled\" is not reachable from StartAt".to_string()
            ),
        ]
    );
}

/// Files taken by their template names that hold no state machine (a Helm chart's
/// `template.yaml`, a `serverless.yml` without Step Functions, any `*.template.json`)
/// are passed over, walked or named (as the pre-commit hook names them); a template or
/// a definition under such a name is still linted.
#[test]
fn template_names_without_a_state_machine_are_passed_over() {
    let dir = temp_project(&[
        (
            "charts/web/template.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n",
        ),
        (
            "svc/serverless.yml",
            "service: api\nfunctions:\n  hello:\n    handler: h.main\n",
        ),
        ("other.template.json", "{\"name\": \"x\""),
        ("sm/template.json", BROKEN),
    ]);
    let o = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("sm/template.json:2:33: ASL201"), "{out}");
    assert!(
        !out.contains("charts") && !out.contains("svc") && !out.contains("other"),
        "{out}"
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "charts/web/template.yaml",
            "svc/serverless.yml",
            "other.template.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// The words that may make a template are only a first look: a file taken by a template
/// name is linted when its top level has a key that makes a definition or a template,
/// not when "States" or "Resources" is written in a value or a comment.
#[test]
fn template_names_are_judged_by_their_top_level_keys() {
    let dir = temp_project(&[
        (
            "form/template.yaml",
            "name: Address form\ncountry:\n  default: United States\n",
        ),
        (
            "mail/template.json",
            "{\"name\": \"welcome\", \"subject\": \"Resources for new hires\"}\n",
        ),
        ("notes/template.yml", "# Resources\ntitle: notes\n"),
        ("list/template.json", "[\"States\"]\n"),
        (
            "svc/serverless.yml",
            "service: api\nprovider: {name: aws}\nresources:\n  Resources:\n    Flow:\n      Type: AWS::StepFunctions::StateMachine\n      Properties:\n        Definition: {StartAt: A, States: {A: {Type: Pass, Next: Bx}, B: {Type: Succeed}}}\n",
        ),
    ]);
    let o = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "svc/serverless.yml:8:65: ASL201 [error] Next names \"Bx\", which is not a state of the top level\n\
         svc/serverless.yml:8:70: ASL205 [error] state \"B\" is not reachable from StartAt\n\
         Found 2 errors in 1 file.\n\
         1 fixable with `--unsafe-fixes`.\n"
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Named, as the pre-commit hook names them, and as standard input under the name.
    let named = [
        "form/template.yaml",
        "mail/template.json",
        "notes/template.yml",
        "list/template.json",
    ];
    let mut args = vec!["check", "--format", "concise"];
    args.extend(named);
    // (Passed over as a Helm chart's `template.yaml` is: no diagnostics.)
    let o = run_in(dir.path(), &args);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "All checks passed (4 files).\n")
    );
    assert_eq!(stderr(&o), "");
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "form/template.yaml",
        ])
        .stdin(std::fs::File::open(dir.path().join("form/template.yaml")).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "All checks passed (1 file).\n")
    );
    // Under a definition's name the same text is linted, and is no state machine.
    let text = std::fs::read(dir.path().join("form/template.yaml")).unwrap();
    std::fs::write(dir.path().join("form/form.asl.yaml"), text).unwrap();
    let o = run_in(dir.path(), &["check", "--format", "concise", "form"]);
    assert_eq!(
        stdout(&o),
        "form/form.asl.yaml:1:1: ASL100 [error] this is not a state machine: it has neither StartAt nor States\n\
         Found 1 error in 1 file.\n"
    );
    assert_eq!(o.status.code(), Some(1));
}

/// CI services resolve report paths from the repository root, whatever folder the job
/// runs in (`working-directory: infra`): SARIF, GitHub and GitLab paths are relative to
/// the Git work tree's root, or to `GITHUB_WORKSPACE`/`CI_PROJECT_DIR` when set; a file
/// outside it gets an absolute `file://` URI in SARIF.
#[test]
fn ci_formats_give_paths_from_the_repository_root() {
    let dir = temp_project(&[("infra/order.asl.json", BROKEN), ("repo/.git/HEAD", "x")]);
    let infra = dir.path().join("infra");
    let run_ci = |cwd: &Path, format: &str, env: Option<(&str, &Path)>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
        c.current_dir(cwd)
            .args(["check", "--format", format, "--fail-on", "never", "."])
            .env_remove("GITHUB_WORKSPACE")
            .env_remove("CI_PROJECT_DIR");
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        stdout(&c.output().unwrap())
    };
    // No repository around (a temporary folder): paths as shown.
    assert!(run_ci(&infra, "github", None).starts_with("::error file=order.asl.json,"));
    // A Git work tree around the folder.
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let sarif = run_ci(&infra, "sarif", None);
    assert!(
        sarif.contains(r#""uri": "infra/order.asl.json""#),
        "{sarif}"
    );
    assert!(run_ci(&infra, "github", None).starts_with("::error file=infra/order.asl.json,"));
    let gitlab = run_ci(&infra, "gitlab", None);
    assert!(
        gitlab.contains(r#""path": "infra/order.asl.json""#),
        "{gitlab}"
    );
    // The CI's own variable wins; outside it SARIF has an absolute URI.
    let elsewhere = dir.path().join("repo");
    let sarif = run_ci(&infra, "sarif", Some(("GITHUB_WORKSPACE", &elsewhere)));
    let expected = format!(
        r#""uri": "file://{}/infra/order.asl.json""#,
        std::fs::canonicalize(dir.path()).unwrap().display()
    );
    assert!(sarif.contains(&expected), "{sarif}");
    let gitlab = run_ci(&infra, "gitlab", Some(("CI_PROJECT_DIR", &infra)));
    assert!(gitlab.contains(r#""path": "order.asl.json""#), "{gitlab}");
    // The workspace reached through a symbolic link, the file named through it.
    #[cfg(unix)]
    {
        let link = dir.path().join("ws-link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        let mut c = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
        c.current_dir(dir.path())
            .args(["check", "--format", "github", "--fail-on", "never"])
            .arg(link.join("infra/order.asl.json"))
            .env("GITHUB_WORKSPACE", &link)
            .env_remove("CI_PROJECT_DIR");
        let out = stdout(&c.output().unwrap());
        assert!(
            out.starts_with("::error file=infra/order.asl.json,"),
            "{out}"
        );
    }
}

/// The JSON output's fix edits are what `--fix` writes: in a CRLF file, CRLF breaks.
#[test]
fn json_fix_edits_keep_the_files_line_endings() {
    let text = "{\r\n  \"StartAt\": \"A\",\r\n  \"States\": {\r\n    \"A\": {\r\n      \"Type\": \"Task\",\r\n      \"Resource\": \"arn:aws:lambda:us-east-1:123456789012:function:f\",\r\n      \"End\": true\r\n    }\r\n  }\r\n}\r\n";
    let dir = temp_project(&[("crlf.asl.json", text)]);
    let o = run_in(dir.path(), &["check", "crlf.asl.json", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let contents: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["fix"]["edits"].as_array())
        .flatten()
        .filter_map(|e| e["content"].as_str())
        .filter(|c| c.contains('\n'))
        .collect();
    assert!(!contents.is_empty(), "{items}");
    for c in contents {
        assert_eq!(c.matches('\n').count(), c.matches("\r\n").count(), "{c:?}");
    }
}

/// The summary counts only fixes `--fix` would apply: not those that would edit a value
/// filled in from `[placeholders] values`, nor any in a file that is not UTF-8 (which
/// is never written).
#[test]
fn fixable_counts_leave_out_fixes_that_cannot_be_applied() {
    let def = r#"{"StartAt": "T", "States": {
  "T": {"Type": "Task", "Resource": "${FnArn}", "TimeoutSeconds": "${Timeout}", "Next": "${NextState}"},
  "Done": {"Type": "Succeed"}}}
"#;
    let dir = temp_project(&[
        (
            "asl-lint.toml",
            "[placeholders]\nvalues = { FnArn = \"arn:aws:lambda:us-east-1:123456789012:function:f\", Timeout = 30, NextState = \"Dnoe\" }\n",
        ),
        ("def.asl.json", def),
    ]);
    std::fs::write(
        dir.path().join("latin1.asl.json"),
        b"{\"StartAt\": \"A\", \"Comment\": \"caf\xe9\", \"States\": {\"A\": {\"Type\": \"Succeed\", \"End\": true}}}",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "def.asl.json"]);
    let out = stdout(&o);
    // ASL201's did-you-mean would rewrite `${NextState}`: only ASL704's fix counts.
    assert!(out.ends_with("1 fixable with `--unsafe-fixes`.\n"), "{out}");
    let o = run_in(dir.path(), &["check", "latin1.asl.json"]);
    assert!(!stdout(&o).contains("fixable"), "{}", stdout(&o));
}

/// A definition file named on its own (as a pre-commit hook names the files that
/// changed) is linted as the template of its Git project that names it deploys it: a SAM
/// template's substitutions and workflow type, a Serverless file's resolved
/// CloudFormation functions, Terraform's `templatefile` variables. A template that
/// asl-lint.toml excludes, or outside the project, does not count.
#[test]
fn a_definition_file_alone_is_linted_as_its_project_deploys_it() {
    let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      DefinitionUri: statemachine/flow.asl.json\n      DefinitionSubstitutions:\n        WorkOnCaseArn: !GetAtt Work.Arn\n";
    let flow = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${WorkOnCaseARN}", "End": true}}}
"#;
    let sls = "service: x\nprovider:\n  name: aws\nplugins:\n  - serverless-step-functions\nstepFunctions:\n  stateMachines:\n    flow:\n      definition: ${file(./sf.asl.json)}\n";
    let sf = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Work", "Arn"]}, "End": true}}}
"#;
    let tf = "resource \"aws_sfn_state_machine\" \"m\" {\n  name = \"m\"\n  role_arn = \"arn:aws:iam::123456789012:role/r\"\n  definition = templatefile(\"${path.module}/tf.asl.json\", { fn_arn = \"arn:aws:lambda:us-east-1:123456789012:function:f\" })\n}\n";
    let tf_def = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${fn_ar}", "End": true}}}
"#;
    let dir = temp_project(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("template.yaml", sam),
        ("statemachine/flow.asl.json", flow),
        ("sls/serverless.yml", sls),
        ("sls/sf.asl.json", sf),
        ("infra/main.tf", tf),
        ("infra/tf.asl.json", tf_def),
        ("lone/lone.asl.json", sf),
    ]);
    let codes = |args: &[&str]| -> Vec<(String, String)> {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let o = run_in(dir.path(), &all);
        json_items(&o)
            .iter()
            .map(|i| {
                let path = i["path"].as_str().unwrap().to_string();
                (path, i["code"].as_str().unwrap().to_string())
            })
            .collect()
    };
    // `${WorkOnCaseARN}`: a misspelt substitution (an info "only known at deploy time"
    // without the template).
    assert_eq!(
        codes(&["statemachine/flow.asl.json"]),
        [("statemachine/flow.asl.json".into(), "ASL806".into())]
    );
    // Run from a folder of the project, with a path that goes through it.
    let o = run_in(
        &dir.path().join("statemachine"),
        &["check", "--format", "concise", "flow.asl.json"],
    );
    assert!(stdout(&o).starts_with("flow.asl.json:1:64: ASL806 [error] `${WorkOnCaseARN}` is not in the DefinitionSubstitutions of \"Flow\""), "{}", stdout(&o));
    // Serverless resolves `Fn::GetAtt` in what `${file(...)}` reads; a file no template
    // names gets ASL811.
    assert_eq!(
        codes(&["sls/sf.asl.json", "lone/lone.asl.json"]),
        [("lone/lone.asl.json".into(), "ASL811".into())]
    );
    // Terraform's variables: `fn_ar` is not among them.
    assert_eq!(
        codes(&["infra/tf.asl.json"]),
        [("infra/tf.asl.json".into(), "ASL806".into())]
    );
    // Several files of one project, in the order given, each once.
    assert_eq!(
        codes(&[
            "infra/tf.asl.json",
            "statemachine/flow.asl.json",
            "sls/sf.asl.json"
        ]),
        [
            ("infra/tf.asl.json".into(), "ASL806".into()),
            ("statemachine/flow.asl.json".into(), "ASL806".into())
        ]
    );
    // A template asl-lint.toml excludes is not the file's deployer.
    std::fs::write(
        dir.path().join("asl-lint.toml"),
        "exclude = [\"template.yaml\"]\n",
    )
    .unwrap();
    assert_eq!(
        codes(&["statemachine/flow.asl.json"]),
        [("statemachine/flow.asl.json".into(), "ASL801".into())]
    );
}

/// A file that several state machines deploy: a fix is applied only where every one of
/// them offers it (the function-ARN machine's ASL419 fix would break the `lambda:invoke`
/// one); and named with one of its templates, the others still judge it.
#[test]
fn a_file_several_templates_deploy_is_fixed_and_judged_for_all() {
    let flow = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "${Res}",
  "Parameters": {"FunctionName": "foo", "Payload.$": "$", "Note": "${Msg}"}, "OutputPath": "$.Payload",
  "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "End": true}}}
"#;
    let sam = |name: &str, uri: &str, subs: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  {name}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {uri}\n      DefinitionSubstitutions:\n{subs}"
        )
    };
    let dir = temp_project(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("sm/flow.asl.json", flow),
        (
            "template.yaml",
            &sam(
                "ByArn",
                "sm/flow.asl.json",
                "        Res: arn:aws:lambda:us-east-1:123456789012:function:foo\n",
            ),
        ),
        (
            "other/template.yaml",
            &sam(
                "ByInvoke",
                "../sm/flow.asl.json",
                "        Res: arn:aws:states:::lambda:invoke\n        Msg: hello\n",
            ),
        ),
    ]);
    let o = run_in(
        dir.path(),
        &["check", "--unsafe-fixes", "--diff", "sm/flow.asl.json"],
    );
    assert_eq!(stdout(&o), "", "{}", stderr(&o));
    assert!(stderr(&o).contains("No fixes available."), "{}", stderr(&o));
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        json_items(&run_in(dir.path(), &all))
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect()
    };
    // ASL417 (`Note`) from ByInvoke, ASL806 (`${Msg}`) and ASL419 from ByArn, with or
    // without ByInvoke's template named.
    let expected = ["ASL417", "ASL806", "ASL419"];
    assert_eq!(codes(&["sm/flow.asl.json"]), expected);
    assert_eq!(
        codes(&["sm/flow.asl.json", "other/template.yaml"]),
        expected
    );
    assert_eq!(codes(&["."]), expected);
    // What only one of them causes says which one.
    let messages: Vec<String> = json_items(&run_in(
        dir.path(),
        &["check", "--format", "json", "sm/flow.asl.json"],
    ))
    .iter()
    .map(|i| i["message"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(
        messages,
        [
            "lambda:invoke takes no field \"Note\" in the Parameters of \"Call\" (as \"ByInvoke\" in other/template.yaml deploys it)",
            "`${Msg}` is not in the DefinitionSubstitutions of \"ByArn\" in template.yaml: nothing fills it, and Step Functions gets the text as written",
            "the OutputPath of \"Call\" reads \"$.Payload\", but \"Call\" calls the function by its ARN: its result is the function's output as it is, with no Payload field of a lambda:invoke response (as \"ByArn\" in template.yaml deploys it)",
        ]
    );
    // From a subfolder the messages are the same (templates named from the top of the
    // repository, as CI reports name files): a job's folder changes no fingerprint.
    let from_sub: Vec<String> = json_items(&run_in(
        &dir.path().join("sm"),
        &["check", "--format", "json", "flow.asl.json"],
    ))
    .iter()
    .map(|i| i["message"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(from_sub, messages);
    // The file's text piped in under its name (an editor's buffer) is judged the same.
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "sm/flow.asl.json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut input = child.stdin.take().unwrap();
        input.write_all(flow.as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    let piped: Vec<String> = json_items(&o)
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(piped, expected);
}

/// A state named by a placeholder (`"${Step}": {...}` with `"StartAt": "${Step}"`) is
/// named with the substituted value, as its references are: a referenced file (JSON or
/// YAML) and an inline definition; a key whose value no substitution gives stays as
/// written.
#[test]
fn state_names_written_as_placeholders_are_substituted() {
    let dir = temp_project(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        (
            "sm/flow.asl.json",
            "{\"StartAt\": \"${Step}\", \"States\": {\"${Step}\": {\"Type\": \"Pass\", \"Next\": \"Done\"},\n  \"Done\": {\"Type\": \"Succeed\"}, \"x${Step}\": {\"Type\": \"Succeed\"}, \"${Gone}\": {\"Type\": \"Succeed\"}}}\n",
        ),
        (
            "sm/flow.asl.yaml",
            "StartAt: ${Step}\nStates:\n  ${Step}:\n    Type: Pass\n    End: true\n",
        ),
        (
            "template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Json:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        Step: ProcessOrder\n  Yaml:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.yaml\n      DefinitionSubstitutions:\n        Step: ProcessOrder\n  Inline:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Step: ProcessOrder\n      Definition:\n        StartAt: ${Step}\n        States:\n          ${Step}:\n            Type: Pass\n            Next: Done\n          Done:\n            Type: Succeed\n",
        ),
    ]);
    let found = path_code_messages(&json_items(&run_in(
        dir.path(),
        &["check", "--format", "json", "."],
    )));
    let item = |path: &str, code: &str, message: &str| {
        (path.to_string(), code.to_string(), message.to_string())
    };
    assert_eq!(
        found,
        [
            item(
                "sm/flow.asl.json",
                "ASL205",
                "state \"xProcessOrder\" is not reachable from StartAt"
            ),
            item(
                "sm/flow.asl.json",
                "ASL205",
                "state \"${Gone}\" is not reachable from StartAt"
            ),
            item(
                "sm/flow.asl.json",
                "ASL806",
                "`${Gone}` is not in the DefinitionSubstitutions of \"Json\" in template.yaml: nothing fills it, and Step Functions gets the text as written"
            ),
        ]
    );
}

/// A misspelt `Next` meant for a state a file names with a placeholder
/// (`"${Step}"`) gets no fix: the name it has is one deploy's value.
#[test]
fn a_typo_of_a_placeholder_named_state_in_a_file_gets_no_fix() {
    let flow = "{\"StartAt\": \"Start\", \"States\": {\"Start\": {\"Type\": \"Pass\", \"Next\": \"Frist\"},\n  \"${Step}\": {\"Type\": \"Succeed\"}}}\n";
    let dir = temp_project(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("sm/flow.asl.json", flow),
        (
            "template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        Step: First\n",
        ),
    ]);
    let o = run_in(dir.path(), &["check", "--unsafe-fixes", "sm/flow.asl.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sm/flow.asl.json")).unwrap(),
        flow
    );
}

/// On a CI service whose workspace is above the repository (`GITHUB_WORKSPACE`), a
/// template named in a message is given from the workspace, as the report's paths are.
#[test]
fn templates_in_messages_are_named_as_ci_paths_are() {
    let dir = temp_project(&[
        ("app/.git/HEAD", "ref: refs/heads/main\n"),
        (
            "app/sm/flow.asl.json",
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"${Msg}\", \"End\": true}}}\n",
        ),
        (
            "app/template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        Other: x\n",
        ),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(root.join("app/sm"))
        .env("GITHUB_WORKSPACE", &root)
        .args(["check", "--format", "github", "flow.asl.json"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.starts_with("::error file=app/sm/flow.asl.json,"),
        "{out}"
    );
    assert!(
        out.contains("is not in the DefinitionSubstitutions of \"Flow\" in app/template.yaml:"),
        "{out}"
    );
}
