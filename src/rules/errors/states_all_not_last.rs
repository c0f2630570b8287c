use crate::diagnostics::{Applicability, Edit, Fix};
use crate::rules::errors::handler_lists;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::edit::{keep_only_element, move_element};

declare_rule! {
    /// ## What it does
    /// Reports `States.ALL` in a retrier or catcher that is not the last of its list, or
    /// listed in `ErrorEquals` together with other error names.
    ///
    /// ## Why is this bad?
    /// The language requires `States.ALL` to appear alone, in the last retrier or catcher:
    /// it matches every error, so whatever follows it can never run, and names beside it
    /// add nothing. Step Functions rejects the definition.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "TimeoutSeconds": 60, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "TimeoutSeconds": 60, "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "B"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}
    /// ```
    ///
    /// ## Fix
    /// When `States.ALL` is listed with other names, keeps it alone (safe: it matches
    /// them all already). Moves a `States.ALL` entry that is not last to the end of its
    /// list (unsafe: the entries after it start to match, which may not be what you
    /// meant when you put them there).
    pub static RULE = {
        code: "ASL501",
        name: "states-all-not-last",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for list in handler_lists(state) {
            let last = list.entries.len().saturating_sub(1);
            for (i, (entry, names)) in list.entries.iter().enumerate() {
                let Some(all) = names.iter().find(|n| n.as_str() == Some("States.ALL")) else {
                    continue;
                };
                // Both problems of one entry are reported: States.ALL beside other
                // names, and the entry not last. Their fixes overlap (both rewrite the
                // entry), so the second keeps none when the first has one.
                let mut fixed = false;
                if names.len() > 1 {
                    let d = sink.report(
                        all.range,
                        format!(
                            "States.ALL must be the only error name of its {} (in {}[{i}] of \"{}\")",
                            list.noun(),
                            list.field,
                            state.name
                        ),
                    );
                    d.help = Some("States.ALL already matches the other names: remove them".into());
                    // The other names go, with their lines in a YAML block sequence;
                    // comments on the lines kept stay.
                    if let Some(array) = entry.get("ErrorEquals")
                        && let Some(keep) = names.iter().position(|n| n.range == all.range)
                        && let Some(edits) = keep_only_element(ctx.source, array, keep)
                    {
                        d.fixes.push(Fix {
                            title: "Keep only States.ALL".into(),
                            applicability: Applicability::Safe,
                            edits: edits
                                .into_iter()
                                .map(|e| Edit {
                                    range: e.range,
                                    replacement: e.text,
                                })
                                .collect(),
                        });
                        fixed = true;
                    }
                }
                if i != last {
                    let d = sink.report(
                        all.range,
                        format!(
                            "States.ALL must be in the last {} of {} in \"{}\": the {} after it can never match",
                            list.noun(),
                            list.field,
                            state.name,
                            if last - i == 1 {
                                format!("{} ", list.noun())
                            } else {
                                format!("{} {}s", last - i, list.noun())
                            }
                            .trim_end()
                        ),
                    );
                    d.help = Some(format!(
                        "move this {} to the end of {}",
                        list.noun(),
                        list.field
                    ));
                    // Moving it last fixes the list only when no later entry names
                    // States.ALL too.
                    let later_all = list.entries[i + 1..]
                        .iter()
                        .any(|(_, names)| names.iter().any(|n| n.as_str() == Some("States.ALL")));
                    if ctx.fixes
                        && !fixed
                        && !later_all
                        && let (Some(array), Some(index)) = (list.array, list.index_of(entry))
                        && let Some(len) = array.as_array().map(<[_]>::len)
                        && let Some(edit) = move_element(ctx.source, array, index, len - 1)
                    {
                        d.fixes.push(Fix::edit(
                            format!("Move this {} last", list.noun()),
                            Applicability::Unsafe,
                            edit,
                        ));
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
            select: vec!["ASL501".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn all_with_others_and_not_last() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "Catch": [{"ErrorEquals": ["Y", "States.ALL"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        assert_eq!(
            run(text),
            vec![
                (
                    "\"States.ALL\"".to_string(),
                    "States.ALL must be in the last retrier of Retry in \"A\": the retrier after it can never match".to_string()
                ),
                (
                    "\"States.ALL\"".to_string(),
                    "States.ALL must be the only error name of its catcher (in Catch[0] of \"A\")".to_string()
                ),
            ]
        );
    }

    /// `text` after `--fix` (safe fixes only) with ASL501 alone.
    fn fixed(text: &str, kind: SourceKind) -> String {
        let opts = LintOptions {
            select: vec!["ASL501".into()],
            ..Default::default()
        };
        let lint = |t: &str| lint_text(t, kind, &opts);
        crate::fix::fix_text(text, Some(kind), lint(text), false, &lint).text
    }

    #[test]
    fn keeping_only_states_all_keeps_the_comments_of_its_line() {
        // The fix used to replace everything from `States.ALL` to `MyError`, and the
        // `# all` between them went too. Now only the `- MyError` line goes.
        let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    Parameters: {QueueUrl: q, MessageBody: m}\n    End: true\n    Catch:\n      - ErrorEquals:\n          - States.ALL   # all\n          - MyError\n        Next: F\n  F: {Type: Fail}\n";
        assert_eq!(
            fixed(text, SourceKind::Yaml),
            text.replace("          - MyError\n", "")
        );
        // Names before and after it, one of them with a comment: their lines go.
        let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    Parameters: {QueueUrl: q, MessageBody: m}\n    End: true\n    Catch:\n      - ErrorEquals:\n          - A\n          - B  # b\n          # about States.ALL\n          - States.ALL   # all\n          - C\n        Next: F\n  F: {Type: Fail}\n";
        assert_eq!(
            fixed(text, SourceKind::Yaml),
            text.replace("          - A\n          - B  # b\n", "")
                .replace("          - C\n", "")
        );
        // In JSON the list becomes the one name.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["Y", "States.ALL", "Z"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        assert_eq!(
            fixed(text, SourceKind::Json),
            text.replace(r#"["Y", "States.ALL", "Z"]"#, r#"["States.ALL"]"#)
        );
        // A comment between the names of a flow list would be lost: no fix.
        let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    End: true\n    Catch:\n      - ErrorEquals: [States.ALL,  # all\n          MyError]\n        Next: F\n  F: {Type: Fail}\n";
        assert_eq!(fixed(text, SourceKind::Yaml), text);
    }

    #[test]
    fn an_entry_with_both_problems_reports_both() {
        // Only "must be the only error name" used to be reported; the other problem
        // showed up after the fix.
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":"m"},"End":true,"Retry":[{"ErrorEquals":["MyError","States.ALL"]},{"ErrorEquals":["Other"]}]}}}"#;
        assert_eq!(
            run(text),
            vec![
                (
                    "\"States.ALL\"".to_string(),
                    "States.ALL must be in the last retrier of Retry in \"A\": the retrier after it can never match".to_string()
                ),
                (
                    "\"States.ALL\"".to_string(),
                    "States.ALL must be the only error name of its retrier (in Retry[0] of \"A\")".to_string()
                ),
            ]
        );
        // The two fixes overlap: the safe one (keep only States.ALL) is kept, the
        // move is offered once it is applied.
        let opts = LintOptions {
            select: vec!["ASL501".into()],
            ..Default::default()
        };
        let found = lint_text(text, SourceKind::Json, &opts);
        let only = found.iter().find(|d| d.message.contains("only")).unwrap();
        let last = found.iter().find(|d| d.message.contains("last")).unwrap();
        assert_eq!(only.fixes.len(), 1);
        assert_eq!(only.fixes[0].edits.len(), 1);
        assert_eq!(
            &text[only.fixes[0].edits[0].range.as_usize()],
            r#""MyError","States.ALL""#
        );
        assert_eq!(only.fixes[0].edits[0].replacement, r#""States.ALL""#);
        assert!(last.fixes.is_empty());
    }
}
