//! `regops --account A --json ops list|show` and `domain cancel` against moto in server mode,
//! with boto3 starting the operations (docs/cli.md, docs/testing.md).

use super::{error_line, json, stderr};
use regops_tests::{PeerServer, Scratch, boto3, moto_peer};
use std::path::Path;
use std::process::Output;

const SECRET: &str = "cli-moto-secret-0123456789";
const TOKEN: &str = "cli-moto-session-token-0123456789";

fn config(dir: &Path, url: &str) {
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            r#"
[accounts.aws]
provider = "route53"
endpoint = "{url}"
region = "us-east-1"

[accounts.other]
provider = "route53"
endpoint = "{url}"
access_key_id = {{ env = "OTHER_AWS_KEY_ID" }}
secret_access_key = {{ env = "OTHER_AWS_SECRET" }}
"#
        ),
    )
    .unwrap();
}

fn regops(dir: &Path, args: &[&str]) -> Output {
    super::command(dir)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDCLIMOTO")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("RUST_LOG", "debug")
        .output()
        .expect("run regops")
}

fn no_secrets(out: &Output) {
    for text in [
        stderr(out),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ] {
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
    }
}

fn boto3_register(server: &PeerServer, domain: &str) -> String {
    boto3(server, &["register", domain])
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn ops_and_domain_cancel_against_moto() {
    let Some(server) = moto_peer("ops_and_domain_cancel_against_moto", None) else {
        return;
    };
    let scratch = Scratch::new("cli-route53");
    let dir = scratch.path();
    config(dir, server.url());

    let churned = boto3(&server, &["churn", "cli", "3"]);
    let kept = boto3_register(&server, "kept.com");

    // list: everything, newest first, the operation objects of docs/cli.md.
    let out = regops(dir, &["--account", "aws", "--json", "ops", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_secrets(&out);
    let list = json(&out);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 7, "{list:?}");
    assert_eq!(list[0]["id"].as_str(), Some(kept.as_str()), "newest first");
    let times: Vec<&str> = list
        .iter()
        .map(|o| o["submitted_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    for id in churned.as_array().unwrap() {
        assert!(list.iter().any(|o| &o["id"] == id), "{id} not listed");
    }

    // show: the object boto3 reads, in our vocabulary.
    let out = regops(dir, &["--account", "aws", "--json", "ops", "show", &kept]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_secrets(&out);
    let shown = json(&out);
    let theirs = boto3(&server, &["get", &kept]);
    let submitted = chrono::DateTime::from_timestamp_millis(
        (theirs["SubmittedDate"].as_f64().unwrap() * 1000.0).round() as i64,
    )
    .unwrap();
    let updated = chrono::DateTime::from_timestamp_millis(
        (theirs["LastUpdatedDate"].as_f64().unwrap() * 1000.0).round() as i64,
    )
    .unwrap();
    let iso =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    assert_eq!(
        shown,
        serde_json::json!({
            "account": "aws", "provider": "route53", "id": kept,
            "status": "succeeded", "raw_status": "SUCCESSFUL", "type": "REGISTER_DOMAIN",
            "target": "kept.com", "submitted_at": iso(submitted), "started_at": null,
            "updated_at": iso(updated), "scheduled_at": null, "eta_seconds": null,
            "message": null, "error": null, "action_required": null
        })
    );

    // An id moto does not know: exit 3, one line.
    let out = regops(
        dir,
        &[
            "--account",
            "aws",
            "ops",
            "show",
            "6f1b1b1e-0000-0000-0000-000000000000",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    error_line(&out);

    // domain cancel: only delete/now, said with exit 2 and nothing sent.
    let out = regops(dir, &["--account", "aws", "domain", "cancel", "kept.com"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--type delete --execution now"),
        "{}",
        stderr(&out)
    );
    let out = regops(
        dir,
        &[
            "--account",
            "aws",
            "--json",
            "domain",
            "cancel",
            "kept.com",
            "--type",
            "delete",
            "--execution",
            "now",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_secrets(&out);
    let deleted = json(&out);
    assert_eq!(deleted["type"], "DELETE_DOMAIN");
    assert_eq!(deleted["target"], "kept.com");
    assert_eq!(deleted["status"], "succeeded");
    let theirs = boto3(&server, &["get", deleted["id"].as_str().unwrap()]);
    assert_eq!(theirs["Type"], "DELETE_DOMAIN");
    assert_eq!(theirs["DomainName"], "kept.com");

    // An account naming its own credential variables, and one whose variables are missing.
    let out = super::command(dir)
        .args([
            "--account",
            "other",
            "--json",
            "ops",
            "list",
            "--limit",
            "2",
        ])
        .env("OTHER_AWS_KEY_ID", "AKIDOTHER")
        .env("OTHER_AWS_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out).as_array().map(Vec::len), Some(2));
    let out = super::command(dir)
        .args(["--account", "aws", "ops", "list"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("AWS_ACCESS_KEY_ID"), "{err}");
}

/// `domain register` with a contacts file and `domain nameservers` against moto: what boto3
/// then reads of the domain is what regops sent; a name server at registration (which Route 53
/// takes none of) and a provider without the calls are refused before anything is sent.
#[test]
fn domain_register_and_nameservers_against_moto() {
    let Some(server) = moto_peer("domain_register_and_nameservers_against_moto", None) else {
        return;
    };
    let scratch = Scratch::new("cli-route53-domain");
    let dir = scratch.path();
    config(dir, server.url());
    let contacts = dir.join("contacts.toml");
    std::fs::write(
        &contacts,
        "[registrant]\nfirst_name = \"Grace\"\nlast_name = \"Hopper\"\ncontact_type = \"person\"\n\
         address_line_1 = \"1 Harbour Road\"\ncity = \"Arlington\"\ncountry_code = \"us\"\n\
         zip_code = \"22201\"\nphone_number = \"+1.7035550100\"\nemail = \"grace@example.com\"\n",
    )
    .unwrap();
    let contacts_arg = contacts.to_string_lossy().into_owned();
    let out = regops(
        dir,
        &[
            "--account",
            "aws",
            "--json",
            "domain",
            "register",
            "hopper.com",
            "--contacts",
            &contacts_arg,
            "--years",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_secrets(&out);
    let op = json(&out);
    assert_eq!(op["type"], "REGISTER_DOMAIN");
    assert_eq!(op["target"], "hopper.com");
    let theirs = boto3(&server, &["get", op["id"].as_str().unwrap()]);
    assert_eq!(theirs["DomainName"], "hopper.com", "{theirs}");
    let domain = boto3(&server, &["domain", "hopper.com"]);
    let registrant = &domain["RegistrantContact"];
    assert_eq!(registrant["FirstName"], "Grace", "{domain}");
    assert_eq!(
        registrant["ContactType"], "PERSON",
        "upper case on the wire"
    );
    assert_eq!(registrant["CountryCode"], "US");
    assert_eq!(
        domain["AdminContact"]["Email"], "grace@example.com",
        "the registrant's"
    );

    let out = regops(
        dir,
        &[
            "--account",
            "aws",
            "--json",
            "domain",
            "nameservers",
            "hopper.com",
            "ns1.example.net",
            "ns2.example.net",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["type"], "UPDATE_NAMESERVER");
    let domain = boto3(&server, &["domain", "hopper.com"]);
    let names: Vec<&str> = domain["Nameservers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ns1.example.net", "ns2.example.net"]);

    // Refused before anything is sent: exit 2, one line.
    let before = boto3(&server, &["list"]).as_array().unwrap().len();
    let out = regops(
        dir,
        &[
            "--account",
            "aws",
            "domain",
            "register",
            "other.com",
            "--contacts",
            &contacts_arg,
            "--nameserver",
            "ns1.example.net",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(error_line(&out).contains("takes no name servers"));
    let after = boto3(&server, &["list"]).as_array().unwrap().len();
    assert_eq!(before, after, "nothing was started");
}

/// A transfer on the sandbox waits for its authorization (`action_required`, the remedy named)
/// until `domain resend-authorization`; then it goes on and succeeds. Resending for an operation
/// that waits for nothing is Route 53's error (exit 3); the authorization code is never shown.
#[test]
fn a_transfer_waits_for_its_authorization_until_it_is_resent() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(regops_sim::Sim::start(
            regops_sim::SimConfig::default().speed(10.0),
        ))
        .unwrap();
    let scratch = Scratch::new("cli-route53-transfer");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let contacts = dir.join("contacts.json");
    std::fs::write(
        &contacts,
        r#"{"registrant": {"first_name": "Ada", "email": "ada@example.com", "contact_type": "person"}}"#,
    )
    .unwrap();
    let envs = sim.secret_exports();
    let run = |args: &[&str]| {
        let out = super::command(dir)
            .args(["--config", "regops.toml", "--account", "route53", "--json"])
            .args(args)
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .env("TRANSFER_CODE", "auth-code-s3cr3t-77")
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        let all = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert!(
            !all.contains("auth-code-s3cr3t-77"),
            "the code was shown: {all}"
        );
        out
    };
    let out = run(&[
        "domain",
        "transfer",
        "moving.example",
        "--auth-code",
        "env:TRANSFER_CODE",
        "--contacts",
        &contacts.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let op = json(&out);
    assert_eq!(op["type"], "TRANSFER_IN_DOMAIN");
    let id = op["id"].as_str().unwrap().to_owned();
    // It comes to wait for its authorization, and stays there.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let shown = json(&run(&["ops", "show", &id]));
        if shown["status"] == "action_required" {
            let remedy = shown["action_required"].as_str().unwrap();
            assert!(remedy.contains("PENDING_AUTHORIZATION"), "{remedy}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never waited: {shown}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        json(&run(&["ops", "show", &id]))["status"],
        "action_required"
    );
    let out = run(&["domain", "resend-authorization", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["id"], id.as_str());
    let out = run(&["ops", "wait", &id, "--timeout", "30s"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = json(&run(&["ops", "show", &id]));
    assert_eq!(shown["status"], "succeeded", "{shown}");
    // Nothing waits any more: Route 53 refuses, and regops says so.
    let out = run(&["domain", "resend-authorization", &id]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        error_line(&out).contains("does not wait"),
        "{}",
        stderr(&out)
    );
}

/// An answer dropped after the server acted: regops does not send the registration again (Route
/// 53 has no idempotency token); it looks the operation up, says what it found, and prints it.
/// When the server did not act (a refusal before acting), the lookup finds nothing and says so.
#[test]
fn a_lost_answer_is_looked_up_not_sent_again() {
    use regops_sim::faults::{Fault, FaultRule};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(regops_sim::Sim::start(regops_sim::SimConfig::default()))
        .unwrap();
    let scratch = Scratch::new("cli-route53-lost-answer");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let contacts = dir.join("contacts.toml");
    std::fs::write(&contacts, "[registrant]\nemail = \"ada@example.com\"\n").unwrap();
    let envs = sim.secret_exports();
    let register = |domain: &str| {
        super::command(dir)
            .args(["--config", "regops.toml", "--account", "route53", "--json"])
            .args(["domain", "register", domain, "--contacts"])
            .arg(&contacts)
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap()
    };
    sim.inject(FaultRule::new("route53", Fault::Drop).method("RegisterDomain"));
    let out = register("lost-answer.example");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("was lost") && err.contains("not sent again"),
        "it says what it did: {err}"
    );
    let op = json(&out);
    assert_eq!(op["type"], "REGISTER_DOMAIN");
    assert_eq!(op["target"], "lost-answer.example");
    assert_eq!(
        sim.calls("route53", "RegisterDomain"),
        1,
        "the registration was sent once"
    );
    assert!(
        sim.calls("route53", "ListOperations") >= 1,
        "it was looked up"
    );

    // The server refuses before acting (a 503 that carries nothing out): nothing is found.
    sim.inject(
        FaultRule::new("route53", Fault::ServerError { status: 503 }).method("RegisterDomain"),
    );
    let out = register("never-started.example");
    assert_eq!(out.status.code(), Some(3));
    let line = error_line(&out);
    assert!(
        line.contains("not sent again") && line.contains("most likely it was not started"),
        "{line}"
    );
    assert_eq!(
        sim.calls("route53", "RegisterDomain"),
        2,
        "sent once more, for the new domain"
    );

    // The same for a renewal, and for a transfer to another account, whose password came only
    // in the lost answer: the operation is found, and regops says the password is lost.
    let run = |args: &[&str]| {
        super::command(dir)
            .args(["--config", "regops.toml", "--account", "route53", "--json"])
            .args(args)
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap()
    };
    let domain = regops_sim::route53::REGISTERED;
    sim.inject(FaultRule::new("route53", Fault::Drop).method("RenewDomain"));
    let out = run(&["domain", "renew", domain]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("not sent again"), "{}", stderr(&out));
    assert_eq!(json(&out)["type"], "RENEW_DOMAIN");
    assert_eq!(
        sim.calls("route53", "RenewDomain"),
        1,
        "the renewal was sent once"
    );
    sim.inject(FaultRule::new("route53", Fault::Drop).method("TransferDomainToAnotherAwsAccount"));
    let out = run(&[
        "domain",
        "transfer-account",
        "send",
        domain,
        "--to",
        "123456789012",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = json(&out);
    assert_eq!(sent["type"], "INTERNAL_TRANSFER_OUT_DOMAIN", "{sent}");
    assert!(sent["password"].is_null(), "{sent}");
    assert!(
        stderr(&out).contains("password was lost"),
        "it says what to do: {}",
        stderr(&out)
    );
    assert_eq!(
        sim.calls("route53", "TransferDomainToAnotherAwsAccount"),
        1,
        "sent once"
    );
    // The remedy works: cancelled, it can be sent again, with a password this time.
    assert_eq!(
        run(&["domain", "transfer-account", "cancel", domain])
            .status
            .code(),
        Some(0)
    );
    let again = json(&run(&[
        "domain",
        "transfer-account",
        "send",
        domain,
        "--to",
        "123456789012",
    ]));
    assert!(
        again["password"].as_str().is_some_and(|p| !p.is_empty()),
        "{again}"
    );
}

/// `ops list --status unknown` lists the operations whose status word regops does not know
/// (kept verbatim), and asks the server for no status, since it cannot filter on it.
#[test]
fn ops_list_status_unknown_lists_the_words_regops_does_not_know() {
    use regops_tests::{Answer, ScriptedServer};
    let page = r#"{"Operations": [
        {"OperationId": "op-1", "Status": "SUCCESSFUL", "Type": "REGISTER_DOMAIN", "DomainName": "a.example", "SubmittedDate": 1700000300},
        {"OperationId": "op-2", "Status": "PAUSED_BY_REGISTRY", "Type": "REGISTER_DOMAIN", "DomainName": "b.example", "SubmittedDate": 1700000200},
        {"OperationId": "op-3", "Status": "IN_PROGRESS", "Type": "RENEW_DOMAIN", "DomainName": "c.example", "SubmittedDate": 1700000100}
    ]}"#;
    let server = ScriptedServer::start(vec![Answer::new(200, "application/x-amz-json-1.1", page)]);
    let scratch = Scratch::new("cli-route53-unknown");
    let dir = scratch.path();
    config(dir, server.url());
    for (statuses, expected) in [
        (&["unknown"][..], &["op-2"][..]),
        (&["unknown", "succeeded"][..], &["op-1", "op-2"][..]),
    ] {
        let mut args = vec!["--account", "aws", "--json", "ops", "list"];
        for s in statuses {
            args.extend(["--status", s]);
        }
        let out = regops(dir, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let listed = json(&out);
        let ids: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{statuses:?}");
        if statuses == ["unknown"] {
            assert_eq!(listed[0]["status"], "unknown");
            assert_eq!(listed[0]["raw_status"], "PAUSED_BY_REGISTRY");
        }
    }
    for seen in server.seen() {
        assert!(
            !seen.text().contains("\"Status\""),
            "a status was asked of the server: {}",
            seen.text()
        );
    }
}
