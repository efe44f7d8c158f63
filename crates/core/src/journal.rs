//! The journal: a durable record of every operation put under tracking, its last known state
//! and the history of its changes, so that a process that restarts resumes where it was.
//!
//! [`Journal`] is the storage trait; [`MemoryJournal`] keeps everything in memory (tests, and
//! programs that do not need to survive a restart); the `regops-journal` crate stores it in
//! SQLite. A server database can back it for several workers by implementing the same trait.

use crate::error::Result;
use crate::id::OperationId;
use crate::operation::Operation;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Mutex;

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
}

impl JournalRecord {
    /// A record of `id` at `account` with its last state.
    pub fn new(account: impl Into<String>, id: OperationId, last: Option<Operation>) -> Self {
        JournalRecord {
            account: account.into(),
            id,
            last,
        }
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

/// Where tracked operations are recorded. Every method is atomic: a crash leaves either the
/// whole change or none of it.
#[async_trait]
pub trait Journal: Send + Sync {
    /// Puts `id` of `account` under tracking; answers whether it was not tracked yet. Tracking
    /// twice is harmless.
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool>;

    /// Records an observed state of an operation of `account` (tracking it if needed); appends
    /// it to the history when it differs from the last recorded one
    /// ([`Operation::changed_from`]). Answers whether it was a change.
    async fn record(&self, account: &str, op: &Operation) -> Result<bool>;

    /// Every tracked operation whose last recorded state is not terminal (or that has none).
    async fn unfinished(&self) -> Result<Vec<JournalRecord>>;

    /// The recorded changes of one operation, oldest first.
    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>>;
}

#[derive(Default)]
struct Memory {
    last: BTreeMap<(String, OperationId), Option<Operation>>,
    history: BTreeMap<(String, OperationId), Vec<JournalEntry>>,
}

/// A journal in memory.
#[derive(Default)]
pub struct MemoryJournal {
    inner: Mutex<Memory>,
}

impl std::fmt::Debug for MemoryJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryJournal").finish_non_exhaustive()
    }
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Journal for MemoryJournal {
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool> {
        let mut m = self.lock();
        let key = (account.to_owned(), id.clone());
        if m.last.contains_key(&key) {
            return Ok(false);
        }
        m.last.insert(key, None);
        Ok(true)
    }

    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        let mut m = self.lock();
        let key = (account.to_owned(), op.id.clone());
        let changed = match m.last.get(&key) {
            Some(Some(last)) => op.changed_from(last),
            _ => true,
        };
        m.last.insert(key.clone(), Some(op.clone()));
        if changed {
            m.history
                .entry(key)
                .or_default()
                .push(JournalEntry::new(Utc::now(), op.clone()));
        }
        Ok(changed)
    }

    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        let m = self.lock();
        Ok(m.last
            .iter()
            .filter(|(_, last)| !last.as_ref().is_some_and(Operation::is_terminal))
            .map(|((account, id), last)| {
                JournalRecord::new(account.clone(), id.clone(), last.clone())
            })
            .collect())
    }

    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>> {
        Ok(self
            .lock()
            .history
            .get(&(account.to_owned(), id.clone()))
            .cloned()
            .unwrap_or_default())
    }
}

/// The conformance tests every [`Journal`] must pass; storage crates run them on theirs.
pub mod conformance {
    use super::*;
    use crate::status::OperationStatus;

    fn op(id: &str, status: OperationStatus, raw: &str) -> Operation {
        Operation::new("test", OperationId::new(id), status, raw)
    }

    /// Runs every check on `journal`, which must be empty. Panics with what failed.
    pub async fn check(journal: &dyn Journal) {
        let a = OperationId::new("1");
        assert!(journal.track("acct", &a).await.unwrap(), "new");
        assert!(!journal.track("acct", &a).await.unwrap(), "tracked twice");
        let unfinished = journal.unfinished().await.unwrap();
        assert_eq!(unfinished, [JournalRecord::new("acct", a.clone(), None)]);

        let pending = op("1", OperationStatus::Pending, "BILL");
        assert!(journal.record("acct", &pending).await.unwrap());
        assert!(
            !journal.record("acct", &pending).await.unwrap(),
            "the same state twice"
        );
        let unknown = op("1", OperationStatus::Unknown("PAUSED".into()), "PAUSED");
        assert!(journal.record("acct", &unknown).await.unwrap());
        assert_eq!(
            journal.unfinished().await.unwrap().len(),
            1,
            "unknown is not terminal"
        );
        let done = op("1", OperationStatus::Succeeded, "DONE");
        assert!(journal.record("acct", &done).await.unwrap());
        assert!(journal.unfinished().await.unwrap().is_empty());
        let history = journal.history("acct", &a).await.unwrap();
        let raws: Vec<&str> = history
            .iter()
            .map(|e| e.operation.raw_status.as_str())
            .collect();
        assert_eq!(raws, ["BILL", "PAUSED", "DONE"]);
        assert_eq!(
            history[1].operation.status,
            OperationStatus::Unknown("PAUSED".into())
        );
        assert!(
            history
                .windows(2)
                .all(|w| w[0].observed_at <= w[1].observed_at)
        );

        // Recording an operation that was not tracked tracks it; accounts are separate.
        let other = op("1", OperationStatus::Pending, "WAIT");
        assert!(journal.record("other", &other).await.unwrap());
        let unfinished = journal.unfinished().await.unwrap();
        assert_eq!(unfinished.len(), 1);
        assert_eq!(unfinished[0].account, "other");
        assert_eq!(unfinished[0].last.as_ref(), Some(&other));
        assert!(journal.history("nobody", &a).await.unwrap().is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memory_journal_conforms() {
        conformance::check(&MemoryJournal::new()).await;
    }
}
