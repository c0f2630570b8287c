use crate::model::{STANDARD_MAX_SECONDS, StateType};
use crate::rules::practice::resource;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Task that waits for a task token (`.waitForTaskToken`) or runs an
    /// activity, with neither a `HeartbeatSeconds` nor a `TimeoutSeconds` (nor their
    /// `Path` forms), in a state machine that has no top-level `TimeoutSeconds` shorter
    /// than a year.
    ///
    /// ## Why is this bad?
    /// If the token never comes back (the worker crashed, the message was lost), or no
    /// activity worker polls for the task or the one that took it dies, the task waits
    /// as long as Step Functions lets it: the default task timeout is
    /// 99,999,999 seconds, so a Standard workflow sits there until it hits the one-year
    /// limit on an execution. A heartbeat or a timeout turns the lost callback into a
    /// `States.HeartbeatTimeout` or `States.Timeout` error that a `Catch` can handle.
    /// A `TimeoutSeconds` at the top of the state machine also bounds the wait (the
    /// whole execution fails with `States.Timeout`), so the rule is silent then, as
    /// it is when that limit is a deploy-time value (`${Timeout}`). (Parallel and Map
    /// states take no timeout: only the Task's own fields and the top-level one
    /// bound the wait.)
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 3600, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL705",
        name: "callback-without-timeout",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// An activity ARN: `arn:<partition>:states:<region>:<account>:activity:<name>`.
fn is_activity(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    parts.len() == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity"
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    // The execution's own time limit bounds every wait in it, when it is shorter than
    // the year AWS gives a Standard execution anyway.
    // A value only known at deploy time (`${Timeout}`, a CloudFormation `!Ref`) was
    // given on purpose: it counts too.
    if machine.root.get("TimeoutSeconds").is_some_and(|t| {
        t.is_unknown()
            || t.as_str().is_some_and(|s| s.contains("${"))
            || t.as_u64()
                .is_some_and(|t| t > 0 && t < STANDARD_MAX_SECONDS)
    }) {
        return;
    }
    for state in machine.all_states() {
        if state.kind != Some(StateType::Task) {
            continue;
        }
        let callback = resource(state).is_some_and(|r| r.ends_with(".waitForTaskToken"));
        let activity = resource(state).is_some_and(is_activity);
        if !callback && !activity {
            continue;
        }
        let limited = [
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
        ]
        .iter()
        .any(|k| state.field(k).is_some());
        if !limited {
            let at = state.name_range;
            let message = match callback {
                true => format!(
                    "\"{}\" waits for a task token with no HeartbeatSeconds or TimeoutSeconds: a lost callback keeps it waiting until the execution times out",
                    state.name
                ),
                false => format!(
                    "\"{}\" runs an activity with no HeartbeatSeconds or TimeoutSeconds: if no worker takes it, or the worker dies, it waits until the execution times out",
                    state.name
                ),
            };
            sink.report(at, message).help = Some(
                "set TimeoutSeconds (and HeartbeatSeconds for long jobs) and catch States.Timeout"
                    .into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    /// A limit on the task or on the whole execution, literal or given at deploy time,
    /// bounds the wait: not reported. Without one the task is.
    #[test]
    fn a_timeout_given_another_way_counts() {
        let text = |top: &str, fields: &str| {
            format!(
                r#"{{{top}"StartAt": "Ask", "States": {{"Ask": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {{"QueueUrl": "q", "MessageBody": {{"token.$": "$$.Task.Token"}}}}{fields}, "End": true}}}}}}"#
            )
        };
        for (top, fields) in [
            ("", r#", "TimeoutSecondsPath": "$.t""#),
            ("", r#", "HeartbeatSeconds": 600"#),
            (r#""TimeoutSeconds": 86400, "#, ""),
            (r#""TimeoutSeconds": "${ApprovalTimeout}", "#, ""),
        ] {
            assert!(
                located_messages(&text(top, fields), "ASL705").is_empty(),
                "{top}{fields}"
            );
        }
        assert_eq!(
            located_messages(&text("", ""), "ASL705"),
            [
                "\"Ask\": \"Ask\" waits for a task token with no HeartbeatSeconds or TimeoutSeconds: a lost callback keeps it waiting until the execution times out"
            ]
        );
    }
}
