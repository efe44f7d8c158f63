//! regops-rest (AutoDNS) against a test server on loopback that replays the reference page's
//! answers byte for byte (`crates/rest/tests/fixtures/`, see its README) and checks what the client
//! sent: the route, basic auth, the context header, the JSON body or the gateway XML.

use base64::Engine;
use futures::TryStreamExt;
use regops_core::{
    Backend, CancelKind, CancelRequest, DomainCancelBackend, ErrorKind, Execution, OperationFilter,
    OperationId, OperationStatus, Secret,
};
use regops_rest::{AutoDnsBackend, AutoDnsClient};
use regops_tests::{Answer, ScriptedServer, Seen, fast_retry, root};
use serde_json::{Value as Json, json};

const USER: &str = "customer";
const PASSWORD: &str = "password";

/// A file of `crates/rest/tests/fixtures/` (see its README).
fn fixture(name: &str) -> Vec<u8> {
    let path = root().join("crates/rest/tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_answer(name: &str) -> Answer {
    Answer::json(fixture(name))
}

fn backend(endpoint: &str) -> AutoDnsBackend {
    AutoDnsBackend::new(
        AutoDnsClient::builder(USER, Secret::new(PASSWORD))
            .endpoint(endpoint)
            .no_rate_limit()
            .retry(fast_retry())
            .build()
            .unwrap(),
    )
}

fn basic_auth() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

fn assert_json_call(s: &Seen, method: &str, uri: &str) {
    assert_eq!(s.method, method, "{s:?}");
    assert_eq!(s.uri, uri, "{s:?}");
    assert_eq!(s.header("authorization"), basic_auth());
    assert_eq!(s.header("x-domainrobot-context"), "4");
}

#[tokio::test]
async fn the_json_create_replays_both_reference_answers() {
    let reference_request: Json =
        serde_json::from_slice(&fixture("json-create-request.json")).unwrap();
    for (name, code) in [
        ("json-create-success.json", "S0103101"),
        ("json-create-notify.json", "N0103101"),
    ] {
        let server = ScriptedServer::start(vec![json_answer(name)]);
        let b = backend(&format!("{}/v1", server.url()));
        let op = b
            .cancel_domain(
                "example.com",
                &CancelRequest::new(CancelKind::Delete, Execution::Expire).disconnect(false),
            )
            .await
            .unwrap();
        assert_eq!(op.id.as_str(), "example.com");
        assert_eq!(op.raw_status, code);
        assert_eq!(op.status, OperationStatus::Pending);
        assert_eq!(
            op.scheduled_at.unwrap().to_rfc3339(),
            "2019-08-17T12:27:31+00:00"
        );
        let sent = server.seen();
        assert_eq!(sent.len(), 1);
        assert_json_call(&sent[0], "POST", "/v1/domain/example.com/cancelation");
        assert_eq!(sent[0].header("content-type"), "application/json");
        assert_eq!(sent[0].json(), reference_request, "the reference request");
    }
}

#[tokio::test]
async fn reply_to_is_a_query_parameter() {
    let server = ScriptedServer::start(vec![json_answer("json-create-success.json")]);
    let mut request = CancelRequest::new(CancelKind::Delete, Execution::Now);
    request = request.reply_to("ops@example.com");
    backend(server.url())
        .cancel_domain("example.com", &request)
        .await
        .unwrap();
    assert_eq!(
        server.seen()[0].uri,
        "/domain/example.com/cancelation?replyTo=ops%40example.com"
    );
}

#[tokio::test]
async fn an_error_envelope_is_an_error_with_every_message_and_is_not_resent() {
    let server = ScriptedServer::start(vec![Answer::new(
        400,
        "application/json",
        fixture("json-error.json"),
    )]);
    let err = backend(server.url())
        .cancel_domain(
            "example.com",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert!(err.message().contains("EF01010"), "{err}");
    assert!(err.message().contains("EF0103101"), "{err}");
    assert_eq!(server.seen().len(), 1);

    // A create that may have reached the server is not resent either.
    let server = ScriptedServer::start(vec![Answer::new(503, "text/plain", b"busy".to_vec())]);
    let err = backend(server.url())
        .cancel_domain(
            "example.com",
            &CancelRequest::new(CancelKind::Delete, Execution::Now),
        )
        .await
        .unwrap_err();
    assert!(err.is_transport() && err.may_have_reached_server(), "{err}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_job_runs_to_success() {
    let server = ScriptedServer::start(vec![
        json_answer("json-job-running.json"),
        Answer::new(503, "text/plain", b"".to_vec()),
        json_answer("json-job-running.json"),
        json_answer("json-job-success.json"),
    ]);
    let b = backend(server.url());
    let id = OperationId::new("4295210830");
    let first = b.operation(&id).await.unwrap();
    assert_eq!(first.status, OperationStatus::InProgress);
    assert_eq!(first.raw_status, "RUNNING");
    // The 503 is retried: a read.
    let second = b.operation(&id).await.unwrap();
    assert_eq!(second.status, OperationStatus::InProgress);
    let last = b.operation(&id).await.unwrap();
    assert_eq!(last.status, OperationStatus::Succeeded);
    assert_eq!(last.raw_status, "SUCCESS");
    assert_eq!(last.target.as_deref(), Some("example.com"));
    assert_eq!(last.kind.as_deref(), Some("domaincancelation_delete"));
    let sent = server.seen();
    assert_eq!(sent.len(), 4);
    for s in &sent {
        assert_json_call(s, "GET", "/job/4295210830");
    }
}

#[tokio::test]
async fn a_refresh_reads_jobs_in_one_search_and_cancelations_one_by_one() {
    let server = ScriptedServer::start(vec![
        json_answer("json-job-search.json"),
        json_answer("json-cancelation-info.json"),
    ]);
    let b = backend(server.url());
    let ids = [
        OperationId::new("4295210830"),
        OperationId::new("example.com"),
        OperationId::new("4295210831"),
    ];
    let out = b.refresh(&ids).await.unwrap();
    let ops: Vec<_> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(ops[0].status, OperationStatus::Succeeded);
    assert_eq!(ops[1].id.as_str(), "example.com");
    assert_eq!(ops[1].status, OperationStatus::Pending);
    assert_eq!(ops[1].raw_status, "S0103104");
    assert_eq!(ops[2].status, OperationStatus::ActionRequired);
    let sent = server.seen();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_json_call(&sent[0], "POST", "/job/_search");
    let filters = &sent[0].json()["filters"];
    assert_eq!(filters[0]["value"], "4295210830");
    assert_eq!(filters[1]["value"], "4295210831");
    assert_json_call(&sent[1], "GET", "/domain/example.com/cancelation");
}

#[tokio::test]
async fn ops_cancel_cancels_a_job_or_deletes_a_cancelation() {
    let deleted =
        json!({"stid": "x", "status": {"code": "S0103103", "text": "deleted", "type": "SUCCESS"}});
    let server = ScriptedServer::start(vec![
        Answer::new(200, "application/json", deleted.to_string().into_bytes()),
        json_answer("json-job-success.json"),
        Answer::new(
            404,
            "application/json",
            json!({"status": {"code": "E0103104", "text": "no cancelation", "type": "ERROR"}})
                .to_string()
                .into_bytes(),
        ),
    ]);
    let b = backend(server.url());
    b.cancel(&OperationId::new("example.com")).await.unwrap();
    b.cancel(&OperationId::new("4295210830")).await.unwrap();
    // The withdrawn cancelation is gone at AutoDNS; read back, it is cancelled.
    let op = b.operation(&OperationId::new("example.com")).await.unwrap();
    assert_eq!(op.status, OperationStatus::Cancelled);
    assert_eq!(op.raw_status, "S0103103");
    let sent = server.seen();
    assert_json_call(&sent[0], "DELETE", "/domain/example.com/cancelation");
    assert_json_call(&sent[1], "PUT", "/job/4295210830/_cancel");
}

#[tokio::test]
async fn listing_follows_pages_by_offset() {
    let page = |domains: &[&str], total: u32| {
        let data: Vec<Json> = domains
            .iter()
            .map(|d| json!({"domain": d, "type": "DELETE", "execution": "EXPIRE", "created": "2019-07-01T10:44:26.000+0200", "newMember": 7}))
            .collect();
        Answer::new(200,
            "application/json",
            json!({"status": {"code": "S0103105", "type": "SUCCESS"}, "object": {"type": "DomainCancelation", "summary": total}, "data": data})
                .to_string()
                .into_bytes(),
        )
    };
    // Then the jobs: a listing shows both kinds of AutoDNS operation.
    let jobs = Answer::new(
        200,
        "application/json",
        json!({"status": {"code": "S0105", "type": "SUCCESS"}, "object": {"type": "Job", "summary": 1},
               "data": [{"id": 4295210830u64, "status": "RUNNING", "action": "DELETE", "subType": "DomainCancelation",
                         "events": [{"object": "d.com"}], "created": "2019-07-01T10:40:00.000+0200"}]})
        .to_string()
        .into_bytes(),
    );
    let server = ScriptedServer::start(vec![
        page(&["a.com", "b.com"], 3),
        page(&["c.com"], 3),
        jobs,
    ]);
    let b = backend(server.url());
    let filter = OperationFilter::new().page_size(2);
    let ops: Vec<_> = b
        .operations(&filter)
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.items)
        .collect();
    let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a.com", "b.com", "c.com", "4295210830"]);
    assert_eq!(ops[3].target.as_deref(), Some("d.com"));
    assert_eq!(
        ops[0].extra.get("newMember"),
        Some(&regops_core::Value::Int(7))
    );
    let sent = server.seen();
    assert_eq!(sent.len(), 3);
    assert_json_call(&sent[0], "POST", "/domain/cancelation/_search");
    assert_eq!(
        sent[0].json()["view"],
        json!({"limit": 2, "offset": 0, "children": false})
    );
    assert_eq!(sent[1].json()["view"]["offset"], 2);
    assert_json_call(&sent[2], "POST", "/job/_search");
    assert_eq!(sent[2].json()["view"]["offset"], 0);
    assert_eq!(
        sent[2].json()["orders"],
        json!([{"key": "created", "type": "DESC"}])
    );
}

#[tokio::test]
async fn the_poll_queue_is_read_and_acknowledged() {
    // The vendor's shape: the whole job, its status and the domain in its events.
    let message = json!({"status": {"code": "S0905", "type": "SUCCESS"}, "data": [{
        "id": 77,
        "job": {"id": 4295210830u64, "status": "SUCCESS", "action": "DELETE", "subType": "DomainCancelation",
                "events": [{"jobId": 4295210830u64, "vertex": 3, "object": "example.com", "type": "DOMAIN_CANCELATION"}]},
        "messages": [{"text": "Domain cancelation was carried out.", "status": "SUCCESS"}]
    }]});
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "application/json",
        message.to_string().into_bytes(),
    )]);
    let b = backend(server.url());
    let m = b.client().poll().await.unwrap().unwrap();
    assert_eq!(m.id.as_ref().unwrap().as_str(), "77");
    let n = regops_rest::convert::notification(&m).unwrap();
    assert_eq!(n.operation.as_ref().unwrap().as_str(), "4295210830");
    assert_eq!(
        n.text.as_deref(),
        Some("Domain cancelation was carried out.")
    );
    let job = regops_rest::convert::job_operation(m.job.unwrap(), Default::default()).unwrap();
    assert_eq!(
        job.target.as_deref(),
        Some("example.com"),
        "from the job's events"
    );
    // A notification that is not about a job says what it is.
    let away: regops_rest::generated::PollMessage = serde_json::from_value(
        json!({"id": 78, "notify": {"type": "domain_away", "object": {"type": "domain", "value": "gone.example"}}}),
    )
    .unwrap();
    let n = regops_rest::convert::notification(&away).unwrap();
    assert!(n.operation.is_none());
    assert_eq!(n.text.as_deref(), Some("domain_away"));
    b.client().poll_ack("77").await.unwrap();
    let sent = server.seen();
    assert_json_call(&sent[0], "GET", "/poll");
    assert_json_call(&sent[1], "PUT", "/poll/77");
}

