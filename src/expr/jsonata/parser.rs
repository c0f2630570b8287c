//! Pratt parser for JSONata. Produces a [`Node`] tree with byte ranges; errors carry the
//! reference implementation's codes (S0201 syntax error, S0202/S0203 expected token,
//! S0207 unexpected end, S0208 bad parameter, S0211 bad prefix symbol, S0212 bad `:=`
//! target, S0214 bad `@`/`#` target). Nesting deeper than [`MAX_NESTING`] is an error
//! rather than a stack overflow.

use super::JsonataError;
use super::ast::{BinOp, Kind, Node, Param, SortTerm};
use super::lexer::{Lexer, Tok, Token};
use super::signature::Signature;
use crate::syntax::TextRange;

/// Maximum nesting of sub-expressions the parser accepts.
pub const MAX_NESTING: usize = 150;

pub struct Parser<'s> {
    src: &'s str,
    lex: Lexer<'s>,
    tok: Token,
    prev_end: u32,
    depth: usize,
}

/// The error for an expression past [`MAX_NESTING`]: brackets, calls and blocks nested
/// that deep, or a chain of that many operators or path steps (`1+1+...`, `a.b.c...`),
/// which is a tree as deep as its length, though it reads flat.
fn too_deep(range: TextRange) -> JsonataError {
    JsonataError::new(
        "U1001",
        format!(
            "Expression is too long or nested too deeply: more than {MAX_NESTING} levels of \
             nesting and chained operators or path steps"
        ),
        range,
    )
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Str(s) => s.clone(),
        Tok::Num(n) => super::value::format_number(*n),
        Tok::Name { name, .. } => name.clone(),
        Tok::Var(v) => format!("${v}"),
        Tok::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        Tok::Op(o) => o.to_string(),
        Tok::End => "(end)".into(),
    }
}

fn infix_op(t: &Tok) -> Option<(&'static str, u8)> {
    let op: &'static str = match t {
        Tok::Op(o) => o,
        Tok::Name {
            name,
            quoted: false,
        } => match name.as_str() {
            "and" => "and",
            "or" => "or",
            "in" => "in",
            _ => return None,
        },
        _ => return None,
    };
    let bp = match op {
        "." => 75,
        "[" | "(" | "@" | "#" => 80,
        "{" => 70,
        "*" | "/" | "%" => 60,
        "+" | "-" | "&" => 50,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "~>" | "?:" | "??" | "^" => 40,
        "and" => 30,
        "or" => 25,
        "?" | ".." => 20,
        ":=" => 10,
        _ => 0,
    };
    Some((op, bp))
}

