//! Intrinsic functions of the JSONPath query language: `States.Format('x {}', $.a)` and
//! the 17 others.
//!
//! [`parse`] turns a call string into a [`Call`] tree with spans (syntax errors only);
//! [`validate`] checks what can be known before running: the function exists, the
//! number of arguments, literal argument types and values, nesting depth and the
//! `States.Format` placeholder count. The simulator evaluates calls
//! (`crate::simulate`, with the results and causes AWS Step Functions gives).
//!
//! Grammar (as AWS and LocalStack's AWS-validated grammar accept it):
//! `Name(arg, ...)` where `Name` is `[A-Za-z0-9._]+` and an argument is a single-quoted
//! string (escapes `\'`, `\{`, `\}`, `\\`), a number, `true`, `false`, `null`, a path
//! (`$...`, `$$...`, `$var...`) or a nested call. Whitespace between tokens is ignored.

use serde_json::{Number, Value};

use super::jsonpath::{self, Path};
use super::{ExprError, TextRange, edit_distance};

/// AWS allows intrinsic calls nested up to this depth.
pub const MAX_NESTING: usize = 10;
/// `States.ArrayRange` may produce at most this many items.
pub const MAX_ARRAY_RANGE_ITEMS: usize = 1000;
/// Input limit of `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.
pub const MAX_ENCODE_INPUT_CHARS: usize = 10_000;
/// Parser recursion limit (well above [`MAX_NESTING`], so that validation can report
/// the depth problem with a precise span while hostile input cannot blow the stack).
const MAX_PARSE_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function name as written, e.g. `States.Format`.
    pub name: String,
    pub name_span: TextRange,
    /// `None` when the name is not a known intrinsic.
    pub function: Option<Function>,
    pub args: Vec<Arg>,
    /// From the first character of the name to the closing `)`.
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub kind: ArgKind,
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgKind {
    /// A quoted string. `value` has the escapes resolved; `raw` is the text between the
    /// quotes (needed by `States.Format`, where `\{` is a literal brace).
    String {
        value: String,
        raw: String,
    },
    Number(Number),
    Bool(bool),
    Null,
    Path(Path),
    Call(Box<Call>),
}

impl Call {
    /// Every path argument, nested calls included, in source order (for variable and
    /// context-object references).
    pub fn paths(&self) -> Vec<&Path> {
        let mut out = Vec::new();
        let mut stack: Vec<&Call> = vec![self];
        while let Some(call) = stack.pop() {
            let mut nested = Vec::new();
            for arg in &call.args {
                match &arg.kind {
                    ArgKind::Path(p) => out.push((p.span.start, p)),
                    ArgKind::Call(c) => nested.push(&**c),
                    _ => {}
                }
            }
            stack.extend(nested.into_iter().rev());
        }
        out.sort_by_key(|(start, _)| *start);
        out.into_iter().map(|(_, p)| p).collect()
    }

    /// The type of the call's result (`Any` for unknown functions).
    pub fn returns(&self) -> ValueType {
        self.function.map_or(ValueType::Any, Function::returns)
    }

