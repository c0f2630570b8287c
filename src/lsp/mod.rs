//! The language server (`asl-lint server`): the only module that knows LSP and tokio.
//!
//! It is a thin shell. Analysis lives in the pure core ([`crate::lint`] for diagnostics,
//! [`crate::ide`] for navigation, completion, hover and formatting), which talks in byte
//! offsets; this module converts them to LSP's UTF-16 positions and back.
//!
//! Ordering: the server handles one message at a time (`concurrency_level(1)`), so
//! `didChange` edits apply in order. Diagnostics are computed off the message loop by
//! one analysis task: each change queues the document, the task lints a snapshot on a
//! blocking thread and publishes the result with the snapshot's version, unless the
//! document changed meanwhile (then the stale result is dropped; the newer version is
//! already queued). There is no debounce: a small file is linted right away.

mod convert;
mod documents;

use std::process::ExitCode;
use std::sync::Arc;

use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::diagnostics::Applicability;
use crate::ide;
use crate::lint::{LintOptions, lint_text};
use crate::syntax::SourceKind;

pub use documents::{Document, Documents};

/// Runs the server over stdin/stdout until the client sends `exit`.
pub fn run_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("asl-lint server: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::new(Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(1)
            .serve(service)
            .await;
    });
    // The stdin reader may be blocked in a read that never returns; do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    ExitCode::SUCCESS
}

