//! What a run (`simulate`, `graph`) puts in place of the intrinsic functions of a
//! template's definition, which CloudFormation evaluates before Step Functions sees it:
//! the ones a template alone decides (`Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::FindInMap`, `Fn::Base64`, `Fn::Sub` of known values) are evaluated, and a
//! `Ref`/`Fn::GetAtt` of a resource, whose value only the stack knows, becomes a
//! string shaped as that resource type's value is (a queue URL, a topic ARN, a name):
//! a stand-in, which the run says it used.

use serde_json::Value as J;

/// A stand-in for `Ref` (`attribute` `None`) or `Fn::GetAtt` of the resource `id` of
/// type `ty` in `region` of `account` (`partition`, `suffix`: as the pseudo parameters
/// `AWS::Partition` and `AWS::URLSuffix` give them).
pub fn shaped(
    ty: &str,
    id: &str,
    attribute: Option<&str>,
    (region, account, partition, suffix): (&str, &str, &str, &str),
) -> String {
    let arn = |service: &str, resource: &str| {
        format!("arn:{partition}:{service}:{region}:{account}:{resource}")
    };
    let lower = id.to_ascii_lowercase();
    match (ty, attribute) {
        ("AWS::SQS::Queue", None | Some("QueueUrl")) => {
            format!("https://sqs.{region}.{suffix}/{account}/{id}")
        }
        ("AWS::SQS::Queue", Some("Arn")) => arn("sqs", id),
        ("AWS::SNS::Topic", None | Some("TopicArn")) => arn("sns", id),
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", Some("Arn")) => {
            arn("lambda", &format!("function:{id}"))
        }
        (
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" | "AWS::Serverless::SimpleTable",
            Some("Arn"),
        ) => arn("dynamodb", &format!("table/{id}")),
        ("AWS::S3::Bucket", None) => lower,
        ("AWS::S3::Bucket", Some("Arn")) => format!("arn:{partition}:s3:::{lower}"),
        ("AWS::S3::Bucket", Some("DomainName")) => format!("{lower}.s3.{suffix}"),
        (
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine",
            None | Some("Arn"),
        ) => arn("states", &format!("stateMachine:{id}")),
        ("AWS::StepFunctions::Activity", None | Some("Arn")) => {
            arn("states", &format!("activity:{id}"))
        }
        ("AWS::Events::EventBus", Some("Arn")) => arn("events", &format!("event-bus/{id}")),
        ("AWS::IAM::Role", Some("Arn")) => format!("arn:{partition}:iam::{account}:role/{id}"),
        ("AWS::ECS::Cluster", Some("Arn")) => arn("ecs", &format!("cluster/{id}")),
        ("AWS::ECS::TaskDefinition", None) => arn("ecs", &format!("task-definition/{id}:1")),
        ("AWS::Kinesis::Stream", Some("Arn")) => arn("kinesis", &format!("stream/{id}")),
        (_, Some("Arn")) => {
            let service = ty.split("::").nth(1).unwrap_or("aws").to_ascii_lowercase();
            arn(&service, id)
        }
        (_, Some(attribute)) => format!("{id}-{attribute}"),
        // A name (most resources' `Ref`): the logical id.
        (_, None) => id.to_string(),
    }
}

