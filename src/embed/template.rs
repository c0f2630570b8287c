//! Finding state machine definitions inside CloudFormation, SAM and Serverless Framework
//! templates, and turning each into something the linter can read: the definition
//! object itself (its nodes already carry outer ranges), or an inner text with a source
//! map (a `DefinitionString`, an `Fn::Sub`, the parts of an `Fn::Join`).

use std::collections::BTreeMap;

use super::sourcemap::{Embedded, ScalarMap};
use crate::rules::WorkflowType;
use crate::syntax::{Member, Node, TextRange, Value};

/// Deepest nesting of `Fn::Sub`/`Fn::Join` that is flattened.
const MAX_INTRINSIC_DEPTH: usize = 8;

/// Most bytes of `${...}` values filled into one definition: sixteen times the largest
/// definition Step Functions accepts (1 MB). Without a bound, a 200 KB value written
/// 5,000 times made a 1 GB definition out of a 220 KB template, built in full before
/// its size was looked at. The values are counted before anything is built.
pub const MAX_SUBSTITUTED_BYTES: usize = 16 << 20;

/// Why a string-valued definition was not flattened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unflattened {
    /// It is written in a form asl-lint does not read: what it is (`an Fn::If`), to
    /// follow "is".
    Unreadable(String),
    /// The values it fills in come to more than [`MAX_SUBSTITUTED_BYTES`]: the range of
    /// the `${...}` token at which they do.
    TooLarge(TextRange),
}

impl std::fmt::Display for Unflattened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unflattened::Unreadable(what) => f.write_str(what),
            Unflattened::TooLarge(_) => write!(
                f,
                "filling in its `${{...}}` values would make the definition over {} MiB, and Step Functions accepts at most 1 MB",
                MAX_SUBSTITUTED_BYTES >> 20
            ),
        }
    }
}

impl From<String> for Unflattened {
    fn from(what: String) -> Self {
        Unflattened::Unreadable(what)
    }
}

impl From<&str> for Unflattened {
    fn from(what: &str) -> Self {
        Unflattened::Unreadable(what.to_string())
    }
}

impl From<Unflattened> for String {
    fn from(e: Unflattened) -> Self {
        e.to_string()
    }
}

/// A value known for a `${Name}` placeholder (`Some`), or a name that is known to be
/// filled in at deploy time with an unknown value (`None`).
pub type Substitutions = BTreeMap<String, Option<String>>;

/// One state machine definition found in a template.
#[derive(Debug)]
pub struct Definition<'a, 's> {
    /// The resource's logical id, or `stateMachines.NAME` for the Serverless Framework.
    pub name: String,
    /// The property holding the definition (`Definition`, `DefinitionString`,
    /// `DefinitionUri`, ...).
    pub property: &'a Member<'s>,
    pub body: Body<'a, 's>,
    /// `DefinitionSubstitutions`: name to literal value, or `None` for an intrinsic.
    pub substitutions: Substitutions,
    /// The `DefinitionSubstitutions` as written, for what a run fills in from the
    /// region and account (`Region: !Ref AWS::Region`).
    pub substitution_node: Option<&'a Node<'s>>,
    /// The workflow type the template gives (SAM `Type`, CloudFormation
    /// `StateMachineType`, Serverless `type`); `Standard` when it gives none, as AWS.
    pub workflow: WorkflowType,
    /// The identifiers of the `Fn::ForEach` loops around the resource, with this turn's
    /// value (`None`: a value known at deploy time).
    pub loops: Substitutions,
}

/// `EXPRESS` (any case) is Express; anything else, or nothing, is Standard.
fn workflow_type(node: Option<&Node<'_>>) -> WorkflowType {
    match node.and_then(Node::as_str) {
        Some(s) if s.trim().eq_ignore_ascii_case("express") => WorkflowType::Express,
        _ => WorkflowType::Standard,
    }
}

#[derive(Clone, Debug)]
pub enum Body<'a, 's> {
    /// A definition written as an object in the template.
    Inline(&'a Node<'s>),
    /// A definition written as a string (or an `Fn::Sub` / `Fn::Join` building one).
    Text(&'a Node<'s>),
    /// `DefinitionUri` or `DefinitionS3Location` naming a local file.
    File { uri: String, node: &'a Node<'s> },
    /// A definition stored in S3: nothing here to lint.
    Remote,
    /// A form that cannot be read statically (`Fn::If`, `Ref` to a parameter, ...), or
    /// (`wrong_type`) a value of a type the property does not take.
    Unsupported {
        node: &'a Node<'s>,
        reason: String,
        wrong_type: bool,
    },
}

/// Whether a template is a Serverless Framework file (`serverless.yml`): it has a
/// top-level `service`, which CloudFormation and SAM templates never have.
pub fn is_serverless(root: &Node<'_>) -> bool {
    root.member("service").is_some()
}

/// The definitions of a template, or `None` when the document is not a template
/// (e.g. a plain state machine definition).
pub fn find<'a, 's>(root: &'a Node<'s>) -> Option<Vec<Definition<'a, 's>>> {
    root.as_object()?;
    if root.member("States").is_some() || root.member("StartAt").is_some() {
        return None;
    }
    let resources = root.get("Resources").filter(|r| r.as_object().is_some());
    let serverless = root.get("stepFunctions");
    let is_template = resources.is_some()
        || serverless.is_some()
        || root.member("AWSTemplateFormatVersion").is_some()
        || root.member("Transform").is_some()
        || (is_serverless(root) && root.member("provider").is_some());
    if !is_template {
        return None;
    }
    let mut out = Vec::new();
    if let Some(resources) = resources {
        cfn_resources(resources, &mut out);
    }
    // Serverless Framework: CloudFormation resources under `resources.Resources`, and
    // the step-functions plugin's `stepFunctions.stateMachines`.
    if let Some(res) = root.get("resources").and_then(|r| r.get("Resources")) {
        cfn_resources(res, &mut out);
    }
    // `stepFunctions`, `stateMachines` or one machine given as a variable
    // (`${file(./machines.yml)}`): not followed, and said so rather than passed over.
    let mut sections = vec![(
        root.member("stepFunctions"),
        "stepFunctions".to_string(),
        "the state machines",
    )];
    if let Some(sf) = serverless {
        let name = "stepFunctions.stateMachines".to_string();
        sections.push((sf.member("stateMachines"), name, "the state machines"));
    }
    for m in serverless
        .and_then(|s| s.get("stateMachines"))
        .and_then(Node::as_object)
        .unwrap_or(&[])
    {
        let name = format!("stateMachines.{}", m.key);
        sections.push((Some(m), name, "a whole state machine"));
    }
    for (member, name, what) in sections {
        let Some(member) = member else { continue };
        if let Value::String(s) | Value::Placeholder(s) = &member.value.value
            && s.trim_start().starts_with("${")
        {
            let reason = if s.trim_start().starts_with("${file(") {
                format!(
                    "a Serverless `${{file()}}` of {what} (asl-lint reads a `${{file()}}` that is a whole `definition`)"
                )
            } else {
                format!("a Serverless variable holding {what}, only resolved at deploy time")
            };
            out.push(Definition {
                name,
                property: member,
                body: Body::Unsupported {
                    node: &member.value,
                    reason,
                    wrong_type: false,
                },
                substitutions: Substitutions::new(),
                substitution_node: None,
                workflow: WorkflowType::Standard,
                loops: Substitutions::new(),
            });
        }
    }
    if let Some(machines) = serverless
        .and_then(|s| s.get("stateMachines"))
        .and_then(Node::as_object)
    {
        for m in machines {
            let Some(property) = m.value.member("definition") else {
                continue;
            };
            let file = match &property.value.value {
                Value::String(s) | Value::Placeholder(s) => serverless_file(s),
                _ => None,
            };
            let body = match &property.value.value {
                _ if let Some(uri) = file => Body::File {
                    uri: uri.to_string(),
                    node: &property.value,
                },
                Value::Object(_) if !property.value.is_unknown() => Body::Inline(&property.value),
                Value::String(s) if s.trim_start().starts_with("${") => Body::Unsupported {
                    node: &property.value,
                    reason: "a Serverless variable that is only resolved at deploy time"
                        .to_string(),
                    wrong_type: false,
                },
                Value::String(_) => Body::Text(&property.value),
                _ => Body::Unsupported {
                    node: &property.value,
                    reason: with_article(property.value.kind_name()),
                    wrong_type: false,
                },
            };
            out.push(Definition {
                name: format!("stateMachines.{}", m.key),
                property,
                body,
                substitutions: self_variables(root, &property.value),
                substitution_node: None,
                workflow: workflow_type(m.value.get("type")),
                loops: Substitutions::new(),
            });
        }
    }
    Some(out)
}

