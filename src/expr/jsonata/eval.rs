//! Evaluator: lowers the syntax tree into paths with steps, stages and bindings, then
//! evaluates it over [`Val`] with JSONata's sequence semantics (singleton collapse,
//! flattening, `undefined` distinct from `null`).

use super::JsonataError;
use super::ast::{BinOp, Kind, Node};
use super::budget::{Budget, Exhausted, Meter};
use super::functions;
use super::signature::Signature;
use super::value::{ArrFlags, Obj, Val, deep_equal, format_number, out_of_range};
use crate::syntax::TextRange;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

pub type R<T> = Result<T, JsonataError>;

// ---------------------------------------------------------------------------------------
// Lowered form
// ---------------------------------------------------------------------------------------

pub struct E {
    pub(crate) ir: Ir,
    pub(crate) span: TextRange,
    /// Predicates on a non-path expression (applied to the whole result).
    preds: Vec<E>,
    group: Option<Vec<(E, E)>>,
    keep_array: bool,
    /// A block or path that a `%` reaches into: as a step it hands its tuple stream
    /// (context plus the ancestor bindings made inside it) to the enclosing path.
    tuples: bool,
}

pub(crate) enum Ir {
    Lit(Val),
    Regex(Rc<fancy_regex::Regex>),
    Name(Rc<str>),
    Var(Rc<str>),
    Wildcard,
    Descendants,
    /// `%` resolved to the binding slot of the ancestor step.
    Parent(Rc<str>),
    Neg(Box<E>),
    Bin(BinOp, Box<E>, Box<E>),
    Path(Box<PathIr>),
    /// Items (flag: the item is itself an array constructor) and whether the
    /// constructor is a path step (its result is then not flattened).
    Array(Vec<(E, bool)>, bool),
    Object(Vec<(E, E)>),
    Cond(Box<E>, Box<E>, Option<Box<E>>),
    Block(Vec<E>),
    Bind(Rc<str>, Box<E>),
    Lambda(Rc<LambdaDef>),
    Call(Box<E>, Vec<Option<E>>),
    Chain(Box<E>, Box<E>),
    Transform(Rc<TransformDef>),
    Sort(Vec<(E, bool)>),
}

/// A context value with the tuple bindings that came with it.
type GroupItem = (Option<Val>, Vec<(Rc<str>, Val)>);

pub(crate) struct PathIr {
    steps: Vec<Step>,
    keep_single: bool,
    group: Option<Vec<(E, E)>>,
    tuple: bool,
    /// `$@$v` with no step after it: jsonata-js only makes a path of a focus binding on
    /// a field step, so on any other expression the binding is inert and the value is
    /// the expression's own.
    lone_focus: bool,
}

struct Step {
    e: E,
    stages: Vec<Stage>,
    focus: Option<Rc<str>>,
    index: Option<Rc<str>>,
    /// Label under which this step's context is remembered for `%`.
    ancestor: Vec<Rc<str>>,
    tuple: bool,
    cons: bool,
}

enum Stage {
    Filter(E),
    Index(Rc<str>),
}

pub struct LambdaDef {
    pub(crate) params: Vec<Rc<str>>,
    pub(crate) sig: Option<Signature>,
    body: E,
}

pub struct TransformDef {
    pattern: E,
    update: E,
    delete: Option<E>,
}

fn e(ir: Ir, span: TextRange) -> E {
    E {
        ir,
        span,
        preds: Vec::new(),
        group: None,
        keep_array: false,
        tuples: false,
    }
}

struct Lowerer {
    next_label: usize,
    /// Outstanding `%` references: (label, levels still to climb).
    seeking: Vec<(Rc<str>, usize)>,
}

fn err(code: &'static str, msg: impl Into<String>, span: TextRange) -> JsonataError {
    JsonataError::new(code, msg, span)
}

impl Lowerer {
    fn step_of(&mut self, mut x: E) -> Step {
        let cons = matches!(x.ir, Ir::Array(..));
        if let Ir::Array(_, c) = &mut x.ir {
            *c = true;
        }
        Step {
            e: x,
            stages: Vec::new(),
            focus: None,
            index: None,
            ancestor: Vec::new(),
            tuple: false,
            cons,
        }
    }

    fn as_path(&mut self, x: E) -> PathIr {
        match x.ir {
            Ir::Path(p) if x.preds.is_empty() && x.group.is_none() => {
                // every caller adds to the path, so a lone focus binding takes effect
                let mut p = *p;
                p.lone_focus = false;
                p
            }
            _ => {
                let keep = x.keep_array;
                let s = self.step_of(x);
                PathIr {
                    steps: vec![s],
                    keep_single: keep,
                    group: None,
                    tuple: false,
                    lone_focus: false,
                }
            }
        }
    }

    fn lower(&mut self, n: &Node) -> R<E> {
        let span = n.span;
        Ok(match &n.kind {
            Kind::Str(s) => e(Ir::Lit(Val::str(s)), span),
            Kind::Num(x) => e(Ir::Lit(Val::Num(*x)), span),
            Kind::Bool(b) => e(Ir::Lit(Val::Bool(*b)), span),
            Kind::Null => e(Ir::Lit(Val::Null), span),
            Kind::Regex { pattern, flags } => {
                let mut p = String::new();
                if flags.contains('i') {
                    p.push_str("(?i)");
                }
                if flags.contains('m') {
                    p.push_str("(?m)");
                }
                p.push_str(pattern);
                let re = compiled_regex(&p)
                    .map_err(|x| err("S0303", format!("Invalid regular expression: {x}"), span))?;
                e(Ir::Regex(re), span)
            }
            Kind::Name(name) => {
                let s = self.step_of(e(Ir::Name(Rc::from(name.as_str())), span));
                e(
                    Ir::Path(Box::new(PathIr {
                        steps: vec![s],
                        keep_single: false,
                        group: None,
                        tuple: false,
                        lone_focus: false,
                    })),
                    span,
                )
            }
            Kind::Var(v) => e(Ir::Var(Rc::from(v.as_str())), span),
            Kind::Wildcard => e(Ir::Wildcard, span),
            Kind::Descendants => e(Ir::Descendants, span),
            Kind::Parent => {
                let label: Rc<str> = Rc::from(format!("!{}", self.next_label).as_str());
                self.next_label += 1;
                self.seeking.push((label.clone(), 1));
                e(Ir::Parent(label), span)
            }
            Kind::Placeholder => {
                return Err(err(
                    "S0211",
                    "The symbol \"?\" cannot be used as a unary operator",
                    span,
                ));
            }
            Kind::Neg(x) => {
                let inner = self.lower(x)?;
                if let Ir::Lit(Val::Num(v)) = inner.ir {
                    e(Ir::Lit(Val::Num(-v)), span)
                } else {
                    e(Ir::Neg(Box::new(inner)), span)
                }
            }
            Kind::Binary {
                op: BinOp::Map,
                lhs,
                rhs,
            } => self.lower_map(lhs, rhs, span)?,
            Kind::Binary { op, lhs, rhs } => {
                let l = self.lower(lhs)?;
                let r = self.lower(rhs)?;
                if *op == BinOp::Chain {
                    e(Ir::Chain(Box::new(l), Box::new(r)), span)
                } else {
                    e(Ir::Bin(*op, Box::new(l), Box::new(r)), span)
                }
            }
            Kind::Array(items) => {
                let mut out = Vec::new();
                for it in items {
                    let cons = matches!(it.kind, Kind::Array(_));
                    out.push((self.lower(it)?, cons));
                }
                e(Ir::Array(out, false), span)
            }
            Kind::Object(pairs) => e(Ir::Object(self.pairs(pairs)?), span),
            Kind::Group { expr, pairs } => {
                let mut x = self.lower(expr)?;
                let g = self.pairs(pairs)?;
                match &mut x.ir {
                    Ir::Path(p) if x.preds.is_empty() => {
                        if p.group.is_some() {
                            return Err(err(
                                "S0210",
                                "Each step can only have one grouping expression",
                                span,
                            ));
                        }
                        p.group = Some(g);
                    }
                    _ => {
                        if x.group.is_some() {
                            return Err(err(
                                "S0210",
                                "Each step can only have one grouping expression",
                                span,
                            ));
                        }
                        x.group = Some(g);
                    }
                }
                x.span = span;
                x
            }
            Kind::Filter { expr, pred } => {
                let mut x = self.lower(expr)?;
                let mark = self.seeking.len();
                let p = self.lower(pred)?;
                let entries = self.seeking.split_off(mark);
                match &mut x.ir {
                    Ir::Path(path) if x.preds.is_empty() && x.group.is_none() => {
                        if path.group.is_some() {
                            return Err(err(
                                "S0209",
                                "A predicate cannot follow a grouping expression in a step",
                                span,
                            ));
                        }
                        let n = path.steps.len();
                        let still = resolve_parents(path, n, entries)?;
                        self.seeking.extend(still);
                        let last = path.steps.last_mut().expect("paths have steps");
                        last.stages.push(Stage::Filter(p));
                    }
                    _ => {
                        // `(a.b)[%.x]`, `%[%.x]`: the parent is sought inside the
                        // filtered expression; what is left climbs on out of it.
                        for (label, level) in entries {
                            let rest = seek_expr(&mut x, &label, level)?;
                            if rest > 0 {
                                self.seeking.push((label, rest));
                            }
                        }
                        if x.group.is_some() {
                            return Err(err(
                                "S0209",
                                "A predicate cannot follow a grouping expression in a step",
                                span,
                            ));
                        }
                        x.preds.push(p);
                    }
                }
                x.span = span;
                x
            }
            Kind::KeepArray(expr) => {
                let mut x = self.lower(expr)?;
                match &mut x.ir {
                    Ir::Path(p) => p.keep_single = true,
                    _ => x.keep_array = true,
                }
                x.span = span;
                x
            }
            Kind::Focus { expr, var } | Kind::Index { expr, var } => {
                let is_focus = matches!(n.kind, Kind::Focus { .. });
                let x = self.lower(expr)?;
                let lone = is_focus && !matches!(x.ir, Ir::Path(_));
                let mut path = self.as_path(x);
                path.lone_focus = lone;
                let name: Rc<str> = Rc::from(var.name.as_str());
                let last = path.steps.last_mut().expect("paths have steps");
                if is_focus {
                    if !last.stages.is_empty() || !last.e.preds.is_empty() {
                        return Err(err(
                            "S0215",
                            "A context variable binding must precede any predicates on a step",
                            var.span,
                        ));
                    }
                    if matches!(last.e.ir, Ir::Sort(_)) {
                        return Err(err(
                            "S0216",
                            "A context variable binding must precede the 'order-by' clause on a step",
                            var.span,
                        ));
                    }
                    last.focus = Some(name);
                } else if last.stages.is_empty() {
                    last.index = Some(name);
                } else {
                    last.stages.push(Stage::Index(name));
                }
                last.tuple = true;
                path.tuple = true;
                e(Ir::Path(Box::new(path)), span)
            }
            Kind::Sort { expr, terms } => {
                let x = self.lower(expr)?;
                let mut path = self.as_path(x);
                let mut ts = Vec::new();
                let mark = self.seeking.len();
                for t in terms {
                    ts.push((self.lower(&t.expr)?, t.descending));
                }
                let entries = self.seeking.split_off(mark);
                let n = path.steps.len();
                let still = resolve_parents(&mut path, n, entries)?;
                self.seeking.extend(still);
                let s = self.step_of(e(Ir::Sort(ts), span));
                path.steps.push(s);
                e(Ir::Path(Box::new(path)), span)
            }
            Kind::Cond {
                cond,
                then,
                otherwise,
            } => {
                let c = self.lower(cond)?;
                let t = self.lower(then)?;
                let o = match otherwise {
                    Some(o) => Some(Box::new(self.lower(o)?)),
                    None => None,
                };
                e(Ir::Cond(Box::new(c), Box::new(t), o), span)
            }
            Kind::Block(items) => {
                let mut out = Vec::new();
                for it in items {
                    out.push(self.lower(it)?);
                }
                e(Ir::Block(out), span)
            }
            Kind::Bind { var, value } => {
                let v = self.lower(value)?;
                e(Ir::Bind(Rc::from(var.name.as_str()), Box::new(v)), span)
            }
            Kind::Lambda {
                params,
                signature,
                body,
            } => {
                let sig = match signature {
                    Some(s) => Some(Signature::parse(s)?),
                    None => None,
                };
                let body = self.lower(body)?;
                let def = LambdaDef {
                    params: params.iter().map(|p| Rc::from(p.name.as_str())).collect(),
                    sig,
                    body,
                };
                e(Ir::Lambda(Rc::new(def)), span)
            }
            Kind::Call { func, args } => {
                let mark = self.seeking.len();
                let f = self.lower(func)?;
                if matches!(f.ir, Ir::Parent(_)) {
                    self.seeking.truncate(mark);
                }
                let mut out = Vec::new();
                for a in args {
                    out.push(if a.kind == Kind::Placeholder {
                        None
                    } else {
                        Some(self.lower(a)?)
                    });
                }
                e(Ir::Call(Box::new(f), out), span)
            }
            Kind::Transform {
                pattern,
                update,
                delete,
            } => {
                let def = TransformDef {
                    pattern: self.lower(pattern)?,
                    update: self.lower(update)?,
                    delete: match delete {
                        Some(d) => Some(self.lower(d)?),
                        None => None,
                    },
                };
                e(Ir::Transform(Rc::new(def)), span)
            }
        })
    }

