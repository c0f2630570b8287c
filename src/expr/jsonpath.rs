//! The JSONPath dialect of Step Functions (JSONPath query language).
//!
//! AWS evaluates paths with Jayway JsonPath. This module parses the forms Jayway and AWS
//! accept into a [`Path`] whose segments carry byte spans, checks the restrictions of
//! *reference paths* ([`validate`]), evaluates paths over `serde_json` values
//! ([`evaluate`]) and writes a value at a reference path ([`set`], for `ResultPath`).
//!
//! Accepted syntax:
//! - roots: `$` (state input), `$$` (context object), `$name` (workflow variable);
//! - `.name` (any characters except `.`, `[`, `(`, `]`, `)` and whitespace; `\` escapes
//!   the next character, as in `$.foo\.bar`), `.*`, `..name`, `..*`, `..[...]`;
//! - brackets: `['name']`, `["name"]`, `['a','b']`, `[0]`, `[-1]`, `[0,2]`, `[1:3]`,
//!   `[:2]`, `[-2:]`, `[*]`, filters `[?(@.a >= 5 && @.b == 'x')]`, and the script form
//!   `[(@.length-1)]`;
//! - a trailing function call `.length()`, `.size()`, `.min()`, `.max()`, `.avg()`,
//!   `.sum()`, `.stddev()`, `.keys()`, `.first()`, `.last()`.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{EvalError, EvalErrorKind, ExprError, TextRange, compact_json};

/// Maximum nesting of parentheses inside filters (keeps the recursive parser bounded).
const MAX_FILTER_DEPTH: usize = 32;

/// A parsed path. Spans are byte offsets into the string the path was parsed from (for a
/// path inside an intrinsic call, offsets into the whole call string).
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The path text exactly as written.
    pub text: String,
    pub root: Root,
    pub root_span: TextRange,
    pub segments: Vec<Segment>,
    /// The whole path.
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state input (or the current document).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Reached through `..` (deep scan).
    pub descendant: bool,
    pub selector: Selector,
    /// From the leading `.`/`..`/`[` to the end of the segment.
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(String),
    /// `['a','b']`.
    Names(Vec<String>),
    /// `[0]`, `[-1]`.
    Index(i64),
    /// `[0,1]`.
    Indexes(Vec<i64>),
    /// `[start:end]`, either bound optional.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
    },
    /// `.*` or `[*]`.
    Wildcard,
    /// `[?( ... )]`.
    Filter(Box<FilterExpr>),
    /// `[(@.length-1)]`: an index computed from the array length plus `offset`.
    LengthOffset(i64),
    /// `.length()` and friends; always the last segment.
    Function(PathFunction),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathFunction {
    Length,
    Size,
    Min,
    Max,
    Avg,
    Sum,
    StdDev,
    Keys,
    First,
    Last,
}

impl PathFunction {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "length" => PathFunction::Length,
            "size" => PathFunction::Size,
            "min" => PathFunction::Min,
            "max" => PathFunction::Max,
            "avg" => PathFunction::Avg,
            "sum" => PathFunction::Sum,
            "stddev" => PathFunction::StdDev,
            "keys" => PathFunction::Keys,
            "first" => PathFunction::First,
            "last" => PathFunction::Last,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PathFunction::Length => "length",
            PathFunction::Size => "size",
            PathFunction::Min => "min",
            PathFunction::Max => "max",
            PathFunction::Avg => "avg",
            PathFunction::Sum => "sum",
            PathFunction::StdDev => "stddev",
            PathFunction::Keys => "keys",
            PathFunction::First => "first",
            PathFunction::Last => "last",
        }
    }
}

/// A filter predicate (Jayway syntax).
#[derive(Clone, Debug, PartialEq)]
pub enum FilterExpr {
    Or(Box<FilterExpr>, Box<FilterExpr>),
    And(Box<FilterExpr>, Box<FilterExpr>),
    Not(Box<FilterExpr>),
    /// A lone operand: true when the path exists (or the literal is truthy).
    Exists(Operand),
    Compare {
        left: Operand,
        op: CompareOp,
        right: Operand,
        span: TextRange,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Contains,
    Size,
    Empty,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Regex => "=~",
            CompareOp::In => "in",
            CompareOp::Nin => "nin",
            CompareOp::SubsetOf => "subsetof",
            CompareOp::AnyOf => "anyof",
            CompareOp::NoneOf => "noneof",
            CompareOp::Contains => "contains",
            CompareOp::Size => "size",
            CompareOp::Empty => "empty",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `@...`: relative to the node being filtered.
    Current {
        segments: Vec<Segment>,
        span: TextRange,
    },
    /// `$...`, `$$...`, `$var...` inside a filter.
    Absolute(Box<Path>),
    /// A JSON literal: string, number, boolean, null or an array of those.
    Literal { value: Value, span: TextRange },
    /// `/pattern/flags`.
    Regex(RegexLiteral),
}

/// A regular expression literal, compiled once at parse time.
#[derive(Clone, Debug)]
pub struct RegexLiteral {
    pub pattern: String,
    pub flags: String,
    pub span: TextRange,
    compiled: regex::Regex,
}

impl PartialEq for RegexLiteral {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.flags == other.flags && self.span == other.span
    }
}

/// Which kind of path a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathContext {
    /// A full Path (InputPath, OutputPath, `.$` values): everything is allowed.
    Path,
    /// A Reference Path (ItemsPath, Choice `Variable`, `*Path` fields): must identify a
    /// single node, so no `..`, `*`, filters, unions, slices or functions.
    ReferencePath,
    /// ResultPath (state or Catcher): a reference path into the state input, so in
    /// addition it cannot start with `$$` or name a variable.
    ResultPath,
    /// The number `*Path` fields of a Map (`MaxConcurrencyPath`, the tolerated
    /// failures, the ItemBatcher and ItemReader limits): a reference path that AWS does
    /// not let start with `$$` (only `ItemsPath` of a Map reads the context object).
    MapNumberPath,
}

impl Path {
    /// True when the path selects at most one node (Jayway's "definite" paths): only
    /// single names and indexes, optionally followed by a function.
    pub fn is_definite(&self) -> bool {
        let mut segs = &self.segments[..];
        if let Some((last, rest)) = segs.split_last()
            && matches!(last.selector, Selector::Function(_))
        {
            return rest
                .iter()
                .all(|s| !matches!(s.selector, Selector::Function(_)));
        }
        if let Some((last, rest)) = segs.split_last()
            && !last.descendant
            && matches!(last.selector, Selector::Names(_))
        {
            segs = rest;
        }
        segs.iter().all(is_single)
    }

    /// The variable name for `$name...` paths.
    pub fn variable(&self) -> Option<&str> {
        match &self.root {
            Root::Variable(v) => Some(v),
            _ => None,
        }
    }

    /// The same selection written as a Step Functions JSONata expression, for a path
    /// of names and indexes only: `$.order.items[0]` is
    /// `$states.input.order.items[0]`, `$$.Execution.Id` is
    /// `$states.context.Execution.Id`, `$name.x` stays `$name.x`. Names that are not
    /// plain identifiers are quoted with backticks. `None` for anything else (deep
    /// scans, wildcards, slices, unions, filters, functions).
    pub fn to_jsonata(&self) -> Option<String> {
        self.to_jsonata_from("$states.input")
    }

