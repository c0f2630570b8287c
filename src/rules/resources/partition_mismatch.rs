use crate::diagnostics::{Applicability, Fix};
use crate::model::StateMachine;
use crate::rules::resources::{PARTITIONS, parse_arn, string_range};
use crate::rules::{LintContext, Sink, declare_rule};
use crate::syntax::{Node, TextRange, Value};

declare_rule! {
    /// ## What it does
    /// Reports an ARN in the wrong partition: not that of its region, or not the one
    /// that most ARNs of the state machine name. It checks every ARN written in the
    /// state machine (a Task's `Resource`, a function, queue, topic or role ARN in
    /// `Parameters`, `Arguments` or `Credentials`, ...; ARNs quoted in a `Comment` are
    /// not read):
    /// - an ARN whose region lies in another partition than the one it names:
    ///   `arn:aws:lambda:cn-north-1:...` (China regions are in `aws-cn`, GovCloud
    ///   regions in `aws-us-gov`, ...);
    /// - ARNs of different partitions in one state machine: each ARN outside the
    ///   partition that most of them name is reported.
    ///
    /// ARNs whose partition or region is a placeholder (`${AWS::Partition}`) are not
    /// checked.
    ///
    /// ## Why is this bad?
    /// A state machine, its role and what it calls live in one partition: credentials
    /// of one partition are not valid in another, and no region of one partition serves
    /// ARNs of another. Such an ARN is usually half of a copy from a template written
    /// for another partition, and the call fails when the state runs (the resource is
    /// not found, or access is denied).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Open case", "States": {
    ///   "Open case": {"Type": "Task", "Resource": "arn:aws-cn:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "arn:aws-cn:lambda:cn-north-1:123456789012:function:open-case"},
    ///     "Next": "Notify"},
    ///   "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws:sns:cn-north-1:123456789012:cases", "Message.$": "$"},
    ///     "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "Open case", "States": {
    ///   "Open case": {"Type": "Task", "Resource": "arn:aws-cn:states:::lambda:invoke",
    ///     "Parameters": {"FunctionName": "arn:aws-cn:lambda:cn-north-1:123456789012:function:open-case"},
    ///     "Next": "Notify"},
    ///   "Notify": {"Type": "Task", "Resource": "arn:aws-cn:states:::sns:publish",
    ///     "Parameters": {"TopicArn": "arn:aws-cn:sns:cn-north-1:123456789012:cases", "Message.$": "$"},
    ///     "End": true}}}
    /// ```
    ///
    /// ## Fix
    /// Writes the partition of the ARN's region, or the partition of the other ARNs
    /// when the ARN has no region or one in that partition (unsafe: it changes which
    /// resource is named). An ARN whose region is in its own partition gets no fix: its
    /// region must change too. In templates meant for several partitions,
    /// `${AWS::Partition}` (with `Fn::Sub` or `DefinitionSubstitutions`) keeps every
    /// ARN right.
    pub static RULE = {
        code: "ASL411",
        name: "partition-mismatch",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

/// One ARN string: the node holding it and its partition.
struct Found<'n, 's> {
    node: &'n Node<'s>,
    partition: &'n str,
    /// The partition of the ARN's region (`None` for an ARN without a region).
    region_partition: Option<&'static str>,
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let mut consistent: Vec<Found<'_, '_>> = Vec::new();
    let mut stack: Vec<&Node<'_>> = vec![machine.root];
    while let Some(node) = stack.pop() {
        match &node.value {
            // A `Comment` is prose: an ARN quoted there names nothing the state calls.
            Value::Object(members) => stack.extend(
                members
                    .iter()
                    .rev()
                    .filter(|m| m.key != "Comment")
                    .map(|m| &m.value),
            ),
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::String(s) if s.starts_with("arn:") => {
                let Some(arn) = parse_arn(s) else { continue };
                if !PARTITIONS.contains(&arn.partition) {
                    continue;
                }
                match region_partition(arn.region) {
                    Some(expected) if expected != arn.partition => {
                        let d = sink.report(
                            partition_range(ctx.source, node, arn.partition),
                            format!(
                                "region {} is in the {expected} partition, but this ARN{} names {}",
                                arn.region,
                                in_state(machine, node),
                                arn.partition
                            ),
                        );
                        d.help = Some(format!(
                            "write arn:{expected}:{}:{}:...",
                            arn.service, arn.region
                        ));
                        d.fixes.push(Fix::replace(
                            format!("Use partition {expected}"),
                            Applicability::Unsafe,
                            partition_range(ctx.source, node, arn.partition),
                            expected,
                        ));
                    }
                    region => consistent.push(Found {
                        node,
                        partition: arn.partition,
                        region_partition: region,
                    }),
                }
            }
            _ => {}
        }
    }
    // The partition most ARNs name (the first one written, on a tie).
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for f in &consistent {
        match counts.iter_mut().find(|(p, _)| *p == f.partition) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.partition, 1)),
        }
    }
    if counts.len() < 2 {
        return;
    }
    let main = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, &(_, n))| (n, std::cmp::Reverse(i)))
        .map(|(_, &(p, _))| p)
        .unwrap_or("aws");
    let others = counts.iter().find(|(p, _)| *p == main).map_or(0, |c| c.1);
    for f in consistent.iter().filter(|f| f.partition != main) {
        let range = partition_range(ctx.source, f.node, f.partition);
        let d = sink.report(
            range,
            format!(
                "this ARN{} is in the {} partition, but {others} other ARN{} of this state machine {} in {main}: a state machine runs in one partition",
                in_state(machine, f.node),
                f.partition,
                if others == 1 { "" } else { "s" },
                if others == 1 { "is" } else { "are" },
            ),
        );
        d.help = Some(if f.region_partition.is_none_or(|p| p == main) {
            "use one partition throughout, or ${AWS::Partition} in templates deployed to several"
                .into()
        } else {
            format!(
                "its region is in {} too: name a resource in a region of {main}, or use one partition throughout",
                f.partition
            )
        });
        // An ARN whose region lies in its own partition (`arn:aws-cn:...:cn-north-1:...`)
        // needs another region too: the partition alone is not changed.
        if f.region_partition.is_none_or(|p| p == main) {
            d.fixes.push(Fix::replace(
                format!("Use partition {main}"),
                Applicability::Unsafe,
                range,
                main,
            ));
        }
    }
}

