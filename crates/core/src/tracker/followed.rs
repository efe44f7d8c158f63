//! The operations one account's sweep follows, indexed by id and by when each is due, so that
//! a pass costs in proportion to what it reads, not to everything followed.

use crate::id::OperationId;
use crate::operation::Operation;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use tokio::time::Instant;

/// One followed operation.
pub(super) struct Followed {
    pub(super) last: Option<Operation>,
    /// Whether `last` is what the journal holds, so that seeing it again needs no write.
    pub(super) journaled: bool,
    /// When it is read next; changed only through [`Followings::reschedule`], which keeps the
    /// due index in step.
    due: Instant,
    pub(super) interval: Duration,
    pub(super) errors: u32,
}

impl Followed {
    pub(super) fn new(last: Option<Operation>, journaled: bool, interval: Duration) -> Followed {
        Followed {
            last,
            journaled,
            due: Instant::now(),
            interval,
            errors: 0,
        }
    }
}

/// The followed operations of one account: by id, and by due time.
#[derive(Default)]
pub(super) struct Followings {
    by_id: HashMap<OperationId, Followed>,
    /// `(due, id)` of every followed operation: the first is the next to read.
    by_due: BTreeSet<(Instant, OperationId)>,
}

impl Followings {
    pub(super) fn len(&self) -> usize {
        self.by_id.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub(super) fn get(&self, id: &OperationId) -> Option<&Followed> {
        self.by_id.get(id)
    }

    /// The operation, to change anything but when it is due.
    pub(super) fn get_mut(&mut self, id: &OperationId) -> Option<&mut Followed> {
        self.by_id.get_mut(id)
    }

    /// Follows `id` unless it is followed already.
    pub(super) fn insert_if_absent(
        &mut self,
        id: OperationId,
        followed: impl FnOnce() -> Followed,
    ) {
        if self.by_id.contains_key(&id) {
            return;
        }
        let f = followed();
        self.by_due.insert((f.due, id.clone()));
        self.by_id.insert(id, f);
    }

    /// Makes `id` due at `due`.
    pub(super) fn reschedule(&mut self, id: &OperationId, due: Instant) {
        if let Some(f) = self.by_id.get_mut(id) {
            self.by_due.remove(&(f.due, id.clone()));
            f.due = due;
            self.by_due.insert((due, id.clone()));
        }
    }

    pub(super) fn remove(&mut self, id: &OperationId) -> Option<Followed> {
        let f = self.by_id.remove(id)?;
        self.by_due.remove(&(f.due, id.clone()));
        Some(f)
    }

    /// Everything, emptied out.
    pub(super) fn take_all(&mut self) -> Vec<(OperationId, Followed)> {
        self.by_due.clear();
        self.by_id.drain().collect()
    }

    pub(super) fn clear(&mut self) {
        self.by_due.clear();
        self.by_id.clear();
    }

    /// When the next operation is due.
    pub(super) fn next_due(&self) -> Option<Instant> {
        self.by_due.first().map(|(due, _)| *due)
    }

    /// The operations to read at `now`, soonest due first: every one that is due, and, when
    /// any is, the batches' last one filled up with those due within half their interval (a
    /// call is made anyway; reading them now saves one later).
    pub(super) fn due(&self, now: Instant, batch: usize) -> Vec<OperationId> {
        let mut out: Vec<OperationId> = self
            .by_due
            .iter()
            .take_while(|(due, _)| *due <= now)
            .map(|(_, id)| id.clone())
            .collect();
        if out.is_empty() {
            return out;
        }
        let room = (batch - out.len() % batch) % batch;
        let early = self
            .by_due
            .iter()
            .skip(out.len())
            .take(room)
            .filter(|(due, id)| {
                self.by_id
                    .get(id)
                    .is_some_and(|f| *due <= now + f.interval / 2)
            })
            .map(|(_, id)| id.clone());
        out.extend(early);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followed(interval_s: u64) -> Followed {
        Followed::new(None, false, Duration::from_secs(interval_s))
    }

    #[test]
    fn the_due_index_follows_every_change() {
        let mut f = Followings::default();
        let now = Instant::now();
        for i in 0..5 {
            f.insert_if_absent(OperationId::from(i), || followed(10));
            f.reschedule(
                &OperationId::from(i),
                now + Duration::from_secs(i as u64 * 10),
            );
        }
        // Inserting again changes nothing.
        f.insert_if_absent(OperationId::from(0), || followed(99));
        assert_eq!(f.len(), 5);
        assert_eq!(
            f.get(&OperationId::from(0)).unwrap().interval,
            Duration::from_secs(10)
        );
        assert_eq!(f.next_due(), Some(now));
        // Due at `now`: 0 only. Batches of 3 are topped up only with what is due within half
        // its interval: 1 is due in 10 s with an interval of 10 s, so not yet.
        assert_eq!(f.due(now, 3), [OperationId::from(0)]);
        // Within half the interval: 1 is due in 10 s, its interval 30 s.
        f.get_mut(&OperationId::from(1)).unwrap().interval = Duration::from_secs(30);
        assert_eq!(f.due(now, 3), [OperationId::from(0), OperationId::from(1)]);
        // A full batch is not topped up.
        assert_eq!(f.due(now, 1), [OperationId::from(0)]);
        // Nothing due: nothing read, even what is near.
        assert!(f.due(now - Duration::from_secs(1), 3).is_empty());
        f.reschedule(&OperationId::from(0), now + Duration::from_secs(100));
        assert_eq!(f.next_due(), Some(now + Duration::from_secs(10)));
        assert!(f.remove(&OperationId::from(1)).is_some());
        assert_eq!(f.next_due(), Some(now + Duration::from_secs(20)));
        assert!(f.remove(&OperationId::from(1)).is_none());
        assert_eq!(f.take_all().len(), 4);
        assert!(f.is_empty() && f.next_due().is_none());
    }
}
