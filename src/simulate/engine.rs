//! The interpreter: runs a compiled [`Program`] on a virtual clock, producing AWS-shaped
//! history events (or only counting them when history is off).
//!
//! Parallel branches and Map iterations run side by side on the virtual clock, as on AWS:
//! each branch starts at the Parallel's start, each Map iteration when one of its
//! MaxConcurrency slots frees (about 40 for an inline Map without one, 10,000 child
//! executions for a Distributed Map), and the state ends when the last one does. They
//! are run one after another, each on its own clock, so runs stay deterministic; their
//! events are then put in the order of time (of events at the same time, those of the
//! lower branch or item first: with no time passing, branch after branch, as AWS records
//! it) and numbered so. The first failure in time decides the state (of failures at the
//! same time, the lower branch's); a branch run after it is stopped when its clock reaches
//! it, the events after it are dropped, and the branches and iterations still running
//! then are aborted as AWS records it (`MapIterationAborted`, then `TaskStateAborted`,
//! `WaitStateAborted`, ... for the states they were in). Execution time-outs are judged on
//! this clock. Mocked calls are numbered in the order the branches are run (branch after
//! branch, item after item); a call a branch made after the failure that stops it never
//! happened, and its number is given back.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde_json::{Map, Value, json};

use super::compile::{CScope, CState, Catcher, Cond, Operand, Opt, Program, Tpl};
use super::intrinsic::{self, Resolver};
use super::jsonata;
use super::mock::{MockResponse, Mocks};
use super::path::{Path, Root};
use super::time::{format_millis, parse_rfc3339};
use super::{ChildRun, Event, SimulationOptions};
use crate::model::StateType;

/// The words of the failure of a Task the run reached without a mock: the command line
/// tells that setup mistake from a failure of the workflow.
pub(crate) const NO_MOCK: &str = "has no mock.";
/// In the cause of the failure a mock without a response for an invocation ends a run with.
pub(crate) const NO_RESPONSE: &str = "has no response for invocation";

/// Why the mock of `state` has no response for invocation `k`: it names the responses
/// it has and where they were given (a MockedResponses entry, `--mock` or
/// `--mock-default`), as Step Functions Local fails the execution there.
fn no_response(state: &str, mock: &super::mock::StateMock, defaulted: bool, k: u64) -> String {
    let from = match (mock.entry(), defaulted) {
        (_, true) => "--mock-default".to_string(),
        (Some(entry), false) => format!("MockedResponses entry \"{entry}\""),
        (None, false) => "--mock".to_string(),
    };
    format!(
        "The mock of '{state}' {NO_RESPONSE} {k} (counted from 0 over the execution): its {from} has responses for the invocations {} only, and Step Functions Local fails an execution whose mocked state is called without a response defined for that call. Add one for \"{k}\" (or a range such as \"{k}-{}\").",
        mock.keys(),
        k + 2
    )
}

/// 256 KiB: the payload limit of Step Functions.
pub(crate) const PAYLOAD_LIMIT: usize = 256 * 1024;

/// 10 MiB: what all the variables of an execution may hold together.
const VARIABLES_LIMIT: usize = 10 * 1024 * 1024;

#[cfg(test)]
mod size_tests {
    use super::json_size;
    use serde_json::json;

    #[test]
    fn sizes_match_serialization() {
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!({"k": [deep, "a\"b"]});
        }
        for v in [
            json!({"a": [1, -20, true, null, "x\\y"], "b": {"c": 1.5}}),
            json!([]),
            json!("é"),
            deep,
        ] {
            assert_eq!(
                json_size(&v, usize::MAX),
                serde_json::to_string(&v).unwrap().len(),
                "{v}"
            );
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailKind {
    /// Catchable and retriable.
    Normal,
    /// `States.Runtime`, `States.DataLimitExceeded`, the history limit: never caught.
    Fatal,
    /// The execution's TimeoutSeconds (or the express 5-minute limit) elapsed.
    TimedOut,
    /// A Parallel branch or Map iteration reached the moment another one failed (its
    /// [`Runner::stop_at`]): it is stopped there, neither retried nor caught.
    Stopped,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Failure {
    pub error: Option<String>,
    pub cause: Option<String>,
    pub kind: FailKind,
    /// An `EvaluationFailed` event was already recorded for it.
    pub reported: bool,
}

impl Failure {
    /// A failure a mock throws (an error name may be absent): uncatchable when it is
    /// `States.Runtime`, as everywhere.
    fn thrown(error: Option<String>, cause: Option<String>) -> Failure {
        let kind = match error.as_deref() {
            Some("States.Runtime") => FailKind::Fatal,
            _ => FailKind::Normal,
        };
        Failure {
            error,
            cause,
            kind,
            reported: false,
        }
    }

    fn new(error: &str, cause: String) -> Failure {
        let kind = if error == "States.Runtime" {
            FailKind::Fatal
        } else {
            FailKind::Normal
        };
        Failure {
            error: Some(error.to_string()),
            cause: Some(cause),
            kind,
            reported: false,
        }
    }

    fn stopped() -> Failure {
        Failure {
            error: None,
            cause: None,
            kind: FailKind::Stopped,
            reported: false,
        }
    }

    fn error_output(&self) -> Value {
        json!({
            "Error": self.error.as_deref().map_or(Value::Null, |e| Value::String(e.to_string())),
            "Cause": self.cause.as_deref().map_or(Value::Null, |c| Value::String(c.to_string())),
        })
    }
}

/// Does `ErrorEquals` match this failure?
fn matches(errors: &[String], f: &Failure) -> bool {
    if f.kind != FailKind::Normal {
        return false;
    }
    let name = f.error.as_deref().unwrap_or("");
    // AWS-recorded: a task's States.DataLimitExceeded is caught by States.ALL too.
    // `States.TaskFailed` "matches any known error name except for States.Timeout"
    // (the developer guide and the spec), `States.Permissions` included. A missed
    // heartbeat is a time-out: `States.Timeout` covers it (the developer guide's error
    // names; Step Functions added `States.HeartbeatTimeout` as a narrower name for it,
    // aws-cdk#16084), and so `States.TaskFailed` does not.
    let timed_out = matches!(name, "States.Timeout" | "States.HeartbeatTimeout");
    errors.iter().any(|e| {
        e == name
            || e == "States.ALL"
            || (e == "States.Timeout" && timed_out)
            || (e == "States.TaskFailed" && !timed_out)
    })
}

/// Workflow variables: one frame per scope run (top level, branch, iteration).
#[derive(Default)]
pub(crate) struct Vars {
    frames: Vec<Map<String, Value>>,
}

impl Vars {
    fn new() -> Vars {
        Vars {
            frames: vec![Map::new()],
        }
    }
    fn get(&self, name: &str) -> Option<&Value> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }
    fn set_all(&mut self, values: Map<String, Value>) {
        let top = self.frames.last_mut().expect("a variable frame");
        for (k, v) in values {
            top.insert(k, v);
        }
    }
}

/// What the context object needs to know about the running state.
struct Frame<'p> {
    st: &'p CState,
    entered_id: u64,
    entered_ms: i64,
    retry: u64,
    /// Map.Item while evaluating an ItemSelector: (index, value, and the key when the
    /// Map iterates over an object's members).
    item: Option<(usize, Value, Option<String>)>,
}

/// A state's output, the transition it chose (if not its `Next`), its assigned variables.
type StateResult = Result<(Value, Option<usize>, Option<Map<String, Value>>), Failure>;

enum Flow {
    Next(usize, Value),
    End(Value),
}

/// What a branch or iteration stopped by the failure of another records for a state (or
/// an iteration of a Map inside it) that it was running then.
#[derive(Clone, Debug)]
enum SpanAbort {
    /// `TaskStateAborted`, `WaitStateAborted`, ...
    State(&'static str),
    /// `MapIterationAborted` of the Map state named so, for the iteration of that index.
    Iteration(String, usize),
}

/// A stretch of virtual time a Task/Wait/Map/Parallel state, or a Map iteration, ran
/// inside a Parallel or Map state ([`Runner::spans`]). Only stretches in which time
/// passed are kept: no branch can be stopped inside the others.
struct Span {
    /// The order the stretches began in: an enclosing one before those inside it.
    seq: u64,
    /// [`Runner::suppress`] when it began: the history it belongs to.
    suppress: u32,
    start_ms: i64,
    /// `None`: stopped before it ended.
    end_ms: Option<i64>,
    abort: SpanAbort,
}

/// How a branch or an iteration run on its own clock ended.
#[derive(Clone, Copy, Debug, PartialEq)]
enum LaneEnd {
    Done(i64),
    Failed(i64),
    Stopped,
}

/// A Parallel branch or a Map iteration, run to its end on its own clock: where its
/// events and stretches are, when it started and how it ended.
struct Lane {
    index: usize,
    events: std::ops::Range<usize>,
    spans: std::ops::Range<usize>,
    calls: std::ops::Range<usize>,
    start_ms: i64,
    end: LaneEnd,
}

/// Where the history stood when a Parallel or Map started its lanes.
struct LaneMark {
    events: usize,
    id: u64,
}

/// The branch or iteration `index` whose failure at `tf` decided the Parallel or Map:
/// does an event of lane `lane` at `t` come before that failure? Lanes run side by side,
/// and of events at the same time those of the lower lane come first.
fn before_cut<T: Ord>(lane: usize, t: T, (tf, index): (T, usize)) -> bool {
    match lane.cmp(&index) {
        std::cmp::Ordering::Less => t <= tf,
        std::cmp::Ordering::Equal => true,
        std::cmp::Ordering::Greater => t < tf,
    }
}

/// Event number `id` of a history, at `now_ms` on the virtual clock.
fn event(id: u64, order: u64, now_ms: i64, (kind, details): (String, Value)) -> Event {
    Event {
        id,
        previous_event_id: id - 1,
        timestamp: format_millis(now_ms),
        kind,
        details,
        order,
    }
}

/// At most this many events of Distributed Map child executions are kept for the trace
/// (a million-item map would otherwise hold them all), taking at most half of
/// [`SimulationOptions::max_history_bytes`] ([`Runner::children_full`]).
const CHILD_EVENTS: usize = 200_000;

/// State transitions without time passing after which an execution with no history
/// limit ends ([`Runner::check_time_passes`]). A Standard execution reaches its 25,000
/// events in about 10,000 transitions.
const STILL_TRANSITIONS: u64 = 100_000;

/// `bytes` in MiB for a message (`512 MiB`; `1.5 MiB`).
fn mebibytes(bytes: usize) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    format!("{} MiB", (mib * 100.0).round() / 100.0)
}

/// The memory an event takes besides the text of its details: the event itself, its
/// time and type, the maps that hold its details (and, with `--format json`, its
/// share of the output), as measured on runs of small states.
const EVENT_BYTES: usize = 1024;

/// The memory an event of type `kind` with these details takes, as
/// [`SimulationOptions::max_history_bytes`] counts it.
fn event_bytes(kind: &str, details: &Value) -> usize {
    fn text(v: &Value) -> usize {
        match v {
            Value::String(s) => s.len(),
            Value::Array(items) => items.iter().map(text).sum(),
            Value::Object(m) => m.iter().map(|(k, v)| k.len() + text(v)).sum(),
            _ => 0,
        }
    }
    EVENT_BYTES + kind.len() + text(details)
}

/// The longest a Standard execution runs, in seconds.
const STANDARD_MAX_SECONDS: i64 = crate::model::STANDARD_MAX_SECONDS as i64;

pub(crate) struct Runner<'p> {
    prog: &'p Program,
    opts: &'p SimulationOptions,
    mocks: &'p Mocks,
    pub events: Vec<Event>,
    last_id: u64,
    max_events: u64,
    /// What the events kept so far take, by [`event_bytes`] (up to
    /// [`SimulationOptions::max_history_bytes`]).
    history_bytes: usize,
    suppress: u32,
    /// The child executions of Distributed Map states in the top-level history, being
    /// run (innermost last; a Distributed Map inside a child records into its child),
    /// and those done. Their events are not the execution's (AWS keeps them in the
    /// child executions' own histories) but tell a dry run what each item did.
    child_stack: Vec<ChildRun>,
    /// The last event id of each child execution being run (a Distributed Map's
    /// item at the top level; one inside it records in the same history).
    child_ids: Vec<u64>,
    pub children: Vec<ChildRun>,
    /// Events kept for children so far, up to [`CHILD_EVENTS`], and what they take by
    /// [`event_bytes`].
    child_events: (usize, usize),
    /// [`super::Execution::children_omitted`].
    pub children_omitted: Vec<super::OmittedChildren>,
    /// A Task state of a Parallel branch or Map iteration failed and nothing caught
    /// it: the Parallel or Map records `TaskStateAborted` for it (AWS never exits
    /// such a state).
    task_aborted: bool,
    now_ms: i64,
    /// The branch or iteration being run is stopped when its clock reaches this time:
    /// another failed then ([`FailKind::Stopped`]).
    stop_at: Option<i64>,
    /// How many Parallel and Map states are running their branches or iterations.
    lanes_depth: u32,
    /// The stretches of time states ran in, while [`Runner::lanes_depth`] > 0.
    spans: Vec<Span>,
    span_seq: u64,
    /// Events recorded so far ([`Event::order`]).
    recorded: u64,
    deadline_ms: i64,
    /// Which limit [`Runner::deadline_ms`] is.
    pub deadline: super::Deadline,
    counters: HashMap<String, u64>,
    /// The mocked calls made while [`Runner::lanes_depth`] > 0: the state, when, and
    /// whether its number was given back (the call came after the failure that stopped
    /// its branch, so on AWS it never happened).
    calls: Vec<(String, i64, bool)>,
    pub transitions: u64,
    /// The virtual time of the last transition that found the clock moved, and the
    /// transitions since ([`Runner::check_time_passes`]).
    still: (i64, u64),
    /// The latest virtual time a transition was made at, and the transitions made
    /// since it was first reached, in any branch or iteration
    /// ([`Runner::check_time_passes`]).
    latest: (i64, u64),
    /// Scope runs going round without the clock moving: since it last moved, each
    /// has made more transitions than its scope has states, so it entered one of
    /// them again.
    looping: u32,
    rng: Cell<u64>,
    exec_input: Value,
    exec_name: String,
    exec_arn: String,
    sm_name: String,
    sm_arn: String,
    role_arn: String,
    start_ms: i64,
    dead: Option<Failure>,
    /// The run ended at a mistake of its mocks ([`Runner::setup_failure`]).
    pub mock_problem: bool,
    /// The states that `--mock-default` answered for, in the order of their first call.
    pub defaulted: Vec<String>,
    /// Why the simulator itself ended the run, where AWS would not have
    /// ([`super::Execution::stopped_by`]).
    pub stopped_by: Option<super::StopReason>,
    jsonata: jsonata::Evaluator,
    /// The Choice state being run took rule N (`Some(Some(N))`) or its Default.
    choice_taken: Cell<Option<Option<usize>>>,
    /// Which rule each Choice state took, by the id of its `ChoiceStateExited` event
    /// (with history only): what the trace shows, and AWS's history does not.
    pub choices: Vec<(u64, Option<usize>)>,
    /// [`super::Execution::fail_states`].
    pub fail_states: Vec<(u64, Option<String>, Option<String>)>,
    /// [`super::Execution::quiet_retries`].
    pub quiet_retries: Vec<super::QuietRetry>,
}

/// Result of a whole run.
pub(crate) struct RunEnd {
    pub output: Result<Value, Failure>,
}

/// The field a JSONata failure's cause names: `Output/result` of "... specified for the
/// field 'Output/result' returned nothing (undefined)".
fn failed_field(cause: &str) -> Option<&str> {
    let rest = cause.split_once("specified for the field '")?.1;
    Some(rest.split_once('\'')?.0)
}

