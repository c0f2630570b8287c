use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a YAML alias (`*name`) or merge key (`<<: *name`) in the state machine
    /// definition of a CloudFormation template that does not use the SAM transform.
    ///
    /// ## Why is this bad?
    /// CloudFormation refuses a template with aliases ("YAML aliases are not allowed in
    /// CloudFormation templates"). `aws cloudformation package` and `sam deploy` write
    /// the values out first, so a template deployed through them is fine; one given to
    /// `aws cloudformation deploy` or the console is not.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Flow:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       RoleArn: arn:aws:iam::123456789012:role/flow
    ///       Definition:
    ///         StartAt: A
    ///         States:
    ///           A: &pass {Type: Pass, Next: B}
    ///           B: {Type: Pass, End: true}
    ///           C: *pass
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// Resources:
    ///   Flow:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       RoleArn: arn:aws:iam::123456789012:role/flow
    ///       Definition:
    ///         StartAt: A
    ///         States:
    ///           A: {Type: Pass, Next: B}
    ///           B: {Type: Pass, End: true}
    /// ```
    pub static RULE = {
        code: "ASL810",
        name: "yaml-alias-in-template",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
