use crate::rules::resources::integration_request;
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};
use crate::syntax::{Member, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports a field in the request of an optimized integration (the `Parameters` of
    /// a JSONPath Task, the `Arguments` of a JSONata one) that the API it calls does
    /// not take, with a did-you-mean, for the integrations whose request is small and
    /// settled: Lambda `invoke`, SQS `sendMessage`, SNS `publish`, EventBridge
    /// `putEvents`, Step Functions `startExecution`, the DynamoDB item actions and ECS
    /// `runTask` (at every depth). A name close to a field gets a did-you-mean
    /// (`Paylod` → `Payload`, `TableNmae` → `TableName`); so does one close to a field
    /// of the settled objects inside a request: ECS `NetworkConfiguration`,
    /// `AwsvpcConfiguration`, `Overrides` and its `ContainerOverrides`, EventBridge
    /// `Entries`, SQS and SNS `MessageAttributes` values. Below the top level of an ECS
    /// `runTask` request, every field written in the camel case of the ECS API
    /// reference (`awsvpcConfiguration`) is reported: Step Functions takes them in
    /// Pascal case.
    ///
    /// ## Why is this bad?
    /// Step Functions checks the request of an optimized integration against the API
    /// and refuses a field the API does not have ("The field ... is not supported by
    /// Step Functions"): when the state machine is created (aws/aws-cdk#10014), or, as
    /// reported for a `TaskToken` written beside a Lambda's `Payload`, each time the Task
    /// starts, which fails the state. Either way the field never reaches the service.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Notify", "States": {"Notify": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::sns:publish",
    ///   "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:tickets", "Message.$": "$.summary", "Subjct": "New ticket"},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Notify", "States": {"Notify": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::sns:publish",
    ///   "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:tickets", "Message.$": "$.summary", "Subject": "New ticket"},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A misspelled field gets its name (unsafe).
    pub static RULE = {
        code: "ASL417",
        name: "unknown-integration-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

/// The DynamoDB fields every item action takes.
macro_rules! dynamodb_write {
    ($($extra:literal),*) => {
        &[
            "TableName",
            "ConditionExpression",
            "ConditionalOperator",
            "Expected",
            "ExpressionAttributeNames",
            "ExpressionAttributeValues",
            "ReturnConsumedCapacity",
            "ReturnItemCollectionMetrics",
            "ReturnValues",
            "ReturnValuesOnConditionCheckFailure",
            $($extra),*
        ]
    };
}

/// The request fields of each integration action, from the request syntax of the
/// API it calls.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "lambda:invoke",
        &[
            "FunctionName",
            "Payload",
            "InvocationType",
            "LogType",
            "ClientContext",
            "Qualifier",
        ],
    ),
    (
        "sqs:sendMessage",
        &[
            "QueueUrl",
            "MessageBody",
            "DelaySeconds",
            "MessageAttributes",
            "MessageSystemAttributes",
            "MessageDeduplicationId",
            "MessageGroupId",
        ],
    ),
    (
        "sns:publish",
        &[
            "TopicArn",
            "TargetArn",
            "PhoneNumber",
            "Message",
            "Subject",
            "MessageStructure",
            "MessageAttributes",
            "MessageDeduplicationId",
            "MessageGroupId",
        ],
    ),
    ("events:putEvents", &["Entries"]),
    (
        "states:startExecution",
        &["StateMachineArn", "Input", "Name", "TraceHeader"],
    ),
    (
        "dynamodb:getItem",
        &[
            "TableName",
            "Key",
            "AttributesToGet",
            "ConsistentRead",
            "ExpressionAttributeNames",
            "ProjectionExpression",
            "ReturnConsumedCapacity",
        ],
    ),
    ("dynamodb:putItem", dynamodb_write!("Item")),
    (
        "dynamodb:updateItem",
        dynamodb_write!("Key", "AttributeUpdates", "UpdateExpression"),
    ),
    ("dynamodb:deleteItem", dynamodb_write!("Key")),
    (
        "ecs:runTask",
        &[
            "Cluster",
            "TaskDefinition",
            "LaunchType",
            "NetworkConfiguration",
            "Overrides",
            "Count",
            "Group",
            "PlacementConstraints",
            "PlacementStrategy",
            "PlatformVersion",
            "PropagateTags",
            "ReferenceId",
            "StartedBy",
            "Tags",
            "CapacityProviderStrategy",
            "EnableECSManagedTags",
            "EnableExecuteCommand",
            "VolumeConfigurations",
            "ClientToken",
        ],
    ),
];

/// A fix that renames the field `name` of member `m` to `meant`, keeping the quotes
/// and any `.$` (safe when only the case changes).
/// The request fields of an optimized integration's API (`dynamodb:getItem`), where the
/// table knows them: what editors offer in its Parameters or Arguments.
pub(crate) fn request_fields(action: &str) -> Option<&'static [&'static str]> {
    FIELDS.iter().find(|(a, _)| *a == action).map(|(_, f)| *f)
}

