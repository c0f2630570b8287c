//! Dry-run simulator: runs a state machine on a virtual clock with mocked Task results,
//! reproducing AWS Step Functions' data flow, errors and execution history.
//!
//! ```
//! use asl_lint::simulate::{simulate, SimulationOptions, Status};
//! let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}}"#;
//! let run = simulate(def, &SimulationOptions::default()).unwrap();
//! assert_eq!(run.status, Status::Succeeded);
//! assert_eq!(run.output, Some(serde_json::json!(1)));
//! ```

mod choice;
pub mod cli;
mod compile;
mod engine;
mod intrinsic;
mod jsonata;
mod mock;
mod path;
mod time;
mod trace;

use serde_json::{Value, json};

use crate::syntax::{self, SourceKind};

pub use cli::{SimulateArgs, run_cli};
pub use mock::{MockConfig, MockResponse, Mocks, StateMock};
pub use time::{format_millis, parse_rfc3339};

/// Reads JSON text the run is given (the execution input, mocks, context, variables, a
/// number in an intrinsic function, the argument of `States.StringToJson`) as AWS's
/// Jackson reads it: the integer `-0` (no fraction, no exponent) is the integer 0, where
/// serde_json reads it as the double -0.0 (recorded: `States.StringToJson("-0")` gives
/// `0`). `-0.0` and `-0e0` stay doubles. Errors are serde_json's, at the same place.
pub(crate) fn parse_json(text: &str) -> serde_json::Result<Value> {
    let v = serde_json::from_str(text)?;
    match without_integer_minus_zero(text) {
        // Only the sign of a valid token went: it parses, to the same value but 0.
        Some(fixed) => serde_json::from_str(&fixed),
        None => Ok(v),
    }
}

/// `text` with the sign of each integer `-0` outside strings replaced by a space (so
/// that positions stay), or `None` when it has none.
fn without_integer_minus_zero(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut signs = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // A number's sign (an exponent's follows `e`), then `0` that nothing of a
            // number follows.
            b'-' if !in_string
                && b.get(i + 1) == Some(&b'0')
                && !matches!(b.get(i + 2), Some(b'0'..=b'9' | b'.' | b'e' | b'E'))
                && (i == 0 || !matches!(b[i - 1], b'e' | b'E')) =>
            {
                signs.push(i);
            }
            _ => {}
        }
        i += 1;
    }
    if signs.is_empty() {
        return None;
    }
    let mut fixed = text.to_string();
    for i in signs {
        fixed.replace_range(i..i + 1, " ");
    }
    Some(fixed)
}

/// Standard or express workflow (express: no history-event limit, 5-minute duration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

/// Everything a run needs besides the definition.
#[derive(Clone, Debug)]
pub struct SimulationOptions {
    /// Execution input (default `{}`).
    pub input: Value,
    pub mocks: Mocks,
    /// Fields merged over the context object (`$$`), e.g. `{"Execution": {"Name": "x"}}`.
    pub context: Option<Value>,
    pub account: String,
    pub region: String,
    /// Virtual start time, milliseconds since the epoch (default: now).
    pub start_time_ms: Option<i64>,
    /// Keep history events (off: only count them, for speed and memory).
    pub history: bool,
    /// History-event limit; `None` = the default of the machine type, `Some(0)` = none.
    pub max_events: Option<u64>,
    /// The run fails (`States.Runtime`, its cause saying why) once it has made more than
    /// this many state transitions in which no time passed, counted over its branches,
    /// iterations and child executions until one of them reaches a later time than any
    /// had (default 10,000,000: seconds of work, a few for a loop, up to ten for nested
    /// Map states). It ends, whatever the history limit, a loop without an exit that
    /// keeps no history and Map states nested so that their iterations multiply.
    pub max_still_transitions: u64,
    /// The run fails (`States.Runtime`) before the history it keeps would take more
    /// than this many bytes of memory, as reckoned from the text of each event and 1 KiB
    /// for the rest of it (default 512 MiB: 500,000 events of small states, or 2,000
    /// holding 256 KiB inputs). Whatever the history limit; no history, no limit.
    pub max_history_bytes: usize,
    pub machine_type: MachineType,
    /// Seed for jitter, `States.MathRandom`, `States.UUID` and the execution name.
    pub seed: u64,
    pub execution_name: Option<String>,
    pub state_machine_name: String,
    /// Start at this top-level state instead of `StartAt` (to run the end of a
    /// workflow without mocking the states before it).
    pub start_at: Option<String>,
    /// Workflow variables set when the execution starts, as earlier states would have
    /// assigned them (with `start_at`).
    pub variables: serde_json::Map<String, Value>,
}

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            input: json!({}),
            mocks: Mocks::default(),
            context: None,
            account: "123456789012".into(),
            region: "us-east-1".into(),
            start_time_ms: None,
            history: true,
            max_events: None,
            max_still_transitions: 10_000_000,
            max_history_bytes: 512 * 1024 * 1024,
            machine_type: MachineType::Standard,
            seed: 0,
            execution_name: None,
            state_machine_name: "StateMachine".into(),
            start_at: None,
            variables: serde_json::Map::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Succeeded,
    Failed,
    TimedOut,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
        }
    }
}

