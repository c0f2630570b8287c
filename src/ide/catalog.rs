//! What the editor needs to know about the language itself: which fields each state type
//! takes (and in which query language), what state types, intrinsic functions, service
//! integration ARNs and JSONata functions there are, each with a one-line description.
//! Written from the Amazon States Language specification and the Step Functions
//! developer guide.

use crate::model::{QueryLanguage, StateType};

/// A set of state types, as bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Types(u8);

impl Types {
    pub const TASK: Types = Types(1);
    pub const PASS: Types = Types(2);
    pub const CHOICE: Types = Types(4);
    pub const WAIT: Types = Types(8);
    pub const SUCCEED: Types = Types(16);
    pub const FAIL: Types = Types(32);
    pub const PARALLEL: Types = Types(64);
    pub const MAP: Types = Types(128);
    pub const ALL: Types = Types(255);

    const fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub fn contains(self, t: StateType) -> bool {
        self.0 & Types::of(t).0 != 0
    }

    pub fn of(t: StateType) -> Types {
        match t {
            StateType::Task => Types::TASK,
            StateType::Pass => Types::PASS,
            StateType::Choice => Types::CHOICE,
            StateType::Wait => Types::WAIT,
            StateType::Succeed => Types::SUCCEED,
            StateType::Fail => Types::FAIL,
            StateType::Parallel => Types::PARALLEL,
            StateType::Map => Types::MAP,
        }
    }

    /// The names of the types in the set, e.g. "Task, Parallel, Map".
    pub fn describe(self) -> String {
        if self == Types::ALL {
            return "every state type".to_string();
        }
        StateType::ALL
            .iter()
            .filter(|t| self.contains(**t))
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What kind of value a field takes, for snippets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    String,
    Number,
    Bool,
    Object,
    Array,
    /// A string or an object (JSONata `Output`, `Arguments`, ...).
    Any,
}

/// One field of a state.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub types: Types,
    /// `Some` when the field exists only in that query language.
    pub only: Option<QueryLanguage>,
    pub shape: Shape,
    pub doc: &'static str,
}

const JP: Option<QueryLanguage> = Some(QueryLanguage::JsonPath);
const JA: Option<QueryLanguage> = Some(QueryLanguage::JsonAta);
const NOT_FAIL: Types = Types(Types::ALL.0 & !Types::FAIL.0);
const TRANSITIONING: Types = Types::TASK
    .or(Types::PASS)
    .or(Types::WAIT)
    .or(Types::PARALLEL)
    .or(Types::MAP);
const WORKERS: Types = Types::TASK.or(Types::PARALLEL).or(Types::MAP);

macro_rules! field {
    ($name:literal, $types:expr, $only:expr, $shape:ident, $doc:literal) => {
        Field {
            name: $name,
            types: $types,
            only: $only,
            shape: Shape::$shape,
            doc: $doc,
        }
    };
}