/// The path of a Serverless Framework `${file(path)}` variable that is the whole value
/// (the file is the definition), without quotes around the path. `${file(path):key}`,
/// which takes a part of the file, is not one.
fn serverless_file(value: &str) -> Option<&str> {
    let inner = value.trim().strip_prefix("${file(")?.strip_suffix(")}")?;
    let path = inner.trim();
    let path = path
        .strip_prefix('\'')
        .and_then(|p| p.strip_suffix('\''))
        .or_else(|| path.strip_prefix('"').and_then(|p| p.strip_suffix('"')))
        .unwrap_or(path);
    let plain = !path.is_empty() && !path.contains(['$', '(', ')', '{', '}', ',']);
    plain.then_some(path)
}

fn cfn_resources<'a, 's>(resources: &'a Node<'s>, out: &mut Vec<Definition<'a, 's>>) {
    cfn_resources_in(resources, &Substitutions::new(), 0, out);
}

/// Most `Fn::ForEach` loops followed one inside another (CloudFormation allows 5).
const MAX_FOR_EACH_DEPTH: usize = 5;

/// Most resources in a CloudFormation template.
const MAX_RESOURCES: usize = 500;

/// The resources of `resources`, where `loops` gives the identifiers of the
/// `Fn::ForEach` loops (AWS::LanguageExtensions) around them: each with the value of
/// this turn, or `None` where the loop's collection is computed (a `Ref` to a list
/// parameter). A loop's resources are found once per value of a written list, under
/// the logical id that value makes (`SM${Name}` is `SMAlpha`), with `${Name}` filled
/// in their definitions; with a computed list, once, `${Name}` a value known at deploy
/// time.
fn cfn_resources_in<'a, 's>(
    resources: &'a Node<'s>,
    loops: &Substitutions,
    depth: usize,
    out: &mut Vec<Definition<'a, 's>>,
) {
    let members = resources.as_object().unwrap_or(&[]);
    for m in members {
        if !m.key.starts_with("Fn::ForEach::") || depth >= MAX_FOR_EACH_DEPTH {
            continue;
        }
        let Some([id, collection, fragment]) = m.value.as_array() else {
            continue;
        };
        let Some(id) = id.as_str() else { continue };
        let values: Option<Vec<String>> = collection
            .as_array()
            .and_then(|items| items.iter().map(literal).collect());
        match values {
            Some(values) => {
                for v in values {
                    // CloudFormation takes at most 500 resources a template, loops'
                    // resources counted after they are stamped out: turns past that many
                    // state machines never deploy (and nested loops of long lists would
                    // be hundreds of thousands).
                    if out.len() >= MAX_RESOURCES {
                        break;
                    }
                    let mut inner = loops.clone();
                    inner.insert(id.to_string(), Some(v));
                    cfn_resources_in(fragment, &inner, depth + 1, out);
                }
            }
            None => {
                let mut inner = loops.clone();
                inner.insert(id.to_string(), None);
                cfn_resources_in(fragment, &inner, depth + 1, out);
            }
        }
    }
    // The index of the last resource of each logical id.
    let last: std::collections::HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (&*m.key, i))
        .collect();
    for (i, res) in members.iter().enumerate() {
        let ty = res.value.get("Type").and_then(Node::as_str);
        let sam = match ty {
            Some("AWS::StepFunctions::StateMachine") => false,
            Some("AWS::Serverless::StateMachine") => true,
            _ => continue,
        };
        // A logical id written twice: CloudFormation keeps the last (ASL002 warns).
        if last.get(&*res.key) != Some(&i) {
            continue;
        }
        let Some(props) = res.value.get("Properties") else {
            continue;
        };
        let substitution_node = props.get("DefinitionSubstitutions");
        let mut substitutions = loops.clone();
        substitutions.extend(substitution_node.map(substitution_map).unwrap_or_default());
        // `SM${Name}` in a loop: the logical id of this turn.
        let mut name = res.key.to_string();
        for (id, value) in loops {
            if let Some(value) = value {
                name = name
                    .replace(&format!("${{{id}}}"), value)
                    .replace(&format!("&{{{id}}}"), &alphanumeric(value));
            }
        }
        let workflow = workflow_type(props.get(if sam { "Type" } else { "StateMachineType" }));
        let mut push = |property: &'a Member<'s>, body: Body<'a, 's>| {
            out.push(Definition {
                name: name.clone(),
                property,
                body,
                substitutions: substitutions.clone(),
                substitution_node,
                workflow,
                loops: loops.clone(),
            })
        };
        if let Some(p) = props.member("Definition") {
            push(p, definition_body(&p.value, true));
        }
        if let Some(p) = props.member("DefinitionString") {
            push(p, definition_body(&p.value, false));
        }
        let locations: &[&str] = if sam {
            &["DefinitionUri"]
        } else {
            &["DefinitionS3Location"]
        };
        for key in locations {
            if let Some(p) = props.member(key) {
                let body = match &p.value.value {
                    Value::String(uri) if uri.starts_with("s3://") => Body::Remote,
                    Value::String(uri) => Body::File {
                        uri: uri.to_string(),
                        node: &p.value,
                    },
                    Value::Object(_) if !p.value.is_unknown() => Body::Remote,
                    _ => Body::Unsupported {
                        node: &p.value,
                        reason: with_article(&describe(&p.value)),
                        wrong_type: false,
                    },
                };
                push(p, body);
            }
        }
    }
}

