//! The rest of a domain's life on Route 53, end to end against the sandbox (moto has none of
//! these calls): renewal, contacts, the registrant's reachability, the authorization code, and
//! the transfers between two AWS accounts. Each command prints what it started; every secret
//! (the authorization code, the transfer's password) stays out of stderr even at trace level.

use super::{error_line, json, stderr};
use regops_tests::Scratch;
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

struct Sandbox {
    _rt: tokio::runtime::Runtime,
    sim: regops_sim::Sim,
    scratch: Scratch,
}

impl Sandbox {
    fn start(name: &str) -> Sandbox {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sim = rt
            .block_on(regops_sim::Sim::start(
                regops_sim::SimConfig::default().speed(20.0),
            ))
            .unwrap();
        let scratch = Scratch::new(name);
        std::fs::write(scratch.path().join("regops.toml"), sim.config_toml()).unwrap();
        Sandbox {
            _rt: rt,
            sim,
            scratch,
        }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.scratch.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// `regops --account ACCOUNT ARGS...` at trace level; no stderr line may hold a secret the
    /// sandbox gave.
    fn run(&self, account: &str, args: &[&str], envs: &[(&str, &str)]) -> Output {
        let out = super::command(self.scratch.path())
            .args(["--config", "regops.toml", "--account", account])
            .args(args)
            .envs(
                self.sim
                    .secret_exports()
                    .iter()
                    .map(|(k, v)| (*k, v.clone())),
            )
            .envs(envs.iter().copied())
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(
            !err.contains("sim-") && !envs.iter().any(|(_, v)| err.contains(v)),
            "a secret on stderr: {err}"
        );
        out
    }

    fn ok(&self, args: &[&str]) -> Value {
        self.ok_with(args, &[])
    }

    fn ok_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Value {
        let out = self.run("route53", &[&["--json"], args].concat(), envs);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        json(&out)
    }

    /// Asks `args` until `done` holds of the answer (10 s at most).
    fn until(&self, args: &[&str], done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.ok(args);
            if done(&v) {
                return v;
            }
            assert!(Instant::now() < deadline, "{args:?} never got there: {v}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn renewal_contacts_and_reachability_in_the_sandbox() {
    let s = Sandbox::start("cli-route53-lifecycle");
    let contacts = s.file(
        "contacts.toml",
        "[registrant]\nfirst_name = \"Ada\"\ncontact_type = \"person\"\nemail = \"ada@example.com\"\n",
    );
    let op = s.ok(&[
        "domain",
        "register",
        "life.example",
        "--contacts",
        &contacts,
    ]);
    assert_eq!(op["type"], "REGISTER_DOMAIN");

    // The registrant must confirm their address: the first e-mail never arrives...
    let r = s.ok(&["domain", "reachability", "life.example"]);
    assert_eq!(r["reachability"], "pending", "{r}");
    assert_eq!(r["domain"], "life.example");
    assert!(r.get("resent_to").is_none(), "{r}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        s.ok(&["domain", "reachability", "life.example"])["reachability"],
        "pending"
    );
    // ...a resent one is answered.
    let r = s.ok(&["domain", "reachability", "life.example", "--resend"]);
    assert_eq!(r["resent_to"], "ada@example.com", "{r}");
    assert_eq!(r["already_confirmed"], false, "{r}");
    s.until(&["domain", "reachability", "life.example"], |r| {
        r["reachability"] == "confirmed"
    });
    let r = s.ok(&["domain", "reachability", "life.example", "--resend"]);
    assert_eq!(r["already_confirmed"], true, "nothing more to send: {r}");

    // Renewals: the sandbox refuses a CurrentExpiryYear that is not the domain's, so two in a
    // row succeed only if each reads the expiry anew.
    for years in ["2", "1"] {
        let op = s.ok(&["domain", "renew", "life.example", "--years", years]);
        assert_eq!(op["type"], "RENEW_DOMAIN", "{op}");
        assert_eq!(op["target"], "life.example");
    }
    assert_eq!(s.sim.calls("route53", "GetDomainDetail"), 2);
    assert_eq!(s.sim.calls("route53", "RenewDomain"), 2);
    let out = s.run(
        "route53",
        &["domain", "renew", "life.example", "--years", "11"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(error_line(&out).contains("1 to 10 years"));
    assert_eq!(s.sim.calls("route53", "RenewDomain"), 2, "nothing sent");
    let out = s.run("route53", &["domain", "renew", "nobody.example"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        error_line(&out).contains("not registered"),
        "{}",
        stderr(&out)
    );

    // New contacts: a new registrant address must be confirmed again.
    let moved = s.file(
        "moved.json",
        r#"{"registrant": {"first_name": "Ada", "email": "ada@moved.example"}}"#,
    );
    let op = s.ok(&["domain", "contacts", "life.example", "--contacts", &moved]);
    assert_eq!(op["type"], "UPDATE_DOMAIN_CONTACT", "{op}");
    assert_eq!(
        s.ok(&["domain", "reachability", "life.example"])["reachability"],
        "pending"
    );
    let r = s.ok(&["domain", "reachability", "life.example", "--resend"]);
    assert_eq!(r["resent_to"], "ada@moved.example", "{r}");

    // The authorization code: on stdout as asked, nowhere else.
    let code = s.ok(&["domain", "auth-code", "life.example"]);
    let code = code["auth_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("sim-"), "{code}");
    let text = s.run("route53", &["domain", "auth-code", "life.example"], &[]);
    assert_eq!(String::from_utf8_lossy(&text.stdout).trim(), code);

    // The other providers have none of these calls: exit 2, nothing sent.
    for (account, args) in [
        ("gandi", &["domain", "renew", "x.example"][..]),
        ("netim", &["domain", "auth-code", "x.example"][..]),
        ("autodns", &["domain", "reachability", "x.example"][..]),
    ] {
        let before = s.sim.total_calls(account);
        let out = s.run(account, args, &[]);
        assert_eq!(out.status.code(), Some(2), "{account} {args:?}");
        assert!(error_line(&out).contains(account), "{}", stderr(&out));
        assert_eq!(
            s.sim.total_calls(account),
            before,
            "{account}: nothing sent"
        );
    }
}

#[test]
fn transfers_between_accounts_in_the_sandbox() {
    let s = Sandbox::start("cli-route53-accounts");
    let domain = regops_sim::route53::REGISTERED;
    let out = s.run(
        "route53",
        &["domain", "transfer-account", "send", domain, "--to", "1234"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(error_line(&out).contains("12 digits"));
    assert_eq!(
        s.sim.calls("route53", "TransferDomainToAnotherAwsAccount"),
        0
    );

    // Sent: it waits for the other account, with the password that account needs, shown once
    // on stdout as asked and never in a log line, even at trace level.
    let out = s.run(
        "route53",
        &[
            "--json",
            "domain",
            "transfer-account",
            "send",
            domain,
            "--to",
            "123456789012",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = json(&out);
    assert_eq!(sent["type"], "INTERNAL_TRANSFER_OUT_DOMAIN", "{sent}");
    let password = sent["password"].as_str().unwrap().to_owned();
    assert!(!password.is_empty());
    assert!(
        stderr(&out).contains("TransferDomainToAnotherAwsAccount"),
        "traced"
    );
    assert!(!stderr(&out).contains(&password), "{}", stderr(&out));
    let out_id = sent["id"].as_str().unwrap().to_owned();
    let waiting = s.until(&["ops", "show", &out_id], |o| {
        o["status"] == "action_required"
    });
    assert!(
        waiting["action_required"]
            .as_str()
            .unwrap()
            .contains("PENDING_ACCEPTANCE"),
        "{waiting}"
    );

    // A wrong password is Route 53's refusal (exit 3); the right one, from the environment,
    // starts the transfer in, and both end.
    let out = s.run(
        "route53",
        &[
            "domain",
            "transfer-account",
            "accept",
            domain,
            "--password",
            "nope",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(error_line(&out).contains("password is not valid"));
    let accepted = s.ok_with(
        &[
            "domain",
            "transfer-account",
            "accept",
            domain,
            "--password",
            "env:TRANSFER_PASSWORD",
        ],
        &[("TRANSFER_PASSWORD", &password)],
    );
    assert_eq!(
        accepted["type"], "INTERNAL_TRANSFER_IN_DOMAIN",
        "{accepted}"
    );
    let in_id = accepted["id"].as_str().unwrap();
    let out = s.run(
        "route53",
        &["ops", "wait", in_id, &out_id, "--timeout", "30s"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.ok(&["ops", "show", &out_id])["status"], "succeeded");

    // Sent again and withdrawn: the transfer ends failed, saying why; then nothing waits.
    let again = s.ok(&[
        "domain",
        "transfer-account",
        "send",
        domain,
        "--to",
        "123456789012",
    ]);
    let cancelled = s.ok(&["domain", "transfer-account", "cancel", domain]);
    assert_eq!(cancelled["id"], again["id"], "the transfer's own operation");
    assert_eq!(cancelled["status"], "failed", "{cancelled}");
    assert!(
        cancelled["message"].as_str().unwrap().contains("cancelled"),
        "{cancelled}"
    );
    // Rejected by the receiving side.
    s.ok(&[
        "domain",
        "transfer-account",
        "send",
        domain,
        "--to",
        "123456789012",
    ]);
    let rejected = s.ok(&["domain", "transfer-account", "reject", domain]);
    assert!(
        rejected["message"].as_str().unwrap().contains("rejected"),
        "{rejected}"
    );
    let out = s.run(
        "route53",
        &["domain", "transfer-account", "reject", domain],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(error_line(&out).contains("No transfer"), "{}", stderr(&out));
}
