//! The certificate calls beyond ordering and reading, each with state: renewals add years,
//! updates take the new request, names and validation method, deletions revoke; validation
//! instructions follow the certificate; `cert.change_dcv` and `cert.resend_dcv` move on an
//! order stuck in validation; hosted certificates are kept, listed and deleted.
//!
//! A certificate order whose common name starts with [`STUCK_PREFIX`] waits in `SUPPORT` for
//! its domain control validation until `cert.change_dcv` or `cert.resend_dcv` is called.

use super::{
    Args, BAD_PARAMETER, GandiSim, Method, NOT_FOUND, State, cert_not_found, fault, missing,
    op_not_found, options, page_of, strings,
};
use chrono::{DateTime, Utc};
use regops_xmlrpc::Value;
use regops_xmlrpc::generated::{CertPackageListOptions, SslListOptions};
use std::collections::BTreeMap;

/// The common-name prefix of the orders that wait for their validation.
pub const STUCK_PREFIX: &str = "dcv-stuck.";

/// The methods `cert.change_dcv` accepts.
const CHANGE_METHODS: &[&str] = &["email", "dns", "file", "https"];

/// A certificate brought by the customer.
#[derive(Clone, Debug)]
pub struct Hosted {
    id: i64,
    subject: String,
    fqdns: Vec<String>,
    created: DateTime<Utc>,
    state: &'static str,
}

/// A fault for an operation that is over.
fn finished(id: i64) -> regops_xmlrpc::Fault {
    fault(
        581036,
        "OBJECT_OPERATION",
        "CAUSE_BADPARAMETER",
        format!("operation {id} is already finished"),
    )
}

