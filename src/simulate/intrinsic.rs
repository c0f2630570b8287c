//! Intrinsic functions (`States.Format(...)` and friends): parsing once at compile time,
//! evaluation with AWS's results (see docs/asl-semantics.md §4).

use serde_json::{Map, Value};

use super::path::Path;
use crate::expr::digest::{base64_decode_until_padding, base64_encode, hex_digest};

const MAX_NESTING: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arg {
    Lit(Value),
    /// A quoted string: its value (escapes resolved) and its text between the quotes,
    /// which States.Format reads itself (`\\{` is a brace, `\\\\{` a backslash and a
    /// placeholder).
    Text {
        value: String,
        raw: String,
    },
    Path(Path),
    Call(Call),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Call {
    pub name: String,
    pub args: Vec<Arg>,
}

/// True when `s` looks like an intrinsic call (`Name(`), not a path.
pub(crate) fn looks_like_call(s: &str) -> bool {
    let t = s.trim_start();
    !t.starts_with('$') && t.contains('(')
}

impl Call {
    pub fn parse(src: &str) -> Result<Call, String> {
        let mut p = Parser { s: src, i: 0 };
        let call = p.call(0)?;
        p.ws();
        if p.i != src.len() {
            return Err(format!("unexpected text after the call at offset {}", p.i));
        }
        Ok(call)
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s[self.i..].starts_with([' ', '\t', '\n', '\r']) {
            self.i += 1;
        }
    }

    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING {
            return Err(format!(
                "intrinsic functions nest more than {MAX_NESTING} deep"
            ));
        }
        self.ws();
        let start = self.i;
        let b = self.s.as_bytes();
        while self.i < b.len()
            && (b[self.i].is_ascii_alphanumeric() || b[self.i] == b'.' || b[self.i] == b'_')
        {
            self.i += 1;
        }
        let name = self.s[start..self.i].to_string();
        if name.is_empty() {
            return Err(format!("expected a function name at offset {start}"));
        }
        self.ws();
        if b.get(self.i) != Some(&b'(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if b.get(self.i) == Some(&b')') {
            self.i += 1;
            return Ok(Call { name, args });
        }
        loop {
            args.push(self.arg(depth)?);
            self.ws();
            match b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    self.i += 1;
                    return Ok(Call { name, args });
                }
                _ => {
                    return Err(format!(
                        "expected ',' or ')' at offset {} in {name}",
                        self.i
                    ));
                }
            }
        }
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        self.ws();
        let rest = &self.s[self.i..];
        let b = rest.as_bytes();
        match b.first() {
            None => Err("unexpected end of the call".into()),
            Some(b'\'') => {
                let mut out = String::new();
                let mut it = rest.char_indices().skip(1);
                while let Some((k, c)) = it.next() {
                    match c {
                        '\\' => match it.next() {
                            Some((_, e @ ('\'' | '{' | '}' | '\\'))) => out.push(e),
                            _ => return Err("an unpaired backslash in a string argument".into()),
                        },
                        '\'' => {
                            let raw = rest[1..k].to_string();
                            self.i += k + 1;
                            return Ok(Arg::Text { value: out, raw });
                        }
                        _ => out.push(c),
                    }
                }
                Err("unterminated string argument".into())
            }
            Some(b'$') => {
                // A path runs to the next top-level ',' or ')'.
                let mut depth_b = 0i32;
                let mut quote: Option<char> = None;
                let mut end = rest.len();
                for (k, c) in rest.char_indices() {
                    match quote {
                        Some(q) => {
                            if c == q {
                                quote = None;
                            }
                        }
                        None => match c {
                            '\'' | '"' => quote = Some(c),
                            '[' | '(' => depth_b += 1,
                            ']' => depth_b -= 1,
                            ')' if depth_b == 0 => {
                                end = k;
                                break;
                            }
                            ')' => depth_b -= 1,
                            ',' if depth_b == 0 => {
                                end = k;
                                break;
                            }
                            _ => {}
                        },
                    }
                }
                let text = rest[..end].trim_end();
                self.i += end;
                Path::parse(text).map(Arg::Path)
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'+' => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                    .unwrap_or(rest.len());
                let text = &rest[..end];
                self.i += end;
                let v: Value = super::parse_json(text.trim_start_matches('+'))
                    .map_err(|_| format!("'{text}' is not a number"))?;
                Ok(Arg::Lit(v))
            }
            _ => {
                for (word, v) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if rest.starts_with(word)
                        && !rest[word.len()..].starts_with(|c: char| {
                            c.is_ascii_alphanumeric() || c == '.' || c == '('
                        })
                    {
                        self.i += word.len();
                        return Ok(Arg::Lit(v));
                    }
                }
                self.call(depth + 1).map(Arg::Call)
            }
        }
    }
}

