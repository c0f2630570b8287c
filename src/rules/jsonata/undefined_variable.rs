use crate::rules::jsonata::variables::is_distributed_processor;
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a read of a workflow variable (`$name` in a JSONPath path, an intrinsic
    /// function or a `.$` value, or in a JSONata `{% %}` expression) that no path from
    /// `StartAt` assigns before the state that reads it: the name is assigned nowhere,
    /// only later, only in a state's own `Assign` (which is visible from the next state
    /// on), only inside a Parallel branch or Map iteration (whose variables never leave
    /// it), only by a way back to the `StartAt` state that reads it (its first run has
    /// nothing assigned), or outside a Distributed Map whose child workflow sees no
    /// outer variables.
    /// A name is reported once per expression or path string, at its first read. A
    /// JSONata read guarded by an `$exists($name)` test cannot fail and is not
    /// reported: the test itself, and what is evaluated only when it holds (the `then`
    /// branch of `$exists($v) ? $v.x : 0`, the right side of `$exists($v) and $v > 1`).
    ///
    /// ## Why is this bad?
    /// The read fails every time it runs: a JSONPath reference to a missing variable
    /// raises `States.Runtime`, and a JSONata expression gets no value
    /// (`States.QueryEvaluationError` where a value is needed). The Step Functions
    /// console flags these reads too. A variable assigned on some paths but not on
    /// others is ASL605's sibling, ASL606.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"total": 1, "copy.$": "$total"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"total": 1}, "Next": "B"}, "B": {"Type": "Pass", "Assign": {"copy.$": "$total"}, "Next": "C"}, "C": {"Type": "Pass", "Parameters": {"copy.$": "$copy"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL605",
        name: "undefined-variable",
        severity: Error,
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
    for scope in &machine.scopes {
        for (i, state) in scope.states.iter().enumerate() {
            let Some(entry) = &analysis.entry[scope.id][i] else {
                continue;
            };
            for r in &vars.reads[scope.id][i] {
                if r.guarded || r.repeat {
                    continue;
                }
                let idx = analysis.index_of(&r.name);
                // Assigned on some way to the state, but only on a way back to it.
                let first_arrival = idx.is_some_and(|v| {
                    entry.may.contains(v) && analysis.unassigned_on_first_arrival(scope.id, i, v)
                });
                if (idx.is_some_and(|v| entry.may.contains(v)) && !first_arrival)
                    || (idx.is_none() && r.builtin)
                {
                    continue;
                }
                let unsupported = crate::expr::jsonata::UNSUPPORTED
                    .iter()
                    .find(|(n, _)| *n == r.name);
                let message = match (idx, unsupported) {
                    // `$eval` without a call: the function Step Functions lacks.
                    (None, Some((_, advice))) => format!(
                        "`${}` in \"{}\" is a JSONata function Step Functions does not provide ({advice}), and no `Assign` sets a variable of that name",
                        r.name, state.name
                    ),
                    // `$states.input` written in a JSONPath state: no variable can
                    // have that name (ASL604), the JSONata one exists only there.
                    (None, None) if r.name == "states" => format!(
                        "`$states` exists only in JSONata states, and \"{}\" is a JSONPath state: here it would be a variable, which no `Assign` can set (`states` is reserved); `$` is the state's input",
                        state.name
                    ),
                    (None, None) => format!(
                        "variable `${}` is read in \"{}\" but no `Assign` sets it",
                        r.name, state.name
                    ),
                    (Some(_), _) => {
                        let boundary = machine
                            .ancestors(scope.id)
                            .find(|&s| is_distributed_processor(machine, s));
                        let outside = boundary.is_some_and(|b| {
                            let parent = machine.scope(b).parent().map(|p| p.scope);
                            parent.is_some_and(|p| {
                                machine.ancestors(p).any(|a| {
                                    analysis.assigned[a].iter().any(|(_, x)| x.name == r.name)
                                })
                            })
                        });
                        match (outside, boundary) {
                            (true, Some(b)) => format!(
                                "variable `${}` is not visible in {}: a Distributed Map's child workflow sees no variables of the workflow around it (pass the value in ItemSelector)",
                                r.name,
                                machine.scope(b).describe(machine)
                            ),
                            _ if first_arrival => format!(
                                "`${}` is read in \"{}\" before any state assigns it: the first time it runs, from StartAt, nothing has; only a way back to it does",
                                r.name, state.name
                            ),
                            _ => format!(
                                "no path from StartAt assigns `${}` before \"{}\" reads it",
                                r.name, state.name
                            ),
                        }
                    }
                };
                let dm = message.contains("Distributed Map");
                let suggestion = if idx.is_none() && sink.may_suggest() {
                    crate::rules::did_you_mean(&r.name, analysis.names.iter().copied())
                } else {
                    None
                };
                let d = sink.report(r.range, message);
                if let Some(name) = suggestion {
                    d.help = Some(format!("did you mean `${name}`?"));
                }
                if idx.is_some() && !dm {
                    d.help = Some(
                        "a state's Assign is visible from the next state on, and variables assigned inside a Parallel branch or Map iteration stay there"
                            .to_string(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// A variable that only a way back to the `StartAt` state assigns: its first run
    /// fails, every time (ASL605, not ASL606). A branch's `StartAt` sees what the
    /// state around the branch saw.
    #[test]
    fn read_at_start_assigned_only_by_a_way_back() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $flag %}", "Next": "S"}], "Default": "A"}, "A": {"Type": "Pass", "Assign": {"flag": true}, "Next": "C"}, "S": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL605"),
            [
                "$flag: `$flag` is read in \"C\" before any state assigns it: the first time it runs, from StartAt, nothing has; only a way back to it does"
            ]
        );
        assert!(crate::rules::located_messages(text, "ASL606").is_empty());
        // Assigned before the loop: fine.
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "I", "States": {"I": {"Type": "Pass", "Assign": {"flag": false}, "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Condition": "{% $flag %}", "Next": "S"}], "Default": "A"}, "A": {"Type": "Pass", "Assign": {"flag": true}, "Next": "C"}, "S": {"Type": "Succeed"}}}"#;
        assert!(crate::rules::located_messages(text, "ASL605").is_empty());
        assert!(crate::rules::located_messages(text, "ASL606").is_empty());
        // A Map that is the StartAt state: its iterations' first run is its first.
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": true}}}, "Next": "B"}, "B": {"Type": "Pass", "Assign": {"v": 1}, "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.again", "IsPresent": true, "Next": "M"}], "Default": "D"}, "D": {"Type": "Succeed"}}}"#;
        assert_eq!(crate::rules::located_messages(text, "ASL605").len(), 1);
        assert!(crate::rules::located_messages(text, "ASL606").is_empty());
        // In a Map iteration, its StartAt sees what the Map state saw.
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "I", "States": {"I": {"Type": "Pass", "Assign": {"flag": false}, "Next": "M"}, "M": {"Type": "Map", "Items": "{% [1] %}", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $flag %}", "Next": "S"}], "Default": "P"}, "P": {"Type": "Pass", "Next": "C"}, "S": {"Type": "Succeed"}}}, "End": true}}}"#;
        assert!(crate::rules::located_messages(text, "ASL605").is_empty());
    }

    /// `$eval` written without a call is the function Step Functions lacks more likely
    /// than a variable: the message says both.
    #[test]
    fn an_unsupported_function_read_as_a_value_is_named() {
        assert_eq!(
            crate::rules::on_jsonata_output("$eval", "ASL605"),
            vec![(
                "$eval".to_string(),
                "`$eval` in \"A\" is a JSONata function Step Functions does not provide (use $parse to turn a JSON string into a value), and no `Assign` sets a variable of that name".to_string()
            )]
        );
    }
}
