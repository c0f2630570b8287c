use crate::diagnostics::{Applicability, Fix};
use crate::rules::paths::jsonpath_states;
use crate::rules::{LintContext, Sink, declare_rule, plain_key};

declare_rule! {
    /// ## What it does
    /// Reports a state field whose value looks like a path although the field takes a
    /// literal: `"TimeoutSeconds": "$.timeout"`, `"Seconds": "$.wait"`,
    /// `"Error": "$.code"`; and a Choice rule comparing with a path-shaped text
    /// (`"StringEquals": "$.expected"`) where the `Path` form of the operator was
    /// meant. This is AWS's `NO_PATH` warning.
    ///
    /// ## Why is this bad?
    /// Only fields whose names end in `Path` evaluate a path. Use `TimeoutSecondsPath`,
    /// `SecondsPath`, `ErrorPath`, ... instead.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "$.code"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Fail", "ErrorPath": "$.code"}}}
    /// ```
    ///
    /// ## Fix
    /// Renames the field to its `Path` form (unsafe: you may have meant the literal
    /// text). Not offered when the `Path` form is already there.
    pub static RULE = {
        code: "ASL305",
        name: "no-path",
        severity: Warning,
        aws_code: Some("NO_PATH"),
        fix: Sometimes,
        check: check,
    }
}

const LITERAL_FIELDS: &[&str] = &[
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Seconds",
    "Timestamp",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "Error",
    "Cause",
];

/// The Choice operators that compare with a literal text and have a `Path` form.
/// (The timestamp operators' literal must be a timestamp: ASL115 reports a path there.)
const STRING_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonpath_states(machine) {
        for key in LITERAL_FIELDS {
            let Some(m) = state.field(key) else { continue };
            let has_path_form = state.field(&format!("{key}Path")).is_some();
            report(ctx, sink, m, has_path_form, || {
                format!("'{key}' of \"{}\"", state.name)
            });
        }
        for rule in &state.choices {
            comparisons(ctx, sink, rule.node, state.name, 0);
        }
    }
}

/// Reports the string operators of a Choice rule (and of the rules nested in its
/// `And`, `Or` and `Not`) given a path-shaped text.
fn comparisons(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    rule: &crate::syntax::Node<'_>,
    state: &str,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for m in rule.as_object().unwrap_or(&[]) {
        match &*m.key {
            "And" | "Or" => {
                for inner in m.value.as_array().unwrap_or(&[]) {
                    comparisons(ctx, sink, inner, state, depth + 1);
                }
            }
            "Not" => comparisons(ctx, sink, &m.value, state, depth + 1),
            // Text compared with is often money or a template (`"$"`, `"$.99"`): only
            // a reference path with a name first is taken for one.
            key if STRING_OPERATORS.contains(&key)
                && m.value.as_str().is_some_and(|t| {
                    let first = t.strip_prefix("$$.").or_else(|| t.strip_prefix("$."));
                    first.is_some_and(|f| f.starts_with(|c: char| c.is_alphabetic() || c == '_'))
                        && path_reads(t)
                }) =>
            {
                report(ctx, sink, m, false, || {
                    format!("'{key}' in a Choice rule of \"{state}\"")
                });
            }
            _ => {}
        }
    }
}

/// Whether `text` is a reference path, which a `...Path` field takes.
fn path_reads(text: &str) -> bool {
    crate::expr::jsonpath::check(text, crate::expr::jsonpath::PathContext::ReferencePath).is_empty()
}

/// Reports member `m` when its value looks like a path; `place` names it.
fn report(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    m: &crate::syntax::Member<'_>,
    has_path_form: bool,
    place: impl FnOnce() -> String,
) {
    let Some(text) = m.value.as_str() else {
        return;
    };
    if !(text == "$" || text.starts_with("$.") || text.starts_with("$$.") || text.starts_with("$["))
    {
        return;
    }
    let key = &*m.key;
    let d = sink.report(
        m.key_range,
        format!(
            "{} takes a literal value, so {text:?} is not evaluated as a path",
            place()
        ),
    );
    d.help = Some(format!(
        "use \"{key}Path\" to read the value from the input"
    ));
    let path_key = format!("{key}Path");
    // (Not to a `Path` field its text would be an error in.)
    if !has_path_form
        && path_reads(text)
        && let Some(name) = plain_key(ctx.source, m.key_range)
    {
        d.fixes.push(Fix::replace(
            format!("Rename to \"{path_key}\""),
            Applicability::Unsafe,
            name,
            path_key,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn timeout_given_a_path() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": "$.t", "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL305".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "\"TimeoutSeconds\"");
        assert_eq!(
            d[0].message,
            "'TimeoutSeconds' of \"A\" takes a literal value, so \"$.t\" is not evaluated as a path"
        );
    }
}
