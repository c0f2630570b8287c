//! Layout-keeping edits (`syntax::edit`, the base of quick fixes) on real documents:
//! every fixture and example, and the shared real-world corpus when it is there. Each
//! edit must leave a document that reads without errors and means exactly the
//! original with that one change.

mod common;

use std::path::{Path, PathBuf};

use asl_lint::syntax::edit::{
    TextEdit, append_member, insert_member, move_element, prepend_element, remove_element,
    remove_member,
};
use asl_lint::syntax::{Node, SourceKind, Value, detect_kind, parse};
use serde_json::{Value as Json, json};

/// One step from a node to a child: an object member or an array element.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every object and array of the tree, with its path from the root.
fn collections<'a, 's>(
    node: &'a Node<'s>,
    path: Vec<Step>,
    out: &mut Vec<(Vec<Step>, &'a Node<'s>)>,
) {
    match &node.value {
        Value::Object(members) => {
            out.push((path.clone(), node));
            for m in members {
                let mut p = path.clone();
                p.push(Step::Key(m.key.to_string()));
                collections(&m.value, p, out);
            }
        }
        Value::Array(items) => {
            out.push((path.clone(), node));
            for (i, item) in items.iter().enumerate() {
                let mut p = path.clone();
                p.push(Step::Index(i));
                collections(item, p, out);
            }
        }
        Value::Tagged(t) => {
            // `!Sub x` reads as {"Fn::Sub": x}: the tagged value is one level down.
            let mut p = path;
            p.push(Step::Key(t.json_key()));
            collections(&t.node, p, out);
        }
        _ => {}
    }
}

fn at_mut<'a>(mut value: &'a mut Json, path: &[Step]) -> &'a mut Json {
    for step in path {
        value = match step {
            Step::Key(k) => value.get_mut(k.as_str()).unwrap(),
            Step::Index(i) => value.get_mut(*i).unwrap(),
        };
    }
    value
}

/// Applies `edit` and checks the result against `expected`. Returns false when the
/// function declined.
fn check(
    file: &Path,
    kind: SourceKind,
    text: &str,
    edit: Option<TextEdit>,
    expected: Json,
    what: &str,
) -> bool {
    let Some(edit) = edit else { return false };
    let mut out = text.to_string();
    out.replace_range(edit.range.as_usize(), &edit.text);
    let doc = parse(&out, kind);
    assert!(
        doc.errors.is_empty(),
        "{}: {what} gives errors {:?} in\n{out}",
        file.display(),
        doc.errors
    );
    let got = doc.root.as_ref().map(Node::to_json).unwrap_or_default();
    assert!(
        got == expected,
        "{}: {what} changes more than asked:\n{out}",
        file.display()
    );
    true
}

