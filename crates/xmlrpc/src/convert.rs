//! The whole mapping between Gandi's shapes and regops-core, in one place.
//!
//! - steps to [`OperationStatus`] (docs/status-mapping.md);
//! - an operation's `errortype` and `last_error` to [`OperationError`];
//! - a fault's code to an [`Error`] kind, keeping the code and the fault string;
//! - an [`OperationFilter`] to `OperationListOptions` (what the server can do of it);
//! - certificates, their packages, validation instructions and hosted certificates to the
//!   core models, and the core certificate requests to the calls' parameters
//!   ([`certificates`](self::certificate) module).

use crate::PROVIDER;
use crate::codec::Fault;
use crate::date::DateTime;
use crate::generated::{CertListOptions, OperationListOptions, OperationReturn, Step, error_class};
use crate::value::{ErrorType, OneOrMany, Value};
use chrono::Utc;
use regops_core::{
    CertificateFilter, Error, ErrorClass, ErrorKind, Operation, OperationError, OperationFilter,
    OperationStatus, ServerTimeZone, TargetMatch,
};
use std::time::Duration;

/// The normalized status of a `step` word; unknown words are kept.
pub fn status_of(step: &str) -> OperationStatus {
    match Step::from(step) {
        Step::Bill | Step::Wait => OperationStatus::Pending,
        Step::Run => OperationStatus::InProgress,
        Step::Support => OperationStatus::ActionRequired,
        Step::Done => OperationStatus::Succeeded,
        Step::Error => OperationStatus::Failed,
        Step::Cancel => OperationStatus::Cancelled,
        _ => OperationStatus::Unknown(step.to_owned()),
    }
}

