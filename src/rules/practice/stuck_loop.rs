use crate::model::{State, StateType};
use crate::rules::practice::{all_loops, changes_nothing, names};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a loop that waits but in which nothing changes: Wait, Choice and Pass
    /// states only, none of which sets a variable (`Assign`) or reshapes its data
    /// (`Parameters`, `Result`, `Output`, `InputPath`, `OutputPath`, `ResultPath`), and
    /// nothing in it that reads the clock or the Context object (`$$`,
    /// `$states.context`, `$now()`, `$millis()`), which a loop that waits for a deadline
    /// does. Loops with no Wait are ASL702's, loops with no way out ASL701's.
    ///
    /// ## Why is this bad?
    /// Every turn sees the same input and the same variables, so the Choice decides the
    /// same way every time: if the loop goes round once, it goes round until the
    /// execution times out (a year for a Standard workflow) or fails at the
    /// 25,000-event history limit. It is a polling loop that lost the Task that fetches
    /// the status it tests, or that puts the status somewhere the Choice does not read.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Wait", "States": {
    ///   "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Ready?"},
    ///   "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": true, "Next": "Done"}], "Default": "Wait"},
    ///   "Done": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead (fetch the status on every turn):
    /// ```json
    /// {"StartAt": "Wait", "States": {
    ///   "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Get status"},
    ///   "Get status": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "get-status", "Payload.$": "$"},
    ///     "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///     "ResultSelector": {"ready.$": "$.Payload.ready"}, "ResultPath": "$.status", "Next": "Ready?"},
    ///   "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.status.ready", "BooleanEquals": true, "Next": "Done"}], "Default": "Wait"},
    ///   "Done": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL714",
        name: "stuck-loop",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    for (scope, graph, states) in all_loops(ctx) {
        let waits = states
            .iter()
            .any(|&i| scope.states[i].kind == Some(StateType::Wait));
        let can_leave = states.iter().any(|&i| graph.can_finish[i]);
        if !waits || !can_leave {
            continue;
        }
        let still = states.iter().all(|&i| {
            let s = &scope.states[i];
            (changes_nothing(s) || idle_wait(s)) && !reads_the_clock(ctx.source, s)
        });
        if !still {
            continue;
        }
        let first = &scope.states[states[0]];
        sink.report(
            first.name_range,
            format!(
                "nothing changes in the loop {}: its Choice decides the same way every turn, so once it goes round it waits and goes round until the execution times out or reaches the 25,000-event history limit",
                names(scope, &states)
            ),
        )
        .help = Some(
            "put the Task that fetches what the loop waits for in the loop, and test its result".into(),
        );
    }
}

/// A Wait state that hands its input on unchanged and assigns nothing.
fn idle_wait(state: &State<'_, '_>) -> bool {
    state.kind == Some(StateType::Wait)
        && ["Assign", "Output", "InputPath", "OutputPath"]
            .iter()
            .all(|k| state.field(k).is_none())
}

/// True when the state's text reads what changes with time: the Context object (its
/// entered time, a deadline from it), or JSONata's clock and random functions.
fn reads_the_clock(source: &str, state: &State<'_, '_>) -> bool {
    let text = &source[state.node.range.as_usize()];
    [
        "$$",
        "$states.context",
        "$now",
        "$millis",
        "$random",
        "$uuid",
        "\\u",
    ]
    .iter()
    .any(|n| text.contains(n))
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn lint(wait: &str, choice: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "Wait", "States": {{"Wait": {wait}, "Ready?": {{"Type": "Choice", "Choices": [{choice}], "Default": "Wait"}}, "Done": {{"Type": "Succeed"}}}}}}"#
        );
        located_messages(&text, "ASL714")
    }

    const WAIT: &str = r#"{"Type": "Wait", "Seconds": 30, "Next": "Ready?"}"#;
    const READY: &str = r#"{"Variable": "$.ready", "BooleanEquals": true, "Next": "Done"}"#;

    #[test]
    fn a_waiting_loop_that_changes_nothing() {
        assert_eq!(
            lint(WAIT, READY),
            [
                "\"Wait\": nothing changes in the loop \"Wait\", \"Ready?\": its Choice decides the same way every turn, so once it goes round it waits and goes round until the execution times out or reaches the 25,000-event history limit"
            ]
        );
    }

    #[test]
    fn loops_that_change_something_or_watch_the_clock() {
        // A deadline from the Context object, a variable counted down, reshaped data.
        let deadline = r#"{"Variable": "$$.State.EnteredTime", "TimestampGreaterThanPath": "$.deadline", "Next": "Done"}"#;
        assert!(lint(WAIT, deadline).is_empty());
        let assign = r#"{"Type": "Wait", "Seconds": 30, "Assign": {"n": 1}, "Next": "Ready?"}"#;
        assert!(lint(assign, READY).is_empty());
        let jsonata = r#"{"Condition": "{% $now() > $states.input.deadline %}", "Next": "Done"}"#;
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "Wait", "States": {{"Wait": {{"Type": "Wait", "Seconds": 30, "Next": "Ready?"}}, "Ready?": {{"Type": "Choice", "Choices": [{jsonata}], "Default": "Wait"}}, "Done": {{"Type": "Succeed"}}}}}}"#
        );
        assert!(located_messages(&text, "ASL714").is_empty());
        // A Task in the loop fetches something new.
        let task = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 30, "Next": "Get"}, "Get": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Next": "Ready?"}, "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": true, "Next": "Done"}], "Default": "Wait"}, "Done": {"Type": "Succeed"}}}"#;
        assert!(located_messages(task, "ASL714").is_empty());
        // No way out is ASL701's.
        let closed = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 30, "Next": "Wait"}}}"#;
        assert!(located_messages(closed, "ASL714").is_empty());
    }
}
