use crate::diagnostics::{Applicability, Fix};
use crate::rules::jsonata::jsonata_not_evaluated::clipped_block_header;
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
    /// `"true"` for a boolean, `404` for a string), writes it as that type; a number
    /// becomes the string it is written as (`1e2` becomes `"1e2"`). Safe: the definition
    /// is rejected as it is, and the value stays the same. Unsafe for an error name in
    /// `ErrorEquals` (`[true]` becomes `["true"]`): no error is named that, so the name
    /// meant may be another. A `{% %}` expression in a YAML `|` or `>` block, which
    /// the block's final line break turns into text, gets `|-` (`>-`) instead: safe,
    /// for the same reason.
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
        // A `{% %}` expression in a YAML `|` or `>` block: the block's final line
        // break makes it text (the line break is in no value the user can see).
        if let Some(header) = clipped_block_header(ctx.source, f.range)
            && ctx.source[header as usize..f.range.end as usize]
                .split_once('\n')
                .is_some_and(|(_, body)| {
                    let body = body.trim();
                    body.starts_with("{%") && body.ends_with("%}")
                })
        {
            let block = &ctx.source[f.range.start as usize..header as usize];
            d.help = Some(format!(
                "the YAML `{block}` block ends the string with a line break after `%}}`, so it is text, not an expression: write `{block}-` to drop the line break"
            ));
            d.fixes.push(Fix::replace(
                format!("Write `{block}-`"),
                Applicability::Safe,
                crate::syntax::TextRange::empty(header),
                "-",
            ));
            return;
        }
        if let Some(value) = &f.suggestion {
            let value = &as_written(ctx.source, f.range, value);
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

/// A number to be written as a string (`suggestion` quoted) is quoted as the source
/// spells it (`1e2` as `"1e2"`, YAML `0x1F` as `"0x1F"`, every digit of a long error
/// code): the value read back from the number could lose digits or change its spelling.
fn as_written(source: &str, range: crate::syntax::TextRange, suggestion: &str) -> String {
    let text = source.get(range.as_usize()).unwrap_or_default();
    let number = text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'));
    if suggestion.starts_with('"') && number {
        format!("\"{text}\"")
    } else {
        suggestion.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;

    #[test]
    fn a_number_becomes_the_string_it_is_written_as() {
        let text = r#"{"StartAt": "D", "States": {"D": {"Type": "Fail", "Comment": 1e2, "Error": 12345678901234567890123, "Cause": 0.1000000000000000055511151231257827}}}"#;
        let out = crate::rules::fixed_text(text, crate::syntax::SourceKind::Json, "ASL113");
        assert_eq!(
            out,
            r#"{"StartAt": "D", "States": {"D": {"Type": "Fail", "Comment": "1e2", "Error": "12345678901234567890123", "Cause": "0.1000000000000000055511151231257827"}}}"#
        );
        let yaml = "StartAt: D\nStates:\n  D: {Type: Fail, Error: 0x1F, Cause: 1.50}\n";
        let out = crate::rules::fixed_text(yaml, crate::syntax::SourceKind::Yaml, "ASL113");
        assert_eq!(
            out,
            "StartAt: D\nStates:\n  D: {Type: Fail, Error: \"0x1F\", Cause: \"1.50\"}\n"
        );
    }

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
