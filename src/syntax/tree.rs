//! The format-agnostic syntax tree shared by the JSON and YAML readers.
//!
//! A tree borrows from its source text: strings without escapes are slices of it, so a
//! 10 MB definition is read without copying every key. Every node and every object key
//! keeps its byte range. Nothing here knows ASL.

use std::borrow::Cow;

use super::text::TextRange;

/// Which reader produced a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Json,
    Yaml,
}

/// One value with its byte range (for a string, the range includes the quotes).
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'s> {
    pub range: TextRange,
    pub value: Value<'s>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'s> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Cow<'s, str>),
    Array(Vec<Node<'s>>),
    Object(Vec<Member<'s>>),
    /// A YAML tag such as CloudFormation's `!Sub` or `!GetAtt`, with the tagged value.
    Tagged(Box<Tagged<'s>>),
    /// An unquoted `${...}` template placeholder where a JSON value belongs (filled in at
    /// deploy time by SAM, CloudFormation, CDK or Terraform). The text is the whole token.
    Placeholder(Cow<'s, str>),
    /// Something that could not be read; the reader recorded an error for it.
    Invalid,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tagged<'s> {
    /// The tag as written, e.g. `!Sub`.
    pub tag: Cow<'s, str>,
    pub tag_range: TextRange,
    pub node: Node<'s>,
}

impl Tagged<'_> {
    /// The key of the one-member object that the tag stands for in JSON: `!Sub x` means
    /// `{"Fn::Sub": x}`, `!Ref x` means `{"Ref": x}`.
    pub fn json_key(&self) -> String {
        let name = self.tag.trim_start_matches('!');
        if name == "Ref" || name == "Condition" {
            name.to_string()
        } else {
            format!("Fn::{name}")
        }
    }
}

/// One `key: value` pair of an object, in source order. Duplicate keys are all kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Member<'s> {
    pub key: Cow<'s, str>,
    pub key_range: TextRange,
    pub value: Node<'s>,
}

impl<'s> Member<'s> {
    /// Range from the start of the key to the end of the value.
    pub fn range(&self) -> TextRange {
        self.key_range.cover(self.value.range)
    }
}

/// What went wrong while reading, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub kind: SyntaxErrorKind,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not valid JSON or YAML at this point.
    Invalid,
    /// Accepted, but not standard JSON: a comment, a trailing comma, a single-quoted
    /// string, an unquoted key (JSON5-ish files exist in the wild).
    Extension,
    /// A key repeated in one object; `first` is the range of its first occurrence.
    DuplicateKey { first: TextRange },
    /// Invalid UTF-8 or binary content.
    Encoding,
    /// Nesting deeper than [`MAX_DEPTH`]; the deeper part is skipped, not analysed.
    TooDeep,
}

/// Deepest nesting of arrays and objects a reader builds. Deeper content is skipped with
/// a [`SyntaxErrorKind::TooDeep`] error instead of risking a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// A comment in the source (YAML `#`, or JSON5-style `//` and `/* */`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment<'s> {
    /// The comment text without its markers, e.g. ` asl-lint: ignore[ASL201]`.
    pub text: &'s str,
    pub range: TextRange,
}

/// The result of reading one source text: never a failure, at worst an empty tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Document<'s> {
    pub kind: SourceKind,
    pub root: Option<Node<'s>>,
    pub errors: Vec<SyntaxError>,
    pub comments: Vec<Comment<'s>>,
    /// YAML: the text of each anchored node that an alias (or merge key) reads again,
    /// sorted by start. An edit inside one changes every place that reads it, so fixes
    /// leave these ranges alone (see `rules::run`).
    pub shared: Vec<TextRange>,
}

