//! Every path and intrinsic call in the real-world definitions that asl-validator accepts
//! must parse and validate (no false positives), and evaluation must never panic.
//!
//! Reads ../shared/corpus/extracted beside the checkout; skips when it is absent.

use std::path::Path;

use asl_lint::expr::jsonpath::{self, PathContext};
use asl_lint::expr::{DollarValue, parse_dollar_value};
use serde_json::{Map, Value, json};

fn extracted() -> Option<std::path::PathBuf> {
    [
        "../shared/corpus/extracted",
        "../../shared/corpus/extracted",
    ]
    .iter()
    .map(|rel| Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
    .find(|dir| dir.is_dir())
}

/// Which kind of expression a field holds, in a JSONPath state.
fn field_context(key: &str) -> Option<PathContext> {
    match key {
        "InputPath" | "OutputPath" => Some(PathContext::Path),
        "ResultPath" => Some(PathContext::ResultPath),
        "ErrorPath" | "CausePath" => None, // path or intrinsic, handled as a `.$` value
        k if k.ends_with("Path") => Some(PathContext::ReferencePath),
        "Variable" => Some(PathContext::ReferencePath),
        _ => None,
    }
}

/// Collect (location, text, kind) for every expression; `None` kind = a `.$` value.
fn collect(
    v: &Value,
    loc: &str,
    jsonata: bool,
    out: &mut Vec<(String, String, Option<PathContext>)>,
) {
    match v {
        Value::Object(map) => {
            let jsonata = match map.get("QueryLanguage").and_then(Value::as_str) {
                Some("JSONata") => true,
                Some("JSONPath") => false,
                _ => jsonata,
            };
            for (k, child) in map {
                let here = format!("{loc}/{k}");
                if k == "Result" {
                    continue; // static JSON, never evaluated
                }
                if let Value::String(s) = child
                    && !jsonata
                    && !s.contains("${")
                {
                    if k.ends_with(".$") || k == "ErrorPath" || k == "CausePath" {
                        out.push((here.clone(), s.clone(), None));
                        continue;
                    }
                    if let Some(ctx) = field_context(k)
                        && s.starts_with('$')
                    {
                        out.push((here.clone(), s.clone(), Some(ctx)));
                        continue;
                    }
                }
                collect(child, &here, jsonata, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{loc}/{i}"), jsonata, out);
            }
        }
        _ => {}
    }
}

/// Sources whose definitions are invalid on purpose (test fixtures of other projects);
/// asl-validator accepts them only because it does not check these rules.
const INVALID_BY_DESIGN: &[&str] = &[
    "escape_sequences_illegal_intrinsic_function",
    "intrinsic-functions__format__bad-parameter",
    "intrinsic-functions__format__no-format-string",
    "intrinsic-functions__format__not-enough-params",
    "intrinsic-functions__format__too-many-params",
];

#[test]
fn corpus_expressions_are_accepted() {
    let Some(dir) = extracted() else {
        println!("SKIP: ../shared/corpus/extracted not found");
        return;
    };
    let verdicts: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("peer_verdicts.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    let mut all = Vec::new();
    let mut failures = Vec::new();
    let input = json!({"a": [1, {"b": 2}], "s": "x"});
    let ctx = json!({"Execution": {"Id": "id"}});
    let vars = Map::new();
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap_or_default();
    let source_of = |name: &str| -> String {
        index
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split('\t').nth(1))
            .unwrap_or_default()
            .to_string()
    };
    let mut names: Vec<_> = verdicts.as_object().unwrap().keys().cloned().collect();
    names.sort();
    for name in names {
        let Ok(text) = std::fs::read_to_string(dir.join(&name)) else {
            continue;
        };
        let Ok(def) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let source = source_of(&name);
        let valid = verdicts[&name]["asl_validator"] == "valid"
            && !INVALID_BY_DESIGN.iter().any(|s| source.contains(s));
        let jsonata = def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
        let mut exprs = Vec::new();
        collect(&def, "", jsonata, &mut exprs);
        all.extend(exprs.iter().cloned());
        for (loc, s, kind) in exprs {
            checked += 1;
            let errors = match kind {
                Some(ctx) => jsonpath::check(&s, ctx),
                None => match parse_dollar_value(&s) {
                    Ok(DollarValue::Intrinsic(_)) => vec![],
                    Ok(DollarValue::Path(p)) => {
                        let _ = jsonpath::evaluate(&p, &input, &ctx, &vars);
                        vec![]
                    }
                    Err(errors) => errors,
                },
            };
            if valid && !errors.is_empty() {
                failures.push(format!("{name}{loc}: {s:?}: {:?}", errors));
            }
        }
    }
    // Throughput of parse + validate over everything collected (printed, not asserted).
    let start = std::time::Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        for (_, s, kind) in &all {
            match kind {
                Some(ctx) => drop(jsonpath::check(s, *ctx)),
                None => drop(parse_dollar_value(s)),
            }
        }
    }
    let per = start.elapsed().as_nanos() / (rounds * all.len().max(1)) as u128;
    println!("checked {checked} expressions; parse+validate {per} ns each");
    assert!(checked > 500, "too few expressions: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
