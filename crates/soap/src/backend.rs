//! [`NetimBackend`]: the core traits on top of [`NetimClient`].

use crate::PROVIDER;
use crate::client::NetimClient;
use crate::convert;
use async_trait::async_trait;
use regops_core::page::{Page, PageToken};
use regops_core::{
    Backend, Capabilities, Certificate, CertificateBackend, CertificateCall, CertificateId,
    CertificateOption, CertificateOrder, CertificatePreference, CertificateReissue,
    CertificateRenewal, CertificateRevocation, Error, Operation, OperationFilter, OperationId,
    Result,
};
use std::collections::HashMap;
use std::sync::Mutex;

/// Operations and SSL certificates of one Netim reseller account.
///
/// Listing is `queryOpePending` (the only listing the API has: the pending operations). A
/// refresh reads `queryOpePending` once; the ids still in it are pending, and only those that
/// left it are read one by one with `queryOpe`. `queryOpe` does not say what an operation works
/// on, so the backend remembers the targets it has seen (from the pending list and from the
/// certificates it ordered) and fills them in.
#[derive(Debug)]
pub struct NetimBackend {
    client: NetimClient,
    targets: Mutex<HashMap<String, String>>,
}

impl NetimBackend {
    /// A backend on `client`.
    pub fn new(client: NetimClient) -> Self {
        NetimBackend {
            client,
            targets: Mutex::new(HashMap::new()),
        }
    }

    fn remember(&self, op: &Operation) {
        if let (Some(t), Ok(mut known)) = (&op.target, self.targets.lock()) {
            known.insert(op.id.as_str().to_owned(), t.clone());
        }
    }

    fn with_target(&self, mut op: Operation) -> Operation {
        if op.target.is_none()
            && let Ok(known) = self.targets.lock()
        {
            op.target = known.get(op.id.as_str()).cloned();
        }
        op
    }

    /// The client, for the calls the core traits do not have.
    pub fn client(&self) -> &NetimClient {
        &self.client
    }

    fn answered(&self, r: crate::generated::StructOperationResponse) -> Result<Operation> {
        convert::operation(r, self.client.timezone()).map(|op| self.with_target(op))
    }
}

#[async_trait]
impl Backend for NetimBackend {
    fn provider(&self) -> &str {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::none()
            .listing(
                regops_core::FilterSupport::none(),
                regops_core::Pagination::None,
                None,
            )
            // One queryOpePending answers for every pending operation of the account.
            .batch_refresh(100_000)
            .cancel()
    }

    fn vocabulary(&self) -> regops_core::Vocabulary {
        convert::vocabulary()
    }

    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        let n = id.integer(PROVIDER)?;
        regops_core::answering(
            self.answered(self.client.query_ope(n).await?)?,
            id,
            PROVIDER,
        )
    }

    /// The pending operations (`queryOpePending`), in one page.
    async fn operations_page(
        &self,
        _filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        if page.is_some() {
            return Ok(Page::new(Vec::new(), None));
        }
        let zone = self.client.timezone();
        let items = self
            .client
            .query_ope_pending()
            .await?
            .into_iter()
            .map(|p| convert::pending_operation(p, zone))
            .collect::<Result<Vec<_>>>()?;
        items.iter().for_each(|op| self.remember(op));
        Ok(Page::new(items, None))
    }

    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        // One `queryOpePending` answers for every pending operation; one that left the list
        // is read to see what became of it.
        regops_core::refresh::batched(self, ids, 1, |_| async {
            let zone = self.client.timezone();
            let mut pending = HashMap::new();
            for p in self.client.query_ope_pending().await? {
                let op = convert::pending_operation(p, zone)?;
                self.remember(&op);
                pending.insert(op.id.as_str().to_owned(), Ok(op));
            }
            Ok(pending)
        })
        .await
    }

    /// `cancelOpe`. Sent once.
    async fn cancel(&self, id: &OperationId) -> Result<()> {
        let n = id.integer(PROVIDER)?;
        self.client.cancel_ope(n).await.map(|_| ())
    }

    fn certificate_backend(&self) -> Option<&dyn CertificateBackend> {
        Some(self)
    }
}

