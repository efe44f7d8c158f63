//! [`Route53Backend`]: the core traits on top of [`Route53Client`].

use crate::PROVIDER;
use crate::client::Route53Client;
use crate::convert;
use crate::generated::{
    RegisterDomainRequest, RenewDomainRequest, TransferDomainRequest,
    UpdateDomainNameserversRequest,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use regops_core::page::{Page, PageToken};
use regops_core::{
    AccountTransfer, Backend, CancelKind, CancelRequest, Capabilities, Contacts, DomainBackend,
    DomainCancelBackend, Error, ErrorKind, Execution, FilterSupport, Operation, OperationFilter,
    OperationId, Pagination, Reachability, ReachabilityMail, Registration, Result, Secret,
};
use std::collections::HashMap;
use std::sync::Mutex;

pub use crate::client::RATE_LIMIT_PER_SECOND;

/// At most this many operations are read one call each in a refresh; more are collected from
/// `ListOperations` pages.
const SINGLE_READS_UP_TO: usize = 2;

/// Route 53 Domains operations at one AWS account.
///
/// Listing follows `Marker`/`NextPageMarker` pages of up to 100 operations, with the
/// submission time, the exact status sets and the known types filtered by the server and the
/// rest on the client. A refresh of many operations reads `ListOperations` pages (100
/// operations per call) instead of one `GetOperationDetail` each, bounded by the earliest
/// submission time among them when the backend has seen it; what the pages did not hold is
/// then read one by one.
#[derive(Debug)]
pub struct Route53Backend {
    client: Route53Client,
    /// Submission times of the operations seen, to bound the listing of a refresh.
    submitted: Mutex<HashMap<OperationId, DateTime<Utc>>>,
}

impl Route53Backend {
    /// A backend on `client`.
    pub fn new(client: Route53Client) -> Self {
        Route53Backend {
            client,
            submitted: Mutex::new(HashMap::new()),
        }
    }

    /// The client, for the calls the core traits do not have.
    pub fn client(&self) -> &Route53Client {
        &self.client
    }

    /// `RegisterDomain`: starts a registration; answers the operation (as read back, else as
    /// submitted). Sent once.
    pub async fn register_domain(&self, request: &RegisterDomainRequest) -> Result<Operation> {
        self.started(self.client.register_domain(request).await?)
    }

    /// `RenewDomain`: starts a renewal; answers the operation. Sent once.
    pub async fn renew_domain(&self, request: &RenewDomainRequest) -> Result<Operation> {
        self.started(self.client.renew_domain(request).await?)
    }

    /// `TransferDomain`: starts a transfer in; answers the operation. Sent once.
    pub async fn transfer_domain(&self, request: &TransferDomainRequest) -> Result<Operation> {
        self.started(self.client.transfer_domain(request).await?)
    }

    /// `UpdateDomainNameservers`: starts a name server change; answers the operation. Sent
    /// once.
    pub async fn update_domain_nameservers(
        &self,
        request: &UpdateDomainNameserversRequest,
    ) -> Result<Operation> {
        self.started(self.client.update_domain_nameservers(request).await?)
    }

    fn started(&self, started: crate::wire::Started) -> Result<Operation> {
        let op = convert::started_operation(started)?;
        self.remember(&op);
        Ok(op)
    }

    fn remember(&self, op: &Operation) {
        if let Some(t) = op.submitted_at
            && let Ok(mut known) = self.submitted.lock()
        {
            known.insert(op.id.clone(), t);
        }
    }

    fn earliest_submitted(&self, ids: &[OperationId]) -> Option<DateTime<Utc>> {
        let known = self.submitted.lock().ok()?;
        ids.iter()
            .map(|id| known.get(id).copied())
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min()
    }
}

#[async_trait]
impl Backend for Route53Backend {
    fn provider(&self) -> &str {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        // Statuses and types only partly (see `convert::server_statuses` and `server_types`).
        // `SortBy SubmittedDate` with `SortOrder` is in the service model (and moto and the
        // sandbox honour it): a listing with a limit stops once it has enough.
        let filter = FilterSupport::none()
            .with_submitted(false)
            .with_sort(regops_core::SortField::SubmittedAt);
        Capabilities::none()
            .listing(filter, Pagination::Marker, Some(convert::MAX_PAGE_SIZE))
            // One refresh lists the pages once for all its ids: the larger the batch, the
            // fewer calls per operation.
            .batch_refresh(10_000)
            .rate_limit(RATE_LIMIT_PER_SECOND)
    }

    fn vocabulary(&self) -> regops_core::Vocabulary {
        convert::vocabulary()
    }

    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        let detail = self
            .client
            .get_operation_detail(id.as_str())
            .await
            .map_err(|e| not_found_for_invalid_id(e, id))?;
        let op = regops_core::answering(convert::operation(detail, Some(id))?, id, PROVIDER)?;
        self.remember(&op);
        Ok(op)
    }

    async fn operations_page(
        &self,
        filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        let marker = match page {
            Some(PageToken::Marker(m)) => Some(m),
            Some(other) => {
                return Err(Error::invalid_input(format!(
                    "Route 53 pages by marker, not by {other:?}"
                ))
                .with_provider(PROVIDER));
            }
            None => None,
        };
        let answer = self
            .client
            .list_operations(&convert::list_request(filter, marker))
            .await?;
        let items = answer
            .operations
            .unwrap_or_default()
            .into_iter()
            .map(|d| convert::operation(d, None))
            .collect::<Result<Vec<_>>>()?;
        for op in &items {
            self.remember(op);
        }
        let next = answer
            .next_page_marker
            .filter(|m| !m.is_empty())
            .map(PageToken::Marker);
        Ok(Page::new(items, next))
    }

    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        // Operations the listing leaves out (another region's view, outside its window) are
        // read directly; so is one whose entry does not convert, whose own read then says why.
        let out = regops_core::refresh::batched(self, ids, SINGLE_READS_UP_TO, |ids| async move {
            let since = self.earliest_submitted(ids);
            let found = self.client.find_operations(ids, since).await?;
            Ok(found
                .into_iter()
                .filter_map(|(id, detail)| {
                    let op = convert::operation(detail, Some(&id)).ok()?;
                    Some((id.as_str().trim().to_owned(), Ok(op)))
                })
                .collect())
        })
        .await?;
        for op in out.iter().flatten() {
            self.remember(op);
        }
        Ok(out)
    }

    fn domain_cancel_backend(&self) -> Option<&dyn DomainCancelBackend> {
        Some(self)
    }

    fn domain_backend(&self) -> Option<&dyn DomainBackend> {
        Some(self)
    }
}

