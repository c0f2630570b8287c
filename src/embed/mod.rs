//! Definitions embedded in other files, and deploy-time placeholders.
//!
//! Most definitions in real repositories sit inside CloudFormation/SAM templates,
//! Serverless Framework files or CDK output, with `${...}` placeholders filled in at
//! deploy time. This module finds them ([`template`]), reads each one with positions
//! mapped back to the outer file ([`sourcemap`]), substitutes what is known
//! (`DefinitionSubstitutions`, `Fn::Sub` variables, values from asl-lint.toml), turns
//! what is not into unknown values ([`crate::syntax::Value::Placeholder`]), and lints
//! the result. Suppression comments apply to the outer file.

pub mod owners;
pub mod references;
pub mod sourcemap;
pub mod stand_in;
pub mod template;
pub mod terraform;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::lint::{LintOptions, lint_document_as};
use crate::rules::{self, LintContext, WorkflowType};
use crate::suppress;
use crate::syntax::{self, Document, Member, Node, SourceKind, TextRange, Value};

use self::sourcemap::{ScalarMap, SourceMap, SpliceMap, Spliced, Style};
use self::template::{Body, Definition, MAX_SUBSTITUTED_BYTES, Substitutions, Unflattened};

/// What a `${...}` token in a definition means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceholderMode {
    /// A value filled in at deploy time (SAM, CloudFormation, CDK, Terraform): a string
    /// that is exactly one `${Name}` token is an unknown value, and checks that need it
    /// are skipped.
    #[default]
    Unknown,
    /// Plain text: `"${Name}"` is the string it looks like.
    Literal,
}

/// Settings that come from the files around the one being linted (asl-lint.toml and the
/// file's directory) rather than from the rule selection.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    pub placeholders: PlaceholderMode,
    /// Values for `${Name}` placeholders, used when the template gives none.
    pub values: BTreeMap<String, String>,
    /// The directory that `DefinitionUri` paths are relative to; `None` skips the check
    /// that the file exists (e.g. in an editor buffer without a path).
    pub base_dir: Option<PathBuf>,
    /// The workflow type of a standalone definition (asl-lint.toml `workflow-type`). A
    /// template's definitions have the type the template gives them.
    pub workflow: Option<WorkflowType>,
    /// The file being linted, where it has a path: a template that names itself as a
    /// definition file is reported (ASL802).
    pub file: Option<PathBuf>,
    /// The one state machine of a template to lint (its name as `graph` lists it), for
    /// the run of that machine: the turns of an `Fn::ForEach` share their text, and
    /// another turn's findings are not this one's.
    pub only: Option<String>,
}

/// A local file that a template's definition names (SAM `DefinitionUri`, or a
/// CloudFormation `DefinitionS3Location` path for `aws cloudformation package`) and that
/// exists. The caller lints it as a definition of its own with [`lint_referenced`], with
/// the template's substitutions and workflow type, and reports it under its own path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The template's state machine (its logical id).
    pub name: String,
    /// The path the template gives, joined to the template's folder.
    pub path: PathBuf,
    /// `DefinitionSubstitutions`: literal values, or `None` for intrinsics.
    pub substitutions: Substitutions,
    pub workflow: WorkflowType,
    /// How the deploying tool fills the file's `${...}` tokens.
    pub filling: Filling,
    /// Whether the deploying tool reads the file as YAML 1.1 (SAM, `aws cloudformation
    /// package`), where `yes` is a boolean (ASL006); not the Serverless Framework
    /// (js-yaml) nor Terraform.
    pub yaml_1_1: bool,
    /// The template that makes the reference, where it has a path: a file that several
    /// templates name is told which one leaves a `${Name}` unfilled (ASL806).
    pub template: Option<PathBuf>,
}

impl Reference {
    /// The state machine as a message names it: `"Flow" in template.yaml`, or `"Flow"`
    /// where the template has no path.
    pub fn shown(&self) -> String {
        match self.template.as_deref() {
            Some(file) => format!("\"{}\" in {}", self.name, shown_template(file)),
            None => format!("\"{}\"", self.name),
        }
    }
}

/// Drops the YAML 1.1 readings (ASL006) of text that no YAML 1.1 reader reads: a
/// Serverless Framework file (js-yaml), the text of a `DefinitionString`, a file that
/// Terraform or Serverless names.
fn drop_yaml_1_1_readings(found: &mut Vec<Diagnostic>) {
    found.retain(|d| d.code != "ASL006");
}

/// Whether a template is read as YAML 1.1 by the tool that deploys it: a
/// CloudFormation or SAM template, not a Serverless Framework file (js-yaml, YAML 1.2).
fn reads_yaml_1_1(root: Option<&Node<'_>>) -> bool {
    root.is_none_or(|r| !template::is_serverless(r))
}

/// Gives the plain scalars of a YAML definition that CloudFormation and SAM read as
/// YAML 1.1 the values they deploy: `yes`/`no`/`on`/`off` (any of YAML 1.1's three
/// cases) the booleans, `010` the number 8, `1:30` the number 90. Rules then judge
/// the definition that reaches Step Functions (`BooleanEquals: yes` is `true`, and
/// `StringEquals: no` is the boolean `false`, not text); ASL006 still tells where
/// the two YAML versions differ. Binary (`0b101`) and underscored (`1_000`) numbers,
/// which no report shows CloudFormation reading, are left as YAML 1.2 reads them, as
/// are keys. The ranges of the scalars it gives another value.
pub(crate) fn read_as_yaml_1_1(text: &str, node: &mut Node<'_>) -> Vec<TextRange> {
    use crate::syntax::yaml11::{IntForm, Reading, reading};
    let mut read = Vec::new();
    let mut stack = vec![(node, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let scalar = matches!(node.value, Value::String(_) | Value::Number(_));
        if scalar {
            let token = text.get(node.range.as_usize()).unwrap_or_default();
            match reading(token) {
                Some(Reading::Bool(b)) => node.value = Value::Bool(b),
                Some(Reading::Int(n, IntForm::Octal | IntForm::Sexagesimal)) => {
                    node.value = Value::Number(n.into());
                }
                _ => continue,
            }
            read.push(node.range);
            continue;
        }
        match &mut node.value {
            Value::Object(members) if depth < 256 => {
                stack.extend(members.iter_mut().map(|m| (&mut m.value, depth + 1)));
            }
            Value::Array(items) if depth < 256 => {
                stack.extend(items.iter_mut().map(|n| (n, depth + 1)));
            }
            Value::Tagged(tagged) if depth < 256 => stack.push((&mut tagged.node, depth + 1)),
            _ => {}
        }
    }
    read
}

/// A fix that writes text for a scalar YAML 1.1 reads as a boolean or a number
/// (`StringEquals: no`, read as `false`) quotes it as written (`"no"`), the text meant,
/// not as YAML 1.1 reads it (`"false"`). Any other fix over such a scalar is dropped.
fn quote_yaml_1_1_fixes(text: &str, out: &mut [Diagnostic], read: &[TextRange]) {
    if read.is_empty() {
        return;
    }
    for d in out.iter_mut() {
        // What was written for the value, and what is written now, for the words too.
        let mut rewritten = Vec::new();
        d.fixes.retain_mut(|fix| {
            let kept = fix.edits.iter_mut().all(|e| {
                let Some(&at) = read
                    .iter()
                    .find(|r| r.start < e.range.end && e.range.start < r.end)
                else {
                    return true;
                };
                if e.range != at || !e.replacement.starts_with('"') {
                    return false;
                }
                let token = text.get(at.as_usize()).unwrap_or_default();
                let quoted = serde_json::Value::String(token.to_string()).to_string();
                let was = std::mem::replace(&mut e.replacement, quoted.clone());
                rewritten.push((was, quoted));
                true
            });
            for (was, quoted) in &rewritten {
                fix.title = fix.title.replace(was.as_str(), quoted);
            }
            kept
        });
        if let Some(help) = &mut d.help {
            for (was, quoted) in &rewritten {
                *help = help.replace(was.as_str(), quoted);
            }
        }
    }
}

/// Fills the `&{Name}` of the `Fn::ForEach` loops around a definition into its
/// strings and keys, as CloudFormation does: this turn's value without its
/// non-alphanumeric characters, or where the value is only known at deploy time,
/// `${Name}`, an unknown value. (`${Name}` itself is a substitution.)
fn fill_loop_aliases(node: &mut Node<'_>, loops: &Substitutions) {
    let fill = |s: &str| -> Option<String> {
        let mut out = s.to_string();
        for (id, value) in loops {
            let alias = format!("&{{{id}}}");
            if out.contains(&alias) {
                let by = match value {
                    Some(v) => template::alphanumeric(v),
                    None => format!("${{{id}}}"),
                };
                out = out.replace(&alias, &by);
            }
        }
        (out != s).then_some(out)
    };
    let mut stack = vec![(node, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        match &mut node.value {
            Value::String(s) => {
                if let Some(filled) = fill(s) {
                    *s = filled.into();
                }
            }
            Value::Object(members) if depth < 256 => {
                for m in members.iter_mut() {
                    if let Some(filled) = fill(&m.key) {
                        m.key = filled.into();
                    }
                    stack.push((&mut m.value, depth + 1));
                }
            }
            Value::Array(items) if depth < 256 => {
                stack.extend(items.iter_mut().map(|n| (n, depth + 1)));
            }
            Value::Tagged(tagged) if depth < 256 => stack.push((&mut tagged.node, depth + 1)),
            _ => {}
        }
    }
}

/// How the tool that deploys a referenced definition file fills its `${...}` tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Filling {
    /// `DefinitionSubstitutions` (SAM, CloudFormation), a map of names written out (or
    /// none): a name it does not give reaches AWS as written (ASL806).
    #[default]
    Substitutions,
    /// `DefinitionSubstitutions` that the template computes (`!If`, a `Ref`): a name
    /// it is not known to give may be one, a value known at deploy time (ASL801).
    SubstitutionsComputed,
    /// A Terraform template (`templatefile`, a `template_file` data source): every name
    /// must be a variable, or Terraform refuses to render it (ASL806).
    TerraformTemplate,
    /// A Terraform template whose variable map Terraform computes (`var.vars`,
    /// `merge(var.a, {...})`): a name it is not known to give may be one of its
    /// variables, a value known at deploy time; none is reported.
    TerraformTemplateComputedVars,
    /// Terraform's `file(...)`: nothing is filled in; a `${...}` reaches AWS as written
    /// (ASL806).
    Verbatim,
    /// The Serverless Framework's variables (`${sls:stage}`, `${env:NAME}`, ...), which
    /// it resolves at deploy time: a name left is unresolved (ASL801).
    Serverless,
}

impl Filling {
    /// Whether Terraform renders the file as a template (`templatefile`,
    /// `template_file`), its `%{ ... }` directives and `${...}` tokens.
    pub fn is_terraform_template(self) -> bool {
        matches!(
            self,
            Filling::TerraformTemplate | Filling::TerraformTemplateComputedVars
        )
    }

    /// The filling of a file that Terraform reads: `file(...)` as written, or rendered
    /// as a template with all its variables known or not.
    fn terraform(rendered: bool, vars_known: bool) -> Filling {
        match (rendered, vars_known) {
            (false, _) => Filling::Verbatim,
            (true, true) => Filling::TerraformTemplate,
            (true, false) => Filling::TerraformTemplateComputedVars,
        }
    }
}

impl Environment {
    fn substitutions(&self) -> Substitutions {
        self.values
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect()
    }
}

fn rule_meta(code: &str) -> &'static rules::RuleMeta {
    &rules::find(code)
        .expect("template rules are registered")
        .meta
}

fn report(code: &str, range: TextRange, message: String) -> Diagnostic {
    let meta = rule_meta(code);
    Diagnostic::new(meta.code, meta.severity, range, message)
}

/// Lints a document that is a definition itself (not a template).
pub fn lint_definition(
    text: &str,
    document: &Document<'_>,
    options: &LintOptions,
    env: &Environment,
) -> Vec<Diagnostic> {
    let subs = env.substitutions();
    let workflow = env.workflow.unwrap_or_default();
    lint_definition_with(text, document, options, env, Some(&subs), workflow)
}

/// [`lint_definition`] with the substitutions and workflow type given. `None`: every
/// `${...}` is computed by the tool that deploys the file (Terraform), an unknown value
/// never reported as unresolved (ASL801).
fn lint_definition_with(
    text: &str,
    document: &Document<'_>,
    options: &LintOptions,
    env: &Environment,
    subs: Option<&Substitutions>,
    workflow: WorkflowType,
) -> Vec<Diagnostic> {
    let mut out = lint_definition_unsuppressed(
        text,
        document,
        options,
        env,
        subs,
        workflow,
        Filling::Substitutions,
        None,
    );
    // Without substitutions, a Terraform heredoc or `jsonencode` definition.
    let origin = match subs {
        Some(_) => Unprocessed::File,
        None => Unprocessed::TerraformInline,
    };
    intrinsics_in_definition(text, document, options, origin, &mut out);
    apply_suppressions(text, document, options, &mut out);
    out
}

/// What deploys a definition that no CloudFormation template holds, for the help of
/// ASL811.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unprocessed {
    /// A file of its own: standalone, or named by a SAM or CloudFormation template.
    File,
    /// A file that Terraform's `templatefile` or `file` reads.
    TerraformFile,
    /// A Terraform heredoc or `jsonencode` definition.
    TerraformInline,
    /// The text of a template's definition (a `DefinitionString`, when `true`), which
    /// CloudFormation passes on as it is: it resolves the functions around the text
    /// (`Fn::Sub`, `Fn::Join`), not a `{"Ref": ...}` written inside it.
    Text(bool),
}

