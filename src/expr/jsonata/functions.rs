//! Built-in functions: signature validation and implementations.

use super::JsonataError;
use super::budget::{
    BYTES_PER_STEP, Budget, Exhausted, ITEMS_PER_STEP, MEMORY_LIMIT_MESSAGE, Meter,
};
use super::eval::{Evaluator, Func, R, flat_len, push_flat, truthy};
use super::signature::Signature;
use super::value::{Obj, Val, deep_equal, format_number};
use crate::expr::digest::{base64_decode_lenient, base64_encode, hex_digest};
use crate::syntax::TextRange;
use std::rc::Rc;

fn err(code: &'static str, msg: impl Into<String>, span: TextRange) -> JsonataError {
    JsonataError::new(code, msg, span)
}

/// The longest string (in bytes) an expression may build. JavaScript engines stop
/// near 2^29 UTF-16 units (V8: "Invalid string length"); a limit of our own keeps a
/// runaway `$pad`, `&` or `$replace` an error rather than an aborted process.
pub(crate) const MAX_STRING: usize = 1 << 29;

/// The error for a string longer than [`MAX_STRING`].
pub(crate) fn too_long(len: usize, span: TextRange) -> JsonataError {
    err(
        "D1001",
        format!("Invalid string length: the result would be {len} bytes long"),
        span,
    )
}

/// Signatures of the built-ins (JSONata notation).
const SIGNATURES: &[(&str, &str)] = &[
    ("sum", "<a<n>:n>"),
    ("count", "<a:n>"),
    ("max", "<a<n>:n>"),
    ("min", "<a<n>:n>"),
    ("average", "<a<n>:n>"),
    ("string", "<x-b?:s>"),
    ("substring", "<s-nn?:s>"),
    ("substringBefore", "<s-s:s>"),
    ("substringAfter", "<s-s:s>"),
    ("lowercase", "<s-:s>"),
    ("uppercase", "<s-:s>"),
    ("length", "<s-:n>"),
    ("trim", "<s-:s>"),
    ("pad", "<s-ns?:s>"),
    ("match", "<s-fn?:a>"),
    ("contains", "<s-(sf):b>"),
    ("replace", "<s-(sf)(sf)n?:s>"),
    ("split", "<s-(sf)n?:a>"),
    ("join", "<a<s>s?:s>"),
    ("formatNumber", "<n-so?:s>"),
    ("formatBase", "<n-n?:s>"),
    ("formatInteger", "<n-s:s>"),
    ("parseInteger", "<s-s:n>"),
    ("number", "<(nsb)-:n>"),
    ("floor", "<n-:n>"),
    ("ceil", "<n-:n>"),
    ("round", "<n-n?:n>"),
    ("abs", "<n-:n>"),
    ("sqrt", "<n-:n>"),
    ("power", "<n-n:n>"),
    ("random", "<n?:n>"),
    ("boolean", "<x-:b>"),
    ("not", "<x-:b>"),
    ("map", "<af>"),
    ("zip", "<a+>"),
    ("filter", "<af>"),
    ("single", "<af?>"),
    ("reduce", "<afj?:j>"),
    ("sift", "<o-f?:o>"),
    ("keys", "<x-:a>"),
    ("lookup", "<x-s:x>"),
    ("append", "<xx:a>"),
    ("exists", "<x:b>"),
    ("spread", "<x-:a>"),
    ("merge", "<a<o>:o>"),
    ("reverse", "<a:a>"),
    ("each", "<o-f:a>"),
    ("error", "<s?:x>"),
    ("assert", "<bs?:x>"),
    ("type", "<x:s>"),
    ("sort", "<af?:a>"),
    ("shuffle", "<a:a>"),
    ("distinct", "<x:x>"),
    ("base64encode", "<s-:s>"),
    ("base64decode", "<s-:s>"),
    ("encodeUrlComponent", "<s-:s>"),
    ("encodeUrl", "<s-:s>"),
    ("decodeUrlComponent", "<s-:s>"),
    ("decodeUrl", "<s-:s>"),
    ("toMillis", "<s-s?:n>"),
    ("fromMillis", "<n-s?s?:s>"),
    ("clone", "<(oa)-:o>"),
    ("now", "<s?s?:s>"),
    ("millis", "<:n>"),
    ("partition", "<an:a>"),
    ("range", "<nnn:a>"),
    ("hash", "<ss:s>"),
    ("uuid", "<:s>"),
    ("parse", "<s-:j>"),
];

pub fn signature_of(name: &str) -> Option<Signature> {
    SIGNATURES
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, s)| Signature::parse(s).ok())
}

/// The function value for a built-in name (without `$`), if AWS provides it.
pub fn builtin_value(name: &str) -> Option<Val> {
    SIGNATURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| Val::Func(Rc::new(Func::Builtin(n))))
}

fn symbol(v: &Val) -> char {
    match v {
        Val::Null => 'l',
        Val::Bool(_) => 'b',
        Val::Num(_) => 'n',
        Val::Str(_) => 's',
        Val::Arr(..) => 'a',
        Val::Obj(_) => 'o',
        Val::Func(_) => 'f',
    }
}

fn accepts(types: &str, v: &Option<Val>) -> bool {
    match v {
        None => true,
        Some(v) => types.contains(symbol(v)) || (types.contains('a') && !v.is_func()),
    }
}

struct Matcher<'a> {
    params: &'a [super::signature::SigParam],
    args: &'a [Option<Val>],
    ctx: Option<&'a Val>,
    prefix: bool,
    ignore_ctx_type: bool,
}

impl Matcher<'_> {
    fn run(&self, pi: usize, ai: usize, out: &mut Vec<(usize, Option<Val>)>) -> bool {
        if self.prefix && ai == self.args.len() {
            return true;
        }
        if pi == self.params.len() {
            return ai == self.args.len();
        }
        let p = &self.params[pi];
        if p.variadic {
            let mut n = 0;
            while ai + n < self.args.len() && accepts(&p.types, &self.args[ai + n]) {
                n += 1;
            }
            while n >= 1 {
                let mark = out.len();
                for k in 0..n {
                    out.push((pi, self.args[ai + k].clone()));
                }
                if self.run(pi + 1, ai + n, out) {
                    return true;
                }
                out.truncate(mark);
                n -= 1;
            }
            return false;
        }
        if ai < self.args.len() && accepts(&p.types, &self.args[ai]) {
            out.push((pi, self.args[ai].clone()));
            if self.run(pi + 1, ai + 1, out) {
                return true;
            }
            out.pop();
        }
        if p.context {
            let c = self.ctx.cloned();
            if self.ignore_ctx_type || accepts(&p.types, &c) {
                out.push((pi, c));
                if self.run(pi + 1, ai, out) {
                    return true;
                }
                out.pop();
            }
        } else if p.optional && self.run(pi + 1, ai, out) {
            return true;
        }
        false
    }
}