    /// The call as a JSONata expression that computes the same value, with `$` of its
    /// paths standing for `input` (as [`Path::to_jsonata_from`]).
    ///
    /// Where JSONata differs at the edges the expression works around it: a value that
    /// may be an array goes into an array constructor as `[[v]]` (the constructor
    /// flattens an array item, but not an inner constructor); `States.ArrayPartition`
    /// gives `[]` for an empty array itself (Step Functions' `$partition` is reported
    /// to fail there);
    /// `States.StringSplit` splits at each delimiter in turn and drops the empty
    /// strings.
    ///
    /// `None` where no expression computes the same: `States.MathRandom` (the
    /// numbers differ, and whether the end is included is not documented),
    /// `States.Hash` of a path (JSONata hashes strings only; the intrinsic hashes a
    /// non-string's JSON text), `States.StringSplit` with delimiters from a path or
    /// none at all, and paths with filters or wildcards. Three edges stay different, for
    /// an expression people can read: `States.Format` writes an object or array value
    /// Java-style (`{k=v}`) where `$string` writes JSON (nobody formats a map on
    /// purpose; a local function that imitates Java would wrap every `States.Format`),
    /// JSONata writes a number by its own rules (`1.0` as `1`) where `States.Format`
    /// and `States.JsonToString` write `1.0`, and `States.StringToJson("")` is `null`
    /// where `$parse` fails.
    pub fn to_jsonata_from(&self, input: &str) -> Option<String> {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| arg_to_jsonata(a, input))
            .collect::<Option<_>>()?;
        let one = |f: &str| (args.len() == 1).then(|| format!("${f}({})", args[0]));
        match self.function? {
            Function::Format => {
                let ArgKind::String { raw, .. } = &self.args.first()?.kind else {
                    return None;
                };
                let pieces = format_pieces(raw);
                if pieces.len() != args.len() {
                    return None;
                }
                let mut parts = Vec::new();
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 {
                        parts.push(format!("$string({})", args[i]));
                    }
                    if !piece.is_empty() {
                        parts.push(serde_json::to_string(piece).ok()?);
                    }
                }
                Some(match parts.len() {
                    0 => "\"\"".to_string(),
                    1 => parts.remove(0),
                    _ => format!("({})", parts.join(" & ")),
                })
            }
            Function::StringToJson => one("parse"),
            Function::JsonToString => one("string"),
            // An array constructor flattens an item whose value is an array (but not
            // an item that is itself a constructor): `[[v]]` gives `[v]` to flatten.
            Function::Array => {
                let item = fresh_name("item", &args);
                let items: Vec<String> = self
                    .args
                    .iter()
                    .zip(&args)
                    .map(|(arg, text)| {
                        if may_be_array(arg) {
                            format!(
                                "({item} := {text}; $type({item}) = \"array\" ? [[{item}]] : {item})"
                            )
                        } else {
                            text.clone()
                        }
                    })
                    .collect();
                Some(format!("[{}]", items.join(", ")))
            }
            // `$partition` keeps a single chunk an array, but Step Functions' is
            // reported to fail on an empty array (LocalStack's AWS-validated tests leave
            // it out for that reason), where the intrinsic gives `[]`.
            Function::ArrayPartition if args.len() == 2 => {
                let items = fresh_name("items", &args);
                Some(format!(
                    "({items} := {}; $count({items}) = 0 ? [] : $partition({items}, {}))",
                    args[0], args[1]
                ))
            }
            Function::ArrayContains if args.len() == 2 => {
                Some(format!("({} in {})", args[1], args[0]))
            }
            // `[...]` keeps a one-item range an array (`$range` gives the item alone).
            Function::ArrayRange if args.len() == 3 => {
                Some(format!("[$range({})]", args.join(", ")))
            }
            Function::ArrayGetItem if args.len() == 2 => {
                Some(format!("({})[{}]", args[0], args[1]))
            }
            Function::ArrayLength => one("count"),
            Function::ArrayUnique => one("distinct"),
            Function::Base64Encode => one("base64encode"),
            Function::Base64Decode => one("base64decode"),
            // `$hash` takes strings only; the intrinsic hashes another value's JSON
            // text, so only an argument that is surely a string converts.
            Function::Hash if args.len() == 2 && is_string(&self.args[0]) => {
                Some(format!("$hash({}, {})", args[0], args[1]))
            }
            Function::JsonMerge if args.len() == 3 && args[2] == "false" => {
                Some(format!("$merge([{}, {}])", args[0], args[1]))
            }
            Function::MathAdd if args.len() == 2 => Some(format!("({} + {})", args[0], args[1])),
            // Split at each delimiter in turn (the path step flattens the pieces), drop
            // the empty strings, and keep the result an array.
            Function::StringSplit if args.len() == 2 => {
                let ArgKind::String { value, .. } = &self.args[1].kind else {
                    return None;
                };
                let mut delimiters: Vec<char> = Vec::new();
                for c in value.chars() {
                    if !delimiters.contains(&c) {
                        delimiters.push(c);
                    }
                }
                let mut steps = Vec::with_capacity(delimiters.len());
                for (i, c) in delimiters.iter().enumerate() {
                    let sep = serde_json::to_string(&c.to_string()).ok()?;
                    steps.push(if i == 0 {
                        format!("$split({}, {sep})", args[0])
                    } else {
                        format!("$split($, {sep})")
                    });
                }
                if steps.is_empty() {
                    return None;
                }
                Some(format!("[{}[$ != \"\"]]", steps.join(".")))
            }
            Function::Uuid if args.is_empty() => Some("$uuid()".to_string()),
            _ => None,
        }
    }
}

