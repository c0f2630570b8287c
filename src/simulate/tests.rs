//! Feature tests of the engine with exact outputs.

use serde_json::{Value, json};

use super::*;

fn run_with(def: Value, input: Value, mocks: Mocks) -> Execution {
    let opts = SimulationOptions {
        input,
        mocks,
        start_time_ms: Some(1_700_000_000_000),
        ..SimulationOptions::default()
    };
    simulate(&def.to_string(), &opts).unwrap()
}

/// Runs `def` on `{}` as `machine_type`, with `max_events` and `history`.
fn run_as(
    def: &Value,
    machine_type: MachineType,
    max_events: Option<u64>,
    history: bool,
) -> Execution {
    let opts = SimulationOptions {
        machine_type,
        max_events,
        history,
        ..Default::default()
    };
    simulate(&def.to_string(), &opts).unwrap()
}

fn run(def: Value, input: Value) -> Execution {
    run_with(def, input, Mocks::new())
}

#[test]
fn pass_data_flow() {
    let def = json!({"StartAt": "P", "States": {"P": {
        "Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b", "lit": "$.notapath", "n": [{"y.$": "$.b"}]},
        "ResultPath": "$.a.r", "OutputPath": "$.a", "End": true}}});
    let x = run(def, json!({"a": {"b": 1}}));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        x.output,
        Some(json!({"b": 1, "r": {"x": 1, "lit": "$.notapath", "n": [{"y": 1}]}}))
    );
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        x.events[2].details["output"],
        json!("{\"b\":1,\"r\":{\"x\":1,\"lit\":\"$.notapath\",\"n\":[{\"y\":1}]}}")
    );
}

#[test]
fn result_path_null_and_output_path_null() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 5, "ResultPath": null, "Next": "Q"},
        "Q": {"Type": "Pass", "OutputPath": null, "End": true}}});
    assert_eq!(run(def, json!({"k": 1})).output, Some(json!({})));
}

#[test]
fn choice_default_and_no_match() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.v", "IsPresent": true}, {"Variable": "$.v", "NumericGreaterThan": 3}], "Next": "Big"},
            {"Variable": "$.s", "StringMatches": "log-*.txt", "Next": "Log"}]},
        "Big": {"Type": "Pass", "Result": "big", "End": true},
        "Log": {"Type": "Pass", "Result": "log", "End": true}}});
    assert_eq!(run(def.clone(), json!({"v": 4})).output, Some(json!("big")));
    assert_eq!(
        run(def.clone(), json!({"s": "log-1.txt"})).output,
        Some(json!("log"))
    );
    let x = run(def, json!({"s": "x"}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'C' (entered at the event id #2). No Matches!"
        )
    );
}

/// A part that always fails (ASL613) deploys, then fails the state: the run shows it.
#[test]
fn a_jsonata_part_that_always_fails_runs_and_fails() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": {"x": "{% 'a' + 1 %}"}, "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.QueryEvaluationError"));
}

#[test]
fn jsonata_choice_causes_name_the_rule() {
    // AWS names a failing rule field by its place (floci-io/floci#2689).
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"Condition": "{% false %}", "Next": "E"},
            {"Condition": "{% true %}", "Output": {"v": "{% $states.input.missing %}"}, "Next": "E"}],
            "Default": "E"},
        "E": {"Type": "Succeed"}}});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("States.QueryEvaluationError"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'C' (entered at the event id #2). The JSONata expression '$states.input.missing' specified for the field 'Choices[1]/Output/v' returned nothing (undefined)."
        )
    );
}

#[test]
fn jsonata_infinity_inside_a_value_is_text() {
    // AWS answers ["Infinity"] and {"k": "Infinity"} (floci-io/floci#2783).
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "E", "States": {
        "E": {"Type": "Pass", "Output": {"a": "{% [1/0] %}", "o": "{% {'k': -1/0} %}"}, "End": true}}});
    assert_eq!(
        run(def, json!({})).output,
        Some(json!({"a": ["Infinity"], "o": {"k": "-Infinity"}}))
    );
}

#[test]
fn fail_state_and_paths() {
    let def = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('bad {}', $.n)"}}});
    let x = run(def, json!({"e": "MyError", "n": 3}));
    assert_eq!(
        (x.status, x.error.as_deref(), x.cause.as_deref()),
        (Status::Failed, Some("MyError"), Some("bad 3"))
    );
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    );
}

#[test]
fn wait_uses_the_virtual_clock_and_execution_timeout() {
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "T"},
        "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": true}}});
    let x = run(def.clone(), json!({}));
    assert_eq!(x.output, Some(json!({"t": "2023-11-14T23:13:20.000Z"})));
    let mut timed = def;
    timed["TimeoutSeconds"] = json!(5);
    let x = run(timed, json!({}));
    assert_eq!((x.status, x.error.clone()), (Status::TimedOut, None));
    assert_eq!(x.events.last().unwrap().kind, "ExecutionTimedOut");
}

/// A mocked time-out comes after the task's TimeoutSeconds (HeartbeatSeconds for a
/// heartbeat time-out): the next state enters that much later, and an execution
/// deadline that comes first times the execution out before the task does.
#[test]
fn a_mocked_time_out_takes_its_time() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 300, "HeartbeatSeconds": 60,
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "After"}], "End": true},
        "After": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime", "error.$": "$.error"}, "End": true}}});
    let mocks = |error: &str| {
        let mut m = Mocks::new();
        let mock = crate::simulate::mock::StateMock::parse(&format!(
            r#"{{"Throw": {{"Error": "{error}"}}}}"#
        ));
        m.states.insert("T".into(), mock.unwrap());
        m
    };
    // 1,700,000,000 s is 2023-11-14T22:13:20Z.
    let x = run_with(def.clone(), json!({}), mocks("States.Timeout"));
    assert_eq!(
        x.output,
        Some(
            json!({"t": "2023-11-14T22:18:20.000Z", "error": {"Error": "States.Timeout", "Cause": ""}})
        )
    );
    let x = run_with(def.clone(), json!({}), mocks("States.HeartbeatTimeout"));
    assert_eq!(x.output.unwrap()["t"], "2023-11-14T22:14:20.000Z");
    let mut deadline = def;
    deadline["TimeoutSeconds"] = json!(100);
    let x = run_with(deadline, json!({}), mocks("States.Timeout"));
    assert_eq!((x.status, x.error.clone()), (Status::TimedOut, None));
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.last(), Some(&"ExecutionTimedOut"));
    assert!(!kinds.contains(&"TaskTimedOut"), "{kinds:?}");
}

#[test]
fn a_loop_in_which_no_time_passes_ends() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "A"},
        "D": {"Type": "Succeed"}}});
    // Express: no history limit, but five minutes that the loop would use up.
    let x = run_as(&def, MachineType::Express, None, true);
    assert_eq!((x.status, x.transitions), (Status::TimedOut, 100_001));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "asl-lint ended the execution after 100001 state transitions in which no time passed: a loop without an exit runs until the execution times out"
        )
    );
    assert_eq!(x.events.last().unwrap().kind, "ExecutionTimedOut");
    // Standard with the history limit lifted: the history would grow without end.
    let x = run_as(&def, MachineType::Standard, Some(0), true);
    assert_eq!(
        (x.status, x.error.as_deref()),
        (Status::Failed, Some("States.Runtime"))
    );
    // A loop that counts past the limit without waiting, with no history kept: a
    // Standard run goes on to its end, as on AWS.
    let counting = json!({"StartAt": "Add", "States": {
        "Add": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Enough?"},
        "Enough?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 60000, "Next": "Done"}], "Default": "Add"},
        "Done": {"Type": "Succeed"}}});
    let opts = SimulationOptions {
        max_events: Some(0),
        history: false,
        input: json!({"n": 0}),
        ..Default::default()
    };
    let x = simulate_value(&counting, &opts).unwrap();
    let x = (x.status, x.transitions, x.output);
    assert_eq!(x, (Status::Succeeded, 120_001, Some(json!({"n": 60_000}))));
    // Standard keeps its 25,000 events.
    let x = run_as(&def, MachineType::Standard, None, true);
    assert_eq!(x.events.len(), 25_000);
    // A Wait in the loop moves the clock: the Express deadline ends it as AWS would.
    let mut waits = def.clone();
    waits["States"]["A"] = json!({"Type": "Wait", "Seconds": 1, "Next": "C"});
    let opts = SimulationOptions {
        machine_type: MachineType::Express,
        history: false,
        ..Default::default()
    };
    let x = simulate(&waits.to_string(), &opts).unwrap();
    assert_eq!((x.status, x.cause), (Status::TimedOut, None));
}

#[test]
fn a_standard_execution_ends_after_a_year() {
    // One Wait of 463 days: AWS ends the execution after 365.
    let long = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 40_000_000, "End": true}}});
    let x = run(long.clone(), json!({}));
    assert_eq!((x.status, x.transitions), (Status::TimedOut, 1));
    // A daily loop with no exit: 365 waits, then the time-out, in or out of a history limit.
    let daily = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 86_400, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "W"},
        "D": {"Type": "Succeed"}}});
    for history in [true, false] {
        let x = run_as(&daily, MachineType::Standard, Some(0), history);
        assert_eq!((x.status, x.transitions), (Status::TimedOut, 731));
    }
    // TimeoutSeconds within the year still comes first.
    let mut hour = long.clone();
    hour["TimeoutSeconds"] = json!(3600);
    let x = run(hour, json!({}));
    assert_eq!(x.status, Status::TimedOut);
    let end = x.events.last().unwrap();
    assert_eq!(end.kind, "ExecutionTimedOut");
}

#[test]
fn many_states_in_which_no_time_passes_are_no_loop() {
    // An inline Map over 100,000 items: 100,001 transitions without the clock moving,
    // each state entered once in its iteration.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": "{% [1..100000] %}",
              "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "Output": "{% $count($states.result) %}", "End": true}}});
    // With its history kept and no limit to it, the run ends before the history
    // fills the memory, saying why without calling it a loop.
    let x = run_as(&def, MachineType::Standard, Some(0), true);
    assert_eq!(
        (x.status, x.error.as_deref(), x.cause.as_deref()),
        (
            Status::Failed,
            Some("States.Runtime"),
            Some(
                "asl-lint ended the execution after 100001 state transitions in which no time passed: with no history limit, the history of so many states would fill the memory (--no-history lets it run to its end)"
            )
        )
    );
    // Without history it runs to its end, in an Express workflow too (no time-out:
    // it is no loop that would run until one).
    for machine_type in [MachineType::Standard, MachineType::Express] {
        let x = run_as(&def, machine_type, Some(0), false);
        assert_eq!(
            (x.status, x.output),
            (Status::Succeeded, Some(json!(100_000)))
        );
    }
}

/// A loop that waits a second a round and ends when `$.x` is 1: with `{"x": 0}` it goes
/// on for a year of virtual time, and no loop guard ends it, since time passes.
fn waiting_loop() -> Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "Done"}], "Default": "B"},
        "B": {"Type": "Wait", "Seconds": 1, "Next": "A"},
        "Done": {"Type": "Succeed"}}})
}

#[test]
fn a_kept_history_ends_the_run_before_it_fills_the_memory() {
    // Each event holds the 1,000-byte input, and takes about 2 KiB as reckoned.
    let opts = |max_events, history| SimulationOptions {
        input: json!({"x": 0, "pad": "y".repeat(1000)}),
        max_events,
        history,
        max_history_bytes: 1024 * 1024,
        ..Default::default()
    };
    let ended = "asl-lint ended the execution at history event 503: the history it keeps in \
                 memory would take more than 1 MiB (--no-history keeps none and lets the run go on)";
    // No history limit, as `--max-events 0`; then Standard's 25,000 events, which the
    // run is far from.
    for max_events in [Some(0), None] {
        let x = simulate_value(&waiting_loop(), &opts(max_events, true)).unwrap();
        assert_eq!(
            (x.status, x.error.as_deref(), x.cause.as_deref()),
            (Status::Failed, Some("States.Runtime"), Some(ended))
        );
        assert_eq!((x.transitions, x.events.len()), (251, 503));
        assert_eq!(x.events.last().unwrap().kind, "ExecutionFailed");
    }
    // Without history nothing is kept: the loop runs on until the execution times out.
    let mut hour = waiting_loop();
    hour["TimeoutSeconds"] = json!(3600);
    let x = simulate_value(&hour, &opts(Some(0), false)).unwrap();
    assert_eq!((x.status, x.transitions), (Status::TimedOut, 7202));
    assert!(x.events.is_empty());
    // The default is 512 MiB: 2,670 events holding 200 KB inputs, 500,000 of small states.
    assert_eq!(
        SimulationOptions::default().max_history_bytes,
        512 * 1024 * 1024
    );
}

