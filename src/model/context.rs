//! The Context object: what `$$` (JSONPath) and `$states.context` (JSONata) hold while a
//! state runs. One table serves the rule that checks context paths (ASL307) and the
//! editor's completion and hover.

/// A field of the Context object.
pub struct ContextField {
    pub name: &'static str,
    pub below: Below,
    /// One line for the editor.
    pub doc: &'static str,
}

/// What is below a field of the Context object.
pub enum Below {
    /// Data of the execution's own (the input, a Map item): any shape.
    Data,
    Fields(&'static [ContextField]),
    /// A single value (a string or a number).
    Nothing,
}

const fn field(name: &'static str, below: Below, doc: &'static str) -> ContextField {
    ContextField { name, below, doc }
}

use Below::{Data, Fields, Nothing};

/// The fields of the Context object, from the top.
pub const CONTEXT_OBJECT: &[ContextField] = &[
    field(
        "Execution",
        Fields(&[
            field("Id", Nothing, "The ARN of the execution."),
            field("Input", Data, "The input the execution was started with."),
            field("Name", Nothing, "The name of the execution."),
            field(
                "RoleArn",
                Nothing,
                "The ARN of the IAM role the execution runs with.",
            ),
            field(
                "StartTime",
                Nothing,
                "When the execution started (ISO 8601, e.g. `2026-12-05T14:01:18.123Z`).",
            ),
            field(
                "RedriveCount",
                Nothing,
                "How many times the execution was redriven (0 when never).",
            ),
            field(
                "RedriveTime",
                Nothing,
                "When the execution was last redriven (only after a redrive).",
            ),
        ]),
        "The execution: its ARN, name, input, role and start time.",
    ),
    field(
        "State",
        Fields(&[
            field(
                "EnteredTime",
                Nothing,
                "When the current state was entered.",
            ),
            field("Name", Nothing, "The name of the current state."),
            field(
                "RetryCount",
                Nothing,
                "How many times the current state has been retried.",
            ),
        ]),
        "The state running now: its name, when it was entered, its retry count.",
    ),
    field(
        "StateMachine",
        Fields(&[
            field("Id", Nothing, "The ARN of the state machine."),
            field("Name", Nothing, "The name of the state machine."),
        ]),
        "The state machine: its ARN and name.",
    ),
    field(
        "Task",
        Fields(&[field(
            "Token",
            Nothing,
            "The task token, to pass to a worker that calls SendTaskSuccess or SendTaskFailure (`.waitForTaskToken`).",
        )]),
        "The running Task state's task token.",
    ),
    field(
        "Map",
        Fields(&[field(
            "Item",
            Fields(&[
                field(
                    "Index",
                    Nothing,
                    "The index of the item in the Map's items.",
                ),
                field("Value", Data, "The item itself."),
                field(
                    "Key",
                    Nothing,
                    "The key of the item, when the Map iterates over a JSON object's members.",
                ),
                field(
                    "Source",
                    Data,
                    "Where a Distributed Map read the item (its ItemReader source).",
                ),
            ]),
            "The item this iteration processes.",
        )]),
        "Set only in a Map state's ItemSelector: the item being processed.",
    ),
];

/// The field at `names` below the top of the Context object, if it has one.
pub fn context_field(names: &[&str]) -> Option<&'static ContextField> {
    let mut fields = CONTEXT_OBJECT;
    let mut found = None;
    for name in names {
        let f = fields.iter().find(|f| f.name == *name)?;
        found = Some(f);
        fields = match &f.below {
            Fields(next) => next,
            _ => &[],
        };
    }
    found
}
