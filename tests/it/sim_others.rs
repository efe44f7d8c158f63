//! regops-soap, regops-route53 and regops-rest through the sandbox, each with injected faults:
//! operations move through their provider's states, reads are retried, calls that change
//! something are sent once, and the sandbox checks each protocol's authentication.

use regops_core::{
    Backend, CancelKind, CancelRequest, CertificateOrder, ErrorKind, Execution, OperationFilter,
    OperationId, OperationStatus, Secret,
};
use regops_rest::{AutoDnsBackend, AutoDnsClient};
use regops_route53::generated::{ContactDetail, RegisterDomainRequest};
use regops_route53::{Credentials, Route53Backend, Route53Client};
use regops_sim::{Fault, FaultRule, Sim, SimConfig};
use regops_soap::NetimBackend;
use regops_tests::fast_retry;
use std::time::Duration;

async fn sim() -> Sim {
    Sim::start(SimConfig::default().speed(50.0)).await.unwrap()
}

/// Follows every id to its end; each ends succeeded or failed.
async fn all_end(b: &dyn Backend, ids: &[OperationId]) {
    for id in ids {
        let op = until_terminal(b, id).await;
        assert!(
            matches!(
                op.status,
                OperationStatus::Succeeded | OperationStatus::Failed
            ),
            "{op:?}"
        );
    }
}

