//! Drives `asl-lint server` over stdio as an editor would: Content-Length framed
//! JSON-RPC on the child's stdin/stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    /// The answer to `workspace/configuration` (one item per requested section).
    configuration: Value,
    /// Requests the server sent, by method.
    server_requests: Vec<Value>,
    /// Leave the server's requests unanswered (a slow or broken client).
    hold_server_requests: bool,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        Client::start_with(json!({"processId": null, "rootUri": null, "capabilities": {}}))
    }

    /// Starts the server with these `initialize` parameters.
    fn start_with(init_params: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start asl-lint server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            rx,
            next_id: 1,
            notifications: Vec::new(),
            configuration: Value::Null,
            server_requests: Vec::new(),
            hold_server_requests: false,
        };
        let init = client.request("initialize", init_params);
        assert_eq!(init["result"]["serverInfo"]["name"], "asl-lint");
        let caps = &init["result"]["capabilities"];
        assert_eq!(caps["positionEncoding"], "utf-16");
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
        assert_eq!(caps["callHierarchyProvider"], true);
        assert_eq!(caps["inlayHintProvider"], true);
        assert_eq!(caps["linkedEditingRangeProvider"], true);
        assert_eq!(caps["codeLensProvider"]["resolveProvider"], false);
        assert_eq!(
            caps["semanticTokensProvider"]["legend"]["tokenTypes"][0],
            "type"
        );
        assert_eq!(
            caps["executeCommandProvider"]["commands"],
            json!(["asl-lint.graph"])
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Starts the server with the folder `dir` as its workspace folder (`rootUri`).
    fn start_in(dir: &std::path::Path) -> Client {
        Client::start_with(json!({
            "processId": null,
            "rootUri": format!("file://{}", dir.display()),
            "capabilities": {}
        }))
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends messages in one write: the server reads them together.
    fn send_together(&mut self, msgs: &[Value]) {
        let mut out = String::new();
        for msg in msgs {
            let body = serde_json::to_string(msg).unwrap();
            out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        }
        self.stdin.write_all(out.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => {
                panic!("timed out; got so far: {:#?}", self.notifications)
            }
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The first `window/showMessage` notification, waited for.
    fn shown_message(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(m) = self
                .notifications
                .iter()
                .find(|n| n["method"] == "window/showMessage")
            {
                return m.clone();
            }
            let msg = self.recv(deadline);
            self.handle_other(msg);
        }
    }

    /// Sends a request and returns the whole response (with `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.handle_other(msg);
        }
    }

    /// The result of a request that must succeed.
    /// `textDocument/formatting` with the editor's indent options.
    fn format(&mut self, uri: &str, tab_size: u32, insert_spaces: bool) -> Value {
        self.call(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": tab_size, "insertSpaces": insert_spaces}}),
        )
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    fn handle_other(&mut self, msg: Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() && self.hold_server_requests {
            self.server_requests.push(msg);
        } else if msg.get("id").is_some() && msg.get("method").is_some() {
            // A request from the server: answer `workspace/configuration` with the
            // settings held, anything else with null.
            let id = msg["id"].clone();
            let result = if msg["method"] == "workspace/configuration" {
                json!([self.configuration.clone()])
            } else {
                Value::Null
            };
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
            self.server_requests.push(msg);
        } else {
            self.notifications.push(msg);
        }
    }

    /// Waits for publishDiagnostics for `uri` at `version`, skipping older ones.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics"
                    && n["params"]["uri"] == uri
                    && n["params"]["version"] == version
            }) {
                let n = self.notifications.remove(i);
                return n["params"]["diagnostics"].as_array().unwrap().clone();
            }
            let msg = self.recv(deadline);
            self.handle_other(msg);
        }
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        assert!(r.get("error").is_none());
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "server exited with {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit after `exit`"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({"start": pos(sl, sc), "end": pos(el, ec)})
}

/// Position of the `nth` (0-based) occurrence of `needle` in `text`, plus `delta` characters.
fn pos_of(text: &str, needle: &str, nth: usize, delta: u32) -> Value {
    let offset = text.match_indices(needle).nth(nth).expect("needle").0;
    let line = text[..offset].matches('\n').count() as u32;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset].encode_utf16().count() as u32 + delta;
    pos(line, character)
}

/// Applies LSP text edits (non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, t);
    }
    out
}

fn doc_pos(uri: &str, p: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": p})
}

/// The publishDiagnostics for `uri` at `version` received and not yet taken by
/// [`Client::diagnostics`].
fn publishes(c: &Client, uri: &str, version: i64) -> usize {
    c.notifications
        .iter()
        .filter(|n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && n["params"]["version"] == version
        })
        .count()
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

const FAULTY: &str = r#"{
  "StartAt": "Start",
  "States": {
    "Start": {"Type": "Pass", "Next": "Finsh"},
    "Finish": {"Type": "Succeed"}
  }
}
"#;

#[test]
fn a_malformed_message_is_left_out_and_the_server_stays() {
    // The framework stopped serving at the first message it could not decode; the
    // editor then lost every feature without a word.
    let mut c = Client::start();
    let float_id = r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#;
    write!(c.stdin, "Content-Length: 9\r\n\r\n{{not json").unwrap();
    // A header in lower case, lines ended by LF alone.
    write!(c.stdin, "content-length: {}\n\n{float_id}", float_id.len()).unwrap();
    // A method that is not a string, as a request and as a notification.
    for bad in [
        r#"{"jsonrpc":"2.0","id":77,"method":5}"#,
        r#"{"jsonrpc":"2.0","method":5}"#,
    ] {
        write!(c.stdin, "Content-Length: {}\r\n\r\n{bad}", bad.len()).unwrap();
    }
    c.stdin.flush().unwrap();
    // Half an emoji (a lone surrogate escape) in the text of a document.
    let uri = "file:///tmp/surrogate.asl.json";
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"asl","version":1,"text":"{{\"StartAt\": \"A\ud83d\", \"States\": {{}}}}"}}}}}}"#
    );
    write!(c.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    c.stdin.flush().unwrap();
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL102"]);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(0, 3)}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
}

#[test]
fn reading_starts_again_after_a_frame_with_a_wrong_or_no_length() {
    // The tail of a bad frame was glued to the next message's header, and so on for
    // every message after it: the server never answered again.
    let mut c = Client::start();
    let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    let n = body.len();
    let frames = [
        format!("Content-Length: {}\r\n\r\n{body}", n - 10),
        format!("Content-Length: {}\r\n\r\n{body}", n + 10),
        // More than the client sends before it waits for the answer.
        format!("Content-Length: 5000\r\n\r\n{body}"),
        format!("Content-Length: abc\r\n\r\n{body}"),
        format!("Content-Length: -5\r\n\r\n{body}"),
        format!("Content-Length: 18446744073709551616\r\n\r\n{body}"),
        format!("Content-Length: 99999999999\r\n\r\n{body}"),
        format!("Content-Type: application/json\r\n\r\n{body}"),
        format!("Content-Length: {n}\r\nContent-Length: 9\r\n\r\n{body}"),
    ];
    for bad in frames {
        c.stdin.write_all(bad.as_bytes()).unwrap();
        let answer = c.request("workspace/symbol", json!({"query": ""}));
        assert!(answer.get("error").is_none(), "after {bad:?}: {answer}");
    }
    c.shutdown();
}

#[test]
fn a_change_that_cannot_be_read_leaves_the_document_as_it_was() {
    // The change was dropped, but the document stayed marked as having one on its
    // way: every request on it was answered ContentModified until the next edit.
    let mut c = Client::start();
    let uri = "file:///tmp/unreadable-change.asl.json";
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n";
    c.open(uri, "asl", text);
    assert_eq!(c.diagnostics(uri, 1), Vec::<Value>::new());
    let hover = |c: &mut Client| c.call("textDocument/hover", doc_pos(uri, pos(0, 44)));
    let before = hover(&mut c);
    assert!(before.is_object(), "{before}");
    let bad_changes = [
        json!([{"range": {"start": {"line": 0, "character": -1}, "end": pos(0, 0)}, "text": "Z"}]),
        json!([{"range": range(0, 0, 0, 0), "text": null}]),
        json!([{"range": "x", "text": "Z"}]),
    ];
    for (i, changes) in bad_changes.into_iter().enumerate() {
        c.change(uri, 2 + i as i64, changes);
        assert_eq!(hover(&mut c), before);
        let symbols = c.call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(symbols[0]["name"], "A", "{symbols}");
        let formatted = c.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        assert!(formatted.get("error").is_none(), "{formatted}");
    }
    // The client is told, once for each change left out.
    let warnings: Vec<Value> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/logMessage" && n["params"]["type"] == 2)
        .cloned()
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    let message = warnings[0]["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("textDocument/didChange") && message.contains(uri),
        "{message}"
    );
    // The next change applies to the text last read.
    c.change(uri, 9, json!([{"range": range(0, 13, 0, 14), "text": "B"}]));
    assert_eq!(codes(&c.diagnostics(uri, 9)), ["ASL202"]);
    c.shutdown();
}

#[test]
fn other_json_and_yaml_files_get_no_findings_unless_they_hold_a_state_machine() {
    // A client may attach the server to every JSON and YAML file.
    let mut c = Client::start();
    let package = "file:///tmp/app/package.json";
    c.open(package, "json", r#"{"name": "app", "version": "1.0.0"}"#);
    assert_eq!(c.diagnostics(package, 1), Vec::<Value>::new());
    let workflow = "file:///tmp/app/.github/workflows/ci.yaml";
    c.open(workflow, "yaml", "on: push\njobs: {}\n");
    assert_eq!(c.diagnostics(workflow, 1), Vec::<Value>::new());
    // A definition under another name is still linted, and so is an `*.asl.json`
    // that holds none.
    let machine = "file:///tmp/app/machine.json";
    c.open(machine, "json", FAULTY);
    assert_eq!(codes(&c.diagnostics(machine, 1)), ["ASL201", "ASL205"]);
    let empty = "file:///tmp/app/new.asl.json";
    c.open(empty, "asl", r#"{"name": "app"}"#);
    assert_eq!(codes(&c.diagnostics(empty, 1)), ["ASL100"]);
    c.shutdown();
}

#[test]
fn diagnostics_on_open_and_incremental_change() {
    let mut c = Client::start();
    let uri = "file:///tmp/faulty.asl.json";
    c.open(uri, "asl", FAULTY);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL201", "ASL205"]);
    let d = &diags[0];
    assert_eq!(d["range"], range(3, 38, 3, 45));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "asl-lint");
    assert_eq!(
        d["message"],
        "Next names \"Finsh\", which is not a state of the top level\nhelp: did you mean \"Finish\"?"
    );
    // No link while asl-lint has no public repository: it would lead nowhere.
    assert_eq!(d.get("codeDescription"), None);
    assert_eq!(diags[1]["range"], range(4, 4, 4, 12));
    assert_eq!(
        diags[1]["tags"],
        json!([1]),
        "unreachable states are marked unnecessary"
    );

    // Insert the missing "i": `Finsh` -> `Finish` (line 3, after `"Fin`).
    c.change(uri, 2, json!([{"range": range(3, 42, 3, 42), "text": "i"}]));
    assert_eq!(c.diagnostics(uri, 2), Vec::<Value>::new());

    // Two changes in one notification, the second relative to the first's result:
    // rename the key "Finish" to "Finished", then add a state "Other" before it.
    c.change(
        uri,
        3,
        json!([
            {"range": range(4, 4, 4, 12), "text": "\"Finished\""},
            {"range": range(4, 4, 4, 4), "text": "\"Other\": {\"Type\": \"Fail\"},\n    "}
        ]),
    );
    let diags = c.diagnostics(uri, 3);
    assert_eq!(codes(&diags), ["ASL201", "ASL205", "ASL205"]);
    assert_eq!(diags[1]["range"], range(4, 4, 4, 11), "{diags:#?}");
    assert_eq!(diags[2]["range"], range(5, 4, 5, 14));
    c.shutdown();
}

#[test]
fn related_information_points_at_the_first_definition() {
    let mut c = Client::start();
    let uri = "file:///tmp/dup.asl.json";
    let text = r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Next": "Done", "Branches": [
    {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}]},
  "Done": {"Type": "Succeed"}}}"#;
    c.open(uri, "asl", text);
    let diags = c.diagnostics(uri, 1);
    let dup: Vec<&Value> = diags.iter().filter(|d| d["code"] == "ASL208").collect();
    assert_eq!(dup.len(), 1, "{diags:#?}");
    assert_eq!(dup[0]["range"], range(2, 35, 2, 41));
    assert_eq!(
        dup[0]["relatedInformation"],
        json!([{"location": {"uri": uri, "range": range(3, 2, 3, 8)}, "message": "first used here"}])
    );
    c.shutdown();
}

#[test]
fn unknown_requests_get_method_not_found() {
    let mut c = Client::start();
    let r = c.request(
        "textDocument/moniker",
        json!({"textDocument": {"uri": "file:///x.asl.json"}, "position": pos(0, 0)}),
    );
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("asl/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // A `$/` request too (a `$/` notification may go unanswered; a request may not).
    let r = c.request("$/unknownRequest", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    c.notify("$/unknownNotification", json!({}));
    let r = c.request("$/cancelRequest", json!({"id": 999}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.shutdown();
}

const DEMO: &str = r#"{
  "Comment": "demo",
  "StartAt": "Start",
  "States": {
    "Start": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"]}], "Parameters": {"FunctionName": "f"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.Payload.ok", "BooleanEquals": true, "Next": "Done"}], "Default": "Lonely"},
    "Lonely": {"Type": "Pass"},
    "Done": {"Type": "Succeed"}
  }
}
"#;

