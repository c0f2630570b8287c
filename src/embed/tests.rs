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
