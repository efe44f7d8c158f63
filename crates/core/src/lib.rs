//! Protocol-neutral models for tracking registrar operations.
//!
//! `regops-core` holds what every registrar adapter shares: the [`Operation`] and
//! [`Certificate`] models, one [`OperationStatus`] enum, the [`ErrorClass`] taxonomy, the opaque
//! call [`Error`], [`OperationFilter`]s with their client-side application, lazy
//! [`PageStream`]s, and the [`Backend`], [`CertificateBackend`] and [`DomainCancelBackend`]
//! traits. It knows no wire protocol and no provider: the adapter crates (`regops-xmlrpc`,
//! `regops-soap`, `regops-route53`, `regops-rest`) convert their provider's answers into these
//! models.
//!
//! ```no_run
//! # async fn demo(backend: Box<dyn regops_core::Backend>) -> regops_core::Result<()> {
//! use regops_core::{collect_operations, OperationFilter, OperationStatus, Sort};
//!
//! let filter = OperationFilter::new()
//!     .status(OperationStatus::Pending)
//!     .sort(Sort::newest_first());
//! for op in collect_operations(&*backend, &filter, Some(20)).await? {
//!     println!("{} {} {:?}", op.id, op.status, op.target);
//! }
//! # Ok(()) }
//! ```
//!
//! Invariants kept here:
//! - No XML, no HTTP, no provider names in the logic.
//! - Unknown values from a server are kept verbatim ([`OperationStatus::Unknown`], `raw_*`
//!   fields, [`Operation::extra`]), never an error.
//! - Secrets ([`Secret`]) never appear in `Debug`, `Display`, errors or logs.
//! - Calls that change something are never resent once they may have reached the server
//!   ([`retry`]).

pub mod backend;
pub mod capabilities;
pub mod certificate;
pub mod domain;
pub mod error;
pub mod filter;
pub mod gate;
mod generated;
pub mod id;
pub mod journal;
pub mod operation;
pub mod page;
pub mod parse;
pub mod rate;
pub mod refresh;
pub mod retry;
pub mod secret;
pub mod serde_support;
pub mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;
pub mod tracker;
pub mod value;
pub mod vocabulary;
pub mod wait;

pub use backend::{
    Backend, CancelKind, CancelRequest, CertificateBackend, DomainCancelBackend, Execution,
    HostedCertificateBackend, Notification, NotificationQueue, RelaunchParams, answering,
    answering_certificate, collect_operations, count_listing, unsupported,
};
pub use capabilities::{Capabilities, FilterSupport, Pagination};
pub use certificate::{
    Certificate, CertificateCall, CertificateFilter, CertificateOption, CertificateOrder,
    CertificatePackage, CertificatePreference, CertificateReissue, CertificateRenewal,
    CertificateRevocation, CertificateStatus, CertificateSubject, DcvInstructions, DcvMethod,
    DnsRecord, HostedCertificate, ProviderParams,
};
pub use domain::{
    AccountTransfer, Contact, Contacts, DomainBackend, Reachability, ReachabilityMail,
    Registration, Transfer,
};
pub use error::{Error, ErrorKind, Result};
pub use filter::{OperationFilter, Sort, SortField, SortOrder, TargetMatch};
pub use gate::Gate;
pub use id::{CertificateId, OperationId};
pub use journal::{
    Attempt, Cursor, Delivery, DeliveryState, Event, EventBounds, EventKind, Journal, JournalEntry,
    JournalRecord, Lease, MemoryJournal, OperationQuery, Subscription,
};
pub use operation::{Operation, OperationError};
pub use page::{Page, PageStream, PageToken};
pub use rate::RateLimiter;
pub use retry::{Idempotency, RetryPolicy};
pub use secret::{Redactor, Secret};
pub use status::{ErrorClass, OperationStatus};
pub use time::ServerTimeZone;
pub use tracker::{Tracker, TrackerEvent, TrackerHandle, TrackerOptions};
pub use value::{Extra, Value};
pub use vocabulary::Vocabulary;
pub use wait::{WaitEvent, WaitOptions, wait};
