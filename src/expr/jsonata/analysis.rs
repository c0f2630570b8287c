//! Analysis helpers for rules: variable references, function calls, `$states` fields,
//! uses of the (absent) context document, and the table of built-in functions that AWS
//! Step Functions provides.

use super::ast::{BinOp, Kind, Node};
use crate::syntax::TextRange;
use std::collections::HashSet;
use std::rc::Rc;

/// A `$name` reference (not `$` or `$$`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub span: TextRange,
    /// True when the expression's own binding of the name is in force where the
    /// reference is evaluated (an earlier `:=` of its block or an enclosing one, a
    /// lambda parameter, a path's `@$x` or `#$i`), so the reference reads no workflow
    /// variable. In `($n := $n + 1; $n)` the first `$n` reads the workflow variable and
    /// the second the local one. In a lambda body a name its enclosing blocks bind
    /// anywhere counts as bound, since the body runs when called (a recursive
    /// function names itself).
    pub bound_locally: bool,
    /// True when the reference cannot fail for an unset variable because it is tested
    /// first: the whole argument of the built-in `$exists` (`$exists($name)`, false for
    /// an unset variable), or a read evaluated only when such a test came out true (the
    /// `then` branch of `$exists($name) ? ... : ...`, the right side of
    /// `$exists($name) and ...`).
    pub guarded: bool,
}

/// The variables a condition shows to be set when it holds (`$exists($v)`, `$exists($v)
/// and $v > 1`): what a Choice rule's `Condition` tells the state it leads to.
pub fn exists_when_true(cond: &Node) -> Vec<&str> {
    let mut out = Vec::new();
    asserted_exists(cond, &mut out);
    out
}

/// The names whose `$exists($name)` must be true for `cond` to be true: a call of the
/// built-in, or either side of an `and` (through parentheses).
fn asserted_exists<'a>(cond: &'a Node, out: &mut Vec<&'a str>) {
    match &cond.kind {
        Kind::Call { func, args } => {
            if let (Kind::Var(f), [arg]) = (&func.kind, args.as_slice())
                && f == "exists"
                && let Kind::Var(name) = &arg.kind
            {
                out.push(name);
            }
        }
        Kind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => {
            asserted_exists(lhs, out);
            asserted_exists(rhs, out);
        }
        Kind::Block(items) if items.len() == 1 => asserted_exists(&items[0], out),
        _ => {}
    }
}

/// One scope of [`variable_refs`]'s walk: a block, a lambda, or the whole expression.
struct Scope<'a> {
    /// Names bound so far, in evaluation order.
    bound: HashSet<&'a str>,
    /// Names bound anywhere in the scope (for references in lambda bodies).
    anywhere: HashSet<&'a str>,
    lambda: bool,
}

