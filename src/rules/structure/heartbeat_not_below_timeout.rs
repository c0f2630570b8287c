use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Task whose `HeartbeatSeconds` is not smaller than its `TimeoutSeconds`
    /// (when both are numbers).
    ///
    /// ## Why is this bad?
    /// The language requires the heartbeat interval to be shorter than the timeout: a
    /// heartbeat that may arrive after the task has already timed out is meaningless. Step
    /// Functions rejects the definition.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 60, "HeartbeatSeconds": 60, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 60, "HeartbeatSeconds": 30, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL122",
        name: "heartbeat-not-below-timeout",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let (Some(hb), Some(to)) = (
            state.field("HeartbeatSeconds"),
            state.field("TimeoutSeconds"),
        ) else {
            continue;
        };
        let (Some(h), Some(t)) = (hb.value.as_f64(), to.value.as_f64()) else {
            continue;
        };
        if h >= t {
            let d = sink.report(
                hb.value.range,
                format!(
                    "HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t}) in \"{}\"",
                    state.name
                ),
            );
            d.help = Some(format!(
                "lower HeartbeatSeconds below {t}, or raise TimeoutSeconds above {h}"
            ));
        }
    }
}
