//! The AutoDNS client: the JSON API (HTTP basic auth and `X-Domainrobot-Context`) or the XML
//! gateway, chosen by the endpoint.
//!
//! Reads (`GET`, `_search`, gateway info) are retried with backoff under the client's
//! [`RetryPolicy`], honouring `Retry-After`; creates, updates, deletes and job cancels are sent
//! once and never resent after they may have reached the server. Requests are paced to
//! [`DEFAULT_RATE_LIMIT`] per second by default (AutoDNS allows three per account).

use crate::PROVIDER;
use crate::convert;
use crate::gateway::{self, Auth, Node};
use crate::generated::{
    CONTEXT_HEADER, Cancelation, CancelationRequest, Job, PRODUCTION_ENDPOINT, PollMessage, Query,
    TASK_CANCELATION_CREATE, TASK_CANCELATION_DELETE, TASK_CANCELATION_INFO,
    TASK_CANCELATION_UPDATE, TASK_JOB_CANCEL, TASK_JOB_INFO,
};
use crate::wire::{CancelationAnswer, Envelope};
use regops_core::{
    Error, Idempotency, RateLimiter, Redactor, Result, RetryPolicy, Secret, ServerTimeZone,
};
use regops_http::ClientSettings;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;

/// The largest answer accepted by default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 << 20;

/// Requests per second by default: AutoDNS allows three per account.
pub const DEFAULT_RATE_LIMIT: f64 = 3.0;

/// The context used when none is given.
pub const DEFAULT_CONTEXT: u32 = 4;

/// Which of AutoDNS' two protocols a client speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// The JSON API (`https://api.autodns.com/v1`).
    Json,
    /// The XML gateway (an endpoint ending in `/gateway`, or `gateway.autodns.com`).
    Gateway,
}

impl Protocol {
    /// The protocol an endpoint speaks: the gateway when its path ends in `/gateway` or its
    /// host is `gateway.autodns.com`, the JSON API otherwise.
    pub fn of_endpoint(url: &str) -> Protocol {
        let trimmed = url.trim().trim_end_matches('/');
        let host_is_gateway = reqwest::Url::parse(trimmed)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.eq_ignore_ascii_case("gateway.autodns.com"))
            })
            .unwrap_or(false);
        if trimmed.ends_with("/gateway") || host_is_gateway {
            Protocol::Gateway
        } else {
            Protocol::Json
        }
    }
}

/// An AutoDNS client. Cheap to clone: clones share the connection pool and the rate limiter.
#[derive(Clone)]
pub struct AutoDnsClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    protocol: Protocol,
    user: String,
    password: Secret,
    context: u32,
    zone: ServerTimeZone,
    retry: RetryPolicy,
    max_body_bytes: usize,
    limiter: Option<RateLimiter>,
    redactor: Redactor,
}

impl fmt::Debug for AutoDnsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoDnsClient")
            .field("endpoint", &self.inner.endpoint)
            .field("protocol", &self.inner.protocol)
            .field("user", &self.inner.user)
            .field("password", &self.inner.password)
            .field("context", &self.inner.context)
            .finish_non_exhaustive()
    }
}

/// Builds an [`AutoDnsClient`].
#[derive(Debug)]
pub struct AutoDnsClientBuilder {
    user: String,
    password: Secret,
    endpoint: String,
    context: u32,
    zone: ServerTimeZone,
    settings: ClientSettings,
    max_body_bytes: usize,
}

impl AutoDnsClientBuilder {
    /// The endpoint: the JSON API's base URL, or the gateway's URL (see
    /// [`Protocol::of_endpoint`]). Production JSON by default.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The context (`X-Domainrobot-Context`, the gateway's `<context>`); 4 by default.
    pub fn context(mut self, context: u32) -> Self {
        self.context = context;
        self
    }

    /// The zone of the gateway's local times (Europe/Berlin's offsets by default, which are
    /// Europe/Paris').
    pub fn timezone(mut self, zone: ServerTimeZone) -> Self {
        self.zone = zone;
        self
    }

    // The default pace is `DEFAULT_RATE_LIMIT` requests per second, without bursts.
    regops_http::client_settings_setters!(settings);