    fn pairs(&mut self, pairs: &[(Node, Node)]) -> R<Vec<(E, E)>> {
        let mut out = Vec::new();
        for (k, v) in pairs {
            out.push((self.lower(k)?, self.lower(v)?));
        }
        Ok(out)
    }

    fn lower_map(&mut self, lhs: &Node, rhs: &Node, span: TextRange) -> R<E> {
        let l = self.lower(lhs)?;
        let mut path = self.as_path(l);
        let outer_seeking = std::mem::take(&mut self.seeking);
        let r = self.lower(rhs)?;
        let mut new_steps = match r.ir {
            Ir::Path(p) if r.preds.is_empty() && r.group.is_none() => {
                if p.keep_single {
                    path.keep_single = true;
                }
                if p.tuple {
                    path.tuple = true;
                }
                if let Some(g) = p.group {
                    path.group = Some(g);
                }
                p.steps
            }
            _ => {
                let mut r = r;
                let preds = std::mem::take(&mut r.preds);
                let keep = r.keep_array;
                let mut s = self.step_of(r);
                s.stages = preds.into_iter().map(Stage::Filter).collect();
                if keep {
                    path.keep_single = true;
                }
                vec![s]
            }
        };
        if path.steps.len() == 1
            && let Ir::Lit(Val::Str(name)) = &path.steps[0].e.ir
        {
            let name = name.clone();
            path.steps[0].e.ir = Ir::Name(name);
        }
        for s in &mut new_steps {
            match &s.e.ir {
                Ir::Lit(Val::Str(name)) => {
                    let name = name.clone();
                    s.e.ir = Ir::Name(name);
                }
                Ir::Lit(v) => {
                    let shown = match v {
                        Val::Num(n) => format_number(*n),
                        Val::Bool(b) => b.to_string(),
                        _ => "null".into(),
                    };
                    return Err(err(
                        "S0213",
                        format!(
                            "The literal value {shown} cannot be used as a step within a path expression"
                        ),
                        s.e.span,
                    ));
                }
                _ => {}
            }
        }
        // Resolve `%` references from the new steps against the steps before them.
        let entries = std::mem::take(&mut self.seeking);
        let lhs_len = path.steps.len();
        let still = resolve_parents(&mut path, lhs_len, entries)?;
        path.steps.extend(new_steps);
        if path.steps.iter().any(|s| !s.ancestor.is_empty()) {
            path.tuple = true;
        }
        self.seeking = outer_seeking;
        self.seeking.extend(still);
        Ok(e(Ir::Path(Box::new(path)), span))
    }
}

/// Resolves each `%` reference (label, levels to climb) against the steps before
/// `from`, as jsonata-js's ancestry analysis does; returns the references that climb out
/// of this path.
fn resolve_parents(
    path: &mut PathIr,
    from: usize,
    entries: Vec<(Rc<str>, usize)>,
) -> R<Vec<(Rc<str>, usize)>> {
    let mut still = Vec::new();
    for (label, level) in entries {
        let rest = seek_steps(&mut path.steps, from, &label, level)?;
        if rest > 0 {
            still.push((label, rest));
        }
    }
    if path.steps.iter().any(|s| s.tuple) {
        path.tuple = true;
    }
    Ok(still)
}

/// Climbs back through `steps[..from]`, `level` steps up; returns the levels still to
/// climb (0: a step now remembers its input under `label`). Contiguous steps that bind
/// the focus (`a@$x.b@$y`) leave the context where it was, so they count as one step.
fn seek_steps(steps: &mut [Step], from: usize, label: &Rc<str>, mut level: usize) -> R<usize> {
    let mut idx = from.min(steps.len());
    while level > 0 && idx > 0 {
        idx -= 1;
        while idx > 0 && steps[idx].focus.is_some() && steps[idx - 1].focus.is_some() {
            idx -= 1;
        }
        level = seek_step(&mut steps[idx], label, level)?;
    }
    Ok(level)
}

/// One step of the climb: a field or wildcard step is one level (the last one records
/// its input context), a `%` step is one level further down, a sort keeps the context,
/// and a block or nested path is climbed through from its end.
fn seek_step(step: &mut Step, label: &Rc<str>, level: usize) -> R<usize> {
    match &step.e.ir {
        Ir::Name(_) | Ir::Wildcard => {
            if level == 1 {
                step.ancestor.push(label.clone());
                step.tuple = true;
            }
            Ok(level - 1)
        }
        Ir::Sort(_) => Ok(level),
        Ir::Parent(_) | Ir::Block(_) | Ir::Path(_) => {
            let rest = seek_expr(&mut step.e, label, level)?;
            if step.e.tuples {
                step.tuple = true;
            }
            Ok(rest)
        }
        _ => Err(no_parent(step.e.span)),
    }
}

/// The climb into an expression used as a step or filtered by a predicate.
fn seek_expr(x: &mut E, label: &Rc<str>, level: usize) -> R<usize> {
    match &mut x.ir {
        Ir::Parent(_) => Ok(level + 1),
        Ir::Block(items) => match items.last_mut() {
            Some(last) => {
                let rest = seek_expr(last, label, level)?;
                x.tuples = true;
                Ok(rest)
            }
            None => Ok(level),
        },
        Ir::Path(p) => {
            p.tuple = true;
            let n = p.steps.len();
            let rest = seek_steps(&mut p.steps, n, label, level)?;
            x.tuples = true;
            Ok(rest)
        }
        _ => Err(no_parent(x.span)),
    }
}

fn no_parent(span: TextRange) -> JsonataError {
    err(
        "S0217",
        "The object representing the 'parent' cannot be derived from this expression",
        span,
    )
}

/// How many compiled regexes [`compiled_regex`] keeps per thread.
const REGEX_CACHE: usize = 256;

thread_local! {
    /// Regexes compiled so far on this thread, by pattern (flags included), with the
    /// error of one that does not compile. Every rule that reads the JSONata expressions
    /// of a state parses them again, and parsing lowers the tree, regex literals
    /// included: a costly pattern such as `(a{100}){100}` was compiled once per rule
    /// and expression (1,000 such states took 9.4 s). Compiling is a pure function of
    /// the pattern, so reusing the result changes no diagnostic.
    static REGEXES: RefCell<HashMap<String, Result<Rc<fancy_regex::Regex>, String>>> =
        RefCell::new(HashMap::new());
}

/// The compiled form of `pattern`, from the thread's cache when it was compiled before.
/// The cache is emptied when full, which bounds its memory whatever the input.
fn compiled_regex(pattern: &str) -> Result<Rc<fancy_regex::Regex>, String> {
    if let Some(hit) = REGEXES.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let out = fancy_regex::Regex::new(pattern)
        .map(Rc::new)
        .map_err(|x| x.to_string());
    REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= REGEX_CACHE {
            c.clear();
        }
        c.insert(pattern.to_string(), out.clone());
    });
    out
}

