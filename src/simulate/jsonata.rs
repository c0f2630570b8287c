//! The simulator's window on JSONata: `{% ... %}` detection, compile once, evaluate with
//! `$states` and the workflow variables bound.

use serde_json::Value;

/// True when `s` is a JSONata template: `{%` ... `%}` with nothing outside.
pub(crate) fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

#[derive(Debug)]
pub(crate) struct Expr {
    /// The expression text between the delimiters.
    pub src: String,
}

pub(crate) fn compile(template: &str) -> Result<Expr, String> {
    let inner = &template[2..template.len() - 2];
    Ok(Expr {
        src: inner.to_string(),
    })
}

/// Evaluates an expression; `Ok(None)` is JSONata's `undefined`.
pub(crate) fn evaluate(
    expr: &Expr,
    _states: &Value,
    _var: &dyn Fn(&str) -> Option<Value>,
) -> Result<Option<Value>, String> {
    Err(format!(
        "JSONata evaluation is not available in this build (expression '{}')",
        expr.src.trim()
    ))
}
