use crate::rules::resources::{
    Pattern, find_string, integration, resource_suffix_fix, split_pattern, task_arn,
};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Task that puts its task token (`$$.Task.Token`, or
    /// `$states.context.Task.Token` in JSONata) into its request, but does not wait
    /// for the token to come back: its `Resource` is a request-response integration
    /// (no `.waitForTaskToken`) or a Lambda function ARN. Tasks that run a job
    /// (`.sync`) and activities are left alone.
    ///
    /// ## Why is this bad?
    /// A task token only means something to a state that waits for it. Without
    /// `.waitForTaskToken` the execution goes on as soon as the service accepts the
    /// request, and the worker that later calls `SendTaskSuccess` with the token finds
    /// no task waiting. This is nearly always a forgotten suffix: the approval, the
    /// human step or the external job that was meant to pause the workflow does not.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Ask for approval", "States": {"Ask for approval": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::sqs:sendMessage",
    ///   "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
    ///     "MessageBody": {"token.$": "$$.Task.Token", "ticket.$": "$.ticket"}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Ask for approval", "States": {"Ask for approval": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
    ///     "MessageBody": {"token.$": "$$.Task.Token", "ticket.$": "$.ticket"}},
    ///   "HeartbeatSeconds": 3600, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Where the service can wait for a callback (Lambda, SQS, SNS, EventBridge, ECS,
    /// Step Functions, AWS SDK integrations, ...), `.waitForTaskToken` is added to the
    /// `Resource` (unsafe: the state then waits, so give it a `HeartbeatSeconds` or
    /// `TimeoutSeconds`).
    pub static RULE = {
        code: "ASL413",
        name: "task-token-without-callback",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((resource, text, arn)) = task_arn(state) else {
            continue;
        };
        // What is called, and whether it could wait for a callback.
        let (called, can_wait) = match arn.service {
            "states" if !arn.resource.starts_with("activity:") => {
                let (action, pattern) = split_pattern(arn.resource);
                if pattern != Some(Pattern::RequestResponse) {
                    continue;
                }
                let service = action.split(':').next().unwrap_or("");
                let can_wait = service == "aws-sdk" || integration(service).is_some_and(|i| i.wait);
                (action.to_string(), can_wait)
            }
            "lambda" => ("the Lambda function".to_string(), false),
            _ => continue,
        };
        let Some(token) = state
            .field("Parameters")
            .or_else(|| state.field("Arguments"))
            .and_then(|m| {
                find_string(&m.value, |s| {
                    s.contains("$$.Task.Token") || s.contains("$states.context.Task.Token")
                })
                .0
            })
        else {
            continue;
        };
        let d = sink.report(
            token.range,
            format!(
                "\"{}\" sends its task token, but {called} is called without .waitForTaskToken: nothing waits for the token",
                state.name
            ),
        );
        if arn.service == "lambda" {
            d.help = Some(
                "call \"arn:aws:states:::lambda:invoke.waitForTaskToken\" with the function as FunctionName to wait until the token comes back".into(),
            );
            continue;
        }
        if !can_wait {
            d.help = Some(format!(
                "{called} cannot wait for a callback: send the token through a service that can (Lambda, SQS, SNS, EventBridge, ...), or leave it out"
            ));
            continue;
        }
        let waiting = format!("{text}.waitForTaskToken");
        d.help = Some(format!(
            "use \"{waiting}\" to wait until SendTaskSuccess or SendTaskFailure returns the token, with a HeartbeatSeconds or TimeoutSeconds"
        ));
        d.fixes.extend(resource_suffix_fix(
            ctx.source,
            resource,
            text,
            ".waitForTaskToken",
            "Wait for the task token (.waitForTaskToken)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_fixes;
    use crate::syntax::SourceKind;

    fn run(text: &str, kind: SourceKind) -> Vec<(String, String, Option<String>)> {
        located_fixes(text, kind, "ASL413")
    }

    fn task(resource: &str, request: &str) -> String {
        format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{resource}", "Parameters": {request}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn request_response_with_a_token() {
        let text = task(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}"#,
        );
        let found = run(&text, SourceKind::Json);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"$$.Task.Token\"");
        assert_eq!(
            found[0].1,
            "\"A\" sends its task token, but sqs:sendMessage is called without .waitForTaskToken: nothing waits for the token"
        );
        assert_eq!(
            found[0].2.as_deref(),
            Some(
                text.replace("sqs:sendMessage\"", "sqs:sendMessage.waitForTaskToken\"")
                    .as_str()
            )
        );
        // AWS SDK integrations can wait too.
        let sdk = task(
            "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
            r#"{"TaskToken.$": "States.Format('{}', $$.Task.Token)", "Output": "{}"}"#,
        );
        assert!(run(&sdk, SourceKind::Json)[0].2.is_some());
    }

    #[test]
    fn services_that_cannot_wait_and_function_arns_get_no_fix() {
        let http = task(
            "arn:aws:states:::http:invoke",
            r#"{"ApiEndpoint": "https://example.com", "Method": "POST", "RequestBody": {"t.$": "$$.Task.Token"}}"#,
        );
        let found = run(&http, SourceKind::Json);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, None);
        let function = task(
            "arn:aws:lambda:us-east-1:123456789012:function:approve",
            r#"{"t.$": "$$.Task.Token"}"#,
        );
        let found = run(&function, SourceKind::Json);
        assert_eq!(
            found[0].1,
            "\"A\" sends its task token, but the Lambda function is called without .waitForTaskToken: nothing waits for the token"
        );
        assert_eq!(found[0].2, None);
    }

    #[test]
    fn waiting_tasks_jobs_activities_and_yaml() {
        for resource in [
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::ecs:runTask.sync",
            "arn:aws:states:us-east-1:123456789012:activity:approve",
        ] {
            let text = task(resource, r#"{"t.$": "$$.Task.Token"}"#);
            assert!(run(&text, SourceKind::Json).is_empty(), "{resource}");
        }
        let yaml = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::sns:publish\n    Arguments:\n      TopicArn: t\n      Message: '{% $states.context.Task.Token %}'\n    End: true\n";
        let found = run(yaml, SourceKind::Yaml);
        assert_eq!(found[0].0, "'{% $states.context.Task.Token %}'");
        assert_eq!(
            found[0].2.as_deref(),
            Some(
                yaml.replace("sns:publish\n", "sns:publish.waitForTaskToken\n")
                    .as_str()
            )
        );
    }
}
