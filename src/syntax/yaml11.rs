//! What a YAML 1.1 reader (CloudFormation, the YAML reader of `sam deploy` and
//! `aws cloudformation package`) makes of a plain scalar that YAML 1.2 reads otherwise.

/// The YAML 1.1 reading of a plain scalar, where it differs from the YAML 1.2 one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// `yes`, `no`, `on`, `off` (in the three cases YAML 1.1 allows).
    Bool(bool),
    /// A number, and how it is written.
    Int(i64, IntForm),
    /// Text: a YAML 1.2 number YAML 1.1 does not read as one (`0o17`, `1e3`, `08`).
    Text,
}

/// How a YAML 1.1 integer that YAML 1.2 reads otherwise is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntForm {
    /// `010` (8).
    Octal,
    /// `0b101` (5).
    Binary,
    /// `1_000` (1000).
    Underscored,
    /// `1:30` (90).
    Sexagesimal,
}

/// What YAML 1.1 makes of the plain scalar `token` when YAML 1.2 reads it otherwise
/// (`None`: both agree, or `token` is quoted or not a scalar).
pub fn reading(token: &str) -> Option<Reading> {
    match token {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some(Reading::Bool(true)),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Some(Reading::Bool(false)),
        _ => {}
    }
    let (negative, digits) = match token.strip_prefix(['-', '+']) {
        Some(rest) => (token.starts_with('-'), rest),
        None => (false, token),
    };
    // YAML 1.2 numbers that YAML 1.1 reads as text: `0o17`; and exponents, which YAML
    // 1.1 takes only after a dot and with a sign (`1e3`, `1e-3`, `1.5e3` are text).
    if digits
        .strip_prefix("0o")
        .is_some_and(|o| !o.is_empty() && o.bytes().all(|b| matches!(b, b'0'..=b'7')))
    {
        return Some(Reading::Text);
    }
    if let Some((mantissa, exponent)) = digits.split_once(['e', 'E']) {
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let signed = exponent.starts_with(['-', '+']);
        let number = all_digits(int)
            && (frac.is_empty() || all_digits(frac))
            && all_digits(exponent.trim_start_matches(['-', '+']));
        let dotted = mantissa.contains('.');
        if number && !(dotted && signed) {
            return Some(Reading::Text);
        }
    }
    let (value, form) = if let Some(bin) = digits.strip_prefix("0b") {
        let value = (!bin.is_empty() && bin.bytes().all(|b| matches!(b, b'0' | b'1' | b'_')))
            .then(|| i64::from_str_radix(&bin.replace('_', ""), 2).ok())??;
        (value, IntForm::Binary)
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        // YAML 1.1 octal; with an 8 or 9 it is no number there (but decimal in 1.2).
        let octal = digits[1..].replace('_', "");
        if octal.bytes().any(|b| b > b'7') {
            return Some(Reading::Text);
        }
        let value = i64::from_str_radix(&octal, 8).ok()?;
        // `07`, `00`: the same number either way.
        if digits.replace('_', "").parse::<i64>().ok() == Some(value) {
            return None;
        }
        (value, IntForm::Octal)
    } else if digits.contains('_')
        && digits
            .bytes()
            .next()
            .is_some_and(|b| matches!(b, b'1'..=b'9'))
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        // `1_000`: a number to YAML 1.1, text to YAML 1.2.
        (
            digits.replace('_', "").parse::<i64>().ok()?,
            IntForm::Underscored,
        )
    } else if digits.contains(':')
        // YAML 1.1 sexagesimal numbers start with 1 to 9 (`09:30` is text there too).
        && digits.bytes().next().is_some_and(|b| matches!(b, b'1'..=b'9'))
        && digits.split(':').skip(1).all(|p| {
            !p.is_empty()
                && p.len() <= 2
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u8>().is_ok_and(|n| n < 60)
        })
        && digits
            .split(':')
            .next()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        let value = digits.split(':').try_fold(0i64, |acc, p| {
            Some(acc.checked_mul(60)? + p.parse::<i64>().ok()?)
        })?;
        (value, IntForm::Sexagesimal)
    } else {
        return None;
    };
    Some(Reading::Int(if negative { -value } else { value }, form))
}
