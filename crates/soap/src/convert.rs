//! The whole mapping between Netim and the core model: operation statuses, operations (answered
//! or pending), faults, certificates, and certificate orders.

use crate::PROVIDER;
use crate::encoding::{Fault, SoapValue};
use crate::generated::{
    OperationStatus as WireStatus, SslPreference, StructCSR, StructOperationResponse,
    StructQueryOpePending, StructSSLInfo, fault_class,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use regops_core::{
    Certificate, CertificateId, CertificatePreference, CertificateStatus, CertificateSubject,
    DcvMethod, Error, ErrorClass, ErrorKind, Extra, Operation, OperationId, OperationStatus,
    Result, ServerTimeZone, Value,
};
use serde::de::DeserializeOwned;

#[cfg(test)]
mod tests;

/// The normalized status of a `STATUS` word (docs/status-mapping.md).
pub fn status_of(status: &WireStatus) -> OperationStatus {
    match status {
        WireStatus::Pending => OperationStatus::Pending,
        WireStatus::Done => OperationStatus::Succeeded,
        WireStatus::Failed => OperationStatus::Failed,
        WireStatus::Cancelled => OperationStatus::Cancelled,
        other => OperationStatus::Unknown(other.as_str().to_owned()),
    }
}

/// Reads a returned value as `T` (a generated structure).
pub fn decode<T: DeserializeOwned>(value: SoapValue, what: &str) -> Result<T> {
    let json = value.into_json();
    serde_json::from_value(json.clone()).map_err(|e| {
        Error::protocol(
            format!("{what}: unexpected answer ({e})"),
            json.to_string().as_bytes(),
        )
        .with_provider(PROVIDER)
    })
}

/// A list answer: an array, a single item, or nothing.
pub fn decode_list<T: DeserializeOwned>(value: SoapValue, what: &str) -> Result<Vec<T>> {
    match value {
        SoapValue::Null => Ok(Vec::new()),
        SoapValue::Array(items) => items.into_iter().map(|v| decode(v, what)).collect(),
        single => Ok(vec![decode(single, what)?]),
    }
}

/// A server time (`yyyy-MM-dd HH:mm:ss`, or a date) in `zone`.
pub fn server_time(text: Option<&str>, zone: ServerTimeZone) -> Option<DateTime<Utc>> {
    let t = text?.trim();
    if let Ok(local) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S") {
        return Some(zone.to_utc(local));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|local| zone.to_utc(local))
}

/// A `StructOperationResponse` as an operation: `MESSAGE` is the message (and the error of a
/// failed operation), `DATE` the submission time in the account's zone, `TYPE` the kind.
pub fn operation(r: StructOperationResponse, zone: ServerTimeZone) -> Result<Operation> {
    let Some(id) = r.id_ope else {
        return Err(
            Error::protocol("an operation answer without ID_OPE", b"").with_provider(PROVIDER)
        );
    };
    let raw = r
        .status
        .clone()
        .unwrap_or_else(|| WireStatus::Unknown(String::new()));
    let mut op = Operation::new(
        PROVIDER,
        OperationId::new(id.0.to_string()),
        status_of(&raw),
        raw.as_str(),
    );
    op.kind = r.r#type.clone().filter(|t| !t.is_empty());
    op.submitted_at = server_time(r.date.as_deref(), zone);
    op.message = r.message.clone().filter(|m| !m.trim().is_empty());
    op.set_error_from_message(ErrorClass::Fatal);
    let mut extra = Extra::new();
    if let Some(date) = &r.date
        && op.submitted_at.is_none()
    {
        extra.insert("DATE".into(), Value::String(date.clone()));
    }
    for (k, v) in r.extra {
        extra.insert(k, regops_http::json_value(v));
    }
    op.extra = extra;
    Ok(op)
}