/// Every state field, in the order completion offers them.
pub static STATE_FIELDS: &[Field] = &[
    field!(
        "Type",
        Types::ALL,
        None,
        String,
        "The state's type: Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map. Required."
    ),
    field!(
        "Comment",
        Types::ALL,
        None,
        String,
        "A human-readable description of the state."
    ),
    field!(
        "QueryLanguage",
        Types::ALL,
        None,
        String,
        "`JSONPath` or `JSONata`: the language of this state's expressions, overriding the state machine's."
    ),
    field!(
        "Next",
        TRANSITIONING,
        None,
        String,
        "The name of the state to run next, in the same scope. Exactly one of `Next` and `\"End\": true`."
    ),
    field!(
        "End",
        TRANSITIONING,
        None,
        Bool,
        "`true` makes this a terminal state: the execution (or branch, or iteration) ends when it completes."
    ),
    field!(
        "Resource",
        Types::TASK,
        None,
        String,
        "The ARN of the work to do: a service integration (`arn:aws:states:::service:action`), a Lambda function, or an activity. Required."
    ),
    // A JSONata Map has no `Arguments`: each iteration's input comes from `ItemSelector`.
    field!(
        "Arguments",
        Types::TASK.or(Types::PARALLEL),
        JA,
        Any,
        "JSONata: the input passed to the resource (Task) or to each branch (Parallel)."
    ),
    field!(
        "Parameters",
        Types::TASK
            .or(Types::PASS)
            .or(Types::PARALLEL)
            .or(Types::MAP),
        JP,
        Object,
        "JSONPath: builds the effective input. Keys ending in `.$` take a path or an intrinsic function."
    ),
    field!(
        "Result",
        Types::PASS,
        JP,
        Any,
        "The fixed output of a Pass state, placed by `ResultPath`."
    ),
    field!(
        "ResultSelector",
        WORKERS,
        JP,
        Object,
        "JSONPath: reshapes the raw result before `ResultPath` is applied."
    ),
    field!(
        "ResultPath",
        Types::TASK
            .or(Types::PASS)
            .or(Types::PARALLEL)
            .or(Types::MAP),
        JP,
        String,
        "JSONPath: where in the state input to put the result (`null` discards it, `$` replaces the input)."
    ),
    field!(
        "InputPath",
        NOT_FAIL,
        JP,
        String,
        "JSONPath: selects the part of the state input to use (`$` by default)."
    ),
    field!(
        "OutputPath",
        NOT_FAIL,
        JP,
        String,
        "JSONPath: selects the part of the result to pass on (`$` by default)."
    ),
    field!(
        "Output",
        NOT_FAIL,
        JA,
        Any,
        "JSONata: the state output, an expression or a value with `{% %}` expressions."
    ),
    field!(
        "Assign",
        NOT_FAIL.and_not(Types::SUCCEED),
        None,
        Object,
        "Variables to set when the state completes, visible to later states (`$name`)."
    ),
    field!(
        "Retry",
        WORKERS,
        None,
        Array,
        "Retriers: which errors to retry, how often and with what backoff."
    ),
    field!(
        "Catch",
        WORKERS,
        None,
        Array,
        "Catchers: on which errors to go to a fallback state (after retries are exhausted)."
    ),
    field!(
        "TimeoutSeconds",
        Types::TASK,
        None,
        Number,
        "Maximum run time of the task in seconds (default 99999999); exceeding it raises States.Timeout."
    ),
    field!(
        "TimeoutSecondsPath",
        Types::TASK,
        JP,
        String,
        "JSONPath: reference path to the timeout in the input."
    ),
    field!(
        "HeartbeatSeconds",
        Types::TASK,
        None,
        Number,
        "Maximum time between heartbeats; must be smaller than TimeoutSeconds."
    ),
    field!(
        "HeartbeatSecondsPath",
        Types::TASK,
        JP,
        String,
        "JSONPath: reference path to the heartbeat interval in the input."
    ),
    field!(
        "Credentials",
        Types::TASK,
        None,
        Object,
        "A role to assume for the task (`RoleArn` or `RoleArn.$`)."
    ),
    field!(
        "Choices",
        Types::CHOICE,
        None,
        Array,
        "The choice rules, tried in order; the first that matches names the next state."
    ),
    field!(
        "Default",
        Types::CHOICE,
        None,
        String,
        "The state to go to when no choice rule matches (otherwise States.NoChoiceMatched)."
    ),
    field!(
        "Seconds",
        Types::WAIT,
        None,
        Number,
        "How many seconds to wait."
    ),
    field!(
        "SecondsPath",
        Types::WAIT,
        JP,
        String,
        "JSONPath: reference path to the number of seconds in the input."
    ),
    field!(
        "Timestamp",
        Types::WAIT,
        None,
        String,
        "Wait until this time (RFC 3339, e.g. `2026-01-01T00:00:00Z`)."
    ),
    field!(
        "TimestampPath",
        Types::WAIT,
        JP,
        String,
        "JSONPath: reference path to the timestamp in the input."
    ),
    field!(
        "Error",
        Types::FAIL,
        None,
        String,
        "The error name the failure reports."
    ),
    field!(
        "ErrorPath",
        Types::FAIL,
        JP,
        String,
        "JSONPath: reference path to the error name in the input."
    ),
    field!(
        "Cause",
        Types::FAIL,
        None,
        String,
        "A human-readable cause of the failure."
    ),
    field!(
        "CausePath",
        Types::FAIL,
        JP,
        String,
        "JSONPath: reference path to the cause in the input."
    ),
    field!(
        "Branches",
        Types::PARALLEL,
        None,
        Array,
        "The branches to run in parallel, each a state machine with `StartAt` and `States`."
    ),
    field!(
        "ItemProcessor",
        Types::MAP,
        None,
        Object,
        "The state machine run for each item: `ProcessorConfig`, `StartAt`, `States`."
    ),
    field!(
        "Iterator",
        Types::MAP,
        None,
        Object,
        "Deprecated: the old name of `ItemProcessor`."
    ),
    field!(
        "ItemsPath",
        Types::MAP,
        JP,
        String,
        "JSONPath: the array in the input to iterate over (`$` by default)."
    ),
    field!(
        "Items",
        Types::MAP,
        JA,
        Any,
        "JSONata: the array to iterate over."
    ),
    field!(
        "ItemReader",
        Types::MAP,
        None,
        Object,
        "Distributed Map: reads items from S3 (a JSON/CSV file, an object listing, an inventory)."
    ),
    field!(
        "ItemSelector",
        Types::MAP,
        None,
        Object,
        "Builds each iteration's input from the item (`$$.Map.Item.Value`) and the state input."
    ),
    field!(
        "ItemBatcher",
        Types::MAP,
        None,
        Object,
        "Distributed Map: groups items into batches (`MaxItemsPerBatch`, `MaxInputBytesPerBatch`)."
    ),
    field!(
        "ResultWriter",
        Types::MAP,
        None,
        Object,
        "Distributed Map: writes the child executions' results to S3."
    ),
    field!(
        "MaxConcurrency",
        Types::MAP,
        None,
        Number,
        "Upper bound on concurrent iterations (0 means as many as possible)."
    ),
    field!(
        "MaxConcurrencyPath",
        Types::MAP,
        JP,
        String,
        "JSONPath: reference path to MaxConcurrency in the input."
    ),
    field!(
        "ToleratedFailurePercentage",
        Types::MAP,
        None,
        Number,
        "Distributed Map: the percentage of failed items tolerated (0-100)."
    ),
    field!(
        "ToleratedFailurePercentagePath",
        Types::MAP,
        JP,
        String,
        "JSONPath: reference path to the tolerated failure percentage."
    ),
    field!(
        "ToleratedFailureCount",
        Types::MAP,
        None,
        Number,
        "Distributed Map: the number of failed items tolerated."
    ),
    field!(
        "ToleratedFailureCountPath",
        Types::MAP,
        JP,
        String,
        "JSONPath: reference path to the tolerated failure count."
    ),
    field!(
        "Label",
        Types::MAP,
        None,
        String,
        "Distributed Map: a label for the child executions' names."
    ),
];

impl Types {
    const fn and_not(self, other: Types) -> Types {
        Types(self.0 & !other.0)
    }
}

/// Groups of state fields of which a state may set only one (ASL105 for Next and End,
/// ASL116 for the others): completion leaves out the rest of a group once one is set.
pub static EXCLUSIVE_STATE_FIELDS: &[&[&str]] = &[
    &["Next", "End"],
    &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"],
    &["TimeoutSeconds", "TimeoutSecondsPath"],
    &["HeartbeatSeconds", "HeartbeatSecondsPath"],
    &["Error", "ErrorPath"],
    &["Cause", "CausePath"],
    &["ItemProcessor", "Iterator"],
    &["ItemSelector", "Parameters"],
    &["MaxConcurrency", "MaxConcurrencyPath"],
    &[
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
    ],
    &["ToleratedFailureCount", "ToleratedFailureCountPath"],
];

