//! Compiles a definition (as `serde_json::Value`) into the form the engine runs: states
//! by index with resolved transitions, paths and payload templates parsed once, Choice
//! rules as trees. Anything malformed inside a field is kept as a compile error on the
//! state and raised as `States.Runtime` when the state runs (the linter reports it first).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::intrinsic::{self, Call};
use super::jsonata;
use super::path::Path;
use crate::model::StateType;

#[derive(Debug)]
pub(crate) enum Opt<T> {
    Absent,
    Null,
    Some(T),
}

impl<T> Opt<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Opt::Absent)
    }
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Assign, Arguments, Output...).
#[derive(Debug)]
pub(crate) enum Tpl {
    Lit(Value),
    Obj(Vec<(String, Tpl)>),
    Arr(Vec<Tpl>),
    /// A `.$` path value; `key` is the field name with its `.$` for messages.
    Path {
        key: String,
        path: Path,
    },
    Call {
        call: Call,
        src: String,
    },
    Jsonata {
        field: String,
        expr: jsonata::Expr,
    },
}

#[derive(Debug)]
pub(crate) enum Operand {
    Lit(Value),
    Path(Path),
}

#[derive(Debug)]
pub(crate) enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Test {
        var: Path,
        op: super::choice::Op,
        operand: Operand,
    },
    Jsonata(Tpl),
}

#[derive(Debug)]
pub(crate) struct ChoiceRule {
    pub cond: Cond,
    pub next: usize,
    pub assign: Option<Tpl>,
    pub output: Option<Tpl>,
}

#[derive(Debug)]
pub(crate) struct Retrier {
    pub errors: Vec<String>,
    pub interval: f64,
    pub max_attempts: u64,
    pub backoff: f64,
    pub max_delay: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug)]
pub(crate) struct Catcher {
    pub errors: Vec<String>,
    pub next: usize,
    pub result_path: Opt<Path>,
    pub assign: Option<Tpl>,
    pub output: Option<Tpl>,
}

#[derive(Debug)]
pub(crate) struct CState {
    pub name: String,
    pub ty: StateType,
    pub jsonata: bool,
    pub def: Map<String, Value>,
    pub next: Option<usize>,
    pub input_path: Opt<Path>,
    pub output_path: Opt<Path>,
    /// `Absent` also stands for `"$"`.
    pub result_path: Opt<Path>,
    pub parameters: Option<Tpl>,
    pub result_selector: Option<Tpl>,
    pub item_selector: Option<Tpl>,
    /// `ItemBatcher.BatchInput`, evaluated once per Map state.
    pub batch_input: Option<Tpl>,
    /// The `Parameters` of a JSONPath Map's ItemReader and ResultWriter (a JSONata
    /// state has them, as `Arguments`, in `extra`'s ItemReader and ResultWriter).
    pub reader_parameters: Option<Tpl>,
    pub writer_parameters: Option<Tpl>,
    pub assign: Option<Tpl>,
    pub output: Option<Tpl>,
    pub arguments: Option<Tpl>,
    /// Other JSONata-capable fields by name (Items, Seconds, Timestamp, Error, Cause,
    /// MaxConcurrency, ToleratedFailure*, TimeoutSeconds...).
    pub extra: HashMap<&'static str, Tpl>,
    pub choices: Vec<ChoiceRule>,
    pub default: Option<usize>,
    pub retriers: Vec<Retrier>,
    pub catchers: Vec<Catcher>,
    pub children: Vec<usize>,
    pub compile_error: Option<String>,
}

#[derive(Debug)]
pub(crate) struct CScope {
    pub start: usize,
    pub states: Vec<CState>,
    /// True for the processor of a distributed Map.
    pub distributed: bool,
}

#[derive(Debug)]
pub(crate) struct Program {
    pub scopes: Vec<CScope>,
    pub timeout_seconds: Option<f64>,
}

const EXTRA_FIELDS: [&str; 14] = [
    "Items",
    "Seconds",
    "Timestamp",
    "Error",
    "Cause",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Condition",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
];

pub(crate) fn compile(def: &Value) -> Result<Program, String> {
    let mut p = Program {
        scopes: Vec::new(),
        timeout_seconds: def.get("TimeoutSeconds").and_then(Value::as_f64),
    };
    let top_ql = def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    compile_scope(def, top_ql, false, &mut p, 0)?;
    Ok(p)
}

