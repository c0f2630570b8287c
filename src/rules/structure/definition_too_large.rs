use std::borrow::Cow;

use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, SourceKind, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports a state machine definition larger than the 1 MB (1,048,576 bytes) that
    /// Step Functions accepts, counted as compact JSON: without the whitespace between
    /// tokens, which is the smallest form any deployment tool can send.
    ///
    /// Also reported: `${...}` values (`DefinitionSubstitutions`, an `Fn::Sub`
    /// variable map, Terraform `templatefile` variables) that would fill more than
    /// 16 MiB into a definition, at the token where they pass it. They are not filled
    /// in, and the rest of the definition is checked with them unknown.
    ///
    /// ## Why is this bad?
    /// The size of a definition is a hard quota: `CreateStateMachine` and
    /// `UpdateStateMachine` (and the CloudFormation, SAM, CDK or Terraform deployment that
    /// calls them) fail, and no quota increase can be requested. Definitions grow past it
    /// when generated, or when large constants (Pass `Result`, lookup tables in
    /// `Parameters`) are written into them.
    ///
    /// ## Example
    /// A definition whose Pass state's `Result` holds 1.2 MB of reference data.
    ///
    /// Use instead: keep the data in S3 (read it with `arn:aws:states:::aws-sdk:s3:getObject`
    /// or a Distributed Map `ItemReader`), or split the workflow into state machines that
    /// start each other (`arn:aws:states:::states:startExecution.sync:2`).
    pub static RULE = {
        code: "ASL123",
        name: "definition-too-large",
        severity: Error,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The hard quota on a definition's size, in bytes (`CreateStateMachine`'s `definition`
/// is at most 1,048,576 characters long).
pub const MAX_DEFINITION_BYTES: u64 = 1_048_576;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(root) = ctx.document.root.as_ref() else {
        return;
    };
    if ctx.machine.is_none() {
        return;
    }
    // Measured on the tree, not the text: YAML aliases repeat what an anchor holds, so
    // a small file can be a large definition.
    let size = compact_size(root, ctx.document.kind == SourceKind::Json);
    if size <= MAX_DEFINITION_BYTES {
        return;
    }
    let d = sink.report(
        TextRange::new(root.range.start, root.range.start + 1),
        format!(
            "the definition is {} as compact JSON: Step Functions accepts at most 1 MB ({} bytes)",
            human_size(size),
            group_thousands(MAX_DEFINITION_BYTES)
        ),
    );
    d.help = Some(
        "keep large data in S3 and read it at run time, or split the workflow into state \
         machines that start each other"
            .into(),
    );
}

/// The length in bytes of the node written as compact JSON (no whitespace between
/// tokens). `json_source`: strings borrowed from a JSON text have no escapes, so their
/// written form is their length plus the quotes.
pub(crate) fn compact_size(root: &Node<'_>, json_source: bool) -> u64 {
    let mut size = 0u64;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        size += match &node.value {
            Value::Null => 4,
            Value::Bool(b) => 4 + u64::from(!b),
            Value::Number(n) => n.to_string().len() as u64,
            Value::String(s) => {
                string_size(s, needs_scan(matches!(s, Cow::Borrowed(_)), json_source))
            }
            Value::Placeholder(t) => t.len() as u64,
            Value::Invalid => 0,
            Value::Tagged(t) => {
                stack.push(&t.node);
                0
            }
            Value::Array(items) => {
                stack.extend(items.iter());
                2 + items.len().saturating_sub(1) as u64
            }
            Value::Object(members) => {
                let mut own = 2 + members.len().saturating_sub(1) as u64;
                for m in members {
                    own += string_size(
                        &m.key,
                        needs_scan(matches!(m.key, Cow::Borrowed(_)), json_source),
                    ) + 1;
                    stack.push(&m.value);
                }
                own
            }
        };
    }
    size
}

/// Whether a string may hold characters that JSON escapes: not when it is borrowed
/// from a JSON text (a string written with escapes is decoded into an owned one).
fn needs_scan(borrowed: bool, json_source: bool) -> bool {
    !(json_source && borrowed)
}

/// A string's length as a JSON string literal: quotes, and (when `scan`) the escapes
/// its characters need.
fn string_size(s: &str, scan: bool) -> u64 {
    let mut size = s.len() as u64 + 2;
    if !scan {
        return size;
    }
    for b in s.bytes() {
        size += match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            0..=0x1f => 5,
            _ => 0,
        };
    }
    size
}

