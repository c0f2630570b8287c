//! Choice comparison operators (JSONPath mode). A type mismatch is `false`, never an error.

use std::cmp::Ordering;

use serde_json::Value;

use super::time::parse_rfc3339;

fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    let (Value::Number(x), Value::Number(y)) = (a, b) else {
        return None;
    };
    if let (Some(p), Some(q)) = (x.as_i64(), y.as_i64()) {
        return Some(p.cmp(&q));
    }
    x.as_f64()?.partial_cmp(&y.as_f64()?)
}

/// Strings compare as Java's `String.compareTo` does (the Choice state's documented
/// rule): by UTF-16 code units, which orders a character above U+FFFF (a surrogate pair,
/// 0xD800..) before U+E000..U+FFFF, unlike an order by code points. JSONata's `<` does
/// the same.
fn str_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) if x.is_ascii() || y.is_ascii() => {
            // Equal to the UTF-16 order whenever one side is ASCII.
            Some(x.as_str().cmp(y.as_str()))
        }
        (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
        _ => None,
    }
}

fn ts_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    let x = parse_rfc3339(a.as_str()?)?;
    let y = parse_rfc3339(b.as_str()?)?;
    Some(x.cmp(&y))
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literals.
pub(crate) fn string_matches(value: &str, pattern: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Ch(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(e) => toks.push(Tok::Ch(e)),
                None => toks.push(Tok::Ch('\\')),
            },
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Ch(c)),
        }
    }
    let s: Vec<char> = value.chars().collect();
    // Iterative glob matching with backtracking to the last star.
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < toks.len() {
            match toks[pi] {
                Tok::Star => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                Tok::Ch(c) if c == s[si] => {
                    si += 1;
                    pi += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    toks[pi..].iter().all(|t| *t == Tok::Star)
}

fn is_timestamp(v: &Value) -> bool {
    v.as_str().and_then(parse_rfc3339).is_some()
}

/// A comparison operator of a Choice data-test rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "StringEquals" => Op::StringEquals,
            "StringLessThan" => Op::StringLessThan,
            "StringGreaterThan" => Op::StringGreaterThan,
            "StringLessThanEquals" => Op::StringLessThanEquals,
            "StringGreaterThanEquals" => Op::StringGreaterThanEquals,
            "StringMatches" => Op::StringMatches,
            "NumericEquals" => Op::NumericEquals,
            "NumericLessThan" => Op::NumericLessThan,
            "NumericGreaterThan" => Op::NumericGreaterThan,
            "NumericLessThanEquals" => Op::NumericLessThanEquals,
            "NumericGreaterThanEquals" => Op::NumericGreaterThanEquals,
            "BooleanEquals" => Op::BooleanEquals,
            "TimestampEquals" => Op::TimestampEquals,
            "TimestampLessThan" => Op::TimestampLessThan,
            "TimestampGreaterThan" => Op::TimestampGreaterThan,
            "TimestampLessThanEquals" => Op::TimestampLessThanEquals,
            "TimestampGreaterThanEquals" => Op::TimestampGreaterThanEquals,
            "IsNull" => Op::IsNull,
            "IsPresent" => Op::IsPresent,
            "IsNumeric" => Op::IsNumeric,
            "IsString" => Op::IsString,
            "IsBoolean" => Op::IsBoolean,
            "IsTimestamp" => Op::IsTimestamp,
            _ => return None,
        })
    }
}

pub(crate) fn compare(op: Op, v: &Value, rhs: &Value) -> bool {
    use Ordering::*;
    let want = |b: bool| rhs.as_bool().map_or(b, |w| w == b);
    match op {
        Op::StringEquals => str_cmp(v, rhs) == Some(Equal),
        Op::StringLessThan => str_cmp(v, rhs) == Some(Less),
        Op::StringGreaterThan => str_cmp(v, rhs) == Some(Greater),
        Op::StringLessThanEquals => matches!(str_cmp(v, rhs), Some(Less | Equal)),
        Op::StringGreaterThanEquals => matches!(str_cmp(v, rhs), Some(Greater | Equal)),
        Op::StringMatches => match (v, rhs) {
            (Value::String(s), Value::String(p)) => string_matches(s, p),
            _ => false,
        },
        Op::NumericEquals => num_cmp(v, rhs) == Some(Equal),
        Op::NumericLessThan => num_cmp(v, rhs) == Some(Less),
        Op::NumericGreaterThan => num_cmp(v, rhs) == Some(Greater),
        Op::NumericLessThanEquals => matches!(num_cmp(v, rhs), Some(Less | Equal)),
        Op::NumericGreaterThanEquals => matches!(num_cmp(v, rhs), Some(Greater | Equal)),
        Op::BooleanEquals => matches!((v, rhs), (Value::Bool(a), Value::Bool(b)) if a == b),
        Op::TimestampEquals => ts_cmp(v, rhs) == Some(Equal),
        Op::TimestampLessThan => ts_cmp(v, rhs) == Some(Less),
        Op::TimestampGreaterThan => ts_cmp(v, rhs) == Some(Greater),
        Op::TimestampLessThanEquals => matches!(ts_cmp(v, rhs), Some(Less | Equal)),
        Op::TimestampGreaterThanEquals => matches!(ts_cmp(v, rhs), Some(Greater | Equal)),
        Op::IsNull => want(v.is_null()),
        Op::IsNumeric => want(v.is_number()),
        Op::IsString => want(v.is_string()),
        Op::IsBoolean => want(v.is_boolean()),
        Op::IsTimestamp => want(is_timestamp(v)),
        Op::IsPresent => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn globs() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("abc", "*"));
        assert!(string_matches("", "*"));
        assert!(!string_matches("abc", "a*d"));
        assert!(string_matches("a*c", r"a\*c"));
        assert!(!string_matches("abc", r"a\*c"));
        assert!(string_matches(r"a\b", r"a\\b"));
        assert!(string_matches("a?[x]", "a?[x]"));
        assert!(!string_matches("ab", "a?"));
        assert!(string_matches("aXbYb", "a*b"));
    }

    #[test]
    fn operators() {
        assert!(compare(Op::NumericEquals, &json!(0), &json!(0.0)));
        assert!(!compare(Op::NumericEquals, &json!("0"), &json!(0)));
        assert!(compare(Op::NumericLessThan, &json!(1), &json!(1.5)));
        assert!(compare(Op::StringLessThan, &json!("a"), &json!("b")));
        // UTF-16 order: U+1F600 (a surrogate pair) sorts before U+FF5A.
        assert!(compare(Op::StringLessThan, &json!("😀"), &json!("ｚ")));
        assert!(compare(Op::StringGreaterThan, &json!("ｚ"), &json!("😀")));
        assert!(compare(Op::StringLessThan, &json!("é"), &json!("😀")));
        assert!(!compare(Op::StringEquals, &json!(null), &json!("x")));
        assert!(compare(Op::BooleanEquals, &json!(false), &json!(false)));
        assert!(compare(
            Op::TimestampEquals,
            &json!("2016-03-14T03:59:00+02:00"),
            &json!("2016-03-14T01:59:00Z")
        ));
        assert!(!compare(
            Op::TimestampEquals,
            &json!("yesterday"),
            &json!("2016-03-14T01:59:00Z")
        ));
        assert!(compare(Op::IsNull, &json!(null), &json!(true)));
        assert!(compare(Op::IsString, &json!(1), &json!(false)));
        assert!(compare(
            Op::IsTimestamp,
            &json!("2016-03-14T01:59:00Z"),
            &json!(true)
        ));
    }
}
