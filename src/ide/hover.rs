//! Hover text: state types and fields, state names, resource ARNs, intrinsic and JSONata
//! functions, and the documentation of the rules behind the diagnostics at the cursor.

use crate::diagnostics::Diagnostic;
use crate::model::context::context_field;
use crate::model::{StateMachine, StateType};
use crate::rules;
use crate::syntax::{SourceKind, TextRange};

use super::catalog::{self, Field};
use super::input_fields::{PathTarget, known_input, path_target, result_of};
use super::navigate::{RefKind, name_at, occurrences};
use super::{Container, Slot, in_string_at, locate, with_machine_at};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    /// What the hover is about.
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

/// What a template that names a definition file (`DefinitionUri`) gives one of the
/// file's `${Name}` tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenValue {
    /// The name of the token (`Name`).
    pub name: String,
    /// The template's file name.
    pub template: String,
    /// The template's state machine that names the file (its logical id).
    pub machine: String,
    /// The `DefinitionSubstitutions` entry as written there
    /// ([`super::substitution_entry`]).
    pub written: String,
}

/// Hover at `offset`. `diagnostics` are the document's diagnostics (for the rule docs).
pub fn hover(
    text: &str,
    kind: SourceKind,
    offset: u32,
    diagnostics: &[Diagnostic],
) -> Option<HoverInfo> {
    hover_given(text, kind, offset, diagnostics, &[])
}

/// [`hover`] in a definition file that templates name: on a `${Name}`, the values
/// they give it (`given`, for any of the file's names).
pub fn hover_given(
    text: &str,
    kind: SourceKind,
    offset: u32,
    diagnostics: &[Diagnostic],
    given: &[GivenValue],
) -> Option<HoverInfo> {
    // A template's `${Name}`: where its value is given, as written there.
    let placeholder = super::navigate::placeholder_source(text, kind, offset)
        .map(|source| {
            let token = &text[source.token.as_usize()];
            let place = &source.place;
            HoverInfo {
                range: source.token,
                // The entry as written, when there is more to it than its key.
                markdown: match source.entry {
                    Some(entry) => format!(
                        "`{token}` is filled in at deploy time from {place}:\n\n```\n{}\n```",
                        super::navigate::as_written(&text[entry.as_usize()])
                    ),
                    None => format!("`{token}` is filled in at deploy time from {place}."),
                },
            }
        })
        .or_else(|| given_hover(text, offset, given));
    let mut info = match in_string_at(text, kind, offset) {
        _ if placeholder.is_some() => placeholder,
        Some(e) => hover(&e.inner.text, e.kind, e.offset, &[]).map(|h| HoverInfo {
            range: e.range(h.range),
            markdown: h.markdown,
        }),
        None => symbol_hover(text, kind, offset),
    };
    let here: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.range.touches(offset))
        .collect();
    if !here.is_empty() {
        let mut md = info.as_ref().map_or(String::new(), |i| i.markdown.clone());
        let mut seen = Vec::new();
        for d in &here {
            if seen.contains(&d.code) {
                continue;
            }
            seen.push(d.code);
            let Some(rule) = rules::find(d.code) else {
                continue;
            };
            if !md.is_empty() {
                md.push_str("\n\n---\n\n");
            }
            md.push_str(&format!(
                "**{}** `{}` ({})\n\n{}",
                rule.meta.code,
                rule.meta.name,
                rule.meta.severity.as_str(),
                rule.meta.docs.trim()
            ));
        }
        let range = info.as_ref().map_or(here[0].range, |i| i.range);
        info = Some(HoverInfo {
            range,
            markdown: md,
        });
    }
    info
}

