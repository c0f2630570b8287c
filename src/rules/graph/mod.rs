//! 2xx: the state graph and transitions.
pub mod cross_scope_transition;
pub mod duplicate_state_name;
pub mod no_terminal_state;
pub mod unknown_catch_target;
pub mod unknown_choice_target;
pub mod unknown_next_state;
pub mod unknown_start_at;
pub mod unreachable_state;

use crate::diagnostics::{Applicability, Fix};
use crate::model::{Scope, TransitionKind};
use crate::rules::{LintContext, Sink, closest_preferring};
use crate::syntax::Member;
use crate::syntax::edit::string_like;

/// True when some transition of the scope (`Next`, `Default`, a Choice rule's or a
/// Catch's `Next`) has a value only known at deploy time (a `${...}` placeholder or an
/// intrinsic): which states are reachable, and whether the scope ends, is then unknown.
pub(crate) fn has_unknown_transition(scope: &Scope<'_, '_>) -> bool {
    let unknown = |m: Option<&Member<'_>>| m.is_some_and(|m| m.value.is_unknown());
    scope.states.iter().any(|s| {
        unknown(s.next)
            || unknown(s.default)
            || s.choices.iter().any(|c| unknown(c.next))
            || s.catchers.iter().any(|c| unknown(c.next))
    })
}

/// Reports transitions of the kinds `wanted` accepts whose target is a state of no scope
/// (a target that exists in another scope is ASL207's), with a did-you-mean fix.
pub(super) fn report_unknown_targets(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    wanted: fn(TransitionKind) -> bool,
) {
    let Some(machine) = ctx.machine else { return };
    for scope in &machine.scopes {
        for state in &scope.states {
            for t in state.transitions() {
                if !wanted(t.kind) || scope.state_index(t.target).is_some() {
                    continue;
                }
                if !machine.states_named(t.target).is_empty() {
                    continue;
                }
                let message = format!(
                    "{} names \"{}\", which is not a state of {}",
                    t.kind.describe(),
                    t.target,
                    scope.describe(machine)
                );
                let catch = matches!(t.kind, TransitionKind::Catch(_));
                let from = Some(state.name);
                let d = report_with_suggestion(ctx, sink, scope, from, t.member, message, catch);
                if matches!(t.kind, TransitionKind::Choice(_) | TransitionKind::Default)
                    && d.help.is_none()
                {
                    d.help = states_help(scope, from, t.kind.describe());
                }
            }
        }
    }
}

/// Reports `member` (whose value names a missing state) with a did-you-mean help and
/// fix drawn from the states of `scope`: never `from`, the state that names the target
/// (a transition to itself is seldom what a typo meant), and of equally close names, one
/// that nothing reaches yet (the likelier one to have been meant).
pub(super) fn report_with_suggestion<'d>(
    ctx: &LintContext<'_, '_>,
    sink: &'d mut Sink<'_>,
    scope: &Scope<'_, '_>,
    from: Option<&str>,
    member: &Member<'_>,
    message: String,
    catch: bool,
) -> &'d mut crate::diagnostics::Diagnostic {
    let target = member.value.as_str().unwrap_or("");
    let suggestion = if sink.may_suggest() {
        let reachable = ctx.graphs.map(|g| &g.scope(scope.id).reachable);
        let candidates = scope
            .states
            .iter()
            .enumerate()
            .filter(|(_, s)| Some(s.name) != from)
            .map(|(i, s)| {
                let unreached = reachable.is_some_and(|r| r.get(i) == Some(&false));
                (s.name, unreached)
            });
        let mut suggestion = closest_preferring(target, candidates.clone());
        // A guess that would leave the scope unable to end (the loop A -> B -> A where
        // "AA" was written) is dropped for the next closest name, if there is one.
        let mut dropped: Vec<&str> = Vec::new();
        while let [only] = suggestion[..]
            && dropped.len() < 3
            && !ends_after(ctx, scope, from, member, only)
        {
            dropped.push(only);
            suggestion = closest_preferring(
                target,
                candidates
                    .clone()
                    .filter(|(name, _)| !dropped.contains(name)),
            );
        }
        if !dropped.is_empty() && suggestion.len() != 1 {
            suggestion.clear();
        }
        suggestion
    } else {
        Vec::new()
    };
    let d = sink.report(member.value.range, message);
    let create = new_state_fix(ctx, scope, target, catch);
    // Of names equally close ("Step 1": "Step 2" or "Step 10"), none is applied by
    // `--unsafe-fixes`: the editor offers each for the author to choose.
    let applicability = match suggestion.len() {
        1 => Applicability::Unsafe,
        _ => Applicability::DisplayOnly,
    };
    let suggestion = &suggestion[..suggestion.len().min(3)];
    if !suggestion.is_empty() {
        let quoted: Vec<String> = suggestion.iter().map(|s| format!("\"{s}\"")).collect();
        d.help = Some(format!("did you mean {}?", crate::rules::or_list(&quoted)));
    }
    for s in suggestion {
        // A state named by a placeholder (`"${Step}"`, filled with the name shown):
        // the transition names it as it is written, not by the value of one deploy.
        let written = scope
            .states
            .iter()
            .find(|st| st.name == *s)
            .and_then(|st| ctx.source.get(st.name_range.as_usize()))
            .map(|raw| raw.trim_matches(|c| c == '"' || c == '\''))
            .filter(|raw| raw.contains("${") && raw != s)
            .unwrap_or(s);
        d.fixes.push(Fix::replace(
            format!("Replace with \"{written}\""),
            applicability,
            member.value.range,
            string_like(
                ctx.document.kind,
                &ctx.source[member.value.range.as_usize()],
                written,
            ),
        ));
    }
    d.fixes.extend(create);
    d
}