/// `&{Name}` in `Fn::ForEach`: the value with its non-alphanumeric characters left out.
pub(crate) fn alphanumeric(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn definition_body<'a, 's>(node: &'a Node<'s>, object_allowed: bool) -> Body<'a, 's> {
    match &node.value {
        Value::Object(_) if !node.is_unknown() && object_allowed => Body::Inline(node),
        Value::String(_) => Body::Text(node),
        _ if intrinsic(node).is_some_and(|(name, _)| name == "Sub" || name == "Join") => {
            Body::Text(node)
        }
        _ => Body::Unsupported {
            node,
            reason: with_article(&describe(node)),
            // A `DefinitionString` written as an object, or either property as a list,
            // a number or a boolean (not an intrinsic, which computes a value).
            wrong_type: intrinsic(node).is_none()
                && !node.is_unknown()
                && match node.value {
                    Value::Object(_) => !object_allowed,
                    Value::Array(_) | Value::Number(_) | Value::Bool(_) | Value::Null => true,
                    _ => false,
                },
        },
    }
}

/// What a definition property chosen by `Fn::If` may deploy: each of its two values
/// (and of an `Fn::If` among them), as a definition of its own; none for
/// `!Ref AWS::NoValue`, which leaves the property out. `None` when `body` is not an
/// `Fn::If` of two values. CloudFormation picks one of the values as written, so
/// each is read as the property would be.
pub fn alternatives<'a, 's>(
    property: &'a Member<'s>,
    body: &Body<'a, 's>,
) -> Option<Vec<Body<'a, 's>>> {
    let Body::Unsupported { node, .. } = body else {
        return None;
    };
    let object_allowed = property.key == "Definition";
    let mut out = Vec::new();
    let mut pending = vec![(*node, 0usize)];
    let mut any = false;
    while let Some((node, depth)) = pending.pop() {
        let choices = match intrinsic(node) {
            Some((name, arg)) if name == "If" && depth < MAX_INTRINSIC_DEPTH => {
                match arg.as_array() {
                    Some([_, a, b]) => Some([a, b]),
                    _ => None,
                }
            }
            _ => None,
        };
        match choices {
            Some([a, b]) => {
                any = true;
                // (Popped in the order written.)
                pending.push((b, depth + 1));
                pending.push((a, depth + 1));
            }
            None if depth == 0 => return None,
            None if intrinsic(node).is_some_and(|(name, arg)| {
                name == "Ref" && arg.as_str() == Some("AWS::NoValue")
            }) => {}
            None => out.push(definition_body(node, object_allowed)),
        }
    }
    any.then_some(out)
}

/// `object` → `an object`, `` `Fn::If` `` → `` a `Fn::If` ``.
fn with_article(what: &str) -> String {
    let vowel = what
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {what}", if vowel { "an" } else { "a" })
}

/// Describes a value for messages: `Fn::If`, `!Ref`, "number", ...
fn describe(node: &Node<'_>) -> String {
    match intrinsic(node) {
        Some((name, _)) if name == "Ref" => "`Ref`".to_string(),
        Some((name, _)) => format!("`Fn::{name}`"),
        None => node.kind_name().to_string(),
    }
}

/// The intrinsic function a node calls, without `Fn::` or `!`, and its argument:
/// `{"Fn::Sub": x}`, `!Sub x`, `{"Ref": x}`, `!Ref x`.
pub fn intrinsic<'a, 's>(node: &'a Node<'s>) -> Option<(String, &'a Node<'s>)> {
    match &node.value {
        Value::Tagged(t) => Some((t.tag.trim_start_matches('!').to_string(), &t.node)),
        Value::Object(members) if members.len() == 1 => {
            let m = &members[0];
            if m.key == "Ref" || m.key == "Condition" {
                Some((m.key.to_string(), &m.value))
            } else {
                m.key
                    .strip_prefix("Fn::")
                    .map(|name| (name.to_string(), &m.value))
            }
        }
        _ => None,
    }
}

/// The value of a CloudFormation pseudo parameter in `region` of `account` (`None`:
/// one that only the stack knows, such as `AWS::StackName`).
pub fn pseudo_parameter(name: &str, region: &str, account: &str) -> Option<String> {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    };
    Some(match name {
        "AWS::Region" => region.to_string(),
        "AWS::AccountId" => account.to_string(),
        "AWS::Partition" => partition.to_string(),
        "AWS::URLSuffix" if partition == "aws-cn" => "amazonaws.com.cn".to_string(),
        "AWS::URLSuffix" => "amazonaws.com".to_string(),
        _ => return None,
    })
}

/// What a run knows of the stack it stands for: the region and account, and the
/// logical ids of the template's Lambda functions, whose ARNs it can then write.
#[derive(Clone, Copy)]
pub struct Deploy<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub functions: &'a [String],
    /// Lambda aliases and versions, whose `Ref` is their ARN.
    pub qualified: &'a [String],
    /// The template's parameters that have a `Default`, with it: a stack created
    /// without overrides takes those values.
    pub parameters: &'a [(String, String)],
    /// The parameters whose `Ref` is a list (`CommaDelimitedList`, `List<...>`).
    pub lists: &'a [String],
    /// Every resource of the template, logical id and type: a `Ref` or `Fn::GetAtt` of
    /// one gets a stand-in shaped by its type ([`super::stand_in::shaped`]).
    pub resources: &'a [(String, String)],
    /// The template's `Mappings`, for `Fn::FindInMap`.
    pub mappings: Option<&'a serde_json::Value>,
    /// What a Lambda function's name starts with: the Serverless Framework names the
    /// function `hello` of service `demo` at stage `dev` `demo-dev-hello`.
    pub function_prefix: &'a str,
    /// The stand-ins given so far (`Ref Q = https://...`), for the run to say which
    /// values are not the stack's; `None`: not noted.
    pub stand_ins: Option<&'a std::cell::RefCell<Vec<String>>>,
}

impl<'a> Deploy<'a> {
    /// What a run in `region` of `account` knows with nothing from the template.
    pub fn bare(region: &'a str, account: &'a str) -> Self {
        Deploy {
            region,
            account,
            functions: &[],
            qualified: &[],
            parameters: &[],
            lists: &[],
            resources: &[],
            mappings: None,
            function_prefix: "",
            stand_ins: None,
        }
    }
}

