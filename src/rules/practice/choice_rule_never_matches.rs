use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostics::Label;
use crate::model::StateType;
use crate::rules::practice::duplicate_choice_rule::condition;
use crate::rules::{LintContext, Sink, char_at, declare_rule};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a Choice rule that no input can match: its own conditions contradict
    /// each other, or earlier rules already take every input it would match (judged on
    /// numeric and timestamp bounds, `StringEquals`, `StringMatches` patterns,
    /// `BooleanEquals`, `IsPresent` and type tests, alone, in `And` or in a top-level
    /// `Or`). In detail:
    /// - its own conditions contradict each other: an `And` that asks for `$.age` below
    ///   18 and at least 65, two different `StringEquals` values, a number and a
    ///   string;
    /// - an earlier rule matches every input it matches, so the earlier one is always
    ///   taken first (`NumericGreaterThan: 10` after `NumericGreaterThan: 5` on the
    ///   same Variable, `StringEquals: "report.csv"` after `StringMatches: "*.csv"`, a
    ///   value after `IsPresent: true`);
    /// - two earlier rules test that one Variable is present and that it is absent, so
    ///   between them they match every input.
    ///
    /// It reasons about `NumericEquals`/`LessThan`/`GreaterThan` (and `...Equals`), the
    /// same `Timestamp...` operators (instants compared with their offsets:
    /// `01:00+02:00` is before `00:30Z`), `StringEquals`, `StringMatches`,
    /// `BooleanEquals`, `IsPresent` and the `Is...` type tests with literal values,
    /// alone, joined by `And`, or as the items of a top-level `Or` (any one of which
    /// matches); a `Not` of `IsPresent`. Other operators and other `Not`s are left
    /// alone. Rules with exactly the same condition are ASL706's.
    ///
    /// ## Why is this bad?
    /// The rule's `Next` is dead: the branch it leads to never runs, and the inputs it
    /// was written for take another branch. Usually a bound is the wrong way round or
    /// the rules are in the wrong order (the broader one must come last).
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
pub(super) enum Domain {
    /// Numbers between two bounds; a bound is (value, inclusive).
    Number {
        low: (f64, bool),
        high: (f64, bool),
    },
    /// Instants (the `Timestamp*` operators) between two bounds, in microseconds since
    /// the epoch; a bound is (value, inclusive). A timestamp is a string too.
    Instant {
        low: (f64, bool),
        high: (f64, bool),
    },
    Text(String),
    /// Any string.
    AnyText,
    /// The strings a `StringMatches` pattern with a `*` matches.
    Pattern(String),
    Boolean(bool),
    AnyBoolean,
    Null,
    /// Any value (`IsPresent: true`).
    Present,
    /// No field there (`IsPresent: false`).
    Absent,
    /// No value at all.
    Empty,
    /// An object or an array (only ever a value written out in the definition, which
    /// no comparison matches).
    Other,
}

impl Domain {
    /// The values both allow, and whether that is exact (two different patterns give
    /// the first, which holds more than they have in common).
    pub(super) fn intersect(&self, other: &Domain) -> (Domain, bool) {
        use Domain::*;
        let d = match (self, other) {
            (Empty, _) | (_, Empty) => Empty,
            (Present, Absent) | (Absent, Present) => Empty,
            (Present, d) | (d, Present) => d.clone(),
            (Absent, Absent) => Absent,
            (Number { low: l1, high: h1 }, Number { low: l2, high: h2 }) => {
                match meet((*l1, *h1), (*l2, *h2)) {
                    Some((low, high)) => Number { low, high },
                    None => Empty,
                }
            }
            (Instant { low: l1, high: h1 }, Instant { low: l2, high: h2 }) => {
                match meet((*l1, *h1), (*l2, *h2)) {
                    Some((low, high)) => Instant { low, high },
                    None => Empty,
                }
            }
            // A timestamp is a string: what a string test leaves of it is not modelled.
            (d @ Instant { .. }, Text(_) | AnyText | Pattern(_))
            | (Text(_) | AnyText | Pattern(_), d @ Instant { .. }) => return (d.clone(), false),
            (Text(a), Text(b)) if a == b => Text(a.clone()),
            (AnyText, d @ (Text(_) | AnyText | Pattern(_)))
            | (d @ (Text(_) | Pattern(_)), AnyText) => d.clone(),
            (Pattern(p), Text(t)) | (Text(t), Pattern(p)) => match glob(p, t) {
                Some(true) => Text(t.clone()),
                Some(false) => Empty,
                // Too long to match here: the text, which holds at least as much.
                None => return (Text(t.clone()), false),
            },
            (Pattern(p), Pattern(q)) => return (Pattern(p.clone()), p == q),
            (Boolean(a), Boolean(b)) if a == b => Boolean(*a),
            (AnyBoolean, d @ (Boolean(_) | AnyBoolean)) | (d @ Boolean(_), AnyBoolean) => d.clone(),
            (Null, Null) => Null,
            _ => Empty,
        };
        (d, true)
    }

