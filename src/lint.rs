//! The one entry point the shells call: text in, diagnostics out.
//!
//! The CLI and the language server both go through [`lint_text`] (or [`lint_bytes`] for
//! raw file contents), so they always agree.

use crate::diagnostics::{self, Diagnostic, Severity};
use crate::embed;
pub use crate::embed::{Environment, Reference};
use crate::graph::Graphs;
use crate::model::StateMachine;
pub use crate::rules::WorkflowType;
use crate::rules::{self, LintContext, RuleMeta};
use crate::syntax::{self, Document, SourceKind};

/// See [`keep_trees_until_exit`].
static KEEP_TREES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a process that lints once and exits (`asl-lint check` on one file): the syntax
/// tree, model and graphs are not freed after linting. Freeing the ~1M small
/// allocations of a 12 MB definition costs about as much as building the model, and
/// the operating system reclaims the memory at exit anyway. Peak memory is unchanged
/// for one file (the tree is alive while the rules run). Never set it in a long-running
/// process such as the language server.
pub fn keep_trees_until_exit(yes: bool) {
    KEEP_TREES.store(yes, std::sync::atomic::Ordering::Relaxed);
}

fn keeping_trees() -> bool {
    KEEP_TREES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Which rules run. Codes match by prefix, as in ruff: `ASL2` selects every 2xx rule.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// When non-empty, only rules matching one of these codes or prefixes run.
    pub select: Vec<String>,
    /// Rules matching one of these codes or prefixes do not run.
    pub ignore: Vec<String>,
    /// Leave diagnostics without fixes, for output that shows none: `check` without
    /// `--fix` or `--diff`, in a format other than SARIF. Building a fix that adds a
    /// retrier costs more than finding the problem.
    pub skip_fixes: bool,
    /// Build fixes but keep only their applicability, dropping titles and edits as each
    /// rule finishes: for output that counts the fixable findings without showing them.
    /// (Holding every fix's text, e.g. thousands of added retriers, costs memory.) Only
    /// a definition's own diagnostics drop them: a template maps each fix's edits back
    /// to decide whether it can be applied there.
    pub fix_kinds_only: bool,
}

