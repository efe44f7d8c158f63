//! Gandi XML-RPC v3 at `/xmlrpc/`: `operation.*`, `cert.*`, `cert.package.list` and
//! `cert.hosted.*`, answering as the API does (operation structs, Gandi fault codes, times in the
//! server's local zone without an offset).
//!
//! Operations move BILL → WAIT → RUN → DONE on the sandbox clock; a seeded draw sends some to
//! ERROR (with an `errortype`) or through SUPPORT before DONE. `operation.cancel` moves a
//! non-terminal operation to CANCEL.

use crate::clock::{Rng, SimClock, plan_at};
use chrono::{DateTime, Utc};
use regops_core::ServerTimeZone;
use regops_xmlrpc::generated::{CertListOptions, OperationListOptions};
use regops_xmlrpc::{DateTime as WireDate, Fault, MethodCall, OneOrMany, Value, from_value};
use std::collections::BTreeMap;
use std::sync::Mutex;

mod certificates;

/// The API key the sandbox accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "sandbox0key0for0regops00";

const NOT_FOUND: i64 = 510042;
const BAD_KEY: i64 = 510150;
const BAD_PARAMETER: i64 = 510136;
const UNKNOWN_METHOD: i64 = 510100;

/// A step and when (virtual seconds after submission) the operation reaches it.
type Plan = Vec<(i64, &'static str)>;

#[derive(Clone, Debug)]
struct SimOp {
    id: i64,
    kind: String,
    target: String,
    created: DateTime<Utc>,
    plan: Plan,
    /// A step forced at a time (cancel, relaunch).
    forced: Option<(DateTime<Utc>, &'static str)>,
    errortype: Option<&'static str>,
    last_error: Option<&'static str>,
    last_support_error: Option<&'static str>,
    cert: Option<i64>,
    /// A parameter the operation fails without until a relaunch gives it (`x-it_pin` for an
    /// `.it` domain).
    needs: Option<&'static str>,
    /// The parameters its last relaunch gave.
    given: BTreeMap<String, String>,
}

impl SimOp {
    fn step_at(&self, now: DateTime<Utc>) -> (&'static str, DateTime<Utc>) {
        if let Some((at, step)) = self.forced {
            if now >= at {
                return (step, at);
            }
        }
        plan_at(&self.plan, self.created, now)
    }

    fn is_terminal(&self, now: DateTime<Utc>) -> bool {
        matches!(self.step_at(now).0, "DONE" | "ERROR" | "CANCEL")
    }
}

#[derive(Clone, Debug)]
struct SimCert {
    id: i64,
    cn: String,
    altnames: Vec<String>,
    package: String,
    dcv_method: String,
    csr: Option<String>,
    created: DateTime<Utc>,
    years: i64,
    order: Option<i64>,
    revoked: bool,
    /// How many times its validation was sent again.
    dcv_resent: i64,
}

struct State {
    ops: BTreeMap<i64, SimOp>,
    certs: BTreeMap<i64, SimCert>,
    hosted: BTreeMap<i64, certificates::Hosted>,
    next_op: i64,
    next_cert: i64,
    next_hosted: i64,
    rng: Rng,
}

/// The Gandi side of the sandbox.
pub struct GandiSim {
    api_key: String,
    zone: ServerTimeZone,
    clock: SimClock,
    state: Mutex<State>,
}

impl std::fmt::Debug for GandiSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GandiSim").finish_non_exhaustive()
    }
}

fn fault(code: i64, object: &str, cause: &str, detail: impl std::fmt::Display) -> Fault {
    Fault {
        code,
        string: format!("Error on object : {object} ({cause}) [{detail}]"),
    }
}

