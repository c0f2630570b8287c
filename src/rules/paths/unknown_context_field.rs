use crate::diagnostics::{Applicability, Fix};
use crate::expr::jsonata::states_context_paths;
use crate::expr::jsonpath::{PathContext, Root, Selector};
use crate::model::{State, StateType};
use crate::rules::jsonata::{jsonata_states, source_range, state_expressions};
use crate::rules::paths::{
    dollar_paths, jsonpath_states, path_fields, payload_templates, template_members,
};
use crate::rules::{LintContext, Sink, and_list, declare_rule, did_you_mean};
use crate::syntax::{Member, Node, TextRange, Value, string_source_offset};

declare_rule! {
    /// ## What it does
    /// Checks every reference to the Context object (`$$.` in JSONPath,
    /// `$states.context.` in JSONata) against the fields the Context object has, and
    /// reports `$$.Map` read outside a Map state's `ItemSelector` and `$$.Task` read
    /// outside a Task state. The fields are `Execution` (`Id`, `Input`, `Name`,
    /// `RoleArn`, `StartTime`, `RedriveCount`, `RedriveTime`), `State` (`EnteredTime`,
    /// `Name`, `RetryCount`), `StateMachine` (`Id`, `Name`), `Task` (`Token`) and `Map`
    /// (`Item` with `Index`, `Value`, `Key`, `Source`). A misspelled name gets a
    /// did-you-mean. `$$.Map` is set in the `ItemSelector` (or the older `Parameters`)
    /// of a Map state only, and `$$.Task` in a Task state only. What is below
    /// `Execution.Input` and `Map.Item.Value` is your own data and is not checked, nor
    /// is a Choice rule that only tests `IsPresent`.
    ///
    /// ## Why is this bad?
    /// Step Functions accepts the definition, then fails the execution with
    /// `States.Runtime` when the state runs, because the path matches nothing in the
    /// Context object. Context paths are typed by hand and rarely covered by tests of
    /// the happy path, so a wrong one is found late.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Parameters": {"started.$": "$$.Execution.StartedAt"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Parameters": {"started.$": "$$.Execution.StartTime"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Replaces a misspelled name with the did-you-mean field (`StartTme` becomes
    /// `StartTime`; unsafe: a guess, applied only with `--unsafe-fixes`). A name
    /// written with an escape, or one that no field is close to (the `StartedAt`
    /// above), gets no fix; nor does a `$$.Map` or `$$.Task` read where it is not set.
    pub static RULE = {
        code: "ASL307",
        name: "unknown-context-field",
        severity: Error,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

use crate::model::context::{Below, CONTEXT_OBJECT};

/// A mistake in one context path; `at` is in the coordinates of the names given.
struct Finding {
    at: TextRange,
    message: String,
    help: String,
    /// The field meant, for a misspelled name.
    suggestion: Option<&'static str>,
}

/// Which parts of the Context object that only some states have are set where a path
/// is read.
#[derive(Clone, Copy)]
struct Here {
    /// `Map`: in a Map state's ItemSelector.
    map: bool,
    /// `Task`: in a Task state.
    task: bool,
}

/// Checks the names after the context root (`$$` or `$states.context`), each with
/// its span.
fn check_names(names: &[(&str, TextRange)], root: &str, here: Here) -> Option<Finding> {
    let mut fields = CONTEXT_OBJECT;
    let mut path = root.to_string();
    for (i, &(name, span)) in names.iter().enumerate() {
        let Some(found) = fields.iter().find(|f| f.name == name) else {
            let suggestion = did_you_mean(name, fields.iter().map(|f| f.name));
            let parent = if i == 0 {
                format!("the Context object ({root})")
            } else {
                path.clone()
            };
            let list: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let has = and_list(&list);
            let help = match suggestion {
                Some(s) => format!("did you mean \"{s}\"? {parent} has {has}"),
                None => format!("{parent} has {has}"),
            };
            return Some(Finding {
                at: span,
                message: format!("{parent} has no field \"{name}\""),
                help,
                suggestion,
            });
        };
        path.push('.');
        path.push_str(found.name);
        if i == 0 && found.name == "Task" && !here.task {
            return Some(Finding {
                at: span,
                message: format!("{path} is only set in a Task state"),
                help: format!(
                    "read {path}.Token in the Task that hands the token to a worker (with .waitForTaskToken)"
                ),
                suggestion: None,
            });
        }
        if i == 0 && found.name == "Map" && !here.map {
            return Some(Finding {
                at: span,
                message: format!("{path} is only set in a Map state's ItemSelector"),
                help: format!(
                    "read {path}.Item.Index or {path}.Item.Value in the Map state's ItemSelector and pass it to the iteration as a field of its input"
                ),
                suggestion: None,
            });
        }
        match &found.below {
            Below::Data => return None,
            Below::Fields(next) => fields = next,
            Below::Nothing => {
                let &(next, next_span) = names.get(i + 1)?;
                return Some(Finding {
                    at: next_span,
                    message: format!("{path} is a single value with no field \"{next}\""),
                    help: format!("read {path} itself"),
                    suggestion: None,
                });
            }
        }
    }
    None
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in jsonpath_states(machine) {
        // Most states read no context: their text is searched, not their fields listed.
        if !mentions(ctx.source, state, b"$$") {
            continue;
        }
        for (field, node) in context_strings(state) {
            let Some(text) = node.as_str() else { continue };
            if !text.contains("$$") {
                continue;
            }
            let here = Here {
                map: state.kind == Some(StateType::Map)
                    && matches!(field, "ItemSelector" | "Parameters"),
                task: state.kind == Some(StateType::Task),
            };
            for path in dollar_paths(text) {
                if path.root != Root::Context {
                    continue;
                }
                // The names up to the first step that is not a plain name; the name of
                // `.Name` starts after the dot, that of `['Name']` is the whole step.
                let names: Vec<(&str, TextRange)> = path
                    .segments
                    .iter()
                    .map_while(|s| match &s.selector {
                        Selector::Name(n) if !s.descendant => {
                            let dotted = text.as_bytes().get(s.span.start as usize) == Some(&b'.');
                            let start = s.span.start + u32::from(dotted);
                            Some((n.as_str(), TextRange::new(start, s.span.end)))
                        }
                        _ => None,
                    })
                    .collect();
                let Some(f) = check_names(&names, "$$", here) else {
                    continue;
                };
                let start = string_source_offset(ctx.source, node, f.at.start as usize);
                let end = string_source_offset(ctx.source, node, f.at.end as usize);
                report(
                    ctx,
                    sink,
                    f,
                    TextRange::new(start, end.max(start + 1)),
                    field,
                    state,
                );
            }
        }
    }
    for state in jsonata_states(machine) {
        if !mentions(ctx.source, state, b"context") {
            continue;
        }
        for e in state_expressions(state) {
            let Ok(tree) = &e.parsed.result else { continue };
            let here = Here {
                map: state.kind == Some(StateType::Map)
                    && (e.field == "ItemSelector" || e.field.starts_with("ItemSelector.")),
                task: state.kind == Some(StateType::Task),
            };
            for chain in states_context_paths(tree) {
                let names: Vec<(&str, TextRange)> =
                    chain.iter().map(|(n, s)| (n.as_str(), *s)).collect();
                if let Some(f) = check_names(&names, "$states.context", here) {
                    let range = source_range(ctx.source, &e, f.at);
                    report(ctx, sink, f, range, &e.field, state);
                }
            }
        }
    }
}

/// False only when the source text of `state` (nested states included) cannot spell
/// `needle`: it is not there, and no `\u`/`\x` escape could hide it. A quick filter
/// before the fields are listed, not an answer.
fn mentions(source: &str, state: &State<'_, '_>, needle: &[u8]) -> bool {
    source
        .as_bytes()
        .get(state.node.range.as_usize())
        .is_some_and(|text| {
            memchr::memmem::find(text, needle).is_some()
                || memchr::memmem::find(text, b"\\u").is_some()
                || memchr::memmem::find(text, b"\\x").is_some()
        })
}

fn report(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    f: Finding,
    range: TextRange,
    field: &str,
    state: &State<'_, '_>,
) {
    let d = sink.report(
        range,
        format!(
            "{}: reading it in '{field}' of \"{}\" fails at run time",
            f.message, state.name
        ),
    );
    d.help = Some(f.help);
    // The name as written (no escapes) can be replaced by the one meant.
    if let Some(s) = f.suggestion
        && ctx.source.get(range.as_usize()).is_some_and(|written| {
            written
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    {
        d.fixes.push(Fix::replace(
            format!("Replace with \"{s}\""),
            Applicability::Unsafe,
            range,
            s.to_string(),
        ));
    }
}

/// The strings of a JSONPath state that may hold context paths, with the field each is
/// in: path fields, `.$` values of payload templates, ErrorPath and CausePath. Choice
/// rules that test `IsPresent` are left out: a missing field is their answer.
fn context_strings<'a, 's>(state: &State<'a, 's>) -> Vec<(&'a str, &'a Node<'s>)> {
    let presence = presence_variables(state);
    let mut out: Vec<(&'a str, &'a Node<'s>)> = Vec::new();
    for (m, context) in path_fields(state) {
        // A ResultPath writes; `$$` in one is ASL301's (it cannot refer to the
        // Context object at all).
        if matches!(context, PathContext::ResultPath) {
            continue;
        }
        if !presence.iter().any(|p| std::ptr::eq(*p, m)) {
            out.push((&m.key, &m.value));
        }
    }
    for (name, template) in payload_templates(state) {
        // Only the indexed names (`Catch[0].Assign`) are formatted; those are not
        // where `$$.Map` is set, so their general name serves the message.
        let field: &'a str = match name {
            std::borrow::Cow::Borrowed(n) => n,
            std::borrow::Cow::Owned(n) if n.starts_with("Catch") => "Catch.Assign",
            std::borrow::Cow::Owned(_) => "Choices.Assign",
        };
        for m in template_members(template) {
            if m.key.ends_with(".$") {
                out.push((field, &m.value));
            }
        }
    }
    for key in ["ErrorPath", "CausePath"] {
        if let Some(m) = state.field(key) {
            out.push((&m.key, &m.value));
        }
    }
    out
}

/// The `Variable` members of this Choice state's rules (nested ones too) that test
/// `IsPresent`.
fn presence_variables<'a, 's>(state: &State<'a, 's>) -> Vec<&'a Member<'s>> {
    let mut out = Vec::new();
    let mut stack: Vec<&'a Node<'s>> = state.choices.iter().map(|r| r.node).collect();
    while let Some(rule) = stack.pop() {
        if stack.len() > 4096 {
            break;
        }
        let Some(members) = rule.as_object() else {
            continue;
        };
        if members.iter().any(|m| m.key == "IsPresent")
            && let Some(v) = rule.member("Variable")
        {
            out.push(v);
        }
        for m in members {
            match (&*m.key, &m.value.value) {
                ("And" | "Or", Value::Array(items)) => stack.extend(items.iter()),
                ("Not", Value::Object(_)) => stack.push(&m.value),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(definition: &str) -> Vec<(String, String, Option<String>)> {
        let opts = LintOptions {
            select: vec!["ASL307".into()],
            ..Default::default()
        };
        lint_text(definition, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| {
                (
                    definition[d.range.as_usize()].to_string(),
                    d.message,
                    d.fixes.first().map(|f| f.edits[0].replacement.clone()),
                )
            })
            .collect()
    }

    fn pass(parameters: &str) -> String {
        format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Parameters": {parameters}, "End": true}}}}}}"#
        )
    }

    /// A ResultPath into `$$` is reported once, by ASL301, which says that it cannot
    /// be written there at all; not a second time as a field that is not read.
    #[test]
    fn result_paths_are_left_to_asl301() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$$.x",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$$.Nope", "Next": "B"}],
            "Next": "B"}, "B": {"Type": "Pass", "OutputPath": "$$.Nope", "End": true}}}"#;
        assert_eq!(run(text).len(), 1, "{:?}", run(text));
        assert_eq!(run(text)[0].0, "Nope");
        let all = lint_text(text, SourceKind::Json, &LintOptions::default());
        let codes: Vec<&str> = all
            .iter()
            .map(|d| d.code)
            .filter(|c| c.starts_with("ASL3"))
            .collect();
        assert_eq!(codes, ["ASL301", "ASL301", "ASL307"]);
    }

    #[test]
    fn known_fields_and_user_data_pass() {
        assert_eq!(
            run(&pass(
                r#"{"a.$": "$$.Execution.Id", "b.$": "$$.Execution.Input.any.thing", "c.$": "$$.State.RetryCount", "d.$": "$$.StateMachine.Name", "e.$": "$$", "f.$": "$$.Execution", "g.$": "States.Format('{}', $$.Execution.Name)", "h.$": "$$['State']['Name']", "i.$": "$.notContext"}"#
            )),
            vec![]
        );
    }

    #[test]
    fn misspelled_fields_are_reported_at_the_name_with_a_fix() {
        assert_eq!(
            run(&pass(r#"{"started.$": "$$.Execution.StartTme"}"#)),
            vec![(
                "StartTme".to_string(),
                "$$.Execution has no field \"StartTme\": reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                Some("StartTime".to_string())
            )]
        );
        // Too far from any field for a guess.
        assert_eq!(
            run(&pass(r#"{"started.$": "$$.Execution.StartedAt"}"#)),
            vec![(
                "StartedAt".to_string(),
                "$$.Execution has no field \"StartedAt\": reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                None
            )]
        );
        assert_eq!(
            run(&pass(r#"{"x.$": "States.Format('{}', $$.execution.Name)"}"#)),
            vec![(
                "execution".to_string(),
                "the Context object ($$) has no field \"execution\": reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                Some("Execution".to_string())
            )]
        );
        assert_eq!(
            run(&pass(r#"{"x.$": "$$.Execution.Id.Value"}"#)),
            vec![(
                "Value".to_string(),
                "$$.Execution.Id is a single value with no field \"Value\": reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                None
            )]
        );
    }

    #[test]
    fn escaped_paths_are_checked_too() {
        assert_eq!(
            run(&pass(r#"{"x.$": "\u0024$.Execution.Nme"}"#)),
            vec![(
                "Nme".to_string(),
                "$$.Execution has no field \"Nme\": reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                Some("Name".to_string())
            )]
        );
    }

    #[test]
    fn map_context_only_in_the_item_selector() {
        let map = |selector: &str, inner: &str| {
            format!(
                r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemSelector": {selector}, "ItemProcessor": {{"StartAt": "I", "States": {{"I": {{"Type": "Pass", "Parameters": {inner}, "End": true}}}}}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(
            run(&map(
                r#"{"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value.id"}"#,
                r#"{"i.$": "$.i"}"#
            )),
            vec![]
        );
        assert_eq!(
            run(&map(r#"{"i.$": "$$.Map.Item.Index"}"#, r#"{"v.$": "$$.Map.Item.Value"}"#)),
            vec![(
                "Map".to_string(),
                "$$.Map is only set in a Map state's ItemSelector: reading it in 'Parameters' of \"I\" fails at run time".to_string(),
                None
            )]
        );
        assert_eq!(
            run(&map(r#"{"i.$": "$$.Map.Item.Indx"}"#, r#"{"i.$": "$.i"}"#)),
            vec![(
                "Indx".to_string(),
                "$$.Map.Item has no field \"Indx\": reading it in 'ItemSelector' of \"M\" fails at run time".to_string(),
                Some("Index".to_string())
            )]
        );
    }

    #[test]
    fn task_context_only_in_a_task() {
        assert_eq!(
            run(&pass(r#"{"token.$": "$$.Task.Token"}"#)),
            vec![(
                "Task".to_string(),
                "$$.Task is only set in a Task state: reading it in 'Parameters' of \"A\" fails at run time".to_string(),
                None
            )]
        );
        let task = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}"#;
        assert_eq!(run(task), vec![]);
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.context.Task.Token %}", "End": true}}}"#;
        assert_eq!(
            run(jsonata),
            vec![(
                "Task".to_string(),
                "$states.context.Task is only set in a Task state: reading it in 'Output' of \"A\" fails at run time".to_string(),
                None
            )]
        );
    }

    #[test]
    fn path_fields_and_choice_rules() {
        let choice = |rule: &str| {
            format!(
                r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{rule}], "Default": "E"}}, "E": {{"Type": "Succeed"}}}}}}"#
            )
        };
        assert_eq!(
            run(&choice(
                r#"{"Variable": "$$.State.RetryCont", "NumericGreaterThan": 2, "Next": "E"}"#
            )),
            vec![(
                "RetryCont".to_string(),
                "$$.State has no field \"RetryCont\": reading it in 'Variable' of \"C\" fails at run time".to_string(),
                Some("RetryCount".to_string())
            )]
        );
        // A presence test answers false instead of failing.
        assert_eq!(
            run(&choice(
                r#"{"Not": {"Variable": "$$.Execution.Other", "IsPresent": true}, "Next": "E"}"#
            )),
            vec![]
        );
        let input_path = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$$.Executon.Input", "End": true}}}"#;
        assert_eq!(
            run(input_path),
            vec![(
                "Executon".to_string(),
                "the Context object ($$) has no field \"Executon\": reading it in 'InputPath' of \"A\" fails at run time".to_string(),
                Some("Execution".to_string())
            )]
        );
    }

    #[test]
    fn jsonata_context_paths() {
        let state = |field: &str, value: &str| {
            format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "{field}": {value}, "End": true}}}}}}"#
            )
        };
        assert_eq!(
            run(&state(
                "Output",
                r#""{% $states.context.Execution.Input.x & $states.context.State.Name %}""#
            )),
            vec![]
        );
        assert_eq!(
            run(&state("Output", r#""{% $states.context.StateMachine.Nme %}""#)),
            vec![(
                "Nme".to_string(),
                "$states.context.StateMachine has no field \"Nme\": reading it in 'Output' of \"A\" fails at run time".to_string(),
                Some("Name".to_string())
            )]
        );
        assert_eq!(
            run(&state(
                "Assign",
                r#"{"i": "{% $states.context.Map.Item.Index %}"}"#
            )),
            vec![(
                "Map".to_string(),
                "$states.context.Map is only set in a Map state's ItemSelector: reading it in 'Assign' of \"A\" fails at run time".to_string(),
                None
            )]
        );
    }
}