/// `depth` Map states nested in one another, each running its ItemProcessor on two
/// items (`ItemSelector` makes each iteration's `$.a` two items again): 2^depth
/// iterations of `leaf`, the results dropped (`ResultPath: null`), so no data limit
/// stops them.
fn nested_maps(depth: usize, leaf: Value, distributed: bool) -> Value {
    let mut processor = json!({"StartAt": "L", "States": {"L": leaf}});
    for d in 1..=depth {
        if distributed {
            processor["ProcessorConfig"] =
                json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"});
        }
        let name = format!("M{d}");
        processor = json!({"StartAt": name, "States": {name: {
            "Type": "Map", "ItemsPath": "$.a", "ItemSelector": {"a": [1, 2]},
            "ResultPath": null, "ItemProcessor": processor, "End": true}}});
    }
    processor
}

#[test]
fn work_in_which_no_time_passes_ends_whatever_the_history_limit() {
    let pass = json!({"Type": "Pass", "End": true});
    let run = |def: &Value, machine_type, max_events, history| {
        let opts = SimulationOptions {
            input: json!({"a": [1, 2]}),
            machine_type,
            max_events,
            history,
            max_still_transitions: 1000,
            ..Default::default()
        };
        simulate_value(def, &opts).unwrap()
    };
    let ended = |n: u64| {
        format!(
            "asl-lint ended the execution after {n} state transitions in which no time passed: \
             it runs at most 1000 such transitions (a loop without an exit, or nested Map and \
             Parallel states whose iterations multiply)"
        )
    };
    let failed = |x: &Execution| (x.status, x.error.clone(), x.cause.clone(), x.transitions);
    let want = (
        Status::Failed,
        Some("States.Runtime".to_string()),
        Some(ended(1001)),
        1001,
    );
    // 2^20 iterations: no loop, so no loop guard; an Express workflow without history,
    // a Standard one with its history limit (which the events of child executions of a
    // Distributed Map do not count).
    let inline = nested_maps(20, pass.clone(), false);
    let distributed = nested_maps(20, pass, true);
    assert_eq!(
        failed(&run(&inline, MachineType::Express, None, false)),
        want
    );
    assert_eq!(
        failed(&run(&inline, MachineType::Standard, None, true)),
        want
    );
    assert_eq!(
        failed(&run(&distributed, MachineType::Standard, None, false)),
        want
    );
    let x = run(&distributed, MachineType::Standard, None, true);
    assert_eq!(failed(&x), want);
    assert_eq!(x.events.last().unwrap().kind, "ExecutionFailed");
    // Iterations that each wait a second all run in the same second: time passes in
    // each, but the latest time the run reached stands still.
    let waits = json!({"Type": "Wait", "Seconds": 1, "End": true});
    let x = run(
        &nested_maps(20, waits, false),
        MachineType::Express,
        None,
        false,
    );
    assert_eq!(failed(&x), want);
    // A loop without an exit, no history kept and no deadline: once the loop guard let
    // it run on, now it ends too.
    let endless = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "A"},
        "D": {"Type": "Succeed"}}});
    let x = run(&endless, MachineType::Standard, Some(0), false);
    assert_eq!(failed(&x), want);
    // A loop whose rounds move the clock on is not counted: the daily loop of a year.
    let daily = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 86_400, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "W"},
        "D": {"Type": "Succeed"}}});
    let x = run(&daily, MachineType::Standard, Some(0), false);
    assert_eq!((x.status, x.transitions), (Status::TimedOut, 731));
    // Under the budget a run ends as it would: 2^8 iterations.
    let x = run(
        &nested_maps(8, json!({"Type": "Pass", "End": true}), false),
        MachineType::Express,
        None,
        false,
    );
    assert_eq!((x.status, x.transitions), (Status::Succeeded, 511));
    // The default budget: the counting loop of `a_loop_in_which_no_time_passes_ends`
    // makes 120,001 transitions, the benchmark's two million.
    assert_eq!(
        SimulationOptions::default().max_still_transitions,
        10_000_000
    );
}

#[test]
fn item_batcher_selects_each_item_then_batches_with_the_batch_input() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items",
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"k.$": "$.tag", "fixed": 1}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "S", "States": {"S": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let x = run(def, json!({"items": [1, 2, 3], "tag": "t"}));
    assert_eq!(
        x.output,
        Some(json!([
            {"BatchInput": {"k": "t", "fixed": 1}, "Items": [{"v": 1, "i": 0}, {"v": 2, "i": 1}]},
            {"BatchInput": {"k": "t", "fixed": 1}, "Items": [{"v": 3, "i": 2}]}
        ]))
    );
    // JSONata: BatchInput's expressions are evaluated; no BatchInput, no member.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Items": "{% $states.input.items %}",
        "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"k": "{% $states.input.tag %}"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "S", "States": {"S": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let x = run(def.clone(), json!({"items": [1, 2, 3], "tag": "t"}));
    assert_eq!(
        x.output,
        Some(
            json!([{"BatchInput": {"k": "t"}, "Items": [1, 2]}, {"BatchInput": {"k": "t"}, "Items": [3]}])
        )
    );
    let mut bare = def;
    bare["States"]["M"]["ItemBatcher"] = json!({"MaxItemsPerBatch": 3});
    let x = run(bare, json!({"items": [1, 2, 3]}));
    assert_eq!(x.output, Some(json!([{"Items": [1, 2, 3]}])));
}

#[test]
fn item_batcher_closes_a_batch_at_max_items_or_max_input_bytes() {
    // Items of 9 bytes each (`{"v":"a"}`); a batch input without BatchInput is
    // `{"Items":[...]}`: 12 bytes plus the items and their commas.
    let map = |batcher: Value| {
        json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "ItemsPath": "$.items", "ItemBatcher": batcher,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "S", "States": {"S": {"Type": "Pass", "End": true}}},
            "End": true}}})
    };
    let items = json!({"items": [{"v": "a"}, {"v": "b"}, {"v": "c"}], "n": 2, "b": 31});
    let sizes = |x: &Execution| -> Vec<(usize, usize)> {
        let out = x.output.as_ref().expect("output");
        out.as_array()
            .unwrap()
            .iter()
            .map(|b| (b["Items"].as_array().unwrap().len(), b.to_string().len()))
            .collect()
    };
    // Two items make 12 + 9 + 1 + 9 = 31 bytes: the limit, reached exactly.
    let x = run(map(json!({"MaxInputBytesPerBatch": 31})), items.clone());
    assert_eq!(sizes(&x), [(2, 31), (1, 21)]);
    let x = run(map(json!({"MaxInputBytesPerBatch": 30})), items.clone());
    assert_eq!(sizes(&x), [(1, 21), (1, 21), (1, 21)]);
    // An item larger than the limit still gets a batch of its own.
    let x = run(map(json!({"MaxInputBytesPerBatch": 5})), items.clone());
    assert_eq!(sizes(&x).len(), 3);
    // BatchInput counts: `{"BatchInput":{},"Items":[]}` is 28 bytes.
    let x = run(
        map(json!({"MaxInputBytesPerBatch": 47, "BatchInput": {}})),
        items.clone(),
    );
    assert_eq!(sizes(&x), [(2, 47), (1, 37)]);
    // Both limits: whichever is reached first.
    let x = run(
        map(json!({"MaxItemsPerBatch": 1, "MaxInputBytesPerBatch": 1000})),
        items.clone(),
    );
    assert_eq!(sizes(&x).len(), 3);
    // The `...Path` forms read the input.
    let x = run(
        map(json!({"MaxItemsPerBatchPath": "$.n", "MaxInputBytesPerBatchPath": "$.b"})),
        items.clone(),
    );
    assert_eq!(sizes(&x), [(2, 31), (1, 21)]);
    // Zero is no batch size (the linter rejects a literal 0; a path can still read one).
    let mut zero = items.clone();
    zero["n"] = json!(0);
    let x = run(map(json!({"MaxItemsPerBatchPath": "$.n"})), zero);
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert!(
        x.cause
            .as_deref()
            .is_some_and(|c| c.contains("'MaxItemsPerBatch' must be a positive integer")),
        "{:?}",
        x.cause
    );
    // JSONata: the limits are expressions.
    let mut def = map(json!({"MaxItemsPerBatch": "{% $states.input.n %}"}));
    def["QueryLanguage"] = json!("JSONata");
    def["States"]["M"]
        .as_object_mut()
        .unwrap()
        .remove("ItemsPath");
    def["States"]["M"]["Items"] = json!("{% $states.input.items %}");
    let x = run(def.clone(), items.clone());
    assert_eq!(sizes(&x), [(2, 31), (1, 21)]);
    def["States"]["M"]["ItemBatcher"] = json!({"MaxItemsPerBatch": "{% 'two' %}"});
    let x = run(def, items);
    assert_eq!(x.error.as_deref(), Some("States.QueryEvaluationError"));
}

#[test]
fn task_mocks_retry_and_catch() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "H"}],
              "ResultSelector": {"p.$": "$.Payload", "r.$": "$$.State.RetryCount"}, "End": true},
        "H": {"Type": "Pass", "End": true}}});
    let cfg = MockConfig::parse(r#"{"StateMachines": {"M": {"TestCases": {"T": {"T": "R"}}}},
        "MockedResponses": {"R": {"0-1": {"Throw": {"Error": "Boom", "Cause": "c"}}, "2": {"Return": {"Payload": 7}}}}}"#)
        .unwrap();
    let x = run_with(
        def.clone(),
        json!({"in": 1}),
        cfg.test_case("M", "T").unwrap(),
    );
    assert_eq!(x.output, Some(json!({"p": 7, "r": 2})));
    let failed = x.events.iter().filter(|e| e.kind == "TaskFailed").count();
    assert_eq!(failed, 2);
    let x = run_with(
        def,
        json!({"in": 1}),
        Mocks::new().throwing("T", "Boom", "c"),
    );
    assert_eq!(
        x.output,
        Some(json!({"in": 1, "err": {"Error": "Boom", "Cause": "c"}}))
    );
}

#[test]
fn map_over_an_object_iterates_its_members() {
    // The ItemsPath page: an object gives one iteration per key-value pair.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.servers",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let input = json!({"servers": {"web": {"port": 80}, "db": {"port": 5432}}});
    let x = run(def, input.clone());
    assert_eq!(
        x.output,
        Some(
            json!([{"Key": "web", "Value": {"port": 80}}, {"Key": "db", "Value": {"port": 5432}}])
        )
    );
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.servers",
        "ItemSelector": {"name.$": "$$.Map.Item.Key", "port.$": "$$.Map.Item.Value.port", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let x = run(def, input);
    assert_eq!(
        x.output,
        Some(json!([{"name": "web", "port": 80, "i": 0}, {"name": "db", "port": 5432, "i": 1}]))
    );
}

#[test]
fn a_distributed_map_tolerates_no_failed_child_by_default() {
    // The developer guide: the tolerated failure percentage defaults to zero, and the
    // Map Run then fails with States.ExceedToleratedFailureThreshold.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "c"}}},
        "End": true}}});
    let x = run(def, json!([1, 2]));
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    // An inline Map fails with the iteration's own error.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "c"}}},
        "End": true}}});
    assert_eq!(run(def, json!([1, 2])).error.as_deref(), Some("Boom"));
}

