//! `regops serve` as a process, against the sandbox (in this test process) and independent
//! peers: a webhook receiver that verifies signatures with Python's `standardwebhooks`,
//! `prometheus_client` parsing the metrics, `openapi-spec-validator` checking the document.

use super::{command, error_line};
use regops_core::Journal;
use regops_sim::{Sim, SimConfig};
use regops_tests::{PeerServer, Scratch, venv_python_with, webhook_receiver};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub(crate) const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PROVIDERS: [&str; 4] = ["gandi", "netim", "route53", "autodns"];

pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Drop for Serve {
    /// A test that fails leaves no service behind (it would hold the test's output open).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `regops serve` on a free port and waits for its `listening on` line.
    pub(crate) fn start(dir: &Path, config: &Path, envs: &[(&'static str, String)]) -> Serve {
        Self::start_logging(dir, config, envs, "warn", Stdio::inherit())
    }

    /// [`Serve::start`] with `RUST_LOG=log` and stderr to `stderr`.
    pub(crate) fn start_logging(
        dir: &Path,
        config: &Path,
        envs: &[(&'static str, String)],
        log: &str,
        stderr: Stdio,
    ) -> Serve {
        let mut child = command(dir)
            .args([
                "--config",
                &config.to_string_lossy(),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", log)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start regops serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            for _ in lines {}
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .ok()
            .flatten()
            .and_then(Result::ok)
            .unwrap_or_default();
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("regops serve did not start: {line:?}"))
            .to_owned();
        Serve { child, base }
    }

    pub(crate) fn kill9(mut self) {
        // SIGKILL: no chance to flush or stop gracefully.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then the exit status.
    pub(crate) fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "regops serve did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub(crate) fn get(rt: &tokio::runtime::Runtime, url: &str) -> (u16, String) {
    rt.block_on(async {
        match reqwest::get(url).await {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.text().await.unwrap_or_default())
            }
            Err(_) => (0, String::new()),
        }
    })
}

pub(crate) fn get_json(rt: &tokio::runtime::Runtime, url: &str) -> Value {
    let (status, text) = get(rt, url);
    assert_eq!(status, 200, "{url}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The configuration of the sandbox, a service discovering every 300 ms, and one receiver.
fn config(dir: &Path, sim: &Sim, receiver: &str) -> std::path::PathBuf {
    let text = format!(
        "{}\n[serve]\ndiscover = \"300ms\"\ndiscover_since = \"1h\"\njournal = \"sqlite://{}\"\n\n\
         [[webhooks]]\nurl = \"{receiver}/hook\"\nsecret = {{ env = \"TEST_WEBHOOK_SECRET\" }}\nretry = [\"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\"]\n",
        sim.config_toml(),
        dir.join("journal.sqlite3").display()
    );
    let path = dir.join("regops.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn envs(sim: &Sim) -> Vec<(&'static str, String)> {
    let mut e = sim.secret_exports();
    e.push(("TEST_WEBHOOK_SECRET", SECRET.to_owned()));
    e
}

/// Every operation the sandbox started, as (account, id).
fn start_everywhere(sim: &Sim, per_provider: usize) -> Vec<(String, String)> {
    PROVIDERS
        .iter()
        .flat_map(|p| {
            let protocol = regops_sim::Protocol::named(p).expect("a sandbox provider");
            sim.start_operations(protocol, per_provider)
        })
        .map(|s| (s.provider, s.id))
        .collect()
}

/// Waits until the journal (read through the API) has every one of `started` ended.
pub(crate) fn wait_all_ended(
    rt: &tokio::runtime::Runtime,
    base: &str,
    started: &[(String, String)],
    limit: Duration,
) {
    let deadline = Instant::now() + limit;
    loop {
        let page = get_json(rt, &format!("{base}/v1/operations?page_size=500"));
        let ended: BTreeMap<(String, String), String> = page["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    (
                        o["account"].as_str().unwrap().to_owned(),
                        o["id"].as_str().unwrap().to_owned(),
                    ),
                    o["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let missing: Vec<&(String, String)> = started
            .iter()
            .filter(|k| {
                !ended
                    .get(*k)
                    .is_some_and(|s| ["succeeded", "failed", "cancelled"].contains(&s.as_str()))
            })
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not discovered and ended in time: {missing:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until no webhook delivery is pending (fails after `limit`).
pub(crate) fn wait_no_pending(rt: &tokio::runtime::Runtime, base: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let pending = get_json(rt, &format!("{base}/v1/webhooks/deliveries?state=pending"));
        if pending["deliveries"].as_array().unwrap().is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending: {pending}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What the receiver got: (webhook id, answered status, event) of every verified request.
pub(crate) fn received(
    rt: &tokio::runtime::Runtime,
    receiver: &PeerServer,
) -> Vec<(String, u64, Value)> {
    let all = get_json(rt, &format!("{}/received", receiver.url()));
    all.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(
                r["verified"], true,
                "the reference verifier refused a request: {r}"
            );
            (
                r["webhook_id"].as_str().unwrap().to_owned(),
                r["answered"].as_u64().unwrap(),
                r["event"].clone(),
            )
        })
        .collect()
}

/// Checks that every event of the journal reached the receiver (answered 200) at least once,
/// with its id as `webhook-id`, and that per operation the first 200s came in event order.
fn every_event_delivered_in_order(
    rt: &tokio::runtime::Runtime,
    journal: &Path,
    got: &[(String, u64, Value)],
) {
    let j = regops_journal::SqliteJournal::open(journal).unwrap();
    let events = rt.block_on(j.events_after(0, 100_000)).unwrap();
    assert!(!events.is_empty());
    let mut first_ok: Vec<&str> = Vec::new();
    for (id, answered, event) in got {
        assert_eq!(
            event["id"].as_str(),
            Some(id.as_str()),
            "webhook-id is the event id"
        );
        if *answered == 200 && !first_ok.contains(&id.as_str()) {
            first_ok.push(id);
        }
    }
    for e in &events {
        assert!(
            first_ok.contains(&e.id.as_str()),
            "event {} ({:?} of {}) never delivered",
            e.id,
            e.kind,
            e.operation_id
        );
    }
    let mut per_op: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for id in &first_ok {
        if let Some(e) = events.iter().find(|e| e.id == *id) {
            per_op
                .entry((e.account.clone(), e.operation_id.to_string()))
                .or_default()
                .push(e.seq);
        }
    }
    for (op, seqs) in per_op {
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{op:?} delivered out of order: {seqs:?}"
        );
    }
}

fn python(rt_dir: &Path, py: &Path, code: &str) -> String {
    let out = std::process::Command::new(py)
        .current_dir(rt_dir)
        .args(["-c", code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn serve_discovers_follows_and_delivers_signed_webhooks_through_a_failing_receiver() {
    let test = "serve_discovers_follows_and_delivers";
    // The receiver answers 500 for its first 6 s, then 200.
    let Some(receiver) = webhook_receiver(test, SECRET, 6.0) else {
        return;
    };
    let Some(py) = venv_python_with("prometheus_client, openapi_spec_validator") else {
        regops_tests::missing_peer(
            test,
            "python prometheus_client and openapi-spec-validator",
            "the peers' venv lacks them",
        );
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(Sim::start(SimConfig::default().speed(4.0).seed(11)))
        .unwrap();
    let scratch = Scratch::new(test);
    let dir = scratch.path();
    let cfg = config(dir, &sim, receiver.url());
    let serve = Serve::start(dir, &cfg, &envs(&sim));
    let t0 = Instant::now();
    // Started at the sandbox directly, not through regops: discovery must find them.
    let started = start_everywhere(&sim, 3);
    // While the receiver fails, tracking goes on: operations end in the journal meanwhile.
    let mut ended_while_failing = 0;
    while t0.elapsed() < Duration::from_millis(5500) {
        let page = get_json(
            &rt,
            &format!(
                "{}/v1/operations?status=succeeded&status=failed",
                serve.base
            ),
        );
        ended_while_failing = page["operations"].as_array().unwrap().len();
        if ended_while_failing > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        ended_while_failing > 0,
        "tracking stalled while the receiver failed"
    );
    wait_all_ended(&rt, &serve.base, &started, Duration::from_secs(90));
    // Every delivery ends delivered: nothing pending, nothing failed.
    wait_no_pending(&rt, &serve.base, Duration::from_secs(60));
    let failed = get_json(
        &rt,
        &format!("{}/v1/webhooks/deliveries?state=failed", serve.base),
    );
    assert!(
        failed["deliveries"].as_array().unwrap().is_empty(),
        "{failed}"
    );
    let got = received(&rt, &receiver);
    assert!(got.iter().any(|r| r.1 == 500), "the receiver never failed");
    every_event_delivered_in_order(&rt, &dir.join("journal.sqlite3"), &got);
    for (account, id) in &started {
        let kinds: Vec<&str> = got
            .iter()
            .filter(|r| {
                r.2["data"]["account"] == account.as_str()
                    && r.2["data"]["operation"]["id"] == id.as_str()
            })
            .map(|r| r.2["type"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"operation.finished"),
            "{account} {id}: {kinds:?}"
        );
    }

    // /metrics parses with Prometheus' own Python client, every family there.
    let (status, metrics) = get(&rt, &format!("{}/metrics", serve.base));
    assert_eq!(status, 200);
    std::fs::write(dir.join("metrics.txt"), &metrics).unwrap();
    let parsed = python(
        dir,
        &py,
        "import json\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\n\
         fams = {f.name: [(s.name, s.labels, s.value) for s in f.samples] for f in p(open('metrics.txt').read())}\n\
         print(json.dumps(fams))",
    );
    let fams: Value = serde_json::from_str(&parsed).unwrap();
    for name in [
        "regops_operations",
        "regops_provider_calls",
        "regops_provider_call_seconds",
        "regops_rate_limited",
        "regops_status_checks",
        "regops_webhook_deliveries",
        "regops_webhook_pending",
        "regops_events",
        "regops_journal_seconds",
    ] {
        assert!(
            fams.get(name).is_some(),
            "family {name} missing from {parsed}"
        );
    }
    let retried: f64 = fams["regops_webhook_deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s[1]["outcome"] == "retried")
        .map(|s| s[2].as_f64().unwrap())
        .sum();
    assert!(retried > 0.0, "retries are counted");
    let gateway_zero = fams["regops_operations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| {
            s[1]["account"] == "autodns-gateway"
                && s[1]["status"] == "pending"
                && s[2].as_f64() == Some(0.0)
        });
    assert!(gateway_zero, "per-account series exist at 0");

    // The OpenAPI document passes an independent validator.
    let (status, doc) = get(&rt, &format!("{}/v1/openapi.json", serve.base));
    assert_eq!(status, 200);
    std::fs::write(dir.join("openapi.json"), &doc).unwrap();
    python(
        dir,
        &py,
        "import json\nfrom openapi_spec_validator import validate\nvalidate(json.load(open('openapi.json')))",
    );

    let status = serve.terminate();
    assert!(status.success(), "SIGTERM stops it with exit 0: {status}");
}

/// A small seeded generator for the kill times (the seed is printed, to repeat a failure).
fn draws(seed: u64) -> impl Iterator<Item = u64> {
    let mut x = seed | 1;
    std::iter::repeat_with(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    })
}

#[test]
fn serve_killed_at_random_points_loses_no_change_and_no_webhook() {
    let test = "serve_killed_at_random_points";
    let Some(receiver) = webhook_receiver(test, SECRET, 0.0) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(Sim::start(SimConfig::default().speed(4.0).seed(23)))
        .unwrap();
    let scratch = Scratch::new(test);
    let dir = scratch.path();
    let cfg = config(dir, &sim, receiver.url());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("{test}: kill times drawn from seed {seed}");
    let mut draw = draws(seed);
    let mut started = start_everywhere(&sim, 2);
    for round in 0..4 {
        let serve = Serve::start(dir, &cfg, &envs(&sim));
        if round == 1 {
            // More work arrives while regops is down and up again.
            started.extend(start_everywhere(&sim, 1));
        }
        let ms = 400 + draw.next().unwrap() % 2200;
        std::thread::sleep(Duration::from_millis(ms));
        serve.kill9();
    }
    let serve = Serve::start(dir, &cfg, &envs(&sim));
    wait_all_ended(&rt, &serve.base, &started, Duration::from_secs(120));
    wait_no_pending(&rt, &serve.base, Duration::from_secs(90));
    let got = received(&rt, &receiver);
    every_event_delivered_in_order(&rt, &dir.join("journal.sqlite3"), &got);
    // Each change of each operation is one event: the journal never announced a state twice.
    let j = regops_journal::SqliteJournal::open(&dir.join("journal.sqlite3")).unwrap();
    let events = rt.block_on(j.events_after(0, 100_000)).unwrap();
    for (account, id) in &started {
        // A state is the status with its raw word and what it waits for: Route 53's
        // IN_PROGRESS flagged PENDING_AUTHORIZATION, then IN_PROGRESS unflagged, is two states.
        let raws: Vec<(String, String, Option<String>)> = events
            .iter()
            .filter(|e| &e.account == account && e.operation_id.as_str() == id)
            .map(|e| {
                e.operation
                    .as_ref()
                    .map(|o| {
                        (
                            o.status.as_str().to_owned(),
                            o.raw_status.clone(),
                            o.action_required.clone(),
                        )
                    })
                    .unwrap_or_default()
            })
            .collect();
        let mut deduped = raws.clone();
        deduped.dedup();
        assert_eq!(raws, deduped, "{account} {id}: a state announced twice");
        assert!(!raws.is_empty(), "{account} {id}: never announced");
    }
    assert!(serve.terminate().success());
}

#[test]
fn serve_refuses_a_reachable_address_without_a_token() {
    let scratch = Scratch::new("serve_refuses_public");
    let cfg = scratch.path().join("regops.toml");
    std::fs::write(
        &cfg,
        "[accounts.g]\nprovider = \"gandi\"\napi_key = \"k\"\n",
    )
    .unwrap();
    let out = command(scratch.path())
        .args([
            "--config",
            &cfg.to_string_lossy(),
            "serve",
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = error_line(&out);
    assert!(
        line.contains("without a token") && line.contains("0.0.0.0"),
        "{line}"
    );
    let out = command(scratch.path())
        .args([
            "--config",
            &cfg.to_string_lossy(),
            "serve",
            "--listen",
            "nowhere",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(error_line(&out).contains("HOST:PORT"));
}

#[test]
fn serve_shows_no_secret_even_at_trace_level() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(Sim::start(SimConfig::default().speed(20.0)))
        .unwrap();
    let scratch = Scratch::new("serve_shows_no_secret");
    let dir = scratch.path();
    let token = "tok-7d1e93b0c4a25f68e1";
    // The receiver does not exist: deliveries fail, and their errors are logged. Its URL carries
    // credentials, which must not show either.
    let cfg = config(dir, &sim, "http://hookuser:hookpass-5e1f@127.0.0.1:9");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("/hook\"", "/hook?token=qs-token-93ab\"");
    std::fs::write(&cfg, text).unwrap();
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text = text.replace(
        "[serve]\n",
        "[serve]\ntoken = { env = \"TEST_SERVE_TOKEN\" }\n",
    );
    std::fs::write(&cfg, text).unwrap();
    let mut env = envs(&sim);
    env.push(("TEST_SERVE_TOKEN", token.to_owned()));
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let serve = Serve::start_logging(dir, &cfg, &env, "trace", Stdio::from(log));
    let started = start_everywhere(&sim, 1);
    let client = reqwest::Client::new();
    let mut answers = String::new();
    let call = |method: reqwest::Method, path: String, with_token: bool| {
        rt.block_on(async {
            let mut r = client.request(method, format!("{}{path}", serve.base));
            if with_token {
                r = r.bearer_auth(token);
            }
            let a = r.send().await.unwrap();
            format!("{} {}", a.status(), a.text().await.unwrap())
        })
    };
    std::thread::sleep(Duration::from_secs(3));
    for (account, id) in &started {
        answers += &call(
            reqwest::Method::GET,
            format!("/v1/accounts/{account}/operations/{id}"),
            true,
        );
        answers += &call(
            reqwest::Method::POST,
            format!("/v1/accounts/{account}/operations/{id}/cancel"),
            true,
        );
        answers += &call(
            reqwest::Method::GET,
            format!("/v1/accounts/{account}/operations/nope-{id}"),
            true,
        );
    }
    for path in [
        "/v1/operations",
        "/v1/accounts",
        "/v1/webhooks/deliveries",
        "/metrics",
        "/v1/openapi.json",
    ] {
        answers += &call(reqwest::Method::GET, path.to_owned(), true);
        answers += &call(reqwest::Method::GET, path.to_owned(), false);
    }
    assert!(serve.terminate().success());
    let logs = std::fs::read_to_string(dir.join("serve.log")).unwrap();
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "trace logs are on"
    );
    assert!(
        answers.contains("200 OK") && answers.contains("401"),
        "{answers}"
    );
    let mut secrets: Vec<String> = sim.secret_exports().into_iter().map(|(_, v)| v).collect();
    secrets.retain(|s| s != &sim.config().route53_keys.0);
    secrets.push(token.to_owned());
    secrets.push("hookpass-5e1f".to_owned());
    secrets.push("qs-token-93ab".to_owned());
    secrets.push(SECRET.to_owned());
    secrets.push(SECRET.trim_start_matches("whsec_").to_owned());
    secrets.extend(sim.netim().issued_sessions());
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "the service logged a secret: {secret}"
        );
        assert!(
            !answers.contains(secret.as_str()),
            "an answer holds a secret: {secret}"
        );
    }
}

/// The dashboard in a real headless Chromium (`tests/peers/dashboard_check.py`, Playwright on
/// Debian's `chromium`): the token asked once, counts as the API's, a filter, a live change
/// without a reload, the timeline, no console error; screenshots under `target/dashboard/`.
#[test]
fn the_dashboard_shows_what_the_api_holds_live_in_chromium() {
    let test = "the_dashboard_in_chromium";
    let chromium = std::env::var("REGOPS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let Some(py) = venv_python_with("playwright.sync_api") else {
        regops_tests::missing_peer(test, "python playwright", "the peers' venv lacks it");
        return;
    };
    if !Path::new(&chromium).exists() {
        regops_tests::missing_peer(test, "chromium", "Debian's chromium package is missing");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Operations move within seconds, and new ones start every second, as a panel's would: some
    // are always on their way for the page to see change.
    let sim = rt
        .block_on(Sim::start(
            SimConfig::default()
                .speed(3.0)
                .seed(21)
                .start_every(Duration::from_secs(1)),
        ))
        .unwrap();
    let scratch = Scratch::new(test);
    let dir = scratch.path();
    let token = "dash-token-1c9f2e7a5b";
    let cfg = dir.join("regops.toml");
    std::fs::write(
        &cfg,
        format!(
            "{}\n[serve]\ntoken = {{ env = \"TEST_TOKEN\" }}\ndiscover = \"300ms\"\n\
             discover_since = \"1h\"\njournal = \"sqlite://{}\"\n",
            sim.config_toml(),
            dir.join("journal.sqlite3").display()
        ),
    )
    .unwrap();
    let mut env = sim.secret_exports();
    env.push(("TEST_TOKEN", token.to_owned()));
    let serve = Serve::start(dir, &cfg, &env);
    start_everywhere(&sim, 4);
    let shots = regops_tests::root().join("target").join("dashboard");
    let out = std::process::Command::new(&py)
        .arg(regops_tests::peer_script("dashboard_check.py"))
        .args([&serve.base, token, &shots.to_string_lossy()])
        .env("REGOPS_CHROMIUM", &chromium)
        .output()
        .expect("run the dashboard check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}\n{stdout}");
    let summary: Value = serde_json::from_str(stdout.trim()).expect("the check's summary");
    assert!(
        summary["timeline"].as_array().unwrap().len() >= 2,
        "{summary}"
    );
    assert_ne!(summary["changed"]["from"], summary["changed"]["to"]);
    for shot in [
        "dashboard.png",
        "dashboard-operation.png",
        "dashboard-phone.png",
    ] {
        assert!(
            shots.join(shot).metadata().unwrap().len() > 10_000,
            "{shot}"
        );
    }
}
