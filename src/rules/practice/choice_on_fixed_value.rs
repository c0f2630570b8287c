use std::collections::BTreeMap;

use crate::diagnostics::Label;
use crate::expr::jsonata::{
    self as jn, EvalOptions, StatesField, context_uses, function_calls, states_paths, states_refs,
    variable_refs,
};
use crate::graph::ScopeGraph;
use crate::model::{QueryLanguage, State, StateMachine, StateType};
use crate::rules::jsonata::state_expressions;
use crate::rules::paths::{fixed_input_value, fixed_jsonata_input, is_expression, plain_names};
use crate::rules::practice::choice_rule_never_matches::{Conjunction, Domain, disjuncts};
use crate::rules::{LintContext, Sink, char_at, declare_rule};
use crate::syntax::{Node, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports a Choice state whose decision is fixed by the definition itself: a
    /// Variable it compares always holds a value written out in an earlier state (a
    /// Pass state's `Result`, a literal field of the `Parameters` a Pass state builds
    /// or of a `ResultSelector`), and every way into the Choice passes through that
    /// state. Then a rule that compares something else never matches (a number tested
    /// with `StringEquals`, `"approved"` against `"APPROVED"`), and once a rule always
    /// matches, the rules after it and the `Default` are never taken.
    ///
    /// It reads the comparisons ASL711 models (`Numeric...`, `StringEquals`,
    /// `StringMatches`, `BooleanEquals`, `IsPresent`, the `Is...` type tests, joined by
    /// `And`, or as the items of a top-level `Or`) of JSONPath Choice states. In
    /// JSONata, a `Condition` that reads nothing but `$states.input` fields the state
    /// before wrote out in its `Output` is evaluated with them.
    ///
    /// ## Why is this bad?
    /// A branch of the workflow is dead, or taken every time. It usually means a Pass
    /// state that stood in for a Task while the workflow was sketched still sits in
    /// front of the Choice, or that the value and the comparison disagree on its type or
    /// spelling; either way the branch the rule was written for never runs.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Check payment", "States": {
    ///   "Check payment": {"Type": "Pass", "Result": {"status": "PAID", "amount": 120}, "ResultPath": "$.payment", "Next": "Paid?"},
    ///   "Paid?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.payment.amount", "StringEquals": "120", "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead (fetch the payment, and compare the amount as a number):
    /// ```json
    /// {"StartAt": "Check payment", "States": {
    ///   "Check payment": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
    ///     "Parameters": {"TableName": "Payments", "Key": {"studentId": {"S.$": "$.studentId"}}},
    ///     "ResultSelector": {"amount.$": "States.StringToJson($.Item.amount.N)"},
    ///     "ResultPath": "$.payment", "Next": "Paid?"},
    ///   "Paid?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.payment.amount", "NumericGreaterThanEquals": 120, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    pub static RULE = {
        code: "ASL715",
        name: "choice-on-fixed-value",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// A Variable's value as written out, with where and by which state.
struct Fixed<'a, 's, 'm> {
    domain: Domain,
    node: &'a Node<'s>,
    setter: &'m State<'a, 's>,
}

/// The values a comparison can tell apart of a value written out.
fn domain_of(node: &Node<'_>) -> Domain {
    match &node.value {
        Value::String(s) => Domain::Text(s.to_string()),
        Value::Bool(b) => Domain::Boolean(*b),
        Value::Null => Domain::Null,
        Value::Object(_) | Value::Array(_) => Domain::Other,
        _ => match node.as_f64() {
            Some(n) => Domain::Number {
                low: (n, true),
                high: (n, true),
            },
            None => Domain::Other,
        },
    }
}