/// The server state shared by all handlers.
pub struct Backend {
    client: Client,
    docs: Arc<Documents>,
    queue: mpsc::UnboundedSender<Uri>,
    /// The client accepts snippets in completion items.
    snippets: std::sync::atomic::AtomicBool,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let docs = Arc::new(Documents::default());
        let (queue, rx) = mpsc::unbounded_channel();
        tokio::spawn(analysis_task(client.clone(), docs.clone(), rx));
        Backend {
            client,
            docs,
            queue,
            snippets: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The open document and the byte offset of a position in it.
    fn at(&self, p: &TextDocumentPositionParams) -> Option<(Document, u32)> {
        let doc = self.docs.get(&p.text_document.uri)?;
        let offset = doc.offset(p.position);
        Some((doc, offset))
    }

    fn schedule(&self, uri: Uri) {
        let _ = self.queue.send(uri);
    }
}

/// Lints queued documents one after the other, always the latest version, and publishes
/// results that are still current.
async fn analysis_task(client: Client, docs: Arc<Documents>, mut rx: mpsc::UnboundedReceiver<Uri>) {
    while let Some(first) = rx.recv().await {
        let mut pending = vec![first];
        while let Ok(uri) = rx.try_recv() {
            if !pending.contains(&uri) {
                pending.push(uri);
            }
        }
        for uri in pending {
            let Some(doc) = docs.get(&uri) else {
                continue;
            };
            let version = doc.version;
            let uri_for_task = uri.clone();
            let result = tokio::task::spawn_blocking(move || {
                let found = lint_text(&doc.text, doc.kind, &LintOptions::default());
                found
                    .iter()
                    .map(|d| convert::diagnostic(d, &doc, &uri_for_task))
                    .collect::<Vec<_>>()
            })
            .await;
            let Ok(diagnostics) = result else {
                // The analysis panicked: report nothing rather than bring the server down.
                continue;
            };
            if docs.version(&uri) != Some(version) {
                continue;
            }
            client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        self.snippets
            .store(snippets, std::sync::atomic::Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(["\"", ".", "$", ":"].map(String::from).to_vec()),
                    ..Default::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..Default::default()
                    },
                )),
                document_formatting_provider: Some(OneOf::Left(true)),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "asl-lint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let doc = Document::new(&td.uri, &td.language_id, td.version, td.text);
        self.docs.open(td.uri.clone(), doc);
        self.schedule(td.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        if self
            .docs
            .change(&uri, params.text_document.version, params.content_changes)
        {
            self.schedule(uri);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.docs.close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let Some((doc, offset)) = self.at(&params.text_document_position_params) else {
            return Ok(None);
        };
        let info = guard(|| {
            let diagnostics = lint_text(&doc.text, doc.kind, &LintOptions::default());
            ide::hover(&doc.text, doc.kind, offset, &diagnostics)
        });
        Ok(info.map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(doc.range(h.range)),
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let Some((doc, offset)) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        let snippets = self.snippets.load(std::sync::atomic::Ordering::Relaxed);
        let items =
            guard(|| Some(ide::completions(&doc.text, doc.kind, offset))).unwrap_or_default();
        if items.is_empty() {
            return Ok(None);
        }
        Ok(Some(CompletionResponse::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| convert::completion(c, &doc, i, snippets))
                .collect(),
        )))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = &params.text_document_position_params;
        let Some((doc, offset)) = self.at(p) else {
            return Ok(None);
        };
        let location = |r| Location {
            uri: p.text_document.uri.clone(),
            range: doc.range(r),
        };
        if let Some(target) = guard(|| ide::definition(&doc.text, doc.kind, offset)) {
            return Ok(Some(GotoDefinitionResponse::Scalar(location(target))));
        }
        // A variable: its Assign key(s).
        let vars = guard(|| Some(ide::variable_definitions(&doc.text, doc.kind, offset)))
            .unwrap_or_default();
        Ok(match vars.len() {
            0 => None,
            1 => Some(GotoDefinitionResponse::Scalar(location(vars[0]))),
            _ => Some(GotoDefinitionResponse::Array(
                vars.into_iter().map(location).collect(),
            )),
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = &params.text_document_position;
        let Some((doc, offset)) = self.at(p) else {
            return Ok(None);
        };
        let include = params.context.include_declaration;
        let found = guard(|| Some(ide::references(&doc.text, doc.kind, offset, include)))
            .unwrap_or_default();
        Ok(Some(
            found
                .into_iter()
                .map(|r| Location {
                    uri: p.text_document.uri.clone(),
                    range: doc.range(r),
                })
                .collect(),
        ))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((doc, offset)) = self.at(&params) else {
            return Ok(None);
        };
        let found = guard(|| ide::prepare_rename(&doc.text, doc.kind, offset));
        Ok(found.map(
            |(range, name)| PrepareRenameResponse::RangeWithPlaceholder {
                range: doc.range(range),
                placeholder: name,
            },
        ))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = &params.text_document_position;
        let Some((doc, offset)) = self.at(p) else {
            return Ok(None);
        };
        let result = guard(|| Some(ide::rename(&doc.text, doc.kind, offset, &params.new_name)))
            .unwrap_or_else(|| Err("rename failed".to_string()));
        match result {
            Ok(edits) => {
                let mut changes = std::collections::HashMap::new();
                changes.insert(p.text_document.uri.clone(), convert::edits(&edits, &doc));
                Ok(Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }))
            }
            Err(message) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let symbols =
            guard(|| Some(ide::document_symbols(&doc.text, doc.kind))).unwrap_or_default();
        Ok(Some(DocumentSymbolResponse::Nested(
            symbols.iter().map(|s| convert::symbol(s, &doc)).collect(),
        )))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let ranges = guard(|| Some(ide::folding_ranges(&doc.text, doc.kind))).unwrap_or_default();
        Ok(Some(
            ranges
                .into_iter()
                .map(|(start_line, end_line)| FoldingRange {
                    start_line,
                    end_line,
                    kind: Some(FoldingRangeKind::Region),
                    ..Default::default()
                })
                .collect(),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        if let Some(only) = &params.context.only
            && !only.iter().any(|k| k.as_str().starts_with("quickfix"))
        {
            return Ok(None);
        }
        let wanted = doc.text_range(params.range);
        let diagnostics = guard(|| Some(lint_text(&doc.text, doc.kind, &LintOptions::default())))
            .unwrap_or_default();
        let mut actions = Vec::new();
        for d in &diagnostics {
            let overlaps = d.range.start <= wanted.end && wanted.start <= d.range.end;
            if !overlaps {
                continue;
            }
            for fix in &d.fixes {
                let mut changes = std::collections::HashMap::new();
                changes.insert(uri.clone(), convert::edits(&fix.edits, &doc));
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![convert::diagnostic(d, &doc, &uri)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(actions))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        if doc.kind != SourceKind::Json {
            // YAML formatting is left to YAML tools.
            return Ok(None);
        }
        let indent = if params.options.insert_spaces {
            " ".repeat(params.options.tab_size.clamp(1, 16) as usize)
        } else {
            "\t".to_string()
        };
        let options = ide::FormatOptions {
            indent,
            ..Default::default()
        };
        let Some(formatted) = guard(|| ide::format_json(&doc.text, &options)) else {
            return Ok(None);
        };
        if formatted == *doc.text {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![TextEdit {
            range: doc.range(crate::syntax::TextRange::from_usize(0, doc.text.len())),
            new_text: formatted,
        }]))
    }
}

/// Runs an analysis, turning a panic (a bug) into "no answer" instead of a dead server.
fn guard<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .ok()
        .flatten()
}
