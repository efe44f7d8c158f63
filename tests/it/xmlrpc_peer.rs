//! regops-xmlrpc against Python's standard library: `xmlrpc.server` serving Gandi-shaped data
//! encoded by Python's marshaller, and `xmlrpc.client` decoding what our encoder wrote.

use base64::Engine;
use chrono::{TimeZone, Utc};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};
use regops_core::{
    Backend, CertificateFilter, CertificateOrder, CertificateStatus, DcvMethod, ErrorClass,
    ErrorKind, Idempotency, OperationFilter, OperationId, OperationStatus, RelaunchParams, Secret,
    ServerTimeZone, collect_operations,
};
use regops_tests::{PeerServer, Scratch, gandi_peer, missing_peer, peer_script, python3};
use regops_xmlrpc::{GandiBackend, GandiClient, Value, encode_call, encode_response};
use serde_json::{Value as Json, json};

const KEY: &str = "peerkey0123456789abcdefg";

fn backend(server: &PeerServer, zone: ServerTimeZone) -> GandiBackend {
    let client = GandiClient::builder(Secret::new(KEY))
        .endpoint(server.url())
        .timezone(zone)
        .build()
        .unwrap();
    GandiBackend::new(client)
}

/// The calls the peer received, as `[method, params...]` lists.
async fn calls(b: &GandiBackend) -> Vec<Value> {
    let v: Value = b
        .client()
        .call("_test.calls", vec![], Idempotency::Idempotent)
        .await
        .unwrap();
    match v {
        Value::Array(items) => items,
        other => panic!("{other:?}"),
    }
}

fn method_of(call: &Value) -> &str {
    match call {
        Value::Array(items) => items[0].as_str().unwrap(),
        other => panic!("{other:?}"),
    }
}

fn id(s: &str) -> OperationId {
    OperationId::new(s)
}

#[tokio::test]
async fn operations_from_python_map_to_core() {
    let Some(server) = gandi_peer("operations_from_python_map_to_core", KEY) else {
        return;
    };
    let b = backend(&server, ServerTimeZone::PARIS);

    let failed = b.operation(&id("104")).await.unwrap();
    assert_eq!(failed.status, OperationStatus::Failed);
    assert_eq!(failed.raw_status, "ERROR");
    assert_eq!(failed.target.as_deref(), Some("example.com"));
    assert_eq!(failed.kind.as_deref(), Some("domain_renew"));
    assert_eq!(
        failed.submitted_at,
        Some(Utc.with_ymd_and_hms(2015, 9, 15, 16, 29, 16).unwrap())
    );
    assert_eq!(failed.started_at, None, "a nil date_start");
    let err = failed.error.unwrap();
    assert_eq!(err.class, ErrorClass::Fatal);
    assert_eq!(err.message.as_deref(), Some("Invalid contact"));

    let support = b.operation(&id("105")).await.unwrap();
    assert_eq!(support.status, OperationStatus::ActionRequired);
    assert_eq!(
        support.action_required.as_deref(),
        Some("Customer must pick another DCV address")
    );
    let e = support.error.unwrap();
    assert_eq!(e.class, ErrorClass::ClientRecoverable);
    assert_eq!(e.code.as_deref(), Some("certificate:invalid_email"));
    assert_eq!(support.target.as_deref(), Some("www.cert.example"));

    let dup = b.operation(&id("108")).await.unwrap();
    let e = dup.error.unwrap();
    assert_eq!(
        (e.class, e.code.as_deref()),
        (ErrorClass::Fatal, Some("duplicate"))
    );

    // Every step, through the listing, newest first.
    let all = collect_operations(
        &b,
        &OperationFilter::new().sort(regops_core::Sort::newest_first()),
        None,
    )
    .await
    .unwrap();
    let by_id = |i: &str| all.iter().find(|o| o.id.as_str() == i).unwrap();
    assert_eq!(all.len(), 10);
    for (i, status) in [
        ("100", OperationStatus::Pending),
        ("101", OperationStatus::Pending),
        ("102", OperationStatus::InProgress),
        ("103", OperationStatus::Succeeded),
        ("104", OperationStatus::Failed),
        ("105", OperationStatus::ActionRequired),
        ("106", OperationStatus::Cancelled),
        ("107", OperationStatus::Unknown("PAUSED".into())),
    ] {
        assert_eq!(by_id(i).status, status, "operation {i}");
    }
    assert_eq!(by_id("101").eta, Some(std::time::Duration::from_secs(3600)));
    assert_eq!(by_id("102").eta, None, "a negative eta is no estimate");
    assert!(by_id("107").extra.contains_key("future_member"));
    assert_eq!(all[0].id.as_str(), "300", "newest first");

    // Time zone: the same local time read as UTC is two hours later.
    let utc = backend(&server, ServerTimeZone::UTC);
    let same = utc.operation(&id("104")).await.unwrap();
    assert_eq!(
        same.submitted_at,
        Some(Utc.with_ymd_and_hms(2015, 9, 15, 18, 29, 16).unwrap())
    );
}

