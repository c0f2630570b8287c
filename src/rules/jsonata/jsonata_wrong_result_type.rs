use std::collections::HashMap;

use crate::expr::jsonata::{ValueType, bound_names, constant_number, result_type};
use crate::model::{State, StateType};
use crate::rules::jsonata::{Expr, jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a JSONata expression that can only give a value of the wrong type for
    /// its field: a Choice rule's `Condition` that gives a number or a string instead
    /// of a boolean, a Map's `Items` that gives anything but an array, a number field
    /// (`Seconds`, `TimeoutSeconds`, `HeartbeatSeconds`, `MaxConcurrency`,
    /// `ToleratedFailureCount`, `ToleratedFailurePercentage`, the ItemBatcher and
    /// ItemReader limits) that gives a boolean, an object, an array or null, or a
    /// number out of the field's bounds (`{% 1.5 %}` as `TimeoutSeconds`, `{% -1 %}` as
    /// `MaxConcurrency`), a Wait `Timestamp` or a Fail `Error`/`Cause` that gives no
    /// string. A string is let pass in a number field: it may hold digits that are read
    /// as a number. The bounds are checked when the number is written with literals
    /// alone (`{% 1.5 %}`, `{% -1 %}`, `{% 60 * 5 %}`): a fraction where a whole number
    /// belongs, a negative wait, a zero timeout. The type is known without data for
    /// literals (`'10'`), constructors (`[...]`, `{...}`), operators (`+` gives a
    /// number, `=` and `and` a boolean, `&` a string) and functions with one result
    /// type (`$string`, `$count`, `$exists`, ...); an expression whose type depends on
    /// the input is never reported.
    ///
    /// ## Why is this bad?
    /// Step Functions deploys the definition, then fails the state with
    /// `States.QueryEvaluationError` each time it evaluates the field. Conditions are
    /// the usual case: `{% $states.input.count + 1 %}` was meant to be a comparison.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Enough seats?", "States": {
    ///   "Enough seats?": {"Type": "Choice", "Choices": [
    ///     {"Condition": "{% $states.input.seats - $states.input.enrolled %}", "Next": "Enrol"}],
    ///     "Default": "Waiting list"},
    ///   "Enrol": {"Type": "Succeed"}, "Waiting list": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Enough seats?", "States": {
    ///   "Enough seats?": {"Type": "Choice", "Choices": [
    ///     {"Condition": "{% $states.input.seats > $states.input.enrolled %}", "Next": "Enrol"}],
    ///     "Default": "Waiting list"},
    ///   "Enrol": {"Type": "Succeed"}, "Waiting list": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL610",
        name: "jsonata-wrong-result-type",
        severity: Error,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// Whether a field that needs `want` accepts what an expression gives: the same type,
/// or a string for a number (its digits may be read as one).
fn accepts(want: ValueType, got: ValueType) -> bool {
    got == want || (want == ValueType::Number && got == ValueType::String)
}

/// The typed fields of `state` whose value is the whole string `node`: the field's
/// name as the message shows it and the type it needs.
///
/// `conditions` holds the position of each Choice rule's `Condition` node, found once
/// per state: looking a rule up among all of them for each expression made a Choice
/// with thousands of rules quadratic.
fn typed_field(
    state: &State<'_, '_>,
    e: &Expr<'_, '_>,
    conditions: &HashMap<*const Node<'_>, usize>,
) -> Option<(String, ValueType)> {
    let is = |n: Option<&Node<'_>>| n.is_some_and(|n| std::ptr::eq(n, e.node));
    let field = |key: &str| state.field(key).map(|m| &m.value);
    let top: &[(&str, ValueType)] = match state.kind? {
        StateType::Wait => &[
            ("Seconds", ValueType::Number),
            ("Timestamp", ValueType::String),
        ],
        StateType::Task => &[
            ("TimeoutSeconds", ValueType::Number),
            ("HeartbeatSeconds", ValueType::Number),
        ],
        StateType::Map => &[
            ("Items", ValueType::Array),
            ("MaxConcurrency", ValueType::Number),
            ("ToleratedFailureCount", ValueType::Number),
            ("ToleratedFailurePercentage", ValueType::Number),
        ],
        StateType::Fail => &[("Error", ValueType::String), ("Cause", ValueType::String)],
        StateType::Choice => {
            let i = *conditions.get(&std::ptr::from_ref(e.node))?;
            return Some((format!("Condition of rule {}", i + 1), ValueType::Boolean));
        }
        _ => &[],
    };
    if let Some((key, want)) = top.iter().find(|(k, _)| is(field(k))) {
        return Some(((*key).to_string(), *want));
    }
    if state.kind == Some(StateType::Map) {
        let batcher = field("ItemBatcher");
        for key in ["MaxItemsPerBatch", "MaxInputBytesPerBatch"] {
            if is(batcher.and_then(|b| b.get(key))) {
                return Some((format!("ItemBatcher.{key}"), ValueType::Number));
            }
        }
        let reader = field("ItemReader").and_then(|r| r.get("ReaderConfig"));
        if is(reader.and_then(|r| r.get("MaxItems"))) {
            return Some(("ItemReader.ReaderConfig.MaxItems".into(), ValueType::Number));
        }
    }
    None
}

/// What a number field accepts: the smallest and largest value, and whether it must
/// be a whole number. Keyed by the field's name as [`typed_field`] gives it.
fn bounds(field: &str) -> Option<(f64, f64, bool)> {
    const SECONDS: f64 = 99_999_999.0;
    Some(match field {
        "Seconds" => (0.0, SECONDS, true),
        "TimeoutSeconds" | "HeartbeatSeconds" => (1.0, SECONDS, true),
        "MaxConcurrency" | "ToleratedFailureCount" => (0.0, f64::INFINITY, true),
        "ToleratedFailurePercentage" => (0.0, 100.0, false),
        "ItemBatcher.MaxItemsPerBatch" => (1.0, f64::INFINITY, true),
        "ItemBatcher.MaxInputBytesPerBatch" => (1.0, 262_144.0, true),
        "ItemReader.ReaderConfig.MaxItems" => (1.0, 100_000_000.0, true),
        _ => return None,
    })
}

/// The accepted values of a number field in words, e.g. "a whole number from 1 to
/// 99999999", when `n` is not one of them.
fn out_of_bounds(field: &str, n: f64) -> Option<String> {
    let (min, max, whole) = bounds(field)?;
    if (min..=max).contains(&n) && (!whole || n.fract() == 0.0) {
        return None;
    }
    let kind = if whole { "a whole number" } else { "a number" };
    Some(if max.is_infinite() {
        format!("{kind} of at least {min}")
    } else {
        format!("{kind} from {min} to {max}")
    })
}

/// Each `Condition` node of a Choice state's rules, by address, with the rule's index
/// (the first rule holding it, as a search from the start finds).
fn choice_conditions<'a, 's>(state: &State<'a, 's>) -> HashMap<*const Node<'s>, usize> {
    let mut out = HashMap::new();
    if state.kind != Some(StateType::Choice) {
        return out;
    }
    let rules = state.field("Choices").and_then(|m| m.value.as_array());
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        if let Some(c) = rule.get("Condition") {
            out.entry(std::ptr::from_ref(c)).or_insert(i);
        }
    }
    out
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        if !matches!(
            state.kind,
            Some(
                StateType::Wait
                    | StateType::Task
                    | StateType::Map
                    | StateType::Fail
                    | StateType::Choice
            )
        ) {
            continue;
        }
        let conditions = choice_conditions(state);
        for e in state_expressions(state) {
            let Ok(tree) = &e.parsed.result else { continue };
            let Some((field, want)) = typed_field(state, &e, &conditions) else {
                continue;
            };
            if want == ValueType::Number
                && let Some(n) = constant_number(tree)
            {
                if let Some(wanted) = out_of_bounds(&field, n) {
                    let d = sink.report(
                        source_range(ctx.source, &e, tree.span),
                        format!(
                            "{field} of \"{}\" gives {n}, but it must give {wanted}",
                            state.name
                        ),
                    );
                    d.help = Some(format!(
                        "Step Functions deploys this, then fails the state each time it evaluates the field; write {wanted}"
                    ));
                }
                continue;
            }
            let Some(got) = result_type(tree, &bound_names(tree)) else {
                continue;
            };
            if accepts(want, got) {
                continue;
            }
            let d = sink.report(
                source_range(ctx.source, &e, tree.span),
                format!(
                    "{field} of \"{}\" gives {}, but it must give {}",
                    state.name,
                    got.described(),
                    want.described()
                ),
            );
            d.help = Some(format!(
                "Step Functions fails the state with States.QueryEvaluationError when '{}' is not {}",
                field.split(" of ").next().unwrap_or(&field),
                want.described()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{located_fixes, located_messages};
    use crate::syntax::SourceKind;

    /// (text at the range, message) of ASL610 on a JSONata machine with these states.
    fn run(states: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{{states}, "Z": {{"Type": "Succeed"}}}}}}"#
        );
        located_fixes(&text, SourceKind::Json, "ASL610")
            .into_iter()
            .map(|(at, message, _)| (at, message))
            .collect()
    }

    #[test]
    fn conditions_must_give_booleans() {
        assert_eq!(
            run(r#""A": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.n > 1 %}", "Next": "Z"},
                {"Condition": "{% $states.input.n + 1 %}", "Next": "Z"},
                {"Condition": "{%'yes'%}", "Next": "Z"},
                {"Condition": "{% $exists($states.input.n) %}", "Next": "Z"},
                {"Condition": "{% $states.input.flag %}", "Next": "Z"}], "Default": "Z"}"#),
            [
                (
                    "$states.input.n + 1".into(),
                    "Condition of rule 2 of \"A\" gives a number, but it must give a boolean"
                        .into()
                ),
                (
                    "'yes'".into(),
                    "Condition of rule 3 of \"A\" gives a string, but it must give a boolean"
                        .into()
                ),
            ]
        );
    }

    #[test]
    fn numbers_arrays_and_strings() {
        let found = run(
            r#""A": {"Type": "Wait", "Seconds": "{% $states.input.wait > 0 %}", "Next": "B"},
            "B": {"Type": "Wait", "Seconds": "{% $states.input.wait * 60 %}", "Next": "C"},
            "C": {"Type": "Wait", "Timestamp": "{% $now() %}", "Next": "D"},
            "D": {"Type": "Map", "Items": "{% $count($states.input.xs) %}", "MaxConcurrency": "{% [2] %}",
              "ToleratedFailureCount": "{% $string(2) %}",
              "ItemBatcher": {"MaxItemsPerBatch": "{% true %}"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "E"},
            "E": {"Type": "Map", "Items": "{% $split($states.input.csv, ',') %}",
              "ItemProcessor": {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}, "Next": "F"},
            "F": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": "{% {'s': 5} %}",
              "Arguments": {"QueueUrl": "q", "MessageBody": "{% 1 + 1 %}"}, "Next": "G"},
            "G": {"Type": "Fail", "Error": "{% 42 %}", "Cause": "{% 'no ' & $states.input.why %}"}"#,
        );
        let fields: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            fields,
            [
                "Seconds of \"A\" gives a boolean, but it must give a number",
                "Items of \"D\" gives a number, but it must give an array",
                "MaxConcurrency of \"D\" gives an array, but it must give a number",
                "ItemBatcher.MaxItemsPerBatch of \"D\" gives a boolean, but it must give a number",
                "TimeoutSeconds of \"F\" gives an object, but it must give a number",
                "Error of \"G\" gives a number, but it must give a string",
            ]
        );
        assert_eq!(found[0].0, "$states.input.wait > 0");
    }

    #[test]
    fn constant_numbers_out_of_bounds() {
        let found = run(
            r#""A": {"Type": "Wait", "Seconds": "{% -3 %}", "Next": "B"},
            "B": {"Type": "Wait", "Seconds": "{% 60 * 5 %}", "Next": "C"},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "Arguments": {"QueueUrl": "q", "MessageBody": "m"},
              "TimeoutSeconds": "{% 1.5 %}", "HeartbeatSeconds": "{%(0)%}", "Next": "D"},
            "D": {"Type": "Map", "Items": "{% [1] %}", "MaxConcurrency": "{% -1 %}",
              "ToleratedFailurePercentage": "{% 12.5 %}", "ToleratedFailureCount": "{% 1 / 0 %}",
              "ItemBatcher": {"MaxInputBytesPerBatch": "{% 300000 %}"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "Z"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "-3".into(),
                    "Seconds of \"A\" gives -3, but it must give a whole number from 0 to 99999999"
                        .into()
                ),
                (
                    "1.5".into(),
                    "TimeoutSeconds of \"C\" gives 1.5, but it must give a whole number from 1 to 99999999".into()
                ),
                (
                    "(0)".into(),
                    "HeartbeatSeconds of \"C\" gives 0, but it must give a whole number from 1 to 99999999".into()
                ),
                (
                    "-1".into(),
                    "MaxConcurrency of \"D\" gives -1, but it must give a whole number of at least 0"
                        .into()
                ),
                (
                    "300000".into(),
                    "ItemBatcher.MaxInputBytesPerBatch of \"D\" gives 300000, but it must give a whole number from 1 to 262144".into()
                ),
            ]
        );
    }

    #[test]
    fn jsonpath_states_and_untyped_fields_are_not_checked() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 5, "Next": "B"},
            "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 + 1 %}", "End": true}}}"#;
        assert!(located_messages(text, "ASL610").is_empty());
    }
}
