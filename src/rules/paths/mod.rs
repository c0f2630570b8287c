//! 3xx: paths, payload templates and intrinsic functions (JSONPath states).
pub mod array_result_read_as_object;
pub mod duplicate_template_field;
pub mod invalid_path;
pub mod invalid_template_expression;
pub mod no_dollar;
pub mod no_path;
pub mod pass_result_is_static;
pub mod static_result_field_missing;
pub mod unknown_context_field;

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::expr::ExprError;
use crate::expr::intrinsic;
use crate::expr::jsonpath::{self, Path, PathContext};
use crate::model::{QueryLanguage, State, StateMachine, StateType};
use crate::rules::Sink;
use crate::schema::is_placeholder_string;
use crate::syntax::{Member, Node, TextRange, Value, string_source_offset};

/// Reports `error` (whose span is in the decoded text of the string `node`) at the
/// characters it is about. When the error carries a suggestion and those characters
/// are written without escapes, the diagnostic offers it as a fix: safe when only the
/// case differs (`States.format`), unsafe otherwise.
pub(crate) fn report_in_string<'d>(
    source: &str,
    sink: &'d mut Sink<'_>,
    node: &Node<'_>,
    error: &ExprError,
    message: String,
) -> &'d mut Diagnostic {
    let start = string_source_offset(source, node, error.span.start as usize);
    let mut end = string_source_offset(source, node, error.span.end as usize);
    if end <= start {
        end = (start + 1).min(node.range.end.saturating_sub(1)).max(start);
    }
    let range = TextRange::new(start, end);
    let d = sink.report(range, message);
    let written = source.get(range.as_usize());
    let decoded = node.as_str().and_then(|s| s.get(error.span.as_usize()));
    if let (Some(suggestion), Some(written)) = (&error.suggestion, written)
        && decoded == Some(written)
    {
        d.fixes.push(crate::rules::spelling_fix(
            written,
            suggestion,
            range,
            suggestion.clone(),
        ));
    }
    d
}

/// True when a string is only known at deploy time.
pub(crate) fn is_deploy_time(s: &str) -> bool {
    is_placeholder_string(s) || crate::embed::has_dollar_brace(s)
}

/// The JSONPath states (their own QueryLanguage or the machine's).
pub(crate) fn jsonpath_states<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
) -> impl Iterator<Item = &'m State<'a, 's>> {
    machine
        .all_states()
        .filter(|s| s.query_language == QueryLanguage::JsonPath)
}

/// Whether a state of type `kind` takes the template field `key`: one it does not
/// take is refused (ASL110) and never evaluated, so what is inside it is not judged
/// again. An unknown type takes them all.
fn takes(kind: Option<crate::model::StateType>, key: &str) -> bool {
    use crate::model::StateType::*;
    let Some(kind) = kind else { return true };
    match key {
        "Parameters" => matches!(kind, Task | Pass | Map | Parallel),
        "ResultSelector" => matches!(kind, Task | Map | Parallel),
        "ItemSelector" => kind == Map,
        "Credentials" => kind == Task,
        "Assign" => !matches!(kind, Succeed | Fail),
        _ => true,
    }
}

/// The payload templates of a JSONPath state: (what, node), e.g. ("Parameters", {...}).
/// The names are only formatted for the indexed ones (`Catch[0].Assign`): three rules
/// call this for every state. Fields the state's type does not take are left out.
pub(crate) fn payload_templates<'a, 's>(
    state: &State<'a, 's>,
) -> Vec<(Cow<'static, str>, &'a Node<'s>)> {
    let mut out = Vec::new();
    for key in [
        "Parameters",
        "ResultSelector",
        "ItemSelector",
        "Assign",
        "Credentials",
    ] {
        if let Some(m) = state.field(key).filter(|_| takes(state.kind, key)) {
            out.push((Cow::Borrowed(key), &m.value));
        }
    }
    // (A Distributed Map's `BatchInput` is a payload template too: its `.$` values are
    // read from the Map state's input, as deployed definitions use it.)
    for (key, inner, name) in [
        ("ItemReader", "Parameters", "ItemReader.Parameters"),
        ("ResultWriter", "Parameters", "ResultWriter.Parameters"),
        ("ItemBatcher", "BatchInput", "ItemBatcher.BatchInput"),
    ] {
        if let Some(p) = state.field(key).and_then(|m| m.value.get(inner)) {
            out.push((Cow::Borrowed(name), p));
        }
    }
    for (i, c) in state.catchers.iter().enumerate() {
        if let Some(a) = c.node.get("Assign") {
            out.push((Cow::Owned(format!("Catch[{i}].Assign")), a));
        }
    }
    for (i, r) in state.choices.iter().enumerate() {
        if let Some(a) = r.node.get("Assign") {
            out.push((Cow::Owned(format!("Choices[{i}].Assign")), a));
        }
    }
    out
}

