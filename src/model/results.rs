//! What the optimized service integrations return: the fields of a Task's result
//! before any `ResultSelector`, for the integrations whose response has a fixed shape.
//! Taken from executions recorded on AWS (`lambda:invoke`, `sqs:sendMessage`,
//! `sns:publish`, `events:putEvents`, `states:startExecution` with and without
//! `.sync`, `apigateway:invoke`) and the response syntax of the APIs the others call.
//! Shared by the rules that judge reads of a result (ASL410, ASL414) and by the
//! editor's completion.

/// The Lambda `Invoke` response that `lambda:invoke` returns (`LogResult`, the tail
/// of the function's log, only when the request sets `LogType: Tail`).
pub const LAMBDA_INVOKE: &[&str] = &[
    "ExecutedVersion",
    "LogResult",
    "Payload",
    "SdkHttpMetadata",
    "SdkResponseMetadata",
    "StatusCode",
];

/// What `states:startExecution` returns without `.sync`.
pub const EXECUTION_STARTED: &[&str] = &[
    "ExecutionArn",
    "StartDate",
    "SdkHttpMetadata",
    "SdkResponseMetadata",
];

/// What `states:startExecution.sync` (`:2`) returns: the `DescribeExecution` response.
pub const EXECUTION_DESCRIBED: &[&str] = &[
    "ExecutionArn",
    "StateMachineArn",
    "Name",
    "Status",
    "StartDate",
    "StopDate",
    "Input",
    "InputDetails",
    "Output",
    "OutputDetails",
    "Error",
    "Cause",
    "TraceHeader",
    "MapRunArn",
    "StateMachineVersionArn",
    "StateMachineAliasArn",
    "RedriveCount",
    "RedriveDate",
    "RedriveStatus",
    "RedriveStatusReason",
];

/// What an HTTP call (`apigateway:invoke`, `http:invoke`) returns.
const HTTP_RESPONSE: &[&str] = &["ResponseBody", "Headers", "StatusCode", "StatusText"];

/// The fields of the result of the integration `action` (`lambda:invoke`,
/// `states:startExecution.sync:2`), when its shape is known.
pub fn result_fields(action: &str) -> Option<&'static [&'static str]> {
    Some(match action {
        "lambda:invoke" => LAMBDA_INVOKE,
        "states:startExecution" => EXECUTION_STARTED,
        "states:startExecution.sync" | "states:startExecution.sync:2" => EXECUTION_DESCRIBED,
        "apigateway:invoke" | "http:invoke" => HTTP_RESPONSE,
        "sqs:sendMessage" => &[
            "MessageId",
            "MD5OfMessageBody",
            "SdkHttpMetadata",
            "SdkResponseMetadata",
        ],
        "sns:publish" => &[
            "MessageId",
            "SequenceNumber",
            "SdkHttpMetadata",
            "SdkResponseMetadata",
        ],
        "events:putEvents" => &["Entries", "FailedEntryCount"],
        "dynamodb:getItem" => &["Item", "SdkHttpMetadata", "SdkResponseMetadata"],
        _ => return None,
    })
}