    /// Every value of `self` is a value of `other`.
    pub(super) fn within(&self, other: &Domain) -> bool {
        use Domain::*;
        match (self, other) {
            (Empty, _) => true,
            (Absent, Absent) => true,
            (Absent, _) => false,
            (_, Present) => true,
            (Number { low: l1, high: h1 }, Number { low: l2, high: h2 })
            | (Instant { low: l1, high: h1 }, Instant { low: l2, high: h2 }) => {
                let low_ok = l1.0 > l2.0 || (l1.0 == l2.0 && (l2.1 || !l1.1));
                let high_ok = h1.0 < h2.0 || (h1.0 == h2.0 && (h2.1 || !h1.1));
                low_ok && high_ok
            }
            (Instant { .. }, AnyText) => true,
            (Text(a), Text(b)) => a == b,
            (Text(_) | Pattern(_) | AnyText, AnyText) => true,
            (Text(t), Pattern(p)) => glob(p, t) == Some(true),
            (Pattern(p), Pattern(q)) => p == q,
            (Boolean(a), Boolean(b)) => a == b,
            (Boolean(_) | AnyBoolean, AnyBoolean) => true,
            (Null, Null) => true,
            _ => false,
        }
    }
}

/// The values two ranges have in common, `None` when they have none.
type Range = ((f64, bool), (f64, bool));
fn meet((l1, h1): Range, (l2, h2): Range) -> Option<Range> {
    let low = tighter(l1, l2, |a, b| a > b);
    let high = tighter(h1, h2, |a, b| a < b);
    let empty = low.0 > high.0 || (low.0 == high.0 && !(low.1 && high.1));
    (!empty).then_some((low, high))
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

/// The parts of a `StringMatches` pattern: text, and `None` for each unescaped `*`.
fn glob_parts(pattern: &str) -> Vec<Option<char>> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(Some(chars.next().unwrap_or('\\'))),
            '*' => out.push(None),
            c => out.push(Some(c)),
        }
    }
    out
}

/// [`glob_matches`], or `None` when pattern and text are too long to match in the time
/// a lint may take (the matching is quadratic at worst).
fn glob(pattern: &str, text: &str) -> Option<bool> {
    (pattern.len().saturating_mul(text.len()) <= 1 << 22).then(|| glob_matches(pattern, text))
}

/// Whether `text` matches a `StringMatches` pattern (`*` any run of characters, `\*`
/// a star). Iterative, with one backtrack point, so it stays linear-ish on any input.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let p = glob_parts(pattern);
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some(Some(c)) if *c == t[j] => {
                i += 1;
                j += 1;
            }
            Some(None) => {
                star = Some((i, j));
                i += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(Option::is_none)
}

/// A rule's condition as far as this rule can read it.
#[derive(Default)]
pub(super) struct Conjunction {
    /// Variable path to the values it may take.
    pub(super) domains: BTreeMap<String, Domain>,
    /// Some part of the condition (another operator, a nested `Or`, a `Not` of
    /// anything but `IsPresent`) is not modelled, or modelled more broadly than it is.
    pub(super) partial: bool,
}

/// The range a comparison (`Equals`, `LessThan`, ... without its `Numeric` or
/// `Timestamp` prefix) with the value `v` allows.
fn bounds(comparison: &str, v: f64) -> Option<((f64, bool), (f64, bool))> {
    const OPEN: f64 = f64::INFINITY;
    Some(match comparison {
        "Equals" => ((v, true), (v, true)),
        "LessThan" => ((-OPEN, false), (v, false)),
        "LessThanEquals" => ((-OPEN, false), (v, true)),
        "GreaterThan" => ((v, false), (OPEN, false)),
        "GreaterThanEquals" => ((v, true), (OPEN, false)),
        _ => return None,
    })
}

