//! Property tests of the JSON reader against serde_json, of tree ranges, of the line
//! index, and of the whole pipeline on mutated input.

use asl_lint::syntax::{self, LineCol, LineIndex, Node, SyntaxErrorKind, Utf16Position, Value};
use asl_lint::{LintOptions, lint_bytes};
use proptest::prelude::*;
use serde_json::Value as J;

// ---------------------------------------------------------------- strategies

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 _.$-]{0,12}",
        // Escapes, control characters, quotes, non-ASCII, astral characters.
        2 => proptest::collection::vec(
            prop_oneof![
                Just('"'), Just('\\'), Just('/'), Just('\n'), Just('\t'), Just('\u{0}'),
                Just('\u{1f}'), Just('\u{7f}'), Just('é'), Just('\u{2028}'), Just('😀'),
                Just('日'), Just('$'), Just('{'), Just('}'),
                any::<char>(),
            ],
            0..10,
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

fn json_number() -> impl Strategy<Value = J> {
    prop_oneof![
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        (-1e6f64..1e6).prop_map(J::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(J::from),
        Just(J::from(0.0)),
        Just(J::from(-0.0)),
        Just(J::from(1e300)),
        Just(J::from(5e-324)),
    ]
}

fn json_value() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        json_number(),
        json_string().prop_map(J::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(J::Array),
            proptest::collection::vec((json_string(), inner), 0..8)
                .prop_map(|members| J::Object(members.into_iter().collect())),
        ]
    })
}