    /// The largest answer accepted ([`DEFAULT_MAX_BODY_BYTES`] by default).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<AutoDnsClient> {
        regops_http::endpoint(&self.endpoint, PROVIDER)?;
        if self.user.trim().is_empty() {
            return Err(Error::invalid_input("the AutoDNS user is empty").with_provider(PROVIDER));
        }
        let http = self
            .settings
            .http_client(concat!("regops-rest/", env!("CARGO_PKG_VERSION")))?;
        let mut redactor = Redactor::new();
        redactor.add(&self.password);
        Ok(AutoDnsClient {
            inner: Arc::new(Inner {
                http,
                protocol: Protocol::of_endpoint(&self.endpoint),
                endpoint: self.endpoint.trim().trim_end_matches('/').to_owned(),
                user: self.user,
                password: self.password,
                context: self.context,
                zone: self.zone,
                limiter: self.settings.limiter(),
                retry: self.settings.retry,
                max_body_bytes: self.max_body_bytes,
                redactor,
            }),
        })
    }
}

/// One HTTP request of the JSON API.
struct JsonRequest<'a> {
    method: Method,
    path: String,
    query: Vec<(&'static str, &'a str)>,
    body: Option<Vec<u8>>,
    call: &'static str,
}

impl<'a> JsonRequest<'a> {
    fn new(method: Method, path: impl Into<String>, call: &'static str) -> Self {
        JsonRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            call,
        }
    }

    fn body(mut self, value: &impl Serialize) -> Result<Self> {
        self.body = Some(to_json(value)?);
        Ok(self)
    }
}

