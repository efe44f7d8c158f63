//! SSL certificates: the model, the listing filter and the requests that start certificate
//! operations.

use crate::filter::TargetMatch;
pub use crate::generated::{CertificateStatus, DcvMethod};
use crate::id::CertificateId;
use crate::value::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod hosted;
mod package;
mod validation;

pub use hosted::HostedCertificate;
pub use package::CertificatePackage;
pub use validation::{CertificatePreference, DcvInstructions, DnsRecord};

/// A provider's own parameters of a certificate call, by the names its reference gives them
/// (Gandi's `handle`, `software`, ...): checked by the adapter against that reference, never
/// passed on unchecked.
pub type ProviderParams = BTreeMap<String, String>;

/// What a certificate's subject says beside its CSR, for providers that take it as separate
/// members (Netim's `StructCSR`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateSubject {
    /// The two-letter country code.
    pub country: Option<String>,
    /// The city or locality.
    pub city: Option<String>,
    /// The region, state or province.
    pub region: Option<String>,
    /// The organization.
    pub organization: Option<String>,
    /// The department (organizational unit).
    pub department: Option<String>,
    /// The contact address.
    pub email: Option<String>,
}

impl CertificateSubject {
    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A certificate, in one model for every provider that sells them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Certificate {
    /// The provider's name.
    pub provider: String,
    /// The certificate's identifier.
    pub id: CertificateId,
    /// The common name.
    pub cn: Option<String>,
    /// The subject alternative names.
    pub alt_names: Vec<String>,
    /// The provider's package or product code.
    pub package: Option<String>,
    /// The normalized status.
    pub status: CertificateStatus,
    /// The provider's status word as received.
    pub raw_status: Option<String>,
    /// How domain control is validated.
    pub dcv_method: Option<DcvMethod>,
    /// When it was ordered.
    pub created_at: Option<DateTime<Utc>>,
    /// When it becomes valid.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The provider's other fields.
    pub extra: Extra,
}

impl Certificate {
    /// A certificate with its identity and status; every other field empty.
    pub fn new(
        provider: impl Into<String>,
        id: impl Into<CertificateId>,
        status: CertificateStatus,
    ) -> Certificate {
        Certificate {
            provider: provider.into(),
            id: id.into(),
            cn: None,
            alt_names: Vec::new(),
            package: None,
            status,
            raw_status: None,
            dcv_method: None,
            created_at: None,
            starts_at: None,
            expires_at: None,
            extra: Extra::new(),
        }
    }
}

/// Which certificates to list.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct CertificateFilter {
    /// Only these statuses (any when empty).
    pub statuses: Vec<CertificateStatus>,
    /// Only this common name (exact or prefix).
    pub cn: Option<TargetMatch>,
    /// Only this package.
    pub package: Option<String>,
    /// Only certificates expiring at or after this time.
    pub expires_since: Option<DateTime<Utc>>,
    /// Only certificates expiring before this time.
    pub expires_until: Option<DateTime<Utc>>,
    /// Items per page requested from the server.
    pub page_size: Option<u32>,
}

impl CertificateFilter {
    /// Every certificate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a status to the accepted set.
    pub fn status(mut self, status: CertificateStatus) -> Self {
        self.statuses.push(status);
        self
    }

    /// Restricts to a common name.
    pub fn cn(mut self, cn: TargetMatch) -> Self {
        self.cn = Some(cn);
        self
    }

    /// Whether a certificate passes every part of the filter.
    pub fn matches(&self, cert: &Certificate) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&cert.status))
            && self
                .cn
                .as_ref()
                .is_none_or(|m| cert.cn.as_deref().is_some_and(|cn| m.matches(cn)))
            && self
                .package
                .as_ref()
                .is_none_or(|p| cert.package.as_deref() == Some(p.as_str()))
            && self
                .expires_since
                .is_none_or(|t| cert.expires_at.is_some_and(|e| e >= t))
            && self
                .expires_until
                .is_none_or(|t| cert.expires_at.is_some_and(|e| e < t))
    }
}

/// A request for a new certificate.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CertificateOrder {
    /// The provider's package or product code.
    pub package: String,
    /// The common name (when no CSR is given).
    pub cn: Option<String>,
    /// The certificate signing request, PEM.
    pub csr: Option<String>,
    /// Subject alternative names, when the package allows them.
    pub alt_names: Vec<String>,
    /// How domain control is to be validated.
    pub dcv_method: Option<DcvMethod>,
    /// Validity in years.
    pub duration_years: u32,
    /// The addresses that validate by e-mail, for providers that let the buyer choose them.
    pub dcv_emails: Vec<String>,
    /// The subject's members, for providers that take them beside the CSR.
    pub subject: CertificateSubject,
    /// The provider's own parameters (see [`ProviderParams`]).
    pub params: ProviderParams,
}

impl CertificateOrder {
    /// An order for `package` covering `cn`, one year, provider defaults otherwise.
    pub fn new(package: impl Into<String>, cn: impl Into<String>) -> Self {
        CertificateOrder {
            package: package.into(),
            cn: Some(cn.into()),
            csr: None,
            alt_names: Vec::new(),
            dcv_method: None,
            duration_years: 1,
            dcv_emails: Vec::new(),
            subject: CertificateSubject::default(),
            params: ProviderParams::new(),
        }
    }

