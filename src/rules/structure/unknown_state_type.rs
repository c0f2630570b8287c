use crate::diagnostics::{Applicability, Fix};
use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a `Type` that is not one of Task, Pass, Choice, Wait, Succeed, Fail,
    /// Parallel, Map.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. Types are case-sensitive.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "pass", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Replaces the type with the closest state type, when one is close: safe when
    /// only the case differs (`"pass"` becomes `"Pass"`: no other reading exists),
    /// unsafe otherwise (`"Paralel"` becomes `"Parallel"`: a guess). A type that is no
    /// string, or that no state type is close to, gets no fix.
    pub static RULE = {
        code: "ASL104",
        name: "unknown-state-type",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some(ty) = state.type_member() else {
            continue;
        };
        if state.kind.is_some() || ty.value.is_unknown() {
            continue;
        }
        let Some(text) = ty.value.as_str() else {
            sink.report(
                ty.value.range,
                format!("Type must be a string, not {}", ty.value.kind_name()),
            );
            continue;
        };
        // `"Type": "${StateType}"` is filled in at deploy time (SAM
        // DefinitionSubstitutions, Terraform templatefile): no state type contains `${`.
        if text.contains("${") {
            continue;
        }
        let suggestion = did_you_mean(text, StateType::ALL.iter().map(|t| t.as_str()));
        let d = sink.report(
            ty.value.range,
            format!("\"{text}\" is not a state type (Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map)"),
        );
        if let Some(s) = suggestion {
            d.help = Some(format!("did you mean \"{s}\"?"));
            // `pass` for `Pass` can only mean one thing; another name is a guess.
            let applicability = if s.eq_ignore_ascii_case(text) {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            d.fixes.push(Fix::replace(
                format!("Replace with \"{s}\""),
                applicability,
                ty.value.range,
                // A plain YAML scalar stays plain (`Type: pass` -> `Type: Pass`).
                crate::syntax::edit::string_like(
                    ctx.document.kind,
                    &ctx.source[ty.value.range.as_usize()],
                    s,
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn codes(text: &str) -> Vec<&'static str> {
        let options = LintOptions {
            select: vec!["ASL104".into()],
            ignore: Vec::new(),
            skip_fixes: false,
            fix_kinds_only: false,
        };
        lint_text(text, SourceKind::Json, &options)
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn placeholder_types_are_left_to_deploy_time() {
        let template = r#"{"StartAt": "A", "States": {"A": {"Type": "${T}", "End": true}}}"#;
        assert!(codes(template).is_empty());
        let wrong = r#"{"StartAt": "A", "States": {"A": {"Type": "T", "End": true}}}"#;
        assert_eq!(codes(wrong), vec!["ASL104"]);
    }

    #[test]
    fn a_name_that_differs_only_in_case_is_a_safe_fix() {
        let applicability = |text: &str| {
            let d = lint_text(text, SourceKind::Json, &LintOptions::default());
            let d = d.iter().find(|d| d.code == "ASL104").unwrap();
            format!("{:?}", d.fixes[0].applicability)
        };
        let lower = r#"{"StartAt": "A", "States": {"A": {"Type": "pass", "End": true}}}"#;
        assert_eq!(applicability(lower), "Safe");
        let typo = r#"{"StartAt": "A", "States": {"A": {"Type": "Pas", "End": true}}}"#;
        assert_eq!(applicability(typo), "Unsafe");
    }
}
