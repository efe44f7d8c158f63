//! regops-route53 against moto in server mode, with boto3 as an independent second client
//! (docs/testing.md): boto3 starts operations that the adapter lists, reads and refreshes; the
//! adapter starts operations that boto3 reads; botocore checks the adapter's signatures on the
//! requests moto recorded.

use futures::TryStreamExt;
use regops_core::{
    Backend, CancelKind, CancelRequest, ErrorKind, Execution, OperationFilter, OperationId,
    OperationStatus, Secret,
};
use regops_route53::generated::{
    ContactDetail, Nameserver, RegisterDomainRequest, UpdateDomainNameserversRequest,
};
use regops_route53::{Credentials, Route53Backend, Route53Client};
use regops_tests::{PeerServer, Scratch, boto3, moto_peer};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::Path;

const AKID: &str = "AKIDREGOPSMOTOTEST";
const SECRET: &str = "regops-moto-secret-access-key";
const TOKEN: &str = "regops-moto-session-token";

fn credentials() -> Credentials {
    Credentials::new(Secret::new(AKID), Secret::new(SECRET)).session_token(Secret::new(TOKEN))
}

fn backend(server: &PeerServer) -> Route53Backend {
    let client = Route53Client::builder(credentials())
        .endpoint(server.url())
        // moto is local and unthrottled; the default pace would only slow the test.
        .no_rate_limit()
        .build()
        .unwrap();
    Route53Backend::new(client)
}

fn contact() -> ContactDetail {
    let text = |s: &str| Some(s.to_owned());
    ContactDetail {
        first_name: text("Grace"),
        last_name: text("Hopper"),
        contact_type: text("PERSON"),
        address_line1: text("1 Compiler Road"),
        city: text("Arlington"),
        state: text("VA"),
        country_code: text("US"),
        zip_code: text("22201"),
        phone_number: text("+1.7035550100"),
        email: text("grace@example.com"),
        ..ContactDetail::default()
    }
}

fn register_request(domain: &str, years: i64) -> RegisterDomainRequest {
    RegisterDomainRequest::new(domain.into(), years, contact(), contact(), contact())
}

fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The `X-Amz-Target` operation names of the requests in moto's recording that the adapter
/// sent (boto3's are left out), in order.
fn adapter_calls(recording: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(recording).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let entry: Json = serde_json::from_str(line).expect("a recorded request");
            let headers = entry["headers"].as_object().expect("recorded headers");
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            if !header("user-agent").starts_with("regops") {
                return None;
            }
            let target = header("x-amz-target");
            Some(target.rsplit('.').next().unwrap_or("").to_owned())
        })
        .collect()
}

fn count(calls: &[String], name: &str) -> usize {
    calls.iter().filter(|c| *c == name).count()
}

#[tokio::test]
async fn operations_boto3_started_are_listed_read_and_refreshed_in_pages() {
    const TEST: &str = "operations_boto3_started_are_listed_read_and_refreshed_in_pages";
    let scratch = Scratch::new(TEST);
    let recording = scratch.path().join("recording.jsonl");
    let Some(server) = moto_peer(TEST, Some(&recording)) else {
        return;
    };
    // More than one page of 100: 53 registrations and 53 deletions.
    let started: BTreeSet<String> = strings(&boto3(&server, &["churn", "peer", "53"]))
        .into_iter()
        .collect();
    assert_eq!(started.len(), 106);
    let b = backend(&server);

    // The whole listing, in pages of 100 (moto's own default is 20).
    let all: Vec<_> = b
        .operations(&OperationFilter::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|page| page.items)
        .collect();
    let listed: BTreeSet<String> = all.iter().map(|op| op.id.as_str().to_owned()).collect();
    assert_eq!(listed, started, "every operation boto3 started, each once");
    assert_eq!(all.len(), 106);
    for op in &all {
        assert_eq!(op.provider, "route53");
        assert_eq!(op.status, OperationStatus::Succeeded, "{op:?}");
        assert_eq!(op.raw_status, "SUCCESSFUL");
        assert!(
            matches!(
                op.kind.as_deref(),
                Some("REGISTER_DOMAIN" | "DELETE_DOMAIN")
            ),
            "{op:?}"
        );
        assert!(op.target.as_deref().unwrap().starts_with("peer"), "{op:?}");
        assert!(op.submitted_at.is_some(), "{op:?}");
    }
    let calls = adapter_calls(&recording);
    assert_eq!(count(&calls, "ListOperations"), 2, "{calls:?}");

    // One read agrees with what boto3 reads.
    let id = started.iter().next().unwrap();
    let op = b.operation(&OperationId::new(id.as_str())).await.unwrap();
    let theirs = boto3(&server, &["get", id]);
    assert_eq!(op.target.as_deref(), theirs["DomainName"].as_str());
    assert_eq!(op.kind.as_deref(), theirs["Type"].as_str());
    assert_eq!(op.raw_status, theirs["Status"].as_str().unwrap());
    let their_submitted = theirs["SubmittedDate"].as_f64().unwrap();
    let ours = op.submitted_at.unwrap().timestamp_millis() as f64 / 1000.0;
    assert!(
        (ours - their_submitted).abs() < 0.001,
        "{ours} vs {their_submitted}"
    );

    // Filters the server applies.
    let none_failed: Vec<_> = b
        .operations(&OperationFilter::new().status(OperationStatus::Failed))
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(none_failed.iter().all(|p| p.items.is_empty()));
    let deletions: usize = b
        .operations(&OperationFilter::new().kind("DELETE_DOMAIN"))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .iter()
        .map(|p| p.items.len())
        .sum();
    assert_eq!(deletions, 53);
    let later = op.submitted_at.unwrap() + chrono::Duration::days(1);
    let nothing_later: Vec<_> = b
        .operations(&OperationFilter::new().submitted_since(later))
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(nothing_later.iter().all(|p| p.items.is_empty()));

    // A refresh of every operation plus one nobody started reads ListOperations pages, not
    // one GetOperationDetail each: only the unknown id is read on its own.
    let before = adapter_calls(&recording).len();
    let mut ids: Vec<OperationId> = started
        .iter()
        .map(|s| OperationId::new(s.as_str()))
        .collect();
    ids.insert(50, OperationId::new("00000000-0000-0000-0000-000000000000"));
    let refreshed = b.refresh(&ids).await.unwrap();
    assert_eq!(refreshed.len(), ids.len());
    for (id, result) in ids.iter().zip(&refreshed) {
        match result {
            Ok(op) => {
                assert_eq!(&op.id, id);
                assert_eq!(op.status, OperationStatus::Succeeded);
            }
            Err(e) => {
                assert_eq!(id.as_str(), "00000000-0000-0000-0000-000000000000");
                assert_eq!(*e.kind(), ErrorKind::NotFound, "{e}");
            }
        }
    }
    assert_eq!(refreshed.iter().filter(|r| r.is_err()).count(), 1);
    let calls = adapter_calls(&recording)[before..].to_vec();
    assert_eq!(count(&calls, "GetOperationDetail"), 1, "{calls:?}");
    assert!(count(&calls, "ListOperations") <= 2, "{calls:?}");
}

