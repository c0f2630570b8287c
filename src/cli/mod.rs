//! The command-line shell: argument parsing and dispatch. Rendering lives in `render`.

mod check;
pub mod graph;
pub mod render;
mod rule;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Static analyzer, language server and dry-run simulator for the Amazon States Language.
#[derive(Debug, Parser)]
#[command(name = "asl-lint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint state machine definitions (files, directories, or `-` for stdin).
    Check(check::CheckArgs),
    /// Show the documentation of a rule, or list all rules.
    Rule(rule::RuleArgs),
    /// Draw a definition's state graph (DOT, Mermaid, or SVG laid out here, no Graphviz needed).
    Graph(graph::GraphArgs),
    /// Run the language server on stdin/stdout (for editors).
    Server,
    /// Execute a definition on an input with mocked task results (a dry run, no AWS).
    Simulate(Box<crate::simulate::SimulateArgs>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    /// Infos too (`note` in the `full` format, which is accepted here as well).
    #[value(alias = "note")]
    Info,
    /// Never fail because of diagnostics (exit 0 unless usage or I/O errors).
    Never,
}

/// Exit code for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// Whether writing the report to standard output failed in a way the user must hear of:
/// a full disk or a closed file (said on stderr), not a reader that went away (`| head`),
/// which is how pipes end. A CI step whose SARIF file could not be written must not pass.
pub(crate) fn output_failed(result: std::io::Result<()>) -> bool {
    match result {
        Ok(()) => false,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            true
        }
    }
}

/// Writes `bytes` to standard output and flushes; `false` when [`output_failed`].
pub(crate) fn write_stdout(bytes: &[u8]) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    !output_failed(stdout.write_all(bytes).and_then(|()| stdout.flush()))
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rule(args) => rule::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Server => crate::lsp::run_stdio(),
        Command::Simulate(args) => crate::simulate::run_cli(&args),
    }
}

/// Parses the process arguments and runs. Clap's own usage errors exit with 2.
pub fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            ExitCode::from(code)
        }
    }
}