#[tokio::test]
async fn listing_pages_filters_and_batched_refresh() {
    let Some(server) = gandi_peer("listing_pages_filters_and_batched_refresh", KEY) else {
        return;
    };
    let b = backend(&server, ServerTimeZone::PARIS);

    let paged = collect_operations(&b, &OperationFilter::new().page_size(3), None)
        .await
        .unwrap();
    assert_eq!(paged.len(), 10);
    let lists = calls(&b).await;
    let pages: Vec<i64> = lists
        .iter()
        .filter(|c| method_of(c) == "operation.list")
        .map(|c| match c {
            Value::Array(items) => {
                assert_eq!(items[1].get("items_per_page"), Some(&Value::Int(3)));
                items[1].get("page").and_then(Value::as_i64).unwrap()
            }
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(pages, vec![0, 1, 2, 3]);

    let running = collect_operations(
        &b,
        &OperationFilter::new().status(OperationStatus::InProgress),
        None,
    )
    .await
    .unwrap();
    let ids: Vec<&str> = running.iter().map(|o| o.id.as_str()).collect();
    assert!(ids.contains(&"102"), "{ids:?}");
    assert!(
        running
            .iter()
            .all(|o| o.status == OperationStatus::InProgress)
    );

    // Pending is two steps: filtered on the client, nothing lost.
    let pending = collect_operations(
        &b,
        &OperationFilter::new().status(OperationStatus::Pending),
        None,
    )
    .await
    .unwrap();
    let ids: Vec<&str> = pending.iter().map(|o| o.id.as_str()).collect();
    assert!(ids.contains(&"100") && ids.contains(&"101"), "{ids:?}");

    let since = Utc.with_ymd_and_hms(2015, 9, 17, 7, 0, 0).unwrap();
    let recent = collect_operations(&b, &OperationFilter::new().submitted_since(since), None)
        .await
        .unwrap();
    assert!(recent.iter().all(|o| o.submitted_at.unwrap() >= since));
    assert!(
        recent.iter().any(|o| o.id.as_str() == "103"),
        "09-17 09:00 Paris is 07:00 UTC"
    );

    let prefix = collect_operations(
        &b,
        &OperationFilter::new().target(regops_core::TargetMatch::Prefix("do".into())),
        None,
    )
    .await
    .unwrap();
    let ids: Vec<&str> = prefix.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, vec!["103"]);

    assert_eq!(
        b.count(&OperationFilter::new().status(OperationStatus::Failed))
            .await
            .unwrap(),
        2
    );
    assert!(
        calls(&b)
            .await
            .iter()
            .any(|c| method_of(c) == "operation.count"),
        "one status word is counted by the server"
    );

    let before = calls(&b).await.len();
    let got = b
        .refresh(&[id("100"), id("104"), id("999"), id("abc"), id("100")])
        .await
        .unwrap();
    assert_eq!(got.len(), 5);
    assert_eq!(got[0].as_ref().unwrap().id.as_str(), "100");
    assert_eq!(got[1].as_ref().unwrap().status, OperationStatus::Failed);
    assert!(got[2].as_ref().unwrap_err().is_not_found());
    assert!(matches!(
        got[3].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidInput
    ));
    assert_eq!(got[4].as_ref().unwrap().id.as_str(), "100");
    let after = calls(&b).await;
    // One operation.list for the whole batch (plus the _test.calls read itself).
    let batch: Vec<&Value> = after[before..]
        .iter()
        .filter(|c| method_of(c) != "_test.calls")
        .collect();
    assert_eq!(batch.len(), 1, "{batch:?}");
    match batch[0] {
        Value::Array(items) => assert_eq!(
            items[1].get("id"),
            Some(&Value::Array(vec![
                Value::Int(100),
                Value::Int(104),
                Value::Int(999)
            ]))
        ),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn faults_cancel_relaunch_and_certificates() {
    let Some(server) = gandi_peer("faults_cancel_relaunch_and_certificates", KEY) else {
        return;
    };
    let b = backend(&server, ServerTimeZone::PARIS);

    let e = b.operation(&id("999")).await.unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert_eq!(e.provider_code(), Some("510042"));
    assert!(e.message().contains("CAUSE_NOTFOUND"));

    let wrong = GandiClient::builder(Secret::new("wrongkey0123456789abcdef"))
        .endpoint(server.url())
        .build()
        .unwrap();
    let e = GandiBackend::new(wrong)
        .operation(&id("100"))
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    assert_eq!(e.provider_code(), Some("510150"));
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("wrongkey"), "{shown}");

    b.cancel(&id("101")).await.unwrap();
    assert_eq!(
        b.operation(&id("101")).await.unwrap().status,
        OperationStatus::Cancelled
    );
    let e = b.cancel(&id("103")).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidInput), "{e:?}");
    let cancels = calls(&b)
        .await
        .iter()
        .filter(|c| method_of(c) == "operation.cancel")
        .count();
    assert_eq!(cancels, 2, "a refused cancel is not resent");

    let mut bad = RelaunchParams::new();
    bad.insert("x-typo".into(), "1".into());
    let e = b.relaunch(&id("104"), &bad).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidInput), "{e:?}");
    let mut good = RelaunchParams::new();
    good.insert("authinfo".into(), "s3cret-auth".into());
    b.relaunch(&id("104"), &good).await.unwrap();
    let log = calls(&b).await;
    let relaunches: Vec<&Value> = log
        .iter()
        .filter(|c| method_of(c) == "operation.relaunch")
        .collect();
    assert_eq!(relaunches.len(), 1, "the typo never left the client");
    match relaunches[0] {
        Value::Array(items) => {
            assert_eq!(items[1], Value::Int(104));
            assert_eq!(items[2].get("authinfo"), Some(&Value::from("s3cret-auth")));
        }
        _ => unreachable!(),
    }

    let certs = b.certificate_backend().unwrap();
    let c = certs
        .certificate(&regops_core::CertificateId::new("700"))
        .await
        .unwrap();
    assert_eq!(c.cn.as_deref(), Some("www.cert.example"));
    assert_eq!(c.alt_names, vec!["cert.example".to_owned()]);
    assert_eq!(c.status, CertificateStatus::Valid);
    assert_eq!(c.dcv_method, Some(DcvMethod::Dns));
    assert_eq!(
        c.expires_at,
        Some(Utc.with_ymd_and_hms(2016, 9, 18, 11, 0, 0).unwrap())
    );
    let only_expired = CertificateFilter::new().status(CertificateStatus::Expired);
    let expired = regops_core::page::items(certs.certificates(&only_expired));
    let expired: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(expired)
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].id.as_str(), "701");
    let op = certs
        .order_certificate(&CertificateOrder::new("cert_std_1_0_0", "new.example"))
        .await
        .unwrap();
    assert_eq!(op.status, OperationStatus::Pending);
    assert_eq!(op.kind.as_deref(), Some("certificate_create"));
    assert_eq!(op.target.as_deref(), Some("new.example"));
}

