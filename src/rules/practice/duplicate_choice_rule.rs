use crate::diagnostics::Label;
use crate::model::StateType;
use crate::rules::{LintContext, Sink, char_at, declare_rule, has_unknown};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a Choice rule whose condition is the same as that of an earlier rule of
    /// the same Choice state: the same comparison (or `Condition`) on the same variable
    /// with the same value, written in any key order. `Next`, `Comment`, `Assign` and
    /// `Output` are not part of the condition.
    ///
    /// ## Why is this bad?
    /// Rules are tried in order and the first that matches wins, so the later rule can
    /// never match: its `Next` is reached by no input. It is usually a copied rule whose
    /// value or variable was not changed, and the case it was meant for goes elsewhere.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Route", "States": {"Route": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.priority", "StringEquals": "high", "Next": "Escalate"},
    ///   {"Variable": "$.priority", "StringEquals": "high", "Next": "Assign"}],
    ///   "Default": "Assign"},
    ///   "Escalate": {"Type": "Succeed"}, "Assign": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Route", "States": {"Route": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.priority", "StringEquals": "high", "Next": "Escalate"},
    ///   {"Variable": "$.priority", "StringEquals": "low", "Next": "Assign"}],
    ///   "Default": "Assign"},
    ///   "Escalate": {"Type": "Succeed"}, "Assign": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL706",
        name: "duplicate-choice-rule",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// Keys of a Choice rule that are not part of its condition.
const NOT_CONDITION: &[&str] = &["Next", "Comment", "Assign", "Output"];

/// The condition of a rule as a JSON value (key order does not count), or `None` when
/// part of it is only known at deploy time or the rule is not an object.
pub(crate) fn condition(rule: &Node<'_>) -> Option<serde_json::Value> {
    let members = rule.as_object()?;
    let mut map = serde_json::Map::new();
    for m in members {
        if NOT_CONDITION.contains(&&*m.key) {
            continue;
        }
        if has_unknown(&m.value) {
            return None;
        }
        map.insert(m.key.to_string(), m.value.to_json());
    }
    (!map.is_empty()).then_some(serde_json::Value::Object(map))
}

/// `value` as compact JSON with the keys of every object sorted: equal for values that
/// are equal as JSON (object key order aside), different otherwise.
fn sorted_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), sorted_text(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        serde_json::Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(sorted_text).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) || state.choices.len() < 2 {
            continue;
        }
        // Each condition written with its keys sorted, to the first rule that has it:
        // one lookup per rule (a Choice of thousands of rules was compared pairwise).
        let mut first = rustc_hash::FxHashMap::<String, usize>::default();
        for (j, rule) in state.choices.iter().enumerate() {
            let Some(key) = condition(rule.node).map(|c| sorted_text(&c)) else {
                continue;
            };
            let i = *first.entry(key).or_insert(j);
            if i == j {
                continue;
            }
            let d = sink.report(
                char_at(ctx.source, state.choices[j].node.range.start),
                format!(
                    "Choices[{j}] of \"{}\" has the same condition as Choices[{i}]: the earlier rule always matches first, so this one never does",
                    state.name
                ),
            );
            d.labels.push(Label {
                range: char_at(ctx.source, state.choices[i].node.range.start),
                message: format!("Choices[{i}] has the same condition"),
            });
            d.help = Some(
                "change the variable, operator or value this rule was meant to test, or remove it"
                    .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    /// (the text from the reported position to the end of its rule object, message).
    fn run(choices: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{choices}], "Default": "E"}}, "E": {{"Type": "Succeed"}}, "F": {{"Type": "Succeed"}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL706".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| {
                let from = &text[d.range.start as usize..];
                (from[..=from.find('}').unwrap()].to_string(), d.message)
            })
            .collect()
    }

    #[test]
    fn same_condition_in_any_key_order() {
        let out = run(
            r#"{"Variable": "$.a", "NumericEquals": 1, "Next": "E"}, {"NumericEquals": 1, "Variable": "$.a", "Next": "F", "Comment": "copy"}"#,
        );
        assert_eq!(
            out,
            vec![(
                r#"{"NumericEquals": 1, "Variable": "$.a", "Next": "F", "Comment": "copy"}"#.to_string(),
                "Choices[1] of \"C\" has the same condition as Choices[0]: the earlier rule always matches first, so this one never does".to_string()
            )]
        );
    }

    #[test]
    fn different_conditions_pass() {
        assert_eq!(
            run(
                r#"{"Variable": "$.a", "NumericEquals": 1, "Next": "E"}, {"Variable": "$.a", "NumericEquals": 2, "Next": "F"}, {"Variable": "$.b", "NumericEquals": 1, "Next": "F"}, {"Variable": "$.a", "NumericGreaterThanEquals": 1, "Next": "F"}"#
            ),
            vec![]
        );
        // Deploy-time values may differ once filled in.
        assert_eq!(
            run(
                r#"{"Variable": "$.a", "StringEquals": "${One}", "Next": "E"}, {"Variable": "$.a", "StringEquals": "${One}", "Next": "F"}"#
            ),
            vec![]
        );
    }

    #[test]
    fn nested_and_jsonata_conditions() {
        assert_eq!(
            run(
                r#"{"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "BooleanEquals": true}], "Next": "E"}, {"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "BooleanEquals": true}], "Next": "F"}"#
            )
            .len(),
            1
        );
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "E"}, {"Condition": "{% $states.input.n > 1 %}", "Output": {"x": 1}, "Next": "E"}], "Default": "E"}, "E": {"Type": "Succeed"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL706".into()],
            ..Default::default()
        };
        assert_eq!(lint_text(text, SourceKind::Json, &opts).len(), 1);
    }
}
