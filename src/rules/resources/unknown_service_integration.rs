use crate::diagnostics::{Applicability, Fix};
use crate::rules::resources::unknown_aws_sdk_service as sdk;
use crate::rules::resources::{
    INTEGRATIONS, integration, integration_resource, split_pattern, string_range,
};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};
use crate::syntax::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a service integration `arn:aws:states:::<service>:<action>` whose service or
    /// action Step Functions does not integrate with (checked against the table of
    /// optimized integrations: lambda, sqs, sns, dynamodb, events, states, batch, glue,
    /// athena, ecs, eks, apigateway, http, bedrock, sagemaker, EMR, ..., each with the
    /// APIs its page in the developer guide lists: `elasticmapreduce:runJobFlow` is the
    /// EMR API's name, the integration calls it `createCluster`), and malformed
    /// `aws-sdk:<service>:<action>` forms: a missing service or action, a service name
    /// with punctuation (`bedrock-agentcore`; the names are letters and digits), a
    /// service AWS has refused (`apigatewaymanagementapi`), or an action written in
    /// Pascal case (`aws-sdk:s3:GetObject`; the API action is in camel case,
    /// `getObject`).
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition ("The resource provided ... is not
    /// recognized", `INVALID_RESOURCE`). Other APIs are reached through
    /// `arn:aws:states:::aws-sdk:<service>:<apiAction>`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A service or action name close to one in the table (`dynamdb`, `putItems`)
    /// becomes that name (unsafe: a guess). An AWS SDK action in Pascal case gets its
    /// first letter in lower case (safe: the only spelling AWS takes).
    pub static RULE = {
        code: "ASL403",
        name: "unknown-service-integration",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, _, arn)) = integration_resource(state) else {
            continue;
        };
        let span = |from: usize, len: usize| string_range(ctx.source, m, from, from + len);
        let (svc, action) = arn.resource.split_once(':').unwrap_or((arn.resource, ""));
        let base = arn.resource_offset;
        if svc == "aws-sdk" {
            let (sdk_service, api) = action.split_once(':').unwrap_or((action, ""));
            if sdk_service.is_empty() || api.is_empty() {
                sink.report(
                    m.range,
                    format!(
                        "the AWS SDK integration of \"{}\" must be aws-sdk:<service>:<apiAction>",
                        state.name
                    ),
                );
            } else if !sdk::is_alphanumeric(sdk_service) || sdk::not_integrated(sdk_service) {
                let from = base + svc.len() + 1;
                // (`iot-data` is refused for its service before its punctuation.)
                let refused = sdk::not_integrated(sdk_service);
                let message = if refused {
                    format!(
                        "Step Functions has no AWS SDK integration for \"{sdk_service}\" (in \"{}\")",
                        state.name
                    )
                } else {
                    format!(
                        "AWS SDK service names are letters and digits: \"{sdk_service}\" is not recognized (in \"{}\")",
                        state.name
                    )
                };
                let d = sink.report(span(from, sdk_service.len()), message);
                let meant = sdk::meant(sdk_service);
                d.help = Some(match meant {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None if refused => "call it from a Lambda function".into(),
                    None => "write the service's name without punctuation".into(),
                });
                d.fixes
                    .extend(meant.and_then(|s| replace(ctx.source, d.range, sdk_service, s)));
            } else if let Some(first) = api.chars().next().filter(char::is_ascii_uppercase) {
                // The action is the API's name in camel case: AWS refuses `CreateLogStream`
                // (aws/aws-cdk#27635).
                let (name, _) = split_pattern(api);
                let from = base + svc.len() + 1 + sdk_service.len() + 1;
                let meant = format!("{}{}", first.to_ascii_lowercase(), &name[1..]);
                let d = sink.report(
                    span(from, name.len()),
                    format!(
                        "AWS SDK actions are written in camel case: \"{name}\" is not recognized (in \"{}\")",
                        state.name
                    ),
                );
                d.help = Some(format!("write \"{meant}\""));
                if ctx.source.get(d.range.as_usize()) == Some(name) {
                    d.fixes.push(Fix::replace(
                        format!("Replace with \"{meant}\""),
                        Applicability::Safe,
                        d.range,
                        meant,
                    ));
                }
            }
            continue;
        }
        let Some(integ) = integration(svc) else {
            let d = sink.report(
                span(base, svc.len()),
                format!(
                    "\"{svc}\" is not a service Step Functions integrates with (in \"{}\")",
                    state.name
                ),
            );
            let meant = did_you_mean(svc, INTEGRATIONS.iter().map(|i| i.service));
            d.help = Some(match meant {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!("call other APIs with arn:aws:states:::aws-sdk:{svc}:<apiAction>"),
            });
            d.fixes
                .extend(meant.and_then(|s| replace(ctx.source, d.range, svc, s)));
            continue;
        };
        let (name, _) = split_pattern(action);
        let actions = integ.actions;
        if !actions.contains(&name) {
            let d = sink.report(
                span(base + svc.len() + 1, name.len()),
                format!(
                    "\"{name}\" is not an optimized {svc} integration (in \"{}\"); it has {}",
                    state.name,
                    actions.join(", ")
                ),
            );
            let meant = did_you_mean(name, actions.iter().copied());
            d.help = Some(match meant {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!(
                    "use arn:aws:states:::aws-sdk:{}:{name} for other API actions",
                    sdk_service(svc, name)
                ),
            });
            d.fixes
                .extend(meant.and_then(|s| replace(ctx.source, d.range, name, s)));
        }
    }
}