/// The domain one comparison allows, or `None` for an operator not modelled here.
fn comparison(operator: &str, value: &Node<'_>) -> Option<Domain> {
    const OPEN: f64 = f64::INFINITY;
    if let Some(n) = value.as_f64() {
        let (low, high) = bounds(operator.strip_prefix("Numeric")?, n)?;
        return Some(Domain::Number { low, high });
    }
    if let Some(at) = operator.strip_prefix("Timestamp") {
        // Microseconds: exact for any instant of these centuries.
        let t = crate::expr::timestamp::parse_rfc3339(value.as_str()?)? as f64 / 1000.0;
        let (low, high) = bounds(at, t)?;
        return Some(Domain::Instant { low, high });
    }
    let yes = value.as_bool();
    match operator {
        "StringEquals" => value.as_str().map(|s| Domain::Text(s.to_string())),
        "StringMatches" => value.as_str().map(|p| {
            let parts = glob_parts(p);
            if parts.iter().all(Option::is_none) && !parts.is_empty() {
                Domain::AnyText
            } else if parts.iter().all(Option::is_some) {
                Domain::Text(parts.iter().flatten().collect())
            } else {
                Domain::Pattern(p.to_string())
            }
        }),
        "BooleanEquals" => yes.map(Domain::Boolean),
        "IsPresent" => yes.map(|b| if b { Domain::Present } else { Domain::Absent }),
        "IsNumeric" if yes == Some(true) => Some(Domain::Number {
            low: (-OPEN, false),
            high: (OPEN, false),
        }),
        "IsString" if yes == Some(true) => Some(Domain::AnyText),
        "IsTimestamp" if yes == Some(true) => Some(Domain::Instant {
            low: (-OPEN, false),
            high: (OPEN, false),
        }),
        "IsBoolean" if yes == Some(true) => Some(Domain::AnyBoolean),
        "IsNull" if yes == Some(true) => Some(Domain::Null),
        _ => None,
    }
}

/// The (Variable, domain) a single comparison allows.
fn single<'n>(rule: &'n Node<'_>) -> Option<(&'n str, Domain)> {
    let members = rule.as_object()?;
    let variable = rule.get("Variable").and_then(Node::as_str)?;
    let operators: Vec<_> = members
        .iter()
        .filter(|m| {
            !matches!(
                &*m.key,
                "Variable" | "Next" | "Comment" | "Assign" | "Output"
            )
        })
        .collect();
    match operators.as_slice() {
        [op] if !variable.contains("${") => Some((variable, comparison(&op.key, &op.value)?)),
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
    // `Not` of `IsPresent` is the other `IsPresent`; any other `Not` is not modelled.
    let flipped = rule.get("Not").map(|inner| match single(inner) {
        Some((v, Domain::Present)) => Some((v, Domain::Absent)),
        Some((v, Domain::Absent)) => Some((v, Domain::Present)),
        _ => None,
    });
    let domain = match flipped {
        Some(d) => d,
        None => single(rule),
    };
    match domain {
        Some((v, d)) => {
            let slot = out.domains.entry(v.to_string()).or_insert(d.clone());
            let (meet, exact) = slot.intersect(&d);
            *slot = meet;
            out.partial |= !exact;
        }
        None => out.partial = true,
    }
}

/// A rule as the conditions of which any one makes it match: the items of a top-level
/// `Or`, else the rule itself.
pub(super) fn disjuncts(rule: &Node<'_>) -> Vec<Conjunction> {
    let read_one = |r: &Node<'_>| {
        let mut c = Conjunction::default();
        read(r, &mut c, 0);
        c
    };
    match rule.get("Or").and_then(Node::as_array) {
        Some(items) if !items.is_empty() => items.iter().map(read_one).collect(),
        _ => vec![read_one(rule)],
    }
}

/// True when `earlier` (one condition of an earlier rule) surely matches every input
/// `later` matches.
fn covers(earlier: &Conjunction, later: &Conjunction) -> bool {
    !earlier.partial
        && !earlier.domains.is_empty()
        && earlier
            .domains
            .iter()
            .all(|(v, di)| later.domains.get(v).is_some_and(|dj| dj.within(di)))
}

