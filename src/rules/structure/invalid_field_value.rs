use crate::rules::{LintContext, Sink, declare_rule, report_schema_then, spelling_fix};
use crate::schema::Category;

declare_rule! {
    /// ## What it does
    /// Reports a value that is not one of the allowed ones (`JitterStrategy`, `QueryLanguage`,
    /// `ProcessorConfig.Mode`, `ReaderConfig.InputType`, ...) or not of the required form: an
    /// RFC 3339 timestamp with a time zone (Wait `Timestamp`, `Timestamp*` comparisons), a
    /// `{% ... %}` JSONata expression (a JSONata `Condition` or `Items` given as plain text), a
    /// path that starts with `$`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. A timestamp without a time zone is a frequent
    /// surprise: RFC 3339 requires one.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "2026-01-31 09:00", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "2026-01-31T09:00:00Z", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// A value that differs from an allowed one only in case (`"Mode": "distributed"`,
    /// `"QueryLanguage": "jsonata"`) is rewritten as the allowed one: safe, since no
    /// other reading exists. A near miss (`"DISTRIBUTD"`) gets the closest allowed
    /// value as an unsafe fix.
    pub static RULE = {
        code: "ASL115",
        name: "invalid-field-value",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    report_schema_then(ctx, sink, Category::InvalidValue, |d, f| {
        let (Some(value), Some(written)) = (&f.suggestion, ctx.source.get(f.range.as_usize()))
        else {
            return;
        };
        // Quoted as the value was, or plain when it was plain (YAML).
        let quote = written.chars().next().filter(|c| matches!(c, '"' | '\''));
        let unquoted = written.trim_matches(|c| c == '"' || c == '\'');
        let replacement = match quote {
            Some(q) => format!("{q}{value}{q}"),
            None => value.clone(),
        };
        d.fixes
            .push(spelling_fix(unquoted, value, f.range, replacement));
    });
}