#[test]
fn navigation_hover_completion_and_edits_on_json() {
    let mut c = Client::start();
    let uri = "file:///tmp/demo.asl.json";
    c.open(uri, "asl", DEMO);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL106"]);
    assert_eq!(diags[0]["range"], range(6, 4, 6, 12));

    // Hover: a state type, a field, an ARN, the rule behind a diagnostic.
    let h = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(DEMO, "\"Task\"", 0, 2)),
    );
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Task state**\n\nRuns one unit of work")
    );
    assert_eq!(h["range"], range(4, 22, 4, 28));
    let h = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(DEMO, "lambda:invoke", 0, 2)),
    );
    assert_eq!(
        h["contents"]["value"],
        "**Optimized service integration**\n\n- service: `lambda`\n- action: `invoke`\n- integration pattern: Request Response: goes on as soon as the service answers the request"
    );
    let h = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(DEMO, "\"Lonely\": {", 0, 3)),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**Lonely** (Pass state in the top level)\n\n1 reference"),
        "{md}"
    );
    assert!(
        md.contains("**ASL106** `missing-next-or-end` (error)"),
        "{md}"
    );

    // Completion: state names for a Next value.
    let items = c.call(
        "textDocument/completion",
        doc_pos(uri, pos_of(DEMO, "\"Check\"}", 0, 1)),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Start", "Check", "Lonely", "Done"]);
    assert_eq!(
        items[1]["textEdit"],
        json!({"range": range(4, 165, 4, 172), "newText": "\"Check\""})
    );
    assert_eq!(items[1]["detail"], "Choice state");

    // Definition: the Next of Start goes to the key of Check.
    let def = c.call(
        "textDocument/definition",
        doc_pos(uri, pos_of(DEMO, "\"Check\"}", 0, 2)),
    );
    assert_eq!(def, json!({"uri": uri, "range": range(5, 4, 5, 11)}));

    // References of Check (from its key), with the declaration.
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos(5, 6), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([{"uri": uri, "range": range(4, 165, 4, 172)}, {"uri": uri, "range": range(5, 4, 5, 11)}])
    );

    // Linked editing: the key of Check and the Next that names it, inside the quotes.
    let linked = c.call(
        "textDocument/linkedEditingRange",
        json!({"textDocument": {"uri": uri}, "position": pos(5, 6)}),
    );
    assert_eq!(
        linked,
        json!({"ranges": [range(4, 166, 4, 171), range(5, 5, 5, 10)],
               "wordPattern": "[^\"\\\\\\u0000-\\u001f]+"})
    );

    // Rename Done (from its use in the Choice rule).
    let at_done = pos_of(DEMO, "\"Done\"}", 0, 2);
    let prep = c.call("textDocument/prepareRename", doc_pos(uri, at_done.clone()));
    assert_eq!(
        prep,
        json!({"range": range(5, 105, 5, 109), "placeholder": "Done"})
    );
    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": at_done, "newName": "All good"}),
    );
    let renamed = apply(DEMO, edit["changes"][uri].as_array().unwrap());
    assert_eq!(renamed, DEMO.replace("\"Done\"", "\"All good\""));
    let taken = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos_of(DEMO, "\"Done\"}", 0, 2), "newName": "Start"}),
    );
    assert_eq!(taken["error"]["code"], -32602);

    // Outline and folding.
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<(&str, &str)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("Start", "Task"),
            ("Check", "Choice"),
            ("Lonely", "Pass"),
            ("Done", "Succeed")
        ]
    );
    assert_eq!(symbols[2]["selectionRange"], range(6, 4, 6, 12));
    let folds = c.call(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(folds, [(0, 8), (3, 7)]);

    // The quick fix of ASL106 adds "End": true after the last member of Lonely.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(6, 6, 6, 6), "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["title"], "Add \"End\": true");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "ASL106");
    let fixed = apply(DEMO, actions[0]["edit"]["changes"][uri].as_array().unwrap());
    assert!(fixed.contains("\"Lonely\": {\"Type\": \"Pass\", \"End\": true},"));

    // Formatting keeps key order and puts one member per line.
    let edits = c.format(uri, 2, true);
    let formatted = apply(DEMO, edits.as_array().unwrap());
    assert!(formatted.starts_with("{\n  \"Comment\": \"demo\",\n  \"StartAt\": \"Start\",\n  \"States\": {\n    \"Start\": {\n      \"Type\": \"Task\",\n"), "{formatted}");
    assert!(
        formatted.contains("\"Choices\": [\n        {\n          \"Variable\": \"$.Payload.ok\",")
    );
    // Formatting the formatted text changes nothing.
    c.change(uri, 2, json!([{"text": formatted}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), ["ASL106"]);
    let edits = c.format(uri, 2, true);
    assert_eq!(edits, json!([]));
    c.shutdown();
}

/// Go to definition on a template's `${Name}` leads to its DefinitionSubstitutions
/// entry.
#[test]
fn a_placeholder_leads_to_its_substitution() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/q\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Result: \"${QueueUrl}\", End: true}\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    let def = c.call("textDocument/definition", doc_pos(uri, pos(10, 38)));
    assert_eq!(def, json!({"uri": uri, "range": range(6, 8, 6, 16)}));
    c.shutdown();
}

/// The cursor on the `}` or the closing quote of `"${Name}"` is on the token: definition
/// and hover answer as they do inside it, in a template's own definition and in a file
/// that a template names.
#[test]
fn a_placeholder_is_found_from_its_closing_brace_and_quote() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/closing/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/q\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Result: \"${QueueUrl}\", End: true}\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    // `"${QueueUrl}"` spans characters 34 to 47 of line 10: `}` at 45, the quote at 46.
    for character in [45, 46] {
        let at = doc_pos(uri, pos(10, character));
        let def = c.call("textDocument/definition", at.clone());
        assert_eq!(
            def,
            json!({"uri": uri, "range": range(6, 8, 6, 16)}),
            "{character}"
        );
        let hover = c.call("textDocument/hover", at);
        assert_eq!(
            hover,
            json!({
                "contents": {"kind": "markdown", "value": "`${QueueUrl}` is filled in at deploy time from the `DefinitionSubstitutions` of `M`:\n\n```\nQueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/q\n```"},
                "range": range(10, 35, 10, 46)
            }),
            "{character}"
        );
    }
    // Past the quote: nothing.
    assert_eq!(
        c.call("textDocument/definition", doc_pos(uri, pos(10, 47))),
        Value::Null
    );
    c.shutdown();

    let guard = temp_dir("closing-quote");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, template_uri, template) = deploy(&dir, "flow.asl.json", def);
    let mut c = Client::start();
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    c.open(&def_uri, "json", def);
    c.diagnostics(&def_uri, 1);
    // `"${NextStep}"` spans characters 35 to 48 of line 3: `}` at 46, the quote at 47.
    for character in [46, 47] {
        let at = doc_pos(&def_uri, pos(3, character));
        let found = c.call("textDocument/definition", at.clone());
        assert_eq!(
            found,
            json!({"uri": template_uri, "range": range(7, 8, 7, 16)}),
            "{character}"
        );
        let hover = c.call("textDocument/hover", at);
        assert_eq!(
            hover,
            json!({
                "contents": {"kind": "markdown", "value": "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nNextStep: Finish\n```"},
                "range": range(3, 36, 3, 47)
            }),
            "{character}"
        );
    }
    c.shutdown();
}

/// Just after the `}` of an unquoted `${Name}` that ends its line (YAML), where the
/// cursor sits at the end of the value: definition and hover answer as on the token,
/// in a template's own definition and in a file that a template names.
#[test]
fn an_unquoted_placeholder_is_found_from_the_end_of_its_line() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/line-end/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        WorkFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:work\n      Definition:\n        StartAt: Work\n        States:\n          Work:\n            Type: Task\n            Resource: ${WorkFunctionArn}\n            End: true\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    // `${WorkFunctionArn}` spans characters 22 to 40 of line 12, the end of the line.
    let at = doc_pos(uri, pos(12, 40));
    assert_eq!(
        c.call("textDocument/definition", at.clone()),
        json!({"uri": uri, "range": range(6, 8, 6, 23)})
    );
    assert_eq!(
        c.call("textDocument/hover", at),
        json!({
            "contents": {"kind": "markdown", "value": "`${WorkFunctionArn}` is filled in at deploy time from the `DefinitionSubstitutions` of `M`:\n\n```\nWorkFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:work\n```"},
            "range": range(12, 22, 12, 40)
        })
    );
    c.shutdown();

    let guard = temp_dir("line-end");
    let dir = guard.path().canonicalize().unwrap();
    let def = "StartAt: Go\nStates:\n  Go:\n    Type: Pass\n    Next: ${NextStep}\n  Finish:\n    Type: Succeed\n";
    let (def_uri, template_uri, template) = deploy(&dir, "flow.asl.yaml", def);
    let mut c = Client::start();
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    c.open(&def_uri, "yaml", def);
    c.diagnostics(&def_uri, 1);
    // `${NextStep}` spans characters 10 to 21 of line 4, the end of the line.
    let at = doc_pos(&def_uri, pos(4, 21));
    assert_eq!(
        c.call("textDocument/definition", at.clone()),
        json!({"uri": template_uri, "range": range(7, 8, 7, 16)})
    );
    assert_eq!(
        c.call("textDocument/hover", at),
        json!({
            "contents": {"kind": "markdown", "value": "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nNextStep: Finish\n```"},
            "range": range(4, 10, 4, 21)
        })
    );
    c.shutdown();
}

/// A state reached through a `${Name}` transition is not unused: its references and
/// highlights hold the token, in a template's own definition and in a file a template
/// names (`DefinitionUri`) with that template's substitutions.
#[test]
fn references_of_a_state_hold_the_placeholders_that_reach_it() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/references/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        First: Go\n        After: Wait\n      Definition:\n        StartAt: ${First}\n        States:\n          Go: {Type: Pass, Next: \"${After}\"}\n          Wait: {Type: Succeed}\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos(12, 12), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([{"uri": uri, "range": range(11, 33, 11, 43)}, {"uri": uri, "range": range(12, 10, 12, 14)}])
    );
    let marks = c.call("textDocument/documentHighlight", doc_pos(uri, pos(11, 11)));
    assert_eq!(
        marks,
        json!([{"range": range(9, 17, 9, 25), "kind": 2}, {"range": range(11, 10, 11, 12), "kind": 3}])
    );
    c.shutdown();

    // A definition file and the template beside it that fills its placeholders.
    let guard = temp_dir("placeholder-references");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, template_uri, template) = deploy(&dir, "sm.asl.json", def);
    let mut c = Client::start();
    c.open(&def_uri, "json", def);
    c.diagnostics(&def_uri, 1);
    // Alone, the file cannot tell where `${NextStep}` leads.
    let params = json!({"textDocument": {"uri": def_uri}, "position": pos(4, 6), "context": {"includeDeclaration": false}});
    assert_eq!(c.call("textDocument/references", params.clone()), json!([]));
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    assert_eq!(
        c.call("textDocument/references", params),
        json!([{"uri": def_uri, "range": range(3, 35, 3, 48)}])
    );
    // From the token: the state it reaches.
    let marks = c.call(
        "textDocument/documentHighlight",
        doc_pos(&def_uri, pos(3, 42)),
    );
    assert_eq!(
        marks,
        json!([{"range": range(3, 35, 3, 48), "kind": 2}, {"range": range(4, 4, 4, 12), "kind": 3}])
    );
    // Linked editing ties a state's key to its literal uses, but not for a state the
    // placeholder reaches: typing there alone would cut the way through it.
    let looping = def.replace(
        "\"Finish\": {\"Type\": \"Succeed\"}",
        "\"Finish\": {\"Type\": \"Pass\", \"Next\": \"Finish\"}",
    );
    c.change(&def_uri, 2, json!([{"text": looping}]));
    c.diagnostics(&def_uri, 2);
    let linked = c.call(
        "textDocument/linkedEditingRange",
        doc_pos(&def_uri, pos(3, 6)),
    );
    assert_eq!(
        linked["ranges"],
        json!([range(1, 14, 1, 16), range(3, 5, 3, 7)])
    );
    let linked = c.call(
        "textDocument/linkedEditingRange",
        doc_pos(&def_uri, pos(4, 7)),
    );
    assert_eq!(linked, Value::Null);
    c.shutdown();
}

/// From a template's `DefinitionSubstitutions` key, references and highlights list the
/// key and each `${Name}` the state machine's definition fills in from it: in the
/// definition written in the template, or in the file it names (`DefinitionUri`).
#[test]
fn references_of_a_substitution_key_hold_its_placeholders() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/keys/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Cases:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        WorkOnCaseArn: !GetAtt WorkOnCase.Arn\n      Definition:\n        StartAt: Work\n        States:\n          Work:\n            Type: Task\n            Resource: \"${WorkOnCaseArn}\"\n            Next: Again\n          Again: {Type: Task, Resource: \"${WorkOnCaseArn}\", End: true}\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos(6, 12), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([
            {"uri": uri, "range": range(6, 8, 6, 21)},
            {"uri": uri, "range": range(12, 23, 12, 39)},
            {"uri": uri, "range": range(14, 41, 14, 57)}
        ])
    );
    let marks = c.call("textDocument/documentHighlight", doc_pos(uri, pos(6, 8)));
    assert_eq!(
        marks,
        json!([
            {"range": range(6, 8, 6, 21), "kind": 3},
            {"range": range(12, 23, 12, 39), "kind": 2},
            {"range": range(14, 41, 14, 57), "kind": 2}
        ])
    );
    c.shutdown();

    // The file the state machine is read from, as saved (not open).
    let guard = temp_dir("substitution-key");
    let dir = guard.path().canonicalize().unwrap();
    let def = "{\n  \"StartAt\": \"Go\",\n  \"States\": {\n    \"Go\": {\"Type\": \"Pass\", \"Next\": \"${NextStep}\"},\n    \"Finish\": {\"Type\": \"Pass\", \"Comment\": \"then ${NextStep}\", \"End\": true}\n  }\n}\n";
    let (def_uri, template_uri, template) = deploy(&dir, "sm/flow.asl.json", def);
    let mut c = Client::start();
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": template_uri}, "position": pos(7, 10), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(
        refs,
        json!([
            {"uri": def_uri, "range": range(3, 36, 3, 47)},
            {"uri": def_uri, "range": range(4, 48, 4, 59)}
        ])
    );
    // As the editor has it open, edited.
    let edited = def.replace("then ${NextStep}", "then");
    c.open(&def_uri, "json", &edited);
    c.diagnostics(&def_uri, 1);
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": template_uri}, "position": pos(7, 10), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([
            {"uri": template_uri, "range": range(7, 8, 7, 16)},
            {"uri": def_uri, "range": range(3, 36, 3, 47)}
        ])
    );
    c.shutdown();
}

