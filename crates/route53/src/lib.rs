//! The Amazon Route 53 Domains adapter for regops: an AWS JSON 1.1 client signed with SigV4.
//!
//! [`Route53Client`] sends each call as `POST /` with `X-Amz-Target:
//! Route53Domains_v20140515.<Operation>` and content type `application/x-amz-json-1.1`, signed
//! with SigV4 by the `aws-sigv4` crate (service `route53domains`, region `us-east-1` unless told
//! otherwise), with [`Credentials`] from the standard AWS environment variables (session token
//! included) or given by hand. [`Route53Backend`] implements the core [`Backend`] and
//! [`DomainCancelBackend`] traits on top of it.
//!
//! ```no_run
//! # async fn demo() -> regops_core::Result<()> {
//! use regops_core::{Backend, OperationId};
//! use regops_route53::{Credentials, Route53Backend, Route53Client};
//!
//! let client = Route53Client::builder(Credentials::from_env()?).build()?;
//! let backend = Route53Backend::new(client);
//! let op = backend.operation(&OperationId::new("43884ce5-e30a-4801-858f-7aa86356c127")).await?;
//! println!("{} {}", op.status, op.raw_status);
//! # Ok(()) }
//! ```
//!
//! Decoding is tolerant: every member is optional, `null` is absent, timestamps may carry a
//! fraction or come as strings, and words this version does not know (a `Status`, a `Type`, a
//! `StatusFlag`) are kept as `Unknown`, never an error. The whole mapping to the core model is in
//! [`convert`]; the wire tables are generated from `api/route53.toml` ([`generated`]).
//!
//! # Logs
//!
//! The `aws-sigv4` crate logs every canonical request and string to sign at `trace` level, and a
//! canonical request holds the signed headers, `x-amz-security-token` among them with temporary
//! credentials (newer versions of the crate redact it). The `regops` command line turns that
//! target off whatever `RUST_LOG` says (`aws_sigv4=off`); an application logging at trace level
//! should do the same.
//!
//! [`Backend`]: regops_core::Backend
//! [`DomainCancelBackend`]: regops_core::DomainCancelBackend

pub mod backend;
pub mod client;
pub mod convert;
pub mod generated;
pub mod sign;
pub mod wire;

pub use backend::Route53Backend;
pub use client::{
    Route53Client, Route53ClientBuilder, Started, decode_list_operations, decode_operation_detail,
};
pub use sign::Credentials;

/// The provider's name in the core model.
pub const PROVIDER: &str = "route53";
