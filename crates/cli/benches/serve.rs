//! `regops serve` at scale: the sandbox (its own process) is seeded in bulk with operations
//! started by itself, and one `regops serve` process (SQLite journal) discovers them, follows
//! them to their end and delivers every change to a local webhook receiver.
//!
//! Run: `cargo bench -p regops --bench serve` (optionally `-- COUNT... SPEED=S STEADY=N,N`).
//! Two kinds of run, each measured on the service's process:
//! - whole runs (COUNT..., 10,000 by default, the sandbox's clock at SPEED, 5x by default):
//!   every operation discovered, followed to its end and each change delivered; peak memory
//!   (VmHWM), CPU per journaled change, provider calls per status check (its own metrics),
//!   the latency of `GET /v1/accounts/{a}/operations/{id}` while it sweeps (p50, p99), webhook
//!   deliveries per second while a backlog drains;
//! - steady windows (STEADY=N,N, 10,000 by default): N operations followed while none changes
//!   (the sandbox's clock at a ten-thousandth), after discovery and deliveries have settled; for a
//!   minute, CPU per status check, calls per check, checks per second, GET latency, and the
//!   peak memory of following N operations.
//!
//! With `REGOPS_BENCH_RESULTS=DIR` it writes `DIR/serve.json` for `cargo xtask bench`.

#[path = "support/proc_stat.rs"]
mod proc_stat;
#[path = "support/processes.rs"]
mod processes;

use axum::http::StatusCode;
use proc_stat::cpu_of as cpu;
use processes::{
    free_port, metric, metrics_text, percentile, sandbox_config, secret_exports, seed, spawn,
    spawn_serve, status_mib,
};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What a whole run measured.
struct Run {
    operations: usize,
    journaled: usize,
    followed_s: f64,
    peak_mib: f64,
    cpu_s: f64,
    checks: f64,
    events: f64,
    calls: f64,
    refresh_calls: f64,
    p50_ms: f64,
    p99_ms: f64,
    api_requests: usize,
    deliveries: u64,
    deliveries_per_s: f64,
}

/// What a steady window measured: everything followed, nothing changing.
struct Steady {
    operations: usize,
    changes: f64,
    followed: f64,
    peak_mib: f64,
    window_s: f64,
    cpu_s: f64,
    checks: f64,
    calls: f64,
    p50_ms: f64,
    p99_ms: f64,
    api_requests: usize,
}

/// The sandbox and one `regops serve` on it, seeded, with a webhook receiver on loopback.
struct Harness {
    dir: std::path::PathBuf,
    sim: Child,
    serve: Child,
    pid: u32,
    api: String,
    http: reqwest::Client,
    gandi_ids: Vec<String>,
    received: Arc<AtomicU64>,
    open: Arc<std::sync::atomic::AtomicBool>,
    first_last: Arc<std::sync::Mutex<Option<(Instant, Instant)>>>,
    cpu_before: Duration,
    started: Instant,
    latencies: Vec<f64>,
    next: usize,
}

