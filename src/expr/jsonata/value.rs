//! Runtime values and number formatting.

/// jsonata-js's D1001: Infinity used as a number, or written as JSON.
pub fn out_of_range(n: f64, span: crate::syntax::TextRange) -> super::JsonataError {
    super::JsonataError::new(
        "D1001",
        format!("Number out of range: {}", format_number(n)),
        span,
    )
}

/// Formats a number the way JavaScript's `Number.prototype.toString` does.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if n == 0.0 {
        return "0".into();
    }
    let sci = format!("{:e}", n);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let k = digits.len() as i32;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-6..21).contains(&exp) {
        if exp >= 0 {
            if k <= exp + 1 {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', (exp + 1 - k) as usize));
            } else {
                out.push_str(&digits[..(exp + 1) as usize]);
                out.push('.');
                out.push_str(&digits[(exp + 1) as usize..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&exp.abs().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_javascript() {
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(-2.5), "-2.5");
        assert_eq!(format_number(1e21), "1e+21");
        assert_eq!(
            format_number(123456789012345680000.0),
            "123456789012345680000"
        );
        assert_eq!(format_number(0.000001), "0.000001");
        assert_eq!(format_number(1e-7), "1e-7");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(1.5e300), "1.5e+300");
    }
}

use super::budget::{Exhausted, Meter};
use super::eval::Func;
use indexmap::IndexMap;
use std::rc::Rc;

/// Flags JSONata attaches to arrays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArrFlags {
    /// A result sequence (collapses to its only item, disappears when empty).
    pub seq: bool,
    /// `[]` was used: keep a singleton sequence as an array.
    pub keep: bool,
    /// Built by an array constructor: not flattened by path steps.
    pub cons: bool,
    /// The top-level input array wrapped as a single item.
    pub outer: bool,
}

pub type Obj = IndexMap<Rc<str>, Val>;

/// A runtime value. `undefined` is `Option::None` around it.
#[derive(Clone, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Arr(Rc<Vec<Val>>, ArrFlags),
    Obj(Rc<Obj>),
    Func(Rc<Func>),
}

impl Val {
    pub fn str(s: &str) -> Val {
        Val::Str(Rc::from(s))
    }
    pub fn array(v: Vec<Val>) -> Val {
        Val::Arr(Rc::new(v), ArrFlags::default())
    }
    pub fn seq(v: Vec<Val>) -> Val {
        Val::Arr(
            Rc::new(v),
            ArrFlags {
                seq: true,
                ..ArrFlags::default()
            },
        )
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Val::Arr(..))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self, Val::Arr(_, f) if f.seq)
    }
    pub fn as_array(&self) -> Option<&Rc<Vec<Val>>> {
        match self {
            Val::Arr(a, _) => Some(a),
            _ => None,
        }
    }
    pub fn flags(&self) -> ArrFlags {
        match self {
            Val::Arr(_, f) => *f,
            _ => ArrFlags::default(),
        }
    }
    pub fn is_func(&self) -> bool {
        matches!(self, Val::Func(_))
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "boolean",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::Arr(..) => "array",
            Val::Obj(_) => "object",
            Val::Func(_) => "function",
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Val {
        match v {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => Val::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Val::str(s),
            serde_json::Value::Array(a) => Val::array(a.iter().map(Val::from_json).collect()),
            serde_json::Value::Object(o) => Val::Obj(Rc::new(
                o.iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Val::from_json(v)))
                    .collect(),
            )),
        }
    }

    /// Converts to JSON. Functions, and Infinity or NaN (which a division by zero or an
    /// overflow leaves), have no JSON form: the first one found is the error.
    pub fn to_json(&self) -> Result<serde_json::Value, NoJson> {
        self.json(false, &mut Meter::default())
    }

    /// [`Val::to_json`], with an Infinity written as the text `"Infinity"` or
    /// `"-Infinity"` (Step Functions' way; NaN still has no JSON form).
    pub fn to_json_infinity_as_text(&self) -> Result<serde_json::Value, NoJson> {
        self.json(true, &mut Meter::default())
    }

    /// [`Val::to_json`] or [`Val::to_json_infinity_as_text`], counting what it builds
    /// against `meter`: a value that holds one array many times is written out as many
    /// times.
    pub(crate) fn to_json_metered(
        &self,
        infinity_as_text: bool,
        meter: &mut Meter,
    ) -> Result<serde_json::Value, NoJson> {
        self.json(infinity_as_text, meter)
    }

    fn json(&self, infinity_as_text: bool, meter: &mut Meter) -> Result<serde_json::Value, NoJson> {
        const NODE: usize = std::mem::size_of::<serde_json::Value>();
        meter.step(1).map_err(NoJson::Limit)?;
        Ok(match self {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Num(n) if infinity_as_text && n.is_infinite() => serde_json::Value::String(
                if *n > 0.0 { "Infinity" } else { "-Infinity" }.to_string(),
            ),
            Val::Num(n) if !n.is_finite() => return Err(NoJson::NonFinite(*n)),
            Val::Num(n) => num_to_json(*n),
            Val::Str(s) => {
                meter.alloc(s.len()).map_err(NoJson::Limit)?;
                serde_json::Value::String(s.to_string())
            }
            Val::Arr(a, _) => {
                meter.alloc(a.len() * NODE).map_err(NoJson::Limit)?;
                serde_json::Value::Array(
                    a.iter()
                        .map(|v| v.json(infinity_as_text, meter))
                        .collect::<Result<Vec<_>, _>>()?,
                )
            }
            Val::Obj(o) => {
                let mut m = serde_json::Map::new();
                for (k, v) in o.iter() {
                    meter.alloc(2 * NODE + k.len()).map_err(NoJson::Limit)?;
                    m.insert(k.to_string(), v.json(infinity_as_text, meter)?);
                }
                serde_json::Value::Object(m)
            }
            Val::Func(_) => return Err(NoJson::Function),
        })
    }
}

/// What keeps a value from having a JSON form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NoJson {
    Function,
    NonFinite(f64),
    /// Writing it out would exceed the evaluation's budget.
    Limit(Exhausted),
}

impl NoJson {
    /// The JSONata error a result that cannot be JSON gives: jsonata-js's D1001 for a
    /// number out of range.
    pub fn error(self, span: crate::syntax::TextRange) -> super::JsonataError {
        match self {
            NoJson::Function => super::JsonataError::new(
                "D0001",
                "The expression returned a function, which has no JSON representation",
                span,
            ),
            NoJson::NonFinite(n) => out_of_range(n, span),
            NoJson::Limit(e) => e.error(span),
        }
    }
}

/// Integral numbers become JSON integers (as JavaScript prints them), others floats.
pub fn num_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Deep equality as JSONata's `=` sees it.
pub fn deep_equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Arr(x, _), Val::Arr(y, _)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| deep_equal(a, b))
        }
        (Val::Obj(x), Val::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Val::Func(x), Val::Func(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}
