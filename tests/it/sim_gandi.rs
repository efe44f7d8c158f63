//! regops-xmlrpc through the sandbox, with injected faults: reads are retried and honour
//! Retry-After; calls that change something are never sent twice.

use regops_core::{
    Backend, CertificateOrder, ErrorKind, OperationId, OperationStatus, RetryPolicy, Secret,
};
use regops_sim::{Fault, FaultRule, Sim, SimConfig};
use regops_xmlrpc::{GandiBackend, GandiClient};
use std::time::Duration;

async fn setup() -> (Sim, GandiBackend) {
    let sim = Sim::start(SimConfig::default().speed(50.0)).await.unwrap();
    let client = sim
        .gandi_client()
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    (sim, GandiBackend::new(client))
}

fn submit(sim: &Sim) -> OperationId {
    OperationId::new(
        sim.gandi()
            .submit("domain_create", "fault-test.example")
            .to_string(),
    )
}

#[tokio::test]
async fn reads_are_retried_through_rate_limits_and_server_errors() {
    let (sim, b) = setup().await;
    let id = submit(&sim);
    sim.inject(
        FaultRule::new(
            "gandi",
            Fault::RateLimit {
                retry_after_secs: 1,
            },
        )
        .method("operation.info"),
    );
    let started = std::time::Instant::now();
    let op = b.operation(&id).await.unwrap();
    assert_eq!(op.id, id);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
    assert_eq!(sim.calls("gandi", "operation.info"), 2);

    sim.inject(
        FaultRule::new("gandi", Fault::ServerError { status: 502 })
            .method("operation.list")
            .times(2),
    );
    let got = b.refresh(std::slice::from_ref(&id)).await.unwrap();
    assert!(got[0].is_ok());
    assert_eq!(sim.calls("gandi", "operation.list"), 3);

    // Too many failures in a row: the error comes back, marked as a server error.
    sim.inject(FaultRule::new("gandi", Fault::ServerError { status: 500 }).times(10));
    let e = b.operation(&id).await.unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    assert_eq!(e.http_status(), Some(500));
    sim.clear_faults();
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_not_resent() {
    let (sim, b) = setup().await;
    let certs = b.certificate_backend().unwrap();
    sim.inject(FaultRule::new("gandi", Fault::Drop).method("cert.create"));
    let e = certs
        .order_certificate(&CertificateOrder::new("cert_std_1_0_0", "lost.example"))
        .await
        .unwrap_err();
    assert!(e.is_transport() && e.may_have_reached_server(), "{e:?}");
    assert!(!e.is_safe_to_retry(false));
    assert_eq!(sim.calls("gandi", "cert.create"), 1, "sent exactly once");
    // The order did happen: the caller finds it instead of ordering again.
    let count = b.client().cert_count(&Default::default()).await.unwrap();
    assert_eq!(count, 1);

    // A rate-limited cancel is reported, not resent.
    let id = submit(&sim);
    sim.inject(
        FaultRule::new(
            "gandi",
            Fault::RateLimit {
                retry_after_secs: 0,
            },
        )
        .method("operation.cancel"),
    );
    let e = b.cancel(&id).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }), "{e:?}");
    assert_eq!(sim.calls("gandi", "operation.cancel"), 1);
    b.cancel(&id).await.unwrap();
    assert_eq!(
        b.operation(&id).await.unwrap().status,
        OperationStatus::Cancelled
    );
}

#[tokio::test]
async fn broken_answers_are_protocol_errors_with_an_excerpt() {
    let (sim, b) = setup().await;
    let id = submit(&sim);
    for fault in [Fault::Truncate, Fault::Malformed] {
        sim.inject(FaultRule::new("gandi", fault.clone()).method("operation.info"));
        let e = b.operation(&id).await.unwrap_err();
        assert!(e.is_protocol(), "{fault:?}: {e:?}");
        let excerpt = e.excerpt().unwrap_or_default();
        assert!(!excerpt.is_empty() && excerpt.len() <= 1024, "{excerpt}");
        assert!(!format!("{e:?}").contains(sim.gandi_api_key()));
    }
    // The sandbox's key never shows in errors either way.
    let wrong = GandiClient::builder(Secret::new("not-the-key-0123456789ab"))
        .endpoint(sim.url("gandi"))
        .build()
        .unwrap();
    let e = GandiBackend::new(wrong).operation(&id).await.unwrap_err();
    assert!(e.is_auth());
    assert!(!format!("{e} {e:?}").contains("not-the-key"));
}

#[tokio::test]
async fn operations_move_through_the_real_steps() {
    let (sim, b) = setup().await;
    let id = submit(&sim);
    let first = b.operation(&id).await.unwrap();
    assert_eq!(first.raw_status, "BILL");
    let done = regops_core::wait(
        &b,
        id.clone(),
        regops_core::WaitOptions::new()
            .timeout(Duration::from_secs(20))
            .intervals(Duration::from_millis(100), Duration::from_millis(300)),
    );
    let events: Vec<_> = futures::StreamExt::collect::<Vec<_>>(done).await;
    let words: Vec<String> = events
        .into_iter()
        .filter_map(|e| match e {
            Ok(regops_core::WaitEvent::Changed(op)) => Some(op.raw_status),
            _ => None,
        })
        .collect();
    assert!(words.contains(&"RUN".to_owned()), "{words:?}");
    assert!(
        matches!(words.last().map(String::as_str), Some("DONE" | "ERROR")),
        "{words:?}"
    );
}
