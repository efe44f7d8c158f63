//! The whole mapping between AutoDNS and the core model: job statuses, cancelations as
//! operations, the answer envelope's errors, cancelation requests, queries, and the XML
//! gateway's elements.

use crate::PROVIDER;
use crate::gateway::{self, Element};
use crate::generated::{
    Cancelation, CancelationExecution, CancelationRequest, CancelationType, Job, JobStatus,
    Message, Query, QueryFilter, QueryOrder, QueryView, ResponseStatus, StatusType,
};
use crate::wire::{CancelationAnswer, Id, Time};
use regops_core::{
    CancelKind, CancelRequest, Error, ErrorClass, ErrorKind, Execution, Extra, Operation,
    OperationError, OperationFilter, OperationId, OperationStatus, Result, ServerTimeZone,
    TargetMatch, Value,
};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// The largest page regops asks a `_search` for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The normalized status of a job (docs/status-mapping.md).
pub fn job_status(status: &JobStatus) -> OperationStatus {
    match status {
        JobStatus::Running => OperationStatus::InProgress,
        JobStatus::Success => OperationStatus::Succeeded,
        JobStatus::Failed => OperationStatus::Failed,
        JobStatus::Canceled => OperationStatus::Cancelled,
        JobStatus::Support => OperationStatus::ActionRequired,
        JobStatus::Deferred | JobStatus::NotSet | JobStatus::Wait => OperationStatus::Pending,
        other => OperationStatus::Unknown(other.as_str().to_owned()),
    }
}

/// Whether an operation id names a job (digits only) rather than a cancelation's domain.
pub fn is_job_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// A job as an operation. Local times (none in the JSON API) are read in `zone`.
pub fn job_operation(job: Job, zone: ServerTimeZone) -> Result<Operation> {
    let Some(id) = job.id.as_ref().filter(|i| !i.as_str().is_empty()) else {
        return Err(Error::protocol("a job without id", b"").with_provider(PROVIDER));
    };
    let raw = job
        .status
        .clone()
        .unwrap_or_else(|| JobStatus::Unknown(String::new()));
    let status = job_status(&raw);
    let mut op = Operation::new(
        PROVIDER,
        OperationId::new(id.as_str()),
        status,
        raw.as_str(),
    );
    op.kind = job_kind(&job);
    op.target = job_target(&job);
    op.submitted_at = time(job.created.as_ref(), zone);
    op.updated_at = time(job.updated.as_ref(), zone);
    if op.status == OperationStatus::Pending {
        op.scheduled_at = time(job.execution.as_ref(), zone);
    }
    match op.status {
        OperationStatus::ActionRequired => {
            op.action_required = Some("the job waits for InterNetX support".into());
        }
        OperationStatus::Failed => {
            op.error = Some(OperationError::new(
                ErrorClass::Fatal,
                job.sub_status.clone().filter(|s| !s.is_empty()),
                None,
            ));
        }
        _ => {}
    }
    let mut extra = Extra::new();
    for (name, v) in [
        ("subStatus", &job.sub_status),
        ("action", &job.action),
        ("subType", &job.sub_type),
    ] {
        if let Some(v) = v {
            extra.insert(name.into(), Value::String(v.clone()));
        }
    }
    keep_unparsed(
        &mut extra,
        &[
            ("created", &job.created),
            ("updated", &job.updated),
            ("execution", &job.execution),
        ],
    );
    for (name, v) in job.extra {
        extra.insert(name, regops_http::json_value(v));
    }
    op.extra = extra;
    Ok(op)
}

/// What a job does, from its `subType` and `action` (`domaincancelation_delete`).
/// What a job works on: the `object` of its events (a job has no `domain` member).
fn job_target(job: &Job) -> Option<String> {
    job.events
        .iter()
        .flatten()
        .filter_map(|e| e.object.as_deref().map(str::trim))
        .find(|o| !o.is_empty())
        .map(str::to_owned)
}

fn job_kind(job: &Job) -> Option<String> {
    let part = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase)
    };
    match (part(&job.sub_type), part(&job.action)) {
        (Some(t), Some(a)) => Some(format!("{t}_{a}")),
        (t, a) => t.or(a),
    }
}

/// Which call answered a cancelation, for its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelationCall {
    /// A create or an update.
    Create,
    /// A read (info or search).
    Read,
    /// A delete: the cancelation is withdrawn.
    Delete,
}

