use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `Next` or `End` on a Choice, Succeed or Fail state.
    ///
    /// ## Why is this bad?
    /// A Choice state moves on through its `Choices` and `Default`; Succeed and Fail
    /// always end their scope. Step Functions rejects these fields there
    /// ("Field 'Next' is not supported").
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL107",
        name: "transition-not-allowed",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some(kind @ (StateType::Choice | StateType::Succeed | StateType::Fail)) = state.kind
        else {
            continue;
        };
        for m in [state.next, state.end].into_iter().flatten() {
            let why = if kind == StateType::Choice {
                "a Choice state continues through Choices and Default"
            } else {
                "it always ends its scope"
            };
            sink.report(
                m.key_range,
                format!(
                    "{} is not allowed on {} state \"{}\": {why}",
                    m.key,
                    kind.as_str(),
                    state.name
                ),
            );
        }
    }
}