fn rename_key(
    source: &str,
    m: &Member<'_>,
    name: &str,
    meant: &str,
) -> Option<crate::diagnostics::Fix> {
    let at = source.get(m.key_range.as_usize())?.find(name)?;
    let start = m.key_range.start + at as u32;
    let range = TextRange::new(start, start + name.len() as u32);
    Some(crate::rules::spelling_fix(
        name,
        meant,
        range,
        meant.to_string(),
    ))
}

/// Fields of ECS `RunTask` requests whose capitals are not just the first letter's, for
/// the suggestion (the ECS API reference spells them in camel case: `awsvpcConfiguration`).
const ECS_NAMES: &[&str] = &[
    "AwsvpcConfiguration",
    "AssignPublicIp",
    "SecurityGroups",
    "NetworkConfiguration",
    "ContainerOverrides",
    "TaskDefinition",
    "LaunchType",
    "PlatformVersion",
    "EnableExecuteCommand",
    "EnableECSManagedTags",
    "PropagateTags",
    "CapacityProviderStrategy",
    "CapacityProvider",
    "PlacementConstraints",
    "PlacementStrategy",
    "StartedBy",
    "ReferenceId",
    "TaskRoleArn",
    "ExecutionRoleArn",
    "EphemeralStorage",
    "SizeInGiB",
    "EnvironmentFiles",
    "MemoryReservation",
    "ResourceRequirements",
    "InferenceAcceleratorOverrides",
    "DeviceName",
    "DeviceType",
    "VolumeConfigurations",
    "ManagedEBSVolume",
];

/// Objects inside requests whose fields are settled: (action, path from the request,
/// fields). In a path, `*` is each item of an array, `?` each value of an object
/// (a message attribute of any name).
const NESTED: &[(&str, &[&str], &[&str])] = &[
    (
        "ecs:runTask",
        &["NetworkConfiguration"],
        &["AwsvpcConfiguration"],
    ),
    (
        "ecs:runTask",
        &["NetworkConfiguration", "AwsvpcConfiguration"],
        &["AssignPublicIp", "SecurityGroups", "Subnets"],
    ),
    (
        "ecs:runTask",
        &["Overrides"],
        &[
            "ContainerOverrides",
            "Cpu",
            "EphemeralStorage",
            "ExecutionRoleArn",
            "InferenceAcceleratorOverrides",
            "Memory",
            "TaskRoleArn",
        ],
    ),
    (
        "ecs:runTask",
        &["Overrides", "ContainerOverrides", "*"],
        &[
            "Command",
            "Cpu",
            "Environment",
            "EnvironmentFiles",
            "Memory",
            "MemoryReservation",
            "Name",
            "ResourceRequirements",
        ],
    ),
    (
        "events:putEvents",
        &["Entries", "*"],
        &[
            "Detail",
            "DetailType",
            "EventBusName",
            "Resources",
            "Source",
            "Time",
            "TraceHeader",
        ],
    ),
    (
        "sqs:sendMessage",
        &["MessageAttributes", "?"],
        &[
            "BinaryListValues",
            "BinaryValue",
            "DataType",
            "StringListValues",
            "StringValue",
        ],
    ),
    (
        "sns:publish",
        &["MessageAttributes", "?"],
        &["BinaryValue", "DataType", "StringValue"],
    ),
];

