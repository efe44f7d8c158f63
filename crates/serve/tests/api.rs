//! The HTTP API of the service, in-process, on a scripted backend and a memory journal: every
//! route's success, bad input, unknown ids, the token rule, provider errors, long polls, SSE
//! resume, the OpenAPI document against the router; and discovery draining a poll-queue backlog
//! from the sandbox.

use regops_core::testing::{ScriptedBackend, Step, op};
use regops_core::{Error, Journal, MemoryJournal, OperationStatus::*, TrackerOptions};
use regops_serve::{AccountSpec, ServeConfig, Service};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Running {
    base: String,
    journal: Arc<MemoryJournal>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
    http: reqwest::Client,
    token: Option<String>,
}

impl Running {
    async fn start(backend: Arc<ScriptedBackend>, token: Option<&str>) -> Running {
        let journal = Arc::new(MemoryJournal::new());
        let config = ServeConfig::default()
            .discover(None)
            .token(token.map(regops_core::Secret::new))
            .tracker(
                TrackerOptions::new()
                    .intervals(Duration::from_millis(40), Duration::from_millis(200)),
            );
        let service = Service::new(
            config,
            vec![AccountSpec::new("a", backend)],
            journal.clone() as Arc<dyn Journal>,
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let done = tokio::spawn(service.run(listener, async move {
            let _ = stopped.await;
        }));
        Running {
            base,
            journal,
            stop: Some(stop),
            done,
            http: reqwest::Client::new(),
            token: token.map(str::to_owned),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    async fn call(&self, method: &str, path: &str) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = self.request(method, path).send().await.unwrap();
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.done.await.unwrap().unwrap();
    }
}

fn scripted() -> Arc<ScriptedBackend> {
    let b = Arc::new(ScriptedBackend::batched());
    b.script(
        "1",
        vec![
            op("1", Pending, "WAIT"),
            op("1", InProgress, "RUN"),
            op("1", Succeeded, "DONE"),
        ],
    );
    b.script("2", vec![op("2", Failed, "ERROR")]);
    b.script("pend", vec![op("pend", Pending, "WAIT")]);
    b.script(
        "err",
        vec![Step::Fail(|| Error::api("X42", "the provider broke"))],
    );
    b.script(
        "late",
        vec![Step::Fail(|| Error::timeout("no answer in 30 s"))],
    );
    b
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_and_refuses_what_it_cannot_do() {
    let s = Running::start(scripted(), None).await;

    let (st, v) = s.call("GET", "/v1/accounts/a/operations/1").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (
            v["account"].as_str(),
            v["id"].as_str(),
            v["status"].as_str()
        ),
        (Some("a"), Some("1"), Some("pending"))
    );
    for key in [
        "provider",
        "raw_status",
        "type",
        "target",
        "submitted_at",
        "eta_seconds",
        "error",
        "action_required",
    ] {
        assert!(v.get(key).is_some(), "every field is present: {key}");
    }
    let (st, v) = s.call("GET", "/v1/accounts/zz/operations/1").await;
    assert_eq!((st, code(&v)), (404, "not_found"), "unknown account");
    let (st, v) = s.call("GET", "/v1/accounts/a/operations/nope").await;
    assert_eq!(
        (st, code(&v)),
        (404, "not_found"),
        "unknown at the provider"
    );
    let (st, v) = s.call("GET", "/v1/accounts/a/operations/err").await;
    assert_eq!((st, code(&v)), (502, "provider_error"));
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the provider broke")
    );
    let (st, v) = s.call("GET", "/v1/accounts/a/operations/late").await;
    assert_eq!((st, code(&v)), (504, "timeout"));

    let (st, v) = s.call("PUT", "/v1/accounts/a/operations/2").await;
    assert_eq!((st, v["status"].as_str()), (200, Some("failed")));
    let (st, _) = s.call("PUT", "/v1/accounts/a/operations/2").await;
    assert_eq!(st, 200, "idempotent");
    let (st, v) = s.call("PUT", "/v1/accounts/a/operations/nope").await;
    assert_eq!((st, code(&v)), (404, "not_found"));

    // wait: returns at the terminal status, and at the timeout with the operation as it is.
    let (st, v) = s
        .call("POST", "/v1/accounts/a/operations/1/wait?timeout=20s")
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("succeeded")), "{v}");
    let started = Instant::now();
    let (st, v) = s
        .call("POST", "/v1/accounts/a/operations/pend/wait?timeout=400ms")
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("pending")));
    assert!(started.elapsed() >= Duration::from_millis(400));
    for bad in ["timeout=6m", "timeout=soon", "until=1"] {
        let (st, v) = s
            .call(
                "POST",
                &format!("/v1/accounts/a/operations/pend/wait?{bad}"),
            )
            .await;
        assert_eq!((st, code(&v)), (400, "invalid_argument"), "{bad}: {v}");
    }

    let (st, v) = s.call("GET", "/v1/accounts/a/operations/1/history").await;
    assert_eq!(st, 200);
    let raws: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["raw_status"].as_str().unwrap())
        .collect();
    assert_eq!(raws, ["WAIT", "RUN", "DONE"]);
    assert!(v["changes"][0]["at"].as_str().unwrap().ends_with('Z'));
    let (st, _) = s
        .call("GET", "/v1/accounts/a/operations/never/history")
        .await;
    assert_eq!(st, 404);

    let (st, v) = s
        .call("POST", "/v1/accounts/a/operations/pend/cancel")
        .await;
    assert_eq!(
        (st, code(&v)),
        (409, "unsupported"),
        "the scripted provider cannot cancel"
    );

    // Listing: filters, pages, and refusals.
    let (st, v) = s.call("GET", "/v1/operations").await;
    assert_eq!(st, 200);
    let mut ids: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["1", "2", "pend"]);
    assert!(v["next_page_token"].is_null());
    let (_, v) = s
        .call("GET", "/v1/operations?status=failed&status=succeeded")
        .await;
    let mut ids: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["1", "2"], "repeated statuses are ORed");
    let mut paged = Vec::new();
    let mut path = "/v1/operations?page_size=1".to_owned();
    loop {
        let (st, v) = s.call("GET", &path).await;
        assert_eq!(st, 200);
        let page = v["operations"].as_array().unwrap();
        assert!(page.len() <= 1);
        paged.extend(page.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        match v["next_page_token"].as_str() {
            Some(t) => path = format!("/v1/operations?page_size=1&page_token={t}"),
            None => break,
        }
    }
    paged.sort();
    assert_eq!(
        paged,
        ["1", "2", "pend"],
        "every operation once over the pages"
    );
    for bad in [
        "page_size=0",
        "page_size=501",
        "page_token=not-a-token",
        "status=done",
        "provider=godaddy",
        "since=yesterday",
        "colour=blue",
        "target=a&target=b",
    ] {
        let (st, v) = s.call("GET", &format!("/v1/operations?{bad}")).await;
        assert_eq!((st, code(&v)), (400, "invalid_argument"), "{bad}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
    let (st, v) = s
        .call("GET", "/v1/operations?since=2020-01-01&provider=gandi")
        .await;
    assert_eq!((st, v["operations"].as_array().unwrap().len()), (200, 0));

    let (st, v) = s.call("GET", "/v1/accounts").await;
    assert_eq!(st, 200);
    assert_eq!(v[0]["account"], "a");
    assert_eq!(v[0]["provider"], "scripted");
    assert!(v[0]["calls"].as_u64().unwrap() >= 5);
    assert!(v[0]["errors"].as_u64().unwrap() >= 2);
    assert!(v[0]["owner"].is_null());

    // The counts are the journal's, by account and status, with the account's provider.
    let (st, v) = s.call("GET", "/v1/counts").await;
    assert_eq!(st, 200);
    let mut want: Vec<(String, String, u64)> = s.journal.counts().await.unwrap();
    want.sort();
    let mut got: Vec<(String, String, u64)> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["provider"], "scripted");
            (
                c["account"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    assert!(got.iter().map(|c| c.2).sum::<u64>() >= 3, "{got:?}");

    let (st, v) = s.call("GET", "/v1/webhooks/deliveries?state=failed").await;
    assert_eq!(
        (st, v["deliveries"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (st, v) = s.call("GET", "/v1/webhooks/deliveries?state=lost").await;
    assert_eq!((st, code(&v)), (400, "invalid_argument"));
    for id in ["999", "abc"] {
        let (st, v) = s
            .call("POST", &format!("/v1/webhooks/deliveries/{id}/retry"))
            .await;
        assert_eq!((st, code(&v)), (404, "not_found"));
    }

    assert_eq!(s.call("GET", "/healthz").await.0, 200);
    assert_eq!(s.call("GET", "/readyz").await.0, 200);
    let (st, v) = s.call("GET", "/v2/nothing").await;
    assert_eq!((st, code(&v)), (404, "not_found"));
    let (st, text) = s.call("GET", "/metrics").await;
    assert_eq!(st, 200);
    let text = text.as_str().unwrap().to_owned();
    assert!(text.contains("regops_provider_calls_total{"), "{text}");
    assert!(
        text.contains(r#"regops_operations{account="a",provider="scripted",status="failed"} 1"#),
        "{text}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_required_and_never_shown() {
    let token = "tok-5f0c9a1e7b3d2c8a";
    let s = Running::start(scripted(), Some(token)).await;
    let bare = reqwest::Client::new();
    let mut seen = String::new();
    for path in [
        "/v1/operations",
        "/metrics",
        "/v1/accounts",
        "/v1/counts",
        "/v1/openapi.json",
        "/v1/events",
    ] {
        let r = bare.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path} without a token");
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(code(&body), "unauthenticated");
        seen.push_str(&body.to_string());
        let r = bare
            .get(format!("{}{path}", s.base))
            .bearer_auth("tok-wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path} with a wrong token");
        seen.push_str(&r.text().await.unwrap());
    }
    for path in ["/healthz", "/readyz"] {
        let r = bare.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path} needs no token");
    }
    // The dashboard's files hold no data: no token for them; the page then asks for it.
    for (path, kind) in [
        ("/", "text/html"),
        ("/dashboard.js", "text/javascript"),
        ("/dashboard.css", "text/css"),
        ("/dashboard.json", "application/json"),
    ] {
        let r = bare.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path} needs no token");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        let body = r.text().await.unwrap();
        assert!(!body.contains(token));
        if path == "/dashboard.json" {
            assert_eq!(body, r#"{"token_required": true}"#);
        }
    }
    for path in [
        "/v1/operations",
        "/v1/accounts",
        "/v1/counts",
        "/metrics",
        "/v1/accounts/a/operations/1",
        "/v1/openapi.json",
    ] {
        let (st, v) = s.call("GET", path).await;
        assert_eq!(st, 200, "{path}");
        seen.push_str(&v.to_string());
    }
    assert!(!seen.contains(token), "the token appears in an answer");
    s.stop().await;
}

/// Reads SSE frames from `answer` until `n` events came or `limit` passed; answers (id, event).
async fn sse(mut answer: reqwest::Response, n: usize, limit: Duration) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + limit;
    while out.len() < n {
        let chunk = match tokio::time::timeout_at(deadline, answer.chunk()).await {
            Ok(Ok(Some(c))) => c,
            _ => break,
        };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let field = |name: &str| {
                frame
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}:")))
                    .map(|v| v.trim().to_owned())
            };
            if let (Some(id), Some(event)) = (field("id"), field("event")) {
                out.push((id.parse().unwrap(), event));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_resume_after_the_last_id_without_gap_or_repeat() {
    let b = Arc::new(ScriptedBackend::batched());
    for i in 0..6 {
        let id = format!("op{i}");
        b.script(
            &id,
            vec![
                op(&id, Pending, "WAIT"),
                op(&id, InProgress, "RUN"),
                op(&id, Succeeded, "DONE"),
            ],
        );
    }
    let s = Running::start(b, None).await;
    // A stream opened before anything happened sees everything from then on.
    let live = s
        .request(reqwest::Method::GET, "/v1/events")
        .send()
        .await
        .unwrap();
    assert_eq!(live.headers()["content-type"], "text/event-stream");
    for i in 0..6 {
        assert_eq!(
            s.call("PUT", &format!("/v1/accounts/a/operations/op{i}"))
                .await
                .0,
            200
        );
    }
    // 18 events in all (3 states of 6 operations): read 7, drop the stream, resume.
    let first = sse(live, 7, Duration::from_secs(20)).await;
    assert_eq!(first.len(), 7, "{first:?}");
    let last = first.last().unwrap().0;
    let again = s
        .request(reqwest::Method::GET, "/v1/events")
        .header("Last-Event-ID", last.to_string())
        .send()
        .await
        .unwrap();
    let rest = sse(again, 11, Duration::from_secs(20)).await;
    let mut all: Vec<u64> = first.iter().chain(&rest).map(|e| e.0).collect();
    let journal: Vec<u64> = s
        .journal
        .events_after(0, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(all, journal, "no gap, no repeat, in the journal's order");
    all.dedup();
    assert_eq!(all.len(), 18);
    let kinds: Vec<&str> = first.iter().chain(&rest).map(|e| e.1.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "operation.finished").count(),
        6
    );

    // A Last-Event-ID from before what is kept: one reset, then the oldest kept.
    s.journal
        .prune_events(chrono::Utc::now() + chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(s.call("PUT", "/v1/accounts/a/operations/op0").await.0, 200);
    let old = s
        .request(reqwest::Method::GET, "/v1/events")
        .header("Last-Event-ID", "3")
        .send()
        .await
        .unwrap();
    let frames = sse(old, 1, Duration::from_secs(5)).await;
    assert_eq!(
        frames.first().map(|f| f.1.as_str()),
        Some("reset"),
        "{frames:?}"
    );
    let (st, v) = {
        let r = s
            .request(reqwest::Method::GET, "/v1/events")
            .header("Last-Event-ID", "soon")
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        (
            st,
            serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap(),
        )
    };
    assert_eq!((st, code(&v)), (400, "invalid_argument"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_covers_every_route_the_router_serves() {
    let doc: Value = serde_json::from_str(regops_serve::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected = [
        ("get", "/v1/operations"),
        ("get", "/v1/accounts/{account}/operations/{id}"),
        ("put", "/v1/accounts/{account}/operations/{id}"),
        ("get", "/v1/accounts/{account}/operations/{id}/history"),
        ("post", "/v1/accounts/{account}/operations/{id}/wait"),
        ("post", "/v1/accounts/{account}/operations/{id}/cancel"),
        ("get", "/v1/accounts"),
        ("get", "/v1/counts"),
        ("get", "/v1/events"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        ("get", "/v1/openapi.json"),
        ("get", "/v1/webhooks/deliveries"),
        ("post", "/v1/webhooks/deliveries/{id}/retry"),
    ];
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (m, p) in expected {
        assert!(
            documented.contains(&(m.to_owned(), p.to_owned())),
            "{m} {p} is not documented"
        );
    }
    assert_eq!(documented.len(), expected.len(), "{documented:?}");
    // Every documented route is served (the fallback would answer "no such route").
    let s = Running::start(scripted(), None).await;
    for (method, path) in &documented {
        let concrete = path.replace("{account}", "a").replace("{id}", "2");
        if concrete == "/v1/events" {
            continue;
        }
        let (st, v) = s.call(&method.to_uppercase(), &concrete).await;
        assert_ne!(st, 405, "{method} {path}");
        assert!(
            !(st == 404 && v["error"]["message"] == "no such route"),
            "{method} {path} is documented but not served"
        );
    }
    s.stop().await;
}

/// A backlog in AutoDNS's poll queue (hundreds of jobs ordered at once) is drained in one
/// discovery pass, not a few hundred notifications per interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_queue_backlog_is_drained_in_one_pass() {
    // The sandbox's clock crawls: the jobs stay as they were started.
    let sim = regops_sim::Sim::start(regops_sim::SimConfig::default().speed(0.01))
        .await
        .unwrap();
    let started = sim.start_operations(regops_sim::Protocol::AutoDns, 700);
    assert_eq!(started.len(), 700);
    let (user, password) = sim.config().autodns_login.clone();
    let client = regops_rest::AutoDnsClient::builder(user, regops_core::Secret::new(password))
        .endpoint(sim.url("autodns"))
        .no_rate_limit()
        .build()
        .unwrap();
    let journal = Arc::new(MemoryJournal::new());
    // One pass only within the test: the next is an hour away.
    let config = ServeConfig::default().discover(Some(Duration::from_secs(3600)));
    let service = Service::new(
        config,
        vec![
            AccountSpec::new(
                "autodns",
                Arc::new(regops_rest::AutoDnsBackend::new(client)),
            )
            .requests_per_second(Some(10_000.0)),
        ],
        journal.clone() as Arc<dyn Journal>,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let done = tokio::spawn(service.run(listener, async move {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(60);
    let recorded = loop {
        let n: u64 = journal.counts().await.unwrap().iter().map(|c| c.2).sum();
        if n >= 700 || Instant::now() > deadline {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(recorded, 700, "every queued job recorded by the first pass");
    for s in &started {
        let id = regops_core::OperationId::new(s.id.clone());
        assert!(
            journal.get("autodns", &id).await.unwrap().is_some(),
            "{}",
            s.id
        );
    }
    let _ = stop.send(());
    done.await.unwrap().unwrap();
}
