//! The tracker: follows any number of operations across accounts, cheaply, without losing one.
//!
//! Each account is swept by its own task. A sweep takes the operations that are due, reads them
//! with the backend's batched [`refresh`](crate::Backend::refresh) (Gandi `operation.list` by id
//! array, Route 53 `ListOperations` pages, Netim `queryOpePending`, AutoDNS job `_search`) in
//! chunks of the backend's [`max_batch`](crate::Capabilities::max_batch), and paces those calls
//! with a token bucket per account. An operation is due again after an interval that starts
//! short, grows while nothing changes, shrinks back after a change, and follows the provider's
//! `eta` (or the date a scheduled operation waits for) within the bounds. When a call is made,
//! it also takes the operations due within half their interval, so that batches fill up rather
//! than one call going out for each operation as it falls due. Every observed state
//! goes to the [`Journal`] first, then out as a [`TrackerEvent`]; an operation leaves the
//! tracker on a terminal status. An [`Unknown`](crate::OperationStatus::Unknown) status is not
//! terminal: it is followed like any other.

use crate::backend::Backend;
use crate::error::Error;
use crate::id::OperationId;
use crate::journal::Journal;
use crate::operation::Operation;
use crate::rate::RateLimiter;
use crate::status::OperationStatus;
use futures::stream::{BoxStream, StreamExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How the tracker paces itself.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TrackerOptions {
    /// The shortest interval between two reads of one operation (also right after a change).
    pub min_interval: Duration,
    /// The longest interval between two reads of one operation.
    pub max_interval: Duration,
    /// How much the interval grows after a read that saw no change.
    pub backoff_factor: f64,
    /// How many failed reads of one operation in a row make the tracker give it up.
    pub max_consecutive_errors: u32,
    /// Stop following after this long (what is left is reported as timed out).
    pub deadline: Option<Duration>,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            min_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(300),
            backoff_factor: 1.5,
            max_consecutive_errors: 10,
            deadline: None,
        }
    }
}

impl TrackerOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the interval bounds.
    pub fn intervals(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max.max(min);
        self
    }

    /// Sets the deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets how many failed reads in a row give an operation up.
    pub fn max_consecutive_errors(mut self, n: u32) -> Self {
        self.max_consecutive_errors = n.max(1);
        self
    }
}

/// What the tracker saw.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrackerEvent {
    /// An operation changed (or was seen for the first time), and is not terminal.
    Changed {
        /// The account.
        account: String,
        /// The operation now.
        operation: Operation,
    },
    /// An operation reached a terminal status; it is no longer followed.
    Finished {
        /// The account.
        account: String,
        /// The operation as it ended.
        operation: Operation,
    },
    /// A read failed; the operations are read again later.
    Retrying {
        /// The account.
        account: String,
        /// What failed.
        error: Error,
        /// When the operations are read again.
        retry_in: Duration,
    },
    /// An operation was given up (not found, too many failed reads, or the journal failed).
    GaveUp {
        /// The account.
        account: String,
        /// The operation.
        id: OperationId,
        /// Why.
        error: Error,
    },
    /// The deadline passed with this operation still not terminal.
    TimedOut {
        /// The account.
        account: String,
        /// The operation.
        id: OperationId,
        /// Its last known state.
        last: Option<Operation>,
    },
}

struct Followed {
    last: Option<Operation>,
    due: Instant,
    interval: Duration,
    errors: u32,
}

struct Account {
    backend: Arc<dyn Backend>,
    limiter: Option<RateLimiter>,
    ops: BTreeMap<OperationId, Followed>,
}

/// Follows operations across accounts. Build it, add accounts and operations, then
/// [`run`](Tracker::run) it.
pub struct Tracker {
    accounts: BTreeMap<String, Account>,
    journal: Option<Arc<dyn Journal>>,
    options: TrackerOptions,
}

impl std::fmt::Debug for Tracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracker")
            .field("accounts", &self.accounts.keys().collect::<Vec<_>>())
            .field("operations", &self.len())
            .finish_non_exhaustive()
    }
}

impl Tracker {
    /// A tracker with `options` and no journal.
    pub fn new(options: TrackerOptions) -> Self {
        Tracker {
            accounts: BTreeMap::new(),
            journal: None,
            options,
        }
    }

    /// Records every operation and every observed state in `journal`.
    pub fn with_journal(mut self, journal: Arc<dyn Journal>) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Adds an account, paced at its provider's documented rate (when the backend says one).
    pub fn add_account(&mut self, name: impl Into<String>, backend: Arc<dyn Backend>) {
        let rate = backend.capabilities().rate_limit_per_second;
        self.add_account_with_rate(name, backend, rate);
    }