/// The value as the message shows it: as JSON (whatever the source format), cut
/// short.
fn shown(node: &Node<'_>) -> String {
    let text = node.to_json().to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The first `Variable` that names `var` in a rule (through And, Or and Not).
fn variable_node<'a, 's>(rule: &'a Node<'s>, var: &str, depth: usize) -> Option<&'a Node<'s>> {
    if depth > 32 {
        return None;
    }
    if let Some(v) = rule.get("Variable")
        && v.as_str() == Some(var)
    {
        return Some(v);
    }
    if let Some(inner) = rule.get("Not") {
        return variable_node(inner, var, depth + 1);
    }
    ["And", "Or"]
        .iter()
        .filter_map(|k| rule.get(k)?.as_array())
        .flatten()
        .find_map(|r| variable_node(r, var, depth + 1))
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let (Some(machine), Some(graphs)) = (ctx.machine, ctx.graphs) else {
        return;
    };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) {
            continue;
        }
        let graph = graphs.scope(state.id.scope);
        if !graph
            .reachable
            .get(state.id.index)
            .copied()
            .unwrap_or(false)
        {
            continue;
        }
        if state.query_language == QueryLanguage::JsonAta {
            check_conditions(ctx, sink, machine, graph, state);
            continue;
        }
        let rules: Vec<Vec<Conjunction>> =
            state.choices.iter().map(|r| disjuncts(r.node)).collect();
        let mut known: BTreeMap<&str, Option<Fixed<'_, '_, '_>>> = BTreeMap::new();
        for c in rules.iter().flatten() {
            for var in c.domains.keys() {
                known.entry(var.as_str()).or_insert_with(|| {
                    let names = plain_names(var)?;
                    let (node, setter) = fixed_input_value(machine, graph, state, &names)?;
                    Some(Fixed {
                        domain: domain_of(node),
                        node,
                        setter,
                    })
                });
            }
        }
        if known.values().all(Option::is_none) {
            continue;
        }
        let fixed = |var: &str| known.get(var).and_then(Option::as_ref);
        // The Variable of a conjunction whose fixed value no comparison of it meets.
        let excluded = |c: &Conjunction| {
            c.domains.iter().find_map(|(var, d)| {
                let f = fixed(var)?;
                let (meet, exact) = f.domain.intersect(d);
                (exact && meet == Domain::Empty).then(|| var.clone())
            })
        };
        // The Variable of a conjunction that every fixed value meets, when all are fixed.
        let always = |c: &Conjunction| {
            if c.partial || c.domains.is_empty() {
                return None;
            }
            c.domains
                .iter()
                .all(|(var, d)| fixed(var).is_some_and(|f| f.domain.within(d)))
                .then(|| c.domains.keys().next().cloned())
                .flatten()
        };
        let describe = |var: &str| {
            let f = fixed(var).expect("a fixed Variable");
            format!(
                "{var} is always {} here (set by \"{}\")",
                shown(f.node),
                f.setter.name
            )
        };
        let set_here = |var: &str| {
            let f = fixed(var).expect("a fixed Variable");
            Label {
                range: f.node.range,
                message: format!("{var} is set to this, on every way into \"{}\"", state.name),
            }
        };
        let at = |j: usize, var: &str| -> TextRange {
            let rule = state.choices[j].node;
            variable_node(rule, var, 0).map_or(rule.range, |v| v.range)
        };
        let mut taken: Option<(usize, String)> = None;
        for (j, rule) in rules.iter().enumerate() {
            if let Some((i, var)) = &taken {
                let (i, var) = (*i, var.as_str());
                let rule = state.choices[j].node;
                let at = rule
                    .get("Next")
                    .map_or_else(|| char_at(ctx.source, rule.range.start), |n| n.range);
                let d = sink.report(
                    at,
                    format!(
                        "Choices[{j}] of \"{}\" is never tried: Choices[{i}] always matches, since {}",
                        state.name,
                        describe(var)
                    ),
                );
                d.labels.push(set_here(var));
                continue;
            }
            let possible: Vec<&Conjunction> = rule
                .iter()
                .filter(|c| !c.domains.values().any(|d| *d == Domain::Empty))
                .collect();
            if possible.is_empty() {
                // A contradiction inside the rule: ASL711's.
                continue;
            }
            let vars: Option<Vec<String>> = possible.iter().map(|c| excluded(c)).collect();
            if let Some(vars) = vars {
                let var = vars[0].as_str();
                let d = sink.report(
                    at(j, var),
                    format!(
                        "Choices[{j}] of \"{}\" can never match: {}",
                        state.name,
                        describe(var)
                    ),
                );
                d.labels.push(set_here(var));
                d.help = Some(
                    "compare the value that state writes (its type and spelling), or fetch the real value before this Choice"
                        .into(),
                );
                continue;
            }
            if let Some(var) = possible.iter().find_map(|c| always(c)) {
                taken = Some((j, var));
            }
        }
        if let Some((i, var)) = &taken
            && let Some(default) = state.field("Default")
        {
            let var = var.as_str();
            let d = sink.report(
                default.value.range,
                format!(
                    "the Default of \"{}\" is never taken: Choices[{i}] always matches, since {}",
                    state.name,
                    describe(var)
                ),
            );
            d.labels.push(set_here(var));
            d.help = Some(
                "if that state stands in for a task still to be written, this is expected until it is replaced; otherwise the Choice decides nothing".into(),
            );
        }
    }
}

