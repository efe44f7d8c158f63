//! [`Subscriptions`]: the webhook receivers a journal enters deliveries for, shared by the
//! SQLite and the PostgreSQL journal.

use regops_core::Subscription;
use std::sync::{Arc, Mutex};

/// The receivers, replaced whole by [`set`](Self::set) and read by every change as a shared
/// snapshot (no copy of the list per change).
#[derive(Clone, Debug, Default)]
pub(crate) struct Subscriptions(Arc<Mutex<Arc<Vec<Subscription>>>>);

impl Subscriptions {
    /// Replaces the receivers.
    pub(crate) fn set(&self, subscriptions: Vec<Subscription>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(subscriptions);
    }

    /// The receivers now.
    pub(crate) fn current(&self) -> Arc<Vec<Subscription>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
