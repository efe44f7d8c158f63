//! Hosted certificates: certificates the buyer brings (a certificate and its key) for the
//! provider's own proxies to serve.

use crate::id::CertificateId;
use crate::value::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A certificate hosted at the provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostedCertificate {
    /// The provider's name.
    pub provider: String,
    /// Its identifier.
    pub id: CertificateId,
    /// The certificate's subject, as the provider words it.
    pub subject: Option<String>,
    /// Its state, as the provider words it (`created`, `deleted`, `expired`, `revoked`).
    pub state: Option<String>,
    /// The names it covers.
    pub fqdns: Vec<String>,
    /// What serves it at the provider (virtual hosts), as given.
    pub related_vhosts: Vec<String>,
    /// When it was added.
    pub created_at: Option<DateTime<Utc>>,
    /// When it expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The provider's other fields.
    pub extra: Extra,
}

impl HostedCertificate {
    /// A hosted certificate with its identity; every other field empty.
    pub fn new(provider: impl Into<String>, id: impl Into<CertificateId>) -> Self {
        HostedCertificate {
            provider: provider.into(),
            id: id.into(),
            subject: None,
            state: None,
            fqdns: Vec::new(),
            related_vhosts: Vec::new(),
            created_at: None,
            expires_at: None,
            extra: Extra::new(),
        }
    }
}