/// A child execution's failed Task leaves no event in the parent's history, which
/// has only the Map Run's (an inline Map's iteration records TaskStateAborted).
#[test]
fn a_failed_child_task_is_not_in_the_parent_history() {
    let map = |mode: &str| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailurePercentage": 100,
            "ItemProcessor": {"ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "f"}, "End": true}}},
            "End": true}}})
    };
    let mut inline = map("INLINE");
    inline["States"]["M"]
        .as_object_mut()
        .unwrap()
        .remove("ToleratedFailurePercentage");
    let throwing = || Mocks::new().throwing("T", "Boom", "c");
    let kinds =
        |x: &Execution| -> Vec<String> { x.events.iter().map(|e| e.kind.clone()).collect() };
    let x = run_with(map("DISTRIBUTED"), json!([1]), throwing());
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        kinds(&x),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    // The Map Run is named as AWS names one: its state machine, the Label or an id.
    let started = x.events.iter().find(|e| e.kind == "MapRunStarted").unwrap();
    let arn = started.details["mapRunArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:"),
        "{arn}"
    );
    let mut labelled = map("DISTRIBUTED");
    labelled["States"]["M"]["Label"] = json!("records");
    let x = run_with(labelled, json!([1]), throwing());
    let started = x.events.iter().find(|e| e.kind == "MapRunStarted").unwrap();
    assert!(
        started.details["mapRunArn"]
            .as_str()
            .unwrap()
            .contains("/records:")
    );
    let x = run_with(inline, json!([1]), throwing());
    assert!(kinds(&x).contains(&"TaskStateAborted".to_string()));
}

#[test]
fn task_failed_matches_every_error_but_timeout() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err", "Next": "H"}], "End": true},
        "H": {"Type": "Pass", "End": true}}});
    let x = run_with(
        def.clone(),
        json!({}),
        Mocks::new().throwing("T", "States.Permissions", "denied"),
    );
    assert_eq!(
        x.output,
        Some(json!({"err": {"Error": "States.Permissions", "Cause": "denied"}}))
    );
    let x = run_with(
        def,
        json!({}),
        Mocks::new().throwing("T", "States.Timeout", "late"),
    );
    assert_eq!(x.error.as_deref(), Some("States.Timeout"));
}

/// A missed heartbeat is a time-out: a `States.Timeout` catcher takes it, a
/// `States.TaskFailed` one does not (the developer guide's error names, aws-cdk#16084).
#[test]
fn heartbeat_time_out_is_caught_as_a_time_out() {
    let def = |errors: Value| {
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "HeartbeatSeconds": 60, "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
            "Catch": [{"ErrorEquals": errors, "ResultPath": "$.err", "Next": "H"}], "End": true},
            "H": {"Type": "Pass", "End": true}}})
    };
    let beat = || Mocks::new().throwing("T", "States.HeartbeatTimeout", "");
    let x = run_with(def(json!(["States.Timeout"])), json!({}), beat());
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        x.output,
        Some(json!({"err": {"Error": "States.HeartbeatTimeout", "Cause": ""}}))
    );
    let x = run_with(def(json!(["States.TaskFailed"])), json!({}), beat());
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.HeartbeatTimeout"));
}

#[test]
fn task_without_mock_names_the_state() {
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true}, "H": {"Type": "Pass", "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert!(x.cause.unwrap().contains(
        "The Task state 'Call' (resource 'arn:aws:states:::sqs:sendMessage') has no mock"
    ));
}

#[test]
fn map_and_parallel() {
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.xs", "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
              "ItemProcessor": {"StartAt": "D", "States": {"D": {"Type": "Pass", "Parameters": {"s.$": "States.MathAdd($.v, $.i)"}, "End": true}}},
              "ResultPath": "$.out", "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.out[0]", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}], "End": true}}});
    let x = run(def, json!({"xs": [10, 20]}));
    assert_eq!(x.output, Some(json!([{"s": 10}, "b"])));
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        &kinds[1..5],
        [
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered"
        ]
    );
    assert!(kinds.contains(&"ParallelStateSucceeded"));
}

#[test]
fn map_tolerated_failures() {
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ToleratedFailureCount": 1,
              "ItemProcessor": {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "OK"},
                  "F": {"Type": "Fail", "Error": "Two"}, "OK": {"Type": "Pass", "End": true}}},
              "End": true}}});
    assert_eq!(
        run(def.clone(), json!([1, 2, 3])).output,
        Some(json!([1, {"Error": "Two", "Cause": null}, 3]))
    );
    let x = run(def, json!([2, 2]));
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
}

#[test]
fn variables_assign_is_simultaneous() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x.$": "$y", "y.$": "$x"}, "Next": "C"},
        "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y"}, "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.output, Some(json!({"x": 2, "y": 1})));
    let exited = x
        .events
        .iter()
        .find(|e| e.kind == "PassStateExited")
        .unwrap();
    assert_eq!(
        exited.details["assignedVariables"],
        json!({"x": "1", "y": "2"})
    );
}

#[test]
fn infinite_loop_stops_at_the_history_limit() {
    // A loop the linter accepts (it could end) that never ends on this input.
    let def = json!({"StartAt": "L", "States": {
        "L": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "L"},
        "Done": {"Type": "Succeed"}}});
    let opts = SimulationOptions {
        history: false,
        ..SimulationOptions::default()
    };
    let x = simulate(&def.to_string(), &opts).unwrap();
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some("The execution reached the maximum number of history events (25000).")
    );
    // ExecutionStarted + 2 events per Pass: event 25000 would be the 12500th exit.
    assert_eq!(x.transitions, 12_500);
    let small = SimulationOptions {
        max_events: Some(10),
        ..SimulationOptions::default()
    };
    let x = simulate(&def.to_string(), &small).unwrap();
    assert_eq!(x.events.len(), 10);
    assert_eq!(x.events[9].kind, "ExecutionFailed");
}

#[test]
fn timeouts_in_the_history() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 5, "HeartbeatSeconds": 2,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    let x = run_with(
        def.clone(),
        json!({}),
        Mocks::new().throwing("T", "States.Timeout", ""),
    );
    let scheduled = x.events.iter().find(|e| e.kind == "TaskScheduled").unwrap();
    assert_eq!(scheduled.details["timeoutInSeconds"], 5);
    assert_eq!(scheduled.details["heartbeatInSeconds"], 2);
    // The event has no cause; the error output a catcher gets has an empty one.
    let timed_out = x.events.iter().find(|e| e.kind == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.details.get("cause"), None);
    assert_eq!(
        x.output,
        Some(json!({"Error": "States.Timeout", "Cause": ""}))
    );
    // Uncaught: the execution's failure has no cause either.
    let mut uncaught = def;
    uncaught["States"]["T"]
        .as_object_mut()
        .unwrap()
        .remove("Catch");
    uncaught["States"].as_object_mut().unwrap().remove("Caught");
    let x = run_with(
        uncaught,
        json!({}),
        Mocks::new().throwing("T", "States.Timeout", ""),
    );
    let failed = x.events.last().unwrap();
    assert_eq!(failed.kind, "ExecutionFailed");
    assert_eq!(failed.details.get("cause"), None);
    assert_eq!(x.cause, None);
}

#[test]
fn intrinsic_failures_read_as_aws_words_them() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"v.$": "States.Format('{}', $.nope)"}, "End": true}}});
    let x = run(def, json!({"other": 1}));
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'P' (entered at the event id #2). The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"
        )
    );
}

#[test]
fn payload_limit() {
    let big = "x".repeat(300 * 1024);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": big, "ResultPath": "$.r", "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("States.DataLimitExceeded"));
    // A task result over the limit: the task fails with it (its failure event records
    // it), and a catcher takes it.
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Succeed"}}});
    let x = run_with(
        def,
        json!({}),
        Mocks::new().returning("T", json!({"Payload": big})),
    );
    assert_eq!(x.status, Status::Succeeded);
    let failed = x.events.iter().find(|e| e.kind == "TaskFailed").unwrap();
    assert_eq!(failed.details["error"], "States.DataLimitExceeded");
    // The cause names the integration's service, as recorded on AWS (conformance
    // `service_task_lambada_data_limit_exceeded_on_large_utf8_response`).
    assert_eq!(
        failed.details["cause"],
        "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit."
    );
    // A Lambda function ARN: LambdaFunctionFailed, naming the function.
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    let def =
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": arn, "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().returning("T", json!(big)));
    let failed = x
        .events
        .iter()
        .find(|e| e.kind == "LambdaFunctionFailed")
        .unwrap();
    assert_eq!(
        failed.details["cause"],
        format!(
            "The state/task '{arn}' returned a result with a size exceeding the maximum number of bytes service limit."
        )
    );
    assert_eq!(x.error.as_deref(), Some("States.DataLimitExceeded"));
}

#[test]
fn variable_limits() {
    // Each of two 130 KiB variables is allowed, not both in one Assign (256 KiB).
    let part = "x".repeat(130 * 1024);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Assign": {"a": part, "b": part}, "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("States.DataLimitExceeded"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'P' (entered at the event id #2). The variables assigned together take 266244 bytes, more than the 262144 bytes one Assign may set."
        )
    );
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"a": part}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"b": part}, "End": true}}});
    assert_eq!(run(def, json!({})).status, Status::Succeeded);
    // All the variables of an execution: at most 10 MiB. A 200 KiB value kept under
    // one more name by each state: the 52nd copy is one too many.
    let mut states = serde_json::Map::new();
    states.insert(
        "S0".into(),
        json!({"Type": "Pass", "Assign": {"big": "{% $pad('', 204800, 'y') %}"}, "Next": "S1"}),
    );
    for i in 1..60 {
        let mut st = json!({"Type": "Pass", "Assign": {format!("v{i}"): "{% $big %}"}});
        let st_map = st.as_object_mut().unwrap();
        if i == 59 {
            st_map.insert("End".into(), json!(true));
        } else {
            st_map.insert("Next".into(), json!(format!("S{}", i + 1)));
        }
        states.insert(format!("S{i}"), st);
    }
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "S0", "States": states});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("States.DataLimitExceeded"));
    assert!(
        x.cause
            .unwrap()
            .starts_with("An error occurred while executing the state 'S51'")
    );
}

#[test]
fn definition_errors_are_refused() {
    let e = simulate(
        r#"{"StartAt": "Nope", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#,
        &SimulationOptions::default(),
    )
    .unwrap_err();
    let SimulationError::Definition(errs) = e else {
        panic!("{e}");
    };
    assert_eq!(
        errs,
        [
            "1:13: ASL202 StartAt names \"Nope\", which is not a state of the top level",
            "1:62: ASL201 Next names \"B\", which is not a state of the top level"
        ]
    );
    assert!(simulate("{\"StartAt\": ", &SimulationOptions::default()).is_err());
}

#[test]
fn jsonata_states_output_assign_and_condition() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"n": "{% $states.input.n * 2 %}"}, "Output": {"orig": "{% $states.input.n %}"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [
            {"Condition": "{% $n > 5 %}", "Next": "Big", "Output": {"big": "{% $n %}"}}], "Default": "Small"},
        "Big": {"Type": "Succeed"},
        "Small": {"Type": "Pass", "Output": "{% 'small ' & $string($n) %}", "End": true}}});
    assert_eq!(
        run(def.clone(), json!({"n": 4})).output,
        Some(json!({"big": 8}))
    );
    assert_eq!(run(def, json!({"n": 1})).output, Some(json!("small 2")));
}

#[test]
fn only_a_callback_task_fails_without_an_error_name() {
    // AWS records no error when a callback is sent without one (SendTaskFailure with
    // no error): a catcher reads null. Any other task always has one.
    let callback = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
        "H": {"Type": "Pass", "End": true}}});
    let nameless = || Mocks {
        default: None,
        states: [(
            "T".to_string(),
            StateMock::always(MockResponse::Throw {
                error: None,
                cause: None,
            }),
        )]
        .into(),
    };
    let x = run_with(callback.clone(), json!({}), nameless());
    assert_eq!(x.output, Some(json!({"Error": null, "Cause": null})));
    let mut lambda = callback;
    lambda["States"]["T"]["Resource"] = json!("arn:aws:states:::lambda:invoke");
    lambda["States"]["T"]["Parameters"] = json!({"FunctionName": "f"});
    let opts = SimulationOptions {
        mocks: nameless(),
        ..SimulationOptions::default()
    };
    let e = simulate(&lambda.to_string(), &opts).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the mock of \"T\" throws no Error: a failed task has an error name"),
        "{e}"
    );
}