/// Checks arguments against a signature, inserting the context value for `-` parameters
/// and wrapping single values passed where an array is expected.
pub fn validate(
    sig: &Signature,
    args: Vec<Option<Val>>,
    ctx: Option<&Val>,
    name: &str,
    span: TextRange,
) -> R<Vec<Option<Val>>> {
    let ctx = match ctx {
        Some(Val::Arr(a, f)) if f.outer && !a.is_empty() => Some(&a[0]),
        other => other,
    };
    let m = Matcher {
        params: &sig.params,
        args: &args,
        ctx,
        prefix: false,
        ignore_ctx_type: false,
    };
    let mut out = Vec::new();
    if !m.run(0, 0, &mut out) {
        let m2 = Matcher {
            ignore_ctx_type: true,
            ..m
        };
        let mut tmp = Vec::new();
        if m2.run(0, 0, &mut tmp) {
            return Err(err(
                "T0411",
                format!(
                    "Context value is not a compatible type with argument 1 of function \"{name}\""
                ),
                span,
            ));
        }
        let mut bad = args.len();
        for i in 0..args.len() {
            let m3 = Matcher {
                params: &sig.params,
                args: &args[..=i],
                ctx,
                prefix: true,
                ignore_ctx_type: false,
            };
            let mut tmp = Vec::new();
            if !m3.run(0, 0, &mut tmp) {
                bad = i;
                break;
            }
        }
        return Err(err(
            "T0410",
            format!(
                "Argument {} of function \"{name}\" does not match function signature",
                bad + 1
            ),
            span,
        ));
    }
    let mut result = Vec::new();
    for (pi, v) in out {
        let p = &sig.params[pi];
        let v = match v {
            Some(v) if p.types == "a" || (p.types.contains('a') && p.element.is_some()) => {
                if let Some(el) = &p.element {
                    let ok = match &v {
                        Val::Arr(items, _) => items.iter().all(|x| el.contains(symbol(x))),
                        single => el.contains(symbol(single)),
                    };
                    if !ok {
                        let tn = match el.as_str() {
                            "n" => "numbers",
                            "s" => "strings",
                            "o" => "objects",
                            "b" => "booleans",
                            "a" => "arrays",
                            "f" => "functions",
                            _ => "the expected type",
                        };
                        return Err(err(
                            "T0412",
                            format!(
                                "Argument {} of function \"{name}\" must be an array of \"{tn}\"",
                                pi + 1
                            ),
                            span,
                        ));
                    }
                }
                match v {
                    Val::Arr(..) => Some(v),
                    single => Some(Val::array(vec![single])),
                }
            }
            other => other,
        };
        result.push(v);
    }
    Ok(result)
}

/// A value as JSON for an error message, cut short (with `...`) past 64 KiB.
pub fn describe(v: &Val) -> String {
    const LONGEST: u64 = 64 << 10;
    let mut meter = Meter::new(Budget {
        steps: u64::MAX,
        memory: LONGEST,
    });
    let mut w = JsonWriter::new(false, false, &mut meter);
    match w.write(v, 0) {
        Ok(()) => w.out,
        Err(_) => {
            let mut end = (LONGEST as usize).min(w.out.len());
            while !w.out.is_char_boundary(end) {
                end -= 1;
            }
            w.out.truncate(end);
            w.out.push_str("...");
            w.out
        }
    }
}

/// Compares strings by UTF-16 code units, as JavaScript does.
pub fn cmp_str(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn round15(n: f64) -> f64 {
    format!("{:.14e}", n).parse().unwrap_or(n)
}

fn json_escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Why [`JsonWriter`] stopped.
enum WriteStop {
    Limit(Exhausted),
    /// An Infinity, where it must be finite.
    Infinite(f64),
}

impl From<Exhausted> for WriteStop {
    fn from(e: Exhausted) -> WriteStop {
        WriteStop::Limit(e)
    }
}

/// Writes values as JSON (as `JSON.stringify` does, NaN as null), counting the values
/// and checking the text against a meter: a value that holds one array many times is
/// written out as many times.
struct JsonWriter<'m> {
    out: String,
    pretty: bool,
    /// An Infinity stops the writing (jsonata-js's D1001) instead of being written.
    finite: bool,
    meter: &'m mut Meter,
}

impl<'m> JsonWriter<'m> {
    fn new(pretty: bool, finite: bool, meter: &'m mut Meter) -> Self {
        JsonWriter {
            out: String::new(),
            pretty,
            finite,
            meter,
        }
    }

    /// Checks that the text written so far fits in the budget (it is counted as the
    /// string it becomes).
    fn count(&mut self) -> Result<(), Exhausted> {
        self.meter.room(self.out.len())
    }

    fn newline(&mut self, indent: usize) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..indent {
                self.out.push_str("  ");
            }
        }
    }

    fn write(&mut self, v: &Val, indent: usize) -> Result<(), WriteStop> {
        self.meter.step(1)?;
        match v {
            Val::Null => self.out.push_str("null"),
            Val::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            // NaN is no JSON number: JSON.stringify writes null.
            Val::Num(n) if n.is_nan() => self.out.push_str("null"),
            Val::Num(n) if n.is_infinite() && self.finite => return Err(WriteStop::Infinite(*n)),
            Val::Num(n) if n.fract() == 0.0 => self.out.push_str(&format_number(*n)),
            Val::Num(n) => self.out.push_str(&format_number(round15(*n))),
            Val::Str(s) => json_escape(s, &mut self.out),
            Val::Func(_) => self.out.push_str("\"\""),
            Val::Arr(a, _) if a.is_empty() => self.out.push_str("[]"),
            Val::Arr(a, _) => {
                self.out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(indent + 1);
                    self.write(x, indent + 1)?;
                }
                self.newline(indent);
                self.out.push(']');
            }
            Val::Obj(o) if o.is_empty() => self.out.push_str("{}"),
            Val::Obj(o) => {
                self.out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(indent + 1);
                    json_escape(k, &mut self.out);
                    self.out.push(':');
                    if self.pretty {
                        self.out.push(' ');
                    }
                    self.write(x, indent + 1)?;
                }
                self.newline(indent);
                self.out.push('}');
            }
        }
        Ok(self.count()?)
    }
}

/// An array or object as JSON text for `$string` and `&`, counted against the
/// evaluation's budget; D1001 when it holds Infinity (which jsonata-js's number check
/// rejects while writing it; NaN it writes as null).
fn stringify_counted(v: &Val, pretty: bool, meter: &mut Meter, span: TextRange) -> R<String> {
    let mut w = JsonWriter::new(pretty, true, meter);
    match w.write(v, 0) {
        Ok(()) => Ok(w.out),
        Err(WriteStop::Infinite(n)) => Err(super::value::out_of_range(n, span)),
        Err(WriteStop::Limit(e)) => Err(e.error(span)),
    }
}

/// `$string()` of a defined value.
pub fn to_string(v: &Val, span: TextRange, meter: &mut Meter) -> R<String> {
    Ok(match v {
        Val::Str(s) => s.to_string(),
        Val::Func(_) => String::new(),
        Val::Num(n) if !n.is_finite() => {
            return Err(err(
                "D3001",
                "Attempting to invoke string function on Infinity or NaN",
                span,
            ));
        }
        other => stringify_counted(other, false, meter, span)?,
    })
}

fn num_arg(v: &Option<Val>) -> Option<f64> {
    match v {
        Some(Val::Num(n)) => Some(*n),
        _ => None,
    }
}