/// The tagged JSON form the Python checker compares with.
fn tagged(v: &Value) -> Json {
    match v {
        Value::Int(i) => json!({ "int": i }),
        Value::Bool(b) => json!({ "bool": b }),
        Value::String(s) => json!({ "str": s }),
        Value::Double(d) => json!({ "double": d }),
        Value::DateTime(d) => json!({ "dt": d.to_wire() }),
        Value::Base64(b) => json!({ "b64": base64::engine::general_purpose::STANDARD.encode(b) }),
        Value::Array(a) => json!({ "arr": a.iter().map(tagged).collect::<Vec<_>>() }),
        Value::Struct(m) => {
            json!({ "struct": m.iter().map(|(k, v)| (k.clone(), tagged(v))).collect::<serde_json::Map<_, _>>() })
        }
        Value::Nil => json!({ "nil": null }),
    }
}

#[test]
fn python_xmlrpc_client_decodes_what_we_encode() {
    let Some(py) = python3() else {
        missing_peer(
            "python_xmlrpc_client_decodes_what_we_encode",
            "python3",
            "python3 with xmlrpc.client was not found",
        );
        return;
    };
    let dir = Scratch::new("xmlrpc-encode");
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let strategy = regops_xmlrpc::arbitrary::value();
    for n in 0..300 {
        let v = strategy.new_tree(&mut runner).unwrap().current();
        let (body, want) = if n % 2 == 0 {
            (encode_response(&v).unwrap(), tagged(&v))
        } else {
            let params = vec![Value::from("apikey"), v];
            (
                encode_call("operation.list", &params).unwrap(),
                json!({"method": "operation.list", "params": params.iter().map(tagged).collect::<Vec<_>>()}),
            )
        };
        std::fs::write(dir.path().join(format!("{n:04}.xml")), body).unwrap();
        std::fs::write(dir.path().join(format!("{n:04}.json")), want.to_string()).unwrap();
    }
    let out = std::process::Command::new(py)
        .arg(peer_script("xmlrpc_decode.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("checked 300 bodies, 0 mismatches"),
        "{report}"
    );
}
