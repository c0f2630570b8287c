use crate::diagnostics::{Applicability, Fix};
use crate::model::{State, StateType};
use crate::rules::jsonata::{effective_input, jsonata_states};
use crate::rules::resources::foreign_path_ranges;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports a string in the data of a JSONata state that is one whole JSONPath
    /// (`"$.order.id"`, `"$$.Execution.Id"`, `"$['order-id']"`), which JSONata states
    /// send as text.
    ///
    /// The strings checked are those at any depth of the state's `Arguments`,
    /// `ItemSelector`, `Output` and `Assign`, and of the `Output` and `Assign` of its
    /// catchers and Choice rules. A string counts when it has no spaces and parses as a
    /// path that begins with a field name, an index or `$$.`: a variable (`$total`), a
    /// lone `$` and prices (`$.99`) are text. The value of a `.$` key is left to ASL609,
    /// which reports the key. So are the paths another service reads from its own
    /// event, in the request of an AWS SDK call that sets up EventBridge rule targets
    /// (`eventbridge:putTargets`) or a pipe (`pipes:createPipe`/`updatePipe`).
    ///
    /// ## Why is this bad?
    /// A JSONata state evaluates only strings written as `{% ... %}`; every other
    /// string is a literal. A path left over from a JSONPath definition (or pasted from
    /// a JSONPath example) deploys and runs, but the service, the next state or the
    /// variable gets the text `"$.Body.content[0].text"` instead of the value it names,
    /// and nothing fails where the mistake is.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Notify", "States": {"Notify": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///   "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:orders",
    ///     "Message": "$.order.summary"},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Notify", "States": {"Notify": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///   "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:orders",
    ///     "Message": "{% $states.input.order.summary %}"},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Writes the path as the JSONata expression that reads the same value, when there
    /// is one and what `$` stood for is plain (unsafe: the value sent changes, to what
    /// was meant): in `Arguments` and `ItemSelector`, and in the `Output` and `Assign`
    /// of a state without a result (Pass, Choice, Wait), `$` is the state's input
    /// (`"$.a.b"` becomes `"{% $states.input.a.b %}"`); `$$.` is the context object
    /// (`$states.context.`) anywhere. A `$` in the `Output` or `Assign` of a Task, Map
    /// or Parallel may have meant the result or the input, so it is not rewritten.
    pub static RULE = {
        code: "ASL614",
        name: "jsonpath-in-jsonata",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// Fields whose `$` meant the state's input in JSONPath.
const INPUT_FIELDS: &[&str] = &["Arguments", "ItemSelector"];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        // (field, value, what `$` stood for when it is plain)
        let mut data: Vec<(&str, &Node<'_>, Option<String>)> = Vec::new();
        for m in state.members() {
            match &*m.key {
                key if INPUT_FIELDS.contains(&key) => {
                    data.push((key, &m.value, effective_input(state.node)));
                }
                key @ ("Output" | "Assign") => {
                    data.push((key, &m.value, without_result(state).then(input)));
                }
                _ => {}
            }
        }
        for node in state.catchers.iter().map(|c| c.node) {
            for key in ["Output", "Assign"] {
                if let Some(value) = node.get(key) {
                    data.push((key, value, None));
                }
            }
        }
        for node in state.choices.iter().map(|r| r.node) {
            for key in ["Output", "Assign"] {
                if let Some(value) = node.get(key) {
                    data.push((key, value, Some(input())));
                }
            }
        }
        // Paths another service reads from its own event are text here too.
        let foreign = foreign_path_ranges(state);
        for (field, value, root) in data {
            for node in path_strings(value) {
                if foreign.iter().any(|r| r.contains(node.range.start)) {
                    continue;
                }
                let Some(text) = node.as_str() else { continue };
                let d = sink.report(
                    node.range,
                    format!(
                        "the JSONata state \"{}\" does not evaluate JSONPath: its {field} holds the text \"{text}\", not the value at that path",
                        state.name
                    ),
                );
                // `$$.` is the context object whatever `$` stood for.
                let root = root
                    .clone()
                    .or_else(|| text.starts_with("$$").then(|| "$states.input".to_string()));
                let expression = root.and_then(|root| {
                    crate::expr::parse_dollar_value(text)
                        .ok()?
                        .to_jsonata_from(&root)
                });
                d.help = Some(match &expression {
                    Some(e) => format!("write it as a JSONata expression: \"{{% {e} %}}\""),
                    None => "write it as a JSONata expression, `{% ... %}`, reading $states.input or $states.result".to_string(),
                });
                if let Some(e) = expression
                    && let Some(fix) = conversion(ctx.source, node, &e)
                {
                    d.fixes.push(fix);
                }
            }
        }
    }
}

fn input() -> String {
    "$states.input".to_string()
}

/// A state with no result, whose `$` in `Output` and `Assign` can only be its input.
fn without_result(state: &State<'_, '_>) -> bool {
    matches!(
        state.kind,
        Some(StateType::Pass | StateType::Choice | StateType::Wait)
    )
}

/// Writes `expression` as the value of `node`, when the string is on one line.
fn conversion(source: &str, node: &Node<'_>, expression: &str) -> Option<Fix> {
    if source.get(node.range.as_usize())?.contains('\n') {
        return None;
    }
    let value = format!("{{% {expression} %}}");
    Some(Fix::replace(
        format!("Convert to \"{value}\""),
        Applicability::Unsafe,
        node.range,
        serde_json::to_string(&value).ok()?,
    ))
}

