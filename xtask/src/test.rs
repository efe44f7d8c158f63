//! `cargo xtask test`: the one test command of the README and of `.ci/run`: the peers, fmt,
//! clippy, the architecture's rules, `cargo test --workspace`, then every fuzz target briefly.

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
    cargo(
        root,
        &args,
        &[("REGOPS_REQUIRE_PEERS", "1"), ("REGOPS_PEERS", &peers)],
    )?;
    crate::fuzz::brief(root)?;
    eprintln!("all checks passed in {:.0?}", started.elapsed());
    Ok(())
}
