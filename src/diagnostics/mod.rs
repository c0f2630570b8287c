//! The one diagnostic type every rule produces and every shell (CLI, LSP) renders.
//!
//! A diagnostic holds byte ranges only; line and column are computed at the edges.

use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "information" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A secondary location, e.g. the first definition of a duplicate state name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

/// Whether a fix may be applied without asking (`--fix`) or only on request
/// (`--unsafe-fixes`), as ruff distinguishes them, or only offered in the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
    /// A quick fix for a person to choose in the editor (it starts something they
    /// finish, such as a new state), never applied by `check --fix`: ruff's
    /// display-only fixes.
    DisplayOnly,
}

/// One replacement of a byte range of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "Replace with \"ProcessOrder\"".
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix made of one layout-keeping edit from [`crate::syntax::edit`].
    pub fn edit(
        title: impl Into<String>,
        applicability: Applicability,
        edit: crate::syntax::edit::TextEdit,
    ) -> Fix {
        Fix::replace(title, applicability, edit.range, edit.text)
    }

    /// A fix of one edit: `range` becomes `replacement`.
    pub fn replace(
        title: impl Into<String>,
        applicability: Applicability,
        range: TextRange,
        replacement: impl Into<String>,
    ) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            edits: vec![Edit {
                range,
                replacement: replacement.into(),
            }],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's code, e.g. `ASL201`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The primary location.
    pub range: TextRange,
    pub labels: Vec<Label>,
    /// One line of advice shown under the diagnostic.
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}

/// Sorts diagnostics by position, then code, and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code, &a.message).cmp(&(
            b.range.start,
            b.range.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
}

/// Applies fix edits to `text`. Edits must not overlap; overlapping later edits are
/// skipped. Returns the new text and the number of edits applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    let mut applied = 0;
    for e in sorted {
        let (s, en) = (e.range.start as usize, e.range.end as usize);
        if s < last || en > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(en) {
            continue;
        }
        out.push_str(&text[last..s]);
        out.push_str(&e.replacement);
        last = en;
        applied += 1;
    }
    out.push_str(&text[last..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let edits = vec![
            Edit {
                range: TextRange::new(4, 5),
                replacement: "Z".into(),
            },
            Edit {
                range: TextRange::new(0, 1),
                replacement: "xy".into(),
            },
            Edit {
                range: TextRange::new(4, 6),
                replacement: "no".into(),
            },
        ];
        assert_eq!(apply_edits("abcdef", &edits), ("xybcdZf".to_string(), 2));
    }
}