/// The paths in a `.$` value or path field: the path itself, or the path arguments of
/// an intrinsic call. Nothing when it does not parse (other rules report that).
pub(crate) fn dollar_paths(text: &str) -> Vec<Path> {
    if text.starts_with('$') {
        return jsonpath::parse(text).into_iter().collect();
    }
    if intrinsic::is_intrinsic(text)
        && let Ok(call) = intrinsic::parse(text)
    {
        return call.paths().into_iter().cloned().collect();
    }
    Vec::new()
}

const MAX_DEPTH: usize = 128;

/// Every member of every object inside `node` (objects within arrays included), with
/// a depth limit.
pub(crate) fn template_members<'a, 's>(node: &'a Node<'s>) -> Vec<&'a Member<'s>> {
    members_with_siblings(node)
        .into_iter()
        .map(|(m, _)| m)
        .collect()
}

/// [`template_members`], each with the members of the object it is in (itself
/// included).
pub(crate) fn members_with_siblings<'a, 's>(
    node: &'a Node<'s>,
) -> Vec<(&'a Member<'s>, &'a [Member<'s>])> {
    let mut out = Vec::new();
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > MAX_DEPTH || n.is_unknown() {
            continue;
        }
        match &n.value {
            Value::Object(members) => {
                for m in members {
                    out.push((m, &members[..]));
                    stack.push((&m.value, depth + 1));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    out.sort_by_key(|(m, _)| m.key_range.start);
    out
}

/// The path fields of a JSONPath state and the kind of path each takes.
pub(crate) fn path_fields<'a, 's>(state: &State<'a, 's>) -> Vec<(&'a Member<'s>, PathContext)> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<_>, m: Option<&'a Member<'s>>, c| {
        if let Some(m) = m {
            out.push((m, c));
        }
    };
    push(&mut out, state.field("InputPath"), PathContext::Path);
    push(&mut out, state.field("OutputPath"), PathContext::Path);
    push(&mut out, state.field("ResultPath"), PathContext::ResultPath);
    for key in [
        "ItemsPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "SecondsPath",
        "TimestampPath",
    ] {
        push(&mut out, state.field(key), PathContext::ReferencePath);
    }
    for key in [
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
    ] {
        push(&mut out, state.field(key), PathContext::MapNumberPath);
    }
    if let Some(r) = state
        .field("ItemReader")
        .and_then(|m| m.value.get("ReaderConfig"))
    {
        push(
            &mut out,
            r.member("MaxItemsPath"),
            PathContext::MapNumberPath,
        );
    }
    if let Some(b) = state.field("ItemBatcher") {
        push(
            &mut out,
            b.value.member("MaxItemsPerBatchPath"),
            PathContext::MapNumberPath,
        );
        push(
            &mut out,
            b.value.member("MaxInputBytesPerBatchPath"),
            PathContext::MapNumberPath,
        );
    }
    for c in &state.catchers {
        push(
            &mut out,
            c.node.member("ResultPath"),
            PathContext::ResultPath,
        );
    }
    if state.kind == Some(StateType::Choice) {
        let mut stack: Vec<(&'a Node<'s>, usize)> =
            state.choices.iter().map(|r| (r.node, 0)).collect();
        while let Some((rule, depth)) = stack.pop() {
            let Some(members) = rule.as_object() else {
                continue;
            };
            if depth > MAX_DEPTH {
                continue;
            }
            for m in members {
                if m.key == "Variable"
                    || (m.key.ends_with("Path")
                        && crate::rules::structure::invalid_choice_rule::is_comparison(&m.key))
                {
                    out.push((m, PathContext::ReferencePath));
                }
                match (&*m.key, &m.value.value) {
                    ("And" | "Or", Value::Array(items)) => {
                        stack.extend(items.iter().map(|n| (n, depth + 1)))
                    }
                    ("Not", Value::Object(_)) => stack.push((&m.value, depth + 1)),
                    _ => {}
                }
            }
        }
    }
    out
}

/// The paths a JSONPath state surely evaluates on its raw input, in order, each with the
/// range of its string: an `InputPath` other than `$` alone (every later field reads what
/// it selects), else the `.$` fields of `Parameters`/`ItemSelector`, `ItemsPath`, the
/// `*Path` fields of Task, Wait and Fail, and the first comparison of the first Choice
/// rule (the only one sure to run) unless that rule tests `IsPresent`. Only `$...`
/// strings count: context paths, variables and intrinsic functions do not.
pub(crate) fn input_reads<'a>(state: &State<'a, '_>) -> Vec<(TextRange, &'a str)> {
    let input_path = |n: &'a Node<'_>| {
        n.as_str()
            .filter(|t| t.starts_with("$.") || t.starts_with("$["))
            .map(|t| (n.range, t))
    };
    if let Some(m) = state.field("InputPath") {
        match m.value.as_str() {
            Some("$") => {}
            _ => return input_path(&m.value).into_iter().collect(),
        }
    }
    // A `.$` value may be a path or an intrinsic function, whose path arguments are
    // read too (`States.Format('Case {}', $.case.id)`), at the string's range.
    let template_value = |n: &'a Node<'_>, out: &mut Reads<'a>| {
        let Some(t) = n.as_str() else { return };
        if !intrinsic::is_intrinsic(t) {
            out.extend(input_path(n));
            return;
        }
        let Ok(call) = intrinsic::parse(t) else {
            return;
        };
        for p in call.paths() {
            let text = &t[p.span.as_usize()];
            if text.starts_with("$.") || text.starts_with("$[") {
                out.push((n.range, text));
            }
        }
    };
    let fields: &[&str] = match state.kind {
        Some(StateType::Task) => &["Parameters", "TimeoutSecondsPath", "HeartbeatSecondsPath"],
        Some(StateType::Pass | StateType::Parallel) => &["Parameters"],
        Some(StateType::Map) => &["ItemsPath", "ItemSelector", "Parameters"],
        Some(StateType::Wait) => &["SecondsPath", "TimestampPath"],
        Some(StateType::Fail) => &["ErrorPath", "CausePath"],
        Some(StateType::Choice) => {
            return first_choice_variable(state)
                .and_then(input_path)
                .into_iter()
                .collect();
        }
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for m in fields.iter().filter_map(|f| state.field(f)) {
        match m.value.as_object() {
            Some(members) => template_reads(members, &template_value, &mut out, 0),
            None => out.extend(input_path(&m.value)),
        }
    }
    out
}

/// Paths a state reads, each at the range of the string that holds it.
type Reads<'a> = Vec<(TextRange, &'a str)>;