#[test]
fn jsonata_errors_are_catchable_query_evaluation_errors() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $nope %}",
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Output": "{% $states.errorOutput.Error %}", "Next": "H"}],
              "End": true},
        "H": {"Type": "Pass", "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().returning("T", json!(1)));
    assert_eq!(x.output, Some(json!("States.QueryEvaluationError")));
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "EvaluationFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn a_child_execution_cites_its_own_event_ids() {
    let def = json!({"StartAt": "Start", "States": {
        "Start": {"Type": "Pass", "Next": "M"},
        "M": {"Type": "Map",
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "C", "States": {
                                    "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Ok"}]},
                                    "Ok": {"Type": "Succeed"}}},
              "End": true}}});
    let x = run(def, json!([1, 2]));
    let failed = x.children[1].events.last().unwrap();
    assert_eq!(failed.kind, "ExecutionFailed");
    assert_eq!(
        failed.details,
        json!({"error": "States.Runtime",
               "cause": "An error occurred while executing the state 'C' (entered at the event id #2). No Matches!"})
    );
    assert_eq!(
        x.children[0].events.last().unwrap().kind,
        "ExecutionSucceeded"
    );
}

#[test]
fn child_executions_are_kept_up_to_the_cap_and_the_rest_counted() {
    // One Pass state a child: four events each (started, entered, exited, succeeded),
    // so the 200,000 kept events hold the first 50,000 children, and the last one is
    // only counted.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": "{% [0..50000] %}",
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "Output": "{% $count($states.result) %}", "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.output, Some(json!(50_001)));
    assert_eq!(x.children.len(), 50_000);
    assert_eq!(x.children[49_999].events.len(), 4);
    let run_started = x.children[0].map_run;
    assert_eq!(
        x.children_omitted,
        [OmittedChildren {
            map_run: run_started,
            first: 50_000,
            count: 1
        }]
    );
    assert_eq!(x.to_json()["childExecutionsOmitted"], json!(1));
    assert!(
        trace::text_report(&x).contains(
            "[item 50000, child executions not shown: the trace keeps up to 200,000 events of child executions, in half the memory its history may take]"
        )
    );
}

#[test]
fn child_executions_are_kept_in_half_the_memory_of_the_history() {
    // Each child's four events hold its 10,000-byte input: about 44 KB each as
    // reckoned, of the 512 KiB that children may take when the history may take 1 MiB.
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.a", "ItemSelector": {"pad.$": "$.pad"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "ResultPath": null, "End": true}}});
    let opts = SimulationOptions {
        input: json!({"a": vec![0; 20], "pad": "y".repeat(10_000)}),
        max_history_bytes: 1024 * 1024,
        ..Default::default()
    };
    let x = simulate_value(&def, &opts).unwrap();
    assert_eq!(x.status, Status::Succeeded);
    let kept: Vec<usize> = x.children.iter().map(|c| c.events.len()).collect();
    assert_eq!(kept, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    let run_started = x.children[0].map_run;
    assert_eq!(
        x.children_omitted,
        [OmittedChildren {
            map_run: run_started,
            first: 12,
            count: 8
        }]
    );
}

#[test]
fn a_runaway_jsonata_expression_fails_its_state_at_once() {
    // Ten million times ten million numbers: the evaluation budget stops it before it
    // builds the first ten million, with AWS's words for its own memory limit, and a
    // Catch can take the error as any other.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": "{% $count([1..10000000].([1..10000000])) %}"},
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                         "Output": "{% $states.errorOutput %}", "Next": "H"}],
              "End": true},
        "H": {"Type": "Pass", "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().returning("T", json!(1)));
    assert_eq!(
        x.output,
        Some(json!({
            "Error": "States.QueryEvaluationError",
            "Cause": "An error occurred while executing the state 'T' (entered at the event id #2). \
                      The JSONata expression '$count([1..10000000].([1..10000000]))' specified for \
                      the field 'Arguments/Payload' threw an error during evaluation: Expression \
                      evaluation memory limit exceeded: Check for excessive memory usage"
        }))
    );
}

#[test]
fn states_runtime_is_never_caught_and_parallel_fails_with_the_branch_error() {
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "BranchBoom", "Cause": "b"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "Bad"}], "Next": "Bad"},
        "Bad": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Bad' (entered at the event id #7). Invalid path '$.missing' : No results for path: $['missing']"
        )
    );
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        &kinds[2..7],
        [
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateFailed",
            "ParallelStateExited",
            "PassStateEntered"
        ]
    );
    let exited = &x.events[5];
    assert_eq!(
        exited.details["output"],
        json!("{\"e\":{\"Error\":\"BranchBoom\",\"Cause\":\"b\"}}")
    );
}

#[test]
fn wait_timestamp_path_and_timestamp_choice() {
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "TimestampPath": "$.until", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$$.State.EnteredTime", "TimestampGreaterThanEqualsPath": "$.until", "Next": "Late"}], "Default": "Early"},
        "Late": {"Type": "Pass", "Result": "late", "End": true},
        "Early": {"Type": "Pass", "Result": "early", "End": true}}});
    // The run starts at 2023-11-14T22:13:20Z; the wait ends exactly at `until`.
    assert_eq!(
        run(def.clone(), json!({"until": "2023-11-15T00:00:00Z"})).output,
        Some(json!("late"))
    );
    let x = run(def, json!({"until": "2023-11-15T00:00:00"}));
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert!(x.cause.unwrap().ends_with(
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.until == 2023-11-15T00:00:00"
    ));
}

#[test]
fn retry_backoff_on_the_virtual_clock() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "q", "MessageBody": "m"},
        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3, "MaxDelaySeconds": 10}],
        "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().throwing("T", "Custom", "c"));
    assert_eq!(x.error.as_deref(), Some("Custom"));
    let scheduled: Vec<&str> = x
        .events
        .iter()
        .filter(|e| e.kind == "TaskScheduled")
        .map(|e| e.timestamp.as_str())
        .collect();
    // Delays 2 s, 6 s, then 18 s capped at 10 s.
    assert_eq!(
        scheduled,
        [
            "2023-11-14T22:13:20.000Z",
            "2023-11-14T22:13:22.000Z",
            "2023-11-14T22:13:28.000Z",
            "2023-11-14T22:13:38.000Z"
        ]
    );
}

#[test]
fn api_gateway_headers_must_be_lists_of_values() {
    // Headers from the input (literal ones are ASL412's, which stops a simulation).
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
        "Resource": "arn:aws:states:::apigateway:invoke",
        "Parameters": {"ApiEndpoint": "example.execute-api.us-east-1.amazonaws.com", "Method": "GET", "Headers.$": "$.headers"},
        "End": true}}});
    let x = run(def.clone(), json!({"headers": {"x-id": "one"}}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert!(
        x.cause.as_deref().unwrap().ends_with(
            r#"could not be used to start the Task: [The value of the field 'Headers' has an invalid format]"#
        ),
        "{:?}",
        x.cause
    );
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
    );
    // Lists of strings are sent (here the task has no mock, so it fails later).
    let x = run(def, json!({"headers": {"x-id": ["one", "two"]}}));
    assert!(x.events.iter().any(|e| e.kind == "TaskScheduled"));
}

#[test]
fn an_uncaught_task_failure_aborts_its_state_in_a_branch_or_iteration() {
    let task = |catch: bool| {
        let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true});
        if catch {
            t["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "Next": "F"}]);
        }
        t
    };
    let kinds = |def: Value| {
        let x = run_with(def, json!([1]), Mocks::new().throwing("T", "Boom", "c"));
        x.events
            .iter()
            .map(|e| e.kind.clone())
            .skip_while(|k| k != "TaskFailed")
            .collect::<Vec<_>>()
    };
    let parallel = |catch: bool| {
        let mut states = json!({"T": task(catch)});
        if catch {
            states["F"] = json!({"Type": "Fail", "Error": "Caught"});
        }
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "T", "States": states}]}}})
    };
    // Recorded on AWS: the failed Task is aborted before the Parallel fails.
    assert_eq!(
        kinds(parallel(false)),
        [
            "TaskFailed",
            "TaskStateAborted",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
    // Caught inside the branch: the Task exits to the catcher's Fail state, which
    // ends the branch without an abort.
    assert_eq!(
        kinds(parallel(true)),
        [
            "TaskFailed",
            "TaskStateExited",
            "FailStateEntered",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
    // In a Map the abort follows MapIterationFailed.
    let map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "T", "States": {"T": task(false)}}}}});
    assert_eq!(
        kinds(map),
        [
            "TaskFailed",
            "MapIterationFailed",
            "TaskStateAborted",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
    // At the top level a failed Task ends the execution with no abort.
    let top = json!({"StartAt": "T", "States": {"T": task(false)}});
    assert_eq!(kinds(top), ["TaskFailed", "ExecutionFailed"]);
}

#[test]
fn a_jsonata_read_before_a_local_binding_sees_the_workflow_variable() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"n": 5}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% ($n := $n + 1; $n) %}", "End": true}}});
    assert_eq!(run(def, json!({})).output, Some(json!(6)));
}

#[test]
fn no_path_applies_to_a_null_input() {
    // awslabs/states-language#29 (a Choice on `$`) and a Task's `"Input.$": "$"` after a
    // Lambda returned null: AWS fails the state. A state that reads no path passes the
    // null on.
    let cause = |state: &str| {
        format!(
            "An error occurred while executing the state '{state}' (entered at the event id #4). Unable to apply Path transformation to null or empty input."
        )
    };
    for (state, second) in [
        (
            "Use it",
            json!({"Type": "Pass", "Parameters": {"Input.$": "$"}, "Next": "Done"}),
        ),
        (
            "Error?",
            json!({"Type": "Choice", "Choices": [{"Variable": "$", "IsString": true, "Next": "Done"}], "Default": "Done"}),
        ),
    ] {
        let def = json!({"StartAt": "Make null", "States": {
            "Make null": {"Type": "Pass", "Result": null, "Next": state},
            state: second,
            "Done": {"Type": "Succeed"}}});
        let x = run(def, json!({}));
        assert_eq!(x.error.as_deref(), Some("States.Runtime"), "{state}");
        assert_eq!(x.cause, Some(cause(state)), "{state}");
    }
    let def = json!({"StartAt": "Make null", "States": {
        "Make null": {"Type": "Pass", "Result": null, "Next": "Through"},
        "Through": {"Type": "Pass", "Parameters": {"At.$": "$$.State.Name"}, "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(x.output, Some(json!({"At": "Through"})));
}

/// A Distributed Map reading its items with an ItemReader, JSONPath or JSONata.
fn reader_map(jsonata: bool, reader: Value) -> Value {
    let mut def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemReader": reader,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "End": true}}});
    if jsonata {
        def["QueryLanguage"] = json!("JSONata");
    }
    def
}

#[test]
fn a_jsonata_item_reader_reads_the_items_as_a_jsonpath_one_does() {
    let mocks = || Mocks::new().returning("M", json!([1, 2, 3]));
    let def = reader_map(
        true,
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
            "Arguments": {"Bucket": "{% $states.input.b %}", "Key": "k.json"}}),
    );
    // Neither an object input nor an array input is iterated: the reader's items are.
    for input in [json!({"b": "bk"}), json!({"b": "bk", "x": [7, 8]})] {
        let x = run_with(def.clone(), input, mocks());
        assert_eq!(
            (x.status, x.output),
            (Status::Succeeded, Some(json!([1, 2, 3])))
        );
    }
    // Its Arguments are evaluated: an undefined result fails the Map.
    let x = run_with(def, json!({}), mocks());
    assert_eq!(x.error.as_deref(), Some("States.QueryEvaluationError"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression '$states.input.b' specified for the field 'ItemReader/Arguments/Bucket' returned nothing (undefined)."
        )
    );
}

#[test]
fn reader_config_max_items_keeps_the_first_items() {
    let items = json!([{"a": 1}, {"a": 2}, {"a": 3}]);
    let reader = |config: Value| {
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": config,
            "Parameters": {"Bucket": "b", "Key": "k.json"}})
    };
    let cases = [
        (
            reader(json!({"InputType": "JSON", "MaxItems": 1})),
            json!({}),
        ),
        (
            reader(json!({"InputType": "JSON", "MaxItemsPath": "$.n"})),
            json!({"n": 2}),
        ),
        // 0 from a path: no limit.
        (
            reader(json!({"InputType": "JSON", "MaxItemsPath": "$.n"})),
            json!({"n": 0}),
        ),
    ];
    let want = [
        json!([{"a": 1}]),
        json!([{"a": 1}, {"a": 2}]),
        items.clone(),
    ];
    for ((r, input), want) in cases.into_iter().zip(want) {
        let x = run_with(
            reader_map(false, r),
            input,
            Mocks::new().returning("M", items.clone()),
        );
        assert_eq!(x.output, Some(want));
    }
    let jsonata = reader_map(
        true,
        json!({"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.n %}"},
            "Arguments": {"Bucket": "b", "Key": "k.json"}}),
    );
    let x = run_with(
        jsonata,
        json!({"n": 2}),
        Mocks::new().returning("M", items.clone()),
    );
    assert_eq!(x.output, Some(json!([{"a": 1}, {"a": 2}])));
    let x = run_with(
        reader_map(
            false,
            reader(json!({"InputType": "JSON", "MaxItemsPath": "$.n"})),
        ),
        json!({"n": -1}),
        Mocks::new().returning("M", items),
    );
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). The ReaderConfig field 'MaxItems' must be an integer from 0 to 100000000, not -1"
        )
    );
}

