//! `check --watch`: check the paths, then again whenever a file under them changes, as
//! `ruff check --watch` does, for people who lint from a terminal beside their editor.
//!
//! Changes are found by polling modification times and sizes (no platform file-event
//! API, so it behaves the same everywhere, network file systems included): the JSON,
//! YAML, Terraform and TOML files under the paths (what a check may read) except in
//! hidden, `node_modules` and `target` folders, the `--config` file, and the
//! `asl-lint.toml` files above the paths that configure them.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use super::EXIT_USAGE;
use super::check::{CheckArgs, run_once, unknown_rule_pattern};

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(250);

/// At most this many files are watched (a path that is a whole home folder would
/// otherwise make each look slow); past it, changes in the rest go unseen.
const MAX_FILES: usize = 100_000;

/// What is known of each watched file: its modification time and size.
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

pub fn run(args: &CheckArgs) -> ExitCode {
    if args.stdin_filename.is_some() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: --watch cannot watch standard input; name files or folders");
        return ExitCode::from(EXIT_USAGE);
    }
    if args.diff {
        eprintln!(
            "error: --watch does not combine with --diff; use --fix to apply fixes as files change"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    if let Some(e) = unknown_rule_pattern(args) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    let clear = std::io::stdout().is_terminal();
    loop {
        if clear {
            print!("\x1b[2J\x1b[H");
            let _ = std::io::stdout().flush();
        }
        // Taken before the check, so that a change made while it runs starts another
        // (with `--fix`, the files it writes start one more, which finds nothing to fix).
        let before = snapshot(args);
        let _ = run_once(args);
        eprintln!("Watching for changes (Ctrl-C to stop).");
        loop {
            std::thread::sleep(POLL);
            let now = snapshot(args);
            if now != before {
                settle(args, now);
                break;
            }
        }
    }
}

/// Waits until a poll finds nothing new, so that an editor's save in several writes (or
/// a `git checkout` of many files) starts one check, not several.
fn settle(args: &CheckArgs, mut last: Snapshot) {
    loop {
        std::thread::sleep(POLL);
        let now = snapshot(args);
        if now == last {
            return;
        }
        last = now;
    }
}

fn snapshot(args: &CheckArgs) -> Snapshot {
    let mut out = Snapshot::new();
    for path in &args.paths {
        walk(path, true, &mut out);
        // The configuration files that apply to the path, found by walking up.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        for dir in absolute.ancestors().skip(1) {
            for name in ["asl-lint.toml", ".asl-lint.toml"] {
                note(&dir.join(name), &mut out);
            }
        }
    }
    if let Some(config) = &args.config {
        note(config, &mut out);
    }
    out
}

fn note(path: &Path, out: &mut Snapshot) {
    if let Ok(meta) = std::fs::metadata(path) {
        out.insert(path.to_path_buf(), (meta.modified().ok(), meta.len()));
    }
}

/// A file a check may read: a definition or template the walk checks, or a JSON, YAML
/// or Terraform file a template may name (`DefinitionUri`).
fn may_be_read(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "json" | "json5" | "yaml" | "yml" | "asl" | "tf" | "tofu" | "toml"
    ) || crate::files::is_definition_file(path)
}

fn walk(path: &Path, named: bool, out: &mut Snapshot) {
    if out.len() >= MAX_FILES {
        return;
    }
    let Ok(meta) = std::fs::metadata(path) else {
        // A named path that does not exist (yet): its appearance is a change.
        if named {
            out.insert(path.to_path_buf(), (None, u64::MAX));
        }
        return;
    };
    if !meta.is_dir() {
        // Found in a folder: only a file that could be checked or referenced (a log
        // written beside the definitions, even the watch's own output, is no change).
        if named || may_be_read(path) {
            out.insert(path.to_path_buf(), (meta.modified().ok(), meta.len()));
        }
        return;
    }
    if !named {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // (What Git ignores is watched: a template may name a generated file there.)
        if crate::files::walk_skips(name) {
            return;
        }
    }
    // A folder's own time changes when a file in it is added, removed or renamed.
    out.insert(path.to_path_buf(), (meta.modified().ok(), 0));
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        walk(&entry.path(), false, out);
    }
}