/// Hover on what is written at `offset` (not the diagnostics).
/// The `${Name}` at `offset` of a definition file, with what the templates that name
/// the file give it (each template's entry).
fn given_hover(text: &str, offset: u32, given: &[GivenValue]) -> Option<HoverInfo> {
    if given.is_empty() {
        return None;
    }
    let (token, name) = super::navigate::placeholder_name_at(text, offset)?;
    let blocks: Vec<String> = given
        .iter()
        .filter(|g| g.name == name)
        .map(|g| {
            format!(
                "`{}` is filled in at deploy time from the `DefinitionSubstitutions` of `{}` in `{}`:\n\n```\n{}\n```",
                &text[token.as_usize()],
                g.machine,
                g.template,
                g.written
            )
        })
        .collect();
    (!blocks.is_empty()).then(|| HoverInfo {
        range: token,
        markdown: blocks.join("\n\n"),
    })
}

fn symbol_hover(text: &str, kind: SourceKind, offset: u32) -> Option<HoverInfo> {
    with_machine_at(text, kind, offset, |root, machine| {
        if let Some(h) = name_hover(machine, offset) {
            return Some(h);
        }
        if let Some(h) = variable_hover(text, machine, offset) {
            return Some(h);
        }
        let cursor = locate(text, kind, root, machine, offset)?;
        match &cursor.slot {
            Slot::Key { range, current, .. } => {
                let key = current.as_deref()?;
                let md = key_hover(machine, cursor.container, key)?;
                Some(HoverInfo {
                    range: *range,
                    markdown: md,
                })
            }
            Slot::Value { key, range, .. } => {
                let value = &text[range.as_usize()];
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                value_hover(text, cursor.container, key, value, *range, offset)
                    .or_else(|| data_hover(machine, text, *range, offset))
            }
        }
    })
}

/// On a workflow variable (an `Assign` key or a `$name` read): the states that assign
/// it and how often it is read, in its domain.
fn variable_hover(text: &str, machine: &StateMachine<'_, '_>, offset: u32) -> Option<HoverInfo> {
    let (domain, name) = super::variables::variable_at(text, machine, offset)?;
    let all = super::variables::variable_occurrences(text, machine, domain, &name);
    let here = all.iter().find(|o| o.range.touches(offset))?;
    let state_of = |r: TextRange| super::state_around(machine, r.start).map(|s| s.name);
    let mut assigned: Vec<String> = Vec::new();
    for o in all.iter().filter(|o| o.write) {
        if let Some(n) = state_of(o.range) {
            let quoted = format!("\"{n}\"");
            if !assigned.contains(&quoted) {
                assigned.push(quoted);
            }
        }
    }
    let reads = all.iter().filter(|o| !o.write).count();
    let mut md = format!("**${name}** (workflow variable)");
    if assigned.is_empty() {
        md.push_str("\n\nAssigned by no state.");
    } else {
        md.push_str(&format!("\n\nAssigned in {}.", assigned.join(", ")));
    }
    md.push_str(&match reads {
        0 => " Never read.".to_string(),
        1 => " Read once.".to_string(),
        n => format!(" Read {n} times."),
    });
    Some(HoverInfo {
        range: here.range,
        markdown: md,
    })
}

fn name_hover(machine: &StateMachine<'_, '_>, offset: u32) -> Option<HoverInfo> {
    let at = name_at(machine, offset)?;
    let scope = machine.scope(at.scope);
    let md = match scope.state(&at.name) {
        Some(state) => {
            let ty = state
                .type_member()
                .and_then(|m| m.value.as_str())
                .unwrap_or("untyped");
            let mut md = format!(
                "**{}** ({ty} state in {})",
                at.name,
                scope.describe(machine)
            );
            if let Some(c) = state.field("Comment").and_then(|m| m.value.as_str()) {
                md.push_str(&format!("\n\n{c}"));
            }
            let uses = occurrences(machine, at.scope, &at.name)
                .iter()
                .filter(|r| r.kind != RefKind::Declaration)
                .count();
            md.push_str(&format!(
                "\n\n{uses} reference{}",
                if uses == 1 { "" } else { "s" }
            ));
            md
        }
        None => format!(
            "No state named \"{}\" in {}",
            at.name,
            scope.describe(machine)
        ),
    };
    Some(HoverInfo {
        range: at.range,
        markdown: md,
    })
}

