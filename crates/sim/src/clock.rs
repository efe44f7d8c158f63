//! The sandbox clock: virtual time that runs `speed` times faster than real time.

use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// Virtual time starting at a fixed instant.
#[derive(Clone, Debug)]
pub struct SimClock {
    origin_real: Instant,
    origin: DateTime<Utc>,
    speed: f64,
}

impl SimClock {
    /// A clock at `origin` that runs `speed` times faster than real time.
    pub fn new(origin: DateTime<Utc>, speed: f64) -> Self {
        SimClock {
            origin_real: Instant::now(),
            origin,
            speed: speed.max(0.0),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        let real = self.origin_real.elapsed();
        let virt = Duration::from_secs_f64(real.as_secs_f64() * self.speed);
        self.origin + chrono::Duration::from_std(virt).unwrap_or(chrono::Duration::zero())
    }

    /// How fast it runs.
    pub fn speed(&self) -> f64 {
        self.speed
    }
}

/// Where a planned object is at `now`: the last step of `plan` (seconds after `created`, in
/// order) that has been reached, or the first, and when it was reached.
pub fn plan_at<T: Copy>(
    plan: &[(i64, T)],
    created: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (T, DateTime<Utc>) {
    let age = (now - created).num_seconds();
    let mut current = plan[0];
    for step in plan {
        if step.0 <= age {
            current = *step;
        }
    }
    (current.1, created + chrono::Duration::seconds(current.0))
}

/// SplitMix64: a small seeded generator so that a run can be repeated exactly.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let a: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.below(100)))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.below(100)))
            .collect();
        assert_eq!(a, b);
        let c: Vec<u64> = (0..5)
            .scan(Rng::new(8), |r, _| Some(r.below(100)))
            .collect();
        assert_ne!(a, c);
    }

    #[test]
    fn virtual_time_runs_faster() {
        let origin = Utc::now();
        let c = SimClock::new(origin, 1000.0);
        std::thread::sleep(Duration::from_millis(20));
        assert!(c.now() - origin >= chrono::Duration::seconds(19));
    }
}
