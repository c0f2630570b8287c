use crate::model::QueryLanguage;
use crate::rules::resources::{Pattern, split_pattern, task_arn};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports a `.waitForTaskToken` Task whose `Parameters` (JSONPath) or `Arguments`
    /// (JSONata) never pass the task token: `$$.Task.Token` or
    /// `$states.context.Task.Token`, where Step Functions evaluates it (the value of a
    /// key ending in `.$` in JSONPath, a `{% %}` expression in JSONata). The token's
    /// path written as plain text is sent as that text.
    ///
    /// ## Why is this bad?
    /// The task waits until someone calls `SendTaskSuccess` or `SendTaskFailure` with
    /// its token. If the token is not sent to the worker, nobody can, and the execution
    /// hangs until the task or the execution times out (a Standard execution runs for
    /// at most a year).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"order.$": "$.order"}}, "TimeoutSeconds": 3600, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}}, "TimeoutSeconds": 3600, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL406",
        name: "missing-task-token",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text, arn)) = task_arn(state) else {
            continue;
        };
        if !text.ends_with(".waitForTaskToken")
            || split_pattern(arn.resource).1 != Some(Pattern::WaitForTaskToken)
        {
            continue;
        }
        let payload = state
            .field("Parameters")
            .or_else(|| state.field("Arguments"));
        let jsonata = state.query_language == QueryLanguage::JsonAta;
        let found = payload.map_or(Found::default(), |p| token_in(&p.value, jsonata));
        if let (false, Some((literal, key))) = (found.sent, found.literal) {
            let how = if jsonata {
                "in a JSONata state only {% %} expressions are evaluated"
            } else {
                "a value is evaluated only when its key ends in \".$\""
            };
            sink.report(
                literal,
                format!(
                    "\"{}\" waits for a task token but sends the token's path as plain text: {how}",
                    state.name
                ),
            )
            .help = Some(match (jsonata, key) {
                (true, _) => "write \"{% $states.context.Task.Token %}\"".into(),
                (false, Some(key)) => format!("rename the key to \"{key}.$\""),
                (false, None) => {
                    "give the token its own key ending in \".$\": \"token.$\": \"$$.Task.Token\""
                        .into()
                }
            });
            continue;
        }
        if !found.sent {
            let resource_key = state.field("Resource").map_or(m.range, |r| r.key_range);
            let at = payload.map_or(resource_key, |p| p.key_range);
            sink.report(
                at,
                format!(
                    "\"{}\" waits for a task token but never sends it: nobody can complete the task",
                    state.name
                ),
            )
            .help = Some(
                "pass \"$$.Task.Token\" (JSONPath) or \"{% $states.context.Task.Token %}\" (JSONata) in the payload".into(),
            );
        }
    }
}

/// What a payload does with the task token.
#[derive(Default)]
struct Found {
    /// A value Step Functions evaluates mentions it (`$$.Task.Token`,
    /// `$$['Task']['Token']`, ...), or a part only known at deploy time may.
    sent: bool,
    /// The first plain-text value that spells it, which is sent as text, and the key
    /// it is the value of (none in an array).
    literal: Option<(TextRange, Option<String>)>,
}

fn token_in(payload: &Node<'_>, jsonata: bool) -> Found {
    let mut found = Found::default();
    // (node, evaluated): JSONPath evaluates the string value of a `.$` key; JSONata,
    // a `{% %}` string anywhere.
    let mut stack = vec![(payload, jsonata, None)];
    while let Some((n, evaluated, key)) = stack.pop() {
        if n.is_unknown() {
            found.sent = true;
            continue;
        }
        match &n.value {
            Value::String(s) => {
                let evaluated = if jsonata {
                    s.trim_start().starts_with("{%")
                } else {
                    evaluated
                };
                if evaluated {
                    found.sent |= reads_token(s, jsonata);
                } else if found.literal.is_none()
                    && s.contains("Task.Token")
                    && (s.contains("$$") || s.contains("$states"))
                {
                    found.literal = Some((n.range, key.map(str::to_string)));
                }
            }
            Value::Array(items) => stack.extend(items.iter().rev().map(|i| (i, jsonata, None))),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| {
                let key = Some(m.key.as_ref());
                (&m.value, jsonata || m.key.ends_with(".$"), key)
            })),
            _ => {}
        }
    }
    found
}