fn str_arg(v: &Option<Val>) -> Option<Rc<str>> {
    match v {
        Some(Val::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The items of an argument, not copied: an array's, or a single value as one.
enum Items {
    None,
    One([Val; 1]),
    Many(Rc<Vec<Val>>),
}

impl std::ops::Deref for Items {
    type Target = [Val];
    fn deref(&self) -> &[Val] {
        match self {
            Items::None => &[],
            Items::One(v) => v,
            Items::Many(a) => a,
        }
    }
}

impl Items {
    /// The items as a plain array value (what a function passes as its third
    /// argument), sharing them.
    fn array(&self) -> Val {
        match self {
            Items::Many(a) => Val::Arr(a.clone(), Default::default()),
            other => Val::array(other.to_vec()),
        }
    }
}

fn items(v: &Option<Val>) -> Items {
    match v {
        None => Items::None,
        Some(Val::Arr(a, _)) => Items::Many(a.clone()),
        Some(v) => Items::One([v.clone()]),
    }
}

/// The built-ins that take time or memory in proportion to the size of their array
/// and string arguments (what the others do does not depend on it).
fn walks_arguments(name: &str) -> bool {
    !matches!(
        name,
        "count"
            | "exists"
            | "type"
            | "lookup"
            | "random"
            | "now"
            | "millis"
            | "uuid"
            | "error"
            | "assert"
            | "abs"
            | "floor"
            | "ceil"
            | "round"
            | "sqrt"
            | "power"
            | "formatBase"
            | "range"
    )
}

/// The items there are to go through in `args`: an array's, and for a string as
/// many as take the time of its bytes.
fn argument_work(args: &[Option<Val>]) -> usize {
    const BYTES_PER_ITEM: usize = BYTES_PER_STEP / ITEMS_PER_STEP;
    args.iter()
        .flatten()
        .map(|v| match v {
            Val::Arr(a, _) => a.len(),
            Val::Str(s) => s.len() / BYTES_PER_ITEM,
            _ => 0,
        })
        .sum()
}

fn s(x: impl AsRef<str>) -> Option<Val> {
    Some(Val::str(x.as_ref()))
}

fn num(n: f64) -> Option<Val> {
    Some(Val::Num(n))
}

fn round_half_even(x: f64, precision: i32) -> f64 {
    let factor = 10f64.powi(precision);
    let v = x * factor;
    // correct for representation error like 2.675 * 100 = 267.49999999999997
    let v = format!("{:.9}", v).parse::<f64>().unwrap_or(v);
    let r = v.round();
    let r = if (v - v.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - v.signum()
    } else {
        r
    };
    let out = r / factor;
    if out == 0.0 { 0.0 } else { out }
}

pub fn regex_match_object(re: &fancy_regex::Regex, text: &str, from: usize) -> Option<Val> {
    let caps = re.captures_from_pos(text, from).ok().flatten()?;
    let m = caps.get(0)?;
    let mut o = Obj::new();
    o.insert(Rc::from("match"), Val::str(m.as_str()));
    o.insert(
        Rc::from("start"),
        Val::Num(text[..m.start()].chars().count() as f64),
    );
    o.insert(
        Rc::from("end"),
        Val::Num(text[..m.end()].chars().count() as f64),
    );
    let groups = (1..caps.len())
        .map(|i| Val::str(caps.get(i).map(|g| g.as_str()).unwrap_or("")))
        .collect();
    o.insert(Rc::from("groups"), Val::array(groups));
    Some(Val::Obj(Rc::new(o)))
}

fn regex_of(v: &Option<Val>) -> Option<Rc<fancy_regex::Regex>> {
    match v {
        Some(Val::Func(f)) => match &**f {
            Func::Regex(r) => Some(r.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A regex match: byte start, byte end, capture groups.
type Match = (usize, usize, Vec<Option<String>>);

/// All matches of `re` in `text` as (byte start, byte end, groups), each counted.
fn all_matches(
    re: &fancy_regex::Regex,
    text: &str,
    meter: &mut Meter,
    span: TextRange,
) -> R<Vec<Match>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        let Some(c) = re
            .captures_from_pos(text, pos)
            .map_err(|e| err("D1004", e.to_string(), span))?
        else {
            break;
        };
        let m = c.get(0).expect("group 0");
        if m.start() == m.end() {
            return Err(err(
                "D1004",
                "Regular expression matches zero length string",
                span,
            ));
        }
        let groups: Vec<Option<String>> = (1..c.len())
            .map(|i| c.get(i).map(|g| g.as_str().to_string()))
            .collect();
        let group_bytes: usize = groups.iter().flatten().map(String::len).sum();
        meter
            .pass(1)
            .and_then(|()| meter.alloc(std::mem::size_of::<Match>() + group_bytes))
            .map_err(|e| e.error(span))?;
        out.push((m.start(), m.end(), groups));
        pos = m.end();
    }
    Ok(out)
}

fn match_obj(text: &str, st: usize, en: usize, groups: &[Option<String>]) -> Val {
    let mut o = Obj::new();
    o.insert(Rc::from("match"), Val::str(&text[st..en]));
    o.insert(
        Rc::from("index"),
        Val::Num(text[..st].chars().count() as f64),
    );
    o.insert(
        Rc::from("groups"),
        Val::array(
            groups
                .iter()
                .map(|g| Val::str(g.as_deref().unwrap_or("")))
                .collect(),
        ),
    );
    Val::Obj(Rc::new(o))
}

/// One result of a matcher function, the protocol the reference's regexes follow: an
/// object with `match`, `start`, `end`, `groups` and a `next` function for the next
/// match. Undefined is no match; anything that is not such an object is T1010.
fn matcher_result(
    ev: &mut Evaluator,
    f: &Val,
    args: Vec<Option<Val>>,
    input: Option<&Val>,
    span: TextRange,
) -> R<Option<Rc<Obj>>> {
    match ev.apply(f, args, input, span)? {
        None => Ok(None),
        Some(Val::Obj(o))
            if matches!(o.get("start"), Some(Val::Num(_)))
                || matches!(o.get("end"), Some(Val::Num(_)))
                || matches!(o.get("groups"), Some(Val::Arr(..)))
                || matches!(o.get("next"), Some(Val::Func(_))) =>
        {
            Ok(Some(o))
        }
        Some(_) => Err(err(
            "T1010",
            "The matcher function did not return a match object (match, start, end, groups, next)",
            span,
        )),
    }
}

/// The matches of a regex or a matcher function in `text`, at most `limit` of them;
/// `None` when `matcher` is neither. A function's matches are followed through
/// `next`; their character positions become byte offsets, each match starting no
/// earlier than the previous one ended, and no more matches are taken than the text
/// has places for one (a `next` that never ends stops there).
fn matcher_matches(
    ev: &mut Evaluator,
    matcher: &Option<Val>,
    text: &str,
    limit: Option<usize>,
    input: Option<&Val>,
    span: TextRange,
) -> R<Option<Vec<Match>>> {
    if let Some(re) = regex_of(matcher) {
        return all_matches(&re, text, &mut ev.meter, span).map(Some);
    }
    let Some(f @ Val::Func(_)) = matcher else {
        return Ok(None);
    };
    let byte_at = |n: Option<&Val>| -> usize {
        let chars = match n {
            Some(Val::Num(n)) if *n > 0.0 => *n as usize,
            _ => 0,
        };
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    let most = limit.unwrap_or(usize::MAX).min(text.chars().count() + 1);
    let mut out: Vec<Match> = Vec::new();
    let mut pos = 0;
    let mut current = matcher_result(ev, f, vec![Some(Val::str(text))], input, span)?;
    while let Some(m) = current {
        if out.len() >= most {
            break;
        }
        let start = byte_at(m.get("start")).max(pos);
        let end = byte_at(m.get("end")).max(start);
        let groups = match m.get("groups") {
            Some(Val::Arr(g, _)) => g
                .iter()
                .map(|g| match g {
                    Val::Str(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        out.push((start, end, groups));
        pos = end;
        current = match m.get("next") {
            Some(next @ Val::Func(_)) if out.len() < most => {
                matcher_result(ev, &next.clone(), vec![], input, span)?
            }
            _ => None,
        };
    }
    Ok(Some(out))
}

fn hof_args(f: &Val, all: Vec<Option<Val>>) -> Vec<Option<Val>> {
    let n = match f {
        Val::Func(func) => func.arity(),
        _ => 1,
    };
    all.into_iter().take(n.max(1)).collect()
}

/// Calls built-in `name` with already evaluated arguments.
pub fn call(
    ev: &mut Evaluator,
    name: &str,
    args: Vec<Option<Val>>,
    input: Option<&Val>,
    span: TextRange,
) -> R<Option<Val>> {
    let sig = signature_of(name).unwrap_or_default();
    let a = validate(&sig, args, input, name, span)?;
    ev.work(1, span)?;
    if walks_arguments(name) {
        ev.pass(argument_work(&a), span)?;
    }
    let arg = |i: usize| -> Option<Val> { a.get(i).cloned().flatten() };
    let result = match name {
        "sum" => {
            let Some(v) = arg(0) else { return Ok(None) };
            num(items(&Some(v))
                .iter()
                .filter_map(|x| num_arg(&Some(x.clone())))
                .sum())
        }
        "count" => num(items(&arg(0)).len() as f64),
        "max" | "min" => {
            let xs: Vec<f64> = items(&arg(0))
                .iter()
                .filter_map(|x| num_arg(&Some(x.clone())))
                .collect();
            if xs.is_empty() {
                return Ok(None);
            }
            let f = if name == "max" { f64::max } else { f64::min };
            num(xs.into_iter().reduce(f).unwrap_or(0.0))
        }
        "average" => {
            let xs: Vec<f64> = items(&arg(0))
                .iter()
                .filter_map(|x| num_arg(&Some(x.clone())))
                .collect();
            if xs.is_empty() {
                return Ok(None);
            }
            num(xs.iter().sum::<f64>() / xs.len() as f64)
        }
        "string" => {
            let Some(v) = arg(0) else { return Ok(None) };
            let pretty = matches!(arg(1), Some(Val::Bool(true)));
            match &v {
                Val::Str(_) => Some(v),
                Val::Func(_) => s(""),
                Val::Num(n) if !n.is_finite() => {
                    return Err(err(
                        "D3001",
                        "Attempting to invoke string function on Infinity or NaN",
                        span,
                    ));
                }
                other => {
                    let text = stringify_counted(other, pretty, &mut ev.meter, span)?;
                    s(text)
                }
            }
        }
        "length" => str_arg(&arg(0)).map(|x| Val::Num(x.chars().count() as f64)),
        "uppercase" => str_arg(&arg(0)).map(|x| Val::str(&x.to_uppercase())),
        "lowercase" => str_arg(&arg(0)).map(|x| Val::str(&x.to_lowercase())),
        "trim" => str_arg(&arg(0)).map(|x| {
            let mut out = String::new();
            let mut ws = false;
            for c in x.chars() {
                if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}' | '\u{b}') {
                    ws = true;
                } else {
                    if ws && !out.is_empty() {
                        out.push(' ');
                    }
                    ws = false;
                    out.push(c);
                }
            }
            Val::str(&out)
        }),
        "substring" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let chars: Vec<char> = x.chars().collect();
            let n = chars.len() as f64;
            let mut start = num_arg(&arg(1)).unwrap_or(0.0).floor();
            if start < 0.0 {
                start = (n + start).max(0.0);
            }
            let len = num_arg(&arg(2));
            let end = match len {
                Some(l) if l <= 0.0 => return Ok(s("")),
                Some(l) => (start + l.floor()).min(n),
                None => n,
            };
            if start >= n {
                return Ok(s(""));
            }
            s(chars[start as usize..end as usize]
                .iter()
                .collect::<String>())
        }
        "substringBefore" | "substringAfter" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let chars = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            match x.find(&*chars) {
                None => s(&*x),
                Some(i) if name == "substringBefore" => s(&x[..i]),
                Some(i) => s(&x[i + chars.len()..]),
            }
        }
        "pad" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let width = num_arg(&arg(1)).unwrap_or(0.0);
            let ch = str_arg(&arg(2))
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| Rc::from(" "));
            let len = x.chars().count();
            let target = width.abs().floor() as usize;
            if target <= len {
                return Ok(s(&*x));
            }
            let longest = ch.chars().map(char::len_utf8).max().unwrap_or(1);
            if (target - len).saturating_mul(longest) > MAX_STRING {
                return Err(too_long(target.saturating_mul(longest), span));
            }
            ev.room((target - len).saturating_mul(longest), span)?;
            let pad: String = ch.chars().cycle().take(target - len).collect();
            if width < 0.0 {
                s(format!("{pad}{x}"))
            } else {
                s(format!("{x}{pad}"))
            }
        }
        "contains" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            match arg(1) {
                Some(Val::Str(p)) => Some(Val::Bool(x.contains(&*p))),
                p => match regex_of(&p) {
                    Some(re) => Some(Val::Bool(re.is_match(&*x).unwrap_or(false))),
                    None => matcher_matches(ev, &p, &x, Some(1), input, span)?
                        .map(|ms| Val::Bool(!ms.is_empty())),
                },
            }
        }
        "split" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let limit = match num_arg(&arg(2)) {
                Some(l) if l < 0.0 => {
                    return Err(err(
                        "D3020",
                        "Third argument of split function must evaluate to a positive number",
                        span,
                    ));
                }
                Some(l) => Some(l.floor() as usize),
                None => None,
            };
            // The parts are counted as they are made: a string split into characters
            // takes a hundred times its size.
            let mut parts = Vec::new();
            let mut add = |ev: &mut Evaluator, part: &str| -> R<bool> {
                if limit.is_some_and(|l| parts.len() >= l) {
                    return Ok(false);
                }
                ev.items(1, span)?;
                ev.string(part.len(), span)?;
                parts.push(Val::str(part));
                Ok(true)
            };
            match arg(1) {
                Some(Val::Str(sep)) if sep.is_empty() => {
                    for (i, c) in x.char_indices() {
                        if !add(ev, &x[i..i + c.len_utf8()])? {
                            break;
                        }
                    }
                }
                Some(Val::Str(sep)) => {
                    for part in x.split(&*sep) {
                        if !add(ev, part)? {
                            break;
                        }
                    }
                }
                p => {
                    let Some(ms) = matcher_matches(ev, &p, &x, None, input, span)? else {
                        return Ok(None);
                    };
                    let mut last = 0;
                    for (st, en, _) in ms {
                        if !add(ev, &x[last..st])? {
                            break;
                        }
                        last = en;
                    }
                    add(ev, &x[last..])?;
                }
            }
            Some(Val::array(parts))
        }
        "join" => {
            let Some(v) = arg(0) else { return Ok(None) };
            let sep = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            let parts = items(&Some(v));
            let text = |x: &Val| match x {
                Val::Str(s) => s.len(),
                _ => 0,
            };
            let total = parts
                .iter()
                .map(text)
                .fold(sep.len().saturating_mul(parts.len()), usize::saturating_add);
            if total > MAX_STRING {
                return Err(too_long(total, span));
            }
            ev.room(total, span)?;
            let mut out = String::with_capacity(total);
            for (i, x) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                if let Val::Str(x) = x {
                    out.push_str(x);
                }
            }
            s(out)
        }
        "match" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let limit = num_arg(&arg(2));
            if matches!(limit, Some(l) if l < 0.0) {
                return Err(err(
                    "D3040",
                    "Third argument of match function must evaluate to a positive number",
                    span,
                ));
            }
            let most = limit.map(|l| l.ceil() as usize);
            let Some(matches) = matcher_matches(ev, &arg(1), &x, most, input, span)? else {
                return Err(err(
                    "T0410",
                    "Argument 2 of function \"match\" does not match function signature",
                    span,
                ));
            };
            let mut out = Vec::new();
            for (st, en, groups) in matches {
                if let Some(l) = limit
                    && out.len() as f64 >= l
                {
                    break;
                }
                // An object of three members, the match and its groups.
                ev.items(1 + groups.len(), span)?;
                ev.members(3, span)?;
                ev.string(en - st, span)?;
                out.push(match_obj(&x, st, en, &groups));
            }
            Some(Val::seq(out))
        }
        "replace" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let limit = match num_arg(&arg(3)) {
                Some(l) if l < 0.0 => {
                    return Err(err(
                        "D3011",
                        "Fourth argument of replace function must evaluate to a positive number",
                        span,
                    ));
                }
                Some(l) => Some(l.floor() as usize),
                None => None,
            };
            let pattern = arg(1);
            let replacement = arg(2);
            let matches: Vec<Match> = match &pattern {
                Some(Val::Str(p)) => {
                    if p.is_empty() {
                        return Err(err(
                            "D3010",
                            "Second argument of replace function cannot be an empty string",
                            span,
                        ));
                    }
                    let mut ms = Vec::new();
                    for (i, m) in x.match_indices(&**p) {
                        if limit.is_some_and(|l| ms.len() >= l) {
                            break;
                        }
                        ev.items(1, span)?;
                        ms.push((i, i + m.len(), vec![]));
                    }
                    ms
                }
                p => match matcher_matches(ev, p, &x, limit, input, span)? {
                    Some(ms) => ms,
                    None => return Ok(None),
                },
            };
            let mut out = String::new();
            let mut last = 0;
            for (n, (st, en, groups)) in matches.into_iter().enumerate() {
                if limit.is_some_and(|l| n >= l) {
                    break;
                }
                if out.len() > MAX_STRING {
                    return Err(too_long(out.len(), span));
                }
                ev.room(out.len(), span)?;
                out.push_str(&x[last..st]);
                match &replacement {
                    Some(Val::Str(r)) => expand_replacement(r, &x[st..en], &groups, &mut out),
                    Some(f @ Val::Func(_)) => {
                        let mo = match_obj(&x, st, en, &groups);
                        match ev.apply(f, vec![Some(mo)], input, span)? {
                            Some(Val::Str(r)) => out.push_str(&r),
                            _ => {
                                return Err(err(
                                    "D3012",
                                    "Attempted to replace a matched string with a non-string value",
                                    span,
                                ));
                            }
                        }
                    }
                    _ => {}
                }
                last = en;
            }
            out.push_str(&x[last..]);
            s(out)
        }
        "number" => match arg(0) {
            None => None,
            Some(Val::Num(n)) => num(n),
            Some(Val::Bool(b)) => num(if b { 1.0 } else { 0.0 }),
            Some(Val::Str(t)) => match parse_number(&t) {
                Some(n) => num(n),
                None => {
                    return Err(err(
                        "D3030",
                        format!("Unable to cast value to a number: \"{t}\""),
                        span,
                    ));
                }
            },
            Some(other) => {
                return Err(err(
                    "D3030",
                    format!("Unable to cast value to a number: {}", describe(&other)),
                    span,
                ));
            }
        },
        "abs" => num_arg(&arg(0)).map(|n| Val::Num(n.abs())),
        "floor" => num_arg(&arg(0)).map(|n| Val::Num(n.floor())),
        "ceil" => num_arg(&arg(0)).map(|n| Val::Num(n.ceil())),
        "round" => {
            let Some(n) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            num(round_half_even(n, num_arg(&arg(1)).unwrap_or(0.0) as i32))
        }
        "sqrt" => {
            let Some(n) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            if n < 0.0 {
                return Err(err(
                    "D3060",
                    format!(
                        "The sqrt function cannot be applied to a negative number: {}",
                        format_number(n)
                    ),
                    span,
                ));
            }
            num(n.sqrt())
        }
        "power" => {
            let Some(b) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            let e = num_arg(&arg(1)).unwrap_or(1.0);
            let r = b.powf(e);
            if !r.is_finite() {
                return Err(err(
                    "D3061",
                    format!(
                        "The power function has resulted in a value that cannot be represented as a JSON number: base={}, exponent={}",
                        format_number(b),
                        format_number(e)
                    ),
                    span,
                ));
            }
            num(r)
        }
        "random" => match num_arg(&arg(0)) {
            // AWS seeds java.util.Random with the number: `$random(42)` gives
            // 0.7275636800328681 there (floci-io/floci#2662), and here.
            Some(seed) => num(java_random_double(seed as i64)),
            None => num(ev.random()),
        },
        "boolean" => arg(0).map(|v| Val::Bool(truthy(Some(&v)))),
        "not" => arg(0).map(|v| Val::Bool(!truthy(Some(&v)))),
        "exists" => Some(Val::Bool(arg(0).is_some())),
        "type" => arg(0).map(|v| Val::str(v.type_name())),
        "append" => match (arg(0), arg(1)) {
            (None, b) => b,
            (a, None) => a,
            (Some(a), Some(b)) => {
                ev.items(flat_len(&a) + flat_len(&b), span)?;
                let mut out = Vec::new();
                push_flat(&mut out, a);
                push_flat(&mut out, b);
                Some(Val::array(out))
            }
        },
        "reverse" => match arg(0) {
            None => None,
            Some(v) => {
                let mut x = items(&Some(v)).to_vec();
                ev.items(x.len(), span)?;
                x.reverse();
                Some(Val::array(x))
            }
        },
        "shuffle" => match arg(0) {
            None => None,
            Some(v) => {
                let mut x = items(&Some(v)).to_vec();
                ev.items(x.len(), span)?;
                for i in (1..x.len()).rev() {
                    let j = (ev.next_u64() % (i as u64 + 1)) as usize;
                    x.swap(i, j);
                }
                Some(Val::array(x))
            }
        },
        "distinct" => match arg(0) {
            Some(Val::Arr(a, f)) if a.len() <= 1 => Some(Val::Arr(a, f)),
            Some(Val::Arr(a, _)) => Some(Val::array(distinct(ev, &a, span)?)),
            other => other,
        },
        "zip" => {
            let arrays: Vec<Items> = a.iter().map(items).collect();
            let n = arrays.iter().map(|x| x.len()).min().unwrap_or(0);
            ev.items(n * (arrays.len() + 1), span)?;
            Some(Val::array(
                (0..n)
                    .map(|i| Val::array(arrays.iter().map(|x| x[i].clone()).collect()))
                    .collect(),
            ))
        }
        "keys" => {
            let mut out: Vec<Rc<str>> = Vec::new();
            let mut seen: std::collections::HashSet<Rc<str>> = Default::default();
            let mut add = |ev: &mut Evaluator, o: &Obj| -> R<()> {
                ev.pass(o.len(), span)?;
                for k in o.keys() {
                    if seen.insert(k.clone()) {
                        ev.items(1, span)?;
                        out.push(k.clone());
                    }
                }
                Ok(())
            };
            match arg(0) {
                Some(Val::Obj(o)) => add(ev, &o)?,
                Some(Val::Arr(a, _)) => {
                    for x in a.iter() {
                        if let Val::Obj(o) = x {
                            add(ev, o)?;
                        }
                    }
                }
                _ => return Ok(None),
            }
            Some(Val::seq(out.into_iter().map(Val::Str).collect()))
        }
        "lookup" => {
            let Some(v) = arg(0) else { return Ok(None) };
            let key = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            super::eval::lookup_field(&v, &key, &mut ev.meter).map_err(|e| e.error(span))?
        }
        "spread" => {
            fn spread(v: &Val, out: &mut Vec<Val>, meter: &mut Meter) -> Result<(), Exhausted> {
                meter.step(1)?;
                match v {
                    Val::Arr(a, _) => {
                        for x in a.iter() {
                            spread(x, out, meter)?;
                        }
                    }
                    Val::Obj(o) => {
                        for (k, x) in o.iter() {
                            meter.items(1)?;
                            meter.members(1)?;
                            meter.alloc(super::budget::HEADER)?;
                            let mut m = Obj::new();
                            m.insert(k.clone(), x.clone());
                            out.push(Val::Obj(Rc::new(m)));
                        }
                    }
                    other => {
                        meter.items(1)?;
                        out.push(other.clone());
                    }
                }
                Ok(())
            }
            let Some(v) = arg(0) else { return Ok(None) };
            if let Val::Obj(_) | Val::Arr(..) = v {
                let mut out = Vec::new();
                spread(&v, &mut out, &mut ev.meter).map_err(|e| e.error(span))?;
                Some(Val::seq(out))
            } else {
                Some(v)
            }
        }
        "merge" => {
            let Some(v) = arg(0) else { return Ok(None) };
            let mut out = Obj::new();
            for x in items(&Some(v)).iter() {
                if let Val::Obj(o) = x {
                    ev.members(o.len(), span)?;
                    for (k, y) in o.iter() {
                        out.insert(k.clone(), y.clone());
                    }
                }
            }
            Some(Val::Obj(Rc::new(out)))
        }
        "each" => {
            let Some(Val::Obj(o)) = arg(0) else {
                return Ok(None);
            };
            let f = arg(1).unwrap_or(Val::Null);
            let mut out = Vec::new();
            for (k, v) in o.iter() {
                let call_args = hof_args(
                    &f,
                    vec![
                        Some(v.clone()),
                        Some(Val::Str(k.clone())),
                        Some(Val::Obj(o.clone())),
                    ],
                );
                if let Some(r) = ev.apply(&f, call_args, input, span)? {
                    ev.hold(&r, span)?;
                    out.push(r);
                }
            }
            Some(Val::seq(out))
        }
        "sift" => {
            let Some(Val::Obj(o)) = arg(0) else {
                return Ok(None);
            };
            let f = arg(1).unwrap_or(Val::Null);
            let mut out = Obj::new();
            for (k, v) in o.iter() {
                let call_args = hof_args(
                    &f,
                    vec![
                        Some(v.clone()),
                        Some(Val::Str(k.clone())),
                        Some(Val::Obj(o.clone())),
                    ],
                );
                let r = ev.apply(&f, call_args, input, span)?;
                if truthy(r.as_ref()) {
                    ev.members(1, span)?;
                    out.insert(k.clone(), v.clone());
                }
            }
            if out.is_empty() {
                None
            } else {
                Some(Val::Obj(Rc::new(out)))
            }
        }
        "error" => {
            let msg = str_arg(&arg(0))
                .map(|m| m.to_string())
                .unwrap_or_else(|| "$error() function evaluated".into());
            return Err(err("D3137", msg, span));
        }
        "assert" => {
            let ok = matches!(arg(0), Some(Val::Bool(true)));
            if !ok {
                let msg = str_arg(&arg(1))
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "$assert() statement failed".into());
                return Err(err("D3141", msg, span));
            }
            None
        }
        "map" | "filter" => {
            let Some(arr) = arg(0) else { return Ok(None) };
            let xs = items(&Some(arr));
            let whole = xs.array();
            let f = arg(1).unwrap_or(Val::Null);
            let mut out = Vec::new();
            for (i, x) in xs.iter().cloned().enumerate() {
                let call_args = hof_args(
                    &f,
                    vec![
                        Some(x.clone()),
                        Some(Val::Num(i as f64)),
                        Some(whole.clone()),
                    ],
                );
                let r = ev.apply(&f, call_args, input, span)?;
                if name == "map" {
                    if let Some(r) = r {
                        ev.hold(&r, span)?;
                        out.push(r);
                    }
                } else if truthy(r.as_ref()) {
                    ev.items(1, span)?;
                    out.push(x);
                }
            }
            Some(Val::seq(out))
        }
        "single" => {
            let Some(arr) = arg(0) else { return Ok(None) };
            let xs = items(&Some(arr));
            let whole = xs.array();
            let f = arg(1);
            let mut found: Option<Val> = None;
            for (i, x) in xs.iter().cloned().enumerate() {
                let keep = match &f {
                    None => true,
                    Some(f) => {
                        let call_args = hof_args(
                            f,
                            vec![
                                Some(x.clone()),
                                Some(Val::Num(i as f64)),
                                Some(whole.clone()),
                            ],
                        );
                        truthy(ev.apply(f, call_args, input, span)?.as_ref())
                    }
                };
                if keep {
                    if found.is_some() {
                        return Err(err(
                            "D3138",
                            "The $single() function expected exactly 1 matching result.  Instead it matched more.",
                            span,
                        ));
                    }
                    found = Some(x);
                }
            }
            match found {
                Some(v) => Some(v),
                None => {
                    return Err(err(
                        "D3139",
                        "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
                        span,
                    ));
                }
            }
        }
        "reduce" => {
            let Some(arr) = arg(0) else { return Ok(None) };
            let xs = items(&Some(arr));
            let f = arg(1).unwrap_or(Val::Null);
            if let Val::Func(func) = &f
                && func.arity() < 2
            {
                return Err(err(
                    "D3050",
                    "The second argument of reduce function must be a function with at least two arguments",
                    span,
                ));
            }
            let whole = xs.array();
            let mut it = xs.iter().cloned().enumerate();
            let mut acc = match arg(2) {
                Some(init) => Some(init),
                None => it.next().map(|(_, v)| v),
            };
            for (i, x) in it {
                let previous = acc.clone();
                let call_args = hof_args(
                    &f,
                    vec![acc, Some(x), Some(Val::Num(i as f64)), Some(whole.clone())],
                );
                acc = ev.apply(&f, call_args, input, span)?;
                // An accumulator built anew each time (`$append($acc, $v)`, `$acc & $v`)
                // leaves the previous one to be freed: it is not counted twice.
                if let Some(p) = &previous {
                    ev.meter.release(p);
                }
            }
            acc
        }
        "sort" => {
            let Some(arr) = arg(0) else { return Ok(None) };
            let xs = items(&Some(arr)).to_vec();
            if xs.len() <= 1 {
                return Ok(Some(Val::array(xs)));
            }
            let n = xs.len();
            ev.items(n, span)?;
            // The comparisons.
            ev.pass(n * (n.ilog2() as usize + 1), span)?;
            match arg(1) {
                None => {
                    let all_num = xs.iter().all(|x| matches!(x, Val::Num(_)));
                    let all_str = xs.iter().all(|x| matches!(x, Val::Str(_)));
                    if !all_num && !all_str {
                        return Err(err(
                            "D3070",
                            "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
                            span,
                        ));
                    }
                    let mut xs = xs;
                    xs.sort_by(|a, b| match (a, b) {
                        (Val::Num(x), Val::Num(y)) => {
                            x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal)
                        }
                        (Val::Str(x), Val::Str(y)) => cmp_str(x, y),
                        _ => std::cmp::Ordering::Equal,
                    });
                    Some(Val::array(xs))
                }
                Some(f) => {
                    // merge sort; f(a, b) true means a goes after b
                    let sorted = merge_sort(ev, xs, &f, input, span)?;
                    Some(Val::array(sorted))
                }
            }
        }
        "base64encode" => str_arg(&arg(0)).map(|x| Val::str(&base64_encode(x.as_bytes()))),
        "base64decode" => match str_arg(&arg(0)) {
            None => None,
            Some(x) => s(String::from_utf8_lossy(&base64_decode_lenient(&x))),
        },
        "encodeUrlComponent" | "encodeUrl" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let keep: &str = if name == "encodeUrl" {
                "-_.!~*'();,/?:@&=+$#"
            } else {
                "-_.!~*'()"
            };
            let mut out = String::new();
            for c in x.chars() {
                if c.is_ascii_alphanumeric() || keep.contains(c) {
                    out.push(c);
                } else if c == '\u{FFFD}' {
                    return Err(err(
                        "D3140",
                        format!("Malformed URL passed to ${name}(): \"{x}\""),
                        span,
                    ));
                } else {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            s(out)
        }
        "decodeUrlComponent" | "decodeUrl" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let reserved: &str = if name == "decodeUrl" {
                ";,/?:@&=+$#"
            } else {
                ""
            };
            match percent_decode(&x, reserved) {
                Some(d) => s(d),
                None => {
                    return Err(err(
                        "D3140",
                        format!("Malformed URL passed to ${name}(): \"{x}\""),
                        span,
                    ));
                }
            }
        }
        "clone" => match arg(0) {
            None => None,
            Some(v) => {
                // Shared parts come out as copies of their own: counted as written.
                let json = match v.to_json_metered(false, &mut ev.meter) {
                    Ok(json) => json,
                    Err(super::value::NoJson::Limit(e)) => return Err(e.error(span)),
                    Err(_) => serde_json::Value::Null,
                };
                Some(Val::from_json(&json))
            }
        },
        "now" => match (arg(0), arg(1)) {
            (None, None) => s(super::datetime::format_iso(ev.now)),
            // `$now(picture[, timezone])` formats as `$fromMillis` does.
            (pic, tz) => {
                let pic = str_arg(&pic);
                let tz = str_arg(&tz);
                s(super::datetime::format_picture(
                    ev.now,
                    pic.as_deref(),
                    tz.as_deref(),
                    span,
                )?)
            }
        },
        "millis" => num(ev.now as f64),
        "fromMillis" => {
            let Some(ms) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            match (arg(1), arg(2)) {
                (None, None) => s(super::datetime::format_iso(ms.floor() as i64)),
                (pic, tz) => {
                    let pic = str_arg(&pic);
                    let tz = str_arg(&tz);
                    s(super::datetime::format_picture(
                        ms.floor() as i64,
                        pic.as_deref(),
                        tz.as_deref(),
                        span,
                    )?)
                }
            }
        }
        "toMillis" => {
            let Some(t) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            if let Some(p) = str_arg(&arg(1)) {
                super::datetime::parse_picture(&t, &p, ev.now, span)?.map(Val::Num)
            } else {
                match super::datetime::parse_iso(&t) {
                    Some(m) => num(m as f64),
                    None => {
                        return Err(err(
                            "D3110",
                            format!(
                                "The timestamp string \"{t}\" does not match the ISO 8601 format"
                            ),
                            span,
                        ));
                    }
                }
            }
        }
        "formatBase" => {
            let Some(n) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            let radix = num_arg(&arg(1)).unwrap_or(10.0);
            if !(2.0..=36.0).contains(&radix) {
                return Err(err(
                    "D3100",
                    format!(
                        "The radix of the formatBase function must be between 2 and 36.  It was given {}",
                        format_number(radix)
                    ),
                    span,
                ));
            }
            let v = round_half_even(n, 0);
            let neg = v < 0.0;
            let mut x = v.abs() as u128;
            let r = radix as u128;
            let mut digits = Vec::new();
            loop {
                digits.push(std::char::from_digit((x % r) as u32, r as u32).unwrap_or('0'));
                x /= r;
                if x == 0 {
                    break;
                }
            }
            if neg {
                digits.push('-');
            }
            s(digits.into_iter().rev().collect::<String>())
        }
        "formatNumber" => {
            let Some(n) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            let pic = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            let opts = match arg(2) {
                Some(Val::Obj(o)) => Some(o),
                _ => None,
            };
            s(super::picture::format_number(
                n,
                &pic,
                opts.as_deref(),
                span,
            )?)
        }
        "formatInteger" => {
            let Some(n) = num_arg(&arg(0)) else {
                return Ok(None);
            };
            let pic = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            s(super::picture::format_integer(n, &pic, span)?)
        }
        "parseInteger" => {
            let Some(t) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let pic = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            super::picture::parse_integer(&t, &pic, span)?.map(Val::Num)
        }
        // Step Functions additions
        "partition" => {
            let Some(arr) = arg(0) else { return Ok(None) };
            // AWS drops the fraction of an integer parameter (the developer guide:
            // "round down"; `$partition(xs, 2.9)` chunks by 2).
            let size = num_arg(&arg(1)).unwrap_or(0.0).trunc();
            if size < 1.0 {
                return Err(err(
                    "D3201",
                    "The chunk size of $partition must be a positive integer",
                    span,
                ));
            }
            let xs = items(&Some(arr));
            ev.items(xs.len() + xs.len().div_ceil(size as usize), span)?;
            Some(Val::array(
                xs.chunks(size as usize)
                    .map(|c| Val::array(c.to_vec()))
                    .collect(),
            ))
        }
        "range" => {
            let (Some(a0), Some(a1), Some(step)) =
                (num_arg(&arg(0)), num_arg(&arg(1)), num_arg(&arg(2)))
            else {
                return Ok(None);
            };
            // AWS drops the fractions (`$range(-1.7, 2, 1)` gives [-1, 0, 1, 2]) and has
            // no item limit of its own, only the evaluation's memory limit, which a
            // range of more than 360,145 items passes (floci-io/floci#2676, #2790).
            let (a0, a1, step) = (a0.trunc(), a1.trunc(), step.trunc());
            if step == 0.0 {
                return Err(err("D3202", "The step of $range must not be 0", span));
            }
            let count = (((a1 - a0) / step).floor() + 1.0).max(0.0);
            if count > RANGE_MEMORY_LIMIT {
                return Err(JsonataError::limit(MEMORY_LIMIT_MESSAGE, span));
            }
            ev.items(count as usize, span)?;
            let mut out = Vec::new();
            let mut i = 0.0;
            while i < count {
                out.push(Val::Num(a0 + i * step));
                i += 1.0;
            }
            // AWS returns a one-item range as the item itself (recorded:
            // `$range(1, 9, 9)` gives `1`), like a JSONata result sequence.
            if out.len() == 1 {
                out.pop()
            } else {
                Some(Val::array(out))
            }
        }
        "hash" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            let alg = str_arg(&arg(1)).unwrap_or_else(|| Rc::from(""));
            match hex_digest(&alg, x.as_bytes()) {
                Some(h) => s(h),
                None => {
                    return Err(err(
                        "D3204",
                        format!(
                            "Unsupported hash algorithm \"{alg}\": use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
                        ),
                        span,
                    ));
                }
            }
        }
        "uuid" => {
            let hi = ev.next_u64();
            let lo = ev.next_u64();
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&hi.to_be_bytes());
            b[8..].copy_from_slice(&lo.to_be_bytes());
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            s(format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            ))
        }
        "parse" => {
            let Some(x) = str_arg(&arg(0)) else {
                return Ok(None);
            };
            // A value can take forty times the bytes of its JSON text (`[1,1,...]`),
            // and parsing builds it before it can be counted.
            ev.room(x.len().saturating_mul(PARSED_SIZE), span)?;
            ev.items(x.len() / 2, span)?;
            match serde_json::from_str::<serde_json::Value>(&x) {
                Ok(v) => Some(Val::from_json(&v)),
                Err(e) => {
                    return Err(err(
                        "D3205",
                        format!("$parse: the string is not valid JSON ({e})"),
                        span,
                    ));
                }
            }
        }
        _ => {
            return Err(err(
                "T1006",
                format!("Attempted to invoke a non-function: ${name}"),
                span,
            ));
        }
    };
    // A string result is new text (the functions that can make one much longer than
    // their arguments count it before they build it).
    if let Some(Val::Str(x)) = &result {
        ev.meter.made_string(x.len()).map_err(|e| e.error(span))?;
    }
    Ok(result)
}