/// Reports a misspelt field (one close to a field of [`NESTED`]) in the objects of a
/// request whose fields are settled. Only near misses: a field the table does not
/// list may be one the API has gained. Keys in camel case of an ECS request are left
/// to [`camel_case_ecs_fields`].
fn misspelt_nested_fields(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    state: &str,
    action: &str,
    payload: &str,
    request: &[Member<'_>],
) {
    for (_, path, fields) in NESTED.iter().filter(|(a, _, _)| *a == action) {
        // The objects at `path`, with the path as written for the message.
        let mut objects: Vec<&[Member<'_>]> = vec![request];
        for step in path.iter() {
            let mut next = Vec::new();
            for members in objects {
                match *step {
                    "?" => next.extend(members.iter().filter_map(|m| m.value.as_object())),
                    // Arrays are opened at the name before: their items are here.
                    "*" => next.push(members),
                    name => {
                        for m in members.iter().filter(|m| m.key == name) {
                            match &m.value.value {
                                Value::Object(inner) => next.push(&inner[..]),
                                Value::Array(items) => {
                                    next.extend(items.iter().filter_map(|i| i.as_object()))
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            objects = next;
        }
        let shown = path
            .iter()
            .filter(|s| !matches!(**s, "*" | "?"))
            .copied()
            .collect::<Vec<_>>()
            .join(".");
        for members in objects {
            for m in members {
                let name = m.key.strip_suffix(".$").unwrap_or(&m.key);
                let camel =
                    action == "ecs:runTask" && name.starts_with(|c: char| c.is_ascii_lowercase());
                if fields.contains(&name) || name.contains("${") || camel {
                    continue;
                }
                let Some(meant) = did_you_mean(name, fields.iter().copied()) else {
                    continue;
                };
                let d = sink.report(
                    m.key_range,
                    format!("{action} takes no field \"{name}\" in {shown} of the {payload} of \"{state}\""),
                );
                d.help = Some(format!("did you mean \"{meant}\"?"));
                let taken = members
                    .iter()
                    .any(|o| o.key.strip_suffix(".$").unwrap_or(&o.key) == meant);
                if !taken {
                    d.fixes.extend(rename_key(ctx.source, m, name, meant));
                }
            }
        }
    }
}

/// Reports the keys of an `ecs:runTask` request below its top level that start with a
/// lower-case letter: Step Functions takes the ECS API's fields in Pascal case
/// (`AwsvpcConfiguration`), and refuses the camel case of the ECS API reference ("The
/// field \"awsVpcConfiguration\" is not supported by Step Functions").
fn camel_case_ecs_fields(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    state: &str,
    payload: &str,
    request: &[Member<'_>],
) {
    // (member, whether it is a top-level field, which the table checks).
    let mut stack: Vec<(&Member<'_>, bool)> = request.iter().rev().map(|m| (m, true)).collect();
    while let Some((m, top)) = stack.pop() {
        let name = m.key.strip_suffix(".$").unwrap_or(&m.key);
        if !top && name.starts_with(|c: char| c.is_ascii_lowercase()) {
            let meant = ECS_NAMES
                .iter()
                .find(|known| known.eq_ignore_ascii_case(name))
                .map_or_else(
                    || format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..]),
                    |k| k.to_string(),
                );
            let d = sink.report(
                m.key_range,
                format!(
                    "ecs:runTask takes the ECS API's fields in Pascal case: \"{name}\" in the {payload} of \"{state}\" is not one"
                ),
            );
            d.help = Some(format!("write \"{meant}\""));
            d.fixes.extend(rename_key(ctx.source, m, name, &meant));
        }
        match &m.value.value {
            Value::Object(members) => stack.extend(members.iter().rev().map(|c| (c, false))),
            Value::Array(items) => {
                for item in items.iter().rev() {
                    if let Value::Object(members) = &item.value {
                        stack.extend(members.iter().rev().map(|c| (c, false)));
                    }
                }
            }
            _ => {}
        }
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    // The same few names recur in every Task of a large definition: each is looked
    // up once per action.
    let mut meant: Vec<rustc_hash::FxHashMap<Box<str>, Option<&'static str>>> =
        vec![rustc_hash::FxHashMap::default(); FIELDS.len()];
    for state in machine.all_states() {
        let Some((action, payload, request)) = integration_request(state) else {
            continue;
        };
        if action == "ecs:runTask" {
            camel_case_ecs_fields(ctx, sink, state.name, payload, request);
        }
        misspelt_nested_fields(ctx, sink, state.name, action, payload, request);
        let Some(index) = FIELDS.iter().position(|(a, _)| *a == action) else {
            continue;
        };
        let fields = FIELDS[index].1;
        let unknown: Vec<(&str, &Member<'_>)> = request
            .iter()
            .map(|m| (m.key.strip_suffix(".$").unwrap_or(&m.key), m))
            .filter(|(name, m)| !fields.contains(name) && !name.contains("${") && !m.key.is_empty())
            .collect();
        // A request of none of the API's fields is one mistake, not one per field: most
        // often the input meant for a Lambda function, written where Payload belongs.
        let known = &mut meant[index];
        let mut near = |name: &str| -> Option<&'static str> {
            if let Some(found) = known.get(name) {
                return *found;
            }
            let found = did_you_mean(name, fields.iter().copied());
            known.insert(name.into(), found);
            found
        };
        let misspelled = unknown.iter().any(|(name, _)| near(name).is_some());
        if unknown.len() >= 2 && unknown.len() == request.len() && !misspelled {
            let Some(field) = state.field(payload) else {
                continue;
            };
            let names: Vec<&str> = unknown.iter().map(|(n, _)| *n).collect();
            let d = sink.report(
                field.key_range,
                format!(
                    "none of the fields of the {payload} of \"{}\" ({}) is one {action} takes",
                    state.name,
                    names.join(", ")
                ),
            );
            d.help = Some(if action == "lambda:invoke" {
                "the function's input goes under Payload: {\"FunctionName\": ..., \"Payload\": {...}}"
                    .to_string()
            } else {
                format!("{action} takes {}", fields.join(", "))
            });
            continue;
        }
        let suggestions: Vec<Option<&'static str>> = unknown.iter().map(|(n, _)| near(n)).collect();
        for (&(name, m), &suggested) in unknown.iter().zip(&suggestions) {
            let d = sink.report(
                m.key_range,
                format!(
                    "{action} takes no field \"{name}\" in the {payload} of \"{}\"",
                    state.name
                ),
            );
            match suggested {
                Some(meant) => {
                    d.help = Some(format!("did you mean \"{meant}\"?"));
                    // Not onto a field the request has, in either form (`Subject`,
                    // `Subject.$`): a duplicate key, or both forms of one field.
                    let taken = request
                        .iter()
                        .any(|o| o.key.strip_suffix(".$").unwrap_or(&o.key) == meant);
                    // Nor when another misspelled field would be renamed to it as well
                    // (`queueUrl` and `QUEUEURL`): which one was meant is a guess.
                    let rivals = suggestions.iter().filter(|&&n| n == Some(meant)).count();
                    if !taken && rivals == 1 {
                        d.fixes.extend(rename_key(ctx.source, m, name, meant));
                    }
                }
                None => {
                    d.help = Some(format!("{action} takes {}", fields.join(", ")));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_fixes;
    use crate::syntax::SourceKind;

    /// (text at the range, message) of each finding.
    fn at_and_message(found: &[(String, String, Option<String>)]) -> Vec<(&str, &str)> {
        found
            .iter()
            .map(|(at, m, _)| (at.as_str(), m.as_str()))
            .collect()
    }

    #[test]
    fn unknown_and_misspelled_fields() {
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Paylod.$": "$", "Retries": 3}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken", "Parameters": {"TableNmae": "t", "Item": {}}, "Next": "C"},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m", "MessageGroupId": "g", "${Extra}": 1}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        let messages = at_and_message(&found);
        assert_eq!(
            messages,
            [
                (
                    r#""Paylod.$""#,
                    r#"lambda:invoke takes no field "Paylod" in the Parameters of "A""#
                ),
                (
                    r#""Retries""#,
                    r#"lambda:invoke takes no field "Retries" in the Parameters of "A""#
                ),
                (
                    r#""TableNmae""#,
                    r#"dynamodb:putItem takes no field "TableNmae" in the Parameters of "B""#
                ),
            ]
        );
        assert!(
            found[0]
                .2
                .as_deref()
                .is_some_and(|t| t.contains(r#""Payload.$": "$""#))
        );
        assert!(found[1].2.is_none());
    }

    /// The did-you-mean rename is not offered onto a field the request has already.
    #[test]
    fn no_rename_onto_a_present_field() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "t", "Message": "m", "Mesage": "n", "Subject.$": "$.s", "Subjct": "x", "MessageStructur": "json"}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        let fixed: Vec<(&str, bool)> = found
            .iter()
            .map(|(at, _, fix)| (at.as_str(), fix.is_some()))
            .collect();
        assert_eq!(
            fixed,
            [
                (r#""Mesage""#, false),
                (r#""Subjct""#, false),
                (r#""MessageStructur""#, true)
            ]
        );
        // Two misspellings of one field: which one was meant is a guess.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"queueUrl": "q", "QUEUEURL": "r", "MessageBody": "m"}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|(_, _, fix)| fix.is_none()));
    }

    #[test]
    fn a_request_of_no_api_field_is_one_mistake() {
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "ticketId.$": "$.id", "priority": "high"}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"ticketId.$": "$.id", "priority": "high"}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        let messages = at_and_message(&found);
        assert_eq!(
            messages,
            [
                (
                    r#""ticketId.$""#,
                    r#"lambda:invoke takes no field "ticketId" in the Parameters of "A""#
                ),
                (
                    r#""priority""#,
                    r#"lambda:invoke takes no field "priority" in the Parameters of "A""#
                ),
                (
                    r#""Parameters""#,
                    r#"none of the fields of the Parameters of "B" (ticketId, priority) is one lambda:invoke takes"#
                ),
            ]
        );
    }

    #[test]
    fn jsonata_arguments() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Arguments": {"TopicArn": "t", "Mesage": "{% $states.input.m %}"}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $states.input %}", "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].1,
            r#"sns:publish takes no field "Mesage" in the Arguments of "A""#
        );
        assert!(
            found[0]
                .2
                .as_deref()
                .is_some_and(|t| t.contains(r#""Message": "{% $states.input.m %}""#))
        );
    }

    #[test]
    fn ecs_fields_in_camel_case() {
        // The top level against RunTask's fields (case-only: a safe fix), the levels
        // below by their first letter.
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {"cluster": "c", "TaskDefinition": "t", "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": ["s"]}}}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        assert_eq!(
            at_and_message(&found),
            [
                (
                    "\"cluster\"",
                    "ecs:runTask takes no field \"cluster\" in the Parameters of \"A\""
                ),
                (
                    "\"awsvpcConfiguration\"",
                    "ecs:runTask takes the ECS API's fields in Pascal case: \"awsvpcConfiguration\" in the Parameters of \"A\" is not one"
                ),
            ]
        );
        let fixed = found[0].2.as_deref().unwrap_or_default();
        assert!(fixed.contains(r#""Cluster": "c""#), "{fixed}");
        let fixed = found[1].2.as_deref().unwrap_or_default();
        assert!(fixed.contains(r#""AwsvpcConfiguration": {"#), "{fixed}");
    }

    /// A near miss in the settled objects inside a request; names far from every field
    /// (which the API may have gained) and camel case (reported above) are left.
    #[test]
    fn misspelt_fields_inside_a_request() {
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {"Cluster": "c", "TaskDefinition": "t",
              "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["s"], "AssignPublicIP": "ENABLED", "NewField": 1}},
              "Overrides": {"ContainerOverrides": [{"Name": "app", "Enviroment": []}, {"Name": "side", "command": ["x"]}]}}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents", "Parameters": {"Entries": [{"Source": "s", "Detailtype": "d", "Detail": {}}]}, "Next": "C"},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m",
              "MessageAttributes": {"kind": {"DataType": "String", "Stringvalue": "k"}}}, "End": true}}}"#;
        let found = located_fixes(text, SourceKind::Json, "ASL417");
        assert_eq!(
            at_and_message(&found),
            [
                (
                    "\"AssignPublicIP\"",
                    "ecs:runTask takes no field \"AssignPublicIP\" in NetworkConfiguration.AwsvpcConfiguration of the Parameters of \"A\""
                ),
                (
                    "\"Enviroment\"",
                    "ecs:runTask takes no field \"Enviroment\" in Overrides.ContainerOverrides of the Parameters of \"A\""
                ),
                (
                    "\"command\"",
                    "ecs:runTask takes the ECS API's fields in Pascal case: \"command\" in the Parameters of \"A\" is not one"
                ),
                (
                    "\"Detailtype\"",
                    "events:putEvents takes no field \"Detailtype\" in Entries of the Parameters of \"B\""
                ),
                (
                    "\"Stringvalue\"",
                    "sqs:sendMessage takes no field \"Stringvalue\" in MessageAttributes of the Parameters of \"C\""
                ),
            ]
        );
        let fixed = found[0].2.as_deref().unwrap_or_default();
        assert!(fixed.contains(r#""AssignPublicIp": "ENABLED""#), "{fixed}");
    }
}
