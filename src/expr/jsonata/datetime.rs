//! Dates for `$now`, `$fromMillis` and `$toMillis`: ISO 8601 and the XPath picture
//! language as JSONata has it (`[Y0001]-[M01]-[D01]`, ordinals, words, roman numerals,
//! names, 12-hour clocks, time zones), written by `format_picture` and read back by
//! `parse_picture` with the same markers and number pictures.

use super::JsonataError;
use crate::syntax::TextRange;

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) for days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    milli: i64,
    /// 0 = Sunday
    weekday: i64,
    day_of_year: i64,
    /// Days since 1970-01-01.
    days: i64,
}

fn parts(ms: i64) -> Parts {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: rem / 3_600_000,
        minute: rem / 60_000 % 60,
        second: rem / 1000 % 60,
        milli: rem % 1000,
        weekday: (days + 4).rem_euclid(7),
        day_of_year: days - days_from_civil(year, 1, 1) + 1,
        days,
    }
}

/// `2024-01-31T12:00:00.000Z`
pub fn format_iso(ms: i64) -> String {
    let p = parts(ms);
    let year = if (0..=9999).contains(&p.year) {
        format!("{:04}", p.year)
    } else {
        format!("{}{:06}", if p.year < 0 { '-' } else { '+' }, p.year.abs())
    };
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        year, p.month, p.day, p.hour, p.minute, p.second, p.milli
    )
}

