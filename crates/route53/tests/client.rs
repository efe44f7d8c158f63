//! The client over HTTP against a scripted server: what is retried and what is sent once,
//! throttling, error decoding from the body or the header, tolerant success bodies, the body
//! limit, and secrets kept out of errors and `Debug`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use regops_core::{ErrorKind, Idempotency, OperationStatus, RetryPolicy, Secret};
use regops_route53::{Credentials, Route53Client};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const AKID: &str = "AKIDSCRIPTED00000000";
const SECRET: &str = "scripted-secret-access-key-0123456789";
const TOKEN: &str = "scripted-session-token-0123456789";

/// One scripted answer: status, extra headers, body.
#[derive(Clone)]
struct Answer(u16, Vec<(&'static str, String)>, String);

fn ok(body: &str) -> Answer {
    Answer(200, vec![], body.to_owned())
}

fn fail(status: u16, body: &str) -> Answer {
    Answer(status, vec![], body.to_owned())
}

/// What the server saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    target: String,
    authorization: String,
    token: String,
    body: String,
}

#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<Vec<Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn answer(State(script): State<Script>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    script.seen.lock().unwrap().push(Seen {
        target: header("x-amz-target"),
        authorization: header("authorization"),
        token: header("x-amz-security-token"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let next = {
        let mut answers = script.answers.lock().unwrap();
        if answers.len() > 1 {
            answers.remove(0)
        } else {
            answers[0].clone()
        }
    };
    let Answer(status, extra, body) = next;
    let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
    for (name, value) in extra {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Starts a server answering `answers` in order (the last one for ever after).
async fn serve(answers: Vec<Answer>) -> (String, Script) {
    let script = Script {
        answers: Arc::new(Mutex::new(answers)),
        seen: Arc::default(),
    };
    let app = Router::new().fallback(answer).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, script)
}

fn client(url: &str) -> Route53Client {
    Route53Client::builder(
        Credentials::new(Secret::new(AKID), Secret::new(SECRET)).session_token(Secret::new(TOKEN)),
    )
    .endpoint(url)
    .no_rate_limit()
    .retry(
        RetryPolicy::default()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(20)),
    )
    .build()
    .unwrap()
}

fn seen(script: &Script) -> Vec<Seen> {
    script.seen.lock().unwrap().clone()
}

const DETAIL: &str = r#"{"OperationId":"op-1","Status":"IN_PROGRESS","Type":"DELETE_DOMAIN",
    "DomainName":"example.com","SubmittedDate":1573749367.864,"StatusFlag":null}"#;

#[tokio::test]
async fn a_read_is_retried_after_a_server_error_and_signed_again() {
    let (url, script) = serve(vec![fail(503, ""), fail(500, "oops"), ok(DETAIL)]).await;
    let detail = client(&url).get_operation_detail("op-1").await.unwrap();
    assert_eq!(detail.operation_id.as_deref(), Some("op-1"));
    let seen = seen(&script);
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(s.target, "Route53Domains_v20140515.GetOperationDetail");
        assert!(
            s.authorization
                .starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/")),
            "{}",
            s.authorization
        );
        assert!(
            s.authorization
                .contains("/us-east-1/route53domains/aws4_request")
        );
        assert_eq!(s.token, TOKEN);
        assert_eq!(s.body, r#"{"OperationId":"op-1"}"#);
    }
}

#[tokio::test]
async fn a_call_that_starts_an_operation_is_never_resent() {
    let (url, script) = serve(vec![fail(500, "")]).await;
    let err = client(&url).delete_domain("example.com").await.unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert!(err.is_transport(), "{err}");
    let sent = seen(&script);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].target, "Route53Domains_v20140515.DeleteDomain");

    // Not even when throttled: the answer says it was not done, but the caller decides.
    let (url, script) = serve(vec![fail(
        400,
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    )])
    .await;
    let err = client(&url).delete_domain("example.com").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(seen(&script).len(), 1);
}

