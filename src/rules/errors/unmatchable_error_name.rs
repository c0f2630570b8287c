use crate::rules::errors::{UNCATCHABLE, handler_lists};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `States.Runtime` or `States.DataLimitExceeded` in the `ErrorEquals` of a
    /// retrier or catcher.
    ///
    /// ## Why is this bad?
    /// These errors end the execution: Step Functions never retries or catches them, not
    /// even with `States.ALL`. The retrier or catcher suggests a protection that does not
    /// exist; fix the cause instead (a path that does not exist, a payload over 256 KiB).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": [{"ErrorEquals": ["States.Runtime"]}], "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": [{"ErrorEquals": ["States.TaskFailed"]}], "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL503",
        name: "unmatchable-error-name",
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
            for (_, names) in &list.entries {
                for n in names.iter() {
                    let Some(name) = n.as_str().filter(|s| UNCATCHABLE.contains(s)) else {
                        continue;
                    };
                    let verb = if list.field == "Retry" {
                        "retries"
                    } else {
                        "catches"
                    };
                    sink.report(
                        n.range,
                        format!("{name} always ends the execution: Step Functions never {verb} it"),
                    );
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
    fn runtime_in_catch() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "B"}], "End": true}, "B": {"Type": "Fail"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL503".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"States.DataLimitExceeded\"");
        assert_eq!(
            d[0].message,
            "States.DataLimitExceeded always ends the execution: Step Functions never catches it"
        );
    }
}
