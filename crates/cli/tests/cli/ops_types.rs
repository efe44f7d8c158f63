//! `ops types` prints each provider's words as docs/status-mapping.md's table maps them;
//! `ops list --type` warns about a type the provider cannot have and still asks; `ops list
//! --limit N` stops reading pages once the N newest are certain where the server sorts.

use super::{json, stderr};
use regops_tests::Scratch;
use serde_json::Value;

/// The table of docs/status-mapping.md: (status, [Gandi, Netim, Route 53, AutoDNS] cells).
fn mapping_table() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(regops_tests::root().join("docs/status-mapping.md")).unwrap();
    doc.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<String> = l.split('|').map(|c| c.trim().to_owned()).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2..6].to_vec())
        })
        .collect()
}

#[test]
fn ops_types_agrees_with_the_status_mapping_table() {
    let out = super::regops(&["--json", "ops", "types"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = json(&out);
    let providers: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["gandi", "netim", "route53", "autodns"]);
    let table = mapping_table();
    assert_eq!(table.len(), 7, "the table's rows: {table:?}");
    let mut checked = 0;
    for (column, p) in all.as_array().unwrap().iter().enumerate() {
        for s in p["statuses"].as_array().unwrap() {
            let (raw, status) = (
                s["raw_status"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            );
            let (_, cells) = table
                .iter()
                .find(|(st, _)| st == status)
                .unwrap_or_else(|| panic!("no row for {status}"));
            assert!(
                cells[column].contains(&format!("`{raw}`")),
                "{}: {raw} reads as {status}, but the table's {status} row says {:?}",
                p["provider"],
                cells[column]
            );
            checked += 1;
        }
    }
    assert!(checked >= 24, "{checked} words checked");
    let route53 = &all[2];
    assert_eq!(route53["types_complete"], true);
    assert_eq!(route53["types"].as_array().unwrap().len(), 21);
    assert_eq!(all[0]["types_complete"], false, "Gandi's types are open");

    let text = super::regops(&["ops", "types"], &[]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SUPPORT=action_required"), "{text}");
}

#[test]
fn an_unknown_type_warns_and_a_limit_stops_at_the_newest() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(regops_sim::Sim::start(regops_sim::SimConfig::default()))
        .unwrap();
    let scratch = Scratch::new("cli-ops-types");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let run = |account: &str, args: &[&str]| {
        super::command(dir)
            .args(["--config", "regops.toml", "--account", account, "--json"])
            .args(args)
            .envs(sim.secret_exports())
            .output()
            .unwrap()
    };
    // Submitted a few milliseconds apart, so that "newest" has one answer.
    for _ in 0..150 {
        sim.start_operations(regops_sim::Protocol::Route53, 1);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }

    // A type Route 53 cannot have: a warning, and the listing still runs (empty here).
    let out = run("route53", &["ops", "list", "--type", "REGISTER"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no operation type \"REGISTER\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(json(&out), Value::Array(Vec::new()));
    // A type it has: no warning. On Gandi any type may exist: no warning either.
    let out = run(
        "route53",
        &["ops", "list", "--type", "REGISTER_DOMAIN", "--limit", "1"],
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = run("gandi", &["ops", "list", "--type", "anything_at_all"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    // 150 operations are two pages; the 5 newest are all on the first, sorted by the server.
    let before = sim.calls("route53", "ListOperations");
    let all = json(&run("route53", &["ops", "list"]));
    assert_eq!(all.as_array().unwrap().len(), 150);
    let pages = sim.calls("route53", "ListOperations") - before;
    assert_eq!(pages, 2, "everything takes two pages");
    let before = sim.calls("route53", "ListOperations");
    let five = json(&run("route53", &["ops", "list", "--limit", "5"]));
    assert_eq!(
        sim.calls("route53", "ListOperations") - before,
        1,
        "the limit stops after the first page"
    );
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&five), ids(&all)[..5], "the same five newest");
}