fn binop(op: &str) -> Option<BinOp> {
    Some(match op {
        "." => BinOp::Map,
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Mod,
        "=" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "&" => BinOp::Concat,
        "and" => BinOp::And,
        "or" => BinOp::Or,
        "in" => BinOp::In,
        ".." => BinOp::Range,
        "?:" => BinOp::Elvis,
        "??" => BinOp::Coalesce,
        "~>" => BinOp::Chain,
        _ => return None,
    })
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str) -> Result<Self, JsonataError> {
        let mut lex = Lexer::new(src);
        let tok = lex.next_token()?;
        Ok(Parser {
            src,
            lex,
            tok,
            prev_end: 0,
            depth: 0,
        })
    }

    /// Parses a whole expression; trailing tokens are an S0201 error.
    pub fn parse_all(mut self) -> Result<Node, JsonataError> {
        let node = self.expression(0)?;
        if self.tok.tok != Tok::End {
            return Err(JsonataError::new(
                "S0201",
                format!("Syntax error: \"{}\"", describe(&self.tok.tok)),
                self.tok.range,
            ));
        }
        Ok(node)
    }

    fn advance(&mut self) -> Result<Token, JsonataError> {
        let next = self.lex.next_token()?;
        let t = std::mem::replace(&mut self.tok, next);
        self.prev_end = t.range.end;
        Ok(t)
    }

    fn at(&self, op: &str) -> bool {
        matches!(&self.tok.tok, Tok::Op(o) if *o == op)
    }

    fn expect(&mut self, op: &'static str) -> Result<Token, JsonataError> {
        if self.at(op) {
            return self.advance();
        }
        Err(if self.tok.tok == Tok::End {
            JsonataError::new(
                "S0203",
                format!("Expected \"{op}\" before end of expression"),
                self.tok.range,
            )
        } else {
            JsonataError::new(
                "S0202",
                format!("Expected \"{op}\", got \"{}\"", describe(&self.tok.tok)),
                self.tok.range,
            )
        })
    }

    fn span_from(&self, start: u32) -> TextRange {
        TextRange::new(start, self.prev_end.max(start))
    }

    pub fn expression(&mut self, rbp: u8) -> Result<Node, JsonataError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(too_deep(self.tok.range));
        }
        let t = self.advance()?;
        let mut left = self.nud(t)?;
        let entry_depth = self.depth;
        while let Some((op, bp)) = infix_op(&self.tok.tok) {
            if bp <= rbp {
                break;
            }
            // Left-nested chains (`1+1+1...`) build deep trees too, which the later
            // passes (lowering for the evaluator, the checks) walk recursively: count
            // them, and say so in the message.
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(too_deep(self.tok.range));
            }
            self.advance()?;
            left = self.led(op, bp, left)?;
        }
        self.depth = entry_depth - 1;
        Ok(left)
    }

    fn nud(&mut self, t: Token) -> Result<Node, JsonataError> {
        let start = t.range.start;
        let kind = match t.tok {
            Tok::Str(s) => Kind::Str(s),
            Tok::Num(n) => Kind::Num(n),
            Tok::Regex { pattern, flags } => Kind::Regex { pattern, flags },
            Tok::Var(v) => Kind::Var(v),
            Tok::Name { name, quoted: true } => Kind::Name(name),
            Tok::Name {
                name,
                quoted: false,
            } => match name.as_str() {
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                "null" => Kind::Null,
                "function" | "λ" if self.at("(") => return self.lambda(start),
                _ => Kind::Name(name),
            },
            Tok::Op("-") => {
                let e = self.expression(70)?;
                Kind::Neg(Box::new(e))
            }
            Tok::Op("*") => Kind::Wildcard,
            Tok::Op("**") => Kind::Descendants,
            Tok::Op("%") => Kind::Parent,
            Tok::Op("(") => {
                let mut items = Vec::new();
                if !self.at(")") {
                    loop {
                        items.push(self.expression(0)?);
                        if !self.at(";") {
                            break;
                        }
                        self.advance()?;
                        if self.at(")") {
                            break;
                        }
                    }
                }
                self.expect(")")?;
                Kind::Block(items)
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                if !self.at("]") {
                    loop {
                        items.push(self.expression(0)?);
                        if !self.at(",") {
                            break;
                        }
                        self.advance()?;
                    }
                }
                self.expect("]")?;
                Kind::Array(items)
            }
            Tok::Op("{") => Kind::Object(self.pairs()?),
            Tok::Op("|") => {
                let pattern = self.expression(0)?;
                self.expect("|")?;
                let update = self.expression(0)?;
                let delete = if self.at(",") {
                    self.advance()?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                self.expect("|")?;
                Kind::Transform {
                    pattern: Box::new(pattern),
                    update: Box::new(update),
                    delete,
                }
            }
            Tok::End => {
                return Err(JsonataError::new(
                    "S0207",
                    "Unexpected end of expression",
                    t.range,
                ));
            }
            Tok::Op(op) => {
                return Err(JsonataError::new(
                    "S0211",
                    format!("The symbol \"{op}\" cannot be used as a unary operator"),
                    t.range,
                ));
            }
        };
        Ok(Node::new(kind, self.span_from(start)))
    }

    fn pairs(&mut self) -> Result<Vec<(Node, Node)>, JsonataError> {
        let mut pairs = Vec::new();
        if !self.at("}") {
            loop {
                let k = self.expression(0)?;
                self.expect(":")?;
                let v = self.expression(0)?;
                pairs.push((k, v));
                if !self.at(",") {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect("}")?;
        Ok(pairs)
    }

    fn lambda(&mut self, start: u32) -> Result<Node, JsonataError> {
        self.expect("(")?;
        let mut params = Vec::new();
        if !self.at(")") {
            loop {
                match &self.tok.tok {
                    Tok::Var(v) => {
                        params.push(Param {
                            name: v.clone(),
                            span: self.tok.range,
                        });
                        self.advance()?;
                    }
                    other => {
                        return Err(JsonataError::new(
                            "S0208",
                            format!(
                                "Parameter \"{}\" of function definition must be a variable name (start with $)",
                                describe(other)
                            ),
                            self.tok.range,
                        ));
                    }
                }
                if !self.at(",") {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect(")")?;
        let mut signature = None;
        if self.at("<") {
            let open = self.tok.range.start as usize;
            let bytes = self.src.as_bytes();
            let mut depth = 0usize;
            let mut end = None;
            for (i, &b) in bytes.iter().enumerate().skip(open) {
                if b == b'<' {
                    depth += 1;
                } else if b == b'>' {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
            }
            let Some(end) = end else {
                return Err(JsonataError::new(
                    "S0203",
                    "Expected \">\" before end of expression",
                    TextRange::from_usize(open, self.src.len()),
                ));
            };
            let text = &self.src[open..end];
            Signature::parse(text).map_err(|mut e| {
                e.span =
                    TextRange::from_usize(open + e.span.start as usize, open + e.span.end as usize);
                e
            })?;
            signature = Some(text.to_string());
            self.lex.set_pos(end);
            self.tok = self.lex.next_token()?;
            self.prev_end = end as u32;
        }
        self.expect("{")?;
        let body = self.expression(0)?;
        self.expect("}")?;
        Ok(Node::new(
            Kind::Lambda {
                params,
                signature,
                body: Box::new(body),
            },
            self.span_from(start),
        ))
    }

    fn led(&mut self, op: &'static str, bp: u8, left: Node) -> Result<Node, JsonataError> {
        let start = left.span.start;
        let kind = match op {
            "[" => {
                if self.at("]") {
                    self.advance()?;
                    Kind::KeepArray(Box::new(left))
                } else {
                    let pred = self.expression(0)?;
                    self.expect("]")?;
                    Kind::Filter {
                        expr: Box::new(left),
                        pred: Box::new(pred),
                    }
                }
            }
            "{" => Kind::Group {
                expr: Box::new(left),
                pairs: self.pairs()?,
            },
            "(" => {
                let mut args = Vec::new();
                if !self.at(")") {
                    loop {
                        if self.at("?") {
                            let t = self.advance()?;
                            args.push(Node::new(Kind::Placeholder, t.range));
                        } else {
                            args.push(self.expression(0)?);
                        }
                        if !self.at(",") {
                            break;
                        }
                        self.advance()?;
                    }
                }
                self.expect(")")?;
                Kind::Call {
                    func: Box::new(left),
                    args,
                }
            }
            "@" | "#" => {
                let Tok::Var(v) = &self.tok.tok else {
                    return Err(JsonataError::new(
                        "S0214",
                        format!("The right side of {op} must be a variable name (start with $)"),
                        self.tok.range,
                    ));
                };
                let var = Param {
                    name: v.clone(),
                    span: self.tok.range,
                };
                self.advance()?;
                if op == "@" {
                    Kind::Focus {
                        expr: Box::new(left),
                        var,
                    }
                } else {
                    Kind::Index {
                        expr: Box::new(left),
                        var,
                    }
                }
            }
            "?" => {
                let then = self.expression(0)?;
                let otherwise = if self.at(":") {
                    self.advance()?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                Kind::Cond {
                    cond: Box::new(left),
                    then: Box::new(then),
                    otherwise,
                }
            }
            ":=" => {
                let Kind::Var(name) = &left.kind else {
                    return Err(JsonataError::new(
                        "S0212",
                        "The left side of := must be a variable name (start with $)",
                        left.span,
                    ));
                };
                let var = Param {
                    name: name.clone(),
                    span: left.span,
                };
                let value = self.expression(bp - 1)?;
                Kind::Bind {
                    var,
                    value: Box::new(value),
                }
            }
            "^" => {
                self.expect("(")?;
                let mut terms = Vec::new();
                loop {
                    let mut descending = false;
                    if self.at("<") {
                        self.advance()?;
                    } else if self.at(">") {
                        self.advance()?;
                        descending = true;
                    }
                    let expr = self.expression(0)?;
                    terms.push(SortTerm { descending, expr });
                    if !self.at(",") {
                        break;
                    }
                    self.advance()?;
                }
                self.expect(")")?;
                Kind::Sort {
                    expr: Box::new(left),
                    terms,
                }
            }
            _ => {
                let Some(bop) = binop(op) else {
                    return Err(JsonataError::new(
                        "S0201",
                        format!("Syntax error: \"{op}\""),
                        TextRange::new(self.prev_end - op.len() as u32, self.prev_end),
                    ));
                };
                let rhs = self.expression(bp)?;
                Kind::Binary {
                    op: bop,
                    lhs: Box::new(left),
                    rhs: Box::new(rhs),
                }
            }
        };
        Ok(Node::new(kind, self.span_from(start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node {
        Parser::new(s)
            .and_then(|p| p.parse_all())
            .unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }
    fn perr(s: &str) -> JsonataError {
        match Parser::new(s).and_then(|p| p.parse_all()) {
            Ok(n) => panic!("{s} parsed: {n:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence_and_spans() {
        let n = p("a + b * 2");
        let Kind::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } = &n.kind
        else {
            panic!("{n:?}")
        };
        assert_eq!(lhs.kind, Kind::Name("a".into()));
        assert_eq!(rhs.span, TextRange::new(4, 9));
        assert_eq!(n.span, TextRange::new(0, 9));
        let n = p("$x := $y := 3");
        let Kind::Bind { var, value } = &n.kind else {
            panic!()
        };
        assert_eq!(var.name, "x");
        assert!(matches!(value.kind, Kind::Bind { .. }));
    }

    #[test]
    fn paths_predicates_and_calls() {
        let n = p("Account.Order[0].$sum(Product.Price)");
        assert_eq!(n.span, TextRange::new(0, 36));
        let Kind::Binary {
            op: BinOp::Map,
            lhs,
            rhs,
        } = &n.kind
        else {
            panic!()
        };
        assert!(matches!(rhs.kind, Kind::Call { .. }));
        assert_eq!(rhs.span, TextRange::new(17, 36));
        let Kind::Binary { rhs: filt, .. } = &lhs.kind else {
            panic!()
        };
        assert_eq!(filt.span, TextRange::new(8, 16));
        assert!(matches!(filt.kind, Kind::Filter { .. }));
    }

    #[test]
    fn lambdas_signatures_partials_and_transforms() {
        let n = p("function($x, $y)<nn:n>{ $x + $y }(1, ?)");
        let Kind::Call { func, args } = &n.kind else {
            panic!()
        };
        let Kind::Lambda {
            params, signature, ..
        } = &func.kind
        else {
            panic!()
        };
        assert_eq!(
            params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["x", "y"]
        );
        assert_eq!(signature.as_deref(), Some("<nn:n>"));
        assert_eq!(args[1].kind, Kind::Placeholder);
        assert_eq!(args[1].span, TextRange::new(37, 38));
        let n = p("$ ~> |a.b|{'c': 1}, ['d']|");
        let Kind::Binary {
            op: BinOp::Chain,
            rhs,
            ..
        } = &n.kind
        else {
            panic!()
        };
        assert!(matches!(
            rhs.kind,
            Kind::Transform {
                delete: Some(_),
                ..
            }
        ));
        p("λ($a){$a}");
        p("a^(>b, c)");
        p("a@$x#$i[$i > 1]");
        p("x ? y : z");
        p("[1..5, 7]");
        p("a{b: c}");
        p("(a; b;)");
        p("a ?: b ?? c");
        p("`true`.and.or");
    }

    #[test]
    fn syntax_errors_have_codes_and_ranges() {
        let e = perr("[1,2)");
        assert_eq!((e.code, e.span), ("S0202", TextRange::new(4, 5)));
        let e = perr("$lowercase(\"x\"");
        assert_eq!(e.code, "S0203");
        let e = perr("a;");
        assert_eq!((e.code, e.span), ("S0201", TextRange::new(1, 2)));
        assert_eq!(perr("1=").code, "S0207");
        assert_eq!(perr("@ bar").code, "S0211");
        assert_eq!(perr("function(x){$x}").code, "S0208");
        assert_eq!(perr("x := 1").code, "S0212");
        let e = perr("a@o");
        assert_eq!((e.code, e.span), ("S0214", TextRange::new(2, 3)));
        assert_eq!(perr("λ($a)<n<n>>{$a}").code, "S0401");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "(".repeat(100_000) + &")".repeat(100_000);
        assert_eq!(perr(&deep).code, "U1001");
        let deep = "-".repeat(100_000) + "1";
        assert_eq!(perr(&deep).code, "U1001");
        let ok = "[".repeat(40) + &"]".repeat(40);
        p(&ok);
    }

    #[test]
    fn a_long_flat_chain_is_called_long_not_only_nested() {
        // A chain of operators is a tree as deep as it is long (the later passes walk
        // it recursively), so it meets the same bound, and the message says so.
        for long in [vec!["1"; 150].join("+"), format!("$x{}", ".a".repeat(150))] {
            let e = perr(&long);
            assert_eq!(e.code, "U1001");
            assert_eq!(
                e.message,
                "Expression is too long or nested too deeply: more than 150 levels of nesting and chained operators or path steps"
            );
        }
        p(&vec!["1"; 100].join("+"));
        // Parentheses start a chain of their own.
        p(&format!(
            "({}) + ({})",
            vec!["1"; 100].join("+"),
            vec!["1"; 100].join("+")
        ));
    }
}