/// A domain that holds one value, by which an earlier condition is found: only a
/// domain with that same single value lies within it (an empty one aside, which a
/// possible condition never has).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Single {
    Text(String),
    /// The bits of the number (`-0` read as `0`, as `==` compares them).
    Number(u64),
    Instant(u64),
    Boolean(bool),
    Null,
    Absent,
}

impl Single {
    fn of(d: &Domain) -> Option<Single> {
        let point = |low: &(f64, bool), high: &(f64, bool)| {
            (low.1 && high.1 && low.0 == high.0 && low.0.is_finite())
                .then(|| (low.0 + 0.0).to_bits())
        };
        Some(match d {
            Domain::Text(t) => Single::Text(t.clone()),
            Domain::Number { low, high } => Single::Number(point(low, high)?),
            Domain::Instant { low, high } => Single::Instant(point(low, high)?),
            Domain::Boolean(b) => Single::Boolean(*b),
            Domain::Null => Single::Null,
            Domain::Absent => Single::Absent,
            _ => return None,
        })
    }
}

/// How many earlier conditions without a single value a rule is compared with (per
/// Variable it tests). Equality-type conditions are found by their value, whatever
/// their number; ranges, patterns and type tests can only be compared one by one, so
/// in a Choice with thousands of them, a later rule is compared with the first
/// `PAIRWISE` that test its Variables. Given up: a rule covered only by a later one
/// of those is not reported, or is reported against a later covering rule than the
/// first. A Choice with up to `PAIRWISE` such conditions on each Variable is judged in
/// full.
const PAIRWISE: usize = 256;

/// The conditions of the rules read so far, indexed so that the ones that may cover a
/// later condition are found without comparing it with all of them: a condition
/// covers another only if the other tests each of its Variables, with a domain within.
#[derive(Default)]
struct Earlier {
    /// Conditions with a single-valued domain, by (Variable, value) of the first one.
    single: HashMap<(String, Single), Vec<(usize, usize)>>,
    /// Conditions whose first Variable holds a pattern, by (Variable, pattern): a
    /// pattern covers that same pattern, found here, or a text it matches, found
    /// through `other`.
    pattern: HashMap<(String, String), Vec<(usize, usize)>>,
    /// The other conditions (and the patterns again), by their first Variable.
    other: HashMap<String, Vec<(usize, usize)>>,
    /// Every condition: (rule, condition) index into it.
    conditions: Vec<Vec<Conjunction>>,
}

impl Earlier {
    /// Adds rule `i`, the next one, to the index.
    fn push(&mut self, rule: Vec<Conjunction>) {
        let i = self.conditions.len();
        for (k, c) in rule.iter().enumerate() {
            // One that never covers is left out.
            if c.partial || c.domains.is_empty() || impossible(c).is_some() {
                continue;
            }
            let anchor = c
                .domains
                .iter()
                .find_map(|(v, d)| Some((v, Single::of(d)?)));
            if let Some((v, one)) = anchor {
                self.single
                    .entry((v.clone(), one))
                    .or_default()
                    .push((i, k));
                continue;
            }
            let Some((v, d)) = c.domains.iter().next() else {
                continue;
            };
            if let Domain::Pattern(p) = d {
                self.pattern
                    .entry((v.clone(), p.clone()))
                    .or_default()
                    .push((i, k));
            }
            self.other.entry(v.clone()).or_default().push((i, k));
        }
        self.conditions.push(rule);
    }

