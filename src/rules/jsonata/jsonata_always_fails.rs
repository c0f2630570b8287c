use crate::diagnostics::{Applicability, Fix};
use crate::expr::intrinsic::{HASH_ALGORITHMS, meant_hash_algorithm};
use crate::expr::jsonata::{BinOp, Kind, Node, bound_names, builtin, evaluation_error};
use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a part of a JSONata expression that fails every time it is evaluated,
    /// whatever the state's input: a function called with literal arguments it cannot
    /// take (`$number('12 kg')`, `$toMillis('01/09/2025')`, `$substring(1, 'x')`,
    /// `$parse('{x')`, `$decodeUrl('%')`, `$sqrt(-1)`, `$range(0, 10, 0)`), or an operator on literals of
    /// the wrong type (`1 + 'a'`, `'a' < 1`); `$error` and `$assert`, which fail on
    /// purpose, are let be. The part is found by evaluating it: only parts that read
    /// nothing (no `$states`, no variable, no field of the context) and that run where
    /// the expression itself runs (not inside a path step, a filter or a sort, whose
    /// context is an item; not in a branch of a condition, or on the right of `and` /
    /// `or`, which run only as the input decides). A part whose call has the wrong
    /// number of arguments is left to ASL603. A `$hash` algorithm written as text that
    /// `$hash` does not take (`$hash($states.input.id, 'SHA256')`) is reported too,
    /// whatever is hashed.
    ///
    /// ## Why is this bad?
    /// Step Functions deploys the definition and then fails the state with
    /// `States.QueryEvaluationError` each time it reaches that part. Such parts are
    /// usually a value typed where a field of the input was meant, or a format string
    /// the function does not accept.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Open case", "States": {
    ///   "Open case": {"Type": "Pass",
    ///     "Output": {"fee": "{% $states.input.credits * $number('120 EUR') %}"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Open case", "States": {
    ///   "Open case": {"Type": "Pass",
    ///     "Output": {"fee": "{% $states.input.credits * 120 %}"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A `$hash` algorithm written without its dash or in another case (`'sha256'`)
    /// becomes the name `$hash` takes (`'SHA-256'`; unsafe).
    pub static RULE = {
        code: "ASL613",
        name: "jsonata-always-fails",
        severity: Error,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// Functions whose result depends on their arguments alone and whose cost is bounded
/// by them. Not here: those that fail on purpose (`$error`, `$assert`), read the clock
/// or a random source, evaluate text as JSONata (`$eval`), or can build a value far
/// larger than their arguments (`$pad`, `$range`).
const EVALUATED: &[&str] = &[
    "abs",
    "append",
    "average",
    "base64decode",
    "base64encode",
    "boolean",
    "ceil",
    "contains",
    "count",
    "decodeUrl",
    "decodeUrlComponent",
    "distinct",
    "encodeUrl",
    "encodeUrlComponent",
    "exists",
    "floor",
    "formatBase",
    "formatInteger",
    "formatNumber",
    "fromMillis",
    "hash",
    "join",
    "keys",
    "length",
    "lookup",
    "lowercase",
    "max",
    "merge",
    "min",
    "not",
    "number",
    "parse",
    "parseInteger",
    "partition",
    "power",
    "reverse",
    "round",
    "sort",
    "split",
    "spread",
    "sqrt",
    "string",
    "substring",
    "substringAfter",
    "substringBefore",
    "sum",
    "toMillis",
    "trim",
    "type",
    "uppercase",
    "zip",
];

/// Parts deeper than this are not evaluated (the evaluation runs on the rule's thread).
const MAX_DEPTH: usize = 32;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        for e in state_expressions(state) {
            let Ok(tree) = &e.parsed.result else { continue };
            let bound = bound_names(tree);
            let mut failing = Vec::new();
            find_failing(tree, &bound, 0, &mut failing);
            for (span, error) in failing {
                let range = source_range(ctx.source, &e, span);
                let d = sink.report(
                    range,
                    format!(
                        "this JSONata fails whenever \"{}\" evaluates it: {error}",
                        state.name
                    ),
                );
                d.help = Some(
                    "Step Functions fails the state with States.QueryEvaluationError here"
                        .to_string(),
                );
                // `'SHA256'` → `'SHA-256'`: the name is replaced inside the literal as
                // written, whatever quotes and escapes the string it is in needs
                // (`''SHA256''` in single-quoted YAML, `\"SHA256\"` in JSON).
                if let Some((alg, meant)) = meant_algorithm(tree, span)
                    && let Some(written) = ctx.source.get(range.as_usize())
                    && written.matches(alg.as_str()).count() == 1
                {
                    let at = range.start + written.find(alg.as_str()).unwrap_or(0) as u32;
                    d.fixes.push(Fix::replace(
                        format!("Replace with '{meant}'"),
                        Applicability::Unsafe,
                        crate::syntax::TextRange::new(at, at + alg.len() as u32),
                        meant.to_string(),
                    ));
                }
            }
        }
    }
}