/// Reports (ASL811) the CloudFormation intrinsic functions of a definition that no
/// template processes, which reach Step Functions as written. A document without
/// `StartAt` or `States` at its top is not taken for a definition.
fn intrinsics_in_definition(
    text: &str,
    document: &Document<'_>,
    options: &LintOptions,
    origin: Unprocessed,
    out: &mut Vec<Diagnostic>,
) {
    let Some(root) = document.root.as_ref() else {
        return;
    };
    // Most definitions hold none: no walk without the text of one.
    let may_hold = text.contains("Fn::")
        || match document.kind {
            // (A `jsonencode` object's keys may be HCL names, unquoted.)
            SourceKind::Json if origin != Unprocessed::TerraformInline => text.contains("\"Ref\""),
            SourceKind::Json => text.contains("Ref"),
            SourceKind::Yaml => text.contains("Ref") || text.contains('!'),
        };
    if !may_hold
        || root.member("States").is_none() && root.member("StartAt").is_none()
        || !options.is_enabled(rule_meta("ASL811"))
    {
        return;
    }
    for found in references::intrinsics(root) {
        let place = match (&found.state, &found.field) {
            (Some(state), Some(field)) => format!("the {field} of state \"{state}\""),
            (Some(state), None) => format!("state \"{state}\""),
            (None, Some(field)) => format!("the top-level {field}"),
            (None, None) => "the definition".to_string(),
        };
        let container = match origin {
            Unprocessed::TerraformInline => "a Terraform definition",
            Unprocessed::Text(true) => "the text of a DefinitionString",
            Unprocessed::Text(false) => "definition text",
            Unprocessed::File | Unprocessed::TerraformFile => "a definition file",
        };
        let mut d = report(
            "ASL811",
            found.range,
            format!(
                "`{}` in {place} is not resolved in {container}: Step Functions gets it as written, not the value it stands for",
                found.name
            ),
        );
        let name = &found.placeholder;
        // The intrinsic as written, when it is short enough to quote in the help.
        let written = text
            .get(found.whole.as_usize())
            .filter(|w| w.len() <= 60 && !w.contains(['\n', '\r']));
        d.help = Some(match origin {
            Unprocessed::File => match written {
                Some(w) => format!(
                    "give the value in the template's DefinitionSubstitutions (`{name}: {w}`) and write `${{{name}}}` here"
                ),
                None => format!(
                    "give the value in the template's DefinitionSubstitutions (`{name}: ...`) and write `${{{name}}}` here"
                ),
            },
            Unprocessed::TerraformFile => format!(
                "Terraform does not resolve CloudFormation functions: read the file with `templatefile`, pass the value as the variable `{name}` and write `${{{name}}}` here"
            ),
            Unprocessed::TerraformInline => {
                "Terraform does not resolve CloudFormation functions: write a Terraform reference or variable here".to_string()
            }
            Unprocessed::Text(_) => format!(
                "CloudFormation passes the text on as it is: give the value in DefinitionSubstitutions (`{name}: {}`) and write `${{{name}}}` here",
                written.unwrap_or("...")
            ),
        });
        out.push(d);
    }
}

/// [`lint_definition_with`] before the file's suppression directives are applied.
#[allow(clippy::too_many_arguments)]
fn lint_definition_unsuppressed(
    text: &str,
    document: &Document<'_>,
    options: &LintOptions,
    env: &Environment,
    subs: Option<&Substitutions>,
    workflow: WorkflowType,
    filling: Filling,
    owner: Option<&str>,
) -> Vec<Diagnostic> {
    let none = Substitutions::new();
    // Without any `${` token there is nothing to resolve or report (ASL801).
    let placeholders = document
        .root
        .as_ref()
        .is_some_and(|root| may_have_placeholder(text) && has_placeholder(root));
    // Values that would come to too much are not filled in: they stay unknown.
    let too_large = match (document.root.as_ref(), subs) {
        (Some(root), Some(subs)) if placeholders => oversubstituted(text, root, subs),
        _ => None,
    };
    let mut out = match document.root.as_ref() {
        Some(root) if env.placeholders == PlaceholderMode::Unknown && placeholders => {
            let mut resolved = root.clone();
            let fill = match too_large {
                None => subs.unwrap_or(&none),
                Some(_) => &none,
            };
            let substituted = resolve_tree(&mut resolved, fill, env.placeholders);
            let mut errors = document.errors.clone();
            errors.extend(duplicates_made(&resolved, &substituted));
            let doc = Document {
                kind: document.kind,
                root: Some(resolved),
                errors,
                comments: Vec::new(),
                shared: document.shared.clone(),
            };
            // Fixes that would edit a substituted value are dropped by their edits, so
            // they are built in full here even when only their kinds are wanted.
            let mut out = if substituted.is_empty() {
                lint_document_as(text, &doc, options, workflow)
            } else {
                lint_document_as(text, &doc, &options.with_fix_edits(), workflow)
            };
            drop_fixes_in(&mut out, &substituted);
            if options.fix_kinds_only && !substituted.is_empty() {
                for f in out.iter_mut().flat_map(|d| &mut d.fixes) {
                    f.title = String::new();
                    f.edits = Vec::new();
                }
            }
            out
        }
        _ => lint_document_as(text, document, options, workflow),
    };
    if let Some(at) = too_large
        && options.is_enabled(rule_meta("ASL123"))
    {
        out.push(oversubstituted_report(text, at));
    }
    if let Some(root) = document.root.as_ref()
        && let Some(subs) = subs
        && placeholders
    {
        unresolved_in_tree(text, root, subs, env, options, filling, owner, &mut out);
    }
    out
}

/// Applies the suppression directives of a definition file (comments, and `Comment`
/// fields) to its diagnostics.
fn apply_suppressions(
    text: &str,
    document: &Document<'_>,
    options: &LintOptions,
    out: &mut Vec<Diagnostic>,
) {
    let mut directives = suppress::from_comments(text, &document.comments);
    if let Some(root) = document.root.as_ref()
        && suppress::may_have_directive(text)
    {
        directives.extend(suppress::from_comment_fields(text, root, &|r| r));
    }
    suppress::apply(out, &mut directives, text, options);
}

/// Lints a file that a template references ([`Reference`]), as the template deploys it.
///
/// Known values of `DefinitionSubstitutions` (and of asl-lint.toml's placeholder
/// values) are spliced into the text in place of their `${Name}` tokens, escaped for the
/// string they sit in, and the result is linted; a map brings every position back to
/// the file, so a diagnostic about a spliced value points at its placeholder. Names
/// whose value is an intrinsic (`!GetAtt`, `!Ref`, `Fn::Sub`, ...) are known but
/// computed at deploy time: unknown values of their kind, not reported. Names the
/// template does not give are unresolved (ASL801, info). Positions, fixes and
/// suppressions are the file's own.
pub fn lint_referenced(
    text: &str,
    kind: SourceKind,
    reference: &Reference,
    options: &LintOptions,
    env: &Environment,
) -> Vec<Diagnostic> {
    let options = &options.with_fix_edits();
    let mut document = syntax::parse(text, kind);
    let yaml_1_1 = reference.yaml_1_1 && kind == SourceKind::Yaml;
    let read_1_1 = match document.root.as_mut() {
        Some(root) if yaml_1_1 => read_as_yaml_1_1(text, root),
        _ => Vec::new(),
    };
    // A Terraform template whose `%{ for }` / `%{ if }` directives write its JSON or
    // YAML (a state per list item, a comma only between items) is not a definition
    // until Terraform renders it: read as written it is a flood of syntax errors.
    if reference.filling.is_terraform_template()
        && let Some(range) = terraform::unrendered_directive(text, document.errors.is_empty())
    {
        let mut out = Vec::new();
        if options.is_enabled(rule_meta("ASL803")) {
            out.push(written_by_directives(&reference.name, range));
        }
        apply_suppressions(text, &document, options, &mut out);
        return out;
    }
    let mut subs = env.substitutions();
    subs.extend(reference.substitutions.clone());
    // Values that would come to too much are not spliced in: the definition is linted
    // with them unknown, and ASL123 says where.
    let too_large = match document.root.as_ref() {
        Some(root) if may_have_placeholder(text) => oversubstituted(text, root, &subs),
        _ => None,
    };
    let splices = match document.root.as_ref() {
        Some(root) if may_have_placeholder(text) && too_large.is_none() => {
            splices(text, root, &subs)
        }
        _ => Vec::new(),
    };
    // Only `DefinitionSubstitutions` leave a name for later (ASL801); what Terraform
    // does not fill in is ASL806.
    let leaves_names = matches!(
        reference.filling,
        Filling::Substitutions | Filling::SubstitutionsComputed | Filling::Serverless
    );
    // Where the template's map gives every name it fills, one it does not give is
    // never filled (ASL806).
    let owner = (reference.filling == Filling::Substitutions).then(|| reference.shown());
    let owner = owner.as_deref();
    let mut out = if splices.is_empty() {
        let mut out = lint_definition_unsuppressed(
            text,
            &document,
            options,
            env,
            leaves_names.then_some(&subs),
            reference.workflow,
            reference.filling,
            owner,
        );
        // (Given the values, it says itself where they come to too much.)
        if let Some(at) = too_large
            && !leaves_names
            && options.is_enabled(rule_meta("ASL123"))
        {
            out.push(oversubstituted_report(text, at));
        }
        out
    } else {
        let spliced = Spliced::new(text, &splices);
        let mut inner = syntax::parse(&spliced.text, kind);
        let inner_out = match inner.root.take() {
            // What is left: computed values become unknowns; a value that could not be
            // spliced (e.g. one a YAML plain scalar cannot hold) is substituted in the
            // tree. The tree is resolved in place (no copy of a large definition).
            Some(mut root) => {
                if yaml_1_1 {
                    // (Its fixes are mapped back below, and checked there.)
                    read_as_yaml_1_1(&spliced.text, &mut root);
                }
                if may_have_placeholder(&spliced.text) {
                    resolve_tree(&mut root, &subs, env.placeholders);
                }
                let doc = Document {
                    kind,
                    root: Some(root),
                    errors: std::mem::take(&mut inner.errors),
                    comments: Vec::new(),
                    shared: std::mem::take(&mut inner.shared),
                };
                lint_document_as(&spliced.text, &doc, options, reference.workflow)
            }
            None => lint_document_as(&spliced.text, &inner, options, reference.workflow),
        };
        let mut out: Vec<Diagnostic> = inner_out
            .into_iter()
            .map(|d| map_spliced(d, &spliced.map, text))
            .collect();
        // A fix that writes the name a state has from a placeholder in its key (a
        // misspelt `Next` meant for `"${Step}"`) would write one deploy's value: none.
        if let Some(root) = document.root.as_ref() {
            let names = key_placeholder_names(root, &subs);
            if !names.is_empty() {
                let writes_name = |f: &crate::diagnostics::Fix| {
                    f.edits.iter().any(|e| {
                        let written = e.replacement.trim_matches(|c| c == '"' || c == '\'');
                        names.iter().any(|n| n == written)
                    })
                };
                for d in &mut out {
                    d.fixes.retain(|f| !writes_name(f));
                }
            }
        }
        if let Some(root) = document.root.as_ref()
            && leaves_names
        {
            unresolved_in_tree(
                text,
                root,
                &subs,
                env,
                options,
                reference.filling,
                owner,
                &mut out,
            );
        }
        out
    };
    // (A template's computed variables may be any names: none is judged.)
    if let Some(root) = document.root.as_ref()
        && !leaves_names
        && reference.filling != Filling::TerraformTemplateComputedVars
        && options.is_enabled(rule_meta("ASL806"))
        && may_have_placeholder(text)
    {
        unfilled_terraform_tokens(text, root, reference, &mut out);
    }
    if !reference.yaml_1_1 {
        drop_yaml_1_1_readings(&mut out);
    }
    quote_yaml_1_1_fixes(text, &mut out, &read_1_1);
    // The Serverless Framework puts what `${file(...)}` reads into the template it
    // makes: CloudFormation resolves its intrinsics.
    let origin = match reference.filling {
        Filling::Serverless => None,
        Filling::Substitutions | Filling::SubstitutionsComputed => Some(Unprocessed::File),
        Filling::TerraformTemplate | Filling::TerraformTemplateComputedVars | Filling::Verbatim => {
            Some(Unprocessed::TerraformFile)
        }
    };
    if let Some(origin) = origin {
        intrinsics_in_definition(text, &document, options, origin, &mut out);
    }
    apply_suppressions(text, &document, options, &mut out);
    crate::diagnostics::sort(&mut out);
    out
}

/// ASL803 at the first `%{ ... }` directive of a Terraform template (a file, a heredoc)
/// whose JSON or YAML the directives write: not checked.
fn written_by_directives(name: &str, range: TextRange) -> Diagnostic {
    let mut d = report(
        "ASL803",
        range,
        format!(
            "the definition of \"{name}\" is written by template directives (`%{{ ... }}`), which asl-lint does not evaluate; it was not checked"
        ),
    );
    d.help = Some(
        "build the states in Terraform and pass them with `jsonencode(...)`, or keep directives inside string values"
            .into(),
    );
    d
}

/// Reports (ASL806) the `${...}` tokens of a definition file that Terraform deploys and
/// will not fill in: in a template, a name that is not one of its variables (Terraform
/// refuses to render the template); in a file read by `file(...)`, every token (it
/// reaches AWS as written). A template's `$${` is a literal `${`; a token holding an
/// expression other than a variable (a function call), or a name a `%{ for }` loop
/// binds, is not judged.
fn unfilled_terraform_tokens(
    text: &str,
    root: &Node<'_>,
    reference: &Reference,
    out: &mut Vec<Diagnostic>,
) {
    let template = reference.filling.is_terraform_template();
    // Names that `%{ for x in ... }` / `%{ for k, v in ... }` bind are not variables of
    // the template, and are not judged; `%{ if }` binds none.
    let bound = if template {
        terraform::for_bound_names(text)
    } else {
        Vec::new()
    };
    // The variable a token's expression reads, when it reads one and nothing else.
    let variable = |expr: &str| -> Option<String> {
        let expr = expr.trim();
        let end = expr
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(expr.len());
        let (name, rest) = expr.split_at(end);
        let starts_ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        (starts_ok && (rest.is_empty() || rest.starts_with(['.', '[']))).then(|| name.to_string())
    };
    let mut flag = |range: TextRange, token: &str| {
        let inner = &token[2..token.len() - 1];
        let message = if template {
            let Some(name) = variable(inner) else { return };
            if reference.substitutions.contains_key(&name) || bound.contains(&name) {
                return;
            }
            format!(
                "`{name}` is not a variable of the template: Terraform refuses to render the definition of \"{}\" (vars map does not contain key \"{name}\")",
                reference.name
            )
        } else {
            format!(
                "`file` reads the definition of \"{}\" as written: `{token}` reaches AWS unfilled",
                reference.name
            )
        };
        let mut d = report("ASL806", range, message);
        d.help = Some(if template {
            format!(
                "give `{}` a value in the template variables, or write `$${{{}}}` for a literal `${{{0}}}`",
                variable(inner).unwrap_or_default(),
                inner.trim()
            )
        } else {
            "read the file with `templatefile(path, { ... })` to fill in its `${...}` tokens"
                .to_string()
        });
        out.push(d);
    };
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            Value::Placeholder(token) if template::is_whole_placeholder(token) => {
                flag(n.range, token)
            }
            Value::String(s) if has_dollar_brace(s) => {
                let Some(scalar) = ScalarMap::new(text, n) else {
                    continue;
                };
                for (range, _) in template::placeholder_tokens(s) {
                    // `$${` is a template's escape for a literal `${`.
                    if template && range.start > 0 && s.as_bytes()[range.start - 1] == b'$' {
                        continue;
                    }
                    flag(scalar.outer(range.clone()), &s[range]);
                }
            }
            _ => {}
        }
    }
}

