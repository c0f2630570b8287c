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
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "asl-lint");
        let caps = &init["result"]["capabilities"];
        assert_eq!(caps["positionEncoding"], "utf-16");
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
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
    #[allow(dead_code)]
    fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    fn handle_other(&mut self, msg: Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() {
            // A request from the server: answer it with null.
            let id = msg["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
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
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("src/rules/graph/unknown_next_state.rs")
    );
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
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": "file:///x.asl.json"}}),
    );
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("asl/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    c.shutdown();
}
