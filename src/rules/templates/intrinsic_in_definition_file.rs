use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation intrinsic function in a definition that no template
    /// processes: a YAML tag (`!GetAtt`, `!Ref`, `!Sub`, `!Join`, ...) or a one-key
    /// object (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`) in a standalone `.asl.json` or
    /// `.asl.yaml` file, in a file that a SAM `DefinitionUri`, a CloudFormation
    /// `DefinitionS3Location` or Terraform's `templatefile`/`file` names, or in a
    /// Terraform heredoc or `jsonencode` definition; and a one-key object written inside
    /// the text of a template's `DefinitionString`, which CloudFormation passes on as it
    /// is. Only CloudFormation's own functions count: YAML's own tags (`!!str`), custom
    /// tags (`!Custom`), `{"Ref": ...}` naming no logical id (`refs/heads/main`) and
    /// `Fn::` names CloudFormation does not have are data, as is a CloudFormation
    /// template built as data (under `TemplateBody`, or in its `Resources` and
    /// `Outputs`) for a createStack request.
    ///
    /// In a CloudFormation or SAM template's own `Definition`, in the functions that build
    /// a `DefinitionString` (`Fn::Sub`, `Fn::Join`), and in a Serverless Framework file,
    /// including a file its `${file(...)}` reads (also named on its own, in the Git
    /// project of the Serverless file), CloudFormation resolves them: nothing is
    /// reported there.
    ///
    /// ## Why is this bad?
    /// Only a template's inline definition is resolved. SAM turns the intrinsics of an
    /// inline `Definition` into `DefinitionSubstitutions` entries; a file that
    /// `DefinitionUri` or `DefinitionS3Location` names is read as it is, and neither the
    /// Step Functions console, the AWS CLI nor Terraform knows CloudFormation's functions.
    /// The function reaches Step Functions as written: an object where an ARN was meant
    /// fails the deployment (a `Resource` must be a string), and one in `Parameters` or
    /// `Arguments` is passed to the service as that object. The checks that need the
    /// value skip it, so nothing else points it out. The documented way to give a
    /// definition file a value computed at deploy time is a `${Name}` placeholder that
    /// `DefinitionSubstitutions` fills, with the intrinsic in the template.
    ///
    /// A file that `Fn::Transform` with `AWS::Include` inserts into a template is a
    /// template fragment whose intrinsics are resolved: turn the rule off for it
    /// (`# asl-lint: ignore-file[ASL811]`).
    ///
    /// ## Example
    /// ```yaml
    /// StartAt: A
    /// States:
    ///   A:
    ///     Type: Task
    ///     Resource: !GetAtt Work.Arn
    ///     End: true
    /// ```
    ///
    /// Use instead (and `WorkArn: !GetAtt Work.Arn` under the template's
    /// `DefinitionSubstitutions`):
    /// ```yaml
    /// StartAt: A
    /// States:
    ///   A:
    ///     Type: Task
    ///     Resource: ${WorkArn}
    ///     End: true
    /// ```
    ///
    /// ## Fix
    /// None: the value belongs in the template, which asl-lint does not edit from here.
    pub static RULE = {
        code: "ASL811",
        name: "intrinsic-in-definition-file",
        severity: Error,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}

#[cfg(test)]
mod tests {
    use crate::embed::{Environment, Filling, Reference, lint_referenced};
    use crate::rules::WorkflowType;
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn only_this() -> LintOptions {
        LintOptions {
            select: vec!["ASL811".into()],
            ..Default::default()
        }
    }

    /// Each ASL811 of `text` as `<text at its range>: <message>`.
    fn found(text: &str, kind: SourceKind) -> Vec<String> {
        lint_text(text, kind, &only_this())
            .into_iter()
            .inspect(|d| assert_eq!(d.code, "ASL811"))
            .map(|d| format!("{}: {}", &text[d.range.as_usize()], d.message))
            .collect()
    }

