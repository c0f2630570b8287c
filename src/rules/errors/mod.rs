//! 5xx: Retry and Catch.
pub mod catch_drops_input;
pub mod ineffective_retrier;
pub mod shadowed_error_handler;
pub mod states_all_not_last;
pub mod uncaught_errors;
pub mod unknown_error_name;
pub mod unmatchable_error_name;

use crate::model::State;
use crate::syntax::{Member, Node};

/// The predefined error names (`States.Http.StatusCode.<code>` and other
/// `States.Http.*` names are matched by prefix).
pub(crate) const KNOWN_STATES_ERRORS: &[&str] = &[
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
];

/// Errors that no retrier or catcher ever sees: they end the execution. Not
/// `States.DataLimitExceeded`: the developer guide says `States.ALL` cannot catch it, but
/// executions recorded on AWS show a Task's too-large result caught both by a catcher
/// naming it and by `States.ALL` (as the simulator does).
pub(crate) const UNCATCHABLE: &[&str] = &["States.Runtime"];

/// One `Retry` or `Catch` list of a state.
pub(crate) struct HandlerList<'a, 's> {
    /// "Retry" or "Catch".
    pub field: &'static str,
    /// Each entry and its `ErrorEquals` elements (empty when absent or not an array).
    pub entries: Vec<(&'a Node<'s>, &'a [Node<'s>])>,
    /// The list itself, when it is an array.
    pub array: Option<&'a Node<'s>>,
}

impl HandlerList<'_, '_> {
    /// The position of `entry` in the array as written (elements that are not
    /// objects count too).
    pub fn index_of(&self, entry: &Node<'_>) -> Option<usize> {
        self.array?
            .as_array()?
            .iter()
            .position(|e| e.range == entry.range)
    }

    /// "retrier" or "catcher".
    pub fn noun(&self) -> &'static str {
        if self.field == "Retry" {
            "retrier"
        } else {
            "catcher"
        }
    }
}

/// The Retry and Catch lists of a state (of any type: misplaced lists are ASL110's).
pub(crate) fn handler_lists<'a, 's>(state: &State<'a, 's>) -> [HandlerList<'a, 's>; 2] {
    // The model found each entry's `ErrorEquals` already: no scan of the entries.
    let names = |error_equals: Option<&'a Member<'s>>| -> &'a [Node<'s>] {
        error_equals.and_then(|m| m.value.as_array()).unwrap_or(&[])
    };
    let array = |field: &str| {
        state
            .field(field)
            .map(|m| &m.value)
            .filter(|v| v.as_array().is_some())
    };
    [
        HandlerList {
            field: "Retry",
            entries: state
                .retriers
                .iter()
                .map(|r| (r.node, names(r.error_equals)))
                .collect(),
            array: array("Retry"),
        },
        HandlerList {
            field: "Catch",
            entries: state
                .catchers
                .iter()
                .map(|c| (c.node, names(c.error_equals)))
                .collect(),
            array: array("Catch"),
        },
    ]
}
