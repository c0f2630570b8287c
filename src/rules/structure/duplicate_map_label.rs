use std::collections::HashMap;

use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports two Map states of one state machine with the same `Label`.
    ///
    /// ## Why is this bad?
    /// Labels identify the child executions of each Distributed Map; Step Functions rejects
    /// the definition (`DUPLICATE_LABEL_NAME`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Map", "Label": "items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "B"}, "B": {"Type": "Map", "Label": "items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Map", "Label": "items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "B"}, "B": {"Type": "Map", "Label": "more-items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL121",
        name: "duplicate-map-label",
        severity: Error,
        aws_code: Some("DUPLICATE_LABEL_NAME"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let mut first: HashMap<&str, (&str, crate::syntax::TextRange)> = HashMap::new();
    for state in machine.all_states() {
        if state.kind != Some(StateType::Map) {
            continue;
        }
        let Some(label) = state.field("Label") else {
            continue;
        };
        let Some(text) = label.value.as_str() else {
            continue;
        };
        match first.get(text) {
            Some((other, range)) => {
                let d = sink.report(
                    label.value.range,
                    format!(
                        "Map states \"{other}\" and \"{}\" have the same Label \"{text}\"",
                        state.name
                    ),
                );
                d.labels.push(crate::diagnostics::Label {
                    range: *range,
                    message: "first used here".into(),
                });
                d.help = Some("give each Map state its own Label".to_string());
            }
            None => {
                first.insert(text, (state.name, label.value.range));
            }
        }
    }
}
