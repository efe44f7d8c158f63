//! Retrying reads, and never resending what may have taken effect.
//!
//! Adapters send every request through [`RetryPolicy::run`], saying whether the call is
//! [`Idempotent`](Idempotency::Idempotent). A transient failure of an idempotent call (a read, a
//! listing) is retried with exponential backoff and jitter, waiting at least as long as the
//! server's `Retry-After`. A call that creates or changes something is retried only when the
//! request certainly did not reach the server (the connection was never made); otherwise its
//! error is returned as is, and the caller can look the operation up instead of resending.

use crate::error::{Error, Result};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Whether sending a call twice has the same effect as sending it once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// A read or a listing: safe to resend.
    Idempotent,
    /// A create, renew, cancel or relaunch: never resent once it may have reached the server.
    NonIdempotent,
}

impl Idempotency {
    /// Whether this is [`Idempotency::Idempotent`].
    pub fn is_idempotent(self) -> bool {
        self == Idempotency::Idempotent
    }
}

/// How to retry transient failures.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retrying).
    pub max_attempts: u32,
    /// The wait before the first retry.
    pub initial_backoff: Duration,
    /// The longest wait between attempts, unless the server asks for longer.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more gets the error returned.
    pub max_retry_after: Duration,
    /// The longest a whole call may take, every attempt and every wait between them included
    /// (`None`: no bound beyond the attempts' own timeouts).
    pub deadline: Option<Duration>,
}

/// How long a call may take in all by default: a read that has not succeeded in this long is
/// reported, rather than kept busy for four attempts of a whole request timeout each.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(45);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(120),
            deadline: Some(DEFAULT_DEADLINE),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the first backoff.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets the longest backoff.
    /// Bounds a whole call, every attempt and wait included (`None`: no overall bound).
    pub fn deadline(mut self, d: Option<Duration>) -> Self {
        self.deadline = d;
        self
    }

    /// Sets the longest wait between attempts.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The wait after failed attempt number `attempt` (1-based): exponential, capped, with
    /// jitter in its upper half.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let capped = exp.min(self.max_backoff);
        let half = capped / 2;
        half + half.mul_f64(jitter())
    }

    /// How long to wait before retrying after `error`, or `None` when it must not be retried
    /// (not transient, not safe for this call, out of attempts, or a `Retry-After` too long).
    pub fn delay_for(
        &self,
        error: &Error,
        idempotency: Idempotency,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_safe_to_retry(idempotency.is_idempotent()) {
            return None;
        }
        match error.retry_after() {
            Some(after) if after > self.max_retry_after => None,
            Some(after) => Some(after.max(self.backoff(attempt))),
            None => Some(self.backoff(attempt)),
        }
    }

    /// Runs `call` until it succeeds, fails in a way that must not be retried, or runs out of
    /// attempts.
    pub async fn run<T, F, Fut>(&self, idempotency: Idempotency, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let started = tokio::time::Instant::now();
        let out_of_time = |attempt: u32| {
            let d = self.deadline.unwrap_or_default();
            Error::timeout(format!(
                "the call's deadline of {} ran out after {attempt} attempt{} (the request may have reached the server)",
                crate::parse::format_duration(d),
                if attempt == 1 { "" } else { "s" }
            ))
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = match self.deadline {
                Some(d) => match tokio::time::timeout_at(started + d, call()).await {
                    Ok(outcome) => outcome,
                    Err(_) => return Err(out_of_time(attempt)),
                },
                None => call().await,
            };
            match outcome {
                Ok(v) => return Ok(v),
                Err(e) => match self.delay_for(&e, idempotency, attempt) {
                    // A wait that would end past the deadline is not taken: the last error is
                    // the answer.
                    Some(delay)
                        if self
                            .deadline
                            .is_some_and(|d| started.elapsed() + delay >= d) =>
                    {
                        return Err(e);
                    }
                    Some(delay) => {
                        tracing::debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            error = %e,
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                    }
                    None => return Err(e),
                },
            }
        }
    }
}

