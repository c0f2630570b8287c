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
