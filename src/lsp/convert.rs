//! Conversions from the core's byte-range types to LSP types.

use std::str::FromStr;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticTag, Location,
    NumberOrString, Uri,
};

use crate::diagnostics::{Diagnostic, Severity};
use crate::rules;

use super::documents::Document;

/// Where a rule's documentation is published; `{file}` is the rule's source file (which
/// holds its docs), `{code}` its code. `asl-lint rule CODE` prints the same docs.
pub const RULE_DOCS_URL: &str = "https://github.com/asl-lint/asl-lint/blob/main/{file}";

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

pub fn rule_docs_uri(code: &str) -> Option<Uri> {
    let rule = rules::find(code)?;
    let url = RULE_DOCS_URL
        .replace("{file}", rule.meta.file)
        .replace("{code}", rule.meta.code);
    Uri::from_str(&url).ok()
}

/// One core diagnostic as an LSP diagnostic of document `uri`. Labels become related
/// information; the help line is appended to the message.
pub fn diagnostic(d: &Diagnostic, doc: &Document, uri: &Uri) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: doc.range(l.range),
            },
            message: l.message.clone(),
        })
        .collect();
    let unnecessary = rules::find("unreachable-state").is_some_and(|r| r.meta.code == d.code);
    lsp::Diagnostic {
        range: doc.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: rule_docs_uri(d.code).map(|href| CodeDescription { href }),
        source: Some("asl-lint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}