#[async_trait]
impl DomainBackend for Route53Backend {
    /// `RegisterDomain` (the contacts converted, no name servers: Route 53 takes none there).
    async fn register_domain(&self, registration: &Registration) -> Result<Operation> {
        let request = convert::registration(registration)?;
        self.register_domain(&request).await
    }

    /// `TransferDomain`.
    async fn transfer_domain(&self, transfer: &regops_core::Transfer) -> Result<Operation> {
        self.transfer_domain(&convert::transfer(transfer)).await
    }

    /// `UpdateDomainNameservers`, without glue addresses.
    async fn update_nameservers(&self, domain: &str, nameservers: &[String]) -> Result<Operation> {
        if nameservers.is_empty() {
            return Err(Error::invalid_input(
                "give at least one name server (Route 53 keeps a domain's list whole)",
            )
            .with_provider(PROVIDER));
        }
        let request = UpdateDomainNameserversRequest::new(
            domain.to_owned(),
            nameservers
                .iter()
                .map(|n| crate::generated::Nameserver::new(n.clone()))
                .collect(),
        );
        self.update_domain_nameservers(&request).await
    }

    /// `ResendOperationAuthorization`.
    async fn resend_authorization(&self, operation: &OperationId) -> Result<()> {
        self.client
            .resend_operation_authorization(operation.as_str())
            .await
    }

    /// `GetDomainDetail` for the year the domain expires, then `RenewDomain` with it as
    /// `CurrentExpiryYear` (Route 53's guard: a renewal sent twice is refused the second time).
    async fn renew_domain(&self, domain: &str, years: u32) -> Result<Operation> {
        if !(1..=10).contains(&years) {
            return Err(Error::invalid_input(format!(
                "--years {years}: Route 53 renews for 1 to 10 years"
            ))
            .with_provider(PROVIDER));
        }
        let detail = self.client.get_domain_detail(domain).await?;
        let mut request = crate::generated::RenewDomainRequest::new(
            domain.to_owned(),
            convert::expiry_year(&detail)?,
        );
        request.duration_in_years = Some(i64::from(years));
        self.started(self.client.renew_domain(&request).await?)
    }

    /// `UpdateDomainContact` with all three contacts.
    async fn update_contacts(&self, domain: &str, contacts: &Contacts) -> Result<Operation> {
        let request = convert::contact_update(domain, contacts);
        self.started(self.client.update_domain_contact(&request).await?)
    }