/// The details of an `ExecutionFailed` event: the error and cause, when there are.
fn failed_details(f: &Failure) -> Value {
    let mut d = Map::new();
    if let Some(e) = &f.error {
        d.insert("error".into(), Value::String(e.clone()));
    }
    let timeout = f.error.as_deref() == Some("States.Timeout");
    if let Some(c) = f.cause.as_ref().filter(|c| !(timeout && c.is_empty())) {
        d.insert("cause".into(), Value::String(c.clone()));
    }
    Value::Object(d)
}

fn to_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn str_size(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .filter(|b| *b == b'"' || *b == b'\\' || *b < 0x20)
            .count()
}

fn scalar_size(v: &Value) -> usize {
    match v {
        Value::Null => 4,
        Value::Bool(b) => 4 + usize::from(!*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => 1,
            Some(i) => (i.unsigned_abs().ilog10() + 1) as usize + usize::from(i < 0),
            None => n.to_string().len(),
        },
        Value::String(s) => str_size(s),
        Value::Array(a) => 2 + a.len().saturating_sub(1),
        Value::Object(m) => {
            2 + m.len().saturating_sub(1) + m.keys().map(|k| str_size(k) + 1).sum::<usize>()
        }
    }
}

/// Serialized size of `v` in bytes, stopping early once over `limit`. Shallow values
/// are measured without allocating; deep ones fall back to an explicit stack.
pub(crate) fn json_size(v: &Value, limit: usize) -> usize {
    fn rec(v: &Value, limit: usize, total: &mut usize, depth: usize) {
        *total += scalar_size(v);
        if *total > limit {
            return;
        }
        let visit = |c: &Value, total: &mut usize| {
            if depth > 32 {
                *total += deep_size(c, limit);
            } else {
                rec(c, limit, total, depth + 1);
            }
            *total > limit
        };
        match v {
            Value::Array(a) => {
                for c in a {
                    if visit(c, total) {
                        return;
                    }
                }
            }
            Value::Object(m) => {
                for c in m.values() {
                    if visit(c, total) {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let mut total = 0;
    match v {
        Value::Object(m) => {
            total += scalar_size(v);
            for c in m.values() {
                if c.is_array() || c.is_object() {
                    rec(c, limit, &mut total, 1);
                } else {
                    total += scalar_size(c);
                }
                if total > limit {
                    break;
                }
            }
        }
        _ => rec(v, limit, &mut total, 0),
    }
    total
}

/// Groups selected Map items into batch inputs `{"BatchInput", "Items"}`: a batch closes
/// when one more item would exceed `max_items`, or make the batch input's serialized
/// size exceed `max_bytes`. A batch holds at least one item.
fn batches(
    items: Vec<Value>,
    batch_input: Option<Value>,
    max_items: Option<usize>,
    max_bytes: Option<usize>,
) -> Vec<Value> {
    let max_items = max_items.unwrap_or(usize::MAX);
    let max_bytes = max_bytes.unwrap_or(usize::MAX);
    // `{"BatchInput":...,"Items":[]}` without the items: what every batch pays for.
    let frame = 2
        + str_size("Items")
        + 1
        + 2
        + batch_input.as_ref().map_or(0, |v| {
            str_size("BatchInput") + 1 + json_size(v, usize::MAX) + 1
        });
    let wrap = |items: Vec<Value>| {
        let mut m = Map::new();
        if let Some(v) = &batch_input {
            m.insert("BatchInput".into(), v.clone());
        }
        m.insert("Items".into(), Value::Array(items));
        Value::Object(m)
    };
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut size = frame;
    for item in items {
        let item_size = json_size(&item, max_bytes);
        if !current.is_empty() && (current.len() >= max_items || size + 1 + item_size > max_bytes) {
            out.push(wrap(std::mem::take(&mut current)));
            size = frame;
        }
        // After the first item, a comma.
        size += item_size + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        out.push(wrap(current));
    }
    out
}

fn deep_size(v: &Value, limit: usize) -> usize {
    let mut total = 0usize;
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        total += scalar_size(x);
        match x {
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
        if total > limit {
            return total;
        }
    }
    total
}

struct Env<'e, 'p> {
    r: &'e Runner<'p>,
    fr: &'e Frame<'p>,
    /// `$` for JSONPath; `$states.input` for JSONata.
    input: &'e Value,
    vars: &'e Vars,
    ctx: OnceCell<Value>,
    result: Option<&'e Value>,
    error_output: Option<&'e Value>,
}

impl<'e, 'p> Env<'e, 'p> {
    fn new(r: &'e Runner<'p>, fr: &'e Frame<'p>, input: &'e Value, vars: &'e Vars) -> Self {
        Env {
            r,
            fr,
            input,
            vars,
            ctx: OnceCell::new(),
            result: None,
            error_output: None,
        }
    }

    fn context(&self) -> &Value {
        self.ctx.get_or_init(|| self.r.context(self.fr))
    }

    /// The value a path points at: borrowed for definite paths.
    fn lookup(&self, path: &Path) -> Result<Cow<'_, Value>, String> {
        let root: &Value = match &path.root {
            // AWS applies no path to a null input, not even `$`
            // (awslabs/states-language#29, confirmed by AWS support as intended).
            Root::Input if self.input.is_null() => return Err(NULL_INPUT.to_string()),
            Root::Input => self.input,
            Root::Context => self.context(),
            Root::Var(name) => match self.vars.get(name) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "The variable '{name}' is not defined (referenced by '{}')",
                        path.src
                    ));
                }
            },
        };
        // Jayway's wording: a missing leaf has no results, a missing intermediate
        // property is reported as such.
        let explain = |m: super::path::Missing| {
            if m.intermediate {
                format!(
                    "Invalid path '{}' : Missing property in path {}",
                    path.src, m.at
                )
            } else {
                format!(
                    "Invalid path '{}' : No results for path: {}",
                    path.src, m.at
                )
            }
        };
        if path.definite {
            path.get(root).map(Cow::Borrowed).map_err(explain)
        } else {
            path.select(root).map(Cow::Owned).map_err(explain)
        }
    }

    /// `$states` with the fields an expression reads.
    fn states_value(&self, needs: jsonata::StatesNeeds) -> Value {
        let mut m = Map::new();
        if needs.input {
            m.insert("input".into(), self.input.clone());
        }
        if needs.context {
            m.insert("context".into(), self.context().clone());
        }
        if needs.result
            && let Some(r) = self.result
        {
            m.insert("result".into(), r.clone());
        }
        if needs.error_output
            && let Some(e) = self.error_output
        {
            m.insert("errorOutput".into(), e.clone());
        }
        Value::Object(m)
    }
}

/// The cause AWS gives when a path is applied to a null state input.
const NULL_INPUT: &str = "Unable to apply Path transformation to null or empty input.";

impl Resolver for Env<'_, '_> {
    /// A path argument of an intrinsic function.
    fn resolve(&self, path: &Path) -> Result<Value, String> {
        self.lookup(path).map(Cow::into_owned).map_err(|e| {
            let input = match path.root {
                Root::Input if e != NULL_INPUT => self.input,
                Root::Context => self.context(),
                _ => return e,
            };
            format!(
                "The JsonPath argument for the field '{}' could not be found in the input '{}'",
                path.src,
                to_text(input)
            )
        })
    }
    fn next_random(&self) -> u64 {
        self.r.next_random()
    }
}

impl<'p> Runner<'p> {
    pub(crate) fn new(
        prog: &'p Program,
        opts: &'p SimulationOptions,
        mocks: &'p Mocks,
        input: Value,
    ) -> Self {
        let start_ms = opts.start_time_ms.unwrap_or_else(super::time::now_millis);
        let exec_name = opts
            .execution_name
            .clone()
            .unwrap_or_else(|| uuid_from(intrinsic::splitmix(opts.seed ^ 0x5eed)));
        let sm_name = opts.state_machine_name.clone();
        let part = "aws";
        let sm_arn = format!(
            "arn:{part}:states:{}:{}:stateMachine:{sm_name}",
            opts.region, opts.account
        );
        let exec_arn = match opts.machine_type {
            super::MachineType::Standard => format!(
                "arn:{part}:states:{}:{}:execution:{sm_name}:{exec_name}",
                opts.region, opts.account
            ),
            super::MachineType::Express => format!(
                "arn:{part}:states:{}:{}:express:{sm_name}:{exec_name}:{}",
                opts.region,
                opts.account,
                uuid_from(intrinsic::splitmix(opts.seed ^ 0xe4))
            ),
        };
        let role_arn = format!(
            "arn:{part}:iam::{}:role/StepFunctionsSimulatorRole",
            opts.account
        );
        let max_events = opts.max_events.unwrap_or(match opts.machine_type {
            super::MachineType::Standard => 25_000,
            super::MachineType::Express => 0,
        });
        // AWS ends a Standard execution after one year, an Express one after five
        // minutes, whatever its TimeoutSeconds says.
        let limit = start_ms
            + match opts.machine_type {
                super::MachineType::Standard => STANDARD_MAX_SECONDS * 1000,
                super::MachineType::Express => 300_000,
            };
        let timeout_ms = prog
            .timeout_seconds
            .map(|s| start_ms + (s * 1000.0) as i64)
            .filter(|&t| t <= limit);
        let deadline_ms = timeout_ms.unwrap_or(limit);
        let deadline = match (timeout_ms, opts.machine_type) {
            (Some(_), _) => super::Deadline::TimeoutSeconds,
            (None, super::MachineType::Standard) => super::Deadline::StandardYear,
            (None, super::MachineType::Express) => super::Deadline::ExpressFiveMinutes,
        };
        Runner {
            prog,
            opts,
            mocks,
            events: Vec::new(),
            last_id: 0,
            max_events,
            history_bytes: 0,
            suppress: 0,
            child_stack: Vec::new(),
            child_ids: Vec::new(),
            children: Vec::new(),
            child_events: (0, 0),
            children_omitted: Vec::new(),
            task_aborted: false,
            now_ms: start_ms,
            stop_at: None,
            lanes_depth: 0,
            spans: Vec::new(),
            span_seq: 0,
            recorded: 0,
            deadline_ms,
            deadline,
            counters: HashMap::new(),
            calls: Vec::new(),
            transitions: 0,
            still: (start_ms, 0),
            latest: (start_ms, 0),
            looping: 0,
            rng: Cell::new(intrinsic::splitmix(opts.seed)),
            exec_input: input,
            exec_name,
            exec_arn,
            sm_name,
            sm_arn,
            role_arn,
            start_ms,
            dead: None,
            mock_problem: false,
            defaulted: Vec::new(),
            stopped_by: None,
            jsonata: jsonata::Evaluator::new(start_ms, intrinsic::splitmix(opts.seed ^ 0x15a7a)),
            choice_taken: Cell::new(None),
            choices: Vec::new(),
            fail_states: Vec::new(),
            quiet_retries: Vec::new(),
        }
    }

    fn next_random(&self) -> u64 {
        let v = intrinsic::splitmix(self.rng.get());
        self.rng.set(v);
        v
    }

    /// Records (or only counts) one event. Fails once the history limit is reached, or
    /// once the history kept would take more than
    /// [`SimulationOptions::max_history_bytes`].
    fn emit(&mut self, details: impl FnOnce() -> (String, Value)) -> Result<u64, Failure> {
        if let Some(d) = &self.dead {
            return Err(d.clone());
        }
        if self.suppress > 0 {
            return Ok(self.child_event(details));
        }
        let id = self.last_id + 1;
        if self.max_events > 0 && id >= self.max_events {
            // AWS's own limit is 25,000 events for a Standard execution, none for an
            // Express one: another is `--max-events`'.
            let aws =
                self.opts.machine_type == super::MachineType::Standard && self.max_events == 25_000;
            if !aws {
                self.stopped_by = Some(super::StopReason::EventLimit);
            }
            return Err(self.end_run(
                "States.Runtime",
                FailKind::Fatal,
                format!(
                    "The execution reached the maximum number of history events ({}).",
                    self.max_events
                ),
            ));
        }
        if !self.opts.history {
            self.last_id = id;
            return Ok(id);
        }
        let (kind, details) = details();
        let bytes = event_bytes(&kind, &details);
        let most = self.opts.max_history_bytes;
        if self.history_bytes + bytes > most {
            self.stopped_by = Some(super::StopReason::MemoryLimit);
            return Err(self.end_run(
                "States.Runtime",
                FailKind::Fatal,
                format!(
                    "asl-lint ended the execution at history event {id}: the history it keeps in memory would take more than {} (--no-history keeps none and lets the run go on)",
                    mebibytes(most)
                ),
            ));
        }
        self.history_bytes += bytes;
        self.push_event(id, || (kind, details));
        Ok(id)
    }

    /// Ends the run, in a Distributed Map's child execution too: every state the run is
    /// in fails with this.
    fn end_run(&mut self, error: &str, kind: FailKind, cause: String) -> Failure {
        let f = Failure {
            error: Some(error.into()),
            cause: Some(cause),
            kind,
            reported: false,
        };
        self.dead = Some(f.clone());
        f
    }

    /// Records an event of a Distributed Map's child execution in its own history;
    /// returns its id there (counted even when the history is not kept, for the
    /// event ids that error causes cite).
    fn child_event(&mut self, details: impl FnOnce() -> (String, Value)) -> u64 {
        let Some(n) = self.child_ids.last_mut() else {
            return self.last_id;
        };
        *n += 1;
        let id = *n;
        if !self.opts.history || self.children_full() {
            return id;
        }
        if let Some(child) = self.child_stack.last_mut() {
            let (kind, details) = details();
            self.child_events.0 += 1;
            self.child_events.1 += event_bytes(&kind, &details);
            self.recorded += 1;
            child
                .events
                .push(event(id, self.recorded, self.now_ms, (kind, details)));
        }
        id
    }

    /// Whether the events of child executions kept number [`CHILD_EVENTS`], or take half
    /// the memory the execution's history may: the rest of a child being recorded then,
    /// and the children after it, keep none.
    fn children_full(&self) -> bool {
        self.child_events.0 >= CHILD_EVENTS
            || self.child_events.1 >= self.opts.max_history_bytes / 2
    }

    fn push_event(&mut self, id: u64, details: impl FnOnce() -> (String, Value)) {
        self.last_id = id;
        if self.opts.history {
            self.recorded += 1;
            self.events
                .push(event(id, self.recorded, self.now_ms, details()));
        }
    }

    fn context(&self, fr: &Frame<'_>) -> Value {
        let express = self.opts.machine_type == super::MachineType::Express;
        let mut exec = Map::new();
        exec.insert("Id".into(), Value::String(self.exec_arn.clone()));
        exec.insert("Input".into(), self.exec_input.clone());
        exec.insert(
            "StartTime".into(),
            Value::String(format_millis(self.start_ms)),
        );
        exec.insert("Name".into(), Value::String(self.exec_name.clone()));
        exec.insert("RoleArn".into(), Value::String(self.role_arn.clone()));
        if !express {
            exec.insert("RedriveCount".into(), json!(0));
        }
        let mut ctx = Map::new();
        ctx.insert("Execution".into(), Value::Object(exec));
        ctx.insert(
            "StateMachine".into(),
            json!({"Id": self.sm_arn, "Name": self.sm_name}),
        );
        ctx.insert(
            "State".into(),
            // AWS-recorded: RetryCount only for states that can retry, never in express.
            if express || !fr.st.ty.can_catch() {
                json!({"EnteredTime": format_millis(fr.entered_ms), "Name": fr.st.name})
            } else {
                json!({"EnteredTime": format_millis(fr.entered_ms), "Name": fr.st.name, "RetryCount": fr.retry})
            },
        );
        if fr.st.ty == StateType::Task
            && fr
                .st
                .def
                .get("Resource")
                .and_then(Value::as_str)
                .is_some_and(|r| r.ends_with(".waitForTaskToken") || r.contains(".sync"))
        {
            // AWS gives each attempt a token of its own: a callback that answers a
            // failed attempt's token must not complete the retry.
            let token = match fr.retry {
                0 => format!("simulated-task-token-{}-{}", fr.st.name, fr.entered_id),
                n => format!(
                    "simulated-task-token-{}-{}-retry{n}",
                    fr.st.name, fr.entered_id
                ),
            };
            ctx.insert("Task".into(), json!({ "Token": token }));
        }
        if let Some((i, v, key)) = &fr.item {
            let item = match key {
                Some(k) => json!({"Index": i, "Key": k, "Value": v}),
                None => json!({"Index": i, "Value": v}),
            };
            ctx.insert("Map".into(), json!({ "Item": item }));
        }
        let has_task = ctx.contains_key("Task");
        let mut ctx = Value::Object(ctx);
        if let Some(over) = &self.opts.context {
            // A task token exists only in a Task that waits for one.
            match over.as_object() {
                Some(o) if !has_task && o.contains_key("Task") => {
                    let mut o = o.clone();
                    o.remove("Task");
                    merge_into(&mut ctx, &Value::Object(o));
                }
                _ => merge_into(&mut ctx, over),
            }
        }
        ctx
    }