/// Fields of the top level and of nested state machines (branches, item processors).
pub static MACHINE_FIELDS: &[Field] = &[
    field!(
        "StartAt",
        Types::ALL,
        None,
        String,
        "The name of the state the state machine (or branch, or item processor) starts with. Required."
    ),
    field!(
        "States",
        Types::ALL,
        None,
        Object,
        "The states, by name. Required."
    ),
    field!(
        "Comment",
        Types::ALL,
        None,
        String,
        "A human-readable description of the state machine."
    ),
    field!(
        "QueryLanguage",
        Types::ALL,
        None,
        String,
        "`JSONPath` (default) or `JSONata`: the language of expressions in every state (top level only)."
    ),
    field!(
        "TimeoutSeconds",
        Types::ALL,
        None,
        Number,
        "Maximum run time of an execution in seconds (top level only)."
    ),
    field!(
        "Version",
        Types::ALL,
        None,
        String,
        "The version of the Amazon States Language, `1.0` (top level only)."
    ),
    field!(
        "ProcessorConfig",
        Types::ALL,
        None,
        Object,
        "Map item processor only: `Mode` (INLINE or DISTRIBUTED) and `ExecutionType` (STANDARD or EXPRESS)."
    ),
];

/// Fields of an item processor's `ProcessorConfig` (as the schema has them).
pub static PROCESSOR_CONFIG_FIELDS: &[Field] = &[
    field!(
        "Mode",
        Types::ALL,
        None,
        String,
        "`INLINE` (the default): the iterations run inside this execution; `DISTRIBUTED`: each iteration runs as a child execution."
    ),
    field!(
        "ExecutionType",
        Types::ALL,
        None,
        String,
        "The type of the child executions of a Distributed Map: `STANDARD` or `EXPRESS` (required when `Mode` is `DISTRIBUTED`)."
    ),
];

/// Fields of a `Retry` entry.
pub static RETRIER_FIELDS: &[Field] = &[
    field!(
        "ErrorEquals",
        Types::ALL,
        None,
        Array,
        "The error names this retrier applies to, e.g. `States.ALL`, `States.TaskFailed`. Required."
    ),
    field!(
        "IntervalSeconds",
        Types::ALL,
        None,
        Number,
        "Seconds before the first retry (default 1)."
    ),
    field!(
        "MaxAttempts",
        Types::ALL,
        None,
        Number,
        "Maximum number of retries (default 3; 0 means never retry)."
    ),
    field!(
        "BackoffRate",
        Types::ALL,
        None,
        Number,
        "Multiplier of the interval after each attempt (default 2.0, at least 1.0)."
    ),
    field!(
        "MaxDelaySeconds",
        Types::ALL,
        None,
        Number,
        "Upper bound of the retry interval in seconds."
    ),
    field!(
        "JitterStrategy",
        Types::ALL,
        None,
        String,
        "`FULL` randomises retry intervals, `NONE` (default) does not."
    ),
    field!(
        "Comment",
        Types::ALL,
        None,
        String,
        "A human-readable description."
    ),
];

/// Fields of a `Catch` entry.
pub static CATCHER_FIELDS: &[Field] = &[
    field!(
        "ErrorEquals",
        Types::ALL,
        None,
        Array,
        "The error names this catcher handles, e.g. `States.ALL`. Required."
    ),
    field!(
        "Next",
        Types::ALL,
        None,
        String,
        "The state to go to when the error is caught. Required."
    ),
    field!(
        "ResultPath",
        Types::ALL,
        JP,
        String,
        "JSONPath: where to put the error output in the state input (default `$`, replacing it)."
    ),
    field!(
        "Output",
        Types::ALL,
        JA,
        Any,
        "JSONata: the output passed to the fallback state."
    ),
    field!(
        "Assign",
        Types::ALL,
        None,
        Object,
        "Variables to set when the error is caught."
    ),
    field!(
        "Comment",
        Types::ALL,
        None,
        String,
        "A human-readable description."
    ),
];

