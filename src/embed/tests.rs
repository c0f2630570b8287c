use super::*;
use crate::lint::{LintOptions, lint_text_in};
use crate::syntax::SourceKind;

fn lint_json(text: &str) -> Vec<(String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| (d.code.to_string(), text[d.range.as_usize()].to_string()))
        .collect()
}

#[test]
fn definition_string_diagnostics_point_into_the_template() {
    let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"}, \"B\": {\"Type\": \"Succeed\"}}}"
}}}}"#;
    assert_eq!(
        lint_json(text),
        vec![
            ("ASL201".to_string(), r#"\"Bee\""#.to_string()),
            ("ASL205".to_string(), r#"\"B\""#.to_string()),
        ]
    );
}

fn lint_codes(text: &str) -> Vec<(String, String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.severity.as_str().to_string(),
                text[d.range.as_usize()].to_string(),
            )
        })
        .collect()
}

#[test]
fn unknown_values_are_not_errors() {
    let text = r#"{"StartAt": "${First}", "States": {
  "A": {"Type": "Task", "Resource": "${Fn}", "Next": "${NextState}"},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "${C}"}], "Default": "A"},
  "C": {"Type": "Wait", "Seconds": ${Delay}, "End": ${IsEnd}},
  "D": {"Type": "${Kind}", "End": true}
}}"#;
    let got = lint_codes(text);
    assert!(got.iter().all(|(_, sev, _)| sev == "info"), "{got:#?}");
    let tokens: Vec<&str> = got.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        tokens,
        vec![
            "${First}",
            "${Fn}",
            "${NextState}",
            "${C}",
            "${Delay}",
            "${IsEnd}",
            "${Kind}"
        ]
    );
}

#[test]
fn unknown_transitions_do_not_make_states_unreachable() {
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "${NextState}"},
  "B": {"Type": "Pass", "Next": "C"},
  "C": {"Type": "Succeed"}
}}"#;
    let got = lint_codes(text);
    assert_eq!(
        got,
        vec![(
            "ASL801".to_string(),
            "info".to_string(),
            "${NextState}".to_string()
        )]
    );
}

fn lint_yaml(text: &str) -> Vec<(String, String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.severity.as_str().to_string(),
                text[d.range.as_usize()].to_string(),
            )
        })
        .collect()
}

fn triple(code: &str, sev: &str, at: &str) -> (String, String, String) {
    (code.to_string(), sev.to_string(), at.to_string())
}

#[test]
fn yaml_sam_block_scalar_and_sub_positions() {
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions:
        Target: Done
      DefinitionString: !Sub
        - |
          {
            "StartAt": "Work",
            "States": {
              "Work": {"Type": "Task", "Resource": "${WorkerArn}", "Next": "Wrok"},
              "Then": {"Type": "Pass", "Next": "${Target}"},
              "Done": {"Type": "Succeed"}
            }
          }
        - WorkerArn: !GetAtt Worker.Arn
"#;
    // `WorkerArn` is an `Fn::Sub` variable whose value is an intrinsic: known but
    // computed at deploy time, so not an unresolved placeholder.
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL201", "error", "\"Wrok\""),
            triple("ASL205", "error", "\"Then\""),
            triple("ASL205", "error", "\"Done\""),
        ]
    );
}

#[test]
fn yaml_inline_definition_with_intrinsics_and_comment_suppressions() {
    let text = r#"Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: !GetAtt Worker.Arn
            Next: ${NextState}
          Orphan:   # asl-lint: ignore[ASL205]
            Type: Pass
            End: true
          # asl-lint: ignore[ASL201]
          Quiet:
            Type: Succeed
"#;
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL801", "info", "${NextState}"),
            // Nothing about Orphan: with an unresolved Next, reachability is not judged,
            // so the ASL205 directive has nothing to suppress in this file; the second
            // directive suppresses nothing either.
            triple("ASL804", "info", "ASL205"),
            triple("ASL804", "info", "ASL201"),
        ]
    );
}

#[test]
fn yaml_serverless_framework_definition() {
    let text = r#"service: orders
provider:
  name: aws
stepFunctions:
  stateMachines:
    orders:
      definition:
        StartAt: A
        States:
          A:
            Type: Pass
            Next: B
"#;
    assert_eq!(lint_yaml(text), vec![triple("ASL201", "error", "B")]);
}

#[test]
fn yaml_file_level_suppression_and_invalid_template() {
    let text = "# asl-lint: ignore-file[ASL801]\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{\"StartAt\": \"${S}\", \"States\": {}}'\n";
    // The placeholder info is suppressed for the file; the StartAt that is unknown is
    // not an error; the directive was used, so no ASL804.
    assert_eq!(lint_yaml(text), vec![triple("ASL102", "error", "{}")]);
    let broken = "Resources:\n  M: [\n";
    assert!(lint_yaml(broken).iter().any(|d| d.0 == "ASL001"));
}
