use rustc_hash::FxHashSet as HashSet;

use crate::rules::jsonata::invalid_variable_name::variable_name_problem;
use crate::rules::jsonata::variables::visible_scopes;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a variable that an `Assign` sets but that no state which can see it ever
    /// reads: no state of the same scope, and no state of a Parallel branch or inline
    /// Map processor nested in it.
    ///
    /// ## Why is this bad?
    /// The assignment does nothing but add to the state's history event (and to the
    /// 256 KiB limit on assigned data). Often the name is misspelt where it is set or
    /// where it is read.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"orderId.$": "$.id"}, "Next": "B"}, "B": {"Type": "Pass", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"orderId.$": "$.id"}, "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"id.$": "$orderId"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL607",
        name: "unused-variable",
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
    // (scope, variable) pairs read by a state of that scope or of a scope that sees it.
    let mut read: HashSet<(usize, &str)> = HashSet::default();
    for scope in &machine.scopes {
        let visible = visible_scopes(machine, scope.id);
        for state_reads in &vars.reads[scope.id] {
            for r in state_reads {
                if let Some(v) = analysis.index_of(&r.name) {
                    for &s in &visible {
                        read.insert((s, analysis.names[v]));
                    }
                }
            }
        }
    }
    for scope in &machine.scopes {
        for (i, a) in &analysis.assigned[scope.id] {
            if !read.contains(&(scope.id, a.name))
                && !a.name.contains("${")
                && variable_name_problem(a.name).is_none()
            {
                sink.report(
                    a.member.key_range,
                    format!(
                        "variable `${}` is assigned in \"{}\" but never read",
                        a.name, scope.states[*i].name
                    ),
                );
            }
        }
    }
}