/// In a definition file that a template names (`DefinitionUri`), a `${Name}` leads to
/// the template's DefinitionSubstitutions entry, and its hover shows that entry: from
/// the template as saved in the workspace folder, or as the editor has it open. The
/// template's outline names the file.
#[test]
fn a_file_placeholder_leads_to_its_template() {
    let guard = temp_dir("file-placeholder");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, template_uri, template) = deploy(&dir, "sm/flow.asl.json", def);
    let mut c = Client::start_in(&dir);
    c.open(&def_uri, "json", def);
    // Published once the folder was read, with the template's substitutions.
    let found = codes(&c.diagnostics(&def_uri, 1));
    assert!(!found.contains(&"ASL801".to_string()), "{found:?}");
    let token = doc_pos(&def_uri, pos(3, 40));
    let def = c.call("textDocument/definition", token.clone());
    assert_eq!(
        def,
        json!({"uri": template_uri, "range": range(7, 8, 7, 16)})
    );
    let hover = c.call("textDocument/hover", token.clone());
    assert_eq!(
        hover,
        json!({
            "contents": {"kind": "markdown", "value": "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nNextStep: Finish\n```"},
            "range": range(3, 36, 3, 47)
        })
    );
    // Open and edited, not saved: the template as the editor has it.
    let edited = template.replace(
        "      DefinitionSubstitutions:\n",
        "      DefinitionSubstitutions:\n        Other: x\n",
    );
    c.open(&template_uri, "yaml", &edited);
    c.diagnostics(&template_uri, 1);
    let def = c.call("textDocument/definition", token.clone());
    assert_eq!(
        def,
        json!({"uri": template_uri, "range": range(8, 8, 8, 16)})
    );
    // Elsewhere in the file, nothing new: a state name leads to its state.
    let def = c.call("textDocument/definition", doc_pos(&def_uri, pos(1, 15)));
    assert_eq!(def, json!({"uri": def_uri, "range": range(3, 4, 3, 8)}));
    // The template's outline names the file its state machine is read from.
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": template_uri}}),
    );
    assert_eq!(
        symbols,
        json!([{
            "name": "Flow",
            "detail": "DefinitionUri: sm/flow.asl.json",
            "kind": 5,
            "range": range(5, 6, 5, 37),
            "selectionRange": range(5, 6, 5, 19),
            "children": []
        }])
    );
    c.shutdown();
}

/// A state that a substitution names through a `${Name}` transition: the editor is told
/// at prepareRename, before it asks for the new name.
#[test]
fn prepare_rename_refuses_a_state_a_substitution_names() {
    let mut c = Client::start();
    let uri = "file:///tmp/placeholders/refuse/template.yaml";
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        After: Wait\n      Definition:\n        StartAt: Go\n        States:\n          Go: {Type: Pass, Next: \"${After}\"}\n          Wait: {Type: Succeed}\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    let refused = c.request("textDocument/prepareRename", doc_pos(uri, pos(11, 12)));
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("placeholder ${After}")),
        "{refused}"
    );
    let prepared = c.call("textDocument/prepareRename", doc_pos(uri, pos(10, 11)));
    assert_eq!(prepared["placeholder"], "Go");
    c.shutdown();
}

/// An empty definition file is offered the fields of a state machine; an empty YAML
/// file that is not named or opened as one (a new `docker-compose.yml`) is offered
/// nothing.
#[test]
fn an_empty_file_is_completed_only_when_it_is_a_definition() {
    let mut c = Client::start();
    for (uri, language, first) in [
        ("file:///tmp/new-flow.asl.yaml", "asl-yaml", Some("StartAt")),
        ("file:///tmp/docker-compose.yml", "yaml", None),
    ] {
        c.open(uri, language, "");
        c.diagnostics(uri, 1);
        let items = c.call("textDocument/completion", doc_pos(uri, pos(0, 0)));
        let found = items
            .as_array()
            .and_then(|a| a.first())
            .and_then(|i| i["label"].as_str());
        assert_eq!(found, first, "{uri}: {items}");
    }
    c.shutdown();
}

#[test]
fn completion_of_fields_and_snippets() {
    let mut c = Client::start();
    let uri = "file:///tmp/typing.asl.json";
    let text = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Fail\", \n  }\n}}";
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let items = c.call("textDocument/completion", doc_pos(uri, pos(1, 31)));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Comment",
            "QueryLanguage",
            "Error",
            "ErrorPath",
            "Cause",
            "CausePath"
        ]
    );
    // The client announced no snippet support: placeholders are removed.
    assert_eq!(items[2]["textEdit"]["newText"], "\"Error\": \"\"");
    assert_eq!(items[2]["insertTextFormat"], 1);
    assert!(items[2].get("insertTextMode").is_none());
    // A multi-line YAML item carries its lines' indentation, to be inserted as it is.
    let uri = "file:///tmp/typing.asl.yaml";
    let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Next: B\n    \n  B:\n    Type: Succeed\n";
    c.open(uri, "yaml", text);
    c.diagnostics(uri, 1);
    let items = c.call("textDocument/completion", doc_pos(uri, pos(6, 4)));
    let retry = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Retry")
        .unwrap();
    assert_eq!(retry["textEdit"]["newText"], "Retry:\n      - ");
    assert_eq!(retry["insertTextMode"], 1);
    c.shutdown();
}

/// The replaced range of a string being typed reaches the cursor (LSP requires a
/// range that contains it), in UTF-16 columns, past colons, spaces and accents.
#[test]
fn completion_replaces_the_string_typed_up_to_the_cursor() {
    let mut c = Client::start();
    let cases = [
        (
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lam",
            "arn:aws:states:::lambda:invoke",
            62,
            83,
        ),
        (
            "{\"StartAt\": \"Étape\", \"States\": {\"Étape\": {\"Type\": \"Pass\", \"End\": true}, \"B\": {\"Type\": \"Pass\", \"Next\": \"Ét",
            "Étape",
            102,
            105,
        ),
        (
            "{\"StartAt\": \"Fin X\", \"States\": {\"Fin X\": {\"Type\": \"Pass\", \"End\": true}, \"B\": {\"Type\": \"Pass\", \"Next\": \"Fin ",
            "Fin X",
            102,
            107,
        ),
    ];
    for (i, (text, label, start, end)) in cases.into_iter().enumerate() {
        let uri = format!("file:///tmp/typed{i}.asl.json");
        c.open(&uri, "asl", text);
        let cursor = text.encode_utf16().count() as u32;
        assert_eq!(cursor, end);
        let items = c.call("textDocument/completion", doc_pos(&uri, pos(0, cursor)));
        let item = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["label"] == label)
            .unwrap();
        assert_eq!(
            item["textEdit"]["range"],
            range(0, start, 0, end),
            "{label}"
        );
        let edited = apply(text, &[item["textEdit"].clone()]);
        assert!(edited.ends_with(&format!(": \"{label}\"")), "{edited}");
    }
    c.shutdown();
}

#[test]
fn half_typed_document_never_breaks_the_server() {
    let mut c = Client::start();
    let uri = "file:///tmp/half.asl.json";
    let full = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sns:publish\", \"Next\": \"B\", \"Parameters\": {\"TopicArn\": \"t\", \"Message\": \"m\"}}, \"B\": {\"Type\": \"Succeed\"}}}";
    c.open(uri, "asl", "");
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL001"]);
    // Type the document one character at a time, asking for everything on the way.
    let mut version = 1;
    for (i, ch) in full.char_indices() {
        version += 1;
        let at = i as u32;
        c.change(
            uri,
            version,
            json!([{"range": range(0, at, 0, at), "text": ch.to_string()}]),
        );
        if i % 7 != 0 {
            continue;
        }
        let p = doc_pos(uri, pos(0, at + 1));
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/prepareRename",
        ] {
            let r = c.request(method, p.clone());
            assert!(r.get("error").is_none(), "{method} at {i}: {r}");
        }
        let r = c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(r.get("error").is_none());
        let r = c.request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(r.get("error").is_none());
        let r = c.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        assert!(r.get("error").is_none());
    }
    // The last version gets its diagnostics; older ones may be dropped as stale, but
    // they never arrive out of order.
    assert_eq!(c.diagnostics(uri, version), Vec::<Value>::new());
    let published: Vec<i64> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .map(|n| n["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    assert!(published.iter().all(|&v| v < version));
    c.shutdown();
}

const YAML: &str = "StartAt: Start
States:
  Start:
    Type: Task
    Resource: arn:aws:states:::aws-sdk:s3:listBuckets
    Next: Chek
  Check:
    Type: Succeed
";

#[test]
fn yaml_session() {
    let mut c = Client::start();
    let uri = "file:///tmp/flow.asl.yaml";
    c.open(uri, "asl-yaml", YAML);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL201", "ASL205"]);
    assert_eq!(diags[0]["range"], range(5, 10, 5, 14));
    assert_eq!(diags[1]["range"], range(6, 2, 6, 7));

    // Quick fix: the did-you-mean replacement.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(5, 11, 5, 11), "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "Replace with \"Check\"");

    c.change(uri, 2, json!([{"range": range(5, 13, 5, 13), "text": "c"}]));
    assert_eq!(c.diagnostics(uri, 2), Vec::<Value>::new());
    let text = YAML.replace("Chek", "Check");

    let def = c.call("textDocument/definition", doc_pos(uri, pos(5, 11)));
    assert_eq!(def, json!({"uri": uri, "range": range(6, 2, 6, 7)}));
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos(6, 3), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(refs, json!([{"uri": uri, "range": range(5, 10, 5, 15)}]));

    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos(6, 3), "newName": "Check it"}),
    );
    let renamed = apply(&text, edit["changes"][uri].as_array().unwrap());
    assert_eq!(renamed, text.replace("Check", "Check it"));

    let h = c.call("textDocument/hover", doc_pos(uri, pos(3, 12)));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Task state**")
    );
    let items = c.call("textDocument/completion", doc_pos(uri, pos(5, 15)));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Start", "Check"]);

    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "Start");
    assert_eq!(symbols[1]["name"], "Check");
    assert_eq!(symbols[1]["selectionRange"], range(6, 2, 6, 7));
    let folds = c.call(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["startLine"] == 2 && f["endLine"] == 5),
        "{folds}"
    );
    // Already laid out with two spaces: nothing to change.
    let edits = c.format(uri, 2, true);
    assert_eq!(edits, json!([]));
    // With four: the re-indented lines, each an edit of its own; the first two lines
    // stay as they are.
    let edits = c.format(uri, 4, true);
    let ranges: Vec<&Value> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["range"])
        .collect();
    assert_eq!(
        ranges,
        (2..8)
            .map(|l| range(l, 0, l + 1, 0))
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>(),
        "{edits}"
    );
    assert_eq!(
        apply(&text, edits.as_array().unwrap()),
        "StartAt: Start\nStates:\n    Start:\n        Type: Task\n        Resource: arn:aws:states:::aws-sdk:s3:listBuckets\n        Next: Check\n    Check:\n        Type: Succeed\n"
    );
    // Formatting a selection (the Check state) re-indents it as the whole document's
    // formatting would; moved alone, `Check:` would become a key of Start, so its
    // sibling Start moves with it (the whole States mapping), and nothing else.
    let edits = c.call(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": uri}, "range": range(6, 0, 7, 5),
               "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 6, "{edits}");
    assert_eq!(edits[0]["range"], range(2, 0, 3, 0));
    assert_eq!(edits[5]["range"], range(7, 0, 8, 0));
    assert_eq!(
        apply(&text, edits.as_array().unwrap()),
        "StartAt: Start\nStates:\n    Start:\n        Type: Task\n        Resource: arn:aws:states:::aws-sdk:s3:listBuckets\n        Next: Check\n    Check:\n        Type: Succeed\n"
    );
    // Check's own entry (`Type: Succeed`) can move alone: that line only.
    let edits = c.call(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": uri}, "range": range(7, 0, 7, 5),
               "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["range"], range(7, 0, 8, 0));
    c.shutdown();
}

/// The editor's options for the ends of lines and of the file are followed.
/// A CloudFormation intrinsic in a definition file is an error at its tag; hover,
/// code actions and formatting still work on the document.
#[test]
fn intrinsics_in_a_definition_file() {
    let mut c = Client::start();
    let uri = "file:///tmp/intrinsic.asl.yaml";
    let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt Work.Arn\n    End: true\n";
    c.open(uri, "asl-yaml", text);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL811"]);
    assert_eq!(diags[0]["range"], range(4, 14, 4, 21));
    assert_eq!(diags[0]["severity"], 1);
    let h = c.call("textDocument/hover", doc_pos(uri, pos(4, 16)));
    assert!(h.is_null() || h["contents"].is_object(), "{h}");
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(4, 16, 4, 16), "context": {"diagnostics": diags}}),
    );
    assert!(actions.is_array(), "{actions}");
    let edits = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = apply(text, edits.as_array().map_or(&[][..], Vec::as_slice));
    assert!(formatted.contains("!GetAtt Work.Arn"), "{formatted}");
    c.shutdown();
}

#[test]
fn formatting_follows_the_final_newline_and_trailing_space_options() {
    let mut c = Client::start();
    let uri = "file:///tmp/ends.asl.json";
    let text = "{\"StartAt\": \"A\", /* block   \n comment */\n\"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
    c.open(uri, "asl", text);
    let format = |c: &mut Client, options: Value| {
        let mut o = json!({"tabSize": 2, "insertSpaces": true});
        o.as_object_mut()
            .unwrap()
            .extend(options.as_object().unwrap().clone());
        let edits = c.call(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": o}),
        );
        apply(text, edits.as_array().unwrap())
    };
    let plain = format(&mut c, json!({}));
    assert!(
        !plain.ends_with('\n') && plain.contains("block   \n"),
        "{plain}"
    );
    let finished = format(
        &mut c,
        json!({"insertFinalNewline": true, "trimTrailingWhitespace": true}),
    );
    assert_eq!(finished, plain.replace("block   \n", "block\n") + "\n");
    c.shutdown();
}

