use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::schema::is_placeholder_string;

declare_rule! {
    /// ## What it does
    /// Reports a Distributed Map `Label` that contains whitespace, a control character or
    /// one of `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`.
    ///
    /// ## Why is this bad?
    /// The label becomes part of child execution names; Step Functions rejects the
    /// definition (`INVALID_LABEL_NAME`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "my label", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "my-label", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL120",
        name: "invalid-map-label",
        severity: Error,
        aws_code: Some("INVALID_LABEL_NAME"),
        fix: None,
        check: check,
    }
}

pub(crate) fn bad_name_char(c: char) -> bool {
    c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
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
        if is_placeholder_string(text) {
            continue;
        }
        if let Some((i, c)) = text.char_indices().find(|(_, c)| bad_name_char(*c)) {
            let at = crate::syntax::string_source_offset(ctx.source, &label.value, i);
            let end =
                crate::syntax::string_source_offset(ctx.source, &label.value, i + c.len_utf8());
            sink.report(
                crate::syntax::TextRange::new(at, end.max(at + 1)),
                format!(
                    "the Label of \"{}\" contains {:?}, which labels cannot contain",
                    state.name, c
                ),
            )
            .help = Some("use letters, digits, '-' and '_'".into());
        }
    }
}
