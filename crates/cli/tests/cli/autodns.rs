//! `regops --account A --json domain cancel` and `ops show|cancel` against a loopback server
//! replaying the AutoDNS reference answers, for a JSON API account and an XML gateway account
//! (docs/cli.md).

use super::{json, stderr};
use regops_tests::{Answer, Scratch, ScriptedServer, root};
use std::path::Path;
use std::process::Output;

const PASSWORD: &str = "password";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("crates/rest/tests/fixtures").join(name)).unwrap()
}

fn config(dir: &Path, url: &str) {
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            r#"
[accounts.json]
provider = "autodns"
endpoint = "{url}/v1"
user = "customer"
password = {{ env = "TEST_AUTODNS_PASSWORD" }}
requests_per_second = 50

[accounts.xml]
provider = "autodns"
endpoint = "{url}/gateway"
user = "customer"
password = {{ env = "TEST_AUTODNS_PASSWORD" }}
context = 4
"#
        ),
    )
    .unwrap();
}

fn regops(dir: &Path, args: &[&str]) -> Output {
    super::command(dir)
        .args(args)
        .env("TEST_AUTODNS_PASSWORD", PASSWORD)
        .output()
        .expect("run regops")
}

#[test]
fn domain_cancel_prints_the_operation_for_both_protocols() {
    let scratch = Scratch::new("cli-autodns");
    let dir = scratch.path();

    // JSON API: the reference answer (its NOTIFY version), a cancelation at expiry.
    let server = ScriptedServer::start(vec![Answer::json(fixture("json-create-notify.json"))]);
    config(dir, server.url());
    let out = regops(
        dir,
        &[
            "--account",
            "json",
            "--json",
            "domain",
            "cancel",
            "example.com",
            "--execution",
            "expire",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json(&out),
        serde_json::json!({
            "account": "json", "provider": "autodns", "id": "example.com",
            "status": "pending", "raw_status": "N0103101", "type": "cancelation_delete",
            "target": "example.com", "submitted_at": "2019-07-01T08:44:26Z", "started_at": null,
            "updated_at": "2019-07-01T08:44:26Z", "scheduled_at": "2019-08-17T12:27:31Z",
            "eta_seconds": null, "message": "Domain cancelation task was transmitted.",
            "error": null, "action_required": null
        })
    );
    let sent = server.seen();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].uri, "/v1/domain/example.com/cancelation");
    assert_eq!(sent[0].header("x-domainrobot-context"), "4");
    assert_eq!(
        sent[0].json(),
        serde_json::json!({"domain": "example.com", "type": "DELETE", "execution": "EXPIRE"})
    );
    drop(server);

    // XML gateway: the reference answer names a job, which becomes the id.
    let server = ScriptedServer::start(vec![Answer::new(
        200,
        "text/xml",
        fixture("xml-create-response.xml"),
    )]);
    config(dir, server.url());
    let out = regops(
        dir,
        &[
            "--account",
            "xml",
            "--json",
            "domain",
            "cancel",
            "example.com",
            "--execution",
            "expire",
            "--disconnect",
            "--reply-to",
            "customer@example.com",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let op = json(&out);
    assert_eq!(op["id"], "4295210830");
    assert_eq!(op["account"], "xml");
    assert_eq!(op["status"], "in_progress");
    assert_eq!(op["raw_status"], "N0103");
    assert_eq!(op["scheduled_at"], "2018-02-13T14:19:44Z");
    assert_eq!(
        server.seen()[0].text(),
        String::from_utf8(fixture("xml-create-request.xml")).unwrap(),
        "the reference request, byte for byte"
    );
    drop(server);

    // An ERROR envelope: exit 3, one line with the codes; the create was sent once.
    let server = ScriptedServer::start(vec![Answer::new(
        400,
        "application/json",
        fixture("json-error.json"),
    )]);
    config(dir, server.url());
    let out = regops(
        dir,
        &["--account", "json", "domain", "cancel", "example.com"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("E0103101") && err.contains("EF01010"), "{err}");
    assert_eq!(server.seen().len(), 1);
    drop(server);

    // ops show of a domain reads its cancelation; of digits, the job.
    let server = ScriptedServer::start(vec![
        Answer::json(fixture("json-cancelation-info.json")),
        Answer::json(fixture("json-job-success.json")),
    ]);
    config(dir, server.url());
    let out = regops(
        dir,
        &["--account", "json", "--json", "ops", "show", "example.com"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "pending");
    let out = regops(
        dir,
        &["--account", "json", "--json", "ops", "show", "4295210830"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "succeeded");
    let uris: Vec<String> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris,
        ["/v1/domain/example.com/cancelation", "/v1/job/4295210830"]
    );

    drop(server);

    // ops cancel on a domain withdraws its cancelation; read back, it is cancelled.
    let deleted = serde_json::json!({"status": {"code": "S0103103", "text": "Domain cancelation has been deleted successfully.", "type": "SUCCESS"}});
    let gone = serde_json::json!({"status": {"code": "E0103104", "text": "Domain cancelation could not be inquired.", "type": "ERROR"}});
    let server = ScriptedServer::start(vec![
        Answer::json(deleted.to_string()),
        Answer::new(404, "application/json", gone.to_string()),
    ]);
    config(dir, server.url());
    let out = regops(
        dir,
        &[
            "--account",
            "json",
            "--json",
            "ops",
            "cancel",
            "example.com",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let op = json(&out);
    assert_eq!(op["status"], "cancelled");
    assert_eq!(op["id"], "example.com");
    let methods: Vec<String> = server.seen().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["DELETE", "GET"]);
}
