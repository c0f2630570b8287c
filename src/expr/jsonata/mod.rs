//! JSONata for AWS Step Functions: lexer, Pratt parser with byte spans, the `{% ... %}`
//! template wrapper, analysis helpers for rules, and an evaluator over
//! `serde_json::Value` for the simulator.
//!
//! Step Functions implements JSONata 2.0.6 without `$eval`, and adds `$partition`,
//! `$range`, `$hash`, `$random(seed)`, `$uuid` and `$parse`. The parser also accepts the
//! 2.1 operators `?:` and `??` so that ASL601 can point at them (AWS refuses them).

pub mod analysis;
pub mod ast;
mod budget;
pub(crate) mod datetime;
pub mod eval;
mod functions;
pub mod lexer;
pub mod parser;
mod picture;
pub mod signature;
pub mod value;

use crate::syntax::TextRange;
pub use analysis::*;
pub use ast::{BinOp, Kind, Node, Param, SortTerm};
pub use budget::Budget;
pub use eval::EvalOptions;

/// A JSONata error: the reference implementation's code (`S0202`, `T2001`, `D3001`, ...),
/// a message, and the byte range in the expression text it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonataError {
    pub code: &'static str,
    pub message: String,
    pub span: TextRange,
}

impl JsonataError {
    pub fn new(code: &'static str, message: impl Into<String>, span: TextRange) -> Self {
        JsonataError {
            code,
            message: message.into(),
            span,
        }
    }

    /// An evaluation stopped by one of AWS's limits (memory, depth): AWS gives these
    /// without a JSONata error code.
    pub fn limit(message: impl Into<String>, span: TextRange) -> Self {
        JsonataError::new("", message, span)
    }

    /// The same error with its range moved by `offset` bytes (e.g. into a document).
    pub fn shifted(mut self, offset: u32) -> Self {
        self.span = TextRange::new(self.span.start + offset, self.span.end + offset);
        self
    }
}

impl std::fmt::Display for JsonataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.code.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for JsonataError {}

/// Parses a JSONata expression and runs the structural checks the reference
/// implementation also makes at compile time (S0209, S0210, S0213, S0215-S0217, invalid
/// regular expressions). Ranges are relative to `expr`.
pub fn parse(expr: &str) -> Result<Node, JsonataError> {
    let node = parse_syntax(expr)?;
    check(&node)?;
    Ok(node)
}

/// Syntax only (no structural checks).
pub fn parse_syntax(expr: &str) -> Result<Node, JsonataError> {
    parser::Parser::new(expr)?.parse_all()
}

/// The structural checks of [`parse`] on an already parsed tree.
pub fn check(node: &Node) -> Result<(), JsonataError> {
    eval::lower(node).map(|_| ())
}

/// Stack given to the evaluation thread, so deep (but bounded) recursion is safe.
const EVAL_STACK: usize = 256 * 1024 * 1024;

/// Evaluates a parsed expression against `input` (`None` = no input document, as in
/// Step Functions) with `bindings` as variables (e.g. `states`, workflow variables).
///
/// Returns `Ok(None)` when the result is undefined. A result that contains a function
/// has no JSON form and is reported as error `D0001`; one that holds Infinity or NaN (a
/// division by zero, an overflow) as `D1001`.
pub fn evaluate(
    node: &Node,
    input: Option<&serde_json::Value>,
    bindings: &serde_json::Map<String, serde_json::Value>,
    options: &EvalOptions,
) -> Result<Option<serde_json::Value>, JsonataError> {
    let run = || -> Result<Option<serde_json::Value>, JsonataError> {
        let ir = eval::lower(node)?;
        let mut ev = eval::Evaluator::new(options);
        let env = eval::new_frame(Some(&ev.root_env));
        for (k, v) in bindings {
            env.bind(k, value::Val::from_json(v));
        }
        ev.eval_json(&ir, input.map(value::Val::from_json), &env, node.span)
    };
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .stack_size(EVAL_STACK)
            .spawn_scoped(scope, run)
        {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(JsonataError::new(
                    "U1001",
                    "Evaluation aborted (internal error)",
                    node.span,
                ))
            }),
            Err(_) => run(),
        }
    })
}

/// Evaluates an expression that reads nothing (no input, no variables), on the calling
/// thread, with a fixed clock and seed: its error, if evaluating it fails. For small
/// expressions only (the caller bounds their depth); what the value would be converted
/// to (a function, Infinity) is not checked.
pub fn evaluation_error(node: &Node) -> Option<JsonataError> {
    let ir = eval::lower(node).ok()?;
    let mut ev = eval::Evaluator::new(&EvalOptions {
        now_millis: Some(0),
        random_seed: Some(0),
        max_depth: 64,
        infinity_as_text: true,
        budget: Budget::LINT,
    });
    let env = eval::new_frame(Some(&ev.root_env));
    let out = ev.eval_root(&ir, None, &env).err();
    ev.release();
    out
}

