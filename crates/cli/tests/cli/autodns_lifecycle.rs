//! AutoDNS end to end against the sandbox: a scheduled cancelation changed (`--update`) and
//! withdrawn, the withdrawal remembered by the journal for a later process, jobs listed beside
//! cancelations, and jobs read and cancelled on an XML gateway account through its job tasks.

use super::{error_line, json, stderr};
use regops_tests::Scratch;
use serde_json::Value;
use std::process::Output;

fn sandbox(speed: f64) -> (tokio::runtime::Runtime, regops_sim::Sim) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(regops_sim::Sim::start(
            regops_sim::SimConfig::default().speed(speed),
        ))
        .unwrap();
    (rt, sim)
}

fn run(sim: &regops_sim::Sim, dir: &std::path::Path, account: &str, args: &[&str]) -> Output {
    super::command(dir)
        .args(["--config", "regops.toml", "--account", account, "--json"])
        .args(args)
        .envs(sim.secret_exports())
        .output()
        .unwrap()
}

fn ok(out: Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)
}

#[test]
fn a_cancelation_is_changed_withdrawn_and_remembered_as_withdrawn() {
    let (_rt, sim) = sandbox(10.0);
    let scratch = Scratch::new("cli-autodns-lifecycle");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let r = |args: &[&str]| run(&sim, dir, "autodns", args);

    let op = ok(r(&["domain", "cancel", "later.example"]));
    assert_eq!(op["status"], "pending", "{op}");
    assert_eq!(op["type"], "cancelation_delete", "{op}");

    // Changed: another kind, another date.
    let op = ok(r(&[
        "domain",
        "cancel",
        "later.example",
        "--update",
        "--type",
        "transit",
        "--execution",
        "2027-06-01",
    ]));
    assert_eq!(op["type"], "cancelation_transit", "{op}");
    assert_eq!(op["scheduled_at"], "2027-06-01T00:00:00Z", "{op}");
    assert_eq!(sim.calls("autodns", "PUT /domain/{name}/cancelation"), 1);
    let shown = ok(r(&["ops", "show", "later.example"]));
    assert_eq!(shown["type"], "cancelation_transit", "read back: {shown}");
    // An update takes no notification address: refused, nothing sent.
    let out = r(&[
        "domain",
        "cancel",
        "later.example",
        "--update",
        "--reply-to",
        "ops@example.com",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(error_line(&out).contains("--reply-to"), "{}", stderr(&out));
    assert_eq!(sim.calls("autodns", "PUT /domain/{name}/cancelation"), 1);

    // Withdrawn: AutoDNS forgets it, the journal does not.
    let op = ok(r(&["ops", "cancel", "later.example"]));
    assert_eq!(op["status"], "cancelled", "{op}");
    let out = r(&["ops", "show", "later.example"]);
    let shown = ok(out);
    assert_eq!(shown["status"], "cancelled", "a later process: {shown}");
    let out = r(&["ops", "show", "later.example"]);
    assert!(
        stderr(&out).contains("journal"),
        "it says where from: {}",
        stderr(&out)
    );
    let history = ok(r(&["history", "later.example"]));
    assert_eq!(
        history.as_array().unwrap().last().unwrap()["operation"]["status"],
        "cancelled"
    );
    // Without the journal, the provider's answer stands: not found, exit 3.
    let out = super::command(dir)
        .args(["--config", "regops.toml", "--account", "autodns"])
        .args(["ops", "show", "later.example"])
        .envs(sim.secret_exports())
        .env("XDG_DATA_HOME", dir.join("elsewhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // The listing shows jobs beside cancelations.
    let job = ok(r(&[
        "domain",
        "cancel",
        "now.example",
        "--execution",
        "now",
    ]));
    let job_id = job["id"].as_str().unwrap().to_owned();
    assert!(job_id.bytes().all(|b| b.is_ascii_digit()), "{job}");
    let listed = ok(r(&["ops", "list"]));
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&job_id.as_str()), "the job is listed: {ids:?}");
    let listed_job = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == job_id.as_str())
        .unwrap();
    assert_eq!(listed_job["target"], "now.example", "from its events");
    assert!(sim.calls("autodns", "POST /job/_search") >= 1);
}

#[test]
fn jobs_are_read_and_cancelled_on_a_gateway_account() {
    let (_rt, sim) = sandbox(2.0);
    let scratch = Scratch::new("cli-autodns-gateway-jobs");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let r = |args: &[&str]| run(&sim, dir, "autodns-gateway", args);

    let started = ok(r(&[
        "domain",
        "cancel",
        "gw-cancel.example",
        "--execution",
        "now",
    ]));
    let id = started["id"].as_str().unwrap().to_owned();
    let cancelled = ok(r(&["ops", "cancel", &id]));
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["target"], "gw-cancel.example", "{cancelled}");

    let started = ok(r(&[
        "domain",
        "cancel",
        "gw-run.example",
        "--execution",
        "now",
    ]));
    let id = started["id"].as_str().unwrap().to_owned();
    let shown = ok(r(&["ops", "show", &id]));
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["target"], "gw-run.example", "{shown}");
    assert_eq!(shown["type"], "domaincancelation_delete", "{shown}");
    let out = r(&["ops", "wait", &id, "--timeout", "60s"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "it ends, succeeded or failed: {}",
        stderr(&out)
    );
    let ended = ok(r(&["ops", "show", &id]));
    assert!(
        ["succeeded", "failed"].contains(&ended["status"].as_str().unwrap()),
        "{ended}"
    );
    assert!(
        sim.calls("autodns-gateway", "300114") >= 2,
        "read by the gateway's job task"
    );
    assert!(sim.calls("autodns-gateway", "300121") >= 1);
}