    /// `GetContactReachabilityStatus`.
    async fn reachability(&self, domain: &str) -> Result<Reachability> {
        let answer = self.client.get_contact_reachability_status(domain).await?;
        Ok(convert::reachability(answer.status))
    }

    /// `ResendContactReachabilityEmail`.
    async fn resend_reachability(&self, domain: &str) -> Result<ReachabilityMail> {
        let answer = self
            .client
            .resend_contact_reachability_email(domain)
            .await?;
        Ok(ReachabilityMail::new(
            answer.email_address,
            answer.is_already_verified.unwrap_or(false),
        ))
    }

    /// `RetrieveDomainAuthCode`.
    async fn auth_code(&self, domain: &str) -> Result<Secret> {
        let answer = self.client.retrieve_domain_auth_code(domain).await?;
        match answer.auth_code {
            Some(code) if !code.0.expose().is_empty() => Ok(code.0),
            _ => Err(
                Error::protocol("RetrieveDomainAuthCode answered without an AuthCode", b"")
                    .with_provider(PROVIDER)
                    .with_call("RetrieveDomainAuthCode"),
            ),
        }
    }

    /// `TransferDomainToAnotherAwsAccount`; the account is 12 digits.
    async fn transfer_to_account(&self, domain: &str, account: &str) -> Result<AccountTransfer> {
        let account = account.trim();
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_input(format!(
                "--to {account}: an AWS account id is 12 digits"
            ))
            .with_provider(PROVIDER));
        }
        let request = crate::generated::TransferDomainToAnotherAwsAccountRequest::new(
            domain.to_owned(),
            account.to_owned(),
        );
        let (started, password) = self
            .client
            .transfer_domain_to_another_aws_account(&request)
            .await?;
        let op = self.started(started)?;
        Ok(AccountTransfer::new(op, password.map(|p| p.0)))
    }

    /// `AcceptDomainTransferFromAnotherAwsAccount`.
    async fn accept_account_transfer(&self, domain: &str, password: &Secret) -> Result<Operation> {
        let request = crate::generated::AcceptDomainTransferFromAnotherAwsAccountRequest::new(
            domain.to_owned(),
            crate::wire::SecretString(password.clone()),
        );
        self.started(
            self.client
                .accept_domain_transfer_from_another_aws_account(&request)
                .await?,
        )
    }

    /// `RejectDomainTransferFromAnotherAwsAccount`.
    async fn reject_account_transfer(&self, domain: &str) -> Result<Operation> {
        self.started(
            self.client
                .reject_domain_transfer_from_another_aws_account(domain)
                .await?,
        )
    }

    /// `CancelDomainTransferToAnotherAwsAccount`.
    async fn cancel_account_transfer(&self, domain: &str) -> Result<Operation> {
        self.started(
            self.client
                .cancel_domain_transfer_to_another_aws_account(domain)
                .await?,
        )
    }
}

#[async_trait]
impl DomainCancelBackend for Route53Backend {
    /// `DeleteDomain`. Route 53 deletes at once and only deletes: any other kind or execution
    /// is refused as unsupported before anything is sent.
    async fn cancel_domain(&self, domain: &str, request: &CancelRequest) -> Result<Operation> {
        if request.kind != CancelKind::Delete || request.execution != Execution::Now {
            return Err(Error::unsupported(
                "Route 53 only deletes a domain at once: use --type delete --execution now",
            )
            .with_provider(PROVIDER));
        }
        let unhonoured = [
            (
                request.gaining_registrar.is_some(),
                "gaining registrar (--gaining-registrar)",
            ),
            (
                request.reply_to.is_some(),
                "notification address (--reply-to)",
            ),
            (request.disconnect.is_some(), "disconnection (--disconnect)"),
        ];
        if let Some((_, what)) = unhonoured.iter().find(|(given, _)| *given) {
            return Err(Error::unsupported(format!(
                "Route 53's DeleteDomain takes no {what}; nothing was sent"
            ))
            .with_provider(PROVIDER));
        }
        self.started(self.client.delete_domain(domain).await?)
    }
}

/// `GetOperationDetail` answers `InvalidInput` for an id it does not know: the only input is
/// the id, so that is "not found".
fn not_found_for_invalid_id(e: Error, id: &OperationId) -> Error {
    if *e.kind() != ErrorKind::InvalidInput {
        return e;
    }
    let mut nf = Error::not_found(format!("no operation {id}: {}", e.message()))
        .with_provider(PROVIDER)
        .with_call("GetOperationDetail");
    if let Some(code) = e.provider_code() {
        nf = nf.with_code(code.to_owned());
    }
    if let Some(status) = e.http_status() {
        nf = nf.with_http_status(status);
    }
    nf
}
