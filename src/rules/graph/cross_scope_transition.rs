use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a transition (`Next`, Choice rule, `Default`, `Catch`, or `StartAt`) that
    /// names a state of another scope: out of a Parallel branch or Map processor, into
    /// one, or between two of them.
    ///
    /// ## Why is this bad?
    /// Each branch and processor is a closed state machine of its own; Step Functions
    /// rejects transitions across their boundaries (`MISSING_TRANSITION_TARGET`). To
    /// continue after a Parallel or Map, end the branch and give the Parallel or Map
    /// state a `Next`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "Done", "Branches": [{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "Done"}}}]}, "Done": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "Done", "Branches": [{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}}]}, "Done": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL207",
        name: "cross-scope-transition",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for scope in &machine.scopes {
        let mut targets: Vec<(&str, &crate::syntax::Member<'_>, &str)> = Vec::new();
        if let (Some(m), Some(name)) = (scope.start_at, scope.start_at_name()) {
            targets.push((name, m, "StartAt"));
        }
        for state in &scope.states {
            for t in state.transitions() {
                targets.push((t.target, t.member, t.kind.describe()));
            }
        }
        for (name, member, what) in targets {
            if scope.state_index(name).is_some() {
                continue;
            }
            let Some(&other) = machine.states_named(name).first() else {
                continue;
            };
            let other_state = machine.state(other);
            let d = sink.report(
                member.value.range,
                format!(
                    "{what} names \"{name}\", a state of {}; transitions cannot cross into or out of a Parallel branch or Map processor",
                    machine.scope(other.scope).describe(machine)
                ),
            );
            d.labels.push(crate::diagnostics::Label {
                range: other_state.name_range,
                message: format!("\"{name}\" is defined here"),
            });
        }
    }
}
