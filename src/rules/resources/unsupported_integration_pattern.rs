use crate::diagnostics::{Applicability, Fix};
use crate::rules::resources::{
    Pattern, integration, integration_resource, split_pattern, value_range,
};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

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
            let mut offered: Vec<&str> = vec!["request-response (no suffix)"];
            offered.extend(&supported);
            let d = sink.report(
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
}
