use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{SourceKind, Value};

declare_rule! {
    /// ## What it does
    /// Reports an unquoted YAML value or key that YAML 1.2 and YAML 1.1 read
    /// differently: `yes`, `no`, `on`, `off` (any case), a number with a leading zero
    /// (`010`), a binary, underscored or sexagesimal one (`0b101`, `1_000`, `1:30`), and
    /// the YAML 1.2 forms `0o17` and `1e3` (text to YAML 1.1). asl-lint, like
    /// YAML 1.2 readers (js-yaml, which the Serverless Framework uses), reads them as
    /// the strings or decimal numbers they look like; CloudFormation and the YAML reader
    /// of `sam deploy` and `aws cloudformation package` follow YAML 1.1 and read `true`,
    /// `false`, `8`, `5` and `90`.
    ///
    /// ## Why is this bad?
    /// The state machine that deploys is not the one written: `Next: yes` names a state
    /// "true", `StringEquals: no` compares with `false`, `Seconds: 1:30` waits 90
    /// seconds. Quoting the value, or writing `true`/`false` or the decimal number, says
    /// the same thing to every reader.
    ///
    /// ## Example
    /// ```yaml
    /// StartAt: Check
    /// States:
    ///   Check:
    ///     Type: Choice
    ///     Choices:
    ///       - Variable: $.answer
    ///         StringEquals: yes
    ///         Next: Done
    ///     Default: Declined
    ///   Done:
    ///     Type: Succeed
    ///   Declined:
    ///     Type: Fail
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// StartAt: Check
    /// States:
    ///   Check:
    ///     Type: Choice
    ///     Choices:
    ///       - Variable: $.answer
    ///         StringEquals: "yes"
    ///         Next: Done
    ///     Default: Declined
    ///   Done:
    ///     Type: Succeed
    ///   Declined:
    ///     Type: Fail
    /// ```
    pub static RULE = {
        code: "ASL006",
        name: "ambiguous-yaml-scalar",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    if ctx.document.kind != SourceKind::Yaml {
        return;
    }
    let Some(root) = ctx.document.root.as_ref() else {
        return;
    };
    for node in root.descendants(256) {
        let tokens: Vec<crate::syntax::TextRange> = match &node.value {
            Value::Object(members) => members.iter().map(|m| m.key_range).collect(),
            Value::Array(_) | Value::Tagged(_) => Vec::new(),
            _ => vec![node.range],
        };
        for range in tokens {
            if let Some(reading) = ctx.source.get(range.as_usize()).and_then(yaml11) {
                report(sink, range, ctx, reading);
            }
        }
    }
}

fn report(
    sink: &mut Sink<'_>,
    range: crate::syntax::TextRange,
    ctx: &LintContext<'_, '_>,
    reading: String,
) {
    let token = &ctx.source[range.as_usize()];
    let d = sink.report(
        range,
        format!(
            "`{token}` is {reading} to CloudFormation and SAM (YAML 1.1), but not to YAML 1.2 readers"
        ),
    );
    d.help = Some(format!(
        "quote it (\"{token}\") for text, or write the value every reader agrees on"
    ));
}

/// What YAML 1.1 makes of the plain scalar `token` when YAML 1.2 reads it otherwise,
/// in words (`None`: both agree, or `token` is quoted or not a scalar).
fn yaml11(token: &str) -> Option<String> {
    use crate::syntax::yaml11::Reading;
    Some(match crate::syntax::yaml11::reading(token)? {
        Reading::Bool(b) => format!("the boolean {b}"),
        Reading::Int(n, _) => format!("the number {n}"),
        Reading::Text => "text".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::yaml11;
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn reported_at_plain_keys_and_values_only() {
        let text = "StartAt: Ask\nStates:\n  Ask:\n    Type: Choice\n    Choices:\n      - Variable: $.a\n        StringEquals: 'no'\n        Next: Yes\n    Default: Yes\n  Yes:\n    Type: Wait\n    Seconds: 1:30\n    End: true\n";
        let options = LintOptions {
            select: vec!["ASL006".into()],
            ..LintOptions::default()
        };
        let found: Vec<(&str, String)> = lint_text(text, SourceKind::Yaml, &options)
            .into_iter()
            .map(|d| (&text[d.range.as_usize()], d.message))
            .collect();
        let yes = "`Yes` is the boolean true to CloudFormation and SAM (YAML 1.1), but not to YAML 1.2 readers";
        assert_eq!(
            found,
            [
                ("Yes", yes.to_string()),
                ("Yes", yes.to_string()),
                ("Yes", yes.to_string()),
                (
                    "1:30",
                    "`1:30` is the number 90 to CloudFormation and SAM (YAML 1.1), but not to YAML 1.2 readers".to_string()
                ),
            ]
        );
        // JSON has no such readings.
        let json =
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "yes", "End": true}}}"#;
        assert!(lint_text(json, SourceKind::Json, &options).is_empty());
    }

    #[test]
    fn yaml_1_1_readings() {
        assert_eq!(yaml11("yes").as_deref(), Some("the boolean true"));
        assert_eq!(yaml11("OFF").as_deref(), Some("the boolean false"));
        assert_eq!(yaml11("010").as_deref(), Some("the number 8"));
        assert_eq!(yaml11("-017").as_deref(), Some("the number -15"));
        assert_eq!(yaml11("08").as_deref(), Some("text"));
        assert_eq!(yaml11("0b101").as_deref(), Some("the number 5"));
        assert_eq!(yaml11("1:30").as_deref(), Some("the number 90"));
        assert_eq!(yaml11("1:02:03").as_deref(), Some("the number 3723"));
        assert_eq!(yaml11("2:7").as_deref(), Some("the number 127"));
        assert_eq!(yaml11("1_000").as_deref(), Some("the number 1000"));
        assert_eq!(yaml11("0o17").as_deref(), Some("text"));
        assert_eq!(yaml11("1e3").as_deref(), Some("text"));
        assert_eq!(yaml11("-1.5E3").as_deref(), Some("text"));
        for same in [
            "09:30", "0:30", "00:00", "07", "00", "-05", "true", "y", "10", "0", "0.5", "\"yes\"",
            "'no'", "12:75", "a:1", "1:", "0x1F", "yess",
        ] {
            assert_eq!(yaml11(same), None, "{same}");
        }
    }
}
