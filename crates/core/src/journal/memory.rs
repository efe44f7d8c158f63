//! [`MemoryJournal`]: the journal in memory, for tests and programs that need not survive a
//! restart.

use super::{
    Attempt, Cursor, Delivery, DeliveryState, Event, EventBounds, EventKind, Journal, JournalEntry,
    JournalRecord, Lease, OperationQuery, Subscription, event_id, new_salt, status_word,
};
use crate::error::Result;
use crate::id::OperationId;
use crate::operation::Operation;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

type Key = (String, OperationId);

#[derive(Default)]
struct Memory {
    records: BTreeMap<Key, JournalRecord>,
    history: BTreeMap<Key, Vec<JournalEntry>>,
    events: BTreeMap<u64, Event>,
    newest: u64,
    pruned_through: u64,
    subscriptions: Vec<Subscription>,
    deliveries: BTreeMap<u64, Delivery>,
    next_delivery: u64,
    /// When each claimed delivery may be handed out again.
    held_until: BTreeMap<u64, DateTime<Utc>>,
    discovered: BTreeMap<String, DateTime<Utc>>,
    leases: BTreeMap<String, Lease>,
    /// When each owner that sent a heartbeat is no longer counted alive.
    members: BTreeMap<String, DateTime<Utc>>,
    /// What each owner reported: (calls, errors) by (owner, account).
    calls: BTreeMap<(String, String), (u64, u64)>,
}

impl Memory {
    fn announce(
        &mut self,
        salt: u32,
        kind: EventKind,
        account: &str,
        id: &OperationId,
        op: Option<Operation>,
        error: Option<String>,
    ) {
        self.newest += 1;
        let seq = self.newest;
        let event = Event {
            seq,
            id: event_id(salt, seq),
            kind,
            at: Utc::now(),
            account: account.to_owned(),
            operation_id: id.clone(),
            operation: op,
            error,
        };
        let urls: Vec<String> = self
            .subscriptions
            .iter()
            .filter(|s| s.wants(kind, account))
            .map(|s| s.url.clone())
            .collect();
        for url in urls {
            self.next_delivery += 1;
            let id = self.next_delivery;
            self.deliveries.insert(
                id,
                Delivery {
                    id,
                    url,
                    event: event.clone(),
                    state: DeliveryState::Pending,
                    attempts: 0,
                    last_error: None,
                    next_attempt_at: Some(event.at),
                },
            );
        }
        self.events.insert(seq, event);
    }
}

/// A journal in memory.
pub struct MemoryJournal {
    inner: Mutex<Memory>,
    salt: u32,
}