/// Fields of a Choice rule (top-level or nested in And/Or/Not).
pub static CHOICE_RULE_FIELDS: &[Field] = &[
    field!(
        "Next",
        Types::ALL,
        None,
        String,
        "The state to go to when this rule matches (top-level rules only)."
    ),
    field!(
        "Condition",
        Types::ALL,
        JA,
        String,
        "JSONata: a `{% %}` expression that must evaluate to true or false."
    ),
    field!(
        "Variable",
        Types::ALL,
        JP,
        String,
        "JSONPath: the path of the value to compare."
    ),
    field!(
        "And",
        Types::ALL,
        JP,
        Array,
        "All of these rules must match."
    ),
    field!(
        "Or",
        Types::ALL,
        JP,
        Array,
        "At least one of these rules must match."
    ),
    field!("Not", Types::ALL, JP, Object, "This rule must not match."),
    field!(
        "StringEquals",
        Types::ALL,
        JP,
        String,
        "The variable equals this string."
    ),
    field!(
        "StringEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable equals the string at this path."
    ),
    field!(
        "StringMatches",
        Types::ALL,
        JP,
        String,
        "The variable matches this pattern (`*` is a wildcard)."
    ),
    field!(
        "StringLessThan",
        Types::ALL,
        JP,
        String,
        "Lexical comparison with this string."
    ),
    field!(
        "StringGreaterThan",
        Types::ALL,
        JP,
        String,
        "Lexical comparison with this string."
    ),
    field!(
        "NumericEquals",
        Types::ALL,
        JP,
        Number,
        "The variable equals this number."
    ),
    field!(
        "NumericEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable equals the number at this path."
    ),
    field!(
        "NumericLessThan",
        Types::ALL,
        JP,
        Number,
        "The variable is less than this number."
    ),
    field!(
        "NumericLessThanEquals",
        Types::ALL,
        JP,
        Number,
        "The variable is at most this number."
    ),
    field!(
        "NumericGreaterThan",
        Types::ALL,
        JP,
        Number,
        "The variable is greater than this number."
    ),
    field!(
        "NumericGreaterThanEquals",
        Types::ALL,
        JP,
        Number,
        "The variable is at least this number."
    ),
    field!(
        "BooleanEquals",
        Types::ALL,
        JP,
        Bool,
        "The variable equals this boolean."
    ),
    field!(
        "TimestampEquals",
        Types::ALL,
        JP,
        String,
        "The variable equals this RFC 3339 timestamp."
    ),
    field!(
        "TimestampLessThan",
        Types::ALL,
        JP,
        String,
        "The variable is before this timestamp."
    ),
    field!(
        "TimestampGreaterThan",
        Types::ALL,
        JP,
        String,
        "The variable is after this timestamp."
    ),
    field!(
        "IsPresent",
        Types::ALL,
        JP,
        Bool,
        "The variable's path exists (true) or does not (false)."
    ),
    field!(
        "IsNull",
        Types::ALL,
        JP,
        Bool,
        "The variable is (true) or is not (false) null."
    ),
    field!(
        "IsString",
        Types::ALL,
        JP,
        Bool,
        "The variable is (or is not) a string."
    ),
    field!(
        "IsNumeric",
        Types::ALL,
        JP,
        Bool,
        "The variable is (or is not) a number."
    ),
    field!(
        "IsBoolean",
        Types::ALL,
        JP,
        Bool,
        "The variable is (or is not) a boolean."
    ),
    field!(
        "IsTimestamp",
        Types::ALL,
        JP,
        Bool,
        "The variable is (or is not) an RFC 3339 timestamp string."
    ),
    field!(
        "StringLessThanPath",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is less than the string at this path."
    ),
    field!(
        "StringGreaterThanPath",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is greater than the string at this path."
    ),
    field!(
        "StringLessThanEquals",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is at most this string."
    ),
    field!(
        "StringLessThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is at most the string at this path."
    ),
    field!(
        "StringGreaterThanEquals",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is at least this string."
    ),
    field!(
        "StringGreaterThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "Lexical comparison: the variable is at least the string at this path."
    ),
    field!(
        "NumericLessThanPath",
        Types::ALL,
        JP,
        String,
        "The variable is less than the number at this path."
    ),
    field!(
        "NumericGreaterThanPath",
        Types::ALL,
        JP,
        String,
        "The variable is greater than the number at this path."
    ),
    field!(
        "NumericLessThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable is at most the number at this path."
    ),
    field!(
        "NumericGreaterThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable is at least the number at this path."
    ),
    field!(
        "TimestampEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is equal to the timestamp at this path."
    ),
    field!(
        "TimestampLessThanPath",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is less than the timestamp at this path."
    ),
    field!(
        "TimestampGreaterThanPath",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is greater than the timestamp at this path."
    ),
    field!(
        "TimestampLessThanEquals",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is at most this timestamp."
    ),
    field!(
        "TimestampLessThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is at most the timestamp at this path."
    ),
    field!(
        "TimestampGreaterThanEquals",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is at least this timestamp."
    ),
    field!(
        "TimestampGreaterThanEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable (an RFC 3339 timestamp) is at least the timestamp at this path."
    ),
    field!(
        "BooleanEqualsPath",
        Types::ALL,
        JP,
        String,
        "The variable equals the boolean at this path."
    ),
    field!(
        "Assign",
        Types::ALL,
        None,
        Object,
        "Variables to set when this rule matches."
    ),
    field!(
        "Output",
        Types::ALL,
        JA,
        Any,
        "JSONata: the output when this rule matches."
    ),
    field!(
        "Comment",
        Types::ALL,
        None,
        String,
        "A human-readable description."
    ),
];

/// What each state type does.
pub fn state_type_doc(t: StateType) -> &'static str {
    match t {
        StateType::Task => {
            "Runs one unit of work: a service integration, a Lambda function, an activity or an HTTP endpoint, named by `Resource`. Supports Retry and Catch."
        }
        StateType::Pass => {
            "Passes its input to its output, optionally adding fixed data (`Result`, or `Output` in JSONata). Useful for shaping data and stubbing."
        }
        StateType::Choice => {
            "Branches: tries its `Choices` rules in order and goes to the `Next` of the first that matches, else to `Default`."
        }
        StateType::Wait => {
            "Pauses for `Seconds` or until `Timestamp` (or the `...Path` variants) before going on."
        }
        StateType::Succeed => {
            "Ends the execution (or branch, or iteration) successfully. Terminal: no Next or End."
        }
        StateType::Fail => {
            "Ends the execution with an error (`Error`, `Cause`). Terminal: no Next, End or output fields."
        }
        StateType::Parallel => {
            "Runs every branch in `Branches` at once; its output is the array of the branches' outputs. Supports Retry and Catch."
        }
        StateType::Map => {
            "Runs `ItemProcessor` for each item of an array (inline) or of an S3 data set (distributed); its output is the array of results. Supports Retry and Catch."
        }
    }
}

/// An intrinsic function of JSONPath states.
#[derive(Debug)]
pub struct Intrinsic {
    pub name: &'static str,
    pub signature: &'static str,
    pub doc: &'static str,
}

macro_rules! intrinsic {
    ($name:literal, $sig:literal, $doc:literal) => {
        Intrinsic {
            name: $name,
            signature: $sig,
            doc: $doc,
        }
    };
}