/// One history event, AWS GetExecutionHistory style.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// ISO-8601 time on the virtual clock.
    pub timestamp: String,
    /// The event type, e.g. `PassStateEntered`.
    pub kind: String,
    /// The details object (`Null` when the type has none).
    pub details: Value,
    /// The order the simulator recorded it in: branch after branch of a Parallel,
    /// iteration after iteration of a Map, as the trace tells the run (`id` numbers the
    /// events in the order of time, as AWS does, branches and iterations interleaved).
    pub order: u64,
}

impl Event {
    /// The name of the details member AWS uses for this type.
    pub fn details_key(&self) -> String {
        let k = &self.kind;
        if k.ends_with("StateEntered") {
            return "stateEnteredEventDetails".into();
        }
        if k.ends_with("StateExited") {
            return "stateExitedEventDetails".into();
        }
        if k.starts_with("MapIteration") {
            return format!("{}EventDetails", lower_first(k));
        }
        format!("{}EventDetails", lower_first(k))
    }

    /// The AWS JSON shape: `{id, previousEventId, timestamp, type, <x>EventDetails}`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(EventJson(self)).unwrap_or(Value::Null)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// A failure retried with no event of its own in the history ([`Execution::quiet_retries`]).
#[derive(Clone, Debug, PartialEq)]
pub struct QuietRetry {
    /// The id of the last event recorded before the retry.
    pub after_event: u64,
    pub error: String,
    pub cause: String,
    /// How long the retrier waited.
    pub delay_ms: i64,
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub status: Status,
    /// The output (SUCCEEDED only).
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Empty when history was off.
    pub events: Vec<Event>,
    /// Number of states entered.
    pub transitions: u64,
    /// The Choice rule each Choice state took (its index in `Choices`, `None` for
    /// `Default`), by the id of the `ChoiceStateExited` event. Empty without history.
    pub choices: Vec<(u64, Option<usize>)>,
    /// The child executions of the Distributed Map states the history records (not
    /// part of it, as on AWS), in the order they ran, until they hold 200,000 events
    /// in all, or take half of [`SimulationOptions::max_history_bytes`]. Empty without
    /// history.
    pub children: Vec<ChildRun>,
    /// The items whose child executions came after that and are not in `children`.
    pub children_omitted: Vec<OmittedChildren>,
    /// The error and cause of each Fail state the top-level history entered, by the
    /// id of its `FailStateEntered` event (AWS records them only when the execution
    /// fails there): for the trace of a Parallel or Map state that a Fail state inside
    /// made fail. Empty without history.
    pub fail_states: Vec<(u64, Option<String>, Option<String>)>,
    /// The failures retried without an event of their own in the history (a JSONata
    /// expression of a Task, Map or Parallel state that failed), in the order of the
    /// event each came after: for the trace, which would otherwise show a state run
    /// twice with no reason. Empty without history.
    pub quiet_retries: Vec<QuietRetry>,
    /// The run stopped at a mistake of its mocks, not of the workflow: a Task or an
    /// ItemReader with no mock, a mock with no response for a call, an ItemReader mock
    /// that returns no items array (the failure is `States.Runtime`, its cause says which).
    pub mock_problem: bool,
    /// The states that `--mock-default` answered for (no mock of their own), in the
    /// order of their first call.
    pub defaulted: Vec<String>,
    /// The simulator itself ended the run, where AWS would not have (`None` when the
    /// run ended as it would on AWS).
    pub stopped_by: Option<StopReason>,
    /// The time limit of the execution (which a `TIMED_OUT` run reached).
    pub deadline: Deadline,
}

/// Why the simulator itself ended a run that AWS would not have ended so: the run's
/// status and error (`FAILED`, `States.Runtime`) look like a failure of the workflow,
/// and are not one (`--format json`: `"stoppedBy": "asl-lint"`, and this as
/// `"stopReason"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// A Task or ItemReader with no mock, a mock with no response for a call, or an
    /// ItemReader mock that returns no items array ([`Execution::mock_problem`]).
    Mock,
    /// [`SimulationOptions::max_still_transitions`] made without time passing.
    TransitionLimit,
    /// A run with no history limit made 100,000 transitions in a loop (or, keeping its
    /// history, anywhere) without time passing.
    Loop,
    /// The history kept would take more than [`SimulationOptions::max_history_bytes`].
    MemoryLimit,
    /// A history-event limit other than AWS's (25,000 events for a Standard execution,
    /// none for an Express one) was reached: [`SimulationOptions::max_events`].
    EventLimit,
}