/// `1.2 MB`, `980 kB` (decimal units, as the quota is written).
fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!(
            "{:.1} MB ({} bytes)",
            bytes as f64 / 1e6,
            group_thousands(bytes)
        )
    } else {
        format!("{} bytes", group_thousands(bytes))
    }
}

pub(crate) fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::located_messages;

    /// A valid definition whose Pass `Result` is a string of `n` bytes, pretty-printed
    /// with `indent` spaces of padding before each token.
    fn definition(n: usize, indent: usize) -> String {
        let pad = " ".repeat(indent);
        format!(
            "{{{pad}\"StartAt\":{pad}\"P\",{pad}\"States\":{pad}{{\"P\":{{\"Type\":\"Pass\",\"Result\":\"{}\",\"End\":true}}}}}}",
            "x".repeat(n)
        )
    }

    /// The compact form of `definition(n, _)` without the string is this long.
    const FRAME: usize = 69;

    #[test]
    fn compact_size_counts_json_as_aws_receives_it() {
        let text = definition(10, 3);
        let compact = definition(10, 0);
        assert_eq!(compact.len(), FRAME + 10);
        let doc = crate::syntax::parse(&text, SourceKind::Json);
        assert_eq!(
            compact_size(doc.root.as_ref().unwrap(), true),
            compact.len() as u64
        );
        // Escapes count as written: `\n` is two bytes, a control character six.
        let escaped = r#"{"a":["x\ny\u0001\"",1.5,true,false,null,{}]}"#;
        let doc = crate::syntax::parse(escaped, SourceKind::Json);
        assert_eq!(
            compact_size(doc.root.as_ref().unwrap(), true),
            escaped.len() as u64
        );
        // The same data in YAML measures the same.
        let yaml = "a:\n  - \"x\\ny\\x01\\\"\"\n  - 1.5\n  - true\n  - false\n  - null\n  - {}\n";
        let doc = crate::syntax::parse(yaml, SourceKind::Yaml);
        assert_eq!(
            compact_size(doc.root.as_ref().unwrap(), false),
            escaped.len() as u64
        );
    }

    #[test]
    fn a_definition_over_the_quota_is_reported_at_its_start() {
        let n = MAX_DEFINITION_BYTES as usize - FRAME + 1;
        let text = definition(n, 0);
        assert_eq!(
            located_messages(&text, "ASL123"),
            vec![
                "{: the definition is 1.0 MB (1,048,577 bytes) as compact JSON: Step Functions \
                 accepts at most 1 MB (1,048,576 bytes)"
            ]
        );
    }

    #[test]
    fn whitespace_does_not_count() {
        // Exactly at the quota compactly, and larger than it as written.
        let n = MAX_DEFINITION_BYTES as usize - FRAME;
        let text = definition(n, 100);
        assert!(text.len() as u64 > MAX_DEFINITION_BYTES);
        assert!(located_messages(&text, "ASL123").is_empty());
    }

    #[test]
    fn yaml_aliases_count_every_time_they_repeat_their_anchor() {
        // 475 bytes of YAML whose aliases make 5,000 copies of a 206-byte array.
        let x = "x".repeat(100);
        let text = format!(
            "StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result:\n      a: &a [\"{x}\", \"{x}\"]\n      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n      e: [*d, *d, *d, *d, *d]\n    End: true\n"
        );
        assert!(text.len() < 1024);
        let options = crate::LintOptions {
            select: vec!["ASL123".into()],
            ..Default::default()
        };
        let found = crate::lint_text(&text, SourceKind::Yaml, &options);
        // Python's json.dumps(yaml.safe_load(text), separators=(",", ":")) gives as many.
        assert_eq!(
            found.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            [
                "the definition is 1.3 MB (1,272,534 bytes) as compact JSON: Step Functions \
              accepts at most 1 MB (1,048,576 bytes)"
            ]
        );
    }

    #[test]
    fn sizes_are_written_for_people() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(12_515_194), "12,515,194");
        assert_eq!(human_size(999_999), "999,999 bytes");
        assert_eq!(human_size(12_515_194), "12.5 MB (12,515,194 bytes)");
    }
}
