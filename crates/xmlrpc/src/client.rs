//! The Gandi API v3 client: one typed async method per API method.
//!
//! Every call sends the API key as its first parameter, decodes the answer straight into the
//! method's return type, and maps faults and HTTP failures to [`regops_core::Error`]. Reads are
//! retried with backoff under the client's [`RetryPolicy`]; calls that change something
//! (create, renew, update, delete, cancel, relaunch, DCV changes) are sent once and never resent
//! after they may have reached the server.

use crate::PROVIDER;
use crate::codec::{decode_response, encode_call};
use crate::convert;
use crate::de::Limits;
use crate::generated::{
    CertListOptions, CertPackageListOptions, CertPackageReturn, CertificateCreate,
    CertificateDelete, CertificateRenew, CertificateReturn, CertificateUpdate, DcvMethodParams,
    DcvParamsReturn, OperationListOptions, OperationReturn, PRODUCTION_ENDPOINT, RelaunchParams,
    SslCreateParams, SslListOptions, SslListReturn, SslReturn, TEST_ENDPOINT,
};
use crate::ser::to_value;
use crate::value::Value;
use regops_core::{
    Error, Idempotency, RateLimiter, Redactor, Result, RetryPolicy, Secret, ServerTimeZone,
};
use regops_http::ClientSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;

/// A Gandi API v3 client. Cheap to clone: clones share the connection pool and rate limiter.
#[derive(Clone)]
pub struct GandiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    api_key: Secret,
    act_as: Option<String>,
    zone: ServerTimeZone,
    retry: RetryPolicy,
    limits: Limits,
    limiter: Option<RateLimiter>,
    redactor: Redactor,
}

impl fmt::Debug for GandiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GandiClient")
            .field("endpoint", &self.inner.endpoint)
            .field("api_key", &self.inner.api_key)
            .field("act_as", &self.inner.act_as)
            .field("zone", &self.inner.zone)
            .finish_non_exhaustive()
    }
}

/// Builds a [`GandiClient`].
#[must_use]
pub struct GandiClientBuilder {
    endpoint: String,
    api_key: Secret,
    act_as: Option<String>,
    zone: ServerTimeZone,
    limits: Limits,
    settings: ClientSettings,
}

impl fmt::Debug for GandiClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GandiClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

impl GandiClientBuilder {
    /// The endpoint URL (the production endpoint by default).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// Uses the test (OT&E) endpoint.
    pub fn test_endpoint(self) -> Self {
        self.endpoint(TEST_ENDPOINT)
    }

    /// The zone the server writes its times in (Europe/Paris by default).
    pub fn timezone(mut self, zone: ServerTimeZone) -> Self {
        self.zone = zone;
        self
    }

    /// Makes certificate calls on behalf of a customer handle (the `SudoableIdent` form of the
    /// key parameter, for resellers).
    pub fn act_as(mut self, handle: impl Into<String>) -> Self {
        self.act_as = Some(handle.into());
        self
    }

    /// Bounds on the answers accepted.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    // Requests are not paced by default.
    regops_http::client_settings_setters!(settings);

    /// Builds the client.
    pub fn build(self) -> Result<GandiClient> {
        regops_http::endpoint(&self.endpoint, PROVIDER)?;
        if self.api_key.is_empty() {
            return Err(Error::invalid_input("the Gandi API key is empty").with_provider(PROVIDER));
        }
        let http = self
            .settings
            .http_client(concat!("regops-xmlrpc/", env!("CARGO_PKG_VERSION")))?;
        let mut redactor = Redactor::new();
        redactor.add(&self.api_key);
        Ok(GandiClient {
            inner: Arc::new(Inner {
                http,
                endpoint: self.endpoint,
                api_key: self.api_key,
                act_as: self.act_as,
                zone: self.zone,
                limiter: self.settings.limiter(),
                retry: self.settings.retry,
                limits: self.limits,
                redactor,
            }),
        })
    }
}

/// Which form of the key parameter a method takes.
#[derive(Clone, Copy)]
enum Ident {
    /// The bare API key (`operation.*`).
    Key,
    /// A `SudoableIdent` when acting as a customer (`cert.*`).
    Sudoable,
}

impl GandiClient {
    /// A builder for a client using `api_key` on the production endpoint.
    pub fn builder(api_key: Secret) -> GandiClientBuilder {
        GandiClientBuilder {
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            api_key,
            act_as: None,
            zone: ServerTimeZone::PARIS,
            limits: Limits::default(),
            settings: ClientSettings::new(None),
        }
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The zone the server writes its times in.
    pub fn timezone(&self) -> ServerTimeZone {
        self.inner.zone
    }

    fn ident(&self, form: Ident) -> Value {
        let key = Value::String(self.inner.api_key.expose().to_owned());
        match (form, &self.inner.act_as) {
            (Ident::Sudoable, Some(handle)) => {
                Value::structure([("apikey", key), ("handle", Value::String(handle.clone()))])
            }
            _ => key,
        }
    }

    /// Calls `method` with the key and `params`, decoding the result as `T`.
    ///
    /// `idempotency` decides whether a failed call may be sent again: only
    /// [`Idempotency::Idempotent`] calls are retried after they may have reached the server.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: Vec<Value>,
        idempotency: Idempotency,
    ) -> Result<T> {
        self.call_as(method, Ident::Key, params, idempotency).await
    }

