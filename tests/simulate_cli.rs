//! The `simulate` command through the library: flags, output formats, exit codes and
//! error messages (the binary only forwards to `run_cli`).

use std::path::PathBuf;

use asl_lint::simulate::SimulateArgs;
use asl_lint::simulate::cli::run_to_strings;
use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: SimulateArgs,
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("asl-sim-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(argv: &[&str], stdin: &str) -> (u8, String, String) {
    let mut full = vec!["simulate"];
    full.extend_from_slice(argv);
    let cmd = Cmd::try_parse_from(full).unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    let code = run_to_strings(&cmd.args, &mut stdin.as_bytes(), &mut out, &mut err);
    (code, out, err)
}

const TASK_DEF: &str = r#"{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "f", "Payload.$": "$"},
           "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}],
           "ResultSelector": {"v.$": "$.Payload"}, "Next": "Done"},
  "Done": {"Type": "Succeed"}}}"#;

const MOCKS: &str = r#"{"StateMachines": {"M": {"TestCases": {"happy": {"Call": "R"}}}},
  "MockedResponses": {"R": {"0": {"Throw": {"Error": "Flaky", "Cause": "try again"}}, "1": {"Return": {"Payload": 42}}}}}"#;

#[test]
fn json_format_with_mocks_and_stdin_input() {
    let dir = TempDir::new("json");
    let def = dir.file("flow.asl.json", TASK_DEF);
    let mocks = dir.file("mocks.json", MOCKS);
    let (code, out, err) = run(
        &[
            &def,
            "--input",
            "-",
            "--mock-config",
            &mocks,
            "--state-machine",
            "M",
            "--test-case",
            "happy",
            "--format",
            "json",
            "--start-time",
            "2024-05-01T10:00:00Z",
        ],
        r#"{"x": 1}"#,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["output"], json!({"v": 42}));
    assert_eq!(v["error"], Value::Null);
    assert_eq!(v["transitions"], 2);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    let first = &v["events"][0];
    assert_eq!(first["id"], 1);
    assert_eq!(first["previousEventId"], 0);
    assert_eq!(first["timestamp"], "2024-05-01T10:00:00.000Z");
    assert_eq!(first["executionStartedEventDetails"]["input"], "{\"x\":1}");
    // The retry waited one virtual second.
    assert_eq!(v["events"][5]["timestamp"], "2024-05-01T10:00:01.000Z");
}

#[test]
fn text_format_shows_the_trace_and_failures_exit_1() {
    let dir = TempDir::new("text");
    let def = dir.file(
        "fail.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "Next": "F"},
            "F": {"Type": "Fail", "Error": "Bad", "Cause": "it broke"}}}"#,
    );
    let (code, out, _) = run(&[&def], "");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "P (Pass)  input: {}\n  -> output: {\"a\":1}\nF (Fail)  input: {\"a\":1}\nFAILED after 2 transitions: Bad: it broke\n"
    );
}

#[test]
fn no_history_keeps_no_events() {
    let dir = TempDir::new("nohist");
    let def = dir.file(
        "p.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, out, _) = run(&[&def, "--no-history", "--format", "json"], "");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["events"], json!([]));
    assert_eq!(v["output"], json!({}));
}

#[test]
fn bad_definitions_and_arguments_exit_2() {
    let dir = TempDir::new("bad");
    let def = dir.file(
        "bad.asl.json",
        r#"{"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, out, err) = run(&[&def], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains(
            "bad.asl.json:1:13: ASL202 StartAt names \"Missing\", which is not a state of the top level"
        ),
        "{err}"
    );

    let good = dir.file("good.asl.json", TASK_DEF);
    let (code, _, err) = run(&[&good, "--test-case", "happy"], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --state-machine and --test-case name parts of a --mock-config\n"
    );
    // One state machine with one test case: the names may be left out.
    let only = dir.file("only.json", MOCKS);
    let (code, out, _) = run(&[&good, "--mock-config", &only], "");
    assert_eq!(code, 0, "{out}");
    // Two: a choice to make.
    let two = dir.file(
        "two.json",
        &MOCKS.replace(
            r#""happy": {"Call": "R"}"#,
            r#""happy": {"Call": "R"}, "sad": {"Call": "R"}"#,
        ),
    );
    let (code, _, err) = run(&[&good, "--mock-config", &two, "--state-machine", "M"], "");
    assert_eq!(code, 2);
    assert!(
        err.ends_with(
            "two.json: has several test cases for \"M\" (happy, sad): choose one with --test-case\n"
        ),
        "{err}"
    );
    let (code, _, _) = run(&[&good, "--mock-config", &two, "--test-case", "sad"], "");
    assert_eq!(code, 0);
    let machines = dir.file(
        "machines.json",
        &MOCKS.replace(
            r#""StateMachines": {"M": {"TestCases": {"happy": {"Call": "R"}}}}"#,
            r#""StateMachines": {"M": {"TestCases": {"happy": {"Call": "R"}}}, "N": {"TestCases": {}}}"#,
        ),
    );
    let (code, _, err) = run(&[&good, "--mock-config", &machines], "");
    assert_eq!(code, 2);
    assert!(
        err.ends_with(
            "machines.json: holds several state machines (M, N): choose one with --state-machine\n"
        ),
        "{err}"
    );

    let mocks = dir.file("broken.json", "{\"StateMachines\": [}");
    let (code, _, err) = run(
        &[
            &good,
            "--mock-config",
            &mocks,
            "--state-machine",
            "M",
            "--test-case",
            "t",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("mock config is not valid JSON at line 1, column 20"),
        "{err}"
    );

    let (code, _, err) = run(&[&good, "--input", "-"], "{oops");
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "error: the input from standard input is not valid JSON at line 1, column 2: "
        ),
        "{err}"
    );

    // Over 256 KiB: StartExecution refuses it, so no execution runs.
    let big = format!("{{\"a\": \"{}\"}}", "x".repeat(262_144));
    let (code, out, err) = run(&[&good, "--input", "-"], &big);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "error: the input is 262153 bytes: AWS refuses to start an execution whose input is over 262144 bytes (256 KiB)\n"
        )
    );
    // Endless input (`< /dev/zero`): read no further than 1 MiB, then refused.
    struct Endless(usize);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b' ');
            self.0 += buf.len();
            Ok(buf.len())
        }
    }
    let cmd = Cmd::try_parse_from(["simulate", good.as_str(), "--input", "-"]).unwrap();
    let (mut out, mut err, mut endless) = (String::new(), String::new(), Endless(0));
    let code = run_to_strings(&cmd.args, &mut endless, &mut out, &mut err);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "error: the input from stdin is more than 1048576 bytes: AWS refuses to start an execution whose input is over 262144 bytes (256 KiB)\n"
        )
    );
    assert_eq!(endless.0, 1_048_577);
    let fits = format!("{{\"a\": \"{}\"}}", "x".repeat(262_135));
    let pass = dir.file(
        "pass.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, _, err) = run(&[&pass, "--input", "-"], &fits);
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = run(&[&good, "--start-time", "yesterday"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("--start-time 'yesterday' is not an RFC 3339 date-time"),
        "{err}"
    );
    // A year later must still be written with four digits.
    let (code, _, err) = run(&[&good, "--start-time", "9999-12-31T23:59:59Z"], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --start-time must be before 9999-01-01T00:00:00Z: the run's times, up to a year later, must stay within the year 9999\n"
        )
    );

    let (code, _, err) = run(&[&dir.0.join("nope.json").to_string_lossy()], "");
    assert_eq!(code, 2);
    assert!(err.starts_with("error: cannot read "), "{err}");
}

