//! The whole mapping between Route 53 Domains and the core model: statuses and flags,
//! operations, errors, and filters.

use crate::PROVIDER;
use crate::generated::{
    ListOperationsRequest, OperationDetail, OperationStatus as WireStatus, OperationType,
    StatusFlag,
};
use crate::wire::Timestamp;
use regops_core::{
    Error, ErrorClass, ErrorKind, Extra, Operation, OperationFilter, OperationId, OperationStatus,
    Result, SortField, SortOrder, Value,
};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// The largest page `ListOperations` returns.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The status word the reference's own sample answers with; it means the work is under way.
pub const WORKFLOW_IN_PROGRESS: &str = "WORKFLOW_IN_PROGRESS";

/// The normalized status of a `Status` word and its `StatusFlag` (docs/status-mapping.md).
///
/// `SUBMITTED` is pending, `IN_PROGRESS` (and `WORKFLOW_IN_PROGRESS`) in progress, `SUCCESSFUL`
/// succeeded, `FAILED` and `ERROR` failed. A pending or in-progress operation with a flag waits
/// for someone: action required. Other words are kept as `Unknown`, flag or not: nobody knows
/// whether they are terminal.
pub fn status_of(status: &WireStatus, flag: Option<&StatusFlag>) -> OperationStatus {
    let base = match status {
        WireStatus::Submitted => OperationStatus::Pending,
        WireStatus::InProgress => OperationStatus::InProgress,
        WireStatus::Successful => OperationStatus::Succeeded,
        WireStatus::Failed | WireStatus::Error => OperationStatus::Failed,
        WireStatus::Unknown(raw) if raw == WORKFLOW_IN_PROGRESS => OperationStatus::InProgress,
        other => OperationStatus::Unknown(other.as_str().to_owned()),
    };
    match base {
        OperationStatus::Pending | OperationStatus::InProgress if flag.is_some() => {
            OperationStatus::ActionRequired
        }
        s => s,
    }
}

/// What a person has to do, for a `StatusFlag`.
pub fn action_of(flag: &StatusFlag) -> String {
    let what = match flag {
        StatusFlag::PendingAcceptance => "the account receiving the domain must accept it",
        StatusFlag::PendingCustomerAction => "the customer must act (for example, answer an email)",
        StatusFlag::PendingAuthorization => {
            "the operation waits for its authorization (ResendOperationAuthorization sends it again)"
        }
        StatusFlag::PendingPaymentVerification => "the payment method must be validated",
        StatusFlag::PendingSupportCase => "a support case must be resolved",
        _ => "someone must act",
    };
    format!("{}: {what}", flag.as_str())
}

/// Converts an operation as `GetOperationDetail` or `ListOperations` give it. `requested` is
/// the id asked for, used when the answer leaves `OperationId` out.
pub fn operation(detail: OperationDetail, requested: Option<&OperationId>) -> Result<Operation> {
    let answered_id = detail
        .operation_id
        .as_deref()
        .is_some_and(|i| !i.is_empty());
    let id = match (detail.operation_id, requested) {
        (Some(id), _) if !id.is_empty() => OperationId::new(id),
        (_, Some(id)) => id.clone(),
        _ => {
            return Err(Error::protocol(
                "an operation without OperationId",
                detail.domain_name.as_deref().unwrap_or("").as_bytes(),
            )
            .with_provider(PROVIDER));
        }
    };
    // An answer with neither id nor status (an empty `200`) describes nothing: no operation
    // is made up from it.
    if detail.status.is_none() && !answered_id {
        return Err(Error::protocol(
            format!("an answer about operation {id} with no Status"),
            b"",
        )
        .with_provider(PROVIDER));
    }
    let wire = detail
        .status
        .unwrap_or_else(|| WireStatus::Unknown(String::new()));
    let status = status_of(&wire, detail.status_flag.as_ref());
    let mut op = Operation::new(PROVIDER, id, status, wire.as_str());
    op.kind = detail.r#type.map(|t| t.as_str().to_owned());
    op.target = detail.domain_name.filter(|d| !d.is_empty());
    op.submitted_at = detail.submitted_date.as_ref().and_then(Timestamp::time);
    op.updated_at = detail.last_updated_date.as_ref().and_then(Timestamp::time);
    op.message = detail.message.filter(|m| !m.is_empty());
    // Route 53 has no error identifier for an operation (the status word is in `raw_status`),
    // and a failed operation stays failed: fatal.
    op.set_error_from_message(ErrorClass::Fatal);
    let mut extra = Extra::new();
    if let Some(flag) = &detail.status_flag {
        if op.status == OperationStatus::ActionRequired {
            op.action_required = Some(action_of(flag));
        }
        extra.insert("StatusFlag".into(), Value::String(flag.as_str().to_owned()));
    }
    for (name, when) in [
        ("SubmittedDate", &detail.submitted_date),
        ("LastUpdatedDate", &detail.last_updated_date),
    ] {
        if let Some(Timestamp::Unparsed(raw)) = when {
            extra.insert(name.into(), Value::String(raw.clone()));
        }
    }
    for (name, v) in detail.extra {
        extra.insert(name, regops_http::json_value(v));
    }
    op.extra = extra;
    Ok(op)
}