    /// [`Path::to_jsonata`] with `$` standing for `input` (`$states.result` in a
    /// `ResultSelector`).
    pub fn to_jsonata_from(&self, input: &str) -> Option<String> {
        let mut out = match &self.root {
            Root::Input => input.to_string(),
            Root::Context => "$states.context".to_string(),
            Root::Variable(v) => format!("${v}"),
        };
        for segment in &self.segments {
            if segment.descendant {
                return None;
            }
            match &segment.selector {
                Selector::Name(name) => out.push_str(&jsonata_field(name)?),
                Selector::Index(i) => out.push_str(&format!("[{i}]")),
                _ => return None,
            }
        }
        Some(out)
    }
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// Parse a path string. Spans are offsets into `text`.
pub fn parse(text: &str) -> Result<Path, ExprError> {
    parse_at(text, 0)
}

/// Parse a path that sits at byte `offset` of a larger string (spans are shifted).
pub fn parse_at(text: &str, offset: usize) -> Result<Path, ExprError> {
    let mut p = Parser {
        src: text,
        pos: 0,
        base: offset,
    };
    p.path(false, 0)
}

/// Parse and check a path for a field of the given kind; all problems found.
pub fn check(text: &str, context: PathContext) -> Vec<ExprError> {
    match parse(text) {
        Ok(path) => validate(&path, context),
        Err(e) => vec![e],
    }
}

/// Restrictions of reference paths and ResultPath. Plain paths always pass.
pub fn validate(path: &Path, context: PathContext) -> Vec<ExprError> {
    let mut errors = Vec::new();
    if context == PathContext::Path {
        return errors;
    }
    if context == PathContext::ResultPath {
        match &path.root {
            Root::Context => errors.push(ExprError::new(
                path.root_span,
                "a ResultPath cannot refer to the context object `$$`; it writes into the state input `$`",
            )),
            Root::Variable(name) => errors.push(ExprError::new(
                path.root_span,
                format!(
                    "a ResultPath cannot name a variable (`${name}`); use `Assign` to set variables"
                ),
            )),
            Root::Input => {}
        }
    }
    if context == PathContext::MapNumberPath && path.root == Root::Context {
        errors.push(ExprError::new(
            path.root_span,
            "this Map field cannot read the context object `$$`; select the number from the state input `$` (a state before the Map can copy it there from `$$`)",
        ));
    }
    for seg in &path.segments {
        let what = if seg.descendant {
            Some("a deep scan `..`")
        } else {
            match &seg.selector {
                Selector::Name(_) | Selector::Index(_) => None,
                Selector::Names(_) => Some("a union of names `['a','b']`"),
                Selector::Indexes(_) => Some("a union of indexes `[0,1]`"),
                Selector::Slice { .. } => Some("a slice `[start:end]`"),
                Selector::Wildcard => Some("a wildcard `*`"),
                Selector::Filter(_) => Some("a filter `[?(...)]`"),
                Selector::LengthOffset(_) => Some("a script expression `[(...)]`"),
                Selector::Function(_) => Some("a function call"),
            }
        };
        if let Some(what) = what {
            let name = if context == PathContext::ResultPath {
                "a ResultPath"
            } else {
                "a reference path"
            };
            errors.push(ExprError::new(
                seg.span,
                format!("{name} cannot contain {what}; it must identify a single node"),
            ));
        }
    }
    errors
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    base: usize,
}

fn describe(c: char) -> String {
    match c {
        ' ' => "space".to_string(),
        '\t' => "tab".to_string(),
        '\n' => "line break".to_string(),
        c => format!("`{c}`"),
    }
}

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> TextRange {
        TextRange::from_usize(self.base + start, self.base + end)
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn err_here(&self, message: impl Into<String>) -> ExprError {
        let end = self.peek().map_or(self.pos, |c| self.pos + c.len_utf8());
        ExprError::new(self.span(self.pos, end), message)
    }

    fn unexpected(&self, expected: &str) -> ExprError {
        match self.peek() {
            Some(c) => self.err_here(format!(
                "unexpected {} at offset {}; expected {expected}",
                describe(c),
                self.base + self.pos
            )),
            None => self.err_here(format!("unexpected end of path; expected {expected}")),
        }
    }

    /// `inside_filter`: the path is an operand inside `[?(...)]`, so it ends at
    /// whitespace, operators and `)`.
    fn path(&mut self, inside_filter: bool, depth: usize) -> Result<Path, ExprError> {
        let start = self.pos;
        if !self.eat('$') {
            return Err(match self.peek() {
                Some(_) => self.err_here("a path must start with `$`"),
                None => self.err_here("a path cannot be empty; it must start with `$`"),
            });
        }
        let root = if self.eat('$') {
            Root::Context
        } else if self.peek().is_some_and(|c| c.is_alphabetic() || c == '_') {
            let name_start = self.pos;
            while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                self.bump();
            }
            Root::Variable(self.src[name_start..self.pos].to_string())
        } else {
            Root::Input
        };
        let root_span = self.span(start, self.pos);
        let segments = self.segments(inside_filter, depth)?;
        if !inside_filter && self.pos < self.src.len() {
            return Err(self.unexpected("`.`, `[` or the end of the path"));
        }
        Ok(Path {
            text: self.src[start..self.pos].to_string(),
            root,
            root_span,
            segments,
            span: self.span(start, self.pos),
        })
    }

    fn segments(&mut self, inside_filter: bool, depth: usize) -> Result<Vec<Segment>, ExprError> {
        let mut segments: Vec<Segment> = Vec::new();
        loop {
            if let Some(Segment {
                selector: Selector::Function(f),
                span,
                ..
            }) = segments.last()
                && matches!(self.peek(), Some('.' | '['))
            {
                return Err(ExprError::new(
                    *span,
                    format!(
                        "the function `{}()` must be the last part of the path",
                        f.name()
                    ),
                ));
            }
            match self.peek() {
                Some('.') => segments.push(self.dot_segment(inside_filter, depth)?),
                Some('[') => {
                    let start = self.pos;
                    let selector = self.bracket(depth)?;
                    segments.push(Segment {
                        descendant: false,
                        selector,
                        span: self.span(start, self.pos),
                    });
                }
                _ => return Ok(segments),
            }
        }
    }

    fn dot_segment(&mut self, inside_filter: bool, depth: usize) -> Result<Segment, ExprError> {
        let start = self.pos;
        self.bump(); // '.'
        let descendant = self.eat('.');
        if self.peek() == Some('.') {
            return Err(self.err_here(format!(
                "unexpected `.` at offset {}: at most two dots `..` may follow each other",
                self.base + self.pos
            )));
        }
        let selector = match self.peek() {
            Some('[') => self.bracket(depth)?,
            Some('*') => {
                self.bump();
                Selector::Wildcard
            }
            _ => {
                let name_start = self.pos;
                let name = self.dot_name(inside_filter)?;
                if name.is_empty() {
                    let dots = if descendant { "`..`" } else { "`.`" };
                    return Err(match self.peek() {
                        None => ExprError::new(
                            self.span(start, self.pos),
                            format!("a path cannot end with {dots}; expected a member name"),
                        ),
                        Some(_) => self.unexpected(&format!("a member name after {dots}")),
                    });
                }
                if self.peek() == Some('(') {
                    let name_span = self.span(name_start, self.pos);
                    self.bump();
                    self.skip_ws();
                    if !self.eat(')') {
                        return Err(self.unexpected(&format!(
                            "`)`: path functions such as `{name}()` take no arguments here"
                        )));
                    }
                    match PathFunction::from_name(&name) {
                        Some(f) => Selector::Function(f),
                        None => {
                            return Err(ExprError::new(
                                name_span,
                                format!(
                                    "unknown path function `{name}()`; known functions are length(), size(), min(), max(), avg(), sum(), stddev(), keys(), first() and last()"
                                ),
                            ));
                        }
                    }
                } else {
                    Selector::Name(name)
                }
            }
        };
        Ok(Segment {
            descendant,
            selector,
            span: self.span(start, self.pos),
        })
    }

