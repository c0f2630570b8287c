use crate::model::{QueryLanguage, StateType};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Member, Node};

declare_rule! {
    /// ## What it does
    /// Checks the shape of each JSONPath Choice rule, top-level and nested: exactly one
    /// comparison operator (`StringEquals`, `NumericLessThanPath`, `IsPresent`, ...) or one
    /// of `And`, `Or`, `Not`; a comparison needs a `Variable`; `And`, `Or` and `Not` take no
    /// `Variable`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. With two operators in one rule it is not
    /// clear which comparison was meant (write an `And` instead); without a `Variable` there
    /// is nothing to compare.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "NumericLessThan": 9, "Next": "D"}], "Default": "E"}, "D": {"Type": "Succeed"}, "E": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.n", "NumericGreaterThan": 1}, {"Variable": "$.n", "NumericLessThan": 9}], "Next": "D"}], "Default": "E"}, "D": {"Type": "Succeed"}, "E": {"Type": "Fail"}}}
    /// ```
    pub static RULE = {
        code: "ASL118",
        name: "invalid-choice-rule",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

/// Every comparison operator of JSONPath Choice rules.
pub(crate) fn is_comparison(key: &str) -> bool {
    const BASES: &[&str] = &[
        "StringEquals",
        "StringLessThan",
        "StringGreaterThan",
        "StringLessThanEquals",
        "StringGreaterThanEquals",
        "NumericEquals",
        "NumericLessThan",
        "NumericGreaterThan",
        "NumericLessThanEquals",
        "NumericGreaterThanEquals",
        "BooleanEquals",
        "TimestampEquals",
        "TimestampLessThan",
        "TimestampGreaterThan",
        "TimestampLessThanEquals",
        "TimestampGreaterThanEquals",
    ];
    let base = key.strip_suffix("Path").unwrap_or(key);
    BASES.contains(&base)
        || matches!(
            key,
            "StringMatches"
                | "IsNull"
                | "IsPresent"
                | "IsNumeric"
                | "IsString"
                | "IsBoolean"
                | "IsTimestamp"
        )
}

const MAX_DEPTH: usize = 64;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) || state.query_language != QueryLanguage::JsonPath
        {
            continue;
        }
        let mut stack: Vec<(&Node<'_>, usize)> =
            state.choices.iter().map(|r| (r.node, 0)).collect();
        while let Some((rule, depth)) = stack.pop() {
            let Some(members) = rule.as_object() else {
                continue;
            };
            if rule.is_unknown() || depth > MAX_DEPTH {
                continue;
            }
            let ops: Vec<&Member<'_>> = members
                .iter()
                .filter(|m| is_comparison(&m.key) || matches!(&*m.key, "And" | "Or" | "Not"))
                .collect();
            let variable = members.iter().find(|m| m.key == "Variable");
            match ops.as_slice() {
                [] => {
                    let at = variable.map_or(rule.head_range(), |v| v.key_range);
                    sink.report(
                        at,
                        format!(
                            "a Choice rule of \"{}\" has no comparison operator (such as StringEquals) and no And, Or or Not",
                            state.name
                        ),
                    );
                }
                [op] => {
                    let boolean = matches!(&*op.key, "And" | "Or" | "Not");
                    if boolean {
                        if let Some(v) = variable {
                            sink.report(
                                v.key_range,
                                format!("a Choice rule with {} takes no Variable: put the comparisons in its nested rules", op.key),
                            );
                        }
                    } else if variable.is_none() {
                        sink.report(
                            op.key_range,
                            format!(
                                "the comparison {} in a Choice rule of \"{}\" needs a \"Variable\" naming the value to compare",
                                op.key, state.name
                            ),
                        );
                    }
                }
                [first, rest @ ..] => {
                    for extra in rest {
                        sink.report(
                            extra.key_range,
                            format!(
                                "a Choice rule may have only one comparison operator, but this one also has {}",
                                first.key
                            ),
                        )
                        .help = Some("combine several comparisons with \"And\" or \"Or\"".into());
                    }
                }
            }
            for op in ops {
                match (&*op.key, &op.value.value) {
                    ("And" | "Or", crate::syntax::Value::Array(items)) => {
                        stack.extend(items.iter().map(|n| (n, depth + 1)));
                    }
                    ("Not", crate::syntax::Value::Object(_)) => stack.push((&op.value, depth + 1)),
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(rules: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{rules}], "Default": "D"}}, "D": {{"Type": "Succeed"}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL118".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn operators_and_variables() {
        assert_eq!(
            run(r#"{"Variable": "$.a", "Next": "D"}"#),
            vec![("\"Variable\"".to_string(), "a Choice rule of \"C\" has no comparison operator (such as StringEquals) and no And, Or or Not".to_string())]
        );
        assert_eq!(
            run(r#"{"StringEquals": "x", "Next": "D"}"#),
            vec![("\"StringEquals\"".to_string(), "the comparison StringEquals in a Choice rule of \"C\" needs a \"Variable\" naming the value to compare".to_string())]
        );
        assert_eq!(
            run(r#"{"Not": {"Variable": "$.a", "IsNull": true, "IsPresent": true}, "Next": "D"}"#),
            vec![(
                "\"IsPresent\"".to_string(),
                "a Choice rule may have only one comparison operator, but this one also has IsNull"
                    .to_string()
            )]
        );
        assert_eq!(
            run(
                r#"{"And": [{"Variable": "$.a", "IsPresent": true}], "Variable": "$.b", "Next": "D"}"#
            ),
            vec![(
                "\"Variable\"".to_string(),
                "a Choice rule with And takes no Variable: put the comparisons in its nested rules"
                    .to_string()
            )]
        );
        assert_eq!(
            run(r#"{"Variable": "$.a", "StringMatches": "a*", "Next": "D"}"#),
            vec![]
        );
    }
}
