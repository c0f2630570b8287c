use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports fields of a Distributed Map (`ItemReader`, `ItemBatcher`, `ResultWriter`,
    /// `ToleratedFailureCount`, `ToleratedFailurePercentage` and their `Path` variants,
    /// `Label`) on a Map state whose `ItemProcessor.ProcessorConfig.Mode` is not
    /// `DISTRIBUTED`.
    ///
    /// ## Why is this bad?
    /// An inline Map (the default mode) iterates over its input inside the execution: it
    /// cannot read items from S3, batch them, write results to S3 or tolerate failures.
    /// These fields do nothing there (a warning: whether Step Functions rejects them is not
    /// verified); usually `ProcessorConfig` is missing.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": 5, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": 5, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL119",
        name: "distributed-only-map-field",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

const DISTRIBUTED_ONLY: &[&str] = &[
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Map) {
            continue;
        }
        let processor = state
            .field("ItemProcessor")
            .or_else(|| state.field("Iterator"));
        let mode = processor
            .and_then(|p| p.value.get("ProcessorConfig"))
            .and_then(|c| c.get("Mode"));
        // Unknown (placeholder) or absent processors: nothing to compare with.
        if processor.is_none_or(|p| p.value.is_unknown()) || mode.is_some_and(|m| m.is_unknown()) {
            continue;
        }
        // A Mode of the wrong case ("Distributed") is ASL115's, with a fix; the fields
        // are then where they belong.
        if mode
            .and_then(|m| m.as_str())
            .is_some_and(|m| m.eq_ignore_ascii_case("DISTRIBUTED"))
        {
            continue;
        }
        let mode_text = mode.and_then(|m| m.as_str()).unwrap_or("INLINE");
        for m in state.members() {
            if DISTRIBUTED_ONLY.contains(&&*m.key) {
                sink.report(
                    m.key_range,
                    format!(
                        "'{}' is only supported by a Distributed Map, and \"{}\" runs in {mode_text} mode",
                        m.key, state.name
                    ),
                )
                .help = Some(
                    "set \"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"} in the ItemProcessor"
                        .into(),
                );
            }
        }
    }
}
