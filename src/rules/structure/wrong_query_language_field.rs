use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Applicability, Edit, Fix};
use crate::expr::jsonpath;
use crate::model::QueryLanguage;
use crate::rules::jsonata::effective_input;
use crate::rules::{LintContext, Sink, declare_rule, plain_key, report_schema_then};
use crate::schema::Category;
use crate::syntax::{Member, Node, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports a field of the other query language: `Arguments`, `Output`, `Condition`
    /// or `Items` in a JSONPath state, or `InputPath`, `Parameters`, `ResultSelector`,
    /// `ResultPath`, `OutputPath`, `*Path` fields and JSONPath Choice rules in a
    /// JSONata state.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition ("The QueryLanguage is set to 'JSONPath',
    /// but field 'Output' is only supported for the 'JSONata' QueryLanguage"). Usually
    /// the state (or the state machine) lacks `"QueryLanguage": "JSONata"`, or was half
    /// converted.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"x": 1}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"x": 1}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Finishes a half-done conversion to JSONata (unsafe: JSONata gives no value where
    /// JSONPath fails, so a missing field no longer stops the state):
    /// - `Parameters` of a Task or Parallel becomes `Arguments`, each `"x.$": "$.a.b"`
    ///   becoming `"x": "{% $states.input.a.b %}"` (`$$.` becomes `$states.context.`);
    /// - a `*Path` field becomes its JSONata field: `"ItemsPath": "$.orders"` is
    ///   `"Items": "{% $states.input.orders %}"`, and so are `SecondsPath`,
    ///   `TimestampPath`, `TimeoutSecondsPath`, `HeartbeatSecondsPath`,
    ///   `MaxConcurrencyPath`, `ErrorPath`, `CausePath` and the `ToleratedFailure*Path`
    ///   fields;
    /// - on a Task, Parallel or Map state, `ResultSelector` (a template over
    ///   `$states.result`), `ResultPath` (`null` keeps the input, `"$.a.b"` merges the
    ///   result into it) and `OutputPath` become one `Output`; a `ResultPath` or
    ///   `OutputPath` of `"$"` (the default) is removed;
    /// - on a Pass state, `Parameters` becomes its `Output`; with a `ResultPath` or
    ///   `OutputPath` (and without `Parameters`, the input is the result) they make one
    ///   `Output` expression in the same way;
    /// - a JSONPath Choice rule becomes a `Condition`: `{"Variable": "$.age",
    ///   "NumericGreaterThanEquals": 18}` is `"{% $states.input.age >= 18 %}"`, with
    ///   `And`/`Or`/`Not`, `IsPresent` (`$exists`), `IsNull`, `IsString`/`IsNumeric`/
    ///   `IsBoolean` (`$type`), `*Path` operands and timestamps (`$toMillis`);
    /// - with an `InputPath`, the paths above start from what it selects
    ///   (`"InputPath": "$.order"` makes `$.id` `$states.input.order.id`); once nothing
    ///   else reads through it, `InputPath` itself becomes the `Arguments` of a Task or
    ///   Parallel, the `Items` of a Map, or the `Output` of a Pass, Wait or Succeed
    ///   state (or goes, when `Arguments`, `Items` or `Output` is there); `"$"` is
    ///   removed. A Choice state's `InputPath` and `OutputPath` are left to you: its
    ///   `Output` is used only when `Default` is taken, each rule having its own. (`.$`
    ///   keys left in a JSONata state are ASL609's, whose fix reads through the
    ///   `InputPath` too.)
    ///
    /// Paths of names and indexes are converted, and intrinsic functions become the
    /// JSONata functions that compute the same (`States.Format` a `&` concatenation,
    /// which writes object and array values as JSON where the intrinsic writes them
    /// Java-style, `States.StringToJson` `$parse`, `States.ArrayLength` `$count`,
    /// `States.ArrayPartition` `$partition`, `States.StringSplit` a `$split` at each
    /// delimiter, `States.MathAdd` `+`, `States.JsonMerge` `$merge`, ...); a template
    /// with a filter, a wildcard, `States.MathRandom`, `States.Hash` of a path (which
    /// may hold a non-string) or `States.StringSplit` with delimiters from a path, or a
    /// rule with `StringMatches` or `IsTimestamp`, is left to you. In a JSONPath state,
    /// an `Arguments` with no `{% %}` expression and no `.$` key becomes `Parameters`.
    pub static RULE = {
        code: "ASL111",
        name: "wrong-query-language-field",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: Sometimes,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let members = if ctx.fixes {
        let wanted: HashSet<TextRange> = ctx
            .schema_findings()
            .iter()
            .filter(|f| f.category == Category::WrongQueryLanguage)
            .map(|f| f.range)
            .collect();
        members_at(ctx.document.root.as_ref(), &wanted)
    } else {
        HashMap::new()
    };
    // `"QueryLanguage": "JSONata"` written inside `States`, where it is not read: the
    // likely cause of every finding here.
    let misplaced = ctx.machine.and_then(|m| {
        m.all_states()
            .find(|s| s.name == "QueryLanguage")
            .and_then(|s| s.node.as_str())
    });
    // Written as JSONata there, it explains every JSONata field of the machine: ASL103
    // reports it, once, rather than one finding per field here.
    if misplaced == Some("JSONata")
        && ctx
            .machine
            .is_some_and(|m| m.query_language == QueryLanguage::JsonPath)
    {
        return;
    }
    let misplaced = misplaced.is_some();
    report_schema_then(ctx, sink, Category::WrongQueryLanguage, |d, f| {
        if misplaced {
            d.help = Some(
                "\"QueryLanguage\" is written inside \"States\", where Step Functions does not read it: move it to the top level"
                    .into(),
            );
        }
        // Converting the fields would undo what was meant.
        if !misplaced
            && let Some((member, object, state)) = members.get(&f.range)
            && let Some(fix) = conversion(ctx.source, member, object, *state)
        {
            d.fixes.push(fix);
        }
    });
}

const STATES_INPUT: &str = "$states.input";
const STATES_RESULT: &str = "$states.result";

/// JSONPath fields that hold a path, and the JSONata field that takes an expression
/// for the same value.
const PATH_FIELDS: &[(&str, &str)] = &[
    ("ItemsPath", "Items"),
    ("SecondsPath", "Seconds"),
    ("TimestampPath", "Timestamp"),
    ("TimeoutSecondsPath", "TimeoutSeconds"),
    ("HeartbeatSecondsPath", "HeartbeatSeconds"),
    ("MaxConcurrencyPath", "MaxConcurrency"),
    ("ErrorPath", "Error"),
    ("CausePath", "Cause"),
    ("ToleratedFailureCountPath", "ToleratedFailureCount"),
    (
        "ToleratedFailurePercentagePath",
        "ToleratedFailurePercentage",
    ),
];

/// A member, the object holding it, and the state around it (the nearest object with
/// a `Type`, possibly the object itself).
type Found<'a, 's> = (&'a Member<'s>, &'a Node<'s>, Option<&'a Node<'s>>);

/// The members whose key range is one of `wanted`.
fn members_at<'a, 's>(
    root: Option<&'a Node<'s>>,
    wanted: &HashSet<TextRange>,
) -> HashMap<TextRange, Found<'a, 's>> {
    let mut found = HashMap::new();
    let mut stack: Vec<(&'a Node<'s>, Option<&'a Node<'s>>)> =
        root.into_iter().map(|r| (r, None)).collect();
    while let Some((node, state)) = stack.pop() {
        if found.len() == wanted.len() {
            break;
        }
        match &node.value {
            Value::Object(members) => {
                let state = if node.member("Type").is_some() {
                    Some(node)
                } else {
                    state
                };
                for m in members {
                    if wanted.contains(&m.key_range) {
                        found.insert(m.key_range, (m, node, state));
                    }
                    stack.push((&m.value, state));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, state))),
            Value::Tagged(t) => stack.push((&t.node, state)),
            _ => {}
        }
    }
    found
}

