//! JSONata for AWS Step Functions: lexer, Pratt parser with byte spans, the `{% ... %}`
//! template wrapper, analysis helpers for rules, and an evaluator over
//! `serde_json::Value` for the simulator.
//!
//! Step Functions implements JSONata 2.0.6 without `$eval`, and adds `$partition`,
//! `$range`, `$hash`, `$random(seed)`, `$uuid` and `$parse`. The parser also accepts the
//! 2.1 operators `?:` and `??` so rules can point at them.

pub mod analysis;
pub mod ast;
pub mod lexer;
pub mod parser;
pub mod signature;
pub mod value;

use crate::syntax::TextRange;
pub use analysis::*;
pub use ast::{BinOp, Kind, Node, Param, SortTerm};

/// A JSONata error: the reference implementation's code (`S0202`, `T2001`, `D3001`, ...),
/// a message, and the byte range in the expression text it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonataError {
    pub code: &'static str,
    pub message: String,
    pub span: TextRange,
}

impl JsonataError {
    pub fn new(code: &'static str, message: impl Into<String>, span: TextRange) -> Self {
        JsonataError {
            code,
            message: message.into(),
            span,
        }
    }

    /// The same error with its range moved by `offset` bytes (e.g. into a document).
    pub fn shifted(mut self, offset: u32) -> Self {
        self.span = TextRange::new(self.span.start + offset, self.span.end + offset);
        self
    }
}

impl std::fmt::Display for JsonataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for JsonataError {}

/// Parses a JSONata expression (syntax only; see [`check`] for the structural checks
/// that the reference implementation also reports at compile time).
pub fn parse(expr: &str) -> Result<Node, JsonataError> {
    parser::Parser::new(expr)?.parse_all()
}

/// A Step Functions JSONata template: a string that starts with `{%` and ends with `%}`
/// exactly (no whitespace outside the delimiters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template<'s> {
    /// The expression between the delimiters.
    pub inner: &'s str,
    /// Byte offset of `inner` within the string value (always 2).
    pub offset: u32,
}

/// Recognises `{% expr %}`. Returns `None` for any other string (a literal in AWS).
pub fn template(value: &str) -> Option<Template<'_>> {
    if value.len() >= 4 && value.starts_with("{%") && value.ends_with("%}") {
        Some(Template {
            inner: &value[2..value.len() - 2],
            offset: 2,
        })
    } else {
        None
    }
}

/// A parsed template: the tree (ranges relative to `inner`), plus the offset of `inner`
/// in the string value, so `node.span + offset` addresses the string value.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTemplate<'s> {
    pub template: Template<'s>,
    pub result: Result<Node, JsonataError>,
}

/// Recognises and parses a `{% ... %}` string value. An empty or blank expression is an
/// S0207 error (AWS rejects it).
pub fn parse_template(value: &str) -> Option<ParsedTemplate<'_>> {
    let template = template(value)?;
    let result = parse(template.inner);
    Some(ParsedTemplate { template, result })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_requires_exact_delimiters() {
        assert_eq!(
            template("{% $x %}"),
            Some(Template {
                inner: " $x ",
                offset: 2
            })
        );
        assert_eq!(template(" {% $x %}"), None);
        assert_eq!(template("{% $x %} "), None);
        assert_eq!(
            template("{%%}"),
            Some(Template {
                inner: "",
                offset: 2
            })
        );
        assert_eq!(template("{%}"), None);
        assert_eq!(template("$x"), None);
    }

    #[test]
    fn parse_template_reports_inner_ranges() {
        let p = parse_template("{% $states.input.a + %}").unwrap();
        let e = p.result.unwrap_err();
        assert_eq!(e.code, "S0207");
        assert_eq!(e.span, TextRange::new(19, 19));
        assert_eq!(
            e.clone().shifted(p.template.offset).span,
            TextRange::new(21, 21)
        );
        let p = parse_template("{%%}").unwrap();
        assert_eq!(p.result.unwrap_err().code, "S0207");
    }
}