    /// The earlier rules one condition of which covers `later`, in order.
    fn covering(&self, later: &Conjunction) -> Vec<usize> {
        let mut found = Vec::new();
        let mut take = |list: &[(usize, usize)], limit: usize| {
            for &(i, k) in list.iter().take(limit) {
                if covers(&self.conditions[i][k], later) {
                    found.push(i);
                }
            }
        };
        for (v, d) in &later.domains {
            if let Some(one) = Single::of(d)
                && let Some(list) = self.single.get(&(v.clone(), one))
            {
                take(list, usize::MAX);
            }
            if let Domain::Pattern(p) = d
                && let Some(list) = self.pattern.get(&(v.clone(), p.clone()))
            {
                take(list, usize::MAX);
            }
            if let Some(list) = self.other.get(v) {
                take(list, PAIRWISE);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The first earlier rule that covers every one of `later` (not empty).
    fn first_covering(&self, later: &[&Conjunction]) -> Option<usize> {
        let mut common: Option<Vec<usize>> = None;
        for c in later {
            let found = self.covering(c);
            common = Some(match common {
                None => found,
                Some(before) => before
                    .into_iter()
                    .filter(|i| found.binary_search(i).is_ok())
                    .collect(),
            });
            if common.as_ref().is_some_and(Vec::is_empty) {
                return None;
            }
        }
        common?.first().copied()
    }
}

/// True when no value meets all of a condition's comparisons.
fn impossible(c: &Conjunction) -> Option<&str> {
    c.domains
        .iter()
        .find(|(_, d)| **d == Domain::Empty)
        .map(|(v, _)| v.as_str())
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        if state.kind != Some(StateType::Choice) {
            continue;
        }
        let mut earlier = Earlier::default();
        // Rules that test only whether one Variable is present, or only that it is
        // absent: two of them on the same Variable match every input between them.
        let mut presence: BTreeMap<String, [Option<usize>; 2]> = BTreeMap::new();
        for (j, choice) in state.choices.iter().enumerate() {
            let rule = disjuncts(choice.node);
            judge(ctx, sink, state, j, &rule, &earlier, &mut presence);
            earlier.push(rule);
        }
    }
}

/// Reports rule `j` of a Choice state if it can never match, and notes it in
/// `presence` when it tests only whether one Variable is present.
fn judge(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    state: &crate::model::State<'_, '_>,
    j: usize,
    rule: &[Conjunction],
    earlier: &Earlier,
    presence: &mut BTreeMap<String, [Option<usize>; 2]>,
) {
    let at = char_at(ctx.source, state.choices[j].node.range.start);
    let possible: Vec<&Conjunction> = rule.iter().filter(|c| impossible(c).is_none()).collect();
    if possible.is_empty() {
        let variable = rule.iter().find_map(impossible).unwrap_or("its Variable");
        let d = sink.report(
            at,
            format!(
                "Choices[{j}] of \"{}\" can never match: no value of {variable} meets all of its conditions",
                state.name
            ),
        );
        d.help = Some(
            "check the bounds and values this rule compares; one is likely the wrong way round"
                .into(),
        );
        return;
    }
    if let Some((a, b)) = presence.values().find_map(|p| Some((p[0]?, p[1]?))) {
        let d = sink.report(
            at,
            format!(
                "Choices[{j}] of \"{}\" can never match: Choices[{}] and Choices[{}] between them match every input, and are tried first",
                state.name,
                a.min(b),
                a.max(b)
            ),
        );
        d.help = Some("move this rule before them, or remove it".into());
        return;
    }
    // Which earlier rule takes every input this one would match.
    if let Some(i) = earlier.first_covering(&possible) {
        // The same condition twice is ASL706's.
        let same = condition(state.choices[j].node);
        if same.is_none() || same != condition(state.choices[i].node) {
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
            return;
        }
    }
    if let [c] = rule
        && !c.partial
        && let [(v, d)] = c.domains.iter().collect::<Vec<_>>().as_slice()
    {
        let slot = match d {
            Domain::Present => 0,
            Domain::Absent => 1,
            _ => return,
        };
        presence.entry(v.to_string()).or_default()[slot].get_or_insert(j);
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
    fn timestamps_compare_as_instants() {
        let rule =
            |op: &str, t: &str| format!(r#"{{"Variable": "$.at", "{op}": "{t}", "Next": "F"}}"#);
        // 01:00+02:00 is 23:00Z the day before: earlier than 00:30Z.
        let earlier = rule("TimestampGreaterThan", "2024-05-01T01:00:00+02:00");
        let later = rule("TimestampGreaterThan", "2024-05-01T00:30:00Z");
        assert_eq!(
            run(&format!("{earlier}, {later}")),
            [
                "Choices[1] of \"C\" can never match: Choices[0] matches every input it matches, and is tried first"
            ]
        );
        assert!(run(&format!("{later}, {earlier}")).is_empty());
        // Within one rule: before and after one instant.
        let both = r#"{"And": [{"Variable": "$.at", "TimestampLessThan": "2024-05-01T00:00:00Z"}, {"Variable": "$.at", "TimestampGreaterThan": "2024-06-01T00:00:00Z"}], "Next": "F"}"#;
        assert_eq!(run(both).len(), 1);
        // A timestamp is a string: a string test does not contradict it, IsString covers it.
        let text = r#"{"And": [{"Variable": "$.at", "StringEquals": "2024-05-01T00:00:00Z"}, {"Variable": "$.at", "TimestampEquals": "2024-05-01T00:00:00Z"}], "Next": "F"}"#;
        assert!(run(text).is_empty());
        let is_string = r#"{"Variable": "$.at", "IsString": true, "Next": "F"}"#;
        assert_eq!(run(&format!("{is_string}, {later}")).len(), 1);
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
            r#"{"Variable": "$.age", "StringEquals": "ab"}, {"Variable": "$.age", "StringMatches": "a*"}"#,
        ] {
            assert!(
                run(&format!(r#"{{"And": [{and}], "Next": "F"}}"#)).is_empty(),
                "{and}"
            );
        }
    }

    #[test]
    fn present_and_absent_between_them_match_everything() {
        assert_eq!(
            run(
                r#"{"Variable": "$.a", "IsPresent": false, "Next": "E"}, {"Not": {"Variable": "$.a", "IsPresent": false}, "Next": "F"}, {"Variable": "$.b", "StringEquals": "x", "Next": "F"}"#
            ),
            [
                "Choices[2] of \"C\" can never match: Choices[0] and Choices[1] between them match every input, and are tried first"
            ]
        );
        assert!(
            run(
                r#"{"Variable": "$.a", "IsPresent": false, "Next": "E"}, {"Variable": "$.b", "IsPresent": true, "Next": "F"}, {"Variable": "$.b", "StringEquals": "x", "Next": "F"}"#
            )
            .len()
                == 1
        );
    }

    #[test]
    fn glob_patterns() {
        use super::glob_matches;
        assert!(glob_matches("*.csv", "report.csv"));
        assert!(glob_matches("log-*-*", "log-1-2"));
        assert!(glob_matches("a*b*c", "abbbc"));
        assert!(!glob_matches("a*b*c", "abbb"));
        assert!(glob_matches("a\\*", "a*"));
        assert!(!glob_matches("a\\*", "ab"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("", "x"));
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
            (
                r#"{"Or": [{"Variable": "$.h", "NumericGreaterThan": 4}], "Next": "E"}"#,
                r#"{"Variable": "$.h", "NumericGreaterThan": 24, "Next": "F"}"#,
            ),
            (
                r#"{"Or": [{"Variable": "$.s", "StringEquals": "x"}, {"Variable": "$.s", "StringEquals": "y"}], "Next": "E"}"#,
                r#"{"Variable": "$.s", "StringEquals": "y", "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.file", "StringMatches": "*.csv", "Next": "E"}"#,
                r#"{"Or": [{"Variable": "$.file", "StringEquals": "report.csv"}, {"Variable": "$.file", "StringMatches": "*.csv"}], "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.s", "StringMatches": "*", "Next": "E"}"#,
                r#"{"Variable": "$.s", "StringEquals": "y", "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.s", "IsPresent": true, "Next": "E"}"#,
                r#"{"Variable": "$.s", "BooleanEquals": true, "Next": "F"}"#,
            ),
            (
                r#"{"Not": {"Variable": "$.s", "IsPresent": true}, "Next": "E"}"#,
                r#"{"Variable": "$.s", "IsPresent": false, "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.n", "IsNumeric": true, "Next": "E"}"#,
                r#"{"Variable": "$.n", "NumericLessThan": 0, "Next": "F"}"#,
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
            // One of the Or's conditions alone does not cover.
            (
                r#"{"Variable": "$.s", "StringEquals": "x", "Next": "E"}"#,
                r#"{"Or": [{"Variable": "$.s", "StringEquals": "x"}, {"Variable": "$.s", "StringEquals": "y"}], "Next": "F"}"#,
            ),
            // A pattern that does not match, an escaped star, a Not of a value.
            (
                r#"{"Variable": "$.file", "StringMatches": "*.csv", "Next": "E"}"#,
                r#"{"Variable": "$.file", "StringEquals": "report.json", "Next": "F"}"#,
            ),
            (
                r#"{"Variable": "$.s", "StringMatches": "a\\*", "Next": "E"}"#,
                r#"{"Variable": "$.s", "StringEquals": "ab", "Next": "F"}"#,
            ),
            (
                r#"{"Not": {"Variable": "$.s", "StringEquals": "x"}, "Next": "E"}"#,
                r#"{"Variable": "$.s", "StringEquals": "y", "Next": "F"}"#,
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

    #[test]
    fn many_rules_are_judged_by_value() {
        // 1,000 distinct values, then rules that repeat some of them with more tests.
        let mut rules: Vec<String> = (0..1000)
            .map(|i| format!(r#"{{"Variable": "$.n", "NumericEquals": {i}, "Next": "E"}}"#))
            .collect();
        rules.push(r#"{"And": [{"Variable": "$.s", "StringEquals": "x"}, {"Variable": "$.n", "NumericEquals": 700}], "Next": "F"}"#.into());
        rules.push(r#"{"Or": [{"Variable": "$.n", "NumericEquals": 3}, {"Variable": "$.n", "NumericEquals": 4}], "Next": "F"}"#.into());
        rules.push(r#"{"Variable": "$.n", "NumericEquals": 1000.5, "Next": "F"}"#.into());
        rules.push(r#"{"Variable": "$.n", "NumericEquals": -0, "Next": "F"}"#.into());
        assert_eq!(
            run(&rules.join(", ")),
            [
                "Choices[1000] of \"C\" can never match: Choices[700] matches every input it matches, and is tried first",
                "Choices[1003] of \"C\" can never match: Choices[0] matches every input it matches, and is tried first",
            ]
        );
    }

    #[test]
    fn an_or_is_covered_by_one_rule_only() {
        let either = |a: i32, b: i32| {
            format!(
                r#"{{"Or": [{{"Variable": "$.n", "NumericEquals": {a}}}, {{"Variable": "$.n", "NumericEquals": {b}}}], "Next": "E"}}"#
            )
        };
        // 3 is covered by Choices[0], 4 by Choices[1]: no one rule takes both.
        let three = r#"{"Or": [{"Variable": "$.n", "NumericEquals": 4}, {"Variable": "$.n", "NumericEquals": 8}, {"Variable": "$.n", "NumericEquals": 7}], "Next": "E"}"#;
        let rules = [either(3, 9), three.into(), either(3, 4), either(8, 4)];
        assert_eq!(
            run(&rules.join(", ")),
            [
                "Choices[3] of \"C\" can never match: Choices[1] matches every input it matches, and is tried first"
            ]
        );
    }

    #[test]
    fn many_ranges_and_patterns_are_still_compared() {
        // Disjoint ranges [10i, 10i + 10), then values that fall into some of them.
        let mut rules: Vec<String> = (0..200)
            .map(|i| {
                let (lo, hi) = (i * 10, i * 10 + 10);
                format!(r#"{{"And": [{{"Variable": "$.n", "NumericGreaterThanEquals": {lo}}}, {{"Variable": "$.n", "NumericLessThan": {hi}}}], "Next": "E"}}"#)
            })
            .collect();
        rules.extend(
            (0..300).map(|i| {
                format!(r#"{{"Variable": "$.f", "StringMatches": "*.{i}", "Next": "E"}}"#)
            }),
        );
        rules.push(r#"{"Variable": "$.n", "NumericEquals": 25, "Next": "F"}"#.into());
        rules.push(r#"{"Variable": "$.n", "NumericGreaterThan": 5000, "Next": "F"}"#.into());
        rules.push(r#"{"Variable": "$.f", "StringEquals": "a.150", "Next": "F"}"#.into());
        // Past the first `PAIRWISE` patterns, the same pattern is still found by its text.
        rules.push(r#"{"And": [{"Variable": "$.f", "StringMatches": "*.280"}, {"Variable": "$.n", "NumericEquals": 5000.5}], "Next": "F"}"#.into());
        assert_eq!(
            run(&rules.join(", ")),
            [
                "Choices[500] of \"C\" can never match: Choices[2] matches every input it matches, and is tried first",
                "Choices[502] of \"C\" can never match: Choices[350] matches every input it matches, and is tried first",
                "Choices[503] of \"C\" can never match: Choices[480] matches every input it matches, and is tried first",
            ]
        );
    }
}
