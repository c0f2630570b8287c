use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a read of a workflow variable that some paths from `StartAt` assign
    /// before the reading state and others do not: for example a variable assigned in
    /// one branch of a Choice and read after the branches join, or assigned by a
    /// catcher's `Assign` only. Like ASL605, it reports a name once per expression or
    /// path string, and not a JSONata read guarded by an `$exists($name)` test, in the
    /// same expression or in a Choice rule's `Condition` on every way to the state.
    ///
    /// ## Why is this bad?
    /// On the paths that do not assign it, the read fails at run time (`States.Runtime`
    /// in JSONPath, an undefined value in JSONata). ASL605 reports reads that no path
    /// assigns at all; this rule is a warning because the paths that skip the
    /// assignment may never be taken in practice.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check", "States": {"Check": {"Type": "Choice", "Choices": [{"Variable": "$.vip", "BooleanEquals": true, "Assign": {"discount": 10}, "Next": "Bill"}], "Default": "Bill"}, "Bill": {"Type": "Pass", "Parameters": {"discount.$": "$discount"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Check", "States": {"Check": {"Type": "Choice", "Choices": [{"Variable": "$.vip", "BooleanEquals": true, "Assign": {"discount": 10}, "Next": "Bill"}], "Default": "Bill", "Assign": {"discount": 0}}, "Bill": {"Type": "Pass", "Parameters": {"discount.$": "$discount"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL606",
        name: "possibly-unassigned-variable",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let (Some(machine), Some(vars)) = (ctx.machine, ctx.variables()) else {
        return;
    };
    let analysis = &vars.analysis;
    if analysis.names.is_empty() {
        return;
    }
    for scope in &machine.scopes {
        for (i, state) in scope.states.iter().enumerate() {
            let Some(entry) = &analysis.entry[scope.id][i] else {
                continue;
            };
            for r in &vars.reads[scope.id][i] {
                if r.guarded || r.repeat {
                    continue;
                }
                let Some(v) = analysis.index_of(&r.name) else {
                    continue;
                };
                // Unassigned on the StartAt state's first run: ASL605's.
                if entry.may.contains(v)
                    && !entry.must.contains(v)
                    && !analysis.unassigned_on_first_arrival(scope.id, i, v)
                {
                    sink.report(
                        r.range,
                        format!(
                            "`${}` is assigned on some paths to \"{}\" but not on all of them",
                            r.name, state.name
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    /// A Choice rule that goes on only when `$exists($v)` holds shows `$v` set to the
    /// state it leads to; the Default, which does not test it, does not.
    #[test]
    fn an_exists_test_in_a_choice_rule_guards_the_state_it_leads_to() {
        let machine = |default: &str| {
            format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "C", "States": {{
  "C": {{"Type": "Choice", "Choices": [{{"Condition": "{{% $states.input.a %}}", "Assign": {{"v": 1}}, "Next": "G"}}], "Default": "G"}},
  "G": {{"Type": "Choice", "Choices": [{{"Condition": "{{% $exists($v) and $v > 0 %}}", "Next": "Use"}}], "Default": "{default}"}},
  "Use": {{"Type": "Pass", "Output": "{{% $v %}}", "End": true}}, "Skip": {{"Type": "Succeed"}}}}}}"#
            )
        };
        assert_eq!(
            located_messages(&machine("Skip"), "ASL606"),
            Vec::<String>::new()
        );
        assert_eq!(
            located_messages(&machine("Use"), "ASL606"),
            vec!["$v: `$v` is assigned on some paths to \"Use\" but not on all of them"]
        );
    }
}
