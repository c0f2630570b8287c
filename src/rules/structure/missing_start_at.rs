use crate::diagnostics::{Applicability, Fix};
use crate::model::Scope;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::edit::insert_member;

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
    ///
    /// ## Fix
    /// Adds `StartAt` before `States`, naming the one state that no other state
    /// transitions to, or else the first state written (unsafe: a guess at which state
    /// runs first).
    pub static RULE = {
        code: "ASL101",
        name: "missing-start-at",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
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
                let d = sink.report(at, format!("{} has no StartAt", scope.describe(machine)));
                d.help = Some("add \"StartAt\" naming the first state to run".to_string());
                if ctx.fixes
                    && let Some(first) = likely_start(scope)
                    && let Some(states) = scope.states_member
                    && let Some(index) = scope
                        .node
                        .as_object()
                        .and_then(|ms| ms.iter().position(|m| m.key_range == states.key_range))
                    && let Some(edit) = insert_member(
                        ctx.source,
                        scope.node,
                        index,
                        "StartAt",
                        &serde_json::Value::from(first),
                    )
                {
                    d.fixes.push(Fix::edit(
                        format!("Add \"StartAt\": \"{first}\""),
                        Applicability::Unsafe,
                        edit,
                    ));
                }
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

/// The state a scope most likely starts at: the only one that no state of the scope
/// transitions to, or else the first one written.
fn likely_start<'a>(scope: &Scope<'a, '_>) -> Option<&'a str> {
    let targets: std::collections::HashSet<&str> = scope
        .states
        .iter()
        .flat_map(|s| s.transitions())
        .map(|t| t.target)
        .collect();
    let mut entries = scope.states.iter().filter(|s| !targets.contains(s.name));
    match (entries.next(), entries.next()) {
        (Some(only), None) => Some(only.name),
        _ => scope.states.first().map(|s| s.name),
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    /// The text after each diagnostic's fix.
    fn fixed(text: &str, kind: SourceKind) -> Vec<String> {
        crate::rules::each_fix(text, kind, "ASL101")
            .into_iter()
            .flatten()
            .map(|(_, _, fixed)| fixed)
            .collect()
    }

    #[test]
    fn start_at_names_the_state_nothing_leads_to() {
        let yaml = "States:\n  Work:\n    Type: Pass\n    Next: Done\n  Open case:\n    Type: Pass\n    Next: Work\n  Done:\n    Type: Succeed\n";
        assert_eq!(
            fixed(yaml, SourceKind::Yaml),
            vec![format!("StartAt: Open case\n{yaml}")]
        );
    }

    #[test]
    fn else_the_first_state_written() {
        // A loop: every state is a target.
        let json = r#"{"States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#;
        assert_eq!(
            fixed(json, SourceKind::Json),
            vec![r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#.to_string()]
        );
        // Two entries: no way to tell, the first written.
        let json = r#"{"States": {"B": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}"#;
        assert_eq!(
            fixed(json, SourceKind::Json),
            vec![r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}"#.to_string()]
        );
    }
}