impl StopReason {
    /// Its name in `--format json`'s `stopReason`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Mock => "mock",
            StopReason::TransitionLimit => "transition-limit",
            StopReason::Loop => "loop",
            StopReason::MemoryLimit => "memory-limit",
            StopReason::EventLimit => "event-limit",
        }
    }
}

/// The time limit of an execution, which it times out at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// The definition's `TimeoutSeconds`.
    TimeoutSeconds,
    /// The year a Standard execution may last at most.
    StandardYear,
    /// The five minutes an Express execution may last at most.
    ExpressFiveMinutes,
}

/// The history of one item's child execution of a Distributed Map state.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildRun {
    /// The id of the `MapRunStarted` event of the run it belongs to.
    pub map_run: u64,
    /// The item's index.
    pub index: usize,
    /// Its states' events, numbered from 1 (a Distributed Map inside records here too).
    pub events: Vec<Event>,
    /// As [`Execution::choices`], by the ids of `events`.
    pub choices: Vec<(u64, Option<usize>)>,
}

/// Items of a Map Run whose child executions are not kept (see
/// [`Execution::children_omitted`]).
#[derive(Clone, Debug, PartialEq)]
pub struct OmittedChildren {
    /// The id of the `MapRunStarted` event of the run.
    pub map_run: u64,
    /// The index of the first such item; the others follow it.
    pub first: usize,
    /// How many there are.
    pub count: usize,
}

impl Execution {
    /// The `--format json` document.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(ExecutionJson(self)).unwrap_or(Value::Null)
    }

    /// [`Execution::to_json`] as indented text, written out as it is made: a long
    /// history held as values besides its text would take the memory twice over.
    ///
    /// Values nested deeper than [`INDENTED_LEVELS`] are written on one line (indenting
    /// each of 20,000 levels by its depth made 800 MB of text out of 40 KB), on a thread
    /// with a large stack (serde recurses once per level; JSONata can build a value
    /// 50,000 levels deep).
    pub fn to_json_text(&self) -> String {
        let write = || {
            let mut text = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut text, Indented::default());
            let _ = serde::Serialize::serialize(&ExecutionJson(self), &mut ser);
            String::from_utf8(text).unwrap_or_default()
        };
        on_large_stack("asl-simulate-json", write).unwrap_or_default()
    }
}

/// `f` on a thread with a [`RUN_STACK`] stack (or on this one when no thread can be
/// made); `None` when it panicked.
fn on_large_stack<T: Send>(name: &str, f: impl FnOnce() -> T + Send + Copy) -> Option<T> {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name(name.into())
            .stack_size(RUN_STACK)
            .spawn_scoped(scope, f)
        {
            Ok(handle) => handle.join().ok(),
            Err(_) => Some(f()),
        }
    })
}

/// How many levels of the `--format json` report are indented; deeper values are
/// written on one line.
const INDENTED_LEVELS: usize = 24;

