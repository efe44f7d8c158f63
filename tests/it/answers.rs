//! Answers checked against the question, on a scripted server that lies: an operation read by
//! id must be that operation (Gandi, Netim, Route 53, AutoDNS), an empty success answer from
//! Route 53 is an error, not an operation made up from nothing, and XML holding characters XML
//! forbids (NUL) is refused on every XML protocol (Gandi, and the shared reader of Netim and the
//! AutoDNS gateway). A certificate read by id must be that certificate too (Gandi, Netim).

use regops_core::{
    Backend, CertificateBackend, CertificateId, ErrorKind, OperationId, RetryPolicy, Secret,
};
use regops_tests::{Answer, ScriptedServer};

fn gandi_answer(id: &str) -> Answer {
    Answer::new(
        200,
        "text/xml",
        format!(
            "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>\
             <member><name>id</name><value><int>{id}</int></value></member>\
             <member><name>step</name><value><string>DONE</string></value></member>\
             </struct></value></param></params></methodResponse>"
        ),
    )
}

fn gandi(url: &str) -> regops_xmlrpc::GandiBackend {
    regops_xmlrpc::GandiBackend::new(
        regops_xmlrpc::GandiClient::builder(Secret::new("scriptedkey0123456789abc"))
            .endpoint(url)
            .no_rate_limit()
            .retry(RetryPolicy::never())
            .build()
            .unwrap(),
    )
}

fn route53(url: &str) -> regops_route53::Route53Backend {
    regops_route53::Route53Backend::new(
        regops_route53::Route53Client::builder(regops_route53::Credentials::new(
            Secret::new("AKIDSCRIPTED00000000"),
            Secret::new("scripted-secret-access-key"),
        ))
        .endpoint(url)
        .no_rate_limit()
        .retry(RetryPolicy::never())
        .build()
        .unwrap(),
    )
}

fn autodns(url: &str) -> regops_rest::AutoDnsBackend {
    regops_rest::AutoDnsBackend::new(
        regops_rest::AutoDnsClient::builder("scripted", Secret::new("scripted-password"))
            .endpoint(url)
            .no_rate_limit()
            .retry(RetryPolicy::never())
            .build()
            .unwrap(),
    )
}

fn protocol_error(r: regops_core::Result<regops_core::Operation>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Protocol, "{e}");
    e.to_string()
}

#[tokio::test]
async fn gandi_an_answer_about_another_operation_is_refused() {
    let server = ScriptedServer::start(vec![gandi_answer("1")]);
    let op = gandi(server.url())
        .operation(&OperationId::new("1"))
        .await
        .unwrap();
    assert_eq!(op.id.as_str(), "1");
    let server = ScriptedServer::start(vec![gandi_answer("-1")]);
    let text = protocol_error(gandi(server.url()).operation(&OperationId::new("1")).await);
    assert!(text.contains("\"-1\", not 1"), "{text}");
}

#[tokio::test]
async fn route53_an_empty_answer_or_another_operation_is_refused() {
    let json = "application/x-amz-json-1.1";
    let server = ScriptedServer::start(vec![Answer::new(200, json, "")]);
    let text = protocol_error(
        route53(server.url())
            .operation(&OperationId::new("op-1"))
            .await,
    );
    assert!(text.contains("no Status"), "{text}");
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        json,
        r#"{"OperationId":"op-2","Status":"SUCCESSFUL","Type":"REGISTER_DOMAIN"}"#,
    )]);
    let text = protocol_error(
        route53(server.url())
            .operation(&OperationId::new("op-1"))
            .await,
    );
    assert!(text.contains("\"op-2\", not op-1"), "{text}");
}

#[tokio::test]
async fn autodns_an_answer_about_another_job_is_refused() {
    let job = |id: &str| {
        Answer::json(format!(
            r#"{{"status":{{"code":"S0105","type":"SUCCESS"}},"data":[{{"id":{id},"status":"RUNNING"}}]}}"#
        ))
    };
    let server = ScriptedServer::start(vec![job("4295210830")]);
    let op = autodns(server.url())
        .operation(&OperationId::new("4295210830"))
        .await
        .unwrap();
    assert_eq!(op.id.as_str(), "4295210830");
    let server = ScriptedServer::start(vec![job("77")]);
    protocol_error(
        autodns(server.url())
            .operation(&OperationId::new("4295210830"))
            .await,
    );
}

