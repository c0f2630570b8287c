use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `MaxConcurrency` above 40 on a Map state that runs in Inline mode (no
    /// `ProcessorConfig`, or `"Mode": "INLINE"`).
    ///
    /// ## Why is this bad?
    /// An Inline Map runs at most 40 iterations at a time, whatever `MaxConcurrency`
    /// says (Step Functions documentation, "Using Map state in Inline mode"). A limit
    /// of 100 behaves as 40, so a workflow sized for 100 parallel calls runs slower than
    /// planned, and the number misleads whoever tunes downstream throttling. A Map that
    /// needs more runs in Distributed mode, which also keeps the iterations out of the
    /// 25,000-event history of the parent execution.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Assign tickets", "States": {"Assign tickets": {
    ///   "Type": "Map", "ItemsPath": "$.tickets", "MaxConcurrency": 100,
    ///   "ItemProcessor": {"StartAt": "Assign", "States": {"Assign": {"Type": "Pass", "End": true}}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Assign tickets", "States": {"Assign tickets": {
    ///   "Type": "Map", "ItemsPath": "$.tickets", "MaxConcurrency": 40,
    ///   "ItemProcessor": {"StartAt": "Assign", "States": {"Assign": {"Type": "Pass", "End": true}}},
    ///   "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL710",
        name: "inline-map-concurrency-limit",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The most iterations an Inline Map runs at once.
const INLINE_LIMIT: u64 = 40;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Map) {
            continue;
        }
        let Some(member) = state.field("MaxConcurrency") else {
            continue;
        };
        let Some(n) = member.value.as_u64().filter(|&n| n > INLINE_LIMIT) else {
            continue;
        };
        let Some(processor) = state
            .field("ItemProcessor")
            .or_else(|| state.field("Iterator"))
        else {
            continue;
        };
        // Only a processor known to be inline: a placeholder or an odd Mode is not.
        let mode = processor
            .value
            .get("ProcessorConfig")
            .and_then(|c| c.get("Mode"));
        let inline = match mode {
            None => processor.value.as_object().is_some(),
            Some(m) => m.as_str() == Some("INLINE"),
        };
        if !inline {
            continue;
        }
        let d = sink.report(
            member.value.range,
            format!(
                "Map state \"{}\" runs in Inline mode, which runs at most {INLINE_LIMIT} iterations at a time: MaxConcurrency {n} acts as {INLINE_LIMIT}",
                state.name
            ),
        );
        d.help = Some(format!(
            "set MaxConcurrency to {INLINE_LIMIT} or less, or run the Map in Distributed mode (\"ProcessorConfig\": {{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}} in the ItemProcessor)"
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(fields: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {fields}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL710")
    }

    const STATES: &str = r#""StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}"#;

    #[test]
    fn above_forty_inline_is_reported_at_the_value() {
        let message = "Map state \"M\" runs in Inline mode, which runs at most 40 iterations at a time: MaxConcurrency 41 acts as 40";
        for processor in [
            format!(r#""ItemProcessor": {{{STATES}}}"#),
            format!(r#""ItemProcessor": {{"ProcessorConfig": {{"Mode": "INLINE"}}, {STATES}}}"#),
            format!(r#""Iterator": {{{STATES}}}"#),
        ] {
            assert_eq!(
                run(&format!(r#""MaxConcurrency": 41, {processor}"#)),
                [format!("41: {message}")],
                "{processor}"
            );
        }
    }

    #[test]
    fn forty_or_less_distributed_or_unknown_pass() {
        let inline = format!(r#""ItemProcessor": {{{STATES}}}"#);
        assert!(run(&format!(r#""MaxConcurrency": 40, {inline}"#)).is_empty());
        assert!(run(&format!(r#""MaxConcurrency": 0, {inline}"#)).is_empty());
        assert!(run(&format!(r#""MaxConcurrencyPath": "$.n", {inline}"#)).is_empty());
        let distributed = format!(
            r#""ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}}, {STATES}}}"#
        );
        assert!(run(&format!(r#""MaxConcurrency": 1000, {distributed}"#)).is_empty());
        let placeholder =
            format!(r#""ItemProcessor": {{"ProcessorConfig": {{"Mode": "${{Mode}}"}}, {STATES}}}"#);
        assert!(run(&format!(r#""MaxConcurrency": 1000, {placeholder}"#)).is_empty());
    }
}
