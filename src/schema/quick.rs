//! A fast verdict of the bundled schema on a syntax tree, without converting it.
//!
//! Validating a 10,000-state definition with the `jsonschema` crate means compiling the
//! schema, converting the whole tree to `serde_json::Value` and walking it (about 300M
//! instructions, most of a lint). This module interprets the same schema
//! (`schemas/asl.schema.json`, read at run time, so it never drifts from it) directly on
//! [`Node`]s. It handles the keywords the schema uses; anything else, and any value it
//! cannot judge exactly the way `jsonschema` does (deploy-time placeholders, floats
//! compared with huge limits, ...), makes the verdict [`Verdict::Unknown`].
//!
//! [`super::validate`] uses it only as a fast path: on [`Verdict::Valid`] there is
//! nothing to report, which is what `jsonschema` would say; otherwise the `jsonschema`
//! validator runs as before and maps its errors to findings. Tests check that a
//! `Valid` or `Invalid` verdict always agrees with `jsonschema::Validator::is_valid`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as J;

use crate::syntax::{Member, Node, Value};

/// What the schema says about a tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    /// Not decided here; ask the `jsonschema` validator.
    Unknown,
}

use Verdict::{Invalid, Unknown, Valid};

impl Verdict {
    fn from_bool(b: bool) -> Verdict {
        if b { Valid } else { Invalid }
    }
}

/// JSON types as a bit set.
const T_NULL: u8 = 1;
const T_BOOL: u8 = 2;
const T_OBJECT: u8 = 4;
const T_ARRAY: u8 = 8;
const T_NUMBER: u8 = 16;
const T_INTEGER: u8 = 32;
const T_STRING: u8 = 64;

/// A `pattern` the schema uses.
enum Pattern {
    /// `^\$`: starts with a dollar sign.
    Dollar,
    /// `^\{%[\s\S]*%\}$`: a whole JSONata expression.
    Jsonata,
    /// Anything else: asked of a one-keyword `jsonschema` validator, so the regular
    /// expression dialect is exactly the crate's.
    Other(String, OnceLock<Option<jsonschema::Validator>>),
}

enum Additional {
    Any,
    Never,
    Schema(usize),
}

/// One keyword of a compiled schema.
enum Keyword {
    Ref(usize),
    Types(u8),
    Const(J),
    Enum(Vec<J>),
    Required(Vec<Box<str>>),
    /// `properties` (sorted by [`property_order`]) with `additionalProperties`.
    Members(Vec<(Box<str>, usize)>, Additional),
    Items(usize),
    MinItems(u64),
    Length(Option<u64>, Option<u64>),
    Pattern(Pattern),
    /// `format: date-time`, asked of a one-keyword `jsonschema` validator (compiled on
    /// first use) so the check is exactly the crate's.
    DateTime,
    Minimum(serde_json::Number),
    Maximum(serde_json::Number),
    If(usize, Option<usize>, Option<usize>),
    /// An `allOf` of `{"if": {"properties": {K: {"const": V}}, "required": [K]},
    /// "then": S}` with one key K (the per-`Type` dispatch of the schema): the key is
    /// looked up once.
    Dispatch(Box<str>, Vec<(J, usize)>),
    AllOf(Vec<usize>),
    AnyOf(Vec<usize>),
    Not(usize),
}

/// One compiled schema.
enum Schema {
    /// `true`, `{}` or only annotations.
    Always,
    /// `false`.
    Never,
    /// A keyword this module does not interpret.
    Unsupported,
    Keywords(Vec<Keyword>),
}

/// The compiled schema: every sub-schema in an arena.
pub struct Quick {
    schemas: Vec<Schema>,
    root: usize,
    /// Keywords met that this module does not interpret (for tests).
    pub unsupported: Vec<String>,
}

/// Keywords that never constrain a value.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "$schema",
    "$id",
    "$comment",
    "examples",
    "default",
    "markdownDescription",
    "deprecated",
    "$defs",
];

