use crate::diagnostics::{Applicability, Fix};
use crate::model::QueryLanguage;
use crate::rules::resources::integration_request;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Member, Node, Value};

declare_rule! {
    /// ## What it does
    /// Checks the literal values of request fields that an optimized integration only
    /// accepts in one form: the `Headers` (a list of values per name), `Method` and
    /// `AuthType` of API Gateway's `apigateway:invoke`, the `InvocationType` and
    /// `LogType` of `lambda:invoke`, the `Method` and connection ARN of the HTTP task's
    /// `http:invoke`, and headers neither may send (`Authorization`, `Host`, `X-Amz-*`,
    /// ...). In detail:
    /// - API Gateway (`apigateway:invoke`): `Headers` maps each header name to a *list*
    ///   of values (`{"x-id": ["42"]}`); `Method` is one of `GET`, `POST`, `PUT`,
    ///   `DELETE`, `PATCH`, `HEAD`, `OPTIONS`; `AuthType` one of `NO_AUTH`, `IAM_ROLE`,
    ///   `RESOURCE_POLICY`;
    /// - Lambda (`lambda:invoke`): `InvocationType` is `RequestResponse`, `Event` or
    ///   `DryRun`, and `LogType` is `None` or `Tail`;
    /// - HTTP task (`http:invoke`): `Method` is one of the methods API Gateway takes,
    ///   and `Authentication.ConnectionArn` is an EventBridge connection ARN
    ///   (`arn:aws:events:<region>:<account>:connection/<name>/<id>`), which Step
    ///   Functions checks when the state machine is created;
    /// - headers that neither may send: for `apigateway:invoke`, `Authorization`,
    ///   `Host`, `Connection` and the other names its page lists, and any `X-Amz*` or
    ///   `X-Forwarded*` name (Step Functions refuses the definition); for
    ///   `http:invoke`, `Authorization` (refused when the definition is saved: the
    ///   connection sends it) and the hop-by-hop, caching and `X-Amz*` names the HTTP
    ///   Task page lists (the Task fails with `States.Runtime`).
    ///
    /// Values computed at run time (`.$` keys, `{% %}` expressions, placeholders) are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Step Functions checks the request before it starts the task, and the state
    /// fails with `States.Runtime` (for a header given as one string: `The value of the
    /// field 'Headers' has an invalid format`, in an execution recorded on AWS); Lambda
    /// refuses an unknown invocation or log type. The definition deploys, and the first
    /// execution that reaches the state fails.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Escalate", "States": {"Escalate": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::apigateway:invoke",
    ///   "Parameters": {"ApiEndpoint": "abc123.execute-api.us-east-1.amazonaws.com", "Method": "POST",
    ///     "Path": "tickets", "Headers": {"x-priority": "high"}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Escalate", "States": {"Escalate": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::apigateway:invoke",
    ///   "Parameters": {"ApiEndpoint": "abc123.execute-api.us-east-1.amazonaws.com", "Method": "POST",
    ///     "Path": "tickets", "Headers": {"x-priority": ["high"]}},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A header written as one string becomes a list of that string (unsafe: the request
    /// sent changes, to the form the integration takes). A value of the wrong case
    /// (`"post"`, `"event"`) is replaced by the one it spells (unsafe).
    pub static RULE = {
        code: "ASL412",
        name: "invalid-integration-parameter",
        severity: Error,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// Fields of a service's request that take one of a few values.
const CHOICES: &[(&str, &str, &[&str])] = &[
    (
        "apigateway:invoke",
        "Method",
        &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
    ),
    (
        "apigateway:invoke",
        "AuthType",
        &["NO_AUTH", "IAM_ROLE", "RESOURCE_POLICY"],
    ),
    (
        "lambda:invoke",
        "InvocationType",
        &["RequestResponse", "Event", "DryRun"],
    ),
    ("lambda:invoke", "LogType", &["None", "Tail"]),
    (
        "http:invoke",
        "Method",
        &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
    ),
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((action, _, request)) = integration_request(state) else {
            continue;
        };
        if !CHOICES.iter().any(|(a, _, _)| *a == action) {
            continue;
        }
        let jsonata = state.query_language == QueryLanguage::JsonAta;
        let literal = |m: &Member<'_>| !m.key.ends_with(".$") || jsonata;
        for m in request.iter().filter(|m| literal(m)) {
            if action == "apigateway:invoke" && m.key == "Headers" {
                headers(ctx, state.name, &m.value, jsonata, sink);
            }
            if m.key == "Headers" {
                forbidden_headers(action, state.name, &m.value, sink);
            }
            if action == "http:invoke" && m.key == "Authentication" {
                connection_arn(state.name, &m.value, sink);
            }
            let Some((_, field, allowed)) =
                CHOICES.iter().find(|(a, f, _)| *a == action && *f == m.key)
            else {
                continue;
            };
            let Some(value) = m.value.as_str() else {
                continue;
            };
            if allowed.contains(&value) || computed(value) {
                continue;
            }
            let d = sink.report(
                m.value.range,
                format!(
                    "{field} of \"{}\" is \"{value}\", which {action} does not take: it takes {}",
                    state.name,
                    crate::rules::or_list(allowed)
                ),
            );
            if let Some(meant) = allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
                d.help = Some(format!("write \"{meant}\""));
                d.fixes.push(Fix::replace(
                    format!("Replace with \"{meant}\""),
                    Applicability::Unsafe,
                    m.value.range,
                    serde_json::to_string(meant).unwrap_or_default(),
                ));
            }
        }
    }
}