#[tokio::test]
async fn operations_the_adapter_starts_are_read_by_boto3_and_signed_as_botocore_signs() {
    const TEST: &str =
        "operations_the_adapter_starts_are_read_by_boto3_and_signed_as_botocore_signs";
    let scratch = Scratch::new(TEST);
    let recording = scratch.path().join("recording.jsonl");
    let Some(server) = moto_peer(TEST, Some(&recording)) else {
        return;
    };
    let b = backend(&server);

    let registered = b
        .register_domain(&register_request("regops-peer.com", 2))
        .await
        .unwrap();
    assert_eq!(registered.kind.as_deref(), Some("REGISTER_DOMAIN"));
    assert_eq!(registered.target.as_deref(), Some("regops-peer.com"));
    assert_eq!(registered.status, OperationStatus::Succeeded);

    let nameservers = b
        .update_domain_nameservers(&UpdateDomainNameserversRequest::new(
            "regops-peer.com".into(),
            vec![
                Nameserver::new("ns1.example.net".into()),
                Nameserver::new("ns2.example.net".into()),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(nameservers.kind.as_deref(), Some("UPDATE_NAMESERVER"));

    let cancel = b.domain_cancel_backend().expect("Route 53 deletes domains");
    let deleted = cancel
        .cancel_domain(
            "regops-peer.com",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap();
    assert_eq!(deleted.kind.as_deref(), Some("DELETE_DOMAIN"));
    assert_ne!(deleted.id, registered.id);

    for op in [&registered, &nameservers, &deleted] {
        let theirs = boto3(&server, &["get", op.id.as_str()]);
        assert_eq!(theirs["OperationId"].as_str(), Some(op.id.as_str()));
        assert_eq!(theirs["DomainName"].as_str(), Some("regops-peer.com"));
        assert_eq!(theirs["Type"].as_str(), op.kind.as_deref());
    }
    let listed: Vec<String> = boto3(&server, &["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["OperationId"].as_str().unwrap().to_owned())
        .collect();
    assert!(listed.contains(&registered.id.as_str().to_owned()));
    assert!(listed.contains(&deleted.id.as_str().to_owned()));

    // A transfer-out kind is refused before anything is sent.
    let before = adapter_calls(&recording).len();
    let err = cancel
        .cancel_domain(
            "regops-peer.com",
            &CancelRequest::new(CancelKind::Transit, Execution::Now),
        )
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Unsupported);
    assert_eq!(adapter_calls(&recording).len(), before);

    // A second deletion of the same domain is a duplicate to moto.
    let err = cancel
        .cancel_domain(
            "regops-peer.com",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("DuplicateRequest"), "{err}");
    let before = adapter_calls(&recording).len();

    // moto refuses a one-year registration (see route53_boto3.py): the error is InvalidInput and
    // the registration is sent exactly once.
    let err = b
        .register_domain(&register_request("regops-refused.com", 1))
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(err.provider_code(), Some("InvalidInput"));
    let calls = adapter_calls(&recording)[before..].to_vec();
    assert_eq!(calls, ["RegisterDomain"]);

    // botocore, given the same credentials, computes the same signature for every request the
    // adapter sent, session token included.
    let calls = adapter_calls(&recording);
    assert!(calls.len() >= 5, "{calls:?}");
    let verdict = boto3(
        &server,
        &[
            "check-signatures",
            recording.to_str().unwrap(),
            AKID,
            SECRET,
            TOKEN,
        ],
    );
    assert_eq!(verdict["checked"].as_u64(), Some(calls.len() as u64));
    assert_eq!(verdict["mismatches"], serde_json::json!([]), "{verdict}");
    // The check can fail: with another secret, no signature matches.
    let wrong = boto3(
        &server,
        &[
            "check-signatures",
            recording.to_str().unwrap(),
            AKID,
            "not-the-secret",
            TOKEN,
        ],
    );
    assert_eq!(
        wrong["mismatches"].as_array().map(Vec::len),
        Some(calls.len())
    );
    let text = std::fs::read_to_string(&recording).unwrap();
    assert!(!text.contains(SECRET), "the secret key never travels");
}
