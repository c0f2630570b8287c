//! State machines in Terraform configuration (`.tf` files): the `definition` of each
//! `aws_sfn_state_machine` resource.
//!
//! Only as much HCL is read as finding a definition needs: top-level `resource` and
//! `data` blocks, their attributes, strings, heredocs and the argument lists of
//! `templatefile(...)` and `file(...)`. A definition is one of:
//! - a heredoc (`definition = <<EOF ... EOF`, or `<<-EOF`): JSON in the file itself;
//!   its `${...}` interpolations are values Terraform computes; one whose JSON is
//!   written by `%{ if }`/`%{ for }` directives is not JSON until Terraform renders it
//!   (so too a quoted string);
//! - `jsonencode({ StartAt = "A", States = { ... } })`: an HCL object, read as the
//!   JSON it encodes; a value Terraform computes (a reference, a call, a conditional,
//!   a `for` expression, an object with a computed key) is an unknown value, as a
//!   `${...}` placeholder is;
//! - `templatefile("${path.module}/sm.asl.json", { name = value, ... })` or
//!   `file("...")`, directly or through a `data "template_file"` block's `rendered`:
//!   a local file, with the template variables given (an object, a `local.NAME` of
//!   the file or a `merge` of them; other maps are computed, with names unknown);
//! - `local.NAME`: what the `locals` block gives it, read as above;
//! - anything else (`var.definition`, a string built by Terraform): computed, not read.
//!
//! A `module` block with a `definition` counts too: always when its `source` is the
//! Step Functions module (terraform-aws-modules/step-functions), as a resource's does;
//! for another module, when the definition is a state machine (a heredoc or
//! `jsonencode` with `StartAt` or `States`, or a file).
//!
//! The scanner never fails: text that is not HCL yields fewer (or no) definitions.

use std::ops::Range;

use std::borrow::Cow;

use super::template::Substitutions;
use crate::rules::WorkflowType;
use crate::syntax::{Member, Node, SourceKind, TextRange, Value};

/// The resource type of a Step Functions state machine in the AWS provider.
const STATE_MACHINE: &str = "aws_sfn_state_machine";

/// One `aws_sfn_state_machine` resource.
#[derive(Debug, PartialEq)]
pub struct Machine<'t> {
    /// `aws_sfn_state_machine.<label>`.
    pub name: String,
    /// The state machine's name in AWS: the `name` attribute when it is a literal
    /// string, else the block's label.
    pub aws_name: String,
    /// `type = "EXPRESS"` makes it Express; Standard otherwise, as in the provider.
    pub workflow: WorkflowType,
    pub definition: Source<'t>,
    /// The whole block, from its keyword to its closing brace.
    pub block: TextRange,
    /// The label that names it (the block's last label; its keyword without one).
    pub label: TextRange,
}

