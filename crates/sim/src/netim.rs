//! Netim SOAP 2.0 at `/netim/2.0/` (and its WSDL at `/netim/2.0/api.wsdl`): sessions,
//! `queryOpe`, `queryOpePending`, `cancelOpe`, `sslCreate`, `sslRenew`, `sslReIssue`, `sslRevoke`,
//! `sslSetPreference`, `sslInfo`, in rpc/encoded SOAP with
//! Netim's fault codes.
//!
//! Operations stay `Pending` for a while on the sandbox clock, then end `Done`, or `Failed` with
//! a `MESSAGE` for a seeded few. A session expires after [`SESSION_IDLE_SECONDS`] of sandbox time
//! without a call, as Netim's do, so clients meet fault `E02`.

use crate::clock::{Rng, SimClock};
use chrono::{DateTime, Utc};
use regops_core::ServerTimeZone;
use regops_soap::encoding::{Fault, SoapValue};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The reseller id the sandbox accepts unless configured otherwise.
pub const DEFAULT_RESELLER: &str = "SANDBOX1";
/// The password the sandbox accepts unless configured otherwise.
pub const DEFAULT_PASSWORD: &str = "sandbox-netim-password";
/// Sandbox seconds without a call after which a session expires.
pub const SESSION_IDLE_SECONDS: i64 = 1800;

/// The WSDL served at `/netim/2.0/api.wsdl`: the functions the sandbox answers, rpc/encoded.
pub const WSDL: &str = include_str!("netim.wsdl");

#[derive(Clone, Debug)]
struct Op {
    id: i64,
    kind: String,
    target: String,
    created: DateTime<Utc>,
    done_after: i64,
    failure: Option<&'static str>,
    cancelled: bool,
}

impl Op {
    fn status(&self, now: DateTime<Utc>) -> &'static str {
        if self.cancelled {
            "Cancelled"
        } else if (now - self.created).num_seconds() < self.done_after {
            "Pending"
        } else if self.failure.is_some() {
            "Failed"
        } else {
            "Done"
        }
    }
}

