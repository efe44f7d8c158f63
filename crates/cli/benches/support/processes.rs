//! What the benchmarks that run `regops` as processes share: starting it, reading its
//! metrics, seeding the sandbox, and the sandbox's configuration.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts `regops ARGS`, answering the child and its first line of stdout.
pub fn spawn(args: &[&str], envs: &[(String, String)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_regops"))
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start regops");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .ok()
        .flatten()
        .and_then(Result::ok)
        .unwrap_or_default();
    (child, first)
}

/// Starts `regops --config CFG serve` on a free loopback port; answers the child and the base
/// URL of its API.
pub fn spawn_serve(cfg: &std::path::Path, envs: &[(String, String)]) -> (Child, String) {
    let (child, line) = spawn(
        &[
            "--config",
            &cfg.to_string_lossy(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ],
        envs,
    );
    let api = line
        .strip_prefix("listening on ")
        .expect("regops serve started")
        .to_owned();
    (child, api)
}

/// The `p` quantile (0 to 1) of `sorted`, ascending values; 0 when there are none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

/// A field of `/proc/PID/status` in kB, as MiB.
pub fn status_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The sum of a metric's samples whose labels contain every `want` pair.
pub fn metric(text: &str, name: &str, want: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter(|l| {
            let rest = &l[name.len()..];
            (rest.starts_with('{') || rest.starts_with(' '))
                && want
                    .iter()
                    .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

/// The service's metrics text.
pub async fn metrics_text(http: &reqwest::Client, api: &str) -> String {
    let answer = http.get(format!("{api}/metrics")).send().await.unwrap();
    answer.text().await.unwrap()
}

/// Seeds the sandbox at `base` with `total` operations, a quarter per provider; answers the
/// Gandi ids.
pub async fn seed(http: &reqwest::Client, base: &str, total: usize) -> Vec<String> {
    let mut gandi_ids = Vec::new();
    for provider in ["gandi", "route53", "autodns", "netim"] {
        let mut left = total / 4;
        while left > 0 {
            let n = left.min(10_000);
            let body = format!("{{\"provider\": \"{provider}\", \"count\": {n}}}");
            let answer = http
                .post(format!("{base}/admin/start"))
                .body(body)
                .send()
                .await
                .unwrap();
            let started: serde_json::Value =
                serde_json::from_str(&answer.text().await.unwrap()).unwrap();
            if provider == "gandi" {
                gandi_ids.extend(
                    started
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["id"].as_str().unwrap().to_owned()),
                );
            }
            left -= n;
        }
    }
    gandi_ids
}

/// The sandbox at `base` as four accounts named `PROVIDER` + `suffix`, paced at 1,000 calls/s
/// (the sandbox has no quota).
pub fn sandbox_config(base: &str, c: &regops_sim::SimConfig, suffix: &str) -> String {
    let url = |p| regops_sim::url(base, p);
    format!(
        "[accounts.gandi{suffix}]\nprovider = \"gandi\"\nendpoint = \"{}\"\napi_key = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.netim{suffix}]\nprovider = \"netim\"\nendpoint = \"{}\"\nreseller_id = \"{}\"\npassword = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.route53{suffix}]\nprovider = \"route53\"\nendpoint = \"{}\"\naccess_key_id = {{ env = \"{}\" }}\nsecret_access_key = {{ env = \"{}\" }}\nrequests_per_second = 1000\n\n\
         [accounts.autodns{suffix}]\nprovider = \"autodns\"\nendpoint = \"{}\"\nuser = \"{}\"\npassword = {{ env = \"{}\" }}\nrequests_per_second = 1000\n",
        url("gandi"),
        regops_sim::GANDI_KEY_VARIABLE,
        url("netim"),
        c.netim_login.0,
        regops_sim::NETIM_PASSWORD_VARIABLE,
        url("route53"),
        regops_sim::ROUTE53_KEY_VARIABLES.0,
        regops_sim::ROUTE53_KEY_VARIABLES.1,
        url("autodns"),
        c.autodns_login.0,
        regops_sim::AUTODNS_PASSWORD_VARIABLE,
    )
}

/// The variables [`sandbox_config`] reads, with the sandbox's values.
pub fn secret_exports(c: &regops_sim::SimConfig) -> Vec<(String, String)> {
    vec![
        (
            regops_sim::GANDI_KEY_VARIABLE.into(),
            c.gandi_api_key.clone(),
        ),
        (
            regops_sim::NETIM_PASSWORD_VARIABLE.into(),
            c.netim_login.1.clone(),
        ),
        (
            regops_sim::ROUTE53_KEY_VARIABLES.0.into(),
            c.route53_keys.0.clone(),
        ),
        (
            regops_sim::ROUTE53_KEY_VARIABLES.1.into(),
            c.route53_keys.1.clone(),
        ),
        (
            regops_sim::AUTODNS_PASSWORD_VARIABLE.into(),
            c.autodns_login.1.clone(),
        ),
    ]
}
