use serde_json::json;

use super::*;
use crate::syntax::{SourceKind, parse};

/// Applies `edit` to `text` and checks that the result still reads without errors.
fn apply(text: &str, kind: SourceKind, edit: Option<TextEdit>) -> String {
    let edit = edit.expect("an edit");
    let mut out = text.to_string();
    out.replace_range(edit.range.as_usize(), &edit.text);
    let reread = parse(&out, kind);
    assert!(reread.errors.is_empty(), "{out}\n{:?}", reread.errors);
    out
}

/// The node at a path of keys (objects) and indexes (arrays) from the root.
fn at<'a, 's>(root: &'a Node<'s>, path: &[&str]) -> &'a Node<'s> {
    path.iter()
        .fold(root, |node, step| match step.parse::<usize>() {
            Ok(i) => &node.as_array().unwrap()[i],
            Err(_) => node.get(step).unwrap(),
        })
}

fn retrier() -> Json {
    json!([{"ErrorEquals": ["Lambda.ServiceException", "States.Timeout"], "MaxAttempts": 3}])
}

#[test]
fn append_to_multi_line_json_copies_the_indentation() {
    let text = "{\n  \"A\": {\n    \"Type\": \"Task\",\n    \"End\": true\n  }\n}\n";
    let doc = parse(text, SourceKind::Json);
    let edit = append_member(
        text,
        at(doc.root.as_ref().unwrap(), &["A"]),
        "Retry",
        &retrier(),
    );
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        "{\n  \"A\": {\n    \"Type\": \"Task\",\n    \"End\": true,\n    \"Retry\": [\n      {\n        \"ErrorEquals\": [\n          \"Lambda.ServiceException\",\n          \"States.Timeout\"\n        ],\n        \"MaxAttempts\": 3\n      }\n    ]\n  }\n}\n"
    );
}

#[test]
fn append_with_tabs_and_four_spaces() {
    let text = "{\n\t\"A\": {\n\t\t\"Type\": \"Pass\"\n\t}\n}";
    let doc = parse(text, SourceKind::Json);
    let edit = append_member(
        text,
        at(doc.root.as_ref().unwrap(), &["A"]),
        "End",
        &json!(true),
    );
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        "{\n\t\"A\": {\n\t\t\"Type\": \"Pass\",\n\t\t\"End\": true\n\t}\n}"
    );
    let text = "{\n    \"A\": {\"Type\": \"Pass\"}\n}";
    let doc = parse(text, SourceKind::Json);
    let edit = append_member(text, doc.root.as_ref().unwrap(), "B", &json!({"x": [1]}));
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        "{\n    \"A\": {\"Type\": \"Pass\"},\n    \"B\": {\n        \"x\": [\n            1\n        ]\n    }\n}"
    );
}

#[test]
fn append_to_one_line_and_empty_objects() {
    let text = r#"{"A": {"Type": "Pass"}, "B": {}}"#;
    let doc = parse(text, SourceKind::Json);
    let root = doc.root.as_ref().unwrap();
    let edit = append_member(text, at(root, &["A"]), "Next", &json!("B"));
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        r#"{"A": {"Type": "Pass", "Next": "B"}, "B": {}}"#
    );
    let edit = append_member(text, at(root, &["B"]), "Type", &json!("Succeed"));
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        r#"{"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}"#
    );
}

