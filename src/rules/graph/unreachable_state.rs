use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that no path from `StartAt` reaches, following `Next`, Choice
    /// rules, `Default` and `Catch`. Each Parallel branch and Map processor is checked
    /// on its own. An island of states that point at each other is unreachable too. Of
    /// the states a misspelled transition (`"Next": "Assign Cse"`, ASL201) cuts off,
    /// only the one it was likely meant for is reported, not every state after it.
    /// While a reachable state's way on is unknown (a target that names no state and
    /// resembles none, or a state with neither `Next` nor `End` but a `Ne` or `Nxt`, as
    /// while one is being typed), only such meant states are reported in its scope: any
    /// other may be the one meant, and the finding on that state says what to fix
    /// first.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET: State "X" is
    /// not reachable`). It is usually a missing or misspelled `Next`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "Next": "A"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "B", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "Next": "A"}}}
    /// ```
    pub static RULE = {
        code: "ASL205",
        name: "unreachable-state",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let (Some(machine), Some(graphs)) = (ctx.machine, ctx.graphs) else {
        return;
    };
    for scope in &machine.scopes {
        let graph = graphs.scope(scope.id);
        // Without a valid StartAt every state would be unreachable: ASL101/ASL202 say why.
        // A transition with a deploy-time value may lead anywhere.
        if graph.start.is_none() || super::has_unknown_transition(scope) {
            continue;
        }
        let report = to_report(machine, scope, &graph.reachable, sink);
        let mut reported = std::collections::HashSet::new();
        for (i, state) in scope.states.iter().enumerate() {
            // With duplicate keys only the last state of a name is in the graph.
            // A value that is no object is no state (ASL103 says what it is).
            if !report[i]
                || state.node.as_object().is_none()
                || scope.is_shadowed(i)
                || !reported.insert(state.name)
            {
                continue;
            }
            sink.report(
                state.name_range,
                format!("state \"{}\" is not reachable from StartAt", state.name),
            )
            .help = Some(
                "no Next, Choice rule, Default or Catch of a reachable state leads here"
                    .to_string(),
            );
        }
    }
}

/// Which unreachable states to report: with each misspelled transition read as the state
/// ASL201 (and its kin) suggests, `"Next": "Assign Cse"` leaves "Assign Case"
/// unreachable (reported: it is the state the typo cut off) but not the states after it,
/// which are reachable once the name is fixed. One typo is then two errors, not one per
/// state after it. A transition to a name like no state's still cuts them all off.
fn to_report(
    machine: &crate::model::StateMachine<'_, '_>,
    scope: &crate::model::Scope<'_, '_>,
    reachable: &[bool],
    sink: &mut Sink<'_>,
) -> Vec<bool> {
    // Some reachable state's way on is unknown: only the states a misspelled target was
    // meant for are reported.
    let mut open = false;
    let mut repaired = reachable.to_vec();
    let mut meant = vec![false; reachable.len()];
    let mut stack: Vec<usize> = (0..reachable.len()).filter(|&i| reachable[i]).collect();
    while let Some(i) = stack.pop() {
        let state = &scope.states[i];
        // Neither Next nor End (ASL106) but a key that may be a Next being typed or
        // misspelled, or a target that is no string (ASL113): where it was meant to go is
        // unknown.
        let not_a_name =
            |m: Option<&crate::syntax::Member<'_>>| m.is_some_and(|m| m.value.as_str().is_none());
        if state.kind.is_some_and(|k| k.needs_next_or_end())
            && state.next.is_none()
            && state.end.is_none()
            && state.members().iter().any(|m| next_being_typed(&m.key))
            || not_a_name(state.next)
            || not_a_name(state.default)
            || state.choices.iter().any(|c| not_a_name(c.next))
            || state.catchers.iter().any(|c| not_a_name(c.next))
        {
            open = true;
        }
        for t in state.transitions() {
            let next = match scope.state_index(t.target) {
                Some(j) => Some(j),
                // A name of no state: the state it was likely meant to be.
                None if sink.may_suggest() => {
                    // As ASL201 suggests it: of names equally close, one no path
                    // reaches is preferred; of several still, which was meant is a guess.
                    let names = (scope.states.iter().enumerate())
                        .filter(|&(j, _)| j != i)
                        .map(|(j, s)| (s.name, !reachable[j]));
                    let closest = crate::rules::closest_preferring(t.target, names);
                    let j = match closest[..] {
                        [name] => scope.state_index(name),
                        // A name cut short (`Cancel` for `Cancelled`) of one state only.
                        [] if !t.target.is_empty() => {
                            let mut longer = (scope.states.iter().enumerate())
                                .filter(|&(j, s)| j != i && s.name.starts_with(t.target));
                            match (longer.next(), longer.next()) {
                                (Some((j, _)), None) => Some(j),
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    match j {
                        Some(j) => meant[j] = true,
                        // Meant for a state of no likeness (not one of another scope,
                        // ASL207's): any of them.
                        None => open |= machine.states_named(t.target).is_empty(),
                    }
                    j
                }
                None => {
                    open |= machine.states_named(t.target).is_empty();
                    None
                }
            };
            if let Some(j) = next
                && !std::mem::replace(&mut repaired[j], true)
            {
                stack.push(j);
            }
        }
    }
    (0..reachable.len())
        .map(|i| !reachable[i] && (meant[i] || !repaired[i] && !open))
        .collect()
}

/// A key that may be `Next` half typed (`Ne`) or misspelled (`Nxt`).
fn next_being_typed(key: &str) -> bool {
    key != "Next"
        && (!key.is_empty() && "Next".starts_with(key)
            || crate::rules::did_you_mean(key, std::iter::once("Next")).is_some())
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn chain(s2: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "S1", "States": {{"S1": {{"Type": "Pass", "Next": "S2"}}, "S2": {{"Type": "Pass"{s2}}}, "S3": {{"Type": "Pass", "Next": "S4"}}, "S4": {{"Type": "Succeed"}}}}}}"#
        );
        located_messages(&text, "ASL205")
    }

    #[test]
    fn a_way_on_being_typed_reports_no_state_after_it() {
        // Half typed, misspelled, of no likeness, or not yet a name: any state may be meant.
        for s2 in [
            r#", "Ne": 1"#,
            r#", "Nxt": "S3""#,
            r#", "Next": "Q""#,
            r#", "Next": "S""#,
            r#", "Next": null"#,
        ] {
            assert_eq!(chain(s2), Vec::<String>::new(), "{s2}");
        }
    }

    #[test]
    fn a_misspelt_target_reports_the_state_meant_and_a_forgotten_next_every_one() {
        assert_eq!(
            chain(r#", "Next": "S33""#),
            ["\"S3\": state \"S3\" is not reachable from StartAt"]
        );
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Cancel"}, "Cancelled": {"Type": "Pass", "Next": "Done"}, "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(
            located_messages(text, "ASL205"),
            ["\"Cancelled\": state \"Cancelled\" is not reachable from StartAt"]
        );
        // No Next at all (ASL106, whose fix adds End): what follows is unreachable.
        assert_eq!(
            chain(""),
            [
                "\"S3\": state \"S3\" is not reachable from StartAt",
                "\"S4\": state \"S4\" is not reachable from StartAt"
            ]
        );
    }
}