/// The key and value of an `if` that only tests `{"properties": {K: {"const": V}},
/// "required": [K]}` (annotations aside).
fn const_test(v: &J) -> Option<(&str, &J)> {
    let map = v.as_object()?;
    let mut key = None;
    let mut value = None;
    let mut required = None;
    for (k, x) in map {
        match k.as_str() {
            "properties" => {
                let props = x.as_object()?;
                if props.len() != 1 {
                    return None;
                }
                let (name, schema) = props.iter().next()?;
                let schema = schema.as_object()?;
                for (sk, sv) in schema {
                    match sk.as_str() {
                        "const" => value = Some(sv),
                        a if ANNOTATIONS.contains(&a) => {}
                        _ => return None,
                    }
                }
                key = Some(name.as_str());
            }
            "required" => match x.as_array()?.as_slice() {
                [J::String(r)] => required = Some(r.as_str()),
                _ => return None,
            },
            a if ANNOTATIONS.contains(&a) => {}
            _ => return None,
        }
    }
    match (key, value, required) {
        (Some(k), Some(v), Some(r)) if k == r => Some((k, v)),
        _ => None,
    }
}

/// The dispatch an `allOf` list is, if it is one (see [`Keyword::Dispatch`]).
fn dispatch(list: &[J]) -> Option<(&str, Vec<(&J, &J)>)> {
    let mut key: Option<&str> = None;
    let mut cases = Vec::new();
    for item in list {
        let map = item.as_object()?;
        let (mut test, mut then) = (None, None);
        for (k, x) in map {
            match k.as_str() {
                "if" => test = Some(const_test(x)?),
                "then" => then = Some(x),
                a if ANNOTATIONS.contains(&a) => {}
                _ => return None,
            }
        }
        let ((k, v), then) = (test?, then?);
        if key.is_some_and(|key| key != k) {
            return None;
        }
        key = Some(k);
        cases.push((v, then));
    }
    Some((key?, cases))
}

impl Quick {
    /// Compiles `schema` (a JSON Schema 2020-12 document whose references are all
    /// `#/$defs/...`).
    pub fn new(schema: &J) -> Quick {
        let mut q = Quick {
            schemas: Vec::new(),
            root: 0,
            unsupported: Vec::new(),
        };
        let mut defs: HashMap<String, usize> = HashMap::new();
        // Reserve a slot per definition first, so references can point at them.
        if let Some(J::Object(map)) = schema.get("$defs") {
            for name in map.keys() {
                defs.insert(name.clone(), q.schemas.len());
                q.schemas.push(Schema::Always);
            }
            for (name, def) in map {
                let slot = defs[name];
                let compiled = q.compile(def, &defs);
                q.schemas[slot] = compiled;
            }
        }
        let root = q.compile(schema, &defs);
        q.root = q.push(root);
        q
    }

    fn push(&mut self, s: Schema) -> usize {
        self.schemas.push(s);
        self.schemas.len() - 1
    }

    fn sub(&mut self, v: &J, defs: &HashMap<String, usize>) -> usize {
        let s = self.compile(v, defs);
        self.push(s)
    }

