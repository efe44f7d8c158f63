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
//!
//! An account may have a [`Gate`]: while it is closed the sweep makes no call (a call under way
//! is abandoned), and resumes where it was when it opens. A state the journal could not take
//! (the database is away) is kept and written again before anything else, and never counts
//! against the operation: only its own failed reads give it up.

use crate::backend::Backend;
use crate::error::Error;
use crate::gate::Gate;
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
    /// Keep each account's sweep running when it follows nothing, waiting for operations
    /// added through a [`TrackerHandle`] (a service); otherwise the tracker ends when
    /// everything has ended.
    pub keep_running: bool,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            min_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(300),
            backoff_factor: 1.5,
            max_consecutive_errors: 10,
            deadline: None,
            keep_running: false,
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

    /// Keeps the sweeps running when they follow nothing (see [`keep_running`](Self::keep_running)).
    pub fn keep_running(mut self, keep: bool) -> Self {
        self.keep_running = keep;
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
    /// One refresh call was made (whatever its outcome).
    Swept {
        /// The account.
        account: String,
        /// How many operations it read.
        operations: usize,
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

struct Account {
    backend: Arc<dyn Backend>,
    limiter: Option<Arc<RateLimiter>>,
    gate: Option<Gate>,
    ops: Followings,
}

/// What a [`TrackerHandle`] asks of a running sweep.
enum Command {
    Follow(OperationId, Option<Box<Operation>>),
    Leave(OperationId),
    /// Drop everything the sweep follows (another process follows the account now).
    Forget,
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
        let limiter = per_second.map(|r| Arc::new(RateLimiter::new(r, 1)));
        self.add_account_with_limiter(name, backend, limiter);
    }

    /// Adds an account whose refresh calls take their slots from `limiter` (none: not paced),
    /// which other callers of the same account may share, so that the account's rate holds
    /// over all of them.
    pub fn add_account_with_limiter(
        &mut self,
        name: impl Into<String>,
        backend: Arc<dyn Backend>,
        limiter: Option<Arc<RateLimiter>>,
    ) {
        self.accounts.insert(
            name.into(),
            Account {
                backend,
                limiter,
                gate: None,
                ops: Followings::default(),
            },
        );
    }

    /// Makes the sweep of `account` call it only while `gate` is open (see [`Gate`]). Answers
    /// whether the tracker has that account.
    pub fn set_gate(&mut self, account: &str, gate: Gate) -> bool {
        match self.accounts.get_mut(account) {
            Some(a) => {
                a.gate = Some(gate);
                true
            }
            None => false,
        }
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
        // `last` is the journal's own (a resume) or none.
        let (min, keep) = (self.options.min_interval, self.journal.is_none());
        acct.ops
            .insert_if_absent(id, || Followed::new(last, keep, true, min));
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
        self.start().1
    }

    /// Runs the tracker like [`run`](Self::run), and answers a handle that puts operations under
    /// tracking (or takes them off) while it runs, and stops it. With
    /// [`keep_running`](TrackerOptions::keep_running) the stream ends only once
    /// [`TrackerHandle::stop`] was called (or every handle was dropped and nothing is left).
    pub fn start(self) -> (TrackerHandle, BoxStream<'static, TrackerEvent>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        // Every sweep keeps the sender alive too, so that `changed` waits for a real stop.
        let stop_tx = Arc::new(stop_tx);
        let deadline = self.options.deadline.map(|d| Instant::now() + d);
        let mut commands = BTreeMap::new();
        for (name, account) in self.accounts {
            if account.ops.is_empty() && !self.options.keep_running {
                continue;
            }
            let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
            commands.insert(name.clone(), cmd_tx);
            let sweep = Sweep {
                name,
                account,
                journal: self.journal.clone(),
                options: self.options.clone(),
                deadline,
                tx: tx.clone(),
                commands: Some(cmd_rx),
                stop: stop_rx.clone(),
                _stop_sender: stop_tx.clone(),
                journal_down: false,
                unwritten: BTreeMap::new(),
            };
            tokio::spawn(sweep.run());
        }
        drop(tx);
        let handle = TrackerHandle {
            commands: Arc::new(commands),
            journal: self.journal,
            stop: stop_tx,
        };
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|event| (event, rx))
        })
        .boxed();
        (handle, stream)
    }
}

