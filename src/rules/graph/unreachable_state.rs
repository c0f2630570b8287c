use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that no path from `StartAt` reaches, following `Next`, Choice
    /// rules, `Default` and `Catch`. Each Parallel branch and Map processor is checked on
    /// its own. An island of states that point at each other is unreachable too.
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
        let mut reported = std::collections::HashSet::new();
        for (i, state) in scope.states.iter().enumerate() {
            // With duplicate keys only the first state of a name is in the graph.
            // A value that is no object is no state (ASL103 says what it is).
            if graph.reachable[i]
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
