use crate::diagnostics::Label;
use crate::expr::jsonpath::{self, Root, Selector};
use crate::model::{QueryLanguage, StateType};
use crate::rules::paths::{path_of, reads_under, receivers, result_location, template_members};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a read of a named field of a Parallel or Map state's result, which is an
    /// array: by the state after it when that result is passed on as it comes (no
    /// `ResultSelector` or `OutputPath`; an inline Map, or a Distributed Map without
    /// `ResultWriter`), or by the state's own `ResultSelector` (`"status.$":
    /// "$.status"`). The read counts when it names a field right under where the result
    /// was put (the `ResultPath`, `$` when absent). JSONPath states only, and only the
    /// reads the next state surely makes (see ASL506), or, past a Choice, a Wait or a
    /// Pass state that hands its input on unchanged, the states after it.
    ///
    /// ## Why is this bad?
    /// A Parallel state's result is an array with one entry per branch, and a Map's is an
    /// array with one entry per item. `$.status` on an array matches nothing, so the
    /// next state fails with `States.Runtime`. The value wanted is in one entry
    /// (`$[0].status`), or the entries have to be combined first, in a `ResultSelector`
    /// or a Pass state.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check student", "States": {
    ///   "Check student": {"Type": "Parallel", "Branches": [
    ///     {"StartAt": "Name", "States": {"Name": {"Type": "Pass", "Result": {"nameOk": true}, "End": true}}},
    ///     {"StartAt": "Email", "States": {"Email": {"Type": "Pass", "Result": {"emailOk": true}, "End": true}}}],
    ///     "ResultPath": "$.checks", "Next": "All good?"},
    ///   "All good?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.checks.nameOk", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead (read the branch's entry):
    /// ```json
    /// {"StartAt": "Check student", "States": {
    ///   "Check student": {"Type": "Parallel", "Branches": [
    ///     {"StartAt": "Name", "States": {"Name": {"Type": "Pass", "Result": {"nameOk": true}, "End": true}}},
    ///     {"StartAt": "Email", "States": {"Email": {"Type": "Pass", "Result": {"emailOk": true}, "End": true}}}],
    ///     "ResultPath": "$.checks", "Next": "All good?"},
    ///   "All good?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.checks[0].nameOk", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    pub static RULE = {
        code: "ASL308",
        name: "array-result-read-as-object",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let what = match state.kind {
            Some(StateType::Parallel) => "one entry per branch",
            Some(StateType::Map) if state.field("ResultWriter").is_none() => "one entry per item",
            _ => continue,
        };
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        let kind = state.kind.map_or("", |k| k.as_str());
        if let Some(selector) = state.field("ResultSelector") {
            selector_reads(sink, state.name, kind, what, &selector.value);
        }
        let Some(at) = result_location(state) else {
            continue;
        };
        for target in receivers(machine, state)
            .into_iter()
            .filter(|t| t.query_language == QueryLanguage::JsonPath)
        {
            let found = reads_under(target, &at)
                .into_iter()
                .find_map(|(range, path, rest)| Some((range, path, *rest.first()?)));
            let Some((range, path, field)) = found else {
                continue;
            };
            let array = path_of(&at);
            let d = sink.report(
                range,
                format!(
                    "\"{}\" reads \"{path}\", but {array} holds the result of the {kind} state \"{}\", an array ({what}): it has no field \"{field}\"",
                    target.name, state.name
                ),
            );
            d.labels.push(Label {
                range: state.name_range,
                message: format!("its result is an array ({what})"),
            });
            d.help = Some(format!(
                "read one entry ({array}[0].{field}), or combine the entries with a ResultSelector on \"{}\"",
                state.name
            ));
        }
    }
}