/// Reports an HTTP task's `Authentication.ConnectionArn` written out as something
/// other than an EventBridge connection ARN.
fn connection_arn(state: &str, authentication: &Node<'_>, sink: &mut Sink<'_>) {
    let Some(arn) = authentication.get("ConnectionArn") else {
        return;
    };
    let Some(text) = arn.as_str() else { return };
    if computed(text) {
        return;
    }
    let ok = crate::rules::resources::parse_arn(text)
        .is_some_and(|a| a.service == "events" && a.resource.starts_with("connection/"));
    if !ok {
        let d = sink.report(
            arn.range,
            format!(
                "the ConnectionArn of \"{state}\" is not an EventBridge connection ARN: \"{text}\""
            ),
        );
        d.help = Some(
            "write arn:<partition>:events:<region>:<account>:connection/<name>/<id>; Step Functions refuses the definition otherwise".into(),
        );
    }
}

/// Reports each header whose literal value is not a list of strings.
fn headers(
    ctx: &LintContext<'_, '_>,
    state: &str,
    value: &Node<'_>,
    jsonata: bool,
    sink: &mut Sink<'_>,
) {
    let Some(members) = value.as_object() else {
        return;
    };
    for h in members {
        if (!jsonata && h.key.ends_with(".$")) || h.value.is_unknown() {
            continue;
        }
        let what = match &h.value.value {
            Value::Array(items) if items.iter().all(|i| i.as_str().is_some() || i.is_unknown()) => {
                continue;
            }
            // A JSONata expression may give a list; a `${...}` placeholder inside a
            // string leaves a string.
            Value::String(s) if jsonata && s.trim_start().starts_with("{%") => continue,
            Value::Array(_) => "a list with a value that is not a string",
            Value::String(_) => "one string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::Object(_) => "an object",
            _ => continue,
        };
        let d = sink.report(
            h.value.range,
            format!(
                "header \"{}\" of \"{state}\" is {what}: apigateway:invoke takes each header as a list of values, and fails the state with States.Runtime otherwise",
                h.key
            ),
        );
        if matches!(h.value.value, Value::String(_))
            && let Some(text) = ctx.source.get(h.value.range.as_usize())
            && !text.contains('\n')
        {
            d.help = Some(format!("write [{text}]"));
            d.fixes.push(Fix::replace(
                "Make it a list of one value",
                Applicability::Unsafe,
                h.value.range,
                format!("[{text}]"),
            ));
        }
    }
}

