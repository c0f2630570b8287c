//! One state and the parts of it that the rules and the simulator share.

use crate::syntax::{Member, Node, TextRange};

use super::{QueryLanguage, ScopeKind, StateId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateType {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    pub const ALL: [StateType; 8] = [
        StateType::Task,
        StateType::Pass,
        StateType::Choice,
        StateType::Wait,
        StateType::Succeed,
        StateType::Fail,
        StateType::Parallel,
        StateType::Map,
    ];

    pub fn parse(s: &str) -> Option<StateType> {
        Some(match s {
            "Task" => StateType::Task,
            "Pass" => StateType::Pass,
            "Choice" => StateType::Choice,
            "Wait" => StateType::Wait,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Task => "Task",
            StateType::Pass => "Pass",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }

    /// Succeed and Fail end their scope; Choice moves on through its rules. All other
    /// types need exactly one of `Next` or `End`.
    pub fn needs_next_or_end(self) -> bool {
        !matches!(
            self,
            StateType::Choice | StateType::Succeed | StateType::Fail
        )
    }

    /// Task, Parallel and Map may have `Retry` and `Catch`.
    pub fn can_catch(self) -> bool {
        matches!(self, StateType::Task | StateType::Parallel | StateType::Map)
    }
}

/// What kind of edge a transition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransitionKind {
    Next,
    /// A Choice state's `Default`.
    Default,
    /// `Choices[i].Next`.
    Choice(usize),
    /// `Catch[i].Next`.
    Catch(usize),
}

impl TransitionKind {
    pub fn describe(self) -> &'static str {
        match self {
            TransitionKind::Next => "Next",
            TransitionKind::Default => "Default",
            TransitionKind::Choice(_) => "Choice rule Next",
            TransitionKind::Catch(_) => "Catch Next",
        }
    }
}

/// A transition named in the source: `target` is the state name as written, `member`
/// the `Next`/`Default` member that names it (its value range is where to point).
#[derive(Clone, Copy, Debug)]
pub struct Transition<'a, 's> {
    pub kind: TransitionKind,
    pub target: &'a str,
    pub member: &'a Member<'s>,
}

impl Transition<'_, '_> {
    pub fn range(&self) -> TextRange {
        self.member.value.range
    }
}

/// One top-level rule of a Choice state.
#[derive(Clone, Debug)]
pub struct ChoiceRule<'a, 's> {
    pub node: &'a Node<'s>,
    pub next: Option<&'a Member<'s>>,
}

/// One `Catch` entry.
#[derive(Clone, Debug)]
pub struct Catcher<'a, 's> {
    pub node: &'a Node<'s>,
    pub error_equals: Option<&'a Member<'s>>,
    pub next: Option<&'a Member<'s>>,
}

/// One `Retry` entry.
#[derive(Clone, Debug)]
pub struct Retrier<'a, 's> {
    pub node: &'a Node<'s>,
    pub error_equals: Option<&'a Member<'s>>,
}

/// State fields whose values are nested states (`Branches`, `ItemProcessor`,
/// `Iterator`) or are never evaluated (`Comment`, `Type`, `QueryLanguage`): what a walk
/// over a state's own data skips.
pub const NOT_DATA_FIELDS: &[&str] = &[
    "Comment",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "Type",
    "QueryLanguage",
];

impl Retrier<'_, '_> {
    /// The waits this retrier makes, by AWS's rules: `IntervalSeconds` (default 1)
    /// before the first retry, times `BackoffRate` (default 2.0) before each next one,
    /// capped by `MaxDelaySeconds`, for `MaxAttempts` (default 3) retries. `None` when
    /// one of them is not a number or out of range (an interval of 0, a rate below 1).
    pub fn waits(&self) -> Option<RetryWaits> {
        let number = |key: &str, default: f64| match self.node.get(key) {
            None => Some(default),
            Some(n) => n.as_f64(),
        };
        let waits = RetryWaits {
            interval: number("IntervalSeconds", 1.0)?,
            rate: number("BackoffRate", 2.0)?,
            attempts: number("MaxAttempts", 3.0)?,
            cap: self.node.get("MaxDelaySeconds").and_then(Node::as_f64),
            full_jitter: self.node.get("JitterStrategy").and_then(Node::as_str) == Some("FULL"),
        };
        (waits.interval > 0.0 && waits.rate >= 1.0 && waits.attempts >= 0.0).then_some(waits)
    }
}

/// A retrier's schedule of waits (see [`Retrier::waits`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryWaits {
    pub interval: f64,
    pub rate: f64,
    pub attempts: f64,
    pub cap: Option<f64>,
    /// `"JitterStrategy": "FULL"`: each wait is a random time up to the one computed.
    pub full_jitter: bool,
}

impl RetryWaits {
    /// The wait in seconds before retry `n` (1 for the first).
    pub fn before(&self, n: u32) -> f64 {
        let delay = self.interval
            * self
                .rate
                .powi(n.saturating_sub(1).min(i32::MAX as u32) as i32);
        self.cap.map_or(delay, |c| delay.min(c))
    }
}

