//! The journal: a durable record of every operation put under tracking, its last known state,
//! the history of its changes, the events that announce them and the webhook outbox, so that a
//! process that restarts resumes where it was and nothing it has seen is lost.
//!
//! [`Journal`] is the storage trait; [`MemoryJournal`] keeps everything in memory (tests, and
//! programs that do not need to survive a restart); the `regops-journal` crate stores it in
//! SQLite. Every journal passes the same [`conformance`] checks.
//!
//! What the journal promises:
//! - [`record`](Journal::record) compares an observed state with the last one recorded; when it
//!   differs it appends to the history, appends one [`Event`] with the next sequence number, and
//!   enters one [`Delivery`] per matching webhook [`Subscription`] into the outbox, all in one
//!   transaction. A state already recorded is never announced again, whoever records it later.
//! - Event sequence numbers only grow (gaps are allowed); events are read back in that order.
//! - A delivery of an operation's event is handed out only once that operation's earlier
//!   deliveries to the same receiver were delivered or failed for good.
//! - An account's [`Lease`] is held by one owner at a time: a claim never takes a lease that
//!   another owner holds and that has not expired, whatever the processes sharing the journal
//!   do at the same moment.

mod conformance_checks;
mod memory;

pub use memory::MemoryJournal;

/// The conformance checks every [`Journal`] must pass; storage crates run them on theirs.
pub mod conformance {
    pub use super::conformance_checks::check;
}

use crate::error::Result;
use crate::id::OperationId;
use crate::operation::Operation;
use crate::status::OperationStatus;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// An operation under tracking, as the journal knows it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JournalRecord {
    /// The account it belongs to.
    pub account: String,
    /// Its id.
    pub id: OperationId,
    /// Its last recorded state, if any was observed yet.
    pub last: Option<Operation>,
    /// Whether the tracker gave it up (it is no longer followed, and not resumed).
    pub given_up: bool,
}

impl JournalRecord {
    /// A record of `id` at `account` with its last state.
    pub fn new(account: impl Into<String>, id: OperationId, last: Option<Operation>) -> Self {
        JournalRecord {
            account: account.into(),
            id,
            last,
            given_up: false,
        }
    }

    /// The same record, marked given up or not.
    pub fn with_given_up(mut self, given_up: bool) -> Self {
        self.given_up = given_up;
        self
    }
}

/// One recorded change of an operation.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// When regops observed it.
    pub observed_at: DateTime<Utc>,
    /// The operation as observed.
    pub operation: Operation,
}

impl JournalEntry {
    /// An entry observed at `observed_at`.
    pub fn new(observed_at: DateTime<Utc>, operation: Operation) -> Self {
        JournalEntry {
            observed_at,
            operation,
        }
    }
}

/// What an [`Event`] announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventKind {
    /// A non-terminal change, or the first sight of a non-terminal operation.
    Changed,
    /// The operation reached a terminal status (or was first seen terminal).
    Finished,
    /// The tracker gave the operation up.
    GaveUp,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 3] = [EventKind::Changed, EventKind::Finished, EventKind::GaveUp];

    /// The event type's name: `operation.changed`, `operation.finished`, `operation.gave_up`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Changed => "operation.changed",
            EventKind::Finished => "operation.finished",
            EventKind::GaveUp => "operation.gave_up",
        }
    }

    /// The kind named `name` (an [`as_str`](Self::as_str) spelling).
    pub fn parse(name: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The kind of event a recorded change of `op` makes.
    pub fn of_change(op: &Operation) -> EventKind {
        if op.is_terminal() {
            EventKind::Finished
        } else {
            EventKind::Changed
        }
    }
}

/// One announced change, as the journal keeps it. Journals build it, so it is exhaustive.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Its place in the journal's sequence (starts at 1, only grows).
    pub seq: u64,
    /// Its stable identifier (`evt_...`), the same wherever and however often it is sent.
    pub id: String,
    /// What it announces.
    pub kind: EventKind,
    /// When regops observed what it announces.
    pub at: DateTime<Utc>,
    /// The account of the operation.
    pub account: String,
    /// The operation's id.
    pub operation_id: OperationId,
    /// The operation as observed (for a give-up: its last observed state, if any).
    pub operation: Option<Operation>,
    /// Why the operation was given up (give-ups only).
    pub error: Option<String>,
}

