use std::sync::OnceLock;

use regex::Regex;

use crate::rules::resources::integration_resource;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Member, Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports a credential written into a state as a literal string: a value shaped
    /// like an AWS access key, a private key or a service token, or a literal under a
    /// key such as `password` or `apiKey` or in an `Authorization` header. It looks in
    /// the fields that carry data (`Parameters`, `Arguments`, `Result`, `Assign`,
    /// `Output`, selectors, `Credentials`, Map reader/writer/batcher settings,
    /// catchers, `Comment`):
    /// - a value shaped like a well-known secret, under any key: an AWS access key id
    ///   (`AKIA...`, `ASIA...`), a private key block, a GitHub, Slack, Stripe live or
    ///   Google API token, a JSON Web Token;
    /// - a literal value under a key that names a secret (`password`, `apiKey`,
    ///   `client_secret`, `accessToken`, `x-api-key`, ...), or an `Authorization` header
    ///   with a `Bearer` or `Basic` credential.
    ///
    /// Paths, JSONata expressions, intrinsic functions, `${...}` placeholders, ARNs and
    /// CloudFormation `{{resolve:...}}` references are not literals and pass, and so do
    /// obvious stand-ins such as `<your-api-key>` or `REPLACE_ME`. An `Authorization`
    /// header of an `http:invoke` or `apigateway:invoke` Task is left to ASL412: Step
    /// Functions refuses it whatever it holds.
    ///
    /// ## Why is this bad?
    /// Whoever can describe the state machine can read its definition, and the value is
    /// copied into the execution history of every run that passes it on. A secret in a
    /// definition also ends up in source control and in every template that deploys it.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Open case", "States": {"Open case": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::http:invoke", "Parameters": {
    ///     "ApiEndpoint": "https://support.example.com/cases", "Method": "POST",
    ///     "Headers": {"x-api-key": "8f14e45fceea167a5a36dedd4bea2543"},
    ///     "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/support/1"}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead (the EventBridge connection holds the credential):
    /// ```json
    /// {"StartAt": "Open case", "States": {"Open case": {"Type": "Task",
    ///   "Resource": "arn:aws:states:::http:invoke", "Parameters": {
    ///     "ApiEndpoint": "https://support.example.com/cases", "Method": "POST",
    ///     "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/support/1"}},
    ///   "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL712",
        name: "hard-coded-secret",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The patterns of values shaped like a known kind of credential, and what each is.
const SHAPES: [(&str, &str); 7] = [
    (
        r"(?-u:\b)(AKIA|ASIA)[0-9A-Z]{16}(?-u:\b)",
        "an AWS access key id",
    ),
    (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
    (r"(?-u:\b)gh[pousr]_[A-Za-z0-9]{36,}", "a GitHub token"),
    (r"(?-u:\b)xox[abposr]-[A-Za-z0-9-]{10,}", "a Slack token"),
    (r"(?-u:\b)sk_live_[0-9A-Za-z]{16,}", "a Stripe live key"),
    (r"(?-u:\b)AIza[0-9A-Za-z_-]{35}(?-u:\b)", "a Google API key"),
    (
        r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        "a JSON Web Token",
    ),
];

/// What kind of credential `text` holds, if it is shaped like one. All patterns are
/// first tried as one regex, whose literal prefixes (`AKIA`, `eyJ`, ...) let the regex
/// engine skip ordinary strings quickly: every string of every state goes through here.
fn shape(text: &str) -> Option<&'static str> {
    static ANY: OnceLock<(Regex, Vec<Regex>)> = OnceLock::new();
    let (any, each) = ANY.get_or_init(|| {
        let all = SHAPES
            .iter()
            .map(|(re, _)| *re)
            .collect::<Vec<_>>()
            .join("|");
        (
            Regex::new(&all).expect("valid pattern"),
            SHAPES
                .iter()
                .map(|(re, _)| Regex::new(re).expect("valid pattern"))
                .collect(),
        )
    });
    if !any.is_match(text) {
        return None;
    }
    each.iter()
        .zip(SHAPES)
        .find(|(re, _)| re.is_match(text))
        .map(|(_, (_, what))| what)
}

/// Key names (lower case, `-` and `_` removed) whose literal value is a secret.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "clientsecret",
    "apikey",
    "xapikey",
    "apisecret",
    "secretkey",
    "secretaccesskey",
    "privatekey",
    "accesstoken",
    "authtoken",
    "apitoken",
    "bearertoken",
    "refreshtoken",
    "token",
];

/// The fields of a state whose values carry data to a service, a variable or the next
/// state (and `Comment`, where a pasted key is as public): only these are searched.
/// Names, paths, ARNs and numbers elsewhere are checked by other rules.
const DATA_FIELDS: &[&str] = &[
    "Parameters",
    "Arguments",
    "Result",
    "ResultSelector",
    "ItemSelector",
    "Assign",
    "Output",
    "Credentials",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "Catch",
    "Comment",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        // ASL412 reports these integrations' `Authorization` header as refused.
        let refuses_authorization = integration_resource(state).is_some_and(|(_, _, arn)| {
            ["http:invoke", "apigateway:invoke"]
                .iter()
                .any(|i| arn.resource.starts_with(i))
        });
        let mut stack: Vec<(&Member<'_>, usize)> = state
            .members()
            .iter()
            .filter(|m| DATA_FIELDS.contains(&&*m.key))
            .map(|m| (m, 0))
            .collect();
        while let Some((m, depth)) = stack.pop() {
            match &m.value.value {
                Value::Object(members) if depth < 64 => {
                    let headers = refuses_authorization && depth == 1 && m.key == "Headers";
                    stack.extend(
                        members
                            .iter()
                            .filter(|c| !(headers && c.key.eq_ignore_ascii_case("Authorization")))
                            .map(|c| (c, depth + 1)),
                    )
                }
                Value::Array(items) if depth < 64 => {
                    for item in items {
                        if let Value::Object(members) = &item.value {
                            stack.extend(members.iter().map(|c| (c, depth + 1)));
                        } else {
                            report(sink, state.name, &m.key, item);
                        }
                    }
                }
                _ => report(sink, state.name, &m.key, &m.value),
            }
        }
    }
}

