//! The language server (`asl-lint server`): the only module that knows LSP and tokio.
//!
//! It is a thin shell. Analysis lives in the pure core ([`crate::lint`] for diagnostics,
//! [`crate::ide`] for navigation, completion, hover and formatting), which talks in byte
//! offsets; this module converts them to LSP's UTF-16 positions and back.
//!
//! Ordering: the server handles one message at a time (`concurrency_level(1)`), so
//! `didChange` edits apply in order. Diagnostics are computed off the message loop by
//! one analysis task: each change queues the document, the task lints a snapshot as a
//! rayon job and publishes the result with the snapshot's version, unless the document
//! changed meanwhile (then the stale result is dropped; the newer version is already
//! queued), so an older version's diagnostics never follow a newer one's, nor the same
//! ones again for a version linted twice (opened again, a template edit). There is no
//! debounce: a small file is linted right away, except that nothing is published before
//! the first read of the workspace folder's templates has ended (a file one of them
//! deploys is published once, with its substitutions). The published diagnostics are
//! kept for hover and code actions on the same version, which wait for the lint under
//! way rather than run another.
//!
//! Requests that analyse a whole document (completion, hover, formatting, symbols,
//! folding, semantic tokens) do their work off the message loop, one at a time
//! ([`Backend::run`]), so the server reads on meanwhile: a `$/cancelRequest` answers a
//! request at once, and a request whose document the client has changed since (the
//! change still waits behind it) is answered ContentModified instead of computed.
//!
//! A Terraform file (a `.tf` name, or the language id `terraform`/`hcl`) is linted as
//! `asl-lint check` lints one. Its heredoc definitions are JSON in the file, so the
//! requests at a position inside one run the JSON analyses on the file with everything
//! else blanked ([`Document::view_at`]); elsewhere (HCL, `jsonencode`) they answer
//! nothing. Folding, coloring and formatting are left to the editor's Terraform support.
//!
//! Settings (`aslLint`, see [`settings`]) and the `asl-lint.toml` above each document
//! choose the rules and severities; a change to either lints the open documents again.

mod convert;
mod documents;
mod settings;
use crate::embed::owners as templates;
mod transport;

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::diagnostics::{Applicability, Diagnostic};
use crate::ide;
use crate::syntax::SourceKind;

pub use documents::{Document, Documents};
pub use settings::{Settings, Workspace};

/// The command that draws a document's state graph (`workspace/executeCommand`).
pub const GRAPH_COMMAND: &str = "asl-lint.graph";

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
        let announced = Arc::new(transport::Announced::default());
        let seen = announced.clone();
        let (service, socket) = LspService::build(move |client| Backend::new(client, seen))
            .custom_method(transport::DROPPED, Backend::dropped)
            .finish();
        // The client's messages reach the framework through a check (see transport).
        let (to_framework, from_relay) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            transport::relay(tokio::io::stdin(), to_framework, &announced).await;
        });
        Server::new(from_relay, tokio::io::stdout(), socket)
            .concurrency_level(1)
            .serve(Answered(service))
            .await;
    });
    // The stdin reader may be blocked in a read that never returns; do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    // The protocol: 0 after `shutdown` then `exit`, 1 when the client went without
    // asking for a shutdown.
    if SHUT_DOWN.load(Ordering::Relaxed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The framework's service, with two repairs.
///
/// Every request gets an answer: the framework leaves a request for an unknown `$/`
/// method unanswered (as it may a notification), where the protocol asks for a
/// MethodNotFound error, and a client waits for it for good.
///
/// A `$/cancelRequest` takes effect as soon as it is read. The framework queues it
/// behind the messages before it and, handling one at a time, would cancel a request
/// only after that request had finished: every request ran to the end, one after the
/// other, however many the client had given up on.
struct Answered<S>(S);

impl<S> tower_service::Service<Request> for Answered<S>
where
    S: tower_service::Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = std::result::Result<Self::Response, S::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == "$/cancelRequest" && request.id().is_none() {
            // The framework's handler only cancels: it ends at its first poll.
            let mut cancel = Box::pin(self.0.call(request));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            return match cancel.as_mut().poll(&mut cx) {
                std::task::Poll::Ready(done) => Box::pin(std::future::ready(done)),
                std::task::Poll::Pending => cancel,
            };
        }
        let unanswered = request
            .id()
            .filter(|_| request.method().starts_with("$/"))
            .map(|id| (id.clone(), request.method().to_string()));
        let answer = self.0.call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(match (response, unanswered) {
                (None, Some((id, method))) => {
                    let mut error = tower_lsp_server::jsonrpc::Error::method_not_found();
                    error.data = Some(Value::String(method));
                    Some(Response::from_error(id, error))
                }
                (response, _) => response,
            })
        })
    }
}

/// Set when the client has sent `shutdown`.
static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

/// The server state shared by all handlers.
/// Indexes of [`Backend::markdown`].
const HOVER: usize = 0;
const COMPLETION: usize = 1;
const SIGNATURE: usize = 2;

