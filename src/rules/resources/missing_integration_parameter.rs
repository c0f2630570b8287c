use crate::model::QueryLanguage;
use crate::rules::resources::{integration_resource, split_pattern};
use crate::rules::{LintContext, Sink, and_list, declare_rule};
use crate::syntax::Value;

declare_rule! {
    /// ## What it does
    /// Reports a Task that calls an optimized service integration
    /// (`arn:aws:states:::<service>:<action>`, with or without `.sync` or
    /// `.waitForTaskToken`) without a request field that the integration requires: no
    /// `FunctionName` for `lambda:invoke`, no `QueueUrl` or `MessageBody` for
    /// `sqs:sendMessage`, no connection for `http:invoke`, no `Bucket` or `Key` in a
    /// Distributed Map's `ItemReader`, no `ClientToken` for
    /// `aws-sdk:emrserverless:startJobRun` (an idempotency token that SDKs fill in and
    /// Step Functions does not), and so on. A field counts when its key is in
    /// `Parameters` (JSONPath, as `X` or `X.$`) or `Arguments` (JSONata); only its
    /// presence matters, so a `${Placeholder}` or a path as its value is fine. A Task
    /// with no `Parameters` or `Arguments` at all lacks every required field.
    /// `Arguments` given as one `{% %}` expression, or holding a key computed at deploy
    /// time, are not checked.
    ///
    /// The fields checked, per integration: `lambda:invoke` FunctionName;
    /// `sqs:sendMessage` QueueUrl, MessageBody; `sns:publish` Message, and one of
    /// TopicArn, TargetArn or PhoneNumber; `dynamodb:getItem`, `deleteItem` and
    /// `updateItem` TableName, Key; `dynamodb:putItem` TableName, Item;
    /// `states:startExecution` StateMachineArn; `ecs:runTask` TaskDefinition;
    /// `glue:startJobRun` JobName; `databrew:startJobRun` Name; `batch:submitJob`
    /// JobDefinition, JobName, JobQueue; `events:putEvents` Entries;
    /// `athena:startQueryExecution` QueryString, `getQueryExecution` and
    /// `getQueryResults` QueryExecutionId; `codebuild:startBuild` and `startBuildBatch`
    /// ProjectName, `stopBuild` Id; `eks:runJob` ClusterName, CertificateAuthority,
    /// Endpoint, Job, and `eks:call` the same three with Method and Path;
    /// `bedrock:invokeModel` ModelId, and Body or Input; `elasticmapreduce:addStep`
    /// ClusterId, Step, `terminateCluster` ClusterId, `createCluster` Name, Instances;
    /// `emr-serverless:startJobRun` ApplicationId, ExecutionRoleArn;
    /// `mediaconvert:createJob` Role, Settings; `apigateway:invoke` ApiEndpoint,
    /// Method; `http:invoke` ApiEndpoint, Method, and the EventBridge connection as
    /// `Authentication` or `InvocationConfig`. A few AWS SDK calls whose API requires an
    /// idempotency token, which SDKs fill in and Step Functions does not:
    /// `aws-sdk:emrserverless:startJobRun` (ApplicationId, ClientToken,
    /// ExecutionRoleArn), `createApplication` (ClientToken, ReleaseLabel, Type),
    /// `aws-sdk:emrcontainers:startJobRun` (ClientToken, VirtualClusterId). A
    /// Distributed Map's `ItemReader` needs Bucket and Key for `s3:getObject`, Bucket for
    /// `s3:listObjectsV2`; its `ResultWriter` Bucket for `s3:putObject`.
    ///
    /// ## Why is this bad?
    /// Step Functions checks the request of an optimized integration against the API it
    /// calls when the state machine is created, and rejects a definition whose request
    /// lacks a required field (`SCHEMA_VALIDATION_FAILED`, "The field 'FunctionName' is
    /// required but was missing"). A Task with no `Parameters`/`Arguments` at all sends
    /// an empty request, which the called API refuses on every run even where the
    /// definition is accepted: the missing field is the function, queue, table or job the
    /// task is about.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f", "Payload.$": "$"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL408",
        name: "missing-integration-parameter",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

/// What a request must hold.
#[derive(Clone, Copy, Debug)]
enum Need {
    /// This field.
    Field(&'static str),
    /// At least one of these fields.
    OneOf(&'static [&'static str]),
}

use Need::{Field, OneOf};

/// The required request fields of optimized integrations (`service`, `action`), from
/// the request syntax of each API (its required members) as the Step Functions
/// integration pages name them.
const REQUIRED: &[(&str, &str, &[Need])] = &[
    ("lambda", "invoke", &[Field("FunctionName")]),
    (
        "sqs",
        "sendMessage",
        &[Field("QueueUrl"), Field("MessageBody")],
    ),
    (
        "sns",
        "publish",
        &[
            Field("Message"),
            OneOf(&["TopicArn", "TargetArn", "PhoneNumber"]),
        ],
    ),
    ("dynamodb", "getItem", &[Field("TableName"), Field("Key")]),
    (
        "dynamodb",
        "deleteItem",
        &[Field("TableName"), Field("Key")],
    ),
    (
        "dynamodb",
        "updateItem",
        &[Field("TableName"), Field("Key")],
    ),
    ("dynamodb", "putItem", &[Field("TableName"), Field("Item")]),
    ("states", "startExecution", &[Field("StateMachineArn")]),
    ("ecs", "runTask", &[Field("TaskDefinition")]),
    ("glue", "startJobRun", &[Field("JobName")]),
    ("databrew", "startJobRun", &[Field("Name")]),
    (
        "batch",
        "submitJob",
        &[Field("JobDefinition"), Field("JobName"), Field("JobQueue")],
    ),
    ("events", "putEvents", &[Field("Entries")]),
    ("athena", "startQueryExecution", &[Field("QueryString")]),
    ("athena", "getQueryExecution", &[Field("QueryExecutionId")]),
    ("athena", "getQueryResults", &[Field("QueryExecutionId")]),
    ("codebuild", "startBuild", &[Field("ProjectName")]),
    ("codebuild", "startBuildBatch", &[Field("ProjectName")]),
    ("codebuild", "stopBuild", &[Field("Id")]),
    // The EKS page marks these "Required: yes".
    (
        "eks",
        "runJob",
        &[
            Field("ClusterName"),
            Field("CertificateAuthority"),
            Field("Endpoint"),
            Field("Job"),
        ],
    ),
    (
        "eks",
        "call",
        &[
            Field("ClusterName"),
            Field("CertificateAuthority"),
            Field("Endpoint"),
            Field("Method"),
            Field("Path"),
        ],
    ),
    // The Bedrock page: the model, and its input in `Body` or from S3 in `Input`.
    (
        "bedrock",
        "invokeModel",
        &[Field("ModelId"), OneOf(&["Body", "Input"])],
    ),
    (
        "elasticmapreduce",
        "addStep",
        &[Field("ClusterId"), Field("Step")],
    ),
    (
        "elasticmapreduce",
        "terminateCluster",
        &[Field("ClusterId")],
    ),
    (
        "elasticmapreduce",
        "createCluster",
        &[Field("Name"), Field("Instances")],
    ),
    (
        "emr-serverless",
        "startJobRun",
        &[Field("ApplicationId"), Field("ExecutionRoleArn")],
    ),
    (
        "mediaconvert",
        "createJob",
        &[Field("Role"), Field("Settings")],
    ),
    (
        "apigateway",
        "invoke",
        &[Field("ApiEndpoint"), Field("Method")],
    ),
    (
        "http",
        "invoke",
        &[
            Field("ApiEndpoint"),
            Field("Method"),
            OneOf(&["Authentication", "InvocationConfig"]),
        ],
    ),
    // AWS SDK calls whose API requires an idempotency token: an SDK fills it in, Step
    // Functions does not ("The field 'ClientToken' is required", recorded for
    // emrserverless:startJobRun).
    (
        "aws-sdk",
        "emrserverless:startJobRun",
        &[
            Field("ApplicationId"),
            Field("ClientToken"),
            Field("ExecutionRoleArn"),
        ],
    ),
    (
        "aws-sdk",
        "emrserverless:createApplication",
        &[Field("ClientToken"), Field("ReleaseLabel"), Field("Type")],
    ),
    (
        "aws-sdk",
        "emrcontainers:startJobRun",
        &[Field("ClientToken"), Field("VirtualClusterId")],
    ),
];

/// Request fields that are idempotency tokens, which SDKs fill in on their own.
const TOKENS: &[&str] = &["ClientToken"];

fn required(service: &str, action: &str) -> Option<&'static [Need]> {
    REQUIRED
        .iter()
        .find(|(s, a, _)| *s == service && *a == action)
        .map(|(_, _, n)| *n)
}

