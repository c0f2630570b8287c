//! What the editor knows of the fields in a state's input, for completing `$.` and
//! `$states.input.`: the fields earlier states put there (a Pass state's `Result` or
//! `Parameters`, a `ResultSelector`, a JSONata `Output`, a `ResultPath`, a Catcher's
//! error output), found by walking back from the state through the states whose input
//! flows on into their output, and the fields those states (and the state itself) read,
//! which tell what the input they share holds. Nothing here is sure: it is a list of
//! suggestions, nearest first.

use rustc_hash::FxHashSet as HashSet;

use crate::model::results::result_fields;
use crate::model::{QueryLanguage, ScopeKind, State, StateMachine, StateType, TransitionKind};
use crate::rules::paths::plain_names;
use crate::syntax::{Node, Value};

/// A field path known in a state's input, and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KnownField {
    pub names: Vec<String>,
    /// `set by "Assign agent"` or `read by "Notify"`.
    pub origin: String,
}

/// How many transitions the walk back follows at most (a completion must stay
/// instant).
const WALK_LIMIT: usize = 64;

/// The fields known in the input of `state`; the string at `editing` (being typed) is
/// not taken for a read.
pub(crate) fn known_input(
    machine: &StateMachine<'_, '_>,
    state: &State<'_, '_>,
    editing: u32,
) -> Vec<KnownField> {
    let mut out = Vec::new();
    collect(machine, state, editing, &mut out, 0);
    out
}

fn collect(
    machine: &StateMachine<'_, '_>,
    state: &State<'_, '_>,
    editing: u32,
    out: &mut Vec<KnownField>,
    depth: usize,
) {
    let scope = machine.scope(state.id.scope);
    let mut preds: Vec<Vec<(usize, TransitionKind)>> = vec![Vec::new(); scope.states.len()];
    for (i, s) in scope.states.iter().enumerate() {
        for t in s.transitions() {
            if let Some(j) = scope.state_index(t.target) {
                preds[j].push((i, t.kind));
            }
        }
    }
    let start = scope.start_at_name().and_then(|n| scope.state_index(n));
    let mut seen = HashSet::default();
    let mut queue = std::collections::VecDeque::from([state.id.index]);
    seen.insert(state.id.index);
    let mut readers = vec![state.id.index];
    let mut reached_start = false;
    let mut edges = 0;
    while let Some(x) = queue.pop_front() {
        reached_start |= Some(x) == start;
        for &(p, kind) in &preds[x] {
            edges += 1;
            if edges > WALK_LIMIT {
                break;
            }
            let pred = &scope.states[p];
            let origin = format!("set by \"{}\"", pred.name);
            let flows = match kind {
                TransitionKind::Catch(i) => {
                    catch_output(pred, i, &origin, out);
                    pred.catchers.get(i).is_some_and(|c| {
                        c.node
                            .get("ResultPath")
                            .is_some_and(|r| r.as_str().is_none_or(|p| p != "$"))
                    })
                }
                _ => output(pred, &origin, out),
            };
            if flows && seen.insert(p) {
                queue.push_back(p);
                readers.push(p);
            }
        }
    }
    for &r in &readers {
        let reader = &scope.states[r];
        let origin = format!("read by \"{}\"", reader.name);
        reads(reader, editing, &origin, out);
    }
    if reached_start && depth < 3 {
        parent_input(machine, scope.kind, editing, out, depth);
    }
}

/// What a Parallel branch or Map iteration starts with: the Parallel state's input (or
/// what its `Parameters` build), the object a Map state's `ItemSelector` builds.
fn parent_input(
    machine: &StateMachine<'_, '_>,
    kind: ScopeKind,
    editing: u32,
    out: &mut Vec<KnownField>,
    depth: usize,
) {
    let (parent, map) = match kind {
        ScopeKind::Root => return,
        ScopeKind::Branch { parent, .. } => (machine.state(parent), false),
        ScopeKind::Processor { parent, .. } => (machine.state(parent), true),
    };
    let origin = format!("set by \"{}\"", parent.name);
    let built = ["ItemSelector", "Parameters", "Arguments"]
        .iter()
        .filter(|k| map || **k != "ItemSelector")
        .find_map(|k| parent.field(k));
    match built {
        Some(m) => object_fields(&m.value, &[], parent.query_language, &origin, out),
        None if !map && parent.field("InputPath").is_none() => {
            collect(machine, parent, editing, out, depth + 1)
        }
        None => {}
    }
}

