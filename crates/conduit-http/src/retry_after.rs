//! `Retry-After` parsing: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).

use std::time::{Duration, SystemTime};

/// Parses a `Retry-After` value relative to `now`. Garbage and negative values give
/// `None` (the computed backoff applies); a date in the past gives zero.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurd values are clamped rather than overflowing: a day is plenty.
        let secs: u64 = value.parse().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs.min(86_400)));
    }
    // Some servers send fractional seconds; accept them, the spec's spirit is clear.
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::try_from_secs_f64(secs.min(86_400.0)).unwrap_or(Duration::ZERO));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap()
    }

    #[test]
    fn parses_every_form() {
        // value, expected seconds
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("1", Some(1.0)),
            (" 120 ", Some(120.0)),
            ("1.5", Some(1.5)),
            ("99999999999999999999999", Some(86_400.0)),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(10.0)),
            ("Sun, 06 Nov 1994 08:49:00 GMT", Some(0.0)), // in the past
            ("Sunday, 06-Nov-94 08:49:47 GMT", Some(10.0)), // RFC 850 form
            ("", None),
            ("-5", None),
            ("-0", Some(0.0)),
            ("-0.0", Some(0.0)),
            ("1e-300", Some(0.0)),
            ("soon", None),
            ("NaN", None),
            ("inf", None),
            ("Sun, 32 Nov 1994 08:49:37 GMT", None),
        ];
        for (value, expected) in cases {
            let got = parse_retry_after(value, now()).map(|d| d.as_secs_f64());
            assert_eq!(got, *expected, "Retry-After {value:?}");
        }
    }
}