/// Parses the ISO 8601 forms JavaScript's `Date` accepts (date, date-time, fraction,
/// `Z` or `±hh:mm`). Date-only forms are UTC.
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<i64> {
        let t = s.get(*i..*i + n)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += n;
        t.parse().ok()
    };
    let year = num(&mut i, 4)?;
    let (mut month, mut day) = (1, 1);
    if i < b.len() && b[i] == b'-' {
        i += 1;
        month = num(&mut i, 2)?;
        if i < b.len() && b[i] == b'-' {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0, 0, 0, 0);
    let mut offset = 0;
    if i < b.len() && b[i] == b'T' {
        i += 1;
        h = num(&mut i, 2)?;
        if i >= b.len() || b[i] != b':' {
            return None;
        }
        i += 1;
        mi = num(&mut i, 2)?;
        if i < b.len() && b[i] == b':' {
            i += 1;
            sec = num(&mut i, 2)?;
            if i < b.len() && (b[i] == b'.' || b[i] == b',') {
                i += 1;
                let st = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let frac = &s[st..i];
                if frac.is_empty() {
                    return None;
                }
                let f3: String = frac.chars().chain("000".chars()).take(3).collect();
                ms = f3.parse().ok()?;
            }
        }
        if i < b.len() {
            if b[i] == b'Z' {
                i += 1;
            } else if b[i] == b'+' || b[i] == b'-' {
                let sign = if b[i] == b'-' { -1 } else { 1 };
                i += 1;
                let oh = num(&mut i, 2)?;
                if i < b.len() && b[i] == b':' {
                    i += 1;
                }
                let om = num(&mut i, 2)?;
                offset = sign * (oh * 60 + om);
            }
        }
    } else if i < b.len() && b[i] == b'Z' {
        i += 1;
    }
    if i != b.len()
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || h > 24
        || mi > 59
        || sec > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms - offset * 60_000)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn parse_tz(tz: &str) -> Option<i64> {
    let (sign, body) = match tz.as_bytes().first()? {
        b'+' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let digits: String = body.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
}

/// One `[...]` marker of a picture, as JSONata reads it: the component letter, the
/// first presentation modifier (its default when absent), a second one (`o` ordinal,
/// `t` for `Z` at offset zero, ...) and the width range after a comma.
struct Marker {
    component: char,
    presentation: String,
    second: Option<char>,
    width_min: Option<usize>,
    width_max: Option<usize>,
}

fn marker(text: &str, span: TextRange) -> Result<Marker, JsonataError> {
    let mut chars = text.chars();
    let component = chars.next().unwrap_or(' ');
    let rest = chars.as_str();
    let width = |w: &str| (w != "*").then(|| w.parse::<usize>().ok()).flatten();
    let (modifiers, width_min, width_max) = match rest.rfind(',') {
        Some(comma) => {
            let spec = &rest[comma + 1..];
            let (min, max) = match spec.split_once('-') {
                Some((a, b)) => (width(a), width(b)),
                None => (width(spec), None),
            };
            (&rest[..comma], min, max)
        }
        None => (rest, None, None),
    };
    let (presentation, second) = match modifiers.chars().count() {
        0 => {
            let default = match component {
                'Y' | 'M' | 'D' | 'd' | 'W' | 'X' | 'w' | 'x' | 'H' | 'h' | 'f' => "1",
                'F' | 'P' | 'C' | 'E' => "n",
                'm' | 's' => "01",
                'Z' | 'z' => "01:01",
                _ => {
                    return Err(JsonataError::new(
                        "D3132",
                        format!(
                            "Unknown component specifier {component} in date/time picture string"
                        ),
                        span,
                    ));
                }
            };
            (default.to_string(), None)
        }
        1 => (modifiers.to_string(), None),
        _ => {
            let last = modifiers.chars().last().unwrap_or(' ');
            if "atco".contains(last) {
                (modifiers[..modifiers.len() - 1].to_string(), Some(last))
            } else {
                (modifiers.to_string(), None)
            }
        }
    };
    Ok(Marker {
        component,
        presentation,
        second,
        width_min,
        width_max,
    })
}

/// The text of one marker for the time `p` at `offset` minutes from UTC.
fn format_marker(
    text: &str,
    p: &Parts,
    offset: i64,
    span: TextRange,
) -> Result<String, JsonataError> {
    let m = marker(text, span)?;
    let pres = m.presentation.as_str();
    let ordinal = m.second == Some('o');
    let names = pres.starts_with('n') || pres.starts_with('N');
    let case = |name: &str| -> String {
        let name: String = match m.width_max {
            Some(w) => name.chars().take(w).collect(),
            None => name.to_string(),
        };
        if pres.starts_with("Nn") {
            name
        } else if pres.starts_with('N') {
            name.to_uppercase()
        } else {
            name.to_lowercase()
        }
    };
    let iso_weekday = if p.weekday == 0 { 7 } else { p.weekday };
    // The Thursday of this (Monday-based) week decides its ISO year, week and month.
    let thursday = p.days - (iso_weekday - 4);
    let (t_year, t_month, t_day) = civil_from_days(thursday);
    let value = match m.component {
        'Y' => p.year,
        'M' => p.month,
        'D' => p.day,
        'd' => p.day_of_year,
        'F' => iso_weekday,
        'W' => (thursday - days_from_civil(t_year, 1, 1)) / 7 + 1,
        'X' => t_year,
        'w' => (t_day - 1) / 7 + 1,
        'x' => t_month,
        'H' => p.hour,
        'h' => {
            if p.hour % 12 == 0 {
                12
            } else {
                p.hour % 12
            }
        }
        'm' => p.minute,
        's' => p.second,
        'f' => p.milli,
        'P' => {
            let word = if p.hour < 12 { "am" } else { "pm" };
            return Ok(if pres.starts_with('N') {
                word.to_uppercase()
            } else {
                word.to_string()
            });
        }
        'C' | 'E' => return Ok("ISO".to_string()),
        'Z' | 'z' => return format_zone(&m, offset, span),
        other => {
            return Err(JsonataError::new(
                "D3132",
                format!("Unknown component specifier {other} in date/time picture string"),
                span,
            ));
        }
    };
    if names {
        return match m.component {
            'M' | 'x' => Ok(case(MONTHS[(value - 1).clamp(0, 11) as usize])),
            'F' => Ok(case(DAYS[(value % 7) as usize])),
            other => Err(JsonataError::new(
                "D3133",
                format!(
                    "The 'name' modifier can only be applied to months and days in the date/time picture string, not {other}"
                ),
                span,
            )),
        };
    }
    if m.component == 'f' {
        // Fractional seconds: as many digits as the picture has.
        let n = pres.chars().filter(char::is_ascii_digit).count().max(1);
        let frac = format!("{:03}", value);
        return Ok(frac.chars().chain(std::iter::repeat('0')).take(n).collect());
    }
    let decimal = pres.chars().any(|c| c.is_ascii_digit() || c == '#');
    if !decimal {
        let picture = if ordinal {
            format!("{pres};o")
        } else {
            pres.to_string()
        };
        return super::picture::format_integer(value as f64, &picture, span);
    }
    let digits = pres.chars().filter(char::is_ascii_digit).count();
    let optional = pres.chars().filter(|&c| c == '#').count();
    let mut mandatory = digits.max(m.width_min.unwrap_or(0));
    let mut value = value;
    if "YMD".contains(m.component) {
        // The width (or the picture's digits, when two or more) is the number of
        // digits shown; a year keeps that many of its last digits.
        let n = match m.width_max {
            Some(max) => {
                mandatory = max;
                Some(max)
            }
            None => (mandatory + optional >= 2).then_some(mandatory + optional),
        };
        if m.component == 'Y'
            && let Some(n) = n
            && n < 18
        {
            value %= 10_i64.pow(n as u32);
        }
    }
    let grouped = pres.chars().any(|c| !c.is_ascii_digit() && c != '#');
    let picture = if grouped && mandatory == digits {
        pres.to_string()
    } else {
        "0".repeat(mandatory.max(1))
    };
    let picture = if ordinal {
        format!("{picture};o")
    } else {
        picture
    };
    super::picture::format_integer(value as f64, &picture, span)
}

/// A time zone marker: `[Z01:01]` `+05:30`, `[Z0]` `+5:30`, `[Z0000]` `+0530`,
/// `[z]` `GMT+05:30`; with `t`, `Z` at offset zero.
fn format_zone(m: &Marker, offset: i64, span: TextRange) -> Result<String, JsonataError> {
    let (hours, minutes) = (offset / 60, (offset % 60).abs());
    let hhmm = hours * 100 + if offset < 0 { -minutes } else { minutes };
    let pres = m.presentation.as_str();
    let digits = pres.chars().filter(char::is_ascii_digit).count();
    let grouped = pres.chars().any(|c| !c.is_ascii_digit() && c != '#');
    let mut text = if grouped {
        super::picture::format_integer(hhmm as f64, pres, span)?
    } else if digits == 1 || digits == 2 {
        let mut t = super::picture::format_integer(hours as f64, pres, span)?;
        if minutes != 0 {
            t.push_str(&format!(":{minutes:02}"));
        }
        if offset < 0 && hours == 0 {
            t.insert(0, '-');
        }
        t
    } else if digits == 3 || digits == 4 {
        super::picture::format_integer(hhmm as f64, pres, span)?
    } else {
        return Err(JsonataError::new(
            "D3134",
            "The timezone integer format specifier cannot have more than four digits",
            span,
        ));
    };
    if offset >= 0 {
        text.insert(0, '+');
    }
    if m.component == 'z' {
        text.insert_str(0, "GMT");
    }
    if offset == 0 && m.second == Some('t') {
        text = "Z".to_string();
    }
    Ok(text)
}

/// Formats `ms` with an XPath-style picture (subset).
pub fn format_picture(
    ms: i64,
    picture: Option<&str>,
    tz: Option<&str>,
    span: TextRange,
) -> Result<String, JsonataError> {
    let offset = match tz {
        Some(t) => parse_tz(t).unwrap_or(0),
        None => 0,
    };
    let Some(picture) = picture else {
        let p = parts(ms.saturating_add(offset * 60_000));
        let sign = if offset < 0 { '-' } else { '+' };
        let tzs = if offset == 0 {
            "Z".to_string()
        } else {
            format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
        };
        return Ok(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}",
            p.year, p.month, p.day, p.hour, p.minute, p.second, p.milli, tzs
        ));
    };
    let p = parts(ms.saturating_add(offset * 60_000));
    let mut out = String::new();
    for piece in pieces(picture, span)? {
        match piece {
            Piece::Literal(text) => out.push_str(&text),
            Piece::Marker(marker) => out.push_str(&format_marker(&marker, &p, offset, span)?),
        }
    }
    Ok(out)
}

