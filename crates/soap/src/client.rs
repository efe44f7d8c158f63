//! The Netim client: SOAP 1.1 rpc/encoded over HTTPS, in a session.
//!
//! The session is opened on first use (`sessionOpen`) and its id reused by every call; the
//! preferences the client was built with (synchronous or not, language) are set on each new
//! session. When a call faults with `E02` (the session is closed or expired), the client opens a
//! new session; a read is then sent once more, a call that changes something is not (the error
//! says that nothing was done). Transport failures of reads are retried with backoff; calls that
//! change something are sent once. [`NetimClient::close`] closes the session; dropping the last
//! clone closes it too, in the background, when a tokio runtime is running.

use crate::PROVIDER;
use crate::convert;
use crate::encoding::{self, SoapValue};
use crate::generated::{
    NAMESPACE, PRODUCTION_ENDPOINT, SOAP_ACTION_PREFIX, SessionPreference, SslPreference,
    StructCSR, StructOperationResponse, StructQueryOpePending, StructSSLInfo, StructSessionInfo,
};
use regops_core::{
    Error, Idempotency, RateLimiter, Redactor, Result, RetryPolicy, Secret, ServerTimeZone,
};
use regops_http::ClientSettings;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The largest answer accepted by default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// A Netim client. Cheap to clone: clones share the session, the connection pool and the rate
/// limiter.
#[derive(Clone)]
pub struct NetimClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    reseller: String,
    password: Secret,
    language: String,
    synchronous: bool,
    zone: ServerTimeZone,
    retry: RetryPolicy,
    max_body_bytes: usize,
    limiter: Option<RateLimiter>,
    redactor: Redactor,
    session: tokio::sync::Mutex<Option<Secret>>,
}

impl fmt::Debug for NetimClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetimClient")
            .field("endpoint", &self.inner.endpoint)
            .field("reseller", &self.inner.reseller)
            .field("password", &self.inner.password)
            .field("synchronous", &self.inner.synchronous)
            .finish_non_exhaustive()
    }
}

/// Builds a [`NetimClient`].
#[derive(Debug)]
pub struct NetimClientBuilder {
    endpoint: String,
    reseller: String,
    password: Secret,
    language: String,
    synchronous: bool,
    zone: ServerTimeZone,
    settings: ClientSettings,
    max_body_bytes: usize,
}