#[tokio::test]
async fn the_gateway_sends_the_reference_request_and_reads_the_reference_answer() {
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "text/xml",
        fixture("xml-create-response.xml"),
    )]);
    let b = backend(&format!("{}/gateway", server.url()));
    let op = b
        .cancel_domain(
            "example.com",
            &CancelRequest::new(CancelKind::Delete, Execution::Expire)
                .disconnect(true)
                .reply_to("customer@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(op.id.as_str(), "4295210830");
    assert_eq!(op.status, OperationStatus::InProgress);
    assert_eq!(op.raw_status, "N0103");
    let sent = server.seen();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].uri, "/gateway");
    assert!(sent[0].header("content-type").starts_with("text/xml"));
    assert_eq!(
        sent[0].text(),
        String::from_utf8(fixture("xml-create-request.xml")).unwrap(),
        "the reference request, byte for byte"
    );

    // Listing is a JSON API call: refused before anything is sent.
    let err = b
        .operations(&OperationFilter::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Unsupported);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_gateway_error_keeps_its_codes() {
    let server =
        ScriptedServer::start(vec![Answer::new(200, "text/xml", fixture("xml-error.xml"))]);
    let err = backend(&format!("{}/gateway", server.url()))
        .operation(&OperationId::new("example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert!(err.message().contains("EF01010"), "{err}");
}

#[tokio::test]
async fn the_password_never_shows() {
    let echo = json!({"status": {"code": "E0001", "text": format!("bad password {PASSWORD}x for {USER}"), "type": "ERROR"}});
    let server = ScriptedServer::start(vec![Answer::new(
        401,
        "application/json",
        echo.to_string().into_bytes(),
    )]);
    let b = backend(server.url());
    let err = b
        .operation(&OperationId::new("example.com"))
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Auth);
    for shown in [err.to_string(), format!("{err:?}"), format!("{b:?}")] {
        assert!(!shown.contains("passwordx"), "{shown}");
    }
}

#[tokio::test]
async fn hostile_answers_are_protocol_errors() {
    for body in [
        &b"<html>maintenance</html>"[..],
        b"{\"data\": [",
        b"{\"data\": {\"no\": \"list\"}}",
    ] {
        let server =
            ScriptedServer::start(vec![Answer::new(200, "application/json", body.to_vec())]);
        let err = backend(server.url())
            .operation(&OperationId::new("4295210830"))
            .await
            .unwrap_err();
        assert!(err.is_protocol(), "{err}");
    }
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "text/xml",
        b"<!DOCTYPE r [<!ENTITY a \"aaaa\">]><response>&a;</response>".to_vec(),
    )]);
    let err = backend(&format!("{}/gateway", server.url()))
        .operation(&OperationId::new("example.com"))
        .await
        .unwrap_err();
    assert!(err.is_protocol(), "{err}");
}

