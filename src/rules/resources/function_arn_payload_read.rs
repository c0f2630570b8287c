use crate::diagnostics::Label;
use crate::rules::resources::{result_reads, task_arn};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a read of `Payload` (or `ExecutedVersion`, `SdkHttpMetadata`,
    /// `SdkResponseMetadata`) under the result of a Task whose `Resource` is a Lambda
    /// function's ARN (`arn:aws:lambda:<region>:<account>:function:<name>`): in the
    /// Task's `ResultSelector` or `OutputPath`, in the states that get its result as it
    /// comes, or as `$states.result.Payload` in its `Output` and `Assign` (JSONata).
    ///
    /// ## Why is this bad?
    /// Those are fields of the Lambda `Invoke` response that the optimized integration
    /// `arn:aws:states:::lambda:invoke` returns, with the function's output inside
    /// `Payload`. A Task that names the function itself gets the function's output as it
    /// is, with no `Payload` around it. A read copied from a `lambda:invoke` example
    /// (`"OutputPath": "$.Payload"`) then finds nothing, and the state fails with
    /// `States.Runtime` (JSONata: `States.QueryEvaluationError`); unless the function
    /// returns a field of that name, which is why this is a warning.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check payment", "States": {"Check payment": {"Type": "Task",
    ///   "Resource": "arn:aws:lambda:us-east-1:123456789012:function:CheckPayment",
    ///   "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///   "OutputPath": "$.Payload", "End": true}}}
    /// ```
    ///
    /// Use instead (or call `arn:aws:states:::lambda:invoke` with `"FunctionName"` set to
    /// the ARN, and keep the read):
    /// ```json
    /// {"StartAt": "Check payment", "States": {"Check payment": {"Type": "Task",
    ///   "Resource": "arn:aws:lambda:us-east-1:123456789012:function:CheckPayment",
    ///   "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]}],
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A read of `Payload` goes past it: `$.Payload.valid` becomes `$.valid` (unsafe:
    /// the function may return such a field). The other fields get no fix.
    pub static RULE = {
        code: "ASL419",
        name: "function-arn-payload-read",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// The fields of the Lambda `Invoke` response that a function rarely returns itself
/// (`StatusCode` is left out: API-style functions return one).
const RESPONSE_FIELDS: [&str; 4] = [
    "Payload",
    "ExecutedVersion",
    "SdkHttpMetadata",
    "SdkResponseMetadata",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((node, _, arn)) = task_arn(state) else {
            continue;
        };
        if arn.service != "lambda" || !arn.resource.starts_with("function:") {
            continue;
        }
        for read in result_reads(ctx, state) {
            if !RESPONSE_FIELDS.contains(&read.field) {
                continue;
            }
            let d = sink.report(
                read.range,
                format!(
                    "{} reads \"{}\", but \"{}\" calls the function by its ARN: its result is the function's output as it is, with no {} field of a lambda:invoke response",
                    read.who, read.shown, state.name, read.field
                ),
            );
            d.labels.push(Label {
                range: node.range,
                message: "returns the function's output, not the Invoke response".into(),
            });
            d.help = Some(
                "read the function's own fields, or call it through `arn:aws:states:::lambda:invoke` with `FunctionName` set to this ARN".into(),
            );
            // Past `Payload` is the function's output; the other fields have no
            // counterpart in it.
            if read.field == "Payload" {
                d.fixes.extend(read.fix_without(ctx.source));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    /// Each ASL419 as `<text at its range>: <message>`, and each fix applied.
    fn found(text: &str) -> Vec<(String, String, Option<String>)> {
        let options = LintOptions {
            select: vec!["ASL419".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &options)
            .into_iter()
            .map(|d| {
                let fixed = d.fixes.first().map(|f| {
                    let mut t = text.to_string();
                    for e in f.edits.iter().rev() {
                        t.replace_range(e.range.as_usize(), &e.replacement);
                    }
                    t[d.range.start as usize - 8..].chars().take(50).collect()
                });
                (text[d.range.as_usize()].to_string(), d.message, fixed)
            })
            .collect()
    }

    const RETRY: &str = r#""Retry": [{"ErrorEquals": ["States.ALL"]}]"#;

    #[test]
    fn output_path_result_selector_and_next_state_reads() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{
  "A": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:CheckPayment", {RETRY}, "OutputPath": "$.Payload", "Next": "B"}},
  "B": {{"Type": "Task", "Resource": "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:f:live", {RETRY}, "ResultSelector": {{"ok.$": "$.Payload.ok", "v.$": "$.ExecutedVersion"}}, "Next": "C"}},
  "C": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:g", {RETRY}, "ResultPath": "$.check", "Next": "D"}},
  "D": {{"Type": "Choice", "Choices": [{{"Variable": "$.check.Payload.valid", "BooleanEquals": true, "Next": "E"}}], "Default": "E"}},
  "E": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:h", {RETRY}, "ResultPath": "$.r", "OutputPath": "$.r.Payload.items[0]", "End": true}}
}}}}"#
        );
        let got = found(&text);
        let shown: Vec<(&str, &str)> = got
            .iter()
            .map(|(at, m, _)| (at.as_str(), m.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "\"$.Payload\"",
                    "the OutputPath of \"A\" reads \"$.Payload\", but \"A\" calls the function by its ARN: its result is the function's output as it is, with no Payload field of a lambda:invoke response"
                ),
                (
                    "\"$.Payload.ok\"",
                    "the ResultSelector of \"B\" reads \"$.Payload.ok\", but \"B\" calls the function by its ARN: its result is the function's output as it is, with no Payload field of a lambda:invoke response"
                ),
                (
                    "\"$.ExecutedVersion\"",
                    "the ResultSelector of \"B\" reads \"$.ExecutedVersion\", but \"B\" calls the function by its ARN: its result is the function's output as it is, with no ExecutedVersion field of a lambda:invoke response"
                ),
                (
                    "\"$.check.Payload.valid\"",
                    "\"D\" reads \"$.check.Payload.valid\", but \"C\" calls the function by its ARN: its result is the function's output as it is, with no Payload field of a lambda:invoke response"
                ),
                (
                    "\"$.r.Payload.items[0]\"",
                    "the OutputPath of \"E\" reads \"$.r.Payload.items[0]\", but \"E\" calls the function by its ARN: its result is the function's output as it is, with no Payload field of a lambda:invoke response"
                ),
            ]
        );
        assert_eq!(got[2].2, None, "no fix past ExecutedVersion");
        let fixed: Vec<&str> = got
            .iter()
            .map(|(_, _, f)| f.as_deref().unwrap_or("-"))
            .collect();
        assert!(
            fixed[0].starts_with("tPath\": \"$\", \"Next\""),
            "{fixed:?}"
        );
        assert!(fixed[1].starts_with("\"ok.$\": \"$.ok\", "), "{fixed:?}");
        assert!(
            fixed[3].starts_with("iable\": \"$.check.valid\""),
            "{fixed:?}"
        );
        assert!(
            fixed[4].starts_with("tPath\": \"$.r.items[0]\""),
            "{fixed:?}"
        );
    }

    #[test]
    fn jsonata_result_reads() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Output": "{% $states.result.Payload.total %}", "End": true}}}"#;
        let got = found(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Payload");
        assert!(
            got[0]
                .2
                .as_deref()
                .unwrap()
                .starts_with(".result.total %}\", \"End\""),
            "{got:?}"
        );
    }

    #[test]
    fn the_optimized_integration_and_other_fields_are_left_alone() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{
  "A": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f", "Payload.$": "$"}}, {RETRY}, "OutputPath": "$.Payload", "Next": "B"}},
  "B": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", {RETRY}, "OutputPath": "$.StatusCode", "Next": "C"}},
  "C": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", {RETRY}, "ResultPath": null, "OutputPath": "$.Payload", "Next": "D"}},
  "D": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", {RETRY}, "ResultPath": "$.r", "OutputPath": "$.Payload", "Next": "E"}},
  "E": {{"Type": "Task", "Resource": "${{CheckArn}}", {RETRY}, "OutputPath": "$.Payload", "End": true}}
}}}}"#
        );
        assert_eq!(found(&text), []);
    }
}
