use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation `DefinitionString` that is not JSON text (an object, a
    /// list, a number or a boolean instead of a string, or a string holding YAML or
    /// starting with a `#` comment), and a `Definition` that is not an object (a string,
    /// an `Fn::Sub` or `Fn::Join` that makes one, a list, a number or a boolean). The
    /// text is still checked as a definition, so that its own problems show too.
    ///
    /// ## Why is this bad?
    /// CloudFormation types `DefinitionString` as a string, and Step Functions reads it as
    /// JSON; it types `Definition` as an object (SAM as a map): either way the stack fails
    /// to deploy. A definition pasted unquoted, converted to YAML with the rest of the
    /// template, or kept as JSON text when `DefinitionString` became `Definition`, is the
    /// usual cause. (SAM's `DefinitionUri` file may be YAML.)
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
    /// ```yaml
    /// Resources:
    ///   M:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       Definition: '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
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