    fn compile(&mut self, v: &J, defs: &HashMap<String, usize>) -> Schema {
        let map = match v {
            J::Bool(true) => return Schema::Always,
            J::Bool(false) => return Schema::Never,
            J::Object(map) => map,
            _ => {
                self.unsupported.push(format!("schema {v}"));
                return Schema::Unsupported;
            }
        };
        let mut out: Vec<Keyword> = Vec::new();
        let mut properties: Option<Vec<(Box<str>, usize)>> = None;
        let mut additional = Additional::Any;
        let (mut min_length, mut max_length) = (None, None);
        let mut unsupported = false;
        for (key, value) in map {
            if ANNOTATIONS.contains(&key.as_str()) {
                continue;
            }
            let keyword = match (key.as_str(), value) {
                ("type", J::String(t)) => type_bit(t).map(Keyword::Types),
                ("type", J::Array(ts)) => ts
                    .iter()
                    .map(|t| t.as_str().and_then(type_bit))
                    .try_fold(0u8, |bits, b| Some(bits | b?))
                    .map(Keyword::Types),
                ("properties", J::Object(props)) => {
                    let mut list: Vec<(Box<str>, usize)> = props
                        .iter()
                        .map(|(name, p)| (name.as_str().into(), self.sub(p, defs)))
                        .collect();
                    list.sort_by(|a, b| property_order(&a.0, &b.0));
                    properties = Some(list);
                    continue;
                }
                ("additionalProperties", J::Bool(b)) => {
                    additional = if *b {
                        Additional::Any
                    } else {
                        Additional::Never
                    };
                    continue;
                }
                ("additionalProperties", p @ J::Object(_)) => {
                    additional = Additional::Schema(self.sub(p, defs));
                    continue;
                }
                ("required", J::Array(names)) => names
                    .iter()
                    .map(|n| n.as_str().map(Box::from))
                    .collect::<Option<Vec<_>>>()
                    .map(Keyword::Required),
                ("const", c) => Some(Keyword::Const(c.clone())),
                ("enum", J::Array(values)) => Some(Keyword::Enum(values.clone())),
                ("if", c) => {
                    let c = self.sub(c, defs);
                    let then = map.get("then").map(|t| self.sub(t, defs));
                    let otherwise = map.get("else").map(|e| self.sub(e, defs));
                    Some(Keyword::If(c, then, otherwise))
                }
                // Without `if`, `then` and `else` are ignored by JSON Schema.
                ("then" | "else", _) => continue,
                ("allOf", J::Array(list)) => Some(match dispatch(list) {
                    Some((key, cases)) => Keyword::Dispatch(
                        key.into(),
                        cases
                            .into_iter()
                            .map(|(v, then)| (v.clone(), self.sub(then, defs)))
                            .collect(),
                    ),
                    None => Keyword::AllOf(list.iter().map(|x| self.sub(x, defs)).collect()),
                }),
                ("anyOf", J::Array(list)) => Some(Keyword::AnyOf(
                    list.iter().map(|x| self.sub(x, defs)).collect(),
                )),
                ("not", x) => Some(Keyword::Not(self.sub(x, defs))),
                ("$ref", J::String(r)) => r
                    .strip_prefix("#/$defs/")
                    .and_then(|n| defs.get(n))
                    .map(|&i| Keyword::Ref(i)),
                ("items", x) => Some(Keyword::Items(self.sub(x, defs))),
                ("minimum", J::Number(n)) => Some(Keyword::Minimum(n.clone())),
                ("maximum", J::Number(n)) => Some(Keyword::Maximum(n.clone())),
                ("minLength", J::Number(n)) if n.as_u64().is_some() => {
                    min_length = n.as_u64();
                    continue;
                }
                ("maxLength", J::Number(n)) if n.as_u64().is_some() => {
                    max_length = n.as_u64();
                    continue;
                }
                ("minItems", J::Number(n)) => n.as_u64().map(Keyword::MinItems),
                ("pattern", J::String(p)) => Some(Keyword::Pattern(match p.as_str() {
                    r"^\$" => Pattern::Dollar,
                    r"^\{%[\s\S]*%\}$" => Pattern::Jsonata,
                    other => Pattern::Other(other.to_string(), OnceLock::new()),
                })),
                ("format", J::String(f)) if f == "date-time" => Some(Keyword::DateTime),
                _ => None,
            };
            match keyword {
                Some(k) => out.push(k),
                None => {
                    self.unsupported.push(format!("{key}: {value}"));
                    unsupported = true;
                }
            }
        }
        if unsupported {
            return Schema::Unsupported;
        }
        if min_length.is_some() || max_length.is_some() {
            out.push(Keyword::Length(min_length, max_length));
        }
        if properties.is_some() || !matches!(additional, Additional::Any) {
            out.push(Keyword::Members(properties.unwrap_or_default(), additional));
        }
        // Cheap keywords first: an early "invalid" skips the rest.
        out.sort_by_key(|k| match k {
            Keyword::Types(_) | Keyword::Const(_) | Keyword::Enum(_) | Keyword::Required(_) => 0,
            Keyword::Ref(_) => 2,
            _ => 1,
        });
        if out.is_empty() {
            Schema::Always
        } else {
            Schema::Keywords(out)
        }
    }

    /// The verdict of the whole schema on `root`.
    pub fn check(&self, root: &Node<'_>) -> Verdict {
        self.eval(self.root, root, 0)
    }

