//! 4xx: Task resources and ARNs.
pub mod aws_sdk_field_case;
pub mod express_unsupported_pattern;
pub mod fail_path_misses_result;
pub mod function_arn_payload_read;
pub mod invalid_integration_parameter;
pub mod invalid_item_reader_resource;
pub mod invalid_lambda_arn;
pub mod invalid_resource_arn;
pub mod lambda_payload_not_selected;
pub mod missing_integration_parameter;
pub mod missing_task_token;
pub mod nested_execution_result_misread;
pub mod partition_mismatch;
pub mod service_integration_with_region;
pub mod task_token_without_callback;
pub mod unknown_aws_sdk_service;
pub mod unknown_integration_field;
pub mod unknown_result_field;
pub mod unknown_service_integration;
pub mod unsupported_integration_pattern;

use crate::model::{State, StateType};
use crate::syntax::{Member, Node, TextRange, Value, string_source_offset};

/// Partitions of AWS.
pub(crate) const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// An ARN split into its six parts (`resource` keeps its colons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arn<'s> {
    pub partition: &'s str,
    pub service: &'s str,
    pub region: &'s str,
    pub account: &'s str,
    pub resource: &'s str,
    /// Byte offset of `resource` in the ARN text.
    pub resource_offset: usize,
}

pub(crate) fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let rest = s.strip_prefix("arn:")?;
    // The first four colons split the parts (as `splitn(5, ':')`, found with memchr:
    // six rules parse every Task's ARN). A colon inside a deploy-time placeholder
    // (`${AWS::Partition}`) splits nothing.
    let (a, b, c, d) = if has_placeholder_brace(rest) {
        let mut colons = colons_outside_placeholders(rest);
        (
            colons.next()?,
            colons.next()?,
            colons.next()?,
            colons.next()?,
        )
    } else {
        let mut colons = memchr::memchr_iter(b':', rest.as_bytes());
        (
            colons.next()?,
            colons.next()?,
            colons.next()?,
            colons.next()?,
        )
    };
    let partition = &rest[..a];
    let service = &rest[a + 1..b];
    let region = &rest[b + 1..c];
    let account = &rest[c + 1..d];
    let resource = &rest[d + 1..];
    Some(Arn {
        partition,
        service,
        region,
        account,
        resource,
        resource_offset: s.len() - resource.len(),
    })
}

/// The offsets of the colons of `s` that are not inside a `${...}` or `#{...}`.
fn colons_outside_placeholders(s: &str) -> impl Iterator<Item = usize> + '_ {
    let b = s.as_bytes();
    let mut depth = 0usize;
    (0..b.len()).filter(move |&i| {
        match b[i] {
            b'{' if i > 0 && matches!(b[i - 1], b'$' | b'#') => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' => return depth == 0,
            _ => {}
        }
        false
    })
}

/// Integration patterns of optimized integrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

impl Pattern {
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }
}

/// One optimized integration: its service name in `arn:aws:states:::<service>:<action>`,
/// its actions and the patterns beyond request-response it supports. From the AWS table
/// "Optimized integrations for Step Functions" and each service's page, which lists its
/// optimized APIs (any other action goes through `aws-sdk`).
pub(crate) struct Integration {
    pub service: &'static str,
    pub actions: &'static [&'static str],
    pub sync: bool,
    pub sync2: bool,
    pub wait: bool,
    /// The actions of a service with `.sync` that are request-response only (each
    /// service's page in the developer guide lists the pattern per API).
    pub no_sync: &'static [&'static str],
}

impl Integration {
    /// The patterns beyond request-response that `action` takes: `.sync`, `.sync:2`,
    /// `.waitForTaskToken`.
    pub fn patterns(&self, action: &str) -> [bool; 3] {
        let sync = self.sync && !self.no_sync.contains(&action);
        [sync, self.sync2 && sync, self.wait]
    }

    /// The same, with `.sync` only where the action takes it.
    const fn sync_except(mut self, no_sync: &'static [&'static str]) -> Integration {
        self.no_sync = no_sync;
        self
    }
}

