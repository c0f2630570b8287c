//! `asl-lint check`: find files, lint them in parallel, render, choose the exit code.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use super::render::{self, FileReport, Format};
use super::{EXIT_USAGE, FailOn};
use crate::diagnostics::Severity;
use crate::lint::{LintOptions, lint_bytes};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories. Directories are searched for `*.asl.json`, `*.asl.yaml` and
    /// `*.asl.yml`; files named explicitly are linted whatever their extension. `-` reads
    /// standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Exit with 1 when a diagnostic of this severity or higher is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Only run these rules (codes, code prefixes such as `ASL2`, or names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (codes, prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Name to show for standard input.
    #[arg(long, default_value = "<stdin>")]
    pub stdin_filename: String,
    /// Colour for the `full` and `concise` formats.
    #[arg(long, value_enum, default_value_t = render::ColorChoice::Auto)]
    pub color: render::ColorChoice,
}

/// One input: a file path or standard input.
enum Input {
    File(PathBuf),
    Stdin,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let options = LintOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    for pattern in options.select.iter().chain(&options.ignore) {
        let p = pattern.trim();
        let known = p.eq_ignore_ascii_case("ALL")
            || crate::rules::RULES.iter().any(|r| {
                r.meta.name == p
                    || (r.meta.code.len() >= p.len()
                        && r.meta.code[..p.len()].eq_ignore_ascii_case(p))
            });
        if !known {
            eprintln!(
                "error: `{p}` matches no rule code, prefix or name (see `asl-lint rule --list`)"
            );
            return ExitCode::from(EXIT_USAGE);
        }
    }

    let mut inputs = Vec::new();
    let mut io_errors = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else {
            collect(path, true, &mut inputs, &mut io_errors);
        }
    }

    let mut reports: Vec<Result<FileReport, String>> = inputs
        .par_iter()
        .map(|input| match input {
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
                    format!("{}: cannot read standard input: {e}", args.stdin_filename)
                })?;
                Ok(report(
                    args.stdin_filename.clone(),
                    &bytes,
                    Some(&args.stdin_filename),
                    &options,
                ))
            }
            Input::File(path) => {
                let shown = path.display().to_string();
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("{shown}: cannot read: {}", io_message(&e)))?;
                Ok(report(shown.clone(), &bytes, Some(&shown), &options))
            }
        })
        .collect();
    let mut files = Vec::with_capacity(reports.len());
    for r in reports.drain(..) {
        match r {
            Ok(report) => files.push(report),
            Err(e) => io_errors.push(e),
        }
    }

    let color = args
        .color
        .enabled(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let rendered = render::render(args.format, &files, color);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    if !io_errors.is_empty() {
        return ExitCode::from(EXIT_USAGE);
    }
    if inputs.is_empty() {
        eprintln!(
            "error: no state machine definitions found (looked for *.asl.json, *.asl.yaml, *.asl.yml)"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| {
        files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.severity >= t)
    });
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report(path: String, bytes: &[u8], name: Option<&str>, options: &LintOptions) -> FileReport {
    let linted = lint_bytes(bytes, name, options);
    FileReport {
        path,
        text: linted.text,
        diagnostics: linted.diagnostics,
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// True for names the directory walk lints.
pub fn is_definition_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".asl.json") || name.ends_with(".asl.yaml") || name.ends_with(".asl.yml")
}

fn collect(path: &Path, explicit: bool, inputs: &mut Vec<Input>, errors: &mut Vec<String>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            errors.push(format!("{}: {}", path.display(), io_message(&e)));
            return;
        }
    };
    if meta.is_file() {
        if explicit || is_definition_file(path) {
            inputs.push(Input::File(path.to_path_buf()));
        }
    } else if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push(format!(
                    "{}: cannot read directory: {}",
                    path.display(),
                    io_message(&e)
                ));
                return;
            }
        };
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Skip hidden folders and build output, as linters do.
            if name.starts_with('.') && name.len() > 1 || name == "node_modules" || name == "target"
            {
                continue;
            }
            // Do not follow symbolic links to directories (loops).
            let is_link = std::fs::symlink_metadata(&entry)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if is_link && entry.is_dir() {
                continue;
            }
            collect(&entry, false, inputs, errors);
        }
    } else if explicit {
        errors.push(format!("{}: not a file or directory", path.display()));
    }
}
