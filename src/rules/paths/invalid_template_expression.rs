use crate::expr::intrinsic::ValueType;
use crate::expr::{DollarValue, ExprError, parse_dollar_value};
use crate::model::StateType;
use crate::rules::paths::{
    is_deploy_time, jsonpath_states, payload_templates, report_in_string, template_members,
};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::Node;
use rustc_hash::FxHashSet;

declare_rule! {
    /// ## What it does
    /// Parses the value of every `.$` key in the payload templates of JSONPath states
    /// (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, `Credentials`, ItemReader
    /// and ResultWriter `Parameters`) and Fail's `ErrorPath`/`CausePath`: each must be a
    /// path or an intrinsic function call with known name, right arity and argument types
    /// (`States.Format`, `States.MathAdd`, ... `States.UUID`). `ErrorPath` and `CausePath`
    /// intrinsics must return a string. Errors point at the character.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition, or the state fails at run time with
    /// `States.Runtime`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a)"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, 1)"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A misspelled function name becomes the function meant: safe when only the case
    /// differs (`States.format`), unsafe otherwise (`States.Fromat`). A hash algorithm
    /// written without its dash (`'SHA256'`) becomes `'SHA-256'` (unsafe).
    pub static RULE = {
        code: "ASL302",
        name: "invalid-template-expression",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check_value(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    node: &Node<'_>,
    field: &str,
    state: &str,
    needs_string: bool,
) -> bool {
    let Some(text) = node.as_str() else {
        if !node.is_unknown() {
            sink.report(
                node.range,
                format!(
                    "'{field}' in \"{state}\" must be a string holding a path or an intrinsic function, not {}",
                    node.kind_name()
                ),
            );
        }
        return false;
    };
    if is_deploy_time(text) {
        return false;
    }
    match parse_dollar_value(text) {
        Err(errors) => {
            for e in errors {
                report_in_string(
                    ctx.source,
                    sink,
                    node,
                    &e,
                    format!("'{field}' in \"{state}\": {}", e.message),
                );
            }
            false
        }
        Ok(DollarValue::Intrinsic(call)) if needs_string => {
            if let Some(f) = call.function
                && !matches!(f.returns(), ValueType::String | ValueType::Any)
            {
                let e = ExprError::new(call.name_span, "");
                report_in_string(
                    ctx.source,
                    sink,
                    node,
                    &e,
                    format!(
                        "'{field}' in \"{state}\" must give a string, but {} does not return one",
                        f.name()
                    ),
                );
                return false;
            }
            true
        }
        Ok(_) => true,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    // Template values recur (`$.Payload`, the same `States.Format(...)` in every
    // state): a text that was valid once is not parsed again.
    let mut valid: FxHashSet<&str> = FxHashSet::default();
    for state in jsonpath_states(machine) {
        for (_, template) in payload_templates(state) {
            for m in template_members(template) {
                if !m.key.ends_with(".$") {
                    continue;
                }
                if let Some(text) = m.value.as_str() {
                    if valid.contains(text) {
                        continue;
                    }
                    if check_value(ctx, sink, &m.value, &m.key, state.name, false) {
                        valid.insert(text);
                    }
                } else {
                    check_value(ctx, sink, &m.value, &m.key, state.name, false);
                }
            }
        }
        if state.kind == Some(StateType::Fail) {
            for key in ["ErrorPath", "CausePath"] {
                if let Some(m) = state.field(key) {
                    check_value(ctx, sink, &m.value, key, state.name, true);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(state: &str) -> Vec<(String, String)> {
        let text = format!(r#"{{"StartAt": "A", "States": {{"A": {state}}}}}"#);
        let opts = LintOptions {
            select: vec!["ASL302".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn arity_unknown_functions_and_fail_paths() {
        assert_eq!(
            run(
                r#"{"Type": "Pass", "Parameters": {"x": {"s.$": "States.MathAdd($.a)"}}, "End": true}"#
            ),
            vec![(
                "States.MathAdd($.a)".to_string(),
                "'s.$' in \"A\": `States.MathAdd` takes 2 arguments but 1 was given".to_string()
            )]
        );
        assert_eq!(
            run(
                r#"{"Type": "Pass", "Parameters": {"a.$": "$.x", "b.$": "States.Format('{}', States.UUID())"}, "End": true}"#
            ),
            vec![]
        );
        assert_eq!(
            run(r#"{"Type": "Fail", "CausePath": "States.ArrayLength($.a)"}"#),
            vec![("States.ArrayLength".to_string(), "'CausePath' in \"A\" must give a string, but States.ArrayLength does not return one".to_string())]
        );
        assert_eq!(
            run(r#"{"Type": "Pass", "Parameters": {"n.$": 5}, "End": true}"#),
            vec![("5".to_string(), "'n.$' in \"A\" must be a string holding a path or an intrinsic function, not number".to_string())]
        );
    }
}
