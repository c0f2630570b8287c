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

use crate::lint::{LintOptions, lint_text};

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
        }
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
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
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
}
