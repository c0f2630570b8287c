//! Code lenses: where an editor offers "Show graph" and "Simulate" for each state machine
//! of a document. A definition file gets one, at its first line; a CloudFormation/SAM/
//! Serverless template one above each state machine's definition property, and a
//! Terraform file one on each `aws_sfn_state_machine` (or module) label. A state machine
//! whose definition cannot be read here (stored in S3, built by `Fn::If`, computed in
//! Terraform) gets none, as the graph and the simulator could not read it either.

use crate::embed::{template, terraform};
use crate::syntax::{self, SourceKind, TextRange};

/// One state machine an editor can draw or run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineLens {
    /// Where the lens goes (its first line is the one the editor shows it above).
    pub range: TextRange,
    /// The name `asl-lint graph` / `simulate --definition` take for it; `None` for a
    /// definition file, which holds only the one.
    pub machine: Option<String>,
}

/// The state machines of `text` (a definition, template or Terraform file) and where
/// their lenses go, in document order.
pub fn machine_lenses(text: &str, kind: SourceKind, terraform: bool) -> Vec<MachineLens> {
    if terraform {
        return terraform::find(text)
            .into_iter()
            .filter(|m| {
                !matches!(
                    m.definition,
                    terraform::Source::Directives { .. } | terraform::Source::Computed { .. }
                )
            })
            .map(|m| MachineLens {
                range: m.label,
                machine: Some(m.name),
            })
            .collect();
    }
    let doc = syntax::parse(text, kind);
    let Some(root) = doc.root.as_ref() else {
        return Vec::new();
    };
    if super::may_be_template(text)
        && let Some(definitions) = template::find(root)
    {
        let mut out: Vec<MachineLens> = Vec::new();
        for d in definitions {
            let readable = !matches!(
                d.body,
                template::Body::Remote | template::Body::Unsupported { .. }
            );
            if readable && !out.iter().any(|l| l.machine.as_ref() == Some(&d.name)) {
                out.push(MachineLens {
                    range: d.property.key_range,
                    machine: Some(d.name),
                });
            }
        }
        return out;
    }
    // Any object builds a model; a state machine names its states or where it starts.
    if root.get("States").is_none() && root.get("StartAt").is_none() {
        return Vec::new();
    }
    vec![MachineLens {
        range: TextRange::new(root.range.start, root.range.start),
        machine: None,
    }]
}

/// A top-level state an execution can start at: what "Simulate from here" runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartState {
    /// As in [`MachineLens`]: the template's state machine, `None` in a definition file.
    pub machine: Option<String>,
    pub state: String,
}

/// The top-level state whose name is at `offset`, in a definition file or in a
/// definition a template writes as an object (states inside a Parallel or Map cannot
/// start an execution).
pub fn start_state_at(text: &str, kind: SourceKind, offset: u32) -> Option<StartState> {
    super::with_named_machine_at(text, kind, offset, |name, _, model| {
        let state = model
            .scopes
            .first()?
            .states
            .iter()
            .find(|s| s.name_range.touches(offset))?;
        Some(StartState {
            machine: name.map(str::to_string),
            state: state.name.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenses(text: &str, kind: SourceKind, terraform: bool) -> Vec<(String, Option<String>)> {
        machine_lenses(text, kind, terraform)
            .into_iter()
            .map(|l| {
                let at = &text[l.range.start as usize..];
                (at.chars().take(12).collect(), l.machine)
            })
            .collect()
    }

    #[test]
    fn a_simulation_starts_at_the_top_level_state_named_under_the_cursor() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Par"},
  "Par": {"Type": "Parallel", "End": true, "Branches": [
    {"StartAt": "In", "States": {"In": {"Type": "Succeed"}}}]}}}"#;
        let at = |needle: &str, plus: u32| {
            start_state_at(
                text,
                SourceKind::Json,
                text.find(needle).unwrap() as u32 + plus,
            )
        };
        let start = |state: &str| {
            Some(StartState {
                machine: None,
                state: state.to_string(),
            })
        };
        assert_eq!(at("\"A\": {", 1), start("A"));
        assert_eq!(at("\"Par\": {", 0), start("Par"));
        // Not on a name: a value, a state inside a branch, StartAt.
        assert_eq!(at("\"Pass\"", 1), None);
        assert_eq!(at("\"In\": {", 1), None);
        assert_eq!(at("\"A\", \"States", 1), None);
        let template = "\
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Ship
        States:
          Ship: {Type: Succeed}
";
        let offset = template.find("Ship: {").unwrap() as u32 + 2;
        assert_eq!(
            start_state_at(template, SourceKind::Yaml, offset),
            Some(StartState {
                machine: Some("Orders".to_string()),
                state: "Ship".to_string()
            })
        );
    }

    #[test]
    fn a_definition_file_has_one_lens_at_its_start() {
        let text = "\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
        assert_eq!(
            lenses(text, SourceKind::Json, false),
            vec![("{\"StartAt\": ".to_string(), None)]
        );
    }

    #[test]
    fn a_document_that_is_no_state_machine_has_none() {
        assert_eq!(
            lenses("{\"name\": \"package\"}", SourceKind::Json, false),
            vec![]
        );
        assert_eq!(lenses("", SourceKind::Yaml, false), vec![]);
    }

    #[test]
    fn a_template_has_one_lens_per_readable_state_machine() {
        let text = "\
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Succeed}
  Billing:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/billing.asl.json
  Remote:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: {Bucket: b, Key: k}
";
        assert_eq!(
            lenses(text, SourceKind::Yaml, false),
            vec![
                ("Definition:\n".to_string(), Some("Orders".to_string())),
                ("DefinitionUr".to_string(), Some("Billing".to_string())),
            ]
        );
    }

    #[test]
    fn a_terraform_file_has_one_lens_per_state_machine_with_a_definition_to_read() {
        let text = r#"resource "aws_sfn_state_machine" "orders" {
  definition = <<EOF
{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
EOF
}
resource "aws_sfn_state_machine" "built" {
  definition = data.template_file.sfn.rendered
}
resource "aws_sfn_state_machine" "billing" {
  definition = templatefile("billing.asl.json", {})
}
"#;
        assert_eq!(
            lenses(text, SourceKind::Json, true),
            vec![
                (
                    "\"orders\" {\n ".to_string(),
                    Some("aws_sfn_state_machine.orders".to_string())
                ),
                (
                    "\"billing\" {\n".to_string(),
                    Some("aws_sfn_state_machine.billing".to_string())
                ),
            ]
        );
    }
}