/// The `$...` paths a state reads from its input, for rules about the names they use:
/// those of [`input_reads`] and, in a Choice state, the `Variable` and `...Path`
/// comparison of every rule, `IsPresent` tests too (a misspelt name there fails
/// silently: the test is always false).
pub(crate) fn named_reads<'a>(state: &State<'a, '_>) -> Reads<'a> {
    let selected = state
        .field("InputPath")
        .is_some_and(|m| m.value.as_str() != Some("$"));
    if state.kind != Some(StateType::Choice) || selected {
        return input_reads(state);
    }
    let mut out = Vec::new();
    for c in &state.choices {
        choice_reads(c.node, &mut out, 0);
    }
    out
}

fn choice_reads<'a>(rule: &'a Node<'_>, out: &mut Reads<'a>, depth: usize) {
    let Some(members) = rule.as_object().filter(|_| depth <= 32) else {
        return;
    };
    for m in members {
        let key: &str = &m.key;
        match key {
            "And" | "Or" => {
                for r in m.value.as_array().into_iter().flatten() {
                    choice_reads(r, out, depth + 1);
                }
            }
            "Not" => choice_reads(&m.value, out, depth + 1),
            _ if key == "Variable" || key.ends_with("Path") => {
                if let Some(t) = m
                    .value
                    .as_str()
                    .filter(|t| t.starts_with("$.") || t.starts_with("$["))
                {
                    out.push((m.value.range, t));
                }
            }
            _ => {}
        }
    }
}

fn template_reads<'a>(
    members: &'a [Member<'_>],
    template_value: &dyn Fn(&'a Node<'_>, &mut Reads<'a>),
    out: &mut Reads<'a>,
    depth: usize,
) {
    for m in members {
        if m.key.ends_with(".$") {
            template_value(&m.value, out);
        } else if let Some(inner) = m.value.as_object()
            && depth < 64
        {
            template_reads(inner, template_value, out, depth + 1);
        }
    }
}

/// The Variable of the first comparison of the first Choice rule (And/Or evaluate their
/// first rule first), unless the rule tests `IsPresent` anywhere.
fn first_choice_variable<'a>(state: &State<'a, '_>) -> Option<&'a Node<'a>> {
    let rule = state.choices.first()?.node;
    if mentions_is_present(rule, 0) {
        return None;
    }
    let mut at = rule;
    for _ in 0..32 {
        if let Some(v) = at.get("Variable") {
            return Some(v);
        }
        at = match (at.get("And").or_else(|| at.get("Or")), at.get("Not")) {
            (Some(list), _) => list.as_array()?.first()?,
            (None, Some(not)) => not,
            (None, None) => return None,
        };
    }
    None
}

