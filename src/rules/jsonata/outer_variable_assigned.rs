use crate::rules::jsonata::variables::is_distributed_processor;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an `Assign` inside a Parallel branch or an inline Map processor that
    /// sets a variable of the same name as one assigned in an enclosing scope.
    ///
    /// ## Why is this bad?
    /// Inner states may read the variables of the scopes around them but not assign
    /// them: variable names must be unique across a scope and the scopes nested in it,
    /// as the Step Functions documentation states. Its validator does not always
    /// enforce it (a definition whose branch assigns a name that the Parallel's catcher
    /// also assigns deploys), so this is a warning: the inner value is dropped when the
    /// branch or iteration ends, and never reaches the outer variable. To pass data
    /// out, use the branch's or iteration's output (the Parallel or Map result) and
    /// assign it in the Parallel or Map state.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Init", "States": {"Init": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Loop"}, "Loop": {"Type": "Map", "ItemProcessor": {"StartAt": "Add", "States": {"Add": {"Type": "Pass", "Assign": {"count.$": "States.MathAdd($count, 1)"}, "End": true}}}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Init", "States": {"Init": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Loop"}, "Loop": {"Type": "Map", "ItemProcessor": {"StartAt": "Add", "States": {"Add": {"Type": "Pass", "Parameters": {"next.$": "States.MathAdd($count, 1)"}, "End": true}}}, "Assign": {"count.$": "States.ArrayLength($)"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL608",
        name: "outer-variable-assigned",
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
    for scope in machine.scopes.iter().skip(1) {
        if analysis.assigned[scope.id].is_empty() {
            continue;
        }
        // The enclosing scopes up to a Distributed Map boundary (its child workflow
        // has variables of its own).
        let mut outer = Vec::new();
        let mut current = scope.id;
        while !is_distributed_processor(machine, current) {
            let Some(parent) = machine.scope(current).parent() else {
                break;
            };
            outer.push(parent.scope);
            current = parent.scope;
        }
        for (i, a) in &analysis.assigned[scope.id] {
            let found = outer.iter().find_map(|&o| {
                analysis.assigned[o]
                    .iter()
                    .find(|(_, x)| x.name == a.name)
                    .map(|(j, _)| (o, *j))
            });
            if let Some((o, j)) = found {
                let d = sink.report(
                    a.member.key_range,
                    format!(
                        "\"{}\" in {} assigns `${}`, a variable of the enclosing scope (assigned in \"{}\"): inner states may read outer variables but not assign them",
                        scope.states[*i].name,
                        scope.describe(machine),
                        a.name,
                        machine.scope(o).states[j].name
                    ),
                );
                d.help = Some(
                    "use another name inside, and return the value through the branch or iteration output".to_string(),
                );
            }
        }
    }
}