/// `$name`, or `$name_`, `$name__`, ... when an argument already mentions it.
fn fresh_name(base: &str, args: &[String]) -> String {
    let mut name = format!("${base}");
    while args.iter().any(|a| a.contains(&name)) {
        name.push('_');
    }
    name
}

/// The argument's value may be an array: a path, or a call that may return one.
fn may_be_array(arg: &Arg) -> bool {
    match &arg.kind {
        ArgKind::Path(_) => true,
        ArgKind::Call(c) => matches!(c.returns(), ValueType::Any | ValueType::Array),
        _ => false,
    }
}

/// The argument's value is a string whatever the input.
fn is_string(arg: &Arg) -> bool {
    match &arg.kind {
        ArgKind::String { .. } => true,
        ArgKind::Call(c) => c.returns() == ValueType::String,
        _ => false,
    }
}

fn arg_to_jsonata(arg: &Arg, input: &str) -> Option<String> {
    match &arg.kind {
        ArgKind::String { value, .. } => serde_json::to_string(value).ok(),
        ArgKind::Number(n) => Some(n.to_string()),
        ArgKind::Bool(b) => Some(b.to_string()),
        ArgKind::Null => Some("null".to_string()),
        ArgKind::Path(p) => p.to_jsonata_from(input),
        ArgKind::Call(c) => c.to_jsonata_from(input),
    }
}

macro_rules! functions {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// The 18 intrinsic functions of Step Functions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Function { $($variant),* }

        impl Function {
            pub const ALL: &'static [Function] = &[$(Function::$variant),*];

            /// The full name, e.g. `States.Format`.
            pub fn name(self) -> &'static str {
                match self { $(Function::$variant => $name),* }
            }

            pub fn from_name(name: &str) -> Option<Function> {
                match name { $($name => Some(Function::$variant),)* _ => None }
            }
        }
    };
}

functions! {
    Format => "States.Format",
    StringToJson => "States.StringToJson",
    JsonToString => "States.JsonToString",
    Array => "States.Array",
    ArrayPartition => "States.ArrayPartition",
    ArrayContains => "States.ArrayContains",
    ArrayRange => "States.ArrayRange",
    ArrayGetItem => "States.ArrayGetItem",
    ArrayLength => "States.ArrayLength",
    ArrayUnique => "States.ArrayUnique",
    Base64Encode => "States.Base64Encode",
    Base64Decode => "States.Base64Decode",
    Hash => "States.Hash",
    JsonMerge => "States.JsonMerge",
    MathRandom => "States.MathRandom",
    MathAdd => "States.MathAdd",
    StringSplit => "States.StringSplit",
    Uuid => "States.UUID",
}

/// The JSON type of a value as far as it is known before running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Null,
    Array,
    Object,
}

impl ValueType {
    fn describe(self) -> &'static str {
        match self {
            ValueType::Any => "any value",
            ValueType::String => "a string",
            ValueType::Number => "a number",
            ValueType::Integer => "an integer",
            ValueType::Boolean => "a boolean",
            ValueType::Null => "null",
            ValueType::Array => "an array",
            ValueType::Object => "an object",
        }
    }
}

/// What a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Any,
    String,
    Number,
    Integer,
    PositiveInteger,
    NonNegativeInteger,
    Boolean,
    Array,
    Object,
    HashAlgorithm,
}

