//! Semantic tokens: what an editor's JSON or YAML grammar cannot color. State names
//! (their keys, `StartAt` and every transition), and the languages written inside
//! strings: JSONata between `{%` and `%}` in JSONata states, JSONPath paths and
//! intrinsic functions (`States.Format(...)`) in the `.$` values and path fields of
//! JSONPath states. Ranges are byte ranges of the source text, in document order, never
//! overlapping; a token may cross lines (a YAML block scalar), which `src/lsp` splits.

use crate::expr::jsonata::{self, lexer};
use crate::model::{NOT_DATA_FIELDS, QueryLanguage, State, StateMachine};
use crate::syntax::{Node, SourceKind, TextRange, Value, string_source_offset};

use super::unquoted;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A state name.
    State,
    /// A field name in a path or expression.
    Property,
    /// `$`, `$$`, `$states`, a workflow variable, a JSONata variable.
    Variable,
    /// A function: an intrinsic (`States.Format`) or a JSONata function (`$sum`).
    Function,
    String,
    Number,
    /// JSONata's `and`, `or`, `in`, `true`, `false`, `null`, `function`.
    Keyword,
    Operator,
    Regexp,
    /// The `{%` and `%}` around a JSONata expression.
    Delimiter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
    /// A state's own key (rather than a reference to it).
    pub declaration: bool,
    /// A function or variable that Step Functions or JSONata provides.
    pub library: bool,
}

/// The tokens of `text`: of its state machine, or of each definition in a template.
pub fn semantic_tokens(text: &str, kind: SourceKind) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    super::each_machine(text, kind, &mut |source, machine, map| {
        let mut found = Vec::new();
        machine_tokens(source, machine, &mut found);
        out.extend(found.into_iter().map(|t| SemanticToken {
            range: map(t.range),
            ..t
        }));
    });
    out.retain(|t| !t.range.is_empty() && text.get(t.range.as_usize()).is_some());
    out.sort_by_key(|t| (t.range.start, t.range.end));
    let mut last_end = 0;
    out.retain(|t| {
        let keep = t.range.start >= last_end;
        if keep {
            last_end = t.range.end;
        }
        keep
    });
    out
}

/// Keys whose values are transitions (tokenized as state names) or a resource ARN,
/// besides the fields that are no data of the state ([`NOT_DATA_FIELDS`]).
const SKIP: &[&str] = &["Next", "Default", "StartAt", "Resource"];

fn machine_tokens(source: &str, machine: &StateMachine<'_, '_>, out: &mut Vec<SemanticToken>) {
    let token = |range, kind| SemanticToken {
        range,
        kind,
        declaration: false,
        library: false,
    };
    for scope in &machine.scopes {
        if let Some(m) = scope.start_at
            && m.value.as_str().is_some()
        {
            out.push(token(unquoted(source, m.value.range), TokenKind::State));
        }
        for state in &scope.states {
            out.push(SemanticToken {
                declaration: true,
                ..token(unquoted(source, state.name_range), TokenKind::State)
            });
            for t in state.transitions() {
                out.push(token(unquoted(source, t.range()), TokenKind::State));
            }
            state_strings(source, state, out);
        }
    }
}

/// The evaluated strings of one state (not of the states nested in it).
fn state_strings(source: &str, state: &State<'_, '_>, out: &mut Vec<SemanticToken>) {
    let jsonata = state.query_language == QueryLanguage::JsonAta;
    let Some(members) = state.node.as_object() else {
        return;
    };
    let mut stack: Vec<(&Node<'_>, &str, usize)> = members
        .iter()
        .filter(|m| !SKIP.contains(&&*m.key) && !NOT_DATA_FIELDS.contains(&&*m.key))
        .map(|m| (&m.value, &*m.key, 0))
        .collect();
    while let Some((node, key, depth)) = stack.pop() {
        if depth > 64 || node.is_unknown() {
            continue;
        }
        match &node.value {
            Value::String(s) => {
                let map = |a: usize, b: usize| {
                    TextRange::new(
                        string_source_offset(source, node, a),
                        string_source_offset(source, node, b),
                    )
                };
                if jsonata {
                    if let Some(t) = jsonata::template(s) {
                        jsonata_tokens(t.inner, t.offset as usize, &map, out);
                        let delimiter = |range| SemanticToken {
                            range,
                            kind: TokenKind::Delimiter,
                            declaration: false,
                            library: false,
                        };
                        out.push(delimiter(map(0, 2)));
                        out.push(delimiter(map(s.len() - 2, s.len())));
                    }
                } else if key.ends_with(".$") || key.ends_with("Path") || key == "Variable" {
                    dollar_tokens(s, &map, out);
                }
            }
            Value::Object(members) => stack.extend(
                members
                    .iter()
                    .filter(|m| m.key != "Next")
                    .map(|m| (&m.value, &*m.key, depth + 1)),
            ),
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, key, depth + 1))),
            _ => {}
        }
    }
}

