//! What stands between the client and the LSP framework: every message read from the
//! client is checked and framed anew before the framework sees it.
//!
//! The framework stops serving at the first message it cannot decode: a body that is
//! not JSON, a lone UTF-16 surrogate escape in a document's text (`"\ud83d"`, which a
//! client can send for half an emoji), a `content-length` header in lower case or
//! header lines ended by LF alone, a batch, an `id` of `1.5`, a `method` of `5` (its
//! decoder ends the input at the first error, after answering it with an error of id
//! null). The editor then loses every feature without a word. Here headers are read
//! leniently, lone surrogates become U+FFFD, a batch is handed on one message at a
//! time, and what is still no JSON-RPC 2.0 message is left out, with a line on stderr
//! (which editors show in the server's log), and unanswered: the relay cannot write to
//! the client.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::ls_types::Uri;

/// The version of each open document in the latest `didOpen` or `didChange` the relay
/// passed on. The framework handles one message at a time, in order, so while a
/// request is handled, a version here that differs from the document's means a change
/// sent after the request is still waiting: the request is for a text the client has
/// already left.
#[derive(Default, Debug)]
pub struct Announced(Mutex<HashMap<Uri, i64>>);

impl Announced {
    /// The version last sent for `uri`, while it is open.
    pub fn version(&self, uri: &Uri) -> Option<i64> {
        self.lock().get(uri).copied()
    }