/// A cancelation as an operation (docs/status-mapping.md and docs/cli.md).
///
/// The id is the job's when the answer names one, else the domain. A cancelation waiting for
/// its date (`EXPIRE`, `DATE`) is pending, with `scheduled_at` = `registryWhen`; one carried out
/// at once is succeeded when the create answered `SUCCESS` and in progress when it answered
/// `NOTIFY` (or when it is read while it still exists); a deleted one is cancelled. The raw
/// status is the cancelation's own `status` word when the server gives one, else the answer's
/// status code (`S0103101`, `N0103101`).
pub fn cancelation_operation(
    cancelation: &Cancelation,
    answer: Option<&ResponseStatus>,
    job: Option<&Id>,
    call: CancelationCall,
    zone: ServerTimeZone,
) -> Result<Operation> {
    let domain = cancelation.domain.clone().filter(|d| !d.is_empty());
    let id = match (job, &domain) {
        (Some(j), _) if !j.as_str().is_empty() => OperationId::new(j.as_str()),
        (_, Some(d)) => OperationId::new(d.as_str()),
        _ => {
            return Err(
                Error::protocol("a cancelation without domain", b"").with_provider(PROVIDER)
            );
        }
    };
    let answered = answer.and_then(|s| s.r#type.as_ref());
    let execution = cancelation.execution.as_ref();
    let status = match call {
        CancelationCall::Delete => OperationStatus::Cancelled,
        _ => match execution {
            Some(CancelationExecution::Expire | CancelationExecution::Date) => {
                OperationStatus::Pending
            }
            Some(CancelationExecution::Now) => match (call, answered) {
                (CancelationCall::Create, Some(StatusType::Success)) => OperationStatus::Succeeded,
                _ => OperationStatus::InProgress,
            },
            Some(other) => OperationStatus::Unknown(other.as_str().to_owned()),
            None => OperationStatus::Unknown(String::new()),
        },
    };
    let raw = cancelation
        .status
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| answer.and_then(|s| s.code.clone()))
        .unwrap_or_default();
    let mut op = Operation::new(PROVIDER, id, status, raw);
    op.kind = Some(match &cancelation.r#type {
        Some(t) => format!("cancelation_{}", t.as_str().to_ascii_lowercase()),
        None => "cancelation".into(),
    });
    op.target = domain;
    op.submitted_at = time(cancelation.created.as_ref(), zone);
    op.updated_at = time(cancelation.updated.as_ref(), zone);
    op.scheduled_at = time(cancelation.registry_when.as_ref(), zone);
    op.message = answer
        .and_then(|s| s.text.clone())
        .filter(|t| !t.is_empty());
    let mut extra = Extra::new();
    if let Some(t) = &cancelation.r#type {
        extra.insert("type".into(), Value::String(t.as_str().to_owned()));
    }
    if let Some(e) = execution {
        extra.insert("execution".into(), Value::String(e.as_str().to_owned()));
    }
    if let Some(d) = cancelation.disconnect {
        extra.insert("disconnect".into(), Value::Bool(d));
    }
    for (name, v) in [
        ("gainingRegistrar", &cancelation.gaining_registrar),
        ("registryStatus", &cancelation.registry_status),
    ] {
        if let Some(v) = v {
            extra.insert(name.into(), Value::String(v.clone()));
        }
    }
    for (name, user) in [
        ("owner", &cancelation.owner),
        ("updater", &cancelation.updater),
    ] {
        if let Some(u) = user {
            extra.insert(name.into(), basic_user(u));
        }
    }
    if let Some(log) = &cancelation.log_id {
        extra.insert("logId".into(), Value::String(log.as_str().to_owned()));
    }
    if let Some(code) = answer.and_then(|s| s.code.clone()) {
        extra.insert("statusCode".into(), Value::String(code));
    }
    keep_unparsed(
        &mut extra,
        &[
            ("created", &cancelation.created),
            ("updated", &cancelation.updated),
            ("registryWhen", &cancelation.registry_when),
        ],
    );
    for (name, v) in &cancelation.extra {
        extra.insert(name.clone(), regops_http::json_value(v.clone()));
    }
    op.extra = extra;
    Ok(op)
}

/// The operation of a cancelation answer (create, update, delete, info).
pub fn answer_operation(
    answer: &CancelationAnswer,
    domain: &str,
    call: CancelationCall,
    zone: ServerTimeZone,
) -> Result<Operation> {
    let fallback;
    let cancelation = match &answer.cancelation {
        Some(c) if c.domain.as_deref().is_some_and(|d| !d.is_empty()) => c,
        Some(c) => {
            fallback = Cancelation {
                domain: Some(domain.to_owned()),
                ..c.clone()
            };
            &fallback
        }
        None => {
            fallback = Cancelation {
                domain: Some(domain.to_owned()),
                ..Cancelation::default()
            };
            &fallback
        }
    };
    cancelation_operation(
        cancelation,
        answer.status.as_ref(),
        answer.job_id.as_ref(),
        call,
        zone,
    )
}

