//! Editor analyses of Terraform files (see [`crate::embed::terraform`]).
//!
//! A heredoc definition is JSON written in the `.tf` file itself: the JSON analyses run
//! on the file with everything but that heredoc blanked ([`masked`]), so their offsets
//! are the file's and need no map. A `jsonencode` definition is HCL: only what reads
//! the model without its text (the outline, the graph) covers it; completion, hover,
//! rename and the like would answer in JSON syntax and are not offered there.

use crate::embed::terraform::{self, Source};
use crate::model::StateMachine;
use crate::syntax::{self, Document, SourceKind, TextRange};

use super::outline::{Symbol, SymbolKind};

/// The heredoc definitions of the state machines in `text`, each once (a `local` that
/// two state machines use is one heredoc).
pub fn heredocs(text: &str) -> Vec<TextRange> {
    let mut out: Vec<TextRange> = Vec::new();
    for m in terraform::find(text) {
        if let Source::Heredoc { body } = m.definition
            && !out.contains(&body)
        {
            out.push(body);
        }
    }
    out
}

/// The heredoc definition `body` of `text` as JSON at the file's offsets
/// ([`terraform::masked_heredoc`]).
pub fn masked(text: &str, body: TextRange) -> String {
    crate::embed::terraform::masked_heredoc(text, body)
}

/// The JSON text an analysis at `offset` reads: the heredoc definition around it,
/// masked. `None` outside heredoc definitions (HCL, or a `jsonencode` definition).
pub fn view_at(text: &str, offset: u32) -> Option<String> {
    heredocs(text)
        .into_iter()
        .find(|b| b.start <= offset && offset <= b.end)
        .map(|b| masked(text, b))
}

/// Rename in a heredoc definition, read as [`view_at`] reads it: [`super::rename`], with
/// the new text escaped for the Terraform template that a heredoc is (where `${` and
/// `%{` would start an interpolation or a directive).
pub fn rename(
    view: &str,
    offset: u32,
    new_name: &str,
) -> Result<Vec<crate::diagnostics::Edit>, String> {
    let edits = super::rename(view, SourceKind::Json, offset, new_name)?;
    Ok(edits
        .into_iter()
        .map(|e| crate::diagnostics::Edit {
            replacement: terraform::escape_template(&e.replacement),
            ..e
        })
        .collect())
}

/// Every heredoc definition, masked (for analyses of the whole document).
pub fn views(text: &str) -> Vec<String> {
    heredocs(text)
        .into_iter()
        .map(|b| masked(text, b))
        .collect()
}

/// The outline: one symbol per state machine whose definition is in the file (a
/// heredoc or `jsonencode`), named by its resource or module and holding its states;
/// one whose definition is a local file (`templatefile(...)`, `file(...)`) names the
/// file in its detail and holds one entry, the file's path where it is written (its
/// states are in that file), as a template's `DefinitionUri` state machine does.
pub fn document_symbols(text: &str) -> Vec<Symbol> {
    let mut out = Vec::new();
    for m in terraform::find(text) {
        let mut detail = "definition".to_string();
        let (children, range) = match &m.definition {
            Source::Heredoc { body } => (
                super::document_symbols(&masked(text, *body), SourceKind::Json),
                *body,
            ),
            Source::Encoded { root } => (
                StateMachine::build(root)
                    .map(|machine| super::outline::scope_symbols(&machine, 0, 0))
                    .unwrap_or_default(),
                root.range,
            ),
            Source::File {
                path,
                range,
                rendered,
                ..
            } => {
                detail = format!("{detail}: {path}");
                let file = Symbol {
                    name: path.clone(),
                    detail: Some(if *rendered { "templatefile" } else { "file" }.to_string()),
                    kind: SymbolKind::File,
                    range: *range,
                    selection: super::unquoted(text, *range),
                    children: Vec::new(),
                };
                (vec![file], *range)
            }
            Source::Quoted { .. } | Source::Directives { .. } | Source::Computed { .. } => {
                continue;
            }
        };
        out.push(Symbol {
            name: m.name,
            detail: Some(detail),
            kind: SymbolKind::Definition,
            // A definition read from a `local` is outside the block: cover both.
            range: m.block.cover(range),
            selection: m.label,
            children,
        });
    }
    out
}

/// The local files that `templatefile(...)`/`file(...)` definitions read: the range of
/// the path inside its quotes and the path relative to the file's folder.
pub fn definition_files(text: &str) -> Vec<(TextRange, String)> {
    let mut out: Vec<(TextRange, String)> = Vec::new();
    for m in terraform::find(text) {
        if let Source::File { path, range, .. } = m.definition {
            let inner = super::unquoted(text, range);
            if !out.iter().any(|(r, _)| *r == inner) {
                out.push((inner, path));
            }
        }
    }
    out
}