#[test]
fn missing_mock_fails_with_a_clear_error() {
    let dir = TempDir::new("nomock");
    let def = dir.file("t.asl.json", TASK_DEF);
    let (code, out, err) = run(&[&def, "--format", "json", "--no-history"], "");
    // The run is shown, but a missing mock is a setup mistake (exit 2), not a failure of
    // the workflow (exit 1).
    assert_eq!(code, 2);
    const NO_MOCK: &str = "error: the run reached a Task or ItemReader with no mock, no mocked response for that call, or a mock of the wrong shape (above); mock every call the run makes\n";
    assert_eq!(err, NO_MOCK);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"], "States.Runtime");
    assert!(
        v["cause"].as_str().unwrap().contains(
            "The Task state 'Call' (resource 'arn:aws:states:::lambda:invoke') has no mock"
        )
    );
    // A mock without a response for the first call is the same kind of mistake.
    let (code, _, err) = run(&[&def, "--mock", r#"Call={"1": {"Return": 1}}"#], "");
    assert_eq!(code, 2);
    assert_eq!(err, NO_MOCK);
}

/// Enrolment: every call without a mock of its own gets `--mock-default`'s response,
/// an explicit `--mock` wins, and the states it answered for are named on stderr.
#[test]
fn mock_default_answers_every_call_without_a_mock() {
    let dir = TempDir::new("mockdefault");
    let def = dir.file(
        "enrol.asl.json",
        r#"{"StartAt": "Check name", "States": {
  "Check name": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "CheckName", "Payload.$": "$"},
                 "ResultSelector": {"ok.$": "$.Payload.ok"}, "ResultPath": "$.name", "Next": "Check email"},
  "Check email": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "CheckEmail", "Payload.$": "$"},
                  "ResultSelector": {"ok.$": "$.Payload.ok"}, "ResultPath": "$.email", "Next": "Valid?"},
  "Valid?": {"Type": "Choice", "Choices": [{"And": [
      {"Variable": "$.name.ok", "BooleanEquals": true},
      {"Variable": "$.email.ok", "BooleanEquals": true}], "Next": "Enrol"}], "Default": "Cancel"},
  "Enrol": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"}, "ResultPath": null, "End": true},
  "Cancel": {"Type": "Fail", "Error": "Invalid"}}}"#,
    );
    let default = r#"{"Return": {"Payload": {"ok": true}, "StatusCode": 200}}"#;
    let (code, out, err) = run(
        &[
            &def,
            "--format",
            "json",
            "--no-history",
            "--mock-default",
            default,
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    // The report names them too, as the help says.
    assert_eq!(
        v["mockDefault"],
        json!(["Check name", "Check email", "Enrol"])
    );
    assert_eq!(
        err,
        "note: --mock-default answered for \"Check name\", \"Check email\", \"Enrol\"\n"
    );
    // The email check's own mock wins: the run takes the other branch; the trace marks
    // the state the default answered for where it is entered.
    let (code, out, err) = run(
        &[
            &def,
            "--mock-default",
            default,
            "--mock",
            r#"Check email={"Return": {"Payload": {"ok": false}}}"#,
        ],
        "",
    );
    assert_eq!(code, 1);
    assert_eq!(err, "note: --mock-default answered for \"Check name\"\n");
    let entered: Vec<&str> = out.lines().filter(|l| l.contains("input: ")).collect();
    assert_eq!(
        entered,
        [
            "Check name (Task)  [--mock-default]  input: {}",
            "Check email (Task)  input: {\"name\":{\"ok\":true}}",
            "Valid? (Choice)  input: {\"name\":{\"ok\":true},\"email\":{\"ok\":false}}",
            "Cancel (Fail)  input: {\"name\":{\"ok\":true},\"email\":{\"ok\":false}}",
        ]
    );
    // Without it, no mark.
    let (_, out, _) = run(
        &[
            &def,
            "--format",
            "json",
            "--mock",
            r#"Check name={"Return": {}}"#,
        ],
        "",
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.get("mockDefault"), None);
    // A default that is no response is refused before the run.
    let (code, _, err) = run(&[&def, "--mock-default", r#"{"Retrun": 1}"#], "");
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --mock-default: "), "{err}");
}

/// A definition file named alone that a template of its Git project deploys runs as
/// that template's state machine: `${Then}` filled from its DefinitionSubstitutions.
/// Named by two templates, it runs as it is, with a note.
#[test]
fn a_definition_file_runs_as_its_template_deploys_it() {
    let dir = TempDir::new("owner");
    std::fs::create_dir_all(dir.0.join(".git")).unwrap();
    std::fs::create_dir_all(dir.0.join("statemachine")).unwrap();
    let def = dir.file(
        "statemachine/ticket.asl.json",
        r#"{"StartAt": "Open case", "States": {
  "Open case": {"Type": "Pass", "Result": {"case": 1}, "Next": "${Then}"},
  "Assign case": {"Type": "Succeed"}}}"#,
    );
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Ticket:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/ticket.asl.json\n      DefinitionSubstitutions:\n        Then: Assign case\n";
    dir.file("template.yaml", template);
    let (code, out, err) = run(&[&def], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Assign case (Succeed)"), "{out}");
    assert!(
        err.starts_with("note: running \"Ticket\" of ")
            && err.contains("template.yaml, which deploys ")
            && err.ends_with(
                "statemachine/ticket.asl.json (its substitutions and workflow type applied)\n"
            ),
        "{err}"
    );
    // A second template naming it: which one is meant is not known.
    std::fs::create_dir_all(dir.0.join("other")).unwrap();
    dir.file(
        "other/template.yaml",
        &template
            .replace("Ticket:", "Other:")
            .replace("statemachine/", "../statemachine/"),
    );
    let (code, _, err) = run(&[&def], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("is deployed by \"Ticket\" of ") && err.contains(", \"Other\" of "),
        "{err}"
    );
    assert!(err.contains("running it as it is"), "{err}");
}

/// A YAML file that SAM deploys runs as SAM reads it, YAML 1.1: `BooleanEquals: yes` is
/// true (as `check` judges it), not the text "yes" that matched nothing.
#[test]
fn a_yaml_file_sam_deploys_runs_with_its_yaml_1_1_values() {
    let dir = TempDir::new("yaml11");
    let def = dir.file(
        "sm.asl.yaml",
        "StartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.ok\n        BooleanEquals: yes\n        Next: Y\n    Default: N\n  Y: {Type: Succeed}\n  N: {Type: Fail, Error: Unmatched}\n",
    );
    dir.file(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.yaml\n",
    );
    let (code, out, err) = run(&[&def, "--input", r#"{"ok": true}"#], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Y (Succeed)"), "{out}");
}

#[test]
fn item_reader_mock_mistakes_are_setup_errors() {
    let dir = TempDir::new("readermock");
    let def = dir.file(
        "d.asl.json",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                "Parameters": {"Bucket": "b", "Key": "k.csv"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
            "End": true}}}"#,
    );
    // A mock returning the file's text instead of its rows: a mistake of the mocks
    // (exit 2), not a failure of the workflow (exit 1).
    let (code, out, _) = run(
        &[
            &def,
            "--format",
            "json",
            "--no-history",
            "--mock",
            r#"M={"Return": "name,age\nann,30\n"}"#,
        ],
        "",
    );
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["cause"],
        r#"An error occurred while executing the state 'M' (entered at the event id #2). The mock of the ItemReader of 'M' must return the items array, as the reader gives them to the iterations (a CSV file's rows as objects, such as [{"name": "ann", "age": "30"}]), not "name,age\nann,30\n""#
    );
    // The rows themselves run.
    let (code, out, err) = run(
        &[
            &def,
            "--format",
            "json",
            "--no-history",
            "--mock",
            r#"M={"Return": [{"name": "ann", "age": "30"}]}"#,
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!([{"name": "ann", "age": "30"}]));
}

#[test]
fn context_file_account_and_region_fill_the_context_object() {
    let dir = TempDir::new("ctx");
    let def = dir.file(
        "c.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id", "sm.$": "$$.StateMachine.Name", "started.$": "$$.Execution.StartTime", "entered.$": "$$.State.EnteredTime"}, "End": true}}}"#,
    );
    let ctx = dir.file(
        "ctx.json",
        // Written with an offset: the run writes it in UTC with milliseconds, as AWS.
        r#"{"Execution": {"Name": "run-1", "StartTime": "2025-03-01T11:00:00+01:00"}}"#,
    );
    let (code, out, err) = run(
        &[
            &def,
            "--context",
            &ctx,
            "--account",
            "111122223333",
            "--region",
            "eu-west-1",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["output"],
        json!({"id": "arn:aws:states:eu-west-1:111122223333:execution:c:run-1", "sm": "c", "started": "2025-03-01T10:00:00.000Z", "entered": "2025-03-01T10:00:00.000Z"})
    );
    // What no execution on AWS holds is refused: a field AWS never sets, a value of
    // another type, a start time other than --start-time's.
    let cases = [
        (
            r#"{"Execution": {"Tag": "t"}}"#,
            "`Execution.Tag` is not a field of the Context object (the fields of `Execution` are Id, Input, Name, RoleArn, StartTime, RedriveCount, RedriveTime)",
        ),
        (
            r#"{"Executions": {}}"#,
            "`Executions` is not a field of the Context object (the fields at its top are Execution, State, StateMachine, Task, Map)",
        ),
        (r#"{"State": 3}"#, "`State` must be an object"),
        (
            r#"{"State": {"RetryCount": -1}}"#,
            "`State.RetryCount` must be a whole number, 0 or more, not -1",
        ),
        (
            r#"{"Execution": {"StartTime": "yesterday"}}"#,
            "`Execution.StartTime` must be an RFC 3339 date-time string such as 2024-01-31T12:00:00Z, not \"yesterday\"",
        ),
        (
            r#"{"Execution": {"Name": 7}}"#,
            "`Execution.Name` must be a string, not 7",
        ),
        // What the run itself sets.
        (
            r#"{"Execution": {"Input": {"a": 1}}}"#,
            "`Execution.Input` is the run's input: give it with --input",
        ),
        (
            r#"{"State": {"EnteredTime": "2020-01-01T00:00:00Z"}}"#,
            "`State` changes with every state: the run sets it (its name, when it was entered, its retry count)",
        ),
    ];
    for (text, message) in cases {
        let ctx = dir.file("bad-ctx.json", text);
        let (code, out, err) = run(&[&def, "--context", &ctx], "");
        assert_eq!(
            (code, out.as_str(), err),
            (2, "", format!("error: the context file {ctx}: {message}\n"))
        );
    }
    let (code, _, err) = run(
        &[
            &def,
            "--context",
            &ctx,
            "--start-time",
            "2025-03-01T11:00:00Z",
        ],
        "",
    );
    assert_eq!(
        (code, err),
        (
            2,
            format!(
                "error: --start-time and the Execution.StartTime of the context file {ctx} differ: give one\n"
            )
        )
    );
}

#[test]
fn max_events_and_express_type() {
    let dir = TempDir::new("limits");
    let def = dir.file(
        "loop.asl.json",
        // A loop the linter accepts (it could end) that never ends on this input.
        r#"{"StartAt": "L", "States": {"L": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "L"}, "Done": {"Type": "Succeed"}}}"#,
    );
    let (code, out, _) = run(&[&def, "--max-events", "7", "--format", "json"], "");
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["events"].as_array().unwrap().len(), 7);
    assert_eq!(
        v["cause"],
        "The execution reached the maximum number of history events (7)."
    );
    let wait = dir.file(
        "wait.asl.json",
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 301, "End": true}}}"#,
    );
    let (code, out, _) = run(
        &[
            &wait,
            "--type",
            "express",
            "--format",
            "json",
            "--no-history",
        ],
        "",
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "TIMED_OUT");
}

/// The real binary: `asl-lint simulate` on a shipped example and on stdin input.
#[test]
fn binary_simulates_the_support_ticket_example() {
    // The README's command, with the input and mock config shipped beside the example
    // (`--state-machine` may be left out: the config has one).
    let exe = env!("CARGO_BIN_EXE_asl-lint");
    let example = |extra: &[&str], test_case: &str| {
        std::process::Command::new(exe)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "simulate",
                "examples/support-ticket.asl.json",
                "--input",
                "examples/support-ticket.input.json",
                "--mock-config",
                "examples/support-ticket.mocks.json",
                "--test-case",
                test_case,
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = example(&["--state-machine", "Ticket"], "Resolved");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["output"], json!({"caseId": "C-1042", "closed": true}));
    // Open, Assign, Work (failed once, retried), Choice, Close.
    let entered: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_str().unwrap().ends_with("StateEntered"))
        .map(|e| e["stateEnteredEventDetails"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        entered,
        [
            "Open Case",
            "Assign Case",
            "Work On Case",
            "Is Case Resolved",
            "Close Case"
        ]
    );
    // The other shipped test case: the case stays open and is escalated.
    let out = example(&[], "Escalated");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&v["status"], &v["error"]),
        (&json!("FAILED"), &json!("CaseEscalated"))
    );
    // A definition with lint errors is refused with exit 2.
    let bad = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/order-with-mistakes.asl.json"
    );
    let out = std::process::Command::new(exe)
        .args(["simulate", bad])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASL201"));
}

/// `--definition NAME` runs a state machine held in a template, as deployed: inline or
/// through `DefinitionUri`, with its DefinitionSubstitutions, and as the workflow type
/// the template gives.
#[test]
fn definitions_inside_templates() {
    let dir = TempDir::new("template");
    std::fs::create_dir_all(dir.0.join("sm")).unwrap();
    dir.file(
        "sm/greet.asl.yaml",
        "StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    Result: ${Greeting}\n    Next: ${Then}\n  Done:\n    Type: Succeed\n",
    );
    let template = dir.file(
        "template.yaml",
        r#"Transform: AWS::Serverless-2016-10-31
Resources:
  Inline:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: EXPRESS
      DefinitionSubstitutions:
        Answer: 42
      Definition:
        StartAt: Answer
        States:
          Answer: {Type: Pass, Parameters: {answer: "${Answer}", name.$: "$$.StateMachine.Name"}, End: true}
  FromFile:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: sm/greet.asl.yaml
      DefinitionSubstitutions:
        Greeting: hi there
        Then: Done
"#,
    );
    let (code, out, err) = run(
        &[&template, "--definition", "Inline", "--format", "json"],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!({"answer": "42", "name": "Inline"}));
    let (code, out, err) = run(
        &[&template, "--definition", "FromFile", "--format", "json"],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!("hi there"));

    // Unknown or missing names: exit 2, listing the state machines there are.
    let (code, _, err) = run(&[&template, "--definition", "Nope"], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {template}: no state machine named `Nope` in the template; the state machines are: Inline, FromFile\n"
        )
    );
    let (code, _, err) = run(&[&template], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("the template has 2 state machines: choose one with --definition NAME; the state machines are: Inline, FromFile"),
        "{err}"
    );
    // A definition file is not a template.
    let def = dir.file("plain.asl.json", TASK_DEF);
    let (code, _, err) = run(&[&def, "--definition", "X"], "");
    assert_eq!(code, 2);
    assert!(err.contains("is a definition, not a template"), "{err}");
}

/// A state name filled in from the region at deploy time is read by the run only: a
/// transition it breaks is told as such, with no line and column it cannot have.
#[test]
fn a_state_name_filled_in_at_deploy_time_breaks_the_run_clearly() {
    let dir = TempDir::new("pseudo-name");
    let template = dir.file(
        "template.yaml",
        "Resources:\n  SM:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Pass\", \"Next\": \"Done-${AWS::Region}\"},\n         \"Dome-${AWS::Region}\": {\"Type\": \"Succeed\"}}}\n",
    );
    let (code, _, err) = run(&[&template], "{}");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "{template}: the Next of \"S\" names \"Done-us-east-1\", which is not a state in the same scope\nerror: the definition has errors; fix them before simulating\n"
        )
    );
}

