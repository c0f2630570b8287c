//! Replays the AWS-recorded executions of ../shared/conformance through the simulator
//! and compares status, output (SUCCEEDED) and error (FAILED) as the suite's README says.
//! Skipped with a message when ../shared is absent.

use std::path::{Path, PathBuf};

use asl_lint::simulate::{
    MachineType, MockConfig, SimulationOptions, Status, parse_rfc3339, simulate,
};
use serde_json::Value;

/// The pass count reached; the test fails if a change makes it drop.
const FLOOR: usize = 907;
/// Recorded event-type sequences reproduced exactly (histories recorded in order).
const EVENTS_FLOOR: usize = 508;
/// Error causes reproduced (placeholders read as any text).
const CAUSES_FLOOR: usize = 97;

/// `../shared/conformance` beside the checkout (or beside an ancestor, for worktrees).
fn suite_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared/conformance"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| root.join("../shared/conformance"))
}

/// Does `actual` match `expected`, where each placeholder token stands for any text?
fn str_matches(expected: &str, actual: &str, placeholders: &[String]) -> bool {
    if expected == actual {
        return true;
    }
    let tokens: Vec<&String> = placeholders
        .iter()
        .filter(|p| expected.contains(p.as_str()))
        .collect();
    if tokens.is_empty() {
        return false;
    }
    // Split the expected string into literal pieces around the tokens.
    let mut pieces: Vec<String> = vec![expected.to_string()];
    for t in &tokens {
        pieces = pieces
            .iter()
            .flat_map(|p| p.split(t.as_str()).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let first = &pieces[0];
    let last = &pieces[pieces.len() - 1];
    if !actual.starts_with(first.as_str()) {
        return false;
    }
    let mut pos = first.len();
    for mid in &pieces[1..pieces.len() - 1] {
        match actual[pos..].find(mid.as_str()) {
            Some(i) => pos += i + mid.len(),
            None => return false,
        }
    }
    pieces.len() > 1 && actual.len() >= pos + last.len() && actual.ends_with(last.as_str())
}

fn value_matches(expected: &Value, actual: &Value, placeholders: &[String]) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if placeholders.iter().any(|p| p == e) => true,
        (Value::String(e), Value::String(a)) => str_matches(e, a, placeholders),
        (Value::Number(e), Value::Number(a)) => e == a || e.as_f64() == a.as_f64(),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len()
                && e.iter()
                    .zip(a)
                    .all(|(x, y)| value_matches(x, y, placeholders))
        }
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|w| value_matches(v, w, placeholders)))
        }
        _ => expected == actual,
    }
}

/// Secondary checks that the suite does not require: the recorded event types (for
/// histories recorded in order) and the error cause.
#[derive(Default)]
struct Extra {
    events_checked: bool,
    events_ok: bool,
    cause_checked: bool,
    cause_ok: bool,
}

/// Runs one case; `Err` says why it does not reproduce.
fn run_case(dir: &Path, extra: &mut Extra) -> Result<(), String> {
    let read =
        |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let expected: Value =
        serde_json::from_str(&read("expected.json")?).map_err(|e| e.to_string())?;
    let definition = read("definition.json")?;
    let input: Value = serde_json::from_str(&read("input.json")?).map_err(|e| e.to_string())?;
    let placeholders: Vec<String> = expected["placeholders"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut opts = SimulationOptions {
        input,
        account: "111111111111".into(),
        region: "us-east-1".into(),
        history: true,
        start_time_ms: Some(1_735_689_600_000),
        ..SimulationOptions::default()
    };
    if let Some(clock) = expected["clock"].as_str() {
        opts.start_time_ms = parse_rfc3339(clock).map(|ns| (ns / 1_000_000) as i64);
    }
    if expected["state_machine_type"] == "EXPRESS" {
        opts.machine_type = MachineType::Express;
    }
    if let Some(m) = expected["mock"].as_object() {
        let file = m["file"].as_str().unwrap_or("mock-config.json");
        let cfg = MockConfig::parse(&read(file)?)?;
        opts.mocks = cfg.test_case(
            m["state_machine"].as_str().unwrap_or_default(),
            m["test_case"].as_str().unwrap_or_default(),
        )?;
    }
    let run = simulate(&definition, &opts).map_err(|e| e.to_string().replace('\n', " "))?;
    if expected["events_order"] == "recorded"
        && let Some(want) = expected["events"].as_array()
    {
        extra.events_checked = true;
        let got: Vec<&str> = run.events.iter().map(|e| e.kind.as_str()).collect();
        extra.events_ok = want
            .iter()
            .map(|v| v.as_str().unwrap_or_default())
            .eq(got.iter().copied());
        if !extra.events_ok && std::env::var_os("SIM_SHOW_EVENT_MISSES").is_some() {
            let want: Vec<&str> = want
                .iter()
                .map(|v| v.as_str().unwrap_or_default())
                .collect();
            let at = want
                .iter()
                .zip(&got)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(got.len()));
            let lo = at.saturating_sub(2);
            println!(
                "EVENTDIFF {} at {at}: want {:?} got {:?}",
                dir.display(),
                &want[lo..want.len().min(at + 3)],
                &got[lo..got.len().min(at + 3)]
            );
        }
    }
    if let Some(want) = expected["cause"].as_str() {
        extra.cause_checked = true;
        extra.cause_ok = run
            .cause
            .as_deref()
            .is_some_and(|c| str_matches(want, c, &placeholders));
        if !extra.cause_ok && std::env::var_os("SIM_SHOW_EVENT_MISSES").is_some() {
            println!(
                "CAUSEDIFF {}\n  want {want}\n  got  {:?}",
                dir.display(),
                run.cause
            );
        }
    }
    let want_status = expected["status"].as_str().unwrap_or_default();
    if run.status.as_str() != want_status {
        return Err(format!(
            "status {} (error {:?}, cause {:?}), expected {want_status}",
            run.status.as_str(),
            run.error,
            run.cause
        ));
    }
    match run.status {
        Status::Succeeded => {
            let got = run.output.unwrap_or(Value::Null);
            if !value_matches(&expected["output"], &got, &placeholders) {
                return Err(format!("output {got}, expected {}", expected["output"]));
            }
        }
        Status::Failed => {
            let want = &expected["error"];
            let got = run.error.map_or(Value::Null, Value::String);
            if !value_matches(want, &got, &placeholders) {
                return Err(format!(
                    "error {got} (cause {:?}), expected {want}",
                    run.cause
                ));
            }
        }
        Status::TimedOut => {}
    }
    Ok(())
}