const fn i(
    service: &'static str,
    actions: &'static [&'static str],
    sync: bool,
    wait: bool,
) -> Integration {
    Integration {
        service,
        actions,
        sync,
        sync2: false,
        wait,
        no_sync: &[],
    }
}

pub(crate) const INTEGRATIONS: &[Integration] = &[
    i("apigateway", &["invoke"], false, true),
    i(
        "athena",
        &[
            "startQueryExecution",
            "stopQueryExecution",
            "getQueryExecution",
            "getQueryResults",
        ],
        true,
        false,
    )
    .sync_except(&["stopQueryExecution", "getQueryExecution", "getQueryResults"]),
    i("batch", &["submitJob"], true, false),
    i(
        "bedrock",
        &["invokeModel", "createModelCustomizationJob"],
        true,
        true,
    )
    .sync_except(&["invokeModel"]),
    i(
        "codebuild",
        &[
            "startBuild",
            "stopBuild",
            "batchDeleteBuilds",
            "batchGetReports",
            "startBuildBatch",
            "stopBuildBatch",
            "retryBuildBatch",
            "deleteBuildBatch",
        ],
        true,
        false,
    )
    .sync_except(&[
        "stopBuild",
        "batchDeleteBuilds",
        "batchGetReports",
        "stopBuildBatch",
        "deleteBuildBatch",
    ]),
    i(
        "dynamodb",
        &["getItem", "putItem", "updateItem", "deleteItem"],
        false,
        false,
    ),
    i("ecs", &["runTask"], true, true),
    i(
        "eks",
        &[
            "runJob",
            "call",
            "createCluster",
            "deleteCluster",
            "createFargateProfile",
            "deleteFargateProfile",
            "createNodegroup",
            "deleteNodegroup",
        ],
        true,
        // The EKS page: "The Wait for a Callback with the Task Token integration
        // pattern is not supported" (the summary table says otherwise).
        false,
    )
    .sync_except(&["call"]),
    i(
        "elasticmapreduce",
        &[
            "createCluster",
            "terminateCluster",
            "addStep",
            "cancelStep",
            "setClusterTerminationProtection",
            "modifyInstanceFleetByName",
            "modifyInstanceGroupByName",
        ],
        true,
        false,
    )
    .sync_except(&[
        "cancelStep",
        "setClusterTerminationProtection",
        "modifyInstanceFleetByName",
        "modifyInstanceGroupByName",
    ]),
    i(
        "emr-containers",
        &[
            "createVirtualCluster",
            "deleteVirtualCluster",
            "startJobRun",
        ],
        true,
        false,
    )
    .sync_except(&["createVirtualCluster"]),
    i(
        "emr-serverless",
        &[
            "createApplication",
            "startApplication",
            "stopApplication",
            "deleteApplication",
            "startJobRun",
            "cancelJobRun",
        ],
        true,
        false,
    ),
    i("events", &["putEvents"], false, true),
    i("glue", &["startJobRun"], true, false),
    i("databrew", &["startJobRun"], true, false),
    i("lambda", &["invoke"], false, true),
    i("mediaconvert", &["createJob"], true, false),
    i(
        "sagemaker",
        &[
            "createEndpoint",
            "createEndpointConfig",
            "createHyperParameterTuningJob",
            "createLabelingJob",
            "createModel",
            "createProcessingJob",
            "createTrainingJob",
            "createTransformJob",
            "updateEndpoint",
        ],
        true,
        false,
    )
    .sync_except(&[
        "createEndpoint",
        "createEndpointConfig",
        "createModel",
        "updateEndpoint",
    ]),
    i("sns", &["publish"], false, true),
    i("sqs", &["sendMessage"], false, true),
    Integration {
        service: "states",
        actions: &["startExecution"],
        sync: true,
        sync2: true,
        wait: true,
        no_sync: &[],
    },
    i("http", &["invoke"], false, false),
];

pub(crate) fn integration(service: &str) -> Option<&'static Integration> {
    INTEGRATIONS.iter().find(|i| i.service == service)
}