/// A messy YAML definition and what formatting makes of it: layout only, comments, tags,
/// quoting and block scalars kept.
const MESSY_YAML: &str = "# order flow   \nStartAt: Check\nStates:\n      Check:\n         Type: Choice  # decide\n         Choices:\n         - Variable: $.ok\n           BooleanEquals: true\n           Next: Done\n\n\n\n         Default: Done\n      Done:\n        Type: Pass\n        Comment: |\n           kept\n             as is\n        Result: !Sub '${A}'\n        End: true\n";

const MESSY_YAML_FORMATTED: &str = "# order flow\nStartAt: Check\nStates:\n  Check:\n    Type: Choice  # decide\n    Choices:\n      - Variable: $.ok\n        BooleanEquals: true\n        Next: Done\n\n    Default: Done\n  Done:\n    Type: Pass\n    Comment: |\n       kept\n         as is\n    Result: !Sub '${A}'\n    End: true\n";

/// The lines of [`MESSY_YAML`] that formatting changes (0-based): two of the three blank
/// lines go, the rest are re-indented.
const EDITED_LINES: &[u64] = &[0, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];

#[test]
fn yaml_formatting() {
    let mut c = Client::start();
    let uri = "file:///tmp/messy.asl.yaml";
    c.open(uri, "asl-yaml", MESSY_YAML);
    let edits = c.format(uri, 2, true);
    // The changed lines only: `StartAt: Check` and `States:` are not touched.
    let starts: Vec<u64> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, EDITED_LINES, "{edits}");
    assert_eq!(
        apply(MESSY_YAML, edits.as_array().unwrap()),
        MESSY_YAML_FORMATTED
    );
    // Formatting the formatted text changes nothing.
    c.change(uri, 2, json!([{"text": MESSY_YAML_FORMATTED}]));
    let edits = c.format(uri, 2, true);
    assert_eq!(edits, json!([]));
    // YAML cannot indent with tabs: asking for tabs gives spaces, tabSize of them.
    let edits = c.format(uri, 3, false);
    let three = apply(MESSY_YAML_FORMATTED, edits.as_array().unwrap());
    assert!(three.starts_with("# order flow\nStartAt: Check\nStates:\n   Check:\n      Type: Choice  # decide\n      Choices:\n         - Variable: $.ok\n"), "{three}");
    assert!(!three.contains('\t'));
    // A Windows file stays one: CRLF in, CRLF out, and formatted once only.
    let crlf = MESSY_YAML.replace('\n', "\r\n");
    c.change(uri, 3, json!([{"text": crlf}]));
    let edits = c.format(uri, 2, true);
    assert_eq!(
        apply(&crlf, edits.as_array().unwrap()),
        MESSY_YAML_FORMATTED.replace('\n', "\r\n")
    );
    c.change(
        uri,
        4,
        json!([{"text": MESSY_YAML_FORMATTED.replace('\n', "\r\n")}]),
    );
    assert_eq!(c.format(uri, 2, true), json!([]));
    // A half-typed document is left alone.
    c.change(
        uri,
        5,
        json!([{"text": "StartAt: A\nStates:\n   A: {Type: Pass\n"}]),
    );
    let edits = c.format(uri, 2, true);
    assert_eq!(edits, Value::Null);
    c.shutdown();
}

#[test]
fn variables_navigate_highlight_and_rename() {
    let mut c = Client::start();
    let uri = "file:///tmp/vars.asl.json";
    let text = "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Assign\": {\"count\": 1}, \"Next\": \"B\"},\n  \"B\": {\"Type\": \"Pass\", \"Output\": \"{% $count + 1 %}\", \"End\": true}}}";
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let def = c.call("textDocument/definition", doc_pos(uri, pos(2, 41)));
    assert_eq!(def, json!({"uri": uri, "range": range(1, 35, 1, 42)}));

    // The variable is a symbol: its references, highlights (the Assign key written,
    // the `$count` read) and a rename that edits both.
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 38), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([{"uri": uri, "range": range(1, 36, 1, 41)}, {"uri": uri, "range": range(2, 39, 2, 44)}])
    );
    let marks = c.call("textDocument/documentHighlight", doc_pos(uri, pos(2, 41)));
    assert_eq!(
        marks,
        json!([{"range": range(1, 36, 1, 41), "kind": 3}, {"range": range(2, 39, 2, 44), "kind": 2}])
    );
    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos(2, 41), "newName": "visits"}),
    );
    let renamed = apply(text, edit["changes"][uri].as_array().unwrap());
    assert_eq!(renamed, text.replace("count", "visits"));
    let refused = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos(2, 41), "newName": "9lives"}),
    );
    assert_eq!(refused["error"]["code"], -32602);

    // A state name highlights its key (written) and its uses (read).
    let marks = c.call("textDocument/documentHighlight", doc_pos(uri, pos(0, 42)));
    assert_eq!(
        marks,
        json!([{"range": range(0, 40, 0, 43), "kind": 2}, {"range": range(1, 2, 1, 5), "kind": 3}])
    );
    c.shutdown();
}

#[test]
fn signature_help_inside_function_calls() {
    let mut c = Client::start();
    let uri = "file:///tmp/sig.asl.json";
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"m.$\": \"States.Format('{}', $.a, $.b)\"}, \"End\": true}}}";
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let help = c.call(
        "textDocument/signatureHelp",
        doc_pos(uri, pos_of(text, "$.b", 0, 1)),
    );
    assert_eq!(
        help,
        json!({
            "signatures": [{
                "label": "States.Format(template: string, ...values) -> string",
                "documentation": {"kind": "markdown", "value": "Fills each `{}` of the template with the next value."},
                "parameters": [{"label": [14, 30]}, {"label": [32, 41]}],
                "activeParameter": 1
            }],
            "activeSignature": 0,
            "activeParameter": 1
        })
    );
    let none = c.call("textDocument/signatureHelp", doc_pos(uri, pos(0, 3)));
    assert_eq!(none, Value::Null);
    c.shutdown();
}

#[test]
fn a_client_that_renders_plain_text_gets_plain_text() {
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null,
        "capabilities": {"textDocument": {
            "hover": {"contentFormat": ["plaintext"]},
            "completion": {"completionItem": {"documentationFormat": ["plaintext", "markdown"]}},
            "signatureHelp": {"signatureInformation": {"documentationFormat": ["markdown", "plaintext"]}}
        }}
    }));
    let uri = "file:///tmp/plain.asl.json";
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"m.$\": \"States.Format('{}', $.a)\"}, \"End\": true}}}";
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let h = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(text, "\"Pass\"", 0, 2)),
    );
    assert_eq!(h["contents"]["kind"], "plaintext");
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("Pass state\n\n"), "{value}");
    assert!(!value.contains("**") && !value.contains('`'), "{value}");
    // Completion documentation: the client prefers plain text.
    let items = c.call(
        "textDocument/completion",
        doc_pos(uri, pos_of(text, "\"End\"", 0, 0)),
    );
    let docs: Vec<&Value> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i.get("documentation"))
        .collect();
    assert!(!docs.is_empty());
    assert!(docs.iter().all(|d| d["kind"] == "plaintext"), "{docs:?}");
    // Signature help: this client prefers Markdown.
    let help = c.call(
        "textDocument/signatureHelp",
        doc_pos(uri, pos_of(text, "$.a", 0, 1)),
    );
    assert_eq!(help["signatures"][0]["documentation"]["kind"], "markdown");
    c.shutdown();
}

#[test]
fn template_links_to_its_definition_files() {
    let guard = temp_dir("links");
    let dir = guard.path().to_path_buf();
    std::fs::create_dir_all(dir.join("statemachine")).unwrap();
    std::fs::write(
        dir.join("statemachine/flow.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let dir = dir.canonicalize().unwrap();
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/flow.asl.json\n  Gone:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/gone.asl.json\n  Folder:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine\n";
    let uri = format!("file://{}/template.yaml", dir.display());
    let mut c = Client::start();
    c.open(&uri, "yaml", text);
    let links = c.call(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": uri}}),
    );
    // The missing file gets no link (ASL802 reports it), nor the folder (also ASL802).
    assert_eq!(
        links,
        json!([{
            "range": range(5, 21, 5, 47),
            "target": format!("file://{}/statemachine/flow.asl.json", dir.display()),
            "tooltip": "Open the state machine definition"
        }])
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_a_template_names_is_linted_with_its_substitutions() {
    let guard = temp_dir("named");
    let dir = guard.path().to_path_buf();
    std::fs::create_dir_all(dir.join("sm")).unwrap();
    let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${WorkerArn}", "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}}}"#;
    std::fs::write(dir.join("sm/flow.asl.json"), def).unwrap();
    let dir = dir.canonicalize().unwrap();
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        WorkerArn: arn:aws:lambda:us-east-1:123456789012:function:worker\n";
    let def_uri = format!("file://{}/sm/flow.asl.json", dir.display());
    let template_uri = format!("file://{}/template.yaml", dir.display());
    let mut c = Client::start();
    // Alone, the placeholder is unknown.
    c.open(&def_uri, "json", def);
    assert_eq!(codes(&c.diagnostics(&def_uri, 1)), ["ASL801"]);
    // The template that names it opens: the file is linted again, as `check` lints
    // it beside the template.
    c.open(&template_uri, "yaml", template);
    assert_eq!(
        codes(&c.diagnostics(&template_uri, 1)),
        Vec::<String>::new()
    );
    assert_eq!(codes(&c.diagnostics(&def_uri, 1)), Vec::<String>::new());
    // A substitution the template no longer gives: nothing fills the name.
    c.change(
        &template_uri,
        2,
        json!([{"text": template.replace("WorkerArn:", "Other:")}]),
    );
    assert_eq!(
        codes(&c.diagnostics(&template_uri, 2)),
        Vec::<String>::new()
    );
    assert_eq!(codes(&c.diagnostics(&def_uri, 1)), ["ASL806"]);
    // Closed, the template governs the file as it is saved on disk.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": template_uri}}),
    );
    c.shutdown();

    // A template in the workspace folder counts without being opened.
    std::fs::write(dir.join("template.yaml"), template).unwrap();
    let mut c = Client::start_in(&dir);
    c.open(&def_uri, "json", def);
    // Published once the folder was read, with the template's substitutions.
    assert_eq!(codes(&c.diagnostics(&def_uri, 1)), Vec::<String>::new());
    // The template changes on disk while closed (a `git checkout`): the watcher's report
    // has it read again, and the file is linted without the substitution it lost.
    std::fs::write(
        dir.join("template.yaml"),
        template.replace("WorkerArn:", "Other:"),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": template_uri, "type": 2}]}),
    );
    // A publish of the earlier lint may still be on its way: the next ones bring it.
    let mut found = codes(&c.diagnostics(&def_uri, 1));
    for _ in 0..3 {
        if found == ["ASL806"] {
            break;
        }
        found = codes(&c.diagnostics(&def_uri, 1));
    }
    assert_eq!(found, ["ASL806"]);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn workspace_symbols_search_the_states_of_open_documents() {
    let mut c = Client::start();
    let tickets = "file:///tmp/tickets.asl.json";
    let enrol = "file:///tmp/enrol.asl.yaml";
    c.open(
        tickets,
        "asl",
        r#"{"StartAt": "Open case", "States": {"Open case": {"Type": "Pass", "Next": "Work"}, "Work": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "Escalate case", "States": {"Escalate case": {"Type": "Succeed"}}}]}}}"#,
    );
    c.open(
        enrol,
        "asl-yaml",
        "StartAt: Check name\nStates:\n  Check name:\n    Type: Pass\n    Next: Cancel enrolment\n  Cancel enrolment:\n    Type: Fail\n",
    );
    let found = c.call("workspace/symbol", json!({"query": "case"}));
    let names: Vec<(&str, &str, Value)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["location"]["uri"].as_str().unwrap(),
                s["containerName"].clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Open case", tickets, Value::Null),
            ("Escalate case", tickets, json!("Work")),
        ]
    );
    assert_eq!(found[0]["location"]["range"], range(0, 36, 0, 47));
    assert_eq!(found[0]["kind"], 19);
    // "cnl" in order: Cancel enrolment only; an empty query lists every state.
    let found = c.call("workspace/symbol", json!({"query": "cnl"}));
    assert_eq!(found[0]["name"], "Cancel enrolment");
    assert_eq!(found.as_array().unwrap().len(), 1);
    let all = c.call("workspace/symbol", json!({"query": ""}));
    assert_eq!(all.as_array().unwrap().len(), 5);
    c.shutdown();
}

/// The definition file of the placeholder cases: `Go` moves on through `${NextStep}`,
/// which the template that [`deploy`] writes fills with `Finish`.
const NEXT_STEP: &str = "{\n  \"StartAt\": \"Go\",\n  \"States\": {\n    \"Go\": {\"Type\": \"Pass\", \"Next\": \"${NextStep}\"},\n    \"Finish\": {\"Type\": \"Succeed\"}\n  }\n}\n";

/// Saves `def` at `path` (relative) in the folder `dir` and, at the top of the folder,
/// a SAM `template.yaml` that deploys it (`DefinitionUri`) with the substitution
/// `NextStep: Finish`. Returns the file's URI, the template's URI and its text.
fn deploy(dir: &std::path::Path, path: &str, def: &str) -> (String, String, String) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, def).unwrap();
    let template = format!(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {path}\n      DefinitionSubstitutions:\n        NextStep: Finish\n"
    );
    std::fs::write(dir.join("template.yaml"), &template).unwrap();
    (
        format!("file://{}/{path}", dir.display()),
        format!("file://{}/template.yaml", dir.display()),
        template,
    )
}

/// A fresh folder under the system temporary folder for one test, removed when the guard drops
/// (also when the test fails).
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("asl-lint-lsp-{name}-"))
        .tempdir()
        .unwrap()
}

