use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Points out a `${Name}` placeholder whose value asl-lint does not know: one filled
    /// in at deploy time by SAM or CloudFormation (`DefinitionSubstitutions`, `Fn::Sub`),
    /// CDK or Terraform, that the template gives no literal value for. Each name is
    /// reported once per definition, at its first use. A name that a template's
    /// `DefinitionSubstitutions` map does not give at all is ASL806 instead: nothing
    /// fills it.
    ///
    /// In a Serverless Framework file, a variable (`${sls:stage}`, `${env:NAME}`) is
    /// resolved by the framework at deploy time; one may hold others
    /// (`${cf:stack-${sls:stage}.Output}`), and the whole is one placeholder. A
    /// `${self:path}` that names a value of the same file takes that value. What an
    /// `Fn::Sub` (`!Sub`) of the definition holds is not reported: CloudFormation fills
    /// it, and the value it makes is left alone by the checks (ASL807 reports a name
    /// there that the template does not define); but a `${!Name}` there, the text
    /// `${Name}` for `DefinitionSubstitutions` to fill, is pointed out when none of
    /// them fills it: the definition then keeps the text as it is.
    ///
    /// ## Why is this bad?
    /// It is not: this is information. A value that is unknown cannot be checked, so the
    /// checks that need it (a `Next` target, a number, an ARN) are skipped there. Give
    /// the value in `DefinitionSubstitutions` or under `[placeholders.values]` in
    /// asl-lint.toml to have it checked, or turn the rule off with `ignore = ["ASL801"]`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${WorkerArn}", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL801",
        name: "unresolved-placeholder",
        severity: Info,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