impl NetimClientBuilder {
    /// The endpoint (`https://api.netim.com/2.0/` by default).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The language of messages, `EN` (the default) or `FR`.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = language.into();
        self
    }

    /// Synchronous mode (the 2.0 default: a call answers `Done`/`Failed` when it can) or
    /// asynchronous mode (a call answers `Pending`, to be followed with `queryOpe`).
    pub fn synchronous(mut self, synchronous: bool) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// The zone of the server's times (Europe/Paris by default).
    pub fn timezone(mut self, zone: ServerTimeZone) -> Self {
        self.zone = zone;
        self
    }

    /// The largest answer accepted ([`DEFAULT_MAX_BODY_BYTES`] by default).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    // Requests are not paced by default.
    regops_http::client_settings_setters!(settings);

    /// Builds the client. Nothing is sent before the first call.
    pub fn build(self) -> Result<NetimClient> {
        regops_http::endpoint(&self.endpoint, PROVIDER)?;
        if self.reseller.trim().is_empty() || self.password.is_empty() {
            return Err(
                Error::invalid_input("the Netim reseller id and password are needed")
                    .with_provider(PROVIDER),
            );
        }
        let http = self
            .settings
            .http_client(concat!("regops-soap/", env!("CARGO_PKG_VERSION")))?;
        let mut redactor = Redactor::new();
        redactor.add(&self.password);
        Ok(NetimClient {
            inner: Arc::new(Inner {
                http,
                endpoint: self.endpoint,
                reseller: self.reseller,
                password: self.password,
                language: self.language,
                synchronous: self.synchronous,
                zone: self.zone,
                limiter: self.settings.limiter(),
                retry: self.settings.retry,
                max_body_bytes: self.max_body_bytes,
                redactor,
                session: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

impl NetimClient {
    /// A builder for reseller `reseller` with `password`, on the production endpoint.
    pub fn builder(reseller: impl Into<String>, password: Secret) -> NetimClientBuilder {
        NetimClientBuilder {
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            reseller: reseller.into(),
            password,
            language: "EN".into(),
            synchronous: true,
            zone: ServerTimeZone::PARIS,
            settings: ClientSettings::new(None),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The zone of the server's times.
    pub fn timezone(&self) -> ServerTimeZone {
        self.inner.zone
    }

    /// Whether the client works in synchronous mode.
    pub fn is_synchronous(&self) -> bool {
        self.inner.synchronous
    }

    /// Sends one envelope; answers the returned value, or the fault as an error.
    async fn send_once(&self, function: &'static str, xml: &str) -> Result<SoapValue> {
        let inner = &*self.inner;
        let answer = regops_http::Exchange {
            limiter: inner.limiter.as_ref(),
            max_body_bytes: inner.max_body_bytes,
            provider: PROVIDER,
        }
        .send(inner.post(function, xml.to_owned()), function)
        .await?;
        let (status, retry_after, bytes) = (answer.status, answer.retry_after, answer.body);
        match encoding::decode_response(&bytes) {
            Ok(Ok(value)) if (200..300).contains(&status) => Ok(value),
            Ok(Ok(_)) => Err(
                regops_http::status_error(status, retry_after, &bytes, PROVIDER)
                    .with_call(function),
            ),
            Ok(Err(fault)) => Err(convert::fault_error(&fault, status).with_call(function)),
            Err(_) if !(200..300).contains(&status) => {
                Err(
                    regops_http::status_error(status, retry_after, &bytes, PROVIDER)
                        .with_call(function),
                )
            }
            Err(e) => Err(e.with_call(function)),
        }
    }

    /// Sends `function` with `params` under the retry policy, redacting with `session` too.
    async fn send(
        &self,
        function: &'static str,
        params: &[(&str, SoapValue)],
        idempotency: Idempotency,
        session: Option<&Secret>,
    ) -> Result<SoapValue> {
        let xml = encoding::envelope(NAMESPACE, function, params);
        let result = self
            .inner
            .retry
            .run(idempotency, || self.send_once(function, &xml))
            .await;
        result.map_err(|e| {
            let mut redactor = self.inner.redactor.clone();
            if let Some(s) = session {
                redactor.add(s);
            }
            e.redact(&redactor)
        })
    }

    /// The current session id, opening a session (and setting its preferences) when there is
    /// none.
    async fn session(&self) -> Result<Secret> {
        let mut slot = self.inner.session.lock().await;
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let inner = &*self.inner;
        let opened = self
            .send(
                "sessionOpen",
                &[
                    ("idReseller", SoapValue::string(inner.reseller.clone())),
                    ("password", SoapValue::string(inner.password.expose())),
                    ("language", SoapValue::string(inner.language.clone())),
                ],
                Idempotency::Idempotent,
                None,
            )
            .await?;
        let id = match opened {
            SoapValue::String(s) if !s.trim().is_empty() => Secret::new(s.trim()),
            other => {
                return Err(Error::protocol(
                    format!("sessionOpen answered {}", kind_of(&other)),
                    b"",
                )
                .with_provider(PROVIDER));
            }
        };
        if !inner.synchronous {
            self.send(
                "sessionSetPreference",
                &[
                    ("idSession", SoapValue::string(id.expose())),
                    ("type", SoapValue::string(SessionPreference::Sync.as_str())),
                    ("value", SoapValue::Int(0)),
                ],
                Idempotency::Idempotent,
                Some(&id),
            )
            .await?;
        }
        *slot = Some(id.clone());
        Ok(id)
    }

    /// Forgets `session` if it is still the current one.
    async fn forget(&self, session: &Secret) {
        let mut slot = self.inner.session.lock().await;
        if slot.as_ref() == Some(session) {
            *slot = None;
        }
    }

    /// Calls `function` with the session id first and `params` after it. On the session fault
    /// the session is renewed, and a read is sent once more.
    pub async fn call(
        &self,
        function: &'static str,
        params: Vec<(&str, SoapValue)>,
        idempotency: Idempotency,
    ) -> Result<SoapValue> {
        let mut renewed = false;
        loop {
            let session = self.session().await?;
            let mut all = Vec::with_capacity(params.len() + 1);
            all.push(("idSession", SoapValue::string(session.expose())));
            all.extend(params.iter().cloned());
            match self.send(function, &all, idempotency, Some(&session)).await {
                Err(e) if convert::is_session_fault(&e) => {
                    self.forget(&session).await;
                    if idempotency.is_idempotent() && !renewed {
                        tracing::info!(
                            provider = PROVIDER,
                            function,
                            "session expired; opening a new one"
                        );
                        renewed = true;
                        continue;
                    }
                    let message = format!(
                        "{} (the session had expired; nothing was done; a new session is opened by the next call)",
                        e.message()
                    );
                    return Err(e
                        .with_message(message)
                        .with_code(crate::generated::SESSION_FAULT)
                        .with_provider(PROVIDER)
                        .with_call(function));
                }
                other => return other,
            }
        }
    }

    /// [`call`](Self::call), its answer read as `T`.
    async fn decoded<T: serde::de::DeserializeOwned>(
        &self,
        function: &'static str,
        params: Vec<(&str, SoapValue)>,
        idempotency: Idempotency,
    ) -> Result<T> {
        let value = self.call(function, params, idempotency).await?;
        convert::decode(value, function)
    }

    /// `sessionClose`: closes the session, if one is open.
    pub async fn close(&self) -> Result<()> {
        let Some(session) = self.inner.session.lock().await.take() else {
            return Ok(());
        };
        self.send(
            "sessionClose",
            &[("idSession", SoapValue::string(session.expose()))],
            Idempotency::Idempotent,
            Some(&session),
        )
        .await
        .map(|_| ())
    }

    /// `sessionSetPreference` on the current session.
    pub async fn set_preference(&self, preference: SessionPreference, value: &str) -> Result<()> {
        let value = match value.parse::<i64>() {
            Ok(n) => SoapValue::Int(n),
            Err(_) => SoapValue::string(value),
        };
        self.call(
            "sessionSetPreference",
            vec![
                ("type", SoapValue::string(preference.as_str())),
                ("value", value),
            ],
            Idempotency::Idempotent,
        )
        .await
        .map(|_| ())
    }

    /// `sessionInfo`.
    pub async fn session_info(&self) -> Result<StructSessionInfo> {
        self.decoded("sessionInfo", vec![], Idempotency::Idempotent)
            .await
    }

    /// `queryOpe`: the state of an operation.
    pub async fn query_ope(&self, id: i64) -> Result<StructOperationResponse> {
        self.decoded(
            "queryOpe",
            vec![("idOpe", SoapValue::Int(id))],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cancelOpe`: cancels a pending operation. Sent once. Answers the operation when the
    /// server returns it.
    pub async fn cancel_ope(&self, id: i64) -> Result<Option<StructOperationResponse>> {
        let v = self
            .call(
                "cancelOpe",
                vec![("idOpe", SoapValue::Int(id))],
                Idempotency::NonIdempotent,
            )
            .await?;
        match v {
            SoapValue::Struct(_) | SoapValue::Map(_) => Ok(Some(convert::decode(v, "cancelOpe")?)),
            _ => Ok(None),
        }
    }

    /// `queryOpePending`: every pending operation.
    pub async fn query_ope_pending(&self) -> Result<Vec<StructQueryOpePending>> {
        let v = self
            .call("queryOpePending", vec![], Idempotency::Idempotent)
            .await?;
        convert::decode_list(v, "queryOpePending")
    }

    /// `queryOpeList`: which operations extension `tld` allows.
    pub async fn query_ope_list(&self, tld: &str) -> Result<BTreeMap<String, bool>> {
        let map: BTreeMap<String, crate::wire::Flag> = self
            .decoded(
                "queryOpeList",
                vec![("tld", SoapValue::string(tld))],
                Idempotency::Idempotent,
            )
            .await?;
        Ok(map.into_iter().map(|(k, f)| (k, f.0)).collect())
    }

    /// `sslCreate`: orders a certificate of product `prod`. Sent once.
    pub async fn ssl_create(
        &self,
        prod: &str,
        duration: i64,
        csr: &StructCSR,
        validation: &str,
    ) -> Result<StructOperationResponse> {
        self.decoded(
            "sslCreate",
            vec![
                ("prod", SoapValue::string(prod)),
                ("duration", SoapValue::Int(duration)),
                ("CSR", convert::to_soap(csr)?),
                ("validation", SoapValue::string(validation)),
            ],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `sslRenew`. Sent once.
    pub async fn ssl_renew(&self, id: i64, duration: i64) -> Result<StructOperationResponse> {
        self.decoded(
            "sslRenew",
            vec![
                ("IDSSL", SoapValue::Int(id)),
                ("duration", SoapValue::Int(duration)),
            ],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `sslRevoke`. Sent once.
    pub async fn ssl_revoke(&self, id: i64) -> Result<StructOperationResponse> {
        self.decoded(
            "sslRevoke",
            vec![("IDSSL", SoapValue::Int(id))],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `sslReIssue`: reissues with a new CSR. Sent once.
    pub async fn ssl_reissue(
        &self,
        id: i64,
        csr: &StructCSR,
        validation: &str,
    ) -> Result<StructOperationResponse> {
        self.decoded(
            "sslReIssue",
            vec![
                ("IDSSL", SoapValue::Int(id)),
                ("CSR", convert::to_soap(csr)?),
                ("validation", SoapValue::string(validation)),
            ],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `sslSetPreference` (`auto_renew` or `to_be_renewed`, 0 or 1). Sent once.
    pub async fn ssl_set_preference(
        &self,
        id: i64,
        preference: SslPreference,
        value: bool,
    ) -> Result<StructOperationResponse> {
        self.decoded(
            "sslSetPreference",
            vec![
                ("IDSSL", SoapValue::Int(id)),
                ("codePref", SoapValue::string(preference.as_str())),
                ("value", SoapValue::Int(i64::from(value))),
            ],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `sslInfo`.
    pub async fn ssl_info(&self, id: i64) -> Result<StructSSLInfo> {
        self.decoded(
            "sslInfo",
            vec![("IDSSL", SoapValue::Int(id))],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `domainPriceList`: the price list of every extension, as the server returns it.
    pub async fn domain_price_list(&self) -> Result<SoapValue> {
        self.call("domainPriceList", vec![], Idempotency::Idempotent)
            .await
    }

    /// `queryHostList`: the hosts of the account with their addresses, as returned.
    pub async fn query_host_list(&self) -> Result<SoapValue> {
        self.call("queryHostList", vec![], Idempotency::Idempotent)
            .await
    }

    /// `queryResellerAccount`: the reseller account and its preferences, as returned.
    pub async fn query_reseller_account(&self) -> Result<SoapValue> {
        self.call("queryResellerAccount", vec![], Idempotency::Idempotent)
            .await
    }
}

fn kind_of(v: &SoapValue) -> &'static str {
    match v {
        SoapValue::Null => "nothing",
        SoapValue::String(_) => "an empty string",
        SoapValue::Struct(_) | SoapValue::Map(_) => "a structure",
        SoapValue::Array(_) => "an array",
        _ => "a number or a flag",
    }
}

impl Inner {
    /// The HTTP request of `function` with the envelope `xml`.
    fn post(&self, function: &str, xml: String) -> reqwest::RequestBuilder {
        self.http
            .post(&self.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header("SOAPAction", format!("\"{SOAP_ACTION_PREFIX}{function}\""))
            .body(xml)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(session) = self.session.get_mut().take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let xml = encoding::envelope(
            NAMESPACE,
            "sessionClose",
            &[("idSession", SoapValue::string(session.expose()))],
        );
        let request = self.post("sessionClose", xml);
        runtime.spawn(async move {
            let _ = request.send().await;
        });
    }
}
