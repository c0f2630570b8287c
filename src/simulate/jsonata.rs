//! The simulator's window on JSONata (`crate::expr::jsonata`): `{% ... %}` detection,
//! parse once at compile time, evaluate with `$states` and the workflow variables bound.

use serde_json::{Map, Value};

use crate::expr::jsonata as jn;

/// True when `s` is a JSONata template: `{%` ... `%}` with nothing outside.
pub(crate) fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

#[derive(Debug)]
pub(crate) struct Expr {
    /// The expression text between the delimiters, trimmed (as AWS quotes it in causes).
    pub src: String,
    node: jn::Node,
}

pub(crate) fn compile(template: &str) -> Result<Expr, String> {
    let inner = &template[2..template.len() - 2];
    let node = jn::parse(inner).map_err(|e| e.to_string())?;
    Ok(Expr {
        src: inner.trim().to_string(),
        node,
    })
}

/// Deterministic clock and randomness for `$now()`, `$millis()`, `$random()`, `$uuid()`.
pub(crate) struct Determinism {
    pub now_ms: i64,
    pub seed: u64,
}

/// Evaluates an expression; `Ok(None)` is JSONata's `undefined`. `vars` are the
/// workflow variables visible to the state; `states` is the `$states` object.
pub(crate) fn evaluate(
    expr: &Expr,
    states: Value,
    vars: Map<String, Value>,
    det: &Determinism,
) -> Result<Option<Value>, String> {
    let mut bindings = vars;
    bindings.insert("states".to_string(), states);
    let options = jn::EvalOptions {
        now_millis: Some(det.now_ms),
        random_seed: Some(det.seed),
        max_depth: 0,
    };
    jn::evaluate(&expr.node, None, &bindings, &options).map_err(|e| e.to_string())
}
