//! Sub-languages that live inside ASL strings: the JSONPath dialect of Step Functions
//! ([`jsonpath`]), intrinsic functions ([`intrinsic`]) and JSONata ([`jsonata`]).
//!
//! Everything here is a pure function of strings and `serde_json` values: no knowledge of
//! the state-machine model, no I/O. Parsers report [`ExprError`]s whose spans are byte
//! ranges into the *decoded* string value (the caller maps them into the document).
//! Evaluators report [`EvalError`]s shaped like the errors AWS Step Functions raises at
//! run time (`States.Runtime` plus a cause text).

pub mod digest;
pub mod intrinsic;
pub mod jsonata;
pub mod jsonpath;
pub mod timestamp;

use std::fmt;

pub use crate::syntax::TextRange;

/// A syntax or validation error inside an expression string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Byte range in the decoded string value.
    pub span: TextRange,
    /// A sentence a person understands, e.g. "unexpected `]` at offset 4".
    pub message: String,
    /// Text that would replace the characters at `span` to correct the error, when
    /// one correction is clearly meant (a misspelled function name).
    pub suggestion: Option<String>,
}

impl ExprError {
    pub fn new(span: TextRange, message: impl Into<String>) -> Self {
        ExprError {
            span,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {:?})", self.message, self.span)
    }
}

impl std::error::Error for ExprError {}

/// What went wrong at evaluation time, for callers that want to rephrase the cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// A path selected nothing (or walked through a missing property).
    PathNotFound,
    /// A value had the wrong JSON type for the operation.
    Type,
    /// An argument was out of range or otherwise invalid for an intrinsic.
    InvalidArgument,
    /// A service limit was exceeded (ArrayRange size, Base64/Hash input length...).
    Limit,
    /// The expression itself could not be parsed (a definition error caught late).
    Syntax,
}

/// A run-time error, with the error name AWS reports (always `States.Runtime` for path
/// and intrinsic failures) and a cause text. The simulator adds the
/// `An error occurred while executing the state '…'` prefix itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub error: String,
    pub cause: String,
    pub kind: EvalErrorKind,
}

/// The error name AWS uses for every path/intrinsic/ResultPath failure.
pub const STATES_RUNTIME: &str = "States.Runtime";

