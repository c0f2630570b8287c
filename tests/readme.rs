//! README.md against the code it describes.
//!
//! The rule table of README.md, between `<!-- rules:start -->` and `<!-- rules:end -->`,
//! is generated from the rule catalogue: one row per rule with its code, name, default
//! severity, AWS code and the summary `asl-lint rule --list` prints (the first sentence
//! of the rule's "What it does"). To change a row, change the rule's docs, then
//! regenerate the table with
//!
//! ```sh
//! UPDATE_README=1 cargo test --test readme
//! ```

use std::path::Path;

use asl_lint::rules::RULES;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

/// A summary as a Markdown table cell: `|` would end the cell, even in a code span.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The table as README.md shows it, header included, one line per rule.
fn rule_table() -> String {
    let mut out = String::from(
        "| code | name | severity | AWS code | what it reports |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let m = &rule.meta;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.severity.as_str(),
            m.aws_code.unwrap_or(""),
            cell(&m.summary())
        ));
    }
    out
}

#[test]
fn rule_table_is_generated_from_the_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the markers {START} and {END} around the rule table");
    };
    let body_start = start + START.len() + 1;
    assert!(body_start <= end, "{END} comes before {START} in README.md");
    let written = &readme[body_start..end];
    let generated = rule_table();
    if written == generated {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{generated}{}", &readme[..body_start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        eprintln!("README.md: rule table regenerated");
        return;
    }
    let differing: Vec<String> = generated
        .lines()
        .filter(|l| !written.lines().any(|w| w == *l))
        .map(|l| {
            l.split(" | ")
                .next()
                .unwrap_or(l)
                .trim_start_matches("| ")
                .to_string()
        })
        .collect();
    panic!(
        "README.md's rule table differs from the rule catalogue (rows: {}); run `UPDATE_README=1 cargo test --test readme` and commit README.md",
        differing.join(", ")
    );
}

/// Every rule folder under src/rules/ is named in README's layout.
#[test]
fn layout_names_every_rule_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("src/rules/"))
        .expect("README.md's layout has a src/rules/ line");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("src/rules")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = format!("{}/", entry.file_name().to_string_lossy());
            if !line.split_whitespace().any(|w| w == name) {
                missing.push(name);
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "README.md's layout does not name {missing:?}: {line}"
    );
}

/// The simulate section lists the rules whose errors do not stop a run, as the code has them.
#[test]
fn simulate_names_the_rules_that_do_not_stop_a_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let flat = readme.replace('\n', " ");
    let (_, after) = flat
        .split_once("not those of rules that describe a failure at run time, ")
        .expect("README.md's simulate exit codes name the run-time rules");
    let listed: Vec<&str> = after
        .split(':')
        .next()
        .unwrap()
        .split([',', ' '])
        .filter(|w| w.starts_with("ASL"))
        .collect();
    assert_eq!(listed, asl_lint::rules::RUN_TIME_ERRORS);
}
