//! [`Gate`]: whether calls to an account may be made now, shared by everything that calls it.
//!
//! A service that shares its accounts with other processes opens an account's gate while it
//! holds the account's lease and closes it before the lease can run out. The tracker's sweeps
//! and the service's discovery wait while it is closed, and a call under way when it closes is
//! abandoned at once (only reads go through a gate), so that two processes never call one
//! account at the same moment.

use std::future::Future;
use std::sync::Arc;
use tokio::sync::watch;

/// Open or closed; cheap to clone (every clone is the same gate).
#[derive(Clone, Debug)]
pub struct Gate {
    state: Arc<watch::Sender<bool>>,
}

impl Gate {
    /// A gate that is open.
    pub fn open() -> Gate {
        Gate::new(true)
    }

    /// A gate that is closed.
    pub fn closed() -> Gate {
        Gate::new(false)
    }

    fn new(open: bool) -> Gate {
        Gate {
            state: Arc::new(watch::Sender::new(open)),
        }
    }

    /// Opens or closes it.
    pub fn set(&self, open: bool) {
        self.state.send_replace(open);
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        *self.state.borrow()
    }

    /// Completes when it is open (at once if it is).
    pub async fn opened(&self) {
        let mut rx = self.state.subscribe();
        let _ = rx.wait_for(|open| *open).await;
    }

    /// Completes when it is closed (at once if it is).
    pub async fn closed_now(&self) {
        let mut rx = self.state.subscribe();
        let _ = rx.wait_for(|open| !*open).await;
    }

    /// Runs `call` while the gate stays open: `None` when it was closed already, or closed
    /// before `call` completed (which is then dropped, abandoning what it was doing).
    pub async fn guard<F: Future>(&self, call: F) -> Option<F::Output> {
        if !self.is_open() {
            return None;
        }
        tokio::select! {
            out = call => Some(out),
            () = self.closed_now() => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn a_call_under_way_is_abandoned_when_the_gate_closes() {
        let gate = Gate::open();
        assert_eq!(gate.guard(async { 7 }).await, Some(7));
        let closer = gate.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            closer.set(false);
        });
        let started = tokio::time::Instant::now();
        let slow = gate
            .guard(tokio::time::sleep(Duration::from_secs(60)))
            .await;
        assert_eq!(slow, None);
        assert_eq!(
            started.elapsed(),
            Duration::from_secs(1),
            "cut when it closed"
        );
        assert_eq!(gate.guard(async { 7 }).await, None, "closed: nothing runs");
        let opener = gate.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            opener.set(true);
        });
        gate.opened().await;
        assert!(gate.is_open());
    }
}
