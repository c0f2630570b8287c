use crate::diagnostics::{Applicability, Fix};
use crate::model::{State, StateMachine, StateType};
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
    /// A Fail state can raise such a name, though (a published pattern ends a Parallel
    /// branch early with `"Error": "States.QuorumMet"` and catches it on the Parallel):
    /// a name that a Fail state inside the Parallel or Map raises is not reported.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "TimeoutSeconds": 60, "Retry": [{"ErrorEquals": ["States.TimeOut"]}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "TimeoutSeconds": 60, "Retry": [{"ErrorEquals": ["States.Timeout"]}], "End": true}}}
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

/// The `States.` error names that Fail states inside `state` (a Parallel's branches, a
/// Map's processor, at any depth) raise.
fn raised_inside<'a>(machine: &StateMachine<'a, '_>, state: &State<'a, '_>) -> Vec<&'a str> {
    machine
        .all_states()
        .filter(|s| s.kind == Some(StateType::Fail))
        .filter(|s| {
            machine
                .ancestors(s.id.scope)
                .any(|scope| machine.scope(scope).parent() == Some(state.id))
        })
        .filter_map(|s| s.field("Error")?.value.as_str())
        .filter(|e| e.starts_with("States."))
        .collect()
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        // Found only when a name needs it: most states raise none.
        let mut raised = None;
        for list in handler_lists(state) {
            for (_, names) in &list.entries {
                for n in names.iter() {
                    let Some(name) = n.as_str() else { continue };
                    if !name.starts_with("States.")
                        || KNOWN_STATES_ERRORS.contains(&name)
                        || name.starts_with("States.Http.")
                        || raised
                            .get_or_insert_with(|| raised_inside(machine, state))
                            .contains(&name)
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

    /// A Fail state in a branch raises the name the Parallel catches; the same name
    /// caught where no Fail state inside raises it is still reported.
    #[test]
    fn a_name_a_fail_state_inside_raises() {
        let text = r#"{"StartAt": "P", "States": {
          "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "Met", "States": {"Met": {"Type": "Fail", "Error": "States.QuorumMet"}}}],
            "Catch": [{"ErrorEquals": ["States.QuorumMet"], "Next": "Q"}], "Next": "Q"},
          "Q": {"Type": "Parallel", "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}],
            "Catch": [{"ErrorEquals": ["States.QuorumMet"], "Next": "F"}], "End": true},
          "F": {"Type": "Fail", "Error": "States.QuorumMet"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL502".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].range.start as usize,
            text.rfind("[\"States.QuorumMet\"]").unwrap() + 1
        );
    }
}
