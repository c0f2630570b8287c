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
//! the client. After a frame whose `Content-Length` is wrong or missing, reading
//! starts again at the next `Content-Length` header ([`Frames`]). A document
//! notification whose params the framework would drop without a word is handed on
//! as a [`DROPPED`] notification instead, so that the server warns the client.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, Uri,
};

/// The notification the relay hands on in place of a document notification the
/// framework would drop without a word: [`Dropped`] tells the server to warn the client.
pub const DROPPED: &str = "asl-lint/dropped";

/// The params of a [`DROPPED`] notification.
#[derive(Debug, serde::Serialize, Deserialize)]
pub struct Dropped {
    /// The method of the message left out.
    pub method: String,
    /// The document it named, if it named one.
    pub uri: Option<String>,
    /// Why it was left out.
    pub why: String,
}

impl Dropped {
    /// The notification that stands for `message`, left out for `why`.
    fn notification(message: &serde_json::Value, why: String) -> Vec<u8> {
        let dropped = Dropped {
            method: message["method"].as_str().unwrap_or_default().to_string(),
            uri: message["params"]["textDocument"]["uri"]
                .as_str()
                .map(str::to_string),
            why,
        };
        let notification =
            serde_json::json!({"jsonrpc": "2.0", "method": DROPPED, "params": dropped});
        notification.to_string().into_bytes()
    }
}

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
    /// one; or, for such a message that the framework would drop for its params (a
    /// `"character"` of -1, a `"text"` of null), why, and notes nothing: no request
    /// waits for a change that is never applied.
    fn note(&self, message: &serde_json::Value) -> Result<(), String> {
        let Some(method) = message.get("method").and_then(|m| m.as_str()) else {
            return Ok(());
        };
        let params = message.get("params").unwrap_or(&serde_json::Value::Null);
        let unfit = match method {
            "textDocument/didOpen" => DidOpenTextDocumentParams::deserialize(params).err(),
            "textDocument/didChange" => DidChangeTextDocumentParams::deserialize(params).err(),
            "textDocument/didClose" => DidCloseTextDocumentParams::deserialize(params).err(),
            _ => return Ok(()),
        };
        if let Some(e) = unfit {
            return Err(format!("{method} with params that do not fit ({e})"));
        }
        let document = &params["textDocument"];
        let Some(uri) = document["uri"].as_str().and_then(|u| u.parse::<Uri>().ok()) else {
            return Ok(());
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
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, i64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The largest message body passed on (a 512 MiB document is no editor's).
const MAX_BODY: usize = crate::files::MAX_BYTES as usize;

/// The header that starts a message, as the reader looks for it (in lower case).
const LENGTH_HEADER: &[u8] = b"content-length:";

/// Copies messages from `input` (the client) to `output` (the framework) until the
/// client closes its end, then closes `output`.
/// Notes in `announced` the versions the client sends.
pub async fn relay(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    announced: &Announced,
) {
    let mut frames = Frames::new(input);
    while let Some(body) = frames.next_body().await {
        let messages = match clean(&body, announced) {
            Ok(messages) => messages,
            Err(Rejected { why, unframed }) => {
                eprintln!("asl-lint server: ignored a message from the client: {why}");
                if unframed {
                    // Most likely a wrong Content-Length: the next message may have
                    // been read as part of this one.
                    frames.read_again_from_header(body);
                }
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

/// The client's input cut into message bodies, by their headers.
///
/// A frame with a bad header (none, or no `Content-Length`, an unreadable, oversized
/// or ambiguous one) is left out, and so is everything after it up to the next line
/// that holds a `Content-Length` header, where reading starts again, even in the
/// middle of the line: a body shorter than its Content-Length said ends glued to the
/// next message's header. A body longer than said swallows the start of the next
/// message; [`Frames::read_again_from_header`] reads such a body again from the first
/// `Content-Length` in it.
struct Frames<R> {
    input: BufReader<R>,
    /// Bytes already read to be read again, before `input`, from `again_at` on.
    again: Vec<u8>,
    again_at: usize,
    /// Bytes skipped since the last frame, not yet reported.
    skipped: usize,
    /// The last frame was reported bad: what follows it up to the next header is
    /// part of that fault, not reported again.
    quiet: bool,
}

/// What a header block says.
enum Header {
    Length(usize),
    Bad(String),
}

impl<R: AsyncRead + Unpin> Frames<R> {
    fn new(input: R) -> Frames<R> {
        Frames {
            input: BufReader::new(input),
            again: Vec::new(),
            again_at: 0,
            skipped: 0,
            quiet: false,
        }
    }

    /// The body of the next message, `None` at the end of the input (or when it
    /// fails).
    async fn next_body(&mut self) -> Option<Vec<u8>> {
        loop {
            let header = self.next_header().await?;
            let length = match header {
                Header::Length(length) => length,
                Header::Bad(why) => {
                    eprintln!("asl-lint server: ignored a message from the client: {why}");
                    self.quiet = true;
                    continue;
                }
            };
            // Grown as the bytes come, not allocated up front for what the header says.
            let mut body = Vec::with_capacity(length.min(1 << 16));
            let cut = self.read_body(length, &mut body).await?;
            if cut {
                // Another message starts inside the body: the length said too much.
                eprintln!(
                    "asl-lint server: ignored a message from the client: the next one starts after {} of its {length} bytes",
                    body.len()
                );
                self.quiet = true;
                continue;
            }
            if body.len() < length {
                // The input ended inside the body: what it holds may still be messages
                // (after a Content-Length that said too much).
                eprintln!(
                    "asl-lint server: ignored a message from the client: it ends after {} of its {length} bytes",
                    body.len()
                );
                self.quiet = true;
                if !self.read_again_from_header(body) {
                    return None;
                }
                continue;
            }
            self.quiet = false;
            return Some(body);
        }
    }

    /// Reads `body` again from the first `Content-Length` header in it (or from the
    /// start of one it ends with, cut short), as if it had not been read. Returns
    /// whether there was one.
    fn read_again_from_header(&mut self, body: Vec<u8>) -> bool {
        let from = find_length_header(&body).or_else(|| {
            (1..LENGTH_HEADER.len().min(body.len() + 1))
                .rev()
                .find(|&n| body[body.len() - n..].eq_ignore_ascii_case(&LENGTH_HEADER[..n]))
                .map(|n| body.len() - n)
        });
        // What is skipped up to the next header belongs to this frame's fault.
        self.quiet = true;
        let Some(from) = from else {
            return false;
        };
        let mut again = body;
        again.drain(..from);
        again.extend_from_slice(&self.again[self.again_at..]);
        self.again = again;
        self.again_at = 0;
        true
    }

    /// The next header block, up to its blank line; `None` at the end of the input.
    async fn next_header(&mut self) -> Option<Header> {
        let mut length: Option<Result<usize, String>> = None;
        // The bytes of the header lines read so far (none: no header yet).
        let mut block = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = self.read_line(&mut line).await?;
            if read == 0 {
                self.skipped += block;
                self.report_skipped();
                return None;
            }
            let mut text: &[u8] = &line;
            while let [rest @ .., b'\n' | b'\r'] = text {
                text = rest;
            }
            if let Some(at) = find_length_header(text).filter(|&at| at > 0) {
                // A header glued to what precedes it: a new message starts here.
                self.skipped += block + at;
                text = &text[at..];
                length = None;
                block = 0;
            }
            if text.is_empty() {
                if block > 0 {
                    break;
                }
                continue; // blank lines between messages
            }
            let Some((name, value)) = header_line(text) else {
                // No header: the rest of a bad frame, or bytes that are no message.
                self.skipped += block + text.len();
                length = None;
                block = 0;
                continue;
            };
            if block == 0 {
                self.report_skipped();
            }
            block += text.len();
            if !name.eq_ignore_ascii_case("content-length") {
                continue;
            }
            let this = match value.parse::<usize>() {
                Ok(n) if n <= MAX_BODY => Ok(n),
                Ok(n) => Err(format!("a Content-Length of {n} bytes, over the limit")),
                Err(_) => Err(format!("a Content-Length that is no length: {value:?}")),
            };
            length = Some(match (length, this) {
                (None, this) => this,
                (Some(Ok(a)), Ok(b)) if a == b => Ok(a),
                (Some(Err(why)), _) | (_, Err(why)) => Err(why),
                (Some(Ok(a)), Ok(b)) => Err(format!("two Content-Length headers, {a} and {b}")),
            });
        }
        Some(match length {
            Some(Ok(length)) => Header::Length(length),
            Some(Err(why)) => Header::Bad(why),
            None => Header::Bad("a header without Content-Length".into()),
        })
    }

    /// Reports the bytes skipped since the last frame, unless they belong to a
    /// frame reported already.
    fn report_skipped(&mut self) {
        if self.skipped > 0 && !self.quiet {
            eprintln!(
                "asl-lint server: ignored {} bytes from the client that were no message",
                self.skipped
            );
        }
        self.skipped = 0;
    }

    /// Appends the next line, its `\n` included, to `line`; the number of bytes
    /// appended, 0 at the end of the input.
    async fn read_line(&mut self, line: &mut Vec<u8>) -> Option<usize> {
        let again = &self.again[self.again_at..];
        if !again.is_empty() {
            if let Some(end) = again.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&again[..=end]);
                self.again_at += end + 1;
                return Some(end + 1);
            }
            line.extend_from_slice(again);
            let n = again.len();
            self.again.clear();
            self.again_at = 0;
            return Some(n + self.input.read_until(b'\n', line).await.ok()?);
        }
        self.input.read_until(b'\n', line).await.ok()
    }

    /// Appends up to `length` bytes to `body`: fewer at the end of the input, or when
    /// the bytes read hold a whole header block (`Content-Length: 12` and a blank
    /// line), which no JSON body can: then another message starts there, the body
    /// ends before it, it is read again, and the answer is true. Without that, a
    /// Content-Length that says more than the client sends before it waits for an
    /// answer would keep both waiting.
    async fn read_body(&mut self, length: usize, body: &mut Vec<u8>) -> Option<bool> {
        let again = &self.again[self.again_at..];
        let from_again = again.len().min(length);
        body.extend_from_slice(&again[..from_again]);
        self.again_at += from_again;
        if self.again_at == self.again.len() {
            self.again.clear();
            self.again_at = 0;
        }
        // Where a header block may still start in `body`.
        let mut scanned = 0;
        loop {
            if let Some(at) = header_block_in(body, &mut scanned) {
                let next = body.split_off(at);
                let mut again = next;
                again.extend_from_slice(&self.again[self.again_at..]);
                self.again = again;
                self.again_at = 0;
                return Some(true);
            }
            if body.len() >= length {
                return Some(false);
            }
            let buffered = self.input.fill_buf().await.ok()?;
            if buffered.is_empty() {
                return Some(false); // the end of the input
            }
            let n = buffered.len().min(length - body.len());
            body.extend_from_slice(&buffered[..n]);
            self.input.consume(n);
        }
    }
}

/// Where the first whole header block (`Content-Length: 12` then a blank line) in
/// `bytes` starts, looking from `*from` on; moves `*from` past what cannot start one
/// however `bytes` goes on.
fn header_block_in(bytes: &[u8], from: &mut usize) -> Option<usize> {
    while *from < bytes.len() {
        let at = *from;
        if bytes[at].eq_ignore_ascii_case(&b'c') {
            match header_block_at(&bytes[at..]) {
                Some(true) => return Some(at),
                None => return None, // it may be one: wait for more
                Some(false) => {}
            }
        }
        *from += 1;
    }
    None
}

/// Whether `bytes` starts with a whole header block of one `Content-Length`; `None`
/// when it starts with a part of one.
fn header_block_at(bytes: &[u8]) -> Option<bool> {
    let head = &bytes[..LENGTH_HEADER.len().min(bytes.len())];
    if !head.eq_ignore_ascii_case(&LENGTH_HEADER[..head.len()]) {
        return Some(false);
    }
    let mut i = head.len();
    let blanks = |mut i: usize| {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    if i < LENGTH_HEADER.len() {
        return None;
    }
    i = blanks(i);
    let digits = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == bytes.len() {
        return None;
    }
    if i == digits {
        return Some(false);
    }
    i = blanks(i);
    // Two line ends, each `\r\n` or `\n`.
    for _ in 0..2 {
        if bytes.get(i) == Some(&b'\r') {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'\n') => i += 1,
            Some(_) => return Some(false),
        }
    }
    Some(true)
}

/// Where the first `Content-Length:` is in `bytes`, in any case.
fn find_length_header(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(LENGTH_HEADER.len())
        .position(|w| w.eq_ignore_ascii_case(LENGTH_HEADER))
}

/// The name and value of a header line (`Name: value`), if it is one.
fn header_line(text: &[u8]) -> Option<(&str, &str)> {
    let text = std::str::from_utf8(text).ok()?;
    let (name, value) = text.split_once(':')?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    (!name.is_empty() && name.bytes().all(token)).then(|| (name, value.trim()))
}

/// Why a body gave no message.
struct Rejected {
    why: String,
    /// The body is not JSON: most likely its frame was cut wrong.
    unframed: bool,
}

impl From<String> for Rejected {
    fn from(why: String) -> Rejected {
        Rejected {
            why,
            unframed: false,
        }
    }
}

/// The JSON-RPC 2.0 messages of one body, re-serialized, or why there are none.
fn clean(body: &[u8], announced: &Announced) -> Result<Vec<Vec<u8>>, Rejected> {
    let text = String::from_utf8_lossy(body);
    let fixed = without_lone_surrogates(&text);
    // The body as it came, when nothing in it had to be repaired (the usual case).
    let intact = matches!(text, std::borrow::Cow::Borrowed(_))
        && matches!(fixed, std::borrow::Cow::Borrowed(_));
    let value: serde_json::Value = serde_json::from_str(&fixed).map_err(|e| Rejected {
        why: format!("not JSON ({e})"),
        unframed: true,
    })?;
    let items = match value {
        serde_json::Value::Array(items) if !items.is_empty() => items,
        serde_json::Value::Array(_) => return Err(String::from("an empty batch").into()),
        one => {
            if let Some(why) = json_rpc_problem(&one) {
                return Err(why.into());
            }
            if let Err(why) = announced.note(&one) {
                eprintln!("asl-lint server: ignored a message from the client: {why}");
                return Ok(vec![Dropped::notification(&one, why)]);
            }
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
            None => match announced.note(&item) {
                Ok(()) => out.push(serde_json::to_vec(&item).map_err(|e| e.to_string())?),
                Err(why) => {
                    eprintln!("asl-lint server: ignored a message from the client: {why}");
                    out.push(Dropped::notification(&item, why));
                }
            },
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
    use tokio::io::AsyncReadExt;

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

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
    const OTHER: &str = r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#;
    const BODY: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    #[test]
    fn reading_starts_again_after_a_frame_with_a_wrong_length() {
        let n = BODY.len();
        for length in [
            n - 10,
            n - 1,
            n + 1,
            n + 3,
            n + 10,
            n + 30,
            n + GOOD.len() + 5,
        ] {
            let input = format!(
                "Content-Length: {length}\r\n\r\n{BODY}{}{}",
                frame(GOOD),
                frame(OTHER)
            );
            assert_eq!(
                relayed(input.as_bytes()),
                frame(GOOD) + &frame(OTHER),
                "length {length}"
            );
        }
    }

    #[test]
    fn a_length_that_says_too_much_does_not_wait_for_bytes_that_never_come() {
        // The client sends a request after the bad frame and waits for its answer.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (mut client, server_in) = tokio::io::duplex(1 << 16);
            let (server_out, mut framework) = tokio::io::duplex(1 << 16);
            let announced = Announced::default();
            let input = format!("Content-Length: 5000\r\n\r\n{BODY}{}", frame(GOOD));
            client.write_all(input.as_bytes()).await.unwrap();
            let expected = frame(GOOD);
            let mut got = vec![0; expected.len()];
            let relaying = relay(server_in, server_out, &announced);
            let reading = async {
                let read = framework.read_exact(&mut got);
                tokio::time::timeout(std::time::Duration::from_secs(5), read).await
            };
            tokio::select! {
                _ = relaying => panic!("the relay ended"),
                read = reading => assert!(read.is_ok(), "no message passed on"),
            }
            assert_eq!(String::from_utf8(got).unwrap(), expected);
            drop(client);
        });
    }

    #[test]
    fn header_blocks_are_found_in_a_body() {
        let find = |bytes: &str| header_block_in(bytes.as_bytes(), &mut 0);
        assert_eq!(find("{}Content-Length: 5\r\n\r\n{}"), Some(2));
        assert_eq!(find("xcontent-length:5\n\n"), Some(1));
        assert_eq!(find("{}Content-Length: 5\r\n"), None);
        assert_eq!(
            find("{}Content-Length: 5\r\nContent-Length: 5\r\n\r\n"),
            Some(21)
        );
        assert_eq!(find("{\"a\":\"Content-Length: 5\"}\n\n"), None);
        assert_eq!(find("Content-Length: \r\n\r\n"), None);
        let mut from = 0;
        assert_eq!(header_block_in(b"{}{}Content-Len", &mut from), None);
        assert_eq!(from, 4, "the start of a header is looked at again");
    }

    #[test]
    fn reading_starts_again_after_a_bad_header() {
        for header in [
            "Content-Length: abc\r\n",
            "Content-Length: -5\r\n",
            "Content-Length: 18446744073709551616\r\n",
            "Content-Length: 99999999999\r\n",
            "Content-Type: application/json\r\n",
            "Content-Length: 40\r\nContent-Length: 41\r\n",
            "Content-Length: 10\r\ngarbage\r\n",
        ] {
            let input = format!("{header}\r\n{BODY}{}{}", frame(GOOD), frame(OTHER));
            assert_eq!(
                relayed(input.as_bytes()),
                frame(GOOD) + &frame(OTHER),
                "{header:?}"
            );
            // The body of the bad frame on lines of its own.
            let pretty = "{\n  \"jsonrpc\": \"2.0\",\n  \"method\": \"x\"\n}\n\n";
            let input = format!("{header}\r\n{pretty}{}", frame(GOOD));
            assert_eq!(relayed(input.as_bytes()), frame(GOOD), "{header:?}");
        }
        // The same header twice with one length is no fault.
        let n = BODY.len();
        let input = format!("Content-Length: {n}\r\ncontent-length: {n}\r\n\r\n{BODY}");
        assert_eq!(relayed(input.as_bytes()), frame(BODY));
    }

    #[test]
    fn bytes_that_are_no_message_are_skipped() {
        let input = format!("hello\r\n\r\n{{}}\n{}junk{}", frame(GOOD), frame(OTHER));
        assert_eq!(relayed(input.as_bytes()), frame(GOOD) + &frame(OTHER));
    }

    #[test]
    fn the_input_may_end_anywhere() {
        let cut = |input: &str| {
            for end in 0..input.len() {
                relayed(&input.as_bytes()[..end]);
            }
        };
        cut(&(frame(GOOD) + &frame(OTHER)));
        cut(&format!("Content-Length: 70\r\n\r\n{BODY}{}", frame(GOOD)));
        // A length that says too much, with the input ending inside the body: the
        // messages read as part of it are still read.
        let input = format!("Content-Length: 500\r\n\r\n{BODY}{}", frame(GOOD));
        assert_eq!(relayed(input.as_bytes()), frame(GOOD));
    }

    #[test]
    fn the_versions_sent_are_noted_until_the_document_closes() {
        let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let open = |uri: &str, version: i32| {
            frame(&format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"json","version":{version},"text":""}}}}}}"#
            ))
        };
        let change = |uri: &str, version: i32, character: i32| {
            format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":{version}}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":{character}}},"end":{{"line":0,"character":0}}}},"text":"x"}}]}}}}"#
            )
        };
        let hover = r#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///b.json"},"position":{"line":0,"character":0}}}"#;
        let input = [
            open("file:///a.json", 1),
            open("file:///b.json", 4),
            frame(&format!("[{},{hover}]", change("file:///a.json", 2, 0))),
            // A change the framework cannot read: its version is not noted.
            frame(&change("file:///a.json", 3, -1)),
            frame(&change("file:///b.json", 9, 0)),
            frame(r#"{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"file:///b.json"}}}"#),
        ]
        .concat();
        let announced = Announced::default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        runtime.block_on(relay(input.as_bytes(), &mut out, &announced));
        let uri = |u: &str| u.parse::<Uri>().unwrap();
        assert_eq!(announced.version(&uri("file:///a.json")), Some(2));
        assert_eq!(announced.version(&uri("file:///b.json")), None);
        // In its place, the server is told.
        let out = String::from_utf8(out).unwrap();
        let dropped = out
            .split("Content-Length: ")
            .find(|m| m.contains(DROPPED))
            .expect("a dropped notification");
        let dropped: serde_json::Value =
            serde_json::from_str(&dropped[dropped.find('{').unwrap()..]).unwrap();
        assert_eq!(dropped["params"]["method"], "textDocument/didChange");
        assert_eq!(dropped["params"]["uri"], "file:///a.json");
        assert!(!out.contains("\"character\":-1"));
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