    /// Sets the addresses that validate by e-mail.
    pub fn dcv_emails(mut self, addresses: Vec<String>) -> Self {
        self.dcv_emails = addresses;
        self
    }

    /// Sets the subject's members.
    pub fn subject(mut self, subject: CertificateSubject) -> Self {
        self.subject = subject;
        self
    }

    /// Sets the provider's own parameters.
    pub fn params(mut self, params: ProviderParams) -> Self {
        self.params = params;
        self
    }

    /// Sets the CSR.
    pub fn csr(mut self, csr: impl Into<String>) -> Self {
        self.csr = Some(csr.into());
        self
    }

    /// Sets the alternative names.
    pub fn alt_names(mut self, names: Vec<String>) -> Self {
        self.alt_names = names;
        self
    }

    /// Sets the DCV method.
    pub fn dcv_method(mut self, method: DcvMethod) -> Self {
        self.dcv_method = Some(method);
        self
    }

    /// Sets the duration in years.
    pub fn duration_years(mut self, years: u32) -> Self {
        self.duration_years = years;
        self
    }
}

/// A request to renew a certificate.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CertificateRenewal {
    /// A new CSR, PEM (some providers require one).
    pub csr: Option<String>,
    /// How domain control is to be validated.
    pub dcv_method: Option<DcvMethod>,
    /// Added validity in years.
    pub duration_years: u32,
    /// The provider's own parameters (see [`ProviderParams`]).
    pub params: ProviderParams,
}

impl CertificateRenewal {
    /// A renewal for `years` years.
    pub fn new(years: u32) -> Self {
        CertificateRenewal {
            csr: None,
            dcv_method: None,
            duration_years: years,
            params: ProviderParams::new(),
        }
    }

    /// Sets the provider's own parameters.
    pub fn params(mut self, params: ProviderParams) -> Self {
        self.params = params;
        self
    }

    /// Sets the CSR.
    pub fn csr(mut self, csr: impl Into<String>) -> Self {
        self.csr = Some(csr.into());
        self
    }

    /// Sets the DCV method.
    pub fn dcv_method(mut self, method: DcvMethod) -> Self {
        self.dcv_method = Some(method);
        self
    }
}

/// A request to reissue a certificate with a new CSR or names.
#[derive(Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
pub struct CertificateReissue {
    /// The new CSR, PEM.
    pub csr: Option<String>,
    /// The new alternative names.
    pub alt_names: Vec<String>,
    /// How domain control is to be validated.
    pub dcv_method: Option<DcvMethod>,
    /// The addresses that validate by e-mail, for providers that let the buyer choose them.
    pub dcv_emails: Vec<String>,
    /// The subject's members, for providers that take them beside the CSR.
    pub subject: CertificateSubject,
    /// The provider's own parameters (see [`ProviderParams`]).
    pub params: ProviderParams,
}

impl CertificateReissue {
    /// A reissue with a new CSR.
    pub fn new(csr: impl Into<String>) -> Self {
        CertificateReissue {
            csr: Some(csr.into()),
            ..Self::default()
        }
    }

    /// Sets the addresses that validate by e-mail.
    pub fn dcv_emails(mut self, addresses: Vec<String>) -> Self {
        self.dcv_emails = addresses;
        self
    }

    /// Sets the subject's members.
    pub fn subject(mut self, subject: CertificateSubject) -> Self {
        self.subject = subject;
        self
    }

    /// Sets the provider's own parameters.
    pub fn params(mut self, params: ProviderParams) -> Self {
        self.params = params;
        self
    }

    /// Sets the DCV method.
    pub fn dcv_method(mut self, method: DcvMethod) -> Self {
        self.dcv_method = Some(method);
        self
    }

    /// Sets the alternative names.
    pub fn alt_names(mut self, names: Vec<String>) -> Self {
        self.alt_names = names;
        self
    }
}

/// A request to revoke (delete) a certificate.
#[derive(Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
pub struct CertificateRevocation {
    /// Why.
    pub reason: Option<String>,
    /// The provider's own parameters (see [`ProviderParams`]).
    pub params: ProviderParams,
}

impl CertificateRevocation {
    /// A revocation with no reason given.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the provider's own parameters.
    pub fn params(mut self, params: ProviderParams) -> Self {
        self.params = params;
        self
    }

    /// The options this revocation carries.
    pub fn options(&self) -> Vec<CertificateOption> {
        let mut out = Vec::new();
        if self.reason.is_some() {
            out.push(CertificateOption::Reason);
        }
        if !self.params.is_empty() {
            out.push(CertificateOption::Params);
        }
        out
    }
}

/// A certificate call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateCall {
    /// Ordering a certificate.
    Order,
    /// Renewing one.
    Renew,
    /// Reissuing one with a new CSR.
    Reissue,
    /// Revoking (deleting) one.
    Revoke,
}

