//! `regops-bench inputs DIR`: writes every input and a manifest for Python's timings.
//! `regops-bench report CRITERION_DIR RESULTS_DIR MARKDOWN SVG`: writes the report and its chart.
//!
//! `cargo xtask bench` runs both around the benchmarks.

use regops_bench::{fixtures, report};
use std::path::Path;
use std::process::ExitCode;

fn inputs(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let mut manifest = Vec::new();
    for input in fixtures::all() {
        let file = format!("{}.{}", input.name, input.format.extension());
        std::fs::write(dir.join(&file), &input.body).map_err(|e| format!("writing {file}: {e}"))?;
        manifest.push(serde_json::json!({
            "name": input.name,
            "format": input.format.slug(),
            "file": file,
            "operations": input.operations,
            "bytes": input.body.len(),
        }));
    }
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("manifest.json"), text).map_err(|e| format!("writing manifest: {e}"))
}

fn machine() -> report::Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_owned(), |m| m.trim().to_owned());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    report::Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rustc,
        date,
    }
}

fn write_report(criterion: &Path, results: &Path, md: &Path, svg: &Path) -> Result<(), String> {
    let r = report::load(criterion, results)?;
    if r.time(report::HEADLINE, "regops").is_none() {
        return Err(format!(
            "no criterion result for {} in {}: run the decoders benchmark first",
            report::HEADLINE,
            criterion.display()
        ));
    }
    report::chart(&r, svg)?;
    let chart_name = svg
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(md, report::markdown(&r, &machine(), &chart_name))
        .map_err(|e| format!("writing {}: {e}", md.display()))?;
    for bar in report::bars(&r) {
        eprintln!(
            "{}: {:.2} (bar {}{}){}",
            bar.what,
            bar.ratio,
            if bar.at_least { ">= " } else { "<= " },
            bar.bar,
            if bar.met() { "" } else { "  NOT MET" }
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["inputs", dir] => inputs(Path::new(dir)),
        ["report", criterion, results, md, svg] => write_report(
            Path::new(criterion),
            Path::new(results),
            Path::new(md),
            Path::new(svg),
        ),
        _ => Err("usage: regops-bench inputs DIR | regops-bench report CRITERION_DIR RESULTS_DIR MARKDOWN SVG".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("regops-bench: {e}");
            ExitCode::from(2)
        }
    }
}
