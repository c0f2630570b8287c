use crate::model::StateType;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state machine, Parallel branch or Map processor in which no terminal
    /// state (Succeed, Fail, or `"End": true`) can be reached from `StartAt`: every path
    /// loops forever.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_END_STATE: Workflow has no
    /// terminal state`). Even where it would not, the execution could only end by
    /// failing or timing out.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL206",
        name: "no-terminal-state",
        severity: Error,
        aws_code: Some("MISSING_END_STATE"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let (Some(machine), Some(graphs)) = (ctx.machine, ctx.graphs) else {
        return;
    };
    'scopes: for scope in &machine.scopes {
        let graph = graphs.scope(scope.id);
        let Some(start) = graph.start else { continue };
        if graph.can_finish[start.index()] || super::has_unknown_transition(scope) {
            continue;
        }
        // Only judge a scope whose reachable states are complete: a missing target or a
        // state without a type is reported by its own rule and would make every path
        // look endless here.
        for (i, state) in scope.states.iter().enumerate() {
            if !graph.reachable[i] {
                continue;
            }
            let Some(kind) = state.kind else {
                continue 'scopes;
            };
            // Neither Next nor a true End (missing, `false`, a placeholder, invalid):
            // ASL106 reports it, or the value is only known at deploy time.
            if kind.needs_next_or_end() && state.next.is_none() && !state.is_end() {
                continue 'scopes;
            }
            if kind == StateType::Choice && state.choices.is_empty() {
                continue 'scopes;
            }
            // A transition that is not a state name (`"Next": ${Step}`, a number, a
            // Choice rule without Next) leads somewhere this graph cannot know.
            let not_a_name = |m: Option<&crate::syntax::Member<'_>>| {
                m.is_some_and(|m| m.value.as_str().is_none())
            };
            if not_a_name(state.next)
                || not_a_name(state.default)
                || state
                    .choices
                    .iter()
                    .any(|c| c.next.is_none() || not_a_name(c.next))
                || state.catchers.iter().any(|c| not_a_name(c.next))
            {
                continue 'scopes;
            }
            if state
                .transitions()
                .iter()
                .any(|t| scope.state_index(t.target).is_none())
            {
                continue 'scopes;
            }
        }
        let at = scope.start_at.map_or(scope.node.range, |m| m.value.range);
        let what = scope.describe(machine);
        let d = sink.report(
            at,
            format!("{what} never ends: no terminal state can be reached from StartAt"),
        );
        d.help = Some(
            "give some state \"End\": true, or lead a path to a Succeed or Fail state".to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;
    use crate::{LintOptions, lint_text};

    fn reports(text: &str) -> bool {
        let options = LintOptions {
            select: vec!["ASL206".into()],
            ignore: Vec::new(),
            ..Default::default()
        };
        // (A syntax error is reported whatever the selection: only ASL206 counts.)
        lint_text(text, SourceKind::Json, &options)
            .iter()
            .any(|d| d.code == "ASL206")
    }

    #[test]
    fn loops_are_reported() {
        assert!(reports(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}"#
        ));
    }

    #[test]
    fn states_that_other_rules_report_or_deploy_time_values_are_not_judged() {
        for state in [
            r#"{"Type": "Pass", "End": false}"#,
            r#"{"Type": "Pass", "End": True}"#,
            r#"{"Type": "Pass", "End": ${IsLast}}"#,
            r#"{"Type": "Pass", "Next": ${Then}}"#,
            r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true}]}"#,
            r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "A"}], "Default": 3}"#,
        ] {
            let text = format!(r#"{{"StartAt": "A", "States": {{"A": {state}}}}}"#);
            assert!(!reports(&text), "{text}");
        }
    }
}