/// An entry of `queryOpePending` as an operation: pending, with its type, target and date.
pub fn pending_operation(p: StructQueryOpePending, zone: ServerTimeZone) -> Result<Operation> {
    let Some(id) = p.id_ope else {
        return Err(
            Error::protocol("a pending operation without id_ope", b"").with_provider(PROVIDER)
        );
    };
    let mut op = Operation::new(
        PROVIDER,
        OperationId::new(id.0.to_string()),
        OperationStatus::Pending,
        WireStatus::Pending.as_str(),
    );
    op.kind = p.code_ope.filter(|t| !t.is_empty());
    op.target = p.data_ope.filter(|t| !t.is_empty());
    op.submitted_at = server_time(p.date_ope.as_deref(), zone);
    for (k, v) in p.extra {
        op.extra.insert(k, regops_http::json_value(v));
    }
    Ok(op)
}

/// A fault as an error, keeping its code: `E01` authentication, `E02` (the session) an
/// authentication error the client recovers from by opening a new session, `E04` not found,
/// `E13` invalid input, a `Server` fault a server error, anything else an `Api` error. The class
/// comes from the fault table of `api/netim.toml`.
pub fn fault_error(fault: &Fault, http_status: u16) -> Error {
    let message = if fault.string.trim().is_empty() {
        fault.code.clone()
    } else {
        fault.string.clone()
    };
    let err = match fault.code.as_str() {
        "E01" | "E02" => Error::new(ErrorKind::Auth, message),
        "E04" => Error::not_found(message),
        "E13" => Error::invalid_input(message),
        "Server" | "Receiver" => Error::transport(true, format!("server fault: {message}")),
        "Client" | "Sender" | "VersionMismatch" | "MustUnderstand" => Error::new(
            ErrorKind::Protocol,
            format!("the server refused the request: {message}"),
        ),
        _ => Error::new(ErrorKind::Api, message),
    };
    let err = match fault_class(&fault.code) {
        Some(class) => err.with_class(class),
        None => err,
    };
    err.with_code(fault.code.clone())
        .with_provider(PROVIDER)
        .with_http_status(http_status)
}

/// Whether a fault says the session is closed or expired.
pub fn is_session_fault(err: &Error) -> bool {
    err.provider_code() == Some(crate::generated::SESSION_FAULT)
}

/// The certificate status of a `STATUS` word of `sslInfo`.
pub fn certificate_status(word: &str) -> CertificateStatus {
    match word.trim().to_ascii_lowercase().as_str() {
        "pending" | "processing" | "waiting" => CertificateStatus::Pending,
        "active" | "valid" | "done" | "issued" => CertificateStatus::Valid,
        "revoked" => CertificateStatus::Revoked,
        "expired" => CertificateStatus::Expired,
        "replaced" | "reissued" => CertificateStatus::Replaced,
        _ => CertificateStatus::Unknown(word.to_owned()),
    }
}

/// `sslInfo`'s answer as a certificate.
pub fn certificate(info: StructSSLInfo, zone: ServerTimeZone) -> Result<Certificate> {
    let Some(id) = info.idssl else {
        return Err(Error::protocol("a certificate without IDSSL", b"").with_provider(PROVIDER));
    };
    let raw = info.status.clone().unwrap_or_default();
    let mut c = Certificate::new(
        PROVIDER,
        CertificateId::new(id.0.to_string()),
        certificate_status(&raw),
    );
    c.raw_status = Some(raw).filter(|r| !r.is_empty());
    c.cn = info.cn.clone().filter(|s| !s.is_empty());
    c.alt_names = info
        .san
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    c.package = info.prod.clone();
    // `file`, or `email:ADDR[,ADDR]`: the method is the word before the addresses, which are
    // kept in `extra` with the rest.
    c.dcv_method = info
        .validation
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| DcvMethod::from(v.split(':').next().unwrap_or(v)));

    c.created_at = server_time(info.date_create.as_deref(), zone);
    c.expires_at = server_time(info.date_expiration.as_deref(), zone);
    let mut extra = Extra::new();
    if let Some(d) = info.duration {
        extra.insert("DURATION".into(), Value::Int(d.0));
    }
    for (name, flag) in [
        ("AUTO_RENEW", info.auto_renew),
        ("TO_BE_RENEWED", info.to_be_renewed),
    ] {
        if let Some(f) = flag {
            extra.insert(name.into(), Value::Bool(f.0));
        }
    }
    for (k, v) in info.extra {
        extra.insert(k, regops_http::json_value(v));
    }
    if let Some(v) = info.validation.as_deref().filter(|v| v.contains(':')) {
        extra.insert("VALIDATION".into(), Value::String(v.to_owned()));
    }
    c.extra = extra;
    Ok(c)
}