    fn prefix(&self, fr: &Frame<'_>) -> String {
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). ",
            fr.st.name, fr.entered_id
        )
    }

    fn runtime(&self, fr: &Frame<'_>, msg: impl std::fmt::Display) -> Failure {
        Failure::new("States.Runtime", format!("{}{msg}", self.prefix(fr)))
    }

    fn query_error(&self, fr: &Frame<'_>, msg: impl std::fmt::Display) -> Failure {
        Failure::new(
            "States.QueryEvaluationError",
            format!("{}{msg}", self.prefix(fr)),
        )
    }

    fn check_size(&self, fr: &Frame<'_>, v: &Value) -> Result<(), Failure> {
        if json_size(v, PAYLOAD_LIMIT) > PAYLOAD_LIMIT {
            return Err(self.too_large(fr));
        }
        Ok(())
    }

    fn too_large(&self, fr: &Frame<'_>) -> Failure {
        Failure::new(
            "States.DataLimitExceeded",
            format!(
                "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                fr.st.name
            ),
        )
    }

    /// The limits of the developer guide on variables: each value and all the values
    /// of one `Assign` at most 256 KiB, all stored variables at most 10 MiB.
    fn check_assigned(
        &self,
        fr: &Frame<'_>,
        assigned: &Map<String, Value>,
        vars: &Vars,
    ) -> Result<(), Failure> {
        let mut together = 0;
        for v in assigned.values() {
            let size = json_size(v, PAYLOAD_LIMIT);
            if size > PAYLOAD_LIMIT {
                return Err(self.too_large(fr));
            }
            together += size;
        }
        let limit = |what: String| {
            Err(Failure::new(
                "States.DataLimitExceeded",
                format!("{}{what}", self.prefix(fr)),
            ))
        };
        if together > PAYLOAD_LIMIT {
            return limit(format!(
                "The variables assigned together take {together} bytes, more than the {PAYLOAD_LIMIT} bytes one Assign may set."
            ));
        }
        // Each stored value is at most 256 KiB: only more than 40 of them can pass 10 MiB.
        let count: usize = assigned.len() + vars.frames.iter().map(Map::len).sum::<usize>();
        if count * PAYLOAD_LIMIT <= VARIABLES_LIMIT {
            return Ok(());
        }
        let mut stored = together;
        for frame in &vars.frames {
            for (k, v) in frame {
                if !assigned.contains_key(k) {
                    stored += json_size(v, VARIABLES_LIMIT);
                }
            }
            if stored > VARIABLES_LIMIT {
                return limit(format!(
                    "The variables of the execution would take more than the {VARIABLES_LIMIT} bytes an execution may store."
                ));
            }
        }
        Ok(())
    }

    /// Called at every state transition: ends a run in which time stands still too long.
    /// In a run with no history limit, a loop ends after [`STILL_TRANSITIONS`]
    /// ([`Runner::loop_without_time`]). Any run ends after
    /// [`SimulationOptions::max_still_transitions`] made while its latest time stood
    /// still: in a loop without an exit when no history is kept, and in Map states nested
    /// so that their iterations multiply (2^40 of them), which no loop guard sees and no
    /// history limit stops (it does not count the events of child executions). That count
    /// goes on while a branch or iteration runs at an earlier time than another reached:
    /// nested iterations that each wait a second all run in the same second.
    fn check_time_passes(&mut self) -> Result<(), Failure> {
        if self.still.0 != self.now_ms {
            self.still = (self.now_ms, 0);
        }
        self.still.1 += 1;
        if self.now_ms > self.latest.0 {
            self.latest = (self.now_ms, 0);
        }
        self.latest.1 += 1;
        if self.max_events == 0 && self.still.1 > STILL_TRANSITIONS {
            self.loop_without_time()?;
        }
        let most = self.opts.max_still_transitions;
        if self.latest.1 > most {
            let cause = format!(
                "asl-lint ended the execution after {} state transitions in which no time passed: it runs at most {most} such transitions (a loop without an exit, or nested Map and Parallel states whose iterations multiply)",
                self.latest.1
            );
            self.stopped_by = Some(super::StopReason::TransitionLimit);
            return Err(self.end_run("States.Runtime", FailKind::Fatal, cause));
        }
        Ok(())
    }

    /// Ends an execution that has no history limit (an Express workflow, or
    /// `--max-events 0`) and made [`STILL_TRANSITIONS`] transitions without its virtual
    /// clock moving. In a loop with no Wait and no exit, with a deadline (Express's
    /// five minutes, TimeoutSeconds) it times out, as AWS would end it; without one,
    /// only a history kept in memory stops it, before it fills the memory. Without a
    /// loop (the iterations of a Map over a million items) the run would end, but its
    /// history kept in memory could fill the memory first.
    fn loop_without_time(&mut self) -> Result<(), Failure> {
        let looping = self.looping > 0;
        // A deadline that the run would reach (Express's five minutes, TimeoutSeconds) ends
        // a loop. Standard's year is no such deadline: a loop that counts to a million
        // without waiting ends long before it on AWS, and may here.
        let near_deadline = self.opts.machine_type == super::MachineType::Express
            || self.prog.timeout_seconds.is_some();
        let (error, kind, why) = if looping && near_deadline {
            (
                "States.Timeout",
                FailKind::TimedOut,
                "a loop without an exit runs until the execution times out",
            )
        } else if self.opts.history {
            (
                "States.Runtime",
                FailKind::Fatal,
                if looping {
                    "with no history limit, the history of a loop without an exit would fill the memory (--no-history lets it run on)"
                } else {
                    "with no history limit, the history of so many states would fill the memory (--no-history lets it run to its end)"
                },
            )
        } else {
            return Ok(());
        };
        // Not a failure of a child execution: the run ends.
        let cause = format!(
            "asl-lint ended the execution after {} state transitions in which no time passed: {why}",
            self.still.1
        );
        self.stopped_by = Some(super::StopReason::Loop);
        Err(self.end_run(error, kind, cause))
    }

    /// Advances the virtual clock, failing with a time-out past the execution deadline.
    fn sleep_ms(&mut self, ms: i64) -> Result<(), Failure> {
        let until = self.now_ms.saturating_add(ms.max(0));
        // Another branch or iteration failed at `stop` (no later than the deadline):
        // this one is stopped there.
        if let Some(stop) = self.stop_at
            && until >= stop
            && stop <= self.deadline_ms
        {
            self.now_ms = stop;
            return Err(Failure::stopped());
        }
        if until > self.deadline_ms {
            self.now_ms = self.deadline_ms;
            return Err(Failure {
                error: Some("States.Timeout".into()),
                cause: None,
                kind: FailKind::TimedOut,
                reported: false,
            });
        }
        self.now_ms = until;
        Ok(())
    }

    // ----- templates -----

    fn eval_tpl(&self, tpl: &Tpl, env: &Env<'_, 'p>) -> Result<Value, Failure> {
        match tpl {
            Tpl::Lit(v) => Ok(v.clone()),
            Tpl::Obj(members) => {
                let mut m = Map::with_capacity(members.len());
                for (k, t) in members {
                    m.insert(k.clone(), self.eval_tpl(t, env)?);
                }
                Ok(Value::Object(m))
            }
            Tpl::Arr(items) => items
                .iter()
                .map(|t| self.eval_tpl(t, env))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Tpl::Path { key, path } => match env.lookup(path) {
                Ok(v) => Ok(v.into_owned()),
                Err(e) if e == NULL_INPUT => Err(self.runtime(env.fr, e)),
                Err(e) => Err(self.runtime(
                    env.fr,
                    match &path.root {
                        Root::Input => format!(
                            "The JSONPath '{}' specified for the field '{key}' could not be found in the input '{}'",
                            path.src,
                            to_text(env.input)
                        ),
                        Root::Context => format!(
                            "The JSONPath '{}' specified for the field '{key}' could not be found in the input '{}'",
                            path.src,
                            to_text(env.context())
                        ),
                        Root::Var(_) => e,
                    },
                )),
            },
            Tpl::Call { call, src } => intrinsic::eval(call, env).map_err(|e| {
                self.runtime(
                    env.fr,
                    // AWS's wording (quoted from a console in a public CDK
                    // construct's README): "The function 'States.Array($.p)' had the
                    // following error: The JsonPath argument for the field '$.p' could
                    // not be found in the input '{...}'".
                    format!("The function '{src}' had the following error: {e}"),
                )
            }),
            Tpl::Jsonata { field, expr } => self.eval_jsonata(field, expr, env),
        }
    }

    fn eval_jsonata(
        &self,
        field: &str,
        expr: &jsonata::Expr,
        env: &Env<'_, 'p>,
    ) -> Result<Value, Failure> {
        let states = env.states_value(expr.needs);
        match self.jsonata.evaluate(expr, &states, &env.vars.frames, self.now_ms) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(self.query_error(
                env.fr,
                format!(
                    "The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).",
                    expr.src
                ),
            )),
            Err(e) => Err(self.query_error(
                env.fr,
                format!(
                    // AWS ends the sentence before a coded JSONata error, and runs on
                    // into the message of a limit (which has no code).
                    "The JSONata expression '{}' specified for the field '{field}' threw an error during evaluation{} {e}",
                    expr.src,
                    if e.code.is_empty() { ":" } else { "." }
                ),
            )),
        }
    }

    /// Evaluates an Assign block (all right-hand sides with the variables at state entry).
    fn eval_assign(
        &self,
        tpl: Option<&Tpl>,
        env: &Env<'_, 'p>,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        let Some(t) = tpl else { return Ok(None) };
        match self.eval_tpl(t, env)? {
            Value::Object(m) => Ok(Some(m)),
            other => Err(self.runtime(
                env.fr,
                format!("Assign must evaluate to an object, not {other}"),
            )),
        }
    }

    /// The variables a Choice state assigns when rule `own` matched: the state's own
    /// `Assign` applies whichever rule matches (AWS's developer guide), and the rule's
    /// value wins for a name both set (AWS records the rule's value then).
    fn rule_assign(
        &self,
        state: Option<&Tpl>,
        own: Option<&Tpl>,
        env: &Env<'_, 'p>,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        let base = self.eval_assign(state, env)?;
        let own = self.eval_assign(own, env)?;
        Ok(match (base, own) {
            (Some(mut base), Some(own)) => {
                base.extend(own);
                Some(base)
            }
            (base, own) => own.or(base),
        })
    }

    fn input_path(
        &self,
        fr: &Frame<'_>,
        p: &Opt<Path>,
        raw: &mut Value,
        keep: bool,
        vars: &Vars,
    ) -> Result<Value, Failure> {
        match p {
            Opt::Absent => Ok(if keep {
                raw.clone()
            } else {
                std::mem::take(raw)
            }),
            Opt::Null => Ok(Value::Object(Map::new())),
            Opt::Some(path) => {
                let env = Env::new(self, fr, raw, vars);
                env.lookup(path)
                    .map(Cow::into_owned)
                    .map_err(|e| self.runtime(fr, e))
            }
        }
    }

    fn output_path(&self, fr: &Frame<'_>, v: Value, vars: &Vars) -> Result<Value, Failure> {
        match &fr.st.output_path {
            Opt::Absent => Ok(v),
            Opt::Null => Ok(Value::Object(Map::new())),
            Opt::Some(path) => {
                let env = Env::new(self, fr, &v, vars);
                env.lookup(path)
                    .map(Cow::into_owned)
                    .map_err(|e| self.runtime(fr, e))
            }
        }
    }

    fn result_path(
        &self,
        fr: &Frame<'_>,
        rp: &Opt<Path>,
        raw: Value,
        result: Value,
    ) -> Result<Value, Failure> {
        match rp {
            Opt::Absent => Ok(result),
            Opt::Null => Ok(raw),
            Opt::Some(p) => {
                if p.root != Root::Input {
                    return Err(
                        self.runtime(fr, format!("ResultPath '{}' must start with '$.'", p.src))
                    );
                }
                let mut raw = raw;
                p.set(&mut raw, result).map_err(|e| self.runtime(fr, e))?;
                Ok(raw)
            }
        }
    }

    // ----- scopes and states -----

    pub(crate) fn run(&mut self) -> RunEnd {
        let input = self.exec_input.clone();
        let started = self.emit(|| {
            (
                "ExecutionStarted".into(),
                json!({"input": to_text(&input), "inputDetails": {"truncated": false}, "roleArn": ""}),
            )
        });
        let role = self.role_arn.clone();
        if self.opts.history
            && let Some(e) = self.events.last_mut()
        {
            e.details["roleArn"] = Value::String(role);
        }
        let mut output = started.and_then(|_| {
            if json_size(&input, PAYLOAD_LIMIT) > PAYLOAD_LIMIT {
                return Err(Failure::new(
                    "States.DataLimitExceeded",
                    "The execution input exceeds the maximum number of bytes service limit.".into(),
                ));
            }
            let mut vars = Vars::new();
            vars.set_all(self.opts.variables.clone());
            self.run_scope(0, input, &mut vars)
        });
        if let Ok(v) = &output
            && json_size(v, PAYLOAD_LIMIT) > PAYLOAD_LIMIT
        {
            output = Err(Failure::new(
                "States.DataLimitExceeded",
                "The execution output exceeds the maximum number of bytes service limit.".into(),
            ));
        }
        self.suppress = 0;
        if output.is_err() && self.dead.is_some() {
            self.order_by_time();
        }
        let id = self.last_id + 1;
        match &output {
            Ok(v) => self.push_event(id, || {
                (
                    "ExecutionSucceeded".into(),
                    json!({"output": to_text(v), "outputDetails": {"truncated": false}}),
                )
            }),
            Err(f) if f.kind == FailKind::TimedOut => {
                self.push_event(id, || ("ExecutionTimedOut".into(), json!({})));
            }
            Err(f) => {
                let d = failed_details(f);
                self.push_event(id, || ("ExecutionFailed".into(), d));
            }
        }
        RunEnd { output }
    }

    fn run_scope(
        &mut self,
        scope_id: usize,
        input: Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let mut looping = false;
        let r = self.run_scope_states(scope_id, input, vars, &mut looping);
        if looping {
            self.looping -= 1;
        }
        r
    }

    /// [`Runner::run_scope`]; `looping` tells whether this run counts in
    /// [`Runner::looping`].
    fn run_scope_states(
        &mut self,
        scope_id: usize,
        input: Value,
        vars: &mut Vars,
        looping: &mut bool,
    ) -> Result<Value, Failure> {
        let prog = self.prog;
        let scope: &'p CScope = &prog.scopes[scope_id];
        let mut idx = scope.start;
        let mut input = input;
        // The transitions of this run since the clock last moved.
        let mut still = (self.now_ms, 0);
        loop {
            self.transitions += 1;
            if still.0 != self.now_ms {
                still = (self.now_ms, 0);
                if std::mem::take(looping) {
                    self.looping -= 1;
                }
            }
            still.1 += 1;
            if !*looping && still.1 > scope.states.len() {
                *looping = true;
                self.looping += 1;
            }
            self.check_time_passes()?;
            match self.run_state(&scope.states[idx], input, vars)? {
                Flow::Next(n, out) => {
                    idx = n;
                    input = out;
                }
                Flow::End(out) => return Ok(out),
            }
        }
    }

    /// [`Runner::run_state_work`], keeping the stretch of time a state that can take time
    /// ran in when inside a Parallel or Map (what a stopped branch records as aborted).
    fn run_state(
        &mut self,
        st: &'p CState,
        input: Value,
        vars: &mut Vars,
    ) -> Result<Flow, Failure> {
        let abort = match st.ty {
            StateType::Task => "TaskStateAborted",
            StateType::Wait => "WaitStateAborted",
            StateType::Map => "MapStateAborted",
            StateType::Parallel => "ParallelStateAborted",
            _ => return self.run_state_work(st, input, vars),
        };
        if self.lanes_depth == 0 {
            return self.run_state_work(st, input, vars);
        }
        let seq = self.span_seq;
        self.span_seq += 1;
        let (start_ms, suppress) = (self.now_ms, self.suppress);
        let r = self.run_state_work(st, input, vars);
        let end_ms = match &r {
            Err(f) if f.kind == FailKind::Stopped => None,
            _ => Some(self.now_ms),
        };
        if end_ms != Some(start_ms) {
            self.spans.push(Span {
                seq,
                suppress,
                start_ms,
                end_ms,
                abort: SpanAbort::State(abort),
            });
        }
        r
    }

    fn run_state_work(
        &mut self,
        st: &'p CState,
        input: Value,
        vars: &mut Vars,
    ) -> Result<Flow, Failure> {
        let kind = st.ty.as_str();
        let entered_id = self.emit(|| {
            let ty = if st.ty == StateType::Fail {
                "FailStateEntered".to_string()
            } else {
                format!("{kind}StateEntered")
            };
            (
                ty,
                json!({"name": st.name, "input": to_text(&input), "inputDetails": {"truncated": false}}),
            )
        })?;
        let mut fr = Frame {
            st,
            entered_id,
            entered_ms: self.now_ms,
            retry: 0,
            item: None,
        };
        if let Some(e) = &st.compile_error {
            return Err(self.runtime(&fr, e));
        }
        let result = match st.ty {
            StateType::Pass => self.pass(&fr, input, vars),
            StateType::Choice => self.choice(&fr, input, vars),
            StateType::Wait => self.wait(&fr, input, vars),
            StateType::Succeed => self
                .simple_output(&fr, input, vars)
                .map(|out| (out, None, None)),
            StateType::Fail => {
                let f = self.fail(&fr, input, vars);
                if self.suppress == 0 && self.opts.history {
                    self.fail_states
                        .push((fr.entered_id, f.error.clone(), f.cause.clone()));
                }
                Err(f)
            }
            StateType::Task | StateType::Parallel | StateType::Map => {
                self.with_retry(&mut fr, input, vars)
            }
        };
        // Taken now, so that a Choice that fails after choosing leaves nothing behind.
        let taken = self.choice_taken.take();
        let (output, next, assigned) = match result {
            Ok(r) => r,
            Err(mut f) => {
                self.report_evaluation(st, &mut f)?;
                self.task_aborted = st.ty == StateType::Task && f.kind == FailKind::Normal;
                return Err(f);
            }
        };
        self.check_size(&fr, &output)?;
        let next = next.or(st.next);
        if let Some(a) = &assigned {
            self.check_assigned(&fr, a, vars)?;
        }
        let events_before = self.events.len();
        let child_before = self.child_stack.last().map(|c| c.events.len());
        let exit_id = self.emit(|| {
            let mut d = Map::new();
            d.insert("name".into(), Value::String(st.name.clone()));
            d.insert("output".into(), Value::String(to_text(&output)));
            d.insert("outputDetails".into(), json!({"truncated": false}));
            if let Some(a) = &assigned {
                let m: Map<String, Value> = a
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(to_text(v))))
                    .collect();
                d.insert("assignedVariables".into(), Value::Object(m));
                d.insert(
                    "assignedVariablesDetails".into(),
                    json!({"truncated": false}),
                );
            }
            (format!("{kind}StateExited"), Value::Object(d))
        })?;
        if let Some(taken) = taken {
            if self.events.len() > events_before {
                self.choices.push((exit_id, taken));
            } else if let Some(child) = self.child_stack.last_mut()
                && Some(child.events.len()) > child_before
            {
                child.choices.push((exit_id, taken));
            }
        }
        if let Some(a) = assigned {
            vars.set_all(a);
        }
        Ok(match next {
            Some(n) if st.ty != StateType::Succeed => Flow::Next(n, output),
            _ => Flow::End(output),
        })
    }

    /// Succeed (and the shared InputPath/OutputPath or Output step).
    fn simple_output(
        &self,
        fr: &Frame<'p>,
        mut input: Value,
        vars: &Vars,
    ) -> Result<Value, Failure> {
        let st = fr.st;
        if st.jsonata {
            return match &st.output {
                Some(t) => self.eval_tpl(t, &Env::new(self, fr, &input, vars)),
                None => Ok(input),
            };
        }
        let eff = self.input_path(fr, &st.input_path, &mut input, false, vars)?;
        self.output_path(fr, eff, vars)
    }

    fn pass(&self, fr: &Frame<'p>, mut raw: Value, vars: &Vars) -> StateResult {
        let st = fr.st;
        if st.jsonata {
            let env = Env::new(self, fr, &raw, vars);
            let assigned = self.eval_assign(st.assign.as_ref(), &env)?;
            let out = match &st.output {
                Some(t) => self.eval_tpl(t, &env)?,
                None => raw.clone(),
            };
            return Ok((out, None, assigned));
        }
        let keep = !st.result_path.is_absent();
        let result = if let Some(r) = st.def.get("Result") {
            if !st.input_path.is_absent() || st.parameters.is_some() {
                // Still evaluated for their errors.
                let eff = self.input_path(fr, &st.input_path, &mut raw, true, vars)?;
                if let Some(p) = &st.parameters {
                    self.eval_tpl(p, &Env::new(self, fr, &eff, vars))?;
                }
            }
            r.clone()
        } else {
            let eff = self.input_path(fr, &st.input_path, &mut raw, keep, vars)?;
            match &st.parameters {
                Some(p) => self.eval_tpl(p, &Env::new(self, fr, &eff, vars))?,
                None => eff,
            }
        };
        let assigned = self.eval_assign(st.assign.as_ref(), &Env::new(self, fr, &result, vars))?;
        let out = self.result_path(fr, &st.result_path, raw, result)?;
        let out = self.output_path(fr, out, vars)?;
        Ok((out, None, assigned))
    }

    fn fail(&self, fr: &Frame<'p>, input: Value, vars: &Vars) -> Failure {
        let st = fr.st;
        let get = |field: &str, path_field: &str| -> Result<Option<String>, Failure> {
            if st.jsonata {
                if let Some(t) = st
                    .extra
                    .get(if field == "Error" { "Error" } else { "Cause" })
                {
                    let v = self.eval_tpl(t, &Env::new(self, fr, &input, vars))?;
                    return match v {
                        Value::String(s) => Ok(Some(s)),
                        other => Err(self.query_error(
                            fr,
                            format!("The field '{field}' must evaluate to a string, not {other}"),
                        )),
                    };
                }
                return Ok(None);
            }
            if let Some(v) = st.def.get(field) {
                return Ok(v.as_str().map(str::to_string));
            }
            let Some(src) = st.def.get(path_field).and_then(Value::as_str) else {
                return Ok(None);
            };
            let env = Env::new(self, fr, &input, vars);
            let v = if src.trim_start().starts_with('$') {
                let p = Path::parse(src).map_err(|e| self.runtime(fr, e))?;
                env.lookup(&p).map(Cow::into_owned).map_err(|_| {
                    self.runtime(
                        fr,
                        format!(
                            "The JSONPath '{src}' specified for the field '{path_field}' could not be found in the input '{}'",
                            to_text(&input)
                        ),
                    )
                })?
            } else {
                let call = intrinsic::Call::parse(src).map_err(|e| self.runtime(fr, e))?;
                intrinsic::eval(&call, &env).map_err(|e| self.runtime(fr, e))?
            };
            match v {
                Value::String(s) => Ok(Some(s)),
                other => Err(self.runtime(
                    fr,
                    format!(
                        "The value of the field '{path_field}' must be a string, not {}",
                        to_text(&other)
                    ),
                )),
            }
        };
        let error = match get("Error", "ErrorPath") {
            Ok(e) => e,
            Err(f) => return f,
        };
        let cause = match get("Cause", "CausePath") {
            Ok(c) => c,
            Err(f) => return f,
        };
        Failure {
            error,
            cause,
            kind: FailKind::Normal,
            reported: false,
        }
    }

    fn wait(&mut self, fr: &Frame<'p>, mut raw: Value, vars: &Vars) -> StateResult {
        let st = fr.st;
        let (eff, assigned) = if st.jsonata {
            let env = Env::new(self, fr, &raw, vars);
            let assigned = self.eval_assign(st.assign.as_ref(), &env)?;
            (raw.clone(), assigned)
        } else {
            let eff = self.input_path(fr, &st.input_path, &mut raw, false, vars)?;
            let assigned = self.eval_assign(st.assign.as_ref(), &Env::new(self, fr, &eff, vars))?;
            (eff, assigned)
        };
        let delay_ms = self.wait_delay(fr, &eff, vars)?;
        self.sleep_ms(delay_ms)?;
        let out = if st.jsonata {
            match &st.output {
                Some(t) => self.eval_tpl(t, &Env::new(self, fr, &raw, vars))?,
                None => raw,
            }
        } else {
            self.output_path(fr, eff, vars)?
        };
        Ok((out, None, assigned))
    }

    fn wait_delay(&self, fr: &Frame<'p>, eff: &Value, vars: &Vars) -> Result<i64, Failure> {
        let st = fr.st;
        let err = |msg: String| {
            if st.jsonata {
                self.query_error(fr, msg)
            } else {
                self.runtime(fr, msg)
            }
        };
        let env = Env::new(self, fr, eff, vars);
        let seconds_of = |v: &Value, what: &str| -> Result<i64, Failure> {
            let Some(n) = v
                .as_i64()
                .or_else(|| v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64))
            else {
                return Err(err(format!(
                    "The {what} parameter cannot be parsed as a long value: {}",
                    to_text(v)
                )));
            };
            if n < 0 {
                return Err(err(format!(
                    "The {what} parameter references a negative value: {n}"
                )));
            }
            if n > 99_999_999 {
                return Err(err("Wait state delay is too long.".into()));
            }
            Ok(n * 1000)
        };
        let timestamp_of = |v: &Value, what: &str, src: &str| -> Result<i64, Failure> {
            let t = v.as_str().and_then(parse_rfc3339).ok_or_else(|| {
                let shown = v.as_str().map_or_else(|| to_text(v), str::to_string);
                err(if st.jsonata {
                    format!(
                        "The {what} field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"
                    )
                } else {
                    format!(
                        "The {what} parameter does not reference a valid ISO-8601 extended offset date-time format string: {src} == {shown}"
                    )
                })
            })?;
            let ms = (t / 1_000_000) as i64;
            let delay = (ms - self.now_ms).max(0);
            if delay / 1000 > (1i64 << 31) {
                return Err(err("Wait state delay is too long.".into()));
            }
            Ok(delay)
        };
        if st.jsonata {
            if let Some(t) = st.extra.get("Seconds") {
                let v = self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
                return seconds_of(&v, "Seconds");
            }
            if let Some(t) = st.extra.get("Timestamp") {
                let v = self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
                return timestamp_of(&v, "Timestamp", "Timestamp");
            }
            return Ok(0);
        }
        if let Some(v) = st.def.get("Seconds") {
            return seconds_of(v, "Seconds");
        }
        if let Some(v) = st.def.get("Timestamp") {
            return timestamp_of(v, "Timestamp", "Timestamp");
        }
        for (field, is_secs) in [("SecondsPath", true), ("TimestampPath", false)] {
            if let Some(src) = st.def.get(field).and_then(Value::as_str) {
                let p = Path::parse(src).map_err(|e| self.runtime(fr, e))?;
                let v = env.lookup(&p).map_err(|_| {
                    self.runtime(
                        fr,
                        format!("The {field} parameter does not reference an input value: {src}"),
                    )
                })?;
                if is_secs {
                    let n = v
                        .as_i64()
                        .or_else(|| v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64));
                    return match n {
                        None => Err(self.runtime(
                            fr,
                            format!("The {field} parameter cannot be parsed as a long value: {src} == {}", to_text(&v)),
                        )),
                        Some(n) if n < 0 => Err(self.runtime(
                            fr,
                            format!("The {field} parameter references a negative value: {src} == {n}"),
                        )),
                        Some(n) if n > 99_999_999 => Err(self.runtime(fr, "Wait state delay is too long.")),
                        Some(n) => Ok(n * 1000),
                    };
                }
                return timestamp_of(&v, field, src);
            }
        }
        Ok(0)
    }

    // ----- Choice -----

    fn choice(&self, fr: &Frame<'p>, mut raw: Value, vars: &Vars) -> StateResult {
        let st = fr.st;
        if st.jsonata {
            let env = Env::new(self, fr, &raw, vars);
            for (i, rule) in st.choices.iter().enumerate() {
                if self.cond(&rule.cond, &env)? {
                    self.choice_taken.set(Some(Some(i)));
                    let assigned =
                        self.rule_assign(st.assign.as_ref(), rule.assign.as_ref(), &env)?;
                    let out = match &rule.output {
                        Some(t) => self.eval_tpl(t, &env)?,
                        None => raw.clone(),
                    };
                    return Ok((out, Some(rule.next), assigned));
                }
            }
            let Some(d) = st.default else {
                return Err(self.runtime(fr, "No Matches!"));
            };
            self.choice_taken.set(Some(None));
            let assigned = self.eval_assign(st.assign.as_ref(), &env)?;
            let out = match &st.output {
                Some(t) => self.eval_tpl(t, &env)?,
                None => raw.clone(),
            };
            return Ok((out, Some(d), assigned));
        }
        let eff = self.input_path(fr, &st.input_path, &mut raw, false, vars)?;
        let env = Env::new(self, fr, &eff, vars);
        let mut chosen = None;
        for (i, rule) in st.choices.iter().enumerate() {
            if self.cond(&rule.cond, &env)? {
                chosen = Some((i, rule.next, rule.assign.as_ref()));
                break;
            }
        }
        let (next, assigned) = match chosen {
            Some((i, next, assign)) => {
                self.choice_taken.set(Some(Some(i)));
                (next, self.rule_assign(st.assign.as_ref(), assign, &env)?)
            }
            None => match st.default {
                Some(d) => {
                    self.choice_taken.set(Some(None));
                    (d, self.eval_assign(st.assign.as_ref(), &env)?)
                }
                None => return Err(self.runtime(fr, "No Matches!")),
            },
        };
        drop(env);
        let out = self.output_path(fr, eff, vars)?;
        Ok((out, Some(next), assigned))
    }

    fn cond(&self, c: &Cond, env: &Env<'_, 'p>) -> Result<bool, Failure> {
        match c {
            Cond::And(list) => {
                for x in list {
                    if !self.cond(x, env)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Cond::Or(list) => {
                for x in list {
                    if self.cond(x, env)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Cond::Not(x) => Ok(!self.cond(x, env)?),
            Cond::Jsonata(t) => match self.eval_tpl(t, env)? {
                Value::Bool(b) => Ok(b),
                other => Err(self.query_error(
                    env.fr,
                    format!(
                        "The Condition field must evaluate to a boolean value, but was: {}",
                        to_text(&other)
                    ),
                )),
            },
            Cond::Test { var, op, operand } => {
                let value = env.lookup(var);
                if *op == super::choice::Op::IsPresent {
                    let want = operand_bool(operand);
                    return Ok(value.is_ok() == want);
                }
                let value = value.map_err(|e| self.runtime(env.fr, e))?;
                let rhs: Cow<'_, Value> = match operand {
                    Operand::Lit(v) => Cow::Borrowed(v),
                    Operand::Path(p) => env.lookup(p).map_err(|e| self.runtime(env.fr, e))?,
                };
                Ok(super::choice::compare(*op, &value, &rhs))
            }
        }
    }

    // ----- Task / Parallel / Map with Retry and Catch -----

    fn with_retry(&mut self, fr: &mut Frame<'p>, raw: Value, vars: &mut Vars) -> StateResult {
        let st = fr.st;
        let mut counts = vec![0u64; st.retriers.len()];
        loop {
            let res = self.pipeline(fr, &raw, vars);
            let mut f = match res {
                Ok((out, assigned)) => return Ok((out, None, assigned)),
                Err(f) => f,
            };
            if f.kind != FailKind::Normal {
                return Err(f);
            }
            if let Some((i, r)) = st
                .retriers
                .iter()
                .enumerate()
                .find(|(_, r)| matches(&r.errors, &f))
                && counts[i] < r.max_attempts
            {
                let mut delay = r.interval * r.backoff.powi(counts[i].min(1000) as i32);
                if let Some(m) = r.max_delay {
                    delay = delay.min(m);
                }
                if r.jitter_full {
                    delay *= (self.next_random() >> 11) as f64 / (1u64 << 53) as f64;
                }
                counts[i] += 1;
                fr.retry += 1;
                // A JSONata expression that failed is retried with no event of its
                // own in AWS's history: the trace is told of it here.
                if !f.reported
                    && f.error.as_deref() == Some("States.QueryEvaluationError")
                    && self.suppress == 0
                    && self.opts.history
                    && let Some(last) = self.events.last()
                {
                    self.quiet_retries.push(super::QuietRetry {
                        after_event: last.id,
                        error: f.error.clone().unwrap_or_default(),
                        cause: f.cause.clone().unwrap_or_default(),
                        delay_ms: (delay * 1000.0) as i64,
                    });
                }
                self.sleep_ms((delay * 1000.0) as i64)?;
                continue;
            }
            self.final_failure(st, &mut f)?;
            if let Some(c) = st.catchers.iter().find(|c| matches(&c.errors, &f)) {
                let (out, assigned) = self.caught(fr, c, raw, &f, vars)?;
                return Ok((out, Some(c.next), assigned));
            }
            return Err(f);
        }
    }

    fn caught(
        &self,
        fr: &Frame<'p>,
        c: &'p Catcher,
        raw: Value,
        f: &Failure,
        vars: &Vars,
    ) -> Result<(Value, Option<Map<String, Value>>), Failure> {
        let err_out = f.error_output();
        if fr.st.jsonata {
            let mut env = Env::new(self, fr, &raw, vars);
            env.error_output = Some(&err_out);
            let assigned = self.eval_assign(c.assign.as_ref(), &env)?;
            let out = match &c.output {
                Some(t) => self.eval_tpl(t, &env)?,
                None => err_out.clone(),
            };
            return Ok((out, assigned));
        }
        let assigned = self.eval_assign(c.assign.as_ref(), &Env::new(self, fr, &err_out, vars))?;
        let out = self.result_path(fr, &c.result_path, raw, err_out)?;
        Ok((out, assigned))
    }

    /// One attempt of a Task/Parallel/Map: input processing, the work, result processing.
    fn pipeline(
        &mut self,
        fr: &Frame<'p>,
        raw: &Value,
        vars: &mut Vars,
    ) -> Result<(Value, Option<Map<String, Value>>), Failure> {
        let st = fr.st;
        if st.jsonata {
            let timeouts = match st.ty {
                StateType::Task => self.task_timeouts(fr, raw, vars)?,
                _ => (None, None),
            };
            let args = match &st.arguments {
                Some(t) if st.ty != StateType::Map => {
                    self.eval_tpl(t, &Env::new(self, fr, raw, vars))?
                }
                _ => raw.clone(),
            };
            let result = match st.ty {
                StateType::Task => self.invoke(fr, args, timeouts)?,
                StateType::Parallel => self.parallel(fr, args, vars)?,
                _ => self.map(fr, raw, vars)?,
            };
            let mut env = Env::new(self, fr, raw, vars);
            env.result = Some(&result);
            let assigned = self.eval_assign(st.assign.as_ref(), &env)?;
            let out = match &st.output {
                Some(t) => self.eval_tpl(t, &env)?,
                None => result.clone(),
            };
            return Ok((out, assigned));
        }
        let mut raw_copy = raw.clone();
        let eff = self.input_path(fr, &st.input_path, &mut raw_copy, true, vars)?;
        // Task time-outs from paths are read (and validated) before the task is scheduled.
        let timeouts = match st.ty {
            StateType::Task => self.task_timeouts(fr, &eff, vars)?,
            _ => (None, None),
        };
        let result = match st.ty {
            StateType::Map => self.map(fr, &eff, vars)?,
            _ => {
                let eff = match &st.parameters {
                    Some(p) => self.eval_tpl(p, &Env::new(self, fr, &eff, vars))?,
                    None => eff,
                };
                if st.ty == StateType::Task {
                    self.invoke(fr, eff, timeouts)?
                } else {
                    self.parallel(fr, eff, vars)?
                }
            }
        };
        let assigned = self.eval_assign(st.assign.as_ref(), &Env::new(self, fr, &result, vars))?;
        let result = match &st.result_selector {
            Some(t) => self.eval_tpl(t, &Env::new(self, fr, &result, vars))?,
            None => result,
        };
        let out = self.result_path(fr, &st.result_path, raw_copy, result)?;
        let out = self.output_path(fr, out, vars)?;
        Ok((out, assigned))
    }

    /// A Task's TimeoutSeconds and HeartbeatSeconds, each given as a number, as a
    /// `...Path` (JSONPath: a reference path to a positive integer, else
    /// `States.Runtime`) or as JSONata (a positive integer, else
    /// `States.QueryEvaluationError`).
    fn task_timeouts(
        &self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
    ) -> Result<(Option<u64>, Option<u64>), Failure> {
        let st = fr.st;
        let positive = |v: &Value| {
            v.as_u64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|x| x.fract() == 0.0 && *x >= 1.0)
                        .map(|x| x as u64)
                })
                .filter(|n| *n > 0)
        };
        let mut out = [None, None];
        for (slot, field) in out.iter_mut().zip(["TimeoutSeconds", "HeartbeatSeconds"]) {
            if st.jsonata {
                if let Some(t) = st.extra.get(field) {
                    let v = self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
                    *slot = Some(positive(&v).ok_or_else(|| {
                        self.query_error(
                            fr,
                            format!(
                                "The field '{field}' must evaluate to a positive integer, not {}",
                                to_text(&v)
                            ),
                        )
                    })?);
                }
                continue;
            }
            if let Some(v) = st.def.get(field) {
                *slot = v.as_u64();
                continue;
            }
            let pf = format!("{field}Path");
            if let Some(src) = st.def.get(&pf).and_then(Value::as_str) {
                let p = Path::parse(src).map_err(|e| self.runtime(fr, e))?;
                let env = Env::new(self, fr, eff, vars);
                let v = env.lookup(&p).map_err(|e| self.runtime(fr, e))?;
                *slot = Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                    self.runtime(
                        fr,
                        format!(
                            "The {pf} field must reference a positive integer: {src} == {}",
                            to_text(&v)
                        ),
                    )
                })?);
            }
        }
        Ok((out[0], out[1]))
    }

    fn invoke(
        &mut self,
        fr: &Frame<'p>,
        args: Value,
        (timeout, heartbeat): (Option<u64>, Option<u64>),
    ) -> Result<Value, Failure> {
        let st = fr.st;
        let resource = st
            .def
            .get("Resource")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let activity = is_activity_arn(&resource);
        let legacy_lambda = !activity
            && (resource.starts_with("arn:aws:lambda:")
                || resource.contains(":lambda:") && resource.contains(":function:")
                || is_terraform_function_arn(&resource));
        let region = self.opts.region.clone();
        let (service, rtype) = resource_type(&resource);
        let submitted = resource.contains(".sync") || resource.ends_with(".waitForTaskToken");
        // API Gateway takes each header as a list of values; AWS refuses the request
        // before it schedules the task (a recorded execution).
        if service == "apigateway"
            && rtype.split('.').next() == Some("invoke")
            && let Some(headers) = args.get("Headers")
            && !headers.as_object().is_some_and(|h| {
                h.values()
                    .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
            })
        {
            return Err(self.runtime(
                fr,
                format!(
                    "The Parameters '{}' could not be used to start the Task: [The value of the field 'Headers' has an invalid format]",
                    to_text(&args)
                ),
            ));
        }
        // The time-outs (the API's TaskScheduled and LambdaFunctionScheduled details; a
        // recorded history has them), however the state gives them.
        let timed = |mut d: Value| {
            if let Some(t) = timeout {
                d["timeoutInSeconds"] = json!(t);
            }
            if let Some(h) = heartbeat {
                d["heartbeatInSeconds"] = json!(h);
            }
            d
        };
        if legacy_lambda {
            self.emit(|| {
                let mut d = json!({"resource": resource, "input": to_text(&args), "inputDetails": {"truncated": false}});
                if let Some(t) = timeout {
                    d["timeoutInSeconds"] = json!(t);
                }
                ("LambdaFunctionScheduled".into(), d)
            })?;
            self.emit(|| ("LambdaFunctionStarted".into(), Value::Null))?;
        } else if activity {
            // An activity's events name it by its ARN, with no service (the API's
            // ActivityScheduledEventDetails); a worker then takes the task.
            self.emit(|| {
                let d = json!({"resource": resource, "input": to_text(&args), "inputDetails": {"truncated": false}});
                ("ActivityScheduled".into(), timed(d))
            })?;
            self.emit(|| ("ActivityStarted".into(), Value::Null))?;
        } else {
            self.emit(|| {
                let d = json!({"resourceType": service, "resource": rtype, "region": region, "parameters": to_text(&args)});
                ("TaskScheduled".into(), timed(d))
            })?;
            self.emit(|| {
                (
                    "TaskStarted".into(),
                    json!({"resourceType": service, "resource": rtype}),
                )
            })?;
            if submitted {
                self.emit(|| {
                    (
                        "TaskSubmitted".into(),
                        json!({"resourceType": service, "resource": rtype}),
                    )
                })?;
            }
        }
        let Some((mock, defaulted)) = self.mocks.of(&st.name) else {
            return Err(self.setup_failure(Failure::new(
                "States.Runtime",
                format!(
                    "{}The Task state '{}' (resource '{}') {NO_MOCK} Give one with --mock '{}={{\"Return\": ...}}' (or {{\"Throw\": {{\"Error\": ..., \"Cause\": ...}}}}), one for every call with --mock-default, or a mock config with --mock-config FILE --state-machine NAME --test-case NAME whose test case maps \"{}\" to a MockedResponses entry.",
                    self.prefix(fr),
                    st.name,
                    resource,
                    st.name,
                    st.name
                ),
            )));
        };
        if defaulted && !self.defaulted.contains(&st.name) {
            self.defaulted.push(st.name.to_string());
        }
        let k = self.invocation(&st.name);
        // The failure event of the task (a time-out has its own event type, and no
        // cause on AWS, though its error output has `"Cause": ""`: recorded TaskTimedOut
        // events).
        let failure_event = |error: &Option<String>, cause: &Option<String>| {
            let timed_out = matches!(
                error.as_deref(),
                Some("States.Timeout" | "States.HeartbeatTimeout")
            );
            let mut d = Map::new();
            if !legacy_lambda && !activity {
                d.insert("resourceType".into(), Value::String(service.to_string()));
                d.insert("resource".into(), Value::String(rtype.to_string()));
            }
            if let Some(e) = error {
                d.insert("error".into(), Value::String(e.clone()));
            }
            if let Some(c) = cause.as_ref().filter(|c| !(timed_out && c.is_empty())) {
                d.insert("cause".into(), Value::String(c.clone()));
            }
            let ty = match (legacy_lambda, activity, timed_out) {
                (true, _, true) => "LambdaFunctionTimedOut",
                (true, _, false) => "LambdaFunctionFailed",
                (false, true, true) => "ActivityTimedOut",
                (false, true, false) => "ActivityFailed",
                (false, false, true) => "TaskTimedOut",
                (false, false, false) => "TaskFailed",
            };
            (ty.to_string(), Value::Object(d))
        };
        match mock.response(k).cloned() {
            Some(MockResponse::Return(v)) => {
                let v = if legacy_lambda {
                    match v {
                        Value::Object(mut m) if m.contains_key("Payload") => {
                            m.remove("Payload").unwrap_or(Value::Null)
                        }
                        other => other,
                    }
                } else {
                    v
                };
                if json_size(&v, PAYLOAD_LIMIT) > PAYLOAD_LIMIT {
                    // The task fails with the error, recorded as its failure event
                    // (localstack's AWS-recorded states_errors snapshot): a catcher or
                    // retrier sees it like any task error. The cause names a Lambda
                    // function ARN by its ARN, an integration by its service
                    // (`'lambda'` for lambda:invoke, recorded).
                    let mut f = self.too_large(fr);
                    let named: &str = if legacy_lambda || activity {
                        &resource
                    } else {
                        &service
                    };
                    f.cause = Some(format!(
                        "The state/task '{named}' returned a result with a size exceeding the maximum number of bytes service limit."
                    ));
                    self.emit(|| failure_event(&f.error, &f.cause))?;
                    return Err(f);
                }
                self.emit(|| {
                    if legacy_lambda || activity {
                        let ty = if activity {
                            "ActivitySucceeded"
                        } else {
                            "LambdaFunctionSucceeded"
                        };
                        (
                            ty.into(),
                            json!({"output": to_text(&v), "outputDetails": {"truncated": false}}),
                        )
                    } else {
                        (
                            "TaskSucceeded".into(),
                            json!({"resourceType": service, "resource": rtype, "output": to_text(&v), "outputDetails": {"truncated": false}}),
                        )
                    }
                })?;
                Ok(v)
            }
            Some(MockResponse::Throw { error, cause }) => {
                // A time-out comes when its time is up: the clock moves on by the
                // state's TimeoutSeconds (HeartbeatSeconds for a heartbeat time-out), so
                // an execution deadline that comes first ends the run, as on AWS.
                let (is_timeout, is_heartbeat) = match error.as_deref() {
                    Some("States.Timeout") => (true, false),
                    Some("States.HeartbeatTimeout") => (false, true),
                    _ => (false, false),
                };
                let after = match () {
                    _ if is_timeout => timeout,
                    _ if is_heartbeat => heartbeat,
                    _ => None,
                };
                if let Some(s) = after {
                    self.sleep_ms((s as i64).saturating_mul(1000))?;
                }
                // A task that times out on AWS has an empty cause.
                let cause = match cause {
                    None if is_timeout => Some(String::new()),
                    c => c,
                };
                self.emit(|| failure_event(&error, &cause))?;
                Err(Failure::thrown(error, cause))
            }
            None => Err(self.setup_failure(Failure::new(
                "States.Runtime",
                format!(
                    "{}{}",
                    self.prefix(fr),
                    no_response(&st.name, mock, defaulted, k)
                ),
            ))),
        }
    }

    /// A run that lacks a mock, or a mock's response for a call, is not the workflow's
    /// failure: it ends the run where it is, in a Distributed Map's child execution
    /// too (whose own failures the Map Run would count).
    fn setup_failure(&mut self, f: Failure) -> Failure {
        self.dead = Some(f.clone());
        self.mock_problem = true;
        self.stopped_by = Some(super::StopReason::Mock);
        f
    }

    fn parallel(
        &mut self,
        fr: &Frame<'p>,
        input: Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        self.emit(|| ("ParallelStateStarted".into(), Value::Null))?;
        let stop = self.stop_at;
        self.lanes_depth += 1;
        let r = self.branches(fr.st, input, vars);
        self.lanes_depth -= 1;
        self.stop_at = stop;
        if self.lanes_depth == 0 {
            self.spans.clear();
            self.calls.clear();
        }
        let results = r?;
        self.emit(|| ("ParallelStateSucceeded".into(), Value::Null))?;
        Ok(Value::Array(results))
    }

    /// Runs the branches of a Parallel side by side on the virtual clock: each starts at
    /// the Parallel's start (one after another here, each on its own clock), and their
    /// events are then put in the order of time. The Parallel ends when its last branch
    /// does, or at the first failure in time: the branches still running then are
    /// stopped there (a branch run after it is stopped when its clock reaches it).
    fn branches(
        &mut self,
        st: &'p CState,
        input: Value,
        vars: &mut Vars,
    ) -> Result<Vec<Value>, Failure> {
        let t0 = self.now_ms;
        let mark = self.lane_mark();
        let outer_stop = self.stop_at;
        let mut lanes = Vec::with_capacity(st.children.len());
        let mut results = Vec::with_capacity(st.children.len());
        let mut winner: Option<(i64, usize, Failure)> = None;
        let mut end_ms = t0;
        let mut stopped = false;
        for (b, &child) in st.children.iter().enumerate() {
            let stop = winner.as_ref().map(|w| w.0);
            if stop.is_some_and(|s| t0 >= s) {
                break;
            }
            let (events, spans) = (self.history_pos().0, self.spans.len());
            let calls = self.calls.len();
            self.now_ms = t0;
            self.stop_at = min_time(outer_stop, stop);
            vars.frames.push(Map::new());
            let r = self.run_scope(child, input.clone(), vars);
            vars.frames.pop();
            self.stop_at = outer_stop;
            let end = match r {
                Ok(v) => {
                    results.push(v);
                    end_ms = end_ms.max(self.now_ms);
                    LaneEnd::Done(self.now_ms)
                }
                Err(f) if f.kind == FailKind::Stopped => {
                    stopped = true;
                    LaneEnd::Stopped
                }
                Err(f) => {
                    self.abort_failed_task()?;
                    if self.dead.is_some() {
                        return Err(f);
                    }
                    let t = self.now_ms;
                    if winner.as_ref().is_none_or(|w| t < w.0) {
                        winner = Some((t, b, f));
                    }
                    LaneEnd::Failed(t)
                }
            };
            lanes.push(Lane {
                index: b,
                events: events..self.history_pos().0,
                spans: spans..self.spans.len(),
                calls: calls..self.calls.len(),
                start_ms: t0,
                end,
            });
        }
        match winner {
            Some((tf, b, mut f)) => {
                self.now_ms = tf;
                let aborts = f.kind == FailKind::Normal;
                let remap = self.finish_lanes(&mark, &lanes, Some((tf, b)), None, aborts)?;
                remap_cause(&mut f, &remap);
                Err(f)
            }
            None => {
                self.finish_lanes(&mark, &lanes, None, None, false)?;
                match outer_stop {
                    Some(s) if stopped => {
                        self.now_ms = s;
                        Err(Failure::stopped())
                    }
                    _ => {
                        self.now_ms = end_ms;
                        Ok(results)
                    }
                }
            }
        }
    }

    /// The input of a Map iteration (or the item a batch holds): the item through the
    /// ItemSelector (`$$.Map.Item` set), else the item itself; an object's member as
    /// `{"Key": ..., "Value": ...}`.
    fn select_item(
        &self,
        fr: &Frame<'p>,
        selector: Option<&Tpl>,
        eff: &Value,
        vars: &Vars,
        (index, item, key): (usize, Value, Option<String>),
    ) -> Result<Value, Failure> {
        match selector {
            Some(t) => {
                let ifr = Frame {
                    st: fr.st,
                    entered_id: fr.entered_id,
                    entered_ms: fr.entered_ms,
                    retry: fr.retry,
                    item: Some((index, item, key)),
                };
                self.eval_tpl(t, &Env::new(self, &ifr, eff, vars))
            }
            None => Ok(match key {
                Some(k) => json!({"Key": k, "Value": item}),
                None => item,
            }),
        }
    }

    /// A number field of a Map that may also come from a `*Path` (JSONPath) or JSONata.
    fn map_number(
        &self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
        field: &'static str,
    ) -> Result<Option<f64>, Failure> {
        let st = fr.st;
        if st.jsonata {
            if let Some(t) = st.extra.get(field) {
                let v = self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
                return match v.as_f64() {
                    Some(x) => Ok(Some(x)),
                    None => Err(self.query_error(
                        fr,
                        format!(
                            "The field '{field}' must evaluate to a number, not {}",
                            to_text(&v)
                        ),
                    )),
                };
            }
            return Ok(None);
        }
        self.path_number(fr, eff, vars, &st.def, field)
    }

    /// A number field of `obj` in a JSONPath state, given as itself or as `<field>Path`
    /// (a reference path into the effective input, the context object or variables).
    fn path_number(
        &self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
        obj: &Map<String, Value>,
        field: &'static str,
    ) -> Result<Option<f64>, Failure> {
        if let Some(v) = obj.get(field) {
            return Ok(v.as_f64());
        }
        let pf = format!("{field}Path");
        let Some(src) = obj.get(&pf).and_then(Value::as_str) else {
            return Ok(None);
        };
        let p = Path::parse(src).map_err(|e| self.runtime(fr, e))?;
        let env = Env::new(self, fr, eff, vars);
        let v = env.lookup(&p).map_err(|e| self.runtime(fr, e))?;
        let num = v
            .as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok()));
        let ok = match field {
            "ToleratedFailurePercentage" => num,
            _ => num.filter(|x| x.fract() == 0.0),
        };
        match ok {
            Some(x) => Ok(Some(x)),
            None => Err(self.runtime(
                fr,
                format!(
                    "The {pf} field refers to value \"{}\" which is not a valid {}: {src}",
                    v.as_str().map_or_else(|| to_text(&v), str::to_string),
                    if field == "ToleratedFailurePercentage" {
                        "float"
                    } else {
                        "integer"
                    }
                ),
            )),
        }
    }

    /// The items a Distributed Map's ItemReader reads. Its request (`Parameters` in
    /// JSONPath, `Arguments` in JSONata) is evaluated against the effective input as a
    /// Task's is, with the same errors; the reader's mock answers in place of S3, its
    /// invocations counted over the whole execution as a Task's are (a Retry of the Map
    /// reads again), and `ReaderConfig.MaxItems` (or `MaxItemsPath`) keeps the first
    /// items only (0: all of them). The outer error is the request's (the state's, as
    /// a Task's Parameters fail); the inner one the read's (a `Throw` of the mock).
    fn read_items(
        &mut self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
    ) -> Result<Result<Vec<Value>, Failure>, Failure> {
        let st = fr.st;
        let max_items = if st.jsonata {
            let reader = match st.extra.get("ItemReader") {
                Some(t) => self.eval_tpl(t, &Env::new(self, fr, eff, vars))?,
                None => Value::Null,
            };
            match reader.get("ReaderConfig").and_then(|c| c.get("MaxItems")) {
                None => None,
                Some(v) => Some(v.as_f64().ok_or_else(|| {
                    self.query_error(
                        fr,
                        format!(
                            "The field 'MaxItems' must evaluate to a number, not {}",
                            to_text(v)
                        ),
                    )
                })?),
            }
        } else {
            if let Some(t) = &st.reader_parameters {
                self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
            }
            match st
                .def
                .get("ItemReader")
                .and_then(|r| r.get("ReaderConfig"))
                .and_then(Value::as_object)
            {
                Some(config) => self.path_number(fr, eff, vars, config, "MaxItems")?,
                None => None,
            }
        };
        let max_items = match max_items {
            Some(x) if !(0.0..=100_000_000.0).contains(&x) || x.fract() != 0.0 => {
                return Err(self.runtime(
                    fr,
                    format!(
                        "The ReaderConfig field 'MaxItems' must be an integer from 0 to 100000000, not {x}"
                    ),
                ));
            }
            Some(x) if x > 0.0 => x as usize,
            _ => usize::MAX,
        };
        let Some((mock, defaulted)) = self.mocks.of(&st.name) else {
            let f = self.runtime(
                fr,
                format!(
                    "The ItemReader of '{}' needs a mock returning the items array, such as --mock '{}={{\"Return\": [{{\"id\": 1}}, {{\"id\": 2}}]}}'.",
                    st.name, st.name
                ),
            );
            return Err(self.setup_failure(f));
        };
        if defaulted && !self.defaulted.contains(&st.name) {
            self.defaulted.push(st.name.to_string());
        }
        let k = self.invocation(&st.name);
        Ok(match mock.response(k).cloned() {
            Some(MockResponse::Return(Value::Array(mut items))) => {
                items.truncate(max_items);
                Ok(items)
            }
            // A mistake in the mock, not in the workflow: it ends the run as a missing
            // mock does.
            Some(MockResponse::Return(other)) => {
                let f = self.runtime(
                    fr,
                    format!(
                        "The mock of the ItemReader of '{}' must return the items array, as the reader gives them to the iterations (a CSV file's rows as objects, such as [{{\"name\": \"ann\", \"age\": \"30\"}}]), not {}",
                        st.name,
                        to_text(&other)
                    ),
                );
                Err(self.setup_failure(f))
            }
            // The read failed: the Map state fails with the error, which its Retry and
            // Catch see as any other (a `States.Runtime` excepted, as everywhere).
            Some(MockResponse::Throw { error, cause }) => Err(Failure::thrown(error, cause)),
            None => {
                let f = self.runtime(fr, no_response(&st.name, mock, defaulted, k));
                Err(self.setup_failure(f))
            }
        })
    }

    /// The request of a Distributed Map's ResultWriter (`Parameters` in JSONPath,
    /// `Arguments` in JSONata), evaluated as a Task's would be; `None` without one.
    fn writer_request(
        &self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
    ) -> Result<Option<Value>, Failure> {
        let st = fr.st;
        if !st.def.contains_key("ResultWriter") {
            return Ok(None);
        }
        let env = Env::new(self, fr, eff, vars);
        let request = if st.jsonata {
            match st.extra.get("ResultWriter") {
                Some(t) => self.eval_tpl(t, &env)?.get("Arguments").cloned(),
                None => None,
            }
        } else {
            match &st.writer_parameters {
                Some(t) => Some(self.eval_tpl(t, &env)?),
                None => None,
            }
        };
        Ok(Some(request.unwrap_or(Value::Null)))
    }

    /// An ItemBatcher's MaxItemsPerBatch and MaxInputBytesPerBatch (each also as a
    /// `...Path` in JSONPath, or a JSONata expression); either must be a positive integer.
    fn batch_limits(
        &self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &Vars,
        batcher: &Map<String, Value>,
    ) -> Result<(Option<usize>, Option<usize>), Failure> {
        let st = fr.st;
        let evaluated = match st.extra.get("ItemBatcher") {
            Some(t) if st.jsonata => Some(self.eval_tpl(t, &Env::new(self, fr, eff, vars))?),
            _ => None,
        };
        let mut limits = [None, None];
        for (slot, field) in limits
            .iter_mut()
            .zip(["MaxItemsPerBatch", "MaxInputBytesPerBatch"])
        {
            let n = match &evaluated {
                Some(b) => match b.get(field) {
                    None => None,
                    Some(v) => Some(v.as_f64().ok_or_else(|| {
                        self.query_error(
                            fr,
                            format!(
                                "The field '{field}' must evaluate to a number, not {}",
                                to_text(v)
                            ),
                        )
                    })?),
                },
                None => self.path_number(fr, eff, vars, batcher, field)?,
            };
            if let Some(x) = n {
                if x < 1.0 || x.fract() != 0.0 {
                    return Err(self.runtime(
                        fr,
                        format!(
                            "The ItemBatcher field '{field}' must be a positive integer, not {x}"
                        ),
                    ));
                }
                *slot = Some(x as usize);
            }
        }
        Ok((limits[0], limits[1]))
    }

    fn map(&mut self, fr: &Frame<'p>, eff: &Value, vars: &mut Vars) -> Result<Value, Failure> {
        let stop = self.stop_at;
        self.lanes_depth += 1;
        let r = self.map_items(fr, eff, vars);
        self.lanes_depth -= 1;
        self.stop_at = stop;
        if self.lanes_depth == 0 {
            self.spans.clear();
            self.calls.clear();
        }
        r
    }

    fn map_items(
        &mut self,
        fr: &Frame<'p>,
        eff: &Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let st = fr.st;
        let prog = self.prog;
        let child = *st
            .children
            .first()
            .ok_or_else(|| self.runtime(fr, "the Map state has no ItemProcessor"))?;
        let distributed = prog.scopes[child].distributed;
        // Items, and their keys when they are the members of an object.
        let mut keys: Option<Vec<String>> = None;
        // A Distributed Map's items are read by its Map Run: a failed read fails the
        // Map Run (after MapRunStarted), and with it the state.
        let mut read_failure = None;
        let items: Vec<Value> = if st.def.contains_key("ItemReader") {
            match self.read_items(fr, eff, vars)? {
                Ok(items) => items,
                Err(f) if distributed && f.kind == FailKind::Normal => {
                    read_failure = Some(f);
                    Vec::new()
                }
                Err(f) => return Err(f),
            }
        } else if st.jsonata {
            match st.extra.get("Items") {
                Some(t) => {
                    let v = self.eval_tpl(t, &Env::new(self, fr, eff, vars))?;
                    match v {
                        Value::Array(a) => a,
                        other => {
                            return Err(self.query_error(
                                fr,
                                format!(
                                    "The JSONata expression '{}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                                    match t {
                                        Tpl::Jsonata { expr, .. } => expr.src.as_str(),
                                        _ => "",
                                    },
                                    json_type(&other),
                                    to_text(&other)
                                ),
                            ));
                        }
                    }
                }
                None => match eff {
                    Value::Array(a) => a.clone(),
                    other => {
                        return Err(self.query_error(
                            fr,
                            format!(
                                "Map state input must be an array but was: {}",
                                to_text(other)
                            ),
                        ));
                    }
                },
            }
        } else {
            let path = match st.def.get("ItemsPath").and_then(Value::as_str) {
                Some(s) => Path::parse(s).map_err(|e| self.runtime(fr, e))?,
                None => Path::parse("$").expect("root path"),
            };
            let env = Env::new(self, fr, eff, vars);
            let v = env.lookup(&path).map_err(|e| self.runtime(fr, e))?;
            match v.as_ref() {
                Value::Array(a) => a.clone(),
                // "If the input to the Map state is a JSON object, it runs an iteration
                // for each key-value pair" (the developer guide's ItemsPath page).
                Value::Object(o) => {
                    keys = Some(o.keys().cloned().collect());
                    o.values().cloned().collect()
                }
                _ => {
                    return Err(self.runtime(
                        fr,
                        format!("Reference path \"{}\" must point to array.", path.src),
                    ));
                }
            }
        };
        let item_count = items.len();
        // Where a ResultWriter would write: evaluated as the reader's request is, before
        // any child runs.
        let writer = self.writer_request(fr, eff, vars)?;
        // AWS fails a bad MaxConcurrencyPath before MapStateStarted, and a bad
        // ToleratedFailure*Path after it (recorded executions).
        let max_concurrency = self.map_number(fr, eff, vars, "MaxConcurrency")?;
        if let Some(m) = max_concurrency
            && m < 0.0
        {
            return Err(self.runtime(fr, "MaxConcurrency cannot be negative."));
        }
        self.emit(|| ("MapStateStarted".into(), json!({"length": item_count})))?;
        let tol_count = self.map_number(fr, eff, vars, "ToleratedFailureCount")?;
        if tol_count.is_some_and(|c| c < 0.0) {
            return Err(self.runtime(fr, "ToleratedFailureCount cannot be negative."));
        }
        let tol_pct = self.map_number(fr, eff, vars, "ToleratedFailurePercentage")?;
        if tol_pct.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
            return Err(self.runtime(fr, "ToleratedFailurePercentage must be between 0 and 100."));
        }
        // Batching (distributed): each item is selected (ItemSelector) first, then the
        // selected items are grouped; a batch's iteration gets
        // `{"BatchInput": <BatchInput evaluated>, "Items": [...]}`.
        let batcher = st.def.get("ItemBatcher").and_then(Value::as_object);
        let mut selector = st.item_selector.as_ref().or(st.parameters.as_ref());
        let (items, keys) = match batcher {
            Some(b) => {
                let mut selected = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let key = keys.as_ref().map(|k| k[i].clone());
                    selected.push(self.select_item(fr, selector, eff, vars, (i, item, key))?);
                }
                selector = None;
                let (max_items, max_bytes) = self.batch_limits(fr, eff, vars, b)?;
                let batch_input = match &st.batch_input {
                    Some(t) => Some(self.eval_tpl(t, &Env::new(self, fr, eff, vars))?),
                    None => None,
                };
                let batches = batches(selected, batch_input, max_items, max_bytes);
                (batches, None)
            }
            None => (items, keys),
        };
        let len = items.len();
        // The MapRunStarted event of a Distributed Map in the top-level history: its
        // items' child executions are kept under it.
        let mut map_run = None;
        // The state machine a child execution runs: `machine/label` (AWS's qualified
        // name for the Distributed Map state).
        let mut child_machine = String::new();
        // The Map Run's ARN and id (its last part), for a ResultWriter's output.
        let mut run_arn = (String::new(), String::new());
        if distributed {
            let top = self.suppress == 0 && self.opts.history;
            // As AWS names a Map Run: the state machine, the Label (or an id), an id.
            let n = self.events.len() as u64;
            let label = match st.def.get("Label").and_then(Value::as_str) {
                Some(l) => l.to_string(),
                None => uuid_from(intrinsic::splitmix(self.opts.seed ^ 0x3a9 ^ n)),
            };
            let run_id = uuid_from(intrinsic::splitmix(self.opts.seed ^ 0x3aa ^ n));
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{label}:{run_id}",
                self.opts.region, self.opts.account, self.sm_name,
            );
            let id = self.emit(|| ("MapRunStarted".into(), json!({"mapRunArn": arn})))?;
            run_arn = (arn, run_id);
            map_run = top.then_some(id);
            child_machine = format!("{}/{label}", self.sm_name);
        }
        if let Some(f) = read_failure {
            self.map_run_failed(distributed, &f)?;
            return Err(f);
        }
        let mut results = Vec::with_capacity(len);
        let tolerant = tol_count.is_some() || tol_pct.is_some();
        // How many failed iterations fail the Map: the first, unless it tolerates some.
        let threshold = if tolerant {
            (1..=len).find(|&n| {
                tol_count.is_none_or(|c| n as f64 > c)
                    && tol_pct.is_none_or(|p| n as f64 * 100.0 / len.max(1) as f64 > p)
            })
        } else {
            Some(1)
        };
        let mut outer_vars = Vars::new();
        // Each item of a Distributed Map at the top level runs as a child execution
        // with a history of its own (one nested in a child records in the child's).
        let own_child = distributed && self.suppress == 0;
        let name = st.name.clone();
        // The iterations run side by side, each on its own clock: at most MaxConcurrency
        // at a time (0 or none: as many as AWS runs, about 40 iterations of an inline
        // Map, 10,000 child executions of a Distributed one), each starting when the
        // first slot frees. The Map ends when its last iteration does, or at the failure
        // that decides it (then the iterations still running are stopped).
        let t0 = self.now_ms;
        let mark = self.lane_mark();
        let outer_stop = self.stop_at;
        let slots = match max_concurrency {
            Some(m) if m >= 1.0 => m as usize,
            _ if distributed => 10_000,
            _ => 40,
        };
        let mut free: BinaryHeap<Reverse<i64>> =
            std::iter::repeat_n(Reverse(t0), slots.min(len)).collect();
        let mut lanes = Vec::new();
        // Failures that end the Map whatever it tolerates, and failed iterations in
        // the order of time.
        let mut hard: Option<(i64, usize, Failure)> = None;
        let mut failed: Vec<(i64, usize, Failure)> = Vec::new();
        let mut end_ms = t0;
        let mut stopped = false;
        for (i, item) in items.into_iter().enumerate() {
            let Some(Reverse(start)) = free.pop() else {
                break;
            };
            let decided = map_decided(&hard, &failed, threshold).map(|w| w.0);
            if decided.is_some_and(|s| start >= s) {
                break;
            }
            if outer_stop.is_some_and(|s| start >= s) {
                stopped = true;
                break;
            }
            let (events, spans) = (self.history_pos().0, self.spans.len());
            let calls = self.calls.len();
            let seq = self.span_seq;
            self.span_seq += 1;
            self.now_ms = start;
            self.stop_at = min_time(outer_stop, decided);
            let key = keys.as_ref().map(|k| k[i].clone());
            let input = match self.select_item(fr, selector, eff, vars, (i, item, key)) {
                Ok(input) => input,
                Err(f) => {
                    // The Map fails as it starts the iteration.
                    if hard.as_ref().is_none_or(|h| start < h.0) {
                        hard = Some((start, i, f));
                    }
                    lanes.push(Lane {
                        index: i,
                        events: events..self.history_pos().0,
                        spans: spans..self.spans.len(),
                        calls: calls..self.calls.len(),
                        start_ms: start,
                        end: LaneEnd::Failed(start),
                    });
                    free.push(Reverse(start));
                    continue;
                }
            };
            if !distributed {
                self.emit(|| {
                    (
                        "MapIterationStarted".into(),
                        json!({"name": name, "index": i}),
                    )
                })?;
            } else {
                if let Some(id) = map_run {
                    if !self.children_full() {
                        self.child_stack.push(ChildRun {
                            map_run: id,
                            index: i,
                            events: Vec::new(),
                            choices: Vec::new(),
                        });
                    } else {
                        // Past the cap a child would keep nothing but its place in
                        // the list, a million of them as much as their histories.
                        self.omit_child(id, i);
                    }
                }
                if own_child {
                    // A child execution's history starts as any execution's.
                    self.child_ids.push(0);
                    let role = self.role_arn.clone();
                    self.child_event(|| {
                        (
                            "ExecutionStarted".into(),
                            json!({"input": to_text(&input), "inputDetails": {"truncated": false}, "roleArn": role}),
                        )
                    });
                }
                self.suppress += 1;
            }
            let r = if distributed {
                outer_vars.frames.truncate(1);
                outer_vars.frames[0].clear();
                // A child execution has a context of its own: its id and name, its
                // input, its start.
                let parent = own_child.then(|| {
                    let name = uuid_from(intrinsic::splitmix(
                        self.opts.seed ^ 0x3ab ^ (i as u64) ^ ((self.events.len() as u64) << 20),
                    ));
                    let arn = format!(
                        "arn:aws:states:{}:{}:execution:{child_machine}:{name}",
                        self.opts.region, self.opts.account
                    );
                    (
                        std::mem::replace(&mut self.exec_input, input.clone()),
                        std::mem::replace(&mut self.exec_name, name),
                        std::mem::replace(&mut self.exec_arn, arn),
                        std::mem::replace(&mut self.start_ms, self.now_ms),
                    )
                });
                let r = self.run_scope(child, input, &mut outer_vars);
                if let Some((input, name, arn, start)) = parent {
                    self.exec_input = input;
                    self.exec_name = name;
                    self.exec_arn = arn;
                    self.start_ms = start;
                }
                r
            } else {
                vars.frames.push(Map::new());
                let r = self.run_scope(child, input, vars);
                vars.frames.pop();
                r
            };
            if distributed {
                self.suppress -= 1;
                if own_child {
                    // ... and ends as any execution's.
                    match &r {
                        Ok(v) => {
                            self.child_event(|| {
                                (
                                    "ExecutionSucceeded".into(),
                                    json!({"output": to_text(v), "outputDetails": {"truncated": false}}),
                                )
                            });
                        }
                        // The run's time-out, or the failure of another child,
                        // stops the child where it is.
                        Err(f) if matches!(f.kind, FailKind::TimedOut | FailKind::Stopped) => {
                            self.child_event(|| ("ExecutionAborted".into(), json!({})));
                        }
                        Err(f) => {
                            self.child_event(|| ("ExecutionFailed".into(), failed_details(f)));
                        }
                    }
                    self.child_ids.pop();
                }
                if map_run.is_some()
                    && let Some(child) = self.child_stack.pop()
                {
                    self.children.push(child);
                }
            }
            let end = match r {
                Ok(v) => {
                    if !distributed {
                        self.emit(|| {
                            (
                                "MapIterationSucceeded".into(),
                                json!({"name": name, "index": i}),
                            )
                        })?;
                    }
                    results.push(v);
                    end_ms = end_ms.max(self.now_ms);
                    LaneEnd::Done(self.now_ms)
                }
                Err(f) if f.kind == FailKind::Stopped => {
                    stopped = true;
                    LaneEnd::Stopped
                }
                Err(f) => {
                    if self.dead.is_some() {
                        return Err(f);
                    }
                    let t = self.now_ms;
                    // An uncatchable error ends an inline Map's execution; in a
                    // Distributed Map it ends only the child execution it came from,
                    // which the Map Run counts as a failed child as any other. The
                    // execution's time-out ends all.
                    let ends_all = match f.kind {
                        FailKind::Fatal => !distributed,
                        FailKind::TimedOut => true,
                        _ => false,
                    };
                    if ends_all {
                        if hard.as_ref().is_none_or(|h| t < h.0) {
                            hard = Some((t, i, f));
                        }
                    } else {
                        if !distributed {
                            self.emit(|| {
                                (
                                    "MapIterationFailed".into(),
                                    json!({"name": name, "index": i}),
                                )
                            })?;
                            self.abort_failed_task()?;
                        } else {
                            // A child execution's failed Task is the child's: the
                            // parent's history has only the Map Run's events.
                            self.task_aborted = false;
                        }
                        results.push(f.error_output());
                        let at = failed.partition_point(|x| (x.0, x.1) < (t, i));
                        failed.insert(at, (t, i, f));
                    }
                    LaneEnd::Failed(t)
                }
            };
            lanes.push(Lane {
                index: i,
                events: events..self.history_pos().0,
                spans: spans..self.spans.len(),
                calls: calls..self.calls.len(),
                start_ms: start,
                end,
            });
            // The iteration's stretch, for a Parallel or Map this Map runs in.
            let end_ms = match end {
                LaneEnd::Done(e) | LaneEnd::Failed(e) => Some(e),
                LaneEnd::Stopped => None,
            };
            if !distributed && self.lanes_depth > 1 && end_ms != Some(start) {
                self.spans.push(Span {
                    seq,
                    suppress: self.suppress,
                    start_ms: start,
                    end_ms,
                    abort: SpanAbort::Iteration(name.clone(), i),
                });
            }
            free.push(Reverse(self.now_ms));
        }
        self.stop_at = outer_stop;
        if let Some((tf, b)) = map_decided(&hard, &failed, threshold) {
            self.now_ms = tf;
            let (mut f, exceeded) = match hard {
                Some((t, i, f)) if (t, i) == (tf, b) => (f, false),
                _ => {
                    let k = threshold.unwrap_or(1) - 1;
                    let f = failed.swap_remove(k).2;
                    if tolerant || distributed {
                        // A Map Run tolerates no failed child unless told otherwise
                        // (its failure threshold is 0).
                        (exceeded_threshold(), true)
                    } else {
                        (f, false)
                    }
                }
            };
            let aborts = f.kind == FailKind::Normal;
            let iteration = (!distributed).then_some(name.as_str());
            let remap = self.finish_lanes(&mark, &lanes, Some((tf, b)), iteration, aborts)?;
            remap_cause(&mut f, &remap);
            if exceeded {
                self.map_run_failed(distributed, &f)?;
            }
            return Err(f);
        }
        self.finish_lanes(&mark, &lanes, None, None, false)?;
        if stopped && let Some(s) = outer_stop {
            self.now_ms = s;
            return Err(Failure::stopped());
        }
        self.now_ms = end_ms;
        self.map_end(distributed, true)?;
        // A ResultWriter with only a `WriterConfig` previews the results without
        // saving them to S3: they are the state's result, transformed (the developer
        // guide's ResultWriter page).
        let preview = (fr.st.def.get("ResultWriter").and_then(Value::as_object))
            .filter(|w| !w.contains_key("Resource"));
        if distributed && let Some(w) = preview {
            return Ok(preview_results(w, results));
        }
        if distributed && let Some(request) = writer {
            // The results go to `<Prefix>/<Map Run id>/` in the bucket, with the
            // manifest.json that lists them (the developer guide's ResultWriter page).
            let (arn, run_id) = run_arn;
            let mut details = Map::new();
            if let Some(b) = request.get("Bucket") {
                details.insert("Bucket".into(), b.clone());
            }
            let key = match request.get("Prefix").and_then(Value::as_str) {
                Some(p) if !p.is_empty() => {
                    format!("{}/{run_id}/manifest.json", p.trim_end_matches('/'))
                }
                _ => format!("{run_id}/manifest.json"),
            };
            details.insert("Key".into(), Value::String(key));
            return Ok(json!({"MapRunArn": arn, "ResultWriterDetails": details}));
        }
        Ok(Value::Array(results))
    }
}