/// Whether an evaluated expression may hand on the task token: it reads it, or the
/// context's `Task` object, or the whole context object (`$$`, `$states.context`).
fn reads_token(s: &str, jsonata: bool) -> bool {
    if s.contains("Task.Token") || s.contains("['Task']") || s.contains("[\"Task\"]") {
        return true;
    }
    let root = if jsonata { "$states.context" } else { "$$" };
    let word_ends = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    s.match_indices(root).any(|(i, _)| {
        let rest = &s[i + root.len()..];
        match rest.strip_prefix(".Task") {
            Some(after) => word_ends(after),
            None => !rest.starts_with(['.', '[']) && word_ends(rest),
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn jsonata_token_and_missing_payload() {
        let opts = LintOptions {
            select: vec!["ASL406".into()],
            ..Default::default()
        };
        let ok = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "Arguments": {"Payload": {"t": "{% $states.context.Task.Token %}"}}, "End": true}}}"#;
        assert!(lint_text(ok, SourceKind::Json, &opts).is_empty());
        let bad = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": true}}}"#;
        let d = lint_text(bad, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&bad[d[0].range.as_usize()], "\"Resource\"");
        assert_eq!(
            d[0].message,
            "\"A\" waits for a task token but never sends it: nobody can complete the task"
        );
        // With the partition known at deploy time (CDK's ARNs), the same.
        let cdk = bad.replace("arn:aws:", "arn:${AWS::Partition}:");
        assert_eq!(lint_text(&cdk, SourceKind::Json, &opts).len(), 1);
    }

    /// The token's path written as plain text is sent as that text.
    #[test]
    fn token_path_as_plain_text() {
        let opts = LintOptions {
            select: vec!["ASL406".into()],
            ..Default::default()
        };
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "$states.context.Task.Token"}}, "End": true}}}"#;
        let d = lint_text(jsonata, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(
            &jsonata[d[0].range.as_usize()],
            "\"$states.context.Task.Token\""
        );
        assert_eq!(
            d[0].message,
            "\"A\" waits for a task token but sends the token's path as plain text: in a JSONata state only {% %} expressions are evaluated"
        );
        let jsonpath = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"token": "$$.Task.Token", "list": ["$$.Task.Token"]}}, "End": true}}}"#;
        let d = lint_text(jsonpath, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&jsonpath[d[0].range.as_usize()], "\"$$.Task.Token\"");
        assert!(
            d[0].message
                .ends_with("a value is evaluated only when its key ends in \".$\"")
        );
        assert_eq!(d[0].help.as_deref(), Some("rename the key to \"token.$\""));
        let in_list = jsonpath.replace(r#""token": "$$.Task.Token", "#, "");
        let d = lint_text(&in_list, SourceKind::Json, &opts);
        assert_eq!(
            d[0].help.as_deref(),
            Some("give the token its own key ending in \".$\": \"token.$\": \"$$.Task.Token\"")
        );
        // Evaluated: a `.$` key, an intrinsic, a JSONata expression with more in it.
        for ok in [
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "States.Format('{}', $$.Task.Token)"}}, "End": true}}}"#,
            // The whole context object, or its Task object, holds the token.
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"ctx.$": "$$"}}, "End": true}}}"#,
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "States.JsonToString($$.Task)"}, "End": true}}}"#,
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Arguments": {"QueueUrl": "q", "MessageBody": "{% $states.context %}", "Note": "$states.context.Task.Token"}, "End": true}}}"#,
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Arguments": {"QueueUrl": "q", "MessageBody": "{% {'t': $states.context.Task.Token} %}"}, "End": true}}}"#,
        ] {
            assert!(lint_text(ok, SourceKind::Json, &opts).is_empty(), "{ok}");
        }
    }
}
