use crate::rules::{LintContext, Sink, declare_rule, report_schema};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports two fields that cannot be used together: `TimeoutSeconds` and
    /// `TimeoutSecondsPath`, `HeartbeatSeconds` and `HeartbeatSecondsPath`, more than
    /// one of Wait's `Seconds`, `Timestamp`, `SecondsPath` and `TimestampPath`, Fail's
    /// `Error` and `ErrorPath` (`Cause` and `CausePath`), Map's `ItemProcessor` and
    /// `Iterator`, `ItemSelector` and `Parameters`, `MaxConcurrency` and
    /// `MaxConcurrencyPath`, `ToleratedFailure*` and their `Path`, ItemReader's
    /// `MaxItems` and `MaxItemsPath`, ItemBatcher's limits and their `Path`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition: it cannot know which value you meant. The
    /// diagnostic points at the later of the two fields.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL116",
        name: "mutually-exclusive-fields",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema(ctx, sink, Category::Exclusive);
}
