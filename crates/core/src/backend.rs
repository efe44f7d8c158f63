//! The traits every adapter implements.

use crate::capabilities::Capabilities;
use crate::certificate::{
    Certificate, CertificateFilter, CertificateOrder, CertificatePackage, CertificatePreference,
    CertificateReissue, CertificateRenewal, CertificateRevocation, DcvInstructions, DcvMethod,
    HostedCertificate,
};
use crate::error::{Error, Result};
use crate::filter::OperationFilter;
use crate::id::{CertificateId, OperationId};
use crate::operation::Operation;
use crate::page::{Page, PageStream, PageToken, items, paginate};
use crate::secret::Secret;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use std::collections::BTreeMap;

/// Parameters of a relaunch, by the provider's names (`authinfo`, `x-it_pin`, ...).
pub type RelaunchParams = BTreeMap<String, String>;

/// Operations at one account of one provider.
///
/// An adapter implements [`operation`](Self::operation) and whatever else its API has; the
/// provided methods give every backend the same listing, counting and refreshing semantics.
/// Calls that change something ([`cancel`](Self::cancel), [`relaunch`](Self::relaunch)) are never
/// resent after they may have reached the server.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The provider's name (`gandi`, `netim`, `route53`, `autodns`).
    fn provider(&self) -> &str;

    /// What this backend can do.
    fn capabilities(&self) -> Capabilities;

    /// The provider's operation types and status words (none known by default).
    fn vocabulary(&self) -> crate::Vocabulary {
        crate::Vocabulary::new(self.provider(), Vec::new(), false, Vec::new())
    }

    /// Reads one operation.
    async fn operation(&self, id: &OperationId) -> Result<Operation>;

    /// Fetches one page of operations, applying on the server what it can of `filter`. May
    /// return operations that do not match: [`operations`](Self::operations) checks them.
    async fn operations_page(
        &self,
        filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        let _ = (filter, page);
        Err(unsupported(self.provider(), "listing operations"))
    }

    /// The operations matching `filter`, as a lazy stream of pages. Every item is checked
    /// against the whole filter, so the parts the server cannot apply are applied here.
    fn operations<'a>(&'a self, filter: &'a OperationFilter) -> PageStream<'a, Operation> {
        paginate(move |token| self.operations_page(filter, token))
            .map_ok(move |mut page| {
                page.items.retain(|op| filter.matches(op));
                page
            })
            .boxed()
    }

    /// How many operations match `filter`. The default counts the listing.
    async fn count(&self, filter: &OperationFilter) -> Result<u64> {
        count_listing(self, filter).await
    }

    /// Reads many operations. The answer has one entry per id, in the same order: the
    /// operation, or the error for that id (`NotFound` when the provider does not know it). An
    /// outer error means the whole refresh failed.
    ///
    /// The default reads them one by one; adapters whose API can read many at once replace it
    /// (see [`Capabilities::batch_refresh`]).
    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.operation(id).await);
        }
        Ok(out)
    }

    /// Cancels an operation. Never resent after it may have reached the server.
    async fn cancel(&self, id: &OperationId) -> Result<()> {
        let _ = id;
        Err(unsupported(self.provider(), "cancelling operations"))
    }

    /// Relaunches an operation, changing some of its parameters. Never resent after it may have
    /// reached the server.
    async fn relaunch(&self, id: &OperationId, params: &RelaunchParams) -> Result<()> {
        let _ = (id, params);
        Err(unsupported(self.provider(), "relaunching operations"))
    }

    /// The certificate calls of this backend, when its provider sells certificates.
    fn certificate_backend(&self) -> Option<&dyn CertificateBackend> {
        None
    }

    /// The domain cancelation call of this backend, when its provider has one.
    fn domain_cancel_backend(&self) -> Option<&dyn DomainCancelBackend> {
        None
    }

    /// The domain operations of this backend (registrations, name servers, remedies), when its
    /// provider has them.
    fn domain_backend(&self) -> Option<&dyn crate::domain::DomainBackend> {
        None
    }

    /// The provider's queue of notifications about operations, when it has one (AutoDNS's poll
    /// queue).
    fn notification_queue(&self) -> Option<&dyn NotificationQueue> {
        None
    }
}

/// One notification of a provider's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// Its id, to acknowledge it with.
    pub id: String,
    /// The operation it is about, when it names one.
    pub operation: Option<OperationId>,
    /// The provider's text.
    pub text: Option<String>,
}

