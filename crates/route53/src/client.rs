//! The Route 53 Domains client: AWS JSON 1.1 over HTTPS, signed with SigV4.
//!
//! Every call is `POST /` with `X-Amz-Target: Route53Domains_v20140515.<Operation>` and a JSON
//! body, signed anew for each attempt. Reads (`GetOperationDetail`, `ListOperations`) are
//! retried with backoff under the client's [`RetryPolicy`], honouring `Retry-After`; calls that
//! start an operation are sent once and never resent after they may have reached the server
//! (the operation is looked up instead). Rejecting or cancelling a transfer between accounts
//! cannot do more when sent twice, so those are retried as reads are.

use crate::PROVIDER;
use crate::convert;
use crate::generated::{
    AcceptDomainTransferFromAnotherAwsAccountRequest, CONTENT_TYPE,
    CancelDomainTransferToAnotherAwsAccountRequest, DEFAULT_REGION, DeleteDomainRequest,
    GetContactReachabilityStatusRequest, GetContactReachabilityStatusResponse,
    GetDomainDetailRequest, GetDomainDetailResponse, GetOperationDetailRequest,
    ListOperationsRequest, ListOperationsResponse, OperationDetail, OperationIdResponse,
    OperationType, PRODUCTION_ENDPOINT, RegisterDomainRequest,
    RejectDomainTransferFromAnotherAwsAccountRequest, RenewDomainRequest,
    ResendContactReachabilityEmailRequest, ResendContactReachabilityEmailResponse,
    ResendOperationAuthorizationRequest, RetrieveDomainAuthCodeRequest,
    RetrieveDomainAuthCodeResponse, SIGNING_SERVICE, TARGET_PREFIX, TransferDomainRequest,
    TransferDomainToAnotherAwsAccountRequest, TransferDomainToAnotherAwsAccountResponse,
    UpdateDomainContactRequest, UpdateDomainNameserversRequest,
};
use crate::sign::{Credentials, Signer};
pub use crate::wire::Started;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use regops_core::page::{Page, PageToken, items, paginate_bounded};
use regops_core::{Error, Idempotency, OperationId, RateLimiter, Redactor, Result, RetryPolicy};
use regops_http::ClientSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// The request rate Route 53 Domains allows per account (five requests per second, from the
/// AWS quotas page); clients and the tracker pace themselves by it.
pub const RATE_LIMIT_PER_SECOND: f64 = 5.0;

/// The largest answer accepted by default. A full `ListOperations` page is about 25 KB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 << 20;

/// The most pages a listing follows by default.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// The burst the default rate limit allows before pacing starts.
pub const RATE_LIMIT_BURST: u32 = 5;

/// A Route 53 Domains client. Cheap to clone: clones share the connection pool and the rate
/// limiter.
#[derive(Clone)]
pub struct Route53Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    signer: Signer,
    retry: RetryPolicy,
    max_body_bytes: usize,
    max_pages: usize,
    limiter: Option<RateLimiter>,
    redactor: Redactor,
}

impl fmt::Debug for Route53Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route53Client")
            .field("endpoint", &self.inner.endpoint)
            .field("region", &self.inner.signer.region())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Route53Client`].
#[must_use]
pub struct Route53ClientBuilder {
    credentials: Credentials,
    endpoint: String,
    region: String,
    settings: ClientSettings,
    max_body_bytes: usize,
    max_pages: usize,
}

impl fmt::Debug for Route53ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route53ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Route53ClientBuilder {
    /// The endpoint URL (`https://route53domains.us-east-1.amazonaws.com` by default).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The region signed for (`us-east-1` by default, the only one the API runs in).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    // By default the client keeps to Route 53 Domains' quota of five requests per second
    // (bursts of `RATE_LIMIT_BURST`), so that a long listing is not throttled.
    regops_http::client_settings_setters!(settings);

    /// The largest answer accepted ([`DEFAULT_MAX_BODY_BYTES`] by default).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// The most pages a listing follows ([`DEFAULT_MAX_PAGES`] by default).
    pub fn max_pages(mut self, max: usize) -> Self {
        self.max_pages = max.max(1);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Route53Client> {
        regops_http::endpoint(&self.endpoint, PROVIDER)?;
        if self.region.trim().is_empty() {
            return Err(Error::invalid_input("the AWS region is empty").with_provider(PROVIDER));
        }
        let http = self
            .settings
            .http_client(concat!("regops-route53/", env!("CARGO_PKG_VERSION")))?;
        let mut redactor = Redactor::new();
        for s in self.credentials.secrets() {
            redactor.add(s);
        }
        Ok(Route53Client {
            inner: Arc::new(Inner {
                http,
                endpoint: self.endpoint,
                signer: Signer::new(self.credentials, self.region, SIGNING_SERVICE),
                limiter: self.settings.limiter(),
                retry: self.settings.retry,
                max_body_bytes: self.max_body_bytes,
                max_pages: self.max_pages,
                redactor,
            }),
        })
    }
}

