//! Reads every `.yaml`/`.yml` file of the shared real-world corpus with the YAML reader:
//! no panic, no errors but duplicate keys on these (valid) files, and the expected
//! structure on a few CloudFormation templates.

mod common;

use std::path::PathBuf;

use asl_lint::syntax::{SyntaxErrorKind, Value, yaml};

fn corpus() -> Option<PathBuf> {
    common::shared("corpus/real")
}

#[test]
fn every_corpus_yaml_file_reads_cleanly() {
    let Some(dir) = corpus() else { return };
    let files = common::yaml_files(&dir);
    assert!(files.len() > 200, "only {} YAML files found", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = yaml::parse(&text);
        // All corpus files load with PyYAML; only duplicate keys may be reported.
        for e in doc
            .errors
            .iter()
            .filter(|e| !matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
        {
            failures.push(format!("{}: {:?} {}", path.display(), e.range, e.message));
        }
        if doc.root.is_none() {
            failures.push(format!("{}: no tree", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cloudformation_templates_have_the_expected_structure() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("awslabs__amazon-s3-find-and-forget/templates__state_machine.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = yaml::parse(&text);
    let root = doc.root.unwrap();
    let machine = root
        .get("Resources")
        .unwrap()
        .get("AthenaStateMachine")
        .unwrap();
    assert_eq!(
        machine.get("Type").unwrap().as_str(),
        Some("AWS::StepFunctions::StateMachine")
    );
    let props = machine.get("Properties").unwrap();
    let role = props.get("RoleArn").unwrap();
    assert_eq!(
        &text[role.range.as_usize()],
        "!GetAtt StatesExecutionRole.Arn"
    );
    assert_eq!(
        role.to_json(),
        serde_json::json!({"Fn::GetAtt": "StatesExecutionRole.Arn"})
    );
    let definition = props.get("DefinitionString").unwrap();
    let Value::Tagged(sub) = &definition.value else {
        panic!("{definition:?}")
    };
    assert_eq!(sub.tag, "!Sub");
    let body = sub.node.as_str().unwrap();
    assert!(
        body.starts_with("{\n  \"StartAt\": \"Execute Query\","),
        "{body:.60}"
    );
    // The block scalar is the JSON definition; it reads as JSON.
    let inner = asl_lint::syntax::json::parse(body);
    assert_eq!(
        inner.root.unwrap().get("StartAt").unwrap().as_str(),
        Some("Execute Query")
    );

    let path =
        dir.join("aws-samples__aws-etl-orchestrator/cloudformation__step-functions-resources.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let root = yaml::parse(&text).root.unwrap();
    let resources = root.get("Resources").unwrap().as_object().unwrap();
    let machines: Vec<_> = resources
        .iter()
        .filter(|m| {
            m.value.get("Type").and_then(|t| t.as_str()) == Some("AWS::StepFunctions::StateMachine")
        })
        .collect();
    assert!(!machines.is_empty());
    for m in machines {
        assert!(
            m.value
                .get("Properties")
                .unwrap()
                .get("DefinitionString")
                .is_some(),
            "{}",
            m.key
        );
        assert_eq!(&text[m.key_range.as_usize()], m.key);
    }
}
