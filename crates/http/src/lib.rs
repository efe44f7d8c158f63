//! The HTTP plumbing every regops adapter shares, on reqwest.
//!
//! Each adapter speaks its own wire format; what happens around the bytes is the same for all
//! of them and lives here, once:
//! - [`Exchange::send`] is the one HTTP exchange of every client: rate limiter, request,
//!   `Retry-After` pausing the limiter, redirects refused, bounded body;
//! - [`client`] builds a reqwest client with rustls, a User-Agent, both timeouts and redirects
//!   off;
//! - [`endpoint`] checks an endpoint URL;
//! - [`read_limited`] reads an answer without ever buffering more than a limit;
//! - [`transport_error`] turns a reqwest failure into a [`regops_core::Error`] that says whether
//!   the request may have reached the server (only a failed connection proves it did not), and
//!   never shows the URL (a user may have put a token in it);
//! - [`retry_after`] reads `Retry-After` (seconds or an HTTP date);
//! - [`status_error`] classifies a non-2xx answer the adapter did not recognize itself;
//! - [`xml`] reads loosely typed XML (gateway answers, SOAP encoding) into a bounded tree;
//! - [`json_value`] keeps a JSON member as a core [`Value`](regops_core::Value);
//! - [`ClientSettings`] and [`client_settings_setters!`] give every client builder the same
//!   retry, timeout and pacing settings.

mod exchange;
mod json;
mod settings;
pub mod xml;

pub use exchange::{Answer, Exchange};
pub use json::{decode_json, json_value};
pub use settings::ClientSettings;

use regops_core::{Error, ErrorKind, Result};
use std::time::Duration;

/// Builds a reqwest client with a User-Agent, a whole-request timeout and a connect timeout,
/// which never follows a redirect (see [`Exchange`]).
pub fn client(
    user_agent: &str,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::transport(false, format!("building the HTTP client: {e}")))
}

/// Parses an endpoint, accepting only `http` and `https` URLs.
pub fn endpoint(url: &str, provider: &'static str) -> Result<reqwest::Url> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::invalid_input(format!("endpoint {url:?} is not a URL: {e}")).with_provider(provider)
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(
            Error::invalid_input(format!("endpoint {url:?} is not an http or https URL"))
                .with_provider(provider),
        );
    }
    // The URL standard reads `http:///v1` as the host `v1`: a host must be written.
    let authority = url
        .trim_start()
        .split_once("://")
        .map_or("", |(_, rest)| rest);
    if authority.starts_with(['/', '?', '#']) || authority.is_empty() {
        return Err(
            Error::invalid_input(format!("endpoint {url:?} has no host")).with_provider(provider),
        );
    }
    Ok(parsed)
}

/// A transport error, saying whether the request may have reached the server: only a failed
/// connection proves it did not.
pub fn transport_error(e: &reqwest::Error, provider: &'static str) -> Error {
    let text = without_url(e);
    let err = if e.is_connect() {
        Error::transport(false, format!("cannot connect: {text}"))
    } else if e.is_timeout() {
        Error::timeout(format!("no answer in time: {text}"))
    } else {
        Error::transport(true, format!("the request failed: {text}"))
    };
    err.with_provider(provider)
}

/// reqwest's message and its causes, without the URL.
fn without_url(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() {
        let what = if e.is_body() || e.is_decode() {
            "reading the body"
        } else {
            "sending the request"
        };
        format!("{what} failed")
    } else {
        parts.join(": ")
    }
}

/// The `Retry-After` of an answer: delay seconds or an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// The error for a non-2xx answer whose body the adapter could not read as an error of its
/// protocol: 429 (and 503 with `Retry-After`) rate limited, 401 and 403 refused credentials, 5xx
/// a transport failure that may have reached the server, anything else a protocol error.
pub fn status_error(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    provider: &'static str,
) -> Error {
    let err = match status {
        429 => Error::rate_limited(retry_after, "rate limited (HTTP 429)"),
        503 if retry_after.is_some() => {
            Error::rate_limited(retry_after, "service unavailable (HTTP 503), retry later")
        }
        401 | 403 => Error::new(ErrorKind::Auth, format!("refused (HTTP {status})")),
        500..=599 => Error::transport(true, format!("server error (HTTP {status})")),
        _ => Error::protocol(format!("unexpected HTTP status {status}"), body),
    };
    err.with_provider(provider)
        .with_http_status(status)
        .with_excerpt(body)
}

/// Reads an answer's body, refusing more than `max` bytes without buffering them.
pub async fn read_limited(
    mut response: reqwest::Response,
    max: usize,
    provider: &'static str,
) -> Result<Vec<u8>> {
    let too_large = |got: &[u8]| {
        Error::protocol(
            format!("the answer is larger than the limit of {max} bytes"),
            got,
        )
        .with_provider(provider)
    };
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large(b""));
    }
    let mut out =
        Vec::with_capacity(response.content_length().unwrap_or(0).min(max as u64) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > max {
                    return Err(too_large(&out));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) => {
                return Err(Error::transport(
                    true,
                    format!("reading the answer: {}", without_url(&e)),
                )
                .with_provider(provider));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a past date is now");
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn statuses_map_to_kinds() {
        let kind = |s, ra| status_error(s, ra, b"body", "p").kind().clone();
        assert!(matches!(kind(429, None), ErrorKind::RateLimited { .. }));
        assert!(matches!(
            kind(503, Some(Duration::from_secs(1))),
            ErrorKind::RateLimited { .. }
        ));
        assert!(matches!(
            kind(503, None),
            ErrorKind::Transport {
                may_have_reached_server: true,
                ..
            }
        ));
        assert_eq!(kind(401, None), ErrorKind::Auth);
        assert_eq!(kind(403, None), ErrorKind::Auth);
        assert_eq!(kind(404, None), ErrorKind::Protocol);
        let e = status_error(418, None, b"teapot", "p");
        assert_eq!(e.http_status(), Some(418));
        assert_eq!(e.provider(), Some("p"));
        assert!(e.excerpt().unwrap().contains("teapot"));
    }

    #[test]
    fn endpoints_must_be_http() {
        assert!(endpoint("https://example.com/x", "p").is_ok());
        assert!(
            endpoint("ftp://example.com/", "p").unwrap_err().kind() == &ErrorKind::InvalidInput
        );
        assert!(endpoint("not a url", "p").is_err());
        for hostless in ["http:///v1", "https:///", "http://?x", "http:/v1"] {
            let e = endpoint(hostless, "p").unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::InvalidInput, "{hostless}");
        }
        assert!(endpoint("http://127.0.0.1:8417/autodns/v1", "p").is_ok());
    }

    #[tokio::test]
    async fn connection_refused_did_not_reach_the_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let http = client("t", Duration::from_secs(2), Duration::from_secs(2)).unwrap();
        let e = http
            .get(format!("http://{addr}/?token=hunter2"))
            .send()
            .await
            .unwrap_err();
        let err = transport_error(&e, "p");
        assert!(!err.may_have_reached_server());
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
