//! Discovery: finding the operations of an account that regops did not start.
//!
//! Every interval the account is listed for operations submitted since the last complete
//! listing (minus a margin, for servers whose clocks or listings lag), with the provider's own
//! filters where it has them; every operation the journal does not know is recorded and, when
//! not ended, followed. The time of the last complete listing is kept in the journal, so a
//! restart goes on from there. The very first listing of an account looks `discover_since` back
//! and takes only what has not ended, so that a first start does not announce days of history;
//! every later listing (after a restart too) also records operations that started and ended
//! between two listings, so that none goes unseen.
//! Where the provider has a notification queue (AutoDNS's poll queue), each notification's
//! operation is read, recorded, followed, and only then is the notification acknowledged.
//! Every call takes its slot from the account's rate limiter, shared with the sweeps and the
//! API. In a fleet only the holder of the account's lease discovers: a pass waits for the
//! account's gate, and its calls end when the gate closes.

use crate::{Account, AppState};
use chrono::{DateTime, Utc};
use regops_core::page::PageToken;
use regops_core::{Backend, Error, Operation, OperationFilter};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many notifications one pass reads at most: the queue is drained (a backlog of
/// thousands after a bulk order must not take hours of passes), within a bound so that a
/// queue that never empties still lets the listing and the checkpoint go on.
const NOTIFICATIONS_PER_PASS: usize = 100_000;

/// How many pages one listing reads at most.
const PAGES_PER_PASS: usize = 1000;

/// The loop of one account.
pub(crate) async fn run(state: Arc<AppState>, name: String, every: Duration, since: Duration) {
    let Some(account) = state.accounts.get(&name) else {
        return;
    };
    let mut stop = state.stop.clone();
    let margin = chrono::Duration::from_std(every.max(Duration::from_secs(60)))
        .unwrap_or(chrono::Duration::hours(1));
    // The last complete listing survives restarts, so that what started and ended while regops
    // was down is found too.
    let mut last: Option<DateTime<Utc>> = match state.journal.discovered_at(&name).await {
        Ok(at) => at,
        Err(e) => {
            tracing::warn!(account = %name, "reading the discovery checkpoint: {e}");
            None
        }
    };
    let mut queue_missing = false;
    loop {
        if !account.gate.is_open() {
            tokio::select! {
                () = account.gate.opened() => {}
                _ = stop.changed() => return,
            }
            // Another process may have listed meanwhile: go on from its checkpoint.
            if let Ok(Some(at)) = state.journal.discovered_at(&name).await {
                last = Some(at);
            }
        }
        let started = Utc::now();
        let from = match last {
            Some(t) => t - margin,
            None => {
                started - chrono::Duration::from_std(since).unwrap_or(chrono::Duration::days(2))
            }
        };
        let first = last.is_none();
        let mut listed = true;
        if account.backend.capabilities().list {
            match list(&state, &name, account, from, first).await {
                Ok(n) if n > 0 => tracing::info!(account = %name, "discovered {n} operations"),
                Ok(_) => {}
                Err(e) => {
                    listed = false;
                    pause_on_rate_limit(account, &e);
                    tracing::warn!(account = %name, "discovery listing failed: {e}");
                }
            }
        }
        if !queue_missing {
            match notifications(&state, &name, account).await {
                Ok(Some(n)) if n > 0 => {
                    tracing::info!(account = %name, "{n} notifications of the poll queue recorded")
                }
                Ok(Some(_)) => {}
                Ok(None) => queue_missing = true,
                Err(e) => {
                    pause_on_rate_limit(account, &e);
                    tracing::warn!(account = %name, "reading the notification queue failed: {e}");
                }
            }
        }
        // A listing that failed is taken again from the same point.
        if listed {
            last = Some(started);
            if let Err(e) = state.journal.set_discovered_at(&name, started).await {
                tracing::warn!(account = %name, "recording the discovery checkpoint: {e}");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

fn pause_on_rate_limit(account: &Account, e: &Error) {
    if let (Some(l), true) = (&account.limiter, e.is_rate_limited()) {
        l.pause(e.retry_after().unwrap_or(Duration::from_secs(5)));
    }
}

/// Lists the operations submitted since `from`; answers how many were new.
async fn list(
    state: &AppState,
    name: &str,
    account: &Account,
    from: DateTime<Utc>,
    first: bool,
) -> Result<usize, Error> {
    let filter = OperationFilter::new().submitted_since(from);
    let mut token: Option<PageToken> = None;
    let mut new = 0;
    for _ in 0..PAGES_PER_PASS {
        account.pace().await;
        if *state.stop.borrow() {
            break;
        }
        let page = account
            .gated(regops_core::Backend::operations_page(
                &*account.backend,
                &filter,
                token,
            ))
            .await?;
        for op in page.items.into_iter().filter(|op| filter.matches(op)) {
            if consider(state, name, op, first).await? {
                new += 1;
            }
        }
        match page.next {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    Ok(new)
}

/// Records and follows `op` when the journal does not know it; answers whether it was new.
async fn consider(state: &AppState, name: &str, op: Operation, first: bool) -> Result<bool, Error> {
    if state.journal.get(name, &op.id).await?.is_some() {
        return Ok(false);
    }
    if op.is_terminal() && first {
        return Ok(false);
    }
    adopt(state, name, op).await?;
    Ok(true)
}

/// Records `op` (its event enters the journal) and follows it when it has not ended.
pub(crate) async fn adopt(state: &AppState, name: &str, op: Operation) -> Result<(), Error> {
    state.journal.record(name, &op).await?;
    state.wrote.notify_one();
    if !op.is_terminal() {
        state.tracker.follow(name, op.id.clone(), Some(op)).await?;
    }
    Ok(())
}

/// Reads the provider's notification queue; answers how many notifications were handled, or
/// `None` when the provider has no queue.
async fn notifications(
    state: &AppState,
    name: &str,
    account: &Account,
) -> Result<Option<usize>, Error> {
    let Some(queue) = regops_core::Backend::notification_queue(&*account.backend) else {
        return Ok(None);
    };
    let mut handled = 0;
    while handled < NOTIFICATIONS_PER_PASS && !*state.stop.borrow() {
        account.pace().await;
        let started = Instant::now();
        let next = account.gated(queue.next_notification()).await;
        account.backend.count("poll", started, &next);
        let Some(notification) = next? else {
            break;
        };
        if let Some(id) = &notification.operation {
            account.pace().await;
            let op = account
                .gated(regops_core::Backend::operation(&*account.backend, id))
                .await?;
            // The change is in the journal before the notification leaves the queue.
            match state.journal.get(name, id).await? {
                Some(record) if record.last.is_some() && !record.given_up => {
                    state.journal.record(name, &op).await?;
                    state.wrote.notify_one();
                }
                _ => adopt(state, name, op).await?,
            }
        }
        account.pace().await;
        let started = Instant::now();
        let acked = account.gated(queue.acknowledge(&notification.id)).await;
        account.backend.count("poll_ack", started, &acked);
        acked?;
        handled += 1;
    }
    Ok(Some(handled))
}
