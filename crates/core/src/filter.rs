//! Which operations to list, and the client-side application of what a server cannot filter.
//!
//! A backend translates what it can of an [`OperationFilter`] into its provider's query and
//! reports the rest through [`Capabilities`](crate::Capabilities). Whatever the server did,
//! [`Backend::operations`](crate::Backend::operations) checks every item against the whole
//! filter, so a part the server cannot do is done here and nothing is silently ignored.
//!
//! Time bounds are half-open: `since` is inclusive, `until` exclusive. An operation without the
//! time a bound is about does not pass that bound.

use crate::id::OperationId;
use crate::operation::Operation;
use crate::status::OperationStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How to match a target (domain name, common name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetMatch {
    /// Equal, ignoring ASCII case.
    Exact(String),
    /// Starts with, ignoring ASCII case.
    Prefix(String),
}

impl TargetMatch {
    /// Whether `target` matches.
    pub fn matches(&self, target: &str) -> bool {
        match self {
            TargetMatch::Exact(want) => target.eq_ignore_ascii_case(want),
            TargetMatch::Prefix(prefix) => target
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix)),
        }
    }
}

/// The field operations are sorted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SortField {
    /// Submission time.
    SubmittedAt,
    /// Last update time.
    UpdatedAt,
    /// Identifier (numeric when both are numbers).
    Id,
    /// Status.
    Status,
    /// Operation type.
    Kind,
    /// Target.
    Target,
}

/// Ascending or descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    #[default]
    Ascending,
    /// Largest first.
    Descending,
}

/// A sort order for listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sort {
    /// The field.
    pub field: SortField,
    /// The direction.
    pub order: SortOrder,
}

impl Sort {
    /// Sorts on `field` in `order`.
    pub fn new(field: SortField, order: SortOrder) -> Sort {
        Sort { field, order }
    }

    /// Newest submission first: the order `regops ops list` prints.
    pub fn newest_first() -> Sort {
        Sort::new(SortField::SubmittedAt, SortOrder::Descending)
    }

    /// Compares two operations by this sort. Missing values sort last in either order; ties
    /// are broken by id so the order is total.
    pub fn compare(&self, a: &Operation, b: &Operation) -> Ordering {
        fn opt<T: Ord>(a: Option<T>, b: Option<T>, order: SortOrder) -> Ordering {
            match (a, b) {
                (Some(a), Some(b)) => directed(a.cmp(&b), order),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        fn directed(o: Ordering, order: SortOrder) -> Ordering {
            match order {
                SortOrder::Ascending => o,
                SortOrder::Descending => o.reverse(),
            }
        }
        let primary = match self.field {
            SortField::SubmittedAt => opt(a.submitted_at, b.submitted_at, self.order),
            SortField::UpdatedAt => opt(a.updated_at, b.updated_at, self.order),
            SortField::Id => Ordering::Equal,
            SortField::Status => directed(a.status.cmp(&b.status), self.order),
            SortField::Kind => opt(a.kind.as_ref(), b.kind.as_ref(), self.order),
            SortField::Target => opt(a.target.as_ref(), b.target.as_ref(), self.order),
        };
        primary.then_with(|| directed(compare_ids(&a.id, &b.id), self.order))
    }
}

/// Numeric ids compare as numbers, others as text.
fn compare_ids(a: &OperationId, b: &OperationId) -> Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.as_str().cmp(b.as_str()),
    }
}

/// Which operations to list. Every part is optional; an empty filter matches everything.
///
/// ```
/// use regops_core::{OperationFilter, OperationStatus, TargetMatch};
/// let filter = OperationFilter::new()
///     .status(OperationStatus::Pending)
///     .status(OperationStatus::InProgress)
///     .target(TargetMatch::Prefix("example".into()));
/// assert!(filter.statuses.contains(&OperationStatus::Pending));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OperationFilter {
    /// Only these statuses (any when empty). `Unknown(raw)` matches that raw word.
    pub statuses: Vec<OperationStatus>,
    /// Only these raw operation types (any when empty).
    pub kinds: Vec<String>,
    /// Submitted at or after.
    pub submitted_since: Option<DateTime<Utc>>,
    /// Submitted before.
    pub submitted_until: Option<DateTime<Utc>>,
    /// Updated at or after.
    pub updated_since: Option<DateTime<Utc>>,
    /// Updated before.
    pub updated_until: Option<DateTime<Utc>>,
    /// Only this target.
    pub target: Option<TargetMatch>,
    /// Only these ids (any when empty).
    pub ids: Vec<OperationId>,
    /// The order wanted. Servers that cannot sort leave the stream in their order;
    /// [`collect_operations`](crate::collect_operations) sorts.
    pub sort: Option<Sort>,
    /// Items per page requested from the server (the backend caps it at its maximum).
    pub page_size: Option<u32>,
}

