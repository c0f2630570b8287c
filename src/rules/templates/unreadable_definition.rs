use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a state machine definition in a template written in a form that can only
    /// be computed at deploy time: `Ref` to a parameter, an `Fn::If` value that is one, `Fn::Transform`, a
    /// Serverless `${file(...)}` variable whose path is computed or that selects a key
    /// (`${file(x.yml):definition}`; one naming a file is read) or stands for a whole
    /// section (`stateMachines: ${file(machines.yml)}`), an `Fn::Join` with a computed
    /// delimiter, a Terraform `definition` that is neither a heredoc, a quoted string,
    /// a `jsonencode` object nor a file read by `templatefile` or `file`
    /// (`var.definition`, `jsonencode(local.x)`, a path Terraform computes), a
    /// `templatefile` file, heredoc or quoted string whose JSON or YAML is written by
    /// `%{ for }` or `%{ if }` directives; and a definition file that a template names
    /// outside its project (the Git work tree that holds it; outside one, its folder
    /// and the current one), which asl-lint does not read. Not reading it keeps a
    /// template from making asl-lint print or fix any file on the machine
    /// (`file("/etc/shadow")`). A definition stored in S3 (a `DefinitionS3Location`
    /// with `Bucket` and `Key`, a SAM `DefinitionUri` of `s3://...`) is reported too:
    /// a template whose definitions are all there would otherwise pass as checked.
    ///
    /// ## Why is this bad?
    /// Nothing in it can be checked before deployment. (Each value of an `Fn::If` that
    /// is written out is read as a definition of its own. A `DefinitionString` that is a
    /// string, an `Fn::Sub` or an `Fn::Join` of strings and intrinsics is read, and its
    /// JSON errors are reported as `syntax-error` at their place in the template; a
    /// Terraform heredoc or `jsonencode` object is read too.)
    ///
    /// ## Example
    /// ```json
    /// {"Parameters": {"Def": {"Type": "String"}},
    ///  "Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
    ///   "Properties": {"DefinitionString": {"Ref": "Def"}}}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
    ///   "Properties": {"DefinitionString": {"Fn::Sub": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}"}}}}}
    /// ```
    pub static RULE = {
        code: "ASL803",
        name: "unreadable-definition",
        severity: Info,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
