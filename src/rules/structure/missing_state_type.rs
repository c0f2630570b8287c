use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that is not an object, or has no `Type`.
    ///
    /// ## Why is this bad?
    /// The `Type` decides what a state does (Task, Pass, Choice, Wait, Succeed, Fail,
    /// Parallel, Map); Step Functions rejects a state without one.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL103",
        name: "missing-state-type",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.node.as_object().is_none() {
            if !state.node.is_unknown() {
                sink.report(
                    state.node.range,
                    format!(
                        "state \"{}\" must be an object, not {}",
                        state.name,
                        state.node.kind_name()
                    ),
                );
            }
        } else if state.type_member().is_none() {
            sink.report(
                state.name_range,
                format!("state \"{}\" has no Type", state.name),
            )
            .help = Some(
                "add \"Type\": one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map"
                    .to_string(),
            );
        }
    }
}