impl GandiSim {
    /// A sandbox with a few operations already under way, drawn from `seed`.
    pub fn new(api_key: String, clock: SimClock, seed: u64) -> Self {
        let mut state = State {
            ops: BTreeMap::new(),
            certs: BTreeMap::new(),
            hosted: BTreeMap::new(),
            next_op: 4_200_000,
            next_cert: 90_000,
            next_hosted: 5_000,
            rng: Rng::new(seed),
        };
        let now = clock.now();
        // History: one finished of each end, submitted days ago.
        for (kind, target, step, err) in [
            ("domain_renew", "history-renew.example", "DONE", None),
            (
                "domain_create",
                "history-fail.example",
                "ERROR",
                Some("fatal"),
            ),
            (
                "domain_transfer_in",
                "history-cancel.example",
                "CANCEL",
                None,
            ),
        ] {
            let id = state.next_op;
            state.next_op += 1;
            state.ops.insert(
                id,
                SimOp {
                    id,
                    kind: kind.into(),
                    target: target.into(),
                    created: now - chrono::Duration::days(3),
                    plan: vec![(0, "BILL"), (10, "RUN"), (60, step)],
                    forced: None,
                    errortype: err,
                    last_error: err.map(|_| "The registry refused the request"),
                    last_support_error: None,
                    cert: None,
                    needs: None,
                    given: BTreeMap::new(),
                },
            );
        }
        GandiSim {
            api_key,
            zone: ServerTimeZone::PARIS,
            clock,
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wire(&self, t: DateTime<Utc>) -> Value {
        Value::DateTime(WireDate::Local(self.zone.to_local(t)))
    }

    /// Submits an operation (what `domain.create` and friends do at Gandi); answers its id.
    pub fn submit(&self, kind: &str, target: &str) -> i64 {
        let now = self.clock.now();
        let mut st = self.lock();
        let id = st.next_op;
        st.next_op += 1;
        let op = Self::planned(&mut st.rng, id, kind, target, now, None);
        st.ops.insert(id, op);
        id
    }

    fn planned(
        rng: &mut Rng,
        id: i64,
        kind: &str,
        target: &str,
        now: DateTime<Utc>,
        cert: Option<i64>,
    ) -> SimOp {
        let run = 5 + rng.below(10) as i64;
        let end = run + 20 + rng.below(40) as i64;
        let draw = rng.below(100);
        let needs = (kind.starts_with("domain_") && target.ends_with(".it")).then_some("x-it_pin");
        let stuck = kind == "certificate_create" && target.starts_with(certificates::STUCK_PREFIX);
        let (plan, errortype, last_error, support): (Plan, _, _, _) = match draw {
            _ if needs.is_some() => (
                vec![(0, "BILL"), (2, "WAIT"), (run, "RUN"), (end, "ERROR")],
                Some("missing_parameter"),
                Some("x-it_pin is missing: the .it registry needs the registrant's PIN"),
                None,
            ),
            _ if stuck => (
                vec![(0, "BILL"), (2, "WAIT"), (run, "RUN"), (end, "SUPPORT")],
                None,
                None,
                Some("domain control validation has not succeeded: change the method or resend it"),
            ),
            0..=69 => (
                vec![(0, "BILL"), (2, "WAIT"), (run, "RUN"), (end, "DONE")],
                None,
                None,
                None,
            ),
            70..=84 => (
                vec![(0, "BILL"), (2, "WAIT"), (run, "RUN"), (end, "ERROR")],
                Some("fatal"),
                Some("The registry refused the request"),
                None,
            ),
            _ => (
                vec![
                    (0, "BILL"),
                    (2, "WAIT"),
                    (run, "RUN"),
                    (end, "SUPPORT"),
                    (end + 30, "DONE"),
                ],
                None,
                None,
                Some("Gandi's support is checking the documents"),
            ),
        };
        SimOp {
            id,
            kind: kind.into(),
            target: target.into(),
            created: now,
            plan,
            forced: None,
            errortype,
            last_error,
            last_support_error: support,
            cert,
            needs,
            given: BTreeMap::new(),
        }
    }

    fn op_value(&self, op: &SimOp, now: DateTime<Utc>) -> Value {
        let (step, since) = op.step_at(now);
        let finish = op.plan.last().map(|p| p.0).unwrap_or(0);
        let left = (op.created + chrono::Duration::seconds(finish) - now).num_seconds();
        // eta in real seconds, so that clients poll at a pace that matches the sandbox clock.
        let eta = if op.is_terminal(now) || left <= 0 {
            0
        } else {
            ((left as f64) / self.clock.speed().max(1.0)).ceil() as i64
        };
        let failed = step == "ERROR";
        let started = op
            .plan
            .iter()
            .find(|p| p.1 == "RUN")
            .map(|p| op.created + chrono::Duration::seconds(p.0))
            .filter(|t| *t <= now);
        let mut m = BTreeMap::new();
        m.insert("id".into(), Value::Int(op.id));
        m.insert("step".into(), Value::from(step));
        m.insert("type".into(), Value::from(op.kind.as_str()));
        m.insert("eta".into(), Value::Int(eta));
        m.insert("date_created".into(), self.wire(op.created));
        m.insert(
            "date_start".into(),
            started.map(|t| self.wire(t)).unwrap_or(Value::Nil),
        );
        m.insert("date_updated".into(), self.wire(since));
        m.insert(
            "errortype".into(),
            op.errortype
                .filter(|_| failed)
                .map(Value::from)
                .unwrap_or(Value::Nil),
        );
        m.insert(
            "last_error".into(),
            op.last_error
                .filter(|_| failed)
                .map(Value::from)
                .unwrap_or(Value::Nil),
        );
        if step == "SUPPORT" {
            if let Some(s) = op.last_support_error {
                m.insert("last_support_error".into(), Value::from(s));
            }
        }
        m.insert("session_id".into(), Value::Int(1));
        m.insert("source".into(), Value::from("SANDBOX-GANDI"));
        let mut params = BTreeMap::new();
        params.insert("domain".to_owned(), Value::from(op.target.as_str()));
        if let Some(c) = op.cert {
            params.insert("cert_id".to_owned(), Value::Int(c));
        }
        for (k, v) in &op.given {
            params.insert(k.clone(), Value::from(v.as_str()));
        }
        m.insert("params".into(), Value::Struct(params));
        m.insert(
            "infos".into(),
            Value::structure([
                ("label", Value::from(op.target.as_str())),
                ("id", Value::from("")),
            ]),
        );
        Value::Struct(m)
    }

    fn cert_value(&self, st: &State, c: &SimCert, now: DateTime<Utc>) -> Value {
        let order = c.order.and_then(|o| st.ops.get(&o));
        let status = match order.map(|o| o.step_at(now).0) {
            _ if c.revoked => "revoked",
            Some("DONE") | None => "valid",
            Some(_) => "pending",
        };
        let start = order.map(|o| o.step_at(now).1).unwrap_or(c.created);
        let mut m = BTreeMap::new();
        m.insert("id".into(), Value::Int(c.id));
        m.insert("cn".into(), Value::from(c.cn.as_str()));
        m.insert(
            "altnames".into(),
            Value::Array(c.altnames.iter().map(|a| Value::from(a.as_str())).collect()),
        );
        m.insert("package".into(), Value::from(c.package.as_str()));
        m.insert("status".into(), Value::from(status));
        m.insert("dcv_method".into(), Value::from(c.dcv_method.as_str()));
        m.insert("date_created".into(), self.wire(c.created));
        if status != "pending" {
            m.insert("date_start".into(), self.wire(start));
            m.insert(
                "date_end".into(),
                self.wire(start + chrono::Duration::days(365 * c.years)),
            );
        }
        m.insert(
            "uuid".into(),
            Value::String(format!("sandbox-cert-{}", c.id)),
        );
        Value::Struct(m)
    }

    /// Answers one call: the API key first, then the method's own handler.
    pub fn call(&self, call: &MethodCall) -> Result<Value, Fault> {
        let key = match call.params.first() {
            Some(Value::String(k)) => Some(k.as_str()),
            Some(v @ Value::Struct(_)) => v.get("apikey").and_then(Value::as_str),
            _ => None,
        };
        if key != Some(self.api_key.as_str()) {
            return Err(fault(
                BAD_KEY,
                "OBJECT_ACCOUNT",
                "CAUSE_BADPARAMETER",
                "Invalid API key",
            ));
        }
        let Some(method) = Method::named(&call.method) else {
            return Err(fault(
                UNKNOWN_METHOD,
                "OBJECT_METHOD",
                "CAUSE_UNKNOWN",
                format!("unknown method {}", call.method),
            ));
        };
        let args = Args(&call.params[1..]);
        let now = self.clock.now();
        let st = &mut *self.lock();
        use Method::*;
        match method {
            OperationInfo => self.operation_info(st, &args, now),
            OperationList => self.operation_list(st, &args, now, false),
            OperationCount => self.operation_list(st, &args, now, true),
            OperationCancel => Self::operation_cancel(st, &args, now),
            OperationRelaunch => Self::operation_relaunch(st, &args, now),
            CertCreate => self.cert_create(st, &args, now),
            CertRenew | CertUpdate | CertDelete => self.cert_operation(st, method, &args, now),
            CertInfo => {
                let id = args.int(0, "cert")?;
                let c = st.certs.get(&id).ok_or_else(|| cert_not_found(id))?;
                Ok(self.cert_value(st, c, now))
            }
            CertList => self.cert_list(st, &args, now, false),
            CertCount => self.cert_list(st, &args, now, true),
            CertChangeDcv | CertResendDcv => Self::dcv_again(st, method, &args, now),
            CertRecheckCaa => Self::recheck_caa(st, &args),
            CertGetDcvParams => Self::dcv_params(st, &args),
            CertPackageList => certificates::packages(&args),
            CertHostedList | CertHostedCount | CertHostedInfo | CertHostedCreate
            | CertHostedDelete => self.hosted(st, method, &args, now),
        }
    }

    fn operation_info(
        &self,
        st: &State,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, Fault> {
        let id = args.int(0, "operation")?;
        let op = st.ops.get(&id).ok_or_else(|| op_not_found(id))?;
        Ok(self.op_value(op, now))
    }

    /// `operation.list`, or `operation.count` when `count`.
    fn operation_list(
        &self,
        st: &State,
        args: &Args<'_>,
        now: DateTime<Utc>,
        count: bool,
    ) -> Result<Value, Fault> {
        let opts: OperationListOptions = options(args.first())?;
        let per = opts.items_per_page.unwrap_or(100);
        if !(1..=100).contains(&per) {
            return Err(fault(
                BAD_PARAMETER,
                "OBJECT_OPTIONS",
                "CAUSE_BADPARAMETER",
                "items_per_page must be 1 to 100",
            ));
        }
        let mut matched: Vec<Value> = st
            .ops
            .values()
            .filter(|op| self.op_matches(op, &opts, now))
            .map(|op| self.op_value(op, now))
            .collect();
        if count {
            return Ok(Value::Int(matched.len() as i64));
        }
        matched.reverse();
        Ok(page_of(matched, opts.page, per as usize))
    }

    fn operation_cancel(
        st: &mut State,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, Fault> {
        let id = args.int(0, "operation")?;
        let op = st.ops.get_mut(&id).ok_or_else(|| op_not_found(id))?;
        if op.is_terminal(now) {
            return Err(fault(
                581036,
                "OBJECT_OPERATION",
                "CAUSE_BADPARAMETER",
                format!("operation {id} is already finished"),
            ));
        }
        op.forced = Some((now, "CANCEL"));
        Ok(Value::Bool(true))
    }

    fn operation_relaunch(
        st: &mut State,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, Fault> {
        let id = args.int(0, "operation")?;
        let State { ops, rng, .. } = st;
        let op = ops.get_mut(&id).ok_or_else(|| op_not_found(id))?;
        if op.step_at(now).0 != "ERROR" {
            return Err(fault(
                581036,
                "OBJECT_OPERATION",
                "CAUSE_BADPARAMETER",
                format!("operation {id} is not in error"),
            ));
        }
        let given: BTreeMap<String, String> = match args.0.get(1) {
            Some(Value::Struct(m)) => m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|t| (k.clone(), t.to_owned())))
                .collect(),
            _ => BTreeMap::new(),
        };
        let mut again = Self::planned(rng, id, &op.kind, &op.target, now, op.cert);
        again.created = op.created;
        let shift = (now - op.created).num_seconds();
        // Still without what it needs, it fails again, for the same reason.
        let missing = op.needs.filter(|p| !given.contains_key(*p));
        let end = if missing.is_some() { "ERROR" } else { "DONE" };
        again.plan = vec![
            (0, "BILL"),
            (shift, "WAIT"),
            (shift + 5, "RUN"),
            (shift + 30, end),
        ];
        if missing.is_none() {
            again.errortype = None;
            again.last_error = None;
        }
        again.last_support_error = None;
        again.given = given;
        *op = again;
        Ok(Value::Bool(true))
    }

    fn cert_create(
        &self,
        st: &mut State,
        args: &Args<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, Fault> {
        let p = args.first().ok_or_else(|| missing("params"))?;
        let package = p
            .get("package")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("package"))?;
        let cn = p
            .get("cn")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("cn"))?
            .to_owned();
        let State {
            ops,
            certs,
            next_op,
            next_cert,
            rng,
            ..
        } = st;
        let cert_id = *next_cert;
        *next_cert += 1;
        let op_id = *next_op;
        *next_op += 1;
        let op = Self::planned(rng, op_id, "certificate_create", &cn, now, Some(cert_id));
        certs.insert(
            cert_id,
            SimCert {
                id: cert_id,
                cn: cn.clone(),
                altnames: strings(p.get("altnames")),
                package: package.to_owned(),
                dcv_method: p
                    .get("dcv_method")
                    .and_then(Value::as_str)
                    .unwrap_or("email")
                    .to_owned(),
                csr: p.get("csr").and_then(Value::as_str).map(str::to_owned),
                created: now,
                years: p
                    .get("duration")
                    .and_then(Value::as_i64)
                    .unwrap_or(1)
                    .clamp(1, 3),
                order: Some(op_id),
                revoked: false,
                dcv_resent: 0,
            },
        );
        let v = self.op_value(&op, now);
        ops.insert(op_id, op);
        Ok(v)
    }

    /// `cert.list`, or `cert.count` when `count`.
    fn cert_list(
        &self,
        st: &State,
        args: &Args<'_>,
        now: DateTime<Utc>,
        count: bool,
    ) -> Result<Value, Fault> {
        let opts: CertListOptions = options(args.first())?;
        let all: Vec<Value> = st
            .certs
            .values()
            .map(|c| self.cert_value(st, c, now))
            .filter(|v| {
                opts.status
                    .as_deref()
                    .is_none_or(|s| v.get("status").and_then(Value::as_str) == Some(s))
            })
            .collect();
        if count {
            return Ok(Value::Int(all.len() as i64));
        }
        let per = opts.items_per_page.unwrap_or(100).clamp(1, 100) as usize;
        Ok(page_of(all, opts.page, per))
    }

    fn op_matches(&self, op: &SimOp, o: &OperationListOptions, now: DateTime<Utc>) -> bool {
        let ids = |v: &Option<OneOrMany<i64>>| match v {
            None => true,
            Some(OneOrMany::One(i)) => *i == op.id,
            Some(OneOrMany::Many(list)) => list.contains(&op.id),
        };
        let local = |t: DateTime<Utc>| WireDate::Local(self.zone.to_local(t));
        let created = local(op.created);
        let bound = |s: &Option<String>| s.as_deref().map(WireDate::parse);
        ids(&o.id)
            && o.step.as_deref().is_none_or(|s| op.step_at(now).0 == s)
            && o.r#type.as_deref().is_none_or(|t| op.kind == t)
            && o.domain
                .as_deref()
                .is_none_or(|d| op.target.eq_ignore_ascii_case(d))
            && o.domain_like.as_deref().is_none_or(|p| like(&op.target, p))
            && bound(&o.date_created_gt).is_none_or(|b| created > b)
            && bound(&o.date_created_lt).is_none_or(|b| created < b)
    }
}

/// SQL LIKE with `%` at the end and `\` escapes, as the `~` options use it.
fn like(text: &str, pattern: &str) -> bool {
    let unescaped = pattern
        .trim_end_matches('%')
        .replace("\\%", "%")
        .replace("\\_", "_");
    text.to_ascii_lowercase()
        .starts_with(&unescaped.to_ascii_lowercase())
}

/// Page `page` (from 0; none is the first) of `items`, `per` to a page, as a list answers it.
fn page_of(items: Vec<Value>, page: Option<i64>, per: usize) -> Value {
    let page = page.unwrap_or(0).max(0) as usize;
    Value::Array(items.into_iter().skip(page * per).take(per).collect())
}

/// The methods the sandbox answers; any other name is Gandi's "unknown method" fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    OperationInfo,
    OperationList,
    OperationCount,
    OperationCancel,
    OperationRelaunch,
    CertCreate,
    CertRenew,
    CertUpdate,
    CertDelete,
    CertInfo,
    CertList,
    CertCount,
    CertChangeDcv,
    CertResendDcv,
    CertRecheckCaa,
    CertGetDcvParams,
    CertPackageList,
    CertHostedList,
    CertHostedCount,
    CertHostedInfo,
    CertHostedCreate,
    CertHostedDelete,
}

impl Method {
    /// Every method by its wire name.
    const NAMES: [(&'static str, Method); 22] = [
        ("operation.info", Method::OperationInfo),
        ("operation.list", Method::OperationList),
        ("operation.count", Method::OperationCount),
        ("operation.cancel", Method::OperationCancel),
        ("operation.relaunch", Method::OperationRelaunch),
        ("cert.create", Method::CertCreate),
        ("cert.renew", Method::CertRenew),
        ("cert.update", Method::CertUpdate),
        ("cert.delete", Method::CertDelete),
        ("cert.info", Method::CertInfo),
        ("cert.list", Method::CertList),
        ("cert.count", Method::CertCount),
        ("cert.change_dcv", Method::CertChangeDcv),
        ("cert.resend_dcv", Method::CertResendDcv),
        ("cert.recheck_caa", Method::CertRecheckCaa),
        ("cert.get_dcv_params", Method::CertGetDcvParams),
        ("cert.package.list", Method::CertPackageList),
        ("cert.hosted.list", Method::CertHostedList),
        ("cert.hosted.count", Method::CertHostedCount),
        ("cert.hosted.info", Method::CertHostedInfo),
        ("cert.hosted.create", Method::CertHostedCreate),
        ("cert.hosted.delete", Method::CertHostedDelete),
    ];

    fn named(name: &str) -> Option<Method> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
    }
}

/// A call's parameters after the API key.
struct Args<'a>(&'a [Value]);

