use crate::diagnostics::{Applicability, Fix};
use crate::rules::{LintContext, Sink, declare_rule, did_you_mean};
use crate::syntax::edit;

declare_rule! {
    /// ## What it does
    /// Reports a Task, Pass, Wait, Parallel or Map state with neither `Next` nor
    /// `"End": true`.
    ///
    /// ## Why is this bad?
    /// Step Functions must know where to go when the state completes; it rejects the
    /// definition. `"End": false` without `Next` is the same mistake.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Adds `"End": true`, or turns `"End": false` into `true` (unsafe: you may have
    /// meant a `Next`).
    pub static RULE = {
        code: "ASL106",
        name: "missing-next-or-end",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some(kind) = state.kind else { continue };
        if !kind.needs_next_or_end() || state.next.is_some() || state.is_end() {
            continue;
        }
        let (range, message) = match state.end {
            Some(end) if end.value.as_bool() == Some(false) => (
                end.range(),
                format!("state \"{}\" has \"End\": false and no Next", state.name),
            ),
            // Not a boolean (`"true"`, a placeholder): ASL113 reports the value.
            Some(_) => continue,
            None => (
                state.name_range,
                format!(
                    "{} state \"{}\" has neither Next nor End",
                    kind.as_str(),
                    state.name
                ),
            ),
        };
        // A misspelled `Nxt` or `Ennd` (ASL110 offers its renaming): the typo is the
        // problem, and an added End would contradict the renamed field.
        let misspelt = state.members().iter().find_map(|m| {
            let meant = did_you_mean(&m.key, ["Next", "End"].into_iter())?;
            (!matches!(m.key.as_ref(), "Next" | "End")).then_some((m, meant))
        });
        let d = sink.report(range, message);
        if let Some((m, meant)) = misspelt {
            d.help = Some(format!("did you mean \"{meant}\" for \"{}\"?", m.key));
            continue;
        }
        d.help = Some("add \"Next\" naming the state that follows, or \"End\": true".to_string());
        if !ctx.fixes {
            continue;
        }
        if let Some(end) = state.end {
            d.fixes.push(Fix::replace(
                "Set \"End\": true",
                Applicability::Unsafe,
                end.value.range,
                "true",
            ));
        } else if let Some(edit) = edit::append_member(
            ctx.source,
            state.node,
            "End",
            &serde_json::Value::Bool(true),
        ) {
            d.fixes
                .push(Fix::edit("Add \"End\": true", Applicability::Unsafe, edit));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_end_that_is_no_boolean_is_left_to_asl113() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": "true"}}}"#;
        assert!(crate::rules::located_messages(text, "ASL106").is_empty());
        let text = text.replace(r#""true""#, "false");
        assert_eq!(
            crate::rules::located_messages(&text, "ASL106"),
            [r#""End": false: state "A" has "End": false and no Next"#]
        );
    }
}
