//! A fleet of `regops serve` processes on one PostgreSQL: COUNT operations (100,000 by default)
//! across 20 accounts (five sandboxes, each its own process, with four accounts each), followed
//! by 1 and by 3 processes.
//!
//! Run: `cargo bench -p regops --bench fleet` (optionally `-- COUNT PROCESSES=1,3 SPEED=S`),
//! with the PostgreSQL of `cargo xtask postgres` (or of `cargo xtask bench`, which starts it):
//! `REGOPS_POSTGRES_URL`, `REGOPS_POSTGRES_BIN`, `REGOPS_POSTGRES_DATA`. Each run has a database
//! of its own. Measured, from the processes' own metrics and API:
//! - the wall time from seeding until everything the journal holds has ended (and nothing new
//!   came for 5 s);
//! - provider calls per status check, over every process, and the largest peak memory (VmHWM)
//!   of a process still running at the end;
//! - with 3 processes, one is killed with SIGKILL a third of the way in: how long until another
//!   holds each of its accounts (polled every 100 ms on a survivor's `/v1/accounts`);
//! - how late the last process's `/v1/events` stream brings each change: from the moment the
//!   process that saw it journaled it (the event's `timestamp`) to its arrival, p50 and p99
//!   (with 3 processes most changes are another process's, read from the database).
//!
//! With `REGOPS_BENCH_RESULTS=DIR` it writes `DIR/fleet.json` for `cargo xtask bench`.

#[path = "support/processes.rs"]
mod processes;

use processes::{
    free_port, metric, metrics_text, percentile, sandbox_config, secret_exports, seed, spawn,
    spawn_serve, status_mib,
};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const SANDBOXES: usize = 5;
const LEASE: &str = "10s";

/// What one run measured.
struct Run {
    processes: usize,
    operations: usize,
    journaled: f64,
    followed_s: f64,
    checks: f64,
    calls: f64,
    takeover_s: Option<f64>,
    peak_mib: f64,
    /// The stream's delays, in ms, sorted.
    sse_ms: Vec<f64>,
}

/// Reads `/v1/events` of `api` until dropped, keeping how late each event came (ms).
async fn sse_delays(api: String, delays: std::sync::Arc<std::sync::Mutex<Vec<f64>>>) {
    let http = reqwest::Client::new();
    let Ok(mut answer) = http.get(format!("{api}/v1/events")).send().await else {
        return;
    };
    let mut pending = String::new();
    while let Ok(Some(chunk)) = answer.chunk().await {
        let now = chrono::Utc::now();
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            let Some(data) = line.trim_end().strip_prefix("data:") else {
                continue;
            };
            let at = serde_json::from_str::<serde_json::Value>(data.trim())
                .ok()
                .and_then(|v| v["timestamp"].as_str().map(str::to_owned))
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
            if let Some(at) = at {
                let ms = (now - at.with_timezone(&chrono::Utc))
                    .num_microseconds()
                    .unwrap_or(0);
                delays.lock().unwrap().push(ms as f64 / 1000.0);
            }
        }
    }
}

struct Node {
    child: Child,
    api: String,
    name: String,
}

fn node_config(bases: &[String], journal: &str, name: &str) -> String {
    let defaults = regops_sim::SimConfig::default();
    let mut text = String::new();
    for (i, base) in bases.iter().enumerate() {
        text.push_str(&sandbox_config(base, &defaults, &format!("-{i}")));
        text.push('\n');
    }
    text + &format!(
        "[serve]\nname = \"{name}\"\njournal = \"{journal}\"\nlease = \"{LEASE}\"\ndiscover = \"1s\"\ndiscover_since = \"1h\"\n"
    )
}

