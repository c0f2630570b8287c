//! Number pictures for `$formatNumber`, `$formatInteger` and `$parseInteger` (the
//! decimal-digit subset of the XPath F&O picture language).

use super::JsonataError;
use super::value::Obj;
use crate::syntax::TextRange;

fn opt_char(opts: Option<&Obj>, key: &str, default: char) -> char {
    match opts.and_then(|o| o.get(key)) {
        Some(super::value::Val::Str(s)) => s.chars().next().unwrap_or(default),
        _ => default,
    }
}

/// `$formatNumber(n, picture, options)`: decimal digits, grouping, fraction digits,
/// percent/per-mille and exponent, with JSONata's option names.
pub fn format_number(
    n: f64,
    picture: &str,
    opts: Option<&Obj>,
    span: TextRange,
) -> Result<String, JsonataError> {
    let dec = opt_char(opts, "decimal-separator", '.');
    let grp = opt_char(opts, "grouping-separator", ',');
    let zero = opt_char(opts, "zero-digit", '0');
    let digit = opt_char(opts, "digit", '#');
    let pct = opt_char(opts, "percent", '%');
    let permille = opt_char(opts, "per-mille", '‰');
    let exp_sep = opt_char(opts, "exponent-separator", 'e');
    let minus = opt_char(opts, "minus-sign", '-');
    let pattern_sep = opt_char(opts, "pattern-separator", ';');
    let parts: Vec<&str> = picture.split(pattern_sep).collect();
    if parts.len() > 2 {
        return Err(JsonataError::new(
            "D3080",
            "The picture string must only contain a maximum of two sub-pictures",
            span,
        ));
    }
    let symbols = Symbols {
        dec,
        grp,
        zero,
        digit,
        pct,
        permille,
        exp_sep,
        pattern_sep,
    };
    for part in &parts {
        if let Some(code) = symbols.error_in(part) {
            return Err(JsonataError::new(code, picture_error(code), span));
        }
    }
    let sub = if n < 0.0 && parts.len() == 2 {
        parts[1]
    } else {
        parts[0]
    };
    let is_active = |c: char| {
        c == dec
            || c == grp
            || c == digit
            || c == exp_sep
            || (c as u32 >= zero as u32 && c as u32 <= zero as u32 + 9)
    };
    let chars: Vec<char> = sub.chars().collect();
    let first = chars
        .iter()
        .position(|&c| is_active(c) && c != exp_sep)
        .unwrap_or(chars.len());
    let last = chars
        .iter()
        .rposition(|&c| is_active(c))
        .map(|x| x + 1)
        .unwrap_or(first);
    let prefix: String = chars[..first].iter().collect();
    let suffix: String = chars[last.max(first)..].iter().collect();
    let body: String = chars[first..last.max(first)].iter().collect();
    let (mantissa, exponent) = match body.split_once(exp_sep) {
        Some((m, e))
            if !e.is_empty()
                && e.chars().all(|c| {
                    c.is_ascii_digit() || (c as u32 >= zero as u32 && c as u32 <= zero as u32 + 9)
                }) =>
        {
            (m.to_string(), Some(e.chars().count()))
        }
        _ => (body.clone(), None),
    };
    let (int_pic, frac_pic) = match mantissa.split_once(dec) {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (mantissa.clone(), String::new()),
    };
    let is_digit = |c: char| c as u32 >= zero as u32 && c as u32 <= zero as u32 + 9;
    let mut min_int = int_pic.chars().filter(|&c| is_digit(c)).count();
    let mut min_frac = frac_pic.chars().filter(|&c| is_digit(c)).count();
    let mut max_frac = frac_pic
        .chars()
        .filter(|&c| is_digit(c) || c == digit)
        .count();
    // The mantissa is scaled by the integer digits the picture asks for; the display
    // rules below may then show one more (XPath F&O 4.7.4).
    let scaling = min_int;
    if min_int == 0 && max_frac == 0 {
        if exponent.is_some() {
            min_frac = 1;
            max_frac = 1;
        } else {
            min_int = 1;
        }
    }
    if exponent.is_some() && min_int == 0 && int_pic.contains(digit) {
        min_int = 1;
    }
    // Grouping positions in the fractional part (digits from its left).
    let frac_groups: Vec<usize> = {
        let mut out = Vec::new();
        let mut seen = 0;
        for c in frac_pic.chars() {
            if c == grp {
                out.push(seen);
            } else {
                seen += 1;
            }
        }
        out
    };
    // grouping positions in the integer part (from the right)
    let mut groups = Vec::new();
    let mut count = 0;
    for c in int_pic.chars().rev() {
        if c == grp {
            groups.push(count);
        } else {
            count += 1;
        }
    }
    let mut value = n.abs();
    if prefix.contains(pct) || suffix.contains(pct) {
        value *= 100.0;
    } else if prefix.contains(permille) || suffix.contains(permille) {
        value *= 1000.0;
    }
    let mut exp_val = 0i32;
    if exponent.is_some() && value != 0.0 && value.is_finite() {
        let max = 10f64.powi(scaling as i32);
        let min = 10f64.powi(scaling as i32 - 1);
        while value < min {
            value *= 10.0;
            exp_val -= 1;
        }
        while value > max {
            value /= 10.0;
            exp_val += 1;
        }
    }
    let factor = 10f64.powi(max_frac as i32);
    let rounded = {
        let v = value * factor;
        let v2 = format!("{:.6}", v).parse::<f64>().unwrap_or(v);
        let r = v2.round();
        let r = if (v2 - v2.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
            r - 1.0
        } else {
            r
        };
        r / factor
    };
    let s = format!("{:.*}", max_frac, rounded);
    let (ip, fp) = s
        .split_once('.')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or((s.clone(), String::new()));
    let mut ip = ip.trim_start_matches('0').to_string();
    while ip.len() < min_int {
        ip.insert(0, '0');
    }
    let mut fp = fp;
    while fp.len() > min_frac && fp.ends_with('0') {
        fp.pop();
    }
    // regular grouping if all groups are evenly spaced
    let regular = !groups.is_empty()
        && groups[0] > 0
        && groups
            .iter()
            .enumerate()
            .all(|(i, g)| *g == groups[0] * (i + 1));
    let mut int_out = String::new();
    let digits: Vec<char> = ip.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        let from_right = digits.len() - i;
        int_out.push(*c);
        let pos = from_right - 1;
        if pos > 0
            && ((regular && pos.is_multiple_of(groups[0])) || (!regular && groups.contains(&pos)))
        {
            int_out.push(grp);
        }
    }
    let map_digits = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from_u32(zero as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    };
    let mut out = String::new();
    if n < 0.0 && parts.len() == 1 {
        out.push(minus);
    }
    out.push_str(&prefix);
    out.push_str(&map_digits(&int_out));
    if !fp.is_empty() {
        out.push(dec);
        let mut grouped = String::new();
        for (i, c) in fp.chars().enumerate() {
            if i > 0 && frac_groups.contains(&i) {
                grouped.push(grp);
            }
            grouped.push(c);
        }
        out.push_str(&map_digits(&grouped));
    }
    if let Some(w) = exponent {
        out.push(exp_sep);
        if exp_val < 0 {
            out.push(minus);
        }
        out.push_str(&map_digits(&format!(
            "{:0w$}",
            exp_val.unsigned_abs(),
            w = w
        )));
    }
    out.push_str(&suffix);
    Ok(out)
}

