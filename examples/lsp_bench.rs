//! Benchmark of the language server (not a timed test): opens the ~0.9 MB, 1,000-state
//! definition that `../shared/bench/gen_asl.py 1000` generates, then sends 1,000
//! incremental edits one after the other and times each edit → publishDiagnostics (for
//! that version). Reports p50/p95/max latency and the server's resident memory before and
//! after the edits.
//!
//! ```sh
//! cargo build --release && cargo run --release --example lsp_bench [-- path/to/asl-lint]
//! ASL_SHARED=/work/shared cargo run --release --example lsp_bench   # shared data elsewhere
//! ```
//! The server binary defaults to target/release/asl-lint.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

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

fn send(stdin: &mut impl Write, msg: Value) {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
    stdin.flush().unwrap();
}

fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system, all threads) the process has used so far, from
/// /proc/PID/stat; unlike latency it hardly grows when other processes load the machine.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel reports in USER_HZ, 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // ../shared beside the checkout, or wherever ASL_SHARED points.
    let shared =
        std::env::var_os("ASL_SHARED").map_or_else(|| root.join("../shared"), PathBuf::from);
    let generator = shared.join("bench/gen_asl.py");
    if !generator.exists() {
        println!("skipped: {} is absent", generator.display());
        return;
    }
    let server = std::env::args()
        .nth(1)
        .unwrap_or_else(|| root.join("target/release/asl-lint").display().to_string());
    let output = Command::new("python3")
        .arg(&generator)
        .arg("1000")
        .output()
        .expect("run gen_asl.py");
    let text = String::from_utf8(output.stdout).expect("utf-8");

    // The edit: toggle an `x` at the end of the `Next` target nearest the middle of the
    // file (a broken transition, then a fixed one).
    let middle = text.len() / 2;
    let next = text[middle..].find("\"Next\": \"").expect("a Next") + middle + "\"Next\": \"".len();
    let anchor = next + text[next..].find('"').expect("closing quote");
    let line = text[..anchor].matches('\n').count() as u32;
    let col = (anchor - text[..anchor].rfind('\n').map_or(0, |i| i + 1)) as u32;

    // The core alone, in process, for comparison.
    let mut core: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            let d = asl_lint::lint_text(
                &text,
                asl_lint::syntax::SourceKind::Json,
                &Default::default(),
            );
            std::hint::black_box(d);
            t.elapsed()
        })
        .collect();
    core.sort();

    let mut child = Command::new(&server)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {server}: {e}"));
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let uri = "file:///bench/big.asl.json";

    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    while read_message(&mut reader).is_some_and(|m| m.get("id") != Some(&json!(1))) {}
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    let mut wait_for = |version: i64| -> usize {
        loop {
            let msg = read_message(&mut reader).expect("server output");
            if msg["method"] == "textDocument/publishDiagnostics"
                && msg["params"]["version"] == version
            {
                return msg["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    };

    let t = Instant::now();
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "asl", "version": 1, "text": text}}}),
    );
    let first = wait_for(1);
    let open_time = t.elapsed();
    let rss_open = rss_kib(pid, "VmRSS:");
    let cpu_open = cpu_time(pid);

    // ASL_BENCH_EDITS: fewer edits, e.g. to run the server under a profiler.
    let edits: usize = std::env::var("ASL_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1000);
    let mut latencies: Vec<Duration> = Vec::with_capacity(edits);
    let mut counts = (0usize, 0usize);
    let mut samples: Vec<u64> = Vec::new();
    for i in 0..edits {
        let version = i as i64 + 2;
        let change = if i % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        let t = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}),
        );
        let n = wait_for(version);
        latencies.push(t.elapsed());
        if (i + 1) % 250 == 0 {
            samples.push(rss_kib(pid, "VmRSS:").unwrap_or(0));
        }
        if i % 2 == 0 {
            counts.0 = n
        } else {
            counts.1 = n
        }
    }
    let rss_end = rss_kib(pid, "VmRSS:");
    let cpu_edits = cpu_open
        .zip(cpu_time(pid))
        .map(|(a, b)| b.saturating_sub(a));
    let hwm = rss_kib(pid, "VmHWM:");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();

    latencies.sort();
    let pct =
        |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).min(latencies.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "document: {} bytes, {} lines; diagnostics on open: {first} ({:.1} ms)",
        text.len(),
        text.lines().count(),
        ms(open_time)
    );
    println!(
        "diagnostics after edits: {} (broken Next) / {} (fixed)",
        counts.0, counts.1
    );
    println!(
        "edit -> publishDiagnostics over {edits} edits: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(pct(1.0))
    );
    if let Some(cpu) = cpu_edits {
        println!(
            "server CPU time for the edits: {:.2} ms per edit (all threads)",
            ms(cpu) / edits as f64
        );
    }
    println!(
        "lint_text alone (in process, 50 runs): p50 {:.2} ms, p95 {:.2} ms",
        ms(core[25]),
        ms(core[47])
    );
    let mib =
        |k: Option<u64>| k.map_or("?".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "server RSS every 250 edits: {}",
        samples
            .iter()
            .map(|&k| mib(Some(k)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "server RSS: {} after open, {} after {edits} edits (peak {})",
        mib(rss_open),
        mib(rss_end),
        mib(hwm)
    );
}
