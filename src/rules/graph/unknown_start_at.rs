use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `StartAt` (of the state machine, a Parallel branch or a Map processor)
    /// that names no state of its scope.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET: Missing 'Next'
    /// target ... at /StartAt`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Start", "States": {"Begin": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Begin", "States": {"Begin": {"Type": "Succeed"}}}
    /// ```
    ///
    /// ## Fix
    /// As for ASL201: replaces the name with the closest state name of the scope, when
    /// one is close (unsafe: a guess). Of names equally close, a state that nothing
    /// reaches yet is preferred; when several remain, each is offered in the editor and
    /// `--unsafe-fixes` applies none. In the editor, another quick fix adds a Pass
    /// state of that name that ends, to fill in (`check --fix` never applies it: it
    /// would hide a misspelled name).
    pub static RULE = {
        code: "ASL202",
        name: "unknown-start-at",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for scope in &machine.scopes {
        let (Some(member), Some(name)) = (scope.start_at, scope.start_at_name()) else {
            continue;
        };
        // A scope without states is ASL102's; a name from another scope is ASL207's.
        if scope.states.is_empty()
            || scope.state_index(name).is_some()
            || !machine.states_named(name).is_empty()
        {
            continue;
        }
        let message = format!(
            "StartAt names \"{name}\", which is not a state of {}",
            scope.describe(machine)
        );
        let d = super::report_with_suggestion(ctx, sink, scope, None, member, message, false);
        if d.help.is_none() {
            d.help = super::states_help(scope, None, "StartAt");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn help(text: &str) -> Option<String> {
        let options = LintOptions {
            select: vec!["ASL202".into()],
            ..Default::default()
        };
        let found = lint_text(text, SourceKind::Json, &options);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].help.clone()
    }

    #[test]
    fn without_a_close_name_the_help_lists_a_few_states() {
        let text = r#"{"StartAt": "Something else", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#;
        assert_eq!(
            help(text).as_deref(),
            Some("StartAt must name one of \"A\" or \"B\"")
        );
        let text = r#"{"StartAt": "Bb", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#;
        assert_eq!(help(text).as_deref(), Some("did you mean \"B\"?"));
        // Too many to list.
        let states: Vec<String> = (1..=6)
            .map(|i| format!(r#""State {i}": {{"Type": "Succeed"}}"#))
            .collect();
        let text = format!(
            r#"{{"StartAt": "Something else", "States": {{{}}}}}"#,
            states.join(", ")
        );
        assert_eq!(help(&text), None);
    }
}