    fn eval(&self, i: usize, node: &Node<'_>, depth: usize) -> Verdict {
        let keywords = match &self.schemas[i] {
            Schema::Always => return Valid,
            Schema::Never => return Invalid,
            Schema::Unsupported => return Unknown,
            Schema::Keywords(k) => k,
        };
        // Deep recursion (nested Parallel branches, Choice rules) is left to the crate.
        // Values only known at deploy time: the crate sees them as strings or objects
        // with other meanings; do not guess.
        if depth > 1024
            || matches!(
                node.value,
                Value::Placeholder(_) | Value::Tagged(_) | Value::Invalid
            )
        {
            return Unknown;
        }
        let depth = depth + 1;
        let mut verdict = Valid;
        for k in keywords {
            let v = match (k, &node.value) {
                (Keyword::Ref(r), _) => self.eval(*r, node, depth),
                (Keyword::Types(t), _) => type_matches(*t, node),
                (Keyword::Const(c), _) => equals(node, c),
                (Keyword::Enum(values), _) => {
                    let mut v = Invalid;
                    for c in values {
                        match equals(node, c) {
                            Valid => {
                                v = Valid;
                                break;
                            }
                            Unknown => v = Unknown,
                            Invalid => {}
                        }
                    }
                    v
                }
                (Keyword::Required(names), Value::Object(members)) => {
                    Verdict::from_bool(names.iter().all(|r| members.iter().any(|m| *m.key == **r)))
                }
                (Keyword::Members(props, additional), Value::Object(members)) => {
                    self.members(props, additional, members, depth)
                }
                (Keyword::Items(each), Value::Array(items)) => {
                    let mut v = Valid;
                    for item in items {
                        match self.eval(*each, item, depth) {
                            Invalid => return Invalid,
                            Unknown => v = Unknown,
                            Valid => {}
                        }
                    }
                    v
                }
                (Keyword::MinItems(min), Value::Array(items)) => {
                    Verdict::from_bool(items.len() as u64 >= *min)
                }
                (Keyword::Length(min, max), Value::String(text)) => {
                    let n = text.chars().count() as u64;
                    Verdict::from_bool(!(min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m)))
                }
                (Keyword::Pattern(p), Value::String(text)) => match p {
                    Pattern::Dollar => Verdict::from_bool(text.starts_with('$')),
                    Pattern::Jsonata => Verdict::from_bool(
                        text.len() >= 4 && text.starts_with("{%") && text.ends_with("%}"),
                    ),
                    Pattern::Other(p, v) => one_keyword(v, "pattern", p, text),
                },
                (Keyword::DateTime, Value::String(text)) => {
                    static DATE_TIME: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
                    one_keyword(&DATE_TIME, "format", "date-time", text)
                }
                (Keyword::Minimum(min), Value::Number(n)) => {
                    compare(n, min).map_or(Unknown, |o| Verdict::from_bool(o.is_ge()))
                }
                (Keyword::Maximum(max), Value::Number(n)) => {
                    compare(n, max).map_or(Unknown, |o| Verdict::from_bool(o.is_le()))
                }
                (Keyword::If(cond, then, otherwise), _) => {
                    let branch = match self.eval(*cond, node, depth) {
                        Valid => then,
                        Invalid => otherwise,
                        Unknown => {
                            verdict = Unknown;
                            continue;
                        }
                    };
                    match branch {
                        Some(b) => self.eval(*b, node, depth),
                        None => Valid,
                    }
                }
                (Keyword::Dispatch(key, cases), _) => self.dispatch(key, cases, node, depth),
                (Keyword::AllOf(list), _) => {
                    let mut v = Valid;
                    for &x in list {
                        match self.eval(x, node, depth) {
                            Invalid => return Invalid,
                            Unknown => v = Unknown,
                            Valid => {}
                        }
                    }
                    v
                }
                (Keyword::AnyOf(list), _) => {
                    let mut v = Invalid;
                    for &x in list {
                        match self.eval(x, node, depth) {
                            Valid => {
                                v = Valid;
                                break;
                            }
                            Unknown => v = Unknown,
                            Invalid => {}
                        }
                    }
                    v
                }
                (Keyword::Not(x), _) => match self.eval(*x, node, depth) {
                    Valid => Invalid,
                    Invalid => Valid,
                    Unknown => Unknown,
                },
                // Keywords about another type of value.
                _ => Valid,
            };
            match v {
                Invalid => return Invalid,
                Unknown => verdict = Unknown,
                Valid => {}
            }
        }
        verdict
    }

    /// [`Keyword::Dispatch`]: the `then` of every case whose `if` holds.
    fn dispatch(&self, key: &str, cases: &[(J, usize)], node: &Node<'_>, depth: usize) -> Verdict {
        let value = match &node.value {
            Value::Object(members) => match members.iter().rev().find(|m| *m.key == *key) {
                Some(m) => Some(&m.value),
                // `required` fails: no `if` holds.
                None => return Valid,
            },
            // `properties` and `required` hold for anything but an object.
            _ => None,
        };
        let mut verdict = Valid;
        for (c, then) in cases {
            let holds = match value {
                Some(v) => match v.value {
                    // The `const` sub-schema decides; a deploy-time value is unknown.
                    Value::Placeholder(_) | Value::Tagged(_) | Value::Invalid => Unknown,
                    _ => equals(v, c),
                },
                None => Valid,
            };
            match holds {
                Valid => match self.eval(*then, node, depth) {
                    Invalid => return Invalid,
                    Unknown => verdict = Unknown,
                    Valid => {}
                },
                Unknown => verdict = Unknown,
                Invalid => {}
            }
        }
        verdict
    }

    /// `properties` and `additionalProperties` on an object's members. With duplicate
    /// keys only the last value counts (as in the `serde_json::Value` the crate sees).
    fn members(
        &self,
        props: &[(Box<str>, usize)],
        additional: &Additional,
        members: &[Member<'_>],
        depth: usize,
    ) -> Verdict {
        let mut verdict = Valid;
        let mut step = |v: Verdict| -> bool {
            match v {
                Invalid => return false,
                Unknown => verdict = Unknown,
                Valid => {}
            }
            true
        };
        if matches!(additional, Additional::Any) && props.len() <= 4 {
            // A few named properties: look each one up.
            for (name, x) in props {
                if let Some(m) = members.iter().rev().find(|m| *m.key == **name)
                    && !step(self.eval(*x, &m.value, depth))
                {
                    return Invalid;
                }
            }
            return verdict;
        }
        // Walking backwards, the first occurrence of a key is the one that counts.
        let mut seen_known: u64 = 0;
        let mut seen_other: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        let large = members.len() > 16;
        // A big object (the `States` of a large machine) has its members judged on all
        // cores: collect the (schema, value) pairs, then evaluate them in parallel.
        let parallel = members.len() >= PARALLEL_MEMBERS;
        let mut jobs: Vec<(usize, &Node<'_>)> = Vec::new();
        for (at, m) in members.iter().enumerate().rev() {
            let key: &str = &m.key;
            let schema = match find_property(props, key) {
                Some(p) => {
                    let replaced = if p < 64 {
                        let bit = 1u64 << p;
                        let r = seen_known & bit != 0;
                        seen_known |= bit;
                        r
                    } else {
                        members[at + 1..].iter().any(|later| later.key == key)
                    };
                    if replaced {
                        continue;
                    }
                    props[p].1
                }
                None => match additional {
                    Additional::Any => continue,
                    Additional::Never => return Invalid,
                    Additional::Schema(x) => {
                        let replaced = if large {
                            !seen_other.insert(key)
                        } else {
                            members[at + 1..].iter().any(|later| later.key == key)
                        };
                        if replaced {
                            continue;
                        }
                        *x
                    }
                },
            };
            if parallel {
                jobs.push((schema, &m.value));
            } else if !step(self.eval(schema, &m.value, depth)) {
                return Invalid;
            }
        }
        if parallel {
            use rayon::prelude::*;
            let v = jobs
                .par_iter()
                .map(|&(schema, node)| self.eval(schema, node, depth))
                .reduce(|| Valid, worst);
            if !step(v) {
                return Invalid;
            }
        }
        verdict
    }
}

/// Objects with at least this many members are judged in parallel.
const PARALLEL_MEMBERS: usize = 256;

/// The verdict of two checks that must both hold.
fn worst(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (Invalid, _) | (_, Invalid) => Invalid,
        (Unknown, _) | (_, Unknown) => Unknown,
        _ => Valid,
    }
}

