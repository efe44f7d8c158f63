//! What a backend can do, and which parts of a filter its server applies.

use crate::filter::SortField;

/// Which parts of an [`OperationFilter`](crate::OperationFilter) a server applies itself. The
/// rest is applied on the client (and the client re-checks everything anyway).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilterSupport {
    /// The status set.
    pub status: bool,
    /// The operation type set.
    pub kind: bool,
    /// `submitted_since`.
    pub submitted_since: bool,
    /// `submitted_until`.
    pub submitted_until: bool,
    /// `updated_since`.
    pub updated_since: bool,
    /// `updated_until`.
    pub updated_until: bool,
    /// An exact target.
    pub target_exact: bool,
    /// A target prefix.
    pub target_prefix: bool,
    /// The id set.
    pub ids: bool,
    /// The fields the server can sort on.
    pub sort_fields: Vec<SortField>,
}

impl FilterSupport {
    /// A server that filters nothing; the `with_*` methods add what it does filter.
    pub fn none() -> Self {
        Self::default()
    }

    /// The server filters by status.
    pub fn with_status(mut self) -> Self {
        self.status = true;
        self
    }

    /// The server filters by operation type.
    pub fn with_kind(mut self) -> Self {
        self.kind = true;
        self
    }

    /// The server filters by submission time: `since`, and `until` when `until` is true.
    pub fn with_submitted(mut self, until: bool) -> Self {
        self.submitted_since = true;
        self.submitted_until = until;
        self
    }

    /// The server filters by target: exactly, and by prefix when `prefix` is true.
    pub fn with_target(mut self, prefix: bool) -> Self {
        self.target_exact = true;
        self.target_prefix = prefix;
        self
    }

    /// The server sorts by `field` (both orders): a listing with a limit stops reading pages
    /// once it has that many ([`collect_operations`](crate::collect_operations)).
    pub fn with_sort(mut self, field: SortField) -> Self {
        if !self.sort_fields.contains(&field) {
            self.sort_fields.push(field);
        }
        self
    }

    /// The server filters by a set of ids.
    pub fn with_ids(mut self) -> Self {
        self.ids = true;
        self
    }

    /// A server that filters and sorts on everything.
    pub fn all() -> Self {
        FilterSupport {
            status: true,
            kind: true,
            submitted_since: true,
            submitted_until: true,
            updated_since: true,
            updated_until: true,
            target_exact: true,
            target_prefix: true,
            ids: true,
            sort_fields: vec![
                SortField::SubmittedAt,
                SortField::UpdatedAt,
                SortField::Id,
                SortField::Status,
                SortField::Kind,
                SortField::Target,
            ],
        }
    }
}

/// How a provider pages its listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Pagination {
    /// One answer holds everything.
    #[default]
    None,
    /// Numbered pages.
    PageNumber,
    /// An opaque marker from the previous page.
    Marker,
}

/// What a backend can do.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Whether operations can be listed at all.
    pub list: bool,
    /// The filter parts applied by the server.
    pub server_filter: FilterSupport,
    /// How listings are paged.
    pub pagination: Pagination,
    /// The largest page the server returns.
    pub max_page_size: Option<u32>,
    /// Whether the server counts matching operations in one call.
    pub server_count: bool,
    /// Whether [`refresh`](crate::Backend::refresh) reads many operations per call.
    pub batch_refresh: bool,
    /// How many operations one batched refresh call can read.
    pub max_batch: Option<usize>,
    /// Whether operations can be cancelled.
    pub cancel: bool,
    /// Whether operations can be relaunched.
    pub relaunch: bool,
    /// The provider's documented request rate limit, in requests per second.
    pub rate_limit_per_second: Option<f64>,
}

/// A backend's capabilities are built from nothing up, one thing it can do at a time:
///
/// ```
/// use regops_core::{Capabilities, FilterSupport, Pagination};
/// let c = Capabilities::none()
///     .listing(FilterSupport::none().with_ids(), Pagination::PageNumber, Some(100))
///     .batch_refresh(100)
///     .cancel();
/// assert!(c.list && c.batch_refresh && c.cancel && !c.relaunch);
/// assert_eq!(c.max_batch, Some(100));
/// ```
impl Capabilities {
    /// A backend that can do nothing but read one operation.
    pub fn none() -> Self {
        Self::default()
    }

    /// It lists operations, its server applying `filter`, paged by `pagination` in pages of at
    /// most `max_page_size`.
    pub fn listing(
        mut self,
        filter: FilterSupport,
        pagination: Pagination,
        max_page_size: Option<u32>,
    ) -> Self {
        self.list = true;
        self.server_filter = filter;
        self.pagination = pagination;
        self.max_page_size = max_page_size;
        self
    }

    /// Its server counts matching operations in one call.
    pub fn server_count(mut self) -> Self {
        self.server_count = true;
        self
    }

    /// One refresh call reads up to `max_batch` operations.
    pub fn batch_refresh(mut self, max_batch: usize) -> Self {
        self.batch_refresh = true;
        self.max_batch = Some(max_batch);
        self
    }

    /// It cancels operations.
    pub fn cancel(mut self) -> Self {
        self.cancel = true;
        self
    }

    /// It relaunches operations.
    pub fn relaunch(mut self) -> Self {
        self.relaunch = true;
        self
    }

    /// The provider documents a rate of `per_second` requests.
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit_per_second = Some(per_second);
        self
    }
}
