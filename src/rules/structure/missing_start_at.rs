use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state machine, Parallel branch or Map processor without a `StartAt`
    /// string.
    ///
    /// ## Why is this bad?
    /// `StartAt` names the first state to run; without it Step Functions rejects the
    /// definition.
    ///
    /// ## Example
    /// ```json
    /// {"States": {"A": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL101",
        name: "missing-start-at",
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
        match scope.start_at {
            None => {
                let at = crate::rules::char_at(ctx.source, scope.node.range.start);
                let d = sink.report(
                    at,
                    format!("{} has no StartAt", capitalize(&scope.describe(machine))),
                );
                d.help = Some("add \"StartAt\" naming the first state to run".to_string());
            }
            Some(m) if m.value.as_str().is_none() && !m.value.is_unknown() => {
                sink.report(
                    m.value.range,
                    format!("StartAt must be a string, not {}", m.value.kind_name()),
                );
            }
            Some(_) => {}
        }
    }
}

pub(crate) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