/// The splices that put known values in place of their `${Name}` tokens: (range of
/// the token in `text`, the value written as the string around it writes text). A
/// token written with escapes, or a value its string cannot hold, is left out (the
/// tree is substituted instead).
fn splices(text: &str, root: &Node<'_>, subs: &Substitutions) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(members) => {
                stack.extend(members.iter().map(|m| &m.value));
                // A state named by a placeholder (`"${Step}": {...}`, with `"StartAt":
                // "${Step}"`): the key is filled in as the references to it are.
                for m in members.iter().filter(|m| has_dollar_brace(&m.key)) {
                    let key = Node {
                        range: m.key_range,
                        value: Value::String(m.key.clone()),
                    };
                    splice_string(text, &key, &m.key, subs, &mut out);
                }
            }
            Value::Placeholder(token) => {
                let name = token.trim_start_matches("${").trim_end_matches('}').trim();
                if let Some(Some(v)) = subs.get(name)
                    && text.get(n.range.as_usize()) == Some(&**token)
                {
                    // An unquoted placeholder: numbers and booleans as they are,
                    // anything else as a string (as `resolve_tree` reads it).
                    let literal = match serde_json::from_str::<serde_json::Value>(v) {
                        Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => {
                            v.trim().to_string()
                        }
                        _ => serde_json::to_string(v).unwrap_or_default(),
                    };
                    out.push((n.range, literal));
                }
            }
            Value::String(s) if has_dollar_brace(s) => splice_string(text, n, s, subs, &mut out),
            _ => {}
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// The splices of the known `${Name}` tokens in string `s`, the value (or key) `n`.
fn splice_string(
    text: &str,
    n: &Node<'_>,
    s: &str,
    subs: &Substitutions,
    out: &mut Vec<(TextRange, String)>,
) {
    let Some(scalar) = ScalarMap::new(text, n) else {
        return;
    };
    for (range, name) in template::placeholder_tokens(s) {
        let Some(Some(v)) = subs.get(name.trim()) else {
            continue;
        };
        let outer = scalar.outer(range.clone());
        if text.get(outer.as_usize()) != Some(&s[range.clone()]) {
            continue;
        }
        // A plain scalar cannot start with an indicator.
        if scalar.style == Style::Plain
            && range.start == 0
            && v.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        {
            continue;
        }
        if let Some(escaped) = sourcemap::escape(v, scalar.style) {
            out.push((outer, escaped));
        }
    }
}

/// A value of the wrong type (ASL113) that is a placeholder written in quotes
/// (`"Seconds": "${WaitSecs}"`): substitution replaces the text between the quotes, so
/// the value stays a string whatever is substituted. Says so.
fn quoted_placeholder_help(d: &mut Diagnostic, text: &str) {
    // (In place of ASL113's "write it as 30": that is the substituted value.)
    if d.code != "ASL113" {
        return;
    }
    let written = text.get(d.range.as_usize()).unwrap_or_default();
    let quoted = written.starts_with('"') || written.starts_with("\\\"");
    if quoted && written.contains("${") {
        d.help = Some(
            "the placeholder is inside quotes, so what is substituted stays a string: write it without the quotes"
                .into(),
        );
    }
}

/// Maps a diagnostic found in a spliced text back to the file. A fix is kept only when
/// none of its edits touches a spliced value.
fn map_spliced(mut d: Diagnostic, map: &SpliceMap, text: &str) -> Diagnostic {
    d.range = map.range(d.range);
    quoted_placeholder_help(&mut d, text);
    for l in &mut d.labels {
        l.range = map.range(l.range);
    }
    d.fixes = std::mem::take(&mut d.fixes)
        .into_iter()
        .filter_map(|f| {
            let edits = f
                .edits
                .iter()
                .map(|e| {
                    map.edit_range(e.range)
                        .map(|range| crate::diagnostics::Edit {
                            range,
                            replacement: e.replacement.clone(),
                        })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Fix { edits, ..f })
        })
        .collect();
    d
}

/// A state machine definition taken out of a template, as it would be deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployed {
    /// The state machine's name in the template (logical id, or `stateMachines.NAME`;
    /// in a Terraform file its `name`, else the resource's label).
    pub name: String,
    /// The name the state machine is deployed under, when the template writes it out
    /// (CloudFormation `StateMachineName`, SAM `Name`, Terraform `name`).
    pub aws_name: Option<String>,
    /// The definition's text (JSON, or the YAML of a referenced `.asl.yaml` file) with
    /// the known substitutions applied.
    pub text: String,
    pub workflow: WorkflowType,
    /// The file the definition came from: the referenced file for a `DefinitionUri`,
    /// else `None` (the template itself).
    pub file: Option<PathBuf>,
    /// The property that holds the definition, in the template.
    pub range: TextRange,
    /// The reference, for a definition in a referenced file.
    pub reference: Option<Reference>,
    /// The template's parameters have defaults, which may have filled the text: its
    /// lint (the template's) did not see those values.
    pub defaults: bool,
    /// The stand-ins a run put in place of values only the stack knows (`Ref Q =
    /// https://sqs...`), to be said.
    pub stand_ins: Vec<String>,
}

/// The error diagnostics that keep a [`Deployed`] definition from running, as
/// `line:column: CODE message`, at positions in the file it came from (the template, or
/// the referenced file), with that file's suppressions, for which `keep` is true.
/// `template_path` tells a Terraform file from a template.
pub fn deployed_errors(
    template_text: &str,
    template_path: Option<&str>,
    kind: SourceKind,
    base_dir: &std::path::Path,
    deployed: &Deployed,
    workflow: WorkflowType,
    keep: &dyn Fn(&Diagnostic) -> bool,
) -> Vec<String> {
    let options = LintOptions::default();
    let (text, diagnostics) = match &deployed.reference {
        Some(reference) => {
            let text = crate::files::read_to_string(&reference.path).unwrap_or_default();
            let kind = syntax::detect_kind(reference.path.to_str(), &text);
            let reference = Reference {
                workflow,
                ..reference.clone()
            };
            let d = lint_referenced(&text, kind, &reference, &options, &Environment::default());
            (std::borrow::Cow::Owned(text), d)
        }
        None => {
            let env = Environment {
                base_dir: Some(base_dir.to_path_buf()),
                only: Some(deployed.name.clone()),
                ..Environment::default()
            };
            let d = if template_path.is_some_and(terraform::is_terraform_path) {
                lint_terraform(template_text, &options, &env, &mut Vec::new())
            } else {
                crate::lint::lint_text_in(template_text, kind, &options, &env)
            };
            // Run as Standard (`simulate --type standard`), what Express lacks is no
            // error. (Run as Express, the template's Standard definition is linted as
            // the template gives it.)
            let express_only =
                workflow == WorkflowType::Standard && deployed.workflow == WorkflowType::Express;
            // Past an alias the reader refused to expand (an alias bomb), every later
            // alias reads as nothing: one in the definition would run as `null`.
            let definition = template_text
                .get(deployed.range.start as usize..deployed.range.end as usize)
                .unwrap_or("");
            let refused_alias = |d: &Diagnostic| {
                d.code == "ASL001"
                    && d.message.starts_with("alias `")
                    && d.message.contains("is not expanded")
                    && d.range.start < deployed.range.end
                    && definition.contains('*')
            };
            let d = d
                .into_iter()
                .filter(|d| {
                    (deployed.range.start <= d.range.start && d.range.end <= deployed.range.end)
                        || opens(template_text, d, deployed.range)
                        || refused_alias(d)
                })
                .filter(|d| !(express_only && d.code == "ASL407"))
                .collect();
            (std::borrow::Cow::Borrowed(template_text), d)
        }
    };
    let index = syntax::LineIndex::new(&text);
    diagnostics
        .iter()
        .filter(|d| keep(d))
        .map(|d| {
            let lc = index.line_col(&text, d.range.start);
            format!("{}:{}: {} {}", lc.line, lc.column, d.code, d.message)
        })
        .collect()
}

/// Whether `d` is a syntax error of what opens the definition at `range`, on the line
/// before it: a Terraform heredoc's `<<EOT` that is never closed.
fn opens(text: &str, d: &Diagnostic, range: TextRange) -> bool {
    d.code == "ASL001"
        && d.range.end <= range.start
        && text
            .get(d.range.end as usize..range.start as usize)
            .is_some_and(|between| between.matches('\n').count() <= 1)
}

/// The state machines of a parsed template, by name, in order (`None`: not a template).
pub fn state_machine_names(root: &Node<'_>) -> Option<Vec<String>> {
    let defs = template::find(root)?;
    let mut names: Vec<String> = Vec::new();
    for d in defs {
        if !names.contains(&d.name) {
            names.push(d.name);
        }
    }
    Some(names)
}

/// The name a template's state machine resource `logical_id` is deployed under, when
/// written as text: `StateMachineName` (CloudFormation) or `Name` (SAM).
fn deployed_name(root: &Node<'_>, logical_id: &str) -> Option<String> {
    let resource = root
        .get("Resources")
        .and_then(|r| r.get(logical_id))
        .or_else(|| {
            root.get("resources")
                .and_then(|r| r.get("Resources"))
                .and_then(|r| r.get(logical_id))
        })?;
    let props = resource.get("Properties")?;
    ["StateMachineName", "Name"]
        .iter()
        .find_map(|k| props.get(k).and_then(Node::as_str))
        .map(str::to_string)
}

/// Takes the definition of state machine `name` (optional when the template has only
/// one) out of a template, with `DefinitionSubstitutions` applied: an inline
/// `Definition`, a `DefinitionString`, or the local file a `DefinitionUri` names
/// (relative to `base_dir`). `Ok(None)` when `text` is not a template. The error says
/// why, listing the state machines there are when `name` is unknown or missing.
pub fn deployed_definition(
    text: &str,
    kind: SourceKind,
    base_dir: &std::path::Path,
    name: Option<&str>,
) -> Result<Option<Deployed>, String> {
    deployed_definition_in(text, kind, base_dir, name, None, &[])
}

/// [`deployed_definition`] for a run in a region and account (`Some((region,
/// account))`): what CloudFormation fills from them alone is filled, in an inline
/// definition (`!Ref AWS::Region`), in `DefinitionSubstitutions`
/// (`Region: !Ref AWS::Region`) and in the `Fn::Sub` of a `DefinitionString`
/// (`${AWS::Region}`). `parameters` (`NAME=VALUE` of `simulate --parameter`) take the
/// place of the template parameters' defaults, as a stack created with those values.
pub fn deployed_definition_in(
    text: &str,
    kind: SourceKind,
    base_dir: &std::path::Path,
    name: Option<&str>,
    pseudo: Option<(&str, &str)>,
    parameters: &[(String, String)],
) -> Result<Option<Deployed>, String> {
    let document = syntax::parse(text, kind);
    let Some(root) = document.root.as_ref() else {
        return Ok(None);
    };
    let Some(defs) = template::find(root) else {
        return Ok(None);
    };
    let names = state_machine_names(root).unwrap_or_default();
    let listed = || {
        if names.is_empty() {
            "the template defines no state machine".to_string()
        } else {
            format!("the state machines are: {}", names.join(", "))
        }
    };
    // A Serverless state machine is listed as `stateMachines.first`; `first` names it
    // too (as a Terraform resource's label does).
    let unique_suffix = |n: &str| {
        let mut found = names
            .iter()
            .filter(|x| x.rsplit_once('.').is_some_and(|(_, last)| last == n));
        match (found.next(), found.next()) {
            (Some(x), None) => Some(x.clone()),
            _ => None,
        }
    };
    let wanted = match name {
        Some(n) if names.iter().any(|x| x == n) => n.to_string(),
        Some(n) if unique_suffix(n).is_some() => unique_suffix(n).unwrap_or_default(),
        Some(n) => {
            return Err(format!(
                "no state machine named `{n}` in the template; {}",
                listed()
            ));
        }
        None if names.len() == 1 => names[0].clone(),
        None if names.is_empty() => return Err("the template defines no state machine".into()),
        None => {
            return Err(format!(
                "the template has {} state machines: choose one with --definition NAME; {}",
                names.len(),
                listed()
            ));
        }
    };
    let mut reasons = Vec::new();
    let serverless = template::is_serverless(root);
    let (mut functions, function_prefix, stage) = if serverless {
        template::serverless_functions(root)
    } else {
        (Vec::new(), String::new(), String::new())
    };
    functions.extend(template::lambda_functions(root));
    let qualified = template::lambda_aliases(root);
    let mut given = template::parameter_defaults(root);
    for (n, v) in parameters {
        given.retain(|(g, _)| g != n);
        given.push((n.clone(), v.clone()));
    }
    let lists = template::list_parameters(root);
    let resources = template::resource_types(root);
    let mappings = root.get("Mappings").map(Node::to_json);
    let stand_ins = std::cell::RefCell::new(Vec::new());
    let deploy = pseudo.map(|(region, account)| template::Deploy {
        region,
        account,
        functions: &functions,
        qualified: &qualified,
        parameters: &given,
        lists: &lists,
        resources: &resources,
        mappings: mappings.as_ref(),
        function_prefix: &function_prefix,
        stand_ins: Some(&stand_ins),
    });
    let parameters = &given;
    let aws_name = deployed_name(root, &wanted);
    for def in defs.iter().filter(|d| d.name == wanted) {
        let mut subs = def.substitutions.clone();
        if let Some(deploy) = &deploy {
            template::fill_pseudo_substitutions(&mut subs, def.substitution_node, deploy);
            // The Serverless Framework's own variables for the region and account.
            if serverless {
                let known = [
                    ("aws:region", deploy.region),
                    ("aws:accountId", deploy.account),
                    ("sls:stage", stage.as_str()),
                ];
                for (variable, value) in known {
                    if subs.get(variable).is_none_or(Option::is_none) {
                        subs.insert(variable.to_string(), Some(value.to_string()));
                    }
                }
            }
        }
        if let Body::File { uri, .. } = &def.body {
            for (name, value) in file_substitutions(Some(root), def, &base_dir.join(uri)) {
                subs.entry(name).or_insert(value);
            }
        }
        let deployed = |text: String, file: Option<PathBuf>| Deployed {
            name: wanted.clone(),
            aws_name: aws_name.clone(),
            text,
            workflow: def.workflow,
            reference: file.clone().map(|path| Reference {
                name: wanted.clone(),
                path,
                substitutions: subs.clone(),
                workflow: def.workflow,
                // As `check` reads the file (see `lint_template`): the Serverless
                // Framework's `${file(...)}` puts it into the template it makes, and a map
                // the template computes may give any name.
                filling: if template::is_serverless(root) {
                    Filling::Serverless
                } else if def.substitution_node.is_some_and(|n| !is_written_map(n)) {
                    Filling::SubstitutionsComputed
                } else {
                    Filling::Substitutions
                },
                yaml_1_1: reads_yaml_1_1(Some(root)),
                template: None,
            }),
            file,
            range: def.property.range(),
            defaults: !parameters.is_empty(),
            stand_ins: stand_ins.borrow().clone(),
        };
        match &def.body {
            Body::Inline(node) => {
                if let Some(at) = oversubstituted(text, node, &subs) {
                    return Err(not_built(&wanted, text, None, at));
                }
                let mut resolved = (*node).clone();
                if kind == SourceKind::Yaml && reads_yaml_1_1(Some(root)) {
                    read_as_yaml_1_1(text, &mut resolved);
                }
                if !def.loops.is_empty() {
                    fill_loop_aliases(&mut resolved, &def.loops);
                }
                let substituted = resolve_tree(&mut resolved, &subs, PlaceholderMode::Unknown);
                // A state-name key the defaults of parameters fill with another state's
                // name (the JSON built below would keep one of the two).
                if let Some(e) = duplicates_made(&resolved, &substituted).first() {
                    let at = crate::syntax::LineIndex::new(text).line_col(text, e.range.start);
                    return Err(format!(
                        "{}:{}: ASL002 {} once the substitutions of `{wanted}` fill it: a state machine cannot have two states of one name",
                        at.line, at.column, e.message
                    ));
                }
                let mut json = resolved.to_json();
                // `!Ref AWS::Region`, `!Sub "arn:${AWS::Partition}:..."` in the definition.
                if let Some(deploy) = &deploy {
                    template::fill_known(&mut json, deploy);
                }
                let json = serde_json::to_string_pretty(&json).unwrap_or_default();
                return Ok(Some(deployed(json, None)));
            }
            Body::Text(node) => match template::flatten_in(text, node, &subs, deploy.as_ref()) {
                Ok(e) => return Ok(Some(deployed(e.text, None))),
                Err(Unflattened::TooLarge(at)) => return Err(not_built(&wanted, text, None, at)),
                Err(reason) => reasons.push(format!("its {} is {reason}", def.property.key)),
            },
            Body::File { uri, .. } => {
                let path = base_dir.join(uri);
                if path.is_file() && !crate::files::in_project(base_dir, &path) {
                    return Err(format!(
                        "the {} of `{wanted}` names `{uri}`, outside the project: asl-lint does not read it",
                        def.property.key,
                    ));
                }
                match read_spliced(&path, &subs) {
                    Ok(spliced) => {
                        // The file's intrinsics (`Fn::GetAtt: [hello, Arn]`) take their
                        // values for a run, as an inline definition's do.
                        let kind = syntax::detect_kind(path.to_str(), &spliced);
                        let filled = deploy.as_ref().and_then(|deploy| {
                            let root = syntax::parse(&spliced, kind).root?;
                            let written = root.to_json();
                            let mut json = written.clone();
                            template::fill_known(&mut json, deploy);
                            (json != written)
                                .then(|| serde_json::to_string_pretty(&json).unwrap_or_default())
                        });
                        return Ok(Some(deployed(filled.unwrap_or(spliced), Some(path))));
                    }
                    Err(NotSpliced::TooLarge(e)) => return Err(not_built_text(&wanted, &e)),
                    Err(NotSpliced::Unreadable(e)) => {
                        return Err(format!(
                            "the {} of `{wanted}` names `{uri}`, which cannot be read ({e})",
                            def.property.key,
                        ));
                    }
                }
            }
            Body::Remote => reasons.push(format!("its {} is stored in S3", def.property.key)),
            Body::Unsupported { reason, .. } => {
                reasons.push(format!("its {} is {reason}", def.property.key))
            }
        }
    }
    Err(format!(
        "the definition of `{wanted}` cannot be read before deployment: {}",
        reasons.join("; ")
    ))
}