/// The results of a Distributed Map whose ResultWriter only previews them (a
/// `WriterConfig` without `Resource`): `FLATTEN` splices the items of each result that
/// is an array; `COMPACT` and `NONE` keep the results as they are (the workflow
/// metadata `NONE` adds to each is not simulated).
fn preview_results(writer: &Map<String, Value>, results: Vec<Value>) -> Value {
    let transformation = writer
        .get("WriterConfig")
        .and_then(|c| c.get("Transformation"))
        .and_then(Value::as_str);
    if transformation != Some("FLATTEN") {
        return Value::Array(results);
    }
    let mut flat = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Value::Array(items) => flat.extend(items),
            other => flat.push(other),
        }
    }
    Value::Array(flat)
}

/// A Map whose failed items are more than it tolerates.
fn exceeded_threshold() -> Failure {
    Failure::new(
        "States.ExceedToleratedFailureThreshold",
        "The specified tolerated failure threshold was exceeded".into(),
    )
}

/// The failure that decides a Map (its time and iteration), if one does yet: the
/// earliest of one that ends it whatever it tolerates, and the `threshold`th failed
/// iteration in the order of time.
fn map_decided(
    hard: &Option<(i64, usize, Failure)>,
    failed: &[(i64, usize, Failure)],
    threshold: Option<usize>,
) -> Option<(i64, usize)> {
    let soft = threshold
        .and_then(|k| failed.get(k - 1))
        .map(|f| (f.0, f.1));
    let hard = hard.as_ref().map(|h| (h.0, h.1));
    match (hard, soft) {
        (Some(h), Some(s)) => Some(h.min(s)),
        (h, s) => h.or(s),
    }
}

