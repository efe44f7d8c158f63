//! The tracker at scale: 10,000 operations spread over the four protocols, followed to their end
//! against the sandbox running as a separate process (`regops sim`), so that the CPU and memory
//! measured are the client's alone.
//!
//! Run: `cargo bench -p regops --bench tracker` (optionally `-- COUNT SPEED`: how many
//! operations, 10,000 by default, and how fast the sandbox clock runs, 5x by default). It
//! prints a Markdown table (the figures of docs/benchmarks.md):
//! - API calls per status check: the sandbox's count of status-reading calls divided by the
//!   status checks the tracker made (one check = one operation read once in a sweep); the naive
//!   baseline, one call per operation per sweep, is 1.0;
//! - client CPU per status check (user + system time of this process);
//! - peak memory of this process (VmHWM).
//!
//! With `REGOPS_BENCH_RESULTS=DIR` it also writes `DIR/tracker.json` for `cargo xtask bench`.

#[path = "support/proc_stat.rs"]
mod proc_stat;

use futures::StreamExt;
use regops_core::{
    Backend, CancelKind, CancelRequest, Capabilities, CertificateOrder, Execution, Operation,
    OperationId, Result, Tracker, TrackerEvent, TrackerOptions,
};
use regops_rest::AutoDnsBackend;
use regops_route53::Route53Backend;
use regops_route53::generated::{ContactDetail, RegisterDomainRequest};
use regops_soap::NetimBackend;
use regops_xmlrpc::GandiBackend;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counts the status checks that go through a backend.
struct Counting {
    inner: Arc<dyn Backend>,
    checks: AtomicU64,
}

#[async_trait::async_trait]
impl Backend for Counting {
    fn provider(&self) -> &str {
        self.inner.provider()
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        self.checks.fetch_add(1, Ordering::Relaxed);
        self.inner.operation(id).await
    }
    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        self.checks.fetch_add(ids.len() as u64, Ordering::Relaxed);
        self.inner.refresh(ids).await
    }
}

