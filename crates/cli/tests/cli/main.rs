//! The binary as a process: help, usage errors and configuration errors with their exit codes,
//! and end-to-end runs against the independent peers (docs/testing.md).

mod autodns;
mod autodns_lifecycle;
mod certificates;
mod flags;
mod fleet;
mod gandi;
mod netim;
mod ops_types;
mod route53;
mod route53_lifecycle;
mod secrets;
mod serve;

use std::path::Path;
use std::process::{Command, Output};

/// `regops` run in `dir`, with no configuration from the environment.
fn command(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regops"));
    c.current_dir(dir)
        .env_remove("REGOPS_CONFIG")
        .env_remove("REGOPS_JOURNAL")
        .env("XDG_DATA_HOME", dir.join("regops-cli-test-data"))
        .env_remove("RUST_LOG")
        .env("XDG_CONFIG_HOME", dir.join("regops-cli-test-no-config"));
    c
}

fn regops(args: &[&str], envs: &[(&str, &str)]) -> Output {
    command(&std::env::temp_dir())
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("run regops")
}

/// stdout as JSON; panics showing both streams when it is not.
fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// The one error line of a failed run (`regops: ...`), whatever log lines surround it.
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("regops: ")).collect();
    assert_eq!(lines.len(), 1, "one error line expected in:\n{err}");
    lines[0].to_owned()
}