#[derive(Clone, Debug)]
struct Session {
    sync: bool,
    lang: String,
    opened: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// A change made to a certificate once the operation carrying it (its id the second argument)
/// is submitted.
type CertChange = Box<dyn FnOnce(&mut Cert, i64)>;

#[derive(Clone, Debug)]
struct Cert {
    id: i64,
    prod: String,
    duration: i64,
    cn: Option<String>,
    san: Option<String>,
    validation: String,
    order: i64,
    created: DateTime<Utc>,
    auto_renew: bool,
    to_be_renewed: bool,
    /// The revocation's operation, once asked.
    revoked_by: Option<i64>,
}

struct State {
    sessions: HashMap<String, Session>,
    issued: Vec<String>,
    ops: BTreeMap<i64, Op>,
    certs: BTreeMap<i64, Cert>,
    next_op: i64,
    next_cert: i64,
    rng: Rng,
}

/// The Netim side of the sandbox.
pub struct NetimSim {
    reseller: String,
    password: String,
    clock: SimClock,
    zone: ServerTimeZone,
    state: Mutex<State>,
}

fn fault(code: &str, object: &str, text: &str) -> Fault {
    Fault {
        code: code.to_owned(),
        string: format!("{code} : {object} : {text}"),
    }
}

fn s(v: &str) -> SoapValue {
    SoapValue::string(v)
}

impl NetimSim {
    /// A sandbox accepting reseller `reseller` with `password`.
    pub fn new(reseller: &str, password: &str, clock: SimClock, seed: u64) -> Self {
        NetimSim {
            reseller: reseller.to_owned(),
            password: password.to_owned(),
            clock,
            zone: ServerTimeZone::PARIS,
            state: Mutex::new(State {
                sessions: HashMap::new(),
                issued: Vec::new(),
                ops: BTreeMap::new(),
                certs: BTreeMap::new(),
                next_op: 3_100_000,
                next_cert: 7_700,
                rng: Rng::new(seed ^ 0x0e71),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn date(&self, t: DateTime<Utc>) -> String {
        self.zone
            .to_local(t)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// Submits an operation (what `domainCreate` and friends do at Netim); answers its id.
    pub fn submit(&self, kind: &str, target: &str) -> i64 {
        let now = self.clock.now();
        let mut st = self.lock();
        let id = st.next_op;
        st.next_op += 1;
        let done_after = 4 + st.rng.below(14) as i64;
        let failure = (st.rng.below(100) >= 85).then_some("Owner : Invalid value for the registry");
        st.ops.insert(
            id,
            Op {
                id,
                kind: kind.to_owned(),
                target: target.to_owned(),
                created: now,
                done_after,
                failure,
                cancelled: false,
            },
        );
        id
    }

    /// Every session id the sandbox ever issued (for tests proving they are never shown).
    pub fn issued_sessions(&self) -> Vec<String> {
        self.lock().issued.clone()
    }

    /// Expires every open session (for tests of the `E02` path).
    pub fn expire_sessions(&self) {
        self.lock().sessions.clear();
    }

    fn op_struct(&self, op: &Op, now: DateTime<Utc>) -> SoapValue {
        let status = op.status(now);
        let message = match (status, op.failure) {
            ("Failed", Some(m)) => s(m),
            _ => SoapValue::Null,
        };
        SoapValue::Struct(vec![
            ("ID_OPE".into(), SoapValue::Int(op.id)),
            ("STATUS".into(), s(status)),
            ("MESSAGE".into(), message),
            ("TYPE".into(), s(&op.kind)),
            ("DATE".into(), s(&self.date(op.created))),
        ])
    }

    /// Runs `function` with `params` (the session id first, except for `sessionOpen`).
    pub fn call(&self, function: &str, params: &[(String, SoapValue)]) -> Result<SoapValue, Fault> {
        let Some(function) = Function::named(function) else {
            // PHP's SoapServer's own answer to an unknown function.
            return Err(Fault {
                code: "Client".into(),
                string: format!("Function (\"{function}\") is not a valid method for this service"),
            });
        };
        let now = self.clock.now();
        let args = Args(params);
        let call = match function {
            Function::SessionOpen => return self.session_open(&args, now),
            Function::InSession(call) => call,
        };
        let session_id = args.text(0);
        let session = self.session(&session_id, now)?;
        use SessionCall::*;
        match call {
            SessionClose => {
                self.lock().sessions.remove(&session_id);
                Ok(SoapValue::Null)
            }
            SessionSetPreference => {
                let mut st = self.lock();
                let sess = st
                    .sessions
                    .get_mut(&session_id)
                    .ok_or_else(|| fault("E02", "Session", "Unknown or closed session"))?;
                match args.text(1).as_str() {
                    "sync" => sess.sync = args.int(2).unwrap_or(1) != 0,
                    "lang" => sess.lang = args.text(2),
                    _ => return Err(fault("E13", "type", "Invalid value")),
                }
                Ok(SoapValue::Null)
            }
            SessionInfo => Ok(SoapValue::Struct(vec![
                ("IDSESSION".into(), s(&session_id)),
                ("IDRESELLER".into(), s(&self.reseller)),
                ("LANG".into(), s(&session.lang)),
                ("SYNC".into(), SoapValue::Int(i64::from(session.sync))),
                ("TIME_LOGIN".into(), s(&self.date(session.opened))),
                ("TIME_LAST_ACTIVITY".into(), s(&self.date(now))),
            ])),
            QueryOpe => {
                let st = self.lock();
                let op = args
                    .int(1)
                    .and_then(|id| st.ops.get(&id))
                    .ok_or_else(|| fault("E04", "idOpe", "Unknown operation"))?;
                Ok(self.op_struct(op, now))
            }
            CancelOpe => self.cancel_ope(&args, now),
            QueryOpePending => Ok(self.query_ope_pending(now)),
            SslCreate => self.ssl_create(&args, now),
            SslInfo => self.ssl_info(&args, now),
            SslRenew | SslReIssue | SslRevoke | SslSetPreference => {
                self.ssl_change(call, &args, now)
            }
        }
    }

    fn session_open(&self, args: &Args<'_>, now: DateTime<Utc>) -> Result<SoapValue, Fault> {
        if args.text(0) != self.reseller || args.text(1) != self.password {
            return Err(fault(
                "E01",
                "Authentication",
                "Bad reseller id or password",
            ));
        }
        let mut st = self.lock();
        let r = st.rng.next_u64();
        let id = format!("{:016x}{:016x}", r, r.rotate_left(17) ^ 0x5eed);
        let lang = Some(args.text(2))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "EN".into());
        st.issued.push(id.clone());
        st.sessions.insert(
            id.clone(),
            Session {
                sync: true,
                lang,
                opened: now,
                last: now,
            },
        );
        Ok(s(&id))
    }

    /// The session `id`, touched; `E02` when it is unknown, closed or idle too long.
    fn session(&self, id: &str, now: DateTime<Utc>) -> Result<Session, Fault> {
        let mut st = self.lock();
        match st.sessions.get_mut(id) {
            Some(sess) if (now - sess.last).num_seconds() <= SESSION_IDLE_SECONDS => {
                sess.last = now;
                Ok(sess.clone())
            }
            Some(_) => {
                st.sessions.remove(id);
                Err(fault("E02", "Session", "Session expired"))
            }
            None => Err(fault("E02", "Session", "Unknown or closed session")),
        }
    }

    fn cancel_ope(&self, args: &Args<'_>, now: DateTime<Utc>) -> Result<SoapValue, Fault> {
        let mut st = self.lock();
        let op = args
            .int(1)
            .and_then(|id| st.ops.get_mut(&id))
            .ok_or_else(|| fault("E04", "idOpe", "Unknown operation"))?;
        if op.status(now) != "Pending" {
            return Err(fault("E05", "idOpe", "The operation cannot be cancelled"));
        }
        op.cancelled = true;
        let op = op.clone();
        drop(st);
        Ok(self.op_struct(&op, now))
    }

    fn query_ope_pending(&self, now: DateTime<Utc>) -> SoapValue {
        let st = self.lock();
        SoapValue::Array(
            st.ops
                .values()
                .filter(|o| o.status(now) == "Pending")
                .map(|o| {
                    SoapValue::Struct(vec![
                        ("id_ope".into(), SoapValue::Int(o.id)),
                        ("code_ope".into(), s(&o.kind)),
                        ("date_ope".into(), s(&self.date(o.created))),
                        ("data_ope".into(), s(&o.target)),
                    ])
                })
                .collect(),
        )
    }

    fn ssl_create(&self, args: &Args<'_>, now: DateTime<Utc>) -> Result<SoapValue, Fault> {
        let (csr, validation) = csr_and_validation(args, 3)?;
        let cn = csr.get("CommonName").cloned();
        let order = self.submit("sslCreate", cn.as_deref().unwrap_or(""));
        let mut st = self.lock();
        let id = st.next_cert;
        st.next_cert += 1;
        st.certs.insert(
            id,
            Cert {
                id,
                prod: args.text(1),
                duration: args.int(2).unwrap_or(1),
                cn,
                san: csr.get("AlternativeNames").cloned(),
                validation,
                order,
                created: now,
                auto_renew: false,
                to_be_renewed: false,
                revoked_by: None,
            },
        );
        let op = st
            .ops
            .get(&order)
            .cloned()
            .ok_or_else(|| fault("E99", "sslCreate", "Internal error"))?;
        drop(st);
        Ok(self.op_struct(&op, now))
    }

    /// `sslRenew`, `sslReIssue`, `sslRevoke` and `sslSetPreference`: each changes the
    /// certificate (a renewal adds its year, a reissue takes the new request's names and
    /// validation, a revocation ends it once its operation is done, a preference is kept) and
    /// answers the operation that carries the change.
    fn ssl_change(
        &self,
        call: SessionCall,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<SoapValue, Fault> {
        let id = args.int(1).unwrap_or(-1);
        let target = {
            let st = self.lock();
            let cert = st
                .certs
                .get(&id)
                .ok_or_else(|| fault("E04", "IDSSL", "Unknown certificate"))?;
            if cert.revoked_by.is_some() {
                return Err(fault("E13", "IDSSL", "The certificate is revoked"));
            }
            cert.cn.clone().unwrap_or_default()
        };
        let change: CertChange = match call {
            SessionCall::SslRenew => {
                if args.int(2) != Some(1) {
                    return Err(fault("E13", "duration", "Invalid value"));
                }
                Box::new(|c: &mut Cert, _| c.duration += 1)
            }
            SessionCall::SslReIssue => {
                let (csr, validation) = csr_and_validation(args, 2)?;
                Box::new(move |c: &mut Cert, _| {
                    c.san = csr.get("AlternativeNames").cloned();
                    if let Some(cn) = csr.get("CommonName") {
                        c.cn = Some(cn.clone());
                    }
                    c.validation = validation;
                })
            }
            SessionCall::SslRevoke => Box::new(|c: &mut Cert, op| c.revoked_by = Some(op)),
            _ => {
                let on = args.int(3).unwrap_or(0) != 0;
                match args.text(2).as_str() {
                    "auto_renew" => Box::new(move |c: &mut Cert, _| c.auto_renew = on),
                    "to_be_renewed" => Box::new(move |c: &mut Cert, _| c.to_be_renewed = on),
                    _ => return Err(fault("E13", "codePref", "Invalid value")),
                }
            }
        };
        let kind = match call {
            SessionCall::SslRenew => "sslRenew",
            SessionCall::SslReIssue => "sslReIssue",
            SessionCall::SslRevoke => "sslRevoke",
            _ => "sslSetPreference",
        };
        let order = self.submit(kind, &target);
        let mut st = self.lock();
        if let Some(cert) = st.certs.get_mut(&id) {
            change(cert, order);
        }
        let op = st
            .ops
            .get(&order)
            .cloned()
            .ok_or_else(|| fault("E99", kind, "Internal error"))?;
        drop(st);
        Ok(self.op_struct(&op, now))
    }

    fn ssl_info(&self, args: &Args<'_>, now: DateTime<Utc>) -> Result<SoapValue, Fault> {
        let st = self.lock();
        let cert = args
            .int(1)
            .and_then(|id| st.certs.get(&id))
            .cloned()
            .ok_or_else(|| fault("E04", "IDSSL", "Unknown certificate"))?;
        let done = |op: i64| st.ops.get(&op).map(|o| o.status(now));
        let status = match (cert.revoked_by.and_then(done), done(cert.order)) {
            (Some("Done"), _) => "Revoked",
            (_, Some("Done")) => "Active",
            (_, Some("Failed" | "Cancelled")) => "Cancelled",
            _ => "Pending",
        };
        let expires = cert.created + chrono::Duration::days(365 * cert.duration);
        let text = |v: &Option<String>| v.as_deref().map_or(SoapValue::Null, s);
        Ok(SoapValue::Struct(vec![
            ("IDSSL".into(), SoapValue::Int(cert.id)),
            ("PROD".into(), s(&cert.prod)),
            ("DURATION".into(), SoapValue::Int(cert.duration)),
            ("STATUS".into(), s(status)),
            ("DATE_CREATE".into(), s(&self.date(cert.created))),
            ("DATE_EXPIRATION".into(), s(&self.date(expires))),
            (
                "AUTO_RENEW".into(),
                SoapValue::Int(i64::from(cert.auto_renew)),
            ),
            (
                "TO_BE_RENEWED".into(),
                SoapValue::Int(i64::from(cert.to_be_renewed)),
            ),
            ("CN".into(), text(&cert.cn)),
            ("SAN".into(), text(&cert.san)),
            ("VALIDATION".into(), s(&cert.validation)),
        ]))
    }
}

/// The `StructCSR` members at parameter `at` and the `validation` after it, checked as Netim
/// does: a request is required, and a validation is `file` or `email:ADDR[,ADDR]`.
fn csr_and_validation(
    args: &Args<'_>,
    at: usize,
) -> Result<(HashMap<String, String>, String), Fault> {
    let members: HashMap<String, String> = match args.value(at) {
        SoapValue::Struct(m) | SoapValue::Map(m) => m
            .into_iter()
            .filter_map(|(k, v)| match v {
                SoapValue::String(t) if !t.trim().is_empty() => Some((k, t)),
                _ => None,
            })
            .collect(),
        _ => HashMap::new(),
    };
    if !members.contains_key("CSR") {
        return Err(fault("E13", "CSR", "Invalid value"));
    }
    let validation = args.text(at + 1);
    let valid = validation == "file"
        || validation
            .strip_prefix("email:")
            .is_some_and(|a| !a.is_empty() && a.split(',').all(|m| m.contains('@')));
    if !valid {
        return Err(fault("E13", "validation", "Invalid value"));
    }
    Ok((members, validation))
}

/// The functions the sandbox answers; any other name gets SoapServer's "not a valid method".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    /// The one call without a session.
    SessionOpen,
    /// Every other call: its first parameter is the session.
    InSession(SessionCall),
}

/// The calls made within a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SessionCall {
    SessionClose,
    SessionSetPreference,
    SessionInfo,
    QueryOpe,
    CancelOpe,
    QueryOpePending,
    SslCreate,
    SslInfo,
    SslRenew,
    SslReIssue,
    SslRevoke,
    SslSetPreference,
}

impl Function {
    /// Every function by its wire name.
    const NAMES: [(&'static str, Function); 13] = [
        ("sessionOpen", Function::SessionOpen),
        (
            "sessionClose",
            Function::InSession(SessionCall::SessionClose),
        ),
        (
            "sessionSetPreference",
            Function::InSession(SessionCall::SessionSetPreference),
        ),
        ("sessionInfo", Function::InSession(SessionCall::SessionInfo)),
        ("queryOpe", Function::InSession(SessionCall::QueryOpe)),
        ("cancelOpe", Function::InSession(SessionCall::CancelOpe)),
        (
            "queryOpePending",
            Function::InSession(SessionCall::QueryOpePending),
        ),
        ("sslCreate", Function::InSession(SessionCall::SslCreate)),
        ("sslInfo", Function::InSession(SessionCall::SslInfo)),
        ("sslRenew", Function::InSession(SessionCall::SslRenew)),
        ("sslReIssue", Function::InSession(SessionCall::SslReIssue)),
        ("sslRevoke", Function::InSession(SessionCall::SslRevoke)),
        (
            "sslSetPreference",
            Function::InSession(SessionCall::SslSetPreference),
        ),
    ];

    fn named(name: &str) -> Option<Function> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
}

/// A call's parameters, by position.
struct Args<'a>(&'a [(String, SoapValue)]);

impl Args<'_> {
    fn value(&self, i: usize) -> SoapValue {
        self.0
            .get(i)
            .map(|(_, v)| v.clone())
            .unwrap_or(SoapValue::Null)
    }

    fn text(&self, i: usize) -> String {
        match self.value(i) {
            SoapValue::String(t) => t,
            SoapValue::Int(n) => n.to_string(),
            _ => String::new(),
        }
    }

    fn int(&self, i: usize) -> Option<i64> {
        match self.value(i) {
            SoapValue::Int(n) => Some(n),
            SoapValue::String(t) => t.trim().parse().ok(),
            _ => None,
        }
    }
}