/// What a call can read while it is evaluated.
pub(crate) trait Resolver {
    fn resolve(&self, path: &Path) -> Result<Value, String>;
    /// A pseudo-random number for MathRandom/UUID (seeded by the engine).
    fn next_random(&self) -> u64;
}

use crate::expr::json_type_name as type_name;

fn as_int(v: &Value, f: &str) -> Result<i64, String> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i)
            } else {
                let x = n.as_f64().unwrap_or(0.0);
                if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    Ok(x as i64)
                } else {
                    Err(format!(
                        "The value '{v}' for the function {f} is not an integer."
                    ))
                }
            }
        }
        _ => Err(format!(
            "The function {f} expects an integer but got a {}.",
            type_name(v)
        )),
    }
}

/// An integer argument that Step Functions rounds to the nearest integer when it is
/// not one (the developer guide says so for ArrayPartition's chunk size, ArrayRange's
/// arguments and MathRandom's start and end), as MathAdd does.
fn as_rounded_int(v: &Value, f: &str) -> Result<i64, String> {
    match v {
        Value::Number(n) if n.as_i64().is_none() => match n.as_f64() {
            Some(x) if x.is_finite() && x.abs() < 9.0e15 => Ok(java_round(x)),
            _ => Err(format!(
                "The value '{v}' for the function {f} is not an integer."
            )),
        },
        _ => as_int(v, f),
    }
}

fn want_str<'v>(v: &'v Value, f: &str) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| {
        format!(
            "The function {f} expects a string but got a {}.",
            type_name(v)
        )
    })
}

fn want_arr<'v>(v: &'v Value, f: &str) -> Result<&'v Vec<Value>, String> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(format!(
            "The function {f} expects an array but got a {}.",
            type_name(v)
        )),
    }
}

fn arity(f: &str, args: &[Value], min: usize, max: usize) -> Result<(), String> {
    if args.len() < min || args.len() > max {
        Err(format!(
            "The function {f} takes {} arguments but got {}.",
            if min == max {
                min.to_string()
            } else {
                format!("{min} to {max}")
            },
            args.len()
        ))
    } else {
        Ok(())
    }
}

/// Renders a value for States.Format: strings raw, containers Java-Map style.
fn format_value(v: &Value, top: bool, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                format_value(x, false, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                format_value(x, false, out);
            }
            out.push('}');
        }
        other => {
            let _ = top;
            out.push_str(&other.to_string())
        }
    }
}