/// Properties are sorted by length, then bytes: most comparisons end at the length.
fn property_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn find_property(properties: &[(Box<str>, usize)], key: &str) -> Option<usize> {
    properties
        .binary_search_by(|(name, _)| property_order(name, key))
        .ok()
}

/// The verdict of the one-keyword schema `{keyword: value}` on a string.
fn one_keyword(
    validator: &OnceLock<Option<jsonschema::Validator>>,
    keyword: &str,
    value: &str,
    text: &str,
) -> Verdict {
    let v = validator.get_or_init(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&serde_json::json!({ keyword: value }))
            .ok()
    });
    match v {
        Some(v) => Verdict::from_bool(v.is_valid(&J::String(text.to_string()))),
        None => Unknown,
    }
}

fn type_bit(t: &str) -> Option<u8> {
    Some(match t {
        "null" => T_NULL,
        "boolean" => T_BOOL,
        "object" => T_OBJECT,
        "array" => T_ARRAY,
        "number" => T_NUMBER,
        "integer" => T_INTEGER,
        "string" => T_STRING,
        _ => return None,
    })
}

fn type_matches(types: u8, node: &Node<'_>) -> Verdict {
    let ok = match &node.value {
        Value::Null => types & T_NULL != 0,
        Value::Bool(_) => types & T_BOOL != 0,
        Value::Object(_) => types & T_OBJECT != 0,
        Value::Array(_) => types & T_ARRAY != 0,
        Value::String(_) => types & T_STRING != 0,
        Value::Number(n) => {
            types & T_NUMBER != 0
                || types & T_INTEGER != 0
                    && (n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0))
        }
        _ => return Unknown,
    };
    Verdict::from_bool(ok)
}