#[test]
fn append_to_yaml_block_mapping() {
    let text = "States:\n  A:\n    Type: Task\n    End: true  # last\n  B:\n    Type: Succeed\n";
    let doc = parse(text, SourceKind::Yaml);
    let edit = append_member(
        text,
        at(doc.root.as_ref().unwrap(), &["States", "A"]),
        "Retry",
        &retrier(),
    );
    assert_eq!(
        apply(text, SourceKind::Yaml, edit),
        "States:\n  A:\n    Type: Task\n    End: true  # last\n    Retry:\n      - ErrorEquals:\n          - Lambda.ServiceException\n          - States.Timeout\n        MaxAttempts: 3\n  B:\n    Type: Succeed\n"
    );
    // At the end of a file without a final newline, and with values YAML must quote.
    let text = "A:\n  Type: Pass";
    let doc = parse(text, SourceKind::Yaml);
    let value = json!({"yes": "no", "n": "1.5", "s": "a: b", "t": "plain text", "e": ""});
    let edit = append_member(
        text,
        at(doc.root.as_ref().unwrap(), &["A"]),
        "Result",
        &value,
    );
    assert_eq!(
        apply(text, SourceKind::Yaml, edit),
        "A:\n  Type: Pass\n  Result:\n    \"yes\": \"no\"\n    \"n\": \"1.5\"\n    s: \"a: b\"\n    t: plain text\n    e: \"\"\n"
    );
}

#[test]
fn append_to_a_mapping_in_a_sequence_and_to_a_flow_mapping() {
    let text = "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true}}\n";
    let doc = parse(text, SourceKind::Yaml);
    let root = doc.root.as_ref().unwrap();
    let edit = append_member(text, at(root, &["Branches", "0"]), "Comment", &json!("one"));
    assert_eq!(
        apply(text, SourceKind::Yaml, edit),
        "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true}}\n    Comment: one\n"
    );
    let edit = append_member(
        text,
        at(root, &["Branches", "0", "States", "X"]),
        "Comment",
        &json!("two"),
    );
    assert_eq!(
        apply(text, SourceKind::Yaml, edit),
        "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true, Comment: two}}\n"
    );
}

#[test]
fn remove_from_json_first_middle_last_and_only() {
    let text = "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": {\"d\": 3}\n}";
    let doc = parse(text, SourceKind::Json);
    let root = doc.root.as_ref().unwrap();
    let cases = [
        (0, "{\n  \"b\": [2],\n  \"c\": {\"d\": 3}\n}"),
        (1, "{\n  \"a\": 1,\n  \"c\": {\"d\": 3}\n}"),
        (2, "{\n  \"a\": 1,\n  \"b\": [2]\n}"),
    ];
    for (index, expected) in cases {
        let edit = remove_member(text, root, index);
        assert_eq!(apply(text, SourceKind::Json, edit), expected);
    }
    let edit = remove_member(text, at(root, &["c"]), 0);
    assert_eq!(
        apply(text, SourceKind::Json, edit),
        "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": {}\n}"
    );
    assert_eq!(remove_member(text, root, 3), None);
}

#[test]
fn remove_from_yaml_block_mappings() {
    let text = "A:\n  Type: Task\n  # the function\n  Resource: arn\n  End: true\nB: 1\n";
    let doc = parse(text, SourceKind::Yaml);
    let root = doc.root.as_ref().unwrap();
    let a = at(root, &["A"]);
    let cases = [
        (
            0,
            "A:\n  # the function\n  Resource: arn\n  End: true\nB: 1\n",
        ),
        (1, "A:\n  Type: Task\n  # the function\n  End: true\nB: 1\n"),
        (
            2,
            "A:\n  Type: Task\n  # the function\n  Resource: arn\nB: 1\n",
        ),
    ];
    for (index, expected) in cases {
        assert_eq!(
            apply(text, SourceKind::Yaml, remove_member(text, a, index)),
            expected
        );
    }
    // A nested block value goes with its key.
    let edit = remove_member(text, root, 0);
    assert_eq!(apply(text, SourceKind::Yaml, edit), "B: 1\n");
    // The only member of a block mapping stays: its key would be left without a value.
    let text = "A:\n  End: true\n";
    let doc = parse(text, SourceKind::Yaml);
    assert_eq!(
        remove_member(text, at(doc.root.as_ref().unwrap(), &["A"]), 0),
        None
    );
}