pub(crate) fn mentions_is_present(node: &Node<'_>, depth: usize) -> bool {
    if depth > 32 || node.get("IsPresent").is_some() {
        return true;
    }
    let nested = |key: &str| match node.get(key) {
        Some(n) => match n.as_array() {
            Some(items) => items.iter().any(|r| mentions_is_present(r, depth + 1)),
            None => mentions_is_present(n, depth + 1),
        },
        None => false,
    };
    nested("And") || nested("Or") || nested("Not")
}

/// The first field name of a `$.name...` path (`None` for `$`, a deep scan, an index,
/// a filter, the context object, a variable, or text that is not a path).
pub(crate) fn first_input_field(path: &str) -> Option<&str> {
    if !path.starts_with("$.") && !path.starts_with("$[") {
        return None;
    }
    let parsed = jsonpath::parse(path).ok()?;
    if parsed.root != jsonpath::Root::Input {
        return None;
    }
    segment_name(path, parsed.segments.first()?)
}

/// The field name of a `.name` or `['name']` segment (not a deep scan), as written in
/// `path`, so that it borrows from it.
pub(crate) fn segment_name<'p>(path: &'p str, segment: &jsonpath::Segment) -> Option<&'p str> {
    match (&segment.selector, segment.descendant) {
        (jsonpath::Selector::Name(name), false) => {
            let span = path.get(segment.span.start as usize..segment.span.end as usize)?;
            let at = span.find(name.as_str())? + segment.span.start as usize;
            path.get(at..at + name.len())
        }
        _ => None,
    }
}

/// The fields of a JSONata state, in evaluation order, whose whole expression is a
/// `$states.input.name...` path, with the range of the string and the expression inside
/// the braces. An expression that does more than read a path may handle a missing
/// field, so it is not listed.
pub(crate) fn jsonata_input_reads<'a>(state: &State<'a, '_>) -> Vec<(TextRange, &'a str)> {
    let fields: &[&str] = match state.kind {
        Some(StateType::Task | StateType::Parallel) => &["Arguments"],
        Some(StateType::Map) => &["Items", "ItemSelector"],
        Some(StateType::Pass | StateType::Succeed) => &["Output", "Assign"],
        Some(StateType::Wait) => &["Seconds", "Timestamp"],
        Some(StateType::Fail) => &["Error", "Cause"],
        Some(StateType::Choice) => {
            return state
                .choices
                .first()
                .and_then(|r| r.node.get("Condition"))
                .and_then(jsonata_input_path)
                .into_iter()
                .collect();
        }
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    for m in fields.iter().filter_map(|f| state.field(f)) {
        jsonata_tree_reads(&m.value, &mut out, 0);
    }
    out
}

fn jsonata_tree_reads<'a>(node: &'a Node<'_>, out: &mut Vec<(TextRange, &'a str)>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &node.value {
        Value::Object(members) => members
            .iter()
            .for_each(|m| jsonata_tree_reads(&m.value, out, depth + 1)),
        Value::Array(items) => items
            .iter()
            .for_each(|i| jsonata_tree_reads(i, out, depth + 1)),
        _ => out.extend(jsonata_input_path(node)),
    }
}

/// `node` when it is exactly `{% $states.input.name... %}` with plain names.
fn jsonata_input_path<'a>(node: &'a Node<'_>) -> Option<(TextRange, &'a str)> {
    let (inner, names) = jsonata_plain_path(node)?;
    (names.len() > 2 && names[..2] == ["states", "input"]).then_some((node.range, inner))
}

/// The expression of `node` and the names of its path, when the string is exactly
/// `{% $a.b.c %}` with plain names (`{% $states.input.id %}` gives `states`, `input`,
/// `id`): a field whose whole expression reads one path.
pub(crate) fn jsonata_plain_path<'a>(node: &'a Node<'_>) -> Option<(&'a str, Vec<&'a str>)> {
    let inner = node
        .as_str()?
        .trim()
        .strip_prefix("{%")?
        .strip_suffix("%}")?
        .trim();
    let plain = |n: &str| {
        !n.is_empty()
            && !n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let names: Vec<&str> = inner.strip_prefix('$')?.split('.').collect();
    names.iter().all(|n| plain(n)).then_some((inner, names))
}

/// The names of the path where a JSONPath state puts its result as it comes (Task,
/// Parallel, Map), as seen in its output: `[]` for the whole output. `None` when the
/// output is not that result under a plain path (a `ResultSelector`, an `OutputPath`,
/// `ResultPath: null`).
pub(crate) fn result_location<'a>(state: &crate::model::State<'a, '_>) -> Option<Vec<&'a str>> {
    if state.field("ResultSelector").is_some() {
        return None;
    }
    selected_result_location(state)
}

