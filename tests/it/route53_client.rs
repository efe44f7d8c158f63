//! regops-route53's client over HTTP against a scripted server: what is retried and what is sent once,
//! throttling, error decoding from the body or the header, tolerant success bodies, the body
//! limit, and secrets kept out of errors and `Debug`.

use regops_core::{ErrorKind, Idempotency, OperationStatus, Secret};
use regops_route53::{Credentials, Route53Client};
use regops_tests::{Answer, ScriptedServer, fast_retry};

const AKID: &str = "AKIDSCRIPTED00000000";
const SECRET: &str = "scripted-secret-access-key-0123456789";
const TOKEN: &str = "scripted-session-token-0123456789";

const JSON: &str = "application/x-amz-json-1.1";

fn ok(body: &str) -> Answer {
    Answer::new(200, JSON, body)
}

fn fail(status: u16, body: &str) -> Answer {
    Answer::new(status, JSON, body)
}

/// What a starting call answered, as the backend converts it.
fn started(s: regops_route53::Started) -> regops_core::Operation {
    regops_route53::convert::started_operation(s).unwrap()
}

fn client(url: &str) -> Route53Client {
    Route53Client::builder(
        Credentials::new(Secret::new(AKID), Secret::new(SECRET)).session_token(Secret::new(TOKEN)),
    )
    .endpoint(url)
    .no_rate_limit()
    .retry(fast_retry())
    .build()
    .unwrap()
}

const DETAIL: &str = r#"{"OperationId":"op-1","Status":"IN_PROGRESS","Type":"DELETE_DOMAIN",
    "DomainName":"example.com","SubmittedDate":1573749367.864,"StatusFlag":null}"#;