/// What CloudFormation fills from the region and account alone is filled with
/// `--region` and `--account`; what only the stack knows gets a stand-in, noted.
#[test]
fn pseudo_parameters_of_a_template_take_the_region_and_account() {
    let dir = TempDir::new("pseudo");
    let template = dir.file(
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Parameters:\n              region: !Ref AWS::Region\n              topic: !Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts\n            End: true\n",
    );
    let (code, out, err) = run(
        &[
            &template,
            "--region",
            "eu-west-1",
            "--account",
            "111122223333",
            "--format",
            "json",
        ],
        "{}",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["output"],
        serde_json::json!({"region": "eu-west-1", "topic": "arn:aws:sns:eu-west-1:111122223333:alerts"})
    );
    // In DefinitionSubstitutions (SAM, inline; a referenced file) and in the `Fn::Sub`
    // of a DefinitionString; a name only the stack knows gets a stand-in.
    let file = dir.file(
        "m.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"r": "${Region}", "a": "${Arn}"}, "End": true}}}"#,
    );
    let subs = "      DefinitionSubstitutions:\n        Region: !Ref AWS::Region\n        Arn: !Sub arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q\n";
    let inline = dir.file(
        "sam.yaml",
        &format!("Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n{subs}      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Result: {{r: \"${{Region}}\", a: \"${{Arn}}\"}}\n            End: true\n"),
    );
    let referenced = dir.file(
        "ref.yaml",
        &format!("Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n{subs}      DefinitionUri: {file}\n"),
    );
    let string = dir.file(
        "string.yaml",
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": {\"r\": \"${AWS::Region}\", \"a\": \"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q\", \"s\": \"${AWS::StackName}\"}, \"End\": true}}}'\n",
    );
    // The variable map of an `Fn::Sub` [text, map].
    let map = dir.file(
        "map.json",
        r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Sub": [
  "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": {\"r\": \"${R}\", \"a\": \"${A}\"}, \"End\": true}}}",
  {"R": {"Ref": "AWS::Region"}, "A": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"}}]}}}}}"#,
    );
    let want =
        serde_json::json!({"r": "cn-north-1", "a": "arn:aws-cn:sqs:cn-north-1:111122223333:q"});
    for template in [&inline, &referenced, &string, &map] {
        let (code, out, err) = run(
            &[
                template,
                "--region",
                "cn-north-1",
                "--account",
                "111122223333",
                "--format",
                "json",
            ],
            "{}",
        );
        let note = if template == &string {
            "note: values that only the deployed stack knows are stand-ins in this run: Ref AWS::StackName = stack\n"
        } else {
            ""
        };
        assert_eq!((code, err.as_str()), (0, note), "{template}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut output = v["output"].clone();
        if template == &string {
            assert_eq!(output["s"], "stack");
            output.as_object_mut().unwrap().remove("s");
        }
        assert_eq!(output, want, "{template}");
    }
}

/// A template parameter with a `Default` takes it, as a stack created without
/// overrides does: through `!Ref`, an `Fn::Sub` and DefinitionSubstitutions; a
/// parameter without one, and a resource's name, get a stand-in (noted); `--parameter`
/// gives a parameter's value.
#[test]
fn template_parameters_take_their_defaults() {
    let dir = TempDir::new("parameters");
    let params = "Parameters:\n  Stage:\n    Type: String\n    Default: dev\n  Retries:\n    Type: Number\n    Default: 3\n  Owner:\n    Type: String\n";
    let sam = dir.file(
        "sam.yaml",
        &format!("Transform: AWS::Serverless-2016-10-31\n{params}Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        S: !Ref Stage\n        N: !Ref Retries\n        O: !Ref Owner\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Parameters:\n              stage: ${{S}}\n              n: ${{N}}\n              owner: ${{O}}\n              direct: !Ref Stage\n              sub: !Sub \"${{Stage}}-${{Retries}}\"\n            End: true\n"),
    );
    let string = dir.file(
        "string.yaml",
        &format!("{params}Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub '{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": {{\"stage\": \"${{Stage}}\", \"n\": ${{Retries}}, \"owner\": \"${{Owner}}\", \"table\": \"${{Table}}\"}}, \"End\": true}}}}}}'\n  Table:\n    Type: AWS::DynamoDB::Table\n"),
    );
    let with = |template: &str, more: &[&str]| {
        let mut args = vec![template, "--format", "json"];
        args.extend(more);
        let (code, out, err) = run(&args, "{}");
        assert_eq!(code, 0, "{template}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        (v["output"].clone(), err)
    };
    let output = |template: &str| with(template, &[]).0;
    let note = "note: values that only the deployed stack knows are stand-ins in this run: ";
    assert_eq!(
        with(&sam, &[]),
        (
            serde_json::json!({"stage": "dev", "n": 3, "owner": "Owner", "direct": "dev", "sub": "dev-3"}),
            format!("{note}Ref Owner = Owner\n")
        )
    );
    assert_eq!(
        with(&string, &[]),
        (
            serde_json::json!({"stage": "dev", "n": 3, "owner": "Owner", "table": "Table"}),
            format!("{note}Ref Owner = Owner, Ref Table = Table\n")
        )
    );
    assert_eq!(
        with(
            &sam,
            &["--parameter", "Owner=alice", "--parameter", "Stage=prod"]
        ),
        (
            serde_json::json!({"stage": "prod", "n": 3, "owner": "alice", "direct": "prod", "sub": "prod-3"}),
            String::new()
        )
    );
    // A state named by a default: the definition it makes is checked as one written
    // out would be (an empty name; the name of another state).
    let named = |default: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nParameters:\n  P:\n    Type: String\n    Default: '{default}'\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Step: !Ref P\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: ${{Step}}\n          ${{Step}}:\n            Type: Succeed\n"
        )
    };
    let empty = dir.file("empty.yaml", &named(""));
    let (code, _, err) = run(&[&empty], "{}");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            format!("{empty}:18:11: ASL109 state name is empty (once the parameters' values are filled in; give others with --parameter NAME=VALUE)\nerror: the definition has errors; fix them before simulating\n").as_str()
        )
    );
    let twice = dir.file("twice.yaml", &named("A"));
    let (code, _, err) = run(&[&twice], "{}");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            format!("error: {twice}: 18:11: ASL002 duplicate key \"A\" once the substitutions of `M` fill it: a state machine cannot have two states of one name\n").as_str()
        )
    );
    assert_eq!(
        output(&dir.file("fine.yaml", &named("B"))),
        serde_json::json!({})
    );
    // A transition a parameter chooses: the state its default leaves unreachable is
    // shown where it is written (in the inline definition, in a DefinitionString), and
    // --parameter runs the other choice.
    let chosen = dir.file(
        "chosen.yaml",
        "Parameters:\n  Target: {Type: String, Default: B}\nResources:\n  S:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Dyn: !Ref Target\n      DefinitionString: |\n        {\"StartAt\": \"A\", \"States\": {\n          \"A\": {\"Type\": \"Pass\", \"Next\": \"${Dyn}\"},\n          \"B\": {\"Type\": \"Pass\", \"End\": true},\n          \"C\": {\"Type\": \"Pass\", \"End\": true}}}\n  T:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Next: !Ref Target}\n          B: {Type: Pass, End: true}\n          C: {Type: Pass, End: true}\n",
    );
    for (machine, at) in [("S", "13:11"), ("T", "22:11")] {
        let (code, _, err) = run(&[&chosen, "--definition", machine], "{}");
        assert_eq!(
            (code, err.as_str()),
            (
                2,
                format!("{chosen}:{at}: ASL205 state \"C\" is not reachable from StartAt (once the parameters' values are filled in; give others with --parameter NAME=VALUE)\nerror: the definition has errors; fix them before simulating\n").as_str()
            )
        );
        let (code, out, err) = run(
            &[&chosen, "--definition", machine, "--parameter", "Target=C"],
            "{}",
        );
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("ASL205 state \"B\""), "{err}");
    }
}

/// A Terraform input variable takes its `default` (as a plan without `-var` does), or
/// the value of `--parameter`: `var.wait` in a `jsonencode` is the number, not the
/// text "${var.wait}"; `${var.NAME}` in a heredoc is interpolated.
#[test]
fn terraform_variables_take_their_defaults_or_the_given_values() {
    let dir = TempDir::new("tf-vars");
    let tf = dir.file(
        "main.tf",
        "variable \"wait\" {\n  type    = number\n  default = 10\n}\nvariable \"who\" {\n  default = \"world\"\n}\nresource \"aws_sfn_state_machine\" \"w\" {\n  definition = jsonencode({\n    StartAt = \"W\"\n    States = {\n      W = { Type = \"Wait\", Seconds = var.wait, Next = \"P\" }\n      P = { Type = \"Pass\", Result = \"hi ${var.who}\", End = true }\n    }\n  })\n}\nresource \"aws_sfn_state_machine\" \"h\" {\n  definition = <<EOF\n{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": ${var.wait}, \"Next\": \"P\"}, \"P\": {\"Type\": \"Pass\", \"Result\": \"${var.who}\", \"End\": true}}}\nEOF\n}\n",
    );
    for (machine, hi) in [("w", "hi "), ("h", "")] {
        let (code, out, err) = run(&[&tf, "--definition", machine], "{}");
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("waited 10 s"), "{out}");
        assert!(out.contains(&format!("output: \"{hi}world\"")), "{out}");
        let (code, out, err) = run(
            &[
                &tf,
                "--definition",
                machine,
                "--parameter",
                "wait=3",
                "--parameter",
                "who=you",
            ],
            "{}",
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("waited 3 s"), "{out}");
        assert!(out.contains(&format!("output: \"{hi}you\"")), "{out}");
    }
    // A `templatefile` variable given an input variable: its value fills the file.
    dir.file(
        "sm.json",
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${wait}, "End": true}}}"#,
    );
    let file = dir.file(
        "file.tf",
        "variable \"wait\" {\n  type    = number\n  default = 6\n}\nresource \"aws_sfn_state_machine\" \"f\" {\n  definition = templatefile(\"${path.module}/sm.json\", { wait = var.wait })\n}\n",
    );
    for (more, waited) in [
        (&[][..], "waited 6 s"),
        (&["--parameter", "wait=1"][..], "waited 1 s"),
    ] {
        let mut args = vec![file.as_str()];
        args.extend(more);
        let (code, out, err) = run(&args, "{}");
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(waited), "{out}");
    }
}

