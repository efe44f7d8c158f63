//! [`exchange`]: one HTTP request and its answer, the same way for every client.
//!
//! In order: a slot from the account's rate limiter, the request, the status and headers, the
//! body read within its limit. Then, before any protocol reads the answer:
//! - a `429` or `503` that carries `Retry-After` pauses the limiter for that long, so every task
//!   sharing the account waits, not only the one that met it;
//! - a redirect is an error naming where it pointed: regops never follows one (the clients are
//!   built with redirects off), since a registrar's API does not move, and following would hand
//!   the request's headers to another host and take its answer as the registrar's. The request
//!   reached a server that did not act as the registrar, so a change that met a redirect is
//!   reported as one that may have been sent, to be looked up, never as done.

use regops_core::{Error, RateLimiter, Result};
use reqwest::header::HeaderMap;
use std::time::Duration;

/// The answer of one exchange, whatever its status: the caller's protocol reads it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The `Retry-After` header, read as a delay.
    pub retry_after: Option<Duration>,
    /// Every header of the answer.
    pub headers: HeaderMap,
    /// The body, never longer than the limit it was read with.
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header as text, when it is present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Where an exchange goes and how: the account's limiter, the body limit, the provider's name
/// for errors and logs.
#[derive(Clone, Copy, Debug)]
pub struct Exchange<'a> {
    /// The account's rate limiter, shared by every call of the account.
    pub limiter: Option<&'a RateLimiter>,
    /// The largest body read.
    pub max_body_bytes: usize,
    /// The provider's name.
    pub provider: &'static str,
}

impl Exchange<'_> {
    /// Sends `request` for `call` and reads its answer (see the [module](self)).
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
        call: &'static str,
    ) -> Result<Answer> {
        if let Some(limiter) = self.limiter {
            limiter.acquire().await;
        }
        tracing::debug!(provider = self.provider, call, "calling");
        let mut response = request
            .send()
            .await
            .map_err(|e| crate::transport_error(&e, self.provider).with_call(call))?;
        let status = response.status().as_u16();
        // The headers move into the answer; the body is read without them.
        let headers = std::mem::take(response.headers_mut());
        let retry_after = crate::retry_after(&headers);
        if (300..400).contains(&status) {
            let location = headers.get(reqwest::header::LOCATION);
            return Err(redirected(status, location, self.provider).with_call(call));
        }
        if let (Some(limiter), Some(after), 429 | 503) = (self.limiter, retry_after, status) {
            tracing::debug!(
                provider = self.provider,
                call,
                ?after,
                "rate limited: pausing"
            );
            limiter.pause(after);
        }
        let body = crate::read_limited(response, self.max_body_bytes, self.provider)
            .await
            .map_err(|e| e.with_call(call))?;
        Ok(Answer {
            status,
            retry_after,
            headers,
            body,
        })
    }
}

/// The error for a redirect: where it pointed, shown without credentials, query or fragment
/// (which may carry a token).
fn redirected(
    status: u16,
    location: Option<&reqwest::header::HeaderValue>,
    provider: &'static str,
) -> Error {
    let to = location
        .and_then(|l| l.to_str().ok())
        .map(|l| format!(" to {}", shown_location(l)))
        .unwrap_or_default();
    Error::protocol(
        format!(
            "the server redirected the request (HTTP {status}){to}; regops does not follow \
             redirects: check the endpoint"
        ),
        b"",
    )
    .with_provider(provider)
    .with_http_status(status)
}

/// A `Location` as it may be shown: an absolute URL as scheme, host, port and path; a relative
/// one as its path; at most 200 characters, no control characters.
fn shown_location(location: &str) -> String {
    let shown = match reqwest::Url::parse(location) {
        Ok(url) => format!(
            "{}://{}{}{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port().map(|p| format!(":{p}")).unwrap_or_default(),
            url.path()
        ),
        Err(_) => location
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    shown
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_shown_without_credentials_or_queries() {
        assert_eq!(
            shown_location("https://user:pw@evil.example:8443/x/y?token=1#f"),
            "https://evil.example:8443/x/y"
        );
        assert_eq!(shown_location("/elsewhere?k=v"), "/elsewhere");
        assert_eq!(shown_location(&"a".repeat(500)).len(), 200);
    }
}
