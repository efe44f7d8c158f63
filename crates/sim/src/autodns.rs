//! AutoDNS at `/autodns/v1/` (the JSON API) and `/autodns/gateway` (the XML gateway, see
//! [`AutoDnsSim::gateway`]): domain cancelations (create, update, delete, info,
//! `_search`) and the jobs that carry them out (`GET /job/{id}`, `_search`, `_cancel`), with
//! HTTP basic auth and the `X-Domainrobot-Context` header checked, in the API's envelope.
//!
//! A cancelation executed `NOW` starts a job (RUNNING, then SUCCESS on the sandbox clock, or
//! FAILED for a seeded few) and is answered `N0103101`/`NOTIFY` with the job as the object; one
//! executed at `EXPIRE` or at a `DATE` waits, answered `S0103101`/`SUCCESS`, with `registryWhen`
//! set.

use crate::clock::{Rng, SimClock, plan_at};
use chrono::{DateTime, Utc};
use regops_core::ServerTimeZone;
use regops_rest::gateway::Node;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The user the sandbox accepts unless configured otherwise.
pub const DEFAULT_USER: &str = "sandbox";
/// The password the sandbox accepts unless configured otherwise.
pub const DEFAULT_PASSWORD: &str = "sandbox-autodns-password";
/// The context the sandbox expects.
pub const CONTEXT: &str = "4";

#[derive(Clone, Debug)]
struct Cancelation {
    domain: String,
    kind: String,
    execution: String,
    registry_when: DateTime<Utc>,
    disconnect: Option<bool>,
    gaining_registrar: Option<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    log_id: u64,
}

