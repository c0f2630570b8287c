//! Transitions as a call hierarchy: the states that lead to a state (incoming calls) and
//! the states it leads to (outgoing calls), through `Next`, Choice rules, `Default` and
//! `Catch`. A Parallel or Map state also "calls" the first state of each branch or of
//! its item processor (its `StartAt`), so the hierarchy follows the nesting both ways.

use crate::model::{ScopeKind, State, StateMachine};
use crate::syntax::{SourceKind, TextRange};

use super::navigate::RefKind;
use super::outline::{Symbol, state_symbol};
use super::{in_string_at, name_at, with_machine_at};

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
    if let Some(e) = in_string_at(text, kind, offset) {
        let map = |r| e.range(r);
        return prepare_call_hierarchy(&e.inner.text, e.kind, e.offset)
            .map(|s| mapped(s, &map, &[]).0);
    }
    with_machine_at(text, kind, offset, |_, machine| {
        let state = state_at(machine, offset)?;
        Some(item(machine, state))
    })
}

/// The states with a transition to the state whose key is at `offset`, in document
/// order, each with those transitions; and the Parallel or Map state whose branch or
/// processor starts with it.
pub fn incoming_calls(text: &str, kind: SourceKind, offset: u32) -> Vec<Call> {
    calls(text, kind, offset, incoming)
}

/// The states that the state whose key is at `offset` leads to, in the document order
/// of its first transition to each, with its transitions to them; for a Parallel or Map state,
/// the first state of each branch or of the processor too.
pub fn outgoing_calls(text: &str, kind: SourceKind, offset: u32) -> Vec<Call> {
    calls(text, kind, offset, outgoing)
}

fn calls(
    text: &str,
    kind: SourceKind,
    offset: u32,
    find: fn(&StateMachine<'_, '_>, &State<'_, '_>) -> Vec<Call>,
) -> Vec<Call> {
    if let Some(e) = in_string_at(text, kind, offset) {
        let map = |r| e.range(r);
        return calls(&e.inner.text, e.kind, e.offset, find)
            .into_iter()
            .map(|c| {
                let (state, from) = mapped(c.state, &map, &c.from);
                Call { state, from }
            })
            .collect();
    }
    with_machine_at(text, kind, offset, |_, machine| {
        let state = state_at(machine, offset)?;
        Some(find(machine, state))
    })
    .unwrap_or_default()
}

fn incoming(machine: &StateMachine<'_, '_>, target: &State<'_, '_>) -> Vec<Call> {
    let scope = machine.scope(target.id.scope);
    let mut out = Vec::new();
    if let Some(parent) = scope.parent()
        && let Some(start) = scope.start_at
        && start.value.as_str() == Some(target.name)
    {
        out.push(Call {
            state: item(machine, machine.state(parent)),
            from: vec![start.value.range],
        });
    }
    for state in &scope.states {
        let from: Vec<TextRange> = state
            .transitions()
            .iter()
            .filter(|t| t.target == target.name)
            .map(|t| t.range())
            .collect();
        if !from.is_empty() {
            out.push(Call {
                state: item(machine, state),
                from,
            });
        }
    }
    out
}

fn outgoing(machine: &StateMachine<'_, '_>, source: &State<'_, '_>) -> Vec<Call> {
    let scope = machine.scope(source.id.scope);
    let mut out: Vec<Call> = Vec::new();
    let push = |out: &mut Vec<Call>, callee: &State<'_, '_>, range: TextRange| match out
        .iter_mut()
        .find(|c| c.state.selection == callee.name_range)
    {
        Some(call) => call.from.push(range),
        None => out.push(Call {
            state: item(machine, callee),
            from: vec![range],
        }),
    };
    for &child in &source.children {
        let child = machine.scope(child);
        if let Some(start) = child.start_at
            && let Some(first) = start.value.as_str().and_then(|n| child.state(n))
        {
            push(&mut out, first, start.value.range);
        }
    }
    for t in source.transitions() {
        if let Some(callee) = scope.state(t.target) {
            push(&mut out, callee, t.range());
        }
    }
    for call in &mut out {
        call.from.sort();
    }
    out.sort_by_key(|c| c.from[0].start);
    out
}

/// The state named at `offset`, when that name is a state's key or a transition to an
/// existing state (not the scope's `StartAt`, which is no state's call).
fn state_at<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    offset: u32,
) -> Option<&'m State<'a, 's>> {
    let at = name_at(machine, offset)?;
    let scope = machine.scope(at.scope);
    match at.kind {
        RefKind::Declaration => scope.states.iter().find(|s| s.name_range == at.range),
        RefKind::StartAt | RefKind::Transition => scope.state(&at.name),
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
}