/// The tokens of a JSONata expression that starts at `offset` in its string.
fn jsonata_tokens(
    expression: &str,
    offset: usize,
    map: &dyn Fn(usize, usize) -> TextRange,
    out: &mut Vec<SemanticToken>,
) {
    let mut lexer = lexer::Lexer::new(expression);
    let mut tokens = Vec::new();
    // Up to the end, or the first error (the rest is not tokenized).
    while let Ok(t) = lexer.next_token() {
        if t.tok == lexer::Tok::End || tokens.len() > 10_000 {
            break;
        }
        tokens.push(t);
    }
    for (i, t) in tokens.iter().enumerate() {
        let called = matches!(tokens.get(i + 1), Some(n) if n.tok == lexer::Tok::Op("("));
        let (kind, library) = match &t.tok {
            lexer::Tok::Var(name) if called => {
                (TokenKind::Function, jsonata::builtin(name).is_some())
            }
            lexer::Tok::Var(name) => (TokenKind::Variable, name == "states"),
            lexer::Tok::Name {
                name,
                quoted: false,
            } if matches!(
                name.as_str(),
                "and" | "or" | "in" | "true" | "false" | "null" | "function" | "λ"
            ) =>
            {
                (TokenKind::Keyword, false)
            }
            lexer::Tok::Name { .. } => (TokenKind::Property, false),
            lexer::Tok::Str(_) => (TokenKind::String, false),
            lexer::Tok::Num(_) => (TokenKind::Number, false),
            lexer::Tok::Regex { .. } => (TokenKind::Regexp, false),
            lexer::Tok::Op(op)
                if !matches!(
                    *op,
                    "(" | ")" | "[" | "]" | "{" | "}" | "," | ";" | "." | ":"
                ) =>
            {
                (TokenKind::Operator, false)
            }
            _ => continue,
        };
        out.push(SemanticToken {
            range: map(
                offset + t.range.start as usize,
                offset + t.range.end as usize,
            ),
            kind,
            declaration: false,
            library,
        });
    }
}

/// The tokens of a JSONPath path or an intrinsic function call: function names,
/// `$`/`$$`/`$variable` roots, field names, quoted strings and numbers.
fn dollar_tokens(
    text: &str,
    map: &dyn Fn(usize, usize) -> TextRange,
    out: &mut Vec<SemanticToken>,
) {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let mut push = |start: usize, end: usize, kind: TokenKind, library: bool| {
        out.push(SemanticToken {
            range: map(start, end),
            kind,
            declaration: false,
            library,
        });
    };
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'S' if text[i..].starts_with("States.") => {
                i += "States.".len();
                while i < bytes.len() && ident(bytes[i]) {
                    i += 1;
                }
                push(start, i, TokenKind::Function, true);
            }
            b'$' => {
                i += 1;
                if bytes.get(i) == Some(&b'$') {
                    i += 1;
                }
                while i < bytes.len() && ident(bytes[i]) {
                    i += 1;
                }
                push(start, i, TokenKind::Variable, false);
            }
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                push(start, i, TokenKind::String, false);
            }
            b'-' | b'0'..=b'9'
                if bytes[i].is_ascii_digit()
                    || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) =>
            {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                push(start, i, TokenKind::Number, false);
            }
            b if ident(b) => {
                while i < bytes.len() && ident(bytes[i]) {
                    i += 1;
                }
                push(start, i, TokenKind::Property, false);
            }
            _ => i += 1,
        }
        // Never split a character.
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each token as its text and kind (with `*` for a declaration and `+` for library).
    fn tokens(text: &str, kind: SourceKind) -> Vec<(String, String)> {
        semantic_tokens(text, kind)
            .iter()
            .map(|t| {
                let mut k = format!("{:?}", t.kind);
                if t.declaration {
                    k.push('*');
                }
                if t.library {
                    k.push('+');
                }
                (text[t.range.as_usize()].to_string(), k)
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn state_names_paths_and_intrinsics_in_jsonpath() {
        let text = r#"{"StartAt": "Open", "States": {"Open": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('case {}', $.id[0])", "fixed": "$.not"}, "ResultPath": "$$.x", "Next": "Done"}, "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(
            tokens(text, SourceKind::Json),
            pairs(&[
                ("Open", "State"),
                ("Open", "State*"),
                ("States.Format", "Function+"),
                ("'case {}'", "String"),
                ("$", "Variable"),
                ("id", "Property"),
                ("0", "Number"),
                ("$$", "Variable"),
                ("x", "Property"),
                ("Done", "State"),
                ("Done", "State*"),
            ])
        );
    }

    #[test]
    fn jsonata_expressions_in_yaml() {
        let text = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: \"{% $sum($states.input.items.price) > 10 and $vip %}\"\n    Assign:\n      label: >-\n        {% 'x' & $string(2) %}\n    End: true\n";
        assert_eq!(
            tokens(text, SourceKind::Yaml),
            pairs(&[
                ("A", "State"),
                ("A", "State*"),
                ("{%", "Delimiter"),
                ("$sum", "Function+"),
                ("$states", "Variable+"),
                ("input", "Property"),
                ("items", "Property"),
                ("price", "Property"),
                (">", "Operator"),
                ("10", "Number"),
                ("and", "Keyword"),
                ("$vip", "Variable"),
                ("%}", "Delimiter"),
                ("{%", "Delimiter"),
                ("'x'", "String"),
                ("&", "Operator"),
                ("$string", "Function+"),
                ("2", "Number"),
                ("%}", "Delimiter"),
            ])
        );
    }

    #[test]
    fn escaped_strings_and_definition_strings_map_to_the_source() {
        let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"v.$\": \"$.a\\\"b\"}, \"End\": true}}}"}}}}"#;
        assert_eq!(
            tokens(text, SourceKind::Json),
            pairs(&[
                ("A", "State"),
                ("A", "State*"),
                ("$", "Variable"),
                ("a", "Property"),
                ("b", "Property"),
            ])
        );
    }

    #[test]
    fn half_typed_expressions_give_the_tokens_before_the_error() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $x + 'open %}", "End": true}}}"#;
        assert_eq!(
            tokens(text, SourceKind::Json),
            pairs(&[
                ("A", "State"),
                ("A", "State*"),
                ("{%", "Delimiter"),
                ("$x", "Variable"),
                ("+", "Operator"),
                ("%}", "Delimiter"),
            ])
        );
    }
}