/// The state machines of `text` a graph can be drawn of (heredoc and `jsonencode`
/// definitions), by name.
pub fn graph_definitions(text: &str) -> Vec<String> {
    terraform::find(text)
        .into_iter()
        .filter(|m| {
            matches!(
                m.definition,
                Source::Heredoc { .. } | Source::Encoded { .. }
            )
        })
        .map(|m| m.name)
        .collect()
}

/// Draws the state machine `wanted` of `text` (the first when `None`).
pub fn draw(
    text: &str,
    wanted: Option<&str>,
    format: crate::graph::draw::Format,
) -> Result<String, String> {
    let machines = terraform::find(text);
    let drawable = || {
        machines.iter().filter(|m| {
            matches!(
                m.definition,
                Source::Heredoc { .. } | Source::Encoded { .. }
            )
        })
    };
    let chosen = match wanted {
        Some(w) => drawable().find(|m| m.name == w).ok_or_else(|| {
            let names: Vec<&str> = drawable().map(|m| m.name.as_str()).collect();
            format!(
                "no state machine `{w}` in this file (it has: {})",
                names.join(", ")
            )
        })?,
        None => drawable()
            .next()
            .ok_or("no state machine definition written in this file (heredoc or jsonencode)")?,
    };
    match &chosen.definition {
        Source::Heredoc { body } => {
            let json = masked(text, *body);
            let document = syntax::parse(&json, SourceKind::Json);
            crate::graph::draw::draw_document(&json, &document, None, format)
        }
        Source::Encoded { root } => {
            let document = Document {
                kind: SourceKind::Json,
                root: Some(root.clone()),
                errors: Vec::new(),
                comments: Vec::new(),
                shared: Vec::new(),
            };
            crate::graph::draw::draw_document(text, &document, None, format)
        }
        _ => Err("this state machine's definition is not in the file".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = "locals {\n  x = \"é\"\n}\nresource \"aws_sfn_state_machine\" \"heredoc\" {\n  definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}}}\nEOF\n}\nresource \"aws_sfn_state_machine\" \"encoded\" {\n  definition = jsonencode({\n    StartAt = \"C\"\n    States = { C = { Type = \"Succeed\" } }\n  })\n}\nresource \"aws_sfn_state_machine\" \"file\" {\n  definition = templatefile(\"${path.module}/sm.asl.json\", {})\n}\n";

    fn at(text: &str, r: TextRange) -> &str {
        &text[r.as_usize()]
    }

    /// A heredoc is a Terraform template: a new name holding `${` or `%{` is written
    /// with Terraform's escapes, so that the deployed name is the one typed.
    #[test]
    fn rename_escapes_the_new_name_for_the_heredoc() {
        let view = view_at(TF, TF.find("\"Next\"").unwrap() as u32).unwrap();
        let at_b = TF.find("\"B\"}").unwrap() as u32 + 1;
        for (name, written) in [
            ("Cost ${x}", "\"Cost $${x}\""),
            ("Pct %{y}", "\"Pct %%{y}\""),
            ("Plain", "\"Plain\""),
        ] {
            let edits = rename(&view, at_b, name).unwrap();
            assert_eq!(edits.len(), 2, "{name}");
            for e in &edits {
                assert_eq!(e.replacement, written);
                assert_eq!(at(TF, e.range), "\"B\"");
            }
            let mut renamed = TF.to_string();
            for e in edits.iter().rev() {
                renamed.replace_range(e.range.as_usize(), &e.replacement);
            }
            let json = crate::embed::terraform::unescape_template(&renamed);
            assert!(json.contains(&format!("\"Next\": \"{name}\"")), "{json}");
        }
    }

    #[test]
    fn heredocs_are_read_where_they_are_and_nothing_else_is() {
        let bodies = heredocs(TF);
        assert_eq!(bodies.len(), 1);
        let json = masked(TF, bodies[0]);
        assert_eq!(json.len(), TF.len());
        assert_eq!(json.lines().count(), TF.lines().count());
        assert_eq!(json.trim(), at(TF, bodies[0]).trim());
        // Inside the heredoc: the JSON; in the HCL or the jsonencode: nothing.
        let in_heredoc = TF.find("\"Next\"").unwrap() as u32;
        assert_eq!(view_at(TF, in_heredoc), Some(json));
        assert_eq!(view_at(TF, TF.find("StartAt = ").unwrap() as u32), None);
        assert_eq!(view_at(TF, 0), None);
        let def = super::super::definition(
            &view_at(TF, in_heredoc).unwrap(),
            SourceKind::Json,
            in_heredoc + 9,
        )
        .unwrap();
        assert_eq!(at(TF, def), "\"B\"");
    }

    #[test]
    fn outline_links_and_graphs() {
        let symbols = document_symbols(TF);
        let names: Vec<(&str, &str, Vec<&str>)> = symbols
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    at(TF, s.selection),
                    s.children.iter().map(|c| c.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                (
                    "aws_sfn_state_machine.heredoc",
                    "\"heredoc\"",
                    vec!["A", "B"]
                ),
                ("aws_sfn_state_machine.encoded", "\"encoded\"", vec!["C"]),
                (
                    "aws_sfn_state_machine.file",
                    "\"file\"",
                    vec!["sm.asl.json"]
                ),
            ]
        );
        assert_eq!(at(TF, symbols[1].children[0].selection), "C");
        // A definition read from a file: the file's path, where it is written.
        let from_file = &symbols[2];
        assert_eq!(from_file.detail.as_deref(), Some("definition: sm.asl.json"));
        assert_eq!(from_file.kind, SymbolKind::Definition);
        assert_eq!(
            at(TF, from_file.range),
            "resource \"aws_sfn_state_machine\" \"file\" {\n  definition = templatefile(\"${path.module}/sm.asl.json\", {})\n}"
        );
        let path = &from_file.children[0];
        assert_eq!(path.kind, SymbolKind::File);
        assert_eq!(path.detail.as_deref(), Some("templatefile"));
        assert_eq!(at(TF, path.range), "\"${path.module}/sm.asl.json\"");
        assert_eq!(at(TF, path.selection), "${path.module}/sm.asl.json");
        assert!(path.children.is_empty());
        // `file(...)` alone, in a module.
        let plain = "module \"flow\" {\n  source = \"./m\"\n}\nresource \"aws_sfn_state_machine\" \"plain\" {\n  definition = file(\"flows/plain.json\")\n}\n";
        let symbols = document_symbols(plain);
        assert_eq!(symbols.len(), 1);
        assert_eq!(symbols[0].name, "aws_sfn_state_machine.plain");
        assert_eq!(
            symbols[0].detail.as_deref(),
            Some("definition: flows/plain.json")
        );
        assert_eq!(symbols[0].children[0].name, "flows/plain.json");
        assert_eq!(symbols[0].children[0].detail.as_deref(), Some("file"));
        assert_eq!(
            at(plain, symbols[0].children[0].selection),
            "flows/plain.json"
        );
        let files = definition_files(TF);
        assert_eq!(files.len(), 1);
        assert_eq!(at(TF, files[0].0), "${path.module}/sm.asl.json");
        assert_eq!(files[0].1, "sm.asl.json");
        assert_eq!(
            graph_definitions(TF),
            [
                "aws_sfn_state_machine.heredoc",
                "aws_sfn_state_machine.encoded"
            ]
        );
        let svg = draw(
            TF,
            Some("aws_sfn_state_machine.encoded"),
            crate::graph::draw::Format::Svg,
        )
        .unwrap();
        assert!(svg.contains("data-name=\"C\""), "{svg}");
        let svg = draw(TF, None, crate::graph::draw::Format::Svg).unwrap();
        assert!(svg.contains("data-name=\"B\""), "{svg}");
        assert!(
            draw(TF, Some("nope"), crate::graph::draw::Format::Svg)
                .unwrap_err()
                .contains("aws_sfn_state_machine.heredoc, aws_sfn_state_machine.encoded")
        );
    }

    #[test]
    fn half_typed_files_answer_without_panic() {
        for text in [
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Ty",
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = jsonencode({ StartAt = \"A\", States = { A = {",
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = <<",
            "resource \"aws_sfn_state_machine\" \"x\" {{{{ definition = <<EOF\n}}}\nEOF\n",
        ] {
            let _ = document_symbols(text);
            let _ = definition_files(text);
            let _ = graph_definitions(text);
            let _ = draw(text, None, crate::graph::draw::Format::Svg);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                if let Some(json) = view_at(text, offset as u32) {
                    let _ = super::super::completions(&json, SourceKind::Json, offset as u32);
                    let _ = super::super::hover(&json, SourceKind::Json, offset as u32, &[]);
                }
            }
        }
    }
}