impl Harness {
    /// Starts the sandbox at `speed` and the service listing every `discover`, and seeds
    /// `total` operations in bulk, a quarter per provider, as the registrars' panels would:
    /// after the service started, or before when `seed_first`. The receiver answers 503 until
    /// it is opened.
    async fn start(total: usize, speed: f64, discover: &str, seed_first: bool) -> Harness {
        let dir =
            std::env::temp_dir().join(format!("regops-bench-serve-{}-{total}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sim_port = free_port();
        let (sim, _) = spawn(
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
        let http = reqwest::Client::new();
        let mut gandi_ids = Vec::new();
        if seed_first {
            gandi_ids = seed(&http, &base, total).await;
        }

        // The receiver: counts deliveries and when they came.
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
        let config = sandbox_config(&base, &defaults, "")
            + &format!(
                "\n[serve]\ndiscover = \"{discover}\"\ndiscover_since = \"1h\"\njournal = \"sqlite://{}\"\n\n\
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
        let (serve, api) = spawn_serve(&cfg, &envs);
        let pid = serve.id();
        let cpu_before = cpu(pid);
        let started = Instant::now();
        if !seed_first {
            gandi_ids = seed(&http, &base, total).await;
        }
        Harness {
            dir,
            sim,
            serve,
            pid,
            api,
            http,
            gandi_ids,
            received,
            open,
            first_last,
            cpu_before,
            started,
            latencies: Vec::new(),
            next: 0,
        }
    }

    async fn metrics(&self) -> String {
        metrics_text(&self.http, &self.api).await
    }

    /// Reads ten operations through the API, 20 a second, keeping their latencies.
    async fn sample_reads(&mut self) {
        for _ in 0..10 {
            let id = &self.gandi_ids[self.next % self.gandi_ids.len()];
            self.next += 7919;
            let t = Instant::now();
            let r = self
                .http
                .get(format!("{}/v1/accounts/gandi/operations/{id}", self.api))
                .send()
                .await
                .unwrap();
            let _ = r.bytes().await;
            self.latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The receiver takes everything from now on; answers once no delivery is pending.
    async fn open_and_drain(&self) -> String {
        self.open.store(true, Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(3600);
        loop {
            let text = self.metrics().await;
            if metric(&text, "regops_webhook_pending", &[]) == 0.0 || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The p50 and p99 of the latencies sampled so far, in ms.
    fn percentiles(&mut self) -> (f64, f64) {
        self.latencies.sort_by(|a, b| a.total_cmp(b));
        (
            percentile(&self.latencies, 0.5),
            percentile(&self.latencies, 0.99),
        )
    }

    /// Stops both processes and removes the journal; answers the service's peak memory.
    fn stop(mut self) -> f64 {
        let peak_mib = status_mib(self.pid, "VmHWM:");
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let _ = self.serve.wait();
        let _ = self.sim.kill();
        let _ = self.sim.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        peak_mib
    }
}

/// The whole run: `total` operations discovered and followed to their end at `speed`, every
/// change delivered.
async fn whole(total: usize, speed: f64) -> Run {
    let mut h = Harness::start(total, speed, "1s", false).await;
    // Until every operation the journal holds has ended and no new one came for 5 s: Netim
    // lists only pending operations, so one that ends between two listings is never seen.
    let mut last = (0.0, Instant::now());
    let mut progress = Instant::now();
    let (ended, journaled) = loop {
        let text = h.metrics().await;
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
                h.started.elapsed().as_secs_f64()
            );
            progress = Instant::now();
        }
        let quiet = last.1.elapsed() > Duration::from_secs(5);
        if (done >= all && all > 0.0 && quiet) || h.started.elapsed() > Duration::from_secs(1800) {
            break (done, all);
        }
        h.sample_reads().await;
    };
    // The last change came 5 s before the loop saw it quiet.
    let followed_s = (last.1 - h.started).as_secs_f64();
    // Then the backlog drains, until every delivery is made.
    let text = h.open_and_drain().await;
    let cpu_s = (cpu(h.pid) - h.cpu_before).as_secs_f64();
    let (p50_ms, p99_ms) = h.percentiles();
    let api_requests = h.latencies.len();
    let deliveries = h.received.load(Ordering::Relaxed);
    let span = h
        .first_last
        .lock()
        .unwrap()
        .map_or(0.0, |(a, b)| (b - a).as_secs_f64());
    let peak_mib = h.stop();
    assert!(ended >= journaled, "only {ended} of {journaled} ended");
    Run {
        operations: total,
        journaled: journaled as usize,
        followed_s,
        peak_mib,
        cpu_s,
        checks: metric(&text, "regops_status_checks_total", &[]),
        events: metric(&text, "regops_events_total", &[]),
        calls: metric(&text, "regops_provider_calls_total", &[]),
        refresh_calls: metric(&text, "regops_provider_calls_total", &[("call", "refresh")]),
        p50_ms,
        p99_ms,
        api_requests,
        deliveries,
        deliveries_per_s: deliveries as f64 / span.max(1e-9),
    }
}

/// How long the steady window lasts.
const WINDOW: Duration = Duration::from_secs(60);

/// The steady state: `total` operations followed while none changes (the sandbox's clock
/// crawls), after discovery has found them all, the discovery margin has passed and every
/// delivery is made. Only sweeps run then, so the window's CPU is what following costs.
async fn steady(total: usize) -> Steady {
    // A ten-thousandth of real time: the window is a few sandbox milliseconds, so nothing
    // moves in it (at a hundredth, a few percent of the operations still took a step).
    // Seeded before the service starts, so that its first listing finds them all; later
    // listings look back a minute of real time, which the crawling clock never leaves: after
    // a minute, they find nothing, as at a registrar where nothing new was started.
    let mut h = Harness::start(total, 0.0001, "10s", true).await;
    let seeded = h.started;
    h.open.store(true, Ordering::Relaxed);
    let mut progress = Instant::now();
    loop {
        let text = h.metrics().await;
        let all = metric(&text, "regops_operations", &[]);
        let pending = metric(&text, "regops_webhook_pending", &[]);
        if progress.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "  steady {total}: {all} journaled, {pending} deliveries pending, {:.0} s",
                h.started.elapsed().as_secs_f64()
            );
            progress = Instant::now();
        }
        // Listings look a minute back from the last one: past that, they find nothing.
        let settled =
            all >= total as f64 && pending == 0.0 && seeded.elapsed() > Duration::from_secs(80);
        if settled || h.started.elapsed() > Duration::from_secs(3600) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let before = h.metrics().await;
    let (cpu0, t0) = (cpu(h.pid), Instant::now());
    while t0.elapsed() < WINDOW {
        h.sample_reads().await;
    }
    let (cpu1, window_s) = (cpu(h.pid), t0.elapsed().as_secs_f64());
    let after = h.metrics().await;
    let delta = |name: &str| metric(&after, name, &[]) - metric(&before, name, &[]);
    let events = delta("regops_events_total");
    let followed = metric(&after, "regops_operations", &[]);
    let (p50_ms, p99_ms) = h.percentiles();
    let api_requests = h.latencies.len();
    let checks = delta("regops_status_checks_total");
    let calls = delta("regops_provider_calls_total");
    let peak_mib = h.stop();
    assert!(
        events < 0.01 * total as f64 + 10.0,
        "{events} changes in the steady window: the sandbox moved"
    );
    Steady {
        changes: events,
        operations: total,
        followed,
        peak_mib,
        window_s,
        cpu_s: (cpu1 - cpu0).as_secs_f64(),
        checks,
        calls,
        p50_ms,
        p99_ms,
        api_requests,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let speed = args
        .iter()
        .find_map(|a| a.strip_prefix("SPEED=").and_then(|s| s.parse().ok()))
        .unwrap_or(5.0);
    let mut counts: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let steady_arg = args.iter().find_map(|a| a.strip_prefix("STEADY="));
    // Without counts, 10,000 of each; with STEADY= only, steady windows only.
    if counts.is_empty() && steady_arg.is_none() {
        counts = vec![10_000];
    }
    let steady_counts: Vec<usize> = steady_arg
        .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000]);
    let mut runs = Vec::new();
    let mut steadies = Vec::new();
    println!(
        "| operations | discovered | followed in | peak RSS | CPU per change | provider calls per status check | refresh calls per status check | GET p50 | GET p99 | webhook deliveries/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for total in counts {
        let r = whole(total, speed).await;
        println!(
            "| {} | {} | {:.1} s | {:.1} MiB | {:.1} µs | {:.4} | {:.4} | {:.2} ms | {:.2} ms | {:.0} ({} in all) |",
            r.operations,
            r.journaled,
            r.followed_s,
            r.peak_mib,
            r.cpu_s * 1e6 / r.events.max(1.0),
            r.calls / r.checks.max(1.0),
            r.refresh_calls / r.checks.max(1.0),
            r.p50_ms,
            r.p99_ms,
            r.deliveries_per_s,
            r.deliveries
        );
        runs.push(serde_json::json!({
            "operations": r.operations, "journaled": r.journaled, "speed": speed, "followed_s": r.followed_s,
            "peak_mib": r.peak_mib, "cpu_s": r.cpu_s, "checks": r.checks, "events": r.events, "calls": r.calls,
            "refresh_calls": r.refresh_calls, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
            "api_requests": r.api_requests, "deliveries": r.deliveries,
            "deliveries_per_s": r.deliveries_per_s,
        }));
    }
    println!(
        "\n| operations | followed | peak RSS | CPU per status check | provider calls per status check | status checks/s | changes in the window | GET p50 | GET p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for total in steady_counts {
        let r = steady(total).await;
        println!(
            "| {} | {} | {:.1} MiB | {:.1} µs | {:.4} | {:.0} | {} | {:.2} ms | {:.2} ms |",
            r.operations,
            r.followed,
            r.peak_mib,
            r.cpu_s * 1e6 / r.checks.max(1.0),
            r.calls / r.checks.max(1.0),
            r.checks / r.window_s,
            r.changes,
            r.p50_ms,
            r.p99_ms,
        );
        steadies.push(serde_json::json!({
            "operations": r.operations, "followed": r.followed, "peak_mib": r.peak_mib,
            "window_s": r.window_s, "cpu_s": r.cpu_s, "checks": r.checks, "calls": r.calls,
            "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "api_requests": r.api_requests,
            "changes": r.changes,
        }));
    }
    if let Some(out) = std::env::var_os("REGOPS_BENCH_RESULTS") {
        std::fs::write(
            std::path::Path::new(&out).join("serve.json"),
            serde_json::to_string_pretty(&serde_json::json!({ "runs": runs, "steady": steadies }))
                .unwrap(),
        )
        .expect("writes the results");
    }
}
