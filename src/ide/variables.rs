//! Workflow variables as symbols: which variable is at an offset, where it is assigned
//! and read, and how to rename it.
//!
//! A variable name means one thing throughout a *domain*: the top level with every
//! Parallel branch and inline Map processor inside it, or the child workflow of a
//! Distributed Map (which sees no outer variables) with what is nested in it. Inner
//! scopes read the variables of outer ones, so an occurrence in a branch and one at the
//! top level are the same symbol; a variable assigned only inside a branch cannot leave
//! it, but renaming it together with a namesake elsewhere in the domain changes nothing,
//! so the domain is the unit for references and rename.

use crate::diagnostics::Edit;
use crate::expr::jsonata::analysis::builtin;
use crate::model::{ScopeId, State, StateMachine};
use crate::rules::jsonata::invalid_variable_name::variable_name_problem;
use crate::rules::jsonata::variables::{assignments, reads, visible_scopes};
use crate::syntax::TextRange;

/// One occurrence of a variable name: the name's characters only (no `$`, quotes or
/// `.$` suffix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VarOccurrence {
    pub range: TextRange,
    /// A key of an `Assign` (rather than a `$name` read).
    pub write: bool,
}

/// The variable at `offset`: its domain (the scope at its top) and name.
pub(crate) fn variable_at(
    source: &str,
    machine: &StateMachine<'_, '_>,
    offset: u32,
) -> Option<(ScopeId, String)> {
    for state in machine.all_states() {
        if !state.node.range.touches(offset) {
            continue;
        }
        let domain = domain_of(machine, state.id.scope);
        for a in assignments(state) {
            if let Some(r) = key_name_range(source, a.member.key_range, a.name)
                && r.touches(offset)
            {
                return Some((domain, a.name.to_string()));
            }
        }
        for r in reads(source, state) {
            if r.range.touches(offset)
                && (!r.builtin || assigned_in(machine, domain, &r.name))
                && name_range_of_read(source, r.range).is_some()
            {
                return Some((domain, r.name));
            }
        }
    }
    None
}

/// Every assignment and read of `name` in `domain`, in document order.
pub(crate) fn variable_occurrences(
    source: &str,
    machine: &StateMachine<'_, '_>,
    domain: ScopeId,
    name: &str,
) -> Vec<VarOccurrence> {
    let builtin_value = builtin(name).is_some() && !assigned_in(machine, domain, name);
    let mut out = Vec::new();
    for state in states_of(machine, domain) {
        for a in assignments(state) {
            if a.name == name
                && let Some(range) = key_name_range(source, a.member.key_range, a.name)
            {
                out.push(VarOccurrence { range, write: true });
            }
        }
        if builtin_value {
            continue;
        }
        for r in reads(source, state) {
            if r.name == name
                && let Some(range) = name_range_of_read(source, r.range)
            {
                out.push(VarOccurrence {
                    range,
                    write: false,
                });
            }
        }
    }
    out.sort_by_key(|o| o.range.start);
    out.dedup();
    out
}

/// The edits that rename the variable `name` of `domain` to `new_name`, or why not.
pub(crate) fn rename_variable(
    source: &str,
    machine: &StateMachine<'_, '_>,
    domain: ScopeId,
    name: &str,
    new_name: &str,
) -> Result<Vec<Edit>, String> {
    // `$count` typed for `count`: the `$` is how a read spells it, not part of the name.
    let new_name = new_name.strip_prefix('$').unwrap_or(new_name);
    if new_name == name {
        return Ok(Vec::new());
    }
    if let Some(problem) = variable_name_problem(new_name) {
        return Err(format!("\"{new_name}\" cannot name a variable: {problem}"));
    }
    // Any `$new_name` in the domain's text (a variable, or a name bound inside a
    // JSONata expression) would be captured by the renamed variable.
    let taken = !variable_occurrences(source, machine, domain, new_name).is_empty()
        || states_of(machine, domain).any(|s| mentions(&source[s.node.range.as_usize()], new_name));
    if taken {
        return Err(format!(
            "${new_name} is already used where ${name} is visible"
        ));
    }
    if builtin(new_name).is_some() {
        return Err(format!(
            "${new_name} is a JSONata function; a variable of that name would hide it"
        ));
    }
    Ok(variable_occurrences(source, machine, domain, name)
        .into_iter()
        .map(|o| Edit {
            range: o.range,
            replacement: new_name.to_string(),
        })
        .collect())
}

/// The scope at the top of the domain that `scope` belongs to.
fn domain_of(machine: &StateMachine<'_, '_>, scope: ScopeId) -> ScopeId {
    visible_scopes(machine, scope)
        .last()
        .copied()
        .unwrap_or(scope)
}

/// The states whose scope belongs to `domain`.
fn states_of<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
    domain: ScopeId,
) -> impl Iterator<Item = &'m State<'a, 's>> + 'm {
    machine
        .all_states()
        .filter(move |s| domain_of(machine, s.id.scope) == domain)
}

fn assigned_in(machine: &StateMachine<'_, '_>, domain: ScopeId, name: &str) -> bool {
    states_of(machine, domain).any(|s| assignments(s).iter().any(|a| a.name == name))
}

/// Where `name` is written in an `Assign` key (`"name"`, `"name.$"`, a plain YAML key).
/// `None` when the key spells it with escapes.
fn key_name_range(source: &str, key_range: TextRange, name: &str) -> Option<TextRange> {
    let raw = source.get(key_range.as_usize())?;
    let skip = u32::from(raw.starts_with(['"', '\'']));
    let rest = &raw[skip as usize..];
    let after = rest.as_bytes().get(name.len()).copied();
    (rest.starts_with(name) && !after.is_some_and(is_ident_byte)).then(|| {
        let start = key_range.start + skip;
        TextRange::new(start, start + name.len() as u32)
    })
}

/// The name of a `$name` read, without the `$`.
fn name_range_of_read(source: &str, range: TextRange) -> Option<TextRange> {
    let raw = source.get(range.as_usize())?;
    (raw.len() > 1 && raw.starts_with('$') && raw[1..].bytes().all(is_ident_byte))
        .then(|| TextRange::new(range.start + 1, range.end))
}

/// Whether `text` holds `$name` as a whole name.
fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("${name}");
    text.match_indices(&needle).any(|(i, _)| {
        !text
            .as_bytes()
            .get(i + needle.len())
            .copied()
            .is_some_and(is_ident_byte)
    })
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}
