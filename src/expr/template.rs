//! Payload templates: the JSON objects of `Parameters`, `ResultSelector`, `ItemSelector`
//! and JSONPath `Assign`, whose keys ending in `.$` hold a path or an intrinsic call.
//!
//! [`evaluate`] walks the template (through objects and arrays), evaluates every `.$`
//! value against the [`Scope`], drops the `.$` suffix from the key, and copies every other
//! value literally (even when it looks like a path).

use serde_json::{Map, Value};

use super::{
    DollarKind, Entropy, EvalError, EvalErrorKind, Scope, classify_dollar_value, compact_json,
    intrinsic, jsonpath,
};

/// Templates nested deeper than this are rejected instead of risking the stack.
pub const MAX_TEMPLATE_DEPTH: usize = 256;

/// Evaluate a payload template.
pub fn evaluate(
    template: &Value,
    scope: &Scope<'_>,
    entropy: &mut dyn Entropy,
) -> Result<Value, EvalError> {
    eval_value(template, scope, entropy, 0)
}

/// Evaluate one `.$` value (a path or an intrinsic call) for the field `field` (the key
/// with its `.$`, used in error causes). Also serves Fail's `ErrorPath`/`CausePath`.
pub fn evaluate_dollar_value(
    text: &str,
    field: &str,
    scope: &Scope<'_>,
    entropy: &mut dyn Entropy,
) -> Result<Value, EvalError> {
    match classify_dollar_value(text) {
        DollarKind::Path => {
            let path = jsonpath::parse(text).map_err(|e| {
                EvalError::runtime(
                    EvalErrorKind::Syntax,
                    format!(
                        "The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call: {}",
                        e.message
                    ),
                )
            })?;
            jsonpath::evaluate(&path, scope.input, scope.context, scope.variables).map_err(|e| {
                if e.kind == EvalErrorKind::PathNotFound {
                    EvalError::runtime(
                        EvalErrorKind::PathNotFound,
                        format!(
                            "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
                            compact_json(scope.input)
                        ),
                    )
                } else {
                    e
                }
            })
        }
        DollarKind::Intrinsic => {
            let call = intrinsic::parse(text).map_err(|e| {
                EvalError::runtime(
                    EvalErrorKind::Syntax,
                    format!(
                        "The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call: {}",
                        e.message
                    ),
                )
            })?;
            intrinsic::evaluate(&call, scope, entropy)
        }
    }
}

fn too_deep() -> EvalError {
    EvalError::runtime(
        EvalErrorKind::Limit,
        format!("The payload template is nested more than {MAX_TEMPLATE_DEPTH} levels deep"),
    )
}

fn eval_value(
    v: &Value,
    scope: &Scope<'_>,
    entropy: &mut dyn Entropy,
    depth: usize,
) -> Result<Value, EvalError> {
    if depth > MAX_TEMPLATE_DEPTH {
        return Err(too_deep());
    }
    match v {
        Value::Object(map) => eval_object(map, scope, entropy, depth),
        Value::Array(items) => items
            .iter()
            .map(|item| eval_value(item, scope, entropy, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn eval_object(
    map: &Map<String, Value>,
    scope: &Scope<'_>,
    entropy: &mut dyn Entropy,
    depth: usize,
) -> Result<Value, EvalError> {
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        let (name, evaluated) = match key.strip_suffix(".$") {
            Some(name) => {
                let Value::String(text) = value else {
                    return Err(EvalError::runtime(
                        EvalErrorKind::Type,
                        format!(
                            "The value for the field '{key}' must be a STRING that contains a JSONPath or an intrinsic function call, but was: {}",
                            compact_json(value)
                        ),
                    ));
                };
                (name, evaluate_dollar_value(text, key, scope, entropy)?)
            }
            None => (key.as_str(), eval_value(value, scope, entropy, depth + 1)?),
        };
        if out.contains_key(name) {
            return Err(EvalError::runtime(
                EvalErrorKind::InvalidArgument,
                format!(
                    "The field '{name}' appears twice in the payload template (once with `.$`)"
                ),
            ));
        }
        out.insert(name.to_string(), evaluated);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::SplitMix64;
    use serde_json::json;

    fn run(template: Value, input: Value) -> Result<Value, EvalError> {
        let ctx = json!({"Execution": {"Name": "exec-1", "Input": input.clone()}, "Map": {"Item": {"Index": 2}}});
        let mut vars = Map::new();
        vars.insert("greeting".into(), json!("hi"));
        vars.insert("cfg".into(), json!({"n": 3}));
        let scope = Scope::new(&input, &ctx, &vars);
        evaluate(&template, &scope, &mut SplitMix64::new(1))
    }

    #[test]
    fn evaluates_paths_intrinsics_and_literals() {
        let out = run(
            json!({
                "static": "$.not-evaluated",
                "a.$": "$.a",
                "ctx.$": "$$.Execution.Name",
                "idx.$": "$$.Map.Item.Index",
                "var.$": "$greeting",
                "n.$": "$cfg.n",
                "msg.$": "States.Format('{} {}!', $greeting, $.who)",
                "nested": {"deep.$": "$.list[1]", "arr": [{"x.$": "$.a"}, 1, "s"]},
                "num": 5
            }),
            json!({"a": 1, "who": "bob", "list": [10, 20]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({
                "static": "$.not-evaluated",
                "a": 1,
                "ctx": "exec-1",
                "idx": 2,
                "var": "hi",
                "n": 3,
                "msg": "hi bob!",
                "nested": {"deep": 20, "arr": [{"x": 1}, 1, "s"]},
                "num": 5
            })
        );
    }

    #[test]
    fn missing_path_gives_aws_cause() {
        let e = run(
            json!({"value.$": "$.no_such_jsonpath"}),
            json!({"int-literal": 0}),
        )
        .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
        );
        let e = run(
            json!({"value.$": "$$.Execution.Input.no_such_jsonpath"}),
            json!({"int-literal": 0}),
        )
        .unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
        );
    }

    #[test]
    fn definition_errors_surface_at_run_time() {
        let e = run(json!({"a.$": 5}), json!({})).unwrap_err();
        assert_eq!(
            e.cause,
            "The value for the field 'a.$' must be a STRING that contains a JSONPath or an intrinsic function call, but was: 5"
        );
        let e = run(json!({"a.$": "$.a]"}), json!({})).unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::Syntax);
        assert_eq!(
            e.cause,
            "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call: unexpected `]` at offset 3"
        );
        let e = run(json!({"a": 1, "a.$": "$.x"}), json!({"x": 2})).unwrap_err();
        assert_eq!(
            e.cause,
            "The field 'a' appears twice in the payload template (once with `.$`)"
        );
    }

    #[test]
    fn deep_templates_fail_cleanly() {
        let mut v = json!(1);
        for _ in 0..(MAX_TEMPLATE_DEPTH + 5) {
            v = json!([v]);
        }
        assert_eq!(run(v, json!({})).unwrap_err().kind, EvalErrorKind::Limit);
    }
}
