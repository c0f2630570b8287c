use rustc_hash::FxHashMap;

use crate::rules::paths::{jsonpath_states, payload_templates};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports a payload template object with both `"x"` and `"x.$"`.
    ///
    /// ## Why is this bad?
    /// Both keys produce the field `x` of the result: the language forbids it and Step
    /// Functions rejects the definition.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id": 1, "id.$": "$.id"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL303",
        name: "duplicate-template-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonpath_states(machine) {
        for (what, template) in payload_templates(state) {
            let mut stack: Vec<(&Node<'_>, usize)> = vec![(template, 0)];
            while let Some((n, depth)) = stack.pop() {
                if depth > 128 || n.is_unknown() {
                    continue;
                }
                match &n.value {
                    Value::Object(members) => {
                        // Field name -> the first key that set it. Template objects
                        // are small: a list is cheaper than hashing every key.
                        let mut seen: Vec<(&str, &str)> = Vec::new();
                        let mut seen_map: FxHashMap<&str, &str> = FxHashMap::default();
                        let large = members.len() > 16;
                        for m in members {
                            let base = m.key.strip_suffix(".$").unwrap_or(&m.key);
                            let found = if large {
                                seen_map.get(base).copied()
                            } else {
                                seen.iter().find(|(b, _)| *b == base).map(|(_, k)| *k)
                            };
                            if let Some(first) = found
                                && first != &*m.key
                            {
                                let d = sink.report(
                                    m.key_range,
                                    format!(
                                        "\"{}\" and \"{first}\" both set the field \"{base}\" in the {what} of \"{}\"",
                                        m.key, state.name
                                    ),
                                );
                                d.help =
                                    Some(format!("keep only one of \"{first}\" and \"{}\"", m.key));
                            } else if found.is_none() {
                                if large {
                                    seen_map.insert(base, &m.key);
                                } else {
                                    seen.push((base, &m.key));
                                }
                            }
                            stack.push((&m.value, depth + 1));
                        }
                    }
                    Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
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

    #[test]
    fn nested_duplicates() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"o": {"b.$": "$.b", "b": 2}}, "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL303".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"b\"");
        assert_eq!(
            d[0].message,
            "\"b\" and \"b.$\" both set the field \"b\" in the Parameters of \"A\""
        );
    }
}