/// Whether the scope can still end once the transition `member` of the state `from`
/// names `to`: from `StartAt`, some state is reached that ends (Succeed, Fail, `End`)
/// or that has a transition still to be decided (another missing name, a placeholder).
/// True when that cannot be told (no graph, no `StartAt`, a transition with no
/// `from`, as `StartAt` itself).
fn ends_after(
    ctx: &LintContext<'_, '_>,
    scope: &Scope<'_, '_>,
    from: Option<&str>,
    member: &Member<'_>,
    to: &str,
) -> bool {
    let (Some(graphs), Some(from)) = (ctx.graphs, from) else {
        return true;
    };
    let graph = graphs.scope(scope.id);
    let (Some(start), Some(from), Some(to)) =
        (graph.start, scope.state_index(from), scope.state_index(to))
    else {
        return true;
    };
    let open = |i: usize| {
        let state = &scope.states[i];
        state.is_terminal()
            || state.transitions().iter().any(|t| {
                !std::ptr::eq(t.member, member)
                    && (t.member.value.is_unknown() || scope.state_index(t.target).is_none())
            })
    };
    let mut seen = vec![false; scope.states.len()];
    let mut stack = vec![start.index()];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if open(i) {
            return true;
        }
        stack.extend(graph.successors(i));
        if i == from {
            stack.push(to);
        }
    }
    false
}

/// When no name is close to the one written: the states `what` may name, if there are
/// few (the states of `scope` but `from`, the state the transition leaves).
pub(super) fn states_help(scope: &Scope<'_, '_>, from: Option<&str>, what: &str) -> Option<String> {
    let names: Vec<String> = scope
        .states
        .iter()
        .filter(|s| Some(s.name) != from)
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    match names.len() {
        1 => Some(format!("{what} must name {}", names[0])),
        2..=5 => Some(format!(
            "{what} must name one of {}",
            crate::rules::or_list(&names)
        )),
        _ => None,
    }
}

/// An editor quick fix that adds the missing state `name` to the scope's `States`: a
/// Pass state that ends, or a Fail state for a Catcher's target, for the author to
/// fill in. Never applied by `check --fix`: it would hide a misspelled name.
fn new_state_fix(
    ctx: &LintContext<'_, '_>,
    scope: &Scope<'_, '_>,
    name: &str,
    catch: bool,
) -> Option<Fix> {
    let states = &scope.states_member?.value;
    let usable = !name.trim().is_empty()
        && name.chars().count() <= 80
        && !name.chars().any(char::is_control)
        && !name.contains("${")
        && !states.is_unknown();
    if !usable {
        return None;
    }
    let stub = match catch {
        true => serde_json::json!({"Type": "Fail", "Error": "Failed", "Cause": "to be written"}),
        false => serde_json::json!({"Type": "Pass", "End": true}),
    };
    let edit = crate::syntax::edit::append_member(ctx.source, states, name, &stub)?;
    let kind = if catch { "Fail" } else { "Pass" };
    Some(Fix::edit(
        format!("Add a {kind} state \"{name}\""),
        Applicability::DisplayOnly,
        edit,
    ))
}