/// Parses and evaluates `expr` in one step.
pub fn evaluate_str(
    expr: &str,
    input: Option<&serde_json::Value>,
    bindings: &serde_json::Map<String, serde_json::Value>,
    options: &EvalOptions,
) -> Result<Option<serde_json::Value>, JsonataError> {
    let node = parse(expr)?;
    evaluate(&node, input, bindings, options)
}

/// A Step Functions JSONata template: a string that starts with `{%` and ends with `%}`
/// exactly (no whitespace outside the delimiters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template<'s> {
    /// The expression between the delimiters.
    pub inner: &'s str,
    /// Byte offset of `inner` within the string value (always 2).
    pub offset: u32,
}

/// Recognises `{% expr %}`. Returns `None` for any other string (a literal in AWS).
pub fn template(value: &str) -> Option<Template<'_>> {
    if value.len() >= 4 && value.starts_with("{%") && value.ends_with("%}") {
        Some(Template {
            inner: &value[2..value.len() - 2],
            offset: 2,
        })
    } else {
        None
    }
}

/// A parsed template: the tree (ranges relative to `inner`), plus the offset of `inner`
/// in the string value, so `node.span + offset` addresses the string value.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTemplate<'s> {
    pub template: Template<'s>,
    pub result: Result<Node, JsonataError>,
}