/// Runs up to `limit` edits of each kind on one file; returns how many were made.
fn exercise(file: &Path, limit: usize) -> [usize; 6] {
    let Ok(text) = std::fs::read_to_string(file) else {
        return [0; 6];
    };
    let kind = detect_kind(file.to_str(), &text);
    // Aliases copy their anchor's ranges: an edit there would change the anchor too.
    if kind == SourceKind::Yaml && text.contains('&') && text.contains('*') {
        return [0; 6];
    }
    let doc = parse(&text, kind);
    let Some(root) = doc.root.as_ref().filter(|_| doc.errors.is_empty()) else {
        return [0; 6];
    };
    let original = root.to_json();
    let mut all = Vec::new();
    collections(root, Vec::new(), &mut all);
    let mut made = [0; 6];
    let added = json!({"ErrorEquals": ["States.ALL"], "Note": "a: b", "n": [1, true, null]});
    for (path, node) in &all {
        match &node.value {
            Value::Object(members) => {
                if made[0] < limit && !members.iter().any(|m| m.key == "Added") {
                    let mut expected = original.clone();
                    at_mut(&mut expected, path)
                        .as_object_mut()
                        .unwrap()
                        .insert("Added".into(), added.clone());
                    let edit = append_member(&text, node, "Added", &added);
                    made[0] += check(file, kind, &text, edit, expected, "append") as usize;
                }
                // Duplicate keys would make the expected tree ambiguous.
                let unique = members
                    .iter()
                    .map(|m| m.key.as_ref())
                    .collect::<std::collections::HashSet<_>>()
                    .len()
                    == members.len();
                if unique
                    && !members.is_empty()
                    && !members.iter().any(|m| m.key == "Added")
                    && made[5] < limit
                {
                    // Before the first member; in the expected tree the order of keys
                    // does not count (serde_json maps compare as sets).
                    let mut expected = original.clone();
                    at_mut(&mut expected, path)
                        .as_object_mut()
                        .unwrap()
                        .insert("Added".into(), added.clone());
                    let edit = insert_member(&text, node, 0, "Added", &added);
                    made[5] += check(file, kind, &text, edit, expected, "insert") as usize;
                }
                if unique && !members.is_empty() && made[1] < limit {
                    let index = members.len() / 2;
                    let mut expected = original.clone();
                    at_mut(&mut expected, path)
                        .as_object_mut()
                        .unwrap()
                        .shift_remove(members[index].key.as_ref());
                    let edit = remove_member(&text, node, index);
                    made[1] += check(file, kind, &text, edit, expected, "remove") as usize;
                }
            }
            Value::Array(items) => {
                let array = |f: &dyn Fn(&mut Vec<Json>)| {
                    let mut expected = original.clone();
                    f(at_mut(&mut expected, path).as_array_mut().unwrap());
                    expected
                };
                if made[2] < limit {
                    let expected = array(&|a| a.insert(0, added.clone()));
                    let edit = prepend_element(&text, node, &added);
                    made[2] += check(file, kind, &text, edit, expected, "prepend") as usize;
                }
                if !items.is_empty() && made[3] < limit {
                    let index = items.len() / 2;
                    let expected = array(&|a| {
                        a.remove(index);
                    });
                    let edit = remove_element(&text, node, index);
                    made[3] += check(file, kind, &text, edit, expected, "remove element") as usize;
                }
                // The first element last, and the last one first.
                let last = items.len().saturating_sub(1);
                for (from, to) in [(0, last), (last, 0)] {
                    if items.len() > 1 && made[4] < limit {
                        let expected = array(&|a| {
                            let moved = a.remove(from);
                            a.insert(to, moved);
                        });
                        let edit = move_element(&text, node, from, to);
                        made[4] += check(file, kind, &text, edit, expected, "move") as usize;
                    }
                }
            }
            _ => {}
        }
    }
    made
}

/// Edits on every file, at most `limit` of each kind per file: the totals.
fn exercise_all(files: &[PathBuf], limit: usize) -> [usize; 6] {
    let mut total = [0; 6];
    for file in files {
        let made = exercise(file, limit);
        for k in 0..6 {
            total[k] += made[k];
        }
    }
    total
}

const KINDS: &[&str] = &["json", "yaml", "yml"];

#[test]
fn edits_on_fixtures_and_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = common::files_with_extensions(&root.join("tests/fixtures"), KINDS);
    files.extend(common::files_with_extensions(&root.join("examples"), KINDS));
    let total = exercise_all(&files, 50);
    eprintln!("fixtures and examples: {total:?}");
    // Each kind of edit was made many times (arrays are fewer than objects).
    assert!(
        total[0] > 1000
            && total[1] > 1000
            && total[2] > 150
            && total[3] > 150
            && total[4] > 30
            && total[5] > 1000,
        "edits made: {total:?} on {} files",
        files.len()
    );
}

#[test]
fn edits_on_the_real_world_corpus() {
    let Some(dir) = common::shared("corpus/real") else {
        return;
    };
    let mut files = common::files_with_extensions(&dir, KINDS);
    files.retain(|f| std::fs::metadata(f).is_ok_and(|m| m.len() < 64 * 1024));
    let total = exercise_all(&files, 8);
    eprintln!(
        "append, remove, prepend, remove element, move, insert: {total:?} on {} files",
        files.len()
    );
    assert!(
        [0, 1, 2, 5].iter().all(|&k| total[k] > 2000) && total[3..5].iter().all(|&n| n > 1000),
        "edits made: {total:?} on {} files",
        files.len()
    );
}
