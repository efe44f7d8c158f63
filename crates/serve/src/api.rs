//! The HTTP API: every route, its parameters and answers (documented by `utoipa`, so the router
//! and the OpenAPI document come from the same declarations), and the bearer-token rule.

use crate::error::ApiError;
use crate::json::{
    AccountJson, ChangeJson, CountJson, CountsJson, DeliveriesJson, DeliveryJson, HistoryJson,
    OperationJson, OperationsPage, time,
};
use crate::{Account, AppState, discovery};
use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use regops_core::journal::Cursor;
use regops_core::{DeliveryState, Operation, OperationId, OperationQuery, OperationStatus};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Shared = State<Arc<AppState>>;
type ApiResult<T> = Result<axum::Json<T>, ApiError>;

/// The default and the largest `page_size`.
const PAGE_SIZE: (usize, usize) = (50, 500);
/// The longest `wait`.
const MAX_WAIT: Duration = Duration::from_secs(300);
/// The longest list of deliveries answered.
const DELIVERIES: usize = 500;

/// Every route, with its OpenAPI description.
pub(crate) fn documented() -> OpenApiRouter<Arc<AppState>> {
    let protected = OpenApiRouter::new()
        .routes(routes!(list_operations))
        .routes(routes!(get_operation, put_operation))
        .routes(routes!(operation_history))
        .routes(routes!(wait_operation))
        .routes(routes!(cancel_operation))
        .routes(routes!(list_accounts))
        .routes(routes!(operation_counts))
        .routes(routes!(crate::events::events))
        .routes(routes!(list_deliveries))
        .routes(routes!(retry_delivery))
        .routes(routes!(metrics))
        .routes(routes!(crate::openapi::openapi));
    let public = OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz));
    OpenApiRouter::with_openapi(crate::openapi::base())
        .merge(protected)
        .merge(public)
}

/// The service's router on `state`.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let (protected, _) = OpenApiRouter::new().merge(documented()).split_for_parts();
    // The token rule applies to everything but the liveness and readiness probes.
    protected
        .merge(crate::dashboard::routes(state.token.is_some()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authorize,
        ))
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