/// [`result_location`] of a state whose `ResultSelector` (if any) is what is placed.
pub(crate) fn selected_result_location<'a>(
    state: &crate::model::State<'a, '_>,
) -> Option<Vec<&'a str>> {
    if let Some(m) = state.field("OutputPath")
        && m.value.as_str() != Some("$")
    {
        return None;
    }
    match state.field("ResultPath") {
        None => Some(Vec::new()),
        Some(m) => plain_names(m.value.as_str()?),
    }
}

/// The names of a path made only of plain field names (`$`, `$.a.b`, `$['a']`).
pub(crate) fn plain_names(path: &str) -> Option<Vec<&str>> {
    let parsed = jsonpath::parse(path).ok()?;
    if parsed.root != jsonpath::Root::Input {
        return None;
    }
    parsed
        .segments
        .iter()
        .map(|s| segment_name(path, s))
        .collect()
}

/// The plain field names at the start of `path` (from `$`), up to its first index,
/// wildcard, slice, filter or descendant segment: `$.a.b[0].c` gives `a`, `b`.
pub(crate) fn leading_names(path: &str) -> Option<Vec<&str>> {
    let parsed = jsonpath::parse(path).ok()?;
    if parsed.root != jsonpath::Root::Input {
        return None;
    }
    Some(
        parsed
            .segments
            .iter()
            .map_while(|s| segment_name(path, s))
            .collect(),
    )
}

/// The state that `state`'s `Next` names, in the same scope.
pub(crate) fn next_state<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    state: &State<'a, 's>,
) -> Option<&'m State<'a, 's>> {
    let name = state.next?.value.as_str()?;
    machine.scope(state.id.scope).state(name)
}

/// The JSONPath of field names from `$`: `$` for none, else `$.a.b`, with a name that
/// dot notation cannot spell in brackets (`$.a['my key']`, `$.a['x.y']`).
pub(crate) fn path_of(names: &[&str]) -> String {
    let mut out = String::from("$");
    for name in names {
        let dotted = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if dotted {
            out.push('.');
            out.push_str(name);
        } else {
            out.push_str("['");
            out.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
            out.push_str("']");
        }
    }
    out
}

/// The states that get `state`'s output as their input: the state its `Next` names
/// and, past states that hand their input on as it is, the states those lead to: a
/// Choice (each rule's target and the Default), a Wait or a Pass that leave the data
/// alone, and a state with `"ResultPath": null`. In `state`'s scope, each state once, nearest first, at most
/// [`RECEIVERS_LIMIT`] of them: every reader walks this, and a long run of empty Pass
/// states reached from thousands of Tasks would otherwise be walked once per Task.
pub(crate) fn receivers<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    state: &State<'a, 's>,
) -> Vec<&'m State<'a, 's>> {
    receivers_from(machine, next_state(machine, state), |_| true)
}

/// As [`receivers`], from the state `first` (a catcher's `Next`, say) on, walking past
/// a state that hands its input on only when `follow` also accepts it.
pub(crate) fn receivers_from<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    first: Option<&'m State<'a, 's>>,
    follow: impl Fn(&State<'a, 's>) -> bool,
) -> Vec<&'m State<'a, 's>> {
    let Some(first) = first else {
        return Vec::new();
    };
    let scope = machine.scope(first.id.scope);
    let mut out: Vec<&'m State<'a, 's>> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut queue: std::collections::VecDeque<&'m State<'a, 's>> = std::iter::once(first).collect();
    while let Some(s) = queue.pop_front() {
        if out.len() >= RECEIVERS_LIMIT {
            break;
        }
        if !seen.insert(s.id) {
            continue;
        }
        out.push(s);
        if passes_input_on(s) && follow(s) {
            queue.extend(
                s.transitions()
                    .iter()
                    .filter(|t| !matches!(t.kind, crate::model::TransitionKind::Catch(_)))
                    .filter_map(|t| scope.state(t.target)),
            );
        }
    }
    out
}

/// How many states [`receivers`] lists at most.
const RECEIVERS_LIMIT: usize = 64;

/// True for a state whose output is its input, unchanged: a Choice, a Wait or an
/// empty Pass, and a JSONPath state that discards its result (`"ResultPath": null`,
/// which keeps the state's original input whatever its `InputPath` or `Parameters`
/// selected) and has no `OutputPath`.
pub(crate) fn passes_input_on(s: &State<'_, '_>) -> bool {
    let untouched = |fields: &[&str]| fields.iter().all(|f| s.field(f).is_none());
    let discards_result = s.query_language == QueryLanguage::JsonPath
        && s.field("ResultPath")
            .is_some_and(|m| m.value.value == Value::Null)
        && untouched(&["OutputPath"]);
    if discards_result
        && matches!(
            s.kind,
            Some(StateType::Task | StateType::Pass | StateType::Map | StateType::Parallel)
        )
    {
        return true;
    }
    match s.kind {
        Some(StateType::Choice) => {
            untouched(&["InputPath", "OutputPath", "Output"])
                && s.field("Choices")
                    .and_then(|m| m.value.as_array())
                    .is_some_and(|rules| rules.iter().all(|r| r.get("Output").is_none()))
        }
        Some(StateType::Wait) => untouched(&["InputPath", "OutputPath", "Output"]),
        Some(StateType::Pass) => untouched(&[
            "InputPath",
            "OutputPath",
            "Parameters",
            "Result",
            "ResultPath",
            "Output",
        ]),
        _ => false,
    }
}