/// serde_json's pretty layout (two spaces a level) down to [`INDENTED_LEVELS`], then
/// compact.
#[derive(Default)]
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn line(&self, w: &mut (impl std::io::Write + ?Sized), level: usize) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open(&mut self, w: &mut (impl std::io::Write + ?Sized), c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close(&mut self, w: &mut (impl std::io::Write + ?Sized), c: &[u8]) -> std::io::Result<()> {
        let own = self.level;
        self.level -= 1;
        if self.has_value && own <= INDENTED_LEVELS {
            self.line(w, self.level)?;
        }
        w.write_all(c)
    }

    fn item(&mut self, w: &mut (impl std::io::Write + ?Sized), first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.level <= INDENTED_LEVELS {
            self.line(w, self.level)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.level <= INDENTED_LEVELS {
            b": "
        } else {
            b":"
        })
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The JSON form of an [`Execution`], written member by member.
struct ExecutionJson<'a>(&'a Execution);

impl serde::Serialize for ExecutionJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let x = self.0;
        let len =
            9 + if x.stopped_by.is_some() { 2 } else { 0 } + usize::from(!x.defaulted.is_empty());
        let mut m = s.serialize_map(Some(len))?;
        m.serialize_entry("status", x.status.as_str())?;
        m.serialize_entry("output", x.output.as_ref().unwrap_or(&Value::Null))?;
        m.serialize_entry("error", &x.error)?;
        m.serialize_entry("cause", &x.cause)?;
        // Only when the simulator ended the run: a script tells it from the workflow's
        // own failure by this, not by the cause text.
        if let Some(reason) = x.stopped_by {
            m.serialize_entry("stoppedBy", "asl-lint")?;
            m.serialize_entry("stopReason", reason.as_str())?;
        }
        // The states `--mock-default` answered for (their Task calls, a Map's
        // ItemReader), in the order they first used it.
        if !x.defaulted.is_empty() {
            m.serialize_entry("mockDefault", &x.defaulted)?;
        }
        m.serialize_entry("events", &EventsJson(&x.events))?;
        m.serialize_entry("transitions", &x.transitions)?;
        m.serialize_entry("choices", &ChoicesJson(&x.choices))?;
        m.serialize_entry("childExecutions", &ChildrenJson(&x.children))?;
        let omitted: usize = x.children_omitted.iter().map(|o| o.count).sum();
        m.serialize_entry("childExecutionsOmitted", &omitted)?;
        m.end()
    }
}

struct EventsJson<'a>(&'a [Event]);

impl serde::Serialize for EventsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(EventJson))
    }
}

/// [`Event::to_json`], written member by member.
struct EventJson<'a>(&'a Event);

impl serde::Serialize for EventJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &e.id)?;
        m.serialize_entry("previousEventId", &e.previous_event_id)?;
        m.serialize_entry("timestamp", &e.timestamp)?;
        m.serialize_entry("type", &e.kind)?;
        if !e.details.is_null() {
            m.serialize_entry(&e.details_key(), &e.details)?;
        }
        m.end()
    }
}

struct ChoicesJson<'a>(&'a [(u64, Option<usize>)]);

impl serde::Serialize for ChoicesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|(event, rule)| json!({"eventId": event, "rule": rule})),
        )
    }
}

struct ChildrenJson<'a>(&'a [ChildRun]);

impl serde::Serialize for ChildrenJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Child<'a>(&'a ChildRun);
        impl serde::Serialize for Child<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let c = self.0;
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("mapRunStartedEventId", &c.map_run)?;
                m.serialize_entry("index", &c.index)?;
                m.serialize_entry("events", &EventsJson(&c.events))?;
                m.serialize_entry("choices", &ChoicesJson(&c.choices))?;
                m.end()
            }
        }
        s.collect_seq(self.0.iter().map(Child))
    }
}

/// Why a run could not start.
#[derive(Clone, Debug, PartialEq)]
pub enum SimulationError {
    /// The definition has errors (each a message with its position where known).
    Definition(Vec<String>),
    /// The options do not fit the definition (a `start_at` that names no top-level
    /// state).
    Options(String),
}

impl std::fmt::Display for SimulationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimulationError::Definition(errs) => {
                writeln!(f, "the definition cannot be simulated:")?;
                for e in errs {
                    writeln!(f, "  {e}")?;
                }
                Ok(())
            }
            SimulationError::Options(e) => writeln!(f, "{e}"),
        }
    }
}

impl std::error::Error for SimulationError {}

