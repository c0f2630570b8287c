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
    /// 256 KiB limit on assigned data). Often the name is misspelled where it is set
    /// or where it is read.
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
    let mentioned = mentioned_in_unknown_values(ctx);
    for scope in &machine.scopes {
        for (i, a) in &analysis.assigned[scope.id] {
            if !read.contains(&(scope.id, a.name))
                && !mentioned.contains(a.name)
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

/// The names written as `$name` in values that hold a deploy-time `${...}`: their
/// expressions and paths are not analysed (what they read is only known once the
/// value is filled in), so a variable they name counts as read.
fn mentioned_in_unknown_values(ctx: &LintContext<'_, '_>) -> HashSet<String> {
    let mut out = HashSet::default();
    if !crate::embed::has_dollar_brace(ctx.source) {
        return out;
    }
    let Some(root) = ctx.document.root.as_ref() else {
        return out;
    };
    let mut stack = vec![(root, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        match &n.value {
            crate::syntax::Value::String(s) | crate::syntax::Value::Placeholder(s)
                if crate::embed::has_dollar_brace(s) =>
            {
                out.extend(dollar_names(s).into_iter().map(str::to_string));
            }
            crate::syntax::Value::Array(items) if depth < 128 => {
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            crate::syntax::Value::Object(members) if depth < 128 => {
                stack.extend(members.iter().map(|m| (&m.value, depth + 1)));
            }
            _ => {}
        }
    }
    out
}

/// The identifiers after a `$` in `text` (`$v` of `{% $v & '${Suffix}' %}`), not `$$`
/// nor `${`.
fn dollar_names(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('$') {
        if i > 0 && b[i - 1] == b'$' {
            continue;
        }
        let rest = &text[i + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest.as_bytes()[0] != b'{' {
            out.push(&rest[..len]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn codes(text: &str) -> Vec<&'static str> {
        let options = LintOptions {
            select: vec!["ASL607".into()],
            ..LintOptions::default()
        };
        lint_text(text, SourceKind::Json, &options)
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn a_read_in_a_value_with_a_placeholder_counts() {
        // The expression and the path hold `${...}`, so they are not analysed; the
        // variable they name is read all the same.
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
 "A": {"Type": "Pass", "Assign": {"v": 1, "w": 2}, "Next": "B"},
 "B": {"Type": "Pass", "Output": "{% $v & '${Suffix}' %}", "End": true}}}"#;
        assert_eq!(codes(jsonata), ["ASL607"]);
        let jsonpath = r#"{"StartAt": "A", "States": {
 "A": {"Type": "Pass", "Assign": {"v": 1}, "Next": "B"},
 "B": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}${Sep}', $v)"}, "End": true}}}"#;
        assert_eq!(codes(jsonpath), Vec::<&str>::new());
    }
}
