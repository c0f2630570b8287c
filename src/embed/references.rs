//! The names a state machine definition of a CloudFormation or SAM template (and its
//! `DefinitionSubstitutions`) refers to: the `${Name}` of each `Fn::Sub`, each `Ref` and
//! each `Fn::GetAtt`, checked against the template's parameters, resources and pseudo
//! parameters (ASL807); and the intrinsic functions CloudFormation does not have
//! (ASL809).

use std::collections::HashSet;

use super::sourcemap::ScalarMap;
use super::template::{intrinsic, placeholder_tokens};
use crate::syntax::{Node, TextRange, Value};

/// The pseudo parameters of CloudFormation.
pub(crate) const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The intrinsic functions of CloudFormation (without `Fn::`), those of the
/// `AWS::LanguageExtensions` transform and of the `Rules` section included.
const FUNCTIONS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Ref",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// A function CloudFormation does not have, written as a tag (`!GetAttr`) or a key
/// (`Fn::Subb`), with the range of the tag or key.
pub struct UnknownFunction {
    pub name: String,
    pub range: TextRange,
    /// The function it is closest to.
    pub suggestion: Option<&'static str>,
}

/// The unknown intrinsic functions under `node` (a definition of a template), in
/// document order. YAML's own tags (`!!str`) are not functions.
pub fn unknown_functions(node: &Node<'_>) -> Vec<UnknownFunction> {
    let mut out = Vec::new();
    for n in node.descendants(256) {
        let (name, range) = match &n.value {
            Value::Tagged(t) if !t.tag.starts_with("!!") && !t.tag.starts_with("!<") => {
                (t.tag.trim_start_matches('!'), t.tag_range)
            }
            Value::Object(members) if members.len() == 1 => {
                match members[0].key.strip_prefix("Fn::") {
                    Some(name) => (name, members[0].key_range),
                    None => continue,
                }
            }
            _ => continue,
        };
        if !name.is_empty() && !FUNCTIONS.contains(&name) && !name.starts_with("ForEach::") {
            out.push(UnknownFunction {
                name: name.to_string(),
                range,
                suggestion: crate::rules::closest_within(name, FUNCTIONS.iter().copied(), 2),
            });
        }
    }
    out
}

/// A CloudFormation intrinsic function in a definition that no template processes
/// (ASL811), with where it is.
pub struct Intrinsic {
    /// As written: the tag (`!GetAtt`) or the key (`Fn::GetAtt`, `Ref`).
    pub name: String,
    /// The tag, or the whole one-key object.
    pub range: TextRange,
    /// The tag with its value, or the object.
    pub whole: TextRange,
    /// The innermost state it is in, and that state's field that holds it.
    pub state: Option<String>,
    /// The state's field, or the definition's top-level field outside any state.
    pub field: Option<String>,
    /// A name for the `${Name}` placeholder to write in its place.
    pub placeholder: String,
}

/// One step from a node to a child, for [`intrinsics`] to say where a function is.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index,
    Tag,
}

/// The CloudFormation intrinsic functions under `root` (a definition), in document
/// order: a local YAML tag (`!GetAtt`; not YAML's own `!!str` or `!<...>`), or a
/// one-key object `{"Ref": "Name"}` or `{"Fn::Name": ...}`. What an intrinsic holds
/// is not looked into: `!Join [",", [!Ref A]]` is one function.
pub fn intrinsics(root: &Node<'_>) -> Vec<Intrinsic> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        // Only CloudFormation's own functions: a custom tag (`!Custom`) or a key that
        // merely looks like one (`{"Ref": "refs/heads/main"}`, `{"Fn::Bogus": 1}`) is
        // data.
        let found = match &node.value {
            Value::Tagged(t)
                if t.tag
                    .strip_prefix('!')
                    .is_some_and(|f| FUNCTIONS.contains(&f)) =>
            {
                Some((t.tag.to_string(), t.tag_range, &t.node))
            }
            Value::Object(members) if members.len() == 1 => {
                let m = &members[0];
                let is_ref = m.key == "Ref"
                    && m.value.as_str().is_some_and(|target| {
                        target.starts_with("AWS::")
                            || !target.is_empty()
                                && target.bytes().all(|b| b.is_ascii_alphanumeric())
                    });
                let is_function = m
                    .key
                    .strip_prefix("Fn::")
                    .is_some_and(|f| FUNCTIONS.contains(&f));
                (is_ref || is_function).then(|| (m.key.to_string(), node.range, &m.value))
            }
            _ => None,
        };
        if let Some((name, range, argument)) = found {
            // The way down is looked for only for what is found: most definitions
            // hold none, and a large one is walked without keeping paths.
            let path = path_to(root, node);
            // A CloudFormation template carried as data (the `TemplateBody` of a
            // createStack request, `Resources` and `Outputs` in a Pass state's Result):
            // its intrinsics are CloudFormation's to resolve when it is deployed.
            let keys: Vec<&str> = path
                .iter()
                .filter_map(|s| match s {
                    Step::Key(k) => Some(*k),
                    _ => None,
                })
                .collect();
            let carried = keys.contains(&"TemplateBody")
                || keys.windows(3).any(|w| {
                    (w[0] == "Resources" && w[2] == "Properties")
                        || (w[0] == "Outputs" && w[2] == "Value")
                });
            if carried {
                continue;
            }
            let (state, field) = locate(&path);
            out.push(Intrinsic {
                placeholder: placeholder_for(&name, argument),
                name,
                range,
                whole: node.range,
                state,
                field,
            });
            continue;
        }
        if depth >= crate::syntax::MAX_DEPTH {
            continue;
        }
        match &node.value {
            Value::Object(ms) => stack.extend(ms.iter().rev().map(|m| (&m.value, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().rev().map(|i| (i, depth + 1))),
            Value::Tagged(t) => stack.push((&t.node, depth + 1)),
            _ => {}
        }
    }
    out
}

/// The steps from `root` down to `target`, a node under it, found by their ranges.
fn path_to<'a>(root: &'a Node<'_>, target: &Node<'_>) -> Vec<Step<'a>> {
    let holds =
        |n: &Node<'_>| n.range.start <= target.range.start && target.range.end <= n.range.end;
    let mut path = Vec::new();
    let mut node = root;
    while !std::ptr::eq(node, target) {
        let next = match &node.value {
            Value::Object(ms) => ms
                .iter()
                .find(|m| holds(&m.value))
                .map(|m| (Step::Key(&m.key), &m.value)),
            Value::Array(items) => items.iter().find(|i| holds(i)).map(|i| (Step::Index, i)),
            Value::Tagged(t) => Some((Step::Tag, &t.node)),
            _ => None,
        };
        let Some((step, child)) = next else { break };
        path.push(step);
        node = child;
    }
    path
}