/// One part of a date/time picture.
enum Piece {
    /// Text outside markers, with `[[` and `]]` read as single brackets.
    Literal(String),
    /// The inside of a `[...]` marker, whitespace removed.
    Marker(String),
}

/// Splits a picture into literal text and markers. The whole picture is read before
/// any marker is used: an unclosed marker (D3135) is the error, whatever comes before.
fn pieces(picture: &str, span: TextRange) -> Result<Vec<Piece>, JsonataError> {
    let chars: Vec<char> = picture.chars().collect();
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c == '[' && next == Some('[') {
            literal.push('[');
            i += 2;
        } else if c == '[' {
            let Some(close) = chars[i..].iter().position(|&x| x == ']') else {
                return Err(JsonataError::new(
                    "D3135",
                    "No matching closing bracket ']' in date/time picture string",
                    span,
                ));
            };
            if !literal.is_empty() {
                out.push(Piece::Literal(std::mem::take(&mut literal)));
            }
            let marker = chars[i + 1..i + close]
                .iter()
                .filter(|c| !c.is_whitespace())
                .collect();
            out.push(Piece::Marker(marker));
            i += close + 1;
        } else if c == ']' && next == Some(']') {
            literal.push(']');
            i += 2;
        } else {
            literal.push(c);
            i += 1;
        }
    }
    if !literal.is_empty() {
        out.push(Piece::Literal(literal));
    }
    Ok(out)
}

/// How the text one marker matched is read back into a number.
enum Reader {
    /// Digits of the family starting at `zero`: exactly `width` of them when set,
    /// else one or more; an ordinal takes a `st`/`nd`/`rd`/`th` after them.
    Decimal {
        zero: u32,
        width: Option<usize>,
        mandatory: usize,
        ordinal: bool,
        separators: Vec<(usize, char)>,
    },
    Roman,
    Letters,
    Words,
    /// A month (January 1) or day (Monday 1) name, or its first `width` letters.
    Name {
        days: bool,
        width: Option<usize>,
    },
    AmPm,
    /// `±hh:mm` (with the picture's separator) or `±h`, `±hhmm`; `GMT` first for `z`.
    Zone {
        gmt: bool,
        separator: Option<char>,
    },
}

impl Reader {
    /// The pattern for the text this reader takes (the whole match is case-blind).
    fn pattern(&self, text_len: usize) -> String {
        match self {
            Reader::Decimal {
                zero,
                width,
                ordinal,
                ..
            } => {
                let digits = if *zero == u32::from('0') {
                    "[0-9]".to_string()
                } else {
                    format!("[\\x{{{zero:x}}}-\\x{{{:x}}}]", zero + 9)
                };
                // More digits than the text has cannot match: capping the count there
                // keeps the pattern small whatever width the picture asks for.
                let count = match width {
                    Some(w) => format!("{{{}}}", (*w).min(text_len + 1)),
                    None => "+".to_string(),
                };
                let suffix = if *ordinal { "(?:th|st|nd|rd)" } else { "" };
                format!("{digits}{count}{suffix}")
            }
            Reader::Roman => "[MDCLXVI]+".to_string(),
            Reader::Letters => "[A-Z]+".to_string(),
            Reader::Words => {
                let words: Vec<String> = super::picture::word_values()
                    .iter()
                    .map(|(w, _)| regex::escape(w))
                    .collect();
                format!("(?:{}|and|[\\-, ])+", words.join("|"))
            }
            Reader::Name { .. } | Reader::AmPm => "[a-zA-Z]+".to_string(),
            Reader::Zone { gmt, separator } => {
                let mut p = String::from(if *gmt { "GMT" } else { "" });
                p.push_str("[-+][0-9]+");
                if let Some(sep) = separator {
                    p.push_str(&regex::escape(&sep.to_string()));
                    p.push_str("[0-9]+");
                }
                p
            }
        }
    }