#[tokio::test]
async fn update_delete_and_info_on_both_protocols() {
    use regops_core::Execution as E;
    let day = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 3, 1, 0, 0, 0).unwrap();
    let body = regops_rest::convert::cancelation_request(
        "example.com",
        &CancelRequest::new(CancelKind::Delete, E::Date(day)),
    )
    .unwrap();

    // JSON: PUT with the cancelation, DELETE and GET on the domain's route.
    let server = ScriptedServer::start(vec![json_answer("json-cancelation-info.json")]);
    let b = backend(server.url());
    b.client().update_cancelation(&body).await.unwrap();
    b.client().delete_cancelation("example.com").await.unwrap();
    b.client().cancelation_info("example.com").await.unwrap();
    let sent = server.seen();
    assert_json_call(&sent[0], "PUT", "/domain/example.com/cancelation");
    assert_eq!(
        sent[0].json(),
        json!({"domain": "example.com", "type": "DELETE", "execution": "DATE", "registryWhen": "2025-03-01T00:00:00.000+0000"})
    );
    assert_json_call(&sent[1], "DELETE", "/domain/example.com/cancelation");
    assert!(sent[1].body.is_empty());
    assert_json_call(&sent[2], "GET", "/domain/example.com/cancelation");

    // Gateway: tasks 0103102, 0103103 and 0103104 with the same auth block.
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "text/xml",
        fixture("xml-create-response.xml"),
    )]);
    let b = backend(&format!("{}/gateway", server.url()));
    b.client().update_cancelation(&body).await.unwrap();
    b.client().delete_cancelation("example.com").await.unwrap();
    let op = b.operation(&OperationId::new("example.com")).await.unwrap();
    assert_eq!(op.target.as_deref(), Some("example.com"));
    let sent = server.seen();
    let auth = "<auth>\n\t\t<user>customer</user>\n\t\t<password>password</password>\n\t\t<context>4</context>\n\t</auth>";
    for (s, code) in sent.iter().zip(["0103102", "0103103", "0103104"]) {
        let xml = s.text();
        assert!(xml.contains(auth), "{xml}");
        assert!(xml.contains(&format!("<code>{code}</code>")), "{xml}");
        assert!(xml.contains("<domain>example.com</domain>"), "{xml}");
    }
    let update = sent[0].text();
    assert!(update.contains("<execdate>date</execdate>"), "{update}");
    // 00:00 UTC is 01:00 in Berlin in March.
    assert!(
        update.contains("<registry_when_date>2025-03-01 01:00:00</registry_when_date>"),
        "{update}"
    );
    assert!(
        !sent[1].text().contains("<type>"),
        "a delete names only the domain"
    );
}