/// The characters of a `$formatNumber` picture (the options may change each).
struct Symbols {
    dec: char,
    grp: char,
    zero: char,
    digit: char,
    pct: char,
    permille: char,
    exp_sep: char,
    pattern_sep: char,
}

impl Symbols {
    fn is_decimal(&self, c: char) -> bool {
        (self.zero as u32..=self.zero as u32 + 9).contains(&(c as u32))
    }

    fn is_active(&self, c: char) -> bool {
        self.is_decimal(c)
            || [
                self.dec,
                self.exp_sep,
                self.grp,
                self.digit,
                self.pattern_sep,
            ]
            .contains(&c)
    }

    /// The error code of a sub-picture that breaks a rule of XPath F&O 4.7.3, as the
    /// JSONata reference checks them (the last rule broken is the one reported).
    fn error_in(&self, sub: &str) -> Option<&'static str> {
        let chars: Vec<char> = sub.chars().collect();
        let count = |c: char| chars.iter().filter(|&&x| x == c).count();
        let anchor = |c: char| self.is_active(c) && c != self.exp_sep;
        let first = chars.iter().position(|&c| anchor(c));
        let last = chars.iter().rposition(|&c| anchor(c));
        let (start, end) = match (first, last) {
            (Some(f), Some(l)) => (f, l + 1),
            _ => (0, chars.len()),
        };
        let active = &chars[start..end];
        let exponent_at = chars[start..]
            .iter()
            .position(|&c| c == self.exp_sep)
            .map(|i| i + start)
            .filter(|&i| i <= end);
        let (mantissa, exponent): (&[char], Option<&[char]>) = match exponent_at {
            // (positions in the active part, as the reference takes them)
            Some(at) => {
                let at = (at - start).min(active.len());
                (&active[..at], Some(active.get(at + 1..).unwrap_or(&[])))
            }
            None => (active, None),
        };
        let decimal_in_mantissa = mantissa.iter().position(|&c| c == self.dec);
        let (integer, fraction): (&[char], &[char]) = match decimal_in_mantissa {
            Some(d) => (&mantissa[..d], &mantissa[d + 1..]),
            None => (mantissa, &chars[end..]),
        };
        let mut error = None;
        if count(self.dec) > 1 {
            error = Some("D3081");
        }
        if count(self.pct) > 1 {
            error = Some("D3082");
        }
        if count(self.permille) > 1 {
            error = Some("D3083");
        }
        if count(self.pct) > 0 && count(self.permille) > 0 {
            error = Some("D3084");
        }
        if !mantissa
            .iter()
            .any(|&c| self.is_decimal(c) || c == self.digit)
        {
            error = Some("D3085");
        }
        if active.iter().any(|&c| !self.is_active(c)) {
            error = Some("D3086");
        }
        match chars.iter().position(|&c| c == self.dec) {
            Some(d) => {
                let before = d.checked_sub(1).and_then(|i| chars.get(i));
                if before == Some(&self.grp) || chars.get(d + 1) == Some(&self.grp) {
                    error = Some("D3087");
                }
            }
            None => {
                if integer.last() == Some(&self.grp) {
                    error = Some("D3088");
                }
            }
        }
        if chars
            .windows(2)
            .any(|w| w[0] == self.grp && w[1] == self.grp)
        {
            error = Some("D3089");
        }
        if let Some(o) = integer.iter().position(|&c| c == self.digit)
            && integer[..o].iter().any(|&c| self.is_decimal(c))
        {
            error = Some("D3090");
        }
        if let Some(o) = fraction.iter().rposition(|&c| c == self.digit)
            && fraction[o..].iter().any(|&c| self.is_decimal(c))
        {
            error = Some("D3091");
        }
        if let Some(e) = exponent {
            if !e.is_empty() && (count(self.pct) > 0 || count(self.permille) > 0) {
                error = Some("D3092");
            }
            if e.is_empty() || e.iter().any(|&c| !self.is_decimal(c)) {
                error = Some("D3093");
            }
        }
        error
    }
}

