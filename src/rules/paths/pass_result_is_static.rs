use crate::model::StateType;
use crate::rules::paths::{jsonpath_states, template_members};
use crate::rules::{LintContext, Sink, declare_rule};

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
    pub static RULE = {
        code: "ASL306",
        name: "pass-result-is-static",
        severity: Warning,
        aws_code: Some("PASS_RESULT_IS_STATIC"),
        fix: None,
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
        for m in template_members(&result.value) {
            if m.key.ends_with(".$") {
                sink.report(
                    m.key_range,
                    format!(
                        "\"{}\" in the Result of \"{}\" is not evaluated: Result is static",
                        m.key, state.name
                    ),
                )
                .help = Some("move it to Parameters to evaluate the path".into());
            }
        }
    }
}
