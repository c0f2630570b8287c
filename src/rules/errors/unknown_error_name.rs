use crate::diagnostics::{Applicability, Fix};
use crate::rules::errors::{KNOWN_STATES_ERRORS, handler_lists};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean, plain_key};

declare_rule! {
    /// ## What it does
    /// Reports an error name in `ErrorEquals` that starts with `States.` but is not one of
    /// the predefined errors (`States.ALL`, `States.Timeout`, `States.TaskFailed`,
    /// `States.HeartbeatTimeout`, `States.Permissions`, ...), such as `States.TimeOut`.
    ///
    /// ## Why is this bad?
    /// Error names are case-sensitive and tasks cannot raise names starting with `States.`:
    /// a misspelled predefined name matches nothing, so the retrier or catcher never runs.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.TimeOut"]}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Retry": [{"ErrorEquals": ["States.Timeout"]}], "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Replaces a misspelled name with the predefined one it is closest to (unsafe: check
    /// that it is the error you meant).
    pub static RULE = {
        code: "ASL502",
        name: "unknown-error-name",
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
            for (_, names) in &list.entries {
                for n in names.iter() {
                    let Some(name) = n.as_str() else { continue };
                    if !name.starts_with("States.")
                        || KNOWN_STATES_ERRORS.contains(&name)
                        || name.starts_with("States.Http.")
                    {
                        continue;
                    }
                    let d = sink.report(
                        n.range,
                        format!("\"{name}\" is not a predefined error name, so it never matches"),
                    );
                    let suggestion = did_you_mean(name, KNOWN_STATES_ERRORS.iter().copied());
                    d.help = Some(match suggestion {
                        Some(s) => format!("did you mean \"{s}\"?"),
                        None => {
                            "names starting with \"States.\" are reserved for the predefined errors"
                                .into()
                        }
                    });
                    // The name as written (quoted or plain), when it has no escapes.
                    if let Some(s) = suggestion
                        && let Some(at) = plain_key(ctx.source, n.range)
                    {
                        d.fixes.push(Fix::replace(
                            format!("Replace with \"{s}\""),
                            Applicability::Unsafe,
                            at,
                            s,
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

    #[test]
    fn misspelled_predefined_name() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.TimeOut", "States.Http.StatusCode.404", "MyError"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL502".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"States.TimeOut\"");
        assert_eq!(
            d[0].message,
            "\"States.TimeOut\" is not a predefined error name, so it never matches"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean \"States.Timeout\"?")
        );
        let edit = &d[0].fixes[0].edits[0];
        assert_eq!(&text[edit.range.as_usize()], "States.TimeOut");
        assert_eq!(edit.replacement, "States.Timeout");
    }
}