/// Reads `id` until it ends (or 200 reads).
async fn until_terminal(b: &dyn Backend, id: &OperationId) -> regops_core::Operation {
    let mut last = None;
    for _ in 0..200 {
        let op = b.operation(id).await.unwrap();
        if op.is_terminal() {
            return op;
        }
        last = Some(op);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never ended: {last:?}")
}

fn netim(sim: &Sim) -> NetimBackend {
    NetimBackend::new(sim.netim_client().retry(fast_retry()).build().unwrap())
}

fn route53(sim: &Sim, secret: &str) -> Route53Backend {
    let (id, _) = sim.config().route53_keys.clone();
    Route53Backend::new(
        Route53Client::builder(Credentials::new(Secret::new(id), Secret::new(secret)))
            .endpoint(sim.url("route53"))
            .retry(fast_retry())
            .no_rate_limit()
            .build()
            .unwrap(),
    )
}

fn autodns(sim: &Sim, password: &str) -> AutoDnsBackend {
    let (user, _) = sim.config().autodns_login.clone();
    AutoDnsBackend::new(
        AutoDnsClient::builder(user, Secret::new(password))
            .endpoint(sim.url("autodns"))
            .retry(fast_retry())
            .no_rate_limit()
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn netim_through_the_sandbox() {
    // Slower than the others: Netim's operations end within seconds of sandbox time, and the
    // listing below must find them still pending.
    let sim = Sim::start(SimConfig::default().speed(5.0)).await.unwrap();
    let b = netim(&sim);
    let ids: Vec<OperationId> = ["domainCreate", "domainRenew", "domainTransferIn"]
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            OperationId::new(
                sim.netim()
                    .submit(kind, &format!("n{i}.example"))
                    .to_string(),
            )
        })
        .collect();
    let listed = regops_core::collect_operations(&b, &OperationFilter::new(), None)
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|o| o.status == OperationStatus::Pending));

    // A refresh is one queryOpePending, and a queryOpe only for what left the pending list
    // (on a slow machine, an operation may have ended already).
    let before = sim.calls("netim", "queryOpe");
    let out = b.refresh(&ids).await.unwrap();
    let ended = out
        .iter()
        .filter(|r| r.as_ref().unwrap().status != OperationStatus::Pending)
        .count() as u64;
    assert_eq!(sim.calls("netim", "queryOpe") - before, ended);
    assert_eq!(sim.calls("netim", "queryOpePending"), 2);

    // The session expires: reads go on in a new one.
    sim.netim().expire_sessions();
    all_end(&b, &ids).await;
    assert_eq!(sim.calls("netim", "sessionOpen"), 2);

    // An SSL order whose answer is lost on the way back is not sent again.
    sim.inject(FaultRule::new("netim", Fault::Drop).method("sslCreate"));
    let order = CertificateOrder::new("SSL_RAPID", "www.n.example").csr("PEM");
    let err = b
        .certificate_backend()
        .unwrap()
        .order_certificate(&order)
        .await
        .unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert_eq!(sim.calls("netim", "sslCreate"), 1);

    // Reads go through server errors and rate limiting.
    sim.inject(FaultRule::new("netim", Fault::ServerError { status: 502 }).method("queryOpe"));
    sim.inject(
        FaultRule::new(
            "netim",
            Fault::RateLimit {
                retry_after_secs: 0,
            },
        )
        .method("queryOpe"),
    );
    b.operation(&ids[0]).await.unwrap();
    // A cancel of an operation that has ended is refused with Netim's code.
    let err = b.cancel(&ids[0]).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("E05"));
    // The WSDL is served.
    let wsdl = reqwest::get(format!("{}api.wsdl", sim.url("netim")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(wsdl.contains("urn:DRS") && wsdl.contains("queryOpePending"));
}

fn contact() -> ContactDetail {
    ContactDetail {
        email: Some("a@example.com".into()),
        ..ContactDetail::default()
    }
}

#[tokio::test]
async fn route53_through_the_sandbox() {
    let sim = sim().await;
    let secret = sim.config().route53_keys.1.clone();
    let b = route53(&sim, &secret);
    let mut ids = Vec::new();
    for i in 0..5 {
        let request =
            RegisterDomainRequest::new(format!("r{i}.example"), 1, contact(), contact(), contact());
        let op = b.register_domain(&request).await.unwrap();
        assert_eq!(op.kind.as_deref(), Some("REGISTER_DOMAIN"));
        ids.push(op.id);
    }
    // The same registration while the first is under way is a duplicate.
    let again = RegisterDomainRequest::new("r0.example".into(), 1, contact(), contact(), contact());
    let err = b.client().register_domain(&again).await.unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Duplicate, "{err}");

    // A refresh of many reads ListOperations pages, not one GetOperationDetail each.
    let reads = sim.calls("route53", "GetOperationDetail");
    let out = b.refresh(&ids).await.unwrap();
    assert!(out.iter().all(Result::is_ok));
    assert_eq!(sim.calls("route53", "GetOperationDetail"), reads);
    assert_eq!(sim.calls("route53", "ListOperations"), 1);

    // Throttling (as AWS signals it) and a server error are retried for reads.
    sim.inject(
        FaultRule::new(
            "route53",
            Fault::RateLimit {
                retry_after_secs: 0,
            },
        )
        .method("GetOperationDetail"),
    );
    sim.inject(
        FaultRule::new("route53", Fault::ServerError { status: 503 }).method("GetOperationDetail"),
    );
    all_end(&b, &ids).await;
    // A deletion whose answer is lost is not sent again: it is looked up, and found.
    sim.inject(FaultRule::new("route53", Fault::Drop).method("DeleteDomain"));
    let op = b
        .domain_cancel_backend()
        .unwrap()
        .cancel_domain(
            "r1.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap();
    assert_eq!(op.kind.as_deref(), Some("DELETE_DOMAIN"));
    assert_eq!(op.target.as_deref(), Some("r1.example"));
    assert_eq!(sim.calls("route53", "DeleteDomain"), 1);

    // The sandbox checks signatures: a wrong secret is refused.
    let wrong = route53(&sim, "not-the-secret");
    let err = wrong.operation(&ids[0]).await.unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.provider_code(), Some("InvalidSignatureException"));
}

