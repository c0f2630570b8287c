use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state name that is empty or contains control characters (such as a
    /// tab or a newline).
    ///
    /// ## Why is this bad?
    /// Step Functions rejects such names (`INVALID_STATE_NAME`); they are usually a
    /// copy-and-paste accident and are invisible in most editors.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Send\temail", "States": {"Send\temail": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Send email", "States": {"Send email": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL109",
        name: "invalid-state-name",
        severity: Error,
        aws_code: Some("INVALID_STATE_NAME"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.name.is_empty() {
            let d = sink.report(state.name_range, "state name is empty");
            d.help = Some("give the state a name (and the transitions to it)".to_string());
        } else if let Some(c) = state.name.chars().find(|c| c.is_control()) {
            let d = sink.report(
                state.name_range,
                format!(
                    "state name {} contains the control character U+{:04X}",
                    crate::syntax::text::quoted_visible(state.name),
                    c as u32
                ),
            );
            d.help = Some("remove the control character".to_string());
        }
    }
}