impl Deploy<'_> {
    /// The value of a pseudo parameter (`AWS::Region`) or of a Lambda function's
    /// `Arn` attribute (`Fn.Arn`), the function named by its logical id.
    fn value(&self, name: &str) -> Option<String> {
        if let Some(text) = self.parameter(name) {
            return Some(text);
        }
        let function = name.strip_suffix(".Arn")?;
        self.functions
            .iter()
            .any(|f| f == function)
            .then(|| self.function_arn(function))
    }

    /// What a `${Name}` of an `Fn::Sub` gives: a parameter, a pseudo parameter, a
    /// function's ARN, else a stand-in for the `Ref` (or, for `Res.Attr`, the
    /// `Fn::GetAtt`) of a resource.
    fn sub_value(&self, name: &str) -> String {
        if let Some(text) = self.value(name) {
            return text;
        }
        match name.split_once('.') {
            Some((id, attribute)) => self.attribute(id, attribute),
            None => match self.reference(name) {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
        }
    }

    /// The value of `Ref` to a logical id: a pseudo parameter, a parameter's default (a
    /// list for a list parameter), the ARN of a Lambda alias or version, else a
    /// stand-in for the resource (its logical id when it is not one of the template).
    fn reference(&self, id: &str) -> serde_json::Value {
        use serde_json::Value as J;
        if let Some(text) = self.parameter(id) {
            if self.lists.iter().any(|l| l == id) {
                return J::Array(
                    text.split(',')
                        .map(|s| J::String(s.trim().to_string()))
                        .collect(),
                );
            }
            return J::String(text);
        }
        if self.qualified.iter().any(|q| q == id) {
            return J::String(self.function_arn(id));
        }
        let stand_in = match id {
            "AWS::StackName" => "stack".to_string(),
            "AWS::StackId" => format!(
                "arn:{}:cloudformation:{}:{}:stack/stack/00000000-0000-0000-0000-000000000000",
                self.partition(),
                self.region,
                self.account
            ),
            _ => match self.resources.iter().find(|(r, _)| r == id) {
                Some((_, ty)) => super::stand_in::shaped(ty, id, None, self.place()),
                None => id.to_string(),
            },
        };
        self.note(&format!("Ref {id}"), &stand_in);
        J::String(stand_in)
    }

    /// The value of `Fn::GetAtt` of `attribute` of the resource `id`: a function's ARN,
    /// else a stand-in.
    fn attribute(&self, id: &str, attribute: &str) -> String {
        if let Some(text) = self.value(&format!("{id}.{attribute}")) {
            return text;
        }
        let ty = self
            .resources
            .iter()
            .find(|(r, _)| r == id)
            .map_or("", |(_, ty)| ty.as_str());
        let stand_in = super::stand_in::shaped(ty, id, Some(attribute), self.place());
        self.note(&format!("Fn::GetAtt {id}.{attribute}"), &stand_in);
        stand_in
    }

    fn note(&self, what: &str, value: &str) {
        if let Some(notes) = self.stand_ins {
            let line = format!("{what} = {value}");
            let mut notes = notes.borrow_mut();
            if !notes.contains(&line) {
                notes.push(line);
            }
        }
    }

    /// Region, account, partition and URL suffix, for [`super::stand_in::shaped`].
    fn place(&self) -> (&str, &str, &'static str, &'static str) {
        let partition = self.partition();
        let suffix = if partition == "aws-cn" {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        (self.region, self.account, partition, suffix)
    }

    fn partition(&self) -> &'static str {
        match pseudo_parameter("AWS::Partition", self.region, self.account).as_deref() {
            Some("aws-cn") => "aws-cn",
            Some("aws-us-gov") => "aws-us-gov",
            Some("aws-iso-b") => "aws-iso-b",
            Some("aws-iso") => "aws-iso",
            Some("aws-eusc") => "aws-eusc",
            _ => "aws",
        }
    }

    /// The value of a pseudo parameter, or the default of a template parameter.
    fn parameter(&self, name: &str) -> Option<String> {
        pseudo_parameter(name, self.region, self.account).or_else(|| {
            self.parameters
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }

    fn function_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:lambda:{}:{}:function:{}{name}",
            self.partition(),
            self.region,
            self.account,
            if self.functions.iter().any(|f| f == name) {
                self.function_prefix
            } else {
                ""
            }
        )
    }
}

/// The logical ids of the template's resources of these types.
pub fn resources_of_type(root: &Node<'_>, types: &[&str]) -> Vec<String> {
    keys_of_type(root, "Resources", |t| types.contains(&t))
}

/// The names in the top-level `section` (`Resources`, `Parameters`) whose `Type` is one
/// that `wanted` takes.
fn keys_of_type(root: &Node<'_>, section: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let members = root.get(section).and_then(Node::as_object).unwrap_or(&[]);
    members
        .iter()
        .filter(|m| {
            m.value
                .get("Type")
                .and_then(Node::as_str)
                .is_some_and(&wanted)
        })
        .map(|m| m.key.to_string())
        .collect()
}