/// The earlier of two optional times.
fn min_time(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The event id a cause cites ("entered at the event id #N") after the events of a
/// Parallel or Map were put in the order of time (`remap`: old id to new, 0 if dropped).
fn remap_cause(f: &mut Failure, remap: &HashMap<u64, u64>) {
    const AT: &str = "(entered at the event id #";
    let Some(cause) = &mut f.cause else {
        return;
    };
    let Some(at) = cause.find(AT) else {
        return;
    };
    let start = at + AT.len();
    let digits = cause[start..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if let Ok(old) = cause[start..start + digits].parse::<u64>()
        && let Some(&new) = remap.get(&old)
        && new != 0
    {
        cause.replace_range(start..start + digits, &new.to_string());
    }
}

impl Runner<'_> {
    /// The length of the history being recorded (the execution's, or the child
    /// execution's being run) and its last event id.
    fn history_pos(&self) -> (usize, u64) {
        if self.suppress == 0 {
            return (self.events.len(), self.last_id);
        }
        (
            self.child_stack.last().map_or(0, |c| c.events.len()),
            self.child_ids.last().copied().unwrap_or(self.last_id),
        )
    }

    fn lane_mark(&self) -> LaneMark {
        let (events, id) = self.history_pos();
        LaneMark { events, id }
    }

    /// Ends the lanes of a Parallel or Map: their events in the order of time, those
    /// after the failure that decided it (`winner`: its time and lane) dropped, and
    /// with `aborts` what AWS records for the lanes stopped then: `MapIterationAborted`
    /// for an iteration of this Map (`iteration` names it), and the states each was
    /// running, outermost first. Returns how event ids changed (old to new, 0 if dropped).
    fn finish_lanes(
        &mut self,
        mark: &LaneMark,
        lanes: &[Lane],
        winner: Option<(i64, usize)>,
        iteration: Option<&str>,
        aborts: bool,
    ) -> Result<HashMap<u64, u64>, Failure> {
        let remap = self.merge_lanes(mark, lanes, winner);
        // A mocked call after the failure that decided never happened: its number goes
        // back for the next call (a retry of the Parallel or Map).
        if let Some(w) = winner {
            for lane in lanes {
                for (name, t, refunded) in &mut self.calls[lane.calls.clone()] {
                    if !*refunded && !before_cut(lane.index, *t, w) {
                        *refunded = true;
                        if let Some(n) = self.counters.get_mut(name.as_str()) {
                            *n = n.saturating_sub(1);
                        }
                    }
                }
            }
        }
        let Some(w) = winner.filter(|_| aborts) else {
            return Ok(remap);
        };
        for lane in lanes {
            if lane.index == w.1 || !before_cut(lane.index, lane.start_ms, w) {
                continue;
            }
            let finished = match lane.end {
                LaneEnd::Done(e) | LaneEnd::Failed(e) => before_cut(lane.index, e, w),
                LaneEnd::Stopped => false,
            };
            if finished {
                continue;
            }
            let mut open: Vec<(u64, SpanAbort)> = self.spans[lane.spans.clone()]
                .iter()
                .filter(|s| {
                    s.suppress == self.suppress
                        && before_cut(lane.index, s.start_ms, w)
                        && !s.end_ms.is_some_and(|e| before_cut(lane.index, e, w))
                })
                .map(|s| (s.seq, s.abort.clone()))
                .collect();
            open.sort_by_key(|o| o.0);
            let iteration = iteration.map(|name| SpanAbort::Iteration(name.into(), lane.index));
            for abort in iteration.into_iter().chain(open.into_iter().map(|o| o.1)) {
                self.emit(|| match abort {
                    SpanAbort::State(kind) => (kind.into(), Value::Null),
                    SpanAbort::Iteration(name, index) => (
                        "MapIterationAborted".into(),
                        json!({"name": name, "index": index}),
                    ),
                })?;
            }
        }
        Ok(remap)
    }

    /// The events of `lanes` (recorded lane after lane since `mark`) in the order of
    /// time, those of a lower lane first at the same time; those after `winner` dropped;
    /// renumbered, with the references to their ids.
    fn merge_lanes(
        &mut self,
        mark: &LaneMark,
        lanes: &[Lane],
        winner: Option<(i64, usize)>,
    ) -> HashMap<u64, u64> {
        let mut remap = HashMap::new();
        let (events, counter, choices) = if self.suppress == 0 {
            if !self.opts.history {
                return remap;
            }
            (&mut self.events, &mut self.last_id, &mut self.choices)
        } else {
            match (self.child_stack.last_mut(), self.child_ids.last_mut()) {
                (Some(c), Some(n)) => (&mut c.events, n, &mut c.choices),
                _ => return remap,
            }
        };
        // Only when each event since the mark is kept (no cap on a child's events hit).
        if lanes.is_empty()
            || events.len() < mark.events
            || (events.len() - mark.events) as u64 != counter.saturating_sub(mark.id)
        {
            return remap;
        }
        let cut = winner.map(|(tf, b)| (format_millis(tf), b));
        let mut tagged: Vec<(usize, Event)> = Vec::with_capacity(events.len() - mark.events);
        let mut li = 0;
        for (pos, e) in events.drain(mark.events..).enumerate() {
            let abs = mark.events + pos;
            while li + 1 < lanes.len() && abs >= lanes[li].events.end {
                li += 1;
            }
            let lane = lanes[li].index;
            match &cut {
                Some((tf, b)) if !before_cut(lane, e.timestamp.as_str(), (tf.as_str(), *b)) => {
                    remap.insert(e.id, 0);
                }
                _ => tagged.push((lane, e)),
            }
        }
        tagged.sort_by(|a, b| a.1.timestamp.cmp(&b.1.timestamp).then(a.0.cmp(&b.0)));
        let mut id = mark.id;
        for (_, mut e) in tagged {
            id += 1;
            if e.id != id {
                remap.insert(e.id, id);
            }
            e.id = id;
            e.previous_event_id = id - 1;
            events.push(e);
        }
        *counter = id;
        if remap.is_empty() {
            return remap;
        }
        let moved = |old: &mut u64| match remap.get(old) {
            Some(0) => false,
            Some(&new) => {
                *old = new;
                true
            }
            None => true,
        };
        choices.retain_mut(|(id, _)| moved(id));
        choices.sort_by_key(|c| c.0);
        if self.suppress == 0 {
            self.fail_states.retain_mut(|(id, _, _)| moved(id));
            self.fail_states.sort_by_key(|f| f.0);
            self.quiet_retries.retain_mut(|q| moved(&mut q.after_event));
            self.quiet_retries.sort_by_key(|q| q.after_event);
            self.children.retain_mut(|c| moved(&mut c.map_run));
            self.children_omitted.retain_mut(|o| moved(&mut o.map_run));
        }
        remap
    }

    /// After the run ended inside Parallel branches or Map iterations (the history limit,
    /// a missing mock), their events stay as they were recorded, lane after lane, never
    /// merged: puts the history in the order of time (a stable sort: at the same time in
    /// recorded order, the lower branch first, as the merge does), renumbers it with the
    /// references to its ids; the clock moves to its last event either way.
    fn order_by_time(&mut self) {
        if !self.opts.history {
            return;
        }
        // The failure comes after every event recorded, whichever branch was cut.
        if let Some(last) = self.events.iter().map(|e| &e.timestamp).max()
            && let Some(ns) = super::time::parse_rfc3339(last)
        {
            self.now_ms = self.now_ms.max((ns / 1_000_000) as i64);
        }
        if self
            .events
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
        {
            return;
        }
        self.events.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
        let base = self.events.first().map_or(1, |e| e.id);
        let mut remap: HashMap<u64, u64> = HashMap::new();
        for (i, e) in self.events.iter_mut().enumerate() {
            let id = base + i as u64;
            if e.id != id {
                remap.insert(e.id, id);
            }
            e.id = id;
            e.previous_event_id = id - 1;
        }
        let new = |old: &mut u64| {
            if let Some(&n) = remap.get(old) {
                *old = n;
            }
        };
        self.choices.iter_mut().for_each(|c| new(&mut c.0));
        self.choices.sort_by_key(|c| c.0);
        self.fail_states.iter_mut().for_each(|f| new(&mut f.0));
        self.fail_states.sort_by_key(|f| f.0);
        self.quiet_retries
            .iter_mut()
            .for_each(|q| new(&mut q.after_event));
        self.quiet_retries.sort_by_key(|q| q.after_event);
        self.children.iter_mut().for_each(|c| new(&mut c.map_run));
        self.children_omitted
            .iter_mut()
            .for_each(|o| new(&mut o.map_run));
    }

    /// The number of this call of the mocked state `name` (0 for its first), counted
    /// over the whole execution.
    fn invocation(&mut self, name: &str) -> u64 {
        let n = self.counters.entry(name.to_string()).or_insert(0);
        let k = *n;
        *n += 1;
        if self.lanes_depth > 0 {
            self.calls.push((name.to_string(), self.now_ms, false));
        }
        k
    }

    /// `TaskStateAborted` for the Task whose uncaught failure ended a branch or an
    /// iteration (recorded on AWS: after `TaskFailed` in a Parallel branch, after
    /// `MapIterationFailed` in a Map); a Fail state ends its branch with no such event.
    fn abort_failed_task(&mut self) -> Result<(), Failure> {
        if std::mem::take(&mut self.task_aborted) {
            self.emit(|| ("TaskStateAborted".into(), Value::Null))?;
        }
        Ok(())
    }

    /// Notes that item `index` of the Map Run of event `map_run` keeps no child history.
    fn omit_child(&mut self, map_run: u64, index: usize) {
        match self.children_omitted.last_mut() {
            Some(o) if o.map_run == map_run => o.count += 1,
            _ => self.children_omitted.push(super::OmittedChildren {
                map_run,
                first: index,
                count: 1,
            }),
        }
    }

    /// `MapRunFailed` with the error and cause the Map state fails with (the API's
    /// MapRunFailedEventDetails; the semantics notes, section 11).
    fn map_run_failed(&mut self, distributed: bool, f: &Failure) -> Result<(), Failure> {
        if distributed {
            self.emit(|| ("MapRunFailed".into(), failed_details(f)))?;
        }
        Ok(())
    }

    /// Records `EvaluationFailed` for a JSONata error the first time it surfaces.
    fn report_evaluation(&mut self, st: &CState, f: &mut Failure) -> Result<(), Failure> {
        if f.reported || f.error.as_deref() != Some("States.QueryEvaluationError") {
            return Ok(());
        }
        f.reported = true;
        let (error, cause) = (f.error.clone(), f.cause.clone());
        self.emit(|| {
            let mut d = json!({"error": error, "cause": cause, "state": st.name});
            // The field whose expression failed, as the cause names it (`... specified
            // for the field 'Output/result' ...`): AWS records it as the location.
            if let Some(location) = cause.as_deref().and_then(failed_field) {
                d["location"] = Value::String(location.to_string());
            }
            ("EvaluationFailed".into(), d)
        })?;
        Ok(())
    }

    /// A Task/Map/Parallel failure that will not be retried: EvaluationFailed and
    /// `MapStateFailed`/`ParallelStateFailed` as AWS records them.
    fn final_failure(&mut self, st: &CState, f: &mut Failure) -> Result<(), Failure> {
        if f.kind != FailKind::Normal {
            return Ok(());
        }
        self.report_evaluation(st, f)?;
        match st.ty {
            StateType::Map => self
                .emit(|| ("MapStateFailed".into(), Value::Null))
                .map(|_| ()),
            StateType::Parallel => self
                .emit(|| ("ParallelStateFailed".into(), Value::Null))
                .map(|_| ()),
            _ => Ok(()),
        }
    }

    /// `MapRunSucceeded|Failed` (distributed) then `MapStateSucceeded|Failed`.
    fn map_end(&mut self, distributed: bool, ok: bool) -> Result<(), Failure> {
        if distributed {
            let kind = if ok {
                "MapRunSucceeded"
            } else {
                "MapRunFailed"
            };
            self.emit(|| (kind.into(), Value::Null))?;
        }
        let kind = if ok {
            "MapStateSucceeded"
        } else {
            "MapStateFailed"
        };
        self.emit(|| (kind.into(), Value::Null))?;
        Ok(())
    }
}

use crate::expr::json_type_name as json_type;

fn operand_bool(o: &Operand) -> bool {
    match o {
        Operand::Lit(Value::Bool(b)) => *b,
        _ => true,
    }
}

/// The `resourceType` and `resource` of a service-integration ARN
/// (`arn:aws:states:::sqs:sendMessage.waitForTaskToken` → `sqs`, `sendMessage.waitForTaskToken`).
/// `arn:PARTITION:states:REGION:ACCOUNT:activity:NAME`: a Task that an activity worker
/// does, not a service integration.
fn is_activity_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", _, "states", _, _, "activity", name] if !name.is_empty()
    )
}

