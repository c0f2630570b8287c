use crate::diagnostics::Label;
use crate::model::results::result_fields;
use crate::model::{QueryLanguage, StateType};
use crate::rules::paths::{leading_names, path_of, receivers, result_location};
use crate::rules::resources::integration_resource;
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a Fail state whose `ErrorPath` or `CausePath` reads a field that the
    /// result of the integration Task before it does not have, for integrations whose
    /// result has a fixed shape (`sns:publish`, `sqs:sendMessage`, `events:putEvents`,
    /// `apigateway:invoke`, `http:invoke`).
    ///
    /// The Fail state is judged when it gets the Task's output as it comes: the Task
    /// has no `ResultSelector`, no `OutputPath` and a `ResultPath` of plain names (or
    /// none), and any states between them hand their input on unchanged. A near miss
    /// of a field the result has (`$.messageId`) is ASL416's; a read of a Lambda or
    /// nested workflow result is ASL410's and ASL414's.
    ///
    /// ## Why is this bad?
    /// A notification sent before failing (an alert to SNS, a message to a queue)
    /// replaces the state's output with the integration's result when the Task has no
    /// `ResultPath`: the error that the catcher put under `$.error` is gone. The Fail
    /// state's `ErrorPath` then matches nothing, and the execution fails with
    /// `States.Runtime` instead of the error it was meant to report.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Alert", "States": {
    ///   "Alert": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message.$": "$.error.Cause"},
    ///     "Next": "Failed"},
    ///   "Failed": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}}}
    /// ```
    ///
    /// Use instead (keep the input, and the error in it):
    /// ```json
    /// {"StartAt": "Alert", "States": {
    ///   "Alert": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message.$": "$.error.Cause"},
    ///     "ResultPath": null, "Next": "Failed"},
    ///   "Failed": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}}}
    /// ```
    ///
    /// ## Fix
    /// None: give the Task a `ResultPath` (`null` to drop its result) so that its input
    /// goes on to the Fail state.
    pub static RULE = {
        code: "ASL420",
        name: "fail-path-misses-result",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The integrations judged, whose result fields are all known.
const JUDGED: &[&str] = &[
    "sns:publish",
    "sqs:sendMessage",
    "events:putEvents",
    "apigateway:invoke",
    "http:invoke",
];

/// Fields of the SendMessage response that only some requests get back (message
/// attributes, FIFO queues).
const SQS_OPTIONAL: &[&str] = &[
    "MD5OfMessageAttributes",
    "MD5OfMessageSystemAttributes",
    "SequenceNumber",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        let Some((resource, _, arn)) = integration_resource(state) else {
            continue;
        };
        let action = arn.resource;
        if !JUDGED.contains(&action) || state.field("ResultSelector").is_some() {
            continue;
        }
        let Some(fields) = result_fields(action) else {
            continue;
        };
        let Some(at) = result_location(state) else {
            continue;
        };
        for target in receivers(machine, state) {
            if target.kind != Some(StateType::Fail)
                || target.query_language != QueryLanguage::JsonPath
            {
                continue;
            }
            for key in ["ErrorPath", "CausePath"] {
                let Some(m) = target.field(key) else { continue };
                let Some(path) = m.value.as_str() else {
                    continue;
                };
                let Some(names) = leading_names(path) else {
                    continue;
                };
                if names.len() <= at.len() || names[..at.len()] != at[..] {
                    continue;
                }
                let field = names[at.len()];
                if fields.contains(&field)
                    || (action == "sqs:sendMessage" && SQS_OPTIONAL.contains(&field))
                    || did_you_mean(field, fields.iter().copied()).is_some()
                {
                    continue;
                }
                let holder = if at.is_empty() {
                    "its input is".to_string()
                } else {
                    format!("{} is", path_of(&at))
                };
                let d = sink.report(
                    m.value.range,
                    format!(
                        "the {key} of \"{}\" reads \"{path}\", but {holder} the {action} result of \"{}\", which has no field \"{field}\"",
                        target.name, state.name
                    ),
                );
                d.labels.push(Label {
                    range: resource.range,
                    message: format!("the {action} result comes from here"),
                });
                d.help = Some(if at.is_empty() {
                    format!(
                        "give \"{}\" a ResultPath (null to drop its result) so that its input goes on to \"{}\"",
                        state.name, target.name
                    )
                } else {
                    format!("the {action} result holds {}", fields.join(", "))
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(task_fields: &str, fail: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "Alert", "States": {{"Alert": {{"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {{"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message": "failed"}}{task_fields}, "Next": "Failed"}},
            "Failed": {fail}}}}}"#
        );
        located_messages(&text, "ASL420")
    }

    #[test]
    fn a_fail_reading_the_error_after_a_notification() {
        let fail = r#"{"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.MessageId"}"#;
        assert_eq!(
            run("", fail),
            [
                "\"$.error.Error\": the ErrorPath of \"Failed\" reads \"$.error.Error\", but its input is the sns:publish result of \"Alert\", which has no field \"error\""
            ]
        );
        let under =
            r#"{"Type": "Fail", "ErrorPath": "$.sent.Error", "CausePath": "$.sent.MessageId"}"#;
        assert_eq!(
            run(r#", "ResultPath": "$.sent""#, under),
            [
                "\"$.sent.Error\": the ErrorPath of \"Failed\" reads \"$.sent.Error\", but $.sent is the sns:publish result of \"Alert\", which has no field \"Error\""
            ]
        );
        assert!(run(r#", "ResultPath": "$.sent""#, fail).is_empty());
    }

    #[test]
    fn kept_input_selected_results_and_near_misses_pass() {
        let fail =
            r#"{"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}"#;
        assert!(run(r#", "ResultPath": null"#, fail).is_empty());
        assert!(run(r#", "ResultSelector": {"error.$": "$.MessageId"}"#, fail).is_empty());
        // A near miss of MessageId is ASL416's.
        let near = r#"{"Type": "Fail", "ErrorPath": "$.messageId"}"#;
        assert!(run("", near).is_empty());
        let intrinsic = r#"{"Type": "Fail", "ErrorPath": "States.Format('{}', $.error)"}"#;
        assert!(run("", intrinsic).is_empty());
    }
}
