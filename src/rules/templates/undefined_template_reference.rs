use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a name that a state machine definition of a CloudFormation or SAM
    /// template (a `DefinitionString`, an inline `Definition`) or its
    /// `DefinitionSubstitutions` refers to and the template does not define: the
    /// `${Name}` of an `Fn::Sub`, the target of a `Ref`, the resource of an
    /// `Fn::GetAtt`. A name must be a parameter, a resource, a pseudo parameter
    /// (`AWS::Region`, ...) or, in an `Fn::Sub`, a variable of its map. With the SAM
    /// transform, names SAM generates from a resource (`OrdersFunctionRole`) are
    /// accepted. Serverless Framework files and templates with other transforms or
    /// `Fn::ForEach` are not checked: their names are generated.
    ///
    /// ## Why is this bad?
    /// CloudFormation refuses the whole template before creating anything: "Template
    /// format error: Unresolved resource dependencies [Name] in the Resources block of
    /// the template". Usually a misspelled function name, or a parameter that was
    /// renamed.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   ChargeFunction:
    ///     Type: AWS::Lambda::Function
    ///   Enrolment:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       DefinitionString: !Sub |
    ///         {"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
    ///           "Resource": "${ChargFunction.Arn}", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// Resources:
    ///   ChargeFunction:
    ///     Type: AWS::Lambda::Function
    ///   Enrolment:
    ///     Type: AWS::StepFunctions::StateMachine
    ///     Properties:
    ///       DefinitionString: !Sub |
    ///         {"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
    ///           "Resource": "${ChargeFunction.Arn}", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// The closest name the template defines replaces the one written (unsafe: a
    /// guess).
    pub static RULE = {
        code: "ASL807",
        name: "undefined-template-reference",
        severity: Error,
        aws_code: None,
        fix: Sometimes,
        check: super::reported_by_reader,
    }
}
