//! The story of a run told from its history: the text trace `simulate` prints (what each
//! state did, each failure's fate) and the overlay `simulate --format svg|mermaid|dot`
//! draws over the state graph (how each state ended, which transitions were taken).
//! Both come from one walk over the events, so they cannot disagree.

use std::fmt::Write as _;

use serde_json::Value;

use super::{ChildRun, Event, Execution, OmittedChildren, Status};
use crate::graph::draw::{RunOverlay, Visit};

fn detail<'a>(e: &'a super::Event, key: &str) -> &'a str {
    e.details.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The longest data (a state's input or output, a call's parameters or result) the
/// trace shows on a line, in bytes: a 200 KB payload would bury the path.
const SHOWN_BYTES: usize = 2_000;

/// `text`, cut after about [`SHOWN_BYTES`] bytes (at a character boundary) with a
/// note of what was left out.
fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= SHOWN_BYTES {
        return text.into();
    }
    let mut end = SHOWN_BYTES * 3 / 4;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}... ({} more bytes; --format json shows them all)",
        &text[..end],
        text.len() - end
    )
    .into()
}

/// The data `key` of an event, [`shortened`].
fn shown<'a>(e: &'a super::Event, key: &str) -> std::borrow::Cow<'a, str> {
    shortened(detail(e, key))
}

/// A state the trace has entered and not yet left.
struct Open<'a> {
    name: &'a str,
    /// The event type's prefix: `Task`, `Map`, `Wait`, ...
    ty: &'a str,
    entered_ms: Option<i128>,
    retries: u32,
    /// A catcher took its error: it leaves through the catcher's Next.
    caught: bool,
    /// The request of its last call shown: a retry whose request differs (it reads
    /// `$$.State.RetryCount`) is shown again.
    request: &'a str,
}

/// What became of a failure: the event that follows it says whether the state is
/// tried again (and after how long on the virtual clock) or a catcher took it.
enum Fate {
    /// Tried again: the failing state itself, or (`container`) the Map or Parallel
    /// state it is in.
    Retried {
        after_ms: Option<i128>,
        container: bool,
    },
    Caught,
    Other,
}

fn millis(e: &super::Event) -> Option<i128> {
    super::time::parse_rfc3339(&e.timestamp).map(|ns| ns / 1_000_000)
}

/// The events in the order the simulator recorded them, branch after branch and
/// iteration after iteration ([`Event::order`]): what the trace tells, one state inside
/// the other (the history has them in the order of time).
fn recorded_order(events: &[Event]) -> std::borrow::Cow<'_, [Event]> {
    if events.is_sorted_by_key(|e| e.order) {
        return std::borrow::Cow::Borrowed(events);
    }
    let mut events = events.to_vec();
    events.sort_by_key(|e| e.order);
    std::borrow::Cow::Owned(events)
}

fn fate(events: &[super::Event], i: usize) -> Fate {
    // A failed iteration stops the others before the Map state fails or starts again.
    let next = events[i + 1..].iter().find(|e| {
        e.kind != "MapIterationFailed" && e.kind != "MapRunFailed" && !e.kind.ends_with("Aborted")
    });
    let Some(next) = next else {
        return Fate::Other;
    };
    let after_ms = || millis(next).zip(millis(&events[i])).map(|(b, a)| b - a);
    match next.kind.as_str() {
        "TaskScheduled" | "LambdaFunctionScheduled" | "ActivityScheduled" => Fate::Retried {
            after_ms: after_ms(),
            container: false,
        },
        "MapStateStarted" | "ParallelStateStarted" => Fate::Retried {
            after_ms: after_ms(),
            container: true,
        },
        k if k.ends_with("StateExited") => Fate::Caught,
        _ => Fate::Other,
    }
}

/// A failure as the trace shows it: `Error: cause`, `Error`, or `(no error)`.
fn failure_text((error, cause): (&str, &str)) -> String {
    let error = if error.is_empty() {
        "(no error)"
    } else {
        error
    };
    if cause.is_empty() {
        error.to_string()
    } else {
        format!("{error}: {}", shortened(cause))
    }
}

