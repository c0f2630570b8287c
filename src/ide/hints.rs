//! Inlay hints: what a number in a state machine comes to. A duration in seconds of a
//! minute or more is shown in larger units (`"TimeoutSeconds": 86400` is 1 day), and
//! each retrier shows the waits it makes before its retries, as AWS computes them from
//! `IntervalSeconds`, `BackoffRate`, `MaxDelaySeconds` and `MaxAttempts` (with their
//! defaults when they are absent).

use crate::model::StateMachine;
use crate::syntax::{Node, SourceKind, TextRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes (after the value it is about).
    pub offset: u32,
    pub label: String,
    pub tooltip: String,
}

/// Fields whose value is a number of seconds.
const DURATIONS: &[&str] = &[
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Seconds",
    "IntervalSeconds",
    "MaxDelaySeconds",
];

/// The hints of `text`, in document order.
pub fn inlay_hints(text: &str, kind: SourceKind) -> Vec<InlayHint> {
    let mut out = Vec::new();
    super::each_machine(text, kind, &mut |_, machine, map| {
        for hint in machine_hints(machine) {
            out.push(InlayHint {
                offset: map(TextRange::new(hint.offset, hint.offset)).start,
                ..hint
            });
        }
    });
    out.sort_by_key(|h| h.offset);
    out
}

fn machine_hints(machine: &StateMachine<'_, '_>) -> Vec<InlayHint> {
    let mut out = Vec::new();
    duration_hint(machine.root, "TimeoutSeconds", &mut out);
    for state in machine.all_states() {
        for key in DURATIONS {
            duration_hint(state.node, key, &mut out);
        }
        for retrier in &state.retriers {
            for key in ["IntervalSeconds", "MaxDelaySeconds"] {
                duration_hint(retrier.node, key, &mut out);
            }
            if let Some(hint) = retry_hint(retrier) {
                out.push(hint);
            }
        }
    }
    out
}

/// `= 1 h 30 min` after a whole number of seconds of at least a minute (`≈ 1 h` where
/// the two units shown leave seconds out: 3601).
fn duration_hint(object: &Node<'_>, key: &str, out: &mut Vec<InlayHint>) {
    let Some(m) = object.member(key) else { return };
    let Some(seconds) = m.value.as_f64() else {
        return;
    };
    if seconds < 60.0 || seconds.fract() != 0.0 || seconds > 1e12 {
        return;
    }
    let (text, exact) = duration(seconds as u64);
    out.push(InlayHint {
        offset: m.value.range.end,
        label: format!("{} {text}", if exact { "=" } else { "≈" }),
        tooltip: format!("{key}: {seconds} seconds"),
    });
}

/// The waits of a retrier, after the retrier: `retries after 1 s, 2 s, 4 s`.
fn retry_hint(retrier: &crate::model::Retrier<'_, '_>) -> Option<InlayHint> {
    let waits = retrier.waits()?;
    let offset = retrier.node.range.end;
    if waits.attempts < 1.0 {
        return Some(InlayHint {
            offset,
            label: "no retry".into(),
            tooltip: "MaxAttempts is 0: the errors it names are not retried".into(),
        });
    }
    const SHOWN: u32 = 5;
    let attempts = waits.attempts.min(f64::from(u32::MAX)) as u32;
    let mut parts: Vec<String> = (1..=attempts.min(SHOWN))
        .map(|n| short(waits.before(n)))
        .collect();
    if attempts > SHOWN {
        parts.push(format!("… ({attempts} retries)"));
    }
    let total: f64 = (1..=attempts.min(10_000)).map(|n| waits.before(n)).sum();
    let exact = attempts <= 10_000;
    let (label, tooltip) = if waits.full_jitter {
        (
            format!("retries after up to {}", parts.join(", ")),
            "JitterStrategy FULL: each wait is a random time up to the one shown",
        )
    } else {
        (
            format!("retries after {}", parts.join(", ")),
            "the wait before each retry: IntervalSeconds × BackoffRate per retry, capped by MaxDelaySeconds",
        )
    };
    let total = if exact {
        format!("; {} in all before the last retry", short(total))
    } else {
        String::new()
    };
    Some(InlayHint {
        offset,
        label,
        tooltip: format!("{tooltip}{total}"),
    })
}

/// Seconds written for a hint: `1.5 s`, `90 s` under two minutes, then larger units.
fn short(seconds: f64) -> String {
    if seconds < 120.0 || seconds.fract() != 0.0 || !seconds.is_finite() {
        let rounded = (seconds * 100.0).round() / 100.0;
        return format!("{rounded} s");
    }
    match duration(seconds as u64) {
        (text, true) => text,
        (text, false) => format!("≈{text}"),
    }
}

