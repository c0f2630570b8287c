use rustc_hash::FxHashMap as HashMap;

use crate::diagnostics::Label;
use crate::expr::jsonpath::Root;
use crate::model::QueryLanguage;
use crate::rules::jsonata::variables::assignments;
use crate::rules::paths::{
    Placed, dollar_paths, field_suggestion, jsonata_plain_path, missing_field, path_fields,
    payload_templates, segment_name, template_members,
};
use crate::rules::{LintContext, Sink, declare_rule, has_unknown};
use crate::syntax::{Node, TextRange, string_source_offset};

declare_rule! {
    /// ## What it does
    /// Reports a read of a field of a workflow variable (`$order.total`) that no
    /// assignment of that variable gives it: every `Assign` of the variable writes out
    /// an object (in JSONPath, the keys of a payload template; in JSONata, an object
    /// whose `{% %}` values are not looked into), and none has the field. Reads are
    /// JSONPath paths and intrinsic function arguments, and JSONata fields whose whole
    /// expression is `$name.a.b`. A variable assigned anywhere from a path or an
    /// expression as a whole is not judged.
    ///
    /// ## Why is this bad?
    /// The path matches nothing: a JSONPath state fails with `States.Runtime`, a JSONata
    /// field gives nothing and the state fails with `States.QueryEvaluationError`. It
    /// happens when a variable is renamed or reshaped in its `Assign` and a later state
    /// still reads the old field.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Remember", "States": {
    ///   "Remember": {"Type": "Pass", "Assign": {"ticket": {"id.$": "$.ticketId", "priority": "normal"}}, "Next": "Notify"},
    ///   "Notify": {"Type": "Pass", "Parameters": {"subject.$": "States.Format('Ticket {}', $ticket.ticketId)"}, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Remember", "States": {
    ///   "Remember": {"Type": "Pass", "Assign": {"ticket": {"id.$": "$.ticketId", "priority": "normal"}}, "Next": "Notify"},
    ///   "Notify": {"Type": "Pass", "Parameters": {"subject.$": "States.Format('Ticket {}', $ticket.id)"}, "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// When the field read is a near miss of one that every assignment of the variable
    /// has at that place (`$ticket.priorty` where it has `priority`), replaces the name
    /// in the path with that field (unsafe: a guess). Offered for a path written as
    /// dotted names (not `$ticket['priorty']`); in JSONata, only when the path is the
    /// field's whole expression (`"{% $ticket.priorty %}"`).
    pub static RULE = {
        code: "ASL612",
        name: "variable-field-missing",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// What every assignment of a variable writes, when all of them are objects written
/// out; `None` once one is computed.
type Shapes<'a, 's> = Option<Vec<Placed<'a, 's>>>;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let mut shapes: HashMap<&str, Shapes<'_, '_>> = HashMap::default();
    for state in machine.all_states() {
        let jsonpath = state.query_language == QueryLanguage::JsonPath;
        for a in assignments(state) {
            let value = &a.member.value;
            let computed = (jsonpath && a.member.key.ends_with(".$"))
                || value.as_object().is_none()
                || has_unknown(value);
            let entry = shapes.entry(a.name).or_insert_with(|| Some(Vec::new()));
            match (computed, entry.as_mut()) {
                (true, _) => *entry = None,
                (false, Some(list)) if jsonpath => list.push(Placed::Built(value, "Assign")),
                (false, Some(list)) => list.push(Placed::Output(value)),
                (false, None) => {}
            }
        }
    }
    shapes.retain(|_, s| s.as_ref().is_some_and(|l| !l.is_empty()));
    if shapes.is_empty() {
        return;
    }
    // Many reads name the same path of the same variable (`$order.total` in every state
    // of a long workflow): checking each against every assignment was O(reads ×
    // assignments), 10 s for 10k Pass states that each assign and read one variable.
    // The outcome depends on the path alone, so each distinct path is judged once.
    let mut verdicts: HashMap<(&str, Vec<&str>, bool), Option<Verdict<'_>>> = HashMap::default();
    for state in machine.all_states() {
        let jsonata = state.query_language == QueryLanguage::JsonAta;
        for (range, name, path, fields) in variable_reads(ctx.source, state) {
            let Some(Some(known)) = shapes.get(name) else {
                continue;
            };
            let verdict = verdicts
                .entry((name, fields.clone(), jsonata))
                .or_insert_with(|| judge(known, &fields, jsonata));
            let Some(verdict) = verdict else { continue };
            let missing = fields[verdict.index];
            let d = sink.report(
                range,
                format!(
                    "\"{}\" reads `{path}`, but no Assign of `${name}` gives it a field \"{missing}\"",
                    state.name
                ),
            );
            d.labels.push(Label {
                range: known[0].node().range,
                message: format!("`${name}` is assigned here"),
            });
            let root = format!("${name}");
            match field_suggestion(ctx, range, &root, &fields, verdict.index, &verdict.shared) {
                Some((help, fix)) => {
                    d.help = Some(help);
                    d.fixes.extend(fix);
                }
                None => {
                    d.help = Some(format!(
                        "read a field `${name}` has, or add \"{missing}\" where it is assigned"
                    ))
                }
            }
        }
    }
}

/// Why a read of a variable's field is reported: no assignment gives the field.
#[derive(Debug, PartialEq, Eq)]
struct Verdict<'a> {
    /// Where, in the read's field names, the first assignment lacks one.
    index: usize,
    /// A field meant: one that every assignment has, next to the one named.
    shared: Vec<&'a str>,
}

