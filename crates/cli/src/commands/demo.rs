//! `regops demo`: starts the sandbox in-process, submits a realistic mix of work, follows every
//! operation to its end with one progress line each, and prints a summary table.
//!
//! `regops sim`: runs the sandbox until interrupted.

use crate::args::{DemoArgs, SimArgs};
use crate::commands::io;
use crate::commands::track::{Bars, Ending, Outcome, run};
use crate::exit::{CliError, Exit};
use crate::output::{OperationJson, write_json, write_table};
use crate::progress::Progress;
use regops_core::{
    Backend, CancelKind, CancelRequest, CertificateOrder, DcvMethod, Execution, Operation,
    OperationId, Tracker, TrackerOptions,
};
use regops_rest::AutoDnsBackend;
use regops_route53::Route53Backend;
use regops_route53::generated::{ContactDetail, RegisterDomainRequest};
use regops_sim::{Sim, SimConfig};
use regops_soap::NetimBackend;
use regops_xmlrpc::GandiBackend;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the demo lets its operations run before giving up (they take about 10 s).
const DEMO_DEADLINE: Duration = Duration::from_secs(50);

fn sim_config(seed: u64, speed: f64) -> SimConfig {
    SimConfig::default().seed(seed).speed(speed)
}

/// One operation the demo shows.
struct Tracked {
    account: &'static str,
    id: OperationId,
    /// Waiting for a date weeks away (a cancelation at expiry): shown, not followed.
    scheduled: Option<Operation>,
    started: Instant,
}

/// The backends of the demo's four accounts, all at the sandbox.
pub(crate) struct Accounts {
    pub gandi: Arc<GandiBackend>,
    pub netim: Arc<NetimBackend>,
    pub route53: Arc<Route53Backend>,
    pub autodns: Arc<AutoDnsBackend>,
}

/// One backend per provider on the sandbox.
pub(crate) fn accounts(sim: &Sim) -> Result<Accounts, CliError> {
    let built = |what: &str, e: regops_core::Error| CliError::api(format!("{what}: {e}"));
    let gandi = sim.gandi_client().build().map_err(|e| built("gandi", e))?;
    let netim = sim.netim_client().build().map_err(|e| built("netim", e))?;
    let route53 = sim
        .route53_client()
        .build()
        .map_err(|e| built("route53", e))?;
    let autodns = sim
        .autodns_client(false)
        .build()
        .map_err(|e| built("autodns", e))?;
    Ok(Accounts {
        gandi: Arc::new(GandiBackend::new(gandi)),
        netim: Arc::new(NetimBackend::new(netim)),
        route53: Arc::new(Route53Backend::new(route53)),
        autodns: Arc::new(AutoDnsBackend::new(autodns)),
    })
}

/// A contact for the demo's registrations.
fn contact() -> ContactDetail {
    let text = |s: &str| Some(s.to_owned());
    ContactDetail {
        first_name: text("Demo"),
        last_name: text("Reseller"),
        contact_type: text("COMPANY"),
        organization_name: text("Shop Demo SARL"),
        address_line1: text("1 rue de la Paix"),
        city: text("Paris"),
        country_code: text("FR"),
        zip_code: text("75002"),
        phone_number: text("+33.100000000"),
        email: text("hostmaster@shop-demo.example"),
        ..ContactDetail::default()
    }
}

/// A followed operation of `account`, from now.
fn track(account: &'static str, id: OperationId) -> Tracked {
    Tracked {
        account,
        id,
        scheduled: None,
        started: Instant::now(),
    }
}

/// The error of a demo step that failed.
fn failed(account: &str, what: &str, e: regops_core::Error) -> CliError {
    CliError::api(format!("{account}: {what}: {e}"))
}

/// Submits the demo's work on the four accounts; answers what to show.
async fn submit(sim: &Sim, a: &Accounts) -> Result<Vec<Tracked>, CliError> {
    let mut tracked = submit_gandi(sim, a).await?;
    tracked.extend(submit_netim(sim, a).await?);
    tracked.extend(submit_route53(a).await?);
    tracked.extend(submit_autodns(a).await?);
    Ok(tracked)
}

/// Gandi: certificate orders through the API, domain work the platform submitted there, one
/// of it withdrawn.
async fn submit_gandi(sim: &Sim, a: &Accounts) -> Result<Vec<Tracked>, CliError> {
    let mut tracked = Vec::new();
    let certs = a
        .gandi
        .certificate_backend()
        .expect("Gandi sells certificates");
    for (cn, package, dcv) in [
        ("www.shop-demo.example", "cert_std_1_0_0", DcvMethod::Dns),
        (
            "api.bakery-demo.example",
            "cert_pro_1_10_0",
            DcvMethod::Email,
        ),
    ] {
        let order = CertificateOrder::new(package, cn).dcv_method(dcv);
        let op = certs
            .order_certificate(&order)
            .await
            .map_err(|e| failed("gandi", &format!("ordering {cn}"), e))?;
        tracked.push(track("gandi", op.id));
    }
    for (kind, domain) in [
        ("domain_renew", "shop-demo.example"),
        ("domain_transfer_in", "garage-demo.example"),
        ("domain_create", "typo-demo.example"),
    ] {
        let id = sim.gandi().submit(kind, domain).to_string();
        tracked.push(track("gandi", OperationId::new(id)));
    }
    // Withdraw the last one: a cancelation through the API, sent once.
    let withdrawn = tracked.last().map(|t| t.id.clone()).expect("submitted");
    a.gandi
        .cancel(&withdrawn)
        .await
        .map_err(|e| failed("gandi", &format!("cancelling {withdrawn}"), e))?;

    Ok(tracked)
}

