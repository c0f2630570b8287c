use crate::diagnostics::{Applicability, Edit, Fix};
use crate::model::QueryLanguage;
use crate::rules::jsonata::jsonata_states;
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, TextRange, string_source_offset};

declare_rule! {
    /// ## What it does
    /// Reports a string meant as a JSONata expression that Step Functions takes as
    /// plain text: in a JSONata state, `{% ... %}` with spaces before `{%` or after
    /// `%}`, a `{%` without its closing `%}` (or the reverse), or a `{% ... %}` written
    /// inside a longer string (`"Case {% $states.input.id %} opened"`); in a JSONPath
    /// state, a whole `{% ... %}` in `Parameters`, `ResultSelector`, `ItemSelector`,
    /// `Result`, `Assign`, `Credentials`, a Distributed Map's `ItemReader`,
    /// `ResultWriter` or `ItemBatcher`, or a Fail state's `Error` or `Cause`, which only
    /// JSONata states evaluate. A `{% %}` inside a
    /// longer string counts only when each `{% %}` in it parses as JSONata and one
    /// reads something, so that the tags of another template language, `{% if x %}`,
    /// stay text. The strings checked in JSONata states are the values of the fields
    /// that take expressions (`Arguments`, `Output`, `Assign`, `Items`, `ItemSelector`,
    /// a Choice rule's `Condition`, Wait `Seconds`/`Timestamp`, Fail `Error`/`Cause`,
    /// the number fields, ...), and of the `Output` and `Assign` of catchers and Choice
    /// rules.
    ///
    /// ## Why is this bad?
    /// Step Functions evaluates a string only when it starts with `{%` and ends with
    /// `%}`, exactly; any other string is a literal. The definition deploys and the
    /// workflow runs, but the service gets the text of the expression instead of its
    /// value: an email says "Case {% $states.input.id %} opened", a Lambda function
    /// receives `" {% $states.input %}"`. Where the field needs a number or a boolean,
    /// the execution fails instead.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Notify", "States": {"Notify": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///   "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:cases",
    ///                 "Message": "Case {% $states.input.caseId %} opened"},
    ///   "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "Notify", "States": {"Notify": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///   "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:cases",
    ///                 "Message": "{% 'Case ' & $states.input.caseId & ' opened' %}"},
    ///   "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Removes the spaces outside the delimiters, adds the missing one, or writes the
    /// string as one expression that joins its text and expressions with `&` (unsafe:
    /// the value changes, to what was meant).
    pub static RULE = {
        code: "ASL611",
        name: "jsonata-not-evaluated",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// The fields of a JSONata state whose strings may be expressions.
const FIELDS: &[&str] = &[
    "Arguments",
    "Output",
    "Assign",
    "Items",
    "ItemSelector",
    "Credentials",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "Seconds",
    "Timestamp",
    "Error",
    "Cause",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
];

/// The fields of a JSONPath state that hold data a `{% %}` string may wrongly be
/// written in (the JSONata-only fields are ASL111's).
const PATH_FIELDS: &[&str] = &[
    "Parameters",
    "ResultSelector",
    "ItemSelector",
    "Result",
    "Assign",
    "Credentials",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "Error",
    "Cause",
];

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let typed: Vec<TextRange> = ctx
        .schema_findings()
        .iter()
        .filter(|f| f.category == crate::schema::Category::WrongType)
        .map(|f| f.range)
        .collect();
    for state in jsonata_states(machine) {
        let mut values: Vec<(&Node<'_>, String)> = state
            .members()
            .iter()
            .filter(|m| FIELDS.contains(&&*m.key))
            .map(|m| (&m.value, m.key.to_string()))
            .collect();
        let handlers = state.catchers.iter().map(|c| ("Catch", c.node));
        for (list, node) in handlers.chain(state.choices.iter().map(|r| ("Choices", r.node))) {
            for key in ["Output", "Assign", "Condition"] {
                values.extend(node.get(key).map(|v| (v, format!("{list}.{key}"))));
            }
        }
        for (value, field) in values {
            let place = format!("'{field}' of \"{}\"", state.name);
            for node in value.strings(64) {
                // A field that takes no text (a Choice rule's `Condition`, `Seconds`)
                // refuses the string (ASL113, which tells the same cause): one
                // diagnostic for one mistake.
                if typed.contains(&node.range) {
                    continue;
                }
                if let Some(s) = node.as_str() {
                    report(ctx.source, node, s, &place, sink);
                }
            }
        }
    }
    // A whole expression in a JSONPath state: text there.
    for state in machine
        .all_states()
        .filter(|s| s.query_language == QueryLanguage::JsonPath)
    {
        let values = state
            .members()
            .iter()
            .filter(|m| PATH_FIELDS.contains(&&*m.key))
            .map(|m| &m.value);
        for node in values.flat_map(|v| v.strings(64)) {
            let Some(s) = node.as_str() else { continue };
            if !parses(s) {
                continue;
            }
            let d = sink.report(
                node.range,
                format!(
                    "\"{}\" is a JSONPath state: Step Functions sends this `{{% %}}` expression as text",
                    state.name
                ),
            );
            d.help = Some(
                "set \"QueryLanguage\": \"JSONata\" on the state (or at the top level) and write its fields the JSONata way, or use a path (`.$` key)"
                    .into(),
            );
        }
    }
}

/// `place` is where the string is, for the message: `'Output' of "A"`.
fn report(source: &str, node: &Node<'_>, s: &str, place: &str, sink: &mut Sink<'_>) {
    if s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}") {
        return;
    }
    let at = |decoded: usize| string_source_offset(source, node, decoded);
    let trimmed = s.trim();
    // A YAML `|` or `>` block ends its string with a line break: nothing to see in the
    // source, the block's header is what to change.
    if s.starts_with("{%")
        && s.trim_end_matches('\n').ends_with("%}")
        && let Some(header) = clipped_block_header(source, node.range)
    {
        let block = &source[node.range.start as usize..header as usize];
        let d = sink.report(
            node.range,
            format!(
                "the YAML `{block}` block of this string in {place} ends it with a line break after `%}}`: Step Functions evaluates only a string that ends with `%}}`, so it is sent as text"
            ),
        );
        d.help = Some(format!(
            "write `{block}-` to drop the block's final line break"
        ));
        d.fixes.push(Fix::replace(
            format!("Write `{block}-`"),
            Applicability::Unsafe,
            TextRange::empty(header),
            "-",
        ));
        return;
    }
    let (opens, closes) = (trimmed.starts_with("{%"), trimmed.ends_with("%}"));
    let (message, help, fix) = if opens && closes && trimmed.len() >= 4 {
        let lead = s.len() - s.trim_start().len();
        let tail = s.trim_end().len();
        let edits = [(0, lead), (tail, s.len())]
            .into_iter()
            .filter(|(a, b)| a < b)
            .map(|(a, b)| Edit {
                range: TextRange::new(at(a), at(b)),
                replacement: String::new(),
            })
            .collect();
        (
            format!(
                "this string in {place} has spaces outside `{{% %}}`: Step Functions evaluates only a string that starts with `{{%` and ends with `%}}`, so it is sent as text"
            ),
            "remove the spaces around the expression",
            parses(s.trim()).then_some((
                "Remove the spaces around the expression",
                edits,
                s.trim().to_string(),
            )),
        )
    } else if opens && !trimmed.contains("%}") {
        let insert = if s.ends_with(' ') { "%}" } else { " %}" };
        let end = at(s.len());
        (
            format!(
                "this string in {place} starts with `{{%` but has no closing `%}}`: Step Functions sends it as text, not as an expression"
            ),
            "end the expression with `%}`",
            parses(&format!("{s}{insert}")).then_some((
                "Close the expression with `%}`",
                vec![Edit {
                    range: TextRange::new(end, end),
                    replacement: insert.to_string(),
                }],
                format!("{s}{insert}"),
            )),
        )
    } else if closes && !trimmed.contains("{%") {
        let insert = if s.starts_with(' ') { "{%" } else { "{% " };
        let start = at(0);
        (
            format!(
                "this string in {place} ends with `%}}` but has no opening `{{%`: Step Functions sends it as text, not as an expression"
            ),
            "start the expression with `{%`",
            parses(&format!("{insert}{s}")).then_some((
                "Open the expression with `{%`",
                vec![Edit {
                    range: TextRange::new(start, start),
                    replacement: insert.to_string(),
                }],
                format!("{insert}{s}"),
            )),
        )
    } else if let Some(joined) = joined(s).filter(|_| embedded_expressions(s)) {
        let edits = vec![Edit {
            range: node.range,
            replacement: serde_json::to_string(&joined).unwrap_or_default(),
        }];
        (
            format!(
                "`{{% %}}` inside a longer string in {place} is not evaluated: Step Functions evaluates only a string that is one whole expression, so this is sent as text"
            ),
            "write the whole value as one expression that joins the text with `&`",
            parses(&joined).then_some((
                "Write the string as one expression",
                edits,
                joined.clone(),
            )),
        )
    } else {
        return;
    };
    let d = sink.report(node.range, message);
    d.help = Some(help.to_string());
    if let Some((title, mut edits, value)) = fix {
        // A YAML plain or block scalar cannot hold `{%` as it is: the fixed value is
        // written as a double-quoted string (JSON's quoting is YAML's too).
        let quoted = source
            .as_bytes()
            .get(node.range.start as usize)
            .is_some_and(|b| matches!(b, b'"' | b'\''));
        if !quoted {
            edits = vec![Edit {
                range: node.range,
                replacement: serde_json::to_string(&value).unwrap_or_default(),
            }];
        }
        d.fixes.push(Fix {
            title: title.to_string(),
            applicability: Applicability::Unsafe,
            edits,
        });
    }
}

