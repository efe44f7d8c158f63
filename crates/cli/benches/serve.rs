//! `regops serve` at scale: the sandbox (its own process) is seeded in bulk with operations
//! started by itself, and one `regops serve` process (SQLite journal) discovers them, follows
//! them to their end and delivers every change to a local webhook receiver.
//!
//! Run: `cargo bench -p regops --bench serve` (optionally `-- COUNT... SPEED=S`: the operation
//! counts, 10,000 by default (what `cargo xtask bench` runs), and the sandbox's clock speed, 5x by default). For each
//! count it measures, of the service's process: peak memory (VmHWM), CPU per status check,
//! provider calls per status check (from its own metrics), the latency of `GET
//! /v1/accounts/{a}/operations/{id}` while it sweeps (p50, p99), and webhook deliveries per
//! second. With `REGOPS_BENCH_RESULTS=DIR` it writes `DIR/serve.json` for `cargo xtask bench`.

#[path = "support/proc_stat.rs"]
mod proc_stat;

use axum::http::StatusCode;
use proc_stat::cpu_of as cpu;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts `regops ARGS`, answering the child and its first line of stdout.
fn spawn(args: &[&str], envs: &[(String, String)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_regops"))
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start regops");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .ok()
        .flatten()
        .and_then(Result::ok)
        .unwrap_or_default();
    (child, first)
}

/// A field of `/proc/PID/status` in kB, as MiB.
fn status_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The sum of a metric's samples whose labels contain every `want` pair.
fn metric(text: &str, name: &str, want: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter(|l| {
            let rest = &l[name.len()..];
            (rest.starts_with('{') || rest.starts_with(' '))
                && want
                    .iter()
                    .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

/// The service's metrics text.
async fn metrics_text(http: &reqwest::Client, api: &str) -> String {
    let answer = http.get(format!("{api}/metrics")).send().await.unwrap();
    answer.text().await.unwrap()
}

struct Run {
    operations: usize,
    journaled: usize,
    followed_s: f64,
    peak_mib: f64,
    cpu_s: f64,
    checks: f64,
    calls: f64,
    refresh_calls: f64,
    p50_ms: f64,
    p99_ms: f64,
    api_requests: usize,
    deliveries: u64,
    deliveries_per_s: f64,
}

async fn one(total: usize, speed: f64) -> Run {
    let dir =
        std::env::temp_dir().join(format!("regops-bench-serve-{}-{total}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sim_port = free_port();
    let (mut sim, _) = spawn(
        &[
            "sim",
            "--listen",
            &format!("127.0.0.1:{sim_port}"),
            "--speed",
            &speed.to_string(),
        ],
        &[],
    );
    let base = format!("http://127.0.0.1:{sim_port}");

    // The receiver: counts deliveries and when they came.
    // It answers 503 until `open`, so that a backlog builds up and draining it measures the
    // senders, not how fast events arise.
    let received = Arc::new(AtomicU64::new(0));
    let open = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let first_last = Arc::new(std::sync::Mutex::new(None::<(Instant, Instant)>));
    let (r, fl, o) = (received.clone(), first_last.clone(), open.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let (r, fl, o) = (r.clone(), fl.clone(), o.clone());
            async move {
                if !o.load(Ordering::Relaxed) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                r.fetch_add(1, Ordering::Relaxed);
                let now = Instant::now();
                let mut g = fl.lock().unwrap();
                *g = Some(g.map_or((now, now), |(a, _)| (a, now)));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let defaults = regops_sim::SimConfig::default();
    let config = sandbox_config(&base, &defaults)
        + &format!(
            "\n[serve]\ndiscover = \"1s\"\ndiscover_since = \"1h\"\njournal = \"sqlite://{}\"\n\n\
             [[webhooks]]\nurl = \"{hook}\"\nsecret = {{ env = \"BENCH_WEBHOOK_SECRET\" }}\nretry = [{}]\n",
            dir.join("journal.sqlite3").display(),
            vec!["\"1s\""; 3600].join(", ")
        );
    let cfg = dir.join("regops.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut envs = secret_exports(&defaults);
    envs.push((
        "BENCH_WEBHOOK_SECRET".into(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
    ));
    let (mut serve, line) = spawn(
        &[
            "--config",
            &cfg.to_string_lossy(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ],
        &envs,
    );
    let api = line
        .strip_prefix("listening on ")
        .expect("serve started")
        .to_owned();
    let pid = serve.id();
    let cpu_before = cpu(pid);
    let started = Instant::now();
    // Seed in bulk, as the registrars' panels would: a quarter per provider.
    let http = reqwest::Client::new();
    let mut gandi_ids = Vec::new();
    for provider in ["gandi", "route53", "autodns", "netim"] {
        let mut left = total / 4;
        while left > 0 {
            let n = left.min(10_000);
            let body = format!("{{\"provider\": \"{provider}\", \"count\": {n}}}");
            let answer = http
                .post(format!("{base}/admin/start"))
                .body(body)
                .send()
                .await
                .unwrap();
            let started: serde_json::Value =
                serde_json::from_str(&answer.text().await.unwrap()).unwrap();
            if provider == "gandi" {
                gandi_ids.extend(
                    started
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["id"].as_str().unwrap().to_owned()),
                );
            }
            left -= n;
        }
    }
    // While it sweeps: read operations through the API, 20 a second.
    let mut latencies = Vec::new();
    let mut next = 0usize;
    // Until every operation the journal holds has ended and no new one came for 5 s: Netim
    // lists only pending operations, so one that ends between two listings is never seen.
    let mut last = (0.0, Instant::now());
    let mut progress = Instant::now();
    let (ended, journaled) = loop {
        let text = metrics_text(&http, &api).await;
        let done: f64 = ["succeeded", "failed", "cancelled"]
            .iter()
            .map(|s| metric(&text, "regops_operations", &[("status", s)]))
            .sum();
        let all = metric(&text, "regops_operations", &[]);
        // Any change of what is journaled or ended.
        if all * 1e9 + done != last.0 {
            last = (all * 1e9 + done, Instant::now());
        }
        if progress.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "  {total}: {all} journaled, {done} ended, {:.0} s",
                started.elapsed().as_secs_f64()
            );
            progress = Instant::now();
        }
        let quiet = last.1.elapsed() > Duration::from_secs(5);
        if (done >= all && all > 0.0 && quiet) || started.elapsed() > Duration::from_secs(1800) {
            break (done, all);
        }
        for _ in 0..10 {
            let id = &gandi_ids[next % gandi_ids.len()];
            next += 7919;
            let t = Instant::now();
            let r = http
                .get(format!("{api}/v1/accounts/gandi/operations/{id}"))
                .send()
                .await
                .unwrap();
            let _ = r.bytes().await;
            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    // The last change came 5 s before the loop saw it quiet.
    let followed_s = (last.1 - started).as_secs_f64();
    // Then the backlog drains, until every delivery is made.
    open.store(true, Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(1800);
    let text = loop {
        let text = metrics_text(&http, &api).await;
        if metric(&text, "regops_webhook_pending", &[]) == 0.0 || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let cpu_s = (cpu(pid) - cpu_before).as_secs_f64();
    let peak_mib = status_mib(pid, "VmHWM:");
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = serve.wait();
    let _ = sim.kill();
    let _ = sim.wait();
    let _ = std::fs::remove_dir_all(&dir);
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    let deliveries = received.load(Ordering::Relaxed);
    let span = first_last
        .lock()
        .unwrap()
        .map_or(0.0, |(a, b)| (b - a).as_secs_f64());
    assert!(ended >= journaled, "only {ended} of {journaled} ended");
    Run {
        operations: total,
        journaled: journaled as usize,
        followed_s,
        peak_mib,
        cpu_s,
        checks: metric(&text, "regops_status_checks_total", &[]),
        calls: metric(&text, "regops_provider_calls_total", &[]),
        refresh_calls: metric(&text, "regops_provider_calls_total", &[("call", "refresh")]),
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        api_requests: latencies.len(),
        deliveries,
        deliveries_per_s: deliveries as f64 / span.max(1e-9),
    }
}

/// The sandbox's configuration at `base`, every account paced at 1,000 calls a second (the
/// sandbox has no quota; the bench measures regops, not a provider's pace).
fn sandbox_config(base: &str, c: &regops_sim::SimConfig) -> String {
    let url = |p| regops_sim::url(base, p);
    format!(
        "[accounts.gandi]\nprovider = \"gandi\"\nendpoint = \"{}\"\napi_key = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.netim]\nprovider = \"netim\"\nendpoint = \"{}\"\nreseller_id = \"{}\"\npassword = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.route53]\nprovider = \"route53\"\nendpoint = \"{}\"\naccess_key_id = {{ env = \"{}\" }}\nsecret_access_key = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.autodns]\nprovider = \"autodns\"\nendpoint = \"{}\"\nuser = \"{}\"\npassword = {{ env = \"{}\" }}\nrequests_per_second = 1000\n",
        url("gandi"),
        regops_sim::GANDI_KEY_VARIABLE,
        url("netim"),
        c.netim_login.0,
        regops_sim::NETIM_PASSWORD_VARIABLE,
        url("route53"),
        regops_sim::ROUTE53_KEY_VARIABLES.0,
        regops_sim::ROUTE53_KEY_VARIABLES.1,
        url("autodns"),
        c.autodns_login.0,
        regops_sim::AUTODNS_PASSWORD_VARIABLE,
    )
}

fn secret_exports(c: &regops_sim::SimConfig) -> Vec<(String, String)> {
    vec![
        (
            regops_sim::GANDI_KEY_VARIABLE.into(),
            c.gandi_api_key.clone(),
        ),
        (
            regops_sim::NETIM_PASSWORD_VARIABLE.into(),
            c.netim_login.1.clone(),
        ),
        (
            regops_sim::ROUTE53_KEY_VARIABLES.0.into(),
            c.route53_keys.0.clone(),
        ),
        (
            regops_sim::ROUTE53_KEY_VARIABLES.1.into(),
            c.route53_keys.1.clone(),
        ),
        (
            regops_sim::AUTODNS_PASSWORD_VARIABLE.into(),
            c.autodns_login.1.clone(),
        ),
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let speed = args
        .iter()
        .find_map(|a| a.strip_prefix("SPEED=").and_then(|s| s.parse().ok()))
        .unwrap_or(5.0);
    let mut counts: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if counts.is_empty() {
        counts = vec![10_000];
    }
    println!(
        "| operations | discovered | followed in | peak RSS | CPU per status check | provider calls per status check | refresh calls per status check | GET p50 | GET p99 | webhook deliveries/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut runs = Vec::new();
    for total in counts {
        let r = one(total, speed).await;
        println!(
            "| {} | {} | {:.1} s | {:.1} MiB | {:.1} µs | {:.4} | {:.4} | {:.2} ms | {:.2} ms | {:.0} ({} in all) |",
            r.operations,
            r.journaled,
            r.followed_s,
            r.peak_mib,
            r.cpu_s * 1e6 / r.checks.max(1.0),
            r.calls / r.checks.max(1.0),
            r.refresh_calls / r.checks.max(1.0),
            r.p50_ms,
            r.p99_ms,
            r.deliveries_per_s,
            r.deliveries
        );
        runs.push(serde_json::json!({
            "operations": r.operations, "journaled": r.journaled, "speed": speed, "followed_s": r.followed_s,
            "peak_mib": r.peak_mib, "cpu_s": r.cpu_s, "checks": r.checks, "calls": r.calls,
            "refresh_calls": r.refresh_calls, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
            "api_requests": r.api_requests, "deliveries": r.deliveries,
            "deliveries_per_s": r.deliveries_per_s,
        }));
    }
    if let Some(out) = std::env::var_os("REGOPS_BENCH_RESULTS") {
        std::fs::write(
            std::path::Path::new(&out).join("serve.json"),
            serde_json::to_string_pretty(&serde_json::json!({ "runs": runs })).unwrap(),
        )
        .expect("writes the results");
    }
}