/// Requires `Authorization: Bearer TOKEN` on `/v1` and `/metrics` when a token is set.
async fn authorize(State(state): Shared, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let open =
        matches!(path, "/healthz" | "/readyz") || crate::dashboard::PUBLIC_PATHS.contains(&path);
    if let (Some(token), false) = (&state.token, open) {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match given {
            None => return ApiError::unauthenticated("a bearer token is required").into_response(),
            Some(given) if !same(given.as_bytes(), token.expose().as_bytes()) => {
                return ApiError::unauthenticated("the bearer token is wrong").into_response();
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

/// Compares in time that does not depend on where the bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The query parameters of a request, in order, repeated ones kept.
fn params(query: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn only(params: &[(String, String)], allowed: &[&str]) -> Result<(), ApiError> {
    match params.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(ApiError::invalid(format!(
            "unknown parameter `{k}` (this route takes: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

fn single<'a>(params: &'a [(String, String)], key: &str) -> Result<Option<&'a str>, ApiError> {
    let mut values = params.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::invalid(format!(
            "`{key}` is given more than once"
        )));
    }
    Ok(first.map(String::as_str))
}

/// A page token: the cursor of the last record, as unpadded URL-safe base64 of JSON.
fn encode_token(cursor: &Cursor) -> String {
    let json = serde_json::json!([cursor.submitted, cursor.account, cursor.id]).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_token(token: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::invalid("`page_token` is not a token this service gave");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let [s, a, i]: [String; 3] = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    Ok(Cursor::new(s, a, i))
}

fn operation_query(state: &AppState, query: &Option<String>) -> Result<OperationQuery, ApiError> {
    let p = params(query);
    only(
        &p,
        &[
            "account",
            "provider",
            "status",
            "type",
            "target",
            "since",
            "page_size",
            "page_token",
        ],
    )?;
    let page_size = match single(&p, "page_size")? {
        None => PAGE_SIZE.0,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=PAGE_SIZE.1).contains(n))
            .ok_or_else(|| {
                ApiError::invalid(format!("`page_size` must be 1 to {}", PAGE_SIZE.1))
            })?,
    };
    let mut q = OperationQuery::new(page_size + 1);
    q.account = single(&p, "account")?.map(str::to_owned);
    if let Some(provider) = single(&p, "provider")? {
        if !["gandi", "netim", "route53", "autodns"].contains(&provider) {
            return Err(ApiError::invalid(format!(
                "unknown provider `{provider}` (gandi, netim, route53 or autodns)"
            )));
        }
        q.accounts = state
            .accounts
            .iter()
            .filter(|(_, a)| a.provider == provider)
            .map(|(n, _)| n.clone())
            .collect();
        if q.accounts.is_empty() {
            // No account of that provider: nothing can match.
            q.accounts.push(String::new());
        }
    }
    for (_, status) in p.iter().filter(|(k, _)| k == "status") {
        let known = status == "unknown"
            || OperationStatus::parse(status).is_some_and(|s| s.as_str() == status);
        if !known {
            return Err(ApiError::invalid(format!(
                "unknown status `{status}` (pending, in_progress, action_required, succeeded, failed, cancelled or unknown)"
            )));
        }
        q.statuses.push(status.clone());
    }
    q.kinds = p
        .iter()
        .filter(|(k, _)| k == "type")
        .map(|(_, v)| v.clone())
        .collect();
    q.target = single(&p, "target")?.map(str::to_owned);
    if let Some(since) = single(&p, "since")? {
        q.since = Some(
            regops_core::parse::time(since)
                .map_err(|e| ApiError::invalid(format!("`since`: {e}")))?,
        );
    }
    q.after = single(&p, "page_token")?.map(decode_token).transpose()?;
    Ok(q)
}

/// Every operation in the journal, ended ones included, newest `submitted_at` first.
#[utoipa::path(
    get,
    path = "/v1/operations",
    params(
        ("account" = Option<String>, Query, description = "Only this account"),
        ("provider" = Option<String>, Query, description = "Only accounts of this provider (gandi, netim, route53, autodns)"),
        ("status" = Option<Vec<String>>, Query, description = "Any of these statuses (repeat the parameter)"),
        ("type" = Option<Vec<String>>, Query, description = "Any of these raw operation types (repeat the parameter)"),
        ("target" = Option<String>, Query, description = "Exactly this target"),
        ("since" = Option<String>, Query, description = "Submitted at or after (RFC 3339 or YYYY-MM-DD)"),
        ("page_size" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("page_token" = Option<String>, Query, description = "The previous page's next_page_token"),
    ),
    responses(
        (status = 200, body = OperationsPage),
        (status = 400, body = crate::json::ErrorBody),
        (status = 401, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list_operations(
    State(state): Shared,
    RawQuery(query): RawQuery,
) -> ApiResult<OperationsPage> {
    let q = operation_query(&state, &query)?;
    let page_size = q.limit - 1;
    let mut records = state
        .journal
        .query(&q)
        .await
        .map_err(|e| ApiError::journal(&e))?;
    let next = if records.len() > page_size {
        records.truncate(page_size);
        records.last().map(|r| encode_token(&Cursor::after(r)))
    } else {
        None
    };
    let operations = records
        .iter()
        .map(|r| match &r.last {
            Some(op) => OperationJson::new(&r.account, op),
            None => never_read(&state, &r.account, &r.id),
        })
        .collect();
    Ok(axum::Json(OperationsPage {
        operations,
        next_page_token: next,
    }))
}

/// An operation put under tracking whose first read has not happened yet.
fn never_read(state: &AppState, account: &str, id: &OperationId) -> OperationJson {
    let provider = state
        .accounts
        .get(account)
        .map_or("", |a| a.provider.as_str());
    let op = Operation::new(provider, id.clone(), OperationStatus::Pending, "");
    OperationJson::new(account, &op)
}

/// Reads `id` from the provider (paced), records it and follows it when it has not ended.
async fn read_and_follow(
    state: &AppState,
    name: &str,
    account: &Account,
    id: &OperationId,
) -> Result<Operation, ApiError> {
    account.pace().await;
    let op = regops_core::Backend::operation(&*account.backend, id)
        .await
        .map_err(|e| ApiError::provider(&e))?;
    discovery::adopt(state, name, op.clone())
        .await
        .map_err(|e| ApiError::journal(&e))?;
    Ok(op)
}

/// The operation as last observed, reading (and following) one never seen.
async fn observed(state: &AppState, name: &str, id: &OperationId) -> Result<Operation, ApiError> {
    let account = state.account(name)?;
    match state
        .journal
        .get(name, id)
        .await
        .map_err(|e| ApiError::journal(&e))?
    {
        Some(record) => match record.last {
            Some(op) => Ok(op),
            None => read_and_follow(state, name, account, id).await,
        },
        None => read_and_follow(state, name, account, id).await,
    }
}

/// The operation as last observed; one never seen is read from the provider and followed.
#[utoipa::path(
    get,
    path = "/v1/accounts/{account}/operations/{id}",
    params(("account" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = OperationJson),
        (status = 404, body = crate::json::ErrorBody),
        (status = 502, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn get_operation(
    State(state): Shared,
    Path((account, id)): Path<(String, String)>,
) -> ApiResult<OperationJson> {
    let id = OperationId::new(id);
    let op = observed(&state, &account, &id).await?;
    Ok(axum::Json(OperationJson::new(&account, &op)))
}

/// Follows this operation (idempotent); answers it after its first read.
#[utoipa::path(
    put,
    path = "/v1/accounts/{account}/operations/{id}",
    params(("account" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = OperationJson),
        (status = 404, body = crate::json::ErrorBody),
        (status = 502, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn put_operation(
    State(state): Shared,
    Path((account, id)): Path<(String, String)>,
) -> ApiResult<OperationJson> {
    let id = OperationId::new(id);
    let acct = state.account(&account)?;
    let record = state
        .journal
        .get(&account, &id)
        .await
        .map_err(|e| ApiError::journal(&e))?;
    let op = match record {
        Some(r) if r.last.is_some() => {
            let op = r.last.expect("checked");
            if r.given_up && !op.is_terminal() {
                state
                    .tracker
                    .follow(&account, id, Some(op.clone()))
                    .await
                    .map_err(|e| ApiError::journal(&e))?;
            }
            op
        }
        _ => read_and_follow(&state, &account, acct, &id).await?,
    };
    Ok(axum::Json(OperationJson::new(&account, &op)))
}

/// The recorded changes of an operation, oldest first.
#[utoipa::path(
    get,
    path = "/v1/accounts/{account}/operations/{id}/history",
    params(("account" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = HistoryJson),
        (status = 404, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn operation_history(
    State(state): Shared,
    Path((account, id)): Path<(String, String)>,
) -> ApiResult<HistoryJson> {
    state.account(&account)?;
    let id = OperationId::new(id);
    let known = state
        .journal
        .get(&account, &id)
        .await
        .map_err(|e| ApiError::journal(&e))?;
    if known.is_none() {
        return Err(ApiError::not_found(format!(
            "regops has no record of operation {id} of {account}"
        )));
    }
    let entries = state
        .journal
        .history(&account, &id)
        .await
        .map_err(|e| ApiError::journal(&e))?;
    let changes = entries
        .iter()
        .map(|e| ChangeJson {
            at: time(&Some(e.observed_at)).unwrap_or_default(),
            status: e.operation.status.as_str().to_owned(),
            raw_status: e.operation.raw_status.clone(),
            message: e.operation.message.clone(),
        })
        .collect();
    Ok(axum::Json(HistoryJson { changes }))
}

/// Blocks until the operation is terminal or the timeout passes; answers it either way.
#[utoipa::path(
    post,
    path = "/v1/accounts/{account}/operations/{id}/wait",
    params(
        ("account" = String, Path),
        ("id" = String, Path),
        ("timeout" = Option<String>, Query, description = "How long to wait (like 30s or 2m; at most 5m; default 30s)"),
    ),
    responses(
        (status = 200, body = OperationJson),
        (status = 400, body = crate::json::ErrorBody),
        (status = 404, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn wait_operation(
    State(state): Shared,
    Path((account, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<OperationJson> {
    let p = params(&query);
    only(&p, &["timeout"])?;
    let timeout = match single(&p, "timeout")? {
        None => Duration::from_secs(30),
        Some(t) => regops_core::parse::duration(t)
            .map_err(|e| ApiError::invalid(format!("`timeout`: {e}")))?,
    };
    if timeout > MAX_WAIT {
        return Err(ApiError::invalid("`timeout` is at most 5m"));
    }
    let id = OperationId::new(id);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut op = observed(&state, &account, &id).await?;
    // Costs no provider call: the tracker reads it; this only watches the journal.
    while !op.is_terminal() && tokio::time::Instant::now() < deadline && !*state.stop.borrow() {
        let seen = *state.newest.borrow();
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        crate::pump::wait_for_news(&state, seen, left.min(crate::pump::POLL * 4)).await;
        if let Some(r) = state
            .journal
            .get(&account, &id)
            .await
            .map_err(|e| ApiError::journal(&e))?
            && let Some(last) = r.last
        {
            op = last;
        }
    }
    Ok(axum::Json(OperationJson::new(&account, &op)))
}

/// Cancels the operation at the provider (sent once, never resent), then answers it as read
/// back.
#[utoipa::path(
    post,
    path = "/v1/accounts/{account}/operations/{id}/cancel",
    params(("account" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = OperationJson),
        (status = 404, body = crate::json::ErrorBody),
        (status = 409, body = crate::json::ErrorBody, description = "The provider has no such call"),
        (status = 502, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn cancel_operation(
    State(state): Shared,
    Path((account, id)): Path<(String, String)>,
) -> ApiResult<OperationJson> {
    let acct = state.account(&account)?;
    let id = OperationId::new(id);
    if !regops_core::Backend::capabilities(&*acct.backend).cancel {
        return Err(ApiError::provider(&regops_core::unsupported(
            &acct.provider,
            "cancelling operations",
        )));
    }
    acct.pace().await;
    regops_core::Backend::cancel(&*acct.backend, &id)
        .await
        .map_err(|e| ApiError::provider(&e))?;
    let op = read_and_follow(&state, &account, acct, &id).await?;
    Ok(axum::Json(OperationJson::new(&account, &op)))
}

/// Every account: what is followed, its calls, its lease.
#[utoipa::path(
    get,
    path = "/v1/accounts",
    responses((status = 200, body = Vec<AccountJson>)),
    security(("bearer" = []))
)]
async fn list_accounts(State(state): Shared) -> ApiResult<Vec<AccountJson>> {
    let counts = state
        .journal
        .counts()
        .await
        .map_err(|e| ApiError::journal(&e))?;
    // In a fleet, who holds each account (whichever process answers; none on one machine),
    // and the calls the other processes reported, added to this one's own.
    let (leases, others) = match &state.fleet {
        Some((me, _)) => {
            let leases = state
                .journal
                .leases()
                .await
                .map_err(|e| ApiError::journal(&e))?;
            let mut reported = state
                .journal
                .reported_calls()
                .await
                .map_err(|e| ApiError::journal(&e))?;
            reported.retain(|(owner, _, _, _)| owner != me);
            (leases, reported)
        }
        None => (Vec::new(), Vec::new()),
    };
    let fleet_calls = |name: &str, own: (u64, u64)| {
        others
            .iter()
            .filter(|(_, account, _, _)| account == name)
            .fold(own, |(c, e), (_, _, calls, errors)| (c + calls, e + errors))
    };
    let out = state
        .accounts
        .iter()
        .map(|(name, a)| {
            let lease = leases.iter().find(|l| &l.account == name);
            let (calls, errors) = fleet_calls(name, (a.stats.calls(), a.stats.errors()));
            AccountJson {
                account: name.clone(),
                provider: a.provider.clone(),
                followed: counts
                    .iter()
                    .filter(|(acct, status, _)| acct == name && !is_terminal_word(status))
                    .map(|c| c.2)
                    .sum(),
                last_sweep_at: time(&a.stats.last_sweep()),
                calls,
                errors,
                owner: lease.map(|l| l.owner.clone()),
                lease_expires_at: lease.and_then(|l| time(&Some(l.expires_at))),
            }
        })
        .collect();
    Ok(axum::Json(out))
}

/// How many operations the journal holds, by account and status (ended ones included).
#[utoipa::path(
    get,
    path = "/v1/counts",
    responses((status = 200, body = CountsJson)),
    security(("bearer" = []))
)]
async fn operation_counts(State(state): Shared) -> ApiResult<CountsJson> {
    let counts = state
        .journal
        .counts()
        .await
        .map_err(|e| ApiError::journal(&e))?;
    let counts = counts
        .into_iter()
        .filter_map(|(account, status, count)| {
            let provider = state.accounts.get(&account)?.provider.clone();
            Some(CountJson {
                account,
                provider,
                status,
                count,
            })
        })
        .collect();
    Ok(axum::Json(CountsJson { counts }))
}

fn is_terminal_word(status: &str) -> bool {
    OperationStatus::parse(status).is_some_and(|s| s.is_terminal())
}

/// The webhook deliveries in a state (all without `state`), newest first.
#[utoipa::path(
    get,
    path = "/v1/webhooks/deliveries",
    params(("state" = Option<String>, Query, description = "pending, delivered or failed")),
    responses(
        (status = 200, body = DeliveriesJson),
        (status = 400, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list_deliveries(
    State(state): Shared,
    RawQuery(query): RawQuery,
) -> ApiResult<DeliveriesJson> {
    let p = params(&query);
    only(&p, &["state"])?;
    let wanted = single(&p, "state")?
        .map(|s| {
            DeliveryState::parse(s).ok_or_else(|| {
                ApiError::invalid(format!(
                    "unknown state `{s}` (pending, delivered or failed)"
                ))
            })
        })
        .transpose()?;
    let deliveries = state
        .journal
        .deliveries(wanted, DELIVERIES)
        .await
        .map_err(|e| ApiError::journal(&e))?;
    Ok(axum::Json(DeliveriesJson {
        deliveries: deliveries.iter().map(DeliveryJson::new).collect(),
    }))
}

/// Schedules a delivery again now.
#[utoipa::path(
    post,
    path = "/v1/webhooks/deliveries/{id}/retry",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = DeliveryJson),
        (status = 404, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn retry_delivery(State(state): Shared, Path(id): Path<String>) -> ApiResult<DeliveryJson> {
    let missing = || ApiError::not_found(format!("no delivery `{id}`"));
    let n: u64 = id.parse().map_err(|_| missing())?;
    let d = state
        .journal
        .retry_delivery(n)
        .await
        .map_err(|e| ApiError::journal(&e))?
        .ok_or_else(missing)?;
    state.wrote.notify_one();
    Ok(axum::Json(DeliveryJson::new(&d)))
}

/// Prometheus text exposition (OpenMetrics).
#[utoipa::path(
    get,
    path = "/metrics",
    responses((status = 200, content_type = "application/openmetrics-text", body = String)),
    security(("bearer" = []))
)]
async fn metrics(State(state): Shared) -> Result<Response, ApiError> {
    let counts = state
        .journal
        .counts()
        .await
        .map_err(|e| ApiError::journal(&e))?;
    for (name, account) in &state.accounts {
        for status in crate::metrics::status_words() {
            let n = counts
                .iter()
                .filter(|(a, s, _)| a == name && s == status)
                .map(|c| c.2)
                .sum();
            state
                .metrics
                .set_operations(name, &account.provider, status, n);
        }
    }
    if let Ok(n) = state.journal.pending_deliveries().await {
        state.metrics.set_pending(n);
    }
    Ok((
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        state.metrics.encode(),
    )
        .into_response())
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = String)))]
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the journal is reachable and the accounts are loaded.
#[utoipa::path(
    get,
    path = "/readyz",
    responses((status = 200, body = String), (status = 503, body = String))
)]
async fn readyz(State(state): Shared) -> Response {
    if !state.ready.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "starting or stopping\n").into_response();
    }
    match state.journal.event_bounds().await {
        Ok(_) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the journal is unreachable: {e}\n"),
        )
            .into_response(),
    }
}