    /// The value of `text` (which matched `pattern`), `None` where the reference has
    /// none (a name it does not know), NaN where it has NaN (words it does not know).
    fn read(&self, text: &str, component: char) -> Option<f64> {
        use super::picture::{decimal_value, letters_value, roman_value, words_value};
        match self {
            Reader::Decimal {
                zero, separators, ..
            } if component == 'f' => {
                // A fraction of a second: its first three digits are the milliseconds.
                let digits: String = text
                    .chars()
                    .map_while(|c| char::from_digit((c as u32).wrapping_sub(*zero), 10))
                    .chain(std::iter::repeat('0'))
                    .take(3)
                    .collect();
                decimal_value(&digits, u32::from('0'), separators)
            }
            Reader::Decimal {
                zero, separators, ..
            } => decimal_value(text, *zero, separators),
            Reader::Roman => roman_value(text),
            Reader::Letters => letters_value(text),
            Reader::Words => Some(words_value(text).unwrap_or(f64::NAN)),
            Reader::Name { days, width } => {
                let names: &[&str] = if *days { &DAYS } else { &MONTHS };
                let index = names.iter().position(|name| {
                    let name: String = match width {
                        Some(w) if *w > 0 => name.chars().take(*w).collect(),
                        _ => name.to_string(),
                    };
                    name.eq_ignore_ascii_case(text)
                })?;
                // DAYS starts at Sunday, which is day 7.
                Some(match (days, index) {
                    (true, 0) => 7.0,
                    (true, i) => i as f64,
                    (false, i) => i as f64 + 1.0,
                })
            }
            Reader::AmPm => {
                if text.eq_ignore_ascii_case("am") {
                    Some(0.0)
                } else if text.eq_ignore_ascii_case("pm") {
                    Some(1.0)
                } else {
                    None
                }
            }
            Reader::Zone { gmt, separator } => {
                let text: String = text.chars().skip(if *gmt { 3 } else { 0 }).collect();
                let int = |s: &str| decimal_value(s, u32::from('0'), &[]).unwrap_or(f64::NAN);
                let (hours, minutes) = match separator.and_then(|sep| text.split_once(sep)) {
                    Some((h, m)) => (int(h), int(m)),
                    None if text.chars().count() <= 3 => (int(&text), 0.0),
                    None => {
                        let split = text.char_indices().nth(3).map_or(text.len(), |(i, _)| i);
                        (int(&text[..split]), int(&text[split..]))
                    }
                };
                // The minutes are added whatever the sign, as the reference does:
                // `-05:30` is 270 minutes west, not 330.
                Some(hours * 60.0 + minutes)
            }
        }
    }
}

/// The reader for one marker of a `$toMillis` picture. Names of anything but months,
/// days and am/pm are D3133; integer pictures without a format are D3130.
fn reader(m: &Marker, span: TextRange) -> Result<Reader, JsonataError> {
    use super::picture::{Primary, integer_picture, regular_grouping};
    let pres = m.presentation.as_str();
    let names = pres.starts_with(['n', 'N']);
    Ok(match m.component {
        'Z' | 'z' => {
            let separator = match integer_picture(pres, span)?.primary {
                Primary::Decimal { separators, .. } => {
                    regular_grouping(&separators).map(|(_, c)| c)
                }
                _ => None,
            };
            Reader::Zone {
                gmt: m.component == 'z',
                separator,
            }
        }
        c if !names && "YMDdFWwXxHhmsf".contains(c) => {
            let mut picture = pres.to_string();
            if let Some(second) = m.second {
                picture.push(';');
                picture.push(second);
            }
            let pic = integer_picture(&picture, span)?;
            match pic.primary {
                Primary::Decimal {
                    zero,
                    mandatory,
                    separators,
                } => {
                    let mut mandatory = mandatory.max(m.width_min.unwrap_or(0));
                    if c == 'Y'
                        && let Some(max) = m.width_max
                    {
                        mandatory = max;
                    }
                    Reader::Decimal {
                        zero,
                        width: None,
                        mandatory,
                        ordinal: pic.ordinal,
                        separators,
                    }
                }
                Primary::Roman { .. } => Reader::Roman,
                Primary::Letters { .. } => Reader::Letters,
                Primary::Words(_) => Reader::Words,
                Primary::Sequence(token) => {
                    return Err(JsonataError::new(
                        "D3130",
                        format!(
                            "Formatting or parsing an integer as a sequence starting with {token} is not supported by this implementation"
                        ),
                        span,
                    ));
                }
            }
        }
        'M' | 'x' => Reader::Name {
            days: false,
            width: m.width_max,
        },
        'F' => Reader::Name {
            days: true,
            width: m.width_max,
        },
        'P' => Reader::AmPm,
        other => {
            return Err(JsonataError::new(
                "D3133",
                format!(
                    "The 'name' modifier can only be applied to months and days in the date/time picture string, not {other}"
                ),
                span,
            ));
        }
    })
}

