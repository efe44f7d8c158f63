//! `regops --account A --json ops ...` against Python's `xmlrpc.server` serving Gandi-shaped data.

use super::{json, stderr};
use regops_tests::{Scratch, gandi_peer};
use std::path::Path;
use std::process::Output;

const KEY: &str = "peerkey0123456789abcdefg";

fn config(dir: &Path, url: &str) {
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            r#"
[accounts.paris]
provider = "gandi"
endpoint = "{url}"
api_key = {{ env = "TEST_GANDI_KEY" }}

[accounts.utc]
provider = "gandi"
endpoint = "{url}"
api_key = {{ env = "TEST_GANDI_KEY" }}
timezone = "UTC"
"#
        ),
    )
    .unwrap();
}

fn regops(dir: &Path, args: &[&str], key: &str) -> Output {
    super::command(dir)
        .args(args)
        .env("TEST_GANDI_KEY", key)
        .output()
        .expect("run regops")
}

#[test]
fn ops_commands_against_python_xmlrpc_server() {
    let Some(server) = gandi_peer("ops_commands_against_python_xmlrpc_server", KEY) else {
        return;
    };
    let scratch = Scratch::new("cli-gandi");
    let dir = scratch.path();
    config(dir, server.url());

    // show: every field of docs/cli.md, times in UTC from Paris local times.
    let out = regops(
        dir,
        &["--account", "paris", "--json", "ops", "show", "104"],
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = serde_json::json!({
        "account": "paris", "provider": "gandi", "id": "104",
        "status": "failed", "raw_status": "ERROR", "type": "domain_renew", "target": "example.com",
        "submitted_at": "2015-09-15T16:29:16Z", "started_at": null,
        "updated_at": "2015-09-15T16:31:02Z", "scheduled_at": null, "eta_seconds": null,
        "message": "Invalid contact",
        "error": {"class": "fatal", "code": null, "message": "Invalid contact"},
        "action_required": null
    });
    assert_eq!(json(&out), expected);

    // The same operation read with the account's time zone set to UTC.
    let out = regops(
        dir,
        &["--account", "utc", "--json", "ops", "show", "104"],
        KEY,
    );
    assert_eq!(json(&out)["submitted_at"], "2015-09-15T18:29:16Z");

    // list: every page, newest first, ids as strings.
    let out = regops(dir, &["--account", "paris", "--json", "ops", "list"], KEY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "300", "108", "107", "106", "105", "103", "101", "104", "100", "102"
        ]
    );
    let unknown = &list[2];
    assert_eq!(
        (unknown["status"].as_str(), unknown["raw_status"].as_str()),
        (Some("unknown"), Some("PAUSED"))
    );
    let out = regops(
        dir,
        &[
            "--account",
            "paris",
            "--json",
            "ops",
            "list",
            "--status",
            "failed",
            "--limit",
            "1",
        ],
        KEY,
    );
    let failed = json(&out);
    assert_eq!(failed.as_array().unwrap().len(), 1);
    assert_eq!(failed[0]["id"], "108");
    assert_eq!(
        failed[0]["message"], "Domain already exists\nat the registry",
        "JSON keeps the text verbatim"
    );

    // wait: follows 300 (WAIT -> RUN -> DONE) to the end.
    let out = regops(
        dir,
        &["--account", "paris", "--json", "ops", "wait", "300"],
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)[0]["status"], "succeeded");
    // A failed operation exits 1; one that does not finish in time exits 4.
    let out = regops(dir, &["--account", "paris", "ops", "wait", "104"], KEY);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = regops(
        dir,
        &[
            "--account",
            "paris",
            "--json",
            "ops",
            "wait",
            "101",
            "104",
            "--timeout",
            "2s",
        ],
        KEY,
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    // cancel: the operation as read back after the call.
    let out = regops(
        dir,
        &["--account", "paris", "--json", "ops", "cancel", "101"],
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "cancelled");

    // A fault: one line on stderr with the code, exit 3, nothing on stdout.
    let out = regops(dir, &["--account", "paris", "ops", "cancel", "103"], KEY);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("581036") && err.contains("operation is finished"),
        "{err}"
    );
    let out = regops(dir, &["--account", "paris", "ops", "show", "999"], KEY);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("510042"), "{}", stderr(&out));

    // A wrong key: exit 3, and the key is never shown.
    let wrong = "wrongkey0123456789abcdef";
    let out = regops(dir, &["--account", "paris", "ops", "show", "100"], wrong);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("510150") && !err.contains(wrong), "{err}");

    // Certificates.
    let out = regops(
        dir,
        &["--account", "paris", "--json", "cert", "show", "700"],
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cert = json(&out);
    assert_eq!(cert["cn"], "www.cert.example");
    assert_eq!(cert["status"], "valid");
    assert_eq!(cert["dcv_method"], "dns");
    assert_eq!(cert["expires_at"], "2016-09-18T11:00:00Z");
}

#[test]
fn a_missing_key_variable_is_a_configuration_error() {
    let scratch = Scratch::new("cli-gandi-nokey");
    let dir = scratch.path();
    config(dir, "http://127.0.0.1:9/xmlrpc/");
    let out = super::command(dir)
        .args(["--account", "paris", "ops", "show", "1"])
        .env_remove("TEST_GANDI_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("TEST_GANDI_KEY is not set"),
        "{}",
        stderr(&out)
    );
}
