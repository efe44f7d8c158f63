use super::*;
use crate::OperationStatus::*;
use crate::journal::MemoryJournal;
use crate::testing::{ScriptedBackend, Step, op};
use futures::StreamExt;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn options() -> TrackerOptions {
    TrackerOptions::new().intervals(ms(100), ms(1600))
}

async fn finish_all(tracker: Tracker) -> Vec<TrackerEvent> {
    tracker.run().collect().await
}

fn finished(events: &[TrackerEvent]) -> Vec<(String, Operation)> {
    events
        .iter()
        .filter_map(|e| match e {
            TrackerEvent::Finished { account, operation } => {
                Some((account.clone(), operation.clone()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn many_operations_are_read_in_batches() {
    let backend = Arc::new(ScriptedBackend::batched());
    for i in 0..250 {
        let id = i.to_string();
        backend.script(
            &id,
            vec![
                op(&id, Pending, "WAIT"),
                op(&id, InProgress, "RUN"),
                op(&id, Succeeded, "DONE"),
            ],
        );
    }
    let mut t = Tracker::new(options());
    t.add_account_with_rate("a", backend.clone(), None);
    for i in 0..250 {
        t.track("a", OperationId::new(i.to_string())).await.unwrap();
    }
    let events = finish_all(t).await;
    assert_eq!(finished(&events).len(), 250);
    // Three sweeps of three calls (100 + 100 + 50 ids), never one call per operation.
    assert_eq!(backend.calls("refresh"), 9);
    assert_eq!(backend.calls("operation"), 0);
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_holds_under_load() {
    let backend = Arc::new(ScriptedBackend::new());
    for i in 0..20 {
        let id = i.to_string();
        backend.script(
            &id,
            vec![op(&id, Pending, "WAIT"), op(&id, Succeeded, "DONE")],
        );
    }
    let mut t = Tracker::new(options());
    t.add_account_with_rate("a", backend.clone(), Some(5.0));
    for i in 0..20 {
        t.track("a", OperationId::new(i.to_string())).await.unwrap();
    }
    let events = finish_all(t).await;
    assert_eq!(finished(&events).len(), 20);
    let times = backend.call_times("operation");
    assert_eq!(times.len(), 40);
    // Five calls a second at most, in any window of a second (the bucket holds one).
    for (i, start) in times.iter().enumerate() {
        let within = times[i..]
            .iter()
            .filter(|t| **t - *start < Duration::from_secs(1))
            .count();
        assert!(within <= 5, "{within} calls within a second from call {i}");
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_statuses_are_kept_and_followed() {
    let backend = Arc::new(ScriptedBackend::batched());
    backend.script(
        "1",
        vec![
            op("1", Unknown("PAUSED".into()), "PAUSED"),
            op("1", Unknown("PAUSED".into()), "PAUSED"),
            op("1", Succeeded, "DONE"),
        ],
    );
    let journal = Arc::new(MemoryJournal::new());
    let mut t = Tracker::new(options()).with_journal(journal.clone());
    t.add_account("a", backend.clone());
    t.track("a", OperationId::new("1")).await.unwrap();
    let events = finish_all(t).await;
    let changed: Vec<&Operation> = events
        .iter()
        .filter_map(|e| match e {
            TrackerEvent::Changed { operation, .. } => Some(operation),
            _ => None,
        })
        .collect();
    assert_eq!(changed.len(), 1, "the repeated unknown word is one change");
    assert_eq!(changed[0].status, Unknown("PAUSED".into()));
    assert_eq!(finished(&events)[0].1.status, Succeeded);
    let history = journal.history("a", &OperationId::new("1")).await.unwrap();
    let raws: Vec<&str> = history
        .iter()
        .map(|e| e.operation.raw_status.as_str())
        .collect();
    assert_eq!(raws, ["PAUSED", "DONE"]);
}

#[tokio::test(start_paused = true)]
async fn intervals_grow_while_nothing_changes_and_shrink_after_a_change() {
    let backend = Arc::new(ScriptedBackend::batched());
    let mut steps: Vec<Step> = (0..5).map(|_| op("1", Pending, "WAIT")).collect();
    steps.push(op("1", InProgress, "RUN"));
    steps.push(op("1", InProgress, "RUN"));
    steps.push(op("1", Succeeded, "DONE"));
    backend.script("1", steps);
    let mut t = Tracker::new(TrackerOptions::new().intervals(ms(100), ms(1000)));
    t.add_account_with_rate("a", backend.clone(), None);
    t.track("a", OperationId::new("1")).await.unwrap();
    finish_all(t).await;
    let times = backend.call_times("refresh");
    let gaps: Vec<u128> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis())
        .collect();
    // 100 after the first sighting, then x1.5 while unchanged (capped; tokio sleeps to the
    // millisecond above), 100 after the change.
    assert_eq!(gaps, [100, 150, 225, 338, 507, 100, 150], "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn a_restarted_tracker_resumes_from_the_journal_without_duplicates() {
    let backend = Arc::new(ScriptedBackend::batched());
    for id in ["1", "2"] {
        let mut steps: Vec<Step> = (0..6).map(|_| op(id, Pending, "WAIT")).collect();
        steps.push(op(id, Succeeded, "DONE"));
        backend.script(id, steps);
    }
    backend.script("3", vec![op("3", Failed, "ERROR")]);
    let journal = Arc::new(MemoryJournal::new());

    // The first process stops (deadline) with two operations still pending.
    let mut first = Tracker::new(options().deadline(ms(250))).with_journal(journal.clone());
    first.add_account("a", backend.clone());
    for id in ["1", "2", "3"] {
        first.track("a", OperationId::new(id)).await.unwrap();
    }
    let events = finish_all(first).await;
    let timed_out = events
        .iter()
        .filter(|e| matches!(e, TrackerEvent::TimedOut { .. }))
        .count();
    assert_eq!(timed_out, 2);
    assert_eq!(journal.unfinished().await.unwrap().len(), 2);

    // The second resumes them from the journal, and only them.
    let mut second = Tracker::new(options()).with_journal(journal.clone());
    second.add_account("a", backend.clone());
    let (resumed, missing) = second.resume().await.unwrap();
    assert_eq!((resumed, missing.len()), (2, 0));
    let events = finish_all(second).await;
    assert_eq!(finished(&events).len(), 2);
    assert!(journal.unfinished().await.unwrap().is_empty());
    for id in ["1", "2", "3"] {
        let h = journal.history("a", &OperationId::new(id)).await.unwrap();
        assert!(
            h.windows(2)
                .all(|w| w[1].operation.changed_from(&w[0].operation)),
            "{id}: {h:?}"
        );
        assert!(h.last().unwrap().operation.is_terminal());
    }
    // An account the tracker does not have is reported, not dropped.
    journal
        .track("elsewhere", &OperationId::new("9"))
        .await
        .unwrap();
    let mut third = Tracker::new(options()).with_journal(journal.clone());
    third.add_account("a", backend.clone());
    assert_eq!(
        third.resume().await.unwrap(),
        (0, vec!["elsewhere".to_owned()])
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_ids_are_given_up_and_failures_retried() {
    let backend = Arc::new(ScriptedBackend::batched());
    backend.script(
        "1",
        vec![
            Step::Fail(|| Error::transport(true, "reset")),
            op("1", Succeeded, "DONE"),
        ],
    );
    let mut t = Tracker::new(options());
    t.add_account("a", backend.clone());
    t.track("a", OperationId::new("1")).await.unwrap();
    t.track("a", OperationId::new("nope")).await.unwrap();
    assert!(
        t.track("b", OperationId::new("1")).await.is_err(),
        "no such account"
    );
    let events = finish_all(t).await;
    assert_eq!(finished(&events).len(), 1);
    assert!(events.iter().any(|e| matches!(e, TrackerEvent::GaveUp { id, error, .. } if id.as_str() == "nope" && error.is_not_found())));
}

#[tokio::test(start_paused = true)]
async fn a_running_tracker_takes_new_operations_and_stops_when_told() {
    let backend = Arc::new(ScriptedBackend::batched());
    for id in ["1", "2"] {
        backend.script(id, vec![op(id, Pending, "WAIT"), op(id, Succeeded, "DONE")]);
    }
    let journal = Arc::new(MemoryJournal::new());
    let mut t = Tracker::new(options().keep_running(true))
        .with_journal(journal.clone() as Arc<dyn Journal>);
    t.add_account("a", backend.clone());
    let (handle, mut events) = t.start();
    assert!(handle.has_account("a") && !handle.has_account("b"));
    assert!(
        handle
            .follow("b", OperationId::new("1"), None)
            .await
            .is_err()
    );

    // Nothing followed: the sweep waits instead of ending.
    tokio::time::sleep(ms(5_000)).await;
    assert_eq!(
        backend.calls("refresh"),
        0,
        "no call while nothing is followed"
    );
    handle
        .follow("a", OperationId::new("1"), None)
        .await
        .unwrap();
    let mut done = Vec::new();
    while done.is_empty() {
        if let Some(TrackerEvent::Finished { operation, .. }) = events.next().await {
            done.push(operation.id.clone());
        }
    }
    handle
        .follow("a", OperationId::new("2"), None)
        .await
        .unwrap();
    handle
        .follow("a", OperationId::new("nope"), None)
        .await
        .unwrap();
    let mut gave_up = false;
    while done.len() < 2 || !gave_up {
        match events.next().await.expect("still running") {
            TrackerEvent::Finished { operation, .. } => done.push(operation.id.clone()),
            TrackerEvent::GaveUp { id, .. } => gave_up = id.as_str() == "nope",
            _ => {}
        }
    }
    assert_eq!(done, [OperationId::new("1"), OperationId::new("2")]);
    // The give-up is in the journal, with its event, before it was announced.
    let record = journal
        .get("a", &OperationId::new("nope"))
        .await
        .unwrap()
        .unwrap();
    assert!(record.given_up);
    let kinds: Vec<crate::journal::EventKind> = journal
        .events_after(0, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        kinds.contains(&crate::journal::EventKind::GaveUp),
        "{kinds:?}"
    );
    assert!(journal.unfinished().await.unwrap().is_empty());

    handle.stop();
    while events.next().await.is_some() {}
}

/// A journal that counts the writes of observations it is given.
#[derive(Default)]
struct CountingJournal {
    inner: MemoryJournal,
    records: std::sync::atomic::AtomicUsize,
    /// While set, every write fails as a database that went away does.
    down: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl Journal for CountingJournal {
    async fn track(&self, account: &str, id: &OperationId) -> crate::Result<bool> {
        self.inner.track(account, id).await
    }
    async fn record(&self, account: &str, op: &Operation) -> crate::Result<bool> {
        self.records
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.down.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::transport(true, "journal: the database is away"));
        }
        self.inner.record(account, op).await
    }
    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> crate::Result<()> {
        self.inner.give_up(account, id, reason).await
    }
    async fn unfinished(&self) -> crate::Result<Vec<crate::journal::JournalRecord>> {
        self.inner.unfinished().await
    }
    async fn history(
        &self,
        account: &str,
        id: &OperationId,
    ) -> crate::Result<Vec<crate::journal::JournalEntry>> {
        self.inner.history(account, id).await
    }
    async fn get(
        &self,
        account: &str,
        id: &OperationId,
    ) -> crate::Result<Option<crate::journal::JournalRecord>> {
        self.inner.get(account, id).await
    }
    async fn query(
        &self,
        query: &crate::journal::OperationQuery,
    ) -> crate::Result<Vec<crate::journal::JournalRecord>> {
        self.inner.query(query).await
    }
    async fn counts(&self) -> crate::Result<Vec<(String, String, u64)>> {
        self.inner.counts().await
    }
    async fn events_after(
        &self,
        seq: u64,
        limit: usize,
    ) -> crate::Result<Vec<crate::journal::Event>> {
        self.inner.events_after(seq, limit).await
    }
    async fn event_bounds(&self) -> crate::Result<crate::journal::EventBounds> {
        self.inner.event_bounds().await
    }
    async fn prune_events(&self, before: chrono::DateTime<chrono::Utc>) -> crate::Result<u64> {
        self.inner.prune_events(before).await
    }
    fn subscribe(&self, subscriptions: Vec<crate::journal::Subscription>) {
        self.inner.subscribe(subscriptions)
    }
    async fn claim_deliveries(
        &self,
        url: &str,
        now: chrono::DateTime<chrono::Utc>,
        hold: Duration,
        limit: usize,
    ) -> crate::Result<Vec<crate::journal::Delivery>> {
        self.inner.claim_deliveries(url, now, hold, limit).await
    }
    async fn attempted(&self, id: u64, attempt: crate::journal::Attempt) -> crate::Result<()> {
        self.inner.attempted(id, attempt).await
    }
    async fn deliveries(
        &self,
        state: Option<crate::journal::DeliveryState>,
        limit: usize,
    ) -> crate::Result<Vec<crate::journal::Delivery>> {
        self.inner.deliveries(state, limit).await
    }
    async fn retry_delivery(&self, id: u64) -> crate::Result<Option<crate::journal::Delivery>> {
        self.inner.retry_delivery(id).await
    }
    async fn pending_deliveries(&self) -> crate::Result<u64> {
        self.inner.pending_deliveries().await
    }
    async fn discovered_at(
        &self,
        account: &str,
    ) -> crate::Result<Option<chrono::DateTime<chrono::Utc>>> {
        self.inner.discovered_at(account).await
    }
    async fn set_discovered_at(
        &self,
        account: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        self.inner.set_discovered_at(account, at).await
    }
    async fn unfinished_of(
        &self,
        account: &str,
    ) -> crate::Result<Vec<crate::journal::JournalRecord>> {
        self.inner.unfinished_of(account).await
    }
    async fn heartbeat(&self, owner: &str, ttl: Duration) -> crate::Result<usize> {
        self.inner.heartbeat(owner, ttl).await
    }
    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> crate::Result<Vec<crate::journal::Lease>> {
        self.inner.claim_leases(owner, accounts, ttl, max).await
    }
    async fn release_leases(&self, owner: &str, accounts: &[String]) -> crate::Result<()> {
        self.inner.release_leases(owner, accounts).await
    }
    async fn leases(&self) -> crate::Result<Vec<crate::journal::Lease>> {
        self.inner.leases().await
    }
    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> crate::Result<()> {
        self.inner.report_calls(owner, totals).await
    }
    async fn reported_calls(&self) -> crate::Result<Vec<(String, String, u64, u64)>> {
        self.inner.reported_calls().await
    }
}

#[tokio::test(start_paused = true)]
async fn checks_that_see_nothing_new_write_nothing() {
    let backend = Arc::new(ScriptedBackend::batched());
    // Ten identical sightings, one with new details but the same status, then the end.
    let mut steps: Vec<Step> = (0..10).map(|_| op("1", Pending, "WAIT")).collect();
    steps.push(crate::testing::op_eta("1", Pending, "WAIT", ms(60_000)));
    steps.push(op("1", Succeeded, "DONE"));
    backend.script("1", steps);
    // Followed from a sighting the journal never saw: the first check must still write it.
    backend.script("2", vec![op("2", Pending, "WAIT"), op("2", Failed, "ERR")]);
    let journal = Arc::new(CountingJournal::default());
    let mut t = Tracker::new(options().keep_running(true))
        .with_journal(journal.clone() as Arc<dyn Journal>);
    t.add_account("a", backend.clone());
    t.track("a", OperationId::new("1")).await.unwrap();
    let (handle, mut events) = t.start();
    let Step::Op(seen) = op("2", Pending, "WAIT") else {
        unreachable!()
    };
    handle
        .follow("a", OperationId::new("2"), Some(*seen))
        .await
        .unwrap();
    let mut done = 0;
    while done < 2 {
        if let Some(TrackerEvent::Finished { .. }) = events.next().await {
            done += 1;
        }
    }
    handle.stop();
    while events.next().await.is_some() {}
    assert!(backend.calls("refresh") >= 12, "every sighting was read");
    // "1": the first sighting, the one with an eta (which `changed_from` ignores but the
    // journal keeps), the end. "2": its first sighting and its end.
    assert_eq!(
        journal.records.load(std::sync::atomic::Ordering::Relaxed),
        5
    );
    let last = journal
        .get("a", &OperationId::new("2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.last.unwrap().status, Failed);
}

#[tokio::test(start_paused = true)]
async fn a_closed_gate_stops_every_call_until_it_opens() {
    let backend = Arc::new(ScriptedBackend::batched());
    let steps: Vec<Step> = (0..40).map(|_| op("1", Pending, "WAIT")).collect();
    backend.script("1", steps);
    let gate = Gate::closed();
    let mut t = Tracker::new(
        TrackerOptions::new()
            .intervals(ms(100), ms(100))
            .keep_running(true),
    );
    t.add_account("a", backend.clone());
    assert!(t.set_gate("a", gate.clone()));
    assert!(!t.set_gate("nope", gate.clone()));
    t.track("a", OperationId::new("1")).await.unwrap();
    let (handle, mut events) = t.start();
    tokio::time::sleep(ms(2000)).await;
    assert_eq!(backend.calls("refresh"), 0, "closed: no call at all");
    gate.set(true);
    tokio::time::sleep(ms(1050)).await;
    let open_calls = backend.calls("refresh");
    assert!(
        (9..=12).contains(&open_calls),
        "about one call per 100 ms: {open_calls}"
    );
    gate.set(false);
    tokio::time::sleep(ms(2000)).await;
    assert_eq!(
        backend.calls("refresh"),
        open_calls,
        "closed again: no call"
    );
    // Operations followed meanwhile wait for the gate too, then are read.
    handle.resume("a", OperationId::new("1"), None);
    gate.set(true);
    tokio::time::sleep(ms(500)).await;
    assert!(backend.calls("refresh") > open_calls);
    // Forgotten: nothing is followed, nothing read.
    handle.forget("a");
    tokio::time::sleep(ms(50)).await;
    let before = backend.calls("refresh");
    tokio::time::sleep(ms(1000)).await;
    assert_eq!(backend.calls("refresh"), before, "forgotten: no more reads");
    handle.stop();
    while events.next().await.is_some() {}
}

#[tokio::test(start_paused = true)]
async fn a_journal_that_is_away_loses_nothing_and_gives_nothing_up() {
    use std::sync::atomic::Ordering::Relaxed;
    let backend = Arc::new(ScriptedBackend::batched());
    // RUN is seen only while the journal is away; the operation ends after the journal is back.
    let mut steps = vec![op("1", Pending, "WAIT")];
    steps.extend((0..30).map(|_| op("1", InProgress, "RUN")));
    steps.push(op("1", Succeeded, "DONE"));
    backend.script("1", steps);
    let journal = Arc::new(CountingJournal::default());
    let mut t = Tracker::new(
        TrackerOptions::new()
            .intervals(ms(100), ms(100))
            .max_consecutive_errors(2)
            .keep_running(true),
    )
    .with_journal(journal.clone() as Arc<dyn Journal>);
    t.add_account("a", backend.clone());
    t.track("a", OperationId::new("1")).await.unwrap();
    let (handle, mut events) = t.start();
    tokio::time::sleep(ms(50)).await;
    journal.down.store(true, Relaxed);
    // Far more failed writes than `max_consecutive_errors`: nothing is given up.
    tokio::time::sleep(ms(2000)).await;
    let failed_writes = journal.records.load(Relaxed);
    assert!(failed_writes > 5, "writes were tried: {failed_writes}");
    let reads_while_down = backend.calls("refresh");
    journal.down.store(false, Relaxed);
    let mut finished = None;
    while let Some(event) = events.next().await {
        match event {
            TrackerEvent::Finished { operation, .. } => {
                finished = Some(operation);
                break;
            }
            TrackerEvent::GaveUp { error, .. } => panic!("gave up: {error}"),
            _ => {}
        }
    }
    assert_eq!(finished.unwrap().raw_status, "DONE");
    assert!(backend.calls("refresh") > reads_while_down);
    let history: Vec<String> = journal
        .history("a", &OperationId::new("1"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.operation.raw_status)
        .collect();
    assert_eq!(
        history,
        ["WAIT", "RUN", "DONE"],
        "what was seen while away is journaled"
    );
    handle.stop();
    while events.next().await.is_some() {}
}
