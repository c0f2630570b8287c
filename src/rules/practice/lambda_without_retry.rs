use crate::diagnostics::{Applicability, Fix};
use crate::model::StateType;
use crate::rules::practice::resource;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::edit;

declare_rule! {
    /// ## What it does
    /// Reports a Task that invokes a Lambda function (`arn:aws:states:::lambda:invoke` or
    /// a function ARN) without a retrier for the transient Lambda service errors that
    /// AWS recommends retrying: `Lambda.ServiceException`, `Lambda.AWSLambdaException`
    /// and `Lambda.SdkClientException` (the developer guide's best practice and CDK's
    /// default retrier). The help also names `Lambda.TooManyRequestsException`
    /// (throttling, which the console's default retrier adds) when it is not retried
    /// either, but a retrier lacking only that one is not reported. A retrier for
    /// `States.ALL` or `States.TaskFailed` covers them all, and so does a catcher for
    /// them (or for `States.ALL` or `States.TaskFailed`): AWS's advice is to retry these
    /// errors or to catch them.
    ///
    /// ## Why is this bad?
    /// These errors come from the Lambda service, not from the function: throttling, a
    /// brief service fault, a network hiccup. They are frequent enough at volume that a
    /// workflow without a retrier fails now and then for no reason of its own.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:work"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:work"}, "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}], "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Adds the retrier above for the errors that are not retried yet: as the first
    /// entry of `Retry` (before any `States.ALL` retrier, which must stay last), or as
    /// a new `Retry` field. Unsafe: it changes how the workflow behaves on these
    /// errors.
    pub static RULE = {
        code: "ASL704",
        name: "lambda-without-retry",
        severity: Info,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// The Lambda errors AWS recommends retrying.
pub const TRANSIENT_LAMBDA_ERRORS: [&str; 4] = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
];

/// Lambda's throttling error: retried by the console's default retrier, not by the
/// developer guide's best-practice one.
const THROTTLING: &str = "Lambda.TooManyRequestsException";

/// True for a Task `Resource` that invokes a Lambda function.
pub fn invokes_lambda(resource: &str) -> bool {
    // The partition, region and account may be placeholders (`arn:${AWS::Partition}:...`).
    let Some(arn) = crate::rules::resources::parse_arn(resource) else {
        return false;
    };
    match arn.service {
        "lambda" => arn.resource.starts_with("function:"),
        "states" => arn.resource == "lambda:invoke" || arn.resource.starts_with("lambda:invoke."),
        _ => false,
    }
}

/// The error names of the `ErrorEquals` lists given.
fn error_names<'a>(
    lists: impl Iterator<Item = Option<&'a crate::syntax::Member<'a>>>,
) -> Vec<&'a str> {
    lists
        .flatten()
        .filter_map(|m| m.value.as_array())
        .flatten()
        .filter_map(|n| n.as_str())
        .collect()
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Task) || !resource(state).is_some_and(invokes_lambda) {
            continue;
        }
        // A wildcard retrier takes them all; so does a wildcard catcher, as AWS's advice
        // is to retry these errors or to catch them.
        let retried = error_names(state.retriers.iter().map(|r| r.error_equals));
        let caught = error_names(state.catchers.iter().map(|c| c.error_equals));
        let wildcard = |names: &[&str]| {
            names
                .iter()
                .any(|e| *e == "States.ALL" || *e == "States.TaskFailed")
        };
        if wildcard(&retried) || wildcard(&caught) {
            continue;
        }
        let missing: Vec<&str> = TRANSIENT_LAMBDA_ERRORS
            .into_iter()
            .filter(|e| !retried.contains(e))
            .collect();
        // Only what is neither retried nor caught; throttling alone is not reported:
        // AWS's own best-practice retrier leaves it out.
        let required: Vec<&str> = missing
            .iter()
            .copied()
            .filter(|e| *e != THROTTLING && !caught.contains(e))
            .collect();
        if required.is_empty() {
            continue;
        }
        let retry = state.field("Retry");
        let at = retry.map_or(state.name_range, |m| m.key_range);
        let d = sink.report(
            at,
            format!(
                "Task state \"{}\" invokes Lambda but neither retries nor catches the transient Lambda service errors {}",
                state.name,
                required.join(", ")
            ),
        );
        d.help = Some(match missing.contains(&THROTTLING) {
            true => format!(
                "add a retrier for {} with a backoff, and for {THROTTLING} (throttling) too",
                crate::rules::and_list(&required)
            ),
            false => format!(
                "add a retrier for {} with a backoff",
                crate::rules::and_list(&required)
            ),
        });
        if !ctx.fixes {
            continue;
        }
        let retrier = serde_json::json!({
            "ErrorEquals": missing,
            "IntervalSeconds": 1,
            "MaxAttempts": 3,
            "BackoffRate": 2,
            "JitterStrategy": "FULL",
        });
        let edit = match retry {
            Some(m) => edit::prepend_element(ctx.source, &m.value, &retrier),
            None => edit::append_member(
                ctx.source,
                state.node,
                "Retry",
                &serde_json::Value::Array(vec![retrier]),
            ),
        };
        if let Some(edit) = edit {
            d.fixes.push(Fix::edit(
                "Retry the transient Lambda errors",
                Applicability::Unsafe,
                edit,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::invokes_lambda;
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    /// For output that only counts fixable findings: the fix's kind stays, its text goes.
    #[test]
    fn fix_kinds_only_keeps_the_applicability_alone() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}"#;
        let options = LintOptions {
            select: vec!["ASL704".into()],
            fix_kinds_only: true,
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &options);
        assert_eq!(d[0].fixes.len(), 1);
        assert!(d[0].fixes[0].edits.is_empty() && d[0].fixes[0].title.is_empty());
        // A template maps each fix's edits back: there they are kept.
        let template = format!(
            "{{\"Resources\": {{\"M\": {{\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {{\"Definition\": {text}}}}}}}}}"
        );
        let d = lint_text(&template, SourceKind::Json, &options);
        assert!(!d[0].fixes[0].edits.is_empty());
    }

    #[test]
    fn the_fix_is_built_only_when_wanted() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}"#;
        let fixes = |skip_fixes| {
            let options = LintOptions {
                select: vec!["ASL704".into()],
                ignore: Vec::new(),
                skip_fixes,
                fix_kinds_only: false,
            };
            let d = lint_text(text, SourceKind::Json, &options);
            assert_eq!(d.len(), 1);
            d[0].fixes
                .iter()
                .map(|f| f.edits[0].replacement.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fixes(false),
            vec![
                r#", "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}]"#
            ]
        );
        assert!(fixes(true).is_empty());
    }

    /// Throttling is named when another error is missing too, never alone.
    #[test]
    fn throttling_alone_is_not_reported() {
        let with = |errors: &str| {
            format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{{"ErrorEquals": [{errors}]}}], "End": true}}}}}}"#
            )
        };
        let options = LintOptions {
            select: vec!["ASL704".into()],
            ..Default::default()
        };
        let text = with(
            r#""Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException""#,
        );
        assert!(lint_text(&text, SourceKind::Json, &options).is_empty());
        let text = with(r#""Lambda.ServiceException", "Lambda.AWSLambdaException""#);
        let d = lint_text(&text, SourceKind::Json, &options);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "Task state \"A\" invokes Lambda but neither retries nor catches the transient Lambda service errors Lambda.SdkClientException"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "add a retrier for Lambda.SdkClientException with a backoff, and for Lambda.TooManyRequestsException (throttling) too"
            )
        );
    }

    /// AWS's advice is to retry the transient errors or to catch them: a catcher that
    /// takes them all handles them.
    #[test]
    fn a_catcher_of_the_errors_handles_them() {
        let with = |catch: &str| {
            format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f"}}, "Catch": [{{"ErrorEquals": [{catch}], "Next": "B"}}], "End": true}}, "B": {{"Type": "Fail"}}}}}}"#
            )
        };
        let options = LintOptions {
            select: vec!["ASL704".into()],
            ..Default::default()
        };
        let codes = |catch: &str| lint_text(&with(catch), SourceKind::Json, &options).len();
        assert_eq!(codes(r#""States.ALL""#), 0);
        assert_eq!(codes(r#""States.TaskFailed""#), 0);
        assert_eq!(
            codes(
                r#""Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException""#
            ),
            0
        );
        assert_eq!(codes(r#""Lambda.ServiceException""#), 1);
        // What a catcher takes is not named as neither retried nor caught.
        let d = lint_text(
            &with(r#""Lambda.ServiceException""#),
            SourceKind::Json,
            &options,
        );
        assert!(
            d[0].message
                .ends_with("errors Lambda.AWSLambdaException, Lambda.SdkClientException"),
            "{}",
            d[0].message
        );
        assert_eq!(codes(r#""Lambda.Unknown""#), 1);
    }

    #[test]
    fn lambda_resources() {
        assert!(invokes_lambda("arn:aws:states:::lambda:invoke"));
        assert!(invokes_lambda(
            "arn:aws:states:::lambda:invoke.waitForTaskToken"
        ));
        assert!(invokes_lambda(
            "arn:aws:lambda:us-east-1:123456789012:function:f"
        ));
        assert!(invokes_lambda(
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod"
        ));
        assert!(!invokes_lambda("arn:aws:states:::sqs:sendMessage"));
        assert!(invokes_lambda(
            "arn:${AWS::Partition}:states:::lambda:invoke"
        ));
        assert!(invokes_lambda(
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"
        ));
        assert!(!invokes_lambda(
            "arn:aws:states:us-east-1:123456789012:activity:a"
        ));
        assert!(!invokes_lambda("${LambdaArn}"));
    }
}
