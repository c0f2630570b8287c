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

/// A JSONPath machine set to JSONata and put through every ASL111 fix (and ASL609's,
/// for the `.$` keys of fields both languages have), which must leave nothing of
/// JSONPath behind.
fn converted(jsonpath: &str) -> String {
    let text = jsonpath.replacen('{', "{\"QueryLanguage\": \"JSONata\", ", 1);
    let options = LintOptions {
        select: vec!["ASL111".into(), "ASL609".into()],
        ..Default::default()
    };
    let lint = |t: &str| lint_text(t, SourceKind::Json, &options);
    let outcome = asl_lint::fix::fix_text(&text, None, lint(&text), true, &lint);
    assert!(
        outcome.diagnostics.is_empty(),
        "left: {:?}\n{}",
        outcome.diagnostics,
        outcome.text
    );
    outcome.text
}

/// A simulated run with mocked task results and its history: status, output, error,
/// and each event that `pick` keeps from its AWS JSON shape.
fn history(
    definition: &str,
    input: Value,
    mocks: &asl_lint::simulate::Mocks,
    pick: impl Fn(&Value) -> Option<Value>,
) -> (
    asl_lint::simulate::Status,
    Option<Value>,
    Option<String>,
    Vec<Value>,
) {
    let opts = SimulationOptions {
        input,
        mocks: mocks.clone(),
        history: true,
        ..Default::default()
    };
    let done = simulate(definition, &opts).unwrap_or_else(|e| panic!("{e:?}\n{definition}"));
    let seen = done
        .events
        .iter()
        .map(|e| e.to_json())
        .filter_map(|e| pick(&e))
        .collect();
    (done.status, done.output, done.error, seen)
}

/// A JSON text inside an event's details, parsed.
fn parsed(text: &Value) -> Option<Value> {
    serde_json::from_str(text.as_str()?).ok()
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
    let jsonata = converted(JSONPATH);
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

/// Tasks that shape their result one field at a time (ResultSelector, ResultPath,
/// OutputPath, and the defaults written out), then a Pass with an OutputPath.
const RESULTS: &str = r#"{"StartAt": "Check", "States": {
  "Check": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "check", "Payload.$": "$"},
            "ResultSelector": {"ok.$": "$.Payload.ok", "score.$": "$.Payload.scores[1]", "by": "check"},
            "Next": "Save"},
  "Save": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "save", "Payload.$": "$"},
           "ResultPath": "$.saved", "Next": "Notify"},
  "Notify": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "notify", "Payload.$": "$"},
             "ResultPath": null, "OutputPath": "$", "Next": "Pick"},
  "Pick": {"Type": "Pass", "OutputPath": "$.saved.Payload", "Next": "Ack"},
  "Ack": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "ack", "Payload.$": "$"},
          "OutputPath": "$.Payload.receipt", "Next": "Grade"},
  "Grade": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "grade", "Payload.$": "$"},
            "ResultSelector": {"grade.$": "$.Payload.grade", "by": "grader", "tags": ["a", {"x.$": "$.StatusCode"}]},
            "ResultPath": "$.review.result", "OutputPath": "$.review", "End": true}}}"#;

const MOCKS: &str = r#"{"StateMachines": {"M": {"TestCases": {"t": {
    "Check": "CheckOk", "Save": "Saved", "Notify": "Sent", "Ack": "Acked", "Grade": "Graded"}}}},
  "MockedResponses": {
    "CheckOk": {"0": {"Return": {"Payload": {"ok": true, "scores": [3, 7]}}}},
    "Saved": {"0": {"Return": {"Payload": {"id": "S-1", "at": 12}}}},
    "Sent": {"0": {"Return": {"Payload": "ignored"}}},
    "Acked": {"0": {"Return": {"Payload": {"receipt": {"n": 1}}}}},
    "Graded": {"0": {"Return": {"Payload": {"grade": "A"}, "StatusCode": 200}}}}}"#;

