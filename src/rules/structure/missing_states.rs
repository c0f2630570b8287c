use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state machine, Parallel branch or Map processor whose `States` is
    /// missing, not an object, or empty.
    ///
    /// ## Why is this bad?
    /// Every scope needs at least one state; Step Functions rejects the definition.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL102",
        name: "missing-states",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for scope in &machine.scopes {
        if scope.id == 0 && super::root_is_not_a_state_machine(machine) {
            continue;
        }
        let what = scope.describe(machine);
        match scope.states_member {
            None => {
                let at = crate::rules::char_at(ctx.source, scope.node.range.start);
                sink.report(at, format!("{what} has no States"));
            }
            Some(m) => match m.value.as_object() {
                None if m.value.is_unknown() => {}
                None => {
                    sink.report(
                        m.value.range,
                        format!(
                            "States must be an object of states, not {}",
                            m.value.kind_name()
                        ),
                    );
                }
                Some([]) => {
                    sink.report(
                        m.value.range,
                        format!("{what} has no states: States is empty"),
                    );
                }
                Some(_) => {}
            },
        }
    }
}
