use crate::diagnostics::{Applicability, Fix};
use crate::rules::resources::integration_resource;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{TextRange, string_source_offset};

declare_rule! {
    /// ## What it does
    /// Reports a service integration ARN (`arn:aws:states:::lambda:invoke`,
    /// `arn:aws:states:::aws-sdk:s3:getObject`, ...) written with a region or an account.
    ///
    /// ## Why is this bad?
    /// Integrations run in the state machine's own region and account, so their ARNs leave
    /// both fields empty (`:::`). Step Functions does not recognize the resource otherwise
    /// (`INVALID_RESOURCE`). Only activities carry a region and an account.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Removes the region and account (unsafe only because it changes the resource text).
    pub static RULE = {
        code: "ASL405",
        name: "service-integration-with-region",
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
        fix: Always,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((m, text, arn)) = integration_resource(state) else {
            continue;
        };
        if arn.region.is_empty() && arn.account.is_empty() {
            continue;
        }
        let from = 4 + arn.partition.len() + 1 + arn.service.len() + 1;
        let to = arn.resource_offset - 1;
        let s = string_source_offset(ctx.source, m, from);
        let e = string_source_offset(ctx.source, m, to);
        let d = sink.report(
            TextRange::new(s, e.max(s + 1)),
            format!(
                "the service integration of \"{}\" must not name a region or account (\"{}\")",
                state.name,
                &text[from..to]
            ),
        );
        d.help =
            Some("integration ARNs are written arn:<partition>:states:::<service>:<action>".into());
        d.fixes.push(Fix::replace(
            "Remove the region and account",
            Applicability::Unsafe,
            TextRange::new(s, e),
            ":",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::apply_edits;
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    #[test]
    fn region_and_account_removed() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:776177632559:aws-sdk:s3:getObject", "End": true}}}"#;
        let opts = LintOptions {
            select: vec!["ASL405".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Json, &opts);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].range.as_usize()], "us-east-1:776177632559");
        let (fixed, n) = apply_edits(text, &d[0].fixes[0].edits);
        assert_eq!(n, 1);
        assert!(
            fixed.contains("\"arn:aws:states:::aws-sdk:s3:getObject\""),
            "{fixed}"
        );
        assert!(lint_text(&fixed, SourceKind::Json, &opts).is_empty());
    }
}
