//! `regops demo`: starts the sandbox in-process, submits a realistic mix of work, follows every
//! operation to its end with one progress line each, and prints a summary table.
//!
//! `regops sim`: runs the sandbox until interrupted.

use crate::args::{DemoArgs, SimArgs};
use crate::commands::io;
use crate::commands::ops::{Ending, follow};
use crate::exit::{CliError, Exit};
use crate::output::{OperationJson, write_json, write_table};
use crate::progress::Progress;
use regops_core::{Backend, CertificateOrder, DcvMethod, OperationId, Secret, WaitOptions};
use regops_sim::{Sim, SimConfig};
use regops_xmlrpc::{GandiBackend, GandiClient};
use std::io::Write;
use std::time::{Duration, Instant};

/// How long the demo lets its operations run before giving up (they take about 15 s).
const DEMO_DEADLINE: Duration = Duration::from_secs(50);

fn sim_config(seed: u64, speed: f64) -> SimConfig {
    SimConfig::default().seed(seed).speed(speed)
}

/// One operation the demo follows.
struct Tracked {
    account: &'static str,
    id: OperationId,
    started: Instant,
}

/// Runs the demo.
pub async fn demo(args: DemoArgs, json: bool, out: &mut dyn Write) -> Result<Exit, CliError> {
    let sim = Sim::start(sim_config(args.seed, args.speed))
        .await
        .map_err(|e| CliError::api(format!("starting the sandbox: {e}")))?;
    eprintln!(
        "regops demo: sandbox registrar on {} (clock {}x, seed {})",
        sim.addr(),
        args.speed,
        args.seed
    );
    for (protocol, url) in sim.protocols() {
        eprintln!("  {protocol:<8} {url}");
    }

    let client = GandiClient::builder(Secret::new(sim.gandi_api_key()))
        .endpoint(sim.url("gandi"))
        .build()
        .map_err(|e| CliError::api(e.to_string()))?;
    let gandi = GandiBackend::new(client);
    let certs = gandi
        .certificate_backend()
        .expect("the Gandi backend sells certificates");

    let mut tracked = Vec::new();
    let track = |id: OperationId| Tracked {
        account: "gandi",
        id,
        started: Instant::now(),
    };
    // Certificate orders, through the API.
    for (cn, package, dcv) in [
        ("www.shop-demo.example", "cert_std_1_0_0", DcvMethod::Dns),
        ("mail.shop-demo.example", "cert_std_1_0_0", DcvMethod::Email),
        ("api.bakery-demo.example", "cert_pro_1_10_0", DcvMethod::Dns),
    ] {
        let order = CertificateOrder::new(package, cn).dcv_method(dcv);
        let op = certs
            .order_certificate(&order)
            .await
            .map_err(|e| CliError::api(format!("gandi: ordering {cn}: {e}")))?;
        tracked.push(track(op.id));
    }
    // Domain work the reseller platform submitted at the sandbox's registrar.
    for (kind, domain) in [
        ("domain_create", "bakery-demo.example"),
        ("domain_create", "florist-demo.example"),
        ("domain_renew", "shop-demo.example"),
        ("domain_transfer_in", "garage-demo.example"),
        ("domain_create", "typo-demo.example"),
    ] {
        tracked.push(track(OperationId::new(
            sim.gandi().submit(kind, domain).to_string(),
        )));
    }
    // Withdraw the last one: a cancelation through the API.
    let withdrawn = tracked.last().map(|t| t.id.clone()).expect("submitted");
    gandi
        .cancel(&withdrawn)
        .await
        .map_err(|e| CliError::api(format!("gandi: cancelling {withdrawn}: {e}")))?;

    let progress = Progress::new("gandi");
    let backend: &dyn Backend = &gandi;
    let follows = tracked.iter().map(|t| {
        let bar = progress.add_labelled(format!("{} {}", t.account, t.id));
        let opts = WaitOptions::new()
            .timeout(DEMO_DEADLINE)
            .intervals(Duration::from_millis(500), Duration::from_secs(2));
        async move {
            let (op, problem) = match follow(backend, t.id.clone(), opts, &bar).await {
                Ending::Terminal(op) => (Some(op), None),
                Ending::Deadline(op) => (op, Some("timed out".to_owned())),
                Ending::Error(e) => (None, Some(e.to_string())),
            };
            (t, op, t.started.elapsed(), problem)
        }
    });
    let results = futures::future::join_all(follows).await;
    progress.clear();

    let problems: Vec<String> = results
        .iter()
        .filter_map(|(t, _, _, p)| p.as_ref().map(|p| format!("{} {}: {p}", t.account, t.id)))
        .collect();
    if json {
        let ops: Vec<OperationJson<'_>> = results
            .iter()
            .filter_map(|(t, op, _, _)| op.as_ref().map(|op| OperationJson::new(t.account, op)))
            .collect();
        write_json(out, &ops).map_err(io)?;
    } else {
        let rows: Vec<Vec<String>> = results
            .iter()
            .map(|(t, op, took, _)| {
                let (kind, target, status, raw) = match op {
                    Some(op) => (
                        op.kind.clone().unwrap_or_else(|| "-".into()),
                        op.target.clone().unwrap_or_else(|| "-".into()),
                        op.status.as_str().to_owned(),
                        op.raw_status.clone(),
                    ),
                    None => ("-".into(), "-".into(), "-".into(), "-".into()),
                };
                vec![
                    t.account.to_owned(),
                    t.id.to_string(),
                    kind,
                    target,
                    status,
                    raw,
                    format!("{:.1}s", took.as_secs_f64()),
                ]
            })
            .collect();
        write_table(
            out,
            &["ACCOUNT", "ID", "TYPE", "TARGET", "STATUS", "RAW", "TOOK"],
            &rows,
        )
        .map_err(io)?;
    }
    let calls: u64 = ["operation.info", "operation.list"]
        .iter()
        .map(|m| sim.calls("gandi", m))
        .sum();
    eprintln!(
        "regops demo: {} operations followed with {calls} status reads; {} cancel sent once",
        results.len(),
        sim.calls("gandi", "operation.cancel")
    );
    sim.shutdown();
    if problems.is_empty() {
        Ok(Exit::Success)
    } else {
        Err(CliError::api(format!(
            "the demo did not finish: {}",
            problems.join("; ")
        )))
    }
}

/// Runs the sandbox until interrupted.
pub async fn sim(args: SimArgs, out: &mut dyn Write) -> Result<Exit, CliError> {
    let listen = args
        .listen
        .parse()
        .map_err(|e| CliError::usage(format!("--listen {:?}: {e}", args.listen)))?;
    let sim = Sim::start(sim_config(args.seed, args.speed).listen(listen))
        .await
        .map_err(|e| CliError::api(format!("starting the sandbox on {}: {e}", args.listen)))?;
    writeln!(
        out,
        "regops sandbox on {} (clock {}x, seed {})",
        sim.addr(),
        args.speed,
        args.seed
    )
    .map_err(io)?;
    for (protocol, url) in sim.protocols() {
        writeln!(out, "  {protocol:<8} {url}").map_err(io)?;
    }
    writeln!(
        out,
        "  admin    {}calls, {}faults",
        sim.url("admin"),
        sim.url("admin")
    )
    .map_err(io)?;
    writeln!(
        out,
        "\n# A configuration for it (save as regops.toml):\n{}",
        sim.config_toml()
    )
    .map_err(io)?;
    out.flush().map_err(io)?;
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::api(format!("waiting for Ctrl-C: {e}")))?;
    sim.shutdown();
    Ok(Exit::Success)
}
