use crate::model::{QueryLanguage, StateType};
use crate::rules::jsonata::variables::{Origin, assignments};
use crate::rules::structure::definition_too_large::{compact_size, group_thousands};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, SourceKind, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports data written into the definition that is larger than Step Functions
    /// lets a state pass on: a Pass state's `Result`, or a JSONata `Output` made of
    /// literals only, over 256 KiB (262,144 bytes) as compact JSON, a variable an
    /// `Assign` sets to a literal over 256 KiB, and the literal values of one `Assign`
    /// over 256 KiB together.
    ///
    /// ## Why is this bad?
    /// A state's input and output, each variable, and all that one `Assign` sets are
    /// limited to 256 KiB. The definition (up to 1 MB) deploys, and every execution
    /// that reaches the state fails with `States.DataLimitExceeded`; retrying does not
    /// help: the data is in the definition. (`asl-lint simulate` runs such a definition
    /// anyway, to show the failure.)
    ///
    /// ## Example
    /// A Pass state whose `Result` holds 300 KB of reference data.
    ///
    /// Use instead: keep the data in S3 and read only what a state needs
    /// (`arn:aws:states:::aws-sdk:s3:getObject`, or a Distributed Map `ItemReader`).
    pub static RULE = {
        code: "ASL124",
        name: "state-data-too-large",
        severity: Error,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The limit on a state's input or output, and on one variable, in bytes.
const MAX_PAYLOAD_BYTES: u64 = 262_144;

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let json = ctx.document.kind == SourceKind::Json;
    // Only a document over the limit can hold data over it.
    if (ctx.source.len() as u64) <= MAX_PAYLOAD_BYTES {
        return;
    }
    for state in machine.all_states() {
        let jsonata = state.query_language == QueryLanguage::JsonAta;
        let output = match (jsonata, state.kind) {
            (false, Some(StateType::Pass)) => state.field("Result"),
            (true, _) => state.field("Output").filter(|m| literal(&m.value, true)),
            _ => None,
        };
        if let Some(m) = output {
            let size = compact_size(&m.value, json);
            if size > MAX_PAYLOAD_BYTES {
                report(
                    sink,
                    m.key_range,
                    &format!("the {} of \"{}\"", m.key, state.name),
                    size,
                );
            }
        }
        // The literal values of each `Assign`, one at a time and together: one
        // `Assign` may set at most 256 KiB in all (the developer guide's limits).
        let mut together: Vec<(Origin, u64, bool)> = Vec::new();
        for a in assignments(state) {
            let value = &a.member.value;
            let computed = !jsonata && a.member.key.ends_with(".$");
            if computed || !literal(value, jsonata) {
                continue;
            }
            let size = compact_size(value, json);
            let over = size > MAX_PAYLOAD_BYTES;
            if over {
                let what = format!("the variable ${} that \"{}\" assigns", a.name, state.name);
                report(sink, a.member.key_range, &what, size);
            }
            match together.iter_mut().find(|(o, _, _)| *o == a.origin) {
                Some((_, sum, any_over)) => {
                    *sum += size;
                    *any_over |= over;
                }
                None => together.push((a.origin, size, over)),
            }
        }
        for (origin, sum, any_over) in together {
            if any_over || sum <= MAX_PAYLOAD_BYTES {
                continue;
            }
            let (node, what) = match origin {
                Origin::State => (Some(state.node), "Assign".to_string()),
                Origin::Catch(i) => (
                    state.catchers.get(i).map(|c| c.node),
                    format!("Catch[{i}].Assign"),
                ),
                Origin::Choice(i) => (
                    state.choices.get(i).map(|r| r.node),
                    format!("Choices[{i}].Assign"),
                ),
            };
            let Some(m) = node.and_then(|n| n.member("Assign")) else {
                continue;
            };
            sink.report(
                m.key_range,
                format!(
                    "the variables that the {what} of \"{}\" sets take {} bytes together as compact JSON: one Assign may set at most 256 KiB ({} bytes) in all, so every execution that reaches it fails with States.DataLimitExceeded",
                    state.name,
                    group_thousands(sum),
                    group_thousands(MAX_PAYLOAD_BYTES)
                ),
            )
            .help = Some("keep large data in S3 and read only what the state needs".into());
        }
    }
}

fn report(sink: &mut Sink<'_>, at: TextRange, what: &str, size: u64) {
    sink.report(
        at,
        format!(
            "{what} is {} bytes as compact JSON: a state's data and each variable are at most 256 KiB ({} bytes), so every execution that reaches it fails with States.DataLimitExceeded",
            group_thousands(size),
            group_thousands(MAX_PAYLOAD_BYTES)
        ),
    )
    .help = Some("keep large data in S3 and read only what the state needs".into());
}

/// True when `node` is written out in full: no JSONata expression in it (`jsonata`),
/// no `.$` key, nothing only known at deploy time.
fn literal(node: &Node<'_>, jsonata: bool) -> bool {
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if n.is_unknown() || depth > 128 {
            return false;
        }
        match &n.value {
            Value::String(s) if jsonata && s.starts_with("{%") => return false,
            Value::Object(ms) => {
                if !jsonata && ms.iter().any(|m| m.key.ends_with(".$")) {
                    return false;
                }
                stack.extend(ms.iter().map(|m| (&m.value, depth + 1)));
            }
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn big(n: usize) -> String {
        format!("\"{}\"", "x".repeat(n))
    }

    #[test]
    fn results_and_variables_over_256_kib() {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Result": {{"table": {}}}, "Assign": {{"lookup": [{}], "small": 1}}, "End": true}}}}}}"#,
            big(300_000),
            big(270_000)
        );
        assert_eq!(
            located_messages(&text, "ASL124"),
            [
                "\"Result\": the Result of \"P\" is 300,012 bytes as compact JSON: a state's data and each variable are at most 256 KiB (262,144 bytes), so every execution that reaches it fails with States.DataLimitExceeded",
                "\"lookup\": the variable $lookup that \"P\" assigns is 270,004 bytes as compact JSON: a state's data and each variable are at most 256 KiB (262,144 bytes), so every execution that reaches it fails with States.DataLimitExceeded",
            ]
        );
        // Under the limit, or computed at run time.
        let small = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Result": {}, "Assign": {{"v.$": "$.x", "w": {{"a.$": "$.y", "pad": {}}}}}, "End": true}}}}}}"#,
            big(200_000),
            big(300_000)
        );
        assert!(located_messages(&small, "ASL124").is_empty());
        let jsonata = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Output": {{"a": "{{% $states.input %}}", "pad": {}}}, "End": true}}}}}}"#,
            big(300_000)
        );
        assert!(located_messages(&jsonata, "ASL124").is_empty());
    }

    #[test]
    fn one_assign_sets_at_most_256_kib_in_all() {
        let text = format!(
            r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Assign": {{"a": {}, "b": {}}}, "Next": "Q"}}, "Q": {{"Type": "Pass", "Assign": {{"c": {}}}, "End": true}}}}}}"#,
            big(140_000),
            big(140_000),
            big(140_000)
        );
        assert_eq!(
            located_messages(&text, "ASL124"),
            [
                "\"Assign\": the variables that the Assign of \"P\" sets take 280,004 bytes together as compact JSON: one Assign may set at most 256 KiB (262,144 bytes) in all, so every execution that reaches it fails with States.DataLimitExceeded"
            ]
        );
    }
}