fn field_md(f: &Field, note: Option<String>) -> String {
    let mut md = format!("**{}**: {}", f.name, f.doc);
    if f.types != catalog::Types::ALL {
        md.push_str(&format!("\n\nAllowed in: {}.", f.types.describe()));
    }
    if let Some(only) = f.only {
        md.push_str(&format!(" {} only.", only.as_str()));
    }
    if let Some(n) = note {
        md.push_str(&format!("\n\n{n}"));
    }
    md
}

fn key_hover(machine: &StateMachine<'_, '_>, container: Container, key: &str) -> Option<String> {
    let find = |fields: &'static [Field]| fields.iter().find(|f| f.name == key);
    match container {
        Container::State(id) => {
            let state = machine.state(id);
            let f = find(catalog::STATE_FIELDS)?;
            let note = state.kind.and_then(|t| {
                (!f.types.contains(t)).then(|| format!("⚠ not a field of {} states.", t.as_str()))
            });
            Some(field_md(f, note))
        }
        Container::Machine(_) => find(catalog::MACHINE_FIELDS).map(|f| field_md(f, None)),
        Container::Retrier(_) => find(catalog::RETRIER_FIELDS).map(|f| field_md(f, None)),
        Container::Catcher(_) => find(catalog::CATCHER_FIELDS).map(|f| field_md(f, None)),
        Container::ProcessorConfig(_) => {
            find(catalog::PROCESSOR_CONFIG_FIELDS).map(|f| field_md(f, None))
        }
        Container::ChoiceRule { .. } => {
            find(catalog::CHOICE_RULE_FIELDS).map(|f| field_md(f, None))
        }
        _ => None,
    }
}

