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
    /// A server that filters nothing.
    pub fn none() -> Self {
        Self::default()
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
