use crate::diagnostics::{Applicability, Fix};
use crate::rules::{LintContext, Sink, declare_rule, remove_field};
use crate::syntax::Node;
use crate::syntax::edit::remove_element;

declare_rule! {
    /// ## What it does
    /// Reports a retrier setting that has no effect: a `MaxDelaySeconds` below
    /// `IntervalSeconds`, a `BackoffRate` with `"MaxAttempts": 1`, or
    /// `"MaxAttempts": 0` on the last retrier (but for a Lambda task's "do not retry"
    /// of the Lambda errors). In detail:
    /// - a `MaxDelaySeconds` below `IntervalSeconds`: every wait is cut to
    ///   `MaxDelaySeconds`, so the interval written is never waited;
    /// - a `BackoffRate` on a retrier with `"MaxAttempts": 1`: the rate applies from
    ///   the second retry on, and there is only one;
    /// - `"MaxAttempts": 0` on the last retrier: it retries nothing, and no retrier
    ///   after it could have matched the errors it keeps from them, so it has exactly
    ///   the effect of having no retrier. (A `MaxAttempts` of 0 before a `States.ALL`
    ///   retrier is how errors are kept from being retried; that is not reported. Nor
    ///   is it on a Lambda task when it names the transient Lambda errors: that is how
    ///   a task that must not be retried (a payment, say) opts out of ASL704. Nor is a
    ///   lone `States.ALL` retrier with `"MaxAttempts": 0`: the written "never retry".)
    ///
    /// ## Why is this bad?
    /// The retry policy that runs is not the one written, and a reader tunes numbers
    /// that change nothing. Usually the other number was meant: a longer
    /// `MaxDelaySeconds`, or more attempts.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 10, "MaxDelaySeconds": 5}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 10, "MaxDelaySeconds": 60}], "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Safe, as neither changes what happens: removes a `BackoffRate` that never
    /// applies, and a last retrier with `"MaxAttempts": 0` (the whole `Retry` when it is
    /// the only one).
    pub static RULE = {
        code: "ASL507",
        name: "ineffective-retrier",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// True for a retrier of a Lambda task that names errors ASL704 asks to retry: with
/// `"MaxAttempts": 0`, the author's word that they are not to be retried.
fn declines_lambda_retries(state: &crate::model::State<'_, '_>, retrier: &Node<'_>) -> bool {
    use crate::rules::practice::lambda_without_retry::{TRANSIENT_LAMBDA_ERRORS, invokes_lambda};
    let named = retrier
        .get("ErrorEquals")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .any(|e| {
            TRANSIENT_LAMBDA_ERRORS.contains(&e) || e == "States.ALL" || e == "States.TaskFailed"
        });
    named && crate::rules::practice::resource(state).is_some_and(invokes_lambda)
}

/// Whether the retrier's `ErrorEquals` holds `States.ALL`: alone, with
/// `"MaxAttempts": 0`, the written "never retry this task".
fn names_all(retrier: &Node<'_>) -> bool {
    retrier
        .get("ErrorEquals")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .any(|e| e.as_str() == Some("States.ALL"))
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some(list) = state.field("Retry") else {
            continue;
        };
        let Some(entries) = list.value.as_array() else {
            continue;
        };
        for (i, retrier) in entries.iter().enumerate() {
            let number = |key: &str| retrier.get(key).and_then(Node::as_f64);
            let interval = number("IntervalSeconds").unwrap_or(1.0);
            let attempts = number("MaxAttempts").unwrap_or(3.0);
            if let Some(m) = retrier.member("MaxDelaySeconds")
                && let Some(max_delay) = m.value.as_f64()
                // Below 1 s the value itself is wrong (ASL114).
                && (1.0..interval).contains(&max_delay)
            {
                sink.report(
                    m.key_range,
                    format!(
                        "Retry[{i}] of \"{}\" waits at most {max_delay} s, so its IntervalSeconds of {interval} s is never waited",
                        state.name
                    ),
                )
                .help = Some(
                    "raise MaxDelaySeconds to the longest wait you want, or lower IntervalSeconds"
                        .into(),
                );
            }
            if attempts == 1.0
                && let Some(m) = retrier.member("BackoffRate")
                && m.value.as_f64().is_some_and(|rate| rate > 1.0)
            {
                let d = sink.report(
                    m.key_range,
                    format!(
                        "the BackoffRate of Retry[{i}] of \"{}\" never applies: it grows the wait from the second retry on, and MaxAttempts is 1",
                        state.name
                    ),
                );
                d.help = Some("raise MaxAttempts, or remove BackoffRate".into());
                if ctx.fixes
                    && let Some(fix) = remove_field(ctx.source, retrier, m, Applicability::Safe)
                {
                    d.fixes.push(fix);
                }
            }
            if attempts == 0.0
                && i + 1 == entries.len()
                && !declines_lambda_retries(state, retrier)
                && !(entries.len() == 1 && names_all(retrier))
                && let Some(m) = retrier.member("MaxAttempts")
            {
                let d = sink.report(
                    m.key_range,
                    format!(
                        "Retry[{i}] of \"{}\" retries nothing and is the last retrier: it changes nothing",
                        state.name
                    ),
                );
                d.help = Some(
                    "errors no retrier matches are not retried anyway; remove it, or give it MaxAttempts"
                        .into(),
                );
                if !ctx.fixes {
                    continue;
                }
                let fix = if entries.len() > 1 {
                    remove_element(ctx.source, &list.value, i)
                        .map(|e| Fix::edit("Remove this retrier", Applicability::Safe, e))
                } else {
                    remove_field(ctx.source, state.node, list, Applicability::Safe)
                };
                d.fixes.extend(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(retry: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": {retry}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL507")
    }

    #[test]
    fn settings_that_change_nothing() {
        assert_eq!(
            run(r#"[{"ErrorEquals": ["E"], "IntervalSeconds": 10, "MaxDelaySeconds": 5}]"#),
            [
                "\"MaxDelaySeconds\": Retry[0] of \"A\" waits at most 5 s, so its IntervalSeconds of 10 s is never waited"
            ]
        );
        // The default interval is 1 s; below 1 s the value is out of bounds (ASL114).
        assert!(run(r#"[{"ErrorEquals": ["E"], "MaxDelaySeconds": 1}]"#).is_empty());
        assert!(run(r#"[{"ErrorEquals": ["E"], "MaxDelaySeconds": 0}]"#).is_empty());
        assert_eq!(
            run(r#"[{"ErrorEquals": ["E"], "MaxAttempts": 1, "BackoffRate": 2}]"#),
            [
                "\"BackoffRate\": the BackoffRate of Retry[0] of \"A\" never applies: it grows the wait from the second retry on, and MaxAttempts is 1"
            ]
        );
        assert!(run(r#"[{"ErrorEquals": ["E"], "MaxAttempts": 2, "BackoffRate": 2}]"#).is_empty());
    }

    #[test]
    fn zero_attempts_only_matter_before_another_retrier() {
        assert!(
            run(r#"[{"ErrorEquals": ["E"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}]"#)
                .is_empty()
        );
        assert_eq!(
            run(r#"[{"ErrorEquals": ["E"], "MaxAttempts": 0}]"#),
            [
                "\"MaxAttempts\": Retry[0] of \"A\" retries nothing and is the last retrier: it changes nothing"
            ]
        );
        assert_eq!(
            run(
                r#"[{"ErrorEquals": ["E"], "MaxAttempts": 2}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]"#
            ),
            [
                "\"MaxAttempts\": Retry[1] of \"A\" retries nothing and is the last retrier: it changes nothing"
            ]
        );
        // Alone, `States.ALL` with no attempts is the written "never retry this task".
        assert!(run(r#"[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]"#).is_empty());
    }

    /// On a Lambda task, a last `MaxAttempts: 0` retrier of the Lambda errors is the
    /// author's "do not retry" (which ASL704 heeds); removing it would bring ASL704 up.
    #[test]
    fn zero_attempts_on_lambda_errors_declines_retries() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], "MaxAttempts": 0}], "End": true}}}"#;
        assert!(located_messages(text, "ASL507").is_empty());
        let other = text.replace(
            "Lambda.ServiceException\", \"Lambda.TooManyRequestsException",
            "E",
        );
        assert_eq!(located_messages(&other, "ASL507").len(), 1);
    }
}
