//! Following one operation until it ends.
//!
//! [`wait`] polls an operation and yields an event for each observed change, ending after a
//! terminal status, a deadline, or an error that waiting cannot get past. Polling backs off while
//! nothing changes, goes back to the shortest interval after a change, polls when the provider's
//! `eta` says the operation should be done (within the interval bounds), and waits as long as a
//! server's `Retry-After` asks. Only reads are sent, so transient failures are retried; a run of
//! failures longer than [`WaitOptions::max_consecutive_errors`] ends the wait with the error.
//!
//! An [`Unknown`](crate::OperationStatus::Unknown) status is not terminal: waiting goes on and a
//! warning names the raw word.

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::id::OperationId;
use crate::operation::Operation;
use crate::status::OperationStatus;
use futures::stream::{self, BoxStream, StreamExt};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// How to wait.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long; `None` waits as long as it takes.
    pub timeout: Option<Duration>,
    /// The shortest interval between polls (also used right after a change).
    pub min_interval: Duration,
    /// The longest interval between polls.
    pub max_interval: Duration,
    /// How much the interval grows after a poll that saw no change.
    pub backoff_factor: f64,
    /// How many failed polls in a row end the wait.
    pub max_consecutive_errors: u32,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: None,
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(60),
            backoff_factor: 1.5,
            max_consecutive_errors: 10,
        }
    }
}

impl WaitOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives up after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the interval bounds.
    pub fn intervals(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max.max(min);
        self
    }

    /// Sets the growth of the interval while nothing changes (at least 1).
    pub fn backoff_factor(mut self, factor: f64) -> Self {
        self.backoff_factor = factor.max(1.0);
        self
    }

    /// Sets how many failed polls in a row end the wait.
    pub fn max_consecutive_errors(mut self, n: u32) -> Self {
        self.max_consecutive_errors = n;
        self
    }
}

/// What [`wait`] observed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitEvent {
    /// The first observation, and every later change (status, raw status, message, error or
    /// action required). The last event of a completed wait is a terminal `Changed`.
    Changed(Operation),
    /// A poll failed with a transient error; the next is in `retry_in`.
    Retrying {
        /// The failure.
        error: Error,
        /// When the next poll is.
        retry_in: Duration,
    },
    /// The deadline passed before a terminal status; the last event of the wait. Carries the
    /// last observation, if any poll succeeded.
    DeadlineReached(Option<Operation>),
}

/// The poll interval after an observation: the provider's `eta` when it gave one (within the
/// bounds), otherwise the current backoff interval.
fn next_delay(op: &Operation, interval: Duration, opts: &WaitOptions) -> Duration {
    match op.eta {
        Some(eta) if !eta.is_zero() => eta.clamp(opts.min_interval, opts.max_interval),
        _ => interval,
    }
}

struct State<'a> {
    backend: &'a dyn Backend,
    id: OperationId,
    opts: WaitOptions,
    deadline: Option<Instant>,
    last: Option<Operation>,
    interval: Duration,
    errors: u32,
    delay: Option<Duration>,
    queue: VecDeque<Result<WaitEvent>>,
    done: bool,
}

impl State<'_> {
    async fn poll_once(&mut self) {
        if let Some(delay) = self.delay {
            let wake = Instant::now() + delay;
            let wake = self.deadline.map_or(wake, |d| wake.min(d));
            tokio::time::sleep_until(wake).await;
        }
        let at_deadline = self.deadline.is_some_and(|d| Instant::now() >= d);
        match self.backend.operation(&self.id).await {
            Ok(op) => {
                self.errors = 0;
                let changed = self.last.as_ref().is_none_or(|l| op.changed_from(l));
                if changed {
                    self.interval = self.opts.min_interval;
                    if let OperationStatus::Unknown(raw) = &op.status {
                        tracing::warn!(
                            provider = %op.provider,
                            id = %op.id,
                            raw_status = %raw,
                            "status word not known to this version; waiting goes on"
                        );
                    }
                } else {
                    self.interval = self
                        .interval
                        .mul_f64(self.opts.backoff_factor)
                        .min(self.opts.max_interval);
                }
                self.delay = Some(next_delay(&op, self.interval, &self.opts));
                let terminal = op.is_terminal();
                if changed || terminal {
                    self.queue.push_back(Ok(WaitEvent::Changed(op.clone())));
                }
                self.last = Some(op);
                if terminal {
                    self.done = true;
                    return;
                }
            }
            Err(error) if error.is_retryable() => {
                self.errors += 1;
                if self.errors > self.opts.max_consecutive_errors {
                    self.queue.push_back(Err(error));
                    self.done = true;
                    return;
                }
                let backoff = self
                    .opts
                    .min_interval
                    .mul_f64(self.opts.backoff_factor.powi(self.errors as i32))
                    .min(self.opts.max_interval);
                let retry_in = error.retry_after().map_or(backoff, |a| a.max(backoff));
                self.delay = Some(retry_in);
                self.queue
                    .push_back(Ok(WaitEvent::Retrying { error, retry_in }));
            }
            Err(error) => {
                self.queue.push_back(Err(error));
                self.done = true;
                return;
            }
        }
        if at_deadline {
            self.queue
                .push_back(Ok(WaitEvent::DeadlineReached(self.last.clone())));
            self.done = true;
        }
    }
}

/// Follows operation `id` at `backend` until it ends; see the [module docs](self).
///
/// ```no_run
/// # async fn demo(backend: &dyn regops_core::Backend) -> regops_core::Result<()> {
/// use futures::StreamExt;
/// use regops_core::{wait, WaitEvent, WaitOptions};
/// use std::time::Duration;
///
/// let mut events = wait(backend, "100100".into(), WaitOptions::new().timeout(Duration::from_secs(600)));
/// while let Some(event) = events.next().await {
///     match event? {
///         WaitEvent::Changed(op) => println!("{} is {}", op.id, op.status),
///         WaitEvent::Retrying { error, .. } => eprintln!("retrying: {error}"),
///         WaitEvent::DeadlineReached(_) => eprintln!("still not done"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub fn wait<'a>(
    backend: &'a dyn Backend,
    id: OperationId,
    opts: WaitOptions,
) -> BoxStream<'a, Result<WaitEvent>> {
    let state = State {
        backend,
        id,
        deadline: opts.timeout.map(|t| Instant::now() + t),
        interval: opts.min_interval,
        opts,
        last: None,
        errors: 0,
        delay: None,
        queue: VecDeque::new(),
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if let Some(ev) = st.queue.pop_front() {
                return Some((ev, st));
            }
            if st.done {
                return None;
            }
            st.poll_once().await;
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests;