impl<'a> Scope<'a> {
    fn new(nodes: &[&'a Node], lambda: bool) -> Scope<'a> {
        let mut anywhere = HashSet::new();
        for n in nodes {
            n.walk(|m| {
                if let Kind::Bind { var, .. } = &m.kind {
                    anywhere.insert(var.name.as_str());
                }
            });
        }
        Scope {
            bound: HashSet::new(),
            anywhere,
            lambda,
        }
    }
}

/// Every `$name` reference in `node`, in source order. Function names in calls
/// (`$sum(...)`) are not included unless the expression binds the name; see
/// [`function_calls`].
pub fn variable_refs(node: &Node) -> Vec<VarRef> {
    // `@$x` and `#$i` bind for the rest of their path: taken as bound everywhere.
    let mut path_vars = HashSet::new();
    node.walk(|n| {
        if let Kind::Focus { var, .. } | Kind::Index { var, .. } = &n.kind {
            path_vars.insert(var.name.as_str());
        }
    });
    enum Step<'a> {
        /// A node, with the names an `$exists` test has shown to be set where it is
        /// evaluated.
        Visit(&'a Node, Rc<Vec<&'a str>>),
        Bound(&'a str),
        Leave,
    }
    let mut scopes = vec![Scope::new(&[node], false)];
    let mut out = Vec::new();
    // Iterative (an expression like `1+1+...+1` nests as deep as it is long).
    let none: Rc<Vec<&str>> = Rc::default();
    let mut stack = vec![Step::Visit(node, none)];
    while let Some(step) = stack.pop() {
        let (n, tested) = match step {
            Step::Visit(n, tested) => (n, tested),
            Step::Bound(name) => {
                if let Some(s) = scopes.last_mut() {
                    s.bound.insert(name);
                }
                continue;
            }
            Step::Leave => {
                scopes.pop();
                continue;
            }
        };
        let local = |scopes: &[Scope<'_>], name: &str| {
            path_vars.contains(name)
                || scopes.iter().any(|s| s.bound.contains(name))
                || (scopes.iter().any(|s| s.lambda)
                    && scopes.iter().any(|s| s.anywhere.contains(name)))
        };
        match &n.kind {
            Kind::Var(name) if !name.is_empty() && name != "$" => out.push(VarRef {
                name: name.clone(),
                span: n.span,
                bound_locally: local(&scopes, name),
                guarded: tested.contains(&name.as_str()),
            }),
            Kind::Block(items) => {
                let items: Vec<&Node> = items.iter().collect();
                scopes.push(Scope::new(&items, false));
                stack.push(Step::Leave);
                stack.extend(
                    items
                        .into_iter()
                        .rev()
                        .map(|i| Step::Visit(i, tested.clone())),
                );
            }
            // What a test shows for the branch or operand evaluated only when it holds.
            Kind::Cond {
                cond,
                then,
                otherwise,
            } => {
                if let Some(o) = otherwise {
                    stack.push(Step::Visit(o, tested.clone()));
                }
                stack.push(Step::Visit(
                    then,
                    with_tested(&tested, cond, &local, &scopes),
                ));
                stack.push(Step::Visit(cond, tested));
            }
            Kind::Binary {
                op: BinOp::And,
                lhs,
                rhs,
            } => {
                stack.push(Step::Visit(rhs, with_tested(&tested, lhs, &local, &scopes)));
                stack.push(Step::Visit(lhs, tested));
            }
            Kind::Lambda { params, body, .. } => {
                let mut scope = Scope::new(&[body], true);
                for p in params {
                    scope.bound.insert(p.name.as_str());
                    scope.anywhere.insert(p.name.as_str());
                }
                scopes.push(scope);
                stack.push(Step::Leave);
                // A function body runs when called, where nothing may have been tested.
                stack.push(Step::Visit(body, Rc::default()));
            }
            Kind::Bind { var, value } => {
                stack.push(Step::Bound(var.name.as_str()));
                stack.push(Step::Visit(value, tested));
            }
            Kind::Call { func, args } => {
                let exists_of = match (&func.kind, args.as_slice()) {
                    (Kind::Var(f), [arg]) if f == "exists" && !local(&scopes, f) => {
                        match &arg.kind {
                            Kind::Var(name) if !name.is_empty() && name != "$" => Some((arg, name)),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                match exists_of {
                    Some((arg, name)) => out.push(VarRef {
                        name: name.clone(),
                        span: arg.span,
                        bound_locally: local(&scopes, name),
                        guarded: true,
                    }),
                    None => stack.extend(args.iter().rev().map(|a| Step::Visit(a, tested.clone()))),
                }
                match &func.kind {
                    // A name the expression binds is a variable holding a function;
                    // any other is a built-in function.
                    Kind::Var(name) => {
                        if local(&scopes, name) {
                            out.push(VarRef {
                                name: name.clone(),
                                span: func.span,
                                bound_locally: true,
                                guarded: false,
                            });
                        }
                    }
                    _ => stack.push(Step::Visit(func, tested)),
                }
            }
            _ => {
                let mut kids = n.children();
                kids.reverse();
                stack.extend(kids.into_iter().map(|k| Step::Visit(k, tested.clone())));
            }
        }
    }
    out.sort_by_key(|v| v.span.start);
    out
}

/// `tested` with the names `cond` tests with the built-in `$exists` (not a local
/// function of that name) added.
fn with_tested<'a>(
    tested: &Rc<Vec<&'a str>>,
    cond: &'a Node,
    local: &impl Fn(&[Scope<'_>], &str) -> bool,
    scopes: &[Scope<'_>],
) -> Rc<Vec<&'a str>> {
    let mut names = Vec::new();
    if !local(scopes, "exists") {
        asserted_exists(cond, &mut names);
    }
    if names.is_empty() {
        return tested.clone();
    }
    let mut all = (**tested).clone();
    all.extend(names);
    Rc::new(all)
}

/// A call of a named function: `$name(args)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionCall {
    pub name: String,
    pub args: usize,
    /// The whole call.
    pub span: TextRange,
    /// The `$name` part.
    pub name_span: TextRange,
    /// Arity including an implicit first argument supplied by `~>`.
    pub chained: bool,
}

/// Every call of a `$name(...)` function, in source order. A call on the right of `~>`
/// gets the left side as an extra first argument (counted in `args`).
pub fn function_calls(node: &Node) -> Vec<FunctionCall> {
    let mut chained = HashSet::new();
    node.walk(|n| {
        if let Kind::Binary {
            op: BinOp::Chain,
            rhs,
            ..
        } = &n.kind
            && matches!(rhs.kind, Kind::Call { .. })
        {
            chained.insert(rhs.span);
        }
    });
    let mut out = Vec::new();
    node.walk(|n| {
        if let Kind::Call { func, args } = &n.kind
            && let Kind::Var(name) = &func.kind
        {
            let is_chained = chained.contains(&n.span);
            out.push(FunctionCall {
                name: name.clone(),
                args: args.len() + usize::from(is_chained),
                span: n.span,
                name_span: func.span,
                chained: is_chained,
            });
        }
    });
    out.sort_by_key(|c| c.span.start);
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatesField {
    Input,
    Result,
    ErrorOutput,
    Context,
    /// Some other field (`$states.foo`), which does not exist.
    Other(String),
    /// `$states` used as a whole.
    Whole,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatesRef {
    pub field: StatesField,
    /// The `$states.field` text (or `$states` for [`StatesField::Whole`]).
    pub span: TextRange,
}

/// Every use of the reserved `$states` variable, with the field it reads.
pub fn states_refs(node: &Node) -> Vec<StatesRef> {
    let mut out = Vec::new();
    let mut in_path = HashSet::new();
    node.walk(|n| {
        if let Kind::Binary {
            op: BinOp::Map,
            lhs,
            rhs,
        } = &n.kind
            && let Kind::Var(v) = &lhs.kind
            && v == "states"
        {
            in_path.insert(lhs.span);
            let field = match &rhs.kind {
                Kind::Name(f) => match f.as_str() {
                    "input" => StatesField::Input,
                    "result" => StatesField::Result,
                    "errorOutput" => StatesField::ErrorOutput,
                    "context" => StatesField::Context,
                    other => StatesField::Other(other.to_string()),
                },
                _ => StatesField::Whole,
            };
            let span = if field == StatesField::Whole {
                lhs.span
            } else {
                lhs.span.cover(rhs.span)
            };
            out.push(StatesRef { field, span });
        }
    });
    node.walk(|n| {
        if let Kind::Var(v) = &n.kind
            && v == "states"
            && !in_path.contains(&n.span)
        {
            out.push(StatesRef {
                field: StatesField::Whole,
                span: n.span,
            });
        }
    });
    out.sort_by_key(|r| r.span.start);
    out
}

/// Every `$states.context.A.B...` path: the names after `context`, each with its span,
/// up to the first step that is not a plain name. Only whole paths are listed (not
/// `$states.context.A` again inside `$states.context.A.B`).
pub fn states_context_paths(node: &Node) -> Vec<Vec<(String, TextRange)>> {
    states_paths(node, "context")
}

/// [`states_context_paths`] for any field of `$states` (`result`, `input`, ...).
pub fn states_paths(node: &Node, field: &str) -> Vec<Vec<(String, TextRange)>> {
    /// The names of a `$states.<field>...` chain of path steps, if `n` is one, and
    /// whether a step that is not a plain name ended the list.
    fn chain(n: &Node, field: &str) -> Option<(Vec<(String, TextRange)>, bool)> {
        let Kind::Binary {
            op: BinOp::Map,
            lhs,
            rhs,
        } = &n.kind
        else {
            return None;
        };
        let (mut names, ended) = match &lhs.kind {
            Kind::Var(v) if v == "states" => {
                return match &rhs.kind {
                    Kind::Name(f) if f == field => Some((Vec::new(), false)),
                    _ => None,
                };
            }
            _ => chain(lhs, field)?,
        };
        if ended {
            return Some((names, true));
        }
        match &rhs.kind {
            Kind::Name(f) => {
                names.push((f.clone(), rhs.span));
                Some((names, false))
            }
            _ => Some((names, true)),
        }
    }
    // A step of a longer path is the left-hand side of another `.`.
    let mut inner = HashSet::new();
    node.walk(|n| {
        if let Kind::Binary {
            op: BinOp::Map,
            lhs,
            ..
        } = &n.kind
        {
            inner.insert(lhs.span);
        }
    });
    let mut out = Vec::new();
    node.walk(|n| {
        if !inner.contains(&n.span)
            && let Some((names, _)) = chain(n, field)
            && !names.is_empty()
        {
            out.push(names);
        }
    });
    out.sort_by_key(|names| names[0].1.start);
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextUse {
    /// `$` outside any path step, predicate or function body.
    Dollar,
    /// `$$` (anywhere: it always means the root input).
    DoubleDollar,
    /// A bare field name, `*`, `**` or `%` that reads the context at the top level.
    Field(String),
}

/// Uses of the implicit input document, which Step Functions does not provide: `$` and
/// field names at the top level, and `$$` anywhere.
pub fn context_uses(node: &Node) -> Vec<(ContextUse, TextRange)> {
    let mut out = Vec::new();
    // (node, whether the context is the (absent) root document)
    let mut stack = vec![(node, true)];
    while let Some((n, top)) = stack.pop() {
        match &n.kind {
            Kind::Var(v) if v == "$" => out.push((ContextUse::DoubleDollar, n.span)),
            Kind::Var(v) if v.is_empty() && top => out.push((ContextUse::Dollar, n.span)),
            Kind::Name(f) if top => out.push((ContextUse::Field(f.clone()), n.span)),
            Kind::Wildcard if top => out.push((ContextUse::Field("*".into()), n.span)),
            Kind::Descendants if top => out.push((ContextUse::Field("**".into()), n.span)),
            Kind::Parent if top => out.push((ContextUse::Field("%".into()), n.span)),
            Kind::Binary {
                op: BinOp::Map,
                lhs,
                rhs,
            } => {
                stack.push((rhs, false));
                stack.push((lhs, top));
            }
            Kind::Filter { expr, pred } => {
                stack.push((pred, false));
                stack.push((expr, top));
            }
            Kind::Group { expr, pairs } => {
                for (k, v) in pairs {
                    stack.push((v, false));
                    stack.push((k, false));
                }
                stack.push((expr, top));
            }
            Kind::Sort { expr, terms } => {
                for t in terms {
                    stack.push((&t.expr, false));
                }
                stack.push((expr, top));
            }
            // A lambda's body reads the context where the lambda is written (JSONata
            // keeps it with the function), so a bare name in a function written at
            // the top level reads nothing: AWS refuses `function($x) { b }` there.
            Kind::Transform { .. } => {
                for c in n.children() {
                    stack.push((c, false));
                }
            }
            _ => {
                for c in n.children().into_iter().rev() {
                    stack.push((c, top));
                }
            }
        }
    }
    out.sort_by_key(|(_, s)| s.start);
    out
}

/// A built-in function and how many arguments it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Builtin {
    /// Name without `$`.
    pub name: &'static str,
    pub min_args: usize,
    /// `None`: any number.
    pub max_args: Option<usize>,
    /// Added by Step Functions (not in standard JSONata).
    pub aws_only: bool,
}

const fn b(name: &'static str, min_args: usize, max: usize) -> Builtin {
    Builtin {
        name,
        min_args,
        max_args: Some(max),
        aws_only: false,
    }
}
const fn aws(name: &'static str, min_args: usize, max: usize) -> Builtin {
    Builtin {
        name,
        min_args,
        max_args: Some(max),
        aws_only: true,
    }
}

/// The functions available in Step Functions JSONata expressions. Functions whose first
/// argument defaults to the context value have `min_args` 0.
pub const BUILTINS: &[Builtin] = &[
    b("sum", 1, 1),
    b("count", 1, 1),
    b("max", 1, 1),
    b("min", 1, 1),
    b("average", 1, 1),
    b("string", 0, 2),
    b("substring", 2, 3),
    b("substringBefore", 1, 2),
    b("substringAfter", 1, 2),
    b("lowercase", 0, 1),
    b("uppercase", 0, 1),
    b("length", 0, 1),
    b("trim", 0, 1),
    b("pad", 2, 3),
    b("match", 1, 3),
    b("contains", 1, 2),
    b("replace", 2, 4),
    b("split", 1, 3),
    b("join", 1, 2),
    b("formatNumber", 2, 3),
    b("formatBase", 1, 2),
    b("formatInteger", 2, 2),
    b("parseInteger", 2, 2),
    b("number", 0, 1),
    b("floor", 1, 1),
    b("ceil", 1, 1),
    b("round", 1, 2),
    b("abs", 1, 1),
    b("sqrt", 1, 1),
    b("power", 2, 2),
    b("boolean", 1, 1),
    b("not", 1, 1),
    b("map", 2, 2),
    b("zip", 1, usize::MAX),
    b("filter", 2, 2),
    b("single", 1, 2),
    b("reduce", 2, 3),
    b("sift", 1, 2),
    b("keys", 1, 1),
    b("lookup", 2, 2),
    b("append", 2, 2),
    b("exists", 1, 1),
    b("spread", 1, 1),
    b("merge", 1, 1),
    b("reverse", 1, 1),
    b("each", 1, 2),
    b("error", 0, 1),
    b("assert", 1, 2),
    b("type", 1, 1),
    b("sort", 1, 2),
    b("shuffle", 1, 1),
    b("distinct", 1, 1),
    b("base64encode", 0, 1),
    b("base64decode", 0, 1),
    b("encodeUrlComponent", 1, 1),
    b("encodeUrl", 1, 1),
    b("decodeUrlComponent", 1, 1),
    b("decodeUrl", 1, 1),
    b("toMillis", 1, 2),
    b("fromMillis", 1, 3),
    b("clone", 1, 1),
    b("now", 0, 2),
    b("millis", 0, 0),
    // Step Functions additions ($random also takes an optional seed in AWS).
    aws("random", 0, 1),
    aws("partition", 2, 2),
    aws("range", 3, 3),
    aws("hash", 2, 2),
    aws("uuid", 0, 0),
    aws("parse", 1, 1),
];

/// Standard JSONata functions that Step Functions does not provide, with the advice AWS gives.
pub const UNSUPPORTED: &[(&str, &str)] =
    &[("eval", "use $parse to turn a JSON string into a value")];

/// Looks up a built-in by name (without `$`).
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The JSON type of a value a JSONata expression can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Number,
    String,
    Boolean,
    Null,
    Array,
    Object,
    Function,
}

impl ValueType {
    /// "a number", "an array", ...
    pub fn described(self) -> &'static str {
        match self {
            ValueType::Number => "a number",
            ValueType::String => "a string",
            ValueType::Boolean => "a boolean",
            ValueType::Null => "null",
            ValueType::Array => "an array",
            ValueType::Object => "an object",
            ValueType::Function => "a function",
        }
    }
}

/// What the built-in function `name` gives whenever it gives anything (most give
/// nothing, i.e. undefined, for an undefined argument). Only functions whose result
/// has one type: `$keys`, `$map`, `$sort` and the like return a single value instead
/// of an array of one, so they are not listed.
fn builtin_result(name: &str) -> Option<ValueType> {
    use ValueType::{Array, Boolean, Number, String};
    Some(match name {
        "string" | "substring" | "substringBefore" | "substringAfter" | "uppercase"
        | "lowercase" | "trim" | "pad" | "join" | "replace" | "formatNumber" | "formatBase"
        | "formatInteger" | "base64encode" | "base64decode" | "encodeUrlComponent"
        | "encodeUrl" | "decodeUrlComponent" | "decodeUrl" | "now" | "fromMillis" | "uuid"
        | "hash" => String,
        "number" | "abs" | "floor" | "ceil" | "round" | "power" | "sqrt" | "random" | "sum"
        | "max" | "min" | "average" | "count" | "length" | "millis" | "toMillis"
        | "parseInteger" => Number,
        "boolean" | "not" | "exists" | "contains" => Boolean,
        "split" | "partition" | "range" => Array,
        _ => return None,
    })
}

/// The one type that `node` gives whenever it gives a value, when the expression
/// alone decides it: literals, constructors, operators (`+` gives a number, `=` a
/// boolean, `&` a string), blocks, conditionals whose branches agree, and calls of
/// built-in functions with one result type. `None` when it depends on the data
/// (paths, variables) or could be of several types. Names in `bound` are functions
/// or variables the expression defines itself, which hide the built-ins.
pub fn result_type(node: &Node, bound: &HashSet<String>) -> Option<ValueType> {
    // Blocks and binds nest only as deep as the parser allowed; follow their last
    // expression in a loop all the same.
    let mut node = node;
    loop {
        return match &node.kind {
            Kind::Str(_) => Some(ValueType::String),
            Kind::Num(_) => Some(ValueType::Number),
            Kind::Bool(_) => Some(ValueType::Boolean),
            Kind::Null => Some(ValueType::Null),
            Kind::Neg(_) => Some(ValueType::Number),
            Kind::Array(_) => Some(ValueType::Array),
            Kind::Object(_) => Some(ValueType::Object),
            Kind::Lambda { .. } => Some(ValueType::Function),
            Kind::Binary { op, lhs, rhs } => match op {
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                    Some(ValueType::Number)
                }
                BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::And
                | BinOp::Or
                | BinOp::In => Some(ValueType::Boolean),
                BinOp::Concat => Some(ValueType::String),
                BinOp::Elvis | BinOp::Coalesce => {
                    let l = result_type(lhs, bound)?;
                    (result_type(rhs, bound)? == l).then_some(l)
                }
                BinOp::Map | BinOp::Chain | BinOp::Range => None,
            },
            Kind::Block(items) => {
                node = items.last()?;
                continue;
            }
            Kind::Bind { value, .. } => {
                node = value;
                continue;
            }
            Kind::Cond {
                then, otherwise, ..
            } => {
                let t = result_type(then, bound)?;
                (result_type(otherwise.as_ref()?, bound)? == t).then_some(t)
            }
            Kind::Call { func, args } => match &func.kind {
                Kind::Var(name) if !bound.contains(name) && builtin(name).is_some() => {
                    // A call with a `?` argument is a partial application: a function.
                    if args.iter().any(|a| matches!(a.kind, Kind::Placeholder)) {
                        Some(ValueType::Function)
                    } else {
                        builtin_result(name)
                    }
                }
                _ => None,
            },
            _ => None,
        };
    }
}

/// The number `node` always gives when it is written out with literals alone: `5`,
/// `-1`, `(60 * 5)`, `1.5 + 1`. `None` for anything that reads data, calls a function
/// or does not give a finite number.
pub fn constant_number(node: &Node) -> Option<f64> {
    fn fold(node: &Node, depth: usize) -> Option<f64> {
        if depth > 64 {
            return None;
        }
        let n = match &node.kind {
            Kind::Num(n) => *n,
            Kind::Neg(e) => -fold(e, depth + 1)?,
            Kind::Block(items) if items.len() == 1 => fold(&items[0], depth + 1)?,
            Kind::Binary { op, lhs, rhs } => {
                let (l, r) = (fold(lhs, depth + 1)?, fold(rhs, depth + 1)?);
                match op {
                    BinOp::Add => l + r,
                    BinOp::Sub => l - r,
                    BinOp::Mul => l * r,
                    BinOp::Div => l / r,
                    BinOp::Mod => l % r,
                    _ => return None,
                }
            }
            _ => return None,
        };
        n.is_finite().then_some(n)
    }
    fold(node, 0)
}

/// The names an expression binds itself (`$x := ...`, lambda parameters).
pub fn bound_names(node: &Node) -> HashSet<String> {
    let mut bound = HashSet::new();
    node.walk(|n| match &n.kind {
        Kind::Bind { var, .. } => {
            bound.insert(var.name.clone());
        }
        Kind::Lambda { params, .. } => {
            bound.extend(params.iter().map(|p| p.name.clone()));
        }
        _ => {}
    });
    bound
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::jsonata::parse;

    #[test]
    fn a_local_binding_counts_from_where_it_is_made() {
        let refs = |src: &str| -> Vec<(String, bool)> {
            variable_refs(&parse(src).unwrap())
                .into_iter()
                .map(|v| (v.name, v.bound_locally))
                .collect()
        };
        let r = |pairs: &[(&str, bool)]| -> Vec<(String, bool)> {
            pairs.iter().map(|(n, b)| (n.to_string(), *b)).collect()
        };
        // The value of a binding is read before the name is bound.
        assert_eq!(refs("($n := $n + 1; $n)"), r(&[("n", false), ("n", true)]));
        // A block's bindings end with it.
        assert_eq!(refs("(($x := 1); $x)"), r(&[("x", false)]));
        // A lambda sees what its enclosing block binds, later ones included
        // (recursion), and its parameters.
        assert_eq!(
            refs("($f := function($k) { $k > 0 ? $f($k - 1) : $base }; $f(3))"),
            r(&[
                ("k", true),
                ("f", true),
                ("k", true),
                ("base", false),
                ("f", true)
            ])
        );
        // Path variables, and a built-in called by name.
        assert_eq!(
            refs("$states.input.items@$i.($i.price * $rate) ~> $sum()"),
            r(&[("states", false), ("i", true), ("rate", false)])
        );
    }

    #[test]
    fn an_exists_test_guards_what_is_evaluated_only_when_it_holds() {
        let refs = |src: &str| -> Vec<(String, bool)> {
            variable_refs(&parse(src).unwrap())
                .into_iter()
                .map(|v| (v.name, v.guarded))
                .collect()
        };
        let v = |guarded: bool| ("v".to_string(), guarded);
        // The test itself, the right of `and`, the `then` branch (through parentheses
        // and other conditions joined by `and`).
        assert_eq!(refs("$exists($v) and $v > 1"), [v(true), v(true)]);
        assert_eq!(refs("$exists($v) ? $v : 0"), [v(true), v(true)]);
        assert_eq!(
            refs("($x > 1 and ($exists($v))) ? $v.a + 1 : 0"),
            [("x".to_string(), false), v(true), v(true)]
        );
        // Not where an unset variable reaches: the `else` branch, a negated test, the
        // left of `and`, beside the test, `or`, a function body.
        assert_eq!(refs("$exists($v) ? 0 : $v"), [v(true), v(false)]);
        assert_eq!(refs("$not($exists($v)) ? $v.a : 0"), [v(true), v(false)]);
        assert_eq!(refs("$v.x > 1 and $exists($v)"), [v(false), v(true)]);
        assert_eq!(refs("[$exists($v), $v.x]"), [v(true), v(false)]);
        assert_eq!(refs("$exists($v) or $v.x"), [v(true), v(false)]);
        assert_eq!(
            refs("$exists($v) ? function($y) { $v } : 0"),
            [v(true), v(false)]
        );
        // Only the whole argument of the built-in: not a path, not another function.
        assert_eq!(refs("$exists($v.a)"), [v(false)]);
        assert_eq!(refs("$count($v)"), [v(false)]);
        assert_eq!(
            refs("($exists := function($x) { $x }; $exists($v))"),
            [
                ("x".to_string(), false),
                ("exists".to_string(), false),
                ("v".to_string(), false)
            ]
        );
    }

    #[test]
    fn finds_variables_and_calls_with_ranges() {
        let src = "($t := $sum($states.input.items.price); $t * $rate ~> $round(2))";
        let n = parse(src).unwrap();
        let vars = variable_refs(&n);
        let names: Vec<_> = vars
            .iter()
            .map(|v| (v.name.as_str(), v.span.start, v.bound_locally))
            .collect();
        assert_eq!(
            names,
            [("states", 12, false), ("t", 40, true), ("rate", 45, false)]
        );
        let calls = function_calls(&n);
        assert_eq!(calls.len(), 2);
        assert_eq!(
            (calls[0].name.as_str(), calls[0].args, calls[0].span),
            ("sum", 1, TextRange::new(7, 38))
        );
        assert_eq!(
            (calls[1].name.as_str(), calls[1].args, calls[1].chained),
            ("round", 2, true)
        );
        assert_eq!(calls[1].name_span, TextRange::new(54, 60));
    }

    #[test]
    fn finds_states_fields() {
        let n = parse("$states.input.a & $states.result & $states.foo & $count($states)").unwrap();
        let refs = states_refs(&n);
        let fields: Vec<_> = refs.iter().map(|r| (r.field.clone(), r.span)).collect();
        assert_eq!(
            fields,
            [
                (StatesField::Input, TextRange::new(0, 13)),
                (StatesField::Result, TextRange::new(18, 32)),
                (StatesField::Other("foo".into()), TextRange::new(35, 46)),
                (StatesField::Whole, TextRange::new(56, 63)),
            ]
        );
    }

    #[test]
    fn finds_top_level_context_uses() {
        let n =
            parse("$.a & b & $$.c & $states.input.items[price > 1].{'x': $.y, 'z': w}").unwrap();
        let uses = context_uses(&n);
        assert_eq!(
            uses,
            [
                (ContextUse::Dollar, TextRange::new(0, 1)),
                (ContextUse::Field("b".into()), TextRange::new(6, 7)),
                (ContextUse::DoubleDollar, TextRange::new(10, 12)),
            ]
        );
        assert!(
            context_uses(&parse("$map($states.input, function($v){ $v.x })").unwrap()).is_empty()
        );
        // A function written at the top level reads the top-level context; one written
        // inside a path step reads that step's.
        assert_eq!(
            context_uses(&parse("$map($states.input.a, function($x){ b })").unwrap()),
            [(ContextUse::Field("b".into()), TextRange::new(36, 37))]
        );
        assert!(
            context_uses(&parse("$states.input.a.($f := function($x){ b }; $f(1))").unwrap())
                .is_empty()
        );
    }

    #[test]
    fn result_types() {
        let ty = |src: &str| {
            let tree = parse(src).unwrap();
            result_type(&tree, &bound_names(&tree))
        };
        use ValueType::*;
        assert_eq!(ty("'yes'"), Some(String));
        assert_eq!(ty("$states.input.n + 1"), Some(Number));
        assert_eq!(ty("-$x"), Some(Number));
        assert_eq!(ty("$a > 1 and $b"), Some(Boolean));
        assert_eq!(ty("$a & 'x'"), Some(String));
        assert_eq!(ty("[$a]"), Some(Array));
        assert_eq!(ty("{'a': 1}"), Some(Object));
        assert_eq!(ty("($x := 5; $x * 2)"), Some(Number));
        assert_eq!(ty("$a ? 1 : 2"), Some(Number));
        assert_eq!(ty("$a ? 1 : 'two'"), None);
        assert_eq!(ty("$a ? 1"), None);
        assert_eq!(ty("$string($a)"), Some(String));
        assert_eq!(ty("$exists($a)"), Some(Boolean));
        assert_eq!(ty("$split($a, ',')"), Some(Array));
        assert_eq!(ty("$substring(?, 1)"), Some(Function));
        // Data, variables and functions whose result type varies: unknown.
        assert_eq!(ty("$states.input.ok"), None);
        assert_eq!(ty("$ok"), None);
        assert_eq!(ty("$keys($o)"), None);
        assert_eq!(ty("$a ~> $string()"), None);
        // A function the expression defines hides the built-in of that name.
        assert_eq!(ty("($string := function($v){ $v > 1 }; $string(2))"), None);
    }

    #[test]
    fn builtin_table() {
        assert_eq!(
            builtin("substring").map(|b| (b.min_args, b.max_args)),
            Some((2, Some(3)))
        );
        assert!(builtin("partition").unwrap().aws_only);
        assert!(builtin("eval").is_none());
        assert_eq!(UNSUPPORTED[0].0, "eval");
    }
}
