use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports numbers, lengths and counts outside their bounds: `TimeoutSeconds` and
    /// `HeartbeatSeconds` from 1 to 99999999, Wait `Seconds` up to 99999999,
    /// `IntervalSeconds` at least 1, `MaxAttempts` from 0 to 99999999, `BackoffRate` at
    /// least 1, `MaxDelaySeconds` from 1 to 31622400, `ToleratedFailurePercentage` from
    /// 0 to 100, a `Label` of at most 40 characters, empty `Choices`, `Branches`,
    /// `ErrorEquals`, `And`, `Or`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED: Maximum value
    /// is 99999999`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "hi"}, "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "hi"}, "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 1.5}], "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL114",
        name: "value-out-of-bounds",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::OutOfBounds);
}