/// Splits `action.sync:2` into the action and its pattern.
pub(crate) fn split_pattern(action: &str) -> (&str, Option<Pattern>) {
    for p in [Pattern::Sync2, Pattern::Sync, Pattern::WaitForTaskToken] {
        if let Some(a) = action.strip_suffix(p.suffix()) {
            return (a, Some(p));
        }
    }
    if action.contains('.') {
        // An unknown suffix such as `.wait`: the whole text is not a known pattern.
        let dot = action.find('.').unwrap_or(action.len());
        return (&action[..dot], None);
    }
    (action, Some(Pattern::RequestResponse))
}

/// True when `s` contains `${` or `#{` (a deploy-time placeholder). One pass over the
/// bytes: Resource ARNs are short, and nine rules ask this of every Task's.
fn has_placeholder_brace(s: &str) -> bool {
    // Most ARNs have no brace at all: memchr finds that out without a byte loop.
    let b = s.as_bytes();
    memchr::memchr_iter(b'{', b).any(|i| i > 0 && matches!(b[i - 1], b'$' | b'#'))
}

/// A Task's `Resource` string and its node: the value itself, or the text a
/// CloudFormation `Fn::Sub` (`!Sub`) substitutes into.
pub(crate) fn resource_string<'a, 's>(state: &State<'a, 's>) -> Option<(&'a Node<'s>, &'a str)> {
    if state.kind != Some(StateType::Task) {
        return None;
    }
    let mut node = &state.field("Resource")?.value;
    match &node.value {
        Value::Tagged(t) if t.tag == "!Sub" => node = &t.node,
        Value::Object(members) if members.len() == 1 && members[0].key == "Fn::Sub" => {
            node = &members[0].value;
        }
        _ => {}
    }
    // `Fn::Sub`'s list form: the text, then its variables.
    if let Value::Array(items) = &node.value {
        node = items.first()?;
    }
    Some((node, node.as_str()?))
}

/// A Task's literal `Resource` string (see [`resource_string`]) that holds no
/// deploy-time placeholder.
pub(crate) fn task_resource<'a, 's>(state: &State<'a, 's>) -> Option<(&'a Node<'s>, &'a str)> {
    let (node, s) = resource_string(state)?;
    if has_placeholder_brace(s) || s.starts_with("{%") {
        return None;
    }
    Some((node, s))
}

/// A Task's `Resource` ARN, parsed, whose service and resource are literal text: the
/// partition, region and account may be deploy-time placeholders
/// (`arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f`, as CDK
/// writes every ARN), since what is called does not depend on them.
pub(crate) fn task_arn<'a, 's>(state: &State<'a, 's>) -> Option<(&'a Node<'s>, &'a str, Arn<'a>)> {
    let (node, text) = resource_string(state)?;
    if text.starts_with("{%") {
        return None;
    }
    let arn = parse_arn(text)?;
    let fixed = |part: &str| !has_placeholder_brace(part);
    (fixed(arn.service) && fixed(arn.resource)).then_some((node, text, arn))
}

/// A Task's `Resource` that is a service-integration ARN (`arn:<p>:states:...`, not an
/// activity), with its string node, text and parsed ARN: what ASL402-ASL405 and the
/// request and result checks inspect. The partition, region and account may be
/// deploy-time placeholders (`arn:${AWS::Partition}:states:::lambda:invoke`, as CDK and
/// most templates write it): which integration is meant does not depend on them.
pub(crate) fn integration_resource<'a, 's>(
    state: &State<'a, 's>,
) -> Option<(&'a Node<'s>, &'a str, Arn<'a>)> {
    let (node, text, arn) = task_arn(state)?;
    (arn.service == "states" && !arn.resource.starts_with("activity:")).then_some((node, text, arn))
}