impl LintOptions {
    /// These options with fixes built in full (see [`LintOptions::fix_kinds_only`]).
    pub fn with_fix_edits(&self) -> LintOptions {
        LintOptions {
            fix_kinds_only: false,
            ..self.clone()
        }
    }

    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        let matches = |pattern: &String| {
            let p = pattern.trim();
            p.eq_ignore_ascii_case("ALL")
                || meta.code.len() >= p.len() && meta.code[..p.len()].eq_ignore_ascii_case(p)
                || meta.name == p
        };
        (self.select.is_empty()
            || UNREADABLE.contains(&meta.code)
            || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

/// The findings that say a file cannot be read at all (not JSON or YAML, not UTF-8 text,
/// nested past the limit): reported whatever `select` names, as ruff reports syntax
/// errors, so that a narrowed selection never passes a file Step Functions refuses
/// outright. Only `ignore`, naming them, leaves them out.
const UNREADABLE: [&str; 3] = ["ASL001", "ASL004", "ASL005"];

/// Lints an already-parsed document.
pub fn lint_document(
    source: &str,
    document: &Document<'_>,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    lint_document_as(source, document, options, WorkflowType::Standard)
}

/// [`lint_document`] for a definition deployed as the given workflow type.
pub fn lint_document_as(
    source: &str,
    document: &Document<'_>,
    options: &LintOptions,
    workflow: WorkflowType,
) -> Vec<Diagnostic> {
    let machine = document.root.as_ref().and_then(StateMachine::build);
    let graphs = machine.as_ref().map(Graphs::build);
    let mut ctx = LintContext::new(source, document, machine.as_ref(), graphs.as_ref());
    ctx.workflow = workflow;
    ctx.fixes = !options.skip_fixes;
    ctx.fix_kinds_only = options.fix_kinds_only;
    let mut out = rules::run(&ctx, &|meta| options.is_enabled(meta));
    diagnostics::sort(&mut out);
    if keeping_trees() {
        std::mem::forget(ctx);
        std::mem::forget(graphs);
        std::mem::forget(machine);
    }
    out
}

/// Parses and lints `text`: a definition, or a CloudFormation/SAM/Serverless template
/// whose definitions are linted with positions in the template.
pub fn lint_text(text: &str, kind: SourceKind, options: &LintOptions) -> Vec<Diagnostic> {
    lint_text_in(text, kind, options, &Environment::default())
}

/// [`lint_text`] with settings from the file's surroundings (placeholder values, the
/// folder `DefinitionUri` is relative to). Applies suppression directives.
pub fn lint_text_in(
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
) -> Vec<Diagnostic> {
    lint_text_then(text, kind, options, env, |out, _| out)
}

/// [`lint_text_in`] that hands the diagnostics, and the local files that the template's
/// definitions name (none for a definition), to `done` before the syntax tree is freed:
/// the language server publishes them meanwhile (freeing the tree of a 1 MB definition
/// takes about a millisecond that the editor need not wait for).
pub fn lint_text_then<R>(
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
    done: impl FnOnce(Vec<Diagnostic>, Vec<Reference>) -> R,
) -> R {
    lint_text_then_if(text, kind, options, env, |_| true, done)
}

/// [`lint_text_then`] on a document that `wanted` accepts once parsed; one it does not
/// is passed over (no diagnostics).
fn lint_text_then_if<R>(
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
    wanted: impl FnOnce(&Document<'_>) -> bool,
    done: impl FnOnce(Vec<Diagnostic>, Vec<Reference>) -> R,
) -> R {
    let document = syntax::parse(text, kind);
    if !wanted(&document) {
        let result = done(Vec::new(), Vec::new());
        if keeping_trees() {
            std::mem::forget(document);
        }
        return result;
    }
    let mut references = Vec::new();
    let mut out = match document.root.as_ref().and_then(embed::template::find) {
        Some(definitions) => embed::lint_template_with_references(
            text,
            &document,
            &definitions,
            options,
            env,
            &mut references,
        ),
        None => embed::lint_definition(text, &document, options, env),
    };
    diagnostics::sort(&mut out);
    let result = done(out, references);
    if keeping_trees() {
        std::mem::forget(document);
    }
    result
}

/// [`lint_text_in`], and the local files that the template's definitions name (none
/// for a definition): the caller lints each with [`embed::lint_referenced`].
pub fn lint_text_with_references(
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
) -> (Vec<Diagnostic>, Vec<Reference>) {
    lint_text_then(text, kind, options, env, |out, references| {
        (out, references)
    })
}

/// A linted file: the text the diagnostics' ranges refer to and the diagnostics.
#[derive(Debug)]
pub struct LintedFile {
    /// The decoded text (lossy when the file was not valid UTF-8).
    pub text: String,
    pub kind: SourceKind,
    pub diagnostics: Vec<Diagnostic>,
    /// False when the bytes were not valid UTF-8 text: the file must not be rewritten.
    pub text_is_exact: bool,
    /// The existing local files the template's definitions name (`DefinitionUri`, ...),
    /// to be linted with [`lint_referenced_file`].
    pub references: Vec<Reference>,
}

/// Decodes, parses and lints raw file contents. `path` picks JSON or YAML by extension,
/// and `DefinitionUri` paths of a template are checked relative to its folder.
pub fn lint_bytes(bytes: &[u8], path: Option<&str>, options: &LintOptions) -> LintedFile {
    let env = Environment {
        base_dir: path.map(|p| {
            std::path::Path::new(p)
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default()
        }),
        file: path.map(std::path::PathBuf::from),
        ..Environment::default()
    };
    lint_bytes_in(bytes, path, options, &env)
}

/// [`lint_bytes`] with explicit settings.
pub fn lint_bytes_in(
    bytes: &[u8],
    path: Option<&str>,
    options: &LintOptions,
    env: &Environment,
) -> LintedFile {
    let decoded = syntax::decode(bytes);
    let text_is_exact = decoded.error.is_none();
    let encoding_diagnostic = encoding_diagnostic(&decoded, options);
    let binary = decoded.binary;
    let text = decoded.text.into_owned();
    lint_decoded(
        text,
        text_is_exact,
        binary,
        encoding_diagnostic,
        path,
        options,
        env,
    )
}

/// [`lint_bytes_in`] on bytes the caller gives away: UTF-8 text (the usual case)
/// becomes the [`LintedFile`]'s text without a copy of the file.
pub fn lint_owned_bytes_in(
    bytes: Vec<u8>,
    path: Option<&str>,
    options: &LintOptions,
    env: &Environment,
) -> LintedFile {
    match String::from_utf8(bytes) {
        // `decode` calls a file binary by a NUL byte in its first 8 KiB.
        Ok(text) if !text.as_bytes()[..text.len().min(8192)].contains(&0) => {
            lint_decoded(text, true, false, None, path, options, env)
        }
        Ok(text) => lint_bytes_in(text.as_bytes(), path, options, env),
        Err(e) => lint_bytes_in(e.as_bytes(), path, options, env),
    }
}

/// ASL004 for bytes that are not UTF-8 text (invalid sequences, a binary file), when
/// the rule is enabled.
fn encoding_diagnostic(decoded: &syntax::Decoded<'_>, options: &LintOptions) -> Option<Diagnostic> {
    decoded.error.as_ref().and_then(|e| {
        let rule = rules::find("ASL004").expect("ASL004 is registered");
        options.is_enabled(&rule.meta).then(|| {
            Diagnostic::new(
                rule.meta.code,
                rule.meta.severity,
                e.range,
                e.message.clone(),
            )
        })
    })
}

/// Lints the text of the file at `path` as what its name says it is: a Terraform file
/// (the definitions of its state machines, see [`embed::lint_terraform`]), or a
/// definition or template read as `kind` ([`lint_text_with_references`]); with the
/// files it references.
pub fn lint_file_text(
    text: &str,
    path: Option<&str>,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
) -> (Vec<Diagnostic>, Vec<Reference>) {
    if path.is_some_and(embed::terraform::is_terraform_path) {
        return lint_terraform_text(text, options, env);
    }
    if path.is_some_and(|p| crate::files::is_template_name(std::path::Path::new(p))) {
        return lint_template_named_then(text, kind, options, env, |out, references| {
            (out, references)
        });
    }
    lint_text_with_references(text, kind, options, env)
}

/// [`lint_text_then`] for a file taken by a template name (`template.yaml`,
/// `serverless.yml`, ...): passed over, with no diagnostics, when it cannot hold a state
/// machine. The words are looked for in the text first (most such files are settled
/// without parsing); a file that has them is passed over when its top level has none
/// of the keys ([`top_level_may_hold_state_machine`]): `country: United States` or a
/// comment `# Resources` makes no template.
pub fn lint_template_named_then<R>(
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
    env: &Environment,
    done: impl FnOnce(Vec<Diagnostic>, Vec<Reference>) -> R,
) -> R {
    if !may_hold_state_machine(text) {
        return done(Vec::new(), Vec::new());
    }
    lint_text_then_if(
        text,
        kind,
        options,
        env,
        top_level_may_hold_state_machine,
        done,
    )
}

/// False for text that can hold neither a state machine nor a template of one: no
/// `States`, `StartAt`, `Resources`, `AWSTemplateFormatVersion` or `stepFunctions`
/// anywhere. A
/// file named `template.yaml` that is a Helm chart's or an issue form's, or a
/// `serverless.yml` without Step Functions, is none of asl-lint's business: it is
/// taken by its name only because it may be a template.
pub fn may_hold_state_machine(text: &str) -> bool {
    [
        "States",
        "StartAt",
        "Resources",
        "AWSTemplateFormatVersion",
        "stepFunctions",
    ]
    .iter()
    .any(|word| text.contains(word))
}

/// Whether a parsed document may be a state machine or a template of one: an object
/// with `States` or `StartAt` at its top level (a definition, broken or not), or one
/// that [`embed::template::find`] takes for a template (`Resources`,
/// `AWSTemplateFormatVersion`, `Transform`, Serverless's `stepFunctions`, ...).
pub fn top_level_may_hold_state_machine(document: &Document<'_>) -> bool {
    document.root.as_ref().is_some_and(|root| {
        root.member("States").is_some()
            || root.member("StartAt").is_some()
            || embed::template::find(root).is_some()
    })
}

/// Lints the text of a Terraform file ([`embed::lint_terraform`]): the diagnostics of
/// its state machines, and the local files that `templatefile`/`file` read.
pub fn lint_terraform_text(
    text: &str,
    options: &LintOptions,
    env: &Environment,
) -> (Vec<Diagnostic>, Vec<Reference>) {
    let mut references = Vec::new();
    let out = embed::lint_terraform(text, options, env, &mut references);
    (out, references)
}

fn lint_decoded(
    text: String,
    text_is_exact: bool,
    binary: bool,
    encoding_diagnostic: Option<Diagnostic>,
    path: Option<&str>,
    options: &LintOptions,
    env: &Environment,
) -> LintedFile {
    let kind = syntax::detect_kind(path, &text);
    let (mut diagnostics, references) = if binary {
        (Vec::new(), Vec::new())
    } else {
        lint_file_text(&text, path, kind, options, env)
    };
    if let Some(d) = encoding_diagnostic {
        // In its place among the others, by position, as every file's come out.
        diagnostics.push(d);
        diagnostics::sort(&mut diagnostics);
    }
    LintedFile {
        text,
        kind,
        diagnostics,
        text_is_exact,
        references,
    }
}

/// Lints the text of a file that templates reference, once per reference (each with
/// its substitutions and workflow type, see [`embed::lint_referenced`]); a diagnostic
/// that several references share is reported once.
pub fn lint_referenced_text(
    text: &str,
    kind: SourceKind,
    references: &[Reference],
    options: &LintOptions,
    env: &Environment,
) -> Vec<Diagnostic> {
    let mut all: Vec<Vec<Diagnostic>> = references
        .iter()
        .map(|reference| embed::lint_referenced(text, kind, reference, options, env))
        .collect();
    if all.len() == 1 {
        return all.pop().unwrap_or_default();
    }
    // A fix is kept only where every reference offers the same one: an edit that is
    // right for one state machine (a function ARN substituted) may break another (the
    // `lambda:invoke` integration substituted in the same place).
    type At = (&'static str, crate::syntax::TextRange);
    let offered: Vec<std::collections::HashMap<At, Vec<&Vec<diagnostics::Fix>>>> = all
        .iter()
        .map(|list| {
            let mut by: std::collections::HashMap<At, Vec<&Vec<diagnostics::Fix>>> =
                std::collections::HashMap::new();
            for d in list.iter().filter(|d| !d.fixes.is_empty()) {
                by.entry((d.code, d.range)).or_default().push(&d.fixes);
            }
            by
        })
        .collect();
    // A finding that only some of the state machines cause says which ones (a Task
    // that one template fills with a function ARN and another with `lambda:invoke`).
    type Found<'d> = (&'static str, crate::syntax::TextRange, &'d str);
    let found: Vec<std::collections::HashSet<Found>> = all
        .iter()
        .map(|list| {
            list.iter()
                .map(|d| (d.code, d.range, d.message.as_str()))
                .collect()
        })
        .collect();
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for list in &all {
        for d in list {
            if !seen.insert((d.code, d.range, d.message.clone())) {
                continue;
            }
            let mut d = d.clone();
            let key = (d.code, d.range, d.message.as_str());
            let causes: Vec<String> = references
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.contains(&key))
                .map(|(r, _)| r.shown())
                .collect();
            if causes.len() < references.len() && !causes.iter().any(|c| d.message.contains(c)) {
                let verb = if causes.len() == 1 {
                    "deploys"
                } else {
                    "deploy"
                };
                d.message = format!("{} (as {} {verb} it)", d.message, causes.join(" and "));
            }
            let shared = offered.iter().all(|by| {
                by.get(&(d.code, d.range))
                    .is_some_and(|fixes| fixes.iter().any(|f| **f == d.fixes))
            });
            if !shared {
                d.fixes.clear();
            }
            out.push(d);
        }
    }
    diagnostics::sort(&mut out);
    out
}

/// Reads and lints a file that templates reference ([`lint_referenced_text`]). The
/// path read is the first reference's.
pub fn lint_referenced_file(
    references: &[Reference],
    options: &LintOptions,
    env: &Environment,
) -> std::io::Result<LintedFile> {
    let Some(first) = references.first() else {
        return Err(std::io::Error::other("no reference"));
    };
    let bytes = crate::files::read(&first.path)?;
    // UTF-8 text (the usual case) becomes the text without a copy of the file.
    // Text that is not UTF-8 is decoded as for any file, and reported (ASL004).
    let decode = |bytes: &[u8]| {
        let decoded = syntax::decode(bytes);
        let exact = decoded.error.is_none();
        let d = encoding_diagnostic(&decoded, options);
        (decoded.text.into_owned(), exact, decoded.binary, d)
    };
    let (text, text_is_exact, binary, encoding) = match String::from_utf8(bytes) {
        Ok(text) if !text.as_bytes()[..text.len().min(8192)].contains(&0) => {
            (text, true, false, None)
        }
        Ok(text) => decode(text.as_bytes()),
        Err(e) => decode(e.as_bytes()),
    };
    let path = first.path.to_string_lossy();
    let kind = syntax::detect_kind(Some(&path), &text);
    let mut diagnostics = if binary {
        Vec::new()
    } else {
        lint_referenced_text(&text, kind, references, options, env)
    };
    if let Some(d) = encoding {
        diagnostics.push(d);
        diagnostics::sort(&mut diagnostics);
    }
    Ok(LintedFile {
        text,
        kind,
        diagnostics,
        text_is_exact,
        references: Vec::new(),
    })
}

/// The highest severity among `diagnostics`.
pub fn max_severity(diagnostics: &[Diagnostic]) -> Option<Severity> {
    diagnostics.iter().map(|d| d.severity).max()
}