/// A duration on the virtual clock, in the largest units that keep it exact enough
/// to read: `250 ms`, `2 s`, `1.5 s`, `5 min`, `1 h 30 min`.
fn duration(ms: i128) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        return format!("{} s", s.trim_end_matches('0').trim_end_matches('.'));
    }
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

/// The human-readable trace: one line per state entered with its input; under it what
/// a Task sent to the service and got back, the variables a state assigned, how long a
/// Wait waited, failures with whether they were retried (after how long) or caught,
/// which Choice rule matched, and the state's output; the result last.
pub fn text_report(exec: &Execution) -> String {
    walk(exec, &mut RunOverlay::default())
}

/// How each state of a run ended and the transitions it took, to draw over the graph.
pub fn run_overlay(exec: &Execution) -> RunOverlay {
    let mut run = RunOverlay::default();
    walk(exec, &mut run);
    run
}

/// A history to tell: the execution's, or a Distributed Map child execution's.
#[derive(Clone, Copy)]
struct History<'a> {
    events: &'a [Event],
    choices: &'a [(u64, Option<usize>)],
    children: &'a [ChildRun],
    children_omitted: &'a [OmittedChildren],
    fail_states: &'a [(u64, Option<String>, Option<String>)],
    quiet_retries: &'a [super::QuietRetry],
    /// The states `--mock-default` answered for.
    defaulted: &'a [String],
}

/// Reads the history once: the text trace, and the run for the graph into `run`.
fn walk(exec: &Execution, run: &mut RunOverlay) -> String {
    let mut s = String::new();
    let events = recorded_order(&exec.events);
    let history = History {
        events: &events,
        choices: &exec.choices,
        children: &exec.children,
        children_omitted: &exec.children_omitted,
        fail_states: &exec.fail_states,
        quiet_retries: &exec.quiet_retries,
        defaulted: &exec.defaulted,
    };
    let open = walk_events(&mut s, history, 0, run);
    // A failed run ends in the states still open (a Choice that matched no rule, a
    // path that failed to apply).
    if exec.status != Status::Succeeded {
        for name in open {
            run.visit(name, Visit::Failed);
        }
    }
    result_lines(&mut s, exec);
    s
}

