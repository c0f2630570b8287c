use crate::model::{Scope, ScopeId, ScopeKind, StateMachine};
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
            d.help = help(machine, scope, other.scope, what, name);
        }
    }
}

/// How to reach `name` (in scope `there`) from scope `scope` by the transition `what`:
/// out of a branch through the state that holds it, into one through the state that
/// runs it. None between sibling branches, which cannot reach each other at all.
fn help(
    machine: &StateMachine<'_, '_>,
    scope: &Scope<'_, '_>,
    there: ScopeId,
    what: &str,
    name: &str,
) -> Option<String> {
    if what == "StartAt" {
        return Some(format!(
            "StartAt must name a state of {}",
            scope.describe(machine)
        ));
    }
    // The scope, at or around this one, that a state of `there` holds.
    let outward = machine
        .ancestors(scope.id)
        .find(|&s| machine.scope(s).parent().is_some_and(|p| p.scope == there));
    if let Some(inner) = outward {
        let inner = machine.scope(inner);
        let holder_state = machine.state(inner.parent()?);
        let holder = holder_state.name;
        return Some(if what == "Catch Next" {
            format!("catch the error on \"{holder}\" instead: its Catch can go to \"{name}\"")
        } else {
            let kind = match inner.kind {
                ScopeKind::Processor { .. } => "item processor",
                _ => "branch",
            };
            let goes_on = holder_state
                .next
                .and_then(|m| m.value.as_str())
                .is_some_and(|n| n == name);
            if goes_on {
                format!(
                    "let the {kind} end (\"End\": true): \"{holder}\" goes on to \"{name}\" already"
                )
            } else {
                format!("let the {kind} end, and give \"{holder}\" \"Next\": \"{name}\"")
            }
        });
    }
    let inward = machine
        .ancestors(there)
        .filter_map(|s| machine.scope(s).parent())
        .find(|p| p.scope == scope.id)?;
    Some(format!(
        "go to \"{}\" instead: \"{name}\" runs only inside it",
        machine.state(inward).name
    ))
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    /// The help of each ASL207 diagnostic.
    fn helps(text: &str) -> Vec<Option<String>> {
        let options = LintOptions {
            select: vec!["ASL207".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &options)
            .into_iter()
            .map(|d| d.help)
            .collect()
    }

    #[test]
    fn the_help_says_which_state_to_go_through() {
        // Out of a branch, by Next and by Catch; StartAt of a branch.
        let text = r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Next": "Done", "Branches": [
    {"StartAt": "Done", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "Next": "Done"}}}
  ]},
  "Done": {"Type": "Succeed"},
  "Failed": {"Type": "Fail"}}}"#;
        assert_eq!(
            helps(text),
            [
                Some("StartAt must name a state of branch 1 of \"P\"".to_string()),
                Some(
                    "catch the error on \"P\" instead: its Catch can go to \"Failed\"".to_string()
                ),
                Some(
                    "let the branch end (\"End\": true): \"P\" goes on to \"Done\" already"
                        .to_string()
                ),
            ]
        );
        // A Parallel that does not go there yet is given the Next.
        let other = text.replace(
            r#""Next": "Done", "Branches""#,
            r#""End": true, "Branches""#,
        );
        assert_eq!(
            helps(&other)[2].as_deref(),
            Some("let the branch end, and give \"P\" \"Next\": \"Done\"")
        );
        // Into an item processor; between the branches of one Parallel state.
        let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Item"},
  "M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Succeed"}}}},
  "P": {"Type": "Parallel", "End": true, "Branches": [
    {"StartAt": "L", "States": {"L": {"Type": "Pass", "Next": "R"}}},
    {"StartAt": "R", "States": {"R": {"Type": "Succeed"}}}
  ]}}}"#;
        assert_eq!(
            helps(text),
            [
                Some("go to \"M\" instead: \"Item\" runs only inside it".to_string()),
                None,
            ]
        );
    }
}
