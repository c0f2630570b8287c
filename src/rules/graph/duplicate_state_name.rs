use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state name used in two different scopes, e.g. at the top level and
    /// inside a Parallel branch or Map processor (two states of one name in the same
    /// `States` object are duplicate keys, ASL002).
    ///
    /// ## Why is this bad?
    /// State names must be unique across the whole state machine, nested scopes
    /// included; Step Functions rejects the definition (`DUPLICATE_STATE_NAME`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "Done", "Branches": [{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}]}, "Done": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "Done", "Branches": [{"StartAt": "Branch done", "States": {"Branch done": {"Type": "Succeed"}}}]}, "Done": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL208",
        name: "duplicate-state-name",
        severity: Error,
        aws_code: Some("DUPLICATE_STATE_NAME"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let ids = machine.states_named(state.name);
        // The first state of the name, in scope order, is the original.
        let first = ids[0];
        if first == state.id || first.scope == state.id.scope {
            continue;
        }
        let original = machine.state(first);
        let d = sink.report(
            state.name_range,
            format!(
                "state name \"{}\" is already used in {}; names must be unique across the whole state machine",
                state.name,
                machine.scope(first.scope).describe(machine)
            ),
        );
        d.labels.push(crate::diagnostics::Label {
            range: original.name_range,
            message: "first used here".to_string(),
        });
        d.help = Some("rename one of them (and the transitions to it)".to_string());
    }
}
