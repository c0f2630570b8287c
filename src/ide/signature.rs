//! Signature help: inside the arguments of an intrinsic function call
//! (`States.Format('{}', $.a)`) or of a JSONata function call (`{% $substring($s, 0, 3) %}`),
//! the function's signature with the argument under the cursor.

use crate::syntax::{Node, PathStep, SourceKind, Value, string_source_offset};

use super::catalog;
use super::in_string_at;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// `States.Format(template: string, ...values) -> string`.
    pub label: String,
    /// Markdown.
    pub doc: String,
    /// Each parameter as a byte range of `label`.
    pub parameters: Vec<(u32, u32)>,
    /// The parameter the cursor is on, if the call has that many.
    pub active: Option<u32>,
}

/// The signature of the function call whose arguments hold `offset`, in a string value.
pub fn signature_help(text: &str, kind: SourceKind, offset: u32) -> Option<SignatureInfo> {
    if let Some(e) = in_string_at(text, kind, offset) {
        return signature_help(&e.inner.text, e.kind, e.offset);
    }
    let doc = crate::syntax::parse(text, kind);
    let root = doc.root.as_ref()?;
    let node = match root.find_at(offset).last()? {
        PathStep::Member(m) => &m.value,
        PathStep::Index(_, n) => *n,
        PathStep::Key(_) => return None,
    };
    let Value::String(content) = &node.value else {
        return None;
    };
    // The cursor must be after the opening quote (or anywhere in a plain scalar).
    if offset <= node.range.start && text[node.range.as_usize()].starts_with(['"', '\'']) {
        return None;
    }
    let before = &content[..decoded_index(text, node, content, offset)];
    let jsonata = content.trim_start().starts_with("{%");
    let (name, commas) = open_call(before, jsonata)?;
    let (label, doc) = if jsonata {
        let (_, sig) = catalog::JSONATA_FUNCTIONS
            .iter()
            .find(|(n, _)| *n == name)?;
        (*sig, "JSONata function")
    } else {
        let f = catalog::intrinsic(&name)?;
        (f.signature, f.doc)
    };
    let parameters = parameters(label);
    let variadic = label
        .get(parameters.last().map_or(0, |p| p.0 as usize)..)
        .is_some_and(|rest| rest.starts_with("..."));
    let count = parameters.len() as u32;
    let active = match commas {
        c if c < count => Some(c),
        _ if variadic && count > 0 => Some(count - 1),
        _ => None,
    };
    Some(SignatureInfo {
        label: label.to_string(),
        doc: doc.to_string(),
        parameters,
        active,
    })
}

/// The index in the decoded `content` of the string `node` that the source `offset`
/// falls at (the last one that starts at or before it).
fn decoded_index(source: &str, node: &Node<'_>, content: &str, offset: u32) -> usize {
    let (mut lo, mut hi) = (0usize, content.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if string_source_offset(source, node, mid) <= offset {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    while !content.is_char_boundary(lo) {
        lo -= 1;
    }
    lo
}

/// The innermost call still open at the end of `before`: the function's name and how
/// many of its arguments are complete (the commas at its own level).
fn open_call(before: &str, jsonata: bool) -> Option<(String, u32)> {
    // One entry per open bracket: the called name for `(`, and the commas seen.
    let mut open: Vec<(Option<String>, u32)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = before.char_indices();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' => quote = Some(c),
            '"' | '`' if jsonata => quote = Some(c),
            '(' => open.push((Some(callee(&before[..i], jsonata)), 0)),
            '[' | '{' => open.push((None, 0)),
            ')' | ']' | '}' => {
                open.pop();
            }
            ',' => {
                if let Some(top) = open.last_mut() {
                    top.1 += 1;
                }
            }
            _ => {}
        }
    }
    let (name, commas) = open.into_iter().rev().find(|(n, _)| n.is_some())?;
    Some((name.filter(|n| !n.is_empty())?, commas))
}

/// The name written just before a `(`: `States.Format`, or `$substring` in JSONata.
fn callee(before: &str, jsonata: bool) -> String {
    let trimmed = before.trim_end();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '$' || (!jsonata && c == '.'))
        .last()
        .map_or(trimmed.len(), |(i, _)| i);
    trimmed[start..].to_string()
}

/// The parameters of a signature `name(a: t, b?: t, ...rest) -> r`, as ranges of it.
fn parameters(label: &str) -> Vec<(u32, u32)> {
    let Some(open) = label.find('(') else {
        return Vec::new();
    };
    let close = label.rfind(')').unwrap_or(label.len());
    let inner = &label[open + 1..close];
    if inner.trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = open + 1;
    for piece in inner.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let s = start + lead;
        out.push((s as u32, (s + piece.trim().len()) as u32));
        start += piece.len() + 1;
    }
    out
}

impl SignatureInfo {
    /// The text of parameter `i`.
    pub fn parameter(&self, i: usize) -> &str {
        let (s, e) = self.parameters[i];
        &self.label[s as usize..e as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, kind: SourceKind) -> Option<SignatureInfo> {
        let offset = text.find('|').unwrap() as u32;
        signature_help(&text.replacen('|', "", 1), kind, offset)
    }

    #[test]
    fn intrinsic_arguments_are_counted_at_their_own_level() {
        let s = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"m.$": "States.Format('{}, {}', States.ArrayGetItem($.a, 0), |"}, "End": true}}}"#,
            SourceKind::Json,
        )
        .unwrap();
        assert_eq!(
            s.label,
            "States.Format(template: string, ...values) -> string"
        );
        assert_eq!(s.parameter(0), "template: string");
        assert_eq!(s.parameter(1), "...values");
        // The comma inside the template and those of the inner call do not count; the
        // third argument is one of the `...values`.
        assert_eq!(s.active, Some(1));

        let s = at(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"m.$": "States.ArrayGetItem($.a, |"}, "End": true}}}"#,
            SourceKind::Json,
        )
        .unwrap();
        assert_eq!(
            s.label,
            "States.ArrayGetItem(array: array, index: number) -> any"
        );
        assert_eq!((s.active, s.parameter(1)), (Some(1), "index: number"));
    }

    #[test]
    fn jsonata_calls_in_yaml_and_escaped_quotes() {
        let s = at(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: \"{% $substring($states.input.name, $length(\\\"a,b\\\"), | %}\"\n    End: true\n",
            SourceKind::Yaml,
        )
        .unwrap();
        assert_eq!(s.label, "$substring(str, start, length?) -> string");
        assert_eq!((s.active, s.parameter(2)), (Some(2), "length?"));
        // Past the closing parenthesis: no call is open.
        assert_eq!(
            at(
                "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: '{% $uppercase(\"x\") | %}'\n    End: true\n",
                SourceKind::Yaml
            ),
            None
        );
        // Too many arguments: the signature without an active parameter.
        let s = at(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: '{% $uppercase(\"x\", | %}'\n    End: true\n",
            SourceKind::Yaml,
        )
        .unwrap();
        assert_eq!(s.active, None);
        // Not in a string, or an unknown function.
        assert_eq!(at(r#"{"StartAt": |"A"}"#, SourceKind::Json), None);
        assert_eq!(at(r#"{"a": "States.Nope(|"}"#, SourceKind::Json), None);
    }

    #[test]
    fn signatures_are_ascii_so_their_offsets_are_utf16_offsets() {
        for f in catalog::INTRINSICS {
            assert!(f.signature.is_ascii(), "{}", f.signature);
        }
        for (_, sig) in catalog::JSONATA_FUNCTIONS {
            assert!(sig.is_ascii(), "{sig}");
        }
    }
}