/// CloudFormation evaluates the intrinsic functions of a definition before Step
/// Functions sees it: a run evaluates those of literal values and gives a resource's
/// `Ref`/`GetAtt` a stand-in shaped by its type (noted), never the function's object.
#[test]
fn template_intrinsics_are_values_in_the_run() {
    let dir = TempDir::new("intrinsics");
    let template = dir.file(
        "template.yaml",
        "Mappings:\n  M: {us-east-1: {fn: arn:aws:lambda:us-east-1:123456789012:function:f}}\nParameters:\n  L: {Type: CommaDelimitedList, Default: \"a,b\"}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n  S:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Task, Resource: !FindInMap [M, !Ref AWS::Region, fn], Next: B}\n          B: {Type: Task, Resource: !Join [\"\", [\"arn:aws:states:::\", \"sqs:sendMessage\"]], Parameters: {QueueUrl: !Ref Q, MessageBody: !GetAtt Q.Arn}, ResultPath: null, Next: C}\n          C: {Type: Pass, Parameters: {lst: !Ref L, b64: !Base64 hi, q: !Sub \"${Q}\"}, End: true}\n",
    );
    let (code, out, err) = run(&[&template, "--mock-default", r#"{"Return":{}}"#], "{}");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("call arn:aws:lambda:us-east-1:123456789012:function:f"),
        "{out}"
    );
    assert!(
        out.contains(r#"call sqs:sendMessage  parameters: {"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/Q","MessageBody":"arn:aws:sqs:us-east-1:123456789012:Q"}"#),
        "{out}"
    );
    assert!(
        out.contains(r#"-> output: {"lst":["a","b"],"b64":"aGk=","q":"https://sqs.us-east-1.amazonaws.com/123456789012/Q"}"#),
        "{out}"
    );
    assert!(
        err.starts_with("note: values that only the deployed stack knows are stand-ins in this run: Ref Q = https://sqs.us-east-1.amazonaws.com/123456789012/Q, Fn::GetAtt Q.Arn = arn:aws:sqs:us-east-1:123456789012:Q\n"),
        "{err}"
    );
    // Serverless: a function of the file (`Fn::GetAtt: [hello, Arn]`) is called by its
    // deployed name; `${aws:region}`, `${aws:accountId}` and `${sls:stage}` are filled.
    let sls = dir.file(
        "serverless.yml",
        "service: demo\nprovider: {name: aws}\nfunctions:\n  hello: {handler: h.hello}\nstepFunctions:\n  stateMachines:\n    first:\n      definition:\n        StartAt: A\n        States:\n          A: {Type: Task, Resource: {Fn::GetAtt: [hello, Arn]}, Next: B}\n          B: {Type: Task, Resource: \"arn:aws:lambda:${aws:region}:${aws:accountId}:function:demo-${sls:stage}-x\", End: true}\n",
    );
    let (code, out, err) = run(
        &[
            &sls,
            "--region",
            "eu-west-1",
            "--mock-default",
            r#"{"Return":{}}"#,
        ],
        "{}",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("call arn:aws:lambda:eu-west-1:123456789012:function:demo-dev-hello "),
        "{out}"
    );
    assert!(
        out.contains("call arn:aws:lambda:eu-west-1:123456789012:function:demo-dev-x "),
        "{out}"
    );
}

/// A Task whose Resource a template fills with its own Lambda function's ARN (SAM's
/// `FnArn: !GetAtt Fn.Arn`, an inline `!GetAtt`, Terraform's
/// `aws_lambda_function.f.arn`) calls Lambda: the result is the mock's `Payload`, as
/// for a written ARN.
#[test]
fn template_lambda_functions_are_called_as_lambda() {
    let dir = TempDir::new("template-lambda");
    let sam = dir.file(
        "sam.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: x, Runtime: python3.12, CodeUri: .}\n  SM:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        FnArn: !GetAtt Fn.Arn\n      Definition:\n        StartAt: P\n        States:\n          P: {Type: Task, Resource: \"${FnArn}\", End: true}\n",
    );
    let inline = dir.file(
        "cfn.json",
        r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}, "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "Definition": {"StartAt": "P", "States": {"P": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}, "End": true}}}}}}}"#,
    );
    let terraform = dir.file(
        "main.tf",
        "resource \"aws_sfn_state_machine\" \"sm\" {\n  name = \"x\"\n  role_arn = \"arn:aws:iam::123456789012:role/r\"\n  definition = jsonencode({\n    StartAt = \"P\"\n    States = { P = { Type = \"Task\", Resource = aws_lambda_function.f.arn, End = true } }\n  })\n}\nresource \"aws_lambda_function\" \"f\" { function_name = \"f\" }\n",
    );
    let mock = r#"P={"Return": {"StatusCode": 200, "Payload": {"a": 1}}}"#;
    for (template, called) in [
        (&sam, "arn:aws:lambda:eu-west-1:111122223333:function:Fn"),
        (&inline, "arn:aws:lambda:eu-west-1:111122223333:function:Fn"),
        (&terraform, "${aws_lambda_function.f.arn}"),
    ] {
        let args = [
            template.as_str(),
            "--mock",
            mock,
            "--region",
            "eu-west-1",
            "--account",
            "111122223333",
        ];
        let (code, out, err) = run(&args, "{}");
        assert_eq!((code, err.as_str()), (0, ""), "{template}");
        assert_eq!(
            out,
            format!(
                "P (Task)  input: {{}}\n  call {called}  input: {{}}\n  result: {{\"a\":1}}\n  -> output: {{\"a\":1}}\nSUCCEEDED after 1 transition; output: {{\"a\":1}}\n"
            ),
            "{template}"
        );
    }
    // A resource known only at deploy time is named as written, no type before it.
    let unknown = dir.file(
        "ph.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Task", "Resource": "${Other}", "End": true}}}"#,
    );
    let (code, out, _) = run(&[&unknown, "--mock", r#"P={"Return": {"a": 1}}"#], "{}");
    assert_eq!(code, 0);
    assert!(out.contains("\n  call ${Other}  parameters: {}\n"), "{out}");
}

/// A template's only state machine needs no name; its lint errors are shown at their
/// place in the referenced file.
#[test]
fn template_errors_point_into_the_referenced_file() {
    let dir = TempDir::new("template-errors");
    let def = dir.file(
        "m.asl.json",
        "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"${Then}\"}}}",
    );
    let template = dir.file(
        "template.json",
        r#"{"Resources": {"M": {"Type": "AWS::Serverless::StateMachine", "Properties": {
  "DefinitionUri": "m.asl.json", "DefinitionSubstitutions": {"Then": "Nowhere"}}}}}"#,
    );
    let (code, _, err) = run(&[&template], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "{def}:2:33: ASL201 Next names \"Nowhere\", which is not a state of the top level\nerror: the definition has errors; fix them before simulating\n"
        )
    );
}

/// An alias in a template's definition that the reader refused to expand (past an
/// alias bomb elsewhere in the template) is refused, not run as `null`.
#[test]
fn a_template_alias_left_unexpanded_is_refused() {
    let dir = TempDir::new("template-alias");
    let mut text =
        String::from("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  x0: &x0 [a, a]\n");
    for i in 1..40 {
        text.push_str(&format!("  x{i}: &x{i} [*x{}, *x{}]\n", i - 1, i - 1));
    }
    text.push_str("Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Result: *x1, End: true}\n");
    let template = dir.file("template.yaml", &text);
    let (code, out, err) = run(&[&template], "");
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("ASL001 alias `*x")
            && err.ends_with("error: the definition has errors; fix them before simulating\n"),
        "{err}"
    );
}

/// A CloudFormation intrinsic in a definition file is refused with ASL811 (it reached
/// the run as a Task with an empty resource); inline in a SAM template it is resolved,
/// and the run calls what it names.
#[test]
fn intrinsics_run_only_inside_a_template() {
    let dir = TempDir::new("intrinsics");
    let def = dir.file(
        "m.asl.yaml",
        "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt Work.Arn\n    End: true\n",
    );
    let (code, _, err) = run(&[&def], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "{def}:5:15: ASL811 `!GetAtt` in the Resource of state \"A\" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for\nerror: the definition has errors; fix them before simulating\n"
        )
    );
    let template = dir.file(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Work:\n    Type: AWS::Serverless::Function\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource: !GetAtt Work.Arn\n            End: true\n",
    );
    let (code, out, err) = run(&[&template, "--mock", r#"A={"Return": 1}"#], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("function:Work"), "{out}");
}

/// ASL506's fixtures, run with the assignment failing: the catcher without a ResultPath
/// (JSONPath) or Output (JSONata) hands "Escalate" only the error output and the
/// execution fails where the warning points; the fixed twins succeed.
#[test]
fn catch_drops_input_fixtures_fail_and_pass_as_the_rule_says() {
    let dir = TempDir::new("asl506");
    let mocks = dir.file(
        "mocks.json",
        r#"{"StateMachines": {"T": {"TestCases": {"fail": {"Assign agent": "Boom", "Escalate": "Sent"}}}},
  "MockedResponses": {"Boom": {"0": {"Throw": {"Error": "NoAgents", "Cause": "none free"}}},
                      "Sent": {"0": {"Return": {"MessageId": "1"}}}}}"#,
    );
    let input = dir.file("in.json", r#"{"ticket": {"id": "T-1"}}"#);
    let fixture = |name: &str| {
        format!(
            "{}/tests/fixtures/ASL506/{name}.asl.json",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let args = |def: &str| {
        let (code, out, _) = run(
            &[
                def,
                "--input",
                &input,
                "--mock-config",
                &mocks,
                "--state-machine",
                "T",
                "--test-case",
                "fail",
                "--format",
                "json",
            ],
            "",
        );
        (code, serde_json::from_str::<Value>(&out).unwrap())
    };
    for (invalid, valid, error, cause) in [
        (
            "invalid-escalate-reads-lost-ticket",
            "valid-result-path-keeps-ticket",
            "States.Runtime",
            "The JSONPath '$.ticket.id' specified for the field 'ticket.$' could not be found in the input",
        ),
        (
            "invalid-jsonata-escalate",
            "valid-jsonata-output-keeps-ticket",
            "States.QueryEvaluationError",
            "The JSONata expression '$states.input.ticket.id' specified for the field 'Arguments/Message/ticket' returned nothing (undefined)",
        ),
    ] {
        let (code, out) = args(&fixture(invalid));
        assert_eq!(code, 1, "{invalid}");
        assert_eq!(out["status"], "FAILED");
        assert_eq!(out["error"], error);
        assert!(out["cause"].as_str().unwrap().contains(cause), "{out}");
        let (code, out) = args(&fixture(valid));
        assert_eq!(code, 0, "{valid}");
        assert_eq!(out["status"], "SUCCEEDED");
        assert_eq!(out["output"], json!({"MessageId": "1"}));
    }
}

/// ASL308's fixtures: reading `$.checks.paid` from a Parallel's array result fails
/// where the warning points; reading the branch's entry succeeds.
#[test]
fn array_result_fixtures_fail_and_pass_as_the_rule_says() {
    let fixture = |name: &str| {
        format!(
            "{}/tests/fixtures/ASL308/{name}.asl.json",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let (code, out, _) = run(
        &[
            &fixture("invalid-enrolment-checks-array"),
            "--format",
            "json",
        ],
        "",
    );
    let out: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(code, 1);
    assert_eq!(out["error"], "States.Runtime");
    assert!(
        out["cause"]
            .as_str()
            .unwrap()
            .contains("Invalid path '$.checks.paid'"),
        "{out}"
    );
    let (code, out, _) = run(
        &[&fixture("valid-reads-branch-entry"), "--format", "json"],
        "",
    );
    let out: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(code, 0);
    assert_eq!(out["status"], "SUCCEEDED");
}

/// A Terraform file's state machine runs as Terraform deploys it: a heredoc (its `$${`
/// escape a literal `${`), a `jsonencode` object, a `templatefile` with its variables
/// filled in (and `$${` rendered `${`) and the resource's `type`; one that will not deploy is refused with its
/// errors where they are written.
#[test]
fn definitions_inside_terraform_files() {
    let dir = TempDir::new("terraform");
    std::fs::create_dir_all(dir.0.join("sm")).unwrap();
    dir.file(
        "sm/greet.asl.json",
        r#"{"StartAt": "Hello", "States": {
  "Hello": {"Type": "Pass", "Parameters": {"greeting": "${Greeting}", "wait": ${Seconds}, "name.$": "$$.StateMachine.Name", "id.$": "$$.Execution.Id", "text": "$${literal}"}, "End": true}}}"#,
    );
    dir.file(
        "sm/typo.asl.json",
        "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Result\": \"${Greting}\", \"End\": true}}}",
    );
    let tf = dir.file(
        "main.tf",
        r#"resource "aws_sfn_state_machine" "greet" {
  name       = "greet"
  type       = "EXPRESS"
  definition = templatefile("${path.module}/sm/greet.asl.json", {
    Greeting = "hi there"
    Seconds  = 5
  })
}

resource "aws_sfn_state_machine" "heredoc" {
  definition = <<-EOF
    {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "$${literal}", "End": true}}}
  EOF
}

resource "aws_sfn_state_machine" "encoded" {
  definition = jsonencode({
    StartAt = "P"
    States  = { P = { Type = "Pass", Result = { n = 1, ok = true }, End = true } }
  })
}

resource "aws_sfn_state_machine" "typo" {
  definition = templatefile("sm/typo.asl.json", { Greeting = "hi" })
}
"#,
    );
    let (code, out, err) = run(&[&tf, "--definition", "greet", "--format", "json"], "");
    assert_eq!((code, err.as_str()), (0, ""));
    let mut v: Value = serde_json::from_str(&out).unwrap();
    // The resource's `name` and `type = "EXPRESS"`.
    let id = v["output"]["id"].as_str().unwrap_or_default();
    assert!(
        id.starts_with("arn:aws:states:us-east-1:123456789012:express:greet:"),
        "{id}"
    );
    v["output"].as_object_mut().unwrap().remove("id");
    assert_eq!(
        v["output"],
        json!({"greeting": "hi there", "wait": 5, "name": "greet", "text": "${literal}"})
    );
    let (code, out, _) = run(
        &[
            &tf,
            "--definition",
            "aws_sfn_state_machine.heredoc",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!("${literal}"));
    let (code, out, _) = run(&[&tf, "--definition", "encoded", "--format", "json"], "");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!({"n": 1, "ok": true}));
    // A variable the template is not given: Terraform would not render it.
    let (code, _, err) = run(&[&tf, "--definition", "typo"], "");
    assert_eq!(code, 2);
    let typo = dir.0.join("sm/typo.asl.json");
    assert_eq!(
        err,
        format!(
            "{}:2:36: ASL806 `Greting` is not a variable of the template: Terraform refuses to render the definition of \"aws_sfn_state_machine.typo\" (vars map does not contain key \"Greting\")\nerror: the definition has errors; fix them before simulating\n",
            typo.display()
        )
    );
    let (code, _, err) = run(&[&tf], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {tf}: the file has 4 state machines: choose one with --definition NAME; the state machines are: aws_sfn_state_machine.greet, aws_sfn_state_machine.heredoc, aws_sfn_state_machine.encoded, aws_sfn_state_machine.typo\n"
        )
    );
    let (code, _, err) = run(&[&tf, "--definition", "nope"], "");
    assert_eq!(code, 2);
    assert!(err.starts_with(&format!("error: {tf}: no state machine named `nope` here; the state machines are: aws_sfn_state_machine.greet,")), "{err}");
}

