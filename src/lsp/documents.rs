//! The open documents: text, version, reader kind and line index, kept in sync with the
//! editor through incremental `didChange` edits in UTF-16 positions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types::{self, Position, TextDocumentContentChangeEvent, Uri};

use crate::diagnostics::Diagnostic;
use crate::syntax::{self, LineIndex, SourceKind, TextRange, Utf16Position};

/// One open document. `text` and `lines` are shared with running analyses, which hold a
/// snapshot; an edit copies them only while an analysis still holds the old ones.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: Arc<String>,
    pub lines: Arc<LineIndex>,
    pub version: i32,
    pub kind: SourceKind,
    /// A Terraform file: its state machines are linted, and the heredoc definitions
    /// are what the JSON analyses read (`kind` is then JSON).
    pub terraform: bool,
    /// Named a definition (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`) or opened as one
    /// (the `asl` and `asl-yaml` languages): even empty, it is a state machine to be.
    pub named_definition: bool,
}

impl Document {
    pub fn new(uri: &Uri, language_id: &str, version: i32, text: String) -> Document {
        let terraform = is_terraform(uri, language_id);
        let kind = if terraform {
            SourceKind::Json
        } else {
            kind_for(uri, language_id, &text)
        };
        let name = uri.path().as_str().to_ascii_lowercase();
        let named_definition = matches!(language_id, "asl" | "asl-yaml")
            || [".asl.json", ".asl.yaml", ".asl.yml"]
                .iter()
                .any(|e| name.ends_with(e));
        Document {
            lines: Arc::new(LineIndex::new(&text)),
            text: Arc::new(text),
            version,
            kind,
            terraform,
            named_definition,
        }
    }

    /// The document as the analyses at `offset` read it: itself, or in a Terraform file
    /// the heredoc definition around `offset`, everything else blanked (so offsets, and
    /// the positions of the heredoc's lines, are the file's). `None` elsewhere in a
    /// Terraform file: HCL, or a `jsonencode` definition, is not JSON.
    pub fn view_at(self, offset: u32) -> Option<Document> {
        if !self.terraform {
            return Some(self);
        }
        let json = crate::ide::terraform::view_at(&self.text, offset)?;
        Some(self.with_text(json))
    }

    /// Every text the analyses of the whole document read: the document, or each heredoc
    /// definition of a Terraform file (as [`Document::view_at`]).
    pub fn views(self) -> Vec<Document> {
        if !self.terraform {
            return vec![self];
        }
        crate::ide::terraform::views(&self.text)
            .into_iter()
            .map(|json| self.clone().with_text(json))
            .collect()
    }

    /// The same lines with other (equally long) text.
    fn with_text(self, text: String) -> Document {
        debug_assert_eq!(text.len(), self.text.len());
        Document {
            text: Arc::new(text),
            ..self
        }
    }

    /// Byte offset of an LSP position.
    pub fn offset(&self, pos: Position) -> u32 {
        offset(&self.text, &self.lines, pos)
    }

    /// LSP position of a byte offset.
    pub fn position(&self, offset: u32) -> Position {
        position(&self.text, &self.lines, offset)
    }

    pub fn range(&self, range: TextRange) -> tower_lsp_server::ls_types::Range {
        tower_lsp_server::ls_types::Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    pub fn text_range(&self, range: tower_lsp_server::ls_types::Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), end.max(start))
    }

    /// Applies the changes of one `didChange` notification, in order (each change's
    /// positions refer to the text after the previous change).
    pub fn apply_changes(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let r = self.text_range(range);
                    let text = Arc::make_mut(&mut self.text);
                    text.replace_range(r.as_usize(), &change.text);
                    // Only the line starts after the edit move: no rescan of the text.
                    Arc::make_mut(&mut self.lines).edit(&self.text, r, change.text.len() as u32);
                }
                None => {
                    self.text = Arc::new(change.text);
                    self.lines = Arc::new(LineIndex::new(&self.text));
                }
            }
        }
        self.version = version;
    }
}

pub fn offset(text: &str, lines: &LineIndex, pos: Position) -> u32 {
    lines.offset_of_utf16(
        text,
        Utf16Position {
            line: pos.line,
            character: pos.character,
        },
    )
}

pub fn position(text: &str, lines: &LineIndex, offset: u32) -> Position {
    let p = lines.utf16_position(text, offset);
    Position {
        line: p.line,
        character: p.character,
    }
}

/// JSON or YAML: from the file's extension (`.json`, `.yaml`, `.yml`), else the
/// language id, else the content. The extension comes first: an editor that maps
/// `*.asl.*` to one language id would otherwise read YAML files as JSON.
pub fn kind_for(uri: &Uri, language_id: &str, text: &str) -> SourceKind {
    let path = uri.path().as_str().to_ascii_lowercase();
    if path.ends_with(".json") {
        return SourceKind::Json;
    }
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        return SourceKind::Yaml;
    }
    match language_id {
        "asl-yaml" | "yaml" => return SourceKind::Yaml,
        "asl" | "json" | "jsonc" => return SourceKind::Json,
        _ => {}
    }
    syntax::detect_kind(Some(uri.as_str()), text)
}

