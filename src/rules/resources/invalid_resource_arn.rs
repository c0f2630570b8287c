use crate::rules::resources::{PARTITIONS, parse_arn, resource_string, task_resource};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Task `Resource` that is not an ARN
    /// (`arn:partition:service:region:account:resource`), names an unknown partition
    /// (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso*`, `aws-eusc`), is the ARN of something
    /// a Task cannot run (a queue, a bucket, a table: any service but `states` and
    /// `lambda`), or an activity ARN with no name. `${...}` placeholders are accepted:
    /// they are filled in at deploy time; but a placeholder that is not closed
    /// (`${LambdaArn`), and text before the first one that no ARN starts with
    /// (`x${Arn}`), are reported.
    ///
    /// ## Why is this bad?
    /// Step Functions only runs ARNs: a Lambda function, an activity or a service
    /// integration. It rejects anything else (`INVALID_RESOURCE`). Another service's
    /// resource is reached through an integration (`arn:aws:states:::sqs:sendMessage`,
    /// `arn:aws:states:::aws-sdk:s3:getObject`) with the resource's ARN or name in
    /// `Parameters`. (AWS refuses a non-ARN such as `a:b`.)
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "lambda:MyFunction", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MyFunction", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL401",
        name: "invalid-resource-arn",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text)) = task_resource(state) else {
            if let Some((m, text)) = resource_string(state)
                && let Some(problem) = placeholder_problem(text)
            {
                sink.report(
                    m.range,
                    format!("the Resource of \"{}\" is not an ARN: {problem}", state.name),
                )
                .help = Some(
                    "write the ARN with closed placeholders, e.g. ${MyFunctionArn} or arn:${AWS::Partition}:states:::lambda:invoke".into(),
                );
            }
            continue;
        };
        match parse_arn(text) {
            None => {
                sink.report(
                    m.range,
                    format!("the Resource of \"{}\" is not an ARN: \"{text}\"", state.name),
                )
                .help = Some(
                    "use arn:<partition>:<service>:<region>:<account>:<resource>, e.g. arn:aws:states:::lambda:invoke".into(),
                );
            }
            Some(arn) if !PARTITIONS.contains(&arn.partition) => {
                let at = crate::syntax::string_source_offset(ctx.source, m, 4);
                let end =
                    crate::syntax::string_source_offset(ctx.source, m, 4 + arn.partition.len());
                sink.report(
                    crate::syntax::TextRange::new(at, end.max(at + 1)),
                    format!(
                        "unknown partition \"{}\" in the Resource of \"{}\"",
                        arn.partition, state.name
                    ),
                )
                .help = Some(format!("partitions are {}", PARTITIONS.join(", ")));
            }
            Some(arn)
                if !matches!(arn.service, "states" | "lambda")
                    && !arn.service.contains("${")
                    && !arn.service.contains("#{")
                    && !arn.service.is_empty() =>
            {
                let from = 4 + arn.partition.len() + 1;
                let at = crate::syntax::string_source_offset(ctx.source, m, from);
                let end =
                    crate::syntax::string_source_offset(ctx.source, m, from + arn.service.len());
                sink.report(
                    crate::syntax::TextRange::new(at, end.max(at + 1)),
                    format!(
                        "the Resource of \"{}\" is an ARN of service \"{}\": a Task runs a Lambda function, an activity or a service integration",
                        state.name, arn.service
                    ),
                )
                .help = Some(
                    match crate::rules::resources::unknown_aws_sdk_service::sdk_name(arn.service) {
                        Some(s) => format!(
                            "call {s} through an integration, e.g. arn:{p}:states:::aws-sdk:{s}:<apiAction>, and give the resource in Parameters",
                            p = arn.partition
                        ),
                        None => format!(
                            "\"{}\" is not a service that Step Functions integrates with: a Task calls AWS services through arn:{}:states:::<service>:<action> integrations",
                            arn.service, arn.partition
                        ),
                    },
                );
            }
            Some(arn)
                if arn.service == "states" && matches!(arn.resource, "activity" | "activity:") =>
            {
                sink.report(
                    m.range,
                    format!("the activity ARN of \"{}\" names no activity", state.name),
                )
                .help =
                    Some("end the ARN with the activity's name: ...:activity:MyActivity".into());
            }
            Some(arn) if arn.service.is_empty() || arn.resource.is_empty() => {
                sink.report(
                    m.range,
                    format!(
                        "the Resource ARN of \"{}\" has no service or no resource part",
                        state.name
                    ),
                );
            }
            Some(_) => {}
        }
    }
}