/// `Date.UTC` of JavaScript: fields past their range carry into the next (month 12 is
/// January of the next year, day 0 the last of the previous month), and years 0 to 99
/// are 1900 to 1999. `None` for a time outside the ±8.64e15 ms a date can hold.
fn date_utc(fields: [f64; 7]) -> Option<f64> {
    if fields.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let [year, month, day, hour, minute, second, milli] = fields.map(f64::trunc);
    let year = if (0.0..=99.0).contains(&year) {
        year + 1900.0
    } else {
        year
    };
    let year = year + (month / 12.0).floor();
    if year.abs() > 1e9 {
        return None;
    }
    let first = days_from_civil(year as i64, month.rem_euclid(12.0) as i64 + 1, 1) as f64;
    let days = first + day - 1.0;
    let t = days * 86_400_000.0 + hour * 3_600_000.0 + minute * 60_000.0 + second * 1000.0 + milli;
    (t.abs() <= 8.64e15).then_some(t)
}

/// `$toMillis(text, picture)`: reads `text` with an XPath picture as the reference
/// does. The picture becomes one pattern (markers as the formatter writes them:
/// digits of any family, ordinals, words, roman numerals, letters, month and day
/// names, am/pm, time zones) matched against the whole text without regard to case;
/// no match is `None`. The fields found must make one of the reference's date sets
/// (year-month-day or year-day of year) and time sets (hour-minute-second-fraction or
/// am/pm-hour-minute-second-fraction) without a gap (D3136): the fields before the
/// first one given come from `now`, those after the last are their lowest value.
pub fn parse_picture(
    text: &str,
    picture: &str,
    now: i64,
    span: TextRange,
) -> Result<Option<f64>, JsonataError> {
    // The whole picture is read (D3135, D3132) before any marker's reader is made
    // (D3133, D3130), as the reference does.
    let pieces: Vec<Result<Marker, String>> = pieces(picture, span)?
        .into_iter()
        .map(|piece| match piece {
            Piece::Literal(text) => Ok(Err(text)),
            Piece::Marker(text) => marker(&text, span).map(Ok),
        })
        .collect::<Result<_, _>>()?;
    // `None` for literal text.
    let mut fields: Vec<Option<(char, Reader)>> = Vec::new();
    let mut patterns = Vec::new();
    for piece in pieces {
        let m = match piece {
            Ok(m) => m,
            Err(literal) => {
                patterns.push(regex::escape(&literal));
                fields.push(None);
                continue;
            }
        };
        let r = reader(&m, span)?;
        // A number right after a decimal number (no text between) bounds the first to
        // its mandatory digits: `[Y0001][M01]` reads `201802`.
        let integer = matches!(
            r,
            Reader::Decimal { .. } | Reader::Roman | Reader::Letters | Reader::Words
        );
        if integer
            && let Some(Some((
                _,
                Reader::Decimal {
                    width, mandatory, ..
                },
            ))) = fields.last_mut()
        {
            *width = Some(*mandatory);
        }
        patterns.push(String::new());
        fields.push(Some((m.component, r)));
    }
    let text_len = text.chars().count();
    for (pattern, field) in patterns.iter_mut().zip(&fields) {
        if let Some((_, r)) = field {
            *pattern = r.pattern(text_len);
        }
    }
    let whole: String = patterns.iter().map(|p| format!("({p})")).collect();
    let Ok(re) = regex::RegexBuilder::new(&format!("^{whole}$"))
        .case_insensitive(true)
        .build()
    else {
        return Ok(None);
    };
    let Some(caps) = re.captures(text) else {
        return Ok(None);
    };
    // Each marker's value, the last one winning; a marker may give no value.
    let mut found: Vec<(char, Option<f64>)> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        if let Some((component, r)) = field {
            let matched = caps.get(i + 1).map_or("", |m| m.as_str());
            found.push((*component, r.read(matched, *component)));
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let given = |c: char| {
        found
            .iter()
            .rev()
            .find(|(x, _)| *x == c)
            .and_then(|(_, v)| *v)
    };
    // Which sets the fields make: a field counts when it is given and not zero.
    let bits = |order: &str| {
        order.chars().fold(0u32, |mask, c| {
            mask << 1 | u32::from(given(c).is_some_and(|v| v != 0.0 && !v.is_nan()))
        })
    };
    let is = |mask: u32, set: u32| mask & !set == 0 && mask & set != 0;
    let date = bits("YXMxWwdD");
    let year_month_day = is(date, 0b1010_0001);
    let year_day = !year_month_day && is(date, 0b1000_0010);
    let month_week = is(date, 0b0101_0100);
    let year_week = !month_week && is(date, 0b0100_1000);
    let time = bits("PHhmsf");
    let twelve_hour = !is(time, 0b01_0111) && is(time, 0b10_1111);
    let order = match (year_day, month_week, year_week) {
        (true, _, _) => "YD",
        (_, true, _) => "XxwF",
        (_, _, true) => "XWF",
        _ => "YMD",
    }
    .to_string()
        + if twelve_hour { "Phmsf" } else { "Hmsf" };
    let clock = parts(now);
    let mut value: Vec<(char, f64)> = Vec::new();
    let (mut started, mut ended) = (false, false);
    for c in order.chars() {
        let v = match given(c) {
            Some(v) => {
                if ended {
                    return Err(JsonataError::new(
                        "D3136",
                        "The date/time picture string is missing specifiers required to parse the timestamp",
                        span,
                    ));
                }
                started = true;
                v
            }
            None if started => {
                ended = true;
                if "MDd".contains(c) { 1.0 } else { 0.0 }
            }
            None => match c {
                'Y' => clock.year as f64,
                'M' => clock.month as f64,
                'D' => clock.day as f64,
                'H' => clock.hour as f64,
                'h' => ((clock.hour + 11) % 12 + 1) as f64,
                'm' => clock.minute as f64,
                's' => clock.second as f64,
                'f' => clock.milli as f64,
                // (the reference's am/pm default is a string, never "pm" as a number)
                _ => f64::NAN,
            },
        };
        value.push((c, v));
    }
    if month_week || year_week {
        return Err(JsonataError::new(
            "D3136",
            "The date/time picture string is missing specifiers required to parse the timestamp",
            span,
        ));
    }
    let get = |c: char| {
        value
            .iter()
            .find(|(x, _)| *x == c)
            .map_or(f64::NAN, |(_, v)| *v)
    };
    let mut month = get('M');
    month = if month > 0.0 { month - 1.0 } else { 0.0 };
    let mut day = get('D');
    let year = get('Y');
    if year_day {
        let Some(first) = date_utc([year, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]) else {
            return Ok(None);
        };
        let derived = first + (given('d').unwrap_or(f64::NAN) - 1.0) * 86_400_000.0;
        if !derived.is_finite() || derived.abs() > 8.64e15 {
            return Ok(None);
        }
        let (_, m, d) = civil_from_days((derived / 86_400_000.0).floor() as i64);
        month = (m - 1) as f64;
        day = d as f64;
    }
    let hour = if twelve_hour {
        let h = get('h');
        let h = if h == 12.0 { 0.0 } else { h };
        if get('P') == 1.0 { h + 12.0 } else { h }
    } else {
        get('H')
    };
    let Some(ms) = date_utc([year, month, day, hour, get('m'), get('s'), get('f')]) else {
        return Ok(None);
    };
    let zone = [given('Z'), given('z')]
        .into_iter()
        .flatten()
        .find(|v| *v != 0.0 && !v.is_nan())
        .unwrap_or(0.0);
    Ok(Some(ms - zone * 60_000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(1_510_067_557_121), "2017-11-07T15:12:37.121Z");
        assert_eq!(
            parse_iso("2017-11-07T15:12:37.121Z"),
            Some(1_510_067_557_121)
        );
        assert_eq!(
            parse_iso("2017-11-07T16:12:37.121+01:00"),
            Some(1_510_067_557_121)
        );
        assert_eq!(parse_iso("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_iso("not a date"), None);
    }

    #[test]
    fn pictures() {
        let sp = TextRange::default();
        let t = 1_521_801_216_617; // 2018-03-23T10:33:36.617Z, a Friday
        assert_eq!(
            format_picture(t, Some("[Y0001]-[M01]-[D01]"), None, sp).unwrap(),
            "2018-03-23"
        );
        assert_eq!(
            format_picture(t, Some("[FNn], [D1o] [MNn] [Y]"), None, sp).unwrap(),
            "Friday, 23rd March 2018"
        );
        assert_eq!(
            format_picture(t, Some("[h]:[m01][P]"), Some("-0500"), sp).unwrap(),
            "5:33am"
        );
        // ISO week, a zone as `Z` at offset zero, words and roman numerals, a year cut
        // to the width, and `[[` for a bracket.
        assert_eq!(
            format_picture(
                t,
                Some("[[W[W01]] [Y]-[M01]-[D01]T[H01]:[m][Z01:01t]"),
                None,
                sp
            )
            .unwrap(),
            "[W12] 2018-03-23T10:33Z"
        );
        assert_eq!(
            format_picture(
                t,
                Some("[Dwo] [MNn,3-3] [YI] [Y,2] [Z0]"),
                Some("+0530"),
                sp
            )
            .unwrap(),
            "twenty-third Mar MMXVIII 18 +5:30"
        );
        assert_eq!(
            format_picture(t, Some("[Y] [M"), None, sp)
                .unwrap_err()
                .code,
            "D3135"
        );
        assert_eq!(
            to_millis("2018-03-23", "[Y0001]-[M01]-[D01]"),
            Ok(Some(1_521_763_200_000.0))
        );
    }

    #[test]
    fn from_millis_at_the_ends_of_i64() {
        // `$fromMillis(1e300, ..., '+0100')`: the saturated time plus the zone.
        for ms in [i64::MAX, i64::MIN] {
            for tz in ["+0100", "-0100"] {
                assert!(
                    format_picture(ms, Some("[Y]-[M]-[D]"), Some(tz), TextRange::default()).is_ok()
                );
                assert!(format_picture(ms, None, Some(tz), TextRange::default()).is_ok());
            }
        }
    }

    /// 2018-03-23T10:33:36.617Z, the clock the fields before the first one given
    /// come from.
    const NOW: i64 = 1_521_801_216_617;

    fn to_millis(text: &str, picture: &str) -> Result<Option<f64>, String> {
        parse_picture(text, picture, NOW, TextRange::default()).map_err(|e| e.code.to_string())
    }

    fn ok(ms: i64) -> Result<Option<f64>, String> {
        Ok(Some(ms as f64))
    }

    #[test]
    fn to_millis_ordinals() {
        assert_eq!(
            to_millis("27th 3 1976", "[D1o] [M#1] [Y0001]"),
            ok(196_732_800_000)
        );
        assert_eq!(
            to_millis("2nd 12 2012", "[D1o] [M01] [Y0001]"),
            ok(1_354_406_400_000)
        );
        // The suffix is required, whichever it is.
        assert_eq!(to_millis("27 3 1976", "[D1o] [M#1] [Y0001]"), Ok(None));
        assert_eq!(
            to_millis("27nd 3 1976", "[D1o] [M#1] [Y0001]"),
            ok(196_732_800_000)
        );
    }

    #[test]
    fn to_millis_roman_numerals_and_letters() {
        assert_eq!(to_millis("MCMLXXXIV", "[YI]"), ok(441_763_200_000));
        assert_eq!(
            to_millis("27 iii MMXVIII", "[D1] [Mi] [YI]"),
            ok(1_522_108_800_000)
        );
        assert_eq!(
            to_millis("ae C mmxviii", "[Da] [MA] [Yi]"),
            ok(1_522_454_400_000)
        );
        assert_eq!(to_millis("MMXQ", "[YI]"), Ok(None));
    }

    #[test]
    fn to_millis_names() {
        assert_eq!(
            to_millis("27th April 2008", "[D1o] [MNn] [Y0001]"),
            ok(1_209_254_400_000)
        );
        // Any case, as [MN] and [Mn] write them.
        assert_eq!(
            to_millis("27 APRIL 2008", "[D1] [MN] [Y0001]"),
            ok(1_209_254_400_000)
        );
        assert_eq!(
            to_millis("27 april 2008", "[D1] [Mn] [Y0001]"),
            ok(1_209_254_400_000)
        );
        assert_eq!(
            to_millis("2 Feb 2012", "[D1] [MNn,3-3] [Y0001]"),
            ok(1_328_140_800_000)
        );
        // With a width only the shortened name is known: the month is missing, and a
        // day without a month is a gap.
        assert_eq!(
            to_millis("2 February 2012", "[D1] [MNn,3-3] [Y0001]"),
            Err("D3136".into())
        );
        assert_eq!(
            to_millis("Wednesday, 14th November 2018", "[FNn], [D1o] [MNn] [Y]"),
            ok(1_542_153_600_000)
        );
        // The day of the week is read but does not decide the date.
        assert_eq!(
            to_millis("Sun, Twelfth November 2018", "[FNn,*-3], [DWwo] [MNn] [Y]"),
            ok(1_541_980_800_000)
        );
        assert_eq!(to_millis("Funday 2018", "[FNn] [Y]"), ok(1_514_764_800_000));
    }

    #[test]
    fn to_millis_words() {
        assert_eq!(
            to_millis("one thousand, nine hundred and eighty-four", "[Yw]"),
            ok(441_763_200_000)
        );
        assert_eq!(
            to_millis(
                "TWENTY-FIRST August two thousand and seventeen",
                "[DW] [MNn] [Yw]"
            ),
            ok(1_503_273_600_000)
        );
        assert_eq!(
            to_millis(
                "three hundred and sixty-fifth day of 2018",
                "[dwo] day of [Y]"
            ),
            ok(1_546_214_400_000)
        );
        // Two hyphens leave an empty word: no value, so no date.
        assert_eq!(
            to_millis("twenty--first August 2017", "[Dw] [MNn] [Y]"),
            Ok(None)
        );
        assert_eq!(
            to_millis("eleventy August 2017", "[Dw] [MNn] [Y]"),
            Ok(None)
        );
    }

    #[test]
    fn to_millis_day_of_year() {
        assert_eq!(to_millis("2018--180", "[Y]--[d]"), ok(1_530_230_400_000));
        assert_eq!(
            to_millis("2018-094", "[Y0001]-[d001]"),
            ok(1_522_800_000_000)
        );
    }

    #[test]
    fn to_millis_twelve_hour_clock() {
        let pic = "[D1]/[M1]/[Y0001] [h]:[m] [P]";
        assert_eq!(to_millis("4/4/2018 12:06 am", pic), ok(1_522_800_360_000));
        assert_eq!(to_millis("4/4/2018 11:30 PM", pic), ok(1_522_884_600_000));
        // An unknown marker gives no am/pm: the hour after it is a gap.
        assert_eq!(to_millis("4/4/2018 11:30 xm", pic), Err("D3136".into()));
    }

    #[test]
    fn to_millis_time_zones() {
        let pic = "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] ";
        let zoned = |text: &str, zone: &str| to_millis(text, &format!("{pic}{zone}"));
        assert_eq!(
            zoned("2020-09-09 08:00:00 +02:00", "[Z]"),
            ok(1_599_631_200_000)
        );
        assert_eq!(
            zoned("2020-09-09 08:00:00 GMT-05:00", "[z]"),
            ok(1_599_656_400_000)
        );
        assert_eq!(
            zoned("2020-09-09 12:00:00 GMT-5", "[z01]"),
            ok(1_599_670_800_000)
        );
        assert_eq!(
            zoned("2020-09-09 12:00:00 +0530", "[Z0001]"),
            ok(1_599_633_000_000)
        );
        // The reference adds the minutes whatever the sign.
        assert_eq!(
            zoned("2020-09-09 12:00:00 -05:30", "[Z]"),
            ok(1_599_669_000_000)
        );
        assert_eq!(zoned("2020-09-09 12:00:00 +0530", "[Z]"), Ok(None));
    }

    #[test]
    fn to_millis_fractions_and_widths() {
        let pic = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]";
        assert_eq!(
            to_millis("2026-04-08T19:05:04.01987", pic),
            ok(1_775_675_104_019)
        );
        assert_eq!(
            to_millis("2026-04-08T19:05:04.5", pic),
            ok(1_775_675_104_500)
        );
        // A number right before another takes its mandatory digits only.
        assert_eq!(to_millis("201802", "[Y,*-4][M01]"), ok(1_517_443_200_000));
        // `[Y]` has one mandatory digit, so it takes one: year 2 (1902, as Date.UTC
        // has it) and month 1802, which carries into February 2052.
        assert_eq!(to_millis("201802", "[Y][M01]"), ok(2_590_358_400_000));
        assert_eq!(to_millis("1", "[D,99999999999][M]"), Ok(None));
        // Arabic-Indic digits, as the picture's digits are.
        assert_eq!(
            to_millis("\u{662}\u{660}\u{661}\u{668}", "[Y\u{661}]"),
            ok(1_514_764_800_000)
        );
    }

    #[test]
    fn to_millis_defaults_and_carries() {
        // Fields before the first given come from the clock, after the last are zero.
        assert_eq!(to_millis("13:45", "[H]:[m]"), ok(1_521_812_700_000));
        assert_eq!(
            to_millis("2018-13-01", "[Y]-[M]-[D]"),
            ok(1_546_300_800_000)
        );
        // Two-digit years are in the 1900s, as JavaScript's Date.UTC has them.
        assert_eq!(
            to_millis("01 01 18", "[D01] [M01] [Y01]"),
            ok(-1_640_995_200_000)
        );
        assert_eq!(to_millis("99999999999999999999", "[Y]"), Ok(None));
        assert_eq!(to_millis("irrelevant", "[Y]-[M]-[D]"), Ok(None));
        assert_eq!(to_millis("Hello", "Hello"), Ok(None));
    }

    #[test]
    fn to_millis_errors() {
        assert_eq!(to_millis("2018-05-22", "[Y]-[M]-[q]"), Err("D3132".into()));
        assert_eq!(to_millis("2018-05-22", "[YN]-[M]-[D]"), Err("D3133".into()));
        assert_eq!(to_millis("ISO", "[C]"), Err("D3133".into()));
        assert_eq!(to_millis("2018", "[YQ]"), Err("D3130".into()));
        assert_eq!(to_millis("2018", "[Y0\u{661}]"), Err("D3131".into()));
        assert_eq!(to_millis("2018", "[Y"), Err("D3135".into()));
        assert_eq!(to_millis("2018-22", "[Y]-[D]"), Err("D3136".into()));
        assert_eq!(
            to_millis("5-22 23:59", "[M]-[D] [m]:[s]"),
            Err("D3136".into())
        );
        assert_eq!(to_millis("2018-32-5", "[X]-[W]-[F1]"), Err("D3136".into()));
        assert_eq!(
            to_millis("2018-3-2-5", "[X]-[x]-[w]-[F1]"),
            Err("D3136".into())
        );
        // Errors in the picture come before matching the text.
        assert_eq!(to_millis("nothing like it", "[Y]-[q]"), Err("D3132".into()));
        // and an unknown component anywhere before a name that cannot be read.
        assert_eq!(to_millis("2018-05", "[YN]-[q]"), Err("D3132".into()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// Any text with any picture gives a value, nothing or an error; never a panic.
        #[test]
        fn to_millis_never_panics(
            text in "[0-9a-zA-Z ,+:.\\-\u{661}\u{ff10}é]{0,24}",
            picture in "(\\[[YMDdFWwXxHhmsfPZzq][0-9#,*\\-oINnwWait\u{661}]{0,5}\\]|[ ,:.\\-é]|\\[\\[){0,8}",
        ) {
            let _ = parse_picture(&text, &picture, NOW, TextRange::default());
            let _ = format_picture(NOW, Some(&picture), None, TextRange::default());
        }
    }
}