/// ` in "Notify"`: the innermost state that holds `node`, for messages (empty outside
/// every state).
fn in_state(machine: &StateMachine<'_, '_>, node: &Node<'_>) -> String {
    machine
        .all_states()
        .filter(|s| s.node.range.start <= node.range.start && node.range.end <= s.node.range.end)
        .min_by_key(|s| s.node.range.len())
        .map_or_else(String::new, |s| format!(" in \"{}\"", s.name))
}

/// Where the partition of the ARN in string `node` is written (after `arn:`).
fn partition_range(source: &str, node: &Node<'_>, partition: &str) -> TextRange {
    string_range(source, node, 4, 4 + partition.len())
}

/// The partition that a region belongs to; `None` for no region, a placeholder or a
/// name that is not a region.
fn region_partition(region: &str) -> Option<&'static str> {
    let known_shape = {
        let parts: Vec<&str> = region.split('-').collect();
        parts.len() >= 3
            && parts[0].len() == 2
            && parts.iter().all(|p| !p.is_empty())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
    };
    if region.starts_with("eusc-") {
        return Some("aws-eusc");
    }
    if !known_shape {
        return None;
    }
    const PREFIXES: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
    ];
    Some(
        PREFIXES
            .iter()
            .find(|(p, _)| region.starts_with(p))
            .map_or("aws", |(_, partition)| partition),
    )
}

#[cfg(test)]
mod tests {
    use super::region_partition;

    #[test]
    fn messages_name_the_state() {
        let text = r#"{"StartAt": "Open case", "States": {
  "Open case": {"Type": "Task", "Resource": "arn:aws-cn:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws-cn:lambda:cn-north-1:123456789012:function:open-case"}, "Next": "Notify"},
  "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "arn:aws:sns:cn-north-1:123456789012:cases", "Message.$": "$"}, "End": true}}}"#;
        assert_eq!(
            crate::rules::located_messages(text, "ASL411"),
            [
                "aws: this ARN in \"Notify\" is in the aws partition, but 2 other ARNs of this state machine are in aws-cn: a state machine runs in one partition",
                "aws: region cn-north-1 is in the aws-cn partition, but this ARN in \"Notify\" names aws",
            ]
        );
    }

    #[test]
    fn regions_map_to_their_partitions() {
        for (region, partition) in [
            ("us-east-1", Some("aws")),
            ("ap-southeast-5", Some("aws")),
            ("cn-northwest-1", Some("aws-cn")),
            ("us-gov-west-1", Some("aws-us-gov")),
            ("us-iso-east-1", Some("aws-iso")),
            ("us-isob-east-1", Some("aws-iso-b")),
            ("eu-isoe-west-1", Some("aws-iso-e")),
            ("us-isof-south-1", Some("aws-iso-f")),
            ("eusc-de-east-1", Some("aws-eusc")),
            ("", None),
            ("${AWS::Region}", None),
            ("us-east", None),
            ("US-EAST-1", None),
        ] {
            assert_eq!(region_partition(region), partition, "{region}");
        }
    }
}
