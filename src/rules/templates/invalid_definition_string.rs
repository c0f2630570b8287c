use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation `DefinitionString` that is not JSON text: a value written
    /// as an object, a list, a number or a boolean instead of a string, or a string (or
    /// `Fn::Sub`/`Fn::Join`) holding YAML.
    ///
    /// ## Why is this bad?
    /// CloudFormation types `DefinitionString` as a string, and Step Functions reads it as
    /// JSON: the stack fails to deploy. A definition pasted unquoted, or converted to YAML
    /// with the rest of the template, is the usual cause. (SAM's `DefinitionUri` file may
    /// be YAML, and `Definition` takes an object.)
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   M:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       DefinitionString:
    ///         StartAt: A
    ///         States: {A: {Type: Succeed}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// Resources:
    ///   M:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       Definition:
    ///         StartAt: A
    ///         States: {A: {Type: Succeed}}
    /// ```
    pub static RULE = {
        code: "ASL808",
        name: "invalid-definition-string",
        severity: Error,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