#[test]
fn an_item_reader_mock_counts_its_invocations_over_the_execution() {
    // The Map runs twice: the reader's second read is invocation 1.
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                "Parameters": {"Bucket": "b", "Key": "k.json"}},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
            "ResultPath": "$.r", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.first", "IsPresent": false, "Next": "Again"}],
            "Default": "D"},
        "Again": {"Type": "Pass", "Parameters": {"first.$": "$.r"}, "Next": "M"},
        "D": {"Type": "Succeed"}}});
    let mut mocks = Mocks::new();
    mocks.states.insert(
        "M".into(),
        StateMock::parse(r#"{"0": {"Return": [1, 2]}, "1": {"Return": [3]}}"#).unwrap(),
    );
    let x = run_with(def, json!({}), mocks);
    assert_eq!(x.output, Some(json!({"first": [1, 2], "r": [3]})));
}

#[test]
fn reader_and_writer_parameters_are_evaluated() {
    let mut def = reader_map(
        false,
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket.$": "$.missing", "Key": "k"}}),
    );
    def["States"]["M"]["Label"] = json!("lbl");
    def["States"]["M"]["ResultWriter"] = json!({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.out", "Prefix": "p"}});
    let mocks = || Mocks::new().returning("M", json!([1]));
    let x = run_with(def.clone(), json!({}), mocks());
    assert_eq!(x.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'Bucket.$' could not be found in the input '{}'"
        )
    );
    let x = run_with(def.clone(), json!({"missing": "in"}), mocks());
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). The JSONPath '$.out' specified for the field 'Bucket.$' could not be found in the input '{\"missing\":\"in\"}'"
        )
    );
    // With both found, the Map's output names its Map Run and where the results went.
    let x = run_with(def, json!({"missing": "in", "out": "ob"}), mocks());
    let arn = x
        .events
        .iter()
        .find(|e| e.kind == "MapRunStarted")
        .map(|e| e.details["mapRunArn"].as_str().unwrap().to_string())
        .unwrap();
    let run_id = arn.rsplit(':').next().unwrap();
    assert!(arn.contains(":mapRun:"), "{arn}");
    assert_eq!(
        x.output,
        Some(
            json!({"MapRunArn": arn, "ResultWriterDetails": {"Bucket": "ob", "Key": format!("p/{run_id}/manifest.json")}})
        )
    );
    // JSONata: the writer's Arguments.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Items": "{% [1, 2] %}",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
            "Arguments": {"Bucket": "{% $states.input.nope %}", "Prefix": "p"}},
        "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("States.QueryEvaluationError"));
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression '$states.input.nope' specified for the field 'ResultWriter/Arguments/Bucket' returned nothing (undefined)."
        )
    );
}

/// The type and details of each event of `x`.
fn events_of(x: &Execution) -> Vec<(String, Value)> {
    x.events
        .iter()
        .map(|e| (e.kind.clone(), e.details.clone()))
        .collect()
}

#[test]
fn a_failed_read_fails_the_map_run_with_the_error_the_map_retries_and_catches() {
    let mut def = reader_map(
        false,
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "b", "Key": "k.json"}}),
    );
    def["States"]["M"]["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "Next": "H"}]);
    def["States"]["M"].as_object_mut().unwrap().remove("End");
    def["States"]["M"]["Next"] = json!("H");
    def["States"]["H"] = json!({"Type": "Pass", "End": true});
    let x = run_with(
        def.clone(),
        json!({}),
        Mocks::new().throwing("M", "S3.NoSuchKey", "no key"),
    );
    assert_eq!(
        (x.status, x.output.clone()),
        (
            Status::Succeeded,
            Some(json!({"Error": "S3.NoSuchKey", "Cause": "no key"}))
        )
    );
    let events = events_of(&x);
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds[1..7],
        [
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "MapStateExited"
        ]
    );
    assert_eq!(
        events[4].1,
        json!({"error": "S3.NoSuchKey", "cause": "no key"})
    );
    // Retried, the reader is read again: invocation 1 answers.
    def["States"]["M"]["Retry"] = json!([{"ErrorEquals": ["S3.NoSuchKey"], "MaxAttempts": 1}]);
    let mut mocks = Mocks::new();
    mocks.states.insert(
        "M".into(),
        StateMock::parse(
            r#"{"0": {"Throw": {"Error": "S3.NoSuchKey", "Cause": "no key"}}, "1": {"Return": [5]}}"#,
        )
        .unwrap(),
    );
    let x = run_with(def, json!({}), mocks);
    assert_eq!(x.output, Some(json!([5])));
}

#[test]
fn map_run_failed_tells_the_error_and_cause() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Fail", "Error": "E1"}}},
        "End": true}}});
    let x = run(def, json!([{"a": 1}]));
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    let failed = events_of(&x)
        .into_iter()
        .find(|(k, _)| k == "MapRunFailed")
        .unwrap();
    assert_eq!(
        failed.1,
        json!({"error": "States.ExceedToleratedFailureThreshold",
            "cause": "The specified tolerated failure threshold was exceeded"})
    );
}

#[test]
fn an_uncatchable_error_in_a_child_execution_fails_that_child_only() {
    let def = |tolerated: Option<u64>| {
        let mut d = json!({"StartAt": "M", "States": {
            "M": {"Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "I", "States": {"I": {"Type": "Pass", "Parameters": {"v.$": "$.nope"}, "End": true}}},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
            "H": {"Type": "Pass", "End": true}}});
        if let Some(n) = tolerated {
            d["States"]["M"]["ToleratedFailureCount"] = json!(n);
        }
        d
    };
    let cause = "An error occurred while executing the state 'I' (entered at the event id #2). The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{\"a\":1}'";
    // Tolerated: the Map succeeds with the failed child's error output.
    let x = run(def(Some(1)), json!([{"a": 1}, {"nope": 2}]));
    assert_eq!(
        (x.status, x.output),
        (
            Status::Succeeded,
            Some(json!([{"Error": "States.Runtime", "Cause": cause}, {"v": 2}]))
        )
    );
    // The child's own history ends with its failure.
    let last = x.children[0].events.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), &last.details),
        (
            "ExecutionFailed",
            &json!({"error": "States.Runtime", "cause": cause})
        )
    );
    // Not tolerated: the Map Run fails with the catchable threshold error.
    let x = run(def(None), json!([{"a": 1}]));
    assert_eq!(
        (x.status, x.output),
        (
            Status::Succeeded,
            Some(json!({"Error": "States.ExceedToleratedFailureThreshold",
                "Cause": "The specified tolerated failure threshold was exceeded"}))
        )
    );
}

#[test]
fn time_outs_from_a_path_or_jsonata_are_used_as_numbers_are() {
    let mocks = || {
        let mut m = Mocks::new();
        m.states.insert(
            "T".into(),
            StateMock::parse(r#"{"Throw": {"Error": "States.Timeout"}}"#).unwrap(),
        );
        m
    };
    let task = |jsonata: bool, fields: Value| {
        let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After"}], "End": true});
        let (args, after) = if jsonata {
            (
                json!({"Arguments": {"FunctionName": "f"}}),
                json!({"Type": "Pass", "Output": "{% $states.context.State.EnteredTime %}", "End": true}),
            )
        } else {
            (
                json!({"Parameters": {"FunctionName": "f"}}),
                json!({"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "OutputPath": "$.t", "End": true}),
            )
        };
        for (k, v) in args
            .as_object()
            .unwrap()
            .iter()
            .chain(fields.as_object().unwrap())
        {
            t[k] = v.clone();
        }
        let mut d = json!({"StartAt": "T", "States": {"T": t, "After": after}});
        if jsonata {
            d["QueryLanguage"] = json!("JSONata");
        }
        d
    };
    // The mocked time-out takes the 60 s the input gives; TaskScheduled tells them.
    for def in [
        task(
            false,
            json!({"TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h"}),
        ),
        task(
            true,
            json!({"TimeoutSeconds": "{% $states.input.t %}", "HeartbeatSeconds": "{% $states.input.h %}"}),
        ),
    ] {
        let x = run_with(def, json!({"t": 60, "h": 20}), mocks());
        assert_eq!(x.output, Some(json!("2023-11-14T22:14:20.000Z")));
        let scheduled = x.events.iter().find(|e| e.kind == "TaskScheduled").unwrap();
        assert_eq!(
            (
                &scheduled.details["timeoutInSeconds"],
                &scheduled.details["heartbeatInSeconds"]
            ),
            (&json!(60), &json!(20))
        );
    }
    let def = task(true, json!({"TimeoutSeconds": "{% $states.input.t %}"}));
    let prefix = "An error occurred while executing the state 'T' (entered at the event id #2). ";
    for (input, cause) in [
        (
            json!({}),
            "The JSONata expression '$states.input.t' specified for the field 'TimeoutSeconds' returned nothing (undefined).",
        ),
        (
            json!({"t": 0}),
            "The field 'TimeoutSeconds' must evaluate to a positive integer, not 0",
        ),
        (
            json!({"t": 2.5}),
            "The field 'TimeoutSeconds' must evaluate to a positive integer, not 2.5",
        ),
    ] {
        let x = run_with(def.clone(), input, mocks());
        // Caught, as a JSONata error is.
        assert_eq!(
            x.events
                .iter()
                .find(|e| e.kind == "EvaluationFailed")
                .map(|e| (e.details["error"].clone(), e.details["cause"].clone())),
            Some((
                json!("States.QueryEvaluationError"),
                json!(format!("{prefix}{cause}"))
            ))
        );
    }
}

#[test]
fn a_missing_mock_in_a_child_execution_ends_the_run() {
    // Not a failed child the Map Run would tolerate: the run lacks a mock.
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ToleratedFailureCount": 1,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"}, "End": true}}},
        "End": true}}});
    let x = run(def, json!([1, 2]));
    assert_eq!(
        (x.status, x.error.as_deref()),
        (Status::Failed, Some("States.Runtime"))
    );
    assert!(
        x.cause.as_deref().unwrap().contains(engine::NO_MOCK),
        "{:?}",
        x.cause
    );
    assert!(x.mock_problem);
    assert_eq!(x.children.len(), 1);
    // A workflow's own States.Runtime is no mistake of the mocks.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(
        (x.error.as_deref(), x.mock_problem),
        (Some("States.Runtime"), false)
    );
}

#[test]
fn now_formats_with_a_picture_and_evaluation_failures_name_their_field() {
    // 1_700_000_000_000 ms is 2023-11-14T22:13:20Z.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "S", "States": {
        "S": {"Type": "Pass", "Output": {"year": "{% $now('[Y0001]') %}",
                                         "hm": "{% $now('[H01]:[m01]', '+0200') %}",
                                         "iso": "{% $now() %}"}, "Next": "F"},
        "F": {"Type": "Pass", "Output": {"result": "{% $missing %}"}, "End": true}}});
    let x = run(def, json!({}));
    let failed = x
        .events
        .iter()
        .find(|e| e.kind == "EvaluationFailed")
        .expect("an EvaluationFailed event");
    assert_eq!(failed.details["location"], "Output/result");
    let exited = x
        .events
        .iter()
        .find(|e| e.kind == "PassStateExited")
        .unwrap();
    assert_eq!(
        exited.details["output"],
        r#"{"year":"2023","hm":"00:13","iso":"2023-11-14T22:13:20.000Z"}"#
    );
}