/// Recognises and parses a `{% ... %}` string value. An empty or blank expression is an
/// S0207 error (AWS rejects it).
pub fn parse_template(value: &str) -> Option<ParsedTemplate<'_>> {
    let template = template(value)?;
    let result = parse(template.inner);
    Some(ParsedTemplate { template, result })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_requires_exact_delimiters() {
        assert_eq!(
            template("{% $x %}"),
            Some(Template {
                inner: " $x ",
                offset: 2
            })
        );
        assert_eq!(template(" {% $x %}"), None);
        assert_eq!(template("{% $x %} "), None);
        assert_eq!(
            template("{%%}"),
            Some(Template {
                inner: "",
                offset: 2
            })
        );
        assert_eq!(template("{%}"), None);
        assert_eq!(template("$x"), None);
    }

    #[test]
    fn parse_template_reports_inner_ranges() {
        let p = parse_template("{% $states.input.a + %}").unwrap();
        let e = p.result.unwrap_err();
        assert_eq!(e.code, "S0207");
        assert_eq!(e.span, TextRange::new(19, 19));
        assert_eq!(
            e.clone().shifted(p.template.offset).span,
            TextRange::new(21, 21)
        );
        let p = parse_template("{%%}").unwrap();
        assert_eq!(p.result.unwrap_err().code, "S0207");
    }

    fn eval_with(
        expr: &str,
        input: Option<serde_json::Value>,
        vars: serde_json::Value,
    ) -> Result<Option<serde_json::Value>, JsonataError> {
        let vars = vars.as_object().cloned().unwrap_or_default();
        let opts = EvalOptions {
            now_millis: Some(1_700_000_000_000),
            random_seed: Some(7),
            max_depth: 0,
            infinity_as_text: false,
            budget: Budget::default(),
        };
        evaluate_str(expr, input.as_ref(), &vars, &opts)
    }

    #[test]
    fn evaluates_step_functions_style_expressions() {
        use serde_json::json;
        let states = json!({"states": {"input": {"items": [{"price": 2, "qty": 3}, {"price": 5, "qty": 1}]}}, "rate": 2});
        let r = eval_with(
            "$sum($states.input.items.(price * qty)) * $rate",
            None,
            states.clone(),
        )
        .unwrap();
        assert_eq!(r, Some(json!(22)));
        let r = eval_with("$states.input.items[price > 2].qty", None, states.clone()).unwrap();
        assert_eq!(r, Some(json!(1)));
        let r = eval_with("$states.input.items[].price", None, states.clone()).unwrap();
        assert_eq!(r, Some(json!([2, 5])));
        let r = eval_with("$states.input.missing", None, states).unwrap();
        assert_eq!(r, None);
        assert_eq!(
            eval_with("$now()", None, json!({})).unwrap(),
            Some(json!("2023-11-14T22:13:20.000Z"))
        );
        assert_eq!(
            eval_with("$partition([1,2,3,4,5], 2)", None, json!({})).unwrap(),
            Some(json!([[1, 2], [3, 4], [5]]))
        );
        // A fractional chunk size is rounded down, as for every integer parameter.
        assert_eq!(
            eval_with("$partition([1,2,3,4,5], 2.9)", None, json!({})).unwrap(),
            Some(json!([[1, 2], [3, 4], [5]]))
        );
        assert!(eval_with("$partition([1,2,3], 0.5)", None, json!({})).is_err());
        assert_eq!(
            eval_with("$range(0, 10, 5)", None, json!({})).unwrap(),
            Some(json!([0, 5, 10]))
        );
        assert_eq!(
            eval_with("$range(1, 9, 9)", None, json!({})).unwrap(),
            Some(json!(1))
        );
        assert_eq!(
            eval_with("$range(1, 9, 2)", None, json!({})).unwrap(),
            Some(json!([1, 3, 5, 7, 9]))
        );
        assert_eq!(
            eval_with("$parse('{\"a\": [1]}').a", None, json!({})).unwrap(),
            Some(json!([1]))
        );
        assert_eq!(
            eval_with("$hash('abc', 'SHA-1')", None, json!({})).unwrap(),
            Some(json!("a9993e364706816aba3e25717850c26c9cd0d89d"))
        );
        let a = eval_with("$uuid()", None, json!({})).unwrap();
        assert_eq!(
            a,
            eval_with("$uuid()", None, json!({})).unwrap(),
            "seeded RNG is deterministic"
        );
        assert_eq!(
            a.unwrap().as_str().map(|s| (s.len(), &s[14..15])),
            Some((36, "4"))
        );
        assert_eq!(
            eval_with("$random(42) = $random(42)", None, json!({})).unwrap(),
            Some(json!(true))
        );
        // Measured on AWS (floci-io/floci#2662, #2676, #2737).
        assert_eq!(
            eval_with("$random(42)", None, json!({})).unwrap(),
            Some(json!(0.7275636800328681))
        );
        assert_eq!(
            eval_with("$range(-1.7, 2, 1)", None, json!({})).unwrap(),
            Some(json!([-1, 0, 1, 2]))
        );
        assert_eq!(
            eval_with("$count($range(1, 200000, 1))", None, json!({})).unwrap(),
            Some(json!(200000))
        );
        let e = eval_with("$range(1, 100000000, 1)", None, json!({})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Expression evaluation memory limit exceeded: Check for excessive memory usage"
        );
        let e = eval_with("$sum(['a'])", None, json!({})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""
        );
    }

    #[test]
    fn evaluation_errors_carry_codes_and_ranges() {
        use serde_json::json;
        let e = eval_with("1 + 'a'", None, json!({})).unwrap_err();
        assert_eq!((e.code, e.span), ("T2002", TextRange::new(4, 7)));
        let e = eval_with("$foo()", None, json!({})).unwrap_err();
        assert_eq!((e.code, e.span), ("T1006", TextRange::new(0, 4)));
        let e = eval_with("$eval('1')", None, json!({})).unwrap_err();
        assert_eq!(e.code, "T1006", "AWS has no $eval");
        let e = eval_with("function($x){$x}", None, json!({})).unwrap_err();
        assert_eq!(e.code, "D0001");
        let e =
            eval_with("($f := function($n){ $f($n + 1) }; $f(0))", None, json!({})).unwrap_err();
        assert_eq!(e.code, "U1001");
    }

    #[test]
    fn parent_operator_reads_the_enclosing_steps_context() {
        use serde_json::json;
        let data = json!({"Account": {"Name": "F", "Order": [
            {"OrderID": "o1", "Product": [{"SKU": "a", "Price": 1}, {"SKU": "b", "Price": 2}]},
            {"OrderID": "o2", "Product": [{"SKU": "c", "Price": 3}]}
        ]}});
        let run = |expr: &str| eval_with(expr, Some(data.clone()), json!({}));
        assert_eq!(
            run("Account.Order.Product.{'sku': SKU, 'order': %.OrderID}").unwrap(),
            Some(json!([
                {"sku": "a", "order": "o1"},
                {"sku": "b", "order": "o1"},
                {"sku": "c", "order": "o2"}
            ]))
        );
        // `%` climbs into blocks (nested paths) and on out of them.
        assert_eq!(
            run("Account.(Order.(Product)).{'sku': SKU, 'order': %.OrderID, 'acct': %.%.Name}")
                .unwrap(),
            Some(json!([
                {"sku": "a", "order": "o1", "acct": "F"},
                {"sku": "b", "order": "o1", "acct": "F"},
                {"sku": "c", "order": "o2", "acct": "F"}
            ]))
        );
        assert_eq!(
            run("(Account.Order).(Product).(SKU & %.OrderID & %.%.Name)").unwrap(),
            Some(json!(["ao1F", "bo1F", "co2F"]))
        );
        // A predicate on a block reads the parent of each item inside it.
        assert_eq!(
            run("(Account.Order.Product)[%.OrderID='o2'].SKU").unwrap(),
            Some(json!("c"))
        );
        assert_eq!(
            run("(Account.Order.Product)[%.OrderID='o1'].SKU").unwrap(),
            Some(json!(["a", "b"]))
        );
        // `%` as a step, with a predicate that climbs one level further.
        assert_eq!(
            run("Account.Order.Product.Price.%[%.OrderID='o1'].SKU").unwrap(),
            Some(json!(["a", "b"]))
        );
        assert_eq!(
            run("Account.Order.Product.Price.%[%.%.Name='F'].SKU").unwrap(),
            Some(json!(["a", "b", "c"]))
        );
        // Contiguous focus bindings leave the context in place and count as one step.
        let lib = json!({"lib": {"loans": [{"isbn": "1"}],
            "books": [{"isbn": "1", "title": "T"}, {"isbn": "2", "title": "U"}]}});
        assert_eq!(
            eval_with(
                "lib.loans@$l.books@$b[$l.isbn=$b.isbn].{'t': $b.title, 'p': $keys(%), 'gp': $keys(%.%)}",
                Some(lib),
                json!({})
            )
            .unwrap(),
            Some(json!({"t": "T", "p": ["loans", "books"], "gp": "lib"}))
        );
        // No step to climb to: a compile-time error, not undefined.
        for bad in ["%.a", "$x[%.a]", "Account.$x.%", "Account.(%.%.%.x)"] {
            let e = run(bad).unwrap_err();
            assert_eq!(e.code, "S0217", "{bad}");
        }
    }

    #[test]
    fn deeply_nested_parent_references_do_not_crash() {
        let n = 5000;
        let expr = format!("a.{}b{}.%.x", "(".repeat(n), ")".repeat(n));
        // Either an error (nesting limit) or a value; never a crash.
        let _ = eval_with(
            &expr,
            Some(serde_json::json!({"a": {"b": 1, "x": 2}})),
            serde_json::json!({}),
        );
        let expr = format!("a{}", ".b.%".repeat(20000));
        let _ = eval_with(
            &expr,
            Some(serde_json::json!({"a": {"b": 1}})),
            serde_json::json!({}),
        );
    }

    #[test]
    fn focus_binding_on_a_non_path_expression_alone_keeps_its_value() {
        use serde_json::json;
        let run = |expr: &str| eval_with(expr, Some(json!([1, 2, 3])), json!({}));
        assert_eq!(run("$@$i").unwrap(), Some(json!([1, 2, 3])));
        assert_eq!(run("($@$i)").unwrap(), Some(json!([1, 2, 3])));
        // Followed by a step, the binding takes effect.
        assert_eq!(run("$@$i.($i * 2)").unwrap(), Some(json!([2, 4, 6])));
        // On a field step it is a path of its own: the context repeats per binding.
        let r = eval_with("a@$x", Some(json!({"a": [1, 2]})), json!({})).unwrap();
        assert_eq!(r, Some(json!([{"a": [1, 2]}, {"a": [1, 2]}])));
    }

    #[test]
    fn tail_calls_run_in_a_loop() {
        use serde_json::json;
        let opts = EvalOptions {
            max_depth: 500,
            ..EvalOptions::default()
        };
        let run = |expr: &str| evaluate_str(expr, None, &serde_json::Map::new(), &opts);
        // Mutual tail recursion far deeper than the depth limit.
        assert_eq!(
            run("($even := function($n) { $n = 0 ? true : $odd($n-1) }; $odd := function($n) { $n = 0 ? false : $even($n-1) }; $odd(6555))").unwrap(),
            Some(json!(true))
        );
        // Through a block and with an accumulator.
        assert_eq!(
            run("($sum := function($n, $acc) { ($m := $n - 1; $n = 0 ? $acc : $sum($m, $acc + $n)) }; $sum(10000, 0))").unwrap(),
            Some(json!(50005000))
        );
        // A call that is not in tail position still counts against the depth.
        let e = run("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(600))").unwrap_err();
        assert_eq!(e.code, "U1001");
        // A tail-recursive loop that never ends is stopped, not left to hang.
        let t = std::time::Instant::now();
        let e = run("($inf := function() { $inf() }; $inf())").unwrap_err();
        assert_eq!(e.code, "U1001");
        eprintln!("runaway tail loop stopped after {:?}", t.elapsed());
        // The bound is per loop: many separate calls of a small function are fine.
        assert_eq!(
            run("$count($map([1..1000001], function($x) { $string($x) }))").unwrap(),
            Some(json!(1000001))
        );
        // Partial application in tail position is a value, not a call.
        assert_eq!(
            run("($add := function($a, $b) { $a + $b }; $f := function() { $add(?, 2) }; $f()(3))")
                .unwrap(),
            Some(json!(5))
        );
    }
}