pub static INTRINSICS: &[Intrinsic] = &[
    intrinsic!(
        "States.Format",
        "States.Format(template: string, ...values) -> string",
        "Fills each `{}` of the template with the next value."
    ),
    intrinsic!(
        "States.StringToJson",
        "States.StringToJson(text: string) -> any",
        "Parses a JSON text."
    ),
    intrinsic!(
        "States.JsonToString",
        "States.JsonToString(value: any) -> string",
        "Serialises a value to JSON text."
    ),
    intrinsic!(
        "States.Array",
        "States.Array(...values) -> array",
        "An array of the arguments."
    ),
    intrinsic!(
        "States.ArrayPartition",
        "States.ArrayPartition(array: array, size: number) -> array",
        "Splits an array into chunks of `size` items."
    ),
    intrinsic!(
        "States.ArrayContains",
        "States.ArrayContains(array: array, value: any) -> boolean",
        "Whether the array holds the value."
    ),
    intrinsic!(
        "States.ArrayRange",
        "States.ArrayRange(start: number, end: number, step: number) -> array",
        "The numbers from start to end (inclusive) by step; at most 1000 items."
    ),
    intrinsic!(
        "States.ArrayGetItem",
        "States.ArrayGetItem(array: array, index: number) -> any",
        "The item at a 0-based index."
    ),
    intrinsic!(
        "States.ArrayLength",
        "States.ArrayLength(array: array) -> number",
        "The number of items."
    ),
    intrinsic!(
        "States.ArrayUnique",
        "States.ArrayUnique(array: array) -> array",
        "The array without duplicate values."
    ),
    intrinsic!(
        "States.Base64Encode",
        "States.Base64Encode(text: string) -> string",
        "Base64 encoding of a string (at most 10,000 characters)."
    ),
    intrinsic!(
        "States.Base64Decode",
        "States.Base64Decode(base64: string) -> string",
        "Decodes Base64 text."
    ),
    intrinsic!(
        "States.Hash",
        "States.Hash(data: any, algorithm: string) -> string",
        "Hash of the data; algorithm MD5, SHA-1, SHA-256, SHA-384 or SHA-512."
    ),
    intrinsic!(
        "States.JsonMerge",
        "States.JsonMerge(left: object, right: object, deep: false) -> object",
        "Merges two objects (shallow only: `deep` must be false)."
    ),
    intrinsic!(
        "States.MathRandom",
        "States.MathRandom(start: number, end: number, seed?: number) -> number",
        "A random integer in [start, end)."
    ),
    intrinsic!(
        "States.MathAdd",
        "States.MathAdd(a: number, b: number) -> number",
        "The sum of two integers."
    ),
    intrinsic!(
        "States.StringSplit",
        "States.StringSplit(text: string, delimiters: string) -> array",
        "Splits a string at any of the delimiter characters."
    ),
    intrinsic!(
        "States.UUID",
        "States.UUID() -> string",
        "A random version 4 UUID."
    ),
];

pub fn intrinsic(name: &str) -> Option<&'static Intrinsic> {
    INTRINSICS.iter().find(|i| i.name == name)
}

/// Frequently used optimized service integrations, for completion of `Resource`.
pub static SERVICE_ARNS: &[(&str, &str)] = &[
    (
        "arn:aws:states:::lambda:invoke",
        "Invoke a Lambda function and wait for its result",
    ),
    (
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Invoke a Lambda function and wait for a task token",
    ),
    (
        "arn:aws:states:::sns:publish",
        "Publish a message to an SNS topic",
    ),
    (
        "arn:aws:states:::sqs:sendMessage",
        "Send a message to an SQS queue",
    ),
    (
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Send a message and wait for a task token",
    ),
    (
        "arn:aws:states:::dynamodb:getItem",
        "Read an item from a DynamoDB table",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        "Write an item to a DynamoDB table",
    ),
    (
        "arn:aws:states:::dynamodb:updateItem",
        "Update an item of a DynamoDB table",
    ),
    (
        "arn:aws:states:::dynamodb:deleteItem",
        "Delete an item from a DynamoDB table",
    ),
    (
        "arn:aws:states:::events:putEvents",
        "Send events to EventBridge",
    ),
    (
        "arn:aws:states:::states:startExecution",
        "Start another state machine",
    ),
    (
        "arn:aws:states:::states:startExecution.sync:2",
        "Start another state machine and wait for it (JSON output)",
    ),
    ("arn:aws:states:::ecs:runTask", "Run an ECS task"),
    (
        "arn:aws:states:::ecs:runTask.sync",
        "Run an ECS task and wait for it",
    ),
    (
        "arn:aws:states:::batch:submitJob.sync",
        "Submit an AWS Batch job and wait for it",
    ),
    (
        "arn:aws:states:::glue:startJobRun.sync",
        "Run a Glue job and wait for it",
    ),
    (
        "arn:aws:states:::athena:startQueryExecution.sync",
        "Run an Athena query and wait for it",
    ),
    (
        "arn:aws:states:::codebuild:startBuild.sync",
        "Run a CodeBuild build and wait for it",
    ),
    (
        "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "Run a SageMaker training job and wait for it",
    ),
    (
        "arn:aws:states:::bedrock:invokeModel",
        "Invoke a Bedrock model",
    ),
    (
        "arn:aws:states:::apigateway:invoke",
        "Call an API Gateway API",
    ),
    (
        "arn:aws:states:::http:invoke",
        "Call an HTTPS endpoint (needs a connection)",
    ),
    (
        "arn:aws:states:::eks:runJob.sync",
        "Run a job on EKS and wait for it",
    ),
    (
        "arn:aws:states:::aws-sdk:s3:getObject",
        "AWS SDK integration: any API action, here S3 GetObject",
    ),
];

/// Every `Resource` to offer in completion: the frequent ones above with their
/// descriptions, then each other API of every optimized integration with each pattern
/// it supports (the table ASL403 and ASL404 check against), so that nothing offered is
/// then reported.
pub fn resource_arns() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = SERVICE_ARNS
        .iter()
        .map(|(arn, doc)| (arn.to_string(), doc.to_string()))
        .collect();
    for integration in crate::rules::resources::INTEGRATIONS {
        for action in integration.actions {
            let [sync, sync2, wait] = integration.patterns(action);
            let patterns = [
                (true, "", "request-response"),
                (sync, ".sync", "runs a job and waits for it"),
                (
                    sync2,
                    ".sync:2",
                    "runs a job and waits for it, output as JSON",
                ),
                (wait, ".waitForTaskToken", "waits for the task token"),
            ];
            for (supported, suffix, how) in patterns {
                let arn = format!("arn:aws:states:::{}:{action}{suffix}", integration.service);
                if supported && !out.iter().any(|(a, _)| *a == arn) {
                    let doc = format!(
                        "Optimized integration {}:{action}, {how}",
                        integration.service
                    );
                    out.push((arn, doc));
                }
            }
        }
    }
    out
}

