//! Transitions as a call hierarchy: the states that lead to a state (incoming calls) and
//! the states it leads to (outgoing calls), through `Next`, Choice rules, `Default` and
//! `Catch`. A Parallel or Map state also "calls" the first state of each branch or of
//! its item processor (its `StartAt`), so the hierarchy follows the nesting both ways.
//! A `${Name}` transition of a template's definition calls the state its substitution
//! names, as references read it ([`super::navigate`]).

use crate::embed::template::Substitutions;
use crate::model::{ScopeId, ScopeKind, State, StateMachine};
use crate::syntax::{SourceKind, TextRange};

use super::navigate::{
    NameRef, RefKind, placeholder_target_at, placeholder_targets, placeholders_reaching,
    substitutions_here, through_placeholder,
};
use super::outline::{Symbol, state_symbol};
use super::{in_string_at, name_at, with_named_machine_at};

/// One caller or callee, with the ranges of the calls: transition values (or a `StartAt`)
/// inside the calling state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub state: Symbol,
    pub from: Vec<TextRange>,
}

/// The state whose name is at `offset` (its key or any transition naming it), as the
/// root of a call hierarchy.
pub fn prepare_call_hierarchy(text: &str, kind: SourceKind, offset: u32) -> Option<Symbol> {
    prepare_call_hierarchy_through(text, kind, offset, &[])
}

/// [`prepare_call_hierarchy`] in a definition file that templates name (`DefinitionUri`),
/// with their `DefinitionSubstitutions`: a `${Name}` transition is the state its value
/// names.
pub fn prepare_call_hierarchy_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[Substitutions],
) -> Option<Symbol> {
    if let Some(e) = in_string_at(text, kind, offset) {
        let map = |r| e.range(r);
        return prepare_call_hierarchy(&e.inner.text, e.kind, e.offset)
            .map(|s| mapped(s, &map, &[]).0);
    }
    with_named_machine_at(text, kind, offset, |machine_name, _, machine| {
        let substitutions = substitutions_here(text, kind, machine_name, substitutions);
        let state = state_at(machine, offset, &substitutions)?;
        Some(item(machine, state))
    })
}

/// The states with a transition to the state whose key is at `offset`, in document
/// order, each with those transitions; and the Parallel or Map state whose branch or
/// processor starts with it.
pub fn incoming_calls(text: &str, kind: SourceKind, offset: u32) -> Vec<Call> {
    incoming_calls_through(text, kind, offset, &[])
}

/// [`incoming_calls`] in a definition file that templates name, with their
/// `DefinitionSubstitutions` (see [`prepare_call_hierarchy_through`]).
pub fn incoming_calls_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[Substitutions],
) -> Vec<Call> {
    calls(text, kind, offset, substitutions, incoming)
}

/// The states that the state whose key is at `offset` leads to, in the document order
/// of its first transition to each, with its transitions to them; for a Parallel or Map state,
/// the first state of each branch or of the processor too.
pub fn outgoing_calls(text: &str, kind: SourceKind, offset: u32) -> Vec<Call> {
    outgoing_calls_through(text, kind, offset, &[])
}

/// [`outgoing_calls`] in a definition file that templates name, with their
/// `DefinitionSubstitutions` (see [`prepare_call_hierarchy_through`]).
pub fn outgoing_calls_through(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[Substitutions],
) -> Vec<Call> {
    calls(text, kind, offset, substitutions, outgoing)
}

type Find = fn(&StateMachine<'_, '_>, &State<'_, '_>, &[Substitutions]) -> Vec<Call>;

fn calls(
    text: &str,
    kind: SourceKind,
    offset: u32,
    substitutions: &[Substitutions],
    find: Find,
) -> Vec<Call> {
    if let Some(e) = in_string_at(text, kind, offset) {
        let map = |r| e.range(r);
        return calls(&e.inner.text, e.kind, e.offset, &[], find)
            .into_iter()
            .map(|c| {
                let (state, from) = mapped(c.state, &map, &c.from);
                Call { state, from }
            })
            .collect();
    }
    with_named_machine_at(text, kind, offset, |machine_name, _, machine| {
        let substitutions = substitutions_here(text, kind, machine_name, substitutions);
        let state = state_at(machine, offset, &substitutions)?;
        Some(find(machine, state, &substitutions))
    })
    .unwrap_or_default()
}