    #[test]
    fn json_one_key_objects_in_a_definition_file() {
        let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Work", "Arn"]}, "Next": "B"},
  "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": {"Ref": "Queue"}, "MessageBody": {"Fn::Sub": "${AWS::Region}"}}, "End": true}}}"#;
        assert_eq!(
            found(text, SourceKind::Json),
            [
                r#"{"Fn::GetAtt": ["Work", "Arn"]}: `Fn::GetAtt` in the Resource of state "A" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for"#,
                r#"{"Ref": "Queue"}: `Ref` in the Parameters of state "B" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for"#,
                r#"{"Fn::Sub": "${AWS::Region}"}: `Fn::Sub` in the Parameters of state "B" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for"#,
            ]
        );
        let d = lint_text(text, SourceKind::Json, &only_this());
        assert_eq!(d[0].severity, crate::Severity::Error);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                r#"give the value in the template's DefinitionSubstitutions (`WorkArn: {"Fn::GetAtt": ["Work", "Arn"]}`) and write `${WorkArn}` here"#
            )
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some(
                r#"give the value in the template's DefinitionSubstitutions (`Queue: {"Ref": "Queue"}`) and write `${Queue}` here"#
            )
        );
    }

    /// What only looks like an intrinsic is data: a custom tag, a `Ref` to no logical
    /// id, a function CloudFormation does not have, and a CloudFormation template
    /// built as data for createStack.
    #[test]
    fn lookalikes_and_templates_carried_as_data() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {
  "a": {"Ref": 5}, "b": {"Ref": "refs/heads/main"}, "c": {"Fn::Bogus": 1},
  "d": {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "Name"}}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["B", "Arn"]}}}},
  "e": {"TemplateBody": {"X": {"Fn::Sub": "x"}}},
  "f": [{"Ref": "AWS::Region"}]}, "End": true}}}"#;
        assert_eq!(
            found(text, SourceKind::Json),
            [
                r#"{"Ref": "AWS::Region"}: `Ref` in the Result of state "A" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for"#
            ]
        );
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result:\n      a: !Custom Thing\n      b: !mytag x\n    End: true\n";
        assert_eq!(found(yaml, SourceKind::Yaml), Vec::<String>::new());
    }

    /// A YAML tag is reported at the tag; what a function holds is not looked into;
    /// YAML's own tags are not functions.
    #[test]
    fn yaml_tags_in_a_definition_file() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt Work.Arn\n    Next: B\n  B:\n    Type: Pass\n    Result:\n      Url: !Join ['', ['https://', !Ref Host]]\n      Plain: !!str 12\n    End: true\n";
        let m = |tag: &str, at: &str| {
            format!(
                "{tag}: `{tag}` in {at} is not resolved in a definition file: Step Functions gets it as written, not the value it stands for"
            )
        };
        assert_eq!(
            found(text, SourceKind::Yaml),
            [
                m("!GetAtt", "the Resource of state \"A\""),
                m("!Join", "the Result of state \"B\"")
            ]
        );
        let d = lint_text(text, SourceKind::Yaml, &only_this());
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "give the value in the template's DefinitionSubstitutions (`WorkArn: !GetAtt Work.Arn`) and write `${WorkArn}` here"
            )
        );
    }

    /// The state named is the innermost one: inside a Map's ItemProcessor and a
    /// Parallel's Branches; outside any state, the top-level field.
    #[test]
    fn names_the_innermost_state() {
        let text = r#"{"Comment": {"Fn::Sub": "x"}, "StartAt": "M", "States": {
  "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {
    "P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": {"Ref": "Fn"}, "End": true}}}], "End": true}}}, "End": true}}}"#;
        let messages: Vec<String> = found(text, SourceKind::Json)
            .into_iter()
            .map(|m| m.split(" is not").next().unwrap().to_string())
            .collect();
        assert_eq!(
            messages,
            [
                r#"{"Fn::Sub": "x"}: `Fn::Sub` in the top-level Comment"#,
                r#"{"Ref": "Fn"}: `Ref` in the Resource of state "T""#,
            ]
        );
    }

    /// Objects that are not functions: more than one key, a `Ref` to something other
    /// than a name; and a document that is not a definition.
    #[test]
    fn other_objects_and_other_documents_are_not_reported() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"Ref": "x", "Other": 1, "R": {"Ref": {"a": 1}}}, "End": true}}}"#;
        assert!(found(text, SourceKind::Json).is_empty());
        assert!(found(r#"{"Value": {"Ref": "X"}}"#, SourceKind::Json).is_empty());
    }

    /// In a template's own definition CloudFormation resolves them (SAM, plain
    /// CloudFormation, the Serverless Framework).
    #[test]
    fn not_in_a_template() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Work:\n    Type: AWS::Serverless::Function\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Task, Resource: !GetAtt Work.Arn, End: true}\n";
        assert!(found(sam, SourceKind::Yaml).is_empty());
        let cfn = r#"{"Resources": {"Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Work", "Arn"]}, "End": true}}}}}}}"#;
        assert!(found(cfn, SourceKind::Json).is_empty());
        let serverless = "service: s\nstepFunctions:\n  stateMachines:\n    flow:\n      definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource:\n              Fn::GetAtt: [work, Arn]\n            End: true\n";
        assert!(found(serverless, SourceKind::Yaml).is_empty());
    }

    /// In a template's `DefinitionString`, CloudFormation resolves the functions that
    /// build the text, not one written inside it.
    #[test]
    fn inside_the_text_of_a_definition_string() {
        let text = r#"{"Resources": {"Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": {\"Ref\": \"Work\"}, \"End\": true}}}"}}}}"#;
        let d = lint_text(text, SourceKind::Json, &only_this());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].range.as_usize()], r#"{\"Ref\": \"Work\"}"#);
        assert_eq!(
            d[0].message,
            "`Ref` in the Resource of state \"A\" is not resolved in the text of a DefinitionString: Step Functions gets it as written, not the value it stands for"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                r#"CloudFormation passes the text on as it is: give the value in DefinitionSubstitutions (`Work: {"Ref": "Work"}`) and write `${Work}` here"#
            )
        );
        // Built by `Fn::Sub` and `Fn::Join`, whose parts CloudFormation fills.
        let sub = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Work.Arn}\", \"End\": true}}}'\n";
        assert!(found(sub, SourceKind::Yaml).is_empty());
        let join = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Join ['', ['{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"', !GetAtt Work.Arn, '\", \"End\": true}}}']]\n";
        assert!(found(join, SourceKind::Yaml).is_empty());
    }

    fn referenced(text: &str, filling: Filling) -> Vec<(String, String)> {
        let reference = Reference {
            name: "Flow".into(),
            path: "sm.asl.json".into(),
            substitutions: Default::default(),
            workflow: WorkflowType::Standard,
            filling,
            yaml_1_1: true,
            template: None,
        };
        lint_referenced(
            text,
            SourceKind::Json,
            &reference,
            &only_this(),
            &Environment::default(),
        )
        .into_iter()
        .map(|d| {
            (
                text[d.range.as_usize()].to_string(),
                d.help.unwrap_or_default(),
            )
        })
        .collect()
    }

    /// A file that a SAM or CloudFormation template names is read as it is, and so is
    /// one Terraform reads; one that a Serverless Framework file reads becomes part of
    /// its template.
    #[test]
    fn in_files_that_templates_name() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": {"Ref": "Fn"}, "End": true}}}"#;
        let at = r#"{"Ref": "Fn"}"#;
        assert_eq!(
            referenced(text, Filling::Substitutions),
            [(
                at.to_string(),
                r#"give the value in the template's DefinitionSubstitutions (`Fn: {"Ref": "Fn"}`) and write `${Fn}` here"#.to_string()
            )]
        );
        for filling in [Filling::TerraformTemplate, Filling::Verbatim] {
            assert_eq!(
                referenced(text, filling),
                [(
                    at.to_string(),
                    "Terraform does not resolve CloudFormation functions: read the file with `templatefile`, pass the value as the variable `Fn` and write `${Fn}` here".to_string()
                )]
            );
        }
        assert!(referenced(text, Filling::Serverless).is_empty());
    }

    /// A Terraform heredoc definition is not a CloudFormation template either.
    #[test]
    fn in_a_terraform_heredoc() {
        let tf = "resource \"aws_sfn_state_machine\" \"m\" {\n  name = \"m\"\n  definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": {\"Fn::GetAtt\": [\"W\", \"Arn\"]}, \"End\": true}}}\nEOF\n}\n";
        let (found, _) =
            crate::lint::lint_terraform_text(tf, &only_this(), &Environment::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            &tf[found[0].range.as_usize()],
            r#"{"Fn::GetAtt": ["W", "Arn"]}"#
        );
        assert!(found[0].message.contains("in a Terraform definition"));
        // A `jsonencode` object, whose keys are HCL names.
        let tf = "resource \"aws_sfn_state_machine\" \"e\" {\n  name = \"e\"\n  definition = jsonencode({\n    StartAt = \"A\"\n    States = { A = { Type = \"Task\", Resource = { Ref = \"Fn\" }, End = true } }\n  })\n}\n";
        let (found, _) =
            crate::lint::lint_terraform_text(tf, &only_this(), &Environment::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&tf[found[0].range.as_usize()], r#"{ Ref = "Fn" }"#);
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "Terraform does not resolve CloudFormation functions: write a Terraform reference or variable here"
            )
        );
    }

    /// A suppression comment applies to it as to any rule.
    #[test]
    fn can_be_suppressed() {
        let text = "# asl-lint: ignore-file[ASL811]\nStartAt: A\nStates:\n  A: {Type: Task, Resource: !GetAtt Work.Arn, End: true}\n";
        assert!(found(text, SourceKind::Yaml).is_empty());
    }
}
