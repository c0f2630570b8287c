//! asl-lint: static analyzer, language server and dry-run simulator for the Amazon
//! States Language.
//!
//! Layers, each knowing only those above it in this list:
//! - [`syntax`]: JSON and YAML to a spanned tree (no ASL knowledge);
//! - [`model`]: the typed state machine built from the tree;
//! - [`graph`]: petgraph state graphs per scope;
//! - [`rules`]: pure functions from model to [`diagnostics`];
//! - shells: `cli`, `lsp`, `simulate`.

pub mod diagnostics;
pub mod expr;
pub mod graph;
pub mod model;
pub mod simulate;
pub mod syntax;