#[derive(Debug, PartialEq)]
pub enum Source<'t> {
    /// The JSON of a heredoc, at `body` in the file.
    Heredoc { body: TextRange },
    /// The object given to `jsonencode`, read as the JSON value it encodes. Strings
    /// keep their `${...}` interpolations; other expressions are
    /// [`Value::Placeholder`]s over their text.
    Encoded { root: Node<'t> },
    /// A local file read by `templatefile` or `file`; `path` as written, with a leading
    /// `${path.module}/` or `${path.root}/` taken off (both are the file's folder for a
    /// root module), at `range` (the string).
    File {
        path: String,
        range: TextRange,
        /// The `templatefile` variables: literal values, or `None` for expressions.
        vars: Substitutions,
        /// Whether `vars` are all the variables there are: false when the map is one
        /// Terraform computes (`var.vars`, `merge(var.a, {...})`), whose names asl-lint
        /// does not know.
        vars_known: bool,
        /// Whether Terraform renders the file as a template (`templatefile`, a
        /// `template_file` data source); `file(...)` alone gives its text as written.
        rendered: bool,
    },
    /// A quoted string holding the JSON (`definition = "{\"StartAt\": ...}"`): a string
    /// node over the quoted text, its `${...}` interpolations kept as written.
    Quoted { node: Node<'t> },
    /// A heredoc or quoted string whose JSON is written by template directives
    /// (`%{ for }`, `%{ if }`): it is only JSON once Terraform renders it. `at` is the
    /// first directive.
    Directives { at: TextRange },
    /// An expression asl-lint does not evaluate, at `range`, described by `what`.
    Computed { range: TextRange, what: String },
}

/// Whether a template's text holds a `%{ ... }` directive (`%{ if }`, `%{ for }`; `%%{`
/// is a literal `%{`).
pub fn has_directive(text: &str) -> bool {
    first_directive(text).is_some()
}

/// The range of the first template directive (`%{ ... }`, up to its closing brace or
/// the end of its line), when the text has one.
pub fn first_directive(text: &str) -> Option<TextRange> {
    let b = text.as_bytes();
    let start = memchr::memmem::find_iter(b, b"%{").find(|&i| i == 0 || b[i - 1] != b'%')?;
    let end = b[start..]
        .iter()
        .position(|&c| c == b'}' || c == b'\n')
        .map_or(b.len(), |p| start + p + usize::from(b[start + p] == b'}'));
    Some(TextRange::new(start as u32, end as u32))
}

/// `range` moved `by` bytes on.
fn moved(range: TextRange, by: u32) -> TextRange {
    TextRange::new(range.start + by, range.end + by)
}

/// Whether JSON text reads without a syntax error.
fn parses(json: &str) -> bool {
    crate::syntax::parse(json, SourceKind::Json)
        .errors
        .is_empty()
}

/// The names that the `%{ for ... in ... }` directives of a template bind: `x` of
/// `%{ for x in xs }`, `k` and `v` of `%{ for k, v in m }`.
pub fn for_bound_names(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut names = Vec::new();
    for start in memchr::memmem::find_iter(b, b"%{") {
        if start > 0 && b[start - 1] == b'%' {
            continue;
        }
        let body = text[start + 2..].trim_start_matches('~').trim_start();
        let Some(rest) = body.strip_prefix("for ") else {
            continue;
        };
        let Some((bound, _)) = rest.split_once(" in ") else {
            continue;
        };
        for name in bound.split(',') {
            let name = name.trim();
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The first directive of a template that does not parse as written (`parses` false):
/// its JSON or YAML is written by `%{ for }`/`%{ if }` and only exists once Terraform
/// renders it. None for a template that parses, or has no directive.
pub fn unrendered_directive(text: &str, parses: bool) -> Option<TextRange> {
    if parses { None } else { first_directive(text) }
}

/// Whether a path names a Terraform configuration file: `.tf`, OpenTofu's `.tofu` (both
/// HCL), or the JSON syntax `.tf.json` (what CDKTF writes).
pub fn is_terraform_path(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    path.ends_with(".tf") || path.ends_with(".tofu") || path.ends_with(".tf.json")
}

/// Whether a Terraform file's text is in the JSON syntax (`*.tf.json`): it starts with
/// `{`, which HCL never does.
pub fn is_json_syntax(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// The state machines of a Terraform file, in order.
pub fn find(text: &str) -> Vec<Machine<'_>> {
    if is_json_syntax(text) {
        return find_json(text);
    }
    let tokens = lex(text);
    let blocks = blocks(text, &tokens);
    let mut out = Vec::new();
    for b in &blocks {
        let label = b.labels.last().map_or("", |l| l.0.as_str()).to_string();
        let (module, name) = match (b.keyword.as_str(), b.labels.first()) {
            ("resource", Some(l)) if l.0 == STATE_MACHINE => (
                false,
                format!(
                    "{STATE_MACHINE}.{}",
                    b.labels.get(1).map_or("", |l| l.0.as_str())
                ),
            ),
            // A module that makes a state machine (terraform-aws-modules/step-functions
            // and the like) takes its `definition` and `type` too.
            ("module", Some(l)) => (true, format!("module.{}", l.0)),
            _ => continue,
        };
        let attrs = attributes(text, &tokens[b.body.clone()]);
        let workflow = match attrs.iter().find(|a| a.0 == "type").map(|a| a.1) {
            Some([t])
                if string_value(text, t)
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case("express")) =>
            {
                WorkflowType::Express
            }
            _ => WorkflowType::Standard,
        };
        let definition = match attrs.iter().find(|a| a.0 == "definition") {
            Some((_, expr)) => source(text, expr, &blocks, &tokens, 0),
            // The provider requires one; Terraform itself reports its absence.
            None => continue,
        };
        // The Step Functions module's `definition` is a state machine, whatever its
        // keys (a misspelled `StartAt` is the linter's to report); another module's may
        // be anything: only one that reads as a state machine counts.
        let step_functions = attrs
            .iter()
            .find(|a| a.0 == "source")
            .and_then(|a| match a.1 {
                [t] => string_value(text, t),
                _ => None,
            })
            .is_some_and(|s| is_step_functions_module(&s));
        if module && !step_functions && !is_state_machine(text, &definition) {
            continue;
        }
        let aws_name = match attrs.iter().find(|a| a.0 == "name").map(|a| a.1) {
            Some([t]) => string_value(text, t).unwrap_or(label),
            _ => label,
        };
        out.push(Machine {
            name,
            aws_name,
            workflow,
            definition,
            block: b.range,
            label: b.labels.last().map_or(b.keyword_range, |l| l.1),
        });
    }
    out
}

/// The values of the file's input variables (`variable "NAME" { default = ... }`) as a
/// plan without `-var` takes them, with `given` (`NAME=VALUE`) in place of the
/// defaults: a value given for a `number` or `bool` variable (by its `type`, else by its
/// default) is read as one. A variable without a default, or whose default is not a
/// literal, has none.
pub fn variable_values(text: &str, given: &[(String, String)]) -> Vec<(String, serde_json::Value)> {
    use serde_json::Value as J;
    let tokens = lex(text);
    let mut out: Vec<(String, J)> = Vec::new();
    let mut types: Vec<(String, String)> = Vec::new();
    // The JSON syntax: {"variable": {"NAME": {"type": "number", "default": 10}}}.
    if is_json_syntax(text) {
        let json = crate::syntax::parse(text, SourceKind::Json)
            .root
            .map(|r| r.to_json());
        let declared = json
            .as_ref()
            .and_then(|j| j.get("variable"))
            .and_then(J::as_object);
        for (name, v) in declared.into_iter().flatten() {
            if let Some(t) = v.get("type").and_then(J::as_str) {
                types.push((name.clone(), t.to_string()));
            }
            if let Some(d @ (J::String(_) | J::Number(_) | J::Bool(_))) = v.get("default") {
                out.push((name.clone(), d.clone()));
            }
        }
    }
    for b in blocks(text, &tokens) {
        let (true, Some(label)) = (b.keyword == "variable", b.labels.first()) else {
            continue;
        };
        let attrs = attributes(text, &tokens[b.body.clone()]);
        if let Some((_, [t])) = attrs.iter().find(|a| a.0 == "type") {
            types.push((label.0.clone(), t.text(text).to_string()));
        }
        let default = match attrs.iter().find(|a| a.0 == "default").map(|a| a.1) {
            Some([t]) if t.kind == Kind::STR => string_value(text, t).map(J::String),
            Some([t]) if t.kind == Kind::Number => serde_json::from_str(t.text(text)).ok(),
            Some([minus, t]) if *minus == Kind::Punct(b'-') && t.kind == Kind::Number => {
                serde_json::from_str(&format!("-{}", t.text(text))).ok()
            }
            Some([t]) if t.kind == Kind::Ident && matches!(t.text(text), "true" | "false") => {
                Some(J::Bool(t.text(text) == "true"))
            }
            _ => None,
        };
        if let Some(v) = default {
            out.push((label.0.clone(), v));
        }
    }
    for (name, value) in given {
        let typed = match types
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
        {
            Some("number" | "bool") => true,
            Some(_) => false,
            None => out
                .iter()
                .any(|(n, v)| n == name && (v.is_number() || v.is_boolean())),
        };
        let value = match serde_json::from_str::<J>(value.trim()) {
            Ok(v @ (J::Number(_) | J::Bool(_))) if typed => v,
            _ => J::String(value.clone()),
        };
        out.retain(|(n, _)| n != name);
        out.push((name.clone(), value));
    }
    out
}

/// The `NAME = var.VARIABLE` members of the `templatefile` map that follows the path
/// string at `path` (`templatefile("sm.json", { wait = var.wait })`): which template
/// variables take an input variable's value, as (NAME, VARIABLE).
pub fn variable_arguments(text: &str, path: TextRange) -> Vec<(String, String)> {
    let rest = text.get(path.end as usize..).unwrap_or("");
    // Up to the `)` that closes the call.
    let mut depth = 0i32;
    let end = rest
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' | '{' | '[' => depth += 1,
                ')' | '}' | ']' => depth -= 1,
                _ => {}
            }
            depth < 0
        })
        .map_or(rest.len(), |(i, _)| i);
    let tokens = lex(&rest[..end]);
    let part = &rest[..end];
    tokens
        .windows(5)
        .filter_map(|w| match w {
            [name, eq, var, dot, variable]
                if (name.kind == Kind::Ident || name.kind == Kind::STR)
                    && *eq == Kind::Punct(b'=')
                    && var.kind == Kind::Ident
                    && var.text(part) == "var"
                    && *dot == Kind::Punct(b'.')
                    && variable.kind == Kind::Ident =>
            {
                let key = match name.kind {
                    Kind::Ident => name.text(part).to_string(),
                    _ => string_value(part, name)?,
                };
                // Not `var.x.y` or `var.x[0]`, whose value is a part of the variable.
                let after = part.get(variable.end..).unwrap_or("");
                (!after.starts_with(['.', '['])).then(|| (key, variable.text(part).to_string()))
            }
            _ => None,
        })
        .collect()
}

/// `text` with each `${var.NAME}` interpolation of a known variable replaced by the
/// variable's value, as Terraform renders it (a string as it is, a number or boolean
/// as written).
pub fn interpolate_variables(text: &str, values: &[(String, serde_json::Value)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        let shown = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for token in [format!("${{var.{name}}}"), format!("${{ var.{name} }}")] {
            out = out.replace(&token, &shown);
        }
    }
    out
}

/// Fills the variables of a `jsonencode` value (as JSON): a string that is one
/// `${var.NAME}` (a reference, or an interpolation alone) takes the value with its
/// type, as `jsonencode` encodes it; one with more text has it interpolated.
pub fn fill_variables(value: &mut serde_json::Value, values: &[(String, serde_json::Value)]) {
    use serde_json::Value as J;
    match value {
        J::String(s) => {
            let whole = s
                .strip_prefix("${")
                .and_then(|r| r.strip_suffix('}'))
                .and_then(|r| r.trim().strip_prefix("var."))
                .and_then(|n| values.iter().find(|(v, _)| v == n));
            if let Some((_, v)) = whole {
                *value = v.clone();
            } else if s.contains("${") {
                *s = interpolate_variables(s, values);
            }
        }
        J::Array(items) => items.iter_mut().for_each(|v| fill_variables(v, values)),
        J::Object(map) => map.values_mut().for_each(|v| fill_variables(v, values)),
        _ => {}
    }
}

/// The state machines of a file in Terraform's JSON syntax (`*.tf.json`):
/// `{"resource": {"aws_sfn_state_machine": {"NAME": {"definition": "..."}}}}` (each level
/// may also be a list of such objects). A `definition` is a string, an HCL template
/// read as a quoted string is; one that is a single `${...}` is Terraform's to compute.
fn find_json(text: &str) -> Vec<Machine<'_>> {
    let document = crate::syntax::parse(text, SourceKind::Json);
    let Some(root) = document.root else {
        return Vec::new();
    };
    // An object, or each object of a list of them.
    fn objects<'a, 't>(node: &'a Node<'t>) -> Vec<&'a Member<'t>> {
        match &node.value {
            Value::Object(members) => members.iter().collect(),
            Value::Array(items) => items.iter().flat_map(objects).collect(),
            _ => Vec::new(),
        }
    }
    let mut out = Vec::new();
    let resources: Vec<&Member<'_>> = objects(&root)
        .into_iter()
        .filter(|m| m.key == "resource")
        .flat_map(|m| objects(&m.value))
        .filter(|m| m.key == STATE_MACHINE)
        .flat_map(|m| objects(&m.value))
        .collect();
    for resource in resources {
        let attributes = objects(&resource.value);
        let attribute = |name: &str| attributes.iter().find(|a| a.key == name).map(|a| &a.value);
        let Some(definition) = attribute("definition") else {
            continue;
        };
        let definition = match definition.as_str() {
            Some(s) if super::template::is_whole_placeholder(s.trim()) => Source::Computed {
                range: definition.range,
                what: format!("`{}`", s.trim()),
            },
            Some(_) => Source::Quoted {
                node: definition.clone(),
            },
            None => Source::Computed {
                range: definition.range,
                what: format!("a JSON {}", definition.kind_name()),
            },
        };
        let workflow = match attribute("type").and_then(Node::as_str) {
            Some(t) if t.trim().eq_ignore_ascii_case("express") => WorkflowType::Express,
            _ => WorkflowType::Standard,
        };
        let aws_name = attribute("name")
            .and_then(Node::as_str)
            .filter(|n| !n.contains("${"))
            .map_or_else(|| resource.key.to_string(), str::to_string);
        out.push(Machine {
            name: format!("{STATE_MACHINE}.{}", resource.key),
            aws_name,
            workflow,
            definition,
            block: resource.range(),
            label: resource.key_range,
        });
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A quoted string; `interpolated` when it holds `${` or `%{`.
    Str {
        interpolated: bool,
    },
    /// A heredoc; `body` is the text between its first line and its closing marker.
    Heredoc {
        body: (usize, usize),
    },
    Number,
    Punct(u8),
    Newline,
    /// A `/*` comment without its `*/`: it runs to the end of the text.
    OpenComment,
}

impl Kind {
    const STR: Kind = Kind::Str {
        interpolated: false,
    };
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl PartialEq<Kind> for Token {
    fn eq(&self, other: &Kind) -> bool {
        self.kind == *other
    }
}

impl Token {
    fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    fn range(&self) -> TextRange {
        TextRange::from_usize(self.start, self.end)
    }
}

fn lex(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'\n' => {
                i += 1;
                Kind::Newline
            }
            b'#' => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match find_from(text, i + 2, "*/") {
                Some(e) => {
                    i = e + 2;
                    continue;
                }
                None => {
                    i = b.len();
                    Kind::OpenComment
                }
            },
            b'"' => {
                let (end, interpolated) = quoted_end(b, i);
                i = end;
                Kind::Str { interpolated }
            }
            b'<' if b.get(i + 1) == Some(&b'<') => match heredoc(text, i) {
                Some((body, end)) => {
                    i = end;
                    Kind::Heredoc { body }
                }
                None => {
                    i += 2;
                    Kind::Punct(b'<')
                }
            },
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                {
                    i += 1;
                }
                Kind::Ident
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                Kind::Number
            }
            c if c.is_ascii() => {
                i += 1;
                Kind::Punct(c)
            }
            _ => {
                // A character outside ASCII: skip it whole.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    out
}

fn line_end(b: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |p| from + p)
}

fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|p| from + p)
}