fn incoming(
    machine: &StateMachine<'_, '_>,
    target: &State<'_, '_>,
    substitutions: &[Substitutions],
) -> Vec<Call> {
    let scope = machine.scope(target.id.scope);
    // The `${Name}` transitions whose value names the state.
    let at = NameRef {
        scope: target.id.scope,
        name: target.name.to_string(),
        range: target.name_range,
        kind: RefKind::Declaration,
    };
    let reaching: Vec<TextRange> = placeholders_reaching(machine, &at, substitutions)
        .into_iter()
        .map(|(range, _)| range)
        .collect();
    let within = |outer: TextRange, r: &TextRange| outer.start <= r.start && r.end <= outer.end;
    let mut out = Vec::new();
    if let Some(parent) = scope.parent()
        && let Some(start) = scope.start_at
        && (start.value.as_str() == Some(target.name) || reaching.contains(&start.value.range))
    {
        out.push(Call {
            state: item(machine, machine.state(parent)),
            from: vec![start.value.range],
        });
    }
    for state in &scope.states {
        let mut from: Vec<TextRange> = state
            .transitions()
            .iter()
            .filter(|t| t.target == target.name)
            .map(|t| t.range())
            .chain(
                reaching
                    .iter()
                    .filter(|r| within(state.node.range, r))
                    .copied(),
            )
            .collect();
        from.sort();
        from.dedup();
        if !from.is_empty() {
            out.push(Call {
                state: item(machine, state),
                from,
            });
        }
    }
    out
}

fn outgoing(
    machine: &StateMachine<'_, '_>,
    source: &State<'_, '_>,
    substitutions: &[Substitutions],
) -> Vec<Call> {
    let scope = machine.scope(source.id.scope);
    let mut out: Vec<Call> = Vec::new();
    let push = |out: &mut Vec<Call>, callee: &State<'_, '_>, range: TextRange| match out
        .iter_mut()
        .find(|c| c.state.selection == callee.name_range)
    {
        Some(call) => {
            if !call.from.contains(&range) {
                call.from.push(range);
            }
        }
        None => out.push(Call {
            state: item(machine, callee),
            from: vec![range],
        }),
    };
    // The state of `scope` that the `${Name}` token at `range` reaches.
    let reached = |scope: ScopeId, range: TextRange, token: String, kind: RefKind| {
        let at = NameRef {
            scope,
            name: token,
            range,
            kind,
        };
        let at = through_placeholder(machine, at, substitutions);
        machine.scope(scope).state(&at.name)
    };
    for &child in &source.children {
        let child_scope = machine.scope(child);
        let Some(start) = child_scope.start_at else {
            continue;
        };
        let first = start
            .value
            .as_str()
            .and_then(|n| child_scope.state(n))
            .or_else(|| {
                let (range, token) = placeholder_targets(machine, child)
                    .into_iter()
                    .find(|(r, _)| *r == start.value.range)?;
                reached(child, range, token, RefKind::StartAt)
            });
        if let Some(first) = first {
            push(&mut out, first, start.value.range);
        }
    }
    for t in source.transitions() {
        if let Some(callee) = scope.state(t.target) {
            push(&mut out, callee, t.range());
        }
    }
    for (range, token) in placeholder_targets(machine, source.id.scope) {
        let own = source.node.range.start <= range.start && range.end <= source.node.range.end;
        if own && let Some(callee) = reached(source.id.scope, range, token, RefKind::Transition) {
            push(&mut out, callee, range);
        }
    }
    for call in &mut out {
        call.from.sort();
    }
    out.sort_by_key(|c| c.from[0].start);
    out
}

/// The state named at `offset`, when that name is a state's key or a transition to an
/// existing state, also through a `${Name}` whose value in `substitutions` names it.
fn state_at<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    offset: u32,
    substitutions: &[Substitutions],
) -> Option<&'m State<'a, 's>> {
    let at = name_at(machine, offset).or_else(|| placeholder_target_at(machine, offset))?;
    let scope = machine.scope(at.scope);
    match at.kind {
        RefKind::Declaration => scope.states.iter().find(|s| s.name_range == at.range),
        RefKind::StartAt | RefKind::Transition => {
            let at = through_placeholder(machine, at, substitutions);
            scope.state(&at.name)
        }
    }
}

/// A state as a hierarchy item: its type, and where it is when it is nested.
fn item(machine: &StateMachine<'_, '_>, state: &State<'_, '_>) -> Symbol {
    let mut symbol = state_symbol(state, Vec::new());
    let scope = machine.scope(state.id.scope);
    if scope.kind != ScopeKind::Root {
        let place = scope.describe(machine);
        symbol.detail = Some(match symbol.detail {
            Some(t) => format!("{t} in {place}"),
            None => format!("in {place}"),
        });
    }
    symbol
}

