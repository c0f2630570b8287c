use crate::diagnostics::Label;
use crate::model::{QueryLanguage, StateType};
use crate::rules::paths::{next_state, reads_under, result_location};
use crate::rules::{LintContext, Sink, declare_rule, has_unknown};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a state that reads a field that the Pass state before it cannot have
    /// produced: the Pass state's `Result` is a fixed value, placed at its `ResultPath`
    /// (`$` when absent, replacing the whole input), and the next state reads a path
    /// under that place that the value does not have. Pass states with `Parameters` or
    /// an `OutputPath` are not judged. JSONPath states only, and only the reads the next
    /// state surely makes (see ASL506).
    ///
    /// ## Why is this bad?
    /// The path matches nothing and the next state fails with `States.Runtime`. It
    /// happens when a Pass state that stood in for a Task keeps a `Result` of another
    /// shape, or when a `Result` without a `ResultPath` replaces an input whose fields
    /// later states still expect.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Default plan", "States": {
    ///   "Default plan": {"Type": "Pass", "Result": {"plan": "basic"}, "Next": "Send welcome"},
    ///   "Send welcome": {"Type": "Pass", "Parameters": {"email.$": "$.email", "plan.$": "$.plan"}, "End": true}}}
    /// ```
    ///
    /// Use instead (keep the input, add the result beside it):
    /// ```json
    /// {"StartAt": "Default plan", "States": {
    ///   "Default plan": {"Type": "Pass", "Result": {"plan": "basic"}, "ResultPath": "$.defaults", "Next": "Send welcome"},
    ///   "Send welcome": {"Type": "Pass", "Parameters": {"email.$": "$.email", "plan.$": "$.defaults.plan"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL309",
        name: "static-result-field-missing",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Pass)
            || state.query_language != QueryLanguage::JsonPath
            || state.field("Parameters").is_some()
        {
            continue;
        }
        let Some(result) = state.field("Result") else {
            continue;
        };
        if has_unknown(&result.value) {
            continue;
        }
        let Some(at) = result_location(state) else {
            continue;
        };
        let Some(target) =
            next_state(machine, state).filter(|t| t.query_language == QueryLanguage::JsonPath)
        else {
            continue;
        };
        let found = reads_under(target, &at)
            .into_iter()
            .find_map(|(range, path, rest)| {
                Some((range, path, missing_name(&result.value, &rest)?))
            });
        let Some((range, path, missing)) = found else {
            continue;
        };
        let place = if at.is_empty() {
            "as its whole output".to_string()
        } else {
            format!("at $.{}", at.join("."))
        };
        let d = sink.report(
            range,
            format!(
                "\"{}\" reads \"{path}\", but \"{}\" puts its fixed Result {place}, which has no field \"{missing}\"",
                target.name, state.name
            ),
        );
        d.labels.push(Label {
            range: result.value.range,
            message: "the value placed there".into(),
        });
        d.help = Some(if at.is_empty() {
            format!(
                "give \"{}\" a ResultPath (e.g. \"$.result\") to keep its input, or add the field to its Result",
                state.name
            )
        } else {
            "add the field to the Result, or read a field it has".to_string()
        });
    }
}

/// The first of `names` that is missing when they are followed from `value`; `None`
/// when the whole path exists.
fn missing_name<'n>(value: &Node<'_>, names: &[&'n str]) -> Option<&'n str> {
    let mut at = value;
    for &name in names {
        at = match at.as_object() {
            Some(_) => match at.get(name) {
                Some(next) => next,
                None => return Some(name),
            },
            None => return Some(name),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(pass: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Result": {{"plan": {{"name": "basic"}}}}{pass}, "Next": "N"}}, "N": {{"Type": "Pass", "Parameters": {{"x.$": "{read}"}}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL309")
    }

    #[test]
    fn reads_the_fixed_result_does_not_have() {
        assert_eq!(
            run("", "$.email"),
            [
                "\"$.email\": \"N\" reads \"$.email\", but \"P\" puts its fixed Result as its whole output, which has no field \"email\""
            ]
        );
        assert_eq!(
            run(r#", "ResultPath": "$.defaults""#, "$.defaults.plan.tier"),
            [
                "\"$.defaults.plan.tier\": \"N\" reads \"$.defaults.plan.tier\", but \"P\" puts its fixed Result at $.defaults, which has no field \"tier\""
            ]
        );
    }

    #[test]
    fn fields_it_has_or_other_places_pass() {
        assert!(run("", "$.plan.name").is_empty());
        assert!(run("", "$").is_empty());
        assert!(run(r#", "ResultPath": "$.defaults""#, "$.email").is_empty());
        assert!(run(r#", "ResultPath": null"#, "$.email").is_empty());
        assert!(run(r#", "OutputPath": "$.plan""#, "$.email").is_empty());
        assert!(run("", "$.plan[0]").is_empty());
    }
}
