//! Leases: in a fleet (several processes on one journal), each account is swept by one process
//! at a time, the holder of its lease.
//!
//! Every `lease`/3 this process says it is alive, counts the processes alive, and claims its
//! fair share of the accounts (renewing what it holds, taking what is free or expired). An
//! account's [`Gate`](regops_core::Gate) is open exactly while this process holds its lease:
//! the tracker's sweeps and discovery call the account only then, and a call under way is
//! abandoned when the gate closes. When the journal cannot be reached, the gates close once the
//! last renewal is `lease`·2/3 old, before any lease can expire and be taken, so that two
//! processes never call one account at once; what the tracker observed meanwhile stays in
//! memory and is written when the journal returns. An account taken is followed from the
//! journal; an account lost to another process is forgotten here. A process holding more than
//! its share (another one joined) hands the extra accounts over: their gates close first, then
//! the leases are released. Each renewal also reports this process's call counts, which
//! `GET /v1/accounts` sums over the fleet.

use crate::AppState;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long after the last successful renewal the gates close, as a share of the lease.
const CLOSE_AFTER: f64 = 2.0 / 3.0;

/// The loop of this process's leases.
pub(crate) async fn run(state: Arc<AppState>, owner: String, lease: Duration) {
    let mut stop = state.stop.clone();
    let names: Vec<String> = state.accounts.keys().cloned().collect();
    let every = lease / 3;
    let margin = lease.mul_f64(CLOSE_AFTER);
    // The gates close on time whatever a renewal under way does (a database that hangs
    // rather than refuses): the leases may expire, and then another process calls.
    let mut close_at = Instant::now() + margin;
    loop {
        let renewal = tokio::time::timeout(lease, tick(&state, &owner, &names, lease));
        tokio::pin!(renewal);
        let mut closed = false;
        let outcome = loop {
            tokio::select! {
                outcome = &mut renewal => break outcome,
                () = tokio::time::sleep_until(close_at), if !closed => {
                    close_all(&state, "its lease can no longer be renewed");
                    closed = true;
                }
            }
        };
        match outcome {
            Ok(Ok(renewed_at)) => close_at = renewed_at + margin,
            Ok(Err(e)) => tracing::warn!("renewing the account leases: {e}"),
            Err(_) => tracing::warn!("renewing the account leases: no answer in {lease:?}"),
        }
        if Instant::now() >= close_at {
            close_all(&state, "its lease can no longer be renewed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// One renewal: heartbeat, claim the share, open and close the gates to match, hand over the
/// excess. Answers when the leases were asked for (they run from then, at the latest).
async fn tick(
    state: &AppState,
    owner: &str,
    names: &[String],
    lease: Duration,
) -> regops_core::Result<Instant> {
    let asked = Instant::now();
    let alive = state.journal.heartbeat(owner, lease).await?.max(1);
    // This process's calls, so that every process answers the fleet's totals.
    let totals: Vec<(String, u64, u64)> = state
        .accounts
        .iter()
        .map(|(name, a)| (name.clone(), a.stats.calls(), a.stats.errors()))
        .collect();
    state.journal.report_calls(owner, &totals).await?;
    let share = names.len().div_ceil(alive);
    let held = state
        .journal
        .claim_leases(owner, names, lease, share)
        .await?;
    let held_names: BTreeSet<&str> = held.iter().map(|l| l.account.as_str()).collect();
    for name in names {
        let account = &state.accounts[name];
        let holds = held_names.contains(name.as_str());
        match (holds, account.gate.is_open()) {
            (true, false) => take(state, name).await?,
            (false, true) => {
                account.gate.set(false);
                state.tracker.forget(name);
                tracing::info!(account = %name, "another process holds the account now");
            }
            (false, false) => {
                // Closed while the journal was away, and taken by another process since.
                state.tracker.forget(name);
            }
            (true, true) => {}
        }
    }
    if held.len() > share {
        let extra: Vec<String> = held[share..].iter().map(|l| l.account.clone()).collect();
        for name in &extra {
            state.accounts[name].gate.set(false);
            state.tracker.forget(name);
        }
        state.journal.release_leases(owner, &extra).await?;
        tracing::info!(
            "handed over {} (more than this process's share of {share})",
            extra.join(", ")
        );
    }
    Ok(asked)
}

/// Starts following an account whose lease was just taken: every unfinished operation the
/// journal holds for it, then the gate opens.
async fn take(state: &AppState, name: &str) -> regops_core::Result<()> {
    let unfinished = state.journal.unfinished_of(name).await?;
    let n = unfinished.len();
    for record in unfinished {
        state.tracker.resume(name, record.id, record.last);
    }
    state.accounts[name].gate.set(true);
    tracing::info!(account = %name, "lease taken: following {n} operations");
    Ok(())
}

/// Closes every gate (no call to any account) without forgetting what is followed; answers
/// the accounts it closed.
pub(crate) fn close_all<'a>(state: &'a AppState, why: &str) -> Vec<&'a str> {
    let mut closed = Vec::new();
    for (name, account) in &state.accounts {
        if account.gate.is_open() {
            account.gate.set(false);
            closed.push(name.as_str());
        }
    }
    if !closed.is_empty() && !why.is_empty() {
        tracing::warn!("no more calls to {} ({why})", closed.join(", "));
    }
    closed
}

/// Gives every lease up on a graceful stop (the calls have ended): the others take the
/// accounts over at their next renewal rather than at expiry.
pub(crate) async fn release(state: &AppState, owner: &str) {
    let names: Vec<String> = state.accounts.keys().cloned().collect();
    let closed = close_all(state, "");
    tracing::info!("stopping: handing over {}", closed.join(", "));
    if let Err(e) = state.journal.release_leases(owner, &names).await {
        tracing::warn!("releasing the account leases: {e}");
    }
    let _ = state.journal.heartbeat(owner, Duration::ZERO).await;
}
