//! The service's background loops that are neither discovery nor webhooks: reading the
//! tracker's events, watching the journal's event sequence (for SSE, webhooks, long polls and
//! metrics, whichever process wrote it), and pruning old events.

use crate::AppState;
use futures::StreamExt;
use regops_core::TrackerEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the journal is read for events that another process (or a path that did not poke)
/// wrote.
pub(crate) const POLL: Duration = Duration::from_millis(500);

/// Reads the tracker's events: what it journaled pokes the watchers; failures are logged.
pub(crate) async fn tracker_events(
    state: Arc<AppState>,
    mut events: futures::stream::BoxStream<'static, TrackerEvent>,
) {
    while let Some(event) = events.next().await {
        match event {
            TrackerEvent::Changed { .. } | TrackerEvent::Finished { .. } => {
                state.wrote.notify_one()
            }
            TrackerEvent::GaveUp { account, id, error } => {
                tracing::warn!(account = %account, id = %id, "gave up following: {error}");
                state.wrote.notify_one();
            }
            TrackerEvent::Retrying {
                account,
                error,
                retry_in,
            } => {
                tracing::info!(account = %account, "read failed, again in {retry_in:?}: {error}");
            }
            _ => {}
        }
    }
}

/// Follows the journal's event sequence: counts new events and publishes the newest sequence
/// number, on a poke or every [`POLL`].
pub(crate) async fn journal_events(state: Arc<AppState>, newest: watch::Sender<u64>) {
    let mut stop = state.stop.clone();
    let mut cursor = *newest.borrow();
    loop {
        tokio::select! {
            _ = state.wrote.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
        loop {
            match state.journal.events_after(cursor, 1000).await {
                Ok(events) if events.is_empty() => break,
                Ok(events) => {
                    for e in &events {
                        state.metrics.event(e.kind);
                    }
                    if state.fleet.is_some() {
                        follow_news(&state, &events);
                    }
                    cursor = events.last().map_or(cursor, |e| e.seq);
                    let _ = newest.send(cursor);
                }
                Err(e) => {
                    tracing::warn!("reading events from the journal: {e}");
                    break;
                }
            }
        }
    }
}

/// In a fleet: follows the operations that another process put in the journal (an API call
/// answered there) on the accounts this process holds. Within one batch only an operation's
/// last event counts, so that one that already ended is not followed again.
fn follow_news(state: &AppState, events: &[regops_core::Event]) {
    let mut last: std::collections::BTreeMap<(&str, &str), &regops_core::Event> =
        std::collections::BTreeMap::new();
    for e in events {
        last.insert((e.account.as_str(), e.operation_id.as_str()), e);
    }
    for e in last.into_values() {
        let held = state
            .accounts
            .get(&e.account)
            .is_some_and(|a| a.gate.is_open());
        let open = e.operation.as_ref().is_some_and(|op| !op.is_terminal());
        if held && open && e.kind != regops_core::EventKind::GaveUp {
            state
                .tracker
                .resume(&e.account, e.operation_id.clone(), e.operation.clone());
        }
    }
}

/// Removes events older than `retention` every hour (none that a pending delivery needs).
pub(crate) async fn prune(state: Arc<AppState>, retention: Duration) {
    let mut stop = state.stop.clone();
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(7));
    loop {
        let before = chrono::Utc::now() - retention;
        match state.journal.prune_events(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("pruned {n} events older than {before}"),
            Err(e) => tracing::warn!("pruning events: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Waits until the journal's newest event is past `seen`, `limit` passes, or the service stops.
pub(crate) async fn wait_for_news(state: &AppState, seen: u64, limit: Duration) {
    let mut newest = state.newest.clone();
    let mut stop = state.stop.clone();
    if *newest.borrow() > seen {
        return;
    }
    tokio::select! {
        _ = newest.wait_for(|n| *n > seen) => {}
        _ = tokio::time::sleep(limit) => {}
        _ = stop.changed() => {}
    }
}
