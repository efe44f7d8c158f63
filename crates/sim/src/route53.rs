//! Route 53 Domains (AWS JSON 1.1) at `/route53/`: `RegisterDomain`, `DeleteDomain`,
//! `UpdateDomainNameservers`, `TransferDomain`, `ResendOperationAuthorization`,
//! `GetOperationDetail` and `ListOperations` (with its filters and markers), and the calls on
//! the domains it holds ([`domains`]), every request's SigV4 signature checked.
//!
//! A transfer waits with `PENDING_AUTHORIZATION` until its authorization is resent; an
//! operation that waits for it (a transfer, or a registration the draw made wait) goes on two
//! sandbox seconds after `ResendOperationAuthorization` and succeeds four later. Resending for
//! an operation that waits for nothing is refused, as Route 53 does.
//!
//! Operations move SUBMITTED → IN_PROGRESS → SUCCESSFUL on the sandbox clock; a seeded draw
//! makes some wait for a while with `StatusFlag` `PENDING_AUTHORIZATION`, and some end FAILED
//! with a `Message`.

mod domains;

pub use domains::REGISTERED;

use crate::clock::{Rng, SimClock, plan_at};
use chrono::{DateTime, NaiveDateTime, Utc};
use regops_core::Secret;
use regops_route53::Credentials;
use regops_route53::sign::Signer;
use serde_json::{Value, json};
use std::sync::Mutex;

/// The access key id the sandbox accepts unless configured otherwise.
pub const DEFAULT_ACCESS_KEY_ID: &str = "AKIDSANDBOXREGOPS000";
/// The secret access key the sandbox accepts unless configured otherwise.
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "sandbox0secret0access0key0for0regops000";

/// A status and its flag at a time (seconds after submission).
type Plan = Vec<(i64, (&'static str, Option<&'static str>))>;

#[derive(Clone, Debug)]
struct Op {
    id: String,
    kind: String,
    domain: String,
    created: DateTime<Utc>,
    plan: Plan,
    message: Option<&'static str>,
}

impl Op {
    fn at(&self, now: DateTime<Utc>) -> (&'static str, Option<&'static str>, DateTime<Utc>) {
        let ((status, flag), since) = plan_at(&self.plan, self.created, now);
        (status, flag, since)
    }

    fn json(&self, now: DateTime<Utc>) -> Value {
        let (status, flag, updated) = self.at(now);
        let mut v = json!({
            "OperationId": self.id,
            "Status": status,
            "Type": self.kind,
            "DomainName": self.domain,
            "SubmittedDate": epoch(self.created),
            "LastUpdatedDate": epoch(updated),
        });
        if let Some(f) = flag {
            v["StatusFlag"] = json!(f);
        }
        if status == "FAILED" {
            v["Message"] = json!(self.message.unwrap_or("The registry refused the request"));
        }
        v
    }
}

