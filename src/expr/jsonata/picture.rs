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
            "A sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
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
    let scales = [
        (1_000_000_000_000u64, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1000, "thousand"),
        (100, "hundred"),
    ];
    for (size, name) in scales {
        if n >= size {
            let head = words(n / size);
            let rest = n % size;
            return if rest == 0 {
                format!("{head} {name}")
            } else if rest < 100 {
                format!("{head} {name} and {}", words(rest))
            } else {
                format!("{head} {name}, {}", words(rest))
            };
        }
    }
    String::new()
}

fn roman(mut n: u64) -> String {
    let table = [
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
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
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

/// `$formatInteger(n, picture)`: decimal digit patterns, `w`/`W`/`Ww` words, `i`/`I`
/// roman numerals, `a`/`A` letters.
pub fn format_integer(n: f64, picture: &str, span: TextRange) -> Result<String, JsonataError> {
    let (pic, modifier) = match picture.rsplit_once(';') {
        Some((p, m)) => (p, m),
        None => (picture, ""),
    };
    let ordinal = modifier.starts_with('o');
    let v = n.abs().trunc() as u64;
    let neg = n < 0.0;
    let body = match pic {
        "w" | "W" | "Ww" => {
            let mut w = words(v);
            if ordinal {
                w = ordinal_words(&w);
            }
            match pic {
                "W" => w.to_uppercase(),
                "Ww" => w
                    .split(' ')
                    .map(|word| match word {
                        "and" => word.to_string(),
                        _ => word.split('-').map(title).collect::<Vec<_>>().join("-"),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => w,
            }
        }
        "i" => roman(v),
        "I" => roman(v).to_uppercase(),
        "a" => letters(v),
        "A" => letters(v).to_uppercase(),
        p if p.chars().any(|c| c.is_ascii_digit()) => {
            let min = p.chars().filter(|c| c.is_ascii_digit()).count();
            let mut s = format!("{:0min$}", v);
            // Grouping separators by their place from the right (in digits). One
            // character at multiples of the first place repeats over the whole number;
            // any other set applies at its places only.
            let mut separators: Vec<(usize, char)> = Vec::new();
            let mut seen = 0;
            for c in p.chars().rev() {
                if c.is_ascii_digit() || c == '#' {
                    seen += 1;
                } else {
                    separators.push((seen, c));
                }
            }
            if let Some(&(step, g)) = separators.first()
                && step > 0
            {
                let regular = separators
                    .iter()
                    .enumerate()
                    .all(|(i, &(at, c))| c == g && at == step * (i + 1));
                let digits: Vec<char> = s.chars().collect();
                let mut out = String::new();
                for (i, c) in digits.iter().enumerate() {
                    out.push(*c);
                    let pos = digits.len() - i - 1;
                    if pos == 0 {
                        continue;
                    }
                    if regular {
                        if pos.is_multiple_of(step) {
                            out.push(g);
                        }
                    } else if let Some(&(_, sep)) = separators.iter().find(|(at, _)| *at == pos) {
                        out.push(sep);
                    }
                }
                s = out;
            }
            if ordinal {
                s.push_str(match (v % 10, v % 100) {
                    (1, x) if x != 11 => "st",
                    (2, x) if x != 12 => "nd",
                    (3, x) if x != 13 => "rd",
                    _ => "th",
                });
            }
            s
        }
        _ => {
            return Err(JsonataError::new(
                "D3130",
                format!(
                    "Formatting or parsing an integer as a sequence starting with {pic} is not supported by this implementation"
                ),
                span,
            ));
        }
    };
    Ok(if neg { format!("-{body}") } else { body })
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
        None if last.ends_with('y') => format!("{}ieth", &last[..last.len() - 1]),
        None => format!("{last}th"),
    };
    format!("{head}{last}")
}

/// `$parseInteger(text, picture)` for decimal pictures, words and roman numerals.
pub fn parse_integer(
    text: &str,
    picture: &str,
    span: TextRange,
) -> Result<Option<f64>, JsonataError> {
    let pic = picture.split(';').next().unwrap_or("");
    match pic {
        "i" | "I" => {
            let vals = |c: char| match c.to_ascii_lowercase() {
                'i' => 1,
                'v' => 5,
                'x' => 10,
                'l' => 50,
                'c' => 100,
                'd' => 500,
                'm' => 1000,
                _ => 0,
            };
            let cs: Vec<i64> = text.chars().map(vals).collect();
            let mut total = 0;
            for (i, v) in cs.iter().enumerate() {
                if cs.get(i + 1).is_some_and(|n| n > v) {
                    total -= v;
                } else {
                    total += v;
                }
            }
            Ok(Some(total as f64))
        }
        "a" | "A" => {
            let mut total = 0u64;
            for c in text.to_ascii_lowercase().chars() {
                total = total * 26 + (c as u64 - 'a' as u64 + 1);
            }
            Ok(Some(total as f64))
        }
        "w" | "W" | "Ww" => {
            let mut total = 0u64;
            let mut current = 0u64;
            for w in text
                .to_lowercase()
                .split([' ', '-', ','])
                .filter(|w| !w.is_empty() && *w != "and")
            {
                let w = w.trim_end_matches("th");
                if let Some(i) = ONES.iter().position(|x| *x == w) {
                    current += i as u64;
                } else if let Some(i) = TENS.iter().position(|x| {
                    !x.is_empty() && (*x == w || format!("{}ie", &x[..x.len() - 1]) == w)
                }) {
                    current += 10 * i as u64;
                } else if w == "hundred" {
                    current *= 100;
                } else if let Some(scale) = [
                    ("thousand", 1000u64),
                    ("million", 1_000_000),
                    ("billion", 1_000_000_000),
                    ("trillion", 1_000_000_000_000),
                ]
                .iter()
                .find(|(n, _)| *n == w)
                {
                    total += current * scale.1;
                    current = 0;
                } else if let Some((_, n)) = [
                    ("first", 1),
                    ("second", 2),
                    ("third", 3),
                    ("fif", 5),
                    ("eigh", 8),
                    ("nin", 9),
                    ("twelf", 12),
                ]
                .iter()
                .find(|(o, _)| *o == w)
                {
                    current += n;
                } else {
                    return Ok(None);
                }
            }
            Ok(Some((total + current) as f64))
        }
        p if p.chars().any(|c| c.is_ascii_digit()) => {
            let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return Ok(None);
            }
            Ok(digits.parse::<f64>().ok())
        }
        _ => Err(JsonataError::new(
            "D3130",
            format!("Parsing an integer with picture {pic} is not supported"),
            span,
        )),
    }
}
