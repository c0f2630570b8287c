//! Conversions from the core's byte-range types to LSP types.

use std::str::FromStr;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticTag, Location,
    NumberOrString, Uri,
};

use crate::diagnostics::{Diagnostic, Severity};
use crate::ide;
use crate::rules;

use super::documents::Document;

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The documentation link of a rule. Built once per code: parsing a URI for each of
/// the hundreds of diagnostics of a big file on every edit shows up in the latency.
pub fn rule_docs_uri(code: &str) -> Option<Uri> {
    static LINKS: std::sync::OnceLock<std::collections::HashMap<&'static str, Uri>> =
        std::sync::OnceLock::new();
    LINKS
        .get_or_init(|| {
            rules::RULES
                .iter()
                .filter_map(|r| Some((r.meta.code, Uri::from_str(&r.meta.docs_url()?).ok()?)))
                .collect()
        })
        .get(code)
        .cloned()
}

fn is_unreachable_code(code: &str) -> bool {
    static CODE: std::sync::OnceLock<Option<&'static str>> = std::sync::OnceLock::new();
    *CODE.get_or_init(|| rules::find("unreachable-state").map(|r| r.meta.code)) == Some(code)
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
    let unnecessary = is_unreachable_code(d.code);
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

/// A completion candidate as an LSP item. `index` keeps our order; without snippet
/// support in the client, snippets become plain text ([`ide::plain_insert`]).
pub fn completion(
    c: &ide::Completion,
    doc: &Document,
    index: usize,
    snippets: bool,
    markdown: bool,
) -> lsp::CompletionItem {
    let kind = match c.kind {
        ide::CompletionKind::Field => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::StateType => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::State => lsp::CompletionItemKind::REFERENCE,
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ide::CompletionKind::Arn | ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        ide::CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        ide::CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
    };
    // A plain text carries its lines' full indentation: the client must insert it as
    // it is (Neovim does; others would indent it once more).
    let (new_text, format, mode) = if c.snippet && snippets {
        (c.insert.clone(), lsp::InsertTextFormat::SNIPPET, None)
    } else {
        let text = ide::plain_insert(&doc.text, doc.kind, c);
        let mode = text.contains('\n').then_some(lsp::InsertTextMode::AS_IS);
        (text, lsp::InsertTextFormat::PLAIN_TEXT, mode)
    };
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(kind),
        detail: c.detail.clone(),
        documentation: c
            .documentation
            .clone()
            .map(|value| lsp::Documentation::MarkupContent(markup(value, markdown))),
        sort_text: Some(format!("{index:04}")),
        filter_text: Some(c.filter.clone()),
        insert_text_format: Some(format),
        insert_text_mode: mode,
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: doc.range(c.range),
            new_text,
        })),
        ..Default::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be set, even to None.
pub fn symbol(s: &ide::Symbol, doc: &Document) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: doc.range(s.range),
        selection_range: doc.range(s.selection),
        children: Some(s.children.iter().map(|c| symbol(c, doc)).collect()),
    }
}

/// A state as a call hierarchy item (its outline symbol's kind, detail and ranges).
pub fn hierarchy_item(s: &ide::Symbol, doc: &Document, uri: &Uri) -> lsp::CallHierarchyItem {
    lsp::CallHierarchyItem {
        name: s.name.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        detail: s.detail.clone(),
        uri: uri.clone(),
        range: doc.range(s.range),
        selection_range: doc.range(s.selection),
        data: None,
    }
}

/// The states (and template definitions) of one document whose name matches `query`
/// (its characters in order, ignoring case; every state for an empty query), each with
/// the name of what holds it.
#[allow(deprecated)] // `SymbolInformation::deprecated` must be set, even to None.
pub fn workspace_symbols(
    symbols: &[ide::Symbol],
    container: Option<&str>,
    query: &str,
    uri: &lsp::Uri,
    doc: &Document,
    out: &mut Vec<lsp::SymbolInformation>,
) {
    for s in symbols {
        let named = matches!(
            s.kind,
            ide::SymbolKind::State(_) | ide::SymbolKind::Definition
        );
        if named && fuzzy_match(&s.name, query) {
            out.push(lsp::SymbolInformation {
                name: s.name.clone(),
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                location: lsp::Location {
                    uri: uri.clone(),
                    range: doc.range(s.selection),
                },
                container_name: container.map(str::to_string),
            });
        }
        let inner = if named {
            Some(s.name.as_str())
        } else {
            container
        };
        workspace_symbols(&s.children, inner, query, uri, doc, out);
    }
}

