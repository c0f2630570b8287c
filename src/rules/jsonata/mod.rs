//! 6xx: JSONata expressions and variables.
pub mod dollar_key_in_jsonata;
pub mod invalid_variable_name;
pub mod jsonata_always_fails;
pub mod jsonata_context_unavailable;
pub mod jsonata_not_evaluated;
pub mod jsonata_syntax_error;
pub mod jsonata_wrong_result_type;
pub mod jsonpath_in_jsonata;
pub mod outer_variable_assigned;
pub mod possibly_unassigned_variable;
pub mod undefined_variable;
pub mod unknown_jsonata_function;
pub mod unused_variable;
pub mod variable_field_missing;
pub(crate) mod variables;

use crate::expr::jsonata::{self, ParsedTemplate};
use crate::model::{QueryLanguage, State, StateMachine};
use crate::syntax::{Node, TextRange, Value, string_source_offset};

/// One `{% %}` string of a JSONata state: where it is and what it parsed to.
pub(crate) struct Expr<'a, 's> {
    pub node: &'a Node<'s>,
    /// The state field it belongs to: `Arguments`, `Output`, `Assign`, `Catch.Output`,
    /// `Choices.Condition`, ...
    pub field: String,
    pub parsed: ParsedTemplate<'a>,
}

/// Keys whose values Step Functions never evaluates, outside a payload: comments,
/// state names, error names and CSV column names stay text even when they look like
/// `{% ... %}` (AWS accepts `"ErrorEquals": ["{% phone %}"]`).
const TEXT_KEYS: &[&str] = &["Comment", "ErrorEquals", "Next", "Default", "CSVHeaders"];

/// Keys whose values are data built by the state: inside them every key is data, a
/// field named `Comment` or `Next` included (AWS evaluates `Arguments.Payload.Comment`).
const PAYLOAD_KEYS: &[&str] = &[
    "Arguments",
    "Output",
    "Assign",
    "Parameters",
    "ItemSelector",
    "BatchInput",
];

/// The JSONata templates in the fields of `state` (not of its nested states).
pub(crate) fn state_expressions<'a, 's>(state: &State<'a, 's>) -> Vec<Expr<'a, 's>> {
    let mut out = Vec::new();
    if state.query_language != QueryLanguage::JsonAta {
        return out;
    }
    for m in state.members() {
        if crate::model::NOT_DATA_FIELDS.contains(&&*m.key) || TEXT_KEYS.contains(&&*m.key) {
            continue;
        }
        let field = m.key.to_string();
        let payload = PAYLOAD_KEYS.contains(&&*m.key);
        let mut stack: Vec<(&'a Node<'s>, String, usize, bool)> =
            vec![(&m.value, field, 0, payload)];
        while let Some((n, field, depth, payload)) = stack.pop() {
            if depth > 128 || n.is_unknown() {
                continue;
            }
            match &n.value {
                Value::String(_) => {
                    let s = n.as_str().unwrap_or("");
                    // A deploy-time `${...}` inside the expression is filled in before
                    // Step Functions reads it: the text here is not what AWS parses.
                    if !crate::embed::template::placeholder_tokens(s).is_empty() {
                        continue;
                    }
                    if let Some(parsed) = jsonata::parse_template(s) {
                        out.push(Expr {
                            node: n,
                            field,
                            parsed,
                        });
                    }
                }
                Value::Array(items) => {
                    for item in items {
                        stack.push((item, field.clone(), depth + 1, payload));
                    }
                }
                Value::Object(members) => {
                    for c in members {
                        if !payload && TEXT_KEYS.contains(&&*c.key) {
                            continue;
                        }
                        // Catchers and Choice rules: name the inner field.
                        let f = if depth == 1 && matches!(&*field, "Catch" | "Choices") {
                            format!("{field}.{}", c.key)
                        } else {
                            field.clone()
                        };
                        let inner = payload || PAYLOAD_KEYS.contains(&&*c.key);
                        stack.push((&c.value, f, depth + 1, inner));
                    }
                }
                _ => {}
            }
        }
    }
    out.sort_by_key(|e| e.node.range.start);
    out
}

/// Every JSONata state of the machine.
pub(crate) fn jsonata_states<'m, 'a, 's>(
    machine: &'m StateMachine<'a, 's>,
) -> impl Iterator<Item = &'m State<'a, 's>> {
    machine
        .all_states()
        .filter(|s| s.query_language == QueryLanguage::JsonAta)
}

/// The JSONata expression for what JSONPath calls a state's effective input: the
/// input, or the part of it that `InputPath` selects. `None` when `InputPath` has no
/// JSONata equal here (`null`, which passes `{}`, or a path that does not convert).
pub(crate) fn effective_input(state: &Node<'_>) -> Option<String> {
    match state.get("InputPath") {
        None => Some("$states.input".to_string()),
        Some(p) => crate::expr::jsonpath::parse(p.as_str()?)
            .ok()?
            .to_jsonata_from("$states.input"),
    }
}

/// The source range of `span` (relative to the expression inside the delimiters).
pub(crate) fn source_range(source: &str, e: &Expr<'_, '_>, span: TextRange) -> TextRange {
    let off = e.parsed.template.offset as usize;
    let s = string_source_offset(source, e.node, off + span.start as usize);
    let end = string_source_offset(source, e.node, off + span.end as usize);
    TextRange::new(s, end.max(s + 1).min(e.node.range.end.max(s + 1)))
}