/// stderr as text.
fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_reads_well() {
    let out = regops(&["--help"], &[]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for needle in [
        "ops",
        "domain",
        "cert",
        "--config",
        "--account",
        "--json",
        "Exit codes: 0 success",
    ] {
        assert!(help.contains(needle), "missing {needle} in:\n{help}");
    }
    let out = regops(&["ops", "--help"], &[]);
    let help = text(&out.stdout);
    for needle in ["list", "show", "wait", "cancel", "relaunch"] {
        assert!(help.contains(needle), "missing {needle} in:\n{help}");
    }
    let out = regops(&["ops", "wait", "--help"], &[]);
    assert!(text(&out.stdout).contains("--timeout <DURATION>"));
    let out = regops(&["domain", "cancel", "--help"], &[]);
    let help = text(&out.stdout);
    assert!(
        help.contains("[default: delete]") && help.contains("[default: expire]"),
        "{help}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = regops(&["ops", "frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = regops(&["ops", "list", "--status", "done"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("possible values"));
}

#[test]
fn a_missing_config_is_one_line_and_exit_2() {
    let out = regops(&["ops", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("regops: no configuration found"), "{err}");
    assert!(out.stdout.is_empty());

    let out = regops(
        &["--config", "/nonexistent/regops.toml", "ops", "list"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot read configuration /nonexistent/regops.toml"),
        "{err}"
    );
}

#[test]
fn an_unknown_account_or_provider_is_one_line_and_exit_2() {
    let dir = tempdir();
    let cfg = dir.join("regops.toml");
    std::fs::write(
        &cfg,
        "[accounts.a]\nprovider = \"nosuch\"\n[accounts.b]\nprovider = \"gandi\"\napi_key = { env = \"K\" }\n",
    )
    .unwrap();
    let cfg = cfg.to_string_lossy().into_owned();

    let out = regops(&["--config", &cfg, "--account", "zzz", "ops", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no account `zzz`") && err.contains("accounts: a, b"),
        "{err}"
    );

    let out = regops(&["--config", &cfg, "ops", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("several accounts (a, b)"));

    let out = regops(&["--config", &cfg, "--account", "a", "ops", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unknown provider `nosuch`"), "{err}");

    // An endpoint without a host is a configuration error, before anything is sent.
    let hostless = dir.join("hostless.toml");
    std::fs::write(
        &hostless,
        "[accounts.a]\nprovider = \"autodns\"\nendpoint = \"http:///v1\"\nuser = \"u\"\npassword = \"p\"\n",
    )
    .unwrap();
    let out = regops(
        &["--config", &hostless.to_string_lossy(), "ops", "show", "1"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = error_line(&out);
    assert!(err.contains("has no host"), "{err}");

    let out = regops(
        &["--config", &cfg, "--account", "a", "ops", "list"],
        &[("REGOPS_CONFIG", "/x")],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "--config wins over REGOPS_CONFIG"
    );
}

#[test]
fn config_found_through_regops_config() {
    let dir = tempdir();
    let cfg = dir.join("elsewhere.toml");
    std::fs::write(&cfg, "[accounts.a]\nprovider = \"nosuch\"\n").unwrap();
    let out = regops(
        &["ops", "list"],
        &[("REGOPS_CONFIG", &cfg.to_string_lossy())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown provider `nosuch`"));
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "regops-cli-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn demo_runs_the_sandbox_and_every_operation_ends() {
    let out = regops(&["demo"], &[]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    for col in ["ACCOUNT", "ID", "TYPE", "TARGET", "STATUS", "RAW", "TOOK"] {
        assert!(header.contains(col), "{header}");
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 13, "{stdout}");
    for account in ["gandi", "netim", "route53", "autodns"] {
        assert!(
            rows.iter().any(|r| r.starts_with(&format!("{account} "))),
            "no {account} row in:\n{stdout}"
        );
    }
    for row in &rows {
        let scheduled = row.contains("old-garage-demo.example");
        let ended = ["succeeded", "failed", "cancelled"]
            .iter()
            .any(|s| row.split_whitespace().any(|w| w == *s));
        if scheduled {
            assert!(row.contains(" pending ") && row.contains("due "), "{row}");
        } else {
            assert!(ended, "not terminal: {row}");
        }
    }
    assert!(stdout.contains("certificate_create") && stdout.contains("cancelled"));
    assert!(stdout.contains("REGISTER_DOMAIN") && stdout.contains("sslCreate"));
    // Not a terminal: plain progress lines on stderr, no escape sequences.
    assert!(
        stderr.contains("sandbox registrar on 127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains(": in_progress (RUN)"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(
        stderr.contains("9 calls that change something, each sent once"),
        "{stderr}"
    );
}

#[test]
fn the_sandbox_configuration_works_for_every_account() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(regops_sim::Sim::start(regops_sim::SimConfig::default()))
        .unwrap();
    let dir = tempdir();
    let cfg = dir.join("regops.toml");
    std::fs::write(&cfg, sim.config_toml()).unwrap();
    let cfg = cfg.to_string_lossy().into_owned();
    let exports = sim.secret_exports();
    let envs: Vec<(&str, &str)> = exports.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for account in ["gandi", "netim", "route53", "autodns"] {
        let out = regops(
            &[
                "--config",
                &cfg,
                "--account",
                account,
                "--json",
                "ops",
                "list",
            ],
            &envs,
        );
        assert_eq!(out.status.code(), Some(0), "{account}: {}", stderr(&out));
        assert!(json(&out).is_array(), "{account}");
    }
    // The gateway account cancels through the XML gateway (listing is a JSON API call).
    let out = regops(
        &[
            "--config",
            &cfg,
            "--account",
            "autodns-gateway",
            "--json",
            "domain",
            "cancel",
            "gateway.example",
            "--execution",
            "expire",
        ],
        &envs,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "pending");
    assert_eq!(sim.calls("autodns-gateway", "0103101"), 1);
    // Without the exported secrets, the configuration says which variable is missing.
    let out = regops(
        &["--config", &cfg, "--account", "autodns", "ops", "list"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(error_line(&out).contains("REGOPS_SANDBOX_AUTODNS_PASSWORD"));
    drop(sim);
}

#[test]
fn track_survives_a_kill_and_resumes_from_the_journal() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(regops_sim::Sim::start(
            regops_sim::SimConfig::default().speed(8.0).seed(7),
        ))
        .unwrap();
    let dir = tempdir();
    let cfg = dir.join("regops.toml");
    std::fs::write(&cfg, sim.config_toml()).unwrap();
    let cfg = cfg.to_string_lossy().into_owned();
    let journal = dir.join("journal.sqlite3");
    let journal_arg = journal.to_string_lossy().into_owned();
    let exports = sim.secret_exports();
    let envs: Vec<(&str, &str)> = exports.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ids: Vec<String> = (0..4)
        .map(|i| {
            sim.gandi()
                .submit("domain_create", &format!("kill{i}.example"))
                .to_string()
        })
        .collect();

    // The first run is killed in the middle.
    let mut first = command(&std::env::temp_dir())
        .args([
            "--config",
            &cfg,
            "--account",
            "gandi",
            "track",
            "--journal",
            &journal_arg,
        ])
        .args(&ids)
        .envs(envs.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it has recorded a first state of each (or after 20 s, to fail below).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let all_recorded = journal.exists()
            && regops_journal::SqliteJournal::open(&journal)
                .ok()
                .and_then(|j| runtime.block_on(regops_core::Journal::unfinished(&j)).ok())
                .is_some_and(|u| u.len() == 4 && u.iter().all(|r| r.last.is_some()));
        if all_recorded {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let j = regops_journal::SqliteJournal::open(&journal).unwrap();
    let unfinished = runtime
        .block_on(regops_core::Journal::unfinished(&j))
        .unwrap();
    assert_eq!(unfinished.len(), 4, "nothing was lost: {unfinished:?}");
    assert!(
        unfinished.iter().all(|r| r.last.is_some()),
        "states were recorded before the kill"
    );

    // The second resumes from the journal and follows every one to its end.
    let out = regops(
        &[
            "--config",
            &cfg,
            "--json",
            "track",
            "--resume",
            "--journal",
            &journal_arg,
        ],
        &envs,
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let finals = json(&out);
    let finals = finals.as_array().unwrap();
    assert_eq!(finals.len(), 4, "{finals:?}");
    for op in finals {
        assert_eq!(op["account"], "gandi");
        assert!(
            ["succeeded", "failed", "cancelled"].contains(&op["status"].as_str().unwrap()),
            "{op}"
        );
    }
    assert!(
        runtime
            .block_on(regops_core::Journal::unfinished(&j))
            .unwrap()
            .is_empty()
    );
    // Every change once, in order, ending terminal; none twice in a row.
    for id in &ids {
        let h = runtime
            .block_on(regops_core::Journal::history(
                &j,
                "gandi",
                &regops_core::OperationId::new(id.as_str()),
            ))
            .unwrap();
        assert!(
            h.windows(2)
                .all(|w| w[1].operation.changed_from(&w[0].operation)),
            "{h:?}"
        );
        assert!(h.last().unwrap().operation.is_terminal());
    }
    // Batched: the tracker read them with operation.list, never one operation.info each.
    assert_eq!(sim.calls("gandi", "operation.info"), 0);
    assert!(sim.calls("gandi", "operation.list") > 0);

    // history prints what was recorded; a resume with nothing left says so and exits 0.
    let out = regops(
        &[
            "--config",
            &cfg,
            "--account",
            "gandi",
            "--json",
            "history",
            &ids[0],
            "--journal",
            &journal_arg,
        ],
        &envs,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let h = json(&out);
    assert!(h.as_array().unwrap().len() >= 2, "{h}");
    assert!(h[0]["observed_at"].is_string() && h[0]["operation"]["id"] == ids[0].as_str());
    let out = regops(
        &[
            "--config",
            &cfg,
            "track",
            "--resume",
            "--journal",
            &journal_arg,
        ],
        &envs,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to resume"));
    let out = regops(
        &["--config", &cfg, "track", "--journal", &journal_arg],
        &envs,
    );
    assert_eq!(out.status.code(), Some(2), "ids or --resume");
    drop(sim);
}