/// Netim: an SSL order through the API, registrations submitted there.
async fn submit_netim(sim: &Sim, a: &Accounts) -> Result<Vec<Tracked>, CliError> {
    let mut tracked = Vec::new();
    let order = CertificateOrder::new("SSL_RAPID", "www.boulangerie-demo.example")
        .csr("-----BEGIN CERTIFICATE REQUEST-----\nMIIBdemo\n-----END CERTIFICATE REQUEST-----");
    let op = a
        .netim
        .certificate_backend()
        .expect("Netim sells certificates")
        .order_certificate(&order)
        .await
        .map_err(|e| failed("netim", "ordering a certificate", e))?;
    tracked.push(track("netim", op.id));
    for (kind, domain) in [
        ("domainCreate", "boulangerie-demo.example"),
        ("domainTransferIn", "fleuriste-demo.example"),
    ] {
        let id = sim.netim().submit(kind, domain).to_string();
        tracked.push(track("netim", OperationId::new(id)));
    }
    // The pending list says what each works on (queryOpe does not): read it once.
    regops_core::collect_operations(&*a.netim, &regops_core::OperationFilter::new(), None)
        .await
        .map_err(|e| failed("netim", "listing pending operations", e))?;

    Ok(tracked)
}

/// Route 53: registrations and a deletion through the API (signed).
async fn submit_route53(a: &Accounts) -> Result<Vec<Tracked>, CliError> {
    let mut tracked = Vec::new();
    for domain in ["cloud-demo.example", "api-demo.example"] {
        let request =
            RegisterDomainRequest::new(domain.to_owned(), 1, contact(), contact(), contact());
        let op = a
            .route53
            .register_domain(&request)
            .await
            .map_err(|e| failed("route53", &format!("registering {domain}"), e))?;
        tracked.push(track("route53", op.id));
    }
    let delete = CancelRequest::new(CancelKind::Delete, Execution::Now);
    let op = cancel_domain(&*a.route53, "legacy-demo.example", &delete)
        .await
        .map_err(|e| failed("route53", "deleting legacy-demo.example", e))?;
    tracked.push(track("route53", op.id));

    Ok(tracked)
}

/// AutoDNS: a cancelation now (a job to follow) and one at expiry (scheduled).
async fn submit_autodns(a: &Accounts) -> Result<Vec<Tracked>, CliError> {
    let mut tracked = Vec::new();
    let delete = CancelRequest::new(CancelKind::Delete, Execution::Now);
    let op = cancel_domain(&*a.autodns, "old-shop-demo.example", &delete)
        .await
        .map_err(|e| failed("autodns", "cancelling old-shop-demo.example", e))?;
    tracked.push(track("autodns", op.id));
    let at_expiry = CancelRequest::new(CancelKind::Delete, Execution::Expire);
    let op = cancel_domain(&*a.autodns, "old-garage-demo.example", &at_expiry)
        .await
        .map_err(|e| failed("autodns", "cancelling old-garage-demo.example", e))?;
    let mut t = track("autodns", op.id.clone());
    t.scheduled = Some(op);
    tracked.push(t);
    Ok(tracked)
}

async fn cancel_domain(
    backend: &dyn Backend,
    domain: &str,
    request: &CancelRequest,
) -> regops_core::Result<Operation> {
    match backend.domain_cancel_backend() {
        Some(d) => d.cancel_domain(domain, request).await,
        None => Err(regops_core::Error::unsupported(
            "no domain cancelation call",
        )),
    }
}

/// How many status reads the sandbox served, over every protocol.
fn status_reads(sim: &Sim) -> u64 {
    [
        ("gandi", "operation.info"),
        ("gandi", "operation.list"),
        ("netim", "queryOpe"),
        ("netim", "queryOpePending"),
        ("route53", "GetOperationDetail"),
        ("route53", "ListOperations"),
        ("autodns", "GET /job/{id}"),
        ("autodns", "POST /job/_search"),
        ("autodns", "GET /domain/{name}/cancelation"),
    ]
    .iter()
    .map(|(p, m)| sim.calls(p, m))
    .sum()
}

/// How many calls that change something the sandbox received, over every protocol.
fn changes(sim: &Sim) -> u64 {
    [
        ("gandi", "operation.cancel"),
        ("gandi", "cert.create"),
        ("netim", "sslCreate"),
        ("route53", "RegisterDomain"),
        ("route53", "DeleteDomain"),
        ("autodns", "POST /domain/{name}/cancelation"),
    ]
    .iter()
    .map(|(p, m)| sim.calls(p, m))
    .sum()
}