fn value_hover(
    text: &str,
    container: Container,
    key: &str,
    value: &str,
    range: TextRange,
    offset: u32,
) -> Option<HoverInfo> {
    let in_state = matches!(container, Container::State(_));
    if key == "QueryLanguage" && matches!(container, Container::State(_) | Container::Machine(_)) {
        let what = match value {
            "JSONata" => {
                "**JSONata**\n\nFields are written as JSONata: `Arguments` and `Output` in place of `Parameters`, `ResultSelector`, `InputPath`, `OutputPath` and `ResultPath`; `Condition` in Choice rules; `{% ... %}` expressions reading `$states.input`, `$states.result`, `$states.errorOutput` and `$states.context`."
            }
            "JSONPath" => {
                "**JSONPath** (the default)\n\nFields are written with paths: `InputPath`, `Parameters` (keys ending in `.$`), `ResultSelector`, `ResultPath` and `OutputPath`; Choice rules with `Variable` and a comparison operator; intrinsic functions such as `States.Format`."
            }
            _ => return None,
        };
        let scope = if in_state {
            "For this state only; a state machine whose QueryLanguage is JSONata cannot hold JSONPath states."
        } else {
            "For every state that does not set its own."
        };
        return Some(HoverInfo {
            range,
            markdown: format!("{what}\n\n{scope}"),
        });
    }
    if in_state && key == "Type" {
        let t = StateType::parse(value)?;
        return Some(HoverInfo {
            range,
            markdown: format!("**{} state**\n\n{}", t.as_str(), catalog::state_type_doc(t)),
        });
    }
    if in_state && key == "Resource" {
        let a = catalog::explain_arn(value)?;
        let mut md = format!("**{}**", a.kind);
        if let Some(s) = &a.service {
            md.push_str(&format!("\n\n- service: `{s}`"));
        }
        if let Some(act) = &a.action {
            md.push_str(&format!("\n- action: `{act}`"));
        }
        if let Some(n) = &a.name {
            md.push_str(&format!("\n- name: `{n}`"));
        }
        if let Some(p) = a.pattern {
            md.push_str(&format!("\n- integration pattern: {p}"));
        }
        return Some(HoverInfo {
            range,
            markdown: md,
        });
    }
    // An error name in ErrorEquals: when Step Functions (or Lambda) raises it.
    if key == "ErrorEquals" {
        use crate::rules::practice::lambda_without_retry::TRANSIENT_LAMBDA_ERRORS;
        let doc = catalog::ERROR_NAMES
            .iter()
            .find(|(n, _)| *n == value)
            .map(|(_, d)| format!("{d}."))
            .or_else(|| {
                TRANSIENT_LAMBDA_ERRORS.contains(&value).then(|| {
                    "A transient error of the Lambda service (not of the function's code): worth retrying.".to_string()
                })
            })?;
        let all = match value {
            "States.ALL" => "",
            _ => " `States.ALL` matches it too.",
        };
        return Some(HoverInfo {
            range,
            markdown: format!("**{value}** (error name)\n\n{doc}{all}"),
        });
    }
    // A function name under the cursor inside a string.
    let (s, e, end) = path_run(text, range, offset);
    let word = &text[s..e];
    // `$states` itself: what it holds.
    if &text[s..end] == "$states" {
        let members: Vec<String> = catalog::STATES_MEMBERS
            .iter()
            .map(|(n, d)| format!("- `{n}`: {d}"))
            .collect();
        return Some(HoverInfo {
            range: TextRange::from_usize(s, end),
            markdown: format!(
                "`$states`\n\nThe data of the current state (JSONata):\n\n{}",
                members.join("\n")
            ),
        });
    }
    if let Some(f) = catalog::intrinsic(word.trim_end_matches('.')) {
        return Some(HoverInfo {
            range: TextRange::from_usize(s, e),
            markdown: format!("```\n{}\n```\n\n{}", f.signature, f.doc),
        });
    }
    if let Some((_, sig)) = catalog::JSONATA_FUNCTIONS.iter().find(|(n, _)| *n == word) {
        let about = match catalog::jsonata_function_doc(word) {
            Some((what, url)) => format!(
                "{}{} ([documentation]({url}))",
                &what[..1].to_uppercase(),
                &what[1..]
            ),
            None => "JSONata function".to_string(),
        };
        return Some(HoverInfo {
            range: TextRange::from_usize(s, e),
            markdown: format!("```\n{sig}\n```\n\n{about}"),
        });
    }
    // A field of the Context object or of `$states`: the path up to the name under
    // the cursor.
    let path = &text[s..end];
    let doc = match path.strip_prefix("$states.") {
        Some(rest) => match rest.split_once('.') {
            None => catalog::STATES_MEMBERS
                .iter()
                .find(|(n, _)| *n == rest)
                .map(|(_, d)| *d),
            Some(("context", below)) => context_doc(below),
            Some(_) => None,
        },
        None => context_doc(path.strip_prefix("$$.")?),
    }?;
    Some(HoverInfo {
        range: TextRange::from_usize(s, end),
        markdown: format!("`{path}`\n\n{doc}"),
    })
}

/// On a field of a path that reads the state's input (`$.case.agent`,
/// `$states.input.case.agent`) or its result (in a `ResultSelector`, `$states.result`):
/// which earlier state sets it, or which integration returns it, when that is known.
fn data_hover(
    machine: &StateMachine<'_, '_>,
    text: &str,
    range: TextRange,
    offset: u32,
) -> Option<HoverInfo> {
    let (s, _, e) = path_run(text, range, offset);
    let word = &text[s..e];
    let (parent, name) = word.rsplit_once('.')?;
    if name.is_empty() || name.contains('$') {
        return None;
    }
    let jsonata = parent.starts_with("$states");
    let origin = match path_target(machine, offset, parent, jsonata)? {
        PathTarget::Result { state } => {
            result_of(state)?.contains(&name).then_some(())?;
            let action = state.field("Resource")?.value.as_str()?;
            format!("returned by {action}")
        }
        PathTarget::Input { state, mut names } => {
            names.push(name);
            known_input(machine, state, u32::MAX)
                .into_iter()
                .find(|k| k.origin.starts_with("set by") && k.names == names)?
                .origin
        }
    };
    Some(HoverInfo {
        range: TextRange::from_usize(s, e),
        markdown: format!("`{word}`\n\n{origin}"),
    })
}

