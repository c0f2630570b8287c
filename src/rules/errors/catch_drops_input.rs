use crate::diagnostics::{Applicability, Fix};
use crate::model::{QueryLanguage, State, StateType};
use crate::rules::paths::{input_reads, jsonata_input_reads, mentions_is_present, receivers_from};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::TextRange;
use crate::syntax::edit;

declare_rule! {
    /// ## What it does
    /// Reports a catcher that passes on only the error output (no `ResultPath` in
    /// JSONPath, no `Output` in JSONata) while its `Next` state, or a state that gets
    /// that output from it unchanged, reads a field of its input other than `Error` and
    /// `Cause`.
    ///
    /// The states that hand their input on unchanged are a Task, Map or Parallel with
    /// `"ResultPath": null` and no `OutputPath`, a Pass that changes nothing, a Wait, and
    /// a Choice whose rules do not test whether a field is present; the first of them
    /// that reads a missing field is named.
    ///
    /// In JSONPath, a catcher passes on only the error output unless its `ResultPath`
    /// (other than `"$"`) keeps the input; the read that counts is the first path such
    /// a state evaluates on its input (`InputPath`, a `.$` field of `Parameters` or
    /// `ItemSelector`, the first Choice rule's `Variable`, `ItemsPath`, a Wait's
    /// `SecondsPath`/`TimestampPath`, a Fail's `ErrorPath`/`CausePath`, a Task's
    /// `TimeoutSecondsPath`/`HeartbeatSecondsPath`). In JSONata, a catcher without an
    /// `Output` passes on the error output, and the read that counts is the first field
    /// whose whole expression is a path such as `{% $states.input.ticket.id %}`
    /// (`Arguments`, `Items`, `Output`, ...); an expression that does more than read may
    /// handle the missing field and is not judged.
    ///
    /// ## Why is this bad?
    /// Without a `ResultPath`, a catcher's output is the error output alone,
    /// `{"Error": ..., "Cause": ...}`: the state's input is gone. The handler that
    /// reads `$.ticketId` then fails with `States.Runtime` (a path that matches
    /// nothing), which no Catch can catch, so the execution fails in the very
    /// place written to handle the failure; in JSONata the undefined value fails the
    /// handler with `States.QueryEvaluationError`. It shows only when the error happens.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Assign agent", "States": {
    ///   "Assign agent": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "assign-agent", "Payload.$": "$"},
    ///     "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Escalate"}], "End": true},
    ///   "Escalate": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:escalations",
    ///       "Message.$": "$.ticketId"}, "End": true}}}
    /// ```
    ///
    /// Use instead (keep the input, put the error beside it):
    /// ```json
    /// {"StartAt": "Assign agent", "States": {
    ///   "Assign agent": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "assign-agent", "Payload.$": "$"},
    ///     "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Escalate"}],
    ///     "End": true},
    ///   "Escalate": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:escalations",
    ///       "Message.$": "$.ticketId"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Adds `"ResultPath": "$.error"` to the catcher (or turns `"$"` into it); in
    /// JSONata, an `Output` that merges `$states.errorOutput` into `$states.input` under
    /// `error`. Unsafe: the handler then receives the whole input. Not offered when the
    /// handler also reads `Error` or `Cause`, which would then be under `error`.
    pub static RULE = {
        code: "ASL506",
        name: "catch-drops-input",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// The fields of the error output.
const ERROR_OUTPUT: [&str; 2] = ["Error", "Cause"];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for catcher in &state.catchers {
            // JSONPath keeps the input with a ResultPath other than `$`; JSONata with an
            // Output of the catcher's own.
            let (keeps_input, help) = match state.query_language {
                QueryLanguage::JsonPath => (
                    catcher
                        .node
                        .get("ResultPath")
                        .is_some_and(|p| p.as_str() != Some("$")),
                    "add \"ResultPath\": \"$.error\" to the catcher to keep the input and put the error beside it",
                ),
                QueryLanguage::JsonAta => (
                    catcher.node.get("Output").is_some(),
                    "give the catcher an Output that keeps the input, e.g. \"{% $merge([$states.input, {'error': $states.errorOutput}]) %}\"",
                ),
            };
            let Some(next) = catcher.next else { continue };
            let Some(name) = next.value.as_str() else {
                continue;
            };
            if keeps_input {
                continue;
            }
            let scope = machine.scope(state.id.scope);
            let Some(target) = scope.state(name) else {
                continue;
            };
            // The handler, then the states it hands the error output on to unchanged,
            // nearest first: the first of them that reads a field the error output
            // lacks fails.
            let walked = receivers_from(machine, Some(target), is_unguarded);
            let mut found = None;
            for (i, s) in walked.iter().enumerate() {
                if let Some(read) = foreign_read(s) {
                    found = Some((i, *s, read));
                    break;
                }
            }
            let Some((index, reader, (range, path))) = found else {
                continue;
            };
            let message = if reader.id == target.id {
                format!(
                    "this catcher of \"{}\" passes only the error output (Error and Cause) to \"{}\", which reads \"{path}\" from its input",
                    state.name, target.name
                )
            } else {
                format!(
                    "this catcher of \"{}\" passes only the error output (Error and Cause) to \"{}\", which hands it on unchanged to \"{}\", which reads \"{path}\" from its input",
                    state.name, target.name, reader.name
                )
            };
            let d = sink.report(next.value.range, message);
            d.labels.push(crate::diagnostics::Label {
                range,
                message: format!("\"{path}\" matches nothing in the error output"),
            });
            d.help = Some(help.into());
            if !ctx.fixes {
                continue;
            }
            // With the error moved under `error`, reads of Error and Cause would break.
            let reads_error = walked[..=index].iter().any(|s| reads_error_output(s));
            if !reads_error {
                d.fixes.extend(keep_input_fix(
                    ctx.source,
                    catcher.node,
                    state.query_language,
                ));
            }
        }
    }
}

