//! Runs the JSONata reference test suite (../shared/jsonata-suite) against our parser and
//! evaluator. Skips with a message when the suite is not present.
//!
//! (a) syntax: cases expecting an S0xxx error must fail to parse; all others must parse.
//! (b) evaluation: cases that only use functions AWS Step Functions supports (no `$eval`)
//!     are evaluated; the pass rate is printed and held above a floor.

use asl_lint::expr::jsonata::{self, EvalOptions};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

struct Case {
    name: String,
    expr: String,
    data: Option<Value>,
    bindings: serde_json::Map<String, Value>,
    expected: Expected,
    unordered: bool,
    depth: Option<usize>,
}

#[derive(Debug)]
enum Expected {
    Value(Value),
    Undefined,
    Code(String),
}

fn suite_dir() -> Option<PathBuf> {
    // ../shared beside the checkout (CI), or two levels up from a worktree.
    ["../shared", "../../shared"]
        .iter()
        .map(|s| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(s)
                .join("jsonata-suite/test/test-suite")
        })
        .find(|d| d.is_dir())
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let mut datasets: HashMap<String, Value> = HashMap::new();
    for entry in std::fs::read_dir(dir.join("datasets")).expect("datasets dir") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "json") {
            let name = p.file_stem().expect("stem").to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).expect("read dataset");
            datasets.insert(name, serde_json::from_str(&text).expect("dataset json"));
        }
    }
    let mut files = Vec::new();
    for g in std::fs::read_dir(dir.join("groups")).expect("groups dir") {
        let g = g.expect("group").path();
        for f in std::fs::read_dir(&g).expect("group dir") {
            let f = f.expect("file").path();
            if f.extension().is_some_and(|e| e == "json") {
                files.push(f);
            }
        }
    }
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read case");
        // serde_json rejects lone surrogates (`"\ud800"`), which two cases use.
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            println!("  (not JSON for serde_json, skipped: {})", f.display());
            continue;
        };
        let list = match v {
            Value::Array(a) => a,
            other => vec![other],
        };
        let base = format!(
            "{}/{}",
            f.parent()
                .and_then(|p| p.file_name())
                .expect("group")
                .to_string_lossy(),
            f.file_stem().expect("stem").to_string_lossy()
        );
        for (i, c) in list.into_iter().enumerate() {
            let expr = match (c.get("expr"), c.get("expr-file")) {
                (Some(Value::String(e)), _) => e.clone(),
                (_, Some(Value::String(file))) => {
                    std::fs::read_to_string(f.parent().expect("dir").join(file)).expect("expr file")
                }
                _ => continue,
            };
            let data = match c.get("data") {
                Some(d) => Some(d.clone()),
                None => match c.get("dataset") {
                    Some(Value::String(name)) => datasets.get(name).cloned(),
                    _ => None,
                },
            };
            let code = c.get("code").and_then(Value::as_str).or_else(|| {
                c.get("error")
                    .and_then(|e| e.get("code"))
                    .and_then(Value::as_str)
            });
            let expected = if let Some(code) = code {
                Expected::Code(code.to_string())
            } else if let Some(r) = c.get("result") {
                Expected::Value(r.clone())
            } else if c.get("undefinedResult").is_some() {
                Expected::Undefined
            } else {
                continue;
            };
            cases.push(Case {
                name: format!("{base}[{i}]"),
                expr,
                data,
                bindings: c
                    .get("bindings")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                expected,
                unordered: c.get("unordered").and_then(Value::as_bool).unwrap_or(false),
                depth: c.get("depth").and_then(Value::as_u64).map(|d| d as usize),
            });
        }
    }
    cases
}

fn same(a: &Value, b: &Value, unordered: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || ((x - y).abs() <= 1e-12 * x.abs().max(y.abs()))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if unordered {
                let mut used = vec![false; y.len()];
                x.iter().all(|xi| {
                    if let Some(j) = (0..y.len()).find(|&j| !used[j] && same(xi, &y[j], false)) {
                        used[j] = true;
                        true
                    } else {
                        false
                    }
                })
            } else {
                x.iter().zip(y).all(|(a, b)| same(a, b, false))
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, false)))
        }
        _ => a == b,
    }
}

/// Cases that need a function AWS Step Functions does not provide.
fn aws_supported(expr: &str) -> bool {
    !expr.contains("$eval")
}

#[test]
fn jsonata_reference_suite() {
    let Some(dir) = suite_dir() else {
        println!("SKIP: JSONata suite not found at ../shared/jsonata-suite");
        return;
    };
    let cases = load_cases(&dir);
    assert!(
        cases.len() > 1000,
        "expected the full suite, found {} cases",
        cases.len()
    );

    // (a) syntax
    let mut syntax_failures = Vec::new();
    for c in &cases {
        let expects_parse_error =
            matches!(&c.expected, Expected::Code(code) if code.starts_with('S'));
        let parsed = jsonata::parse(&c.expr);
        match (expects_parse_error, &parsed) {
            (true, Ok(_)) => syntax_failures.push(format!(
                "{}: parsed but expected {:?}: {}",
                c.name, c.expected, c.expr
            )),
            (false, Err(e)) => {
                syntax_failures.push(format!("{}: {} {}: {}", c.name, e.code, e.message, c.expr))
            }
            _ => {}
        }
    }
    println!(
        "syntax: {} cases, {} failures",
        cases.len(),
        syntax_failures.len()
    );
    for f in &syntax_failures {
        println!("  SYNTAX {f}");
    }

    // (b) evaluation
    let mut run = 0usize;
    let mut passed = 0usize;
    let mut failures = Vec::new();
    for c in cases.iter().filter(|c| aws_supported(&c.expr)) {
        run += 1;
        let opts = EvalOptions {
            max_depth: c.depth.unwrap_or(0),
            ..EvalOptions::default()
        };
        let got = jsonata::evaluate_str(&c.expr, c.data.as_ref(), &c.bindings, &opts);
        let ok = match (&c.expected, &got) {
            (Expected::Value(v), Ok(Some(g))) => same(g, v, c.unordered),
            (Expected::Undefined, Ok(None)) => true,
            (Expected::Code(code), Err(e)) => e.code == code,
            _ => false,
        };
        if ok {
            passed += 1;
        } else {
            let got = match &got {
                Ok(Some(v)) => v.to_string().chars().take(200).collect::<String>(),
                Ok(None) => "undefined".into(),
                Err(e) => format!("error {} {}", e.code, e.message),
            };
            let want = match &c.expected {
                Expected::Value(v) => v.to_string().chars().take(200).collect::<String>(),
                other => format!("{other:?}"),
            };
            failures.push(format!(
                "{}: {}\n      want {}\n      got  {}",
                c.name,
                c.expr.replace('\n', " "),
                want,
                got
            ));
        }
    }
    for f in &failures {
        println!("  EVAL {f}");
    }
    let rate = passed as f64 * 100.0 / run as f64;
    println!("evaluation: {passed}/{run} AWS-supported cases pass ({rate:.2}%)");
    assert!(
        syntax_failures.is_empty(),
        "{} syntax failures",
        syntax_failures.len()
    );
    assert!(
        passed >= FLOOR,
        "evaluation pass count {passed} fell below the floor {FLOOR}"
    );
}

/// Cases known to pass; raise when the evaluator improves.
const FLOOR: usize = 1671;
