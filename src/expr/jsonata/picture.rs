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
    let min_int = int_pic.chars().filter(|&c| is_digit(c)).count();
    let min_frac = frac_pic.chars().filter(|&c| is_digit(c)).count();
    let max_frac = frac_pic
        .chars()
        .filter(|&c| is_digit(c) || c == digit)
        .count();
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
    if exponent.is_some() && value != 0.0 {
        let target = min_int.max(1) as i32;
        exp_val = value.log10().floor() as i32 + 1 - target;
        value /= 10f64.powi(exp_val);
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
        out.push_str(&map_digits(&fp));
    }
    if let Some(w) = exponent {
        out.push(exp_sep);
        out.push_str(&map_digits(&format!("{:0w$}", exp_val, w = w)));
    }
    out.push_str(&suffix);
    Ok(out)
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
                "Ww" => w.split(' ').map(title).collect::<Vec<_>>().join(" "),
                _ => w,
            }
        }
        "i" => roman(v),
        "I" => roman(v).to_uppercase(),
        "a" => letters(v),
        "A" => letters(v).to_uppercase(),
        p if p.chars().any(|c| c.is_ascii_digit()) => {
            let grp_char = p.chars().find(|c| !c.is_ascii_digit() && *c != '#');
            let min = p.chars().filter(|c| c.is_ascii_digit()).count();
            let mut s = format!("{:0min$}", v);
            if let Some(g) = grp_char {
                let positions: Vec<usize> = {
                    let mut out = Vec::new();
                    let mut count = 0;
                    for c in p.chars().rev() {
                        if c == g {
                            out.push(count);
                        } else {
                            count += 1;
                        }
                    }
                    out
                };
                let step = positions.first().copied().unwrap_or(3).max(1);
                let digits: Vec<char> = s.chars().collect();
                let mut out = String::new();
                for (i, c) in digits.iter().enumerate() {
                    out.push(*c);
                    let pos = digits.len() - i - 1;
                    if pos > 0 && pos.is_multiple_of(step) {
                        out.push(g);
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
