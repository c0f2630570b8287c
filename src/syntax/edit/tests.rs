use serde_json::json;

use super::*;
use crate::syntax::{SourceKind, parse};

use SourceKind::{Json as J, Yaml as Y};

/// The node at a path of keys (objects) and indexes (arrays) from the root.
fn at<'a, 's>(root: &'a Node<'s>, path: &[&str]) -> &'a Node<'s> {
    path.iter()
        .fold(root, |node, step| match step.parse::<usize>() {
            Ok(i) => &node.as_array().unwrap()[i],
            Err(_) => node.get(step).unwrap(),
        })
}

/// `text` with the edit that `make` returns for the node at `path`; the result must
/// read without errors. `None` when `make` declines.
fn edited(
    text: &str,
    kind: SourceKind,
    path: &[&str],
    make: impl Fn(&str, &Node<'_>) -> Option<TextEdit>,
) -> Option<String> {
    let doc = parse(text, kind);
    let edit = make(text, at(doc.root.as_ref().unwrap(), path))?;
    let mut out = text.to_string();
    out.replace_range(edit.range.as_usize(), &edit.text);
    let reread = parse(&out, kind);
    assert!(reread.errors.is_empty(), "{out}\n{:?}", reread.errors);
    Some(out)
}

fn append(text: &str, kind: SourceKind, path: &[&str], key: &str, value: Json) -> String {
    edited(text, kind, path, |s, n| append_member(s, n, key, &value)).expect("an edit")
}

fn remove(text: &str, kind: SourceKind, path: &[&str], index: usize) -> Option<String> {
    edited(text, kind, path, |s, n| remove_member(s, n, index))
}

fn prepend(text: &str, kind: SourceKind, path: &[&str], value: Json) -> String {
    edited(text, kind, path, |s, n| prepend_element(s, n, &value)).expect("an edit")
}

fn retrier() -> Json {
    json!([{"ErrorEquals": ["Lambda.ServiceException", "States.Timeout"], "MaxAttempts": 3}])
}

#[test]
fn append_to_multi_line_json_copies_the_indentation() {
    let text = "{\n  \"A\": {\n    \"Type\": \"Task\",\n    \"End\": true\n  }\n}\n";
    assert_eq!(
        append(text, J, &["A"], "Retry", retrier()),
        "{\n  \"A\": {\n    \"Type\": \"Task\",\n    \"End\": true,\n    \"Retry\": [\n      {\n        \"ErrorEquals\": [\n          \"Lambda.ServiceException\",\n          \"States.Timeout\"\n        ],\n        \"MaxAttempts\": 3\n      }\n    ]\n  }\n}\n"
    );
}

#[test]
fn append_after_a_kept_block_scalar_keeps_its_blank_lines() {
    // `|+` keeps the blank lines after its text: they are part of the value.
    let text = "A:\n  Type: Pass\n  Result: |+\n    keep\n\n\nB:\n  Type: Pass\n";
    assert_eq!(
        append(text, Y, &["A"], "End", json!(true)),
        "A:\n  Type: Pass\n  Result: |+\n    keep\n\n\n  End: true\nB:\n  Type: Pass\n"
    );
    let text = "A:\n  Result:\n    msg: >+ # kept\n      keep\n\n";
    assert_eq!(
        append(text, Y, &["A"], "End", json!(true)),
        "A:\n  Result:\n    msg: >+ # kept\n      keep\n\n  End: true\n"
    );
    // Clipped (`|`) and stripped (`|-`) scalars own no blank lines: the new line goes
    // right after the text.
    let text = "A:\n  Result: |-\n    keep\n\nB: 1\n";
    assert_eq!(
        append(text, Y, &["A"], "End", json!(true)),
        "A:\n  Result: |-\n    keep\n  End: true\n\nB: 1\n"
    );
}

#[test]
fn append_with_tabs_and_four_spaces() {
    let text = "{\n\t\"A\": {\n\t\t\"Type\": \"Pass\"\n\t}\n}";
    assert_eq!(
        append(text, J, &["A"], "End", json!(true)),
        "{\n\t\"A\": {\n\t\t\"Type\": \"Pass\",\n\t\t\"End\": true\n\t}\n}"
    );
    let text = "{\n    \"A\": {\"Type\": \"Pass\"}\n}";
    assert_eq!(
        append(text, J, &[], "B", json!({"x": [1]})),
        "{\n    \"A\": {\"Type\": \"Pass\"},\n    \"B\": {\n        \"x\": [\n            1\n        ]\n    }\n}"
    );
}

#[test]
fn append_to_one_line_and_empty_objects() {
    let text = r#"{"A": {"Type": "Pass"}, "B": {}}"#;
    assert_eq!(
        append(text, J, &["A"], "Next", json!("B")),
        r#"{"A": {"Type": "Pass", "Next": "B"}, "B": {}}"#
    );
    assert_eq!(
        append(text, J, &["B"], "Type", json!("Succeed")),
        r#"{"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}"#
    );
}

#[test]
fn append_to_yaml_block_mapping() {
    let text = "States:\n  A:\n    Type: Task\n    End: true  # last\n  B:\n    Type: Succeed\n";
    assert_eq!(
        append(text, Y, &["States", "A"], "Retry", retrier()),
        "States:\n  A:\n    Type: Task\n    End: true  # last\n    Retry:\n      - ErrorEquals:\n          - Lambda.ServiceException\n          - States.Timeout\n        MaxAttempts: 3\n  B:\n    Type: Succeed\n"
    );
    // At the end of a file without a final newline (none is added), and with values
    // YAML must quote.
    let value = json!({"yes": "no", "n": "1.5", "s": "a: b", "t": "plain text", "e": ""});
    assert_eq!(
        append("A:\n  Type: Pass", Y, &["A"], "Result", value),
        "A:\n  Type: Pass\n  Result:\n    \"yes\": \"no\"\n    \"n\": \"1.5\"\n    s: \"a: b\"\n    t: plain text\n    e: \"\""
    );
}

#[test]
fn append_to_a_mapping_in_a_sequence_and_to_a_flow_mapping() {
    let text = "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true}}\n";
    assert_eq!(
        append(text, Y, &["Branches", "0"], "Comment", json!("one")),
        "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true}}\n    Comment: one\n"
    );
    assert_eq!(
        append(
            text,
            Y,
            &["Branches", "0", "States", "X"],
            "Comment",
            json!("two")
        ),
        "Branches:\n  - StartAt: X\n    States: {X: {Type: Pass, End: true, Comment: two}}\n"
    );
}

#[test]
fn remove_from_json_first_middle_last_and_only() {
    let text = "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": {\"d\": 3}\n}";
    let cases = [
        (0, "{\n  \"b\": [2],\n  \"c\": {\"d\": 3}\n}"),
        (1, "{\n  \"a\": 1,\n  \"c\": {\"d\": 3}\n}"),
        (2, "{\n  \"a\": 1,\n  \"b\": [2]\n}"),
    ];
    for (index, expected) in cases {
        assert_eq!(remove(text, J, &[], index).as_deref(), Some(expected));
    }
    assert_eq!(
        remove(text, J, &["c"], 0).as_deref(),
        Some("{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": {}\n}")
    );
    assert_eq!(remove(text, J, &[], 3), None);
}

#[test]
fn remove_from_yaml_block_mappings() {
    let text = "A:\n  Type: Task\n  # the function\n  Resource: arn\n  End: true\nB: 1\n";
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
        assert_eq!(remove(text, Y, &["A"], index).as_deref(), Some(expected));
    }
    // A nested block value goes with its key.
    assert_eq!(remove(text, Y, &[], 0).as_deref(), Some("B: 1\n"));
    // The only member of a block mapping stays: its key would be left without a value.
    assert_eq!(remove("A:\n  End: true\n", Y, &["A"], 0), None);
}

#[test]
fn remove_the_first_key_of_a_sequence_item_keeps_the_dash() {
    let text = "- Next: X\n  End: true\n  Type: Pass\n";
    assert_eq!(
        remove(text, Y, &["0"], 0).as_deref(),
        Some("- End: true\n  Type: Pass\n")
    );
    assert_eq!(
        remove(text, Y, &["0"], 2).as_deref(),
        Some("- Next: X\n  End: true\n")
    );
    assert_eq!(
        remove("- {Next: X, End: true}\n", Y, &["0"], 1).as_deref(),
        Some("- {Next: X}\n")
    );
}

#[test]
fn prepend_to_json_arrays() {
    let text = "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": []}";
    assert_eq!(
        prepend(text, J, &["R"], json!({"ErrorEquals": ["X"]})),
        "{\"R\": [\n    {\n      \"ErrorEquals\": [\n        \"X\"\n      ]\n    },\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": []}"
    );
    assert_eq!(
        prepend(text, J, &["S"], json!(0)),
        "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [0, 1], \"T\": []}"
    );
    assert_eq!(
        prepend(text, J, &["T"], json!("x")),
        "{\"R\": [\n    {\"ErrorEquals\": [\"States.ALL\"]}\n  ], \"S\": [1], \"T\": [\"x\"]}"
    );
}