    /// A member name after `.`; stops before `.`, `[`, `(` and the end.
    fn dot_name(&mut self, inside_filter: bool) -> Result<String, ExprError> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            match c {
                '.' | '[' | '(' => break,
                '\\' => {
                    let at = self.pos;
                    self.bump();
                    match self.bump() {
                        Some(e) => name.push(e),
                        None => {
                            return Err(ExprError::new(
                                self.span(at, self.pos),
                                "a backslash at the end of the path escapes nothing",
                            ));
                        }
                    }
                }
                c if inside_filter
                    && (c.is_whitespace()
                        || matches!(c, ')' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | ']')) =>
                {
                    break;
                }
                c if c.is_whitespace() => {
                    return Err(self.err_here(format!(
                        "unexpected {} at offset {} in a member name; use bracket notation such as ['my name'] for names with spaces",
                        describe(c),
                        self.base + self.pos
                    )));
                }
                ']' | ')' => {
                    return Err(self.err_here(format!(
                        "unexpected `{c}` at offset {}",
                        self.base + self.pos
                    )));
                }
                _ => {
                    name.push(c);
                    self.bump();
                }
            }
        }
        Ok(name)
    }

    /// `[ ... ]`; the cursor is on `[`.
    fn bracket(&mut self, depth: usize) -> Result<Selector, ExprError> {
        let open = self.pos;
        self.bump();
        self.skip_ws();
        let selector = match self.peek() {
            Some('\'' | '"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    self.skip_ws();
                    if !matches!(self.peek(), Some('\'' | '"')) {
                        return Err(self.unexpected("a quoted name after `,`"));
                    }
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Selector::Name(names.pop().unwrap_or_default())
                } else {
                    Selector::Names(names)
                }
            }
            Some('*') => {
                self.bump();
                Selector::Wildcard
            }
            Some('?') => {
                self.bump();
                self.skip_ws();
                if !self.eat('(') {
                    return Err(
                        self.unexpected("`(` after `?` to start a filter such as [?(@.a > 1)]")
                    );
                }
                let expr = self.filter_or(depth + 1)?;
                self.skip_ws();
                if !self.eat(')') {
                    return Err(self.unexpected("`)` to close the filter"));
                }
                Selector::Filter(Box::new(expr))
            }
            Some('(') => self.script()?,
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.indexes_or_slice()?,
            Some(']') => {
                return Err(ExprError::new(
                    self.span(open, self.pos + 1),
                    "empty brackets `[]`; expected a quoted name, an index, `*`, a slice or a filter",
                ));
            }
            Some(_) => {
                return Err(self.unexpected(
                    "a quoted name, an index, `*`, a slice or a filter inside `[...]`",
                ));
            }
            None => {
                return Err(ExprError::new(self.span(open, self.pos), "unclosed `[`"));
            }
        };
        self.skip_ws();
        if !self.eat(']') {
            if self.peek().is_none() {
                return Err(ExprError::new(
                    self.span(open, self.pos),
                    "unclosed `[`: expected `]`",
                ));
            }
            return Err(self.unexpected("`]`"));
        }
        Ok(selector)
    }

    /// A quoted string; the cursor is on the opening quote.
    fn quoted(&mut self) -> Result<String, ExprError> {
        let open = self.pos;
        let quote = self.bump().unwrap_or('\'');
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(ExprError::new(
                        self.span(open, self.pos),
                        format!("unterminated string: expected a closing {quote}"),
                    ));
                }
                // Only the quote itself is escaped; any other backslash is kept as
                // written (AWS finds the key `a\"b` through `$['a\"b']`).
                Some('\\') => match self.bump() {
                    Some(c) if c == quote => out.push(c),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => {
                        return Err(ExprError::new(
                            self.span(open, self.pos),
                            format!("unterminated string: expected a closing {quote}"),
                        ));
                    }
                },
                Some(c) if c == quote => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn integer(&mut self) -> Result<i64, ExprError> {
        let start = self.pos;
        self.eat('-');
        let digits = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        if self.pos == digits {
            return Err(self.unexpected("a digit"));
        }
        self.src[start..self.pos].parse::<i64>().map_err(|_| {
            ExprError::new(
                self.span(start, self.pos),
                format!("the index {} is too large", &self.src[start..self.pos]),
            )
        })
    }

    fn indexes_or_slice(&mut self) -> Result<Selector, ExprError> {
        let first = if self.peek() == Some(':') {
            None
        } else {
            Some(self.integer()?)
        };
        self.skip_ws();
        if self.eat(':') {
            self.skip_ws();
            let end = if matches!(self.peek(), Some(c) if c == '-' || c.is_ascii_digit()) {
                Some(self.integer()?)
            } else {
                None
            };
            self.skip_ws();
            if self.peek() == Some(':') {
                return Err(self.err_here(
                    "slice steps `[start:end:step]` are not supported by the Step Functions JSONPath engine",
                ));
            }
            if first.is_none() && end.is_none() {
                return Err(self.err_here("a slice needs a start or an end, e.g. `[1:]` or `[:2]`"));
            }
            return Ok(Selector::Slice { start: first, end });
        }
        let mut indexes = vec![first.unwrap_or_default()];
        while self.eat(',') {
            self.skip_ws();
            indexes.push(self.integer()?);
            self.skip_ws();
        }
        Ok(if indexes.len() == 1 {
            Selector::Index(indexes[0])
        } else {
            Selector::Indexes(indexes)
        })
    }

    /// `(@.length - N)`; the cursor is on `(`.
    fn script(&mut self) -> Result<Selector, ExprError> {
        let open = self.pos;
        self.bump();
        self.skip_ws();
        let unsupported = |p: &Self| {
            ExprError::new(
                p.span(open, p.pos.max(open + 1)),
                "only the script expression `(@.length-N)` is supported inside `[(...)]`",
            )
        };
        if !self.src[self.pos..].starts_with("@.length") {
            return Err(unsupported(self));
        }
        self.pos += "@.length".len();
        self.skip_ws();
        let mut offset = 0i64;
        if let Some(sign @ ('-' | '+')) = self.peek() {
            self.bump();
            self.skip_ws();
            let n = self.integer()?;
            offset = if sign == '-' { -n } else { n };
            self.skip_ws();
        }
        if !self.eat(')') {
            return Err(unsupported(self));
        }
        Ok(Selector::LengthOffset(offset))
    }

    // --- filters -------------------------------------------------------------------

    fn filter_or(&mut self, depth: usize) -> Result<FilterExpr, ExprError> {
        if depth > MAX_FILTER_DEPTH {
            return Err(self.err_here("filter expression nested too deeply"));
        }
        let mut left = self.filter_and(depth)?;
        loop {
            self.skip_ws();
            if self.src[self.pos..].starts_with("||") {
                self.pos += 2;
                let right = self.filter_and(depth)?;
                left = FilterExpr::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_and(&mut self, depth: usize) -> Result<FilterExpr, ExprError> {
        let mut left = self.filter_unary(depth)?;
        loop {
            self.skip_ws();
            if self.src[self.pos..].starts_with("&&") {
                self.pos += 2;
                let right = self.filter_unary(depth)?;
                left = FilterExpr::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_unary(&mut self, depth: usize) -> Result<FilterExpr, ExprError> {
        if depth > MAX_FILTER_DEPTH {
            return Err(self.err_here("filter expression nested too deeply"));
        }
        self.skip_ws();
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.bump();
            let inner = self.filter_unary(depth + 1)?;
            return Ok(FilterExpr::Not(Box::new(inner)));
        }
        if self.peek() == Some('(') {
            self.bump();
            let inner = self.filter_or(depth + 1)?;
            self.skip_ws();
            if !self.eat(')') {
                return Err(self.unexpected("`)`"));
            }
            return Ok(inner);
        }
        let start = self.pos;
        let left = self.operand(depth)?;
        self.skip_ws();
        let Some(op) = self.compare_op() else {
            return Ok(FilterExpr::Exists(left));
        };
        self.skip_ws();
        let right = self.operand(depth)?;
        Ok(FilterExpr::Compare {
            left,
            op,
            right,
            span: self.span(start, self.pos),
        })
    }

    fn compare_op(&mut self) -> Option<CompareOp> {
        let rest = &self.src[self.pos..];
        for (text, op) in [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("=~", CompareOp::Regex),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ] {
            if rest.starts_with(text) {
                self.pos += text.len();
                return Some(op);
            }
        }
        for (text, op) in [
            ("subsetof", CompareOp::SubsetOf),
            ("anyof", CompareOp::AnyOf),
            ("noneof", CompareOp::NoneOf),
            ("contains", CompareOp::Contains),
            ("size", CompareOp::Size),
            ("empty", CompareOp::Empty),
            ("nin", CompareOp::Nin),
            ("in", CompareOp::In),
        ] {
            if rest.starts_with(text)
                && !rest[text.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                self.pos += text.len();
                return Some(op);
            }
        }
        None
    }

    fn operand(&mut self, depth: usize) -> Result<Operand, ExprError> {
        let start = self.pos;
        match self.peek() {
            Some('@') => {
                self.bump();
                let segments = self.segments(true, depth)?;
                Ok(Operand::Current {
                    segments,
                    span: self.span(start, self.pos),
                })
            }
            Some('$') => Ok(Operand::Absolute(Box::new(self.path(true, depth)?))),
            Some('\'' | '"') => {
                let s = self.quoted()?;
                Ok(Operand::Literal {
                    value: Value::String(s),
                    span: self.span(start, self.pos),
                })
            }
            Some('/') => self.regex(),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                self.skip_ws();
                if !self.eat(']') {
                    loop {
                        self.skip_ws();
                        items.push(self.scalar_literal()?);
                        self.skip_ws();
                        if self.eat(']') {
                            break;
                        }
                        if !self.eat(',') {
                            return Err(self.unexpected("`,` or `]` in the array literal"));
                        }
                    }
                }
                Ok(Operand::Literal {
                    value: Value::Array(items),
                    span: self.span(start, self.pos),
                })
            }
            _ => {
                let value = self.scalar_literal()?;
                Ok(Operand::Literal {
                    value,
                    span: self.span(start, self.pos),
                })
            }
        }
    }

    fn scalar_literal(&mut self) -> Result<Value, ExprError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Value::String(self.quoted()?)),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.eat('-');
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+'))
                {
                    if matches!(self.peek(), Some('+'))
                        && !self.src[..self.pos].ends_with(['e', 'E'])
                    {
                        break;
                    }
                    self.bump();
                }
                let text = &self.src[start..self.pos];
                serde_json::from_str::<serde_json::Number>(text)
                    .map(Value::Number)
                    .map_err(|_| {
                        ExprError::new(
                            self.span(start, self.pos),
                            format!("`{text}` is not a valid number"),
                        )
                    })
            }
            Some(c) if c.is_alphanumeric() || c == '_' => {
                // `true`, `false`, `null`, or an unquoted word. Jayway-style filters in
                // published AWS samples compare with bare words (`@.Code==es`); they are
                // read as strings rather than rejected.
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                {
                    self.bump();
                }
                Ok(match &self.src[start..self.pos] {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    word => Value::String(word.to_string()),
                })
            }
            _ => Err(self.unexpected(
                "`@`, `$`, a string, a number, `true`, `false`, `null`, an array or a regex in the filter",
            )),
        }
    }

    fn regex(&mut self) -> Result<Operand, ExprError> {
        let start = self.pos;
        self.bump();
        let mut pattern = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(ExprError::new(
                        self.span(start, self.pos),
                        "unterminated regular expression: expected a closing `/`",
                    ));
                }
                Some('\\') => {
                    if self.peek() == Some('/') {
                        self.bump();
                        pattern.push('/');
                    } else {
                        pattern.push('\\');
                        if let Some(c) = self.bump() {
                            pattern.push(c);
                        }
                    }
                }
                Some('/') => break,
                Some(c) => pattern.push(c),
            }
        }
        let mut flags = String::new();
        while let Some(c @ ('i' | 'm' | 's' | 'x' | 'u' | 'd')) = self.peek() {
            flags.push(c);
            self.bump();
        }
        let span = self.span(start, self.pos);
        let mut rx = String::new();
        let inline: String = flags
            .chars()
            .filter(|c| matches!(c, 'i' | 'm' | 's' | 'x'))
            .collect();
        if !inline.is_empty() {
            let _ = write!(rx, "(?{inline})");
        }
        let _ = write!(rx, "^(?:{pattern})$");
        let compiled = regex::Regex::new(&rx).map_err(|e| {
            ExprError::new(span, format!("invalid regular expression /{pattern}/: {e}"))
        })?;
        Ok(Operand::Regex(RegexLiteral {
            pattern,
            flags,
            span,
            compiled,
        }))
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/// Evaluate a path the way Step Functions does (Jayway semantics):
/// - a definite path returns the selected value, or a `States.Runtime` error when it
///   selects nothing (`Invalid path '$.x' : No results for path: $['x']`);
/// - an indefinite path (wildcard, slice, filter, `..`, unions) returns an array of all
///   matches, `[]` when nothing matches.
pub fn evaluate(
    path: &Path,
    input: &Value,
    context: &Value,
    variables: &Map<String, Value>,
) -> Result<Value, EvalError> {
    let root = match &path.root {
        Root::Input => input,
        Root::Context => context,
        Root::Variable(name) => match variables.get(name) {
            Some(v) => v,
            None => {
                return Err(EvalError::runtime(
                    EvalErrorKind::PathNotFound,
                    format!(
                        "Invalid path '{}' : The variable '{}' is not defined",
                        path.text, name
                    ),
                ));
            }
        },
    };
    let env = Env {
        input,
        context,
        variables,
    };
    let (segments, function) = match path.segments.split_last() {
        Some((
            Segment {
                selector: Selector::Function(f),
                ..
            },
            rest,
        )) => (rest, Some(*f)),
        _ => (&path.segments[..], None),
    };
    // Jayway merges a trailing `['a','b']` into one object per match.
    let (segments, merge, deep) = match segments.split_last() {
        Some((
            Segment {
                descendant,
                selector: Selector::Names(names),
                ..
            },
            rest,
        )) => (rest, Some(names), *descendant),
        _ => (segments, None, false),
    };
    let definite = segments.iter().all(is_single);
    let value = if let (true, Some(names)) = (deep, merge) {
        // `..['a','b']`: one object for each object below that has all the names.
        let mut starts = Vec::new();
        collect(&env, root, segments, &mut starts);
        Value::Array(
            starts
                .into_iter()
                .flat_map(descendants)
                .filter_map(|v| v.as_object())
                .filter(|m| names.iter().all(|n| m.contains_key(n)))
                .map(|m| merged(m, names))
                .collect(),
        )
    } else if definite {
        let node = walk_definite(path, root, segments)?;
        match merge {
            None => node.clone(),
            Some(names) => match node {
                Value::Object(map) => merged(map, names),
                other => {
                    return Err(not_found(
                        path,
                        format!(
                            "Expected to find an object with properties {} in path {} but found '{}'. This is not a json object.",
                            normalized_prefix(path, path.segments.len())
                                .trim_start_matches(&normalized_prefix(path, segments.len())),
                            normalized_prefix(path, segments.len()),
                            json_type(other)
                        ),
                    ));
                }
            },
        }
    } else {
        let mut out = Vec::new();
        collect(&env, root, segments, &mut out);
        Value::Array(match merge {
            None => out.into_iter().cloned().collect(),
            Some(names) => out
                .into_iter()
                .filter_map(|v| v.as_object().map(|m| merged(m, names)))
                .collect(),
        })
    };
    match function {
        None => Ok(value),
        Some(f) => apply_function(path, f, value),
    }
}

