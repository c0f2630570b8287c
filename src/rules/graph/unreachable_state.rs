use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that no path from `StartAt` reaches, following `Next`, Choice
    /// rules, `Default` and `Catch`. Each Parallel branch and Map processor is checked on
    /// its own. An island of states that point at each other is unreachable too. Of
    /// the states a misspelt transition (`"Next": "Assign Cse"`, ASL201) cuts off, only
    /// the one it was likely meant for is reported, not every state after it.
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
        let report = to_report(scope, &graph.reachable, sink);
        let mut reported = std::collections::HashSet::new();
        for (i, state) in scope.states.iter().enumerate() {
            // With duplicate keys only the first state of a name is in the graph.
            // A value that is no object is no state (ASL103 says what it is).
            if !report[i]
                || state.node.as_object().is_none()
                || scope.state_index(state.name) != Some(i)
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

/// Which unreachable states to report: with each misspelt transition read as the state
/// ASL201 (and its kin) suggests, `"Next": "Assign Cse"` leaves "Assign Case"
/// unreachable (reported: it is the state the typo cut off) but not the states after it,
/// which are reachable once the name is fixed. One typo is then two errors, not one per
/// state after it. A transition to a name like no state's still cuts them all off.
fn to_report(
    scope: &crate::model::Scope<'_, '_>,
    reachable: &[bool],
    sink: &mut Sink<'_>,
) -> Vec<bool> {
    let mut repaired = reachable.to_vec();
    let mut meant = vec![false; reachable.len()];
    let mut stack: Vec<usize> = (0..reachable.len()).filter(|&i| reachable[i]).collect();
    while let Some(i) = stack.pop() {
        for t in scope.states[i].transitions() {
            let next = match scope.state_index(t.target) {
                Some(j) => Some(j),
                // A name of no state: the state it was likely meant to be.
                None if sink.may_suggest() => {
                    let names = (scope.states.iter().enumerate())
                        .filter(|&(j, _)| j != i)
                        .map(|(_, s)| s.name);
                    let j = crate::rules::did_you_mean(t.target, names)
                        .and_then(|name| scope.state_index(name));
                    if let Some(j) = j {
                        meant[j] = true;
                    }
                    j
                }
                None => None,
            };
            if let Some(j) = next
                && !std::mem::replace(&mut repaired[j], true)
            {
                stack.push(j);
            }
        }
    }
    (0..reachable.len())
        .map(|i| !reachable[i] && (!repaired[i] || meant[i]))
        .collect()
}