#[tokio::test]
async fn xml_holding_a_nul_is_refused() {
    let body = "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>\
         <member><name>id</name><value><int>1</int></value></member>\
         <member><name>step</name><value><string>DO\u{0}NE</string></value></member>\
         </struct></value></param></params></methodResponse>";
    let server = ScriptedServer::start(vec![Answer::new(200, "text/xml", body)]);
    let text = protocol_error(gandi(server.url()).operation(&OperationId::new("1")).await);
    assert!(text.contains("U+0000"), "{text}");

    let gateway = "<?xml version=\"1.0\"?><response><result><status><code>S0103104</code>\
         <type>success</type></status><data><cancelation><domain>a\u{0}.example</domain>\
         </cancelation></data></result></response>";
    let server = ScriptedServer::start(vec![Answer::new(200, "text/xml", gateway)]);
    let text = protocol_error(
        autodns(&format!("{}/gateway", server.url()))
            .operation(&OperationId::new("a.example"))
            .await,
    );
    assert!(text.contains("U+0000"), "{text}");
}

#[test]
fn an_autodns_id_too_long_for_an_integer_is_refused_not_rounded() {
    let body = br#"{"status":{"type":"SUCCESS"},"data":[{"id":12345678901234567890123,"status":"RUNNING"}]}"#;
    let e = regops_rest::decode_envelope::<regops_rest::generated::Job>(body).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Protocol, "{e}");
    assert!(e.to_string().contains("read exactly"), "{e}");
}

fn netim(url: &str) -> regops_soap::NetimBackend {
    regops_soap::NetimBackend::new(
        regops_soap::NetimClient::builder("RESELLER1", Secret::new("scripted-password"))
            .endpoint(url)
            .no_rate_limit()
            .retry(RetryPolicy::never())
            .build()
            .unwrap(),
    )
}

/// A session, then `query_ope` answering `ope` (the text inside `<return>`).
fn netim_answers(ope: &str) -> Vec<Answer> {
    let envelope = |call: &str, inner: &str| {
        Answer::new(
            200,
            "text/xml; charset=utf-8",
            format!(
                "<Envelope><Body><{call}Response><return>{inner}</return></{call}Response></Body></Envelope>"
            ),
        )
    };
    vec![
        envelope("sessionOpen", "0123456789abcdef0123456789abcdef"),
        envelope("queryOpe", ope),
    ]
}

#[tokio::test]
async fn netim_an_answer_about_another_operation_or_with_a_nul_is_refused() {
    let good = "<ID_OPE>1</ID_OPE><STATUS>Done</STATUS><TYPE>domainRenew</TYPE>";
    let server = ScriptedServer::start(netim_answers(good));
    let op = netim(server.url())
        .operation(&OperationId::new("1"))
        .await
        .unwrap();
    assert_eq!(op.id.as_str(), "1");

    let other = "<ID_OPE>77</ID_OPE><STATUS>Done</STATUS><TYPE>domainRenew</TYPE>";
    let server = ScriptedServer::start(netim_answers(other));
    let text = protocol_error(netim(server.url()).operation(&OperationId::new("1")).await);
    assert!(text.contains("\"77\", not 1"), "{text}");

    let nul = "<ID_OPE>1</ID_OPE><STATUS>Do\u{0}ne</STATUS>";
    let server = ScriptedServer::start(netim_answers(nul));
    let text = protocol_error(netim(server.url()).operation(&OperationId::new("1")).await);
    assert!(text.contains("U+0000"), "{text}");
}