/// The items of `$distinct`: the first of each set of deep-equal items, in order.
/// Numbers, strings, booleans and null are found in a set; arrays, objects and
/// functions are compared with those kept before them, each comparison counted.
fn distinct(ev: &mut Evaluator, a: &[Val], span: TextRange) -> R<Vec<Val>> {
    #[derive(Hash, PartialEq, Eq)]
    enum Key {
        Null,
        Bool(bool),
        /// The bits of the number, with -0 as 0 (they are equal).
        Num(u64),
        Str(Rc<str>),
    }
    let mut seen: std::collections::HashSet<Key> = Default::default();
    let mut kept: Vec<Val> = Vec::new();
    let mut out = Vec::new();
    for x in a {
        let new = match x {
            Val::Null => seen.insert(Key::Null),
            Val::Bool(b) => seen.insert(Key::Bool(*b)),
            // NaN equals nothing, itself included.
            Val::Num(n) if n.is_nan() => true,
            Val::Num(n) => seen.insert(Key::Num(if *n == 0.0 { 0 } else { n.to_bits() })),
            Val::Str(s) => seen.insert(Key::Str(s.clone())),
            Val::Arr(..) | Val::Obj(_) | Val::Func(_) => {
                ev.pass(kept.len(), span)?;
                if kept.iter().any(|y| deep_equal(x, y)) {
                    false
                } else {
                    kept.push(x.clone());
                    true
                }
            }
        };
        if new {
            // The item, and its entry in the set.
            ev.items(2, span)?;
            out.push(x.clone());
        }
    }
    Ok(out)
}

