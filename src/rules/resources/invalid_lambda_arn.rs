use crate::rules::resources::{string_range, task_arn};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks Lambda function ARNs used as a Task `Resource`:
    /// `arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>]`, with a
    /// name of letters, digits, `-` and `_` (at most 64), and a qualifier that is
    /// `$LATEST`, a version number or an alias name.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects a malformed function ARN (`INVALID_RESOURCE`); a trailing `:`
    /// or a stray character in the alias is easy to miss by eye.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MyFunction:", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MyFunction:live", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL402",
        name: "invalid-lambda-arn",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: None,
        check: check,
    }
}

fn valid_part(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text, arn)) = task_arn(state) else {
            continue;
        };
        if arn.service != "lambda" {
            continue;
        }
        let at = |from: usize, to: usize| string_range(ctx.source, m, from, to);
        let Some(rest) = arn.resource.strip_prefix("function:") else {
            sink.report(
                m.range,
                format!("the Lambda ARN of \"{}\" does not name a function (expected \"function:<name>\")", state.name),
            );
            continue;
        };
        let base = arn.resource_offset + "function:".len();
        let mut parts = rest.splitn(3, ':');
        let name = parts.next().unwrap_or("");
        if !valid_part(name, 64) {
            sink.report(
                at(base, base + name.len()),
                format!(
                    "\"{name}\" is not a valid Lambda function name in the Resource of \"{}\"",
                    state.name
                ),
            );
            continue;
        }
        if let Some(q) = parts.next() {
            let qs = base + name.len() + 1;
            let ok = q == "$LATEST" || valid_part(q, 128);
            if !ok || parts.next().is_some() {
                let (from, to) = if q.is_empty() {
                    (qs - 1, qs)
                } else {
                    (qs, text.len())
                };
                sink.report(
                    at(from, to),
                    if q.is_empty() {
                        format!(
                            "the Lambda ARN of \"{}\" ends with ':' but names no version or alias",
                            state.name
                        )
                    } else {
                        format!(
                            "\"{}\" is not a valid version or alias in the Resource of \"{}\"",
                            &text[qs..],
                            state.name
                        )
                    },
                );
            }
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
            select: vec!["ASL402".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn names_and_qualifiers() {
        assert_eq!(
            run("arn:aws:lambda:us-east-1:123456789012:function:f"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:lambda:us-east-1:123456789012:function:f:7"),
            vec![]
        );
        // The partition, region and account known at deploy time (as CDK writes them):
        // the function part is checked all the same, and a placeholder there is not.
        assert_eq!(
            run("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:my fn"),
            vec![(
                "my fn".to_string(),
                "\"my fn\" is not a valid Lambda function name in the Resource of \"A\""
                    .to_string()
            )]
        );
        assert_eq!(
            run("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"),
            vec![]
        );
        assert_eq!(
            run("arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:"),
            vec![(
                ":".to_string(),
                "the Lambda ARN of \"A\" ends with ':' but names no version or alias".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:lambda:region-1:1234567890:function:F:$*#$7485"),
            vec![(
                "$*#$7485".to_string(),
                "\"$*#$7485\" is not a valid version or alias in the Resource of \"A\"".to_string()
            )]
        );
        assert_eq!(
            run("arn:aws:lambda:us-east-1:1:function:my.fn"),
            vec![(
                "my.fn".to_string(),
                "\"my.fn\" is not a valid Lambda function name in the Resource of \"A\""
                    .to_string()
            )]
        );
    }
}