/// Peak resident memory of this process, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The sandbox's call counts.
async fn admin_calls(url: &str) -> serde_json::Value {
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

fn contact() -> ContactDetail {
    ContactDetail {
        email: Some("bench@example.com".into()),
        ..ContactDetail::default()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let numbers: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let total = numbers.first().map_or(10_000, |n| *n as usize);
    let speed = numbers.get(1).copied().unwrap_or(5.0);
    let per = total / 4;
    // The sandbox in its own process.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_regops"))
        .args([
            "sim",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--speed",
            &speed.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start regops sim");
    let mut first = String::new();
    BufReader::new(sim.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the sandbox's first line");
    let base = format!("http://127.0.0.1:{port}");
    let defaults = regops_sim::SimConfig::default();

    let gandi = GandiBackend::new(defaults.gandi_client(&base).build().unwrap());
    let netim = NetimBackend::new(defaults.netim_client(&base).build().unwrap());
    let route53 = Route53Backend::new(
        defaults
            .route53_client(&base)
            .no_rate_limit()
            .build()
            .unwrap(),
    );
    let autodns = AutoDnsBackend::new(
        defaults
            .autodns_client(&base, false)
            .no_rate_limit()
            .build()
            .unwrap(),
    );

    // Submit the work through the APIs.
    let started = Instant::now();
    let mut ids: Vec<(&str, Vec<OperationId>)> = Vec::new();
    let orders = gandi.certificate_backend().unwrap();
    let mut v = Vec::new();
    for i in 0..per {
        let order = CertificateOrder::new("cert_std_1_0_0", format!("www.b{i}.example"));
        v.push(orders.order_certificate(&order).await.unwrap().id);
    }
    ids.push(("gandi", v));
    let mut v = Vec::new();
    for i in 0..per {
        let r =
            RegisterDomainRequest::new(format!("r{i}.example"), 1, contact(), contact(), contact());
        v.push(route53.client().register_domain(&r).await.unwrap().id);
    }
    ids.push(("route53", v));
    let now = CancelRequest::new(CancelKind::Delete, Execution::Now);
    let cancel = autodns.domain_cancel_backend().unwrap();
    let mut v = Vec::new();
    for i in 0..per {
        v.push(
            cancel
                .cancel_domain(&format!("a{i}.example"), &now)
                .await
                .unwrap()
                .id,
        );
    }
    ids.push(("autodns", v));
    // Netim's operations are the quickest to end in the sandbox: submitted last, so that they
    // are still pending when following starts.
    let certs = netim.certificate_backend().unwrap();
    let mut v = Vec::new();
    for i in 0..per {
        let order = CertificateOrder::new("SSL_RAPID", format!("www.n{i}.example")).csr("PEM");
        v.push(certs.order_certificate(&order).await.unwrap().id);
    }
    ids.push(("netim", v));
    let submitted_in = started.elapsed();

    let backends: Vec<(&str, Arc<Counting>)> = vec![
        (
            "gandi",
            Arc::new(Counting {
                inner: Arc::new(gandi),
                checks: AtomicU64::new(0),
            }),
        ),
        (
            "netim",
            Arc::new(Counting {
                inner: Arc::new(netim),
                checks: AtomicU64::new(0),
            }),
        ),
        (
            "route53",
            Arc::new(Counting {
                inner: Arc::new(route53),
                checks: AtomicU64::new(0),
            }),
        ),
        (
            "autodns",
            Arc::new(Counting {
                inner: Arc::new(autodns),
                checks: AtomicU64::new(0),
            }),
        ),
    ];
    let admin = format!("{base}/admin/calls");
    let calls_before = admin_calls(&admin).await;

    let mut tracker = Tracker::new(
        TrackerOptions::new().intervals(Duration::from_millis(250), Duration::from_secs(5)),
    );
    for (name, b) in &backends {
        // The clients pace themselves where the provider says so; the sandbox has no quota.
        tracker.add_account_with_rate(*name, b.clone() as Arc<dyn Backend>, None);
    }
    for (name, list) in &ids {
        for id in list {
            tracker.track(name, id.clone()).await.unwrap();
        }
    }
    let cpu_before = proc_stat::process_cpu();
    let followed_at = Instant::now();
    let mut finished = 0usize;
    let mut events = tracker.run();
    while let Some(e) = events.next().await {
        match e {
            TrackerEvent::Finished { .. } => finished += 1,
            TrackerEvent::GaveUp { account, id, error } => panic!("{account} {id}: {error}"),
            _ => {}
        }
    }
    let followed_in = followed_at.elapsed();
    let cpu_used = proc_stat::process_cpu() - cpu_before;
    let calls_after = admin_calls(&admin).await;
    let _ = sim.kill();
    let _ = sim.wait();

    let reads: [(&str, &[&str]); 4] = [
        ("gandi", &["operation.list", "operation.info"]),
        ("netim", &["queryOpePending", "queryOpe"]),
        ("route53", &["ListOperations", "GetOperationDetail"]),
        ("autodns", &["POST /job/_search", "GET /job/{id}"]),
    ];
    let count = |v: &serde_json::Value, p: &str, m: &str| v[p][m].as_u64().unwrap_or(0);
    println!(
        "{total} operations ({per} per protocol), sandbox at {speed}x in its own process; submitted in {:.1} s, all {finished} followed to their end in {:.1} s",
        submitted_in.as_secs_f64(),
        followed_in.as_secs_f64()
    );
    println!();
    println!("| protocol | status checks | status-reading calls | calls per status check |");
    println!("|---|---|---|---|");
    let mut all_checks = 0;
    let mut all_calls = 0;
    let mut rows = Vec::new();
    for ((name, backend), (_, methods)) in backends.iter().zip(reads) {
        let checks = backend.checks.load(Ordering::Relaxed);
        let calls: u64 = methods
            .iter()
            .map(|m| count(&calls_after, name, m) - count(&calls_before, name, m))
            .sum();
        all_checks += checks;
        all_calls += calls;
        println!(
            "| {name} | {checks} | {calls} | {:.4} |",
            calls as f64 / checks.max(1) as f64
        );
        rows.push(serde_json::json!({"protocol": name, "checks": checks, "calls": calls}));
    }
    println!(
        "| all | {all_checks} | {all_calls} | {:.4} |",
        all_calls as f64 / all_checks.max(1) as f64
    );
    println!();
    println!(
        "client CPU while following: {:.2} s, {:.1} µs per status check; peak memory (VmHWM) {:.1} MiB",
        cpu_used.as_secs_f64(),
        cpu_used.as_secs_f64() * 1e6 / all_checks.max(1) as f64,
        peak_mib()
    );
    if let Some(out) = std::env::var_os("REGOPS_BENCH_RESULTS") {
        let json = serde_json::json!({
            "operations": total,
            "speed": speed,
            "followed_s": followed_in.as_secs_f64(),
            "finished": finished,
            "client_cpu_s": cpu_used.as_secs_f64(),
            "peak_mib": peak_mib(),
            "rows": rows,
        });
        std::fs::write(
            std::path::Path::new(&out).join("tracker.json"),
            serde_json::to_string_pretty(&json).unwrap(),
        )
        .expect("writes the results");
    }
}