/// Errors that stop a definition from being simulated: the linter's error-severity
/// diagnostics (every rule, as `asl-lint check` runs them), as `line:column: CODE message`,
/// except those of [`crate::rules::RUN_TIME_ERRORS`], whose failure the run shows.
/// `machine_type` is the workflow type the run is for (some integrations are Standard's
/// only).
pub fn lint_errors(text: &str, kind: SourceKind, machine_type: MachineType) -> Vec<String> {
    let env = crate::embed::Environment {
        workflow: Some(match machine_type {
            MachineType::Standard => crate::rules::WorkflowType::Standard,
            MachineType::Express => crate::rules::WorkflowType::Express,
        }),
        ..Default::default()
    };
    let options = crate::lint::LintOptions::default();
    let diagnostics = crate::lint::lint_text_in(text, kind, &options, &env);
    let index = syntax::LineIndex::new(text);
    diagnostics
        .iter()
        .filter(|d| {
            d.severity == crate::diagnostics::Severity::Error
                && !crate::rules::RUN_TIME_ERRORS.contains(&d.code)
        })
        .map(|d| {
            let lc = index.line_col(text, d.range.start);
            format!("{}:{}: {} {}", lc.line, lc.column, d.code, d.message)
        })
        .collect()
}

/// Runs a definition (JSON or YAML text, told apart by its content).
pub fn simulate(definition: &str, opts: &SimulationOptions) -> Result<Execution, SimulationError> {
    simulate_as(definition, syntax::detect_kind(None, definition), opts)
}

/// Runs a definition read as `kind` (chosen from its file name as `check` does).
pub fn simulate_as(
    definition: &str,
    kind: SourceKind,
    opts: &SimulationOptions,
) -> Result<Execution, SimulationError> {
    let errs = lint_errors(definition, kind, opts.machine_type);
    if !errs.is_empty() {
        return Err(SimulationError::Definition(errs));
    }
    // A JSON definition is read as AWS's Jackson reads it (the integer `-0` is 0); the
    // tree keeps serde_json's reading for the linter.
    if kind == SourceKind::Json
        && let Ok(value) = parse_json(definition)
    {
        return simulate_value(&value, opts);
    }
    let doc = syntax::parse(definition, kind);
    let root = doc.root.as_ref().expect("checked by lint_errors");
    simulate_value(&root.to_json(), opts)
}

/// Runs a definition already converted to JSON (it must have passed [`lint_errors`]).
pub fn simulate_value(
    definition: &Value,
    opts: &SimulationOptions,
) -> Result<Execution, SimulationError> {
    // The run gets a thread with a large stack: nested Map/Parallel scopes and JSONata
    // evaluation recurse (bounded by the definition and JSONata's depth limit).
    on_large_stack("asl-simulate", || run_on_this_thread(definition, opts)).unwrap_or_else(|| {
        Err(SimulationError::Definition(vec![
            "internal error: the simulation panicked".into(),
        ]))
    })
}

/// Stack of the simulation thread (reserved address space, touched only as needed).
const RUN_STACK: usize = 256 * 1024 * 1024;

fn run_on_this_thread(
    definition: &Value,
    opts: &SimulationOptions,
) -> Result<Execution, SimulationError> {
    let mut prog =
        compile::compile(definition).map_err(|e| SimulationError::Definition(vec![e]))?;
    if let Some(name) = &opts.start_at {
        prog.scopes[0].start = start_state(&prog, name)?;
    }
    check_thrown_errors(&prog, &opts.mocks)?;
    let mut runner = engine::Runner::new(&prog, opts, &opts.mocks, opts.input.clone());
    let end = runner.run();
    let (status, output, error, cause) = match end.output {
        Ok(v) => (Status::Succeeded, Some(v), None, None),
        Err(f) if f.kind == engine::FailKind::TimedOut => (Status::TimedOut, None, None, f.cause),
        Err(f) => {
            // As the ExecutionFailed event has it: AWS records no cause for a time-out
            // whose cause is empty.
            let timeout = f.error.as_deref() == Some("States.Timeout");
            let cause = f.cause.filter(|c| !(timeout && c.is_empty()));
            (Status::Failed, None, f.error, cause)
        }
    };
    let mut events = std::mem::take(&mut runner.events);
    link_events(&mut events);
    let mut children = std::mem::take(&mut runner.children);
    for child in &mut children {
        link_events(&mut child.events);
    }
    Ok(Execution {
        status,
        output,
        error,
        cause,
        events,
        choices: std::mem::take(&mut runner.choices),
        children,
        children_omitted: std::mem::take(&mut runner.children_omitted),
        fail_states: std::mem::take(&mut runner.fail_states),
        quiet_retries: std::mem::take(&mut runner.quiet_retries),
        transitions: runner.transitions,
        mock_problem: runner.mock_problem,
        defaulted: std::mem::take(&mut runner.defaulted),
        stopped_by: runner.stopped_by.filter(|_| status != Status::Succeeded),
        deadline: runner.deadline,
    })
}