fn severities(diags: &[Value]) -> Vec<(String, i64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn settings_and_configuration_files_shape_the_diagnostics() {
    let guard = temp_dir("settings");
    let dir = guard.path().to_path_buf();
    let toml = dir.join("asl-lint.toml");
    std::fs::write(
        &toml,
        "ignore = [\"ASL205\"]\n[severity]\nASL201 = \"info\"\n",
    )
    .unwrap();
    let uri = format!("file://{}/faulty.asl.json", dir.display());
    // initializationOptions: the editor's settings from the start.
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null,
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        "initializationOptions": {"aslLint": {"severity": {"ASL201": "warning"}}}
    }));
    c.open(&uri, "asl", FAULTY);
    // The file ignores ASL205 and makes ASL201 info; the editor's override wins.
    assert_eq!(severities(&c.diagnostics(&uri, 1)), [("ASL201".into(), 2)]);
    // The server asked to watch the configuration files.
    let register = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("registration");
    assert_eq!(
        register["params"]["registrations"][0]["registerOptions"]["watchers"],
        json!([
            {"globPattern": "**/asl-lint.toml"},
            {"globPattern": "**/.asl-lint.toml"},
            {"globPattern": "**/template.{yaml,yml,json}"},
            {"globPattern": "**/*.template.json"},
            {"globPattern": "**/serverless.{yml,yaml}"},
            {"globPattern": "**/*.{tf,tofu,tf.json}"}
        ])
    );

    // Settings pushed with didChangeConfiguration: no configuration file, and ASL205 as
    // a warning: both diagnostics come back for the same version.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"useConfigFile": false, "severity": {"ASL205": "warning"}}}}),
    );
    assert_eq!(
        severities(&c.diagnostics(&uri, 1)),
        [("ASL201".into(), 1), ("ASL205".into(), 2)]
    );
    // select/ignore on top of the file, and `off`.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"select": ["ASL2"], "severity": {"ASL201": "off"}}}}),
    );
    assert_eq!(severities(&c.diagnostics(&uri, 1)), []);

    // Back to the file; it changes on disk and the editor reports it.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {}}}),
    );
    assert_eq!(severities(&c.diagnostics(&uri, 1)), [("ASL201".into(), 3)]);
    std::fs::write(&toml, "ignore = [\"unknown-next-state\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", toml.display()), "type": 2}]}),
    );
    assert_eq!(severities(&c.diagnostics(&uri, 1)), [("ASL205".into(), 1)]);

    // An explicit configFile, relative paths from the workspace root: none here, so an
    // absolute one.
    let other = dir.join("ci.toml");
    std::fs::write(&other, "select = [\"ASL201\"]\n").unwrap();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"configFile": other.display().to_string()}}}),
    );
    assert_eq!(severities(&c.diagnostics(&uri, 1)), [("ASL201".into(), 1)]);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// In a workspace of several folders, a relative `configFile` is found in the folder
/// of each document.
#[test]
fn a_relative_config_file_is_read_from_the_folder_of_the_document() {
    let guard = temp_dir("folders");
    let dir = guard.path().to_path_buf();
    let mut uris = Vec::new();
    let mut folders = Vec::new();
    for (name, code) in [("a", "ASL201"), ("b", "ASL205")] {
        let folder = dir.join(name);
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("cfg.toml"), format!("select = [\"{code}\"]\n")).unwrap();
        folders.push(json!({"uri": format!("file://{}", folder.display()), "name": name}));
        uris.push(format!("file://{}/faulty.asl.json", folder.display()));
    }
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null, "capabilities": {},
        "workspaceFolders": folders,
        "initializationOptions": {"aslLint": {"configFile": "cfg.toml"}}
    }));
    for uri in &uris {
        c.open(uri, "asl", FAULTY);
    }
    assert_eq!(codes(&c.diagnostics(&uris[0], 1)), ["ASL201"]);
    assert_eq!(codes(&c.diagnostics(&uris[1], 1)), ["ASL205"]);
    c.shutdown();
}

#[test]
fn settings_are_pulled_when_the_client_answers_configuration() {
    let guard = temp_dir("pull");
    let dir = guard.path().to_path_buf();
    let uri = format!("file://{}/faulty.asl.json", dir.display());
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null,
        "capabilities": {"workspace": {"configuration": true}}
    }));
    // What `initialized` pulled: nothing (null) so far.
    c.open(&uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(&uri, 1)), ["ASL201", "ASL205"]);
    let pulled = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "workspace/configuration")
        .expect("a configuration request")
        .clone();
    assert_eq!(pulled["params"]["items"], json!([{"section": "aslLint"}]));
    // didChangeConfiguration without the section: the server pulls again.
    c.configuration = json!({"ignore": ["ASL201"]});
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    assert_eq!(codes(&c.diagnostics(&uri, 1)), ["ASL205"]);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that has no `aslLint` settings of its own answers the pull with `null`:
/// the settings of `initializationOptions` stay in force.
#[test]
fn initialization_settings_survive_a_null_configuration() {
    let guard = temp_dir("pull-null");
    let uri = format!("file://{}/faulty.asl.json", guard.path().display());
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null,
        "capabilities": {"workspace": {"configuration": true}},
        "initializationOptions": {"aslLint": {"severity": {"ASL201": "info"}, "ignore": ["ASL205"]}}
    }));
    c.open(&uri, "asl", FAULTY);
    assert_eq!(severities(&c.diagnostics(&uri, 1)), [("ASL201".into(), 3)]);
    while !c
        .server_requests
        .iter()
        .any(|r| r["method"] == "workspace/configuration")
    {
        c.call("workspace/symbol", json!({"query": ""}));
    }
    // The answer (null) has reached the server; an edit is linted with the same settings.
    c.call("workspace/symbol", json!({"query": ""}));
    c.change(&uri, 2, json!([{"text": FAULTY}]));
    assert_eq!(severities(&c.diagnostics(&uri, 2)), [("ASL201".into(), 3)]);
    c.shutdown();
}

#[test]
fn a_setting_that_names_no_rule_is_told() {
    let mut c = Client::start();
    let uri = "file:///tmp/unknown-code.asl.json";
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"ignore": ["NOPE999", "ASL201"]}}}),
    );
    c.open(uri, "asl", FAULTY);
    // The known code still applies; the unknown one is named to the user.
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL205"]);
    let message = c.shown_message();
    assert_eq!(
        message["params"]["message"],
        "asl-lint: settings: `NOPE999` in aslLint.ignore matches no rule code, prefix or name (linting without it)"
    );
    c.shutdown();
}

/// A `select` whose every entry names no rule (a typo) lints with all rules, as an
/// empty `select` does: kept, the entries selected nothing and turned the linter off.
#[test]
fn a_select_of_only_unknown_codes_lints_with_every_rule() {
    let mut c = Client::start();
    let uri = "file:///tmp/unknown-select.asl.json";
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"select": ["NOPE999"]}}}),
    );
    c.open(uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL201", "ASL205"]);
    let message = c.shown_message();
    assert_eq!(
        message["params"]["message"],
        "asl-lint: settings: `NOPE999` in aslLint.select matches no rule code, prefix or name (linting without it)"
    );
    // Beside a known code, the unknown one is still left out.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"select": ["NOPE999", "ASL201"]}}}),
    );
    c.change(uri, 2, json!([{"text": FAULTY}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), ["ASL201"]);
    c.shutdown();
}

#[test]
fn a_setting_of_the_wrong_type_is_told() {
    // It was left out without a word, where the CLI refuses the same in asl-lint.toml.
    let mut c = Client::start();
    let uri = "file:///tmp/wrong-type.asl.json";
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLint": {"select": 5, "severity": {"ASL2": "bogus"}}}}),
    );
    c.open(uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL201", "ASL205"]);
    let message = c.shown_message();
    assert_eq!(
        message["params"]["message"],
        "asl-lint: settings: aslLint.select must be a list of rule codes, not 5 (linting without it)"
    );
    c.shutdown();
}

#[test]
fn a_pending_configuration_request_holds_nothing_back() {
    let guard = temp_dir("pending");
    let dir = guard.path().to_path_buf();
    let uri = format!("file://{}/faulty.asl.json", dir.display());
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null,
        "capabilities": {"workspace": {"configuration": true}}
    }));
    c.hold_server_requests = true;
    // The configuration request stays unanswered: edits, diagnostics and requests go
    // on with the settings held so far.
    c.open(&uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(&uri, 1)), ["ASL201", "ASL205"]);
    let hover = c.call(
        "textDocument/hover",
        doc_pos(&uri, pos_of(FAULTY, "Pass", 0, 1)),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Pass")
    );
    let pending = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "workspace/configuration")
        .expect("a configuration request")
        .clone();
    // The answer comes late: the document is linted again with it.
    c.send(json!({"jsonrpc": "2.0", "id": pending["id"], "result": [{"ignore": ["ASL201"]}]}));
    assert_eq!(codes(&c.diagnostics(&uri, 1)), ["ASL205"]);
    // A client that leaves without `shutdown`: the server ends with status 1, as the
    // protocol says, when its input ends.
    drop(c.stdin);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server still running after its input ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_older_version_is_never_published_after_a_newer_one() {
    let mut c = Client::start();
    let uri = "file:///tmp/versions.asl.json";
    c.open(uri, "asl", FAULTY);
    c.diagnostics(uri, 1);
    // Twenty quick edits: toggle the typo `Finsh` <-> `Finish`.
    for v in 2..=21 {
        let edit = if v % 2 == 0 {
            json!([{"range": range(3, 42, 3, 42), "text": "i"}])
        } else {
            json!([{"range": range(3, 42, 3, 43), "text": ""}])
        };
        c.change(uri, v, edit);
    }
    // 21 is odd: the typo is back.
    assert_eq!(codes(&c.diagnostics(uri, 21)), ["ASL201", "ASL205"]);
    let published: Vec<i64> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .map(|n| n["params"]["version"].as_i64().unwrap())
        .collect();
    // Whatever was published before 21 came in order and was older.
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    assert!(published.iter().all(|&v| v < 21), "{published:?}");
    c.shutdown();
}

/// A document linted again without a change to what it reports is not published
/// again for the same version: opened again as it was, or when a template that names
/// it changes in a way that leaves its diagnostics as they were.
#[test]
fn diagnostics_are_published_once_per_version() {
    let mut c = Client::start();
    let uri = "file:///tmp/once/versions.asl.json";
    c.open(uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL201", "ASL205"]);
    // Opened again, as it was (no close between): linted again, not published again.
    c.open(uri, "asl", FAULTY);
    // Hover waits for the lint of the current version.
    let _ = c.call("textDocument/hover", doc_pos(uri, pos(3, 40)));
    c.change(uri, 2, json!([{"range": range(3, 42, 3, 42), "text": "i"}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), Vec::<String>::new());
    assert_eq!(publishes(&c, uri, 1), 0);
    // Closed and opened again: the client cleared them, so they are published.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    c.open(uri, "asl", FAULTY);
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL201", "ASL205"]);
    c.shutdown();

    // A template edit that changes what it gives the file, not what the file reports.
    let guard = temp_dir("once-per-version");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, template_uri, template) = deploy(&dir, "flow.asl.json", def);
    let mut c = Client::start();
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    c.open(&def_uri, "json", def);
    assert_eq!(c.diagnostics(&def_uri, 1), Vec::<Value>::new());
    let more = template.replace("NextStep: Finish", "NextStep: Finish\n        Unused: x");
    c.change(&template_uri, 2, json!([{"text": more}]));
    c.diagnostics(&template_uri, 2);
    // The file is linted again with the new substitutions (hover waits for it).
    let _ = c.call("textDocument/hover", doc_pos(&def_uri, pos(3, 40)));
    c.change(
        &def_uri,
        2,
        json!([{"range": range(7, 0, 7, 0), "text": "\n"}]),
    );
    c.diagnostics(&def_uri, 2);
    assert_eq!(publishes(&c, &def_uri, 1), 0);
    c.shutdown();
}

/// A definition file opened right after the start, while the workspace folder's
/// templates are still being read, is published once, already as the template that
/// deploys it reads it: its `${Name}` filled from the template's substitutions.
#[test]
fn a_file_opened_at_the_start_is_published_once_with_its_template() {
    let guard = temp_dir("opened-at-start");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, _, _) = deploy(&dir, "flow.asl.json", def);
    // A big template beside keeps the read going well after the file is opened (its
    // lint alone takes a moment), so the file's lint ends first.
    let states: String = (0..20_000)
        .map(|i| format!("          S{i}: {{Type: Succeed}}\n"))
        .collect();
    std::fs::create_dir_all(dir.join("big")).unwrap();
    std::fs::write(
        dir.join("big/template.yaml"),
        format!("Resources:\n  Big:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: S0\n        States:\n{states}"),
    )
    .unwrap();
    let mut c = Client::start_in(&dir);
    c.open(&def_uri, "json", def);
    // No unknown placeholder (ASL801): the template's view, from the first publish.
    assert_eq!(codes(&c.diagnostics(&def_uri, 1)), Vec::<String>::new());
    let token = doc_pos(&def_uri, pos(3, 40));
    assert_eq!(
        c.call("textDocument/hover", token.clone())["contents"]["value"],
        "`${NextStep}` is filled in at deploy time from the `DefinitionSubstitutions` of `Flow` in `template.yaml`:\n\n```\nNextStep: Finish\n```"
    );
    // Time for a second publish to arrive, then a request answered after it would.
    std::thread::sleep(Duration::from_millis(500));
    c.call("textDocument/hover", token);
    assert_eq!(publishes(&c, &def_uri, 1), 0);
    c.shutdown();
}

#[test]
fn completion_offers_the_variables_in_scope() {
    let mut c = Client::start();
    let uri = "file:///tmp/scope.asl.json";
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"first": 1}, "Next": "B"},
  "B": {"Type": "Pass", "Assign": {"second": 2}, "Output": "{% $ %}", "Next": "C"},
  "C": {"Type": "Pass", "Assign": {"third": 3}, "End": true}}}"#;
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let items = c.call(
        "textDocument/completion",
        doc_pos(uri, pos_of(text, "{% $", 0, 4)),
    );
    let vars: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == 6)
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(vars, ["$first"]);

    // YAML: a JSONPath `.$` field in a Map processor sees what was assigned before the
    // Map, not what the processor assigns later.
    let yuri = "file:///tmp/scope.asl.yaml";
    let ytext = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Assign:\n      outer: 1\n    Next: M\n  M:\n    Type: Map\n    ItemProcessor:\n      StartAt: P\n      States:\n        P:\n          Type: Pass\n          Parameters:\n            v.$: \"$\"\n          Next: Q\n        Q:\n          Type: Pass\n          Assign:\n            inner: 2\n          End: true\n    End: true\n";
    c.open(yuri, "asl-yaml", ytext);
    c.diagnostics(yuri, 1);
    let items = c.call(
        "textDocument/completion",
        doc_pos(yuri, pos_of(ytext, "\"$\"", 0, 2)),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["$outer"]);
    c.shutdown();
}