impl Default for MemoryJournal {
    fn default() -> Self {
        MemoryJournal {
            inner: Mutex::default(),
            salt: new_salt(),
        }
    }
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
        match m.records.get_mut(&key) {
            Some(r) => {
                r.given_up = false;
                Ok(false)
            }
            None => {
                m.records
                    .insert(key, JournalRecord::new(account, id.clone(), None));
                Ok(true)
            }
        }
    }

    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        let mut m = self.lock();
        let key = (account.to_owned(), op.id.clone());
        let changed = match m.records.get(&key).and_then(|r| r.last.as_ref()) {
            Some(last) => op.changed_from(last),
            None => true,
        };
        let record = m
            .records
            .entry(key.clone())
            .or_insert_with(|| JournalRecord::new(account, op.id.clone(), None));
        record.last = Some(op.clone());
        if changed {
            m.history
                .entry(key)
                .or_default()
                .push(JournalEntry::new(Utc::now(), op.clone()));
            m.announce(
                self.salt,
                EventKind::of_change(op),
                account,
                &op.id,
                Some(op.clone()),
                None,
            );
        }
        Ok(changed)
    }

    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> Result<()> {
        let mut m = self.lock();
        let key = (account.to_owned(), id.clone());
        let record = m
            .records
            .entry(key)
            .or_insert_with(|| JournalRecord::new(account, id.clone(), None));
        record.given_up = true;
        let last = record.last.clone();
        m.announce(
            self.salt,
            EventKind::GaveUp,
            account,
            id,
            last,
            Some(reason.to_owned()),
        );
        Ok(())
    }

    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        let m = self.lock();
        Ok(m.records
            .values()
            .filter(|r| !r.given_up && !r.last.as_ref().is_some_and(Operation::is_terminal))
            .cloned()
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

    async fn get(&self, account: &str, id: &OperationId) -> Result<Option<JournalRecord>> {
        Ok(self
            .lock()
            .records
            .get(&(account.to_owned(), id.clone()))
            .cloned())
    }

    async fn query(&self, query: &OperationQuery) -> Result<Vec<JournalRecord>> {
        let m = self.lock();
        let mut out: Vec<(Cursor, &JournalRecord)> = m
            .records
            .values()
            .filter(|r| query.matches(r))
            .map(|r| (Cursor::after(r), r))
            .filter(|(c, _)| query.after.as_ref().is_none_or(|after| c < after))
            .collect();
        out.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(out
            .into_iter()
            .take(query.limit)
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn counts(&self) -> Result<Vec<(String, String, u64)>> {
        let m = self.lock();
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        for r in m.records.values() {
            let word = status_word(r.last.as_ref()).to_owned();
            *counts.entry((r.account.clone(), word)).or_default() += 1;
        }
        Ok(counts.into_iter().map(|((a, s), n)| (a, s, n)).collect())
    }

    async fn events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>> {
        let m = self.lock();
        Ok(m.events
            .range(seq.saturating_add(1)..)
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect())
    }

    async fn event_bounds(&self) -> Result<EventBounds> {
        let m = self.lock();
        Ok(EventBounds::new(m.newest, m.pruned_through))
    }

    async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut m = self.lock();
        let needed: Vec<u64> = m
            .deliveries
            .values()
            .filter(|d| d.state == DeliveryState::Pending)
            .map(|d| d.event.seq)
            .collect();
        let gone: Vec<u64> = m
            .events
            .values()
            .take_while(|e| e.at < before && !needed.contains(&e.seq))
            .map(|e| e.seq)
            .collect();
        for seq in &gone {
            m.events.remove(seq);
            m.pruned_through = m.pruned_through.max(*seq);
        }
        Ok(gone.len() as u64)
    }

    fn subscribe(&self, subscriptions: Vec<Subscription>) {
        self.lock().subscriptions = subscriptions;
    }

    async fn claim_deliveries(
        &self,
        url: &str,
        now: DateTime<Utc>,
        hold: Duration,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let mut m = self.lock();
        let mut blocked: Vec<Key> = Vec::new();
        let mut out = Vec::new();
        let hold = chrono::Duration::from_std(hold).unwrap_or(chrono::Duration::zero());
        let pending: Vec<u64> = m
            .deliveries
            .values()
            .filter(|d| d.url == url && d.state == DeliveryState::Pending)
            .map(|d| d.id)
            .collect();
        // Deliveries are numbered in event order, so the first pending one of an operation is
        // its earliest.
        for id in pending {
            let d = &m.deliveries[&id];
            let key = (d.event.account.clone(), d.event.operation_id.clone());
            if blocked.contains(&key) {
                continue;
            }
            blocked.push(key);
            let due = d.next_attempt_at.is_none_or(|t| t <= now)
                && m.held_until.get(&id).is_none_or(|t| *t <= now);
            if due && out.len() < limit {
                out.push(d.clone());
                m.held_until.insert(id, now + hold);
            }
        }
        Ok(out)
    }

    async fn attempted(&self, id: u64, attempt: Attempt) -> Result<()> {
        let mut m = self.lock();
        m.held_until.remove(&id);
        if let Some(d) = m.deliveries.get_mut(&id) {
            d.attempts += 1;
            match attempt {
                Attempt::Delivered => {
                    d.state = DeliveryState::Delivered;
                    d.next_attempt_at = None;
                }
                Attempt::Retry { error, at } => {
                    d.last_error = Some(error);
                    d.next_attempt_at = Some(at);
                }
                Attempt::Failed { error } => {
                    d.state = DeliveryState::Failed;
                    d.last_error = Some(error);
                    d.next_attempt_at = None;
                }
            }
        }
        Ok(())
    }

    async fn deliveries(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let m = self.lock();
        Ok(m.deliveries
            .values()
            .rev()
            .filter(|d| state.is_none_or(|s| d.state == s))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn retry_delivery(&self, id: u64) -> Result<Option<Delivery>> {
        let mut m = self.lock();
        m.held_until.remove(&id);
        Ok(m.deliveries.get_mut(&id).map(|d| {
            d.state = DeliveryState::Pending;
            d.next_attempt_at = Some(Utc::now());
            d.clone()
        }))
    }

    async fn pending_deliveries(&self) -> Result<u64> {
        Ok(self
            .lock()
            .deliveries
            .values()
            .filter(|d| d.state == DeliveryState::Pending)
            .count() as u64)
    }

    async fn discovered_at(&self, account: &str) -> Result<Option<DateTime<Utc>>> {
        Ok(self.lock().discovered.get(account).copied())
    }

    async fn set_discovered_at(&self, account: &str, at: DateTime<Utc>) -> Result<()> {
        self.lock().discovered.insert(account.to_owned(), at);
        Ok(())
    }

    async fn heartbeat(&self, owner: &str, ttl: Duration) -> Result<usize> {
        let now = Utc::now();
        let mut m = self.lock();
        m.members.insert(owner.to_owned(), now + super::span(ttl));
        m.members.retain(|_, until| *until > now);
        Ok(m.members.len())
    }

    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> Result<Vec<Lease>> {
        let now = Utc::now();
        let until = now + super::span(ttl);
        let mut m = self.lock();
        let mut held = 0;
        for a in accounts {
            if let Some(l) = m.leases.get_mut(a).filter(|l| l.owner == owner) {
                l.expires_at = until;
                held += 1;
            }
        }
        for a in accounts {
            if held >= max {
                break;
            }
            let free = m
                .leases
                .get(a)
                .is_none_or(|l| l.owner != owner && l.expires_at <= now);
            if free {
                m.leases.insert(
                    a.clone(),
                    Lease {
                        account: a.clone(),
                        owner: owner.to_owned(),
                        expires_at: until,
                    },
                );
                held += 1;
            }
        }
        Ok(accounts
            .iter()
            .filter_map(|a| m.leases.get(a).filter(|l| l.owner == owner).cloned())
            .collect())
    }

    async fn release_leases(&self, owner: &str, accounts: &[String]) -> Result<()> {
        let mut m = self.lock();
        for a in accounts {
            if m.leases.get(a).is_some_and(|l| l.owner == owner) {
                m.leases.remove(a);
            }
        }
        Ok(())
    }

    async fn leases(&self) -> Result<Vec<Lease>> {
        Ok(self.lock().leases.values().cloned().collect())
    }

    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> Result<()> {
        let mut m = self.lock();
        for (account, calls, errors) in totals {
            m.calls
                .insert((owner.to_owned(), account.clone()), (*calls, *errors));
        }
        Ok(())
    }

    async fn reported_calls(&self) -> Result<Vec<(String, String, u64, u64)>> {
        Ok(self
            .lock()
            .calls
            .iter()
            .map(|((o, a), (c, e))| (o.clone(), a.clone(), *c, *e))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memory_journal_conforms() {
        super::super::conformance::check(&MemoryJournal::new()).await;
    }
}