fn is_single(s: &Segment) -> bool {
    !s.descendant
        && matches!(
            s.selector,
            Selector::Name(_) | Selector::Index(_) | Selector::LengthOffset(_)
        )
}

/// The object holding those of `names` that `map` has, in the order asked.
fn merged(map: &Map<String, Value>, names: &[String]) -> Value {
    Value::Object(
        names
            .iter()
            .filter_map(|n| map.get(n).map(|v| (n.clone(), v.clone())))
            .collect(),
    )
}

struct Env<'a> {
    input: &'a Value,
    context: &'a Value,
    variables: &'a Map<String, Value>,
}

use super::json_type_name as json_type;

/// Jayway's normalized form of a path, e.g. `$['a'][0]['b']`.
pub fn normalized(path: &Path) -> String {
    normalized_prefix(path, path.segments.len())
}

fn normalized_prefix(path: &Path, n: usize) -> String {
    let mut out = match &path.root {
        Root::Input => "$".to_string(),
        Root::Context => "$$".to_string(),
        Root::Variable(v) => format!("${v}"),
    };
    for seg in &path.segments[..n] {
        if seg.descendant {
            out.push_str("..");
        }
        match &seg.selector {
            Selector::Name(n) => {
                let _ = write!(out, "['{n}']");
            }
            Selector::Names(ns) => {
                let parts: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
                let _ = write!(out, "[{}]", parts.join(","));
            }
            Selector::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Selector::Indexes(is) => {
                let parts: Vec<String> = is.iter().map(i64::to_string).collect();
                let _ = write!(out, "[{}]", parts.join(","));
            }
            Selector::Slice { start, end } => {
                let s = start.map(|v| v.to_string()).unwrap_or_default();
                let e = end.map(|v| v.to_string()).unwrap_or_default();
                let _ = write!(out, "[{s}:{e}]");
            }
            Selector::Wildcard => out.push_str("[*]"),
            Selector::Filter(_) => out.push_str("[?]"),
            Selector::LengthOffset(o) => {
                let _ = write!(out, "[(@.length{o:+})]");
            }
            Selector::Function(f) => {
                let _ = write!(out, ".{}()", f.name());
            }
        }
    }
    out
}

fn not_found(path: &Path, detail: String) -> EvalError {
    EvalError::runtime(
        EvalErrorKind::PathNotFound,
        format!("Invalid path '{}' : {}", path.text, detail),
    )
}

fn walk_definite<'v>(
    path: &Path,
    root: &'v Value,
    segments: &[Segment],
) -> Result<&'v Value, EvalError> {
    let mut cur = root;
    let last = segments.len().saturating_sub(1);
    let no_results = || not_found(path, format!("No results for path: {}", normalized(path)));
    for (i, seg) in segments.iter().enumerate() {
        match &seg.selector {
            Selector::Name(name) => match cur {
                Value::Object(map) => match map.get(name) {
                    Some(v) => cur = v,
                    None if i == last => return Err(no_results()),
                    None => {
                        return Err(not_found(
                            path,
                            format!(
                                "Missing property in path {}",
                                normalized_prefix(path, i + 1)
                            ),
                        ));
                    }
                },
                other => {
                    return Err(not_found(
                        path,
                        format!(
                            "Expected to find an object with property ['{}'] in path {} but found '{}'. This is not a json object.",
                            name,
                            normalized_prefix(path, i),
                            json_type(other)
                        ),
                    ));
                }
            },
            Selector::Index(_) | Selector::LengthOffset(_) => match cur {
                Value::Array(items) => {
                    let idx = match seg.selector {
                        Selector::Index(i) => i,
                        Selector::LengthOffset(o) => items.len() as i64 + o,
                        _ => 0,
                    };
                    match resolve_index(idx, items.len()) {
                        Some(k) => cur = &items[k],
                        None => return Err(no_results()),
                    }
                }
                Value::Null => {
                    return Err(not_found(
                        path,
                        format!("The path {} is null", normalized_prefix(path, i)),
                    ));
                }
                other => {
                    return Err(not_found(
                        path,
                        format!(
                            "Filter: {} can only be applied to arrays. Current context is: {}",
                            normalized_prefix(path, i + 1)
                                .trim_start_matches(&normalized_prefix(path, i)),
                            compact_json(other)
                        ),
                    ));
                }
            },
            _ => return Err(no_results()),
        }
    }
    Ok(cur)
}

fn resolve_index(idx: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let k = if idx < 0 { len + idx } else { idx };
    (0..len).contains(&k).then_some(k as usize)
}