/// The end of a quoted string starting at `start` (after its closing quote), and
/// whether it has template sequences. Strings inside `${ ... }` are followed; a string
/// ends at a line break when its quote is missing.
fn quoted_end(b: &[u8], start: usize) -> (usize, bool) {
    // Each level is a string (true) or an interpolation's expression (false) with its
    // open braces.
    let mut stack: Vec<(bool, u32)> = vec![(true, 0)];
    let mut interpolated = false;
    let mut i = start + 1;
    while i < b.len() {
        let Some(&(in_string, braces)) = stack.last() else {
            break;
        };
        let c = b[i];
        if c == b'\n' {
            return (i, interpolated);
        }
        if in_string {
            match c {
                b'\\' => i += 2,
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    interpolated = true;
                    stack.push((false, 0));
                    i += 2;
                }
                b'"' => {
                    stack.pop();
                    i += 1;
                    if stack.is_empty() {
                        return (i, interpolated);
                    }
                }
                _ => i += 1,
            }
        } else {
            match c {
                b'"' => {
                    stack.push((true, 0));
                    i += 1;
                }
                b'{' => {
                    if let Some(top) = stack.last_mut() {
                        top.1 = braces + 1;
                    }
                    i += 1;
                }
                b'}' if braces == 0 => {
                    stack.pop();
                    i += 1;
                }
                b'}' => {
                    if let Some(top) = stack.last_mut() {
                        top.1 = braces - 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    (b.len(), interpolated)
}

/// A heredoc at `start` (`<<MARKER` or `<<-MARKER`): the range of its body and the
/// end of its closing line. The closing marker may be indented.
fn heredoc(text: &str, start: usize) -> Option<((usize, usize), usize)> {
    let b = text.as_bytes();
    let mut i = start + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let m0 = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    let marker = &text[m0..i];
    if marker.is_empty()
        || !marker.as_bytes()[0].is_ascii_alphabetic() && marker.as_bytes()[0] != b'_'
    {
        return None;
    }
    let body_start = line_end(b, i) + 1;
    let mut line = body_start;
    while line < b.len() {
        let end = line_end(b, line);
        if text[line..end].trim() == marker {
            return Some(((body_start, line), end));
        }
        line = end + 1;
    }
    let end = b.len();
    Some(((body_start.min(end), end), end))
}

/// The JSON of a heredoc definition read in place: `text` with every byte outside
/// `body` blanked (line breaks kept, so lines and offsets stay the file's). Inside a
/// `${...}` interpolation (or a `%{...}` directive) Terraform reads an HCL expression,
/// which may hold quoted strings (`${aws_lambda_function.f["main"].arn}`,
/// `${lookup(var.m, "k", "x")}`, `%{ if var.env == "prod" }`); their quotes are read as
/// `'` so that the JSON string around them stays one string.
pub fn masked_heredoc(text: &str, body: TextRange) -> String {
    let span = body.as_usize();
    let mut bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if span.contains(&i) || b == b'\n' {
                b
            } else {
                b' '
            }
        })
        .collect();
    let mut i = span.start;
    while i + 1 < span.end.min(bytes.len()) {
        // `${` and `%{` (a directive) open an expression; `$${` and `%%{` are text.
        let opens = matches!(bytes[i], b'$' | b'%') && bytes[i + 1] == b'{';
        let escaped = i > 0 && bytes[i - 1] == bytes[i];
        if opens && !escaped {
            i = neutralize_interpolation(&mut bytes, i + 2, span.end);
        } else {
            i += 1;
        }
    }
    // The body starts and ends at line starts, so it holds whole characters; the rest
    // is ASCII now, and only ASCII quotes were replaced.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Replaces the double quotes of HCL strings inside an interpolation whose expression
/// starts at `from`; returns the offset after its closing `}` (or where it gave up: a
/// line break or `end`).
fn neutralize_interpolation(bytes: &mut [u8], from: usize, end: usize) -> usize {
    let mut depth = 1;
    let mut in_string = false;
    let mut i = from;
    while i < end.min(bytes.len()) {
        match bytes[i] {
            b'\n' => return i,
            b'\\' if in_string => i += 1,
            b'"' => {
                in_string = !in_string;
                bytes[i] = b'\'';
            }
            // Braces in an HCL string are text: they must not end the `${` token.
            b'{' if in_string => bytes[i] = b'(',
            b'}' if in_string => bytes[i] = b')',
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The `"` of the first quoted string that is not closed on its line (Terraform
/// refuses it), if there is one.
pub fn unclosed_string(text: &str) -> Option<TextRange> {
    lex(text)
        .into_iter()
        .find(|t| {
            matches!(t.kind, Kind::Str { .. })
                && (t.end - t.start < 2 || text.as_bytes()[t.end - 1] != b'"')
        })
        .map(|t| TextRange::from_usize(t.start, t.start + 1))
}

/// The first bracket that Terraform cannot pair (a `}`, `]` or `)` that closes nothing
/// or the wrong bracket, else the innermost `{`, `[` or `(` never closed), or a `/*`
/// comment never closed: its range and a message. Brackets in strings, heredocs and
/// comments do not count.
pub fn unbalanced(text: &str) -> Option<(TextRange, String)> {
    let mut open: Vec<(u8, TextRange)> = Vec::new();
    for t in lex(text) {
        match t.kind {
            Kind::OpenComment => {
                return Some((
                    TextRange::from_usize(t.start, t.start + 2),
                    "this comment is never closed: Terraform expects `*/` after it".to_string(),
                ));
            }
            // A heredoc never closed runs to the end (reported on its own): what it
            // leaves open is its doing.
            Kind::Heredoc { body } if body.1 >= text.len() => return None,
            Kind::Punct(c @ (b'{' | b'[' | b'(')) => open.push((c, t.range())),
            Kind::Punct(c @ (b'}' | b']' | b')')) => {
                let opener = match c {
                    b'}' => b'{',
                    b']' => b'[',
                    _ => b'(',
                };
                match open.pop() {
                    Some((o, _)) if o == opener => {}
                    Some((o, _)) => {
                        return Some((
                            t.range(),
                            format!(
                                "this `{}` does not close the `{}` before it: Terraform expects `{}`",
                                c as char,
                                o as char,
                                closer(o) as char
                            ),
                        ));
                    }
                    None => {
                        return Some((
                            t.range(),
                            format!("this `{}` closes nothing: Terraform refuses it", c as char),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    open.pop().map(|(o, range)| {
        (
            range,
            format!(
                "this `{}` is never closed: Terraform expects a `{}` for it",
                o as char,
                closer(o) as char
            ),
        )
    })
}

/// The bracket that closes `open`.
fn closer(open: u8) -> u8 {
    match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    }
}

/// When the heredoc whose body is `body` has no closing line (its body runs to the end
/// of the text, which Terraform refuses): the range of its opening `<<MARKER` and a
/// message naming the marker.
pub fn unclosed_heredoc(text: &str, body: TextRange) -> Option<(TextRange, String)> {
    if (body.end as usize) < text.len() {
        return None;
    }
    let opening_line_end = (body.start as usize).saturating_sub(1).min(text.len());
    let line_start = text[..opening_line_end].rfind('\n').map_or(0, |i| i + 1);
    let at = line_start + text[line_start..opening_line_end].rfind("<<")?;
    let b = text.as_bytes();
    let mut end = at + 2;
    if b.get(end) == Some(&b'-') {
        end += 1;
    }
    let marker_start = end;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    let marker = &text[marker_start..end];
    Some((
        TextRange::from_usize(at, end),
        format!(
            "this heredoc is never closed: Terraform expects a line holding just `{marker}` after it"
        ),
    ))
}

/// The decoded text of a string without interpolations (`None` for other tokens).
fn string_value(text: &str, t: &Token) -> Option<String> {
    if t.kind != Kind::STR {
        return None;
    }
    let raw = t.text(text);
    let inner = raw.strip_prefix('"')?;
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)?,
                );
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Some(unescape_template(&out))
}

/// The text a Terraform template (a heredoc, a quoted string) stands for: `$${` and
/// `%%{` are the escapes for a literal `${` and `%{`.
pub(crate) fn unescape_template(text: &str) -> String {
    text.replace("$${", "${").replace("%%{", "%{")
}

/// Writes `text` so that a Terraform template reads it back as it is: `${` would start
/// an interpolation and `%{` a directive ([`unescape_template`] undoes it).
pub(crate) fn escape_template(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// A top-level block: `keyword "label" "label" { body }`.
struct Block {
    keyword: String,
    keyword_range: TextRange,
    labels: Vec<(String, TextRange)>,
    /// The tokens between the braces.
    body: Range<usize>,
    /// From the keyword to the closing brace (or the end of the text).
    range: TextRange,
}

fn blocks(text: &str, tokens: &[Token]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        if t.kind != Kind::Ident {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut labels = Vec::new();
        while let Some(l) = tokens.get(j) {
            match l.kind {
                Kind::Str { .. } => {
                    labels.push((string_value(text, l).unwrap_or_default(), l.range()))
                }
                Kind::Ident => labels.push((l.text(text).to_string(), l.range())),
                _ => break,
            }
            j += 1;
        }
        if tokens.get(j).is_some_and(|o| *o == Kind::Punct(b'{')) {
            let close = matching(tokens, j);
            let end = tokens.get(close).map_or(text.len(), |c| c.end);
            out.push(Block {
                keyword: t.text(text).to_string(),
                keyword_range: t.range(),
                labels,
                body: j + 1..close,
                range: TextRange::from_usize(t.start, end),
            });
            i = close + 1;
        } else {
            // An attribute or anything else at the top level: skip to the line's end.
            i = skip_expression(tokens, j);
        }
    }
    out
}

/// The index of the bracket closing the one at `open` (or the end of the tokens).
fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Punct(b'{' | b'[' | b'(') => depth += 1,
            Kind::Punct(b'}' | b']' | b')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The index after an expression starting at `from`: the next line break (or `,`, or
/// a closing bracket of an enclosing level) outside brackets.
fn skip_expression(tokens: &[Token], from: usize) -> usize {
    let mut depth = 0usize;
    let mut k = from;
    while let Some(t) = tokens.get(k) {
        match t.kind {
            Kind::Punct(b'{' | b'[' | b'(') => depth += 1,
            Kind::Punct(b'}' | b']' | b')') if depth == 0 => return k,
            Kind::Punct(b'}' | b']' | b')') => depth -= 1,
            Kind::Newline | Kind::Punct(b',') if depth == 0 => return k,
            _ => {}
        }
        k += 1;
    }
    k
}

/// The `name = expression` attributes of a block body (nested blocks are skipped),
/// with each expression's tokens.
fn attributes<'t, 'b>(text: &'t str, body: &'b [Token]) -> Vec<(&'t str, &'b [Token])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let t = body[i];
        match (t.kind, body.get(i + 1).map(|n| n.kind)) {
            (Kind::Ident, Some(Kind::Punct(b'='))) => {
                let end = skip_expression(body, i + 2);
                out.push((t.text(text), &body[i + 2..end]));
                i = end.max(i + 2);
            }
            (Kind::Punct(b'{'), _) => i = matching(body, i) + 1,
            _ => i += 1,
        }
    }
    out
}

/// Whether a module's `source` is the Step Functions module
/// (`terraform-aws-modules/step-functions/aws`, its Git repository
/// `terraform-aws-step-functions`, or a copy named after it).
fn is_step_functions_module(source: &str) -> bool {
    let source = source.to_ascii_lowercase();
    ["step-functions", "step_functions", "stepfunctions"]
        .iter()
        .any(|name| source.contains(name))
}

/// Whether another module's `definition` is a state machine: a heredoc, a quoted
/// string or `jsonencode` with a `StartAt` or `States`, or a file read by
/// `templatefile`/`file`.
fn is_state_machine(text: &str, source: &Source<'_>) -> bool {
    let names_a_field = |json: &str| json.contains("\"StartAt\"") || json.contains("\"States\"");
    match source {
        Source::Heredoc { body } => text.get(body.as_usize()).is_some_and(names_a_field),
        Source::Encoded { root } => {
            root.member("StartAt").is_some() || root.member("States").is_some()
        }
        Source::Quoted { node } => node.as_str().is_some_and(names_a_field),
        Source::File { .. } => true,
        Source::Directives { .. } | Source::Computed { .. } => false,
    }
}

/// The range of an expression's tokens.
fn span(expr: &[Token]) -> Option<TextRange> {
    let (first, last) = (expr.first()?, expr.last()?);
    Some(TextRange::from_usize(first.start, last.end))
}

/// How deep `data.template_file` blocks and `local` values are followed (a template's
/// `template` may itself name another data source, a local another local).
const MAX_DATA_DEPTH: usize = 4;

/// How many maps (`merge` arguments, `local` values) reading a template's variables
/// may take.
const MAX_VARS_STEPS: usize = 64;

/// What a `definition` (or a `template_file`'s `template`) expression is.
fn source<'t>(
    text: &'t str,
    expr: &[Token],
    blocks: &[Block],
    tokens: &[Token],
    depth: usize,
) -> Source<'t> {
    let range = span(expr).unwrap_or_default();
    let computed = |what: &str| Source::Computed {
        range,
        what: what.to_string(),
    };
    let kinds: Vec<Kind> = expr.iter().map(|t| t.kind).collect();
    let ident = |k: usize| {
        expr.get(k)
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| t.text(text))
    };
    match kinds.as_slice() {
        [Kind::Heredoc { body }] => {
            let body = TextRange::from_usize(body.0, body.1);
            match text.get(body.as_usize()).and_then(first_directive) {
                // Directives that leave the JSON whole (inside its strings) are text.
                Some(at) if !parses(&masked_heredoc(text, body)) => Source::Directives {
                    at: moved(at, body.start),
                },
                _ => Source::Heredoc { body },
            }
        }
        [Kind::Ident, Kind::Punct(b'('), ..]
            if matches!(ident(0), Some("templatefile" | "file")) =>
        {
            let close = matching(expr, 1);
            let args = &expr[2..close.min(expr.len())];
            let path_end = skip_expression(args, 0);
            let (path_tokens, rest) = args.split_at(path_end);
            let (vars, vars_known) = match rest {
                [comma, map @ ..] if *comma == Kind::Punct(b',') => {
                    template_variables(text, map, blocks, tokens)
                }
                _ => (Substitutions::new(), true),
            };
            match path_tokens {
                // A plain string, or one that starts with the module's folder.
                [t] if matches!(t.kind, Kind::Str { .. }) => {
                    match string_value(text, t).or_else(|| module_path(text, t)) {
                        Some(path) => Source::File {
                            path,
                            range: t.range(),
                            vars,
                            vars_known,
                            rendered: ident(0) == Some("templatefile"),
                        },
                        None => computed("a path Terraform computes"),
                    }
                }
                _ => computed("a path Terraform computes"),
            }
        }
        // local.NAME: the value a `locals` block gives it.
        [Kind::Ident, Kind::Punct(b'.'), Kind::Ident] if ident(0) == Some("local") => {
            let name = ident(2).unwrap_or("");
            let value = local_value(text, name, blocks, tokens).filter(|_| depth < MAX_DATA_DEPTH);
            match value {
                Some(expr) => source(text, expr, blocks, tokens, depth + 1),
                None => computed(&format!("`local.{name}`, which is not in this file")),
            }
        }
        // data.template_file.NAME.rendered
        [
            Kind::Ident,
            Kind::Punct(b'.'),
            Kind::Ident,
            Kind::Punct(b'.'),
            Kind::Ident,
            Kind::Punct(b'.'),
            Kind::Ident,
        ] if ident(0) == Some("data")
            && ident(2) == Some("template_file")
            && ident(6) == Some("rendered") =>
        {
            let name = ident(4).unwrap_or("");
            let block = blocks.iter().find(|b| {
                b.keyword == "data"
                    && b.labels.first().is_some_and(|l| l.0 == "template_file")
                    && b.labels.get(1).is_some_and(|l| l.0 == name)
            });
            let Some(block) = block.filter(|_| depth < MAX_DATA_DEPTH) else {
                return computed(&format!(
                    "`data.template_file.{name}`, which is not in this file"
                ));
            };
            let attrs = attributes(text, &tokens[block.body.clone()]);
            let (vars, vars_known) = attrs
                .iter()
                .find(|a| a.0 == "vars")
                .map_or((Substitutions::new(), true), |a| {
                    template_variables(text, a.1, blocks, tokens)
                });
            match attrs.iter().find(|a| a.0 == "template") {
                Some((_, template)) => match source(text, template, blocks, tokens, depth + 1) {
                    Source::File {
                        path,
                        range,
                        vars: inner,
                        vars_known: inner_known,
                        ..
                    } => Source::File {
                        path,
                        range,
                        vars: inner.into_iter().chain(vars).collect(),
                        vars_known: inner_known && vars_known,
                        rendered: true,
                    },
                    other => other,
                },
                None => computed(&format!("`data.template_file.{name}` without a `template`")),
            }
        }
        [Kind::Ident, Kind::Punct(b'('), ..] if ident(0) == Some("jsonencode") => {
            let close = matching(expr, 1).min(expr.len());
            let mut at = 2;
            let root = hcl_value(text, &expr[..close], &mut at, 0);
            match root.value {
                Value::Object(_) => Source::Encoded { root },
                // A literal list, string, number or boolean: no state machine, said as
                // it would be of the same value in a JSON file (ASL100).
                Value::Array(_)
                | Value::String(_)
                | Value::Number(_)
                | Value::Bool(_)
                | Value::Null
                    if !root.is_unknown() =>
                {
                    Source::Encoded { root }
                }
                _ => computed("`jsonencode(...)` of a value Terraform computes"),
            }
        }
        [Kind::Ident, Kind::Punct(b'('), ..] => {
            computed(&format!("`{}(...)`", ident(0).unwrap_or("")))
        }
        [Kind::Ident, ..] => computed(&format!(
            "`{}`",
            text.get(range.as_usize()).unwrap_or("").trim()
        )),
        // The quotes of HCL strings inside an interpolation (`${aws_lambda_function.f["x"].arn}`)
        // are not the JSON's: masked as in a heredoc, so that they do not end its string.
        [Kind::Str { .. }] => {
            match raw_string_value(&masked_heredoc(text, expr[0].range()), &expr[0]) {
                Some(decoded) => match first_directive(expr[0].text(text)) {
                    Some(at) if !parses(&decoded) => Source::Directives {
                        at: moved(at, expr[0].start as u32),
                    },
                    _ => Source::Quoted {
                        node: Node::new(expr[0].range(), Value::String(decoded.into())),
                    },
                },
                None => computed("a quoted string Terraform cannot read"),
            }
        }
        _ => computed("an expression"),
    }
}

/// How deep `jsonencode` objects and tuples are read; deeper ones are unknown values.
const MAX_HCL_DEPTH: usize = 256;

fn is_close(t: &Token) -> bool {
    matches!(t.kind, Kind::Punct(b'}' | b']' | b')'))
}

/// Skips line breaks and commas between entries.
fn skip_separators(tokens: &[Token], at: &mut usize) {
    while tokens
        .get(*at)
        .is_some_and(|t| *t == Kind::Newline || *t == Kind::Punct(b','))
    {
        *at += 1;
    }
}

/// Reads one HCL value at `tokens[*at]` as the JSON `jsonencode` makes of it, moving
/// `at` past it. Objects (`key = value` or `key: value`, separated by commas or line
/// breaks), tuples, strings, numbers, `true`/`false`/`null` and heredocs are read;
/// any other expression becomes an unknown value over its text.
fn hcl_value<'t>(text: &'t str, tokens: &[Token], at: &mut usize, depth: usize) -> Node<'t> {
    while tokens.get(*at).is_some_and(|t| *t == Kind::Newline) {
        *at += 1;
    }
    let Some(&first) = tokens.get(*at) else {
        let end = tokens.last().map_or(0, |t| t.end);
        return Node::new(TextRange::from_usize(end, end), Value::Invalid);
    };
    let open = *at;
    let value = match first.kind {
        Kind::Punct(b'{' | b'[')
            if depth < MAX_HCL_DEPTH && is_for_expression(text, tokens, open) =>
        {
            return computed_collection(text, tokens, at);
        }
        Kind::Punct(b'{') if depth < MAX_HCL_DEPTH => {
            *at += 1;
            let mut members = Vec::new();
            loop {
                skip_separators(tokens, at);
                let Some(key) = tokens.get(*at).copied() else {
                    break;
                };
                if is_close(&key) {
                    *at += 1;
                    break;
                }
                // A key Terraform computes, `(local.name)` or `"${var.x}"`: which
                // members the object has is known once it is applied.
                if key == Kind::Punct(b'(') || key == (Kind::Str { interpolated: true }) {
                    *at = open;
                    return computed_collection(text, tokens, at);
                }
                let name = match key.kind {
                    Kind::Ident => Some(Cow::Borrowed(key.text(text))),
                    Kind::Str { .. } => string_value(text, &key).map(Cow::Owned),
                    _ => None,
                };
                let assign = tokens
                    .get(*at + 1)
                    .is_some_and(|t| *t == Kind::Punct(b'=') || *t == Kind::Punct(b':'));
                match name {
                    Some(name) if assign => {
                        *at += 2;
                        let value = hcl_value(text, tokens, at, depth + 1);
                        members.push(Member {
                            key: name,
                            key_range: key.range(),
                            value,
                        });
                    }
                    // A computed key, or text that is not an entry: skip to the next.
                    _ => *at = skip_expression(tokens, *at + 1).max(*at + 1),
                }
            }
            Value::Object(members)
        }
        Kind::Punct(b'[') if depth < MAX_HCL_DEPTH => {
            *at += 1;
            let mut items = Vec::new();
            loop {
                skip_separators(tokens, at);
                match tokens.get(*at) {
                    None => break,
                    Some(t) if is_close(t) => {
                        *at += 1;
                        break;
                    }
                    Some(_) => items.push(hcl_value(text, tokens, at, depth + 1)),
                }
            }
            Value::Array(items)
        }
        _ => return hcl_scalar(text, tokens, at),
    };
    let end = tokens
        .get(at.saturating_sub(1))
        .map_or(first.end, |t| t.end.max(first.end));
    Node::new(TextRange::from_usize(first.start, end), value)
}

/// Whether the object or tuple opening at `tokens[open]` is a `for` expression
/// (`{ for k, v in m : k => v }`, `[for s in l : s]`), not a key named `for`.
fn is_for_expression(text: &str, tokens: &[Token], open: usize) -> bool {
    let mut k = open + 1;
    while tokens.get(k).is_some_and(|t| *t == Kind::Newline) {
        k += 1;
    }
    match (tokens.get(k), tokens.get(k + 1)) {
        (Some(f), Some(next)) => {
            f.kind == Kind::Ident
                && f.text(text) == "for"
                && *next != Kind::Punct(b'=')
                && *next != Kind::Punct(b':')
        }
        _ => false,
    }
}

/// An object or tuple at `tokens[*at]` whose members Terraform computes (a `for`
/// expression, a computed key): an unknown value over its whole text, as any other
/// expression Terraform computes is; `at` moves past its closing bracket.
fn computed_collection<'t>(text: &'t str, tokens: &[Token], at: &mut usize) -> Node<'t> {
    let start = *at;
    let close = matching(tokens, start).min(tokens.len().saturating_sub(1));
    *at = close + 1;
    let range = span(&tokens[start..=close.max(start)]).unwrap_or_default();
    let expr = text.get(range.as_usize()).unwrap_or("").trim();
    Node::new(
        range,
        Value::Placeholder(Cow::Owned(format!("${{{expr}}}"))),
    )
}

/// A value that is not an object or a tuple: a literal, or an expression Terraform
/// computes (an unknown value over its text).
fn hcl_scalar<'t>(text: &'t str, tokens: &[Token], at: &mut usize) -> Node<'t> {
    let start = *at;
    let end = skip_expression(tokens, start)
        .max(start + 1)
        .min(tokens.len());
    *at = end;
    let expr = tokens.get(start..end).unwrap_or(&[]);
    let range = span(expr).unwrap_or_default();
    let value = match expr {
        [t] if matches!(t.kind, Kind::Str { .. }) => {
            raw_string_value(text, t).map(|s| Value::String(Cow::Owned(s)))
        }
        [t] if t.kind == Kind::Number => number(t.text(text)),
        [minus, t] if *minus == Kind::Punct(b'-') && t.kind == Kind::Number => {
            number(&format!("-{}", t.text(text)))
        }
        [t] => match (t.kind, t.text(text)) {
            (Kind::Ident, "true") => Some(Value::Bool(true)),
            (Kind::Ident, "false") => Some(Value::Bool(false)),
            (Kind::Ident, "null") => Some(Value::Null),
            (Kind::Heredoc { body }, _) => text
                .get(body.0..body.1)
                .map(|b| Value::String(Cow::Borrowed(b))),
            _ => None,
        },
        _ => None,
    };
    let value = value.unwrap_or_else(|| {
        let expr = text.get(range.as_usize()).unwrap_or("").trim();
        Value::Placeholder(Cow::Owned(format!("${{{expr}}}")))
    });
    Node::new(range, value)
}

/// A JSON number for an HCL number literal: an integer when it is one.
fn number(s: &str) -> Option<Value<'static>> {
    let f = s.parse::<f64>().ok().filter(|f| f.is_finite())?;
    if f.fract() == 0.0 && f.abs() < 9e15 {
        return Some(Value::Number(serde_json::Number::from(f as i64)));
    }
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// The decoded text of a quoted string, its `${...}` interpolations kept as written.
fn raw_string_value(text: &str, t: &Token) -> Option<String> {
    let plain = Token {
        kind: Kind::STR,
        ..*t
    };
    string_value(text, &plain)
}

/// The path of a string that starts with `${path.module}/` or `${path.root}/` and
/// has no other interpolation.
fn module_path(text: &str, t: &Token) -> Option<String> {
    let raw = t.text(text).strip_prefix('"')?.strip_suffix('"')?;
    let rest = ["${path.module}/", "${path.root}/"]
        .iter()
        .find_map(|p| raw.strip_prefix(p))?;
    if rest.contains("${") || rest.contains("%{") || rest.contains('\\') {
        return None;
    }
    Some(rest.to_string())
}

/// The expression a `locals` block of the file gives `local.NAME`.
fn local_value<'b>(
    text: &str,
    name: &str,
    blocks: &[Block],
    tokens: &'b [Token],
) -> Option<&'b [Token]> {
    blocks
        .iter()
        .filter(|b| b.keyword == "locals")
        .find_map(|b| {
            attributes(text, &tokens[b.body.clone()])
                .into_iter()
                .find(|a| a.0 == name)
                .map(|a| a.1)
        })
}