/// Adds what `state` puts in its output; true when its input flows on into it.
fn output(state: &State<'_, '_>, origin: &str, out: &mut Vec<KnownField>) -> bool {
    let kind = state.kind;
    if state.query_language == QueryLanguage::JsonAta {
        return match state.field("Output") {
            Some(m) => {
                object_fields(&m.value, &[], QueryLanguage::JsonAta, origin, out);
                false
            }
            None => {
                for f in result_of(state).unwrap_or_default() {
                    push(out, vec![f.to_string()], origin);
                }
                matches!(
                    kind,
                    Some(StateType::Pass | StateType::Choice | StateType::Wait)
                )
            }
        };
    }
    if state
        .field("OutputPath")
        .is_some_and(|m| m.value.as_str() != Some("$"))
    {
        return false;
    }
    let placed = match kind {
        Some(StateType::Choice | StateType::Wait) => return state.field("InputPath").is_none(),
        Some(StateType::Pass) => state.field("Result").or_else(|| state.field("Parameters")),
        Some(StateType::Task | StateType::Map | StateType::Parallel) => {
            state.field("ResultSelector")
        }
        _ => return false,
    };
    let at = match state.field("ResultPath") {
        None => Some(Vec::new()),
        Some(m) => match &m.value.value {
            Value::Null => return true,
            _ => m.value.as_str().and_then(plain_names),
        },
    };
    let Some(at) = at else { return false };
    let at: Vec<String> = at.iter().map(|s| s.to_string()).collect();
    if !at.is_empty() {
        push(out, at.clone(), origin);
    }
    match placed {
        Some(m) => object_fields(&m.value, &at, QueryLanguage::JsonPath, origin, out),
        None => {
            for f in result_of(state).unwrap_or_default() {
                let mut names = at.clone();
                names.push(f.to_string());
                push(out, names, origin);
            }
        }
    }
    // A Pass state with neither Result nor Parameters places its input.
    !at.is_empty() || (kind == Some(StateType::Pass) && placed.is_none())
}

/// What a path read at some offset names: the state's input below some field names
/// (its `InputPath` taken into account), or what the state's integration returned.
pub(crate) enum PathTarget<'m, 'a, 's> {
    Input {
        state: &'m State<'a, 's>,
        names: Vec<&'m str>,
    },
    Result {
        state: &'m State<'a, 's>,
    },
}

/// What `path` (a JSONPath `$.a.b`, or `$states.input.a.b` / `$states.result` in
/// JSONata) names when read at `offset`: in a JSONPath state, what its `InputPath`
/// selects (except in `InputPath`, `ResultPath` and `OutputPath`); in a
/// `ResultSelector` (and as `$states.result`), what the integration returned.
pub(crate) fn path_target<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    offset: u32,
    path: &'m str,
    jsonata: bool,
) -> Option<PathTarget<'m, 'a, 's>> {
    let state = super::state_around(machine, offset)?;
    let field = state
        .members()
        .iter()
        .find(|m| m.value.range.contains(offset))
        .map(|m| &*m.key);
    let in_selector = field == Some("ResultSelector");
    match jsonata {
        true if path == "$states.result" => return Some(PathTarget::Result { state }),
        false if path == "$" && in_selector => return Some(PathTarget::Result { state }),
        false if in_selector => return None,
        _ => {}
    }
    let below = match jsonata {
        true => path.strip_prefix("$states.input"),
        false => path.strip_prefix('$'),
    }
    .filter(|b| b.is_empty() || b.starts_with('.'))?;
    let mut names: Vec<&'m str> = Vec::new();
    let selects = !matches!(field, Some("InputPath" | "ResultPath" | "OutputPath"));
    if let Some(m) = state.field("InputPath").filter(|_| selects && !jsonata) {
        names.extend(plain_names(m.value.as_str()?)?);
    }
    names.extend(below.split('.').filter(|n| !n.is_empty()));
    Some(PathTarget::Input { state, names })
}

/// The fields of what a Task's integration returns, when its shape is known.
pub(crate) fn result_of(state: &State<'_, '_>) -> Option<&'static [&'static str]> {
    if state.kind != Some(StateType::Task) {
        return None;
    }
    let resource = state.field("Resource")?.value.as_str()?;
    let (_, action) = resource.strip_prefix("arn:")?.split_once(":states:::")?;
    result_fields(action)
}