fn merge_sort(
    ev: &mut Evaluator,
    xs: Vec<Val>,
    f: &Val,
    input: Option<&Val>,
    span: TextRange,
) -> R<Vec<Val>> {
    if xs.len() <= 1 {
        return Ok(xs);
    }
    let mut xs = xs;
    let right = xs.split_off(xs.len() / 2);
    let l = merge_sort(ev, xs, f, input, span)?;
    let r = merge_sort(ev, right, f, input, span)?;
    let mut out = Vec::with_capacity(l.len() + r.len());
    let (mut i, mut j) = (0, 0);
    while i < l.len() && j < r.len() {
        let swap = ev.apply(f, vec![Some(l[i].clone()), Some(r[j].clone())], input, span)?;
        if truthy(swap.as_ref()) {
            out.push(r[j].clone());
            j += 1;
        } else {
            out.push(l[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&l[i..]);
    out.extend_from_slice(&r[j..]);
    Ok(out)
}

fn expand_replacement(r: &str, matched: &str, groups: &[Option<String>], out: &mut String) {
    let chars: Vec<char> = r.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n == '$' {
                out.push('$');
                i += 2;
                continue;
            }
            if n.is_ascii_digit() {
                // take the longest group number that exists
                let mut j = i + 1;
                let mut val = 0usize;
                let mut best: Option<(usize, usize)> = None;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    val = val * 10 + chars[j].to_digit(10).unwrap_or(0) as usize;
                    if val > groups.len() {
                        // More digits only make it larger (and would overflow).
                        break;
                    }
                    best = Some((val, j + 1));
                    j += 1;
                }
                match best {
                    Some((0, end)) => {
                        out.push_str(matched);
                        i = end;
                    }
                    Some((g, end)) => {
                        out.push_str(groups[g - 1].as_deref().unwrap_or(""));
                        i = end;
                    }
                    None => {
                        i += 2;
                    }
                }
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
}

fn parse_number(t: &str) -> Option<f64> {
    let t = t.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let radix =
        |p: &str, r: u32| -> Option<f64> { u64::from_str_radix(p, r).ok().map(|v| v as f64) };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        radix(h, 16)?
    } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        radix(o, 8)?
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        radix(b, 2)?
    } else {
        // JSON number grammar
        let bytes = body.as_bytes();
        let mut i = 0;
        if i < bytes.len() && bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            return None;
        }
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let s0 = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == s0 {
                return None;
            }
        }
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            i += 1;
            if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
                i += 1;
            }
            let s0 = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == s0 {
                return None;
            }
        }
        if i != bytes.len() {
            return None;
        }
        body.parse().ok()?
    };
    let v = if neg { -v } else { v };
    v.is_finite().then_some(v)
}