/// The substitutions of a definition file that `def` names: its own, and in a
/// Serverless Framework file the `${self:...}` variables of the file, which the
/// framework resolves against the file including it.
fn file_substitutions(
    root: Option<&Node<'_>>,
    def: &Definition<'_, '_>,
    path: &std::path::Path,
) -> Substitutions {
    let mut subs = def.substitutions.clone();
    if let Some(root) = root.filter(|r| template::is_serverless(r)) {
        for (name, value) in template::serverless_file_variables(root, path) {
            subs.entry(name).or_insert(value);
        }
    }
    subs
}

/// Why [`read_spliced`] gives no text.
enum NotSpliced {
    /// The file cannot be read: why, after its path.
    Unreadable(String),
    /// Its values would come to too much ([`MAX_SUBSTITUTED_BYTES`]): where, as
    /// [`past_the_limit_at`] says it.
    TooLarge(String),
}

/// The text of the definition file at `path` with the known substitutions spliced in,
/// or why there is none.
fn read_spliced(path: &std::path::Path, subs: &Substitutions) -> Result<String, NotSpliced> {
    let bytes = crate::files::read(path)
        .map_err(|e| NotSpliced::Unreadable(format!("{}: {e}", path.display())))?;
    // Bytes that are not UTF-8 text are refused with the reason, as a definition file
    // named on the command line is, not read with U+FFFD in their place.
    let decoded = syntax::decode(&bytes);
    if let Some(e) = decoded.error {
        return Err(NotSpliced::Unreadable(format!(
            "{}: {}",
            path.display(),
            e.message
        )));
    }
    let inner = decoded.text.into_owned();
    let inner_kind = syntax::detect_kind(path.to_str(), &inner);
    match filled_in(&inner, inner_kind, subs, Some(path)) {
        Ok(filled) => Ok(filled.unwrap_or(inner)),
        Err(e) => Err(NotSpliced::TooLarge(e)),
    }
}

/// A definition file's text with the placeholder values of asl-lint.toml
/// (`[placeholders] values`) filled in, as `check` reads it: `Ok(None)` when there is
/// nothing to fill (no value, no `${` token, or `mode = "literal"`). The error says where
/// the values would come to too much.
pub fn filled_with_values(
    text: &str,
    kind: SourceKind,
    env: &Environment,
    path: Option<&std::path::Path>,
) -> Result<Option<String>, String> {
    if env.values.is_empty() || env.placeholders != PlaceholderMode::Unknown {
        return Ok(None);
    }
    filled_in(text, kind, &env.substitutions(), path)
}

/// A definition's text with the known values of `subs` in place of their `${Name}`
/// tokens (as a template deploys a file it names): `Ok(None)` when nothing is filled.
/// The error says where the values would come to too much.
pub fn filled_in(
    text: &str,
    kind: SourceKind,
    subs: &Substitutions,
    path: Option<&std::path::Path>,
) -> Result<Option<String>, String> {
    if !may_have_placeholder(text) {
        return Ok(None);
    }
    let doc = syntax::parse(text, kind);
    let Some(root) = doc.root.as_ref() else {
        return Ok(None);
    };
    if let Some(at) = oversubstituted(text, root, subs) {
        return Err(past_the_limit_at(text, path, at));
    }
    let splices = splices(text, root, subs);
    Ok((!splices.is_empty()).then(|| Spliced::new(text, &splices).text))
}

