//! 1xx: fields and structure of the state machine and its states.
pub mod definition_too_large;
pub mod distributed_only_map_field;
pub mod duplicate_map_label;
pub mod heartbeat_not_below_timeout;
pub mod invalid_choice_rule;
pub mod invalid_field_type;
pub mod invalid_field_value;
pub mod invalid_map_label;
pub mod invalid_state_name;
pub mod missing_next_or_end;
pub mod missing_required_field;
pub mod missing_start_at;
pub mod missing_state_type;
pub mod missing_states;
pub mod mutually_exclusive_fields;
pub mod next_and_end;
pub mod not_a_state_machine;
pub mod query_language_conflict;
pub mod state_data_too_large;
pub mod state_name_too_long;
pub mod transition_not_allowed;
pub mod unknown_field;
pub mod unknown_language_version;
pub mod unknown_state_type;
pub mod value_out_of_bounds;
pub mod wrong_query_language_field;

use crate::model::StateMachine;

/// True when the root object has neither `StartAt` nor `States`: ASL100 reports it
/// once and the per-field rules stay quiet about the top level.
pub(crate) fn root_is_not_a_state_machine(machine: &StateMachine<'_, '_>) -> bool {
    machine.field("StartAt").is_none() && machine.field("States").is_none()
}
