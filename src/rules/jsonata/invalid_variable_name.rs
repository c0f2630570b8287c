use crate::model::QueryLanguage;
use crate::rules::jsonata::variables::{Origin, assignments};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the names that `Assign` gives to variables: a name starts with a letter or
    /// `_`, goes on with letters, digits and `_`, is at most 80 characters long, and is
    /// not `states` (reserved for `$states`). In a JSONPath state a key may end in `.$`
    /// (the value is then a path), which is not part of the name.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition. A name such as `order.id` or `items[0]` does
    /// not set a field or an element: `Assign` only sets whole variables.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"order-id": 1}, "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"id.$": "$order-id"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"order_id": 1}, "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"id.$": "$order_id"}, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL604",
        name: "invalid-variable-name",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

/// The longest variable name Step Functions accepts, in characters.
pub const MAX_VARIABLE_NAME: usize = 80;

/// Why `name` is not a valid variable name, or `None` when it is.
pub fn variable_name_problem(name: &str) -> Option<String> {
    variable_name_problem_in(name, "")
}

/// [`variable_name_problem`] for a name written at `place` (` in the Assign of "A"`,
/// with its leading space), which the message names after the variable.
fn variable_name_problem_in(name: &str, place: &str) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some(format!("a variable name{place} cannot be empty"));
    };
    if name == "states" {
        return Some(format!(
            "`states`{place} is reserved (it is `$states`, with input, context, result and errorOutput): choose another variable name"
        ));
    }
    if name.contains(['.', '[']) {
        return Some(format!(
            "`{name}`{place} is not a variable name: `Assign` sets whole variables, it cannot set a field or an element; assign the whole value instead"
        ));
    }
    if !(first.is_alphabetic() || first == '_') {
        return Some(format!(
            "variable name `{name}`{place} must start with a letter or `_`, not `{first}`"
        ));
    }
    if let Some(bad) = chars.find(|c| !(c.is_alphanumeric() || *c == '_')) {
        return Some(format!(
            "variable name `{name}`{place} contains `{bad}`: use only letters, digits and `_`"
        ));
    }
    let len = name.chars().count();
    if len > MAX_VARIABLE_NAME {
        return Some(format!(
            "variable name{place} is {len} characters long; the limit is {MAX_VARIABLE_NAME}"
        ));
    }
    None
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        for a in assignments(state) {
            // Only known at deploy time.
            if a.name.contains("${") {
                continue;
            }
            let place = match a.origin {
                Origin::State => format!(" in the Assign of \"{}\"", state.name),
                Origin::Catch(i) => format!(" in the Assign of Catch[{i}] of \"{}\"", state.name),
                Origin::Choice(i) => {
                    format!(" in the Assign of Choices[{i}] of \"{}\"", state.name)
                }
            };
            if let Some(mut message) = variable_name_problem_in(a.name, &place) {
                if state.query_language == QueryLanguage::JsonAta && a.name.ends_with(".$") {
                    message.push_str(" (`.$` keys belong to JSONPath; in JSONata write the value as `{% ... %}`)");
                }
                sink.report(a.member.key_range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variable_name_problem as p;

    #[test]
    fn names() {
        for ok in ["x", "_x", "orderId", "a1_b2", "日本", "Ünïcode"] {
            assert_eq!(p(ok), None, "{ok}");
        }
        assert_eq!(
            p("1x").unwrap(),
            "variable name `1x` must start with a letter or `_`, not `1`"
        );
        assert_eq!(
            p("a-b").unwrap(),
            "variable name `a-b` contains `-`: use only letters, digits and `_`"
        );
        assert!(p("x.y").unwrap().contains("cannot set a field"));
        assert!(p("x[0]").unwrap().contains("cannot set a field"));
        assert!(p("states").unwrap().starts_with("`states` is reserved"));
        assert_eq!(p(""), Some("a variable name cannot be empty".to_string()));
        assert_eq!(p(&"a".repeat(80)), None);
        assert_eq!(
            p(&"a".repeat(81)).unwrap(),
            "variable name is 81 characters long; the limit is 80"
        );
    }

    #[test]
    fn messages_name_the_assign_and_its_state() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {}, "Assign": {"order-id": 1}, "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"2nd": 1}, "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL604"),
            [
                "\"order-id\": variable name `order-id` in the Assign of \"A\" contains `-`: use only letters, digits and `_`",
                "\"2nd\": variable name `2nd` in the Assign of Catch[0] of \"A\" must start with a letter or `_`, not `2`",
            ]
        );
    }
}
