//! The Netim SOAP API 2.0 adapter for regops: a SOAP 1.1 rpc/encoded codec, sessions,
//! operations and SSL certificates.
//!
//! [`NetimClient`] opens a session on first use and reuses it, renews it when the server says it
//! expired (fault `E02`), and sends each function as PHP's `SoapClient` would in non-WSDL mode
//! (namespace `urn:DRS`, `SOAPAction`, `xsi:type` on every value). [`NetimBackend`] implements the
//! core [`Backend`] and [`CertificateBackend`] traits on top of it.
//!
//! ```no_run
//! # async fn demo() -> regops_core::Result<()> {
//! use regops_core::{Backend, OperationId, Secret};
//! use regops_soap::{NetimBackend, NetimClient};
//!
//! let client = NetimClient::builder("AB1234", Secret::new("password"))
//!     .endpoint("http://oteapi.netim.com/2.0/")
//!     .build()?;
//! let backend = NetimBackend::new(client);
//! let op = backend.operation(&OperationId::new("1002")).await?;
//! println!("{} {} {:?}", op.id, op.status, op.message);
//! backend.client().close().await?;
//! # Ok(()) }
//! ```
//!
//! # Why the codec is written on quick-xml rather than yaserde
//!
//! SOAP rpc/encoded describes values by attributes, not by element names: the same `<return>`
//! may be a string, a `SOAP-ENC:Array` of `<item>`s, a PHP map of `item/key/value`, a struct,
//! `xsi:nil`, or a reference (`href`) to an element elsewhere in the body; PHP's `SoapServer`
//! writes types it chooses at run time. yaserde maps element names to struct fields and has no
//! place for `xsi:type`-driven decoding, arrays of typed items, maps or references, so it does
//! not fit. [`encoding`] therefore reads answers into a bounded element tree (quick-xml, through
//! `regops_http::xml`: no DOCTYPE, no entities, a depth limit) and from it into [`SoapValue`]s by
//! type or by shape, and writes requests with quick-xml's writer; the generated structures of
//! [`generated`] are then filled from those values with serde. The whole mapping to the core
//! model is in [`convert`].
//!
//! [`Backend`]: regops_core::Backend
//! [`CertificateBackend`]: regops_core::CertificateBackend
//! [`SoapValue`]: encoding::SoapValue

pub mod backend;
pub mod client;
pub mod convert;
pub mod encoding;
pub mod generated;
pub mod wire;

pub use backend::NetimBackend;
pub use client::{NetimClient, NetimClientBuilder};

/// The provider's name in the core model.
pub const PROVIDER: &str = "netim";
