//! YAML formatting over every YAML fixture (and the shared real-world corpus when it is
//! there): the output reads back as the same tree with the same comments, formatting it
//! again changes nothing, and the indent width chosen does not change the outcome.

mod common;

use std::path::{Path, PathBuf};

use asl_lint::ide::format_yaml;
use asl_lint::syntax::{SyntaxErrorKind, yaml};
use proptest::prelude::*;

fn fixtures() -> Vec<PathBuf> {
    let out = common::yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    assert!(out.len() >= 9, "YAML fixtures: {out:?}");
    out
}

/// The tree (tags included, as `Fn::` objects) and the comments of a YAML text.
fn meaning(text: &str) -> (serde_json::Value, Vec<String>) {
    let doc = yaml::parse(text);
    let root = doc.root.as_ref().map(|r| r.to_json());
    let comments = doc
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect();
    (root.unwrap_or_default(), comments)
}

fn clean(text: &str) -> bool {
    yaml::parse(text)
        .errors
        .iter()
        .all(|e| matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
}

fn check(path: &Path, text: &str) {
    for width in 1..=4 {
        let out = format_yaml(text, width)
            .unwrap_or_else(|| panic!("{} (indent {width}): not formatted", path.display()));
        assert!(clean(&out), "{} (indent {width})", path.display());
        assert_eq!(
            meaning(&out),
            meaning(text),
            "{} (indent {width})",
            path.display()
        );
        assert_eq!(
            format_yaml(&out, width).as_deref(),
            Some(&*out),
            "{} (indent {width}): not idempotent",
            path.display()
        );
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"));
        assert!(out.lines().all(|l| l == l.trim_end()) || text.contains('|') || text.contains('>'));
        // Going through another width and back gives the same text.
        let other = format_yaml(&out, width % 4 + 1).unwrap();
        assert_eq!(
            format_yaml(&other, width).as_deref(),
            Some(&*out),
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_yaml_fixture_formats_to_the_same_tree() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(clean(&text), "{}", path.display());
        check(&path, &text);
    }
}

#[test]
fn the_fixtures_are_already_formatted_with_two_spaces() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            format_yaml(&text, 2).as_deref(),
            Some(&*text),
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_clean_corpus_yaml_file_formats_to_the_same_tree() {
    let Some(dir) = common::shared("corpus/real") else {
        return;
    };
    let files = common::yaml_files(&dir);
    let mut checked = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if clean(&text) {
            check(&path, &text);
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked} files");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Re-indenting with another width, adding trailing spaces and lengthening blank
    /// lines formats back to the fixture (which is laid out with two spaces already).
    #[test]
    fn messed_up_layout_formats_back(file in 0usize..64, width in 1usize..9, seed in any::<u64>()) {
        let files = fixtures();
        let path = &files[file % files.len()];
        let text = std::fs::read_to_string(path).unwrap();
        prop_assume!(!text.contains(['|', '>']));
        let wide = format_yaml(&text, width).unwrap();
        let mut messy = String::new();
        let mut bits = seed;
        for line in wide.lines() {
            messy.push_str(line);
            if bits & 1 == 1 {
                messy.push_str("   ");
            }
            messy.push('\n');
            if line.is_empty() && bits & 2 == 2 {
                messy.push_str("  \n\n");
            }
            bits = bits.rotate_right(2);
        }
        prop_assert_eq!(meaning(&messy), meaning(&text));
        prop_assert_eq!(format_yaml(&messy, 2), Some(text));
    }
}
