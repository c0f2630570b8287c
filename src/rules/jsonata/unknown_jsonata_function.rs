use crate::expr::jsonata::{UNSUPPORTED, bound_names, builtin, function_calls};
use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::{LintContext, Sink, declare_rule, spelling_fix};

declare_rule! {
    /// ## What it does
    /// Reports calls to functions that neither JSONata nor Step Functions provide
    /// (`$sums(...)`, `$eval(...)`) and calls with too few or too many arguments
    /// (`$substring($s)`), in JSONata states. Functions bound in the expression itself
    /// (`$f := function($x){...}`) are accepted.
    ///
    /// ## Why is this bad?
    /// The state fails at run time with `States.QueryEvaluationError`.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $sums($states.input.prices) %}", "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $sum($states.input.prices) %}", "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// An unknown name close to a function that exists becomes that function: safe
    /// when only the case differs (`$toMillis` for `$tomillis`), unsafe otherwise
    /// (`$sum` for `$sums`).
    pub static RULE = {
        code: "ASL603",
        name: "unknown-jsonata-function",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        for e in state_expressions(state) {
            let Ok(tree) = &e.parsed.result else { continue };
            let bound = bound_names(tree);
            for call in function_calls(tree) {
                if bound.contains(&call.name) {
                    continue;
                }
                let Some(b) = builtin(&call.name) else {
                    let advice = UNSUPPORTED
                        .iter()
                        .find(|(n, _)| *n == call.name)
                        .map(|(_, a)| format!(": Step Functions does not provide it, {a}"));
                    let message = match advice {
                        Some(a) => format!("${}{a}", call.name),
                        None => format!(
                            "unknown JSONata function ${} in \"{}\"",
                            call.name, state.name
                        ),
                    };
                    let range = source_range(ctx.source, &e, call.name_span);
                    let d = sink.report(range, message);
                    let builtins = crate::expr::jsonata::BUILTINS.iter().map(|b| b.name);
                    let meant = builtins
                        .clone()
                        .find(|b| b.eq_ignore_ascii_case(&call.name))
                        .or_else(|| crate::rules::did_you_mean(&call.name, builtins));
                    if let Some(s) = meant {
                        d.help = Some(format!("did you mean ${s}?"));
                        // The name as written (no escapes), with or without its `$`.
                        let written = ctx.source.get(range.as_usize()).unwrap_or_default();
                        let replacement = if written == call.name {
                            Some(s.to_string())
                        } else if written.strip_prefix('$') == Some(call.name.as_str()) {
                            Some(format!("${s}"))
                        } else {
                            None
                        };
                        if let Some(replacement) = replacement {
                            d.fixes
                                .push(spelling_fix(&call.name, s, range, replacement));
                        }
                    }
                    continue;
                };
                let max = b.max_args.unwrap_or(usize::MAX);
                if call.args < b.min_args || call.args > max {
                    let expected = if b.min_args == max {
                        format!("{}", b.min_args)
                    } else if max == usize::MAX {
                        format!("at least {}", b.min_args)
                    } else {
                        format!("{} to {}", b.min_args, max)
                    };
                    sink.report(
                        source_range(ctx.source, &e, call.span),
                        format!(
                            "${} takes {expected} argument{} but is given {}",
                            call.name,
                            if expected == "1" { "" } else { "s" },
                            call.args
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn run(expr: &str) -> Vec<(String, String)> {
        crate::rules::on_jsonata_output(expr, "ASL603")
    }

    #[test]
    fn unknown_arity_and_local_functions() {
        assert_eq!(run("$sum([1]) + $partition([1,2], 1)[0][0]"), vec![]);
        assert_eq!(run("($f := function($x){$x}; $f(1))"), vec![]);
        assert_eq!(
            run("$sums([1])"),
            vec![(
                "$sums".to_string(),
                "unknown JSONata function $sums in \"A\"".to_string()
            )]
        );
        assert_eq!(
            run("$substring('abc')"),
            vec![(
                "$substring('abc')".to_string(),
                "$substring takes 2 to 3 arguments but is given 1".to_string()
            )]
        );
    }
}