fn compile_scope(
    node: &Value,
    top_jsonata: bool,
    distributed: bool,
    p: &mut Program,
    depth: usize,
) -> Result<usize, String> {
    if depth > 64 {
        return Err("Parallel/Map states nest too deeply".into());
    }
    let id = p.scopes.len();
    p.scopes.push(CScope {
        start: 0,
        states: Vec::new(),
        distributed,
    });
    let states = node
        .get("States")
        .and_then(Value::as_object)
        .ok_or("a States object is missing")?;
    let index: HashMap<&str, usize> = states
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let start_name = node
        .get("StartAt")
        .and_then(Value::as_str)
        .ok_or("StartAt is missing")?;
    let start = *index
        .get(start_name)
        .ok_or_else(|| format!("StartAt names \"{start_name}\", which is not a state here"))?;
    let mut compiled = Vec::with_capacity(states.len());
    for (name, sdef) in states {
        let mut st = compile_state(name, sdef, top_jsonata, &index)?;
        let children: Vec<(&Value, bool)> = match st.ty {
            StateType::Parallel => st
                .def
                .get("Branches")
                .and_then(Value::as_array)
                .map(|b| b.iter().map(|x| (x, false)).collect())
                .unwrap_or_default(),
            StateType::Map => {
                let proc = st
                    .def
                    .get("ItemProcessor")
                    .or_else(|| st.def.get("Iterator"));
                let dist = proc
                    .and_then(|x| x.get("ProcessorConfig"))
                    .and_then(|c| c.get("Mode"))
                    .and_then(Value::as_str)
                    == Some("DISTRIBUTED");
                proc.map(|x| vec![(x, dist)]).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let mut kids = Vec::new();
        for (c, dist) in children {
            kids.push(compile_scope(c, top_jsonata, dist, p, depth + 1)?);
        }
        st.children = kids;
        compiled.push(st);
    }
    p.scopes[id].start = start;
    p.scopes[id].states = compiled;
    Ok(id)
}

fn target(
    v: Option<&Value>,
    index: &HashMap<&str, usize>,
    what: &str,
) -> Result<Option<usize>, String> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => {
            index.get(s.as_str()).copied().map(Some).ok_or_else(|| {
                format!("{what} names \"{s}\", which is not a state in the same scope")
            })
        }
        Some(_) => Err(format!("{what} must be a state name")),
    }
}

fn opt_path(v: Option<&Value>, field: &str, errs: &mut Vec<String>) -> Opt<Path> {
    match v {
        None => Opt::Absent,
        Some(Value::Null) => Opt::Null,
        Some(Value::String(s)) => match Path::parse(s) {
            Ok(p) => Opt::Some(p),
            Err(e) => {
                errs.push(format!("{field}: {e}"));
                Opt::Absent
            }
        },
        Some(_) => {
            errs.push(format!("{field} must be a string or null"));
            Opt::Absent
        }
    }
}