/// The largest parts of `node` that read nothing and whose evaluation fails, with the
/// error. Only parts evaluated in the expression's own context are visited.
fn find_failing(
    node: &Node,
    bound: &std::collections::HashSet<String>,
    depth: usize,
    out: &mut Vec<(crate::syntax::TextRange, String)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if closed(node, bound, 0) {
        innermost_failing(node, depth, out);
        return;
    }
    if let Some(found) = unsupported_hash_algorithm(node, bound) {
        out.push(found);
    }
    let mut visit = |n: &Node| find_failing(n, bound, depth + 1, out);
    match &node.kind {
        // Evaluated for each item of the left side, in its context: not visited.
        Kind::Binary {
            op: BinOp::Map | BinOp::Chain,
            lhs,
            ..
        } => visit(lhs),
        Kind::Filter { expr, .. }
        | Kind::Sort { expr, .. }
        | Kind::Group { expr, .. }
        | Kind::KeepArray(expr)
        | Kind::Focus { expr, .. }
        | Kind::Index { expr, .. } => visit(expr),
        Kind::Transform { .. } | Kind::Lambda { .. } => {}
        // Only the condition always runs: a branch runs when chosen, the right side of
        // `and` / `or` when the left does not decide, that of `?:` / `??` (JSONata 2.1,
        // reported by ASL601) when the left is falsy / undefined.
        Kind::Cond { cond, .. } => visit(cond),
        Kind::Binary {
            op: BinOp::And | BinOp::Or | BinOp::Elvis | BinOp::Coalesce,
            lhs,
            ..
        } => visit(lhs),
        _ => {
            for c in node.children() {
                visit(c);
            }
        }
    }
}

/// The `$hash` algorithm literal at `span` and the algorithm it meant, when it is one
/// written without its dash or in another case (`'sha256'` for `SHA-256`).
fn meant_algorithm(tree: &Node, span: crate::syntax::TextRange) -> Option<(String, &'static str)> {
    let mut found = None;
    tree.walk(|n| {
        if n.span == span
            && let Kind::Str(alg) = &n.kind
        {
            found = meant_hash_algorithm(alg).map(|a| (alg.to_string(), a));
        }
    });
    found
}

/// `$hash(x, 'SHA256')`: an algorithm written as a literal that `$hash` does not take
/// fails each time the input gives `x`, whatever it is (the part reads the input, so
/// it is not evaluated here).
fn unsupported_hash_algorithm(
    node: &Node,
    bound: &std::collections::HashSet<String>,
) -> Option<(crate::syntax::TextRange, String)> {
    let Kind::Call { func, args } = &node.kind else {
        return None;
    };
    let (Kind::Var(name), [_, algorithm]) = (&func.kind, args.as_slice()) else {
        return None;
    };
    let Kind::Str(alg) = &algorithm.kind else {
        return None;
    };
    if name != "hash" || bound.contains(name) || HASH_ALGORITHMS.contains(&&**alg) {
        return None;
    }
    let meant = meant_hash_algorithm(alg)
        .map(|a| format!("; did you mean \"{a}\"?"))
        .unwrap_or_default();
    Some((
        algorithm.span,
        format!(
            "$hash does not take the algorithm \"{alg}\": it takes MD5, SHA-1, SHA-256, SHA-384 and SHA-512{meant}"
        ),
    ))
}

/// In a part that reads nothing: the smallest parts whose evaluation fails (in
/// `{'a': 1 + 'x', 'b': $sqrt(-1)}`, both operands of the object, not the object).
fn innermost_failing(node: &Node, depth: usize, out: &mut Vec<(crate::syntax::TextRange, String)>) {
    if depth > MAX_DEPTH || !computes(node) {
        return;
    }
    // (A `$hash` algorithm it does not take: said as for any `$hash`, at the name.)
    if let Some(found) = unsupported_hash_algorithm(node, &Default::default()) {
        out.push(found);
        return;
    }
    let Some(e) = evaluation_error(node) else {
        return;
    };
    // A non-finite number or a function is only an error once it is output, and a
    // limit is not a mistake of the expression.
    if matches!(e.code, "D1001" | "D0001" | "") {
        return;
    }
    let before = out.len();
    // The branches of a condition are not evaluated unless chosen.
    if !matches!(node.kind, Kind::Cond { .. }) {
        for c in node.children() {
            innermost_failing(c, depth + 1, out);
        }
    }
    if out.len() == before {
        out.push((node.span, e.to_string()));
    }
}