/// [`variables`], with [`MAX_VARS_STEPS`] to take.
fn template_variables(
    text: &str,
    map: &[Token],
    blocks: &[Block],
    tokens: &[Token],
) -> (Substitutions, bool) {
    let mut steps = MAX_VARS_STEPS;
    variables(text, map, blocks, tokens, &mut steps)
}

/// The variables of a `templatefile` map (or a `template_file`'s `vars`), and whether
/// they are all its names. An object (`{ name = value, "name" = value }`) is read as
/// [`hcl_value`] reads objects: literal strings, numbers and booleans by value, other
/// expressions (and strings with interpolations) as `None`. `local.NAME` is followed to
/// its `locals` value and `merge(...)` merges what its arguments give; any other map
/// (`var.vars`, a call, a `for` expression) is Terraform's to compute: no names known.
/// Each map read takes one of `steps` (locals that name each other many times over
/// would take long): none left, the map is unknown.
fn variables(
    text: &str,
    map: &[Token],
    blocks: &[Block],
    tokens: &[Token],
    steps: &mut usize,
) -> (Substitutions, bool) {
    let unknown = || (Substitutions::new(), false);
    let is_gap = |t: &Token| *t == Kind::Newline || *t == Kind::Punct(b',');
    let start = map.iter().position(|t| !is_gap(t)).unwrap_or(map.len());
    let end = map
        .iter()
        .rposition(|t| !is_gap(t))
        .map_or(start, |e| e + 1);
    let map = &map[start..end.max(start)];
    if *steps == 0 {
        return unknown();
    }
    *steps -= 1;
    let ident = |k: usize| {
        map.get(k)
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| t.text(text))
    };
    // The last token closes the first one's bracket: one expression, not `a + b`.
    let whole = |open: usize| matching(map, open) + 1 == map.len();
    match map {
        [first, ..] if *first == Kind::Punct(b'{') && whole(0) => {
            let mut at = 0;
            let Value::Object(members) = hcl_value(text, map, &mut at, 0).value else {
                return unknown();
            };
            let literal = |n: &Node<'_>| {
                let raw = text.get(n.range.as_usize())?;
                match &n.value {
                    Value::String(s)
                        if !(raw.starts_with('"') && quoted_end(raw.as_bytes(), 0).1) =>
                    {
                        Some(s.to_string())
                    }
                    Value::Number(_) | Value::Bool(_) => Some(raw.to_string()),
                    _ => None,
                }
            };
            let vars = members
                .into_iter()
                .map(|m| {
                    let value = literal(&m.value);
                    (m.key.into_owned(), value)
                })
                .collect();
            (vars, true)
        }
        [_, dot, _] if ident(0) == Some("local") && *dot == Kind::Punct(b'.') => {
            match ident(2).and_then(|name| local_value(text, name, blocks, tokens)) {
                Some(value) => variables(text, value, blocks, tokens, steps),
                None => unknown(),
            }
        }
        [_, open, ..] if ident(0) == Some("merge") && *open == Kind::Punct(b'(') && whole(1) => {
            let args = &map[2..map.len() - 1];
            let mut vars = Substitutions::new();
            let mut known = true;
            let mut at = 0;
            loop {
                while args.get(at).is_some_and(is_gap) {
                    at += 1;
                }
                if at >= args.len() {
                    break;
                }
                let end = skip_expression(args, at).max(at + 1);
                let (part, part_known) = variables(text, &args[at..end], blocks, tokens, steps);
                // A later map's value wins, as in Terraform.
                vars.extend(part);
                known &= part_known;
                at = end;
            }
            (vars, known)
        }
        _ => unknown(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, r: TextRange) -> &str {
        &text[r.as_usize()]
    }

    #[test]
    fn quotes_inside_an_interpolation_stay_inside_the_json_string() {
        let text = "resource \"aws_sfn_state_machine\" \"h\" {\n  definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${aws_lambda_function.fn[\"main\"].arn}\", \"Comment\": \"${lookup(var.m, \"k\", \"}\")} $${x}\", \"End\": true}}}\nEOF\n}\n";
        let machines = find(text);
        let Source::Heredoc { body } = machines[0].definition else {
            panic!("a heredoc");
        };
        let json = masked_heredoc(text, body);
        assert_eq!(json.len(), text.len());
        assert!(
            json.contains(r#""Resource": "${aws_lambda_function.fn['main'].arn}""#),
            "{json}"
        );
        // Nor in an interpolation written as a JSON value.
        let unquoted = text.replace(
            ", \"End\": true",
            ", \"Result\": ${jsonencode({ a = \"}\" })}, \"End\": true",
        );
        let machines = find(&unquoted);
        let Source::Heredoc { body } = machines[0].definition else {
            panic!("a heredoc");
        };
        assert!(
            masked_heredoc(&unquoted, body).contains(r#""Result": ${jsonencode({ a = ')' })},"#),
            "{}",
            masked_heredoc(&unquoted, body)
        );
        let (found, _) = crate::lint::lint_terraform_text(
            &unquoted,
            &crate::lint::LintOptions::default(),
            &crate::lint::Environment::default(),
        );
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        // (Task takes no `Result`: only that is reported, nothing of the syntax.)
        assert_eq!(codes, ["ASL110"], "{found:?}");
        // A `}` in a quoted string does not close the interpolation; `$${` is none.
        assert!(
            json.contains(r#""Comment": "${lookup(var.m, 'k', ')')} $${x}""#),
            "{json}"
        );
        let (found, _) = crate::lint::lint_terraform_text(
            text,
            &crate::lint::LintOptions::default(),
            &crate::lint::Environment::default(),
        );
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("ASL0") || *c == "ASL401"),
            "{found:?}"
        );
    }

    #[test]
    fn quotes_inside_an_interpolation_of_a_quoted_definition_are_not_the_jsons() {
        // The HCL `"x"` inside `${...}` used to end the JSON string: ASL401 "placeholder
        // not closed", then syntax errors at `x`.
        let text = "resource \"aws_sfn_state_machine\" \"q\" {\n  definition = \"{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": {\\\"A\\\": {\\\"Type\\\": \\\"Task\\\", \\\"Resource\\\": \\\"${aws_lambda_function.f[\"x\"].arn}\\\", \\\"Nxt\\\": 1, \\\"End\\\": true}}}\"\n}\n";
        let (found, _) = crate::lint::lint_terraform_text(
            text,
            &crate::lint::LintOptions::default(),
            &crate::lint::Environment::default(),
        );
        let found: Vec<(&str, &str)> = found.iter().map(|d| (d.code, at(text, d.range))).collect();
        assert_eq!(found, [("ASL110", "\\\"Nxt\\\"")]);
    }

    #[test]
    fn heredocs_plain_and_indented() {
        let text = "resource \"aws_sfn_state_machine\" \"a\" {\n  definition = <<EOF\n{\"StartAt\": \"X\"}\nEOF\n}\nresource \"aws_sfn_state_machine\" \"b\" {\n  type = \"express\"\n  definition = <<-JSON\n    {}\n    JSON\n}\n";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "aws_sfn_state_machine.a");
        assert_eq!(found[0].workflow, WorkflowType::Standard);
        let Source::Heredoc { body } = found[0].definition else {
            panic!("{:?}", found[0].definition);
        };
        assert_eq!(at(text, body), "{\"StartAt\": \"X\"}\n");
        // The block and its name, for an outline.
        assert_eq!(at(text, found[0].label), "\"a\"");
        assert_eq!(
            at(text, found[0].block),
            "resource \"aws_sfn_state_machine\" \"a\" {\n  definition = <<EOF\n{\"StartAt\": \"X\"}\nEOF\n}"
        );
        assert_eq!(found[1].workflow, WorkflowType::Express);
        let Source::Heredoc { body } = found[1].definition else {
            panic!("{:?}", found[1].definition);
        };
        assert_eq!(at(text, body), "    {}\n");
    }

    #[test]
    fn templatefile_paths_and_variables() {
        let text = r#"
resource "aws_sfn_state_machine" "sm" {
  # definition = file("commented.json")
  definition = templatefile("${path.module}/sm/flow.asl.json", {
    Arn     = aws_lambda_function.f.arn, "Quoted" = "a\"b"
    Seconds = 30
    Flag    = true
    Joined  = "${var.x}-y"
  })
}
"#;
        let found = find(text);
        let [m] = found.as_slice() else {
            panic!("{found:?}");
        };
        let Source::File {
            path,
            range,
            vars,
            vars_known: true,
            rendered: true,
        } = &m.definition
        else {
            panic!("{:?}", m.definition);
        };
        assert_eq!(path, "sm/flow.asl.json");
        assert_eq!(at(text, *range), "\"${path.module}/sm/flow.asl.json\"");
        let expect: Substitutions = [
            ("Arn", None),
            ("Quoted", Some("a\"b")),
            ("Seconds", Some("30")),
            ("Flag", Some("true")),
            ("Joined", None),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
        assert_eq!(vars, &expect);
    }

    /// A variable's name and its value, when it is a literal.
    type Var = (String, Option<String>);

    /// The variables of each state machine's file, and whether they are all known.
    fn file_vars(text: &str) -> Vec<(Vec<Var>, bool)> {
        find(text)
            .into_iter()
            .map(|m| match m.definition {
                Source::File {
                    vars, vars_known, ..
                } => (vars.into_iter().collect(), vars_known),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn templatefile_variables_through_locals_and_merge() {
        let text = r#"
locals {
  sfn_vars = { fn_arn = "arn:aws:lambda:us-east-1:123456789012:function:f", Wait = 5 }
  more     = merge(local.sfn_vars, { Wait = 10 })
}
resource "aws_sfn_state_machine" "local" {
  definition = templatefile("${path.module}/sm.asl.json", local.sfn_vars)
}
resource "aws_sfn_state_machine" "merged" {
  definition = templatefile("sm.asl.json", merge(
    local.more,
    { Extra = var.x },
  ))
}
resource "aws_sfn_state_machine" "var" {
  definition = templatefile("sm.asl.json", var.vars)
}
resource "aws_sfn_state_machine" "partly" {
  definition = templatefile("sm.asl.json", merge(local.sfn_vars, var.vars))
}
resource "aws_sfn_state_machine" "elsewhere" {
  definition = templatefile("sm.asl.json", local.in_another_file)
}
resource "aws_sfn_state_machine" "looped" {
  definition = templatefile("sm.asl.json", { for k, v in var.m : k => v })
}
resource "aws_sfn_state_machine" "computed_key" {
  definition = templatefile("sm.asl.json", { (var.k) = 1, a = 2 })
}
data "template_file" "t" {
  template = file("sm.asl.json")
  vars     = local.sfn_vars
}
resource "aws_sfn_state_machine" "data" {
  definition = data.template_file.t.rendered
}
"#;
        let arn = || {
            (
                "fn_arn".to_string(),
                Some("arn:aws:lambda:us-east-1:123456789012:function:f".to_string()),
            )
        };
        let wait = |w: &str| ("Wait".to_string(), Some(w.to_string()));
        assert_eq!(
            file_vars(text),
            [
                (vec![wait("5"), arn()], true),
                (vec![("Extra".to_string(), None), wait("10"), arn()], true),
                (vec![], false),
                (vec![wait("5"), arn()], false),
                (vec![], false),
                (vec![], false),
                (vec![], false),
                (vec![wait("5"), arn()], true),
            ]
        );
    }

    #[test]
    fn data_template_file_is_followed() {
        let text = r#"
data "template_file" "t" {
  template = file("${path.root}/def.json")
  vars = { Name = "x" }
}
resource "aws_sfn_state_machine" "sm" {
  definition = data.template_file.t.rendered
}
resource "aws_sfn_state_machine" "other" {
  definition = data.template_file.missing.rendered
}
"#;
        let found = find(text);
        assert_eq!(found.len(), 2);
        // `template = file(...)` in a `template_file`: rendered with its vars.
        let Source::File {
            path,
            vars,
            rendered: true,
            ..
        } = &found[0].definition
        else {
            panic!("{:?}", found[0].definition);
        };
        assert_eq!(path, "def.json");
        assert_eq!(vars.get("Name"), Some(&Some("x".to_string())));
        let Source::Computed { range, what } = &found[1].definition else {
            panic!("{:?}", found[1].definition);
        };
        assert_eq!(at(text, *range), "data.template_file.missing.rendered");
        assert_eq!(
            what,
            "`data.template_file.missing`, which is not in this file"
        );
    }

    #[test]
    fn computed_definitions_are_described() {
        let text = "resource \"aws_sfn_state_machine\" \"a\" {\n  definition = jsonencode(\n    local.def\n  )\n}\nresource \"aws_sfn_state_machine\" \"b\" {\n  definition = var.definition\n}\nresource \"aws_sfn_state_machine\" \"c\" {\n  definition = file(\"${var.dir}/x.json\")\n}\n";
        let whats: Vec<(String, String)> = find(text)
            .into_iter()
            .map(|m| match m.definition {
                Source::Computed { range, what } => (at(text, range).to_string(), what),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            whats,
            [
                (
                    "jsonencode(\n    local.def\n  )".to_string(),
                    "`jsonencode(...)` of a value Terraform computes".to_string()
                ),
                ("var.definition".to_string(), "`var.definition`".to_string()),
                (
                    "file(\"${var.dir}/x.json\")".to_string(),
                    "a path Terraform computes".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_unclosed_string_is_found_at_its_quote() {
        let open = "resource \"aws_sfn_state_machine\" \"m\" {\n  definition = jsonencode({\n    StartAt = \"A\n";
        let at = unclosed_string(open).unwrap();
        assert_eq!(
            at,
            TextRange::from_usize(open.rfind('"').unwrap(), open.rfind('"').unwrap() + 1)
        );
        // Closed strings, with escapes and interpolations that hold quotes: none.
        let closed = "x = \"a \\\" b\"\ny = \"${jsonencode({k = \"v\"})}\"\n# \" in a comment\n";
        assert_eq!(unclosed_string(closed), None);
    }

    #[test]
    fn unpaired_brackets_and_open_comments_are_found() {
        fn at(text: &str) -> Option<(&str, String)> {
            unbalanced(text).map(|(r, m)| (&text[r.as_usize()], m))
        }
        let ok = "locals {\n  a = \"x { y\"\n  b = [for i in [1, 2] : i]\n  c = \"${jsonencode({a = 1})}\"\n  d = <<-T\n  ( [ {\n  T\n}\n# (\n// [\n/* { */\n";
        assert_eq!(at(ok), None);
        let open = "resource \"aws_sfn_state_machine\" \"m\" {\n  definition = jsonencode({StartAt = \"A\"\n";
        assert_eq!(
            at(open),
            Some((
                "{",
                "this `{` is never closed: Terraform expects a `}` for it".to_string()
            ))
        );
        assert_eq!(
            unbalanced(open).unwrap().0.start as usize,
            open.rfind('{').unwrap()
        );
        assert_eq!(
            at("a = [1, 2)\n"),
            Some((
                ")",
                "this `)` does not close the `[` before it: Terraform expects `]`".to_string()
            ))
        );
        assert_eq!(
            at("x {}\n}\n"),
            Some((
                "}",
                "this `}` closes nothing: Terraform refuses it".to_string()
            ))
        );
        assert_eq!(
            at("x {}\n/* never closed {\n"),
            Some((
                "/*",
                "this comment is never closed: Terraform expects `*/` after it".to_string()
            ))
        );
        // An open heredoc is reported on its own (`unclosed_heredoc`).
        assert_eq!(at("x {\n  d = <<EOF\n{\n"), None);
    }

    #[test]
    fn an_unclosed_heredoc_is_found_at_its_opening_marker() {
        let open = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = <<-JSON\n    {\"StartAt\": \"A\"}\n";
        let [m] = find(open).try_into().unwrap_or_else(|f| panic!("{f:?}"));
        let Source::Heredoc { body } = m.definition else {
            panic!("{:?}", m.definition);
        };
        let (range, message) = unclosed_heredoc(open, body).unwrap();
        assert_eq!(at(open, range), "<<-JSON");
        assert_eq!(
            message,
            "this heredoc is never closed: Terraform expects a line holding just `JSON` after it"
        );
        let closed = format!("{open}  JSON\n}}\n");
        let [m] = find(&closed).try_into().unwrap_or_else(|f| panic!("{f:?}"));
        let Source::Heredoc { body } = m.definition else {
            panic!("{:?}", m.definition);
        };
        assert_eq!(unclosed_heredoc(&closed, body), None);
    }

    #[test]
    fn strings_with_braces_and_other_resources_do_not_confuse_the_scanner() {
        let text = r#"
locals { s = "${format("%s}", "{")}" }
resource "aws_lambda_function" "f" { definition = "not a state machine" }
resource "aws_sfn_state_machine" "sm" { definition = file("a.json") }
"#;
        let found = find(text);
        let [m] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!(m.name, "aws_sfn_state_machine.sm");
        assert!(
            matches!(&m.definition, Source::File { path, rendered: false, .. } if path == "a.json")
        );
    }

    /// The JSON a `jsonencode` object stands for, with what is unknown as `?`.
    fn encoded(text: &str) -> serde_json::Value {
        fn json(n: &Node<'_>) -> serde_json::Value {
            match &n.value {
                Value::Object(ms) => serde_json::Value::Object(
                    ms.iter()
                        .map(|m| (m.key.to_string(), json(&m.value)))
                        .collect(),
                ),
                Value::Array(items) => items.iter().map(json).collect(),
                Value::String(s) => serde_json::Value::String(s.to_string()),
                Value::Number(n) => serde_json::Value::Number(n.clone()),
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Null => serde_json::Value::Null,
                Value::Placeholder(t) => serde_json::Value::String(format!("?{t}")),
                _ => serde_json::Value::String("!".into()),
            }
        }
        let found = find(text);
        match &found[0].definition {
            Source::Encoded { root } => json(root),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn jsonencode_objects_read_as_json() {
        let text = r#"resource "aws_sfn_state_machine" "x" {
  definition = jsonencode({
    StartAt = "A", "Comment": "say \"hi\" ${var.who}"
    States = {
      A = {
        Type     = "Task"
        Resource = aws_lambda_function.f.arn
        Retry    = [{ ErrorEquals = ["States.ALL"], MaxAttempts = -2, BackoffRate = 1.5 }]
        Seconds  = var.on ? 1 : 2
        Flags    = [true, false, null,
                    3]
        End = true
      }
    }
  })
}"#;
        assert_eq!(
            encoded(text),
            serde_json::json!({
                "StartAt": "A", "Comment": "say \"hi\" ${var.who}",
                "States": {"A": {
                    "Type": "Task",
                    "Resource": "?${aws_lambda_function.f.arn}",
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": -2, "BackoffRate": 1.5}],
                    "Seconds": "?${var.on ? 1 : 2}",
                    "Flags": [true, false, null, 3],
                    "End": true
                }}
            })
        );
        // Ranges are the file's: a key at its identifier, a value at its text.
        let found = find(text);
        let Source::Encoded { root } = &found[0].definition else {
            panic!();
        };
        let start_at = root.member("StartAt").unwrap();
        assert_eq!(at(text, start_at.key_range), "StartAt");
        assert_eq!(at(text, start_at.value.range), "\"A\"");
        let states = &root.member("States").unwrap().value;
        let a = &states.member("A").unwrap().value;
        assert_eq!(
            at(text, a.member("Seconds").unwrap().value.range),
            "var.on ? 1 : 2"
        );
        assert!(at(text, a.range).starts_with('{') && at(text, a.range).ends_with('}'));
        // Nesting past the limit is an unknown value, not a stack overflow.
        let deep = format!(
            "resource \"aws_sfn_state_machine\" \"x\" {{ definition = jsonencode({}{}) }}",
            "{ a = ".repeat(100_000),
            "}".repeat(100_000)
        );
        assert!(matches!(find(&deep)[0].definition, Source::Encoded { .. }));
    }

    #[test]
    fn for_expressions_and_computed_keys_are_unknown_values() {
        let text = r#"resource "aws_sfn_state_machine" "x" {
  definition = jsonencode({
    StartAt = "A"
    States  = {
      for s in var.steps : s => { Type = "Pass", End = true }
    }
    Computed = { A = 1, (local.first) = { Type = "Pass" } }
    Interpolated = { "${var.k}" = 1 }
    Listed = [for e in var.errors : upper(e)]
    Plain = { for = 1, "a" = [1] }
  })
}"#;
        assert_eq!(
            encoded(text),
            serde_json::json!({
                "StartAt": "A",
                "States": "?${{\n      for s in var.steps : s => { Type = \"Pass\", End = true }\n    }}",
                "Computed": "?${{ A = 1, (local.first) = { Type = \"Pass\" } }}",
                "Interpolated": "?${{ \"${var.k}\" = 1 }}",
                "Listed": "?${[for e in var.errors : upper(e)]}",
                "Plain": {"for": 1, "a": [1]}
            })
        );
        // The whole object is one unknown value, at its text.
        let found = find(text);
        let Source::Encoded { root } = &found[0].definition else {
            panic!();
        };
        let states = &root.member("States").unwrap().value;
        assert!(at(text, states.range).starts_with("{\n      for s"));
        assert!(at(text, states.range).ends_with("}\n    }"));
        // A `for` object as the whole definition: computed.
        let whole = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = jsonencode({ for k, v in var.m : k => v })\n}\n";
        assert!(matches!(
            &find(whole)[0].definition,
            Source::Computed { what, .. } if what == "`jsonencode(...)` of a value Terraform computes"
        ));
        // A literal that is no object is read (and is no state machine); a `for` list
        // is computed.
        let list =
            "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = jsonencode([1])\n}\n";
        assert!(matches!(
            &find(list)[0].definition,
            Source::Encoded { root } if matches!(root.value, Value::Array(_))
        ));
        let computed = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = jsonencode([for s in var.x : s])\n}\n";
        assert!(matches!(
            &find(computed)[0].definition,
            Source::Computed { .. }
        ));
    }

    #[test]
    fn locals_and_modules() {
        let text = r#"
locals {
  def = <<EOF
{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
EOF
  alias = local.def
}
module "step_function" {
  source     = "terraform-aws-modules/step-functions/aws"
  type       = "express"
  definition = local.alias
}
module "other" {
  definition = "something else"
}
resource "aws_sfn_state_machine" "m" {
  definition = local.missing
}
"#;
        let found = find(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].name, "module.step_function");
        assert_eq!(found[0].workflow, WorkflowType::Express);
        let Source::Heredoc { body } = found[0].definition else {
            panic!("{:?}", found[0].definition);
        };
        assert!(at(text, body).starts_with("{\"StartAt\": \"A\""));
        assert!(matches!(
            &found[1].definition,
            Source::Computed { what, .. } if what == "`local.missing`, which is not in this file"
        ));
        // A local that names itself is followed a few times, then given up.
        let text = "locals { a = local.a }\nresource \"aws_sfn_state_machine\" \"m\" { definition = local.a }";
        assert!(matches!(find(text)[0].definition, Source::Computed { .. }));
    }

    #[test]
    fn broken_and_foreign_text_yields_nothing_or_what_is_there() {
        for text in [
            "",
            "{\"StartAt\": \"A\"}",
            "StartAt: A\nStates: {}\n",
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = <<EOF\n{",
            "resource \"aws_sfn_state_machine\" \"x\" { definition = \"unterminated\n}",
            "resource \"aws_sfn_state_machine\" \"x\" { definition = templatefile(",
            "resource \"aws_sfn_state_machine\" \"x\" { definition = <<",
            "\"${\"${\"${",
            "/* never closed",
        ] {
            for m in find(text) {
                if let Source::Heredoc { body } | Source::File { range: body, .. } = m.definition {
                    assert!(text.get(body.as_usize()).is_some(), "{text:?}");
                }
            }
        }
        // An unterminated heredoc runs to the end of the file.
        let text = "resource \"aws_sfn_state_machine\" \"x\" {\n definition = <<EOF\n{";
        let found = find(text);
        assert!(
            matches!(found[0].definition, Source::Heredoc { body } if at(text, body) == "{"),
            "{found:?}"
        );
    }

    /// A variable's default as Terraform types it, and a given value read by the
    /// variable's type, in HCL and in the JSON syntax.
    #[test]
    fn variable_values_take_defaults_and_given_values() {
        use serde_json::json;
        let hcl = "variable \"n\" {\n  type = number\n  default = -2\n}\nvariable \"s\" {\n  default = \"x\"\n}\nvariable \"b\" {\n  type = bool\n}\nvariable \"none\" {}\n";
        let given = [
            ("b".to_string(), "true".to_string()),
            ("s".to_string(), "10".to_string()),
        ];
        assert_eq!(
            variable_values(hcl, &given),
            [
                ("n".to_string(), json!(-2)),
                ("b".to_string(), json!(true)),
                ("s".to_string(), json!("10")),
            ]
        );
        let json_syntax =
            r#"{"variable": {"n": {"type": "number", "default": 4}, "s": {"default": "x"}}}"#;
        assert_eq!(
            variable_values(json_syntax, &[("n".to_string(), "7".to_string())]),
            [("s".to_string(), json!("x")), ("n".to_string(), json!(7))]
        );
        let mut v = json!({"a": "${var.n}", "b": "n=${var.n}", "c": "${var.other}"});
        fill_variables(&mut v, &[("n".to_string(), json!(3))]);
        assert_eq!(v, json!({"a": 3, "b": "n=3", "c": "${var.other}"}));
    }
}
