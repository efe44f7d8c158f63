//! `dateTime.iso8601` values.
//!
//! Gandi writes `20150915T18:29:16`: no dashes, no zone, in the server's local time. Other
//! servers write dashed or zoned ISO 8601 forms. A zoned value is an instant; an unzoned one is a
//! local time that the client turns into UTC with its configured server zone. A value that parses
//! as neither is kept verbatim, never an error.

use chrono::{DateTime as ChronoDateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use regops_core::ServerTimeZone;
use std::fmt;

/// A `dateTime.iso8601` value as received.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateTime {
    /// A local time without a zone (the server's local time).
    Local(NaiveDateTime),
    /// An instant, from a value with a zone.
    Zoned(ChronoDateTime<FixedOffset>),
    /// Text that is not a date this decoder understands, kept verbatim.
    Unparsed(String),
}

impl DateTime {
    /// Parses the API's form and dashed or zoned ISO 8601 forms; keeps anything else verbatim.
    pub fn parse(text: &str) -> DateTime {
        let t = text.trim();
        if let Some(local) = fast_compact(t) {
            return DateTime::Local(local);
        }
        parse_general(t).unwrap_or_else(|| DateTime::Unparsed(text.to_owned()))
    }

    /// The instant in UTC, reading a local time in `zone`; `None` for an unparsed value.
    pub fn to_utc(&self, zone: ServerTimeZone) -> Option<ChronoDateTime<Utc>> {
        match self {
            DateTime::Local(t) => Some(zone.to_utc(*t)),
            DateTime::Zoned(t) => Some(t.with_timezone(&Utc)),
            DateTime::Unparsed(_) => None,
        }
    }

    /// A local time in the API's form.
    pub fn local(t: NaiveDateTime) -> DateTime {
        DateTime::Local(t)
    }

    /// The wire form: `20150915T18:29:16` for a local time, `20150915T16:29:16+00:00` with a zone.
    pub fn to_wire(&self) -> String {
        match self {
            DateTime::Local(t) => t.format("%Y%m%dT%H:%M:%S").to_string(),
            DateTime::Zoned(t) => t.format("%Y%m%dT%H:%M:%S%:z").to_string(),
            DateTime::Unparsed(s) => s.clone(),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// `YYYYMMDDTHH:MM:SS`, the form every Gandi date has: parsed without allocating.
fn fast_compact(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 17 || b[8] != b'T' || b[11] != b':' || b[14] != b':' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[4..6])?,
        digits(&b[6..8])?,
    )?;
    let time =
        NaiveTime::from_hms_opt(digits(&b[9..11])?, digits(&b[12..14])?, digits(&b[15..17])?)?;
    Some(NaiveDateTime::new(date, time))
}

fn parse_general(t: &str) -> Option<DateTime> {
    if t.is_empty() || !t.is_ascii() {
        return None;
    }
    // Split off a zone: `Z`, `+hh:mm`, `+hhmm`, `+hh` after the time part.
    let (body, zone) = split_zone(t);
    let body = body.replace(' ', "T");
    let (date_part, time_part) = body.split_once('T')?;
    let date = match date_part.len() {
        8 => NaiveDate::parse_from_str(date_part, "%Y%m%d").ok()?,
        10 => NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()?,
        _ => return None,
    };
    let time = NaiveTime::parse_from_str(time_part, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(time_part, "%H%M%S%.f"))
        .or_else(|_| NaiveTime::parse_from_str(time_part, "%H:%M"))
        .ok()?;
    let local = NaiveDateTime::new(date, time);
    match zone {
        None => Some(DateTime::Local(local)),
        Some(offset) => Some(DateTime::Zoned(local.and_local_timezone(offset).single()?)),
    }
}

fn split_zone(t: &str) -> (&str, Option<FixedOffset>) {
    if let Some(body) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
        return (body, FixedOffset::east_opt(0));
    }
    // A sign after the 'T' starts the zone.
    let Some(tpos) = t.find(['T', ' ']) else {
        return (t, None);
    };
    let Some(rel) = t[tpos..].rfind(['+', '-']) else {
        return (t, None);
    };
    let at = tpos + rel;
    let (body, zone) = t.split_at(at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let z: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let (h, m) = match z.len() {
        2 => (z.parse::<i32>().ok(), Some(0)),
        4 => (z[..2].parse::<i32>().ok(), z[2..].parse::<i32>().ok()),
        _ => (None, None),
    };
    match (h, m) {
        (Some(h), Some(m)) if h < 24 && m < 60 => {
            (body, FixedOffset::east_opt(sign * (h * 3600 + m * 60)))
        }
        _ => (t, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> String {
        DateTime::parse(s)
            .to_utc(ServerTimeZone::PARIS)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn forms() {
        assert_eq!(utc("20150915T18:29:16"), "2015-09-15T16:29:16+00:00");
        assert_eq!(utc("2015-09-15T18:29:16"), "2015-09-15T16:29:16+00:00");
        assert_eq!(utc("2015-09-15 18:29:16"), "2015-09-15T16:29:16+00:00");
        assert_eq!(utc("20150915T182916"), "2015-09-15T16:29:16+00:00");
        assert_eq!(utc("2015-09-15T18:29:16Z"), "2015-09-15T18:29:16+00:00");
        assert_eq!(
            utc("2015-09-15T18:29:16+02:00"),
            "2015-09-15T16:29:16+00:00"
        );
        assert_eq!(utc("20150915T18:29:16-0130"), "2015-09-15T19:59:16+00:00");
        assert_eq!(
            utc("2015-09-15T18:29:16.250+00:00"),
            "2015-09-15T18:29:16.250+00:00"
        );
        assert_eq!(utc(" 20150915T18:29:16 "), "2015-09-15T16:29:16+00:00");
    }

    #[test]
    fn garbage_is_kept_verbatim() {
        for bad in [
            "",
            "yesterday",
            "20151315T18:29:16",
            "2015-09-15",
            "20150915T25:00:00",
            "2015-09-15T18:29:16+99:00",
            "२०१५",
        ] {
            let d = DateTime::parse(bad);
            assert_eq!(d, DateTime::Unparsed(bad.to_owned()), "{bad}");
            assert_eq!(d.to_utc(ServerTimeZone::PARIS), None);
        }
    }

    #[test]
    fn wire_round_trip() {
        let d = DateTime::parse("20150915T18:29:16");
        assert_eq!(d.to_wire(), "20150915T18:29:16");
        assert_eq!(DateTime::parse(&d.to_wire()), d);
        let z = DateTime::parse("2015-09-15T18:29:16+02:00");
        assert_eq!(DateTime::parse(&z.to_wire()), z);
    }
}
