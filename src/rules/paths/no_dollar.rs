use crate::diagnostics::{Applicability, Fix};
use crate::expr::intrinsic::is_intrinsic;
use crate::expr::jsonpath::Root;
use crate::rules::paths::{
    dollar_paths, jsonpath_states, members_with_siblings, payload_templates,
};
use crate::rules::resources::foreign_path_ranges;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a payload template field whose value looks like a path (`$.x`, `$$.Task.Token`)
    /// or an intrinsic function (`States.Format(...)`) but whose key does not end in `.$`.
    /// This is AWS's `NO_DOLLAR` warning.
    ///
    /// ## Why is this bad?
    /// Without `.$` the value is passed as literal text: the task receives the string
    /// `"$.orderId"` instead of the order id.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id": "$.orderId"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id.$": "$.orderId"}, "End": true}}}
    /// ```
    ///
    /// A value that is not one whole path or intrinsic function (`"$.wait / 1000"`, an
    /// expression for the receiver to evaluate) is not reported, nor is the value of a
    /// key that itself names a path (`Path`, `TargetPath`): it asks for the path as
    /// text (the Cumulus Message Adapter's `ReplaceConfig`, say). Nor are the paths
    /// another service reads from its own event: the request of an AWS SDK call that
    /// sets up EventBridge rule targets (`eventbridge:putTargets`: `InputPath`,
    /// `InputTransformer.InputPathsMap`, dynamic path parameters) or a pipe
    /// (`pipes:createPipe`/`updatePipe`: `TargetParameters`, `EnrichmentParameters`).
    /// A lone `"$"` is reported only under a key that takes a whole document
    /// (`Payload`, `Input`, `Message`, `MessageBody`, `Detail`, `Item`, `Body`,
    /// `RequestBody`, `Data`); elsewhere (`"currency": "$"`) it is text.
    ///
    /// ## Fix
    /// Appends `.$` to the key (unsafe: the literal text may have been intended).
    pub static RULE = {
        code: "ASL304",
        name: "no-dollar",
        severity: Warning,
        aws_code: Some("NO_DOLLAR"),
        fix: Sometimes,
        check: check,
    }
}

/// True when a literal looks like a path or an intrinsic call.
pub(crate) fn looks_like_expression(s: &str) -> bool {
    s == "$"
        || s == "$$"
        || s.starts_with("$.")
        || s.starts_with("$$.")
        || s.starts_with("$[")
        || (s.starts_with("States.") && is_intrinsic(s))
}