/// A definition file a Terraform `file()` names that is not UTF-8 text is refused with
/// the reason, not read as YAML with U+FFFD in place of its bytes.
#[test]
fn terraform_definition_file_that_is_not_text_is_refused() {
    let dir = TempDir::new("terraform-binary");
    std::fs::write(dir.0.join("def.bin"), b"\x87\x01\x02{\"StartAt\"").unwrap();
    let tf = dir.file(
        "main.tf",
        "resource \"aws_sfn_state_machine\" \"sm\" {\n  definition = file(\"def.bin\")\n}\n",
    );
    let (code, out, err) = run(&[&tf], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: {tf}: the definition of `aws_sfn_state_machine.sm` names `def.bin`, which cannot be read ({}: invalid UTF-8 (byte 0x87 at offset 0); the file must be UTF-8 text)\n",
            dir.0.join("def.bin").display()
        )
    );
}

#[test]
fn terraform_templates_written_by_directives_are_refused() {
    let dir = TempDir::new("terraform-directives");
    dir.file(
        "sm.json.tpl",
        "{\"StartAt\": \"A\", \"States\": {\n%{ for s in steps ~}\n  \"${s}\": {\"Type\": \"Pass\", \"End\": true},\n%{ endfor ~}\n}}",
    );
    let tf = dir.file(
        "main.tf",
        r#"resource "aws_sfn_state_machine" "looped" {
  definition = templatefile("sm.json.tpl", { steps = ["A"] })
}
"#,
    );
    let (code, out, err) = run(&[&tf], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: {tf}: the definition of `aws_sfn_state_machine.looped` (`sm.json.tpl`) is written by template directives (`%{{ ... }}`), which asl-lint does not evaluate\n"
        )
    );
}

#[test]
fn the_trace_says_which_choice_rule_was_taken() {
    // A loop through a Choice: rule 1 twice, then the Default; and a JSONata Choice.
    let dir = TempDir::new("choices");
    let def = dir.file(
        "loop.asl.json",
        r#"{"StartAt": "Check", "States": {
  "Check": {"Type": "Choice", "Choices": [
      {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
      {"Variable": "$.n", "NumericLessThan": 2, "Next": "Grow"}],
    "Default": "Ask"},
  "Grow": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
  "Big": {"Type": "Succeed"},
  "Ask": {"Type": "Choice", "QueryLanguage": "JSONata",
    "Choices": [{"Condition": "{% $states.input.n = 2 %}", "Next": "Big"}]}}}"#,
    );
    let (code, out, err) = run(&[&def, "--input", "-"], r#"{"n": 0}"#);
    assert_eq!((code, err.as_str()), (0, ""));
    let taken: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("matched"))
        .map(str::trim)
        .collect();
    assert_eq!(
        taken,
        [
            "-> Choices[1] matched",
            "-> Choices[1] matched",
            "-> no rule matched: Default",
            "-> Choices[0] matched"
        ],
        "{out}"
    );
    // The JSON document lists them by the ChoiceStateExited event.
    let (_, json_out, _) = run(&[&def, "--input", "-", "--format", "json"], r#"{"n": 0}"#);
    let doc: Value = serde_json::from_str(&json_out).unwrap();
    let rules: Vec<Value> = doc["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["eventId"].as_u64().unwrap();
            let event = doc["events"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == id)
                .unwrap();
            assert_eq!(event["type"], "ChoiceStateExited", "{event}");
            c["rule"].clone()
        })
        .collect();
    assert_eq!(rules, [json!(1), json!(1), Value::Null, json!(0)]);
}

