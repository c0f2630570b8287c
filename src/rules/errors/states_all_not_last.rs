use crate::diagnostics::{Applicability, Fix};
use crate::rules::errors::handler_lists;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::edit::move_element;

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
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "B"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}
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
                    // Everything from the first name to the last becomes States.ALL as
                    // written: `["States.ALL"]`, or one `- States.ALL` line in YAML.
                    let (first, last) = (&names[0], &names[names.len() - 1]);
                    if let Some(written) = ctx.source.get(all.range.as_usize()) {
                        d.fixes.push(Fix::replace(
                            "Keep only States.ALL",
                            Applicability::Safe,
                            first.range.cover(last.range),
                            written,
                        ));
                    }
                } else if i != last {
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
}
