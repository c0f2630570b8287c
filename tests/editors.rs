//! The editor integrations' manifests against what they promise.

use std::path::Path;

fn vscode_manifest() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// VS Code starts an extension for the languages it contributes (`asl`, `asl-yaml`), but
/// a template is `yaml` or `json` to it: without an activation event for the templates
/// `aslLint.templates` selects by default, a project holding only templates would get
/// nothing.
#[test]
fn vscode_extension_starts_in_a_project_of_default_templates() {
    let manifest = vscode_manifest();
    let events: Vec<&str> = manifest["activationEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let templates =
        &manifest["contributes"]["configuration"]["properties"]["aslLint.templates"]["default"];
    let templates = templates.as_array().unwrap();
    assert!(!templates.is_empty());
    for pattern in templates {
        let event = format!("workspaceContains:{}", pattern.as_str().unwrap());
        assert!(
            events.contains(&event.as_str()),
            "package.json: no activation event {event:?} for the default template pattern; events: {events:?}"
        );
    }
}

/// The JSON Schema is contributed for `*.asl.json` files kept in VS Code's JSON mode,
/// and on purpose not for the extension's own `asl` language: VS Code's JSON server
/// would then report every syntax error, comment and trailing comma (ASL001, ASL003)
/// and every shape error (ASL1xx, checked against the same schema) a second time.
#[test]
fn vscode_extension_keeps_one_set_of_diagnostics_for_asl_files() {
    let manifest = vscode_manifest();
    let contributes = &manifest["contributes"];
    assert!(
        contributes.get("jsonLanguageParticipants").is_none(),
        "an `asl` JSON language participant doubles asl-lint's diagnostics"
    );
    let validation = contributes["jsonValidation"].as_array().unwrap();
    assert!(
        validation
            .iter()
            .any(|v| v["url"] == "./schemas/asl.schema.json"
                && v["fileMatch"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m == "*.asl.json")),
        "{validation:?}"
    );
}

/// The pre-commit hooks' `files` patterns take the names a directory walk takes, in
/// any case (`X.ASL.JSON`, `Template.YAML`), and nothing else of these samples.
#[test]
fn pre_commit_hooks_take_the_names_a_walk_takes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let hooks = std::fs::read_to_string(path).unwrap();
    let patterns: Vec<regex::Regex> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("files: '")?.strip_suffix('\''))
        .map(|p| regex::Regex::new(p).unwrap())
        .collect();
    assert_eq!(patterns.len(), 3);
    for name in [
        "flows/ticket.asl.json",
        "X.ASL.JSON",
        "enrol.asl.yml",
        "e.Asl.Yaml",
        "template.yaml",
        "sam/Template.YAML",
        "serverless.yml",
        "cdk.out/Stack.template.json",
        "infra/main.tf",
        "MAIN.TF",
        "package.json",
        "flow.json",
        "templates.yaml",
        "mytemplate.json",
    ] {
        let taken = patterns.iter().any(|p| p.is_match(name));
        assert_eq!(
            taken,
            asl_lint::files::is_definition_file(Path::new(name)),
            "{name}"
        );
    }
}