/// The journal's event sequence at a glance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventBounds {
    /// The newest sequence number (0 when there was never an event).
    pub newest: u64,
    /// Every event up to this sequence number was pruned (0 when none was).
    pub pruned_through: u64,
}

impl EventBounds {
    /// Bounds of a sequence whose newest number is `newest` and whose events up to
    /// `pruned_through` were pruned.
    pub fn new(newest: u64, pruned_through: u64) -> Self {
        EventBounds {
            newest,
            pruned_through,
        }
    }
}

/// Where a page of a [`OperationQuery`] ends: the sort key of its last record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Cursor {
    /// The record's [`submitted_key`].
    pub submitted: String,
    /// Its account.
    pub account: String,
    /// Its id.
    pub id: String,
}

impl Cursor {
    /// The cursor after `record`.
    pub fn after(record: &JournalRecord) -> Cursor {
        Cursor {
            submitted: submitted_key(record.last.as_ref()),
            account: record.account.clone(),
            id: record.id.as_str().to_owned(),
        }
    }

    /// A cursor from its parts (as a page token carried them).
    pub fn new(submitted: String, account: String, id: String) -> Cursor {
        Cursor {
            submitted,
            account,
            id,
        }
    }
}

/// The sort key of an operation's submission time: RFC 3339 with microseconds in UTC (so that
/// text order is time order), or the empty string when the time is not known (sorted last).
pub fn submitted_key(op: Option<&Operation>) -> String {
    op.and_then(|o| o.submitted_at)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

/// Which recorded operations to list: every condition given must hold; the answer is sorted
/// newest `submitted_at` first (unknown times last), then by account and id, descending.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct OperationQuery {
    /// Only this account.
    pub account: Option<String>,
    /// Only these accounts (with `account`, both must hold); empty: any.
    pub accounts: Vec<String>,
    /// Any of these statuses (by their [`OperationStatus::as_str`] spelling); empty: any.
    pub statuses: Vec<String>,
    /// Any of these raw operation types; empty: any.
    pub kinds: Vec<String>,
    /// Exactly this target.
    pub target: Option<String>,
    /// Submitted at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// The most records answered.
    pub limit: usize,
    /// Start after this cursor (the previous page's last record).
    pub after: Option<Cursor>,
}

impl OperationQuery {
    /// A query of at most `limit` records, with no condition.
    pub fn new(limit: usize) -> Self {
        OperationQuery {
            limit,
            ..Self::default()
        }
    }

    /// Whether `record` meets every condition (not the cursor).
    pub fn matches(&self, record: &JournalRecord) -> bool {
        let last = record.last.as_ref();
        let status = last.map_or("pending", |o| o.status.as_str());
        self.account.as_ref().is_none_or(|a| *a == record.account)
            && (self.accounts.is_empty() || self.accounts.contains(&record.account))
            && (self.statuses.is_empty() || self.statuses.iter().any(|s| s == status))
            && (self.kinds.is_empty()
                || last
                    .and_then(|o| o.kind.as_ref())
                    .is_some_and(|k| self.kinds.contains(k)))
            && self
                .target
                .as_ref()
                .is_none_or(|t| last.and_then(|o| o.target.as_ref()) == Some(t))
            && self
                .since
                .is_none_or(|s| last.and_then(|o| o.submitted_at).is_some_and(|at| at >= s))
    }
}

/// A webhook receiver's interest: which events of which accounts enter the outbox for it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subscription {
    /// The receiver's URL (what identifies it in the outbox).
    pub url: String,
    /// The event kinds it wants (empty: all).
    pub kinds: Vec<EventKind>,
    /// The accounts it wants (empty: all).
    pub accounts: Vec<String>,
}

