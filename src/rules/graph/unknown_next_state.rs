use crate::model::TransitionKind;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `Next` that names no state.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET`). State names
    /// are case-sensitive and must match exactly, spaces included.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "b"}, "B": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    /// ```
    ///
    /// ## Fix
    /// Replaces the name with the closest state name, when one is close (unsafe).
    pub static RULE = {
        code: "ASL201",
        name: "unknown-next-state",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_unknown_targets(ctx, sink, |k| k == TransitionKind::Next);
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    /// The did-you-mean fix writes the name as the misspelt one was written.
    #[test]
    fn the_fix_keeps_the_yaml_scalar_style() {
        let fix = |next: &str| {
            let text = format!(
                "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: {next}\n  Ship it:\n    Type: Succeed\n"
            );
            let d = lint_text(
                &text,
                SourceKind::Yaml,
                &LintOptions {
                    select: vec!["ASL201".into()],
                    ..LintOptions::default()
                },
            );
            assert_eq!(d.len(), 1, "{d:?}");
            d[0].fixes[0].edits[0].replacement.clone()
        };
        assert_eq!(fix("Ship itt"), "Ship it");
        assert_eq!(fix("'Ship itt'"), "'Ship it'");
        assert_eq!(fix("\"Ship itt\""), "\"Ship it\"");
    }
}