/// Puts the error beside the input: `"ResultPath": "$.error"` (JSONPath), or an
/// `Output` that merges the error output into the input (JSONata). Unsafe: the
/// handler then sees the whole input.
fn keep_input_fix(
    source: &str,
    catcher: &crate::syntax::Node<'_>,
    language: QueryLanguage,
) -> Option<Fix> {
    let (key, value) = match language {
        QueryLanguage::JsonPath => ("ResultPath", "$.error"),
        QueryLanguage::JsonAta => (
            "Output",
            "{% $merge([$states.input, {'error': $states.errorOutput}]) %}",
        ),
    };
    let title = format!("Keep the input: \"{key}\": \"{value}\"");
    if let Some(member) = catcher.as_object()?.iter().find(|m| m.key == key) {
        // Only `"ResultPath": "$"` gets here: any other value keeps the input.
        return Some(Fix::replace(
            title,
            Applicability::Unsafe,
            member.value.range,
            serde_json::to_string(value).ok()?,
        ));
    }
    let edit = edit::append_member(source, catcher, key, &serde_json::Value::from(value))?;
    Some(Fix::edit(title, Applicability::Unsafe, edit))
}

/// The first read of `state` (a handler or a state after it) of a field that the
/// error output lacks.
fn foreign_read<'a>(state: &State<'a, '_>) -> Option<(TextRange, &'a str)> {
    match state.query_language {
        QueryLanguage::JsonPath => input_reads(state).into_iter().find(|r| foreign(r.1)),
        QueryLanguage::JsonAta => jsonata_input_reads(state)
            .into_iter()
            .find(|r| foreign_jsonata(r.1)),
    }
}

/// Whether `state` reads `Error` or `Cause` from its input.
fn reads_error_output(state: &State<'_, '_>) -> bool {
    match state.query_language {
        QueryLanguage::JsonPath => input_reads(state).iter().any(|r| {
            crate::rules::paths::first_input_field(r.1)
                .is_some_and(|name| ERROR_OUTPUT.contains(&name))
        }),
        QueryLanguage::JsonAta => jsonata_input_reads(state)
            .iter()
            .any(|r| !foreign_jsonata(r.1) && r.1.starts_with("$states.input.")),
    }
}

