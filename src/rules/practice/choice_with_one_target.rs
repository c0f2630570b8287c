use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Choice state whose rules and `Default` all go to the same state,
    /// when no rule assigns variables or sets an output of its own (JSONata `Assign`
    /// and `Output` on a rule make the choice meaningful even with one target).
    ///
    /// ## Why is this bad?
    /// Whatever the input, the next state is the same: the Choice decides nothing.
    /// Most often one `Next` was copied and not changed, and the branch meant for the
    /// other case is never taken.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Paid?", "States": {"Paid?": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.paid", "BooleanEquals": true, "Next": "Enrol"}],
    ///   "Default": "Enrol"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Paid?", "States": {"Paid?": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.paid", "BooleanEquals": true, "Next": "Enrol"}],
    ///   "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    pub static RULE = {
        code: "ASL707",
        name: "choice-with-one-target",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) || state.choices.is_empty() {
            continue;
        }
        let Some(default) = state.default.and_then(|m| m.value.as_str()) else {
            continue;
        };
        let one_target = state
            .choices
            .iter()
            .all(|r| r.next.and_then(|m| m.value.as_str()) == Some(default));
        let own_effects = state
            .choices
            .iter()
            .any(|r| r.node.member("Assign").is_some() || r.node.member("Output").is_some());
        if !one_target || own_effects || state.default.is_some_and(|m| m.value.is_unknown()) {
            continue;
        }
        let what = if state.choices.len() == 1 {
            "its rule and its Default both go"
        } else {
            "all its rules and its Default go"
        };
        let d = sink.report(
            state.name_range,
            format!(
                "Choice state \"{}\" decides nothing: {what} to \"{default}\"",
                state.name
            ),
        );
        d.help = Some(
            "point the Default or a rule at the state meant for the other case, or replace the Choice with a Next"
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(choice: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", {choice}}}, "E": {{"Type": "Succeed"}}, "F": {{"Type": "Succeed"}}}}}}"#
        );
        located_messages(&text, "ASL707")
    }

    #[test]
    fn one_target_is_reported_at_the_state_name() {
        assert_eq!(
            run(
                r#""Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "E"}, {"Variable": "$.b", "IsPresent": true, "Next": "E"}], "Default": "E""#
            ),
            vec![
                "\"C\": Choice state \"C\" decides nothing: all its rules and its Default go to \"E\""
            ]
        );
        assert_eq!(
            run(
                r#""Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "E"}], "Default": "E""#
            ),
            vec![
                "\"C\": Choice state \"C\" decides nothing: its rule and its Default both go to \"E\""
            ]
        );
    }

    #[test]
    fn two_targets_or_own_effects_pass() {
        assert_eq!(
            run(
                r#""Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "E"}], "Default": "F""#
            ),
            Vec::<String>::new()
        );
        // Without a Default, no match fails the execution: that is a second outcome.
        assert_eq!(
            run(r#""Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "E"}]"#),
            Vec::<String>::new()
        );
        assert_eq!(
            run(
                r#""Choices": [{"Variable": "$.a", "IsPresent": true, "Assign": {"seen": true}, "Next": "E"}], "Default": "E""#
            ),
            Vec::<String>::new()
        );
    }
}
