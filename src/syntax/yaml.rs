//! YAML reader with byte ranges. (Being written; see the foundation issue.)

use super::text::TextRange;
use super::tree::{Document, SourceKind, SyntaxError, SyntaxErrorKind};

/// Reads `text` as YAML.
pub fn parse(text: &str) -> Document<'_> {
    Document {
        kind: SourceKind::Yaml,
        root: None,
        errors: vec![SyntaxError {
            range: TextRange::empty(0),
            kind: SyntaxErrorKind::Invalid,
            message: format!("YAML reading is not implemented yet ({} bytes)", text.len()),
        }],
        comments: Vec::new(),
    }
}