pub struct Backend {
    client: Client,
    docs: Arc<Documents>,
    workspace: Arc<Workspace>,
    queue: mpsc::UnboundedSender<Uri>,
    /// The client accepts snippets in completion items.
    snippets: AtomicBool,
    /// The client renders Markdown in hovers, completion documentation and signature
    /// help (each its own setting); plain text is sent otherwise.
    markdown: [AtomicBool; 3],
    /// The client answers `workspace/configuration`.
    pull_config: AtomicBool,
    /// The client lets the server register file watchers.
    watch_files: AtomicBool,
    /// The document versions the client has sent, ahead of those applied.
    announced: Arc<transport::Announced>,
    /// One permit: the analysis a request runs off the message loop ([`Backend::run`]).
    worker: Arc<tokio::sync::Semaphore>,
    /// The lens commands the client runs itself ([`LENS_COMMANDS`] it named in
    /// `initializationOptions.clientCommands`); no lenses for a client that names none.
    lens_commands: std::sync::Mutex<Vec<(&'static str, &'static str)>>,
    /// Set once the first read of the workspace folder's templates has ended
    /// ([`Backend::scan_templates`]); the analysis task publishes nothing before.
    scanned: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Backend {
    pub fn new(client: Client, announced: Arc<transport::Announced>) -> Backend {
        let docs = Arc::new(Documents::default());
        let workspace = Arc::new(Workspace::default());
        let (queue, rx) = mpsc::unbounded_channel();
        let (scanned, scan_ended) = tokio::sync::watch::channel(false);
        tokio::spawn(analysis_task(
            client.clone(),
            docs.clone(),
            workspace.clone(),
            queue.clone(),
            rx,
            scan_ended,
        ));
        Backend {
            client,
            docs,
            workspace,
            queue,
            snippets: AtomicBool::new(false),
            markdown: std::array::from_fn(|_| AtomicBool::new(true)),
            pull_config: AtomicBool::new(false),
            watch_files: AtomicBool::new(false),
            lens_commands: std::sync::Mutex::new(Vec::new()),
            announced,
            worker: Arc::new(tokio::sync::Semaphore::new(1)),
            scanned: Arc::new(scanned),
        }
    }

    /// The client has sent a version of `uri` that is not the one applied yet: a
    /// change sent after the request being handled waits behind it.
    fn stale(&self, uri: &Uri) -> bool {
        match (self.announced.version(uri), self.docs.version(uri)) {
            (Some(sent), Some(applied)) => sent != i64::from(applied),
            _ => false,
        }
    }

    /// A document notification the relay left out (see [`transport::DROPPED`]): the
    /// editor is told, as the document may now read differently here than there.
    async fn dropped(&self, dropped: transport::Dropped) {
        let transport::Dropped { method, uri, why } = dropped;
        let consequence = match (method.as_str(), &uri) {
            ("textDocument/didChange", Some(uri)) => format!(
                "; {uri} is answered for as it was before that change, which may now differ from the editor's text until the document is closed and opened again"
            ),
            ("textDocument/didOpen", Some(uri)) => format!("; {uri} is not open here"),
            _ => String::new(),
        };
        let message = format!("asl-lint left out a {method} it could not read: {why}{consequence}");
        self.client.log_message(MessageType::WARNING, message).await;
    }

    /// Runs `analysis`, a request's work on the document `uri`, off the message loop,
    /// one at a time. Meanwhile the framework reads on: a `$/cancelRequest` for the
    /// request answers it at once (RequestCancelled) and drops its result, and a
    /// request cancelled while it waits for the analysis before it never runs. A
    /// request for a version the client has already left (see [`Backend::stale`]) is
    /// answered ContentModified instead, before or after the work: its ranges would
    /// be offsets into a text the editor no longer shows, and with a large document
    /// each would keep every later request waiting.
    async fn run<T: Send + 'static>(
        &self,
        uri: &Uri,
        analysis: impl FnOnce() -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let modified = tower_lsp_server::jsonrpc::Error::content_modified;
        if self.stale(uri) {
            return Err(modified());
        }
        let Ok(permit) = self.worker.clone().acquire_owned().await else {
            return Ok(None);
        };
        if self.stale(uri) {
            return Err(modified());
        }
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit; // held until the work ends, even if the request is gone
            guard(analysis)
        });
        let answer = job.await.ok().flatten();
        if self.stale(uri) {
            return Err(modified());
        }
        Ok(answer)
    }

    /// The open document as the analyses at a position read it ([`Document::view_at`]:
    /// in a Terraform file, the heredoc definition there) and the byte offset of the
    /// position. `None` where there is nothing to analyse.
    fn at(&self, p: &TextDocumentPositionParams) -> Option<(Document, u32)> {
        let doc = self.docs.get(&p.text_document.uri)?;
        let offset = doc.offset(p.position);
        let view = guard(|| doc.view_at(offset))?;
        Some((view, offset))
    }

    /// The document of a call hierarchy item and the offset of its name (the item's
    /// selection range starts on the state's key), read as [`Backend::at`] reads it.
    fn at_item(&self, item: &CallHierarchyItem) -> Option<(Document, Uri, u32)> {
        let doc = self.docs.get(&item.uri)?;
        let offset = doc.offset(item.selection_range.start);
        let view = guard(|| doc.view_at(offset))?;
        Some((view, item.uri.clone(), offset))
    }

    /// The `DefinitionSubstitutions` of the templates that name the file at `uri`
    /// (`DefinitionUri`): a `${Name}` there reaches the state their value names.
    fn substitutions_for(&self, uri: &Uri) -> Vec<crate::embed::template::Substitutions> {
        uri.to_file_path()
            .map(|path| self.workspace.references_to(&path))
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.substitutions)
            .collect()
    }

    /// The templates that fill the `${Name}` tokens of the file at `uri` from their
    /// `DefinitionSubstitutions` (SAM, CloudFormation; `DefinitionUri`), each with the
    /// state machine that names the file and its text when it is open.
    fn filling_templates(&self, uri: &Uri) -> Vec<FillingTemplate> {
        let Some(path) = uri.to_file_path() else {
            return Vec::new();
        };
        let mut out: Vec<FillingTemplate> = Vec::new();
        for (template, reference) in self.workspace.templates_naming(&path) {
            let seen = out
                .iter()
                .any(|t| t.uri == template && t.machine == reference.name);
            let substitutions = matches!(
                reference.filling,
                crate::embed::Filling::Substitutions | crate::embed::Filling::SubstitutionsComputed
            );
            if !substitutions || seen {
                continue;
            }
            out.push(FillingTemplate {
                open: self.docs.get(&template),
                uri: template,
                machine: reference.name,
            });
        }
        out
    }

    fn schedule(&self, uri: Uri) {
        let _ = self.queue.send(uri);
    }

    /// Lints every open document again (settings or a configuration file changed).
    fn relint_all(&self) {
        relint_all(&self.docs, &self.queue);
    }

    /// Finds the templates of the workspace folder that name definition files (in the
    /// background), so that such a file is linted with its template's substitutions
    /// even when the template is not open. An open template's own text wins.
    ///
    /// The documents opened meanwhile are published once it has ended (see
    /// [`analysis_task`]), so a file a template deploys is published once, read as the
    /// template deploys it, not first alone then again.
    fn scan_templates(&self) {
        let ended = ScanEnded(self.scanned.clone());
        let Some(root) = self.workspace.root() else {
            return; // Nothing to read: `ended` lets the documents through now.
        };
        self.record_templates(move || templates::scan(&root), Some(ended));
    }

    /// In the background: records what each template that `found` reads from disk
    /// names (an open template's own text wins), then lints again the open documents
    /// whose references changed; `ended` is dropped after that (or when `found`
    /// panics).
    fn record_templates(
        &self,
        found: impl FnOnce() -> Vec<(std::path::PathBuf, Vec<crate::embed::Reference>)> + Send + 'static,
        ended: Option<ScanEnded>,
    ) {
        let docs = self.docs.clone();
        let workspace = self.workspace.clone();
        let queue = self.queue.clone();
        tokio::task::spawn_blocking(move || {
            let mut changed = Vec::new();
            for (path, references) in found() {
                // (The URI as the workspace scan writes it, so that a template found
                // again replaces what was found before.)
                let Some(uri) = Uri::from_file_path(&path) else {
                    continue;
                };
                if docs.get(&uri).is_none() {
                    changed.extend(workspace.set_references(&uri, &references));
                }
            }
            relint_paths(&docs, &queue, &changed);
            // Only now: the documents queued again above are in the queue before the
            // analysis task looks, and linted once with the others.
            drop(ended);
        });
    }

    /// Asks the client for the `aslLint` section, then lints the open documents again
    /// if the settings changed; first registers the file watchers ([`watched_files`]) when
    /// `register` says so. Runs as a task of its own: the server handles one message
    /// at a time, and a handler that waited for the client's answers would hold back
    /// every edit and request behind it (for good, with a client that never answers).
    fn refresh_settings(&self, register: bool) {
        let pull = self.pull_config.load(Ordering::Relaxed);
        if !pull && !register {
            return;
        }
        let client = self.client.clone();
        let workspace = self.workspace.clone();
        let docs = self.docs.clone();
        let queue = self.queue.clone();
        tokio::spawn(async move {
            if register {
                let _ = client.register_capability(vec![watched_files()]).await;
            }
            if pull && pull_settings(&client, &workspace).await {
                relint_all(&docs, &queue);
            }
        });
    }
}