/// Whether the characters of `query` appear in `name` in order, ignoring case.
fn fuzzy_match(name: &str, query: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .all(|q| chars.any(|c| c == q))
}

fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
    use crate::model::StateType;
    match kind {
        ide::SymbolKind::State(Some(StateType::Task)) => lsp::SymbolKind::FUNCTION,
        ide::SymbolKind::State(Some(StateType::Choice)) => lsp::SymbolKind::ENUM,
        ide::SymbolKind::State(Some(StateType::Parallel | StateType::Map)) => {
            lsp::SymbolKind::NAMESPACE
        }
        ide::SymbolKind::State(Some(StateType::Wait)) => lsp::SymbolKind::EVENT,
        ide::SymbolKind::State(Some(StateType::Succeed | StateType::Fail)) => {
            lsp::SymbolKind::CONSTANT
        }
        ide::SymbolKind::State(_) => lsp::SymbolKind::OBJECT,
        ide::SymbolKind::Branch | ide::SymbolKind::Processor => lsp::SymbolKind::MODULE,
        ide::SymbolKind::Definition => lsp::SymbolKind::CLASS,
        ide::SymbolKind::File => lsp::SymbolKind::FILE,
    }
}

pub fn edits(edits: &[crate::diagnostics::Edit], doc: &Document) -> Vec<lsp::TextEdit> {
    let crlf = crate::syntax::text::ends_lines_with_crlf(&doc.text);
    edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: doc.range(e.range),
            new_text: crate::syntax::text::with_line_endings(crlf, &e.replacement),
        })
        .collect()
}

/// Replacements of ranges of `doc` (as formatting makes them), as LSP edits; the text
/// is taken as it is.
pub fn replacements(
    edits: Vec<(crate::syntax::TextRange, String)>,
    doc: &Document,
) -> Vec<lsp::TextEdit> {
    edits
        .into_iter()
        .map(|(r, new_text)| lsp::TextEdit {
            range: doc.range(r),
            new_text,
        })
        .collect()
}

/// The token types of [`semantic_tokens`], in the order of their indexes.
pub const TOKEN_TYPES: &[lsp::SemanticTokenType] = &[
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::STRING,
    lsp::SemanticTokenType::NUMBER,
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::OPERATOR,
    lsp::SemanticTokenType::REGEXP,
    lsp::SemanticTokenType::MACRO,
];

/// The token modifiers of [`semantic_tokens`]: bit 0 and bit 1.
pub const TOKEN_MODIFIERS: &[lsp::SemanticTokenModifier] = &[
    lsp::SemanticTokenModifier::DECLARATION,
    lsp::SemanticTokenModifier::DEFAULT_LIBRARY,
];

/// Tokens in LSP's relative encoding (UTF-16 positions): a state name is a `type`, the
/// `{%` `%}` of a JSONata expression a `macro`. A token that crosses lines is sent as
/// one token per line.
pub fn semantic_tokens(tokens: &[ide::SemanticToken], doc: &Document) -> Vec<lsp::SemanticToken> {
    use ide::TokenKind;
    let mut out = Vec::new();
    let (mut line, mut start) = (0, 0);
    for t in tokens {
        let token_type = match t.kind {
            TokenKind::State => 0,
            TokenKind::Property => 1,
            TokenKind::Variable => 2,
            TokenKind::Function => 3,
            TokenKind::String => 4,
            TokenKind::Number => 5,
            TokenKind::Keyword => 6,
            TokenKind::Operator => 7,
            TokenKind::Regexp => 8,
            TokenKind::Delimiter => 9,
        };
        let modifiers = u32::from(t.declaration) | (u32::from(t.library) << 1);
        let Some(text) = doc.text.get(t.range.as_usize()) else {
            continue;
        };
        let mut at = t.range.start;
        for piece in text.split('\n') {
            let piece_start = at;
            at += piece.len() as u32 + 1;
            let piece = piece.trim_end_matches('\r');
            if piece.is_empty() {
                continue;
            }
            let from = doc.position(piece_start);
            let to = doc.position(piece_start + piece.len() as u32);
            if to.line != from.line || to.character <= from.character {
                continue;
            }
            out.push(lsp::SemanticToken {
                delta_line: from.line - line,
                delta_start: if from.line == line {
                    from.character - start
                } else {
                    from.character
                },
                length: to.character - from.character,
                token_type,
                token_modifiers_bitset: modifiers,
            });
            (line, start) = (from.line, from.character);
        }
    }
    out
}