/// The `StructCSR` of a PEM request, its common name, alternative names and subject.
pub fn csr(
    pem: Option<&str>,
    cn: Option<&str>,
    alt_names: &[String],
    subject: &CertificateSubject,
) -> Result<StructCSR> {
    let pem = pem
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Error::invalid_input("Netim needs the certificate signing request (CSR)")
                .with_provider(PROVIDER)
        })?;
    let mut s = StructCSR::new(pem.to_owned());
    s.common_name = cn.map(str::to_owned);
    s.alternative_names = (!alt_names.is_empty()).then(|| alt_names.join(","));
    s.country = subject.country.clone();
    s.city = subject.city.clone();
    s.region = subject.region.clone();
    s.organisation = subject.organization.clone();
    s.department = subject.department.clone();
    s.email_address = subject.email.clone();
    Ok(s)
}

/// The `validation` argument: `email:ADDR[,ADDR]` when addresses are given (with no method or
/// `email`), `file` for the file method or when nothing is asked (the one validation that
/// needs no choice of address). Netim has no other: `dns`, `https` and `auto` are refused, and
/// so is `email` without an address, before anything is sent.
pub fn validation(method: Option<&DcvMethod>, emails: &[String]) -> Result<String> {
    match (method, emails) {
        (None | Some(DcvMethod::Email), [_, ..]) => Ok(format!("email:{}", emails.join(","))),
        (Some(DcvMethod::Email), []) => Err(Error::invalid_input(
            "Netim validates by e-mail only at the addresses it is given (dcv_emails); none was",
        )
        .with_provider(PROVIDER)),
        (None | Some(DcvMethod::File), []) => Ok("file".to_owned()),
        (Some(DcvMethod::File), [_, ..]) => Err(Error::invalid_input(
            "e-mail addresses go with the email validation, not with file",
        )
        .with_provider(PROVIDER)),
        (Some(other), _) => Err(Error::unsupported(format!(
            "Netim validates by `file` or `email:ADDR` only, not by {}",
            other.as_str()
        ))
        .with_provider(PROVIDER)),
    }
}

/// The `codePref` of a certificate preference.
pub fn ssl_preference(preference: CertificatePreference) -> Result<SslPreference> {
    match preference {
        CertificatePreference::AutoRenew => Ok(SslPreference::AutoRenew),
        CertificatePreference::ToBeRenewed => Ok(SslPreference::ToBeRenewed),
        other => Err(
            Error::unsupported(format!("Netim has no certificate preference {other:?}"))
                .with_provider(PROVIDER),
        ),
    }
}

/// A structure as a SOAP struct parameter.
pub fn to_soap(value: &impl serde::Serialize) -> Result<SoapValue> {
    serde_json::to_value(value)
        .map(SoapValue::from_json)
        .map_err(|e| Error::invalid_input(format!("cannot encode the request: {e}")))
}

/// Netim's words: every `STATUS`, with the status regops reads it as. `TYPE` names the call
/// that started the operation; the reference lists none.
pub fn vocabulary() -> regops_core::Vocabulary {
    let statuses = WireStatus::KNOWN
        .iter()
        .map(|s| (s.as_str().to_owned(), status_of(s)))
        .collect();
    regops_core::Vocabulary::new(crate::PROVIDER, Vec::new(), false, statuses).note(
        "`TYPE` is the name of the call that started the operation (domainCreate, domainRenew, ...): the reference documents no list",
    )
}