/// What a JSONata `Condition` always gives when the input is `output` (a state's
/// `Output` as written): `None` unless it reads nothing but `$states.input` fields
/// written out there (no variable, no clock, no random number, no `{% %}` value).
fn constant_condition(tree: &jn::Node, output: &Node<'_>) -> Option<bool> {
    let refs = states_refs(tree);
    if refs.is_empty() || refs.iter().any(|r| r.field != StatesField::Input) {
        return None;
    }
    if !context_uses(tree).is_empty()
        || variable_refs(tree)
            .iter()
            .any(|v| !v.bound_locally && v.name != "states")
        || function_calls(tree).iter().any(|c| {
            matches!(
                c.name.as_str(),
                "now" | "millis" | "random" | "uuid" | "shuffle"
            )
        })
    {
        return None;
    }
    let paths = states_paths(tree, "input");
    if paths.len() != refs.len() {
        return None;
    }
    for names in &paths {
        let mut at = output;
        for (name, _) in names {
            at = at.get(name)?;
        }
        if at
            .strings(64)
            .iter()
            .any(|n| n.as_str().is_some_and(is_expression))
        {
            return None;
        }
    }
    let mut states = serde_json::Map::new();
    states.insert("input".into(), output.to_json());
    let mut bindings = serde_json::Map::new();
    bindings.insert("states".into(), serde_json::Value::Object(states));
    let options = EvalOptions {
        now_millis: Some(0),
        random_seed: Some(0),
        max_depth: 0,
        infinity_as_text: false,
        budget: jn::Budget::LINT,
    };
    match jn::evaluate(tree, None, &bindings, &options) {
        Ok(Some(serde_json::Value::Bool(b))) => Some(b),
        _ => None,
    }
}