/// Where the YAML block scalar at `range` (`|`, `>`, `|2`) keeps its final line break,
/// having no chomping indicator: the offset after its header's indicators, where `-`
/// goes. `None` for any other value, and for `|-` and `|+`.
pub(crate) fn clipped_block_header(source: &str, range: TextRange) -> Option<u32> {
    let b = source.get(range.as_usize())?.as_bytes();
    if !matches!(b.first(), Some(b'|' | b'>')) {
        return None;
    }
    let mut i = 1;
    while let Some(c) = b.get(i) {
        match c {
            b'-' | b'+' => return None,
            b'1'..=b'9' => i += 1,
            _ => break,
        }
    }
    Some(range.start + i as u32)
}

/// True when `s` is a `{% %}` expression that parses: a fix must not trade text for
/// a syntax error.
fn parses(s: &str) -> bool {
    crate::expr::jsonata::parse_template(s).is_some_and(|t| t.result.is_ok())
}

/// True when every `{% %}` inside `s` holds a JSONata expression that parses and one
/// of them reads something (`$...`): the tags of another template language (`{% if
/// x %}` of Jinja or Liquid) are text on purpose.
fn embedded_expressions(s: &str) -> bool {
    let mut rest = s;
    let mut reads = false;
    while let Some(open) = rest.find("{%") {
        let Some(close) = rest[open..].find("%}") else {
            return false;
        };
        let inner = &rest[open + 2..open + close];
        if crate::expr::jsonata::parse(inner.trim()).is_err() {
            return false;
        }
        reads |= inner.contains('$');
        rest = &rest[open + close + 2..];
    }
    reads
}