    /// Notes the version a message opens or changes a document at, or that it closes
    /// one.
    fn note(&self, message: &serde_json::Value) {
        let Some(method) = message.get("method").and_then(|m| m.as_str()) else {
            return;
        };
        let document = &message["params"]["textDocument"];
        let Some(uri) = document["uri"].as_str().and_then(|u| u.parse::<Uri>().ok()) else {
            return;
        };
        match (method, document["version"].as_i64()) {
            ("textDocument/didOpen" | "textDocument/didChange", Some(version)) => {
                self.lock().insert(uri, version);
            }
            ("textDocument/didClose", _) => {
                self.lock().remove(&uri);
            }
            _ => {}
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, i64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The largest message body passed on (a 512 MiB document is no editor's).
const MAX_BODY: usize = crate::files::MAX_BYTES as usize;

/// Copies messages from `input` (the client) to `output` (the framework) until the
/// client closes its end, then closes `output`.
/// Notes in `announced` the versions the client sends.
pub async fn relay(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    announced: &Announced,
) {
    let mut reader = BufReader::new(input);
    while let Some(body) = next_body(&mut reader).await {
        let messages = match clean(&body, announced) {
            Ok(messages) => messages,
            Err(why) => {
                eprintln!("asl-lint server: ignored a message from the client: {why}");
                continue;
            }
        };
        for message in messages {
            let header = format!("Content-Length: {}\r\n\r\n", message.len());
            let written = async {
                output.write_all(header.as_bytes()).await?;
                output.write_all(&message).await?;
                output.flush().await
            };
            if written.await.is_err() {
                return; // the framework has stopped
            }
        }
    }
    let _ = output.shutdown().await;
}

/// The body of the next message, `None` at the end of the input. A header block
/// without a usable `Content-Length` is skipped; so is a body over [`MAX_BODY`].
async fn next_body(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    loop {
        let mut length: Option<usize> = None;
        let mut any_header = false;
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).await.ok()? == 0 {
                return None;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if any_header {
                    break;
                }
                continue; // blank lines between messages
            }
            any_header = true;
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(length) = length else {
            eprintln!("asl-lint server: ignored a message without a Content-Length header");
            continue;
        };
        if length > MAX_BODY {
            eprintln!("asl-lint server: ignored a message of {length} bytes");
            let mut skip = reader.take(length as u64);
            tokio::io::copy(&mut skip, &mut tokio::io::sink())
                .await
                .ok()?;
            continue;
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.ok()?;
        return Some(body);
    }
}

/// The JSON-RPC 2.0 messages of one body, re-serialized, or why there are none.
fn clean(body: &[u8], announced: &Announced) -> Result<Vec<Vec<u8>>, String> {
    let text = String::from_utf8_lossy(body);
    let fixed = without_lone_surrogates(&text);
    // The body as it came, when nothing in it had to be repaired (the usual case).
    let intact = matches!(text, std::borrow::Cow::Borrowed(_))
        && matches!(fixed, std::borrow::Cow::Borrowed(_));
    let value: serde_json::Value =
        serde_json::from_str(&fixed).map_err(|e| format!("not JSON ({e})"))?;
    let items = match value {
        serde_json::Value::Array(items) if !items.is_empty() => items,
        serde_json::Value::Array(_) => return Err("an empty batch".into()),
        one => {
            if let Some(why) = json_rpc_problem(&one) {
                return Err(why);
            }
            announced.note(&one);
            return Ok(vec![if intact {
                body.to_vec()
            } else {
                serde_json::to_vec(&one).map_err(|e| e.to_string())?
            }]);
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match json_rpc_problem(&item) {
            None => {
                announced.note(&item);
                out.push(serde_json::to_vec(&item).map_err(|e| e.to_string())?);
            }
            Some(why) => eprintln!("asl-lint server: ignored a message from the client: {why}"),
        }
    }
    Ok(out)
}

/// Why `item` is no JSON-RPC 2.0 message the framework can take, if it is not.
fn json_rpc_problem(item: &serde_json::Value) -> Option<String> {
    let Some(object) = item.as_object() else {
        return Some("not a JSON object".into());
    };
    if object.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
        return Some("not JSON-RPC 2.0 (no \"jsonrpc\": \"2.0\")".into());
    }
    match object.get("method") {
        None | Some(serde_json::Value::String(_)) => {}
        Some(other) => return Some(format!("a method that is not a string: {other}")),
    }
    match object.get("id") {
        None | Some(serde_json::Value::Null | serde_json::Value::String(_)) => None,
        Some(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => None,
        Some(other) => Some(format!(
            "an id that is neither an integer nor a string: {other}"
        )),
    }
}

/// `text` (JSON) with each `\uXXXX` escape of a lone UTF-16 surrogate, one not paired
/// with its other half, replaced by `\uFFFD`: JSON parsers refuse them, and a client
/// may send half of an emoji.
fn without_lone_surrogates(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\u") && !text.contains("\\U") {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let escape_at = |i: usize| -> Option<u32> {
        let hex = text.get(i + 2..i + 6)?;
        (bytes.get(i) == Some(&b'\\') && matches!(bytes.get(i + 1), Some(b'u' | b'U')))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
    };
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(code) = escape_at(i) else {
            i += 2; // another escape, `\\` included
            continue;
        };
        let high = (0xD800..0xDC00).contains(&code);
        let low = (0xDC00..0xE000).contains(&code);
        if high && escape_at(i + 6).is_some_and(|c| (0xDC00..0xE000).contains(&c)) {
            i += 12; // a pair
        } else if high || low {
            out.push_str(&text[last..i]);
            out.push_str("\\uFFFD");
            i += 6;
            last = i;
        } else {
            i += 6;
        }
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relayed(input: &[u8]) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        runtime.block_on(relay(input, &mut out, &Announced::default()));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lenient_headers_and_clean_bodies() {
        let input = b"content-length: 17\n\n{\"jsonrpc\":\"2.0\"}Content-Length: 2\r\n\r\n{}";
        // The second is no JSON-RPC message: left out.
        assert_eq!(
            relayed(input),
            "Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}"
        );
    }

    #[test]
    fn what_the_framework_cannot_take_is_left_out_or_repaired() {
        let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#),
            frame(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            frame(r#"{"jsonrpc":"2.0","id":77,"method":5}"#),
            frame(r#"{"jsonrpc":"2.0","method":null}"#),
            frame(r#"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"b"}]"#),
            frame(r#"{"jsonrpc":"2.0","method":"t","params":{"text":"A\ud83d \ud83d\ude00 \\ud83d"}}"#),
        ]
        .concat();
        let expected = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"a"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"b"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"t","params":{"text":"A� 😀 \\ud83d"}}"#),
        ]
        .concat();
        assert_eq!(relayed(input.as_bytes()), expected);
    }

    #[test]
    fn the_versions_sent_are_noted_until_the_document_closes() {
        let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let doc = |uri: &str, version: i32| {
            format!(r#"{{"textDocument":{{"uri":"{uri}","version":{version},"text":""}}}}"#)
        };
        let input = [
            frame(&format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{}}}"#,
                doc("file:///a.json", 1)
            )),
            frame(&format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{}}}"#,
                doc("file:///b.json", 4)
            )),
            frame(&format!(
                r#"[{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{}}},{{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{}}}]"#,
                doc("file:///a.json", 2),
                doc("file:///b.json", 9)
            )),
            frame(r#"{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"file:///b.json"}}}"#),
        ]
        .concat();
        let announced = Announced::default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(relay(input.as_bytes(), &mut Vec::new(), &announced));
        let uri = |u: &str| u.parse::<Uri>().unwrap();
        assert_eq!(announced.version(&uri("file:///a.json")), Some(2));
        assert_eq!(announced.version(&uri("file:///b.json")), None);
    }

    #[test]
    fn lone_surrogates_only_are_replaced() {
        assert_eq!(without_lone_surrogates(r"a\ud83d"), r"a\uFFFD");
        assert_eq!(without_lone_surrogates(r"\udc00b"), r"\uFFFDb");
        assert_eq!(without_lone_surrogates(r"\ud83d\ude00"), r"\ud83d\ude00");
        assert_eq!(without_lone_surrogates(r"\\ud83d"), r"\\ud83d");
        assert_eq!(without_lone_surrogates(r"\u0041\n"), r"\u0041\n");
    }
}
