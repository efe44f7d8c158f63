//! `regops --account A --json ops show|list|wait|cancel` against PHP's own SoapServer playing
//! Netim (docs/cli.md, docs/testing.md).

use super::{error_line, json, stderr};
use regops_tests::{Scratch, netim_peer};
use std::path::Path;
use std::process::Output;

fn config(dir: &Path, url: &str) {
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            r#"
[accounts.netim]
provider = "netim"
endpoint = "{url}"
reseller_id = "RESELLER1"
password = {{ env = "TEST_NETIM_PASSWORD" }}
"#
        ),
    )
    .unwrap();
}

fn regops(dir: &Path, args: &[&str]) -> Output {
    super::command(dir)
        .args(args)
        .env("TEST_NETIM_PASSWORD", "peer-password")
        .env("RUST_LOG", "trace")
        .output()
        .expect("run regops")
}

#[test]
fn ops_commands_against_php_soapserver() {
    let scratch = Scratch::new("cli-netim");
    let dir = scratch.path();
    let Some(server) = netim_peer(
        "ops_commands_against_php_soapserver",
        &dir.join("state.json"),
    ) else {
        return;
    };
    config(dir, server.url());

    let out = regops(
        dir,
        &["--account", "netim", "--json", "ops", "show", "1002"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json(&out),
        serde_json::json!({
            "account": "netim", "provider": "netim", "id": "1002",
            "status": "failed", "raw_status": "Failed", "type": "domainCreate", "target": null,
            "submitted_at": "2024-03-31T00:30:00Z", "started_at": null, "updated_at": null,
            "scheduled_at": null, "eta_seconds": null, "message": "Province :\nInvalid value",
            "error": {"class": "fatal", "code": null, "message": "Province :\nInvalid value"},
            "action_required": null
        })
    );
    assert!(!stderr(&out).contains("peer-password"), "{}", stderr(&out));

    // list: the pending operations, newest first.
    let out = regops(dir, &["--account", "netim", "--json", "ops", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<String> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["1006", "1005", "1004"]);

    // wait: followed with queryOpe until it ends; exit 0 when it succeeded, 1 when it failed.
    let out = regops(
        dir,
        &["--account", "netim", "--json", "ops", "wait", "1005"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)[0]["status"], "succeeded");
    let out = regops(dir, &["--account", "netim", "ops", "wait", "1002"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // cancel: the operation as read back; a refused cancel is one line and exit 3.
    let out = regops(
        dir,
        &["--account", "netim", "--json", "ops", "cancel", "1004"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "cancelled");
    let out = regops(dir, &["--account", "netim", "ops", "cancel", "1001"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let line = error_line(&out);
    assert!(line.contains("E05"), "{line}");
}