impl Param {
    fn describe(self) -> &'static str {
        match self {
            Param::Any => "any value",
            Param::String => "a string",
            Param::Number => "a number",
            Param::Integer => "an integer",
            Param::PositiveInteger => "a positive integer",
            Param::NonNegativeInteger => "a non-negative integer",
            Param::Boolean => "a boolean",
            Param::Array => "an array",
            Param::Object => "an object",
            Param::HashAlgorithm => "one of 'MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'",
        }
    }

    fn accepts(self, t: ValueType) -> bool {
        matches!(
            (self, t),
            (Param::Any, _)
                | (_, ValueType::Any)
                | (Param::String | Param::HashAlgorithm, ValueType::String)
                | (Param::Number, ValueType::Number | ValueType::Integer)
                | (
                    Param::Integer | Param::PositiveInteger | Param::NonNegativeInteger,
                    ValueType::Integer
                )
                | (Param::Boolean, ValueType::Boolean)
                | (Param::Array, ValueType::Array)
                | (Param::Object, ValueType::Object)
        )
    }
}

/// The hash algorithms `States.Hash` accepts.
pub const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// The algorithm of [`HASH_ALGORITHMS`] that `name` was likely meant as: written
/// without its dash or in another case (`SHA256`, `sha-1`).
pub fn meant_hash_algorithm(name: &str) -> Option<&'static str> {
    HASH_ALGORITHMS
        .iter()
        .find(|a| {
            a.replace('-', "")
                .eq_ignore_ascii_case(&name.replace('-', ""))
        })
        .copied()
}

impl Function {
    /// Minimum and maximum (`None` = unbounded) number of arguments.
    pub fn arity(self) -> (usize, Option<usize>) {
        use Function::*;
        match self {
            Format => (1, None),
            Array => (0, None),
            Uuid => (0, Some(0)),
            StringToJson | JsonToString | ArrayLength | ArrayUnique | Base64Encode
            | Base64Decode => (1, Some(1)),
            ArrayPartition | ArrayContains | ArrayGetItem | Hash | MathAdd | StringSplit => {
                (2, Some(2))
            }
            MathRandom => (2, Some(3)),
            ArrayRange | JsonMerge => (3, Some(3)),
        }
    }

    /// Whether Step Functions rounds a non-integer argument at `index` to the nearest
    /// integer (the developer guide says so for these; MathAdd takes any number).
    pub fn rounds(self, index: usize) -> bool {
        use Function::*;
        matches!(
            (self, index),
            (ArrayPartition, 1) | (ArrayRange, _) | (MathRandom, 0 | 1)
        )
    }

    /// The accepted type of the argument at `index` (0-based).
    pub fn param(self, index: usize) -> Param {
        use Function::*;
        match (self, index) {
            (Format, 0) => Param::String,
            (StringToJson, _) => Param::String,
            (ArrayPartition, 0) | (ArrayContains, 0) | (ArrayGetItem, 0) => Param::Array,
            (ArrayLength, _) | (ArrayUnique, _) => Param::Array,
            (ArrayPartition, 1) => Param::PositiveInteger,
            (ArrayGetItem, 1) => Param::NonNegativeInteger,
            (ArrayRange, _) | (MathRandom, _) => Param::Integer,
            (Base64Encode, _) | (Base64Decode, _) => Param::String,
            (Hash, 0) => Param::String,
            (Hash, 1) => Param::HashAlgorithm,
            (JsonMerge, 0) | (JsonMerge, 1) => Param::Object,
            (JsonMerge, 2) => Param::Boolean,
            (MathAdd, _) => Param::Number,
            (StringSplit, _) => Param::String,
            _ => Param::Any,
        }
    }

    /// The type of the result.
    pub fn returns(self) -> ValueType {
        use Function::*;
        match self {
            Format | JsonToString | Base64Encode | Base64Decode | Hash | Uuid => ValueType::String,
            StringToJson | ArrayGetItem => ValueType::Any,
            Array | ArrayPartition | ArrayRange | ArrayUnique | StringSplit => ValueType::Array,
            ArrayContains => ValueType::Boolean,
            ArrayLength | MathRandom | MathAdd => ValueType::Integer,
            JsonMerge => ValueType::Object,
        }
    }
}

