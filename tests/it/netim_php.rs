//! regops-soap against PHP's own SoapServer (non-WSDL mode, uri `urn:DRS`) playing Netim: typed
//! answers the way PHP encodes them, sessions that expire in the middle of a run, both modes.

use chrono::{TimeZone, Utc};
use regops_core::{
    Backend, CertificateId, CertificateOrder, CertificateStatus, ErrorKind, Idempotency,
    OperationFilter, OperationId, OperationStatus, Secret,
};
use regops_soap::encoding::SoapValue;
use regops_soap::{NetimBackend, NetimClient};
use regops_tests::{PeerServer, Scratch, fast_retry, netim_peer};

const RESELLER: &str = "RESELLER1";
const PASSWORD: &str = "peer-password";

fn client(server: &PeerServer, synchronous: bool) -> NetimClient {
    NetimClient::builder(RESELLER, Secret::new(PASSWORD))
        .endpoint(server.url())
        .synchronous(synchronous)
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The calls the peer received so far, by name.
async fn calls(c: &NetimClient) -> Vec<String> {
    match c
        .call("_testCalls", vec![], Idempotency::Idempotent)
        .await
        .unwrap()
    {
        SoapValue::Array(items) => items
            .into_iter()
            .map(|v| match v {
                SoapValue::String(s) => s,
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

async fn expire_sessions(c: &NetimClient) {
    c.call("_testExpireSessions", vec![], Idempotency::Idempotent)
        .await
        .unwrap();
}

fn count(calls: &[String], name: &str) -> usize {
    calls.iter().filter(|c| *c == name).count()
}

#[tokio::test]
async fn operations_sessions_and_refresh_against_php_soapserver() {
    const TEST: &str = "operations_sessions_and_refresh_against_php_soapserver";
    let scratch = Scratch::new(TEST);
    let Some(server) = netim_peer(TEST, &scratch.path().join("state.json")) else {
        return;
    };
    let b = NetimBackend::new(client(&server, true));

    let failed = b.operation(&OperationId::new("1002")).await.unwrap();
    assert_eq!(failed.provider, "netim");
    assert_eq!(failed.status, OperationStatus::Failed);
    assert_eq!(failed.raw_status, "Failed");
    assert_eq!(failed.kind.as_deref(), Some("domainCreate"));
    assert_eq!(failed.message.as_deref(), Some("Province :\nInvalid value"));
    assert_eq!(
        failed.error.unwrap().message.as_deref(),
        Some("Province :\nInvalid value")
    );
    // 01:30 in Paris on the morning of the spring change is still UTC+1.
    assert_eq!(
        failed.submitted_at,
        Some(Utc.with_ymd_and_hms(2024, 3, 31, 0, 30, 0).unwrap())
    );
    for (id, want) in [
        ("1001", OperationStatus::Succeeded),
        ("1003", OperationStatus::Cancelled),
        ("1004", OperationStatus::Pending),
    ] {
        assert_eq!(
            b.operation(&OperationId::new(id)).await.unwrap().status,
            want
        );
    }

    // Listing is queryOpePending.
    let listed = regops_core::collect_operations(&b, &OperationFilter::new(), None)
        .await
        .unwrap();
    let mut ids: Vec<&str> = listed.iter().map(|o| o.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["1004", "1005", "1006"]);
    assert!(listed.iter().all(|o| o.status == OperationStatus::Pending));
    assert!(
        listed
            .iter()
            .any(|o| o.target.as_deref() == Some("example4.com"))
    );

    // A refresh reads the pending list once, and queryOpe only for what left it.
    let before = calls(b.client()).await;
    let ids: Vec<OperationId> = ["1001", "1004", "1005", "1006", "1002"]
        .into_iter()
        .map(OperationId::new)
        .collect();
    let out = b.refresh(&ids).await.unwrap();
    let statuses: Vec<OperationStatus> = out.into_iter().map(|r| r.unwrap().status).collect();
    assert_eq!(
        statuses,
        [
            OperationStatus::Succeeded,
            OperationStatus::Pending,
            OperationStatus::Pending,
            OperationStatus::Pending,
            OperationStatus::Failed
        ]
    );
    let after = calls(b.client()).await;
    let new: Vec<String> = after[before.len()..].to_vec();
    assert_eq!(count(&new, "queryOpePending"), 1, "{new:?}");
    assert_eq!(count(&new, "queryOpe"), 2, "{new:?}");

    // The session expires in the middle of the run: a read opens a new one and goes on.
    expire_sessions(b.client()).await;
    let op = b.operation(&OperationId::new("1001")).await.unwrap();
    assert_eq!(op.status, OperationStatus::Succeeded);
    // A cancel is not sent again: the error says nothing was done; the next call works.
    expire_sessions(b.client()).await;
    let err = b.cancel(&OperationId::new("1006")).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("E02"), "{err}");
    assert!(err.message().contains("nothing was done"), "{err}");
    b.cancel(&OperationId::new("1006")).await.unwrap();
    assert_eq!(
        b.operation(&OperationId::new("1006")).await.unwrap().status,
        OperationStatus::Cancelled
    );
    let all = calls(b.client()).await;
    assert_eq!(count(&all, "sessionOpen"), 3, "{all:?}");
    // The faulted cancel was sent once and not again by the client; the second is the caller's
    // (it succeeded, so the first had changed nothing: the peer refuses to cancel twice).
    assert_eq!(count(&all, "cancelOpe"), 2, "{all:?}");

    // Followed with queryOpe until done (the peer finishes a pending operation on its third read).
    let mut seen = Vec::new();
    for _ in 0..5 {
        let op = b.operation(&OperationId::new("1005")).await.unwrap();
        seen.push(op.status.clone());
        if op.is_terminal() {
            break;
        }
    }
    assert_eq!(seen.last(), Some(&OperationStatus::Succeeded), "{seen:?}");

    // Errors keep the fault's code; the password and the session id never show.
    let err = b.operation(&OperationId::new("9")).await.unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::NotFound);
    assert_eq!(err.provider_code(), Some("E04"));
    let info = b.client().session_info().await.unwrap();
    let session = info.idsession.clone().unwrap();
    assert_eq!(info.sync.map(|f| f.0), Some(true));
    assert_eq!(info.lang.as_deref(), Some("EN"));
    for shown in [err.to_string(), format!("{err:?}"), format!("{b:?}")] {
        assert!(
            !shown.contains(PASSWORD) && !shown.contains(&session),
            "{shown}"
        );
    }
    let ops = b.client().query_ope_list("com").await.unwrap();
    assert_eq!(ops.get("domainCreate"), Some(&true));
    assert_eq!(ops.get("domainDelete"), Some(&false));

    // The 2.0 additions come back as the values PHP wrote (arrays of maps, a map).
    let prices = b.client().domain_price_list().await.unwrap().into_json();
    assert_eq!(prices[0]["EXTENSION"], "com");
    assert_eq!(prices[1]["PRICE_RENEW"], 7.0);
    let hosts = b.client().query_host_list().await.unwrap().into_json();
    assert_eq!(hosts[0]["IPV4"], serde_json::json!(["192.0.2.1"]));
    let account = b
        .client()
        .query_reseller_account()
        .await
        .unwrap()
        .into_json();
    assert_eq!(account["BALANCE"], 1250.75);
    assert_eq!(account["AUTO_RENEW"], true);

    b.client().close().await.unwrap();
    assert_eq!(count(&calls(b.client()).await, "sessionClose"), 1);
}

#[tokio::test]
async fn certificates_in_both_modes() {
    const TEST: &str = "certificates_in_both_modes";
    let scratch = Scratch::new(TEST);
    let Some(server) = netim_peer(TEST, &scratch.path().join("state.json")) else {
        return;
    };
    let sync = NetimBackend::new(client(&server, true));
    let certs = sync.certificate_backend().unwrap();
    let mut order = CertificateOrder::new("SSL_RAPID", "www.example.com");
    order =
        order.csr("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----");
    let op = certs.order_certificate(&order).await.unwrap();
    assert_eq!(
        op.status,
        OperationStatus::Succeeded,
        "synchronous: done at once"
    );
    assert_eq!(op.kind.as_deref(), Some("sslCreate"));
    let cert = certs.certificate(&CertificateId::new("501")).await.unwrap();
    assert_eq!(cert.cn.as_deref(), Some("www.example.com"));
    assert_eq!(cert.package.as_deref(), Some("SSL_RAPID"));
    assert_eq!(cert.status, CertificateStatus::Pending);
    assert!(cert.created_at.is_some());

    // A CSR is required, and checked before anything is sent.
    let err = certs
        .order_certificate(&CertificateOrder::new("SSL_RAPID", "x.example.com"))
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::InvalidInput);

    // Asynchronous mode: the order answers Pending and is followed with queryOpe.
    let asynchronous = NetimBackend::new(client(&server, false));
    let op = asynchronous
        .certificate_backend()
        .unwrap()
        .order_certificate(&order)
        .await
        .unwrap();
    assert_eq!(op.status, OperationStatus::Pending);
    let mut last = op.status.clone();
    for _ in 0..5 {
        last = asynchronous.operation(&op.id).await.unwrap().status;
        if last.is_terminal() {
            break;
        }
    }
    assert_eq!(last, OperationStatus::Succeeded);
    let all = calls(asynchronous.client()).await;
    assert!(count(&all, "sessionSetPreference") >= 1, "{all:?}");

    // Dropping the last clone of a client closes its session in the background.
    let closes = count(&calls(sync.client()).await, "sessionClose");
    drop(asynchronous);
    let mut closed = closes;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        closed = count(&calls(sync.client()).await, "sessionClose");
        if closed > closes {
            break;
        }
    }
    assert_eq!(closed, closes + 1, "the dropped client closed its session");

    // Bad credentials: an authentication error with the fault's code.
    let wrong = NetimClient::builder(RESELLER, Secret::new("not-the-password"))
        .endpoint(server.url())
        .build()
        .unwrap();
    let err = NetimBackend::new(wrong)
        .operation(&OperationId::new("1001"))
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Auth);
    assert_eq!(err.provider_code(), Some("E01"));
}
