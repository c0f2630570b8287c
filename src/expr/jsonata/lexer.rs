//! Tokenizer for JSONata expressions. Every token carries its byte range in the
//! expression text. Regular-expression literals are only recognised where an operand is
//! expected (after an operator or an opening bracket), so `a / b` stays a division.

use super::JsonataError;
use crate::syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A string literal (escapes resolved).
    Str(String),
    Num(f64),
    /// A field name; `quoted` is true for a back-quoted name, which is never a keyword.
    Name {
        name: String,
        quoted: bool,
    },
    /// `$name`; `$` alone is the empty name and `$$` is `"$"`.
    Var(String),
    Regex {
        pattern: String,
        flags: String,
    },
    /// An operator or punctuation, e.g. `.`, `:=`, `~>`.
    Op(&'static str),
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub range: TextRange,
}

const OPERATORS: &[&str] = &[
    "..", ":=", "!=", "<=", ">=", "~>", "**", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",",
    "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&",
];

/// Characters that end a name.
fn is_name_end(c: char) -> bool {
    c.is_whitespace() || ".[]{}(),@#;:?+-*/%|=<>^&!~\"'`".contains(c)
}

pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    /// Whether the previous token ends an operand (so `/` is division, not a regex).
    after_operand: bool,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lexer {
            src,
            pos: 0,
            after_operand: false,
        }
    }

    /// Restarts lexing at byte `pos` (used after a raw-scanned function signature).
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
        self.after_operand = true;
    }

    fn err(
        &self,
        code: &'static str,
        message: impl Into<String>,
        start: usize,
        end: usize,
    ) -> JsonataError {
        JsonataError::new(code, message, TextRange::from_usize(start, end))
    }

    fn skip_trivia(&mut self) -> Result<(), JsonataError> {
        let bytes = self.src.as_bytes();
        loop {
            while self.pos < bytes.len() && (bytes[self.pos] as char).is_ascii_whitespace() {
                self.pos += 1;
            }
            let rest = &self.src[self.pos..];
            if let Some(c) = rest.chars().next()
                && c.is_whitespace()
            {
                self.pos += c.len_utf8();
                continue;
            }
            if let Some(body) = rest.strip_prefix("/*") {
                match body.find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        return Err(self.err(
                            "S0106",
                            "Comment has no closing tag",
                            self.pos,
                            self.src.len(),
                        ));
                    }
                }
                continue;
            }
            return Ok(());
        }
    }

    pub fn next_token(&mut self) -> Result<Token, JsonataError> {
        self.skip_trivia()?;
        let start = self.pos;
        let rest = &self.src[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::End,
                range: TextRange::from_usize(start, start),
            });
        };
        let tok = if c == '/' && !self.after_operand {
            self.regex()?
        } else if c == '"' || c == '\'' {
            self.string(c)?
        } else if c.is_ascii_digit() {
            self.number()?
        } else if c == '`' {
            match rest[1..].find('`') {
                Some(i) => {
                    self.pos += i + 2;
                    Tok::Name {
                        name: rest[1..1 + i].to_string(),
                        quoted: true,
                    }
                }
                None => {
                    return Err(self.err(
                        "S0105",
                        "Quoted property name must be terminated with a backquote (`)",
                        start,
                        self.src.len(),
                    ));
                }
            }
        } else if c == '$' {
            self.pos += 1;
            let after = &self.src[self.pos..];
            if after.starts_with('$') {
                self.pos += 1;
                Tok::Var("$".into())
            } else {
                let len = after.find(is_name_end).unwrap_or(after.len());
                self.pos += len;
                Tok::Var(after[..len].to_string())
            }
        } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            // `?:`/`??` only when not followed by something that makes `?` a partial
            // placeholder is impossible to tell lexically; JSONata treats them as operators.
            self.pos += op.len();
            Tok::Op(op)
        } else if is_name_end(c) {
            self.pos += c.len_utf8();
            return Err(self.err(
                "S0204",
                format!("Unknown operator: \"{c}\""),
                start,
                self.pos,
            ));
        } else {
            let len = rest.find(is_name_end).unwrap_or(rest.len());
            self.pos += len;
            Tok::Name {
                name: rest[..len].to_string(),
                quoted: false,
            }
        };
        self.after_operand = match &tok {
            Tok::Op(op) => matches!(*op, ")" | "]" | "}"),
            Tok::End => false,
            _ => true,
        };
        Ok(Token {
            tok,
            range: TextRange::from_usize(start, self.pos),
        })
    }

    fn number(&mut self) -> Result<Tok, JsonataError> {
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut i = start;
        if b[i] == b'0' {
            i += 1;
        } else {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        self.pos = i;
        let text = &self.src[start..i];
        let n: f64 = text.parse().unwrap_or(f64::NAN);
        if !n.is_finite() {
            return Err(self.err("S0102", format!("Number out of range: {text}"), start, i));
        }
        Ok(Tok::Num(n))
    }

    fn string(&mut self, quote: char) -> Result<Tok, JsonataError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            let at = start + 1 + i;
            if c == quote {
                self.pos = at + 1;
                return Ok(Tok::Str(out));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                // JSON's escapes, as JSONata's tokenizer has them: no `\'`.
                '"' | '\\' | '/' => out.push(e),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let hex = |s: &str| -> Option<u32> {
                        if s.len() >= 4
                            && s.is_char_boundary(4)
                            && s[..4].chars().all(|c| c.is_ascii_hexdigit())
                        {
                            u32::from_str_radix(&s[..4], 16).ok()
                        } else {
                            None
                        }
                    };
                    let here = at + 2;
                    let Some(cp) = hex(&self.src[here..]) else {
                        return Err(self.err(
                            "S0104",
                            "The escape sequence \\u must be followed by 4 hex digits",
                            at,
                            (here + 4).min(self.src.len()),
                        ));
                    };
                    for _ in 0..4 {
                        chars.next();
                    }
                    if (0xD800..0xDC00).contains(&cp)
                        && self.src[here + 4..].starts_with("\\u")
                        && let Some(lo) = hex(&self.src[here + 6..])
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        for _ in 0..6 {
                            chars.next();
                        }
                        let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        continue;
                    }
                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                }
                other => {
                    return Err(self.err(
                        "S0103",
                        format!("Unsupported escape sequence: \\{other}"),
                        at,
                        at + 1 + other.len_utf8(),
                    ));
                }
            }
        }
        Err(self.err(
            "S0101",
            "String literal must be terminated by a matching quote",
            start,
            self.src.len(),
        ))
    }

    fn regex(&mut self) -> Result<Tok, JsonataError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut i = start + 1;
        let mut depth_class = false;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'[' => depth_class = true,
                b']' => depth_class = false,
                b'/' if !depth_class => {
                    let pattern = self.src[start + 1..i].to_string();
                    if pattern.is_empty() {
                        return Err(self.err(
                            "S0301",
                            "Empty regular expressions are not allowed",
                            start,
                            i + 1,
                        ));
                    }
                    let mut j = i + 1;
                    while j < b.len() && (b[j] == b'i' || b[j] == b'm') {
                        j += 1;
                    }
                    let flags = self.src[i + 1..j].to_string();
                    self.pos = j;
                    return Ok(Tok::Regex { pattern, flags });
                }
                _ => {}
            }
            i += 1;
        }
        Err(self.err(
            "S0302",
            "No terminating / in regular expression",
            start,
            self.src.len(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(s: &str) -> Vec<(Tok, u32, u32)> {
        let mut l = Lexer::new(s);
        let mut out = vec![];
        loop {
            let t = l.next_token().unwrap();
            if t.tok == Tok::End {
                return out;
            }
            out.push((t.tok, t.range.start, t.range.end));
        }
    }

    fn lex_err(s: &str) -> JsonataError {
        let mut l = Lexer::new(s);
        loop {
            match l.next_token() {
                Err(e) => return e,
                Ok(t) if t.tok == Tok::End => panic!("no error for {s}"),
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn tokens_have_exact_ranges() {
        let toks = lex("a.`b c` /* x */ := $v ~> 1.5e2");
        assert_eq!(
            toks,
            vec![
                (
                    Tok::Name {
                        name: "a".into(),
                        quoted: false
                    },
                    0,
                    1
                ),
                (Tok::Op("."), 1, 2),
                (
                    Tok::Name {
                        name: "b c".into(),
                        quoted: true
                    },
                    2,
                    7
                ),
                (Tok::Op(":="), 16, 18),
                (Tok::Var("v".into()), 19, 21),
                (Tok::Op("~>"), 22, 24),
                (Tok::Num(150.0), 25, 30),
            ]
        );
    }

    #[test]
    fn slash_is_regex_only_where_an_operand_is_expected() {
        let toks = lex("a / b");
        assert_eq!(toks[1].0, Tok::Op("/"));
        let toks = lex("$match(a, /x[/]y/i)");
        assert_eq!(
            toks[4],
            (
                Tok::Regex {
                    pattern: "x[/]y".into(),
                    flags: "i".into()
                },
                10,
                18
            )
        );
    }

    #[test]
    fn ranges_and_strings() {
        let toks = lex("[1..5]");
        assert_eq!(toks[1].0, Tok::Num(1.0));
        assert_eq!(toks[2].0, Tok::Op(".."));
        assert_eq!(lex(r#""a\u00e9\n\"""#)[0].0, Tok::Str("aé\n\"".into()));
        assert_eq!(lex(r#""\ud83d\ude00""#)[0].0, Tok::Str("😀".into()));
        assert_eq!(lex("$$")[0].0, Tok::Var("$".into()));
        assert_eq!(lex("$")[0].0, Tok::Var("".into()));
        // JSON's escapes only: `\'` is refused, as by JSONata itself.
        let e = Lexer::new(r"'it\'s'").next_token().unwrap_err();
        assert_eq!(e.code, "S0103");
    }

    #[test]
    fn lexical_errors_have_codes_and_positions() {
        let e = lex_err("'abc");
        assert_eq!((e.code, e.span), ("S0101", TextRange::new(0, 4)));
        let e = lex_err(r#"  "a\qb""#);
        assert_eq!((e.code, e.span), ("S0103", TextRange::new(4, 6)));
        let e = lex_err(r#""\u12""#);
        assert_eq!(e.code, "S0104");
        assert_eq!(lex_err("1e999").code, "S0102");
        assert_eq!(lex_err("`abc").code, "S0105");
        let e = lex_err("a /* open");
        assert_eq!((e.code, e.span.start), ("S0106", 2));
        let e = lex_err("a ! b");
        assert_eq!((e.code, e.span), ("S0204", TextRange::new(2, 3)));
    }
}