/// The `${...}` token (its range in `text`) at which the values that `subs` fill into
/// the tree at `root` come to more than [`MAX_SUBSTITUTED_BYTES`], or `None`. Counted
/// before anything is filled in, over the tokens that [`resolve_tree`] and [`splices`]
/// fill, in the order they are written.
fn oversubstituted(text: &str, root: &Node<'_>, subs: &Substitutions) -> Option<TextRange> {
    if subs.values().all(Option::is_none) {
        return None;
    }
    let mut total = 0usize;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            Value::Placeholder(token) => {
                let name = token.trim_start_matches("${").trim_end_matches('}').trim();
                if let Some(Some(v)) = subs.get(name) {
                    total = total.saturating_add(v.len());
                    if total > MAX_SUBSTITUTED_BYTES {
                        return Some(n.range);
                    }
                }
            }
            Value::String(s) if has_dollar_brace(s) => {
                for (range, name) in template::placeholder_tokens(s) {
                    if let Some(Some(v)) = subs.get(name.trim()) {
                        total = total.saturating_add(v.len());
                        if total > MAX_SUBSTITUTED_BYTES {
                            let scalar = ScalarMap::new(text, n);
                            return Some(scalar.map_or(n.range, |m| m.outer(range)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Says that filling in the token at `at` in `text` brings the values substituted into
/// a definition past [`MAX_SUBSTITUTED_BYTES`].
fn past_the_limit(text: &str, at: TextRange) -> String {
    let token = text.get(at.as_usize()).unwrap_or("${...}");
    let shown = match token.char_indices().nth(60) {
        Some((end, _)) => format!("{}...", &token[..end]),
        None => token.to_string(),
    };
    format!(
        "filling in `{shown}` brings the values substituted into the definition past {} MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes)",
        MAX_SUBSTITUTED_BYTES >> 20
    )
}

/// [`past_the_limit`] with where the token is: `at line 3, column 7` of `text` (in
/// `file`, when it is not the file the message is about).
fn past_the_limit_at(text: &str, file: Option<&std::path::Path>, at: TextRange) -> String {
    let lc = syntax::LineIndex::new(text).line_col(text, at.start);
    let file = file.map_or(String::new(), |f| format!(" of {}", f.display()));
    format!(
        "at line {}, column {}{file}, {}",
        lc.line,
        lc.column,
        past_the_limit(text, at)
    )
}

/// ASL123 at the `${...}` token where the values filled into a definition pass
/// [`MAX_SUBSTITUTED_BYTES`]: they are not filled in, and the definition is linted
/// with them unknown.
fn oversubstituted_report(text: &str, at: TextRange) -> Diagnostic {
    let mut d = report(
        "ASL123",
        at,
        format!(
            "{}; the values are not filled in, and the rest is checked with them unknown",
            past_the_limit(text, at)
        ),
    );
    d.help = Some(
        "keep large values out of the definition (in S3, or in the execution input), or \
         fill them in at fewer places"
            .into(),
    );
    d
}

/// Why the definition of `name` is not built (to run or draw it): its values pass
/// [`MAX_SUBSTITUTED_BYTES`] at `at` in `text` (of `file`, when not the template).
fn not_built(name: &str, text: &str, file: Option<&std::path::Path>, at: TextRange) -> String {
    not_built_text(name, &past_the_limit_at(text, file, at))
}

fn not_built_text(name: &str, why: &str) -> String {
    format!("the definition of `{name}` is not built: {why}")
}

/// [`deployed_definition`] for a Terraform file: the state machine `name` (as
/// `aws_sfn_state_machine.LABEL`, `module.LABEL`, or the bare label when no other
/// machine has it; optional when the file has one), as Terraform would deploy it. What
/// Terraform computes (`${...}` interpolations, references in `jsonencode`) stays as
/// its text, a string, as an unresolved placeholder does in a template.
pub fn deployed_terraform(
    text: &str,
    base_dir: &std::path::Path,
    name: Option<&str>,
) -> Result<Deployed, String> {
    deployed_terraform_with(text, base_dir, name, &[])
}

/// [`deployed_terraform`] with the file's input variables filled (`var.NAME` in a
/// `jsonencode`, `${var.NAME}` in a heredoc or string): their defaults, or the values
/// `parameters` give (`simulate --parameter NAME=VALUE`), as `terraform apply -var`.
pub fn deployed_terraform_with(
    text: &str,
    base_dir: &std::path::Path,
    name: Option<&str>,
    parameters: &[(String, String)],
) -> Result<Deployed, String> {
    let variables = terraform::variable_values(text, parameters);
    let machines = terraform::find(text);
    let listed = || {
        if machines.is_empty() {
            "the file defines no state machine (aws_sfn_state_machine)".to_string()
        } else {
            let names: Vec<&str> = machines.iter().map(|m| m.name.as_str()).collect();
            format!("the state machines are: {}", names.join(", "))
        }
    };
    let label = |m: &terraform::Machine<'_>| m.name.rsplit('.').next().unwrap_or("").to_string();
    let chosen: Vec<&terraform::Machine<'_>> = match name {
        Some(n) => {
            let exact: Vec<_> = machines.iter().filter(|m| m.name == n).collect();
            if exact.is_empty() {
                machines.iter().filter(|m| label(m) == n).collect()
            } else {
                exact
            }
        }
        None => machines.iter().collect(),
    };
    let machine = match (chosen.as_slice(), name) {
        ([one], _) => *one,
        ([], Some(n)) => return Err(format!("no state machine named `{n}` here; {}", listed())),
        ([], None) => return Err(listed()),
        (_, Some(n)) => {
            return Err(format!(
                "`{n}` names more than one state machine: give the full name; {}",
                listed()
            ));
        }
        (several, None) => {
            return Err(format!(
                "the file has {} state machines: choose one with --definition NAME; {}",
                several.len(),
                listed()
            ));
        }
    };
    let deployed = |text: String,
                    file: Option<PathBuf>,
                    range: TextRange,
                    subs: Substitutions,
                    filling: Filling| Deployed {
        name: machine.aws_name.clone(),
        aws_name: Some(machine.aws_name.clone()),
        text,
        workflow: machine.workflow,
        reference: file.clone().map(|path| Reference {
            name: machine.name.clone(),
            path,
            substitutions: subs,
            workflow: machine.workflow,
            filling,
            yaml_1_1: false,
            template: None,
        }),
        file,
        range,
        defaults: false,
        stand_ins: Vec::new(),
    };
    let pretty =
        |root: &Node<'_>| serde_json::to_string_pretty(&root.to_json()).unwrap_or_default();
    match &machine.definition {
        terraform::Source::Heredoc { body } => {
            let json = terraform::unescape_template(&text[body.as_usize()]);
            let json = terraform::interpolate_variables(&json, &variables);
            let document = syntax::parse(&json, SourceKind::Json);
            let shown = document.root.as_ref().map_or(json.clone(), pretty);
            Ok(deployed(
                shown,
                None,
                *body,
                Substitutions::new(),
                Filling::Verbatim,
            ))
        }
        terraform::Source::Quoted { node } => {
            let json = node.as_str().unwrap_or_default().to_string();
            let json = terraform::interpolate_variables(&json, &variables);
            let document = syntax::parse(&json, SourceKind::Json);
            let shown = document.root.as_ref().map_or(json.clone(), pretty);
            Ok(deployed(
                shown,
                None,
                node.range,
                Substitutions::new(),
                Filling::Verbatim,
            ))
        }
        terraform::Source::Encoded { root } => Ok(deployed(
            {
                let mut json = root.to_json();
                terraform::fill_variables(&mut json, &variables);
                serde_json::to_string_pretty(&json).unwrap_or_default()
            },
            None,
            root.range,
            Substitutions::new(),
            Filling::Verbatim,
        )),
        terraform::Source::File {
            path,
            range,
            vars,
            vars_known,
            rendered,
        } => {
            let file = base_dir.join(path);
            if file.is_file() && !crate::files::in_project(base_dir, &file) {
                return Err(format!(
                    "the definition of `{}` names `{path}`, outside the project: asl-lint does not read it",
                    machine.name
                ));
            }
            // `templatefile("sm.json", { wait = var.wait })`: the variable's value.
            let mut vars = vars.clone();
            for (name, variable) in terraform::variable_arguments(text, *range) {
                if vars.get(&name).is_some_and(Option::is_none)
                    && let Some((_, value)) = variables.iter().find(|(v, _)| *v == variable)
                {
                    let shown = match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    vars.insert(name, Some(shown));
                }
            }
            let vars = &vars;
            let spliced = read_spliced(&file, vars).map_err(|e| match e {
                NotSpliced::TooLarge(e) => not_built_text(&machine.name, &e),
                NotSpliced::Unreadable(e) => format!(
                    "the definition of `{}` names `{path}`, which cannot be read ({e})",
                    machine.name
                ),
            })?;
            let filling = Filling::terraform(*rendered, *vars_known);
            if *rendered && terraform::has_directive(&spliced) {
                let kind = syntax::detect_kind(Some(&file.to_string_lossy()), &spliced);
                let parses = syntax::parse(&spliced, kind).errors.is_empty();
                if terraform::unrendered_directive(&spliced, parses).is_some() {
                    return Err(format!(
                        "the definition of `{}` (`{path}`) is written by template directives (`%{{ ... }}`), which asl-lint does not evaluate",
                        machine.name
                    ));
                }
            }
            // What `templatefile` renders: `$${` and `%%{` are a literal `${` and `%{`.
            let text = if *rendered {
                terraform::unescape_template(&spliced)
            } else {
                spliced
            };
            Ok(deployed(text, Some(file), *range, vars.clone(), filling))
        }
        terraform::Source::Directives { .. } => Err(format!(
            "the definition of `{}` is written by template directives (`%{{ ... }}`), which asl-lint does not evaluate",
            machine.name
        )),
        terraform::Source::Computed { what, .. } => Err(format!(
            "the definition of `{}` is {what}, which asl-lint does not evaluate",
            machine.name
        )),
    }
}

/// Lints every definition of a template, with positions in the template.
pub fn lint_template(
    text: &str,
    document: &Document<'_>,
    definitions: &[Definition<'_, '_>],
    options: &LintOptions,
    env: &Environment,
) -> Vec<Diagnostic> {
    lint_template_with_references(text, document, definitions, options, env, &mut Vec::new())
}

/// [`lint_template`], collecting the existing local files the definitions name
/// ([`Reference`]), which the caller lints with [`lint_referenced`].
pub fn lint_template_with_references(
    text: &str,
    document: &Document<'_>,
    definitions: &[Definition<'_, '_>],
    options: &LintOptions,
    env: &Environment,
    references: &mut Vec<Reference>,
) -> Vec<Diagnostic> {
    let options = &options.with_fix_edits();
    // The template's own syntax problems. (YAML 1.1 readings matter in the
    // definitions only, where they are looked for below.)
    let ctx = LintContext::new(text, document, None, None);
    let mut out = rules::run(&ctx, &|meta| {
        meta.code.starts_with("ASL0") && meta.code != "ASL006" && options.is_enabled(meta)
    });
    template_duplicate_keys(document, definitions, &mut out);
    // The Serverless Framework reads YAML 1.2 (js-yaml): `yes` is text to it too.
    let yaml_1_1 = reads_yaml_1_1(document.root.as_ref());
    let filling = match document.root.as_ref() {
        Some(root) if template::is_serverless(root) => Filling::Serverless,
        _ => Filling::Substitutions,
    };
    let mut directives = suppress::from_comments(text, &document.comments);
    let enabled = |code: &str| options.is_enabled(rule_meta(code));
    let parameters: Vec<String> = document
        .root
        .as_ref()
        .and_then(|r| r.get("Parameters"))
        .and_then(Node::as_object)
        .map_or(Vec::new(), |ps| {
            ps.iter().map(|p| p.key.to_string()).collect()
        });
    // A definition chosen by `Fn::If` is each of its values in turn: CloudFormation
    // may deploy any of them.
    let bodies: Vec<(&Definition<'_, '_>, std::borrow::Cow<'_, Body<'_, '_>>)> = definitions
        .iter()
        .filter(|def| env.only.as_ref().is_none_or(|only| *only == def.name))
        .flat_map(
            |def| match template::alternatives(def.property, &def.body) {
                Some(alternatives) => alternatives
                    .into_iter()
                    .map(|b| (def, std::borrow::Cow::Owned(b)))
                    .collect::<Vec<_>>(),
                None => vec![(def, std::borrow::Cow::Borrowed(&def.body))],
            },
        )
        .collect();
    for (def, body) in &bodies {
        let mut subs = env.substitutions();
        subs.extend(def.substitutions.clone());
        match &**body {
            Body::Inline(node) => {
                let mut resolved = (*node).clone();
                let read_1_1 = if yaml_1_1 && document.kind == SourceKind::Yaml {
                    read_as_yaml_1_1(text, &mut resolved)
                } else {
                    Vec::new()
                };
                if !def.loops.is_empty() {
                    fill_loop_aliases(&mut resolved, &def.loops);
                }
                // Values that would come to too much stay unknown (ASL123 says where).
                let too_large = oversubstituted(text, node, &subs);
                if let Some(at) = too_large
                    && enabled("ASL123")
                {
                    out.push(oversubstituted_report(text, at));
                }
                let none = Substitutions::new();
                let fill = if too_large.is_some() { &none } else { &subs };
                let substituted = resolve_tree(&mut resolved, fill, env.placeholders);
                let errors = duplicates_made(&resolved, &substituted);
                let doc = Document {
                    kind: document.kind,
                    root: Some(resolved),
                    errors,
                    comments: Vec::new(),
                    shared: document.shared.clone(),
                };
                let mut found = lint_choosing_states(text, &doc, options, def.workflow);
                if !yaml_1_1 {
                    drop_yaml_1_1_readings(&mut found);
                }
                drop_fixes_in(&mut found, &substituted);
                quote_yaml_1_1_fixes(text, &mut found, &read_1_1);
                out.extend(found);
                // (The Serverless Framework writes such a value into the JSON unquoted.)
                if filling != Filling::Serverless && enabled("ASL113") {
                    text_intrinsics_in_number_fields(text, node, &parameters, &mut out);
                }
                if enabled("ASL803") {
                    unreadable_states(def, node, &mut out);
                }
                // A template's own map (or none) gives every name it fills.
                let listed = def.substitution_node.is_none_or(is_written_map);
                let owner = (filling == Filling::Substitutions && listed)
                    .then(|| format!("\"{}\"", def.name));
                let owner = owner.as_deref();
                unresolved_in_tree(text, node, &subs, env, options, filling, owner, &mut out);
                directives.extend(suppress::from_comment_fields(text, node, &|r| r));
            }
            Body::Text(node) => {
                // CloudFormation types `Definition` as an object (SAM as a map): text
                // there, written out or built by `Fn::Sub`/`Fn::Join`, fails the
                // deployment. The text is still read below, so that the definition's
                // own problems show too.
                let text_as_object = def.property.key == "Definition" && enabled("ASL808");
                if text_as_object {
                    out.push(definition_given_as_text(def, node));
                }
                let flattened = template::flatten(text, node, &subs).or_else(|e| match e {
                    // Values that would come to too much stay `${...}` tokens, unknown.
                    Unflattened::TooLarge(at) => {
                        if enabled("ASL123") {
                            out.push(oversubstituted_report(text, at));
                        }
                        template::flatten_unfilled(text, node, &subs)
                    }
                    e => Err(e),
                });
                match flattened {
                    // The whole definition is a value given at deploy time (`!Sub "${Def}"`
                    // with a parameter `Def`): nothing to read here (and nothing more to say
                    // when it is a `Definition`, which cannot take text at all).
                    Ok(embedded) if template::is_whole_placeholder(embedded.text.trim()) => {
                        if enabled("ASL803") && !text_as_object {
                            let reason = format!(
                                "`{}`, a value only given at deploy time",
                                embedded.text.trim()
                            );
                            out.push(unreadable(def, node, &reason));
                        }
                    }
                    Ok(embedded) => {
                        let inner = &embedded.text;
                        let kind = syntax::detect_kind(None, inner);
                        // Step Functions reads a DefinitionString as JSON; YAML text (or JSON
                        // after a `#` comment) is refused. It is still read as YAML here, so
                        // that its other problems show too.
                        // (Not when the text starts with a value known at deploy time: the
                        // whole definition, or its first part, passed in as a parameter.)
                        if kind == SourceKind::Yaml
                            && def.property.key == "DefinitionString"
                            && enabled("ASL808")
                            && !inner.trim_start().starts_with("${")
                            && embedded
                                .map
                                .style_at((inner.len() - inner.trim_start().len()) as u32)
                                != Style::Synthetic
                            && let Some(at) = inner.find(|c: char| !c.is_whitespace())
                        {
                            let first = crate::rules::char_at(inner, at as u32);
                            let mut d = report(
                                "ASL808",
                                embedded.map.range(first),
                                if inner[at..].starts_with('#') {
                                    format!(
                                        "the DefinitionString of \"{}\" starts with a `#` comment: Step Functions reads it as JSON, which has no comments, and refuses it",
                                        def.name
                                    )
                                } else {
                                    format!(
                                        "the DefinitionString of \"{}\" holds YAML: Step Functions reads it as JSON and refuses it",
                                        def.name
                                    )
                                },
                            );
                            d.help = Some(
                            "write the definition as JSON, or give it as an object under `Definition`"
                                .to_string(),
                        );
                            out.push(d);
                        }
                        let inner_doc = syntax::parse(inner, kind);
                        let mut inner_out = match inner_doc.root.as_ref() {
                            Some(root) if env.placeholders == PlaceholderMode::Unknown => {
                                let mut resolved = root.clone();
                                resolve_tree(
                                    &mut resolved,
                                    &Substitutions::new(),
                                    env.placeholders,
                                );
                                let doc = Document {
                                    kind,
                                    root: Some(resolved),
                                    errors: inner_doc.errors.clone(),
                                    comments: Vec::new(),
                                    shared: inner_doc.shared.clone(),
                                };
                                lint_document_as(inner, &doc, options, def.workflow)
                            }
                            _ => lint_document_as(inner, &inner_doc, options, def.workflow),
                        };
                        // Text that CloudFormation passes on as it is, not YAML it reads
                        // (YAML here is ASL808).
                        drop_yaml_1_1_readings(&mut inner_out);
                        // Text that ASL808 refuses as a `Definition` and that holds no
                        // definition either (`Definition: '{}'`, or `''`): one finding says it.
                        if text_as_object {
                            let empty = inner.trim().is_empty();
                            inner_out
                                .retain(|d| d.code != "ASL100" && !(empty && d.code == "ASL001"));
                        }
                        // A `{"Ref": ...}` written inside the text is not resolved. (A
                        // Serverless Framework file's text is not a template's: left alone.)
                        if filling != Filling::Serverless {
                            let origin = Unprocessed::Text(def.property.key == "DefinitionString");
                            intrinsics_in_definition(
                                inner,
                                &inner_doc,
                                options,
                                origin,
                                &mut inner_out,
                            );
                        }
                        if env.placeholders == PlaceholderMode::Unknown && enabled("ASL801") {
                            let mut seen = HashSet::new();
                            for (range, name) in template::placeholder_tokens(inner) {
                                // Known but computed: a DefinitionSubstitutions key or an
                                // `Fn::Sub` variable whose value is an intrinsic, or an
                                // intrinsic part of an `Fn::Join`.
                                let computed = subs.contains_key(name.trim())
                                    || embedded.computed.iter().any(|c| c == name.trim())
                                    || embedded.map.style_at(range.start as u32)
                                        == Style::Synthetic;
                                if !computed && seen.insert(name) {
                                    let range = TextRange::from_usize(range.start, range.end);
                                    // `${!Name}` as the template writes it, for its message.
                                    let written = text
                                        .get(embedded.map.range(range).as_usize())
                                        .filter(|w| w.starts_with("${!"));
                                    let token = written.unwrap_or(&inner[range.as_usize()]);
                                    inner_out.push(unresolved(&range, token, filling));
                                }
                            }
                        }
                        // Fixes are placed by the tree the reader recovered: in a definition
                        // that does not read, that tree may not be what the author meant
                        // (as for a file, see `fix::reads`).
                        if !crate::fix::reads_without(&inner_doc.errors) {
                            for d in &mut inner_out {
                                d.fixes.clear();
                            }
                        }
                        let map = &embedded.map;
                        let map_range = |r: TextRange| map.range(r);
                        if let Some(root) = inner_doc.root.as_ref() {
                            directives
                                .extend(suppress::from_comment_fields(inner, root, &map_range));
                        }
                        out.extend(inner_out.into_iter().map(|d| {
                            let mut d = map_diagnostic(d, map, inner, text);
                            // An empty string maps nowhere: the finding is the value's.
                            if inner.is_empty() {
                                d.range = node.range;
                            }
                            d
                        }));
                    }
                    Err(reason) if enabled("ASL803") => {
                        out.push(unreadable(def, node, &reason.to_string()));
                    }
                    Err(_) => {}
                }
            }
            Body::File { uri, node } => {
                if let Some(dir) = &env.base_dir {
                    let subject = format!("{} of \"{}\"", def.property.key, def.name);
                    match named_file(dir, uri, node.range, &subject, "template's", env) {
                        Ok(path) => references.push(Reference {
                            name: def.name.clone(),
                            substitutions: file_substitutions(document.root.as_ref(), def, &path),
                            path,
                            workflow: def.workflow,
                            // A map the template computes may give any name.
                            filling: match def.substitution_node {
                                Some(n)
                                    if filling == Filling::Substitutions && !is_written_map(n) =>
                                {
                                    Filling::SubstitutionsComputed
                                }
                                _ => filling,
                            },
                            yaml_1_1,
                            template: env.file.clone(),
                        }),
                        Err(d) if enabled(d.code) => out.push(*d),
                        Err(_) => {}
                    }
                }
            }
            // Nothing to read, but said, as for a definition computed at deploy time:
            // a template whose only definition is in S3 does not pass as checked.
            Body::Remote if enabled("ASL803") => {
                out.push(unreadable(def, &def.property.value, "stored in S3"));
            }
            Body::Remote => {}
            Body::Unsupported {
                node,
                reason,
                wrong_type: true,
            } => {
                if enabled("ASL808") {
                    let mut d = report(
                        "ASL808",
                        node.range,
                        format!(
                            "the {} of \"{}\" is {reason}: CloudFormation takes {}",
                            def.property.key,
                            def.name,
                            if def.property.key == "DefinitionString" {
                                "a string, the definition's JSON text"
                            } else {
                                "an object, the definition itself"
                            }
                        ),
                    );
                    d.help = Some(if def.property.key == "DefinitionString" {
                        "write the definition under `Definition` to give it as an object, or quote its JSON".to_string()
                    } else {
                        "write the definition as an object with StartAt and States".to_string()
                    });
                    out.push(d);
                }
            }
            Body::Unsupported { node, reason, .. } if enabled("ASL803") => {
                out.push(unreadable(def, node, reason));
            }
            Body::Unsupported { .. } => {}
        }
    }
    if enabled("ASL807") {
        undefined_references(text, document, &mut out);
    }
    if enabled("ASL809") {
        unknown_functions(document, &mut out);
    }
    if enabled("ASL810") && document.kind == SourceKind::Yaml {
        yaml_aliases(text, document, &mut out);
    }
    suppress::apply(&mut out, &mut directives, text, options);
    out
}

/// The two values of a state chosen by `Fn::If` (`A: !If [Prod, {...}, {...}]`),
/// each a state written out or `!Ref AWS::NoValue` (`None`: no state of that name).
/// `None` for anything else.
fn state_choices<'a, 's>(node: &'a Node<'s>) -> Option<[Option<&'a Node<'s>>; 2]> {
    let (name, arg) = template::intrinsic(node)?;
    let [_, a, b] = arg.as_array()? else {
        return None;
    };
    if name != "If" {
        return None;
    }
    let choice = |n: &'a Node<'s>| match template::intrinsic(n) {
        Some((name, arg)) if name == "Ref" && arg.as_str() == Some("AWS::NoValue") => Some(None),
        None if n.as_object().is_some() => Some(Some(n)),
        _ => None,
    };
    Some([choice(a)?, choice(b)?])
}

/// The states of each scope under `scope` (its own, a Parallel's branches, a Map's
/// processor), nested at most 64 deep: what [`for_each_scope`] changes, to look at.
fn state_scopes<'a, 's>(scope: &'a Node<'s>) -> Vec<&'a [Member<'s>]> {
    let mut out = Vec::new();
    let mut pending = vec![(scope, 0usize)];
    while let Some((scope, depth)) = pending.pop() {
        let Some(states) = scope.get("States").and_then(Node::as_object) else {
            continue;
        };
        out.push(states);
        if depth >= 64 {
            continue;
        }
        for state in states {
            for b in state
                .value
                .get("Branches")
                .and_then(Node::as_array)
                .unwrap_or(&[])
            {
                pending.push((b, depth + 1));
            }
            for key in ["Iterator", "ItemProcessor"] {
                if let Some(inner) = state.value.get(key) {
                    pending.push((inner, depth + 1));
                }
            }
        }
    }
    out
}

/// The scopes of states under `scope` (its own, a Parallel's branches, a Map's
/// processor), for `each` to look at or change; nested at most 64 deep.
fn for_each_scope(scope: &mut Node<'_>, depth: usize, each: &mut dyn FnMut(&mut Vec<Member<'_>>)) {
    let Value::Object(members) = &mut scope.value else {
        return;
    };
    let Some(states) = members.iter_mut().rev().find(|m| m.key == "States") else {
        return;
    };
    let Value::Object(states) = &mut states.value.value else {
        return;
    };
    each(states);
    if depth >= 64 {
        return;
    }
    for state in states.iter_mut() {
        let Value::Object(fields) = &mut state.value.value else {
            continue;
        };
        for field in fields.iter_mut() {
            match (&*field.key, &mut field.value.value) {
                ("Branches", Value::Array(branches)) => {
                    for b in branches {
                        for_each_scope(b, depth + 1, each);
                    }
                }
                ("Iterator" | "ItemProcessor", _) => {
                    for_each_scope(&mut field.value, depth + 1, each)
                }
                _ => {}
            }
        }
    }
}

/// ASL803 at a state given by an intrinsic that asl-lint does not read (a `Ref`, an
/// `Fn::If` with a value that is not a state written out): that part of the
/// definition is not checked, and is said so rather than passed over.
fn unreadable_states(def: &Definition<'_, '_>, node: &Node<'_>, out: &mut Vec<Diagnostic>) {
    for states in state_scopes(node) {
        for m in states {
            if state_choices(&m.value).is_some() {
                continue;
            }
            let Some((name, _)) = template::intrinsic(&m.value) else {
                continue;
            };
            let what = match name.as_str() {
                "Ref" => "a `Ref`".to_string(),
                "If" => "an `Fn::If` with a value that is not a state written out".to_string(),
                _ => format!("an `Fn::{name}`"),
            };
            out.push(report(
                "ASL803",
                m.value.range,
                format!(
                    "state \"{}\" of \"{}\" is {what}, which asl-lint cannot read before deployment; it was not checked",
                    m.key, def.name
                ),
            ));
        }
    }
}

/// Lints a definition whose states may be chosen by `Fn::If`: once with the first
/// value of each such `Fn::If`, once with the second (a state of `!Ref AWS::NoValue`
/// left out), as CloudFormation may deploy either. A finding inside an `Fn::If` is
/// its value's, kept from the run that chose it; one elsewhere is kept where every
/// run has it (a state that only one choice leads to is not unreachable).
fn lint_choosing_states(
    text: &str,
    doc: &Document<'_>,
    options: &LintOptions,
    workflow: WorkflowType,
) -> Vec<Diagnostic> {
    let Some(root) = doc.root.as_ref() else {
        return lint_document_as(text, doc, options, workflow);
    };
    let mut chosen: Vec<TextRange> = Vec::new();
    for states in state_scopes(root) {
        chosen.extend(
            states
                .iter()
                .filter(|m| state_choices(&m.value).is_some())
                .map(|m| m.value.range),
        );
    }
    if chosen.is_empty() {
        return lint_document_as(text, doc, options, workflow);
    }
    let runs: Vec<Vec<Diagnostic>> = (0..2)
        .map(|k| {
            let mut root = root.clone();
            for_each_scope(&mut root, 0, &mut |states| {
                states.retain_mut(|m| match state_choices(&m.value) {
                    Some(choices) => match choices[k] {
                        Some(state) => {
                            m.value = state.clone();
                            true
                        }
                        None => false,
                    },
                    None => true,
                });
            });
            let variant = Document {
                kind: doc.kind,
                root: Some(root),
                errors: doc.errors.clone(),
                comments: Vec::new(),
                shared: doc.shared.clone(),
            };
            lint_document_as(text, &variant, options, workflow)
        })
        .collect();
    let inside = |d: &Diagnostic| {
        chosen
            .iter()
            .any(|c| c.start <= d.range.start && d.range.end <= c.end)
    };
    let same = |a: &Diagnostic, b: &Diagnostic| {
        a.code == b.code && a.range == b.range && a.message == b.message
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    for run in &runs {
        for d in run {
            let kept = if inside(d) {
                true
            } else {
                runs.iter().all(|other| other.iter().any(|o| same(o, d)))
            };
            if kept && !out.iter().any(|o| same(o, d)) {
                out.push(d.clone());
            }
        }
    }
    out
}

/// The number fields of a definition, each with whether it takes any number (`true`)
/// or an integer: at the top, in a state, in a retrier, an `ItemBatcher` and a
/// `ReaderConfig`.
const TOP_NUMBERS: &[(&str, bool)] = &[("TimeoutSeconds", false)];
const STATE_NUMBERS: &[(&str, bool)] = &[
    ("Seconds", false),
    ("TimeoutSeconds", false),
    ("HeartbeatSeconds", false),
    ("MaxConcurrency", false),
    ("ToleratedFailureCount", false),
    ("ToleratedFailurePercentage", true),
];
const RETRY_NUMBERS: &[(&str, bool)] = &[
    ("IntervalSeconds", false),
    ("MaxAttempts", false),
    ("BackoffRate", true),
    ("MaxDelaySeconds", false),
];
const BATCH_NUMBERS: &[(&str, bool)] = &[
    ("MaxItemsPerBatch", false),
    ("MaxInputBytesPerBatch", false),
];
const READER_NUMBERS: &[(&str, bool)] = &[("MaxItems", false)];

/// ASL113 at an intrinsic that gives a string where the definition takes a number:
/// `Seconds: !Ref WaitTime`. CloudFormation's `Ref` of a parameter is a string even
/// when its `Type` is `Number` (as is every `Ref`, `Fn::Sub` and `Fn::Join`), and
/// Step Functions refuses the definition ("SCHEMA_VALIDATION_FAILED: Expected value
/// of type Integer"). Elsewhere such an intrinsic is an unknown value of any type.
fn text_intrinsics_in_number_fields(
    text: &str,
    root: &Node<'_>,
    parameters: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let mut check = |node: &Node<'_>, fields: &[(&str, bool)]| {
        for (field, any_number) in fields {
            let Some(value) = node.get(field) else {
                continue;
            };
            let Some((name, arg)) = template::intrinsic(value) else {
                continue;
            };
            let written = text.get(value.range.as_usize()).unwrap_or_default();
            let what = match name.as_str() {
                "Ref" => match arg.as_str() {
                    Some(p) if parameters.iter().any(|x| x == p) => format!(
                        "`{written}` gives a string: the Ref of a parameter is its value as text, even when the parameter's Type is Number"
                    ),
                    _ => format!("`{written}` gives a string"),
                },
                "Sub" | "Join" => format!("`Fn::{name}` makes a string"),
                _ => continue,
            };
            let kind = if *any_number {
                "a number"
            } else {
                "an integer"
            };
            let mut d = report(
                "ASL113",
                value.range,
                format!(
                    "'{field}' must be {kind}, but {what}; Step Functions refuses the definition"
                ),
            );
            d.help = Some(
                "write the number itself, or give the definition as a `DefinitionString: !Sub` with the `${Name}` unquoted"
                    .to_string(),
            );
            out.push(d);
        }
    };
    check(root, TOP_NUMBERS);
    let jsonata = |n: &Node<'_>| n.get("QueryLanguage").and_then(Node::as_str) == Some("JSONata");
    let top_jsonata = jsonata(root);
    let mut scopes = vec![(root, 0usize)];
    while let Some((scope, depth)) = scopes.pop() {
        let Some(states) = scope.get("States").and_then(Node::as_object) else {
            continue;
        };
        for state in states {
            let state = &state.value;
            for retrier in state.get("Retry").and_then(Node::as_array).unwrap_or(&[]) {
                check(retrier, RETRY_NUMBERS);
            }
            // A JSONata state takes a `{% ... %}` string in these fields, which a
            // parameter or an `Fn::Sub` may well give.
            let query = state.get("QueryLanguage").and_then(Node::as_str);
            if query != Some("JSONata") && (query.is_some() || !top_jsonata) {
                check(state, STATE_NUMBERS);
                if let Some(batcher) = state.get("ItemBatcher") {
                    check(batcher, BATCH_NUMBERS);
                }
                if let Some(config) = state.get("ItemReader").and_then(|r| r.get("ReaderConfig")) {
                    check(config, READER_NUMBERS);
                }
            }
            if depth >= 64 {
                continue;
            }
            for branch in state
                .get("Branches")
                .and_then(Node::as_array)
                .unwrap_or(&[])
            {
                scopes.push((branch, depth + 1));
            }
            for key in ["Iterator", "ItemProcessor"] {
                if let Some(inner) = state.get(key) {
                    scopes.push((inner, depth + 1));
                }
            }
        }
    }
}

/// ASL002 on a key of a CloudFormation or SAM template outside its state machine
/// definitions is a warning: CloudFormation keeps the last of duplicate keys (as the
/// message says), and nothing of a state machine is lost. In a definition (or naming
/// one) it stays an error, as in a definition file; in a Serverless Framework file
/// too, whose YAML reader (js-yaml) refuses duplicate keys.
fn template_duplicate_keys(
    document: &Document<'_>,
    definitions: &[Definition<'_, '_>],
    out: &mut [Diagnostic],
) {
    if document
        .root
        .as_ref()
        .is_none_or(|root| template::is_serverless(root))
    {
        return;
    }
    let in_definition = |r: TextRange| {
        definitions.iter().any(|def| {
            let within = def.property.range();
            within.start <= r.start && r.end <= within.end
        })
    };
    for d in out.iter_mut().filter(|d| d.code == "ASL002") {
        if in_definition(d.range) || d.labels.iter().any(|l| in_definition(l.range)) {
            continue;
        }
        d.severity = Severity::Warning;
        if document.kind == SourceKind::Yaml {
            d.help = Some(
                "remove one: CloudFormation keeps the last, but the YAML reader of `aws cloudformation package` and `deploy` refuses duplicate keys"
                    .to_string(),
            );
        }
    }
}

/// The state machine definitions of a CloudFormation or SAM template (`Definition`,
/// `DefinitionString`) and their `DefinitionSubstitutions`: none for a Serverless
/// Framework file.
fn definition_properties<'a, 's>(document: &'a Document<'s>) -> Vec<&'a Node<'s>> {
    let Some(root) = document.root.as_ref() else {
        return Vec::new();
    };
    if template::is_serverless(root) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for res in root
        .get("Resources")
        .and_then(Node::as_object)
        .unwrap_or(&[])
    {
        let machine = matches!(
            res.value.get("Type").and_then(Node::as_str),
            Some("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine")
        );
        let Some(props) = res.value.get("Properties").filter(|_| machine) else {
            continue;
        };
        for key in ["DefinitionSubstitutions", "Definition", "DefinitionString"] {
            found.extend(props.get(key));
        }
    }
    found
}

/// Reports (ASL809) the intrinsic functions CloudFormation does not have in the
/// definitions of a template: a misspelled tag (`!GetAttr`) or key (`Fn::Subb`).
fn unknown_functions(document: &Document<'_>, out: &mut Vec<Diagnostic>) {
    for node in definition_properties(document) {
        for u in references::unknown_functions(node) {
            let mut d = report(
                "ASL809",
                u.range,
                format!("CloudFormation has no intrinsic function \"{}\"", u.name),
            );
            d.help = Some(match u.suggestion {
                Some(s) => format!("did you mean {s}?"),
                None => "CloudFormation refuses the template: Encountered unsupported function"
                    .to_string(),
            });
            out.push(d);
        }
    }
}

/// Reports (ASL810) the YAML aliases (`*name`) and merge keys (`<<`) in the definitions
/// of a CloudFormation template, which the service refuses. Not in a SAM template
/// (`sam deploy` expands them) nor in a Serverless Framework file.
fn yaml_aliases(text: &str, document: &Document<'_>, out: &mut Vec<Diagnostic>) {
    let sam = document
        .root
        .as_ref()
        .and_then(|r| r.get("Transform"))
        .is_some_and(|t| match &t.value {
            Value::String(s) => s.starts_with("AWS::Serverless"),
            Value::Array(items) => items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"))),
            _ => false,
        });
    if sam {
        return;
    }
    let mut found: Vec<TextRange> = Vec::new();
    for node in definition_properties(document) {
        // (What an alias copies keeps the ranges of the anchored text.)
        found.extend(
            node.descendants(256)
                .into_iter()
                .filter(|n| {
                    text.get(n.range.as_usize())
                        .is_some_and(|t| t.starts_with('*'))
                })
                .map(|n| n.range),
        );
        // Merge keys leave no node: find them in the text (a `<<:` key of a line).
        let start = node.range.start as usize;
        let Some(region) = text.get(node.range.as_usize()) else {
            continue;
        };
        let mut offset = 0;
        for line in region.split_inclusive('\n') {
            let body = line.trim_start_matches([' ', '\t']);
            let body = body.strip_prefix("- ").map_or(body, |b| b.trim_start());
            // (Only a merge of aliases: an anchor alone is accepted.)
            if let Some(rest) = body.strip_prefix("<<")
                && let Some(value) = rest.trim_start().strip_prefix(':')
                && (value.trim_start().starts_with('*')
                    || value.trim_start().starts_with('[') && value.contains('*'))
            {
                let at = start + offset + (line.len() - body.len());
                found.push(TextRange::from_usize(at, at + 2));
            }
            offset += line.len();
        }
    }
    found.sort_by_key(|r| r.start);
    found.dedup();
    for range in found {
        let what = if text.get(range.as_usize()) == Some("<<") {
            "a YAML merge key"
        } else {
            "a YAML alias"
        };
        let mut d = report(
            "ASL810",
            range,
            format!(
                "CloudFormation refuses {what} in a template (\"YAML aliases are not allowed in CloudFormation templates\")"
            ),
        );
        d.help = Some(
            "deploy through `aws cloudformation package` (or `sam deploy`), which writes the values out, or write them out here".into(),
        );
        out.push(d);
    }
}

/// Reports (ASL807) the names that the definitions of a CloudFormation or SAM template
/// and their `DefinitionSubstitutions` refer to (`Fn::Sub`, `Ref`, `Fn::GetAtt`) and
/// the template does not define. A placeholder so reported is not also reported as unresolved (ASL801).
fn undefined_references(text: &str, document: &Document<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = document.root.as_ref() else {
        return;
    };
    let Some(names) = references::Names::of(root) else {
        return;
    };
    let mut found = Vec::new();
    for node in definition_properties(document) {
        found.extend(names.undefined(text, node));
    }
    if found.is_empty() {
        return;
    }
    // The found ranges by start, to look up each ASL801 among them (not compare it
    // with every one: both are one per state machine in a template of many).
    let mut starts: Vec<TextRange> = found.iter().map(|u| u.range).collect();
    starts.sort_by_key(|r| r.start);
    // The furthest end of the ranges up to each one.
    let reach: Vec<u32> = starts
        .iter()
        .scan(0, |end, r| {
            *end = r.end.max(*end);
            Some(*end)
        })
        .collect();
    // Of the ranges starting before `d` ends, one ends after it starts.
    let overlaps = |d: TextRange| match starts.partition_point(|r| r.start < d.end) {
        0 => false,
        before => reach[before - 1] > d.start,
    };
    out.retain(|d| d.code != "ASL801" || !overlaps(d.range));
    for u in found {
        let mut d = report(
            "ASL807",
            u.range,
            format!(
                "\"{}\" is not a parameter or resource of this template",
                u.name
            ),
        );
        d.help = Some(match &u.suggestion {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!(
                "CloudFormation refuses the template: Unresolved resource dependencies [{}]",
                u.name
            ),
        });
        if let Some(s) = &u.suggestion
            && text.get(u.range.as_usize()) == Some(u.name.as_str())
        {
            d.fixes.push(crate::diagnostics::Fix::replace(
                format!("Replace with \"{s}\""),
                crate::diagnostics::Applicability::Unsafe,
                u.range,
                s.clone(),
            ));
        }
        out.push(d);
    }
}

/// Lints the state machines of a Terraform file ([`terraform`]): a heredoc definition
/// in place, a
/// `jsonencode` object as the JSON it encodes (without fixes, which would write JSON
/// into HCL), a file that
/// `templatefile` or `file` reads as a [`Reference`] with the template variables given
/// (ASL802 when it does not exist), and a computed definition as unreadable (ASL803).
/// In heredocs and `jsonencode` every `${...}` and reference is Terraform's to compute.
pub fn lint_terraform(
    text: &str,
    options: &LintOptions,
    env: &Environment,
    references: &mut Vec<Reference>,
) -> Vec<Diagnostic> {
    let options = &options.with_fix_edits();
    let enabled = |code: &str| options.is_enabled(rule_meta(code));
    let mut out = Vec::new();
    if terraform::is_json_syntax(text) {
        // `*.tf.json`: JSON's own syntax errors, not HCL's.
        if enabled("ASL001") {
            let document = syntax::parse(text, SourceKind::Json);
            out.extend(
                document
                    .errors
                    .iter()
                    .map(|e| report("ASL001", e.range, e.message.clone())),
            );
        }
    } else if let Some(at) = terraform::unclosed_string(text)
        && enabled("ASL001")
    {
        out.push(report(
            "ASL001",
            at,
            "this string is never closed: Terraform expects a closing `\"` on its line".to_string(),
        ));
    } else if let Some((at, message)) = terraform::unbalanced(text)
        && enabled("ASL001")
    {
        // Brackets are judged only where strings are closed: an open string hides them.
        out.push(report("ASL001", at, message));
    }
    for machine in terraform::find(text) {
        // ASL803 for a definition of this machine that is not read, at `range`.
        let not_evaluated = |range: TextRange, what: &str| {
            report(
                "ASL803",
                range,
                format!(
                    "the definition of \"{}\" is {what}, which asl-lint does not evaluate; it was not checked",
                    machine.name
                ),
            )
        };
        match machine.definition {
            terraform::Source::Heredoc { body } => {
                if let Some(d) = terraform::unclosed_heredoc(text, body)
                    && enabled("ASL001")
                {
                    out.push(report("ASL001", d.0, d.1));
                }
                // An empty heredoc: the finding is at its `<<EOF`, not past the file's end.
                if text[body.as_usize()].trim().is_empty() {
                    if enabled("ASL001") {
                        let opener = text[..body.start as usize].rfind("<<").unwrap_or(0);
                        let line_end = text[opener..]
                            .find(['\r', '\n'])
                            .map_or(text.len(), |i| opener + i);
                        out.push(report(
                            "ASL001",
                            TextRange::from_usize(opener, line_end),
                            "the heredoc definition is empty: expected a JSON object".to_string(),
                        ));
                    }
                    continue;
                }
                // The JSON where it is, everything else blanked: positions need no map.
                let masked = terraform::masked_heredoc(text, body);
                let document = syntax::parse(&masked, SourceKind::Json);
                let mut found =
                    lint_definition_with(&masked, &document, options, env, None, machine.workflow);
                // No fixes in a heredoc that does not read (see `fix::reads`).
                if !crate::fix::reads_without(&document.errors) {
                    for d in &mut found {
                        d.fixes.clear();
                    }
                }
                out.extend(found);
            }
            // JSON in a quoted string, read through its escapes, as a DefinitionString.
            terraform::Source::Quoted { node } => {
                match template::flatten(text, &node, &Substitutions::new()) {
                    Ok(embedded) => {
                        let inner = &embedded.text;
                        let document = syntax::parse(inner, SourceKind::Json);
                        let mut found = lint_definition_with(
                            inner,
                            &document,
                            options,
                            env,
                            None,
                            machine.workflow,
                        );
                        if !crate::fix::reads_without(&document.errors) {
                            for d in &mut found {
                                d.fixes.clear();
                            }
                        }
                        out.extend(
                            found
                                .into_iter()
                                .map(|d| map_diagnostic(d, &embedded.map, inner, text)),
                        );
                    }
                    Err(reason) if enabled("ASL803") => {
                        out.push(not_evaluated(node.range, &reason.to_string()));
                    }
                    Err(_) => {}
                }
            }
            terraform::Source::Encoded { root } => {
                let document = Document {
                    kind: SourceKind::Json,
                    root: Some(root),
                    errors: Vec::new(),
                    comments: Vec::new(),
                    shared: Vec::new(),
                };
                let found =
                    lint_definition_with(text, &document, options, env, None, machine.workflow);
                // Fixes are JSON edits; the text here is HCL.
                out.extend(found.into_iter().map(|mut d| {
                    d.fixes.clear();
                    d
                }));
            }
            terraform::Source::File {
                path,
                range,
                vars,
                vars_known,
                rendered,
            } => {
                let Some(dir) = &env.base_dir else {
                    continue;
                };
                let subject = format!("the definition of \"{}\"", machine.name);
                match named_file(dir, &path, range, &subject, "module's", env) {
                    Ok(path) => references.push(Reference {
                        name: machine.name,
                        path,
                        substitutions: vars,
                        workflow: machine.workflow,
                        filling: Filling::terraform(rendered, vars_known),
                        yaml_1_1: false,
                        template: env.file.clone(),
                    }),
                    Err(d) if enabled(d.code) => out.push(*d),
                    Err(_) => {}
                }
            }
            terraform::Source::Directives { at } if enabled("ASL803") => {
                out.push(written_by_directives(&machine.name, at));
            }
            terraform::Source::Computed { range, what } if enabled("ASL803") => {
                out.push(not_evaluated(range, &what));
            }
            terraform::Source::Directives { .. } | terraform::Source::Computed { .. } => {}
        }
    }
    crate::diagnostics::sort(&mut out);
    // A `local` read by two state machines is linted for each: report it once.
    out.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
    out
}

/// ASL801 for `token`, with a help that fits who fills it in at deploy time.
fn unresolved(range: &TextRange, token: &str, filling: Filling) -> Diagnostic {
    // `${!Name}` in an `Fn::Sub` is the text `${Name}`, for DefinitionSubstitutions to
    // fill; with none of that name, the definition keeps the text as it is.
    if let Some(name) = token.strip_prefix("${!").and_then(|t| t.strip_suffix('}')) {
        let mut d = report(
            "ASL801",
            *range,
            format!(
                "`{token}` becomes the text `${{{name}}}`, and no DefinitionSubstitutions entry fills it: the definition keeps it as it is"
            ),
        );
        d.help = Some(format!(
            "if `${{{name}}}` was meant for DefinitionSubstitutions, add `{}` there; if the text itself is meant, ignore this (ASL801)",
            name.trim()
        ));
        return d;
    }
    let mut d = report(
        "ASL801",
        *range,
        format!(
            "`{token}` is not resolved here: its value is only known at deploy time, so checks that need it are skipped"
        ),
    );
    let name = token.trim_start_matches("${").trim_end_matches('}').trim();
    let short = name.trim_start_matches("AWS::");
    d.help = Some(
        if is_pseudo_parameter(name) && filling == Filling::Serverless {
            format!(
                "CloudFormation fills `{token}` only inside an `Fn::Sub`: write the value as one"
            )
        } else if is_pseudo_parameter(name) {
            format!(
                "CloudFormation fills `{token}` only inside an `Fn::Sub` (`!Sub`): elsewhere, pass it in DefinitionSubstitutions under a name of your own (`{short}: !Ref {name}`)"
            )
        } else if filling == Filling::Serverless {
            "the Serverless Framework resolves its variables at deploy time; to check with a value, give one under [placeholders.values] in asl-lint.toml"
            .to_string()
        } else {
            "give it a value in DefinitionSubstitutions, or under [placeholders.values] in asl-lint.toml"
            .to_string()
        },
    );
    d
}

/// A CloudFormation pseudo parameter (`AWS::Region`), which an `Fn::Sub` always fills.
fn is_pseudo_parameter(name: &str) -> bool {
    references::PSEUDO.contains(&name)
}

/// ASL808 on a `Definition` given as text: a string, or an `Fn::Sub`/`Fn::Join`
/// that makes one.
fn definition_given_as_text(def: &Definition<'_, '_>, node: &Node<'_>) -> Diagnostic {
    let what = match template::intrinsic(node) {
        Some((name, _)) => format!("an `Fn::{name}`, which makes a string"),
        None => "a string".to_string(),
    };
    let mut d = report(
        "ASL808",
        node.range,
        format!(
            "the Definition of \"{}\" is {what}: CloudFormation takes an object, the definition itself",
            def.name
        ),
    );
    d.help = Some(
        "give the JSON text as `DefinitionString` instead, or write the definition as an object under `Definition`"
            .to_string(),
    );
    d
}

fn unreadable(def: &Definition<'_, '_>, node: &Node<'_>, reason: &str) -> Diagnostic {
    let key = &def.property.key;
    // A section that holds definitions (Serverless `stateMachines.orders`) is named
    // by its path; a definition's property by the resource it belongs to.
    let subject = if def.name == **key || def.name.ends_with(&format!(".{key}")) {
        format!("`{}`", def.name)
    } else {
        format!("the {key} of \"{}\"", def.name)
    };
    report(
        "ASL803",
        node.range,
        format!(
            "{subject} is {reason}, which asl-lint cannot read before deployment; it was not checked"
        ),
    )
}

/// `path` as people write it: without `.` components, and with `dir/..` taken out
/// (`infra/../sm/a.asl.json` is `sm/a.asl.json`) when that is the same file (it is
/// not when `dir` is a symbolic link).
fn shown_path(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    let mut parents = false;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
                parents = true;
            }
            c => out.push(c),
        }
    }
    if parents {
        let same = match (std::fs::canonicalize(path), std::fs::canonicalize(&out)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same {
            return path
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
        }
    }
    out
}

/// The file at `written` (relative to the template's folder `dir`) that `subject`
/// names as a definition: its path when it exists (`dir/./sm.asl.json` written as
/// `dir/sm.asl.json`, as people write it), else ASL802 at `range` with a did-you-mean,
/// or when it is the file being linted (`env.file`) itself.
fn named_file(
    dir: &std::path::Path,
    written: &str,
    range: TextRange,
    subject: &str,
    folder: &str,
    env: &Environment,
) -> Result<PathBuf, Box<Diagnostic>> {
    let path = dir.join(written);
    if path.is_file() {
        let same = |a: &std::path::Path, b: &std::path::Path| matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y);
        if env.file.as_deref().is_some_and(|f| same(f, &path)) {
            let mut d = report(
                "ASL802",
                range,
                format!(
                    "{subject} names `{written}`, which is this file itself, not a state machine definition"
                ),
            );
            d.help =
                Some("name the file that holds the definition (`StartAt` and `States`)".into());
            return Err(Box::new(d));
        }
        if !crate::files::in_project(dir, &path) {
            let mut d = report(
                "ASL803",
                range,
                format!(
                    "{subject} names `{written}`, outside the project: asl-lint does not read it"
                ),
            );
            d.help = Some(format!(
                "a template may only name files within {} (the Git work tree, or the folders of the template and of the run); lint that file by naming it",
                crate::files::project_top(dir).display()
            ));
            return Err(Box::new(d));
        }
        return Ok(shown_path(&path));
    }
    let what = match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => "which is a folder, not a file",
        Ok(_) => "which is not a regular file (a device, FIFO or socket)",
        Err(_) => "which does not exist",
    };
    let mut d = report(
        "ASL802",
        range,
        format!("{subject} names `{written}`, {what}"),
    );
    d.help = Some(match near_miss(&path, dir) {
        Some(hint) => format!("did you mean `{hint}`?"),
        None => format!(
            "the path is relative to the {folder} folder; looked for {}",
            path.display()
        ),
    });
    Err(Box::new(d))
}

/// A sibling folder or file whose name differs by one edit, for "did you mean".
fn near_miss(path: &std::path::Path, base: &std::path::Path) -> Option<String> {
    // Walk up until a component exists; suggest the closest name at the first missing level.
    let mut existing = path.to_path_buf();
    let mut missing = Vec::new();
    while !existing.exists() {
        let name = existing.file_name()?.to_string_lossy().to_string();
        missing.push(name);
        if !existing.pop() {
            return None;
        }
    }
    let wanted = missing.pop()?;
    let dir = if existing.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        existing.clone()
    };
    let names: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    let best = rules::did_you_mean(&wanted, names.iter().map(String::as_str))?;
    let mut fixed = existing.join(best);
    for m in missing.iter().rev() {
        fixed.push(m);
    }
    if !fixed.is_file() {
        return None;
    }
    let shown = fixed.strip_prefix(base).unwrap_or(&fixed);
    Some(shown.display().to_string().replace('\\', "/"))
}