/// The innermost state a path from the definition's root passes through (`States`,
/// then a name; again under a Map's `ItemProcessor`/`Iterator` or a Parallel's
/// `Branches`), and its field on the way; outside any state, the top-level field.
fn locate(path: &[Step<'_>]) -> (Option<String>, Option<String>) {
    let key = |i: usize| match path.get(i) {
        Some(Step::Key(k)) => Some(*k),
        _ => None,
    };
    let (mut state, mut field) = (None, key(0).map(str::to_string));
    let mut i = 0;
    while key(i) == Some("States")
        && let Some(name) = key(i + 1)
    {
        state = Some(name.to_string());
        field = key(i + 2).map(str::to_string);
        i = match key(i + 2) {
            Some("ItemProcessor" | "Iterator") => i + 3,
            Some("Branches") if matches!(path.get(i + 3), Some(Step::Index)) => i + 4,
            _ => break,
        };
    }
    (state, field)
}

/// A `${Name}` to write in place of an intrinsic: the name a `Ref` names, the
/// resource and attribute a `GetAtt` names (`Work.Arn`: `WorkArn`), else `Value`.
fn placeholder_for(function: &str, argument: &Node<'_>) -> String {
    let function = function.trim_start_matches('!').trim_start_matches("Fn::");
    let parts: Vec<&str> = match (function, &argument.value) {
        ("Ref" | "GetAtt", Value::String(s)) => s.split('.').collect(),
        ("GetAtt", Value::Array(items)) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    };
    let name: String = parts
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if name.is_empty() {
        "Value".to_string()
    } else {
        name
    }
}

/// The transform of SAM, the only one whose added names are known (they start with
/// the logical id of the resource they are made for).
const SAM: &str = "AWS::Serverless-2016-10-31";

/// What a template defines for its references to name.
pub struct Names<'t> {
    defined: HashSet<&'t str>,
    /// SAM adds resources named after the ones written (`OrdersFunctionRole`,
    /// `OrdersApiStage`), and `ServerlessRestApi` / `ServerlessHttpApi`.
    sam: bool,
    /// Did-you-mean searches left: each compares a name with every defined one, so a
    /// template of 40,000 state machines each naming a missing resource took 28 s.
    suggestions_left: std::cell::Cell<usize>,
}

/// How many undefined names of one template get a did-you-mean search.
const SUGGESTIONS: usize = 100;

/// A reference to a name the template does not define.
pub struct Undefined {
    /// The name as written (without `.Attribute`).
    pub name: String,
    pub range: TextRange,
    /// The defined name it is closest to.
    pub suggestion: Option<String>,
}

