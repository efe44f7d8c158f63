//! Call errors: one opaque type with a kind and questions, distinct from a failed operation.
//!
//! A call error says that *asking* failed (the network, the credentials, the server's answer); a
//! failed operation is an [`Operation`](crate::Operation) whose status is
//! [`Failed`](crate::OperationStatus::Failed), returned with `Ok`.
//!
//! ```
//! use regops_core::{Error, ErrorKind};
//! use std::time::Duration;
//!
//! let err = Error::rate_limited(Some(Duration::from_secs(2)), "too many requests")
//!     .with_provider("autodns");
//! assert!(err.is_retryable());
//! match err.kind() {
//!     ErrorKind::RateLimited { retry_after, .. } => assert_eq!(*retry_after, Some(Duration::from_secs(2))),
//!     _ => unreachable!(),
//! }
//! ```

use crate::secret::Redactor;
use crate::status::ErrorClass;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest body excerpt a [`Protocol`](ErrorKind::Protocol) error keeps, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// The longest provider message an error keeps, in characters.
const MESSAGE_CHARS: usize = 2000;

/// The longest provider error code an error keeps, in characters (codes are identifiers).
const CODE_CHARS: usize = 100;

/// The longest an error's line ([`Display`](fmt::Display)) gets, in characters, whatever its
/// parts hold.
pub const LINE_CHARS: usize = 1000;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be completed: connection refused or reset, timeout, a 5xx answer.
    #[non_exhaustive]
    Transport {
        /// Whether the request may have reached the server (and so may have taken effect).
        /// `false` only when it certainly did not: the connection was never made.
        may_have_reached_server: bool,
    },
    /// The credentials were refused.
    Auth,
    /// The provider (or the client-side limit) refused the request for now.
    #[non_exhaustive]
    RateLimited {
        /// How long the provider asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The request was refused as invalid: a parameter, a value, a usage error.
    InvalidInput,
    /// The object does not exist.
    NotFound,
    /// The object or request already exists.
    Duplicate,
    /// The backend cannot do this.
    Unsupported,
    /// The answer was malformed or unexpected; [`Error::excerpt`] holds a bounded piece of it.
    Protocol,
    /// The provider answered with an error this taxonomy does not single out;
    /// [`Error::provider_code`] and [`Error::message`] hold its code and text.
    Api,
}

impl ErrorKind {
    /// A short lower-case name: `transport`, `auth`, `rate_limited`, `invalid_input`,
    /// `not_found`, `duplicate`, `unsupported`, `protocol`, `api`.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::Transport { .. } => "transport",
            ErrorKind::Auth => "auth",
            ErrorKind::RateLimited { .. } => "rate_limited",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Api => "api",
        }
    }
}