/// The sure reads of the JSONPath state `target` ([`input_reads`]) that go into the
/// value at `at` (field names from `$`): each read's range, its path, and the names
/// after `at` (empty when it reads the value itself).
pub(crate) fn reads_under<'a>(
    target: &State<'a, '_>,
    at: &[&str],
) -> Vec<(TextRange, &'a str, Vec<&'a str>)> {
    input_reads(target)
        .into_iter()
        // A path under `$.a...` names `a` in any notation, unless it escapes it: most
        // paths are passed over without being parsed.
        .filter(|(_, path)| {
            at.first()
                .is_none_or(|a| path.contains(a) || path.contains('\\'))
        })
        .filter_map(|(range, path)| Some((range, path, below(plain_names(path)?, at)?)))
        .collect()
}

/// As [`reads_under`] over [`named_reads`], for paths that may go on past plain names
/// (`$.r.items[0].id`): the leading names after `at` (`items`), and whether they are
/// the whole path.
pub(crate) fn leading_reads_under<'a>(
    target: &State<'a, '_>,
    at: &[&str],
) -> Vec<(TextRange, &'a str, Vec<&'a str>, bool)> {
    named_reads(target)
        .into_iter()
        .filter(|(_, path)| {
            at.first()
                .is_none_or(|a| path.contains(a) || path.contains('\\'))
        })
        .filter_map(|(range, path)| {
            if let Some(names) = plain_names(path) {
                return Some((range, path, below(names, at)?, true));
            }
            Some((range, path, below(leading_names(path)?, at)?, false))
        })
        .collect()
}

/// The reads of the JSONata state `target` ([`jsonata_input_reads`]) that go into the
/// value at `at` (field names from `$`), as [`reads_under`] gives them.
pub(crate) fn jsonata_reads_under<'a>(
    target: &State<'a, '_>,
    at: &[&str],
) -> Vec<(TextRange, &'a str, Vec<&'a str>)> {
    jsonata_input_reads(target)
        .into_iter()
        .filter_map(|(range, expr)| {
            let names = expr.strip_prefix("$states.input.")?.split('.').collect();
            Some((range, expr, below(names, at)?))
        })
        .collect()
}

/// The names after `at` when `names` start with it.
fn below<'a>(names: Vec<&'a str>, at: &[&str]) -> Option<Vec<&'a str>> {
    let under = names.len() >= at.len() && names[..at.len()] == *at;
    under.then(|| names[at.len()..].to_vec())
}

/// What a state places at its result location, when its fields are known.
pub(crate) enum Placed<'a, 's> {
    /// A Pass state's `Result`, taken as written.
    Fixed(&'a Node<'s>),
    /// A payload template (a Pass state's `Parameters`, a `ResultSelector`): the keys
    /// are known, the values of `.$` keys are not.
    Built(&'a Node<'s>, &'static str),
    /// A JSONata state's `Output` object: the keys are known, what a `{% %}` value
    /// gives is not.
    Output(&'a Node<'s>),
}

impl<'a, 's> Placed<'a, 's> {
    pub(crate) fn node(&self) -> &'a Node<'s> {
        match self {
            Placed::Fixed(n) | Placed::Built(n, _) | Placed::Output(n) => n,
        }
    }
}

/// What a JSONPath state places at its `ResultPath`, when its fields are known.
pub(crate) fn placed_value<'a, 's>(state: &State<'a, 's>) -> Option<Placed<'a, 's>> {
    let template = |key: &'static str| {
        let m = state.field(key)?;
        m.value.as_object()?;
        Some(Placed::Built(&m.value, key))
    };
    let what = match state.kind? {
        StateType::Pass => match (state.field("Result"), state.field("Parameters")) {
            (Some(r), None) => Placed::Fixed(&r.value),
            (None, Some(_)) => template("Parameters")?,
            _ => return None,
        },
        StateType::Task | StateType::Map | StateType::Parallel => template("ResultSelector")?,
        _ => return None,
    };
    (!crate::rules::has_unknown(what.node())).then_some(what)
}