/// The ended and the journaled operations, as one process's API counts them.
async fn progress(http: &reqwest::Client, api: &str) -> (f64, f64) {
    let text = http
        .get(format!("{api}/v1/counts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counts: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ended = 0.0;
    let mut all = 0.0;
    for c in counts["counts"].as_array().into_iter().flatten() {
        let n = c["count"].as_f64().unwrap_or(0.0);
        all += n;
        if ["succeeded", "failed", "cancelled"].contains(&c["status"].as_str().unwrap_or("")) {
            ended += n;
        }
    }
    (ended, all)
}

/// Waits until every account has an owner other than `victim`; answers when.
async fn taken_over(http: &reqwest::Client, api: &str, victim: &str) -> Instant {
    loop {
        if let Ok(answer) = http.get(format!("{api}/v1/accounts")).send().await
            && let Ok(text) = answer.text().await
            && let Ok(accounts) = serde_json::from_str::<serde_json::Value>(&text)
        {
            let all_held = accounts.as_array().is_some_and(|a| {
                a.iter()
                    .all(|x| x["owner"].as_str().is_some_and(|o| o != victim))
            });
            if all_held {
                return Instant::now();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn run(
    pg: &regops_tests::postgres::Postgres,
    total: usize,
    processes: usize,
    speed: f64,
) -> Run {
    let db = pg.database(&format!("bench_fleet_{processes}"));
    let http = reqwest::Client::new();
    let mut sims = Vec::new();
    let mut bases = Vec::new();
    for _ in 0..SANDBOXES {
        let port = free_port();
        let (sim, _) = spawn(
            &[
                "sim",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--speed",
                &speed.to_string(),
            ],
            &[],
        );
        sims.push(sim);
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    let dir = std::env::temp_dir().join(format!("regops-bench-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let envs = secret_exports(&regops_sim::SimConfig::default());
    let mut nodes = Vec::new();
    for k in 0..processes {
        let name = format!("node-{k}");
        let cfg = dir.join(format!("{name}.toml"));
        std::fs::write(&cfg, node_config(&bases, &db.url, &name)).unwrap();
        let (child, api) = spawn_serve(&cfg, &envs);
        nodes.push(Node { child, api, name });
    }
    let delays = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    // The first process stays up; with several, most of what it streams others journaled.
    let reader = tokio::spawn(sse_delays(nodes[0].api.clone(), delays.clone()));
    let started = Instant::now();
    for base in &bases {
        seed(&http, base, total / SANDBOXES).await;
    }
    let mut takeover_s = None;
    let mut killed: Option<Node> = None;
    let mut last = (0.0, Instant::now());
    let (ended, journaled) = loop {
        let (ended, all) = progress(&http, &nodes[0].api).await;
        if processes > 1
            && killed.is_none()
            && ended >= all.max(1.0) / 3.0
            && all > total as f64 / 2.0
        {
            let mut victim = nodes.pop().unwrap();
            let _ = victim.child.kill();
            let _ = victim.child.wait();
            let at = Instant::now();
            let when = taken_over(&http, &nodes[0].api, &victim.name).await;
            takeover_s = Some((when - at).as_secs_f64());
            killed = Some(victim);
        }
        if all != last.0 {
            last = (all, Instant::now());
        }
        if ended == all && all > 0.0 && last.1.elapsed() > Duration::from_secs(5) {
            break (ended, all);
        }
        assert!(
            started.elapsed() < Duration::from_secs(3600),
            "not followed in an hour"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let followed_s = (last.1 - started).as_secs_f64();
    let mut checks = 0.0;
    let mut calls = 0.0;
    for node in &nodes {
        let text = metrics_text(&http, &node.api).await;
        checks += metric(&text, "regops_status_checks_total", &[]);
        calls += metric(&text, "regops_provider_calls_total", &[]);
    }
    let _ = ended;
    reader.abort();
    let mut sse_ms = std::mem::take(&mut *delays.lock().unwrap());
    sse_ms.sort_by(|a, b| a.total_cmp(b));
    let peak_mib = nodes
        .iter()
        .map(|n| status_mib(n.child.id(), "VmHWM:"))
        .fold(0.0, f64::max);
    for mut node in nodes {
        let _ = Command::new("kill")
            .args(["-TERM", &node.child.id().to_string()])
            .status();
        let _ = node.child.wait();
    }
    for mut sim in sims {
        let _ = sim.kill();
        let _ = sim.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        processes,
        operations: total,
        journaled,
        followed_s,
        checks,
        calls,
        takeover_s,
        peak_mib,
        sse_ms,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let speed = args
        .iter()
        .find_map(|a| a.strip_prefix("SPEED=").and_then(|s| s.parse().ok()))
        .unwrap_or(5.0);
    let total = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let fleets: Vec<usize> = args
        .iter()
        .find_map(|a| a.strip_prefix("PROCESSES="))
        .map(|l| l.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 3]);
    let Some(pg) = regops_tests::postgres::Postgres::find("the fleet benchmark") else {
        return;
    };
    println!(
        "| processes | operations | discovered | followed in | provider calls per status check | largest peak RSS | takeover after kill -9 | SSE delay p50 | SSE delay p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut runs = Vec::new();
    for processes in fleets {
        let r = run(&pg, total, processes, speed).await;
        println!(
            "| {} | {} | {} | {:.1} s | {:.4} | {:.0} MiB | {} | {:.0} ms | {:.0} ms |",
            r.processes,
            r.operations,
            r.journaled,
            r.followed_s,
            r.calls / r.checks.max(1.0),
            r.peak_mib,
            r.takeover_s.map_or("-".into(), |t| format!("{t:.1} s")),
            percentile(&r.sse_ms, 0.5),
            percentile(&r.sse_ms, 0.99),
        );
        runs.push(serde_json::json!({
            "processes": r.processes, "operations": r.operations, "journaled": r.journaled,
            "followed_s": r.followed_s, "checks": r.checks, "calls": r.calls,
            "takeover_s": r.takeover_s, "speed": speed, "lease": LEASE, "peak_mib": r.peak_mib,
            "sse_events": r.sse_ms.len(), "sse_p50_ms": percentile(&r.sse_ms, 0.5),
            "sse_p99_ms": percentile(&r.sse_ms, 0.99),
        }));
    }
    if let Some(out) = std::env::var_os("REGOPS_BENCH_RESULTS") {
        std::fs::write(
            std::path::Path::new(&out).join("fleet.json"),
            serde_json::to_string_pretty(&serde_json::json!({ "runs": runs })).unwrap(),
        )
        .expect("writes the results");
    }
}