/// The fields an optimized integration's API (`dynamodb:getItem`) requires, with those
/// of which one is enough: what editors mark as required in its Parameters.
pub(crate) fn required_fields(action: &str) -> Vec<&'static str> {
    let (service, api) = action.split_once(':').unwrap_or((action, ""));
    required(service, api)
        .unwrap_or_default()
        .iter()
        .flat_map(|need| match need {
            Field(f) => std::slice::from_ref(f),
            OneOf(fs) => fs,
        })
        .copied()
        .collect()
}

/// A key whose text is only known at deploy time (or is an expression).
fn computed_key(key: &str) -> bool {
    // `${`, `{%` or `#{`, in one pass (three `contains` each set up a searcher).
    key.as_bytes()
        .windows(2)
        .any(|w| matches!(w, b"${" | b"{%" | b"#{"))
}

fn describe(need: Need) -> String {
    match need {
        Field(f) => format!("'{f}'"),
        OneOf(fs) => {
            let quoted: Vec<String> = fs.iter().map(|f| format!("'{f}'")).collect();
            match quoted.split_last() {
                Some((last, init)) if !init.is_empty() => {
                    format!("one of {} or {last}", init.join(", "))
                }
                _ => quoted.join(""),
            }
        }
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((resource, _, arn)) = integration_resource(state) else {
            continue;
        };
        let Some((service, action)) = arn.resource.split_once(':') else {
            continue;
        };
        let (action, Some(_)) = split_pattern(action) else {
            continue;
        };
        let Some(needs) = required(service, action) else {
            continue;
        };
        let resource_range = resource.range;
        let what = format!("{service}:{action}");
        let request = Request {
            owner: format!("\"{}\"", state.name),
            members: state.members(),
            language: state.query_language,
            what,
            resource_range,
        };
        report_missing(&request, needs, sink);
    }
    // A Distributed Map's reader and writer call S3 with a request of their own.
    for state in machine.all_states() {
        for (key, needs_of) in [
            (
                "ItemReader",
                reader_needs as fn(&str) -> Option<&'static [Need]>,
            ),
            ("ResultWriter", writer_needs),
        ] {
            let Some(config) = state.field(key) else {
                continue;
            };
            let (Some(members), Some(resource)) =
                (config.value.as_object(), config.value.get("Resource"))
            else {
                continue;
            };
            let Some(action) = resource
                .as_str()
                .and_then(|r| r.strip_prefix("arn:"))
                .and_then(|r| r.split_once(":states:::"))
                .map(|(_, a)| a)
            else {
                continue;
            };
            let Some(needs) = needs_of(action) else {
                continue;
            };
            let request = Request {
                owner: format!("the {key} of \"{}\"", state.name),
                members,
                language: state.query_language,
                what: action.to_string(),
                resource_range: resource.range,
            };
            report_missing(&request, needs, sink);
        }
    }
}

