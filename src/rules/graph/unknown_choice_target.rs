use crate::model::TransitionKind;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Choice rule's `Next`, or a Choice state's `Default`, that names no state.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Yes"}], "Default": "Nope"}, "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Yes"}], "Default": "No"}, "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail"}}}
    /// ```
    ///
    /// ## Fix
    /// As for ASL201: replaces the name with the closest state name of the scope, when
    /// one is close (unsafe: a guess). The Choice state itself is never suggested, and
    /// of names equally close, a state that nothing reaches yet is preferred; when
    /// several remain, each is offered in the editor and `--unsafe-fixes` applies none.
    /// A name after which nothing could end gives way to the next closest, or to no fix.
    /// In the editor, another quick fix adds a Pass state of that name that ends, to
    /// fill in (`check --fix` never applies it: it would hide a misspelled name).
    pub static RULE = {
        code: "ASL203",
        name: "unknown-choice-target",
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    super::report_unknown_targets(ctx, sink, |k| {
        matches!(k, TransitionKind::Choice(_) | TransitionKind::Default)
    });
}
