use std::collections::BTreeMap;

use crate::diagnostics::Label;
use crate::model::StateType;
use crate::rules::practice::duplicate_choice_rule::condition;
use crate::rules::{LintContext, Sink, char_at, declare_rule};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a Choice rule that no input can match, for one of two reasons:
    /// - its own conditions contradict each other: an `And` that asks for `$.age` below
    ///   18 and at least 65, two different `StringEquals` values, a number and a string;
    /// - an earlier rule matches every input it matches, so the earlier one is always
    ///   taken first (`NumericGreaterThan: 10` after `NumericGreaterThan: 5` on the same
    ///   Variable).
    ///
    /// It reasons about `NumericEquals`/`LessThan`/`GreaterThan` (and `...Equals`),
    /// `StringEquals` and `BooleanEquals` with literal values, alone or joined by `And`;
    /// other operators, `Or` and `Not` are left alone. Rules with exactly the same
    /// condition are ASL706's.
    ///
    /// ## Why is this bad?
    /// The rule's `Next` is dead: the branch it leads to never runs, and the inputs it was
    /// written for take another branch. Usually a bound is the wrong way round or the
    /// rules are in the wrong order (the broader one must come last).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Priority?", "States": {"Priority?": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.waitingHours", "NumericGreaterThan": 4, "Next": "Escalate"},
    ///   {"Variable": "$.waitingHours", "NumericGreaterThan": 24, "Next": "Call customer"}],
    ///   "Default": "Queue"},
    ///   "Escalate": {"Type": "Succeed"}, "Call customer": {"Type": "Succeed"},
    ///   "Queue": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead (the narrower rule first):
    /// ```json
    /// {"StartAt": "Priority?", "States": {"Priority?": {"Type": "Choice", "Choices": [
    ///   {"Variable": "$.waitingHours", "NumericGreaterThan": 24, "Next": "Call customer"},
    ///   {"Variable": "$.waitingHours", "NumericGreaterThan": 4, "Next": "Escalate"}],
    ///   "Default": "Queue"},
    ///   "Escalate": {"Type": "Succeed"}, "Call customer": {"Type": "Succeed"},
    ///   "Queue": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL711",
        name: "choice-rule-never-matches",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The values one Variable may take under a rule's conditions.
#[derive(Clone, Debug, PartialEq)]
enum Domain {
    /// Numbers between two bounds; a bound is (value, inclusive).
    Number {
        low: (f64, bool),
        high: (f64, bool),
    },
    Text(String),
    Boolean(bool),
    /// No value at all.
    Empty,
}

impl Domain {
    fn intersect(&self, other: &Domain) -> Domain {
        use Domain::*;
        match (self, other) {
            (Number { low: l1, high: h1 }, Number { low: l2, high: h2 }) => {
                let low = tighter(*l1, *l2, |a, b| a > b);
                let high = tighter(*h1, *h2, |a, b| a < b);
                let empty = low.0 > high.0 || (low.0 == high.0 && !(low.1 && high.1));
                if empty { Empty } else { Number { low, high } }
            }
            (Text(a), Text(b)) if a == b => Text(a.clone()),
            (Boolean(a), Boolean(b)) if a == b => Boolean(*a),
            _ => Empty,
        }
    }

    /// Every value of `self` is a value of `other`.
    fn within(&self, other: &Domain) -> bool {
        use Domain::*;
        match (self, other) {
            (Empty, _) => true,
            (Number { low: l1, high: h1 }, Number { low: l2, high: h2 }) => {
                let low_ok = l1.0 > l2.0 || (l1.0 == l2.0 && (l2.1 || !l1.1));
                let high_ok = h1.0 < h2.0 || (h1.0 == h2.0 && (h2.1 || !h1.1));
                low_ok && high_ok
            }
            (Text(a), Text(b)) => a == b,
            (Boolean(a), Boolean(b)) => a == b,
            _ => false,
        }
    }
}

/// Of two bounds, the one `better` prefers; at equal values the exclusive one.
fn tighter(a: (f64, bool), b: (f64, bool), better: fn(f64, f64) -> bool) -> (f64, bool) {
    if better(a.0, b.0) {
        a
    } else if better(b.0, a.0) {
        b
    } else {
        (a.0, a.1 && b.1)
    }
}