#[test]
fn a_child_execution_has_a_context_of_its_own() {
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "Label": "Items",
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "P", "States": {"P": {"Type": "Pass",
                                    "Parameters": {"input.$": "$$.Execution.Input", "id.$": "$$.Execution.Id",
                                                   "name.$": "$$.Execution.Name"}, "End": true}}},
              "ResultSelector": {"children.$": "$", "parent.$": "$$.Execution.Input"}, "End": true}}});
    let x = run(def, json!([1, 2]));
    let out = x.output.expect("an output");
    assert_eq!(out["parent"], json!([1, 2]));
    let children = out["children"].as_array().unwrap();
    assert_eq!(children[0]["input"], json!(1));
    assert_eq!(children[1]["input"], json!(2));
    for c in children {
        let id = c["id"].as_str().unwrap();
        let name = c["name"].as_str().unwrap();
        assert!(
            id.starts_with("arn:aws:states:us-east-1:123456789012:execution:")
                && id.contains("/Items:")
                && id.ends_with(name),
            "{id}"
        );
    }
    assert_ne!(children[0]["name"], children[1]["name"]);
}

#[test]
fn the_text_trace_shows_a_changed_retry_request_and_cuts_long_data() {
    // The request reads the retry count: each retry sends another one, shown again.
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload": {"try.$": "$$.State.RetryCount"}},
        "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 1}], "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().throwing("T", "Busy", "later"));
    let text = trace::text_report(&x);
    assert!(
        text.contains(
            "  call lambda:invoke  parameters: {\"FunctionName\":\"f\",\"Payload\":{\"try\":0}}\n  ! Busy: later  (retry 1 after 1 s)\n  call lambda:invoke  parameters: {\"FunctionName\":\"f\",\"Payload\":{\"try\":1}}\n"
        ),
        "{text}"
    );
    // A 10,000-byte input: the state's line shows 1,500 bytes of it and says so; the
    // run's output line keeps it whole.
    let long = "x".repeat(10_000);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let x = run(def, json!({"s": long}));
    let text = trace::text_report(&x);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "P (Pass)  input: {{\"s\":\"{}... (8508 more bytes; --format json shows them all)",
            "x".repeat(1_494)
        )
    );
    assert!(
        text.ends_with(&format!("output: {{\"s\":\"{long}\"}}\n")),
        "{text}"
    );
    // A long cause is cut on the failure's line, and kept whole on the run's last line.
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true}}});
    let cause = "c".repeat(3_000);
    let x = run_with(def, json!({}), Mocks::new().throwing("T", "E", &cause));
    let text = trace::text_report(&x);
    let cut = format!(
        "  ! E: {}... (1500 more bytes; --format json shows them all)\n",
        "c".repeat(1_500)
    );
    assert!(text.contains(&cut), "{text}");
    assert!(text.ends_with(&format!("E: {cause}\n")), "{text}");
}

/// A Choice state's own `Assign` applies whichever rule matches, and a rule's own value
/// wins for a name both set; with no rule matching, the state's alone (Default).
#[test]
fn choice_state_assign_applies_with_every_rule() {
    let def = json!({"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Assign": {"tier": "standard", "seen": true},
            "Choices": [{"Variable": "$.vip", "BooleanEquals": true, "Assign": {"tier": "vip"}, "Next": "Done"}],
            "Default": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"tier.$": "$tier", "seen.$": "$seen"}, "End": true}}});
    let x = run(def.clone(), json!({"vip": true}));
    assert_eq!(x.output, Some(json!({"tier": "vip", "seen": true})));
    let x = run(def, json!({"vip": false}));
    assert_eq!(x.output, Some(json!({"tier": "standard", "seen": true})));
    let jsonata = json!({"QueryLanguage": "JSONata", "StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Assign": {"tier": "standard", "seen": true},
            "Choices": [{"Condition": "{% $states.input.vip %}", "Assign": {"tier": "vip"}, "Next": "Done"}],
            "Default": "Done"},
        "Done": {"Type": "Pass", "Output": {"tier": "{% $tier %}", "seen": "{% $seen %}"}, "End": true}}});
    let x = run(jsonata, json!({"vip": true}));
    assert_eq!(x.output, Some(json!({"tier": "vip", "seen": true})));
}

fn kinds_of(x: &Execution) -> Vec<&str> {
    x.events.iter().map(|e| e.kind.as_str()).collect()
}

/// The Map over `items` of Wait 10 s, then a Pass that tells when it was entered.
fn waiting_map(max_concurrency: Option<u64>) -> Value {
    let mut def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": 10, "End": true}}}, "Next": "T"},
        "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime", "out.$": "$"}, "End": true}}});
    if let Some(m) = max_concurrency {
        def["States"]["M"]["MaxConcurrency"] = json!(m);
    }
    def
}

#[test]
fn map_iterations_run_side_by_side_on_max_concurrency_slots() {
    // Seven iterations of 10 s inside a 60 s execution: they take 10 s, not 70.
    let mut def = waiting_map(None);
    def["TimeoutSeconds"] = json!(60);
    let x = run(def, json!([1, 2, 3, 4, 5, 6, 7]));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        x.output,
        Some(json!({"t": "2023-11-14T22:13:30.000Z", "out": [1, 2, 3, 4, 5, 6, 7]}))
    );
    // Four items: one slot takes 40 s, two take 20 s, unbounded 10 s.
    for (m, t) in [
        (Some(1), "2023-11-14T22:14:00.000Z"),
        (Some(2), "2023-11-14T22:13:40.000Z"),
        (Some(3), "2023-11-14T22:13:40.000Z"),
        (Some(0), "2023-11-14T22:13:30.000Z"),
        (None, "2023-11-14T22:13:30.000Z"),
    ] {
        let x = run(waiting_map(m), json!([1, 2, 3, 4]));
        assert_eq!(x.output.unwrap()["t"], json!(t), "MaxConcurrency {m:?}");
    }
    // An inline Map runs 40 iterations at a time: the 41st starts when one ends.
    let items: Vec<u64> = (0..41).collect();
    let x = run(waiting_map(None), json!(items));
    assert_eq!(x.output.unwrap()["t"], json!("2023-11-14T22:13:40.000Z"));
}

#[test]
fn map_events_are_in_the_order_of_time_with_their_ids() {
    let x = run(waiting_map(Some(2)), json!([1, 2, 3]));
    let got: Vec<(u64, u64, &str, &str)> = x
        .events
        .iter()
        .map(|e| {
            (
                e.id,
                e.previous_event_id,
                &e.timestamp[11..19],
                e.kind.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, 0, "22:13:20", "ExecutionStarted"),
            // As AWS links them: the first state entered follows no event, the
            // next iteration started follows the last event of the one before, and
            // the state exited follows what the state succeeded did.
            (2, 0, "22:13:20", "MapStateEntered"),
            (3, 2, "22:13:20", "MapStateStarted"),
            (4, 3, "22:13:20", "MapIterationStarted"),
            (5, 4, "22:13:20", "WaitStateEntered"),
            (6, 5, "22:13:20", "MapIterationStarted"),
            (7, 6, "22:13:20", "WaitStateEntered"),
            (8, 7, "22:13:30", "WaitStateExited"),
            (9, 8, "22:13:30", "MapIterationSucceeded"),
            (10, 9, "22:13:30", "WaitStateExited"),
            (11, 10, "22:13:30", "MapIterationSucceeded"),
            (12, 10, "22:13:30", "MapIterationStarted"),
            (13, 12, "22:13:30", "WaitStateEntered"),
            (14, 13, "22:13:40", "WaitStateExited"),
            (15, 14, "22:13:40", "MapIterationSucceeded"),
            (16, 15, "22:13:40", "MapStateSucceeded"),
            (17, 15, "22:13:40", "MapStateExited"),
            (18, 17, "22:13:40", "PassStateEntered"),
            (19, 18, "22:13:40", "PassStateExited"),
            (20, 19, "22:13:40", "ExecutionSucceeded"),
        ]
    );
    let indexes: Vec<&Value> = x
        .events
        .iter()
        .filter(|e| e.kind.starts_with("MapIteration"))
        .map(|e| &e.details["index"])
        .collect();
    assert_eq!(indexes, [0, 1, 0, 1, 2, 2]);
}

/// A Parallel of two branches: Wait `a` s then Pass, Wait `b` s then Pass.
fn waiting_parallel(a: u64, b: u64) -> Value {
    let branch = |name: &str, s: u64| {
        json!({"StartAt": format!("W{name}"), "States": {
            format!("W{name}"): {"Type": "Wait", "Seconds": s, "Next": format!("P{name}")},
            format!("P{name}"): {"Type": "Pass", "Result": name, "End": true}}})
    };
    json!({"StartAt": "Par", "States": {
        "Par": {"Type": "Parallel", "Branches": [branch("a", a), branch("b", b)], "Next": "T"},
        "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime", "out.$": "$"}, "End": true}}})
}

#[test]
fn parallel_branches_run_side_by_side() {
    let x = run(waiting_parallel(5, 5), json!({}));
    assert_eq!(
        x.output,
        Some(json!({"t": "2023-11-14T22:13:25.000Z", "out": ["a", "b"]}))
    );
    let x = run(waiting_parallel(3, 1), json!({}));
    assert_eq!(
        x.output,
        Some(json!({"t": "2023-11-14T22:13:23.000Z", "out": ["a", "b"]}))
    );
    let names: Vec<(&str, &str)> = x
        .events
        .iter()
        .filter(|e| e.kind.ends_with("StateEntered") || e.kind.ends_with("StateExited"))
        .map(|e| (e.details["name"].as_str().unwrap(), &e.timestamp[11..19]))
        .collect();
    assert_eq!(
        names,
        [
            ("Par", "22:13:20"),
            ("Wa", "22:13:20"),
            ("Wb", "22:13:20"),
            ("Wb", "22:13:21"),
            ("Pb", "22:13:21"),
            ("Pb", "22:13:21"),
            ("Wa", "22:13:23"),
            ("Pa", "22:13:23"),
            ("Pa", "22:13:23"),
            ("Par", "22:13:23"),
            ("T", "22:13:23"),
            ("T", "22:13:23"),
        ]
    );
    assert!(
        x.events
            .iter()
            .enumerate()
            .all(|(i, e)| e.id == i as u64 + 1)
    );
    // Two branches of 200 s fit in an Express workflow's five minutes.
    let x = run_as(
        &waiting_parallel(200, 200),
        MachineType::Express,
        None,
        true,
    );
    assert_eq!(x.status, Status::Succeeded);
    let x = run_as(
        &waiting_parallel(200, 301),
        MachineType::Express,
        None,
        true,
    );
    assert_eq!(x.status, Status::TimedOut);
}

#[test]
fn the_first_failure_in_time_fails_the_parallel_and_stops_the_others() {
    let def = json!({"StartAt": "Par", "States": {
        "Par": {"Type": "Parallel", "Branches": [
            {"StartAt": "W", "States": {
                "W": {"Type": "Wait", "Seconds": 5, "Next": "F2"},
                "F2": {"Type": "Fail", "Error": "E2", "Cause": "c2"}}},
            {"StartAt": "F1", "States": {"F1": {"Type": "Fail", "Error": "E1", "Cause": "c1"}}}
        ], "End": true}}});
    let x = run(def.clone(), json!({}));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(
        (x.error.as_deref(), x.cause.as_deref()),
        (Some("E1"), Some("c1"))
    );
    assert_eq!(
        kinds_of(&x),
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "WaitStateEntered",
            "FailStateEntered",
            "WaitStateAborted",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
    assert_eq!(
        x.events.last().unwrap().timestamp,
        "2023-11-14T22:13:20.000Z"
    );
    // Caught: the next state starts at the failure, not when the other branch would end.
    let mut caught = def;
    caught["States"]["Par"]
        .as_object_mut()
        .unwrap()
        .remove("End");
    caught["States"]["Par"]["Next"] = json!("T");
    caught["States"]["Par"]["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "Next": "T"}]);
    caught["States"]["T"] = json!({"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime", "e.$": "$.Error"}, "End": true});
    let x = run(caught, json!({}));
    assert_eq!(
        x.output,
        Some(json!({"t": "2023-11-14T22:13:20.000Z", "e": "E1"}))
    );
    // Of failures at the same time, the first branch's wins, as when no time passes.
    let def = json!({"StartAt": "Par", "States": {
        "Par": {"Type": "Parallel", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "EA"}}},
            {"StartAt": "B", "States": {"B": {"Type": "Fail", "Error": "EB"}}}
        ], "End": true}}});
    let x = run(def, json!({}));
    assert_eq!(x.error.as_deref(), Some("EA"));
    assert_eq!(
        kinds_of(&x),
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
}