/// Adds the error output a Catcher places: `Error` and `Cause` at its `ResultPath`.
fn catch_output(state: &State<'_, '_>, i: usize, origin: &str, out: &mut Vec<KnownField>) {
    let Some(catcher) = state.catchers.get(i) else {
        return;
    };
    let at = match catcher.node.get("ResultPath") {
        None => Vec::new(),
        Some(r) => match r.as_str().and_then(plain_names) {
            Some(names) => names.iter().map(|s| s.to_string()).collect(),
            None => return,
        },
    };
    if state.query_language == QueryLanguage::JsonAta
        && let Some(o) = catcher.node.get("Output")
    {
        object_fields(o, &[], QueryLanguage::JsonAta, origin, out);
        return;
    }
    if !at.is_empty() {
        push(out, at.clone(), origin);
    }
    for f in ["Error", "Cause"] {
        let mut names = at.clone();
        names.push(f.to_string());
        push(out, names, origin);
    }
}

/// Adds the fields of an object written out in the definition, under `at`: keys of a
/// payload template lose their `.$`, and what a `.$` key or a JSONata expression gives
/// is not looked into.
fn object_fields(
    node: &Node<'_>,
    at: &[String],
    language: QueryLanguage,
    origin: &str,
    out: &mut Vec<KnownField>,
) {
    let Some(members) = node.as_object() else {
        return;
    };
    if at.len() > 16 || node.is_unknown() {
        return;
    }
    for m in members {
        let (name, computed) = match m.key.strip_suffix(".$") {
            Some(n) if language == QueryLanguage::JsonPath => (n, true),
            _ => (&*m.key, false),
        };
        let mut names = at.to_vec();
        names.push(name.to_string());
        push(out, names.clone(), origin);
        if !computed {
            object_fields(&m.value, &names, language, origin, out);
        }
    }
}

/// Adds the input paths `state` reads: `$.a.b` strings in a JSONPath state (not in its
/// `ResultSelector`, which reads the result, nor `ResultPath`/`OutputPath`), and
/// `$states.input.a.b` in a JSONata one.
fn reads(state: &State<'_, '_>, editing: u32, origin: &str, out: &mut Vec<KnownField>) {
    const SKIP: &[&str] = &[
        "ResultSelector",
        "ResultPath",
        "OutputPath",
        "Branches",
        "ItemProcessor",
        "Iterator",
        "Catch",
        "Retry",
        "Next",
        "Default",
        "Type",
        "Resource",
        "Comment",
    ];
    let jsonata = state.query_language == QueryLanguage::JsonAta;
    let strings = state
        .members()
        .iter()
        .filter(|m| !SKIP.contains(&&*m.key))
        .flat_map(|m| m.value.strings(32));
    // Not the value being typed: the cursor may be just after a plain YAML scalar
    // (`Variable: $.o|`), at the end of its range.
    let typed = |n: &Node<'_>| n.range.start <= editing && editing <= n.range.end;
    for n in strings.filter(|n| !typed(n)) {
        let Some(s) = n.as_str() else { continue };
        if jsonata {
            for names in jsonata_input_paths(s) {
                push(out, names, origin);
            }
        } else if let Some(names) = s.strip_prefix("$.").and(plain_names(s)) {
            push(out, names.iter().map(|s| s.to_string()).collect(), origin);
        }
    }
}

/// The names of each `$states.input.a.b` path a `{% %}` expression reads (from its
/// syntax tree, so that text inside its string literals is not taken for a path).
fn jsonata_input_paths(text: &str) -> Vec<Vec<String>> {
    let Some(Ok(tree)) = crate::expr::jsonata::parse_template(text).map(|t| t.result) else {
        return Vec::new();
    };
    crate::expr::jsonata::states_paths(&tree, "input")
        .into_iter()
        .filter(|chain| !chain.is_empty())
        .map(|chain| chain.into_iter().map(|(name, _)| name).collect())
        .collect()
}

fn push(out: &mut Vec<KnownField>, names: Vec<String>, origin: &str) {
    if out.len() < 2_000 && !out.iter().any(|k| k.names == names) {
        out.push(KnownField {
            names,
            origin: origin.to_string(),
        });
    }
}

