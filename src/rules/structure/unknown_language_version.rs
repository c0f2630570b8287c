use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::Value;

declare_rule! {
    /// ## What it does
    /// Reports a top-level `Version` other than `"1.0"`, the only version of the Amazon
    /// States Language there is.
    ///
    /// ## Why is this bad?
    /// `Version` names the language the definition is written in, not the version of
    /// your workflow; `"2.0"` or `"1.1"` is usually meant as the latter. The AWS
    /// Toolkit's language server refuses any other value; whether Step Functions
    /// refuses it is not documented, so this is a warning. A type other than a string
    /// is ASL113's error.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2.0", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// Use instead (keep the workflow's own version in `Comment`, or leave `Version` out):
    /// ```json
    /// {"Comment": "order workflow, revision 2", "Version": "1.0", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL125",
        name: "unknown-language-version",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let Some(version) = machine.field("Version") else {
        return;
    };
    let Value::String(text) = &version.value.value else {
        return;
    };
    if text == "1.0" || crate::schema::is_placeholder_string(text) {
        return;
    }
    sink.report(
        version.value.range,
        format!(
            "\"{text}\" is not a version of the Amazon States Language: the only one is \"1.0\""
        ),
    )
    .help = Some(
        "write \"Version\": \"1.0\" or leave it out; a workflow's own version belongs in Comment"
            .into(),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(version: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"Version": {version}, "StartAt": "A", "States": {{"A": {{"Type": "Pass", "End": true}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL125".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn only_one_version() {
        assert_eq!(
            run(r#""2.0""#),
            vec![(
                "\"2.0\"".to_string(),
                "\"2.0\" is not a version of the Amazon States Language: the only one is \"1.0\""
                    .to_string()
            )]
        );
        assert!(run(r#""1.0""#).is_empty());
        assert!(run(r#""${AslVersion}""#).is_empty());
        // A number is ASL113's.
        assert!(run("1.0").is_empty());
    }
}