/// Tells `history` into `s`, indented `base` levels; returns the states left open (a
/// run that failed ended in them).
fn walk_events<'a>(
    s: &mut String,
    history: History<'a>,
    base: usize,
    run: &mut RunOverlay,
) -> Vec<&'a str> {
    // The state just left and the nesting it was left at: the next state entered at
    // that nesting is where its transition went.
    let mut left: Option<(&str, usize, bool)> = None;
    let mut depth = base;
    let mut open: Vec<Open> = Vec::new();
    // The last error shown, for a Map or Parallel state that fails because of it.
    let mut last_error: (&str, &str) = ("", "");
    // A failure's line already said that the Map or Parallel state around it is
    // tried again.
    let mut retry_told = false;
    let is_container = |o: &Open| o.ty == "Map" || o.ty == "Parallel";
    for (i, e) in history.events.iter().enumerate() {
        if i > 0 {
            tell_quiet_retries(s, &history, history.events[i - 1].id, depth, &mut open);
        }
        let k = e.kind.as_str();
        // A Map or Parallel state started again without a failure event before it (a
        // Fail state inside ended the branch or iteration): tell the retry here.
        if let Some(ty) = k.strip_suffix("StateStarted")
            && matches!(ty, "Map" | "Parallel")
            && i > 0
            && history.events[i - 1].kind != format!("{ty}StateEntered")
        {
            if retry_told {
                retry_told = false;
            } else {
                while open.last().is_some_and(|o| !is_container(o)) {
                    if let Some(o) = open.pop() {
                        run.visit(o.name, Visit::Failed);
                    }
                }
                if ty == "Parallel" {
                    depth = depth.saturating_sub(1);
                }
                let after = millis(e)
                    .zip(millis(&history.events[i - 1]))
                    .map(|(b, a)| format!(" after {}", duration(b - a)));
                if let Some(o) = open.last_mut() {
                    o.retries += 1;
                    let _ = writeln!(
                        s,
                        "{}  ! {}  (retry {} of \"{}\"{})",
                        "  ".repeat(depth),
                        failure_text(last_error),
                        o.retries,
                        o.name,
                        after.unwrap_or_default()
                    );
                }
            }
        }
        if k == "MapRunFailed" {
            // What the Map state fails with: its MapStateFailed, next, tells it.
            last_error = (detail(e, "error"), detail(e, "cause"));
        }
        let pad = "  ".repeat(depth);
        if let Some(ty) = k.strip_suffix("StateEntered") {
            let name = detail(e, "name");
            // A state `--mock-default` answered for is marked where it is entered.
            let mark = if history.defaulted.iter().any(|d| d == name) {
                "  [--mock-default]"
            } else {
                ""
            };
            let _ = writeln!(s, "{pad}{name} ({ty}){mark}  input: {}", shown(e, "input"));
            if let Some((from, at, caught)) = left.take()
                && at == open.len()
            {
                run.taken
                    .insert((from.to_string(), name.to_string(), caught));
            }
            if ty == "Fail" {
                run.visit(name, Visit::Failed);
                if let Ok(at) = history.fail_states.binary_search_by_key(&e.id, |f| f.0) {
                    let (_, error, cause) = &history.fail_states[at];
                    last_error = (
                        error.as_deref().unwrap_or(""),
                        cause.as_deref().unwrap_or(""),
                    );
                }
            } else {
                open.push(Open {
                    name,
                    ty,
                    entered_ms: millis(e),
                    retries: 0,
                    caught: false,
                    request: "",
                });
            }
        } else if let Some(ty) = k.strip_suffix("StateExited") {
            let state = open.pop();
            if let Some(o) = &state {
                run.visit(o.name, Visit::Succeeded);
                left = Some((o.name, open.len(), o.caught));
            }
            let entered = state.and_then(|o| o.entered_ms);
            if let (true, Some((from, to))) = (ty == "Wait", entered.zip(millis(e))) {
                let _ = writeln!(s, "{pad}  waited {}", duration(to - from));
            }
            if let Some(vars) = e
                .details
                .get("assignedVariables")
                .and_then(Value::as_object)
            {
                for (name, value) in vars {
                    let value = shortened(value.as_str().unwrap_or(""));
                    let _ = writeln!(s, "{pad}  ${name} = {value}");
                }
            }
            let _ = writeln!(s, "{pad}  -> output: {}", shown(e, "output"));
            let taken = history
                .choices
                .binary_search_by_key(&e.id, |c| c.0)
                .map(|i| history.choices[i]);
            match taken.ok() {
                Some((_, Some(rule))) => {
                    let _ = writeln!(s, "{pad}  -> Choices[{rule}] matched");
                }
                Some((_, None)) => {
                    let _ = writeln!(s, "{pad}  -> no rule matched: Default");
                }
                None => {}
            }
        } else if k == "TaskScheduled" || k == "LambdaFunctionScheduled" || k == "ActivityScheduled"
        {
            // A retry that sends the same request again: show it once.
            let request = detail(
                e,
                if k == "TaskScheduled" {
                    "parameters"
                } else {
                    "input"
                },
            );
            if open
                .last()
                .is_none_or(|o| o.retries == 0 || o.request != request)
            {
                let request = shortened(request);
                let _ = if k == "TaskScheduled" {
                    // `lambda:invoke`; a resource the run could not name (a placeholder)
                    // has no type.
                    let called = [detail(e, "resourceType"), detail(e, "resource")]
                        .into_iter()
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(":");
                    writeln!(s, "{pad}  call {called}  parameters: {request}")
                } else {
                    writeln!(s, "{pad}  call {}  input: {request}", detail(e, "resource"))
                };
            }
            if let Some(o) = open.last_mut() {
                o.request = request;
            }
        } else if k == "TaskSucceeded" || k == "LambdaFunctionSucceeded" || k == "ActivitySucceeded"
        {
            let _ = writeln!(s, "{pad}  result: {}", shown(e, "output"));
        } else if matches!(
            k,
            "TaskFailed"
                | "TaskTimedOut"
                | "LambdaFunctionFailed"
                | "LambdaFunctionTimedOut"
                | "ActivityFailed"
                | "ActivityTimedOut"
                | "EvaluationFailed"
                | "MapStateFailed"
                | "ParallelStateFailed"
        ) {
            let own = k == "MapStateFailed" || k == "ParallelStateFailed";
            if own {
                // States inside that ended without an event (a Choice that matched no
                // rule) are over too.
                while open.last().is_some_and(|o| !is_container(o)) {
                    if let Some(o) = open.pop() {
                        run.visit(o.name, Visit::Failed);
                    }
                }
            }
            if k == "ParallelStateFailed" {
                depth = depth.saturating_sub(1);
            }
            if !own {
                last_error = (detail(e, "error"), detail(e, "cause"));
                // A Map or Parallel state's own expression failed: its Failed event,
                // next, tells what became of it.
                let top_fails_next = matches!(
                    history.events.get(i + 1).map(|n| n.kind.as_str()),
                    Some("MapStateFailed" | "ParallelStateFailed")
                ) && open
                    .last()
                    .is_some_and(|o| o.name == detail(e, "state") && is_container(o));
                if top_fails_next {
                    continue;
                }
            }
            let pad = "  ".repeat(depth);
            let (error, cause) = last_error;
            let shown = match fate(history.events, i) {
                Fate::Retried {
                    after_ms,
                    container,
                } => {
                    let mut of = String::new();
                    retry_told = container;
                    if container {
                        // The failing state is over; the Map or Parallel state around
                        // it starts again.
                        if let Some(o) = open.pop() {
                            run.visit(o.name, Visit::Failed);
                        }
                        while open.last().is_some_and(|o| !is_container(o)) {
                            open.pop();
                        }
                        if open.last().is_some_and(|o| o.ty == "Parallel") {
                            depth = depth.saturating_sub(1);
                        }
                    }
                    let n = open.last_mut().map_or(1, |o| {
                        if container {
                            of = format!(" of \"{}\"", o.name);
                        }
                        o.retries += 1;
                        o.retries
                    });
                    let after = after_ms.map(|ms| format!(" after {}", duration(ms)));
                    Some(format!("  (retry {n}{of}{})", after.unwrap_or_default()))
                }
                Fate::Caught => {
                    if let Some(o) = open.last_mut() {
                        run.visit(o.name, Visit::Caught);
                        o.caught = true;
                    }
                    Some("  (caught)".to_string())
                }
                Fate::Other => {
                    let retries = open.pop().map_or(0, |o| {
                        run.visit(o.name, Visit::Failed);
                        o.retries
                    });
                    // A Map or Parallel state failing because a state inside failed:
                    // that failure is already shown, unless it was retried.
                    match retries {
                        0 => (!own).then(String::new),
                        n => Some(format!("  (no retry left after {n})")),
                    }
                }
            };
            if let Some(fate) = shown {
                let _ = writeln!(s, "{pad}  ! {}{fate}", failure_text((error, cause)));
            }
        } else if k.starts_with("Map") || k.starts_with("Parallel") {
            // Entering a branch or an iteration is no transition.
            left = None;
        }
        if k == "MapRunStarted" {
            // A Distributed Map's items, each in a child execution of its own.
            for child in history.children.iter().filter(|c| c.map_run == e.id) {
                let _ = writeln!(s, "{pad}  [item {}, child execution]", child.index);
                let events = recorded_order(&child.events);
                let inner = History {
                    events: &events,
                    choices: &child.choices,
                    children: &[],
                    children_omitted: &[],
                    fail_states: &[],
                    quiet_retries: &[],
                    defaulted: history.defaulted,
                };
                for name in walk_events(s, inner, depth + 2, run) {
                    run.visit(name, Visit::Failed);
                }
                // How the child execution failed, as the run's own failure is told.
                if let Some(e) = child.events.last()
                    && e.kind == "ExecutionFailed"
                {
                    let d = &e.details;
                    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("");
                    let _ = writeln!(
                        s,
                        "{pad}    ! child execution failed: {}",
                        failure_text((text("error"), text("cause")))
                    );
                }
            }
            for o in history
                .children_omitted
                .iter()
                .filter(|o| o.map_run == e.id)
            {
                let items = match o.count {
                    1 => format!("item {}", o.first),
                    n => format!("items {} to {}", o.first, o.first + n - 1),
                };
                let _ = writeln!(
                    s,
                    "{pad}  [{items}, child executions not shown: the trace keeps up to 200,000 events of child executions, in half the memory its history may take]"
                );
            }
        }
        if k == "MapIterationStarted" {
            let _ = writeln!(
                s,
                "{pad}  [iteration {}]",
                e.details.get("index").unwrap_or(&Value::Null)
            );
            depth += 2;
        } else if k.starts_with("MapIteration") {
            depth = depth.saturating_sub(2);
        } else if k == "ParallelStateStarted" {
            depth += 1;
        } else if k == "ParallelStateSucceeded" {
            depth = depth.saturating_sub(1);
        }
    }
    if let Some(last) = history.events.last() {
        tell_quiet_retries(s, &history, last.id, depth, &mut open);
    }
    open.iter().map(|o| o.name).collect()
}