/// `symbol` and `from` with their ranges mapped from a definition string to the template.
fn mapped(
    symbol: Symbol,
    map: &impl Fn(TextRange) -> TextRange,
    from: &[TextRange],
) -> (Symbol, Vec<TextRange>) {
    (
        Symbol {
            range: map(symbol.range),
            selection: map(symbol.selection),
            ..symbol
        },
        from.iter().map(|&r| map(r)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MACHINE: &str = r#"{"StartAt": "Open",
 "States": {
  "Open": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Escalate"}], "Next": "Route"},
  "Route": {"Type": "Choice",
            "Choices": [{"Variable": "$.urgent", "BooleanEquals": true, "Next": "Escalate"}],
            "Default": "Work"},
  "Work": {"Type": "Parallel", "Next": "Escalate",
           "Branches": [{"StartAt": "Assign", "States": {"Assign": {"Type": "Pass", "End": true}}}]},
  "Escalate": {"Type": "Succeed"}}}"#;

    fn at(needle: &str, nth: usize) -> u32 {
        let mut from = 0;
        for _ in 0..nth {
            from += MACHINE[from..].find(needle).unwrap() + 1;
        }
        (from + MACHINE[from..].find(needle).unwrap() + 1) as u32
    }

    fn text(r: TextRange) -> &'static str {
        &MACHINE[r.as_usize()]
    }

    /// Each call as the callee's or caller's name and, for each call range, its line
    /// (1-based) and text.
    fn summary(calls: &[Call]) -> Vec<(&str, Vec<(usize, &'static str)>)> {
        calls
            .iter()
            .map(|c| {
                let ranges = c
                    .from
                    .iter()
                    .map(|&r| {
                        (
                            MACHINE[..r.start as usize].matches('\n').count() + 1,
                            text(r),
                        )
                    })
                    .collect();
                (c.state.name.as_str(), ranges)
            })
            .collect()
    }

    #[test]
    fn prepare_names_the_state_from_its_key_or_a_transition() {
        let from_key =
            prepare_call_hierarchy(MACHINE, SourceKind::Json, at("\"Route\": {", 0)).unwrap();
        assert_eq!(from_key.name, "Route");
        assert_eq!(from_key.detail.as_deref(), Some("Choice"));
        assert_eq!(text(from_key.selection), "\"Route\"");
        assert!(text(from_key.range).starts_with("\"Route\": {\"Type\": \"Choice\""));
        let from_next =
            prepare_call_hierarchy(MACHINE, SourceKind::Json, at("\"Route\"}", 0)).unwrap();
        assert_eq!(from_next, from_key);
        let nested =
            prepare_call_hierarchy(MACHINE, SourceKind::Json, at("\"Assign\": {", 0)).unwrap();
        assert_eq!(
            nested.detail.as_deref(),
            Some("Pass in branch 1 of \"Work\"")
        );
        // Not on a name.
        assert_eq!(
            prepare_call_hierarchy(MACHINE, SourceKind::Json, at("arn:", 0)),
            None
        );
    }

    #[test]
    fn incoming_lists_each_caller_with_its_transitions() {
        let calls = incoming_calls(MACHINE, SourceKind::Json, at("\"Escalate\": {", 0));
        assert_eq!(
            summary(&calls),
            [
                ("Open", vec![(4, "\"Escalate\"")]),
                ("Route", vec![(6, "\"Escalate\"")]),
                ("Work", vec![(8, "\"Escalate\"")]),
            ]
        );
        let first_in_branch = incoming_calls(MACHINE, SourceKind::Json, at("\"Assign\": {", 0));
        assert_eq!(
            summary(&first_in_branch),
            [("Work", vec![(9, "\"Assign\"")])]
        );
        // The machine's first state has no caller.
        assert_eq!(
            incoming_calls(MACHINE, SourceKind::Json, at("\"Open\": {", 0)),
            []
        );
    }

    #[test]
    fn outgoing_groups_transitions_by_target() {
        let calls = outgoing_calls(MACHINE, SourceKind::Json, at("\"Route\": {", 0));
        assert_eq!(
            summary(&calls),
            [
                ("Escalate", vec![(6, "\"Escalate\"")]),
                ("Work", vec![(7, "\"Work\"")])
            ]
        );
        let open = outgoing_calls(MACHINE, SourceKind::Json, at("\"Open\": {", 0));
        assert_eq!(open.len(), 2);
        assert_eq!(open[0].state.name, "Escalate");
        assert_eq!(
            open[0].from.iter().map(|&r| text(r)).collect::<Vec<_>>(),
            ["\"Escalate\""]
        );
        assert_eq!(open[1].state.name, "Route");
        let work = outgoing_calls(MACHINE, SourceKind::Json, at("\"Work\": {", 0));
        assert_eq!(
            work.iter()
                .map(|c| c.state.name.as_str())
                .collect::<Vec<_>>(),
            ["Escalate", "Assign"]
        );
        assert_eq!(
            outgoing_calls(MACHINE, SourceKind::Json, at("\"Escalate\": {", 0)),
            []
        );
    }

    #[test]
    fn works_in_a_definition_string_of_a_template() {
        let template = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
  "Properties": {"DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}}}"}}}}"#;
        let b_key = template.find("\\\"B\\\": {").unwrap() as u32 + 3;
        let item = prepare_call_hierarchy(template, SourceKind::Json, b_key).unwrap();
        assert_eq!(item.name, "B");
        assert_eq!(&template[item.selection.as_usize()], "\\\"B\\\"");
        let calls = incoming_calls(template, SourceKind::Json, b_key);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].state.name, "A");
        assert_eq!(&template[calls[0].from[0].as_usize()], "\\\"B\\\"");
        assert_eq!(&template[calls[0].state.selection.as_usize()], "\\\"A\\\"");
    }

    /// The `${Name}` transitions of a template's definition call the state their
    /// substitution names, as its references list them.
    #[test]
    fn placeholder_transitions_call_the_state_their_substitution_names() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        First: Go\n        After: Work\n        Inner: In\n        Fn: arn:aws:lambda:us-east-1:123456789012:function:f\n      Definition:\n        StartAt: ${First}\n        States:\n          Go:\n            Type: Choice\n            Choices: [{Variable: $.x, IsPresent: true, Next: \"${After}\"}]\n            Default: Work\n          Work:\n            Type: Parallel\n            Branches: [{StartAt: \"${Inner}\", States: {In: {Type: Pass, End: true}}}]\n            Next: \"${Fn}\"\n          Done: {Type: Succeed}\n";
        let at = |needle: &str| sam.find(needle).unwrap() as u32 + 1;
        let lines = |calls: &[Call]| -> Vec<(String, Vec<(usize, String)>)> {
            calls
                .iter()
                .map(|c| {
                    let ranges = c
                        .from
                        .iter()
                        .map(|&r| {
                            (
                                sam[..r.start as usize].matches('\n').count() + 1,
                                sam[r.as_usize()].to_string(),
                            )
                        })
                        .collect();
                    (c.state.name.clone(), ranges)
                })
                .collect()
        };
        let owned = |v: Vec<(&str, Vec<(usize, &str)>)>| -> Vec<(String, Vec<(usize, String)>)> {
            v.into_iter()
                .map(|(n, r)| {
                    (
                        n.to_string(),
                        r.into_iter().map(|(l, t)| (l, t.to_string())).collect(),
                    )
                })
                .collect()
        };
        // Prepared from the token: the state it reaches.
        let item = prepare_call_hierarchy(sam, SourceKind::Yaml, at("${After}")).unwrap();
        assert_eq!(item.name, "Work");
        assert_eq!(&sam[item.selection.as_usize()], "Work");
        // A token whose value names no state is no state's call.
        assert_eq!(
            prepare_call_hierarchy(sam, SourceKind::Yaml, at("${Fn}")),
            None
        );
        assert_eq!(
            lines(&incoming_calls(sam, SourceKind::Yaml, at("Work:\n"))),
            owned(vec![("Go", vec![(16, "\"${After}\""), (17, "Work")])])
        );
        assert_eq!(
            lines(&outgoing_calls(sam, SourceKind::Yaml, at("Go:\n"))),
            owned(vec![("Work", vec![(16, "\"${After}\""), (17, "Work")])])
        );
        // A branch that starts through a token.
        assert_eq!(
            lines(&outgoing_calls(sam, SourceKind::Yaml, at("Work:\n"))),
            owned(vec![("In", vec![(20, "\"${Inner}\"")])])
        );
        assert_eq!(
            lines(&incoming_calls(sam, SourceKind::Yaml, at("In: {"))),
            owned(vec![("Work", vec![(20, "\"${Inner}\"")])])
        );
        // A definition file, with the substitutions of the templates that name it.
        let file = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${Then}"}, "B": {"Type": "Succeed"}}}"#;
        let subs: Substitutions = [("Then".to_string(), Some("B".to_string()))].into();
        let b = file.find("\"B\": {").unwrap() as u32 + 1;
        let a = file.find("\"A\": {").unwrap() as u32 + 1;
        let token = file.find("\"${Then}\"").unwrap();
        assert_eq!(incoming_calls(file, SourceKind::Json, b), []);
        let calls = incoming_calls_through(file, SourceKind::Json, b, std::slice::from_ref(&subs));
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].state.name, "A");
        assert_eq!(calls[0].from, [TextRange::from_usize(token, token + 9)]);
        let calls = outgoing_calls_through(file, SourceKind::Json, a, std::slice::from_ref(&subs));
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].state.name, "B");
        assert_eq!(calls[0].from, [TextRange::from_usize(token, token + 9)]);
        assert_eq!(
            prepare_call_hierarchy_through(
                file,
                SourceKind::Json,
                token as u32 + 3,
                std::slice::from_ref(&subs)
            )
            .map(|s| s.name),
            Some("B".to_string())
        );
    }
}