fn percent_decode(s: &str, reserved: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            let b = u8::from_str_radix(hex, 16).ok()?;
            if b < 0x80 && reserved.contains(b as char) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(b);
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The most bytes a parsed value takes for each byte of its JSON text: a node of
/// `serde_json` for each two bytes (`1,`).
const PARSED_SIZE: usize = std::mem::size_of::<serde_json::Value>() / 2;

/// The most items `$range` gives before AWS's evaluation memory limit fails it.
const RANGE_MEMORY_LIMIT: f64 = 360_145.0;

/// The first `nextDouble()` of `java.util.Random` seeded with `seed`: a 48-bit linear
/// congruential generator, two draws of 26 and 27 bits.
fn java_random_double(seed: i64) -> f64 {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| {
        state = state.wrapping_mul(MULTIPLIER).wrapping_add(0xB) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// A matcher function for `ch`, as a user would write one, bound to `$find`.
    const FIND: &str = "$find := function($ch) {(
        $m := function($str, $offset) {(
            $before := $substringBefore($str, $ch);
            $start := $length($before) + $offset;
            $before != $str ? {
                'match': $ch, 'start': $start, 'end': $start + $length($ch), 'groups': [],
                'next': function() { $m($substringAfter($str, $ch), $start + $length($ch)) }
            }
        )};
        function($str) { $m($str, 0) }
    )};";

    fn eval(expr: &str) -> Result<Option<serde_json::Value>, String> {
        let opts = super::super::EvalOptions::default();
        super::super::evaluate_str(
            &format!("({FIND} {expr})"),
            None,
            &Default::default(),
            &opts,
        )
        .map_err(|e| e.code.to_string())
    }

    #[test]
    fn a_long_group_number_in_a_replacement_is_the_longest_group_then_digits() {
        // Found by fuzzing: the digits after `$` overflowed the group number.
        let many_ones = "1".repeat(40);
        assert_eq!(
            eval(&format!("$replace('ab cd', /(\\w)\\w/, '${many_ones}')")),
            Ok(Some(json!(format!(
                "a{} c{}",
                &many_ones[1..],
                &many_ones[1..]
            ))))
        );
    }

    #[test]
    fn infinity_is_a_value_until_it_is_used_as_a_number_or_written_as_json() {
        // As jsonata-js: `1/0` is Infinity; arithmetic on it, negating it, writing it in
        // JSON or returning it is D1001; `$string` of it is D3001; comparing it is fine.
        assert_eq!(eval("1/0"), Err("D1001".to_string()));
        assert_eq!(eval("1/0 + 1"), Err("D1001".to_string()));
        assert_eq!(eval("1/(10e300 * 10e100)"), Err("D1001".to_string()));
        assert_eq!(eval("-(1/0)"), Err("D1001".to_string()));
        assert_eq!(eval("{'a': [1, 1/0]}"), Err("D1001".to_string()));
        assert_eq!(eval("$string(1/0)"), Err("D3001".to_string()));
        assert_eq!(eval("$string({'inf': 1/0})"), Err("D1001".to_string()));
        assert_eq!(eval("'x' & [1/0]"), Err("D1001".to_string()));
        // NaN is not a number to arithmetic, and null in JSON text.
        assert_eq!(eval("'x' & [0/0]"), Ok(Some(json!("x[null]"))));
        assert_eq!(eval("0/0 + 1"), Err("T2001".to_string()));
        assert_eq!(eval("1 - 0/0"), Err("T2002".to_string()));
        assert_eq!(eval("-(0/0)"), Err("D1002".to_string()));
        assert_eq!(eval("$string(0/0)"), Err("D3001".to_string()));
        assert_eq!(eval("1/0 > 5"), Ok(Some(json!(true))));
        assert_eq!(eval("$exists(1/0)"), Ok(Some(json!(true))));
    }

    #[test]
    fn strings_past_the_limit_are_an_error_not_an_abort() {
        // Each would allocate far more than MAX_STRING.
        assert_eq!(eval("$pad('x', 1e18)"), Err("D1001".to_string()));
        assert_eq!(eval("$pad('x', -1e12, '€')"), Err("D1001".to_string()));
        assert_eq!(
            eval("$join($map([1..1000000], function($v) { '' }), $pad('', 1000))"),
            Err("D1001".to_string())
        );
        // Below it, as before.
        assert_eq!(eval("$pad('x', 3, '-')"), Ok(Some(json!("x--"))));
        assert_eq!(eval("$join(['a', 'b'], '--')"), Ok(Some(json!("a--b"))));
    }

    #[test]
    fn matcher_functions_stand_for_regexes() {
        assert_eq!(
            eval("$match('abracadabra', $find('a'), 3).index"),
            Ok(Some(json!([0, 3, 5])))
        );
        assert_eq!(
            eval("$split('a-b-c', $find('-'))"),
            Ok(Some(json!(["a", "b", "c"])))
        );
        assert_eq!(
            eval("$split('a-b-c', $find('-'), 2)"),
            Ok(Some(json!(["a", "b"])))
        );
        assert_eq!(eval("$contains('a-b', $find('-'))"), Ok(Some(json!(true))));
        assert_eq!(eval("$contains('ab', $find('-'))"), Ok(Some(json!(false))));
        assert_eq!(
            eval("$replace('a-b-c', $find('-'), '+', 1)"),
            Ok(Some(json!("a+b-c")))
        );
    }

    #[test]
    fn matcher_functions_must_give_match_objects() {
        assert_eq!(eval("$split('some text', $uppercase)"), Err("T1010".into()));
        assert_eq!(
            eval("$contains('x', function($s) { 5 })"),
            Err("T1010".into())
        );
        assert_eq!(
            eval("$match('x', function($s) { {'start': 0, 'next': 1} })[0].index"),
            Ok(Some(json!(0)))
        );
    }

    #[test]
    fn misbehaving_matchers_end() {
        // A `next` that always gives the same match stops after one match per place.
        let again = "$again := function($s) { {'match': 'b', 'start': 1, 'end': 2, 'groups': [],
            'next': function() { $again($s) }} };";
        assert_eq!(
            eval(&format!("{again} $count($match('abc', $again))")),
            Ok(Some(json!(4)))
        );
        // Matches that go backwards or past the end are clamped, not sliced wrongly.
        let back = "$back := function($s) { {'match': 'x', 'start': 9, 'end': 99, 'groups': [],
            'next': function() { {'match': 'x', 'start': -3, 'end': 1, 'groups': []} }} };";
        assert_eq!(
            eval(&format!("{back} $split('héllo', $back)")),
            Ok(Some(json!(["héllo", "", ""])))
        );
        assert_eq!(
            eval(&format!("{back} $replace('héllo', $back, '+')")),
            Ok(Some(json!("héllo++")))
        );
    }
}