/// Lowers a parsed expression, reporting the structural errors JSONata raises at compile
/// time (S0209, S0210, S0213, S0215, S0216, S0217).
pub fn lower(node: &Node) -> R<E> {
    let mut l = Lowerer {
        next_label: 0,
        seeking: Vec::new(),
    };
    let x = l.lower(node)?;
    if !l.seeking.is_empty() {
        let mut span = node.span;
        node.walk(|n| {
            if n.kind == Kind::Parent {
                span = n.span;
            }
        });
        return Err(err(
            "S0217",
            "The object representing the 'parent' cannot be derived from this expression",
            span,
        ));
    }
    Ok(x)
}

// ---------------------------------------------------------------------------------------
// Runtime
// ---------------------------------------------------------------------------------------

pub struct Frame {
    vars: RefCell<HashMap<Rc<str>, Option<Val>>>,
    parent: Option<Env>,
}
pub type Env = Rc<Frame>;

#[cfg(test)]
thread_local! {
    /// Frames made and not yet dropped on this thread (tests of [`Evaluator::release`]).
    static LIVE_FRAMES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
impl Drop for Frame {
    fn drop(&mut self) {
        LIVE_FRAMES.with(|c| c.set(c.get() - 1));
    }
}

pub fn new_frame(parent: Option<&Env>) -> Env {
    #[cfg(test)]
    LIVE_FRAMES.with(|c| c.set(c.get() + 1));
    Rc::new(Frame {
        vars: RefCell::new(HashMap::new()),
        parent: parent.cloned(),
    })
}

impl Frame {
    pub fn bind(&self, name: &str, v: Val) {
        self.vars.borrow_mut().insert(Rc::from(name), Some(v));
    }
    /// Binds `name` to undefined (shadowing outer bindings).
    pub fn bind_undefined(&self, name: &str) {
        self.vars.borrow_mut().insert(Rc::from(name), None);
    }
    /// `None`: not bound anywhere; `Some(None)`: bound to undefined.
    pub fn lookup_binding(&self, name: &str) -> Option<Option<Val>> {
        let mut f = self;
        loop {
            if let Some(v) = f.vars.borrow().get(name) {
                return Some(v.clone());
            }
            match &f.parent {
                Some(p) => f = p,
                None => return None,
            }
        }
    }
    pub fn lookup(&self, name: &str) -> Option<Val> {
        self.lookup_binding(name).flatten()
    }
}

/// What a call expression evaluates to before anything is applied.
enum Target {
    /// A partial application (a function value).
    Value(Option<Val>),
    Apply(Val, Vec<Option<Val>>),
}

/// The result of applying a function once: a value, or a call left in tail position.
enum Outcome {
    Done(Option<Val>),
    Tail {
        f: Val,
        args: Vec<Option<Val>>,
        input: Option<Val>,
        span: TextRange,
    },
}

pub enum PartialArg {
    Hole,
    Given(Option<Val>),
}

pub enum Func {
    Lambda {
        def: Rc<LambdaDef>,
        env: Env,
        input: Option<Val>,
    },
    Builtin(&'static str),
    Partial {
        f: Val,
        args: Vec<PartialArg>,
    },
    Regex(Rc<fancy_regex::Regex>),
    Transform {
        def: Rc<TransformDef>,
        env: Env,
    },
    Compose(Val, Val),
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Func::Builtin(n) => write!(f, "<builtin ${n}>"),
            _ => write!(f, "<function>"),
        }
    }
}

impl Func {
    /// How many arguments a higher-order built-in should pass.
    pub fn arity(&self) -> usize {
        match self {
            Func::Lambda { def, .. } => def.params.len(),
            Func::Builtin(name) => functions::signature_of(name)
                .map(|s| s.params.iter().filter(|p| !p.optional).count())
                .unwrap_or(1),
            Func::Partial { args, .. } => args
                .iter()
                .filter(|a| matches!(a, PartialArg::Hole))
                .count(),
            Func::Regex(_) | Func::Transform { .. } => 1,
            Func::Compose(..) => 1,
        }
    }
}

/// Injectable sources of time and randomness, so evaluation can be deterministic.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// Milliseconds since the epoch for `$now()`/`$millis()`; `None` reads the system clock.
    pub now_millis: Option<i64>,
    /// Seed for `$random()`, `$shuffle` and `$uuid()`; `None` seeds from the clock.
    pub random_seed: Option<u64>,
    /// Maximum function-call depth (U1001 beyond it). 0 means the default (1000).
    pub max_depth: usize,
    /// Write an Infinity inside an array or object of the result as the text
    /// `"Infinity"` (`"-Infinity"`), as Step Functions does (`[1/0]` gives
    /// `["Infinity"]`, floci-io/floci#2783), instead of failing with D1001 as
    /// jsonata-js does.
    pub infinity_as_text: bool,
    /// The work and memory one evaluation may use (see [`Budget`]).
    pub budget: Budget,
}

pub struct Evaluator {
    pub(crate) now: i64,
    rng: u64,
    depth: usize,
    max_depth: usize,
    pub(crate) root_env: Env,
    /// Frames an assignment (`:=`) put a function, array or object in. A function bound
    /// where its own closure reaches (`$f := function() {...}`, the usual way to name
    /// one) makes an `Rc` cycle that outlives the evaluation; [`Evaluator::release`]
    /// breaks them. Weak, so a frame that ends normally is freed as before.
    assigned: Vec<std::rc::Weak<Frame>>,
    /// Dead entries of `assigned` are dropped when it grows to this length.
    compact_at: usize,
    infinity_as_text: bool,
    /// What the current evaluation has used of its budget.
    pub(crate) meter: Meter,
}

/// Tail calls run in a loop without using the stack; this many in one loop (one call
/// and the tail calls it leads to) is taken for a runaway recursion.
pub const MAX_TAIL_CALLS: u64 = 1_000_000;

pub(crate) fn truthy(v: Option<&Val>) -> bool {
    match v {
        None => false,
        Some(v) => match v {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::Arr(a, _) => match a.len() {
                0 => false,
                1 => truthy(Some(&a[0])),
                _ => a.iter().any(|x| truthy(Some(x))),
            },
            Val::Obj(o) => !o.is_empty(),
            Val::Func(_) => false,
        },
    }
}

/// Collapses a result sequence: empty → undefined, singleton → its item (unless kept).
fn finish(v: Option<Val>, keep: bool) -> Option<Val> {
    match v {
        Some(Val::Arr(a, mut f)) if f.seq => {
            if keep {
                f.keep = true;
            }
            if a.is_empty() {
                None
            } else if a.len() == 1 && !f.keep {
                Some(a[0].clone())
            } else {
                Some(Val::Arr(a, f))
            }
        }
        other => other,
    }
}

/// How many items [`push_flat`] appends.
pub(crate) fn flat_len(v: &Val) -> usize {
    match v {
        Val::Arr(a, _) => a.len(),
        _ => 1,
    }
}

/// Appends values the way JSONata's `$append` does (sequences flattened).
pub(crate) fn push_flat(out: &mut Vec<Val>, v: Val) {
    match v {
        Val::Arr(a, _) => out.extend(a.iter().cloned()),
        other => out.push(other),
    }
}

/// One item of a tuple stream: the context value plus bindings made along the path.
#[derive(Clone)]
struct Tuple {
    ctx: Val,
    binds: Vec<(Rc<str>, Val)>,
}

impl Tuple {
    fn set(&mut self, k: &Rc<str>, v: Val) {
        if let Some(slot) = self.binds.iter_mut().find(|(n, _)| n == k) {
            slot.1 = v;
        } else {
            self.binds.push((k.clone(), v));
        }
    }
}

