//! The simulator's window on JSONata (`crate::expr::jsonata`): `{% ... %}` detection,
//! parse and lower once at compile time, evaluate with `$states` and the workflow
//! variables bound. One evaluator (built-in function table, seeded random source) serves
//! a whole run; the run itself executes on a thread with a large stack (see
//! `simulate_value`), so deep but bounded JSONata recursion is safe.

use std::cell::RefCell;

use serde_json::{Map, Value};

use crate::expr::jsonata as jn;
use jn::value::Val;

/// True when `s` is a JSONata template: `{%` ... `%}` with nothing outside.
pub(crate) fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

pub(crate) struct Expr {
    /// The expression text between the delimiters, trimmed (as AWS quotes it in causes).
    pub src: String,
    ir: jn::eval::E,
    /// Names of the variables it reads (only those are bound).
    vars: Vec<String>,
    /// Which `$states` fields it reads.
    pub needs: StatesNeeds,
}

/// The `$states` fields an expression reads, so only those are built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatesNeeds {
    pub input: bool,
    pub context: bool,
    pub result: bool,
    pub error_output: bool,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.src)
    }
}

pub(crate) fn compile(template: &str) -> Result<Expr, String> {
    let inner = &template[2..template.len() - 2];
    let node = jn::parse(inner).map_err(|e| e.to_string())?;
    let ir = jn::eval::lower(&node).map_err(|e| e.to_string())?;
    let mut vars: Vec<String> = jn::variable_refs(&node)
        .into_iter()
        .filter(|v| !v.bound_locally && v.name != "states")
        .map(|v| v.name)
        .collect();
    vars.sort();
    vars.dedup();
    let mut needs = StatesNeeds::default();
    for r in jn::states_refs(&node) {
        match r.field {
            jn::StatesField::Input => needs.input = true,
            jn::StatesField::Context => needs.context = true,
            jn::StatesField::Result => needs.result = true,
            jn::StatesField::ErrorOutput => needs.error_output = true,
            jn::StatesField::Other(_) => {}
            jn::StatesField::Whole => {
                needs = StatesNeeds {
                    input: true,
                    context: true,
                    result: true,
                    error_output: true,
                }
            }
        }
    }
    Ok(Expr {
        src: inner.trim().to_string(),
        ir,
        vars,
        needs,
    })
}

/// The evaluator of one run.
pub(crate) struct Evaluator {
    ev: RefCell<jn::eval::Evaluator>,
}

impl Evaluator {
    pub fn new(start_ms: i64, seed: u64) -> Evaluator {
        let options = jn::EvalOptions {
            now_millis: Some(start_ms),
            random_seed: Some(seed),
            max_depth: 0,
            infinity_as_text: true,
            budget: jn::Budget::STEP_FUNCTIONS,
        };
        Evaluator {
            ev: RefCell::new(jn::eval::Evaluator::new(&options)),
        }
    }

    /// Evaluates an expression at virtual time `now_ms`; `Ok(None)` is `undefined`.
    /// `frames` are the variable scopes, outermost first.
    pub fn evaluate(
        &self,
        expr: &Expr,
        states: &Value,
        frames: &[Map<String, Value>],
        now_ms: i64,
    ) -> Result<Option<Value>, jn::JsonataError> {
        let mut ev = self.ev.borrow_mut();
        ev.now = now_ms;
        let env = jn::eval::new_frame(Some(&ev.root_env));
        for name in &expr.vars {
            if let Some(v) = frames.iter().rev().find_map(|f| f.get(name)) {
                env.bind(name, Val::from_json(v));
            }
        }
        env.bind("states", Val::from_json(states));
        ev.eval_json(&expr.ir, None, &env, expr.ir.span)
    }
}
