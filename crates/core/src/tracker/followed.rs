//! The operations one account's sweep follows, indexed by id and by when each is due, so that
//! a pass costs in proportion to what it reads, not to everything followed.

use crate::id::OperationId;
use crate::operation::Operation;
use crate::value::Value;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;
use tokio::time::Instant;

/// What the tracker remembers of the last state it saw of an operation: a digest of the whole
/// state (seeing it again needs no journal write) and one of what makes a change
/// ([`Operation::changed_from`]). Sixteen bytes, where the state itself is hundreds, with its
/// provider's extra data: with a journal, the journal holds the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Seen {
    whole: u64,
    change: u64,
}

impl Seen {
    pub(super) fn of(op: &Operation) -> Seen {
        let mut change = DefaultHasher::new();
        change_fields(op, &mut change);
        let mut whole = DefaultHasher::new();
        change_fields(op, &mut whole);
        op.provider.hash(&mut whole);
        op.id.hash(&mut whole);
        op.kind.hash(&mut whole);
        op.target.hash(&mut whole);
        op.submitted_at.hash(&mut whole);
        op.started_at.hash(&mut whole);
        op.updated_at.hash(&mut whole);
        op.scheduled_at.hash(&mut whole);
        op.eta.hash(&mut whole);
        op.extra.len().hash(&mut whole);
        for (k, v) in &op.extra {
            k.hash(&mut whole);
            value(v, &mut whole);
        }
        Seen {
            whole: whole.finish(),
            change: change.finish(),
        }
    }

    /// Whether `other` is a change from this ([`Operation::changed_from`]).
    pub(super) fn changed_to(&self, other: &Seen) -> bool {
        self.change != other.change
    }
}

/// The fields [`Operation::changed_from`] compares.
fn change_fields(op: &Operation, h: &mut DefaultHasher) {
    op.status.hash(h);
    op.raw_status.hash(h);
    op.message.hash(h);
    match &op.error {
        None => 0u8.hash(h),
        Some(e) => {
            1u8.hash(h);
            e.class.hash(h);
            e.code.hash(h);
            e.message.hash(h);
        }
    }
    op.action_required.hash(h);
}

/// A provider value, walked (floats by their bits).
fn value(v: &Value, h: &mut DefaultHasher) {
    std::mem::discriminant(v).hash(h);
    match v {
        Value::Bool(b) => b.hash(h),
        Value::Int(i) => i.hash(h),
        Value::Float(f) => f.to_bits().hash(h),
        Value::String(s) => s.hash(h),
        Value::DateTime(t) => t.hash(h),
        Value::Bytes(b) => b.hash(h),
        Value::List(items) => {
            items.len().hash(h);
            for i in items {
                value(i, h);
            }
        }
        Value::Map(m) => {
            m.len().hash(h);
            for (k, v) in m {
                k.hash(h);
                value(v, h);
            }
        }
        _ => {}
    }
}

/// One followed operation.
pub(super) struct Followed {
    /// The last state seen, kept whole only without a journal (for the final answer of a
    /// deadline); with one, the journal holds it. Boxed: the map holds a pointer, not the
    /// hundreds of bytes of an absent state.
    pub(super) last: Option<Box<Operation>>,
    /// What the tracker remembers of the last state seen.
    pub(super) seen: Option<Seen>,
    /// Whether the last state seen is what the journal holds, so that seeing it again needs
    /// no write.
    pub(super) journaled: bool,
    /// When it is read next; changed only through [`Followings::reschedule`], which keeps the
    /// due index in step.
    due: Instant,
    pub(super) interval: Duration,
    pub(super) errors: u32,
}

impl Followed {
    /// Follows an operation last seen as `last` (if ever); `keep` keeps that state whole.
    pub(super) fn new(
        last: Option<Operation>,
        keep: bool,
        journaled: bool,
        interval: Duration,
    ) -> Followed {
        Followed {
            seen: last.as_ref().map(Seen::of),
            last: last.filter(|_| keep).map(Box::new),
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
        Followed::new(None, false, false, Duration::from_secs(interval_s))
    }

    #[test]
    fn the_digests_see_what_equality_and_changed_from_see() {
        use crate::status::OperationStatus;
        let op = |raw: &str, eta: u64, extra: i64| {
            let mut o = Operation::new(
                "gandi",
                OperationId::from(7),
                OperationStatus::InProgress,
                raw,
            );
            o.eta = Some(Duration::from_secs(eta));
            o.extra.insert(
                "n".into(),
                Value::List(vec![Value::Int(extra), Value::Float(0.5)]),
            );
            o
        };
        let a = Seen::of(&op("RUN", 10, 1));
        assert_eq!(
            a,
            Seen::of(&op("RUN", 10, 1)),
            "the same state, the same digests"
        );
        // An eta or extra data that moved: not the same state, but no change.
        for other in [op("RUN", 20, 1), op("RUN", 10, 2)] {
            let b = Seen::of(&other);
            assert_ne!(a, b);
            assert!(!a.changed_to(&b));
            assert!(!other.changed_from(&op("RUN", 10, 1)));
        }
        // Another raw status: a change, as changed_from says.
        let c = Seen::of(&op("WAIT", 10, 1));
        assert!(a.changed_to(&c));
        assert!(op("WAIT", 10, 1).changed_from(&op("RUN", 10, 1)));
    }

    #[test]
    fn a_followed_operation_is_small() {
        // A million followed operations must fit beside everything else in a few hundred MiB:
        // the state itself lives in the journal.
        assert!(
            std::mem::size_of::<Followed>() <= 96,
            "{}",
            std::mem::size_of::<Followed>()
        );
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
