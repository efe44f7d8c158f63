//! Identifiers: always strings, whatever the provider uses on the wire.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Cloning one is cheap (the text is shared): the tracker keeps each id in more than
        /// one index.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            /// Wraps an identifier.
            pub fn new(id: impl Into<String>) -> Self {
                $name(std::sync::Arc::from(id.into()))
            }

            /// The identifier as written by the provider.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The identifier as an integer, for providers whose ids are integers.
            pub fn as_i64(&self) -> Option<i64> {
                self.0.parse().ok()
            }

            /// The identifier as an integer, or the `InvalidInput` error saying that `provider`
            /// names its objects with integers.
            pub fn integer(&self, provider: &'static str) -> crate::Result<i64> {
                self.0.trim().parse().map_err(|_| {
                    crate::Error::invalid_input(format!(
                        "`{}` is not a {provider} {} id (an integer)",
                        self.0, $what
                    ))
                    .with_provider(provider)
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(std::sync::Arc::from(id))
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(std::sync::Arc::from(id))
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name::new(id.to_string())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map($name::from)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// An operation's identifier: Gandi and Netim integers, Route 53 UUIDs, AutoDNS job ids or a
    /// cancelation's domain, all kept as the provider's text.
    OperationId,
    "operation"
);

string_id!(
    /// A certificate's identifier (a Gandi integer id, a Netim `IDSSL`).
    CertificateId,
    "certificate"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strings_with_integer_view() {
        let id = OperationId::from(100100_i64);
        assert_eq!(id.as_str(), "100100");
        assert_eq!(id.as_i64(), Some(100100));
        assert_eq!(OperationId::new("43884ce5-e30a").as_i64(), None);
        assert_eq!(OperationId::new(" 7 ").integer("gandi").unwrap(), 7);
        let e = CertificateId::new("x1").integer("netim").unwrap_err();
        assert!(e.message().contains("not a netim certificate id"), "{e}");
        assert_eq!(e.provider(), Some("netim"));
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"100100\"");
    }
}
