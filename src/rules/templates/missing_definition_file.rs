use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a SAM `DefinitionUri` (or a CloudFormation `DefinitionS3Location` given
    /// as a local path for `aws cloudformation package`, the path of a Terraform
    /// `templatefile`/`file` call that gives a state machine's `definition`, or a
    /// Serverless Framework `definition: ${file(path)}`) that names a file that does
    /// not exist, relative to the template's folder. S3 locations are not checked. A
    /// path that names the template itself (a slip of `DefinitionUri: template.yaml`)
    /// is reported too: the file holds no definition.
    ///
    /// ## Why is this bad?
    /// `sam build`, `sam deploy`, `aws cloudformation package`, `terraform plan` and
    /// `serverless deploy` fail on it. Published samples have this mistake (a folder
    /// renamed from `statemachines/` to `statemachine/`).
    ///
    /// ## Example
    /// ```text
    /// Resources:
    ///   Machine:
    ///     Type: AWS::Serverless::StateMachine
    ///     Properties:
    ///       DefinitionUri: statemachines/machine.asl.json   # the folder is statemachine/
    /// ```
    ///
    /// Use instead:
    /// ```text
    ///       DefinitionUri: statemachine/machine.asl.json
    /// ```
    pub static RULE = {
        code: "ASL802",
        name: "missing-definition-file",
        severity: Error,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
