//! Certificates: `cert.*` answers to the core models, and the core requests to the parameters
//! of `cert.create`, `cert.renew`, `cert.update` and `cert.delete`.

use super::utc;
use crate::PROVIDER;
use crate::generated::{
    CertPackageReturn, CertificateCreate, CertificateDelete, CertificateRenew, CertificateReturn,
    CertificateUpdate, DcvParamsReturn, SslListReturn, SslReturn,
};
use crate::value::{Value, from_value};
use regops_core::{
    Certificate, CertificateOrder, CertificatePackage, CertificateReissue, CertificateRenewal,
    CertificateRevocation, CertificateStatus, DcvInstructions, DcvMethod, DnsRecord, Error,
    HostedCertificate, ProviderParams, Result, ServerTimeZone,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The members of `CertificateReturn` that have a field of their own in [`Certificate`]; every
/// other member (the reference lists 31) is kept in `extra` as received.
const MAPPED: &[&str] = &[
    "id",
    "cn",
    "altnames",
    "package",
    "status",
    "date_created",
    "date_start",
    "date_end",
];

/// A certificate as regops-core models it.
pub fn certificate(c: CertificateReturn, zone: ServerTimeZone) -> Certificate {
    let members = match crate::ser::to_value(&c) {
        Ok(Value::Struct(m)) => m,
        _ => Default::default(),
    };
    let raw_status = c.status;
    let status = CertificateStatus::from(raw_status.clone().unwrap_or_else(|| "unknown".into()));
    let mut out = Certificate::new(PROVIDER, c.id.to_string(), status);
    out.raw_status = raw_status;
    out.cn = c.cn;
    out.alt_names = c
        .altnames
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            other => other
                .get("name")
                .or(other.get("value"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
        .collect();
    out.package = c.package;
    out.created_at = utc(c.date_created, zone);
    out.starts_at = utc(c.date_start, zone);
    out.expires_at = utc(c.date_end, zone);
    if let Some(Value::String(m)) = members.get("dcv_method") {
        out.dcv_method = Some(DcvMethod::from(m.as_str()));
    }
    out.extra = members
        .into_iter()
        .filter(|(k, _)| !MAPPED.contains(&k.as_str()))
        .map(|(k, v)| (k, v.into_core(zone)))
        .collect();
    out
}

/// The parameters of a call: the members regops sets from its own options, then the caller's
/// provider parameters, each checked against the reference's member names (`fields`) and typed
/// by the call's parameter struct, so that a misspelt or mistyped parameter is refused before
/// anything is sent.
fn parameters<T: Serialize + DeserializeOwned>(
    call: &str,
    fields: &[&str],
    typed: T,
    params: &ProviderParams,
) -> Result<T> {
    if params.is_empty() {
        return Ok(typed);
    }
    let Ok(Value::Struct(mut members)) = crate::ser::to_value(&typed) else {
        return Err(Error::invalid_input(format!(
            "cannot encode the parameters of {call}"
        )));
    };
    for (key, value) in params {
        if !fields.contains(&key.as_str()) {
            return Err(Error::invalid_input(format!(
                "{key:?} is not a parameter of {call} (its parameters: {})",
                fields.join(", ")
            ))
            .with_provider(PROVIDER));
        }
        if members.contains_key(key) {
            return Err(Error::invalid_input(format!(
                "{key:?} of {call} is set by regops's own option; give it there, not as a parameter"
            ))
            .with_provider(PROVIDER));
        }
        members.insert(key.clone(), Value::String(value.clone()));
    }
    from_value(Value::Struct(members)).map_err(|e| {
        Error::invalid_input(format!("the parameters of {call}: {e}")).with_provider(PROVIDER)
    })
}

fn dcv(method: Option<&DcvMethod>) -> Option<String> {
    method.map(|m| m.as_str().to_owned())
}

fn years(n: u32) -> Option<i64> {
    (n > 0).then_some(i64::from(n))
}

fn names(names: &[String]) -> Option<Vec<String>> {
    (!names.is_empty()).then(|| names.to_vec())
}

/// `cert.create`'s parameters for an order.
pub fn certificate_create(order: &CertificateOrder) -> Result<CertificateCreate> {
    let mut p = CertificateCreate::new(order.package.clone());
    p.cn = order.cn.clone();
    p.csr = order.csr.clone();
    p.altnames = names(&order.alt_names);
    p.dcv_method = dcv(order.dcv_method.as_ref());
    p.duration = years(order.duration_years);
    parameters("cert.create", CertificateCreate::FIELDS, p, &order.params)
}

/// `cert.renew`'s parameters for a renewal.
pub fn certificate_renew(renewal: &CertificateRenewal) -> Result<CertificateRenew> {
    let p = CertificateRenew {
        csr: renewal.csr.clone(),
        dcv_method: dcv(renewal.dcv_method.as_ref()),
        duration: years(renewal.duration_years),
        ..Default::default()
    };
    parameters("cert.renew", CertificateRenew::FIELDS, p, &renewal.params)
}

/// `cert.update`'s parameters for a reissue.
pub fn certificate_update(reissue: &CertificateReissue) -> Result<CertificateUpdate> {
    let p = CertificateUpdate {
        csr: reissue.csr.clone(),
        dcv_method: dcv(reissue.dcv_method.as_ref()),
        altnames: names(&reissue.alt_names),
        ..Default::default()
    };
    parameters("cert.update", CertificateUpdate::FIELDS, p, &reissue.params)
}

/// `cert.delete`'s parameters for a revocation.
pub fn certificate_delete(revocation: &CertificateRevocation) -> Result<CertificateDelete> {
    let p = CertificateDelete {
        reason: revocation.reason.clone(),
        ..Default::default()
    };
    parameters(
        "cert.delete",
        CertificateDelete::FIELDS,
        p,
        &revocation.params,
    )
}

/// A package as `cert.package.list` describes it; `None` for an entry without a name.
pub fn package(p: CertPackageReturn, zone: ServerTimeZone) -> Option<CertificatePackage> {
    let mut out = CertificatePackage::new(PROVIDER, p.name?);
    out.category = p.category.and_then(|c| c.name);
    out.min_domains = p.min_domains;
    out.max_domains = p.max_domains;
    out.wildcard = p.wildcard.map(|w| w != 0);
    out.warranty = p.warranty;
    for (key, v) in [
        ("id", p.id.map(Value::Int)),
        ("comodo_id", p.comodo_id.map(Value::String)),
        ("provider", p.provider.map(Value::String)),
        ("provider_cert_id", p.provider_cert_id.map(Value::String)),
        ("sgc", p.sgc.map(Value::Int)),
        ("trustlogo", p.trustlogo.map(Value::Int)),
    ] {
        if let Some(v) = v {
            out.extra.insert(key.into(), v.into_core(zone));
        }
    }
    for (k, v) in p.extra {
        out.extra.insert(k, v.into_core(zone));
    }
    Some(out)
}

fn strings(values: Option<Vec<Value>>) -> Vec<String> {
    values
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            Value::Int(i) => Some(i.to_string()),
            other => other
                .get("name")
                .or(other.get("fqdn"))
                .or(other.get("value"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
        .collect()
}

/// The record types a validation asks for.
const RECORD_TYPES: &[&str] = &["CNAME", "TXT", "CAA", "A", "AAAA"];

/// One DNS record of `dns_records`: a struct `{name, type, value}`, or a zone-file line
/// (`name [ttl] [IN] TYPE value...`). A line whose type regops does not find is kept whole as
/// the name, with an empty type, rather than guessed at.
pub fn dns_record(v: &Value) -> Option<DnsRecord> {
    if let Value::String(line) = v {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let at = tokens
            .iter()
            .position(|t| RECORD_TYPES.iter().any(|r| r.eq_ignore_ascii_case(t)));
        return Some(match at {
            Some(i) if i > 0 && i + 1 < tokens.len() => DnsRecord::new(
                tokens[0],
                tokens[i].to_ascii_uppercase(),
                tokens[i + 1..].join(" "),
            ),
            _ => DnsRecord::new(line.trim(), "", ""),
        });
    }
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let name = text("name");
    (!name.is_empty()).then(|| DnsRecord::new(name, text("type"), text("value")))
}

/// What `cert.get_dcv_params` says to publish.
pub fn dcv_instructions(d: DcvParamsReturn, zone: ServerTimeZone) -> DcvInstructions {
    let method = d.dcv_method.as_deref().map(DcvMethod::from);
    let mut out = DcvInstructions::new(PROVIDER, method);
    out.dns_records = d
        .dns_records
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(dns_record)
        .collect();
    let mut fqdns = strings(d.dcv_fqdns);
    if fqdns.is_empty() {
        fqdns = strings(d.fqdns);
    }
    out.fqdns = fqdns;
    out.urls = strings(d.urls);
    out.content = d.unique_value;
    out.messages = strings(d.message);
    for (key, v) in [
        ("altnames", d.altnames.map(Value::Array)),
        ("package", d.package.map(Value::String)),
        ("md5", d.md5.map(Value::String)),
        ("sha1", d.sha1.map(Value::String)),
        ("sha256", d.sha256.map(Value::String)),
    ] {
        if let Some(v) = v {
            out.extra.insert(key.into(), v.into_core(zone));
        }
    }
    for (k, v) in d.extra {
        out.extra.insert(k, v.into_core(zone));
    }
    out
}

/// A hosted certificate as `cert.hosted.info` or `cert.hosted.create` answers it; a protocol
/// error when it has no id.
pub fn hosted(s: SslReturn, zone: ServerTimeZone) -> Result<HostedCertificate> {
    let id = s.id.ok_or_else(|| {
        Error::protocol("a hosted certificate without an id", &[]).with_provider(PROVIDER)
    })?;
    let mut out = HostedCertificate::new(PROVIDER, id.to_string());
    out.subject = s.subject;
    out.state = s.state;
    out.fqdns = strings(s.fqdns);
    out.related_vhosts = strings(s.related_vhosts);
    out.created_at = utc(s.date_created, zone);
    out.expires_at = utc(s.date_expire, zone);
    out.extra = s
        .extra
        .into_iter()
        .map(|(k, v)| (k, v.into_core(zone)))
        .collect();
    Ok(out)
}

/// A hosted certificate as `cert.hosted.list` answers it (no names: `cert.hosted.info` has
/// them); entries without an id are left out.
pub fn hosted_listed(s: SslListReturn, zone: ServerTimeZone) -> Option<HostedCertificate> {
    let mut out = HostedCertificate::new(PROVIDER, s.id?.to_string());
    out.subject = s.subject;
    out.state = s.state;
    out.created_at = utc(s.date_created, zone);
    out.expires_at = utc(s.date_expire, zone);
    out.extra = s
        .extra
        .into_iter()
        .map(|(k, v)| (k, v.into_core(zone)))
        .collect();
    Some(out)
}