fn slice_bounds(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let norm = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
    let s = start.map_or(0, norm);
    let e = end.map_or(len, norm);
    (s as usize, e.max(s) as usize)
}

/// Pre-order list of a value and all its descendants, iteratively.
fn descendants(root: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        out.push(v);
        match v {
            Value::Object(m) => stack.extend(m.values().rev()),
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
    out
}

fn collect<'v>(env: &Env<'v>, node: &'v Value, segments: &[Segment], out: &mut Vec<&'v Value>) {
    let Some((seg, rest)) = segments.split_first() else {
        out.push(node);
        return;
    };
    let targets: Vec<&'v Value> = if seg.descendant {
        descendants(node)
    } else {
        vec![node]
    };
    for target in targets {
        let mut hits: Vec<&'v Value> = Vec::new();
        select(env, target, &seg.selector, &mut hits);
        for h in hits {
            collect(env, h, rest, out);
        }
    }
}

fn select<'v>(env: &Env<'v>, node: &'v Value, selector: &Selector, hits: &mut Vec<&'v Value>) {
    match selector {
        Selector::Name(n) => {
            if let Value::Object(m) = node
                && let Some(v) = m.get(n)
            {
                hits.push(v);
            }
        }
        Selector::Names(ns) => {
            if let Value::Object(m) = node {
                hits.extend(ns.iter().filter_map(|n| m.get(n)));
            }
        }
        Selector::Index(i) => {
            if let Value::Array(a) = node
                && let Some(k) = resolve_index(*i, a.len())
            {
                hits.push(&a[k]);
            }
        }
        Selector::LengthOffset(o) => {
            if let Value::Array(a) = node
                && let Some(k) = resolve_index(a.len() as i64 + o, a.len())
            {
                hits.push(&a[k]);
            }
        }
        Selector::Indexes(is) => {
            if let Value::Array(a) = node {
                hits.extend(
                    is.iter()
                        .filter_map(|i| resolve_index(*i, a.len()).map(|k| &a[k])),
                );
            }
        }
        Selector::Slice { start, end } => {
            if let Value::Array(a) = node {
                let (s, e) = slice_bounds(*start, *end, a.len());
                hits.extend(a[s..e].iter());
            }
        }
        Selector::Wildcard => match node {
            Value::Object(m) => hits.extend(m.values()),
            Value::Array(a) => hits.extend(a.iter()),
            _ => {}
        },
        // AWS's paths page: `@` "does not match scalar values. It only matches objects":
        // a filter over an array picks among its objects only.
        Selector::Filter(f) => match node {
            Value::Array(a) => hits.extend(
                a.iter()
                    .filter(|item| item.is_object() && filter_matches(env, f, item)),
            ),
            Value::Object(_) if filter_matches(env, f, node) => hits.push(node),
            _ => {}
        },
        Selector::Function(_) => {}
    }
}

fn relative_value(env: &Env<'_>, current: &Value, segments: &[Segment]) -> Option<Value> {
    let (segments, function) = match segments.split_last() {
        Some((
            Segment {
                selector: Selector::Function(f),
                ..
            },
            rest,
        )) => (rest, Some(*f)),
        _ => (segments, None),
    };
    let definite = segments
        .iter()
        .all(|s| !s.descendant && matches!(s.selector, Selector::Name(_) | Selector::Index(_)));
    let value = if definite {
        let mut cur = current;
        for s in segments {
            cur = match (&s.selector, cur) {
                (Selector::Name(n), Value::Object(m)) => m.get(n)?,
                (Selector::Index(i), Value::Array(a)) => &a[resolve_index(*i, a.len())?],
                _ => return None,
            };
        }
        cur.clone()
    } else {
        let mut out = Vec::new();
        collect(env, current, segments, &mut out);
        Value::Array(out.into_iter().cloned().collect())
    };
    match function {
        None => Some(value),
        Some(f) => function_value(f, value).ok(),
    }
}

fn filter_matches(env: &Env<'_>, f: &FilterExpr, current: &Value) -> bool {
    match f {
        FilterExpr::Or(a, b) => filter_matches(env, a, current) || filter_matches(env, b, current),
        FilterExpr::And(a, b) => filter_matches(env, a, current) && filter_matches(env, b, current),
        FilterExpr::Not(a) => !filter_matches(env, a, current),
        FilterExpr::Exists(op) => match op {
            Operand::Literal { value, .. } => truthy(value),
            Operand::Regex(_) => false,
            Operand::Current { segments, .. } => {
                // `[?(@)]` tests the node itself.
                segments.is_empty() || relative_value(env, current, segments).is_some()
            }
            Operand::Absolute(p) => match evaluate(p, env.input, env.context, env.variables) {
                Ok(Value::Array(a)) if !p.is_definite() => !a.is_empty(),
                Ok(_) => true,
                Err(_) => false,
            },
        },
        FilterExpr::Compare {
            left, op, right, ..
        } => {
            let l = operand_value_dyn(env, left, current);
            if *op == CompareOp::Regex {
                let (Some(Value::String(s)), Operand::Regex(rx)) = (l.as_ref(), right) else {
                    return false;
                };
                return rx.compiled.is_match(s);
            }
            let r = operand_value_dyn(env, right, current);
            compare(*op, l.as_ref(), r.as_ref())
        }
    }
}

fn operand_value_dyn(env: &Env<'_>, op: &Operand, current: &Value) -> Option<Value> {
    match op {
        Operand::Literal { value, .. } => Some(value.clone()),
        Operand::Regex(_) => None,
        Operand::Current { segments, .. } => relative_value(env, current, segments),
        Operand::Absolute(path) => evaluate(path, env.input, env.context, env.variables).ok(),
    }
}

fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

fn compare(op: CompareOp, l: Option<&Value>, r: Option<&Value>) -> bool {
    let (Some(l), Some(r)) = (l, r) else {
        return false;
    };
    let ord = || match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => super::json_eq(l, r),
        CompareOp::Ne => !super::json_eq(l, r),
        CompareOp::Lt => ord() == Some(Less),
        CompareOp::Le => matches!(ord(), Some(Less | Equal)),
        CompareOp::Gt => ord() == Some(Greater),
        CompareOp::Ge => matches!(ord(), Some(Greater | Equal)),
        CompareOp::Regex => false,
        CompareOp::In => r
            .as_array()
            .is_some_and(|a| a.iter().any(|x| super::json_eq(x, l))),
        CompareOp::Nin => r
            .as_array()
            .is_some_and(|a| !a.iter().any(|x| super::json_eq(x, l))),
        CompareOp::SubsetOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => a.iter().all(|x| b.iter().any(|y| super::json_eq(x, y))),
            _ => false,
        },
        CompareOp::AnyOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => a.iter().any(|x| b.iter().any(|y| super::json_eq(x, y))),
            _ => false,
        },
        CompareOp::NoneOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => !a.iter().any(|x| b.iter().any(|y| super::json_eq(x, y))),
            _ => false,
        },
        CompareOp::Contains => match (l, r) {
            (Value::String(a), Value::String(b)) => a.contains(b.as_str()),
            (Value::Array(a), x) => a.iter().any(|y| super::json_eq(x, y)),
            _ => false,
        },
        CompareOp::Size => {
            let n = match l {
                Value::Array(a) => a.len(),
                Value::String(s) => s.chars().count(),
                _ => return false,
            };
            r.as_f64() == Some(n as f64)
        }
        CompareOp::Empty => {
            let empty = match l {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => return false,
            };
            r.as_bool() == Some(empty)
        }
    }
}