#[test]
fn input_as_json_text_a_file_or_a_file_url() {
    let dir = TempDir::new("input-forms");
    let def = dir.file(
        "echo.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let last = |out: &str| out.lines().last().unwrap_or("").to_string();
    // JSON text, as the AWS CLI's start-execution takes it.
    let (code, out, _) = run(&[&def, "--input", r#"{"id": 1}"#], "");
    assert_eq!(
        (code, last(&out)),
        (
            0,
            r#"SUCCEEDED after 1 transition; output: {"id":1}"#.into()
        )
    );
    // A file, by path or file:// URL; a file wins over text of the same name.
    let file = dir.file("in.json", r#"{"id": 2}"#);
    let (_, out, _) = run(&[&def, "--input", &file], "");
    assert!(last(&out).ends_with(r#"{"id":2}"#), "{out}");
    let (_, out, _) = run(&[&def, "--input", &format!("file://{file}")], "");
    assert!(last(&out).ends_with(r#"{"id":2}"#), "{out}");
    // A byte order mark before the JSON, as some editors write it, from a file or
    // standard input (the definition may have one too).
    let file = dir.file("bom.json", "\u{feff}{\"id\": 3}");
    let (code, out, _) = run(&[&def, "--input", &file], "");
    assert!(code == 0 && last(&out).ends_with(r#"{"id":3}"#), "{out}");
    let (code, out, _) = run(&[&def, "--input", "-"], "\u{feff}{\"id\": 4}");
    assert!(code == 0 && last(&out).ends_with(r#"{"id":4}"#), "{out}");
    // Neither a file nor JSON: exit 2, saying what --input takes.
    let (code, _, err) = run(&[&def, "--input", "missing.json"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the input file missing.json")
            && err.contains("or JSON text such as"),
        "{err}"
    );
    // A file that does not parse is named.
    let bad = dir.file("bad-input.json", r#"{"a": 1e400}"#);
    let (code, _, err) = run(&[&def, "--input", &bad], "");
    assert_eq!(
        (code, err),
        (
            2,
            format!(
                "error: the input file {bad} is not valid JSON at line 1, column 11: number out of range\n"
            )
        )
    );
    // JSON text that does not parse: the parse error, not "cannot read the file".
    let (code, _, err) = run(&[&def, "--input", r#"{"a":"#], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: the --input text is not valid JSON at line 1, column 5: EOF while parsing a value\n"
        )
    );
    // A number JSON refuses is a number too, not a file that is missing; one JSON
    // takes runs.
    let (code, _, err) = run(&[&def, "--input", "1e400"], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: the --input text is not valid JSON at line 1, column 5: number out of range\n"
        )
    );
    let (code, out, _) = run(&[&def, "--input=-2.5"], "");
    assert_eq!(
        (code, last(&out)),
        (0, "SUCCEEDED after 1 transition; output: -2.5".into())
    );
}

/// A JSONata expression that fails is retried with no event of its own in AWS's
/// history; the trace still tells each retry, where it happened (QA: a Task seemed to
/// run twice for no reason).
#[test]
fn retried_expression_failures_are_told_in_the_trace() {
    let dir = TempDir::new("quiet-retries");
    let def = dir.file(
        "t.asl.json",
        r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task",
  "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
  "Output": "{% $states.result.ok %}",
  "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "MaxAttempts": 2}], "End": true}}}"#,
    );
    let (code, out, _) = run(
        &[
            &def,
            "--mock",
            r#"T={"0": {"Return": {"no": 1}}, "1": {"Return": {"ok": 2}}}"#,
        ],
        "",
    );
    assert_eq!(code, 0, "{out}");
    let cause = "An error occurred while executing the state 'T' (entered at the event id #2). The JSONata expression '$states.result.ok' specified for the field 'Output' returned nothing (undefined).";
    assert_eq!(
        out,
        format!(
            "T (Task)  input: {{}}\n  call lambda:invoke  parameters: {{\"FunctionName\":\"f\"}}\n  result: {{\"no\":1}}\n  ! States.QueryEvaluationError: {cause}  (retry 1 after 1 s)\n  result: {{\"ok\":2}}\n  -> output: 2\nSUCCEEDED after 1 transition; output: 2\n"
        )
    );
    // Failing every time: both retries, then the end of them.
    let (code, out, _) = run(&[&def, "--mock", r#"T={"Return": {"no": 1}}"#], "");
    assert_eq!(code, 1);
    let told: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("  ! States.QueryEvaluationError: {cause}  ")))
        .collect();
    assert_eq!(
        told,
        [
            "(retry 1 after 1 s)",
            "(retry 2 after 2 s)",
            "(no retry left after 2)"
        ]
    );
}

#[test]
fn control_characters_of_an_error_never_reach_the_terminal_raw() {
    let dir = TempDir::new("control");
    let def = dir.file(
        "f.asl.json",
        r#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E\u001b[5m", "Cause": "C\u001b]0;title\u0007"}}}"#,
    );
    let (code, out, _) = run(&[&def], "");
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().last().unwrap(),
        r"FAILED after 1 transition: E\u001b[5m: C\u001b]0;title\u0007"
    );
}

#[test]
fn a_definition_is_read_as_check_reads_it() {
    // A UTF-16 file was parsed as YAML into a page of "unexpected character" errors.
    let dir = TempDir::new("encoding");
    let utf16: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let path = dir.0.join("w.asl.json");
    std::fs::write(&path, [&[0xFF, 0xFE][..], &utf16].concat()).unwrap();
    let (code, _, err) = run(&[path.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {}: this file is UTF-16 (little-endian) text; JSON and YAML definitions must be UTF-8: save it as UTF-8\n",
            path.display()
        )
    );
}

#[test]
fn the_type_given_is_the_type_linted() {
    // A callback task is Standard's only: run as Express (`--type`), the definition is
    // refused as AWS would refuse it; run as Standard from an Express template, the
    // template's Express-only errors do not stop the run.
    let dir = TempDir::new("type-linted");
    let callback = r#"{"StartAt": "N", "States": {"N": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "HeartbeatSeconds": 60, "End": true}}}"#;
    let def = dir.file("cb.asl.json", callback);
    let (code, _, err) = run(
        &[&def, "--type", "express", "--mock", r#"N={"Return": {}}"#],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ASL407"), "{err}");
    let (code, _, err) = run(&[&def, "--mock", r#"N={"Return": {}}"#], "");
    assert_eq!(code, 0, "{err}");
    let template = dir.file(
        "template.json",
        &format!(
            r#"{{"Resources": {{"M": {{"Type": "AWS::StepFunctions::StateMachine", "Properties": {{"StateMachineType": "EXPRESS", "Definition": {callback}}}}}}}}}"#
        ),
    );
    let (code, _, err) = run(&[&template, "--mock", r#"N={"Return": {}}"#], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ASL407"), "{err}");
    let (code, _, err) = run(
        &[
            &template,
            "--type",
            "standard",
            "--mock",
            r#"N={"Return": {}}"#,
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
}

/// The text trace tells what each state did: the request a Task sent and the result it
/// got, the variables assigned, how long a Wait waited, and each failure with what
/// became of it (retried by the state or by the Map/Parallel around it, after how long
/// on the virtual clock, or caught).
#[test]
fn the_text_trace_shows_calls_retries_catches_waits_and_variables() {
    let dir = TempDir::new("trace");
    let mocks = dir.file(
        "mocks.json",
        r#"{"StateMachines": {"M": {"TestCases": {"seq": {"T": "Flaky"}, "branch": {"B": "Broken"}}}},
            "MockedResponses": {
              "Flaky": {"0-1": {"Throw": {"Error": "X", "Cause": "busy"}}, "2": {"Return": {"Payload": 1}}},
              "Broken": {"0-1": {"Throw": {"Error": "X", "Cause": "down"}}}}}"#,
    );
    let sequence = dir.file(
        "sequence.asl.json",
        r#"{"StartAt": "P", "QueryLanguage": "JSONata", "States": {
  "P": {"Type": "Pass", "Assign": {"n": "{% 3 %}", "who": "ana"}, "Output": {"a": 1}, "Next": "W"},
  "W": {"Type": "Wait", "Seconds": 90, "Next": "T"},
  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 2}],
        "Next": "S"},
  "S": {"Type": "Succeed"}}}"#,
    );
    let (code, out, err) = run(
        &[&sequence, "--mock-config", &mocks, "--test-case", "seq"],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("trace_sequence", out);

    // A branch fails; the Parallel state retries once, then its catcher takes the error.
    let parallel = dir.file(
        "parallel.asl.json",
        r#"{"StartAt": "Par", "States": {
  "Par": {"Type": "Parallel", "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                        "Parameters": {"FunctionName": "f"}, "End": true}}}],
    "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 1, "MaxAttempts": 1}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Items"}],
    "Next": "Items"},
  "Items": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "B2", "States": {
      "B2": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "D"}], "Default": "D"},
      "D": {"Type": "Pass", "End": true}}}, "Next": "Done"},
  "Done": {"Type": "Succeed"}}}"#,
    );
    let output = |format: &str| {
        let (code, out, err) = run(
            &[
                &parallel,
                "--mock-config",
                &mocks,
                "--test-case",
                "branch",
                "--input",
                r#"{"items": [1, 2]}"#,
                "--format",
                format,
            ],
            "",
        );
        assert_eq!((code, err.as_str()), (0, ""), "{format}");
        out
    };
    insta::assert_snapshot!("trace_parallel_retry_and_catch", output("text"));
    // The same run drawn over the graph: states filled by how they ended (the Parallel
    // state's error was caught, its branch's Task failed), the transitions taken in bold
    // (the Catch edge, not the Next edge beside it; the Choice rule for item 1 and the
    // Default for item 2).
    insta::assert_snapshot!("run_over_graph_mermaid", output("mermaid"));
    let dot = output("dot");
    let filled: Vec<&str> = dot.lines().filter(|l| l.contains("fillcolor")).collect();
    assert_eq!(filled.len(), 7, "{dot}");
    assert!(dot.contains("s0_0 -> s0_1 [label=\"Catch States.ALL\", style=dotted, color=\"#2e8b57\", penwidth=2.5];"), "{dot}");
    assert!(dot.contains("s0_0 -> s0_1;"), "{dot}");
    let svg = output("svg");
    let states: Vec<&str> = svg
        .match_indices("class=\"state ")
        .map(|(i, _)| svg[i + 7..].split('"').next().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "state parallel ran caught",
            "state pass ran",
            "state task ran failed",
            "state map ran",
            "state choice ran",
            "state pass ran",
            "state succeed ran"
        ]
    );
    assert_eq!(
        svg.matches("class=\"edge catch taken\"").count(),
        1,
        "{svg}"
    );
    // Without a history there is no run to draw.
    let (code, _, err) = run(&[&parallel, "--format", "svg", "--no-history"], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --format dot, mermaid and svg draw the run from its history: leave out --no-history\n"
        )
    );

    // A Distributed Map: each item runs in a child execution, outside the execution's
    // history (as on AWS); the trace tells each one, and the JSON document lists them.
    let distributed = dir.file(
        "distributed.asl.json",
        r#"{"StartAt": "Items", "States": {"Items": {"Type": "Map", "ItemsPath": "$.items", "End": true,
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Big?",
    "States": {
      "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Ship"}], "Default": "Skip"},
      "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true},
      "Skip": {"Type": "Pass", "End": true}}}}}}"#,
    );
    let args = [
        distributed.as_str(),
        "--input",
        r#"{"items": [{"n": 1}, {"n": 2}]}"#,
        "--mock",
        r#"Ship={"Return": {"Payload": "shipped"}}"#,
    ];
    let (code, out, err) = run(&args, "");
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("trace_distributed_map_children", out);
    let (_, json_out, _) = run(&[&args[..], &["--format", "json"]].concat(), "");
    let doc: Value = serde_json::from_str(&json_out).unwrap();
    let started = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "MapRunStarted")
        .unwrap()["id"]
        .clone();
    let children = doc["childExecutions"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert!(
        children
            .iter()
            .all(|c| c["mapRunStartedEventId"] == started)
    );
    assert_eq!(children[1]["index"], 1);
    assert_eq!(children[1]["choices"], json!([{"eventId": 3, "rule": 0}]));
    // A child's history is an execution's: started with the item, ended with its output.
    let kinds: Vec<&str> = children[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        children[0]["events"][0]["executionStartedEventDetails"]["input"],
        r#"{"n":1}"#
    );
    assert_eq!(
        children[0]["events"][5]["executionSucceededEventDetails"]["output"],
        r#"{"n":1}"#
    );
    assert!(
        doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "ChoiceStateEntered"),
        "the children's states stay out of the execution's history"
    );

    // An iteration fails: the Map state starts again, then fails for good (uncaught).
    let map = dir.file(
        "map.asl.json",
        r#"{"StartAt": "Items", "States": {
  "Items": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "B", "States": {
      "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true}}},
    "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 3, "MaxAttempts": 1}],
    "End": true}}}"#,
    );
    let (code, out, err) = run(
        &[
            &map,
            "--mock-config",
            &mocks,
            "--test-case",
            "branch",
            "--input",
            r#"{"items": [7]}"#,
        ],
        "",
    );
    assert_eq!((code, err.as_str()), (1, ""));
    insta::assert_snapshot!("trace_map_retry_then_failure", out);

    // A Fail state ends a branch or an iteration: no failure event follows it (as on
    // AWS), yet the trace names its error, each retry of the state around it, and the
    // catch, at the level of that state.
    let fails = dir.file(
        "fails.asl.json",
        r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Fail", "Error": "BErr", "Cause": "bc"}}}],
    "Retry": [{"ErrorEquals": ["BErr"], "MaxAttempts": 2, "IntervalSeconds": 3}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "M"}], "Next": "M"},
  "M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "F", "States": {
      "F": {"Type": "Fail", "Error": "FErr"}}},
    "Retry": [{"ErrorEquals": ["FErr"], "MaxAttempts": 1, "IntervalSeconds": 2}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Done"}], "End": true},
  "Done": {"Type": "Succeed"}}}"#,
    );
    let (code, out, err) = run(&[&fails, "--input", r#"{"items": [1]}"#], "");
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("trace_fail_states_in_parallel_and_map", out);
}

/// `--mock STATE=JSON` gives one state's responses on the command line: alone, from a
/// file (`@FILE`), or over the mock config's response for that state.
#[test]
fn inline_mocks_need_no_mock_config_and_replace_its_entries() {
    let dir = TempDir::new("inline");
    let def = dir.file("task.asl.json", TASK_DEF);
    // Alone: one response for every invocation.
    let (code, out, err) = run(
        &[
            &def,
            "--mock",
            r#"Call={"Return": {"Payload": "hi"}}"#,
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"], json!({"v": "hi"}));
    // Invocation numbers, as in MockedResponses: the retrier tries again once.
    let (code, out, _) = run(
        &[
            &def,
            "--mock",
            r#"Call={"0": {"Throw": {"Error": "Flaky"}}, "1": {"Return": {"Payload": 2}}}"#,
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.contains("! Flaky  (retry 1 after 1 s)\n"), "{out}");
    assert!(
        out.ends_with("SUCCEEDED after 2 transitions; output: {\"v\":2}\n"),
        "{out}"
    );
    // Failing every time: the retrier's one retry, then the end of it.
    let (code, out, _) = run(
        &[
            &def,
            "--mock",
            r#"Call={"Throw": {"Error": "Flaky", "Cause": "busy"}}"#,
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "  ! Flaky: busy  (retry 1 after 1 s)\n  ! Flaky: busy  (no retry left after 1)\n"
        ),
        "{out}"
    );
    // From a file, replacing the mock config's entry for the state.
    let mocks = dir.file("mocks.json", MOCKS);
    let thrown = dir.file(
        "thrown.json",
        r#"{"Throw": {"Error": "Gone", "Cause": "404"}}"#,
    );
    let at_file = format!("Call=@{thrown}");
    let (code, out, _) = run(&[&def, "--mock-config", &mocks, "--mock", &at_file], "");
    assert_eq!(code, 1);
    assert!(
        out.ends_with("FAILED after 1 transition: Gone: 404\n"),
        "{out}"
    );
    // A state name holding `=`: the name ends where the response begins.
    let eq = dir.file("eq.asl.json", &TASK_DEF.replace("\"Call\"", "\"a=b\""));
    let (code, _, err) = run(&[&eq, "--mock", r#"a=b={"Return": {"Payload": 1}}"#], "");
    assert_eq!((code, err.as_str()), (0, ""));
    // A Distributed Map's ItemReader is mocked by the Map state's name: the items.
    let reader = dir.file(
        "reader.asl.json",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map",
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                 "Parameters": {"Bucket": "b", "Key": "k.json"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
    );
    let (code, out, _) = run(&[&reader, "--mock", r#"M={"Return": [1, 2]}"#], "");
    assert_eq!(
        (code, out.lines().last()),
        (0, Some("SUCCEEDED after 3 transitions; output: [1,2]"))
    );
    // Without it the run stops with a setup error (exit 2), as for a Task.
    let (code, out, _) = run(&[&reader], "");
    assert_eq!(code, 2);
    assert!(
        out.ends_with("The ItemReader of 'M' needs a mock returning the items array, such as --mock 'M={\"Return\": [{\"id\": 1}, {\"id\": 2}]}'.\n"),
        "{out}"
    );
    // A mock for no state of the definition (here a typo) is run, and pointed out.
    let (code, _, err) = run(
        &[
            &def,
            "--mock",
            r#"Call={"Return": {"Payload": 1}}"#,
            "--mock",
            r#"Cal={"Return": {}}"#,
        ],
        "",
    );
    assert_eq!(
        (code, err.as_str()),
        (
            0,
            "warning: a mock names \"Cal\", which is not a state of the definition (did you mean \"Call\"?)\n"
        )
    );
    // A mock for a state that calls nothing is pointed out too.
    let pass = dir.file(
        "p.asl.json",
        r#"{"StartAt": "Fallback", "States": {"Fallback": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, _, err) = run(&[&pass, "--mock", r#"Fallback={"Return": {"x": 1}}"#], "");
    assert_eq!(
        (code, err.as_str()),
        (
            0,
            "warning: a mock names \"Fallback\", a Pass state: only Task states (and a Map's ItemReader) are mocked, so it is not used\n"
        )
    );
    // Mistakes exit with 2 and say what --mock takes.
    for (arg, message) in [
        (
            "Call",
            "error: --mock 'Call': it is not STATE=JSON: write it as 'State Name={\"Return\": {...}}' or 'State Name=@response.json'\n",
        ),
        (
            "Call=[1]",
            "error: --mock 'Call=[1]': the response after `=` is no JSON object: write it as 'State Name={\"Return\": {...}}' or 'State Name=@response.json'\n",
        ),
        (
            r#"Call={"Result": 1}"#,
            "error: --mock for \"Call\": must be {\"Return\": ...}, {\"Throw\": {\"Error\": ..., \"Cause\": ...}} or invocation numbers mapped to those ({\"0\": ..., \"1-2\": ...})\n",
        ),
        (
            r#"Call={"Return": 1, "Throw": {}}"#,
            "error: --mock for \"Call\": needs exactly one of Return or Throw\n",
        ),
        (
            r#"Call={"0": {"Throw": {"Error": 5}}}"#,
            "error: --mock for \"Call\": /0/Throw/Error: must be a string\n",
        ),
        (
            r#"Call={"Throw": 5}"#,
            "error: --mock for \"Call\": /Throw: must be an object with Error and Cause\n",
        ),
        // A failure with no error name: only a callback can fail so on AWS.
        (
            r#"Call={"Throw": {}}"#,
            "error: the mock of \"Call\" throws no Error: a failed task has an error name, and Step Functions Local requires one ({\"Throw\": {\"Error\": \"States.TaskFailed\", \"Cause\": \"...\"}}); only a .waitForTaskToken task whose callback sends none fails without one\n",
        ),
        (
            r#"Call={"0": {"Return": 1}, "1-2": {"Throw": {"Cause": "x"}}}"#,
            "error: the mock of \"Call\" throws no Error for invocations 1-2: a failed task has an error name, and Step Functions Local requires one ({\"Throw\": {\"Error\": \"States.TaskFailed\", \"Cause\": \"...\"}}); only a .waitForTaskToken task whose callback sends none fails without one\n",
        ),
        (
            r#"Call={"Return": "#,
            "error: --mock for \"Call\": not valid JSON at line 1, column 11: EOF while parsing a value\n",
        ),
    ] {
        let (code, out, err) = run(&[&def, "--mock", arg], "");
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (2, "", message),
            "{arg}"
        );
    }
}

/// `--start-at STATE` runs the end of a workflow from a top-level state, on the input
/// given, without mocks for the states before it.
#[test]
fn start_at_runs_from_a_top_level_state() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/support-ticket.asl.json"
    );
    let (code, out, err) = run(
        &[
            example,
            "--start-at",
            "Is Case Resolved",
            "--input",
            r#"{"work": {"status": "RESOLVED"}}"#,
            "--mock",
            r#"Close Case={"Return": {"Payload": "closed"}}"#,
        ],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let entered: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        entered,
        [
            "Is Case Resolved (Choice)  input: {\"work\":{\"status\":\"RESOLVED\"}}",
            "Close Case (Task)  input: {\"work\":{\"status\":\"RESOLVED\"}}",
            "SUCCEEDED after 2 transitions; output: \"closed\""
        ]
    );
    // Not a state, or not a top-level one: exit 2 with the reason.
    let (code, out, err) = run(&[example, "--start-at", "Close case"], "");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "error: --start-at names \"Close case\", which is not a state of the definition (did you mean \"Close Case\"?)\n"
        )
    );
    let (code, _, err) = run(&[example, "--start-at", ""], "");
    assert_eq!(
        (code, err.as_str()),
        (2, "error: --start-at needs the name of a top-level state\n")
    );
    let dir = TempDir::new("startat");
    let def = dir.file(
        "par.asl.json",
        r#"{"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": true}}}]}}}"#,
    );
    // Variables that the states before would have assigned are given with --variables.
    let vars = dir.file(
        "vars.asl.json",
        r#"{"StartAt": "A", "QueryLanguage": "JSONata", "States": {
            "A": {"Type": "Pass", "Assign": {"count": 1}, "Next": "B"},
            "B": {"Type": "Pass", "Output": "{% $count + 1 %}", "End": true}}}"#,
    );
    let (code, out, _) = run(
        &[&vars, "--start-at", "B", "--variables", r#"{"count": 41}"#],
        "",
    );
    assert_eq!(
        (code, out.lines().last()),
        (0, Some("SUCCEEDED after 1 transition; output: 42"))
    );
    let file = dir.file("vars.json", r#"{"count": 9}"#);
    let (code, out, _) = run(
        &[&vars, "--start-at", "B", "--variables", &format!("@{file}")],
        "",
    );
    assert_eq!(
        (code, out.lines().last()),
        (0, Some("SUCCEEDED after 1 transition; output: 10"))
    );
    let (code, _, err) = run(&[&vars, "--variables", "[1]"], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --variables must be a JSON object of variable names and values, such as '{\"count\": 3}'\n"
        )
    );
    let (code, _, err) = run(&[&def, "--start-at", "Inner"], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --start-at names \"Inner\", a state inside a Parallel or Map state; an execution can start only at a top-level state\n"
        )
    );
}

#[test]
fn an_unknown_state_machine_of_the_mock_config_is_named() {
    let dir = TempDir::new("unknown-machine");
    let good = dir.file("good.asl.json", TASK_DEF);
    let only = dir.file("only.json", MOCKS);
    let (code, out, err) = run(
        &[&good, "--mock-config", &only, "--state-machine", "Nope"],
        "",
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!("error: {only}: has no state machine \"Nope\" (it has: M)\n")
    );
    // An unknown test case: its choices listed the same way.
    let (code, _, err) = run(
        &[
            &good,
            "--mock-config",
            &only,
            "--state-machine",
            "M",
            "--test-case",
            "Nope",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.ends_with("has no test case \"Nope\" for \"M\" (it has: happy)\n"),
        "{err}"
    );
    // A config with no state machines at all.
    let empty = dir.file(
        "empty.json",
        r#"{"StateMachines": {}, "MockedResponses": {}}"#,
    );
    let (code, _, err) = run(&[&good, "--mock-config", &empty], "");
    assert_eq!(
        (code, err),
        (
            2,
            format!(
                "error: {empty}: has no state machines under \"StateMachines\": nothing to mock with\n"
            )
        )
    );
}

#[test]
fn variables_must_have_names_an_assign_could_give() {
    let dir = TempDir::new("variable-names");
    let def = dir.file(
        "def.asl.json",
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $v %}", "End": true}}}"#,
    );
    let long = format!("{{\"{}\": 1}}", "v".repeat(81));
    for (vars, problem) in [
        (
            r#"{"states": 1}"#,
            "`states` is reserved (it is `$states`, with input, context, result and errorOutput): choose another variable name",
        ),
        (
            r#"{"a-b": 1}"#,
            "variable name `a-b` contains `-`: use only letters, digits and `_`",
        ),
        (
            long.as_str(),
            "variable name is 81 characters long; the limit is 80",
        ),
    ] {
        let (code, out, err) = run(&[&def, "--variables", vars], "");
        assert_eq!(
            (code, out.as_str(), err),
            (2, "", format!("error: --variables: {problem}\n")),
            "{vars}"
        );
    }
    let (code, out, _) = run(&[&def, "--variables", r#"{"v": 3}"#], "");
    assert_eq!(code, 0);
    assert!(
        out.ends_with("SUCCEEDED after 1 transition; output: 3\n"),
        "{out}"
    );
}

#[test]
fn the_trace_tells_what_a_map_run_failed_with() {
    let dir = TempDir::new("map-run-failed");
    // A child fails and none is tolerated; then the reader fails.
    let def = dir.file(
        "children.asl.json",
        r#"{"StartAt": "M", "States": {
  "M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "I", "States": {"I": {"Type": "Fail", "Error": "E1"}}},
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
  "H": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, out, _) = run(&[&def, "--input", "-"], r#"[{"a": 1}]"#);
    assert_eq!(code, 0);
    let failures: Vec<&str> = out
        .lines()
        .filter(|l| l.contains('!'))
        .map(str::trim)
        .collect();
    assert_eq!(
        failures,
        [
            "! child execution failed: E1",
            "! States.ExceedToleratedFailureThreshold: The specified tolerated failure threshold was exceeded  (caught)"
        ],
        "{out}"
    );
    let reader = dir.file(
        "reader.asl.json",
        r#"{"StartAt": "M", "States": {
  "M": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
      "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k.json"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
  "H": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, out, _) = run(
        &[
            &reader,
            "--mock",
            r#"M={"Throw": {"Error": "S3.NoSuchKey", "Cause": "no key"}}"#,
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "M (Map)  input: {}\n  ! S3.NoSuchKey: no key  (caught)\n  -> output: {\"Error\":\"S3.NoSuchKey\",\"Cause\":\"no key\"}\n"
        ),
        "{out}"
    );
}

/// An empty `--input` (an unset shell variable, say) names no file: the usage error
/// says it is empty and what `--input` takes, not "cannot read the input file :".
#[test]
fn an_empty_input_argument_is_a_usage_error() {
    let dir = TempDir::new("empty-input");
    let def = dir.file(
        "p.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    for empty in ["", "  ", "file://"] {
        let (code, out, err) = run(&[&def, "--input", empty], "");
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                2,
                "",
                "error: --input is empty: give JSON text such as '{\"id\": 1}', a JSON file (or `file://FILE`), or `-` for standard input\n"
            ),
            "--input {empty:?}"
        );
    }
}

/// `--format json` tells a run that asl-lint ended (a Task with no mock) from the
/// workflow's own failure, which has the same status and error, by `stoppedBy` and
/// `stopReason`, which only such a run has.
#[test]
fn json_output_tells_a_run_asl_lint_ended() {
    let dir = TempDir::new("stopped-by");
    let def = dir.file("flow.asl.json", TASK_DEF);
    let (code, out, _) = run(&[&def, "--format", "json"], "");
    let run_json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            code,
            &run_json["status"],
            &run_json["error"],
            &run_json["stoppedBy"],
            &run_json["stopReason"]
        ),
        (
            2,
            &json!("FAILED"),
            &json!("States.Runtime"),
            &json!("asl-lint"),
            &json!("mock")
        )
    );
    let keys: Vec<&str> = run_json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..6],
        [
            "status",
            "output",
            "error",
            "cause",
            "stoppedBy",
            "stopReason"
        ]
    );
    // The workflow's own States.Runtime: no such members.
    let own = dir.file(
        "own.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}}"#,
    );
    let (code, out, _) = run(&[&own, "--format", "json"], "");
    let run_json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((code, &run_json["error"]), (1, &json!("States.Runtime")));
    assert!(
        run_json.get("stoppedBy").is_none() && run_json.get("stopReason").is_none(),
        "{out}"
    );
}

