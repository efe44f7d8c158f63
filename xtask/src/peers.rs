//! The independent test peers: programs this project did not write that the tests run against
//! (docs/testing.md). Each adapter registers here what it needs; `cargo xtask test` prepares them
//! all (idempotent, quick when already there) and tells the tests to fail rather than skip when
//! one is missing.
//!
//! Tests find the peers through `REGOPS_PEERS` (the directory below, set by `cargo xtask test`),
//! or at `target/peers` when run by plain `cargo test`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// moto 5.0.3 is the first with route53domains operations; pinned so that runs are repeatable.
/// standardwebhooks verifies the service's webhook signatures, prometheus_client parses its
/// metrics, openapi-spec-validator checks its OpenAPI document, playwright drives the system
/// Chromium through the dashboard (it uses Debian's browser, never downloads its own).
const PIP_PACKAGES: &[&str] = &[
    "moto[server]==5.2.5",
    "boto3==1.44.8",
    "standardwebhooks==1.1.0",
    "prometheus-client==0.26.0",
    "openapi-spec-validator==0.9.0",
    "playwright==1.65.2",
];
/// Checked after installing: the modules the tests import.
const PY_CHECK: &str = "import moto, boto3, flask, standardwebhooks, prometheus_client, \
     openapi_spec_validator, playwright.sync_api; from moto.server import ThreadedMotoServer";

/// Debian packages and what proves each is there.
const DEBIAN: &[(&str, &str)] = &[
    ("php-cli", "php"),
    ("php-soap", "php-soap"),
    ("chromium", "chromium"),
    ("fonts-liberation", "fonts"),
    ("postgresql", "postgres"),
];

/// A peer: what it is for and how to get it.
struct Peer {
    name: &'static str,
    needed_by: &'static str,
    ready: fn(&Path) -> bool,
    install: fn(&Path) -> Result<(), String>,
}

const PEERS: &[Peer] = &[
    Peer {
        name: "python3 (xmlrpc.server, xmlrpc.client)",
        needed_by: "regops-xmlrpc tests",
        ready: |_| run_ok("python3", &["-c", "import xmlrpc.server, xmlrpc.client"]),
        install: |_| Err("python3 is required on the machine".into()),
    },
    Peer {
        name: "python venv with moto[server], boto3, standardwebhooks, prometheus_client, openapi-spec-validator, playwright",
        needed_by: "regops-route53 and regops serve tests",
        ready: |dir| run_ok(&venv_python(dir).to_string_lossy(), &["-c", PY_CHECK]),
        install: install_venv,
    },
    Peer {
        name: "php-cli with the soap extension",
        needed_by: "regops-soap tests",
        ready: |_| php_soap_ready(),
        install: |_| install_debian(),
    },
    Peer {
        name: "chromium (headless) with fonts",
        needed_by: "the dashboard's browser test",
        ready: |_| {
            run_ok("chromium", &["--version"])
                && Path::new("/usr/share/fonts/truetype/liberation").exists()
        },
        install: |_| install_debian(),
    },
    Peer {
        name: "PostgreSQL 15 or later (server programs)",
        needed_by: "the PostgreSQL journal and the fleet tests",
        ready: |_| crate::postgres::bin_dir().is_some(),
        install: |_| install_debian(),
    },
];

/// Where the peers live.
pub fn peers_dir(root: &Path) -> PathBuf {
    std::env::var_os("REGOPS_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target").join("peers"))
}

fn venv_python(dir: &Path) -> PathBuf {
    dir.join("venv").join("bin").join("python")
}

/// Whether `program ARGS` runs and succeeds (its output discarded).
pub(crate) fn run_ok(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_checked(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("running {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn php_soap_ready() -> bool {
    run_ok("php", &["-r", "exit(class_exists('SoapServer') ? 0 : 1);"])
}

fn install_venv(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let venv = dir.join("venv");
    if !venv_python(dir).exists() {
        run_checked("python3", &["-m", "venv", &venv.to_string_lossy()])?;
    }
    let pip = venv.join("bin").join("pip");
    let mut args = vec!["install", "--quiet", "--disable-pip-version-check"];
    args.extend(PIP_PACKAGES);
    run_checked(&pip.to_string_lossy(), &args)
}

fn install_debian() -> Result<(), String> {
    let packages: Vec<&str> = DEBIAN.iter().map(|(p, _)| *p).collect();
    let sudo = !is_root();
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut full: Vec<&str> = Vec::new();
        if sudo {
            full.push("apt-get");
        }
        full.extend_from_slice(args);
        if sudo {
            run_checked("sudo", &full)
        } else {
            run_checked("apt-get", args)
        }
    };
    let mut install = vec!["install", "-y", "--no-install-recommends", "-q"];
    install.extend(&packages);
    if apt(&install).is_err() {
        apt(&["update", "-q"])?;
        apt(&install)?;
    }
    Ok(())
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Prepares every peer; returns the peers directory.
pub fn prepare_all(root: &Path) -> Result<PathBuf, String> {
    let dir = peers_dir(root);
    for peer in PEERS {
        if (peer.ready)(&dir) {
            eprintln!("peer ready: {}", peer.name);
            continue;
        }
        eprintln!("preparing peer: {} (for {})", peer.name, peer.needed_by);
        (peer.install)(&dir).map_err(|e| format!("peer {}: {e}", peer.name))?;
        if !(peer.ready)(&dir) {
            return Err(format!(
                "peer {} is still not usable after installing it",
                peer.name
            ));
        }
    }
    Ok(dir)
}