/// Typing a `.` in a path completes what is below it: the fields an earlier state put
/// in the input, and the fields of the Context object, with what each is.
#[test]
fn completion_after_a_dot_offers_input_and_context_fields() {
    let mut c = Client::start();
    let uri = "file:///tmp/fields.asl.json";
    let text = r#"{"StartAt": "Assign agent", "States": {
  "Assign agent": {"Type": "Pass", "Result": {"name": "Ana", "team": "L2"}, "ResultPath": "$.agent", "Next": "Notify"},
  "Notify": {"Type": "Pass", "Parameters": {"who.$": "$.agent.", "when.$": "$$.Execution."}, "End": true}}}"#;
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let complete = |c: &mut Client, needle: &str| {
        let items = c.call(
            "textDocument/completion",
            doc_pos(uri, pos_of(text, needle, 0, needle.len() as u32)),
        );
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let label = i["label"].as_str().unwrap().to_string();
                (label, i["detail"].as_str().unwrap_or("").to_string())
            })
            .collect::<Vec<_>>()
    };
    let items = complete(&mut c, "$.agent.");
    assert_eq!(
        items,
        [
            ("name".to_string(), "set by \"Assign agent\"".to_string()),
            ("team".to_string(), "set by \"Assign agent\"".to_string())
        ]
    );
    let items = complete(&mut c, "$$.Execution.");
    assert_eq!(items.len(), 7);
    assert_eq!(items[4].0, "StartTime");
    assert!(items[4].1.starts_with("When the execution started"));
    c.shutdown();
}

const SAM: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Check
        States:
          Check:
            Type: Pass
            Next: Shipp
          Ship:
            Type: Succeed
";

#[test]
fn template_with_an_inline_definition() {
    let mut c = Client::start();
    let uri = "file:///tmp/template.yaml";
    c.open(uri, "yaml", SAM);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL201", "ASL205"]);
    assert_eq!(diags[0]["range"], range(11, 18, 11, 23));
    assert_eq!(diags[1]["range"], range(12, 10, 12, 14));

    // Definition, references and hover of `Check` (StartAt).
    let start_at = pos_of(SAM, "StartAt: Check", 0, 10);
    let def = c.call("textDocument/definition", doc_pos(uri, start_at.clone()));
    assert_eq!(def, json!({"uri": uri, "range": range(9, 10, 9, 15)}));
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": start_at.clone(), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        refs,
        json!([{"uri": uri, "range": range(7, 17, 7, 22)}, {"uri": uri, "range": range(9, 10, 9, 15)}])
    );
    let hover = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(SAM, "Type: Pass", 0, 8)),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Pass state**"),
        "{hover}"
    );

    // Rename `Ship` (key) to `Send`: the key only (Next says Shipp).
    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos_of(SAM, "Ship:", 0, 1), "newName": "Send"}),
    );
    let edits = edit["changes"][uri].as_array().unwrap().clone();
    assert_eq!(apply(SAM, &edits), SAM.replace("Ship:", "Send:"));

    // Symbols: the resource, holding its states.
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "OrderMachine");
    assert_eq!(symbols[0]["detail"], "Definition");
    assert_eq!(symbols[0]["selectionRange"], range(6, 6, 6, 16));
    let states: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Check", "Ship"]);

    // The quick fix of the typo is offered at its position in the template.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(11, 19, 11, 19), "context": {"diagnostics": []}}),
    );
    let fixed = apply(SAM, actions[0]["edit"]["changes"][uri].as_array().unwrap());
    // The rule's fix (the same edit `check --fix` applies) writes the name as the typo
    // was written: plain.
    assert_eq!(fixed, SAM.replace("Next: Shipp", "Next: Ship"));
    c.shutdown();
}

const CFN: &str = r#"{
  "Resources": {
    "Flow": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}, \"C\": {\"Type\": \"Fail\"}}}"
      }
    }
  }
}
"#;

#[test]
fn template_with_a_definition_string() {
    let mut c = Client::start();
    let uri = "file:///tmp/template.json";
    c.open(uri, "json", CFN);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(codes(&diags), ["ASL205"]);
    // `\"C\"` in the string, escapes included.
    assert_eq!(diags[0]["range"], range(5, 141, 5, 146));

    // `"Next": "B"`: go to the key of B and find its references, through the escapes.
    let next_b = pos_of(CFN, r#"\"B\"}"#, 0, 2);
    let def = c.call("textDocument/definition", doc_pos(uri, next_b.clone()));
    assert_eq!(def, json!({"uri": uri, "range": range(5, 109, 5, 114)}));
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": next_b.clone(), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(refs, json!([{"uri": uri, "range": range(5, 101, 5, 106)}]));
    let prepared = c.call("textDocument/prepareRename", doc_pos(uri, next_b.clone()));
    assert_eq!(
        prepared,
        json!({"range": range(5, 103, 5, 104), "placeholder": "B"})
    );
    // Rename writes escaped quotes back into the string.
    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": next_b, "newName": "Done"}),
    );
    let renamed = apply(CFN, edit["changes"][uri].as_array().unwrap());
    assert_eq!(
        renamed,
        CFN.replace(r#"\"Next\": \"B\""#, r#"\"Next\": \"Done\""#)
            .replace(r#"\"B\": {"#, r#"\"Done\": {"#)
    );
    let hover = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(CFN, r#"\"Pass\""#, 0, 3)),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Pass state**"),
        "{hover}"
    );
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "Flow");
    let states: Vec<(&str, Value)> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["selectionRange"].clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("A", range(5, 63, 5, 68)),
            ("B", range(5, 109, 5, 114)),
            ("C", range(5, 141, 5, 146))
        ]
    );
    c.shutdown();
}

const YAML_TASK: &str = "StartAt: Call\nStates:\n  Call:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Parameters:\n      FunctionName: work\n      Payload.$: \"$\"\n    Next: Done\n    End: true\n  Done:\n    Type: Succeed\n";

#[test]
fn quick_fixes_that_add_and_remove_yaml_fields() {
    let mut c = Client::start();
    let uri = "file:///tmp/call.asl.yaml";
    c.open(uri, "yaml", YAML_TASK);
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["ASL704", "ASL105"]);
    // On the state name: the retrier AWS recommends, as block YAML under the task.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(2, 3, 2, 3), "context": {"diagnostics": []}}),
    );
    let retry = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Retry the transient Lambda errors")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let fixed = apply(YAML_TASK, retry["edit"]["changes"][uri].as_array().unwrap());
    assert_eq!(
        fixed,
        YAML_TASK.replace(
            "    End: true\n",
            "    End: true\n    Retry:\n      - ErrorEquals:\n          - Lambda.ServiceException\n          - Lambda.AWSLambdaException\n          - Lambda.SdkClientException\n          - Lambda.TooManyRequestsException\n        IntervalSeconds: 1\n        MaxAttempts: 3\n        BackoffRate: 2\n        JitterStrategy: FULL\n"
        )
    );
    c.change(uri, 2, json!([{"text": fixed}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), ["ASL105"]);
    // On `End`: remove its line.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(9, 5, 9, 5), "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "Remove \"End\"", "{actions:#?}");
    let fixed = apply(
        &fixed,
        actions[0]["edit"]["changes"][uri].as_array().unwrap(),
    );
    assert!(!fixed.contains("End: true"), "{fixed}");
    c.change(uri, 3, json!([{"text": fixed}]));
    assert!(codes(&c.diagnostics(uri, 3)).is_empty());
    c.shutdown();
}

#[test]
fn state_graph_as_svg() {
    let mut c = Client::start();
    let uri = "file:///tmp/graph.asl.json";
    let text = r#"{"StartAt": "Check", "States": {
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Enrol"}], "Default": "Cancel"},
  "Enrol": {"Type": "Succeed"},
  "Cancel": {"Type": "Fail"}}}"#;
    c.open(uri, "json", text);
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [uri]}),
    );
    let svg = drawn["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    for name in ["Check", "Enrol", "Cancel"] {
        assert!(svg.contains(&format!("data-name=\"{name}\"")), "{name}");
    }
    assert!(svg.contains(">$.ok == true</text>"), "{svg}");
    assert_eq!(drawn["error"], Value::Null);
    assert_eq!(drawn["definitions"], json!([]));

    // A template: every state machine is named, the one asked for is drawn.
    let template = "Resources:\n  First:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  Second:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: B\n        States:\n          B: {Type: Fail}\n";
    let t_uri = "file:///tmp/template.yaml";
    c.open(t_uri, "yaml", template);
    let first = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [t_uri]}),
    );
    assert_eq!(first["definitions"], json!(["First", "Second"]));
    assert!(first["svg"].as_str().unwrap().contains("data-name=\"A\""));
    let second = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [t_uri, "Second"]}),
    );
    assert!(second["svg"].as_str().unwrap().contains("data-name=\"B\""));

    // A document with nothing to draw gets a message, not a failure.
    let empty = "file:///tmp/empty.asl.json";
    c.open(empty, "json", "{\"StartAt\": \"A\", \"States\": {}}");
    let none = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [empty]}),
    );
    assert_eq!(none["svg"], Value::Null);
    assert_eq!(none["error"], "the definition has no states");
    // Unknown commands and documents are errors.
    let bad = c.request(
        "workspace/executeCommand",
        json!({"command": "asl-lint.other", "arguments": [uri]}),
    );
    assert!(bad.get("error").is_some());
    let closed = c.request(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": ["file:///tmp/not-open.json"]}),
    );
    assert!(closed.get("error").is_some());
}

#[test]
fn expand_selection_steps_out_through_the_tree() {
    let mut c = Client::start();
    let uri = "file:///tmp/select.asl.json";
    let text = "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}";
    c.open(uri, "json", text);
    // Inside "Pass".
    let at = pos_of(text, "Pass", 0, 2);
    let answer = c.call(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [at]}),
    );
    let mut chain = Vec::new();
    let mut node = &answer[0];
    while !node.is_null() {
        let r = &node["range"];
        chain.push((
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["character"].as_u64().unwrap(),
            r["end"]["line"].as_u64().unwrap(),
            r["end"]["character"].as_u64().unwrap(),
        ));
        node = &node["parent"];
    }
    assert_eq!(
        chain,
        [
            (1, 27, 1, 31), // Pass
            (1, 26, 1, 32), // "Pass"
            (1, 18, 1, 32), // "Type": "Pass"
            (1, 17, 1, 46), // the state
            (1, 12, 1, 46), // "A": {...}
            (1, 11, 1, 47), // the States object
            (1, 1, 1, 47),  // "States": {...}
            (0, 0, 1, 48),  // the document
        ]
    );
    // Past the end of the document (a line it does not have, then past its last
    // line's end, after a trailing newline): the end of the document.
    c.change(uri, 2, json!([{"text": format!("{text}\n")}]));
    let answer = c.call(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [pos(999, 3), pos(2, 7)]}),
    );
    assert_eq!(
        answer,
        json!([{"range": range(2, 0, 2, 0)}, {"range": range(2, 0, 2, 0)}])
    );
}

#[test]
fn call_hierarchy_follows_transitions_and_branches() {
    let mut c = Client::start();
    let uri = "file:///tmp/ticket.asl.yaml";
    let text = "StartAt: Open
States:
  Open:
    Type: Pass
    Next: Triage
  Triage:
    Type: Choice
    Choices:
      - Variable: $.urgent
        BooleanEquals: true
        Next: Escalate
    Default: Work
  Work:
    Type: Parallel
    Branches:
      - StartAt: Assign
        States:
          Assign:
            Type: Pass
            End: true
    Next: Escalate
  Escalate:
    Type: Succeed
";
    c.open(uri, "asl-yaml", text);
    assert_eq!(codes(&c.diagnostics(uri, 1)), Vec::<String>::new());
    // Prepared from a transition, the item is the state it names.
    let items = c.call(
        "textDocument/prepareCallHierarchy",
        doc_pos(uri, pos(10, 16)),
    );
    let escalate = json!({
        "name": "Escalate", "kind": 14, "detail": "Succeed", "uri": uri,
        "range": range(21, 2, 22, 17), "selectionRange": range(21, 2, 21, 10)
    });
    assert_eq!(items, json!([escalate]));
    let incoming = c.call("callHierarchy/incomingCalls", json!({"item": escalate}));
    let caller = |name: &str, kind: u32, detail: &str, r: Value, sel: Value| json!({"name": name, "kind": kind, "detail": detail, "uri": uri, "range": r, "selectionRange": sel});
    let triage = caller(
        "Triage",
        10,
        "Choice",
        range(5, 2, 11, 17),
        range(5, 2, 5, 8),
    );
    let work = caller(
        "Work",
        3,
        "Parallel",
        range(12, 2, 20, 18),
        range(12, 2, 12, 6),
    );
    assert_eq!(
        incoming,
        json!([
            {"from": triage, "fromRanges": [range(10, 14, 10, 22)]},
            {"from": work, "fromRanges": [range(20, 10, 20, 18)]}
        ])
    );
    // Outgoing calls of the Parallel state: the first state of its branch, then its Next.
    let outgoing = c.call("callHierarchy/outgoingCalls", json!({"item": work}));
    let assign = caller(
        "Assign",
        19, // OBJECT: a Pass state
        "Pass in branch 1 of \"Work\"",
        range(17, 10, 19, 21),
        range(17, 10, 17, 16),
    );
    assert_eq!(
        outgoing,
        json!([
            {"to": assign, "fromRanges": [range(15, 17, 15, 23)]},
            {"to": escalate, "fromRanges": [range(20, 10, 20, 18)]}
        ])
    );
    // And back up: the branch's first state is called by its Parallel state.
    let up = c.call("callHierarchy/incomingCalls", json!({"item": assign}));
    assert_eq!(
        up,
        json!([{"from": work, "fromRanges": [range(15, 17, 15, 23)]}])
    );
    // Not on a state name: no hierarchy.
    let none = c.call(
        "textDocument/prepareCallHierarchy",
        doc_pos(uri, pos(3, 10)),
    );
    assert_eq!(none, Value::Null);
    c.shutdown();
}