fn picture_error(code: &str) -> &'static str {
    match code {
        "D3081" => {
            "A sub-picture must not contain more than one instance of the 'decimal-separator' character"
        }
        "D3082" => {
            "A sub-picture must not contain more than one instance of the 'percent' character"
        }
        "D3083" => {
            "A sub-picture must not contain more than one instance of the 'per-mille' character"
        }
        "D3084" => "A sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085" => {
            "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"
        }
        "D3086" => {
            "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
        }
        "D3087" => {
            "A sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"
        }
        "D3088" => {
            "A sub-picture must not contain a 'grouping-separator' at the end of the integer part"
        }
        "D3089" => {
            "A sub-picture must not contain two adjacent instances of the 'grouping-separator' character"
        }
        "D3090" => {
            "The integer part of a sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"
        }
        "D3091" => {
            "The fractional part of a sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"
        }
        "D3092" => {
            "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"
        }
        _ => {
            "The exponent part of a sub-picture that contains an 'exponent-separator' character must not contain a character that is not a member of the 'decimal digit family'"
        }
    }
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
/// The words for powers of ten, largest first. "trillion" is the largest word: a
/// larger number counts its trillions in words (`1e15` is "one thousand trillion").
const SCALES: [(u64, &str); 5] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1000, "thousand"),
    (100, "hundred"),
];