/// An operation that was just started and could not be read back: submitted, as far as the
/// What a starting call answered, as an operation: as read back when that worked, else as
/// submitted (so that its id is never lost).
pub fn started_operation(s: crate::wire::Started) -> Result<Operation> {
    match s.detail {
        Some(detail) => operation(detail, Some(&s.id)),
        None => Ok(started(s.id, &s.kind, &s.domain)),
    }
}

/// client knows.
pub fn started(id: OperationId, kind: &OperationType, domain: &str) -> Operation {
    let raw = WireStatus::Submitted;
    let mut op = Operation::new(PROVIDER, id, status_of(&raw, None), raw.as_str());
    op.kind = Some(kind.as_str().to_owned());
    op.target = Some(domain.to_owned()).filter(|d| !d.is_empty());
    op
}

/// The `Status` words a set of core statuses stands for, when the server can select exactly
/// that set (or a superset the client check narrows): `None` when it cannot, and the status
/// filter is then applied on the client only.
///
/// `InProgress` cannot be sent: `WORKFLOW_IN_PROGRESS` operations are in progress too and the
/// server would leave them out. Neither can `ActionRequired` (a flag, not a status), `Cancelled`
/// (Route 53 has no such status) or `Unknown` words (the server refuses words it does not know).
pub fn server_statuses(statuses: &[OperationStatus]) -> Option<Vec<WireStatus>> {
    if statuses.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for s in statuses {
        match s {
            OperationStatus::Pending => out.push(WireStatus::Submitted),
            OperationStatus::Succeeded => out.push(WireStatus::Successful),
            OperationStatus::Failed => out.extend([WireStatus::Failed, WireStatus::Error]),
            _ => return None,
        }
    }
    Some(out)
}

/// The `Type` words of a kind filter, when every kind is a type the server knows.
pub fn server_types(kinds: &[String]) -> Option<Vec<OperationType>> {
    if kinds.is_empty() {
        return None;
    }
    kinds
        .iter()
        .map(|k| match OperationType::from(k.as_str()) {
            OperationType::Unknown(_) => None,
            t => Some(t),
        })
        .collect()
}