/// Request fields of AWS SDK calls whose strings another service evaluates as JSONPath
/// against its own event, not against the state's data: (service, actions, top-level
/// request fields).
/// - EventBridge rule targets (`putTargets`): `InputPath`, the values of
///   `InputTransformer.InputPathsMap`, and the dynamic path parameters of the target
///   parameters (`SqsParameters.MessageGroupId: "$.detail.id"`), all read from the
///   matched event (EventBridge user guide, "Transforming input", "Dynamic path
///   parameters").
/// - EventBridge Pipes (`createPipe`, `updatePipe`): the dynamic path parameters of the
///   target and enrichment parameters, read from the pipe's event (EventBridge user
///   guide, "Amazon EventBridge Pipes targets").
const FOREIGN_PATH_FIELDS: &[(&str, &[&str], &[&str])] = &[
    ("eventbridge", &["putTargets"], &["Targets"]),
    (
        "pipes",
        &["createPipe", "updatePipe"],
        &["TargetParameters", "EnrichmentParameters"],
    ),
];

/// The ranges of a Task's request (`Parameters` or `Arguments`) whose strings are
/// JSONPath for another service (`FOREIGN_PATH_FIELDS`): a `$.detail.id` there is
/// meant as text for Step Functions.
pub(crate) fn foreign_path_ranges(state: &State<'_, '_>) -> Vec<TextRange> {
    let Some((_, _, arn)) = integration_resource(state) else {
        return Vec::new();
    };
    let (action, _) = split_pattern(arn.resource);
    let Some((service, call)) = action
        .strip_prefix("aws-sdk:")
        .and_then(|c| c.split_once(':'))
    else {
        return Vec::new();
    };
    let Some((_, _, fields)) = FOREIGN_PATH_FIELDS
        .iter()
        .find(|(s, calls, _)| *s == service && calls.iter().any(|c| c.eq_ignore_ascii_case(call)))
    else {
        return Vec::new();
    };
    ["Parameters", "Arguments"]
        .iter()
        .filter_map(|key| state.field(key))
        .filter_map(|m| m.value.as_object())
        .flatten()
        .filter(|m| fields.iter().any(|f| f.eq_ignore_ascii_case(&m.key)))
        .map(|m| m.value.range)
        .collect()
}

/// The first string under `node` (in document order) that `wanted` accepts, and
/// whether some part of `node` is only known at deploy time (a template intrinsic):
/// where the task token is read in a Task's request.
pub(crate) fn find_string<'a, 's>(
    node: &'a Node<'s>,
    wanted: impl Fn(&str) -> bool,
) -> (Option<&'a Node<'s>>, bool) {
    let mut stack = vec![node];
    let mut unknown = false;
    while let Some(n) = stack.pop() {
        if n.is_unknown() {
            unknown = true;
            continue;
        }
        match &n.value {
            Value::String(s) if wanted(s) => return (Some(n), unknown),
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            _ => {}
        }
    }
    (None, unknown)
}

/// Rewrites the read inside `range` (a path string, or an expression) to `fixed`,
/// when the source spells it literally there (unsafe).
pub(crate) fn reader_fix(
    source: &str,
    range: TextRange,
    read: &str,
    fixed: &str,
) -> Option<crate::diagnostics::Fix> {
    let at = source.get(range.as_usize())?.find(read)? as u32 + range.start;
    Some(crate::diagnostics::Fix::replace(
        format!("Read \"{fixed}\""),
        crate::diagnostics::Applicability::Unsafe,
        TextRange::new(at, at + read.len() as u32),
        fixed,
    ))
}

/// An unsafe fix that adds `suffix` to the end of a Task's `Resource` (`text`, the
/// value of `resource`), where the source spells the value as it is (no escapes).
pub(crate) fn resource_suffix_fix(
    source: &str,
    resource: &Node<'_>,
    text: &str,
    suffix: &str,
    title: &str,
) -> Option<crate::diagnostics::Fix> {
    let end = string_source_offset(source, resource, text.len()) as usize;
    let start = end.checked_sub(text.len())?;
    (source.get(start..end) == Some(text)).then(|| {
        crate::diagnostics::Fix::replace(
            title,
            crate::diagnostics::Applicability::Unsafe,
            TextRange::from_usize(end, end),
            suffix,
        )
    })
}

/// The range in `source` of bytes `from..to` of the string `node` holds.
pub(crate) fn string_range(source: &str, node: &Node<'_>, from: usize, to: usize) -> TextRange {
    let s = string_source_offset(source, node, from);
    let e = string_source_offset(source, node, to);
    TextRange::new(s, e.max(s + 1))
}