#[test]
fn the_first_failed_iteration_in_time_fails_the_map_and_aborts_the_others() {
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "W", "States": {
            "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "F"},
            "F": {"Type": "Fail", "ErrorPath": "$.e", "Cause": "c"}}}, "End": true}}});
    let x = run(
        def,
        json!([{"s": 5, "e": "Late"}, {"s": 1, "e": "Early"}, {"s": 9, "e": "Later"}]),
    );
    assert_eq!(
        (x.status, x.error.as_deref(), x.cause.as_deref()),
        (Status::Failed, Some("Early"), Some("c"))
    );
    let got: Vec<(&str, &str, &Value)> = x
        .events
        .iter()
        .map(|e| {
            (
                &e.timestamp[11..19],
                e.kind.as_str(),
                e.details.get("index").unwrap_or(&Value::Null),
            )
        })
        .collect();
    let null = Value::Null;
    assert_eq!(
        got,
        [
            ("22:13:20", "ExecutionStarted", &null),
            ("22:13:20", "MapStateEntered", &null),
            ("22:13:20", "MapStateStarted", &null),
            ("22:13:20", "MapIterationStarted", &json!(0)),
            ("22:13:20", "WaitStateEntered", &null),
            ("22:13:20", "MapIterationStarted", &json!(1)),
            ("22:13:20", "WaitStateEntered", &null),
            ("22:13:20", "MapIterationStarted", &json!(2)),
            ("22:13:20", "WaitStateEntered", &null),
            ("22:13:21", "WaitStateExited", &null),
            ("22:13:21", "FailStateEntered", &null),
            ("22:13:21", "MapIterationFailed", &json!(1)),
            ("22:13:21", "MapIterationAborted", &json!(0)),
            ("22:13:21", "WaitStateAborted", &null),
            ("22:13:21", "MapIterationAborted", &json!(2)),
            ("22:13:21", "WaitStateAborted", &null),
            ("22:13:21", "MapStateFailed", &null),
            ("22:13:21", "ExecutionFailed", &null),
        ]
    );
}

#[test]
fn a_tolerant_map_fails_at_the_failure_past_its_threshold_in_time() {
    // One failure tolerated: the second in time (item 2's, at 2 s) fails the Map, and
    // item 0, which would fail at 5 s, is stopped then.
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ToleratedFailureCount": 1, "ItemProcessor": {"StartAt": "W", "States": {
            "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "F"},
            "F": {"Type": "Fail", "Error": "E"}}}, "Next": "T"},
        "T": {"Type": "Pass", "End": true}}});
    let x = run(def, json!([{"s": 5}, {"s": 1}, {"s": 2}]));
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert_eq!(
        x.events.last().unwrap().timestamp,
        "2023-11-14T22:13:22.000Z"
    );
    let failed: Vec<(&str, &Value)> = x
        .events
        .iter()
        .filter(|e| e.kind.starts_with("MapIteration") && e.kind != "MapIterationStarted")
        .map(|e| (e.kind.as_str(), &e.details["index"]))
        .collect();
    assert_eq!(
        failed,
        [
            ("MapIterationFailed", &json!(1)),
            ("MapIterationFailed", &json!(2)),
            ("MapIterationAborted", &json!(0)),
        ]
    );
}

/// The events of `x` never go back in time.
fn assert_in_time_order(x: &Execution) {
    assert!(
        x.events
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp),
        "{:?}",
        x.events
            .iter()
            .map(|e| (&e.timestamp, &e.kind))
            .collect::<Vec<_>>()
    );
}

/// The history limit reached inside Parallel branches leaves a history in the order of
/// time (the branches were recorded one after another), numbered 1..n.
#[test]
fn history_limit_inside_branches_keeps_the_order_of_time() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 10, "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 2, "Next": "B2"},
                                    "B2": {"Type": "Wait", "Seconds": 1, "End": true}}}]}}});
    let x = run_as(&def, MachineType::Standard, Some(7), true);
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.events.len(), 7);
    for (i, e) in x.events.iter().enumerate() {
        // The first state entered follows no event, as on AWS.
        let previous = if i == 1 { 0 } else { i as u64 };
        assert_eq!((e.id, e.previous_event_id), (i as u64 + 1, previous));
    }
    assert_in_time_order(&x);
    assert_eq!(x.events[6].kind, "ExecutionFailed");
    // Cut in the branch that runs second, at an earlier time than the first's last
    // event: the failure still comes last in time.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3, "End": true}}},
        {"StartAt": "P1", "States": {"P1": {"Type": "Pass", "Next": "P2"},
                                     "P2": {"Type": "Pass", "End": true}}}]}}});
    let x = run_as(&def, MachineType::Standard, Some(6), true);
    assert_eq!(x.status, Status::Failed);
    assert_in_time_order(&x);
}

/// A mocked call in a branch after the failure that stopped the Parallel never happened
/// on AWS: its response is still there for the retry.
#[test]
fn a_call_after_the_deciding_failure_keeps_its_mocked_response() {
    let lambda = "arn:aws:lambda:us-east-1:123456789012:function:f";
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 1}],
        "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 10, "Next": "T"},
                                        "T": {"Type": "Task", "Resource": lambda, "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 3, "Next": "U"},
                                        "U": {"Type": "Task", "Resource": lambda, "End": true}}}]}}});
    let mut mocks = Mocks::new();
    for (state, responses) in [
        (
            "T",
            r#"{"0": {"Return": "first"}, "1": {"Return": "second"}}"#,
        ),
        (
            "U",
            r#"{"0": {"Throw": {"Error": "E", "Cause": "c"}}, "1": {"Return": "ok"}}"#,
        ),
    ] {
        let mock = crate::simulate::mock::StateMock::parse(responses).unwrap();
        mocks.states.insert(state.into(), mock);
    }
    let x = run_with(def, json!({}), mocks);
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(x.output, Some(json!(["first", "ok"])));
}

/// A task token set with `--context` shows only where a token exists: in a Task that
/// waits for one, not in a Pass state.
#[test]
fn a_context_task_token_shows_only_in_a_callback_task() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": true}}});
    let opts = SimulationOptions {
        context: Some(json!({"Task": {"Token": "tok"}, "Execution": {"Name": "run-1"}})),
        ..SimulationOptions::default()
    };
    let x = simulate(&def.to_string(), &opts).unwrap();
    let c = &x.output.unwrap()["c"];
    assert_eq!(c.get("Task"), None);
    assert_eq!(c["Execution"]["Name"], json!("run-1"));
}

/// A Map whose iteration fails: `MapStateFailed` points to the event that failed the
/// iteration, past `MapIterationFailed` (AWS-recorded links).
#[test]
fn a_failed_iteration_links_the_map_failure_to_its_cause() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "End": true,
        "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}}}});
    let x = run(def, json!([1]));
    let got: Vec<(u64, u64, &str)> = x
        .events
        .iter()
        .map(|e| (e.id, e.previous_event_id, e.kind.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, 0, "ExecutionStarted"),
            (2, 0, "MapStateEntered"),
            (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"),
            (5, 4, "FailStateEntered"),
            (6, 5, "MapIterationFailed"),
            (7, 5, "MapStateFailed"),
            (8, 7, "ExecutionFailed"),
        ]
    );
}

/// AWS's Jackson reads the integer `-0` as the integer 0 (recorded:
/// `States.StringToJson("-0")` gives `0`): so does every JSON text the run reads, the
/// execution input and the numbers of intrinsic functions too. `-0.0` stays a double.
#[test]
fn the_integer_minus_zero_is_read_as_zero() {
    let read = |text: &str| parse_json(text).unwrap().to_string();
    assert_eq!(read("-0"), "0");
    assert_eq!(read(" -0 "), "0");
    assert_eq!(read("-0.0"), "-0.0");
    assert_eq!(
        read(r#"{"a":-0,"b":[-0,-0.0,-0e0,-0E1,1e-0,-10,"-0"],"c":"x\"-0\\","d":-0}"#),
        r#"{"a":0,"b":[0,-0.0,-0.0,-0.0,1.0,-10,"-0"],"c":"x\"-0\\","d":0}"#
    );
    // What does not parse is told where serde_json finds it.
    let e = parse_json("[-0, -01]").unwrap_err();
    assert_eq!(e.to_string(), "invalid number at line 1 column 8");
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {
        "int.$": "States.Format('{}', -0)",
        "float.$": "States.Format('{}', -0.0)",
        "text.$": "States.JsonToString($.d)",
        "parsed.$": "States.StringToJson('{\"a\": [-0, -0.0]}')",
        "sum.$": "States.MathAdd(-0, 0)"}, "End": true}}});
    let x = run(def, parse_json(r#"{"d": [-0, -0.0]}"#).unwrap());
    assert_eq!(
        x.output.unwrap().to_string(),
        r#"{"int":"0","float":"-0.0","text":"[0,-0.0]","parsed":{"a":[0,-0.0]},"sum":0}"#
    );
}

/// A run that the simulator itself ended, where AWS would not have, says so
/// (`stopped_by`; `stoppedBy` and `stopReason` in the JSON), whatever its status and
/// error look like; a run that ended as it would on AWS has neither.
#[test]
fn a_run_the_simulator_ended_says_so() {
    let run_opts = |def: &Value, opts: SimulationOptions| simulate_value(def, &opts).unwrap();
    let stop = |x: &Execution| {
        let j = x.to_json();
        (
            x.status,
            x.stopped_by,
            j.get("stoppedBy").cloned(),
            j.get("stopReason").cloned(),
        )
    };
    let ended = |status, reason: StopReason| {
        (
            status,
            Some(reason),
            Some(json!("asl-lint")),
            Some(json!(reason.as_str())),
        )
    };
    let not_ended = |status| (status, None, None, None);
    // A Task with no mock.
    let task = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}});
    let x = run(task, json!({}));
    assert_eq!(stop(&x), ended(Status::Failed, StopReason::Mock));
    assert_eq!(
        (
            x.to_json()["stopReason"].clone(),
            x.to_json()["error"].clone()
        ),
        (json!("mock"), json!("States.Runtime"))
    );
    // Map states whose iterations multiply, past the transitions in which no time passes.
    let maps = nested_maps(12, json!({"Type": "Pass", "End": true}), false);
    let opts = SimulationOptions {
        input: json!({"a": [1, 2]}),
        max_still_transitions: 1000,
        ..Default::default()
    };
    assert_eq!(
        stop(&run_opts(&maps, opts)),
        ended(Status::Failed, StopReason::TransitionLimit)
    );
    // A loop without an exit and no history limit: it times out (Express), or fails
    // before its history fills the memory.
    let endless = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "A"},
        "D": {"Type": "Succeed"}}});
    let x = run_opts(
        &endless,
        SimulationOptions {
            machine_type: MachineType::Express,
            history: false,
            ..Default::default()
        },
    );
    assert_eq!(stop(&x), ended(Status::TimedOut, StopReason::Loop));
    let x = run_opts(
        &endless,
        SimulationOptions {
            max_events: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(stop(&x), ended(Status::Failed, StopReason::Loop));
    // A history past the memory it may take.
    let x = run_opts(
        &waiting_loop(),
        SimulationOptions {
            input: json!({"x": 0, "pad": "y".repeat(1000)}),
            max_history_bytes: 1024 * 1024,
            ..Default::default()
        },
    );
    assert_eq!(stop(&x), ended(Status::Failed, StopReason::MemoryLimit));
    // A history-event limit of `--max-events`; AWS's own 25,000 of a Standard execution
    // ends the run as AWS does.
    let limited = |max_events, machine_type| {
        run_opts(
            &endless,
            SimulationOptions {
                max_events: Some(max_events),
                machine_type,
                ..Default::default()
            },
        )
    };
    assert_eq!(
        stop(&limited(50, MachineType::Standard)),
        ended(Status::Failed, StopReason::EventLimit)
    );
    assert_eq!(
        stop(&limited(25_000, MachineType::Express)),
        ended(Status::Failed, StopReason::EventLimit)
    );
    let x = limited(25_000, MachineType::Standard);
    assert_eq!(
        (stop(&x), x.error.as_deref()),
        (not_ended(Status::Failed), Some("States.Runtime"))
    );
    // The workflow's own failures and time-outs.
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    assert_eq!(stop(&run(fail, json!({}))), not_ended(Status::Failed));
    let missing = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}});
    assert_eq!(stop(&run(missing, json!({}))), not_ended(Status::Failed));
    let mut hour = waiting_loop();
    hour["TimeoutSeconds"] = json!(3600);
    let x = run_opts(
        &hour,
        SimulationOptions {
            input: json!({"x": 0}),
            max_events: Some(0),
            history: false,
            ..Default::default()
        },
    );
    assert_eq!(stop(&x), not_ended(Status::TimedOut));
    assert_eq!(x.deadline, Deadline::TimeoutSeconds);
    assert_eq!(
        trace::text_report(&x).lines().last(),
        Some("TIMED_OUT after 7202 transitions")
    );
}

