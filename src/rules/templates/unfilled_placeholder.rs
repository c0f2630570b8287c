use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `${...}` token in a definition that the tool deploying it will not fill
    /// in: a name that a SAM or CloudFormation template's `DefinitionSubstitutions` do
    /// not give, a name that is not a variable of a Terraform template, any token of a
    /// file Terraform reads with `file`. In detail:
    /// - in a SAM or CloudFormation template's inline `Definition`, or in the file its
    ///   `DefinitionUri` (`DefinitionS3Location`) names, a `${Name}` that its
    ///   `DefinitionSubstitutions` map does not give (or every one, without a map), with
    ///   the name meant when one is close; a map the template computes (`!If`) may give
    ///   any name, and a pseudo parameter (`${AWS::Region}`) is left to ASL801;
    /// - in a file read by `templatefile(path, vars)` (or a `template_file` data
    ///   source), a name that is not one of the template variables;
    /// - in a file read by `file(path)`, every token: `file` gives the text as written.
    ///
    /// A template's `$${Name}` (a literal `${Name}`) is not reported, nor is a token that
    /// holds an expression other than a variable, nor a template with `%{ ... }`
    /// directives, nor one whose variables Terraform computes (`var.vars`, a `merge`
    /// with one; an object written in the file, a `local` of it and a `merge` of those
    /// are read).
    ///
    /// ## Why is this bad?
    /// `DefinitionSubstitutions` replace the names they list and nothing else: the
    /// definition reaches Step Functions with the text `${Name}`, a `Resource` that is
    /// no ARN (refused at deploy time) or a parameter sent as is at run time.
    /// `templatefile` requires every name a template reads to be among its variables:
    /// `terraform plan` fails with "vars map does not contain key". A definition read
    /// with `file` reaches AWS with `${Name}` in it: a `Resource` that is not an ARN is
    /// rejected at deploy time, a string parameter is passed on unfilled at run time.
    ///
    /// ## Example
    /// ```text
    /// definition = templatefile("${path.module}/orders.asl.json", {
    ///   ChargeArn = aws_lambda_function.charge.arn
    /// })
    /// # orders.asl.json: "Resource": "${ChargArn}"
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// # orders.asl.json: "Resource": "${ChargeArn}"
    /// ```
    pub static RULE = {
        code: "ASL806",
        name: "unfilled-placeholder",
        severity: Error,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