#[test]
fn result_shaping_converts_to_output_with_the_same_result() {
    // Grade's three result fields become one Output.
    let jsonata = converted(RESULTS);
    for expected in [
        r#""Output": "{% $merge([$states.input, {\"saved\": $states.result}]) %}""#,
        r#""Output": "{% ($merge([$states.input, {\"review\": $merge([$states.input.review, {\"result\": {\"grade\": $states.result.Payload.grade, \"by\": \"grader\", \"tags\": [\"a\", {\"x\": $states.result.StatusCode}]}}])}])).review %}""#,
    ] {
        assert!(jsonata.contains(expected), "{expected}\n{jsonata}");
    }
    let mocks = asl_lint::simulate::MockConfig::parse(MOCKS)
        .unwrap()
        .test_case("M", "t")
        .unwrap();
    // Every state's output, from the history, and the result.
    let run = |definition: &str| {
        history(definition, json!({"student": "Ada"}), &mocks, |e| {
            let d = e.get("stateExitedEventDetails")?;
            Some(json!([d["name"], parsed(&d["output"])?]))
        })
    };
    let expected = run(RESULTS);
    assert_eq!(
        expected.1,
        Some(json!({"result": {"grade": "A", "by": "grader", "tags": ["a", {"x": 200}]}})),
        "{expected:?}"
    );
    assert_eq!(
        expected.3[..2],
        [
            json!(["Check", {"ok": true, "score": 7, "by": "check"}]),
            json!(["Save", {"ok": true, "score": 7, "by": "check", "saved": {"Payload": {"id": "S-1", "at": 12}}}]),
        ]
    );
    assert_eq!(expected.3.len(), 6);
    assert_eq!(run(&jsonata), expected, "{jsonata}");
}

/// States that read their input through an `InputPath`: a Task with `Parameters`, a
/// Task passing the selection as it is, a Wait with `SecondsPath`, a Choice on the
/// selection and a Pass that only selects.
const INPUT_PATHS: &str = r#"{"StartAt": "Register", "States": {
  "Register": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.student",
               "Parameters": {"FunctionName": "register", "Payload": {"name.$": "$.name", "ctx.$": "$$.State.Name"}},
               "ResultPath": "$.registered", "Next": "Bill"},
  "Bill": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:bill", "InputPath": "$.payment",
           "ResultPath": null, "Next": "Hold"},
  "Hold": {"Type": "Wait", "InputPath": "$.timing", "SecondsPath": "$.holdFor", "Next": "Paid?"},
  "Paid?": {"Type": "Choice", "InputPath": "$", "Choices": [
    {"Variable": "$.paid", "BooleanEquals": true, "Next": "Done"}], "Default": "Unpaid"},
  "Unpaid": {"Type": "Fail", "Error": "Unpaid"},
  "Done": {"Type": "Pass", "InputPath": "$.holdFor", "End": true}}}"#;

const INPUT_PATH_MOCKS: &str = r#"{"StateMachines": {"M": {"TestCases": {"t": {
    "Register": "Ok", "Bill": "Ok"}}}},
  "MockedResponses": {"Ok": {"0": {"Return": {"Payload": "done"}}}}}"#;

#[test]
fn input_path_converts_into_the_expressions_that_read_through_it() {
    // The Wait's output is its selection, so the Choice after it reads `paid` there.
    let jsonata = converted(INPUT_PATHS);
    for expected in [
        r#""name": "{% $states.input.student.name %}""#,
        r#""Arguments": "{% $states.input.payment %}""#,
        r#""Seconds": "{% $states.input.timing.holdFor %}""#,
        r#""Output": "{% $states.input.timing %}""#,
        r#""Output": "{% $states.input.holdFor %}""#,
    ] {
        assert!(jsonata.contains(expected), "{expected}\n{jsonata}");
    }
    assert!(!jsonata.contains("InputPath"), "{jsonata}");
    let mocks = asl_lint::simulate::MockConfig::parse(INPUT_PATH_MOCKS)
        .unwrap()
        .test_case("M", "t")
        .unwrap();
    // What each task was called with and what each state passed on.
    let run = |definition: &str, input: Value| {
        history(definition, input, &mocks, |e| {
            if let Some(d) = e.get("taskScheduledEventDetails") {
                return Some(json!(["called", parsed(&d["parameters"])?]));
            }
            if let Some(d) = e.get("lambdaFunctionScheduledEventDetails") {
                return Some(json!(["called", parsed(&d["input"])?]));
            }
            let d = e.get("stateExitedEventDetails")?;
            Some(json!([d["name"], parsed(&d["output"])?]))
        })
    };
    for paid in [true, false] {
        let input = json!({"student": {"name": "Ada", "id": 7}, "payment": {"card": "x"},
            "timing": {"holdFor": 2, "paid": paid}});
        let expected = run(INPUT_PATHS, input.clone());
        assert_eq!(
            expected.3[0],
            json!(["called", {"FunctionName": "register", "Payload": {"name": "Ada", "ctx": "Register"}}]),
            "{expected:?}"
        );
        assert_eq!(
            expected.3[2],
            json!(["called", {"card": "x"}]),
            "{expected:?}"
        );
        assert_eq!(expected.3.len(), if paid { 7 } else { 6 }, "{expected:?}");
        assert_eq!(run(&jsonata, input), expected, "{jsonata}");
    }
}