    /// Adds an account paced at `per_second` refresh calls (none: not paced).
    pub fn add_account_with_rate(
        &mut self,
        name: impl Into<String>,
        backend: Arc<dyn Backend>,
        per_second: Option<f64>,
    ) {
        self.accounts.insert(
            name.into(),
            Account {
                backend,
                limiter: per_second.map(|r| RateLimiter::new(r, 1)),
                ops: BTreeMap::new(),
            },
        );
    }

    /// Whether an account of that name was added.
    pub fn has_account(&self, name: &str) -> bool {
        self.accounts.contains_key(name)
    }

    /// How many operations are followed.
    pub fn len(&self) -> usize {
        self.accounts.values().map(|a| a.ops.len()).sum()
    }

    /// Whether nothing is followed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts an operation of `account` under tracking, recording it in the journal first.
    pub async fn track(&mut self, account: &str, id: OperationId) -> crate::Result<()> {
        self.follow(account, id, None).await
    }

    async fn follow(
        &mut self,
        account: &str,
        id: OperationId,
        last: Option<Operation>,
    ) -> crate::Result<()> {
        let Some(acct) = self.accounts.get_mut(account) else {
            return Err(Error::invalid_input(format!(
                "the tracker has no account `{account}`"
            )));
        };
        if let Some(journal) = &self.journal {
            journal.track(account, &id).await?;
        }
        acct.ops.entry(id).or_insert(Followed {
            last,
            due: Instant::now(),
            interval: self.options.min_interval,
            errors: 0,
        });
        Ok(())
    }

    /// Follows again everything the journal holds that is not terminal, for the accounts this
    /// tracker has. Answers how many operations were resumed and the accounts it does not have.
    pub async fn resume(&mut self) -> crate::Result<(usize, Vec<String>)> {
        let Some(journal) = self.journal.clone() else {
            return Ok((0, Vec::new()));
        };
        let mut resumed = 0;
        let mut missing = Vec::new();
        for record in journal.unfinished().await? {
            if self.has_account(&record.account) {
                self.follow(&record.account, record.id, record.last).await?;
                resumed += 1;
            } else if !missing.contains(&record.account) {
                missing.push(record.account);
            }
        }
        Ok((resumed, missing))
    }

    /// Runs the tracker on the current tokio runtime: one task per account. The stream ends when
    /// every operation has ended, was given up, or timed out.
    pub fn run(self) -> BoxStream<'static, TrackerEvent> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let deadline = self.options.deadline.map(|d| Instant::now() + d);
        for (name, account) in self.accounts {
            if account.ops.is_empty() {
                continue;
            }
            let sweep = Sweep {
                name,
                account,
                journal: self.journal.clone(),
                options: self.options.clone(),
                deadline,
                tx: tx.clone(),
            };
            tokio::spawn(sweep.run());
        }
        drop(tx);
        futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|event| (event, rx))
        })
        .boxed()
    }
}

/// One account's loop.
struct Sweep {
    name: String,
    account: Account,
    journal: Option<Arc<dyn Journal>>,
    options: TrackerOptions,
    deadline: Option<Instant>,
    tx: tokio::sync::mpsc::UnboundedSender<TrackerEvent>,
}

impl Sweep {
    fn send(&self, event: TrackerEvent) {
        let _ = self.tx.send(event);
    }