/// Sets each event's `previousEventId` as AWS links them (localstack's AWS-recorded
/// base scenarios): the event before it, except that the first state entered follows
/// no event (0), and that an event closing an iteration or a state is skipped by the
/// event after it, which points where that one did: the next `MapIterationStarted`
/// points to the last event of the iteration before, a `MapStateFailed` (or a retry's
/// `MapStateStarted`) to the event that failed the iteration, a `MapStateExited` or
/// `ParallelStateExited` past the `...StateSucceeded` before it.
fn link_events(events: &mut [Event]) {
    for i in 0..events.len() {
        let id = events[i].id;
        let mut previous = id.saturating_sub(1);
        if let Some(before) = i.checked_sub(1).map(|j| &events[j])
            && before.id + 1 == id
        {
            let skipped = matches!(
                (events[i].kind.as_str(), before.kind.as_str()),
                ("MapIterationStarted", "MapIterationSucceeded")
                    | ("MapStateFailed" | "MapStateStarted", "MapIterationFailed")
                    | ("MapStateExited", "MapStateSucceeded")
                    | ("ParallelStateExited", "ParallelStateSucceeded")
            );
            if skipped {
                previous = before.previous_event_id;
            } else if before.kind == "ExecutionStarted" {
                previous = 0;
            }
        }
        events[i].previous_event_id = previous;
    }
}

/// Refuses a mocked failure with no error name (`{"Throw": {}}`, a slip for
/// `{"Throw": {"Error": ...}}`), which Step Functions Local requires: every failed task
/// has one on AWS, except a `.waitForTaskToken` task whose callback was sent without
/// one (AWS then records none, and a catcher reads `"Error": null`).
fn check_thrown_errors(prog: &compile::Program, mocks: &Mocks) -> Result<(), SimulationError> {
    for st in prog.scopes.iter().flat_map(|scope| &scope.states) {
        let Some(invocations) = mocks
            .states
            .get(&st.name)
            .and_then(StateMock::nameless_throw)
        else {
            continue;
        };
        let callback = st.ty == crate::model::StateType::Task
            && st
                .def
                .get("Resource")
                .and_then(Value::as_str)
                .is_some_and(|r| r.ends_with(".waitForTaskToken"));
        if callback {
            continue;
        }
        let which = match invocations.as_str() {
            "" => String::new(),
            n if n.contains('-') => format!(" for invocations {n}"),
            n => format!(" for invocation {n}"),
        };
        return Err(SimulationError::Options(format!(
            "the mock of \"{}\" throws no Error{which}: a failed task has an error name, and \
             Step Functions Local requires one ({{\"Throw\": {{\"Error\": \"States.TaskFailed\", \
             \"Cause\": \"...\"}}}}); only a .waitForTaskToken task whose callback sends none \
             fails without one",
            st.name
        )));
    }
    Ok(())
}

/// The index of the top-level state `name`, or why it cannot start the execution.
fn start_state(prog: &compile::Program, name: &str) -> Result<usize, SimulationError> {
    if let Some(i) = prog.scopes[0].states.iter().position(|s| s.name == name) {
        return Ok(i);
    }
    let inner = prog.scopes[1..]
        .iter()
        .any(|scope| scope.states.iter().any(|s| s.name == name));
    let message = if name.is_empty() {
        "--start-at needs the name of a top-level state".to_string()
    } else if inner {
        format!(
            "--start-at names \"{name}\", a state inside a Parallel or Map state; \
             an execution can start only at a top-level state"
        )
    } else {
        let top = prog.scopes[0].states.iter().map(|s| s.name.as_str());
        let hint = crate::rules::did_you_mean(name, top)
            .map_or(String::new(), |c| format!(" (did you mean \"{c}\"?)"));
        format!("--start-at names \"{name}\", which is not a state of the definition{hint}")
    };
    Err(SimulationError::Options(message))
}

#[cfg(test)]
mod tests;
