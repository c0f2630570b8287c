//! Function signatures (`<s-n?:s>`), used both for user lambdas and to validate the
//! arguments of built-in functions (errors T0410, T0411, T0412).

use super::JsonataError;
use crate::syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct SigParam {
    /// Accepted type symbols: b n s l a o f, plus j (any JSON), x (anything), u (b n s l).
    pub types: String,
    /// For `a<...>`: the element types an array must have.
    pub element: Option<String>,
    pub optional: bool,
    /// `+`: one or more.
    pub variadic: bool,
    /// `-`: when missing, the context value is used.
    pub context: bool,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Signature {
    pub params: Vec<SigParam>,
}

fn expand(sym: char) -> &'static str {
    match sym {
        'j' => "bnsloa",
        'x' => "bnsloaf",
        'u' => "bnsl",
        'b' => "b",
        'n' => "n",
        's' => "s",
        'l' => "l",
        'o' => "o",
        'a' => "a",
        'f' => "f",
        _ => "",
    }
}

impl Signature {
    /// Parses `<...>` text. Errors carry offsets relative to `text`.
    pub fn parse(text: &str) -> Result<Signature, JsonataError> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let err = |code: &'static str, msg: &str, at: usize| {
            JsonataError::new(code, msg.to_string(), TextRange::from_usize(at, at + 1))
        };
        let mut i = 1; // skip '<'
        let mut params: Vec<SigParam> = Vec::new();
        let end = chars.len().saturating_sub(1); // the closing '>'
        while i < end {
            let (at, c) = chars[i];
            match c {
                ':' => break, // return type: not checked
                'b' | 'n' | 's' | 'l' | 'o' | 'a' | 'f' | 'j' | 'x' | 'u' => {
                    params.push(SigParam {
                        types: expand(c).to_string(),
                        element: None,
                        optional: false,
                        variadic: false,
                        context: false,
                    });
                    i += 1;
                }
                '(' => {
                    let mut types = String::new();
                    i += 1;
                    while i < end && chars[i].1 != ')' {
                        let (cat, cc) = chars[i];
                        if i + 1 < end && chars[i + 1].1 == '<' {
                            return Err(err(
                                "S0402",
                                "Choice groups containing parameterized types are not supported",
                                cat,
                            ));
                        }
                        let e = expand(cc);
                        if e.is_empty() {
                            return Err(err("S0401", "Unknown type in function signature", cat));
                        }
                        types.push_str(e);
                        i += 1;
                    }
                    i += 1;
                    params.push(SigParam {
                        types,
                        element: None,
                        optional: false,
                        variadic: false,
                        context: false,
                    });
                }
                '<' => {
                    let Some(last) = params.last_mut() else {
                        return Err(err(
                            "S0401",
                            "Type parameters can only be applied to functions and arrays",
                            at,
                        ));
                    };
                    if last.types != "a" && last.types != "f" {
                        return Err(err(
                            "S0401",
                            "Type parameters can only be applied to functions and arrays",
                            at,
                        ));
                    }
                    let mut depth = 0;
                    let mut inner = String::new();
                    while i < end {
                        let c = chars[i].1;
                        if c == '<' {
                            depth += 1;
                        } else if c == '>' {
                            depth -= 1;
                        }
                        inner.push(c);
                        i += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    if last.types == "a" {
                        let body = &inner[1..inner.len().saturating_sub(1)];
                        let mut el = String::new();
                        for c in body.chars() {
                            el.push_str(expand(c));
                        }
                        last.element = Some(el);
                    }
                }
                '?' | '+' | '-' => {
                    let Some(last) = params.last_mut() else {
                        return Err(err(
                            "S0401",
                            "Modifier without a type in function signature",
                            at,
                        ));
                    };
                    match c {
                        '?' => last.optional = true,
                        '+' => last.variadic = true,
                        _ => last.context = true,
                    }
                    i += 1;
                }
                _ => return Err(err("S0401", "Unknown type in function signature", at)),
            }
        }
        Ok(Signature { params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_params_and_modifiers() {
        let s = Signature::parse("<s-n?a<n>(sf)+:s>").unwrap();
        assert_eq!(s.params.len(), 4);
        assert!(s.params[0].context && s.params[0].types == "s");
        assert!(s.params[1].optional);
        assert_eq!(s.params[2].element.as_deref(), Some("n"));
        assert_eq!(s.params[3].types, "sf");
        assert!(s.params[3].variadic);
        assert_eq!(
            Signature::parse("<j-:j>").unwrap().params[0].types,
            "bnsloa"
        );
    }

    #[test]
    fn rejects_bad_parameterised_types() {
        assert_eq!(Signature::parse("<n<n>>").unwrap_err().code, "S0401");
        assert_eq!(Signature::parse("<(sa<n>)>").unwrap_err().code, "S0402");
    }
}