impl Evaluator {
    pub fn new(opts: &EvalOptions) -> Self {
        let now = opts.now_millis.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        });
        let seed = opts
            .random_seed
            .unwrap_or(now as u64 ^ 0x9E37_79B9_7F4A_7C15);
        Evaluator {
            now,
            rng: seed,
            depth: 0,
            max_depth: if opts.max_depth == 0 {
                1000
            } else {
                opts.max_depth
            },
            root_env: new_frame(None),
            assigned: Vec::new(),
            compact_at: 1024,
            infinity_as_text: opts.infinity_as_text,
            meter: Meter::new(opts.budget),
        }
    }

    /// Counts `n` steps of work, failing at `span` past the budget.
    pub(crate) fn work(&mut self, n: usize, span: TextRange) -> R<()> {
        self.meter.step(n).map_err(|e| e.error(span))
    }

    /// Counts the work of going through `n` items (copying, comparing).
    pub(crate) fn pass(&mut self, n: usize, span: TextRange) -> R<()> {
        self.meter.pass(n).map_err(|e| e.error(span))
    }

    /// Counts `n` array items built.
    pub(crate) fn items(&mut self, n: usize, span: TextRange) -> R<()> {
        self.meter.items(n).map_err(|e| e.error(span))
    }

    /// Counts `v` put into an array being built (see [`Meter::hold`]).
    pub(crate) fn hold(&mut self, v: &Val, span: TextRange) -> R<()> {
        self.meter.hold(v).map_err(|e| e.error(span))
    }

    /// Counts a string of `len` bytes built.
    pub(crate) fn string(&mut self, len: usize, span: TextRange) -> R<()> {
        self.meter.string(len).map_err(|e| e.error(span))
    }

    /// Fails if a string of `len` bytes would not fit in the budget (to check before
    /// building one that [`Self::string`] counts once built).
    pub(crate) fn room(&mut self, len: usize, span: TextRange) -> R<()> {
        self.meter.room(len).map_err(|e| e.error(span))
    }

    /// Counts `n` object members built.
    pub(crate) fn members(&mut self, n: usize, span: TextRange) -> R<()> {
        self.meter.members(n).map_err(|e| e.error(span))
    }

    /// Counts `n` path tuples built, each with `binds` bindings.
    fn tuples(&mut self, n: usize, binds: usize, span: TextRange) -> R<()> {
        let each = std::mem::size_of::<Tuple>() + binds * std::mem::size_of::<(Rc<str>, Val)>();
        self.meter
            .pass(n)
            .and_then(|()| self.meter.alloc(n.saturating_mul(each)))
            .map_err(|e| e.error(span))
    }

    /// Notes that `:=` bound `value` in `frame` (see `assigned`). Scalars cannot hold
    /// a closure, so they need no note.
    fn note_assignment(&mut self, frame: &Env, value: &Val) {
        if !matches!(value, Val::Func(_) | Val::Arr(..) | Val::Obj(_)) {
            return;
        }
        if self
            .assigned
            .last()
            .is_some_and(|w| std::ptr::eq(w.as_ptr(), Rc::as_ptr(frame)))
        {
            return;
        }
        if self.assigned.len() >= self.compact_at {
            self.assigned.retain(|w| w.strong_count() > 0);
            self.compact_at = (self.assigned.len() * 2).max(1024);
        }
        self.assigned.push(Rc::downgrade(frame));
    }

    /// Ends an evaluation: empties the frames that assignments left in reference cycles
    /// with their closures, so that they are freed. Call it once the result has been
    /// converted (no function of this evaluation is used after it).
    pub fn release(&mut self) {
        for w in self.assigned.drain(..) {
            if let Some(frame) = w.upgrade() {
                let vars = std::mem::take(&mut *frame.vars.borrow_mut());
                drop(vars);
            }
        }
        self.compact_at = 1024;
    }

    /// splitmix64 step.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Evaluates the top-level expression against `input` (JSONata wraps an input array
    /// so that it is treated as one item).
    pub fn eval_root(&mut self, x: &E, input: Option<Val>, env: &Env) -> R<Option<Val>> {
        self.meter.reset();
        if let Some(i) = &input {
            env.bind("$", i.clone());
        }
        let ctx = match input {
            Some(Val::Arr(a, f)) if !f.seq => Some(Val::Arr(
                Rc::new(vec![Val::Arr(a, f)]),
                ArrFlags {
                    seq: true,
                    outer: true,
                    ..ArrFlags::default()
                },
            )),
            other => other,
        };
        let r = self.eval(x, ctx.as_ref(), env)?;
        // A top-level sequence keeps its items; drop the sequence marker.
        Ok(r)
    }

    /// A whole evaluation: [`Evaluator::eval_root`], the result as JSON (a function,
    /// Infinity or NaN in it is the error, at `span`), then [`Evaluator::release`].
    pub fn eval_json(
        &mut self,
        x: &E,
        input: Option<Val>,
        env: &Env,
        span: TextRange,
    ) -> R<Option<serde_json::Value>> {
        let out = match self.eval_root(x, input, env) {
            Ok(None) => Ok(None),
            Ok(Some(v)) => {
                // Shared parts of a value are written out once for each place they
                // appear, so the conversion counts against the budget too.
                let nested = matches!(v, Val::Arr(..) | Val::Obj(_));
                v.to_json_metered(self.infinity_as_text && nested, &mut self.meter)
                    .map(Some)
                    .map_err(|e| e.error(span))
            }
            Err(e) => Err(e),
        };
        self.release();
        out
    }

    pub(crate) fn eval(&mut self, x: &E, input: Option<&Val>, env: &Env) -> R<Option<Val>> {
        self.work(1, x.span)?;
        let mut r = if x.tuples && !x.preds.is_empty() {
            // `(a.b)[%.x]`: the predicates read bindings made inside the expression.
            let ts = self.eval_tuples(x, input, env)?;
            Some(Val::seq(ts.into_iter().map(|t| t.ctx).collect()))
        } else {
            let mut r = self.eval_inner(x, input, env)?;
            for p in &x.preds {
                r = self.filter(p, r, env)?;
            }
            r
        };
        if let Some(g) = &x.group {
            r = Some(self.group(g, r.as_ref(), None, env)?);
        }
        Ok(finish(r, x.keep_array))
    }

    fn eval_inner(&mut self, x: &E, input: Option<&Val>, env: &Env) -> R<Option<Val>> {
        Ok(match &x.ir {
            Ir::Lit(v) => Some(v.clone()),
            Ir::Regex(re) => Some(Val::Func(Rc::new(Func::Regex(re.clone())))),
            Ir::Name(n) => match input {
                Some(i) => lookup_field(i, n, &mut self.meter).map_err(|e| e.error(x.span))?,
                None => None,
            },
            Ir::Var(n) => {
                if n.is_empty() {
                    match input {
                        Some(Val::Arr(a, f)) if f.outer && !a.is_empty() => Some(a[0].clone()),
                        other => other.cloned(),
                    }
                } else {
                    match env.lookup_binding(n) {
                        Some(v) => v,
                        None => functions::builtin_value(n),
                    }
                }
            }
            Ir::Wildcard => Some(wildcard(input, &mut self.meter).map_err(|e| e.error(x.span))?),
            Ir::Descendants => {
                let mut out = Vec::new();
                if let Some(i) = input {
                    descend(i, &mut out, &mut self.meter).map_err(|e| e.error(x.span))?;
                }
                if out.len() == 1 {
                    Some(out.pop().unwrap_or(Val::Null))
                } else {
                    Some(Val::seq(out))
                }
            }
            Ir::Parent(label) => env.lookup(label),
            Ir::Neg(a) => match self.eval(a, input, env)? {
                None => None,
                Some(Val::Num(n)) if n.is_infinite() => return Err(out_of_range(n, x.span)),
                Some(Val::Num(n)) if !n.is_nan() => Some(Val::Num(-n)),
                Some(_) => {
                    return Err(err("D1002", "Cannot negate a non-numeric value", x.span));
                }
            },
            Ir::Bin(op, a, b) => self.binary(*op, a, b, input, env, x.span)?,
            Ir::Path(p) => self.path(p, input, env)?,
            Ir::Array(items, cons_step) => {
                let mut out = Vec::new();
                for (it, cons) in items {
                    if let Some(v) = self.eval(it, input, env)? {
                        match v {
                            Val::Arr(a, f) if !*cons => {
                                self.items(a.len(), x.span)?;
                                push_flat(&mut out, Val::Arr(a, f));
                            }
                            v => {
                                self.hold(&v, x.span)?;
                                out.push(v);
                            }
                        }
                    }
                }
                Some(Val::Arr(
                    Rc::new(out),
                    ArrFlags {
                        cons: *cons_step,
                        ..ArrFlags::default()
                    },
                ))
            }
            Ir::Object(pairs) => Some(self.group(pairs, input, None, env)?),
            Ir::Cond(c, t, o) => {
                let cv = self.eval(c, input, env)?;
                if truthy(cv.as_ref()) {
                    self.eval(t, input, env)?
                } else if let Some(o) = o {
                    self.eval(o, input, env)?
                } else {
                    None
                }
            }
            Ir::Block(items) => {
                let frame = new_frame(Some(env));
                let mut r = None;
                for it in items {
                    r = self.eval(it, input, &frame)?;
                }
                r
            }
            Ir::Bind(name, v) => {
                let val = self.eval(v, input, env)?;
                match &val {
                    Some(val) => {
                        env.bind(name, val.clone());
                        self.note_assignment(env, val);
                    }
                    None => env.bind_undefined(name),
                }
                val
            }
            Ir::Lambda(def) => Some(Val::Func(Rc::new(Func::Lambda {
                def: def.clone(),
                env: env.clone(),
                input: input.cloned(),
            }))),
            Ir::Call(f, args) => self.call(f, args, None, input, env, x.span)?,
            Ir::Chain(a, b) => {
                let lhs = self.eval(a, input, env)?;
                let lhs_is_func = matches!(lhs, Some(Val::Func(_)));
                if let (Ir::Call(f, args), false) = (&b.ir, lhs_is_func) {
                    let mut r = self.call(f, args, Some(lhs), input, env, b.span)?;
                    for p in &b.preds {
                        r = self.filter(p, r, env)?;
                    }
                    finish(r, b.keep_array)
                } else {
                    let f = self.eval(b, input, env)?;
                    match (&lhs, &f) {
                        (Some(l @ Val::Func(_)), Some(r @ Val::Func(_))) => {
                            Some(Val::Func(Rc::new(Func::Compose(l.clone(), r.clone()))))
                        }
                        (_, Some(fv @ Val::Func(_))) => self.apply(fv, vec![lhs], input, b.span)?,
                        _ => {
                            return Err(err(
                                "T2006",
                                "The right side of the function application operator ~> must be a function",
                                b.span,
                            ));
                        }
                    }
                }
            }
            Ir::Transform(def) => Some(Val::Func(Rc::new(Func::Transform {
                def: def.clone(),
                env: env.clone(),
            }))),
            Ir::Sort(terms) => {
                let tuples = plain_tuples(input.cloned());
                self.pass(tuples.len(), x.span)?;
                let sorted = self.sort_tuples(terms, tuples, env)?;
                self.items(sorted.len(), x.span)?;
                Some(Val::seq(sorted.into_iter().map(|t| t.ctx).collect()))
            }
        })
    }

    /// Evaluates the function and arguments of a call: a partial application is a
    /// value; otherwise the function to apply and its arguments.
    fn call_target(
        &mut self,
        fe: &E,
        args: &[Option<E>],
        first: Option<Option<Val>>,
        input: Option<&Val>,
        env: &Env,
    ) -> R<Target> {
        let f = self.eval(fe, input, env)?;
        let Some(f @ Val::Func(_)) = f else {
            let name = match &fe.ir {
                Ir::Path(p) if p.steps.len() == 1 => match &p.steps[0].e.ir {
                    Ir::Name(n) => Some(n.to_string()),
                    _ => None,
                },
                Ir::Var(n) => Some(format!("${n}")),
                _ => None,
            };
            let has_hole = args.iter().any(|a| a.is_none());
            if let Some(n) = &name
                && !n.starts_with('$')
                && functions::builtin_value(n).is_some()
            {
                let (code, verb) = if has_hole {
                    ("T1007", "partially apply")
                } else {
                    ("T1005", "invoke")
                };
                return Err(err(
                    code,
                    format!("Attempted to {verb} a non-function. Did you mean ${n}?"),
                    fe.span,
                ));
            }
            let code = if has_hole { "T1008" } else { "T1006" };
            return Err(err(code, "Attempted to invoke a non-function", fe.span));
        };
        let mut vals = Vec::new();
        if let Some(first) = first {
            vals.push(PartialArg::Given(first));
        }
        for a in args {
            vals.push(match a {
                None => PartialArg::Hole,
                Some(a) => PartialArg::Given(self.eval(a, input, env)?),
            });
        }
        if vals.iter().any(|a| matches!(a, PartialArg::Hole)) {
            return Ok(Target::Value(Some(Val::Func(Rc::new(Func::Partial {
                f,
                args: vals,
            })))));
        }
        let vals = vals
            .into_iter()
            .map(|a| match a {
                PartialArg::Given(v) => v,
                PartialArg::Hole => None,
            })
            .collect();
        Ok(Target::Apply(f, vals))
    }

    fn call(
        &mut self,
        fe: &E,
        args: &[Option<E>],
        first: Option<Option<Val>>,
        input: Option<&Val>,
        env: &Env,
        span: TextRange,
    ) -> R<Option<Val>> {
        match self.call_target(fe, args, first, input, env)? {
            Target::Value(v) => Ok(v),
            Target::Apply(f, vals) => self.apply(&f, vals, input, span),
        }
    }

    /// Evaluates a lambda body, leaving a call in tail position (through conditions and
    /// the last expression of blocks) unapplied, so [`Self::apply`] can run it in a loop
    /// instead of recursing, as jsonata-js's tail-call optimisation does.
    fn eval_tail(&mut self, x: &E, input: Option<&Val>, env: &Env) -> R<Outcome> {
        let plain = x.preds.is_empty() && x.group.is_none() && !x.keep_array && !x.tuples;
        if plain {
            match &x.ir {
                Ir::Call(f, args) => {
                    return Ok(match self.call_target(f, args, None, input, env)? {
                        Target::Value(v) => Outcome::Done(v),
                        Target::Apply(f, vals) => Outcome::Tail {
                            f,
                            args: vals,
                            input: input.cloned(),
                            span: x.span,
                        },
                    });
                }
                Ir::Cond(c, t, o) => {
                    let cv = self.eval(c, input, env)?;
                    return if truthy(cv.as_ref()) {
                        self.eval_tail(t, input, env)
                    } else if let Some(o) = o {
                        self.eval_tail(o, input, env)
                    } else {
                        Ok(Outcome::Done(None))
                    };
                }
                Ir::Block(items) if !items.is_empty() => {
                    let frame = new_frame(Some(env));
                    let (last, rest) = items.split_last().expect("non-empty block");
                    for it in rest {
                        self.eval(it, input, &frame)?;
                    }
                    return self.eval_tail(last, input, &frame);
                }
                _ => {}
            }
        }
        Ok(Outcome::Done(self.eval(x, input, env)?))
    }

    /// Applies a function value to arguments.
    pub fn apply(
        &mut self,
        f: &Val,
        args: Vec<Option<Val>>,
        input: Option<&Val>,
        span: TextRange,
    ) -> R<Option<Val>> {
        let Val::Func(func) = f else {
            return Err(err("T1006", "Attempted to invoke a non-function", span));
        };
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            return Err(err(
                "U1001",
                "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
                span,
            ));
        }
        let r = self.apply_loop(func.clone(), args, input, span);
        self.depth -= 1;
        r
    }

    /// Applies `func`, then any tail call its body leaves, in a loop: tail calls use
    /// neither the depth budget nor the stack.
    fn apply_loop(
        &mut self,
        func: Rc<Func>,
        args: Vec<Option<Val>>,
        input: Option<&Val>,
        span: TextRange,
    ) -> R<Option<Val>> {
        let mut func = func;
        let mut args = args;
        let mut input = input.cloned();
        let mut span = span;
        let mut tail_calls = 0u64;
        loop {
            let previous = args.clone();
            let outcome = self.apply_inner(&func, args, input.as_ref(), span)?;
            // An accumulator passed on anew (`$f($n - 1, $append($acc, $n))`) leaves
            // the previous one to be freed: it is not counted twice.
            for p in previous.iter().flatten() {
                self.meter.release(p);
            }
            match outcome {
                Outcome::Done(v) => return Ok(v),
                Outcome::Tail {
                    f,
                    args: a,
                    input: i,
                    span: s,
                } => {
                    let Val::Func(next) = f else {
                        return Err(err("T1006", "Attempted to invoke a non-function", s));
                    };
                    // A tail-recursive loop that never ends would otherwise hang (jsonata-js
                    // stops it with a time limit); bound the calls instead.
                    tail_calls += 1;
                    if tail_calls > MAX_TAIL_CALLS {
                        return Err(err(
                            "U1001",
                            format!(
                                "Stack overflow error: more than {MAX_TAIL_CALLS} tail calls. Check for non-terminating recursive function."
                            ),
                            s,
                        ));
                    }
                    func = next;
                    args = a;
                    input = i;
                    span = s;
                }
            }
        }
    }

    fn apply_inner(
        &mut self,
        func: &Rc<Func>,
        args: Vec<Option<Val>>,
        input: Option<&Val>,
        span: TextRange,
    ) -> R<Outcome> {
        let Func::Lambda {
            def,
            env,
            input: captured,
        } = &**func
        else {
            return Ok(Outcome::Done(self.apply_other(func, args, input, span)?));
        };
        let args = match &def.sig {
            Some(sig) => functions::validate(sig, args, input, "lambda", span)?,
            None => args,
        };
        let frame = new_frame(Some(env));
        for (i, p) in def.params.iter().enumerate() {
            match args.get(i) {
                Some(Some(v)) => frame.bind(p, v.clone()),
                _ => frame.bind_undefined(p),
            }
        }
        self.eval_tail(&def.body, captured.as_ref(), &frame)
    }

    /// Applies anything but a lambda.
    fn apply_other(
        &mut self,
        func: &Rc<Func>,
        args: Vec<Option<Val>>,
        input: Option<&Val>,
        span: TextRange,
    ) -> R<Option<Val>> {
        match &**func {
            Func::Lambda { .. } => self.apply_loop(func.clone(), args, input, span),
            Func::Builtin(name) => functions::call(self, name, args, input, span),
            Func::Partial { f, args: partial } => {
                let mut given = args.into_iter();
                let full: Vec<Option<Val>> = partial
                    .iter()
                    .map(|a| match a {
                        PartialArg::Given(v) => v.clone(),
                        PartialArg::Hole => given.next().flatten(),
                    })
                    .collect();
                self.apply(f, full, input, span)
            }
            Func::Regex(re) => {
                let s = match args.into_iter().next().flatten() {
                    Some(Val::Str(s)) => s,
                    None => return Ok(None),
                    Some(_) => {
                        return Err(err(
                            "T0410",
                            "Argument 1 of function regex must be a string",
                            span,
                        ));
                    }
                };
                Ok(functions::regex_match_object(re, &s, 0))
            }
            Func::Transform { def, env } => {
                let target = args.into_iter().next().flatten();
                self.transform(def, target, env, span)
            }
            Func::Compose(a, b) => {
                let r = self.apply(a, args, input, span)?;
                self.apply(b, vec![r], input, span)
            }
        }
    }

    // ---------------------------------------------------------------- paths

    fn path(&mut self, p: &PathIr, input: Option<&Val>, env: &Env) -> R<Option<Val>> {
        let span = p.steps[0].e.span;
        let result = if p.tuple && !p.lone_focus {
            let tuples = self.path_tuples(p, input, env)?;
            if let Some(g) = &p.group {
                let items: Vec<GroupItem> =
                    tuples.into_iter().map(|t| (Some(t.ctx), t.binds)).collect();
                return Ok(Some(self.group_items(g, items, env)?));
            }
            self.items(tuples.len(), span)?;
            Val::seq(tuples.into_iter().map(|t| t.ctx).collect())
        } else {
            // The sequences a path goes through are copies it drops as it goes: work,
            // not memory it keeps.
            let mut seq = path_start(p, input);
            self.pass(seq.len(), span)?;
            let mut result = Val::seq(vec![]);
            for (i, step) in p.steps.iter().enumerate() {
                let last = i + 1 == p.steps.len();
                result = if i == 0 && step.cons {
                    match self.eval(&step.e, input, env)? {
                        Some(v) => {
                            let v = self.stage_filters(step, Some(v), env)?;
                            v.unwrap_or_else(|| Val::seq(vec![]))
                        }
                        None => Val::seq(vec![]),
                    }
                } else {
                    self.step(step, &seq, env, last)?
                };
                match &result {
                    Val::Arr(a, _) if a.is_empty() => break,
                    Val::Arr(a, _) => {
                        self.pass(a.len(), step.e.span)?;
                        seq = a.iter().cloned().map(Some).collect();
                    }
                    other => seq = vec![Some(other.clone())],
                }
            }
            result
        };
        let mut result = result;
        if p.keep_single {
            result = match result {
                Val::Arr(a, mut f) if f.seq => {
                    f.keep = true;
                    Val::Arr(a, f)
                }
                Val::Arr(a, f) if f.cons => Val::Arr(
                    Rc::new(vec![Val::Arr(a, f)]),
                    ArrFlags {
                        seq: true,
                        keep: true,
                        ..ArrFlags::default()
                    },
                ),
                other => other,
            };
        }
        if let Some(g) = &p.group {
            return Ok(Some(self.group(g, Some(&result), None, env)?));
        }
        Ok(Some(result))
    }

    /// Evaluates a path step by step as a tuple stream: each item carries the context
    /// value and the variables (focus, index, ancestor labels) bound along the way.
    fn path_tuples(&mut self, p: &PathIr, input: Option<&Val>, env: &Env) -> R<Vec<Tuple>> {
        let mut tuples: Option<Vec<Tuple>> = None;
        let mut inputs = path_start(p, input);
        for (i, step) in p.steps.iter().enumerate() {
            let ts = match tuples.take() {
                Some(t) => t,
                None => {
                    if i == 0 && step.cons {
                        // an array constructor as first step is evaluated once
                        let ts = match self.eval(&step.e, input, env)? {
                            Some(Val::Arr(a, _)) => a
                                .iter()
                                .map(|x| Tuple {
                                    ctx: x.clone(),
                                    binds: vec![],
                                })
                                .collect(),
                            Some(v) => vec![Tuple {
                                ctx: v,
                                binds: vec![],
                            }],
                            None => vec![],
                        };
                        self.tuples(ts.len(), 0, step.e.span)?;
                        tuples = Some(self.apply_stages(step, ts, env)?);
                        continue;
                    }
                    self.tuples(inputs.len(), 0, step.e.span)?;
                    inputs
                        .drain(..)
                        .map(|v| Tuple {
                            ctx: v.unwrap_or(Val::Null),
                            binds: vec![],
                        })
                        .collect::<Vec<_>>()
                }
            };
            let next = self.tuple_step(step, ts, env, i == 0 && input.is_none())?;
            tuples = Some(next);
        }
        Ok(tuples.unwrap_or_default())
    }

    /// The tuple stream of a block or path that a `%` reaches into, its predicates
    /// applied to the tuples (so they can read the bindings).
    fn eval_tuples(&mut self, x: &E, input: Option<&Val>, env: &Env) -> R<Vec<Tuple>> {
        let ts = match &x.ir {
            Ir::Block(items) if !items.is_empty() => {
                let frame = new_frame(Some(env));
                let (last, rest) = items.split_last().expect("non-empty block");
                for it in rest {
                    self.eval(it, input, &frame)?;
                }
                if last.group.is_none() {
                    self.eval_tuples(last, input, &frame)?
                } else {
                    let v = self.eval(last, input, &frame)?;
                    self.value_tuples(v, last.span)?
                }
            }
            Ir::Path(p) if p.group.is_none() => self.path_tuples(p, input, env)?,
            _ => {
                let v = self.eval_inner(x, input, env)?;
                self.value_tuples(v, x.span)?
            }
        };
        let mut ts = ts;
        for p in &x.preds {
            ts = self.filter_tuples(p, ts, env)?;
        }
        Ok(ts)
    }

    fn filter_tuples(&mut self, f: &E, tuples: Vec<Tuple>, env: &Env) -> R<Vec<Tuple>> {
        let mut kept = Vec::new();
        let n = tuples.len();
        for (i, t) in tuples.into_iter().enumerate() {
            let tenv = self.tuple_env(env, &t);
            let r = self.eval(f, Some(&t.ctx), &tenv)?;
            if predicate_matches(r.as_ref(), i, n) {
                kept.push(t);
            }
        }
        Ok(kept)
    }

    fn stage_filters(&mut self, step: &Step, v: Option<Val>, env: &Env) -> R<Option<Val>> {
        let mut v = v;
        for st in &step.stages {
            if let Stage::Filter(f) = st {
                v = self.filter(f, v, env)?;
            }
        }
        Ok(v)
    }

    /// [`plain_tuples`], counted.
    fn value_tuples(&mut self, v: Option<Val>, span: TextRange) -> R<Vec<Tuple>> {
        let ts = plain_tuples(v);
        self.tuples(ts.len(), 0, span)?;
        Ok(ts)
    }

    fn step(&mut self, step: &Step, seq: &[Option<Val>], env: &Env, last: bool) -> R<Val> {
        let span = step.e.span;
        if let Ir::Sort(_) = step.e.ir {
            self.pass(seq.len(), span)?;
            let whole = Val::seq(seq.iter().flatten().cloned().collect());
            let r = self.eval(&step.e, Some(&whole), env)?;
            let r = self.stage_filters(step, r, env)?;
            return Ok(match r {
                None => Val::seq(vec![]),
                Some(v @ Val::Arr(..)) => v,
                Some(v) => Val::seq(vec![v]),
            });
        }
        let mut results: Vec<Val> = Vec::new();
        for item in seq {
            let r = self.eval(&step.e, item.as_ref(), env)?;
            let r = self.stage_filters(step, r, env)?;
            if let Some(r) = r {
                results.push(r);
            }
        }
        if last && results.len() == 1 && matches!(&results[0], Val::Arr(_, f) if !f.seq) {
            return Ok(results.pop().unwrap_or(Val::Null));
        }
        // The first item is not counted: a path to one value (`$x.id`) builds a
        // sequence of one at each step and drops it at once, and counting those would
        // count the time a loop of such paths takes as memory.
        let mut out = Vec::new();
        for r in results {
            match r {
                Val::Arr(a, f) if !f.cons => {
                    for v in a.iter() {
                        let n = match v {
                            Val::Arr(_, vf) if vf.seq => flat_len(v),
                            _ => 1,
                        };
                        self.items(n - usize::from(out.is_empty() && n > 0), span)?;
                        match v {
                            Val::Arr(_, vf) if vf.seq => push_flat(&mut out, v.clone()),
                            _ => out.push(v.clone()),
                        }
                    }
                }
                other => {
                    if !out.is_empty() {
                        self.hold(&other, span)?;
                    }
                    out.push(other);
                }
            }
        }
        Ok(Val::seq(out))
    }

    fn tuple_env(&self, env: &Env, t: &Tuple) -> Env {
        let f = new_frame(Some(env));
        for (k, v) in &t.binds {
            f.bind(k, v.clone());
        }
        f
    }

    fn tuple_step(
        &mut self,
        step: &Step,
        tuples: Vec<Tuple>,
        env: &Env,
        undefined_input: bool,
    ) -> R<Vec<Tuple>> {
        if let Ir::Sort(terms) = &step.e.ir {
            let mut sorted = self.sort_tuples(terms, tuples, env)?;
            if let Some(ix) = &step.index {
                for (i, t) in sorted.iter_mut().enumerate() {
                    t.set(ix, Val::Num(i as f64));
                }
            }
            return self.apply_stages(step, sorted, env);
        }
        let mut out = Vec::new();
        if step.e.tuples && step.e.group.is_none() {
            // A block or path with ancestor bindings inside: its tuples extend ours.
            for t in tuples {
                let tenv = self.tuple_env(env, &t);
                let ctx = if undefined_input { None } else { Some(&t.ctx) };
                let inner = self.eval_tuples(&step.e, ctx, &tenv)?;
                self.tuples(inner.len(), t.binds.len() + 2, step.e.span)?;
                for (i, it) in inner.into_iter().enumerate() {
                    let mut t2 = t.clone();
                    if let Some(focus) = &step.focus {
                        t2.set(focus, it.ctx);
                    } else {
                        t2.ctx = it.ctx;
                    }
                    for (k, v) in it.binds {
                        t2.set(&k, v);
                    }
                    if let Some(ix) = &step.index {
                        t2.set(ix, Val::Num(i as f64));
                    }
                    out.push(t2);
                }
            }
            return self.apply_stages(step, out, env);
        }
        for t in tuples {
            let tenv = self.tuple_env(env, &t);
            let ctx = if undefined_input { None } else { Some(&t.ctx) };
            let Some(res) = self.eval(&step.e, ctx, &tenv)? else {
                continue;
            };
            let items = match res {
                Val::Arr(a, _) => a,
                v => Rc::new(vec![v]),
            };
            let binds = t.binds.len() + 2 + step.ancestor.len();
            self.tuples(items.len(), binds, step.e.span)?;
            for (i, item) in items.iter().cloned().enumerate() {
                let mut t2 = t.clone();
                if let Some(focus) = &step.focus {
                    t2.set(focus, item);
                } else {
                    t2.ctx = item;
                }
                if let Some(ix) = &step.index {
                    t2.set(ix, Val::Num(i as f64));
                }
                for a in &step.ancestor {
                    t2.set(a, t.ctx.clone());
                }
                out.push(t2);
            }
        }
        self.apply_stages(step, out, env)
    }

    fn apply_stages(&mut self, step: &Step, mut tuples: Vec<Tuple>, env: &Env) -> R<Vec<Tuple>> {
        for st in &step.stages {
            match st {
                Stage::Filter(f) => tuples = self.filter_tuples(f, tuples, env)?,
                Stage::Index(name) => {
                    for (i, t) in tuples.iter_mut().enumerate() {
                        t.set(name, Val::Num(i as f64));
                    }
                }
            }
        }
        Ok(tuples)
    }

    /// `expr[pred]` applied to a whole value.
    fn filter(&mut self, pred: &E, v: Option<Val>, env: &Env) -> R<Option<Val>> {
        let Some(v) = v else { return Ok(None) };
        let items = match v {
            Val::Arr(a, _) => a,
            other => Rc::new(vec![other]),
        };
        let n = items.len();
        let mut out = Vec::new();
        if let Ir::Lit(Val::Num(x)) = pred.ir {
            let mut i = x.floor() as i64;
            if i < 0 {
                i += n as i64;
            }
            if i >= 0 && (i as usize) < n {
                match &items[i as usize] {
                    arr @ Val::Arr(..) => return Ok(Some(arr.clone())),
                    item => out.push(item.clone()),
                }
            }
            return Ok(Some(Val::seq(out)));
        }
        for (i, item) in items.iter().enumerate() {
            let r = self.eval(pred, Some(item), env)?;
            if predicate_matches(r.as_ref(), i, n) {
                self.items(1, pred.span)?;
                out.push(item.clone());
            }
        }
        Ok(Some(Val::seq(out)))
    }

    // ---------------------------------------------------------------- objects

    fn group(
        &mut self,
        pairs: &[(E, E)],
        input: Option<&Val>,
        _b: Option<()>,
        env: &Env,
    ) -> R<Val> {
        let items: Vec<GroupItem> = match input {
            Some(Val::Arr(a, _)) if !a.is_empty() => {
                a.iter().map(|v| (Some(v.clone()), vec![])).collect()
            }
            Some(Val::Arr(..)) | None => vec![(None, vec![])],
            Some(v) => vec![(Some(v.clone()), vec![])],
        };
        if let Some((k, _)) = pairs.first() {
            self.tuples(items.len(), 0, k.span)?;
        }
        self.group_items(pairs, items, env)
    }

    fn group_items(&mut self, pairs: &[(E, E)], items: Vec<GroupItem>, env: &Env) -> R<Val> {
        struct G {
            data: Vec<Val>,
            binds: Vec<(Rc<str>, Val)>,
            pair: usize,
        }
        let mut groups: indexmap::IndexMap<Rc<str>, G> = indexmap::IndexMap::new();
        let items = if items.is_empty() {
            vec![(None, vec![])]
        } else {
            items
        };
        for (item, binds) in items {
            let ienv = if binds.is_empty() {
                env.clone()
            } else {
                self.tuple_env(
                    env,
                    &Tuple {
                        ctx: Val::Null,
                        binds: binds.clone(),
                    },
                )
            };
            for (pi, (k, _)) in pairs.iter().enumerate() {
                let key = self.eval(k, item.as_ref(), &ienv)?;
                let key = match key {
                    None => continue,
                    Some(Val::Str(s)) => s,
                    Some(other) => {
                        return Err(err(
                            "T1003",
                            format!(
                                "Key in object structure must evaluate to a string; got: {}",
                                functions::describe(&other)
                            ),
                            k.span,
                        ));
                    }
                };
                match groups.get_mut(&key) {
                    Some(g) => {
                        if g.pair != pi {
                            return Err(err(
                                "D1009",
                                format!("Multiple key definitions evaluate to same key: \"{key}\""),
                                k.span,
                            ));
                        }
                        if let Some(it) = &item {
                            self.items(1, k.span)?;
                            g.data.push(it.clone());
                        }
                        for (n, v) in &binds {
                            if let Some(slot) = g.binds.iter_mut().find(|(m, _)| m == n) {
                                let merged = match &slot.1 {
                                    Val::Arr(a, f) if f.seq => {
                                        self.meter
                                            .items(a.len() + 1)
                                            .map_err(|e| e.error(k.span))?;
                                        let mut a = a.to_vec();
                                        a.push(v.clone());
                                        Val::seq(a)
                                    }
                                    old => Val::seq(vec![old.clone(), v.clone()]),
                                };
                                slot.1 = merged;
                            } else {
                                g.binds.push((n.clone(), v.clone()));
                            }
                        }
                    }
                    None => {
                        self.members(1, k.span)?;
                        groups.insert(
                            key,
                            G {
                                data: item.iter().cloned().collect(),
                                binds: binds.clone(),
                                pair: pi,
                            },
                        );
                    }
                }
            }
        }
        let mut out = Obj::new();
        for (key, g) in groups {
            let ctx = match g.data.len() {
                0 => None,
                1 => Some(g.data[0].clone()),
                _ => Some(Val::seq(g.data)),
            };
            let genv = if g.binds.is_empty() {
                env.clone()
            } else {
                self.tuple_env(
                    env,
                    &Tuple {
                        ctx: Val::Null,
                        binds: g.binds,
                    },
                )
            };
            if let Some(v) = self.eval(&pairs[g.pair].1, ctx.as_ref(), &genv)? {
                let span = pairs[g.pair].0.span;
                self.members(1, span)?;
                self.meter
                    .held_text(&v)
                    .and_then(|()| self.meter.held_key(&key))
                    .map_err(|e| e.error(span))?;
                out.insert(key, v);
            }
        }
        Ok(Val::Obj(Rc::new(out)))
    }

    // ---------------------------------------------------------------- sorting

    fn sort_tuples(&mut self, terms: &[(E, bool)], tuples: Vec<Tuple>, env: &Env) -> R<Vec<Tuple>> {
        if let Some((term, _)) = terms.first() {
            // The comparisons of the sort.
            let n = tuples.len();
            self.pass(n * (n.max(1).ilog2() as usize + 1), term.span)?;
        }
        let mut keyed = Vec::new();
        for t in tuples {
            let tenv = if t.binds.is_empty() {
                env.clone()
            } else {
                self.tuple_env(env, &t)
            };
            let mut keys = Vec::new();
            for (term, _) in terms {
                let k = self.eval(term, Some(&t.ctx), &tenv)?;
                match &k {
                    None | Some(Val::Num(_)) | Some(Val::Str(_)) => {}
                    Some(_) => {
                        return Err(err(
                            "T2008",
                            "The expressions within an order-by clause must evaluate to numeric or string values",
                            term.span,
                        ));
                    }
                }
                keys.push(k);
            }
            keyed.push((keys, t));
        }
        // type consistency per term
        for (ti, (term, _)) in terms.iter().enumerate() {
            let mut kind = None;
            for (keys, _) in &keyed {
                let k = match &keys[ti] {
                    Some(Val::Num(_)) => "n",
                    Some(Val::Str(_)) => "s",
                    _ => continue,
                };
                match kind {
                    None => kind = Some(k),
                    Some(prev) if prev != k => {
                        return Err(err(
                            "T2007",
                            "Type mismatch when comparing values in order-by clause",
                            term.span,
                        ));
                    }
                    _ => {}
                }
            }
        }
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (_, desc)) in terms.iter().enumerate() {
                let o = match (&a[i], &b[i]) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => return std::cmp::Ordering::Greater,
                    (_, None) => return std::cmp::Ordering::Less,
                    (Some(Val::Num(x)), Some(Val::Num(y))) => {
                        x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal)
                    }
                    (Some(Val::Str(x)), Some(Val::Str(y))) => functions::cmp_str(x, y),
                    _ => std::cmp::Ordering::Equal,
                };
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        Ok(keyed.into_iter().map(|(_, t)| t).collect())
    }

    // ---------------------------------------------------------------- operators

    fn binary(
        &mut self,
        op: BinOp,
        a: &E,
        b: &E,
        input: Option<&Val>,
        env: &Env,
        span: TextRange,
    ) -> R<Option<Val>> {
        match op {
            BinOp::And => {
                let l = self.eval(a, input, env)?;
                if !truthy(l.as_ref()) {
                    return Ok(Some(Val::Bool(false)));
                }
                let r = self.eval(b, input, env)?;
                return Ok(Some(Val::Bool(truthy(r.as_ref()))));
            }
            BinOp::Or => {
                let l = self.eval(a, input, env)?;
                if truthy(l.as_ref()) {
                    return Ok(Some(Val::Bool(true)));
                }
                let r = self.eval(b, input, env)?;
                return Ok(Some(Val::Bool(truthy(r.as_ref()))));
            }
            BinOp::Elvis => {
                let l = self.eval(a, input, env)?;
                if truthy(l.as_ref()) {
                    return Ok(l);
                }
                return self.eval(b, input, env);
            }
            BinOp::Coalesce => {
                let l = self.eval(a, input, env)?;
                if l.is_some() {
                    return Ok(l);
                }
                return self.eval(b, input, env);
            }
            _ => {}
        }
        let l = self.eval(a, input, env)?;
        let r = self.eval(b, input, env)?;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                // As jsonata-js: a result may be Infinity (`1/0`) or NaN (`0/0`); an
                // infinite operand is D1001, a NaN one is not a number (T2001/T2002),
                // and neither is a final result (see `to_json`).
                let ln = match &l {
                    None => None,
                    Some(Val::Num(n)) if n.is_infinite() => return Err(out_of_range(*n, span)),
                    Some(Val::Num(n)) if !n.is_nan() => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2001",
                            format!(
                                "The left side of the \"{}\" operator must evaluate to a number",
                                op.symbol()
                            ),
                            a.span,
                        ));
                    }
                };
                let rn = match &r {
                    None => None,
                    Some(Val::Num(n)) if n.is_infinite() => return Err(out_of_range(*n, span)),
                    Some(Val::Num(n)) if !n.is_nan() => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2002",
                            format!(
                                "The right side of the \"{}\" operator must evaluate to a number",
                                op.symbol()
                            ),
                            b.span,
                        ));
                    }
                };
                let (Some(x), Some(y)) = (ln, rn) else {
                    return Ok(None);
                };
                let v = match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div => x / y,
                    _ => x % y,
                };
                Ok(Some(Val::Num(v)))
            }
            BinOp::Eq | BinOp::Ne => {
                let (Some(x), Some(y)) = (&l, &r) else {
                    return Ok(Some(Val::Bool(false)));
                };
                let eq = deep_equal(x, y);
                Ok(Some(Val::Bool(if op == BinOp::Eq { eq } else { !eq })))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let comparable =
                    |v: &Option<Val>| matches!(v, None | Some(Val::Num(_)) | Some(Val::Str(_)));
                if !comparable(&l) || !comparable(&r) {
                    let bad = if !comparable(&l) { a.span } else { b.span };
                    return Err(err(
                        "T2010",
                        format!(
                            "The expressions either side of operator \"{}\" must evaluate to numeric or string values",
                            op.symbol()
                        ),
                        bad,
                    ));
                }
                let (Some(x), Some(y)) = (&l, &r) else {
                    return Ok(None);
                };
                let ord = match (x, y) {
                    (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
                    (Val::Str(x), Val::Str(y)) => Some(functions::cmp_str(x, y)),
                    _ => {
                        return Err(err(
                            "T2009",
                            format!(
                                "The values {} and {} either side of operator \"{}\" must be of the same data type",
                                functions::describe(x),
                                functions::describe(y),
                                op.symbol()
                            ),
                            span,
                        ));
                    }
                };
                let Some(ord) = ord else {
                    return Ok(Some(Val::Bool(false)));
                };
                use std::cmp::Ordering::*;
                Ok(Some(Val::Bool(match op {
                    BinOp::Lt => ord == Less,
                    BinOp::Le => ord != Greater,
                    BinOp::Gt => ord == Greater,
                    _ => ord != Less,
                })))
            }
            BinOp::Concat => {
                let mut s = |v: &Option<Val>| -> R<String> {
                    match v {
                        None => Ok(String::new()),
                        Some(v) => functions::to_string(v, span, &mut self.meter),
                    }
                };
                let (a, b) = (s(&l)?, s(&r)?);
                if a.len().saturating_add(b.len()) > functions::MAX_STRING {
                    return Err(functions::too_long(a.len().saturating_add(b.len()), span));
                }
                self.meter
                    .made_string(a.len() + b.len())
                    .map_err(|e| e.error(span))?;
                let mut out = a;
                out.push_str(&b);
                Ok(Some(Val::str(&out)))
            }
            BinOp::In => {
                let (Some(x), Some(y)) = (&l, &r) else {
                    return Ok(Some(Val::Bool(false)));
                };
                let found = match y {
                    Val::Arr(items, _) => {
                        self.pass(items.len(), span)?;
                        items.iter().any(|i| deep_equal(i, x))
                    }
                    other => deep_equal(other, x),
                };
                Ok(Some(Val::Bool(found)))
            }
            BinOp::Range => {
                let lv = match &l {
                    None => None,
                    Some(Val::Num(n)) if n.fract() == 0.0 => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2003",
                            "The left side of the range operator (..) must evaluate to an integer",
                            a.span,
                        ));
                    }
                };
                let rv = match &r {
                    None => None,
                    Some(Val::Num(n)) if n.fract() == 0.0 => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2004",
                            "The right side of the range operator (..) must evaluate to an integer",
                            b.span,
                        ));
                    }
                };
                let (Some(x), Some(y)) = (lv, rv) else {
                    return Ok(None);
                };
                if x > y {
                    return Ok(None);
                }
                if y - x >= 1e7 {
                    return Err(err(
                        "D2014",
                        format!(
                            "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {}.",
                            format_number(y - x + 1.0)
                        ),
                        span,
                    ));
                }
                self.items((y - x + 1.0) as usize, span)?;
                let mut out = Vec::with_capacity((y - x + 1.0) as usize);
                let mut i = x;
                while i <= y {
                    out.push(Val::Num(i));
                    i += 1.0;
                }
                Ok(Some(Val::seq(out)))
            }
            _ => Ok(None),
        }
    }

    // ---------------------------------------------------------------- transform

    fn transform(
        &mut self,
        def: &TransformDef,
        target: Option<Val>,
        env: &Env,
        span: TextRange,
    ) -> R<Option<Val>> {
        let Some(target) = target else {
            return Ok(None);
        };
        let copy = deep_copy(&target, &mut self.meter).map_err(|e| e.error(span))?;
        let matches = self.eval(&def.pattern, Some(&copy), env)?;
        let matched = match matches {
            None => Rc::new(vec![]),
            Some(Val::Arr(a, _)) => a,
            Some(v) => Rc::new(vec![v]),
        };
        let mut edits: Edits = HashMap::new();
        for m in matched.iter() {
            let Val::Obj(o) = m else { continue };
            let update = self.eval(&def.update, Some(m), env)?;
            let upd = match update {
                None => None,
                Some(Val::Obj(u)) => Some(u),
                Some(_) => {
                    return Err(err(
                        "T2011",
                        "The insert/update clause of the transform expression must evaluate to an object",
                        def.update.span,
                    ));
                }
            };
            let mut dels = Vec::new();
            if let Some(d) = &def.delete {
                match self.eval(d, Some(m), env)? {
                    None => {}
                    Some(Val::Str(s)) => dels.push(s),
                    Some(Val::Arr(a, _)) if a.iter().all(|x| matches!(x, Val::Str(_))) => {
                        for x in a.iter() {
                            if let Val::Str(s) = x {
                                dels.push(s.clone());
                            }
                        }
                    }
                    Some(_) => {
                        return Err(err(
                            "T2012",
                            "The delete clause of the transform expression must evaluate to a string or array of strings",
                            d.span,
                        ));
                    }
                }
            }
            edits.insert(Rc::as_ptr(o), (upd, dels));
        }
        let rebuilt = rebuild(&copy, &edits, &mut self.meter).map_err(|e| e.error(span))?;
        Ok(Some(rebuilt))
    }
}