#[tokio::test]
async fn a_read_is_retried_after_a_server_error_and_signed_again() {
    let server = ScriptedServer::start(vec![fail(503, ""), fail(500, "oops"), ok(DETAIL)]);
    let detail = client(server.url())
        .get_operation_detail("op-1")
        .await
        .unwrap();
    assert_eq!(detail.operation_id.as_deref(), Some("op-1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(
            s.header("x-amz-target"),
            "Route53Domains_v20140515.GetOperationDetail"
        );
        assert!(
            s.header("authorization")
                .starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/")),
            "{}",
            s.header("authorization")
        );
        assert!(
            s.header("authorization")
                .contains("/us-east-1/route53domains/aws4_request")
        );
        assert_eq!(s.header("x-amz-security-token"), TOKEN);
        assert_eq!(s.text(), r#"{"OperationId":"op-1"}"#);
    }
}

#[tokio::test]
async fn a_call_that_starts_an_operation_is_never_resent() {
    let server = ScriptedServer::start(vec![fail(500, "")]);
    let err = client(server.url())
        .delete_domain("example.com")
        .await
        .unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert!(err.is_transport(), "{err}");
    // The deletion once; then only reads, looking for what it may have started.
    let sent = server.seen();
    let targets: Vec<&str> = sent.iter().map(|s| s.header("x-amz-target")).collect();
    assert_eq!(
        targets[0], "Route53Domains_v20140515.DeleteDomain",
        "{targets:?}"
    );
    assert!(
        targets[1..]
            .iter()
            .all(|t| *t == "Route53Domains_v20140515.ListOperations"),
        "{targets:?}"
    );
    assert!(err.to_string().contains("not sent again"), "{err}");

    // Not even when throttled: the answer says it was not done, but the caller decides.
    let server = ScriptedServer::start(vec![fail(
        400,
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    )]);
    let err = client(server.url())
        .delete_domain("example.com")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_started_operation_is_read_back_and_never_lost() {
    let server = ScriptedServer::start(vec![ok(r#"{"OperationId":"op-1"}"#), ok(DETAIL)]);
    let op = started(
        client(server.url())
            .delete_domain("example.com")
            .await
            .unwrap(),
    );
    assert_eq!(op.id.as_str(), "op-1");
    assert_eq!(op.status, OperationStatus::InProgress);
    let targets: Vec<String> = server
        .seen()
        .into_iter()
        .map(|s| s.header("x-amz-target").to_owned())
        .collect();
    assert_eq!(
        targets,
        [
            "Route53Domains_v20140515.DeleteDomain",
            "Route53Domains_v20140515.GetOperationDetail"
        ]
    );

    // The read back fails: the operation is still returned, as submitted.
    let server = ScriptedServer::start(vec![ok(r#"{"OperationId":"op-2"}"#), fail(500, "")]);
    let op = started(
        client(server.url())
            .delete_domain("example.com")
            .await
            .unwrap(),
    );
    assert_eq!(op.id.as_str(), "op-2");
    assert_eq!(op.status, OperationStatus::Pending);
    assert_eq!(op.raw_status, "SUBMITTED");
    assert_eq!(op.kind.as_deref(), Some("DELETE_DOMAIN"));
    assert_eq!(op.target.as_deref(), Some("example.com"));
}

#[tokio::test]
async fn throttling_is_retried_for_reads_honouring_retry_after() {
    let throttled = fail(
        400,
        r#"{"__type":"com.amazonaws.route53domains#ThrottlingException","message":"slow down"}"#,
    )
    .header("retry-after", "0");
    let server = ScriptedServer::start(vec![throttled.clone(), ok(DETAIL)]);
    client(server.url())
        .get_operation_detail("op-1")
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 2);

    let server = ScriptedServer::start(vec![throttled]);
    let err = client(server.url())
        .get_operation_detail("op-1")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.provider_code(), Some("ThrottlingException"));
    assert_eq!(server.seen().len(), 3, "every attempt of the policy");
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
            fail(403, "").header(
                "x-amzn-errortype",
                "UnrecognizedClientException:http://internal.amazon.com/",
            ),
            ErrorKind::Auth,
            "UnrecognizedClientException",
        ),
    ];
    for (answer, kind, code) in cases {
        let server = ScriptedServer::start(vec![answer]);
        let err = client(server.url())
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
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "text/plain",
        r#"{"Operations":[{"OperationId":"a","Status":"PAUSED","Type":null,"New":1}],"NextPageMarker":null}"#,
    )]);
    let page = client(server.url())
        .list_operations(&Default::default())
        .await
        .unwrap();
    let ops = page.operations.unwrap();
    assert_eq!(ops[0].status.as_ref().unwrap().as_str(), "PAUSED");

    let server = ScriptedServer::start(vec![ok("<html>proxy says hi</html>")]);
    let err = client(server.url())
        .get_operation_detail("a")
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Protocol);
    assert!(err.excerpt().unwrap().contains("proxy says hi"));

    let big = format!(r#"{{"Message":"{}"}}"#, "x".repeat(4096));
    let server = ScriptedServer::start(vec![ok(&big)]);
    let small = Route53Client::builder(Credentials::new(Secret::new(AKID), Secret::new(SECRET)))
        .endpoint(server.url())
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
    let server = ScriptedServer::start(vec![fail(403, &echo)]);
    let c = client(server.url());
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

    let server = ScriptedServer::start(vec![
        ok(r#"{"OperationId":"r-1"}"#),
        ok(
            r#"{"OperationId":"r-1","Status":"SUBMITTED","Type":"RENEW_DOMAIN","DomainName":"example.com"}"#,
        ),
        ok(r#"{"OperationId":"t-1"}"#),
        ok(
            r#"{"OperationId":"t-1","Status":"IN_PROGRESS","Type":"TRANSFER_IN_DOMAIN","StatusFlag":"PENDING_AUTHORIZATION"}"#,
        ),
        ok("{}"),
    ]);
    // The backend's calls answer core operations, converted from what the client read.
    let c = regops_route53::Route53Backend::new(client(server.url()));

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
        contact.clone(),
        contact.clone(),
        contact,
    );
    transfer.duration_in_years = Some(1);
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

    c.client()
        .resend_operation_authorization("t-1")
        .await
        .unwrap();

    let sent = server.seen();
    let calls: Vec<&str> = sent
        .iter()
        .map(|s| {
            s.header("x-amz-target")
                .trim_start_matches("Route53Domains_v20140515.")
        })
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
    let body = |i: usize| sent[i].json();
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
