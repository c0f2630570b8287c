use crate::rules::resources::{Pattern, find_string, parse_arn, split_pattern, task_resource};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `.waitForTaskToken` Task whose `Parameters` (JSONPath) or `Arguments`
    /// (JSONata) never pass the task token: `$$.Task.Token` or
    /// `$states.context.Task.Token`.
    ///
    /// ## Why is this bad?
    /// The task waits until someone calls `SendTaskSuccess` or `SendTaskFailure` with its
    /// token. If the token is not sent to the worker, nobody can, and the execution hangs
    /// until the task times out (a year by default).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"order.$": "$.order"}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL406",
        name: "missing-task-token",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text)) = task_resource(state) else {
            continue;
        };
        let Some(arn) = parse_arn(text) else { continue };
        if !text.ends_with(".waitForTaskToken")
            || split_pattern(arn.resource).1 != Some(Pattern::WaitForTaskToken)
        {
            continue;
        }
        let payload = state
            .field("Parameters")
            .or_else(|| state.field("Arguments"));
        // Any mention will do here (`$$.Task.Token`, `$$['Task']['Token']`, ...);
        // a part only known at deploy time may hold it.
        let sent = payload.is_some_and(|p| {
            let (found, unknown) = find_string(&p.value, |s| s.contains("Task.Token"));
            found.is_some() || unknown
        });
        if !sent {
            let resource_key = state.field("Resource").map_or(m.range, |r| r.key_range);
            let at = payload.map_or(resource_key, |p| p.key_range);
            sink.report(
                at,
                format!(
                    "\"{}\" waits for a task token but never sends it: nobody can complete the task",
                    state.name
                ),
            )
            .help = Some(
                "pass \"$$.Task.Token\" (JSONPath) or \"{% $states.context.Task.Token %}\" (JSONata) in the payload".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn jsonata_token_and_missing_payload() {
        let opts = LintOptions {
            select: vec!["ASL406".into()],
            ..Default::default()
        };
        let ok = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "Arguments": {"Payload": {"t": "{% $states.context.Task.Token %}"}}, "End": true}}}"#;
        assert!(lint_text(ok, SourceKind::Json, &opts).is_empty());
        let bad = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": true}}}"#;
        let d = lint_text(bad, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&bad[d[0].range.as_usize()], "\"Resource\"");
        assert_eq!(
            d[0].message,
            "\"A\" waits for a task token but never sends it: nobody can complete the task"
        );
    }
}
