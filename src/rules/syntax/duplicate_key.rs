use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::SyntaxErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same object, such as two states with the
    /// same name or two `Next` fields in one state.
    ///
    /// ## Why is this bad?
    /// JSON readers silently keep only the last value, so one of the two is ignored: a
    /// whole state can disappear without any error at deploy time.
    ///
    /// In a CloudFormation or SAM template, a duplicate key outside the state machine
    /// definitions (a resource's `Handler`, a parameter's `Type`) is a warning: nothing
    /// of a state machine is lost, and CloudFormation keeps the last one too, though the
    /// YAML reader of `aws cloudformation package` and `deploy` refuses it. In a
    /// definition (`Definition`, `DefinitionString`, a definition file) and in a
    /// Serverless Framework file, whose YAML reader refuses it, it stays an error.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL002",
        name: "duplicate-key",
        severity: Error,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for e in &ctx.document.errors {
        if let SyntaxErrorKind::DuplicateKey { first } = e.kind {
            // Two YAML merge keys: readers combine them differently (PyYAML lets the
            // first win, js-yaml the last).
            let effect = if ctx.source.get(e.range.as_usize()) == Some("<<") {
                "YAML readers apply both and differ on which value wins; write one `<<: [*a, *b]`"
            } else {
                "only the last one takes effect"
            };
            sink.report(e.range, format!("{}; {effect}", e.message))
                .labels
                .push(crate::diagnostics::Label {
                    range: first,
                    message: "first defined here".to_string(),
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn two_merge_keys_are_not_said_to_keep_the_last() {
        let text = "StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result:\n      <<: {y: 2}\n      <<: {x: 1}\n    End: true\n";
        let options = LintOptions {
            select: vec!["ASL002".into()],
            ..LintOptions::default()
        };
        let messages: Vec<String> = lint_text(text, SourceKind::Yaml, &options)
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "duplicate key \"<<\"; YAML readers apply both and differ on which value wins; write one `<<: [*a, *b]`"
            ]
        );
    }
}