/// What an `ItemReader` with this S3 action needs in its request.
fn reader_needs(action: &str) -> Option<&'static [Need]> {
    match action {
        "s3:getObject" => Some(&[Field("Bucket"), Field("Key")]),
        "s3:listObjectsV2" => Some(&[Field("Bucket")]),
        _ => None,
    }
}

/// What a `ResultWriter` with this S3 action needs in its request.
fn writer_needs(action: &str) -> Option<&'static [Need]> {
    (action == "s3:putObject").then_some(&[Field("Bucket")])
}

/// An object that sends a request: a Task state, or a Map's reader or writer.
struct Request<'a, 's> {
    /// `"Open case"`, `the ItemReader of "Each file"`.
    owner: String,
    /// The members of the object that holds the request field.
    members: &'a [crate::syntax::Member<'s>],
    language: QueryLanguage,
    /// `service:action`.
    what: String,
    resource_range: crate::syntax::TextRange,
}

fn report_missing(request: &Request<'_, '_>, needs: &[Need], sink: &mut Sink<'_>) {
    let get = |key: &str| request.members.iter().find(|m| m.key == key);
    let field = match request.language {
        QueryLanguage::JsonAta => "Arguments",
        QueryLanguage::JsonPath => "Parameters",
    };
    let payload = get(field);
    let other = if field == "Arguments" {
        "Parameters"
    } else {
        "Arguments"
    };
    if payload.is_none() && get(other).is_some() {
        // The payload is in the other language's field: ASL111 reports that.
        return;
    }
    let present: Vec<&str> = match payload {
        None => Vec::new(),
        Some(p) => {
            if p.value.is_unknown() {
                return;
            }
            // A `{% %}` expression, or a value of the wrong type (ASL113's).
            let Value::Object(members) = &p.value.value else {
                return;
            };
            if members.iter().any(|m| computed_key(&m.key)) {
                return;
            }
            members
                .iter()
                .map(|m| match request.language {
                    QueryLanguage::JsonPath => m.key.strip_suffix(".$").unwrap_or(&m.key),
                    QueryLanguage::JsonAta => &m.key,
                })
                .collect()
        }
    };
    let missing: Vec<String> = needs
        .iter()
        .filter(|n| match n {
            Field(f) => !present.contains(f),
            OneOf(fs) => !fs.iter().any(|f| present.contains(f)),
        })
        .map(|n| describe(*n))
        .collect();
    if missing.is_empty() {
        return;
    }
    let (owner, what) = (&request.owner, &request.what);
    let (range, message) = match payload {
        Some(p) => (
            p.key_range,
            format!(
                "{field} of {owner} lack {}, required by {what}",
                and_list(&missing)
            ),
        ),
        None => (
            request.resource_range,
            format!(
                "{} calls {what} without {field}: {} {} required",
                capitalised(owner),
                and_list(&missing),
                if missing.len() == 1 { "is" } else { "are" }
            ),
        ),
    };
    let d = sink.report(range, message);
    let token = needs.iter().find_map(|n| match n {
        Field(f) if TOKENS.contains(f) && !present.contains(f) => Some(*f),
        _ => None,
    });
    d.help = Some(match (token, payload) {
        (Some(t), _) => format!(
            "'{t}' is an idempotency token that AWS SDKs fill in and Step Functions does not: pass one, such as \"{t}.$\": \"States.UUID()\" (JSONPath) or \"{t}\": \"{{% $uuid() %}}\" (JSONata)"
        ),
        (None, Some(_)) => format!(
            "add the missing field{} to {field}",
            if missing.len() == 1 { "" } else { "s" }
        ),
        (None, None) => format!("add {field} with the request of {what}"),
    });
}

