use crate::expr::jsonpath::{self, Root, Selector};
use crate::model::{QueryLanguage, State, StateType};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Member, Node, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a catcher with no `ResultPath` (or `"ResultPath": "$"`) whose `Next`
    /// state reads a field of its input other than `Error` and `Cause`: the first path
    /// that state evaluates on its input (`InputPath`, a `.$` field of `Parameters` or
    /// `ItemSelector`, the first Choice rule's `Variable`, `ItemsPath`, a Wait's
    /// `SecondsPath`/`TimestampPath`, a Fail's `ErrorPath`/`CausePath`, a Task's
    /// `TimeoutSecondsPath`/`HeartbeatSecondsPath`). JSONPath states only.
    ///
    /// ## Why is this bad?
    /// Without a `ResultPath`, a catcher's output is the error output alone,
    /// `{"Error": ..., "Cause": ...}`: the state's input is gone. The handler that
    /// reads `$.ticketId` then fails with `States.Runtime` (a path that matches
    /// nothing), which no Catch can catch, so the execution fails in the very
    /// place written to handle the failure. It shows only when the error happens.
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
    pub static RULE = {
        code: "ASL506",
        name: "catch-drops-input",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The fields of the error output.
const ERROR_OUTPUT: [&str; 2] = ["Error", "Cause"];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        for catcher in &state.catchers {
            let keeps_input = match catcher.node.get("ResultPath") {
                None => false,
                Some(p) => p.as_str() != Some("$"),
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
            if target.query_language != QueryLanguage::JsonPath {
                continue;
            }
            let Some((range, path)) = first_read(target) else {
                continue;
            };
            let d = sink.report(
                next.value.range,
                format!(
                    "this catcher of \"{}\" passes only the error output (Error and Cause) to \"{}\", which reads \"{path}\" from its input",
                    state.name, target.name
                ),
            );
            d.labels.push(crate::diagnostics::Label {
                range,
                message: format!("\"{path}\" matches nothing in the error output"),
            });
            d.help = Some(
                "add \"ResultPath\": \"$.error\" to the catcher to keep the input and put the error beside it"
                    .into(),
            );
        }
    }
}

/// The first path `state` evaluates on its raw input that the error output cannot
/// match, with the range of its string.
fn first_read<'a>(state: &State<'a, '_>) -> Option<(TextRange, &'a str)> {
    if let Some(m) = state.field("InputPath") {
        // A path other than `$` decides what every later field sees: only it counts.
        match m.value.as_str() {
            Some("$") => {}
            Some(_) => return foreign(&m.value),
            None => return None,
        }
    }
    let fields: &[&str] = match state.kind? {
        StateType::Task => &["Parameters", "TimeoutSecondsPath", "HeartbeatSecondsPath"],
        StateType::Pass | StateType::Parallel => &["Parameters"],
        StateType::Map => &["ItemsPath", "ItemSelector", "Parameters"],
        StateType::Wait => &["SecondsPath", "TimestampPath"],
        StateType::Fail => &["ErrorPath", "CausePath"],
        StateType::Choice => return first_choice_read(state),
        StateType::Succeed => return None,
    };
    fields
        .iter()
        .filter_map(|f| state.field(f))
        .find_map(|m| match m.value.as_object() {
            Some(members) => template_read(members),
            None => foreign(&m.value),
        })
}

/// The Variable of the first Choice rule (the only one sure to be evaluated), unless
/// the rule tests `IsPresent` anywhere, which guards against a missing field.
fn first_choice_read<'a>(state: &State<'a, '_>) -> Option<(TextRange, &'a str)> {
    let rule = state.choices.first()?.node;
    if mentions_is_present(rule, 0) {
        return None;
    }
    let mut at = rule;
    // Down to the first comparison: And/Or evaluate their first rule first.
    for _ in 0..32 {
        if let Some(v) = at.get("Variable") {
            return foreign(v);
        }
        at = match (at.get("And").or_else(|| at.get("Or")), at.get("Not")) {
            (Some(list), _) => list.as_array()?.first()?,
            (None, Some(not)) => not,
            (None, None) => return None,
        };
    }
    None
}

fn mentions_is_present(node: &Node<'_>, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    if node.get("IsPresent").is_some() {
        return true;
    }
    let nested = |key: &str| match node.get(key) {
        Some(n) => match n.as_array() {
            Some(items) => items.iter().any(|r| mentions_is_present(r, depth + 1)),
            None => mentions_is_present(n, depth + 1),
        },
        None => false,
    };
    nested("And") || nested("Or") || nested("Not")
}

/// The first `.$` field of a payload template whose path the error output cannot match.
fn template_read<'a>(members: &'a [Member<'_>]) -> Option<(TextRange, &'a str)> {
    members.iter().find_map(|m| {
        if m.key.ends_with(".$") {
            foreign(&m.value)
        } else {
            m.value.as_object().and_then(template_read)
        }
    })
}

/// `node` when it is a `$.name...` path whose first field is not in the error output.
fn foreign<'a>(node: &'a Node<'_>) -> Option<(TextRange, &'a str)> {
    let text = node.as_str()?;
    if !text.starts_with("$.") && !text.starts_with("$[") {
        return None;
    }
    let path = jsonpath::parse(text).ok()?;
    let first = path.segments.first()?;
    match (&path.root, first.descendant, &first.selector) {
        (Root::Input, false, Selector::Name(name)) if !ERROR_OUTPUT.contains(&name.as_str()) => {
            Some((node.range, text))
        }
        _ => None,
    }
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
}
