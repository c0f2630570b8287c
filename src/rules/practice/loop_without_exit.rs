use crate::rules::practice::{loops, names};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a loop that, once entered, can never be left: a set of states that
    /// transition among themselves with no `Next`, Choice rule, `Default` or `Catch`
    /// leading out of the set, and no terminal state (Succeed, Fail, `"End": true`) in
    /// it. ASL206 covers the case where no path from `StartAt` ends at all; this rule
    /// finds a trap inside a state machine that can otherwise end.
    ///
    /// ## Why is this bad?
    /// An execution that enters the loop runs until it fails or times out (a Standard
    /// workflow may run for up to a year, and a loop fails once it reaches the
    /// 25,000-event history limit).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check", "States": {
    ///   "Check": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}], "Default": "Poll"},
    ///   "Poll": {"Type": "Wait", "Seconds": 10, "Next": "Refresh"},
    ///   "Refresh": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "get-status", "Payload.$": "$"},
    ///     "OutputPath": "$.Payload", "Next": "Poll"},
    ///   "Done": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead (go back to the Choice that tests the refreshed status):
    /// ```json
    /// {"StartAt": "Check", "States": {
    ///   "Check": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}], "Default": "Poll"},
    ///   "Poll": {"Type": "Wait", "Seconds": 10, "Next": "Refresh"},
    ///   "Refresh": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "get-status", "Payload.$": "$"},
    ///     "OutputPath": "$.Payload", "Next": "Check"},
    ///   "Done": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL701",
        name: "loop-without-exit",
        severity: Warning,
        aws_code: None,
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
        // A scope that cannot end at all is ASL206's.
        let Some(start) = graph.start else { continue };
        if !graph.can_finish[start.index()] {
            continue;
        }
        for states in loops(scope, graph) {
            // Every state must be complete: a missing Next or type is reported elsewhere.
            let complete = states.iter().all(|&i| {
                let s = &scope.states[i];
                s.kind
                    .is_some_and(|k| !k.needs_next_or_end() || s.next.is_some())
                    && s.transitions()
                        .iter()
                        .all(|t| scope.state_index(t.target).is_some())
            });
            if !complete || states.iter().any(|&i| graph.can_finish[i]) {
                continue;
            }
            let first = &scope.states[states[0]];
            sink.report(
                first.name_range,
                format!(
                    "the loop {} has no way out: no transition leaves it and none of its states ends the {}",
                    names(scope, &states),
                    if scope.parent().is_some() { "branch" } else { "execution" }
                ),
            )
            .help = Some(
                "add a Choice rule or a Catch that leads out of the loop, or a state with \"End\": true".into(),
            );
        }
    }
}