impl Args<'_> {
    fn first(&self) -> Option<&Value> {
        self.0.first()
    }

    /// Parameter `i` as an int, or Gandi's bad-parameter fault naming `what`.
    fn int(&self, i: usize, what: &str) -> Result<i64, Fault> {
        self.0.get(i).and_then(Value::as_i64).ok_or_else(|| {
            fault(
                BAD_PARAMETER,
                "OBJECT_ANY",
                "CAUSE_BADPARAMETER",
                format!("{what} must be an int"),
            )
        })
    }
}

fn options<T: serde::de::DeserializeOwned + Default>(v: Option<&Value>) -> Result<T, Fault> {
    match v {
        None | Some(Value::Nil) => Ok(T::default()),
        Some(v) => from_value(v.clone())
            .map_err(|e| fault(BAD_PARAMETER, "OBJECT_OPTIONS", "CAUSE_BADPARAMETER", e)),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec![],
    }
}

fn missing(what: &str) -> Fault {
    fault(
        BAD_PARAMETER,
        "OBJECT_CERTIFICATE",
        "CAUSE_BADPARAMETER",
        format!("{what} is mandatory"),
    )
}

fn op_not_found(id: i64) -> Fault {
    fault(
        NOT_FOUND,
        "OBJECT_OPERATION",
        "CAUSE_NOTFOUND",
        format!("the operation {id} does not exist"),
    )
}

fn cert_not_found(id: i64) -> Fault {
    fault(
        NOT_FOUND,
        "OBJECT_CERTIFICATE",
        "CAUSE_NOTFOUND",
        format!("the certificate {id} does not exist"),
    )
}