impl Subscription {
    /// A subscription of `url` to every event of every account.
    pub fn new(url: impl Into<String>) -> Self {
        Subscription {
            url: url.into(),
            kinds: Vec::new(),
            accounts: Vec::new(),
        }
    }

    /// Only these kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = EventKind>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }

    /// Only these accounts.
    pub fn accounts(mut self, accounts: impl IntoIterator<Item = String>) -> Self {
        self.accounts = accounts.into_iter().collect();
        self
    }

    /// Whether an event of `kind` at `account` enters the outbox for this receiver.
    pub fn wants(&self, kind: EventKind, account: &str) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.accounts.is_empty() || self.accounts.iter().any(|a| a == account))
    }
}

/// Where a webhook delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryState {
    /// Not delivered yet; attempted again at `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt of the schedule failed.
    Failed,
}

impl DeliveryState {
    /// `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    /// The state named `name`.
    pub fn parse(name: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One event to send to one receiver. Journals build it, so it is exhaustive.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// Its identifier in the outbox.
    pub id: u64,
    /// The receiver.
    pub url: String,
    /// The event.
    pub event: Event,
    /// Where it stands.
    pub state: DeliveryState,
    /// How many attempts were made.
    pub attempts: u32,
    /// What the last failed attempt met.
    pub last_error: Option<String>,
    /// When it is attempted next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// How one delivery attempt ended. Exhaustive on purpose: every journal must store each
/// outcome, so a new one is a change every journal has to make.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// The receiver took it.
    Delivered,
    /// It failed; attempt again at this instant.
    Retry {
        /// What failed.
        error: String,
        /// When to attempt again.
        at: DateTime<Utc>,
    },
    /// It failed and the schedule is spent: failed for good.
    Failed {
        /// What failed.
        error: String,
    },
}

/// One account's lease: which process sweeps the account, and until when (the journal's
/// clock). Journals build it, so it is exhaustive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The account.
    pub account: String,
    /// Who holds it (a process's name).
    pub owner: String,
    /// When it expires unless renewed.
    pub expires_at: DateTime<Utc>,
}

/// Where tracked operations are recorded. Every method is atomic: a crash leaves either the
/// whole change or none of it.
#[async_trait]
pub trait Journal: Send + Sync {
    /// Puts `id` of `account` under tracking; answers whether it was not tracked yet. Tracking
    /// twice is harmless; tracking an operation that was given up follows it again.
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool>;

    /// Records an observed state of an operation of `account` (tracking it if needed). When it
    /// differs from the last recorded one ([`Operation::changed_from`]), appends it to the
    /// history, appends an event ([`EventKind::of_change`]) and enters its deliveries into the
    /// outbox, in one transaction. Answers whether it was a change.
    async fn record(&self, account: &str, op: &Operation) -> Result<bool>;

    /// Records that the tracker gave `id` up (`reason` says why): it is no longer resumed, and
    /// an [`EventKind::GaveUp`] event with its last state is appended (with its deliveries).
    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> Result<()>;

    /// Every tracked operation whose last recorded state is not terminal (or that has none),
    /// except those given up.
    async fn unfinished(&self) -> Result<Vec<JournalRecord>>;

    /// The recorded changes of one operation, oldest first.
    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>>;

    /// One tracked operation, if the journal has it.
    async fn get(&self, account: &str, id: &OperationId) -> Result<Option<JournalRecord>>;

    /// The tracked operations matching `query`, newest `submitted_at` first, at most
    /// `query.limit`.
    async fn query(&self, query: &OperationQuery) -> Result<Vec<JournalRecord>>;

    /// How many tracked operations each account has in each status (by
    /// [`OperationStatus::as_str`]; one never observed counts as `pending`).
    async fn counts(&self) -> Result<Vec<(String, String, u64)>>;

    /// The events after sequence number `seq`, oldest first, at most `limit`.
    async fn events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>>;

    /// The newest sequence number and how far the sequence was pruned.
    async fn event_bounds(&self) -> Result<EventBounds>;

    /// Removes the events observed before `before` that no pending delivery needs; answers how
    /// many were removed.
    async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64>;