/// Whether a read of `fields` misses in every one of `known` (`None` as soon as one
/// assignment has the path, or may have it).
fn judge<'a>(known: &[Placed<'a, '_>], fields: &[&str], jsonata: bool) -> Option<Verdict<'a>> {
    let gaps: Vec<_> = known
        .iter()
        .map(|p| missing_field(p, fields, jsonata))
        .collect::<Option<_>>()?;
    let first = gaps.first()?;
    let shared = first
        .siblings
        .iter()
        .copied()
        .filter(|s| {
            gaps.iter()
                .all(|g| g.index == first.index && g.siblings.contains(s))
        })
        .collect();
    Some(Verdict {
        index: first.index,
        shared,
    })
}

/// The variable reads of `state` that name fields: (range, variable, the path as
/// written, its field names).
fn variable_reads<'a>(
    source: &str,
    state: &crate::model::State<'a, '_>,
) -> Vec<(TextRange, &'a str, &'a str, Vec<&'a str>)> {
    let mut out = Vec::new();
    if state.query_language == QueryLanguage::JsonAta {
        let fields = ["Arguments", "Output", "Assign", "Items"];
        for n in fields
            .iter()
            .filter_map(|k| state.field(k))
            .flat_map(|m| m.value.strings(32))
        {
            let Some((inner, names)) = jsonata_plain_path(n) else {
                continue;
            };
            if let [name, fields @ ..] = names.as_slice()
                && *name != "states"
                && !fields.is_empty()
            {
                out.push((n.range, *name, inner, fields.to_vec()));
            }
        }
        return out;
    }
    let mut strings: Vec<&'a Node<'_>> = path_fields(state)
        .into_iter()
        .map(|(m, _)| &m.value)
        .collect();
    for (_, template) in payload_templates(state) {
        strings.extend(
            template_members(template)
                .into_iter()
                .filter(|m| m.key.ends_with(".$"))
                .map(|m| &m.value),
        );
    }
    for node in strings {
        let Some(text) = node.as_str() else { continue };
        for path in dollar_paths(text) {
            let Root::Variable(_) = &path.root else {
                continue;
            };
            let Some(name) =
                text.get(path.root_span.start as usize + 1..path.root_span.end as usize)
            else {
                continue;
            };
            let fields: Option<Vec<&str>> = path
                .segments
                .iter()
                .map(|s| segment_name(text, s))
                .collect();
            let Some(fields) = fields.filter(|f| !f.is_empty()) else {
                continue;
            };
            let end = path
                .segments
                .last()
                .map_or(path.root_span.end, |s| s.span.end) as usize;
            let start = path.root_span.start as usize;
            let range = TextRange::new(
                string_source_offset(source, node, start),
                string_source_offset(source, node, end),
            );
            let Some(written) = text.get(start..end) else {
                continue;
            };
            out.push((range, name, written, fields));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn jsonpath(assign: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Assign": {{"ticket": {assign}}}, "Next": "B"}}, "B": {{"Type": "Pass", "Parameters": {{"x.$": "{read}"}}, "End": true}}}}}}"#
        );
        located_messages(&text, "ASL612")
    }

    #[test]
    fn fields_no_assignment_gives() {
        let assign = r#"{"id.$": "$.ticketId", "owner": {"team": "L2"}}"#;
        assert_eq!(
            jsonpath(assign, "$ticket.ticketId"),
            [
                "$ticket.ticketId: \"B\" reads `$ticket.ticketId`, but no Assign of `$ticket` gives it a field \"ticketId\""
            ]
        );
        assert_eq!(
            jsonpath(assign, "States.Format('{}', $ticket.owner.name)"),
            [
                "$ticket.owner.name: \"B\" reads `$ticket.owner.name`, but no Assign of `$ticket` gives it a field \"name\""
            ]
        );
        // Fields it has, below a `.$` value, the whole variable, a computed variable.
        assert!(jsonpath(assign, "$ticket.id").is_empty());
        assert!(jsonpath(assign, "$ticket.id.anything").is_empty());
        assert!(jsonpath(assign, "$ticket.owner.team").is_empty());
        assert!(jsonpath(assign, "$ticket").is_empty());
        assert!(jsonpath(r#"{"id": 1}, "ticket.$": "$.t""#, "$ticket.other").is_empty());
    }

    #[test]
    fn misspelt_fields_get_a_fix() {
        use crate::rules::located_fixes;
        use crate::syntax::SourceKind;
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"ticket": {"id.$": "$.ticketId", "priority": "normal"}}, "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}', $ticket.priorty)"}, "End": true}}}"#;
        let fixed = located_fixes(text, SourceKind::Json, "ASL612");
        assert_eq!(
            fixed[0].2.as_deref(),
            Some(text.replace("$ticket.priorty", "$ticket.priority").as_str())
        );
    }

    #[test]
    fn every_assignment_must_lack_the_field() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"order": {"id": "{% $states.input.id %}"}}, "Next": "B"},
          "B": {"Type": "Pass", "Assign": {"order": {"id": 2, "total": 10}}, "Next": "C"},
          "C": {"Type": "Pass", "Output": {"t": "{% $order.total %}", "c": "{% $order.currency %}", "i": "{% $order.id.x %}"}, "End": true}}}"#;
        assert_eq!(
            located_messages(text, "ASL612"),
            [
                "\"{% $order.currency %}\": \"C\" reads `$order.currency`, but no Assign of `$order` gives it a field \"currency\""
            ]
        );
    }

    /// A long chain that assigns and reads one variable: every state's read of the
    /// missing field is reported (each with its own state and range), none of the
    /// field it has, though the verdict for a path is worked out once.
    #[test]
    fn a_long_chain_reports_every_read() {
        use crate::rules::located_fixes;
        use crate::syntax::SourceKind;
        let n = 300;
        let states: Vec<String> = (0..n)
            .map(|i| {
                let next = match i + 1 < n {
                    true => format!(r#""Next": "S{}""#, i + 1),
                    false => r#""End": true"#.to_string(),
                };
                format!(
                    r#""S{i}": {{"Type": "Pass", "Assign": {{"v": {{"key": {i}}}}}, "Parameters": {{"x.$": "$v.key", "y.$": "$v.kee", "z.$": "$v.zz"}}, {next}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"StartAt": "S0", "States": {{{}}}}}"#,
            states.join(", ")
        );
        let messages = located_messages(&text, "ASL612");
        let expected: Vec<String> = (0..n)
            .flat_map(|i| {
                ["kee", "zz"].map(|f| {
                    format!("$v.{f}: \"S{i}\" reads `$v.{f}`, but no Assign of `$v` gives it a field \"{f}\"")
                })
            })
            .collect();
        assert_eq!(messages, expected);
        // The misspelled read of each state gets its own fix.
        let fixes = located_fixes(&text, SourceKind::Json, "ASL612");
        assert_eq!(fixes.iter().filter(|f| f.2.is_some()).count(), n);
    }
}