/// The retries made right after event `after`, of failures with no event of their own
/// ([`super::Execution::quiet_retries`]), as the line of a failed task that is retried.
fn tell_quiet_retries(
    s: &mut String,
    history: &History<'_>,
    after: u64,
    depth: usize,
    open: &mut [Open<'_>],
) {
    let at = history
        .quiet_retries
        .partition_point(|q| q.after_event < after);
    for q in history.quiet_retries[at..]
        .iter()
        .take_while(|q| q.after_event == after)
    {
        let n = open.last_mut().map_or(1, |o| {
            o.retries += 1;
            o.retries
        });
        let _ = writeln!(
            s,
            "{}  ! {}  (retry {n} after {})",
            "  ".repeat(depth),
            failure_text((&q.error, &q.cause)),
            duration(q.delay_ms as i128)
        );
    }
}

/// The status lines of [`walk`].
fn result_lines(s: &mut String, exec: &Execution) {
    let transitions = match exec.transitions {
        1 => "1 transition".to_string(),
        n => format!("{n} transitions"),
    };
    match exec.status {
        Status::Succeeded => {
            let _ = writeln!(
                s,
                "SUCCEEDED after {transitions}; output: {}",
                exec.output
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            );
        }
        Status::Failed => {
            // The error and cause come from the definition or a mock: never raw
            // control characters to the terminal.
            use crate::syntax::text::printable;
            let _ = writeln!(
                s,
                "FAILED after {transitions}: {}: {}",
                printable(exec.error.as_deref().unwrap_or("(no error)")),
                printable(exec.cause.as_deref().unwrap_or("(no cause)"))
            );
        }
        Status::TimedOut => match &exec.cause {
            Some(cause) => {
                let cause = crate::syntax::text::printable(cause);
                let _ = writeln!(s, "TIMED_OUT after {transitions}: {cause}");
            }
            // AWS's year, not a TimeoutSeconds the definition sets: say so.
            None if exec.deadline == super::Deadline::StandardYear => {
                let _ = writeln!(
                    s,
                    "TIMED_OUT after {transitions}: a Standard execution runs at most one year (the definition sets no shorter TimeoutSeconds)"
                );
            }
            None => {
                let _ = writeln!(s, "TIMED_OUT after {transitions}");
            }
        },
    }
}
