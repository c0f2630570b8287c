use crate::diagnostics::{Applicability, Fix};
use crate::rules::resources::{
    Pattern, integration, integration_resource, split_pattern, string_range,
};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports an integration pattern that the service does not support: `.sync` (run a
    /// job) on services without jobs (Lambda, SQS, SNS, DynamoDB, EventBridge, API
    /// Gateway, AWS SDK integrations) or on an API of a job service that its page does
    /// not list with it (`athena:getQueryResults.sync`), `.waitForTaskToken` on
    /// services without callbacks (DynamoDB, Athena, Batch, Glue, EKS, ...), `.sync:2`
    /// anywhere but Step Functions `startExecution`, and unknown suffixes. Where a
    /// service runs jobs, `.sync` is checked per API as each service's page lists it:
    /// `athena:startQueryExecution` takes it, `athena:getQueryResults` does not;
    /// likewise SageMaker's endpoint and model calls, CodeBuild's stop and delete
    /// calls, EMR's step and instance changes, `emr-containers:createVirtualCluster`,
    /// `eks:call` and `bedrock:invokeModel`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the resource (`INVALID_RESOURCE`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.sync", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// All unsafe, because each changes how the Task waits: `.sync:2` becomes `.sync`
    /// where the service has that; an unsupported `.sync` or `.waitForTaskToken` is
    /// removed (request-response); an unknown suffix becomes the supported pattern it
    /// is closest to (`.waitForTaskTokens`, `.Sync`).
    pub static RULE = {
        code: "ASL404",
        name: "unsupported-integration-pattern",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text, arn)) = integration_resource(state) else {
            continue;
        };
        let (svc, rest) = arn.resource.split_once(':').unwrap_or((arn.resource, ""));
        let (action, integ) = if svc == "aws-sdk" {
            (rest.split_once(':').map_or("", |(_, a)| a), None)
        } else if let Some(i) = integration(svc) {
            (rest, Some(i))
        } else {
            continue;
        };
        let (name, pattern) = split_pattern(action);
        // What the service supports, and what this action of it supports: the pattern
        // is reported against the service unless only the action lacks it.
        let (for_service, supports) = match integ {
            None => ([false, false, true], [false, false, true]),
            Some(i) => ([i.sync, i.sync2, i.wait], i.patterns(name)),
        };
        let suffix_from = text.len() - (action.len() - name.len());
        let at = || string_range(ctx.source, m, suffix_from, text.len());
        let suffix = &text[suffix_from..];
        let supported: Vec<&str> = supports
            .iter()
            .zip([".sync", ".sync:2", ".waitForTaskToken"])
            .filter_map(|(yes, label)| yes.then_some(label))
            .collect();
        // A fix replaces the suffix as written; not where escapes spell it.
        let fix = |replacement: &str| {
            let range = at();
            (ctx.source.get(range.as_usize()) == Some(suffix)).then(|| {
                let title = if replacement.is_empty() {
                    format!("Remove {suffix}")
                } else {
                    format!("Replace with {replacement}")
                };
                Fix::replace(title, Applicability::Unsafe, range, replacement)
            })
        };
        let ok = match pattern {
            None => {
                let d = sink.report(
                    at(),
                    format!(
                        "\"{suffix}\" is not an integration pattern (use .sync, .sync:2 or .waitForTaskToken) in \"{}\"",
                        state.name
                    ),
                );
                let meant = supported
                    .iter()
                    .copied()
                    .find(|p| p.eq_ignore_ascii_case(suffix))
                    .or_else(|| did_you_mean(suffix, supported.iter().copied()));
                d.fixes.extend(meant.and_then(fix));
                continue;
            }
            Some(Pattern::RequestResponse) => true,
            Some(Pattern::Sync) => supports[0],
            Some(Pattern::Sync2) => supports[1],
            Some(Pattern::WaitForTaskToken) => supports[2],
        };
        if !ok {
            let p = pattern.expect("known pattern");
            let service_has = match p {
                Pattern::Sync => for_service[0],
                Pattern::Sync2 => for_service[1],
                _ => for_service[2],
            };
            // An action lacking what its service has is named; where it supports less
            // than its service, the list says what the action takes.
            let own = format!("{svc}:{name}");
            let (svc_label, subject) = match (svc, service_has, supports == for_service) {
                ("aws-sdk", _, _) => ("AWS SDK integrations", "it"),
                (_, true, _) => (own.as_str(), "it"),
                (_, false, true) => (svc, svc),
                (_, false, false) => (svc, own.as_str()),
            };
            let mut offered: Vec<&str> = vec!["request-response (no suffix)"];
            offered.extend(&supported);
            let d = sink.report(
                at(),
                format!(
                    "{svc_label} do{} not support {} (in \"{}\"); {} supports {}",
                    if svc == "aws-sdk" { "" } else { "es" },
                    p.suffix(),
                    state.name,
                    subject,
                    offered.join(", ")
                ),
            );
            let replacement = if p == Pattern::Sync2 && supports[0] {
                ".sync"
            } else {
                ""
            };
            d.fixes.extend(fix(replacement));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(resource: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{resource}", "End": true}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL404".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn patterns_per_service() {
        assert_eq!(run("arn:aws:states:::states:startExecution.sync:2"), vec![]);
        assert_eq!(run("arn:aws:states:::ecs:runTask.waitForTaskToken"), vec![]);
        assert_eq!(
            run("arn:aws:states:::dynamodb:putItem.sync"),
            vec![(".sync".to_string(), "dynamodb does not support .sync (in \"A\"); dynamodb supports request-response (no suffix)".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::aws-sdk:s3:getObject.sync"),
            vec![(".sync".to_string(), "AWS SDK integrations do not support .sync (in \"A\"); it supports request-response (no suffix), .waitForTaskToken".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::sqs:sendMessage.waitForToken"),
            vec![(".waitForToken".to_string(), "\".waitForToken\" is not an integration pattern (use .sync, .sync:2 or .waitForTaskToken) in \"A\"".to_string())]
        );
    }

    #[test]
    fn sync_per_action() {
        // The service pages list `.sync` per API: Athena only starts queries with it.
        assert_eq!(
            run("arn:aws:states:::athena:startQueryExecution.sync"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:states:::athena:getQueryResults.sync"),
            vec![(".sync".to_string(), "athena:getQueryResults does not support .sync (in \"A\"); it supports request-response (no suffix)".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::athena:getQueryResults.sync:2"),
            vec![(".sync:2".to_string(), "athena does not support .sync:2 (in \"A\"); athena:getQueryResults supports request-response (no suffix)".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::eks:call.sync"),
            vec![(".sync".to_string(), "eks:call does not support .sync (in \"A\"); it supports request-response (no suffix)".to_string())]
        );
        // The EKS page: no callbacks.
        assert_eq!(
            run("arn:aws:states:::eks:runJob.waitForTaskToken"),
            vec![(".waitForTaskToken".to_string(), "eks does not support .waitForTaskToken (in \"A\"); eks supports request-response (no suffix), .sync".to_string())]
        );
        for ok in [
            "sagemaker:createTrainingJob.sync",
            "eks:runJob.sync",
            "codebuild:startBuildBatch.sync",
            "elasticmapreduce:addStep.sync",
            "emr-containers:startJobRun.sync",
            "emr-serverless:cancelJobRun.sync",
            "bedrock:createModelCustomizationJob.sync",
        ] {
            assert_eq!(run(&format!("arn:aws:states:::{ok}")), vec![], "{ok}");
        }
        for no in [
            "sagemaker:createModel.sync",
            "codebuild:stopBuild.sync",
            "elasticmapreduce:cancelStep.sync",
            "emr-containers:createVirtualCluster.sync",
            "bedrock:invokeModel.sync",
        ] {
            assert_eq!(run(&format!("arn:aws:states:::{no}")).len(), 1, "{no}");
        }
    }
}