    async fn run(mut self) {
        let caps = self.account.backend.capabilities();
        let batch = if caps.batch_refresh {
            caps.max_batch.unwrap_or(100).max(1)
        } else {
            1
        };
        // How many operations one call reads, to pace calls rather than refreshes.
        let per_call = if caps.batch_refresh {
            caps.max_page_size.map_or(batch, |p| p as usize).max(1)
        } else {
            1
        };
        while !self.account.ops.is_empty() {
            let now = Instant::now();
            if self.deadline.is_some_and(|d| now >= d) {
                for (id, f) in std::mem::take(&mut self.account.ops) {
                    self.send(TrackerEvent::TimedOut {
                        account: self.name.clone(),
                        id,
                        last: f.last,
                    });
                }
                return;
            }
            // When a call is made anyway, it also reads the operations due within half their
            // interval: batches fill up instead of one call per operation falling due.
            let any_due = self.account.ops.values().any(|f| f.due <= now);
            let due: Vec<OperationId> = if any_due {
                self.account
                    .ops
                    .iter()
                    .filter(|(_, f)| f.due <= now + f.interval / 2)
                    .map(|(id, _)| id.clone())
                    .collect()
            } else {
                Vec::new()
            };
            for chunk in due.chunks(batch) {
                if let Some(limiter) = &self.account.limiter {
                    for _ in 0..chunk.len().div_ceil(per_call) {
                        limiter.acquire().await;
                    }
                }
                let answer = self.account.backend.refresh(chunk).await;
                match answer {
                    Ok(results) => {
                        for (id, result) in chunk.iter().zip(results) {
                            self.observed(id, result).await;
                        }
                    }
                    Err(error) => self.failed_read(chunk, error),
                }
            }
            let next = self.account.ops.values().map(|f| f.due).min();
            let mut wake = next.unwrap_or(now).max(now + Duration::from_millis(5));
            if let Some(d) = self.deadline {
                wake = wake.min(d);
            }
            tokio::time::sleep_until(wake).await;
        }
    }

    /// A whole refresh call failed: every operation of the chunk is read again later.
    fn failed_read(&mut self, chunk: &[OperationId], error: Error) {
        let retry_in = error
            .retry_after()
            .unwrap_or(self.options.min_interval)
            .max(self.options.min_interval);
        let mut given_up = Vec::new();
        for id in chunk {
            if let Some(f) = self.account.ops.get_mut(id) {
                f.errors += 1;
                f.due = Instant::now() + retry_in;
                if f.errors >= self.options.max_consecutive_errors {
                    given_up.push(id.clone());
                }
            }
        }
        if let Some(limiter) = &self.account.limiter
            && error.is_rate_limited()
        {
            limiter.pause(retry_in);
        }
        for id in given_up {
            self.account.ops.remove(&id);
            let why = Error::new(
                error.kind().clone(),
                format!(
                    "given up after {} failed reads in a row: {error}",
                    self.options.max_consecutive_errors
                ),
            );
            self.send(TrackerEvent::GaveUp {
                account: self.name.clone(),
                id,
                error: why,
            });
        }
        self.send(TrackerEvent::Retrying {
            account: self.name.clone(),
            error,
            retry_in,
        });
    }

    async fn observed(&mut self, id: &OperationId, result: crate::Result<Operation>) {
        let op = match result {
            Ok(op) => op,
            Err(error) => {
                let give_up = error.is_not_found()
                    || self
                        .account
                        .ops
                        .get(id)
                        .is_some_and(|f| f.errors + 1 >= self.options.max_consecutive_errors);
                if give_up {
                    self.account.ops.remove(id);
                    self.send(TrackerEvent::GaveUp {
                        account: self.name.clone(),
                        id: id.clone(),
                        error,
                    });
                } else if let Some(f) = self.account.ops.get_mut(id) {
                    f.errors += 1;
                    f.due = Instant::now() + f.interval;
                }
                return;
            }
        };
        // The journal first: an observed state is never announced without being recorded.
        if let Some(journal) = &self.journal
            && let Err(error) = journal.record(&self.name, &op).await
        {
            self.account.ops.remove(id);
            self.send(TrackerEvent::GaveUp {
                account: self.name.clone(),
                id: id.clone(),
                error,
            });
            return;
        }
        let Some(f) = self.account.ops.get_mut(id) else {
            return;
        };
        let changed = f.last.as_ref().is_none_or(|last| op.changed_from(last));
        f.errors = 0;
        if op.is_terminal() {
            self.account.ops.remove(id);
            self.send(TrackerEvent::Finished {
                account: self.name.clone(),
                operation: op,
            });
            return;
        }
        let (min, max) = (self.options.min_interval, self.options.max_interval);
        f.interval = if changed {
            min
        } else {
            f.interval.mul_f64(self.options.backoff_factor).min(max)
        };
        // The provider's estimate, or the date a scheduled operation waits for, within bounds.
        let hint = op.eta.or_else(|| {
            (op.status == OperationStatus::Pending)
                .then_some(op.scheduled_at)
                .flatten()
                .and_then(|at| (at - chrono::Utc::now()).to_std().ok())
        });
        let wait = match hint {
            Some(h) => h.clamp(min, max),
            None => f.interval,
        };
        f.due = Instant::now() + wait;
        f.last = Some(op.clone());
        if changed {
            self.send(TrackerEvent::Changed {
                account: self.name.clone(),
                operation: op,
            });
        }
    }
}

#[cfg(test)]
mod tests;