#[tokio::test]
async fn a_started_operation_is_read_back_and_never_lost() {
    let (url, script) = serve(vec![ok(r#"{"OperationId":"op-1"}"#), ok(DETAIL)]).await;
    let op = client(&url).delete_domain("example.com").await.unwrap();
    assert_eq!(op.id.as_str(), "op-1");
    assert_eq!(op.status, OperationStatus::InProgress);
    let targets: Vec<String> = seen(&script).into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        [
            "Route53Domains_v20140515.DeleteDomain",
            "Route53Domains_v20140515.GetOperationDetail"
        ]
    );

    // The read back fails: the operation is still returned, as submitted.
    let (url, _) = serve(vec![ok(r#"{"OperationId":"op-2"}"#), fail(500, "")]).await;
    let op = client(&url).delete_domain("example.com").await.unwrap();
    assert_eq!(op.id.as_str(), "op-2");
    assert_eq!(op.status, OperationStatus::Pending);
    assert_eq!(op.raw_status, "SUBMITTED");
    assert_eq!(op.kind.as_deref(), Some("DELETE_DOMAIN"));
    assert_eq!(op.target.as_deref(), Some("example.com"));
}

#[tokio::test]
async fn throttling_is_retried_for_reads_honouring_retry_after() {
    let throttled = Answer(
        400,
        vec![("retry-after", "0".into())],
        r#"{"__type":"com.amazonaws.route53domains#ThrottlingException","message":"slow down"}"#
            .into(),
    );
    let (url, script) = serve(vec![throttled.clone(), ok(DETAIL)]).await;
    client(&url).get_operation_detail("op-1").await.unwrap();
    assert_eq!(seen(&script).len(), 2);

    let (url, script) = serve(vec![throttled]).await;
    let err = client(&url).get_operation_detail("op-1").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.provider_code(), Some("ThrottlingException"));
    assert_eq!(seen(&script).len(), 3, "every attempt of the policy");
}

#[tokio::test]
async fn errors_come_from_the_body_or_the_header() {
    let cases = [
        (
            fail(400, r#"{"__type":"InvalidInput","message":"bad id"}"#),
            ErrorKind::InvalidInput,
            "InvalidInput",
        ),
        (
            fail(400, r#"{"__type":"DuplicateRequest","message":"again"}"#),
            ErrorKind::Duplicate,
            "DuplicateRequest",
        ),
        (
            fail(400, r#"{"__type":"TLDRulesViolation","message":"no"}"#),
            ErrorKind::InvalidInput,
            "TLDRulesViolation",
        ),
        (
            fail(
                400,
                r#"{"__type":"OperationLimitExceeded","message":"later"}"#,
            ),
            ErrorKind::Api,
            "OperationLimitExceeded",
        ),
        (
            fail(
                403,
                r#"{"__type":"InvalidSignatureException","message":"no"}"#,
            ),
            ErrorKind::Auth,
            "InvalidSignatureException",
        ),
        (
            Answer(
                403,
                vec![(
                    "x-amzn-errortype",
                    "UnrecognizedClientException:http://internal.amazon.com/".into(),
                )],
                String::new(),
            ),
            ErrorKind::Auth,
            "UnrecognizedClientException",
        ),
    ];
    for (answer, kind, code) in cases {
        let (url, _) = serve(vec![answer]).await;
        let err = client(&url)
            .call::<_, serde_json::Value>(
                "DeleteDomain",
                &serde_json::json!({"DomainName": "example.com"}),
                Idempotency::NonIdempotent,
            )
            .await
            .unwrap_err();
        assert_eq!(*err.kind(), kind, "{err}");
        assert_eq!(err.provider_code(), Some(code), "{err}");
        assert_eq!(err.provider(), Some("route53"));
    }
}

#[tokio::test]
async fn success_bodies_are_read_tolerantly_and_bad_ones_are_protocol_errors() {
    // Any content type, explicit nulls, fields this version does not know.
    let (url, _) = serve(vec![Answer(
        200,
        vec![("content-type", "text/plain".into())],
        r#"{"Operations":[{"OperationId":"a","Status":"PAUSED","Type":null,"New":1}],"NextPageMarker":null}"#
            .into(),
    )])
    .await;
    let page = client(&url)
        .list_operations(&Default::default())
        .await
        .unwrap();
    let ops = page.operations.unwrap();
    assert_eq!(ops[0].status.as_ref().unwrap().as_str(), "PAUSED");

    let (url, _) = serve(vec![ok("<html>proxy says hi</html>")]).await;
    let err = client(&url).get_operation_detail("a").await.unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Protocol);
    assert!(err.excerpt().unwrap().contains("proxy says hi"));

    let big = format!(r#"{{"Message":"{}"}}"#, "x".repeat(4096));
    let (url, _) = serve(vec![ok(&big)]).await;
    let small = Route53Client::builder(Credentials::new(Secret::new(AKID), Secret::new(SECRET)))
        .endpoint(&url)
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let err = small.get_operation_detail("a").await.unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Protocol, "{err}");
}

#[tokio::test]
async fn secrets_stay_out_of_errors_and_debug() {
    let echo = format!(
        r#"{{"__type":"InvalidSignatureException","message":"key {SECRET} token {TOKEN} id {AKID}"}}"#
    );
    let (url, _) = serve(vec![fail(403, &echo)]).await;
    let c = client(&url);
    let err = c.get_operation_detail("a").await.unwrap_err();
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        format!("{c:?}"),
        err.excerpt().unwrap_or_default().to_owned(),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains(AKID), "{shown}");
    }
    assert!(
        err.to_string().contains("key "),
        "the rest of the message is kept: {err}"
    );
}

#[tokio::test]
async fn renew_transfer_and_resend_send_their_members_once() {
    use regops_route53::generated::{
        ContactDetail, Nameserver, RenewDomainRequest, TransferDomainRequest,
    };
    use regops_route53::wire::SecretString;

    let (url, script) = serve(vec![
        ok(r#"{"OperationId":"r-1"}"#),
        ok(r#"{"OperationId":"r-1","Status":"SUBMITTED","Type":"RENEW_DOMAIN","DomainName":"example.com"}"#),
        ok(r#"{"OperationId":"t-1"}"#),
        ok(r#"{"OperationId":"t-1","Status":"IN_PROGRESS","Type":"TRANSFER_IN_DOMAIN","StatusFlag":"PENDING_AUTHORIZATION"}"#),
        ok("{}"),
    ])
    .await;
    let c = client(&url);

    let mut renew = RenewDomainRequest::new("example.com".into(), 2027);
    renew.duration_in_years = Some(2);
    let op = c.renew_domain(&renew).await.unwrap();
    assert_eq!(op.kind.as_deref(), Some("RENEW_DOMAIN"));
    assert_eq!(op.status, OperationStatus::Pending);

    let contact = ContactDetail {
        email: Some("a@example.com".into()),
        ..ContactDetail::default()
    };
    let mut transfer = TransferDomainRequest::new(
        "example.org".into(),
        1,
        contact.clone(),
        contact.clone(),
        contact,
    );
    transfer.auth_code = Some(SecretString::from("s3cr3t-auth-code"));
    let mut ns = Nameserver::new("ns1.example.net".into());
    ns.glue_ips = Some(vec!["192.0.2.1".into()]);
    transfer.nameservers = Some(vec![ns]);
    assert!(!format!("{transfer:?}").contains("s3cr3t-auth-code"));
    let op = c.transfer_domain(&transfer).await.unwrap();
    assert_eq!(op.status, OperationStatus::ActionRequired);
    assert!(
        op.action_required
            .unwrap()
            .starts_with("PENDING_AUTHORIZATION")
    );

    c.resend_operation_authorization("t-1").await.unwrap();

    let sent = seen(&script);
    let calls: Vec<&str> = sent
        .iter()
        .map(|s| s.target.trim_start_matches("Route53Domains_v20140515."))
        .collect();
    assert_eq!(
        calls,
        [
            "RenewDomain",
            "GetOperationDetail",
            "TransferDomain",
            "GetOperationDetail",
            "ResendOperationAuthorization"
        ]
    );
    let body = |i: usize| serde_json::from_str::<serde_json::Value>(&sent[i].body).unwrap();
    assert_eq!(
        body(0),
        serde_json::json!({"DomainName": "example.com", "DurationInYears": 2, "CurrentExpiryYear": 2027})
    );
    let t = body(2);
    assert_eq!(t["AuthCode"], "s3cr3t-auth-code", "the secret is sent");
    assert_eq!(t["DurationInYears"], 1);
    assert_eq!(
        t["Nameservers"],
        serde_json::json!([{"Name": "ns1.example.net", "GlueIps": ["192.0.2.1"]}])
    );
    assert_eq!(
        t["AdminContact"],
        serde_json::json!({"Email": "a@example.com"})
    );
    assert_eq!(body(4), serde_json::json!({"OperationId": "t-1"}));
}
