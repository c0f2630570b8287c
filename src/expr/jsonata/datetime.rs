//! Dates for `$now`, `$fromMillis` and `$toMillis`: ISO 8601 and a subset of the XPath
//! picture language ([Y0001]-[M01]-[D01], names, 12-hour clocks, time zones).

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
    if i < b.len() && (b[i] == b'T' || b[i] == b' ') {
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

fn ordinal_suffix(n: i64) -> &'static str {
    match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    }
}

fn name_case(name: &str, modifier: &str, width_max: Option<usize>) -> String {
    let mut n: String = name.to_string();
    if let Some(w) = width_max {
        n = n.chars().take(w).collect();
    }
    if modifier.starts_with("Nn") {
        n
    } else if modifier.starts_with('N') {
        n.to_uppercase()
    } else {
        n.to_lowercase()
    }
}

fn format_digits(v: i64, pres: &str) -> String {
    let digits = pres
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '#')
        .count()
        .max(1);
    let min = pres.chars().filter(|c| c.is_ascii_digit()).count().max(1);
    let _ = digits;
    format!("{:0width$}", v, width = min)
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
        let p = parts(ms + offset * 60_000);
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
    let p = parts(ms + offset * 60_000);
    let mut out = String::new();
    let chars: Vec<char> = picture.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' {
            if chars.get(i + 1) == Some(&'[') {
                out.push('[');
                i += 2;
                continue;
            }
            let Some(close) = chars[i..].iter().position(|&x| x == ']') else {
                return Err(JsonataError::new(
                    "D3135",
                    "No matching closing bracket ']' in date/time picture string",
                    span,
                ));
            };
            let marker: String = chars[i + 1..i + close]
                .iter()
                .filter(|c| !c.is_whitespace())
                .collect();
            i += close + 1;
            let mut mc = marker.chars();
            let comp = mc.next().unwrap_or(' ');
            let rest: String = mc.collect();
            let (pres, width) = match rest.split_once(',') {
                Some((p, w)) => (p.to_string(), Some(w.to_string())),
                None => (rest, None),
            };
            let width_max = width.as_ref().and_then(|w| {
                let w = w.split('-').nth(1).unwrap_or(w);
                w.parse::<usize>().ok()
            });
            let ordinal = pres.ends_with('o');
            let pres_core = pres.trim_end_matches('o');
            let number = |v: i64, default: &str| -> String {
                let pr = if pres_core.is_empty() {
                    default
                } else {
                    pres_core
                };
                let mut s = if pr.chars().any(|c| c.is_ascii_digit()) {
                    format_digits(v, pr)
                } else {
                    v.to_string()
                };
                if ordinal {
                    s.push_str(ordinal_suffix(v));
                }
                s
            };
            match comp {
                'Y' => {
                    let mut y = p.year;
                    if pres_core.chars().filter(|c| c.is_ascii_digit()).count() == 2
                        || width_max == Some(2)
                    {
                        y %= 100;
                        out.push_str(&format!("{y:02}"));
                    } else {
                        out.push_str(&number(y, "1"));
                    }
                }
                'M' => {
                    if pres_core.starts_with('N') || pres_core.starts_with('n') {
                        out.push_str(&name_case(
                            MONTHS[(p.month - 1) as usize],
                            pres_core,
                            width_max,
                        ));
                    } else {
                        out.push_str(&number(p.month, "1"));
                    }
                }
                'D' => out.push_str(&number(p.day, "1")),
                'd' => out.push_str(&number(p.day_of_year, "1")),
                'F' => {
                    if pres_core.is_empty()
                        || pres_core.starts_with('N')
                        || pres_core.starts_with('n')
                    {
                        let m = if pres_core.is_empty() { "n" } else { pres_core };
                        out.push_str(&name_case(DAYS[p.weekday as usize], m, width_max));
                    } else {
                        let iso = if p.weekday == 0 { 7 } else { p.weekday };
                        out.push_str(&number(iso, "1"));
                    }
                }
                'H' => out.push_str(&number(p.hour, "1")),
                'h' => {
                    let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
                    out.push_str(&number(h12, "1"));
                }
                'm' => out.push_str(&number(p.minute, "01")),
                's' => out.push_str(&number(p.second, "01")),
                'f' => {
                    let n = pres_core
                        .chars()
                        .filter(|c| c.is_ascii_digit())
                        .count()
                        .max(1);
                    let frac = format!("{:03}", p.milli);
                    let f: String = frac.chars().chain(std::iter::repeat('0')).take(n).collect();
                    out.push_str(&f);
                }
                'P' => {
                    let am = if p.hour < 12 { "am" } else { "pm" };
                    out.push_str(&if pres_core.starts_with('N') {
                        am.to_uppercase()
                    } else {
                        am.to_string()
                    });
                }
                'Z' | 'z' => {
                    let sign = if offset < 0 { '-' } else { '+' };
                    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
                    if comp == 'z' {
                        out.push_str(&format!("GMT{sign}{h:02}:{m:02}"));
                    } else if pres_core == "Z" && offset == 0 {
                        out.push('Z');
                    } else if pres_core.contains(':') || pres_core.is_empty() {
                        out.push_str(&format!("{sign}{h:02}:{m:02}"));
                    } else {
                        out.push_str(&format!("{sign}{h:02}{m:02}"));
                    }
                }
                'E' => out.push_str("ISO"),
                'C' => out.push_str("ISO"),
                _ => {
                    return Err(JsonataError::new(
                        "D3132",
                        format!("Unknown component specifier {comp} in date/time picture string"),
                        span,
                    ));
                }
            }
        } else if c == ']' && chars.get(i + 1) == Some(&']') {
            out.push(']');
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// Parses `text` with a picture (subset: numeric Y M D H m s f and literal text).
pub fn parse_picture(
    text: &str,
    picture: &str,
    span: TextRange,
) -> Result<Option<i64>, JsonataError> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut f) = (None, 1, 1, 0, 0, 0, 0);
    let mut pm: Option<bool> = None;
    let t: Vec<char> = text.chars().collect();
    let pc: Vec<char> = picture.chars().collect();
    let (mut ti, mut pi) = (0, 0);
    while pi < pc.len() {
        if pc[pi] == '[' {
            let Some(close) = pc[pi..].iter().position(|&x| x == ']') else {
                return Err(JsonataError::new(
                    "D3135",
                    "No matching closing bracket ']' in date/time picture string",
                    span,
                ));
            };
            let marker: String = pc[pi + 1..pi + close].iter().collect();
            pi += close + 1;
            let comp = marker.chars().next().unwrap_or(' ');
            let pres: String = marker.chars().skip(1).collect();
            if comp == 'P' {
                let word: String = t[ti..].iter().take(2).collect::<String>().to_lowercase();
                pm = Some(word == "pm");
                ti += 2;
                continue;
            }
            if comp == 'M' && (pres.starts_with('N') || pres.starts_with('n')) {
                let rest: String = t[ti..].iter().collect::<String>().to_lowercase();
                let Some((idx, name)) = MONTHS
                    .iter()
                    .enumerate()
                    .find(|(_, m)| rest.starts_with(&m.to_lowercase()[..3]))
                else {
                    return Ok(None);
                };
                mo = idx as i64 + 1;
                let full = rest.starts_with(&name.to_lowercase());
                ti += if full { name.len() } else { 3 };
                continue;
            }
            let maxw = {
                let n = pres.chars().filter(|c| c.is_ascii_digit()).count();
                let next_is_marker = pc.get(pi) == Some(&'[');
                if next_is_marker && n > 0 {
                    n
                } else {
                    usize::MAX
                }
            };
            let st = ti;
            while ti < t.len() && t[ti].is_ascii_digit() && ti - st < maxw {
                ti += 1;
            }
            if st == ti {
                return Ok(None);
            }
            let v: i64 = t[st..ti].iter().collect::<String>().parse().unwrap_or(0);
            match comp {
                'Y' => y = Some(v),
                'M' => mo = v,
                'D' => d = v,
                'H' | 'h' => h = v,
                'm' => mi = v,
                's' => s = v,
                'f' => f = v,
                _ => {}
            }
        } else {
            if ti < t.len() && t[ti] == pc[pi] {
                ti += 1;
            }
            pi += 1;
        }
    }
    if let Some(pm) = pm {
        if pm && h < 12 {
            h += 12;
        } else if !pm && h == 12 {
            h = 0;
        }
    }
    let Some(y) = y else { return Ok(None) };
    Ok(Some(
        days_from_civil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + f,
    ))
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
        assert_eq!(
            parse_picture("2018-03-23", "[Y0001]-[M01]-[D01]", sp).unwrap(),
            Some(1_521_763_200_000)
        );
    }
}