    async fn call_as<T: DeserializeOwned>(
        &self,
        method: &'static str,
        ident: Ident,
        params: Vec<Value>,
        idempotency: Idempotency,
    ) -> Result<T> {
        let mut all = Vec::with_capacity(params.len() + 1);
        all.push(self.ident(ident));
        all.extend(params);
        let body = encode_call(method, &all).map_err(|e| {
            Error::invalid_input(format!("{method}: {e}"))
                .with_provider(PROVIDER)
                .with_call(method)
        })?;
        drop(all);
        let result = self
            .inner
            .retry
            .run(idempotency, || self.send_once::<T>(method, body.clone()))
            .await;
        result.map_err(|e| e.redact(&self.inner.redactor))
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        method: &'static str,
        body: String,
    ) -> Result<T> {
        let inner = &*self.inner;
        let request = inner
            .http
            .post(&inner.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "text/xml")
            .body(body);
        let answer = regops_http::Exchange {
            limiter: inner.limiter.as_ref(),
            max_body_bytes: inner.limits.max_body_bytes,
            provider: PROVIDER,
        }
        .send(request, method)
        .await?;
        let bytes = answer.body;
        if !(200..300).contains(&answer.status) {
            return Err(regops_http::status_error(
                answer.status,
                answer.retry_after,
                &bytes,
                PROVIDER,
            )
            .with_call(method));
        }
        match decode_response::<T>(&bytes, &inner.limits) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(fault)) => Err(convert::fault(&fault, method)),
            Err(e) => Err(
                Error::protocol(format!("{method}: undecodable answer: {e}"), &bytes)
                    .with_provider(PROVIDER)
                    .with_call(method),
            ),
        }
    }

    fn options<T: Serialize>(&self, method: &'static str, opts: &T) -> Result<Value> {
        to_value(opts).map_err(|e| {
            Error::invalid_input(format!("{method}: {e}"))
                .with_provider(PROVIDER)
                .with_call(method)
        })
    }

    // operation.*

    /// `operation.cancel`: sets an operation's step to CANCEL. Sent once.
    pub async fn operation_cancel(&self, operation: i64) -> Result<bool> {
        self.call(
            "operation.cancel",
            vec![Value::Int(operation)],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `operation.count`: how many operations match `opts`.
    pub async fn operation_count(&self, opts: &OperationListOptions) -> Result<i64> {
        let o = self.options("operation.count", opts)?;
        self.call("operation.count", vec![o], Idempotency::Idempotent)
            .await
    }

    /// `operation.info`: one operation.
    pub async fn operation_info(&self, operation: i64) -> Result<OperationReturn> {
        self.call(
            "operation.info",
            vec![Value::Int(operation)],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `operation.list`: the operations matching `opts` (one page of them).
    pub async fn operation_list(
        &self,
        opts: &OperationListOptions,
    ) -> Result<Vec<OperationReturn>> {
        let o = self.options("operation.list", opts)?;
        self.call("operation.list", vec![o], Idempotency::Idempotent)
            .await
    }

    /// `operation.relaunch`: relaunches an operation with changed parameters. Sent once.
    pub async fn operation_relaunch(
        &self,
        operation: i64,
        params: Option<&RelaunchParams>,
    ) -> Result<bool> {
        let mut args = vec![Value::Int(operation)];
        if let Some(p) = params {
            args.push(self.options("operation.relaunch", p)?);
        }
        self.call("operation.relaunch", args, Idempotency::NonIdempotent)
            .await
    }

    // cert.*

    /// `cert.change_dcv`: asks for another DCV method on a certificate operation. Sent once.
    pub async fn cert_change_dcv(&self, operation: i64, dcv_method: Option<&str>) -> Result<bool> {
        let mut args = vec![Value::Int(operation)];
        if let Some(m) = dcv_method {
            args.push(Value::from(m));
        }
        self.call_as(
            "cert.change_dcv",
            Ident::Sudoable,
            args,
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.count`: how many certificates match `opts`.
    pub async fn cert_count(&self, opts: &CertListOptions) -> Result<i64> {
        let o = self.options("cert.count", opts)?;
        self.call_as(
            "cert.count",
            Ident::Sudoable,
            vec![o],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.create`: orders a certificate (not free). Sent once.
    pub async fn cert_create(&self, params: &CertificateCreate) -> Result<OperationReturn> {
        let p = self.options("cert.create", params)?;
        self.call_as(
            "cert.create",
            Ident::Sudoable,
            vec![p],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.delete`: deletes (revokes) a certificate. Sent once.
    pub async fn cert_delete(
        &self,
        cert: i64,
        params: Option<&CertificateDelete>,
    ) -> Result<OperationReturn> {
        let mut args = vec![Value::Int(cert)];
        if let Some(p) = params {
            args.push(self.options("cert.delete", p)?);
        }
        self.call_as(
            "cert.delete",
            Ident::Sudoable,
            args,
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.get_dcv_params`: what to publish to validate a domain.
    pub async fn cert_get_dcv_params(&self, params: &DcvMethodParams) -> Result<DcvParamsReturn> {
        let p = self.options("cert.get_dcv_params", params)?;
        self.call_as(
            "cert.get_dcv_params",
            Ident::Sudoable,
            vec![p],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.info`: one certificate.
    pub async fn cert_info(&self, cert: i64) -> Result<CertificateReturn> {
        self.call_as(
            "cert.info",
            Ident::Sudoable,
            vec![Value::Int(cert)],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.list`: the certificates matching `opts` (one page of them).
    pub async fn cert_list(&self, opts: &CertListOptions) -> Result<Vec<CertificateReturn>> {
        let o = self.options("cert.list", opts)?;
        self.call_as(
            "cert.list",
            Ident::Sudoable,
            vec![o],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.recheck_caa`: asks for the CAA record to be checked again. Sent once.
    pub async fn cert_recheck_caa(&self, uuid: &str) -> Result<bool> {
        self.call_as(
            "cert.recheck_caa",
            Ident::Sudoable,
            vec![Value::from(uuid)],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.renew`: renews a certificate (not free). Sent once.
    pub async fn cert_renew(
        &self,
        cert: i64,
        params: &CertificateRenew,
    ) -> Result<OperationReturn> {
        let p = self.options("cert.renew", params)?;
        self.call_as(
            "cert.renew",
            Ident::Sudoable,
            vec![Value::Int(cert), p],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.resend_dcv`: asks for the DCV to be sent again. Sent once.
    pub async fn cert_resend_dcv(&self, operation: i64) -> Result<bool> {
        self.call_as(
            "cert.resend_dcv",
            Ident::Sudoable,
            vec![Value::Int(operation)],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.update`: replaces a certificate's CSR (a reissue). Sent once.
    pub async fn cert_update(
        &self,
        cert: i64,
        params: &CertificateUpdate,
    ) -> Result<OperationReturn> {
        let p = self.options("cert.update", params)?;
        self.call_as(
            "cert.update",
            Ident::Sudoable,
            vec![Value::Int(cert), p],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.package.list`: the certificate packages.
    pub async fn cert_package_list(
        &self,
        opts: &CertPackageListOptions,
    ) -> Result<Vec<CertPackageReturn>> {
        let o = self.options("cert.package.list", opts)?;
        self.call_as(
            "cert.package.list",
            Ident::Sudoable,
            vec![o],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.hosted.count`: how many hosted certificates match `opts`.
    pub async fn cert_hosted_count(&self, opts: &SslListOptions) -> Result<i64> {
        let o = self.options("cert.hosted.count", opts)?;
        self.call_as(
            "cert.hosted.count",
            Ident::Sudoable,
            vec![o],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.hosted.create`: uploads a certificate and key for the hosting proxies. Sent once.
    pub async fn cert_hosted_create(&self, params: &SslCreateParams) -> Result<SslReturn> {
        let p = self.options("cert.hosted.create", params)?;
        self.call_as(
            "cert.hosted.create",
            Ident::Sudoable,
            vec![p],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.hosted.delete`: deletes a hosted certificate. Sent once.
    pub async fn cert_hosted_delete(&self, ssl: i64) -> Result<bool> {
        self.call_as(
            "cert.hosted.delete",
            Ident::Sudoable,
            vec![Value::Int(ssl)],
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// `cert.hosted.info`: one hosted certificate.
    pub async fn cert_hosted_info(&self, ssl: i64) -> Result<SslReturn> {
        self.call_as(
            "cert.hosted.info",
            Ident::Sudoable,
            vec![Value::Int(ssl)],
            Idempotency::Idempotent,
        )
        .await
    }

    /// `cert.hosted.list`: the hosted certificates matching `opts`.
    pub async fn cert_hosted_list(&self, opts: &SslListOptions) -> Result<Vec<SslListReturn>> {
        let o = self.options("cert.hosted.list", opts)?;
        self.call_as(
            "cert.hosted.list",
            Ident::Sudoable,
            vec![o],
            Idempotency::Idempotent,
        )
        .await
    }
}
