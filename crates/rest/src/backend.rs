//! [`AutoDnsBackend`]: the core traits on top of [`AutoDnsClient`].

use crate::PROVIDER;
use crate::client::{AutoDnsClient, DEFAULT_RATE_LIMIT, Protocol};
use crate::convert::{self, CancelationCall, MAX_PAGE_SIZE};
use async_trait::async_trait;
use regops_core::page::{Page, PageToken};
use regops_core::{
    Backend, CancelRequest, Capabilities, DomainCancelBackend, Error, FilterSupport, Notification,
    NotificationQueue, Operation, OperationFilter, OperationId, Pagination, Result,
};
use std::collections::HashMap;
use std::sync::Mutex;

/// AutoDNS cancelations and jobs at one account.
///
/// An operation id of digits only is a job; any other id is a domain whose cancelation is meant
/// (docs/cli.md). Listing reads cancelations with `_search` (JSON API only); a refresh reads
/// the jobs among the ids with one `POST /job/_search` per hundred and the cancelations one
/// `GET` each. `cancel` cancels a job, or deletes (withdraws) a cancelation.
///
/// A cancelation this backend withdrew (`cancel` on a domain) no longer exists at AutoDNS; the
/// backend remembers it, so that reading it back answers it `cancelled` rather than not found.
#[derive(Debug)]
pub struct AutoDnsBackend {
    client: AutoDnsClient,
    withdrawn: Mutex<HashMap<String, Operation>>,
}

impl AutoDnsBackend {
    /// A backend on `client`.
    pub fn new(client: AutoDnsClient) -> Self {
        AutoDnsBackend {
            client,
            withdrawn: Mutex::new(HashMap::new()),
        }
    }

    /// The client, for the calls the core traits do not have (jobs, the poll queue).
    pub fn client(&self) -> &AutoDnsClient {
        &self.client
    }

