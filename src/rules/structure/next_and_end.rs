use crate::diagnostics::Applicability;
use crate::rules::{LintContext, Sink, declare_rule, remove_field};

declare_rule! {
    /// ## What it does
    /// Reports a state that has both `Next` and `End`.
    ///
    /// ## Why is this bad?
    /// A state either moves on to `Next` or ends its scope; Step Functions rejects a
    /// state with both.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    /// ```
    ///
    /// ## Fix
    /// Removes `End` (unsafe: you may have meant to stop here and `Next` is the stale
    /// one). A `Next` added while extending a workflow, with the old `End` left
    /// behind, is the usual way this happens.
    pub static RULE = {
        code: "ASL105",
        name: "next-and-end",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if let (Some(next), Some(end)) = (state.next, state.end) {
            if state.kind.is_some_and(|k| !k.needs_next_or_end()) {
                continue; // ASL107 reports Next/End on Choice, Succeed, Fail
            }
            let d = sink.report(
                end.key_range,
                format!("state \"{}\" has both Next and End", state.name),
            );
            d.labels.push(crate::diagnostics::Label {
                range: next.key_range,
                message: "Next is here".to_string(),
            });
            d.help = Some("keep Next to continue, or End to stop here".to_string());
            if ctx.fixes {
                d.fixes.extend(remove_field(
                    ctx.source,
                    state.node,
                    end,
                    Applicability::Unsafe,
                ));
            }
        }
    }
}
