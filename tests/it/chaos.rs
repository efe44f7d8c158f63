//! 1,000 operations over the four protocols, submitted and followed while about 10 % of the
//! sandbox's answers fail (server errors, dropped connections, timeouts, truncated and malformed
//! bodies, rate limiting): the tracker reaches every true final state, and the sandbox's counters
//! show that no call that creates something was sent twice.

use futures::StreamExt;
use regops_core::{
    Backend, CancelKind, CancelRequest, CertificateOrder, Execution, Journal, MemoryJournal,
    Operation, OperationId, RetryPolicy, Tracker, TrackerEvent, TrackerOptions,
};
use regops_rest::AutoDnsBackend;
use regops_route53::Route53Backend;
use regops_route53::generated::{ContactDetail, RegisterDomainRequest};
use regops_sim::{Fault, FaultRule, Sim, SimConfig};
use regops_soap::NetimBackend;
use regops_xmlrpc::GandiBackend;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const PER_PROTOCOL: usize = 250;

fn retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(6)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(100))
}

/// About 10 % of every protocol's answers spoiled, each kind about as often.
fn chaos(sim: &Sim) {
    let faults = [
        Fault::ServerError { status: 503 },
        Fault::Drop,
        Fault::Latency { ms: 1_500 },
        Fault::Truncate,
        Fault::Malformed,
        Fault::RateLimit {
            retry_after_secs: 0,
        },
    ];
    for protocol in ["gandi", "netim", "route53", "autodns"] {
        for fault in &faults {
            // Six rules of 2 % each (drawn one after the other): about 10 % of the calls.
            sim.inject(FaultRule::new(protocol, fault.clone()).randomly(2));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tracker_reaches_every_true_final_state_through_chaos() {
    let sim = Sim::start(SimConfig::default().speed(100.0).seed(11))
        .await
        .unwrap();
    let timeout = Duration::from_millis(700);
    let gandi = Arc::new(GandiBackend::new(
        sim.gandi_client()
            .retry(retry())
            .timeout(timeout)
            .build()
            .unwrap(),
    ));
    let netim = Arc::new(NetimBackend::new(
        sim.netim_client()
            .retry(retry())
            .timeout(timeout)
            .build()
            .unwrap(),
    ));
    let route53 = Arc::new(Route53Backend::new(
        sim.route53_client()
            .retry(retry())
            .timeout(timeout)
            .no_rate_limit()
            .build()
            .unwrap(),
    ));
    let autodns = Arc::new(AutoDnsBackend::new(
        sim.autodns_client(false)
            .retry(retry())
            .timeout(timeout)
            .no_rate_limit()
            .build()
            .unwrap(),
    ));
    chaos(&sim);

    // Submit through the APIs, each create sent once whatever happens to its answer.
    let mut attempts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut known: Vec<(&str, OperationId)> = Vec::new();
    let contact = ContactDetail {
        email: Some("chaos@example.com".into()),
        ..ContactDetail::default()
    };
    let delete_now = CancelRequest::new(CancelKind::Delete, Execution::Now);
    for i in 0..PER_PROTOCOL {
        let order = CertificateOrder::new("cert_std_1_0_0", format!("www.c{i}.example"));
        *attempts.entry("gandi").or_default() += 1;
        if let Ok(op) = gandi
            .certificate_backend()
            .unwrap()
            .order_certificate(&order)
            .await
        {
            known.push(("gandi", op.id));
        }
        let order = CertificateOrder::new("SSL_RAPID", format!("www.c{i}.example")).csr("PEM");
        *attempts.entry("netim").or_default() += 1;
        if let Ok(op) = netim
            .certificate_backend()
            .unwrap()
            .order_certificate(&order)
            .await
        {
            known.push(("netim", op.id));
        }
        let r = RegisterDomainRequest::new(
            format!("c{i}.example"),
            1,
            contact.clone(),
            contact.clone(),
            contact.clone(),
        );
        *attempts.entry("route53").or_default() += 1;
        if let Ok(op) = route53.client().register_domain(&r).await {
            known.push(("route53", op.id));
        }
        *attempts.entry("autodns").or_default() += 1;
        if let Ok(op) = autodns
            .domain_cancel_backend()
            .unwrap()
            .cancel_domain(&format!("c{i}.example"), &delete_now)
            .await
        {
            known.push(("autodns", op.id));
        }
    }
    // Most creates got their answer; the others may or may not have been carried out.
    assert!(known.len() >= 850, "only {} of 1000 answered", known.len());
    assert!(
        known.len() < 1000,
        "the chaos was in force: some answers were lost"
    );

    // Follow everything known, through the same chaos.
    let journal = Arc::new(MemoryJournal::new());
    let mut tracker = Tracker::new(
        TrackerOptions::new()
            .intervals(Duration::from_millis(100), Duration::from_secs(1))
            .max_consecutive_errors(30)
            .deadline(Duration::from_secs(120)),
    )
    .with_journal(journal.clone());
    let shared: [(&str, Arc<dyn Backend>); 4] = [
        ("gandi", gandi.clone()),
        ("netim", netim.clone()),
        ("route53", route53.clone()),
        ("autodns", autodns.clone()),
    ];
    for (name, b) in shared {
        tracker.add_account_with_rate(name, b, None);
    }
    for (account, id) in &known {
        tracker.track(account, id.clone()).await.unwrap();
    }
    let mut finals: BTreeMap<(String, OperationId), Operation> = BTreeMap::new();
    let mut events = tracker.run();
    while let Some(event) = events.next().await {
        match event {
            TrackerEvent::Finished { account, operation } => {
                finals.insert((account, operation.id.clone()), operation);
            }
            TrackerEvent::GaveUp { account, id, error } => {
                panic!("gave up {account} {id}: {error}")
            }
            TrackerEvent::TimedOut { account, id, last } => {
                panic!("timed out {account} {id}: {last:?}")
            }
            _ => {}
        }
    }
    assert_eq!(finals.len(), known.len(), "every known operation ended");
    // The clients retried the reads that failed (the tracker saw them through); about one
    // answer in ten was spoiled.
    let applied = sim.faults_applied();
    let received: u64 = ["gandi", "netim", "route53", "autodns"]
        .iter()
        .map(|p| sim.total_calls(p))
        .sum();
    assert!(
        applied * 100 >= received * 7 && applied * 100 <= received * 13,
        "{applied} faults in {received} calls"
    );

    // The truth, read again without faults, is what the tracker reported.
    sim.clear_faults();
    let by_name = |name: &str| -> Arc<dyn Backend> {
        match name {
            "gandi" => gandi.clone(),
            "netim" => netim.clone(),
            "route53" => route53.clone(),
            _ => autodns.clone(),
        }
    };
    for ((account, id), op) in &finals {
        let truth = by_name(account).operation(id).await.unwrap();
        assert_eq!(truth.status, op.status, "{account} {id}");
        assert_eq!(truth.raw_status, op.raw_status, "{account} {id}");
        let history = journal.history(account, id).await.unwrap();
        assert!(
            history.last().unwrap().operation.is_terminal(),
            "{account} {id}"
        );
    }

    // No create was sent twice: the sandbox received exactly one per attempt.
    for (protocol, method) in [
        ("gandi", "cert.create"),
        ("netim", "sslCreate"),
        ("route53", "RegisterDomain"),
        ("autodns", "POST /domain/{name}/cancelation"),
    ] {
        assert_eq!(
            sim.calls(protocol, method),
            attempts[protocol],
            "{protocol} {method}"
        );
    }
}