/// The integer `-0` of the execution input is 0, as AWS's Jackson reads it (and
/// `States.StringToJson("-0")` gives); `-0.0` stays a double.
#[test]
fn the_integer_minus_zero_of_the_input_is_zero() {
    let dir = TempDir::new("minus-zero");
    let def = dir.file(
        "p.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let file = dir.file("in.json", r#"{"d": -0, "f": -0.0, "s": "-0"}"#);
    for input in [r#"{"d": -0, "f": -0.0, "s": "-0"}"#, file.as_str()] {
        let (code, out, err) = run(&[&def, "--input", input, "--format", "json"], "");
        assert_eq!((code, err.as_str()), (0, ""));
        let run: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(run["output"].to_string(), r#"{"d":0,"f":-0.0,"s":"-0"}"#);
    }
}

/// JSON nested past serde_json's recursion limit is valid JSON: every file and text the
/// run reads says it is nested too deeply, and how deep it may be, not that it is
/// invalid (exit 2). 127 levels are read.
#[test]
fn json_nested_too_deeply_is_not_called_invalid() {
    let dir = TempDir::new("deep");
    let def = dir.file(
        "t.asl.json",
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#,
    );
    let nested = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    let ok = r#"T={"Return": 1}"#;
    let (code, _, err) = run(&[&def, "--input", &nested(127), "--mock", ok], "");
    assert_eq!((code, err.as_str()), (0, ""));
    let deep = nested(128);
    let too_deep = "nested too deeply at line 1, column 636: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)";
    let file = dir.file("deep.json", &deep);
    let mock_text = format!(r#"{{"Return": {deep}}}"#);
    let mock_arg = format!("T={mock_text}");
    let mock_file = dir.file("mock.json", &mock_text);
    let mock_at = format!("T=@{mock_file}");
    let config = dir.file(
        "config.json",
        &format!(r#"{{"StateMachines": {{"M": {{"TestCases": {{"C": {{"T": "R"}}}}}}}}, "MockedResponses": {deep}}}"#),
    );
    let context = dir.file("context.json", &format!(r#"{{"Execution": {deep}}}"#));
    let cases: [(Vec<&str>, String); 7] = [
        (vec!["--input", &file], format!("the input file {file} is {too_deep}")),
        (vec!["--input", &deep], format!("the --input text is {too_deep}")),
        (vec!["--input", "-"], format!("the input from standard input is {too_deep}")),
        (
            vec!["--mock", &mock_arg],
            "--mock for \"T\": nested too deeply at line 1, column 642: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)".into(),
        ),
        (
            vec!["--mock", &mock_at],
            "--mock for \"T\": nested too deeply at line 1, column 642: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)".into(),
        ),
        (
            vec!["--mock-config", &config, "--mock", ok],
            format!("{config}: mock config is nested too deeply at line 1, column 709: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)"),
        ),
        (
            vec!["--context", &context, "--mock", ok],
            format!("the context file {context} is nested too deeply at line 1, column 645: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)"),
        ),
    ];
    for (args, want) in cases {
        let mut argv = vec![def.as_str()];
        argv.extend_from_slice(&args);
        let (code, out, err) = run(&argv, &deep);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (2, "", format!("error: {want}\n").as_str()),
            "{args:?}"
        );
    }
    let (code, _, err) = run(&[&def, "--variables", &format!(r#"{{"v": {deep}}}"#)], "");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --variables is nested too deeply at line 1, column 637: asl-lint reads JSON nested at most 127 levels deep (arrays and objects)\n"
        )
    );
}

/// The files a run reads besides the definition are read as a definition is: bytes
/// that are not UTF-8, a binary file or an empty input are refused with the reason,
/// never run with U+FFFD in place of the bytes.
#[test]
fn input_mock_and_context_files_are_read_as_text_or_refused() {
    let dir = TempDir::new("encodings");
    let def = dir.file(
        "p.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let bad = dir.0.join("bad.json");
    std::fs::write(&bad, b"{\"a\": \"\xff\"}").unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let cases: [(&[&str], String); 4] = [
        (
            &["--input", &bad],
            format!(
                "error: cannot read the input file {bad}: invalid UTF-8 (byte 0xFF at offset 7); the file must be UTF-8 text (--input takes a JSON file, `-` for standard input, or JSON text such as '{{\"id\": 1}}')\n"
            ),
        ),
        (
            &["--context", &bad],
            format!(
                "error: cannot read the context file {bad}: invalid UTF-8 (byte 0xFF at offset 7); the file must be UTF-8 text\n"
            ),
        ),
        (
            &["--mock-config", &bad],
            format!(
                "error: cannot read the mock config {bad}: invalid UTF-8 (byte 0xFF at offset 7); the file must be UTF-8 text\n"
            ),
        ),
        (
            &["--input", "-"],
            "error: the input from stdin is empty: give a JSON value, such as {}\n".to_string(),
        ),
    ];
    for (args, want) in cases {
        let mut argv = vec![def.as_str()];
        argv.extend_from_slice(args);
        let (code, out, err) = run(&argv, "");
        assert_eq!((code, out.as_str(), err.as_str()), (2, "", want.as_str()));
    }
}

/// A Terraform heredoc that is never closed is an error of the definition (as `check`
/// says), not a definition to run.
#[test]
fn an_unclosed_heredoc_is_not_run() {
    let dir = TempDir::new("heredoc");
    let tf = dir.file(
        "main.tf",
        "resource \"aws_sfn_state_machine\" \"sm\" {\n  name = \"x\"\n  definition = <<EOT\n{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}\n",
    );
    let (code, out, err) = run(&[&tf], "");
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        err,
        format!(
            "{tf}:3:16: ASL001 this heredoc is never closed: Terraform expects a line holding just `EOT` after it\nerror: the definition has errors; fix them before simulating\n"
        )
    );
}

/// A YAML scalar aliased past what the file may copy is an error at the alias, and the
/// run stops there, with what was copied bounded (4 MiB here, not 8 MB).
#[test]
fn aliases_that_would_copy_too_much_text_are_not_run() {
    let dir = TempDir::new("alias-text");
    let big = "x".repeat(200_000);
    let mut text =
        format!("StartAt: A\nBig: &b \"{big}\"\nStates:\n  A:\n    Type: Pass\n    Result:\n");
    for i in 0..40 {
        text.push_str(&format!("      k{i}: *b\n"));
    }
    text.push_str("    End: true\n");
    let def = dir.file("bytes.asl.yaml", &text);
    let (code, out, err) = run(&[&def], "");
    assert_eq!((code, out.as_str()), (2, ""));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert_eq!(
        lines[0],
        format!(
            "{def}:1:1: ASL123 the definition is 4.2 MB (4,200,387 bytes) as compact JSON: Step Functions accepts at most 1 MB (1,048,576 bytes)"
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "{def}:27:12: ASL001 alias `*b` is not expanded: aliases in this document would copy more than 4 MiB of text; 19 more aliases after it are not expanded either"
        )
    );
    assert_eq!(
        lines[3],
        "error: the definition has errors; fix them before simulating"
    );
}

/// Values that `DefinitionSubstitutions` or `templatefile` would fill into a definition
/// file past 16 MiB (20 references to 1 MiB here): the run is refused before anything
/// is built, naming the file and the token where they pass it.
#[test]
fn substitutions_that_come_to_too_much_are_not_run() {
    let dir = TempDir::new("too-much");
    let big = "v".repeat(1 << 20);
    let body = format!(
        "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{}\", \"End\": true}}}}}}",
        "${Big}".repeat(20)
    );
    let column = body.find("${Big}").unwrap() + 1 + 16 * 6;
    let sm = dir.file("sm.asl.json", &body);
    let template = dir.file(
        "template.yaml",
        &format!(
            "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n      DefinitionSubstitutions:\n        Big: {big}\n"
        ),
    );
    let (code, out, err) = run(&[&template], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: {template}: the definition of `M` is not built: at line 1, column {column} of {sm}, filling in `${{Big}}` brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes)\n"
        )
    );
    let tpl = dir.file("sm.tpl", &body);
    let tf = dir.file(
        "main.tf",
        &format!(
            "resource \"aws_sfn_state_machine\" \"m\" {{\n  definition = templatefile(\"${{path.module}}/sm.tpl\", {{ Big = \"{big}\" }})\n}}\n"
        ),
    );
    let (code, out, err) = run(&[&tf], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: {tf}: the definition of `aws_sfn_state_machine.m` is not built: at line 1, column {column} of {tpl}, filling in `${{Big}}` brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes)\n"
        )
    );
}

/// A definition is read as its file name says, as `check` reads it, and JSON that
/// starts with a comment is still JSON: the errors are the ones `check` gives.
#[test]
fn the_file_name_and_leading_comments_choose_the_reader() {
    let dir = TempDir::new("reader");
    let blank = dir.file("blank.asl.yaml", "  \n\n");
    let (code, _, err) = run(&[&blank], "");
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "{blank}:1:1: ASL001 the document is empty: expected a YAML mapping\n"
        )),
        "{err}"
    );
    let commented = dir.file(
        "flow.txt",
        "// my flow\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n",
    );
    let (code, _, err) = run(&[&commented], "");
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "{commented}:1:1: ASL003 comments are not allowed in JSON\n"
        )),
        "{err}"
    );
}

