//! SARIF 2.1.0, for GitHub code scanning and other viewers: one run, the tool's rules
//! with their documentation and help URIs, one result per diagnostic.

use serde_json::{Value, json};

use super::FileReport;
use crate::diagnostics::Severity;
use crate::rules::{RULES, RuleMeta};
use crate::syntax::{LineIndex, TextRange};

/// The documentation page of a rule (see [`RuleMeta::docs_url`]).
pub fn help_uri(meta: &RuleMeta) -> String {
    meta.docs_url()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` separators, reserved bytes percent-encoded.
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn region(index: &LineIndex, text: &str, range: TextRange) -> Value {
    let start = index.line_col(text, range.start);
    let end = index.line_col(text, range.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// The docs without the one-space indent that doc comments leave.
fn docs_text(meta: &RuleMeta) -> String {
    meta.docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The first sentence of the "What it does" paragraph.
fn short_description(meta: &RuleMeta) -> String {
    let docs = docs_text(meta);
    let paragraph: Vec<&str> = docs
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty())
        .collect();
    let text = paragraph.join(" ");
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text,
    }
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    let mut properties = json!({ "tags": [group(meta.code)] });
    if let Some(aws) = meta.aws_code {
        properties["awsCode"] = Value::String(aws.to_string());
    }
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": short_description(meta) },
        "fullDescription": { "text": docs_text(meta) },
        "help": {
            "text": format!("{} See `asl-lint rule {}`.", short_description(meta), meta.code),
            "markdown": docs_text(meta),
        },
        "helpUri": help_uri(meta),
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties,
    })
}

fn group(code: &str) -> &'static str {
    match code.as_bytes().get(3) {
        Some(b'0') => "syntax",
        Some(b'1') => "structure",
        Some(b'2') => "graph",
        Some(b'3') => "paths",
        Some(b'4') => "resources",
        Some(b'5') => "errors",
        Some(b'6') => "jsonata",
        Some(b'7') => "practice",
        Some(b'8') => "templates",
        _ => "other",
    }
}

pub fn render(files: &[FileReport]) -> String {
    let mut results = Vec::new();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        let uri = path_to_uri(&file.path);
        for d in &file.diagnostics {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region(&index, &file.text, d.range),
                    }
                }],
            });
            if let Some(i) = RULES.iter().position(|r| r.meta.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.labels.is_empty() {
                result["relatedLocations"] = Value::Array(
                    d.labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            json!({
                                "id": i,
                                "message": { "text": l.message },
                                "physicalLocation": {
                                    "artifactLocation": { "uri": uri },
                                    "region": region(&index, &file.text, l.range),
                                }
                            })
                        })
                        .collect(),
                );
            }
            if !d.fixes.is_empty() {
                result["fixes"] = Value::Array(
                    d.fixes
                        .iter()
                        .map(|f| {
                            json!({
                                "description": { "text": f.title },
                                "artifactChanges": [{
                                    "artifactLocation": { "uri": uri },
                                    "replacements": f.edits.iter().map(|e| json!({
                                        "deletedRegion": region(&index, &file.text, e.range),
                                        "insertedContent": { "text": e.replacement },
                                    })).collect::<Vec<_>>(),
                                }],
                            })
                        })
                        .collect(),
                );
            }
            results.push(result);
        }
    }
    let rules: Vec<Value> = RULES.iter().map(|r| rule_descriptor(&r.meta)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "asl-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": crate::rules::repository_url(),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