impl Notification {
    /// A notification `id` about `operation`.
    pub fn new(
        id: impl Into<String>,
        operation: Option<OperationId>,
        text: Option<String>,
    ) -> Self {
        Notification {
            id: id.into(),
            operation,
            text,
        }
    }
}

/// A provider's queue of notifications about operations: read the oldest, then acknowledge it
/// (only once what it says was recorded), which takes it off the queue.
#[async_trait]
pub trait NotificationQueue: Send + Sync {
    /// The oldest notification not acknowledged yet, if any.
    async fn next_notification(&self) -> Result<Option<Notification>>;

    /// Takes notification `id` off the queue. Acknowledging twice is harmless.
    async fn acknowledge(&self, id: &str) -> Result<()>;
}

/// Counts the operations matching `filter` by reading the checked listing: the default of
/// [`Backend::count`], and what an adapter falls back to when its server cannot count exactly
/// what is asked.
pub async fn count_listing<B: Backend + ?Sized>(
    backend: &B,
    filter: &OperationFilter,
) -> Result<u64> {
    items(backend.operations(filter))
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
}

/// The error a backend returns for something its provider does not have.
pub fn unsupported(provider: &str, what: &str) -> Error {
    Error::unsupported(format!("{provider} has no call for {what}"))
        .with_provider(provider.to_owned())
}

/// Answers `op` when it is the operation `asked` was about; a protocol error otherwise: a
/// server that answers about another operation than the one asked must not be believed (its
/// answer would be recorded under the wrong id). Ids compare without surrounding space, letter
/// case, or the leading zeros of a number.
pub fn answering(
    op: Operation,
    asked: &OperationId,
    provider: &'static str,
) -> crate::Result<Operation> {
    about("operation", op.id.as_str(), asked.as_str(), provider).map(|()| op)
}

/// [`answering`] for a certificate read by id.
pub fn answering_certificate(
    cert: Certificate,
    asked: &CertificateId,
    provider: &'static str,
) -> crate::Result<Certificate> {
    about("certificate", cert.id.as_str(), asked.as_str(), provider).map(|()| cert)
}

/// Whether an answer about the `what` of id `got` answers the question about `asked`.
fn about(what: &str, got: &str, asked: &str, provider: &'static str) -> crate::Result<()> {
    fn norm(id: &str) -> String {
        let id = id.trim();
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            let t = id.trim_start_matches('0');
            return if t.is_empty() { "0".into() } else { t.into() };
        }
        id.to_ascii_lowercase()
    }
    if norm(got) == norm(asked) {
        return Ok(());
    }
    let shown: String = got.chars().filter(|c| !c.is_control()).take(60).collect();
    Err(crate::Error::protocol(
        format!("the server answered about {what} {shown:?}, not {asked}, the one asked"),
        b"",
    )
    .with_provider(provider))
}

#[cfg(test)]
mod answering_tests {
    use super::*;
    use crate::OperationStatus::Pending;

    #[test]
    fn an_answer_about_another_operation_is_refused() {
        let op = |id: &str| Operation::new("p", id, Pending, "WAIT");
        for (got, asked) in [
            ("100", "100"),
            ("100", " 0100 "),
            ("example.com", "Example.COM"),
        ] {
            assert!(
                answering(op(got), &OperationId::new(asked), "p").is_ok(),
                "{got} {asked}"
            );
        }
        for (got, asked) in [
            ("-1", "1"),
            ("hostileMARK", "1"),
            ("op-2", "op-1"),
            ("", "7"),
        ] {
            let e = answering(op(got), &OperationId::new(asked), "p").unwrap_err();
            assert_eq!(e.kind(), &crate::ErrorKind::Protocol, "{got} {asked}");
        }
    }
}

