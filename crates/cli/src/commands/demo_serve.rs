//! `regops demo --serve`: the sandbox, the tracking service and a webhook receiver in one
//! process, so that a new user sees the API, the events and signed webhooks working.
//!
//! The sandbox starts an operation on each provider every few seconds by itself (as a
//! registrar's web panel would); the service discovers them, follows them and sends each change
//! to the receiver, which checks the signature with the `standardwebhooks` crate and prints a
//! line per delivery on stdout. Ctrl-C (or `--for`) stops everything.

use crate::args::DemoArgs;
use crate::commands::io;
use crate::exit::{CliError, Exit};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use regops_core::{Backend, Journal, MemoryJournal, Secret, TrackerOptions};
use regops_serve::json::EventJson;
use regops_serve::{AccountSpec, ServeConfig, Service, WebhookConfig};
use regops_sim::{Sim, SimConfig};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The demo's webhook key: not a secret (the demo's receiver and service share it in-process).
const DEMO_KEY: &[u8; 32] = b"regops-demo-webhook-signing-key!";

/// Starts the receiver on loopback; each verified delivery becomes a line on `lines`.
async fn receiver(secret: &str, lines: mpsc::UnboundedSender<String>) -> Result<String, CliError> {
    let verifier = Arc::new(
        standardwebhooks::Webhook::new(secret)
            .map_err(|e| CliError::api(format!("the demo's webhook key: {e}")))?,
    );
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (verifier, lines) = (verifier.clone(), lines.clone());
            async move {
                if verifier.verify(&body, &headers).is_err() {
                    let _ =
                        lines.send("webhook ✗ a delivery whose signature did not verify".into());
                    return StatusCode::BAD_REQUEST;
                }
                let line = match serde_json::from_slice::<EventJson>(&body) {
                    Ok(e) => {
                        let op = e.data.operation.as_ref();
                        format!(
                            "webhook ✓ {:<19} {:<8} {:<38} {:<24} {}",
                            e.kind,
                            e.data.account,
                            op.map_or("-", |o| o.id.as_str()),
                            op.and_then(|o| o.target.as_deref()).unwrap_or("-"),
                            op.map_or("-", |o| o.status.as_str()),
                        )
                    }
                    Err(_) => "webhook ✓ (a body this version cannot read)".into(),
                };
                let _ = lines.send(line);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CliError::api(format!("the demo's webhook receiver: {e}")))?;
    let url = format!("http://{}/hook", listener.local_addr().map_err(io)?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

/// The service on the sandbox's four accounts, discovering every 2 s, with `hook`.
async fn service(sim: &Sim, hook: WebhookConfig) -> Result<Service, CliError> {
    let a = crate::commands::demo::accounts(sim)?;
    let backends: [(&str, Arc<dyn Backend>); 4] = [
        ("gandi", a.gandi),
        ("netim", a.netim),
        ("route53", a.route53),
        ("autodns", a.autodns),
    ];
    let config = ServeConfig::default()
        .discover(Some(Duration::from_secs(2)))
        .discover_since(Duration::from_secs(3600))
        .webhook(hook)
        .tracker(
            TrackerOptions::new().intervals(Duration::from_millis(500), Duration::from_secs(5)),
        );
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let specs = backends
        .into_iter()
        .map(|(name, b)| AccountSpec::new(name, b))
        .collect();
    Service::new(config, specs, journal)
        .await
        .map_err(|e| CliError::api(format!("starting the service: {e}")))
}

/// `regops demo --serve`.
pub async fn demo_serve(args: DemoArgs, out: &mut dyn Write) -> Result<Exit, CliError> {
    let listen = regops_serve::parse_listen(&args.listen).map_err(CliError::usage)?;
    regops_serve::check_listen(&listen, false).map_err(CliError::usage)?;
    let run_for = args
        .run_for
        .as_deref()
        .map(|d| crate::parse::duration(d).map_err(|e| CliError::usage(format!("--for: {e}"))))
        .transpose()?;
    let sim = Sim::start(
        SimConfig::default()
            .seed(args.seed)
            .speed(args.speed)
            .start_every(Duration::from_secs(4)),
    )
    .await
    .map_err(|e| CliError::api(format!("starting the sandbox: {e}")))?;
    let (tx, mut lines) = mpsc::unbounded_channel();
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(DEMO_KEY)
    );
    let hook_url = receiver(&secret, tx).await?;
    let hook = WebhookConfig::new(hook_url.clone(), Secret::new(secret)).map_err(CliError::api)?;
    let service = service(&sim, hook).await?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        CliError::usage(format!(
            "cannot listen on {listen}: {e} (choose another with --listen)"
        ))
    })?;
    let base = format!("http://{}", listener.local_addr().map_err(io)?);
    writeln!(
        out,
        "regops serve on {base}, following the sandbox at {} (it starts an operation on each provider every 4 s)\n\
         \n  open {base}/ in a browser for the dashboard\n  curl -s {base}/v1/operations\n  curl -sN {base}/v1/events\n  curl -s {base}/v1/accounts\n  curl -s {base}/metrics\n  curl -s {base}/v1/openapi.json\n\
         \nWebhooks to {hook_url}, each signature checked with the standardwebhooks crate:",
        sim.addr()
    )
    .map_err(io)?;
    out.flush().map_err(io)?;
    let stop = async move {
        match run_for {
            Some(d) => tokio::time::sleep(d).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    let served = service.run(listener, stop);
    tokio::pin!(served);
    loop {
        tokio::select! {
            result = &mut served => {
                result.map_err(|e| CliError::api(format!("serving: {e}")))?;
                break;
            }
            Some(line) = lines.recv() => {
                writeln!(out, "{line}").map_err(io)?;
                out.flush().map_err(io)?;
            }
        }
    }
    Ok(Exit::Success)
}