/// Puts operations under tracking while a [`Tracker`] runs, takes them off, and stops it.
/// Cheap to clone.
#[derive(Clone)]
pub struct TrackerHandle {
    commands: Arc<BTreeMap<String, tokio::sync::mpsc::UnboundedSender<Command>>>,
    journal: Option<Arc<dyn Journal>>,
    stop: Arc<tokio::sync::watch::Sender<bool>>,
}

impl std::fmt::Debug for TrackerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerHandle")
            .field("accounts", &self.commands.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl TrackerHandle {
    /// Whether the running tracker has a sweep for `account`.
    pub fn has_account(&self, account: &str) -> bool {
        self.commands.contains_key(account)
    }

    /// Follows `id` of `account` (recording it in the journal first), starting from `last`
    /// when it was just read. Following an operation already followed changes nothing.
    pub async fn follow(
        &self,
        account: &str,
        id: OperationId,
        last: Option<Operation>,
    ) -> crate::Result<()> {
        let Some(tx) = self.commands.get(account) else {
            return Err(Error::invalid_input(format!(
                "the tracker has no account `{account}`"
            )));
        };
        if let Some(journal) = &self.journal {
            journal.track(account, &id).await?;
        }
        tx.send(Command::Follow(id, last.map(Box::new)))
            .map_err(|_| Error::invalid_input(format!("the tracker of `{account}` has stopped")))
    }

    /// Stops following `id` of `account` (the journal keeps it).
    pub fn leave(&self, account: &str, id: OperationId) {
        if let Some(tx) = self.commands.get(account) {
            let _ = tx.send(Command::Leave(id));
        }
    }

    /// Follows `id` of `account`, which the journal holds already (its last recorded state is
    /// `last`): nothing is written. Following an operation already followed changes nothing.
    pub fn resume(&self, account: &str, id: OperationId, last: Option<Operation>) {
        if let Some(tx) = self.commands.get(account) {
            let _ = tx.send(Command::Follow(id, last.map(Box::new)));
        }
    }

    /// Stops following every operation of `account`, states not yet journaled included (the
    /// journal keeps what it has): another process follows the account now.
    pub fn forget(&self, account: &str) {
        if let Some(tx) = self.commands.get(account) {
            let _ = tx.send(Command::Forget);
        }
    }

    /// Stops every sweep after the call it is making, if any; the event stream then ends.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
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
    /// What handles ask; `None` once every handle is gone.
    commands: Option<tokio::sync::mpsc::UnboundedReceiver<Command>>,
    stop: tokio::sync::watch::Receiver<bool>,
    _stop_sender: Arc<tokio::sync::watch::Sender<bool>>,
    /// Whether a journal write failed in this pass: the rest of the pass keeps what it sees
    /// for later without waiting on the journal again.
    journal_down: bool,
    /// The observed states the journal could not take yet, by operation: written again before
    /// the next read. Kept apart from the followed operations so that a pass with nothing to
    /// write again costs nothing.
    unwritten: BTreeMap<OperationId, Operation>,
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
        loop {
            if *self.stop.borrow() {
                return;
            }
            if self.account.ops.is_empty() && !self.wait_for_work().await {
                return;
            }
            if !self.wait_for_gate().await {
                return;
            }
            self.write_unwritten().await;
            let now = Instant::now();
            if self.deadline.is_some_and(|d| now >= d) {
                for (id, f) in self.account.ops.take_all() {
                    // With a journal, the last state is the journal's.
                    let last = match (f.last, &self.journal) {
                        (Some(last), _) => Some(*last),
                        (None, Some(journal)) if f.seen.is_some() => journal
                            .get(&self.name, &id)
                            .await
                            .ok()
                            .flatten()
                            .and_then(|r| r.last),
                        (None, _) => None,
                    };
                    self.send(TrackerEvent::TimedOut {
                        account: self.name.clone(),
                        id,
                        last,
                    });
                }
                return;
            }
            // When a call is made anyway, it also reads the operations due within half their
            // interval: batches fill up instead of one call per operation falling due.
            let due = self.account.ops.due(now, batch);
            for chunk in due.chunks(batch) {
                if let Some(limiter) = &self.account.limiter {
                    for _ in 0..chunk.len().div_ceil(per_call) {
                        limiter.acquire().await;
                    }
                }
                let call = self.account.backend.refresh(chunk);
                let answer = match &self.account.gate {
                    Some(gate) => match gate.guard(call).await {
                        Some(answer) => answer,
                        // Closed: no call until it opens; what is due stays due.
                        None => break,
                    },
                    None => call.await,
                };
                self.send(TrackerEvent::Swept {
                    account: self.name.clone(),
                    operations: chunk.len(),
                });
                match answer {
                    Ok(results) => {
                        for (id, result) in chunk.iter().zip(results) {
                            self.observed(id, result).await;
                        }
                    }
                    Err(error) => self.failed_read(chunk, error).await,
                }
            }
            let next = self.account.ops.next_due();
            let mut wake = next.unwrap_or(now).max(now + Duration::from_millis(5));
            if let Some(d) = self.deadline {
                wake = wake.min(d);
            }
            self.sleep_until(wake).await;
        }
    }

    /// Sleeps until `wake`, taking in what handles ask meanwhile; returns early on a stop.
    async fn sleep_until(&mut self, wake: Instant) {
        loop {
            let Some(commands) = self.commands.as_mut() else {
                tokio::select! {
                    _ = tokio::time::sleep_until(wake) => return,
                    _ = self.stop.changed() => return,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => return,
                _ = self.stop.changed() => return,
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.apply(cmd),
                    None => self.commands = None,
                },
            }
        }
    }

    /// Waits while the account's gate is closed, taking in what handles ask meanwhile. Answers
    /// `false` on a stop.
    async fn wait_for_gate(&mut self) -> bool {
        let Some(gate) = self.account.gate.clone() else {
            return true;
        };
        while !gate.is_open() {
            let Some(commands) = self.commands.as_mut() else {
                tokio::select! {
                    () = gate.opened() => continue,
                    _ = self.stop.changed() => return false,
                }
            };
            tokio::select! {
                () = gate.opened() => {}
                _ = self.stop.changed() => return false,
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.apply(cmd),
                    None => self.commands = None,
                },
            }
        }
        !*self.stop.borrow()
    }

    /// Writes again the states the journal could not take (one per operation, the newest seen);
    /// those it still cannot take wait for the next pass.
    async fn write_unwritten(&mut self) {
        self.journal_down = false;
        for (id, op) in std::mem::take(&mut self.unwritten) {
            // Once the journal failed, the rest is kept as it is for the next pass.
            self.observed(&id, Ok(op)).await;
        }
    }

    /// With nothing to follow: waits for an operation to follow (answers `true`), or for the
    /// end (a stop, or no handle left without [`keep_running`](TrackerOptions::keep_running)).
    async fn wait_for_work(&mut self) -> bool {
        while self.account.ops.is_empty() {
            let Some(commands) = self.commands.as_mut() else {
                return false;
            };
            if !self.options.keep_running && commands.is_empty() {
                return false;
            }
            tokio::select! {
                _ = self.stop.changed() => return false,
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.apply(cmd),
                    None => self.commands = None,
                },
            }
        }
        true
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Follow(id, last) => {
                let min = self.options.min_interval;
                let keep = self.journal.is_none();
                self.account
                    .ops
                    .insert_if_absent(id, || Followed::new(last.map(|b| *b), keep, false, min));
            }
            Command::Leave(id) => {
                self.account.ops.remove(&id);
                self.unwritten.remove(&id);
            }
            Command::Forget => {
                self.account.ops.clear();
                self.unwritten.clear();
            }
        }
    }

    /// Gives an operation up: the journal first, then the event.
    async fn give_up(&mut self, id: OperationId, error: Error) {
        self.account.ops.remove(&id);
        self.unwritten.remove(&id);
        if let Some(journal) = &self.journal
            && let Err(e) = journal.give_up(&self.name, &id, error.message()).await
        {
            tracing::warn!(account = %self.name, id = %id, "journal: recording a give-up: {e}");
        }
        self.send(TrackerEvent::GaveUp {
            account: self.name.clone(),
            id,
            error,
        });
    }

    /// A whole refresh call failed: every operation of the chunk is read again later.
    async fn failed_read(&mut self, chunk: &[OperationId], error: Error) {
        let retry_in = error
            .retry_after()
            .unwrap_or(self.options.min_interval)
            .max(self.options.min_interval);
        let mut given_up = Vec::new();
        let due = Instant::now() + retry_in;
        for id in chunk {
            if let Some(f) = self.account.ops.get_mut(id) {
                f.errors += 1;
                if f.errors >= self.options.max_consecutive_errors {
                    given_up.push(id.clone());
                }
                self.account.ops.reschedule(id, due);
            }
        }
        if let Some(limiter) = &self.account.limiter
            && error.is_rate_limited()
        {
            limiter.pause(retry_in);
        }
        for id in given_up {
            let why = error.with_message(format!(
                "given up after {} failed reads in a row: {}",
                self.options.max_consecutive_errors,
                error.message()
            ));
            self.give_up(id, why).await;
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
                    self.give_up(id.clone(), error).await;
                } else if let Some(f) = self.account.ops.get_mut(id) {
                    f.errors += 1;
                    let due = Instant::now() + f.interval;
                    self.account.ops.reschedule(id, due);
                }
                return;
            }
        };
        // The journal first: an observed state is never announced without being recorded.
        // A state the journal could not take is not announced: it is kept, and written again
        // before the next read (the database may be away for a while; the operation is not to
        // blame, so this never gives it up).
        // An observation identical to the last one recorded is not written again: most checks
        // see nothing new, and they cost no write.
        let seen = followed::Seen::of(&op);
        let same = !self.unwritten.contains_key(id)
            && self
                .account
                .ops
                .get(id)
                .is_some_and(|f| f.journaled && f.seen == Some(seen));
        let written = match &self.journal {
            Some(_) if same => Ok(false),
            Some(_) if self.journal_down => Err(None),
            Some(journal) => journal.record(&self.name, &op).await.map_err(Some),
            None => Ok(false),
        };
        if let Err(error) = written {
            self.journal_down = true;
            let retry_in = self.options.min_interval;
            if self.account.ops.get(id).is_some() {
                self.account.ops.reschedule(id, Instant::now() + retry_in);
                self.unwritten.insert(id.clone(), op);
            }
            if let Some(error) = error {
                self.send(TrackerEvent::Retrying {
                    account: self.name.clone(),
                    error,
                    retry_in,
                });
            }
            return;
        }
        let Some(f) = self.account.ops.get_mut(id) else {
            return;
        };
        let changed = f.seen.is_none_or(|last| last.changed_to(&seen));
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
        f.seen = Some(seen);
        if self.journal.is_none() {
            f.last = Some(Box::new(op.clone()));
        }
        f.journaled = true;
        self.account.ops.reschedule(id, Instant::now() + wait);
        if changed {
            self.send(TrackerEvent::Changed {
                account: self.name.clone(),
                operation: op,
            });
        }
    }
}

mod followed;
use followed::{Followed, Followings};

#[cfg(test)]
mod tests;