    /// Sets the webhook receivers whose deliveries [`record`](Self::record) and
    /// [`give_up`](Self::give_up) enter into the outbox from now on.
    fn subscribe(&self, subscriptions: Vec<Subscription>);

    /// Hands out up to `limit` pending deliveries to `url` that are due at `now`, oldest event
    /// first, none of an operation whose earlier delivery to `url` is still pending. Each is
    /// held for `hold` (not handed out again before, unless [`attempted`](Self::attempted)).
    async fn claim_deliveries(
        &self,
        url: &str,
        now: DateTime<Utc>,
        hold: Duration,
        limit: usize,
    ) -> Result<Vec<Delivery>>;

    /// Records how an attempt of delivery `id` ended (counting the attempt).
    async fn attempted(&self, id: u64, attempt: Attempt) -> Result<()>;

    /// The deliveries in `state` (any with `None`), newest first, at most `limit`.
    async fn deliveries(&self, state: Option<DeliveryState>, limit: usize)
    -> Result<Vec<Delivery>>;

    /// Makes delivery `id` pending and due now; answers it, or `None` when there is no such id.
    async fn retry_delivery(&self, id: u64) -> Result<Option<Delivery>>;

    /// How many deliveries are pending.
    async fn pending_deliveries(&self) -> Result<u64>;

    /// When discovery last listed `account` completely, if it ever did.
    async fn discovered_at(&self, account: &str) -> Result<Option<DateTime<Utc>>>;

    /// Records that discovery listed `account` completely as of `at`.
    async fn set_discovered_at(&self, account: &str, at: DateTime<Utc>) -> Result<()>;

    /// The unfinished operations ([`unfinished`](Self::unfinished)) of one account.
    async fn unfinished_of(&self, account: &str) -> Result<Vec<JournalRecord>> {
        let mut all = self.unfinished().await?;
        all.retain(|r| r.account == account);
        Ok(all)
    }

    /// Says that process `owner` is alive for `ttl` more; answers how many owners are alive
    /// now, itself included (what a fair share of the accounts is computed from).
    async fn heartbeat(&self, owner: &str, ttl: Duration) -> Result<usize>;

    /// Renews for `ttl` the leases `owner` holds among `accounts` (also one that expired but
    /// that nobody took meanwhile), then claims leases of `accounts` that nobody holds or whose
    /// holder let them expire, until `owner` holds `max`. Never takes a lease another owner
    /// holds unexpired. Answers the leases `owner` holds among `accounts` afterwards.
    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> Result<Vec<Lease>>;

    /// Gives up the leases `owner` holds among `accounts`: another owner may claim them at
    /// once.
    async fn release_leases(&self, owner: &str, accounts: &[String]) -> Result<()>;

    /// Every lease that was ever claimed and not released, expired ones included, by account.
    async fn leases(&self) -> Result<Vec<Lease>>;

    /// Records `owner`'s running totals of provider calls and failed calls per account, as
    /// `(account, calls, errors)`, replacing what it reported before.
    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> Result<()>;

    /// What every owner reported, as `(owner, account, calls, errors)`, by owner and account.
    async fn reported_calls(&self) -> Result<Vec<(String, String, u64, u64)>>;
}

/// `ttl` as a span of the journal's clock (saturating).
pub fn span(ttl: Duration) -> chrono::Duration {
    chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX)
}

/// The status word a record counts under in [`Journal::counts`].
pub fn status_word(last: Option<&Operation>) -> &str {
    last.map_or(OperationStatus::Pending.as_str(), |o| o.status.as_str())
}

/// An event id: `evt_`, the sequence number and a salt of the journal (so that two journals do
/// not give the same ids), in hexadecimal.
pub fn event_id(salt: u32, seq: u64) -> String {
    format!("evt_{seq:012x}{salt:08x}")
}

/// A salt for [`event_id`], drawn from the clock and the process id when a journal is created.
pub fn new_salt() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mixed = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    (mixed ^ (mixed >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15) as u32
}
