//! `cargo xtask fuzz`.
//!
//! The fuzz targets are in `fuzz/` (a crate of its own, outside the workspace) and their bodies
//! in `tests/support/fuzzing.rs`; `cargo xtask test` replays their seed corpora on stable, and
//! this command runs libFuzzer on them, which needs a nightly toolchain and cargo-fuzz.

use crate::peers::run_ok;
use std::path::Path;
use std::process::Command;

/// The fuzz targets (the binaries of `fuzz/Cargo.toml`).
const TARGETS: &[&str] = &[
    "xmlrpc_response",
    "soap_envelope",
    "route53_json",
    "autodns_json",
    "autodns_xml",
];

/// How long `cargo xtask test` fuzzes each target.
pub const BRIEF_SECS: u64 = 10;

/// Runs every fuzz target for `--time SECS` seconds (10 by default).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let secs: u64 = match args {
        [] => 10,
        [flag, n] if flag == "--time" => n
            .parse()
            .map_err(|_| format!("--time takes a number of seconds, not {n:?}"))?,
        other => {
            return Err(format!(
                "unexpected arguments {other:?}; usage: cargo xtask fuzz [--time SECS]"
            ));
        }
    };
    if !nightly_available() {
        return Err(
            "cargo xtask fuzz needs a nightly toolchain (rustup toolchain install \
             nightly). Without it, `cargo xtask test` still replays the seed corpora on stable."
                .into(),
        );
    }
    let fuzz = cargo_fuzz(root)?;
    fuzz_all(root, &fuzz, secs, false)
}

/// The brief run of `cargo xtask test`: every target for [`BRIEF_SECS`] seconds.
///
/// cargo-fuzz comes from crates.io when it is missing (installed under the peers' directory,
/// like the other test peers); a failing install fails the run. A nightly toolchain cannot be
/// fetched from every machine (only crates.io and the package registries are reachable), so
/// when there is none the live run is skipped with a loud message and the seed corpora, replayed
/// on stable by `cargo test`, remain the check (docs/security.md says so).
pub fn brief(root: &Path) -> Result<(), String> {
    if !nightly_available() {
        eprintln!(
            "==> FUZZING SKIPPED: no nightly toolchain on this machine (libFuzzer needs one); \
             the seed corpora were replayed on stable by cargo test"
        );
        return Ok(());
    }
    let fuzz = cargo_fuzz(root)?;
    fuzz_all(root, &fuzz, BRIEF_SECS, true)
}

fn nightly_available() -> bool {
    run_ok("rustup", &["run", "nightly", "rustc", "--version"])
}

/// A command that runs cargo-fuzz on nightly: `cargo +nightly fuzz` when cargo-fuzz is
/// installed, else the copy under the peers' directory (installed now if needed).
fn cargo_fuzz(root: &Path) -> Result<Vec<String>, String> {
    if run_ok("cargo", &["+nightly", "fuzz", "--version"]) {
        return Ok(vec!["cargo".into(), "+nightly".into(), "fuzz".into()]);
    }
    let dir = crate::peers::peers_dir(root).join("cargo-fuzz");
    let bin = dir.join("bin").join("cargo-fuzz");
    if !bin.exists() {
        eprintln!("==> installing cargo-fuzz into {}", dir.display());
        let status = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked", "--quiet", "--root"])
            .arg(&dir)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .map_err(|e| format!("running cargo install: {e}"))?;
        if !status.success() || !bin.exists() {
            return Err("cargo install cargo-fuzz failed (see above)".into());
        }
    }
    // Run directly, cargo-fuzz takes its subcommand name first, as cargo would pass it.
    Ok(vec![bin.to_string_lossy().into_owned(), "fuzz".into()])
}

/// `fuzz` with `args`, on nightly whichever way cargo-fuzz was found.
fn fuzz_command(root: &Path, fuzz: &[String], args: &[&str]) -> Command {
    let mut c = Command::new(&fuzz[0]);
    c.args(&fuzz[1..])
        .args(args)
        .current_dir(root)
        // cargo-fuzz runs `cargo`: through rustup's proxy, on nightly, not the cargo of the
        // outer `cargo xtask`.
        .env_remove("CARGO")
        .env("RUSTUP_TOOLCHAIN", "nightly");
    c
}

/// Runs every target for `secs`; `quiet` keeps libFuzzer's progress in
/// `fuzz/target/<target>.log` and prints its last lines only when the target fails.
fn fuzz_all(root: &Path, fuzz: &[String], secs: u64, quiet: bool) -> Result<(), String> {
    eprintln!("==> building the fuzz targets");
    let built = fuzz_command(root, fuzz, &["build"])
        .status()
        .map_err(|e| format!("running cargo fuzz build: {e}"))?;
    if !built.success() {
        return Err("the fuzz targets do not build (see above)".into());
    }
    for target in TARGETS {
        eprintln!("==> fuzzing {target} for {secs} s");
        // New inputs go to a working corpus under fuzz/target/; the seeds stay as they are.
        let work = root.join("fuzz").join("target").join("corpus").join(target);
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let seeds = root.join("fuzz").join("corpus").join(target);
        let mut command = fuzz_command(root, fuzz, &["run", target]);
        command.arg(&work).arg(&seeds).args([
            "--",
            &format!("-max_total_time={secs}"),
            "-rss_limit_mb=2048",
        ]);
        let log = root
            .join("fuzz")
            .join("target")
            .join(format!("{target}.log"));
        if quiet {
            let file =
                std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
            let copy = file.try_clone().map_err(|e| e.to_string())?;
            command.stdout(copy).stderr(file);
        }
        let status = command
            .status()
            .map_err(|e| format!("running cargo fuzz: {e}"))?;
        if quiet {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            if status.success() {
                let done = lines.iter().rev().find(|l| l.starts_with("Done ")).copied();
                eprintln!("    {}", done.unwrap_or("done"));
            } else {
                for line in &lines[lines.len().saturating_sub(40)..] {
                    eprintln!("    {line}");
                }
            }
        }
        if !status.success() {
            return Err(format!(
                "fuzz target {target} found a crash: see fuzz/artifacts/{target}/, add the input \
                 to fuzz/corpus/{target}/ and fix it (the corpus replay then keeps it fixed)"
            ));
        }
    }
    Ok(())
}