#[tokio::test]
async fn a_certificate_read_by_id_must_be_that_certificate() {
    let cert = |id: &str| {
        Answer::new(
            200,
            "text/xml",
            format!(
                "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>\
                 <member><name>id</name><value><int>{id}</int></value></member>\
                 <member><name>cn</name><value><string>shop.example</string></value></member>\
                 <member><name>status</name><value><string>valid</string></value></member>\
                 </struct></value></param></params></methodResponse>"
            ),
        )
    };
    let asked = CertificateId::new("7");
    let server = ScriptedServer::start(vec![cert("7")]);
    let got = gandi(server.url()).certificate(&asked).await.unwrap();
    assert_eq!(got.id.as_str(), "7");
    let server = ScriptedServer::start(vec![cert("999")]);
    let e = gandi(server.url()).certificate(&asked).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Protocol, "{e}");
    assert!(e.to_string().contains("certificate \"999\", not 7"), "{e}");

    let mut netim_answers = netim_answers("");
    netim_answers.pop();
    let ssl = |id: &str| {
        Answer::new(
            200,
            "text/xml; charset=utf-8",
            format!(
                "<Envelope><Body><sslInfoResponse><return><IDSSL>{id}</IDSSL>\
                 <STATUS>Active</STATUS><CN>shop.example</CN></return></sslInfoResponse></Body></Envelope>"
            ),
        )
    };
    let mut good = netim_answers.clone();
    good.push(ssl("7"));
    let server = ScriptedServer::start(good);
    let got = netim(server.url()).certificate(&asked).await.unwrap();
    assert_eq!(got.id.as_str(), "7");
    netim_answers.push(ssl("8"));
    let server = ScriptedServer::start(netim_answers);
    let e = netim(server.url()).certificate(&asked).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Protocol, "{e}");
    assert!(e.to_string().contains("certificate \"8\", not 7"), "{e}");
}

/// A provider's error text of 100 KB makes one bounded line on every protocol, its text shown
/// once (not again as the excerpt of the body).
#[tokio::test]
async fn every_protocol_bounds_a_huge_error_to_one_line() {
    let huge = "overlong-".repeat(11_000);
    let xml = "text/xml";
    let gandi_fault = Answer::new(
        200,
        xml,
        format!(
            "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
             <member><name>faultCode</name><value><int>510042</int></value></member>\
             <member><name>faultString</name><value><string>{huge}</string></value></member>\
             </struct></value></fault></methodResponse>"
        ),
    );
    let netim_fault = Answer::new(
        500,
        "text/xml; charset=utf-8",
        format!(
            "<Envelope><Body><Fault><faultcode>SOAP-ENV:Server</faultcode>\
             <faultstring>{huge}</faultstring></Fault></Body></Envelope>"
        ),
    );
    let route53_error = Answer::new(
        400,
        "application/x-amz-json-1.1",
        format!("{{\"__type\":\"{huge}\",\"message\":\"{huge}\"}}"),
    );
    let autodns_error = Answer::new(
        400,
        "application/json",
        format!(
            "{{\"status\":{{\"code\":\"E0105101\",\"text\":\"{huge}\",\"type\":\"ERROR\"}},\
             \"messages\":[{{\"text\":\"{huge}\",\"code\":\"EF0105101\",\"status\":\"ERROR\"}}]}}"
        ),
    );
    let id = OperationId::new("4200003");
    let errors = [
        (
            "gandi",
            gandi(ScriptedServer::start(vec![gandi_fault]).url())
                .operation(&id)
                .await,
        ),
        (
            "netim",
            netim(ScriptedServer::start(vec![netim_fault]).url())
                .operation(&id)
                .await,
        ),
        (
            "route53",
            route53(ScriptedServer::start(vec![route53_error]).url())
                .operation(&id)
                .await,
        ),
        (
            "autodns",
            autodns(ScriptedServer::start(vec![autodns_error]).url())
                .operation(&id)
                .await,
        ),
    ];
    for (name, result) in errors {
        let line = result.unwrap_err().to_string();
        assert!(!line.contains('\n'), "{name}: one line");
        assert!(
            line.chars().count() <= regops_core::error::LINE_CHARS,
            "{name}: {} characters",
            line.chars().count()
        );
        assert!(
            line.contains("overlong-"),
            "{name}: the provider's text is shown: {line}"
        );
    }
}
