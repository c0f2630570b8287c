use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a required field that is missing: `Resource` of a Task, `Choices` of a
    /// Choice, `Branches` of a Parallel, `ItemProcessor` of a Map, one of Wait's
    /// `Seconds`, `Timestamp`, `SecondsPath` or `TimestampPath`, `ErrorEquals` and
    /// `Next` of a catcher, `Next` of a Choice rule, `Condition` of a JSONata Choice
    /// rule, `Resource` of an ItemReader, ...
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED: These fields
    /// are required: [...]`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "hi"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL112",
        name: "missing-required-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::MissingField);
}