/// The names known one level below `prefix`, each with where the first came from:
/// fields set by earlier states first, then fields read.
pub(crate) fn members_below(known: &[KnownField], prefix: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for set_first in [true, false] {
        for k in known {
            if k.origin.starts_with("set by") != set_first
                || k.names.len() <= prefix.len()
                || k.names[..prefix.len()] != *prefix
            {
                continue;
            }
            let name = &k.names[prefix.len()];
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.clone(), k.origin.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{SourceKind, parse};

    fn below(text: &str, state: &str, prefix: &[&str]) -> Vec<(String, String)> {
        let doc = parse(text, SourceKind::Json);
        let root = doc.root.as_ref().unwrap();
        let machine = StateMachine::build(root).unwrap();
        let s = machine.all_states().find(|s| s.name == state).unwrap();
        members_below(&known_input(&machine, s, u32::MAX), prefix)
    }

    fn names(found: &[(String, String)]) -> Vec<&str> {
        found.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn fields_set_before_and_read_along_the_way() {
        let text = r#"{"StartAt": "Open case", "States": {
          "Open case": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "open", "Payload": {"ticket.$": "$.ticketId"}},
            "ResultSelector": {"caseId.$": "$.Payload.id", "meta": {"source": "web"}}, "ResultPath": "$.case",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Escalate"}],
            "Next": "Defaults"},
          "Defaults": {"Type": "Pass", "Result": {"priority": "normal"}, "ResultPath": "$.defaults", "Next": "Urgent?"},
          "Urgent?": {"Type": "Choice", "Choices": [{"Variable": "$.customer.tier", "StringEquals": "gold", "Next": "Escalate"}], "Default": "Work"},
          "Work": {"Type": "Pass", "End": true},
          "Escalate": {"Type": "Pass", "End": true}}}"#;
        let top = below(text, "Work", &[]);
        assert_eq!(names(&top), ["defaults", "case", "customer", "ticketId"]);
        assert_eq!(top[0].1, "set by \"Defaults\"");
        assert_eq!(top[2].1, "read by \"Urgent?\"");
        assert_eq!(names(&below(text, "Work", &["case"])), ["caseId", "meta"]);
        assert_eq!(names(&below(text, "Work", &["case", "meta"])), ["source"]);
        // From a Catcher: the error output at its ResultPath, and the input it kept.
        let esc = below(text, "Escalate", &[]);
        assert!(
            names(&esc).starts_with(&["error", "defaults", "case"]),
            "{esc:?}"
        );
        assert_eq!(
            names(&below(text, "Escalate", &["error"])),
            ["Error", "Cause"]
        );
    }

    #[test]
    fn replaced_outputs_stop_the_walk() {
        let text = r#"{"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Parameters": {"old.$": "$.old"}, "Next": "B"},
          "B": {"Type": "Pass", "Result": {"plan": "basic"}, "Next": "C"},
          "C": {"Type": "Pass", "End": true}}}"#;
        assert_eq!(names(&below(text, "C", &[])), ["plan"]);
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.order %}"}, "Output": {"agent": "{% $states.result.Payload %}", "team": {"name": "x"}}, "Next": "B"},
          "B": {"Type": "Wait", "Seconds": 1, "Next": "C"},
          "C": {"Type": "Pass", "Output": "{% $states.input.team.lead %}", "End": true}}}"#;
        assert_eq!(names(&below(jsonata, "C", &[])), ["agent", "team"]);
        assert_eq!(names(&below(jsonata, "C", &["team"])), ["name", "lead"]);
        assert_eq!(names(&below(jsonata, "A", &[])), ["order"]);
    }

    #[test]
    fn branches_and_iterations_start_with_what_the_parent_gives() {
        let text = r#"{"StartAt": "Check", "States": {
          "Check": {"Type": "Parallel", "Branches": [{"StartAt": "Name", "States": {"Name": {"Type": "Pass", "End": true}}}], "Next": "Each"},
          "Each": {"Type": "Map", "ItemSelector": {"student.$": "$$.Map.Item.Value", "term": "spring"},
            "ItemProcessor": {"StartAt": "Enrol", "States": {"Enrol": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
        let text = text.replace(
            r#""Check": {"Type": "Parallel","#,
            r#""Check": {"Type": "Parallel", "Parameters": {"name.$": "$.name"},"#,
        );
        assert_eq!(names(&below(&text, "Name", &[])), ["name"]);
        assert_eq!(names(&below(&text, "Enrol", &[])), ["student", "term"]);
    }
}