#[test]
fn remove_the_first_key_of_a_sequence_item_keeps_the_dash() {
    let text = "- Next: X\n  End: true\n  Type: Pass\n";
    let doc = parse(text, SourceKind::Yaml);
    let item = at(doc.root.as_ref().unwrap(), &["0"]);
    assert_eq!(
        apply(text, SourceKind::Yaml, remove_member(text, item, 0)),
        "- End: true\n  Type: Pass\n"
    );
    assert_eq!(
        apply(text, SourceKind::Yaml, remove_member(text, item, 2)),
        "- Next: X\n  End: true\n"
    );
    let text = "- {Next: X, End: true}\n";
    let doc = parse(text, SourceKind::Yaml);
    let item = at(doc.root.as_ref().unwrap(), &["0"]);
    assert_eq!(
        apply(text, SourceKind::Yaml, remove_member(text, item, 1)),
        "- {Next: X}\n"
    );
}

#[test]
fn prepend_to_json_arrays() {
    let text = "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": []}";
    let doc = parse(text, SourceKind::Json);
    let root = doc.root.as_ref().unwrap();
    let value = json!({"ErrorEquals": ["X"]});
    assert_eq!(
        apply(
            text,
            SourceKind::Json,
            prepend_element(text, at(root, &["R"]), &value)
        ),
        "{\"R\": [\n    {\n      \"ErrorEquals\": [\n        \"X\"\n      ]\n    },\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": []}"
    );
    assert_eq!(
        apply(
            text,
            SourceKind::Json,
            prepend_element(text, at(root, &["S"]), &json!(0))
        ),
        "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [0, 1], \"T\": []}"
    );
    assert_eq!(
        apply(
            text,
            SourceKind::Json,
            prepend_element(text, at(root, &["T"]), &json!("x"))
        ),
        "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": [\"x\"]}"
    );
}

#[test]
fn prepend_to_yaml_sequences() {
    let text = "Retry:\n  - ErrorEquals: [States.ALL]\n    MaxAttempts: 2\nNext: B\n";
    let doc = parse(text, SourceKind::Yaml);
    let retry = at(doc.root.as_ref().unwrap(), &["Retry"]);
    let value = json!({"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1});
    assert_eq!(
        apply(text, SourceKind::Yaml, prepend_element(text, retry, &value)),
        "Retry:\n  - ErrorEquals:\n      - Lambda.ServiceException\n    IntervalSeconds: 1\n  - ErrorEquals: [States.ALL]\n    MaxAttempts: 2\nNext: B\n"
    );
    // Sequence entries at the column of their key.
    let text = "Retry:\n- ErrorEquals: [States.ALL]\n";
    let doc = parse(text, SourceKind::Yaml);
    let retry = at(doc.root.as_ref().unwrap(), &["Retry"]);
    assert_eq!(
        apply(
            text,
            SourceKind::Yaml,
            prepend_element(text, retry, &json!("x"))
        ),
        "Retry:\n- x\n- ErrorEquals: [States.ALL]\n"
    );
    let text = "Retry: [a, b]\n";
    let doc = parse(text, SourceKind::Yaml);
    let retry = at(doc.root.as_ref().unwrap(), &["Retry"]);
    assert_eq!(
        apply(
            text,
            SourceKind::Yaml,
            prepend_element(text, retry, &json!({"k": 1}))
        ),
        "Retry: [{\"k\": 1}, a, b]\n"
    );
}

#[test]
fn plain_scalars_only_when_they_read_back_the_same() {
    for s in [
        "States.ALL",
        "plain text",
        "arn:aws:states:::lambda:invoke",
        "$.Payload",
    ] {
        assert!(plain_is_safe(s), "{s}");
    }
    for s in [
        "", "true", "No", "null", "~", "12", "-1", ".5", "a: b", "a #b", "x:", "[x]", "*a", "!t",
        "a,b", " x", "x ",
    ] {
        assert!(!plain_is_safe(s), "{s:?}");
    }
}