/// A file that a Serverless Framework `${file(...)}` reads becomes part of the template
/// the framework makes: its intrinsics are CloudFormation's, so the run goes ahead as
/// `check` passes it.
#[test]
fn a_serverless_file_definition_with_intrinsics_runs() {
    let dir = TempDir::new("serverless-file");
    dir.file(
        "sm.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": {"Ref": "MyQueue"}, "MessageBody": "x"}, "End": true}}}"#,
    );
    let template = dir.file(
        "serverless.yml",
        "service: s\nprovider: {name: aws}\nstepFunctions:\n  stateMachines:\n    fromfile:\n      definition: ${file(./sm.asl.json)}\n",
    );
    let (code, out, err) = run(
        &[&template, "--mock", r#"A={"Return":{"MessageId":"m"}}"#],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("SUCCEEDED after 1 transition; output: {\"MessageId\":\"m\"}\n"),
        "{out}"
    );
}

/// The Serverless Framework resolves `${self:...}` in a file it includes with
/// `${file(...)}` against the file including it: the Wait waits `custom.waitSeconds`,
/// and the file's `Fn::GetAtt` of a function is that function's ARN.
#[test]
fn a_serverless_file_definition_takes_the_self_variables_of_its_template() {
    let dir = TempDir::new("serverless-self");
    dir.file(
        "second.asl.yml",
        "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource:\n      Fn::GetAtt: [hello, Arn]\n    Next: B\n  B:\n    Type: Wait\n    Seconds: ${self:custom.waitSeconds}\n    End: true\n",
    );
    let template = dir.file(
        "serverless.yml",
        "service: demo\nprovider: {name: aws}\ncustom:\n  waitSeconds: 5\nfunctions:\n  hello: {handler: h.hello}\nstepFunctions:\n  stateMachines:\n    second:\n      definition: ${file(./second.asl.yml)}\n",
    );
    let (code, out, err) = run(&[&template, "--mock-default", r#"{"Return":{}}"#], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("call arn:aws:lambda:us-east-1:123456789012:function:demo-dev-hello "),
        "{out}"
    );
    assert!(out.contains("waited 5 s"), "{out}");
}

/// A definition on its own runs as `check` reads it with its asl-lint.toml: the
/// placeholder values filled in (`"Next": "${Then}"` goes to Done, `${Status}` is the
/// Result's text), the workflow type taken when --type gives none.
#[test]
fn a_definition_alone_runs_with_the_values_of_its_config() {
    let dir = TempDir::new("config-values");
    dir.file(
        "asl-lint.toml",
        "workflow-type = \"express\"\n[placeholders]\nvalues = { Then = \"Done\", Status = \"ready\" }\n",
    );
    let def = dir.file(
        "step.asl.json",
        r#"{"StartAt": "Mark", "States": {"Mark": {"Type": "Pass", "Parameters": {"status": "${Status}", "id.$": "$$.Execution.Id"}, "Next": "${Then}"}, "Done": {"Type": "Succeed"}}}"#,
    );
    let (code, out, err) = run(&[&def, "--input", "{}", "--format", "json"], "");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["output"]["status"], "ready");
    // An Express execution's id is an `:express:` ARN.
    let id = v["output"]["id"].as_str().unwrap();
    assert!(id.contains(":express:"), "{id}");
    dir.file("asl-lint.toml", "[placeholders]\nvalues = { Then = [1] }\n");
    let (code, _, err) = run(&[&def, "--input", "{}"], "");
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: ") && err.contains("asl-lint.toml:2:"),
        "{err}"
    );
}

/// A template's state machine picks the mock config's state machine of its name (the
/// `StateMachineName` it is deployed under, else its logical id) without
/// `--state-machine`, as Step Functions Local takes the state machine's name.
#[test]
fn a_template_picks_the_mock_config_state_machine_of_its_name() {
    let dir = TempDir::new("mock-by-name");
    let template = |props: &str| {
        format!(
            r#"{{"Resources": {{"MyMachine": {{"Type": "AWS::StepFunctions::StateMachine",
            "Properties": {{{props}"Definition": {{"StartAt": "Call", "States": {{"Call": {{"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f"}},
            "OutputPath": "$.Payload", "End": true}}}}}}}}}}}}}}"#
        )
    };
    let named = dir.file(
        "named.json",
        &template(r#""StateMachineName": "LambdaSQS", "#),
    );
    let unnamed = dir.file("unnamed.json", &template(""));
    let mocks = dir.file(
        "mocks.json",
        r#"{"StateMachines": {
            "LambdaSQS": {"TestCases": {"HappyPath": {"Call": "A"}}},
            "MyMachine": {"TestCases": {"HappyPath": {"Call": "B"}}},
            "Other": {"TestCases": {"HappyPath": {"Call": "C"}}}},
          "MockedResponses": {"A": {"0": {"Return": {"Payload": "a"}}},
            "B": {"0": {"Return": {"Payload": "b"}}}, "C": {"0": {"Return": {"Payload": "c"}}}}}"#,
    );
    let output = |args: &[&str]| {
        let mut argv = args.to_vec();
        argv.extend([
            "--mock-config",
            &mocks,
            "--test-case",
            "HappyPath",
            "--format",
            "json",
        ]);
        let (code, out, err) = run(&argv, "");
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        serde_json::from_str::<Value>(&out).unwrap()["output"].clone()
    };
    assert_eq!(output(&[&named]), json!("a"));
    assert_eq!(output(&[&unnamed]), json!("b"));
    // --state-machine still decides.
    assert_eq!(output(&[&named, "--state-machine", "Other"]), json!("c"));
    // A name the config does not have leaves the choice to the user.
    let other = dir.file(
        "other.json",
        r#"{"StateMachines": {"X": {"TestCases": {"T": {"Call": "A"}}}, "Y": {"TestCases": {"T": {"Call": "A"}}}},
          "MockedResponses": {"A": {"0": {"Return": {"Payload": "a"}}}}}"#,
    );
    let (code, _, err) = run(&[&named, "--mock-config", &other], "");
    assert_eq!(
        (code, err),
        (
            2,
            format!(
                "error: {other}: holds several state machines (X, Y): choose one with --state-machine\n"
            )
        )
    );
}

/// An activity task's call and result are in the trace, as a service integration's are
/// (its history has Activity events).
#[test]
fn the_trace_tells_an_activity_call() {
    let dir = TempDir::new("activity");
    let def = dir.file(
        "act.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task",
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:act",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}], "End": true}}}"#,
    );
    let (code, out, err) = run(
        &[
            &def,
            "--input",
            r#"{"n": 1}"#,
            "--mock",
            r#"A={"0": {"Throw": {"Error": "Busy", "Cause": "later"}}, "1": {"Return": {"done": true}}}"#,
        ],
        "",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let told: Vec<&str> = out.lines().take(5).collect();
    assert_eq!(
        told,
        [
            "A (Task)  input: {\"n\":1}",
            "  call arn:aws:states:us-east-1:123456789012:activity:act  input: {\"n\":1}",
            "  ! Busy: later  (retry 1 after 1 s)",
            "  result: {\"done\":true}",
            "  -> output: {\"done\":true}",
        ]
    );
}