/// Declares the fields that [`State::field`] finds through the state's [`FieldIndex`]:
/// [`INDEXED_FIELDS`], and [`field_slot`], a `match` on their names (which the compiler
/// turns into a few comparisons of the length and of inline loads, no `memcmp` calls).
macro_rules! indexed_fields {
    ($($name:ident,)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        enum Slot {
            $($name,)*
        }

        const INDEXED_FIELDS: &[&str] = &[$(stringify!($name),)*];

        /// The position of `key` in [`INDEXED_FIELDS`].
        #[inline]
        fn field_slot(key: &str) -> Option<usize> {
            Some(match key {
                $(stringify!($name) => Slot::$name as usize,)*
                _ => return None,
            })
        }
    };
}

// The fields the ASL gives states; any other key is looked up by a scan.
indexed_fields! {
    Type, Comment, QueryLanguage, Next, End, InputPath, OutputPath, ResultPath,
    Parameters, ResultSelector, Resource, TimeoutSeconds, TimeoutSecondsPath,
    HeartbeatSeconds, HeartbeatSecondsPath, Retry, Catch, Credentials, Arguments,
    Output, Assign, Choices, Default, Seconds, SecondsPath, Timestamp, TimestampPath,
    Error, ErrorPath, Cause, CausePath, Branches, ItemProcessor, Iterator, ItemsPath,
    Items, ItemSelector, ItemReader, ItemBatcher, ResultWriter, MaxConcurrency,
    MaxConcurrencyPath, ToleratedFailureCount, ToleratedFailureCountPath,
    ToleratedFailurePercentage, ToleratedFailurePercentagePath, Label, Result,
}

/// Where each of [`INDEXED_FIELDS`] is among a state's members (the last one, when a
/// key is repeated, as [`Node::member`] finds it), built in one pass.
///
/// Rules ask every state for a dozen fields each; scanning the members for each one
/// compares keys that live all over a large source text, and on a 10,000-state file
/// those cache misses were a good part of a lint. `None` for a state with too many
/// members to index with a byte (a scan then finds them).
#[derive(Debug)]
struct FieldIndex(Option<[u8; INDEXED_FIELDS.len()]>);

/// Not among the members.
const ABSENT: u8 = u8::MAX;

impl FieldIndex {
    fn build(members: &[Member<'_>]) -> FieldIndex {
        if members.len() >= usize::from(ABSENT) {
            return FieldIndex(None);
        }
        let mut at = [ABSENT; INDEXED_FIELDS.len()];
        for (i, m) in members.iter().enumerate() {
            if let Some(slot) = field_slot(&m.key) {
                at[slot] = i as u8;
            }
        }
        FieldIndex(Some(at))
    }

    /// The member `key` of `members` (those the index was built from).
    #[inline]
    fn find<'a, 's>(&self, members: &'a [Member<'s>], key: &str) -> Option<&'a Member<'s>> {
        match (&self.0, field_slot(key)) {
            (Some(at), Some(slot)) => (at[slot] != ABSENT).then(|| &members[usize::from(at[slot])]),
            _ => members.iter().rev().find(|m| m.key == key),
        }
    }
}

#[derive(Debug)]
pub struct State<'a, 's> {
    pub id: StateId,
    /// The state name (the key in `States`).
    pub name: &'a str,
    pub name_range: TextRange,
    /// The state's value (normally an object).
    pub node: &'a Node<'s>,
    /// The member `Name: {...}` in `States`.
    pub member: &'a Member<'s>,
    /// The state type when `Type` names a known one.
    pub kind: Option<StateType>,
    /// The query language in force for this state: its own `QueryLanguage`, else the
    /// state machine's.
    pub query_language: QueryLanguage,
    pub next: Option<&'a Member<'s>>,
    pub end: Option<&'a Member<'s>>,
    pub default: Option<&'a Member<'s>>,
    pub choices: Vec<ChoiceRule<'a, 's>>,
    pub catchers: Vec<Catcher<'a, 's>>,
    pub retriers: Vec<Retrier<'a, 's>>,
    /// Nested scopes: one per Parallel branch, or the Map processor.
    pub children: Vec<super::ScopeId>,
    fields: FieldIndex,
}

