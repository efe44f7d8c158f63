//! The value types of AutoDNS answers that the generated tables use: times in both of the API's
//! spellings, ids that may be numbers or strings, and the answer envelope.

use crate::generated::{Cancelation, Message, ResponseObject, ResponseStatus};
use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDateTime, Utc};
use regops_core::ServerTimeZone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::LazyLock;

/// A time as AutoDNS writes it.
///
/// The JSON API writes `2019-07-01T10:44:26.000+0200` (an offset without a colon); the XML
/// gateway writes `2018-02-13 15:19:44`, a local time of the server without a zone. Anything
/// else is kept verbatim as [`Time::Unparsed`], never an error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Time {
    /// An instant.
    At(DateTime<Utc>),
    /// A local time without a zone (the gateway's); see [`Time::in_zone`].
    Local(NaiveDateTime),
    /// A value that is not a time, as received.
    Unparsed(String),
}

impl Time {
    /// Reads a time in any of the API's spellings.
    pub fn parse(text: &str) -> Time {
        let t = text.trim();
        let formats = &*FORMATS;
        for items in &formats.zoned {
            if let Some(d) = parsed(t, items).and_then(|p| p.to_datetime().ok()) {
                return Time::At(d.with_timezone(&Utc));
            }
        }
        if let Ok(d) = DateTime::parse_from_rfc3339(t) {
            return Time::At(d.with_timezone(&Utc));
        }
        for items in &formats.local {
            if let Some(d) = parsed(t, items).and_then(|p| p.to_naive_datetime_with_offset(0).ok())
            {
                return Time::Local(d);
            }
        }
        Time::Unparsed(text.to_owned())
    }

    /// The instant, reading a local time in `zone`.
    pub fn in_zone(&self, zone: ServerTimeZone) -> Option<DateTime<Utc>> {
        match self {
            Time::At(t) => Some(*t),
            Time::Local(local) => Some(zone.to_utc(*local)),
            Time::Unparsed(_) => None,
        }
    }

    /// The JSON API's spelling (`2019-08-17T12:27:31.000+0000`), or the gateway's for a local
    /// time.
    pub fn to_wire(&self) -> String {
        match self {
            Time::At(t) => t.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string(),
            Time::Local(local) => local.format("%Y-%m-%d %H:%M:%S").to_string(),
            Time::Unparsed(raw) => raw.clone(),
        }
    }
}

