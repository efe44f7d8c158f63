//! Domain control validation: what to publish so that a certificate can be issued, and the
//! preferences a provider keeps about a certificate.

use super::DcvMethod;
use crate::value::Extra;
use serde::{Deserialize, Serialize};

/// A DNS record to publish for a validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DnsRecord {
    /// The record's name, as the provider gives it.
    pub name: String,
    /// The record's type (`CNAME`, `TXT`).
    pub kind: String,
    /// The record's value.
    pub value: String,
}

impl DnsRecord {
    /// A record.
    pub fn new(name: impl Into<String>, kind: impl Into<String>, value: impl Into<String>) -> Self {
        DnsRecord {
            name: name.into(),
            kind: kind.into(),
            value: value.into(),
        }
    }
}

/// What to publish so that a certificate's domain control is validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DcvInstructions {
    /// The provider's name.
    pub provider: String,
    /// The method these instructions are for.
    pub method: Option<DcvMethod>,
    /// The names being validated.
    pub fqdns: Vec<String>,
    /// DNS records to publish (DNS validation).
    pub dns_records: Vec<DnsRecord>,
    /// Where to serve the validation file (file and https validation).
    pub urls: Vec<String>,
    /// What the validation file holds, or the token to publish.
    pub content: Option<String>,
    /// The provider's explanations, as given.
    pub messages: Vec<String>,
    /// The provider's other fields (hashes, the CSR's digests, ...).
    pub extra: Extra,
}

impl DcvInstructions {
    /// Instructions with nothing to publish yet.
    pub fn new(provider: impl Into<String>, method: Option<DcvMethod>) -> Self {
        DcvInstructions {
            provider: provider.into(),
            method,
            fqdns: Vec::new(),
            dns_records: Vec::new(),
            urls: Vec::new(),
            content: None,
            messages: Vec::new(),
            extra: Extra::new(),
        }
    }
}

/// A preference a provider keeps about a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificatePreference {
    /// Renew it automatically before it expires.
    AutoRenew,
    /// Mark it as to be renewed.
    ToBeRenewed,
}

impl CertificatePreference {
    /// `auto_renew`, `to_be_renewed`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificatePreference::AutoRenew => "auto_renew",
            CertificatePreference::ToBeRenewed => "to_be_renewed",
        }
    }
}
