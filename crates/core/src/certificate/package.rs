//! A certificate package (a product a provider sells).

use crate::value::Extra;
use serde::{Deserialize, Serialize};

/// A certificate package as a provider lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CertificatePackage {
    /// The provider's name.
    pub provider: String,
    /// The package's code, as an order names it (`cert_std_1_0_0`).
    pub name: String,
    /// The package's category (`standard`, `pro`, `business`), as the provider words it.
    pub category: Option<String>,
    /// The fewest names a certificate of this package covers.
    pub min_domains: Option<i64>,
    /// The most names a certificate of this package covers.
    pub max_domains: Option<i64>,
    /// Whether it covers a wildcard name.
    pub wildcard: Option<bool>,
    /// The warranty, in the provider's currency units.
    pub warranty: Option<i64>,
    /// The provider's other fields.
    pub extra: Extra,
}

impl CertificatePackage {
    /// A package with its name; every other field empty.
    pub fn new(provider: impl Into<String>, name: impl Into<String>) -> Self {
        CertificatePackage {
            provider: provider.into(),
            name: name.into(),
            category: None,
            min_domains: None,
            max_domains: None,
            wildcard: None,
            warranty: None,
            extra: Extra::new(),
        }
    }
}