/// The literal value a JSONPath state always finds at `names` (plain field names from
/// `$`) in its input, and the state that wrote it: every way into the state comes,
/// through states that hand their input on unchanged (see [`receivers`]), from one
/// state that placed a value written out in the definition (a Pass state's `Result`, a
/// literal field of the `Parameters` a Pass state builds or of a `ResultSelector`).
/// `None` when the state can be entered otherwise (it is `StartAt`, it has several
/// ways in, one is a Catch), when the value is only known at run time, or when the
/// path is missing from it (ASL309 reports that).
pub(crate) fn fixed_input_value<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    graph: &crate::graph::ScopeGraph,
    state: &State<'a, 's>,
    names: &[&str],
) -> Option<(&'a Node<'s>, &'m State<'a, 's>)> {
    walk_back(machine, graph, state, |pred| {
        if pred.query_language != QueryLanguage::JsonPath {
            return Step::Stop;
        }
        if passes_input_on(pred) {
            return Step::Past;
        }
        let Some(location) = selected_result_location(pred) else {
            return Step::Stop;
        };
        if !names.starts_with(&location) {
            // The result goes beside the path: what is there comes from the state's
            // own input. A result placed above the path replaces it.
            if location.is_empty() || location.starts_with(names) {
                return Step::Stop;
            }
            return Step::Past;
        }
        let Some(placed) = placed_value(pred) else {
            return Step::Stop;
        };
        let template = matches!(placed, Placed::Built(..));
        let mut value = placed.node();
        for name in &names[location.len()..] {
            if template && value.get(&format!("{name}.$")).is_some() {
                return Step::Stop;
            }
            match value.get(name) {
                Some(v) => value = v,
                None => return Step::Stop,
            }
        }
        match &value.value {
            Value::Object(_) | Value::Array(_) if template => Step::Stop,
            _ => Step::Found(value),
        }
    })
}

/// The `Output` a JSONata state always gets as its input, and the state that gives
/// it, when every way into the state comes from that one state through states that
/// hand their input on unchanged (as for [`fixed_input_value`]). Its `{% %}` values
/// are only known at run time; the rest is written out.
pub(crate) fn fixed_jsonata_input<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    graph: &crate::graph::ScopeGraph,
    state: &State<'a, 's>,
) -> Option<(&'a Node<'s>, &'m State<'a, 's>)> {
    walk_back(machine, graph, state, |pred| {
        if pred.query_language != QueryLanguage::JsonAta {
            return Step::Stop;
        }
        match pred.field("Output") {
            Some(m) => Step::Found(&m.value),
            None if passes_input_on(pred) => Step::Past,
            None => Step::Stop,
        }
    })
}

/// What [`walk_back`] does at a predecessor.
enum Step<'a, 's> {
    /// The value is here.
    Found(&'a Node<'s>),
    /// The state hands on what it got: look further back.
    Past,
    /// Nothing is known.
    Stop,
}

/// Walks back from `state` while each state has one way in (one predecessor, not
/// through a Catch, not `StartAt`), asking `step` of each predecessor.
fn walk_back<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    graph: &crate::graph::ScopeGraph,
    state: &State<'a, 's>,
    mut step: impl FnMut(&'m State<'a, 's>) -> Step<'a, 's>,
) -> Option<(&'a Node<'s>, &'m State<'a, 's>)> {
    use petgraph::Direction::Incoming;
    use petgraph::graph::NodeIndex;
    use petgraph::visit::EdgeRef;
    let scope = machine.scope(state.id.scope);
    let mut at = state.id.index;
    let mut seen = rustc_hash::FxHashSet::default();
    for _ in 0..RECEIVERS_LIMIT {
        if !seen.insert(at) || graph.start.map(|s| s.index()) == Some(at) {
            return None;
        }
        let mut from = None;
        for e in graph.graph.edges_directed(NodeIndex::new(at), Incoming) {
            if matches!(e.weight(), crate::model::TransitionKind::Catch(_))
                || from.is_some_and(|f| f != e.source().index())
            {
                return None;
            }
            from = Some(e.source().index());
        }
        let pred = scope.states.get(from?)?;
        match step(pred) {
            Step::Found(node) => return Some((node, pred)),
            Step::Past => at = pred.id.index,
            Step::Stop => return None,
        }
    }
    None
}

/// True for a `{% ... %}` JSONata expression.
pub(crate) fn is_expression(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("{%") && s.ends_with("%}")
}

/// The first of `names` that is missing when they are followed from what is placed;
/// `None` when the whole path exists or leads into a value only known at run time
/// (a `.$` field of a template, a `{% %}` value of an Output) or, for a JSONata reader
/// (`jsonata`), into an array (JSONata reads the field of each item).
pub(crate) fn missing_name<'n>(
    placed: &Placed<'_, '_>,
    names: &[&'n str],
    jsonata: bool,
) -> Option<&'n str> {
    missing_field(placed, names, jsonata).map(|m| m.name)
}