/// JSONPath payload template: `.$` keys are evaluated.
pub(crate) fn path_template(v: &Value, errs: &mut Vec<String>) -> Tpl {
    fn has_dynamic(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.iter().any(|(k, x)| k.ends_with(".$") || has_dynamic(x)),
            Value::Array(a) => a.iter().any(has_dynamic),
            _ => false,
        }
    }
    if !has_dynamic(v) {
        return Tpl::Lit(v.clone());
    }
    match v {
        Value::Object(m) => Tpl::Obj(
            m.iter()
                .map(|(k, x)| {
                    if let Some(base) = k.strip_suffix(".$") {
                        let t = match x {
                            Value::String(s) if s.trim_start().starts_with('$') => match Path::parse(s.trim()) {
                                Ok(path) => Tpl::Path { key: k.clone(), path },
                                Err(e) => {
                                    errs.push(format!("the value for the field '{k}' must be a valid JSONPath: {e}"));
                                    Tpl::Lit(Value::Null)
                                }
                            },
                            Value::String(s) => match Call::parse(s) {
                                Ok(call) => Tpl::Call {
                                    call,
                                    src: s.clone(),
                                },
                                Err(e) => {
                                    errs.push(format!(
                                        "The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call: {e}"
                                    ));
                                    Tpl::Lit(Value::Null)
                                }
                            },
                            _ => {
                                errs.push(format!("the value for the field '{k}' must be a string"));
                                Tpl::Lit(Value::Null)
                            }
                        };
                        (base.to_string(), t)
                    } else {
                        (k.clone(), path_template(x, errs))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Tpl::Arr(a.iter().map(|x| path_template(x, errs)).collect()),
        _ => Tpl::Lit(v.clone()),
    }
}

/// JSONata template: `{% ... %}` strings anywhere are expressions.
pub(crate) fn jsonata_template(v: &Value, field: &str, errs: &mut Vec<String>) -> Tpl {
    fn has_expr(v: &Value) -> bool {
        match v {
            Value::String(s) => jsonata::is_expression(s),
            Value::Object(m) => m.values().any(has_expr),
            Value::Array(a) => a.iter().any(has_expr),
            _ => false,
        }
    }
    if !has_expr(v) {
        return Tpl::Lit(v.clone());
    }
    match v {
        Value::String(s) => match jsonata::compile(s) {
            Ok(expr) => Tpl::Jsonata {
                field: field.to_string(),
                expr,
            },
            Err(e) => {
                errs.push(format!(
                    "the JSONata expression in '{field}' does not parse: {e}"
                ));
                Tpl::Lit(Value::Null)
            }
        },
        Value::Object(m) => Tpl::Obj(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        jsonata_template(x, &format!("{field}/{k}"), errs),
                    )
                })
                .collect(),
        ),
        Value::Array(a) => Tpl::Arr(
            a.iter()
                .enumerate()
                .map(|(i, x)| jsonata_template(x, &format!("{field}[{i}]"), errs))
                .collect(),
        ),
        _ => Tpl::Lit(v.clone()),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

const OPERATORS: [&str; 24] = [
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "StringMatches",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
    "BooleanEquals",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
    "",
];

/// `field` is how AWS names a JSONata Condition in a cause: `Choices[1]/Condition`.
fn compile_cond(v: &Value, jsonata: Option<&str>, errs: &mut Vec<String>, depth: usize) -> Cond {
    // Any nesting a definition can be read with (the readers stop at MAX_DEPTH) runs,
    // as `check` accepts it: the run's thread has stack enough for it.
    if depth > crate::syntax::MAX_DEPTH {
        errs.push("Choice rules nest too deeply".into());
        return Cond::And(Vec::new());
    }
    if let Some(field) = jsonata {
        return match v.get("Condition") {
            Some(c) => Cond::Jsonata(jsonata_template(c, field, errs)),
            None => {
                errs.push("a JSONata Choice rule needs a Condition".into());
                Cond::And(Vec::new())
            }
        };
    }
    if let Some(list) = v.get("And").and_then(Value::as_array) {
        return Cond::And(
            list.iter()
                .map(|x| compile_cond(x, None, errs, depth + 1))
                .collect(),
        );
    }
    if let Some(list) = v.get("Or").and_then(Value::as_array) {
        return Cond::Or(
            list.iter()
                .map(|x| compile_cond(x, None, errs, depth + 1))
                .collect(),
        );
    }
    if let Some(x) = v.get("Not") {
        return Cond::Not(Box::new(compile_cond(x, None, errs, depth + 1)));
    }
    let Some(var) = v.get("Variable").and_then(Value::as_str) else {
        errs.push("a Choice rule needs a Variable (or And/Or/Not)".into());
        return Cond::And(Vec::new());
    };
    let var = match Path::parse(var) {
        Ok(p) => p,
        Err(e) => {
            errs.push(format!("Variable: {e}"));
            return Cond::And(Vec::new());
        }
    };
    let Some(obj) = v.as_object() else {
        return Cond::And(Vec::new());
    };
    for (k, x) in obj {
        if let Some(base) = k.strip_suffix("Path")
            && OPERATORS.contains(&base)
            && !base.is_empty()
        {
            let Some(s) = x.as_str() else {
                errs.push(format!("{k} must be a path string"));
                return Cond::And(Vec::new());
            };
            return match Path::parse(s) {
                Ok(p) => Cond::Test {
                    var,
                    op: super::choice::Op::parse(base).expect("listed operator"),
                    operand: Operand::Path(p),
                },
                Err(e) => {
                    errs.push(format!("{k}: {e}"));
                    Cond::And(Vec::new())
                }
            };
        }
        if OPERATORS.contains(&k.as_str()) && !k.is_empty() {
            return Cond::Test {
                var,
                op: super::choice::Op::parse(k).expect("listed operator"),
                operand: Operand::Lit(x.clone()),
            };
        }
    }
    errs.push("a Choice rule has no comparison operator".into());
    Cond::And(Vec::new())
}

fn compile_state(
    name: &str,
    v: &Value,
    top_jsonata: bool,
    index: &HashMap<&str, usize>,
) -> Result<CState, String> {
    let def = v
        .as_object()
        .cloned()
        .ok_or_else(|| format!("state \"{name}\" must be an object"))?;
    let ty = def
        .get("Type")
        .and_then(Value::as_str)
        .and_then(StateType::parse)
        .ok_or_else(|| format!("state \"{name}\" has no valid Type"))?;
    let jsonata = match def.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => true,
        Some("JSONPath") => false,
        _ => top_jsonata,
    };
    let mut errs = Vec::new();
    let next = target(def.get("Next"), index, &format!("the Next of \"{name}\""))?;
    let default = target(
        def.get("Default"),
        index,
        &format!("the Default of \"{name}\""),
    )?;
    let tpl = |key: &str, errs: &mut Vec<String>| -> Option<Tpl> {
        let x = def.get(key)?;
        Some(if jsonata {
            jsonata_template(x, key, errs)
        } else {
            path_template(x, errs)
        })
    };
    let input_path = opt_path(def.get("InputPath"), "InputPath", &mut errs);
    let output_path = opt_path(def.get("OutputPath"), "OutputPath", &mut errs);
    let mut result_path = opt_path(def.get("ResultPath"), "ResultPath", &mut errs);
    if let Opt::Some(p) = &result_path
        && p.segs.is_empty()
        && p.root == super::path::Root::Input
    {
        result_path = Opt::Absent;
    }
    let parameters = tpl("Parameters", &mut errs);
    let result_selector = tpl("ResultSelector", &mut errs);
    let item_selector = tpl("ItemSelector", &mut errs);
    let batch_input = def
        .get("ItemBatcher")
        .and_then(|b| b.get("BatchInput"))
        .map(|x| {
            if jsonata {
                jsonata_template(x, "BatchInput", &mut errs)
            } else {
                path_template(x, &mut errs)
            }
        });
    let io_parameters = |field: &str, errs: &mut Vec<String>| {
        let x = def.get(field)?.get("Parameters")?;
        (!jsonata).then(|| path_template(x, errs))
    };
    let reader_parameters = io_parameters("ItemReader", &mut errs);
    let writer_parameters = io_parameters("ResultWriter", &mut errs);
    let assign = tpl("Assign", &mut errs);
    let output = if jsonata {
        tpl("Output", &mut errs)
    } else {
        None
    };
    let arguments = if jsonata {
        tpl("Arguments", &mut errs)
    } else {
        None
    };
    let mut extra = HashMap::new();
    if jsonata {
        for f in EXTRA_FIELDS {
            if let Some(x) = def.get(f) {
                extra.insert(f, jsonata_template(x, f, &mut errs));
            }
        }
    }
    let mut choices = Vec::new();
    if ty == StateType::Choice {
        for (i, r) in def
            .get("Choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            // AWS names a rule's fields by their place: `Choices[1]/Output/v`.
            let field = |key: &str| format!("Choices[{i}]/{key}");
            let cond = compile_cond(
                r,
                jsonata.then(|| field("Condition")).as_deref(),
                &mut errs,
                0,
            );
            let next = target(
                r.get("Next"),
                index,
                &format!("Choices[{i}].Next of \"{name}\""),
            )?
            .ok_or_else(|| format!("Choices[{i}] of \"{name}\" has no Next"))?;
            let t = |key: &str, errs: &mut Vec<String>| -> Option<Tpl> {
                let x = r.get(key)?;
                Some(if jsonata {
                    jsonata_template(x, &field(key), errs)
                } else {
                    path_template(x, errs)
                })
            };
            let assign = t("Assign", &mut errs);
            let output = if jsonata {
                t("Output", &mut errs)
            } else {
                None
            };
            choices.push(ChoiceRule {
                cond,
                next,
                assign,
                output,
            });
        }
    }
    let retriers = def
        .get("Retry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| Retrier {
            errors: strings(r.get("ErrorEquals")),
            interval: r
                .get("IntervalSeconds")
                .and_then(Value::as_f64)
                .unwrap_or(1.0),
            max_attempts: r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3),
            backoff: r.get("BackoffRate").and_then(Value::as_f64).unwrap_or(2.0),
            max_delay: r.get("MaxDelaySeconds").and_then(Value::as_f64),
            jitter_full: r.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
        })
        .collect();
    let mut catchers = Vec::new();
    for (i, c) in def
        .get("Catch")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let next = target(
            c.get("Next"),
            index,
            &format!("Catch[{i}].Next of \"{name}\""),
        )?
        .ok_or_else(|| format!("Catch[{i}] of \"{name}\" has no Next"))?;
        let mut rp = opt_path(c.get("ResultPath"), "Catch ResultPath", &mut errs);
        if let Opt::Some(p) = &rp
            && p.segs.is_empty()
        {
            rp = Opt::Absent;
        }
        let t = |key: &str, errs: &mut Vec<String>| -> Option<Tpl> {
            let x = c.get(key)?;
            Some(if jsonata {
                jsonata_template(x, key, errs)
            } else {
                path_template(x, errs)
            })
        };
        catchers.push(Catcher {
            errors: strings(c.get("ErrorEquals")),
            next,
            result_path: rp,
            assign: t("Assign", &mut errs),
            output: if jsonata {
                t("Output", &mut errs)
            } else {
                None
            },
        });
    }
    let _ = intrinsic::looks_like_call;
    Ok(CState {
        name: name.to_string(),
        ty,
        jsonata,
        next,
        input_path,
        output_path,
        result_path,
        parameters,
        result_selector,
        item_selector,
        batch_input,
        reader_parameters,
        writer_parameters,
        assign,
        output,
        arguments,
        extra,
        choices,
        default,
        retriers,
        catchers,
        children: Vec::new(),
        compile_error: (!errs.is_empty()).then(|| errs.join("; ")),
        def,
    })
}
