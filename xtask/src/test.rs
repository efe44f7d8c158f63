//! `cargo xtask test`: the one test command of the README and of `.ci/run`: the peers, fmt,
//! clippy, the architecture's rules, `cargo test --workspace` (with a PostgreSQL server of its own
//! running), then every fuzz target briefly.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs `cargo ARGS` in the workspace with `envs` set, timing it; an error when it fails.
pub(crate) fn cargo(root: &Path, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    let started = Instant::now();
    eprintln!("==> cargo {}", args.join(" "));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    eprintln!("    ({:.0?})", started.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed", args.join(" ")))
    }
}

/// Runs the whole check. Extra arguments go to `cargo test` (a filter, say).
pub fn run(root: &Path, extra: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let peers = crate::peers::prepare_all(root)?;
    let peers = peers.to_string_lossy().into_owned();
    cargo(root, &["fmt", "--all", "--", "--check"], &[])?;
    cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    crate::tidy::run(root)?;
    let mut args = vec!["test", "--workspace"];
    args.extend(extra.iter().map(String::as_str));
    // The server runs for the tests only; dropping it stops it, whatever they did.
    let postgres = crate::postgres::start(root)?;
    let mut envs = vec![
        ("REGOPS_REQUIRE_PEERS", "1".to_owned()),
        ("REGOPS_PEERS", peers),
    ];
    envs.extend(postgres.env());
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let tested = cargo(root, &args, &envs);
    drop(postgres);
    tested?;
    crate::fuzz::brief(root)?;
    eprintln!("all checks passed in {:.0?}", started.elapsed());
    Ok(())
}