/// The items a path starts from: an input sequence is iterated, unless the first step
/// is a variable (then the path is absolute).
fn path_start(p: &PathIr, input: Option<&Val>) -> Vec<Option<Val>> {
    let first_is_var = matches!(p.steps[0].e.ir, Ir::Var(_));
    match input {
        Some(Val::Arr(a, _)) if !first_is_var => a.iter().cloned().map(Some).collect(),
        other => vec![other.cloned()],
    }
}

/// A value as a tuple stream without bindings.
fn plain_tuples(v: Option<Val>) -> Vec<Tuple> {
    let items = match v {
        None => vec![],
        Some(Val::Arr(a, _)) => a.to_vec(),
        Some(v) => vec![v],
    };
    items
        .into_iter()
        .map(|ctx| Tuple { ctx, binds: vec![] })
        .collect()
}

fn predicate_matches(r: Option<&Val>, i: usize, n: usize) -> bool {
    let idx_match = |x: f64| {
        let mut k = x.floor();
        if k < 0.0 {
            k += n as f64;
        }
        k == i as f64
    };
    match r {
        Some(Val::Num(x)) => idx_match(*x),
        Some(Val::Arr(a, _)) if !a.is_empty() && a.iter().all(|v| matches!(v, Val::Num(_))) => {
            a.iter().any(|v| matches!(v, Val::Num(x) if idx_match(*x)))
        }
        other => truthy(other),
    }
}