/// The parts of a resource ARN, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnInfo {
    /// "Optimized service integration", "AWS SDK integration", "Lambda function", "Activity", ...
    pub kind: &'static str,
    pub service: Option<String>,
    pub action: Option<String>,
    /// "Request Response", "Run a Job (.sync)", "Wait for Callback (.waitForTaskToken)".
    pub pattern: Option<&'static str>,
    pub name: Option<String>,
}

/// Explains a `Resource` ARN; `None` when it is not an ARN.
pub fn explain_arn(arn: &str) -> Option<ArnInfo> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    let (service, resource) = (parts[2], parts[5]);
    let pattern_of = |action: &str| -> (String, &'static str) {
        if let Some(a) = action.strip_suffix(".waitForTaskToken") {
            (
                a.to_string(),
                "Wait for Callback (.waitForTaskToken): waits until SendTaskSuccess/SendTaskFailure is called with the task token",
            )
        } else if let Some(i) = action.find(".sync") {
            (
                action[..i].to_string(),
                "Run a Job (.sync): waits for the job to complete",
            )
        } else {
            (
                action.to_string(),
                "Request Response: goes on as soon as the service answers the request",
            )
        }
    };
    match service {
        "states" if parts[3].is_empty() && parts[4].is_empty() => {
            let mut it = resource.splitn(3, ':');
            let first = it.next().unwrap_or("");
            if first == "aws-sdk" {
                let svc = it.next().map(str::to_string);
                let (action, pattern) = pattern_of(it.next().unwrap_or(""));
                return Some(ArnInfo {
                    kind: "AWS SDK service integration",
                    service: svc,
                    action: (!action.is_empty()).then_some(action),
                    pattern: Some(pattern),
                    name: None,
                });
            }
            let (action, pattern) = pattern_of(it.next().unwrap_or(""));
            // A service or action the table of optimized integrations does not list
            // (ASL403) is not presented as one.
            let known = crate::rules::resources::integration(first)
                .is_some_and(|i| i.actions.contains(&action.as_str()));
            Some(ArnInfo {
                kind: if known {
                    "Optimized service integration"
                } else {
                    "Service integration that Step Functions does not offer (see ASL403)"
                },
                service: (!first.is_empty()).then(|| first.to_string()),
                action: (!action.is_empty()).then_some(action),
                pattern: Some(pattern),
                name: None,
            })
        }
        "states" if resource.starts_with("activity:") => Some(ArnInfo {
            kind: "Activity",
            service: Some("states".to_string()),
            action: None,
            pattern: Some("Activity: a worker polls GetActivityTask and reports the result"),
            name: resource.strip_prefix("activity:").map(str::to_string),
        }),
        "lambda" if resource.starts_with("function:") => Some(ArnInfo {
            kind: "Lambda function (direct ARN)",
            service: Some("lambda".to_string()),
            action: Some("invoke".to_string()),
            pattern: Some("Request Response: the function's result is the task result"),
            name: resource.strip_prefix("function:").map(str::to_string),
        }),
        _ => Some(ArnInfo {
            kind: "Resource ARN",
            service: (!service.is_empty()).then(|| service.to_string()),
            action: None,
            pattern: None,
            name: (!resource.is_empty()).then(|| resource.to_string()),
        }),
    }
}

/// Predefined error names, for `ErrorEquals`.
pub static ERROR_NAMES: &[(&str, &str)] = &[
    (
        "States.ALL",
        "Any error (must be alone and in the last retrier/catcher)",
    ),
    (
        "States.TaskFailed",
        "Any error of a Task except States.Timeout",
    ),
    (
        "States.Timeout",
        "The task ran longer than TimeoutSeconds or missed a heartbeat",
    ),
    ("States.HeartbeatTimeout", "The task missed a heartbeat"),
    (
        "States.Permissions",
        "Insufficient privileges to run the task",
    ),
    (
        "States.DataLimitExceeded",
        "An input, output or result over 256 KiB",
    ),
    (
        "States.ResultPathMatchFailure",
        "ResultPath cannot be applied to the input",
    ),
    (
        "States.ParameterPathFailure",
        "A path in Parameters does not match the input",
    ),
    ("States.QueryEvaluationError", "A JSONata expression failed"),
    ("States.BranchFailed", "A branch of a Parallel state failed"),
    (
        "States.NoChoiceMatched",
        "No choice rule matched and there is no Default",
    ),
    ("States.IntrinsicFailure", "An intrinsic function failed"),
    (
        "States.ExceedToleratedFailureThreshold",
        "A distributed Map had too many failed items",
    ),
    (
        "States.ItemReaderFailed",
        "A distributed Map could not read its items",
    ),
    (
        "States.ResultWriterFailed",
        "A distributed Map could not write its results",
    ),
];

