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
    // The picture is read whole before anything is formatted: an unclosed marker is
    // the error, whatever comes before it.
    let (mut open, mut k) = (false, 0);
    while k < chars.len() {
        match chars[k] {
            '[' if !open && chars.get(k + 1) == Some(&'[') => k += 1,
            '[' if !open => open = true,
            ']' if open => open = false,
            _ => {}
        }
        k += 1;
    }
    if open {
        return Err(JsonataError::new(
            "D3135",
            "No matching closing bracket ']' in date/time picture string",
            span,
        ));
    }
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
            out.push_str(&format_marker(&marker, &p, offset, span)?);
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
            parse_picture("2018-03-23", "[Y0001]-[M01]-[D01]", sp).unwrap(),
            Some(1_521_763_200_000)
        );
    }
}