/// Every resource of a template (and of a Serverless file's `resources`), logical id
/// and type.
pub fn resource_types(root: &Node<'_>) -> Vec<(String, String)> {
    let sections = [
        root.get("Resources"),
        root.get("resources").and_then(|r| r.get("Resources")),
    ];
    sections
        .into_iter()
        .flatten()
        .flat_map(|r| r.as_object().unwrap_or(&[]))
        .filter_map(|r| {
            Some((
                r.key.to_string(),
                r.value.get("Type")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The template's parameters whose `Ref` is a list: `CommaDelimitedList` and
/// `List<...>` types.
pub fn list_parameters(root: &Node<'_>) -> Vec<String> {
    keys_of_type(root, "Parameters", |t| {
        t == "CommaDelimitedList" || t.starts_with("List<")
    })
}

/// A Serverless Framework file's functions (the keys of `functions`), and what their
/// deployed names start with: `service-stage-` (the stage `provider.stage`, else `dev`,
/// the framework's default), and that stage.
pub fn serverless_functions(root: &Node<'_>) -> (Vec<String>, String, String) {
    let names = root
        .get("functions")
        .and_then(Node::as_object)
        .unwrap_or(&[])
        .iter()
        .map(|f| f.key.to_string())
        .collect();
    let service = root
        .get("service")
        .and_then(Node::as_str)
        .unwrap_or("service");
    let stage = root
        .get("provider")
        .and_then(|p| p.get("stage"))
        .and_then(Node::as_str)
        .filter(|s| !s.contains("${"))
        .unwrap_or("dev");
    (names, format!("{service}-{stage}-"), stage.to_string())
}

/// The template's parameters that have a scalar `Default`, with it as text.
pub fn parameter_defaults(root: &Node<'_>) -> Vec<(String, String)> {
    let parameters = root
        .get("Parameters")
        .and_then(Node::as_object)
        .unwrap_or(&[]);
    parameters
        .iter()
        .filter_map(|p| Some((p.key.to_string(), literal(p.value.get("Default")?)?)))
        .collect()
}

/// The logical ids of the Lambda functions a template declares.
pub fn lambda_functions(root: &Node<'_>) -> Vec<String> {
    resources_of_type(
        root,
        &["AWS::Lambda::Function", "AWS::Serverless::Function"],
    )
}

/// The logical ids of the Lambda aliases and versions a template declares.
pub fn lambda_aliases(root: &Node<'_>) -> Vec<String> {
    resources_of_type(root, &["AWS::Lambda::Alias", "AWS::Lambda::Version"])
}

/// Fills, in a template's definition as JSON, what CloudFormation would with what a
/// run knows ([`Deploy`]): pseudo parameters (`{"Ref": "AWS::Region"}`), parameters'
/// defaults, the ARN of each of the template's Lambda functions (`!GetAtt Fn.Arn`,
/// `${Fn.Arn}` in an `Fn::Sub`) and of its aliases and versions (`!Ref`): a run then
/// calls the function as Lambda, its mock's `Payload` being the result. The functions
/// of literal values (`Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`,
/// `Fn::Base64`, ...) are evaluated, innermost first; a `Ref` or `Fn::GetAtt` of
/// another resource gets a stand-in ([`super::stand_in`]), which the run notes: the
/// execution never sees an intrinsic function, only its value. What cannot be
/// evaluated (`Fn::If`, `Fn::Cidr`) stays as it is written.
pub fn fill_known(value: &mut serde_json::Value, deploy: &Deploy<'_>) {
    use serde_json::Value as J;
    match value {
        J::Object(map) => map.values_mut().for_each(|v| fill_known(v, deploy)),
        J::Array(items) => items.iter_mut().for_each(|v| fill_known(v, deploy)),
        _ => {}
    }
    let filled = match &*value {
        J::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((k, J::String(name))) if k == "Ref" => Some(deploy.reference(name)),
            Some((k, J::String(text))) if k == "Fn::Sub" => {
                Some(J::String(sub_known(text, None, deploy)))
            }
            Some((k, J::Array(a))) if k == "Fn::Sub" => match a.as_slice() {
                [J::String(text), J::Object(vars)] => {
                    Some(J::String(sub_known(text, Some(vars), deploy)))
                }
                _ => None,
            },
            Some((k, J::String(attribute))) if k == "Fn::GetAtt" => attribute
                .split_once('.')
                .map(|(id, attribute)| J::String(deploy.attribute(id, attribute))),
            Some((k, J::Array(parts))) if k == "Fn::GetAtt" => match parts.as_slice() {
                [J::String(id), J::String(attribute)] => {
                    Some(J::String(deploy.attribute(id, attribute)))
                }
                _ => None,
            },
            Some((k, J::String(region))) if k == "Fn::GetAZs" => {
                let region = if region.is_empty() {
                    deploy.region
                } else {
                    region
                };
                let zones: Vec<J> = ["a", "b", "c"]
                    .iter()
                    .map(|z| J::String(format!("{region}{z}")))
                    .collect();
                deploy.note(
                    &format!("Fn::GetAZs {region}"),
                    &J::Array(zones.clone()).to_string(),
                );
                Some(J::Array(zones))
            }
            Some((k, J::String(export))) if k == "Fn::ImportValue" => {
                deploy.note(&format!("Fn::ImportValue {export}"), export);
                Some(J::String(export.clone()))
            }
            Some((k, arg)) => super::stand_in::evaluate(k, arg, deploy.mappings),
            None => None,
        },
        _ => None,
    };
    if let Some(v) = filled {
        *value = v;
    }
}

/// An `Fn::Sub` string with its `${...}` filled: from `vars` (its variable map, when
/// the value is a string), else as [`Deploy::sub_value`] gives them; `${!Name}` is the
/// literal `${Name}`.
fn sub_known(
    text: &str,
    vars: Option<&serde_json::Map<String, serde_json::Value>>,
    deploy: &Deploy<'_>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let Some(close) = rest[at..].find('}').map(|c| c + at) else {
            break;
        };
        let name = &rest[at + 2..close];
        match name.strip_prefix('!') {
            Some(literal) => out.push_str(&format!("${{{literal}}}")),
            None => match vars.and_then(|v| v.get(name.trim())) {
                Some(serde_json::Value::String(s)) => out.push_str(s),
                Some(other) => out.push_str(&other.to_string()),
                None => out.push_str(&deploy.sub_value(name.trim())),
            },
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `DefinitionSubstitutions` (or an `Fn::Sub` variable map): literal values are known,
/// intrinsics are not.
pub fn substitution_map(node: &Node<'_>) -> Substitutions {
    let mut out = Substitutions::new();
    for m in node.as_object().unwrap_or(&[]) {
        out.insert(m.key.to_string(), literal(&m.value));
    }
    out
}

fn literal(node: &Node<'_>) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The token an intrinsic stands for in flattened text: `{"Ref": "X"}` → `${X}`,
/// `{"Fn::GetAtt": ["A", "Arn"]}` → `${A.Arn}`, anything else `${Fn::Name}`.
fn intrinsic_token(name: &str, arg: &Node<'_>) -> String {
    match name {
        "Ref" => format!("${{{}}}", arg.as_str().unwrap_or("Ref")),
        "GetAtt" => match (&arg.value, arg.as_array()) {
            (Value::String(s), _) => format!("${{{s}}}"),
            (_, Some(parts)) => {
                let parts: Vec<&str> = parts.iter().filter_map(Node::as_str).collect();
                format!("${{{}}}", parts.join("."))
            }
            _ => "${Fn::GetAtt}".to_string(),
        },
        _ => format!("${{Fn::{name}}}"),
    }
}

/// Flattens a string-valued definition (a string, `Fn::Sub`, `Fn::Join`) into an inner
/// text with a source map. Placeholders with known values are replaced (the value is
/// JSON-escaped inside JSON strings); unknown ones stay as `${Name}` tokens that map to
/// their place in the template. Returns why it could not, on failure.
pub fn flatten(
    source: &str,
    node: &Node<'_>,
    subs: &Substitutions,
) -> Result<Embedded, Unflattened> {
    flatten_in(source, node, subs, None)
}

/// [`flatten`] with no value filled in: every `${Name}` stays a token, as for a value
/// known only at deploy time. For a definition whose values come to too much
/// ([`Unflattened::TooLarge`]), so that the rest of it is still read.
pub fn flatten_unfilled(
    source: &str,
    node: &Node<'_>,
    subs: &Substitutions,
) -> Result<Embedded, Unflattened> {
    let mut out = Flattener::new(source, None);
    out.fill = false;
    out.value(node, subs, 0)?;
    Ok(out.out)
}

/// [`flatten`] for a run (`Some(deploy)`): the pseudo parameters of an `Fn::Sub`
/// (`${AWS::Region}`), the template's parameters with a default, and its functions'
/// ARNs take their values there.
pub fn flatten_in<'t>(
    source: &'t str,
    node: &Node<'_>,
    subs: &Substitutions,
    deploy: Option<&'t Deploy<'t>>,
) -> Result<Embedded, Unflattened> {
    let mut out = Flattener::new(source, deploy);
    out.value(node, subs, 0)?;
    Ok(out.out)
}

/// Fills, in a template's `DefinitionSubstitutions` map, the values that the region
/// and account alone give (`Region: !Ref AWS::Region`, `Arn: !Sub "arn:${AWS::Partition}:..."`).
pub fn fill_pseudo_substitutions(
    subs: &mut Substitutions,
    node: Option<&Node<'_>>,
    deploy: &Deploy<'_>,
) {
    for m in node.and_then(Node::as_object).unwrap_or(&[]) {
        let mut value = m.value.to_json();
        fill_known(&mut value, deploy);
        if let serde_json::Value::String(text) = value
            && subs.get(&*m.key).is_some_and(Option::is_none)
        {
            subs.insert(m.key.to_string(), Some(text));
        }
    }
}

struct Flattener<'t> {
    source: &'t str,
    /// What a run knows, which fills an `Fn::Sub`'s pseudo parameters and the like.
    deploy: Option<&'t Deploy<'t>>,
    out: Embedded,
    /// How far `in_string` has been computed over `out.text`.
    scan: usize,
    in_string: bool,
    escaped: bool,
    /// Whether known values are filled in (see [`flatten_unfilled`]).
    fill: bool,
    /// Bytes of values filled in so far (at most [`MAX_SUBSTITUTED_BYTES`]).
    filled: usize,
}

impl<'t> Flattener<'t> {
    fn new(source: &'t str, deploy: Option<&'t Deploy<'t>>) -> Self {
        Flattener {
            source,
            out: Embedded::new(),
            scan: 0,
            in_string: false,
            escaped: false,
            deploy,
            fill: true,
            filled: 0,
        }
    }

    fn value(
        &mut self,
        node: &Node<'_>,
        subs: &Substitutions,
        depth: usize,
    ) -> Result<(), Unflattened> {
        if depth > MAX_INTRINSIC_DEPTH {
            return Err("intrinsic functions nested too deeply".into());
        }
        if let Some(text) = node.as_str() {
            // A YAML alias (`DefinitionString: *def`): the text is written at its anchor,
            // not here. Findings point at the alias; no fix is placed.
            if self
                .source
                .get(node.range.as_usize())
                .is_some_and(|t| t.starts_with('*'))
            {
                let text = self.escaped_value(text);
                self.synthetic(&text, node.range);
                return Ok(());
            }
            return self.scalar(node, subs, None, false);
        }
        match intrinsic(node) {
            Some((name, arg)) if name == "Sub" => self.sub(arg, subs, depth),
            Some((name, arg)) if name == "Join" => self.join(arg, subs, depth),
            _ => Err(with_article(&describe(node)).into()),
        }
    }

    fn sub(
        &mut self,
        arg: &Node<'_>,
        subs: &Substitutions,
        depth: usize,
    ) -> Result<(), Unflattened> {
        if arg.as_str().is_some() {
            return self.scalar(arg, subs, None, true);
        }
        match arg.as_array() {
            Some([template, vars]) if template.as_str().is_some() => {
                let mut map = substitution_map(vars);
                if let Some(deploy) = self.deploy {
                    fill_pseudo_substitutions(&mut map, Some(vars), deploy);
                }
                for (k, v) in &map {
                    if v.is_none() {
                        self.out.computed.push(k.clone());
                    }
                }
                self.scalar(template, subs, Some(&map), true)
            }
            Some([template, _]) => self.value(template, subs, depth + 1),
            _ => Err("an `Fn::Sub` whose argument is neither a string nor [string, map]".into()),
        }
    }

    fn join(
        &mut self,
        arg: &Node<'_>,
        subs: &Substitutions,
        depth: usize,
    ) -> Result<(), Unflattened> {
        let Some([delimiter, parts]) = arg.as_array() else {
            return Err("an `Fn::Join` whose argument is not [delimiter, list]".into());
        };
        let Some(delim) = delimiter.as_str() else {
            return Err("an `Fn::Join` with a computed delimiter".into());
        };
        let Some(parts) = parts.as_array() else {
            return Err(format!("an `Fn::Join` of a {}", describe(parts)).into());
        };
        for (i, part) in parts.iter().enumerate() {
            if i > 0 && !delim.is_empty() {
                self.synthetic(delim, delimiter.range);
            }
            if part.as_str().is_some() {
                self.scalar(part, subs, None, false)?;
                continue;
            }
            match intrinsic(part) {
                Some((name, arg)) if name == "Sub" || name == "Join" => {
                    match self.value(part, subs, depth + 1) {
                        Ok(()) => {}
                        Err(e @ Unflattened::TooLarge(_)) => return Err(e),
                        Err(Unflattened::Unreadable(_)) => {
                            self.synthetic(&intrinsic_token(&name, arg), part.range);
                        }
                    }
                }
                // For a run, a `Ref`, `Fn::GetAtt`, ... takes its value (or a stand-in).
                Some((name, arg)) => match self.deploy.and_then(|d| {
                    let mut value = part.to_json();
                    fill_known(&mut value, d);
                    value.as_str().map(str::to_string)
                }) {
                    Some(value) => {
                        let value = self.escaped_value(&value);
                        self.synthetic(&value, part.range);
                    }
                    None => self.synthetic(&intrinsic_token(&name, arg), part.range),
                },
                None => match &part.value {
                    Value::Number(n) => self.synthetic(&n.to_string(), part.range),
                    Value::Bool(b) => self.synthetic(&b.to_string(), part.range),
                    _ => {
                        return Err(
                            format!("an `Fn::Join` part that is a {}", describe(part)).into()
                        );
                    }
                },
            }
        }
        Ok(())
    }

    fn synthetic(&mut self, text: &str, range: TextRange) {
        self.out.push_synthetic(text, range);
    }

    /// Appends a string node, substituting `${Name}` tokens with known values: those of
    /// `vars` (an `Fn::Sub` variable map), then those of `subs`. In an `Fn::Sub`
    /// template (`in_sub`), `${!Name}` stands for the literal text `${Name}`, which
    /// `DefinitionSubstitutions` then fill in: that is how a template writes a
    /// placeholder for them inside an `Fn::Sub`.
    fn scalar(
        &mut self,
        node: &Node<'_>,
        subs: &Substitutions,
        vars: Option<&Substitutions>,
        in_sub: bool,
    ) -> Result<(), Unflattened> {
        let Some(scalar) = ScalarMap::new(self.source, node) else {
            return Err("a string the template reader could not align".into());
        };
        let begin = self.out.text.len();
        let text = scalar.decoded;
        let mut done = 0usize;
        let mut search = 0usize;
        while let Some(rel) = text[search..].find("${") {
            let start = search + rel;
            let Some(close) = text[start..].find('}') else {
                break;
            };
            let end = start + close + 1;
            let name = &text[start + 2..end - 1];
            if in_sub && let Some(literal) = name.strip_prefix('!') {
                if self.fill
                    && let Some(Some(value)) = subs.get(literal.trim())
                {
                    // `${!Name}` → `${Name}` → the substitution's value.
                    let range = scalar.outer(start..end);
                    self.take(value.len(), range)?;
                    self.push(&scalar, done..start);
                    let value = self.escaped_value(value);
                    self.synthetic(&value, range);
                } else {
                    // `${!Name}` → `${Name}`: drop the `!`.
                    self.push(&scalar, done..start + 2);
                    self.push(&scalar, start + 3..end);
                }
                done = end;
                search = end;
                continue;
            }
            let known = vars
                .and_then(|v| v.get(name.trim()))
                .or_else(|| subs.get(name.trim()))
                .and_then(Option::as_deref)
                .filter(|_| self.fill)
                .map(str::to_string);
            let known = match (known, in_sub, self.deploy) {
                (None, true, Some(deploy)) => Some(deploy.sub_value(name.trim())),
                (known, ..) => known,
            };
            if let Some(value) = known.as_deref() {
                let range = scalar.outer(start..end);
                self.take(value.len(), range)?;
                self.push(&scalar, done..start);
                let value = self.escaped_value(value);
                self.synthetic(&value, range);
                done = end;
            } else if in_sub {
                // In an `Fn::Sub` template, CloudFormation fills every other `${Name}`
                // itself (a parameter, a resource, `Res.Attr`, `AWS::Region`, ...):
                // known at deploy time, not a placeholder left open.
                self.out.computed.push(name.trim().to_string());
            }
            search = end;
        }
        self.push(&scalar, done..text.len());
        if in_sub {
            self.out.mark_sub(begin);
        }
        Ok(())
    }

    /// Counts `bytes` of a value filled in for the token at `at` (in the template):
    /// an error once they come to more than [`MAX_SUBSTITUTED_BYTES`].
    fn take(&mut self, bytes: usize, at: TextRange) -> Result<(), Unflattened> {
        self.filled = self.filled.saturating_add(bytes);
        if self.filled > MAX_SUBSTITUTED_BYTES {
            return Err(Unflattened::TooLarge(at));
        }
        Ok(())
    }

    /// A substituted value as it reads at the end of the text built so far: escaped
    /// for JSON inside a string.
    fn escaped_value(&mut self, value: &str) -> String {
        self.advance_scan();
        if self.in_string {
            let quoted = serde_json::to_string(value).unwrap_or_default();
            quoted[1..quoted.len() - 1].to_string()
        } else {
            value.to_string()
        }
    }

    fn push(&mut self, scalar: &ScalarMap<'_>, range: std::ops::Range<usize>) {
        self.out.push_decoded(scalar, range);
    }

    /// Brings `in_string` up to the end of the text built so far.
    fn advance_scan(&mut self) {
        let bytes = self.out.text.as_bytes();
        while self.scan < bytes.len() {
            let b = bytes[self.scan];
            if self.escaped {
                self.escaped = false;
            } else if self.in_string && b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = !self.in_string;
            }
            self.scan += 1;
        }
    }
}

/// Writes `text` so that an `Fn::Sub` template reads it back as it is: `${` would
/// start a substitution, `${!` is its escape.
pub(crate) fn escape_sub(text: &str) -> String {
    text.replace("${", "${!")
}

/// Every `${...}` token in `text`: (byte range, name without `${` `}`). Braces inside a
/// token pair up, so a token may hold others: a Serverless Framework variable resolves
/// its nested ones first (`${cf:stack-${sls:stage}.Output}` is one token).
pub fn placeholder_tokens(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(rel) = memchr::memmem::find(&bytes[search..], b"${") {
        let start = search + rel;
        let mut depth = 0usize;
        let close = bytes[start + 2..].iter().position(|&b| match b {
            b'{' => {
                depth += 1;
                false
            }
            b'}' if depth == 0 => true,
            b'}' => {
                depth -= 1;
                false
            }
            _ => false,
        });
        let Some(close) = close else {
            break;
        };
        let end = start + 2 + close + 1;
        out.push((start..end, &text[start + 2..end - 1]));
        search = end;
    }
    out
}

/// True when `s` is exactly one `${...}` token.
pub fn is_whole_placeholder(s: &str) -> bool {
    s.len() > 3 && matches!(placeholder_tokens(s).as_slice(), [(r, _)] if *r == (0..s.len()))
}

/// The values that the Serverless Framework variables `${self:path}` in `node` take
/// from the file itself (`root`): a scalar is a literal value; a value that holds
/// variables itself, or an object or array, is known but computed. A path the file does
/// not have takes the variable's fallback when that is a literal (`${self:custom.t, 60}`).
fn self_variables(root: &Node<'_>, node: &Node<'_>) -> Substitutions {
    let mut subs = Substitutions::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::String(s) | Value::Placeholder(s) => {
                for (_, name) in placeholder_tokens(s) {
                    let name = name.trim();
                    if !subs.contains_key(name)
                        && let Some(value) = self_value(root, name)
                    {
                        subs.insert(name.to_string(), value);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            Value::Tagged(t) => stack.push(&t.node),
            _ => {}
        }
    }
    subs
}

/// The `${self:path}` variables of a definition file that a Serverless Framework file
/// (`root`) includes with `${file(...)}`: the framework resolves the variables of a
/// file it loads against the file that loads it, as those of an inline definition.
pub fn serverless_file_variables(root: &Node<'_>, path: &std::path::Path) -> Substitutions {
    let Ok(text) = crate::files::read_to_string(path) else {
        return Substitutions::new();
    };
    let kind = crate::syntax::detect_kind(path.to_str(), &text);
    let document = crate::syntax::parse(&text, kind);
    document
        .root
        .as_ref()
        .map_or_else(Substitutions::new, |file| self_variables(root, file))
}

/// A string value of a Serverless variable as a substitution: unknown when its text
/// spells a number, a boolean or null, which a placeholder standing alone would read
/// as that value where the framework keeps the string (`"10"` for `Seconds`).
fn string_value(s: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::String(_)) | Err(_) => Some(s.to_string()),
        Ok(_) => None,
    }
}

/// The value of one `self:path[, fallback]` variable (see [`self_variables`]).
fn self_value(root: &Node<'_>, name: &str) -> Option<Option<String>> {
    if name.contains("${") {
        return None;
    }
    let (var, fallback) = match name.split_once(',') {
        Some((v, f)) => (v.trim(), Some(f.trim())),
        None => (name, None),
    };
    let path = var.strip_prefix("self:")?;
    let found = (!path.is_empty())
        .then(|| path.split('.').try_fold(root, |n, key| n.get(key)))
        .flatten();
    let Some(found) = found else {
        let f = fallback?;
        let quoted = ['\'', '"']
            .iter()
            .find_map(|&q| f.strip_prefix(q)?.strip_suffix(q));
        return match quoted {
            Some(text) => Some(string_value(text)),
            None => f.parse::<f64>().is_ok().then(|| Some(f.to_string())),
        };
    };
    Some(match &found.value {
        Value::String(s) if !s.contains("${") => string_value(s),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn function_arns_are_filled_for_a_run() {
        let functions = ["Worker".to_string()];
        let qualified = ["Live".to_string()];
        let deploy = super::Deploy {
            functions: &functions,
            qualified: &qualified,
            ..super::Deploy::bare("us-gov-west-1", "111122223333")
        };
        let mut v = serde_json::json!({
            "alias": {"Ref": "Live"},
            "region": {"Ref": "AWS::Region"},
            "other ref": {"Ref": "Queue"},
            "list": {"Fn::GetAtt": ["Worker", "Arn"]},
            "dotted": {"Fn::GetAtt": "Worker.Arn"},
            "sub": {"Fn::Sub": "${Worker.Arn}:live"},
            "name": {"Fn::GetAtt": ["Worker", "FunctionName"]},
            "other": {"Fn::GetAtt": ["Queue", "Arn"]}
        });
        super::fill_known(&mut v, &deploy);
        let arn = "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:Worker";
        assert_eq!(
            v,
            serde_json::json!({
                "alias": "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:Live",
                "region": "us-gov-west-1",
                "other ref": "Queue",
                "list": arn,
                "dotted": arn,
                "sub": format!("{arn}:live"),
                "name": "Worker-FunctionName",
                "other": "arn:aws-us-gov:aws:us-gov-west-1:111122223333:Queue"
            })
        );
    }

    #[test]
    fn pseudo_parameters_are_filled_and_the_rest_gets_stand_ins() {
        let mut v = serde_json::json!({
            "region": {"Ref": "AWS::Region"},
            "arn": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t-${!Literal}"},
            "fn": {"Fn::GetAtt": ["Fn", "Arn"]},
            "param": {"Ref": "Stage"},
            "mixed": {"Fn::Sub": "${Stage}-${AWS::Region}"},
            "list": [{"Ref": "AWS::URLSuffix"}]
        });
        let notes = std::cell::RefCell::new(Vec::new());
        let resources = [("Fn".to_string(), "AWS::SQS::Queue".to_string())];
        let deploy = super::Deploy {
            resources: &resources,
            stand_ins: Some(&notes),
            ..super::Deploy::bare("cn-north-1", "111122223333")
        };
        super::fill_known(&mut v, &deploy);
        assert_eq!(
            v,
            serde_json::json!({
                "region": "cn-north-1",
                "arn": "arn:aws-cn:sns:cn-north-1:111122223333:t-${Literal}",
                "fn": "arn:aws-cn:sqs:cn-north-1:111122223333:Fn",
                "param": "Stage",
                "mixed": "Stage-cn-north-1",
                "list": ["amazonaws.com.cn"]
            })
        );
        assert_eq!(
            notes.into_inner(),
            [
                "Fn::GetAtt Fn.Arn = arn:aws-cn:sqs:cn-north-1:111122223333:Fn",
                "Ref Stage = Stage"
            ]
        );
    }

    /// F4 of the templates QA: the execution's data holds values, never an intrinsic
    /// function: literal functions are evaluated, a list parameter is a list.
    #[test]
    fn literal_functions_and_parameters_are_evaluated() {
        let mappings = serde_json::json!({"M": {"us-east-1": {"fn": "arn:f"}}});
        let parameters = [("L".to_string(), "a,b".to_string())];
        let lists = ["L".to_string()];
        let deploy = super::Deploy {
            parameters: &parameters,
            lists: &lists,
            mappings: Some(&mappings),
            ..super::Deploy::bare("us-east-1", "1")
        };
        let mut v = serde_json::json!({
            "map": {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "fn"]},
            "join": {"Fn::Join": ["", ["arn:aws:states:::", "sqs:sendMessage"]]},
            "az": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            "list": {"Ref": "L"},
            "sub": {"Fn::Sub": ["${A}-${L}", {"A": {"Ref": "AWS::AccountId"}}]},
            "cidr": {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}
        });
        super::fill_known(&mut v, &deploy);
        assert_eq!(
            v,
            serde_json::json!({
                "map": "arn:f",
                "join": "arn:aws:states:::sqs:sendMessage",
                "az": "us-east-1a",
                "list": ["a", "b"],
                "sub": "1-a,b",
                "cidr": {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}
            })
        );
    }

    use super::*;
    use crate::syntax::json;

    fn defs_of(text: &str) -> Vec<(String, String)> {
        let doc = json::parse(text);
        let root = doc.root.as_ref().unwrap();
        find(root)
            .unwrap()
            .iter()
            .map(|d| {
                let kind = match &d.body {
                    Body::Inline(_) => "inline".to_string(),
                    Body::Text(n) => format!(
                        "text:{}",
                        flatten(text, n, &d.substitutions)
                            .map(|e| e.text)
                            .unwrap_or_else(|e| format!("error {e}"))
                    ),
                    Body::File { uri, .. } => format!("file:{uri}"),
                    Body::Remote => "remote".to_string(),
                    Body::Unsupported { reason, .. } => format!("unsupported:{reason}"),
                };
                (format!("{}.{}", d.name, d.property.key), kind)
            })
            .collect()
    }

    #[test]
    fn finds_every_form_of_definition() {
        let text = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
          "A": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": "{\"StartAt\": \"${S}\"}",
            "DefinitionSubstitutions": {"S": "First", "T": {"Ref": "P"}}}},
          "B": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": {"Fn::Sub": ["{\"x\": \"${V}\", \"y\": ${W}, \"z\": \"${!Lit}\"}", {"V": "a\"b", "W": {"Ref": "Q"}}]}}},
          "C": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": {"Fn::Join": ["\n", ["{\"Resource\": \"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\"}"]]},
            "DefinitionS3Location": {"Bucket": "b", "Key": "k"}}},
          "D": {"Type": "AWS::Serverless::StateMachine", "Properties": {
            "Definition": {"StartAt": "X", "States": {}}, "DefinitionUri": "sm/d.asl.json"}},
          "E": {"Type": "AWS::Serverless::StateMachine", "Properties": {
            "DefinitionUri": "s3://bucket/key", "Definition": {"Fn::If": ["C", 1, 2]}}},
          "F": {"Type": "AWS::Lambda::Function", "Properties": {"Definition": {}}}
        }}"#;
        assert_eq!(
            defs_of(text),
            vec![
                (
                    "A.DefinitionString".to_string(),
                    "text:{\"StartAt\": \"First\"}".to_string()
                ),
                (
                    "B.DefinitionString".to_string(),
                    r#"text:{"x": "a\"b", "y": ${W}, "z": "${Lit}"}"#.to_string()
                ),
                (
                    "C.DefinitionString".to_string(),
                    "text:{\"Resource\": \"\n${Fn.Arn}\n\"}".to_string()
                ),
                ("C.DefinitionS3Location".to_string(), "remote".to_string()),
                ("D.Definition".to_string(), "inline".to_string()),
                (
                    "D.DefinitionUri".to_string(),
                    "file:sm/d.asl.json".to_string()
                ),
                (
                    "E.Definition".to_string(),
                    "unsupported:a `Fn::If`".to_string()
                ),
                ("E.DefinitionUri".to_string(), "remote".to_string()),
            ]
        );
    }

    #[test]
    fn plain_definitions_are_not_templates() {
        let doc = json::parse(r#"{"StartAt": "A", "States": {}, "Resources": {}}"#);
        assert!(find(doc.root.as_ref().unwrap()).is_none());
        let doc = json::parse(r#"{"Comment": "x"}"#);
        assert!(find(doc.root.as_ref().unwrap()).is_none());
        let doc = json::parse(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#);
        assert_eq!(find(doc.root.as_ref().unwrap()).unwrap().len(), 0);
    }

    #[test]
    fn a_logical_id_written_twice_is_the_last() {
        let text = r#"{"Resources": {
            "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionUri": "first.json"}},
            "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "A", "States": {}}}}}}"#;
        assert_eq!(
            defs_of(text),
            vec![("SM.Definition".to_string(), "inline".to_string())]
        );
    }

    #[test]
    fn a_serverless_string_that_spells_a_number_is_no_number() {
        let doc =
            crate::syntax::yaml::parse("custom:\n  n: 10\n  s: \"10\"\n  t: 'true'\n  w: ten\n");
        let root = doc.root.as_ref().unwrap();
        let value = |name: &str| super::self_value(root, name);
        assert_eq!(value("self:custom.n"), Some(Some("10".to_string())));
        assert_eq!(value("self:custom.w"), Some(Some("ten".to_string())));
        // Known to be a string, which a placeholder alone would read as 10 or true:
        // computed, so that no check takes it for the number.
        assert_eq!(value("self:custom.s"), Some(None));
        assert_eq!(value("self:custom.t"), Some(None));
        assert_eq!(value("self:custom.x, '60'"), Some(None));
        assert_eq!(value("self:custom.x, 60"), Some(Some("60".to_string())));
    }

    #[test]
    fn serverless_state_machines() {
        let text = r#"{"service": "s", "provider": {}, "stepFunctions": {"stateMachines": {
            "hello": {"definition": {"StartAt": "A", "States": {}}},
            "file": {"definition": "${file(./x.json)}"},
            "quoted": {"definition": "${file('sm/y.asl.yaml')}"},
            "part": {"definition": "${file(./z.yml):definition}"},
            "computed": {"definition": "${file(./${self:custom.stage}.json)}"}}}}"#;
        assert_eq!(
            defs_of(text),
            vec![
                (
                    "stateMachines.hello.definition".to_string(),
                    "inline".to_string()
                ),
                (
                    "stateMachines.file.definition".to_string(),
                    "file:./x.json".to_string()
                ),
                (
                    "stateMachines.quoted.definition".to_string(),
                    "file:sm/y.asl.yaml".to_string()
                ),
                (
                    "stateMachines.part.definition".to_string(),
                    "unsupported:a Serverless variable that is only resolved at deploy time"
                        .to_string()
                ),
                (
                    "stateMachines.computed.definition".to_string(),
                    "unsupported:a Serverless variable that is only resolved at deploy time"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn workflow_types() {
        let text = r#"{"service": "s", "provider": {}, "stepFunctions": {"stateMachines": {
            "fast": {"type": "express", "definition": {"StartAt": "A", "States": {}}},
            "slow": {"definition": {"StartAt": "A", "States": {}}}}},
          "resources": {"Resources": {
            "C": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"StateMachineType": "EXPRESS", "DefinitionString": "{}"}},
            "S": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Type": "STANDARD", "Definition": {"StartAt": "A", "States": {}}}},
            "T": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Type": "EXPRESS", "StateMachineType": "STANDARD", "Definition": {"StartAt": "A", "States": {}}}}}}}"#;
        let doc = json::parse(text);
        let types: Vec<(String, WorkflowType)> = find(doc.root.as_ref().unwrap())
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.workflow))
            .collect();
        assert_eq!(
            types,
            vec![
                ("C".to_string(), WorkflowType::Express),
                ("S".to_string(), WorkflowType::Standard),
                // SAM's property is `Type`.
                ("T".to_string(), WorkflowType::Express),
                ("stateMachines.fast".to_string(), WorkflowType::Express),
                ("stateMachines.slow".to_string(), WorkflowType::Standard),
            ]
        );
    }

    #[test]
    fn tokens_and_whole_placeholders() {
        assert_eq!(
            placeholder_tokens("a ${X} b ${Y.Z} ${"),
            vec![(2..6, "X"), (9..15, "Y.Z")]
        );
        assert!(is_whole_placeholder("${Next}"));
        assert!(!is_whole_placeholder("${A}-${B}"));
        assert!(!is_whole_placeholder("x${A}"));
    }
}