/// Keys of service integrations' requests that take a whole JSON document (Lambda's
/// `Payload`, Step Functions' `Input`, SNS's `Message`, SQS's `MessageBody`,
/// EventBridge's `Detail`, DynamoDB's `Item`, an HTTP `Body`, Kinesis' `Data`): there
/// a lone `$` is the state input with `.$` forgotten. Elsewhere it is text.
fn carries_document(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "Payload",
        "Input",
        "Message",
        "MessageBody",
        "Detail",
        "Item",
        "Body",
        "RequestBody",
        "Data",
    ];
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Whether `text` mentions the variable `$name` (not `$name2`, not `$.name`).
fn reads_variable(text: &str, name: &str) -> bool {
    let needle = format!("${name}");
    text.match_indices(&needle).any(|(i, _)| {
        !text[i + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// The names of the variables `text` reads: the roots of the paths it holds (a `$` in
/// an intrinsic function's quoted text is text).
fn variables_read(text: &str) -> impl Iterator<Item = String> {
    dollar_paths(text).into_iter().filter_map(|p| match p.root {
        Root::Variable(name) => Some(name),
        _ => None,
    })
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonpath_states(machine) {
        let foreign = foreign_path_ranges(state);
        for (what, template) in payload_templates(state) {
            for (m, siblings) in members_with_siblings(template) {
                if m.key.ends_with(".$") {
                    continue;
                }
                let Some(text) = m.value.as_str() else {
                    continue;
                };
                // A path another service reads from its own event (an EventBridge
                // target's `InputPathsMap`, a pipe's dynamic path parameter) is text
                // for Step Functions.
                if foreign.iter().any(|r| r.contains(m.value.range.start)) {
                    continue;
                }
                // A lone `$` is a currency sign or a pattern anchor unless the key is
                // one that carries a whole document.
                if text == "$" && !carries_document(&m.key) {
                    continue;
                }
                // Only a whole path or intrinsic: `$.wait / 1000` is an expression for
                // the receiver to read (CDK's EvaluateExpression), not one for Step
                // Functions.
                if !looks_like_expression(text) || crate::expr::parse_dollar_value(text).is_err() {
                    continue;
                }
                // A key that names a path (`Path`, `TargetPath`) asks for one as text: a
                // receiver's configuration (Cumulus' `ReplaceConfig`), not a mistake.
                // (A `$$` path or an intrinsic call there is still meant to be evaluated.)
                if (m.key.ends_with("Path") || m.key.ends_with("path")) && text.starts_with("$.") {
                    continue;
                }
                let d = sink.report(
                    m.key_range,
                    format!(
                        "\"{}\" in the {what} of \"{}\" is passed as the literal text {text:?}: its key does not end in \".$\"",
                        m.key, state.name
                    ),
                );
                d.help = Some(format!("rename the key to \"{}.$\" to evaluate it", m.key));
                // `.$` goes before a closing quote, or after a YAML plain key.
                let last = m.key_range.end.saturating_sub(1);
                let at = match ctx.source.as_bytes().get(last as usize) {
                    Some(b'"' | b'\'') => Some(last),
                    Some(_) if &ctx.source[m.key_range.as_usize()] == m.key.as_ref() => {
                        Some(m.key_range.end)
                    }
                    None | Some(_) => None,
                };
                // Only where the value would then be read: `$.a / 1000` stays text. In
                // an Assign, not when it would read a variable that same Assign sets
                // (visible only from the next state: ASL605 would report the read).
                let reads_sibling = what.ends_with("Assign")
                    && template.as_object().is_some_and(|members| {
                        members.iter().any(|o| {
                            let name = o.key.strip_suffix(".$").unwrap_or(&o.key);
                            reads_variable(text, name)
                        })
                    });
                // Not when the value would read a variable that no way from StartAt
                // assigns before this state: the fix would turn a warning into an error
                // (ASL605).
                let unassigned = ctx.variables().is_some_and(|v| {
                    let entry = &v.analysis.entry[state.id.scope][state.id.index];
                    variables_read(text).any(|name| match v.analysis.index_of(&name) {
                        None => true,
                        Some(i) => entry.as_ref().is_some_and(|e| !e.may.contains(i)),
                    })
                });
                // Not when the object has the `.$` key already (a duplicate key).
                let path_key = format!("{}.$", m.key);
                let taken = siblings.iter().any(|o| o.key == path_key.as_str());
                if let Some(at) = at
                    && !reads_sibling
                    && !unassigned
                    && !taken
                {
                    d.fixes.push(Fix::replace(
                        format!("Rename to \"{}.$\"", m.key),
                        Applicability::Unsafe,
                        TextRange::empty(at),
                        ".$",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::apply_edits;
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
        let opts = LintOptions {
            select: vec!["ASL304".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
    }

    #[test]
    fn path_and_intrinsic_literals() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a": "$.x", "b": "States.UUID()", "c": "$5 off", "d.$": "$.y"}, "End": true}}}"#;
        let d = findings(text);
        let keys: Vec<&str> = d.iter().map(|d| &text[d.range.as_usize()]).collect();
        assert_eq!(keys, vec!["\"a\"", "\"b\""]);
        let (fixed, _) = apply_edits(text, &d[0].fixes[0].edits);
        assert!(fixed.contains(r#""a.$": "$.x""#), "{fixed}");
    }

    /// An expression for the receiver (CDK's EvaluateExpression) is not a path, and a
    /// key naming a path (Cumulus' `ReplaceConfig`) asks for the text: not reported.
    #[test]
    fn receivers_expressions_and_path_keys() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"expression": "$.waitMilliseconds / 1000", "ReplaceConfig": {"Path": "$.payload", "TargetPath": "$.payload"}, "Cluster": "$.Items[0].cluster", "TokenPath": "$$.Task.Token"}, "End": true}}}"#;
        let d = findings(text);
        let found: Vec<(&str, usize)> = d
            .iter()
            .map(|d| (&text[d.range.as_usize()], d.fixes.len()))
            .collect();
        assert_eq!(found, [("\"Cluster\"", 1), ("\"TokenPath\"", 1)]);
    }

    /// A field the state's type does not take is refused (ASL110) and never evaluated:
    /// what is inside it is not judged again (nor by ASL307).
    #[test]
    fn fields_the_state_type_does_not_take_are_left_to_asl110() {
        let text = r#"{"StartAt": "p", "States": {"p": {"Type": "Pass", "ResultSelector": {"a": "$.foo", "b.$": "$$.z"}, "Parameters": {"c": "$.bar"}, "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL110".into(), "ASL304".into(), "ASL307".into()],
            ..Default::default()
        };
        let found: Vec<(&str, &str)> = lint_text(text, SourceKind::Json, &opts)
            .iter()
            .map(|d| (d.code, &text[d.range.as_usize()]))
            .collect();
        assert_eq!(
            found,
            [("ASL110", "\"ResultSelector\""), ("ASL304", "\"c\"")]
        );
    }

    /// A value that would read a variable no state assigns: reported, but no fix (it
    /// would turn the warning into ASL605's error).
    #[test]
    fn no_fix_that_would_read_an_unassigned_variable() {
        let text = r#"{"StartAt": "S", "States": {"S": {"Type": "Pass", "Assign": {"n": 1}, "Next": "T"}, "T": {"Type": "Pass", "Parameters": {"a": "States.Format('x {}', $nope)", "b": "States.Format('x {}', $n)"}, "End": true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].fixes.is_empty(), "{:?}", d[0].fixes);
        assert_eq!(d[1].fixes.len(), 1);
        // Assigned only by a later state: no way assigns it before the read.
        let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Pass", "Parameters": {"a": "States.Format('x {}', $later)"}, "Next": "U"}, "U": {"Type": "Pass", "Assign": {"later": 1}, "End": true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].fixes.is_empty(), "{:?}", d[0].fixes);
        // A `$` in quoted text reads nothing.
        let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Pass", "Parameters": {"a": "States.Format('costs $usd {}', $.x)"}, "End": true}}}"#;
        assert_eq!(findings(text)[0].fixes.len(), 1);
    }

    /// In an Assign, evaluating the value would read a variable the same Assign sets,
    /// which the state cannot see yet: reported, but no fix.
    #[test]
    fn no_fix_that_would_read_a_sibling_assignment() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"n": 1, "label": "States.Format('{}', $n)", "id": "States.Format('{}', $.id)"}, "End": true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2);
        assert!(d[0].fixes.is_empty(), "{:?}", d[0].fixes);
        assert_eq!(d[1].fixes.len(), 1);
    }

    /// With `Message.$` beside it, renaming `Message` would make a duplicate key.
    #[test]
    fn no_fix_onto_a_key_the_object_has() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"Message": "$.m", "Message.$": "$.n", "inner": {"Message": "$.m"}}, "End": true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2);
        assert!(d[0].fixes.is_empty(), "{:?}", d[0].fixes);
        assert_eq!(d[1].fixes.len(), 1, "another object's keys do not count");
    }

    /// EventBridge reads the paths of a rule target (`InputPath`, `InputPathsMap`,
    /// dynamic path parameters) and of a pipe's target and enrichment parameters from
    /// its own event: text for Step Functions, not reported. The same paths in
    /// another call are.
    #[test]
    fn paths_for_eventbridge_are_text() {
        let text = r#"{"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:pipes:createPipe", "Parameters": {"Name": "p", "Description": "$.x",
                "TargetParameters": {"SqsQueueParameters": {"MessageGroupId": "$.body.customerId"}},
                "EnrichmentParameters": {"HttpParameters": {"PathParameterValues": ["$.body.id"]}}}, "Next": "U"},
            "U": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:eventbridge:putTargets", "Parameters": {"Rule": "r",
                "Targets": [{"Id": "1", "Arn": "arn:aws:sqs:us-east-1:123456789012:q", "InputPath": "$.detail",
                  "InputTransformer": {"InputPathsMap": {"orderId": "$.detail.orderId"}, "InputTemplate": "<orderId>"}}]}, "Next": "V"},
            "V": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageGroupId": "$.body.customerId"}, "End": true}}}"#;
        let keys: Vec<&str> = findings(text)
            .iter()
            .map(|d| &text[d.range.as_usize()])
            .collect();
        assert_eq!(keys, ["\"Description\"", "\"MessageGroupId\""]);
    }

    /// A lone `$` is text (a currency sign) except under a key that takes a whole
    /// document, where it is the state input with `.$` forgotten.
    #[test]
    fn a_lone_dollar_only_where_a_document_goes() {
        let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload": {"currency": "$", "anchor": "$"}}, "Next": "S"},
            "S": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload": "$"}, "End": true}}}"#;
        let d = findings(text);
        let found: Vec<(&str, usize)> = d
            .iter()
            .map(|d| (&text[d.range.as_usize()], d.fixes.len()))
            .collect();
        assert_eq!(found, [("\"Payload\"", 1)]);
    }
}