/// Where a JSONata function is documented: the JSONata page of its kind (with the
/// function's anchor), or, for the functions Step Functions adds, the developer guide.
pub fn jsonata_function_doc(name: &str) -> Option<(&'static str, String)> {
    const KINDS: &[(&str, &str, &[&str])] = &[
        (
            "string",
            "string-functions",
            &[
                "$string",
                "$length",
                "$substring",
                "$substringBefore",
                "$substringAfter",
                "$uppercase",
                "$lowercase",
                "$trim",
                "$pad",
                "$contains",
                "$split",
                "$join",
                "$match",
                "$replace",
                "$base64encode",
                "$base64decode",
                "$encodeUrlComponent",
                "$encodeUrl",
                "$decodeUrlComponent",
                "$decodeUrl",
            ],
        ),
        (
            "numeric",
            "numeric-functions",
            &[
                "$number",
                "$abs",
                "$floor",
                "$ceil",
                "$round",
                "$power",
                "$sqrt",
                "$formatNumber",
                "$formatBase",
                "$parseInteger",
            ],
        ),
        (
            "aggregation",
            "aggregation-functions",
            &["$sum", "$max", "$min", "$average"],
        ),
        (
            "boolean",
            "boolean-functions",
            &["$boolean", "$not", "$exists"],
        ),
        (
            "array",
            "array-functions",
            &[
                "$count",
                "$append",
                "$sort",
                "$reverse",
                "$shuffle",
                "$distinct",
                "$zip",
            ],
        ),
        (
            "object",
            "object-functions",
            &[
                "$keys", "$lookup", "$spread", "$merge", "$sift", "$each", "$error", "$assert",
                "$type",
            ],
        ),
        (
            "date/time",
            "date-time-functions",
            &["$now", "$millis", "$fromMillis", "$toMillis"],
        ),
        (
            "higher-order",
            "higher-order-functions",
            &["$map", "$filter", "$single", "$reduce"],
        ),
    ];
    if matches!(
        name,
        "$partition" | "$range" | "$hash" | "$random" | "$uuid" | "$parse"
    ) {
        return Some((
            "a function Step Functions adds to JSONata",
            "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html"
                .to_string(),
        ));
    }
    KINDS
        .iter()
        .find(|(_, _, names)| names.contains(&name))
        .map(|(kind, page, _)| {
            let what = match *kind {
                "string" => "a JSONata string function",
                "numeric" => "a JSONata numeric function",
                "aggregation" => "a JSONata aggregation function",
                "boolean" => "a JSONata boolean function",
                "array" => "a JSONata array function",
                "object" => "a JSONata object function",
                "date/time" => "a JSONata date/time function",
                _ => "a JSONata higher-order function",
            };
            let anchor = name.trim_start_matches('$').to_lowercase();
            (what, format!("https://docs.jsonata.org/{page}#{anchor}"))
        })
}

/// JSONata functions (the standard library plus the ones Step Functions adds).
/// The members of `$states` in a JSONata expression.
pub static STATES_MEMBERS: &[(&str, &str)] = &[
    ("input", "The state's input, as it entered the state."),
    (
        "result",
        "What the Task, Parallel or Map state returned (in Output and Assign).",
    ),
    (
        "errorOutput",
        "The error a Catcher caught: Error and Cause (in the Catcher's Output and Assign).",
    ),
    (
        "context",
        "The Context object: Execution, State, StateMachine, Task, Map.",
    ),
];