#[derive(Clone, Debug)]
struct Job {
    id: u64,
    domain: String,
    created: DateTime<Utc>,
    plan: Vec<(i64, &'static str)>,
    cancelled: Option<DateTime<Utc>>,
}

impl Job {
    fn at(&self, now: DateTime<Utc>) -> (&'static str, DateTime<Utc>) {
        if let Some(at) = self.cancelled
            && now >= at
        {
            return ("CANCELED", at);
        }
        plan_at(&self.plan, self.created, now)
    }
}

struct State {
    cancelations: BTreeMap<String, Cancelation>,
    jobs: BTreeMap<u64, Job>,
    next_job: u64,
    next_log: u64,
    next_stid: u64,
    rng: Rng,
    /// The poll queue: notifications not acknowledged yet, oldest first (id, job id).
    poll: std::collections::VecDeque<(u64, u64)>,
    next_poll: u64,
}

/// The AutoDNS side of the sandbox.
pub struct AutoDnsSim {
    authorization: String,
    clock: SimClock,
    zone: ServerTimeZone,
    state: Mutex<State>,
}

/// An answer: HTTP status and the JSON envelope.
pub type Answer = (u16, String);

impl AutoDnsSim {
    /// A sandbox accepting `user` with `password`.
    pub fn new(user: &str, password: &str, clock: SimClock, seed: u64) -> Self {
        AutoDnsSim {
            authorization: basic_authorization(user, password),
            clock,
            zone: ServerTimeZone::named("Europe/Berlin").unwrap_or(ServerTimeZone::PARIS),
            state: Mutex::new(State {
                cancelations: BTreeMap::new(),
                jobs: BTreeMap::new(),
                next_job: 4_295_210_000,
                next_log: 245_000,
                next_stid: 1,
                rng: Rng::new(seed ^ 0xa0d5),
                poll: std::collections::VecDeque::new(),
                next_poll: 700_000,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A time as the API writes it: `2019-07-01T10:44:26.000+0200`, in Europe/Berlin.
    fn time(&self, t: DateTime<Utc>) -> String {
        let local = self.zone.to_local(t);
        let offset = (local - t.naive_utc()).num_minutes();
        let sign = if offset < 0 { '-' } else { '+' };
        format!(
            "{}{sign}{:02}{:02}",
            local.format("%Y-%m-%dT%H:%M:%S%.3f"),
            offset.abs() / 60,
            offset.abs() % 60
        )
    }

    /// The next server transaction id.
    fn next_stid(&self) -> String {
        let mut st = self.lock();
        st.next_stid += 1;
        format!("20260105-sandbox-{}", st.next_stid)
    }

    fn envelope(
        &self,
        code: &str,
        text: &str,
        kind: &str,
        object: Value,
        data: Vec<Value>,
    ) -> String {
        let stid = self.next_stid();
        json!({
            "stid": stid,
            "status": {"code": code, "text": text, "type": kind},
            "object": object,
            "data": data,
        })
        .to_string()
    }

    fn error(&self, http: u16, code: &str, text: &str, detail_code: &str, detail: &str) -> Answer {
        let stid = self.next_stid();
        (
            http,
            json!({
                "stid": stid,
                "messages": [{"text": detail, "code": detail_code, "status": "ERROR"}],
                "status": {"code": code, "text": text, "type": "ERROR"},
            })
            .to_string(),
        )
    }

    fn cancelation_json(&self, c: &Cancelation) -> Value {
        let mut v = json!({
            "created": self.time(c.created),
            "updated": self.time(c.updated),
            "owner": {"context": 4, "user": DEFAULT_USER},
            "domain": c.domain,
            "registryWhen": self.time(c.registry_when),
            "logId": c.log_id,
            "type": c.kind,
            "execution": c.execution,
        });
        if let Some(d) = c.disconnect {
            v["disconnect"] = json!(d);
        }
        if let Some(g) = &c.gaining_registrar {
            v["gainingRegistrar"] = json!(g);
        }
        v
    }

    fn job_json(&self, j: &Job, now: DateTime<Utc>) -> Value {
        let (status, updated) = j.at(now);
        json!({
            "id": j.id,
            "status": status,
            "action": "DELETE",
            "subType": "DomainCancelation",
            "events": [{"jobId": j.id, "vertex": 1, "object": j.domain, "type": "DOMAIN_CANCELATION", "subtype": "DELETE"}],
            "created": self.time(j.created),
            "updated": self.time(updated),
        })
    }

    /// Starts a cancelation job for `domain` (what a create executed `NOW` does); answers its id.
    pub fn start_job(&self, domain: &str) -> u64 {
        let now = self.clock.now();
        let mut st = self.lock();
        let id = st.next_job;
        st.next_job += 1;
        let run = 1 + st.rng.below(3) as i64;
        let end = run + 5 + st.rng.below(10) as i64;
        let last = if st.rng.below(100) < 85 {
            "SUCCESS"
        } else {
            "FAILED"
        };
        st.jobs.insert(
            id,
            Job {
                id,
                domain: domain.to_owned(),
                created: now,
                plan: vec![(0, "WAIT"), (run, "RUNNING"), (end, last)],
                cancelled: None,
            },
        );
        // Every job is announced on the poll queue, as AutoDNS notifies of the tasks it runs.
        st.next_poll += 1;
        let message = st.next_poll;
        st.poll.push_back((message, id));
        id
    }

    /// How many notifications wait in the poll queue.
    pub fn poll_queue_len(&self) -> usize {
        self.lock().poll.len()
    }

    /// `GET /poll`: the oldest notification not acknowledged, or no data.
    fn poll_info(&self) -> Answer {
        let now = self.clock.now();
        let first = self.lock().poll.front().copied();
        let data = match first {
            Some((message, job)) => {
                let job_json = self.lock().jobs.get(&job).map(|j| self.job_json(j, now));
                let status = job_json
                    .as_ref()
                    .and_then(|j| j["status"].as_str().map(str::to_owned));
                vec![json!({
                    "id": message,
                    "job": job_json.unwrap_or_else(|| json!({"id": job})),
                    "messages": [{"text": format!("job {job} {}", status.as_deref().unwrap_or("WAIT")), "status": "NOTIFY"}],
                    "object": {"type": "Job", "value": job.to_string()},
                    "created": self.time(now),
                })]
            }
            None => Vec::new(),
        };
        let (code, text) = ("S0905", "Poll message information was read successfully.");
        (
            200,
            self.envelope(code, text, "SUCCESS", json!({"type": "Poll"}), data),
        )
    }

    /// `PUT /poll/{id}`: takes a notification off the queue.
    fn poll_confirm(&self, id: &str) -> Answer {
        let Ok(id) = id.parse::<u64>() else {
            return self.error(
                400,
                "E0906",
                "Poll message could not be confirmed.",
                "EF00906",
                "The id is not a number.",
            );
        };
        let mut st = self.lock();
        let before = st.poll.len();
        st.poll.retain(|(m, _)| *m != id);
        let found = st.poll.len() < before;
        drop(st);
        if !found {
            return self.error(
                404,
                "E0906",
                "Poll message could not be confirmed.",
                "EF00404",
                "No such poll message.",
            );
        }
        (
            200,
            self.envelope(
                "S0906",
                "Poll message was confirmed successfully.",
                "SUCCESS",
                json!({"type": "Poll", "value": id.to_string()}),
                Vec::new(),
            ),
        )
    }

    /// Serves one request of the JSON API.
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        context: Option<&str>,
        body: &[u8],
    ) -> Answer {
        if authorization != Some(self.authorization.as_str()) {
            return self.error(
                401,
                "E0001",
                "Authentication failed.",
                "EF00000",
                "The user or password is wrong.",
            );
        }
        if context != Some(CONTEXT) {
            return self.error(
                401,
                "E0002",
                "Authentication failed.",
                "EF00001",
                "The context is wrong.",
            );
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("POST", ["domain", "cancelation", "_search"]) => self.search_cancelations(body),
            ("POST", ["domain", name, "cancelation"]) => self.create(name, body),
            ("PUT", ["domain", name, "cancelation"]) => self.update(name, body),
            ("GET", ["domain", name, "cancelation"]) => self.info(name),
            ("DELETE", ["domain", name, "cancelation"]) => self.delete(name),
            ("POST", ["job", "_search"]) => self.search_jobs(body),
            ("GET", ["job", id]) => self.job(id),
            ("PUT", ["job", id, "_cancel"]) => self.cancel_job(id),
            ("GET", ["poll"]) => self.poll_info(),
            ("PUT", ["poll", id]) => self.poll_confirm(id),
            _ => self.error(
                404,
                "E0404",
                "Not found.",
                "EF00404",
                &format!("{method} /{} is not served", segments.join("/")),
            ),
        }
    }

    fn parse_request(&self, domain: &str, body: &[u8]) -> Result<Cancelation, Answer> {
        let v: Value = serde_json::from_slice(body).map_err(|_| {
            self.error(
                400,
                "E0103101",
                "Domain cancelation could not be created.",
                "EF00002",
                "The body is not JSON.",
            )
        })?;
        let word = |n: &str| v.get(n).and_then(Value::as_str).map(str::to_owned);
        let kind = word("type").unwrap_or_default();
        let execution = word("execution").unwrap_or_default();
        if !matches!(kind.as_str(), "DELETE" | "TRANSIT" | "PREACK")
            || !matches!(execution.as_str(), "NOW" | "EXPIRE" | "DATE")
        {
            return Err(self.error(
                400,
                "E0103101",
                "Domain cancelation could not be created.",
                "EF01013",
                "type or execution is not valid.",
            ));
        }
        let now = self.clock.now();
        let registry_when = match execution.as_str() {
            "NOW" => now,
            // The sandbox's domains expire 40 days after the sandbox clock started.
            "EXPIRE" => now + chrono::Duration::days(40),
            _ => match word("registryWhen").map(|t| regops_rest::wire::Time::parse(&t)) {
                Some(regops_rest::wire::Time::At(t)) => t,
                _ => {
                    return Err(self.error(
                        400,
                        "E0103101",
                        "Domain cancelation could not be created.",
                        "EF01014",
                        "registryWhen is needed with execution DATE.",
                    ));
                }
            },
        };
        let mut st = self.lock();
        st.next_log += 1;
        Ok(Cancelation {
            domain: domain.to_owned(),
            kind,
            execution,
            registry_when,
            disconnect: v.get("disconnect").and_then(Value::as_bool),
            gaining_registrar: word("gainingRegistrar"),
            created: now,
            updated: now,
            log_id: st.next_log,
        })
    }

    fn create(&self, domain: &str, body: &[u8]) -> Answer {
        if self.lock().cancelations.contains_key(domain) {
            return self.error(
                400,
                "E0103101",
                "Domain cancelation could not be created.",
                "EF0103101",
                "A cancelation exists for this domain.",
            );
        }
        let c = match self.parse_request(domain, body) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        let data = vec![self.cancelation_json(&c)];
        if c.execution == "NOW" {
            let job = self.start_job(domain);
            return (
                200,
                self.envelope(
                    "N0103101",
                    "Domain cancelation task was transmitted.",
                    "NOTIFY",
                    json!({"type": "Job", "value": job.to_string()}),
                    data,
                ),
            );
        }
        self.lock().cancelations.insert(domain.to_owned(), c);
        (
            200,
            self.envelope(
                "S0103101",
                "Domain cancelation has been created successfully.",
                "SUCCESS",
                json!({"type": "DomainCancelation", "value": domain}),
                data,
            ),
        )
    }

    fn update(&self, domain: &str, body: &[u8]) -> Answer {
        let Some(old) = self.lock().cancelations.get(domain).cloned() else {
            return self.error(
                404,
                "E0103102",
                "Domain cancelation could not be updated.",
                "EF0103104",
                "There is no cancelation for this domain.",
            );
        };
        let mut c = match self.parse_request(domain, body) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        c.created = old.created;
        let data = vec![self.cancelation_json(&c)];
        self.lock().cancelations.insert(domain.to_owned(), c);
        (
            200,
            self.envelope(
                "S0103102",
                "Domain cancelation has been updated successfully.",
                "SUCCESS",
                json!({"type": "DomainCancelation", "value": domain}),
                data,
            ),
        )
    }

    fn info(&self, domain: &str) -> Answer {
        let Some(c) = self.lock().cancelations.get(domain).cloned() else {
            return self.error(
                404,
                "E0103104",
                "Domain cancelation could not be inquired.",
                "EF0103104",
                "There is no cancelation for this domain.",
            );
        };
        (
            200,
            self.envelope(
                "S0103104",
                "Domain cancelation data was inquired successfully.",
                "SUCCESS",
                json!({"type": "DomainCancelation", "value": domain}),
                vec![self.cancelation_json(&c)],
            ),
        )
    }

    fn delete(&self, domain: &str) -> Answer {
        if self.lock().cancelations.remove(domain).is_none() {
            return self.error(
                404,
                "E0103103",
                "Domain cancelation could not be deleted.",
                "EF0103104",
                "There is no cancelation for this domain.",
            );
        }
        (
            200,
            self.envelope(
                "S0103103",
                "Domain cancelation has been deleted successfully.",
                "SUCCESS",
                json!({"type": "DomainCancelation", "value": domain}),
                vec![],
            ),
        )
    }

    /// The `view` of a query: limit and offset.
    fn view(query: &Value) -> (usize, usize) {
        let view = query.get("view");
        let n = |k: &str, d: u64| {
            view.and_then(|v| v.get(k))
                .and_then(Value::as_u64)
                .unwrap_or(d) as usize
        };
        (n("limit", 100).clamp(1, 1000), n("offset", 0))
    }

    /// One page of a search's results, as the query's `view` asks, with the total as summary.
    fn page<T>(
        &self,
        query: &Value,
        all: &[T],
        (code, text, object): (&str, &str, &str),
        to_json: impl Fn(&T) -> Value,
    ) -> Answer {
        let (limit, offset) = Self::view(query);
        let data = all.iter().skip(offset).take(limit).map(to_json).collect();
        (
            200,
            self.envelope(
                code,
                text,
                "SUCCESS",
                json!({"type": object, "summary": all.len()}),
                data,
            ),
        )
    }

    fn search_cancelations(&self, body: &[u8]) -> Answer {
        let query: Value = serde_json::from_slice(body).unwrap_or(json!({}));
        let all: Vec<Cancelation> = {
            let st = self.lock();
            let mut v: Vec<Cancelation> = st.cancelations.values().cloned().collect();
            v.sort_by_key(|c| std::cmp::Reverse(c.created));
            v
        };
        let names = (
            "S0103105",
            "Domain cancelations were searched successfully.",
            "DomainCancelation",
        );
        self.page(&query, &all, names, |c| self.cancelation_json(c))
    }

    fn job(&self, id: &str) -> Answer {
        let now = self.clock.now();
        let job = id
            .parse()
            .ok()
            .and_then(|id: u64| self.lock().jobs.get(&id).cloned());
        match job {
            Some(j) => (
                200,
                self.envelope(
                    "S0105",
                    "Job was read successfully.",
                    "SUCCESS",
                    json!({"type": "Job", "value": id}),
                    vec![self.job_json(&j, now)],
                ),
            ),
            None => self.error(
                404,
                "E0105",
                "Job could not be read.",
                "EF0105",
                "There is no such job.",
            ),
        }
    }

    fn search_jobs(&self, body: &[u8]) -> Answer {
        let now = self.clock.now();
        let query: Value = serde_json::from_slice(body).unwrap_or(json!({}));
        let wanted: Vec<u64> = query
            .get("filters")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .filter(|f| f.get("key").and_then(Value::as_str) == Some("id"))
                    .filter_map(|f| f.get("value").and_then(Value::as_str)?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let jobs: Vec<Job> = {
            let st = self.lock();
            st.jobs
                .values()
                .filter(|j| wanted.is_empty() || wanted.contains(&j.id))
                .cloned()
                .collect()
        };
        let names = ("S0105", "Jobs were searched successfully.", "Job");
        self.page(&query, &jobs, names, |j| self.job_json(j, now))
    }

    fn cancel_job(&self, id: &str) -> Answer {
        let now = self.clock.now();
        let Some(id) = id.parse::<u64>().ok() else {
            return self.error(
                404,
                "E0105",
                "Job could not be cancelled.",
                "EF0105",
                "There is no such job.",
            );
        };
        let mut st = self.lock();
        let Some(job) = st.jobs.get_mut(&id) else {
            drop(st);
            return self.error(
                404,
                "E0105",
                "Job could not be cancelled.",
                "EF0105",
                "There is no such job.",
            );
        };
        if matches!(job.at(now).0, "SUCCESS" | "FAILED" | "CANCELED") {
            drop(st);
            return self.error(
                400,
                "E0106",
                "Job could not be cancelled.",
                "EF0106",
                "The job has ended.",
            );
        }
        job.cancelled = Some(now);
        let j = job.clone();
        drop(st);
        (
            200,
            self.envelope(
                "S0106",
                "Job was cancelled.",
                "SUCCESS",
                json!({"type": "Job", "value": id.to_string()}),
                vec![self.job_json(&j, now)],
            ),
        )
    }
}

/// The XML gateway at `/autodns/gateway`: tasks 0103101 (create), 0103102 (update), 0103103
/// (delete) and 0103104 (info), answered in the gateway's shapes (lower-case values,
/// `execdate`, `registry_when_date`, local times without a zone, `<msg>` entries for errors).
impl AutoDnsSim {
    /// Serves one gateway request; answers the HTTP status and the XML answer.
    pub fn gateway(&self, body: &[u8]) -> (u16, String) {
        let root = match regops_http::xml::parse(body, "autodns") {
            Ok(r) if r.name == "request" => r,
            _ => {
                return (
                    400,
                    gateway_error(
                        "E0000",
                        "The request is not a gateway request.",
                        "EF00002",
                        "Malformed XML.",
                    ),
                );
            }
        };
        let user = root.text_at(&["auth", "user"]).unwrap_or("");
        let password = root.text_at(&["auth", "password"]).unwrap_or("");
        let context = root.text_at(&["auth", "context"]);
        let basic = basic_authorization(user, password);
        let code = root.text_at(&["task", "code"]).unwrap_or("");
        let c = root.at(&["task", "cancelation"]);
        let domain = c
            .and_then(|c| c.text_at(&["domain"]))
            .unwrap_or("")
            .to_owned();
        let upper = |name: &str| {
            c.and_then(|c| c.text_at(&[name]))
                .map(|t| t.to_ascii_uppercase())
        };
        let request = || {
            let mut v = json!({
                "domain": domain,
                "type": upper("type").unwrap_or_default(),
                "execution": upper("execdate").unwrap_or_default(),
            });
            if let Some(t) = c.and_then(|c| c.text_at(&["registry_when_date"])) {
                if let regops_rest::wire::Time::Local(local) = regops_rest::wire::Time::parse(t) {
                    v["registryWhen"] = json!(self.time(self.zone.to_utc(local)));
                }
            }
            if let Some(d) = c.and_then(|c| c.text_at(&["disconnect"])) {
                v["disconnect"] = json!(d == "1");
            }
            if let Some(g) = c.and_then(|c| c.text_at(&["gaining_registrar"])) {
                v["gainingRegistrar"] = json!(g);
            }
            v.to_string().into_bytes()
        };
        let path = format!("/domain/{domain}/cancelation");
        let (status, answer) = match code {
            "0103101" => self.handle("POST", &path, Some(&basic), context, &request()),
            "0103102" => self.handle("PUT", &path, Some(&basic), context, &request()),
            "0103103" => self.handle("DELETE", &path, Some(&basic), context, b""),
            "0103104" => self.handle("GET", &path, Some(&basic), context, b""),
            "300114" | "300121" => {
                let id = root.text_at(&["task", "job", "id"]).unwrap_or("");
                let (method, path) = if code == "300114" {
                    ("GET", format!("/job/{id}"))
                } else {
                    ("PUT", format!("/job/{id}/_cancel"))
                };
                let (status, answer) = self.handle(method, &path, Some(&basic), context, b"");
                return (status, self.gateway_answer(&answer));
            }
            other => {
                return (
                    400,
                    gateway_error(
                        "E0000",
                        "Unknown task.",
                        "EF00003",
                        &format!("task {other} is not served by the sandbox"),
                    ),
                );
            }
        };
        (status, self.gateway_answer(&answer))
    }

    /// The JSON API's answer, in the gateway's shapes.
    fn gateway_answer(&self, answer: &str) -> String {
        let v: Value = serde_json::from_str(answer).unwrap_or(json!({}));
        let word = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let status = v.get("status").cloned().unwrap_or(json!({}));
        let kind = word(&status, "type").to_ascii_lowercase();
        let mut data = Vec::new();
        let first = v
            .get("data")
            .and_then(Value::as_array)
            .and_then(|d| d.first());
        let is_job =
            word(&v["object"], "type") == "Job" && first.is_some_and(|j| j.get("status").is_some());
        if let Some(j) = first.filter(|_| is_job) {
            data.push(self.gateway_job(j));
        } else if let Some(c) = first {
            let local = |k: &str| match regops_rest::wire::Time::parse(&word(c, k)) {
                regops_rest::wire::Time::At(t) => self
                    .zone
                    .to_local(t)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                _ => String::new(),
            };
            let mut children = vec![
                Node::Text("execdate", word(c, "execution").to_ascii_lowercase()),
                Node::Text("changed", local("updated")),
                Node::Text("domain", word(c, "domain")),
                Node::Text("type", word(c, "type")),
                Node::Text("registry_when_date", local("registryWhen")),
                Node::Text(
                    "log_id",
                    c.get("logId").map(|l| l.to_string()).unwrap_or_default(),
                ),
                Node::Text("created", local("created")),
            ];
            if let Some(d) = c.get("disconnect").and_then(Value::as_bool) {
                children.push(Node::Text("disconnect", if d { "1" } else { "0" }.into()));
            }
            data.push(Node::Parent("cancelation", children));
        }
        let object = v.get("object").cloned().unwrap_or(json!({}));
        if word(&object, "type") == "Job" && !is_job {
            data.push(Node::Parent(
                "domain_job",
                vec![Node::Parent(
                    "job",
                    vec![Node::Text("id", word(&object, "value"))],
                )],
            ));
        }
        let mut result = vec![Node::Parent("data", data)];
        for m in v
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            result.push(Node::Parent(
                "msg",
                vec![
                    Node::Text("code", word(m, "code")),
                    Node::Text("text", word(m, "text")),
                    Node::Text("type", word(m, "status").to_ascii_lowercase()),
                ],
            ));
        }
        result.push(Node::Parent(
            "status",
            vec![
                Node::Text("code", word(&status, "code")),
                Node::Text("text", word(&status, "text")),
                Node::Text("type", kind),
            ],
        ));
        write_gateway(vec![
            Node::Parent("result", result),
            Node::Text("stid", word(&v, "stid")),
        ])
    }
}

impl AutoDnsSim {
    /// A JSON job in the gateway's spelling: snake case, lower-case words, local times, its
    /// events as `<event>` elements.
    fn gateway_job(&self, j: &Value) -> Node {
        let word = |k: &str| j.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let local = |k: &str| match regops_rest::wire::Time::parse(&word(k)) {
            regops_rest::wire::Time::At(t) => self
                .zone
                .to_local(t)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            _ => String::new(),
        };
        let mut children = vec![
            Node::Text("id", j.get("id").map(|i| i.to_string()).unwrap_or_default()),
            Node::Text("status", word("status").to_ascii_lowercase()),
            Node::Text("action", word("action").to_ascii_lowercase()),
            Node::Text("sub_type", word("subType")),
            Node::Text("created", local("created")),
            Node::Text("changed", local("updated")),
        ];
        for e in j
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            children.push(Node::Parent(
                "event",
                vec![
                    Node::Text("object", text("object")),
                    Node::Text("type", text("type")),
                ],
            ));
        }
        Node::Parent("job", children)
    }
}

/// The `Authorization` header of HTTP basic auth.
fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

fn gateway_error(code: &str, text: &str, msg_code: &str, msg: &str) -> String {
    write_gateway(vec![Node::Parent(
        "result",
        vec![
            Node::Parent("data", vec![]),
            Node::Parent(
                "msg",
                vec![
                    Node::Text("code", msg_code.into()),
                    Node::Text("text", msg.into()),
                    Node::Text("type", "error".into()),
                ],
            ),
            Node::Parent(
                "status",
                vec![
                    Node::Text("code", code.into()),
                    Node::Text("text", text.into()),
                    Node::Text("type", "error".into()),
                ],
            ),
        ],
    )])
}

fn write_gateway(children: Vec<Node>) -> String {
    regops_rest::gateway::document(Node::Parent("response", children))
}