fn words(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    if n < 100 {
        let t = TENS[(n / 10) as usize];
        return if n.is_multiple_of(10) {
            t.to_string()
        } else {
            format!("{t}-{}", ONES[(n % 10) as usize])
        };
    }
    for (size, name) in SCALES {
        if n >= size {
            return join_scale(words(n / size), name, n % size);
        }
    }
    String::new()
}

/// `head name`, then the rest: after "and" below a hundred, after a comma above.
fn join_scale(head: String, name: &str, rest: u64) -> String {
    if rest == 0 {
        format!("{head} {name}")
    } else if rest < 100 {
        format!("{head} {name} and {}", words(rest))
    } else {
        format!("{head} {name}, {}", words(rest))
    }
}

/// Words for a whole number of any size: beyond `u64` precision (2^53) the number is
/// split into trillions and the rest in floating point, as the reference does. Each
/// level divides by 1e12, so the recursion is at most 26 deep.
fn words_f64(n: f64) -> String {
    if !n.is_finite() || n < 9_007_199_254_740_992.0 {
        return words(if n.is_finite() { n as u64 } else { 0 });
    }
    let trillion = 1e12;
    let head = (n / trillion).floor();
    let rest = n - head * trillion;
    let rest = if rest > 0.0 { rest as u64 } else { 0 };
    join_scale(words_f64(head), "trillion", rest)
}

/// Every word `words` and `ordinal_words` write, with its value: the cardinals and
/// ordinals below twenty, the tens, then the scales from "hundred" up.
pub(super) fn word_values() -> &'static [(String, f64)] {
    static TABLE: std::sync::OnceLock<Vec<(String, f64)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::new();
        for (i, w) in ONES.iter().enumerate() {
            table.push((w.to_string(), i as f64));
        }
        for (i, w) in ONES.iter().enumerate() {
            table.push((ordinal_words(w), i as f64));
        }
        for (i, w) in TENS.iter().enumerate().skip(2) {
            table.push((w.to_string(), 10.0 * i as f64));
            table.push((ordinal_words(w), 10.0 * i as f64));
        }
        for (size, w) in SCALES.iter().rev() {
            table.push((w.to_string(), *size as f64));
            table.push((ordinal_words(w), *size as f64));
        }
        table
    })
}

