use crate::diagnostics::{Applicability, Fix};
use crate::rules::resources::{integration_resource, string_range};
use crate::rules::{LintContext, Sink, closest_within, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports the service of an AWS SDK integration
    /// (`arn:aws:states:::aws-sdk:<service>:<apiAction>`) that is written the way other
    /// tools name the service (`stepfunctions` for `sfn`, `logs` for `cloudwatchlogs`),
    /// with capitals (`DynamoDB`), or a letter or two away from a service Step
    /// Functions integrates with; a name merely absent from asl-lint's list is not
    /// reported. In detail:
    /// - a name of the AWS CLI, IAM or CloudFormation instead of the SDK's
    ///   (`stepfunctions` or `states` for `sfn`, `logs` for `cloudwatchlogs`, `elbv2`
    ///   for `elasticloadbalancingv2`, `events` for `eventbridge`, `dms` for
    ///   `databasemigration`, `cognito-idp` for `cognitoidentityprovider`);
    /// - a name with capitals (`DynamoDB`): the names are lower-case;
    /// - a name a letter or two away from one in the list of services Step Functions
    ///   integrates with (`dynamodbb`, `secretmanager`); not a name of three letters
    ///   or fewer, which is an abbreviation (`dms` is not `drs`).
    ///
    /// A name with a hyphen or other punctuation (`bedrock-runtime`), and a service
    /// AWS has refused (`apigatewaymanagementapi`), are errors of ASL403.
    ///
    /// A name that is merely not in asl-lint's list is not reported: AWS adds services
    /// every few months (the list is that of the developer guide as of mid-2025), and
    /// a name that extends a listed one (`s3vectors`, `simpledbv2`) may be a newer one.
    ///
    /// ## Why is this bad?
    /// Step Functions does not recognize the resource and refuses the definition
    /// (`INVALID_RESOURCE: The resource provided ... is not recognized`, as for the
    /// other unknown integrations of ASL403).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Resume", "States": {"Resume": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::aws-sdk:stepfunctions:sendTaskSuccess",
    ///   "Parameters": {"TaskToken.$": "$.token", "Output": "{}"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Resume", "States": {"Resume": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
    ///   "Parameters": {"TaskToken.$": "$.token", "Output": "{}"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// The SDK's name for the service replaces the one written (unsafe: for a
    /// misspelling it is a guess).
    pub static RULE = {
        code: "ASL418",
        name: "unknown-aws-sdk-service",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: Sometimes,
        check: check,
    }
}

/// The service names of the AWS SDK integrations (one per line, `#` comments), sorted.
fn service_list() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut names: Vec<&str> = include_str!("aws_sdk_services.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        names.sort_unstable();
        names
    })
}

fn services() -> impl Iterator<Item = &'static str> {
    service_list().iter().copied()
}

fn is_service(name: &str) -> bool {
    service_list().binary_search(&name).is_ok()
}

/// Names of other tools for a service (the AWS CLI's and boto3's, the endpoint
/// prefix), and the Step Functions AWS SDK integration's name for it, where the two
/// differ by more than punctuation. Each target is in the developer guide's list of
/// AWS SDK integrations ("AWS Database Migration Service:
/// `arn:aws:states:::aws-sdk:databasemigration:[apiAction]`", "Directory Service:
/// `...:directory:...`", "Amazon ElasticSearch: `...:elasticsearch:...`", "Cognito
/// User Pools: `...:cognitoidentityprovider:...`", "EventBridge Scheduler:
/// `...:scheduler:...`", ...). A name is also matched without its punctuation
/// (`cognito-idp`, `cognitoidp`).
const ALIASES: &[(&str, &str)] = &[
    ("stepfunctions", "sfn"),
    ("stepfunction", "sfn"),
    ("states", "sfn"),
    ("logs", "cloudwatchlogs"),
    ("elbv2", "elasticloadbalancingv2"),
    ("elb", "elasticloadbalancing"),
    ("events", "eventbridge"),
    ("dms", "databasemigration"),
    ("ds", "directory"),
    // The CLI's `es` calls the Elasticsearch Service API (`describeElasticsearchDomain`).
    ("es", "elasticsearch"),
    ("cognito-idp", "cognitoidentityprovider"),
    ("eventbridge-scheduler", "scheduler"),
    ("iot-jobs-data", "iotjobsdataplane"),
    ("ce", "costexplorer"),
    ("configservice", "config"),
    ("meteringmarketplace", "marketplacemetering"),
    ("lex-models", "lexmodelbuilding"),
    ("lexv2-models", "lexmodelsv2"),
    ("lexv2-runtime", "lexruntimev2"),
    ("s3api", "s3"),
    ("msk", "kafka"),
];

