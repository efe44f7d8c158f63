//! `cargo xtask fuzz` and `cargo xtask bench`.
//!
//! The fuzz targets are in `fuzz/` (a crate of its own, outside the workspace) and their bodies
//! in `tests/support/fuzzing.rs`; `cargo xtask test` replays their seed corpora on stable, and
//! this command runs libFuzzer on them, which needs a nightly toolchain and cargo-fuzz.

use std::path::Path;
use std::process::{Command, Stdio};

/// The fuzz targets (the binaries of `fuzz/Cargo.toml`).
const TARGETS: &[&str] = &[
    "xmlrpc_response",
    "soap_envelope",
    "route53_json",
    "autodns_json",
    "autodns_xml",
];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

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
    let available = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        return Err("cargo xtask fuzz needs a nightly toolchain and cargo-fuzz \
             (rustup toolchain install nightly; cargo install cargo-fuzz). \
             Without them, `cargo xtask test` still replays the seed corpora on stable."
            .into());
    }
    eprintln!("==> building the fuzz targets");
    let built = Command::new("cargo")
        .args(["+nightly", "fuzz", "build"])
        .current_dir(root)
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
        let status = Command::new("cargo")
            .args(["+nightly", "fuzz", "run", target])
            .arg(&work)
            .arg(&seeds)
            .args([
                "--",
                &format!("-max_total_time={secs}"),
                "-rss_limit_mb=2048",
            ])
            .current_dir(root)
            .status()
            .map_err(|e| format!("running cargo fuzz: {e}"))?;
        if !status.success() {
            return Err(format!(
                "fuzz target {target} found a crash: see fuzz/artifacts/{target}/, add the input \
                 to fuzz/corpus/{target}/ and fix it (the corpus replay then keeps it fixed)"
            ));
        }
    }
    Ok(())
}

/// Runs every benchmark of the workspace.
pub fn bench(root: &Path) -> Result<(), String> {
    let status = Command::new(cargo())
        .args(["bench", "--workspace"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("running cargo bench: {e}"))?;
    if status.success() {
        eprintln!(
            "the figures of docs/benchmarks.md come from these runs (each section names its command)"
        );
        Ok(())
    } else {
        Err("cargo bench failed".into())
    }
}