fn apply_function(path: &Path, f: PathFunction, value: Value) -> Result<Value, EvalError> {
    function_value(f, value).map_err(|msg| {
        EvalError::runtime(
            EvalErrorKind::Type,
            format!("Invalid path '{}' : {}", path.text, msg),
        )
    })
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

fn function_value(f: PathFunction, value: Value) -> Result<Value, String> {
    let numbers = |v: &Value| -> Result<Vec<f64>, String> {
        let a = v.as_array().ok_or_else(|| {
            format!(
                "Aggregation function {}() attempted on a non-array",
                f.name()
            )
        })?;
        let ns: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
        if ns.is_empty() {
            return Err(format!(
                "Aggregation function {}() attempted to calculate value using empty array",
                f.name()
            ));
        }
        Ok(ns)
    };
    match f {
        PathFunction::Length | PathFunction::Size => match &value {
            Value::Array(a) => Ok(Value::from(a.len())),
            Value::String(s) => Ok(Value::from(s.chars().count())),
            Value::Object(o) => Ok(Value::from(o.len())),
            other => Err(format!(
                "Function {}() cannot be applied to a {}",
                f.name(),
                json_type(other)
            )),
        },
        PathFunction::Sum => Ok(number(numbers(&value)?.iter().sum())),
        PathFunction::Min => Ok(number(
            numbers(&value)?.into_iter().fold(f64::INFINITY, f64::min),
        )),
        PathFunction::Max => Ok(number(
            numbers(&value)?
                .into_iter()
                .fold(f64::NEG_INFINITY, f64::max),
        )),
        PathFunction::Avg => {
            let ns = numbers(&value)?;
            Ok(number(ns.iter().sum::<f64>() / ns.len() as f64))
        }
        PathFunction::StdDev => {
            let ns = numbers(&value)?;
            let n = ns.len() as f64;
            let mean = ns.iter().sum::<f64>() / n;
            let var = ns.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
            Ok(number(var.sqrt()))
        }
        PathFunction::Keys => match value {
            Value::Object(o) => Ok(Value::Array(o.keys().cloned().map(Value::String).collect())),
            other => Err(format!(
                "Function keys() cannot be applied to a {}",
                json_type(&other)
            )),
        },
        PathFunction::First | PathFunction::Last => match value {
            Value::Array(mut a) if !a.is_empty() => Ok(if f == PathFunction::First {
                a.swap_remove(0)
            } else {
                a.pop().unwrap_or(Value::Null)
            }),
            other => Err(format!(
                "Function {}() needs a non-empty array, found {}",
                f.name(),
                json_type(&other)
            )),
        },
    }
}

// ---------------------------------------------------------------------------------------
// ResultPath writes
// ---------------------------------------------------------------------------------------

/// The JSONata step that reads field `name`: `.name`, or `.`my-name`` for a name that
/// is not an identifier or is a word JSONata reads otherwise (`true`, `null`, `and`,
/// `function`: `$states.input.true` fails with S0213). `None` for a name with a
/// backtick, which JSONata cannot quote.
pub fn jsonata_field(name: &str) -> Option<String> {
    const WORDS: [&str; 7] = ["true", "false", "null", "and", "or", "in", "function"];
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !WORDS.contains(&name);
    if plain {
        Some(format!(".{name}"))
    } else if !name.contains('`') {
        Some(format!(".`{name}`"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_written_as_jsonata() {
        let j = |p: &str| super::parse(p).unwrap().to_jsonata();
        assert_eq!(j("$").as_deref(), Some("$states.input"));
        assert_eq!(
            j("$.null.and.x").as_deref(),
            Some("$states.input.`null`.`and`.x")
        );
        assert_eq!(
            j("$.order.items[0]").as_deref(),
            Some("$states.input.order.items[0]")
        );
        assert_eq!(
            j("$$.Execution.Id").as_deref(),
            Some("$states.context.Execution.Id")
        );
        assert_eq!(j("$total.net").as_deref(), Some("$total.net"));
        assert_eq!(
            j("$['first name'].x").as_deref(),
            Some("$states.input.`first name`.x")
        );
        assert_eq!(
            j("$.foo-bar[-1]").as_deref(),
            Some("$states.input.`foo-bar`[-1]")
        );
        assert_eq!(j("$..id"), None);
        assert_eq!(j("$.items[*].id"), None);
        assert_eq!(j("$.items[?(@.n > 1)]"), None);
    }

    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Path {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> ExprError {
        parse(s).expect_err(s)
    }

    fn r(a: u32, b: u32) -> TextRange {
        TextRange::new(a, b)
    }

    fn sels(s: &str) -> Vec<Selector> {
        p(s).segments.into_iter().map(|s| s.selector).collect()
    }

    fn eval(path: &str, input: &Value) -> Result<Value, EvalError> {
        evaluate(
            &p(path),
            input,
            &json!({"Execution": {"Id": "x"}}),
            &Map::new(),
        )
    }

    // --- parsing ---------------------------------------------------------------------

    #[test]
    fn roots() {
        let path = p("$");
        assert_eq!(path.root, Root::Input);
        assert_eq!(path.root_span, r(0, 1));
        assert!(path.segments.is_empty());
        let path = p("$$.Execution.Id");
        assert_eq!(path.root, Root::Context);
        assert_eq!(path.root_span, r(0, 2));
        assert_eq!(path.segments.len(), 2);
        assert_eq!(path.segments[0].span, r(2, 12));
        assert_eq!(path.segments[1].span, r(12, 15));
        let path = p("$myVar.field[0]");
        assert_eq!(path.root, Root::Variable("myVar".into()));
        assert_eq!(path.variable(), Some("myVar"));
        assert_eq!(path.root_span, r(0, 6));
        assert_eq!(
            sels("$myVar.field[0]"),
            vec![Selector::Name("field".into()), Selector::Index(0)]
        );
        assert_eq!(p("$x").root, Root::Variable("x".into()));
        assert_eq!(p("$_x1").root, Root::Variable("_x1".into()));
        assert_eq!(p("$$").root, Root::Context);
    }

    #[test]
    fn dot_members_accept_what_aws_accepts() {
        assert_eq!(sels("$.foo-bar"), vec![Selector::Name("foo-bar".into())]);
        assert_eq!(
            sels("$.café.ß"),
            vec![Selector::Name("café".into()), Selector::Name("ß".into())]
        );
        assert_eq!(sels("$.a:b@c#"), vec![Selector::Name("a:b@c#".into())]);
        assert_eq!(sels("$.foo\\.bar"), vec![Selector::Name("foo.bar".into())]);
        assert_eq!(sels("$.foo\\@bar"), vec![Selector::Name("foo@bar".into())]);
        assert_eq!(sels("$.123"), vec![Selector::Name("123".into())]);
        // AWS documents `$.abc.['def ghi']`
        assert_eq!(
            sels("$.abc.['def ghi']"),
            vec![
                Selector::Name("abc".into()),
                Selector::Name("def ghi".into())
            ]
        );
        let path = p("$.a.bc");
        assert_eq!(path.segments[1].span, r(3, 6));
    }

    #[test]
    fn brackets() {
        assert_eq!(sels("$['a b']"), vec![Selector::Name("a b".into())]);
        assert_eq!(sels("$[\"a\"]"), vec![Selector::Name("a".into())]);
        assert_eq!(sels("$['it\\'s']"), vec![Selector::Name("it's".into())]);
        // Recorded against AWS (escape_sequence_parsing): other backslashes stay.
        assert_eq!(
            sels("$['Test\\\"\"Name\"']"),
            vec![Selector::Name("Test\\\"\"Name\"".into())]
        );
        assert_eq!(
            sels("$['a','b']"),
            vec![Selector::Names(vec!["a".into(), "b".into()])]
        );
        assert_eq!(
            sels("$[ 'a' , \"b\" ]"),
            vec![Selector::Names(vec!["a".into(), "b".into()])]
        );
        assert_eq!(
            sels("$.a[-1]"),
            vec![Selector::Name("a".into()), Selector::Index(-1)]
        );
        assert_eq!(sels("$[0,1]"), vec![Selector::Indexes(vec![0, 1])]);
        assert_eq!(
            sels("$[1:3]"),
            vec![Selector::Slice {
                start: Some(1),
                end: Some(3)
            }]
        );
        assert_eq!(
            sels("$[-3:]"),
            vec![Selector::Slice {
                start: Some(-3),
                end: None
            }]
        );
        assert_eq!(
            sels("$[:2]"),
            vec![Selector::Slice {
                start: None,
                end: Some(2)
            }]
        );
        assert_eq!(sels("$[*]"), vec![Selector::Wildcard]);
        assert_eq!(sels("$.*"), vec![Selector::Wildcard]);
        assert_eq!(
            sels("$[*][*]"),
            vec![Selector::Wildcard, Selector::Wildcard]
        );
        assert_eq!(
            sels("$.books[(@.length-1)]"),
            vec![Selector::Name("books".into()), Selector::LengthOffset(-1)]
        );
        let path = p("$.a['b'][2]");
        assert_eq!(path.segments[1].span, r(3, 8));
        assert_eq!(path.segments[2].span, r(8, 11));
    }

    #[test]
    fn deep_scan_and_functions() {
        let path = p("$..price");
        assert!(path.segments[0].descendant);
        assert_eq!(path.segments[0].selector, Selector::Name("price".into()));
        assert_eq!(path.segments[0].span, r(1, 8));
        let path = p("$..[0]");
        assert!(path.segments[0].descendant);
        assert_eq!(path.segments[0].selector, Selector::Index(0));
        assert_eq!(sels("$..*"), vec![Selector::Wildcard]);
        assert_eq!(
            sels("$.items.length()"),
            vec![
                Selector::Name("items".into()),
                Selector::Function(PathFunction::Length)
            ]
        );
        assert!(p("$.a.length()").is_definite());
        assert!(!p("$..a").is_definite());
        assert!(!p("$.a[*]").is_definite());
        assert!(p("$.a[0].b").is_definite());
    }

    #[test]
    fn filters_parse() {
        let path = p("$.jar[?(@.a >= 5 && @.b == 'x')]");
        let Selector::Filter(f) = &path.segments[1].selector else {
            panic!()
        };
        let FilterExpr::And(l, rr) = &**f else {
            panic!("{f:?}")
        };
        let FilterExpr::Compare { op, span, .. } = &**l else {
            panic!()
        };
        assert_eq!(*op, CompareOp::Ge);
        assert_eq!(*span, r(8, 16));
        let FilterExpr::Compare { op, right, .. } = &**rr else {
            panic!()
        };
        assert_eq!(*op, CompareOp::Eq);
        assert!(matches!(right, Operand::Literal { value: Value::String(s), .. } if s == "x"));
        assert_eq!(path.segments[1].span, r(5, 32));
        for ok in [
            "$[?(@.isbn)]",
            "$[?(!@.isbn)]",
            "$[?(@.a == null || (@.b != true && @.c < -1.5e3))]",
            "$[?(@.name =~ /^foo.*$/i)]",
            "$[?(@.size in ['S','M'])]",
            "$[?(@.tags anyof ['a'])]",
            "$[?(@.tags subsetof [\"a\", \"b\"])]",
            "$[?(@.tags size 2)]",
            "$[?(@.tags empty false)]",
            "$[?(@.price < $.limit)]",
            "$[?(@['odd key'] == 1)]",
            "$[?(@.a.b[0] == 1)]",
            "$..book[?(@.price<10)]",
            "$[?(@.x contains 'y')]",
        ] {
            p(ok);
        }
    }

    #[test]
    fn syntax_errors_have_exact_spans() {
        let e = err("$.a]");
        assert_eq!(e.span, r(3, 4));
        assert_eq!(e.message, "unexpected `]` at offset 3");
        let e = err("a.b");
        assert_eq!(e.span, r(0, 1));
        assert_eq!(e.message, "a path must start with `$`");
        let e = err("");
        assert_eq!(e.message, "a path cannot be empty; it must start with `$`");
        let e = err("$.");
        assert_eq!(e.span, r(1, 2));
        assert_eq!(
            e.message,
            "a path cannot end with `.`; expected a member name"
        );
        let e = err("$.a..");
        assert_eq!(e.span, r(3, 5));
        assert_eq!(
            e.message,
            "a path cannot end with `..`; expected a member name"
        );
        let e = err("$...a");
        assert_eq!(e.span, r(3, 4));
        let e = err("$.a b");
        assert_eq!(e.span, r(3, 4));
        assert!(
            e.message
                .starts_with("unexpected space at offset 3 in a member name"),
            "{}",
            e.message
        );
        let e = err("$[a]");
        assert_eq!(e.span, r(2, 3));
        assert_eq!(
            e.message,
            "unexpected `a` at offset 2; expected a quoted name, an index, `*`, a slice or a filter inside `[...]`"
        );
        let e = err("$[]");
        assert_eq!(e.span, r(1, 3));
        let e = err("$['a'");
        assert_eq!(e.span, r(1, 5));
        assert_eq!(e.message, "unclosed `[`: expected `]`");
        let e = err("$['a]");
        assert_eq!(e.span, r(2, 5));
        assert_eq!(e.message, "unterminated string: expected a closing '");
        let e = err("$[0");
        assert_eq!(e.message, "unclosed `[`: expected `]`");
        let e = err("$[1:2:3]");
        assert_eq!(e.span, r(5, 6));
        let e = err("$.a.foo()");
        assert_eq!(e.span, r(4, 7));
        assert!(e.message.starts_with("unknown path function `foo()`"));
        let e = err("$.a.length().b");
        assert_eq!(e.span, r(3, 12));
        assert_eq!(
            e.message,
            "the function `length()` must be the last part of the path"
        );
        let e = err("$[?(@.a == )]");
        assert_eq!(e.span, r(11, 12));
        assert_eq!(
            e.message,
            "unexpected `)` at offset 11; expected `@`, `$`, a string, a number, `true`, `false`, `null`, an array or a regex in the filter"
        );
        let e = err("$[?(@.a =~ /(/)]");
        assert!(e.message.starts_with("invalid regular expression /(/"));
        let e = err("$[99999999999999999999]");
        assert_eq!(e.span, r(2, 22));
        assert_eq!(e.message, "the index 99999999999999999999 is too large");
        let e = err("$x y");
        assert_eq!(e.span, r(2, 3));
    }

    #[test]
    fn parse_at_shifts_spans() {
        let path = parse_at("$.a[0]", 10).unwrap();
        assert_eq!(path.span, r(10, 16));
        assert_eq!(path.segments[1].span, r(13, 16));
        assert_eq!(parse_at("$.a]", 10).unwrap_err().span, r(13, 14));
    }

    #[test]
    fn deep_filter_nesting_is_bounded() {
        let s = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
        let e = err(&s);
        assert_eq!(e.message, "filter expression nested too deeply");
        let s = format!("$[?({}@.a)]", "!".repeat(200));
        assert_eq!(err(&s).message, "filter expression nested too deeply");
    }

    // --- validation ------------------------------------------------------------------

    #[test]
    fn reference_path_rules() {
        assert!(check("$.a.b[0]['c d'][-1]", PathContext::ReferencePath).is_empty());
        assert!(check("$$.Execution.Input", PathContext::ReferencePath).is_empty());
        assert!(check("$var.a", PathContext::ReferencePath).is_empty());
        let errs = check("$.a[*].b", PathContext::ReferencePath);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].span, r(3, 6));
        assert_eq!(
            errs[0].message,
            "a reference path cannot contain a wildcard `*`; it must identify a single node"
        );
        let errs = check("$..a", PathContext::ReferencePath);
        assert_eq!(errs[0].span, r(1, 4));
        assert_eq!(
            errs[0].message,
            "a reference path cannot contain a deep scan `..`; it must identify a single node"
        );
        for (s, what) in [
            ("$.a[?(@.b)]", "a filter `[?(...)]`"),
            ("$.a[0,1]", "a union of indexes `[0,1]`"),
            ("$['a','b']", "a union of names `['a','b']`"),
            ("$.a[1:]", "a slice `[start:end]`"),
            ("$.a.length()", "a function call"),
            ("$.*", "a wildcard `*`"),
        ] {
            let errs = check(s, PathContext::ReferencePath);
            assert_eq!(errs.len(), 1, "{s}");
            assert!(errs[0].message.contains(what), "{s}: {}", errs[0].message);
        }
        // Plain paths allow everything.
        assert!(check("$..a[?(@.b)][1:].length()", PathContext::Path).is_empty());
    }

    #[test]
    fn result_path_rules() {
        assert!(check("$.result", PathContext::ResultPath).is_empty());
        assert!(check("$", PathContext::ResultPath).is_empty());
        let errs = check("$$.Execution", PathContext::ResultPath);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].span, r(0, 2));
        assert!(
            errs[0]
                .message
                .starts_with("a ResultPath cannot refer to the context object `$$`")
        );
        let errs = check("$x.a", PathContext::ResultPath);
        assert_eq!(errs[0].span, r(0, 2));
        assert_eq!(
            errs[0].message,
            "a ResultPath cannot name a variable (`$x`); use `Assign` to set variables"
        );
        let errs = check("$.a[*]", PathContext::ResultPath);
        assert_eq!(
            errs[0].message,
            "a ResultPath cannot contain a wildcard `*`; it must identify a single node"
        );
        // Syntax errors come through check too.
        assert_eq!(check("$.a]", PathContext::Path)[0].span, r(3, 4));
    }

    // --- evaluation ------------------------------------------------------------------

    fn store() -> Value {
        json!({
            "foo": 123,
            "bar": ["a", "b", "c"],
            "car": {"cdr": true},
            "jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}],
            "foo-bar": "hyphen",
            "n": null
        })
    }

    #[test]
    fn aws_documented_examples() {
        let s = store();
        assert_eq!(eval("$.foo", &s).unwrap(), json!(123));
        assert_eq!(eval("$.bar", &s).unwrap(), json!(["a", "b", "c"]));
        assert_eq!(eval("$.car.cdr", &s).unwrap(), json!(true));
        assert_eq!(
            eval("$.jar[?(@.a >= 5)]", &s).unwrap(),
            json!([{"a": 5}, {"a": 7}])
        );
        assert_eq!(eval("$", &s).unwrap(), s);
        assert_eq!(eval("$.foo-bar", &s).unwrap(), json!("hyphen"));
        assert_eq!(eval("$.n", &s).unwrap(), Value::Null);
        let nested = json!([[1, 2], [3], []]);
        assert_eq!(eval("$[*][*]", &nested).unwrap(), json!([1, 2, 3]));
    }

    #[test]
    fn indexes_slices_unions() {
        let s = store();
        assert_eq!(eval("$.bar[0]", &s).unwrap(), json!("a"));
        assert_eq!(eval("$.bar[-1]", &s).unwrap(), json!("c"));
        assert_eq!(eval("$.bar[-3]", &s).unwrap(), json!("a"));
        assert_eq!(eval("$.bar[(@.length-1)]", &s).unwrap(), json!("c"));
        assert_eq!(eval("$.bar[0,2]", &s).unwrap(), json!(["a", "c"]));
        assert_eq!(eval("$.bar[1:]", &s).unwrap(), json!(["b", "c"]));
        assert_eq!(eval("$.bar[:1]", &s).unwrap(), json!(["a"]));
        assert_eq!(eval("$.bar[-2:]", &s).unwrap(), json!(["b", "c"]));
        assert_eq!(eval("$.bar[1:100]", &s).unwrap(), json!(["b", "c"]));
        assert_eq!(eval("$.bar[2:1]", &s).unwrap(), json!([]));
        assert_eq!(eval("$.bar[:-1]", &s).unwrap(), json!(["a", "b"]));
        assert_eq!(eval("$.jar[*].a", &s).unwrap(), json!([1, 5, 2, 7, 3]));
        // A trailing union of names merges into one object (Jayway).
        assert_eq!(
            eval("$['foo','car','nope']", &s).unwrap(),
            json!({"foo": 123, "car": {"cdr": true}})
        );
        assert_eq!(
            eval("$.jar[*]['a','z']", &s).unwrap(),
            json!([{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}])
        );
        assert_eq!(eval("$['bar','foo'][0]", &s).unwrap(), json!(["a"]));
        assert!(p("$.car['a','b']").is_definite());
        assert!(!p("$['a','b'].c").is_definite());
        let e = eval("$.foo['a','b']", &s).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.foo['a','b']' : Expected to find an object with properties ['a','b'] in path $['foo'] but found 'number'. This is not a json object."
        );
        assert_eq!(eval("$.car.*", &s).unwrap(), json!([true]));
    }

    #[test]
    fn indefinite_paths_with_no_match_give_empty_array() {
        // Recorded against AWS (json_path_array_wildcard_or_slice_with_no_input).
        let empty = json!({});
        for path in [
            "$[*]",
            "$.items[*]",
            "$.items[1:]",
            "$.items[:1]",
            "$.item.items[1:5].itemValue",
            "$.items[*].itemValue",
        ] {
            assert_eq!(eval(path, &empty).unwrap(), json!([]), "{path}");
        }
    }

    #[test]
    fn definite_paths_with_no_match_fail_like_aws() {
        let input = json!({"int-literal": 0, "a": {"b": [1]}, "s": "str"});
        let e = eval("$.NoSuchInputPath", &input).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(e.kind, EvalErrorKind::PathNotFound);
        assert_eq!(
            e.cause,
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
        );
        let e = eval("$.no.such.result.path", &input).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        );
        let e = eval("$.a.b[3]", &input).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.a.b[3]' : No results for path: $['a']['b'][3]"
        );
        let e = eval("$.s.x", &input).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.s.x' : Expected to find an object with property ['x'] in path $['s'] but found 'string'. This is not a json object."
        );
        let e = eval("$.a[0]", &input).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.a[0]' : Filter: [0] can only be applied to arrays. Current context is: {\"b\":[1]}"
        );
    }

    #[test]
    fn context_and_variables() {
        let ctx = json!({"Execution": {"Input": {"x": 1}, "Name": "run"}});
        let mut vars = Map::new();
        vars.insert("items".into(), json!([{"id": "a"}, {"id": "b"}]));
        vars.insert("n".into(), json!(3));
        let input = json!({});
        let ev = |s: &str| evaluate(&p(s), &input, &ctx, &vars);
        assert_eq!(ev("$$.Execution.Name").unwrap(), json!("run"));
        assert_eq!(ev("$$.Execution.Input.x").unwrap(), json!(1));
        assert_eq!(ev("$n").unwrap(), json!(3));
        assert_eq!(ev("$items[1].id").unwrap(), json!("b"));
        assert_eq!(ev("$items[*].id").unwrap(), json!(["a", "b"]));
        let e = ev("$missing.a").unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$missing.a' : The variable 'missing' is not defined"
        );
    }

    #[test]
    fn deep_scan_evaluation() {
        let doc = json!({"store": {"book": [{"price": 8, "t": "a"}, {"price": 12, "t": "b"}], "bicycle": {"price": 20}}});
        assert_eq!(eval("$..price", &doc).unwrap(), json!([8, 12, 20]));
        assert_eq!(eval("$..book[0].t", &doc).unwrap(), json!(["a"]));
        assert_eq!(
            eval("$..book[?(@.price < 10)].t", &doc).unwrap(),
            json!(["a"])
        );
        assert_eq!(eval("$.store..price.sum()", &doc).unwrap(), json!(40));
        // Names listed after `..`: one object for each object below with all of them.
        let doc = json!({"a": 1, "b": {"c": 2}, "x": {"a": {"c": 3}, "b": {"c": 4}},
            "items": [{"n": 1, "a": 10, "b": 11}, {"n": 3, "a": 30}]});
        assert_eq!(
            eval("$..['a','b']", &doc).unwrap(),
            json!([{"a": 1, "b": {"c": 2}}, {"a": {"c": 3}, "b": {"c": 4}}, {"a": 10, "b": 11}])
        );
        assert_eq!(
            eval("$.items..['n','a']", &doc).unwrap(),
            json!([{"n": 1, "a": 10}, {"n": 3, "a": 30}])
        );
    }

    #[test]
    fn filter_evaluation() {
        let doc = json!({
            "limit": 10,
            "items": [
                {"n": "apple", "p": 5, "tags": ["red", "fruit"], "ok": true},
                {"n": "Banana", "p": 12, "tags": ["fruit"]},
                {"n": "carrot", "p": 10, "tags": [], "ok": false, "odd key": 1}
            ]
        });
        let names = |f: &str| eval(&format!("$.items[?({f})].n"), &doc).unwrap();
        assert_eq!(names("@.p > 5"), json!(["Banana", "carrot"]));
        assert_eq!(names("@.p <= $.limit"), json!(["apple", "carrot"]));
        assert_eq!(names("@.ok"), json!(["apple", "carrot"]));
        assert_eq!(names("!@.ok"), json!(["Banana"]));
        assert_eq!(names("@.ok == true"), json!(["apple"]));
        assert_eq!(names("@.n =~ /b.*/i"), json!(["Banana"]));
        assert_eq!(names("@.n =~ /an/"), json!([]));
        assert_eq!(
            names("@.n in ['apple', 'carrot']"),
            json!(["apple", "carrot"])
        );
        assert_eq!(names("@.n nin ['apple']"), json!(["Banana", "carrot"]));
        assert_eq!(names("@.tags contains 'red'"), json!(["apple"]));
        assert_eq!(names("@.tags size 1"), json!(["Banana"]));
        assert_eq!(names("@.tags empty true"), json!(["carrot"]));
        assert_eq!(names("@.tags anyof ['red', 'x']"), json!(["apple"]));
        assert_eq!(
            names("@.tags subsetof ['fruit']"),
            json!(["Banana", "carrot"])
        );
        assert_eq!(names("@.tags noneof ['fruit']"), json!(["carrot"]));
        assert_eq!(names("@['odd key'] == 1"), json!(["carrot"]));
        assert_eq!(names("@.p == 5.0"), json!(["apple"]));
        assert_eq!(
            names("@.p > 4 && (@.n == 'apple' || @.n == 'carrot')"),
            json!(["apple", "carrot"])
        );
        assert_eq!(names("@.missing != 1"), json!([]));
        assert_eq!(names("@.p == '5'"), json!([]));
        // Bare words compare as strings (aws-samples parallel-translate uses `==es`).
        assert_eq!(names("@.n==apple"), json!(["apple"]));
        assert_eq!(names("@.ok == true"), json!(["apple"]));
    }

    #[test]
    fn functions_evaluate() {
        let doc = json!({"a": [3, 1, 2], "s": "héllo", "o": {"x": 1, "y": 2}});
        assert_eq!(eval("$.a.length()", &doc).unwrap(), json!(3));
        assert_eq!(eval("$.s.length()", &doc).unwrap(), json!(5));
        assert_eq!(eval("$.a.min()", &doc).unwrap(), json!(1));
        assert_eq!(eval("$.a.max()", &doc).unwrap(), json!(3));
        assert_eq!(eval("$.a.avg()", &doc).unwrap(), json!(2));
        assert_eq!(eval("$.a.sum()", &doc).unwrap(), json!(6));
        assert_eq!(eval("$.o.keys()", &doc).unwrap(), json!(["x", "y"]));
        assert_eq!(eval("$.a.first()", &doc).unwrap(), json!(3));
        assert_eq!(eval("$.a.last()", &doc).unwrap(), json!(2));
        let e = eval("$.o.sum()", &doc).unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.o.sum()' : Aggregation function sum() attempted on a non-array"
        );
    }

    #[test]
    fn normalized_form() {
        assert_eq!(
            normalized(&p("$.a[0]['b c'][*]..d[1:2]")),
            "$['a'][0]['b c'][*]..['d'][1:2]"
        );
    }
}