/// A task whose request is built with intrinsic functions.
const INTRINSICS: &str = r#"{"StartAt": "Send", "States": {
  "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
    "Parameters": {
      "QueueUrl": "q",
      "MessageBody": {
        "greeting.$": "States.Format('Hello {}, you are {} (\\{x\\}) {}', $.name, $.age, $.none)",
        "only.$": "States.Format('{}', $.age)",
        "parsed.$": "States.StringToJson($.json)",
        "text.$": "States.JsonToString($.obj)",
        "literal.$": "States.Array(1, 'two', null)",
        "has.$": "States.ArrayContains($.tags, 'b')",
        "range.$": "States.ArrayRange(1, 9, 4)",
        "one.$": "States.ArrayRange(1, 1, 1)",
        "second.$": "States.ArrayGetItem($.tags, 1)",
        "count.$": "States.ArrayLength($.tags)",
        "unique.$": "States.ArrayUnique($.dups)",
        "b64.$": "States.Base64Encode($.name)",
        "back.$": "States.Base64Decode(States.Base64Encode($.name))",
        "merged.$": "States.JsonMerge($.obj, $.more, false)",
        "sum.$": "States.MathAdd($.age, -2)",
        "pairs.$": "States.ArrayPartition($.tags, 2)",
        "onePart.$": "States.ArrayPartition($.tags, 5)",
        "noParts.$": "States.ArrayPartition($.empty, 3)",
        "words.$": "States.StringSplit($.sentence, ' ,.')",
        "digest.$": "States.Hash(States.Format('{}:{}', $.name, $.age), 'SHA-256')",
        "fixedDigest.$": "States.Hash('input data', 'MD5')",
        "wrapped.$": "States.Array($.tags, $.name, $.empty, $.obj)"
      }
    },
    "End": true}}}"#;

#[test]
fn intrinsic_functions_convert_to_jsonata_with_the_same_values() {
    let jsonata = converted(INTRINSICS);
    assert!(!jsonata.contains("States."), "{jsonata}");
    assert!(
        jsonata.contains(
            r#""greeting": "{% (\"Hello \" & $string($states.input.name) & \", you are \" & $string($states.input.age) & \" ({x}) \" & $string($states.input.none)) %}""#
        ),
        "{jsonata}"
    );
    let mocks = asl_lint::simulate::MockConfig::parse(
        r#"{"StateMachines": {"M": {"TestCases": {"t": {"Send": "Ok"}}}},
            "MockedResponses": {"Ok": {"0": {"Return": {"MessageId": "1"}}}}}"#,
    )
    .unwrap()
    .test_case("M", "t")
    .unwrap();
    let request = |definition: &str| {
        let input = json!({"name": "Ada", "age": 36, "none": null, "tags": ["a", "b", "c"],
            "json": "{\"k\": [1, 2]}", "obj": {"x": 1, "y": {"z": true}},
            "more": {"y": 2}, "dups": [1, 2, 1, 3, 2], "empty": [],
            "sentence": "Hello, world. Bye"});
        let (_, _, error, calls) = history(definition, input, &mocks, |e| {
            parsed(&e.get("taskScheduledEventDetails")?["parameters"])
        });
        calls
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{error:?}"))
    };
    let expected = request(INTRINSICS);
    assert_eq!(
        expected["MessageBody"]["greeting"],
        json!("Hello Ada, you are 36 ({x}) null")
    );
    assert_eq!(expected["MessageBody"]["one"], json!([1]));
    // The edges of the conversions that work around JSONata: a single chunk, no chunk,
    // empty pieces, arrays kept whole in an array.
    for (field, value) in [
        ("pairs", json!([["a", "b"], ["c"]])),
        ("onePart", json!([["a", "b", "c"]])),
        ("noParts", json!([])),
        ("words", json!(["Hello", "world", "Bye"])),
        ("fixedDigest", json!("812f45842bc6d66ee14572ce20db8e86")),
        (
            "wrapped",
            json!([["a", "b", "c"], "Ada", [], {"x": 1, "y": {"z": true}}]),
        ),
    ] {
        assert_eq!(expected["MessageBody"][field], value, "{field}");
    }
    assert_eq!(request(&jsonata), expected, "{jsonata}");
}