/// The value of an intrinsic function that needs nothing but its (already evaluated)
/// argument and the template's `Mappings`: `None` when it is not one of those, or its
/// argument is not of the form it takes.
pub fn evaluate(name: &str, arg: &J, mappings: Option<&J>) -> Option<J> {
    match (name, arg) {
        ("Fn::Join", J::Array(a)) => match a.as_slice() {
            [J::String(delimiter), J::Array(parts)] => {
                let parts: Option<Vec<String>> = parts.iter().map(scalar_text).collect();
                Some(J::String(parts?.join(delimiter)))
            }
            _ => None,
        },
        ("Fn::Select", J::Array(a)) => match a.as_slice() {
            [index, J::Array(items)] => {
                let index = match index {
                    J::Number(n) => n.as_u64()?,
                    J::String(s) => s.trim().parse().ok()?,
                    _ => return None,
                };
                items.get(usize::try_from(index).ok()?).cloned()
            }
            _ => None,
        },
        ("Fn::Split", J::Array(a)) => match a.as_slice() {
            [J::String(delimiter), J::String(text)] if !delimiter.is_empty() => Some(J::Array(
                text.split(delimiter.as_str())
                    .map(|s| J::String(s.to_string()))
                    .collect(),
            )),
            _ => None,
        },
        ("Fn::FindInMap", J::Array(a)) => {
            let (keys, default) = match a.as_slice() {
                [m, k1, k2] => ([m, k1, k2], None),
                [m, k1, k2, J::Object(options)] => ([m, k1, k2], options.get("DefaultValue")),
                _ => return None,
            };
            let keys: Option<Vec<String>> = keys.iter().map(|k| scalar_text(k)).collect();
            let keys = keys?;
            let found = mappings
                .and_then(|m| m.get(&keys[0]))
                .and_then(|m| m.get(&keys[1]))
                .and_then(|m| m.get(&keys[2]));
            found.or(default).cloned()
        }
        ("Fn::Base64", J::String(text)) => Some(J::String(crate::expr::digest::base64_encode(
            text.as_bytes(),
        ))),
        ("Fn::Length", J::Array(items)) => Some(J::from(items.len())),
        ("Fn::ToJsonString", v) if !has_intrinsic(v) => Some(J::String(v.to_string())),
        _ => None,
    }
}

/// A string, number or boolean as the text CloudFormation joins.
fn scalar_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a value still holds an intrinsic function (one not evaluated).
pub fn has_intrinsic(v: &J) -> bool {
    match v {
        J::Object(map) => {
            (map.len() == 1
                && map
                    .keys()
                    .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")))
                || map.values().any(has_intrinsic)
        }
        J::Array(items) => items.iter().any(has_intrinsic),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literal_intrinsics_are_evaluated() {
        let maps = json!({"M": {"us-east-1": {"fn": "arn:f"}}});
        let m = Some(&maps);
        assert_eq!(
            evaluate("Fn::Join", &json!(["", ["a:", "b", 1]]), m),
            Some(json!("a:b1"))
        );
        assert_eq!(
            evaluate("Fn::Select", &json!(["1", ["a", "b"]]), m),
            Some(json!("b"))
        );
        assert_eq!(
            evaluate("Fn::Split", &json!([",", "a,b"]), m),
            Some(json!(["a", "b"]))
        );
        assert_eq!(
            evaluate("Fn::FindInMap", &json!(["M", "us-east-1", "fn"]), m),
            Some(json!("arn:f"))
        );
        assert_eq!(
            evaluate("Fn::FindInMap", &json!(["M", "eu-west-1", "fn"]), m),
            None
        );
        assert_eq!(
            evaluate("Fn::Base64", &json!("hello"), m),
            Some(json!("aGVsbG8="))
        );
        assert_eq!(evaluate("Fn::Base64", &json!("hi"), m), Some(json!("aGk=")));
        assert_eq!(evaluate("Fn::Length", &json!([1, 2]), m), Some(json!(2)));
        assert_eq!(
            evaluate("Fn::ToJsonString", &json!({"a": 1}), m),
            Some(json!("{\"a\":1}"))
        );
        assert_eq!(evaluate("Fn::Join", &json!(["", [{"Ref": "X"}]]), m), None);
    }

    #[test]
    fn stand_ins_are_shaped_by_the_resource_type() {
        let at = ("us-east-1", "123456789012", "aws", "amazonaws.com");
        assert_eq!(
            shaped("AWS::SQS::Queue", "Q", None, at),
            "https://sqs.us-east-1.amazonaws.com/123456789012/Q"
        );
        assert_eq!(
            shaped("AWS::SQS::Queue", "Q", Some("Arn"), at),
            "arn:aws:sqs:us-east-1:123456789012:Q"
        );
        assert_eq!(
            shaped("AWS::SNS::Topic", "T", None, at),
            "arn:aws:sns:us-east-1:123456789012:T"
        );
        assert_eq!(shaped("AWS::DynamoDB::Table", "Tbl", None, at), "Tbl");
        assert_eq!(
            shaped("AWS::Kinesis::Stream", "K", Some("Arn"), at),
            "arn:aws:kinesis:us-east-1:123456789012:stream/K"
        );
    }
}