/// A Standard execution that times out at AWS's year, not at a TimeoutSeconds, is told
/// so by the text trace.
#[test]
fn a_time_out_at_the_year_of_a_standard_execution_says_so() {
    let daily = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 86_400, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "W"},
        "D": {"Type": "Succeed"}}});
    let x = run(daily.clone(), json!({}));
    assert_eq!(
        (x.status, x.stopped_by, x.deadline),
        (Status::TimedOut, None, Deadline::StandardYear)
    );
    assert_eq!(
        trace::text_report(&x).lines().last(),
        Some(
            "TIMED_OUT after 731 transitions: a Standard execution runs at most one year (the definition sets no shorter TimeoutSeconds)"
        )
    );
    // A TimeoutSeconds of more than a year: the year comes first.
    let mut longer = daily.clone();
    longer["TimeoutSeconds"] = json!(99_999_999);
    assert_eq!(run(longer, json!({})).deadline, Deadline::StandardYear);
    // An Express execution's five minutes.
    let x = run_as(&daily, MachineType::Express, None, true);
    assert_eq!(
        (x.status, x.deadline, trace::text_report(&x).lines().last()),
        (
            Status::TimedOut,
            Deadline::ExpressFiveMinutes,
            Some("TIMED_OUT after 1 transition")
        )
    );
}

/// The integer `-0` written in a JSON definition is 0 too, as in the input.
#[test]
fn the_integer_minus_zero_of_the_definition_is_zero() {
    let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"x": -0, "y": -0.0, "z": [-0]}, "End": true}}}"#;
    let x = simulate(def, &SimulationOptions::default()).unwrap();
    assert_eq!(
        x.output.map(|o| o.to_string()).as_deref(),
        Some(r#"{"x":0,"y":-0.0,"z":[0]}"#)
    );
}

/// Each attempt of a callback task has a token of its own, as on AWS: an answer to the
/// failed attempt's token cannot complete the retry.
#[test]
fn a_retried_callback_gets_a_new_task_token() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}], "End": true}}});
    let x = run_with(def, json!({}), Mocks::new().throwing("T", "Custom", "c"));
    let tokens: Vec<String> = x
        .events
        .iter()
        .filter(|e| e.kind == "TaskScheduled")
        .map(|e| {
            let p: Value = serde_json::from_str(e.details["parameters"].as_str().unwrap()).unwrap();
            p["MessageBody"]["t"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        tokens,
        [
            "simulated-task-token-T-2",
            "simulated-task-token-T-2-retry1"
        ]
    );
}

/// A ResultWriter with only a `WriterConfig` previews the results: they are the Map's
/// result, flattened with `FLATTEN`, and nothing names an S3 object.
#[test]
fn a_writer_config_alone_previews_the_results() {
    let def = |transformation: &str| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.groups",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
            "ResultWriter": {"WriterConfig": {"Transformation": transformation, "OutputType": "JSON"}},
            "End": true}}})
    };
    let input = json!({"groups": [[1, 2], [3], [4, 5], "x"]});
    let x = run(def("FLATTEN"), input.clone());
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(x.output, Some(json!([1, 2, 3, 4, 5, "x"])));
    let x = run(def("COMPACT"), input);
    assert_eq!(x.output, Some(json!([[1, 2], [3], [4, 5], "x"])));
}

/// The JSON report keeps serde_json's indented layout, and writes values nested deeper
/// than its indented levels on one line: indenting each level made the report grow
/// with the square of the depth.
#[test]
fn the_json_report_indents_shallow_values_only() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": [1, {"b": null}]}, "End": true}}});
    let x = run(def, json!({"in": true}));
    assert_eq!(
        x.to_json_text(),
        serde_json::to_string_pretty(&x.to_json()).unwrap()
    );
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
        "Output": "{% $reduce([1..3000], function($a, $b) {[[$a]]}, 0) %}", "End": true}}});
    let x = run(def, json!({}));
    let text = x.to_json_text();
    assert!(text.len() < 40_000, "{} bytes", text.len());
    // The 24th level is the last one on a line of its own.
    let indent = " ".repeat(2 * 24);
    assert!(
        text.contains(&format!("\n{indent}[[[[")),
        "{}",
        &text[..2000]
    );
    assert!(!text.contains(&format!("\n{indent}  [")));
    // Read back whole (within serde_json's 128 levels).
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
        "Output": "{% $reduce([1..100], function($a, $b) {[[$a, {'k': $b}]]}, 0) %}", "End": true}}});
    let x = run(def, json!({}));
    let back: Value = serde_json::from_str(&x.to_json_text()).unwrap();
    assert_eq!(back, x.to_json());
}

/// A numbered mock answers the invocations it numbers, and no more: a retry, a loop or
/// a Map item past the last one ends the run as a missing mock does (Step Functions
/// Local fails the execution), naming the state, the call and the response entry.
#[test]
fn a_call_past_the_last_numbered_response_ends_the_run() {
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3, "IntervalSeconds": 1}],
        "End": true}}});
    let cfg = MockConfig::parse(r#"{"StateMachines": {"SM": {"TestCases": {"AllFail": {"Call": "Down"}}}},
        "MockedResponses": {"Down": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}}}}}"#)
        .unwrap();
    let x = run_with(
        def.clone(),
        json!({}),
        cfg.test_case("SM", "AllFail").unwrap(),
    );
    assert_eq!(
        (
            x.status,
            x.error.as_deref(),
            x.cause.as_deref(),
            x.mock_problem,
            x.stopped_by
        ),
        (
            Status::Failed,
            Some("States.Runtime"),
            Some(
                "An error occurred while executing the state 'Call' (entered at the event id #2). The mock of 'Call' has no response for invocation 1 (counted from 0 over the execution): its MockedResponses entry \"Down\" has responses for the invocations \"0\" only, and Step Functions Local fails an execution whose mocked state is called without a response defined for that call. Add one for \"1\" (or a range such as \"1-3\")."
            ),
            true,
            Some(StopReason::Mock)
        )
    );
    let failed = x.events.iter().filter(|e| e.kind == "TaskFailed").count();
    assert_eq!(failed, 1);
    // Given on the command line, the mock is named as such; a response for every
    // invocation has no end.
    let mut mocks = Mocks::new();
    mocks.states.insert(
        "Call".into(),
        StateMock::parse(r#"{"0-1": {"Throw": {"Error": "E"}}}"#).unwrap(),
    );
    let x = run_with(def.clone(), json!({}), mocks);
    assert_eq!(
        x.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Call' (entered at the event id #2). The mock of 'Call' has no response for invocation 2 (counted from 0 over the execution): its --mock has responses for the invocations \"0-1\" only, and Step Functions Local fails an execution whose mocked state is called without a response defined for that call. Add one for \"2\" (or a range such as \"2-4\")."
        )
    );
    let x = run_with(def, json!({}), Mocks::new().throwing("Call", "E", "c"));
    assert_eq!((x.error.as_deref(), x.mock_problem), (Some("E"), false));
    // Map items count on: the third item has no response.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
            "End": true}}},
        "End": true}}});
    let mut mocks = Mocks::new();
    mocks.states.insert(
        "Inner".into(),
        StateMock::parse(r#"{"0-1": {"Return": "mocked"}}"#).unwrap(),
    );
    let x = run_with(def, json!([1, 2, 3, 4, 5]), mocks);
    assert_eq!(
        (x.status, x.error.as_deref(), x.mock_problem),
        (Status::Failed, Some("States.Runtime"), true)
    );
    assert!(
        x.cause
            .as_deref()
            .unwrap()
            .contains("The mock of 'Inner' has no response for invocation 2 "),
        "{:?}",
        x.cause
    );
}

/// An activity task is recorded with Activity events that name the activity by its
/// ARN (the API's ActivityScheduledEventDetails and the others), not as a service
/// integration.
#[test]
fn an_activity_task_has_activity_events() {
    let arn = "arn:aws:states:us-east-1:123456789012:activity:act";
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": arn,
        "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
        "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Late"}], "End": true},
        "Late": {"Type": "Pass", "End": true}}});
    let mut mocks = Mocks::new();
    mocks.states.insert(
        "A".into(),
        StateMock::parse(
            r#"{"0": {"Throw": {"Error": "Boom", "Cause": "c"}}, "1": {"Return": {"done": true}}}"#,
        )
        .unwrap(),
    );
    let x = run_with(def.clone(), json!({"in": 1}), mocks);
    assert_eq!(x.output, Some(json!({"done": true})));
    let events: Vec<(&str, &Value)> = x
        .events
        .iter()
        .filter(|e| e.kind.starts_with("Activity") || e.kind.starts_with("Task"))
        .map(|e| (e.kind.as_str(), &e.details))
        .collect();
    let scheduled = json!({"resource": arn, "input": "{\"in\":1}",
        "inputDetails": {"truncated": false}, "timeoutInSeconds": 30, "heartbeatInSeconds": 10});
    assert_eq!(
        events,
        [
            ("TaskStateEntered", &x.events[1].details),
            ("ActivityScheduled", &scheduled),
            ("ActivityStarted", &Value::Null),
            ("ActivityFailed", &json!({"error": "Boom", "cause": "c"})),
            ("ActivityScheduled", &scheduled),
            ("ActivityStarted", &Value::Null),
            (
                "ActivitySucceeded",
                &json!({"output": "{\"done\":true}", "outputDetails": {"truncated": false}})
            ),
            ("TaskStateExited", &x.events[x.events.len() - 2].details),
        ]
    );
    let x = run_with(
        def,
        json!({}),
        Mocks::new().throwing("A", "States.Timeout", ""),
    );
    let timed_out: Vec<(&str, &Value)> = x
        .events
        .iter()
        .filter(|e| e.kind.ends_with("TimedOut"))
        .map(|e| (e.kind.as_str(), &e.details))
        .collect();
    assert_eq!(
        timed_out,
        [("ActivityTimedOut", &json!({"error": "States.Timeout"}))]
    );
}

/// Choice rules nested as deep as a definition can be read (here 200 `Not`s) run, as
/// `check` accepts them.
#[test]
fn deeply_nested_choice_rules_run() {
    let mut rule = json!({"Variable": "$.n", "NumericEquals": 1});
    for _ in 0..200 {
        rule = json!({"Not": rule});
    }
    rule["Next"] = json!("Yes");
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [rule], "Default": "No"},
        "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail", "Error": "No"}}});
    // 200 negations leave the test as it is: n = 1 matches.
    let e = run(def, json!({"n": 1}));
    assert_eq!(e.status, Status::Succeeded);
}