/// True when `s` starts like an intrinsic call: a dotted name and `(`.
pub fn begins_call(s: &str) -> bool {
    let s = s.trim_start();
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(s.len());
    name_len > 0 && s[..name_len].contains('.') && s[name_len..].trim_start().starts_with('(')
}

/// True when `s` looks like an intrinsic call: a dotted name followed by `(`, and a
/// closing `)` at the end. (`$`-strings are paths; anything else in a `.$` field must
/// be an intrinsic.)
pub fn is_intrinsic(s: &str) -> bool {
    begins_call(s) && s.trim_end().ends_with(')')
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// Parse a call string (syntax only; see [`validate`] and [`check`]).
pub fn parse(text: &str) -> Result<Call, ExprError> {
    let mut p = Parser { src: text, pos: 0 };
    p.skip_ws();
    let call = p.call(0)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.unexpected("the end of the expression after the closing `)`"));
    }
    Ok(call)
}

/// Parse and validate; every problem found.
pub fn check(text: &str) -> Vec<ExprError> {
    match parse(text) {
        Ok(call) => validate(&call),
        Err(e) => vec![e],
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '_'
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
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

    fn span(&self, a: usize, b: usize) -> TextRange {
        TextRange::from_usize(a, b)
    }

    fn unexpected(&self, expected: &str) -> ExprError {
        match self.peek() {
            Some(c) => ExprError::new(
                self.span(self.pos, self.pos + c.len_utf8()),
                format!(
                    "unexpected `{c}` at offset {}; expected {expected}",
                    self.pos
                ),
            ),
            None => ExprError::new(
                self.span(self.pos, self.pos),
                format!("unexpected end of the expression; expected {expected}"),
            ),
        }
    }

    fn name(&mut self) -> (String, TextRange) {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        (
            self.src[start..self.pos].to_string(),
            self.span(start, self.pos),
        )
    }

    fn call(&mut self, depth: usize) -> Result<Call, ExprError> {
        let start = self.pos;
        let (name, name_span) = self.name();
        if name.is_empty() {
            return Err(self.unexpected("an intrinsic function name such as `States.Format`"));
        }
        if depth >= MAX_PARSE_DEPTH {
            return Err(ExprError::new(
                name_span,
                format!(
                    "intrinsic functions nested too deeply (more than {MAX_PARSE_DEPTH} levels)"
                ),
            ));
        }
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.unexpected(&format!("`(` after the function name `{name}`")));
        }
        self.bump();
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.bump();
        } else {
            loop {
                self.skip_ws();
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => {
                        self.bump();
                    }
                    Some(')') => {
                        self.bump();
                        break;
                    }
                    None => {
                        return Err(ExprError::new(
                            self.span(start, self.pos),
                            format!("unclosed call to `{name}`: expected `)`"),
                        ));
                    }
                    Some(_) => return Err(self.unexpected("`,` or `)` after an argument")),
                }
            }
        }
        Ok(Call {
            function: Function::from_name(&name),
            name,
            name_span,
            args,
            span: self.span(start, self.pos),
        })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, ExprError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some('\'') => self.string()?,
            Some('$') => ArgKind::Path(self.path()?),
            Some(c) if c == '-' || c.is_ascii_digit() => ArgKind::Number(self.number()?),
            Some(c) if is_name_char(c) => {
                let save = self.pos;
                let (word, span) = self.name();
                let after_name = self.pos;
                self.skip_ws();
                if self.peek() == Some('(') {
                    self.pos = save;
                    ArgKind::Call(Box::new(self.call(depth + 1)?))
                } else {
                    self.pos = after_name;
                    match word.as_str() {
                        "true" => ArgKind::Bool(true),
                        "false" => ArgKind::Bool(false),
                        "null" => ArgKind::Null,
                        _ => {
                            return Err(ExprError::new(
                                span,
                                format!(
                                    "unexpected `{word}`; expected an argument: a 'string', a number, true, false, null, a path starting with `$` or a function call"
                                ),
                            ));
                        }
                    }
                }
            }
            Some('"') => {
                return Err(ExprError::new(
                    self.span(self.pos, self.pos + 1),
                    "strings in intrinsic functions use single quotes: 'text'",
                ));
            }
            _ => {
                return Err(self.unexpected(
                    "an argument: a 'string', a number, true, false, null, a path starting with `$` or a function call",
                ));
            }
        };
        Ok(Arg {
            kind,
            span: self.span(start, self.pos),
        })
    }

    fn string(&mut self) -> Result<ArgKind, ExprError> {
        let open = self.pos;
        self.bump();
        let raw_start = self.pos;
        let mut value = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None => {
                    return Err(ExprError::new(
                        self.span(open, self.pos),
                        "unterminated string: expected a closing '",
                    ));
                }
                Some('\'') => break,
                Some('\\') => match self.bump() {
                    Some(c @ ('\'' | '{' | '}' | '\\')) => value.push(c),
                    Some(c) => {
                        return Err(ExprError::new(
                            self.span(at, self.pos),
                            format!(
                                "invalid escape `\\{c}`: only \\', \\{{, \\}} and \\\\ are allowed in intrinsic strings"
                            ),
                        ));
                    }
                    None => {
                        return Err(ExprError::new(
                            self.span(open, self.pos),
                            "unterminated string: expected a closing '",
                        ));
                    }
                },
                Some(c) => value.push(c),
            }
        }
        Ok(ArgKind::String {
            value,
            raw: self.src[raw_start..self.pos - 1].to_string(),
        })
    }

    fn number(&mut self) -> Result<Number, ExprError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.bump();
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.bump();
            }
            p.pos > s
        };
        let mut ok = digits(self);
        if self.peek() == Some('.') {
            self.bump();
            ok &= digits(self);
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            ok &= digits(self);
        }
        let text = &self.src[start..self.pos];
        if !ok {
            return Err(ExprError::new(
                self.span(start, self.pos.max(start + 1)),
                format!("`{text}` is not a valid number"),
            ));
        }
        // Integers that fit stay integers; everything else becomes a double.
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Number::from(i));
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| {
                ExprError::new(
                    self.span(start, self.pos),
                    format!("`{text}` is not a valid number"),
                )
            })
    }

    /// A path argument ends at `,` or `)` outside brackets/quotes, or at whitespace.
    fn path(&mut self) -> Result<Path, ExprError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            if let Some(q) = quote {
                if c == '\\' {
                    self.bump();
                } else if c == q {
                    quote = None;
                }
                self.bump();
                continue;
            }
            match c {
                '\'' | '"' if depth > 0 => quote = Some(c),
                '[' | '(' => depth += 1,
                ']' | ')' if depth > 0 => depth -= 1,
                ',' | ')' if depth == 0 => break,
                c if c.is_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        jsonpath::parse_at(&self.src[start..self.pos], start)
    }
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// Every problem that can be found without running: unknown functions (with a
/// did-you-mean), arity, literal argument types and values, nesting depth, and the
/// `States.Format` placeholder count.
pub fn validate(call: &Call) -> Vec<ExprError> {
    let mut errors = Vec::new();
    validate_call(call, 1, &mut errors);
    errors
}

