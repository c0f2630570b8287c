use crate::model::StateType;
use crate::rules::resources::{PARTITIONS, parse_arn};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a Map state (Distributed) whose `ItemReader.Resource` is not one of the readers
    /// Step Functions provides, `arn:aws:states:::s3:getObject` (one object: a CSV, JSON,
    /// JSON Lines or Parquet file, or an Athena or S3 Inventory manifest, chosen by
    /// `ReaderConfig.InputType`) and `arn:aws:states:::s3:listObjectsV2` (the objects under
    /// a bucket prefix), or whose `ResultWriter.Resource` is not
    /// `arn:aws:states:::s3:putObject`. Other partitions (`arn:aws-cn:...`) are accepted;
    /// a region or account in the ARN, an `aws-sdk:` form or another action is not.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`): a Distributed
    /// Map reads its items and writes its results only through these S3 integrations.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::aws-sdk:s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "items.json"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "items.json"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL409",
        name: "invalid-item-reader-resource",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

/// The Map fields that name an S3 integration, and the actions each accepts.
const READERS_AND_WRITERS: &[(&str, &[&str])] = &[
    ("ItemReader", &["s3:getObject", "s3:listObjectsV2"]),
    ("ResultWriter", &["s3:putObject"]),
];

/// True when `text` is one of `actions` as `arn:<partition>:states:::<action>`.
fn accepted(text: &str, actions: &[&str]) -> bool {
    parse_arn(text).is_some_and(|arn| {
        PARTITIONS.contains(&arn.partition)
            && arn.service == "states"
            && arn.region.is_empty()
            && arn.account.is_empty()
            && actions.contains(&arn.resource)
    })
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Map) {
            continue;
        }
        for (field, actions) in READERS_AND_WRITERS {
            let Some(resource) = state
                .field(field)
                .and_then(|m| m.value.as_object())
                .and_then(|ms| ms.iter().rev().find(|m| m.key == "Resource"))
            else {
                continue;
            };
            // Not a string (ASL113's), or only known at deploy time.
            let Some(text) = resource.value.as_str() else {
                continue;
            };
            if resource.value.is_unknown()
                || crate::embed::has_dollar_brace(text)
                || text.contains("#{")
                || text.starts_with("{%")
            {
                continue;
            }
            if accepted(text, actions) {
                continue;
            }
            let partition = parse_arn(text)
                .map(|a| a.partition)
                .filter(|p| PARTITIONS.contains(p))
                .unwrap_or("aws");
            let expected: Vec<String> = actions
                .iter()
                .map(|a| format!("arn:{partition}:states:::{a}"))
                .collect();
            let d = sink.report(
                resource.value.range,
                format!(
                    "{field} Resource of \"{}\" must be {}, not {text:?}",
                    state.name,
                    expected.join(" or ")
                ),
            );
            // The action as written, to suggest the closest accepted one.
            let written = text.rsplit(":::").next().unwrap_or(text);
            let written = written.strip_prefix("aws-sdk:").unwrap_or(written);
            let written = written
                .rsplit_once(':')
                .map_or(written, |(_, action)| action);
            let best = did_you_mean(
                written,
                actions
                    .iter()
                    .map(|a| a.split_once(':').map_or(*a, |(_, x)| x)),
            )
            .or_else(|| {
                actions
                    .iter()
                    .map(|a| a.split_once(':').map_or(*a, |(_, x)| x))
                    .find(|a| *a == written)
            });
            d.help = Some(match best {
                Some(action) => format!("use arn:{partition}:states:::s3:{action}"),
                None => format!(
                    "a Distributed Map {} only through Amazon S3",
                    if *field == "ItemReader" {
                        "reads its items"
                    } else {
                        "writes its results"
                    }
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn run(reader: &str, writer: &str) -> Vec<(String, Option<String>)> {
        let text = format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemReader": {{"Resource": {reader}, "Parameters": {{"Bucket": "b", "Prefix": "p"}}}}, "ResultWriter": {{"Resource": {writer}, "Parameters": {{"Bucket": "b", "Prefix": "out"}}}}, "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}, "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}, "End": true}}}}}}"#
        );
        let options = LintOptions {
            select: vec!["ASL409".into()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        lint_text(&text, SourceKind::Json, &options)
            .into_iter()
            .map(|d| (d.message, d.help))
            .collect()
    }

    #[test]
    fn the_s3_readers_and_writer_are_accepted_in_any_partition() {
        let w = r#""arn:aws:states:::s3:putObject""#;
        for reader in [
            r#""arn:aws:states:::s3:getObject""#,
            r#""arn:aws:states:::s3:listObjectsV2""#,
            r#""arn:aws-cn:states:::s3:getObject""#,
            r#""arn:aws-us-gov:states:::s3:listObjectsV2""#,
            r#""${ReaderArn}""#,
            r#"{"Fn::Sub": "arn:${AWS::Partition}:states:::s3:getObject"}"#,
        ] {
            assert_eq!(run(reader, w), vec![], "{reader}");
        }
    }

    #[test]
    fn other_resources_are_reported_with_the_closest_accepted_one() {
        let w = r#""arn:aws:states:::s3:putObject""#;
        assert_eq!(
            run(r#""arn:aws:states:::aws-sdk:s3:getObject""#, w),
            vec![(
                "ItemReader Resource of \"M\" must be arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2, not \"arn:aws:states:::aws-sdk:s3:getObject\"".to_string(),
                Some("use arn:aws:states:::s3:getObject".to_string())
            )]
        );
        assert_eq!(
            run(r#""arn:aws:states:::s3:listObjects""#, w)[0]
                .1
                .as_deref(),
            Some("use arn:aws:states:::s3:listObjectsV2")
        );
        assert_eq!(
            run(r#""arn:aws:states:us-east-1:123456789012:s3:getObject""#, w).len(),
            1
        );
        assert_eq!(
            run(r#""arn:aws:states:::dynamodb:scan""#, w)[0]
                .1
                .as_deref(),
            Some("a Distributed Map reads its items only through Amazon S3")
        );
        assert_eq!(
            run(r#""arn:aws:states:::s3:getObject""#, r#""arn:aws-cn:states:::s3:getObject""#),
            vec![(
                "ResultWriter Resource of \"M\" must be arn:aws-cn:states:::s3:putObject, not \"arn:aws-cn:states:::s3:getObject\"".to_string(),
                Some("use arn:aws-cn:states:::s3:putObject".to_string())
            )]
        );
    }
}
