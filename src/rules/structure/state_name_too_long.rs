use crate::rules::{LintContext, Sink, declare_rule};

/// The longest state name Step Functions accepts, in characters.
pub const MAX_STATE_NAME: usize = 80;

declare_rule! {
    /// ## What it does
    /// Reports a state name longer than 80 characters.
    ///
    /// ## Why is this bad?
    /// Step Functions limits state names to 80 characters and rejects the definition
    /// (`INVALID_STATE_NAME`).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A state name that goes on and on and on and on and on, well past the eighty characters AWS allows", "States": {"A state name that goes on and on and on and on and on, well past the eighty characters AWS allows": {"Type": "Succeed"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Short name", "States": {"Short name": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL108",
        name: "state-name-too-long",
        severity: Error,
        aws_code: Some("INVALID_STATE_NAME"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let n = state.name.chars().count();
        if n > MAX_STATE_NAME {
            let d = sink.report(
                state.name_range,
                format!(
                    "state name {} is {n} characters long; Step Functions allows at most {MAX_STATE_NAME}",
                    name_start(state.name)
                ),
            );
            d.help = Some(format!(
                "shorten the name to {MAX_STATE_NAME} characters or fewer (and the transitions to it)"
            ));
        }
    }
}

/// The first characters of a long name in quotes, then `…`: enough to find it among
/// the other states, short enough for a message.
fn name_start(name: &str) -> String {
    let head: String = name.chars().take(30).collect();
    let quoted = crate::syntax::text::quoted_visible(head.trim_end());
    format!("{}…\"", &quoted[..quoted.len() - 1])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_message_quotes_the_start_of_the_name() {
        let name = "A state name that goes on and on and on and on and on, well past the eighty characters AWS allows";
        let text =
            format!(r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Succeed"}}}}}}"#);
        assert_eq!(
            crate::rules::located_messages(&text, "ASL108"),
            [format!(
                "\"{name}\": state name \"A state name that goes on and…\" is 97 characters long; Step Functions allows at most 80"
            )]
        );
    }
}
