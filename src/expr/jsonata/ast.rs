//! Syntax tree of a JSONata expression. Every node carries the byte range it covers in
//! the expression text. The tree mirrors the source (a `.` is a [`Kind::Binary`] with
//! [`BinOp::Map`]); the evaluator lowers it into paths with steps.

use crate::syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `.`
    Map,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `&`
    Concat,
    And,
    Or,
    In,
    /// `..` (inside array constructors)
    Range,
    /// `?:`
    Elvis,
    /// `??`
    Coalesce,
    /// `~>`
    Chain,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Map => ".",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Concat => "&",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
            BinOp::Range => "..",
            BinOp::Elvis => "?:",
            BinOp::Coalesce => "??",
            BinOp::Chain => "~>",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortTerm {
    pub descending: bool,
    pub expr: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex {
        pattern: String,
        flags: String,
    },
    /// A field name (a path step).
    Name(String),
    /// `$name`; `$` is `""`, `$$` is `"$"`.
    Var(String),
    /// `*`
    Wildcard,
    /// `**`
    Descendants,
    /// `%`
    Parent,
    /// `?` as a call argument (partial application).
    Placeholder,
    /// Unary minus.
    Neg(Box<Node>),
    Binary {
        op: BinOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    /// `[a, b, ...]`
    Array(Vec<Node>),
    /// `{k: v, ...}` with no left-hand side.
    Object(Vec<(Node, Node)>),
    /// `expr{k: v, ...}` (group-by).
    Group {
        expr: Box<Node>,
        pairs: Vec<(Node, Node)>,
    },
    /// `expr[pred]`
    Filter {
        expr: Box<Node>,
        pred: Box<Node>,
    },
    /// `expr[]`
    KeepArray(Box<Node>),
    /// `expr@$var`
    Focus {
        expr: Box<Node>,
        var: Param,
    },
    /// `expr#$var`
    Index {
        expr: Box<Node>,
        var: Param,
    },
    /// `expr^(term, ...)`
    Sort {
        expr: Box<Node>,
        terms: Vec<SortTerm>,
    },
    Cond {
        cond: Box<Node>,
        then: Box<Node>,
        otherwise: Option<Box<Node>>,
    },
    /// `( a; b; c )`
    Block(Vec<Node>),
    /// `$name := value`
    Bind {
        var: Param,
        value: Box<Node>,
    },
    /// `function($a, $b)<sig>{ body }` or `λ(...)`.
    Lambda {
        params: Vec<Param>,
        signature: Option<String>,
        body: Box<Node>,
    },
    /// `f(args)`; arguments may be [`Kind::Placeholder`].
    Call {
        func: Box<Node>,
        args: Vec<Node>,
    },
    /// `| pattern | update, delete |`
    Transform {
        pattern: Box<Node>,
        update: Box<Node>,
        delete: Option<Box<Node>>,
    },
}

impl Node {
    pub fn new(kind: Kind, span: TextRange) -> Self {
        Node { kind, span }
    }

    /// Direct children in source order.
    pub fn children(&self) -> Vec<&Node> {
        let mut out: Vec<&Node> = Vec::new();
        match &self.kind {
            Kind::Str(_)
            | Kind::Num(_)
            | Kind::Bool(_)
            | Kind::Null
            | Kind::Regex { .. }
            | Kind::Name(_)
            | Kind::Var(_)
            | Kind::Wildcard
            | Kind::Descendants
            | Kind::Parent
            | Kind::Placeholder => {}
            Kind::Neg(e) | Kind::KeepArray(e) => out.push(e),
            Kind::Focus { expr, .. } | Kind::Index { expr, .. } => out.push(expr),
            Kind::Binary { lhs, rhs, .. } => {
                out.push(lhs);
                out.push(rhs);
            }
            Kind::Array(items) | Kind::Block(items) => out.extend(items.iter()),
            Kind::Object(pairs) => {
                for (k, v) in pairs {
                    out.push(k);
                    out.push(v);
                }
            }
            Kind::Group { expr, pairs } => {
                out.push(expr);
                for (k, v) in pairs {
                    out.push(k);
                    out.push(v);
                }
            }
            Kind::Filter { expr, pred } => {
                out.push(expr);
                out.push(pred);
            }
            Kind::Sort { expr, terms } => {
                out.push(expr);
                out.extend(terms.iter().map(|t| &t.expr));
            }
            Kind::Cond {
                cond,
                then,
                otherwise,
            } => {
                out.push(cond);
                out.push(then);
                if let Some(o) = otherwise {
                    out.push(o);
                }
            }
            Kind::Bind { value, .. } => out.push(value),
            Kind::Lambda { body, .. } => out.push(body),
            Kind::Call { func, args } => {
                out.push(func);
                out.extend(args.iter());
            }
            Kind::Transform {
                pattern,
                update,
                delete,
            } => {
                out.push(pattern);
                out.push(update);
                if let Some(d) = delete {
                    out.push(d);
                }
            }
        }
        out
    }

    /// Visits every node (pre-order) without recursion, so deep trees are safe.
    pub fn walk<'a>(&'a self, mut f: impl FnMut(&'a Node)) {
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            f(n);
            let mut kids = n.children();
            kids.reverse();
            stack.extend(kids);
        }
    }
}
