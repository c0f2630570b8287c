//! asl-lint: static analyzer, language server and dry-run simulator for the Amazon
//! States Language.
//!
//! Layers, each knowing only those above it in this list:
//! - [`syntax`]: JSON and YAML to a spanned tree (no ASL knowledge);
//! - [`model`]: the typed state machine built from the tree;
//! - [`graph`]: petgraph state graphs per scope;
//! - [`rules`]: pure functions from model to [`diagnostics`];
//! - shells: `cli`, `lsp`, `simulate`.

// Messages to standard error are dropped when it is closed (`asl-lint ... 2>&1 | head`,
// `| grep -q`): std's `eprintln!` panics there, and a panic is exit 101 instead of the
// command's own exit code. Defined before the modules so that it is theirs.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod embed;
pub mod expr;
pub mod files;
pub mod fix;
#[doc(hidden)]
pub mod fuzz;
pub mod graph;
pub mod ide;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod schema;
pub mod simulate;
pub mod suppress;
pub mod syntax;

pub use diagnostics::{Diagnostic, Severity};
pub use lint::{LintOptions, lint_bytes, lint_text};