impl<'s> Node<'s> {
    pub fn new(range: TextRange, value: Value<'s>) -> Self {
        Node { range, value }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The value when it is a non-negative integer that fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// A short range that points at the node itself: for an object, its opening `{`, or
    /// the first key of a YAML block mapping (which starts there); for an array, its `[`
    /// or first `-`; anything else whole. Always on character boundaries, even when a
    /// key starts with a multi-byte character.
    pub fn head_range(&self) -> TextRange {
        let first_byte =
            TextRange::new(self.range.start, (self.range.start + 1).min(self.range.end));
        match &self.value {
            Value::Object(members) => match members.first() {
                Some(m) if m.key_range.start == self.range.start => m.key_range,
                _ => first_byte,
            },
            Value::Array(_) => first_byte,
            _ => self.range,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'s>]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'s>]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The member named `key`; with duplicate keys, the last one (as JSON readers do).
    pub fn member(&self, key: &str) -> Option<&Member<'s>> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    /// The value of member `key`.
    pub fn get(&self, key: &str) -> Option<&Node<'s>> {
        self.member(key).map(|m| &m.value)
    }

    /// A short name for the kind of value, for messages ("string", "object", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Tagged(_) => "tagged value",
            Value::Placeholder(_) => "placeholder",
            Value::Invalid => "invalid value",
        }
    }

    /// This node and every node below it (through objects, arrays and tags) at most
    /// `max_depth` levels down, in document order.
    pub fn descendants(&self, max_depth: usize) -> Vec<&Node<'s>> {
        let mut out = Vec::new();
        let mut stack = vec![(self, 0)];
        while let Some((n, depth)) = stack.pop() {
            out.push(n);
            if depth >= max_depth {
                continue;
            }
            match &n.value {
                Value::Object(ms) => stack.extend(ms.iter().rev().map(|m| (&m.value, depth + 1))),
                Value::Array(items) => stack.extend(items.iter().rev().map(|i| (i, depth + 1))),
                Value::Tagged(t) => stack.push((&t.node, depth + 1)),
                _ => {}
            }
        }
        out
    }

    /// Every string value at or below this node, through objects and arrays at most
    /// `max_depth` levels down, in document order.
    pub fn strings(&self, max_depth: usize) -> Vec<&Node<'s>> {
        let mut out = Vec::new();
        let mut stack = vec![(self, 0)];
        while let Some((n, depth)) = stack.pop() {
            match &n.value {
                Value::String(_) => out.push(n),
                Value::Object(ms) if depth < max_depth => {
                    stack.extend(ms.iter().rev().map(|m| (&m.value, depth + 1)))
                }
                Value::Array(items) if depth < max_depth => {
                    stack.extend(items.iter().rev().map(|i| (i, depth + 1)))
                }
                _ => {}
            }
        }
        out
    }

    /// True for values whose content is only known at deploy time: `${...}`
    /// placeholders, CloudFormation intrinsics (`!Ref`, `{"Fn::GetAtt": ...}`,
    /// `{"Ref": ...}`), and values the reader could not read.
    pub fn is_unknown(&self) -> bool {
        match &self.value {
            Value::Placeholder(_) | Value::Tagged(_) | Value::Invalid => true,
            Value::Object(members) if members.len() == 1 => {
                let k = &members[0].key;
                k == "Ref" || k.starts_with("Fn::")
            }
            _ => false,
        }
    }

    /// Converts to a `serde_json::Value` (placeholders and tags become strings, invalid
    /// values `null`; with duplicate keys the last wins).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null | Value::Invalid => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Number(n.clone()),
            Value::String(s) => J::String(s.to_string()),
            Value::Placeholder(s) => J::String(s.to_string()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::with_capacity(members.len());
                for m in members {
                    map.insert(m.key.to_string(), m.value.to_json());
                }
                J::Object(map)
            }
            Value::Tagged(t) => {
                let mut map = serde_json::Map::new();
                map.insert(t.json_key(), t.node.to_json());
                J::Object(map)
            }
        }
    }

    /// The innermost node whose range touches `offset`, with the path of members and
    /// indexes leading to it (used by the language server).
    pub fn find_at(&self, offset: u32) -> Vec<PathStep<'_, 's>> {
        let mut path = Vec::new();
        let mut node = self;
        'outer: loop {
            match &node.value {
                Value::Object(members) => {
                    for m in members {
                        if m.key_range.touches(offset) {
                            path.push(PathStep::Key(m));
                            return path;
                        }
                        if m.value.range.touches(offset) {
                            path.push(PathStep::Member(m));
                            node = &m.value;
                            continue 'outer;
                        }
                    }
                    return path;
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if item.range.touches(offset) {
                            path.push(PathStep::Index(i, item));
                            node = item;
                            continue 'outer;
                        }
                    }
                    return path;
                }
                Value::Tagged(t) if t.node.range.touches(offset) => {
                    node = &t.node;
                }
                _ => return path,
            }
        }
    }
}

/// One step of a path returned by [`Node::find_at`].
#[derive(Clone, Copy, Debug)]
pub enum PathStep<'a, 's> {
    /// The offset is on this member's key.
    Key(&'a Member<'s>),
    /// The offset is inside this member's value.
    Member(&'a Member<'s>),
    /// The offset is inside this array element.
    Index(usize, &'a Node<'s>),
}

#[cfg(test)]
mod tests {
    use crate::syntax::{SourceKind, parse};

    /// The string values under a node, in document order, as deep as asked.
    #[test]
    fn strings_in_document_order_to_a_depth() {
        let doc = parse(
            r#"{"a": "x", "b": [1, "y", {"c": "z"}], "d": {"e": {"f": "deep"}}}"#,
            SourceKind::Json,
        );
        let root = doc.root.as_ref().unwrap();
        let texts = |depth| -> Vec<&str> {
            root.strings(depth)
                .into_iter()
                .filter_map(|n| n.as_str())
                .collect()
        };
        assert_eq!(texts(8), ["x", "y", "z", "deep"]);
        assert_eq!(texts(2), ["x", "y"]);
        assert_eq!(texts(0), Vec::<&str>::new());
    }
}
