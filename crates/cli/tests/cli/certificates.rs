//! Every `cert` command end to end: against Python's `xmlrpc.server` playing Gandi, PHP's own
//! SoapServer playing Netim, and the sandbox. Each test asserts what the peer received (every
//! option on the wire, ids as integers) and what the CLI printed.

use super::{command, error_line, json, stderr};
use regops_tests::{Scratch, gandi_peer, netim_peer};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Output;

const KEY: &str = "peerkey0123456789abcdefg";
const CSR: &str =
    "-----BEGIN CERTIFICATE REQUEST-----\nMIIBpeer\n-----END CERTIFICATE REQUEST-----\n";
const PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCsecretkeyline\n-----END PRIVATE KEY-----\n";

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir)
        .arg("--config")
        .arg(dir.join("regops.toml"))
        .args(args)
        .env("TEST_GANDI_KEY", KEY)
        .env("TEST_NETIM_PASSWORD", "peer-password")
        .env("RUST_LOG", "trace")
        .output()
        .expect("run regops")
}

fn ok(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    json(out)
}

fn refused(out: &Output, says: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let line = error_line(out);
    assert!(line.contains(says), "{line}");
}

/// The calls the Gandi peer received, read with Python's own XML-RPC client.
fn gandi_calls(url: &str) -> Vec<Value> {
    let script = "import json,sys,xmlrpc.client\n\
        p = xmlrpc.client.ServerProxy(sys.argv[1], allow_none=True, use_builtin_types=True)\n\
        print(json.dumps(p._test.calls(), default=str))";
    let out = std::process::Command::new("python3")
        .args(["-c", script, url])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

/// The last call of `method` the Gandi peer received, without the method name.
fn last_call(url: &str, method: &str) -> Vec<Value> {
    gandi_calls(url)
        .into_iter()
        .rev()
        .find(|c| c[0] == method)
        .unwrap_or_else(|| panic!("{method} was not received"))
        .as_array()
        .unwrap()[1..]
        .to_vec()
}

#[test]
fn every_cert_command_against_python_gandi_peer() {
    let Some(server) = gandi_peer("every_cert_command_against_python_gandi_peer", KEY) else {
        return;
    };
    let scratch = Scratch::new("cli-certs-gandi");
    let dir = scratch.path();
    let url = server.url().to_owned();
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            "[accounts.g]\nprovider = \"gandi\"\nendpoint = \"{url}\"\napi_key = {{ env = \"TEST_GANDI_KEY\" }}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("req.csr"), CSR).unwrap();
    std::fs::write(
        dir.join("site.crt"),
        "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    std::fs::write(dir.join("site.key"), PRIVATE_KEY).unwrap();
    let csr = dir.join("req.csr").to_string_lossy().into_owned();
    let g = |args: &[&str]| run(dir, &[&["--account", "g", "--json", "cert"], args].concat());

    // list: the status asked of the server, the expiry filtered here.
    let list = ok(&g(&["list", "--status", "valid"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], "700");
    assert_eq!(last_call(&url, "cert.list")[0]["status"], "valid");
    let list = ok(&g(&["list", "--expires-before", "2015-01-01"]));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["701"]);

    // create: every option on the wire, typed as the reference types them.
    let op = ok(&g(&[
        "create",
        "--package",
        "cert_std_1_0_0",
        "--cn",
        "new.example",
        "--csr",
        &csr,
        "--alt-name",
        "a.new.example",
        "--dcv-method",
        "dns",
        "--duration",
        "2",
        "--param",
        "software=3",
        "--param",
        "handle=AB1-GANDI",
        "--param",
        "accept_contract=true",
    ]));
    assert_eq!(op["type"], "certificate_create");
    assert_eq!(op["status"], "pending");
    let created = op["id"].as_str().unwrap().to_owned();
    let sent = &last_call(&url, "cert.create")[0];
    assert_eq!(
        sent,
        &json!({"package": "cert_std_1_0_0", "cn": "new.example", "csr": CSR,
                "altnames": ["a.new.example"], "dcv_method": "dns", "duration": 2,
                "software": 3, "handle": "AB1-GANDI", "accept_contract": true})
    );

    // renew, reissue (cert.update), revoke (cert.delete): the id as an int, then the options.
    ok(&g(&[
        "renew",
        "700",
        "--duration",
        "2",
        "--dcv-method",
        "email",
        "--param",
        "backend-version=3",
    ]));
    assert_eq!(
        last_call(&url, "cert.renew"),
        [
            json!(700),
            json!({"duration": 2, "dcv_method": "email", "backend-version": "3"})
        ]
    );
    ok(&g(&[
        "reissue",
        "700",
        "--csr",
        &csr,
        "--alt-name",
        "b.new.example",
        "--dcv-method",
        "file",
    ]));
    assert_eq!(
        last_call(&url, "cert.update"),
        [
            json!(700),
            json!({"csr": CSR, "altnames": ["b.new.example"], "dcv_method": "file"})
        ]
    );
    let op = ok(&g(&["revoke", "701", "--reason", "key compromise"]));
    assert_eq!(op["type"], "certificate_delete");
    assert_eq!(
        last_call(&url, "cert.delete"),
        [json!(701), json!({"reason": "key compromise"})]
    );
    assert_eq!(ok(&g(&["show", "701"]))["status"], "revoked");

    // packages.
    let packages = ok(&g(&["packages"]));
    assert_eq!(
        packages[1],
        json!({"account": "g", "provider": "gandi", "name": "cert_pro_w_250_0", "category": "pro",
               "min_domains": 1, "max_domains": 1, "wildcard": true, "warranty": 250000})
    );

    // validation: what to publish (the method the reissue set: file), another method, a resend.
    let dcv = ok(&g(&["dcv", "show", "700"]));
    assert_eq!(dcv["method"], "file");
    assert_eq!(
        dcv["urls"][0],
        "http://www.cert.example/.well-known/pki-validation/D41D8CD9.txt"
    );
    assert_eq!(
        last_call(&url, "cert.get_dcv_params")[0],
        json!({"cert_id": 700})
    );
    let dcv = ok(&g(&["dcv", "show", "700", "--method", "dns"]));
    assert_eq!(dcv["dns_records"][0]["type"], "CNAME");
    assert_eq!(dcv["dns_records"][0]["name"], "_d41d8cd9.www.cert.example.");
    let op = ok(&g(&["dcv", "change", &created, "--method", "email"]));
    assert_eq!(op["id"], created.as_str());
    let n: i64 = created.parse().unwrap();
    assert_eq!(
        last_call(&url, "cert.change_dcv"),
        [json!(n), json!("email")]
    );
    ok(&g(&["dcv", "resend", &created]));
    assert_eq!(last_call(&url, "cert.resend_dcv"), [json!(n)]);

    // CAA: by the certificate's uuid, read first.
    let cert = ok(&g(&["recheck-caa", "700"]));
    assert_eq!(cert["id"], "700");
    assert_eq!(last_call(&url, "cert.recheck_caa"), [json!("c0ffee")]);

    // hosted: the key is sent, and never shown.
    let before = gandi_calls(&url).len();
    let out = g(&[
        "hosted",
        "create",
        "--crt",
        &dir.join("site.crt").to_string_lossy(),
        "--key",
        &dir.join("site.key").to_string_lossy(),
    ]);
    let h = ok(&out);
    assert_eq!(h["id"], "9000");
    assert_eq!(h["fqdns"], json!(["hosted.example"]));
    for stream in [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    ] {
        assert!(
            !stream.contains("secretkeyline"),
            "the key was shown:\n{stream}"
        );
    }
    assert_eq!(last_call(&url, "cert.hosted.create")[0]["key"], PRIVATE_KEY);
    assert_eq!(
        gandi_calls(&url).len(),
        before + 3,
        "one create, beside the two reads of the calls"
    );
    assert_eq!(ok(&g(&["hosted", "list"]))[0]["state"], "created");
    ok(&g(&["hosted", "delete", "9000"]));
    assert_eq!(last_call(&url, "cert.hosted.delete"), [json!(9000)]);
    assert_eq!(ok(&g(&["hosted", "show", "9000"]))["state"], "deleted");

    // Refused before anything is sent: exit 2, one line naming the flag or the call.
    let before = gandi_calls(&url).len();
    refused(
        &g(&[
            "create",
            "--package",
            "p",
            "--cn",
            "x.example",
            "--dcv-email",
            "a@x.example",
        ]),
        "--dcv-email",
    );
    refused(
        &g(&[
            "create",
            "--package",
            "p",
            "--cn",
            "x.example",
            "--country",
            "FR",
        ]),
        "--country",
    );
    refused(
        &g(&[
            "create",
            "--package",
            "p",
            "--cn",
            "x.example",
            "--param",
            "sofware=3",
        ]),
        "sofware",
    );
    refused(
        &g(&[
            "create",
            "--package",
            "p",
            "--cn",
            "x.example",
            "--param",
            "duration=3",
        ]),
        "own option",
    );
    refused(
        &g(&["dcv", "change", &created, "--method", "auto"]),
        "cert.change_dcv takes",
    );
    refused(
        &g(&["preference", "700", "auto-renew", "on"]),
        "preferences",
    );
    refused(&g(&["renew", "abc"]), "integer");
    // A duration of 0 years would be sent as nothing (Gandi) or as 1 (Netim): refused.
    for cmd in [
        &["renew", "700"][..],
        &["create", "--package", "p", "--cn", "x.example"],
    ] {
        let out = g(&[cmd, &["--duration", "0"]].concat());
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("--duration"), "{}", stderr(&out));
    }
    assert_eq!(
        gandi_calls(&url).len(),
        before + 1,
        "nothing sent (but this read)"
    );
}

#[test]
fn every_cert_command_against_php_netim_peer() {
    let scratch = Scratch::new("cli-certs-netim");
    let dir = scratch.path();
    let state = dir.join("state.json");
    let Some(server) = netim_peer("every_cert_command_against_php_netim_peer", &state) else {
        return;
    };
    std::fs::write(
        dir.join("regops.toml"),
        format!(
            "[accounts.n]\nprovider = \"netim\"\nendpoint = \"{}\"\nreseller_id = \"RESELLER1\"\npassword = {{ env = \"TEST_NETIM_PASSWORD\" }}\n",
            server.url()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("req.csr"), CSR).unwrap();
    let csr = dir.join("req.csr").to_string_lossy().into_owned();
    let n = |args: &[&str]| run(dir, &[&["--account", "n", "--json", "cert"], args].concat());
    let received = || -> Vec<Value> {
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
        s["received"].as_array().cloned().unwrap_or_default()
    };
    let last = |call: &str| -> Value {
        received()
            .into_iter()
            .rev()
            .find(|r| r["call"] == call)
            .unwrap_or_else(|| panic!("{call} was not received"))["args"]
            .clone()
    };

    let op = ok(&n(&[
        "create",
        "--package",
        "SSL_RAPID",
        "--cn",
        "www.n.example",
        "--csr",
        &csr,
        "--alt-name",
        "a.n.example",
        "--alt-name",
        "b.n.example",
        "--dcv-email",
        "admin@n.example",
        "--country",
        "FR",
        "--city",
        "Paris",
        "--region",
        "IDF",
        "--organization",
        "Boulangerie",
        "--department",
        "IT",
        "--email",
        "ssl@n.example",
    ]));
    assert_eq!(op["type"], "sslCreate");
    assert_eq!(op["status"], "succeeded");
    assert_eq!(
        last("sslCreate"),
        json!(["SSL_RAPID", 1,
               {"CSR": CSR.trim(), "CommonName": "www.n.example",
                "AlternativeNames": "a.n.example,b.n.example", "Country": "FR", "City": "Paris",
                "Region": "IDF", "Organisation": "Boulangerie", "Department": "IT",
                "EmailAddress": "ssl@n.example"},
               "email:admin@n.example"])
    );
    let cert = ok(&n(&["show", "501"]));
    assert_eq!(cert["cn"], "www.n.example");
    assert_eq!(cert["alt_names"], json!(["a.n.example", "b.n.example"]));
    assert_eq!(cert["dcv_method"], "email");

    ok(&n(&["renew", "501"]));
    assert_eq!(last("sslRenew"), json!([501, 1]));
    ok(&n(&[
        "reissue",
        "501",
        "--csr",
        &csr,
        "--alt-name",
        "c.n.example",
        "--dcv-method",
        "file",
    ]));
    assert_eq!(
        last("sslReIssue"),
        json!([501, {"CSR": CSR.trim(), "AlternativeNames": "c.n.example"}, "file"])
    );
    assert_eq!(
        ok(&n(&["show", "501"]))["alt_names"],
        json!(["c.n.example"])
    );
    let op = ok(&n(&["preference", "501", "to-be-renewed", "on"]));
    assert_eq!(op["type"], "sslSetPreference");
    assert_eq!(last("sslSetPreference"), json!([501, "to_be_renewed", 1]));
    ok(&n(&["revoke", "501"]));
    assert_eq!(last("sslRevoke"), json!([501]));
    assert_eq!(ok(&n(&["show", "501"]))["status"], "revoked");

    // Refused before anything is sent.
    let before = received().len();
    refused(&n(&["renew", "501", "--duration", "2"]), "1 year only");
    refused(
        &n(&["renew", "501", "--dcv-method", "email"]),
        "--dcv-method",
    );
    refused(&n(&["revoke", "501", "--reason", "x"]), "--reason");
    refused(
        &n(&[
            "create",
            "--package",
            "SSL_RAPID",
            "--cn",
            "x.example",
            "--csr",
            &csr,
            "--dcv-method",
            "dns",
        ]),
        "not by dns",
    );
    refused(
        &n(&[
            "create",
            "--package",
            "SSL_RAPID",
            "--cn",
            "x.example",
            "--csr",
            &csr,
            "--dcv-method",
            "email",
        ]),
        "addresses",
    );
    refused(
        &n(&[
            "create",
            "--package",
            "SSL_RAPID",
            "--cn",
            "x.example",
            "--csr",
            &csr,
            "--param",
            "a=b",
        ]),
        "--param",
    );
    refused(&n(&["dcv", "show", "501"]), "validation instructions");
    refused(&n(&["packages"]), "packages");
    refused(&n(&["hosted", "list"]), "does not host");
    assert_eq!(received().len(), before, "nothing sent");
}

#[test]
fn cert_validation_hosted_and_relaunch_with_state_in_the_sandbox() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(regops_sim::Sim::start(
            regops_sim::SimConfig::default().speed(40.0).seed(3),
        ))
        .unwrap();
    let scratch = Scratch::new("cli-certs-sim");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    let exports = sim.secret_exports();
    let sandbox = |args: &[&str]| {
        command(dir)
            .arg("--config")
            .arg(dir.join("regops.toml"))
            .args(args)
            .envs(exports.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap()
    };
    let g = |args: &[&str]| sandbox(&[&["--account", "gandi", "--json"], args].concat());

    // An order stuck in its validation moves on once the method is changed.
    let op = ok(&g(&[
        "cert",
        "create",
        "--package",
        "cert_std_1_0_0",
        "--cn",
        "dcv-stuck.shop.example",
        "--dcv-method",
        "email",
    ]));
    let op_id = op["id"].as_str().unwrap().to_owned();
    let cert = ok(&g(&["cert", "list", "--cn", "dcv-stuck.shop.example"]))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = ok(&g(&["cert", "dcv", "show", &cert]));
    assert_eq!(shown["method"], "email");
    assert!(
        shown["messages"][0]
            .as_str()
            .unwrap()
            .contains("admin@dcv-stuck.shop.example")
    );
    let out = g(&["ops", "wait", &op_id, "--timeout", "4s"]);
    assert_eq!(out.status.code(), Some(4), "stuck: {}", stderr(&out));
    assert_eq!(json(&out)[0]["status"], "action_required");
    ok(&g(&["cert", "dcv", "change", &op_id, "--method", "dns"]));
    let shown = ok(&g(&["cert", "dcv", "show", &cert]));
    assert_eq!(shown["method"], "dns");
    assert!(
        shown["dns_records"][0]["name"]
            .as_str()
            .unwrap()
            .ends_with("dcv-stuck.shop.example.")
    );
    let out = g(&["ops", "wait", &op_id, "--timeout", "30s"]);
    assert_eq!(json(&out)[0]["status"], "succeeded", "{}", stderr(&out));

    // Hosted certificates are kept, listed and deleted.
    std::fs::write(dir.join("h.crt"), "Subject: CN = www.hosted.example\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n").unwrap();
    std::fs::write(dir.join("h.key"), PRIVATE_KEY).unwrap();
    let h = ok(&g(&[
        "cert",
        "hosted",
        "create",
        "--crt",
        &dir.join("h.crt").to_string_lossy(),
        "--key",
        &dir.join("h.key").to_string_lossy(),
    ]));
    assert_eq!(h["fqdns"], json!(["www.hosted.example"]));
    let id = h["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ok(&g(&["cert", "hosted", "list"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ok(&g(&["cert", "hosted", "delete", &id]));
    assert_eq!(ok(&g(&["cert", "hosted", "show", &id]))["state"], "deleted");
    assert!(ok(&g(&["cert", "packages"])).as_array().unwrap().len() >= 4);

    // A relaunch applies its parameters: without the missing one the operation fails again.
    let failing = sim
        .gandi()
        .submit("domain_create", "pizzeria.it")
        .to_string();
    let out = g(&["ops", "wait", &failing, "--timeout", "30s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        json(&out)[0]["message"]
            .as_str()
            .unwrap()
            .contains("x-it_pin")
    );
    ok(&g(&[
        "ops",
        "relaunch",
        &failing,
        "--param",
        "authinfo=abc",
    ]));
    let out = g(&["ops", "wait", &failing, "--timeout", "30s"]);
    assert_eq!(json(&out)[0]["status"], "failed", "{}", stderr(&out));
    ok(&g(&[
        "ops",
        "relaunch",
        &failing,
        "--param",
        "x-it_pin=12345",
    ]));
    let out = g(&["ops", "wait", &failing, "--timeout", "30s"]);
    assert_eq!(json(&out)[0]["status"], "succeeded", "{}", stderr(&out));

    // Netim in the sandbox: each change is carried out on the certificate.
    let n = |args: &[&str]| sandbox(&[&["--account", "netim", "--json", "cert"], args].concat());
    std::fs::write(dir.join("req.csr"), CSR).unwrap();
    let csr = dir.join("req.csr").to_string_lossy().into_owned();
    ok(&n(&[
        "create",
        "--package",
        "SSL_RAPID",
        "--cn",
        "www.sim.example",
        "--csr",
        &csr,
        "--alt-name",
        "a.sim.example",
        "--dcv-email",
        "admin@sim.example",
    ]));
    let first = "7700".to_owned();
    let cert = ok(&n(&["show", &first]));
    assert_eq!(cert["alt_names"], json!(["a.sim.example"]));
    assert_eq!(cert["dcv_method"], "email");
    ok(&n(&[
        "reissue",
        &first,
        "--csr",
        &csr,
        "--alt-name",
        "b.sim.example",
        "--dcv-method",
        "file",
    ]));
    let cert = ok(&n(&["show", &first]));
    assert_eq!(
        (cert["alt_names"].clone(), cert["dcv_method"].clone()),
        (json!(["b.sim.example"]), json!("file"))
    );
    ok(&n(&["renew", &first]));
    ok(&n(&["preference", &first, "auto-renew", "on"]));
    ok(&n(&["revoke", &first]));
    refused(&n(&["renew", &first, "--duration", "3"]), "1 year");
}
