//! ASL111's fix finishes a move to JSONata: JSONPath Choice rules become `Condition`s,
//! `*Path` fields their JSONata fields. A converted machine must take the same path as
//! the JSONPath original, which the simulator checks here on inputs that reach every
//! branch.

use asl_lint::simulate::{SimulationOptions, simulate};
use asl_lint::syntax::SourceKind;
use asl_lint::{LintOptions, lint_text};
use serde_json::{Value, json};

/// Each branch ends in a Fail state named by its error, so the error says which was
/// taken; the Wait reads its seconds from the input.
const JSONPATH: &str = r#"{"StartAt": "Cool-off", "States": {
  "Cool-off": {"Type": "Wait", "SecondsPath": "$.coolOff", "Next": "Paid?"},
  "Paid?": {"Type": "Choice", "Choices": [
    {"And": [{"Variable": "$.payment.status", "StringEquals": "PAID"},
             {"Variable": "$.payment.amount", "NumericGreaterThanEquals": 100}], "Next": "Enrol"},
    {"Variable": "$.payment.retryAt", "IsPresent": true, "Next": "Retry"},
    {"Not": {"Variable": "$.deadline", "TimestampGreaterThanPath": "$.now"}, "Next": "Late"},
    {"Or": [{"Variable": "$.kind", "IsNull": true},
            {"Variable": "$.vip", "BooleanEquals": true}], "Next": "Special"},
    {"Variable": "$.payment.amount", "NumericLessThanPath": "$.minimum", "Next": "Too little"}],
   "Default": "Cancel"},
  "Enrol": {"Type": "Fail", "Error": "Enrol"},
  "Retry": {"Type": "Fail", "Error": "Retry"},
  "Late": {"Type": "Fail", "Error": "Late"},
  "Special": {"Type": "Fail", "Error": "Special"},
  "Too little": {"Type": "Fail", "Error": "TooLittle"},
  "Cancel": {"Type": "Fail", "Error": "Cancel"}}}"#;

fn converted() -> String {
    let text = JSONPATH.replacen('{', "{\"QueryLanguage\": \"JSONata\", ", 1);
    let options = LintOptions {
        select: vec!["ASL111".into()],
        ..Default::default()
    };
    let lint = |t: &str| lint_text(t, SourceKind::Json, &options);
    let outcome = asl_lint::fix::fix_text(&text, lint(&text), true, &lint);
    assert!(
        outcome.diagnostics.is_empty(),
        "left: {:?}\n{}",
        outcome.diagnostics,
        outcome.text
    );
    outcome.text
}

fn branch(definition: &str, input: Value) -> String {
    let opts = SimulationOptions {
        input,
        ..Default::default()
    };
    let run = simulate(definition, &opts).unwrap_or_else(|e| panic!("{e:?}\n{definition}"));
    run.error.unwrap_or_else(|| "no error".into())
}

#[test]
fn the_converted_machine_takes_the_same_branches() {
    let jsonata = converted();
    assert!(
        jsonata.contains(r#""Seconds": "{% $states.input.coolOff %}""#),
        "{jsonata}"
    );
    assert!(!jsonata.contains("Variable"), "{jsonata}");
    let base = json!({"coolOff": 5, "payment": {"status": "PENDING", "amount": 150},
        "deadline": "2026-03-01T00:00:00Z", "now": "2026-02-01T00:00:00Z",
        "kind": "regular", "vip": false, "minimum": 10});
    let with = |patch: Value| {
        let mut v = base.clone();
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let cases = [
        (
            with(json!({"payment": {"status": "PAID", "amount": 150}})),
            "Enrol",
        ),
        (
            with(json!({"payment": {"status": "PAID", "amount": 50, "retryAt": "soon"}})),
            "Retry",
        ),
        (with(json!({"now": "2026-04-01T00:00:00Z"})), "Late"),
        (with(json!({"kind": null})), "Special"),
        (with(json!({"vip": true})), "Special"),
        (with(json!({"minimum": 500})), "TooLittle"),
        (base.clone(), "Cancel"),
    ];
    for (input, expected) in cases {
        assert_eq!(
            branch(JSONPATH, input.clone()),
            expected,
            "JSONPath on {input}"
        );
        assert_eq!(
            branch(&jsonata, input.clone()),
            expected,
            "JSONata on {input}"
        );
    }
}