impl<'t> Names<'t> {
    /// The names of a CloudFormation or SAM template, or `None` when they cannot all be
    /// known: a Serverless Framework file (which generates resources), a template with
    /// another transform or macro, or with `Fn::ForEach`.
    pub fn of(root: &'t Node<'_>) -> Option<Names<'t>> {
        if super::template::is_serverless(root) || root.member("resources").is_some() {
            return None;
        }
        let resources = root.get("Resources")?.as_object()?;
        let sam = match root.get("Transform").map(|t| &t.value) {
            None => false,
            Some(Value::String(s)) if **s == *SAM => true,
            Some(Value::Array(items)) if items.iter().all(|i| i.as_str() == Some(SAM)) => true,
            Some(_) => return None,
        };
        if resources.iter().any(|m| m.key.starts_with("Fn::")) {
            return None;
        }
        let mut defined: HashSet<&'t str> = PSEUDO.iter().copied().collect();
        defined.extend(resources.iter().map(|m| &*m.key));
        if let Some(params) = root.get("Parameters") {
            defined.extend(params.as_object()?.iter().map(|m| &*m.key));
        }
        Some(Names {
            defined,
            sam,
            suggestions_left: std::cell::Cell::new(SUGGESTIONS),
        })
    }

    fn defines(&self, name: &str) -> bool {
        // Under SAM, a name that begins with a defined one (each of its beginnings
        // looked up, not each defined name compared).
        self.defined.contains(name)
            || self.sam
                && (name.starts_with("Serverless")
                    || name
                        .char_indices()
                        .skip(1)
                        .any(|(i, _)| self.defined.contains(&name[..i])))
    }

    /// The defined name one or two edits away: a typo, not another resource
    /// (`EnrolmentRole` is not offered `Enrolment`).
    fn suggest(&self, name: &str) -> Option<String> {
        let left = self.suggestions_left.get();
        if left == 0 {
            return None;
        }
        self.suggestions_left.set(left - 1);
        let max = (name.len() / 4).clamp(1, 2);
        crate::rules::closest_within(name, self.defined.iter().copied(), max).map(str::to_string)
    }

    /// The references under `node` (a definition, or `DefinitionSubstitutions`) to
    /// names the template does not define, in document order.
    pub fn undefined(&self, source: &str, node: &Node<'_>) -> Vec<Undefined> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match intrinsic(n) {
                Some((f, arg)) if f == "Sub" => {
                    let (template, vars) = match arg.as_array() {
                        Some([t, v]) => (t, v.as_object().unwrap_or(&[])),
                        _ => (arg, &[][..]),
                    };
                    if let Some(vars_node) = arg.as_array().and_then(|a| a.get(1)) {
                        stack.push(vars_node);
                    }
                    // A set: each `${Name}` looked through the whole variable map made
                    // an `Fn::Sub` of 80,000 variables take 18 s.
                    let keys: HashSet<&str> = vars.iter().map(|m| &*m.key).collect();
                    let local = |name: &str| keys.contains(name);
                    self.in_sub(source, template, &local, &mut out);
                    if template.as_str().is_none() {
                        stack.push(template);
                    }
                    continue;
                }
                Some((f, arg)) if f == "Ref" => {
                    if let Some(name) = arg.as_str()
                        && !self.defines(name)
                    {
                        self.push(source, arg, 0..name.len(), name, &mut out);
                    }
                    continue;
                }
                Some((f, arg)) if f == "GetAtt" => {
                    let target = match arg.as_array() {
                        Some([first, ..]) => first,
                        _ => arg,
                    };
                    if let Some(text) = target.as_str() {
                        let name = text.split('.').next().unwrap_or(text);
                        if !self.defines(name) {
                            self.push(source, target, 0..name.len(), name, &mut out);
                        }
                    }
                    continue;
                }
                _ => {}
            }
            match &n.value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
                Value::Tagged(t) => stack.push(&t.node),
                _ => {}
            }
        }
        out
    }

    /// The `${Name}` tokens of an `Fn::Sub` template string (`${!Name}` is literal text,
    /// `${Name.Attribute}` names a resource).
    fn in_sub(
        &self,
        source: &str,
        template: &Node<'_>,
        local: &dyn Fn(&str) -> bool,
        out: &mut Vec<Undefined>,
    ) {
        let Some(text) = template.as_str() else {
            return;
        };
        for (range, inner) in placeholder_tokens(text) {
            // `${!Name}` is literal text; a token with other characters (spaces, a
            // Serverless `${self:...}`) is not a name this check can judge.
            let plain = inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '.' || c == '_');
            if inner.starts_with('!') || inner.is_empty() || !plain {
                continue;
            }
            if local(inner) {
                continue;
            }
            let name = inner.split('.').next().unwrap_or(inner);
            if !self.defines(name) {
                let start = range.start + 2;
                self.push(source, template, start..start + name.len(), name, out);
            }
        }
    }

    fn push(
        &self,
        source: &str,
        node: &Node<'_>,
        within: std::ops::Range<usize>,
        name: &str,
        out: &mut Vec<Undefined>,
    ) {
        let range = ScalarMap::new(source, node).map_or(node.range, |s| s.outer(within));
        out.push(Undefined {
            name: name.to_string(),
            range,
            suggestion: self.suggest(name),
        });
    }
}