/// The request a Task sends to an optimized integration: the action
/// (`lambda:invoke`, its pattern suffix dropped), the field that holds the request
/// (`Parameters` in JSONPath, `Arguments` in JSONata) and its members, when the
/// request is written out as an object.
pub(crate) fn integration_request<'a, 's>(
    state: &State<'a, 's>,
) -> Option<(&'a str, &'static str, &'a [Member<'s>])> {
    let (_, _, arn) = integration_resource(state)?;
    let (action, _) = split_pattern(arn.resource);
    let field = match state.query_language {
        crate::model::QueryLanguage::JsonPath => "Parameters",
        crate::model::QueryLanguage::JsonAta => "Arguments",
    };
    let members = state.field(field)?.value.as_object()?;
    Some((action, field, members))
}

/// A read of a field directly under what a Task's integration returned: in its own
/// `ResultSelector`, in the states that get the result as it comes (JSONPath), or as
/// `$states.result.<field>` in its `Output` and `Assign` (JSONata).
pub(crate) struct ResultRead<'a> {
    /// The string (JSONPath) or the field name (JSONata) to report at.
    pub range: TextRange,
    /// Who reads: `the ResultSelector of "A"`, `"B"`, `the Output of "A"`.
    pub who: String,
    /// The read as written: `$.payload.body`, `$states.result.payload`.
    pub shown: String,
    /// The field read under the result.
    pub field: &'a str,
    /// How to rewrite the read with another field name.
    rewrite: Rewrite<'a>,
}

enum Rewrite<'a> {
    /// A JSONPath `path` whose names are `before`, the field, then `after`.
    Path {
        path: &'a str,
        before: Vec<&'a str>,
        after: Vec<&'a str>,
    },
    /// A JSONPath `path` that goes on past plain names (`$.r.items[*].id`): its text
    /// starts with the names `before` and the field in dot notation, and only they are
    /// rewritten.
    Prefix { path: &'a str, before: Vec<&'a str> },
    /// A JSONata field name written as is at the range.
    Name,
}