#[test]
fn conformance_suite() {
    let dir = suite_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("SKIPPED: {} is absent", dir.display());
        return;
    };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").exists())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    let (mut ev_checked, mut ev_ok, mut cause_checked, mut cause_ok) = (0, 0, 0, 0);
    let mut event_misses = Vec::new();
    for case in &cases {
        let id = case.file_name().unwrap().to_string_lossy().to_string();
        let mut extra = Extra::default();
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(case, &mut extra)))
                .unwrap_or_else(|_| Err("panicked".into()));
        ev_checked += usize::from(extra.events_checked);
        ev_ok += usize::from(extra.events_ok);
        cause_checked += usize::from(extra.cause_checked);
        cause_ok += usize::from(extra.cause_ok);
        if extra.events_checked && !extra.events_ok {
            event_misses.push(id.clone());
        }
        if let Err(why) = r {
            failures.push((id, why));
        }
    }
    println!(
        "event sequences reproduced: {ev_ok}/{ev_checked}; causes reproduced: {cause_ok}/{cause_checked}"
    );
    if std::env::var_os("SIM_SHOW_EVENT_MISSES").is_some() {
        for id in &event_misses {
            println!("EVENTS {id}");
        }
    }
    let passed = cases.len() - failures.len();
    for (id, why) in &failures {
        let why: String = why.chars().take(400).collect();
        println!("FAIL {id}: {why}");
    }
    println!(
        "conformance: {passed}/{} passed ({:.1}%)",
        cases.len(),
        100.0 * passed as f64 / cases.len().max(1) as f64
    );
    assert!(
        passed >= FLOOR,
        "conformance dropped below the floor: {passed} < {FLOOR}"
    );
    assert!(
        ev_ok >= EVENTS_FLOOR,
        "event sequences dropped: {ev_ok} < {EVENTS_FLOOR}"
    );
    assert!(
        cause_ok >= CAUSES_FLOOR,
        "causes dropped: {cause_ok} < {CAUSES_FLOOR}"
    );
}

/// The rules that report definitions AWS deploys but that fail when the faulty part
/// runs (`RUN_TIME_ERRORS`) must only ever fire on recorded executions that failed: a
/// report on one that succeeded is a false alarm. ASL610 (a JSONata field of the
/// wrong type) has recorded failures to find.
#[test]
fn run_time_errors_only_on_recorded_failures() {
    let dir = suite_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("SKIPPED: {} is absent", dir.display());
        return;
    };
    let options = asl_lint::lint::LintOptions {
        select: asl_lint::rules::RUN_TIME_ERRORS
            .iter()
            .map(|c| c.to_string())
            .collect(),
        ..Default::default()
    };
    let mut reported = Vec::new();
    for case in entries.filter_map(Result::ok).map(|e| e.path()) {
        let (Ok(definition), Ok(expected)) = (
            std::fs::read_to_string(case.join("definition.json")),
            std::fs::read_to_string(case.join("expected.json")),
        ) else {
            continue;
        };
        let found =
            asl_lint::lint::lint_text(&definition, asl_lint::syntax::SourceKind::Json, &options);
        if found.is_empty() {
            continue;
        }
        let expected: Value = serde_json::from_str(&expected).unwrap();
        assert_eq!(
            expected["status"],
            "FAILED",
            "{}: {found:#?}",
            case.display()
        );
        reported.extend(found.iter().map(|d| d.code));
    }
    let asl610 = reported.iter().filter(|c| **c == "ASL610").count();
    assert!(
        asl610 >= 4,
        "ASL610 found {asl610} recorded failures: {reported:?}"
    );
}

#[test]
fn placeholder_matching() {
    let ph = vec!["<uuid:1>".to_string(), "date".to_string()];
    assert!(str_matches(
        "id <uuid:1> at date",
        "id 1234-5 at 2024-01-01",
        &ph
    ));
    assert!(!str_matches(
        "id <uuid:1> at date",
        "ix 1234-5 at 2024",
        &ph
    ));
    assert!(!str_matches("abc", "abd", &ph));
    assert!(value_matches(
        &serde_json::json!({"a": "<uuid:1>"}),
        &serde_json::json!({"a": [1]}),
        &ph
    ));
    assert!(value_matches(
        &serde_json::json!(1.0),
        &serde_json::json!(1),
        &ph
    ));
}