/// Who created or changed an object, as a map `{context, user}`.
fn basic_user(u: &crate::generated::BasicUser) -> Value {
    let mut m = std::collections::BTreeMap::new();
    if let Some(c) = u.context {
        m.insert("context".to_owned(), Value::Int(c));
    }
    if let Some(name) = &u.user {
        m.insert("user".to_owned(), Value::String(name.clone()));
    }
    Value::Map(m)
}

fn time(t: Option<&Time>, zone: ServerTimeZone) -> Option<chrono::DateTime<chrono::Utc>> {
    t.and_then(|t| t.in_zone(zone))
}

fn keep_unparsed(extra: &mut Extra, times: &[(&str, &Option<Time>)]) {
    for (name, t) in times {
        if let Some(Time::Unparsed(raw)) = t {
            extra.insert((*name).into(), Value::String(raw.clone()));
        }
    }
}

/// Every message of an answer, nested ones included, as `CODE: text` lines.
pub fn message_lines(messages: &[Message]) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(messages: &[Message], out: &mut Vec<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        for m in messages {
            let text = m.text.as_deref().unwrap_or("").trim();
            match m.code.as_deref().filter(|c| !c.is_empty()) {
                Some(code) if text.is_empty() => out.push(code.to_owned()),
                Some(code) => out.push(format!("{code}: {text}")),
                None if !text.is_empty() => out.push(text.to_owned()),
                None => {}
            }
            if let Some(inner) = &m.messages {
                walk(inner, out, depth + 1);
            }
        }
    }
    walk(messages, &mut out, 0);
    out
}

/// The error of an answer that is not a success: HTTP `http_status`, the envelope's status (its
/// `E…` code) and every message (`EF…` codes) kept. Without an envelope status, the HTTP status
/// decides alone.
pub fn answer_error(
    http_status: u16,
    status: Option<&ResponseStatus>,
    messages: &[Message],
    retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    let code = status
        .and_then(|s| s.code.clone())
        .filter(|c| !c.is_empty());
    let Some(code) = code else {
        if (200..300).contains(&http_status) {
            return Error::protocol("an ERROR answer without a status code", body)
                .with_provider(PROVIDER);
        }
        return regops_http::status_error(http_status, retry_after, body, PROVIDER);
    };
    let mut text = status
        .and_then(|s| s.text.clone())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let lines = message_lines(messages);
    if !lines.is_empty() {
        if !text.is_empty() {
            text.push_str(" — ");
        }
        text.push_str(&lines.join("; "));
    }
    if text.is_empty() {
        text = code.clone();
    }
    let err = match http_status {
        401 | 403 => Error::new(ErrorKind::Auth, text),
        404 => Error::not_found(text),
        429 => Error::rate_limited(retry_after, text),
        s if s >= 500 => Error::transport(true, format!("server error (HTTP {s}): {text}")),
        _ => Error::new(ErrorKind::Api, text).with_class(ErrorClass::ClientRecoverable),
    };
    err.with_code(code)
        .with_provider(PROVIDER)
        .with_http_status(http_status)
}

/// The cancelation a core [`CancelRequest`] asks for. A pre-acknowledgement needs the gaining
/// registrar.
pub fn cancelation_request(domain: &str, request: &CancelRequest) -> Result<CancelationRequest> {
    let domain = domain.trim();
    if domain.is_empty() {
        return Err(Error::invalid_input("the domain is empty").with_provider(PROVIDER));
    }
    let kind = match request.kind {
        CancelKind::Delete => CancelationType::Delete,
        CancelKind::Transit => CancelationType::Transit,
        CancelKind::Preack => CancelationType::Preack,
        _ => {
            return Err(Error::unsupported(format!(
                "AutoDNS has no cancelation of type {}",
                request.kind.as_str()
            ))
            .with_provider(PROVIDER));
        }
    };
    if kind == CancelationType::Preack && request.gaining_registrar.is_none() {
        return Err(
            Error::invalid_input("a PREACK cancelation needs the gaining registrar")
                .with_provider(PROVIDER),
        );
    }
    let (execution, when) = match request.execution {
        Execution::Now => (CancelationExecution::Now, None),
        Execution::Expire => (CancelationExecution::Expire, None),
        Execution::Date(t) => (CancelationExecution::Date, Some(Time::At(t))),
        _ => {
            return Err(Error::unsupported("this execution is not known to AutoDNS")
                .with_provider(PROVIDER));
        }
    };
    let mut body = CancelationRequest::new(domain.to_owned(), kind, execution);
    body.registry_when = when;
    body.disconnect = request.disconnect;
    body.gaining_registrar = request.gaining_registrar.clone();
    Ok(body)
}