/// A rule's condition as far as this rule can read it.
#[derive(Default)]
struct Conjunction {
    /// Variable path to the values it may take.
    domains: BTreeMap<String, Domain>,
    /// Some part of the condition (another operator, `Or`, `Not`) is not modelled.
    partial: bool,
}

/// The domain one comparison allows, or `None` for an operator not modelled here.
fn comparison(operator: &str, value: &Node<'_>) -> Option<Domain> {
    const OPEN: f64 = f64::INFINITY;
    if let Some(n) = value.as_f64() {
        let (low, high) = match operator {
            "NumericEquals" => ((n, true), (n, true)),
            "NumericLessThan" => ((-OPEN, false), (n, false)),
            "NumericLessThanEquals" => ((-OPEN, false), (n, true)),
            "NumericGreaterThan" => ((n, false), (OPEN, false)),
            "NumericGreaterThanEquals" => ((n, true), (OPEN, false)),
            _ => return None,
        };
        return Some(Domain::Number { low, high });
    }
    match operator {
        "StringEquals" => value.as_str().map(|s| Domain::Text(s.to_string())),
        "BooleanEquals" => value.as_bool().map(Domain::Boolean),
        _ => None,
    }
}

/// Reads a rule (a comparison, or an `And` of them at any depth) into `out`.
fn read(rule: &Node<'_>, out: &mut Conjunction, depth: usize) {
    if depth > 32 || rule.is_unknown() {
        out.partial = true;
        return;
    }
    if let Some(list) = rule.get("And") {
        match list.as_array() {
            Some(items) => items.iter().for_each(|r| read(r, out, depth + 1)),
            None => out.partial = true,
        }
        return;
    }
    let Some(members) = rule.as_object() else {
        out.partial = true;
        return;
    };
    let variable = rule.get("Variable").and_then(Node::as_str);
    let operators: Vec<_> = members
        .iter()
        .filter(|m| {
            !matches!(
                &*m.key,
                "Variable" | "Next" | "Comment" | "Assign" | "Output"
            )
        })
        .collect();
    let domain = match (variable, operators.as_slice()) {
        (Some(v), [op]) if !v.contains("${") => comparison(&op.key, &op.value).map(|d| (v, d)),
        _ => None,
    };
    match domain {
        Some((v, d)) => {
            let slot = out.domains.entry(v.to_string()).or_insert(d.clone());
            *slot = slot.intersect(&d);
        }
        None => out.partial = true,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) {
            continue;
        }
        let rules: Vec<Conjunction> = state
            .choices
            .iter()
            .map(|r| {
                let mut c = Conjunction::default();
                read(r.node, &mut c, 0);
                c
            })
            .collect();
        for (j, rule) in rules.iter().enumerate() {
            let at = char_at(ctx.source, state.choices[j].node.range.start);
            if let Some((variable, _)) = rule.domains.iter().find(|(_, d)| **d == Domain::Empty) {
                let d = sink.report(
                    at,
                    format!(
                        "Choices[{j}] of \"{}\" can never match: no value of {variable} meets all of its conditions",
                        state.name
                    ),
                );
                d.help = Some("check the bounds and values this rule compares; one is likely the wrong way round".into());
                continue;
            }
            // Which earlier rule takes every input this one would match.
            let earlier = rules[..j].iter().position(|i| {
                !i.partial
                    && !i.domains.is_empty()
                    && i.domains
                        .iter()
                        .all(|(v, di)| rule.domains.get(v).is_some_and(|dj| dj.within(di)))
            });
            let Some(i) = earlier else { continue };
            // The same condition twice is ASL706's.
            let same = condition(state.choices[j].node);
            if same.is_some() && same == condition(state.choices[i].node) {
                continue;
            }
            let d = sink.report(
                at,
                format!(
                    "Choices[{j}] of \"{}\" can never match: Choices[{i}] matches every input it matches, and is tried first",
                    state.name
                ),
            );
            d.labels.push(Label {
                range: char_at(ctx.source, state.choices[i].node.range.start),
                message: format!("Choices[{i}] matches first"),
            });
            d.help =
                Some("put the narrower rule first, or fix the bound it was meant to test".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(choices: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{choices}], "Default": "E"}}, "E": {{"Type": "Succeed"}}, "F": {{"Type": "Succeed"}}}}}}"#
        );
        let opts = LintOptions {
            select: vec!["ASL711".into()],
            ..Default::default()
        };
        lint_text(&text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn contradictions_inside_a_rule() {
        let never =
            "Choices[0] of \"C\" can never match: no value of $.age meets all of its conditions";
        for and in [
            r#"{"Variable": "$.age", "NumericLessThan": 18}, {"Variable": "$.age", "NumericGreaterThanEquals": 65}"#,
            r#"{"Variable": "$.age", "NumericLessThan": 18}, {"Variable": "$.age", "NumericGreaterThanEquals": 18}"#,
            r#"{"Variable": "$.age", "NumericEquals": 3}, {"Variable": "$.age", "NumericEquals": 4}"#,
            r#"{"Variable": "$.age", "StringEquals": "a"}, {"And": [{"Variable": "$.age", "StringEquals": "b"}]}"#,
            r#"{"Variable": "$.age", "StringEquals": "3"}, {"Variable": "$.age", "NumericEquals": 3}"#,
            r#"{"Variable": "$.age", "BooleanEquals": true}, {"Variable": "$.age", "BooleanEquals": false}"#,
        ] {
            assert_eq!(
                run(&format!(r#"{{"And": [{and}], "Next": "F"}}"#)),
                [never],
                "{and}"
            );
        }
        // Touching closed bounds and different variables are satisfiable.
        for and in [
            r#"{"Variable": "$.age", "NumericLessThanEquals": 18}, {"Variable": "$.age", "NumericGreaterThanEquals": 18}"#,
            r#"{"Variable": "$.age", "NumericLessThan": 18}, {"Variable": "$.years", "NumericGreaterThan": 65}"#,
            r#"{"Variable": "$.age", "StringEquals": "a"}, {"Variable": "$.age", "StringMatches": "b*"}"#,
        ] {
            assert!(
                run(&format!(r#"{{"And": [{and}], "Next": "F"}}"#)).is_empty(),
                "{and}"
            );
        }
    }

    #[test]
    fn rules_covered_by_an_earlier_one() {
        let covered = "Choices[1] of \"C\" can never match: Choices[0] matches every input it matches, and is tried first";
        for (first, second) in [
            (
                r#"{"Variable": "$.h", "NumericGreaterThan": 4, "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 24, "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.h", "NumericGreaterThanEquals": 4, "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericEquals": 4, "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.s", "StringEquals": "open", "Next": "E"}"#,
                r#"{"And": [{"Variable": "$.s", "StringEquals": "open"}, {"Variable": "$.h", "NumericGreaterThan": 4}], "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.h", "NumericLessThan": 10, "Next": "E"}"#,
                r#"{"And": [{"Variable": "$.h", "NumericLessThan": 5}, {"Variable": "$.s", "StringMatches": "x*"}], "Next": "F"}"#,
            ),
        ] {
            assert_eq!(run(&format!("{first}, {second}")), [covered], "{second}");
        }
        for (first, second) in [
            // The narrower rule first: both can match.
            (
                r#"{"Variable": "$.h", "NumericGreaterThan": 24, "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 4, "Next": "F"}"#,
            ),
            // An exclusive bound does not cover the inclusive one.
            (
                r#"{"Variable": "$.h", "NumericGreaterThan": 4, "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThanEquals": 4, "Next": "F"}"#,
            ),
            // The earlier rule tests more than is modelled: no claim.
            (
                r#"{"And": [{"Variable": "$.h", "NumericGreaterThan": 4}, {"Variable": "$.s", "StringMatches": "x*"}], "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 24, "Next": "F"}"#,
            ),
            (
                r#"{"Or": [{"Variable": "$.h", "NumericGreaterThan": 4}], "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 24, "Next": "F"}"#,
            ),
            // The same condition twice is ASL706's.
            (
                r#"{"Variable": "$.h", "NumericGreaterThan": 4, "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 4, "Next": "F"}"#,
            ),
        ] {
            assert!(
                run(&format!("{first}, {second}")).is_empty(),
                "{first} {second}"
            );
        }
    }
}