/// A field a path names that the placed value lacks.
pub(crate) struct MissingField<'n, 'a> {
    pub name: &'n str,
    /// Its position in the names given.
    pub index: usize,
    /// The fields the value has where it is missing (a template's `.$` keys without
    /// their suffix); none when the value there is no object.
    pub siblings: Vec<&'a str>,
}

/// [`missing_name`], with where the name is missing and what is there instead.
pub(crate) fn missing_field<'n, 'a>(
    placed: &Placed<'a, '_>,
    names: &[&'n str],
    jsonata: bool,
) -> Option<MissingField<'n, 'a>> {
    let (mut at, template) = match placed {
        Placed::Fixed(n) => (*n, false),
        Placed::Built(n, _) => (*n, true),
        Placed::Output(n) => (*n, false),
    };
    for (index, &name) in names.iter().enumerate() {
        let unknown = match &at.value {
            Value::String(s) => matches!(placed, Placed::Output(_)) && is_expression(s),
            Value::Array(_) => jsonata,
            _ => false,
        };
        if unknown {
            return None;
        }
        let Some(members) = at.as_object() else {
            return Some(MissingField {
                name,
                index,
                siblings: Vec::new(),
            });
        };
        at = match at.get(name) {
            Some(next) => next,
            None if template && at.get(&format!("{name}.$")).is_some() => return None,
            None => {
                let siblings = members
                    .iter()
                    .map(|m| match template {
                        true => m.key.strip_suffix(".$").unwrap_or(&m.key),
                        false => &m.key,
                    })
                    .collect();
                return Some(MissingField {
                    name,
                    index,
                    siblings,
                });
            }
        };
    }
    None
}

/// A did-you-mean for a field a path names that the value lacks: the help, and an
/// unsafe fix that writes the path with the field meant, when the string holds the
/// path alone in its plain form (`written` as `$.a.b`, or `{% $states.input.a.b %}`).
/// `names` are all the path's names, `at` the position of the missing one.
pub(crate) fn field_suggestion(
    ctx: &crate::rules::LintContext<'_, '_>,
    range: TextRange,
    root: &str,
    names: &[&str],
    at: usize,
    siblings: &[&str],
) -> Option<(String, Option<crate::diagnostics::Fix>)> {
    let meant = crate::rules::did_you_mean(names[at], siblings.iter().copied())?;
    let help = format!("did you mean \"{meant}\"?");
    let original = &ctx.source[range.as_usize()];
    // The string as written, when nothing in it is escaped.
    let written = match original.as_bytes() {
        [b'"', .., b'"'] if !original.contains('\\') => &original[1..original.len() - 1],
        [b'\'', .., b'\''] if !original[1..original.len() - 1].contains('\'') => {
            &original[1..original.len() - 1]
        }
        [b'"' | b'\'', ..] => return Some((help, None)),
        _ => original,
    };
    let mut fixed: Vec<&str> = names.to_vec();
    fixed[at] = meant;
    let plain = |names: &[&str]| format!("{root}.{}", names.join("."));
    let new = if written == plain(names) {
        plain(&fixed)
    } else if written == format!("{{% {} %}}", plain(names)) {
        format!("{{% {} %}}", plain(&fixed))
    } else {
        return Some((help, None));
    };
    // A whole string value keeps its quoting; a path inside one (or a plain YAML
    // scalar) is written as it is.
    let replacement = match original.starts_with(['"', '\'']) {
        true => crate::syntax::edit::string_like(ctx.document.kind, original, &new),
        false => new,
    };
    let fix = crate::diagnostics::Fix::replace(
        format!("Replace with \"{meant}\""),
        crate::diagnostics::Applicability::Unsafe,
        range,
        replacement,
    );
    Some((help, Some(fix)))
}

#[cfg(test)]
mod tests {
    use super::receivers;
    use crate::model::StateMachine;
    use crate::syntax::{SourceKind, parse};

    /// The walk past empty Pass states stops at its limit, nearest first.
    #[test]
    fn receivers_are_bounded() {
        let mut states = vec![
            r#""T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "P0"}"#
                .to_string(),
        ];
        for i in 0..200 {
            states.push(format!(
                r#""P{i}": {{"Type": "Pass", "Next": "P{}"}}"#,
                i + 1
            ));
        }
        states.push(r#""P200": {"Type": "Succeed"}"#.to_string());
        let text = format!(r#"{{"StartAt": "T", "States": {{{}}}}}"#, states.join(", "));
        let doc = parse(&text, SourceKind::Json);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let task = machine.all_states().find(|s| s.name == "T").unwrap();
        let names: Vec<&str> = receivers(&machine, task).iter().map(|s| s.name).collect();
        assert_eq!(names.len(), super::RECEIVERS_LIMIT);
        assert_eq!(names[..3], ["P0", "P1", "P2"]);
    }
}
