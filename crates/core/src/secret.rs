//! Credentials that must never be shown.
//!
//! A [`Secret`] holds an API key, a password, an AWS secret key or a session id. Its `Debug` and
//! `Display` print a fixed placeholder, it has no `Serialize`, and the only way to read the value
//! is [`Secret::expose`], so that every place that puts a credential on the wire is easy to find.
//! [`Redactor`] removes known secret values from text that came back from a server (an error
//! message, a body excerpt) before it is put in an [`Error`](crate::Error) or a log line.

use std::borrow::Cow;
use std::fmt;

/// What `Debug` and `Display` print instead of a secret's value.
pub const REDACTED: &str = "[redacted]";

/// A credential whose value is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// Removes the values of a set of secrets from text.
///
/// Servers sometimes echo what they were sent: a fault may quote the API key, a body excerpt may
/// hold a session id. Adapters keep one `Redactor` per client, add every credential and session id
/// they hold, and pass all server text through it before it reaches an error or a log.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.values.len())
            .finish()
    }
}

/// Values shorter than this are not redacted: replacing every `1` or `a` in a message would make
/// it unreadable and protects nothing.
const MIN_REDACTED_LEN: usize = 4;

impl Redactor {
    /// An empty redactor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret's value (ignored when shorter than four characters).
    pub fn add(&mut self, secret: &Secret) {
        let value = secret.expose();
        if value.len() >= MIN_REDACTED_LEN && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_owned());
            // Longest first, so that a secret containing another is replaced whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Removes a value previously added (a closed session's id, say).
    pub fn remove(&mut self, secret: &Secret) {
        self.values.retain(|v| v != secret.expose());
    }

    /// The text with every known secret replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), REDACTED));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("abcdefghijklmnopqrstuvwx");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:#?}"), "Secret([redacted])");
        assert_eq!(s.expose(), "abcdefghijklmnopqrstuvwx");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            key: Secret,
        }
        let shown = format!("{:?}", Holder { key: s });
        assert!(!shown.contains("abcdef"), "{shown}");
    }

    #[test]
    fn redactor_replaces_longest_first_and_ignores_short_values() {
        let mut r = Redactor::new();
        r.add(&Secret::new("sess"));
        r.add(&Secret::new("session-1234"));
        r.add(&Secret::new("ab"));
        assert_eq!(
            r.redact("bad session-1234 and sess, ab"),
            "bad [redacted] and [redacted], ab"
        );
        r.remove(&Secret::new("session-1234"));
        assert_eq!(r.redact("session-1234"), "[redacted]ion-1234");
        assert!(matches!(r.redact("nothing"), Cow::Borrowed(_)));
        assert!(!format!("{r:?}").contains("sess"));
    }
}