/// The JSONata half of [`check`]: Conditions decided by the `Output` before.
fn check_conditions(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    machine: &StateMachine<'_, '_>,
    graph: &ScopeGraph,
    state: &State<'_, '_>,
) {
    let Some((output, setter)) = fixed_jsonata_input(machine, graph, state) else {
        return;
    };
    let expressions = state_expressions(state);
    let label = || Label {
        range: output.range,
        message: format!(
            "\"{}\" gives this on every way into \"{}\"",
            setter.name, state.name
        ),
    };
    let mut taken: Option<usize> = None;
    for (j, rule) in state.choices.iter().enumerate() {
        if let Some(i) = taken {
            let at = rule
                .node
                .get("Next")
                .map_or_else(|| char_at(ctx.source, rule.node.range.start), |n| n.range);
            let d = sink.report(
                at,
                format!(
                    "Choices[{j}] of \"{}\" is never tried: the Condition of Choices[{i}] is always true with the Output of \"{}\"",
                    state.name, setter.name
                ),
            );
            d.labels.push(label());
            continue;
        }
        let Some(condition) = rule.node.get("Condition") else {
            continue;
        };
        let Some(e) = expressions.iter().find(|e| std::ptr::eq(e.node, condition)) else {
            continue;
        };
        let Ok(tree) = &e.parsed.result else { continue };
        match constant_condition(tree, output) {
            Some(true) => taken = Some(j),
            Some(false) => {
                let d = sink.report(
                    condition.range,
                    format!(
                        "Choices[{j}] of \"{}\" can never match: its Condition is always false with the Output of \"{}\"",
                        state.name, setter.name
                    ),
                );
                d.labels.push(label());
                d.help = Some(
                    "compare the values that state writes (their types and spelling), or compute them before this Choice".into(),
                );
            }
            None => {}
        }
    }
    if let Some(i) = taken
        && let Some(default) = state.field("Default")
    {
        let d = sink.report(
            default.value.range,
            format!(
                "the Default of \"{}\" is never taken: the Condition of Choices[{i}] is always true with the Output of \"{}\"",
                state.name, setter.name
            ),
        );
        d.labels.push(label());
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    /// (text at the range, message) of ASL715 with these states before a Choice
    /// "C" with these rules.
    fn run(states: &str, choices: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"StartAt": "S", "States": {{{states}, "C": {{"Type": "Choice", "Choices": [{choices}], "Default": "E"}}, "E": {{"Type": "Succeed"}}, "F": {{"Type": "Succeed"}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL715".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    const PASS: &str = r#""S": {"Type": "Pass", "Result": {"n": 5, "status": "PAID", "tags": ["a"]}, "ResultPath": "$.r", "Next": "C"}"#;

    #[test]
    fn a_type_or_value_the_fixed_value_never_has() {
        assert_eq!(
            run(
                PASS,
                r#"{"Variable": "$.r.n", "StringEquals": "5", "Next": "F"},
                   {"Variable": "$.r.status", "StringEquals": "paid", "Next": "F"},
                   {"Variable": "$.r.tags", "IsString": true, "Next": "F"},
                   {"Variable": "$.other", "StringEquals": "x", "Next": "F"}"#
            ),
            [
                (
                    r#""$.r.n""#.to_string(),
                    r#"Choices[0] of "C" can never match: $.r.n is always 5 here (set by "S")"#
                        .to_string()
                ),
                (
                    r#""$.r.status""#.to_string(),
                    r#"Choices[1] of "C" can never match: $.r.status is always "PAID" here (set by "S")"#
                        .to_string()
                ),
                (
                    r#""$.r.tags""#.to_string(),
                    r#"Choices[2] of "C" can never match: $.r.tags is always ["a"] here (set by "S")"#
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_rule_that_always_matches_hides_the_rest() {
        let found = run(
            PASS,
            r#"{"Variable": "$.other", "StringEquals": "x", "Next": "F"},
               {"And": [{"Variable": "$.r.n", "NumericGreaterThan": 1}, {"Variable": "$.r.status", "StringMatches": "P*"}], "Next": "F"},
               {"Variable": "$.other", "IsPresent": true, "Next": "F"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    r#""F""#.to_string(),
                    r#"Choices[2] of "C" is never tried: Choices[1] always matches, since $.r.n is always 5 here (set by "S")"#
                        .to_string()
                ),
                (
                    r#""E""#.to_string(),
                    r#"the Default of "C" is never taken: Choices[1] always matches, since $.r.n is always 5 here (set by "S")"#
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn values_not_fixed_on_every_way_in_are_left_alone() {
        // A second way in.
        let two_ways = r#""S": {"Type": "Pass", "Result": {"n": 5}, "ResultPath": "$.r", "Next": "C"},
            "T": {"Type": "Pass", "Next": "C"}"#;
        assert!(
            run(
                two_ways,
                r#"{"Variable": "$.r.n", "StringEquals": "5", "Next": "F"}"#
            )
            .is_empty()
        );
        // A `.$` field, a Task result, a result placed above the path, an OutputPath.
        for states in [
            r#""S": {"Type": "Pass", "Parameters": {"n.$": "$.count"}, "ResultPath": "$.r", "Next": "C"}"#,
            r#""S": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "ResultPath": "$.r", "Next": "C"}"#,
            r#""S": {"Type": "Pass", "Result": 5, "ResultPath": "$.r.n.x", "Next": "C"}"#,
            r#""S": {"Type": "Pass", "Result": {"n": 5}, "ResultPath": "$.r", "OutputPath": "$.r", "Next": "C"}"#,
        ] {
            assert!(
                run(
                    states,
                    r#"{"Variable": "$.r.n", "StringEquals": "5", "Next": "F"}"#
                )
                .is_empty(),
                "{states}"
            );
        }
        // The Choice is where the execution starts.
        let text = r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "StringEquals": "5", "Next": "E"}], "Default": "E"}, "E": {"Type": "Pass", "Result": {"n": 5}, "Next": "C"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL715".into()],
            ..Default::default()
        };
        assert!(lint_text(text, SourceKind::Json, &opts).is_empty());
    }

    #[test]
    fn jsonata_conditions_on_a_written_out_output() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "S", "States": {
            "S": {"Type": "Pass", "Output": {"status": "PAID", "amount": 120, "id": "{% $uuid() %}"}, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 1, "Next": "C"},
            "C": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.amount = '120' %}", "Next": "E"},
                {"Condition": "{% $states.input.id = 'x' %}", "Next": "E"},
                {"Condition": "{% $states.input.status in ['PAID', 'WAIVED'] %}", "Next": "E"},
                {"Condition": "{% $states.input.amount > 0 %}", "Next": "F"}],
              "Default": "F"},
            "E": {"Type": "Succeed"}, "F": {"Type": "Succeed"}}}"#;
        let opts = LintOptions {
            select: vec!["ASL715".into()],
            ..Default::default()
        };
        let found: Vec<(String, String)> = lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect();
        assert_eq!(
            found,
            [
                (
                    r#""{% $states.input.amount = '120' %}""#.to_string(),
                    r#"Choices[0] of "C" can never match: its Condition is always false with the Output of "S""#.to_string()
                ),
                (
                    r#""F""#.to_string(),
                    r#"Choices[3] of "C" is never tried: the Condition of Choices[2] is always true with the Output of "S""#.to_string()
                ),
                (
                    r#""F""#.to_string(),
                    r#"the Default of "C" is never taken: the Condition of Choices[2] is always true with the Output of "S""#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn through_states_that_hand_their_input_on() {
        let states = r#""S": {"Type": "Pass", "Parameters": {"mode": "manual", "id.$": "$.id"}, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 1, "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "ResultPath": "$.sent", "Next": "C"}"#;
        assert_eq!(
            run(
                states,
                r#"{"Variable": "$.mode", "StringEquals": "auto", "Next": "F"}, {"Variable": "$.sent", "IsPresent": true, "Next": "F"}"#
            ),
            [(
                r#""$.mode""#.to_string(),
                r#"Choices[0] of "C" can never match: $.mode is always "manual" here (set by "S")"#
                    .to_string()
            )]
        );
    }
}
