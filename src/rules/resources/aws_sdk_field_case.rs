use crate::rules::resources::{Pattern, integration_resource, result_reads, split_pattern};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a read of an AWS SDK integration's result
    /// (`arn:aws:states:::aws-sdk:<service>:<action>`) that names a field starting
    /// with a lower-case letter, where Step Functions returns every field of the
    /// response with a capital first letter (`Contents`, `Items`, `Body`, `ETag`):
    /// the Task's own `ResultSelector` (JSONPath) or `Output` and `Assign`
    /// (`$states.result.items`, JSONata), and the reads of the states that get its
    /// result as it comes. Only the first field under the result is judged; what is
    /// below it (an item's attributes, a document's keys) may be your own data.
    ///
    /// ## Why is this bad?
    /// The SDK documentation of most languages spells response fields in camel case
    /// (`listObjectsV2` returns `contents` in JavaScript), but Step Functions gives
    /// them in Pascal case. `$.contents` matches nothing and the state fails with
    /// `States.Runtime` (`$states.result.contents` gives nothing, which a field does
    /// not accept either).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "List uploads", "States": {"List uploads": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
    ///   "Parameters": {"Bucket": "enrolment-uploads"},
    ///   "ResultSelector": {"files.$": "$.contents"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "List uploads", "States": {"List uploads": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
    ///   "Parameters": {"Bucket": "enrolment-uploads"},
    ///   "ResultSelector": {"files.$": "$.Contents"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// The field name gets its capital letter (unsafe).
    pub static RULE = {
        code: "ASL415",
        name: "aws-sdk-field-case",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// `name` with its first letter in capitals, when it starts with a lower-case one.
fn pascal(name: &str) -> Option<String> {
    let first = name.chars().next().filter(char::is_ascii_lowercase)?;
    Some(format!("{}{}", first.to_ascii_uppercase(), &name[1..]))
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((_, _, arn)) = integration_resource(state) else {
            continue;
        };
        let (action, pattern) = split_pattern(arn.resource);
        let Some(call) = action.strip_prefix("aws-sdk:") else {
            continue;
        };
        if pattern != Some(Pattern::RequestResponse) {
            continue;
        }
        for read in result_reads(ctx, state) {
            let Some(fixed) = pascal(read.field) else {
                continue;
            };
            let d = sink.report(
                read.range,
                format!(
                    "{} reads \"{}\", but Step Functions gives the fields of the {call} response a capital first letter: \"{fixed}\"",
                    read.who, read.shown
                ),
            );
            d.help = Some(format!(
                "AWS SDK integrations return Pascal-case field names, whatever the SDK documentation of your language shows; read \"{fixed}\""
            ));
            d.fixes.extend(read.fix(ctx.source, &fixed));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_fixes;
    use crate::syntax::SourceKind;

    fn run(text: &str) -> Vec<(String, String, Option<String>)> {
        located_fixes(text, SourceKind::Json, "ASL415")
    }

    const LIST: &str = r#""Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2", "Parameters": {"Bucket": "b"}"#;

    /// A path that goes on with an index or a wildcard names its first field as
    /// surely; the fix rewrites that name only.
    #[test]
    fn paths_with_indexes_and_wildcards() {
        let text = format!(
            r#"{{"StartAt": "L", "States": {{"L": {{{LIST}, "ResultSelector": {{"keys.$": "$.contents[*].Key"}}, "ResultPath": "$.listing", "Next": "Any?"}},
            "Any?": {{"Type": "Choice", "Choices": [{{"Variable": "$.listing.keys[0]", "IsPresent": true, "Next": "D"}}], "Default": "D"}},
            "D": {{"Type": "Succeed"}}}}}}"#
        );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"$.contents[*].Key\"");
        assert_eq!(
            found[0].2.as_deref(),
            Some(text.replace("$.contents[*]", "$.Contents[*]").as_str())
        );
        // After a ResultPath, in a Choice rule that tests IsPresent (always false when
        // misspelt).
        let text = format!(
            r#"{{"StartAt": "L", "States": {{"L": {{{LIST}, "ResultPath": "$.listing", "Next": "Any?"}},
            "Any?": {{"Type": "Choice", "Choices": [{{"Variable": "$.listing.contents[0]", "IsPresent": true, "Next": "D"}}], "Default": "D"}},
            "D": {{"Type": "Succeed"}}}}}}"#
        );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"$.listing.contents[0]\"");
        assert_eq!(
            found[0].2.as_deref(),
            Some(
                text.replace("$.listing.contents[0]", "$.listing.Contents[0]")
                    .as_str()
            )
        );
    }

    #[test]
    fn result_selector_and_the_states_after() {
        let text = format!(
            r#"{{"StartAt": "L", "States": {{"L": {{{LIST}, "ResultSelector": {{"files.$": "$.contents", "n.$": "$.KeyCount", "first.$": "$.Contents[0].Key"}}, "End": true}}}}}}"#
        );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"$.contents\"");
        assert_eq!(
            found[0].1,
            "the ResultSelector of \"L\" reads \"$.contents\", but Step Functions gives the fields of the s3:listObjectsV2 response a capital first letter: \"Contents\""
        );
        assert_eq!(
            found[0].2.as_deref(),
            Some(text.replace("$.contents", "$.Contents").as_str())
        );

        let text = format!(
            r#"{{"StartAt": "L", "States": {{"L": {{{LIST}, "ResultPath": "$.listing", "Next": "Any?"}},
            "Any?": {{"Type": "Choice", "Choices": [{{"Variable": "$.listing.keyCount", "NumericGreaterThan": 0, "Next": "D"}}], "Default": "D"}},
            "D": {{"Type": "Pass", "Parameters": {{"k.$": "$.listing.Contents[0].Key", "mine.$": "$.other"}}, "End": true}}}}}}"#
        );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"$.listing.keyCount\"");
        assert!(
            found[0]
                .2
                .as_ref()
                .unwrap()
                .contains("\"$.listing.KeyCount\"")
        );
    }

    #[test]
    fn jsonata_output_and_assign() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem", "Arguments": {"TableName": "t", "Key": {}}, "Output": "{% $states.result.item %}", "Assign": {"n": "{% $states.result.Item.name.S %}"}, "End": true}}}"#;
        let found = run(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "item");
        assert!(
            found[0]
                .2
                .as_ref()
                .unwrap()
                .contains("$states.result.Item %}")
        );
    }

    #[test]
    fn optimized_integrations_and_callbacks_are_not_judged() {
        for resource in [
            "arn:aws:states:::dynamodb:getItem",
            "arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken",
        ] {
            let text = format!(
                r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", "Parameters": {{}}, "ResultSelector": {{"x.$": "$.item"}}, "End": true}}}}}}"#
            );
            assert!(run(&text).is_empty(), "{resource}");
        }
    }
}
