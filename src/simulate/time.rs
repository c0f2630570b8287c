//! RFC 3339 timestamps for the virtual clock and the Timestamp operators. Instants are
//! nanoseconds since the Unix epoch in an `i128` (no overflow for any 4-digit year).

pub use crate::expr::timestamp::parse_rfc3339;

use crate::expr::jsonata::datetime::civil_from_days;

/// Formats milliseconds since the epoch as `2024-01-02T03:04:05.678Z`.
pub fn format_millis(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// The current wall-clock time in milliseconds since the epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let t = parse_rfc3339("2016-03-14T01:59:00Z").unwrap();
        assert_eq!(t, 1_457_920_740 * 1_000_000_000);
        assert_eq!(
            format_millis((t / 1_000_000) as i64),
            "2016-03-14T01:59:00.000Z"
        );
        assert_eq!(
            parse_rfc3339("2016-03-14T03:59:00+02:00"),
            parse_rfc3339("2016-03-14T01:59:00Z")
        );
        assert_eq!(
            parse_rfc3339("2016-03-14T01:59:00.123456789Z").unwrap() % 1_000_000_000,
            123_456_789
        );
    }
}