/// `text {% e %} text` as one expression joining the parts with `&`, when the string
/// holds at least one whole `{% %}` and no stray delimiter.
fn joined(s: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = s;
    let mut any = false;
    while let Some(open) = rest.find("{%") {
        let close = rest[open..].find("%}")? + open;
        let text = &rest[..open];
        if text.contains("%}") {
            return None;
        }
        if !text.is_empty() {
            parts.push(quoted(text));
        }
        let expr = rest[open + 2..close].trim();
        if expr.is_empty() || expr.contains("{%") {
            return None;
        }
        parts.push(format!("({expr})"));
        any = true;
        rest = &rest[close + 2..];
    }
    if !any || rest.contains("%}") {
        return None;
    }
    if !rest.is_empty() {
        parts.push(quoted(rest));
    }
    Some(format!("{{% {} %}}", parts.join(" & ")))
}

/// A JSONata string literal of `text`: single-quoted, or double-quoted when `text`
/// has an apostrophe (JSONata has JSON's escapes, and no `\'`).
fn quoted(text: &str) -> String {
    let quote = if text.contains('\'') { '"' } else { '\'' };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::joined;
    use crate::rules::{located_fixes, located_messages};
    use crate::syntax::SourceKind;

    fn state(output: &str) -> String {
        format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Output": {{"m": {output}}}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn strings_that_look_like_expressions() {
        assert_eq!(
            located_messages(&state(r#"" {% $states.input.id %}""#), "ASL611"),
            [
                "\" {% $states.input.id %}\": this string in 'Output' of \"A\" has spaces outside `{% %}`: Step Functions evaluates only a string that starts with `{%` and ends with `%}`, so it is sent as text"
            ]
        );
        assert_eq!(
            located_messages(&state(r#""{% $states.input.id""#), "ASL611"),
            [
                "\"{% $states.input.id\": this string in 'Output' of \"A\" starts with `{%` but has no closing `%}`: Step Functions sends it as text, not as an expression"
            ]
        );
        assert_eq!(
            located_messages(&state(r#""$states.input.id %}""#), "ASL611"),
            [
                "\"$states.input.id %}\": this string in 'Output' of \"A\" ends with `%}` but has no opening `{%`: Step Functions sends it as text, not as an expression"
            ]
        );
        assert_eq!(
            located_messages(&state(r#""Case {% $states.input.id %} opened""#), "ASL611"),
            [
                "\"Case {% $states.input.id %} opened\": `{% %}` inside a longer string in 'Output' of \"A\" is not evaluated: Step Functions evaluates only a string that is one whole expression, so this is sent as text"
            ]
        );
        // Another template language's tags are text on purpose.
        assert!(
            located_messages(
                &state(r#""Hello {% if name %}{{ name }}{% endif %}""#),
                "ASL611"
            )
            .is_empty()
        );
        assert!(located_messages(&state(r#""Total: {% 'x' %}""#), "ASL611").is_empty());
        // Expressions, plain text, and the same strings in a JSONPath state.
        assert!(located_messages(&state(r#""{% $states.input.id %}""#), "ASL611").is_empty());
        assert!(located_messages(&state(r#""50% off""#), "ASL611").is_empty());
        let jsonpath = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"m": "Case {% x %}"}, "End": true}}}"#;
        assert!(located_messages(jsonpath, "ASL611").is_empty());
    }

    fn fixed(text: &str) -> Vec<String> {
        located_fixes(text, SourceKind::Json, "ASL611")
            .into_iter()
            .filter_map(|(_, _, f)| f)
            .collect()
    }

    #[test]
    fn fixes_make_one_expression() {
        assert_eq!(
            fixed(&state(r#"" {% $x %} ""#)),
            [
                r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"m": "{% $x %}"}, "End": true}}}"#
            ]
        );
        assert_eq!(
            fixed(&state(r#""Case {% $x %} for {%$y%}""#)),
            [
                r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"m": "{% 'Case ' & ($x) & ' for ' & ($y) %}"}, "End": true}}}"#
            ]
        );
        assert_eq!(
            joined("it's {% $a %}\\"),
            Some(r#"{% "it's " & ($a) & '\\' %}"#.to_string())
        );
        assert_eq!(
            joined(r#"it's "x" {% $a %}"#),
            Some(r#"{% "it's \"x\" " & ($a) %}"#.to_string())
        );
        assert_eq!(joined("a {% b"), None);
        // No fix that would not parse.
        assert!(fixed(&state(r#""{% 10 %""#)).is_empty());
        assert!(fixed(&state(r#""10 %}""#)).len() == 1);
        assert_eq!(joined("a %} {% b %}"), None);
    }

    #[test]
    fn whole_expressions_in_a_jsonpath_state_are_text() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "t", "Message": "{% $states.input.text %}", "Subject": "{% if x %}"}, "Assign": {"n": "{% 1 + 1 %}"}, "End": true}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL611"),
            [
                "\"{% $states.input.text %}\": \"A\" is a JSONPath state: Step Functions sends this `{% %}` expression as text",
                "\"{% 1 + 1 %}\": \"A\" is a JSONPath state: Step Functions sends this `{% %}` expression as text"
            ]
        );
        // The same in a JSONata state is an expression.
        let jsonata = text.replace(
            "{\"StartAt\"",
            "{\"QueryLanguage\": \"JSONata\", \"StartAt\"",
        );
        assert!(crate::rules::located_messages(&jsonata, "ASL611").is_empty());
    }

    #[test]
    fn yaml_plain_scalars_are_fixed_into_quoted_strings() {
        let text = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: 10 %}\n    End: true\n";
        let fixes = crate::rules::each_fix(text, crate::syntax::SourceKind::Yaml, "ASL611");
        assert_eq!(fixes.len(), 1);
        assert_eq!(
            fixes[0][0].2,
            text.replace("Output: 10 %}", "Output: \"{% 10 %}\"")
        );
        // A quoted scalar keeps its quotes: the edit is the insertion alone.
        let text = text.replace("Output: 10 %}", "Output: '10 %}'");
        let fixes = crate::rules::each_fix(&text, crate::syntax::SourceKind::Yaml, "ASL611");
        assert_eq!(fixes[0][0].2, text.replace("'10 %}'", "'{% 10 %}'"));
    }

    /// A YAML `|` block ends the string with a line break: one diagnostic, which names
    /// the block and writes `|-`. In a field that takes no text (a Choice rule's
    /// `Condition`) ASL113 reports the string, with the same help and fix, and ASL611
    /// does not repeat it.
    #[test]
    fn yaml_block_scalars_keep_a_final_line_break() {
        use crate::lint::{LintOptions, lint_text};
        let text = "QueryLanguage: JSONata\nStartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n      - Condition: |\n          {% $states.input.n > 5 %}\n        Next: A\n        Output: >\n          {% $states.input.n %}\n    Default: B\n  A:\n    Type: Succeed\n  B:\n    Type: Succeed\n";
        let opts = LintOptions {
            select: vec!["ASL113".into(), "ASL611".into()],
            ..Default::default()
        };
        let d = lint_text(text, SourceKind::Yaml, &opts);
        let found: Vec<(&str, &str, Option<&str>)> = d
            .iter()
            .map(|d| (d.code, &text[d.range.as_usize()][..1], d.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "ASL113",
                    "|",
                    Some(
                        "the YAML `|` block ends the string with a line break after `%}`, so it is text, not an expression: write `|-` to drop the line break"
                    )
                ),
                (
                    "ASL611",
                    ">",
                    Some("write `>-` to drop the block's final line break")
                ),
            ]
        );
        assert_eq!(
            d[1].message,
            "the YAML `>` block of this string in 'Choices.Output' of \"C\" ends it with a line break after `%}`: Step Functions evaluates only a string that ends with `%}`, so it is sent as text"
        );
        for (code, from, to) in [
            ("ASL113", "Condition: |", "Condition: |-"),
            ("ASL611", "Output: >", "Output: >-"),
        ] {
            let fixes = crate::rules::each_fix(text, SourceKind::Yaml, code);
            assert_eq!(fixes[0][0].2, text.replace(from, to), "{code}");
        }
        // `|-` keeps no line break: nothing to report.
        let chomped = text.replace(": |", ": |-").replace(": >", ": >-");
        assert!(lint_text(&chomped, SourceKind::Yaml, &opts).is_empty());
    }
}