/// A copy of `v` down to its leaves (shared parts are copied as often as they
/// appear), counted.
fn deep_copy(v: &Val, meter: &mut Meter) -> Result<Val, Exhausted> {
    meter.step(1)?;
    Ok(match v {
        Val::Arr(a, f) => {
            meter.items(a.len())?;
            let items = a
                .iter()
                .map(|x| deep_copy(x, meter))
                .collect::<Result<Vec<_>, _>>()?;
            Val::Arr(Rc::new(items), *f)
        }
        Val::Obj(o) => {
            meter.members(o.len())?;
            let members = o
                .iter()
                .map(|(k, v)| Ok((k.clone(), deep_copy(v, meter)?)))
                .collect::<Result<Obj, Exhausted>>()?;
            Val::Obj(Rc::new(members))
        }
        other => other.clone(),
    })
}

type Edits = HashMap<*const Obj, (Option<Rc<Obj>>, Vec<Rc<str>>)>;

fn rebuild(v: &Val, edits: &Edits, meter: &mut Meter) -> Result<Val, Exhausted> {
    meter.step(1)?;
    Ok(match v {
        Val::Arr(a, f) => {
            meter.items(a.len())?;
            let items = a
                .iter()
                .map(|x| rebuild(x, edits, meter))
                .collect::<Result<Vec<_>, _>>()?;
            Val::Arr(Rc::new(items), *f)
        }
        Val::Obj(o) => {
            meter.members(o.len())?;
            let mut out: Obj = o
                .iter()
                .map(|(k, v)| Ok((k.clone(), rebuild(v, edits, meter)?)))
                .collect::<Result<Obj, Exhausted>>()?;
            if let Some((upd, dels)) = edits.get(&Rc::as_ptr(o)) {
                if let Some(u) = upd {
                    meter.members(u.len())?;
                    for (k, v) in u.iter() {
                        out.insert(k.clone(), v.clone());
                    }
                }
                for d in dels {
                    out.shift_remove(d);
                }
            }
            Val::Obj(Rc::new(out))
        }
        other => other.clone(),
    })
}