/// True when a client's list of markup kinds (`contentFormat`, `documentationFormat`)
/// lets the server send Markdown: the list is absent (clients that say nothing render
/// Markdown) or names Markdown before plain text.
pub fn prefers_markdown(kinds: Option<&[lsp::MarkupKind]>) -> bool {
    kinds.is_none_or(|kinds| {
        kinds
            .iter()
            .find(|k| matches!(k, lsp::MarkupKind::Markdown | lsp::MarkupKind::PlainText))
            .is_some_and(|k| *k == lsp::MarkupKind::Markdown)
    })
}

/// Documentation as the client renders it: the Markdown itself, or plain text.
pub fn markup(markdown: String, as_markdown: bool) -> lsp::MarkupContent {
    if as_markdown {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: markdown,
        }
    } else {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::PlainText,
            value: markdown_to_plain(&markdown),
        }
    }
}

/// The Markdown our documentation uses, as plain text: code fences and heading marks
/// dropped, `**bold**` and `` `code` `` unmarked, `[text](url)` as `text (url)`. Text
/// inside code is kept as written.
pub fn markdown_to_plain(markdown: &str) -> String {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for line in markdown.split('\n') {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let mut plain = String::with_capacity(line.len());
        if in_fence {
            plain.push_str(line);
        } else {
            let heading = line.trim_start_matches('#');
            let line = match heading.strip_prefix(' ') {
                Some(title) if heading.len() < line.len() => title,
                _ => line,
            };
            plain_inline(line, &mut plain);
        }
        lines.push(plain);
    }
    lines.join("\n")
}

/// One line of Markdown outside code blocks, unmarked into `out`.
fn plain_inline(line: &str, out: &mut String) {
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            // Inline code: copied as written up to the closing backtick.
            let end = after.find('`').unwrap_or(after.len());
            out.push_str(&after[..end]);
            rest = after.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("**") {
            rest = after;
        } else if let Some(link) = rest.strip_prefix('[').and_then(link_parts) {
            let (text, url, after) = link;
            plain_inline(text, out);
            out.push_str(" (");
            out.push_str(url);
            out.push(')');
            rest = after;
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// `text](url)rest` → (text, url, rest), for the part of a link after its `[`.
fn link_parts(s: &str) -> Option<(&str, &str, &str)> {
    let close = s.find("](")?;
    let text = &s[..close];
    if text.contains('[') {
        return None;
    }
    let tail = &s[close + 2..];
    let end = tail.find(')')?;
    Some((text, &tail[..end], &tail[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching_of_symbol_names() {
        assert!(fuzzy_match("Open support case", "opsc"));
        assert!(fuzzy_match("Open support case", "CASE"));
        assert!(fuzzy_match("Open support case", ""));
        assert!(!fuzzy_match("Open support case", "escalate"));
        assert!(!fuzzy_match("Assign", "assignee"));
    }

    #[test]
    fn markdown_becomes_plain_text_for_clients_that_ask() {
        let md = "```\n$sum(array) -> number\n```\n\n## Example\n**Task** `$.a[*]` and [docs](https://x.y/z).";
        assert_eq!(
            markdown_to_plain(md),
            "$sum(array) -> number\n\nExample\nTask $.a[*] and docs (https://x.y/z)."
        );
        use lsp::MarkupKind::{Markdown, PlainText};
        assert!(prefers_markdown(None));
        assert!(prefers_markdown(Some(&[Markdown, PlainText])));
        assert!(!prefers_markdown(Some(&[PlainText, Markdown])));
        assert!(!prefers_markdown(Some(&[PlainText])));
        assert!(!prefers_markdown(Some(&[])));
    }
}
