//! Support for the integration tests: starting the independent peers (docs/testing.md),
//! scratch directories, and skipping loudly when a peer is missing.
//!
//! Under `cargo xtask test` (`REGOPS_REQUIRE_PEERS=1`) a missing peer fails the test instead of
//! skipping it.

pub mod fuzzing;
pub mod postgres;
pub mod scripted;

pub use scripted::{Answer, ScriptedServer, Seen, fast_retry};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Whether missing peers must fail the tests (set by `cargo xtask test`).
pub fn peers_required() -> bool {
    std::env::var("REGOPS_REQUIRE_PEERS").is_ok_and(|v| v == "1")
}

/// Reports a missing peer: panics under `cargo xtask test`, otherwise prints a loud skip
/// notice. Returns so that the caller can `return` from the test.
pub fn missing_peer(test: &str, peer: &str, why: &str) {
    let msg =
        format!("peer {peer} is not available ({why}); run `cargo xtask peers` to install it");
    if peers_required() {
        panic!("{test}: {msg}");
    }
    eprintln!("\n*** SKIPPED {test}: {msg} ***\n");
}

/// The system python3, when it has the standard XML-RPC modules.
pub fn python3() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .args(["-c", "import xmlrpc.server, xmlrpc.client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from("python3"))
}

/// A peer script under `tests/peers/`.
pub fn peer_script(name: &str) -> PathBuf {
    root().join("tests").join("peers").join(name)
}

/// A server process that is killed when dropped.
#[derive(Debug)]
pub struct PeerServer {
    child: Child,
    url: String,
}

impl PeerServer {
    /// Starts `program args...` and waits for it to print `LISTENING <url>` on stdout.
    pub fn start(program: &Path, args: &[&str]) -> Result<PeerServer, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", program.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first);
            // Keep draining so that the server never blocks on a full pipe.
            for _ in lines {}
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(Ok(line))) if line.starts_with("LISTENING ") => Ok(PeerServer {
                child,
                url: line["LISTENING ".len()..].trim().to_owned(),
            }),
            other => {
                let _ = child.kill();
                Err(format!("{} did not start: {other:?}", program.display()))
            }
        }
    }

    /// Starts `program args...` with `envs`, expecting it to serve on `127.0.0.1:port`, and
    /// waits until the port accepts connections.
    pub fn start_on_port(
        program: &Path,
        args: &[&str],
        envs: &[(&str, &str)],
        port: u16,
    ) -> Result<PeerServer, String> {
        let mut child = Command::new(program)
            .args(args)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", program.display()))?;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if std::time::Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
                let _ = child.kill();
                return Err(format!("{} did not listen on {addr}", program.display()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(PeerServer {
            child,
            url: format!("http://{addr}/"),
        })
    }

    /// The URL it serves.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for PeerServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Gandi-shaped server on Python's `xmlrpc.server`, or `None` (after the skip notice) when
/// python3 is missing.
pub fn gandi_peer(test: &str, api_key: &str) -> Option<PeerServer> {
    let Some(py) = python3() else {
        missing_peer(test, "python3", "python3 with xmlrpc.server was not found");
        return None;
    };
    let script = peer_script("gandi_xmlrpc_server.py");
    Some(
        PeerServer::start(&py, &[script.to_str().expect("utf-8 path"), api_key])
            .unwrap_or_else(|e| panic!("{test}: {e}")),
    )
}

/// The python of the peers' venv (`target/peers/venv`, made by `cargo xtask peers`), when it
/// has moto and boto3.
pub fn venv_python() -> Option<PathBuf> {
    let py = root()
        .join("target")
        .join("peers")
        .join("venv")
        .join("bin")
        .join("python");
    let ok = Command::new(&py)
        .args([
            "-c",
            "import moto, boto3; from moto.server import ThreadedMotoServer",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(py)
}

/// The python of the peers' venv when it can import every module of `modules` (comma separated).
pub fn venv_python_with(modules: &str) -> Option<PathBuf> {
    let py = venv_python()?;
    let ok = Command::new(&py)
        .args(["-c", &format!("import {modules}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(py)
}

/// The webhook receiver (`tests/peers/webhook_receiver.py`, which verifies signatures with the
/// `standardwebhooks` package), answering 500 for the first `fail_for` seconds; `None` (after
/// the skip notice) when the venv lacks the package.
pub fn webhook_receiver(test: &str, secret: &str, fail_for: f64) -> Option<PeerServer> {
    let Some(py) = venv_python_with("standardwebhooks") else {
        missing_peer(test, "python standardwebhooks", "the peers' venv lacks it");
        return None;
    };
    let script = peer_script("webhook_receiver.py");
    let fail = fail_for.to_string();
    match PeerServer::start(
        &py,
        &[
            &script.to_string_lossy(),
            "--secret",
            secret,
            "--fail-for",
            &fail,
        ],
    ) {
        Ok(server) => Some(server),
        Err(e) => panic!("{test}: the webhook receiver did not start: {e}"),
    }
}

/// moto in server mode (the Route 53 Domains peer), or `None` (after the skip notice) when the
/// venv is missing. With `recording`, moto appends every request it receives to that file (one
/// JSON object per line: method, url, headers, body).
pub fn moto_peer(test: &str, recording: Option<&Path>) -> Option<PeerServer> {
    let Some(py) = venv_python() else {
        missing_peer(
            test,
            "moto",
            "target/peers/venv has no moto[server] and boto3",
        );
        return None;
    };
    let script = peer_script("route53_moto_server.py");
    let mut args = vec![script.to_str().expect("utf-8 path")];
    if let Some(path) = recording {
        args.push(path.to_str().expect("utf-8 path"));
    }
    Some(PeerServer::start(&py, &args).unwrap_or_else(|e| panic!("{test}: {e}")))
}

/// Runs the boto3 client script against `server` and answers what it printed, as JSON.
/// Panics with its stderr when it fails.
pub fn boto3(server: &PeerServer, args: &[&str]) -> serde_json::Value {
    let py = venv_python().expect("moto_peer started, so the venv is there");
    let out = Command::new(py)
        .arg(peer_script("route53_boto3.py"))
        .arg(server.url())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run route53_boto3.py");
    assert!(
        out.status.success(),
        "route53_boto3.py {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("route53_boto3.py prints JSON")
}

/// A free loopback port (bound, then released for the peer to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Whether `php` runs and has the SOAP extension.
pub fn php_soap() -> bool {
    Command::new("php")
        .args(["-r", "exit(class_exists('SoapServer') ? 0 : 1);"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// PHP's own SoapServer playing Netim (`tests/peers/netim_soap_server.php` under `php -S`), its
/// state in `state` (a JSON file; absent at start), or `None` (after the skip notice) when
/// php-soap is missing.
pub fn netim_peer(test: &str, state: &Path) -> Option<PeerServer> {
    if !php_soap() {
        missing_peer(
            test,
            "php-soap",
            "php with the soap extension was not found",
        );
        return None;
    }
    let script = peer_script("netim_soap_server.php");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    Some(
        PeerServer::start_on_port(
            Path::new("php"),
            &["-S", &listen, script.to_str().expect("utf-8 path")],
            &[("NETIM_PEER_STATE", state.to_str().expect("utf-8 path"))],
            port,
        )
        .unwrap_or_else(|e| panic!("{test}: {e}")),
    )
}

/// A scratch directory for one test, removed when dropped, kept when the test fails (its path
/// is printed) so that what the processes wrote there can be read.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new empty directory named after `test`.
    pub fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("regops-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} for inspection", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