/// Maps a diagnostic found in an inner text to the outer text. A fix is kept only when
/// every edit maps exactly.
fn map_diagnostic(mut d: Diagnostic, map: &SourceMap, inner: &str, outer: &str) -> Diagnostic {
    d.range = map.range(d.range);
    quoted_placeholder_help(&mut d, outer);
    for l in &mut d.labels {
        l.range = map.range(l.range);
    }
    d.fixes = std::mem::take(&mut d.fixes)
        .into_iter()
        .filter_map(|f| {
            let edits = f
                .edits
                .iter()
                .map(|e| {
                    map.edit(inner, outer, e.range, &e.replacement)
                        .map(|(range, replacement)| crate::diagnostics::Edit { range, replacement })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Fix { edits, ..f })
        })
        .collect();
    d
}

/// True when `s` contains `${`. Most strings have no `$` at all, which memchr finds
/// out quickly; `str::contains` sets up a substring search for every string.
pub(crate) fn has_dollar_brace(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'$', b).any(|i| b.get(i + 1) == Some(&b'{'))
}

/// False when `text` (the source of a tree) cannot hold a `${` token in any value:
/// it has no `${` and no backslash (an escape such as `\u0024` could spell one in a
/// decoded string). One SIMD scan instead of a walk of a large tree.
fn may_have_placeholder(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"${").is_some()
        || memchr::memchr(b'\\', text.as_bytes()).is_some()
}