/// A number in [0, 1) that differs from call to call (splitmix64 over a counter seeded from the
/// clock). Spreads retries; not for anything that needs real randomness.
pub(crate) fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    if seed == 0 {
        seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        STATE.store(seed, Ordering::Relaxed);
    }
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn policy() -> RetryPolicy {
        RetryPolicy::default().max_attempts(4)
    }

    /// An attempt that hangs for 30 s (a request timeout), then times out; counted in `calls`.
    async fn hanging(calls: &Cell<u32>) -> Result<()> {
        calls.set(calls.get() + 1);
        tokio::time::sleep(Duration::from_secs(30)).await;
        Err(Error::timeout("no answer in time"))
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_bounds_the_whole_call_and_says_so() {
        let calls = Cell::new(0);
        let started = tokio::time::Instant::now();
        // Every attempt hangs for 30 s (a request timeout); the call may take 45 s in all.
        let err = policy()
            .run(Idempotency::Idempotent, || hanging(&calls))
            .await
            .unwrap_err();
        assert_eq!(started.elapsed(), DEFAULT_DEADLINE);
        assert_eq!(calls.get(), 2, "the second attempt is cut at the deadline");
        assert!(err.is_timeout() && err.may_have_reached_server(), "{err}");
        assert!(
            err.message()
                .contains("deadline of 45s ran out after 2 attempts"),
            "{err}"
        );
        // A wait that would end past the deadline is not taken: the last error comes back.
        let err = policy()
            .deadline(Some(Duration::from_secs(1)))
            .run(Idempotency::Idempotent, || async {
                Err::<(), _>(Error::rate_limited(
                    Some(Duration::from_secs(5)),
                    "slow down",
                ))
            })
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "{err}");
        // Without a deadline, the attempts alone bound it.
        let calls = Cell::new(0);
        let started = tokio::time::Instant::now();
        policy()
            .deadline(None)
            .run(Idempotency::Idempotent, || hanging(&calls))
            .await
            .unwrap_err();
        assert_eq!(calls.get(), 4);
        assert!(started.elapsed() >= Duration::from_secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn reads_are_retried_until_success() {
        let calls = Cell::new(0);
        let out = policy()
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if n < 3 {
                        Err(Error::timeout("slow"))
                    } else {
                        Ok(n)
                    }
                }
            })
            .await
            .unwrap();
        assert_eq!(out, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_create_is_never_resent_after_it_may_have_reached_the_server() {
        for err in [
            Error::timeout("read timed out"),
            Error::transport(true, "connection reset"),
            Error::rate_limited(Some(Duration::from_secs(1)), "429"),
            Error::transport(true, "HTTP 503").with_http_status(503),
        ] {
            let calls = Cell::new(0);
            let shown = err.to_string();
            let mut err = Some(err);
            let res: Result<()> = policy()
                .run(Idempotency::NonIdempotent, || {
                    calls.set(calls.get() + 1);
                    let e = err.take().unwrap_or_else(|| Error::timeout("again"));
                    async move { Err(e) }
                })
                .await;
            assert!(res.is_err());
            assert_eq!(calls.get(), 1, "resent after: {shown}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_create_is_retried_when_it_certainly_was_not_sent() {
        let calls = Cell::new(0);
        let res = policy()
            .run(Idempotency::NonIdempotent, || {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if n == 1 {
                        Err(Error::transport(false, "connection refused"))
                    } else {
                        Ok(())
                    }
                }
            })
            .await;
        assert!(res.is_ok());
        assert_eq!(calls.get(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured_and_attempts_are_bounded() {
        let start = tokio::time::Instant::now();
        let calls = Cell::new(0);
        let res: Result<()> = policy()
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                async {
                    Err(Error::rate_limited(
                        Some(Duration::from_secs(7)),
                        "slow down",
                    ))
                }
            })
            .await;
        assert!(res.is_err());
        assert_eq!(calls.get(), 4);
        assert!(
            start.elapsed() >= Duration::from_secs(21),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fatal_errors_are_not_retried() {
        let calls = Cell::new(0);
        let res: Result<()> = policy()
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                async { Err(Error::not_found("no such operation")) }
            })
            .await;
        assert!(res.unwrap_err().is_not_found());
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..30 {
            let d = p.backoff(attempt);
            assert!(d <= p.max_backoff, "{attempt}: {d:?}");
            let floor = (p.initial_backoff * 2u32.pow(attempt.min(20) - 1)).min(p.max_backoff) / 2;
            assert!(d >= floor, "{attempt}: {d:?} < {floor:?}");
        }
        let j: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(j.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(j.windows(2).any(|w| w[0] != w[1]));
    }
}
