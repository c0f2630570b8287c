use std::collections::HashMap;

use crate::rules::errors::{UNCATCHABLE, handler_lists};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports error names in a retrier or catcher that an earlier entry of the same list
    /// already matches: the same name, or any name after `States.TaskFailed` (which matches
    /// every error except `States.Timeout`). When every name of an entry is shadowed, the
    /// whole entry is dead.
    ///
    /// ## Why is this bad?
    /// Step Functions uses the first retrier or catcher whose `ErrorEquals` matches. A later
    /// entry for the same error never runs, so its settings (a shorter interval for
    /// throttling, a dedicated fallback state) silently do nothing. Put specific errors
    /// before the catch-alls.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.TaskFailed"]}, {"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10}, {"ErrorEquals": ["States.TaskFailed"]}], "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL504",
        name: "shadowed-error-handler",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for list in handler_lists(state) {
            // Name -> index of the first entry that handles it; TaskFailed's index.
            let mut seen: HashMap<&str, usize> = HashMap::new();
            let mut task_failed: Option<usize> = None;
            for (i, (entry, names)) in list.entries.iter().enumerate() {
                // After States.ALL everything is dead; ASL501 reports that.
                if seen.contains_key("States.ALL") {
                    break;
                }
                let mut shadowed = Vec::new();
                let mut total = 0;
                for n in names.iter() {
                    let Some(name) = n.as_str() else { continue };
                    total += 1;
                    let by = seen.get(name).copied().or_else(|| {
                        task_failed.filter(|_| {
                            !matches!(name, "States.Timeout" | "States.ALL")
                                && !UNCATCHABLE.contains(&name)
                        })
                    });
                    if let Some(by) = by {
                        shadowed.push((n, name, by));
                    }
                }
                if total > 0 && shadowed.len() == total {
                    let anchor = entry
                        .member("ErrorEquals")
                        .map_or(entry.range, |m| m.key_range);
                    let by: Vec<String> = {
                        let mut v: Vec<usize> = shadowed.iter().map(|s| s.2).collect();
                        v.dedup();
                        v.iter().map(|b| format!("{}[{b}]", list.field)).collect()
                    };
                    sink.report(
                        anchor,
                        format!(
                            "{}[{i}] of \"{}\" can never match: {} already handles its errors",
                            list.field,
                            state.name,
                            by.join(" and ")
                        ),
                    )
                    .help = Some(format!(
                        "move this {} before {}, or remove it",
                        list.noun(),
                        by[0]
                    ));
                } else {
                    for (n, name, by) in &shadowed {
                        sink.report(
                            n.range,
                            format!(
                                "\"{name}\" is already handled by {}[{by}] of \"{}\"",
                                list.field, state.name
                            ),
                        );
                    }
                }
                for n in names.iter() {
                    if let Some(name) = n.as_str() {
                        seen.entry(name).or_insert(i);
                        if name == "States.TaskFailed" && task_failed.is_none() {
                            task_failed = Some(i);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(text: &str) -> Vec<(String, String)> {
        let opts = LintOptions {
            select: vec!["ASL504".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn duplicate_and_task_failed_shadowing() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["E1"], "Next": "B"}, {"ErrorEquals": ["E1", "E2"], "Next": "B"}, {"ErrorEquals": ["States.TaskFailed"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"], "Next": "B"}, {"ErrorEquals": ["E3"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        assert_eq!(
            run(text),
            vec![
                (
                    "\"E1\"".to_string(),
                    "\"E1\" is already handled by Catch[0] of \"A\"".to_string()
                ),
                (
                    "\"ErrorEquals\"".to_string(),
                    "Catch[4] of \"A\" can never match: Catch[2] already handles its errors"
                        .to_string()
                ),
            ]
        );
    }
}
