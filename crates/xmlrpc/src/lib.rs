//! The Gandi XML-RPC API v3 adapter for regops.
//!
//! - [`codec`], [`de`], [`ser`], [`value`], [`date`]: an XML-RPC codec of its own: a lexer over
//!   the body (quick-xml finds where tags with attributes end and knows the entities).
//!   Responses are decoded straight into typed structs with serde, without building a tree;
//!   unknown struct members are kept in each struct's `extra`.
//! - [`generated`]: every option table, return struct, enumeration and error identifier of the
//!   operation and certificate references, generated from `api/gandi.toml`.
//! - [`GandiClient`]: an async client with one typed method per API method.
//! - [`convert`]: the whole mapping from Gandi's shapes to regops-core.
//! - [`GandiBackend`]: the [`regops_core::Backend`] and [`regops_core::CertificateBackend`]
//!   implementations.
//!
//! ```no_run
//! # async fn demo() -> regops_core::Result<()> {
//! use regops_core::{Backend, OperationFilter, OperationStatus, Secret};
//! use regops_xmlrpc::{GandiBackend, GandiClient};
//!
//! let client = GandiClient::builder(Secret::new("my-api-key")).test_endpoint().build()?;
//! let backend = GandiBackend::new(client);
//! let filter = OperationFilter::new().status(OperationStatus::InProgress);
//! for op in regops_core::collect_operations(&backend, &filter, Some(50)).await? {
//!     println!("{} {} {:?}", op.id, op.status, op.target);
//! }
//! # Ok(()) }
//! ```

#[cfg(any(test, feature = "testing"))]
pub mod arbitrary;
pub mod backend;
mod certificates;
pub mod client;
pub mod codec;
pub mod convert;
pub mod date;
pub mod de;
mod error;
pub mod generated;
mod lex;
pub mod ser;
pub mod value;

pub use backend::GandiBackend;
pub use client::{GandiClient, GandiClientBuilder};
pub use codec::{
    Fault, MethodCall, decode_call, decode_response, encode_call, encode_fault, encode_response,
};
pub use date::DateTime;
pub use de::{DecodeError, Limits};
pub use ser::{EncodeError, to_value};
pub use value::{ErrorType, OneOrMany, Value, from_value};

/// The provider name used in operations and errors.
pub const PROVIDER: &str = "gandi";