/// The words of `text` as the reference splits them: at ", ", at " and ", and at
/// any one space, hyphen or backslash (so two spaces leave an empty word).
fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while let Some(c) = text[i..].chars().next() {
        let after = &text[i + c.len_utf8()..];
        let space_after = |s: &str| s.chars().next().filter(|c| c.is_whitespace());
        let separator = if c == ','
            && let Some(s) = space_after(after)
        {
            1 + s.len_utf8()
        } else if c.is_whitespace()
            && let Some(rest) = after.strip_prefix("and")
            && let Some(s) = space_after(rest)
        {
            c.len_utf8() + 3 + s.len_utf8()
        } else if c.is_whitespace() || c == '-' || c == '\\' {
            c.len_utf8()
        } else {
            0
        };
        if separator > 0 {
            out.push(&text[start..i]);
            i += separator;
            start = i;
        } else {
            i += c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// The value of a number in words, cardinal or ordinal, in any case. Each word below a
/// hundred adds to the current group (a new group after a thousand or more); each
/// larger word multiplies it; the groups are summed. An unknown word gives `None`.
pub(super) fn words_value(text: &str) -> Option<f64> {
    let text = text.to_lowercase();
    let table = word_values();
    let mut groups = vec![0.0_f64];
    for word in split_words(&text) {
        let value = table.iter().find(|(w, _)| w == word)?.1;
        let top = groups.pop().unwrap_or(0.0);
        if value < 100.0 {
            if top >= 1000.0 {
                groups.push(top);
                groups.push(value);
            } else {
                groups.push(top + value);
            }
        } else {
            groups.push(top * value);
        }
    }
    Some(groups.iter().sum())
}

const ROMAN: [(u64, &str); 13] = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
];

/// Roman numerals are written up to this value (a hundred `m`s); above it the text
/// would grow with the number itself.
const ROMAN_MAX: u64 = 100_000;

fn roman(mut n: u64) -> String {
    let mut out = String::new();
    for (v, s) in ROMAN {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// The value of a roman numeral in either case, read from the right: a letter worth
/// less than the largest one after it is subtracted. The letters' values are the
/// one-letter entries of the formatter's table; any other character gives `None`.
pub(super) fn roman_value(text: &str) -> Option<f64> {
    let (mut total, mut largest) = (0.0, 0.0);
    for c in text.chars().rev() {
        let c = c.to_ascii_lowercase();
        let (value, _) = ROMAN
            .iter()
            .find(|(_, s)| s.len() == 1 && s.starts_with(c))?;
        let value = *value as f64;
        if value < largest {
            total -= value;
        } else {
            largest = value;
            total += value;
        }
    }
    Some(total)
}

fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

/// The value of spreadsheet-style letters (`a` 1, `z` 26, `aa` 27) in either case;
/// any other character gives `None`.
pub(super) fn letters_value(text: &str) -> Option<f64> {
    let mut total = 0.0;
    for c in text.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        total = total * 26.0 + f64::from(c.to_ascii_lowercase() as u8 - b'a' + 1);
    }
    Some(total)
}

/// The zero of each Unicode decimal digit family in the Basic Multilingual Plane; a
/// family is its zero and the nine code points after it.
const DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// The zero of the decimal digit family `c` belongs to.
fn digit_family(c: char) -> Option<u32> {
    DIGIT_ZEROS
        .iter()
        .copied()
        .find(|&zero| (zero..=zero + 9).contains(&(c as u32)))
}

/// The case words are written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum WordCase {
    Lower,
    Upper,
    Title,
}

/// What the first part of an integer picture asks for.
#[derive(Debug)]
pub(super) enum Primary {
    /// Digits of the family starting at `zero`: at least `mandatory` of them; the
    /// grouping separators by their place (in digits and `#`s) from the right.
    Decimal {
        zero: u32,
        mandatory: usize,
        separators: Vec<(usize, char)>,
    },
    Words(WordCase),
    Roman {
        upper: bool,
    },
    Letters {
        upper: bool,
    },
    /// Any other token: a numbering sequence this implementation does not have.
    Sequence(String),
}

/// An integer picture (`#,##0`, `w;o`, `I`, ...), read once for formatting or parsing.
#[derive(Debug)]
pub(super) struct IntegerPicture {
    pub(super) primary: Primary,
    /// `;o` after the picture: `1st`, `first`.
    pub(super) ordinal: bool,
}

/// Reads an integer picture. Digits from two families in one pattern are D3131.
pub(super) fn integer_picture(
    picture: &str,
    span: TextRange,
) -> Result<IntegerPicture, JsonataError> {
    let (token, modifier) = picture.rsplit_once(';').unwrap_or((picture, ""));
    let primary = match token {
        "A" => Primary::Letters { upper: true },
        "a" => Primary::Letters { upper: false },
        "I" => Primary::Roman { upper: true },
        "i" => Primary::Roman { upper: false },
        "W" => Primary::Words(WordCase::Upper),
        "Ww" => Primary::Words(WordCase::Title),
        "w" => Primary::Words(WordCase::Lower),
        _ => {
            let (mut zero, mut mandatory, mut place) = (None, 0, 0);
            let mut separators = Vec::new();
            for c in token.chars().rev() {
                if let Some(z) = digit_family(c) {
                    if zero.is_some_and(|first| first != z) {
                        return Err(JsonataError::new(
                            "D3131",
                            "In a decimal digit pattern, all digits must be from the same decimal group",
                            span,
                        ));
                    }
                    zero = Some(z);
                    mandatory += 1;
                    place += 1;
                } else if c == '#' {
                    place += 1;
                } else {
                    separators.push((place, c));
                }
            }
            match zero {
                Some(zero) => Primary::Decimal {
                    zero,
                    mandatory,
                    separators,
                },
                None => Primary::Sequence(token.to_string()),
            }
        }
    };
    Ok(IntegerPicture {
        primary,
        ordinal: modifier.starts_with('o'),
    })
}

fn sequence_error(token: &str, span: TextRange) -> JsonataError {
    JsonataError::new(
        "D3130",
        format!(
            "Formatting or parsing an integer as a sequence starting with {token} is not supported by this implementation"
        ),
        span,
    )
}

/// `$formatInteger(n, picture)`: decimal digit patterns (any digit family), `w`/`W`/`Ww`
/// words, `i`/`I` roman numerals, `a`/`A` letters; `;o` for ordinals. The number is
/// rounded down first.
pub fn format_integer(n: f64, picture: &str, span: TextRange) -> Result<String, JsonataError> {
    let pic = integer_picture(picture, span)?;
    let n = n.floor();
    let neg = n < 0.0;
    let n = n.abs();
    let v = n as u64;
    let body = match &pic.primary {
        Primary::Words(case) => {
            let mut w = words_f64(n);
            if pic.ordinal {
                w = ordinal_words(&w);
            }
            match case {
                WordCase::Upper => w.to_uppercase(),
                WordCase::Title => w
                    .split(' ')
                    .map(|word| match word {
                        "and" => word.to_string(),
                        _ => word.split('-').map(title).collect::<Vec<_>>().join("-"),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                WordCase::Lower => w,
            }
        }
        Primary::Roman { upper } => {
            if v > ROMAN_MAX {
                return Err(JsonataError::new(
                    "D3130",
                    format!("Roman numerals are written here for numbers up to {ROMAN_MAX}"),
                    span,
                ));
            }
            let r = roman(v);
            if *upper { r.to_uppercase() } else { r }
        }
        Primary::Letters { upper } => {
            let l = letters(v);
            if *upper { l.to_uppercase() } else { l }
        }
        Primary::Decimal {
            zero,
            mandatory,
            separators,
        } => {
            let mut s = group_digits(&format!("{v:0mandatory$}"), separators);
            if *zero != u32::from('0') {
                s = s
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => char::from_u32(zero + d).unwrap_or(c),
                        None => c,
                    })
                    .collect();
            }
            if pic.ordinal {
                s.push_str(match (v % 10, v % 100) {
                    (1, x) if x != 11 => "st",
                    (2, x) if x != 12 => "nd",
                    (3, x) if x != 13 => "rd",
                    _ => "th",
                });
            }
            s
        }
        Primary::Sequence(token) => return Err(sequence_error(token, span)),
    };
    Ok(if neg { format!("-{body}") } else { body })
}

/// The one separator and its step when the picture's grouping separators are the
/// same character at every multiple of the first place (`#,##0`, `01:01`).
pub(super) fn regular_grouping(separators: &[(usize, char)]) -> Option<(usize, char)> {
    let &(step, g) = separators.first().filter(|(step, _)| *step > 0)?;
    separators
        .iter()
        .enumerate()
        .all(|(i, &(at, c))| c == g && at == step * (i + 1))
        .then_some((step, g))
}

/// Puts the picture's grouping separators into ASCII `digits`: a regular grouping
/// repeats over the whole number; any other set applies at its places only.
fn group_digits(digits: &str, separators: &[(usize, char)]) -> String {
    if separators.first().is_none_or(|(step, _)| *step == 0) {
        return digits.to_string();
    }
    let regular = regular_grouping(separators);
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        let pos = chars.len() - i - 1;
        if pos == 0 {
            continue;
        }
        if let Some((step, g)) = regular {
            if pos.is_multiple_of(step) {
                out.push(g);
            }
        } else if let Some(&(_, sep)) = separators.iter().find(|(at, _)| *at == pos) {
            out.push(sep);
        }
    }
    out
}