/// Why a Resource with placeholders (`${...}`, `#{...}`) cannot be an ARN whatever they
/// are replaced with: one is not closed, or the text before the first is not the start
/// of `arn:`.
fn placeholder_problem(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut first = None;
    let mut i = 0;
    while i + 1 < b.len() {
        if matches!(b[i], b'$' | b'#') && b[i + 1] == b'{' {
            first.get_or_insert(i);
            // The closing brace, past nested ones (Terraform's `${jsonencode({...})}`).
            let mut depth = 0usize;
            let close = b[i + 1..].iter().position(|&c| {
                match c {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            });
            match close {
                Some(at) => i += at + 2,
                None => {
                    return Some(format!(
                        "the placeholder \"{}\" is not closed with '}}'",
                        &text[i..]
                    ));
                }
            }
        } else {
            i += 1;
        }
    }
    let before = &text[..first?];
    let arn_start = before.starts_with("arn:") || "arn:".starts_with(before);
    (!arn_start).then(|| format!("it starts with \"{before}\", and an ARN starts with \"arn:\""))
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
            select: vec!["ASL401".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    /// The help shows the AWS SDK integration only for a service that has one.
    #[test]
    fn the_help_names_an_integration_that_exists() {
        let help = |resource: &str| {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{resource}", "End": true}}}}}}"#
            );
            let opts = LintOptions {
                select: vec!["ASL401".into()],
                ..Default::default()
            };
            lint_text(&text, SourceKind::Json, &opts)[0]
                .help
                .clone()
                .unwrap()
        };
        assert_eq!(
            help("arn:aws:sqs:us-east-1:123456789012:my-queue"),
            "call sqs through an integration, e.g. arn:aws:states:::aws-sdk:sqs:<apiAction>, and give the resource in Parameters"
        );
        assert_eq!(
            help("arn:aws:events:us-east-1:123456789012:event-bus/default"),
            "call eventbridge through an integration, e.g. arn:aws:states:::aws-sdk:eventbridge:<apiAction>, and give the resource in Parameters"
        );
        assert!(help("arn:aws:es:us-east-1:123456789012:domain/d").contains("aws-sdk:opensearch:"));
        assert_eq!(
            help("arn:aws:rpcmessage:local::function:mime-id"),
            "\"rpcmessage\" is not a service that Step Functions integrates with: a Task calls AWS services through arn:aws:states:::<service>:<action> integrations"
        );
    }

    #[test]
    fn not_an_arn_and_partitions() {
        assert_eq!(
            run("a:b"),
            vec![(
                "\"a:b\"".to_string(),
                "the Resource of \"A\" is not an ARN: \"a:b\"".to_string()
            )]
        );
        assert_eq!(
            run("arn:awz:states:::lambda:invoke"),
            vec![(
                "awz".to_string(),
                "unknown partition \"awz\" in the Resource of \"A\"".to_string()
            )]
        );
        assert_eq!(run("arn:aws-cn:states:::lambda:invoke"), vec![]);
        assert_eq!(run("${MyFunctionArn}"), vec![]);
        assert_eq!(run("${A}${B}"), vec![]);
        assert_eq!(run("#{Arn}"), vec![]);
        assert_eq!(run("${jsonencode({a = 1})}"), vec![]);
        assert_eq!(
            run("${lambdaArn"),
            vec![(
                "\"${lambdaArn\"".to_string(),
                "the Resource of \"A\" is not an ARN: the placeholder \"${lambdaArn\" is not closed with '}'"
                    .to_string()
            )]
        );
        assert_eq!(
            run("x${a}y"),
            vec![(
                "\"x${a}y\"".to_string(),
                "the Resource of \"A\" is not an ARN: it starts with \"x\", and an ARN starts with \"arn:\""
                    .to_string()
            )]
        );
        assert_eq!(run("arn:${AWS::Partition}:states:::lambda:invoke"), vec![]);
    }

    #[test]
    fn only_functions_activities_and_integrations_run() {
        assert_eq!(
            run("arn:aws:sqs:us-east-1:123456789012:my-queue"),
            vec![(
                "sqs".to_string(),
                "the Resource of \"A\" is an ARN of service \"sqs\": a Task runs a Lambda function, an activity or a service integration"
                    .to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:states:us-east-1:123456789012:activity:"),
            vec![(
                "\"arn:aws:states:us-east-1:123456789012:activity:\"".to_string(),
                "the activity ARN of \"A\" names no activity".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:lambda:us-east-1:123456789012:function:f"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:states:us-east-1:123456789012:activity:work"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:${Service}:us-east-1:123456789012:function:f"),
            vec![]
        );
    }
}