/// The closest known function name, if it is close enough to be a likely typo.
pub fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    // `Format(...)` or `states.format(...)`: the prefix is missing or mis-cased.
    if let Some(f) = Function::ALL.iter().find(|f| {
        let full = f.name().to_ascii_lowercase();
        full == lower || full.trim_start_matches("states.") == lower
    }) {
        return Some(f.name());
    }
    let bare = lower.trim_start_matches("states.");
    Function::ALL
        .iter()
        .map(|f| {
            let short = f.name().trim_start_matches("States.");
            (edit_distance(short, bare), f.name())
        })
        .filter(|(d, n)| *d <= 2.max(n.len() / 6))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What is statically known about an argument.
fn arg_type(arg: &Arg) -> ValueType {
    match &arg.kind {
        ArgKind::String { .. } => ValueType::String,
        ArgKind::Number(n) => {
            if n.is_i64() || n.is_u64() {
                ValueType::Integer
            } else {
                ValueType::Number
            }
        }
        ArgKind::Bool(_) => ValueType::Boolean,
        ArgKind::Null => ValueType::Null,
        ArgKind::Path(_) => ValueType::Any,
        ArgKind::Call(c) => c.function.map_or(ValueType::Any, Function::returns),
    }
}

fn literal_int(arg: &Arg) -> Option<i64> {
    match &arg.kind {
        ArgKind::Number(n) => n.as_i64(),
        _ => None,
    }
}