/// A failed call to a provider.
///
/// Opaque: ask it questions ([`kind`](Self::kind), [`class`](Self::class),
/// [`is_retryable`](Self::is_retryable), [`provider_code`](Self::provider_code), ...). Its
/// `Display` is one line: the provider, the call, what failed, the provider's code and message,
/// with newlines folded. It never holds a secret: adapters pass server text through a
/// [`Redactor`] ([`Error::redact`]).
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    provider: Option<Cow<'static, str>>,
    call: Option<Cow<'static, str>>,
    code: Option<String>,
    class: Option<ErrorClass>,
    http_status: Option<u16>,
    excerpt: Option<String>,
    timeout: bool,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with a message (folded to one line and bounded).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: fold_line(&message.into(), MESSAGE_CHARS),
                provider: None,
                call: None,
                code: None,
                class: None,
                http_status: None,
                excerpt: None,
                timeout: false,
                source: None,
            }),
        }
    }

    /// A transport failure; `may_have_reached_server` is `false` only when the request was
    /// certainly not sent.
    pub fn transport(may_have_reached_server: bool, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Transport {
                may_have_reached_server,
            },
            message,
        )
    }

    /// A timeout: a transport failure after the request may have been sent.
    pub fn timeout(message: impl Into<String>) -> Error {
        let mut e = Error::transport(true, message);
        e.inner.timeout = true;
        e
    }

    /// A rate-limit refusal.
    pub fn rate_limited(retry_after: Option<Duration>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::RateLimited { retry_after }, message)
    }

    /// A malformed or unexpected answer; keeps a bounded excerpt of `body`.
    pub fn protocol(message: impl Into<String>, body: &[u8]) -> Error {
        Error::new(ErrorKind::Protocol, message).with_excerpt(body)
    }

    /// An error the provider reported with its own code.
    pub fn api(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Api, message).with_code(code)
    }

    /// An invalid request, found before or by the provider.
    pub fn invalid_input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// Something the backend cannot do.
    pub fn unsupported(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unsupported, message)
    }

    /// An object that does not exist.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, message)
    }

    /// Names the provider (`gandi`, `netim`, ...).
    pub fn with_provider(mut self, provider: impl Into<Cow<'static, str>>) -> Error {
        self.inner.provider = Some(provider.into());
        self
    }

    /// Names the call that failed (`operation.info`, `GetOperationDetail`, ...).
    pub fn with_call(mut self, call: impl Into<Cow<'static, str>>) -> Error {
        self.inner.call = Some(call.into());
        self
    }

    /// Records the provider's error code (folded to one line, at most 100 characters).
    pub fn with_code(mut self, code: impl Into<String>) -> Error {
        self.inner.code = Some(fold_line(&code.into(), CODE_CHARS));
        self
    }

    /// Sets the class, when the provider says it or the adapter knows better than the kind.
    pub fn with_class(mut self, class: ErrorClass) -> Error {
        self.inner.class = Some(class);
        self
    }

    /// Records the HTTP status of the answer.
    pub fn with_http_status(mut self, status: u16) -> Error {
        self.inner.http_status = Some(status);
        self
    }

    /// Keeps a bounded excerpt of a body (lossy UTF-8, at most [`EXCERPT_CHARS`] characters,
    /// control characters folded).
    pub fn with_excerpt(mut self, body: &[u8]) -> Error {
        let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
        let text = String::from_utf8_lossy(head);
        let mut excerpt = fold_line(&text, EXCERPT_CHARS);
        if body.len() > head.len() && !excerpt.ends_with('…') {
            excerpt.push('…');
        }
        self.inner.excerpt = Some(excerpt);
        self
    }

    /// Keeps the underlying cause.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The same error told differently: `message` replaces the message, and everything else
    /// stays (kind, provider, call, code, class, HTTP status, excerpt, timeout, `Retry-After`).
    /// The source is kept as its text (a source cannot be shared between two errors).
    pub fn with_message(&self, message: impl Into<String>) -> Error {
        let i = &*self.inner;
        Error {
            inner: Box::new(Inner {
                kind: i.kind.clone(),
                message: fold_line(&message.into(), MESSAGE_CHARS),
                provider: i.provider.clone(),
                call: i.call.clone(),
                code: i.code.clone(),
                class: i.class,
                http_status: i.http_status,
                excerpt: i.excerpt.clone(),
                timeout: i.timeout,
                source: i.source.as_ref().map(|s| {
                    Box::new(SourceText(s.to_string())) as Box<dyn StdError + Send + Sync>
                }),
            }),
        }
    }

    /// Removes every secret the redactor knows from the message, code and excerpt. The source
    /// is dropped when it would show one.
    pub fn redact(mut self, redactor: &Redactor) -> Error {
        let inner = &mut *self.inner;
        if let Cow::Owned(m) = redactor.redact(&inner.message) {
            inner.message = m;
        }
        if let Some(code) = &inner.code {
            if let Cow::Owned(c) = redactor.redact(code) {
                inner.code = Some(c);
            }
        }
        if let Some(ex) = &inner.excerpt {
            if let Cow::Owned(e) = redactor.redact(ex) {
                inner.excerpt = Some(e);
            }
        }
        if let Some(src) = &inner.source {
            let shown = format!("{src} {src:?}");
            if matches!(redactor.redact(&shown), Cow::Owned(_)) {
                inner.source = None;
            }
        }
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The message (the provider's text when it gave one).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The provider that answered, when known.
    pub fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    /// The call that failed, when known.
    pub fn call(&self) -> Option<&str> {
        self.inner.call.as_deref()
    }

    /// The provider's own error code (`510042`, `E13`, `InvalidInput`, `EF01015`, ...).
    pub fn provider_code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The HTTP status of the answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// A bounded excerpt of the body, for [`Protocol`](ErrorKind::Protocol) errors.
    pub fn excerpt(&self) -> Option<&str> {
        self.inner.excerpt.as_deref()
    }

    /// How to handle it, in the [`ErrorClass`] taxonomy: the provider's class when it gave one,
    /// else derived from the kind.
    pub fn class(&self) -> ErrorClass {
        if let Some(class) = self.inner.class {
            return class;
        }
        match self.inner.kind {
            ErrorKind::Transport { .. } | ErrorKind::RateLimited { .. } => ErrorClass::Temporary,
            ErrorKind::Auth | ErrorKind::InvalidInput | ErrorKind::NotFound => {
                ErrorClass::ClientRecoverable
            }
            ErrorKind::Duplicate | ErrorKind::Unsupported => ErrorClass::Fatal,
            ErrorKind::Protocol | ErrorKind::Api => ErrorClass::Unknown,
        }
    }

    /// Whether the same request could succeed if sent again later (a transient failure).
    ///
    /// This says nothing about whether resending is *safe*: a call that changes something must
    /// not be resent once it may have reached the server; see
    /// [`may_have_reached_server`](Self::may_have_reached_server) and
    /// [`is_safe_to_retry`](Self::is_safe_to_retry).
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport { .. } | ErrorKind::RateLimited { .. } => true,
            _ => self.inner.class == Some(ErrorClass::Temporary),
        }
    }

    /// Whether the request may have reached the server. Only a transport error that happened
    /// before anything was sent answers `false`; any answer from the server answers `true`.
    pub fn may_have_reached_server(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport {
                may_have_reached_server,
            } => may_have_reached_server,
            _ => true,
        }
    }

    /// Whether resending is both useful and safe: the error is transient, and either the call
    /// is idempotent or the request certainly did not reach the server.
    pub fn is_safe_to_retry(&self, idempotent: bool) -> bool {
        self.is_retryable() && (idempotent || !self.may_have_reached_server())
    }

    /// How long the provider asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.inner.kind {
            ErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.timeout
    }

    /// Whether this is a transport failure.
    pub fn is_transport(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Transport { .. })
    }

    /// Whether the server refused the call for its rate (throttling, HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::RateLimited { .. })
    }

    /// Whether the credentials were refused.
    pub fn is_auth(&self) -> bool {
        self.inner.kind == ErrorKind::Auth
    }

    /// Whether the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// Whether the answer was malformed.
    pub fn is_protocol(&self) -> bool {
        self.inner.kind == ErrorKind::Protocol
    }

    /// Whether the backend cannot do this.
    pub fn is_unsupported(&self) -> bool {
        self.inner.kind == ErrorKind::Unsupported
    }
}

