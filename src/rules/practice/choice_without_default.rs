use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Choice state without a `Default`.
    ///
    /// ## Why is this bad?
    /// When no rule matches, the execution fails: the language names the error
    /// `States.NoChoiceMatched`, and AWS reports it as `States.Runtime`, which no
    /// `Catch` or `Retry` anywhere can handle. A `Default` (often a Fail state with a
    /// clear error and cause) makes the unexpected case explicit.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Route", "States": {"Route": {"Type": "Choice", "Choices": [{"Variable": "$.kind", "StringEquals": "a", "Next": "A"}]}, "A": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Route", "States": {"Route": {"Type": "Choice", "Choices": [{"Variable": "$.kind", "StringEquals": "a", "Next": "A"}], "Default": "Unknown kind"}, "A": {"Type": "Succeed"}, "Unknown kind": {"Type": "Fail", "Error": "UnknownKind"}}}
    /// ```
    pub static RULE = {
        code: "ASL703",
        name: "choice-without-default",
        severity: Info,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind == Some(StateType::Choice) && state.field("Default").is_none() {
            sink.report(
                state.name_range,
                format!(
                    "Choice state \"{}\" has no Default: when no rule matches, the execution fails with States.Runtime",
                    state.name
                ),
            );
        }
    }
}