/// Pass states that shape data: a template over the input, over a selection placed back
/// into the input, a copy of a selection, and a pick from the result.
const PASS_STATES: &str = r#"{"StartAt": "Shape", "States": {
  "Shape": {"Type": "Pass", "Parameters": {"name.$": "$.student.name", "course": "maths",
            "state.$": "$$.State.Name", "tags.$": "States.Array('new', 'paid')"}, "Next": "Keep"},
  "Keep": {"Type": "Pass", "InputPath": "$", "Parameters": {"who.$": "$.name", "n.$": "States.ArrayLength($.tags)"},
           "ResultPath": "$.summary.first", "Next": "Copy"},
  "Copy": {"Type": "Pass", "InputPath": "$.summary", "ResultPath": "$.copy", "Next": "Pick"},
  "Pick": {"Type": "Pass", "Parameters": {"all.$": "$"}, "ResultPath": "$.wrapped", "OutputPath": "$.wrapped.all.copy",
           "End": true}}}"#;

#[test]
fn pass_states_convert_to_output_with_the_same_data() {
    let jsonata = converted(PASS_STATES);
    for expected in [
        r#""Output": {"name": "{% $states.input.student.name %}", "course": "maths""#,
        r#"\"n\": $count($states.input.tags)"#,
    ] {
        assert!(jsonata.contains(expected), "{expected}\n{jsonata}");
    }
    for gone in ["Parameters", "InputPath", "ResultPath", "OutputPath"] {
        assert!(!jsonata.contains(gone), "{gone}\n{jsonata}");
    }
    let mocks = asl_lint::simulate::Mocks::default();
    let run = |definition: &str| {
        history(
            definition,
            json!({"student": {"name": "Ada"}, "summary": {"old": true}}),
            &mocks,
            |e| {
                let d = e.get("stateExitedEventDetails")?;
                Some(json!([d["name"], parsed(&d["output"])?]))
            },
        )
    };
    let expected = run(PASS_STATES);
    assert_eq!(
        expected.3[1],
        json!(["Keep", {"name": "Ada", "course": "maths", "state": "Shape", "tags": ["new", "paid"],
            "summary": {"first": {"who": "Ada", "n": 2}}}]),
        "{expected:?}"
    );
    assert_eq!(expected.3.len(), 4, "{expected:?}");
    assert_eq!(
        expected.1,
        Some(json!({"first": {"who": "Ada", "n": 2}})),
        "{expected:?}"
    );
    assert_eq!(run(&jsonata), expected, "{jsonata}");
}

/// Map states that read through an `InputPath`: one with `ItemsPath` and an
/// `ItemSelector` of paths and Context fields, one whose selection is the item list.
const MAP_STATES: &str = r#"{"StartAt": "Each line", "States": {
  "Each line": {"Type": "Map", "InputPath": "$.order", "ItemsPath": "$.lines",
    "ItemSelector": {"line.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "order": {"id.$": "$.id"}},
    "ItemProcessor": {"StartAt": "Price", "States": {"Price": {"Type": "Pass",
      "Parameters": {"sku.$": "$.line.sku", "order.$": "$.order.id", "n.$": "$.index"}, "End": true}}},
    "ResultPath": "$.priced", "Next": "Echo all"},
  "Echo all": {"Type": "Map", "InputPath": "$.order.lines",
    "ItemProcessor": {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
    "ResultPath": "$.echoed", "End": true}}}"#;

#[test]
fn map_states_convert_with_the_same_items_and_results() {
    let jsonata = converted(MAP_STATES);
    for expected in [
        r#""Items": "{% $states.input.order.lines %}""#,
        r#""line": "{% $states.context.Map.Item.Value %}""#,
        r#""id": "{% $states.input.order.id %}""#,
    ] {
        assert!(jsonata.contains(expected), "{expected}\n{jsonata}");
    }
    assert!(!jsonata.contains(".$"), "{jsonata}");
    let mocks = asl_lint::simulate::Mocks::default();
    let run = |definition: &str| {
        history(
            definition,
            json!({"order": {"id": 41, "lines": [{"sku": "A"}, {"sku": "B"}]}}),
            &mocks,
            |e| {
                let d = e.get("stateExitedEventDetails")?;
                Some(json!([d["name"], parsed(&d["output"])?]))
            },
        )
    };
    let expected = run(MAP_STATES);
    assert_eq!(
        expected.1,
        Some(
            json!({"order": {"id": 41, "lines": [{"sku": "A"}, {"sku": "B"}]},
            "priced": [{"sku": "A", "order": 41, "n": 0}, {"sku": "B", "order": 41, "n": 1}],
            "echoed": [{"sku": "A"}, {"sku": "B"}]})
        ),
        "{expected:?}"
    );
    assert_eq!(run(&jsonata), expected, "{jsonata}");
}