fn report(sink: &mut Sink<'_>, state: &str, key: &str, value: &Node<'_>) {
    let Some(text) = value.as_str() else { return };
    // Every string of every state comes here: the cheap tests first.
    let start = text.trim_start();
    if text.len() < 8
        || ["$", "{%", "States.", "arn:"]
            .iter()
            .any(|p| start.starts_with(p))
    {
        return;
    }
    let what = if let Some(what) = shape(text) {
        what
    } else if names_a_secret(key, text) {
        "a credential"
    } else {
        return;
    };
    // Resolved at deploy time, or a stand-in: not a literal secret.
    if value.is_unknown() || text.contains("${") || text.contains("{{resolve:") || is_stand_in(text)
    {
        return;
    }
    let d = sink.report(
        value.range,
        format!("\"{key}\" in \"{state}\" holds {what} as a literal value"),
    );
    d.help = Some(
        "keep it in Secrets Manager (or an EventBridge connection for HTTP Tasks) and pass a reference; anyone who can read the definition or the execution history can read it"
            .into(),
    );
}

/// Text that only holds the place of a secret: `<your-api-key>`, `REPLACE_ME`, the AWS
/// documentation's `AKIAIOSFODNN7EXAMPLE`.
fn is_stand_in(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "<", "your", "replace", "example", "xxxx", "****", "changeme", "todo",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

/// A literal under a key that names a secret.
fn names_a_secret(key: &str, text: &str) -> bool {
    // The key in lower case without `-` and `_`, on the stack: most keys are longer or
    // shorter than any secret key and are rejected before anything is compared.
    let mut buf = [0u8; 16];
    let mut len = 0;
    for b in key.bytes().filter(|b| !matches!(b, b'-' | b'_')) {
        if len == buf.len() {
            return false;
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let normal = &buf[..len];
    SECRET_KEYS.iter().any(|name| name.as_bytes() == normal)
        || (normal == b"authorization"
            && ["Bearer ", "Basic "]
                .iter()
                .any(|p| text.starts_with(p) && text.len() >= p.len() + 8))
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(parameters: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {parameters}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL712")
    }

    #[test]
    fn credential_shapes_under_any_key() {
        assert_eq!(
            run(
                r#"{"Body": {"id": "AKIA2E0A8F3B244C9986", "list": ["ghp_0123456789abcdefghijABCDEFGHIJ012345"]}}"#
            ),
            [
                "\"AKIA2E0A8F3B244C9986\": \"id\" in \"T\" holds an AWS access key id as a literal value",
                "\"ghp_0123456789abcdefghijABCDEFGHIJ012345\": \"list\" in \"T\" holds a GitHub token as a literal value",
            ]
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(
            run(&format!(r#"{{"Headers": {{"X-Session": "{jwt}"}}}}"#)),
            [format!(
                "\"{jwt}\": \"X-Session\" in \"T\" holds a JSON Web Token as a literal value"
            )]
        );
    }

    #[test]
    fn literal_values_of_secret_keys() {
        assert_eq!(
            run(
                r#"{"Headers": {"x-api-key": "8f14e45fceea167a"}, "Body": {"client_secret": "s3cr3t-value", "Password": "hunter2hunter2"}}"#
            ),
            [
                "\"8f14e45fceea167a\": \"x-api-key\" in \"T\" holds a credential as a literal value",
                "\"s3cr3t-value\": \"client_secret\" in \"T\" holds a credential as a literal value",
                "\"hunter2hunter2\": \"Password\" in \"T\" holds a credential as a literal value",
            ]
        );
    }

    #[test]
    fn authorization_header_left_to_asl412_where_aws_refuses_it() {
        let header = r#"{"Headers": {"Authorization": "Bearer 8f14e45fceea167a"}}"#;
        assert_eq!(run(header), Vec::<String>::new());
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke", "Parameters": {header}, "End": true}}}}}}"#
        );
        assert_eq!(located_messages(&text, "ASL712"), Vec::<String>::new());
        // A Lambda sending the header on in its payload is not refused: reported.
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f", "Payload": {header}}}, "End": true}}}}}}"#
        );
        assert_eq!(
            located_messages(&text, "ASL712"),
            [
                "\"Bearer 8f14e45fceea167a\": \"Authorization\" in \"T\" holds a credential as a literal value"
            ]
        );
    }

    #[test]
    fn references_stand_ins_and_other_keys_pass() {
        for parameters in [
            r#"{"Body": {"password.$": "$.password", "apiKey": "{% $states.input.key %}"}}"#,
            r#"{"Body": {"token": "${ApiToken}", "secret": "{{resolve:secretsmanager:api:SecretString:key}}"}}"#,
            r#"{"Body": {"apiKey": "<your-api-key>", "password": "REPLACE_ME_PLEASE", "key": "AKIAIOSFODNN7EXAMPLE"}}"#,
            r#"{"SecretId": "prod/support/api-key", "NextToken": "abcdefghijklmnop", "TaskToken.$": "$$.Task.Token"}"#,
            r#"{"Headers": {"Authorization": "Bearer"}, "Body": {"password": "short"}}"#,
        ] {
            assert_eq!(run(parameters), Vec::<String>::new(), "{parameters}");
        }
    }
}
