//! SARIF 2.1.0, for GitHub code scanning and other viewers: one run, the tool's rules
//! with their documentation (and help URIs once the package names its repository),
//! one result per diagnostic.

use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::{Value, json};

use super::FileReport;
use crate::diagnostics::{Applicability, Severity};
use crate::rules::{RULES, RuleMeta};
use crate::syntax::{LineIndex, TextRange};

/// The documentation page of a rule (see [`RuleMeta::docs_url`]).
pub fn help_uri(meta: &RuleMeta) -> Option<String> {
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
    let mut descriptor = json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": short_description(meta) },
        "fullDescription": { "text": docs_text(meta) },
        "help": {
            "text": format!("{} See `asl-lint rule {}`.", short_description(meta), meta.code),
            "markdown": docs_text(meta),
        },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties,
    });
    // Optional in SARIF: left out while there is no published page to link to.
    if let Some(uri) = help_uri(meta) {
        descriptor["helpUri"] = Value::String(uri);
    }
    descriptor
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

/// A region: 1-based lines and columns (columns in characters).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

fn region(index: &LineIndex, text: &str, range: TextRange) -> Region {
    let start = index.line_col(text, range.start);
    let end = index.line_col(text, range.end);
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

/// One result; fields in output order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix<'a>>,
}

/// The `results` array, serialized one file at a time without holding every result.
struct Results<'a> {
    files: &'a [FileReport],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for file in self.files {
            if file.diagnostics.is_empty() {
                continue;
            }
            let index = LineIndex::new(&file.text);
            // Relative to the repository root, as code scanning resolves it; a file
            // outside the repository by its absolute `file://` URI.
            let outside = super::repository_root().is_some()
                || std::path::Path::new(&file.path).is_absolute();
            let uri = match super::repository_path(&file.path) {
                Some(relative) => path_to_uri(&relative),
                None if outside && !file.path.starts_with('<') => {
                    match crate::files::resolved(std::path::Path::new(&file.path)) {
                        Some(full) => format!("file://{}", path_to_uri(&full.to_string_lossy())),
                        None => path_to_uri(&file.path),
                    }
                }
                None => path_to_uri(&file.path),
            };
            let location = |range: TextRange| PhysicalLocation {
                artifact_location: ArtifactLocation { uri: &uri },
                region: region(&index, &file.text, range),
            };
            for d in &file.diagnostics {
                let message = match &d.help {
                    Some(help) => format!("{}\nhelp: {help}", d.message),
                    None => d.message.clone(),
                };
                let result = SarifResult {
                    rule_id: d.code,
                    level: level(d.severity),
                    message: Text { text: &message },
                    locations: [Location {
                        physical_location: location(d.range),
                    }],
                    rule_index: RULES.iter().position(|r| r.meta.code == d.code),
                    related_locations: d
                        .labels
                        .iter()
                        .enumerate()
                        .map(|(id, l)| RelatedLocation {
                            id,
                            message: Text { text: &l.message },
                            physical_location: location(l.range),
                        })
                        .collect(),
                    // The fixes `check --fix` may apply; an editor-only one is a
                    // start for a person to finish, not a proposed change.
                    fixes: d
                        .fixes
                        .iter()
                        .filter(|f| f.applicability != Applicability::DisplayOnly)
                        .map(|f| Fix {
                            description: Text { text: &f.title },
                            artifact_changes: [ArtifactChange {
                                artifact_location: ArtifactLocation { uri: &uri },
                                replacements: f
                                    .edits
                                    .iter()
                                    .map(|e| Replacement {
                                        deleted_region: region(&index, &file.text, e.range),
                                        inserted_content: Text {
                                            text: &e.replacement,
                                        },
                                    })
                                    .collect(),
                            }],
                        })
                        .collect(),
                };
                seq.serialize_element(&result)?;
            }
        }
        seq.end()
    }
}

/// Writes the SARIF log. The tool's rule descriptors are small and built as values; the
/// results (one per diagnostic, possibly tens of thousands) are written as they are made.
/// `errors` (files that could not be read, fixes that could not be written) make the
/// run's invocation unsuccessful, each as a tool execution notification.
pub fn write(
    files: &[FileReport],
    errors: &[String],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run<'a> {
        tool: Value,
        invocations: [Value; 1],
        column_kind: &'static str,
        results: Results<'a>,
    }
    #[derive(Serialize)]
    struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        version: &'static str,
        runs: [Run<'a>; 1],
    }
    let rules: Vec<Value> = RULES.iter().map(|r| rule_descriptor(&r.meta)).collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: {
                let mut tool = json!({
                    "driver": {
                        "name": "asl-lint",
                        "version": env!("CARGO_PKG_VERSION"),
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    }
                });
                if let Some(uri) = crate::rules::repository_url() {
                    tool["driver"]["informationUri"] = Value::String(uri.to_string());
                }
                tool
            },
            invocations: [json!({
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": errors
                    .iter()
                    .map(|e| json!({"level": "error", "message": {"text": e}}))
                    .collect::<Vec<_>>(),
            })],
            column_kind: "unicodeCodePoints",
            results: Results { files },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::from)?; // keeps an I/O error's kind (a closed pipe)
    out.write_all(b"\n")
}