/// The AWS SDK integration's name for the service of an optimized integration, which
/// differs for a few (`elasticmapreduce` is `emr` there); Bedrock's model calls
/// (`converse`, `invokeModelWithResponseStream`) are in its runtime SDK.
fn sdk_service<'a>(svc: &'a str, action: &str) -> &'a str {
    match svc {
        "elasticmapreduce" => "emr",
        "emr-containers" => "emrcontainers",
        "emr-serverless" => "emrserverless",
        "events" => "eventbridge",
        "states" => "sfn",
        "bedrock"
            if ["invoke", "converse", "applyGuardrail", "countTokens"]
                .iter()
                .any(|p| action.starts_with(p)) =>
        {
            "bedrockruntime"
        }
        _ => svc,
    }
}

/// An unsafe fix writing `meant` over `written` at `range`, when the source spells
/// `written` there without escapes.
fn replace(source: &str, range: TextRange, written: &str, meant: &str) -> Option<Fix> {
    (source.get(range.as_usize()) == Some(written)).then(|| {
        Fix::replace(
            format!("Replace with \"{meant}\""),
            Applicability::Unsafe,
            range,
            meant,
        )
    })
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
            select: vec!["ASL403".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn services_and_actions() {
        assert_eq!(
            run("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            vec![]
        );
        assert_eq!(run("arn:aws:states:::aws-sdk:s3:listObjectsV2"), vec![]);
        assert_eq!(
            run("arn:aws:states:::foo:bar"),
            vec![(
                "foo".to_string(),
                "\"foo\" is not a service Step Functions integrates with (in \"A\")".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:states:::lambda:listFunctions"),
            vec![("listFunctions".to_string(), "\"listFunctions\" is not an optimized lambda integration (in \"A\"); it has invoke".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::aws-sdk:s3"),
            vec![(
                "\"arn:aws:states:::aws-sdk:s3\"".to_string(),
                "the AWS SDK integration of \"A\" must be aws-sdk:<service>:<apiAction>"
                    .to_string()
            )]
        );
    }

    #[test]
    fn every_optimized_service_lists_its_actions() {
        assert_eq!(
            run("arn:aws:states:::elasticmapreduce:runJobFlow"),
            vec![("runJobFlow".to_string(), "\"runJobFlow\" is not an optimized elasticmapreduce integration (in \"A\"); it has createCluster, terminateCluster, addStep, cancelStep, setClusterTerminationProtection, modifyInstanceFleetByName, modifyInstanceGroupByName".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::codebuild:startbuild.sync"),
            vec![("startbuild".to_string(), "\"startbuild\" is not an optimized codebuild integration (in \"A\"); it has startBuild, stopBuild, batchDeleteBuilds, batchGetReports, startBuildBatch, stopBuildBatch, retryBuildBatch, deleteBuildBatch".to_string())]
        );
        assert_eq!(
            run("arn:aws:states:::emr-serverless:getApplication").len(),
            1
        );
        assert_eq!(
            run("arn:aws:states:::sagemaker:createTransformJob.sync"),
            vec![]
        );
        // The help names the service as the AWS SDK integration spells it.
        assert_eq!(super::sdk_service("elasticmapreduce", "runJobFlow"), "emr");
        assert_eq!(super::sdk_service("bedrock", "converse"), "bedrockruntime");
        assert_eq!(super::sdk_service("bedrock", "listCustomModels"), "bedrock");
    }

    #[test]
    fn aws_sdk_action_in_pascal_case() {
        assert_eq!(
            run("arn:aws:states:::aws-sdk:cloudwatchlogs:CreateLogStream.waitForTaskToken"),
            vec![(
                "CreateLogStream".to_string(),
                "AWS SDK actions are written in camel case: \"CreateLogStream\" is not recognized (in \"A\")".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:states:::aws-sdk:bedrock-agentcore:invokeAgentRuntime"),
            vec![(
                "bedrock-agentcore".to_string(),
                "AWS SDK service names are letters and digits: \"bedrock-agentcore\" is not recognized (in \"A\")".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:states:::aws-sdk:apigatewaymanagementapi:postToConnection"),
            vec![(
                "apigatewaymanagementapi".to_string(),
                "Step Functions has no AWS SDK integration for \"apigatewaymanagementapi\" (in \"A\")".to_string()
            )]
        );
        // Capitals after the first letter are the API's own.
        assert_eq!(run("arn:aws:states:::aws-sdk:rds:createDBInstance"), vec![]);
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:GetObject", "End": true}}}"#;
        let fixes = crate::rules::each_fix(text, SourceKind::Json, "ASL403");
        assert_eq!(
            fixes,
            vec![vec![(
                crate::diagnostics::Applicability::Safe,
                "Replace with \"getObject\"".to_string(),
                text.replace("s3:GetObject", "s3:getObject")
            )]]
        );
    }
}
