//! Replays the AWS-recorded conformance cases that only use JSONPath `Pass` states
//! through the `expr` evaluators (InputPath, Parameters, Result, ResultPath, OutputPath),
//! and checks the execution output or error against what AWS recorded.
//!
//! Reads ../shared/conformance beside the checkout; skips when it is absent.

use std::path::Path;

use asl_lint::expr::{EvalError, Scope, SplitMix64, jsonpath, template};
use serde_json::{Map, Value, json};

fn shared() -> Option<std::path::PathBuf> {
    // Beside the checkout (CI), or two levels up for a git worktree under wt/.
    ["../shared/conformance", "../../shared/conformance"]
        .iter()
        .map(|rel| Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .find(|dir| dir.is_dir())
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const PASS_FIELDS: &[&str] = &[
    "Type",
    "Parameters",
    "InputPath",
    "ResultPath",
    "OutputPath",
    "Result",
    "End",
    "Next",
    "Comment",
];

/// Only machines made of JSONPath Pass states qualify.
fn pass_only(def: &Value) -> bool {
    if def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata") {
        return false;
    }
    def["States"].as_object().is_some_and(|states| {
        states.values().all(|s| {
            s["Type"] == "Pass"
                && s.get("QueryLanguage").is_none_or(|q| q == "JSONPath")
                && s.as_object()
                    .unwrap()
                    .keys()
                    .all(|k| PASS_FIELDS.contains(&k.as_str()))
        })
    })
}

fn apply_path(field: Option<&Value>, value: &Value, ctx: &Value) -> Result<Value, EvalError> {
    match field {
        None => Ok(value.clone()),
        Some(Value::Null) => Ok(json!({})),
        Some(Value::String(p)) => {
            let path = jsonpath::parse(p).expect("valid path");
            jsonpath::evaluate(&path, value, ctx, &Map::new())
        }
        Some(other) => panic!("bad path field {other}"),
    }
}

fn run(def: &Value, input: &Value) -> Result<Value, (String, EvalError)> {
    let ctx = json!({
        "Execution": {"Input": input.clone(), "Name": "exec", "Id": "arn:exec"},
        "StateMachine": {"Name": "sm", "Id": "arn:sm"},
    });
    let vars = Map::new();
    let mut name = def["StartAt"].as_str().unwrap().to_string();
    let mut data = input.clone();
    loop {
        let state = &def["States"][&name];
        let fail = |e| (name.clone(), e);
        let effective = apply_path(state.get("InputPath"), &data, &ctx).map_err(fail)?;
        let effective = match state.get("Parameters") {
            Some(t) => {
                let scope = Scope::new(&effective, &ctx, &vars);
                template::evaluate(t, &scope, &mut SplitMix64::new(0)).map_err(fail)?
            }
            None => effective,
        };
        let result = state.get("Result").cloned().unwrap_or(effective);
        let after_result = match state.get("ResultPath") {
            None => result,
            Some(Value::Null) => data.clone(),
            Some(Value::String(p)) => {
                let path = jsonpath::parse(p).expect("valid ResultPath");
                let mut target = data.clone();
                jsonpath::set(&path, &mut target, result).map_err(fail)?;
                target
            }
            Some(other) => panic!("bad ResultPath {other}"),
        };
        data = apply_path(state.get("OutputPath"), &after_result, &ctx).map_err(fail)?;
        if state.get("End") == Some(&Value::Bool(true)) {
            return Ok(data);
        }
        name = state["Next"].as_str().unwrap().to_string();
    }
}

#[test]
fn pass_only_conformance_cases() {
    let Some(dir) = shared() else {
        println!("SKIP: ../shared/conformance not found");
        return;
    };
    let mut ran = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for case in entries {
        let def = read(&case.join("definition.json"));
        if !pass_only(&def) {
            continue;
        }
        let expected = read(&case.join("expected.json"));
        // Placeholders stand for values (ARNs, random numbers, UUIDs) we cannot reproduce.
        if expected["placeholders"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
            || expected["error"] == "States.DataLimitExceeded"
        {
            continue;
        }
        let input = read(&case.join("input.json"));
        let id = case.file_name().unwrap().to_string_lossy().to_string();
        ran += 1;
        match (run(&def, &input), expected["status"].as_str()) {
            (Ok(out), Some("SUCCEEDED")) => {
                if out != expected["output"] {
                    failures.push(format!("{id}: output {out} != {}", expected["output"]));
                }
            }
            (Err((state, e)), Some("FAILED")) => {
                let cause = expected["cause"].as_str().unwrap_or_default();
                let prefix_end = cause.find("). ").map_or(0, |i| i + 3);
                if e.error != expected["error"] || e.cause != cause[prefix_end..] {
                    failures.push(format!(
                        "{id} ({state}): got {}: {} / expected {}: {}",
                        e.error, e.cause, expected["error"], cause
                    ));
                }
            }
            (got, status) => failures.push(format!("{id}: got {got:?}, expected {status:?}")),
        }
    }
    println!("ran {ran} pass-only conformance cases");
    assert!(ran >= 50, "too few cases ran: {ran}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