#[async_trait]
impl CertificateBackend for NetimBackend {
    /// Netim's calls, as its reference and its own clients give them: `sslCreate` and
    /// `sslReIssue` take a `StructCSR` (the request, its subject's members and the alternative
    /// names) and a validation (`file` or `email:ADDR`); `sslRenew` only the certificate and a
    /// duration (one year); `sslRevoke` only the certificate. No call takes other parameters.
    fn honours(&self, call: CertificateCall, option: CertificateOption) -> bool {
        use CertificateCall::*;
        use CertificateOption::*;
        matches!(
            (call, option),
            (Order, Csr | AltNames | DcvMethod | DcvEmails | Subject)
                | (Reissue, AltNames | DcvMethod | DcvEmails | Subject)
        )
    }

    async fn certificate(&self, id: &CertificateId) -> Result<Certificate> {
        let n = id.integer(PROVIDER)?;
        let cert = convert::certificate(self.client.ssl_info(n).await?, self.client.timezone())?;
        regops_core::answering_certificate(cert, id, PROVIDER)
    }

    /// `sslCreate` with the order's CSR; the product is the order's package. Sent once.
    async fn order_certificate(&self, order: &CertificateOrder) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Order, &order.options())?;
        let validation = convert::validation(order.dcv_method.as_ref(), &order.dcv_emails)?;
        let csr = convert::csr(
            order.csr.as_deref(),
            order.cn.as_deref(),
            &order.alt_names,
            &order.subject,
        )?;
        let r = self
            .client
            .ssl_create(
                &order.package,
                i64::from(order.duration_years.max(1)),
                &csr,
                &validation,
            )
            .await?;
        let mut op = self.answered(r)?;
        if op.target.is_none() {
            op.target = order.cn.clone();
            self.remember(&op);
        }
        Ok(op)
    }

    /// `sslRenew`, for one year: the only duration Netim renews for. Sent once.
    async fn renew_certificate(
        &self,
        id: &CertificateId,
        renewal: &CertificateRenewal,
    ) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Renew, &renewal.options())?;
        if renewal.duration_years != 1 {
            return Err(Error::unsupported(format!(
                "Netim renews a certificate for 1 year only: a duration of {} years cannot be honoured; nothing was sent",
                renewal.duration_years
            ))
            .with_provider(PROVIDER));
        }
        let n = id.integer(PROVIDER)?;
        let r = self.client.ssl_renew(n, 1).await?;
        self.answered(r)
    }

    /// `sslReIssue` with the new CSR. Sent once.
    async fn reissue_certificate(
        &self,
        id: &CertificateId,
        reissue: &CertificateReissue,
    ) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Reissue, &reissue.options())?;
        let n = id.integer(PROVIDER)?;
        let validation = convert::validation(reissue.dcv_method.as_ref(), &reissue.dcv_emails)?;
        let csr = convert::csr(
            reissue.csr.as_deref(),
            None,
            &reissue.alt_names,
            &reissue.subject,
        )?;
        let r = self.client.ssl_reissue(n, &csr, &validation).await?;
        self.answered(r)
    }

    /// `sslRevoke` (Netim takes no reason). Sent once.
    async fn revoke_certificate(
        &self,
        id: &CertificateId,
        revocation: &CertificateRevocation,
    ) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Revoke, &revocation.options())?;
        let n = id.integer(PROVIDER)?;
        self.answered(self.client.ssl_revoke(n).await?)
    }

    /// `sslSetPreference` (`auto_renew` or `to_be_renewed`, 1 or 0). Sent once.
    async fn set_preference(
        &self,
        id: &CertificateId,
        preference: CertificatePreference,
        on: bool,
    ) -> Result<Operation> {
        let n = id.integer(PROVIDER)?;
        let code = convert::ssl_preference(preference)?;
        self.answered(self.client.ssl_set_preference(n, code, on).await?)
    }
}
