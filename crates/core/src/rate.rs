//! A token bucket for per-account request rates.
//!
//! Each caller reserves the next free slot and sleeps until it, so callers are served in order
//! and the long-run rate never exceeds the limit, however many tasks share the bucket. It runs
//! on tokio's clock, so tests drive it with a paused clock.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Limits requests to `rate` per second with bursts of up to `burst`.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Tokens available at `at`; negative when slots are reserved ahead.
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// A limiter of `per_second` requests per second (must be positive) with bursts of `burst`
    /// (at least 1). It starts full.
    pub fn new(per_second: f64, burst: u32) -> Self {
        assert!(
            per_second > 0.0 && per_second.is_finite(),
            "rate must be positive"
        );
        let burst = f64::from(burst.max(1));
        RateLimiter {
            per_second,
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                at: Instant::now(),
            }),
        }
    }

    /// The configured rate, in requests per second.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    fn reserve(&self) -> Duration {
        let mut b = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.burst);
        b.at = now;
        b.tokens -= 1.0;
        if b.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-b.tokens / self.per_second)
        }
    }

    /// Waits for a slot.
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a slot when one is free now, without waiting.
    pub fn try_acquire(&self) -> bool {
        let mut b = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Empties the bucket for `pause`: the server said it was rate limited.
    pub fn pause(&self, pause: Duration) {
        let mut b = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let owed = -(pause.as_secs_f64() * self.per_second);
        if b.tokens > owed {
            b.tokens = owed;
        }
        b.at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn holds_the_rate_under_concurrent_load() {
        let limiter = Arc::new(RateLimiter::new(3.0, 1));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let l = limiter.clone();
            tasks.push(tokio::spawn(async move {
                l.acquire().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap() - start);
        }
        times.sort();
        // 30 requests at 3/s with a burst of 1: the last one is served at 29/3 s.
        let last = times.last().unwrap().as_secs_f64();
        assert!((9.6..9.8).contains(&last), "{last}");
        // No one-second window holds more than 3 requests (1 ms of slack for float rounding).
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|u| **u - *t < Duration::from_millis(999))
                .count();
            assert!(in_window <= 3, "{in_window} requests within 1s from {t:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn burst_then_steady_and_pause() {
        let l = RateLimiter::new(10.0, 5);
        for _ in 0..5 {
            assert!(l.try_acquire());
        }
        assert!(!l.try_acquire());
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(l.try_acquire());
        l.pause(Duration::from_secs(2));
        tokio::time::advance(Duration::from_millis(1900)).await;
        assert!(!l.try_acquire());
        tokio::time::advance(Duration::from_millis(200)).await;
        assert!(l.try_acquire());
    }
}
