use crate::model::{ScopeId, StateMachine, StateType};
use crate::rules::jsonata::variables::is_distributed_processor;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// When the state machine has a `TimeoutSeconds`, reports a state whose own wait
    /// or limit is as long or longer: a Wait state's `Seconds`, a Task's
    /// `TimeoutSeconds` or `HeartbeatSeconds`. States in the child workflows of a
    /// Distributed Map run as executions of their own and are not checked.
    ///
    /// ## Why is this bad?
    /// The whole execution fails with `States.Timeout` when the machine's time is up.
    /// A Wait that long makes every execution that reaches it time out; a Task limit
    /// that long never fires, so the `Retry` and `Catch` written for `States.Timeout`
    /// or `States.HeartbeatTimeout` on that Task never run. One of the two numbers is
    /// wrong.
    ///
    /// ## Example
    /// ```json
    /// {"TimeoutSeconds": 300, "StartAt": "Wait for payment", "States": {
    ///   "Wait for payment": {"Type": "Wait", "Seconds": 3600, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"TimeoutSeconds": 7200, "StartAt": "Wait for payment", "States": {
    ///   "Wait for payment": {"Type": "Wait", "Seconds": 3600, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL708",
        name: "timeout-beyond-machine-timeout",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let Some(limit) = machine
        .root
        .get("TimeoutSeconds")
        .and_then(|n| n.as_u64())
        .filter(|&t| t > 0)
    else {
        return;
    };
    for scope in &machine.scopes {
        if in_child_workflow(machine, scope.id) {
            continue;
        }
        for state in &scope.states {
            let fields: &[&str] = match state.kind {
                Some(StateType::Wait) => &["Seconds"],
                Some(StateType::Task) => &["TimeoutSeconds", "HeartbeatSeconds"],
                _ => continue,
            };
            for &field in fields {
                let Some(m) = state.field(field) else {
                    continue;
                };
                let Some(n) = m.value.as_u64().filter(|&n| n >= limit) else {
                    continue;
                };
                let message = if field == "Seconds" {
                    format!(
                        "\"{}\" waits {n} s, but the state machine times out after {limit} s: every execution that reaches it fails with States.Timeout",
                        state.name
                    )
                } else {
                    format!(
                        "the {field} of \"{}\" ({n} s) never applies: the state machine times out after {limit} s",
                        state.name
                    )
                };
                let d = sink.report(m.value.range, message);
                d.help = Some(format!(
                    "lower {field} below {limit}, or raise the state machine's TimeoutSeconds"
                ));
            }
        }
    }
}

/// True for a scope inside the item processor of a Distributed Map (at any depth):
/// its states run in child executions with their own time limits.
fn in_child_workflow(machine: &StateMachine<'_, '_>, scope: ScopeId) -> bool {
    let mut at = scope;
    for _ in 0..machine.scopes.len() {
        if is_distributed_processor(machine, at) {
            return true;
        }
        match machine.scope(at).parent() {
            Some(parent) => at = parent.scope,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(text: &str) -> Vec<String> {
        let opts = LintOptions {
            select: vec!["ASL708".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| format!("{}: {}", &text[d.range.as_usize()], d.message))
            .collect()
    }

    #[test]
    fn waits_and_task_limits_at_or_over_the_machine_timeout() {
        let text = r#"{"TimeoutSeconds": 60, "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": 60, "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "TimeoutSeconds": 120, "HeartbeatSeconds": 30, "End": true}}}"#;
        assert_eq!(
            run(text),
            vec![
                "60: \"W\" waits 60 s, but the state machine times out after 60 s: every execution that reaches it fails with States.Timeout",
                "120: the TimeoutSeconds of \"T\" (120 s) never applies: the state machine times out after 60 s",
            ]
        );
    }

    #[test]
    fn shorter_limits_no_machine_timeout_and_child_workflows_pass() {
        let shorter = r#"{"TimeoutSeconds": 600, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 599, "End": true}}}"#;
        assert_eq!(run(shorter), Vec::<String>::new());
        let none =
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999, "End": true}}}"#;
        assert_eq!(run(none), Vec::<String>::new());
        let nested = |mode: &str| {
            format!(
                r#"{{"TimeoutSeconds": 60, "StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemProcessor": {{"ProcessorConfig": {{"Mode": "{mode}", "ExecutionType": "STANDARD"}}, "StartAt": "W", "States": {{"W": {{"Type": "Wait", "Seconds": 90, "End": true}}}}}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(run(&nested("DISTRIBUTED")), Vec::<String>::new());
        assert_eq!(
            run(&nested("INLINE")),
            vec![
                "90: \"W\" waits 90 s, but the state machine times out after 60 s: every execution that reaches it fails with States.Timeout"
            ]
        );
    }
}