/// The `.$` paths of a Parallel or Map state's `ResultSelector` that name a field of
/// the result itself (`$.status`), which is an array.
fn selector_reads(sink: &mut Sink<'_>, state: &str, kind: &str, what: &str, selector: &Node<'_>) {
    for m in template_members(selector) {
        if !m.key.ends_with(".$") {
            continue;
        }
        let Some(text) = m.value.as_str() else {
            continue;
        };
        let Ok(path) = jsonpath::parse(text) else {
            continue;
        };
        let Some(first) = path.segments.first() else {
            continue;
        };
        let (Root::Input, Selector::Name(name), false) =
            (&path.root, &first.selector, first.descendant)
        else {
            continue;
        };
        let d = sink.report(
            m.value.range,
            format!(
                "the ResultSelector of \"{state}\" reads \"{text}\", but the result of the {kind} state is an array ({what}): it has no field \"{name}\""
            ),
        );
        d.help = Some(format!(
            "read one entry (\"$[0].{name}\") or the field of every entry (\"$[*].{name}\")"
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(parallel: &str, next: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Parallel", "Branches": [{{"StartAt": "B", "States": {{"B": {{"Type": "Pass", "End": true}}}}}}]{parallel}, "Next": "N"}}, "N": {next}}}}}"#
        );
        located_messages(&text, "ASL308")
    }

    const READ: &str = r#"{"Type": "Pass", "Parameters": {"s.$": "$.checks.status"}, "End": true}"#;

    #[test]
    fn named_fields_of_an_array_result() {
        assert_eq!(
            run(r#", "ResultPath": "$.checks""#, READ),
            [
                "\"$.checks.status\": \"N\" reads \"$.checks.status\", but $.checks holds the result of the Parallel state \"P\", an array (one entry per branch): it has no field \"status\""
            ]
        );
        let whole = r#"{"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "N"}], "Default": "N"}"#;
        assert_eq!(run("", whole).len(), 1);
        let map = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}, "Next": "N"}, "N": {"Type": "Pass", "InputPath": "$.total", "End": true}}}"#;
        assert_eq!(
            located_messages(map, "ASL308"),
            [
                "\"$.total\": \"N\" reads \"$.total\", but $ holds the result of the Map state \"M\", an array (one entry per item): it has no field \"total\""
            ]
        );
    }

    #[test]
    fn result_selectors_that_read_a_field_of_the_array() {
        let found = run(
            r#", "ResultSelector": {"name.$": "$.ok", "all.$": "$[*].ok", "first.$": "$[0].ok", "n.$": "$.length()", "deep.$": "$..ok", "nested": {"x.$": "$['ok']"}, "ctx.$": "$$.Execution.Id"}"#,
            r#"{"Type": "Succeed"}"#,
        );
        assert_eq!(
            found,
            [
                "\"$.ok\": the ResultSelector of \"P\" reads \"$.ok\", but the result of the Parallel state is an array (one entry per branch): it has no field \"ok\"",
                "\"$['ok']\": the ResultSelector of \"P\" reads \"$['ok']\", but the result of the Parallel state is an array (one entry per branch): it has no field \"ok\"",
            ]
        );
        // A Map with a ResultWriter returns an object describing the written results.
        let writer = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}, "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}, "ResultSelector": {"bucket.$": "$.ResultWriterDetails.Bucket"}, "End": true}}}"#;
        assert!(located_messages(writer, "ASL308").is_empty());
    }

    #[test]
    fn entries_selected_results_and_other_fields_pass() {
        let entry = r#"{"Type": "Pass", "Parameters": {"s.$": "$.checks[0].status", "n.$": "$.checks.length()"}, "End": true}"#;
        assert!(run(r#", "ResultPath": "$.checks""#, entry).is_empty());
        assert!(run(r#", "ResultPath": "$.other""#, READ).is_empty());
        assert!(
            run(
                r#", "ResultPath": "$.checks", "ResultSelector": {"status.$": "$[0].status"}"#,
                READ
            )
            .is_empty()
        );
        assert!(run(r#", "ResultPath": null"#, READ).is_empty());
        assert!(run(r#", "OutputPath": "$[0]""#, READ).is_empty());
        let writer = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}, "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}, "Next": "N"}, "N": {"Type": "Pass", "InputPath": "$.ResultWriterDetails", "End": true}}}"#;
        assert!(located_messages(writer, "ASL308").is_empty());
    }
}