/// Marks the first read of the workspace folder's templates as ended when dropped,
/// however it ended (a panic included): documents must not wait for it for good.
struct ScanEnded(Arc<tokio::sync::watch::Sender<bool>>);

impl Drop for ScanEnded {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

/// How long the analysis task holds back the documents opened before the first read
/// of the workspace folder's templates has ended: the walk is bounded
/// ([`templates::scan`]) but a slow disk may still make it long, and a document's
/// findings without its template beat none. (A client that never sends `initialized`
/// starts no scan: its documents wait this long.)
const WAIT_FOR_SCAN: std::time::Duration = std::time::Duration::from_secs(5);

/// Queues every open document for linting again, its published results forgotten.
/// How long hover and code actions wait for the diagnostics of the version they are
/// asked about, being computed, before computing them themselves.
const WAIT_FOR_LINT: std::time::Duration = std::time::Duration::from_secs(30);

fn relint_all(docs: &Documents, queue: &mpsc::UnboundedSender<Uri>) {
    docs.forget_results();
    for uri in docs.uris() {
        let _ = queue.send(uri);
    }
}

/// Queues the open documents at `paths` (canonical) for linting again: the templates
/// that name them changed.
fn relint_paths(
    docs: &Documents,
    queue: &mpsc::UnboundedSender<Uri>,
    paths: &[std::path::PathBuf],
) {
    if paths.is_empty() {
        return;
    }
    for uri in docs.uris() {
        let Some(path) = uri.to_file_path() else {
            continue;
        };
        if std::fs::canonicalize(&*path).is_ok_and(|p| paths.contains(&p)) {
            docs.forget_result(&uri);
            let _ = queue.send(uri);
        }
    }
}

/// A template that fills a definition file's `${Name}` tokens ([`Backend::filling_templates`]).
struct FillingTemplate {
    uri: Uri,
    /// The template as the editor has it, when it is open.
    open: Option<Document>,
    /// The state machine (logical id) that names the file.
    machine: String,
}

/// One `DefinitionSubstitutions` entry that gives a file's `${Name}` its value.
struct SubstitutionEntry {
    uri: Uri,
    /// The template, as open or as saved.
    template: Document,
    /// The state machine whose substitutions these are (its logical id).
    machine: String,
    key: crate::syntax::TextRange,
    written: String,
}

/// Where `templates` give `${name}` its value: each entry, in their order. A template
/// that is not open is read as saved.
fn substitution_entries(templates: &[FillingTemplate], name: &str) -> Vec<SubstitutionEntry> {
    templates
        .iter()
        .filter_map(|t| {
            let template = match &t.open {
                Some(doc) => doc.clone(),
                None => {
                    let path = t.uri.to_file_path()?;
                    let text = crate::files::read_to_string(&path).ok()?;
                    Document::new(&t.uri, "", 0, text)
                }
            };
            let (key, written) =
                ide::substitution_entry(&template.text, template.kind, &t.machine, name)?;
            Some(SubstitutionEntry {
                uri: t.uri.clone(),
                template,
                machine: t.machine.clone(),
                key,
                written,
            })
        })
        .collect()
}

/// The path of the file at `uri` as a hover names it: from the workspace folder when it
/// is in it, else the file's name.
/// The `${name}` tokens of the definition file that the template at `template` names
/// as `file` (relative to its folder): as the editor has it open, else as saved.
fn file_placeholder_uses(
    docs: &Documents,
    template: &Uri,
    file: &str,
    name: &str,
) -> Vec<Location> {
    let Some(path) = template
        .to_file_path()
        .and_then(|p| p.parent()?.join(file).canonicalize().ok())
    else {
        return Vec::new();
    };
    let Some(uri) = Uri::from_file_path(&path) else {
        return Vec::new();
    };
    let Some(doc) = docs.get(&uri).or_else(|| {
        let text = crate::files::read_to_string(&path).ok()?;
        Some(Document::new(&uri, "", 0, text))
    }) else {
        return Vec::new();
    };
    ide::placeholder_uses(&doc.text, doc.kind, name)
        .into_iter()
        .map(|r| Location {
            uri: uri.clone(),
            range: doc.range(r),
        })
        .collect()
}

fn shown_path(uri: &Uri, root: Option<&std::path::Path>) -> String {
    let Some(path) = uri.to_file_path() else {
        return uri.as_str().to_string();
    };
    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.to_path_buf());
    let root = root.and_then(|r| std::fs::canonicalize(r).ok());
    let shown = root
        .as_deref()
        .and_then(|r| real.strip_prefix(r).ok())
        .or_else(|| real.file_name().map(std::path::Path::new))
        .unwrap_or(&real);
    shown.to_string_lossy().replace('\\', "/")
}

/// Template names a watcher reports ([`crate::files::is_template_name`]): a template
/// changed on disk while closed (a `git checkout`, a `git pull`) is read again for the
/// open definition files it names.
const TEMPLATE_GLOBS: [&str; 4] = [
    "**/template.{yaml,yml,json}",
    "**/*.template.json",
    "**/serverless.{yml,yaml}",
    "**/*.{tf,tofu,tf.json}",
];

/// The registration of watchers for the configuration files (`asl-lint.toml`, ...) and
/// the templates.
fn watched_files() -> Registration {
    let globs = crate::config::FILE_NAMES
        .iter()
        .map(|name| format!("**/{name}"))
        .chain(TEMPLATE_GLOBS.iter().map(|g| g.to_string()));
    let watchers = globs
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob),
            kind: None,
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    Registration {
        id: "asl-lint-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// Asks the client for the `aslLint` section; true when the settings changed.
async fn pull_settings(client: &Client, workspace: &Workspace) -> bool {
    let items = vec![ConfigurationItem {
        scope_uri: None,
        section: Some(settings::SECTION.to_string()),
    }];
    match client.configuration(items).await {
        Ok(values) => {
            let settings = match values.first() {
                // The client has no `aslLint` settings of its own (the protocol's answer
                // for a section it does not know is `null`): those given at
                // initialization stay in force.
                Some(Value::Null) | None => workspace.initial(),
                Some(Value::Object(m))
                    if m.is_empty()
                        || (m.len() == 1 && m.get(settings::SECTION) == Some(&Value::Null)) =>
                {
                    workspace.initial()
                }
                Some(v) => {
                    Settings::from_value(&json!({ settings::SECTION: v })).unwrap_or_default()
                }
            };
            workspace.set(settings)
        }
        Err(_) => false,
    }
}

/// Lints queued documents one after the other, always the latest version, and publishes
/// results that are still current. The lint runs on the rayon pool, so the message loop
/// keeps applying edits meanwhile; a result for a version that is no longer current is
/// dropped (its successor is already queued), so an older version's diagnostics are
/// never published after a newer one's.
async fn analysis_task(
    client: Client,
    docs: Arc<Documents>,
    workspace: Arc<Workspace>,
    queue: mpsc::UnboundedSender<Uri>,
    mut rx: mpsc::UnboundedReceiver<Uri>,
    mut scan_ended: tokio::sync::watch::Receiver<bool>,
) {
    // A document opened right after the start would otherwise be published alone, then
    // again once the scan found the template that deploys it (with its substitutions).
    // Meanwhile the queue keeps what comes in; the documents the scan queues again are
    // among them, and linted once.
    let _ = tokio::time::timeout(WAIT_FOR_SCAN, scan_ended.wait_for(|ended| *ended)).await;
    let mut last_config_error: Option<String> = None;
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
            let (tx, done) = tokio::sync::oneshot::channel();
            let job_uri = uri.clone();
            let job_workspace = workspace.clone();
            rayon::spawn(move || {
                // The result goes out before the syntax tree is freed.
                let mut tx = Some(tx);
                let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let (setup, error) = job_workspace.lint_setup(&job_uri);
                    setup.lint_then(&doc, |found, references| {
                        let published: Vec<_> = found
                            .iter()
                            .map(|d| convert::diagnostic(d, &doc, &job_uri))
                            .collect();
                        // Open files that this template names (or named) are linted
                        // again with its substitutions.
                        let changed = job_workspace.set_references(&job_uri, &references);
                        if let Some(tx) = tx.take() {
                            let _ = tx.send((found, published, error, changed));
                        }
                    })
                }));
                // After a panic `tx` is dropped unsent: the task sees an error.
                drop(sent);
            });
            let Ok((found, published, error, changed)) = done.await else {
                // The analysis panicked: report nothing rather than bring the server down.
                continue;
            };
            let message = error.map(|e| format!("asl-lint: {e} (linting without it)"));
            if message.is_some() && message != last_config_error {
                client
                    .show_message(MessageType::WARNING, message.clone().unwrap_or_default())
                    .await;
            }
            last_config_error = message;
            relint_paths(&docs, &queue, &changed);
            if !docs.store_result(&uri, version, Arc::new(found))
                || !docs.mark_published(&uri, version, &published)
            {
                continue;
            }
            client
                .publish_diagnostics(uri, published, Some(version))
                .await;
        }
    }
}