#[tokio::test]
async fn autodns_through_the_sandbox() {
    let sim = sim().await;
    let password = sim.config().autodns_login.1.clone();
    let b = autodns(&sim, &password);
    let cancel = b.domain_cancel_backend().unwrap();
    let now = CancelRequest::new(CancelKind::Delete, Execution::Now);
    let mut jobs = Vec::new();
    for d in ["a1.example", "a2.example", "a3.example"] {
        let op = cancel.cancel_domain(d, &now).await.unwrap();
        assert!(regops_rest::convert::is_job_id(op.id.as_str()), "{op:?}");
        assert_eq!(op.status, OperationStatus::InProgress);
        assert_eq!(op.raw_status, "N0103101");
        jobs.push(op.id);
    }
    let later = cancel
        .cancel_domain(
            "a4.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Expire),
        )
        .await
        .unwrap();
    assert_eq!(later.id.as_str(), "a4.example");
    assert_eq!(later.status, OperationStatus::Pending);
    assert!(later.scheduled_at.is_some());

    // A refresh reads the jobs in one search.
    let out = b.refresh(&jobs).await.unwrap();
    assert!(out.iter().all(Result::is_ok));
    assert_eq!(sim.calls("autodns", "POST /job/_search"), 1);
    assert_eq!(sim.calls("autodns", "GET /job/{id}"), 0);

    sim.inject(
        FaultRule::new(
            "autodns",
            Fault::RateLimit {
                retry_after_secs: 0,
            },
        )
        .method("GET /job/{id}"),
    );
    all_end(&b, &jobs).await;
    // A second cancelation of a waiting domain is refused with AutoDNS's codes.
    let err = cancel
        .cancel_domain(
            "a4.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Expire),
        )
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert!(err.message().contains("EF0103101"), "{err}");
    // Withdrawing it: ops cancel on the domain deletes the cancelation.
    b.cancel(&OperationId::new("a4.example")).await.unwrap();
    let withdrawn = b.operation(&OperationId::new("a4.example")).await.unwrap();
    assert_eq!(withdrawn.status, OperationStatus::Cancelled);
    // Another client, which did not withdraw it, finds nothing there.
    let err = autodns(&sim, &password)
        .operation(&OperationId::new("a4.example"))
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::NotFound);

    // A create whose answer is malformed is a protocol error, and is not sent again.
    sim.inject(
        FaultRule::new("autodns", Fault::Malformed).method("POST /domain/{name}/cancelation"),
    );
    let err = cancel.cancel_domain("a5.example", &now).await.unwrap_err();
    assert!(err.is_protocol(), "{err}");
    assert_eq!(sim.calls("autodns", "POST /domain/{name}/cancelation"), 6);

    // Basic auth is checked.
    let err = autodns(&sim, "wrong")
        .operation(&jobs[0])
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Auth, "{err}");
}

#[tokio::test]
async fn the_autodns_gateway_through_the_sandbox() {
    let sim = sim().await;
    let b = AutoDnsBackend::new(
        sim.autodns_client(true)
            .retry(fast_retry())
            .no_rate_limit()
            .build()
            .unwrap(),
    );
    assert_eq!(b.client().protocol(), regops_rest::Protocol::Gateway);
    let cancel = b.domain_cancel_backend().unwrap();
    let now = cancel
        .cancel_domain(
            "g1.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap();
    assert!(regops_rest::convert::is_job_id(now.id.as_str()), "{now:?}");
    assert_eq!(now.status, OperationStatus::InProgress);
    assert_eq!(now.raw_status, "N0103101");

    let later = cancel
        .cancel_domain(
            "g2.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Expire).disconnect(true),
        )
        .await
        .unwrap();
    assert_eq!(later.id.as_str(), "g2.example");
    assert_eq!(later.status, OperationStatus::Pending);
    let read = b.operation(&later.id).await.unwrap();
    assert_eq!(
        read.scheduled_at, later.scheduled_at,
        "local times read back in the same zone"
    );
    assert_eq!(read.raw_status, "S0103104");
    assert_eq!(sim.calls("autodns-gateway", "0103104"), 1);

    // A second cancelation is refused with its codes; a delete withdraws it.
    let err = cancel
        .cancel_domain(
            "g2.example",
            &CancelRequest::new(CancelKind::Delete, Execution::Expire),
        )
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert!(err.message().contains("EF0103101"), "{err}");
    b.cancel(&OperationId::new("g2.example")).await.unwrap();
    assert_eq!(
        b.operation(&OperationId::new("g2.example"))
            .await
            .unwrap()
            .status,
        OperationStatus::Cancelled
    );

    // Server errors on a read are retried; listing is a JSON API call and says so.
    sim.inject(
        FaultRule::new("autodns-gateway", Fault::ServerError { status: 502 }).method("0103104"),
    );
    let err = b
        .operation(&OperationId::new("g3.example"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(sim.calls("autodns-gateway", "0103104"), 4);
    let err = regops_core::collect_operations(&b, &OperationFilter::new(), None)
        .await
        .unwrap_err();
    assert!(err.is_unsupported());
}