/// Headers Step Functions does not let `apigateway:invoke` set (its page in the
/// developer guide; the definition is refused: "The 'Headers' field contains
/// unsupported values: [authorization]"), besides names starting with `X-Forwarded`,
/// `X-Amz` or `X-Amzn`.
const API_GATEWAY_REFUSED: &[&str] = &[
    "authorization",
    "connection",
    "content-md5",
    "expect",
    "host",
    "max-forwards",
    "proxy-authenticate",
    "server",
    "te",
    "transfer-encoding",
    "trailer",
    "upgrade",
    "via",
    "www-authenticate",
];

/// Headers an HTTP Task cannot send (the developer guide's page on HTTP Tasks: the Task
/// fails with `States.Runtime`), besides `x-forwarded-*`, `x-amz-*` and `x-amzn-*`.
/// `Authorization` is refused earlier, when the definition is saved.
const HTTP_TASK_REFUSED: &[&str] = &[
    "a-im",
    "accept-charset",
    "accept-datetime",
    "accept-encoding",
    "cache-control",
    "connection",
    "content-encoding",
    "content-md5",
    "date",
    "expect",
    "forwarded",
    "from",
    "host",
    "http2-settings",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "origin",
    "pragma",
    "proxy-authorization",
    "referer",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "warning",
];

/// Reports the headers of a literal `Headers` object that the integration cannot send.
/// A `name.$` key computes the value, not the name, so it is checked too.
fn forbidden_headers(action: &str, state: &str, value: &Node<'_>, sink: &mut Sink<'_>) {
    let Some(members) = value.as_object() else {
        return;
    };
    for h in members {
        let name = h.key.strip_suffix(".$").unwrap_or(&h.key);
        let lower = name.to_ascii_lowercase();
        let aws_prefix = ["x-amz", "x-forwarded"]
            .iter()
            .any(|p| lower.starts_with(p));
        let message = match action {
            "apigateway:invoke" if aws_prefix || API_GATEWAY_REFUSED.contains(&lower.as_str()) => {
                format!(
                    "header \"{name}\" of \"{state}\" is one apigateway:invoke may not set: Step Functions refuses the definition (\"The 'Headers' field contains unsupported values\")"
                )
            }
            "http:invoke" if lower == "authorization" => format!(
                "header \"{name}\" of \"{state}\" may not be set on an HTTP Task: Step Functions refuses the definition (\"The 'Headers' field contains unsupported values\"); the EventBridge connection in Authentication.ConnectionArn sends the authorization"
            ),
            "http:invoke" if aws_prefix || HTTP_TASK_REFUSED.contains(&lower.as_str()) => format!(
                "header \"{name}\" of \"{state}\" may not be set on an HTTP Task: the Task fails with States.Runtime"
            ),
            _ => continue,
        };
        let d = sink.report(h.key_range, message);
        if action == "apigateway:invoke" && lower == "authorization" {
            d.help = Some(
                "send it under another name (x-authorization) and map that to Authorization in API Gateway, or sign the call with AuthType IAM_ROLE".into(),
            );
        }
    }
}

