//! The PostgreSQL server the fleet tests run against (docs/testing.md): Debian's `postgresql`
//! package, a cluster made by `initdb` under `target/postgres/`, started on a free loopback port
//! for one `cargo test` run and stopped afterwards.
//!
//! PostgreSQL refuses to run as root, and CI runs as root: the cluster then belongs to `nobody`
//! and every server command runs through `runuser`. The cluster is kept between runs (making it
//! again is the slow part); starting it takes about a second.
//!
//! The tests find it through three variables: `REGOPS_POSTGRES_URL` (the superuser's URL; each
//! test makes a database of its own), `REGOPS_POSTGRES_BIN` (the server's programs) and
//! `REGOPS_POSTGRES_DATA` (the cluster), the last two for the test that restarts the server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The superuser `initdb` makes; the tests connect as it (trust authentication, loopback only).
const SUPERUSER: &str = "regops";

/// The newest installed PostgreSQL's `bin` directory, when it is 15 or later.
pub fn bin_dir() -> Option<PathBuf> {
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    versions
        .filter_map(|e| {
            let e = e.ok()?;
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (major >= 15 && bin.join("initdb").exists()).then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

/// A running server; stopped when dropped.
pub struct Server {
    bin: PathBuf,
    data: PathBuf,
    user: Option<&'static str>,
    /// The superuser's URL.
    pub url: String,
}

impl Server {
    /// The variables that tell the tests where it is.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("REGOPS_POSTGRES_URL", self.url.clone()),
            (
                "REGOPS_POSTGRES_BIN",
                self.bin.to_string_lossy().into_owned(),
            ),
            (
                "REGOPS_POSTGRES_DATA",
                self.data.to_string_lossy().into_owned(),
            ),
        ]
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = pg_ctl(
            &self.bin,
            self.user,
            &self.data,
            &["stop", "-m", "fast", "-w"],
        );
    }
}

/// Runs one of the server's programs, as `user` when given.
fn as_user(user: Option<&str>, program: &Path, args: &[&str]) -> Command {
    match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program).args(args);
            c
        }
        None => {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    }
}

fn pg_ctl(bin: &Path, user: Option<&str>, data: &Path, args: &[&str]) -> Result<(), String> {
    let data = data.to_string_lossy();
    let mut all = vec!["-D", &data];
    all.extend_from_slice(args);
    let out = as_user(user, &bin.join("pg_ctl"), &all)
        .output()
        .map_err(|e| format!("running pg_ctl: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`pg_ctl {}` failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Whether every folder above `path` lets other users through (so that `nobody` reaches it).
fn reachable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty())
        .all(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

/// Where the cluster lives: `target/postgres`, or a folder of the temporary directory when the
/// checkout is in a folder `nobody` cannot enter.
fn home(root: &Path, as_root: bool) -> PathBuf {
    let target = root.join("target").join("postgres");
    if !as_root || reachable_by_others(&target) {
        return target;
    }
    eprintln!(
        "postgres: {} is not reachable by `nobody`; the cluster goes to the temporary directory",
        target.display()
    );
    std::env::temp_dir().join("regops-postgres")
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))
}

/// Makes the cluster when needed and starts it on a free port.
pub fn start(root: &Path) -> Result<Server, String> {
    let bin = bin_dir().ok_or("PostgreSQL 15 or later is not installed (Debian's postgresql)")?;
    let as_root = crate::peers::is_root();
    let user = as_root.then_some("nobody");
    let home = home(root, as_root);
    let data = home.join("data");
    std::fs::create_dir_all(&home).map_err(|e| format!("creating {}: {e}", home.display()))?;
    if as_root {
        let ok = Command::new("chown")
            .args(["-R", "nobody:nogroup"])
            .arg(&home)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("could not give {} to nobody", home.display()));
        }
    }
    if !data.join("PG_VERSION").exists() {
        let _ = std::fs::remove_dir_all(&data);
        eprintln!("postgres: initdb {}", data.display());
        let data_text = data.to_string_lossy();
        let out = as_user(
            user,
            &bin.join("initdb"),
            &[
                "-D",
                &data_text,
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    // A server left running by an interrupted run is stopped first (its port is unknown).
    if pg_ctl(&bin, user, &data, &["status"]).is_ok() {
        pg_ctl(&bin, user, &data, &["stop", "-m", "fast", "-w"])?;
    }
    let port = free_port()?;
    let log = home.join("server.log");
    // The settings live in the cluster (so that a test that stops the server starts it again
    // as it was): loopback TCP only (no socket file: a checkout's path can be longer than a
    // socket's), and no fsync: the data is a test's, and the tests stop the server cleanly.
    let settings = format!(
        "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n\
         fsync = off\nmax_connections = 200\n"
    );
    let conf = data.join("postgresql.conf");
    let text = std::fs::read_to_string(&conf).map_err(|e| format!("{}: {e}", conf.display()))?;
    if !text.contains("include_if_exists = 'regops.conf'") {
        std::fs::write(
            &conf,
            format!("{text}\ninclude_if_exists = 'regops.conf'\n"),
        )
        .map_err(|e| format!("{}: {e}", conf.display()))?;
    }
    std::fs::write(data.join("regops.conf"), settings)
        .map_err(|e| format!("writing regops.conf: {e}"))?;
    pg_ctl(
        &bin,
        user,
        &data,
        &["start", "-w", "-t", "60", "-l", &log.to_string_lossy()],
    )
    .map_err(|e| format!("{e} (see {})", log.display()))?;
    eprintln!("postgres: running on 127.0.0.1:{port} ({})", data.display());
    Ok(Server {
        bin,
        data,
        user,
        url: format!("postgres://{SUPERUSER}@127.0.0.1:{port}/postgres"),
    })
}

/// `cargo xtask postgres`: starts the server, prints the variables for plain `cargo test`, and
/// stops it when standard input closes.
pub fn serve_until_stdin_closes(root: &Path) -> Result<(), String> {
    let server = start(root)?;
    for (k, v) in server.env() {
        println!("export {k}={v}");
    }
    eprintln!("postgres: running until standard input closes (Ctrl-D)");
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
    drop(server);
    Ok(())
}
