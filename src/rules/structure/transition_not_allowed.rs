use crate::diagnostics::{Applicability, Fix};
use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule, plain_key, remove_field};

declare_rule! {
    /// ## What it does
    /// Reports `Next` or `End` on a Choice, Succeed or Fail state.
    ///
    /// ## Why is this bad?
    /// A Choice state moves on through its `Choices` and `Default`; Succeed and Fail
    /// always end their scope. Step Functions rejects these fields there
    /// ("Field 'Next' is not supported").
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    ///
    /// ## Fix
    /// - `End` on a Succeed or Fail state: removes it (safe: these states end their
    ///   scope anyway, so nothing changes but the error).
    /// - `End` on a Choice state: removes it (unsafe).
    /// - `Next` on a Choice state without `Default`: renames it to `Default`, which
    ///   is what a Choice state takes when no rule matches (unsafe).
    /// - `Next` on a Succeed or Fail state: removes it (unsafe: you may have meant
    ///   another type of state).
    pub static RULE = {
        code: "ASL107",
        name: "transition-not-allowed",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some(kind @ (StateType::Choice | StateType::Succeed | StateType::Fail)) = state.kind
        else {
            continue;
        };
        for m in [state.next, state.end].into_iter().flatten() {
            let why = if kind == StateType::Choice {
                "a Choice state continues through Choices and Default"
            } else {
                "it always ends its scope"
            };
            let d = sink.report(
                m.key_range,
                format!(
                    "{} is not allowed on {} state \"{}\": {why}",
                    m.key,
                    kind.as_str(),
                    state.name
                ),
            );
            if !ctx.fixes {
                continue;
            }
            let is_end = m.key == "End";
            let rename = (kind == StateType::Choice && !is_end && state.default.is_none())
                .then(|| plain_key(ctx.source, m.key_range))
                .flatten();
            if let Some(name) = rename {
                d.fixes.push(Fix::replace(
                    "Rename \"Next\" to \"Default\"",
                    Applicability::Unsafe,
                    name,
                    "Default",
                ));
            } else {
                let safe = is_end && kind != StateType::Choice;
                let applicability = if safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                d.fixes
                    .extend(remove_field(ctx.source, state.node, m, applicability));
            }
        }
    }
}
