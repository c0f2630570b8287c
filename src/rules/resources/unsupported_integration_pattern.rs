use crate::rules::resources::{
    Pattern, integration, integration_resource, split_pattern, value_range,
};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an integration pattern that the service does not support: `.sync` (run a
    /// job) on services without jobs (Lambda, SQS, SNS, DynamoDB, EventBridge, API
    /// Gateway, AWS SDK integrations), `.waitForTaskToken` on services without callbacks
    /// (DynamoDB, Athena, Batch, Glue, ...), `.sync:2` anywhere but Step Functions
    /// `startExecution`, and unknown suffixes.
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
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL404",
        name: "unsupported-integration-pattern",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: None,
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
        let (svc_label, action, supports): (&str, &str, [bool; 3]) = if svc == "aws-sdk" {
            let action = rest.split_once(':').map_or("", |(_, a)| a);
            ("AWS SDK integrations", action, [false, false, true])
        } else if let Some(i) = integration(svc) {
            (svc, rest, [i.sync, i.sync2, i.wait])
        } else {
            continue;
        };
        let (name, pattern) = split_pattern(action);
        let suffix_from = text.len() - (action.len() - name.len());
        let at = || value_range(ctx.source, m, suffix_from, text.len());
        let ok = match pattern {
            None => {
                sink.report(
                    at(),
                    format!(
                        "\"{}\" is not an integration pattern (use .sync, .sync:2 or .waitForTaskToken) in \"{}\"",
                        &text[suffix_from..],
                        state.name
                    ),
                );
                continue;
            }
            Some(Pattern::RequestResponse) => true,
            Some(Pattern::Sync) => supports[0],
            Some(Pattern::Sync2) => supports[1],
            Some(Pattern::WaitForTaskToken) => supports[2],
        };
        if !ok {
            let p = pattern.expect("known pattern");
            let mut offered: Vec<&str> = vec!["request-response (no suffix)"];
            for (yes, label) in supports
                .iter()
                .zip([".sync", ".sync:2", ".waitForTaskToken"])
            {
                if *yes {
                    offered.push(label);
                }
            }
            sink.report(
                at(),
                format!(
                    "{svc_label} do{} not support {} (in \"{}\"); {} supports {}",
                    if svc == "aws-sdk" { "" } else { "es" },
                    p.suffix(),
                    state.name,
                    if svc == "aws-sdk" { "it" } else { svc },
                    offered.join(", ")
                ),
            );
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
}