impl Route53Client {
    /// A builder for a client signing with `credentials`, on the production endpoint.
    pub fn builder(credentials: Credentials) -> Route53ClientBuilder {
        Route53ClientBuilder {
            credentials,
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            settings: ClientSettings::new(Some((RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST))),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Calls `operation` (`GetOperationDetail`, ...) with `request`, decoding the answer as `T`.
    ///
    /// `idempotency` decides whether a failed call may be sent again: only
    /// [`Idempotency::Idempotent`] calls are retried after they may have reached the server.
    pub async fn call<Req: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        request: &Req,
        idempotency: Idempotency,
    ) -> Result<T> {
        let body = serde_json::to_vec(request).map_err(|e| {
            Error::invalid_input(format!("{operation}: {e}"))
                .with_provider(PROVIDER)
                .with_call(operation)
        })?;
        let result = self
            .inner
            .retry
            .run(idempotency, || self.send_once::<T>(operation, &body))
            .await;
        result.map_err(|e| e.redact(&self.inner.redactor))
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        body: &[u8],
    ) -> Result<T> {
        let inner = &*self.inner;
        let target = format!("{TARGET_PREFIX}{operation}");
        let headers = [
            ("content-type", CONTENT_TYPE),
            ("x-amz-target", target.as_str()),
        ];
        let signed = inner
            .signer
            .sign("POST", &inner.endpoint, &headers, body, SystemTime::now())
            .map_err(|e| e.with_call(operation))?;
        let mut request = inner.http.post(&inner.endpoint).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        for (name, value) in signed {
            request = request.header(name, value);
        }
        let answer = regops_http::Exchange {
            limiter: inner.limiter.as_ref(),
            max_body_bytes: inner.max_body_bytes,
            provider: PROVIDER,
        }
        .send(request, operation)
        .await?;
        let bytes = &answer.body;
        if !answer.is_success() {
            return Err(convert::error(
                answer.status,
                answer.header("x-amzn-errortype"),
                answer.retry_after,
                bytes,
            )
            .with_call(operation)
            .with_excerpt(bytes));
        }
        // Any content type is accepted on a 200: the body decides.
        decode(bytes).map_err(|e| e.with_call(operation))
    }

    /// `GetOperationDetail`: the current state of one operation.
    pub async fn get_operation_detail(&self, id: &str) -> Result<OperationDetail> {
        self.call(
            "GetOperationDetail",
            &GetOperationDetailRequest::new(id.to_owned()),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `ListOperations`: one page.
    pub async fn list_operations(
        &self,
        request: &ListOperationsRequest,
    ) -> Result<ListOperationsResponse> {
        self.call("ListOperations", request, Idempotency::Idempotent)
            .await
    }

    /// `ListOperations` as a lazy stream of pages: each page is read when the stream is
    /// polled, following `NextPageMarker` until a page has none (at most the client's page
    /// bound; a marker seen twice is an error).
    pub fn list_operations_pages(
        &self,
        request: ListOperationsRequest,
    ) -> BoxStream<'static, Result<Page<OperationDetail>>> {
        let client = self.clone();
        paginate_bounded(self.inner.max_pages, move |token| {
            let client = client.clone();
            let mut request = request.clone();
            async move {
                request.marker = match token {
                    Some(PageToken::Marker(m)) => Some(m),
                    _ => request.marker.take(),
                };
                let page = client.list_operations(&request).await?;
                Ok(Page::new(
                    page.operations.unwrap_or_default(),
                    page.next_page_marker
                        .filter(|m| !m.is_empty())
                        .map(PageToken::Marker),
                ))
            }
        })
    }

    /// Every operation `request` selects, as a lazy stream over its pages.
    pub fn list_operations_all(
        &self,
        request: ListOperationsRequest,
    ) -> BoxStream<'static, Result<OperationDetail>> {
        items(self.list_operations_pages(request)).boxed()
    }

    /// Sends a call that starts an operation (once), then reads the operation back. When the
    /// read fails, the answer still carries the id, so that the operation is never lost.
    ///
    /// Route 53 has no idempotency token: when the answer may have been lost after the server
    /// acted (a connection cut, a timeout, a 5xx), the call is not sent again; the operation is
    /// looked up instead ([`ListOperations`](Self::list_operations) by type, domain and time),
    /// and taken when found, or the error says nothing was found.
    async fn start(
        &self,
        operation: &'static str,
        kind: OperationType,
        domain: &str,
        request: &(impl Serialize + ?Sized),
    ) -> Result<Started> {
        let (started, _) = self
            .start_answer::<OperationIdResponse>(operation, kind, domain, request, |a| {
                a.operation_id.as_deref()
            })
            .await?;
        Ok(started)
    }

    /// [`start`](Self::start) for a call whose answer carries more than the id (`id_of` finds
    /// it): answers what was started and the answer, `None` when the answer was lost and the
    /// operation was found by looking it up.
    async fn start_answer<A: DeserializeOwned>(
        &self,
        operation: &'static str,
        kind: OperationType,
        domain: &str,
        request: &(impl Serialize + ?Sized),
        id_of: impl Fn(&A) -> Option<&str>,
    ) -> Result<(Started, Option<A>)> {
        let sent_at = chrono::Utc::now();
        let answer: A = match self
            .call(operation, request, Idempotency::NonIdempotent)
            .await
        {
            Ok(answer) => answer,
            Err(e)
                if e.may_have_reached_server()
                    && !e.is_rate_limited()
                    && e.http_status().is_none_or(|s| s >= 500) =>
            {
                let found = self.look_up(operation, kind, domain, sent_at, e).await?;
                return Ok((found, None));
            }
            Err(e) => return Err(e),
        };
        let id = answered_id(operation, id_of(&answer))?;
        Ok((
            self.read_back(operation, id, kind, domain).await,
            Some(answer),
        ))
    }

    /// The operation `operation` answered, read back with `GetOperationDetail`; when that read
    /// fails, what the client knows of it (a warning says so).
    async fn read_back(
        &self,
        operation: &'static str,
        id: OperationId,
        kind: OperationType,
        domain: &str,
    ) -> Started {
        let detail = match self.get_operation_detail(id.as_str()).await {
            Ok(detail) => Some(detail),
            Err(e) => {
                tracing::warn!(provider = PROVIDER, operation, id = %id, error = %e,
                    "the operation was started but could not be read back");
                None
            }
        };
        Started {
            id,
            kind,
            domain: domain.to_owned(),
            detail,
        }
    }

    /// Finds the operation a call that lost its answer started: the newest of its type on
    /// `domain` submitted since shortly before it was sent. Answers it, or `cause` saying what
    /// was looked for.
    async fn look_up(
        &self,
        operation: &'static str,
        kind: OperationType,
        domain: &str,
        sent_at: chrono::DateTime<chrono::Utc>,
        cause: Error,
    ) -> Result<Started> {
        // A margin for the difference between our clock and the service's.
        let since = sent_at - chrono::Duration::minutes(2);
        let request = ListOperationsRequest {
            submitted_since: Some(crate::wire::Timestamp::At(since)),
            r#type: Some(vec![kind.clone()]),
            max_items: Some(i64::from(convert::MAX_PAGE_SIZE)),
            ..ListOperationsRequest::default()
        };
        let mut newest: Option<OperationDetail> = None;
        let mut all = self.list_operations_all(request);
        loop {
            let detail = match all.try_next().await {
                Ok(Some(d)) => d,
                Ok(None) => break,
                Err(e) => {
                    return Err(cause.with_message(format!(
                        "{}; it was not sent again, and looking it up failed: {}",
                        cause.message(),
                        e.message()
                    )));
                }
            };
            let same = detail.domain_name.as_deref() == Some(domain)
                && detail.r#type.as_ref() == Some(&kind)
                && detail
                    .operation_id
                    .as_deref()
                    .is_some_and(|i| !i.is_empty());
            let at = detail.submitted_date.as_ref().and_then(|t| t.time());
            // Keep the newest: replace what was kept when it was submitted before this one.
            let older = |d: &OperationDetail| d.submitted_date.as_ref().and_then(|t| t.time()) < at;
            if same && newest.as_ref().is_none_or(older) {
                newest = Some(detail);
            }
        }
        let Some(detail) = newest else {
            return Err(cause.with_message(format!(
                "{}; it was not sent again, and ListOperations shows no {} for {domain} since {}: \
                 most likely it was not started",
                cause.message(),
                kind.as_str(),
                since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )));
        };
        let id = OperationId::new(detail.operation_id.clone().unwrap_or_default());
        tracing::warn!(
            provider = PROVIDER,
            operation,
            "the answer to {operation} for {domain} was lost ({}); it was not sent again: \
             ListOperations shows operation {id}, taken as the one it started",
            cause.message()
        );
        Ok(Started {
            id,
            kind,
            domain: domain.to_owned(),
            detail: Some(detail),
        })
    }

    /// `RegisterDomain`: starts a registration; answers what was started. Sent once.
    pub async fn register_domain(&self, request: &RegisterDomainRequest) -> Result<Started> {
        self.start(
            "RegisterDomain",
            OperationType::RegisterDomain,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `RenewDomain`: starts a renewal; answers what was started. Sent once.
    pub async fn renew_domain(&self, request: &RenewDomainRequest) -> Result<Started> {
        self.start(
            "RenewDomain",
            OperationType::RenewDomain,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `TransferDomain`: starts a transfer in; answers what was started. Sent once.
    pub async fn transfer_domain(&self, request: &TransferDomainRequest) -> Result<Started> {
        self.start(
            "TransferDomain",
            OperationType::TransferInDomain,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `DeleteDomain`: starts a deletion; answers what was started. Sent once.
    pub async fn delete_domain(&self, domain: &str) -> Result<Started> {
        self.start(
            "DeleteDomain",
            OperationType::DeleteDomain,
            domain,
            &DeleteDomainRequest::new(domain.to_owned()),
        )
        .await
    }

    /// `UpdateDomainNameservers`: starts a name server change; answers what was started.
    /// Sent once.
    pub async fn update_domain_nameservers(
        &self,
        request: &UpdateDomainNameserversRequest,
    ) -> Result<Started> {
        self.start(
            "UpdateDomainNameservers",
            OperationType::UpdateNameserver,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `ResendOperationAuthorization`: sends the authorization mail of an operation again.
    /// Sent once (it mails someone).
    pub async fn resend_operation_authorization(&self, id: &str) -> Result<()> {
        let _: serde_json::Value = self
            .call(
                "ResendOperationAuthorization",
                &ResendOperationAuthorizationRequest::new(id.to_owned()),
                Idempotency::NonIdempotent,
            )
            .await?;
        Ok(())
    }

    /// `GetDomainDetail`: the domain as Route 53 holds it (its expiry, contacts, name servers).
    pub async fn get_domain_detail(&self, domain: &str) -> Result<GetDomainDetailResponse> {
        self.call(
            "GetDomainDetail",
            &GetDomainDetailRequest::new(domain.to_owned()),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `UpdateDomainContact`: starts replacing the contacts given; answers what was started.
    /// Sent once.
    pub async fn update_domain_contact(
        &self,
        request: &UpdateDomainContactRequest,
    ) -> Result<Started> {
        self.start(
            "UpdateDomainContact",
            OperationType::UpdateDomainContact,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `GetContactReachabilityStatus`: whether the registrant confirmed their address.
    pub async fn get_contact_reachability_status(
        &self,
        domain: &str,
    ) -> Result<GetContactReachabilityStatusResponse> {
        let request = GetContactReachabilityStatusRequest {
            domain_name: Some(domain.to_owned()),
        };
        self.call(
            "GetContactReachabilityStatus",
            &request,
            Idempotency::Idempotent,
        )
        .await
    }

    /// `ResendContactReachabilityEmail`: mails the registrant again. Sent once (it mails
    /// someone).
    pub async fn resend_contact_reachability_email(
        &self,
        domain: &str,
    ) -> Result<ResendContactReachabilityEmailResponse> {
        let request = ResendContactReachabilityEmailRequest {
            domain_name: Some(domain.to_owned()),
        };
        self.call(
            "ResendContactReachabilityEmail",
            &request,
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `RetrieveDomainAuthCode`: the code that transfers the domain out (kept secret).
    pub async fn retrieve_domain_auth_code(
        &self,
        domain: &str,
    ) -> Result<RetrieveDomainAuthCodeResponse> {
        self.call(
            "RetrieveDomainAuthCode",
            &RetrieveDomainAuthCodeRequest::new(domain.to_owned()),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `TransferDomainToAnotherAwsAccount`: starts the transfer; answers what was started and
    /// the password the other account accepts it with (`None` when the answer was lost and the
    /// operation found by looking it up). Sent once.
    pub async fn transfer_domain_to_another_aws_account(
        &self,
        request: &TransferDomainToAnotherAwsAccountRequest,
    ) -> Result<(Started, Option<crate::wire::SecretString>)> {
        let (started, answer) = self
            .start_answer::<TransferDomainToAnotherAwsAccountResponse>(
                "TransferDomainToAnotherAwsAccount",
                OperationType::InternalTransferOutDomain,
                &request.domain_name,
                request,
                |a| a.operation_id.as_deref(),
            )
            .await?;
        Ok((started, answer.and_then(|a| a.password)))
    }

    /// `AcceptDomainTransferFromAnotherAwsAccount`: accepts a transfer with its password;
    /// answers what was started. Sent once.
    pub async fn accept_domain_transfer_from_another_aws_account(
        &self,
        request: &AcceptDomainTransferFromAnotherAwsAccountRequest,
    ) -> Result<Started> {
        self.start(
            "AcceptDomainTransferFromAnotherAwsAccount",
            OperationType::InternalTransferInDomain,
            &request.domain_name,
            request,
        )
        .await
    }

    /// `RejectDomainTransferFromAnotherAwsAccount`: answers the transfer's operation. Sending
    /// it twice cannot do more than once (a transfer is rejected or not), so it is retried as
    /// a read is.
    pub async fn reject_domain_transfer_from_another_aws_account(
        &self,
        domain: &str,
    ) -> Result<Started> {
        self.settle(
            "RejectDomainTransferFromAnotherAwsAccount",
            OperationType::InternalTransferInDomain,
            domain,
            &RejectDomainTransferFromAnotherAwsAccountRequest::new(domain.to_owned()),
        )
        .await
    }

    /// `CancelDomainTransferToAnotherAwsAccount`: answers the transfer's operation. Like a
    /// rejection, retried as a read is.
    pub async fn cancel_domain_transfer_to_another_aws_account(
        &self,
        domain: &str,
    ) -> Result<Started> {
        self.settle(
            "CancelDomainTransferToAnotherAwsAccount",
            OperationType::InternalTransferOutDomain,
            domain,
            &CancelDomainTransferToAnotherAwsAccountRequest::new(domain.to_owned()),
        )
        .await
    }

    /// Sends a call that ends a transfer between accounts (idempotent in effect) and reads
    /// back the operation it names.
    async fn settle(
        &self,
        operation: &'static str,
        kind: OperationType,
        domain: &str,
        request: &(impl Serialize + ?Sized),
    ) -> Result<Started> {
        let answer: OperationIdResponse = self
            .call(operation, request, Idempotency::Idempotent)
            .await?;
        let id = answered_id(operation, answer.operation_id.as_deref())?;
        Ok(self.read_back(operation, id, kind, domain).await)
    }

    /// Reads the operations `ids`, collecting them from `ListOperations` pages instead of one
    /// call each: pages are read, newest first, until every id is found or the listing ends.
    /// `since` (the earliest submission time among the ids, when known) lets the server skip
    /// older operations. Answers the details found, by id.
    pub async fn find_operations(
        &self,
        ids: &[OperationId],
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<std::collections::HashMap<OperationId, OperationDetail>> {
        let mut wanted: std::collections::HashSet<&str> = ids.iter().map(|i| i.as_str()).collect();
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        let request = ListOperationsRequest {
            max_items: Some(i64::from(convert::MAX_PAGE_SIZE)),
            submitted_since: since.map(crate::wire::Timestamp::At),
            ..ListOperationsRequest::default()
        };
        let mut pages = self.list_operations_pages(request);
        while !wanted.is_empty() {
            let Some(page) = pages.try_next().await? else {
                break;
            };
            for detail in page.items {
                if let Some(id) = detail.operation_id.as_deref()
                    && wanted.remove(id)
                {
                    found.insert(OperationId::new(id), detail);
                }
            }
        }
        Ok(found)
    }
}

/// The operation id a call answered, or the protocol error saying it answered none.
fn answered_id(operation: &'static str, id: Option<&str>) -> Result<OperationId> {
    match id.filter(|id| !id.is_empty()) {
        Some(id) => Ok(OperationId::new(id)),
        None => Err(
            Error::protocol(format!("{operation} answered without an OperationId"), b"")
                .with_provider(PROVIDER)
                .with_call(operation),
        ),
    }
}

/// Decodes a success answer; an empty body is an empty object.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    regops_http::decode_json(body).map_err(|e| {
        Error::protocol(format!("undecodable answer: {e}"), bytes).with_provider(PROVIDER)
    })
}

/// Decodes a `ListOperations` answer (for benchmarks and tools that read saved answers).
pub fn decode_list_operations(bytes: &[u8]) -> Result<ListOperationsResponse> {
    decode(bytes)
}

/// Decodes a `GetOperationDetail` answer.
pub fn decode_operation_detail(bytes: &[u8]) -> Result<OperationDetail> {
    decode(bytes)
}
