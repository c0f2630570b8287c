use rustc_hash::FxHashMap as HashMap;

use crate::diagnostics::{Applicability, Fix};
use crate::rules::errors::{UNCATCHABLE, handler_lists};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::Node;
use crate::syntax::edit::{move_element, remove_element};

declare_rule! {
    /// ## What it does
    /// Reports error names in a retrier or catcher that an earlier entry of the same list
    /// already matches: the same name, any name after `States.TaskFailed` (which matches
    /// every error but a time-out), or `States.HeartbeatTimeout` after `States.Timeout`
    /// (which covers a missed heartbeat too). When every name of an entry is shadowed,
    /// the whole entry is dead.
    ///
    /// ## Why is this bad?
    /// Step Functions uses the first retrier or catcher whose `ErrorEquals` matches. A later
    /// entry for the same error never runs, so its settings (a shorter interval for
    /// throttling, a dedicated fallback state) silently do nothing. Put specific errors
    /// before the catch-alls.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "Retry": [{"ErrorEquals": ["States.TaskFailed"]}, {"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10}, {"ErrorEquals": ["States.TaskFailed"]}], "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Removes a shadowed name from an `ErrorEquals` that has other names (safe: the
    /// name never reached this entry). Moves an entry that can never match before the
    /// first entry that shadows it (unsafe: its errors are then handled by it, which
    /// its settings suggest was meant, but which changes what the state does).
    pub static RULE = {
        code: "ASL504",
        name: "shadowed-error-handler",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for list in handler_lists(state) {
            // Name -> index of the first entry that handles it; TaskFailed's index.
            let mut seen: HashMap<&str, usize> = HashMap::default();
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
                    // `States.Timeout` covers a missed heartbeat too; TaskFailed
                    // neither.
                    let by = seen
                        .get(name)
                        .copied()
                        .or_else(|| {
                            (name == "States.HeartbeatTimeout")
                                .then(|| seen.get("States.Timeout").copied())
                                .flatten()
                        })
                        .or_else(|| {
                            task_failed.filter(|_| {
                                !matches!(
                                    name,
                                    "States.Timeout" | "States.HeartbeatTimeout" | "States.ALL"
                                ) && !UNCATCHABLE.contains(&name)
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
                        v.sort_unstable();
                        v.dedup();
                        v.iter().map(|b| format!("{}[{b}]", list.field)).collect()
                    };
                    let d = sink.report(
                        anchor,
                        format!(
                            "{}[{i}] of \"{}\" can never match: {} already {} its errors",
                            list.field,
                            state.name,
                            by.join(" and "),
                            if by.len() == 1 { "handles" } else { "handle" }
                        ),
                    );
                    d.help = Some(format!(
                        "move this {} before {}, or remove it",
                        list.noun(),
                        by[0]
                    ));
                    // Moved before the first entry that shadows it, it handles its
                    // errors, as its settings suggest it was meant to.
                    let first_by = shadowed.iter().map(|s| s.2).min();
                    // Not when the move would leave an entry it jumps over dead in turn
                    // (two entries for the same errors).
                    let moved: Vec<&str> = shadowed.iter().map(|s| s.1).collect();
                    let kills = |k: &(&Node<'_>, &[Node<'_>])| {
                        k.1.iter()
                            .all(|n| n.as_str().is_some_and(|name| moved.contains(&name)))
                    };
                    let safe_to_move = !moved.contains(&"States.TaskFailed")
                        && first_by.is_some_and(|j| !list.entries[j..i].iter().any(kills));
                    if ctx.fixes
                        && safe_to_move
                        && let (Some(array), Some(from), Some(first_by)) =
                            (list.array, list.index_of(entry), first_by)
                        && let Some(to) = list.index_of(list.entries[first_by].0)
                        && let Some(edit) = move_element(ctx.source, array, from, to)
                    {
                        d.fixes.push(Fix::edit(
                            format!("Move this {} before {}", list.noun(), by[0]),
                            Applicability::Unsafe,
                            edit,
                        ));
                    }
                } else {
                    let error_equals = entry.get("ErrorEquals");
                    for (n, name, by) in &shadowed {
                        let d = sink.report(
                            n.range,
                            format!(
                                "\"{name}\" is already handled by {}[{by}] of \"{}\"",
                                list.field, state.name
                            ),
                        );
                        let index = names.iter().position(|e| e.range == n.range);
                        if ctx.fixes
                            && let (Some(array), Some(index)) = (error_equals, index)
                            && let Some(edit) = remove_element(ctx.source, array, index)
                        {
                            d.fixes.push(Fix::edit(
                                format!("Remove \"{name}\""),
                                Applicability::Safe,
                                edit,
                            ));
                        }
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
    /// `States.Timeout` covers a missed heartbeat; `States.TaskFailed` covers neither.
    #[test]
    fn heartbeat_time_out_is_a_time_out() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 60, "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "B"}, {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"], "Next": "B"}, {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        let dead = |by: &str| {
            vec![(
                "\"ErrorEquals\"".to_string(),
                format!("Catch[3] of \"A\" can never match: {by} already handles its errors"),
            )]
        };
        assert_eq!(run(text), dead("Catch[1]"));
        let text = text.replace(
            r#"{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"]"#,
            r#"{"ErrorEquals": ["States.Timeout"], "Next": "B"}, {"ErrorEquals": ["E"]"#,
        );
        let mut both = vec![(
            "\"ErrorEquals\"".to_string(),
            "Catch[2] of \"A\" can never match: Catch[0] already handles its errors".to_string(),
        )];
        both.extend(dead("Catch[1]"));
        assert_eq!(run(&text), both);
        let two = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["E1"], "Next": "B"}, {"ErrorEquals": ["E2"], "Next": "B"}, {"ErrorEquals": ["E1", "E2"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        assert_eq!(
            run(two),
            vec![(
                "\"ErrorEquals\"".to_string(),
                "Catch[2] of \"A\" can never match: Catch[0] and Catch[1] already handle its errors".to_string()
            )]
        );
    }

    /// Each diagnostic's fixes: (title, the text with that fix applied).
    fn fixes(text: &str) -> Vec<Vec<(String, String)>> {
        crate::rules::each_fix(text, SourceKind::Json, "ASL504")
            .into_iter()
            .map(|fixes| {
                fixes
                    .into_iter()
                    .map(|(_, title, fixed)| (title, fixed))
                    .collect()
            })
            .collect()
    }

    fn task(retry: &str) -> String {
        format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": {retry}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn shadowed_names_are_removed_and_dead_entries_moved_up() {
        assert_eq!(
            fixes(&task(
                r#"[{"ErrorEquals": ["E1"]}, {"ErrorEquals": ["E2", "E1"]}]"#
            )),
            vec![vec![(
                "Remove \"E1\"".to_string(),
                task(r#"[{"ErrorEquals": ["E1"]}, {"ErrorEquals": ["E2"]}]"#)
            )]]
        );
        assert_eq!(
            fixes(&task(
                r#"[{"ErrorEquals": ["States.TaskFailed"]}, {"ErrorEquals": ["E1"]}, {"ErrorEquals": ["E2"], "MaxAttempts": 9}]"#
            )),
            vec![
                vec![(
                    "Move this retrier before Retry[0]".to_string(),
                    task(
                        r#"[{"ErrorEquals": ["E1"]}, {"ErrorEquals": ["States.TaskFailed"]}, {"ErrorEquals": ["E2"], "MaxAttempts": 9}]"#
                    )
                )],
                vec![(
                    "Move this retrier before Retry[0]".to_string(),
                    task(
                        r#"[{"ErrorEquals": ["E2"], "MaxAttempts": 9}, {"ErrorEquals": ["States.TaskFailed"]}, {"ErrorEquals": ["E1"]}]"#
                    )
                )],
            ]
        );
    }

    #[test]
    fn no_move_that_would_kill_the_entry_jumped_over() {
        // The same errors twice: moving the second up kills the first.
        assert_eq!(
            fixes(&task(
                r#"[{"ErrorEquals": ["E1"]}, {"ErrorEquals": ["E1"]}]"#
            )),
            vec![Vec::<(String, String)>::new()]
        );
    }
}