impl<'a> ResultRead<'a> {
    /// The read `path` at `range` by `who`, whose names are `before`, the field and
    /// `after` (the whole path when `whole`; else it goes on past them).
    fn of(
        range: TextRange,
        who: String,
        path: &'a str,
        (before, field, after): (Vec<&'a str>, &'a str, &[&'a str]),
        whole: bool,
    ) -> ResultRead<'a> {
        ResultRead {
            range,
            who,
            shown: path.to_string(),
            field,
            rewrite: match whole {
                true => Rewrite::Path {
                    path,
                    before,
                    after: after.to_vec(),
                },
                false => Rewrite::Prefix { path, before },
            },
        }
    }

    /// An unsafe fix that reads `field` instead.
    pub fn fix(&self, source: &str, field: &'a str) -> Option<crate::diagnostics::Fix> {
        self.rewritten(source, Some(field))
    }

    /// An unsafe fix that reads past the field instead (`$.Payload.valid` becomes
    /// `$.valid`, `$states.result.Payload` becomes `$states.result`).
    pub fn fix_without(&self, source: &str) -> Option<crate::diagnostics::Fix> {
        self.rewritten(source, None)
    }

    /// The read with `field` in place of the one read, or without it (`None`).
    fn rewritten(&self, source: &str, field: Option<&'a str>) -> Option<crate::diagnostics::Fix> {
        fn joined<'x>(names: &[&'x str], field: Option<&'x str>) -> Vec<&'x str> {
            names.iter().copied().chain(field).collect()
        }
        let with = |names: &[&'a str]| joined(names, field);
        match &self.rewrite {
            Rewrite::Path {
                path,
                before,
                after,
            } => {
                let whole = crate::rules::paths::path_of(&[&with(before)[..], &after[..]].concat());
                reader_fix(source, self.range, path, &whole)
            }
            Rewrite::Prefix { path, before } => {
                let rest = path.strip_prefix(&crate::rules::paths::path_of(
                    &[&before[..], &[self.field]].concat(),
                ))?;
                if !(rest.starts_with('.') || rest.starts_with('[')) {
                    return None;
                }
                let start = crate::rules::paths::path_of(&with(before));
                reader_fix(source, self.range, path, &format!("{start}{rest}"))
            }
            Rewrite::Name if source.get(self.range.as_usize()) != Some(self.field) => None,
            Rewrite::Name => match field {
                Some(f) => Some(crate::diagnostics::Fix::replace(
                    format!("Read \"{f}\""),
                    crate::diagnostics::Applicability::Unsafe,
                    self.range,
                    f,
                )),
                None => {
                    let start = self.range.start as usize;
                    if start == 0 || source.as_bytes()[start - 1] != b'.' {
                        return None;
                    }
                    Some(crate::diagnostics::Fix::replace(
                        format!("Read past \"{}\"", self.field),
                        crate::diagnostics::Applicability::Unsafe,
                        TextRange::new(self.range.start - 1, self.range.end),
                        "",
                    ))
                }
            },
        }
    }
}

/// The reads of the first field under the result of the Task `state` (see
/// [`ResultRead`]).
pub(crate) fn result_reads<'a>(
    ctx: &crate::rules::LintContext<'a, '_>,
    state: &'a State<'a, '_>,
) -> Vec<ResultRead<'a>> {
    use crate::model::QueryLanguage;
    use crate::rules::paths::{
        leading_names, leading_reads_under, plain_names, receivers, result_location,
        template_members,
    };
    let mut out = Vec::new();
    let Some(machine) = ctx.machine else {
        return out;
    };
    match state.query_language {
        QueryLanguage::JsonPath => {
            // The Task's own ResultSelector reads the response itself.
            if let Some(selector) = state.field("ResultSelector") {
                for m in template_members(&selector.value) {
                    let Some(path) = m.value.as_str().filter(|_| m.key.ends_with(".$")) else {
                        continue;
                    };
                    // `$.items[0].id` reads `items` as surely as `$.items.id` does.
                    let (names, whole) = match plain_names(path) {
                        Some(names) => (names, true),
                        None => match leading_names(path) {
                            Some(names) => (names, false),
                            None => continue,
                        },
                    };
                    let Some((&field, after)) = names.split_first() else {
                        continue;
                    };
                    out.push(ResultRead::of(
                        m.value.range,
                        format!("the ResultSelector of \"{}\"", state.name),
                        path,
                        (Vec::new(), field, after),
                        whole,
                    ));
                }
                return out;
            }
            // The Task's own OutputPath picks from the result where ResultPath put it.
            if let Some(output) = state.field("OutputPath")
                && let Some(path) = output.value.as_str().filter(|p| *p != "$")
            {
                let at = match state.field("ResultPath") {
                    None => Some(Vec::new()),
                    Some(m) => m.value.as_str().and_then(plain_names),
                };
                let names = match plain_names(path) {
                    Some(names) => Some((names, true)),
                    None => leading_names(path).map(|names| (names, false)),
                };
                if let (Some(at), Some((names, whole))) = (at, names)
                    && names.len() > at.len()
                    && names[..at.len()] == at[..]
                {
                    let (field, after) = (names[at.len()], &names[at.len() + 1..]);
                    out.push(ResultRead::of(
                        output.value.range,
                        format!("the OutputPath of \"{}\"", state.name),
                        path,
                        (at, field, after),
                        whole,
                    ));
                }
                return out;
            }
            let Some(at) = result_location(state) else {
                return out;
            };
            for target in receivers(machine, state)
                .into_iter()
                .filter(|t| t.query_language == QueryLanguage::JsonPath)
            {
                for (range, path, rest, whole) in leading_reads_under(target, &at) {
                    if rest.is_empty() {
                        continue;
                    }
                    out.push(ResultRead {
                        range,
                        who: format!("\"{}\"", target.name),
                        shown: path.to_string(),
                        field: rest[0],
                        rewrite: match whole {
                            true => Rewrite::Path {
                                path,
                                before: at.clone(),
                                after: rest[1..].to_vec(),
                            },
                            false => Rewrite::Prefix {
                                path,
                                before: at.clone(),
                            },
                        },
                    });
                }
            }
        }
        QueryLanguage::JsonAta => {
            for e in crate::rules::jsonata::state_expressions(state) {
                if !matches!(e.field.as_str(), "Output" | "Assign") {
                    continue;
                }
                let Ok(tree) = &e.parsed.result else { continue };
                for names in crate::expr::jsonata::states_paths(tree, "result") {
                    let (name, span) = &names[0];
                    let Some(field) = e.node.as_str().and_then(|s| {
                        let off = e.parsed.template.offset as usize;
                        s.get(off + span.start as usize..off + span.end as usize)
                    }) else {
                        continue;
                    };
                    if field != name {
                        continue;
                    }
                    out.push(ResultRead {
                        range: crate::rules::jsonata::source_range(ctx.source, &e, *span),
                        who: format!("the {} of \"{}\"", e.field, state.name),
                        shown: format!("$states.result.{name}"),
                        field,
                        rewrite: Rewrite::Name,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_the_partition_region_or_account_keep_the_integration_known() {
        let a =
            parse_arn("arn:${AWS::Partition}:states:${AWS::Region}:#{AWS::AccountId}:sns:publish")
                .unwrap();
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            (
                "${AWS::Partition}",
                "states",
                "${AWS::Region}",
                "#{AWS::AccountId}",
                "sns:publish"
            )
        );
        let codes = |resource: &str| {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": {resource}, "Parameters": {{"TopicArn": "t", "Mesage": "m"}}, "End": true}}}}}}"#
            );
            let opts = crate::LintOptions {
                select: vec!["ASL4".into()],
                ..Default::default()
            };
            crate::lint_text(&text, crate::syntax::SourceKind::Json, &opts)
                .into_iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        };
        let expected = ["ASL408", "ASL417"];
        assert_eq!(
            codes(r#""arn:${AWS::Partition}:states:::sns:publish""#),
            expected
        );
        assert_eq!(
            codes(r#"{"Fn::Sub": "arn:${AWS::Partition}:states:::sns:publish"}"#),
            expected
        );
        assert_eq!(
            codes(r#"{"Fn::Sub": ["arn:${P}:states:::sns:publish", {"P": "aws"}]}"#),
            expected
        );
        // A placeholder in the service or the action: which integration is not known.
        assert_eq!(
            codes(r#""arn:aws:states:::${Service}:publish""#),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(r#""arn:aws:states:::sns:${Action}""#),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn arns_and_patterns() {
        let a = parse_arn("arn:aws:lambda:us-east-1:123456789012:function:f:prod").unwrap();
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            (
                "aws",
                "lambda",
                "us-east-1",
                "123456789012",
                "function:f:prod"
            )
        );
        assert_eq!(a.resource_offset, 38);
        assert_eq!(parse_arn("a:b"), None);
        assert_eq!(parse_arn("arn:aws:states::"), None);
        let e = parse_arn("arn:aws:states::::").unwrap();
        assert_eq!(
            (e.partition, e.service, e.region, e.account, e.resource),
            ("aws", "states", "", "", ":")
        );
        assert_eq!(e.resource_offset, 17);
        let l = parse_arn("arn:aws:states:::lambda:invoke").unwrap();
        assert_eq!((l.account, l.resource), ("", "lambda:invoke"));
        for (text, placeholder) in [
            ("a#{b}", true),
            ("${b}", true),
            ("a$#{", true),
            ("a#b{", false),
            ("$", false),
            ("{$", false),
            ("#", false),
        ] {
            assert_eq!(has_placeholder_brace(text), placeholder, "{text}");
        }
        assert_eq!(
            split_pattern("startExecution.sync:2"),
            ("startExecution", Some(Pattern::Sync2))
        );
        assert_eq!(
            split_pattern("invoke"),
            ("invoke", Some(Pattern::RequestResponse))
        );
        assert_eq!(split_pattern("invoke.wait"), ("invoke", None));
    }
}