/// JSON equality of a node and a schema value, where it is certain.
fn equals(node: &Node<'_>, c: &J) -> Verdict {
    match (&node.value, c) {
        (Value::String(a), J::String(b)) => Verdict::from_bool(**a == **b),
        (Value::Bool(a), J::Bool(b)) => Verdict::from_bool(a == b),
        (Value::Null, J::Null) => Valid,
        (Value::Number(a), J::Number(b)) => {
            match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => Verdict::from_bool(x == y),
                (_, _, Some(x), Some(y)) => Verdict::from_bool(x == y),
                _ => Unknown,
            }
        }
        (Value::Array(_) | Value::Object(_), J::Array(_) | J::Object(_)) => Unknown,
        (Value::Number(_), _) | (_, J::Number(_)) => {
            // A number against a non-number (or the reverse) is never equal.
            Invalid
        }
        _ => Invalid,
    }
}

/// `n` compared with `limit`, when the comparison is exact.
fn compare(n: &serde_json::Number, limit: &serde_json::Number) -> Option<std::cmp::Ordering> {
    let int = |x: &serde_json::Number| -> Option<i128> {
        x.as_i64()
            .map(i128::from)
            .or_else(|| x.as_u64().map(i128::from))
    };
    if let (Some(a), Some(b)) = (int(n), int(limit)) {
        return Some(a.cmp(&b));
    }
    // Floats: exact only while both sides are within the integers an f64 holds exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let (a, b) = (n.as_f64()?, limit.as_f64()?);
    if a.is_finite() && b.is_finite() && a.abs() < EXACT && b.abs() < EXACT {
        a.partial_cmp(&b)
    } else {
        None
    }
}