/// Reads a gateway `<response>` (see [`gateway::read_answer`]); an `error` status, or an HTTP
/// status other than 2xx, is returned as the error, with its code and every `<msg>`.
pub fn gateway_answer(root: &Element, http_status: u16, body: &[u8]) -> Result<CancelationAnswer> {
    let answer = gateway::read_answer(root, body)?;
    let failed = answer
        .status
        .as_ref()
        .and_then(|s| s.r#type.as_ref())
        .is_some_and(|t| *t == StatusType::Error)
        || !(200..300).contains(&http_status);
    if failed {
        return Err(answer_error(
            http_status,
            answer.status.as_ref(),
            &answer.messages,
            None,
            body,
        ));
    }
    Ok(answer)
}

/// The `_search` query for one page of cancelations matching what the server can filter of
/// `filter` (the domain, submission times), newest first.
pub fn cancelation_query(filter: &OperationFilter, page: u32) -> Query {
    let mut filters = Vec::new();
    match &filter.target {
        Some(TargetMatch::Exact(d)) => filters.push(condition("domain", "EQUAL", d.clone(), "AND")),
        Some(TargetMatch::Prefix(p)) => {
            filters.push(condition("domain", "LIKE", format!("{p}*"), "AND"));
        }
        _ => {}
    }
    filters.extend(created_within(filter));
    query(filters, filter.page_size, page)
}

/// The `_search` query for one page of the jobs `filter` may select: the server filters on
/// `created` (the only one of its job keys core's filter has); the rest is checked by the
/// client.
pub fn job_list_query(filter: &OperationFilter, page: u32) -> Query {
    query(created_within(filter).collect(), filter.page_size, page)
}

/// One condition of a search: `key operator value`, linked to the next with `link`.
fn condition(key: &str, operator: &str, value: String, link: &str) -> QueryFilter {
    QueryFilter {
        key: Some(key.into()),
        operator: Some(operator.into()),
        value: Some(value),
        link: Some(link.into()),
        ..QueryFilter::default()
    }
}

/// The conditions on `created` of `filter`'s submission bounds.
fn created_within(filter: &OperationFilter) -> impl Iterator<Item = QueryFilter> {
    let since = filter
        .submitted_since
        .map(|t| condition("created", "GREATER_EQUAL", Time::At(t).to_wire(), "AND"));
    let until = filter
        .submitted_until
        .map(|t| condition("created", "LESS_EQUAL", Time::At(t).to_wire(), "AND"));
    since.into_iter().chain(until)
}

/// The `_search` query for the jobs `ids` (one page of at most [`MAX_PAGE_SIZE`]).
pub fn job_query(ids: &[&str]) -> Query {
    let filters = ids
        .iter()
        .map(|id| condition("id", "EQUAL", (*id).to_owned(), "OR"))
        .collect();
    query(filters, Some(ids.len() as u32), 0)
}

fn query(filters: Vec<QueryFilter>, page_size: Option<u32>, page: u32) -> Query {
    let limit = page_size.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    Query {
        filters: Some(filters).filter(|f| !f.is_empty()),
        view: Some(QueryView {
            limit: Some(i64::from(limit)),
            offset: Some(i64::from(page) * i64::from(limit)),
            children: Some(false),
        }),
        orders: Some(vec![QueryOrder::new("created".into(), "DESC".into())]),
    }
}

/// A poll queue message as a core notification: its id, the job it is about, and what it
/// says (the notification's type, else the first message's text). A message without an id
/// cannot be acknowledged, so it is not one.
pub fn notification(message: &crate::generated::PollMessage) -> Option<regops_core::Notification> {
    let id = message.id.as_ref()?.as_str().to_owned();
    let job = message
        .job
        .as_ref()
        .and_then(|j| j.id.as_ref())
        .map(|id| regops_core::OperationId::new(id.as_str()));
    let text = message
        .notify
        .as_ref()
        .and_then(|n| n.r#type.clone())
        .or_else(|| {
            message
                .messages
                .iter()
                .flatten()
                .find_map(|m| m.text.clone())
        });
    Some(regops_core::Notification::new(id, job, text))
}

/// AutoDNS's words: the cancelation types as regops names them, and every job `status` with
/// the status regops reads it as. A job's type is its `subType` and `action`, which the schema
/// leaves open.
pub fn vocabulary() -> regops_core::Vocabulary {
    let kinds = CancelationType::KNOWN
        .iter()
        .map(|t| format!("cancelation_{}", t.as_str().to_ascii_lowercase()))
        .collect();
    let statuses = JobStatus::KNOWN
        .iter()
        .map(|s| (s.as_str().to_owned(), job_status(s)))
        .collect();
    regops_core::Vocabulary::new(PROVIDER, kinds, false, statuses).note(
        "a job's type is its subType and action (domaincancelation_delete, ...); a cancelation is pending while it waits for its date, in progress while AutoDNS carries it out, cancelled once withdrawn",
    )
}