fn epoch(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

struct State {
    ops: Vec<Op>,
    rng: Rng,
    domains: std::collections::BTreeMap<String, domains::Domain>,
}

/// The Route 53 side of the sandbox.
pub struct Route53Sim {
    access_key_id: String,
    secret_access_key: Secret,
    clock: SimClock,
    state: Mutex<State>,
}

/// Why a request was refused before it ran: HTTP status, `__type`, message.
pub type Refusal = (u16, &'static str, String);

/// The parts of a SigV4 `Authorization` header.
struct Authorization<'a> {
    credential: &'a str,
    signed: &'a str,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Reads the header, or answers AWS's refusal of a missing or foreign one.
    fn read(header: Option<&'a str>) -> Result<Authorization<'a>, Refusal> {
        let Some(header) = header else {
            return Err((
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token".into(),
            ));
        };
        let Some(rest) = header.strip_prefix("AWS4-HMAC-SHA256 ") else {
            return Err((
                403,
                "IncompleteSignatureException",
                "not a SigV4 signature".into(),
            ));
        };
        let mut a = Authorization {
            credential: "",
            signed: "",
            signature: "",
        };
        for part in rest.split(',') {
            match part.trim().split_once('=') {
                Some(("Credential", v)) => a.credential = v,
                Some(("SignedHeaders", v)) => a.signed = v,
                Some(("Signature", v)) => a.signature = v,
                _ => {}
            }
        }
        Ok(a)
    }
}

impl Route53Sim {
    /// A sandbox accepting these credentials.
    pub fn new(access_key_id: &str, secret_access_key: &str, clock: SimClock, seed: u64) -> Self {
        let origin = clock.now();
        Route53Sim {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: Secret::new(secret_access_key),
            clock,
            state: Mutex::new({
                let mut st = State {
                    ops: Vec::new(),
                    rng: Rng::new(seed ^ 0x5333),
                    domains: Default::default(),
                };
                domains::seed(&mut st, origin);
                st
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks a request's SigV4 signature: the access key, then the signature recomputed over
    /// the headers it says it signed, the URL and the body.
    pub fn verify(
        &self,
        headers: &[(String, String)],
        path: &str,
        body: &[u8],
    ) -> Result<(), Refusal> {
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let denied = |t: &'static str, m: &str| Err((403, t, m.to_owned()));
        let Authorization {
            credential,
            signed,
            signature,
        } = Authorization::read(get("authorization"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        if scope.len() != 5 || scope[0] != self.access_key_id {
            return denied(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            );
        }
        let (region, service) = (scope[2], scope[3]);
        let Some(time) = get("x-amz-date")
            .and_then(|d| NaiveDateTime::parse_from_str(d, "%Y%m%dT%H%M%SZ").ok())
            .map(|t| std::time::SystemTime::from(t.and_utc()))
        else {
            return denied("IncompleteSignatureException", "no valid X-Amz-Date");
        };
        let mut creds = Credentials::new(
            Secret::new(self.access_key_id.clone()),
            self.secret_access_key.clone(),
        );
        if let Some(token) = get("x-amz-security-token") {
            creds = creds.session_token(Secret::new(token));
        }
        let host = get("host").unwrap_or("localhost");
        let url = format!("http://{host}{path}");
        let names: Vec<&str> = signed
            .split(';')
            .filter(|n| !matches!(*n, "host" | "x-amz-date" | "x-amz-security-token"))
            .collect();
        let mut given = Vec::new();
        for n in names {
            match get(n) {
                Some(v) => given.push((n, v)),
                None => {
                    return denied("IncompleteSignatureException", "a signed header is missing");
                }
            }
        }
        let expected = Signer::new(creds, region, service)
            .sign("POST", &url, &given, body, time)
            .ok()
            .and_then(|added| {
                added
                    .into_iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            })
            .and_then(|(_, v)| v.split("Signature=").nth(1).map(|s| s.trim().to_owned()));
        if expected.as_deref() != Some(signature) {
            return denied(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.",
            );
        }
        Ok(())
    }

    /// Starts an operation (what `RegisterDomain` and `DeleteDomain` do); answers its id.
    pub fn submit(&self, kind: &str, domain: &str) -> String {
        let now = self.clock.now();
        submit_in(&mut self.lock(), kind, domain, now)
    }

    /// Starts a transfer, which waits for its authorization until it is resent; answers its id.
    pub fn submit_transfer(&self, domain: &str) -> String {
        let id = self.submit("TRANSFER_IN_DOMAIN", domain);
        let mut st = self.lock();
        if let Some(op) = st.ops.iter_mut().find(|o| o.id == id) {
            op.plan = vec![
                (0, ("SUBMITTED", None)),
                (2, ("IN_PROGRESS", Some("PENDING_AUTHORIZATION"))),
            ];
            op.message = None;
        }
        id
    }

    /// `UpdateDomainNameservers` and `TransferDomain`: each starts an operation (a transfer
    /// waits for its authorization).
    fn change(&self, operation: &str, input: &Value) -> (u16, String) {
        let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_owned);
        let Some(domain) = text("DomainName").filter(|d| d.contains('.')) else {
            return error(400, "InvalidInput", "DomainName is not a domain name");
        };
        let named = input
            .get("Nameservers")
            .and_then(Value::as_array)
            .is_some_and(|n| !n.is_empty());
        let id = if operation == "TransferDomain" {
            if text("AuthCode").is_none_or(|c| c.is_empty()) {
                return error(400, "InvalidInput", "AuthCode is required for this TLD");
            }
            let id = self.submit_transfer(&domain);
            domains::hold(&mut self.lock(), &domain, input, self.clock.now());
            id
        } else if !named {
            return error(400, "InvalidInput", "Nameservers must not be empty");
        } else {
            self.submit("UPDATE_NAMESERVER", &domain)
        };
        (200, json!({"OperationId": id}).to_string())
    }

    /// `ResendOperationAuthorization`: an operation that waits for its authorization goes on.
    fn resend(&self, id: &str, now: DateTime<Utc>) -> (u16, String) {
        let mut st = self.lock();
        let Some(op) = st.ops.iter_mut().find(|o| o.id == id) else {
            return error(400, "InvalidInput", "Operation id not found");
        };
        if op.at(now).1 != Some("PENDING_AUTHORIZATION") {
            return error(
                400,
                "InvalidInput",
                "The operation does not wait for its authorization",
            );
        }
        let elapsed = (now - op.created).num_seconds();
        op.plan.retain(|(at, _)| *at <= elapsed);
        op.plan.push((elapsed + 2, ("IN_PROGRESS", None)));
        op.plan.push((elapsed + 6, ("SUCCESSFUL", None)));
        (200, "{}".to_owned())
    }

    /// Runs `operation` with the JSON `body`; answers the HTTP status and the JSON answer.
    pub fn call(&self, operation: &str, body: &[u8]) -> (u16, String) {
        let input: Value = match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return error(
                    400,
                    "SerializationException",
                    "the body is not a JSON object",
                );
            }
        };
        let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_owned);
        let now = self.clock.now();
        match operation {
            "RegisterDomain" | "DeleteDomain" => {
                let Some(domain) = text("DomainName").filter(|d| d.contains('.')) else {
                    return error(400, "InvalidInput", "DomainName is not a domain name");
                };
                let kind = if operation == "RegisterDomain" {
                    "REGISTER_DOMAIN"
                } else {
                    "DELETE_DOMAIN"
                };
                let busy = self.lock().ops.iter().any(|o| {
                    o.domain == domain
                        && o.kind == kind
                        && !matches!(o.at(now).0, "SUCCESSFUL" | "FAILED" | "ERROR")
                });
                if busy {
                    return error(
                        400,
                        "DuplicateRequest",
                        "The request is already in progress for the domain.",
                    );
                }
                let mut st = self.lock();
                let id = submit_in(&mut st, kind, &domain, now);
                if kind == "REGISTER_DOMAIN" {
                    domains::hold(&mut st, &domain, &input, now);
                } else {
                    st.domains.remove(&domain);
                }
                (200, json!({"OperationId": id}).to_string())
            }
            "UpdateDomainNameservers" | "TransferDomain" => self.change(operation, &input),
            "ResendOperationAuthorization" => {
                self.resend(&text("OperationId").unwrap_or_default(), now)
            }
            "GetOperationDetail" => {
                let id = text("OperationId").unwrap_or_default();
                let st = self.lock();
                match st.ops.iter().find(|o| o.id == id) {
                    Some(op) => (200, op.json(now).to_string()),
                    None => error(
                        400,
                        "InvalidInput",
                        "The requested item is not acceptable. Operation id not found",
                    ),
                }
            }
            "ListOperations" => self.list(&input, now),
            other => match domains::call(&mut self.lock(), other, &input, now) {
                Some(answer) => answer,
                None => error(
                    400,
                    "UnknownOperationException",
                    &format!("{other} is not served by the sandbox"),
                ),
            },
        }
    }

    fn list(&self, input: &Value, now: DateTime<Utc>) -> (u16, String) {
        let since = input
            .get("SubmittedSince")
            .and_then(Value::as_f64)
            .and_then(|s| DateTime::from_timestamp_millis((s * 1000.0) as i64));
        let words = |name: &str| -> Option<Vec<String>> {
            input.get(name).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
        };
        let (statuses, types) = (words("Status"), words("Type"));
        let max = input
            .get("MaxItems")
            .and_then(Value::as_u64)
            .unwrap_or(20)
            .clamp(1, 100) as usize;
        let start = match input.get("Marker").and_then(Value::as_str) {
            None => 0,
            Some(m) => match m
                .strip_prefix("sandbox-marker-")
                .and_then(|n| n.parse().ok())
            {
                Some(n) => n,
                None => return error(400, "InvalidInput", "The marker is not valid"),
            },
        };
        let st = self.lock();
        let mut selected: Vec<&Op> = st
            .ops
            .iter()
            .filter(|o| since.is_none_or(|s| o.created >= s))
            .filter(|o| {
                statuses
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|w| w == o.at(now).0))
            })
            .filter(|o| types.as_ref().is_none_or(|t| t.contains(&o.kind)))
            .collect();
        if input.get("SortOrder").and_then(Value::as_str) == Some("ASC") {
            selected.sort_by_key(|o| o.created);
        } else {
            selected.sort_by_key(|o| std::cmp::Reverse(o.created));
        }
        let page: Vec<Value> = selected
            .iter()
            .skip(start)
            .take(max)
            .map(|o| o.json(now))
            .collect();
        let mut answer = json!({"Operations": page});
        if start + max < selected.len() {
            answer["NextPageMarker"] = json!(format!("sandbox-marker-{}", start + max));
        }
        (200, answer.to_string())
    }
}

/// [`Route53Sim::submit`] with the state already locked.
fn submit_in(st: &mut State, kind: &str, domain: &str, now: DateTime<Utc>) -> String {
    let n = st.ops.len() as u64;

    let r = st.rng.next_u64();
    let id = format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        r >> 32,
        (r >> 16) & 0xffff,
        n & 0xfff,
        r & 0xfff,
        (r ^ 0x9e37_79b9) & 0xffff_ffff_ffff
    );
    let run = 2 + st.rng.below(4) as i64;
    let end = run + 6 + st.rng.below(12) as i64;
    let (plan, message): (Plan, _) = match st.rng.below(100) {
        0..=64 => (
            vec![
                (0, ("SUBMITTED", None)),
                (run, ("IN_PROGRESS", None)),
                (end, ("SUCCESSFUL", None)),
            ],
            None,
        ),
        65..=84 => (
            vec![
                (0, ("SUBMITTED", None)),
                (run, ("IN_PROGRESS", Some("PENDING_AUTHORIZATION"))),
                (end, ("IN_PROGRESS", None)),
                (end + 4, ("SUCCESSFUL", None)),
            ],
            None,
        ),
        _ => (
            vec![
                (0, ("SUBMITTED", None)),
                (run, ("IN_PROGRESS", None)),
                (end, ("FAILED", None)),
            ],
            Some("The registry refused the registrant contact"),
        ),
    };
    st.ops.push(Op {
        id: id.clone(),
        kind: kind.to_owned(),
        domain: domain.to_owned(),
        created: now,
        plan,
        message,
    });
    id
}

/// An error answer.
pub fn error(status: u16, kind: &str, message: &str) -> (u16, String) {
    (
        status,
        json!({"__type": format!("com.amazonaws.route53domains#{kind}"), "message": message})
            .to_string(),
    )
}