fn validate_call(call: &Call, depth: usize, errors: &mut Vec<ExprError>) {
    if depth == MAX_NESTING + 1 {
        errors.push(ExprError::new(
            call.name_span,
            format!(
                "intrinsic functions can be nested at most {MAX_NESTING} deep; `{}` is at depth {depth}",
                call.name
            ),
        ));
    }
    for arg in &call.args {
        if let ArgKind::Call(inner) = &arg.kind {
            validate_call(inner, depth + 1, errors);
        }
    }
    let Some(function) = call.function else {
        let suggestion = suggest(&call.name);
        let message = match suggestion {
            Some(s) => format!(
                "unknown intrinsic function `{}`; did you mean `{s}`?",
                call.name
            ),
            None if !call.name.starts_with("States.") => format!(
                "unknown intrinsic function `{}`; intrinsic functions are named `States.<Name>`",
                call.name
            ),
            None => format!("unknown intrinsic function `{}`", call.name),
        };
        let error = ExprError::new(call.name_span, message);
        errors.push(match suggestion {
            Some(s) => error.with_suggestion(s),
            None => error,
        });
        return;
    };
    let fname = function.name();
    let (min, max) = function.arity();
    let n = call.args.len();
    if n < min || max.is_some_and(|m| n > m) {
        let expected = match max {
            Some(0) => "no arguments".to_string(),
            Some(m) if m == min => format!("{m} argument{}", plural(m)),
            Some(m) => format!("{min} or {m} arguments"),
            None => format!("at least {min} argument{}", plural(min)),
        };
        let span = if max.is_some_and(|m| n > m) {
            let first_extra = call.args[max.unwrap_or(0)].span;
            first_extra.cover(call.args[n - 1].span)
        } else {
            call.span
        };
        let was = if n == 1 { "was" } else { "were" };
        errors.push(ExprError::new(
            span,
            format!("`{fname}` takes {expected} but {n} {was} given"),
        ));
        return;
    }
    for (i, arg) in call.args.iter().enumerate() {
        let param = function.param(i);
        let t = arg_type(arg);
        // Step Functions rounds a non-integer here to the nearest integer.
        let rounded = t == ValueType::Number
            && function.rounds(i)
            && matches!(param, Param::Integer | Param::PositiveInteger);
        if !param.accepts(t) && !rounded {
            let given = match &arg.kind {
                ArgKind::Call(c) => format!("`{}` returns {}", c.name, t.describe()),
                _ => format!("{} is given", t.describe()),
            };
            errors.push(ExprError::new(
                arg.span,
                format!(
                    "argument {} of `{fname}` must be {}, but {given}",
                    i + 1,
                    param.describe()
                ),
            ));
            continue;
        }
        match param {
            Param::PositiveInteger => {
                if let Some(v) = literal_int(arg).filter(|v| *v <= 0) {
                    errors.push(ExprError::new(
                        arg.span,
                        format!(
                            "argument {} of `{fname}` must be a positive integer, but it is {v}",
                            i + 1
                        ),
                    ));
                }
            }
            Param::NonNegativeInteger => {
                if let Some(v) = literal_int(arg).filter(|v| *v < 0) {
                    errors.push(ExprError::new(
                        arg.span,
                        format!(
                            "argument {} of `{fname}` must be a non-negative integer, but it is {v}",
                            i + 1
                        ),
                    ));
                }
            }
            Param::HashAlgorithm => {
                if let ArgKind::String { value, .. } = &arg.kind
                    && !HASH_ALGORITHMS.contains(&value.as_str())
                {
                    let meant = meant_hash_algorithm(value);
                    let hint = meant
                        .map(|a| format!("; did you mean '{a}'?"))
                        .unwrap_or_default();
                    let error = ExprError::new(
                        arg.span,
                        format!(
                            "unsupported hash algorithm '{value}': `States.Hash` accepts MD5, SHA-1, SHA-256, SHA-384 and SHA-512{hint}"
                        ),
                    );
                    errors.push(match meant {
                        // The span is the whole quoted argument.
                        Some(a) => error.with_suggestion(format!("'{a}'")),
                        None => error,
                    });
                }
            }
            _ => {}
        }
        if let ArgKind::String { value, .. } = &arg.kind
            && matches!(
                (function, i),
                (Function::Base64Encode | Function::Base64Decode, 0) | (Function::Hash, 0)
            )
            && value.chars().count() > MAX_ENCODE_INPUT_CHARS
        {
            errors.push(ExprError::new(
                arg.span,
                format!("the input of `{fname}` is limited to {MAX_ENCODE_INPUT_CHARS} characters"),
            ));
        }
    }
    match function {
        Function::Format => {
            if let Some(Arg {
                kind: ArgKind::String { raw, .. },
                span,
            }) = call.args.first()
            {
                let placeholders = format_pieces(raw).len() - 1;
                let given = n - 1;
                if placeholders != given {
                    errors.push(ExprError::new(
                        *span,
                        format!(
                            "the `States.Format` template has {placeholders} placeholder{} `{{}}` but {given} value{} follow{} it",
                            plural(placeholders),
                            plural(given),
                            if given == 1 { "s" } else { "" }
                        ),
                    ));
                }
            }
        }
        Function::JsonMerge => {
            if let Some(
                arg @ Arg {
                    kind: ArgKind::Bool(true),
                    ..
                },
            ) = call.args.get(2)
            {
                errors.push(ExprError::new(
                    arg.span,
                    "`States.JsonMerge` only supports a shallow merge: the third argument must be `false`",
                ));
            }
        }
        Function::ArrayRange => {
            let step = call.args.get(2);
            if let Some(arg) = step
                && literal_int(arg) == Some(0)
            {
                errors.push(ExprError::new(
                    arg.span,
                    "the step of `States.ArrayRange` cannot be 0",
                ));
            } else if let (Some(a), Some(b), Some(s)) = (
                call.args.first().and_then(literal_int),
                call.args.get(1).and_then(literal_int),
                step.and_then(literal_int),
            ) {
                let count = range_len(a, b, s);
                if count > MAX_ARRAY_RANGE_ITEMS as u128 {
                    errors.push(ExprError::new(
                        call.span,
                        format!(
                            "`States.ArrayRange` would produce {count} items; at most {MAX_ARRAY_RANGE_ITEMS} are allowed"
                        ),
                    ));
                }
            }
        }
        Function::MathRandom => {
            if let (Some(a), Some(b)) = (
                call.args.first().and_then(literal_int),
                call.args.get(1).and_then(literal_int),
            ) && a > b
            {
                errors.push(ExprError::new(
                    call.args[0].span.cover(call.args[1].span),
                    format!("the start of `States.MathRandom` ({a}) is greater than its end ({b})"),
                ));
            }
        }
        Function::StringToJson => {
            if let Some(Arg {
                kind: ArgKind::String { value, .. },
                span,
            }) = call.args.first()
                && !value.trim().is_empty()
                && let Err(e) = serde_json::from_str::<Value>(value)
            {
                errors.push(ExprError::new(
                    *span,
                    format!("the argument of `States.StringToJson` is not valid JSON: {e}"),
                ));
            }
        }
        _ => {}
    }
}

fn range_len(start: i64, end: i64, step: i64) -> u128 {
    if step == 0 {
        return 0;
    }
    let (s, e, st) = (start as i128, end as i128, step as i128);
    if (st > 0 && s > e) || (st < 0 && s < e) {
        return 0;
    }
    ((e - s) / st + 1) as u128
}

/// Split a Format template (raw text between the quotes) at its `{}` placeholders,
/// resolving escapes. `n` placeholders give `n + 1` pieces.
fn format_pieces(raw: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(e), Some(p)) = (chars.next(), pieces.last_mut()) {
                    p.push(e);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(String::new());
            }
            c => {
                if let Some(p) = pieces.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    pieces
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests;