impl From<DateTime<Utc>> for Time {
    fn from(t: DateTime<Utc>) -> Self {
        Time::At(t)
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_wire())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Time, E> {
                Ok(Time::parse(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Time, E> {
                // Epoch milliseconds, which some AutoDNS views use.
                Ok(DateTime::from_timestamp_millis(v)
                    .map(Time::At)
                    .unwrap_or_else(|| Time::Unparsed(v.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Time, E> {
                match i64::try_from(v) {
                    Ok(v) => self.visit_i64(v),
                    Err(_) => Ok(Time::Unparsed(v.to_string())),
                }
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Time, E> {
                Ok(Time::Unparsed(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Time, E> {
                Ok(Time::Unparsed(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The spellings [`Time::parse`] tries, read once (chrono would read a format string again on
/// every call: a seventh of a `job/_search` decode went to that).
struct Formats {
    zoned: [Vec<Item<'static>>; 2],
    local: [Vec<Item<'static>>; 3],
}

static FORMATS: LazyLock<Formats> = LazyLock::new(|| {
    let items = |f: &'static str| {
        StrftimeItems::new(f)
            .parse_to_owned()
            .expect("a valid strftime format")
    };
    Formats {
        zoned: ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"].map(items),
        local: [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S",
        ]
        .map(items),
    }
});

/// `text` read with the spelling `items`, when it matches it whole.
fn parsed(text: &str, items: &[Item<'static>]) -> Option<Parsed> {
    let mut p = Parsed::new();
    chrono::format::parse(&mut p, text, items.iter()).ok()?;
    Some(p)
}

/// An identifier (a job id, a log id): a JSON number or a string, kept as text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub String);

impl Id {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<u64>() {
            Ok(n) => s.serialize_u64(n),
            Err(_) => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            // A number JSON cannot hold as an integer (a fraction, or more digits than 64
            // bits) arrives as a float, its digits already rounded: refused, never rounded
            // into another id.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Id, E> {
                Err(E::custom(format_args!(
                    "the id {v} is not an integer that can be read exactly; ids must be integers \
                     of at most 64 bits or strings"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// An answer of the JSON API: `{stid, ctid, messages, status, object, data}`. Every member is
/// optional; `data` is empty when absent or `null`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub struct Envelope<T> {
    /// The server's transaction id.
    #[serde(default)]
    pub stid: Option<String>,
    /// The client's transaction id, when one was sent.
    #[serde(default)]
    pub ctid: Option<String>,
    /// Messages: `EF…` errors, `MSG…` notices, each with its own messages and objects.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub messages: Vec<Message>,
    /// `S…` success, `N…` accepted and running, `E…` error.
    #[serde(default)]
    pub status: Option<ResponseStatus>,
    /// The object the answer is about.
    #[serde(default)]
    pub object: Option<ResponseObject>,
    /// The objects.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub data: Vec<T>,
}

/// What a cancelation call answered, from either protocol: the answer's status and messages,
/// the cancelation, and the job that carries it out when there is one.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct CancelationAnswer {
    /// The server's transaction id.
    pub stid: Option<String>,
    /// `S…`/`SUCCESS` or `N…`/`NOTIFY`.
    pub status: Option<ResponseStatus>,
    /// The object the answer is about.
    pub object: Option<ResponseObject>,
    /// The answer's messages (`MSG…` notices).
    pub messages: Vec<Message>,
    /// The cancelation, when the answer carries it.
    pub cancelation: Option<Cancelation>,
    /// The job carrying the cancelation out, when the answer names one.
    pub job_id: Option<Id>,
    /// The whole job, when the answer carries it (the gateway's job tasks).
    pub job: Option<crate::generated::Job>,
}

fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    #[test]
    fn times_in_both_spellings() {
        assert_eq!(
            Time::parse("2019-07-01T10:44:26.000+0200"),
            Time::At(Utc.with_ymd_and_hms(2019, 7, 1, 8, 44, 26).unwrap())
        );
        assert_eq!(
            Time::parse("2019-07-01T10:44:26+02:00"),
            Time::At(Utc.with_ymd_and_hms(2019, 7, 1, 8, 44, 26).unwrap())
        );
        assert_eq!(
            Time::parse(" 2019-07-01T10:44:26+0200"),
            Time::At(Utc.with_ymd_and_hms(2019, 7, 1, 8, 44, 26).unwrap())
        );
        let noon = chrono::NaiveDate::from_ymd_opt(2018, 2, 13)
            .unwrap()
            .and_hms_milli_opt(12, 0, 1, 500)
            .unwrap();
        assert_eq!(Time::parse("2018-02-13T12:00:01.5"), Time::Local(noon));
        assert_eq!(
            Time::parse("2018-02-13T12:00:01"),
            Time::Local(noon.with_nanosecond(0).unwrap())
        );
        assert_eq!(
            Time::parse("2018-02-13T12:00:01+0200x"),
            Time::Unparsed("2018-02-13T12:00:01+0200x".into())
        );
        let local = Time::parse("2018-02-13 15:19:44");
        assert!(matches!(local, Time::Local(_)));
        assert_eq!(
            local.in_zone(ServerTimeZone::PARIS),
            Some(Utc.with_ymd_and_hms(2018, 2, 13, 14, 19, 44).unwrap())
        );
        assert_eq!(Time::parse("soon"), Time::Unparsed("soon".into()));
        assert_eq!(Time::parse("soon").in_zone(ServerTimeZone::UTC), None);
    }

    #[test]
    fn times_are_written_as_the_json_api_writes_them() {
        let t = Time::At(Utc.with_ymd_and_hms(2019, 8, 17, 12, 27, 31).unwrap());
        assert_eq!(t.to_wire(), "2019-08-17T12:27:31.000+0000");
        assert_eq!(Time::parse(&t.to_wire()), t);
    }

    #[test]
    fn ids_too_large_for_an_integer_are_refused_not_rounded() {
        let e = serde_json::from_str::<Id>("12345678901234567890123").unwrap_err();
        assert!(e.to_string().contains("read exactly"), "{e}");
        assert!(serde_json::from_str::<Id>("4.5").is_err());
        assert_eq!(
            serde_json::from_str::<Id>("18446744073709551615")
                .unwrap()
                .0,
            "18446744073709551615"
        );
        assert_eq!(
            serde_json::from_str::<Id>("\"12345678901234567890123\"")
                .unwrap()
                .0,
            "12345678901234567890123"
        );
    }

    #[test]
    fn ids_are_numbers_or_strings() {
        let id: Id = serde_json::from_str("4295210830").unwrap();
        assert_eq!(id.as_str(), "4295210830");
        let id: Id = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(id.as_str(), "abc");
        assert_eq!(serde_json::to_string(&Id("42".into())).unwrap(), "42");
    }

    #[test]
    fn an_envelope_without_data_is_empty() {
        let e: Envelope<serde_json::Value> =
            serde_json::from_str(r#"{"stid":"x","data":null,"messages":null}"#).unwrap();
        assert!(e.data.is_empty() && e.messages.is_empty());
        let e: Envelope<serde_json::Value> = serde_json::from_str("{}").unwrap();
        assert!(e.status.is_none());
    }
}