#[test]
fn prepend_to_yaml_sequences() {
    let text = "Retry:\n  - ErrorEquals: [States.ALL]\n    MaxAttempts: 2\nNext: B\n";
    let value = json!({"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1});
    assert_eq!(
        prepend(text, Y, &["Retry"], value),
        "Retry:\n  - ErrorEquals:\n      - Lambda.ServiceException\n    IntervalSeconds: 1\n  - ErrorEquals: [States.ALL]\n    MaxAttempts: 2\nNext: B\n"
    );
    // Sequence entries at the column of their key.
    assert_eq!(
        prepend(
            "Retry:\n- ErrorEquals: [States.ALL]\n",
            Y,
            &["Retry"],
            json!("x")
        ),
        "Retry:\n- x\n- ErrorEquals: [States.ALL]\n"
    );
    assert_eq!(
        prepend("Retry: [a, b]\n", Y, &["Retry"], json!({"k": 1})),
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

fn remove_at(text: &str, kind: SourceKind, path: &[&str], index: usize) -> Option<String> {
    edited(text, kind, path, |s, n| remove_element(s, n, index))
}

fn move_last(text: &str, kind: SourceKind, path: &[&str], index: usize) -> Option<String> {
    edited(text, kind, path, |s, n| {
        move_element(s, n, index, n.as_array().unwrap().len() - 1)
    })
}

#[test]
fn remove_elements_from_json_and_flow_arrays() {
    let text = r#"{"E": ["A", "B", "C"]}"#;
    assert_eq!(
        remove_at(text, J, &["E"], 0).unwrap(),
        r#"{"E": ["B", "C"]}"#
    );
    assert_eq!(
        remove_at(text, J, &["E"], 1).unwrap(),
        r#"{"E": ["A", "C"]}"#
    );
    assert_eq!(
        remove_at(text, J, &["E"], 2).unwrap(),
        r#"{"E": ["A", "B"]}"#
    );
    assert_eq!(
        remove_at(r#"{"E": ["A"]}"#, J, &["E"], 0).unwrap(),
        r#"{"E": []}"#
    );
    let text = "{\n  \"R\": [\n    {\"a\": 1},\n    {\"b\": 2}\n  ]\n}";
    assert_eq!(
        remove_at(text, J, &["R"], 1).unwrap(),
        "{\n  \"R\": [\n    {\"a\": 1}\n  ]\n}"
    );
    assert_eq!(remove_at("E: [A, B]\n", Y, &["E"], 0).unwrap(), "E: [B]\n");
}

#[test]
fn remove_elements_from_yaml_block_sequences() {
    let text = "Retry:\n  - ErrorEquals: [A]\n    MaxAttempts: 2\n  # about B\n  - ErrorEquals: [B]\nEnd: true\n";
    assert_eq!(
        remove_at(text, Y, &["Retry"], 0).unwrap(),
        "Retry:\n  # about B\n  - ErrorEquals: [B]\nEnd: true\n"
    );
    assert_eq!(
        remove_at(text, Y, &["Retry"], 1).unwrap(),
        "Retry:\n  - ErrorEquals: [A]\n    MaxAttempts: 2\n  # about B\nEnd: true\n"
    );
    // The only entry: removing it would leave `Retry:` meaning null.
    assert_eq!(remove_at("Retry:\n  - A\n", Y, &["Retry"], 0), None);
}

#[test]
fn move_an_element_last_keeps_the_separators() {
    assert_eq!(
        move_last(
            r#"{"C": [{"E": ["States.ALL"]}, {"E": ["X"]}, {"E": ["Y"]}]}"#,
            J,
            &["C"],
            0
        )
        .unwrap(),
        r#"{"C": [{"E": ["X"]}, {"E": ["Y"]}, {"E": ["States.ALL"]}]}"#
    );
    let text =
        "{\n  \"C\": [\n    {\n      \"E\": [\"States.ALL\"]\n    },\n    {\"E\": [\"X\"]}\n  ]\n}";
    assert_eq!(
        move_last(text, J, &["C"], 0).unwrap(),
        "{\n  \"C\": [\n    {\"E\": [\"X\"]},\n    {\n      \"E\": [\"States.ALL\"]\n    }\n  ]\n}"
    );
    // Already last: nothing to move.
    assert_eq!(move_last(r#"{"C": [1, 2]}"#, J, &["C"], 1), None);
}

#[test]
fn move_a_yaml_entry_last() {
    let text = "Catch:\n  - ErrorEquals: [States.ALL]\n    Next: F\n  - ErrorEquals: [X]\n    Next: G\nEnd: true\n";
    assert_eq!(
        move_last(text, Y, &["Catch"], 0).unwrap(),
        "Catch:\n  - ErrorEquals: [X]\n    Next: G\n  - ErrorEquals: [States.ALL]\n    Next: F\nEnd: true\n"
    );
    // The last entry ends the file without a newline.
    assert_eq!(
        move_last("C:\n  - a\n  - b", Y, &["C"], 0).unwrap(),
        "C:\n  - b\n  - a\n"
    );
}

fn move_to(text: &str, kind: SourceKind, path: &[&str], from: usize, to: usize) -> String {
    edited(text, kind, path, |s, n| move_element(s, n, from, to)).expect("an edit")
}

#[test]
fn move_an_element_up() {
    assert_eq!(
        move_to(r#"{"R": ["a", "b", "c"]}"#, J, &["R"], 2, 0),
        r#"{"R": ["c", "a", "b"]}"#
    );
    assert_eq!(
        move_to("{\n  \"R\": [\n    1,\n    2\n  ]\n}", J, &["R"], 1, 0),
        "{\n  \"R\": [\n    2,\n    1\n  ]\n}"
    );
    let text = "Retry:\n  - ErrorEquals: [States.TaskFailed]\n  # throttling\n  - ErrorEquals: [Lambda.TooManyRequestsException]\n    MaxAttempts: 10";
    assert_eq!(
        move_to(text, Y, &["Retry"], 1, 0),
        "Retry:\n  # throttling\n  - ErrorEquals: [Lambda.TooManyRequestsException]\n    MaxAttempts: 10\n  - ErrorEquals: [States.TaskFailed]\n"
    );
    assert_eq!(move_to("A: [x, y, z]\n", Y, &["A"], 0, 1), "A: [y, x, z]\n");
}

fn insert(text: &str, kind: SourceKind, path: &[&str], index: usize, value: Json) -> String {
    edited(text, kind, path, |s, n| {
        insert_member(s, n, index, "StartAt", &value)
    })
    .expect("an edit")
}

#[test]
fn insert_before_a_member() {
    assert_eq!(
        insert(r#"{"States": {}}"#, J, &[], 0, json!("A")),
        r#"{"StartAt": "A", "States": {}}"#
    );
    assert_eq!(
        insert(
            "{\n\t\"Comment\": \"x\",\n\t\"States\": {}\n}",
            J,
            &[],
            1,
            json!("A")
        ),
        "{\n\t\"Comment\": \"x\",\n\t\"StartAt\": \"A\",\n\t\"States\": {}\n}"
    );
    assert_eq!(
        insert(
            "Comment: x\nStates:\n  A:\n    Type: Succeed\n",
            Y,
            &[],
            1,
            json!("A")
        ),
        "Comment: x\nStartAt: A\nStates:\n  A:\n    Type: Succeed\n"
    );
    // The first key of a sequence item keeps the dash.
    assert_eq!(
        insert(
            "Branches:\n  - States:\n      A: {Type: Succeed}\n",
            Y,
            &["Branches", "0"],
            0,
            json!("A")
        ),
        "Branches:\n  - StartAt: A\n    States:\n      A: {Type: Succeed}\n"
    );
    assert_eq!(
        insert("B: {States: {}}\n", Y, &["B"], 0, json!("yes")),
        "B: {StartAt: \"yes\", States: {}}\n"
    );
}

#[test]
fn strings_are_written_in_the_style_of_the_token_they_replace() {
    assert_eq!(string_like(J, "\"A\"", "Say \"hi\""), "\"Say \\\"hi\\\"\"");
    assert_eq!(string_like(Y, "A", "Do it"), "Do it");
    assert_eq!(string_like(Y, "A", "yes"), "\"yes\"");
    assert_eq!(string_like(Y, "A", "a: b"), "\"a: b\"");
    assert_eq!(string_like(Y, "A", "2nd try"), "\"2nd try\"");
    assert_eq!(string_like(Y, "'A'", "it's"), "'it''s'");
    assert_eq!(string_like(Y, "\"A\"", "Do it"), "\"Do it\"");
    // A completion has no token to follow: plain when it can be.
    assert_eq!(string_like(Y, "", "Cancel"), "Cancel");
}

#[test]
fn removing_the_member_that_ends_a_wrapped_line_keeps_the_next_line() {
    let text = "{\"B\": {\"Type\": \"Succeed\", \"End\": true,\n  \"Comment\": \"c\"}}\n";
    assert_eq!(
        remove(text, J, &["B"], 1).unwrap(),
        "{\"B\": {\"Type\": \"Succeed\",\n  \"Comment\": \"c\"}}\n"
    );
    // The spaces before its key go too: the line does not end in them (they used to
    // be left before the line break).
    let text = "{\"ErrorEquals\": [\"Other\"], \"MaxAttempts\": 1, \"BackoffRate\": 2.5,\n \"IntervalSeconds\": 2}";
    let doc = parse(text, J);
    let root = doc.root.as_ref().unwrap();
    let edit = remove_member(text, root, 2).unwrap();
    assert_eq!(&text[edit.range.as_usize()], " \"BackoffRate\": 2.5,");
    assert_eq!(
        remove(text, J, &[], 2).unwrap(),
        "{\"ErrorEquals\": [\"Other\"], \"MaxAttempts\": 1,\n \"IntervalSeconds\": 2}"
    );
    // A member on a line of its own goes with its line.
    let text = "{\"B\": {\"Type\": \"Succeed\",\n  \"End\": true,\n  \"Comment\": \"c\"}}\n";
    assert_eq!(
        remove(text, J, &["B"], 1).unwrap(),
        "{\"B\": {\"Type\": \"Succeed\",\n  \"Comment\": \"c\"}}\n"
    );
}

#[test]
fn yaml_additions_follow_the_files_step_and_sequence_style() {
    // Three-space steps; sequences under keys at the key's column (as PyYAML writes).
    let text = "StartAt: A\nStates:\n   A:\n      Type: Task\n      Catch:\n      - ErrorEquals:\n        - States.ALL\n        Next: A\n";
    assert_eq!(
        append(text, Y, &["States", "A"], "Retry", retrier()),
        "StartAt: A\nStates:\n   A:\n      Type: Task\n      Catch:\n      - ErrorEquals:\n        - States.ALL\n        Next: A\n      Retry:\n      - ErrorEquals:\n        - Lambda.ServiceException\n        - States.Timeout\n        MaxAttempts: 3\n"
    );
}

#[test]
fn yaml_additions_follow_the_files_spacing_after_a_dash() {
    let text = "States:\n  A:\n    Type: Task\n    Catch:\n      -  ErrorEquals: [States.ALL]\n         Next: A\n";
    assert_eq!(
        append(text, Y, &["States", "A"], "Retry", retrier()),
        "States:\n  A:\n    Type: Task\n    Catch:\n      -  ErrorEquals: [States.ALL]\n         Next: A\n    Retry:\n      -  ErrorEquals:\n           -  Lambda.ServiceException\n           -  States.Timeout\n         MaxAttempts: 3\n"
    );
}