/// A value filled in later: a JSONata expression or a deploy-time placeholder.
fn computed(s: &str) -> bool {
    s.trim_start().starts_with("{%") || s.contains("${")
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn headers(query_language: &str, headers: &str) -> Vec<String> {
        let text = format!(
            r#"{{"QueryLanguage": "{query_language}", "StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke", "{}": {{"ApiEndpoint": "e", "Method": "GET", "Headers": {headers}}}, "End": true}}}}}}"#,
            if query_language == "JSONata" {
                "Arguments"
            } else {
                "Parameters"
            }
        );
        let options = LintOptions {
            select: vec!["ASL412".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &options)
            .into_iter()
            .map(|d| text[d.range.as_usize()].to_string())
            .collect()
    }

    #[test]
    fn only_an_expression_may_stand_for_a_header_list() {
        // A placeholder inside a string is still one string once it is filled in (a
        // string that is a whole placeholder is a value known at deploy time only).
        assert_eq!(
            headers("JSONPath", r#"{"x": "${Token}"}"#),
            Vec::<String>::new()
        );
        assert_eq!(
            headers("JSONPath", r#"{"x": "Bearer ${Token}"}"#),
            [r#""Bearer ${Token}""#]
        );
        assert_eq!(
            headers("JSONata", r#"{"x": "Bearer ${Token}"}"#),
            [r#""Bearer ${Token}""#]
        );
        // `{% %}` is an expression only in a JSONata state.
        assert_eq!(
            headers("JSONata", r#"{"x": "{% [$states.input.t] %}"}"#),
            Vec::<String>::new()
        );
        assert_eq!(headers("JSONPath", r#"{"x": "{% 1 %}"}"#), [r#""{% 1 %}""#]);
        assert_eq!(
            headers("JSONPath", r#"{"x": ["${Token}"], "y.$": "$.y"}"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn http_connection_arn_is_an_eventbridge_connection() {
        let run = |arn: &str| {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {{"ApiEndpoint": "https://example.com", "Method": "GET", "Authentication": {{"ConnectionArn": "{arn}"}}}}, "End": true}}}}}}"#
            );
            let options = LintOptions {
                select: vec!["ASL412".into()],
                ..Default::default()
            };
            lint_text(&text, SourceKind::Json, &options)
                .into_iter()
                .map(|d| d.message)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            run("not-an-arn"),
            ["the ConnectionArn of \"A\" is not an EventBridge connection ARN: \"not-an-arn\""]
        );
        assert_eq!(
            run("arn:aws:secretsmanager:us-east-1:123456789012:secret:x").len(),
            1
        );
        assert!(run("arn:aws:events:us-east-1:123456789012:connection/tickets/6c9b0a43-1b6d-4d2b-a1f3-0b1a1e7b2f10").is_empty());
        assert!(run("${TicketsConnectionArn}").is_empty());
    }

    #[test]
    fn headers_the_integrations_may_not_send() {
        let run = |resource: &str, headers: &str| {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::{resource}", "Parameters": {{"ApiEndpoint": "https://example.com", "Method": "GET", "Authentication": {{"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"}}, "Headers": {headers}}}, "End": true}}}}}}"#
            );
            let options = LintOptions {
                select: vec!["ASL412".into()],
                ..Default::default()
            };
            lint_text(&text, SourceKind::Json, &options)
                .into_iter()
                .map(|d| (text[d.range.as_usize()].to_string(), d.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            run("apigateway:invoke", r#"{"Authorization": ["secretToken"]}"#),
            [(
                "\"Authorization\"".to_string(),
                "header \"Authorization\" of \"A\" is one apigateway:invoke may not set: Step Functions refuses the definition (\"The 'Headers' field contains unsupported values\")".to_string()
            )]
        );
        // The name counts, whatever computes the value; any case; the AWS prefixes.
        assert_eq!(
            run(
                "apigateway:invoke",
                r#"{"host.$": "States.Array($.h)", "X-Amzn-Trace-Id": ["1"], "x-ticket": ["7"]}"#
            )
            .len(),
            2
        );
        assert_eq!(
            run("http:invoke", r#"{"Authorization": "Bearer x"}"#),
            [(
                "\"Authorization\"".to_string(),
                "header \"Authorization\" of \"A\" may not be set on an HTTP Task: Step Functions refuses the definition (\"The 'Headers' field contains unsupported values\"); the EventBridge connection in Authentication.ConnectionArn sends the authorization".to_string()
            )]
        );
        assert_eq!(
            run(
                "http:invoke",
                r#"{"Cache-Control": "no-cache", "x-amz-date": "x", "Accept": "application/json"}"#
            )
            .into_iter()
            .map(|(at, _)| at)
            .collect::<Vec<_>>(),
            ["\"Cache-Control\"", "\"x-amz-date\""]
        );
        // Not checked: headers computed as a whole.
        assert!(run("http:invoke", r#"{"a": 1}, "Headers.$": "$.h""#).is_empty());
    }
}