/// The `ListOperations` request for one page of `filter`: everything the server can apply
/// (submission time, statuses and types where exact, sort by submission date), `MaxItems` at
/// most 100. The rest of the filter is applied on the client.
pub fn list_request(filter: &OperationFilter, marker: Option<String>) -> ListOperationsRequest {
    let mut r = ListOperationsRequest {
        submitted_since: filter.submitted_since.map(Timestamp::At),
        marker,
        max_items: Some(i64::from(
            filter
                .page_size
                .unwrap_or(MAX_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        )),
        status: server_statuses(&filter.statuses),
        r#type: server_types(&filter.kinds),
        ..ListOperationsRequest::default()
    };
    if let Some(sort) = filter.sort
        && sort.field == SortField::SubmittedAt
    {
        r.sort_by = Some("SubmittedDate".into());
        r.sort_order = Some(
            match sort.order {
                SortOrder::Ascending => "ASC",
                SortOrder::Descending => "DESC",
            }
            .into(),
        );
    }
    r
}

/// An error name from `__type` or `X-Amzn-ErrorType`: without a `namespace#` prefix or a
/// `:url` suffix.
pub fn error_name(raw: &str) -> &str {
    let name = raw.rsplit('#').next().unwrap_or(raw);
    name.split(':').next().unwrap_or(name).trim()
}

/// The error for an answer that is not a success: `status` and the body, with the error type
/// of the `X-Amzn-ErrorType` header when there is one.
pub fn error(
    status: u16,
    header_type: Option<&str>,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    let parsed: Option<serde_json::Map<String, serde_json::Value>> =
        regops_http::decode_json(body).ok();
    let field = |names: &[&str]| {
        parsed.as_ref().and_then(|m| {
            names
                .iter()
                .find_map(|n| m.get(*n).and_then(|v| v.as_str()).map(str::to_owned))
        })
    };
    let raw_type = field(&["__type", "code", "Code"]).or_else(|| header_type.map(str::to_owned));
    let Some(raw_type) = raw_type else {
        return regops_http::status_error(status, retry_after, body, PROVIDER);
    };
    let name = error_name(&raw_type).to_owned();
    let message = field(&["message", "Message"]).unwrap_or_else(|| name.clone());
    let err = match name.as_str() {
        "InvalidInput"
        | "ValidationException"
        | "UnsupportedTLD"
        | "TLDRulesViolation"
        | "DnssecLimitExceeded"
        | "SerializationException" => Error::new(ErrorKind::InvalidInput, message),
        "DuplicateRequest" => Error::new(ErrorKind::Duplicate, message),
        "ThrottlingException"
        | "Throttling"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "ProvisionedThroughputExceededException" => Error::rate_limited(retry_after, message),
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "InvalidClientTokenId"
        | "ExpiredTokenException"
        | "AccessDeniedException"
        | "SignatureDoesNotMatch" => Error::new(ErrorKind::Auth, message),
        _ if status >= 500 => {
            Error::transport(true, format!("server error (HTTP {status}): {message}"))
        }
        _ => Error::new(ErrorKind::Api, message),
    };
    let err = match crate::generated::error_class(&name) {
        Some(class) => err.with_class(class),
        None => err,
    };
    err.with_code(name)
        .with_provider(PROVIDER)
        .with_http_status(status)
}

/// A core contact as Route 53's `ContactDetail` (its type in upper case, what registries need
/// besides as `ExtraParams`).
pub fn contact(c: &regops_core::Contact) -> crate::generated::ContactDetail {
    crate::generated::ContactDetail {
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        contact_type: c.contact_type.as_ref().map(|t| t.to_ascii_uppercase()),
        organization_name: c.organization_name.clone(),
        address_line1: c.address_line_1.clone(),
        address_line2: c.address_line_2.clone(),
        city: c.city.clone(),
        state: c.state.clone(),
        country_code: c.country_code.as_ref().map(|t| t.to_ascii_uppercase()),
        zip_code: c.zip_code.clone(),
        phone_number: c.phone_number.clone(),
        email: c.email.clone(),
        fax: c.fax.clone(),
        extra_params: (!c.extra_params.is_empty()).then(|| {
            c.extra_params
                .iter()
                .map(|(k, v)| crate::generated::ExtraParam::new(k.clone(), v.clone()))
                .collect()
        }),
    }
}

/// A core registration as `RegisterDomain`'s request. Route 53 takes no name servers there (it
/// creates a hosted zone for the domain): a registration that names some is refused before
/// anything is sent.
pub fn registration(
    r: &regops_core::Registration,
) -> Result<crate::generated::RegisterDomainRequest> {
    if !r.nameservers.is_empty() {
        return Err(Error::unsupported(
            "Route 53's RegisterDomain takes no name servers (it makes a hosted zone): \
             drop --nameserver, and change them with `domain nameservers` once registered",
        )
        .with_provider(PROVIDER));
    }
    if !(1..=10).contains(&r.years) {
        return Err(Error::invalid_input(format!(
            "--years {}: Route 53 registers for 1 to 10 years",
            r.years
        ))
        .with_provider(PROVIDER));
    }
    Ok(crate::generated::RegisterDomainRequest::new(
        r.domain.clone(),
        i64::from(r.years),
        contact(r.contacts.admin()),
        contact(&r.contacts.registrant),
        contact(r.contacts.tech()),
    ))
}

/// A core transfer as `TransferDomain`'s request (the authorization code kept secret).
pub fn transfer(t: &regops_core::Transfer) -> crate::generated::TransferDomainRequest {
    let mut request = crate::generated::TransferDomainRequest::new(
        t.domain.clone(),
        contact(t.contacts.admin()),
        contact(&t.contacts.registrant),
        contact(t.contacts.tech()),
    );
    request.auth_code = Some(crate::wire::SecretString::from(t.auth_code.expose()));
    request.duration_in_years = t.years.map(i64::from);
    if !t.nameservers.is_empty() {
        request.nameservers = Some(
            t.nameservers
                .iter()
                .map(|n| crate::generated::Nameserver::new(n.clone()))
                .collect(),
        );
    }
    request
}

/// Core contacts as `UpdateDomainContact`'s request: all three contacts, so that the domain's
/// are replaced as a whole (an administrative or technical contact not given is the
/// registrant, as at registration).
pub fn contact_update(
    domain: &str,
    contacts: &regops_core::Contacts,
) -> crate::generated::UpdateDomainContactRequest {
    let mut request = crate::generated::UpdateDomainContactRequest::new(domain.to_owned());
    request.admin_contact = Some(contact(contacts.admin()));
    request.registrant_contact = Some(contact(&contacts.registrant));
    request.tech_contact = Some(contact(contacts.tech()));
    request
}

/// `GetContactReachabilityStatus`'s word in core's terms; an absent status is `Unknown("")`.
pub fn reachability(
    status: Option<crate::generated::ReachabilityStatus>,
) -> regops_core::Reachability {
    use crate::generated::ReachabilityStatus as Wire;
    match status {
        Some(Wire::Pending) => regops_core::Reachability::Pending,
        Some(Wire::Done) => regops_core::Reachability::Confirmed,
        Some(Wire::Expired) => regops_core::Reachability::Expired,
        Some(Wire::Unknown(raw)) => regops_core::Reachability::Unknown(raw),
        None => regops_core::Reachability::Unknown(String::new()),
    }
}

/// The year a domain expires, which `RenewDomain` takes as `CurrentExpiryYear` (its guard
/// against renewing twice), from `GetDomainDetail`.
pub fn expiry_year(detail: &crate::generated::GetDomainDetailResponse) -> Result<i64> {
    use chrono::Datelike;
    detail
        .expiration_date
        .as_ref()
        .and_then(|t| t.time())
        .map(|t| i64::from(t.year()))
        .ok_or_else(|| {
            Error::protocol(
                "GetDomainDetail answered without an ExpirationDate: the renewal needs its year",
                b"",
            )
            .with_provider(PROVIDER)
            .with_call("GetDomainDetail")
        })
}

/// Route 53's words: the 21 `OperationType`s of the service model (no other can exist), and
/// every `Status` with the status regops reads it as.
pub fn vocabulary() -> regops_core::Vocabulary {
    let kinds = OperationType::KNOWN
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    let statuses = WireStatus::KNOWN
        .iter()
        .map(|s| (s.as_str().to_owned(), status_of(s, None)))
        .collect();
    regops_core::Vocabulary::new(PROVIDER, kinds, true, statuses).note(
        "an operation that has not ended and carries a StatusFlag (PENDING_*) reads as action_required",
    )
}