impl CertificateCall {
    /// `order`, `renew`, `reissue`, `revoke`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateCall::Order => "order",
            CertificateCall::Renew => "renew",
            CertificateCall::Reissue => "reissue",
            CertificateCall::Revoke => "revoke",
        }
    }
}

/// An option a certificate call may carry beyond its required parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateOption {
    /// A certificate signing request.
    Csr,
    /// Alternative names.
    AltNames,
    /// The domain control validation method.
    DcvMethod,
    /// Why a certificate is revoked.
    Reason,
    /// The addresses that validate by e-mail.
    DcvEmails,
    /// The subject's members beside the CSR.
    Subject,
    /// The provider's own parameters.
    Params,
}

impl CertificateOption {
    /// `csr`, `alt_names`, `dcv_method`, `reason`, `dcv_emails`, `subject`, `params`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateOption::Csr => "csr",
            CertificateOption::AltNames => "alt_names",
            CertificateOption::DcvMethod => "dcv_method",
            CertificateOption::Reason => "reason",
            CertificateOption::DcvEmails => "dcv_emails",
            CertificateOption::Subject => "subject",
            CertificateOption::Params => "params",
        }
    }
}

impl CertificateOrder {
    /// The options this order carries.
    pub fn options(&self) -> Vec<CertificateOption> {
        let mut out = Vec::new();
        if self.csr.is_some() {
            out.push(CertificateOption::Csr);
        }
        if !self.alt_names.is_empty() {
            out.push(CertificateOption::AltNames);
        }
        if self.dcv_method.is_some() {
            out.push(CertificateOption::DcvMethod);
        }
        push_common(&mut out, &self.dcv_emails, &self.subject, &self.params);
        out
    }
}

/// The options every request that may carry them shares.
fn push_common(
    out: &mut Vec<CertificateOption>,
    dcv_emails: &[String],
    subject: &CertificateSubject,
    params: &ProviderParams,
) {
    if !dcv_emails.is_empty() {
        out.push(CertificateOption::DcvEmails);
    }
    if !subject.is_empty() {
        out.push(CertificateOption::Subject);
    }
    if !params.is_empty() {
        out.push(CertificateOption::Params);
    }
}

impl CertificateRenewal {
    /// The options this renewal carries.
    pub fn options(&self) -> Vec<CertificateOption> {
        let mut out = Vec::new();
        if self.csr.is_some() {
            out.push(CertificateOption::Csr);
        }
        if self.dcv_method.is_some() {
            out.push(CertificateOption::DcvMethod);
        }
        if !self.params.is_empty() {
            out.push(CertificateOption::Params);
        }
        out
    }
}

impl CertificateReissue {
    /// The options this reissue carries (its CSR is required, not an option).
    pub fn options(&self) -> Vec<CertificateOption> {
        let mut out = Vec::new();
        if !self.alt_names.is_empty() {
            out.push(CertificateOption::AltNames);
        }
        if self.dcv_method.is_some() {
            out.push(CertificateOption::DcvMethod);
        }
        push_common(&mut out, &self.dcv_emails, &self.subject, &self.params);
        out
    }
}

/// Refuses, before anything is sent, a call that carries an option `honours` says the
/// provider's call cannot take: an `Unsupported` error naming the option and the provider.
pub fn refuse_unhonoured(
    provider: &str,
    call: CertificateCall,
    options: &[CertificateOption],
    honours: impl Fn(CertificateCall, CertificateOption) -> bool,
) -> crate::Result<()> {
    match options.iter().find(|o| !honours(call, **o)) {
        Some(option) => Err(crate::Error::unsupported(format!(
            "{provider} cannot honour `{}` on a certificate {}; nothing was sent",
            option.as_str(),
            call.as_str()
        ))
        .with_provider(provider.to_owned())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod honesty_tests {
    use super::*;

    #[test]
    fn options_are_what_the_request_carries_and_unhonoured_ones_are_refused() {
        let renewal = CertificateRenewal::new(1)
            .csr("PEM")
            .dcv_method(DcvMethod::Dns);
        assert_eq!(
            renewal.options(),
            [CertificateOption::Csr, CertificateOption::DcvMethod]
        );
        assert!(
            CertificateRenewal::new(2).options().is_empty(),
            "a duration is no option"
        );
        let order = CertificateOrder::new("p", "cn").alt_names(vec!["a.example".into()]);
        assert_eq!(order.options(), [CertificateOption::AltNames]);
        let none = |_: CertificateCall, _: CertificateOption| false;
        let e = refuse_unhonoured("netim", CertificateCall::Renew, &renewal.options(), none)
            .unwrap_err();
        assert!(e.is_unsupported(), "{e}");
        assert!(
            e.message().contains("`csr`") && e.message().contains("renew"),
            "{e}"
        );
        assert_eq!(e.provider(), Some("netim"));
        let all = |_: CertificateCall, _: CertificateOption| true;
        refuse_unhonoured("gandi", CertificateCall::Renew, &renewal.options(), all).unwrap();
        refuse_unhonoured("netim", CertificateCall::Revoke, &[], none).unwrap();
    }
}
