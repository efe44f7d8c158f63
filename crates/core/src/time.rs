//! Server-local times.
//!
//! Gandi and Netim write times without a zone, in their server's local time (Europe/Paris).
//! [`ServerTimeZone`] turns them into UTC, choosing the earlier instant when a time is ambiguous
//! (the hour repeated when summer time ends) and the offset before the change when a time does
//! not exist (the hour skipped when it begins).

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// The zone a server writes its times in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ServerTimeZone(Tz);

impl ServerTimeZone {
    /// Europe/Paris, where Gandi's and Netim's servers keep time.
    pub const PARIS: ServerTimeZone = ServerTimeZone(Tz::Europe__Paris);

    /// UTC.
    pub const UTC: ServerTimeZone = ServerTimeZone(Tz::UTC);

    /// The zone named `name` in the IANA database (`Europe/Paris`, `UTC`, ...).
    pub fn named(name: &str) -> Option<ServerTimeZone> {
        Tz::from_str(name).ok().map(ServerTimeZone)
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The UTC instant of a local time in this zone.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
            LocalResult::None => {
                // The offset in force a day earlier is the one before the change.
                let before = local - chrono::Duration::hours(24);
                let offset = self.0.offset_from_utc_datetime(&before).fix();
                DateTime::from_naive_utc_and_offset(local - offset, Utc)
            }
        }
    }

    /// The local time in this zone of a UTC instant.
    pub fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.0).naive_local()
    }
}

impl Default for ServerTimeZone {
    fn default() -> Self {
        ServerTimeZone::PARIS
    }
}

impl fmt::Debug for ServerTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerTimeZone({})", self.name())
    }
}

impl fmt::Display for ServerTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn paris_summer_winter_and_transitions() {
        let tz = ServerTimeZone::default();
        assert_eq!(
            tz.to_utc(at(2015, 9, 15, 18, 29)).to_rfc3339(),
            "2015-09-15T16:29:00+00:00"
        );
        assert_eq!(
            tz.to_utc(at(2015, 1, 15, 18, 29)).to_rfc3339(),
            "2015-01-15T17:29:00+00:00"
        );
        // 2:30 on 2024-10-27 happens twice: the earlier (summer time) is chosen.
        assert_eq!(
            tz.to_utc(at(2024, 10, 27, 2, 30)).to_rfc3339(),
            "2024-10-27T00:30:00+00:00"
        );
        // 2:30 on 2024-03-31 does not exist: read with the winter offset.
        assert_eq!(
            tz.to_utc(at(2024, 3, 31, 2, 30)).to_rfc3339(),
            "2024-03-31T01:30:00+00:00"
        );
        let t = tz.to_utc(at(2020, 6, 1, 12, 0));
        assert_eq!(tz.to_local(t), at(2020, 6, 1, 12, 0));
        assert_eq!(
            ServerTimeZone::named("UTC")
                .unwrap()
                .to_utc(at(2020, 6, 1, 12, 0))
                .to_rfc3339(),
            "2020-06-01T12:00:00+00:00"
        );
        assert!(ServerTimeZone::named("Mars/Olympus").is_none());
    }
}