/// The bundled schema, compiled once per process.
pub fn bundled() -> &'static Quick {
    static QUICK: OnceLock<Quick> = OnceLock::new();
    QUICK.get_or_init(|| {
        let schema: J =
            serde_json::from_str(super::SCHEMA_JSON).expect("the bundled schema is JSON");
        Quick::new(&schema)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StateMachine;
    use crate::syntax::{self, SourceKind};
    use std::path::{Path, PathBuf};

    /// The verdict on `text`, after checking it against the `jsonschema` crate: a
    /// `Valid` or `Invalid` verdict must be the crate's, and the findings of
    /// [`super::super::validate`] must be those of the crate alone.
    fn agree(text: &str, kind: SourceKind, what: &str) -> Option<Verdict> {
        let doc = syntax::parse(text, kind);
        let root = doc.root.as_ref()?;
        let verdict = bundled().check(root);
        let by_crate = super::super::compiled().validator.is_valid(&root.to_json());
        match verdict {
            Valid => assert!(by_crate, "quick says valid, jsonschema does not: {what}"),
            Invalid => assert!(!by_crate, "quick says invalid, jsonschema does not: {what}"),
            Unknown => {}
        }
        if let Some(machine) = StateMachine::build(root) {
            assert_eq!(
                super::super::validate(&machine),
                super::super::validate_with_crate(&machine, true),
                "findings differ: {what}"
            );
        }
        Some(verdict)
    }

    fn verdict(text: &str) -> Verdict {
        agree(text, SourceKind::Json, text).expect("a root")
    }

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                files_under(&p, out);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
            {
                out.push(p);
            }
        }
    }

    fn fixture_files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("tests/fixtures"), &mut files);
        files_under(&root.join("examples"), &mut files);
        files
    }

    #[test]
    fn every_keyword_of_the_schema_is_interpreted() {
        let q = bundled();
        assert_eq!(q.unsupported, Vec::<String>::new());
        // The per-Type `if`/`then` lists are recognised as dispatches (two query
        // languages, plus the nested-scope variants).
        let dispatches = q
            .schemas
            .iter()
            .filter_map(|s| match s {
                Schema::Keywords(k) => Some(k),
                _ => None,
            })
            .flatten()
            .filter(|k| matches!(k, Keyword::Dispatch(key, cases) if &**key == "Type" && cases.len() == 8))
            .count();
        assert!(dispatches >= 2, "{dispatches}");
    }

    #[test]
    fn verdicts_on_small_machines() {
        let ok = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
        assert_eq!(verdict(ok), Valid);
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Retry": [], "End": true}}}"#
            ),
            Invalid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "TimeoutSeconds": 0, "End": true}}}"#
            ),
            Invalid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "TimeoutSeconds": 2.0, "End": true}}}"#
            ),
            Valid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "TimeoutSeconds": 2.5, "End": true}}}"#
            ),
            Invalid
        );
        // Deploy-time values are left to the crate (and the mapping of its errors).
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ${Fn}, "End": true}}}"#
            ),
            Unknown
        );
        // A duplicate key: only the last value counts.
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "Seconds": 1, "End": true}}}"#
            ),
            Valid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Seconds": -1, "End": true}}}"#
            ),
            Invalid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2026-02-29T00:00:00Z", "End": true}}}"#
            ),
            Invalid
        );
        assert_eq!(
            verdict(
                r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2028-02-29T00:00:00Z", "End": true}}}"#
            ),
            Valid
        );
        assert_eq!(
            verdict(
                r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% $x %}", "End": true}}}"#
            ),
            Valid
        );
        assert_eq!(
            verdict(
                r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{%}", "End": true}}}"#
            ),
            Invalid
        );
    }

    #[test]
    fn fixtures_agree_with_jsonschema() {
        let mut decided = 0;
        let files = fixture_files();
        assert!(files.len() > 50, "fixtures not found");
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let kind = syntax::detect_kind(path.to_str(), &text);
            if let Some(v) = agree(&text, kind, &path.display().to_string())
                && v != Unknown
            {
                decided += 1;
            }
        }
        // Nearly every fixture is decided here, not left to the crate.
        assert!(
            decided * 10 >= files.len() * 8,
            "{decided} of {}",
            files.len()
        );
    }

    #[test]
    fn corpus_agrees_with_jsonschema() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/extracted");
        if !dir.is_dir() {
            eprintln!("SKIP: {} is absent", dir.display());
            return;
        }
        let mut files = Vec::new();
        files_under(&dir, &mut files);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let kind = syntax::detect_kind(path.to_str(), &text);
            agree(&text, kind, &path.display().to_string());
        }
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn random_value(rng: &mut Rng) -> J {
        let pool = [
            r#"-1"#,
            r#"0"#,
            r#"1"#,
            r#"1.5"#,
            r#"2.0"#,
            r#"99999999"#,
            r#"100000000"#,
            r#"31622401"#,
            r#"1e20"#,
            r#"-0.0"#,
            r#""""#,
            r#""$""#,
            r#""$.x""#,
            r#""$$.Execution.Id""#,
            r#""{% $x %}""#,
            r#""{%%}""#,
            r#""abc""#,
            r#""2026-01-01T00:00:00Z""#,
            r#""2026-13-01T00:00:00Z""#,
            r#""${X}""#,
            r#""Task""#,
            r#""Map""#,
            r#""Parallel""#,
            r#""JSONata""#,
            r#""JSONPath""#,
            r#""FULL""#,
            r#""DISTRIBUTED""#,
            r#""States.ALL""#,
            r#"true"#,
            r#"false"#,
            r#"null"#,
            r#"[]"#,
            r#"{}"#,
            r#"["States.ALL"]"#,
            r#"[""]"#,
            r#"[{"ErrorEquals": ["States.ALL"], "Next": "A"}]"#,
            r#"{"Ref": "X"}"#,
            r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}"#,
        ];
        serde_json::from_str(pool[rng.below(pool.len())]).expect("pool is JSON")
    }

    fn mutate(v: &mut J, rng: &mut Rng, keys: &[String]) {
        // Walk down a random path, then change something there.
        let mut node = v;
        loop {
            let go_deeper = rng.below(4) != 0;
            let next_index = match &*node {
                J::Object(m) if go_deeper && !m.is_empty() => Some(rng.below(m.len())),
                J::Array(a) if go_deeper && !a.is_empty() => Some(rng.below(a.len())),
                _ => None,
            };
            match (next_index, node) {
                (Some(i), J::Object(m)) => {
                    let key = m.keys().nth(i).expect("index").clone();
                    node = m.get_mut(&key).expect("key");
                }
                (Some(i), J::Array(a)) => node = &mut a[i],
                (_, here) => {
                    node = here;
                    break;
                }
            }
        }
        match node {
            J::Object(m) => match rng.below(3) {
                0 if !m.is_empty() => {
                    let key = m.keys().nth(rng.below(m.len())).expect("index").clone();
                    m.shift_remove(&key);
                }
                1 => {
                    let key = keys[rng.below(keys.len())].clone();
                    m.insert(key, random_value(rng));
                }
                _ => {
                    let key = format!("X{}", rng.below(3));
                    m.insert(key, random_value(rng));
                }
            },
            J::Array(a) if !a.is_empty() && rng.below(2) == 0 => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            other => *other = random_value(rng),
        }
    }

    #[test]
    fn mutations_agree_with_jsonschema() {
        let keys = &super::super::compiled().known_fields();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut total, mut valid, mut invalid) = (0, 0, 0);
        for path in fixture_files() {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(original) = serde_json::from_str::<J>(&text) else {
                continue;
            };
            for round in 0..40 {
                let mut v = original.clone();
                for _ in 0..=round % 3 {
                    mutate(&mut v, &mut rng, keys);
                }
                let text = serde_json::to_string_pretty(&v).expect("serializable");
                let what = format!("{} mutated: {text}", path.display());
                if let Some(v) = agree(&text, SourceKind::Json, &what) {
                    total += 1;
                    valid += usize::from(v == Valid);
                    invalid += usize::from(v == Invalid);
                }
            }
        }
        eprintln!("{total} mutations: {valid} valid, {invalid} invalid");
        assert!(total > 1000, "{total} mutations");
        // Both verdicts are exercised, and nearly all are decided here.
        assert!(
            valid > total / 20 && invalid > total / 3,
            "{valid} / {invalid} of {total}"
        );
        assert!(
            (valid + invalid) * 10 >= total * 8,
            "{valid} + {invalid} of {total}"
        );
    }
}
