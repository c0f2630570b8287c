use crate::expr::jsonpath::{self, PathContext};
use crate::rules::paths::{is_deploy_time, jsonpath_states, path_fields, report_in_string};
use crate::rules::{LintContext, Sink, declare_rule};
use rustc_hash::FxHashSet;

declare_rule! {
    /// ## What it does
    /// Parses every path field of JSONPath states and reports syntax errors at the
    /// character: `InputPath`/`OutputPath` (Paths: filters, wildcards, slices allowed),
    /// `ItemsPath`, the `*Path` fields and Choice `Variable`s (Reference Paths: a
    /// single node), `ResultPath` of states and catchers (no `$$`, no variables); the
    /// number `*Path` fields of a Map (`MaxConcurrencyPath`, ...) cannot read the
    /// Context object `$$`. Hyphenated names (`$.foo-bar`), negative indexes and `$var`
    /// paths are accepted, as AWS does.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.items[*]", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.items", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL301",
        name: "invalid-path",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    // The same paths recur in most definitions (`$.Payload`, `$.error`): a text that
    // was valid in a context once is not parsed again.
    let mut valid: FxHashSet<(&str, PathContext)> = FxHashSet::default();
    for state in jsonpath_states(machine) {
        for (m, context) in path_fields(state) {
            let Some(text) = m.value.as_str() else {
                continue;
            };
            if valid.contains(&(text, context)) || is_deploy_time(text) {
                continue;
            }
            let errors = jsonpath::check(text, context);
            if errors.is_empty() {
                valid.insert((text, context));
                continue;
            }
            let kind = match context {
                PathContext::Path => "path",
                PathContext::ReferencePath | PathContext::MapNumberPath => "reference path",
                PathContext::ResultPath => "ResultPath",
            };
            for e in errors {
                // "a ResultPath cannot contain ...": the field is the subject.
                let message = match e
                    .message
                    .strip_prefix("a ResultPath ")
                    .or_else(|| e.message.strip_prefix("a reference path "))
                {
                    Some(rest) => format!("'{}' of \"{}\" {rest}", m.key, state.name),
                    None => format!(
                        "invalid {kind} in '{}' of \"{}\": {}",
                        m.key, state.name, e.message
                    ),
                };
                report_in_string(ctx.source, sink, &m.value, &e, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(fields: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", {fields}, "End": true}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL301".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    #[test]
    fn valid_forms_pass() {
        assert_eq!(
            run(r#""InputPath": "$.foo-bar[-1]", "OutputPath": "$.a[?(@.b > 1)]""#),
            vec![]
        );
        assert_eq!(run(r#""InputPath": "$myVar.x""#), vec![]);
        assert_eq!(run(r#""InputPath": null"#), vec![]);
    }

    #[test]
    fn errors_point_inside_the_string() {
        let d = run(r#""ResultPath": "$$.Execution""#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "$$");
        assert!(
            d[0].1
                .starts_with("'ResultPath' of \"A\" cannot refer to the context object"),
            "{}",
            d[0].1
        );
        let d = run(r#""ResultPath": "$.items[*]""#);
        assert_eq!(
            d,
            [(
                "[*]".to_string(),
                "'ResultPath' of \"A\" cannot contain a wildcard `*`; it must identify a single node"
                    .to_string()
            )]
        );
        let d = run(r#""InputPath": "$.a[""#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].1.starts_with("invalid path in 'InputPath' of \"A\""),
            "{}",
            d[0].1
        );
    }

    #[test]
    fn map_number_paths_cannot_read_the_context_object() {
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$$.Execution.Input.items",
            "MaxConcurrencyPath": "$$.Execution.Input.n", "ToleratedFailureCountPath": "$.fails",
            "ItemBatcher": {"MaxItemsPerBatchPath": "$$.Execution.Input.batch"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL301".into()],
            ..Default::default()
        };
        let found: Vec<(String, String)> = lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect();
        let why = "this Map field cannot read the context object `$$`; select the number from the state input `$` (a state before the Map can copy it there from `$$`)";
        assert_eq!(
            found,
            [
                (
                    "$$".to_string(),
                    format!("invalid reference path in 'MaxConcurrencyPath' of \"M\": {why}")
                ),
                (
                    "$$".to_string(),
                    format!("invalid reference path in 'MaxItemsPerBatchPath' of \"M\": {why}")
                ),
            ]
        );
    }
}