/// One line: provider, call, what failed, the code, the HTTP status, the message, the wait
/// asked for, and an excerpt of the body unless the message already quotes it; the whole
/// line at most [`LINE_CHARS`] characters.
impl fmt::Display for Error {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        self.write_line(&mut line)?;
        // Longer than the bound: cut one short of it, for the ellipsis.
        match line.char_indices().nth(LINE_CHARS) {
            None => out.write_str(&line),
            Some(_) => {
                let at = line
                    .char_indices()
                    .nth(LINE_CHARS - 1)
                    .map_or(line.len(), |(at, _)| at);
                write!(out, "{}…", &line[..at])
            }
        }
    }
}

impl Error {
    fn write_line(&self, f: &mut String) -> fmt::Result {
        use std::fmt::Write as _;
        let i = &*self.inner;
        if let Some(p) = &i.provider {
            write!(f, "{p}: ")?;
        }
        if let Some(c) = &i.call {
            write!(f, "{c}: ")?;
        }
        let what = match &i.kind {
            ErrorKind::Transport {
                may_have_reached_server: true,
            } if i.timeout => "timed out (the request may have reached the server)",
            ErrorKind::Transport {
                may_have_reached_server: true,
            } => "transport error (the request may have reached the server)",
            ErrorKind::Transport { .. } => "transport error (the request was not sent)",
            ErrorKind::Auth => "authentication refused",
            ErrorKind::RateLimited { .. } => "rate limited",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::NotFound => "not found",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::Unsupported => "not supported",
            ErrorKind::Protocol => "malformed answer",
            ErrorKind::Api => "error",
        };
        f.write_str(what)?;
        if let Some(code) = &i.code {
            write!(f, " [{code}]")?;
        }
        if let Some(status) = i.http_status {
            write!(f, " (HTTP {status})")?;
        }
        if !i.message.is_empty() {
            write!(f, ": {}", i.message)?;
        }
        if let ErrorKind::RateLimited {
            retry_after: Some(d),
        } = i.kind
        {
            write!(f, " (retry after {:.1}s)", d.as_secs_f64())?;
        }
        if let Some(ex) = &i.excerpt {
            // The provider's text once: not again inside the body it came from.
            let quoted: String = i.message.chars().take(40).collect();
            if quoted.is_empty() || !ex.contains(&quoted) {
                write!(f, "; body starts: {ex}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(p) = &i.provider {
            d.field("provider", p);
        }
        if let Some(c) = &i.call {
            d.field("call", c);
        }
        if let Some(c) = &i.code {
            d.field("code", c);
        }
        if let Some(c) = &i.class {
            d.field("class", c);
        }
        if let Some(s) = &i.http_status {
            d.field("http_status", s);
        }
        if let Some(e) = &i.excerpt {
            d.field("excerpt", e);
        }
        if let Some(s) = &i.source {
            d.field("source", s);
        }
        d.finish()
    }
}

/// A source error kept as its text, for [`Error::with_message`].
#[derive(Debug)]
struct SourceText(String);

impl fmt::Display for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for SourceText {}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn StdError + 'static))
    }
}