/// `the ItemReader of "M"` → `The ItemReader of "M"`.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn run(text: &str) -> Vec<String> {
        let options = LintOptions {
            select: vec!["ASL408".into()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        lint_text(text, SourceKind::Json, &options)
            .into_iter()
            .map(|d| format!("{} @{}", d.message, &text[d.range.as_usize()]))
            .collect()
    }

    fn task(resource: &str, rest: &str) -> String {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}"{rest}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn computed_keys_are_placeholders_or_expressions() {
        for key in ["${Name}", "a{%b", "x#{y}", "{%"] {
            assert!(super::computed_key(key), "{key}");
        }
        for key in ["Name", "$", "${", "{", "%{", "#", "a$b{"] {
            assert_eq!(super::computed_key(key), key == "${", "{key}");
        }
    }

    #[test]
    fn missing_fields_are_named_with_the_integration() {
        assert_eq!(
            run(&task(
                "arn:aws:states:::lambda:invoke",
                r#", "Parameters": {"Payload.$": "$"}"#
            )),
            vec![
                "Parameters of \"T\" lack 'FunctionName', required by lambda:invoke @\"Parameters\""
            ]
        );
        assert_eq!(
            run(&task(
                "arn:aws:states:::batch:submitJob.sync",
                r#", "Parameters": {"JobName": "j"}"#
            )),
            vec![
                "Parameters of \"T\" lack 'JobDefinition' and 'JobQueue', required by batch:submitJob @\"Parameters\""
            ]
        );
        assert_eq!(
            run(&task(
                "arn:aws:states:::sns:publish",
                r#", "Parameters": {"Subject": "s"}"#
            )),
            vec![
                "Parameters of \"T\" lack 'Message' and one of 'TopicArn', 'TargetArn' or 'PhoneNumber', required by sns:publish @\"Parameters\""
            ]
        );
    }

    #[test]
    fn the_larger_integrations_have_their_required_fields() {
        assert_eq!(
            run(&task(
                "arn:aws:states:::eks:call",
                r#", "Parameters": {"ClusterName": "c", "CertificateAuthority": "a", "Endpoint": "https://e", "Method": "GET"}"#
            )),
            vec!["Parameters of \"T\" lack 'Path', required by eks:call @\"Parameters\""]
        );
        assert_eq!(
            run(&task(
                "arn:aws:states:::bedrock:invokeModel",
                r#", "Parameters": {"ModelId": "m"}"#
            )),
            vec![
                "Parameters of \"T\" lack one of 'Body' or 'Input', required by bedrock:invokeModel @\"Parameters\""
            ]
        );
        assert!(
            run(&task(
                "arn:aws:states:::bedrock:invokeModel",
                r#", "Parameters": {"ModelId": "m", "Input": {"S3Uri": "s3://b/k"}}"#
            ))
            .is_empty()
        );
        assert_eq!(
            run(&task(
                "arn:aws:states:::elasticmapreduce:addStep.sync",
                r#", "Parameters": {"ClusterId.$": "$.cluster"}"#
            )),
            vec![
                "Parameters of \"T\" lack 'Step', required by elasticmapreduce:addStep @\"Parameters\""
            ]
        );
    }

    #[test]
    fn aws_sdk_idempotency_tokens() {
        let text = task(
            "arn:aws:states:::aws-sdk:emrserverless:startJobRun",
            r#", "Parameters": {"ApplicationId": "a", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r"}"#,
        );
        assert_eq!(
            run(&text),
            vec![
                "Parameters of \"T\" lack 'ClientToken', required by aws-sdk:emrserverless:startJobRun @\"Parameters\""
            ]
        );
        let d = crate::lint::lint_text(&text, SourceKind::Json, &Default::default());
        let help = d
            .iter()
            .find(|d| d.code == "ASL408")
            .and_then(|d| d.help.clone());
        assert!(
            help.unwrap()
                .starts_with("'ClientToken' is an idempotency token")
        );
        assert!(
            run(&task(
                "arn:aws:states:::aws-sdk:emrserverless:startJobRun",
                r#", "Parameters": {"ApplicationId": "a", "ExecutionRoleArn": "r", "ClientToken.$": "States.UUID()"}"#
            ))
            .is_empty()
        );
    }

    #[test]
    fn no_payload_at_all_points_at_the_resource() {
        assert_eq!(
            run(&task(
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                ""
            )),
            vec![
                "\"T\" calls sqs:sendMessage without Parameters: 'QueueUrl' and 'MessageBody' are required @\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\""
            ]
        );
    }

    #[test]
    fn present_fields_in_any_form_count() {
        for rest in [
            r#", "Parameters": {"FunctionName.$": "$.fn"}"#,
            r#", "Parameters": {"FunctionName": "${FunctionArn}"}"#,
            r#", "Parameters": {"FunctionName": {"Fn::GetAtt": ["F", "Arn"]}}"#,
            r#", "QueryLanguage": "JSONata", "Arguments": {"FunctionName": "{% $f %}"}"#,
            r#", "QueryLanguage": "JSONata", "Arguments": "{% $states.input %}""#,
            r#", "QueryLanguage": "JSONata", "Arguments": {"${Key}": "f"}"#,
        ] {
            assert!(
                run(&task("arn:aws:states:::lambda:invoke", rest)).is_empty(),
                "{rest}"
            );
        }
        // `X.$` is JSONPath's; in JSONata Arguments it is another key.
        assert_eq!(
            run(&task(
                "arn:aws:states:::lambda:invoke",
                r#", "QueryLanguage": "JSONata", "Arguments": {"FunctionName.$": "$.f"}"#
            )),
            vec![
                "Arguments of \"T\" lack 'FunctionName', required by lambda:invoke @\"Arguments\""
            ]
        );
        let one_of = r#", "Parameters": {"Message": "m", "PhoneNumber": "+15555550100"}"#;
        assert!(run(&task("arn:aws:states:::sns:publish", one_of)).is_empty());
    }

    #[test]
    fn http_tasks_need_a_connection() {
        let http = "arn:aws:states:::http:invoke";
        assert_eq!(
            run(&task(
                http,
                r#", "Parameters": {"ApiEndpoint": "https://example.com/t", "Method": "GET"}"#
            )),
            vec![
                "Parameters of \"T\" lack one of 'Authentication' or 'InvocationConfig', required by http:invoke @\"Parameters\""
            ]
        );
        let auth = r#", "Parameters": {"ApiEndpoint": "https://example.com/t", "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"}}"#;
        assert!(run(&task(http, auth)).is_empty());
    }

    fn map(reader: &str, writer: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemReader": {reader}, "ResultWriter": {writer}, "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}, "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn map_readers_and_writers_need_their_bucket() {
        let writer = r#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"}}"#;
        let reader = r#"{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "in"}}"#;
        assert_eq!(
            run(&map(reader, writer)),
            vec![
                "Parameters of the ItemReader of \"M\" lack 'Key', required by s3:getObject @\"Parameters\""
            ]
        );
        let listing =
            r#"{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "in"}}"#;
        let bare_writer = r#"{"Resource": "arn:aws:states:::s3:putObject"}"#;
        assert_eq!(
            run(&map(listing, bare_writer)),
            vec![
                "The ResultWriter of \"M\" calls s3:putObject without Parameters: 'Bucket' is required @\"arn:aws:states:::s3:putObject\""
            ]
        );
        assert!(run(&map(listing, writer)).is_empty());
    }

    #[test]
    fn other_resources_are_not_checked() {
        for resource in [
            "arn:aws:states:::aws-sdk:lambda:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:states:::lambda:invok",
            "arn:aws:states:::sagemaker:createModel",
            "${LambdaInvoke}",
        ] {
            assert!(run(&task(resource, "")).is_empty(), "{resource}");
        }
    }
}
