use crate::diagnostics::{Applicability, Fix};
use crate::model::{QueryLanguage, StateType};
use crate::rules::{LintContext, Sink, declare_rule, plain_key};

declare_rule! {
    /// ## What it does
    /// Reports the two Map fields that AWS has replaced: `Iterator` (now
    /// `ItemProcessor`) and, in a JSONPath state, `Parameters` (now `ItemSelector`).
    /// A Map with both the old and the new field is left to ASL116 (mutually exclusive
    /// fields).
    ///
    /// ## Why is this bad?
    /// Both still deploy, but the Step Functions documentation asks for the new names,
    /// the CDK marks `iterator()` deprecated, and the newer Map features are documented
    /// only with them: `ProcessorConfig` lives inside `ItemProcessor`, and a reader who
    /// meets `Parameters` on a Map may take it for the Task field that builds a request.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check each email", "States": {"Check each email": {
    ///   "Type": "Map", "ItemsPath": "$.students",
    ///   "Parameters": {"email.$": "$$.Map.Item.Value.email"},
    ///   "Iterator": {"StartAt": "Check", "States": {"Check": {"Type": "Pass", "End": true}}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Check each email", "States": {"Check each email": {
    ///   "Type": "Map", "ItemsPath": "$.students",
    ///   "ItemSelector": {"email.$": "$$.Map.Item.Value.email"},
    ///   "ItemProcessor": {"StartAt": "Check", "States": {"Check": {"Type": "Pass", "End": true}}},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Renames the key to the new name (safe, applied by `--fix`: the Map runs exactly
    /// as before). Not offered when the value is not an object, which the new field
    /// would reject (a new error), or when the key is written with an escape.
    pub static RULE = {
        code: "ASL709",
        name: "deprecated-map-field",
        severity: Info,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// The replaced field, the field that replaces it, and whether the old one is only
/// deprecated in JSONPath (in JSONata `Parameters` is an error, ASL111's to report).
const RENAMED: [(&str, &str, bool); 2] = [
    ("Iterator", "ItemProcessor", false),
    ("Parameters", "ItemSelector", true),
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Map) {
            continue;
        }
        for (old, new, jsonpath_only) in RENAMED {
            if jsonpath_only && state.query_language != QueryLanguage::JsonPath {
                continue;
            }
            let Some(member) = state.field(old) else {
                continue;
            };
            // Both at once is an error of its own (ASL116, mutually exclusive fields).
            if state.field(new).is_some() {
                continue;
            }
            let d = sink.report(
                member.key_range,
                format!(
                    "Map state \"{}\" uses \"{old}\", which \"{new}\" replaces",
                    state.name
                ),
            );
            d.help = Some(format!(
                "rename the key to \"{new}\"; the Map runs the same way"
            ));
            // The rename is safe only for a value of the right shape: a string under
            // `Parameters` would become an invalid `ItemSelector`, a new error.
            let well_formed = member.value.as_object().is_some() || member.value.is_unknown();
            if let Some(name) = plain_key(ctx.source, member.key_range)
                .filter(|r| well_formed && ctx.source.get(r.as_usize()) == Some(old))
            {
                d.fixes.push(Fix::replace(
                    format!("Rename \"{old}\" to \"{new}\""),
                    Applicability::Safe,
                    name,
                    new.to_string(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::apply_edits;
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn opts() -> LintOptions {
        LintOptions {
            select: vec!["ASL709".into()],
            ..Default::default()
        }
    }

    fn map(fields: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {fields}, "End": true}}}}}}"#
        )
    }

    const PROCESSOR: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;

    #[test]
    fn both_old_fields_are_reported_and_fixed_safely() {
        let text = map(&format!(
            r#""Parameters": {{"v.$": "$$.Map.Item.Value"}}, "Iterator": {PROCESSOR}"#
        ));
        let d = lint_text(&text, SourceKind::Json, &opts());
        let got: Vec<(&str, &str)> = d
            .iter()
            .map(|d| (&text[d.range.as_usize()], d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "\"Parameters\"",
                    "Map state \"M\" uses \"Parameters\", which \"ItemSelector\" replaces"
                ),
                (
                    "\"Iterator\"",
                    "Map state \"M\" uses \"Iterator\", which \"ItemProcessor\" replaces"
                ),
            ]
        );
        let edits: Vec<_> = d.iter().flat_map(|d| d.fixes[0].edits.clone()).collect();
        let (fixed, n) = apply_edits(&text, &edits);
        assert_eq!(n, 2);
        assert_eq!(
            fixed,
            map(&format!(
                r#""ItemSelector": {{"v.$": "$$.Map.Item.Value"}}, "ItemProcessor": {PROCESSOR}"#
            ))
        );
        assert!(lint_text(&fixed, SourceKind::Json, &LintOptions::default()).is_empty());
    }

    #[test]
    fn yaml_plain_keys_are_renamed() {
        let text = "StartAt: M\nStates:\n  M:\n    Type: Map\n    Iterator:\n      StartAt: P\n      States:\n        P: {Type: Pass, End: true}\n    End: true\n";
        let d = lint_text(text, SourceKind::Yaml, &opts());
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "Iterator");
        let (fixed, _) = apply_edits(text, &d[0].fixes[0].edits);
        assert!(
            fixed.contains("    ItemProcessor:\n      StartAt: P"),
            "{fixed}"
        );
    }

    #[test]
    fn old_and_new_together_are_left_to_asl116_and_escaped_keys_get_no_fix() {
        let text = map(&format!(
            r#""Iterator": {PROCESSOR}, "ItemProcessor": {PROCESSOR}"#
        ));
        assert!(lint_text(&text, SourceKind::Json, &opts()).is_empty());
        let escaped = map(&format!(r#""\u0049terator": {PROCESSOR}"#));
        let d = lint_text(&escaped, SourceKind::Json, &opts());
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }

    #[test]
    fn current_fields_and_task_parameters_pass() {
        let text = map(&format!(
            r#""ItemSelector": {{"v.$": "$$.Map.Item.Value"}}, "ItemProcessor": {PROCESSOR}"#
        ));
        assert!(lint_text(&text, SourceKind::Json, &opts()).is_empty());
        let task = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#;
        assert!(lint_text(task, SourceKind::Json, &opts()).is_empty());
        // In JSONata, Parameters is a query-language error (ASL111), not a deprecation.
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Parameters": {}, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
        assert!(lint_text(jsonata, SourceKind::Json, &opts()).is_empty());
    }
}