/// A Terraform file: the language id says so, or (for any other id but the JSON and
/// YAML ones, e.g. `plaintext` where no Terraform extension is installed) the name ends
/// in `.tf` or `.tofu`; a JSON document named `*.tf.json` is in Terraform's JSON syntax.
pub fn is_terraform(uri: &Uri, language_id: &str) -> bool {
    match language_id {
        "terraform" | "hcl" | "opentofu" => true,
        "json" | "jsonc" => uri
            .path()
            .as_str()
            .to_ascii_lowercase()
            .ends_with(".tf.json"),
        "asl" | "asl-yaml" | "yaml" => false,
        _ => crate::embed::terraform::is_terraform_path(uri.path().as_str()),
    }
}

/// The diagnostics of one version of a document.
type Linted = (i32, Arc<Vec<Diagnostic>>);

/// All open documents, and the diagnostics last computed for each.
#[derive(Default, Debug)]
pub struct Documents {
    map: Mutex<HashMap<Uri, Document>>,
    results: Mutex<HashMap<Uri, Linted>>,
    /// Told when a result is stored or a document moves on or closes: what a request
    /// waiting for a version's diagnostics ([`Documents::wait_result`]) waits on.
    moved: tokio::sync::Notify,
    /// The diagnostics last published for each open document, with their version.
    published: Mutex<HashMap<Uri, (i32, Vec<ls_types::Diagnostic>)>>,
}

impl Documents {
    pub fn open(&self, uri: Uri, doc: Document) {
        self.results().remove(&uri);
        self.lock().insert(uri, doc);
        self.moved.notify_waiters();
    }