/// Whether the walk goes on past `state`, which hands its input on unchanged: not
/// past a Choice that tests whether a field is there (`IsPresent`, `$exists`), whose
/// targets may be chosen because the field is missing.
fn is_unguarded(state: &State<'_, '_>) -> bool {
    if state.kind != Some(StateType::Choice) {
        return true;
    }
    let Some(rules) = state.field("Choices").and_then(|m| m.value.as_array()) else {
        return true;
    };
    !rules.iter().any(|rule| {
        mentions_is_present(rule, 0)
            || rule
                .get("Condition")
                .and_then(|c| c.as_str())
                .is_some_and(|c| c.contains("$exists"))
    })
}

/// `path` when it is a `$.name...` (or `$['name']...`) path whose first field is not
/// in the error output.
fn foreign(path: &str) -> bool {
    crate::rules::paths::first_input_field(path).is_some_and(|name| !ERROR_OUTPUT.contains(&name))
}

/// `expression` (`$states.input.name...`) when its first name is not in the error output.
fn foreign_jsonata(expression: &str) -> bool {
    expression
        .strip_prefix("$states.input.")
        .and_then(|rest| rest.split('.').next())
        .is_some_and(|name| !ERROR_OUTPUT.contains(&name))
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    /// A Task with one catcher (`catcher` is its extra fields) going to `target`.
    fn run(catcher: &str, target: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Catch": [{{"ErrorEquals": ["States.ALL"]{catcher}, "Next": "H"}}], "End": true}}, "H": {target}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL506".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| {
                let labels: Vec<String> = d
                    .labels
                    .iter()
                    .map(|l| format!(" [{}: {}]", &text[l.range.as_usize()], l.message))
                    .collect();
                format!(
                    "{}: {}{}",
                    &text[d.range.as_usize()],
                    d.message,
                    labels.concat()
                )
            })
            .collect()
    }

    #[test]
    fn handler_reading_the_lost_input_is_reported() {
        let pass = r#"{"Type": "Pass", "Parameters": {"static": 1, "nested": {"id.$": "$.ticket.id"}}, "End": true}"#;
        let expected = [
            "\"H\": this catcher of \"T\" passes only the error output (Error and Cause) to \"H\", which reads \"$.ticket.id\" from its input [\"$.ticket.id\": \"$.ticket.id\" matches nothing in the error output]",
        ];
        assert_eq!(run("", pass), expected);
        assert_eq!(run(r#", "ResultPath": "$""#, pass), expected);
        let choice = r#"{"Type": "Choice", "Choices": [{"Not": {"Variable": "$.priority", "StringEquals": "low", "Next": "T"}}], "Default": "T"}"#;
        assert_eq!(run("", choice).len(), 1);
        let wait = r#"{"Type": "Wait", "SecondsPath": "$.delay", "Next": "T"}"#;
        assert_eq!(run("", wait).len(), 1);
        let input_path = r#"{"Type": "Pass", "InputPath": "$.ticket", "End": true}"#;
        assert_eq!(run("", input_path).len(), 1);
        // A path inside an intrinsic function is read all the same.
        let format = r#"{"Type": "Pass", "Parameters": {"m.$": "States.Format('Case {} escalated ({})', $.case.id, $.Cause)"}, "End": true}"#;
        assert_eq!(
            run("", format),
            [
                "\"H\": this catcher of \"T\" passes only the error output (Error and Cause) to \"H\", which reads \"$.case.id\" from its input [\"States.Format('Case {} escalated ({})', $.case.id, $.Cause)\": \"$.case.id\" matches nothing in the error output]"
            ]
        );
        let error_only = r#"{"Type": "Pass", "Parameters": {"m.$": "States.Format('{}: {}', $.Error, $.Cause)"}, "End": true}"#;
        assert!(run("", error_only).is_empty());
    }

    #[test]
    fn states_that_hand_the_error_output_on_are_followed() {
        let text = r#"{"StartAt": "T", "States": {
          "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Undo"}], "End": true},
          "Undo": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "undo", "Payload.$": "$"}, "ResultPath": null, "Next": "Pause"},
          "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Clean"},
          "Clean": {"Type": "Pass", "Parameters": {"k.$": "States.Format('TRIP#{}', $.tripId)"}, "End": true}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL506"),
            [
                "\"Undo\": this catcher of \"T\" passes only the error output (Error and Cause) to \"Undo\", which hands it on unchanged to \"Clean\", which reads \"$.tripId\" from its input"
            ]
        );
        // A state that changes its output, or a Choice that tests for the field, stops
        // the walk.
        for (from, to) in [
            (r#""ResultPath": null"#, r#""ResultPath": "$.undo""#),
            (
                r#""ResultPath": null"#,
                r#""ResultPath": null, "OutputPath": "$.Cause""#,
            ),
            (
                r#""Type": "Wait", "Seconds": 1"#,
                r#""Type": "Choice", "Choices": [{"Variable": "$.tripId", "IsPresent": true, "Next": "Clean"}], "Default": "Clean""#,
            ),
        ] {
            let changed = text.replacen(from, to, 1);
            assert!(
                crate::rules::located_messages(&changed, "ASL506").is_empty(),
                "{changed}"
            );
        }
    }

    #[test]
    fn kept_input_or_reads_of_the_error_output_pass() {
        let pass = r#"{"Type": "Pass", "Parameters": {"id.$": "$.ticket.id"}, "End": true}"#;
        assert!(run(r#", "ResultPath": "$.error""#, pass).is_empty());
        assert!(run(r#", "ResultPath": null"#, pass).is_empty());
        let reads_error = r#"{"Type": "Fail", "ErrorPath": "$.Error", "CausePath": "$.Cause"}"#;
        assert!(run("", reads_error).is_empty());
        let whole = r#"{"Type": "Pass", "Parameters": {"error.$": "$", "at.$": "$$.State.EnteredTime", "n.$": "States.StringToJson($.Cause)"}, "End": true}"#;
        assert!(run("", whole).is_empty());
        // The first Choice rule guards with IsPresent, and a later rule may never run.
        let guarded = r#"{"Type": "Choice", "Choices": [{"And": [{"Variable": "$.retry", "IsPresent": true}, {"Variable": "$.retry", "BooleanEquals": true}], "Next": "T"}, {"Variable": "$.other", "IsNull": true, "Next": "T"}], "Default": "T"}"#;
        assert!(run("", guarded).is_empty());
        // Once InputPath selects the error, later fields read from it.
        let selected = r#"{"Type": "Pass", "InputPath": "$.Cause", "Parameters": {"x.$": "$.x"}, "End": true}"#;
        assert!(run("", selected).is_empty());
    }

    /// A JSONata Task whose catcher (`catcher` is its extra fields) goes to `target`.
    fn run_jsonata(catcher: &str, target: &str) -> Vec<String> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Catch": [{{"ErrorEquals": ["States.ALL"]{catcher}, "Next": "H"}}], "End": true}}, "H": {target}}}}}"#
        );
        crate::rules::located_messages(&text, "ASL506")
    }

    #[test]
    fn jsonata_handlers_reading_a_plain_input_path() {
        let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": {"id": "{% $states.input.ticket.id %}"}}, "End": true}"#;
        assert_eq!(
            run_jsonata("", task),
            [
                "\"H\": this catcher of \"T\" passes only the error output (Error and Cause) to \"H\", which reads \"$states.input.ticket.id\" from its input"
            ]
        );
        // An Output of the catcher's own decides what goes on.
        let keep = r#", "Output": "{% $merge([$states.input, {'error': $states.errorOutput}]) %}""#;
        assert!(run_jsonata(keep, task).is_empty());
        for target in [
            r#"{"Type": "Fail", "Error": "{% $states.input.Error %}", "Cause": "{% $states.input.Cause %}"}"#,
            r#"{"Type": "Pass", "Output": {"id": "{% $exists($states.input.ticket) ? $states.input.ticket.id : null %}"}, "End": true}"#,
            r#"{"Type": "Pass", "Output": "{% $states.input %}", "End": true}"#,
        ] {
            assert!(run_jsonata("", target).is_empty(), "{target}");
        }
    }
}
