//! The value types of the AWS JSON 1.1 wire format that the generated tables use: timestamps
//! (epoch seconds with a fraction) and secret strings.

use chrono::{DateTime, Utc};
use regops_core::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A timestamp as AWS JSON writes it: epoch seconds, with a fraction (`1573749367.864`).
///
/// Decoding is tolerant: a number, a string holding a number, or an RFC 3339 string is a time;
/// anything else is kept verbatim as [`Timestamp::Unparsed`], never an error.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Timestamp {
    /// A time.
    At(DateTime<Utc>),
    /// A value that is not a time, as received.
    Unparsed(String),
}

impl Timestamp {
    /// The time, when the value is one.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        match self {
            Timestamp::At(t) => Some(*t),
            Timestamp::Unparsed(_) => None,
        }
    }

    /// Epoch seconds with a fraction, as a time.
    pub fn from_epoch_seconds(secs: f64) -> Option<Timestamp> {
        if !secs.is_finite() {
            return None;
        }
        let millis = (secs * 1000.0).round();
        // chrono's range is far wider than any real operation date; outside it the value is kept.
        if millis.abs() > 8.0e15 {
            return None;
        }
        DateTime::from_timestamp_millis(millis as i64).map(Timestamp::At)
    }

    fn parse_text(text: &str) -> Timestamp {
        let t = text.trim();
        if let Ok(secs) = t.parse::<f64>()
            && let Some(ts) = Timestamp::from_epoch_seconds(secs)
        {
            return ts;
        }
        match DateTime::parse_from_rfc3339(t) {
            Ok(d) => Timestamp::At(d.with_timezone(&Utc)),
            Err(_) => Timestamp::Unparsed(text.to_owned()),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp::At(t)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Timestamp::At(t) => {
                let millis = t.timestamp_millis();
                if millis % 1000 == 0 {
                    s.serialize_i64(millis / 1000)
                } else {
                    s.serialize_f64(millis as f64 / 1000.0)
                }
            }
            Timestamp::Unparsed(raw) => s.serialize_str(raw),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Ok(Timestamp::from_epoch_seconds(v)
                    .unwrap_or_else(|| Timestamp::Unparsed(v.to_string())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::parse_text(v))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Timestamp, E> {
                Ok(Timestamp::Unparsed(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string sent to the server that must never be shown: an authorization code. Its `Debug` is
/// redacted like a [`Secret`]'s; serializing it is the one place that exposes it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(pub Secret);

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Default for SecretString {
    /// An empty secret (what an answer without the member decodes to).
    fn default() -> Self {
        SecretString(Secret::new(""))
    }
}

impl From<&str> for SecretString {
    fn from(v: &str) -> Self {
        SecretString(Secret::new(v))
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| SecretString(Secret::new(s)))
    }
}

/// What a call that starts an operation answered: the operation's id, what was asked, and
/// the operation as read back right after, when that read worked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Started {
    /// The operation's id.
    pub id: regops_core::OperationId,
    /// The type of operation the call starts.
    pub kind: crate::generated::OperationType,
    /// The domain it is about.
    pub domain: String,
    /// `GetOperationDetail` right after; `None` when that read failed.
    pub detail: Option<crate::generated::OperationDetail>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(json: &str) -> Timestamp {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn timestamps_in_every_shape() {
        let t = ts("1573749367.864").time().unwrap();
        assert_eq!(t.to_rfc3339(), "2019-11-14T16:36:07.864+00:00");
        assert_eq!(ts("1402630939").time().unwrap().timestamp(), 1402630939);
        assert_eq!(
            ts("\"1402630939.057\"").time().unwrap().timestamp_millis(),
            1402630939057
        );
        assert_eq!(
            ts("\"2014-06-13T03:42:19Z\"").time().unwrap().timestamp(),
            1402630939
        );
        assert_eq!(ts("\"yesterday\""), Timestamp::Unparsed("yesterday".into()));
        assert!(matches!(ts("1e300"), Timestamp::Unparsed(_)));
        assert!(matches!(ts("true"), Timestamp::Unparsed(_)));
    }

    #[test]
    fn timestamps_round_trip() {
        for json in ["1573749367.864", "1402630939"] {
            let t = ts(json);
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
    }

    #[test]
    fn secret_strings_are_sent_but_not_shown() {
        let s = SecretString::from("s3cr3t-auth");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"s3cr3t-auth\"");
        assert!(!format!("{s:?}").contains("s3cr3t"));
    }
}