/// The value of field `name` of `input`, or of each item of an array (flattened into
/// one sequence, counted).
pub(crate) fn lookup_field(
    input: &Val,
    name: &str,
    meter: &mut Meter,
) -> Result<Option<Val>, Exhausted> {
    Ok(match input {
        Val::Arr(a, _) => {
            meter.pass(a.len())?;
            let mut out = Vec::new();
            for item in a.iter() {
                if let Some(v) = lookup_field(item, name, meter)? {
                    match v {
                        Val::Arr(inner, f) if f.seq || !f.cons => {
                            meter.items(inner.len())?;
                            out.extend(inner.iter().cloned());
                        }
                        other => {
                            meter.items(1)?;
                            out.push(other);
                        }
                    }
                }
            }
            Some(Val::seq(out))
        }
        Val::Obj(o) => o.get(name).cloned(),
        _ => None,
    })
}

fn wildcard(input: Option<&Val>, meter: &mut Meter) -> Result<Val, Exhausted> {
    let mut out = Vec::new();
    let input = match input {
        Some(Val::Arr(a, f)) if f.outer && !a.is_empty() => Some(&a[0]),
        other => other,
    };
    let values: Box<dyn Iterator<Item = &Val>> = match input {
        Some(Val::Obj(o)) => Box::new(o.values()),
        Some(Val::Arr(a, _)) => Box::new(a.iter()),
        _ => Box::new(std::iter::empty()),
    };
    for v in values {
        match v {
            Val::Arr(..) => flatten_into(v, &mut out, meter)?,
            other => {
                meter.items(1)?;
                out.push(other.clone());
            }
        }
    }
    Ok(Val::seq(out))
}