fn is_choice(state: &Node<'_>) -> bool {
    state.get("Type").and_then(Node::as_str) == Some("Choice")
}

/// A Choice rule written in JSONPath (rather than with a JSONata `Condition`).
fn has_jsonpath_rules(state: &Node<'_>) -> bool {
    state
        .get("Choices")
        .and_then(Node::as_array)
        .is_some_and(|rules| {
            rules.iter().any(|r| {
                ["Variable", "And", "Or", "Not"]
                    .iter()
                    .any(|k| r.member(k).is_some())
            })
        })
}

/// `InputPath` in JSONata terms, once nothing else of the state reads the effective
/// input through it: what the effective input was passed to becomes an expression of
/// the input (a Task's or Parallel's `Arguments`, the `Output` of a Pass, Wait or
/// Succeed state, the `Items` of a Map). `None` for a Choice, a Map with an ItemReader,
/// a state with `Assign`, or while
/// `Parameters`, `*Path` fields or JSONPath Choice rules still read through it (their
/// own conversions come first and write the selection into their expressions).
fn input_path_conversion(source: &str, member: &Member<'_>, state: &Node<'_>) -> Option<Fix> {
    let sibling = |key: &str| state.member(key).is_some();
    if member.value.as_str() == Some("$") {
        return crate::rules::remove_field(source, state, member, Applicability::Unsafe);
    }
    // A JSONata Choice state's `Output` is its output only when `Default` is taken (a
    // matching rule gives its own `Output`, or the input): no one field does what
    // `InputPath` did on every way out.
    if is_choice(state) {
        return None;
    }
    if sibling("Parameters")
        || sibling("Assign")
        || PATH_FIELDS.iter().any(|(k, _)| sibling(k))
        || has_jsonpath_rules(state)
    {
        return None;
    }
    let root = effective_input(state)?;
    let new_key = match state.get("Type")?.as_str()? {
        "Task" | "Parallel" if sibling("Arguments") => {
            return crate::rules::remove_field(source, state, member, Applicability::Unsafe);
        }
        "Task" | "Parallel" => "Arguments",
        // An `Output` already there was written from the selection (converted
        // `Parameters`, `ResultPath`, `OutputPath`), or in JSONata, which never sees it.
        "Pass" | "Wait" | "Succeed"
            if sibling("Output") && !sibling("ResultPath") && !sibling("OutputPath") =>
        {
            return crate::rules::remove_field(source, state, member, Applicability::Unsafe);
        }
        // Its items: the selection, unless `Items` (converted from `ItemsPath` through
        // the selection) says which; `.$` keys of the ItemSelector still read through it.
        "Map" if sibling("ItemReader") => return None,
        "Map"
            if state.get("ItemSelector").is_some_and(|s| {
                crate::rules::paths::template_members(s)
                    .iter()
                    .any(|m| m.key.ends_with(".$"))
            }) =>
        {
            return None;
        }
        "Map" if sibling("Items") => {
            return crate::rules::remove_field(source, state, member, Applicability::Unsafe);
        }
        "Map" => "Items",
        "Pass"
            if !["Result", "ResultPath", "OutputPath", "Arguments"]
                .iter()
                .any(|k| sibling(k)) =>
        {
            "Output"
        }
        "Wait" | "Succeed" if !sibling("OutputPath") => "Output",
        _ => return None,
    };
    Some(Fix {
        title: format!("Convert to {new_key}"),
        applicability: Applicability::Unsafe,
        edits: vec![
            expression_value(source, &member.value, &root)?,
            Edit {
                range: plain_key(source, member.key_range)?,
                replacement: new_key.to_string(),
            },
        ],
    })
}

