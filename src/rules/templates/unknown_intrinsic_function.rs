use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports, in the state machine definition of a CloudFormation or SAM template, an
    /// intrinsic function CloudFormation does not have: a misspelled tag (`!GetAttr`,
    /// `!Subb`) or key (`Fn::Joint`); YAML's own tags (`!!str`) are not functions.
    ///
    /// ## Why is this bad?
    /// The YAML reader of `aws cloudformation package` and `sam deploy` turns any `!Name`
    /// tag into `Fn::Name`, and CloudFormation refuses the template ("Encountered
    /// unsupported function"). Read as plain data, the definition would hold an object
    /// where a string was meant.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Work:
    ///     Type: AWS::Serverless::Function
    ///   Flow:
    ///     Type: AWS::Serverless::StateMachine
    ///     Properties:
    ///       Definition:
    ///         StartAt: A
    ///         States:
    ///           A: {Type: Task, Resource: !GetAttr Work.Arn, End: true}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// Resources:
    ///   Work:
    ///     Type: AWS::Serverless::Function
    ///   Flow:
    ///     Type: AWS::Serverless::StateMachine
    ///     Properties:
    ///       Definition:
    ///         StartAt: A
    ///         States:
    ///           A: {Type: Task, Resource: !GetAtt Work.Arn, End: true}
    /// ```
    pub static RULE = {
        code: "ASL809",
        name: "unknown-intrinsic-function",
        severity: Error,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
