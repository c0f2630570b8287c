use crate::diagnostics::{Applicability, Fix};
use crate::rules::{LintContext, Sink, declare_rule, report_schema_then};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a field whose value has the wrong JSON type: a string where an integer belongs
/// (`"TimeoutSeconds": "60"`), a number that is not an integer, a non-string `Comment`,
/// an object where an array belongs. In JSONata states a `{% ... %}` expression is accepted
/// wherever AWS evaluates one.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. A path in a field whose name does not end in `Path`
/// (`"TimeoutSeconds": "$.t"`) is a classic: use the `...Path` variant instead.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": "10", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 10, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// When the value plainly spells one of the expected type (`"10"` for an integer,
    /// `"true"` for a boolean, `404` for a string), writes it as that type. Safe: the
    /// definition is rejected as it is, and the value stays the same.
    pub static RULE = {
        code: "ASL113",
        name: "invalid-field-type",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema_then(ctx, sink, Category::WrongType, |d, f| {
        if let Some(value) = &f.suggestion {
            d.help = Some(format!("write it as {value}"));
            let title = format!("Write it as {value}");
            // An error name spelt from a number or a boolean (`[true]` -> `["true"]`)
            // matches no error anyone throws: the fix may not be what was meant.
            let applicability = if f.message.starts_with("'ErrorEquals[") {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            d.fixes
                .push(Fix::replace(title, applicability, f.range, value.clone()));
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;

    #[test]
    fn an_error_name_spelt_from_a_boolean_is_an_unsafe_fix() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "Retry": [{"ErrorEquals": [true]}], "TimeoutSeconds": "60", "End": true}}}"#;
        let fixes = crate::rules::each_fix(text, crate::syntax::SourceKind::Json, "ASL113");
        let applicability: Vec<(Applicability, String)> =
            fixes.iter().map(|f| (f[0].0, f[0].1.clone())).collect();
        assert_eq!(
            applicability,
            [
                (Applicability::Unsafe, "Write it as \"true\"".to_string()),
                (Applicability::Safe, "Write it as 60".to_string())
            ]
        );
    }
}