/// The run of path characters (letters, digits, `_`, `.`, `$`) around `offset` within
/// `range`: its start, its end, and the end of the name under the cursor (the next `.`
/// after the cursor, or the run's end).
fn path_run(text: &str, range: TextRange, offset: u32) -> (usize, usize, usize) {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$');
    let (mut s, mut e) = (offset as usize, offset as usize);
    while s > range.start as usize && is_name(bytes[s - 1]) {
        s -= 1;
    }
    while e < range.end as usize && is_name(bytes[e]) {
        e += 1;
    }
    let name_end = text[offset as usize..e]
        .find('.')
        .map_or(e, |i| offset as usize + i);
    (s, e, name_end)
}

/// The line about the Context object field at `path` (`Execution.StartTime`).
fn context_doc(path: &str) -> Option<&'static str> {
    let names: Vec<&str> = path.split('.').collect();
    context_field(&names).map(|f| f.doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{LintOptions, lint_text};

    /// A template's `${Name}` shows where its value is given.
    #[test]
    fn placeholder_shows_its_value() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        FnArn: !GetAtt Fn.Arn\n        After: Done\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Task, Resource: \"${FnArn}\", Next: \"${After}\"}\n          Done: {Type: Succeed}\n";
        let at = sam.find("${FnArn}").unwrap() as u32 + 3;
        let h = hover(sam, SourceKind::Yaml, at, &[]).unwrap();
        assert_eq!(&sam[h.range.as_usize()], "${FnArn}");
        assert_eq!(
            h.markdown,
            "`${FnArn}` is filled in at deploy time from the `DefinitionSubstitutions` of `M`:\n\n```\nFnArn: !GetAtt Fn.Arn\n```"
        );
        // A JSON template: the entry, without what follows it on the line.
        let json = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionSubstitutions": {"Go": "B"}, "Definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${Go}"}, "B": {"Type": "Succeed"}}}}}}}"#;
        let at = json.find("${Go}").unwrap() as u32 + 2;
        let h = hover(json, SourceKind::Json, at, &[]).unwrap();
        assert_eq!(
            h.markdown,
            "`${Go}` is filled in at deploy time from the `DefinitionSubstitutions` of `M`:\n\n```\n\"Go\": \"B\"\n```"
        );
        // Not "no state named ${After}".
        let at = sam.find("${After}").unwrap() as u32 + 3;
        let h = hover(sam, SourceKind::Yaml, at, &[]).unwrap();
        assert!(h.markdown.contains("After: Done"), "{}", h.markdown);
    }

    /// A `${Name}` of a `DefinitionString` that an `Fn::Sub` fills: its variable, or the
    /// template's resource or parameter, named as such.
    #[test]
    fn a_definition_string_placeholder_names_where_its_value_is() {
        let cfn = r#"{"Parameters": {"Stage": {"Type": "String"}}, "Resources": {"Fn": {"Type": "AWS::Lambda::Function"}, "Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Sub": ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${X}\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Task\", \"Resource\": \"${Fn.Arn}\", \"Comment\": \"${Stage}\", \"End\": true}}}", {"X": "arn:aws:lambda:us-east-1:123456789012:function:x"}]}}}}}"#;
        let at = |token: &str| cfn.find(token).unwrap() as u32 + 2;
        let markdown = |token| {
            hover(cfn, SourceKind::Json, at(token), &[])
                .unwrap()
                .markdown
        };
        assert_eq!(
            markdown("${X}"),
            "`${X}` is filled in at deploy time from the `Fn::Sub` variables of `Flow`:\n\n```\n\"X\": \"arn:aws:lambda:us-east-1:123456789012:function:x\"\n```"
        );
        assert_eq!(
            markdown("${Fn.Arn}"),
            "`${Fn.Arn}` is filled in at deploy time from the template's resource `Fn`."
        );
        assert_eq!(
            markdown("${Stage}"),
            "`${Stage}` is filled in at deploy time from the template's parameter `Stage`."
        );
    }

    /// An unquoted `${Name}` that ends its line hovers from just after its `}` (where
    /// the cursor sits at the end of the value) as from inside it: in a template's own
    /// definition and in a definition file a template names.
    #[test]
    fn an_unquoted_placeholder_hovers_from_the_end_of_its_line() {
        let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        WorkFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:work\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource: ${WorkFunctionArn}\n            End: true\n";
        let token = sam.find("${WorkFunctionArn}").unwrap() as u32;
        let end = token + "${WorkFunctionArn}".len() as u32;
        let inside = hover(sam, SourceKind::Yaml, token + 3, &[]).unwrap();
        assert_eq!(inside.range, TextRange::new(token, end));
        assert_eq!(hover(sam, SourceKind::Yaml, end, &[]), Some(inside));
        let file = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: ${WorkFunctionArn}\n    End: true\n";
        let token = file.find("${WorkFunctionArn}").unwrap() as u32;
        let end = token + "${WorkFunctionArn}".len() as u32;
        let given = [GivenValue {
            name: "WorkFunctionArn".to_string(),
            template: "template.yaml".to_string(),
            machine: "Flow".to_string(),
            written: "WorkFunctionArn: !GetAtt Work.Arn".to_string(),
        }];
        let h = hover_given(file, SourceKind::Yaml, end, &[], &given).unwrap();
        assert_eq!(h.range, TextRange::new(token, end));
        assert_eq!(
            h.markdown,
            "`${WorkFunctionArn}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nWorkFunctionArn: !GetAtt Work.Arn\n```"
        );
    }

    /// A definition file's `${Name}` shows what the templates that name it give.
    #[test]
    fn a_file_placeholder_shows_what_its_templates_give() {
        let text = r#"{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "Next": "${NextStep}"}, "Finish": {"Type": "Succeed"}}}"#;
        let at = text.find("${NextStep}").unwrap() as u32 + 4;
        let given = |template: &str, written: &str| GivenValue {
            name: "NextStep".to_string(),
            template: template.to_string(),
            machine: "Flow".to_string(),
            written: written.to_string(),
        };
        let h = hover_given(
            text,
            SourceKind::Json,
            at,
            &[],
            &[given("template.yaml", "NextStep: Finish")],
        )
        .unwrap();
        assert_eq!(&text[h.range.as_usize()], "${NextStep}");
        assert_eq!(
            h.markdown,
            "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nNextStep: Finish\n```"
        );
        // Two templates name the file: both values.
        let h = hover_given(
            text,
            SourceKind::Json,
            at,
            &[],
            &[
                given("a/template.yaml", "NextStep: Finish"),
                given("b/template.json", "\"NextStep\": \"Go\","),
            ],
        )
        .unwrap();
        assert_eq!(
            h.markdown,
            "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `a/template.yaml`:\n\n```\nNextStep: Finish\n```\n\n`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `b/template.json`:\n\n```\n\"NextStep\": \"Go\",\n```"
        );
        // A name no template gives: the hover of the name as before.
        let other = GivenValue {
            name: "Other".to_string(),
            ..given("template.yaml", "Other: x")
        };
        assert_eq!(
            hover_given(
                text,
                SourceKind::Json,
                at,
                &[],
                std::slice::from_ref(&other)
            ),
            hover(text, SourceKind::Json, at, &[])
        );
    }

    fn hover_at(text: &str, needle: &str, delta: u32) -> Option<HoverInfo> {
        let off = text.find(needle).unwrap() as u32 + delta;
        let diags = lint_text(text, SourceKind::Json, &LintOptions::default());
        hover(text, SourceKind::Json, off, &diags)
    }

    const TEXT: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Task", "Comment": "Calls the thing", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"x.$": "States.Format('{}', $.a)"}, "TimeoutSeconds": 60, "Next": "B"},
  "B": {"Type": "Pass", "Next": "Nowhere"}}}"#;

    #[test]
    fn variables_name_where_they_are_assigned_and_read() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"total": 1}, "Next": "B"},
  "B": {"Type": "Pass", "Assign": {"total": "{% $total + 1 %}"}, "Output": "{% $total %}", "End": true}}}"#;
        let on_read = hover_at(text, "$total +", 2).unwrap();
        assert_eq!(
            on_read.markdown,
            "**$total** (workflow variable)\n\nAssigned in \"A\", \"B\". Read 2 times."
        );
        assert_eq!(&text[on_read.range.as_usize()], "total");
        let on_key = hover_at(text, "\"total\": 1", 2).unwrap();
        assert_eq!(on_key.markdown, on_read.markdown);
    }

    #[test]
    fn query_language_values_say_how_fields_are_written() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}"#;
        let top = hover_at(text, "JSONata", 1).unwrap();
        assert!(
            top.markdown
                .starts_with("**JSONata**\n\nFields are written as JSONata"),
            "{}",
            top.markdown
        );
        assert!(
            top.markdown
                .ends_with("For every state that does not set its own.")
        );
        assert_eq!(&text[top.range.as_usize()], "\"JSONata\"");
        let state = hover_at(text, "JSONPath", 1).unwrap();
        assert!(
            state.markdown.starts_with("**JSONPath** (the default)"),
            "{}",
            state.markdown
        );
        assert!(state.markdown.contains("For this state only"));
    }

    #[test]
    fn jsonata_functions_link_to_their_documentation() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $sum([1]) & $uuid() %}", "End": true}}}"#;
        let h = hover_at(text, "$sum", 2).unwrap();
        assert_eq!(
            h.markdown,
            "```\n$sum(array) -> number\n```\n\nA JSONata aggregation function ([documentation](https://docs.jsonata.org/aggregation-functions#sum))"
        );
        let h = hover_at(text, "$uuid", 2).unwrap();
        assert!(h.markdown.ends_with("A function Step Functions adds to JSONata ([documentation](https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html))"), "{}", h.markdown);
        // Every function offered has its page.
        for (name, _) in catalog::JSONATA_FUNCTIONS
            .iter()
            .filter(|(n, _)| *n != "$states")
        {
            assert!(catalog::jsonata_function_doc(name).is_some(), "{name}");
        }
    }

    #[test]
    fn hovers_explain_types_fields_arns_and_functions() {
        let h = hover_at(TEXT, "\"Task\"", 2).unwrap();
        assert!(
            h.markdown
                .starts_with("**Task state**\n\nRuns one unit of work")
        );
        assert_eq!(&TEXT[h.range.as_usize()], "\"Task\"");

        let h = hover_at(TEXT, "\"Resource\"", 3).unwrap();
        assert!(
            h.markdown
                .starts_with("**Resource**: The ARN of the work to do")
        );
        assert!(h.markdown.contains("Allowed in: Task."));

        let h = hover_at(TEXT, "arn:aws", 5).unwrap();
        assert_eq!(
            h.markdown,
            "**Optimized service integration**\n\n- service: `sqs`\n- action: `sendMessage`\n- integration pattern: Wait for Callback (.waitForTaskToken): waits until SendTaskSuccess/SendTaskFailure is called with the task token"
        );

        let h = hover_at(TEXT, "States.Format", 8).unwrap();
        assert!(
            h.markdown
                .starts_with("```\nStates.Format(template: string, ...values) -> string\n```")
        );
        assert_eq!(&TEXT[h.range.as_usize()], "States.Format");

        let h = hover_at(TEXT, "\"A\": {", 1).unwrap();
        assert_eq!(
            h.markdown,
            "**A** (Task state in the top level)\n\nCalls the thing\n\n1 reference"
        );
    }

    #[test]
    fn hovers_explain_processor_config() {
        let text = r#"{"StartAt": "W", "States": {"W": {"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}}}}"#;
        let h = hover_at(text, "\"Mode\"", 2).unwrap();
        assert_eq!(
            h.markdown,
            "**Mode**: `INLINE` (the default): the iterations run inside this execution; `DISTRIBUTED`: each iteration runs as a child execution."
        );
        assert_eq!(&text[h.range.as_usize()], "\"Mode\"");
    }

    /// An error name in ErrorEquals, and `$states` itself.
    #[test]
    fn hovers_explain_error_names_and_states() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"}, "Output": "{% $uppercase($states.input.a) %}", "Retry": [{"ErrorEquals": ["States.TaskFailed", "Lambda.ServiceException"]}], "End": true}}}"#;
        let h = hover_at(text, "States.TaskFailed", 3).unwrap();
        assert_eq!(
            h.markdown,
            "**States.TaskFailed** (error name)\n\nAny error of a Task except States.Timeout. `States.ALL` matches it too."
        );
        assert_eq!(&text[h.range.as_usize()], "\"States.TaskFailed\"");
        let h = hover_at(text, "Lambda.Service", 3).unwrap();
        assert_eq!(
            h.markdown,
            "**Lambda.ServiceException** (error name)\n\nA transient error of the Lambda service (not of the function's code): worth retrying. `States.ALL` matches it too."
        );
        let h = hover_at(text, "$states.input", 2).unwrap();
        assert_eq!(&text[h.range.as_usize()], "$states");
        assert_eq!(
            h.markdown,
            "`$states`\n\nThe data of the current state (JSONata):\n\n- `input`: The state's input, as it entered the state.\n- `result`: What the Task, Parallel or Map state returned (in Output and Assign).\n- `errorOutput`: The error a Catcher caught: Error and Cause (in the Catcher's Output and Assign).\n- `context`: The Context object: Execution, State, StateMachine, Task, Map."
        );
    }

    /// A Context object field, or a part of `$states`: the path up to the name under
    /// the cursor, and what it holds.
    #[test]
    fn hovers_explain_context_fields() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"t.$": "States.Format('{}', $$.Execution.StartTime)"}, "Next": "B"},
  "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.context.Task.Token & $states.input.x %}", "End": true}}}"#;
        let h = hover_at(text, "StartTime", 2).unwrap();
        assert_eq!(&text[h.range.as_usize()], "$$.Execution.StartTime");
        assert!(
            h.markdown
                .starts_with("`$$.Execution.StartTime`\n\nWhen the execution started")
        );
        let h = hover_at(text, "Execution", 1).unwrap();
        assert_eq!(&text[h.range.as_usize()], "$$.Execution");
        let h = hover_at(text, "Token", 0).unwrap();
        assert!(
            h.markdown
                .starts_with("`$states.context.Task.Token`\n\nThe task token")
        );
        let h = hover_at(text, "input", 0).unwrap();
        assert_eq!(
            h.markdown,
            "`$states.input`\n\nThe state's input, as it entered the state."
        );
        // The input's own fields are data, not documented.
        assert!(hover_at(text, "input.x", 6).is_none());
    }

    /// On a field of the input or the result: the state that sets it, or the
    /// integration that returns it.
    #[test]
    fn hovers_tell_where_a_field_comes_from() {
        let text = r#"{"StartAt": "Check", "States": {
  "Check": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"ok.$": "$.Payload.ok"}, "ResultPath": "$.check", "Next": "Use"},
  "Use": {"Type": "Pass", "Parameters": {"ok.$": "$.check.ok", "id.$": "$.ticketId"}, "End": true}}}"#;
        let h = hover_at(text, "check.ok", 7).unwrap();
        assert_eq!(&text[h.range.as_usize()], "$.check.ok");
        assert_eq!(h.markdown, "`$.check.ok`\n\nset by \"Check\"");
        let h = hover_at(text, "$.check.ok", 3).unwrap();
        assert_eq!(h.markdown, "`$.check`\n\nset by \"Check\"");
        let h = hover_at(text, "Payload.ok", 2).unwrap();
        assert_eq!(
            h.markdown,
            "`$.Payload`\n\nreturned by arn:aws:states:::lambda:invoke"
        );
        // Nothing known of the execution's own input.
        assert!(hover_at(text, "ticketId", 2).is_none());
    }

    #[test]
    fn hover_on_a_diagnostic_shows_the_rule_docs() {
        let h = hover_at(TEXT, "\"Nowhere\"", 2).unwrap();
        assert!(
            h.markdown
                .starts_with("No state named \"Nowhere\" in the top level"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown
                .contains("**ASL201** `unknown-next-state` (error)\n\n## What it does")
        );
    }
}