/// True when some string or placeholder in the tree holds a `${` token.
fn has_placeholder(root: &Node<'_>) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::String(s) if has_dollar_brace(s) => return true,
            Value::Placeholder(_) => return true,
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    false
}

/// Substitutes known placeholder values in the strings of a tree, and (in
/// [`PlaceholderMode::Unknown`]) turns strings that are exactly one unresolved `${...}`
/// token into [`Value::Placeholder`]. Ranges are kept, so diagnostics still point at
/// the source. Returns the ranges of the values a substitution changed: a fix must not
/// write there, or it would replace the `${Name}` with the value it stands for.
pub fn resolve_tree(
    root: &mut Node<'_>,
    subs: &Substitutions,
    mode: PlaceholderMode,
) -> Vec<TextRange> {
    let mut substituted = Vec::new();
    let mut stack: Vec<(&mut Node<'_>, bool)> = vec![(root, false)];
    while let Some((n, judged_whole)) = stack.pop() {
        let replacement = match &n.value {
            Value::Placeholder(token) => {
                let name = token.trim_start_matches("${").trim_end_matches('}').trim();
                match subs.get(name) {
                    // An unquoted placeholder becomes the JSON its value spells.
                    Some(Some(v)) => Some(match serde_json::from_str::<serde_json::Value>(v) {
                        Ok(serde_json::Value::Number(num)) => Value::Number(num),
                        Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
                        _ => Value::String(v.clone().into()),
                    }),
                    _ => None,
                }
            }
            Value::String(s) if has_dollar_brace(s) => {
                let filled = filled(s, subs);
                let any = filled.is_some();
                let out = filled.unwrap_or_else(|| s.to_string());
                // A state name or a path is judged whole: with a deploy-time value in
                // it (`"Next": "Step${Suffix}"`, `"$$.Execution.${Field}"`) it is as
                // unknown as a placeholder alone.
                let unknown = template::is_whole_placeholder(&out)
                    || judged_whole && !template::placeholder_tokens(&out).is_empty();
                if mode == PlaceholderMode::Unknown && unknown {
                    Some(Value::Placeholder(out.into()))
                } else if any {
                    Some(Value::String(out.into()))
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(value) = replacement {
            if !matches!(value, Value::Placeholder(_)) {
                substituted.push(n.range);
            }
            n.value = value;
            continue;
        }
        match &mut n.value {
            Value::Array(items) => stack.extend(items.iter_mut().map(|i| (i, judged_whole))),
            Value::Object(members) => {
                // A state named by a placeholder (`${Step}:` with `StartAt: ${Step}`):
                // the key is filled in as the references to it are.
                for m in members.iter_mut().filter(|m| has_dollar_brace(&m.key)) {
                    if let Some(key) = filled(&m.key, subs) {
                        m.key = key.into();
                        substituted.push(m.key_range);
                    }
                }
                stack.extend(members.iter_mut().map(|m| {
                    let whole = judged_whole_key(&m.key);
                    (&mut m.value, whole)
                }));
            }
            _ => {}
        }
    }
    substituted
}

/// `key` (a key or a string) with the `${Name}` tokens `subs` give filled in, or `None`
/// when it gives none.
fn filled(key: &str, subs: &Substitutions) -> Option<String> {
    let mut out = String::with_capacity(key.len());
    let mut last = 0;
    for (range, name) in template::placeholder_tokens(key) {
        if let Some(Some(v)) = subs.get(name.trim()) {
            out.push_str(&key[last..range.start]);
            out.push_str(v);
            last = range.end;
        }
    }
    (last > 0).then(|| out + &key[last..])
}

/// The names that keys written with placeholders (`"${Step}"`, `"Step-${Env}"`) get
/// from `subs`, in the tree below `root`.
fn key_placeholder_names(root: &Node<'_>, subs: &Substitutions) -> Vec<String> {
    root.descendants(usize::MAX)
        .into_iter()
        .flat_map(|n| n.as_object().unwrap_or(&[]))
        .filter(|m| has_dollar_brace(&m.key))
        .filter_map(|m| filled(&m.key, subs))
        .collect()
}

/// The duplicate keys (ASL002) that substituting state-name keys made (`"${Step}"`
/// filled with the name of another state), as reading the filled text finds them.
fn duplicates_made(root: &Node<'_>, substituted: &[TextRange]) -> Vec<crate::syntax::SyntaxError> {
    if substituted.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for members in root
        .descendants(usize::MAX)
        .into_iter()
        .filter_map(Node::as_object)
    {
        for (i, m) in members.iter().enumerate() {
            let Some(first) = members[..i].iter().find(|f| f.key == m.key) else {
                continue;
            };
            if substituted.contains(&m.key_range) || substituted.contains(&first.key_range) {
                out.push(crate::syntax::SyntaxError {
                    range: m.key_range,
                    kind: crate::syntax::SyntaxErrorKind::DuplicateKey {
                        first: first.key_range,
                    },
                    message: format!("duplicate key \"{}\"", m.key),
                });
            }
        }
    }
    out
}

/// Keys whose string value is judged as a whole: state names (`Next`, `Default`,
/// `StartAt`) and paths (`InputPath`, `...Path`, `Variable`, payload keys ending in
/// `.$`). Other strings keep their text around a placeholder (an ARN's shape is still
/// checked; `${...}` inside a JSONata expression is skipped by the JSONata rules).
fn judged_whole_key(key: &str) -> bool {
    matches!(key, "Next" | "Default" | "StartAt" | "Variable")
        || key.ends_with("Path")
        || key.ends_with(".$")
}

/// Drops the fixes that would edit a substituted value (see [`resolve_tree`]).
fn drop_fixes_in(out: &mut [Diagnostic], substituted: &[TextRange]) {
    if substituted.is_empty() {
        return;
    }
    let touches = |r: TextRange| {
        substituted
            .iter()
            .any(|s| r.start < s.end && s.start < r.end.max(r.start + 1))
    };
    for d in out {
        d.fixes
            .retain(|f| !f.edits.iter().any(|e| touches(e.range)));
    }
}

/// Reports (ASL801) each distinct unresolved placeholder of a tree once, at its first
/// occurrence, with the exact position of the token. With an `owner`, the state machine
/// of a template whose `DefinitionSubstitutions` (written out, or none) give every name
/// filled, a name they do not give is never filled: ASL806, an error (a pseudo
/// parameter such as `${AWS::Region}` stays ASL801).
#[allow(clippy::too_many_arguments)]
fn unresolved_in_tree(
    text: &str,
    root: &Node<'_>,
    subs: &Substitutions,
    env: &Environment,
    options: &LintOptions,
    filling: Filling,
    owner: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let info = options.is_enabled(rule_meta("ASL801"));
    let error = owner.is_some() && options.is_enabled(rule_meta("ASL806"));
    if env.placeholders != PlaceholderMode::Unknown || !(info || error) {
        return;
    }
    let mut seen = HashSet::new();
    let mut found: Vec<(TextRange, String)> = Vec::new();
    // An `Fn::Sub` is not looked into, as a `!Sub` is not: CloudFormation fills every
    // name in it (ASL807 reports those the template does not define), and the value it
    // makes is an intrinsic's, which the checks leave alone.
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let known = |name: &str| subs.contains_key(name);
        match &n.value {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(members) => {
                stack.extend(
                    members
                        .iter()
                        .rev()
                        .filter(|m| m.key != "Fn::Sub")
                        .map(|m| &m.value),
                );
                // A state named by a placeholder (`"${Step}": {...}`).
                for m in members.iter().filter(|m| has_dollar_brace(&m.key)) {
                    let key = Node {
                        range: m.key_range,
                        value: Value::String(m.key.clone()),
                    };
                    let Some(scalar) = ScalarMap::new(text, &key) else {
                        continue;
                    };
                    for (range, name) in template::placeholder_tokens(&m.key) {
                        if !known(name.trim()) {
                            found.push((scalar.outer(range.clone()), m.key[range].to_string()));
                        }
                    }
                }
            }
            Value::Placeholder(token) => {
                let name = token.trim_start_matches("${").trim_end_matches('}').trim();
                if !known(name) {
                    found.push((n.range, token.to_string()));
                }
            }
            Value::String(s) if has_dollar_brace(s) => {
                let Some(scalar) = ScalarMap::new(text, n) else {
                    continue;
                };
                for (range, name) in template::placeholder_tokens(s) {
                    // A name the substitutions give (a literal or a computed value) is
                    // known; only names they do not give are unresolved.
                    let name = name.trim();
                    if !known(name) {
                        found.push((scalar.outer(range.clone()), s[range].to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    for (range, token) in found {
        if !seen.insert(token.clone()) {
            continue;
        }
        let name = token.trim_start_matches("${").trim_end_matches('}').trim();
        match owner {
            Some(owner) if !name.starts_with("AWS::") && error => {
                out.push(unfilled_substitution(range, &token, name, owner, subs));
            }
            Some(_) if !name.starts_with("AWS::") => {}
            _ if info => out.push(unresolved(&range, &token, filling)),
            _ => {}
        }
    }
}

/// True for a `DefinitionSubstitutions` map written out, name by name: not one an
/// intrinsic computes (`!If`, or in JSON `{"Fn::If": ...}`, `{"Ref": ...}`).
fn is_written_map(node: &Node<'_>) -> bool {
    node.as_object().is_some() && !node.is_unknown()
}

/// A template's path as a message shows it: relative to the folder CI reports give
/// paths from, or the top of its Git work tree (a message must not change with the folder a job runs in:
/// GitLab's fingerprint of a finding is made from it); outside one, relative to the
/// current folder when it is under it (a path found by searching is absolute), else as
/// it is.
fn shown_template(path: &Path) -> String {
    let full = crate::files::resolved(path);
    // The folder CI reports give paths from (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`) when
    // the template is under it, else the top of the template's own work tree.
    let top = crate::files::repository_root()
        .filter(|root| full.as_deref().is_some_and(|f| f.starts_with(root)))
        .map(Path::to_path_buf)
        .or_else(|| {
            full.as_deref()
                .and_then(Path::parent)
                .map(crate::files::project_top)
                .filter(|top| top.join(".git").exists())
        });
    if let (Some(full), Some(top)) = (full.as_deref(), top)
        && let Ok(relative) = full.strip_prefix(&top)
    {
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        return parts.join("/");
    }
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    let shown = match &cwd {
        Ok(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let shown = shown.display().to_string();
    shown
        .strip_prefix("./")
        .map_or(shown.clone(), str::to_string)
}

/// ASL806 for a `${Name}` that the `DefinitionSubstitutions` of `owner` do not give
/// (`owner` as shown: `"Flow"`, or `"Flow" in template.yaml` for a file the template
/// names).
fn unfilled_substitution(
    range: TextRange,
    token: &str,
    name: &str,
    owner: &str,
    subs: &Substitutions,
) -> Diagnostic {
    let mut d = report(
        "ASL806",
        range,
        format!(
            "`{token}` is not in the DefinitionSubstitutions of {owner}: nothing fills it, and Step Functions gets the text as written"
        ),
    );
    d.help = Some(
        match rules::did_you_mean(name, subs.keys().map(String::as_str)) {
            Some(meant) => format!("did you mean `${{{meant}}}`?"),
            None => format!("give `{name}` a value in the DefinitionSubstitutions of {owner}"),
        },
    );
    d
}

#[cfg(test)]
mod tests;
