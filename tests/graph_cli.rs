//! `asl-lint graph`: DOT and Mermaid output, templates, SVG through Graphviz.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

const FILE: &str = "tests/fixtures/ci/graph.asl.json";

#[test]
fn dot_has_clusters_edge_kinds_and_unreachable_states() {
    let o = run(&["graph", FILE, "--format", "dot"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    insta::assert_snapshot!("graph_dot", out);
}

#[test]
fn mermaid_output() {
    let o = run(&["graph", FILE, "--format", "mermaid"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("graph_mermaid", String::from_utf8(o.stdout).unwrap());
}

#[test]
fn templates_need_a_choice_when_they_hold_several_machines() {
    let o = run(&["graph", "tests/fixtures/ci/cfn-template.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("2 state machines here; choose one with --definition (OrderMachine, Broken)"),
        "{err}"
    );
    let o = run(&[
        "graph",
        "tests/fixtures/ci/cfn-template.json",
        "--definition",
        "OrderMachine",
        "--format",
        "mermaid",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    // `${Then}` was substituted with "Done": Charge leads to Done.
    assert!(out.contains("  s0_1 --> s0_2\n"), "{out}");
    assert!(out.contains("s0_0[\"Validate<br/><i>Task</i>\"]"), "{out}");
}

#[test]
fn svg_needs_graphviz() {
    let has_dot = Command::new("dot").arg("-V").output().is_ok();
    let o = run(&["graph", FILE, "--format", "svg"]);
    if has_dot {
        assert_eq!(o.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
    } else {
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("needs Graphviz `dot`"));
    }
    assert_eq!(run(&["graph", "no/such.json"]).status.code(), Some(2));
}