fn title(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn ordinal_words(w: &str) -> String {
    let (head, last) = match w.rfind([' ', '-']) {
        Some(i) => (&w[..=i], &w[i + 1..]),
        None => ("", w),
    };
    let irregular = [
        ("one", "first"),
        ("two", "second"),
        ("three", "third"),
        ("five", "fifth"),
        ("eight", "eighth"),
        ("nine", "ninth"),
        ("twelve", "twelfth"),
    ];
    let last = match irregular.iter().find(|(a, _)| *a == last) {
        Some((_, b)) => b.to_string(),
        None => match last.strip_suffix('y') {
            Some(stem) => format!("{stem}ieth"),
            None => format!("{last}th"),
        },
    };
    format!("{head}{last}")
}

/// The value of a decimal number written in the digit family starting at `zero`:
/// leading spaces and a sign, then digits, skipping the picture's grouping separators,
/// up to the first other character (an ordinal suffix, say). No digits gives `None`.
pub(super) fn decimal_value(text: &str, zero: u32, separators: &[(usize, char)]) -> Option<f64> {
    let text = text.trim_start();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut digits = String::new();
    for c in text.chars() {
        let d = (c as u32).wrapping_sub(zero);
        if d <= 9 {
            digits.push(char::from(b'0' + d as u8));
        } else if !separators.iter().any(|&(_, s)| s == c) {
            break;
        }
    }
    let value: f64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `$parseInteger(text, picture)`: the inverse of `$formatInteger` for the same pictures.
/// Text the picture cannot read, or a value beyond `f64`, gives `None`.
pub fn parse_integer(
    text: &str,
    picture: &str,
    span: TextRange,
) -> Result<Option<f64>, JsonataError> {
    let pic = integer_picture(picture, span)?;
    Ok(match &pic.primary {
        Primary::Roman { .. } => roman_value(text),
        Primary::Letters { .. } => letters_value(text),
        Primary::Words(_) => words_value(text),
        Primary::Decimal {
            zero, separators, ..
        } => decimal_value(text, *zero, separators),
        Primary::Sequence(token) => return Err(sequence_error(token, span)),
    }
    .filter(|v| v.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(n: f64, pic: &str) -> Result<String, String> {
        format_integer(n, pic, TextRange::default()).map_err(|e| e.code.to_string())
    }

    fn parse(text: &str, pic: &str) -> Result<Option<f64>, String> {
        parse_integer(text, pic, TextRange::default()).map_err(|e| e.code.to_string())
    }

    #[test]
    fn other_digit_families() {
        assert_eq!(
            fmt(12340.0, "###\u{661}").unwrap(),
            "\u{661}\u{662}\u{663}\u{664}\u{660}"
        );
        assert_eq!(
            fmt(1234.0, "#,\u{ff10}\u{ff10}\u{ff10}").unwrap(),
            "\u{ff11},\u{ff12}\u{ff13}\u{ff14}"
        );
        assert_eq!(fmt(12340.0, "##0\u{ff10}").unwrap_err(), "D3131");
        assert_eq!(
            parse("\u{661}\u{662}\u{663}\u{664}\u{660}", "###\u{661}").unwrap(),
            Some(12340.0)
        );
        assert_eq!(
            parse("\u{ff11},\u{ff12}\u{ff13}\u{ff14}", "#,##\u{ff10}").unwrap(),
            Some(1234.0)
        );
        assert_eq!(parse("12", "##0\u{ff10}").unwrap_err(), "D3131");
        // Digits of another family stop the number.
        assert_eq!(parse("12\u{661}", "0").unwrap(), Some(12.0));
        assert_eq!(parse("\u{661}", "0").unwrap(), None);
        assert_eq!(parse("50", "#").unwrap_err(), "D3130");
    }

    #[test]
    fn decimal_parsing_stops_at_other_characters() {
        assert_eq!(parse("28th", "#0;o").unwrap(), Some(28.0));
        assert_eq!(
            parse("1234:567,890", "#:###,##0").unwrap(),
            Some(1_234_567_890.0)
        );
        assert_eq!(parse(" -12", "0").unwrap(), Some(-12.0));
        assert_eq!(parse("1a2", "0").unwrap(), Some(1.0));
        assert_eq!(parse("", "0").unwrap(), None);
        assert_eq!(parse(&"9".repeat(400), "0").unwrap(), None);
    }

    #[test]
    fn words_beyond_u64() {
        assert_eq!(
            fmt(1e46, "w").unwrap(),
            "ten billion trillion trillion trillion"
        );
        assert_eq!(fmt(1e15, "w").unwrap(), "one thousand trillion");
        assert_eq!(fmt(f64::MAX, "w").unwrap().matches("trillion").count(), 25);
        assert_eq!(parse("one thousand trillion", "w").unwrap(), Some(1e15));
        assert_eq!(
            parse("ten billion trillion trillion trillion", "w").unwrap(),
            Some(1e46)
        );
        assert_eq!(
            parse("trillion ".repeat(40).trim_end(), "w").unwrap(),
            Some(0.0)
        );
        assert_eq!(
            parse(&format!("one{}", " trillion".repeat(40)), "w").unwrap(),
            None
        );
    }

    #[test]
    fn words_are_split_as_the_reference_splits_them() {
        assert_eq!(
            parse("one thousand, nine hundred and eighty-four", "w").unwrap(),
            Some(1984.0)
        );
        assert_eq!(
            parse("nineteen hundred and eighty-four", "w").unwrap(),
            Some(1984.0)
        );
        assert_eq!(
            parse("Three Hundred And Sixty-Fifth", "Ww").unwrap(),
            Some(365.0)
        );
        assert_eq!(
            parse("one trillion and first", "w;o").unwrap(),
            Some(1e12 + 1.0)
        );
        // A comma needs a space after it, and two spaces leave an empty word.
        assert_eq!(parse("one thousand,nine", "w").unwrap(), None);
        assert_eq!(parse("one  two", "w").unwrap(), None);
        assert_eq!(parse("eleventy", "w").unwrap(), None);
        assert_eq!(parse("", "w").unwrap(), None);
    }

    #[test]
    fn roman_and_letters() {
        assert_eq!(parse("MCMLXXXIV", "I").unwrap(), Some(1984.0));
        assert_eq!(parse("mmxviii", "i").unwrap(), Some(2018.0));
        // From the right, smaller letters before a larger one subtract.
        assert_eq!(parse("IIX", "I").unwrap(), Some(8.0));
        assert_eq!(parse("MXQ", "I").unwrap(), None);
        assert_eq!(parse("FZPH", "A").unwrap(), Some(123_456.0));
        assert_eq!(parse("ae", "a").unwrap(), Some(31.0));
        assert_eq!(parse("a1", "a").unwrap(), None);
        assert_eq!(fmt(100_000.0, "I").unwrap().len(), 100);
        assert_eq!(fmt(1e18, "i").unwrap_err(), "D3130");
    }
}