    pub fn close(&self, uri: &Uri) {
        self.lock().remove(uri);
        self.results().remove(uri);
        // Closing clears the client's diagnostics: whatever comes next is new to it.
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uri);
        self.moved.notify_waiters();
    }

    /// The diagnostics of `version` once the analysis has stored them; `None` when the
    /// document moves on (or closes) first, or after `limit`. A request that needs them
    /// (hover, code actions) waits for the lint already under way instead of running a
    /// second one beside it, which made both take twice as long on a large document.
    pub async fn wait_result(
        &self,
        uri: &Uri,
        version: i32,
        limit: std::time::Duration,
    ) -> Option<Arc<Vec<Diagnostic>>> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let moved = self.moved.notified();
            tokio::pin!(moved);
            // Registered before looking, so a store between the look and the wait wakes it.
            moved.as_mut().enable();
            if let Some(found) = self.result(uri, version) {
                return Some(found);
            }
            if self.version(uri) != Some(version) {
                return None;
            }
            tokio::time::timeout_at(deadline, moved).await.ok()?;
        }
    }

    /// The URIs of all open documents.
    pub fn uris(&self) -> Vec<Uri> {
        self.lock().keys().cloned().collect()
    }

    /// Keeps the diagnostics of `version` for code actions and hover, unless the
    /// document has moved on (or was closed) meanwhile. True when kept.
    pub fn store_result(&self, uri: &Uri, version: i32, found: Arc<Vec<Diagnostic>>) -> bool {
        if self.version(uri) != Some(version) {
            return false;
        }
        self.results().insert(uri.clone(), (version, found));
        self.moved.notify_waiters();
        true
    }

    /// Records `diagnostics` as published for `version` of `uri`. False when exactly
    /// these were published last for that version: a document linted again without
    /// any change to what it reports (opened again as it was, a template edit that
    /// leaves it as it reads) is published once per version, not again.
    pub fn mark_published(
        &self,
        uri: &Uri,
        version: i32,
        diagnostics: &[ls_types::Diagnostic],
    ) -> bool {
        let mut published = self.published.lock().unwrap_or_else(|e| e.into_inner());
        if published
            .get(uri)
            .is_some_and(|(v, d)| *v == version && d.as_slice() == diagnostics)
        {
            return false;
        }
        published.insert(uri.clone(), (version, diagnostics.to_vec()));
        true
    }

    /// The diagnostics computed for exactly `version`, if any.
    pub fn result(&self, uri: &Uri, version: i32) -> Option<Arc<Vec<Diagnostic>>> {
        match self.results().get(uri) {
            Some((v, found)) if *v == version => Some(found.clone()),
            _ => None,
        }
    }

    /// Forgets the result of one document (it must be linted again).
    pub fn forget_result(&self, uri: &Uri) {
        self.results().remove(uri);
    }

    /// Forgets all results (the settings changed: they no longer apply).
    pub fn forget_results(&self) {
        self.results().clear();
    }

    fn results(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Linted>> {
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies a change; returns false when the document is not open.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let changed = match self.lock().get_mut(uri) {
            Some(doc) => {
                doc.apply_changes(version, changes);
                true
            }
            None => false,
        };
        self.moved.notify_waiters();
        changed
    }

    /// A snapshot of the document (cheap: the text is shared).
    pub fn get(&self, uri: &Uri) -> Option<Document> {
        self.lock().get(uri).cloned()
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.lock().get(uri).map(|d| d.version)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Document>> {
        // A panic while holding the lock cannot leave the map half-updated in a way that
        // matters more than losing the server, so recover the guard.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::Range;

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(sl, sc),
                end: Position::new(el, ec),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    /// A request waits for the lint under way: it gets the result once stored, and
    /// nothing once the document moves on.
    #[test]
    fn waiting_for_a_result_ends_with_it_or_with_a_newer_version() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let uri = Uri::from_str("file:///a.asl.json").unwrap();
        let docs = Arc::new(Documents::default());
        docs.open(uri.clone(), Document::new(&uri, "asl", 1, "{}".to_string()));
        let long = std::time::Duration::from_secs(60);
        rt.block_on(async {
            let storing = {
                let (docs, uri) = (docs.clone(), uri.clone());
                async move {
                    tokio::task::yield_now().await;
                    assert!(docs.store_result(&uri, 1, Arc::new(Vec::new())));
                }
            };
            let (found, ()) = tokio::join!(docs.wait_result(&uri, 1, long), storing);
            assert_eq!(found.map(|f| f.len()), Some(0));
            let changing = {
                let (docs, uri) = (docs.clone(), uri.clone());
                async move {
                    tokio::task::yield_now().await;
                    assert!(docs.change(&uri, 2, vec![change(0, 0, 0, 0, " ")]));
                }
            };
            docs.forget_result(&uri);
            let (found, ()) = tokio::join!(docs.wait_result(&uri, 1, long), changing);
            assert!(found.is_none());
            // And with nothing coming, the limit ends it.
            let short = std::time::Duration::from_millis(10);
            assert!(docs.wait_result(&uri, 2, short).await.is_none());
        });
    }

    #[test]
    fn incremental_changes_use_utf16_columns_and_apply_in_order() {
        let uri = Uri::from_str("file:///a.asl.json").unwrap();
        let mut doc = Document::new(&uri, "asl", 1, "{\"😀\": 1,\n \"b\": 2}".to_string());
        // The emoji is two UTF-16 units: column 5 is just after its closing quote.
        doc.apply_changes(
            2,
            vec![
                change(0, 5, 0, 5, "x"),
                change(1, 2, 1, 3, "c"),
                change(1, 0, 1, 0, "\n"),
            ],
        );
        assert_eq!(doc.text.as_str(), "{\"😀\"x: 1,\n\n \"c\": 2}");
        assert_eq!(doc.version, 2);
        assert_eq!(
            doc.position(doc.text.find('c').unwrap() as u32),
            Position::new(2, 2)
        );
        assert_eq!(
            kind_for(&Uri::from_str("file:///x.asl.yml").unwrap(), "", "a: 1"),
            SourceKind::Yaml
        );
        // The extension wins over the language id; without one, the id decides.
        let yaml = Uri::from_str("file:///w/ticket.asl.yaml").unwrap();
        assert_eq!(kind_for(&yaml, "json", "StartAt: A"), SourceKind::Yaml);
        let json = Uri::from_str("file:///w/ticket.ASL.JSON").unwrap();
        assert_eq!(kind_for(&json, "yaml", "{}"), SourceKind::Json);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(kind_for(&untitled, "yaml", "{}"), SourceKind::Yaml);
        assert_eq!(kind_for(&untitled, "asl-yaml", "{}"), SourceKind::Yaml);
        assert_eq!(kind_for(&untitled, "asl", "a: 1"), SourceKind::Json);
    }

    #[test]
    fn terraform_by_language_id_or_by_name() {
        let tf = Uri::from_str("file:///p/main.tf").unwrap();
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert!(is_terraform(&tf, "terraform"));
        // VS Code without a Terraform extension calls it plain text.
        assert!(is_terraform(&tf, "plaintext"));
        assert!(is_terraform(&untitled, "hcl"));
        assert!(!is_terraform(&untitled, "plaintext"));
        // A language the user chose wins over the name.
        assert!(!is_terraform(&tf, "json"));
        let doc = Document::new(&tf, "", 1, "locals {}\n".to_string());
        assert!(doc.terraform);
        assert_eq!(doc.kind, SourceKind::Json);
        let asl = Uri::from_str("file:///p/main.tf.asl.yaml").unwrap();
        assert!(!is_terraform(&asl, ""));
        // Terraform's JSON syntax, which editors open as JSON; OpenTofu's files.
        let json = Uri::from_str("file:///p/cdk.tf.json").unwrap();
        assert!(is_terraform(&json, "json"));
        let tofu = Uri::from_str("file:///p/main.tofu").unwrap();
        assert!(is_terraform(&tofu, "plaintext"));
    }
}