/// Collects a listing: every page, sorted by the filter's sort when the server could not sort,
/// at most `limit` items. When the server sorts, reading stops as soon as `limit` items are in.
pub async fn collect_operations(
    backend: &dyn Backend,
    filter: &OperationFilter,
    limit: Option<usize>,
) -> Result<Vec<Operation>> {
    let server_sorts = filter.sort.is_none_or(|s| {
        backend
            .capabilities()
            .server_filter
            .sort_fields
            .contains(&s.field)
    });
    let mut stream = items(backend.operations(filter));
    let mut out = Vec::new();
    while let Some(op) = stream.try_next().await? {
        out.push(op);
        if server_sorts && limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    if let Some(sort) = filter.sort {
        // Stable and cheap when already sorted; needed when the server could not sort.
        out.sort_by(|a, b| sort.compare(a, b));
    }
    if let Some(l) = limit {
        out.truncate(l);
    }
    Ok(out)
}

/// Certificates at one account.
///
/// A call carrying an option its provider cannot take is refused before anything is sent
/// ([`honours`](Self::honours), [`refuse_unhonoured`](Self::refuse_unhonoured)):
/// an option is never dropped silently.
#[async_trait]
pub trait CertificateBackend: Send + Sync {
    /// Whether the provider's `call` takes `option` (all of them, unless the backend says
    /// otherwise).
    fn honours(
        &self,
        call: crate::certificate::CertificateCall,
        option: crate::certificate::CertificateOption,
    ) -> bool {
        let _ = (call, option);
        true
    }

    /// Refuses, before anything is sent, a `call` of `provider` carrying an option
    /// [`honours`](Self::honours) says it cannot take
    /// ([`refuse_unhonoured`](crate::certificate::refuse_unhonoured)).
    fn refuse_unhonoured(
        &self,
        provider: &str,
        call: crate::certificate::CertificateCall,
        options: &[crate::certificate::CertificateOption],
    ) -> Result<()> {
        crate::certificate::refuse_unhonoured(provider, call, options, |c, o| self.honours(c, o))
    }

    /// Reads one certificate.
    async fn certificate(&self, id: &CertificateId) -> Result<Certificate>;

    /// Fetches one page of certificates, applying on the server what it can of `filter`.
    async fn certificates_page(
        &self,
        filter: &CertificateFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Certificate>> {
        let _ = (filter, page);
        Err(Error::unsupported(
            "this provider has no certificate listing",
        ))
    }

    /// The certificates matching `filter`, as a lazy stream of pages, checked on the client.
    fn certificates<'a>(&'a self, filter: &'a CertificateFilter) -> PageStream<'a, Certificate> {
        paginate(move |token| self.certificates_page(filter, token))
            .map_ok(move |mut page| {
                page.items.retain(|c| filter.matches(c));
                page
            })
            .boxed()
    }

    /// Orders a certificate; answers the operation that carries the order.
    async fn order_certificate(&self, order: &CertificateOrder) -> Result<Operation>;

    /// Renews a certificate; answers the renewal operation.
    async fn renew_certificate(
        &self,
        id: &CertificateId,
        renewal: &CertificateRenewal,
    ) -> Result<Operation>;

    /// Reissues a certificate with a new CSR; answers the operation.
    async fn reissue_certificate(
        &self,
        id: &CertificateId,
        reissue: &CertificateReissue,
    ) -> Result<Operation>;

    /// Revokes (deletes) a certificate; answers the operation.
    async fn revoke_certificate(
        &self,
        id: &CertificateId,
        revocation: &CertificateRevocation,
    ) -> Result<Operation>;

    /// The packages (products) a certificate can be ordered as.
    async fn packages(&self) -> Result<Vec<CertificatePackage>> {
        Err(no_certificate_call("listing certificate packages"))
    }

    /// What to publish so that the certificate's domain control is validated, for `method`
    /// or the certificate's own.
    async fn dcv_instructions(
        &self,
        id: &CertificateId,
        method: Option<&DcvMethod>,
    ) -> Result<DcvInstructions> {
        let _ = (id, method);
        Err(no_certificate_call("reading validation instructions"))
    }

    /// Changes how the certificate operation `operation` validates domain control. Sent once.
    async fn change_dcv(&self, operation: &OperationId, method: &DcvMethod) -> Result<()> {
        let _ = (operation, method);
        Err(no_certificate_call("changing the validation method"))
    }

    /// Asks the provider to validate the certificate operation `operation` again (a new
    /// e-mail, a new look at the record or file). Sent once.
    async fn resend_dcv(&self, operation: &OperationId) -> Result<()> {
        let _ = operation;
        Err(no_certificate_call("resending a validation"))
    }

    /// Asks the provider to check the certificate's CAA records again (sent once); answers the
    /// certificate as read afterwards.
    async fn recheck_caa(&self, id: &CertificateId) -> Result<Certificate> {
        let _ = id;
        Err(no_certificate_call("rechecking CAA records"))
    }

    /// Sets one of the provider's preferences about a certificate; answers the operation.
    /// Sent once.
    async fn set_preference(
        &self,
        id: &CertificateId,
        preference: CertificatePreference,
        on: bool,
    ) -> Result<Operation> {
        let _ = (id, preference, on);
        Err(no_certificate_call("certificate preferences"))
    }

    /// The provider's hosted certificates, when it hosts certificates its customers bring.
    fn hosted(&self) -> Option<&dyn HostedCertificateBackend> {
        None
    }
}

fn no_certificate_call(what: &str) -> Error {
    Error::unsupported(format!("this provider has no call for {what}"))
}

/// Certificates a customer brings (a certificate and its private key) for the provider's own
/// proxies to serve.
#[async_trait]
pub trait HostedCertificateBackend: Send + Sync {
    /// Every hosted certificate of the account.
    async fn hosted_certificates(&self) -> Result<Vec<HostedCertificate>>;

    /// One hosted certificate.
    async fn hosted_certificate(&self, id: &CertificateId) -> Result<HostedCertificate>;

    /// Adds a certificate (PEM) with its private key (PEM, never shown). Sent once.
    async fn create_hosted_certificate(
        &self,
        certificate: &str,
        key: &Secret,
    ) -> Result<HostedCertificate>;

    /// Removes a hosted certificate. Sent once.
    async fn delete_hosted_certificate(&self, id: &CertificateId) -> Result<()>;
}

/// What kind of domain cancelation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CancelKind {
    /// Delete the domain at the registry.
    Delete,
    /// Give the domain back to the registry (transit).
    Transit,
    /// Acknowledge an outgoing transfer in advance.
    Preack,
}

impl CancelKind {
    /// The lower-case word (`delete`, `transit`, `preack`).
    pub fn as_str(&self) -> &'static str {
        match self {
            CancelKind::Delete => "delete",
            CancelKind::Transit => "transit",
            CancelKind::Preack => "preack",
        }
    }
}

