//! `cargo xtask bench`: every benchmark in one run, then `docs/benchmarks.md` and its chart
//! generated from the results (crates/bench holds the comparison and the report).

use crate::test::cargo;
use std::path::{Path, PathBuf};
use std::process::Command;

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs the benchmarks and writes the report.
pub fn run(root: &Path) -> Result<(), String> {
    let target = target_dir(root);
    let inputs = target.join("bench").join("inputs");
    let results = target.join("bench").join("results");
    let criterion = target.join("criterion");
    // Figures of an earlier run must not leak into this one.
    for dir in [&results, &criterion] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(&results).map_err(|e| format!("creating results: {e}"))?;
    let (inputs_s, results_s) = (path_str(&inputs), path_str(&results));
    let bench_bin = ["run", "--release", "--quiet", "-p", "regops-bench", "--"];

    let mut args = bench_bin.to_vec();
    args.extend(["inputs", &inputs_s]);
    cargo(root, &args, &[])?;
    cargo(
        root,
        &["bench", "-p", "regops-bench", "--bench", "decoders"],
        &[],
    )?;

    eprintln!("==> python3 crates/bench/python/decode.py");
    let status = Command::new("python3")
        .arg(root.join("crates/bench/python/decode.py"))
        .arg(&inputs)
        .arg(results.join("python.json"))
        .status()
        .map_err(|e| format!("running python3: {e}"))?;
    if !status.success() {
        return Err("the Python timings failed".into());
    }

    let env = [("REGOPS_BENCH_RESULTS", results_s.as_str())];
    cargo(
        root,
        &["bench", "-p", "regops", "--bench", "end_to_end"],
        &env,
    )?;
    cargo(root, &["bench", "-p", "regops", "--bench", "tracker"], &env)?;
    cargo(root, &["bench", "-p", "regops", "--bench", "serve"], &env)?;
    let postgres = crate::postgres::start(root)?;
    let mut envs: Vec<(&str, String)> = postgres.env();
    envs.push(("REGOPS_BENCH_RESULTS", results_s.clone()));
    envs.push(("REGOPS_REQUIRE_PEERS", "1".into()));
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    cargo(root, &["bench", "-p", "regops", "--bench", "fleet"], &envs)?;
    drop(postgres);

    let (md, svg) = (
        root.join("docs/benchmarks.md"),
        root.join("docs/benchmarks.svg"),
    );
    let (criterion_s, md_s, svg_s) = (path_str(&criterion), path_str(&md), path_str(&svg));
    let mut args = bench_bin.to_vec();
    args.extend(["report", &criterion_s, &results_s, &md_s, &svg_s]);
    cargo(root, &args, &[])?;
    eprintln!("wrote {} and {}", md.display(), svg.display());
    Ok(())
}