/// Folds text to one line (any run of whitespace or control characters becomes one space) and
/// cuts it at `max_chars` characters.
pub fn fold_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 2));
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if count >= max_chars {
            out.push('…');
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn an_error_line_is_bounded_as_a_whole_and_quotes_the_provider_once() {
        let huge = "X".repeat(100_000);
        let body = format!("{{\"__type\":\"{huge}\",\"message\":\"{huge}\"}}");
        let e = Error::new(ErrorKind::Api, huge.clone())
            .with_provider("route53")
            .with_call("GetOperationDetail")
            .with_code(huge.clone())
            .with_http_status(400)
            .with_excerpt(body.as_bytes());
        let line = e.to_string();
        assert_eq!(line.chars().count(), LINE_CHARS, "{}", line.len());
        assert!(line.ends_with('…'));
        assert_eq!(e.provider_code().unwrap().chars().count(), CODE_CHARS + 1);
        // The message is in the body: the excerpt is not repeated after it.
        let e = Error::new(ErrorKind::InvalidInput, "bad id")
            .with_excerpt(br#"{"__type":"InvalidInput","message":"bad id"}"#);
        assert_eq!(e.to_string(), "invalid input: bad id");
        // A body that says something else is shown.
        let e = Error::new(ErrorKind::Protocol, "unexpected HTTP status 418")
            .with_excerpt(b"<html>teapot</html>");
        assert!(
            e.to_string()
                .ends_with("; body starts: <html>teapot</html>")
        );
    }

    #[test]
    fn an_error_told_differently_keeps_what_it_was() {
        let io = std::io::Error::other("connection reset");
        let e = Error::rate_limited(Some(Duration::from_secs(7)), "slow down")
            .with_provider("gandi")
            .with_call("operation.info")
            .with_code("510150")
            .with_class(ErrorClass::Temporary)
            .with_http_status(429)
            .with_source(io);
        let again = e.with_message("given up after 10 failed reads in a row: slow down");
        assert_eq!(again.kind(), e.kind());
        assert_eq!(
            again.message(),
            "given up after 10 failed reads in a row: slow down"
        );
        assert_eq!(
            (again.provider(), again.provider_code(), again.http_status()),
            (Some("gandi"), Some("510150"), Some(429))
        );
        assert_eq!(again.class(), e.class());
        assert_eq!(again.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            StdError::source(&again).map(ToString::to_string).as_deref(),
            Some("connection reset")
        );
        assert!(
            again.to_string().starts_with("gandi: operation.info: "),
            "{again}"
        );
    }

    #[test]
    fn display_is_one_line_with_code_and_message() {
        let e = Error::new(
            ErrorKind::NotFound,
            "Error on object :\nOBJECT_OPERATION\r\n(CAUSE_NOTFOUND)",
        )
        .with_code("510042")
        .with_provider("gandi")
        .with_call("operation.info");
        assert_eq!(
            e.to_string(),
            "gandi: operation.info: not found [510042]: Error on object : OBJECT_OPERATION (CAUSE_NOTFOUND)"
        );
        assert_eq!(e.provider_code(), Some("510042"));
        assert_eq!(e.class(), ErrorClass::ClientRecoverable);
    }

    #[test]
    fn retry_questions() {
        let not_sent = Error::transport(false, "connection refused");
        assert!(not_sent.is_retryable());
        assert!(!not_sent.may_have_reached_server());
        assert!(not_sent.is_safe_to_retry(false));

        let maybe = Error::timeout("read timed out");
        assert!(maybe.is_timeout());
        assert!(maybe.may_have_reached_server());
        assert!(maybe.is_safe_to_retry(true));
        assert!(
            !maybe.is_safe_to_retry(false),
            "a create must not be resent after a timeout"
        );

        let limited = Error::rate_limited(Some(Duration::from_millis(1500)), "slow down");
        assert_eq!(limited.retry_after(), Some(Duration::from_millis(1500)));
        assert!(limited.is_safe_to_retry(true));
        assert!(!limited.is_safe_to_retry(false));

        let fatal = Error::api("530040", "no credit").with_class(ErrorClass::Fatal);
        assert!(!fatal.is_retryable());
        let temp = Error::api("x", "try later").with_class(ErrorClass::Temporary);
        assert!(temp.is_retryable());
        assert!(!Error::new(ErrorKind::Auth, "bad key").is_retryable());
    }

    #[test]
    fn excerpt_is_bounded_and_one_line() {
        let body = format!("<html>\n{}</html>", "x".repeat(10_000));
        let e = Error::protocol("not XML-RPC", body.as_bytes());
        let ex = e.excerpt().unwrap();
        assert!(ex.chars().count() <= EXCERPT_CHARS + 1, "{}", ex.len());
        assert!(ex.starts_with("<html> xxx"));
        assert!(ex.ends_with('…'));
        assert!(!e.to_string().contains('\n'));
        let bad_utf8 = Error::protocol("bad", &[0xff, 0xfe, b'a']);
        assert!(bad_utf8.excerpt().unwrap().contains('a'));
    }

    #[test]
    fn redaction_reaches_message_code_and_excerpt() {
        let key = Secret::new("0123456789abcdefghijklmn");
        let mut r = Redactor::new();
        r.add(&key);
        let e = Error::api(
            "0123456789abcdefghijklmn",
            "Invalid API key 0123456789abcdefghijklmn",
        )
        .with_excerpt(b"<key>0123456789abcdefghijklmn</key>")
        .redact(&r);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("0123456789abcdefghijklmn"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn fold_line_cuts_on_chars() {
        assert_eq!(fold_line("  a \n\t b  ", 10), "a b");
        assert_eq!(fold_line("héllo wörld", 5), "héllo…");
    }
}