/// The fix that rewrites `member` (of `object`) in the other query language, when
/// there is one.
fn conversion(
    source: &str,
    member: &Member<'_>,
    object: &Node<'_>,
    state: Option<&Node<'_>>,
) -> Option<Fix> {
    let sibling = |key: &str| object.member(key).is_some();
    // What `$` means in the state's paths: the input after its `InputPath`.
    let input = effective_input(state.unwrap_or(object))?;
    if matches!(&*member.key, "Variable" | "And" | "Or" | "Not") {
        return choice_rule_conversion(source, member, object, &input);
    }
    if member.key == "InputPath" {
        return input_path_conversion(source, member, object);
    }
    let key = plain_key(source, member.key_range)?;
    let mut edits = Vec::new();
    let pass = object.get("Type").and_then(|t| t.as_str()) == Some("Pass");
    let (title, new_key) = match &*member.key {
        // A Pass state's result is its `Parameters`: the `Output` in JSONata.
        "Parameters" if pass => {
            if sibling("ResultPath") || sibling("OutputPath") {
                return pass_output(source, object, &input);
            }
            if ["Result", "Output", "Arguments"].iter().any(|k| sibling(k)) {
                return None;
            }
            template_edits(source, &member.value, &input, &mut edits)?;
            ("Convert to Output".to_string(), "Output")
        }
        "Parameters" if sibling("Resource") || sibling("Branches") => {
            if sibling("Arguments") {
                return None;
            }
            template_edits(source, &member.value, &input, &mut edits)?;
            ("Convert to Arguments".to_string(), "Arguments")
        }
        // The result's data flow, one field at a time: a combination is left to you.
        "ResultSelector" | "ResultPath" | "OutputPath" => {
            // `"$"` is the default: nothing to write in JSONata.
            if matches!(&*member.key, "ResultPath" | "OutputPath")
                && member.value.as_str() == Some("$")
            {
                return crate::rules::remove_field(source, object, member, Applicability::Unsafe);
            }
            let has_result = sibling("Resource")
                || sibling("Branches")
                || sibling("ItemProcessor")
                || sibling("Iterator");
            if sibling("Output") {
                return None;
            }
            if pass && (sibling("Parameters") || sibling("ResultPath")) {
                return pass_output(source, object, &input);
            }
            let others = ["ResultSelector", "ResultPath", "OutputPath"];
            if others.iter().any(|k| *k != &*member.key && sibling(k)) {
                return has_result
                    .then(|| combined_output(source, object))
                    .flatten();
            }
            let plain_pass = !sibling("Result") && !sibling("Parameters") && !sibling("Arguments");
            let written = member.value.as_str();
            match (&*member.key, written) {
                ("ResultSelector", _) if has_result => {
                    template_edits(source, &member.value, STATES_RESULT, &mut edits)?;
                }
                ("ResultPath", None) if has_result && member.value.value == Value::Null => {
                    edits.push(expression_value(source, &member.value, STATES_INPUT)?);
                }
                ("ResultPath", Some(path)) if has_result => {
                    // Only one level: {"a": result} merged into the input.
                    let path = jsonpath::parse(path).ok()?;
                    let [segment] = &path.segments[..] else {
                        return None;
                    };
                    let jsonpath::Selector::Name(name) = &segment.selector else {
                        return None;
                    };
                    let key = serde_json::to_string(name).ok()?;
                    let merged = format!("$merge([{STATES_INPUT}, {{{key}: {STATES_RESULT}}}])");
                    edits.push(expression_value(source, &member.value, &merged)?);
                }
                // On a Choice, as for its `InputPath` (see `input_path_conversion`).
                ("OutputPath", Some(_)) if has_result || plain_pass && !is_choice(object) => {
                    let root = if has_result { STATES_RESULT } else { &input };
                    edits.push(expression_edit(source, &member.value, root)?);
                }
                _ => return None,
            }
            ("Convert to Output".to_string(), "Output")
        }
        "Arguments" => {
            if sibling("Parameters") || !is_static(&member.value) {
                return None;
            }
            ("Rename to Parameters".to_string(), "Parameters")
        }
        path_key => {
            let &(_, field) = PATH_FIELDS.iter().find(|(p, _)| *p == path_key)?;
            if sibling(field) {
                return None;
            }
            edits.push(expression_edit(source, &member.value, &input)?);
            (format!("Convert to {field}"), field)
        }
    };
    edits.push(Edit {
        range: key,
        replacement: new_key.to_string(),
    });
    Some(Fix {
        title,
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// `ResultSelector`, `ResultPath` and `OutputPath` of a Task, Parallel or Map state,
/// two or three of them, as one JSONata `Output`: the selector shapes
/// `$states.result`, `ResultPath` places it in `input` (the state's raw input), and
/// `OutputPath` picks from the whole. The first of them becomes `Output`; the others go.
/// (`ResultPath` places the result in the raw input, whatever `InputPath` selects.)
/// `None` where a piece has no simple JSONata equal (a `ResultPath` beyond names, a
/// filter, an intrinsic function without a JSONata equal).
fn combined_output(source: &str, state: &Node<'_>) -> Option<Fix> {
    let result = match state.member("ResultSelector") {
        Some(m) => template_expression(&m.value, STATES_RESULT, 0)?,
        None => STATES_RESULT.to_string(),
    };
    shaped_output(
        source,
        state,
        result,
        ["ResultSelector", "ResultPath", "OutputPath"],
    )
}

/// The `Parameters`, `ResultPath` and `OutputPath` of a Pass state as one JSONata
/// `Output`: its result is the `Parameters` template over `input` (the selection of
/// its `InputPath`), or that selection itself, placed and picked as a Task's result is.
/// `None` for a Pass with a `Result`, `Output` or `Arguments`.
fn pass_output(source: &str, state: &Node<'_>, input: &str) -> Option<Fix> {
    if ["Result", "Output", "Arguments"]
        .iter()
        .any(|k| state.member(k).is_some())
    {
        return None;
    }
    let result = match state.member("Parameters") {
        Some(m) => template_expression(&m.value, input, 0)?,
        None => input.to_string(),
    };
    shaped_output(
        source,
        state,
        result,
        ["Parameters", "ResultPath", "OutputPath"],
    )
}

/// `result` placed by the state's `ResultPath` and picked by its `OutputPath`, as the
/// `Output` that replaces the first of `fields` (the others are removed).
fn shaped_output(source: &str, state: &Node<'_>, result: String, fields: [&str; 3]) -> Option<Fix> {
    let members = state.as_object()?;
    let find = |key: &str| members.iter().position(|m| m.key == key);
    let placed = match find("ResultPath").map(|i| &members[i].value) {
        None => result,
        Some(n) if n.value == Value::Null => STATES_INPUT.to_string(),
        Some(n) => {
            let path = jsonpath::parse(n.as_str()?).ok()?;
            if path.root != jsonpath::Root::Input {
                return None;
            }
            let mut names = Vec::new();
            for segment in &path.segments {
                match &segment.selector {
                    jsonpath::Selector::Name(name) if !segment.descendant => names.push(name),
                    _ => return None,
                }
            }
            merged_at(STATES_INPUT, &names, &result)?
        }
    };
    let output = match find("OutputPath").map(|i| &members[i].value) {
        None => placed,
        Some(n) => {
            let path = jsonpath::parse(n.as_str()?).ok()?;
            if path.segments.is_empty() {
                placed
            } else {
                path.to_jsonata_from(&format!("({placed})"))?
            }
        }
    };
    let mut indexes: Vec<usize> = fields.iter().filter_map(|k| find(k)).collect();
    indexes.sort_unstable();
    let (&first, rest) = indexes.split_first()?;
    let mut edits = vec![
        Edit {
            range: plain_key(source, members[first].key_range)?,
            replacement: "Output".to_string(),
        },
        Edit {
            range: members[first].value.range,
            replacement: serde_json::to_string(&format!("{{% {output} %}}")).ok()?,
        },
    ];
    // Removals of neighbouring members may share the spaces between them (a member
    // that ends a wrapped line goes with the spaces before its key): one removal.
    let mut removals: Vec<TextRange> = Vec::new();
    for &i in rest {
        let removal = crate::syntax::edit::remove_member(source, state, i)?;
        if !removal.text.is_empty() {
            return None;
        }
        match removals.last_mut() {
            Some(last) if removal.range.start < last.end => {
                *last = TextRange::new(last.start, last.end.max(removal.range.end));
            }
            _ => removals.push(removal.range),
        }
    }
    edits.extend(removals.into_iter().map(|range| Edit {
        range: with_spaces_before_line_end(source, range),
        replacement: String::new(),
    }));
    // The removals must not reach into each other or into the new `Output`.
    let mut sorted: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    if sorted.windows(2).any(|w| w[0].end > w[1].start) {
        return None;
    }
    Some(Fix {
        title: "Convert to Output".to_string(),
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// A removal that reaches the end of a line, grown back over the spaces before it when
/// something else stays on that line (`..., "OutputPath": "$.r",` ending a wrapped
/// line), so that no trailing space is left behind.
fn with_spaces_before_line_end(source: &str, range: TextRange) -> TextRange {
    let after = &source[range.end as usize..];
    if !(after.starts_with('\n') || after.starts_with("\r\n")) {
        return range;
    }
    let before = &source[..range.start as usize];
    let kept = before.trim_end_matches([' ', '\t']);
    if kept.len() == before.len() || kept.is_empty() || kept.ends_with(['\n', '\r']) {
        return range;
    }
    TextRange::new(kept.len() as u32, range.end)
}

/// `base` with `value` placed at the path of `names` under it, as JSONPath's
/// `ResultPath` does: `$merge([base, {"a": $merge([base.a, {"b": value}])}])`.
fn merged_at(base: &str, names: &[&String], value: &str) -> Option<String> {
    let Some((name, rest)) = names.split_first() else {
        return Some(value.to_string());
    };
    let key = serde_json::to_string(name).ok()?;
    let inner = if rest.is_empty() {
        value.to_string()
    } else {
        let below = format!("{base}{}", jsonpath::jsonata_field(name)?);
        merged_at(&below, rest, value)?
    };
    Some(format!("$merge([{base}, {{{key}: {inner}}}])"))
}

/// A JSONPath payload template as one JSONata expression: `{"a.$": "$.x", "b": 1}`
/// is `{"a": $states.result.x, "b": 1}` (with `$` standing for `root`).
fn template_expression(node: &Node<'_>, root: &str, depth: usize) -> Option<String> {
    if depth > 64 || node.is_unknown() {
        return None;
    }
    Some(match &node.value {
        Value::Object(members) => {
            let mut parts = Vec::new();
            for m in members {
                let (key, value) = match m.key.strip_suffix(".$") {
                    Some(name) => (name, dollar_expression(m.value.as_str()?, root)?),
                    None => (&*m.key, template_expression(&m.value, root, depth + 1)?),
                };
                parts.push(format!("{}: {value}", serde_json::to_string(key).ok()?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| template_expression(i, root, depth + 1))
                .collect();
            format!("[{}]", parts?.join(", "))
        }
        Value::String(s) if s.trim_start().starts_with("{%") => return None,
        Value::Tagged(_) => return None,
        _ => node.to_json().to_string(),
    })
}

/// A JSONPath Choice rule (in a JSONata state) written as a JSONata `Condition`: the
/// `Variable` (or `And`, `Or`, `Not`) member becomes `"Condition": "{% ... %}"` and the
/// comparison operator goes. Only for a top-level rule (it has `Next`) whose whole
/// condition converts.
fn choice_rule_conversion(
    source: &str,
    member: &Member<'_>,
    rule: &Node<'_>,
    input: &str,
) -> Option<Fix> {
    if rule.member("Next").is_none() || rule.member("Condition").is_some() {
        return None;
    }
    let (condition, _) = condition(rule, 0, input)?;
    let members = rule.as_object()?;
    let quoted = matches!(
        source.as_bytes().get(member.key_range.start as usize),
        Some(b'"' | b'\'')
    );
    let key = if quoted { "\"Condition\"" } else { "Condition" };
    let value = serde_json::to_string(&format!("{{% {condition} %}}")).ok()?;
    let mut edits = vec![Edit {
        range: member.range(),
        replacement: format!("{key}: {value}"),
    }];
    if member.key == "Variable" {
        let operator = members.iter().position(|m| {
            operator(&m.key).is_some()
                || matches!(
                    &*m.key,
                    "IsPresent" | "IsNull" | "IsString" | "IsNumeric" | "IsBoolean"
                )
        })?;
        let removal = crate::syntax::edit::remove_member(source, rule, operator)?;
        edits.push(Edit {
            range: removal.range,
            replacement: removal.text,
        });
    }
    Some(Fix {
        title: "Convert to a JSONata Condition".to_string(),
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// The JSONata comparison for a JSONPath Choice operator (`NumericLessThanPath` too):
/// (the operator, whether values are timestamps).
fn operator(key: &str) -> Option<(&'static str, bool)> {
    let base = key.strip_suffix("Path").unwrap_or(key);
    let (kind, test) = ["String", "Numeric", "Boolean", "Timestamp"]
        .iter()
        .find_map(|k| base.strip_prefix(k).map(|t| (*k, t)))?;
    let op = match test {
        "Equals" => "=",
        "LessThan" => "<",
        "GreaterThan" => ">",
        "LessThanEquals" => "<=",
        "GreaterThanEquals" => ">=",
        _ => return None,
    };
    Some((op, kind == "Timestamp"))
}

/// A JSONPath Choice rule as a JSONata boolean expression, and whether it is an
/// `and`/`or` (which needs parentheses inside another). `None` for what has no
/// simple JSONata equal: `StringMatches`, `IsTimestamp`, paths beyond names and indexes.
fn condition(rule: &Node<'_>, depth: usize, input: &str) -> Option<(String, bool)> {
    if depth > 16 {
        return None;
    }
    for (key, word) in [("And", " and "), ("Or", " or ")] {
        if let Some(items) = rule.get(key).and_then(Node::as_array) {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| {
                    condition(i, depth + 1, input)
                        .map(|(c, compound)| if compound { format!("({c})") } else { c })
                })
                .collect();
            let parts = parts.filter(|p| !p.is_empty())?;
            return Some((parts.join(word), parts.len() > 1));
        }
    }
    if let Some(inner) = rule.get("Not") {
        let (c, _) = condition(inner, depth + 1, input)?;
        return Some((format!("$not({c})"), false));
    }
    let path = jsonpath::parse(rule.get("Variable")?.as_str()?)
        .ok()?
        .to_jsonata_from(input)?;
    let members = rule.as_object()?;
    for m in members {
        let yes = m.value.value == Value::Bool(true);
        let test = match &*m.key {
            "IsPresent" if yes => format!("$exists({path})"),
            "IsPresent" => format!("$not($exists({path}))"),
            "IsNull" => format!("{path} {} null", if yes { "=" } else { "!=" }),
            "IsString" | "IsNumeric" | "IsBoolean" => {
                let ty = match &*m.key {
                    "IsString" => "string",
                    "IsNumeric" => "number",
                    _ => "boolean",
                };
                format!("$type({path}) {} \"{ty}\"", if yes { "=" } else { "!=" })
            }
            key => {
                let Some((op, timestamps)) = operator(key) else {
                    continue;
                };
                let other = if key.ends_with("Path") {
                    jsonpath::parse(m.value.as_str()?)
                        .ok()?
                        .to_jsonata_from(input)?
                } else {
                    m.value.to_json().to_string()
                };
                if timestamps {
                    format!("$toMillis({path}) {op} $toMillis({other})")
                } else {
                    format!("{path} {op} {other}")
                }
            }
        };
        return Some((test, false));
    }
    None
}

/// The edits that turn a JSONPath payload template into JSONata `Arguments`: each
/// `"x.$": "path"` member becomes `"x": "{% expression %}"`. `None` when some value
/// cannot be converted, or a literal string would start to be evaluated.
fn template_edits(source: &str, node: &Node<'_>, root: &str, edits: &mut Vec<Edit>) -> Option<()> {
    if node.is_unknown() {
        return None;
    }
    match &node.value {
        Value::Object(members) => {
            for m in members {
                match m.key.strip_suffix(".$") {
                    Some(name) => {
                        if members.iter().any(|o| o.key == name) {
                            return None;
                        }
                        let key = plain_key(source, m.key_range)?;
                        edits.push(Edit {
                            range: TextRange::new(key.end - 2, key.end),
                            replacement: String::new(),
                        });
                        edits.push(expression_edit(source, &m.value, root)?);
                    }
                    None => template_edits(source, &m.value, root, edits)?,
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                template_edits(source, item, root, edits)?;
            }
        }
        Value::String(s) if s.trim_start().starts_with("{%") => return None,
        _ => {}
    }
    Some(())
}

/// Replaces a string holding a path with the JSONata expression for it (`$` standing
/// for `root`), written on one line as a double-quoted string (valid in JSON and YAML
/// alike).
fn expression_edit(source: &str, value: &Node<'_>, root: &str) -> Option<Edit> {
    expression_value(source, value, &dollar_expression(value.as_str()?, root)?)
}

/// The JSONata expression for a `.$` value: a path, or an intrinsic function call
/// that has a JSONata equal ([`crate::expr::intrinsic::Call::to_jsonata_from`]).
fn dollar_expression(text: &str, root: &str) -> Option<String> {
    crate::expr::parse_dollar_value(text)
        .ok()?
        .to_jsonata_from(root)
}

/// Replaces `value` (on one line) with the string `{% expression %}`.
fn expression_value(source: &str, value: &Node<'_>, expression: &str) -> Option<Edit> {
    if source.get(value.range.as_usize())?.contains('\n') {
        return None;
    }
    Some(Edit {
        range: value.range,
        replacement: serde_json::to_string(&format!("{{% {expression} %}}")).ok()?,
    })
}

/// True when a value means the same as JSONPath `Parameters`: no `{% %}` strings and
/// no `.$` keys.
fn is_static(node: &Node<'_>) -> bool {
    match &node.value {
        Value::Object(members) => members
            .iter()
            .all(|m| !m.key.ends_with(".$") && is_static(&m.value)),
        Value::Array(items) => items.iter().all(is_static),
        Value::String(s) => !s.contains("{%"),
        Value::Tagged(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    /// Each diagnostic's text after its first fix, if it has one.
    fn fixed(text: &str) -> Vec<Option<String>> {
        crate::rules::each_fix(text, SourceKind::Json, "ASL111")
            .into_iter()
            .map(|mut fixes| (!fixes.is_empty()).then(|| fixes.remove(0).2))
            .collect()
    }

    #[test]
    fn fields_removed_at_the_end_of_a_line_leave_no_trailing_space() {
        let text = "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"T\", \"States\": {\n  \"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", \"Arguments\": {\"QueueUrl\": \"q\", \"MessageBody\": \"m\"},\n        \"ResultSelector\": {\"id.$\": \"$.MessageId\"}, \"ResultPath\": \"$.res\", \"OutputPath\": \"$.res\",\n        \"End\": true}}}";
        let out = crate::rules::fixed_text(text, SourceKind::Json, "ASL111");
        assert_eq!(
            out,
            "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"T\", \"States\": {\n  \"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", \"Arguments\": {\"QueueUrl\": \"q\", \"MessageBody\": \"m\"},\n        \"Output\": \"{% ($merge([$states.input, {\\\"res\\\": {\\\"id\\\": $states.result.MessageId}}])).res %}\",\n        \"End\": true}}}"
        );
    }

    #[test]
    fn a_choice_keeps_its_input_path_and_output_path() {
        // Its `Output` would apply only when Default is taken: no conversion.
        for field in ["InputPath", "OutputPath"] {
            let text = format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "C", "States": {{"C": {{"Type": "Choice", "{field}": "$.order", "Choices": [{{"Condition": "{{% $states.input.order.total > 100 %}}", "Next": "Big"}}], "Default": "Small"}}, "Big": {{"Type": "Succeed"}}, "Small": {{"Type": "Succeed"}}}}}}"#
            );
            assert_eq!(fixed(&text), vec![None], "{field}");
            // `"$"` selects the whole input: removed.
            let whole = text.replace("\"$.order\"", "\"$\"");
            assert_eq!(
                fixed(&whole),
                vec![Some(whole.replace(&format!("\"{field}\": \"$\", "), ""))]
            );
        }
    }

    #[test]
    fn static_arguments_in_a_jsonpath_state_become_parameters() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Arguments": {"QueueUrl": "q", "MessageBody": {"n": [1, "x"]}}, "End": true}}}"#;
        assert_eq!(
            fixed(text),
            vec![Some(text.replace("\"Arguments\"", "\"Parameters\""))]
        );
        // An expression, or a `.$` key, would change meaning.
        for arguments in [
            r#"{"QueueUrl": "q", "MessageBody": "{% $states.input %}"}"#,
            r#"{"QueueUrl": "q", "MessageBody.$": "$"}"#,
        ] {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Arguments": {arguments}, "End": true}}}}}}"#
            );
            assert_eq!(fixed(&text), vec![None]);
        }
    }

    #[test]
    fn no_conversion_of_what_jsonata_cannot_say_the_same_way() {
        let task = |parameters: &str| {
            format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {parameters}, "End": true}}}}}}"#
            )
        };
        // An intrinsic function without a JSONata equal, a wildcard, a literal that would
        // become an expression, a key that would clash.
        for parameters in [
            r#"{"QueueUrl": "q", "MessageBody.$": "States.Hash($.x, 'SHA-256')"}"#,
            r#"{"QueueUrl": "q", "MessageBody.$": "States.MathRandom(1, 9)"}"#,
            r#"{"QueueUrl": "q", "MessageBody.$": "States.StringSplit($.x, $.y)"}"#,
            r#"{"QueueUrl": "q", "MessageBody.$": "$.items[*].id"}"#,
            r#"{"QueueUrl": "q", "MessageBody": "{% 1 %}"}"#,
            r#"{"QueueUrl": "q", "MessageBody": "a", "MessageBody.$": "$.b"}"#,
        ] {
            assert_eq!(fixed(&task(parameters)), vec![None], "{parameters}");
        }
        // A Pass state has no Arguments in JSONata: its Parameters are its Output, unless
        // a Result says otherwise.
        let pass = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": true}}}"#;
        assert_eq!(
            fixed(pass),
            vec![Some(pass.replace(
                r#""Parameters": {"a.$": "$.a"}"#,
                r#""Output": {"a": "{% $states.input.a %}"}"#
            ))]
        );
        let with_result = pass.replace(r#""End""#, r#""Result": 1, "End""#);
        assert_eq!(fixed(&with_result), vec![None, None]);
    }

    #[test]
    fn pass_parameters_and_result_path_become_one_output() {
        let pass = |fields: &str| {
            format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", {fields}, "End": true}}}}}}"#
            )
        };
        let text = pass(
            r#""InputPath": "$.order", "Parameters": {"id.$": "$.id", "at.$": "$$.State.EnteredTime"}, "ResultPath": "$.copy.ids""#,
        );
        let fixes = fixed(&text);
        let merged = pass(
            r#""InputPath": "$.order", "Output": "{% $merge([$states.input, {\"copy\": $merge([$states.input.copy, {\"ids\": {\"id\": $states.input.order.id, \"at\": $states.context.State.EnteredTime}}])}]) %}""#,
        );
        // InputPath waits while Parameters read through it; the other two fold into one.
        assert_eq!(
            fixes,
            vec![None, Some(merged.clone()), Some(merged.clone())]
        );
        assert_eq!(
            fixed(&merged),
            vec![Some(pass(
                &merged[merged.find("\"Output").unwrap()..merged.rfind(", \"End").unwrap()]
            ))]
        );
        // No Parameters: the selection itself is the result.
        let copy =
            pass(r#""InputPath": "$.order", "ResultPath": "$.copy", "OutputPath": "$.copy""#);
        assert_eq!(
            fixed(&copy)[1],
            Some(pass(
                r#""InputPath": "$.order", "Output": "{% ($merge([$states.input, {\"copy\": $states.input.order}])).copy %}""#
            ))
        );
    }

    #[test]
    fn result_fields_of_a_yaml_task_become_one_output() {
        let text = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Arguments:\n      FunctionName: f\n    ResultSelector:\n      ok.$: $.Payload.ok\n    Next: B\n    ResultPath: $.check\n  B:\n    Type: Succeed\n";
        let fixes = crate::rules::each_fix(text, SourceKind::Yaml, "ASL111");
        let (_, _, after) = fixes.iter().flatten().next().unwrap();
        assert_eq!(
            after,
            "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Arguments:\n      FunctionName: f\n    Output:\n      \"{% $merge([$states.input, {\\\"check\\\": {\\\"ok\\\": $states.result.Payload.ok}}]) %}\"\n    Next: B\n  B:\n    Type: Succeed\n"
        );
        assert!(
            crate::lint::lint_text(after, SourceKind::Yaml, &Default::default())
                .iter()
                .all(|d| d.severity < crate::diagnostics::Severity::Warning),
            "{after}"
        );
    }
}