/// In a file that a template names, a `${Name}` transition calls the state the
/// template's substitution names, as references read it.
#[test]
fn call_hierarchy_follows_placeholder_transitions() {
    let guard = temp_dir("hierarchy-placeholder");
    let dir = guard.path().canonicalize().unwrap();
    let def = NEXT_STEP;
    let (def_uri, template_uri, template) = deploy(&dir, "flow.asl.json", def);
    let mut c = Client::start();
    c.open(&template_uri, "yaml", &template);
    c.diagnostics(&template_uri, 1);
    c.open(&def_uri, "json", def);
    c.diagnostics(&def_uri, 1);
    // Prepared from the token: the state it reaches.
    let items = c.call(
        "textDocument/prepareCallHierarchy",
        doc_pos(&def_uri, pos(3, 40)),
    );
    assert_eq!(items[0]["name"], "Finish");
    assert_eq!(items[0]["selectionRange"], range(4, 4, 4, 12));
    let finish = items[0].clone();
    let incoming = c.call("callHierarchy/incomingCalls", json!({"item": finish}));
    assert_eq!(incoming.as_array().unwrap().len(), 1, "{incoming}");
    assert_eq!(incoming[0]["from"]["name"], "Go");
    assert_eq!(incoming[0]["fromRanges"], json!([range(3, 35, 3, 48)]));
    let go = incoming[0]["from"].clone();
    let outgoing = c.call("callHierarchy/outgoingCalls", json!({"item": go}));
    assert_eq!(outgoing.as_array().unwrap().len(), 1, "{outgoing}");
    assert_eq!(outgoing[0]["to"], finish);
    assert_eq!(outgoing[0]["fromRanges"], json!([range(3, 35, 3, 48)]));
    c.shutdown();
}

/// Semantic tokens decoded from LSP's relative encoding into absolute
/// `(line, character, length, type, modifiers)`.
fn decode_tokens(data: &Value) -> Vec<(u64, u64, u64, u64, u64)> {
    let numbers: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let (mut line, mut start) = (0, 0);
    numbers
        .chunks(5)
        .map(|t| {
            if t[0] > 0 {
                start = 0;
            }
            line += t[0];
            start += t[1];
            (line, start, t[2], t[3], t[4])
        })
        .collect()
}

#[test]
fn semantic_tokens_color_state_names_and_embedded_languages() {
    let mut c = Client::start();
    let yaml_tokens = {
        let uri = "file:///tmp/tokens.asl.yaml";
        // A multi-line JSONata block scalar, and a non-ASCII state name before a path
        // (UTF-16 columns).
        let text = "QueryLanguage: JSONata\nStartAt: Prüfen\nStates:\n  Prüfen:\n    Type: Pass\n    Output: |-\n      {% $count(\n      $states.input) %}\n    End: true\n";
        c.open(uri, "asl-yaml", text);
        c.diagnostics(uri, 1);
        let result = c.call(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        );
        decode_tokens(&result["data"])
    };
    // (types: 0 type, 1 property, 2 variable, 3 function, 9 macro; modifiers: 1
    // declaration, 2 default library)
    assert_eq!(
        yaml_tokens,
        [
            (1, 9, 6, 0, 0),  // StartAt: Prüfen
            (3, 2, 6, 0, 1),  // the state's key
            (6, 6, 2, 9, 0),  // {%
            (6, 9, 6, 3, 2),  // $count
            (7, 6, 7, 2, 2),  // $states
            (7, 14, 5, 1, 0), // input
            (7, 21, 2, 9, 0), // %}
        ]
    );
    let uri = "file:///tmp/tokens.asl.json";
    let text = "{\"StartAt\": \"Ünit\", \"States\": {\"Ünit\": {\"Type\": \"Pass\", \"Parameters\": {\"v.$\": \"$.ä\"}, \"End\": true}}}";
    c.open(uri, "asl", text);
    c.diagnostics(uri, 1);
    let result = c.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        decode_tokens(&result["data"]),
        [
            (0, 13, 4, 0, 0),
            (0, 32, 4, 0, 1),
            (0, 79, 1, 2, 0), // $ (bytes would say 81)
            (0, 81, 1, 1, 0), // ä
        ]
    );
    c.shutdown();
}

#[test]
fn inlay_hints_show_durations_and_retry_waits() {
    let mut c = Client::start();
    let uri = "file:///tmp/escalate.asl.yaml";
    let text = "StartAt: Wait for reply
States:
  Wait for reply:
    Type: Wait
    Seconds: 86400
    Next: Escalate
  Escalate:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Arguments:
      FunctionName: escalate
    QueryLanguage: JSONata
    Retry:
      - ErrorEquals: [Lambda.TooManyRequestsException]
        IntervalSeconds: 2
        MaxAttempts: 4
    End: true
";
    c.open(uri, "asl-yaml", text);
    c.diagnostics(uri, 1);
    let hints = c.call(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 17, 0)}),
    );
    assert_eq!(
        hints,
        json!([
            {"position": pos(4, 18), "label": "= 1 day", "tooltip": "Seconds: 86400 seconds", "paddingLeft": true},
            {"position": pos(15, 22), "label": "retries after 2 s, 4 s, 8 s, 16 s",
             "tooltip": "the wait before each retry: IntervalSeconds × BackoffRate per retry, capped by MaxDelaySeconds; 30 s in all before the last retry",
             "paddingLeft": true}
        ])
    );
    // Only the hints in the range asked for.
    let first = c.call(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 6, 0)}),
    );
    assert_eq!(first.as_array().unwrap().len(), 1);
    c.shutdown();
}

/// A Terraform file with a heredoc definition (a typo in a Next) and a `jsonencode` one
/// (an unknown Next).
const TF_MAIN: &str = r#"resource "aws_sfn_state_machine" "orders" {
  name       = "orders"
  role_arn   = aws_iam_role.sfn.arn
  definition = <<EOF
{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Pass", "Next": "Shipp"},
    "Ship": {"Type": "Succeed"}
  }
}
EOF
}

resource "aws_sfn_state_machine" "encoded" {
  name       = "encoded"
  role_arn   = aws_iam_role.sfn.arn
  definition = jsonencode({
    StartAt = "Wait"
    States = {
      Wait = { Type = "Wait", Seconds = 5, Next = "Gone" }
    }
  })
}
"#;

/// (code, range, message) of each diagnostic.
fn described(diags: &[Value]) -> Vec<(String, Value, String)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"].clone(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn terraform_heredoc_and_jsonencode_definitions() {
    let mut c = Client::start();
    let uri = "file:///tmp/asl-lint-tf/main.tf";
    c.open(uri, "terraform", TF_MAIN);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(
        described(&diags),
        [
            (
                "ASL201".to_string(),
                range(7, 38, 7, 45),
                "Next names \"Shipp\", which is not a state of the top level\nhelp: did you mean \"Ship\"?".to_string()
            ),
            (
                "ASL205".to_string(),
                range(8, 4, 8, 10),
                "state \"Ship\" is not reachable from StartAt\nhelp: no Next, Choice rule, Default or Catch of a reachable state leads here".to_string()
            ),
            (
                "ASL201".to_string(),
                range(20, 50, 20, 56),
                "Next names \"Gone\", which is not a state of the top level".to_string()
            ),
        ]
    );

    // The heredoc's typo has the quick fix `check --fix` applies, at its place in the file.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(7, 40, 7, 40), "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "ASL201");
    // The did-you-mean is the one fix that edits: the preferred one, for "auto fix".
    assert_eq!(actions[0]["isPreferred"], true);
    // The other adds the missing state, for the author to fill in.
    assert_eq!(actions[1]["title"], "Add a Pass state \"Shipp\"");
    assert_eq!(actions[1]["isPreferred"], false);
    let fixed = apply(
        TF_MAIN,
        actions[0]["edit"]["changes"][uri].as_array().unwrap(),
    );
    assert_eq!(
        fixed,
        TF_MAIN.replace("\"Next\": \"Shipp\"", "\"Next\": \"Ship\"")
    );
    // The jsonencode one has none: the rule's fixes are JSON edits, the text is HCL.
    let actions = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(20, 52, 20, 52), "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, json!([]));

    // Inside the heredoc: the JSON analyses, at the file's positions.
    let hover = c.call(
        "textDocument/hover",
        doc_pos(uri, pos_of(TF_MAIN, "\"Pass\"", 0, 2)),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Pass state**"),
        "{hover}"
    );
    assert_eq!(hover["range"], range(7, 22, 7, 28));
    let def = c.call(
        "textDocument/definition",
        doc_pos(uri, pos_of(TF_MAIN, "\"Check\",", 0, 2)),
    );
    assert_eq!(def, json!({"uri": uri, "range": range(7, 4, 7, 11)}));
    let items = c.call(
        "textDocument/completion",
        doc_pos(uri, pos_of(TF_MAIN, "\"Shipp\"", 0, 1)),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Check", "Ship"]);
    let edit = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos_of(TF_MAIN, "\"Check\": {", 0, 1), "newName": "Validate"}),
    );
    assert_eq!(
        apply(TF_MAIN, edit["changes"][uri].as_array().unwrap()),
        TF_MAIN.replace("\"Check\"", "\"Validate\"")
    );

    // HCL (and the HCL of jsonencode) is not JSON: no answers there, rather than wrong ones.
    for at in [
        pos_of(TF_MAIN, "role_arn", 0, 2),
        pos_of(TF_MAIN, "Type = \"Wait\"", 0, 1),
        pos_of(TF_MAIN, "\"Gone\"", 0, 1),
    ] {
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/prepareRename",
            "textDocument/signatureHelp",
        ] {
            assert_eq!(
                c.call(method, doc_pos(uri, at.clone())),
                Value::Null,
                "{method} at {at}"
            );
        }
    }
    // Formatting, folding and coloring stay with the editor's Terraform support.
    assert_eq!(c.format(uri, 2, true), Value::Null);
    for method in [
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
    ] {
        assert_eq!(
            c.call(method, json!({"textDocument": {"uri": uri}})),
            Value::Null
        );
    }

    // The outline: each state machine by its resource, holding its states.
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    type Named<'a> = (&'a str, Value);
    let outline: Vec<(Named<'_>, Vec<Named<'_>>)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                (s["name"].as_str().unwrap(), s["selectionRange"].clone()),
                s["children"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| (c["name"].as_str().unwrap(), c["selectionRange"].clone()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            (
                ("aws_sfn_state_machine.orders", range(0, 33, 0, 41)),
                vec![("Check", range(7, 4, 7, 11)), ("Ship", range(8, 4, 8, 10))]
            ),
            (
                ("aws_sfn_state_machine.encoded", range(14, 33, 14, 42)),
                vec![("Wait", range(20, 6, 20, 10))]
            ),
        ]
    );
    assert_eq!(symbols[0]["range"], range(0, 0, 12, 1));

    // The graph of either state machine.
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [uri]}),
    );
    assert_eq!(
        drawn["definitions"],
        json!([
            "aws_sfn_state_machine.orders",
            "aws_sfn_state_machine.encoded"
        ])
    );
    assert!(
        drawn["svg"]
            .as_str()
            .unwrap()
            .contains("data-name=\"Check\"")
    );
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [uri, "aws_sfn_state_machine.encoded"]}),
    );
    assert!(
        drawn["svg"]
            .as_str()
            .unwrap()
            .contains("data-name=\"Wait\"")
    );

    // Fixing the typo by hand clears the heredoc's diagnostics.
    c.change(uri, 2, json!([{"range": range(7, 43, 7, 44), "text": ""}]));
    assert_eq!(
        codes(&c.diagnostics(uri, 2)),
        ["ASL201"],
        "the jsonencode one stays"
    );
    c.shutdown();
}

