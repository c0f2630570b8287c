use crate::diagnostics::Applicability;
use crate::model::{State, StateMachine};
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
    /// one). A `Next` added while extending a workflow, with the old `End` left behind,
    /// is the usual way this happens. When the state that `Next` names can only lead
    /// back here, so the workflow could never finish without this `End`, the fix
    /// removes `Next` instead (removing `End` is still offered, second). `"End": false`
    /// beside `Next` is removed safely: it stops nothing.
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
            // `"End": false` says nothing a state with Next does not already say, but
            // the state still has both fields: removing End changes nothing.
            if end.value.as_bool() == Some(false) {
                let d = sink.report(
                    end.key_range,
                    format!(
                        "state \"{}\" has both Next and End (`\"End\": false`)",
                        state.name
                    ),
                );
                d.labels.push(crate::diagnostics::Label {
                    range: next.key_range,
                    message: "Next is here".to_string(),
                });
                d.help = Some("remove End: a state with Next continues there".to_string());
                if ctx.fixes {
                    d.fixes.extend(remove_field(
                        ctx.source,
                        state.node,
                        end,
                        Applicability::Safe,
                    ));
                }
                continue;
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
                let remove_end = remove_field(ctx.source, state.node, end, Applicability::Unsafe);
                let remove_next = remove_field(ctx.source, state.node, next, Applicability::Unsafe);
                // Keep Next unless what it leads to can never finish (a loop back):
                // then End was meant, and removing Next comes first.
                let loops = next
                    .value
                    .as_str()
                    .is_some_and(|target| only_loops_back(machine, state, target));
                if loops {
                    d.fixes.extend(remove_next.into_iter().chain(remove_end));
                } else {
                    d.fixes.extend(remove_end.into_iter().chain(remove_next));
                }
            }
        }
    }
}

/// True when, with the `End` of `state` gone, the way from `target` (the state its
/// `Next` names; following Next, Choice rules, Default and Catch within the scope) comes
/// back to `state` and never reaches a terminal state. A way that stops at a state with
/// neither `Next` nor `End` is that state's mistake (ASL106, whose fix adds its `End`),
/// not a reason to drop this `Next`.
fn only_loops_back(machine: &StateMachine<'_, '_>, state: &State<'_, '_>, target: &str) -> bool {
    let scope = machine.scope(state.id.scope);
    let Some(start) = scope.state_index(target) else {
        return false; // ASL201's to report; no reason to prefer either fix
    };
    let mut seen = vec![false; scope.states.len()];
    let mut stack = vec![start];
    let mut back = false;
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if i == state.id.index {
            back = true;
            continue;
        }
        let s = &scope.states[i];
        if s.is_terminal() {
            return false;
        }
        stack.extend(
            s.transitions()
                .iter()
                .filter_map(|t| scope.state_index(t.target))
                .filter(|&j| !seen[j]),
        );
    }
    back
}

#[cfg(test)]
mod tests {
    use crate::rules::each_fix;
    use crate::syntax::SourceKind;

    /// The titles of the fixes offered, in order.
    fn titles(text: &str) -> Vec<String> {
        each_fix(text, SourceKind::Json, "ASL105")
            .into_iter()
            .flatten()
            .map(|(_, title, _)| title)
            .collect()
    }

    #[test]
    fn next_is_kept_unless_it_loops_back_for_ever() {
        let onward = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}}}"#;
        assert_eq!(titles(onward), ["Remove \"End\"", "Remove \"Next\""]);
        let back = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "A"}, "A": {"Type": "Pass", "Next": "W", "End": true}}}"#;
        assert_eq!(titles(back), ["Remove \"Next\"", "Remove \"End\""]);
        // B lacks its End (ASL106, whose fix adds it): not a loop, Next is kept.
        let unfinished = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Pass"}}}"#;
        assert_eq!(titles(unfinished), ["Remove \"End\"", "Remove \"Next\""]);
    }

    #[test]
    fn end_false_beside_next_is_removed_safely() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": false}, "B": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL105"),
            ["\"End\": state \"A\" has both Next and End (`\"End\": false`)"]
        );
        assert_eq!(
            each_fix(text, SourceKind::Json, "ASL105"),
            [[(
                crate::diagnostics::Applicability::Safe,
                "Remove \"End\"".to_string(),
                r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#.to_string()
            )]]
        );
    }
}