/// What became of one followed operation: its last state, how long it took, what went wrong.
type Row<'a> = (&'a Tracked, Option<Operation>, Duration, Option<String>);

/// Runs the demo: the sandbox, the work submitted, everything followed to its end, a table.
pub async fn demo(args: DemoArgs, json: bool, out: &mut dyn Write) -> Result<Exit, CliError> {
    if args.serve {
        return crate::commands::demo_serve::demo_serve(args, out).await;
    }
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
    let accounts = accounts(&sim)?;
    let tracked = submit(&sim, &accounts).await?;
    let results = follow(&accounts, &tracked).await?;
    accounts.netim.client().close().await.ok();
    let problems: Vec<String> = results
        .iter()
        .filter_map(|(t, _, _, p)| p.as_ref().map(|p| format!("{} {}: {p}", t.account, t.id)))
        .collect();
    print_results(&results, json, out)?;
    eprintln!(
        "regops demo: {} operations on 4 accounts followed with {} status reads; {} calls that change something, each sent once",
        results.len(),
        status_reads(&sim),
        changes(&sim)
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

/// Follows every tracked operation with one tracker (batched reads per account, paced per
/// provider), a progress line each; answers what became of each.
async fn follow<'a>(accounts: &Accounts, tracked: &'a [Tracked]) -> Result<Vec<Row<'a>>, CliError> {
    let mut tracker = Tracker::new(
        TrackerOptions::new()
            .intervals(Duration::from_millis(500), Duration::from_secs(2))
            .deadline(DEMO_DEADLINE),
    );
    let shared: [(&str, Arc<dyn Backend>); 4] = [
        ("gandi", accounts.gandi.clone()),
        ("netim", accounts.netim.clone()),
        ("route53", accounts.route53.clone()),
        ("autodns", accounts.autodns.clone()),
    ];
    for (name, backend) in shared {
        tracker.add_account(name, backend);
    }
    let progress = Progress::new();
    let mut bars = Bars::new();
    for t in tracked {
        let bar = progress.add_labelled(format!("{:<8} {}", t.account, t.id));
        match &t.scheduled {
            Some(op) => bar.finish(op),
            None => tracker
                .track(t.account, t.id.clone())
                .await
                .map_err(|e| CliError::api(e.to_string()))?,
        }
        bars.insert((t.account.to_owned(), t.id.clone()), bar);
    }
    let mut outcomes = run(tracker, &bars).await;
    progress.clear();
    let results: Vec<Row<'a>> = tracked
        .iter()
        .map(|t| {
            if let Some(op) = &t.scheduled {
                return (t, Some(op.clone()), Duration::ZERO, None);
            }
            match outcomes.remove(&(t.account.to_owned(), t.id.clone())) {
                Some(Outcome { last, at, ending }) => {
                    let problem = match ending {
                        Ending::Ended => None,
                        Ending::TimedOut => Some("timed out".to_owned()),
                        Ending::GaveUp(e) => Some(e.to_string()),
                    };
                    (t, last, at.saturating_duration_since(t.started), problem)
                }
                None => (t, None, t.started.elapsed(), Some("not followed".into())),
            }
        })
        .collect();
    Ok(results)
}

/// The demo's results as a table, or as JSON operation objects.
fn print_results(results: &[Row<'_>], json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    if json {
        let ops: Vec<OperationJson> = results
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
                let took = match op.as_ref().and_then(|o| o.scheduled_at) {
                    Some(at) if t.scheduled.is_some() => format!("due {}", at.format("%Y-%m-%d")),
                    _ => format!("{:.1}s", took.as_secs_f64()),
                };
                vec![
                    t.account.to_owned(),
                    t.id.to_string(),
                    kind,
                    target,
                    status,
                    raw,
                    took,
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
    Ok(())
}

/// Runs the sandbox until interrupted.
pub async fn sim(args: SimArgs, out: &mut dyn Write) -> Result<Exit, CliError> {
    let listen = args
        .listen
        .parse()
        .map_err(|e| CliError::usage(format!("--listen {:?}: {e}", args.listen)))?;
    let mut config = sim_config(args.seed, args.speed).listen(listen);
    if let Some(every) = &args.start_every {
        let every = crate::parse::duration(every)
            .map_err(|e| CliError::usage(format!("--start-every: {e}")))?;
        config = config.start_every(every);
    }
    let sim = Sim::start(config)
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
        "  admin    {0}calls, {0}faults, {0}start",
        sim.url("admin"),
    )
    .map_err(io)?;
    writeln!(
        out,
        "\n# A configuration for it (save as regops.toml):\n{}",
        sim.config_toml()
    )
    .map_err(io)?;
    writeln!(out, "# The sandbox's secrets, for that configuration:").map_err(io)?;
    for (variable, value) in sim.secret_exports() {
        writeln!(out, "#   export {variable}={value}").map_err(io)?;
    }
    out.flush().map_err(io)?;
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::api(format!("waiting for Ctrl-C: {e}")))?;
    sim.shutdown();
    Ok(Exit::Success)
}
