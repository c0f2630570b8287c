use crate::diagnostics::{Applicability, Fix};
use crate::model::StateType;
use crate::rules::paths::{jsonpath_states, template_members};
use crate::rules::{LintContext, Sink, declare_rule, plain_key};

declare_rule! {
    /// ## What it does
    /// Reports keys ending in `.$` inside a Pass state's `Result`. This is AWS's
    /// `PASS_RESULT_IS_STATIC` warning.
    ///
    /// ## Why is this bad?
    /// `Result` is static: its `.$` keys are not evaluated, the output holds the key
    /// `"x.$"` and the path text. Use `Parameters` to build values from the input.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"id.$": "$.id"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Renames `Result` to `Parameters` when the state has no `Parameters` (unsafe: the
    /// output then comes from the input, which is what the `.$` keys ask for).
    pub static RULE = {
        code: "ASL306",
        name: "pass-result-is-static",
        severity: Warning,
        aws_code: Some("PASS_RESULT_IS_STATIC"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonpath_states(machine) {
        if state.kind != Some(StateType::Pass) {
            continue;
        }
        let Some(result) = state.field("Result") else {
            continue;
        };
        // Only when every `.$` value would then be read without an error.
        let all_valid = template_members(&result.value)
            .into_iter()
            .filter(|m| m.key.ends_with(".$"))
            .all(|m| {
                m.value
                    .as_str()
                    .is_some_and(|v| crate::expr::parse_dollar_value(v).is_ok())
            });
        let rename = plain_key(ctx.source, result.key_range)
            .filter(|_| all_valid && state.field("Parameters").is_none())
            .map(|name| {
                Fix::replace(
                    "Rename Result to Parameters",
                    Applicability::Unsafe,
                    name,
                    "Parameters",
                )
            });
        for m in template_members(&result.value) {
            if m.key.ends_with(".$") {
                let d = sink.report(
                    m.key_range,
                    format!(
                        "\"{}\" in the Result of \"{}\" is not evaluated: Result is static",
                        m.key, state.name
                    ),
                );
                d.help = Some("move it to Parameters to evaluate the path".into());
                d.fixes.extend(rename.clone());
            }
        }
    }
}
