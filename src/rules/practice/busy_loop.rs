use crate::rules::practice::{all_loops, changes_nothing, names};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a loop made only of Pass and Choice states that change nothing: no Wait
    /// and no Task, Parallel or Map state in it, and no state in it that sets a variable
    /// (`Assign`) or reshapes its data (`Parameters`, `Result`, `Output`, `InputPath`,
    /// `OutputPath`, `ResultPath`).
    ///
    /// ## Why is this bad?
    /// Every turn of such a loop sees the same input and the same variables, so its
    /// Choice decides the same way every time: once entered, the loop spins as fast as
    /// Step Functions moves between states, adding events to the history until the
    /// execution fails at the 25,000-event limit (and a Standard workflow is billed for
    /// every transition).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check", "States": {"Check": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": true, "Next": "Done"}], "Default": "Again"}, "Again": {"Type": "Pass", "Next": "Check"}, "Done": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead (wait between turns, and fetch what the Choice tests on each):
    /// ```json
    /// {"StartAt": "Check", "States": {"Check": {"Type": "Choice", "Choices": [{"Variable": "$.status.ready", "BooleanEquals": true, "Next": "Done"}], "Default": "Again"},
    ///   "Again": {"Type": "Wait", "Seconds": 30, "Next": "Get status"},
    ///   "Get status": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "get-status", "Payload.$": "$"},
    ///     "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///     "ResultSelector": {"ready.$": "$.Payload.ready"}, "ResultPath": "$.status", "Next": "Check"},
    ///   "Done": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL702",
        name: "busy-loop",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for (scope, _, states) in all_loops(ctx) {
        let idle = states.iter().all(|&i| changes_nothing(&scope.states[i]));
        if !idle {
            continue;
        }
        let first = &scope.states[states[0]];
        sink.report(
            first.name_range,
            format!(
                "the loop {} neither waits, works nor changes any data: it takes the same turn forever, until the execution reaches the 25,000-event history limit",
                names(scope, &states)
            ),
        )
        .help = Some("put a Task in the loop that fetches what its Choice tests, and a Wait between turns".into());
    }
}
