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
    /// Replaces the name with the closest state name of the scope, when one is close
    /// (unsafe: a guess). The state that holds the `Next` is never suggested, and of
    /// names equally close, a state that nothing reaches yet is preferred; when several
    /// remain ("Step 1": "Step 2" or "Step 10"), each is offered in the editor and
    /// `--unsafe-fixes` applies none. A name after which nothing could end (the loop
    /// `A` -> `B` -> `A` for `"AA"`) gives way to the next closest, or to no fix. In the editor, another quick fix adds a Pass
    /// state of that name that ends, to fill in (`check --fix` never applies it: it
    /// would hide a misspelled name). The rules for `StartAt`, Choice targets and
    /// `Default` (ASL202, ASL203) offer the same, and a catcher's target (ASL204) gets
    /// a Fail state.
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

    /// With no close name, the editor may add the state; `check --fix` never does.
    #[test]
    fn a_missing_state_can_be_added_in_the_editor() {
        use crate::diagnostics::{Applicability, apply_edits};
        let added = |text: &str, kind: SourceKind| {
            let options = LintOptions {
                select: vec!["ASL201".into(), "ASL204".into()],
                ..LintOptions::default()
            };
            lint_text(text, kind, &options)
                .iter()
                .map(|d| {
                    let fix = d.fixes.last().unwrap();
                    assert_eq!(fix.applicability, Applicability::DisplayOnly);
                    (fix.title.clone(), apply_edits(text, &fix.edits).0)
                })
                .collect::<Vec<_>>()
        };
        let json = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"Close ticket\"}\n}}\n";
        assert_eq!(
            added(json, SourceKind::Json),
            [(
                "Add a Pass state \"Close ticket\"".to_string(),
                "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"Close ticket\"},\n  \"Close ticket\": {\n    \"Type\": \"Pass\",\n    \"End\": true\n  }\n}}\n".to_string()
            )]
        );
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::aws-sdk:s3:listBuckets\n    Catch:\n      - ErrorEquals: [States.ALL]\n        Next: Notify support\n    End: true\n";
        let found = added(yaml, SourceKind::Yaml);
        assert_eq!(found[0].0, "Add a Fail state \"Notify support\"");
        assert!(
            found[0].1.ends_with("    End: true\n  Notify support:\n    Type: Fail\n    Error: Failed\n    Cause: to be written\n"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn a_name_that_would_leave_the_workflow_unable_to_end_is_not_applied() {
        // "A" would close the loop A -> B -> A: nothing could end.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "AA"}, "Finish": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::fixed_text(text, SourceKind::Json, "ASL201"),
            text
        );
        // The next closest name, which ends, is chosen instead.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "Loopedx"}, "Looped": {"Type": "Pass", "Next": "B"}, "Loopedyz": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::fixed_text(text, SourceKind::Json, "ASL201"),
            text.replace("\"Loopedx\"", "\"Loopedyz\"")
        );
        // A loop that leads on to another misspelt name may still end: fixed.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "AA"}], "Default": "Dome"}, "Done": {"Type": "Succeed"}}}"#;
        let options = LintOptions {
            select: vec!["ASL201".into(), "ASL203".into()],
            ..Default::default()
        };
        let lint = |t: &str| lint_text(t, SourceKind::Json, &options);
        let out = crate::fix::fix_text(text, Some(SourceKind::Json), lint(text), true, &lint);
        assert_eq!(
            out.text,
            text.replace("\"AA\"", "\"A\"")
                .replace("\"Dome\"", "\"Done\"")
        );
    }

    /// Of two equally close names, neither is applied by `--unsafe-fixes`: the help
    /// names both, and the editor offers both.
    #[test]
    fn equally_close_names_are_offered_not_applied() {
        use crate::diagnostics::Applicability;
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Step 1"}, "Step 10": {"Type": "Pass", "End": true}, "Step 2": {"Type": "Pass", "Next": "Step 10"}}}"#;
        let options = LintOptions {
            select: vec!["ASL201".into()],
            ..LintOptions::default()
        };
        let d = lint_text(text, SourceKind::Json, &options);
        assert_eq!(
            d[0].help.as_deref(),
            Some(r#"did you mean "Step 2" or "Step 10"?"#)
        );
        let offered: Vec<(&str, Applicability)> = d[0]
            .fixes
            .iter()
            .map(|f| (f.title.as_str(), f.applicability))
            .collect();
        assert_eq!(
            offered,
            [
                (r#"Replace with "Step 2""#, Applicability::DisplayOnly),
                (r#"Replace with "Step 10""#, Applicability::DisplayOnly),
                (r#"Add a Pass state "Step 1""#, Applicability::DisplayOnly)
            ]
        );
    }

    /// The did-you-mean fix writes the name as the misspelled one was written.
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
