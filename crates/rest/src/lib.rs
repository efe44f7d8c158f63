//! The InterNetX AutoDNS adapter for regops: domain cancelations and the jobs that carry them
//! out, over the JSON API or the XML gateway.
//!
//! [`AutoDnsClient`] speaks the JSON API (`https://api.autodns.com/v1`: HTTP basic auth, the
//! `X-Domainrobot-Context` header, the `{stid, messages, status, object, data}` envelope) or, when
//! the endpoint ends in `/gateway`, the XML gateway (tasks 0103101 to 0103104 with an `<auth>`
//! block). [`AutoDnsBackend`] implements the core [`Backend`] and [`DomainCancelBackend`]
//! traits on top of it.
//!
//! ```no_run
//! # async fn demo() -> regops_core::Result<()> {
//! use regops_core::{CancelKind, CancelRequest, DomainCancelBackend, Execution, Secret};
//! use regops_rest::{AutoDnsBackend, AutoDnsClient};
//!
//! let client = AutoDnsClient::builder("me", Secret::new("password"))
//!     .endpoint("https://api.demo.autodns.com/v1")
//!     .build()?;
//! let backend = AutoDnsBackend::new(client);
//! let op = backend
//!     .cancel_domain("example.com", &CancelRequest::new(CancelKind::Delete, Execution::Expire))
//!     .await?;
//! println!("{} {} scheduled for {:?}", op.id, op.status, op.scheduled_at);
//! # Ok(()) }
//! ```
//!
//! JSON answers are decoded with serde into the generated structs ([`generated`], from
//! `api/autodns.toml`); gateway answers are read with quick-xml into a small element tree
//! ([`gateway`]), because the gateway's documents are loosely typed text. The whole mapping to
//! the core model is in [`convert`].
//!
//! [`Backend`]: regops_core::Backend
//! [`DomainCancelBackend`]: regops_core::DomainCancelBackend

pub mod backend;
pub mod client;
pub mod convert;
pub mod gateway;
pub mod generated;
pub mod wire;

pub use backend::AutoDnsBackend;
pub use client::{AutoDnsClient, AutoDnsClientBuilder, Protocol, decode_envelope};

/// The provider's name in the core model.
pub const PROVIDER: &str = "autodns";