/// Seconds as at most two units: `1 h 30 min`, `2 days`, `1 min 30 s`; and whether
/// that is exact (not for 3601, shown as `1 h`).
fn duration(seconds: u64) -> (String, bool) {
    const UNITS: &[(u64, &str, &str)] = &[
        (86_400, "day", "days"),
        (3_600, "h", "h"),
        (60, "min", "min"),
        (1, "s", "s"),
    ];
    let mut rest = seconds;
    let mut parts = Vec::new();
    for &(size, one, many) in UNITS {
        if rest >= size {
            let n = rest / size;
            rest %= size;
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        } else if !parts.is_empty() {
            // Only adjacent units: `1 day 5 s` would read oddly.
            break;
        }
        if parts.len() == 2 {
            break;
        }
    }
    (parts.join(" "), rest == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each hint's label, checked to sit right after `after` (in order).
    fn hints_after(text: &str, expected: &[(&str, &str)]) {
        let found = inlay_hints(text, SourceKind::Json);
        assert_eq!(found.len(), expected.len(), "{found:?}");
        for (h, (after, label)) in found.iter().zip(expected) {
            assert!(
                text[..h.offset as usize].ends_with(after),
                "{h:?} is not after {after}"
            );
            assert_eq!(h.label, *label);
        }
    }

    #[test]
    fn durations_in_larger_units() {
        let exact = |s: &str| (s.to_string(), true);
        let about = |s: &str| (s.to_string(), false);
        assert_eq!(duration(60), exact("1 min"));
        assert_eq!(duration(90), exact("1 min 30 s"));
        assert_eq!(duration(5400), exact("1 h 30 min"));
        assert_eq!(duration(86_400), exact("1 day"));
        assert_eq!(duration(86_405), about("1 day"));
        assert_eq!(duration(3601), about("1 h"));
        assert_eq!(duration(90_061), about("1 day 1 h"));
        assert_eq!(duration(99_999_999), about("1157 days 9 h"));
        assert_eq!(short(3601.0), "≈1 h");
        assert_eq!(short(7200.0), "2 h");
        let text = r#"{"TimeoutSeconds": 3600, "StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 172800, "Next": "Again"},
 "Again": {"Type": "Wait", "Seconds": 86399, "Next": "Work"},
 "Work": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 30, "HeartbeatSeconds": 600, "End": true}}}"#;
        hints_after(
            text,
            &[
                ("\"TimeoutSeconds\": 3600", "= 1 h"),
                ("\"Seconds\": 172800", "= 2 days"),
                ("\"Seconds\": 86399", "≈ 23 h 59 min"),
                ("\"HeartbeatSeconds\": 600", "= 10 min"),
            ],
        );
    }

    #[test]
    fn retriers_show_their_waits() {
        let task = |retry: &str| {
            format!(
                r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{retry}], "End": true}}}}}}"#
            )
        };
        let labels = |retry: &str| -> Vec<String> {
            inlay_hints(&task(retry), SourceKind::Json)
                .into_iter()
                .map(|h| h.label)
                .collect()
        };
        assert_eq!(
            labels(r#"{"ErrorEquals": ["States.ALL"]}"#),
            ["retries after 1 s, 2 s, 4 s"]
        );
        assert_eq!(
            labels(
                r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30, "BackoffRate": 3, "MaxAttempts": 7, "MaxDelaySeconds": 600}"#
            ),
            [
                "= 10 min",
                "retries after 30 s, 90 s, 4 min 30 s, 10 min, 10 min, … (7 retries)"
            ]
        );
        assert_eq!(
            labels(
                r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "BackoffRate": 1.5, "JitterStrategy": "FULL"}"#
            ),
            ["retries after up to 2 s, 3 s, 4.5 s"]
        );
        assert_eq!(
            labels(r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}"#),
            ["no retry"]
        );
        // Not numbers: no hint rather than a wrong one.
        assert_eq!(
            labels(r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": "3"}"#),
            Vec::<String>::new()
        );
        // The hint sits right after the retrier.
        let text = task(r#"{"ErrorEquals": ["States.ALL"]}"#);
        let hint = &inlay_hints(&text, SourceKind::Json)[0];
        assert!(text[..hint.offset as usize].ends_with(r#"["States.ALL"]}"#));
        assert_eq!(
            hint.tooltip,
            "the wait before each retry: IntervalSeconds × BackoffRate per retry, capped by MaxDelaySeconds; 7 s in all before the last retry"
        );
    }
}