/// A short hexadecimal digest of `text` (FNV-1a), for tokens that must follow the certificate.
fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl GandiSim {
    /// `cert.renew`, `cert.update` or `cert.delete`: the change on the certificate, and the
    /// operation that carries it.
    pub(super) fn cert_operation(
        &self,
        st: &mut State,
        method: Method,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, regops_xmlrpc::Fault> {
        let id = args.int(0, "cert")?;
        let p = args.0.get(1).cloned().unwrap_or(Value::Nil);
        let State {
            ops,
            certs,
            next_op,
            rng,
            ..
        } = st;
        let cert = certs.get_mut(&id).ok_or_else(|| cert_not_found(id))?;
        if cert.revoked {
            return Err(fault(
                BAD_PARAMETER,
                "OBJECT_CERTIFICATE",
                "CAUSE_BADPARAMETER",
                format!("the certificate {id} is revoked"),
            ));
        }
        let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
        let kind = match method {
            Method::CertRenew => {
                cert.years += p
                    .get("duration")
                    .and_then(Value::as_i64)
                    .unwrap_or(1)
                    .max(1);
                "certificate_renew"
            }
            Method::CertUpdate => {
                if let Some(csr) = text("csr") {
                    cert.csr = Some(csr);
                }
                if p.get("altnames").is_some() {
                    cert.altnames = strings(p.get("altnames"));
                }
                if let Some(m) = text("dcv_method") {
                    cert.dcv_method = m;
                }
                "certificate_update"
            }
            _ => {
                cert.revoked = true;
                "certificate_delete"
            }
        };
        let op_id = *next_op;
        *next_op += 1;
        let op = Self::planned(rng, op_id, kind, &cert.cn.clone(), now, Some(id));
        let v = self.op_value(&op, now);
        ops.insert(op_id, op);
        Ok(v)
    }

    /// `cert.change_dcv` and `cert.resend_dcv` on a certificate operation still under way: the
    /// new method is the certificate's, the resend is counted, and an order waiting in
    /// `SUPPORT` for its validation runs again and is done ten seconds later.
    pub(super) fn dcv_again(
        st: &mut State,
        method: Method,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, regops_xmlrpc::Fault> {
        let id = args.int(0, "operation")?;
        let op = st.ops.get_mut(&id).ok_or_else(|| op_not_found(id))?;
        let Some(cert_id) = op.cert else {
            return Err(fault(
                BAD_PARAMETER,
                "OBJECT_OPERATION",
                "CAUSE_BADPARAMETER",
                format!("operation {id} is not a certificate operation"),
            ));
        };
        if op.is_terminal(now) {
            return Err(finished(id));
        }
        let cert = st
            .certs
            .get_mut(&cert_id)
            .ok_or_else(|| cert_not_found(cert_id))?;
        if method == Method::CertChangeDcv {
            let m = args.0.get(1).and_then(Value::as_str).unwrap_or("");
            if !CHANGE_METHODS.contains(&m) {
                return Err(fault(
                    BAD_PARAMETER,
                    "OBJECT_CERTIFICATE",
                    "CAUSE_BADPARAMETER",
                    format!("dcv_method must be one of {}", CHANGE_METHODS.join(", ")),
                ));
            }
            cert.dcv_method = m.to_owned();
        } else {
            cert.dcv_resent += 1;
        }
        let age = (now - op.created).num_seconds();
        if op.step_at(now).0 == "SUPPORT" {
            op.plan.push((age, "RUN"));
            op.plan.push((age + 10, "DONE"));
        } else if let Some(step) = op.plan.iter_mut().find(|p| p.1 == "SUPPORT") {
            step.1 = "DONE";
        }
        op.last_support_error = None;
        Ok(Value::Bool(true))
    }

    /// `cert.get_dcv_params` for a certificate (`cert_id`), by its method or the one asked: a
    /// CNAME record (dns), a file and its content (file, https), the admin addresses (email).
    pub(super) fn dcv_params(st: &State, args: &Args<'_>) -> Result<Value, regops_xmlrpc::Fault> {
        let p = args.first().cloned().unwrap_or(Value::Nil);
        let id = p
            .get("cert_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| missing("cert_id"))?;
        let cert = st.certs.get(&id).ok_or_else(|| cert_not_found(id))?;
        let method = p
            .get("dcv_method")
            .and_then(Value::as_str)
            .unwrap_or(&cert.dcv_method)
            .to_owned();
        let token = digest(&format!(
            "{}|{}",
            cert.id,
            cert.csr.as_deref().unwrap_or("")
        ));
        let mut names = vec![cert.cn.clone()];
        names.extend(cert.altnames.iter().cloned());
        let mut m = BTreeMap::new();
        m.insert("dcv_method".to_owned(), Value::from(method.as_str()));
        m.insert(
            "fqdns".to_owned(),
            Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect()),
        );
        m.insert("md5".to_owned(), Value::from(token.as_str()));
        let each = |f: &dyn Fn(&str) -> String| -> Value {
            Value::Array(names.iter().map(|n| Value::String(f(n))).collect())
        };
        match method.as_str() {
            "dns" | "auto" => {
                m.insert(
                    "dns_records".to_owned(),
                    each(&|n| format!("_{token}.{n}. 10800 IN CNAME {token}.sandbox-ca.example.")),
                );
            }
            "file" | "https" => {
                let scheme = if method == "file" { "http" } else { "https" };
                m.insert(
                    "urls".to_owned(),
                    each(&|n| format!("{scheme}://{n}/.well-known/pki-validation/{token}.txt")),
                );
                m.insert(
                    "unique_value".to_owned(),
                    Value::String(format!("{token}\nsandbox-ca.example")),
                );
            }
            _ => {
                m.insert(
                    "message".to_owned(),
                    each(&|n| format!("a validation e-mail goes to admin@{n}")),
                );
            }
        }
        Ok(Value::Struct(m))
    }

    /// `cert.recheck_caa` by the certificate's uuid.
    pub(super) fn recheck_caa(st: &State, args: &Args<'_>) -> Result<Value, regops_xmlrpc::Fault> {
        let uuid = args.first().and_then(Value::as_str).unwrap_or("");
        let known = st
            .certs
            .keys()
            .any(|id| format!("sandbox-cert-{id}") == uuid);
        if !known {
            return Err(fault(
                NOT_FOUND,
                "OBJECT_CERTIFICATE",
                "CAUSE_NOTFOUND",
                format!("no certificate with uuid {uuid}"),
            ));
        }
        Ok(Value::Bool(true))
    }

    fn hosted_value(&self, h: &Hosted, full: bool) -> Value {
        let mut m = BTreeMap::new();
        m.insert("id".to_owned(), Value::Int(h.id));
        m.insert("subject".to_owned(), Value::from(h.subject.as_str()));
        m.insert("state".to_owned(), Value::from(h.state));
        m.insert("date_created".to_owned(), self.wire(h.created));
        m.insert(
            "date_expire".to_owned(),
            self.wire(h.created + chrono::Duration::days(365)),
        );
        if full {
            m.insert(
                "fqdns".to_owned(),
                Value::Array(
                    h.fqdns
                        .iter()
                        .map(|n| Value::structure([("name", Value::from(n.as_str()))]))
                        .collect(),
                ),
            );
            m.insert("related_vhosts".to_owned(), Value::Array(vec![]));
        }
        Value::Struct(m)
    }

    /// `cert.hosted.*`.
    pub(super) fn hosted(
        &self,
        st: &mut State,
        method: Method,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, regops_xmlrpc::Fault> {
        let not_found = |id: i64| {
            fault(
                NOT_FOUND,
                "OBJECT_SSL",
                "CAUSE_NOTFOUND",
                format!("no hosted certificate {id}"),
            )
        };
        match method {
            Method::CertHostedList | Method::CertHostedCount => {
                let opts: SslListOptions = options(args.first())?;
                let all: Vec<Value> = st
                    .hosted
                    .values()
                    .filter(|h| opts.state.as_deref().is_none_or(|s| h.state == s))
                    .map(|h| self.hosted_value(h, false))
                    .collect();
                if method == Method::CertHostedCount {
                    return Ok(Value::Int(all.len() as i64));
                }
                let per = opts.items_per_page.unwrap_or(100).clamp(1, 100) as usize;
                Ok(page_of(all, opts.page, per))
            }
            Method::CertHostedInfo => {
                let id = args.int(0, "ssl")?;
                let h = st.hosted.get(&id).ok_or_else(|| not_found(id))?;
                Ok(self.hosted_value(h, true))
            }
            Method::CertHostedCreate => {
                let p = args.first().cloned().unwrap_or(Value::Nil);
                let crt = p.get("crt").and_then(Value::as_str).unwrap_or("");
                let key = p.get("key").and_then(Value::as_str).unwrap_or("");
                if !crt.contains("-----BEGIN CERTIFICATE-----") {
                    return Err(missing("crt (a PEM certificate)"));
                }
                if !key.contains("PRIVATE KEY-----") {
                    return Err(missing("key (a PEM private key)"));
                }
                let cn =
                    subject_cn(crt).unwrap_or_else(|| format!("hosted-{}.example", st.next_hosted));
                let id = st.next_hosted;
                st.next_hosted += 1;
                let h = Hosted {
                    id,
                    subject: format!("CN={cn}"),
                    fqdns: vec![cn],
                    created: now,
                    state: "created",
                };
                let v = self.hosted_value(&h, true);
                st.hosted.insert(id, h);
                Ok(v)
            }
            _ => {
                let id = args.int(0, "ssl")?;
                let h = st.hosted.get_mut(&id).ok_or_else(|| not_found(id))?;
                if h.state == "deleted" {
                    return Err(not_found(id));
                }
                h.state = "deleted";
                Ok(Value::Bool(true))
            }
        }
    }
}

/// The common name of a `Subject:` line before the PEM block (as `openssl x509 -text` writes
/// it: `Subject: CN = www.example.com` or `Subject: CN=www.example.com`).
fn subject_cn(crt: &str) -> Option<String> {
    crt.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("Subject:"))
        .and_then(|s| {
            s.split(',').find_map(|part| {
                let (k, v) = part.split_once('=')?;
                (k.trim() == "CN").then(|| v.trim().to_owned())
            })
        })
        .filter(|cn| !cn.is_empty())
}

/// `cert.package.list`, filtered by name, category and wildcard, in pages.
pub(super) fn packages(args: &Args<'_>) -> Result<Value, regops_xmlrpc::Fault> {
    let opts: CertPackageListOptions = options(args.first())?;
    // name, category, fewest and most names, wildcard, warranty
    let table: [(&str, &str, i64, i64, i64, i64); 6] = [
        ("cert_std_1_0_0", "standard", 1, 1, 0, 0),
        ("cert_std_3_0_0", "standard", 1, 3, 0, 0),
        ("cert_std_w_0_0", "standard", 1, 1, 1, 0),
        ("cert_pro_1_10_0", "pro", 1, 1, 0, 10_000),
        ("cert_pro_w_250_0", "pro", 1, 1, 1, 250_000),
        ("cert_bus_1_250_0", "business", 1, 1, 0, 250_000),
    ];
    let all: Vec<Value> = table
        .iter()
        .enumerate()
        .filter(|(_, (name, category, _, _, wildcard, _))| {
            opts.name.as_deref().is_none_or(|n| n == *name)
                && opts.category.as_deref().is_none_or(|c| c == *category)
                && opts.wildcard.is_none_or(|w| w == (*wildcard == 1))
        })
        .map(|(i, (name, category, min, max, wildcard, warranty))| {
            Value::structure([
                ("id", Value::Int(i as i64 + 1)),
                ("name", Value::from(*name)),
                (
                    "category",
                    Value::structure([
                        ("id", Value::Int(i as i64 + 1)),
                        ("name", Value::from(*category)),
                    ]),
                ),
                ("min_domains", Value::Int(*min)),
                ("max_domains", Value::Int(*max)),
                ("wildcard", Value::Int(*wildcard)),
                ("warranty", Value::Int(*warranty)),
                ("provider", Value::from("sandbox-ca")),
                ("sgc", Value::Int(0)),
                ("trustlogo", Value::Int(0)),
            ])
        })
        .collect();
    let per = opts.items_per_page.unwrap_or(100).clamp(1, 100) as usize;
    Ok(page_of(all, opts.page, per))
}
