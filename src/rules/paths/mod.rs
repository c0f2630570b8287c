//! 3xx: paths, payload templates and intrinsic functions (JSONPath states).
pub mod duplicate_template_field;
pub mod invalid_path;
pub mod invalid_template_expression;
pub mod no_dollar;
pub mod no_path;
pub mod pass_result_is_static;
pub mod unknown_context_field;

use std::borrow::Cow;

use crate::expr::ExprError;
use crate::expr::intrinsic;
use crate::expr::jsonpath::{self, Path, PathContext};
use crate::model::{QueryLanguage, State, StateMachine, StateType};
use crate::rules::Sink;
use crate::schema::is_placeholder_string;
use crate::syntax::{Member, Node, TextRange, Value, string_source_offset};

/// Reports `error` (whose span is in the decoded text of the string `node`) at the
/// characters it is about.
pub(crate) fn report_in_string(
    source: &str,
    sink: &mut Sink<'_>,
    node: &Node<'_>,
    error: &ExprError,
    message: String,
) {
    let start = string_source_offset(source, node, error.span.start as usize);
    let mut end = string_source_offset(source, node, error.span.end as usize);
    if end <= start {
        end = (start + 1).min(node.range.end.saturating_sub(1)).max(start);
    }
    sink.report(TextRange::new(start, end), message);
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

/// The payload templates of a JSONPath state: (what, node), e.g. ("Parameters", {...}).
/// The names are only formatted for the indexed ones (`Catch[0].Assign`): three rules
/// call this for every state.
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
        if let Some(m) = state.field(key) {
            out.push((Cow::Borrowed(key), &m.value));
        }
    }
    for (key, name) in [
        ("ItemReader", "ItemReader.Parameters"),
        ("ResultWriter", "ResultWriter.Parameters"),
    ] {
        if let Some(p) = state.field(key).and_then(|m| m.value.get("Parameters")) {
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
    let mut out = Vec::new();
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > MAX_DEPTH || n.is_unknown() {
            continue;
        }
        match &n.value {
            Value::Object(members) => {
                for m in members {
                    out.push(m);
                    stack.push((&m.value, depth + 1));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    out.sort_by_key(|m| m.key_range.start);
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
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
    ] {
        push(&mut out, state.field(key), PathContext::ReferencePath);
    }
    if let Some(r) = state
        .field("ItemReader")
        .and_then(|m| m.value.get("ReaderConfig"))
    {
        push(
            &mut out,
            r.member("MaxItemsPath"),
            PathContext::ReferencePath,
        );
    }
    if let Some(b) = state.field("ItemBatcher") {
        push(
            &mut out,
            b.value.member("MaxItemsPerBatchPath"),
            PathContext::ReferencePath,
        );
        push(
            &mut out,
            b.value.member("MaxInputBytesPerBatchPath"),
            PathContext::ReferencePath,
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