fn flatten_into(v: &Val, out: &mut Vec<Val>, meter: &mut Meter) -> Result<(), Exhausted> {
    match v {
        Val::Arr(a, _) => {
            meter.step(1)?;
            for x in a.iter() {
                flatten_into(x, out, meter)?;
            }
        }
        other => {
            meter.items(1)?;
            out.push(other.clone());
        }
    }
    Ok(())
}

fn descend(v: &Val, out: &mut Vec<Val>, meter: &mut Meter) -> Result<(), Exhausted> {
    match v {
        Val::Arr(a, _) => {
            meter.step(1)?;
            for x in a.iter() {
                descend(x, out, meter)?;
            }
        }
        Val::Obj(o) => {
            meter.items(1)?;
            out.push(v.clone());
            for x in o.values() {
                descend(x, out, meter)?;
            }
        }
        other => {
            meter.items(1)?;
            out.push(other.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regex_is_compiled_once_per_pattern() {
        let regex_of = |expr: &str| {
            let node = crate::expr::jsonata::parse_syntax(expr).unwrap();
            match lower(&node).map(|x| x.ir) {
                Ok(Ir::Regex(re)) => Ok(re),
                Ok(_) => panic!("not a regex: {expr}"),
                Err(e) => Err(e.message),
            }
        };
        let a = regex_of("/(a{10}){10}/").unwrap();
        let b = regex_of("/(a{10}){10}/").unwrap();
        assert!(Rc::ptr_eq(&a, &b));
        // The flags are part of the pattern.
        let i = regex_of("/(a{10}){10}/i").unwrap();
        assert!(!Rc::ptr_eq(&a, &i));
        assert!(i.is_match("AAAAAAAAAA".repeat(10).as_str()).unwrap());
        // An invalid one gives the same error each time.
        let first = regex_of("/[b-a]/").unwrap_err();
        assert!(first.starts_with("Invalid regular expression"), "{first}");
        assert_eq!(regex_of("/[b-a]/").unwrap_err(), first);
    }

    /// Frames alive on this thread: counted by `Frame`'s drop in tests.
    fn live_after(expr: &str, release: bool) -> usize {
        let node = crate::expr::jsonata::parse(expr).unwrap();
        let ir = lower(&node).unwrap();
        let mut ev = Evaluator::new(&EvalOptions::default());
        let before = LIVE_FRAMES.with(|c| c.get());
        let env = new_frame(Some(&ev.root_env));
        let result = ev.eval_root(&ir, None, &env).unwrap();
        drop(result);
        drop(env);
        if release {
            ev.release();
        }
        LIVE_FRAMES.with(|c| c.get()) - before
    }

    #[test]
    fn a_named_function_is_freed_once_the_evaluation_is_released() {
        // `$f` holds a closure over the frame that holds `$f`: a cycle, until released.
        let named = "($f := function($x) { $x + 1 }; $g := [function() { 2 }]; $f(1))";
        assert!(live_after(named, false) >= 1);
        assert_eq!(live_after(named, true), 0);
        // At the top level too (the evaluation's own frame).
        assert_eq!(live_after("$f := function() { 1 }", true), 0);
        // Without a cycle nothing was ever kept.
        assert_eq!(
            live_after("$map([1, 2], function($v) { $v * 2 })", false),
            0
        );
    }
}