impl AutoDnsClient {
    /// A builder for a client logging in as `user` with `password`, on the production JSON API.
    pub fn builder(user: impl Into<String>, password: Secret) -> AutoDnsClientBuilder {
        AutoDnsClientBuilder {
            user: user.into(),
            password,
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            context: DEFAULT_CONTEXT,
            zone: ServerTimeZone::named("Europe/Berlin").unwrap_or(ServerTimeZone::PARIS),
            settings: ClientSettings::new(Some((DEFAULT_RATE_LIMIT, 1))),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The protocol the endpoint speaks.
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// The zone local times of the gateway are read in.
    pub fn timezone(&self) -> ServerTimeZone {
        self.inner.zone
    }

    /// Sends one request through the account's exchange (limiter, `Retry-After`, bounded body).
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        call: &'static str,
    ) -> Result<regops_http::Answer> {
        regops_http::Exchange {
            limiter: self.inner.limiter.as_ref(),
            max_body_bytes: self.inner.max_body_bytes,
            provider: PROVIDER,
        }
        .send(request, call)
        .await
    }

    async fn json_once<T: DeserializeOwned>(&self, r: &JsonRequest<'_>) -> Result<Envelope<T>> {
        let inner = &*self.inner;
        let mut url =
            reqwest::Url::parse(&format!("{}{}", inner.endpoint, r.path)).map_err(|e| {
                Error::invalid_input(format!("{}: {e}", r.call)).with_provider(PROVIDER)
            })?;
        if !r.query.is_empty() {
            url.query_pairs_mut().extend_pairs(r.query.iter().copied());
        }
        let mut request = inner
            .http
            .request(r.method.clone(), url)
            .basic_auth(&inner.user, Some(inner.password.expose()))
            .header(CONTEXT_HEADER, inner.context.to_string())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &r.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let answer = self.send(request, r.call).await?;
        let (status, retry_after, bytes) = (answer.status, answer.retry_after, answer.body);
        let envelope = decode_envelope::<T>(&bytes);
        let failed = !(200..300).contains(&status)
            || envelope
                .as_ref()
                .ok()
                .and_then(|e| e.status.as_ref())
                .and_then(|s| s.r#type.as_ref())
                .is_some_and(|t| *t == crate::generated::StatusType::Error);
        if failed {
            // The envelope of an error may not decode as `T`: read its status on its own.
            let any: Option<Envelope<serde_json::Value>> = regops_http::decode_json(&bytes).ok();
            let (st, msgs) = any
                .map(|e| (e.status, e.messages))
                .unwrap_or((None, Vec::new()));
            return Err(
                convert::answer_error(status, st.as_ref(), &msgs, retry_after, &bytes)
                    .with_call(r.call),
            );
        }
        envelope.map_err(|e| e.with_call(r.call))
    }

    async fn json<T: DeserializeOwned>(
        &self,
        request: JsonRequest<'_>,
        idempotency: Idempotency,
    ) -> Result<Envelope<T>> {
        self.inner
            .retry
            .run(idempotency, || self.json_once(&request))
            .await
            .map_err(|e| e.redact(&self.inner.redactor))
    }

    /// A call only the JSON API has: refused on a gateway account before anything is sent.
    async fn json_api<T: DeserializeOwned>(
        &self,
        what: &str,
        request: JsonRequest<'_>,
        idempotency: Idempotency,
    ) -> Result<Envelope<T>> {
        self.json_only(what)?;
        self.json(request, idempotency).await
    }

    async fn gateway_once(&self, xml: &str, call: &'static str) -> Result<CancelationAnswer> {
        let inner = &*self.inner;
        let request = inner
            .http
            .post(&inner.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .body(xml.to_owned());
        let answer = self.send(request, call).await?;
        let (status, bytes) = (answer.status, &answer.body);
        let root = match gateway::parse(bytes) {
            Ok(root) => root,
            Err(_) if !answer.is_success() => {
                return Err(
                    regops_http::status_error(status, answer.retry_after, bytes, PROVIDER)
                        .with_call(call),
                );
            }
            Err(e) => return Err(e.with_call(call)),
        };
        convert::gateway_answer(&root, status, bytes).map_err(|e| e.with_call(call))
    }

    async fn gateway(
        &self,
        code: &str,
        task: Vec<Node>,
        call: &'static str,
        idempotency: Idempotency,
    ) -> Result<CancelationAnswer> {
        let inner = &*self.inner;
        let xml = gateway::request(
            &Auth {
                user: &inner.user,
                password: &inner.password,
                context: inner.context,
            },
            code,
            task,
        );
        inner
            .retry
            .run(idempotency, || self.gateway_once(&xml, call))
            .await
            .map_err(|e| e.redact(&inner.redactor))
    }

    /// A gateway job task (`TASK_JOB_INFO`, `TASK_JOB_CANCEL`) on job `id`: `<job><id>` in,
    /// the `<data><job>` of the answer out.
    async fn gateway_job(
        &self,
        id: &str,
        code: &str,
        call: &'static str,
        idempotency: Idempotency,
    ) -> Result<Job> {
        let id = job_segment(id)?;
        let task = vec![Node::Parent("job", vec![Node::Text("id", id.to_owned())])];
        let answer = self.gateway(code, task, call, idempotency).await?;
        answer.job.ok_or_else(|| {
            Error::not_found(format!("job {id}: the answer holds no job"))
                .with_provider(PROVIDER)
                .with_call(call)
        })
    }

    fn json_only(&self, what: &str) -> Result<()> {
        match self.inner.protocol {
            Protocol::Json => Ok(()),
            Protocol::Gateway => Err(Error::unsupported(format!(
                "{what} is a call of the JSON API; this account's endpoint is the XML gateway"
            ))
            .with_provider(PROVIDER)),
        }
    }

    fn cancelation_answer(envelope: Envelope<Cancelation>) -> CancelationAnswer {
        CancelationAnswer {
            job: None,
            stid: envelope.stid,
            status: envelope.status,
            job_id: envelope
                .object
                .as_ref()
                .filter(|o| {
                    o.r#type
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("job"))
                })
                .and_then(|o| o.value.clone())
                .map(crate::wire::Id),
            object: envelope.object,
            messages: envelope.messages,
            cancelation: envelope.data.into_iter().next(),
        }
    }

    /// Creates a cancelation (`POST /domain/{name}/cancelation`, gateway task 0103101).
    /// `reply_to` is where AutoDNS sends its notification. Sent once.
    pub async fn create_cancelation(
        &self,
        request: &CancelationRequest,
        reply_to: Option<&str>,
    ) -> Result<CancelationAnswer> {
        match self.inner.protocol {
            Protocol::Json => {
                let mut call = JsonRequest::new(
                    Method::POST,
                    domain_path(&request.domain)?,
                    "cancelation create",
                )
                .body(request)?;
                if let Some(r) = reply_to {
                    call.query.push(("replyTo", r));
                }
                let envelope = self.json(call, Idempotency::NonIdempotent).await?;
                Ok(Self::cancelation_answer(envelope))
            }
            Protocol::Gateway => {
                let mut task = vec![gateway::cancelation(request, self.inner.zone)];
                if let Some(r) = reply_to {
                    task.push(Node::Text("reply_to", r.to_owned()));
                }
                self.gateway(
                    TASK_CANCELATION_CREATE,
                    task,
                    "cancelation create",
                    Idempotency::NonIdempotent,
                )
                .await
            }
        }
    }

    /// Changes a cancelation (`PUT`, gateway task 0103102). Sent once.
    pub async fn update_cancelation(
        &self,
        request: &CancelationRequest,
    ) -> Result<CancelationAnswer> {
        match self.inner.protocol {
            Protocol::Json => {
                let call = JsonRequest::new(
                    Method::PUT,
                    domain_path(&request.domain)?,
                    "cancelation update",
                )
                .body(request)?;
                let envelope = self.json(call, Idempotency::NonIdempotent).await?;
                Ok(Self::cancelation_answer(envelope))
            }
            Protocol::Gateway => {
                self.gateway(
                    TASK_CANCELATION_UPDATE,
                    vec![gateway::cancelation(request, self.inner.zone)],
                    "cancelation update",
                    Idempotency::NonIdempotent,
                )
                .await
            }
        }
    }

    /// Deletes (withdraws) the cancelation of `domain` (`DELETE`, gateway task 0103103). Sent
    /// once.
    pub async fn delete_cancelation(&self, domain: &str) -> Result<CancelationAnswer> {
        self.by_domain(
            domain,
            Method::DELETE,
            TASK_CANCELATION_DELETE,
            "cancelation delete",
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// Reads the cancelation of `domain` (`GET`, gateway task 0103104).
    pub async fn cancelation_info(&self, domain: &str) -> Result<CancelationAnswer> {
        self.by_domain(
            domain,
            Method::GET,
            TASK_CANCELATION_INFO,
            "cancelation info",
            Idempotency::Idempotent,
        )
        .await
    }

    async fn by_domain(
        &self,
        domain: &str,
        method: Method,
        task: &str,
        call: &'static str,
        idempotency: Idempotency,
    ) -> Result<CancelationAnswer> {
        match self.inner.protocol {
            Protocol::Json => {
                let request = JsonRequest::new(method, domain_path(domain)?, call);
                let envelope = self.json(request, idempotency).await?;
                Ok(Self::cancelation_answer(envelope))
            }
            Protocol::Gateway => {
                self.gateway(task, vec![gateway::domain(domain)], call, idempotency)
                    .await
            }
        }
    }

    /// Lists cancelations (`POST /domain/cancelation/_search`; JSON API only).
    pub async fn search_cancelations(&self, query: &Query) -> Result<Envelope<Cancelation>> {
        let request = JsonRequest::new(
            Method::POST,
            "/domain/cancelation/_search",
            "cancelation search",
        );
        self.json_api(
            "listing cancelations",
            request.body(query)?,
            Idempotency::Idempotent,
        )
        .await
    }

    /// Reads a job (`GET /job/{id}`; JSON API only).
    pub async fn job(&self, id: &str) -> Result<Job> {
        if self.inner.protocol == Protocol::Gateway {
            return self
                .gateway_job(id, TASK_JOB_INFO, "job info", Idempotency::Idempotent)
                .await;
        }
        let path = format!("/job/{}", job_segment(id)?);
        let request = JsonRequest::new(Method::GET, path, "job info");
        let envelope: Envelope<Job> = self
            .json_api("reading a job", request, Idempotency::Idempotent)
            .await?;
        envelope.data.into_iter().next().ok_or_else(|| {
            Error::not_found(format!("job {id}: the answer holds no job")).with_provider(PROVIDER)
        })
    }

    /// Searches jobs (`POST /job/_search`; JSON API only).
    pub async fn search_jobs(&self, query: &Query) -> Result<Envelope<Job>> {
        let request = JsonRequest::new(Method::POST, "/job/_search", "job search");
        self.json_api(
            "searching jobs",
            request.body(query)?,
            Idempotency::Idempotent,
        )
        .await
    }

    /// Cancels a job (`PUT /job/{id}/_cancel`; JSON API only). Sent once.
    pub async fn cancel_job(&self, id: &str) -> Result<Envelope<Job>> {
        if self.inner.protocol == Protocol::Gateway {
            let job = self
                .gateway_job(
                    id,
                    TASK_JOB_CANCEL,
                    "job cancel",
                    Idempotency::NonIdempotent,
                )
                .await?;
            return Ok(Envelope {
                stid: None,
                ctid: None,
                messages: Vec::new(),
                status: None,
                object: None,
                data: vec![job],
            });
        }
        let path = format!("/job/{}/_cancel", job_segment(id)?);
        let request = JsonRequest::new(Method::PUT, path, "job cancel");
        self.json_api("cancelling a job", request, Idempotency::NonIdempotent)
            .await
    }

    /// The oldest notification of the poll queue (`GET /poll`; JSON API only), if any.
    pub async fn poll(&self) -> Result<Option<PollMessage>> {
        let request = JsonRequest::new(Method::GET, "/poll", "poll info");
        let envelope: Envelope<PollMessage> = self
            .json_api("polling notifications", request, Idempotency::Idempotent)
            .await?;
        Ok(envelope.data.into_iter().next())
    }

    /// Acknowledges notification `id` (`PUT /poll/{id}`; JSON API only), taking it off the
    /// queue. Acknowledging twice is harmless, so it is retried like a read.
    pub async fn poll_ack(&self, id: &str) -> Result<()> {
        let path = format!("/poll/{}", job_segment(id)?);
        let request = JsonRequest::new(Method::PUT, path, "poll confirm");
        let _: Envelope<serde_json::Value> = self
            .json_api(
                "acknowledging notifications",
                request,
                Idempotency::Idempotent,
            )
            .await?;
        Ok(())
    }
}

fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value)
        .map_err(|e| Error::invalid_input(format!("cannot encode the request: {e}")))
}

/// `/domain/{name}/cancelation`, refusing names that would change the path.
fn domain_path(domain: &str) -> Result<String> {
    let d = domain.trim();
    if d.is_empty()
        || d.len() > 253
        || !d
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
    {
        return Err(
            Error::invalid_input(format!("`{domain}` is not a domain name"))
                .with_provider(PROVIDER),
        );
    }
    Ok(format!("/domain/{d}/cancelation"))
}

/// A job or message id as a path segment: digits only.
fn job_segment(id: &str) -> Result<&str> {
    let id = id.trim();
    if convert::is_job_id(id) {
        Ok(id)
    } else {
        Err(Error::invalid_input(format!("`{id}` is not a job id")).with_provider(PROVIDER))
    }
}

/// Decodes an answer of the JSON API into its envelope, as the client does (also for
/// benchmarks and tools that read saved answers).
pub fn decode_envelope<T: DeserializeOwned>(bytes: &[u8]) -> Result<Envelope<T>> {
    regops_http::decode_json(bytes).map_err(|e| {
        Error::protocol(format!("undecodable answer: {e}"), bytes).with_provider(PROVIDER)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_decides_the_protocol() {
        for (url, p) in [
            ("https://api.autodns.com/v1", Protocol::Json),
            ("https://api.demo.autodns.com/v1/", Protocol::Json),
            ("https://gateway.autodns.com", Protocol::Gateway),
            ("https://demo.autodns.com/gateway/", Protocol::Gateway),
            ("http://127.0.0.1:8080/autodns/gateway", Protocol::Gateway),
            ("http://127.0.0.1:8080/autodns/v1", Protocol::Json),
        ] {
            assert_eq!(Protocol::of_endpoint(url), p, "{url}");
        }
    }

    #[test]
    fn paths_cannot_be_steered() {
        assert_eq!(
            domain_path("example.com").unwrap(),
            "/domain/example.com/cancelation"
        );
        assert_eq!(
            domain_path("bücher.de").unwrap(),
            "/domain/bücher.de/cancelation"
        );
        for bad in ["", "a/b", "../x", "a?b", "a b", "x#"] {
            assert!(domain_path(bad).is_err(), "{bad}");
        }
        assert!(job_segment("123").is_ok());
        assert!(job_segment("12a").is_err());
    }

    #[test]
    fn the_password_stays_out_of_debug() {
        let c = AutoDnsClient::builder("me", Secret::new("hunter2-password"))
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("me"));
    }
}