/// A name without its punctuation, in lower case: `Cognito-IDP` gives `cognitoidp`.
fn squashed(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The SDK's name for a name of another tool (`ALIASES`), as written or without its
/// punctuation.
fn alias(name: &str) -> Option<&'static str> {
    let plain = squashed(name);
    ALIASES
        .iter()
        .find(|(from, _)| *from == name || squashed(from) == plain)
        .map(|(_, to)| *to)
}

/// Services that have no AWS SDK integration, which AWS refused when asked (ASL403).
pub(crate) const NOT_INTEGRATED: &[&str] = &[
    // sam-goodwin/functionless#443: "The resource provided ... is not recognized".
    "apigatewaymanagementapi",
    // IoT Data Plane (`iot-data`, boto3's `iot-data`) is not in the developer guide's
    // list (IoT Jobs Data is, as `iotjobsdataplane`); users report
    // `aws-sdk:iotdata:publish` refused with SCHEMA_VALIDATION_FAILED.
    "iotdata",
    "iotdataplane",
];

/// True when `name`, without its punctuation, names a service AWS has refused.
pub(crate) fn not_integrated(name: &str) -> bool {
    NOT_INTEGRATED.contains(&squashed(name).as_str())
}

/// True for a name of letters and digits only: AWS refuses any other (ASL403).
pub(crate) fn is_alphanumeric(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The AWS SDK integration's name for the service an ARN names (`sqs`, `events` gives
/// `eventbridge`), when it is one of the services Step Functions integrates with.
pub(crate) fn sdk_name(arn_service: &str) -> Option<&'static str> {
    // ARN service names that differ from the integration's.
    const ARN_NAMES: &[(&str, &str)] = &[
        ("execute-api", "apigateway"),
        ("es", "opensearch"),
        ("monitoring", "cloudwatch"),
    ];
    if let Some((_, to)) = ARN_NAMES.iter().find(|(from, _)| *from == arn_service) {
        return Some(to);
    }
    if let Some(to) = ALIASES
        .iter()
        .find(|(from, _)| *from == arn_service)
        .map(|(_, to)| *to)
    {
        return Some(to);
    }
    let at = service_list().binary_search(&arn_service).ok()?;
    Some(service_list()[at])
}