impl<'a, 's> State<'a, 's> {
    pub(super) fn build(
        id: StateId,
        member: &'a Member<'s>,
        machine_ql: QueryLanguage,
    ) -> State<'a, 's> {
        let node = &member.value;
        let members = node.as_object().unwrap_or(&[]);
        let fields = FieldIndex::build(members);
        let get = |key: &str| fields.find(members, key).map(|m| &m.value);
        let kind = get("Type")
            .and_then(Node::as_str)
            .and_then(StateType::parse);
        let query_language = get("QueryLanguage")
            .and_then(Node::as_str)
            .and_then(QueryLanguage::parse)
            .unwrap_or(machine_ql);
        let list = |key: &str| get(key).and_then(Node::as_array).unwrap_or(&[]);
        let choices = if kind == Some(StateType::Choice) {
            list("Choices")
                .iter()
                .map(|n| ChoiceRule {
                    node: n,
                    next: n.member("Next"),
                })
                .collect()
        } else {
            Vec::new()
        };
        let catchers = list("Catch")
            .iter()
            .map(|n| Catcher {
                node: n,
                error_equals: n.member("ErrorEquals"),
                next: n.member("Next"),
            })
            .collect();
        let retriers = list("Retry")
            .iter()
            .map(|n| Retrier {
                node: n,
                error_equals: n.member("ErrorEquals"),
            })
            .collect();
        State {
            id,
            name: &member.key,
            name_range: member.key_range,
            node,
            member,
            kind,
            query_language,
            next: fields.find(members, "Next"),
            end: fields.find(members, "End"),
            default: if kind == Some(StateType::Choice) {
                fields.find(members, "Default")
            } else {
                None
            },
            choices,
            catchers,
            retriers,
            children: Vec::new(),
            fields,
        }
    }

    /// The member `key` of this state (through its [`FieldIndex`]).
    #[inline]
    pub fn field(&self, key: &str) -> Option<&'a Member<'s>> {
        self.fields.find(self.members(), key)
    }

    /// All members of this state in source order (known and unknown fields).
    pub fn members(&self) -> &'a [Member<'s>] {
        self.node.as_object().unwrap_or(&[])
    }

    /// The `Type` member.
    pub fn type_member(&self) -> Option<&'a Member<'s>> {
        self.field("Type")
    }

    /// True when `End` is `true`.
    pub fn is_end(&self) -> bool {
        self.end.and_then(|m| m.value.as_bool()) == Some(true)
    }

    /// A state that ends its scope when it completes: Succeed, Fail, or `End: true`.
    pub fn is_terminal(&self) -> bool {
        matches!(self.kind, Some(StateType::Succeed | StateType::Fail)) || self.is_end()
    }

    /// Every transition written in this state whose target is a string.
    pub fn transitions(&self) -> Vec<Transition<'a, 's>> {
        let mut out = Vec::new();
        let mut push = |kind, member: Option<&'a Member<'s>>| {
            if let Some(m) = member
                && let Some(target) = m.value.as_str()
            {
                out.push(Transition {
                    kind,
                    target,
                    member: m,
                });
            }
        };
        push(TransitionKind::Next, self.next);
        for (i, rule) in self.choices.iter().enumerate() {
            push(TransitionKind::Choice(i), rule.next);
        }
        push(TransitionKind::Default, self.default);
        for (i, c) in self.catchers.iter().enumerate() {
            push(TransitionKind::Catch(i), c.next);
        }
        out
    }

    /// The nodes of nested scopes, with their kinds.
    pub(super) fn child_scope_nodes(&self) -> Vec<(&'a Node<'s>, ScopeKind)> {
        match self.kind {
            Some(StateType::Parallel) => self
                .field("Branches")
                .and_then(|m| m.value.as_array())
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(_, b)| b.as_object().is_some())
                .map(|(index, b)| {
                    (
                        b,
                        ScopeKind::Branch {
                            parent: self.id,
                            index,
                        },
                    )
                })
                .collect(),
            Some(StateType::Map) => {
                let (node, legacy) = match self.field("ItemProcessor") {
                    Some(m) => (Some(&m.value), false),
                    None => (self.field("Iterator").map(|m| &m.value), true),
                };
                node.filter(|n| n.as_object().is_some())
                    .map(|n| {
                        vec![(
                            n,
                            ScopeKind::Processor {
                                parent: self.id,
                                legacy_iterator: legacy,
                            },
                        )]
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{SourceKind, parse};

    #[test]
    fn each_indexed_field_has_its_own_slot() {
        for (i, f) in INDEXED_FIELDS.iter().enumerate() {
            assert_eq!(field_slot(f), Some(i));
        }
        assert_eq!(field_slot("Nope"), None);
    }

    /// `field` finds what a scan of the members finds: the last of repeated keys, and
    /// keys that are not indexed, also in a state too large to index.
    #[test]
    fn field_finds_what_a_scan_finds() {
        let many: String = (0..300).map(|i| format!(r#""X{i}": {i}, "#)).collect();
        for extra in ["", many.as_str()] {
            let text = format!(
                r#"{{"Type": "Pass", {extra}"Next": "A", "Custom": 1, "Next": "B", "Result": 2}}"#
            );
            let doc = parse(&text, SourceKind::Json);
            let root = doc.root.as_ref().unwrap();
            let member = Member {
                key: "S".into(),
                key_range: TextRange::new(0, 0),
                value: root.clone(),
            };
            let state = State::build(
                StateId { scope: 0, index: 0 },
                &member,
                QueryLanguage::JsonPath,
            );
            for key in ["Type", "Next", "Custom", "Result", "End", "X299", "Missing"] {
                assert_eq!(
                    state.field(key).map(|m| m.key_range),
                    member.value.member(key).map(|m| m.key_range),
                    "{key}"
                );
            }
            assert_eq!(state.next.and_then(|m| m.value.as_str()), Some("B"));
        }
    }
}