    async fn cancelation(&self, domain: &str) -> Result<Operation> {
        match self.client.cancelation_info(domain).await {
            Ok(answer) => convert::answer_operation(
                &answer,
                domain,
                CancelationCall::Read,
                self.client.timezone(),
            ),
            Err(e) if e.is_not_found() => {
                let withdrawn = self
                    .withdrawn
                    .lock()
                    .ok()
                    .and_then(|w| w.get(domain).cloned());
                withdrawn.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Page `number` of the jobs `filter` may select.
    async fn jobs_page(&self, filter: &OperationFilter, number: u32) -> Result<Page<Operation>> {
        let query = convert::job_list_query(filter, number);
        let envelope = self.client.search_jobs(&query).await?;
        let more = more_pages(
            &query,
            envelope.object.as_ref(),
            envelope.data.len(),
            number,
        );
        let items = envelope
            .data
            .into_iter()
            .map(|j| convert::job_operation(j, self.client.timezone()))
            .collect::<Result<Vec<_>>>()?;
        let next = more.then(|| PageToken::Marker(format!("jobs:{}", number + 1)));
        Ok(Page::new(items, next))
    }

    async fn job(&self, id: &str) -> Result<Operation> {
        convert::job_operation(self.client.job(id).await?, self.client.timezone())
    }

    /// Reads the jobs `ids` with `_search`, a hundred per call; answers those found.
    async fn jobs(&self, ids: &[&str]) -> Result<HashMap<String, Operation>> {
        let mut found = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_PAGE_SIZE as usize) {
            let envelope = self.client.search_jobs(&convert::job_query(chunk)).await?;
            for job in envelope.data {
                let op = convert::job_operation(job, self.client.timezone())?;
                found.insert(op.id.as_str().to_owned(), op);
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl Backend for AutoDnsBackend {
    fn provider(&self) -> &str {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        let c = Capabilities::none().cancel().rate_limit(DEFAULT_RATE_LIMIT);
        if self.client.protocol() != Protocol::Json {
            // The gateway has no listing and no search: one cancelation at a time.
            return c;
        }
        let filter = FilterSupport::none().with_submitted(true).with_target(true);
        c.listing(filter, Pagination::PageNumber, Some(MAX_PAGE_SIZE))
            .batch_refresh(1000)
    }

    fn vocabulary(&self) -> regops_core::Vocabulary {
        convert::vocabulary()
    }

    async fn operation(&self, asked: &OperationId) -> Result<Operation> {
        let id = asked.as_str().trim();
        if convert::is_job_id(id) {
            regops_core::answering(self.job(id).await?, asked, PROVIDER)
        } else {
            // A domain's cancelation may be answered as the job carrying it out: its id is the
            // job's, not the domain.
            self.cancelation(id).await
        }
    }

    /// The cancelations' pages (`POST /domain/cancelation/_search`), then the jobs' (`POST
    /// /job/_search`): a listing shows both kinds of AutoDNS operation. The jobs' pages are
    /// marked `jobs:N`.
    async fn operations_page(
        &self,
        filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        let number = match listing_page(page.as_ref())? {
            Listing::Cancelations(n) => n,
            Listing::Jobs(n) => return self.jobs_page(filter, n).await,
        };
        let query = convert::cancelation_query(filter, number);
        let envelope = self.client.search_cancelations(&query).await?;
        let more = more_pages(
            &query,
            envelope.object.as_ref(),
            envelope.data.len(),
            number,
        );
        let status = envelope.status.clone();
        let items = envelope
            .data
            .iter()
            .map(|c| {
                convert::cancelation_operation(
                    c,
                    status.as_ref(),
                    None,
                    CancelationCall::Read,
                    self.client.timezone(),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let next = if more {
            PageToken::Number(number + 1)
        } else {
            PageToken::Marker("jobs:0".into())
        };
        Ok(Page::new(items, Some(next)))
    }

    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        // Jobs through one `_search` on the JSON API; cancelations, and jobs the search lacks,
        // on their own.
        regops_core::refresh::batched(self, ids, 1, |ids| async move {
            let job_ids: Vec<&str> = ids
                .iter()
                .map(|i| i.as_str().trim())
                .filter(|i| convert::is_job_id(i))
                .collect();
            if job_ids.len() > 1 && self.client.protocol() == Protocol::Json {
                let jobs = self.jobs(&job_ids).await?;
                Ok(jobs.into_iter().map(|(id, op)| (id, Ok(op))).collect())
            } else {
                Ok(HashMap::new())
            }
        })
        .await
    }

    /// Cancels a job, or deletes (withdraws) the cancelation of a domain. Sent once.
    async fn cancel(&self, id: &OperationId) -> Result<()> {
        let id = id.as_str().trim();
        if convert::is_job_id(id) {
            self.client.cancel_job(id).await.map(|_| ())
        } else {
            let answer = self.client.delete_cancelation(id).await?;
            let op = convert::answer_operation(
                &answer,
                id,
                CancelationCall::Delete,
                self.client.timezone(),
            )?;
            if let Ok(mut w) = self.withdrawn.lock() {
                w.insert(id.to_owned(), op);
            }
            Ok(())
        }
    }

    fn domain_cancel_backend(&self) -> Option<&dyn DomainCancelBackend> {
        Some(self)
    }

    fn notification_queue(&self) -> Option<&dyn NotificationQueue> {
        // The poll queue is a JSON API route; the gateway has none.
        (self.client.protocol() == Protocol::Json).then_some(self as &dyn NotificationQueue)
    }
}

#[async_trait]
impl NotificationQueue for AutoDnsBackend {
    async fn next_notification(&self) -> Result<Option<Notification>> {
        Ok(self
            .client
            .poll()
            .await?
            .as_ref()
            .and_then(convert::notification))
    }

    async fn acknowledge(&self, id: &str) -> Result<()> {
        self.client.poll_ack(id).await
    }
}

#[async_trait]
impl DomainCancelBackend for AutoDnsBackend {
    /// Creates a cancelation (`POST /domain/{name}/cancelation`, gateway task 0103101). Sent
    /// once; answers the operation as the create answered it.
    async fn cancel_domain(&self, domain: &str, request: &CancelRequest) -> Result<Operation> {
        let body = convert::cancelation_request(domain, request)?;
        let answer = self
            .client
            .create_cancelation(&body, request.reply_to.as_deref())
            .await?;
        convert::answer_operation(
            &answer,
            &body.domain,
            CancelationCall::Create,
            self.client.timezone(),
        )
    }

    /// Changes a cancelation (`PUT /domain/{name}/cancelation`, gateway task 0103102): its
    /// type, execution, date, disconnection or gaining registrar. The update takes no
    /// notification address. Sent once.
    async fn update_cancelation(&self, domain: &str, request: &CancelRequest) -> Result<Operation> {
        if request.reply_to.is_some() {
            return Err(Error::unsupported(
                "a cancelation update takes no notification address (--reply-to): only a create does; nothing was sent",
            )
            .with_provider(PROVIDER));
        }
        let body = convert::cancelation_request(domain, request)?;
        let answer = self.client.update_cancelation(&body).await?;
        convert::answer_operation(
            &answer,
            &body.domain,
            CancelationCall::Create,
            self.client.timezone(),
        )
    }
}

/// Which listing a page token points into.
enum Listing {
    /// Page N of the cancelations (a page number).
    Cancelations(u32),
    /// Page N of the jobs (a marker `jobs:N`).
    Jobs(u32),
}

fn listing_page(token: Option<&PageToken>) -> Result<Listing> {
    match token {
        None => Ok(Listing::Cancelations(0)),
        Some(PageToken::Number(n)) => Ok(Listing::Cancelations(*n)),
        Some(PageToken::Marker(m))
            if let Some(n) = m.strip_prefix("jobs:").and_then(|n| n.parse().ok()) =>
        {
            Ok(Listing::Jobs(n))
        }
        Some(other) => Err(
            Error::invalid_input(format!("not an AutoDNS page: {other:?}")).with_provider(PROVIDER),
        ),
    }
}

/// Whether a search has pages after page `number`, which answered `n` objects: by the
/// `summary` the answer's object gives, else by a full page.
fn more_pages(
    query: &crate::generated::Query,
    object: Option<&crate::generated::ResponseObject>,
    n: usize,
    number: u32,
) -> bool {
    let limit = query
        .view
        .as_ref()
        .and_then(|v| v.limit)
        .unwrap_or(i64::from(MAX_PAGE_SIZE));
    let seen = (i64::from(number) + 1) * limit;
    let more = match object.and_then(|o| o.summary) {
        Some(total) => seen < total,
        None => n as i64 == limit,
    };
    more && n > 0
}