/// When a cancelation takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Execution {
    /// At once.
    Now,
    /// At the domain's expiration.
    Expire,
    /// At a given time.
    Date(DateTime<Utc>),
}

/// A domain cancelation request.
///
/// ```
/// use regops_core::{CancelKind, CancelRequest, Execution};
/// let req = CancelRequest::new(CancelKind::Delete, Execution::Expire).disconnect(true);
/// assert_eq!(req.disconnect, Some(true));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelRequest {
    /// What kind of cancelation.
    pub kind: CancelKind,
    /// When.
    pub execution: Execution,
    /// Whether to disconnect the domain (remove its name servers) in the meantime.
    pub disconnect: Option<bool>,
    /// The gaining registrar, for a pre-acknowledged transfer.
    pub gaining_registrar: Option<String>,
    /// Where the provider sends its notification.
    pub reply_to: Option<String>,
}

impl CancelRequest {
    /// A request of `kind` executed at `execution`.
    pub fn new(kind: CancelKind, execution: Execution) -> Self {
        CancelRequest {
            kind,
            execution,
            disconnect: None,
            gaining_registrar: None,
            reply_to: None,
        }
    }

    /// Sets `disconnect`.
    pub fn disconnect(mut self, disconnect: bool) -> Self {
        self.disconnect = Some(disconnect);
        self
    }

    /// Sets the gaining registrar.
    pub fn gaining_registrar(mut self, registrar: impl Into<String>) -> Self {
        self.gaining_registrar = Some(registrar.into());
        self
    }

    /// Sets the notification address.
    pub fn reply_to(mut self, address: impl Into<String>) -> Self {
        self.reply_to = Some(address.into());
        self
    }
}

/// Domain cancelations (deletions) at one account.
#[async_trait]
pub trait DomainCancelBackend: Send + Sync {
    /// Requests the cancelation of `domain`; answers the operation that carries it. Never
    /// resent after it may have reached the server.
    async fn cancel_domain(&self, domain: &str, request: &CancelRequest) -> Result<Operation>;

    /// Changes the scheduled cancelation of `domain` to `request` (its kind, its date);
    /// answers the operation as changed. The default: the provider cannot change one.
    async fn update_cancelation(&self, domain: &str, request: &CancelRequest) -> Result<Operation> {
        let _ = (domain, request);
        Err(crate::Error::unsupported(
            "this provider cannot change a cancelation once requested: it has no update call",
        ))
    }
}