/// Reads nothing: literals, and operators and calls of [`EVALUATED`] functions (with a
/// number of arguments the function takes) over them.
fn closed(node: &Node, bound: &std::collections::HashSet<String>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let all = |nodes: &mut dyn Iterator<Item = &Node>| {
        for n in nodes {
            if !closed(n, bound, depth + 1) {
                return false;
            }
        }
        true
    };
    match &node.kind {
        Kind::Str(_) | Kind::Num(_) | Kind::Bool(_) | Kind::Null | Kind::Regex { .. } => true,
        Kind::Neg(e) => closed(e, bound, depth + 1),
        Kind::Binary { op, lhs, rhs } => {
            !matches!(op, BinOp::Map | BinOp::Chain | BinOp::Range)
                && closed(lhs, bound, depth + 1)
                && closed(rhs, bound, depth + 1)
        }
        Kind::Array(items) | Kind::Block(items) => all(&mut items.iter()),
        Kind::Object(pairs) => all(&mut pairs.iter().flat_map(|(k, v)| [k, v])),
        Kind::Cond {
            cond,
            then,
            otherwise,
        } => all(&mut [&**cond, &**then].into_iter().chain(otherwise.as_deref())),
        Kind::Call { func, args } => {
            let Kind::Var(name) = &func.kind else {
                return false;
            };
            let Some(b) = builtin(name) else { return false };
            if name == "range" && !bound.contains(name) {
                return small_range(args);
            }
            EVALUATED.contains(&name.as_str())
                && !bound.contains(name)
                && args.len() >= b.min_args
                && b.max_args.is_none_or(|m| args.len() <= m)
                && all(&mut args.iter())
        }
        _ => false,
    }
}

/// A `$range(start, end, step)` of literal numbers that is cheap to evaluate: a step of
/// 0 (which fails) or at most 10,000 items (Step Functions' own function; a range of
/// millions is not built to find out that it succeeds).
fn small_range(args: &[Node]) -> bool {
    let number = |n: &Node| match &n.kind {
        Kind::Num(x) => Some(*x),
        Kind::Neg(e) => match e.kind {
            Kind::Num(x) => Some(-x),
            _ => None,
        },
        _ => None,
    };
    let Some(numbers) = args.iter().map(number).collect::<Option<Vec<f64>>>() else {
        return false;
    };
    match numbers[..] {
        [_, _, 0.0] => true,
        [start, end] => (end - start).abs() <= 10_000.0,
        [start, end, step] => ((end - start) / step).abs() <= 10_000.0,
        _ => false,
    }
}

/// Computes something (a call or an operator), so that evaluating it can fail.
fn computes(node: &Node) -> bool {
    let mut found = false;
    node.walk(|n| {
        found |= matches!(
            n.kind,
            Kind::Call { .. } | Kind::Binary { .. } | Kind::Neg(_)
        );
    });
    found
}

#[cfg(test)]
mod tests {
    fn run(expr: &str) -> Vec<(String, String)> {
        crate::rules::on_jsonata_output(expr, "ASL613")
    }

    #[test]
    fn literal_arguments_a_function_cannot_take() {
        assert_eq!(
            run("$states.input.kg + $number('12 kg')"),
            [(
                "$number('12 kg')".to_string(),
                "this JSONata fails whenever \"A\" evaluates it: D3030: Unable to cast value to a number: \"12 kg\"".to_string()
            )]
        );
        // The condition, and the left of `and`, always run.
        let found = run("$number('x') > 1 ? $states.input.a : 0");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "$number('x')");
        let found = run("1 + 'a' and $states.input.b");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "1 + 'a'");
        let found = run("{'a': 1 + 'x', 'b': $sqrt(-1), 'c': $toMillis('yesterday')}");
        let parts: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(parts, ["1 + 'x'", "$sqrt(-1)", "$toMillis('yesterday')"]);
        // Step Functions' $range with a step of 0; a small range that succeeds, and
        // one of millions, which is not built, are not reported.
        assert_eq!(
            run("$range(0, 10, 0)"),
            [(
                "$range(0, 10, 0)".to_string(),
                "this JSONata fails whenever \"A\" evaluates it: D3202: The step of $range must not be 0".to_string()
            )]
        );
        assert_eq!(run("$range(0, 10, 2)"), []);
        assert_eq!(run("$count($range(-1, 10000000))"), []);
    }

    #[test]
    fn what_can_succeed_or_fails_on_purpose_is_not_reported() {
        for ok in [
            "$number('12')",
            "$states.input.name.$substring(1, 2)",
            "$states.input.items[$substring(1, 'x')]",
            "$error('stop')",
            "$assert(false, 'no')",
            "$toMillis($states.input.when)",
            "($number := function($x){$x}; $number('kg'))",
            "$substring('abc')",
            "1 / 0",
            "[1..3]",
            "$exists($nope)",
            // Run only as the input decides.
            "$states.input.flag ? $number('12 kg') : 0",
            "$states.input.flag ? 0 : 1 + 'a'",
            "$states.input.flag and $number('x') > 1",
            "$states.input.flag or $sqrt(-1) > 1",
            "$states.input.x ?: $number('abc')",
            "$states.input.x ?? $number('abc')",
        ] {
            assert_eq!(run(ok), [], "{ok}");
        }
    }
}