/// The SDK's name for a service written as `name`, when asl-lint can tell.
pub(crate) fn meant(name: &str) -> Option<&'static str> {
    if let Some(to) = alias(name) {
        return Some(to);
    }
    // `DynamoDB`, `bedrock-runtime`, `secrets_manager`.
    let plain = squashed(name);
    if plain != name
        && let Ok(at) = service_list().binary_search(&plain.as_str())
    {
        return Some(service_list()[at]);
    }
    // A name of three letters or fewer is an abbreviation: one letter from another
    // service's (`dms` and `drs`, `es` and `ebs`) it is a different service, not a
    // typo.
    if plain.len() <= 3 || not_integrated(&plain) {
        return None;
    }
    // Closer than the usual did-you-mean: a name two or three letters from a listed
    // one is as likely a service newer than the list (`signin`, not `signer`).
    let max = if plain.len() < 10 { 1 } else { 2 };
    let close = closest_within(&plain, services(), max)?;
    // `s3vectors`, `simpledbv2`: a listed name and more may be a service newer than
    // the list, not a typo of it.
    let extends = plain.starts_with(close) && plain.len() >= close.len() + 2;
    (!extends).then_some(close)
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, _, arn)) = integration_resource(state) else {
            continue;
        };
        let Some(rest) = arn.resource.strip_prefix("aws-sdk:") else {
            continue;
        };
        let Some((service, _)) = rest.split_once(':') else {
            continue;
        };
        if service.is_empty()
            || is_service(service)
            || !is_alphanumeric(service)
            || not_integrated(service)
        {
            continue;
        }
        let from = arn.resource_offset + "aws-sdk:".len();
        let range = string_range(ctx.source, m, from, from + service.len());
        let suggestion = meant(service);
        let lower = !service.bytes().any(|b| b.is_ascii_uppercase());
        if suggestion.is_none() && lower {
            // Perhaps a service newer than the list.
            continue;
        }
        let d = sink.report(
            range,
            format!(
                "\"{service}\" is not the AWS SDK name of a service (in \"{}\")",
                state.name
            ),
        );
        d.help = Some(match suggestion {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => "AWS SDK service names are lower-case letters and digits".into(),
        });
        if let Some(s) = suggestion
            && ctx.source.get(range.as_usize()) == Some(service)
        {
            d.fixes.push(Fix::replace(
                format!("Replace with \"{s}\""),
                Applicability::Unsafe,
                range,
                s,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(service: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:{service}:getItem", "End": true}}}}}}"#
        );
        located_messages(&text, "ASL418")
    }

    #[test]
    fn listed_services_and_possibly_newer_ones_pass() {
        for s in [
            "dynamodb",
            "sfn",
            "s3",
            "ec2",
            "sagemakera2iruntime",
            "s3vectors",
        ] {
            assert_eq!(run(s), Vec::<String>::new(), "{s}");
        }
        // Extends a listed name by more than a letter: maybe a service added since.
        assert_eq!(run("simpledbv2"), Vec::<String>::new());
        assert_eq!(run("bedrockagentcore"), Vec::<String>::new());
    }

    #[test]
    fn other_tools_names_misspellings_and_shapes() {
        let msg = |s: &str| format!("{s}: \"{s}\" is not the AWS SDK name of a service (in \"A\")");
        for s in [
            "stepfunctions",
            "logs",
            "elbv2",
            "DynamoDB",
            "dynamodbb",
            "secretmanager",
        ] {
            assert_eq!(run(s), vec![msg(s)], "{s}");
        }
        // No suggestion, but not a name AWS takes.
        assert_eq!(run("FooBar"), vec![msg("FooBar")]);
        // Errors of ASL403.
        for s in ["bedrock-runtime", "apigatewaymanagementapi"] {
            assert_eq!(run(s), Vec::<String>::new(), "{s}");
        }
    }

    #[test]
    fn suggestions() {
        for (written, meant) in [
            ("stepfunctions", "sfn"),
            ("stepfunction", "sfn"),
            ("states", "sfn"),
            ("logs", "cloudwatchlogs"),
            ("DynamoDB", "dynamodb"),
            ("bedrock-runtime", "bedrockruntime"),
            ("dynamodbb", "dynamodb"),
            ("secretmanager", "secretsmanager"),
        ] {
            assert_eq!(super::meant(written), Some(meant), "{written}");
        }
        // Names of services added after the list was taken, two or more edits from a
        // listed one: not taken for typos.
        for newer in [
            "simpledbv2",
            "wickr",
            "signin",
            "rtbfabric",
            "mwaaserverless",
            "sagemakerjobruntime",
        ] {
            assert_eq!(super::meant(newer), None, "{newer}");
        }
    }

    /// The CLI's or boto3's name of a service whose SDK name differs (`dms`,
    /// `cognito-idp`), with or without its punctuation, gets the SDK's name; a short
    /// abbreviation a letter from another service's gets no guess (`dms` is not Elastic
    /// Disaster Recovery's `drs`), and IoT Data Plane, which has no integration, none.
    #[test]
    fn other_tools_names_and_short_abbreviations() {
        for (written, meant) in [
            ("dms", "databasemigration"),
            ("ds", "directory"),
            ("es", "elasticsearch"),
            ("cognito-idp", "cognitoidentityprovider"),
            ("cognitoidp", "cognitoidentityprovider"),
            ("eventbridge-scheduler", "scheduler"),
            ("iot-jobs-data", "iotjobsdataplane"),
        ] {
            assert_eq!(super::meant(written), Some(meant), "{written}");
        }
        for none in ["sqx", "abc", "iot-data", "iotdata"] {
            assert_eq!(super::meant(none), None, "{none}");
        }
        // `cognitoidp` (the punctuation hint followed) is reported, not taken for a
        // newer service.
        assert_eq!(
            run("cognitoidp"),
            ["cognitoidp: \"cognitoidp\" is not the AWS SDK name of a service (in \"A\")"]
        );
        // `iotdata` is ASL403's: no integration.
        assert_eq!(run("iotdata"), Vec::<String>::new());
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:iot-data:publish", "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL403"),
            ["iot-data: Step Functions has no AWS SDK integration for \"iot-data\" (in \"A\")"]
        );
    }
}