#[test]
fn terraform_templatefile_links_and_reports_a_missing_file() {
    let guard = temp_dir("terraform");
    let dir = guard.path().to_path_buf();
    std::fs::write(
        dir.join("flow.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let dir = dir.canonicalize().unwrap();
    let text = "resource \"aws_sfn_state_machine\" \"flow\" {\n  definition = templatefile(\"${path.module}/flow.asl.json\", { Name = \"x\" })\n}\n\nresource \"aws_sfn_state_machine\" \"gone\" {\n  definition = templatefile(\"${path.module}/gone.asl.json\", {})\n}\n";
    let uri = format!("file://{}/main.tf", dir.display());
    let mut c = Client::start();
    // VS Code without a Terraform extension: the language is plain text, the name says .tf.
    c.open(&uri, "plaintext", text);
    assert_eq!(
        described(&c.diagnostics(&uri, 1)),
        [(
            "ASL802".to_string(),
            range(5, 28, 5, 58),
            // Looked for beside the .tf file, as `check` does.
            "the definition of \"aws_sfn_state_machine.gone\" names `gone.asl.json`, which does not exist\nhelp: did you mean `flow.asl.json`?".to_string()
        )]
    );
    let links = c.call(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        links,
        json!([{
            "range": range(1, 29, 1, 57),
            "target": format!("file://{}/flow.asl.json", dir.display()),
            "tooltip": "Open the state machine definition"
        }])
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The outline of a Terraform file lists a state machine whose definition is read from a
/// file (`templatefile`, `file`), with one entry at the file's path.
#[test]
fn terraform_outline_lists_machines_read_from_files() {
    let mut c = Client::start();
    let uri = "file:///tmp/asl-lint-tf-outline/main.tf";
    let text = "resource \"aws_sfn_state_machine\" \"flow\" {\n  definition = templatefile(\"${path.module}/flow.asl.json\", { Name = \"x\" })\n}\nresource \"aws_sfn_state_machine\" \"plain\" {\n  definition = file(\"plain.json\")\n}\n";
    c.open(uri, "terraform", text);
    c.diagnostics(uri, 1);
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        symbols,
        json!([
            {
                "name": "aws_sfn_state_machine.flow",
                "detail": "definition: flow.asl.json",
                "kind": 5,
                "range": range(0, 0, 2, 1),
                "selectionRange": range(0, 33, 0, 39),
                "children": [{
                    "name": "flow.asl.json",
                    "detail": "templatefile",
                    "kind": 1,
                    "range": range(1, 28, 1, 58),
                    "selectionRange": range(1, 29, 1, 57),
                    "children": []
                }]
            },
            {
                "name": "aws_sfn_state_machine.plain",
                "detail": "definition: plain.json",
                "kind": 5,
                "range": range(3, 0, 5, 1),
                "selectionRange": range(3, 33, 3, 40),
                "children": [{
                    "name": "plain.json",
                    "detail": "file",
                    "kind": 1,
                    "range": range(4, 20, 4, 32),
                    "selectionRange": range(4, 21, 4, 31),
                    "children": []
                }]
            }
        ])
    );
    c.shutdown();
}

/// The graph of a state machine whose definition is another file (SAM `DefinitionUri`,
/// Terraform `templatefile`) is drawn from that file, with the values the template
/// gives; every state machine is listed, inline or not.
#[test]
fn graph_of_a_definition_in_another_file() {
    let guard = temp_dir("graph-files");
    let dir = guard.path().to_path_buf();
    std::fs::write(
        dir.join("asl-lint.toml"),
        "[placeholders]\nvalues = { Then = \"Escalate\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("flow.asl.json"),
        r#"{"StartAt": "Open", "States": {"Open": {"Type": "Pass", "Next": "${Then}"}, "Escalate": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let dir = dir.canonicalize().unwrap();
    let mut c = Client::start();
    let template = "Resources:\n  Inline:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  FromFile:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n      DefinitionSubstitutions:\n        Then: Escalate\n";
    let t_uri = format!("file://{}/template.yaml", dir.display());
    c.open(&t_uri, "yaml", template);
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [t_uri, "FromFile"]}),
    );
    assert_eq!(drawn["definitions"], json!(["Inline", "FromFile"]));
    assert_eq!(drawn["error"], Value::Null);
    let svg = drawn["svg"].as_str().unwrap();
    assert!(
        svg.contains("data-name=\"Open\"") && svg.contains("data-name=\"Escalate\""),
        "{svg}"
    );
    // `${Then}` is "Escalate": the state is reachable, so not drawn as unreachable.
    assert!(
        svg.contains("class=\"state succeed\" data-name=\"Escalate\""),
        "{svg}"
    );
    let tf = "resource \"aws_sfn_state_machine\" \"flow\" {\n  definition = templatefile(\"${path.module}/flow.asl.json\", { Then = \"Escalate\" })\n}\n";
    let tf_uri = format!("file://{}/main.tf", dir.display());
    c.open(&tf_uri, "terraform", tf);
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [tf_uri]}),
    );
    assert_eq!(drawn["definitions"], json!(["aws_sfn_state_machine.flow"]));
    assert!(
        drawn["svg"]
            .as_str()
            .unwrap()
            .contains("data-name=\"Escalate\""),
        "{drawn}"
    );
    // The file itself, opened: drawn as the template deploys it (`${Then}` is
    // Escalate), as it is linted; no state drawn unreachable.
    c.diagnostics(&t_uri, 1);
    let f_uri = format!("file://{}/flow.asl.json", dir.display());
    let flow = std::fs::read_to_string(dir.join("flow.asl.json")).unwrap();
    c.open(&f_uri, "json", &flow);
    assert_eq!(c.diagnostics(&f_uri, 1), Vec::<Value>::new());
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [f_uri]}),
    );
    let svg = drawn["svg"].as_str().unwrap();
    assert!(
        svg.contains("class=\"state succeed\" data-name=\"Escalate\""),
        "{svg}"
    );
    // A definition no template names takes its asl-lint.toml's values.
    let a_uri = format!("file://{}/alone.asl.json", dir.display());
    c.open(&a_uri, "json", &flow);
    assert_eq!(c.diagnostics(&a_uri, 1), Vec::<Value>::new());
    let drawn = c.call(
        "workspace/executeCommand",
        json!({"command": "asl-lint.graph", "arguments": [a_uri]}),
    );
    let svg = drawn["svg"].as_str().unwrap();
    assert!(
        svg.contains("class=\"state succeed\" data-name=\"Escalate\""),
        "{svg}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn terraform_without_state_machines_and_half_typed() {
    let mut c = Client::start();
    let plain = "file:///tmp/asl-lint-tf/lambda.tf";
    let text = "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  definition    = <<EOF\n{\"StartAt\": \"A\"}\nEOF\n}\n";
    c.open(plain, "terraform", text);
    assert_eq!(c.diagnostics(plain, 1), Vec::<Value>::new());
    assert_eq!(
        c.call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": plain}})
        ),
        json!([])
    );

    // Typed one character at a time: an unterminated heredoc, unbalanced braces and
    // strings on the way. Every version is linted and answered.
    let uri = "file:///tmp/asl-lint-tf/typing.tf";
    let full = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = <<-EOT\n    {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n    EOT\n}\nresource \"aws_sfn_state_machine\" \"y\" {\n  definition = jsonencode({ StartAt = \"B\", States = { B = { Type = \"Fail\" } } })\n}\n";
    c.open(uri, "hcl", "");
    assert_eq!(c.diagnostics(uri, 1), Vec::<Value>::new());
    let mut typed = String::new();
    for (version, ch) in (2..).zip(full.chars()) {
        let at = pos_of(&format!("{typed}|"), "|", 0, 0);
        typed.push(ch);
        c.change(
            uri,
            version,
            json!([{"range": {"start": at.clone(), "end": at.clone()}, "text": ch.to_string()}]),
        );
        if version % 7 == 0 {
            let _ = c.call("textDocument/hover", doc_pos(uri, at.clone()));
            let _ = c.call("textDocument/completion", doc_pos(uri, at));
            let _ = c.call(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            );
        }
    }
    let last = full.chars().count() as i64 + 1;
    assert_eq!(c.diagnostics(uri, last), Vec::<Value>::new());
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["aws_sfn_state_machine.x", "aws_sfn_state_machine.y"]
    );
    c.shutdown();
}

#[test]
fn fix_all_applies_every_safe_fix_at_once() {
    let text = r#"{
  "StartAt": "Wait",
  "States": {
    "Wait": {"Type": "Wait", "Seconds": "10", "Next": "Pick"},
    "Pick": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.n", "NumericGreaterThan": "5", "Next": "Done"}],
      "Default": "Dne"
    },
    "Done": {"Type": "Succeed"}
  }
}
"#;
    let mut c = Client::start();
    let uri = "file:///tmp/fix-all.asl.json";
    c.open(uri, "json", text);
    assert_eq!(
        codes(&c.diagnostics(uri, 1)),
        ["ASL113", "ASL113", "ASL203"]
    );
    let ask = |c: &mut Client, only: Value| {
        c.call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0),
                   "context": {"diagnostics": [], "only": only}}),
        )
    };
    // What VS Code asks on save with `source.fixAll` (and `source` covers it too).
    for only in [json!(["source.fixAll"]), json!(["source"])] {
        let actions = ask(&mut c, only);
        let actions = actions.as_array().unwrap();
        assert_eq!(actions.len(), 1, "{actions:#?}");
        assert_eq!(actions[0]["kind"], "source.fixAll.asl-lint");
        assert_eq!(
            actions[0]["title"],
            "Fix all auto-fixable problems (2 fixes)"
        );
        let edits = actions[0]["edit"]["changes"][uri].as_array().unwrap();
        // One edit, from the first change to the last: not the whole document.
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0]["range"]["start"], pos(3, 40));
        assert_eq!(edits[0]["range"]["end"], pos(6, 63));
        // The did-you-mean rename of "Dne" is unsafe: left for the quick fix.
        assert_eq!(
            apply(text, edits),
            text.replace("\"Seconds\": \"10\"", "\"Seconds\": 10")
                .replace("\"NumericGreaterThan\": \"5\"", "\"NumericGreaterThan\": 5")
        );
    }
    // Quick fixes only: no fix-all among them.
    let actions = ask(&mut c, json!(["quickfix"]));
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] == "quickfix")
    );
    // Nothing to fix: no action.
    let fixed = text
        .replace("\"Seconds\": \"10\"", "\"Seconds\": 10")
        .replace("\"NumericGreaterThan\": \"5\"", "\"NumericGreaterThan\": 5");
    c.change(uri, 2, json!([{"text": fixed}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), ["ASL203"]);
    assert_eq!(ask(&mut c, json!(["source.fixAll"])), json!([]));
    c.shutdown();
}

#[test]
fn code_lenses_offer_the_commands_the_client_runs() {
    let template = "Resources:\n  First:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  Second:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: second.asl.json\n";
    let t_uri = "file:///tmp/lens/template.yaml";
    let d_uri = "file:///tmp/lens/one.asl.json";
    let lenses = |c: &mut Client, uri: &str| -> Vec<(Value, String, Value)> {
        let got = c.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        got.as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let cmd = &l["command"];
                assert_eq!(cmd["arguments"][0], uri);
                (
                    l["range"]["start"].clone(),
                    format!("{} {}", cmd["title"].as_str().unwrap(), cmd["command"]),
                    cmd["arguments"][1].clone(),
                )
            })
            .collect()
    };

    // A client that runs both commands gets both above each state machine.
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"clientCommands": ["aslLint.showGraph", "aslLint.simulate", "other.command"]}
    }));
    c.open(t_uri, "yaml", template);
    c.open(
        d_uri,
        "json",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
    );
    assert_eq!(
        lenses(&mut c, t_uri),
        vec![
            (
                pos(4, 6),
                "Show graph \"aslLint.showGraph\"".into(),
                json!("First")
            ),
            (
                pos(4, 6),
                "Simulate \"aslLint.simulate\"".into(),
                json!("First")
            ),
            (
                pos(11, 6),
                "Show graph \"aslLint.showGraph\"".into(),
                json!("Second")
            ),
            (
                pos(11, 6),
                "Simulate \"aslLint.simulate\"".into(),
                json!("Second")
            ),
        ]
    );
    assert_eq!(
        lenses(&mut c, d_uri),
        vec![
            (
                pos(0, 0),
                "Show graph \"aslLint.showGraph\"".into(),
                Value::Null
            ),
            (
                pos(0, 0),
                "Simulate \"aslLint.simulate\"".into(),
                Value::Null
            ),
        ]
    );

    // On a top-level state's name, a code action runs the workflow from that state.
    let simulate_from = |c: &mut Client, uri: &str, at: Value| -> Vec<Value> {
        let got = c.call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                   "context": {"diagnostics": []}}),
        );
        got.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["command"]["command"] == "aslLint.simulate")
            .map(|a| json!([a["title"], a["command"]["arguments"]]))
            .collect()
    };
    assert_eq!(
        simulate_from(&mut c, t_uri, pos(7, 10)),
        vec![json!(["Simulate from \"A\"", [t_uri, "First", "A"]])]
    );
    assert_eq!(
        simulate_from(&mut c, d_uri, pos(0, 30)),
        vec![json!(["Simulate from \"A\"", [d_uri, null, "A"]])]
    );
    // It is no quick fix: a client asking for quick fixes only does not get it.
    let quick = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": d_uri}, "range": {"start": pos(0, 30), "end": pos(0, 30)},
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    assert!(
        quick
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] == "quickfix"),
        "{quick}"
    );
    // Not on a state's name (here the StartAt value): none.
    assert_eq!(
        simulate_from(&mut c, d_uri, pos(0, 13)),
        Vec::<Value>::new()
    );

    // A client that names only one command gets only that one; one that names none gets
    // no lens whose command it could not run.
    let mut c = Client::start_with(json!({
        "processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"clientCommands": ["aslLint.showGraph"]}
    }));
    c.open(t_uri, "yaml", template);
    assert_eq!(
        lenses(&mut c, t_uri)
            .into_iter()
            .map(|l| l.1)
            .collect::<Vec<_>>(),
        vec![
            "Show graph \"aslLint.showGraph\"",
            "Show graph \"aslLint.showGraph\""
        ]
    );
    assert_eq!(
        simulate_from(&mut c, t_uri, pos(7, 10)),
        Vec::<Value>::new()
    );
    let mut c = Client::start();
    c.open(t_uri, "yaml", template);
    assert_eq!(lenses(&mut c, t_uri), vec![]);
}

/// A request's work on a document runs off the message loop, which reads on: the client
/// can cancel a request still working (RequestCancelled, without its result), and a
/// request for a version the client has already changed is answered ContentModified
/// (its ranges would point into a text the editor no longer shows), while the one
/// sent after the change gets its answer.
#[test]
fn cancelled_and_outdated_requests_are_answered_without_their_result() {
    let mut c = Client::start();
    let uri = "file:///tmp/large.asl.json";
    let states: Vec<String> = (0..4000)
        .map(|i| format!("\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}", i + 1))
        .collect();
    let text = format!(
        "{{\"StartAt\": \"S0\", \"States\": {{{}, \"S4000\": {{\"Type\": \"Succeed\"}}}}}}",
        states.join(", ")
    );
    c.open(uri, "asl", &text);
    c.diagnostics(uri, 1);
    let answer = |c: &mut Client, id: i64| loop {
        let msg = c.recv(Instant::now() + TIMEOUT);
        if msg["id"] == id && msg.get("method").is_none() {
            return msg;
        }
        c.handle_other(msg);
    };
    let request = |id: i64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let options = json!({"tabSize": 2, "insertSpaces": true});
    // Formatting, cancelled right away.
    c.send_together(&[
        request(
            901,
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        ),
        json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 901}}),
    ]);
    let r = answer(&mut c, 901);
    let shown: String = r.to_string().chars().take(200).collect();
    assert_eq!(r["error"]["code"], -32800, "{shown}");
    // A completion inside `"Pass"` of the last Pass state, an edit, the completion again.
    let at = pos_of(&text, "\"Pass\"", 3999, 1);
    let edit = json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": at, "end": at}, "text": " "}]
    });
    c.send_together(&[
        request(902, "textDocument/completion", doc_pos(uri, at.clone())),
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": edit}),
        request(903, "textDocument/completion", doc_pos(uri, at.clone())),
    ]);
    let r = answer(&mut c, 902);
    assert_eq!(r["error"]["code"], -32801, "{r}");
    let r = answer(&mut c, 903);
    let labels: Vec<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Succeed"), "{labels:?}");
    c.shutdown();
}
