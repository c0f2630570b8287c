use crate::model::results::result_fields;
use crate::rules::resources::{integration_resource, result_reads};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a read of a misspelled field of what an optimized integration returns,
    /// for the integrations whose response has a fixed shape (`lambda:invoke` gives
    /// `Payload`, `StatusCode`, `ExecutedVersion`, ...; `sqs:sendMessage` gives
    /// `MessageId`; `dynamodb:getItem` gives `Item`; `states:startExecution.sync`
    /// gives `Output`, `Status`, ...): a name close to one of those fields but not
    /// one of them (`$.payload`, `$.MessageID`, `$states.result.item`). It reads the
    /// Task's own `ResultSelector`, the states that get its result as it comes, and
    /// `$states.result` in its `Output` and `Assign`; names far from every field are
    /// left alone (a response may carry fields this list lacks).
    ///
    /// ## Why is this bad?
    /// Field names are case-sensitive: `$.payload` matches nothing in a
    /// `lambda:invoke` result, so the state fails with `States.Runtime` (a JSONata
    /// field gets no value and fails with `States.QueryEvaluationError`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check email", "States": {"Check email": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Parameters": {"FunctionName": "CheckEmail", "Payload.$": "$"},
    ///   "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///   "ResultSelector": {"valid.$": "$.payload.valid"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Check email", "States": {"Check email": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Parameters": {"FunctionName": "CheckEmail", "Payload.$": "$"},
    ///   "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///   "ResultSelector": {"valid.$": "$.Payload.valid"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// The read names the field meant (unsafe).
    pub static RULE = {
        code: "ASL416",
        name: "unknown-result-field",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((_, _, arn)) = integration_resource(state) else {
            continue;
        };
        let action = arn.resource;
        let Some(fields) = result_fields(action) else {
            continue;
        };
        for read in result_reads(ctx, state) {
            if fields.contains(&read.field) {
                continue;
            }
            let Some(meant) = did_you_mean(read.field, fields.iter().copied()) else {
                continue;
            };
            let d = sink.report(
                read.range,
                format!(
                    "{} reads \"{}\", but the {action} result has no field \"{}\": did you mean \"{meant}\"?",
                    read.who, read.shown, read.field
                ),
            );
            d.help = Some(format!(
                "the {action} result holds {}; field names are case-sensitive",
                fields.join(", ")
            ));
            d.fixes.extend(read.fix(ctx.source, meant));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_fixes;
    use crate::syntax::SourceKind;

    const LAMBDA: &str = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}"#;

    /// A fix keeps the names that dot notation cannot spell in brackets.
    #[test]
    fn fixes_keep_bracketed_names() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{{LAMBDA}, "ResultSelector": {{"v.$": "$['payload']['my key']", "w.$": "$['payload']['a.b'][0]"}}, "End": true}}}}}}"#
        );
        let found = located_fixes(&text, SourceKind::Json, "ASL416");
        assert_eq!(found.len(), 2, "{found:?}");
        let fixed = found[0].2.as_deref().unwrap_or_default();
        assert!(fixed.contains(r#""v.$": "$.Payload['my key']""#), "{fixed}");
        // A path that goes on past its names is rewritten only where it is written in
        // dot notation: this one is left as it is.
        assert_eq!(found[1].2, None);
    }

    #[test]
    fn result_selector_receivers_and_jsonata() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{{LAMBDA}, "ResultSelector": {{"v.$": "$.payload.valid", "code.$": "$.StatusCode", "mine.$": "$.body"}}, "Next": "B"}},
            "B": {{{LAMBDA}, "ResultPath": "$.check", "Next": "C"}},
            "C": {{"Type": "Choice", "Choices": [{{"Variable": "$.check.statuscode", "NumericEquals": 200, "Next": "D"}}], "Default": "D"}},
            "D": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {{"QueueUrl": "q", "MessageBody": "m"}}, "ResultSelector": {{"id.$": "$.MessageID"}}, "End": true}}}}}}"#
        );
        let found = located_fixes(&text, SourceKind::Json, "ASL416");
        let messages: Vec<&str> = found.iter().map(|(_, m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the ResultSelector of \"A\" reads \"$.payload.valid\", but the lambda:invoke result has no field \"payload\": did you mean \"Payload\"?",
                "\"C\" reads \"$.check.statuscode\", but the lambda:invoke result has no field \"statuscode\": did you mean \"StatusCode\"?",
                "the ResultSelector of \"D\" reads \"$.MessageID\", but the sqs:sendMessage result has no field \"MessageID\": did you mean \"MessageId\"?",
            ]
        );
        assert!(
            found[0]
                .2
                .as_deref()
                .is_some_and(|t| t.contains(r#""v.$": "$.Payload.valid""#))
        );
        assert!(
            found[1]
                .2
                .as_deref()
                .is_some_and(|t| t.contains(r#""$.check.StatusCode""#))
        );

        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
            "Arguments": {"TableName": "t", "Key": {"id": {"S": "1"}}}, "Output": "{% $states.result.item %}", "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL416");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "item");
        assert!(
            found[0]
                .2
                .as_deref()
                .is_some_and(|t| t.contains("$states.result.Item"))
        );
    }

    #[test]
    fn unknown_shapes_and_far_names_are_left_alone() {
        // A callback's result is whatever the worker sends; aws-sdk is ASL415's.
        for resource in [
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::aws-sdk:s3:listObjectsV2",
            "arn:aws:states:::ecs:runTask.sync",
        ] {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{resource}", "Parameters": {{"FunctionName": "f", "Payload": {{"t.$": "$$.Task.Token"}}}}, "ResultSelector": {{"v.$": "$.payload"}}, "End": true}}}}}}"#
            );
            assert!(
                located_fixes(&text, SourceKind::Json, "ASL416").is_empty(),
                "{resource}"
            );
        }
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "ResultSelector": {"n.$": "$.SequenceNumber"}, "End": true}}}"#;
        assert!(located_fixes(text, SourceKind::Json, "ASL416").is_empty());
    }
}
