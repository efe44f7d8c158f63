//! Decorators that count what the tracker, discovery and the API do: [`MeteredBackend`] around
//! each account's backend (calls, outcomes, durations, status checks, the account's totals) and
//! [`TimedJournal`] around the journal (how long each call takes).

use crate::metrics::Metrics;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use regops_core::page::{Page, PageToken};
use regops_core::{
    Attempt, Backend, Capabilities, CertificateBackend, Delivery, DeliveryState,
    DomainCancelBackend, Event, EventBounds, Journal, JournalEntry, JournalRecord, Lease,
    NotificationQueue, Operation, OperationFilter, OperationId, OperationQuery, RelaunchParams,
    Result, Subscription,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One account's totals, as `GET /v1/accounts` shows them.
#[derive(Debug, Default)]
pub struct AccountStats {
    calls: AtomicU64,
    errors: AtomicU64,
    last_sweep: Mutex<Option<DateTime<Utc>>>,
}

impl AccountStats {
    /// Provider calls made.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Provider calls that failed.
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// When the last refresh call was made.
    pub fn last_sweep(&self) -> Option<DateTime<Utc>> {
        *self.last_sweep.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A backend whose calls are counted.
pub struct MeteredBackend {
    inner: Arc<dyn Backend>,
    account: String,
    metrics: Arc<Metrics>,
    stats: Arc<AccountStats>,
}

impl MeteredBackend {
    /// Meters `inner`, the backend of `account`.
    pub fn new(
        account: &str,
        inner: Arc<dyn Backend>,
        metrics: Arc<Metrics>,
        stats: Arc<AccountStats>,
    ) -> Self {
        MeteredBackend {
            inner,
            account: account.to_owned(),
            metrics,
            stats,
        }
    }

    /// Counts one call that took since `started` and ended with `result`.
    pub fn count<T>(&self, call: &str, started: Instant, result: &Result<T>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(e) => e.kind().name(),
        };
        self.stats.calls.fetch_add(1, Ordering::Relaxed);
        if result.is_err() {
            self.stats.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.metrics.call(
            &self.account,
            self.inner.provider(),
            call,
            outcome,
            started.elapsed(),
        );
    }
}

#[async_trait]
impl Backend for MeteredBackend {
    fn provider(&self) -> &str {
        self.inner.provider()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn vocabulary(&self) -> regops_core::Vocabulary {
        self.inner.vocabulary()
    }

    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        let started = Instant::now();
        let result = self.inner.operation(id).await;
        self.count("operation", started, &result);
        self.metrics.status_checks(&self.account, 1);
        result
    }

    async fn operations_page(
        &self,
        filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        let started = Instant::now();
        let result = self.inner.operations_page(filter, page).await;
        self.count("list", started, &result);
        result
    }

    async fn count(&self, filter: &OperationFilter) -> Result<u64> {
        let started = Instant::now();
        let result = self.inner.count(filter).await;
        self.count("count", started, &result);
        result
    }

    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        let started = Instant::now();
        let result = self.inner.refresh(ids).await;
        self.count("refresh", started, &result);
        self.metrics.status_checks(&self.account, ids.len() as u64);
        *self
            .stats
            .last_sweep
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Utc::now());
        result
    }

    async fn cancel(&self, id: &OperationId) -> Result<()> {
        let started = Instant::now();
        let result = self.inner.cancel(id).await;
        self.count("cancel", started, &result);
        result
    }

    async fn relaunch(&self, id: &OperationId, params: &RelaunchParams) -> Result<()> {
        let started = Instant::now();
        let result = self.inner.relaunch(id, params).await;
        self.count("relaunch", started, &result);
        result
    }

    fn certificate_backend(&self) -> Option<&dyn CertificateBackend> {
        self.inner.certificate_backend()
    }

    fn domain_cancel_backend(&self) -> Option<&dyn DomainCancelBackend> {
        self.inner.domain_cancel_backend()
    }

    fn domain_backend(&self) -> Option<&dyn regops_core::DomainBackend> {
        self.inner.domain_backend()
    }

    fn notification_queue(&self) -> Option<&dyn NotificationQueue> {
        self.inner.notification_queue()
    }
}

/// A journal whose calls are timed into `regops_journal_seconds`.
pub struct TimedJournal {
    inner: Arc<dyn Journal>,
    metrics: Arc<Metrics>,
}

impl TimedJournal {
    /// Times `inner`.
    pub fn new(inner: Arc<dyn Journal>, metrics: Arc<Metrics>) -> Self {
        TimedJournal { inner, metrics }
    }

    async fn timed<T>(&self, call: impl std::future::Future<Output = T>) -> T {
        let started = Instant::now();
        let out = call.await;
        self.metrics.journal_call(started.elapsed());
        out
    }
}

#[async_trait]
impl Journal for TimedJournal {
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool> {
        self.timed(self.inner.track(account, id)).await
    }
    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        self.timed(self.inner.record(account, op)).await
    }
    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> Result<()> {
        self.timed(self.inner.give_up(account, id, reason)).await
    }
    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        self.timed(self.inner.unfinished()).await
    }
    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>> {
        self.timed(self.inner.history(account, id)).await
    }
    async fn get(&self, account: &str, id: &OperationId) -> Result<Option<JournalRecord>> {
        self.timed(self.inner.get(account, id)).await
    }
    async fn query(&self, query: &OperationQuery) -> Result<Vec<JournalRecord>> {
        self.timed(self.inner.query(query)).await
    }
    async fn counts(&self) -> Result<Vec<(String, String, u64)>> {
        self.timed(self.inner.counts()).await
    }
    async fn events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>> {
        self.timed(self.inner.events_after(seq, limit)).await
    }
    async fn event_bounds(&self) -> Result<EventBounds> {
        self.timed(self.inner.event_bounds()).await
    }
    async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64> {
        self.timed(self.inner.prune_events(before)).await
    }
    fn subscribe(&self, subscriptions: Vec<Subscription>) {
        self.inner.subscribe(subscriptions)
    }
    async fn claim_deliveries(
        &self,
        url: &str,
        now: DateTime<Utc>,
        hold: Duration,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        self.timed(self.inner.claim_deliveries(url, now, hold, limit))
            .await
    }
    async fn attempted(&self, id: u64, attempt: Attempt) -> Result<()> {
        self.timed(self.inner.attempted(id, attempt)).await
    }
    async fn deliveries(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        self.timed(self.inner.deliveries(state, limit)).await
    }
    async fn retry_delivery(&self, id: u64) -> Result<Option<Delivery>> {
        self.timed(self.inner.retry_delivery(id)).await
    }
    async fn pending_deliveries(&self) -> Result<u64> {
        self.timed(self.inner.pending_deliveries()).await
    }
    async fn discovered_at(&self, account: &str) -> Result<Option<DateTime<Utc>>> {
        self.timed(self.inner.discovered_at(account)).await
    }
    async fn set_discovered_at(&self, account: &str, at: DateTime<Utc>) -> Result<()> {
        self.timed(self.inner.set_discovered_at(account, at)).await
    }
    async fn unfinished_of(&self, account: &str) -> Result<Vec<JournalRecord>> {
        self.timed(self.inner.unfinished_of(account)).await
    }
    async fn heartbeat(&self, owner: &str, ttl: Duration) -> Result<usize> {
        self.timed(self.inner.heartbeat(owner, ttl)).await
    }
    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> Result<Vec<Lease>> {
        self.timed(self.inner.claim_leases(owner, accounts, ttl, max))
            .await
    }
    async fn release_leases(&self, owner: &str, accounts: &[String]) -> Result<()> {
        self.timed(self.inner.release_leases(owner, accounts)).await
    }
    async fn leases(&self) -> Result<Vec<Lease>> {
        self.timed(self.inner.leases()).await
    }
    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> Result<()> {
        self.timed(self.inner.report_calls(owner, totals)).await
    }
    async fn reported_calls(&self) -> Result<Vec<(String, String, u64, u64)>> {
        self.timed(self.inner.reported_calls()).await
    }
}