/// The workspace folders from `initialize` (else the root URI).
#[allow(deprecated)] // `root_uri` is deprecated but still sent by older clients.
fn workspace_folders(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let uris: Vec<&Uri> = match params.workspace_folders.as_deref() {
        Some(folders) if !folders.is_empty() => folders.iter().map(|f| &f.uri).collect(),
        _ => params.root_uri.iter().collect(),
    };
    uris.into_iter()
        .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
        .collect()
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
        self.snippets.store(snippets, Ordering::Relaxed);
        let text = params.capabilities.text_document.as_ref();
        let formats = [
            text.and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_deref()),
            text.and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.documentation_format.as_deref()),
            text.and_then(|t| t.signature_help.as_ref())
                .and_then(|s| s.signature_information.as_ref())
                .and_then(|i| i.documentation_format.as_deref()),
        ];
        for (flag, kinds) in self.markdown.iter().zip(formats) {
            flag.store(convert::prefers_markdown(kinds), Ordering::Relaxed);
        }
        let workspace_caps = params.capabilities.workspace.as_ref();
        self.pull_config.store(
            workspace_caps
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            Ordering::Relaxed,
        );
        self.watch_files.store(
            workspace_caps
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            Ordering::Relaxed,
        );
        self.workspace.set_folders(workspace_folders(&params));
        let named: Vec<&str> = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("clientCommands"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        *self.lens_commands.lock().unwrap_or_else(|e| e.into_inner()) = LENS_COMMANDS
            .iter()
            .copied()
            .filter(|(command, _)| named.contains(command))
            .collect();
        if let Some(settings) = params
            .initialization_options
            .as_ref()
            .and_then(Settings::from_value)
        {
            self.workspace.set_initial(settings);
        }
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
                document_highlight_provider: Some(OneOf::Left(true)),
                call_hierarchy_provider: Some(CallHierarchyServerCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: convert::TOKEN_TYPES.to_vec(),
                                token_modifiers: convert::TOKEN_MODIFIERS.to_vec(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            ..Default::default()
                        },
                    ),
                ),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".to_string(), ",".to_string()]),
                    retrigger_characters: Some(vec![" ".to_string()]),
                    work_done_progress_options: Default::default(),
                }),
                linked_editing_range_provider: Some(LinkedEditingRangeServerCapabilities::Simple(
                    true,
                )),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE_FIX_ALL,
                            CodeActionKind::new(FIX_ALL_KIND),
                        ]),
                        ..Default::default()
                    },
                )),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![GRAPH_COMMAND.to_string()],
                    work_done_progress_options: Default::default(),
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "asl-lint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.refresh_settings(self.watch_files.load(Ordering::Relaxed));
        self.scan_templates();
    }

    async fn shutdown(&self) -> Result<()> {
        SHUT_DOWN.store(true, Ordering::Relaxed);
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match Settings::from_value(&params.settings) {
            Some(settings) => {
                if self.workspace.set(settings) {
                    self.relint_all();
                }
            }
            None => self.refresh_settings(false),
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| settings::is_config_file(&c.uri))
        {
            self.workspace.forget_config_files();
            self.relint_all();
        }
        // A closed template changed on disk governs the files it names as it is saved
        // now (as when it is closed); an open one's own text wins.
        let templates: Vec<std::path::PathBuf> = params
            .changes
            .iter()
            .filter(|c| self.docs.get(&c.uri).is_none())
            .filter_map(|c| c.uri.to_file_path().map(|p| p.into_owned()))
            .filter(|p| crate::files::is_template_name(p))
            .collect();
        if templates.is_empty() {
            return;
        }
        self.record_templates(
            move || {
                templates
                    .into_iter()
                    .map(|path| {
                        let saved = templates::references_of(&path);
                        (path, saved)
                    })
                    .collect()
            },
            None,
        );
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
        // A closed template governs the files it names as it is saved on disk.
        let saved = uri
            .to_file_path()
            .map(|p| templates::references_of(&p))
            .unwrap_or_default();
        let named = self.workspace.set_references(&uri, &saved);
        relint_paths(&self.docs, &self.queue, &named);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let uri = p.text_document.uri;
        // The diagnostics of the whole document (a Terraform file's view is not HCL).
        let Some(whole) = self.docs.get(&uri) else {
            return Ok(None);
        };
        let published = self
            .docs
            .wait_result(&uri, whole.version, WAIT_FOR_LINT)
            .await;
        let (setup, _) = self.workspace.lint_setup(&uri);
        let markdown = self.markdown[HOVER].load(Ordering::Relaxed);
        let templates = self.filling_templates(&uri);
        let root = self.workspace.root();
        self.run(&uri, move || {
            let diagnostics = published.unwrap_or_else(|| Arc::new(setup.lint(&whole)));
            let offset = whole.offset(p.position);
            let doc = whole.view_at(offset)?;
            // A `${Name}` of a file that templates name: what they give it.
            let given: Vec<ide::GivenValue> = match ide::placeholder_name_at(&doc.text, offset) {
                Some((_, name)) if !templates.is_empty() => substitution_entries(&templates, &name)
                    .into_iter()
                    .map(|e| ide::GivenValue {
                        name: name.clone(),
                        template: shown_path(&e.uri, root.as_deref()),
                        machine: e.machine,
                        written: e.written,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let h = ide::hover_given(&doc.text, doc.kind, offset, &diagnostics, &given)?;
            Some(Hover {
                contents: HoverContents::Markup(convert::markup(h.markdown, markdown)),
                range: Some(doc.range(h.range)),
            })
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let Some(whole) = self.docs.get(&p.text_document.uri) else {
            return Ok(None);
        };
        let snippets = self.snippets.load(Ordering::Relaxed);
        let markdown = self.markdown[COMPLETION].load(Ordering::Relaxed);
        self.run(&p.text_document.uri, move || {
            let offset = whole.offset(p.position);
            let doc = whole.view_at(offset)?;
            // An empty YAML or JSON file is a state machine to be only when it is named
            // or opened as one: a new `docker-compose.yml` gets no `StartAt`.
            let blank = doc.text.lines().all(|l| {
                let l = l.trim();
                l.is_empty() || l.starts_with('#')
            });
            if blank && !doc.named_definition {
                return None;
            }
            let items = ide::completions(&doc.text, doc.kind, offset);
            (!items.is_empty()).then(|| {
                CompletionResponse::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, c)| convert::completion(c, &doc, i, snippets, markdown))
                        .collect(),
                )
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let Some((doc, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let uri = p.text_document.uri;
        let templates = self.filling_templates(&uri);
        self.run(&uri.clone(), move || {
            let location = |r| Location {
                uri: uri.clone(),
                range: doc.range(r),
            };
            if let Some(target) = ide::definition(&doc.text, doc.kind, offset) {
                return Some(GotoDefinitionResponse::Scalar(location(target)));
            }
            // A `${Name}` of a template: where the template gives its value.
            if let Some(target) = ide::placeholder_definition(&doc.text, doc.kind, offset) {
                return Some(GotoDefinitionResponse::Scalar(location(target)));
            }
            // A `${Name}` of a file that templates name: where they give its value.
            if !templates.is_empty()
                && let Some((_, name)) = ide::placeholder_name_at(&doc.text, offset)
            {
                let mut found: Vec<Location> = substitution_entries(&templates, &name)
                    .into_iter()
                    .map(|e| Location {
                        range: e.template.range(e.key),
                        uri: e.uri,
                    })
                    .collect();
                match found.len() {
                    0 => {}
                    1 => return found.pop().map(GotoDefinitionResponse::Scalar),
                    _ => return Some(GotoDefinitionResponse::Array(found)),
                }
            }
            // A variable: its Assign key(s).
            let vars = ide::variable_definitions(&doc.text, doc.kind, offset);
            match vars.len() {
                0 => None,
                1 => Some(GotoDefinitionResponse::Scalar(location(vars[0]))),
                _ => Some(GotoDefinitionResponse::Array(
                    vars.into_iter().map(location).collect(),
                )),
            }
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let Some((doc, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let include = params.context.include_declaration;
        let uri = p.text_document.uri;
        let substitutions = self.substitutions_for(&uri);
        let docs = self.docs.clone();
        self.run(&uri.clone(), move || {
            let found =
                ide::references_through(&doc.text, doc.kind, offset, include, &substitutions);
            let mut locations: Vec<Location> = found
                .into_iter()
                .map(|r| Location {
                    uri: uri.clone(),
                    range: doc.range(r),
                })
                .collect();
            // A template's `DefinitionSubstitutions` key: its uses in the definition file
            // the state machine is read from, too.
            if let Some(uses) = ide::substitution_uses(&doc.text, doc.kind, offset)
                && let Some(file) = uses.file
            {
                locations.extend(file_placeholder_uses(&docs, &uri, &file, &uses.name));
            }
            Some(locations)
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let p = params.text_document_position_params;
        let Some((doc, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let markdown = self.markdown[SIGNATURE].load(Ordering::Relaxed);
        self.run(&p.text_document.uri, move || {
            let s = ide::signature_help(&doc.text, doc.kind, offset)?;
            Some(signature(s, markdown))
        })
        .await
    }

    /// Links from a template's `DefinitionUri` (or local `DefinitionS3Location`) to the
    /// definition file, when it exists beside the template.
    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        let Some(folder) = uri
            .to_file_path()
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        else {
            return Ok(None);
        };
        self.run(&uri, move || {
            let files = if doc.terraform {
                ide::terraform::definition_files(&doc.text)
            } else {
                ide::definition_files(&doc.text, doc.kind)
            };
            Some(
                files
                    .into_iter()
                    .filter_map(|(range, path)| {
                        let file = folder.join(path).canonicalize().ok()?;
                        // A folder, a FIFO or a device is no definition (ASL802 says
                        // so), and opening a FIFO can block the editor.
                        if !std::fs::metadata(&file).ok()?.is_file() {
                            return None;
                        }
                        let target = Uri::from_file_path(file)?;
                        Some(DocumentLink {
                            range: doc.range(range),
                            target: Some(target),
                            tooltip: Some("Open the state machine definition".to_string()),
                            data: None,
                        })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        let Some((doc, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let substitutions = self.substitutions_for(&p.text_document.uri);
        self.run(&p.text_document.uri, move || {
            let found = ide::highlights_through(&doc.text, doc.kind, offset, &substitutions);
            Some(
                found
                    .into_iter()
                    .map(|(r, write)| DocumentHighlight {
                        range: doc.range(r),
                        kind: Some(if write {
                            DocumentHighlightKind::WRITE
                        } else {
                            DocumentHighlightKind::READ
                        }),
                    })
                    .collect(),
            )
        })
        .await
    }

    /// "Show graph" and "Simulate" above each state machine, for the commands the
    /// client said it runs; their arguments are the document's URI and the state
    /// machine's name (`null` in a definition file).
    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let commands = self
            .lens_commands
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        if commands.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let at = uri.clone();
        self.run(&at, move || {
            let lenses = ide::machine_lenses(&doc.text, doc.kind, doc.terraform);
            let mut out = Vec::with_capacity(lenses.len() * commands.len());
            for lens in &lenses {
                for (command, title) in &commands {
                    out.push(CodeLens {
                        range: doc.range(lens.range),
                        command: Some(Command {
                            title: title.to_string(),
                            command: command.to_string(),
                            arguments: Some(vec![json!(uri.as_str()), json!(lens.machine)]),
                        }),
                        data: None,
                    });
                }
            }
            Some(out)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        let wanted = doc.text_range(params.range);
        self.run(&uri, move || {
            let hints = doc
                .clone()
                .views()
                .iter()
                .flat_map(|v| ide::inlay_hints(&v.text, v.kind))
                .collect::<Vec<_>>();
            Some(
                hints
                    .into_iter()
                    .filter(|h| wanted.start <= h.offset && h.offset <= wanted.end)
                    .map(|h| InlayHint {
                        position: doc.position(h.offset),
                        label: InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        // A Terraform file is colored by its own language support, which the tokens of
        // an answer (even an empty one) would replace.
        if doc.terraform {
            return Ok(None);
        }
        self.run(&params.text_document.uri, move || {
            let tokens = ide::semantic_tokens(&doc.text, doc.kind);
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(&tokens, &doc),
            }))
        })
        .await
    }

    async fn prepare_call_hierarchy(
        &self,
        params: CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<CallHierarchyItem>>> {
        let p = &params.text_document_position_params;
        let Some((doc, offset)) = self.at(p) else {
            return Ok(None);
        };
        let uri = p.text_document.uri.clone();
        let substitutions = self.substitutions_for(&uri);
        self.run(&p.text_document.uri, move || {
            let found =
                ide::prepare_call_hierarchy_through(&doc.text, doc.kind, offset, &substitutions)?;
            Some(vec![convert::hierarchy_item(&found, &doc, &uri)])
        })
        .await
    }

    async fn incoming_calls(
        &self,
        params: CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
        let Some((doc, uri, offset)) = self.at_item(&params.item) else {
            return Ok(None);
        };
        let at = uri.clone();
        let substitutions = self.substitutions_for(&uri);
        self.run(&at, move || {
            let found = ide::incoming_calls_through(&doc.text, doc.kind, offset, &substitutions);
            Some(
                found
                    .iter()
                    .map(|c| CallHierarchyIncomingCall {
                        from: convert::hierarchy_item(&c.state, &doc, &uri),
                        from_ranges: c.from.iter().map(|&r| doc.range(r)).collect(),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn outgoing_calls(
        &self,
        params: CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
        let Some((doc, uri, offset)) = self.at_item(&params.item) else {
            return Ok(None);
        };
        let at = uri.clone();
        let substitutions = self.substitutions_for(&uri);
        self.run(&at, move || {
            let found = ide::outgoing_calls_through(&doc.text, doc.kind, offset, &substitutions);
            Some(
                found
                    .iter()
                    .map(|c| CallHierarchyOutgoingCall {
                        to: convert::hierarchy_item(&c.state, &doc, &uri),
                        from_ranges: c.from.iter().map(|&r| doc.range(r)).collect(),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((doc, offset)) = self.at(&params) else {
            return Ok(None);
        };
        let substitutions = self.substitutions_for(&params.text_document.uri);
        let result = self
            .run(&params.text_document.uri, move || {
                let (range, name) = ide::prepare_rename(&doc.text, doc.kind, offset)?;
                // Refused before the editor asks for a new name (see `rename`).
                let refusal = ide::rename_refusal(&doc.text, doc.kind, offset).or_else(|| {
                    ide::rename_blocked_by_substitutions(
                        &doc.text,
                        doc.kind,
                        offset,
                        &substitutions,
                    )
                });
                Some(match refusal {
                    Some(why) => Err(why),
                    None => Ok(PrepareRenameResponse::RangeWithPlaceholder {
                        range: doc.range(range),
                        placeholder: name,
                    }),
                })
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        }
    }

    /// A state's name where it is defined and everywhere it is named, edited together
    /// as the user types (VS Code's `editor.linkedEditing`).
    async fn linked_editing_range(
        &self,
        params: LinkedEditingRangeParams,
    ) -> Result<Option<LinkedEditingRanges>> {
        let p = params.text_document_position_params;
        let Some((doc, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let substitutions = self.substitutions_for(&p.text_document.uri);
        self.run(&p.text_document.uri, move || {
            let ranges = ide::linked_editing_through(&doc.text, doc.kind, offset, &substitutions)?;
            // What the name may become while typed in every place at once: a character
            // that would end its string or scalar there (a `"`, a `:` in plain YAML)
            // ends the linked editing instead of breaking the document.
            let before = ranges
                .first()
                .and_then(|r| doc.text[..r.start as usize].chars().next_back());
            let word_pattern = match before {
                Some('"') => r#"[^"\\\u0000-\u001f]+"#,
                Some('\'') => r"[^'\n\r]+",
                _ => r#"[^:#"'\n\r\t{}\[\],]+"#,
            };
            Some(LinkedEditingRanges {
                ranges: ranges.iter().map(|&r| doc.range(r)).collect(),
                word_pattern: Some(word_pattern.to_string()),
            })
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = &params.text_document_position;
        let Some((doc, offset)) = self.at(p) else {
            return Ok(None);
        };
        // A file that Terraform's `templatefile` renders gets the name escaped for it.
        let references = p
            .text_document
            .uri
            .to_file_path()
            .map(|path| self.workspace.references_to(&path))
            .unwrap_or_default();
        let rendered = references.iter().any(|r| r.filling.is_terraform_template());
        // A state that a template's substitution names is reached through a `${Name}`
        // of the file too: renaming it here alone would cut that way.
        let substitutions: Vec<_> = references.into_iter().map(|r| r.substitutions).collect();
        let new_name = if rendered {
            crate::embed::terraform::escape_template(&params.new_name)
        } else {
            params.new_name.clone()
        };
        let uri = p.text_document.uri.clone();
        let result = self
            .run(&uri, move || {
                if let Some(why) = ide::rename_blocked_by_substitutions(
                    &doc.text,
                    doc.kind,
                    offset,
                    &substitutions,
                ) {
                    return Some(Err(why));
                }
                let edits = if doc.terraform {
                    ide::terraform::rename(&doc.text, offset, &new_name)
                } else {
                    ide::rename(&doc.text, doc.kind, offset, &new_name)
                };
                Some(edits.map(|edits| convert::edits(&edits, &doc)))
            })
            .await?
            .unwrap_or_else(|| Err("rename failed".to_string()));
        match result {
            Ok(edits) => {
                let mut changes = std::collections::HashMap::new();
                changes.insert(uri, edits);
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
        self.run(&params.text_document.uri, move || {
            let symbols = symbols_of(&doc);
            Some(DocumentSymbolResponse::Nested(
                symbols.iter().map(|s| convert::symbol(s, &doc)).collect(),
            ))
        })
        .await
    }

    /// The states of every open document whose name matches the query.
    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        const LIMIT: usize = 1000;
        let mut out = Vec::new();
        let mut uris = self.docs.uris();
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for uri in uris {
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            let symbols = guard(|| Some(symbols_of(&doc))).unwrap_or_default();
            convert::workspace_symbols(&symbols, None, &params.query, &uri, &doc, &mut out);
            if out.len() >= LIMIT {
                out.truncate(LIMIT);
                break;
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        self.run(&params.text_document.uri, move || {
            let ranges = params
                .positions
                .iter()
                .map(|&p| {
                    let offset = doc.offset(p);
                    let steps = doc
                        .clone()
                        .view_at(offset)
                        .map(|view| ide::selection_ranges(&view.text, view.kind, offset))
                        .unwrap_or_default();
                    // Nested from the outside in; the innermost is the answer. Without any,
                    // the position itself, within the document (a client may ask past its
                    // end).
                    let here = doc.position(offset);
                    let empty = SelectionRange {
                        range: Range::new(here, here),
                        parent: None,
                    };
                    steps.iter().rev().fold(empty, |parent, &r| SelectionRange {
                        range: doc.range(r),
                        parent: (parent.range != Range::new(here, here) || parent.parent.is_some())
                            .then(|| Box::new(parent)),
                    })
                })
                .collect();
            Some(ranges)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        // A Terraform file's blocks are not JSON: the editor's own folding (by indent,
        // or its Terraform support) stays, which an answer would replace.
        if doc.terraform {
            return Ok(None);
        }
        self.run(&params.text_document.uri, move || {
            let ranges = ide::folding_ranges(&doc.text, doc.kind);
            Some(
                ranges
                    .into_iter()
                    .map(|(start_line, end_line)| FoldingRange {
                        start_line,
                        end_line,
                        kind: Some(FoldingRangeKind::Region),
                        ..Default::default()
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        // A kind asked for covers ours when ours is it or under it (`source` covers
        // `source.fixAll.asl-lint`). With no `only`, the editor shows quick fixes.
        let only = params.context.only;
        let asked = |kind: &str| {
            only.as_ref().map_or(kind == "quickfix", |only| {
                only.iter()
                    .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
            })
        };
        let quick_fixes = asked("quickfix");
        let fix_all = asked(FIX_ALL_KIND);
        if !quick_fixes && !fix_all {
            return Ok(None);
        }
        let wanted = doc.text_range(params.range);
        let published = self
            .docs
            .wait_result(&uri, doc.version, WAIT_FOR_LINT)
            .await;
        let (setup, _) = self.workspace.lint_setup(&uri);
        // On a top-level state's name: run the workflow from there, when the client runs
        // the editor's Simulate command. It is no quick fix: offered only when the client
        // asked for no kind.
        let simulates = only.is_none()
            && self
                .lens_commands
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(|(command, _)| *command == SIMULATE_COMMAND);
        let target = uri.clone();
        self.run(&uri, move || {
            let uri = target;
            let diagnostics = published.unwrap_or_else(|| Arc::new(setup.lint(&doc)));
            let mut actions = Vec::new();
            if fix_all && let Some(action) = fix_all_action(&uri, &doc, &diagnostics, &setup) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            if !quick_fixes {
                return Some(actions);
            }
            for d in diagnostics.iter() {
                let overlaps = d.range.start <= wanted.end && wanted.start <= d.range.end;
                if !overlaps {
                    continue;
                }
                // The fix an editor's "auto fix" applies: a safe one, or the only fix of
                // the diagnostic that edits it (a did-you-mean; an added stub state is no
                // fix).
                let editing = d
                    .fixes
                    .iter()
                    .filter(|f| f.applicability != Applicability::DisplayOnly)
                    .count();
                for fix in &d.fixes {
                    let preferred = fix.applicability == Applicability::Safe
                        || (editing == 1 && fix.applicability == Applicability::Unsafe);
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
                        is_preferred: Some(preferred),
                        ..Default::default()
                    }));
                }
            }
            if simulates
                && !doc.terraform
                && let Some(start) = ide::start_state_at(&doc.text, doc.kind, wanted.start)
            {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Simulate from \"{}\"", start.state),
                    command: Some(Command {
                        title: format!("Simulate from \"{}\"", start.state),
                        command: SIMULATE_COMMAND.to_string(),
                        arguments: Some(vec![
                            json!(uri.as_str()),
                            json!(start.machine),
                            json!(start.state),
                        ]),
                    }),
                    ..Default::default()
                }));
            }
            Some(actions)
        })
        .await
    }

    /// `asl-lint.graph` with arguments `[uri]` or `[uri, definition]`: the state graph
    /// of an open document as SVG, `{"svg", "error", "definitions"}`. `definitions`
    /// names the state machines of a template, and `definition` picks one (the first
    /// when absent).
    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != GRAPH_COMMAND {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let uri = params
            .arguments
            .first()
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<Uri>().ok());
        let Some(doc) = uri.as_ref().and_then(|uri| self.docs.get(uri)) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "the first argument must be the URI of an open document",
            ));
        };
        let wanted = params.arguments.get(1).and_then(|d| d.as_str());
        let format = crate::graph::draw::Format::Svg;
        // A definition file is drawn as `check` lints it: with the substitutions of the
        // template that deploys it, or its asl-lint.toml's values.
        let deployed_text = uri
            .as_ref()
            .and_then(|uri| self.workspace.lint_setup(uri).0.deployed_text(&doc));
        // A state machine whose definition is another file (SAM `DefinitionUri`,
        // Terraform `templatefile`) is drawn from that file, beside the saved document.
        let dir = uri
            .as_ref()
            .and_then(|u| u.to_file_path())
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
        let from_file = |deployed: std::result::Result<crate::embed::Deployed, String>| {
            let d = deployed?;
            let kind =
                crate::syntax::detect_kind(d.file.as_ref().and_then(|f| f.to_str()), &d.text);
            let document = crate::syntax::parse(&d.text, kind);
            crate::graph::draw::draw_document(&d.text, &document, None, format)
        };
        let drawn = guard(|| {
            if doc.terraform {
                let inline = ide::terraform::graph_definitions(&doc.text);
                let names: Vec<String> = crate::embed::terraform::find(&doc.text)
                    .into_iter()
                    .map(|m| m.name)
                    .collect();
                let chosen = wanted.or(names.first().map(String::as_str));
                let svg = match (chosen, &dir) {
                    (Some(c), Some(dir)) if !inline.iter().any(|n| n == c) => {
                        from_file(crate::embed::deployed_terraform(&doc.text, dir, Some(c)))
                    }
                    _ => ide::terraform::draw(&doc.text, chosen, format),
                };
                return Some((svg, names));
            }
            if let Some(text) = &deployed_text {
                let document = crate::syntax::parse(text, doc.kind);
                let svg = crate::graph::draw::draw_document(text, &document, None, format);
                return Some((svg, Vec::new()));
            }
            let document = crate::syntax::parse(&doc.text, doc.kind);
            let inline = crate::graph::draw::definitions(&document);
            let names = document
                .root
                .as_ref()
                .and_then(crate::embed::state_machine_names)
                .unwrap_or_default();
            let chosen = wanted.or(names.first().map(String::as_str));
            let svg = match (chosen, &dir) {
                (Some(c), Some(dir)) if !inline.iter().any(|n| n == c) => from_file(
                    crate::embed::deployed_definition(&doc.text, doc.kind, dir, Some(c))
                        .and_then(|d| d.ok_or_else(|| "not a template".to_string())),
                ),
                _ => crate::graph::draw::draw_document(&doc.text, &document, chosen, format),
            };
            Some((svg, names))
        });
        let answer = match drawn {
            Some((Ok(svg), names)) => {
                serde_json::json!({"svg": svg, "error": null, "definitions": names})
            }
            Some((Err(e), names)) => {
                serde_json::json!({"svg": null, "error": e, "definitions": names})
            }
            None => serde_json::json!({
                "svg": null,
                "error": "the graph could not be drawn",
                "definitions": []
            }),
        };
        Ok(Some(answer))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        self.run(&params.text_document.uri, move || {
            let formatted = formatted(&doc, &params.options)?;
            if formatted == *doc.text {
                return Some(Vec::new());
            }
            // The lines that change, each an edit of its own (not one edit of the whole
            // text): the editor keeps the cursor, folds and marks on the lines that stay.
            let whole = crate::syntax::TextRange::from_usize(0, doc.text.len());
            let edits = ide::edits_within(&doc.text, &formatted, whole);
            Some(convert::replacements(edits, &doc))
        })
        .await
    }

    /// The selection laid out as formatting the whole document would lay it out: the
    /// changed lines that overlap it, nothing outside.
    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        self.run(&params.text_document.uri, move || {
            let formatted = formatted(&doc, &params.options)?;
            let range = crate::syntax::TextRange::new(
                doc.offset(params.range.start),
                doc.offset(params.range.end),
            );
            let edits = match doc.kind {
                SourceKind::Yaml => ide::yaml_range_edits(&doc.text, &formatted, range),
                SourceKind::Json => ide::edits_within(&doc.text, &formatted, range),
            };
            Some(convert::replacements(edits, &doc))
        })
        .await
    }
}

/// The document formatted with the editor's options, in its own line endings; `None`
/// for a Terraform file (the Terraform tools' to format) or text that does not read.
fn formatted(doc: &Document, options: &FormattingOptions) -> Option<String> {
    if doc.terraform {
        return None;
    }
    let tab_size = options.tab_size.clamp(1, 16) as usize;
    let formatted = match doc.kind {
        // YAML cannot indent with tabs: `insertSpaces: false` still gets spaces.
        SourceKind::Yaml => guard(|| ide::format_yaml(&doc.text, tab_size)),
        SourceKind::Json => {
            let indent = if options.insert_spaces {
                " ".repeat(tab_size)
            } else {
                "\t".to_string()
            };
            let options = ide::FormatOptions {
                indent,
                ..Default::default()
            };
            guard(|| ide::format_json(&doc.text, &options))
        }
    }?;
    let formatted = finish_lines(formatted, doc.kind, options);
    Some(crate::syntax::text::line_endings_of(&doc.text, &formatted))
}

/// The editor's options for the ends of lines and of the file (LSP 3.15): trailing
/// spaces trimmed in JSON (where a line never ends inside a string; in YAML they may be
/// part of a block scalar, so they stay), final line breaks trimmed, one inserted.
fn finish_lines(mut text: String, kind: SourceKind, options: &FormattingOptions) -> String {
    if options.trim_trailing_whitespace == Some(true) && kind == SourceKind::Json {
        let ends_with_newline = text.ends_with('\n');
        let mut out: String = text
            .split('\n')
            .map(|line| line.trim_end_matches([' ', '\t']))
            .collect::<Vec<_>>()
            .join("\n");
        if ends_with_newline && !out.ends_with('\n') {
            out.push('\n');
        }
        text = out;
    }
    // "Trim all newlines after the final newline": one stays.
    if options.trim_final_newlines == Some(true) && text.ends_with('\n') {
        let kept = text.trim_end_matches(['\n', '\r']).len();
        text.truncate(kept);
        text.push('\n');
    }
    if options.insert_final_newline == Some(true) && !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The outline of a document: its states, or its state machines with their states.
fn symbols_of(doc: &Document) -> Vec<ide::Symbol> {
    if doc.terraform {
        ide::terraform::document_symbols(&doc.text)
    } else {
        ide::document_symbols(&doc.text, doc.kind)
    }
}

/// Runs an analysis, turning a panic (a bug) into "no answer" instead of a dead server.
fn guard<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .ok()
        .flatten()
}

/// The commands a code lens may run, with the lens's title: the editor's own commands
/// (the VS Code extension's and the Neovim plugin's), offered only to a client that
/// lists them in `initializationOptions.clientCommands`.
const LENS_COMMANDS: [(&str, &str); 2] = [
    ("aslLint.showGraph", "Show graph"),
    (SIMULATE_COMMAND, "Simulate"),
];

/// The editor's Simulate command: arguments the document URI, the state machine (`null`
/// in a definition file) and, from a code action, the state to start at.
const SIMULATE_COMMAND: &str = "aslLint.simulate";

/// The answer to a signature help request for an intrinsic function's signature.
fn signature(s: ide::SignatureInfo, markdown: bool) -> SignatureHelp {
    SignatureHelp {
        signatures: vec![SignatureInformation {
            label: s.label.clone(),
            documentation: Some(Documentation::MarkupContent(convert::markup(
                s.doc.clone(),
                markdown,
            ))),
            parameters: Some(
                s.parameters
                    .iter()
                    .map(|&(start, end)| ParameterInformation {
                        // Signatures are ASCII: byte offsets are UTF-16 offsets.
                        label: ParameterLabel::LabelOffsets([start, end]),
                        documentation: None,
                    })
                    .collect(),
            ),
            active_parameter: s.active,
        }],
        active_signature: Some(0),
        active_parameter: s.active,
    }
}

/// The code action kind of "fix all": VS Code runs it on save with
/// `"editor.codeActionsOnSave": {"source.fixAll.asl-lint": "explicit"}`.
const FIX_ALL_KIND: &str = "source.fixAll.asl-lint";

/// The `source.fixAll.asl-lint` action: every safe fix, applied as `asl-lint check
/// --fix` applies them (relinting between passes), as one edit of the span that
/// changes. None when no safe fix applies.
fn fix_all_action(
    uri: &Uri,
    doc: &Document,
    found: &[Diagnostic],
    setup: &settings::Setup,
) -> Option<CodeAction> {
    let relint = |text: &str| {
        let mut next = doc.clone();
        next.text = Arc::new(text.to_string());
        next.lines = Arc::new(crate::syntax::LineIndex::new(text));
        setup.lint(&next)
    };
    let outcome = guard(|| {
        Some(crate::fix::fix_text(
            &doc.text,
            (!doc.terraform).then_some(doc.kind),
            found.to_vec(),
            false,
            &relint,
        ))
    })?;
    if outcome.applied == 0 || outcome.text == *doc.text {
        return None;
    }
    let (range, replacement) = changed_span(&doc.text, &outcome.text);
    let mut changes = std::collections::HashMap::new();
    changes.insert(
        uri.clone(),
        vec![TextEdit {
            range: doc.range(range),
            new_text: crate::syntax::text::line_endings_of(&doc.text, replacement),
        }],
    );
    Some(CodeAction {
        title: format!(
            "Fix all auto-fixable problems ({} fix{})",
            outcome.applied,
            if outcome.applied == 1 { "" } else { "es" }
        ),
        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The range of `old` that differs from `new`, and what replaces it there: the text
/// between their common prefix and common suffix (on character boundaries), so that an
/// editor keeps the cursor and folds outside it.
fn changed_span<'n>(old: &str, new: &'n str) -> (crate::syntax::TextRange, &'n str) {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    (
        crate::syntax::TextRange::from_usize(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

#[cfg(test)]
mod tests {
    use super::changed_span;

    #[test]
    fn the_changed_span_lies_between_the_common_ends() {
        let span = |old: &str, new: &'static str| {
            let (r, text) = changed_span(old, new);
            (r.start, r.end, text)
        };
        assert_eq!(span("abcdef", "abXdef"), (2, 3, "X"));
        assert_eq!(span("abc", "abc, d"), (3, 3, ", d"));
        assert_eq!(span("aaa", "aa"), (2, 3, ""));
        assert_eq!(span("", "x"), (0, 0, "x"));
        // Never inside a character: `é` and `è` share their first byte.
        assert_eq!(span("é", "è"), (0, 2, "è"));
        assert_eq!(span("xéy", "xèy"), (1, 3, "è"));
    }
}
