//! [`ClientSettings`]: what every adapter's client builder shares (retries, timeouts, pacing,
//! an HTTP client of the caller's), and [`client_settings_setters!`](crate::client_settings_setters)
//! to give a builder the same setters.

use regops_core::{RateLimiter, Result, RetryPolicy};
use std::time::Duration;

/// The HTTP settings of a client builder.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientSettings {
    /// How reads are retried.
    pub retry: RetryPolicy,
    /// The time one whole request may take.
    pub timeout: Duration,
    /// The time connecting may take.
    pub connect_timeout: Duration,
    /// Requests per second and burst, when requests are paced.
    pub rate_limit: Option<(f64, u32)>,
    /// An HTTP client of the caller's, used instead of building one.
    pub http: Option<reqwest::Client>,
    /// Added to the User-Agent, naming the caller in the provider's logs (a fleet member).
    pub user_agent_extra: Option<String>,
}

impl ClientSettings {
    /// The defaults (30 s per request, 10 s to connect, the default [`RetryPolicy`]) with
    /// `rate_limit` (per second, burst) as the provider's pace.
    pub fn new(rate_limit: Option<(f64, u32)>) -> Self {
        ClientSettings {
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            rate_limit,
            http: None,
            user_agent_extra: None,
        }
    }

    /// The caller's HTTP client, or a new one with `user_agent` and the timeouts.
    pub fn http_client(&self, user_agent: &str) -> Result<reqwest::Client> {
        match &self.http {
            Some(c) => Ok(c.clone()),
            None => match &self.user_agent_extra {
                Some(extra) => crate::client(
                    &format!("{user_agent} {extra}"),
                    self.timeout,
                    self.connect_timeout,
                ),
                None => crate::client(user_agent, self.timeout, self.connect_timeout),
            },
        }
    }

    /// The rate limiter of the pace, if any.
    pub fn limiter(&self) -> Option<RateLimiter> {
        self.rate_limit.map(|(r, b)| RateLimiter::new(r, b))
    }
}

/// Writes, inside an `impl` block of a builder, the setters of its [`ClientSettings`] field
/// `$field`: `retry`, `deadline`, `timeout`, `connect_timeout`, `rate_limit`, `no_rate_limit`,
/// `user_agent` and `http_client`.
#[macro_export]
macro_rules! client_settings_setters {
    ($field:ident) => {
        /// How reads are retried (calls that change something are never resent).
        pub fn retry(mut self, policy: regops_core::RetryPolicy) -> Self {
            self.$field.retry = policy;
            self
        }

        /// The time one call may take in all, every attempt and wait included (45 s by
        /// default; `None`: only the attempts bound it).
        pub fn deadline(mut self, deadline: Option<std::time::Duration>) -> Self {
            self.$field.retry = self.$field.retry.deadline(deadline);
            self
        }

        /// The time one whole request may take (30 s by default).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.$field.timeout = timeout;
            self
        }

        /// The time connecting may take (10 s by default).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.$field.connect_timeout = timeout;
            self
        }

        /// Spaces requests out to at most `per_second`, with bursts of `burst`. The default is
        /// the provider's documented pace, where it has one.
        pub fn rate_limit(mut self, per_second: f64, burst: u32) -> Self {
            self.$field.rate_limit = Some((per_second, burst));
            self
        }

        /// Sends requests as fast as they come (for a server without a quota, like a local
        /// mock).
        pub fn no_rate_limit(mut self) -> Self {
            self.$field.rate_limit = None;
            self
        }

        /// Adds `extra` to the User-Agent of the client built (not to a client of the
        /// caller's), naming the caller in the provider's logs.
        pub fn user_agent(mut self, extra: impl Into<String>) -> Self {
            self.$field.user_agent_extra = Some(extra.into());
            self
        }

        /// Uses this HTTP client instead of building one (its timeouts then apply).
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.$field.http = Some(client);
            self
        }
    };
}