/// The `step` words a status stands for (empty for `Unknown` words this version does not
/// know, which the server is asked for verbatim).
pub fn steps_of(status: &OperationStatus) -> Vec<String> {
    let words: &[&str] = match status {
        OperationStatus::Pending => &["BILL", "WAIT"],
        OperationStatus::InProgress => &["RUN"],
        OperationStatus::ActionRequired => &["SUPPORT"],
        OperationStatus::Succeeded => &["DONE"],
        OperationStatus::Failed => &["ERROR"],
        OperationStatus::Cancelled => &["CANCEL"],
        OperationStatus::Unknown(raw) if raw.is_empty() => &[],
        OperationStatus::Unknown(raw) => return vec![raw.clone()],
        _ => &[],
    };
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// The class and code of an `errortype`, by docs/cli.md: the class from the struct's
/// `type`, or the word itself when it is a class word, or the reference's identifier table; the
/// code is the identifier (the struct's `name`, or the word when it is not a class word).
pub fn classify(errortype: &ErrorType) -> (ErrorClass, Option<String>) {
    match errortype {
        ErrorType::Word(w) => match ErrorClass::from_word(w) {
            Some(class) => (class, None),
            None => (
                error_class(w).unwrap_or(ErrorClass::Unknown),
                Some(w.clone()),
            ),
        },
        ErrorType::Detail(d) => {
            let name = d.name.clone().filter(|n| !n.is_empty());
            let class = d
                .r#type
                .as_deref()
                .and_then(ErrorClass::from_word)
                .or_else(|| name.as_deref().and_then(error_class))
                .unwrap_or(ErrorClass::Unknown);
            (class, name)
        }
    }
}

fn utc(d: Option<DateTime>, zone: ServerTimeZone) -> Option<chrono::DateTime<Utc>> {
    d.and_then(|d| d.to_utc(zone))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// An operation as regops-core models it. Server times are read in `zone`.
pub fn operation(op: OperationReturn, zone: ServerTimeZone) -> Operation {
    let status = status_of(&op.step);
    let mut out = Operation::new(PROVIDER, op.id.to_string(), status.clone(), op.step);
    out.kind = op.r#type;
    out.target = target_of(op.params.as_ref(), op.infos.as_ref());
    out.submitted_at = utc(op.date_created, zone);
    out.started_at = utc(op.date_start, zone);
    out.updated_at = utc(op.date_updated, zone);
    out.eta = op
        .eta
        .filter(|&e| e > 0)
        .map(|e| Duration::from_secs(e.unsigned_abs()));
    let message = non_empty(op.last_error);
    let support = non_empty(op.last_support_error);
    let classified = op.errortype.as_ref().map(classify);
    if let Some(ErrorType::Detail(d)) = &op.errortype {
        // The struct form says more than the class and code: `refundable` above all.
        let mut members = std::collections::BTreeMap::new();
        for (key, v) in [
            ("name", d.name.clone().map(regops_core::Value::String)),
            ("refundable", d.refundable.map(regops_core::Value::Bool)),
            ("type", d.r#type.clone().map(regops_core::Value::String)),
        ] {
            if let Some(v) = v {
                members.insert(key.to_owned(), v);
            }
        }
        out.extra
            .insert("errortype".into(), regops_core::Value::Map(members));
    }
    out.error = match (classified, &status) {
        (Some((class, code)), _) => Some(OperationError::new(class, code, message.clone())),
        (None, OperationStatus::Failed) => Some(OperationError::new(
            ErrorClass::Unknown,
            None,
            message.clone(),
        )),
        (None, _) => None,
    };
    if status == OperationStatus::ActionRequired {
        out.action_required = Some(
            support
                .clone()
                .or_else(|| message.clone())
                .unwrap_or_else(|| "waiting for Gandi's support team".to_owned()),
        );
    }
    out.message = message.or(support.clone());
    if let Some(s) = support {
        out.extra
            .insert("last_support_error".into(), regops_core::Value::String(s));
    }
    for (key, v) in [("params", op.params), ("infos", op.infos)] {
        if let Some(v) = v {
            out.extra.insert(key.into(), v.into_core(zone));
        }
    }
    for (key, v) in [
        ("session_id", op.session_id.map(Value::Int)),
        ("source", op.source.map(Value::String)),
    ] {
        if let Some(v) = v {
            out.extra.insert(key.into(), v.into_core(zone));
        }
    }
    if let Some(eta) = op.eta {
        out.extra.insert("eta".into(), regops_core::Value::Int(eta));
    }
    for (k, v) in op.extra {
        out.extra.insert(k, v.into_core(zone));
    }
    out
}

/// `params.domain`, else `infos.label`, else none.
fn target_of(params: Option<&Value>, infos: Option<&Value>) -> Option<String> {
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    text(params, "domain").or_else(|| text(infos, "label"))
}

/// What a fault code means, by its cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FaultKind {
    Server,
    RateLimited,
    NotFound,
    Auth,
    Duplicate,
    InvalidInput,
    Other,
}

/// Gandi's codes have six digits: a class digit (`5` the request, `1` the server), three object
/// digits and two cause digits. The cause decides: not found (42, 43), no right (50:
/// authentication for the account objects), exists (41), bad values, rate limit (99). Anything
/// else, such as `530040` (no credit), is an `Api` error with its code.
fn fault_kind(code: i64) -> FaultKind {
    let (class, object, cause) = (code / 100_000, (code / 100) % 1000, code % 100);
    if class == 1 {
        // A failure on Gandi's side: temporary, and the call may have been carried out.
        return if cause == 4 || cause == 99 {
            FaultKind::RateLimited
        } else {
            FaultKind::Server
        };
    }
    match cause {
        42 | 43 => FaultKind::NotFound,
        50 if matches!(object, 1 | 2 | 3 | 17 | 101) => FaultKind::Auth,
        41 => FaultKind::Duplicate,
        10 | 20 | 30 | 31 | 32 | 33 | 36 | 37 | 38 | 56 | 91 | 92 => FaultKind::InvalidInput,
        99 => FaultKind::RateLimited,
        _ => FaultKind::Other,
    }
}

/// The error for a fault, keeping its code and string: `NotFound`, `Auth`, `Duplicate`,
/// `InvalidInput`, `RateLimited`, a `Transport` error that may have reached the server for
/// Gandi's own failures, else `Api`.
pub fn fault(f: &Fault, method: &'static str) -> Error {
    let text = if f.string.trim().is_empty() {
        format!("fault {}", f.code)
    } else {
        f.string.clone()
    };
    let code = f.code.to_string();
    let (err, class) = match fault_kind(f.code) {
        FaultKind::Server => (Error::transport(true, text), ErrorClass::Temporary),
        FaultKind::RateLimited => (Error::rate_limited(None, text), ErrorClass::Temporary),
        FaultKind::NotFound => (Error::not_found(text), ErrorClass::Fatal),
        FaultKind::Auth => (Error::new(ErrorKind::Auth, text), ErrorClass::Fatal),
        FaultKind::Duplicate => (Error::new(ErrorKind::Duplicate, text), ErrorClass::Fatal),
        FaultKind::InvalidInput => (Error::invalid_input(text), ErrorClass::ClientRecoverable),
        FaultKind::Other => (Error::api(code.clone(), text), ErrorClass::Fatal),
    };
    err.with_provider(PROVIDER)
        .with_call(method)
        .with_code(code)
        .with_class(class)
}

fn local_text(t: chrono::DateTime<Utc>, zone: ServerTimeZone) -> String {
    DateTime::Local(zone.to_local(t)).to_wire()
}

/// A `>` bound one second early, so that the server's strict comparison on whole seconds keeps
/// `t` itself.
fn after(t: Option<chrono::DateTime<Utc>>, zone: ServerTimeZone) -> Option<String> {
    t.map(|t| local_text(t - chrono::Duration::seconds(1), zone))
}

/// A `<` bound one second late (see [`after`]).
fn before(t: Option<chrono::DateTime<Utc>>, zone: ServerTimeZone) -> Option<String> {
    t.map(|t| local_text(t + chrono::Duration::seconds(1), zone))
}

/// The listing options for what the server can do of `filter`. Bounds are widened to whole
/// seconds so that the server never drops an operation the filter wants; the client checks the
/// exact filter on every item.
pub fn list_options(filter: &OperationFilter, zone: ServerTimeZone) -> OperationListOptions {
    let mut o = OperationListOptions {
        date_created_gt: after(filter.submitted_since, zone),
        date_created_lt: before(filter.submitted_until, zone),
        date_updated_gt: after(filter.updated_since, zone),
        date_updated_lt: before(filter.updated_until, zone),
        ..Default::default()
    };
    let steps: Vec<String> = filter.statuses.iter().flat_map(steps_of).collect();
    // Any unknown step: the server cannot be asked for it, so it is not asked for steps.
    if steps.len() == 1 && !filter.wants_unknown() {
        o.step = steps.into_iter().next();
    }
    if let [kind] = filter.kinds.as_slice() {
        o.r#type = Some(kind.clone());
    }
    match &filter.target {
        Some(TargetMatch::Exact(d)) => o.domain = Some(d.clone()),
        Some(TargetMatch::Prefix(p)) => o.domain_like = Some(format!("{}%", like_escape(p))),
        _ => {}
    }
    let ids: Vec<i64> = filter.ids.iter().filter_map(|id| id.as_i64()).collect();
    if !ids.is_empty() && ids.len() == filter.ids.len() {
        o.id = Some(OneOrMany::Many(ids));
    }
    o
}

/// Whether [`list_options`] asks the server for exactly `filter` (so that `operation.count` can
/// count it): one step word at most, one type at most, no time bounds (they are widened), numeric
/// ids.
pub fn exact_on_server(filter: &OperationFilter) -> bool {
    let steps: usize = filter.statuses.iter().map(|s| steps_of(s).len()).sum();
    (filter.statuses.is_empty() || (steps == 1 && !filter.wants_unknown()))
        && filter.kinds.len() <= 1
        && filter.submitted_since.is_none()
        && filter.submitted_until.is_none()
        && filter.updated_since.is_none()
        && filter.updated_until.is_none()
        && filter.ids.iter().all(|id| id.as_i64().is_some())
}

fn like_escape(s: &str) -> String {
    s.replace('%', "\\%").replace('_', "\\_")
}

/// The certificate listing options for what the server can do of `filter`.
pub fn cert_list_options(filter: &CertificateFilter, zone: ServerTimeZone) -> CertListOptions {
    let mut o = CertListOptions::default();
    if let [status] = filter.statuses.as_slice() {
        o.status = Some(status.as_str().to_owned());
    }
    match &filter.cn {
        Some(TargetMatch::Exact(cn)) => o.cn = Some(OneOrMany::One(cn.clone())),
        Some(TargetMatch::Prefix(p)) => o.cn_like = Some(format!("{}%", like_escape(p))),
        _ => {}
    }
    o.package = filter.package.clone();
    o.date_end_gt = after(filter.expires_since, zone);
    o.date_end_lt = before(filter.expires_until, zone);
    o
}

mod certificates;
pub use certificates::*;

#[cfg(test)]
mod tests;

/// Gandi's words: every `step`, with the status regops reads it as. Its operation types are
/// free text: the reference lists none.
pub fn vocabulary() -> regops_core::Vocabulary {
    let statuses = crate::generated::Step::KNOWN
        .iter()
        .map(|s| (s.as_str().to_owned(), status_of(s.as_str())))
        .collect();
    regops_core::Vocabulary::new(crate::PROVIDER, Vec::new(), false, statuses).note(
        "the operation's `type` is free text (domain_create, domain_renew, domain_transfer_in, ...): the reference documents no list",
    )
}