impl OperationFilter {
    /// Every operation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts every status regops does not know (any [`OperationStatus::Unknown`] word): what
    /// `--status unknown` asks. Servers cannot filter on it, so a listing with it is filtered
    /// here.
    pub fn unknown_statuses(self) -> Self {
        self.status(OperationStatus::Unknown(String::new()))
    }

    /// Whether [`unknown_statuses`](Self::unknown_statuses) was asked.
    pub fn wants_unknown(&self) -> bool {
        self.statuses
            .iter()
            .any(|s| matches!(s, OperationStatus::Unknown(w) if w.is_empty()))
    }

    /// Adds a status to the accepted set.
    pub fn status(mut self, status: OperationStatus) -> Self {
        if !self.statuses.contains(&status) {
            self.statuses.push(status);
        }
        self
    }

    /// Adds a raw operation type to the accepted set.
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kinds.push(kind.into());
        self
    }

    /// Submitted at or after `t`.
    pub fn submitted_since(mut self, t: DateTime<Utc>) -> Self {
        self.submitted_since = Some(t);
        self
    }

    /// Submitted before `t`.
    pub fn submitted_until(mut self, t: DateTime<Utc>) -> Self {
        self.submitted_until = Some(t);
        self
    }

    /// Updated at or after `t`.
    pub fn updated_since(mut self, t: DateTime<Utc>) -> Self {
        self.updated_since = Some(t);
        self
    }

    /// Updated before `t`.
    pub fn updated_until(mut self, t: DateTime<Utc>) -> Self {
        self.updated_until = Some(t);
        self
    }

    /// Only this target.
    pub fn target(mut self, target: TargetMatch) -> Self {
        self.target = Some(target);
        self
    }

    /// Adds ids to the accepted set.
    pub fn ids(mut self, ids: impl IntoIterator<Item = OperationId>) -> Self {
        self.ids.extend(ids);
        self
    }

    /// Sets the order.
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Sets the page size.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Whether an operation passes every part of the filter (sort and page size aside).
    pub fn matches(&self, op: &Operation) -> bool {
        fn since(bound: Option<DateTime<Utc>>, t: Option<DateTime<Utc>>) -> bool {
            bound.is_none_or(|b| t.is_some_and(|t| t >= b))
        }
        fn until(bound: Option<DateTime<Utc>>, t: Option<DateTime<Utc>>) -> bool {
            bound.is_none_or(|b| t.is_some_and(|t| t < b))
        }
        let unknown = matches!(op.status, OperationStatus::Unknown(_)) && self.wants_unknown();
        (self.statuses.is_empty() || unknown || self.statuses.contains(&op.status))
            && (self.kinds.is_empty()
                || op
                    .kind
                    .as_ref()
                    .is_some_and(|k| self.kinds.iter().any(|w| w == k)))
            && since(self.submitted_since, op.submitted_at)
            && until(self.submitted_until, op.submitted_at)
            && since(self.updated_since, op.updated_at)
            && until(self.updated_until, op.updated_at)
            && self
                .target
                .as_ref()
                .is_none_or(|m| op.target.as_deref().is_some_and(|t| m.matches(t)))
            && (self.ids.is_empty() || self.ids.contains(&op.id))
    }

    /// Whether the filter restricts anything (sort and page size aside).
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
            && self.kinds.is_empty()
            && self.submitted_since.is_none()
            && self.submitted_until.is_none()
            && self.updated_since.is_none()
            && self.updated_until.is_none()
            && self.target.is_none()
            && self.ids.is_empty()
    }

    /// The parts of this filter that a server with `support` cannot do: what is left to do on
    /// the client. Empty when the server does everything.
    pub fn residual(&self, support: &crate::FilterSupport) -> OperationFilter {
        let mut rest = OperationFilter::new();
        if !support.status {
            rest.statuses = self.statuses.clone();
        }
        if !support.kind {
            rest.kinds = self.kinds.clone();
        }
        if !support.submitted_since {
            rest.submitted_since = self.submitted_since;
        }
        if !support.submitted_until {
            rest.submitted_until = self.submitted_until;
        }
        if !support.updated_since {
            rest.updated_since = self.updated_since;
        }
        if !support.updated_until {
            rest.updated_until = self.updated_until;
        }
        rest.target = match &self.target {
            Some(TargetMatch::Exact(_)) if support.target_exact => None,
            Some(TargetMatch::Prefix(_)) if support.target_prefix => None,
            other => other.clone(),
        };
        if !support.ids {
            rest.ids = self.ids.clone();
        }
        if let Some(sort) = self.sort {
            if !support.sort_fields.contains(&sort.field) {
                rest.sort = Some(sort);
            }
        }
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn op(id: &str, status: OperationStatus, day: u32) -> Operation {
        let mut op = Operation::new("p", id, status, "RAW");
        op.kind = Some("domain_renew".into());
        op.target = Some(format!("Example{id}.com"));
        op.submitted_at = Some(Utc.with_ymd_and_hms(2025, 1, day, 0, 0, 0).unwrap());
        op
    }

    #[test]
    fn empty_filter_matches_everything() {
        let f = OperationFilter::new();
        assert!(f.is_empty());
        let mut bare = Operation::new("p", "1", OperationStatus::Unknown("X".into()), "X");
        bare.submitted_at = None;
        assert!(f.matches(&bare));
    }

    #[test]
    fn every_part_is_applied() {
        let a = op("1", OperationStatus::Pending, 1);
        let b = op("2", OperationStatus::Succeeded, 5);
        let t3 = Utc.with_ymd_and_hms(2025, 1, 3, 0, 0, 0).unwrap();
        let t5 = Utc.with_ymd_and_hms(2025, 1, 5, 0, 0, 0).unwrap();
        let cases: Vec<(OperationFilter, [bool; 2])> = vec![
            (
                OperationFilter::new().status(OperationStatus::Pending),
                [true, false],
            ),
            (OperationFilter::new().kind("domain_create"), [false, false]),
            (OperationFilter::new().kind("domain_renew"), [true, true]),
            (OperationFilter::new().submitted_since(t3), [false, true]),
            (OperationFilter::new().submitted_since(t5), [false, true]),
            (OperationFilter::new().submitted_until(t5), [true, false]),
            (OperationFilter::new().updated_since(t3), [false, false]),
            (
                OperationFilter::new().target(TargetMatch::Exact("example2.COM".into())),
                [false, true],
            ),
            (
                OperationFilter::new().target(TargetMatch::Prefix("EXAMPLE1".into())),
                [true, false],
            ),
            (
                OperationFilter::new().ids([OperationId::new("2")]),
                [false, true],
            ),
        ];
        for (f, want) in cases {
            assert_eq!([f.matches(&a), f.matches(&b)], want, "{f:?}");
        }
    }

    #[test]
    fn unknown_status_matches_its_raw_word_only() {
        let o = Operation::new(
            "p",
            "1",
            OperationStatus::Unknown("PAUSED".into()),
            "PAUSED",
        );
        assert!(
            OperationFilter::new()
                .status(OperationStatus::Unknown("PAUSED".into()))
                .matches(&o)
        );
        assert!(
            !OperationFilter::new()
                .status(OperationStatus::Unknown("OTHER".into()))
                .matches(&o)
        );
    }

    #[test]
    fn prefix_is_safe_on_char_boundaries() {
        assert!(!TargetMatch::Prefix("é".into()).matches("e"));
        assert!(!TargetMatch::Prefix("ab".into()).matches("aé"));
        assert!(TargetMatch::Prefix("aé".into()).matches("aéb"));
    }

    #[test]
    fn unknown_statuses_match_any_word_regops_does_not_know() {
        let op = |status: OperationStatus| Operation::new("p", "1", status, "RAW");
        let f = OperationFilter::new().unknown_statuses();
        assert!(f.wants_unknown());
        assert!(f.matches(&op(OperationStatus::Unknown("PAUSED".into()))));
        assert!(f.matches(&op(OperationStatus::Unknown("HOLD".into()))));
        assert!(!f.matches(&op(OperationStatus::Pending)));
        let both = OperationFilter::new()
            .status(OperationStatus::Failed)
            .unknown_statuses();
        assert!(both.matches(&op(OperationStatus::Failed)));
        assert!(both.matches(&op(OperationStatus::Unknown("X".into()))));
        assert!(!both.matches(&op(OperationStatus::Succeeded)));
        // One unknown word asked by name is that word only.
        let one = OperationFilter::new().status(OperationStatus::Unknown("PAUSED".into()));
        assert!(!one.wants_unknown());
        assert!(!one.matches(&op(OperationStatus::Unknown("HOLD".into()))));
    }

    #[test]
    fn residual_keeps_only_what_the_server_cannot_do() {
        let f = OperationFilter::new()
            .status(OperationStatus::Pending)
            .kind("x")
            .target(TargetMatch::Prefix("ex".into()))
            .sort(Sort::newest_first());
        let all = crate::FilterSupport::all();
        assert!(f.residual(&all).is_empty());
        assert_eq!(f.residual(&all).sort, None);
        let none = crate::FilterSupport::none();
        let rest = f.residual(&none);
        assert_eq!(rest.statuses, f.statuses);
        assert_eq!(rest.kinds, f.kinds);
        assert_eq!(rest.target, f.target);
        assert_eq!(rest.sort, f.sort);
    }

    #[test]
    fn sort_puts_missing_last_and_breaks_ties_by_id() {
        let mut ops = [
            op("10", OperationStatus::Pending, 2),
            op("9", OperationStatus::Pending, 2),
            op("3", OperationStatus::Pending, 9),
        ];
        ops[0].submitted_at = None;
        ops.sort_by(|a, b| Sort::newest_first().compare(a, b));
        let ids: Vec<_> = ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["3", "9", "10"]);
    }
}
