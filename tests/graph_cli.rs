//! `asl-lint graph`: DOT, Mermaid and SVG output, templates.

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
        err.contains("the template has 2 state machines: choose one with --definition NAME; the state machines are: OrderMachine, Broken"),
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

/// A SAM state machine whose definition is a `DefinitionUri` file is drawn from that
/// file, with the template's `DefinitionSubstitutions`.
#[test]
fn sam_definition_uri_is_drawn_from_the_file() {
    let o = run(&[
        "graph",
        "tests/fixtures/ci/sam-uri/template.yaml",
        "--format",
        "mermaid",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with(
            "flowchart TD\n  s0_0[\"Charge<br/><i>Task</i>\"]\n  s0_1[\"Pause<br/><i>Wait</i>\"]\n"
        ),
        "{out}"
    );
    assert!(out.contains("  start --> s0_0\n  s0_0 --> s0_1\n"), "{out}");
}

/// A Terraform file's state machine is drawn as Terraform deploys it: a `templatefile`
/// with its variables (`${Seconds}` filled in), a `jsonencode` object.
#[test]
fn terraform_state_machines_are_drawn_by_name() {
    let tf = "tests/fixtures/ci/terraform/main.tf";
    let o = run(&["graph", tf, "--definition", "legacy", "--format", "mermaid"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "flowchart TD\n  s0_0[\"Pause<br/><i>Wait</i>\"]\n  s0_1[\"Notify<br/><i>Task</i>\"]\n  start((start))\n  start --> s0_0\n  s0_0 --> s0_1\n  classDef unreachable stroke:#c00,stroke-dasharray:5 5\n  classDef terminal stroke-width:3px\n  class s0_1 terminal\n"
    );
    let o = run(&[
        "graph",
        tf,
        "--definition",
        "aws_sfn_state_machine.encoded",
        "--format",
        "mermaid",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("s0_0[\"Charge<br/><i>Task</i>\"]") && out.contains("  s0_0 --> s0_1\n"),
        "{out}"
    );
    // Which one, when there are several; one Terraform computes cannot be drawn.
    let o = run(&["graph", tf]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        format!(
            "error: {tf}: the file has 6 state machines: choose one with --definition NAME; the state machines are: aws_sfn_state_machine.orders, aws_sfn_state_machine.inline, aws_sfn_state_machine.legacy, aws_sfn_state_machine.computed, aws_sfn_state_machine.encoded, aws_sfn_state_machine.gone\n"
        )
    );
    let o = run(&["graph", tf, "--definition", "computed"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        format!(
            "error: {tf}: the definition of `aws_sfn_state_machine.computed` is `var.definition`, which asl-lint does not evaluate\n"
        )
    );
}

/// The elements of an SVG document, checked to nest properly; the names of the
/// opened elements, in order.
fn elements(svg: &str) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a tag is closed");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(name),
                "</{name}> closes nothing open"
            );
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            seen.push(name.clone());
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
    }
    assert!(open.is_empty(), "left open: {open:?}");
    seen
}

#[test]
fn svg_is_drawn_without_graphviz() {
    let o = run(&["graph", FILE, "--format", "svg"]);
    assert_eq!(o.status.code(), Some(0));
    let svg = String::from_utf8(o.stdout).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    let tags = elements(&svg);
    // Eight states (two nested), two markers (Start, End), a branch and a processor.
    assert_eq!(tags.iter().filter(|t| *t == "title").count(), 8);
    assert_eq!(svg.matches("class=\"marker\"").count(), 2);
    assert_eq!(svg.matches("class=\"branch\"").count(), 2);
    // Names are escaped; the island is marked.
    assert!(svg.contains("data-name=\"Lost &quot;one&quot;\""), "{svg}");
    assert!(svg.contains("Pass · unreachable"), "{svg}");
    // The Choice rule's edge says what it tests; the catcher's is red.
    assert!(svg.contains(">$.x is present</text>"), "{svg}");
    assert!(svg.contains("class=\"edge catch\""), "{svg}");
    insta::assert_snapshot!("graph_svg", svg);
    assert_eq!(run(&["graph", "no/such.json"]).status.code(), Some(2));
}

/// A transition to no state: the SVG leaves it out and says so on standard error; DOT
/// and Mermaid draw it to a red placeholder. A sound definition draws without a word.
#[test]
fn gaps_in_the_drawing_are_told() {
    let dir = std::env::temp_dir().join(format!("asl-lint-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gap.asl.json");
    std::fs::write(
        &path,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}, "B": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let o = run(&["graph", path.to_str().unwrap(), "--format", "svg"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("1 problem leaves parts of the graph out (ASL201)"),
        "{err}"
    );
    // DOT and Mermaid draw the transition, to a red placeholder, without a warning.
    let o = run(&["graph", path.to_str().unwrap(), "--format", "mermaid"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("  missing_0[\"no state: Nope\"]\n  s0_0 -.-> missing_0\n"),
        "{out}"
    );
    assert!(o.stderr.is_empty());
    let o = run(&["graph", path.to_str().unwrap(), "--format", "dot"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("  s0_0 -> missing_0 [color=red];"), "{out}");
    let o = run(&["graph", FILE]);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Serverless state machine is named by its key alone too; a template without any
/// says so plainly.
#[test]
fn serverless_names_and_templates_without_machines() {
    let dir = std::env::temp_dir().join(format!("asl-lint-graph-sls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sls = dir.join("serverless.yml");
    std::fs::write(
        &sls,
        "service: x\nstepFunctions:\n  stateMachines:\n    first:\n      definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, End: true}\n    second:\n      definition:\n        StartAt: B\n        States:\n          B: {Type: Succeed}\n",
    )
    .unwrap();
    for name in ["first", "stateMachines.first"] {
        let o = run(&[
            "graph",
            sls.to_str().unwrap(),
            "--definition",
            name,
            "--format",
            "mermaid",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8(o.stdout).unwrap().contains("\"A<br/>"));
    }
    let empty = dir.join("template.yaml");
    std::fs::write(
        &empty,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B: {Type: AWS::S3::Bucket}\n",
    )
    .unwrap();
    let o = run(&["graph", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.ends_with("the template defines no state machine\n"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bytes that are not UTF-8 are refused, as `check` and `simulate` refuse them, not
/// drawn with U+FFFD in a state's name.
#[test]
fn invalid_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.asl.json");
    std::fs::write(
        &path,
        b"{\"StartAt\": \"A\xff\", \"States\": {\"A\xff\": {\"Type\": \"Succeed\"}}}",
    )
    .unwrap();
    let o = run(&["graph", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        format!(
            "error: {}: invalid UTF-8 (byte 0xFF at offset 14); the file must be UTF-8 text\n",
            path.display()
        )
    );
}

/// A Terraform heredoc that is never closed is drawn as far as it goes, with a warning:
/// Terraform refuses the file.
#[test]
fn unclosed_terraform_heredoc_is_drawn_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.tf");
    std::fs::write(
        &path,
        "resource \"aws_sfn_state_machine\" \"sm\" {\n  definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}\n",
    )
    .unwrap();
    let o = run(&["graph", path.to_str().unwrap(), "--format", "mermaid"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("s0_0[\"A<br/><i>Succeed</i>\"]"),
        "drawn"
    );
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        format!(
            "warning: {}:2:16: this heredoc is never closed: Terraform expects a line holding just `EOF` after it; the drawing takes the definition to run to the end of the file\n",
            path.display()
        )
    );
}

/// A file with nothing to draw because the reader could not read it says where.
#[test]
fn nothing_to_draw_names_the_first_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.asl.yaml");
    std::fs::write(&path, "a: [\n b: }\n").unwrap();
    let o = run(&["graph", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        format!(
            "error: {}: the definition has no states: the file has errors, the first at 1:4: invalid YAML: mismatched bracket '[' closed by '}}'\n",
            path.display()
        )
    );
}

/// A definition file that a template deploys is drawn as `check` lints it: with that
/// template's `DefinitionSubstitutions` (`"Next": "${Then}"` leads to Ship), and a
/// note on standard error saying which state machine was drawn.
#[test]
fn a_file_a_template_deploys_is_drawn_with_its_substitutions() {
    let file = "tests/fixtures/ci/sam-uri/statemachine/orders.asl.json";
    let alone = run(&["graph", file, "--format", "mermaid"]);
    let template = run(&[
        "graph",
        "tests/fixtures/ci/sam-uri/template.yaml",
        "--format",
        "mermaid",
    ]);
    assert_eq!(alone.status.code(), Some(0));
    assert_eq!(alone.stdout, template.stdout);
    assert_eq!(
        String::from_utf8(alone.stderr).unwrap(),
        format!(
            "note: drawing \"Orders\" of tests/fixtures/ci/sam-uri/template.yaml, which deploys {file} (its substitutions applied)\n"
        )
    );
}

/// A definition on its own takes the placeholder values of its asl-lint.toml, as
/// `check` does: `"Next": "${Then}"` is an edge to Done, not to a missing state.
#[test]
fn a_definition_alone_takes_the_values_of_its_config() {
    let o = run(&[
        "graph",
        "tests/fixtures/ci/config-values/step.asl.json",
        "--format",
        "mermaid",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("  s0_0 --> s0_1\n"), "{out}");
    assert!(!out.contains("missing"), "{out}");
}

/// A transition a template parameter gives (`Next: !Ref Target`) is drawn to the state
/// of the parameter's default, as the simulator runs it, with a note; it was no edge,
/// and both B and C were drawn unreachable.
#[test]
fn a_transition_a_parameter_gives_is_drawn_with_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.yaml");
    std::fs::write(
        &template,
        "Parameters:\n  Target: {Type: String, Default: B}\nResources:\n  T:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Next: !Ref Target}\n          B: {Type: Pass, End: true}\n          C: {Type: Pass, End: true}\n",
    )
    .unwrap();
    let o = run(&["graph", template.to_str().unwrap(), "--format", "mermaid"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("  s0_0 --> s0_1\n"), "{out}");
    assert!(!out.contains("s0_0 --> s0_2"), "{out}");
    assert!(
        String::from_utf8(o.stderr)
            .unwrap()
            .ends_with(": drawn with the template parameters' default values (a transition a parameter gives may go elsewhere once deployed)\n")
    );
}
