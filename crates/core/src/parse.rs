//! Text the command line and the service read from people: durations (`90s`, `5m`, `1h30m`),
//! dates and points in time.

use chrono::{DateTime, NaiveDate, Utc};
use std::time::Duration;

/// `d` written the way [`duration`] reads it: `45s`, `1m30s`, `2h`, `500ms`.
pub fn format_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        return format!("{}ms", d.as_millis());
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

/// A duration like `90s`, `5m`, `1h30m`, `2d`, `500ms` (a bare number is seconds).
pub fn duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    let bad = || format!("`{text}` is not a duration (write it like 90s, 5m or 1h30m)");
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let part = match unit {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n.checked_mul(60).ok_or_else(bad)?),
            "h" => Duration::from_secs(n.checked_mul(3600).ok_or_else(bad)?),
            "d" => Duration::from_secs(n.checked_mul(86400).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        total = total.checked_add(part).ok_or_else(bad)?;
    }
    Ok(total)
}

/// A date `YYYY-MM-DD`.
pub fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A point in time: RFC 3339, or a date (00:00:00 UTC of that day).
pub fn time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(d) = date(text) {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    Err(format!(
        "`{text}` is not a time (write RFC 3339 like 2025-01-31T12:00:00Z, or a date like 2025-01-31)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_as_they_are_read() {
        for (d, text) in [(45, "45s"), (90, "1m30s"), (7200, "2h"), (3661, "1h1m1s")] {
            assert_eq!(format_duration(Duration::from_secs(d)), text);
            assert_eq!(duration(text).unwrap(), Duration::from_secs(d));
        }
        assert_eq!(format_duration(Duration::from_millis(700)), "700ms");
    }

    #[test]
    fn durations() {
        assert_eq!(duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(duration("2d").unwrap(), Duration::from_secs(172800));
        assert_eq!(duration("1500ms").unwrap(), Duration::from_millis(1500));
        assert_eq!(duration("45").unwrap(), Duration::from_secs(45));
        for bad in ["", "m", "5x", "1h30", "h1", "-5s", "99999999999999999999h"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            time("2025-01-31").unwrap().to_rfc3339(),
            "2025-01-31T00:00:00+00:00"
        );
        assert_eq!(
            time("2025-01-31T12:00:00+02:00").unwrap().to_rfc3339(),
            "2025-01-31T10:00:00+00:00"
        );
        assert!(time("yesterday").is_err());
        assert!(time("2025-02-30").is_err());
    }
}
