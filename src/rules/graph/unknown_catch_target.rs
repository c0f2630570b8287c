use crate::model::TransitionKind;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `Catch` entry whose `Next` names no state.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET`); the error
    /// handler you meant to run does not exist.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle Error"}]}, "Handle error": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle error"}]}, "Handle error": {"Type": "Fail"}}}
    /// ```
    ///
    /// ## Fix
    /// As for ASL201: replaces the name with the closest state name of the scope, when
    /// one is close (unsafe: a guess). The state whose catcher it is is never
    /// suggested, and of names equally close, a state that nothing reaches yet is
    /// preferred; when several remain, each is offered in the editor and
    /// `--unsafe-fixes` applies none. A name after which nothing could end gives way to
    /// the next closest, or to no fix. In the editor, another quick fix adds a Fail
    /// state of that name (`"Error": "Failed"`, `"Cause": "to be written"`), to fill
    /// in (`check --fix` never applies it: it would hide a misspelled name).
    pub static RULE = {
        code: "ASL204",
        name: "unknown-catch-target",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_unknown_targets(ctx, sink, |k| matches!(k, TransitionKind::Catch(_)));
}