fn java_round(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

pub(crate) fn eval(call: &Call, r: &dyn Resolver) -> Result<Value, String> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(match a {
            Arg::Lit(v) => v.clone(),
            Arg::Text { value, .. } => Value::String(value.clone()),
            Arg::Path(p) => r.resolve(p)?,
            Arg::Call(c) => eval(c, r)?,
        });
    }
    let f = call.name.as_str();
    match f {
        "States.Format" => {
            if args.is_empty() {
                return Err("The function States.Format needs at least one argument.".into());
            }
            let tmpl = want_str(&args[0], f)?;
            // A quoted template is read as written, its escapes with its braces; one
            // from a path is taken as it is.
            let (tmpl, escapes) = match &call.args[0] {
                Arg::Text { raw, .. } => (raw.as_str(), true),
                _ => (tmpl, false),
            };
            let mut out = String::new();
            let mut next = 1;
            let mut chars = tmpl.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if escapes => {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    }
                    '{' if escapes && chars.peek() != Some(&'}') => {
                        return Err(
                            "Invalid template in States.Format: matching '}' not found for '{'."
                                .into(),
                        );
                    }
                    '{' if chars.peek() == Some(&'}') => {
                        chars.next();
                        let Some(v) = args.get(next) else {
                            return Err(format!(
                                "The number of arguments ({}) does not match the number of placeholders in the template of States.Format.",
                                args.len() - 1
                            ));
                        };
                        format_value(v, true, &mut out);
                        next += 1;
                    }
                    _ => out.push(c),
                }
            }
            if next != args.len() {
                return Err(format!(
                    "The number of arguments ({}) does not match the number of placeholders ({}) in the template of States.Format.",
                    args.len() - 1,
                    next - 1
                ));
            }
            Ok(Value::String(out))
        }
        "States.StringToJson" => {
            arity(f, &args, 1, 1)?;
            let s = want_str(&args[0], f)?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            let t = s.trim();
            // As Jackson reads it: `-0` is the integer 0.
            super::parse_json(t)
                .map_err(|e| format!("The function States.StringToJson could not parse '{s}': {e}"))
        }
        "States.JsonToString" => {
            arity(f, &args, 1, 1)?;
            Ok(Value::String(args[0].to_string()))
        }
        "States.Array" => Ok(Value::Array(args)),
        "States.ArrayPartition" => {
            arity(f, &args, 2, 2)?;
            let a = want_arr(&args[0], f)?;
            let n = as_rounded_int(&args[1], f)?;
            if n <= 0 {
                return Err(format!(
                    "The chunk size of States.ArrayPartition must be positive, got {n}."
                ));
            }
            Ok(Value::Array(
                a.chunks(n as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        "States.ArrayContains" => {
            arity(f, &args, 2, 2)?;
            let a = want_arr(&args[0], f)?;
            Ok(Value::Bool(a.iter().any(|x| json_eq(x, &args[1]))))
        }
        "States.ArrayRange" => {
            arity(f, &args, 3, 3)?;
            let (s, e, st) = (
                as_rounded_int(&args[0], f)?,
                as_rounded_int(&args[1], f)?,
                as_rounded_int(&args[2], f)?,
            );
            if st == 0 {
                return Err("The step of States.ArrayRange must not be 0.".into());
            }
            let mut out = Vec::new();
            let mut k = s;
            while (st > 0 && k <= e) || (st < 0 && k >= e) {
                out.push(Value::from(k));
                if out.len() > 1000 {
                    return Err("States.ArrayRange would produce more than 1000 items.".into());
                }
                // The next value past the 64-bit range is past the end too.
                match k.checked_add(st) {
                    Some(next) => k = next,
                    None => break,
                }
            }
            Ok(Value::Array(out))
        }
        "States.ArrayGetItem" => {
            arity(f, &args, 2, 2)?;
            let a = want_arr(&args[0], f)?;
            let i = as_int(&args[1], f)?;
            if i < 0 || i as usize >= a.len() {
                return Err(format!(
                    "The index {i} is out of range for an array of length {}.",
                    a.len()
                ));
            }
            Ok(a[i as usize].clone())
        }
        "States.ArrayLength" => {
            arity(f, &args, 1, 1)?;
            Ok(Value::from(want_arr(&args[0], f)?.len()))
        }
        "States.ArrayUnique" => {
            arity(f, &args, 1, 1)?;
            let a = want_arr(&args[0], f)?;
            let mut out: Vec<Value> = Vec::new();
            for x in a {
                if !out.iter().any(|y| json_eq(x, y)) {
                    out.push(x.clone());
                }
            }
            Ok(Value::Array(out))
        }
        "States.Base64Encode" => {
            arity(f, &args, 1, 1)?;
            let s = want_str(&args[0], f)?;
            if s.chars().count() > 10_000 {
                return Err("The input of States.Base64Encode exceeds 10000 characters.".into());
            }
            Ok(Value::String(base64_encode(s.as_bytes())))
        }
        "States.Base64Decode" => {
            arity(f, &args, 1, 1)?;
            let s = want_str(&args[0], f)?;
            if s.chars().count() > 10_000 {
                return Err("The input of States.Base64Decode exceeds 10000 characters.".into());
            }
            let bytes = base64_decode_until_padding(s)
                .ok_or_else(|| format!("'{s}' is not valid base64."))?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        "States.Hash" => {
            arity(f, &args, 2, 2)?;
            // Only text is hashed, as the other string functions take only text (and
            // ASL302 refuses a literal that is not one).
            let data = want_str(&args[0], f)?;
            if data.chars().count() > 10_000 {
                return Err("The input of States.Hash exceeds 10000 characters.".into());
            }
            let alg = want_str(&args[1], f)?;
            hex_digest(alg, data.as_bytes())
                .map(Value::String)
                .ok_or_else(|| format!("The hash algorithm '{alg}' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512."))
        }
        "States.JsonMerge" => {
            arity(f, &args, 3, 3)?;
            let (Value::Object(a), Value::Object(b)) = (&args[0], &args[1]) else {
                return Err("The function States.JsonMerge expects two objects.".into());
            };
            if args[2] != Value::Bool(false) {
                return Err(
                    "States.JsonMerge supports only a shallow merge (false as the third argument)."
                        .into(),
                );
            }
            let mut out: Map<String, Value> = a.clone();
            for (k, v) in b {
                out.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(out))
        }
        "States.MathRandom" => {
            arity(f, &args, 2, 3)?;
            let (s, e) = (as_rounded_int(&args[0], f)?, as_rounded_int(&args[1], f)?);
            if e < s {
                return Err("The end of States.MathRandom must not be below its start.".into());
            }
            let seed = match args.get(2) {
                Some(v) => splitmix(as_int(v, f)? as u64),
                None => r.next_random(),
            };
            // The start is included and the end is not (the developer guide); an empty
            // range (start = end) gives the start.
            let span = ((e - s) as u64).max(1);
            Ok(Value::from(s + (seed % span) as i64))
        }
        "States.MathAdd" => {
            arity(f, &args, 2, 2)?;
            let mut sum: i64 = 0;
            for a in &args {
                let n = match a {
                    Value::Number(n) => n
                        .as_i64()
                        .unwrap_or_else(|| java_round(n.as_f64().unwrap_or(0.0))),
                    _ => {
                        return Err(format!(
                            "The function States.MathAdd expects numbers but got a {}.",
                            type_name(a)
                        ));
                    }
                };
                sum = sum.checked_add(n).ok_or("States.MathAdd overflowed")?;
            }
            Ok(Value::from(sum))
        }
        "States.StringSplit" => {
            arity(f, &args, 2, 2)?;
            let s = want_str(&args[0], f)?;
            let d = want_str(&args[1], f)?;
            Ok(Value::Array(
                s.split(|c: char| d.contains(c))
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
            ))
        }
        "States.UUID" => {
            arity(f, &args, 0, 0)?;
            let a = r.next_random();
            let b = r.next_random();
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&a.to_be_bytes());
            bytes[8..].copy_from_slice(&b.to_be_bytes());
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            Ok(Value::String(format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )))
        }
        _ => Err(format!(
            "The function {f} is not a known intrinsic function."
        )),
    }
}

pub(crate) use crate::expr::{json_eq, splitmix64 as splitmix};

#[cfg(test)]
mod tests;
