use crate::diagnostics::{Applicability, Edit, Fix};
use crate::rules::jsonata::{effective_input, jsonata_states};
use crate::rules::{LintContext, Sink, declare_rule, plain_key};
use crate::syntax::{Member, Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports a key ending in `.$` in the data of a JSONata state: its `Arguments`,
    /// `Output`, `ItemSelector`, `Credentials`, ItemReader, ResultWriter and ItemBatcher
    /// settings, the values of its `Assign` (a variable name with `.$` is ASL604's), and
    /// the `Output` and `Assign` of its catchers and Choice rules.
    ///
    /// ## Why is this bad?
    /// Only JSONPath evaluates `.$` keys. In a JSONata state the key is an ordinary
    /// name: the task receives a field called `"id.$"` whose value is the text `"$.id"`.
    /// Step Functions accepts the definition and nothing fails until the service or the
    /// next state finds the data missing. It happens when a JSONPath state is moved to
    /// JSONata by renaming `Parameters` to `Arguments` (or `ItemSelector` stays as it
    /// was), or when a JSONPath example is pasted into a JSONata workflow.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Open case", "States": {"Open case": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Arguments": {"FunctionName": "open-case", "Payload": {"ticket.$": "$.ticketId"}},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Open case", "States": {"Open case": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Arguments": {"FunctionName": "open-case", "Payload": {"ticket": "{% $states.input.ticketId %}"}},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// In `Arguments`, `ItemSelector`, `Credentials` and the Map reader, writer and
    /// batcher settings, where `$` meant the state's input: drops `.$` from the key and
    /// writes the path or intrinsic function as the JSONata expression that computes the
    /// same (`"$.ticketId"` becomes `"{% $states.input.ticketId %}"`, `$$.` becomes
    /// `$states.context.`), when there is one and no key of the new name is there already
    /// (unsafe: the value sent changes, to what was meant). Where the state still has an
    /// `InputPath`, the expression reads from what it selects, as the path did.
    pub static RULE = {
        code: "ASL609",
        name: "dollar-key-in-jsonata",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// Fields whose `$` meant the state's input in JSONPath, so a conversion is safe to offer.
const INPUT_FIELDS: &[&str] = &[
    "Arguments",
    "ItemSelector",
    "Credentials",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonata_states(machine) {
        // What `$` meant: the input after a leftover `InputPath` (ASL111's).
        let input = effective_input(state.node);
        // (value, whether `$` meant the input, whether the value's own keys are names
        // of variables, which ASL604 checks)
        let mut data: Vec<(&Node<'_>, bool, bool)> = Vec::new();
        for m in state.members() {
            match &*m.key {
                "Output" => data.push((&m.value, false, false)),
                "Assign" => data.push((&m.value, false, true)),
                key if INPUT_FIELDS.contains(&key) => data.push((&m.value, true, false)),
                _ => {}
            }
        }
        let handlers = state.catchers.iter().map(|c| c.node);
        for node in handlers.chain(state.choices.iter().map(|r| r.node)) {
            if let Some(output) = node.get("Output") {
                data.push((output, false, false));
            }
            if let Some(assign) = node.get("Assign") {
                data.push((assign, false, true));
            }
        }
        for (value, from_input, variables) in data {
            for (m, siblings) in dollar_members(value, variables) {
                let name = &m.key[..m.key.len() - 2];
                let written = m.value.as_str();
                let message = match written {
                    Some(text) => format!(
                        "the JSONata state \"{}\" does not evaluate `.$` keys: \"{}\" stays a key of that name, with the text \"{text}\" as its value",
                        state.name, m.key
                    ),
                    None => format!(
                        "the JSONata state \"{}\" does not evaluate `.$` keys: \"{}\" stays a key of that name",
                        state.name, m.key
                    ),
                };
                let expression = written.zip(input.as_deref()).and_then(|(text, input)| {
                    crate::expr::parse_dollar_value(text)
                        .ok()?
                        .to_jsonata_from(input)
                });
                let d = sink.report(m.key_range, message);
                let taken = siblings.iter().any(|o| o.key == name);
                d.help = Some(match (&expression, from_input) {
                    _ if taken => format!(
                        "\"{name}\" is already a key here: drop this one, or give it another name and a `{{% ... %}}` value"
                    ),
                    (Some(e), true) => format!("write \"{name}\": \"{{% {e} %}}\""),
                    _ => format!(
                        "name it \"{name}\" and write its value as a `{{% ... %}}` expression"
                    ),
                });
                if from_input
                    && let Some(e) = expression
                    && let Some(fix) = conversion(ctx.source, siblings, m, name, &e)
                {
                    d.fixes.push(fix);
                }
            }
        }
    }
}

/// Drops `.$` from the key of `member` and writes `expression` as its value, unless
/// the object around it already has a key of that name or the value spans lines.
fn conversion(
    source: &str,
    siblings: &[Member<'_>],
    member: &Member<'_>,
    name: &str,
    expression: &str,
) -> Option<Fix> {
    if siblings.iter().any(|o| o.key == name) {
        return None;
    }
    let key = plain_key(source, member.key_range)?;
    if source.get(member.value.range.as_usize())?.contains('\n') {
        return None;
    }
    Some(Fix {
        title: format!("Convert to \"{name}\": \"{{% {expression} %}}\""),
        applicability: Applicability::Unsafe,
        edits: vec![
            Edit {
                range: crate::syntax::TextRange::new(key.end - 2, key.end),
                replacement: String::new(),
            },
            Edit {
                range: member.value.range,
                replacement: serde_json::to_string(&format!("{{% {expression} %}}")).ok()?,
            },
        ],
    })
}

/// The members with a `.$` key anywhere in `value`, each with the members of its
/// object, in document order; without the top-level keys when they name variables.
fn dollar_members<'a, 's>(
    value: &'a Node<'s>,
    variables: bool,
) -> Vec<(&'a Member<'s>, &'a [Member<'s>])> {
    let mut out = Vec::new();
    let mut stack = vec![(value, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > 128 || n.is_unknown() {
            continue;
        }
        match &n.value {
            Value::Object(members) => {
                for m in members {
                    if m.key.ends_with(".$") && !(variables && depth == 0) {
                        out.push((m, &members[..]));
                    }
                    stack.push((&m.value, depth + 1));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    out.sort_by_key(|(m, _)| m.key_range.start);
    out
}