fn resource_type(arn: &str) -> (String, String) {
    let rest = arn.strip_prefix("arn:aws:states:::").unwrap_or(arn);
    let rest = rest.strip_prefix("aws-sdk:").unwrap_or(rest);
    match rest.split_once(':') {
        Some((svc, action)) => (svc.to_string(), action.to_string()),
        None => (rest.to_string(), String::new()),
    }
}

fn merge_into(target: &mut Value, over: &Value) {
    match (target, over) {
        (Value::Object(t), Value::Object(o)) => {
            for (k, v) in o {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_into(existing, v)
                    }
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, o) => *t = o.clone(),
    }
}

fn uuid_from(seed: u64) -> String {
    let a = seed;
    let b = intrinsic::splitmix(seed);
    let h = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// A Terraform reference to a Lambda function's ARN left in a definition
/// (`${aws_lambda_function.worker.arn}`, from `Resource = aws_lambda_function.worker.arn`
/// in a `jsonencode`): the function is called as Lambda, as once deployed.
fn is_terraform_function_arn(resource: &str) -> bool {
    let Some((reference, rest)) = resource.strip_prefix("${").and_then(|r| r.split_once('}'))
    else {
        return false;
    };
    // A qualifier after it (`${aws_lambda_function.f.arn}:live`) names a version or alias.
    let qualified = rest.is_empty()
        || rest.strip_prefix(':').is_some_and(|q| {
            !q.is_empty()
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'$')
        });
    let mut parts = reference.split('.');
    let (Some(kind), Some(name), Some(attribute), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    qualified
        && !name.is_empty()
        && !name.contains(['$', '{'])
        && match kind {
            "aws_lambda_function" => matches!(attribute, "arn" | "qualified_arn"),
            "aws_lambda_alias" => attribute == "arn",
            _ => false,
        }
}

#[cfg(test)]
mod terraform_arn_tests {
    use super::is_terraform_function_arn as lambda;

    #[test]
    fn terraform_references_to_lambda_functions() {
        for yes in [
            "${aws_lambda_function.worker.arn}",
            "${aws_lambda_function.worker.qualified_arn}",
            "${aws_lambda_function.worker.arn}:live",
            "${aws_lambda_function.worker.arn}:$LATEST",
            "${aws_lambda_alias.live.arn}",
        ] {
            assert!(lambda(yes), "{yes}");
        }
        for no in [
            "${aws_lambda_function.worker.invoke_arn}",
            "${aws_sqs_queue.q.arn}",
            "${aws_lambda_function.worker.arn}:",
            "${aws_lambda_function.worker.arn}/x",
            "${aws_lambda_function.arn}",
            "${var.fn_arn}",
            "arn:aws:states:::lambda:invoke",
        ] {
            assert!(!lambda(no), "{no}");
        }
    }
}
