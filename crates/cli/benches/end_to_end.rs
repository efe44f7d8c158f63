//! `ops show` end to end against the sandbox, beside a curl-style baseline of the same request.
//!
//! Run: `cargo bench -p regops --bench end_to_end` (`cargo xtask bench` runs it and puts the
//! figures in docs/benchmarks.md). The sandbox runs on threads of its own; the client's CPU is
//! read from the kernel's accounting of the client thread (`/proc/thread-self/schedstat`, in
//! nanoseconds) or of the finished child processes (`/proc/self/stat`, in clock ticks), so the
//! server's work is never counted.
//!
//! Four ways to read one Gandi operation, each many times in a row over one connection where
//! the client keeps one:
//! - regops, the library: `GandiBackend::operation` (encode, POST, decode, convert to core);
//! - baseline, in-process: the same bytes POSTed with a bare reqwest client, the answer read and
//!   not decoded (what a hand-rolled `curl`-like call costs);
//! - regops, the command: `regops ops show ID` as a new process each time;
//! - curl, the command: `curl` POSTing the same bytes (skipped if curl is not installed).
//!
//! With `REGOPS_BENCH_RESULTS=DIR` it also writes `DIR/end_to_end.json`.

#[path = "support/proc_stat.rs"]
mod proc_stat;

use regops_core::{Backend, OperationId};
use regops_sim::{Sim, SimConfig};
use regops_xmlrpc::{GandiBackend, Value, encode_call};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// One way of reading an operation, measured.
struct Row {
    name: &'static str,
    calls: u32,
    wall: Duration,
    cpu: Duration,
}

impl Row {
    fn per_second(&self) -> f64 {
        f64::from(self.calls) / self.wall.as_secs_f64()
    }
    fn cpu_per_call_us(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / f64::from(self.calls)
    }
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "calls": self.calls,
            "wall_s": self.wall.as_secs_f64(),
            "requests_per_s": self.per_second(),
            "client_cpu_us_per_call": self.cpu_per_call_us(),
        })
    }
}

fn in_process<F: Future<Output = ()>>(
    rt: &tokio::runtime::Runtime,
    name: &'static str,
    calls: u32,
    mut call: impl FnMut() -> F,
) -> Row {
    // Warm up: connection, allocator, caches.
    for _ in 0..50 {
        rt.block_on(call());
    }
    let cpu = thread_cpu();
    let start = Instant::now();
    for _ in 0..calls {
        rt.block_on(call());
    }
    Row {
        name,
        calls,
        wall: start.elapsed(),
        cpu: thread_cpu() - cpu,
    }
}

fn processes(name: &'static str, calls: u32, mut command: impl FnMut() -> Command) -> Row {
    let run = |c: &mut Command| {
        let out = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{name}: no output");
    };
    run(&mut command());
    let cpu = proc_stat::children_cpu();
    let start = Instant::now();
    for _ in 0..calls {
        run(&mut command());
    }
    Row {
        name,
        calls,
        wall: start.elapsed(),
        cpu: proc_stat::children_cpu() - cpu,
    }
}

fn main() {
    // The sandbox on a runtime of its own.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let sim = Sim::start(SimConfig::default().speed(1.0))
                .await
                .expect("sandbox");
            tx.send(sim).expect("send");
            std::future::pending::<()>().await;
        });
    });
    let sim = rx.recv().expect("the sandbox");
    let id = sim.gandi().submit("domain_renew", "bench.example");

    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let gandi = GandiBackend::new(sim.gandi_client().no_rate_limit().build().expect("client"));
    let op_id = OperationId::new(id.to_string());
    let first = client.block_on(gandi.operation(&op_id)).expect("reads");
    assert_eq!(first.id, op_id);

    let calls = 3000;
    let mut rows = vec![in_process(
        &client,
        "regops: GandiBackend::operation",
        calls,
        || {
            let (gandi, op_id) = (&gandi, &op_id);
            async move {
                gandi.operation(op_id).await.expect("reads");
            }
        },
    )];

    let key = sim.secret_exports()[0].1.clone();
    let body =
        encode_call("operation.info", &[Value::String(key), Value::Int(id)]).expect("encodes");
    let url = sim.url("gandi");
    let raw = reqwest::Client::new();
    rows.push(in_process(
        &client,
        "baseline: the same POST with reqwest, answer not decoded",
        calls,
        || {
            let (raw, url, body) = (&raw, &url, &body);
            async move {
                let bytes = raw
                    .post(url.as_str())
                    .header("content-type", "text/xml")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("sent")
                    .bytes()
                    .await
                    .expect("read");
                assert!(bytes.len() > 100);
            }
        },
    ));

    let dir = std::env::temp_dir().join(format!("regops-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("regops.toml");
    std::fs::write(&config, sim.config_toml()).expect("config");
    let request = dir.join("request.xml");
    std::fs::write(&request, &body).expect("request");
    let invocations = 100;
    rows.push(processes(
        "regops ops show (a new process per call)",
        invocations,
        || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_regops"));
            c.arg("--config")
                .arg(&config)
                .args(["--account", "gandi", "ops", "show", &id.to_string()])
                .envs(sim.secret_exports())
                .env("XDG_DATA_HOME", &dir)
                .env_remove("REGOPS_JOURNAL");
            c
        },
    ));
    let curl = Command::new("curl").arg("--version").output().is_ok();
    if curl {
        rows.push(processes(
            "curl (a new process per call, answer not decoded)",
            invocations,
            || {
                let mut c = Command::new("curl");
                c.args([
                    "-sS",
                    "--fail",
                    "-H",
                    "content-type: text/xml",
                    "--data-binary",
                ])
                .arg(format!("@{}", request.display()))
                .arg(&url);
                c
            },
        ));
    } else {
        eprintln!("curl is not installed: its row is left out");
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!("| client | calls | requests/s | client CPU per call |");
    println!("|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {:.0} | {:.0} µs |",
            r.name,
            r.calls,
            r.per_second(),
            r.cpu_per_call_us()
        );
    }
    if let Some(out) = std::env::var_os("REGOPS_BENCH_RESULTS") {
        let path = std::path::Path::new(&out).join("end_to_end.json");
        let json = serde_json::json!({
            "operation_bytes": body.len(),
            "rows": rows.iter().map(Row::json).collect::<Vec<_>>(),
        });
        std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json"))
            .expect("writes the results");
    }
}