/// The strings anywhere in `value` that are one whole JSONPath, in document order;
/// not the values of `.$` keys (ASL609's).
fn path_strings<'a, 's>(value: &'a Node<'s>) -> Vec<&'a Node<'s>> {
    let mut out = Vec::new();
    let mut stack = vec![(value, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > 128 {
            continue;
        }
        match &n.value {
            Value::String(s) if is_whole_path(s) => out.push(n),
            Value::Object(members) => stack.extend(
                members
                    .iter()
                    .filter(|m| !m.key.ends_with(".$"))
                    .map(|m| (&m.value, depth + 1)),
            ),
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    out.sort_by_key(|n| n.range.start);
    out
}

/// `$.name...`, `$['name']...`, `$[0]...` or `$$.name...`, without spaces, that parses
/// as a path.
fn is_whole_path(s: &str) -> bool {
    let rest = s.strip_prefix("$$").unwrap_or(s);
    let starts = match rest.as_bytes() {
        [b'$', b'.', c, ..] if !s.starts_with("$$") => c.is_ascii_alphabetic() || *c == b'_',
        [b'$', b'[', ..] if !s.starts_with("$$") => true,
        [b'.', c, ..] if s.starts_with("$$") => c.is_ascii_alphabetic(),
        _ => false,
    };
    starts
        && !s.chars().any(char::is_whitespace)
        && matches!(
            crate::expr::parse_dollar_value(s),
            Ok(crate::expr::DollarValue::Path(_))
        )
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;
    use crate::syntax::SourceKind;

    fn task(fields: &str) -> String {
        format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::sns:publish", {fields}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn whole_paths_in_jsonata_data_are_reported() {
        let text = task(
            r#""Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": {"id": "$.order.id", "at": ["$$.Execution.StartTime"]}}, "Output": {"summary": "$.Body.content[0].text"}"#,
        );
        assert_eq!(
            located_messages(&text, "ASL614"),
            [
                "\"$.order.id\": the JSONata state \"T\" does not evaluate JSONPath: its Arguments holds the text \"$.order.id\", not the value at that path",
                "\"$$.Execution.StartTime\": the JSONata state \"T\" does not evaluate JSONPath: its Arguments holds the text \"$$.Execution.StartTime\", not the value at that path",
                "\"$.Body.content[0].text\": the JSONata state \"T\" does not evaluate JSONPath: its Output holds the text \"$.Body.content[0].text\", not the value at that path",
            ]
        );
        let fixes = crate::rules::located_fixes(&text, SourceKind::Json, "ASL614");
        let fixed: Vec<Option<&str>> = fixes.iter().map(|f| f.2.as_deref()).collect();
        assert!(
            fixed[0]
                .unwrap()
                .contains(r#""id": "{% $states.input.order.id %}""#)
        );
        assert!(
            fixed[1]
                .unwrap()
                .contains(r#"["{% $states.context.Execution.StartTime %}"]"#)
        );
        // A Task's Output may have meant its result: no rewrite.
        assert_eq!(fixed[2], None);
    }

    #[test]
    fn text_variables_and_dollar_keys_are_not_paths() {
        for fields in [
            r#""Arguments": {"Message": "$total", "Price": "$.99", "Alone": "$", "Text": "see $.order.id above", "Expr": "{% $states.input.id %}"}"#,
            // The `.$` key is ASL609's.
            r#""Arguments": {"Message.$": "$.order.id"}"#,
        ] {
            assert!(
                located_messages(&task(fields), "ASL614").is_empty(),
                "{fields}"
            );
        }
        // JSONPath states evaluate paths only under `.$` keys, and are not judged.
        let jsonpath = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"id": "$.order.id"}, "End": true}}}"#;
        assert!(located_messages(jsonpath, "ASL614").is_empty());
    }

    #[test]
    fn a_pass_output_reads_the_input() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"orderId": "$.order['id']"}, "End": true}}}"#;
        let fixes = crate::rules::located_fixes(text, SourceKind::Json, "ASL614");
        assert_eq!(fixes.len(), 1);
        assert!(
            fixes[0]
                .2
                .as_deref()
                .unwrap()
                .contains(r#""orderId": "{% $states.input.order.id %}""#)
        );
    }

    /// The paths of an EventBridge rule target are EventBridge's to read: not
    /// reported, while the same path in another call is.
    #[test]
    fn paths_for_eventbridge_are_text() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "U", "States": {"U": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:eventbridge:putTargets", "Arguments": {"Rule": "r", "Targets": [{"Id": "1", "Arn": "arn:aws:sqs:us-east-1:123456789012:q", "InputPath": "$.detail", "InputTransformer": {"InputPathsMap": {"orderId": "$.detail.orderId"}, "InputTemplate": "<orderId>"}}]}, "Next": "P"},
            "P": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:pipes:updatePipe", "Arguments": {"Name": "p", "TargetParameters": {"SqsQueueParameters": {"MessageGroupId": "$.body.id"}}, "Description": "$.body.id"}, "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL614"),
            [
                "\"$.body.id\": the JSONata state \"P\" does not evaluate JSONPath: its Arguments holds the text \"$.body.id\", not the value at that path"
            ]
        );
    }
}