impl EvalError {
    pub fn runtime(kind: EvalErrorKind, cause: impl Into<String>) -> Self {
        EvalError {
            error: STATES_RUNTIME.to_string(),
            cause: cause.into(),
            kind,
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for EvalError {}

/// One SplitMix64 step as a pure function: the output for state `z` (the next state
/// adds the golden-ratio increment). The simulator draws its random numbers with it.
pub fn splitmix64(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The JSON type name AWS uses in messages: `null`, `boolean`, `number`, `string`,
/// `array` or `object`.
pub fn json_type_name(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Deep JSON equality in which numbers compare by value (`1` equals `1.0`), as the
/// JSONPath filters, `States.ArrayContains`/`ArrayUnique` and Choice rules need.
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// What a `.$` value (or an `ErrorPath`/`CausePath`) holds.
#[derive(Clone, Debug, PartialEq)]
pub enum DollarValue {
    /// A JSONPath (`$...`, `$$...` or `$var...`).
    Path(jsonpath::Path),
    /// An intrinsic function call such as `States.Format('{}', $.a)`.
    Intrinsic(intrinsic::Call),
}

impl DollarValue {
    /// The JSONata expression that computes the same value, with `$` standing for
    /// `root` (`$$` becomes `$states.context`). `None` where JSONata has no simple equal
    /// (a filter or wildcard, an intrinsic function that differs at the edges).
    pub fn to_jsonata_from(&self, root: &str) -> Option<String> {
        match self {
            DollarValue::Path(path) => path.to_jsonata_from(root),
            DollarValue::Intrinsic(call) => call.to_jsonata_from(root),
        }
    }
}

/// Which of the two sub-languages a `.$` string is written in, without parsing it fully:
/// strings starting with `$` are paths, everything else is treated as an intrinsic call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DollarKind {
    Path,
    Intrinsic,
}

/// Classify a `.$` value: a path if it starts with `$`, otherwise an intrinsic call
/// (which AWS requires it to be; [`parse_dollar_value`] reports if it is not).
pub fn classify_dollar_value(s: &str) -> DollarKind {
    if s.starts_with('$') {
        DollarKind::Path
    } else {
        DollarKind::Intrinsic
    }
}

/// Parse a `.$` value as a JSONPath or an intrinsic call. The errors include
/// intrinsic validation (unknown function, arity, literal argument types).
pub fn parse_dollar_value(s: &str) -> Result<DollarValue, Vec<ExprError>> {
    match classify_dollar_value(s) {
        DollarKind::Path => jsonpath::parse(s)
            .map(DollarValue::Path)
            .map_err(|e| vec![e]),
        DollarKind::Intrinsic => {
            if !intrinsic::is_intrinsic(s) {
                // A call that was begun (`States.Format('{}', $.id`): say what is wrong
                // with it rather than that it is no call.
                if intrinsic::begins_call(s)
                    && let Err(e) = intrinsic::parse(s)
                {
                    return Err(vec![e]);
                }
                let trimmed = s.trim_start();
                let start = (s.len() - trimmed.len()) as u32;
                return Err(vec![ExprError::new(
                    TextRange::new(start, s.len() as u32),
                    "expected a JSONPath starting with `$` or an intrinsic function call such as `States.Format(...)`",
                )]);
            }
            let call = intrinsic::parse(s).map_err(|e| vec![e])?;
            let errors = intrinsic::validate(&call);
            if errors.is_empty() {
                Ok(DollarValue::Intrinsic(call))
            } else {
                Err(errors)
            }
        }
    }
}

/// Compact JSON text (no spaces), as AWS prints values in causes and `JsonToString`.
pub(crate) fn compact_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Edit distance (for did-you-mean suggestions), on chars, case-insensitive
/// ([`char_distance`]).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    char_distance(&a, &b, &mut DistanceRows::default())
}

/// The three rows of the distance table that [`char_distance`] keeps, reused across
/// calls.
#[derive(Default)]
pub(crate) struct DistanceRows {
    before: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

/// The edit distance of two strings of characters: insertions, deletions,
/// substitutions and swaps of two neighbours (`emial` is one edit from `email`), each
/// counting one (the optimal-string-alignment distance).
pub(crate) fn char_distance(a: &[char], b: &[char], rows: &mut DistanceRows) -> usize {
    let DistanceRows { before, prev, cur } = rows;
    before.clear();
    before.resize(b.len() + 1, 0);
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let mut d = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    prev[b.len()]
}

/// [`char_distance`] when it is at most `max`, else `None`, in time proportional to
/// the length times `max` rather than to the product of the lengths: only the cells
/// within `max` of the table's diagonal can lead to a distance of `max` or less (each
/// step off it costs an edit), and the rows stop once none of them is within reach.
/// Two 2,000-character names no longer cost four million cells each.
pub(crate) fn char_distance_within(
    a: &[char],
    b: &[char],
    max: usize,
    rows: &mut DistanceRows,
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Beyond reach: any value above `max` does (and adding one cannot overflow).
    let far = max + 2;
    let DistanceRows { before, prev, cur } = rows;
    before.clear();
    before.resize(b.len() + 1, far);
    prev.clear();
    prev.extend((0..=b.len()).map(|j| j.min(far)));
    cur.clear();
    cur.resize(b.len() + 1, far);
    // The smallest value of the row `prev` holds (row 0 starts at 0).
    let mut before_min: usize = 0;
    for (i, &ca) in a.iter().enumerate() {
        // Row i + 1 of the table: the columns within `max` of its diagonal.
        let lo = (i + 1).saturating_sub(max).max(1);
        let hi = (i + 1 + max).min(b.len());
        cur[lo - 1] = if lo == 1 { (i + 1).min(far) } else { far };
        let mut row_min = cur[lo - 1];
        for j in lo - 1..hi {
            let cb = b[j];
            let mut d = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                d = d.min(before[j - 1] + 1);
            }
            let d = d.min(far);
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        // The next row reads one column further right: out of this row's band.
        if hi < b.len() {
            cur[hi + 1] = far;
        }
        // Every way to the end goes through this row, or jumps over it from the row
        // before (a swap, one edit).
        if row_min > max && before_min.saturating_add(1) > max {
            return None;
        }
        before_min = row_min;
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bounded_distance_agrees_with_the_full_one() {
        // Every string of up to four letters of `abc`, against every other.
        let mut words: Vec<Vec<char>> = vec![Vec::new()];
        let mut last = words.clone();
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|w| {
                    "abc".chars().map(move |c| {
                        let mut w = w.clone();
                        w.push(c);
                        w
                    })
                })
                .collect();
            words.extend(last.iter().cloned());
        }
        let mut rows = DistanceRows::default();
        let mut full_rows = DistanceRows::default();
        for a in &words {
            for b in &words {
                let full = char_distance(a, b, &mut full_rows);
                for max in 0..5 {
                    assert_eq!(
                        char_distance_within(a, b, max, &mut rows),
                        (full <= max).then_some(full),
                        "{a:?} {b:?} {max}"
                    );
                }
            }
        }
        // Long strings: one change near each end.
        let a: Vec<char> = "n".repeat(3000).chars().collect();
        let mut b = a.clone();
        b[1] = 'x';
        b.push('y');
        assert_eq!(char_distance_within(&a, &b, 4, &mut rows), Some(2));
        assert_eq!(char_distance_within(&a, &b, 1, &mut rows), None);
    }

    #[test]
    fn classify_paths_and_intrinsics() {
        assert_eq!(classify_dollar_value("$.a"), DollarKind::Path);
        assert_eq!(classify_dollar_value("$$.Execution.Id"), DollarKind::Path);
        assert_eq!(classify_dollar_value("$var"), DollarKind::Path);
        assert_eq!(
            classify_dollar_value("States.UUID()"),
            DollarKind::Intrinsic
        );
    }

    #[test]
    fn parse_dollar_value_reports_garbage() {
        let errs = parse_dollar_value("hello").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].span, TextRange::new(0, 5));
        assert!(errs[0].message.starts_with("expected a JSONPath"));
        assert!(matches!(
            parse_dollar_value("States.Array(1)"),
            Ok(DollarValue::Intrinsic(_))
        ));
        assert!(matches!(
            parse_dollar_value("$.a[0]"),
            Ok(DollarValue::Path(_))
        ));
        // A call that was begun and not closed says so.
        let errs = parse_dollar_value("States.Format('{}', $.id").unwrap_err();
        assert_eq!(
            errs[0].message,
            "unclosed call to `States.Format`: expected `)`"
        );
        let errs = parse_dollar_value("States.MathAdd(1)").unwrap_err();
        assert_eq!(
            errs[0].message,
            "`States.MathAdd` takes 2 arguments but 1 was given"
        );
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("States.Fromat", "States.Format"), 1);
        assert_eq!(edit_distance("abc", "ABC"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn in_bounds(span: TextRange, len: usize) -> bool {
        span.start <= span.end && span.end as usize <= len
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any string: parsing never panics, and error spans lie inside the text.
        #[test]
        fn path_parser_is_total(s in "\\$[\\PC]{0,30}") {
            match jsonpath::parse(&s) {
                Ok(p) => {
                    prop_assert!(in_bounds(p.span, s.len()));
                    for seg in &p.segments {
                        prop_assert!(in_bounds(seg.span, s.len()));
                    }
                    let input = json!({"a": [1, {"b": [2, 3]}], "c": {"d": null}});
                    let _ = jsonpath::evaluate(&p, &input, &input, &serde_json::Map::new());
                    for e in jsonpath::validate(&p, jsonpath::PathContext::ResultPath) {
                        prop_assert!(in_bounds(e.span, s.len()));
                    }
                }
                Err(e) => prop_assert!(in_bounds(e.span, s.len()), "{:?} {}", e, s),
            }
        }

        /// Strings built from the path alphabet exercise the grammar more deeply.
        #[test]
        fn path_parser_grammar_soup(s in "\\$[\\$.\\[\\]'\"*?@()=<>!&|,:0-9a-c -]{0,24}") {
            if let Err(e) = jsonpath::parse(&s) {
                prop_assert!(in_bounds(e.span, s.len()), "{:?} {}", e, s);
            }
        }

        #[test]
        fn intrinsic_parser_is_total(s in "States\\.[A-Za-z]{0,12}\\([\\$.\\[\\]'\\\\{}(),a-z0-9 -]{0,30}") {
            match intrinsic::parse(&s) {
                Ok(call) => {
                    prop_assert!(in_bounds(call.span, s.len()));
                    for e in intrinsic::validate(&call) {
                        prop_assert!(in_bounds(e.span, s.len()), "{:?} {}", e, s);
                    }
                }
                Err(e) => prop_assert!(in_bounds(e.span, s.len()), "{:?} {}", e, s),
            }
        }
    }
}