/// Serialized JSON: compact or pretty.
fn json_text() -> impl Strategy<Value = (J, String)> {
    (json_value(), any::<bool>()).prop_map(|(v, pretty)| {
        let text = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        (v, text)
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Insert(f64, u8),
    Replace(f64, u8),
    Delete(f64, usize),
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => proptest::sample::select(
            b"{}[]:,\"'\\/*$ \n\r\t0123456789-+.eEtrufalsn#xu".to_vec()
        ),
        1 => Just(0xFFu8),
        1 => Just(0xC3u8),
        1 => Just(0x00u8),
        1 => any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, interesting_byte()).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (0.0..1.0f64, interesting_byte()).prop_map(|(p, b)| Mutation::Replace(p, b)),
        (0.0..1.0f64, 1..4usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len);
        match *m {
            Mutation::Insert(p, b) => {
                let i = at(p, bytes.len());
                bytes.insert(i, b);
            }
            Mutation::Replace(p, b) => {
                if !bytes.is_empty() {
                    let i = at(p, bytes.len() - 1);
                    bytes[i] = b;
                }
            }
            Mutation::Delete(p, n) => {
                let i = at(p, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
        }
    }
    bytes
}

// ---------------------------------------------------------------- checks

/// Every node range lies on char boundaries inside its parent; keys come before their
/// values; a string node's source text starts and ends with its quote.
fn check_ranges(text: &str, node: &Node<'_>, parent: (u32, u32)) -> Result<(), String> {
    let mut stack = vec![(node, parent)];
    while let Some((node, (ps, pe))) = stack.pop() {
        let r = node.range;
        if r.start > r.end || r.start < ps || r.end > pe {
            return Err(format!("{r:?} outside its parent {ps}..{pe}"));
        }
        if text.get(r.as_usize()).is_none() {
            return Err(format!("{r:?} does not slice the text at char boundaries"));
        }
        match &node.value {
            Value::Object(members) => {
                let mut last_end = r.start;
                for m in members {
                    let k = m.key_range;
                    if text.get(k.as_usize()).is_none()
                        || k.start < r.start
                        || k.end > m.value.range.start
                        || k.start < last_end
                    {
                        return Err(format!("key {k:?} misplaced in {r:?}"));
                    }
                    last_end = m.value.range.end;
                    stack.push((&m.value, (r.start, r.end)));
                }
            }
            Value::Array(items) => {
                let mut last_end = r.start;
                for item in items {
                    if item.range.start < last_end {
                        return Err(format!("items overlap at {:?}", item.range));
                    }
                    last_end = item.range.end;
                    stack.push((item, (r.start, r.end)));
                }
            }
            Value::Tagged(t) => stack.push((&t.node, (r.start, r.end))),
            _ => {}
        }
    }
    Ok(())
}

fn has_placeholder(node: &Node<'_>) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Placeholder(_) => return true,
            Value::Object(ms) => stack.extend(ms.iter().map(|m| &m.value)),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES=100000 for a long run.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// serde_json output parses without any error, to the same value, with sound ranges.
    #[test]
    fn serialized_json_round_trips((value, text) in json_text()) {
        let doc = syntax::json::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {}", doc.errors, text);
        let root = doc.root.as_ref().expect("a root");
        prop_assert_eq!(root.to_json(), value);
        prop_assert_eq!(root.range.as_usize(), 0..text.len());
        check_ranges(&text, root, (0, text.len() as u32)).map_err(TestCaseError::fail)?;
    }

    /// Mutated documents: the whole pipeline never panics, every diagnostic range is
    /// inside the text, and on strict JSON the reader accepts exactly what serde_json
    /// accepts, with the same value.
    #[test]
    fn mutated_json_agrees_with_serde(
        (_, text) in json_text(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let bytes = mutate(&text, &mutations);
        let linted = lint_bytes(&bytes, Some("m.asl.json"), &LintOptions::default());
        for d in &linted.diagnostics {
            prop_assert!(linted.text.get(d.range.as_usize()).is_some(),
                "{:?} does not slice the text", d);
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            prop_assert!(linted.diagnostics.iter().any(|d| d.code == "ASL004"));
            return Ok(());
        };
        if text.starts_with('\u{feff}') {
            return Ok(()); // a BOM: tolerated by us, rejected by serde_json
        }
        let doc = syntax::json::parse(text);
        if let Some(root) = &doc.root {
            check_ranges(text, root, (0, text.len() as u32)).map_err(TestCaseError::fail)?;
        }
        let extension = doc.errors.iter().any(|e| e.kind == SyntaxErrorKind::Extension)
            || doc.root.as_ref().is_some_and(has_placeholder);
        if extension {
            return Ok(());
        }
        let hard_errors: Vec<_> = doc
            .errors
            .iter()
            .filter(|e| !matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
            .collect();
        match serde_json::from_str::<J>(text) {
            Ok(value) => {
                prop_assert!(hard_errors.is_empty(), "serde_json accepts {:?}; we report {:?}", text, hard_errors);
                prop_assert_eq!(doc.root.as_ref().map(Node::to_json), Some(value));
            }
            Err(e) => {
                prop_assert!(!hard_errors.is_empty(), "serde_json rejects {:?} ({}); we accept it", text, e);
            }
        }
    }

    /// Arbitrary bytes never panic, through either reader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), yaml in any::<bool>()) {
        let name = if yaml { "x.asl.yaml" } else { "x.asl.json" };
        let linted = lint_bytes(&bytes, Some(name), &LintOptions::default());
        for d in &linted.diagnostics {
            prop_assert!(linted.text.get(d.range.as_usize()).is_some(), "{:?}", d);
            for l in &d.labels {
                prop_assert!(linted.text.get(l.range.as_usize()).is_some(), "{:?}", d);
            }
        }
    }

    /// Line/column and UTF-16 positions convert back to the same offset.
    #[test]
    fn line_index_round_trips(
        text in proptest::collection::vec(
            prop_oneof![Just('\n'), Just('\r'), Just('a'), Just('é'), Just('😀'), Just('日')], 0..60,
        ).prop_map(|cs| cs.into_iter().collect::<String>()),
        pick in 0.0..1.0f64,
    ) {
        let index = LineIndex::new(&text);
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = boundaries[((pick * boundaries.len() as f64) as usize).min(boundaries.len() - 1)] as u32;
        // Offsets just before a `\n` that ends a `\r\n` have no column of their own.
        let before_crlf = text.as_bytes().get(offset as usize) == Some(&b'\n')
            && offset > 0 && text.as_bytes()[offset as usize - 1] == b'\r';
        let lc: LineCol = index.line_col(&text, offset);
        let u16: Utf16Position = index.utf16_position(&text, offset);
        prop_assert_eq!(u16.line + 1, lc.line);
        if !before_crlf {
            prop_assert_eq!(index.offset_of_line_col(&text, lc), offset);
            prop_assert_eq!(index.offset_of_utf16(&text, u16), offset);
        }
    }
}

/// A generated state: name, (Type, Next, End, variant).
type GeneratedState = (
    &'static str,
    (&'static str, Option<&'static str>, Option<bool>, usize),
);

/// Generated state machines (valid ones, then with names swapped around) never panic
/// the model, graph and rules, and produce ranges inside the text.
#[test]
fn random_state_machines_never_panic() {
    use proptest::test_runner::TestRunner;
    let names = ["A", "B", "C", "Done", "é 😀"];
    let types = [
        "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "pass", "",
    ];
    let state = (
        proptest::sample::select(types.to_vec()),
        proptest::option::of(proptest::sample::select(names.to_vec())),
        proptest::option::of(any::<bool>()),
        0..3usize,
    );
    let machine =
        proptest::collection::vec((proptest::sample::select(names.to_vec()), state), 0..6);
    let mut runner = TestRunner::new(config());
    runner
        .run(
            &(machine.clone(), machine, proptest::sample::select(names.to_vec())),
            |(outer, inner, start)| {
                let render = |states: &[GeneratedState],
                              nested: &str| {
                    let mut parts = Vec::new();
                    for (name, (ty, next, end, extra)) in states {
                        let mut fields = vec![format!("\"Type\": {}", J::from(*ty))];
                        if let Some(n) = next {
                            fields.push(format!("\"Next\": {}", J::from(*n)));
                        }
                        if let Some(e) = end {
                            fields.push(format!("\"End\": {e}"));
                        }
                        match (*ty, *extra) {
                            ("Choice", _) => fields.push(format!(
                                "\"Choices\": [{{\"Variable\": \"$.x\", \"IsNull\": true, \"Next\": {}}}], \"Default\": {}",
                                J::from(next.unwrap_or("A")),
                                J::from(*name)
                            )),
                            ("Parallel", n) => fields.push(format!(
                                "\"Branches\": [{}]",
                                vec![nested; n].join(", ")
                            )),
                            ("Map", 1) => fields.push(format!("\"ItemProcessor\": {nested}")),
                            ("Map", 2) => fields.push(format!("\"Iterator\": {nested}")),
                            ("Task", 1) => fields.push(format!(
                                "\"Catch\": [{{\"ErrorEquals\": [\"States.ALL\"], \"Next\": {}}}]",
                                J::from(next.unwrap_or("Done"))
                            )),
                            _ => {}
                        }
                        parts.push(format!("{}: {{{}}}", J::from(*name), fields.join(", ")));
                    }
                    parts.join(", ")
                };
                let inner_text = format!(
                    "{{\"StartAt\": {}, \"States\": {{{}}}}}",
                    J::from(start),
                    render(&inner, "{}")
                );
                let text = format!(
                    "{{\"StartAt\": {}, \"States\": {{{}}}}}",
                    J::from(start),
                    render(&outer, &inner_text)
                );
                let linted = lint_bytes(text.as_bytes(), Some("g.asl.json"), &LintOptions::default());
                for d in &linted.diagnostics {
                    prop_assert!(text.get(d.range.as_usize()).is_some(), "{:?} in {}", d, text);
                    for l in &d.labels {
                        prop_assert!(text.get(l.range.as_usize()).is_some());
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