pub static JSONATA_FUNCTIONS: &[(&str, &str)] = &[
    ("$string", "$string(arg, prettify?) -> string"),
    ("$length", "$length(str) -> number"),
    ("$substring", "$substring(str, start, length?) -> string"),
    ("$substringBefore", "$substringBefore(str, chars) -> string"),
    ("$substringAfter", "$substringAfter(str, chars) -> string"),
    ("$uppercase", "$uppercase(str) -> string"),
    ("$lowercase", "$lowercase(str) -> string"),
    ("$trim", "$trim(str) -> string"),
    ("$pad", "$pad(str, width, char?) -> string"),
    ("$contains", "$contains(str, pattern) -> boolean"),
    ("$split", "$split(str, separator, limit?) -> array"),
    ("$join", "$join(array, separator?) -> string"),
    ("$match", "$match(str, pattern, limit?) -> array"),
    (
        "$replace",
        "$replace(str, pattern, replacement, limit?) -> string",
    ),
    ("$number", "$number(arg) -> number"),
    ("$abs", "$abs(number) -> number"),
    ("$floor", "$floor(number) -> number"),
    ("$ceil", "$ceil(number) -> number"),
    ("$round", "$round(number, precision?) -> number"),
    ("$power", "$power(base, exponent) -> number"),
    ("$sqrt", "$sqrt(number) -> number"),
    ("$random", "$random(seed?) -> number"),
    (
        "$formatNumber",
        "$formatNumber(number, picture, options?) -> string",
    ),
    ("$formatBase", "$formatBase(number, radix?) -> string"),
    ("$parseInteger", "$parseInteger(string, picture) -> number"),
    ("$sum", "$sum(array) -> number"),
    ("$max", "$max(array) -> number"),
    ("$min", "$min(array) -> number"),
    ("$average", "$average(array) -> number"),
    ("$count", "$count(array) -> number"),
    ("$append", "$append(array1, array2) -> array"),
    ("$sort", "$sort(array, function?) -> array"),
    ("$reverse", "$reverse(array) -> array"),
    ("$shuffle", "$shuffle(array) -> array"),
    ("$distinct", "$distinct(array) -> array"),
    ("$zip", "$zip(array1, ...) -> array"),
    ("$keys", "$keys(object) -> array"),
    ("$lookup", "$lookup(object, key) -> any"),
    ("$spread", "$spread(object) -> array"),
    ("$merge", "$merge(array<object>) -> object"),
    ("$each", "$each(object, function) -> array"),
    ("$sift", "$sift(object, function) -> object"),
    ("$map", "$map(array, function) -> array"),
    ("$filter", "$filter(array, function) -> array"),
    ("$single", "$single(array, function?) -> any"),
    ("$reduce", "$reduce(array, function, init?) -> any"),
    ("$exists", "$exists(arg) -> boolean"),
    ("$type", "$type(value) -> string"),
    ("$boolean", "$boolean(arg) -> boolean"),
    ("$not", "$not(arg) -> boolean"),
    ("$now", "$now(picture?, timezone?) -> string"),
    ("$millis", "$millis() -> number"),
    (
        "$fromMillis",
        "$fromMillis(number, picture?, timezone?) -> string",
    ),
    ("$toMillis", "$toMillis(timestamp, picture?) -> number"),
    ("$base64encode", "$base64encode(str) -> string"),
    ("$base64decode", "$base64decode(str) -> string"),
    ("$encodeUrl", "$encodeUrl(str) -> string"),
    ("$encodeUrlComponent", "$encodeUrlComponent(str) -> string"),
    ("$decodeUrl", "$decodeUrl(str) -> string"),
    ("$decodeUrlComponent", "$decodeUrlComponent(str) -> string"),
    ("$error", "$error(message) -> never"),
    ("$assert", "$assert(condition, message) -> undefined"),
    (
        "$partition",
        "$partition(array, size) -> array (Step Functions)",
    ),
    (
        "$range",
        "$range(start, end, step) -> array (Step Functions)",
    ),
    ("$hash", "$hash(data, algorithm) -> string (Step Functions)"),
    ("$uuid", "$uuid() -> string (Step Functions)"),
    ("$parse", "$parse(jsonString) -> any (Step Functions)"),
    (
        "$states",
        "$states: input, result, errorOutput and context of the current state (Step Functions)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair of an exclusive group, set together, is what the rules reject.
    #[test]
    fn exclusive_state_fields_are_the_ones_the_rules_reject() {
        use crate::lint::{LintOptions, lint_text};
        use crate::syntax::SourceKind;
        let value = |name: &str| match name {
            "End" => "true".to_string(),
            n if n.ends_with("Path") => "\"$.x\"".to_string(),
            "Next" => "\"A\"".to_string(),
            "Timestamp" => "\"2026-01-31T09:00:00Z\"".to_string(),
            "Error" | "Cause" => "\"x\"".to_string(),
            "ItemProcessor" | "Iterator" => {
                r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#.to_string()
            }
            "ItemSelector" | "Parameters" => "{}".to_string(),
            _ => "1".to_string(),
        };
        for group in EXCLUSIVE_STATE_FIELDS {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    let kind = STATE_FIELDS
                        .iter()
                        .filter(|f| f.name == *a || f.name == *b)
                        .map(|f| f.types)
                        .reduce(|x, y| Types(x.0 & y.0))
                        .and_then(|t| StateType::ALL.iter().find(|s| t.contains(**s)))
                        .unwrap();
                    let text = format!(
                        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "{}", "{a}": {}, "{b}": {}}}}}}}"#,
                        kind.as_str(),
                        value(a),
                        value(b)
                    );
                    let codes: Vec<&str> =
                        lint_text(&text, SourceKind::Json, &LintOptions::default())
                            .iter()
                            .map(|d| d.code)
                            .collect();
                    let expected = if *a == "Next" { "ASL105" } else { "ASL116" };
                    assert!(codes.contains(&expected), "{text}: {codes:?}");
                }
            }
        }
    }

    #[test]
    fn every_offered_resource_is_one_the_rules_accept() {
        let arns = resource_arns();
        assert!(arns.len() > 80, "{}", arns.len());
        let opts = crate::LintOptions {
            select: ["ASL401", "ASL403", "ASL404", "ASL405"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        };
        for (arn, _) in &arns {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{arn}", "End": true}}}}}}"#
            );
            let found = crate::lint_text(&text, crate::syntax::SourceKind::Json, &opts);
            assert!(found.is_empty(), "{arn}: {found:?}");
        }
    }

    /// Every field offered for a state type and query language is one the linter
    /// accepts there (no ASL110).
    #[test]
    fn every_offered_state_field_is_supported_there() {
        use crate::lint::{LintOptions, lint_text};
        use crate::syntax::SourceKind;
        let opts = LintOptions {
            select: vec!["ASL110".to_string()],
            ..Default::default()
        };
        for ql in [QueryLanguage::JsonPath, QueryLanguage::JsonAta] {
            for t in StateType::ALL {
                for f in STATE_FIELDS
                    .iter()
                    .filter(|f| f.types.contains(t) && f.only.is_none_or(|o| o == ql))
                {
                    let text = format!(
                        r#"{{"QueryLanguage": "{}", "StartAt": "A", "States": {{"A": {{"Type": "{}", "{}": null}}}}}}"#,
                        ql.as_str(),
                        t.as_str(),
                        f.name
                    );
                    let found: Vec<_> = lint_text(&text, SourceKind::Json, &opts)
                        .into_iter()
                        .filter(|d| d.code == "ASL110")
                        .collect();
                    assert!(found.is_empty(), "{text}: {found:?}");
                }
            }
        }
    }

    #[test]
    fn field_table_matches_the_specification() {
        let find = |n: &str| STATE_FIELDS.iter().find(|f| f.name == n).unwrap();
        assert!(find("Resource").types.contains(StateType::Task));
        assert!(!find("Resource").types.contains(StateType::Pass));
        assert!(!find("OutputPath").types.contains(StateType::Fail));
        assert!(find("OutputPath").types.contains(StateType::Succeed));
        assert!(!find("Assign").types.contains(StateType::Succeed));
        assert!(find("Assign").types.contains(StateType::Choice));
        assert!(!find("Next").types.contains(StateType::Choice));
        assert_eq!(find("Catch").types.describe(), "Task, Parallel, Map");
        assert_eq!(find("Type").types.describe(), "every state type");
        assert_eq!(find("Arguments").only, Some(QueryLanguage::JsonAta));
    }

    #[test]
    fn arns_are_explained() {
        let a = explain_arn("arn:aws:states:::lambda:invoke.waitForTaskToken").unwrap();
        assert_eq!(a.kind, "Optimized service integration");
        assert_eq!(a.service.as_deref(), Some("lambda"));
        assert_eq!(a.action.as_deref(), Some("invoke"));
        assert!(a.pattern.unwrap().starts_with("Wait for Callback"));
        // A misspelled action is not presented as an integration.
        let a = explain_arn("arn:aws:states:::lambda:invok").unwrap();
        assert_eq!(
            a.kind,
            "Service integration that Step Functions does not offer (see ASL403)"
        );
        let a = explain_arn("arn:aws:states:::states:startExecution.sync:2").unwrap();
        assert_eq!(a.action.as_deref(), Some("startExecution"));
        assert!(a.pattern.unwrap().starts_with("Run a Job"));
        let a = explain_arn("arn:aws:states:::aws-sdk:s3:listObjectsV2").unwrap();
        assert_eq!(a.kind, "AWS SDK service integration");
        assert_eq!(a.service.as_deref(), Some("s3"));
        assert_eq!(a.action.as_deref(), Some("listObjectsV2"));
        assert!(a.pattern.unwrap().starts_with("Request Response"));
        let a = explain_arn("arn:aws:lambda:us-east-1:123456789012:function:Hello").unwrap();
        assert_eq!(a.name.as_deref(), Some("Hello"));
        assert_eq!(explain_arn("not an arn"), None);
    }
}
